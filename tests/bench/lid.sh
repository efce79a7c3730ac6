#!/usr/bin/env bash
# tests/bench/lid.sh: ayak-lid's speed (tests/bench/run calls it; it also runs alone).
#
# Times bin/ayak-lid on one core over a synthetic web corpus (../shared/bin/gen-corpus
# --seed 1: documents of Malaysian Malay, Indonesian, English, Chinese, Tamil and
# Jawi, median about 700 characters), over the real web pages and articles of
# ../shared/data (median 1,200 characters) and, when tests/bench/lid-eval.sh has
# built them, over the development sentences (short texts: the hardest case for
# speed) and the training split's short texts (many of them: start-up counts for
# little), each beside bin/ayak-cat reading and writing the same records.  Prints
# MB/s (MB = 10^6 bytes of JSON lines, per second of wall time) and MB per CPU
# second (user + system), the median of LID_BENCH_RUNS runs (default 3; 9 at least
# for the development sentences, a run of under 0.1 s) after one warm-up.  First the
# start-up, the CPU time of a run on empty input; the short-text sets are also given
# less it.  Target: 100 MB per CPU second.  Skips politely when something is missing;
# exit status 0.
#
# Environment: AYAK_TOP, AYAK_BUILD, AYAK_SHARED, LID_BENCH_MB (corpus size, default
# 50), LID_BENCH_RUNS, LID_STARTUP_RUNS (runs on empty input, default 40).

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
MB=${LID_BENCH_MB:-50}
RUNS=${LID_BENCH_RUNS:-3}
LID=$AYAK_TOP/bin/ayak-lid
CAT=$AYAK_TOP/bin/ayak-cat
B=$AYAK_BUILD/bench
export AYAK_LEXICONS=${AYAK_LEXICONS:-$AYAK_TOP/lexicons}

skip() { echo "  skip: $*"; }
# set_start TITLE FILE WHY: the title of a set of texts; true if FILE is there, else skip for WHY
set_start() {
	printf '\n%s\n' "$1"
	[ -s "$2" ] && return 0
	skip "$3"
	return 1
}

# measure NAME FILE CMD...: median wall and CPU seconds of CMD FILE > /dev/null
# (bench_time: RUNS runs after a warm-up)
measure() {
	local name=$1 file=$2 bytes
	shift 2
	bytes=$(wc -c <"$file")
	bench_time "$RUNS" "$@" "$file" || { skip "$name failed"; return; }
	# bash's times counts in milliseconds: a run faster than that has no rate to print
	awk -v n="$name" -v b="$bytes" -v w="$BT_WALL" -v c="$BT_CPU" -v s="${EXCLUDE_STARTUP:-}" 'BEGIN {
		if (w < 0.001 || c < 0.001)
			printf "  %-44s under 1 ms (the timer'"'"'s resolution): over %.0f MB/s\n", n, b / 1e6 / 0.001
		else if (s != "" && c > s)
			printf "  %-44s %8.1f MB/s %8.1f MB/cpu-s  (%.3f s; %.1f MB/cpu-s less start-up)\n",
				n, b / 1e6 / w, b / 1e6 / c, w, b / 1e6 / (c - s)
		else
			printf "  %-44s %8.1f MB/s %8.1f MB/cpu-s  (%.3f s)\n", n, b / 1e6 / w, b / 1e6 / c, w }'
}

echo "ayak-lid speed  $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(uname -srm), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null) at start"
if ! [ -x "$LID" ] || ! [ -x "$CAT" ]; then
	skip "bin/ayak-lid or bin/ayak-cat is not built (run make)"
	exit 0
fi
if ldd "$LID" 2>/dev/null | grep -Eq 'lib(asan|ubsan)'; then
	echo "WARNING: bin/ayak-lid is a sanitizer build (make SANITIZE=1): its figures mean nothing"
fi
mkdir -p "$B" || exit 0

