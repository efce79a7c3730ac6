#!/usr/bin/env bash
test_description='ayak-stats -f html: structure, escaping, nothing loaded; rendered by headless Chromium'
. "$(dirname "$0")/../lib.sh"

D=$TEST_DATA/stats
# AYAK_TEST_CHROMIUM names another browser binary (or a missing one, to see the skips).
CHROMIUM=${AYAK_TEST_CHROMIUM:-/usr/bin/chromium}
command -v python3 >/dev/null 2>&1 && test_set_prereq PYTHON3
command -v xmllint >/dev/null 2>&1 && test_set_prereq XMLLINT

# svg_of ID FILE: the <svg> element with that id, one line per element.
svg_of () {
	sed -n "/<svg class=\"chart\" id=\"$1\"/,/<\/svg>/p" "$2"
}

# bars ID FILE: the number of bars in the chart.
bars () {
	svg_of "$1" "$2" | grep -o "<rect class=\"bar\"" | wc -l
}

test_expect_success 'setup' '
	cp "$D/records.jsonl" in.jsonl &&
	cp -R "$D/run" run &&
	ayak-stats -f html --stage-stats run in.jsonl >report.html 2>err &&
	test_must_be_empty err
'

test_expect_success 'a whole HTML page in UTF-8, with the title' '
	head -n 4 report.html >got &&
	cat >expect <<-\EOF &&
	<!DOCTYPE html>
	<html lang="en">
	<head>
	<meta charset="utf-8">
	EOF
	test_cmp expect got &&
	grep "^<title>ayak-stats report</title>\$" report.html &&
	grep "^<h1>ayak-stats report</h1>\$" report.html &&
	tail -n 1 report.html >got &&
	echo "</html>" >expect &&
	test_cmp expect got
'

test_expect_success 'self-contained: no script, no link, nothing to load' '
	! grep -i "<script" report.html &&
	! grep -i "<link" report.html &&
	! grep -i "<img" report.html &&
	! grep -i "<iframe" report.html &&
	! grep -Ei "(src|href|action)=" report.html &&
	! grep -i "url(" report.html &&
	! grep -i "@import" report.html &&
	! grep -Ei " on[a-z]+=" report.html &&
	grep -o "https\?://[^\" ]*" report.html | sort -u >urls &&
	echo "http://www.w3.org/2000/svg" >expect &&
	test_cmp expect urls
'

test_expect_success 'every chart is there once, with one bar per item' '
	for id in chart-languages chart-scores chart-lid-languages chart-lengths chart-domains \
		chart-funnel chart-drops; do
		test $(grep -c "<svg class=\"chart\" id=\"$id\"" report.html) = 1 ||
		{ echo "chart $id: not once"; return 1; }
	done &&
	echo "6 10 6 7 8 5 12" >expect &&
	echo "$(bars chart-languages report.html) $(bars chart-scores report.html)" \
		"$(bars chart-lid-languages report.html)" \
		"$(bars chart-lengths report.html) $(bars chart-domains report.html)" \
		"$(bars chart-funnel report.html) $(bars chart-drops report.html)" >got &&
	test_cmp expect got &&
	test $(svg_of chart-funnel report.html | grep -c "<rect class=\"bar-in\"") = 5
'

test_expect_success 'bars carry their labels, values and tooltips' '
	svg_of chart-languages report.html >lang.svg &&
	grep ">zsm_Latn</text>" lang.svg &&
	grep ">13 (65.0%)</text>" lang.svg &&
	grep "<title>zsm_Latn: 13 records (65.0%), 1,070 characters, mean score 0.8390</title>" lang.svg &&
	grep ">(none)</text>" lang.svg &&
	svg_of chart-funnel report.html >funnel.svg &&
	grep ">ayak-lid</text>" funnel.svg &&
	grep ">195 → 138 (70.8%)</text>" funnel.svg &&
	svg_of chart-drops report.html >drops.svg &&
	grep "<text class=\"group\" x=\"4\" y=\"[0-9]*\">ayak-filter</text>" drops.svg &&
	grep ">too_few_words</text>" drops.svg &&
	svg_of chart-lengths report.html >len.svg &&
	grep "<title>200–499 characters: 2 records (10.0%)</title>" len.svg &&
	svg_of chart-lid-languages report.html >lid.svg &&
	grep "aria-label=\"Languages ayak-lid saw (before selection)\"" lid.svg &&
	grep ">ind_Latn</text>" lid.svg &&
	grep ">29 (14.9%)</text>" lid.svg &&
	grep "<title>ind_Latn: 29 of the 195 records ayak-lid read (14.9%)</title>" lid.svg
