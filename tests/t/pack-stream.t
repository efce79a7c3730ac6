#!/usr/bin/env bash
test_description='ayak-pack: the token stream end mark (a writer that did not finish), streams of different tokenizers, concatenated streams (compressed ones: pack-compressed.t)'
. "$(dirname "$0")/../lib.sh"

T=$TEST_DATA/tok

test_expect_success 'setup' '
	head -n 6 "$T/input.jsonl" >in.jsonl &&
	ayak-tok -t "$T/bytelevel/tokenizer.json" --binary in.jsonl >a.tok &&
	ayak-tok -t "$T/sp/tokenizer.json" --binary in.jsonl >sp.tok &&
	ayak-pack -o a a.tok &&
	ayak-pack --verify a >a.v &&
	grep -q "\"documents\":6," a.v
'

test_expect_success 'a stream whose writer failed part-way: exit 1 and no shard' '
	{ head -n 2 in.jsonl && echo "{\"text\": broken" && sed -n 3p in.jsonl; } >bad.jsonl &&
	ayak-tok -t "$T/bytelevel/tokenizer.json" --binary bad.jsonl 2>tok.err >part.tok
	test $? = 1 &&
	test_expect_code 1 ayak-pack -o out/ms part.tok 2>err &&
	echo "ayak-pack: part.tok: token stream ends without its end mark: the writer did not finish" >expect &&
	test_cmp expect err &&
	test_path_is_missing out/ms.bin &&
	test_path_is_missing out/ms.idx
'

test_expect_success 'the same in a pipe: both sides fail' '
	ayak-tok -t "$T/bytelevel/tokenizer.json" --binary bad.jsonl 2>/dev/null | ayak-pack -o p/ms 2>err
	test "${PIPESTATUS[*]}" = "1 1" &&
	echo "ayak-pack: (stdin): token stream ends without its end mark: the writer did not finish" >expect &&
	test_cmp expect err &&
	test_path_is_missing p/ms.idx
'

test_expect_success 'with --on-error skip the writer finishes: the stream is whole' '
	ayak-tok -t "$T/bytelevel/tokenizer.json" --binary --on-error skip bad.jsonl 2>/dev/null |
	ayak-pack -o s/ms &&
	ayak-pack --verify s/ms >v &&
	grep -q "\"documents\":3," v
'

test_expect_success 'a stream cut between documents (a killed writer) is refused; shards already done go too' '
	head -c -12 a.tok >cut.tok &&
	test_expect_code 1 ayak-pack -o c/ms cut.tok 2>err &&
	echo "ayak-pack: cut.tok: token stream ends without its end mark: the writer did not finish" >expect &&
	test_cmp expect err &&
	test_expect_code 1 ayak-pack --shard-tokens 10 -o c/ms cut.tok 2>err &&
	test_cmp expect err &&
	ls -A c >left &&
	test_must_be_empty left
'

test_expect_success 'an end mark that counts other documents is corrupt' '
	head -c -8 a.tok >n.tok && printf "\007\0\0\0\0\0\0\0" >>n.tok &&
	test_expect_code 1 ayak-pack -o n n.tok 2>err &&
	echo "ayak-pack: n.tok: corrupt token stream: its end mark counts 7 documents, 6 were read" >expect &&
	test_cmp expect err
'

test_expect_success 'streams of different tokenizers are refused in either order' '
	test_expect_code 1 ayak-pack -o m sp.tok a.tok 2>err &&
	echo "ayak-pack: a.tok: the stream header (vocabulary 600, end-of-text 599) differs from the first stream'"'"'s (vocabulary 700, end-of-text 2): streams of different tokenizers do not go together" >expect &&
	test_cmp expect err &&
	test_expect_code 1 ayak-pack -o m a.tok sp.tok 2>err &&
	echo "ayak-pack: sp.tok: the stream header (vocabulary 700, end-of-text 2) differs from the first stream'"'"'s (vocabulary 600, end-of-text 599): streams of different tokenizers do not go together" >expect &&
	test_cmp expect err &&
	cat a.tok sp.tok | test_expect_code 1 ayak-pack -o m 2>err &&
	echo "ayak-pack: (stdin): the stream header after document 6 (vocabulary 700, end-of-text 2) differs from the first stream'"'"'s (vocabulary 600, end-of-text 599): streams of different tokenizers do not go together" >expect &&
	test_cmp expect err &&
	test_path_is_missing m.idx
