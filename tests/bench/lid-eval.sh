#!/usr/bin/env bash
# tests/bench/lid-eval.sh: measure ayak-lid on its development split, beside fastText
# trained on exactly the texts ayak-lid trains on (the training split and Apertium's
# Indonesian translations of its Malaysian sentences, lid-fasttext.py) and the
# pretrained franc-all, tinyld and eld, in one run (the lead's `make eval-lid` runs this).
#
#   tests/bench/lid-eval.sh [-m MODEL]
#
# Prints, for each system and for the two development sets (whole documents as the
# sources have them, and the same documents cut into sentences of 3 words or more):
# per-label precision, recall and F1, the zsm/ind confusion overall and by length
# band (<50, 50-100, 100-200, >200 characters), the same for the zsm and ind texts
# that hold a strong marker word of lexicons/lid/markers.tsv, for ayak-lid and fastText
# how often a label given with a score in each band was right (a reliability table, and
# the expected calibration error; fastText's scores from predict-prob), mixed-language documents
# made of development sentences (tests/bench/lid-mixed.py: labels per line, the
# document's label and the shares, with --by line and without), the same scores on
# seven sources neither ayak-lid nor fastText saw (tests/bench/lid-heldout.py: both
# trained again without them, with the same settings), both scored against a blind
# reading of a sample of their sentences (tests/bench/lid-reading.py), the words that
# pushed the Malaysian/Indonesian errors of both to the wrong side (ayak-lid --explain,
# tests/bench/lid-why.py), Jawi in spans of 1 to 8 words of the UDHR and Arabic, Persian
# and Urdu called Jawi (tests/bench/lid-jawi.py), what the UDHR in 400 languages without
# a label is called (tests/bench/lid-openset.py), speed (MB of text per
# CPU second, one core: ayak-lid and fastText predict on the same development text,
# and ayak-lid on the 50 MB web corpus of ../shared/bin/gen-corpus --seed 1), and a
# summary table.
# Also saved as $AYAK_BUILD/eval-lid.txt (and $AYAK_BUILD/lid/eval-report.txt).
#
# The development split is built by tests/bench/lid-data.py (never trained on).  It
# was also used to choose ayak-lid's settings, so it is not an independent test:
# FLORES-200, SIB-200 and Tatoeba are the reserved ones, and they are not read here.
#
# Whatever is missing is skipped with "skip: ..." and the exit status stays 0:
# ../shared/data (then nothing can be measured), python3, fasttext (Debian package
# fasttext), apertium and apertium-ind-zlm (for the held-out model, which
# lid-train.sh trains, and fastText's translations when lid-train.sh has not made
# them: without, fastText trains on the training split alone, and says so), node and
# the npm peers (../shared/bin/install-peers puts them in $AYAK_PEERS, default
# ~/.cache/ayak-peers).  fastText's model is trained on the
# first run (15 minutes on 2 busy cores; a 715 MB file) and kept in $AYAK_BUILD/lid,
# keyed by the training file and settings; so are the two held-out models (in
# $AYAK_BUILD/lid/heldout: fastText's takes as long again, ayak-lid's 2 minutes).
#
# Environment: AYAK_TOP, AYAK_BUILD, AYAK_SHARED, AYAK_PEERS, AYAK_LID (the ayak-lid
# to measure; default $AYAK_TOP/bin/ayak-lid), LID_EVAL_PEERS (default
# "fasttext franc-all tinyld eld"; empty for ayak-lid alone), LID_EVAL_FASTTEXT_ARGS
# (fastText's settings; default "-minn 2 -maxn 5 -wordNgrams 2 -dim 64 -epoch 15
# -lr 0.8 -bucket 2000000 -loss softmax -thread 2 -seed 1").

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
AYAK_PEERS=${AYAK_PEERS:-$HOME/.cache/ayak-peers}
LID=${AYAK_LID:-$AYAK_TOP/bin/ayak-lid}
PEERS=${LID_EVAL_PEERS-fasttext franc-all tinyld eld}
FT_ARGS=${LID_EVAL_FASTTEXT_ARGS:-"-minn 2 -maxn 5 -wordNgrams 2 -dim 64 -epoch 15 -lr 0.8 -bucket 2000000 -loss softmax -thread 2 -seed 1"}
DATA=$AYAK_SHARED/data
OUT=$AYAK_BUILD/lid
MODEL=$AYAK_TOP/lexicons/lid/model.bin
MARKERS=$AYAK_TOP/lexicons/lid/markers.tsv
FW2_ZSM=$DATA/fineweb2/wordlists-0.85_zsm_Latn.txt
FT_BIN= # fastText's model, once run_fasttext has it
export AYAK_PEERS

