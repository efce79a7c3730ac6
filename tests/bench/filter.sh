#!/usr/bin/env bash
# tests/bench/filter.sh: ayak-filter's benchmark and evaluation (`make bench`
# runs it through tests/bench/run; it also runs alone).
#
# 1. Speed: MB/s and MB per CPU-second of ayak-filter with the default
#    profile and --redact-pii, on a gen-corpus sample and on the Malay web
#    pages (the file repeated to about 9 MB), against reading alone
#    (ayak-cat --validate) and a Python transcription of datatrove's rules
#    (tests/bench/filter-ref.py) in the same run.  Target: 100 MB/s per core.
#    With BENCH_CALLGRIND=1, also the instructions executed (valgrind), which
#    other work on the machine does not change.
# 2. Agreement: every value ayak-filter --annotate reports, recomputed with
#    datatrove's formulas in Python (filter-ref.py): differences.
# 3. Profile: the zsm_Latn profile against FineWeb-2's configs_zsm_Latn.yml.
# 4. Evaluation on ../shared/data/malaysian-dataset/malay_web_pages.jsonl
#    and a gen-corpus sample (--mb 20): kept share, drops by reason, lines
#    taken out, PII found, and 20 kept and 20 dropped examples of each,
#    written to $AYAK_BUILD/bench/filter-eval/ for review.  That data is
#    research-only: never commit what this writes.
#
# Whatever is missing (the build, ../shared, python3, jq) is skipped with
# "skip: ..."; the exit status is 0.  tests/bench/run saves the report as
# $AYAK_BUILD/bench/filter.txt.  Environment: AYAK_TOP, AYAK_BUILD,
# AYAK_SHARED (default $AYAK_TOP/../shared), BENCH_RUNS (default 3).

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
RUNS=${BENCH_RUNS:-3}
case $RUNS in ''|*[!0-9]*|0) RUNS=3 ;; esac
B=$AYAK_BUILD/bench
EVAL=$B/filter-eval
FILTER=$AYAK_TOP/bin/ayak-filter
CAT=$AYAK_TOP/bin/ayak-cat
PAGES=$AYAK_SHARED/data/malaysian-dataset/malay_web_pages.jsonl
GEN=$AYAK_SHARED/bin/gen-corpus
YML=$AYAK_SHARED/data/fineweb2/configs_zsm_Latn.yml
LOG=$B/filter-log.txt

mkdir -p "$B" "$EVAL" || exit 0
: >"$LOG"

# speed LABEL FILE CMD...: median wall and CPU time of RUNS runs after a
# warm-up (bench_time); prints a row and sets S_MBS (MB/s) and S_MBCPU (MB/cpu-s).
speed() {
	local label=$1 file=$2 mb
	shift 2
	S_MBS='' S_MBCPU=''
	bench_time "$RUNS" "$@" || { echo "  error: $label failed (see $LOG)"; return 1; }
	mb=$(calc '%.3f' "$(fsize "$file") / 1e6")
	S_MBS=$(calc '%.1f' "$mb / $BT_WALL")
	S_MBCPU=$(calc '%.1f' "$mb / ($BT_CPU > 0 ? $BT_CPU : 1e-9)")
	printf '  %-46s %7s MB %8.3f s %8s MB/s %8s MB/cpu-s\n' "$label" "$mb" "$BT_WALL" "$S_MBS" "$S_MBCPU"
}

busy() {
	local a b
	a=$(head -n 1 /proc/stat 2>/dev/null) || return 0
	sleep 1
	b=$(head -n 1 /proc/stat 2>/dev/null) || return 0
	printf '%s\n%s\n' "$a" "$b" | awk '{ t = 0; for (i = 2; i <= NF; i++) t += $i;
		idle = $5 + $6; if (NR == 1) { t0 = t; i0 = idle } else
		printf("%d\n", t > t0 ? 100 * (1 - (idle - i0) / (t - t0)) + 0.5 : 0) }'
}

