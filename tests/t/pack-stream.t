#!/usr/bin/env bash
test_description='ayak-pack: the token stream end mark (a writer that did not finish), streams of different tokenizers, concatenated streams (compressed ones: pack-compressed.t), end-of-text tokens and vocabularies the dtype cannot hold, empty documents'
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

# le32 N: N as 4 little-endian bytes.
le32 () {
	local i
	for i in 0 1 2 3; do
		printf "\\$(printf %o $((($1 >> (8 * i)) & 255)))"
	done
}

# mkstream VOCAB EOT DOC...: a whole token stream, each DOC its IDs with commas ("" for none).
mkstream () {
	local vocab=$1 eot=$2 d id n=0 ids
	shift 2
	printf "AYAKTOK\001" && le32 2 && le32 $vocab && le32 $eot && le32 0 &&
	for d in "$@"; do
		ids=(${d//,/ }) &&
		le32 ${#ids[@]} &&
		for id in "${ids[@]}"; do le32 $id || return 1; done &&
		n=$((n + 1)) || return 1
	done &&
	le32 4294967295 && le32 $n && le32 0
}

# refused MESSAGE ARGS...: ayak-pack -o so/x ARGS is a usage error with MESSAGE, and leaves no so.
refused () {
	local msg=$1
	shift
	rm -rf so &&
	test_expect_code 2 ayak-pack -o so/x "$@" 2>err &&
	printf "%s\n" "ayak-pack: $msg" "Try 'ayak-pack --help'." >expect &&
	test_cmp expect err &&
	test_path_is_missing so
}

test_expect_success 'a stream whose end-of-text token does not fit the dtype: a usage error that names it, nothing written' '
	mkstream 0 70000 1,2 >e70k.tok &&
	refused "e70k.tok: its end-of-text token (70000) is out of range for uint16 (largest 65535)" \
		--dtype uint16 --append-eot e70k.tok &&
	refused "e70k.tok: its end-of-text token (70000) is out of range for uint16 (largest 65535)" \
		--dtype uint16 --format flat e70k.tok &&
	refused "e70k.tok: its end-of-text token (70000) is out of range for uint16 (largest 65535)" \
		--dtype uint16 e70k.tok &&
	refused "(stdin): its end-of-text token (70000) is out of range for uint16 (largest 65535)" \
		--dtype uint16 --append-eot <e70k.tok &&
	mkstream 0 2147483648 1 >e2g.tok &&
	refused "e2g.tok: its end-of-text token (2147483648) is out of range for int32 (largest 2147483647)" \
		--append-eot e2g.tok &&
	refused "--eot 70000 is out of range for uint16 (largest 65535)" \
		--dtype uint16 --eot 70000 --append-eot e2g.tok
'

test_expect_success '... one that fits is written; --eot of its own is taken instead' '
	ayak-pack --format flat --verify -o st/f e2g.tok &&
	echo $(od -An -tu4 -v st/f.u32) >got &&
	echo "1 2147483648" >expect &&
	test_cmp expect got &&
	ayak-pack --append-eot --verify -o st/m e70k.tok &&
	echo $(od -An -td4 -v st/m.bin) >got &&
	echo "1 2 70000" >expect &&
	test_cmp expect got &&
	ayak-pack --dtype uint16 --eot 5 --append-eot --verify -o st/o e70k.tok &&
	echo $(od -An -tu2 -v st/o.bin) >got &&
	echo "1 2 5" >expect &&
	test_cmp expect got
'

test_expect_success 'a stream whose vocabulary does not fit --dtype: a usage error that names it' '
	mkstream 100000 99999 1 >v100k.tok &&
	refused "v100k.tok: its vocabulary of 100000 tokens does not fit uint16" --dtype uint16 v100k.tok &&
	refused "a vocabulary of 100000 tokens does not fit uint16" --vocab-size 100000 --dtype uint16 v100k.tok &&
	ayak-pack --append-eot -o st/v v100k.tok &&
	echo $(od -An -td4 -v st/v.bin) >got &&
	echo "1 99999" >expect &&
	test_cmp expect got
'

test_expect_success 'empty documents in a token stream: alone and among others, both formats' '
	mkstream 0 4294967295 "" >e1.tok &&
	mkstream 0 4294967295 "" 1,2 "" >e3.tok &&
	mkstream 10 9 "" 1,2 "" >e3v.tok &&
	ayak-pack -o se/a --verify e1.tok &&
	test $(wc -c <se/a.bin) = 0 &&
	: "size 0, pointer 0, document indices 0 1" &&
	echo $(od -An -td4 -v -j34 -N4 se/a.idx) $(od -An -td8 -v -j38 se/a.idx) >got &&
	echo "0 0 0 1" >expect &&
	test_cmp expect got &&
	ayak-pack -o se/b --verify <e3.tok &&
	echo $(od -An -td4 -v se/b.bin) >got &&
	echo "1 2" >expect &&
	test_cmp expect got &&
	: "sizes 0 2 0, pointers 0 0 8" &&
	echo $(od -An -td4 -v -j34 -N12 se/b.idx) $(od -An -td8 -v -j46 -N24 se/b.idx) >got &&
	echo "0 2 0 0 0 8" >expect &&
	test_cmp expect got &&
	ayak-pack -o se/c --format flat --eot 0 --verify e1.tok &&
	echo $(od -An -tu4 -v se/c.u32) >got &&
	echo "0" >expect &&
	test_cmp expect got &&
	ayak-pack -o se/d --format flat --eot 0 --verify e3.tok &&
	echo $(od -An -tu4 -v se/d.u32) >got &&
	echo "0 1 2 0 0" >expect &&
	test_cmp expect got &&
	ayak-pack -o se/e --append-eot --verify e3v.tok &&
	echo $(od -An -tu2 -v se/e.bin) >got &&
	echo "9 1 2 9 9" >expect &&
	test_cmp expect got &&
	ayak-pack -o se/f --format flat --verify e3v.tok &&
	test_cmp_bin se/e.bin se/f.u16 &&
	ayak-pack --verify se/a se/b se/e >vout &&
	ayak-pack --verify --eot 0 se/c.u32 se/d.u32 >>vout &&
	ayak-pack --verify --eot 9 se/f.u16 >>vout &&
	cat >expect <<-\EOF &&
	{"shard":"se/a","format":"megatron","dtype":"int32","documents":1,"tokens":0,"max_token":0,"bytes":0,"ok":true}
	{"shard":"se/b","format":"megatron","dtype":"int32","documents":3,"tokens":2,"max_token":2,"bytes":8,"ok":true}
	{"shard":"se/e","format":"megatron","dtype":"uint16","documents":3,"tokens":5,"max_token":9,"bytes":10,"ok":true}
	{"shard":"se/c.u32","format":"flat","dtype":"uint32","documents":1,"tokens":1,"max_token":0,"bytes":4,"ok":true}
	{"shard":"se/d.u32","format":"flat","dtype":"uint32","documents":3,"tokens":5,"max_token":2,"bytes":20,"ok":true}
	{"shard":"se/f.u16","format":"flat","dtype":"uint16","documents":3,"tokens":5,"max_token":9,"bytes":10,"ok":true}
	EOF
	test_cmp expect vout
'

test_done
