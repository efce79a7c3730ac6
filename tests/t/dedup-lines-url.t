#!/usr/bin/env bash
test_description='ayak-dedup: repeated lines (CCNet-style) and repeated URLs'
. "$(dirname "$0")/../lib.sh"

F=$TEST_DATA/dedup/dedup.jsonl

ids () {
	sed -n 's/^{"id": "\([a-z0-9]*\)".*/\1/p' "$1" | paste -sd' ' -
}

test_expect_success 'setup' '
	cp "$F" in.jsonl
'

test_expect_success 'lines in more than --line-max records go; a record left empty goes' '
	ayak-dedup --mode lines --line-max 3 --stats st.json in.jsonl >out &&
	sed -e "/\"id\": \"p6\"/d" \
	    -e "s/\"text\": \"Log masuk | Daftar\\\\n/\"text\": \"/" \
	    -e "s/\\\\nHak Cipta Terpelihara 20[0-9][0-9]\"}$/\"}/" in.jsonl >expect &&
	test_cmp expect out &&
	grep -q "\"dropped\":{\"lines\":1}" st.json &&
	grep -q "\"frequent_lines\":2" st.json &&
	grep -q "\"lines_removed\":12" st.json
'

test_expect_success 'the limit counts records: six records are not more than six' '
	ayak-dedup --mode lines --line-max 6 in.jsonl >out &&
	test_cmp in.jsonl out &&
	ayak-dedup --mode lines --line-max 5 in.jsonl >out &&
	test_line_count = 16 out
'

test_expect_success 'lines with --annotate: text kept, dedup_lines added' '
	ayak-dedup --mode lines --line-max 3 --annotate in.jsonl >out &&
	test_line_count = 17 out &&
	grep "\"id\": \"p1\"" out | grep -q "Log masuk.*\"dedup\":\"keep\",\"dedup_cluster\":10,\"dedup_size\":1,\"dedup_lines\":2}$" &&
	grep "\"id\": \"a1\"" out | grep -q ",\"dedup_lines\":0}$"
'

test_expect_success 'lines together with exact and near' '
	ayak-dedup --mode exact,near,lines --line-max 3 in.jsonl >out &&
	test "$(ids out)" = "a1 b1 b2 c1 t1 p1 p2 p3 p4 p5 e1" &&
	! grep -q "Log masuk" out
'

test_expect_success 'lines dropped from a record with --rejects: reason lines' '
	ayak-dedup --mode lines --line-max 3 --rejects rej.jsonl in.jsonl >/dev/null &&
	test_line_count = 1 rej.jsonl &&
	grep -q "^{\"reject\":{\"program\":\"ayak-dedup\",\"reason\":\"lines\",\"cluster\":15,\"size\":1,\"file\":\"in.jsonl\",\"line\":16}" rej.jsonl
'

test_expect_success 'url: the same page under another spelling goes; the first stays' '
	ayak-dedup --mode url in.jsonl >out &&
	test "$(ids out)" = "a1 b1 a2 a3 a4 b2 t1 t2 t3 p1 p2 p3 p4 p5 p6 e1"
'

test_expect_success 'url: --url-keep newest keeps the latest date' '
	ayak-dedup --mode url --url-keep newest --annotate in.jsonl >out &&
	grep "\"id\": \"a1\"" out | grep -q "\"dedup\":\"url\"" &&
	grep "\"id\": \"c1\"" out | grep -q "\"dedup\":\"keep\"" &&
	ayak-dedup --mode url --url-keep min:date in.jsonl >out &&
	test "$(ids out)" = "a1 b1 a2 a3 a4 b2 t1 t2 t3 p1 p2 p3 p4 p5 p6 e1"
'

test_expect_success 'url: another field, and records without one' '
	sed "s/\"url\":/\"link\":/" in.jsonl >link.jsonl &&
	ayak-dedup --mode url --url-field link link.jsonl >out &&
	test_line_count = 16 out &&
	ayak-dedup --mode url link.jsonl >out &&
	test_cmp link.jsonl out
