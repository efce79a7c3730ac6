#!/usr/bin/env bash
# tests/bench/stats.sh: ayak-stats's benchmark (`make bench` runs it through
# tests/bench/run; it also runs alone).
#
# 1. Speed: MB/s and MB per CPU-second of ayak-stats (text and HTML
#    reports, plain, with lang fields, from zstd) on a gen-corpus sample,
#    against reading alone (ayak-cat --validate) and `wc -lw` in the same
#    run; with --tokenizer, against ayak-tok --count (the same encoder), and
#    the three formats from three runs against one run with --output-*.
#    Target: hundreds of MB/s without --tokenizer.
# 2. Peak RSS (GNU time): the sample against a tenth of it, and a file of
#    a million distinct domains with the default --max-domains (100000)
#    and with --max-domains 1000000.
# 3. A jq pipeline for the top domains, for comparison, on a small slice.
#
# Whatever is missing (the build, ../shared/bin/gen-corpus, python3, GNU
# time, jq, zstd) is skipped with "skip: ..."; the exit status is 0.
# Environment: AYAK_TOP, AYAK_BUILD, AYAK_SHARED (default
# $AYAK_TOP/../shared), BENCH_RUNS (default 3), STATS_MB (default 200).

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
RUNS=${BENCH_RUNS:-3}
case $RUNS in ''|*[!0-9]*|0) RUNS=3 ;; esac
MB=${STATS_MB:-200}
case $MB in ''|*[!0-9]*|0) MB=200 ;; esac
B=$AYAK_BUILD/bench
STATS=$AYAK_TOP/bin/ayak-stats
CAT=$AYAK_TOP/bin/ayak-cat
TOK=$AYAK_TOP/bin/ayak-tok
GEN=$AYAK_SHARED/bin/gen-corpus
TJ=$AYAK_TOP/tests/data/tok/bytelevel/tokenizer.json
LOG=$B/stats-log.txt

mkdir -p "$B" || exit 0
: >"$LOG"

# speed LABEL BYTES CMD...: median of RUNS runs after a warm-up (bench_time);
# prints a row and sets S_MBS.
speed() {
	local label=$1 bytes=$2
	shift 2
	S_MBS=''
	bench_time "$RUNS" "$@" || { printf '  %-44s error (see %s)\n' "$label" "$LOG"; return 1; }
	S_MBS=$(calc '%.1f' "$bytes / 1e6 / ($BT_WALL > 0 ? $BT_WALL : 1e-9)")
	# bash's times counts in milliseconds: below that there is no rate to print
	printf '  %-44s %7.3f s %9s MB/s %9s MB/cpu-s\n' "$label" "$BT_WALL" "$S_MBS" \
		"$(awk -v c="$BT_CPU" -v b="$bytes" 'BEGIN { if (c < 0.001) print "(<1 ms)"; else printf "%.1f", b / 1e6 / c }')"
}

# rss CMD...: peak RSS in KB (GNU time), or empty.
rss() {
	[ -x /usr/bin/time ] || return 0
	/usr/bin/time -f %M -o "$B/stats-rss.txt" "$@" >/dev/null 2>>"$LOG" && tail -n 1 "$B/stats-rss.txt"
}

echo "ayak-stats benchmark  $(date -u +%Y-%m-%dT%H:%M:%SZ)  $(nproc 2>/dev/null || echo ?) cores, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
if [ ! -x "$STATS" ] || [ ! -x "$CAT" ]; then
	echo "skip: bin/ayak-stats or bin/ayak-cat not built (run make)"
	exit 0
fi
if ldd "$STATS" 2>/dev/null | grep -Eq 'lib(asan|ubsan)'; then
	echo "warning: bin/ayak-stats is a sanitizer build (make SANITIZE=1): the figures mean nothing"
fi

section "1. corpus"
if [ ! -x "$GEN" ] || ! have python3; then
	echo "  skip: ../shared/bin/gen-corpus (or python3) not found: no corpus, nothing to measure"
	exit 0
fi
corpus=$B/stats-corpus-${MB}mb.jsonl
small=$B/stats-corpus-${MB}mb-tenth.jsonl
withlang=$B/stats-corpus-${MB}mb-lang.jsonl
if [ ! -s "$corpus" ]; then
	"$GEN" --mb "$MB" --seed 1 >"$corpus.tmp" 2>>"$LOG" && mv "$corpus.tmp" "$corpus" ||
		{ echo "  error: gen-corpus failed (see $LOG)"; rm -f "$corpus.tmp"; exit 0; }
fi
[ -s "$small" ] || head -c $((MB * 100000)) "$corpus" | sed '$d' >"$small"
# every record labelled, as ayak-lid would leave it (labels made up from the id)
[ -s "$withlang" ] || awk '{ n = substr($0, 10, 1); l = (n ~ /[0-7]/) ? "zsm_Latn" : (n ~ /[89a]/) ? "ind_Latn" : "eng_Latn";
	sub(/}$/, ",\"lang\":\"" l "\",\"lang_score\":0." (length($0) % 10000) "}"); print }' "$corpus" >"$withlang"
s=$(fsize "$corpus") s_small=$(fsize "$small") s_lang=$(fsize "$withlang")
printf '  %-12s %8s MB %9s records  gen-corpus --mb %s --seed 1\n' main "$(calc '%.1f' "$s / 1e6")" "$(wc -l <"$corpus")" "$MB"
printf '  %-12s %8s MB %9s records  its first tenth\n' tenth "$(calc '%.1f' "$s_small / 1e6")" "$(wc -l <"$small")"
printf '  %-12s %8s MB %9s records  with lang and lang_score added\n' lang "$(calc '%.1f' "$s_lang / 1e6")" "$(wc -l <"$withlang")"
zst=
if have zstd; then
	zst=$corpus.zst
	[ -s "$zst" ] || zstd -q -3 -c "$corpus" >"$zst"