'

test_expect_success 'bar lengths follow the counts' '
	svg_of chart-domains report.html |
		sed -n "s/.*<rect class=\"bar\" x=\"[0-9.]*\" y=\"[0-9]*\" width=\"\([0-9.]*\)\".*/\1/p" >widths &&
	test_line_count = 8 widths &&
	sort -rn widths >sorted &&
	test_cmp sorted widths &&
	head -n 1 widths >first && tail -n 1 widths >last &&
	awk -v a=$(cat first) -v b=$(cat last) "BEGIN { exit !(a > 4.9 * b && a < 5.1 * b) }"
'

test_expect_success 'names from the data are escaped' '
	grep ">kedai&amp;co.example</text>" report.html &&
	! grep "kedai&co" report.html &&
	printf "%s\n" "{\"text\":\"x\",\"lang\":\"<b>bold</b>\",\"url\":\"http://a\\u0007b.example/\"}" \
		"{\"text\":\"y\",\"lang\":\"it'\''s \\\"q\\\" & <i>\",\"url\":\"http://x.example/\"}" >evil.jsonl &&
	ayak-stats -f html --title "<script>alert(1)</script> & \"co\"" evil.jsonl >evil.html &&
	! grep -i "<script" evil.html &&
	! grep "<b>bold" evil.html &&
	! grep "<i>" evil.html &&
	grep "^<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;co&quot;</title>\$" evil.html &&
	grep ">&lt;b&gt;bold&lt;/b&gt;</text>" evil.html &&
	grep ">it&#39;s &quot;q&quot; &amp; &lt;i&gt;</text>" evil.html &&
	grep ">a�b.example</text>" evil.html
'

test_expect_success 'a title that is not UTF-8 is repaired' '
	ayak-stats -f html --title "$(printf "caf\351")" evil.jsonl >bad-utf8.html &&
	grep "^<title>caf�</title>\$" bad-utf8.html
'

test_expect_success 'long labels are cut to the columns they take: a Han character takes two' '
	x=xxxxxxxxxx && h=中中中中中中中中中中 &&
	printf "%s\n" "{\"text\":\"a\",\"lang\":\"$x$x$x$x\"}" "{\"text\":\"a\",\"lang\":\"$h$h$h$h\"}" \
		"{\"text\":\"a\",\"lang\":\"中中中中中中中中中中中中中中中中中\"}" >long.jsonl &&
	ayak-stats -f html long.jsonl >long.html &&
	svg_of chart-languages long.html | grep -o "text-anchor=\"end\">[^<]*<" >got &&
	printf "text-anchor=\"end\">%s<\n" "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…" "中中中中中中中中中中中中中中中中中" "中中中中中中中中中中中中中中中中…" >expect &&
	test_cmp expect got
'

test_expect_success XMLLINT 'every chart is well-formed SVG (XML)' '
	for id in chart-languages chart-scores chart-lid-languages chart-lengths chart-domains \
		chart-funnel chart-drops; do
		svg_of $id report.html >$id.svg &&
		xmllint --noout $id.svg || return 1
	done &&
	svg_of chart-languages evil.html >evil.svg &&
	xmllint --noout evil.svg
'

test_expect_success 'stages only: the funnel, the drops and the labels ayak-lid saw, no record charts' '
	ayak-stats -f html --stages-only --stage-stats run >stages.html &&
	grep "<svg class=\"chart\" id=\"chart-funnel\"" stages.html &&
	grep "<svg class=\"chart\" id=\"chart-drops\"" stages.html &&
	grep "<svg class=\"chart\" id=\"chart-lid-languages\"" stages.html &&
	! grep "chart-languages" stages.html &&
	! grep "chart-lengths" stages.html
'

test_expect_success 'no records: a page without charts that says so' '
	ayak-stats -f html </dev/null >empty.html &&
	! grep "<svg" empty.html &&
	grep -c "<p class=\"note\">No records" empty.html >n &&
	echo 3 >expect &&
	test_cmp expect n &&
	tail -n 1 empty.html >got &&
	echo "</html>" >expect &&
	test_cmp expect got
'

test_expect_success 'lengths: the median, the 90% and the 99% marks' '
	grep "<p>Characters per record: shortest 0, median 48, 90% are at most 70, 99% at most 312, longest 313, mean 65.2.</p>" report.html &&
	grep "The median and the 90% and 99% marks may be up to 3% low." report.html
'

