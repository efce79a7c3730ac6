#!/usr/bin/env bash
test_description='fuzz targets replayed over their corpora: build/tests/replay-NAME over tests/fuzz/corpus/NAME/'
. "$(dirname "$0")/../lib.sh"

set -- "$AYAK_BUILD"/tests/replay-*
if ! test -x "$1"; then
	test_expect_success 'replay binaries are built (make check builds them)' 'false'
fi
for bin in "$@"; do
	test -x "$bin" || continue
	name=${bin##*/replay-}
	corpus=$AYAK_TOP/tests/fuzz/corpus/$name
	test_expect_success "replay-$name over tests/fuzz/corpus/$name" '
		test -d "$corpus" &&
		"$bin" "$corpus" >tap.out 2>&1
		ret=$?
		tail -n 3 tap.out &&
		test $ret = 0 &&
		! grep "^not ok" tap.out &&
		grep "^1\.\.[1-9]" tap.out
	'
done

test_done
