#!/usr/bin/env bash
# tests/bench/warc.sh: ayak-warc's benchmark (called by tests/bench/run).
#
#  1. WET from ../shared/bin/gen-corpus --wet: MB/s of text, by wall time
#     and per CPU second, plain, one gzip stream, one gzip member per record
#     (with libdeflate and with zlib alone) and one zstd frame per record;
#     zcat and zstd -dc of the same files for scale.  Target: >= 150 MB/s of
#     text per core, plain and gzip.
#  2. WARC with HTML: the dolma sample WARCs (real pages, request, response
#     and wget records, one gzip member per record) repeated to WARC_REPEAT
#     copies: records/s reading every record (the work FastWARC's published
#     10.4k gzipped records/s measures), and records/s, pages/s and MB/s
#     with HTML to text, main-content extraction on and off.
#  3. HTML parsers on the same pages (tests/bench/warc-html.c): ayak's
#     tokenizer, libxml2's HTML parser and gumbo for speed and for how close
#     their words are to gumbo's (F1); html2text and w3m -dump for speed
#     and the same F1.
#
# It reports only and exits 0; what is missing (the build, ../shared,
# libxml2 or gumbo headers, a peer tool) is skipped with "skip:".
#
# Environment: WARC_MB (WET size in MB, default 100), WARC_REPEAT (copies
# of the dolma WARCs, default 100), WARC_RUNS (timed runs, default 3, after
# a warm-up), AYAK_TOP, AYAK_BUILD, AYAK_SHARED as for tests/bench/run.

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
WARC_MB=${WARC_MB:-100}
WARC_REPEAT=${WARC_REPEAT:-100}
WARC_RUNS=${WARC_RUNS:-3}
B=$AYAK_BUILD/bench/warc
WARC=$AYAK_TOP/bin/ayak-warc
GEN=$AYAK_SHARED/bin/gen-corpus
LOG=$B/log.txt
CC=${CC:-cc}

progress() { printf 'bench warc: %s\n' "$*" >&2; }

case $WARC_MB in ''|*[!0-9]*|0) echo "bench warc: WARC_MB must be a whole number" >&2; exit 0 ;; esac
case $WARC_RUNS in ''|*[!0-9]*|0) echo "bench warc: WARC_RUNS must be a whole number" >&2; exit 0 ;; esac

echo
echo "ayak-warc benchmark"
echo "==================="
if [ ! -x "$WARC" ]; then
	echo "skip: bin/ayak-warc not built (run make)"
	exit 0
fi
if ldd "$WARC" 2>/dev/null | grep -Eq 'lib(asan|ubsan)'; then
	echo "skip: bin/ayak-warc is a sanitizer build (make SANITIZE=1); rebuild with make clean all"
	exit 0
fi
mkdir -p "$B" || exit 0
: >"$LOG"
if [ -e /usr/lib/x86_64-linux-gnu/libdeflate.so.0 ] || ldconfig -p 2>/dev/null | grep -q libdeflate.so.0; then
	DEFLATE="libdeflate found (per-record gzip members decoded with it)"
else
	DEFLATE="libdeflate not installed (apt-get install libdeflate0): gzip through zlib only"
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$DEFLATE"
echo "method: median wall time of $WARC_RUNS runs after a warm-up; CPU = median user+system time;"
echo "        'per core' figures divide by CPU seconds, which other work on the machine disturbs less."

# timeit CMD: the shell CMD, once to warm up and WARC_RUNS times (bench_time);
# sets T and C, the median wall and user+system seconds; 1 on failure.
timeit() {
	printf '\n$ %s\n' "$1" >>"$LOG"
	bench_time "$WARC_RUNS" sh -c "$1" || return 1
	T=$BT_WALL C=$BT_CPU
}

# row LABEL MB CMD: a report line with MB/s of wall time and per CPU second.
row() {
	R=''
	progress "timing $1"
	if timeit "$3"; then
		R=$(calc '%.1f' "$2 / $C")
		printf '  %-44s %7.3f s %8.1f MB/s %8.1f MB/cpu-s\n' "$1" "$T" "$(calc '%.1f' "$2 / $T")" "$R"
	else
		printf '  %-44s error (see %s)\n' "$1" "$LOG"
	fi
}

HELPER=$B/warc-gz
if [ ! -x "$HELPER" ] || [ "$here/warc-gz.c" -nt "$HELPER" ]; then
	$CC -O2 -o "$HELPER" "$here/warc-gz.c" -lz -lzstd 2>>"$LOG" || HELPER=''
fi

# ---- 1. WET ----
section "1. WET (gen-corpus --wet, $WARC_MB MB): MB/s of text"
WET=$B/corpus-$WARC_MB.wet
wet_plain='' wet_gz='' wet_rec=''
if [ ! -x "$GEN" ]; then
	echo "  skip: $GEN not found (../shared is not part of a user's clone)"
