#!/usr/bin/env bash
test_description='ayak-warc: damaged records and compressed data, offsets, resynchronisation'
. "$(dirname "$0")/../lib.sh"

W=$TEST_DATA/warc

test_expect_success 'setup' '
	cp "$W/damaged.warc" "$W/damaged.warc.gz" . &&
	for r in a c d g; do echo "Rekod $(echo $r | tr a-z A-Z) baik."; done >all-good
'

test_expect_success 'by default the first damaged record stops the run: exit 1, file and byte offset' '
	test_expect_code 1 ayak-warc damaged.warc >out 2>err &&
	echo "ayak-warc: damaged.warc: byte 460: wrong Content-Length 89: no record header after the block" >expect &&
	test_cmp expect err &&
	grep -c "" out >n && echo 1 >expect && test_cmp expect n &&
	grep -F "Rekod A baik." out
'

test_expect_success JQ '--on-error skip reports each and reads on at the next header' '
	ayak-warc --on-error skip damaged.warc >out 2>err &&
	jq -r .text out >got &&
	test_cmp all-good got &&
	cat >expect <<-\EOF &&
	ayak-warc: damaged.warc: byte 460: wrong Content-Length 89: no record header after the block
	ayak-warc: damaged.warc: byte 969: no Content-Length
	ayak-warc: damaged.warc: byte 1447: wrong Content-Length 29: no record header after the block
	ayak-warc: damaged.warc: byte 1956: truncated record: Content-Length 34, 18 bytes left
	ayak-warc: skipped 4 malformed records
	EOF
	test_cmp expect err
'

test_expect_success JQ 'a record swallowed by a too-long Content-Length is found again' '
	ayak-warc --on-error skip damaged.warc 2>/dev/null | jq -r .url >got &&
	grep -x https://rosak.example.my/c got
'

test_expect_success 'the offsets are where the damaged records start' '
	for off in 460 969 1447 1956; do
		tail -c +$((off + 1)) damaged.warc | head -c 9 >got &&
		printf "WARC/1.0\r" >expect &&
		test_cmp expect got || return 1
	done
'

test_expect_success JQ '--stats and --rejects' '
	ayak-warc -q --on-error skip --stats st.json --rejects rej.jsonl damaged.warc >out 2>err &&
	test_must_be_empty err &&
	jq -c "[.records_in, .records_out, .errors, .dropped]" st.json >got &&
	echo "[9,4,4,{\"type\":1,\"damaged\":4}]" >expect &&
	test_cmp expect got &&
	jq -c "[.reject.reason, .reject.file, .reject.offset]" rej.jsonl >got &&
	cat >expect <<-\EOF &&
	["damaged","damaged.warc",460]
	["damaged","damaged.warc",969]
	["damaged","damaged.warc",1447]
	["damaged","damaged.warc",1956]
	EOF
	test_cmp expect got &&
	head -n 1 rej.jsonl | jq -r .reject.error >got &&
	echo "wrong Content-Length 89: no record header after the block" >expect &&
	test_cmp expect got
'

test_expect_success JQ 'records in = records out + records dropped, damaged ones included' '
	for f in damaged.warc damaged.warc.gz "$W/warcio/example-trunc.warc" "$W/warcio/bad.arc"; do
		ayak-warc -q --on-error skip --stats st.json "$f" >/dev/null &&
		jq -e ".records_in == .records_out + ([.dropped[]] | add) and .errors == .dropped.damaged" st.json ||
		return 1
	done
'

test_expect_success '--max-errors' '
	test_expect_code 1 ayak-warc --on-error skip --max-errors 2 damaged.warc >out 2>err &&
	tail -n 1 err >got &&
	echo "ayak-warc: too many damaged records (more than 2)" >expect &&
	test_cmp expect got &&
	ayak-warc --on-error skip --max-errors 4 damaged.warc >out 2>/dev/null
'

test_expect_success JQ 'gzip: a corrupt member and a truncated one, reported at the member offsets' '
	ayak-warc --on-error skip damaged.warc.gz >out 2>err &&
	jq -r .text out >got &&
	test_write_lines "Rekod A baik." "Rekod D baik." "Rekod G baik." >expect &&
	test_cmp expect got &&
	cat >expect <<-\EOF &&
	ayak-warc: damaged.warc.gz: byte 374 (uncompressed 460): corrupt gzip input: invalid code -- missing end-of-block
	ayak-warc: damaged.warc.gz: byte 958 (uncompressed 944): truncated gzip input
	ayak-warc: skipped 2 malformed records
	EOF
	test_cmp expect err