while [ $# -gt 0 ]; do
	case $1 in
	-m) MODEL=$2; shift 2 ;;
	*) echo "usage: lid-eval.sh [-m MODEL]" >&2; exit 2 ;;
	esac
done

skip() { echo "  skip: $*"; }

# text_lines JSONL TXT: the texts of JSONL one per line in TXT, their spaces joined (as
# fastText reads them); prints how many bytes of UTF-8 text there were.
text_lines() {
	python3 -c '
import json, sys
n = 0
with open(sys.argv[1], encoding="utf-8") as f, open(sys.argv[2], "w", encoding="utf-8") as o:
    for line in f:
        t = json.loads(line)["text"]
        n += len(t.encode("utf-8"))
        o.write(" ".join(t.split()) + "\n")
print(n)' "$1" "$2"
}
now() { date +%s.%N; }
# timed FILE CMD...: run CMD, writing "wall user+system" seconds to FILE
timed() {
	local f=$1
	shift
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%e %U %S' -o "$f.raw" "$@" || return
		awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }' "$f.raw" >"$f"
	else
		local t0 t1
		t0=$(now)
		"$@" || return
		t1=$(now)
		echo "$(secs "$t0" "$t1") $(secs "$t0" "$t1")" >"$f"
	fi
}
cpu_of() { cut -d' ' -f2 "$1"; }
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
	if ! [ -f "$OUT/dev-doc.jsonl" ] || ! [ -f "$OUT/train.fasttext" ] || ! [ -f "$OUT/test-extra.jsonl" ] ||
	   [ "$here/lid-data.py" -nt "$OUT/dev-doc.jsonl" ] || [ "$here/lid-debian.py" -nt "$OUT/dev-doc.jsonl" ]; then
		echo "building the development split in $OUT (as lid-train.sh does) ..." >&2
		lid_split "$OUT" "$DATA" "$AYAK_TOP/lexicons/lid/markers.tsv" optional ||
			{ skip "lid-data.py failed"; return 0; }
		[ -z "$LID_SPLIT_NOTE" ] || skip "$LID_SPLIT_NOTE, for fastText too"
	fi
	echo "model: $MODEL ($("$LID" --model "$MODEL" --model-info 2>/dev/null | sed -n 's/^version: //p'), $(wc -c <"$MODEL") bytes, sha256 $(sha256sum "$MODEL" | cut -d' ' -f1))"
	echo "data: $(sed -n 1p "$OUT/data-report.txt"); development split: $(wc -l <"$OUT/dev-doc.jsonl") documents, $(wc -l <"$OUT/dev-sent.jsonl") sentences"
	echo "      (the split also served to choose ayak-lid's settings; reserved test sets are not read)"
	for s in doc sent; do
		text_lines "$OUT/dev-$s.jsonl" "$OUT/dev-$s.txt" >"$OUT/dev-$s.bytes"
	done
	: >"$SUMMARY"

	echo
	echo "1. ayak-lid"
	echo "==========="
	for s in doc sent; do
		local bytes
		bytes=$(cat "$OUT/dev-$s.bytes")
		"$LID" --model "$MODEL" -o "$OUT/pred-ayak-$s.jsonl" "$OUT/dev-$s.jsonl" ||
			{ skip "ayak-lid failed"; return 0; }
		# One pass takes a tenth of a second, /usr/bin/time's step 10 ms: timed over ten
		# passes in one run (start-up and model loading once), divided by ten.
		for _ in 1 2 3 4 5 6 7 8 9 10; do cat "$OUT/dev-$s.jsonl"; done >"$OUT/dev-$s.x10.jsonl"
		timed "$OUT/time-ayak-$s.x10" "$LID" --model "$MODEL" -o /dev/null "$OUT/dev-$s.x10.jsonl" ||
			{ skip "ayak-lid failed"; return 0; }
		rm -f "$OUT/dev-$s.x10.jsonl"
		awk '{ printf "%.4f %.4f\n", $1 / 10, $2 / 10 }' "$OUT/time-ayak-$s.x10" >"$OUT/time-ayak-$s"
		echo
		python3 "$here/lid-score.py" --name ayak-lid --set "$s" --labels "$([ $s = doc ] && echo all || echo msa)" \
			--keep-table zsm_Latn --markers "$MARKERS" --calibration "$OUT/pred-ayak-$s.jsonl" \
			"$OUT/dev-$s.jsonl" "$OUT/pred-ayak-$s.jsonl" | tee "$OUT/score-ayak-$s.txt" | grep -v '^SUMMARY'
		echo "SUMMARY ayak-lid $s $(sed -n 's/^SUMMARY [^ ]* [^ ]* //p' "$OUT/score-ayak-$s.txt") MB/s=$(mbps "$bytes" "$(cpu_of "$OUT/time-ayak-$s")")" >>"$SUMMARY"
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
	echo "Mixed text"
	echo "=========="
	mixed malay-first mixed
	echo
	mixed english-first mixed-english
	echo
	echo "Code-switching inside a line"
	echo "============================"
	python3 "$here/lid-switch-eval.py" "$OUT/dev-sent.jsonl" --lid "$LID" --model "$MODEL" --half 1 \
		--cost 1.5 --cost 2 --cost 2.5 || skip "lid-switch-eval.py failed"
	echo
	echo "Held-out sources"
	echo "================"
	heldout
	echo
	echo "Words behind the errors"
	echo "======================="
	why
	echo
	echo "Software strings"
	echo "================"
	software
	echo
	echo "Jawi in short texts"
	echo "==================="
	python3 "$here/lid-jawi.py" --lid "$LID" --model "$MODEL" --data "$DATA" \
		--dev "$OUT/dev-doc.jsonl" --dev "$OUT/dev-sent.jsonl" || skip "lid-jawi.py failed"
	echo
	echo "Languages without a label"
	echo "========================="
	openset
	echo
	echo "Against a blind reading"
	echo "======================="
	reading
	echo
	echo "Speed"
	echo "====="
	speed
	echo
	echo "Summary (set: doc and sent, the development documents and sentences; held, the sentences of"
	echo "the held-out sources, scored with models trained without them; soft, the development strings"
	echo "of Debian's translations; ref, the Indonesian Debian Reference.  zsmF1, indF1: F1 over all"
	echo "the texts of the set, false positives from every label included; >200: over the texts of"
	echo "more than 200 characters; marked: over the zsm and ind texts with at least one strong marker"
	echo "word of lexicons/lid/markers.tsv; zsm/ind: accuracy on the zsm and ind texts; acc: over the"
	echo "labels the system has; MB/s: MB (10^6 bytes) of text, UTF-8, per CPU second, one core: user +"
	echo "system time of the whole run for fastText predict, and a tenth of that of ayak-lid reading"
	echo "the set ten times in one run (start-up and model loading included), the detection loop for"
	echo "the npm peers; ECE: expected calibration error of the scores against the labels, over all"
	echo "the texts, and over the zsm and ind ones, the reliability tables in the sections above;"
	echo "dev-read and held-read: F1 against the blind reading; vs-fastText, dev-diff and held-diff:"
	echo "ayak-lid's F1 less fastText's against the reading, how often it is 0 or below on the same"
	echo "resamples in \"Against a blind reading\" above)"
	printf '  %-10s %-5s %7s %7s %8s %8s %8s %8s %8s %7s %8s %7s %7s\n' system set zsmF1 indF1 'zsm>200' \
		'ind>200' 'zsm-mkd' 'ind-mkd' 'zsm/ind' acc 'MB/s' ECE 'ECE-zi'
	awk '{ delete v; for (i = 4; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		printf "  %-10s %-5s %7s %7s %8s %8s %8s %8s %8s %7s %8s %7s %7s\n", $2, $3, v["zsmF1"], v["indF1"],
			v["zsmF1>200"], v["indF1>200"], v["marked-zsmF1"], v["marked-indF1"], v["zsm/ind-acc"],
			v["acc"], v["MB/s"], v["ece"], v["ece-zsm/ind"] }' "$SUMMARY"
}

