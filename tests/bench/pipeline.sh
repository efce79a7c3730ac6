#!/usr/bin/env bash
# tests/bench/pipeline.sh: the whole commoncrawl-malay pipeline on one node, called by
# tests/bench/run (or by hand).
#
# Input: ../shared/bin/gen-corpus --wet --seed 1, PIPE_MB MB (default 2000), cut into
# PIPE_SHARDS WET files (default 8). Runs pipelines/commoncrawl-malay with -j 1 and -j 2
# and reports, for each: wall time and MB/s of input end to end, CPU seconds, the peak
# RSS of the largest process, and per stage (every program run under GNU time, through
# AYAK_TIME=1 of pipelines/lib/stage) its CPU seconds, the MB it read per CPU-second and
# its peak RSS.
# It reports only; whatever is missing is skipped with "skip: ...". Exit status 0.
#
# Environment: PIPE_MB, PIPE_SHARDS, PIPE_JOBS (default "1 2"), AYAK_TOP, AYAK_BUILD,
# AYAK_SHARED, as in tests/bench/run.

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
MB=${PIPE_MB:-2000}
SHARDS=${PIPE_SHARDS:-8}
JOBS=${PIPE_JOBS:-1 2}
B=$AYAK_BUILD/bench
W=$B/pipeline
GEN=$AYAK_SHARED/bin/gen-corpus

section "Whole pipeline: commoncrawl-malay on gen-corpus --wet, $MB MB in $SHARDS shards"
[ -x "$AYAK_TOP/bin/ayak-warc" ] || { echo "skip: the programs are not built"; exit 0; }
[ -x "$GEN" ] || { echo "skip: no $GEN"; exit 0; }
[ -x /usr/bin/time ] || { echo "skip: no GNU time (/usr/bin/time) for peak RSS"; exit 0; }
command -v jq >/dev/null || { echo "skip: no jq"; exit 0; }
mkdir -p "$W" || exit 0

# The corpus, cached: gen-corpus writes one WET stream; cut it at record boundaries.
corpus=$W/wet-${MB}mb
if [ ! -f "$corpus/done" ]; then
	rm -rf "$corpus" && mkdir -p "$corpus"
	echo "bench: making the $MB MB WET corpus" >&2
	"$GEN" --wet --seed 1 --mb "$MB" >"$corpus/all.wet" || { echo "skip: gen-corpus failed"; exit 0; }
	size=$(stat -c %s "$corpus/all.wet")
	awk -v n="$SHARDS" -v size="$size" -v dir="$corpus" '
		BEGIN { RS = "WARC/1.0\r\n"; ORS = ""; per = size / n; f = 0; out = sprintf("%s/part-%05d.warc.wet", dir, 0) }
		NR == 1 { next }
		{ if (bytes > per * (f + 1) && f < n - 1) { f++; out = sprintf("%s/part-%05d.warc.wet", dir, f) }
		  print "WARC/1.0\r\n" $0 > out; bytes += length($0) + 10 }' "$corpus/all.wet"
	rm -f "$corpus/all.wet"
	ls "$corpus"/part-*.warc.wet >"$corpus/wet.paths"
	: >"$corpus/done"
fi
input_bytes=$(cat "$corpus"/part-*.warc.wet | wc -c)
printf 'input: %s bytes in %s WET files (gen-corpus --wet --seed 1 --mb %s)\n' "$input_bytes" \
	"$(ls "$corpus"/part-*.warc.wet | wc -l)" "$MB"
printf 'machine: %s cores, load %s\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"

for j in $JOBS; do
	run=$W/run-j$j
	rm -rf "$run"
	echo "bench: pipeline -j $j" >&2
	t0=$EPOCHREALTIME
	AYAK_TIME=1 "$AYAK_TOP/pipelines/commoncrawl-malay" -o "$run" -j "$j" "$corpus/wet.paths" >"$W/out-j$j" 2>&1 ||
		{ echo "-j $j: FAILED (see $W/out-j$j)"; continue; }
	wall=$(calc %.2f "$EPOCHREALTIME - $t0")
	# time.tsv: program, task, wall, user, sys, peak RSS (KB), one line a program run
	read -r cpu rss < <(awk -F'\t' '{ c += $4 + $5; if ($6 > m) m = $6 } END { print c, m }' "$run/time.tsv")
	echo
	printf -- '-j %s: %.1f s wall, %s MB/s of input end to end; %.1f CPU s (%s MB per CPU-second);\n' \
		"$j" "$wall" "$(calc %.1f "$input_bytes / 1e6 / $wall")" "$cpu" "$(calc %.1f "$input_bytes / 1e6 / $cpu")"
	printf '  peak RSS of the largest process %s MB\n' "$(calc %.1f "$rss / 1024")"
	printf '  %-12s %11s %11s %9s %12s %9s\n' stage "records in" "records out" "CPU s" "MB/CPU-s" "peak MB"
	for s in warc norm lid filter dedup tok pack stats; do
		awk -F'\t' -v p="ayak-$s" '$1 == p { c += $4 + $5; if ($6 > m) m = $6 } END { print c + 0, m + 0 }' \
			"$run/time.tsv" >"$W/t"
		read -r c m <"$W/t"
		if [ "$s" = stats ]; then
			printf '  %-12s %11s %11s %9.1f %12s %9.1f\n' ayak-stats - - "$c" - "$(calc %.1f "$m / 1024")"
			continue
		fi
		cat "$run"/stats/$s-*.json | jq -s -r '[(map(.records_in) | add), (map(.records_out) | add),
			(map(.bytes_in) | add)] | @tsv' >"$W/s"
		read -r ri ro b <"$W/s"
		printf '  %-12s %11s %11s %9.1f %12s %9.1f\n' "ayak-$s" "$ri" "$ro" "$c" \
			"$(calc %.1f "$b / 1e6 / ($c > 0 ? $c : 1)")" "$(calc %.1f "$m / 1024")"
	done
	printf '  (ayak-dedup: its sign, bucket, cluster, merge and filter tasks together; MB/CPU-s: the\n'
	printf '  bytes a stage read over the CPU seconds it used)\n'
	printf '  output: %s tokens in %s shards\n' \
		"$(cat "$run"/stats/pack-*.json | jq -s 'map(.counts.tokens) | add')" "$(ls "$run"/shards/*.idx | wc -l)"
done
