#!/usr/bin/env bash
test_description='ayak-norm: bad records, --on-error skip, usage and lexicon errors'
. "$(dirname "$0")/../lib.sh"

test_expect_success 'a record without the text field: error with file:line, exit 1' '
	printf "%s\n" "{\"text\":\"ok\"}" "{\"id\":1}" >in &&
	test_expect_code 1 ayak-norm in >out 2>err &&
	echo "ayak-norm: in:2: missing field \"text\"" >expect &&
	test_cmp expect err &&
	echo "{\"text\":\"ok\"}" >expect &&
	test_cmp expect out
'

test_expect_success 'a text field that is not a string' '
	printf "%s\n" "{\"text\":null}" >in &&
	test_expect_code 1 ayak-norm in 2>err &&
	echo "ayak-norm: in:1: field \"text\" is not a string" >expect &&
	test_cmp expect err
'

test_expect_success 'a malformed record' '
	printf "%s\n" "{\"text\":\"a\"" >in &&
	test_expect_code 1 ayak-norm in 2>err &&
	echo "ayak-norm: in:1: malformed record: unexpected end of line at column 12" >expect &&
	test_cmp expect err
'

test_expect_success '--field names the missing field' '
	printf "%s\n" "{\"text\":\"a\"}" >in &&
	test_expect_code 1 ayak-norm --field body in 2>err &&
	echo "ayak-norm: in:1: missing field \"body\"" >expect &&
	test_cmp expect err
'

test_expect_success '--on-error skip: counted, reported, kept in --rejects' '
	printf "%s\n" "{\"id\":1}" "{\"text\":\"a  b\"}" "[1]" "{\"text\":5}" >in &&
	ayak-norm --on-error skip --rejects rej.jsonl --stats st.json in >out 2>err &&
	echo "{\"text\":\"a b\"}" >expect &&
	test_cmp expect out &&
	cat >expect <<-\EOT &&
	ayak-norm: in:1: missing field "text"
	ayak-norm: in:3: malformed record: not a JSON object
	ayak-norm: in:4: field "text" is not a string
	ayak-norm: skipped 3 malformed records
	EOT
	test_cmp expect err &&
	test_line_count = 3 rej.jsonl &&
	grep -q "\"errors\":3" st.json &&
	grep -q "\"records_in\":4,\"records_out\":1" st.json
'

test_expect_success 'invalid UTF-8 in keys and other fields does not stop the record: U+FFFD' '
	printf "{\"\\377\":\"\\376\",\"text\":\"ok  \"}\n" >in &&
	printf "{\"\\357\\277\\275\":\"\\357\\277\\275\",\"text\":\"ok\"}\n" >expect &&
	ayak-norm in >out &&
	test_cmp_bin expect out
'

test_expect_success 'usage: --keep-informal needs --expand-slang' '
	test_expect_code 2 ayak-norm --keep-informal </dev/null 2>err &&
	cat >expect <<-\EOT &&
	ayak-norm: --keep-informal goes with --expand-slang
	Try '"'"'ayak-norm --help'"'"'.
	EOT
	test_cmp expect err
'

test_expect_success 'usage: a bad --blank-lines' '
	test_expect_code 2 ayak-norm --blank-lines many </dev/null 2>err &&
	grep -q "^ayak-norm: --blank-lines wants a number from 0 to 1000, not .many.$" err
'

test_expect_success 'usage: an unknown option' '
	test_expect_code 2 ayak-norm --slang </dev/null 2>err &&
	grep -q "^ayak-norm: unrecognized option .--slang.$" err
'

test_expect_success 'a missing lexicon is exit 3, before any output' '
	mkdir -p lex/norm &&
	printf "%s\n" "{\"text\":\"yg\"}" >in &&
	AYAK_LEXICONS=$PWD/lex test_expect_code 3 ayak-norm --expand-slang in >out 2>err &&
	test_must_be_empty out &&
	echo "ayak-norm: $PWD/lex/norm/slang.tsv: No such file or directory" >expect &&
	test_cmp expect err
'

test_expect_success 'a broken lexicon names its line' '
	printf "# header\nyg\tyang\n" >lex/norm/slang.tsv &&
	AYAK_LEXICONS=$PWD/lex test_expect_code 3 ayak-norm --expand-slang in 2>err &&
	echo "ayak-norm: $PWD/lex/norm/slang.tsv:2: want 5 tab-separated columns" >expect &&
	test_cmp expect err
'

# refused FILE OPTION MESSAGE: ayak-norm OPTION stops on lexicon FILE
# (already written) with exit 3, MESSAGE and no output.
refused () {
	AYAK_LEXICONS=$PWD/lex test_expect_code 3 ayak-norm $2 in >out 2>err &&
	test_must_be_empty out &&
	echo "ayak-norm: $PWD/lex/norm/$1$3" >expect &&
	test_cmp expect err
}

