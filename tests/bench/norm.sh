#!/usr/bin/env bash
# tests/bench/norm.sh: ayak-norm's benchmarks, called by tests/bench/run (or by hand).
#
#   1. speed: default mode against `uconv -x any-nfc` (ICU's own tool, from
#      Debian's icu-devtools) on the same JSON-lines file in the same run;
#      --expand-slang; the Malay flags together
#   2. --expand-slang against reference normalizations: word accuracy and the
#      share of already-correct words it changes (../shared/data/malaysian-dataset:
#      twitter_normalization_pairs.txt and synthetic_normalization_pairs.tsv)
#   3. --jawi-to-rumi against the UDHR in Jawi and Latin script, with a
#      dictionary built from the first half only (held-out second half)
#   4. --reduplication against the reduplications that the DBP word lists
#      write out (../shared/data/malaya/{kamus_dewan,dbp}_words.txt)
#
# It reports only: targets are marked PASS or MISS, nothing fails on timing,
# and whatever is missing (the build, ../shared, python3, uconv) is skipped
# with "skip: ...".  Exit status 0.
#
# Environment: NORM_BENCH_MB (corpus size, default 50), BENCH_RUNS (timed runs
# after one warm-up, default 3), AYAK_TOP, AYAK_BUILD, AYAK_SHARED, as in
# tests/bench/run.  The corpus is the one tests/bench/run made, when it is
# there ($AYAK_BUILD/bench/corpus-*-50mb.jsonl), else ../shared/bin/gen-corpus
# or tests/bench/gen-jsonl.c makes one.

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
MB=${NORM_BENCH_MB:-50}
RUNS=${BENCH_RUNS:-3}
B=$AYAK_BUILD/bench
NORM=$AYAK_TOP/bin/ayak-norm
LOG=$B/norm-log.txt
DATA=$AYAK_SHARED/data

mkdir -p "$B" || exit 0
: >"$LOG"

# timeit NAME COMMAND: one warm-up, then RUNS timed runs of the shell COMMAND
# (bench_time); sets T and C, the median wall and user+system seconds.
timeit() {
	bench_time "$RUNS" sh -c "$2" || return 1
	T=$BT_WALL C=$BT_CPU
}

# row LABEL BYTES NAME COMMAND: time COMMAND and print MB/s; sets R_MBS
row() {
	local label=$1 bytes=$2 name=$3 cmd=$4
	R_MBS=''
	printf '\n$ %s\n' "$cmd" >>"$LOG"
	if ! timeit "$name" "$cmd"; then
		printf '  %-40s error (see %s)\n' "$label" "$LOG"
		return 1
	fi
	R_MBS=$(calc '%.1f' "$bytes / 1e6 / $T")
	if [ -n "$C" ]; then
		printf '  %-40s %7.3f s  %8s MB/s  %8s MB/cpu-s\n' "$label" "$T" "$R_MBS" \
			"$(calc '%.1f' "$bytes / 1e6 / $C")"
	else
		printf '  %-40s %7.3f s  %8s MB/s\n' "$label" "$T" "$R_MBS"
	fi
}

corpus() {
	local f
	for f in "$B"/corpus-shared-${MB}mb.jsonl "$B"/corpus-own-${MB}mb.jsonl; do
		[ -s "$f" ] && { echo "$f"; return 0; }
	done
	f=$B/norm-corpus-${MB}mb.jsonl
	[ -s "$f" ] && { echo "$f"; return 0; }
	if [ -x "$AYAK_SHARED/bin/gen-corpus" ] && have python3; then
		"$AYAK_SHARED/bin/gen-corpus" --mb "$MB" --seed 1 >"$f.tmp" 2>>"$LOG" && mv "$f.tmp" "$f" &&
			{ echo "$f"; return 0; }
	fi
	if ${CC:-cc} -O2 -o "$B/gen-jsonl" "$here/gen-jsonl.c" 2>>"$LOG" &&
		"$B/gen-jsonl" --mb "$MB" --seed 1 >"$f.tmp" 2>>"$LOG"; then
		mv "$f.tmp" "$f" && { echo "$f"; return 0; }
	fi
	rm -f "$f.tmp"
	return 1
}

