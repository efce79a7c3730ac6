#!/usr/bin/env bash
test_description='ayak-warc: formats, fields, record selection, text extraction options'
. "$(dirname "$0")/../lib.sh"

W=$TEST_DATA/warc

# warc_record TYPE BLOCK-FILE [WARC-HEADER-LINES]: one WARC/1.0 record around the block;
# the header lines are printf %b text ending in \r\n.
warc_record () {
	local ctype="application/http; msgtype=response"
	test "$1" = response || ctype="text/html"
	printf "WARC/1.0\r\nWARC-Type: %s\r\n%bContent-Type: %s\r\nContent-Length: %d\r\n\r\n" \
		"$1" "$3" "$ctype" $(wc -c <"$2") &&
	cat "$2" &&
	printf "\r\n\r\n"
}

# two_streams FILE SEP: FILE (pages.warc compressed) gives the records; two copies of it with
# SEP (printf text) between, read by name and from standard input, give them twice.
two_streams () {
	ayak-warc "$1" >out &&
	test_cmp "$W/pages.expect" out &&
	{ cat "$1"; printf "$2"; cat "$1"; } >"two.$1" &&
	cat "$W/pages.expect" "$W/pages.expect" >expect2 &&
	ayak-warc "two.$1" >out2 &&
	test_cmp expect2 out2 &&
	ayak-warc <"two.$1" >out3 &&
	test_cmp expect2 out3
}

# http_message CONTENT-TYPE BODY-FILE [CONTENT-LENGTH]: a 200 response (Content-Length: the body's).
http_message () {
	printf "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n" \
		"$1" "${3:-$(wc -c <"$2")}" &&
	cat "$2"
}

test_expect_success 'a per-record gzip WARC gives the expected records, nothing on stderr' '
	ayak-warc "$W/pages.warc.gz" >out 2>err &&
	test_cmp "$W/pages.expect" out &&
	test_must_be_empty err
'

test_expect_success GZIP 'plain, one gzip stream and standard input give the same records' '
	gzip -dc "$W/pages.warc.gz" >pages.warc &&
	gzip -c pages.warc >one.warc.gz &&
	ayak-warc pages.warc >plain.out &&
	ayak-warc one.warc.gz >one.out &&
	ayak-warc <pages.warc >stdin.out &&
	ayak-warc - <one.warc.gz >dash.out &&
	test_cmp "$W/pages.expect" plain.out &&
	test_cmp "$W/pages.expect" one.out &&
	test_cmp "$W/pages.expect" stdin.out &&
	test_cmp "$W/pages.expect" dash.out
'

test_expect_success GZIP 'the zlib path (without libdeflate) gives the same records' '
	AYAK_NO_LIBDEFLATE=1 ayak-warc "$W/pages.warc.gz" >out &&
	test_cmp "$W/pages.expect" out
'

test_expect_success ZSTD 'zstd: one frame, and two concatenated' '
	zstd -q -c pages.warc >one.warc.zst &&
	two_streams one.warc.zst ""
'

test_expect_success XZ 'xz: one stream, and two concatenated with stream padding between' '
	xz -c pages.warc >one.warc.xz &&
	two_streams one.warc.xz "\0\0\0\0"
'

test_expect_success BZIP2 'bzip2: one stream, and two concatenated' '
	bzip2 -c pages.warc >one.warc.bz2 &&
	two_streams one.warc.bz2 ""
'

test_expect_success GZIP,ZSTD,XZ,BZIP2 'files of different compressed formats concatenated are one input' '
	gzip -dc "$W/pages.warc.gz" >pages.warc &&
	gzip -c "$W/pages.wet" >wet.gz && zstd -q -c "$W/pages.wet" >wet.zst &&
	xz -c "$W/pages.wet" >wet.xz && bzip2 -c "$W/pages.wet" >wet.bz2 &&
	for z in gzip zstd xz bzip2; do $z -c pages.warc >pages.$z || return 1; done &&
	for z in gzip zstd xz bzip2; do
		cat pages.$z wet.gz wet.zst wet.xz wet.bz2 pages.$z >mix &&
		ayak-warc mix >out 2>err &&
		cat "$W/pages.expect" "$W/wet.expect" "$W/wet.expect" "$W/wet.expect" \
			"$W/wet.expect" "$W/pages.expect" >expect &&
		test_cmp expect out &&
		test_must_be_empty err &&
		ayak-warc <mix >out &&
		test_cmp expect out || return 1
	done
'

test_expect_success GZIP,ZSTD 'damage in one format, then files of another: those are read' '
	{ head -c 300 pages.gzip; cat wet.zst wet.xz; } >cut.mix &&
	ayak-warc --on-error skip cut.mix >out 2>err &&
	cat "$W/wet.expect" "$W/wet.expect" >expect &&
	test_cmp expect out &&
	grep "^ayak-warc: cut.mix: byte 0 (uncompressed 0): [a-z]* gzip input" err &&
	test_line_count = 2 err
'

test_expect_success GZIP 'plain data after compressed data is garbage after a member' '
	cat pages.gzip "$W/pages.wet" >plain.mix &&
	test_expect_code 1 ayak-warc plain.mix >out 2>err &&
	test_cmp "$W/pages.expect" out &&
	echo "ayak-warc: plain.mix: byte $(wc -c <pages.gzip) (uncompressed $(wc -c <pages.warc)): corrupt gzip input: garbage after a member" >expect &&
	test_cmp expect err
'

test_expect_success 'several files are read in order' '
	ayak-warc "$W/pages.wet" "$W/pages.warc.gz" "$W/pages.wet" >out &&
	cat "$W/wet.expect" "$W/pages.expect" "$W/wet.expect" >expect &&
	test_cmp expect out
'