'

test_expect_success 'url with exact and near: a URL copy that keeps a cluster is replaced' '
	ayak-dedup --mode exact,near,url --url-keep newest --annotate in.jsonl >out &&
	grep "\"id\": \"a1\"" out | grep -q "\"dedup\":\"exact\",\"dedup_cluster\":0,\"dedup_size\":4}$" &&
	grep "\"id\": \"a2\"" out | grep -q "\"dedup\":\"keep\"" &&
	grep "\"id\": \"c1\"" out | grep -q "\"dedup\":\"keep\""
'

test_expect_success 'lines with --annotate: a record that would be left empty says so, and is counted' '
	printf "{\"id\":%d,\"text\":\"Menu utama laman\\\\nAyat unik nombor %s di sini\"}\n" 1 satu 2 dua 3 tiga >la.jsonl &&
	printf "{\"id\":4,\"text\":\"Menu utama laman\"}\n" >>la.jsonl &&
	ayak-dedup --mode lines --line-max 2 --stats st1.json la.jsonl >out &&
	test_line_count = 3 out &&
	ayak-dedup --mode lines --line-max 2 --annotate --stats st2.json la.jsonl >out &&
	sed -n "s/.*\"dedup\":\(\"[a-z]*\"\).*/\1/p" out | paste -sd" " - >got &&
	echo "\"keep\" \"keep\" \"keep\" \"lines\"" >expect &&
	test_cmp expect got &&
	tail -n 1 out | grep -q ",\"dedup\":\"lines\",\"dedup_cluster\":3,\"dedup_size\":1,\"dedup_lines\":1}$" &&
	grep -q "\"dropped\":{\"lines\":1}" st1.json &&
	grep -q "\"dropped\":{},.*\"counts\":{.*\"lines\":1,\"lines_removed\":4}" st2.json
'

# uids FILE: the numeric ids of FILE, one line
uids () {
	sed -n "s/^{\"id\":\([0-9]*\),.*/\1/p" "$1" | paste -sd" " -
}

test_expect_success 'url with exact: text first, then URLs among the records kept' '
	cat >ux3.jsonl <<-\EOF &&
	{"id":0,"q":1,"url":"https://a.my/x","text":"teks sama yang berulang"}
	{"id":1,"q":9,"url":"https://a.my/y","text":"teks sama yang berulang"}
	{"id":2,"q":5,"url":"https://a.my/x","text":"teks lain yang unik sahaja"}
	EOF
	ayak-dedup --mode exact,url --keep max:q ux3.jsonl >out &&
	test "$(uids out)" = "1 2" &&
	ayak-dedup --mode exact,near,url --keep max:q --annotate ux3.jsonl >out &&
	sed -n "s/.*\"dedup\":\(\"[a-z]*\"\).*/\1/p" out | paste -sd" " - >got &&
	echo "\"exact\" \"keep\" \"keep\"" >expect &&
	test_cmp expect got
'