fi

section "2. speed (median of $RUNS runs, files in the page cache, reports to /dev/null)"
speed "ayak-cat --validate (reading alone)" "$s" "$CAT" --validate "$corpus"
v=$S_MBS
speed "ayak-stats (text)" "$s" "$STATS" "$corpus"
a=$S_MBS
speed "ayak-stats -f html" "$s" "$STATS" -f html "$corpus"
speed "ayak-stats, lang fields" "$s_lang" "$STATS" "$withlang"
[ -n "$zst" ] && speed "ayak-stats from .zst" "$s" "$STATS" "$zst"
speed "wc -lw (coreutils)" "$s" wc -lw "$corpus"
w=$S_MBS
[ -n "$a" ] && [ -n "$v" ] && printf '  ayak-stats / ayak-cat --validate: %s;  ayak-stats / wc -lw: %s\n' \
	"$(calc '%.2f' "$a / $v")" "$( [ -n "$w" ] && calc '%.2f' "$a / $w" || echo n/a)"
[ -n "$a" ] && printf '  target: hundreds of MB/s without --tokenizer: %s (%s MB/s)\n' \
	"$(awk "BEGIN { print ($a >= 200) ? \"PASS\" : \"MISS\" }")" "$a"
echo "  with --tokenizer (tests/data/tok/bytelevel, 600 tokens), on the tenth:"
if [ -x "$TOK" ]; then
	speed "ayak-stats -t tokenizer.json" "$s_small" "$STATS" -t "$TJ" "$small"
	t1=$S_MBS
	speed "ayak-tok -t tokenizer.json --count" "$s_small" "$TOK" -t "$TJ" --count "$small"
	[ -n "$t1" ] && [ -n "$S_MBS" ] && printf '  ayak-stats -t / ayak-tok --count: %s\n' "$(calc '%.2f' "$t1 / $S_MBS")"
	a_tok=$("$STATS" -f json -t "$TJ" "$small" | sed -n 's/.*"tokens":\([0-9]*\),"tokenizer".*/\1/p')
	b_tok=$("$TOK" -t "$TJ" --count "$small" | sed -n 's/.*"ntokens":\([0-9]*\).*/\1/p' | awk '{ s += $1 } END { print s }')
	printf '  tokens: ayak-stats %s, ayak-tok --count summed %s: %s\n' "$a_tok" "$b_tok" \
		"$([ "$a_tok" = "$b_tok" ] && echo same || echo DIFFERENT)"
	echo "  text, JSON and HTML reports with --tokenizer (the pipeline's report stage), on the tenth:"
	o=$B/stats-out
	speed "3 runs: -f text|json|html -o FILE" "$s_small" sh -c \
		"for f in text json html; do '$STATS' -t '$TJ' -f \$f -o '$o-sep.'\$f '$small' || exit 1; done"
	t3=$S_MBS
	speed "1 run: --output-text/-json/-html FILE" "$s_small" "$STATS" -t "$TJ" \
		--output-text "$o-one.text" --output-json "$o-one.json" --output-html "$o-one.html" "$small"
	[ -n "$t3" ] && [ -n "$S_MBS" ] && printf '  one run / three runs: %s times as fast; reports %s\n' \
		"$(calc '%.2f' "$S_MBS / $t3")" "$(cmp -s "$o-sep.text" "$o-one.text" &&
			cmp -s "$o-sep.json" "$o-one.json" && cmp -s "$o-sep.html" "$o-one.html" &&
			echo "the same bytes" || echo DIFFERENT)"
fi

section "3. peak RSS (GNU time %M)"
if [ ! -x /usr/bin/time ]; then
	echo "  skip: /usr/bin/time (GNU time) missing"
else
	r1=$(rss "$STATS" "$small")
	r2=$(rss "$STATS" "$corpus")
	printf '  %-44s %8s KB\n' "ayak-stats, $(calc '%.0f' "$s_small / 1e6") MB" "${r1:-error}" \
		"ayak-stats, $(calc '%.0f' "$s / 1e6") MB" "${r2:-error}"
	many=$B/stats-domains-1m.jsonl
	[ -s "$many" ] || awk 'BEGIN { for (i = 0; i < 1000000; i++)
		printf "{\"url\":\"https://site%d.example%d.my/p\",\"text\":\"satu dua tiga\"}\n", i, i % 97 }' >"$many"
	r3=$(rss "$STATS" "$many")
	r4=$(rss "$STATS" --max-domains 1000000 "$many")
	printf '  %-44s %8s KB\n' "1,000,000 distinct domains, default cap" "${r3:-error}" \
		"1,000,000 distinct domains, --max-domains 1M" "${r4:-error}"
	"$STATS" -f json "$many" | grep -o '"distinct":[0-9]*,"exact":[a-z]*,"max_domains":[0-9]*' |
		tail -n 1 | sed 's/^/  default cap: /'
	speed "ayak-stats, 1M distinct domains, default cap" "$(fsize "$many")" "$STATS" "$many"
fi

section "4. a jq pipeline for the top domains (on the tenth)"
if have jq; then
	speed "jq -r .url | awk | sort | uniq -c | sort" "$s_small" sh -c \
		"jq -r .url '$small' | awk -F/ '{ print \$3 }' | sort | uniq -c | sort -rn | head -n 20"
	j=$S_MBS
	speed "ayak-stats --top 20" "$s_small" "$STATS" --top 20 "$small"
	[ -n "$j" ] && [ -n "$S_MBS" ] && printf '  ayak-stats / jq pipeline: %s\n' "$(calc '%.1f' "$S_MBS / $j")"
else
	echo "  skip: jq not installed"
fi
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
exit 0