test_expect_success 'a lexicon with invalid UTF-8 or a NUL byte is refused, not copied into the output' '
	printf "# header\nyg\t\377\tx\ty\tz\n" >lex/norm/slang.tsv &&
	refused slang.tsv --expand-slang ":2: invalid UTF-8" &&
	printf "# one\n# two\nyg\tya\000ng\tx\ty\tz\n" >lex/norm/slang.tsv &&
	refused slang.tsv --expand-slang ":3: NUL byte" &&
	printf "baik\nsa\351ya\n" >lex/norm/words.txt &&
	refused words.txt --elongation ":2: invalid UTF-8" &&
	printf "\300\200\n" >lex/norm/jawi.tsv &&
	refused jawi.tsv --jawi-to-rumi ":1: invalid UTF-8"
'

test_expect_success 'a slang form with a word past 64 bytes is refused; 64 bytes is a form' '
	w64=$(printf "k%.0s" $(seq 64)) &&
	printf "# h\n%s\tpanjang\t\t\t\n" "$w64" >lex/norm/slang.tsv &&
	printf "{\"text\":\"ini %s sahaja\"}\n" "$w64" >in64 &&
	AYAK_LEXICONS=$PWD/lex ayak-norm --expand-slang in64 >out &&
	echo "{\"text\":\"ini panjang sahaja\"}" >expect &&
	test_cmp expect out &&
	printf "# h\nyg\tyang\t\t\t\n%sk\tpanjang\t\t\t\n" "$w64" >lex/norm/slang.tsv &&
	refused slang.tsv --expand-slang ":3: a word of the form is longer than 64 bytes" &&
	printf "# h\ntak %sk\tpanjang\t\t\t\n" "$w64" >lex/norm/slang.tsv &&
	refused slang.tsv --expand-slang ":2: a word of the form is longer than 64 bytes"
'

test_expect_success 'a slang line with an unknown context, an upper-case form or a form seen before is refused' '
	printf "# h\nyg\tyang\t\t\t\nzz\tx\t\tbogus\tayak\n" >lex/norm/slang.tsv &&
	refused slang.tsv --expand-slang ":3: unknown context '"'"'bogus'"'"' (want mid, nonum or name)" &&
	printf "# h\ng\tpergi\t\tmid,nonum,\tayak\n" >lex/norm/slang.tsv &&
	refused slang.tsv --expand-slang ":2: unknown context '"'"''"'"' (want mid, nonum or name)" &&
	printf "# h\nyg\tyang\t\t\t\nYg\tyang\t\t\t\n" >lex/norm/slang.tsv &&
	refused slang.tsv --expand-slang ":3: the form '"'"'Yg'"'"' is not lower case" &&
	E=$(printf "\303\211") &&
	printf "# h\ntak %s\tx\t\t\t\n" "$E" >lex/norm/slang.tsv &&
	refused slang.tsv --expand-slang ":2: the form '"'"'tak $E'"'"' is not lower case" &&
	printf "# h\nyg\tyang\t\t\t\n\nsy\tsaya\t\t\t\nyg\tyagn\t\t\t\n" >lex/norm/slang.tsv &&
	refused slang.tsv --expand-slang ":5: the form '"'"'yg'"'"' is already on line 2"
'

test_expect_success 'a slang line with the contexts the header names, alone or together, is taken' '
	printf "# h\ng\tpergi\t\tmid,nonum\tayak\nnga\ttidak\t\tname\tayak\n" >lex/norm/slang.tsv &&
	echo "{\"text\":\"aku g kedai, Nga nga mahu\"}" >in2 &&
	AYAK_LEXICONS=$PWD/lex ayak-norm --expand-slang in2 >out &&
	echo "{\"text\":\"aku pergi kedai, Nga tidak mahu\"}" >expect &&
	test_cmp expect out
'

test_expect_success 'default mode needs no lexicon' '
	AYAK_LEXICONS=$PWD/lex ayak-norm in >out &&
	test_cmp in out
'

test_expect_success 'AYAK_LEXICONS set to no directory is exit 3, lexicons needed or not' '
	AYAK_LEXICONS=$PWD/nonexist test_expect_code 3 ayak-norm in >out 2>err &&
	test_must_be_empty out &&
	echo "ayak-norm: AYAK_LEXICONS=$PWD/nonexist: not a directory" >expect &&
	test_cmp expect err &&
	AYAK_LEXICONS= ayak-norm in >out &&
	test_cmp in out
'