test_expect_success 'url: a cluster whose keeper goes for its URL hands over to a record of another URL' '
	cat >hand.jsonl <<-\EOF &&
	{"id":0,"date":"2024-01-01","url":"https://a.my/x","text":"versi lama halaman ini"}
	{"id":1,"date":"2024-01-02","url":"https://a.my/y","text":"versi lama halaman ini"}
	{"id":2,"date":"2024-05-01","url":"https://a.my/x","text":"versi baru halaman ini sudah berubah"}
	{"id":3,"date":"2024-01-03","url":"https://a.my/x","text":"versi lama halaman ini"}
	EOF
	ayak-dedup --mode exact,url --url-keep newest --rejects rej.jsonl hand.jsonl >out &&
	test "$(uids out)" = "1 2" &&
	sed -e "s/,\"raw\":.*//" rej.jsonl >got &&
	cat >expect <<-\EOF &&
	{"reject":{"program":"ayak-dedup","reason":"exact","cluster":0,"size":3,"file":"hand.jsonl","line":1}
	{"reject":{"program":"ayak-dedup","reason":"exact","cluster":0,"size":3,"file":"hand.jsonl","line":4}
	EOF
	test_cmp expect got
'

test_expect_success 'url with every text mode: each URL keeps a record, each cluster at most one' '
	awk "BEGIN { srand(5); for (i = 0; i < 600; i++) {
		t = \"teks \" int(rand() * 150) \" tentang perkara yang sama sahaja\"
		printf \"{\\\"id\\\":%d,\\\"q\\\":%d,\\\"url\\\":\\\"https://u.my/%d\\\",\\\"text\\\":\\\"%s\\\"}\\n\", i, int(rand() * 50), int(rand() * 30), t
	} }" >many.jsonl &&
	ayak-dedup --mode exact,near,url --keep max:q --url-keep max:q --annotate many.jsonl >ann &&
	grep "\"dedup\":\"keep\"" ann >kept &&
	sed -n "s/.*\"url\":\"\([^\"]*\)\".*/\1/p" many.jsonl | sort -u >all-urls &&
	sed -n "s/.*\"url\":\"\([^\"]*\)\".*/\1/p" kept | sort >kept-urls &&
	test_cmp all-urls kept-urls &&
	sed -n "s/.*\"dedup_cluster\":\([0-9]*\),.*/\1/p" kept | sort | uniq -d >twice &&
	test_must_be_empty twice
'

