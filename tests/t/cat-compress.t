#!/usr/bin/env bash
test_description='ayak-cat: compressed input and output'
. "$(dirname "$0")/../lib.sh"

# magic FILE: the first bytes of FILE in hex.
magic () {
	od -An -tx1 -N "${2:-4}" "$1" | tr -d ' \n'
}

test_expect_success 'setup' '
	cp "$TEST_DATA/sample.jsonl" in.jsonl &&
	head -n 20 in.jsonl >a &&
	sed -n "21,60p" in.jsonl >b &&
	cat a b >ab
'

for fmt in gzip zstd xz bzip2; do
	case $fmt in
	gzip) ext=gz prereq=GZIP ;;
	zstd) ext=zst prereq=ZSTD ;;
	xz) ext=xz prereq=XZ ;;
	bzip2) ext=bz2 prereq=BZIP2 ;;
	esac
	test_expect_success $prereq "$fmt input round trips" "
		$fmt -c <in.jsonl >in.jsonl.$ext &&
		ayak-cat in.jsonl.$ext >out 2>err &&
		test_cmp_bin in.jsonl out &&
		test_must_be_empty err
	"
	test_expect_success $prereq "$fmt input on standard input" "
		ayak-cat <in.jsonl.$ext >out &&
		test_cmp_bin in.jsonl out
	"
	test_expect_success $prereq "$fmt input is found by magic number, not by name" "
		cp in.jsonl.$ext disguised.$fmt.jsonl &&
		ayak-cat disguised.$fmt.jsonl >out &&
		test_cmp_bin in.jsonl out
	"
	test_expect_success $prereq "$fmt input with --validate" "
		ayak-cat --validate in.jsonl.$ext >out &&
		test_cmp_bin in.jsonl out
	"
	test_expect_success $prereq "$fmt input that decompresses to nothing" "
		printf '' | $fmt -c >empty.$ext &&
		ayak-cat empty.$ext >out 2>err &&
		test_must_be_empty out &&
		test_must_be_empty err
	"
	test_expect_success $prereq "$fmt input with CRLF, blank lines, BOM and no final newline" "
		printf '\357\273\277{\"text\":\"a\"}\r\n\n{\"text\":\"b\"}' | $fmt -c >odd.$ext &&
		printf '{\"text\":\"a\"}\n{\"text\":\"b\"}\n' >expect &&
		ayak-cat odd.$ext >out &&
		test_cmp_bin expect out
	"
done

test_expect_success 'a plain file named .gz is read as plain' '
	cp in.jsonl plain.gz &&
	ayak-cat plain.gz >out &&
	test_cmp_bin in.jsonl out
'

test_expect_success GZIP 'multi-member gzip (cat a.gz b.gz)' '
	gzip -c a >a.gz &&
	gzip -c b >b.gz &&
	cat a.gz b.gz >ab.gz &&
	ayak-cat ab.gz >out &&
	test_cmp_bin ab out
'

test_expect_success GZIP 'multi-member gzip with an empty member in the middle' '
	printf "" | gzip -c >e.gz &&
	cat a.gz e.gz b.gz >aeb.gz &&
	ayak-cat aeb.gz >out &&
	test_cmp_bin ab out
'

test_expect_success GZIP 'a record split across two gzip members' '
	head -c 100 a >a1 &&
	tail -c +101 a >a2 &&
	{ gzip -c a1 && gzip -c a2; } >split.gz &&
	ayak-cat split.gz >out &&
	test_cmp_bin a out
'

test_expect_success ZSTD 'zstd with several frames (cat a.zst b.zst)' '
	zstd -q -c a >a.zst &&
	zstd -q -c b >b.zst &&
	cat a.zst b.zst >ab.zst &&
	ayak-cat ab.zst >out &&
	test_cmp_bin ab out
'

test_expect_success ZSTD 'zstd frames that split a record' '
	{ zstd -q -c a1 && zstd -q -c a2; } >split.zst &&
	ayak-cat split.zst >out &&
	test_cmp_bin a out
'

test_expect_success XZ 'xz with several streams' '
	{ xz -c a && xz -c b; } >ab.xz &&
	ayak-cat ab.xz >out &&
	test_cmp_bin ab out
'

test_expect_success BZIP2 'bzip2 with several streams' '
	{ bzip2 -c a && bzip2 -c b; } >ab.bz2 &&
	ayak-cat ab.bz2 >out &&
	test_cmp_bin ab out
'

test_expect_success GZIP,ZSTD,XZ,BZIP2 'inputs of mixed formats in one run' '
	xz -c a >a.xz && bzip2 -c b >b.bz2 &&
	ayak-cat a.gz b.zst a.xz b.bz2 a >out &&
	cat a b a b a >expect &&
	test_cmp_bin expect out
'

