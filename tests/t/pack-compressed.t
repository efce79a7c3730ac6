#!/usr/bin/env bash
test_description='ayak-pack: compressed token streams (gzip, zstd, xz, bzip2), told by content, from files and standard input; concatenated, truncated and damaged ones'
. "$(dirname "$0")/../lib.sh"

T=$TEST_DATA/tok

# gzip and zstd are both needed by most tests here.
command -v gzip >/dev/null && command -v zstd >/dev/null && test_set_prereq GZ_ZSTD

# FILE OFFSET: overwrite one byte of FILE, OFFSET bytes from its end, with 0xFF.
damage () {
	printf "\377" | dd of="$1" bs=1 seek=$(($(wc -c <"$1") - $2)) conv=notrunc 2>/dev/null
}

test_expect_success GZ_ZSTD 'setup: a stream, its shards, and compressed copies' '
	head -n 6 "$T/input.jsonl" >in.jsonl &&
	ayak-tok -t "$T/bytelevel/tokenizer.json" --binary in.jsonl >a.tok &&
	ayak-pack -o plain a.tok &&
	ayak-pack -o two a.tok a.tok &&
	gzip -c a.tok >a.tok.gz &&
	zstd -q -c a.tok >a.tok.zst &&
	cp a.tok.zst noext &&
	: a stream larger than one zstd block and one read, so that damage is found late &&
	for i in $(seq 150); do cat a.tok; done >many.tok &&
	ayak-pack -o many many.tok &&
	gzip -c many.tok >many.tok.gz &&
	zstd -q -c many.tok >many.tok.zst
'

test_expect_success GZ_ZSTD 'gzip and zstd streams give the shards of the plain one, by content, not name' '
	ayak-pack -o g a.tok.gz &&
	test_cmp_bin plain.bin g.bin &&
	test_cmp_bin plain.idx g.idx &&
	ayak-pack -o z a.tok.zst &&
	test_cmp_bin plain.bin z.bin &&
	test_cmp_bin plain.idx z.idx &&
	ayak-pack -o n noext &&
	test_cmp_bin plain.idx n.idx &&
	ayak-pack -o m many.tok.zst &&
	test_cmp_bin many.bin m.bin &&
	test_cmp_bin many.idx m.idx
'

test_expect_success GZ_ZSTD 'compressed on standard input' '
	ayak-pack -o sz <a.tok.zst &&
	test_cmp_bin plain.bin sz.bin &&
	test_cmp_bin plain.idx sz.idx &&
	gzip -c many.tok | ayak-pack -o sg - &&
	test_cmp_bin many.bin sg.bin &&
	test_cmp_bin many.idx sg.idx
'

test_expect_success XZ,BZIP2 'xz and bzip2 streams too' '
	xz -c a.tok >a.tok.xz &&
	bzip2 -c a.tok >a.tok.bz2 &&
	ayak-pack -o x a.tok.xz &&
	test_cmp_bin plain.idx x.idx &&
	ayak-pack -o b <a.tok.bz2 &&
	test_cmp_bin plain.bin b.bin
'

test_expect_success GZ_ZSTD 'concatenated: compressed members, inputs of mixed compression, compressed concatenations' '
	cat a.tok.zst a.tok.zst >aa.zst &&
	ayak-pack -o c1 aa.zst &&
	test_cmp_bin two.bin c1.bin &&
	test_cmp_bin two.idx c1.idx &&
	cat a.tok.gz a.tok.gz | ayak-pack -o c2 &&
	test_cmp_bin two.idx c2.idx &&
	ayak-pack -o c3 a.tok.gz a.tok.zst &&
	test_cmp_bin two.idx c3.idx &&
	ayak-pack -o c4 a.tok a.tok.zst &&
	test_cmp_bin two.idx c4.idx &&
	cat a.tok a.tok | zstd -q -c >aa2.zst &&
	ayak-pack -o c5 aa2.zst &&
	test_cmp_bin two.bin c5.bin
'