test_expect_success 'a missing input file is exit 3' '
	test_expect_code 3 ayak-norm missing.jsonl 2>err &&
	echo "ayak-norm: missing.jsonl: No such file or directory" >expect &&
	test_cmp expect err
'

test_expect_success 'a --diff-file that cannot be written is exit 3' '
	test_expect_code 3 ayak-norm --diff-file nodir/d.txt in 2>err &&
	echo "ayak-norm: nodir/d.txt: No such file or directory" >expect &&
	test_cmp expect err
'

test_expect_success 'blank lines are not records' '
	printf "\n  \n{\"text\":\"a\"}\n\n" >in &&
	ayak-norm --stats st.json in >out &&
	echo "{\"text\":\"a\"}" >expect &&
	test_cmp expect out &&
	grep -q "\"records_in\":1," st.json
'

test_expect_success 'a byte order mark at the start of a user lexicon does not hide its first entry' '
	cp -r "$AYAK_TOP/lexicons" bomlex &&
	printf "\357\273\277yg\tyang\t\t\tayak\n" >bomlex/norm/slang.tsv &&
	printf "%s\n" "{\"text\":\"Saya yg ni.\"}" >in &&
	AYAK_LEXICONS=$PWD/bomlex ayak-norm --expand-slang in >out &&
	printf "%s\n" "{\"text\":\"Saya yang ni.\"}" >expect &&
	test_cmp expect out
'

test_expect_success '--diff-file may not name the file of -o, --stats or --rejects' '
	printf "%s\n" "{\"text\":\"a  b\"}" >in &&
	test_expect_code 2 ayak-norm --diff-file same.jsonl -o same.jsonl in >out 2>err &&
	cat >expect <<-\EOF &&
	ayak-norm: --diff-file and --output name the same file
	Try '"'"'ayak-norm --help'"'"'.
	EOF
	test_cmp expect err &&
	test_path_is_missing same.jsonl &&
	test_expect_code 2 ayak-norm --diff-file ./dst.json --stats dst.json in >out 2>err &&
	echo "ayak-norm: --diff-file and --stats name the same file" >expect &&
	head -n 1 err >got &&
	test_cmp expect got &&
	test_expect_code 2 ayak-norm --on-error skip --diff-file drej.jsonl --rejects "$PWD/drej.jsonl" in >out 2>err &&
	echo "ayak-norm: --diff-file and --rejects name the same file" >expect &&
	head -n 1 err >got &&
	test_cmp expect got &&
	test_path_is_missing dst.json &&
	test_path_is_missing drej.jsonl
'

test_expect_success 'a --diff-file that fails at the end leaves no -o or --stats in place' '
	printf "%s\n" "{\"text\":\"a  b\"}" >in &&
	test_expect_code 3 ayak-norm -o do.jsonl --stats dst.json --diff-file /dev/full in 2>err &&
	echo "ayak-norm: write error on /dev/full: No space left on device" >expect &&
	test_cmp expect err &&
	test_path_is_missing do.jsonl &&
	test_path_is_missing dst.json &&
	! ls .do.jsonl* .dst.json* 2>/dev/null
'

test_expect_success 'memory running out while writing a diff: exit 3 and no diff file, never a diff cut short' '
	FAILALLOC=$AYAK_BUILD/tests/failalloc.so &&
	if ! test -f "$FAILALLOC" || grep -q fsanitize "$AYAK_BUILD/flags" 2>/dev/null; then
		echo "no $FAILALLOC or a sanitizer build: not run" && return 0
	fi
	x=$(printf "x%.0s" $(seq 1 5000)) &&
	for i in $(seq 1 40); do printf "baris  %s %s\\\\n" $i $x || return 1; done >lines &&
	printf "{\"text\":\"%sakhir\"}\n" "$(cat lines)" >long.jsonl &&
	ayak-norm --diff-file dref long.jsonl >out.ref &&
	test_line_count = 81 dref &&
	k=$(FAIL_ALLOC_COUNT=1 LD_PRELOAD=$FAILALLOC ayak-norm --diff-file dx long.jsonl 2>&1 >/dev/null |
		sed -n "s/^failalloc: //p") &&
	test "$k" -gt 0 &&
	for n in $(seq 1 $k); do
		rm -f dx &&
		FAIL_ALLOC_NTH=$n LD_PRELOAD=$FAILALLOC ayak-norm --diff-file dx long.jsonl >out 2>err
		case $? in
		0) test_cmp_bin dref dx || return 1 ;;
		3) test_path_is_missing dx && grep -qE "out of memory|U_MEMORY_ALLOCATION_ERROR" err || return 1 ;;
		*) cat err; return 1 ;;
		esac
	done
'

test_done