else
	if [ ! -s "$WET" ]; then
		progress "making $WET"
		"$GEN" --mb "$WARC_MB" --wet --seed 1 >"$WET.tmp" 2>>"$LOG" && mv "$WET.tmp" "$WET"
	fi
	[ -s "$WET.gz" ] || gzip -6 -c "$WET" >"$WET.gz"
	if [ -n "$HELPER" ]; then
		[ -s "$WET.rec.gz" ] || "$HELPER" <"$WET" >"$WET.rec.gz"
		[ -s "$WET.rec.zst" ] || "$HELPER" -z <"$WET" >"$WET.rec.zst"
	fi
	"$WARC" --stats "$B/wet-stats.json" "$WET" >/dev/null 2>>"$LOG"
	text=$(sed 's/.*"bytes_in":\([0-9]*\).*/\1/' "$B/wet-stats.json")
	recs=$(sed 's/.*"records_out":\([0-9]*\).*/\1/' "$B/wet-stats.json")
	mb=$(calc '%.1f' "$text / 1e6")
	echo "  $recs records, $mb MB of text (record blocks); files: plain $(calc '%.1f' "$(fsize "$WET") / 1e6") MB," \
		"gzip $(calc '%.1f' "$(fsize "$WET.gz") / 1e6") MB, per-record gzip $(calc '%.1f' "$(fsize "$WET.rec.gz") / 1e6") MB"
	row "ayak-warc  plain" "$mb" "'$WARC' '$WET'"; wet_plain=$R
	row "ayak-warc  gzip, one stream" "$mb" "'$WARC' '$WET.gz'"; wet_gz=$R
	if [ -s "$WET.rec.gz" ]; then
		row "ayak-warc  gzip, member per record" "$mb" "'$WARC' '$WET.rec.gz'"; wet_rec=$R
		row "ayak-warc  gzip, member per record, zlib only" "$mb" "AYAK_NO_LIBDEFLATE=1 '$WARC' '$WET.rec.gz'"
		row "ayak-warc  zstd, frame per record" "$mb" "'$WARC' '$WET.rec.zst'"
		row "zcat (decompression alone), per record" "$mb" "zcat '$WET.rec.gz'"
		have zstd && row "zstd -dc (decompression alone), per record" "$mb" "zstd -q -dc '$WET.rec.zst'"
	fi
	row "zcat (decompression alone), one stream" "$mb" "zcat '$WET.gz'"
fi

# ---- 2. WARC with HTML ----
section "2. WARC with HTML pages (dolma sample WARCs x $WARC_REPEAT, member per record)"
D=$AYAK_SHARED/data/warc/dolma-testdata
SRC=''
if [ -s "$D/sample-0000.warc.gz" ] && [ -s "$D/sample-0001.warc.gz" ]; then
	SRC="$D/sample-0000.warc.gz $D/sample-0001.warc.gz"
elif [ -s "$AYAK_TOP/tests/data/warc/dolma/sample-0000.warc.gz" ]; then
	SRC=$AYAK_TOP/tests/data/warc/dolma/sample-0000.warc.gz
fi
warc_all='' warc_html=''
if [ -z "$SRC" ]; then
	echo "  skip: no dolma sample WARCs"
else
	BIG=$B/dolma-x$WARC_REPEAT.warc.gz
	if [ ! -s "$BIG" ]; then
		progress "making $BIG"
		# shellcheck disable=SC2086 # SRC is a list
		for _ in $(seq "$WARC_REPEAT"); do cat $SRC; done >"$BIG.tmp" && mv "$BIG.tmp" "$BIG"
	fi
	"$WARC" --stats "$B/warc-stats.json" "$BIG" >/dev/null 2>>"$LOG"
	nrec=$(sed 's/.*"records_in":\([0-9]*\).*/\1/' "$B/warc-stats.json")
	npages=$(sed 's/.*"html":\([0-9]*\).*/\1/' "$B/warc-stats.json")
	umb=$(calc '%.1f' "$(gzip -dc "$BIG" | wc -c) / 1e6")
	echo "  $nrec records ($npages HTML responses), $(calc '%.1f' "$(fsize "$BIG") / 1e6") MB gzip, $umb MB uncompressed"
	for spec in "every record read, none extracted|--types conversion" \
		"HTML to text, main content (default)|" "HTML to text, --keep-boilerplate|--keep-boilerplate" \
		"HTML as UTF-8, no extraction (--html)|--html"; do
		label=${spec%%|*} opts=${spec#*|}
		progress "timing $label"
		if timeit "'$WARC' $opts '$BIG'"; then
			printf '  %-40s %7.3f s %9.0f records/s %7.0f pages/s %7.1f MB/s   per core: %8.0f records/s\n' \
				"$label" "$T" "$(calc '%.0f' "$nrec / $T")" "$(calc '%.0f' "$npages / $T")" \
				"$(calc '%.1f' "$umb / $T")" "$(calc '%.0f' "$nrec / $C")"
			case $opts in --types*) warc_all=$(calc '%.0f' "$nrec / $C") ;; '') warc_html=$(calc '%.0f' "$nrec / $C") ;; esac
		else
			printf '  %-40s error (see %s)\n' "$label" "$LOG"
		fi
	done
	echo "  FastWARC (published): 10.4k gzipped records/s reading a Common Crawl WARC, no HTML parsing;"
	echo "  it is the row 'every record read' that does the same work.  Other machine, other WARC:"
	echo "  the ratio is indicative only."