'

test_expect_success 'concatenated streams continue, as gzip members do' '
	cat a.tok a.tok | ayak-pack -o cat2 &&
	ayak-pack -o two a.tok a.tok &&
	test_cmp_bin cat2.bin two.bin &&
	test_cmp_bin cat2.idx two.idx &&
	ayak-pack --verify cat2 >v &&
	grep -q "\"documents\":12," v &&
	cat a.tok a.tok >aa.tok &&
	ayak-pack -o cat3 aa.tok &&
	test_cmp_bin cat2.bin cat3.bin
'

test_expect_success 'a second header without the end mark before it is named' '
	cat cut.tok a.tok | test_expect_code 1 ayak-pack -o x 2>err &&
	echo "ayak-pack: (stdin): a second stream header at document 7, without the end mark of the stream before it: its writer did not finish" >expect &&
	test_cmp expect err &&
	{ cat a.tok && printf "garbage, not a header" ; } >junk.tok &&
	test_expect_code 1 ayak-pack -o x junk.tok 2>err &&
	echo "ayak-pack: junk.tok: corrupt token stream: what follows the end mark after document 6 is not a stream header" >expect &&
	test_cmp expect err
'

test_expect_success 'a version 1 stream (no end mark) is refused' '
	{ head -c 8 a.tok && printf "\001\0\0\0" && head -c -12 a.tok | tail -c +13 ; } >v1.tok &&
	test_expect_code 1 ayak-pack -o x v1.tok 2>err &&
	echo "ayak-pack: v1.tok: token stream version 1 (no end mark) is not supported: write it again with this ayak-tok" >expect &&
	test_cmp expect err
'

test_expect_success 'a header whose end-of-text token is not below its vocabulary size is a corrupt stream, not a bad --eot' '
	: "vocabulary 10, end-of-text 20, one document [1], the end mark" &&
	printf "AYAKTOK\001\002\0\0\0\012\0\0\0\024\0\0\0\0\0\0\0\001\0\0\0\001\0\0\0\377\377\377\377\001\0\0\0\0\0\0\0" >eot.tok &&
	test_expect_code 1 ayak-pack -o eot/ms eot.tok 2>err &&
	echo "ayak-pack: eot.tok: corrupt token stream header: its end-of-text token 20 is not below its vocabulary size 10" >expect &&
	test_cmp expect err &&
	test_path_is_missing eot &&
	: "vocabulary unknown (0): the token is checked against --vocab-size, which is named" &&
	printf "AYAKTOK\001\002\0\0\0\0\0\0\0\024\0\0\0\0\0\0\0\001\0\0\0\001\0\0\0\377\377\377\377\001\0\0\0\0\0\0\0" >eot0.tok &&
	test_expect_code 2 ayak-pack -o eot/ms --vocab-size 10 eot0.tok 2>err &&
	cat >expect <<-\EOF &&
	ayak-pack: eot0.tok: its end-of-text token (20) is not below --vocab-size 10
	Try '"'"'ayak-pack --help'"'"'.
	EOF
	test_cmp expect err &&
	ayak-pack -o eot/ms eot0.tok &&
	ayak-pack --verify eot/ms | grep -q "\"tokens\":1,"
'

test_expect_success 'standard input among files: of the files'"'"' kind, records or streams' '
	ayak-tok -t "$T/bytelevel/tokenizer.json" in.jsonl >ids.jsonl &&
	ayak-pack -o r1 --vocab-size 600 ids.jsonl - <ids.jsonl &&
	ayak-pack -o r2 --vocab-size 600 ids.jsonl ids.jsonl &&
	test_cmp_bin r2.bin r1.bin &&
	test_cmp_bin r2.idx r1.idx &&
	ayak-pack -o s1 a.tok - <a.tok &&
	ayak-pack -o s2 - a.tok <a.tok &&
	ayak-pack -o s3 a.tok a.tok &&
	test_cmp_bin s3.idx s1.idx &&
	test_cmp_bin s3.idx s2.idx &&
	: told by standard input when the files are empty &&
	: >empty &&
	ayak-pack -o r3 --vocab-size 600 empty - empty <ids.jsonl &&
	ayak-pack -o r4 --vocab-size 600 ids.jsonl &&
	test_cmp_bin r4.bin r3.bin &&
	: standard input of the other kind &&
	test_expect_code 1 ayak-pack -o x a.tok - <ids.jsonl 2>err &&
	echo "ayak-pack: (stdin): not an ayak-tok token stream" >expect &&
	test_cmp expect err &&
	test_path_is_missing x.idx
