#!/usr/bin/env bash
test_description='ayak-cat: system errors, truncated input, usage, -h and -V'
. "$(dirname "$0")/../lib.sh"

TRY="Try 'ayak-cat --help'."

# SIGPIPE must not be ignored by whoever runs us, or `| head` cannot be tested.
sigign=$(sed -n 's/^SigIgn:[[:space:]]*//p' /proc/$$/status 2>/dev/null)
if test -n "$sigign" && test $(( 0x$sigign & (1 << 12) )) = 0; then
	test_set_prereq SIGPIPE_DEFAULT
fi

test_expect_success 'setup' '
	cp "$TEST_DATA/sample.jsonl" in.jsonl &&
	for i in $(seq 30); do cat in.jsonl; done >big.jsonl &&
	# Records that do not compress to nothing, so that a cut lands mid-stream.
	awk "BEGIN { srand(42); for (i = 0; i < 30000; i++) { s = \"\";
		for (j = 0; j < 12; j++) s = s sprintf(\"%08x\", int(rand() * 2147483647));
		printf \"{\\\"id\\\":%d,\\\"text\\\":\\\"%s\\\"}\\n\", i, s } }" >rand.jsonl &&
	test_line_count = 30000 rand.jsonl
'

test_expect_success 'a missing file: exit 3, exact message, no output' '
	test_expect_code 3 ayak-cat missing.jsonl >out 2>err &&
	echo "ayak-cat: missing.jsonl: No such file or directory" >expect &&
	test_cmp expect err &&
	test_must_be_empty out
'

test_expect_success 'a missing file after a good one: checked before any output' '
	test_expect_code 3 ayak-cat in.jsonl missing.jsonl >out 2>err &&
	echo "ayak-cat: missing.jsonl: No such file or directory" >expect &&
	test_cmp expect err &&
	test_must_be_empty out
'

test_expect_success 'a missing file with -o: no output file appears' '
	mkdir o1 &&
	test_expect_code 3 ayak-cat -o o1/out.jsonl in.jsonl missing.jsonl 2>err &&
	ls -A o1 >list &&
	test_must_be_empty list
'

test_expect_success 'a directory: exit 3' '
	mkdir adir &&
	test_expect_code 3 ayak-cat adir >out 2>err &&
	echo "ayak-cat: adir: Is a directory" >expect &&
	test_cmp expect err &&
	test_must_be_empty out
'

test_expect_success NOT_ROOT 'an unreadable file: exit 3' '
	cp in.jsonl secret && chmod 000 secret &&
	test_expect_code 3 ayak-cat secret >out 2>err &&
	echo "ayak-cat: secret: Permission denied" >expect &&
	test_cmp expect err
'

test_expect_success '-o into a missing directory: exit 3' '
	test_expect_code 3 ayak-cat -o nodir/out.jsonl in.jsonl >out 2>err &&
	test -s err &&
	grep "^ayak-cat: " err
'

test_expect_success 'standard output is /dev/full: exit 3' '
	test_expect_code 3 ayak-cat in.jsonl >/dev/full 2>err &&
	grep "^ayak-cat: .*No space left on device" err
'

test_expect_success 'a small output to /dev/full (only the final flush fails): exit 3' '
	test_expect_code 3 ayak-cat --head 1 in.jsonl >/dev/full 2>err &&
	grep "No space left on device" err
'

test_expect_success '-o /dev/full: exit 3' '
	test_expect_code 3 ayak-cat -o /dev/full in.jsonl 2>err &&
	grep "^ayak-cat: .*No space left on device" err
'

test_expect_success 'compressed output to /dev/full: exit 3' '
	test_expect_code 3 ayak-cat -z in.jsonl >/dev/full 2>err &&
	test -s err
'

test_expect_success '--count to /dev/full: exit 3' '
	test_expect_code 3 ayak-cat --count in.jsonl >/dev/full 2>err &&
	test -s err
'

test_expect_success 'a closed standard output: exit 3' '
	test_expect_code 3 ayak-cat in.jsonl >&- 2>err &&
	test -s err
'

test_expect_success 'a closed standard output with a small input: exit 3' '
	test_expect_code 3 ayak-cat --head 1 in.jsonl >&- 2>err &&
	test -s err
'

test_expect_success SIGPIPE_DEFAULT 'ayak-cat big | head -1 ends quietly (SIGPIPE, 141)' '
	ayak-cat big.jsonl 2>err | head -n 1 >out
	echo "${PIPESTATUS[0]}" >status &&
	echo 141 >expect &&
	test_cmp expect status &&
	test_must_be_empty err &&
	head -n 1 in.jsonl >expect &&
	test_cmp expect out
'

test_expect_success SIGPIPE_DEFAULT 'ayak-cat -z big | head -c 10 ends quietly too' '
	ayak-cat -z rand.jsonl 2>err | head -c 10 >/dev/null
	echo "${PIPESTATUS[0]}" >status &&
	echo 141 >expect &&
	test_cmp expect status &&
	test_must_be_empty err
'

test_expect_success SIGPIPE_DEFAULT 'ayak-cat --validate big | head -1 ends quietly too' '
	ayak-cat --validate big.jsonl 2>err | head -n 1 >/dev/null
	echo "${PIPESTATUS[0]}" >status &&
	echo 141 >expect &&
	test_cmp expect status &&
	test_must_be_empty err
'

for fmt in gzip zstd xz bzip2; do
	case $fmt in
	gzip) ext=gz prereq=GZIP magiclen=2 inside="" ;;
	zstd) ext=zst prereq=ZSTD magiclen=4 inside="2 3" ;;
	xz) ext=xz prereq=XZ magiclen=6 inside="2 3 4 5" ;;
	bzip2) ext=bz2 prereq=BZIP2 magiclen=3 inside=3 ;;
	esac
	test_expect_success $prereq "truncated $fmt input: exit 1, file and line named, complete records out" "
		$fmt -c <rand.jsonl >full.$ext &&
		size=\$(wc -c <full.$ext) &&
		head -c \$((size / 2)) full.$ext >cut.$ext &&
		test_expect_code 1 ayak-cat cut.$ext >out 2>err &&
		n=\$(wc -l <out) &&
		test \$n -gt 0 &&
		echo \"ayak-cat: cut.$ext:\$((n + 1)): truncated $fmt input\" >expect &&
		test_cmp expect err &&
		head -n \$n rand.jsonl >expect &&
		test_cmp_bin expect out &&
		# at least the records that the $fmt program itself recovers
		$fmt -dc <cut.$ext 2>/dev/null | wc -l >lib-lines;
		test \$n -ge \$(cat lib-lines)
	"
	test_expect_success $prereq "truncated $fmt input after a good file: line numbers per file" "
		test_expect_code 1 ayak-cat in.jsonl cut.$ext >out 2>err &&
		echo \"ayak-cat: cut.$ext:\$((n + 1)): truncated $fmt input\" >expect &&
		test_cmp expect err
	"
	test_expect_success $prereq "truncated $fmt input with -o: no output file" "
		mkdir cut-$ext &&
		test_expect_code 1 ayak-cat -o cut-$ext/out.jsonl cut.$ext 2>err &&
		ls -A cut-$ext >list &&
		test_must_be_empty list
	"
	test_expect_success $prereq "$fmt input cut just after its magic number: exit 1" "
		head -c $((magiclen + 1)) full.$ext >tiny.$ext &&
		test_expect_code 1 ayak-cat tiny.$ext >out 2>err &&
		test_must_be_empty out &&
		echo \"ayak-cat: tiny.$ext:1: truncated $fmt input\" >expect &&
		test_cmp expect err
	"
	# gzip's is two bytes: one is not enough to tell
	test -z "$inside" ||
	test_expect_success $prereq "$fmt input cut inside its magic number (bytes: $inside): truncated, not text" "
		for k in $inside; do
			head -c \$k full.$ext >inside.$ext &&
			test_expect_code 1 ayak-cat inside.$ext >out 2>err &&
			test_must_be_empty out &&
			echo \"ayak-cat: inside.$ext:1: truncated $fmt input\" >expect &&
			test_cmp expect err || return 1
		done
	"
