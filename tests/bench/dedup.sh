#!/usr/bin/env bash
# tests/bench/dedup.sh: ayak-dedup's benchmark (called by tests/bench/run).
#
# On a gen-corpus corpus with duplicate ground truth (../shared/bin/gen-corpus
# --truth), it reports:
#   1. throughput of each mode, as MB/s of wall time and MB per CPU second;
#   2. peak memory per million records: one node, one node spilling under
#      --memory, and the largest task of the sharded stages, on gen-corpus
#      and on one million short records (tests/bench/dedup-gen.c);
#   3. whether the sharded result equals the one-node result;
#   4. accuracy against the truth file: exact copies removed, near copies
#      removed by similarity band, originals removed;
#   5. a brute-force exact-Jaccard check of every pair of a 20000-record
#      sample (tests/bench/dedup-jaccard.c), with and without --verify;
#   6. MinHash permutations measured (tests/bench/dedup-perm.c);
# and marks the targets PASS or MISS.  It reports only and exits 0; what is
# missing (the build, ../shared, python3, GNU time) is skipped with "skip:".
#
# Environment: DEDUP_MB (corpus size in MB, default 200; the issue's figure
# is 1000), DEDUP_RUNS (timed runs per command, default 1, after a warm-up),
# DEDUP_SAMPLE (records for the brute-force check, default 20000),
# AYAK_TOP, AYAK_BUILD, AYAK_SHARED as for tests/bench/run.

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
DEDUP_MB=${DEDUP_MB:-200}
DEDUP_RUNS=${DEDUP_RUNS:-1}
DEDUP_SAMPLE=${DEDUP_SAMPLE:-20000}
B=$AYAK_BUILD/bench/dedup
DEDUP=$AYAK_TOP/bin/ayak-dedup
CAT=$AYAK_TOP/bin/ayak-cat
GEN=$AYAK_SHARED/bin/gen-corpus
LOG=$B/log.txt

progress() { printf 'bench dedup: %s\n' "$*" >&2; }

case $DEDUP_MB in ''|*[!0-9]*|0) echo "bench dedup: DEDUP_MB must be a whole number" >&2; exit 0 ;; esac

echo
echo "ayak-dedup benchmark"
echo "===================="
if [ ! -x "$DEDUP" ]; then
	echo "skip: bin/ayak-dedup not built (run make)"
	exit 0
fi
if ldd "$DEDUP" 2>/dev/null | grep -Eq 'lib(asan|ubsan)'; then
	echo "skip: bin/ayak-dedup is a sanitizer build (make SANITIZE=1); rebuild with make clean all"
	exit 0
fi
if [ ! -x "$GEN" ] || ! have python3; then
	echo "skip: needs $GEN and python3 (../shared is not part of a user's clone)"
	exit 0
fi
if [ ! -x /usr/bin/time ]; then
	echo "skip: needs GNU time (/usr/bin/time) for CPU times and peak memory"
	exit 0
fi
mkdir -p "$B" || exit 0
: >"$LOG"

CORPUS=$B/corpus-$DEDUP_MB.jsonl
TRUTH=$B/truth-$DEDUP_MB.tsv
if [ ! -s "$CORPUS" ] || [ ! -s "$TRUTH" ]; then
	progress "generating a $DEDUP_MB MB corpus with gen-corpus --seed 1 --truth"
	"$GEN" --mb "$DEDUP_MB" --seed 1 --truth "$TRUTH.tmp" >"$CORPUS.tmp" 2>>"$LOG" &&
		mv "$TRUTH.tmp" "$TRUTH" && mv "$CORPUS.tmp" "$CORPUS" || {
		echo "skip: gen-corpus failed (see $LOG)"
		exit 0
	}
fi
BYTES=$(stat -c %s "$CORPUS")
RECORDS=$(wc -l <"$CORPUS")
MB=$(calc '%.1f' "$BYTES / 1e6")

echo "machine:  $(uname -srm), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
echo "          load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
echo "program:  $("$DEDUP" -V | head -n 2 | paste -sd' ' -)"
echo "corpus:   gen-corpus --mb $DEDUP_MB --seed 1: $MB MB, $RECORDS records"
echo "method:   MB = 10^6 bytes of JSON lines read.  MB/s = MB / wall time; MB/cpu-s = MB / (user +"
echo "          system CPU time), steadier when other work shares the machine.  Median of $DEDUP_RUNS run(s)"
echo "          after a warm-up, output to /dev/null, peak RSS from GNU time."