test_expect_success JQ 'fields: id, url, date, content_type, cc_lang, text, in that order' '
	ayak-warc "$W/pages.wet" >out &&
	test_cmp "$W/wet.expect" out &&
	jq -c keys_unsorted out >keys &&
	test_write_lines "[\"id\",\"url\",\"date\",\"content_type\",\"cc_lang\",\"text\"]" \
		"[\"id\",\"url\",\"date\",\"content_type\",\"cc_lang\",\"text\"]" \
		"[\"id\",\"url\",\"date\",\"content_type\",\"text\"]" >expect &&
	test_cmp expect keys &&
	jq -r .cc_lang out >langs &&
	test_write_lines msa msa,eng null >expect &&
	test_cmp expect langs
'

test_expect_success 'folded WARC header fields are joined, each fold one space' '
	printf "WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Target-URI:\r\n  http://lipat.example.my/\r\nWARC-Identified-Content-Language: msa,\r\n  eng\r\n\t,ind \r\nContent-Length: 5\r\n\r\nhalo\n\r\n\r\n" >fold.warc &&
	ayak-warc fold.warc >out &&
	echo "{\"url\":\"http://lipat.example.my/\",\"content_type\":\"text/plain\",\"cc_lang\":\"msa, eng ,ind\",\"text\":\"halo\"}" >expect &&
	test_cmp expect out &&
	ayak-warc --max-record 4 --stats st.json fold.warc >out &&
	test_must_be_empty out
'

test_expect_success JQ '--stats counts records in and out and drops by reason' '
	ayak-warc --stats st.json "$W/pages.warc.gz" >/dev/null &&
	jq -c "[.records_in, .records_out, .dropped, .errors, .counts.html, .counts.charset_converted, .counts.charset_detected]" st.json >got &&
	echo "[15,9,{\"type\":4,\"status\":1,\"mime\":1},0,7,3,1]" >expect &&
	test_cmp expect got &&
	ayak-warc --stats st2.json "$W/pages.wet" >/dev/null &&
	jq -c "[.records_in, .records_out, .dropped]" st2.json >got2 &&
	echo "[5,3,{\"type\":1,\"empty\":1}]" >expect2 &&
	test_cmp expect2 got2
'

test_expect_success JQ '--stats writes every counter, zeros included, in one order' '
	ayak-warc --stats st.json "$W/pages.wet" >/dev/null &&
	jq -c .counts st.json >got &&
	echo "{\"html\":0,\"boilerplate_blocks\":0,\"charset_converted\":0,\"charset_detected\":0,\"partial_payload\":0,\"bytes_skipped\":0}" >expect &&
	test_cmp expect got
'

test_expect_success JQ 'charsets: meta http-equiv, meta charset gb2312, detection, BOM over header' '
	jq -r "select(.url == \"http://lama.example.my/\") | .text" "$W/pages.expect" | head -n 1 >got &&
	printf "Caf\303\251 \342\200\234Lama\342\200\235\n" >expect &&
	test_cmp expect got &&
	jq -r "select(.url == \"https://cina.example.my/\") | .text" "$W/pages.expect" >got &&
	printf "\351\251\254\346\235\245\350\245\277\344\272\232\346\230\257\344\270\200\344\270\252\345\233\275\345\256\266\343\200\202\n" >expect &&
	test_cmp expect got &&
	jq -r "select(.url == \"https://kesan.example.my/\") | .text" "$W/pages.expect" | grep -F "$(printf "cr\303\250me br\303\273l\303\251e")" &&
	jq -r "select(.url == \"https://bom.example.my/\") | .text" "$W/pages.expect" >got &&
	printf "Tanda BOM: \303\251 \304\201\n" >expect &&
	test_cmp expect got
'

test_expect_success JQ 'declared UTF-8 with a stray byte: UTF-8 with U+FFFD, not detection' '
	s="Kerajaan Malaysia mengumumkan dasar baharu untuk rakyat. Caf\303\251 \342\200\230kopi\342\200\231 \342\200\224 \351\251\254\346\235\245\350\245\277\344\272\232 " &&
	{
		printf "<p>%b" "${s/rakyat/rakyat\\205}" &&
		for i in $(seq 29); do printf "%b" "$s"; done &&
		printf "</p>"
	} >moji.html &&
	http_message "text/html; charset=utf-8" moji.html >moji.http &&
	warc_record response moji.http >moji.warc &&
	ayak-warc --stats st.json moji.warc >out &&
	expect=$(printf "%b" "${s/rakyat/rakyat\\357\\277\\275}"; for i in $(seq 29); do printf "%b" "$s"; done) &&
	printf "%s\n" "${expect% }" >expect &&
	jq -r .text out >got &&
	test_cmp expect got &&
	jq -c "[.counts.charset_detected, .counts.charset_converted]" st.json >got &&
	echo "[0,0]" >expect &&
	test_cmp expect got
'

test_expect_success JQ 'undeclared, the same: UTF-8; declared UTF-8 but windows-1252: detected' '
	http_message "text/html" moji.html >undeclared.http &&
	warc_record response undeclared.http >undeclared.warc &&
	ayak-warc --stats st.json undeclared.warc >out2 &&
	jq -r .text out >expect &&
	jq -r .text out2 >got &&
	test_cmp expect got &&
	jq -c "[.counts.charset_detected, .counts.charset_converted]" st.json >got &&
	echo "[1,0]" >expect &&
	test_cmp expect got &&
	{
		printf "<p>" &&
		for i in $(seq 30); do printf "Caf\351 \223kopi\224 rakyat Malaysia. "; done &&
		printf "</p>"
	} >latin.html &&
	http_message "text/html; charset=utf-8" latin.html >latin.http &&
	warc_record response latin.http >latin.warc &&
	ayak-warc --stats st.json latin.warc >out &&
	jq -r ".text[0:57]" out >got &&
	printf "Caf\303\251 \342\200\234kopi\342\200\235 rakyat Malaysia. Caf\303\251 \342\200\234kopi\342\200\235 rakyat Malaysia.\n" >expect &&
	test_cmp expect got &&
	jq -c "[.counts.charset_detected, .counts.charset_converted]" st.json >got &&
	echo "[1,1]" >expect &&
	test_cmp expect got
