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

test_done
