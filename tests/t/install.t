#!/usr/bin/env bash
test_description='make install: PREFIX, DESTDIR, and programs that find their lexicons'
. "$(dirname "$0")/../lib.sh"

# The build's own PREFIX (the default): another PREFIX changes the compiled-in data
# directory and would rebuild every program under the tests running beside this one.
# A nested make inherits SANITIZE=1 from make check through MAKEFLAGS.
prefix=/usr/local

test_expect_success 'make install DESTDIR=... puts everything in place' '
	make -s -C "$AYAK_TOP" install DESTDIR="$PWD/stage" >log 2>&1 &&
	test -x stage$prefix/bin/ayak &&
	test -x stage$prefix/bin/ayak-cat &&
	test -f stage$prefix/share/man/man1/ayak-cat.1 &&
	test -f stage$prefix/share/man/man7/ayak.7 &&
	test -f stage$prefix/share/ayak/VERSION
'

test_expect_success 'the installed program finds the installed lexicons' '
	env -u AYAK_LEXICONS stage$prefix/bin/ayak-cat -V >out &&
	echo "lexicons $(head -n 1 "$AYAK_TOP/lexicons/VERSION") ($PWD/stage$prefix/bin/../share/ayak)" >expect &&
	tail -n 1 out >got &&
	test_cmp expect got
'

test_expect_success 'the installed dispatcher runs the installed program' '
	printf "{\"text\":\"a\"}\n{\"text\":\"b\"}\n" >in.jsonl &&
	stage$prefix/bin/ayak cat --count in.jsonl >out &&
	echo "{\"records\":2,\"bytes\":26}" >expect &&
	test_cmp expect out
'

test_expect_success 'AYAK_LEXICONS overrides, and a wrong one is reported' '
	mkdir lex && echo "9.9.9" >lex/VERSION &&
	AYAK_LEXICONS="$PWD/lex" stage$prefix/bin/ayak-cat -V | tail -n 1 >got &&
	echo "lexicons 9.9.9 ($PWD/lex)" >expect &&
	test_cmp expect got &&
	AYAK_LEXICONS=/nonexistent stage$prefix/bin/ayak-cat -V | tail -n 1 >got &&
	echo "lexicons unknown (not found)" >expect &&
	test_cmp expect got
'

test_expect_success 'the installed pipeline runs the installed programs on the installed sample' '
	P=$PWD/stage$prefix/share/ayak/pipelines &&
	test -x "$P/commoncrawl-malay" &&
	env -u AYAK_LEXICONS PATH=/usr/bin:/bin "$P/commoncrawl-malay" -o run "$P/sample/wet.paths" >out &&
	printf "shards: %s/run/shards/\nreport: %s/run/report.html\n" "$PWD" "$PWD" >expect &&
	test_cmp expect out &&
	grep -x "AYAK_BIN=$PWD/stage$prefix/bin" run/config &&
	grep -x "TOKENIZER=$PWD/stage$prefix/share/ayak/tok/ms-bpe-32k.json" run/config
'

test_done