'

test_expect_success JQ 'gzip damage without libdeflate: the same' '
	AYAK_NO_LIBDEFLATE=1 ayak-warc --on-error skip damaged.warc.gz >out2 2>err2 &&
	test_cmp out out2 &&
	test_cmp err err2
'

test_expect_success 'the member offsets are gzip members in the file' '
	for off in 374 958; do
		tail -c +$((off + 1)) damaged.warc.gz | head -c 3 | od -An -tx1 >got &&
		echo " 1f 8b 08" >expect &&
		test_cmp expect got || return 1
	done
'

# record_start FILE OFFSET: a WARC record starts at byte OFFSET of FILE.
record_start () {
	test "$(tail -c +$(($2 + 1)) "$1" | head -c 7)" = WARC/1.
}

test_expect_success GZIP 'one gzip stream cut short: the records before it, then exit 1' '
	gzip -dc "$W/pages.warc.gz" >pages.warc &&
	gzip -c pages.warc >one.gz &&
	head -c 3000 one.gz >cut.gz &&
	test_expect_code 1 ayak-warc cut.gz >out 2>err &&
	sed -n "s/^ayak-warc: cut.gz: byte 0 (uncompressed \([0-9]*\)): truncated gzip input$/\1/p" err >off &&
	test_line_count = 1 err &&
	test_line_count -ge 1 out &&
	head -n 1 out | grep -F https://berita.example.my/2024/hak-asasi
'

test_expect_success JQ 'one gzip stream cut short: the offset is that of the record cut' '
	off=$(cat off) &&
	test "$off" -gt 0 &&
	record_start pages.warc $off &&
	head -c $off pages.warc >before.warc &&
	ayak-warc before.warc >expect &&
	test_cmp expect out &&
	ayak-warc -q --on-error skip --rejects rej.jsonl cut.gz >out &&
	jq -c .reject rej.jsonl >got &&
	echo "{\"program\":\"ayak-warc\",\"reason\":\"damaged\",\"error\":\"truncated gzip input\",\"file\":\"cut.gz\",\"offset\":0,\"uncompressed_offset\":$off}" >expect &&
	test_cmp expect got
'

test_expect_success ZSTD 'one zstd frame cut short: the same' '
	awk "BEGIN { srand(7); for (r = 0; r < 40; r++) {
		t = \"\"; for (i = 0; i < 8000; i++) t = t sprintf(\"%c\", 97 + int(rand() * 26));
		printf \"WARC/1.0\\r\\nWARC-Type: conversion\\r\\nContent-Length: %d\\r\\n\\r\\n%s\\r\\n\\r\\n\", length(t), t } }" >big.warc &&
	zstd -q -c big.warc >big.zst &&
	head -c $(($(wc -c <big.zst) / 2)) big.zst >cut.zst &&
	test_expect_code 1 ayak-warc cut.zst >out 2>err &&
	off=$(sed -n "s/^ayak-warc: cut.zst: byte 0 (uncompressed \([0-9]*\)): truncated zstd input$/\1/p" err) &&
	test_line_count = 1 err &&
	test "$off" -gt 0 &&
	record_start big.warc $off &&
	head -c $off big.warc >before.warc &&
	ayak-warc before.warc >expect &&
	test_cmp expect out
'

test_expect_success ZSTD 'zstd: a corrupt frame loses its records only' '
	gzip -dc "$W/pages.warc.gz" >pages.warc &&
	zstd -q -c pages.warc >a.zst &&
	zstd -q -c "$W/pages.wet" >b.zst &&
	size=$(wc -c <a.zst) &&
	cp a.zst bad.zst &&
	printf "\377\377\377\377\377\377\377\377" | dd of=bad.zst bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null &&
	cat bad.zst b.zst >mixed.zst &&
	ayak-warc --on-error skip mixed.zst >out 2>err &&
	ayak-warc "$W/pages.wet" >wet.out &&
	tail -n 3 out >tail3 &&
	test_cmp wet.out tail3 &&
	head -n 1 err | grep "^ayak-warc: mixed.zst: byte 0 (uncompressed 0): corrupt zstd input: "
