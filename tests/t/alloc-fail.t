#!/usr/bin/env bash
test_description='memory running out: each large allocation made to fail in turn (tests/fault/failalloc.c); every run either gives the whole output or exits 3 saying so, with only whole records written'
. "$(dirname "$0")/../lib.sh"

FAILALLOC=$AYAK_BUILD/tests/failalloc.so
test -f "$FAILALLOC" || test_skip_all "no $FAILALLOC (make check builds it)"
# the sanitizers keep their own allocator, and must come first in the process
grep -q fsanitize "$AYAK_BUILD/flags" 2>/dev/null && test_skip_all "a sanitizer build"

# what a run that ran out of memory must say (ours; strerror; zstd's; ICU's)
OOM='out of memory|Cannot allocate memory|not enough memory|U_MEMORY_ALLOCATION_ERROR'
# and what it must not say: the input is good
BLAME='corrupt|malformed|invalid|bad |truncated|not a '

# whole_records OUT REF: OUT is empty or the first whole lines of REF
whole_records () {
	test ! -s "$1" || { test "$(tail -c 1 "$1" | od -An -tx1)" = " 0a" &&
		head -c "$(wc -c <"$1")" "$2" | cmp -s - "$1"; }
}

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
		elif grep -qiE "$BLAME" sweep.err; then
			echo "allocation $n failing: the input blamed: $(head -c 200 sweep.err)"
		elif ! whole_records sweep.out sweep.ref; then
			echo "allocation $n failing: a part of the output, not whole records"
		else
			continue
		fi
		bad=$((bad + 1))
	done
	test $bad = 0
}

# fresh DIR: an empty DIR, or a copy of $SETUP's files when it is set
fresh () {
	rm -rf "$1" && mkdir "$1" && { test -z "$SETUP" || cp -R "$SETUP/." "$1/"; }
}

