#!/usr/bin/env bash
test_description='memory running out: each large allocation made to fail in turn (tests/fault/failalloc.c); every run either gives the whole output or exits 3 saying so, with only whole records written'
. "$(dirname "$0")/../lib.sh"

FAILALLOC=$AYAK_BUILD/tests/failalloc.so
test -f "$FAILALLOC" || test_skip_all "no $FAILALLOC (make check builds it)"
# the sanitizers keep their own allocator, and must come first in the process
grep -q fsanitize "$AYAK_BUILD/flags" 2>/dev/null && test_skip_all "a sanitizer build"

# what a run that ran out of memory must say (ours; strerror; zstd's; ICU's)
OOM='out of memory|Cannot allocate memory|not enough memory|U_MEMORY_ALLOCATION_ERROR'

# sweep IN CMD...: run CMD <IN once as it is, to count its allocations of
# FAIL_ALLOC_MIN bytes or more (default 4096), then once per allocation
# with that one and every later one failing.  Each run must exit 0 with
# the same output, or exit 3 with the error on stderr and, on stdout, the
# first records of the output, whole.  Prints the runs that do not.
sweep () {
	local in=$1 k n rc bad=0
	shift
	"$@" <"$in" >sweep.ref 2>sweep.err || { cat sweep.err; return 1; }
	k=$(FAIL_ALLOC_COUNT=1 LD_PRELOAD=$FAILALLOC "$@" <"$in" 2>&1 >/dev/null |
		sed -n 's/^failalloc: //p')
	test "$k" -gt 0 || { echo "no allocation counted"; return 1; }
	echo "$k allocations"
	for n in $(seq 1 "$k"); do
		FAIL_ALLOC_NTH=$n LD_PRELOAD=$FAILALLOC "$@" <"$in" >sweep.out 2>sweep.err
		rc=$?
		if test $rc = 0; then
			cmp -s sweep.out sweep.ref && continue
			echo "allocation $n failing: exit 0 with other output"
		elif test $rc != 3; then
			echo "allocation $n failing: exit $rc: $(head -c 200 sweep.err)"
		elif ! grep -qE "$OOM" sweep.err; then
			echo "allocation $n failing: exit 3 without saying why: $(head -c 200 sweep.err)"
		elif test -s sweep.out && ! { test "$(tail -c 1 sweep.out | od -An -tx1)" = " 0a" &&
				head -c "$(wc -c <sweep.out)" sweep.ref | cmp -s - sweep.out; }; then
			echo "allocation $n failing: a part of the output, not whole records"
		else
			continue
		fi
		bad=$((bad + 1))
	done
	test $bad = 0
}

# sweep_files CMD...: as sweep, for a program that writes files with -o: run
# in a directory of its own each time; a failed run may leave only files
# the whole run makes, each the same (shards written before it failed).
sweep_files () {
	local k n rc bad=0 f
	rm -rf ref && mkdir ref && (cd ref && "$@" >stdout) || return 1
	k=$(mkdir -p count && cd count && FAIL_ALLOC_COUNT=1 LD_PRELOAD=$FAILALLOC "$@" 2>&1 >/dev/null |
		sed -n 's/^failalloc: //p')
	test "$k" -gt 0 || { echo "no allocation counted"; return 1; }
	echo "$k allocations"
	for n in $(seq 1 "$k"); do
		rm -rf run && mkdir run
		(cd run && FAIL_ALLOC_NTH=$n LD_PRELOAD=$FAILALLOC "$@" >stdout 2>../sweep.err)
		rc=$?
		if test $rc = 0; then
			diff -r ref run >/dev/null && continue
			echo "allocation $n failing: exit 0 with other files"
			bad=$((bad + 1))
			continue
		fi
		if test $rc != 3 || ! grep -qE "$OOM" sweep.err; then
			echo "allocation $n failing: exit $rc: $(head -c 200 sweep.err)"
			bad=$((bad + 1))
		fi
		for f in $(ls run); do
			cmp -s "run/$f" "ref/$f" || { echo "allocation $n failing: $f left, not as a whole run makes it"; bad=$((bad + 1)); }
		done
	done
	test $bad = 0
}

test_expect_success 'setup: the shim counts and fails allocations' '
	python3 -c "