'

test_expect_success 'not a WARC at all: one error at byte 0' '
	cp "$TEST_DATA/sample.jsonl" notwarc &&
	test_expect_code 1 ayak-warc notwarc >out 2>err &&
	echo "ayak-warc: notwarc: byte 0: not a WARC or ARC record" >expect &&
	test_cmp expect err &&
	test_must_be_empty out
'

test_expect_success 'garbage before the first record, then records' '
	{ printf "sampah\r\nlagi sampah\r\n"; cat "$W/pages.wet"; } >junk.wet &&
	ayak-warc --on-error skip junk.wet >out 2>err &&
	test_cmp "$W/wet.expect" out &&
	echo "ayak-warc: junk.wet: byte 0: not a WARC or ARC record" >expect &&
	head -n 1 err >got &&
	test_cmp expect got
'

test_expect_success 'blank lines between records are fine; LF-only headers too' '
	{ printf "\r\n\n"; cat "$W/pages.wet"; printf "\n\n\n"; } >spaced.wet &&
	ayak-warc spaced.wet >out 2>err &&
	test_cmp "$W/wet.expect" out &&
	test_must_be_empty err &&
	printf "WARC/1.0\nWARC-Type: conversion\nWARC-Target-URI: http://lf.example.my/\nContent-Length: 5\n\nhalo\n\n\n" >lf.warc &&
	ayak-warc lf.warc >out &&
	grep -F "\"url\":\"http://lf.example.my/\"" out &&
	grep -F "\"text\":\"halo\"" out
'

test_expect_success 'a block larger than --max-record is skipped, and the next record still read' '
	ayak-warc --on-error skip --max-record 30 damaged.warc >out 2>err &&
	grep -F "Rekod A baik." out &&
	test_line_count = 4 out &&
	grep "skipped 4 malformed records" err
'

# rec ID LENGTH TEXT: a conversion record whose Content-Length is LENGTH.
rec () {
	printf "WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Record-ID: <%s>\r\nContent-Length: %s\r\n\r\n%s\r\n\r\n" "$1" "$2" "$3"
}

test_expect_success 'a Content-Length past the end of the input loses that record only' '
	{ rec a 4 aaaa; rec b 100000 bbbb; rec c 4 cccc; rec d 4 dddd; } >long.warc &&
	cat >expect <<-\EOF &&
	{"id":"<a>","content_type":"text/plain","text":"aaaa"}
	{"id":"<c>","content_type":"text/plain","text":"cccc"}
	{"id":"<d>","content_type":"text/plain","text":"dddd"}
	EOF
	ayak-warc --on-error skip --stats st.json long.warc >out 2>err &&
	test_cmp expect out &&
	cat >expect.err <<-\EOF &&
	ayak-warc: long.warc: byte 83: truncated record: Content-Length 100000, 174 bytes left
	ayak-warc: skipped 1 malformed record
	EOF
	test_cmp expect.err err &&
	grep -F "\"records_in\":4,\"records_out\":3," st.json &&
	ayak-warc --on-error skip <long.warc >out 2>/dev/null &&
	test_cmp expect out
'

test_expect_success GZIP 'the same with one gzip member per record, from a file and a pipe' '
	{ rec a 4 aaaa | gzip -n; rec b 100000 bbbb | gzip -n;
	  rec c 4 cccc | gzip -n; rec d 4 dddd | gzip -n; } >long.warc.gz &&
	ayak-warc --on-error skip long.warc.gz >out 2>err &&
	test_cmp expect out &&
	head -n 1 err >got &&
	echo "ayak-warc: long.warc.gz: byte 92 (uncompressed 83): truncated record: Content-Length 100000, 174 bytes left" >expect.err &&
	test_cmp expect.err got &&
	ayak-warc --on-error skip <long.warc.gz >out 2>/dev/null &&
	test_cmp expect out
'

test_expect_success 'the same when the record is larger than --max-record and skipped unread' '
	ayak-warc --on-error skip --max-record 10 long.warc >out 2>err &&
	test_cmp expect out &&
	head -n 1 err >got &&
	echo "ayak-warc: long.warc: byte 83: truncated record: Content-Length 100000, 174 bytes left" >expect.err &&
	test_cmp expect.err got