test_expect_success GZIP,ZSTD,XZ,BZIP2 'files of different compressed formats concatenated are one input' '
	for first in gzip zstd xz bzip2; do
		for second in gzip zstd xz bzip2; do
			{ $first -c a && $second -c b && $first -c a; } >mix &&
			ayak-cat mix >out 2>err &&
			cat a b a >expect &&
			test_cmp_bin expect out &&
			test_must_be_empty err || return 1
		done
	done &&
	{ xz -c a && printf "\0\0\0\0" && zstd -q -c b; } >padded.mix &&
	ayak-cat padded.mix >out &&
	test_cmp_bin ab out
'

test_expect_success GZIP,ZSTD,XZ,BZIP2 'plain data after compressed data is still garbage after the end' '
	n=$(wc -l <a) &&
	for z in gzip zstd xz bzip2; do
		{ $z -c a && cat b; } >plain.mix &&
		test_expect_code 1 ayak-cat plain.mix >out 2>err &&
		test_cmp_bin a out &&
		grep "^ayak-cat: plain.mix:$((n + 1)): corrupt $z input: " err || return 1
	done
'

test_expect_success XZ 'xz streams with stream padding between them (valid .xz)' '
	{ xz -c a && printf "\0\0\0\0" && xz -c b && printf "\0\0\0\0\0\0\0\0"; } >padded.xz &&
	xz -dc padded.xz >expect &&
	test_cmp ab expect &&
	ayak-cat padded.xz >out 2>err &&
	test_cmp_bin ab out &&
	test_must_be_empty err
'

test_expect_success ZSTD 'zstd skippable frames, first and between frames' '
	{ printf "\120\052\115\030\004\000\000\000abcd" && cat a.zst &&
	  printf "\121\052\115\030\002\000\000\000xy" && cat b.zst; } >skippable.zst &&
	zstd -q -dc skippable.zst >expect &&
	test_cmp ab expect &&
	ayak-cat skippable.zst >out &&
	test_cmp_bin ab out
'

test_expect_success ZSTD '-o FILE.zst writes zstd' '
	ayak-cat -o out.zst in.jsonl >stdout 2>err &&
	test_must_be_empty stdout &&
	test_must_be_empty err &&
	test "$(magic out.zst)" = 28b52ffd &&
	zstd -dc out.zst >out &&
	test_cmp_bin in.jsonl out
'

test_expect_success ZSTD '-o FILE.zstd writes zstd' '
	ayak-cat -o out.zstd in.jsonl &&
	test "$(magic out.zstd)" = 28b52ffd &&
	zstd -dc out.zstd >out &&
	test_cmp_bin in.jsonl out
'

test_expect_success GZIP '-o FILE.gz writes gzip' '
	ayak-cat -o out.gz in.jsonl &&
	test "$(magic out.gz 2)" = 1f8b &&
	gzip -dc out.gz >out &&
	test_cmp_bin in.jsonl out
'

test_expect_success '-o FILE.jsonl writes plain; FILE.xz or FILE.bz2 is refused' '
	ayak-cat -o out.jsonl in.jsonl &&
	test_cmp_bin in.jsonl out.jsonl &&
	test_expect_code 2 ayak-cat -o out.xz in.jsonl 2>err &&
	test_path_is_missing out.xz &&
	cat >expect <<-\EOF &&
	ayak-cat: out.xz: cannot write xz; ayak writes zstd (.zst), gzip (.gz) or plain text (--compress none)
	Try '\''ayak-cat --help'\''.
	EOF
	test_cmp expect err &&
	test_expect_code 2 ayak-cat -o out.bz2 in.jsonl 2>err &&
	grep "cannot write bzip2" err &&
	ayak-cat --compress none -o out.xz in.jsonl &&
	test_cmp_bin in.jsonl out.xz
'

test_expect_success ZSTD '-z writes zstd to standard output' '
	ayak-cat -z in.jsonl >out.zst &&
	test "$(magic out.zst)" = 28b52ffd &&
	zstd -dc out.zst >out &&
	test_cmp_bin in.jsonl out &&
	ayak-cat --zstd in.jsonl >out2.zst &&
	test_cmp_bin out.zst out2.zst
'

test_expect_success ZSTD '--compress zst and --compress zstd write zstd' '
	ayak-cat --compress zst in.jsonl >c1 &&
	ayak-cat --compress zstd in.jsonl >c2 &&
	test "$(magic c1)" = 28b52ffd &&
	test_cmp_bin c1 c2 &&
	zstd -dc c1 >out &&
	test_cmp_bin in.jsonl out
'

test_expect_success GZIP '--compress gz and --compress gzip write gzip' '
	ayak-cat --compress gz in.jsonl >g1 &&
	ayak-cat --compress gzip in.jsonl >g2 &&
	test "$(magic g1 2)" = 1f8b &&
	test_cmp_bin g1 g2 &&
	gzip -dc g1 >out &&
	test_cmp_bin in.jsonl out
