#!/usr/bin/env bash
test_description='C unit tests: every build/tests/test-* binary (each prints TAP)'
. "$(dirname "$0")/../lib.sh"

# run_tap BIN ARGS...: BIN exits 0, prints a plan, no "not ok", and as many
# "ok" lines as its plan says.
run_tap () {
	"$@" >tap.out 2>&1
	local ret=$?
	grep -v "^ok " tap.out
	test $ret = 0 || { echo "exit status $ret"; return 1; }
	! grep "^not ok" tap.out || return 1
	local plan=$(sed -n "s/^1\.\.\([0-9]*\).*/\1/p" tap.out)
	local n=$(grep -c "^ok" tap.out)
	test -n "$plan" || { echo "no plan"; return 1; }
	test "$plan" = "$n" || { echo "plan $plan, ran $n"; return 1; }
}

set -- "$AYAK_BUILD"/tests/test-*
if ! test -x "$1"; then
	test_expect_success 'unit test binaries are built (make check builds them)' 'false'
fi
for bin in "$@"; do
	test -x "$bin" || continue
	test_expect_success "unit: ${bin##*/}" 'run_tap "$bin"'
done

test_done