'

test_expect_success JQ 'HTTP: chunked and gzip, deflate, a 404 and a PNG' '
	jq -r .url "$W/pages.expect" >urls &&
	grep -x "https://chunked.example.my/" urls &&
	grep -x "https://deflate.example.my/nota.txt" urls &&
	! grep tiada urls &&
	! grep gambar urls
'

test_expect_success JQ 'partial_payload: WARC-Truncated, or a body shorter than its Content-Length' '
	for i in $(seq 40); do printf "Caf\303\251 kopi rakyat. "; done >full.txt &&
	head -c 200 full.txt >cut.txt &&
	http_message text/plain cut.txt $(wc -c <full.txt) >cut.http &&
	http_message text/plain full.txt >full.http &&
	{
		warc_record response cut.http "WARC-Truncated: length\r\n" &&
		warc_record response cut.http &&
		warc_record resource cut.txt "WARC-Truncated: length\r\n" &&
		warc_record response full.http
	} >partial.warc &&
	ayak-warc --stats st.json partial.warc >out &&
	test_line_count = 4 out &&
	jq -c "[.records_out, .counts.partial_payload]" st.json >got &&
	echo "[4,3]" >expect &&
	test_cmp expect got &&
	jq -r .text out | head -n 1 >got &&
	{ cat cut.txt; echo; } >expect &&
	test_cmp expect got
'

test_expect_success JQ '--types picks record types' '
	ayak-warc --types resource "$W/pages.warc.gz" >out &&
	jq -r .url out >got &&
	echo https://teks.example.my/nota.txt >expect &&
	test_cmp expect got &&
	ayak-warc --types conversion "$W/pages.warc.gz" >out &&
	test_must_be_empty out &&
	ayak-warc --types response,resource,conversion "$W/pages.warc.gz" >out &&
	test_cmp "$W/pages.expect" out &&
	ayak-warc --types response "$W/pages.wet" >out &&
	test_must_be_empty out
'

test_expect_success JQ '--mime picks payload types, with type/* and *' '
	ayak-warc --mime text/plain "$W/pages.warc.gz" >out &&
	jq -r .url out >got &&
	test_write_lines https://teks.example.my/nota.txt https://deflate.example.my/nota.txt >expect &&
	test_cmp expect got &&
	ayak-warc --mime "text/*" "$W/pages.warc.gz" >out &&
	test_cmp "$W/pages.expect" out &&
	ayak-warc --mime "*" --stats st.json "$W/pages.warc.gz" >out &&
	test_line_count = 10 out &&
	jq -r .content_type out | grep -x image/png
'

test_expect_success JQ '--min-length counts characters, not bytes' '
	ayak-warc --min-length 3 "$W/pages.warc.gz" >out &&
	test_cmp "$W/pages.expect" out &&
	ayak-warc --min-length 4 --stats st.json "$W/pages.warc.gz" >out &&
	! grep pendek out &&
	jq -c .dropped.short st.json >got && echo 1 >expect && test_cmp expect got &&
	ayak-warc --min-length 14 "$W/pages.warc.gz" | grep -c bom.example >got &&
	echo 1 >expect && test_cmp expect got &&
	ayak-warc --min-length 15 "$W/pages.warc.gz" >out &&
	! grep bom.example out
'

# --html --keep-boilerplate wrote what --html alone writes.
test_expect_success '--keep-boilerplate does not go with --html' '
	test_expect_code 2 ayak-warc --html --keep-boilerplate "$W/pages.warc.gz" >out 2>err &&
	printf "%s\n" "ayak-warc: --keep-boilerplate does not go with --html" "Try '"'"'ayak-warc --help'"'"'." >expect &&
	test_cmp expect err &&
	test_must_be_empty out
'

test_expect_success '--keep-boilerplate keeps navigation, footers, cookie notices and link lists' '
	ayak-warc --keep-boilerplate "$W/pages.warc.gz" >out &&
	test_cmp "$W/pages-keep.expect" out
'

test_expect_success JQ 'main-content extraction drops what --keep-boilerplate keeps' '
	head -n 1 "$W/pages.expect" | jq -r .text >main &&
	head -n 1 "$W/pages-keep.expect" | jq -r .text >all &&
	for s in Utama Sukan "menggunakan kuki" "Baca juga" Popular "Hak cipta"; do
		! grep "$s" main && grep "$s" all || return 1
	done
'

test_expect_success JQ 'scripts, styles, comments, templates and hidden elements never show' '
	head -n 1 "$W/pages-keep.expect" | jq -r .text >all &&
	for s in "bukan teks" ulasan templat tersembunyi dataLayer font-family; do
		! grep "$s" all || return 1
	done
'

test_expect_success JQ 'entities, <br>, tables and <pre>' '
	head -n 1 "$W/pages.expect" | jq -r .text >main &&
	grep -F "Oleh Wartawan & Jurugambar $(printf "\302\267") 18 Mei 2024" main &&
	grep -F "Rujukan: Perkara 1 $(printf "\342\200\224") \"kebebasan\" $(printf "\302\251") 2024 $(printf "\342\210\211 \360\237\230\200")." main &&
	grep -x "Bahawasanya adalah penting bagi memajukan perkembangan perhubungan persahabatan di antara negara-negara." main &&
	grep -x "$(printf "Perkara\tTajuk")" main &&
	grep -x "$(printf "1\tKebebasan")" main &&
	grep -x "  baris   satu" main
'

# page_text HTML-FILE [OPTIONS]: the record ayak-warc makes of the page (a resource record).
page_text () {
	local page=$1
	shift
	warc_record resource "$page" >page.warc &&
	ayak-warc "$@" page.warc
}