# Mixed documents (tests/bench/lid-mixed.py): development sentences joined one per line,
# Malaysian or Indonesian with English lines, Malaysian with Indonesian, and pure ones
# (malay-first, in mixed.jsonl), or English with Malaysian or Indonesian lines
# (english-first, in mixed-english.jsonl); ayak-lid --by line, ayak-lid on the whole
# document, and fastText on each line with the same rule for shares and the document's label.
mixed() {
	local kinds=$1 name=$2 gold=$OUT/$2.jsonl
	if ! [ -s "$gold" ] || [ "$OUT/dev-sent.jsonl" -nt "$gold" ] || [ "$here/lid-mixed.py" -nt "$gold" ]; then
		python3 "$here/lid-mixed.py" make --kinds "$kinds" "$OUT/dev-sent.jsonl" "$gold" "$OUT/$name-lines.txt" ||
			{ skip "lid-mixed.py make failed"; return 0; }
	fi
	echo "$kinds: documents of 3 to 10 development sentences, one per line; mixed: 1 to half of the"
	echo "lines in a second language; the truth's label and shares by ayak-lid's rule (--mixed 0.2)"
	echo "over the letters of each line's true label.  lines: lines labelled right; label: document"
	echo "labels right; dominant: the first label right; mixed-P/R/F1: finding the documents with a"
	echo "second language; share-err: half the sum of |predicted - true share| over the labels, mean."
	"$LID" --model "$MODEL" --by line -o "$OUT/pred-ayak-$name.jsonl" "$gold" &&
		"$LID" --model "$MODEL" -o "$OUT/pred-ayak-$name-doc.jsonl" "$gold" ||
		{ skip "ayak-lid failed"; return 0; }
	local systems=("ayak-lid --by line=$OUT/pred-ayak-$name.jsonl" "ayak-lid (whole text)=$OUT/pred-ayak-$name-doc.jsonl")
	if [ -n "$FT_BIN" ] && [ -f "$FT_BIN" ]; then
		fasttext predict "$FT_BIN" "$OUT/$name-lines.txt" >"$OUT/pred-fasttext-$name.txt" &&
			systems+=("fastText (each line)=$OUT/pred-fasttext-$name.txt")
	fi
	python3 "$here/lid-mixed.py" score "$gold" "${systems[@]}"
}