test_expect_success GZ_ZSTD 'a compressed stream and records do not go together' '
	ayak-tok -t "$T/bytelevel/tokenizer.json" in.jsonl >ids.jsonl &&
	test_expect_code 2 ayak-pack -o r ids.jsonl a.tok.zst 2>err &&
	printf "%s\n" "ayak-pack: token streams and records do not go together: ids.jsonl holds records, a.tok.zst is a token stream" \
		"Try '"'"'ayak-pack --help'"'"'." >expect &&
	test_cmp expect err &&
	: compressed records are still records &&
	gzip -c ids.jsonl >ids.jsonl.gz &&
	ayak-pack -o r --vocab-size 600 ids.jsonl.gz &&
	test_cmp_bin plain.bin r.bin &&
	ayak-pack -o r2 --vocab-size 600 <ids.jsonl.gz &&
	test_cmp_bin plain.idx r2.idx
'

test_expect_success GZ_ZSTD 'truncated compressed streams: exit 1 naming the input, no shard' '
	head -c -10 many.tok.gz >t.gz &&
	test_expect_code 1 ayak-pack -o t/ms --shard-tokens 1000 t.gz 2>err &&
	echo "ayak-pack: t.gz: truncated gzip input" >expect &&
	test_cmp expect err &&
	test_expect_code 1 ayak-pack -o t/ms <t.gz 2>err &&
	echo "ayak-pack: (stdin): truncated gzip input" >expect &&
	test_cmp expect err &&
	head -c -10 aa.zst >t.zst &&
	test_expect_code 1 ayak-pack -o t/ms a.tok t.zst 2>err &&
	echo "ayak-pack: t.zst: truncated zstd input" >expect &&
	test_cmp expect err &&
	ls -A t >left &&
	test_must_be_empty left
'

test_expect_success GZ_ZSTD 'damaged compressed streams: exit 1 naming the input, no shard' '
	cp many.tok.gz d.gz &&
	damage d.gz 6 &&
	test_expect_code 1 ayak-pack -o d/ms --shard-tokens 1000 d.gz 2>err &&
	echo "ayak-pack: d.gz: corrupt gzip input: incorrect data check" >expect &&
	test_cmp expect err &&
	cp many.tok.zst d.zst &&
	damage d.zst 2 &&
	test_expect_code 1 ayak-pack -o d/ms --shard-tokens 1000 <d.zst 2>err &&
	echo "ayak-pack: (stdin): corrupt zstd input: Restored data doesn'"'"'t match checksum" >expect &&
	test_cmp expect err &&
	{ cat a.tok.gz && echo junk; } >j.gz &&
	test_expect_code 1 ayak-pack -o d/ms j.gz 2>err &&
	echo "ayak-pack: j.gz: corrupt gzip input: garbage after the end" >expect &&
	test_cmp expect err &&
	ls -A d >left &&
	test_must_be_empty left
'

test_expect_success GZ_ZSTD 'a compressed stream that the writer did not finish is still refused' '
	head -c -12 a.tok | zstd -q -c >cut.zst &&
	test_expect_code 1 ayak-pack -o u cut.zst 2>err &&
	echo "ayak-pack: cut.zst: token stream ends without its end mark: the writer did not finish" >expect &&
	test_cmp expect err &&
	test_path_is_missing u.idx
'

test_expect_success GZ_ZSTD '--verify with compressed streams' '
	ayak-pack --verify --stats st.json -o v many.tok.zst &&
	test_cmp_bin many.idx v.idx &&
	grep -q "\"verified_shards\":1" st.json &&
	ayak-pack --verify --shard-tokens 5000 -o vs/ms <many.tok.gz &&
	ayak-pack --verify vs/ms-00000.idx >out &&
	grep -q "\"ok\":true" out &&
	test_expect_code 1 ayak-pack --verify -o vd/ms --shard-tokens 1000 d.gz 2>err &&
	echo "ayak-pack: d.gz: corrupt gzip input: incorrect data check" >expect &&
	test_cmp expect err &&
	{ ls -A vd 2>/dev/null || :; } >left &&
	test_must_be_empty left
'

test_expect_success 'standard input that cannot be read is an error, as for other programs' '
	test_expect_code 3 ayak-pack -o e </ 2>err &&
	echo "ayak-pack: (stdin):1: read error: Is a directory" >expect &&
	test_cmp expect err &&
	test_path_is_missing e.idx
'

test_expect_success 'the help and the man page no longer say streams are read uncompressed only' '
	ayak-pack --help >help &&
	! grep -i "uncompressed" help &&
	! grep -i "decompress it first" "$AYAK_TOP/man/man1/ayak-pack.1"
'

test_done
