#!/usr/bin/env bash
# tests/bench/lid-eval.sh: measure ayak-lid on its development split, beside fastText
# trained on exactly the same training split and the pretrained franc-all, tinyld and
# eld, in one run (the lead's `make eval-lid` runs this).
#
#   tests/bench/lid-eval.sh [-m MODEL]
#
# Prints, for each system and for the two development sets (whole documents as the
# sources have them, and the same documents cut into sentences of 3 words or more):
# per-label precision, recall and F1, the zsm/ind confusion overall and by length
# band (<50, 50-100, 100-200, >200 characters), and a summary table with speed
# (MB of text per second, one core for ayak-lid, as the tool runs it for the others).
# Also saved as $AYAK_BUILD/lid/eval-report.txt.
#
# The development split is built by tests/bench/lid-data.py (never trained on).  It
# was also used to choose ayak-lid's settings, so it is not an independent test:
# FLORES-200, SIB-200 and Tatoeba are the reserved ones, and they are not read here.
#
# Whatever is missing is skipped with "skip: ..." and the exit status stays 0:
# ../shared/data (then nothing can be measured), python3, fasttext (Debian package
# fasttext), node and the npm peers (../shared/bin/install-peers puts them in
# $AYAK_PEERS, default ~/.cache/ayak-peers).  fastText's model is trained on the
# first run (several minutes) and kept in $AYAK_BUILD/lid, keyed by the training
# file and settings.
#
# Environment: AYAK_TOP, AYAK_BUILD, AYAK_SHARED, AYAK_PEERS, AYAK_LID (the ayak-lid
# to measure; default $AYAK_TOP/bin/ayak-lid), LID_EVAL_PEERS (default
# "fasttext franc-all tinyld eld"; empty for ayak-lid alone).
set -u
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
AYAK_TOP=${AYAK_TOP:-$(cd "$here/../.." && pwd -P)}
AYAK_BUILD=${AYAK_BUILD:-$AYAK_TOP/build}
AYAK_SHARED=${AYAK_SHARED:-$AYAK_TOP/../shared}
AYAK_PEERS=${AYAK_PEERS:-$HOME/.cache/ayak-peers}
LID=${AYAK_LID:-$AYAK_TOP/bin/ayak-lid}
PEERS=${LID_EVAL_PEERS-fasttext franc-all tinyld eld}
DATA=$AYAK_SHARED/data
OUT=$AYAK_BUILD/lid
MODEL=$AYAK_TOP/lexicons/lid/model.bin
export AYAK_PEERS

while [ $# -gt 0 ]; do
	case $1 in
	-m) MODEL=$2; shift 2 ;;
	*) echo "usage: lid-eval.sh [-m MODEL]" >&2; exit 2 ;;
	esac
done

have() { command -v "$1" >/dev/null 2>&1; }
skip() { echo "  skip: $*"; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
mbps() { awk -v b="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.2f", b / 1e6 / s; else print "-" }'; }

mkdir -p "$OUT" || exit 0
SUMMARY=$OUT/eval-summary.txt

main() {
	echo "ayak-lid evaluation  $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "machine: $(uname -srm), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //'), load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
	if ! [ -f "$DATA/MANIFEST.md" ]; then
		skip "no development data: $DATA is missing (set AYAK_SHARED)"
		return 0
	fi
	if ! have python3; then
		skip "python3 is needed to build and score the development split"
		return 0
	fi
	if ! [ -x "$LID" ]; then
		skip "$LID is not built (run make)"
		return 0
	fi
	if ! [ -f "$OUT/dev-doc.jsonl" ] || ! [ -f "$OUT/train.fasttext" ] ||
	   [ "$here/lid-data.py" -nt "$OUT/dev-doc.jsonl" ]; then
		echo "building the development split in $OUT ..." >&2
		python3 "$here/lid-data.py" --data "$DATA" --out "$OUT" \
			--markers "$AYAK_TOP/lexicons/lid/markers.tsv" >/dev/null || { skip "lid-data.py failed"; return 0; }
	fi
	echo "model: $MODEL ($("$LID" --model "$MODEL" --model-info 2>/dev/null | sed -n 's/^version: //p'))"
	echo "data: $(sed -n 1p "$OUT/data-report.txt"); development split: $(wc -l <"$OUT/dev-doc.jsonl") documents, $(wc -l <"$OUT/dev-sent.jsonl") sentences"
	echo "      (the split also served to choose ayak-lid's settings; reserved test sets are not read)"
	for s in doc sent; do
		python3 -c '
import json, sys
n = 0
with open(sys.argv[1], encoding="utf-8") as f, open(sys.argv[2], "w", encoding="utf-8") as o:
    for line in f:
        t = json.loads(line)["text"]
        n += len(t.encode("utf-8"))
        o.write(" ".join(t.split()) + "\n")
print(n)' "$OUT/dev-$s.jsonl" "$OUT/dev-$s.txt" >"$OUT/dev-$s.bytes"
	done
	: >"$SUMMARY"

	echo
	echo "1. ayak-lid"
	echo "==========="
	for s in doc sent; do
		local t0 t1 bytes
		bytes=$(cat "$OUT/dev-$s.bytes")
		t0=$(now)
		"$LID" --model "$MODEL" "$OUT/dev-$s.jsonl" >"$OUT/pred-ayak-$s.jsonl" || { skip "ayak-lid failed"; return 0; }
		t1=$(now)
		echo
		python3 "$here/lid-score.py" --name ayak-lid --set "$s" --labels "$([ $s = doc ] && echo all || echo msa)" \
			"$OUT/dev-$s.jsonl" "$OUT/pred-ayak-$s.jsonl" | tee "$OUT/score-ayak-$s.txt" | grep -v '^SUMMARY'
		echo "SUMMARY ayak-lid $s $(sed -n 's/^SUMMARY [^ ]* [^ ]* //p' "$OUT/score-ayak-$s.txt") MB/s=$(mbps "$bytes" "$(secs "$t0" "$t1")")" >>"$SUMMARY"
	done

	local n=1 peer
	for peer in $PEERS; do
		n=$((n + 1))
		echo
		echo "$n. $peer"
		echo "$n. $peer" | sed 's/./=/g'
		case $peer in
		fasttext) run_fasttext ;;
		*) run_node_peer "$peer" ;;
		esac
	done

	echo
	echo "Summary (zsm and ind F1 over all development texts; >200: documents or sentences over 200"
	echo "characters; zsm/ind acc: accuracy on the zsm and ind texts; acc: over the labels the system has;"
	echo "MB/s: MB of text (UTF-8) per second of wall time, start-up and model loading included)"
	printf '  %-10s %-5s %7s %7s %9s %9s %8s %7s %8s\n' system set zsmF1 indF1 'zsm>200' 'ind>200' 'zsm/ind' acc 'MB/s'
	sed 's/[^ =]*=//g' "$SUMMARY" | awk '{ printf "  %-10s %-5s %7s %7s %9s %9s %8s %7s %8s\n", $2, $3, $4, $5, $6, $7, $8, $9, $10 }'
}