done

test_expect_success GZIP 'a gzip header followed by garbage: exit 1' '
	{ printf "\037\213\010\000\000\000\000\000\000\003" && head -c 3000 rand.jsonl; } >garbage.gz &&
	test_expect_code 1 ayak-cat garbage.gz >out 2>err &&
	grep "^ayak-cat: garbage.gz:1: corrupt gzip input: " err
'

test_expect_success GZIP 'gzip with garbage after the end: exit 1' '
	{ gzip -c in.jsonl && echo "junk"; } >trail.gz &&
	test_expect_code 1 ayak-cat trail.gz >out 2>err &&
	n=$(wc -l <in.jsonl) &&
	echo "ayak-cat: trail.gz:$((n + 1)): corrupt gzip input: garbage after the end" >expect &&
	test_cmp expect err &&
	test_cmp_bin in.jsonl out
'

test_expect_success GZIP 'gzip with a damaged byte in the middle: exit 1' '
	gzip -c rand.jsonl >dmg.gz &&
	size=$(wc -c <dmg.gz) &&
	printf "\377\377\377\377" | dd of=dmg.gz bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null &&
	test_expect_code 1 ayak-cat dmg.gz >out 2>err &&
	grep "^ayak-cat: dmg.gz:[0-9]*: corrupt gzip input" err
