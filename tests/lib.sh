# tests/lib.sh: a small TAP harness for ayak's shell tests, after git's t/test-lib.sh.
#
# A test script looks like this:
#
#	#!/usr/bin/env bash
#	test_description='what this script covers'
#	. "$(dirname "$0")/../lib.sh"
#
#	test_expect_success 'cat copies a file' '
#		ayak-cat "$TEST_DATA/sample.jsonl" >out &&
#		test_cmp "$TEST_DATA/sample.jsonl" out
#	'
#	test_done
#
# Every script runs in its own fresh trash directory,
# ${AYAK_BUILD:-$AYAK_TOP/build}/trash/<script name>, with $AYAK_TOP/bin first
# on PATH and TEST_DATA pointing at tests/data.  Test bodies are evaluated in
# the script's shell (so they may set variables for later tests), with
# standard input from /dev/null; chain their commands with &&.  The output
# of a failing test, and its body, are printed on stderr as TAP comments.
#
# Environment: AYAK_TOP (the repository root; found from this file when
# unset), AYAK_BUILD (the build directory), AYAK_TEST_KEEP=1 keeps the trash
# directory even when every test passed, AYAK_TEST_VERBOSE=1 shows the output
# of passing tests too.

if test -z "$AYAK_TOP"; then
	AYAK_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd) || exit 1
fi
AYAK_BUILD=${AYAK_BUILD:-$AYAK_TOP/build}
TEST_DATA=$AYAK_TOP/tests/data
PATH=$AYAK_TOP/bin:$PATH
LC_ALL=C.UTF-8
export AYAK_TOP AYAK_BUILD TEST_DATA PATH LC_ALL
unset AYAK_LEXICONS CDPATH

test_name=$(basename "$0" .t)
TRASH_DIRECTORY=$AYAK_BUILD/trash/$test_name
rm -rf "$TRASH_DIRECTORY" && mkdir -p "$TRASH_DIRECTORY" || {
	echo "Bail out! cannot create $TRASH_DIRECTORY"
	exit 1
}
cd "$TRASH_DIRECTORY" || exit 1

test_count=0
test_failed=0
test_log=$TRASH_DIRECTORY/.test-output
declare -A test_prereqs

# Print stdin on stderr as TAP comments.
test_comment_ () {
	sed -e 's/^/# /' >&2
}

test_ok_ () {
	echo "ok $test_count - $1"
}

test_failure_ () {
	test_failed=$((test_failed + 1))
	echo "not ok $test_count - $1"
	{
		echo "failed command:"
		printf '%s\n' "$2"
		if test -s "$test_log"; then
			echo "output:"
			cat "$test_log"
		fi
	} | test_comment_
}

# test_set_prereq NAME: later tests may name NAME as a prerequisite.
test_set_prereq () {
	test_prereqs[$1]=1
}

# test_have_prereq A,B,...: true if every prerequisite is set.
test_have_prereq () {
	local p
	local IFS=,
	for p in $1; do
		test -n "${test_prereqs[$p]}" || return 1
	done
	return 0
}

# Evaluate a test body in a function of its own, so that `return 1` in a
# body (as in `for ...; do ... || return 1; done`) ends the body only.
test_eval_ () {
	eval "$1"
}

# test_expect_success [PREREQ] 'description' 'commands'
test_expect_success () {
	local prereq=
	if test $# = 3; then
		prereq=$1
		shift
	fi
	test $# = 2 || {
		echo "Bail out! bug in the test script: test_expect_success needs 2 or 3 arguments"
		exit 1
	}
	test_count=$((test_count + 1))
	if test -n "$prereq" && ! test_have_prereq "$prereq"; then
		echo "ok $test_count # skip $1 (missing $prereq)"
		return 0
	fi
	cd "$TRASH_DIRECTORY" || exit 1
	test_eval_ "$2" >"$test_log" 2>&1 </dev/null
	local ret=$?
	cd "$TRASH_DIRECTORY" || exit 1
	if test $ret = 0; then
		test_ok_ "$1"
		if test -n "$AYAK_TEST_VERBOSE" && test -s "$test_log"; then
			test_comment_ <"$test_log"
		fi
	else
		test_failure_ "$1" "$2"
	fi
	rm -f "$test_log"
	return 0
}