test_expect_success 'lengths: the 90% and 99% marks are of nearest rank, so 90% are at most the mark' '
	for n in $(seq 1 20); do printf "{\"text\":\"%0${n}d\"}\n" 0; done >l20.jsonl &&
	ayak-stats -f html l20.jsonl >l20.html &&
	grep -o "<p>Characters per record[^<]*" l20.html >got &&
	echo "<p>Characters per record: shortest 1, median 10, 90% are at most 18, 99% at most 20, longest 20, mean 10.5." >expect &&
	test_cmp expect got
'

test_expect_success 'languages: the table has the rows and columns of the text report ("" and (none) rows, tokens)' '
	printf "%s\n" "{\"text\":\"a\",\"lang\":\"zsm_Latn\"}" "{\"text\":\"b\"}" "{\"text\":\"c\",\"lang\":\"\"}" >ln2.jsonl &&
	ayak-stats -f html ln2.jsonl >ln2.html &&
	sed -n "/<th>label<\/th>/,/<\/tbody>/p" ln2.html >got &&
	cat >expect <<-\EOF &&
	<details><summary>Table</summary><table><thead><tr><th>label</th><th>records</th><th>share</th><th>characters</th><th>words</th><th>mean score</th><th>error</th></tr></thead><tbody>
	<tr><td>&quot;&quot;</td><td>1</td><td>33.3%</td><td>1</td><td>1</td><td>-</td><td>0</td></tr>
	<tr><td>zsm_Latn</td><td>1</td><td>33.3%</td><td>1</td><td>1</td><td>-</td><td>0</td></tr>
	<tr><td>(none)</td><td>1</td><td>33.3%</td><td></td><td></td><td></td><td></td></tr>
	</tbody></table></details>
	EOF
	test_cmp expect got &&
	ayak-stats -t "$TEST_DATA/tok/bytelevel/tokenizer.json" -f html ln2.jsonl >ln2t.html &&
	sed -n "/<th>label<\/th>/,/<\/tbody>/p" ln2t.html >got &&
	cat >expect <<-\EOF &&
	<details><summary>Table</summary><table><thead><tr><th>label</th><th>records</th><th>share</th><th>characters</th><th>words</th><th>tokens</th><th>mean score</th><th>error</th></tr></thead><tbody>
	<tr><td>&quot;&quot;</td><td>1</td><td>33.3%</td><td>1</td><td>1</td><td>1</td><td>-</td><td>0</td></tr>
	<tr><td>zsm_Latn</td><td>1</td><td>33.3%</td><td>1</td><td>1</td><td>1</td><td>-</td><td>0</td></tr>
	<tr><td>(none)</td><td>1</td><td>33.3%</td><td></td><td></td><td></td><td></td><td></td></tr>
	</tbody></table></details>
	EOF
	test_cmp expect got
'

test_expect_success 'domains: the rows of records without a URL or a host, even when no domain is listed' '
	printf "{\"text\":\"a\"}\n{\"text\":\"b\"}\n" >nourl.jsonl &&
	ayak-stats -f html nourl.jsonl >nourl.html &&
	grep "<p class=\"note\">No records with a URL.</p>" nourl.html &&
	grep "^<tr><td>(no url)</td><td>2</td><td>100.0%</td><td></td><td></td><td></td></tr>$" nourl.html &&
	printf "{\"text\":\"a\",\"url\":\"mailto:x@example.com\"}\n{\"text\":\"b\"}\n" >nohost.jsonl &&
	ayak-stats -f html nohost.jsonl >nohost.html &&
	grep "^<tr><td>(no host)</td><td>1</td><td>50.0%</td><td></td><td></td><td></td></tr>$" nohost.html &&
	grep "^<tr><td>(no url)</td><td>1</td><td>50.0%</td><td></td><td></td><td></td></tr>$" nohost.html
'

test_expect_success '--max-domains 2: the page says the counts are estimates' '
	ayak-stats -f html --max-domains 2 in.jsonl >approx.html &&
	grep "<span>domains (estimated)</span>" approx.html &&
	grep "More than 2 distinct domains (--max-domains)" approx.html &&
	grep "(counts may be over by up to 8)</title>" approx.html
'

# ---- rendered by Chromium ----

if test -x "$CHROMIUM"; then
	test_set_prereq CHROMIUM
fi

# chromium ARGS...: headless Chromium with a profile and HOME of its own,
# killed after 30 s (each run takes about a second).  Screenshots are drawn
# at half scale, so that reading their pixels back takes a second too.
chromium () {
	mkdir -p home profile &&
	HOME=$PWD/home XDG_CONFIG_HOME=$PWD/home/.config XDG_CACHE_HOME=$PWD/home/.cache \
	timeout -k 5 30 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
		--no-default-browser-check --disable-extensions --disable-sync \
		--disable-background-networking --disable-component-update \
		--user-data-dir="$PWD/profile" --hide-scrollbars --force-device-scale-factor=0.5 \
		"$@" 2>>chromium.log
}