# timed NAME CMD...: median wall time, CPU time and largest peak RSS of DEDUP_RUNS
# runs after a warm-up (bench_time) into T_WALL, T_CPU, T_RSS
timed() {
	local name=$1
	shift
	T_WALL='' T_CPU='' T_RSS=''
	bench_time "$DEDUP_RUNS" "$@" || { echo "  error: $name failed (see $LOG)"; return 1; }
	T_WALL=$BT_WALL T_CPU=$BT_CPU T_RSS=$BT_RSS
}

row() {
	local name=$1
	shift
	timed "$name" "$@" || return 0
	printf '  %-44s %6.2f s %7.0f MB/s %7.0f MB/cpu-s %8d KB\n' "$name" "$T_WALL" \
		"$(calc '%f' "$MB / ($T_WALL > 0 ? $T_WALL : 0.01)")" \
		"$(calc '%f' "$MB / ($T_CPU > 0 ? $T_CPU : 0.01)")" "$T_RSS"
}

section "1. throughput ($MB MB)"
printf '  %-44s %8s %12s %15s %11s\n' "command" "wall" "" "" "peak RSS"
row "ayak-cat --validate (reading and parsing)" "$CAT" --validate "$CORPUS"
row "--mode exact" "$DEDUP" --mode exact "$CORPUS"; EXACT_CPU=$T_CPU
row "--mode near" "$DEDUP" --mode near "$CORPUS"; NEAR_CPU=$T_CPU
for impl in portable avx2 avx512; do
	if AYAK_DEDUP_SIMD=$impl "$DEDUP" --mode near /dev/null >/dev/null 2>&1 </dev/null; then
		row "--mode near, MinHash code $impl" env AYAK_DEDUP_SIMD=$impl "$DEDUP" --mode near "$CORPUS"
		[ $impl = portable ] && PORTABLE_CPU=$T_CPU
	else
		echo "  --mode near, MinHash code $impl: not on this CPU"
	fi
done
row "default (exact,near)" "$DEDUP" "$CORPUS"; DEFAULT_RSS=$T_RSS
row "default --verify" "$DEDUP" --verify "$CORPUS"
row "--mode lines" "$DEDUP" --mode lines "$CORPUS"
row "--mode url" "$DEDUP" --mode url "$CORPUS"
row "--mode exact,near,lines,url" "$DEDUP" --mode exact,near,lines,url "$CORPUS"

# stages DIR INPUT NSHARDS NPARTS OPTIONS...: split INPUT into NSHARDS shards and
# run every stage, timing each task; the filtered shards (annotated) are
# concatenated to DIR/sharded.jsonl.  Sets STAGE_RSS (largest task), STAGE_CPU.
stages() {
	local dir=$1 input=$2 ns=$3 np=$4 n i f
	shift 4
	STAGE_RSS=0 STAGE_CPU=0 STAGE_OK=1
	rm -rf "$dir" && mkdir -p "$dir"
	n=$(wc -l <"$input")
	"$CAT" --split $(( (n + ns - 1) / ns )) --compress none -o "$dir/in" "$input" 2>>"$LOG"
	i=0
	for f in "$dir"/in-*.jsonl; do
		task "sign shard $i" "$DEDUP" --stage sign --dir "$dir/w" --shard $i --force "$@" "$f"
		i=$((i + 1))
	done
	for i in $(seq 0 $((ns - 1))); do
		task "bucket shard $i" "$DEDUP" --stage bucket --dir "$dir/w" --shard $i --parts "$np" --force "$@"
	done
	for i in $(seq 0 $((np - 1))); do
		task "cluster part $i" "$DEDUP" --stage cluster --dir "$dir/w" --part $i --shards "$ns" --force "$@"
	done
	task "merge" "$DEDUP" --stage merge --dir "$dir/w" --shards "$ns" --parts "$np" --force "$@"
	i=0
	for f in "$dir"/in-*.jsonl; do
		task "filter shard $i" "$DEDUP" --stage filter --dir "$dir/w" --shard $i "$@" "$f"
		i=$((i + 1))
	done
	i=0
	for f in "$dir"/in-*.jsonl; do
		"$DEDUP" --stage filter --dir "$dir/w" --shard $i --annotate "$@" "$f"
		i=$((i + 1))
	done >"$dir/sharded.jsonl" 2>>"$LOG"
}
# timed runs a command twice: --force makes the second run redo the work.
task() {
	timed "$1" "${@:2}" || { STAGE_OK=0; return; }
	[ "$T_RSS" -gt "$STAGE_RSS" ] && STAGE_RSS=$T_RSS
	STAGE_CPU=$(calc '%.2f' "$STAGE_CPU + $T_CPU")
	[ -n "$VERBOSE_STAGES" ] &&
		printf '  %-44s %6.2f s %6.2f cpu-s %8d KB\n' "$1" "$T_WALL" "$T_CPU" "$T_RSS"
	return 0
}