# Start-up: what a process spends before its first record (loading and checking the
# 6.5 MB model, the libraries): the CPU time of STARTUP_RUNS runs on empty input, per
# run.  A short file pays it once; many small files pay it per process unless given to
# one ayak-lid together.
STARTUP_RUNS=${LID_STARTUP_RUNS:-40}
empty=$B/empty.jsonl
: >"$empty"
# (`times` as the subshell's own command, not in a pipe: the second line is what its children used)
startup_cpu=$(
	for ((i = 0; i < STARTUP_RUNS; i++)); do "$LID" "$empty" >/dev/null || exit 1; done
	times
) || startup_cpu=
if [ -n "$startup_cpu" ]; then
	startup_cpu=$(echo "$startup_cpu" | awk -v n="$STARTUP_RUNS" 'NR == 2 {
		split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.6f", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) / n }')
	printf '\nstart-up (empty input, %d runs): %.1f ms of CPU per process\n' "$STARTUP_RUNS" \
		"$(calc '%.3f' "$startup_cpu * 1000")"
fi

corpus=$B/lid-corpus-$MB.jsonl
if ! [ -s "$corpus" ]; then
	if [ -x "$AYAK_SHARED/bin/gen-corpus" ] && command -v python3 >/dev/null 2>&1; then
		"$AYAK_SHARED/bin/gen-corpus" --mb "$MB" --seed 1 >"$corpus.tmp" && mv "$corpus.tmp" "$corpus"
	fi
fi
if set_start "web documents: gen-corpus --mb $MB --seed 1" "$corpus" \
	"no corpus ($AYAK_SHARED/bin/gen-corpus and python3 are needed)"; then
	measure "ayak-cat (read and write only)" "$corpus" "$CAT"
	measure "ayak-lid (default: --sample 1024)" "$corpus" "$LID"
	measure "ayak-lid --sample 4096" "$corpus" "$LID" --sample 4096
	measure "ayak-lid --sample 0 (whole documents)" "$corpus" "$LID" --sample 0
	measure "ayak-lid --whole (not by lines too)" "$corpus" "$LID" --whole
	measure "ayak-lid --whole --sample 0" "$corpus" "$LID" --whole --sample 0
	measure "ayak-lid --by line" "$corpus" "$LID" --by line
	measure "ayak-lid --keep zsm_Latn" "$corpus" "$LID" --keep zsm_Latn
fi
# Real pages and articles, longer than the synthetic corpus's and with their
# real vocabulary: the ../shared/data files of web text, the text field only,
# six times over.
real=$B/lid-real.jsonl
if ! [ -s "$real" ] && have jq && [ -d "$AYAK_SHARED/data/malaysian-dataset" ]; then
	d=$AYAK_SHARED/data
	for i in 1 2 3 4 5 6; do
		cat "$d"/malaysian-dataset/{malay_web_pages,majoriti_articles,indon_news}.jsonl \
		    "$d"/malaysian-dataset-extra/*.{zsm,ind,eng}.jsonl
	done 2>/dev/null | jq -c 'select(.text | type == "string") | {text}' >"$real.tmp" &&
		mv "$real.tmp" "$real"
fi
if set_start "real documents: the web pages and articles of ../shared/data (malaysian-dataset, -extra), x6" \
	"$real" "no ../shared/data web texts, or no jq"; then
	measure "ayak-cat (read and write only)" "$real" "$CAT"
	measure "ayak-lid (default: --sample 1024)" "$real" "$LID"
	measure "ayak-lid --sample 0 (whole documents)" "$real" "$LID" --sample 0
	measure "ayak-lid --whole (not by lines too)" "$real" "$LID" --whole
	measure "ayak-lid --whole --sample 0" "$real" "$LID" --whole --sample 0
	measure "ayak-lid --explain 10 (lang_why)" "$real" "$LID" --explain 10
fi
sent=$AYAK_BUILD/lid/dev-sent.jsonl
if set_start "short texts: the development sentences (tests/bench/lid-eval.sh builds them)" \
	"$sent" "$sent is not built (run tests/bench/lid-eval.sh)"; then
	measure "ayak-cat (read and write only)" "$sent" "$CAT"
	# a run of under 0.1 s: more of them, so that the median holds
	RUNS=$((RUNS < 9 ? 9 : RUNS)) EXCLUDE_STARTUP=$startup_cpu measure "ayak-lid" "$sent" "$LID"
	RUNS=$((RUNS < 9 ? 9 : RUNS)) measure "ayak-lid --explain 10 (lang_why)" "$sent" "$LID" --explain 10
fi
# Many short texts, none twice: the training split's texts of 300 characters or fewer (about
# 79 MB, 425,000 texts; trained on, which changes nothing for speed).  A run of a second or
# more, so the 5 ms of start-up and model loading count for little, as on a real corpus.
short=$B/lid-short.jsonl
train=$AYAK_BUILD/lid/train.jsonl
if [ -s "$train" ] && { ! [ -s "$short" ] || [ "$train" -nt "$short" ]; } && have jq; then
	jq -c 'select((.text | length) <= 300)' "$train" >"$short.tmp" && mv "$short.tmp" "$short"
fi
if set_start "short texts, many: the training split's texts of 300 characters or fewer" \
	"$short" "$train is not built (run tests/bench/lid-eval.sh), or no jq"; then
	measure "ayak-cat (read and write only)" "$short" "$CAT"
	EXCLUDE_STARTUP=$startup_cpu measure "ayak-lid" "$short" "$LID"
fi
exit 0