test_expect_success '<br> in <pre> is a line break too (the words were glued)' '
	printf "<pre>Pantun dua kerat<br>Dahulu parang<br/>sekarang besi</pre><p>akhir</p>" >pre.html &&
	page_text pre.html >out &&
	echo "{\"content_type\":\"text/html\",\"text\":\"Pantun dua kerat\\nDahulu parang\\nsekarang besi\\nakhir\"}" >expect &&
	test_cmp expect out &&
	printf "<pre><table><tr><td>a</td><td>b</td></tr></table></pre>" >pre2.html &&
	page_text pre2.html --keep-boilerplate >out &&
	echo "{\"content_type\":\"text/html\",\"text\":\"a\\tb\"}" >expect &&
	test_cmp expect out
'

test_expect_success 'a table row is one line: blocks and <br> in a cell fold to spaces, cells to tabs' '
	{
		printf "<table><tr><th>Nama</th><th><p>Umur</p><p>(tahun)</p></th></tr>" &&
		printf "<tr><td><p>Ali</p><p>bin Abu</p></td><td>30</td></tr>" &&
		printf "<tr><td>Jalan Ampang<br>50450 KL</td><td></td><td><ul><li>satu</li><li>dua</li></ul></td></tr>" &&
		printf "<tr><td><div>x</div><hr><div>y</div></td><td>z</td></tr></table><p>akhir</p>"
	} >cells.html &&
	page_text cells.html >out &&
	echo "{\"content_type\":\"text/html\",\"text\":\"Nama\\tUmur (tahun)\\nAli bin Abu\\t30\\nJalan Ampang 50450 KL\\tsatu dua\\nx y\\tz\\nakhir\"}" >expect &&
	test_cmp expect out
'

test_expect_success 'a cell that holds a table, or long text, is laid out in lines; the inner table folds' '
	{
		printf "<table><tr><td><p>luar</p></td><td><table><tr><td><p>a</p><p>b</p></td><td>c</td></tr>" &&
		printf "<tr><td>d</td></tr></table></td><td>kanan</td></tr></table>"
	} >nested.html &&
	page_text nested.html >out &&
	echo "{\"content_type\":\"text/html\",\"text\":\"luar\\na b\\tc\\nd\\nkanan\"}" >expect &&
	test_cmp expect out &&
	long=$(printf "%01000d" 0 | tr 0 k) &&
	printf "<table><tr><td><p>%s</p><p>baris dua</p></td><td>sebelah</td></tr></table>" "$long" >layout.html &&
	page_text layout.html >out &&
	echo "{\"content_type\":\"text/html\",\"text\":\"$long\\nbaris dua\\nsebelah\"}" >expect &&
	test_cmp expect out &&
	printf "<table><tr><td><p>%s</p><p>dua</p></td><td>sebelah</td></tr></table>" "${long%????????????}" >short.html &&
	page_text short.html >out &&
	echo "{\"content_type\":\"text/html\",\"text\":\"${long%????????????} dua\\tsebelah\"}" >expect &&
	test_cmp expect out
'

test_expect_success 'a tag inside <template> or <object> cannot close what is open outside it (its content showed)' '
	{
		printf "<p>satu<template><p>T1</p></template>dua</p>" &&
		printf "<p>a<template>T2</p>T3</template>b" &&
		printf "<ul><li>c<template><li>T4</template><li>d</ul>" &&
		printf "<table><tr><td>e<template><td>T5</template><td>f</table>" &&
		printf "<p>g<object><p>T6</p></object>h</p>"
	} >template.html &&
	page_text template.html >out &&
	# and the paragraphs inside them break no line: "satudua", "gh"
	echo "{\"content_type\":\"text/html\",\"text\":\"satudua\\nab\\nc\\nd\\ne\\tf\\ngh\"}" >expect &&
	test_cmp expect out
'

test_expect_success 'a long paragraph in a <header> is the article (it was dropped); the site name and menu still go' '
	para="Kandungan utama laman ini diletakkan di dalam elemen header oleh pembina laman, tetapi ia tetap artikel: perenggan panjang yang dibaca oleh pembaca, bukan nama laman atau menu. Ayat-ayat ini memanjangkannya supaya melebihi dua ratus aksara." &&
	{
		printf "<header><div>Nama Laman</div><nav><a href=/>Utama</a></nav></header>" &&
		printf "<header><h1>Tajuk</h1><div>%s</div></header><footer><p>%s</p></footer>" "$para" "$para"
	} >hero.html &&
	page_text hero.html >out &&
	echo "{\"content_type\":\"text/html\",\"text\":\"$para\"}" >expect &&
	test_cmp expect out
'

test_expect_success 'a block in a <header> is prose from 200 characters on, its spaces counted' '
	# 20 words of nine letters: 199 characters with the spaces (180 without), then 200
	w=$(printf "%09d" 0 | tr 0 x) &&
	p199=$(for i in $(seq 20); do printf "%s " $w; done) && p199=${p199% } &&
	p200="${p199}y" &&
	for p in "$p199" "$p200"; do
		printf "<header><p>%s</p></header><p>Isi utama.</p>" "$p" >hdr.html &&
		page_text hdr.html || return 1
	done >out &&
	test_write_lines "{\"content_type\":\"text/html\",\"text\":\"Isi utama.\"}" \
		"{\"content_type\":\"text/html\",\"text\":\"$p200\\nIsi utama.\"}" >expect &&
	test_cmp expect out
'

test_expect_success 'after 600 unclosed inline tags, hidden content, navigation, svg and select still go' '
	{
		for i in $(seq 600); do printf "<font>"; done &&
		printf "<p>teks</p><div hidden>RAHSIA</div><nav>MENU</nav><svg><text>SVG</text></svg>" &&
		printf "<select><option>PILIHAN</option></select><pre>a\\n  b</pre><p>akhir</p>"
	} >deep.html &&
	page_text deep.html >out &&
	echo "{\"content_type\":\"text/html\",\"text\":\"teks\\na\\n  b\\nakhir\"}" >expect &&
	test_cmp expect out