# test_skip 'description' 'reason': count a test that cannot run here.
test_skip () {
	test_count=$((test_count + 1))
	echo "ok $test_count # skip $1 ($2)"
}

# test_skip_all 'reason' (before any test): skip the whole script.
test_skip_all () {
	echo "1..0 # SKIP $1"
	cd / && rm -rf "$TRASH_DIRECTORY"
	exit 0
}

test_done () {
	echo "1..$test_count"
	if test $test_failed != 0; then
		echo "# failed $test_failed of $test_count tests" >&2
		echo "# trash directory kept: $TRASH_DIRECTORY" >&2
		exit 1
	fi
	if test -z "$AYAK_TEST_KEEP"; then
		cd / && rm -rf "$TRASH_DIRECTORY"
	fi
	exit 0
}

# ---- helpers for test bodies ----

# test_cmp expected actual: the files are equal, else show a unified diff.
test_cmp () {
	diff -u -- "$1" "$2" >&2
}

# test_cmp_bin expected actual: byte comparison without a diff (large or binary files).
test_cmp_bin () {
	cmp -- "$1" "$2" >&2
}

# test_expect_code N cmd...: cmd exits with status N.
test_expect_code () {
	local want=$1
	shift
	"$@"
	local got=$?
	if test "$got" = "$want"; then
		return 0
	fi
	echo "test_expect_code: want exit $want, got $got: $*" >&2
	return 1
}

# test_must_fail cmd...: cmd fails in an orderly way (not 0, not a signal or
# a command that was not found).
test_must_fail () {
	"$@"
	local got=$?
	if test $got = 0; then
		echo "test_must_fail: command succeeded: $*" >&2
		return 1
	elif test $got -gt 128; then
		echo "test_must_fail: died by signal $((got - 128)): $*" >&2
		return 1
	elif test $got = 127; then
		echo "test_must_fail: command not found: $*" >&2
		return 1
	fi
	return 0
}

# test_usage_error PROG MESSAGE ARGS...: PROG ARGS exits 2 with "PROG: MESSAGE"
# and the --help hint on stderr, and writes nothing on stdout (out, err, expect
# are left in the current directory).
test_usage_error () {
	local prog=$1 msg=$2
	shift 2
	test_expect_code 2 "$prog" "$@" >out 2>err &&
	printf "%s: %s\nTry '%s --help'.\n" "$prog" "$msg" "$prog" >expect &&
	test_cmp expect err &&
	test_must_be_empty out
}

# test_must_be_empty FILE: FILE exists and is empty.
test_must_be_empty () {
	if ! test -f "$1"; then
		echo "'$1' is missing" >&2
		return 1
	fi
	if test -s "$1"; then
		echo "'$1' is not empty, it contains:" >&2
		cat "$1" >&2
		return 1
	fi
}

# test_line_count OP N FILE: the number of lines in FILE compares (-eq, -lt...) to N.
test_line_count () {
	local n
	n=$(wc -l <"$3") || return 1
	if ! test "$n" "$1" "$2"; then
		echo "test_line_count: $3 has $n lines, want $1 $2" >&2
		return 1
	fi
}

test_path_is_file () {
	test -f "$1" || { echo "file '$1' does not exist" >&2; return 1; }
}

test_path_is_missing () {
	if test -e "$1"; then
		echo "path '$1' exists but should not" >&2
		return 1
	fi
}

# test_write_lines A B...: one argument per line on stdout.
test_write_lines () {
	printf '%s\n' "$@"
}

# Prerequisites every script may use.
command -v jq >/dev/null 2>&1 && test_set_prereq JQ
command -v zstd >/dev/null 2>&1 && test_set_prereq ZSTD
command -v xz >/dev/null 2>&1 && test_set_prereq XZ
command -v bzip2 >/dev/null 2>&1 && test_set_prereq BZIP2
command -v gzip >/dev/null 2>&1 && test_set_prereq GZIP
command -v script >/dev/null 2>&1 && script -qc true /dev/null </dev/null >/dev/null 2>&1 &&
	test_set_prereq TTY
test -x /usr/bin/time && test_set_prereq TIME
test "$(id -u)" != 0 && test_set_prereq NOT_ROOT
true