# sweep_files CMD...: as sweep, for a program that writes files: run in a
# directory of its own each time (see fresh); a failed run may leave only
# files the whole run makes, each the same (shards written before it
# failed), and no temporary ones.
sweep_files () {
	local k n rc bad=0 f
	fresh ref && (cd ref && "$@" >stdout) || return 1
	k=$(fresh count && cd count && FAIL_ALLOC_COUNT=1 LD_PRELOAD=$FAILALLOC "$@" 2>&1 >/dev/null |
		sed -n 's/^failalloc: //p')
	test "$k" -gt 0 || { echo "no allocation counted"; return 1; }
	echo "$k allocations"
	for n in $(seq 1 "$k"); do
		fresh run
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
		elif grep -qiE "$BLAME" sweep.err; then
			echo "allocation $n failing: the input blamed: $(head -c 200 sweep.err)"
			bad=$((bad + 1))
		fi
		for f in $(cd run && find . -type f ! -name stdout); do
			cmp -s "run/$f" "ref/$f" || { echo "allocation $n failing: $f left, not as a whole run makes it"; bad=$((bad + 1)); }
		done
		whole_records run/stdout ref/stdout ||
			{ echo "allocation $n failing: a part of the output, not whole records"; bad=$((bad + 1)); }
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

# by default a text is read by its lines too, their counts kept at each
# line's end (400 lines: past the 256 ends kept at once); 55% of these
# lines English, 45% Malay: Malay read whole, English by its lines
test_expect_success 'ayak-lid --sample 0, texts of 400 lines' '
	python3 -c "
import json
en = [\"The government will make sure that every citizen gets help because of the economy.\",
      \"I want to go to the shop for a moment to buy medicine at the pharmacy.\",
      \"The police said the car was driven fast after the morning meeting.\"]
ms = [\"Kerajaan akan memastikan bahawa semua rakyat mendapat bantuan kerana keadaan ekonomi.\",
      \"Saya nak pergi ke kedai sekejap untuk membeli ubat di farmasi.\",
      \"Polis berkata kenderaan itu dipandu laju selepas mesyuarat pagi tadi.\"]
lines = [en[i % 3] if i * 37 % 100 < 55 else ms[i % 3] for i in range(400)]
print(json.dumps({\"text\": \"\\n\".join(lines)}))
" >turn.jsonl &&
	ayak-lid --sample 0 turn.jsonl >out &&
	grep -F "\"lang\":\"eng_Latn\",\"lang_score\":0.5399" out &&
	ayak-lid --sample 0 --whole turn.jsonl >out &&
	grep -F "\"lang\":\"zsm_Latn\"" out &&
	cat turn.jsonl lines.jsonl >both.jsonl &&
	sweep both.jsonl ayak-lid --sample 0 --top 2
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
	grep -F "tidak mahu pergi, sedap sangat & kanak-kanak suka e cafe." out &&
	FAIL_ALLOC_MIN=256 sweep norm.jsonl ayak-norm --expand-slang --reduplication \
		--elongation --jawi-to-rumi --punct --strip-accents &&
	sweep "$TEST_DATA/sample.jsonl" ayak-norm --expand-slang --reduplication --elongation
'

# ayak-tok called a lexicon line it ran out of memory on bad (exit 1)
test_expect_success 'ayak-tok --words, --tokenizer, --train' '
	sweep "$TEST_DATA/sample.jsonl" ayak-tok --words &&
	sweep "$TEST_DATA/sample.jsonl" ayak-tok --tokenizer "$AYAK_TOP/lexicons/tok/ms-bpe-32k.json" &&
	sweep_files ayak-tok --train --vocab-size 400 -o tok.json "$TEST_DATA/sample.jsonl"
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
# their first allocation in main() failed; ayak-warc called it a usage error
test_expect_success 'allocations of 16 bytes or more: ayak-dedup, ayak-stats, ayak-cat, ayak-lid, ayak-warc' '
	export FAIL_ALLOC_MIN=16 &&
	sweep "$TEST_DATA/warc/commoncrawl/whirlwind.warc.gz" ayak-warc &&
	sweep "$TEST_DATA/sample.jsonl" ayak-dedup --mode exact,near,lines &&
	sweep "$TEST_DATA/sample.jsonl" ayak-stats -f json &&
	sweep "$TEST_DATA/sample.jsonl" ayak-cat --validate &&
	sweep lines.jsonl ayak-lid --by line --annotate &&
	sweep both.jsonl ayak-lid --sample 0
'
unset FAIL_ALLOC_MIN

# ayak-cat said "zstd: cannot set level 0" (exit 2) when it could not make a compressor
test_expect_success 'files: ayak-cat --split and -o, ayak-pack with shards' '
	sweep_files ayak-cat --split 7 -o part "$TEST_DATA/sample.jsonl" &&
	sweep_files ayak-cat -o all.jsonl.gz "$TEST_DATA/sample.jsonl" &&
	ayak-tok --tokenizer "$AYAK_TOP/lexicons/tok/ms-bpe-32k.json" "$TEST_DATA/sample.jsonl" >ids.jsonl &&
	sweep_files ayak-pack -o m --vocab-size 32768 --shard-tokens 2K --verify "$PWD/ids.jsonl"
'

# ayak-stats crashed (strdup of NULL) running out while it labelled the length chart
test_expect_success 'ayak-stats writing its text, JSON and HTML reports' '
	FAIL_ALLOC_MIN=16 sweep_files ayak-stats --output-text r.txt --output-json r.json \
		--output-html r.html "$TEST_DATA/sample.jsonl"
'

test_expect_success 'setup: 4000 records of random words, duplicates among them, in 2 shards' '
	python3 -c "
import json, random
random.seed(5)
w = \"saya kami rumah sekolah pasar jalan kereta laut sungai hutan bandar kampung guru murid \" \\
    \"buku berita makan minum tidur pergi pulang kerja baca tulis beli jual hari bulan pagi malam\".split()
t = []
for i in range(4000):
    r = random.random()
    if i > 20 and r < 0.2:
        s = random.choice(t)
        if r < 0.1:
            s = s.replace(\" \", \" lain \", 1)
    else:
        s = \" \".join(random.choice(w) for _ in range(random.randint(20, 80)))
        if random.random() < 0.05:
            s += \"\\nHak Cipta Terpelihara\"
    t.append(s)
    print(json.dumps({\"id\": i, \"url\": \"https://contoh.my/%d\" % random.randrange(4000), \"text\": s}))
" >dd.jsonl &&
	test_line_count = 4000 dd.jsonl &&
	ayak-dedup --memory 1M --mode exact,near,lines,url --verify --stats st.json dd.jsonl >out &&
	grep "\"spilled_runs\":[1-9]" st.json &&
	grep "\"near\":[1-9]" st.json &&
	ayak-cat --split 2000 --compress none -o dd dd.jsonl &&
	ls dd-00000.jsonl dd-00001.jsonl
'

test_expect_success 'ayak-dedup keeping its keys in spilled runs' '
	FAIL_ALLOC_MIN=16 sweep_files ayak-dedup --memory 1M --mode exact,near,lines,url \
		--verify --rejects rej.jsonl -o out.jsonl.gz "$PWD/dd.jsonl"
'

# dedup_stages DIR STAGE OPTIONS...: run STAGE for every shard or part into DIR/w
dedup_stages () {
	local dir=$1 stage=$2 i
	shift 2
	mkdir -p "$dir" && (cd "$dir" && for i in 0 1; do
		ayak-dedup --stage $stage --dir w "$@" $i || exit 1
	done)
}

# a failed task left its files under their temporary names, for the rerun to remove
test_expect_success 'ayak-dedup, each sharded stage' '
	o="--mode exact,near,lines,url --verify" &&
	FAIL_ALLOC_MIN=16 sweep_files ayak-dedup --stage sign --dir w --shard 1 $o "$PWD/dd-00001.jsonl" &&
	(mkdir signed && cd signed &&
	 ayak-dedup --stage sign --dir w --shard 0 $o ../dd-00000.jsonl &&
	 ayak-dedup --stage sign --dir w --shard 1 $o ../dd-00001.jsonl) &&
	SETUP=signed sweep_files ayak-dedup --stage bucket --dir w --shard 1 --parts 2 $o &&
	cp -R signed bucketed &&
	dedup_stages bucketed bucket --parts 2 $o --shard &&
	SETUP=bucketed sweep_files ayak-dedup --stage cluster --dir w --part 1 --shards 2 $o &&
	cp -R bucketed clustered &&
	dedup_stages clustered cluster --shards 2 $o --part &&
	SETUP=clustered sweep_files ayak-dedup --stage merge --dir w --shards 2 --parts 2 $o &&
	cp -R clustered merged &&
	(cd merged && ayak-dedup --stage merge --dir w --shards 2 --parts 2 $o) &&
	SETUP=merged FAIL_ALLOC_MIN=16 sweep_files ayak-dedup --stage filter --dir w --shard 0 \
		--annotate $o "$PWD/dd-00000.jsonl"
'

test_expect_success 'ayak-warc' '
	sweep "$TEST_DATA/warc/commoncrawl/whirlwind.warc.gz" ayak-warc
'

test_done