import json
print(json.dumps({\"text\": \" \".join([\"kata\"] * 5000)}))
print(json.dumps({\"text\": \"\\n\".join([\"saya suka makan nasi lemak\"] * 400)}))
print(json.dumps({\"text\": \"Dia pergi ke sekolah.\"}))
" >lines.jsonl &&
	test_line_count = 3 lines.jsonl &&
	FAIL_ALLOC_COUNT=1 LD_PRELOAD=$FAILALLOC ayak-cat lines.jsonl >out 2>err &&
	test_cmp lines.jsonl out &&
	grep -E "^failalloc: [1-9][0-9]*\$" err &&
	FAIL_ALLOC_NTH=1 LD_PRELOAD=$FAILALLOC test_expect_code 3 ayak-cat lines.jsonl >out 2>err &&
	test_must_be_empty out &&
	grep "out of memory" err
'

# ayak-lid wrote its labels with appends whose failures it did not check,
# and took a text it ran out of memory on for "und": exit 0, records
# half written or wrongly labelled
test_expect_success 'ayak-lid --by line' '
	sweep lines.jsonl ayak-lid --by line --annotate
'

test_expect_success 'ayak-lid --top 3 --keep' '
	sweep "$TEST_DATA/sample.jsonl" ayak-lid --top 3 --keep zsm_Latn,eng_Latn --threshold 0.5
'

# ayak-norm left the words of a text as they were when it ran out of
# memory expanding them (exit 0), and its Jawi table said nothing
test_expect_success 'ayak-norm, every rule' '
	python3 -c "
import json
line = \"Saya x nak pergi, sedappp sgt &amp; kanak2 suka \u00c3\u00a9 caf\u00e9.\\nANAK2 DAH MAKAN KE BELUM\"
print(json.dumps({\"text\": \"\\n\".join([line] * 30)}))
print(json.dumps({\"text\": \"\u0633\u0627\u064a\u0627 \u06a4\u0631\u06ac\u064a\"}))
" >norm.jsonl &&
	ayak-norm --expand-slang --reduplication --elongation --jawi-to-rumi \
		--punct --strip-accents norm.jsonl >out &&
	grep -F "tidak hendak pergi, sedap sangat & kanak-kanak suka e cafe." out &&
	FAIL_ALLOC_MIN=256 sweep norm.jsonl ayak-norm --expand-slang --reduplication \
		--elongation --jawi-to-rumi --punct --strip-accents &&
	sweep "$TEST_DATA/sample.jsonl" ayak-norm --expand-slang --reduplication --elongation
'

# ayak-tok called a lexicon line it ran out of memory on bad (exit 1)
test_expect_success 'ayak-tok --words, --tokenizer' '
	sweep "$TEST_DATA/sample.jsonl" ayak-tok --words &&
	sweep "$TEST_DATA/sample.jsonl" ayak-tok --tokenizer "$AYAK_TOP/lexicons/tok/ms-bpe-32k.json"
'

# ayak-filter called the profile it could not open for want of memory unknown (exit 2)
test_expect_success 'ayak-filter' '
	sweep "$TEST_DATA/sample.jsonl" ayak-filter
'

test_expect_success 'ayak-cat, ayak-dedup, ayak-stats' '
	sweep "$TEST_DATA/sample.jsonl" ayak-cat --validate &&
	sweep "$TEST_DATA/sample.jsonl" ayak-dedup --mode exact,near,lines &&
	sweep "$TEST_DATA/sample.jsonl" ayak-stats -f json
'

# smaller ones too: ayak-dedup and ayak-stats exited 3 saying nothing when
# their first allocation in main() failed
test_expect_success 'allocations of 16 bytes or more: ayak-dedup, ayak-stats, ayak-cat, ayak-lid' '
	export FAIL_ALLOC_MIN=16 &&
	sweep "$TEST_DATA/sample.jsonl" ayak-dedup --mode exact,near,lines &&
	sweep "$TEST_DATA/sample.jsonl" ayak-stats -f json &&
	sweep "$TEST_DATA/sample.jsonl" ayak-cat --validate &&
	sweep lines.jsonl ayak-lid --by line --annotate
'
unset FAIL_ALLOC_MIN

# ayak-cat said "zstd: cannot set level 0" (exit 2) when it could not make a compressor
test_expect_success 'files: ayak-cat --split and -o, ayak-pack with shards' '
	sweep_files ayak-cat --split 7 -o part "$TEST_DATA/sample.jsonl" &&
	sweep_files ayak-cat -o all.jsonl.gz "$TEST_DATA/sample.jsonl" &&
	ayak-tok --tokenizer "$AYAK_TOP/lexicons/tok/ms-bpe-32k.json" "$TEST_DATA/sample.jsonl" >ids.jsonl &&
	sweep_files ayak-pack -o m --vocab-size 32768 --shard-tokens 2K --verify "$PWD/ids.jsonl"
'

test_expect_success 'ayak-warc' '
	sweep "$TEST_DATA/warc/commoncrawl/whirlwind.warc.gz" ayak-warc
'

test_done