'

test_expect_success 'a paragraph about cookies (biscuits) is no cookie notice; the notices still go' '
	{
		printf "<p>Biskut cookie coklat ini mudah dibuat. Terima kasih, ibu!</p>" &&
		printf "<p>Pada dasarnya cookie perlukan tepung, mentega dan gula.</p>" &&
		printf "<p>For a chewy cookie we use brown sugar.</p>" &&
		printf "<p>We use cookies to improve your experience.</p>" &&
		printf "<p>Laman ini menggunakan kuki.</p><p>Terima semua kuki</p>"
	} >cookie.html &&
	page_text cookie.html >out &&
	echo "{\"content_type\":\"text/html\",\"text\":\"Biskut cookie coklat ini mudah dibuat. Terima kasih, ibu!\\nPada dasarnya cookie perlukan tepung, mentega dan gula.\\nFor a chewy cookie we use brown sugar.\"}" >expect &&
	test_cmp expect out
'

test_expect_success 'class words are ignored when they leave less than a fifth of the text' '
	k40=$(printf "k%.0s" $(seq 40)) && k50=$(printf "k%.0s" $(seq 50)) &&
	w180=$(printf "w%.0s" $(seq 180)) &&
	printf "<p>%s</p><div class=sidebar><p>%s</p></div>" $k40 $w180 >fifth.html &&
	page_text fifth.html >out &&
	echo "{\"content_type\":\"text/html\",\"text\":\"$k40\\n$w180\"}" >expect &&
	test_cmp expect out &&
	printf "<p>%s</p><div class=sidebar><p>%s</p></div>" $k50 $w180 >fifth.html &&
	page_text fifth.html >out &&
	echo "{\"content_type\":\"text/html\",\"text\":\"$k50\"}" >expect &&
	test_cmp expect out
'

test_expect_success 'hidden="until-found" is folded text, kept; other hidden values are not' '
	printf "<h2>Sejarah</h2><section hidden=\"until-found\"><p>Teks yang dilipat.</p></section>" >fold.html &&
	printf "<div hidden>a</div><div hidden=\"\">b</div><div hidden=hidden>c</div>" >>fold.html &&
	printf "<div hidden=\"Until-Found\">d</div>" >>fold.html &&
	page_text fold.html >out &&
	echo "{\"content_type\":\"text/html\",\"text\":\"Sejarah\\nTeks yang dilipat.\\nd\"}" >expect &&
	test_cmp expect out
'

test_expect_success JQ 'block elements in dropped content break no line: the words around it stay whole' '
	for page in "<div><ruby>$(printf "\346\274\242")<rt><div>kan</div></rt>$(printf "\345\255\227")</ruby></div>" \
		"<div>Ma<span hidden><div>x</div></span>kan</div>" \
		"<div>Ma<span style=\"display:none\"><p>x</p></span>kan</div>" \
		"<div>Ma<span aria-hidden=\"true\"><h2>x</h2><table><tr><td>x<td>y</table></span>kan</div>" \
		"<p>Ma<template><p>t</p></template>kan</p>" \
		"<div>Ma<video><p>fallback</p><nav>menu</nav><main>m</main></video>kan</div>" \
		"<div>Ma<div hidden>x</div>kan</div>" \
		"<div>Ma<br hidden>kan</div>"; do
		printf "%s" "$page" >drop.html &&
		page_text drop.html >out &&
		for o in "" --keep-boilerplate; do
			page_text drop.html $o | jq -r .text || return 1
		done || return 1
	done >got &&
	for w in "$(printf "\346\274\242\345\255\227")" Makan Makan Makan Makan Makan Makan Makan; do
		echo "$w" && echo "$w"
	done >expect &&
	test_cmp expect got &&
	printf "<div>Ma<div>x</div>kan</div><table><tr><td>a<td hidden>b<td>c</table>" >shown.html &&
	page_text shown.html | jq -r .text >got &&
	printf "Ma\nx\nkan\na\tc\n" >expect &&
	test_cmp expect got
'

test_expect_success '<svg/> and <math/> close themselves (the rest of the page was lost)' '
	printf "<p>awal</p><svg/><p>isi artikel</p><math/><p>lagi</p>" >svg.html &&
	printf "<svg viewBox=\"0 0 1 1\" /><p>akhir</p><svg><text>SVG</text></svg>" >>svg.html &&
	page_text svg.html >out &&
	echo "{\"content_type\":\"text/html\",\"text\":\"awal\\nisi artikel\\nlagi\\nakhir\"}" >expect &&
	test_cmp expect out
'

test_expect_success 'an HTML tag such as <p> ends SVG left open, as the standard has it' '
	printf "<p>awal</p><svg><path d=\"\"></path><p>isi artikel</p><div>lagi</div>" >svgopen.html &&
	printf "<p>x<svg><g><text>SVG</text></g></svg>y</p>" >>svgopen.html &&
	page_text svgopen.html >out &&
	echo "{\"content_type\":\"text/html\",\"text\":\"awal\\nisi artikel\\nlagi\\nxy\"}" >expect &&
	test_cmp expect out
'

test_expect_success 'link text is that of <a href>: headings in <a name> anchors stay' '
	printf "<h2><a name=\"bab1\">Bab 1: Sejarah</a></h2><p><a id=p1>Perenggan pertama.</a></p>" >anchor.html &&
	printf "<p><a href=\"/lain\">Pautan sahaja</a></p><p><A HREF=/x>Pautan juga</A></p>" >>anchor.html &&
	page_text anchor.html >out &&
	echo "{\"content_type\":\"text/html\",\"text\":\"Bab 1: Sejarah\\nPerenggan pertama.\"}" >expect &&
	test_cmp expect out
'