if ! test_have_prereq CHROMIUM; then
	for t in 'Chromium reads the page: the DOM holds every chart and bar' \
		'Chromium draws the page: a screenshot of the right size, not blank' \
		'the screenshot shows bars in the colours of each chart'; do
		test_skip "$t" "no $CHROMIUM: apt-get install chromium"
	done
	test_done
fi

test_expect_success CHROMIUM 'Chromium reads the page: the DOM holds every chart and bar' '
	chromium --dump-dom "file://$PWD/report.html" >dom.html &&
	grep "<h1>ayak-stats report</h1>" dom.html &&
	echo "6 10 6 7 8 5 12" >expect &&
	echo "$(bars chart-languages dom.html) $(bars chart-scores dom.html)" \
		"$(bars chart-lid-languages dom.html)" \
		"$(bars chart-lengths dom.html) $(bars chart-domains dom.html)" \
		"$(bars chart-funnel dom.html) $(bars chart-drops dom.html)" >got &&
	test_cmp expect got &&
	svg_of chart-languages dom.html | grep ">zsm_Latn</text>" &&
	svg_of chart-lid-languages dom.html | grep ">143 (73.3%)</text>" &&
	grep "<td>lines_removed</td><td>59</td>" dom.html &&
	svg_of chart-funnel dom.html | grep ">195 → 138 (70.8%)</text>" &&
	grep ">kedai&amp;co.example</text>" dom.html &&
	chromium --dump-dom "file://$PWD/evil.html" >evil-dom.html &&
	! grep -i "<script" evil-dom.html &&
	grep ">&lt;b&gt;bold&lt;/b&gt;</text>" evil-dom.html
'

# png_info FILE: "WIDTH HEIGHT" and, per colour of the charts, how many
# pixels have it (within 4 per channel): bars, funnel input, drops, scores, domains,
# the labels ayak-lid saw.
cat >pnginfo.py <<\EOF
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, hdr = 8, b"", None
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        hdr = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
w, h, depth, ctype, _, _, interlace = hdr
assert depth == 8 and ctype in (2, 6) and not interlace, "unexpected PNG format"
bpp = 3 if ctype == 2 else 4
raw, stride = zlib.decompress(idat), w * bpp
prev, rows, i = bytearray(stride), [], 0
for _ in range(h):
    f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
    i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b, c = prev[x], prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(line)
    prev = line
colours = [(0x4e, 0x79, 0xa7), (0xd3, 0xdd, 0xe9), (0xe1, 0x57, 0x59), (0x59, 0xa1, 0x4f), (0x76, 0xb7, 0xb2),
           (0xf2, 0x8e, 0x2b)]
counts = [0] * len(colours)
for line in rows:
    for x in range(0, stride, bpp):
        px = line[x:x + 3]
        for k, col in enumerate(colours):
            if abs(px[0] - col[0]) <= 4 and abs(px[1] - col[1]) <= 4 and abs(px[2] - col[2]) <= 4:
                counts[k] += 1
print(w, h, *counts)
EOF

test_expect_success CHROMIUM 'Chromium draws the page: a screenshot of the right size, not blank' '
	chromium --window-size=1000,3000 --screenshot="$PWD/shot.png" "file://$PWD/report.html" &&
	test_path_is_file shot.png &&
	printf "\211PNG\r\n\032\n" >magic &&
	head -c 8 shot.png | cmp - magic &&
	od -An -tu1 -j16 -N8 shot.png | awk "{ print \$1 * 16777216 + \$2 * 65536 + \$3 * 256 + \$4, \$5 * 16777216 + \$6 * 65536 + \$7 * 256 + \$8 }" >size &&
	echo "500 1500" >expect &&
	test_cmp expect size &&
	echo "<!DOCTYPE html><title>blank</title>" >blank.html &&
	chromium --window-size=1000,3000 --screenshot="$PWD/blank.png" "file://$PWD/blank.html" &&
	test $(wc -c <shot.png) -gt $(wc -c <blank.png)
'

test_expect_success CHROMIUM,PYTHON3 'the screenshot shows bars in the colours of each chart' '
	python3 pnginfo.py shot.png >info &&
	cat info &&
	read -r w h bar input drop score domain lid <info &&
	test "$w $h" = "500 1500" &&
	test $bar -gt 5000 &&
	test $input -gt 250 &&
	test $drop -gt 2500 &&
	test $score -gt 2500 &&
	test $domain -gt 2500 &&
	test $lid -gt 1500
'

test_done