fi

# ---- 3. HTML parsers ----
section "3. HTML parsers on the same pages"
HB=$B/warc-html
PAGES=$B/pages-html.jsonl
if ! pkg-config --exists libxml-2.0 gumbo 2>/dev/null; then
	echo "  skip: needs libxml2 and gumbo headers (apt-get install libxml2-dev libgumbo-dev)"
elif [ ! -f "$AYAK_BUILD/libayak.a" ]; then
	echo "  skip: $AYAK_BUILD/libayak.a not built"
else
	if [ ! -x "$HB" ] || [ "$here/warc-html.c" -nt "$HB" ] || [ "$AYAK_BUILD/libayak.a" -nt "$HB" ]; then
		progress "building warc-html"
		# shellcheck disable=SC2046 # pkg-config output is a list
		(cd "$AYAK_TOP" && $CC -O2 -Isrc/lib $(pkg-config --cflags libxml-2.0 gumbo) tests/bench/warc-html.c \
			"$AYAK_BUILD/libayak.a" $(pkg-config --libs libxml-2.0 gumbo icu-uc icu-i18n libpcre2-8 libzstd libxxhash zlib liblzma) \
			-lbz2 -lpthread -o "$HB") >>"$LOG" 2>&1 || rm -f "$HB"
	fi
	T=$AYAK_TOP/tests/data/warc
	# shellcheck disable=SC2086 # SRC is a list
	"$WARC" --html --mime text/html ${SRC:-} "$T/commoncrawl/whirlwind.warc.gz" \
		"$T/warcio/example-iana.org-chunked.warc" "$T/warcio/example.warc" "$T/pages.warc.gz" >"$PAGES" 2>>"$LOG"
	if [ ! -x "$HB" ]; then
		echo "  error: cannot build tests/bench/warc-html.c (see $LOG)"
	else
		rm -rf "$B/pages" && mkdir -p "$B/pages"
		progress "running warc-html"
		"$HB" -r 2 -d "$B/pages" "$PAGES" | sed 's/^/  /'
		n=$(ls "$B/pages"/*.html | wc -l)
		for tool in html2text w3m; do
			if ! have $tool; then
				echo "  skip: $tool not installed (apt-get install $tool)"
				continue
			fi
			case $tool in
			html2text) cmd='html2text -utf8 "$f"' ;;
			w3m) cmd='w3m -dump -T text/html -I UTF-8 -O UTF-8 "$f"' ;;
			esac
			progress "timing $tool"
			t1=$EPOCHREALTIME
			for f in "$B/pages"/*.html; do eval "$cmd" >"${f%.html}.$tool" 2>>"$LOG"; done
			t2=$EPOCHREALTIME
			sum=0 low=0
			for f in "$B/pages"/*.html; do
				v=$("$HB" -f "${f%.html}.$tool" "${f%.html}.gumbo")
				sum=$(calc '%.6f' "$sum + $v")
				low=$((low + $(calc '%d' "$v < 0.99")))
			done
			mbytes=$(cat "$B/pages"/*.html | wc -c)
			printf '  %-10s %9.1f %11.0f %14.4f %9d of %d   (one process per page)\n' "$tool" \
				"$(calc '%.1f' "$mbytes / 1e6 / ($t2 - $t1)")" "$(calc '%.0f' "$n / ($t2 - $t1)")" \
				"$(calc '%.4f' "$sum / $n")" "$low" "$n"
		done
		echo "  F1 compares bags of words with gumbo's text under the same rules; html2text and w3m lay"
		echo "  text out for a terminal (tables, list bullets, link marks), which costs them a little F1."
	fi
fi

section "targets"
for v in "$wet_plain|WET plain >= 150 MB/s of text per core" "$wet_gz|WET gzip (one stream) >= 150 MB/s per core" \
	"$wet_rec|WET gzip (member per record) >= 150 MB/s per core"; do
	val=${v%%|*} what=${v#*|}
	if [ -n "$val" ]; then printf '  %-52s %s  (%s MB/cpu-s)\n' "$what" "$(pass_if "$val >= 150")" "$val"
	else printf '  %-52s n/a (not measured)\n' "$what"; fi
done
if [ -n "$warc_all" ]; then
	printf '  %-52s %s  (%s records/cpu-s, %sx)\n' "WARC records read >= FastWARC 10.4k/s" \
		"$(pass_if "$warc_all >= 10400")" "$warc_all" "$(calc '%.1f' "$warc_all / 10400")"
fi
[ -n "$warc_html" ] && printf '  %-52s %s records/cpu-s with HTML to text (%sx)\n' "(for scale)" "$warc_html" "$(calc '%.1f' "$warc_html / 10400")"
echo "log: $LOG"
exit 0