# Held-out sources (tests/bench/lid-heldout.py): ayak-lid, with the shipped model's settings
# (tests/bench/lid-train.sh --prepared), and fastText, with its settings above, trained
# without seven Malaysian and Indonesian sources and tested on those sources' sentences.
# Both models are kept in $OUT/heldout, keyed by what made them.
heldout() {
	local dir=$OUT/heldout key model s
	python3 "$here/lid-heldout.py" "$OUT" "$dir" >"$dir.log" 2>&1 || { skip "lid-heldout.py failed: $(tail -n 1 "$dir.log")"; return 0; }
	echo "trained without: $(sed -n "/^HELD_OUT/,/^)/s/^ *'\([^']*\)'.*/\1/p" "$here/lid-heldout.py" | tr '\n' ' ')"
	echo "$(cat "$dir.log"); the same settings as the shipped model and as fastText above"
	key=$(cat "$dir/train.jsonl" "$LID" "$here/lid-train.sh" | sha256sum | cut -c1-12)
	model=$dir/ayak-$key.bin
	if ! [ -f "$model" ]; then
		echo "training ayak-lid without the held-out sources (about 2 minutes) ..." >&2
		AYAK_LID=$LID bash "$here/lid-train.sh" --prepared "$dir" -o "$model" 2>"$dir/train.log" ||
			{ rm -f "$model"; skip "lid-train.sh --prepared failed: $(tail -n 1 "$dir/train.log")"; return 0; }
	fi
	"$LID" --model "$model" -o "$dir/pred-ayak.jsonl" "$dir/test.jsonl" || { skip "ayak-lid failed"; return 0; }
	HELD_MODEL=$model
	local versus=() ft_cal=()
	if have fasttext; then
		ft_input "$dir"
		echo "fastText trained on the same texts: $FT_TEXTS"
		ft_train "$FT_INPUT" "$dir"
		if [ -n "$FT_MODEL" ] && fasttext predict "$FT_MODEL" "$dir/test.txt" >"$dir/pred-fasttext.raw"; then
			sed 's/^__label__//' "$dir/pred-fasttext.raw" >"$dir/pred-fasttext.txt"
			versus=(--versus "fastText=$dir/pred-fasttext.txt")
			fasttext predict-prob "$FT_MODEL" "$dir/test.txt" >"$dir/pred-fasttext.prob" &&
				ft_cal=(--calibration "$dir/pred-fasttext.prob")
		fi
	else
		skip "fasttext is not installed: ayak-lid alone"
	fi
	echo
	python3 "$here/lid-score.py" --name ayak-lid --set held-out --labels msa --per-source "${versus[@]}" \
		--keep-table zsm_Latn --markers "$MARKERS" --calibration "$dir/pred-ayak.jsonl" \
		"$dir/test.jsonl" "$dir/pred-ayak.jsonl" | tee "$dir/score-ayak.txt" | grep -v '^SUMMARY'
	echo "SUMMARY ayak-lid held $(sed -n 's/^SUMMARY [^ ]* [^ ]* //p' "$dir/score-ayak.txt")" >>"$SUMMARY"
	[ ${#versus[@]} -gt 0 ] || return 0
	echo
	python3 "$here/lid-score.py" --name fastText --set held-out --labels msa --per-source \
		--markers "$MARKERS" "${ft_cal[@]}" "$dir/test.jsonl" "$dir/pred-fasttext.txt" | tee "$dir/score-fasttext.txt" | grep -v '^SUMMARY'
	echo "SUMMARY fastText held $(sed -n 's/^SUMMARY [^ ]* [^ ]* //p' "$dir/score-fasttext.txt")" >>"$SUMMARY"
}

# What made the Malaysian/Indonesian errors (ayak-lid --explain, tests/bench/lid-why.py): the
# words and pairs whose shares pushed the development and held-out sentences to the wrong side,
# summed over them.  A word a source chose its texts by, or label noise, shows at the top.
why() {
	echo "development sentences, the shipped model:"
	"$LID" --model "$MODEL" --explain 1000 -o "$OUT/why-sent.jsonl" "$OUT/dev-sent.jsonl" &&
		python3 "$here/lid-why.py" "$OUT/why-sent.jsonl" || skip "ayak-lid --explain or lid-why.py failed"
	[ -n "${HELD_MODEL:-}" ] || return 0
	echo "held-out sentences, the held-out model:"
	"$LID" --model "$HELD_MODEL" --explain 1000 -o "$OUT/heldout/why.jsonl" "$OUT/heldout/test.jsonl" &&
		python3 "$here/lid-why.py" "$OUT/heldout/why.jsonl" || skip "ayak-lid --explain or lid-why.py failed"
}

# Text in the languages the model has no label for (tests/bench/lid-openset.py): the UDHR in
# 532 versions (lid_udhr, common.sh), none of them trained on but the 11 of ../shared/data,
# and the other locales' strings of the Debian packages lid-debian.py fetched (when there).
openset() {
	local debs=()
	lid_udhr "$OUT/udhr" || { skip "$LID_UDHR_NOTE"; return 0; }
	ls "$OUT/debian/debs/"*.deb >/dev/null 2>&1 && debs=(--debs "$OUT/debian/debs")
	python3 "$here/lid-openset.py" --lid "$LID" --model "$MODEL" --udhr "$OUT/udhr/package" "${debs[@]}" \
		--dev-pred "sentences=$OUT/pred-ayak-sent.jsonl" --dev-pred "documents=$OUT/pred-ayak-doc.jsonl" ||
		skip "lid-openset.py failed"
}

# A blind reading (tests/bench/lid-reading.py): the labels are the sources', and a sentence of
# an Indonesian source may be good Malaysian Malay as well, or no sentence at all.  Scores
# the development and held-out sentences against what readers who saw no label, source or
# answer made of a stratified sample of them (tests/bench/lid-reading-{dev,held}.tsv).
reading() {
	local set gold systems scores ft_prob
	for set in dev held; do
		if [ $set = dev ]; then
			gold=$OUT/dev-sent.jsonl
			systems=("ayak-lid=$OUT/pred-ayak-sent.jsonl" "fastText=$OUT/pred-fasttext-sent.txt")
		else
			gold=$OUT/heldout/test.jsonl
			systems=("ayak-lid=$OUT/heldout/pred-ayak.jsonl" "fastText=$OUT/heldout/pred-fasttext.txt")
		fi
		[ -s "${systems[0]#*=}" ] || { skip "no ayak-lid answers for $gold"; continue; }
		# how often each was right with a score in each band: ayak-lid's scores are in its
		# output, fastText's in predict-prob's (beside its labels, .prob for .txt)
		scores=(--scores "${systems[0]}")
		ft_prob=${systems[1]#*=}
		ft_prob=${ft_prob%.txt}.prob
		if ! [ -s "${systems[1]#*=}" ] || ! [ "${systems[1]#*=}" -nt "$gold" ]; then
			skip "no fastText answers newer than $gold: ayak-lid alone"
			systems=("${systems[0]}")
		elif [ -s "$ft_prob" ]; then
			scores+=(--scores "fastText=$ft_prob")
		fi
		python3 "$here/lid-reading.py" --set "$set-read" "${scores[@]}" "$here/lid-reading-$set.tsv" \
			"$gold" "${systems[@]}" \
			>"$OUT/reading-$set.txt" || { skip "lid-reading.py failed"; continue; }
		grep -v '^SUMMARY' "$OUT/reading-$set.txt"
		grep '^SUMMARY' "$OUT/reading-$set.txt" >>"$SUMMARY"
		echo
	done
}

# Speed on web documents: ayak-lid over a 50 MB corpus of ../shared/bin/gen-corpus (the one
# tests/bench/lid.sh times; documents of a median 700 characters, the longest read in
# --sample windows), in CPU seconds (tests/bench/lid.sh puts ayak-cat beside it).
speed() {
	local corpus=$AYAK_BUILD/bench/lid-corpus-50.jsonl bytes
	echo "development texts, one core (CPU seconds: user + system), start-up and model loading included"
	echo "(ayak-lid: a tenth of a run that reads the set ten times):"
	local s sys
	for s in doc sent; do
		for sys in ayak fasttext; do
			[ -f "$OUT/time-$sys-$s" ] || continue
			awk -v n="$([ $sys = ayak ] && echo ayak-lid || echo 'fasttext predict')" -v s="$s" -v b="$(cat "$OUT/dev-$s.bytes")" \
				'{ printf "  %-18s dev-%-5s %6.2f MB of text in %7.3f CPU s: %8.2f MB/s\n", n, s, b / 1e6, $2, ($2 > 0 ? b / 1e6 / $2 : 0) }' \
				"$OUT/time-$sys-$s"
		done
	done
	if ! [ -s "$corpus" ] && [ -x "$AYAK_SHARED/bin/gen-corpus" ]; then
		mkdir -p "$AYAK_BUILD/bench"
		"$AYAK_SHARED/bin/gen-corpus" --mb 50 --seed 1 >"$corpus.tmp" 2>/dev/null && mv "$corpus.tmp" "$corpus"
	fi
	if ! [ -s "$corpus" ]; then
		skip "no 50 MB corpus ($AYAK_SHARED/bin/gen-corpus is needed)"
		return 0
	fi
	bytes=$(wc -c <"$corpus")
	echo "web documents: gen-corpus --mb 50 --seed 1 ($bytes bytes of JSON lines), best of 3 runs, one core:"
	local run best=
	for run in 1 2 3; do
		timed "$OUT/time-web-lid-$run" "$LID" --model "$MODEL" -o /dev/null "$corpus" || break
		best=$(awk -v a="$best" -v b="$(cpu_of "$OUT/time-web-lid-$run")" 'BEGIN { print (a == "" || b < a) ? b : a }')
	done
	awk -v b="$bytes" -v c="$best" \
		'BEGIN { printf "  %-18s %8.3f CPU s: %8.2f MB/s\n", "ayak-lid", c, (c > 0 ? b / 1e6 / c : 0) }'
}

# The development tenth of Debian's Malay and Indonesian software strings (lid-debian.py,
# lid-data.py: dev-extra.jsonl), and the Indonesian Debian Reference, never trained on
# (test-extra.jsonl), both outside the development split of ../shared/data: ayak-lid,
# and fastText trained on the same training split.
software() {
	local set gold name
	for set in dev-extra:soft test-extra:ref; do
		gold=$OUT/${set%%:*}.jsonl name=${set#*:}
		if ! [ -s "$gold" ]; then
			skip "no $gold (Debian's translations could not be fetched)"
			return 0
		fi
		case $name in
		soft) echo "the development strings of Debian's translations ($(wc -l <"$gold") strings; lid-debian.py,"
		      echo "versions in $OUT/debian/versions.txt); not in the development split above" ;;
		ref) echo
		     echo "the Debian Reference in Indonesian, a manual in prose never trained on ($(wc -l <"$gold")"
		     echo "paragraphs; lid-debian.py, lid-data.py)" ;;
		esac
		"$LID" --model "$MODEL" -o "$OUT/pred-ayak-$name.jsonl" "$gold" || { skip "ayak-lid failed"; return 0; }
		python3 "$here/lid-score.py" --name ayak-lid --set "$name" --labels msa --per-source \
			"$gold" "$OUT/pred-ayak-$name.jsonl" | tee "$OUT/score-ayak-$name.txt" | grep -v '^SUMMARY'
		echo "SUMMARY ayak-lid $name $(sed -n 's/^SUMMARY [^ ]* [^ ]* //p' "$OUT/score-ayak-$name.txt")" >>"$SUMMARY"
		[ -n "$FT_BIN" ] || continue
		text_lines "$gold" "$OUT/$name.txt" >/dev/null
		fasttext predict "$FT_BIN" "$OUT/$name.txt" | sed 's/^__label__//' >"$OUT/pred-fasttext-$name.txt" ||
			{ skip "fasttext predict failed"; return 0; }
		echo
		python3 "$here/lid-score.py" --name fastText --set "$name" --labels msa --per-source \
			"$gold" "$OUT/pred-fasttext-$name.txt" | tee "$OUT/score-fasttext-$name.txt" | grep -v '^SUMMARY'
		echo "SUMMARY fastText $name $(sed -n 's/^SUMMARY [^ ]* [^ ]* //p' "$OUT/score-fasttext-$name.txt")" >>"$SUMMARY"
	done
}

# ft_input DIR: fastText's training file for the split in DIR (FT_INPUT), the texts
# ayak-lid's model trains on: DIR/train.fasttext and Apertium's translations of its
# Malaysian sentences (DIR/apertium.jsonl, as lid-train.sh made them, or made here with
# lid_augment when they are missing or of another DIR/train.jsonl), shuffled together
# (lid-fasttext.py).  Without Apertium, DIR/train.fasttext alone.  FT_TEXTS says which.
ft_input() {
	local dir=$1
	FT_INPUT=$dir/train.fasttext
	FT_TEXTS="$(wc -l <"$FT_INPUT") of the training split, without Apertium's translations, which ayak-lid trains on"
	if ! [ -s "$dir/apertium.jsonl" ] || ! sha256sum <"$dir/train.jsonl" | cmp -s - "$dir/apertium.from"; then
		if ! lid_have_apertium; then
			FT_TEXTS="$FT_TEXTS (apt-get install $LID_APERTIUM_PACKAGES)"
			return 0
		fi
		echo "translating the Malaysian training sentences of $dir with Apertium, for fastText ..." >&2
		if ! lid_augment "$dir" "$FW2_ZSM" "$MARKERS"; then
			FT_TEXTS="$FT_TEXTS (lid-apertium.py failed)"
			return 0
		fi
	fi
	FT_TEXTS=$(python3 "$here/lid-fasttext.py" "$dir/train.fasttext" "$dir/apertium.jsonl" \
		"$dir/train-apertium.fasttext") || { FT_TEXTS="$FT_TEXTS (lid-fasttext.py failed)"; return 0; }
	FT_INPUT=$dir/train-apertium.fasttext
}

# ft_train TRAIN DIR: train fastText on TRAIN with FT_ARGS, or reuse the model kept in
# DIR from an earlier run (keyed by TRAIN and the settings); sets FT_MODEL.
ft_train() {
	local train=$1 dir=$2 key ft
	key=$( (sha256sum "$train" | cut -c1-16; echo "$FT_ARGS") | sha256sum | cut -c1-12)
	ft=$dir/fasttext-$key
	FT_MODEL=
	if ! [ -f "$ft.bin" ]; then
		echo "training fastText (several minutes; kept as $ft.bin) ..." >&2
		local t0 t1
		t0=$(now)
		# shellcheck disable=SC2086
		fasttext supervised -input "$train" -output "$ft" $FT_ARGS -verbose 0 >/dev/null 2>&1 ||
			{ rm -f "$ft.bin"; skip "fasttext supervised failed"; return 0; }
		t1=$(now)
		echo "trained in $(secs "$t0" "$t1") s" >"$ft.log"
		rm -f "$ft.vec"
	fi
	cat "$ft.log" 2>/dev/null
	FT_MODEL=$ft.bin
}

run_fasttext() {
	if ! have fasttext; then
		skip "fasttext is not installed (Debian: apt-get install fasttext)"
		return 0
	fi
	# Good settings (as OpenLID and GlotLID train theirs, with more epochs for a
	# smaller set): character n-grams 2-5, word pairs, softmax; 2 threads.
	local ft cal
	ft_input "$OUT"
	echo "fastText $(dpkg-query -W -f '${Version}' fasttext 2>/dev/null), trained on the same texts as ayak-lid ($FT_TEXTS): fasttext supervised $FT_ARGS"
	ft_train "$FT_INPUT" "$OUT"
	[ -n "$FT_MODEL" ] || return 0
	ft=${FT_MODEL%.bin}
	FT_BIN=$ft.bin
	echo "model size: $(wc -c <"$ft.bin") bytes"
	local s
	for s in doc sent; do
		timed "$OUT/time-fasttext-$s" sh -c 'exec fasttext predict "$1" "$2" >"$3"' sh "$ft.bin" "$OUT/dev-$s.txt" "$OUT/pred-fasttext-$s.raw" ||
			{ skip "fasttext predict failed"; return 0; }
		sed 's/^__label__//' "$OUT/pred-fasttext-$s.raw" >"$OUT/pred-fasttext-$s.txt"
		# its probabilities, for the reliability table (not timed: predict is)
		cal=()
		fasttext predict-prob "$ft.bin" "$OUT/dev-$s.txt" >"$OUT/pred-fasttext-$s.prob" &&
			cal=(--calibration "$OUT/pred-fasttext-$s.prob")
		echo
		python3 "$here/lid-score.py" --name fastText --set "$s" --labels msa \
			--versus "ayak-lid=$OUT/pred-ayak-$s.jsonl" "${cal[@]}" \
			--markers "$MARKERS" "$OUT/dev-$s.jsonl" "$OUT/pred-fasttext-$s.txt" | tee "$OUT/score-fasttext-$s.txt" | grep -v '^SUMMARY'
		echo "SUMMARY fastText $s $(sed -n 's/^SUMMARY [^ ]* [^ ]* //p' "$OUT/score-fasttext-$s.txt") MB/s=$(mbps "$(cat "$OUT/dev-$s.bytes")" "$(cpu_of "$OUT/time-fasttext-$s")")" >>"$SUMMARY"
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
		local sup
		node "$here/lid-peers.mjs" "$peer" "$OUT/dev-$s.jsonl" >"$OUT/pred-$peer-$s.txt" 2>"$OUT/pred-$peer-$s.err" ||
			{ skip "$peer failed: $(head -n 3 "$OUT/pred-$peer-$s.err")"; return 0; }
		sup=$(sed -n 's/^supported: //p' "$OUT/pred-$peer-$s.err")
		echo
		python3 "$here/lid-score.py" --name "$peer" --set "$s" --labels msa --supported "$sup" \
			--markers "$MARKERS" "$OUT/dev-$s.jsonl" "$OUT/pred-$peer-$s.txt" | tee "$OUT/score-$peer-$s.txt" | grep -v '^SUMMARY'
		# the detection loop only (node's start-up and the model's loading left out), one thread
		echo "SUMMARY $peer $s $(sed -n 's/^SUMMARY [^ ]* [^ ]* //p' "$OUT/score-$peer-$s.txt") MB/s=$(mbps "$(cat "$OUT/dev-$s.bytes")" "$(sed -n 's/^seconds: //p' "$OUT/pred-$peer-$s.err")")" >>"$SUMMARY"
	done
}

main | tee "$OUT/eval-report.txt"
cp "$OUT/eval-report.txt" "$AYAK_BUILD/eval-lid.txt" 2>/dev/null
exit 0