'

test_expect_success GZIP 'a gzip member cut short: its record is reported, the next member read' '
	for x in a b c d; do rec $x 4 $x$x$x$x | gzip -n >$x.gz || return 1; done &&
	cat >expect <<-\EOF &&
	{"id":"<a>","content_type":"text/plain","text":"aaaa"}
	{"id":"<c>","content_type":"text/plain","text":"cccc"}
	{"id":"<d>","content_type":"text/plain","text":"dddd"}
	EOF
	for n in 8 12 30; do
		{ cat a.gz; head -c $(($(wc -c <b.gz) - n)) b.gz; cat c.gz d.gz; } >cut$n.gz &&
		for lib in "" 1; do
			AYAK_NO_LIBDEFLATE=$lib ayak-warc --on-error skip --stats st.json cut$n.gz >out 2>err &&
			test_cmp expect out &&
			grep "^ayak-warc: cut$n.gz: byte 92 (uncompressed 83): " err &&
			test_line_count = 2 err &&
			grep -F "\"records_in\":4,\"records_out\":3,\"dropped\":{\"damaged\":1},\"errors\":1," st.json ||
			return 1
		done
	done &&
	grep -F "byte 92 (uncompressed 83): corrupt gzip input: incorrect data check" err
'

# long_header PAD: a conversion record "abc" whose header, blank line included, is 63 + PAD bytes.
long_header () {
	printf "WARC/1.0\r\nWARC-Type: conversion\r\nContent-Length: 3\r\nX-Pad: " &&
	head -c $1 /dev/zero | tr "\0" a &&
	printf "\r\n\r\nabc\r\n\r\n"
}

test_expect_success 'a WARC header over 1 MiB is damage, from a file as from a pipe' '
	{ rec a 4 aaaa; long_header 2097152; rec c 4 cccc; } >longhdr.warc &&
	cat >expect <<-\EOF &&
	{"id":"<a>","content_type":"text/plain","text":"aaaa"}
	{"id":"<c>","content_type":"text/plain","text":"cccc"}
	EOF
	ayak-warc --on-error skip longhdr.warc >out 2>err &&
	test_cmp expect out &&
	echo "ayak-warc: longhdr.warc: byte 83: WARC header longer than 1048576 bytes" >expect.err &&
	head -n 1 err >got &&
	test_cmp expect.err got &&
	cat longhdr.warc | ayak-warc --on-error skip >out 2>/dev/null &&
	test_cmp expect out &&
	test_expect_code 1 ayak-warc longhdr.warc >out 2>/dev/null &&
	test_line_count = 1 out &&
	long_header $((1048576 - 63)) >max.warc &&
	ayak-warc max.warc >out &&
	ayak-warc <max.warc >out2 &&
	test_cmp out out2 &&
	grep -F "\"text\":\"abc\"" out &&
	long_header $((1048576 - 62)) >over.warc &&
	test_expect_code 1 ayak-warc over.warc 2>err &&
	test_expect_code 1 ayak-warc <over.warc 2>err
'

test_expect_success XZ,BZIP2 'xz and bzip2: a damaged stream loses its record only' '
	cat >expect <<-\EOF &&
	{"id":"<a>","content_type":"text/plain","text":"aaaa"}
	{"id":"<c>","content_type":"text/plain","text":"cccc"}
	{"id":"<d>","content_type":"text/plain","text":"dddd"}
	EOF
	for z in xz bzip2; do
		for x in a b c d; do rec $x 4 $x$x$x$x | $z -c >$x.$z || return 1; done &&
		{ cat a.$z; head -c $(($(wc -c <b.$z) - 5)) b.$z; cat c.$z d.$z; } >cut.$z &&
		ayak-warc --on-error skip cut.$z >out 2>err &&
		test_cmp expect out &&
		grep "^ayak-warc: cut.$z: byte $(wc -c <a.$z) (uncompressed 83): corrupt $z input: bad data\$" err &&
		test_line_count = 2 err || return 1
	done
'