test_expect_success 'ruby: the base text, not the readings or the fallback parentheses (they ran into it)' '
	printf "<p>東京<ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp>字<rt>ji</rt></ruby>です</p>" >ruby.html &&
	page_text ruby.html >out &&
	echo "{\"content_type\":\"text/html\",\"text\":\"東京漢字です\"}" >expect &&
	test_cmp expect out &&
	page_text ruby.html --keep-boilerplate >out &&
	test_cmp expect out
'

test_expect_success 'ruby: an <rt> or <rp> left open ends at the next one, <rb> or </ruby>; <rtc> goes too' '
	{
		printf "<p>a<ruby>漢<rp>(<rt>kan<rp>)</rp>字<rt>ji</ruby>b</p>" &&
		printf "<p>c<ruby>明<rt>mei<rb>日<rt>nichi</ruby>d</p>" &&
		printf "<p><ruby><rb>明<rb>日<rtc><rt>あ<rt>した</rtc><rtc>tomorrow</ruby>です</p>" &&
		printf "<p>e<ruby>字<rt>ji</p><p>f</p>"
	} >ruby2.html &&
	page_text ruby2.html >out &&
	echo "{\"content_type\":\"text/html\",\"text\":\"a漢字b\\nc明日d\\n明日です\\ne字\\nf\"}" >expect &&
	test_cmp expect out
'

test_expect_success 'HTML: soft hyphens and zero-width spaces go (they split words); ZWNJ and ZWJ stay' '
	{
		printf "<p>pe&shy;nga&#173;ja&#xAD;ran pe\302\255lajar x &shy; y</p>" &&
		printf "<p>ke&#8203;pada&ZeroWidthSpace;nya ber\342\200\213sama</p>" &&
		printf "<pre>ba\302\255ris\r\nsatu&#8203;<br>&shy;</pre>" &&
		printf "<p>می\342\200\214خواهم 👨\342\200\215💻</p>"
	} >hints.html &&
	page_text hints.html >out &&
	printf "{\"content_type\":\"text/html\",\"text\":\"pengajaran pelajar x y\\\\nkepadanya bersama\\\\nbaris\\\\nsatu\\\\nمی\342\200\214خواهم 👨\342\200\215💻\"}\n" >expect &&
	test_cmp expect out
'

test_expect_success 'WET and text/plain records keep soft hyphens and zero-width spaces, byte for byte' '
	printf "pe\302\255lajar ke\342\200\213pada &shy;" >plain.txt &&
	printf "{\"content_type\":\"text/plain\",\"text\":\"pe\302\255lajar ke\342\200\213pada &shy;\"}\n" >expect &&
	for type in conversion resource; do
		{
			printf "WARC/1.0\r\nWARC-Type: %s\r\nContent-Type: text/plain\r\n" $type &&
			printf "Content-Length: %d\r\n\r\n" $(wc -c <plain.txt) &&
			cat plain.txt &&
			printf "\r\n\r\n"
		} >plain.warc &&
		ayak-warc plain.warc >out &&
		test_cmp expect out || return 1
	done
'

test_expect_success JQ '--html writes the page as UTF-8 instead of its text' '
	ayak-warc --html "$W/pages.warc.gz" >out &&
	head -n 1 out | jq -r .text | head -n 1 >got &&
	echo "<!DOCTYPE html>" >expect &&
	test_cmp expect got &&
	jq -r "select(.url == \"http://lama.example.my/\") | .text" out | grep -F "$(printf "<h1>Caf\303\251")"
'

test_expect_success JQ '--field names the text field' '
	ayak-warc --field body "$W/pages.wet" >out &&
	jq -r "keys_unsorted[-1]" out | sort -u >got &&
	echo body >expect &&
	test_cmp expect got
'

test_expect_success ZSTD '-o FILE.zst writes zstd' '
	ayak-warc -o out.jsonl.zst "$W/pages.warc.gz" &&
	zstd -q -dc out.jsonl.zst >out &&
	test_cmp "$W/pages.expect" out
'

test_expect_success JQ '--max-record skips larger blocks without holding them' '
	ayak-warc --max-record 1K --stats st.json "$W/pages.warc.gz" >out &&
	! grep berita.example out &&
	grep lama.example out &&
	jq -c .dropped.too_large st.json >got &&
	echo 1 >expect &&
	test_cmp expect got
'