'

test_expect_success GZIP 'gzip with a wrong CRC: exit 1' '
	gzip -c in.jsonl >crc.gz &&
	size=$(wc -c <crc.gz) &&
	printf "\000\000\000\000" | dd of=crc.gz bs=1 seek=$((size - 8)) conv=notrunc 2>/dev/null &&
	test_expect_code 1 ayak-cat crc.gz >out 2>err &&
	grep "^ayak-cat: crc.gz:[0-9]*: corrupt gzip input" err
'

test_expect_success ZSTD 'a zstd magic followed by garbage: exit 1' '
	{ printf "\050\265\057\375" && head -c 3000 rand.jsonl; } >garbage.zst &&
	test_expect_code 1 ayak-cat garbage.zst >out 2>err &&
	grep "^ayak-cat: garbage.zst:1: corrupt zstd input: " err
'

test_expect_success ZSTD 'zstd with garbage after the end: exit 1' '
	{ zstd -q -c in.jsonl && echo "junk"; } >trail.zst &&
	test_expect_code 1 ayak-cat trail.zst >out 2>err &&
	grep "^ayak-cat: trail.zst:[0-9]*: corrupt zstd input" err
'

test_expect_success ZSTD 'damage inside a zstd frame: the lines before it come out, the error names the next line' '
	awk "BEGIN { for (i = 1; i <= 60000; i++) printf(\"{\\\"text\\\":\\\"line %d of a long file %d\\\"}\\n\", i, i * 7919 % 100003) }" >long.jsonl &&
	zstd -q -1 -c long.jsonl >dmg.zst &&
	size=$(wc -c <dmg.zst) &&
	printf "XXXXXXXX" | dd of=dmg.zst bs=1 seek=$((size * 3 / 4)) conv=notrunc 2>/dev/null &&
	zstd -dc dmg.zst 2>/dev/null | wc -l >zstd.lines &&
	test $(cat zstd.lines) -gt 1000 &&
	test_expect_code 1 ayak-cat dmg.zst >out 2>err &&
	test $(wc -l <out) = $(cat zstd.lines) &&
	echo "ayak-cat: dmg.zst:$(($(cat zstd.lines) + 1)): corrupt zstd input: Data corruption detected" >expect &&
	test_cmp expect err
'

test_expect_success XZ 'an xz magic followed by garbage: exit 1' '
	{ printf "\375\067\172\130\132\000" && head -c 3000 rand.jsonl; } >garbage.xz &&
	test_expect_code 1 ayak-cat garbage.xz >out 2>err &&
	grep "^ayak-cat: garbage.xz:1: corrupt xz input" err
'