'

test_expect_success 'an empty input among token streams is a stream whose writer wrote nothing' '
	test_expect_code 1 ayak-pack -o e a.tok empty 2>err &&
	echo "ayak-pack: empty: empty, not a token stream: its writer wrote nothing" >expect &&
	test_cmp expect err &&
	test_expect_code 1 ayak-pack -o e empty a.tok 2>err &&
	test_cmp expect err &&
	test_expect_code 1 ayak-pack -o e empty - <a.tok 2>err &&
	test_cmp expect err &&
	test_path_is_missing e.idx &&
	: alone, or with records, it is no records &&
	ayak-pack -o e --vocab-size 600 empty &&
	test $(wc -c <e.bin) = 0
'

test_expect_success 'records and streams: the message names a file of each' '
	test_expect_code 2 ayak-pack -o m a.tok empty ids.jsonl 2>err &&
	printf "%s\n" "ayak-pack: token streams and records do not go together: a.tok is a token stream, ids.jsonl holds records" \
		"Try '"'"'ayak-pack --help'"'"'." >expect &&
	test_cmp expect err
'

test_expect_success 'a stream of another tokenizer than --tokenizer is refused, not packed with its end-of-text token' '
	test_expect_code 2 ayak-pack --tokenizer "$T/sp/tokenizer.json" --format flat -o t a.tok 2>err &&
	printf "%s\n" "ayak-pack: a.tok: its tokenizer (vocabulary 600, end-of-text 599) is not --tokenizer $T/sp/tokenizer.json (vocabulary 700, end-of-text 2)" \
		"Try '"'"'ayak-pack --help'"'"'." >expect &&
	test_cmp expect err &&
	test_path_is_missing t.u16 &&
	ayak-pack --tokenizer "$T/bytelevel/tokenizer.json" -o t a.tok &&
	test_cmp_bin a.idx t.idx &&
	: --vocab-size and --eot of their own are still taken &&
	ayak-pack --vocab-size 1000 --eot 5 --format flat -o t2 a.tok
'

test_expect_success '--stats: bytes_in is every byte of the stream, bytes_out every byte of the shards' '
	ayak-pack --stats st.json -o b a.tok a.tok &&
	grep -q "\"bytes_in\":$(($(wc -c <a.tok) * 2))," st.json &&
	grep -q "\"bytes_out\":$(cat b.bin b.idx | wc -c)," st.json &&
	ayak-pack --stats st.json --shard-tokens 100 -o bs a.tok &&
	grep -q "\"bytes_out\":$(cat bs-*.bin bs-*.idx | wc -c)," st.json &&
	ayak-pack --stats st.json --format flat --shard-tokens 100 -o bf a.tok &&
	grep -q "\"bytes_out\":$(cat bf-*.u* | wc -c)," st.json
'

test_expect_success TTY '--progress draws its line on token streams too' '
	for i in $(seq 1 1100); do echo "{\"text\":\"dokumen $i\"}"; done >many.jsonl &&
	ayak-tok -t "$T/bytelevel/tokenizer.json" --binary many.jsonl >many.tok &&
	script -qec "ayak-pack --progress -o pr/ms many.tok" /dev/null >tty.txt 2>&1 &&
	tr "\r" "\n" <tty.txt | grep "^.\[Kayak-pack: 1100 records, 0.0 MB" &&
	ayak-pack -o pq/ms many.tok 2>err &&
	test_must_be_empty err &&
	cmp pr/ms.bin pq/ms.bin
'

test_done
