#!/usr/bin/env bash
test_description='ayak-warc on real files: warcio fixtures, Common Crawl WARC/WET/WAT, dolma'
. "$(dirname "$0")/../lib.sh"

W=$TEST_DATA/warc

test_expect_success 'warcio example.warc: the one HTML response' '
	ayak-warc "$W/warcio/example.warc" >out 2>err &&
	test_cmp "$W/example.expect" out &&
	test_must_be_empty err
'

test_expect_success JQ 'the same page from per-record gzip, one gzip member, and members across records' '
	for f in example.warc.gz example-bad-non-chunked.warc.gz example-wrong-chunks.warc.gz \
		example-bad.warc.gz.bad example-resource.warc.gz; do
		ayak-warc "$W/warcio/$f" >out 2>err &&
		test_must_be_empty err &&
		test_line_count = 1 out &&
		jq -r .text out >got &&
		jq -r .text "$W/example.expect" >expect &&
		test_cmp expect got || return 1
	done
'

test_expect_success JQ 'chunked transfer encoding (warcio example-iana.org-chunked.warc)' '
	ayak-warc "$W/warcio/example-iana.org-chunked.warc" >out &&
	jq -r .url out >got &&
	echo http://www.iana.org/ >expect &&
	test_cmp expect got &&
	jq -r .text out | grep -F "New Root Zone trust anchor being distributed." &&
	ayak-warc --keep-boilerplate "$W/warcio/example-iana.org-chunked.warc" | jq -r .text >all &&
	grep -x "Root Zone Management" all &&
	grep -x "Internet Assigned Numbers Authority" all
'

test_expect_success 'a Content-Length two bytes short (warcio example-trunc.warc)' '
	test_expect_code 1 ayak-warc "$W/warcio/example-trunc.warc" >out 2>err &&
	echo "ayak-warc: $W/warcio/example-trunc.warc: byte 1197: wrong Content-Length 973: no record header after the block" >expect &&
	test_cmp expect err
'

test_expect_success JQ 'and with skip, the records after it are still read' '
	ayak-warc --on-error skip --types response,resource --stats st.json \
		"$W/warcio/example-trunc.warc" >out 2>/dev/null &&
	jq -c "[.records_in, .records_out, .errors, .dropped]" st.json >got &&
	echo "[4,0,1,{\"type\":3,\"damaged\":1}]" >expect &&
	test_cmp expect got
'

test_expect_success JQ 'ARC: example.arc and example.arc.gz' '
	ayak-warc "$W/warcio/example.arc" >out &&
	ayak-warc "$W/warcio/example.arc.gz" >outgz &&
	test_cmp out outgz &&
	jq -c "del(.text)" out >got &&
	echo "{\"url\":\"http://example.com/\",\"date\":\"2014-02-16T05:02:21Z\",\"content_type\":\"text/html\"}" >expect &&
	test_cmp expect got &&
	jq -r .text out >got &&
	jq -r .text "$W/example.expect" >expect &&
	test_cmp expect got
'

test_expect_success 'ARC: a URL with spaces in a record cut short by the end of the file' '
	test_expect_code 1 ayak-warc "$W/warcio/example-space-in-url.arc" >out 2>err &&
	echo "ayak-warc: $W/warcio/example-space-in-url.arc: byte 151: truncated record: Content-Length 1591, 1579 bytes left" >expect &&
	test_cmp expect err
'

test_expect_success 'ARC: bad header lines (warcio bad.arc)' '
	ayak-warc --on-error skip "$W/warcio/bad.arc" >out 2>err &&
	test_must_be_empty out &&
	cat >expect <<-EOF &&
	ayak-warc: $W/warcio/bad.arc: byte 0: bad ARC header line
	ayak-warc: $W/warcio/bad.arc: byte 202: wrong Content-Length 1: no record header after the block
	ayak-warc: skipped 2 malformed records
	EOF
	test_cmp expect err
'

test_expect_success JQ 'wget: WARC-Target-URI in angle brackets; resource records' '
	ayak-warc "$W/warcio/example-wget-bad-target-uri.warc.gz" >out &&
	jq -r .url out >got &&
	test_write_lines http://example.com/ \
		metadata://gnu.org/software/wget/warc/wget_arguments.txt \
		metadata://gnu.org/software/wget/warc/wget.log >expect &&
	test_cmp expect got
'

test_expect_success JQ 'non-text payloads, requests, revisits and WAT metadata give no records' '
	for f in warcio/post-test.warc.gz warcio/example-digest.warc \
		warcio/example-space-in-target-uri.warc.gz commoncrawl/whirlwind.warc.wat.gz; do
		ayak-warc "$W/$f" >out 2>err &&
		test_must_be_empty out &&
		test_must_be_empty err || return 1
	done
'

test_expect_success JQ 'Common Crawl WARC: the page text without its navigation' '
	ayak-warc "$W/commoncrawl/whirlwind.warc.gz" >out &&
	test_cmp "$W/whirlwind.expect" out &&
	jq -r .text out >text &&
	head -n 1 text >got &&
	echo Escopete >expect &&
	test_cmp expect got &&
	grep "^A suya poblaci" text &&
	grep -x "Cheograf$(printf "\303\255")a" text &&
	! grep "Men$(printf "\303\272") principal" text &&
	! grep "Descargar como PDF" text
'

test_expect_success JQ 'Common Crawl WET: conversion record, cc_lang, text as stored' '
	ayak-warc "$W/commoncrawl/whirlwind.warc.wet.gz" >out &&
	jq -c "del(.text)" out >got &&
	echo "{\"id\":\"<urn:uuid:ba729a40-ff84-4085-8d48-0a5b2ee0c42d>\",\"url\":\"https://an.wikipedia.org/wiki/Escopete\",\"date\":\"2024-05-18T01:58:10Z\",\"content_type\":\"text/plain\",\"cc_lang\":\"spa\"}" >expect &&
	test_cmp expect got &&
	jq -r .text out >text &&
	gzip -dc "$W/commoncrawl/whirlwind.warc.wet.gz" | tail -n +32 | head -n 5 >expect &&
	head -n 5 text >got &&
	test_cmp expect got
'

test_expect_success JQ 'dolma: 22 HTML pages and 2 wget logs from 48 records' '
	ayak-warc --stats st.json "$W/dolma/sample-0000.warc.gz" >out &&
	jq -c "[.records_in, .records_out, .counts.html]" st.json >got &&
	echo "[48,24,22]" >expect &&
	test_cmp expect got &&
	jq -r "select(.url == \"https://soldaini.net/\") | .text" out >text &&
	grep -F "My name is Luca Soldaini" text &&
	jq -r .content_type out | sort | uniq -c | sed "s/^ *//" >got &&
	test_write_lines "22 text/html" "2 text/plain" >expect &&
	test_cmp expect got
'

test_expect_success 'every record is valid JSON with a text (ayak-cat --validate)' '
	ayak-warc "$W"/warcio/*.warc* "$W"/commoncrawl/* "$W"/dolma/* "$W"/*.warc* "$W"/*.wet \
		--on-error skip 2>/dev/null >all.jsonl &&
	ayak-cat --validate all.jsonl >/dev/null
'

test_done