section "2. memory"
row "default, --memory 1G (no spill here)" "$DEDUP" "$CORPUS"; RSS1=$T_RSS
row "default, --memory 16M (spills)" "$DEDUP" --memory 16M "$CORPUS"; RSS2=$T_RSS
"$DEDUP" --memory 16M --stats "$B/spill.json" "$CORPUS" >/dev/null 2>>"$LOG"
echo "  spilled runs with --memory 16M: $(sed -n 's/.*"spilled_runs":\([0-9]*\).*/\1/p' "$B/spill.json")"
MILLION=$B/million.jsonl
if [ ! -s "$MILLION" ] && ${CC:-cc} -O2 -o "$B/dedup-gen" "$here/dedup-gen.c" 2>>"$LOG"; then
	progress "generating one million short records (tests/bench/dedup-gen.c)"
	"$B/dedup-gen" 1000000 >"$MILLION.tmp" && mv "$MILLION.tmp" "$MILLION"
fi
if [ -s "$MILLION" ]; then
	MMB=$(calc '%.1f' "$(stat -c %s "$MILLION") / 1e6")
	echo "  one million short records (tests/bench/dedup-gen.c, $MMB MB, 10% exact and 10% near copies):"
	MB_SAVED=$MB
	MB=$MMB
	row "  default (--memory 1G, no spill)" "$DEDUP" "$MILLION"; MRSS1=$T_RSS
	row "  --memory 64M (spills)" "$DEDUP" --memory 64M "$MILLION"; MRSS2=$T_RSS
	MB=$MB_SAVED
	VERBOSE_STAGES=
	progress "sharded stages over one million records"
	stages "$B/mshards" "$MILLION" 4 4 --memory 64M
	MRSS3=$STAGE_RSS
	echo "  sharded, 4 shards x 4 parts, --memory 64M: largest task $MRSS3 KB, all tasks $STAGE_CPU cpu-s"
fi

section "3. sharded stages (4 shards, 4 partitions) against one node"
VERBOSE_STAGES=1
stages "$B/shards" "$CORPUS" 4 4
"$DEDUP" --annotate "$CORPUS" >"$B/onenode.jsonl" 2>>"$LOG"
if [ $STAGE_OK = 1 ] && cmp -s "$B/shards/sharded.jsonl" "$B/onenode.jsonl"; then
	SHARD_EQUAL=yes
else
	SHARD_EQUAL=NO
fi
echo "  all stages: $STAGE_CPU cpu-s; the largest task's peak RSS $STAGE_RSS KB"
echo "  sharded output (annotated) equals the one-node output byte for byte: $SHARD_EQUAL"
if [ -s "$MILLION" ]; then
	"$DEDUP" --annotate "$MILLION" >"$B/mshards/onenode.jsonl" 2>>"$LOG"
	if cmp -s "$B/mshards/sharded.jsonl" "$B/mshards/onenode.jsonl"; then M_EQUAL=yes; else M_EQUAL=NO; fi
	echo "  the same on one million records (section 2): $M_EQUAL"
fi

section "peak memory per million records"
per_m() { calc '%.0f' "$1 / 1024 / ($2 / 1e6)"; }
printf '  %-52s %6s MB (%d KB, %d records)\n' "one node, default, gen-corpus" "$(per_m "$RSS1" "$RECORDS")" "$RSS1" "$RECORDS"
printf '  %-52s %6s MB (%d KB)\n' "one node, --memory 16M, gen-corpus" "$(per_m "$RSS2" "$RECORDS")" "$RSS2"
if [ -n "${MRSS1:-}" ]; then
	printf '  %-52s %6s MB\n' "one node, default, 10^6 short records" "$(per_m "$MRSS1" 1000000)"
	printf '  %-52s %6s MB\n' "one node, --memory 64M, 10^6 short records" "$(per_m "$MRSS2" 1000000)"
	printf '  %-52s %6s MB\n' "sharded (4x4), --memory 64M, largest task, 10^6 records" "$(per_m "$MRSS3" 1000000)"
fi
echo "  (Without spilling, the keys take 248 bytes a record (exact + 14 bands) until --memory is"
echo "   full; beyond that only the union-find of records with a candidate grows.  At gen-corpus's"
echo "   size the fixed buffers, about 10 MB, are most of it.)"

section "4. accuracy against the truth file"
python3 "$here/dedup-eval.py" truth "$TRUTH" "$B/onenode.jsonl" || echo "  error: dedup-eval.py failed"
echo "  (gen-corpus draws originals as windows of sorted sentence pools, so at this size many"
echo "   originals overlap each other; section 5 shows which removals are real duplicates.)"