test_expect_success 'lines and url: a URL whose kept record is left empty keeps its next best record' '
	cat >le.jsonl <<-\EOF &&
	{"id":0,"date":"2024-03-01","url":"https://a.my/x","text":"Menu utama\nLog masuk"}
	{"id":1,"date":"2024-01-01","url":"https://a.my/x","text":"Menu utama\nBerita lama tentang banjir"}
	{"id":2,"date":"2024-02-01","url":"http://www.a.my/x/","text":"Log masuk"}
	{"id":3,"date":"2024-02-15","url":"https://a.my/x#atas","text":"Menu utama\nBerita baru tentang banjir"}
	{"id":4,"date":"2024-01-01","url":"https://b.my/1","text":"Log masuk\nCerita satu"}
	EOF
	ayak-dedup --mode lines,url --line-max 2 --url-keep newest --rejects rej.jsonl \
		--stats st.json le.jsonl >out &&
	cat >expect <<-\EOF &&
	{"id":3,"date":"2024-02-15","url":"https://a.my/x#atas","text":"Berita baru tentang banjir"}
	{"id":4,"date":"2024-01-01","url":"https://b.my/1","text":"Cerita satu"}
	EOF
	test_cmp expect out &&
	sed -e "s/,\"raw\":.*//" rej.jsonl >got &&
	cat >expect <<-\EOF &&
	{"reject":{"program":"ayak-dedup","reason":"url","cluster":0,"size":1,"file":"le.jsonl","line":1}
	{"reject":{"program":"ayak-dedup","reason":"url","cluster":1,"size":1,"file":"le.jsonl","line":2}
	{"reject":{"program":"ayak-dedup","reason":"url","cluster":2,"size":1,"file":"le.jsonl","line":3}
	EOF
	test_cmp expect got &&
	grep -q "\"records_out\":2,\"dropped\":{\"url\":3}," st.json &&
	grep -q "\"url_groups\":1,\"frequent_lines\":2,.*\"lines_removed\":2}" st.json &&
	ayak-dedup --mode lines,url --line-max 2 --url-keep newest --annotate le.jsonl >out &&
	sed -n "s/.*\"dedup\":\(\"[a-z]*\"\).*/\1/p" out | paste -sd" " - >got &&
	echo "\"url\" \"url\" \"url\" \"keep\" \"keep\"" >expect &&
	test_cmp expect got &&
	ayak-dedup --mode exact,near,lines,url --line-max 2 --url-keep newest le.jsonl >out &&
	test "$(uids out)" = "3 4"
'

test_expect_success 'lines and url: a cluster that hands over passes over a record left empty' '
	cat >lh.jsonl <<-\EOF &&
	{"id":0,"q":9,"url":"https://c.my/1","text":"Log masuk Menu utama"}
	{"id":1,"q":10,"url":"https://c.my/1","text":"Berita lain sama sekali"}
	{"id":2,"q":8,"url":"https://c.my/2","text":"Log masuk\nMenu utama"}
	{"id":3,"q":7,"url":"https://c.my/3","text":"Log  masuk   Menu utama"}
	{"id":5,"q":1,"url":"https://c.my/5","text":"Log masuk\nMenu utama\nCerita lima"}
	{"id":6,"q":1,"url":"https://c.my/6","text":"Log masuk\nMenu utama\nCerita enam"}
	EOF
	ayak-dedup --mode exact,lines,url --line-max 2 --keep max:q --url-keep max:q \
		--annotate lh.jsonl >out &&
	sed -n "s/.*\"dedup\":\(\"[a-z]*\"\).*/\1/p" out | paste -sd" " - >got &&
	echo "\"exact\" \"keep\" \"exact\" \"keep\" \"keep\" \"keep\"" >expect &&
	test_cmp expect got &&
	grep "\"id\":2," out | grep -q "\"dedup_cluster\":0,\"dedup_size\":3,\"dedup_lines\":2}$" &&
	ayak-dedup --mode exact,lines,url --line-max 2 --keep max:q --url-keep max:q lh.jsonl >out &&
	test "$(uids out)" = "1 3 5 6"
'

test_expect_success 'url with lines: each URL keeps a record unless all its records are copies or left empty' '
	awk -v n=600 -v rank=q -v urls=40 -f "$AYAK_TOP/tests/data/dedup/lines-url.awk" >ml.jsonl &&
	ayak-dedup --mode lines --line-max 10 --annotate ml.jsonl >lines-only &&
	grep "\"dedup\":\"lines\"" lines-only | sed -n "s/^{\"id\":\([0-9]*\),.*/\1/p" | sort >empty-ids &&
	test $(wc -l <empty-ids) -gt 50 &&
	for m in "lines,url" "exact,near,lines,url --keep max:q"; do
		ayak-dedup --mode $m --line-max 10 --url-keep max:q --annotate ml.jsonl >ann || return 1
		grep "\"dedup\":\"keep\"" ann >kept &&
		sed -n "s/.*\"url\":\"\([^\"]*\)\".*/\1/p" kept | sort >kept-urls &&
		sort -u kept-urls >kept-once &&
		test_cmp kept-once kept-urls &&
		sed -n "s/.*\"dedup_cluster\":\([0-9]*\),.*/\1/p" kept | sort | uniq -d >twice &&
		test_must_be_empty twice &&
		sed -n "s/^{\"id\":\([0-9]*\),.*\"url\":\"\([^\"]*\)\".*\"dedup\":\"\(url\|keep\)\".*/\1 \2/p" ann |
			sort -k1,1 | join -v 1 - empty-ids | cut -d" " -f2 | sort -u >alive-urls &&
		comm -23 alive-urls kept-urls >lost &&
		test_must_be_empty lost || return 1
	done
'

# The first text had no line with words: its empty list of lines was sorted from NULL (UBSan).
test_expect_success 'a first text without a line of words: kept as it is, the next one too' '
	printf "%s\n" "{\"text\":\"\"}" "{\"text\":\"a\"}" "{\"text\":\"  \\n \"}" >nolines.jsonl &&
	ayak-dedup --mode lines nolines.jsonl >out 2>err &&
	test_cmp nolines.jsonl out &&
	test_must_be_empty err
'

test_done