main() {
	local big size d_mbs='' u_mbs='' s_mbs='' a_mbs='' note=''

	echo "ayak-norm benchmarks  $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "machine: $(uname -srm), $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
	if [ ! -x "$NORM" ]; then
		echo "skip: $NORM not built (run make)"
		return 0
	fi
	if ldd "$NORM" 2>/dev/null | grep -Eq 'lib(asan|ubsan)'; then
		echo "WARNING: bin/ayak-norm is a sanitizer build: its figures mean nothing"
	fi
	if ! have uconv && have apt-get && [ "$(id -u)" = 0 ]; then
		if apt-get install -y -qq icu-devtools >>"$LOG" 2>&1 ||
			{ apt-get update -qq && apt-get install -y -qq icu-devtools; } >>"$LOG" 2>&1; then
			note="uconv was missing: installed Debian's icu-devtools with apt-get"
		fi
	fi
	[ -n "$note" ] && echo "note: $note"

	# -- 1. speed --
	section "1. speed (median of $RUNS runs after 1 warm-up, output to /dev/null)"
	if ! big=$(corpus); then
		echo "  skip: no corpus (no ../shared/bin/gen-corpus and no C compiler; see $LOG)"
	else
		size=$(fsize "$big")
		printf '  corpus: %s, %s MB, %s records\n' "$(basename "$big")" "$(calc '%.1f' "$size / 1e6")" \
			"$(wc -l <"$big")"
		row "ayak-norm (default: repair + NFC)" "$size" default "$(printf '%q' "$NORM") $(printf '%q' "$big") >/dev/null"
		d_mbs=$R_MBS
		if have uconv; then
			row "uconv -x any-nfc (ICU $(uconv --version 2>/dev/null | grep -Eo 'ICU [0-9.]+' | head -n 1 | cut -d' ' -f2))" \
				"$size" uconv "uconv -f utf-8 -t utf-8 -x any-nfc $(printf '%q' "$big") >/dev/null"
			u_mbs=$R_MBS
		else
			echo "  skip: uconv (Debian's icu-devtools) not installed"
		fi
		row "ayak-norm --nfkc --punct" "$size" nfkc "$(printf '%q' "$NORM") --nfkc --punct $(printf '%q' "$big") >/dev/null"
		row "ayak-norm --expand-slang" "$size" slang "$(printf '%q' "$NORM") --expand-slang $(printf '%q' "$big") >/dev/null"
		s_mbs=$R_MBS
		row "ayak-norm: all Malay flags" "$size" malay \
			"$(printf '%q' "$NORM") --expand-slang --reduplication --elongation --jawi-to-rumi $(printf '%q' "$big") >/dev/null"
		a_mbs=$R_MBS
		[ -n "$d_mbs" ] && [ -n "$u_mbs" ] &&
			printf '  ayak-norm default / uconv: %sx (ayak-norm also parses JSON and does more than NFC)\n' \
				"$(calc '%.1f' "$d_mbs / $u_mbs")"
		"$NORM" --stats "$B/norm-stats.json" "$big" >/dev/null 2>>"$LOG" &&
			printf '  default-mode changes: %s\n' "$(sed 's/.*"counts"://; s/}}*$/}/' "$B/norm-stats.json")"
	fi

	# -- 2. slang accuracy --
	section "2. --expand-slang against reference normalizations (words with digits apart)"
	local tw=$DATA/malaysian-dataset/twitter_normalization_pairs.txt
	local sy=$DATA/malaysian-dataset/synthetic_normalization_pairs.tsv
	if ! have python3; then
		echo "  skip: python3 missing"
	elif [ ! -s "$tw" ] || [ ! -s "$sy" ]; then
		echo "  skip: $tw or $sy missing (no ../shared beside the project)"
	else
		for flags in "--expand-slang" "--expand-slang --keep-informal"; do
			# shellcheck disable=SC2086 # flags is a list
			python3 "$here/norm-eval.py" --norm "$NORM" --pairs twitter "$tw" --pairs tsv "$sy" \
				-- $flags 2>>"$LOG" | sed 's/^/  /' || echo "  error: norm-eval.py failed (see $LOG)"
		done
		echo "  (\"already-correct words changed\": words the reference keeps as they are; the twitter"
		echo "   reference keeps colloquial tak, nak, dah, tu, ni, kat, which --expand-slang makes formal"
		echo "   and --keep-informal keeps)"
	fi

	# -- 3. Jawi --
	section "3. --jawi-to-rumi against the UDHR in Latin script"
	if ! have python3; then
		echo "  skip: python3 missing"
	elif [ ! -s "$DATA/udhr/mly_arab.txt" ]; then
		echo "  skip: $DATA/udhr missing"
	else
		local lex=$B/norm-lex-heldout
		rm -rf "$lex" && mkdir -p "$lex/norm" && cp "$AYAK_TOP/lexicons/norm/words.txt" "$lex/norm/" &&
		python3 "$here/norm-build-jawi.py" --lines 0:45 "$DATA/udhr" >"$lex/norm/jawi.tsv" 2>>"$LOG" &&
		AYAK_LEXICONS=$lex python3 "$here/norm-eval.py" --norm "$NORM" --pairs udhr:45:1000 "$DATA/udhr" \
			-- --jawi-to-rumi 2>>"$LOG" | sed 's/^/  held-out, dictionary from lines 1-45: /' ||
			echo "  error (see $LOG)"
		python3 "$here/norm-build-jawi.py" --no-own --lines 0:0 "$DATA/udhr" >"$lex/norm/jawi.tsv" 2>>"$LOG" &&
		AYAK_LEXICONS=$lex python3 "$here/norm-eval.py" --norm "$NORM" --pairs udhr "$DATA/udhr" \
			-- --jawi-to-rumi 2>>"$LOG" | sed 's/^/  no dictionary (word list and rules only): /' ||
			echo "  error (see $LOG)"
		echo "  (the shipped dictionary holds all of the UDHR, so it is not measured on it)"
	fi

	# -- 4. reduplication --
	section "4. --reduplication against the reduplicated words of the DBP word lists"
	if ! have python3; then
		echo "  skip: python3 missing"
	elif [ ! -s "$DATA/malaya/kamus_dewan_words.txt" ]; then
		echo "  skip: $DATA/malaya missing"
	else
		python3 - "$DATA/malaya" "$NORM" <<-'EOF' 2>>"$LOG" | sed 's/^/  /'
		import json, re, subprocess, sys
		src, norm = sys.argv[1], sys.argv[2]
		cases, seen = [], set()
		for f in ('kamus_dewan_words.txt', 'dbp_words.txt'):
		    for w in open(src + '/' + f, encoding='utf-8'):
		        m = re.fullmatch(r'([a-z]+)-([a-z]+)', w.strip())
		        if not m:
		            continue
		        X, Y = m.groups()
		        best = None
		        for s in ('', 'nya', 'an', 'kan', 'i', 'lah', 'ku', 'mu'):
		            R = Y[:len(Y) - len(s)] if s else Y
		            if (not s or Y.endswith(s)) and len(R) >= 2 and X.endswith(R):
		                if best is None or len(R) > len(best[0]):
		                    best = (R, s)
		        if best and X + '2' + best[1] not in seen:
		            seen.add(X + '2' + best[1])
		            cases.append((X + '2' + best[1], w.strip()))
		inp = ''.join(json.dumps({'text': c[0]}) + '\n' for c in cases)
		out = subprocess.run([norm, '--reduplication'], input=inp.encode(), stdout=subprocess.PIPE,
		                     check=True).stdout.decode().split('\n')
		ok = changed = 0
		for (x, want), line in zip(cases, out):
		    got = json.loads(line)['text']
		    changed += got != x
		    ok += got == want
		print('%d words written X2 (X2nya...): %.1f%% right, %.1f%% left alone (base not in the'
		      ' word list), precision of the changes %.1f%%' % (len(cases), 100.0 * ok / len(cases),
		      100.0 * (len(cases) - changed) / len(cases), 100.0 * ok / max(1, changed)))
		EOF
	fi

	# -- targets --
	section "targets"
	if [ -n "$d_mbs" ]; then
		printf '  %-46s %s  (%s MB/s)\n' "default mode >= 300 MB/s" "$(pass_if "$d_mbs >= 300")" "$d_mbs"
	else printf '  %-46s n/a\n' "default mode >= 300 MB/s"; fi
	if [ -n "$d_mbs" ] && [ -n "$u_mbs" ]; then
		printf '  %-46s %s  (%s vs %s MB/s)\n' "default mode faster than uconv -x any-nfc" \
			"$(pass_if "$d_mbs > $u_mbs")" "$d_mbs" "$u_mbs"
	else printf '  %-46s n/a\n' "default mode faster than uconv -x any-nfc"; fi
	if [ -n "$s_mbs" ]; then
		printf '  %-46s %s  (%s MB/s)\n' "--expand-slang >= 100 MB/s" "$(pass_if "$s_mbs >= 100")" "$s_mbs"
	else printf '  %-46s n/a\n' "--expand-slang >= 100 MB/s"; fi
	echo
	echo "load average at end $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null); log $LOG"
}

main | tee "$B/norm-report.txt.tmp"
mv "$B/norm-report.txt.tmp" "$B/norm-report.txt"
exit 0