section "5. brute-force exact Jaccard on a $DEDUP_SAMPLE-record sample (the corpus's first records)"
LIB=$AYAK_BUILD/libayak.a
PKGS="icu-uc icu-i18n libpcre2-8 libzstd libxxhash zlib liblzma"
build_tool() {
	local t=$1
	if [ ! -x "$B/dedup-$t" ] || [ "$here/dedup-$t.c" -nt "$B/dedup-$t" ] || [ "$LIB" -nt "$B/dedup-$t" ]; then
		# shellcheck disable=SC2046,SC2086
		(cd "$AYAK_TOP" && ${CC:-cc} -O2 -Isrc/lib "tests/bench/dedup-$t.c" "$LIB" \
			$(pkg-config --cflags --libs $PKGS) -lbz2 -lpthread -o "$B/dedup-$t") \
			>>"$LOG" 2>&1 || rm -f "$B/dedup-$t"
	fi
	[ -x "$B/dedup-$t" ]
}
head -n "$DEDUP_SAMPLE" "$CORPUS" >"$B/sample.jsonl"
if [ -f "$LIB" ] && build_tool jaccard; then
	/usr/bin/time -f '%e %U' -o "$B/time.txt" "$B/dedup-jaccard" -m 0.5 "$B/sample.jsonl" \
		>"$B/pairs.tsv" 2>>"$LOG"
	echo "  brute force: every pair sharing a shingle, $(wc -l <"$B/pairs.tsv") pairs at J >= 0.5, $(cut -d' ' -f1 "$B/time.txt") s"
	"$DEDUP" --annotate "$B/sample.jsonl" >"$B/sample.ann" 2>>"$LOG"
	"$DEDUP" --annotate --verify "$B/sample.jsonl" >"$B/sample.ver" 2>>"$LOG"
	echo "  default (14 bands x 8 rows):"
	python3 "$here/dedup-eval.py" pairs "$B/pairs.tsv" "$B/sample.ann" 0.7 14 8 | sed 's/^/  /'
	echo "  --verify (--threshold 0.7):"
	python3 "$here/dedup-eval.py" pairs "$B/pairs.tsv" "$B/sample.ver" 0.7 14 8 | sed 's/^/  /'
else
	echo "  skip: cannot build tests/bench/dedup-jaccard.c against $LIB (see $LOG)"
fi

section "6. MinHash permutations (tests/bench/dedup-perm.c)"
if [ -f "$LIB" ] && build_tool perm; then
	"$B/dedup-perm" "$CORPUS" 2>>"$LOG" | sed 's/^/  /'
else
	echo "  skip: cannot build tests/bench/dedup-perm.c (see $LOG)"
fi

section "targets"
unk="n/a (not measured)"
if [ -n "${EXACT_CPU:-}" ]; then
	printf '  %-44s %s  (%s MB/cpu-s)\n' "exact >= 500 MB/s per core" \
		"$(pass_if "$MB / $EXACT_CPU >= 500")" "$(calc '%.0f' "$MB / $EXACT_CPU")"
else printf '  %-44s %s\n' "exact >= 500 MB/s per core" "$unk"; fi
if [ -n "${NEAR_CPU:-}" ]; then
	printf '  %-44s %s  (%s MB/cpu-s)\n' "MinHash >= 50 MB/s per core" \
		"$(pass_if "$MB / $NEAR_CPU >= 50")" "$(calc '%.0f' "$MB / $NEAR_CPU")"
else printf '  %-44s %s\n' "MinHash >= 50 MB/s per core" "$unk"; fi
if [ -n "${PORTABLE_CPU:-}" ]; then
	printf '  %-44s %s  (%s MB/cpu-s)\n' "MinHash >= 50 MB/s per core, portable C" \
		"$(pass_if "$MB / $PORTABLE_CPU >= 50")" "$(calc '%.0f' "$MB / $PORTABLE_CPU")"
fi
printf '  %-44s %s\n' "sharded result equals one node" "$([ "$SHARD_EQUAL" = yes ] && [ "${M_EQUAL:-yes}" = yes ] && echo PASS || echo MISS)"
# The corpora stay cached; the large intermediate files go.
rm -rf "$B/shards" "$B/mshards" "$B/onenode.jsonl" "$B/sample.ann" "$B/sample.ver" "$B/sample.jsonl"
echo
echo "load average at end $(cut -d' ' -f1-3 /proc/loadavg); corpora cached in $B, log $LOG"
exit 0
