#!/usr/bin/env bash
test_description='pipelines: a run planned in one locale resumes in another'
. "$(dirname "$0")/../lib.sh"

P=$AYAK_TOP/pipelines
S=$P/sample

# bash quotes letters outside ASCII as they are in a UTF-8 locale, as $'\303...' in C.
test "$(LC_ALL=C.UTF-8 bash -c 'printf %q é' 2>/dev/null)" = é &&
	test "$(LC_ALL=C bash -c 'printf %q é')" != é &&
	test_set_prereq UTF8_LOCALE

test_expect_success UTF8_LOCALE 'a run directory with letters outside ASCII, planned in C.UTF-8, replanned in C' '
	d="$PWD/rün-ı" &&
	LC_ALL=C.UTF-8 "$P/lib/plan" "$d" "$S/wet.paths" &&
	cp "$d/config" config.before &&
	LC_ALL=C "$P/lib/plan" "$d" "$S/wet.paths" &&
	env -u LC_ALL LANG=C.UTF-8 "$P/lib/plan" "$d" "$S/wet.paths" &&
	test_cmp config.before "$d/config"
'

test_expect_success UTF8_LOCALE 'the config planned is the same in every locale' '
	d="$PWD/dry-ğ" &&
	LC_ALL=C.UTF-8 "$P/lib/plan" -n "$d" "$S/wet.paths" >utf8 &&
	LC_ALL=C "$P/lib/plan" -n "$d" "$S/wet.paths" >c &&
	test_cmp utf8 c &&
	test_path_is_missing "$d"
'

test_done