# flip FILE OFFSET: FILE with the byte at OFFSET xor 0x55.
flip () {
	local v
	v=$(od -An -tu1 -j"$2" -N1 "$1") &&
	printf "\\$(printf %o $((v ^ 0x55)))" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

test_expect_success GZIP 'a damaged member after a whole one: the record before it is written, the member reported' '
	for x in a c; do rec $x 4 $x$x$x$x | gzip -n >$x.gz || return 1; done &&
	# stored data "sampah" with a wrong CRC: zlib hands it out, then fails
	printf "\037\213\010\000\000\000\000\000\000\003\001\010\000\367\377sampah\r\n\000\000\000\000\010\000\000\000" >crc.gz &&
	cat a.gz crc.gz c.gz >crc.warc.gz &&
	cat >expect <<-\EOF &&
	{"id":"<a>","content_type":"text/plain","text":"aaaa"}
	{"id":"<c>","content_type":"text/plain","text":"cccc"}
	EOF
	cat >expect.err <<-\EOF &&
	ayak-warc: crc.warc.gz: byte 92 (uncompressed 83): corrupt gzip input: incorrect data check
	ayak-warc: skipped 1 malformed record
	EOF
	for lib in "" 1; do
		AYAK_NO_LIBDEFLATE=$lib ayak-warc --on-error skip crc.warc.gz >out 2>err &&
		test_cmp expect out &&
		test_cmp expect.err err || return 1
	done &&
	test_expect_code 1 ayak-warc crc.warc.gz >out 2>err &&
	head -n 1 expect >expect1 &&
	test_cmp expect1 out &&
	head -n 1 expect.err >expect.err1 &&
	test_cmp expect.err1 err
'

test_expect_success GZIP,XZ,BZIP2 'any byte of a member damaged: the records of the members around it are written' '
	body=$(printf "bbbb%.0s" $(seq 30)) &&
	for z in gzip xz bzip2; do
		for x in a c; do rec $x 4 $x$x$x$x | $z -c >$x.$z || return 1; done &&
		rec b 120 "$body" | $z -c >b.$z &&
		i=0 && n=$(wc -c <b.$z) &&
		while test $i -lt $n; do
			cp b.$z bad.$z && flip bad.$z $i &&
			cat a.$z bad.$z c.$z >flip.$z &&
			ayak-warc --on-error skip flip.$z >out 2>err &&
			grep -F "\"text\":\"aaaa\"" out >/dev/null &&
			grep -F "\"text\":\"cccc\"" out >/dev/null &&
			{ grep -v "^ayak-warc: skipped 1 malformed record\$" err || :; } >damage &&
			test $(wc -l <damage) -le 1 &&
			! grep -v "^ayak-warc: flip.$z: byte $(wc -c <a.$z) (uncompressed 83): " damage ||
			{ echo "$z: byte $i of the member flipped" && cat err && return 1; }
			i=$((i + 1))
		done || return 1
	done
'

test_expect_success JQ,GZIP,ZSTD,XZ,BZIP2 'bytes_skipped counts every byte of the damage in compressed input, as in plain' '
	for z in gzip zstd xz bzip2; do
		for x in a b c; do rec $x 4 $x$x$x$x | $z -c >$x.$z || return 1; done &&
		{ cat a.$z; printf "JUNKJUN\n"; cat c.$z; } >junk.$z &&
		ayak-warc -q --on-error skip --stats st.json junk.$z >/dev/null &&
		echo 8 >expect &&
		jq .counts.bytes_skipped st.json >got &&
		test_cmp expect got &&
		n=$(($(wc -c <b.$z) - 4)) &&
		{ cat a.$z; head -c $n b.$z; } >cut.$z &&
		ayak-warc -q --on-error skip --stats st.json cut.$z >/dev/null &&
		echo $n >expect &&
		jq .counts.bytes_skipped st.json >got &&
		test_cmp expect got || return 1
	done &&
	# plain: the record before the junk is damaged too (wrong Content-Length)
	{ rec a 4 aaaa; printf "JUNKJUN\n"; rec c 4 cccc; } >junk.warc &&
	ayak-warc -q --on-error skip --stats st.json junk.warc >/dev/null &&
	echo $((83 + 8)) >expect &&
	jq .counts.bytes_skipped st.json >got &&
	test_cmp expect got
'

test_done
