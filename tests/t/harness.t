#!/usr/bin/env bash
test_description='tests/lib.sh itself: TAP output, failures, helpers'
. "$(dirname "$0")/../lib.sh"

# run_sub NAME BODY: write a test script NAME.t whose tests are BODY, run it
# with its own build directory, keep stdout in NAME.out, stderr in NAME.err.
run_sub () {
	{
		echo '. "$AYAK_TOP/tests/lib.sh"'
		printf '%s\n' "$2"
		echo 'test_done'
	} >"$1.t" &&
	AYAK_BUILD=$PWD/sub-build bash "$1.t" >"$1.out" 2>"$1.err"
}

test_expect_success 'passing tests: ok lines, plan at the end, exit 0' '
	run_sub pass "
test_expect_success \"one\" \"true\"
test_expect_success \"two\" \"echo hidden; test 1 = 1\"
" &&
	printf "ok 1 - one\nok 2 - two\n1..2\n" >expect &&
	test_cmp expect pass.out &&
	test_must_be_empty pass.err
'

test_expect_success 'a failing test: not ok, exit 1, body and output on stderr as comments' '
	test_must_fail run_sub fail "
test_expect_success \"good\" \"true\"
test_expect_success \"bad\" \"echo some output && false\"
test_expect_success \"after\" \"true\"
" &&
	printf "ok 1 - good\nnot ok 2 - bad\nok 3 - after\n1..3\n" >expect &&
	test_cmp expect fail.out &&
	grep "^# echo some output && false$" fail.err &&
	grep "^# some output$" fail.err &&
	! grep -v "^#" fail.err
'

test_expect_success 'each script runs in a fresh trash directory, removed when all pass' '
	run_sub where "
test_expect_success \"cwd\" \"test \\\"\$PWD\\\" = \\\"\$AYAK_BUILD/trash/where\\\" && touch marker\"
test_expect_success \"marker\" \"test -f marker\"
" &&
	grep "^ok 2" where.out &&
	test_path_is_missing sub-build/trash/where
'

test_expect_success 'the trash directory is kept when a test fails' '
	test_must_fail run_sub keep "test_expect_success \"x\" \"touch kept && false\"" &&
	test_path_is_file sub-build/trash/keep/kept
'

test_expect_success 'PATH has bin first, TEST_DATA points at tests/data' '
	run_sub env "
test_expect_success \"path\" \"test \\\"\${PATH%%:*}\\\" = \\\"\$AYAK_TOP/bin\\\"\"
test_expect_success \"data\" \"test \\\"\$TEST_DATA\\\" = \\\"\$AYAK_TOP/tests/data\\\" && test -f \\\"\$TEST_DATA/sample.jsonl\\\"\"
" &&
	printf "ok 1 - path\nok 2 - data\n1..2\n" >expect &&
	test_cmp expect env.out
'

test_expect_success 'AYAK_TOP is found from the script location when unset' '
	mkdir -p fake/tests fake/bin &&
	cp "$AYAK_TOP/tests/lib.sh" fake/tests/lib.sh &&
	printf "%s\n" ". \"\$(dirname \"\$0\")/lib.sh\"" "echo \"top=\$AYAK_TOP\"" "test_done" >fake/tests/x.t &&
	(unset AYAK_TOP AYAK_BUILD && bash fake/tests/x.t) >x.out &&
	grep "^top=$PWD/fake$" x.out &&
	grep "^1\.\.0$" x.out
'

test_expect_success 'prerequisites: a missing one skips the test' '
	run_sub prereq "
test_set_prereq HAVE
test_expect_success HAVE \"runs\" \"true\"
test_expect_success MISSING \"skipped\" \"false\"
test_expect_success HAVE,MISSING \"skipped too\" \"false\"
" &&
	printf "ok 1 - runs\nok 2 # skip skipped (missing MISSING)\nok 3 # skip skipped too (missing HAVE,MISSING)\n1..3\n" >expect &&
	test_cmp expect prereq.out
'

test_expect_success 'return 1 in a body fails that test only' '
	test_must_fail run_sub ret "
test_expect_success \"loop\" \"for i in 1 2; do test \\\$i = 1 || return 1; done\"
test_expect_success \"next\" \"true\"
" &&
	printf "not ok 1 - loop\nok 2 - next\n1..2\n" >expect &&
	test_cmp expect ret.out
'

test_expect_success 'test_cmp shows a diff and fails on a difference' '
	echo a >one && echo b >two &&
	test_must_fail test_cmp one two 2>diff.err &&
	grep "^-a$" diff.err &&
	grep "^+b$" diff.err &&
	test_cmp one one
'

test_expect_success 'test_must_fail: ok for exit 1-126, not for 0, signals or 127' '
	test_must_fail false &&
	test_must_fail sh -c "exit 3" &&
	! test_must_fail true 2>/dev/null &&
	! test_must_fail sh -c "kill -TERM \$\$" 2>/dev/null &&
	! test_must_fail sh -c "exit 127" 2>/dev/null
'

test_expect_success 'test_expect_code' '
	test_expect_code 3 sh -c "exit 3" &&
	! test_expect_code 2 sh -c "exit 3" 2>/dev/null &&
	test_expect_code 0 true
'

test_expect_success 'test_must_be_empty, test_line_count, test_path_*' '
	: >empty && echo x >nonempty &&
	test_must_be_empty empty &&
	! test_must_be_empty nonempty 2>/dev/null &&
	! test_must_be_empty nosuch 2>/dev/null &&
	test_write_lines a b c >three &&
	test_line_count = 3 three &&
	! test_line_count -gt 3 three 2>/dev/null &&
	test_path_is_file three &&
	test_path_is_missing nosuch &&
	! test_path_is_missing three 2>/dev/null
'

test_done