run_fasttext() {
	if ! have fasttext; then
		skip "fasttext is not installed (Debian: apt-get install fasttext)"
		return 0
	fi
	# Good settings: character n-grams 1-5 and word pairs, as ayak-lid has; 2 threads.
	local args="-minn 1 -maxn 5 -wordNgrams 2 -dim 100 -epoch 15 -lr 1.0 -bucket 2000000 -loss softmax -thread 2 -seed 1"
	local key ft
	key=$( (sha256sum "$OUT/train.fasttext" | cut -c1-16; echo "$args") | sha256sum | cut -c1-12)
	ft=$OUT/fasttext-$key
	echo "fastText $(dpkg-query -W -f '${Version}' fasttext 2>/dev/null), trained on the same training split ($(wc -l <"$OUT/train.fasttext") texts): fasttext supervised $args"
	if ! [ -f "$ft.bin" ]; then
		echo "training fastText (several minutes; kept as $ft.bin) ..." >&2
		local t0 t1
		t0=$(now)
		# shellcheck disable=SC2086
		fasttext supervised -input "$OUT/train.fasttext" -output "$ft" $args -verbose 0 >/dev/null 2>&1 ||
			{ skip "fasttext supervised failed"; return 0; }
		t1=$(now)
		echo "trained in $(secs "$t0" "$t1") s" >"$ft.log"
		rm -f "$ft.vec"
	fi
	cat "$ft.log" 2>/dev/null
	echo "model size: $(wc -c <"$ft.bin") bytes"
	local s
	for s in doc sent; do
		local t0 t1
		t0=$(now)
		fasttext predict "$ft.bin" "$OUT/dev-$s.txt" | sed 's/^__label__//' >"$OUT/pred-fasttext-$s.txt"
		t1=$(now)
		echo
		python3 "$here/lid-score.py" --name fastText --set "$s" --labels msa \
			"$OUT/dev-$s.jsonl" "$OUT/pred-fasttext-$s.txt" | tee "$OUT/score-fasttext-$s.txt" | grep -v '^SUMMARY'
		echo "SUMMARY fastText $s $(sed -n 's/^SUMMARY [^ ]* [^ ]* //p' "$OUT/score-fasttext-$s.txt") MB/s=$(mbps "$(cat "$OUT/dev-$s.bytes")" "$(secs "$t0" "$t1")")" >>"$SUMMARY"
	done
}

run_node_peer() {
	local peer=$1 s
	if ! have node; then
		skip "node is not installed"
		return 0
	fi
	if ! [ -d "$AYAK_PEERS/node_modules/$peer" ]; then
		skip "$peer is not installed ($AYAK_SHARED/bin/install-peers --no-apt installs it in $AYAK_PEERS)"
		return 0
	fi
	echo "$peer $(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$AYAK_PEERS/node_modules/$peer/package.json" | head -n 1), pretrained; scored on the labels it can give"
	for s in doc sent; do
		local t0 t1 sup
		t0=$(now)
		node "$here/lid-peers.mjs" "$peer" "$OUT/dev-$s.jsonl" >"$OUT/pred-$peer-$s.txt" 2>"$OUT/pred-$peer-$s.err" ||
			{ skip "$peer failed: $(head -n 3 "$OUT/pred-$peer-$s.err")"; return 0; }
		t1=$(now)
		sup=$(sed -n 's/^supported: //p' "$OUT/pred-$peer-$s.err")
		echo
		python3 "$here/lid-score.py" --name "$peer" --set "$s" --labels msa --supported "$sup" \
			"$OUT/dev-$s.jsonl" "$OUT/pred-$peer-$s.txt" | tee "$OUT/score-$peer-$s.txt" | grep -v '^SUMMARY'
		echo "SUMMARY $peer $s $(sed -n 's/^SUMMARY [^ ]* [^ ]* //p' "$OUT/score-$peer-$s.txt") MB/s=$(mbps "$(cat "$OUT/dev-$s.bytes")" "$(secs "$t0" "$t1")")" >>"$SUMMARY"
	done
}

main | tee "$OUT/eval-report.txt"
exit 0