test_expect_success BZIP2 'a bzip2 magic followed by garbage: exit 1' '
	{ printf "BZh9" && head -c 3000 rand.jsonl; } >garbage.bz2 &&
	test_expect_code 1 ayak-cat garbage.bz2 >out 2>err &&
	grep "^ayak-cat: garbage.bz2:1: corrupt bzip2 input" err
'

test_expect_success '-h and --help: exit 0, usage on stdout, nothing on stderr' '
	ayak-cat -h >out 2>err &&
	test -s out &&
	test_must_be_empty err &&
	ayak-cat --help >out2 2>err &&
	test_cmp out out2 &&
	test_must_be_empty err
'

test_expect_success '-h wins over other options and files' '
	ayak-cat -h missing.jsonl >out 2>err &&
	test -s out &&
	test_must_be_empty err
'

test_expect_success '-V and --version: ayak-cat, library and lexicon versions' '
	ayak-cat -V >out 2>err &&
	test_must_be_empty err &&
	test_line_count = 3 out &&
	sed -n 1p out >line1 &&
	echo "ayak-cat (ayak) 0.1.0" >expect &&
	test_cmp expect line1 &&
	sed -n 2p out >line2 &&
	echo "ICU 72.1, PCRE2 10.42, zstd 1.5.4, xxHash 0.8.1, zlib 1.2.13, liblzma 5.4.1, bzip2 1.0.8" >expect &&
	test_cmp expect line2 &&
	sed -n 3p out >line3 &&
	grep "^lexicons [^ ]* (.*)$" line3 &&
	ayak-cat --version >out2 &&
	test_cmp out out2
'

test_expect_success '-V shows the lexicon version from lexicons/VERSION' '
	ver=$(sed -n "/^[^#]/{p;q}" "$AYAK_TOP/lexicons/VERSION") &&
	test -n "$ver" &&
	ayak-cat -V | sed -n 3p >line3 &&
	grep "^lexicons $ver (" line3
'

test_expect_success '-V follows AYAK_LEXICONS' '
	mkdir lex &&
	echo "9999.1.0" >lex/VERSION &&
	AYAK_LEXICONS=$PWD/lex ayak-cat -V | sed -n 3p >line3 &&
	echo "lexicons 9999.1.0 ($PWD/lex)" >expect &&
	test_cmp expect line3
'

for args in "--bogus" "-x" "--head" "--split" "--head abc" "--head -1" "--split 0 -o p" "--split-bytes 1Q -o p"; do
	test_expect_success "usage error: ayak-cat $args" "
		test_expect_code 2 ayak-cat $args in.jsonl >out 2>err &&
		test_must_be_empty out &&
		test_line_count = 2 err &&
		head -n 1 err | grep \"^ayak-cat: \" &&
		tail -n 1 err >last &&
		echo \"\$TRY\" >expect &&
		test_cmp expect last
	"
done

test_expect_success 'usage error: -o without its argument' '
	test_expect_code 2 ayak-cat -o >out 2>err &&
	test_must_be_empty out &&
	test_line_count = 2 err &&
	tail -n 1 err >last &&
	echo "$TRY" >expect &&
	test_cmp expect last
'

test_expect_success 'usage error: unknown long option, exact message' '
	test_expect_code 2 ayak-cat --bogus >out 2>err &&
	cat >expect <<-\EOF &&
	ayak-cat: unrecognized option '\''--bogus'\''
	Try '\''ayak-cat --help'\''.
	EOF
	test_cmp expect err
'

test_expect_success 'usage errors come before system errors' '
	test_expect_code 2 ayak-cat --bogus missing.jsonl >out 2>err
'

test_expect_success '--split without -o is a usage error' '
	test_expect_code 2 ayak-cat --split 10 in.jsonl >out 2>err &&
	test_must_be_empty out &&
	tail -n 1 err >last &&
	echo "$TRY" >expect &&
	test_cmp expect last
'

test_expect_success '--split-bytes without -o is a usage error' '
	test_expect_code 2 ayak-cat --split-bytes 1M in.jsonl >out 2>err &&
	test_must_be_empty out &&
	tail -n 1 err >last &&
	echo "$TRY" >expect &&
	test_cmp expect last
'

test_done