test_expect_success 'ARC version 2: eleven fields, the URL with a space' '
	body=$(printf "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<p>Halo dunia v2</p>") &&
	vb=$(printf "2 0 Ujian\nURL IP-address Archive-date Content-type Result-code Checksum Location Offset Filename Archive-length") &&
	{
		printf "filedesc://t.arc 0.0.0.0 20050614070144 text/plain 200 - - 0 t.arc %d\n%s\n\n" $((${#vb} + 1)) "$vb" &&
		printf "http://contoh.my/a b 1.2.3.4 20050614070159 text/html 200 ABC - 0 t.arc %d\n%s\n" ${#body} "$body"
	} >v2.arc &&
	ayak-warc v2.arc >out &&
	echo "{\"url\":\"http://contoh.my/a b\",\"date\":\"2005-06-14T07:01:59Z\",\"content_type\":\"text/html\",\"text\":\"Halo dunia v2\"}" >expect &&
	test_cmp expect out
'

test_expect_success 'usage errors exit 2' '
	test_expect_code 2 ayak-warc --types request "$W/pages.wet" 2>err &&
	test_write_lines "ayak-warc: --types wants response, resource or conversion, not '\''request'\''" \
		"Try '\''ayak-warc --help'\''." >expect &&
	test_cmp expect err &&
	test_expect_code 2 ayak-warc --mime html "$W/pages.wet" 2>err &&
	grep "^ayak-warc: --mime wants types like text/html or text/\*, not '\''html'\''$" err &&
	for m in "*/html" "text/" "/html" "text/h*" "text/html;charset=utf-8" "text /html"; do
		test_expect_code 2 ayak-warc --mime "text/plain,$m" "$W/pages.wet" 2>err &&
		test_write_lines "ayak-warc: --mime wants types like text/html or text/*, not '\''$m'\''" \
			"Try '\''ayak-warc --help'\''." >expect &&
		test_cmp expect err || return 1
	done &&
	ayak-warc --mime " Text/Plain , application/xhtml+xml" "$W/pages.wet" >out &&
	test_cmp "$W/wet.expect" out &&
	test_expect_code 2 ayak-warc --field "" "$W/pages.wet" 2>err &&
	test_write_lines "ayak-warc: --field wants a name, not an empty string" \
		"Try '\''ayak-warc --help'\''." >expect &&
	test_cmp expect err &&
	for f in id url date content_type cc_lang; do
		test_expect_code 2 ayak-warc --field $f "$W/pages.wet" 2>err &&
		test_write_lines "ayak-warc: --field cannot be '\''$f'\'': ayak-warc writes that field itself" \
			"Try '\''ayak-warc --help'\''." >expect &&
		test_cmp expect err || return 1
	done &&
	test_expect_code 2 ayak-warc --min-length x "$W/pages.wet" 2>err &&
	test_expect_code 2 ayak-warc --max-record 0 "$W/pages.wet" 2>err &&
	for size in 2T 1P 1KiB 1.5 -1 1e3 0x10; do
		test_expect_code 2 ayak-warc --max-record $size "$W/pages.wet" 2>err &&
		test_write_lines "ayak-warc: --max-record wants a size like 64M, not '\''$size'\''" \
			"Try '\''ayak-warc --help'\''." >expect &&
		test_cmp expect err || return 1
	done &&
	for size in 1T 2k 2K 0.5K 1.5m 64MB 64mb 4096 1g; do
		ayak-warc --max-record $size "$W/pages.wet" >out &&
		test_cmp "$W/wet.expect" out || return 1
	done &&
	test_expect_code 2 ayak-warc --max-errors 3 "$W/pages.wet" 2>err &&
	grep "^ayak-warc: --max-errors goes with --on-error skip$" err
'

test_expect_success 'a missing file stops everything before any output, exit 3' '
	test_expect_code 3 ayak-warc "$W/pages.wet" missing.warc >out 2>err &&
	test_must_be_empty out &&
	echo "ayak-warc: missing.warc: No such file or directory" >expect &&
	test_cmp expect err
'

test_expect_success '--help and --version' '
	ayak-warc --help >out &&
	grep -e "--keep-boilerplate" out &&
	grep -e "--min-length" out &&
	ayak-warc --version >out &&
	head -n 1 out >got &&
	echo "ayak-warc (ayak) 0.1.0" >expect &&
	test_cmp expect got
'

test_expect_success '--help: --rejects gets the damaged records skipped only, as ayak-warc(1) says' '
	ayak-warc --help >out &&
	grep -e "--rejects FILE" out >rej &&
	test_line_count = 1 rej &&
	grep -e "with --on-error skip: write each damaged record skipped to" rej &&
	! grep -e "skipped or dropped" out
'

test_expect_success 'two outputs naming one file, by any name, are a usage error' '
	cp "$W/pages.wet" one.wet &&
	echo keep >same.jsonl &&
	test_expect_code 2 ayak-warc -o same.jsonl --stats same.jsonl one.wet 2>err &&
	echo "ayak-warc: --output and --stats name the same file" >expect &&
	head -n 1 err >got &&
	test_cmp expect got &&
	test_expect_code 2 ayak-warc --on-error skip --rejects same.jsonl --stats ./same.jsonl one.wet 2>err &&
	echo "ayak-warc: --rejects and --stats name the same file" >expect &&
	head -n 1 err >got &&
	test_cmp expect got &&
	test_expect_code 2 ayak-warc --on-error skip -o same.jsonl --rejects same.jsonl one.wet 2>err &&
	echo "ayak-warc: --output and --rejects name the same file" >expect &&
	head -n 1 err >got &&
	test_cmp expect got &&
	echo keep >expect &&
	test_cmp expect same.jsonl
'

test_expect_success 'a --stats file that cannot be written stops the run before any record: exit 3' '
	mkdir -p statsdir &&
	test_expect_code 3 ayak-warc --stats statsdir one.wet >out 2>err &&
	test_must_be_empty out &&
	echo "ayak-warc: statsdir: Is a directory" >expect &&
	test_cmp expect err &&
	test_expect_code 3 ayak-warc --stats missing/st.json one.wet >out 2>err &&
	test_must_be_empty out &&
	echo "ayak-warc: missing/st.json: No such file or directory" >expect &&
	test_cmp expect err
'

test_expect_success 'plain text keeps the first line indented: only blank lines before (ending in LF, CR LF or CR) and white space after go' '
	printf "\n \n   indented\n   second  \n\t\n" >indent.txt &&
	printf "WARC/1.0\r\nWARC-Type: conversion\r\nContent-Length: %d\r\n\r\n" $(wc -c <indent.txt) >indent.warc &&
	cat indent.txt >>indent.warc &&
	printf "\r\n\r\n" >>indent.warc &&
	ayak-warc indent.warc >out &&
	echo "{\"content_type\":\"text/plain\",\"text\":\"   indented\\n   second\"}" >expect &&
	test_cmp expect out &&
	printf "\r \r\t\r   indented\n   second  \n\t\n" >cr.txt &&
	printf "WARC/1.0\r\nWARC-Type: conversion\r\nContent-Length: %d\r\n\r\n" $(wc -c <cr.txt) >cr.warc &&
	cat cr.txt >>cr.warc &&
	printf "\r\n\r\n" >>cr.warc &&
	ayak-warc cr.warc >out &&
	test_cmp expect out &&
	printf "WARC/1.0\r\nWARC-Type: conversion\r\nContent-Length: 4\r\n\r\n \n\t \r\n\r\n" >blank.warc &&
	ayak-warc --stats st.json blank.warc >out &&
	test_must_be_empty out &&
	grep -F "\"dropped\":{\"empty\":1}" st.json
'

# conversion FILE: a conversion record (text/plain) of FILE's bytes.
conversion () {
	printf "WARC/1.0\r\nWARC-Type: conversion\r\nContent-Length: %d\r\n\r\n" $(wc -c <"$1") &&
	cat "$1" &&
	printf "\r\n\r\n"
}

test_expect_success JQ 'Unicode white space and control characters are blank: trimmed, and a text of them is empty' '
	# DEL, NEL (C1), no-break spaces, U+3000, U+2028 and U+2029, C0 controls
	for t in "\177" "\302\205" "\302\240\302\240" "\343\200\200" "\342\200\250\342\200\251" "\001\002 \t"; do
		printf "$t" >blank.txt && conversion blank.txt || return 1
	done >blanks.warc &&
	printf "<pre>&nbsp;&#x3000;&#x7f;</pre>" >blank.html &&
	warc_record resource blank.html >>blanks.warc &&
	ayak-warc --stats st.json blanks.warc >out &&
	test_must_be_empty out &&
	jq -c "[.records_out, .dropped]" st.json >got &&
	echo "[0,{\"empty\":7}]" >expect &&
	test_cmp expect got &&
	# at the end; and at the start, blank lines of them (U+0085, U+2028, U+2029 end lines too)
	printf "abc\001 \302\240\t\302\205\343\200\200" >end.txt &&
	printf "\302\240\t\r\n\343\200\200 \n  indented\342\200\250" >start.txt &&
	printf "\342\200\251\302\205 x" >ls.txt &&
	{ conversion end.txt && conversion start.txt && conversion ls.txt; } >trim.warc &&
	ayak-warc trim.warc | jq -c .text >got &&
	test_write_lines "\"abc\"" "\"  indented\"" "\" x\"" >expect &&
	test_cmp expect got
'

# charset_record CHARSET FILE: a resource record of FILE's bytes as text/plain in CHARSET
# (none: no charset parameter).
charset_record () {
	local ctype="text/plain${1:+; charset=$1}"
	printf "WARC/1.0\r\nWARC-Type: resource\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n" \
		"$ctype" $(wc -c <"$2") &&
	cat "$2" &&
	printf "\r\n\r\n"
}

test_expect_success JQ 'single-byte charsets decode as WHATWG says: 0x1A is U+001A, 0x81 U+0081, ibm866 is ASCII' '
	printf "a\032b\034c\177d \201\215\217\220\235 caf\351" >sb.txt &&
	printf "Harga kopi di kaf\351 itu sangat mahal\032 tetapi r\351sum\351 na\357ve \340 la carte." >det.txt &&
	{ charset_record windows-1252 sb.txt && charset_record iso-8859-1 sb.txt &&
	  charset_record ibm866 sb.txt && charset_record "" det.txt; } >sb.warc &&
	ayak-warc --stats st.json sb.warc | jq -c ".text | explode" >got &&
	cat >expect <<-\EOF &&
	[97,26,98,28,99,127,100,32,129,141,143,144,157,32,99,97,102,233]
	[97,26,98,28,99,127,100,32,129,141,143,144,157,32,99,97,102,233]
	[97,26,98,28,99,127,100,32,1041,1053,1055,1056,1069,32,99,97,102,1097]
	EOF
	head -n 3 got >got3 &&
	test_cmp expect got3 &&
	sed -n 4p got | grep -F ",108,26,32," &&
	! grep -F 65533 got &&
	jq -e ".counts.charset_detected == 1" st.json
'

test_expect_success 'a read error on the standard input names it' '
	mkdir -p adir &&
	test_expect_code 3 ayak-warc <adir >out 2>err &&
	echo "ayak-warc: (stdin): read error: Is a directory" >expect &&
	test_cmp expect err
'

test_expect_success JQ 'no UTF-16 without a byte order mark: long runs of one letter and a stray byte' '
	{
		printf "<div>" &&
		for i in $(seq 300); do printf aaaa; done &&
		printf "</div><p>Harga \243100</p>"
	} >runs.html &&
	http_message "text/html" runs.html >runs.http &&
	warc_record response runs.http >runs.warc &&
	ayak-warc --stats st.json runs.warc >out &&
	jq -r .text out | tail -n 1 >got &&
	printf "Harga \302\243100\n" >expect &&
	test_cmp expect got &&
	jq -c "[.counts.charset_detected, .counts.charset_converted]" st.json >got &&
	echo "[0,1]" >expect &&
	test_cmp expect got &&
	http_message "text/html; charset=utf-8" runs.html >runs8.http &&
	warc_record response runs8.http >runs8.warc &&
	ayak-warc runs8.warc >out &&
	jq -r .text out | tail -n 1 >got &&
	printf "Harga \357\277\275100\n" >expect &&
	test_cmp expect got
'

test_expect_success JQ 'a converted payload longer than one conversion step keeps every character' '
	# 3 MB of Shift_JIS and of UTF-16LE with surrogate pairs: characters
	# straddle the 1 MiB steps of the conversion (a double-byte character,
	# a surrogate pair).
	perl -e "print \"\x82\xa0a\" x 1000000" >sjis.txt &&
	perl -e "print \"\xff\xfec\x00\", \"\x3d\xd8\x00\xdeb\x00\" x 500000" >u16.txt &&
	for f in sjis u16; do
		warc_record resource $f.txt "WARC-Record-ID: <urn:$f>\r\n" || return 1
	done >conv.warc &&
	sed -i "0,/text\/html/s//text\/plain; charset=Shift_JIS/" conv.warc &&
	sed -i "0,/text\/html/s//text\/plain/" conv.warc &&
	ayak-warc conv.warc >out &&
	jq -r .text out >got &&
	{ perl -CS -e "print \"\x{3042}a\" x 1000000, \"\nc\", \"\x{1F600}b\" x 500000, \"\n\""; } >expect &&
	test_cmp expect got
'

test_done
