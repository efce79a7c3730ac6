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

test_done