# evaluate NAME FILE: the default profile with --redact-pii and --annotate
# over FILE; a summary here, examples in $EVAL.
evaluate() {
	local name=$1 file=$2 ann=$EVAL/$1-annotated.jsonl
	if ! "$FILTER" --annotate --redact-pii --stats "$EVAL/$name-stats.json" "$file" >"$ann" 2>>"$LOG"; then
		echo "  error: ayak-filter failed on $file (see $LOG)"
		return
	fi
	"$FILTER" --redact-pii --stats "$EVAL/$name-stats-kept.json" "$file" >/dev/null 2>>"$LOG"
	jq -r --arg name "$name" '
		def pct(a; b): if b > 0 then (1000 * a / b | round) / 10 else 0 end;
		[inputs] as $r | ($r | length) as $n |
		($r | map(select(.filter.decision == "keep")) | length) as $k |
		"  \($name): \($n) records, \($k) kept (\(pct($k; $n))%), \($n - $k) dropped",
		"  drops by reason:",
		($r | map(select(.filter.decision == "drop") | .filter.reason) | group_by(.) |
			map({r: .[0], c: length}) | sort_by(-.c)[] | "    \(.r)  \(.c)  (\(pct(.c; $n))% of records)"),
		"  lines taken out of records: " + ([$r[].filter.lines_dropped | to_entries[] ] | group_by(.key) |
			map("\(.[0].key) \(map(.value) | add)") | join(", ")),
		"  PII found (records kept and dropped): " + ([$r[].filter.pii // {} | to_entries[]] | group_by(.key) |
			map("\(.[0].key) \(map(.value) | add)") | join(", ") | if . == "" then "none" else . end)
	' -n "$ann"
	jq -r '"  --stats of the normal run: records_out \(.records_out), dropped \(.dropped | tostring), counts \(.counts | tostring)"' \
		"$EVAL/$name-stats-kept.json"
	# 20 kept and 20 dropped examples, spread evenly over the file
	local d
	for d in keep drop; do
		jq -c --arg d "$d" 'select(.filter.decision == $d)' "$ann" >"$EVAL/$name-$d-all.jsonl"
		awk -v want=20 'NR == FNR { n++; next } { i++; if (n <= want || (i - 1) % int(n / want) == 0 && k < want) { print; k++ } }' \
			"$EVAL/$name-$d-all.jsonl" "$EVAL/$name-$d-all.jsonl" >"$EVAL/$name-$d-examples.jsonl"
		jq -r '"=== \(.id // .url // "?")  \(.filter.decision)  \(.filter.reason // "")  lines out \(.filter.lines_dropped | tostring)",
			"    values: words \(.filter.values.words // "-"), alpha_words \(.filter.values.alpha_words // "-"), stopwords \(.filter.values.stopwords // "-"), line_punct \(.filter.values.line_punct // "-"), dup_lines \(.filter.values.dup_lines // "-"), top_2_gram \(.filter.values.top_2_gram // "-")",
			(.text | .[0:600] | split("\n") | map("    | " + .) | join("\n")), ""' \
			"$EVAL/$name-$d-examples.jsonl" >"$EVAL/$name-$d-examples.txt"
		rm -f "$EVAL/$name-$d-all.jsonl"
	done
	echo "  examples: $EVAL/$name-{keep,drop}-examples.{jsonl,txt} ($(wc -l <"$EVAL/$name-keep-examples.jsonl") kept, $(wc -l <"$EVAL/$name-drop-examples.jsonl") dropped)"
}

main() {
	local start_busy t0
	t0=$(date +%s)
	start_busy=$(busy)
	echo "ayak-filter benchmark and evaluation  $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "======================================"
	echo "machine:  $(uname -srm), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //'),"
	echo "          ${start_busy:-?}% of CPU time busy with other work at start"
	if [ ! -x "$FILTER" ]; then
		echo "skip: $FILTER not built (run make)"
		return 0
	fi
	if ldd "$FILTER" 2>/dev/null | grep -Eq 'lib(asan|ubsan)'; then
		echo "WARNING: a sanitizer build (make SANITIZE=1): the speeds mean nothing"
	fi
	echo "program:  $("$FILTER" -V | head -n 1), $("$FILTER" -V | sed -n 3p)"
	echo "method:   MB = 10^6 bytes of JSON lines in; median of $RUNS runs after a warm-up, output to /dev/null;"
	echo "          MB/cpu-s = MB / (user + system CPU time, from bash's times): MB/s on one core."

	local gen20=$B/filter-gen-20mb.jsonl pages8=$B/filter-pages-x8.jsonl
	section "1. corpora"
	if [ -x "$GEN" ] && have python3; then
		[ -s "$gen20" ] || "$GEN" --mb 20 --seed 1 >"$gen20" 2>>"$LOG" || rm -f "$gen20"
	fi
	if [ -s "$gen20" ]; then
		echo "  gen-corpus --mb 20 --seed 1: $(calc '%.1f' "$(fsize "$gen20") / 1e6") MB, $(wc -l <"$gen20") records"
	else
		echo "  skip: ../shared/bin/gen-corpus (or python3) missing: no gen-corpus sample"
		gen20=
	fi
	if [ -s "$PAGES" ]; then
		[ -s "$pages8" ] || for _ in 1 2 3 4 5 6 7 8; do cat "$PAGES"; done >"$pages8"
		echo "  malay_web_pages.jsonl: $(calc '%.2f' "$(fsize "$PAGES") / 1e6") MB, $(wc -l <"$PAGES") records (research-only; x8 for timing: $(calc '%.1f' "$(fsize "$pages8") / 1e6") MB)"
	else
		echo "  skip: $PAGES not found (no ../shared beside the project)"
		pages8=
	fi

	section "2. speed: default profile (zsm_Latn) with --redact-pii"
	local f mbcpu_gen='' mbcpu_pages='' ref_mbs='' our_small=''
	for f in "$gen20" "$pages8"; do
		[ -n "$f" ] || continue
		echo "  $(basename "$f"):"
		[ -x "$CAT" ] && speed "ayak-cat --validate (reading alone)" "$f" "$CAT" --validate "$f"
		speed "ayak-filter --profile none (records only)" "$f" "$FILTER" --profile none "$f"
		speed "ayak-filter (default profile)" "$f" "$FILTER" "$f"
		speed "ayak-filter --redact-pii" "$f" "$FILTER" --redact-pii "$f" &&
			if [ "$f" = "$gen20" ]; then mbcpu_gen=$S_MBCPU; else mbcpu_pages=$S_MBCPU; fi
	done
	if [ -s "$PAGES" ] && have python3 && have jq; then
		echo "  peer: datatrove's formulas in Python (tests/bench/filter-ref.py) on malay_web_pages.jsonl,"
		echo "        over the text ayak-filter --annotate keeps (the Python does the rules only):"
		"$FILTER" --annotate "$PAGES" >"$B/filter-pages-ann.jsonl" 2>>"$LOG"
		speed "ayak-filter --annotate (every value)" "$PAGES" "$FILTER" --annotate "$PAGES" && our_small=$S_MBCPU
		speed "python3 filter-ref.py" "$PAGES" sh -c "python3 '$here/filter-ref.py' '$AYAK_TOP/lexicons/filter/stopwords-zsm_Latn.txt' <'$B/filter-pages-ann.jsonl'" &&
			ref_mbs=$S_MBCPU
		[ -n "$our_small" ] && [ -n "$ref_mbs" ] &&
			echo "  ayak-filter --annotate / Python transcription: $(calc '%.0f' "$our_small / $ref_mbs")x (MB/cpu-s)"
	else
		echo "  skip: the Python peer needs malay_web_pages.jsonl, python3 and jq"
	fi

	# instructions do not depend on what else the machine is doing
	if [ "${BENCH_CALLGRIND:-0}" = 1 ] && have valgrind; then
		echo "  instructions, default profile with --redact-pii (valgrind --tool=callgrind):"
		for f in "$gen20" "$pages8"; do
			[ -n "$f" ] || continue
			local ins
			ins=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$FILTER" --redact-pii "$f" 2>&1 >/dev/null |
				awk '/Collected :/ { print $NF }')
			[ -n "$ins" ] && printf '  %-46s %14s instructions, %.1f per byte\n' "$(basename "$f")" "$ins" \
				"$(calc '%.3f' "$ins / $(fsize "$f")")"
		done
	else
		echo "  (BENCH_CALLGRIND=1 adds instruction counts from valgrind --tool=callgrind, about a minute)"
	fi

	section "3. agreement with datatrove's formulas (filter-ref.py recomputes every --annotate value)"
	if have python3; then
		for f in "$PAGES" "$gen20"; do
			[ -n "$f" ] && [ -s "$f" ] || continue
			printf '  %-28s ' "$(basename "$f"):"
			"$FILTER" --annotate "$f" 2>>"$LOG" |
				python3 "$here/filter-ref.py" "$AYAK_TOP/lexicons/filter/stopwords-zsm_Latn.txt" 2>>"$LOG" | tail -n 1
		done
	else
		echo "  skip: python3 missing"
	fi

	section "4. the zsm_Latn profile against FineWeb-2's configs_zsm_Latn.yml"
	if [ -s "$YML" ]; then
		local show
		show=$("$FILTER" --show-profile)
		awk -v show="$show" '
			BEGIN { nl = split(show, l, "\n"); for (i = 1; i <= nl; i++) { split(l[i], kv, " = "); p[kv[1]] = kv[2] } }
			/^[a-z_]+: [0-9.]+$/ { key = $1; sub(":", "", key); want[key] = $2; next }
			/^(dup_n_grams|top_n_grams|stopwords):/ { list = $1; sub(":", "", list); next }
			/^- - / { k = $3; next }
			/^  - / { if (list == "dup_n_grams") want["dup_" k "_gram"] = $2; else want["top_" k "_gram"] = $2; next }
			/^- / { sw[++nsw] = $2; next }
			END {
				for (key in want) {
					if (key == "language_score") { printf("  language_score %s: for ayak-lid, not here\n", want[key]); continue }
					n++; if (p[key] + 0 == want[key] + 0) same++; else printf("  DIFFERS: %s profile %s, yml %s\n", key, p[key], want[key])
				}
				printf("  %d of %d thresholds equal; stopwords in the yml: %d\n", same, n, nsw)
			}' "$YML"
		grep -v '^#' "$AYAK_TOP/lexicons/filter/stopwords-zsm_Latn.txt" | paste -sd' ' - | sed 's/^/  profile stopwords: /'
	else
		echo "  skip: $YML not found"
	fi

	section "5. evaluation (default profile, --redact-pii)"
	if ! have jq; then
		echo "  skip: jq missing"
	else
		[ -s "$PAGES" ] && evaluate pages "$PAGES"
		[ -n "$gen20" ] && evaluate gen "$gen20"
		echo "  (research-only data: the files in $EVAL are for review, never to be committed)"
	fi

	section "targets"
	for f in gen:"$mbcpu_gen" pages:"$mbcpu_pages"; do
		local v=${f#*:}
		if [ -n "$v" ]; then
			printf '  %-52s %s  (%s MB/cpu-s)\n' ">= 100 MB/s per core, default + --redact-pii, ${f%%:*}" \
				"$(awk "BEGIN { print ($v >= 100) ? \"PASS\" : \"MISS\" }")" "$v"
		fi
	done
	local end_busy
	end_busy=$(busy)
	echo
	echo "other work on the machine: ${start_busy:-?}% of CPU time at start, ${end_busy:-?}% at end;"
	echo "load average at end $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null); this took $(( $(date +%s) - t0 )) s; log: $LOG"
}

main
exit 0