'

test_expect_success GZIP '--compress gz with -o FILE.jsonl writes gzip' '
	ayak-cat --compress gz -o forced.jsonl in.jsonl &&
	test "$(magic forced.jsonl 2)" = 1f8b &&
	gzip -dc forced.jsonl >out &&
	test_cmp_bin in.jsonl out
'

test_expect_success '--compress none with -o FILE.zst writes plain' '
	ayak-cat --compress none -o plain.zst in.jsonl &&
	test_cmp_bin in.jsonl plain.zst
'

test_expect_success 'an unknown --compress is a usage error' '
	test_expect_code 2 ayak-cat --compress lz4 in.jsonl >out 2>err &&
	test_must_be_empty out &&
	tail -n 1 err >last &&
	echo "Try '\''ayak-cat --help'\''." >expect &&
	test_cmp expect last &&
	head -n 1 err | grep "^ayak-cat: "
'

test_expect_success ZSTD '--level changes zstd compression' '
	for i in 1 2 3 4 5 6 7 8; do cat in.jsonl; done >big &&
	ayak-cat --level 1 -o l1.zst big &&
	ayak-cat --level 19 -o l19.zst big &&
	zstd -dc l1.zst >out1 && zstd -dc l19.zst >out19 &&
	test_cmp_bin big out1 &&
	test_cmp_bin big out19 &&
	test $(wc -c <l19.zst) -lt $(wc -c <l1.zst)
'

test_expect_success GZIP '--level changes gzip compression' '
	ayak-cat --level 1 -o l1.gz big &&
	ayak-cat --level 9 -o l9.gz big &&
	gzip -dc l1.gz >out1 && gzip -dc l9.gz >out9 &&
	test_cmp_bin big out1 &&
	test_cmp_bin big out9 &&
	test $(wc -c <l9.gz) -lt $(wc -c <l1.gz)
'

test_expect_success 'a bad --level is a usage error' '
	test_expect_code 2 ayak-cat -z --level abc in.jsonl >out 2>err &&
	test_must_be_empty out &&
	tail -n 1 err >last &&
	echo "Try '\''ayak-cat --help'\''." >expect &&
	test_cmp expect last
'

test_expect_success ZSTD 'recompressing: zstd in, gzip out, back to plain' '
	ayak-cat -o re.gz out.zst &&
	ayak-cat re.gz >out &&
	test_cmp_bin in.jsonl out
'

# script(1) gives the command a terminal as standard output.
test_expect_success TTY 'compressed output to a terminal is refused (-z)' '
	script -eqc "ayak-cat -z in.jsonl" /dev/null </dev/null >tty.out
	test $? = 2 &&
	tr -d "\r" <tty.out >msg &&
	printf "%s\n" "ayak-cat: refusing to write compressed data to a terminal" \
		"Try '\''ayak-cat --help'\''." >expect &&
	test_cmp expect msg
'

test_expect_success TTY 'compressed output to a terminal is refused (--compress gz)' '
	script -eqc "ayak-cat --compress gz in.jsonl" /dev/null </dev/null >tty.out
	test $? = 2 &&
	tr -d "\r" <tty.out >msg &&
	printf "%s\n" "ayak-cat: refusing to write compressed data to a terminal" \
		"Try '\''ayak-cat --help'\''." >expect &&
	test_cmp expect msg
'

test_expect_success TTY 'plain output to a terminal is fine' '
	script -eqc "ayak-cat a" /dev/null </dev/null >tty.out &&
	tr -d "\r" <tty.out >out &&
	test_cmp a out
'

test_expect_success TTY,ZSTD '-o FILE.zst works while standard output is a terminal' '
	script -eqc "ayak-cat -o tty.zst a" /dev/null </dev/null >tty.out &&
	test_must_be_empty tty.out &&
	zstd -dc tty.zst >out &&
	test_cmp a out
'

# ASan reserves terabytes of address space: no ulimit -v under it
grep -q fsanitize "$AYAK_BUILD/flags" 2>/dev/null || test_set_prereq NOSAN

# The zstd worker's job buffers and stack take about 48 MB: under 70 MB of
# address space ayak-cat exited 3 ("zstd: Allocation error") 4 MB into a file
test_expect_success ZSTD,NOSAN '-o FILE.zst under ulimit -v 70 MB: compressed inline' '
	for i in $(seq 160); do cat "$TEST_DATA/sample.jsonl"; done >big.jsonl &&
	(ulimit -v 70000 && ayak-cat -o small-as.zst big.jsonl) &&
	zstd -dc small-as.zst >out &&
	test_cmp big.jsonl out
'

test_done
