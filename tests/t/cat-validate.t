#!/usr/bin/env bash
test_description='ayak-cat --validate: bad records, --on-error, --rejects, --stats, --max-errors'
. "$(dirname "$0")/../lib.sh"

TRY="Try 'ayak-cat --help'."

# check_bad 'line' 'message': --validate on a file of one good record and
# then the line fails with exit 1 and exactly that message.
check_bad () {
	printf '{"text":"baik"}\n%s\n' "$1" >bad.jsonl &&
	echo "ayak-cat: bad.jsonl:2: $2" >expect &&
	test_expect_code 1 ayak-cat --validate bad.jsonl >out 2>err &&
	test_cmp expect err
}

test_expect_success 'setup' '
	cp "$TEST_DATA/sample.jsonl" in.jsonl
'

test_expect_success 'malformed JSON: unterminated string' '
	check_bad "{\"text\":\"abc" "malformed record: unterminated string at column 9"
'

test_expect_success 'malformed JSON: unexpected end of line' '
	check_bad "{\"text\":" "malformed record: unexpected end of line at column 9"
'

test_expect_success 'malformed JSON: trailing characters' '
	check_bad "{\"text\":\"a\"} x" "malformed record: trailing characters at column 14"
'

test_expect_success 'malformed JSON: expected colon' '
	check_bad "{\"text\"\"a\"}" "malformed record: expected '\'':'\'' at column 8"
'

test_expect_success 'malformed JSON: trailing comma' '
	check_bad "{\"text\":\"a\",}" "malformed record: expected string key at column 13"
'

test_expect_success 'malformed JSON: unexpected character' '
	check_bad "{\"text\":nope}" "malformed record: unexpected character '\''n'\'' at column 9"
'

test_expect_success 'malformed JSON: control character in a string' '
	check_bad "$(printf "{\"text\":\"a\tb\"}")" "malformed record: control character in string at column 11"
'

test_expect_success 'malformed JSON: bad escapes' '
	check_bad "{\"text\":\"\\q\"}" "malformed record: invalid escape at column 10" &&
	check_bad "{\"text\":\"\\u00G0\"}" "malformed record: invalid \\u escape at column 10" &&
	check_bad "{\"text\":\"\\ud800\"}" "malformed record: lone surrogate at column 10"
'

test_expect_success 'malformed JSON: invalid number' '
	check_bad "{\"text\":\"a\",\"n\":01}" "malformed record: invalid number at column 17"
'

test_expect_success 'a line that is not an object' '
	check_bad "[1,2]" "malformed record: not a JSON object" &&
	check_bad "\"text\"" "malformed record: not a JSON object" &&
	check_bad "null" "malformed record: not a JSON object"
'

test_expect_success 'invalid UTF-8 in the text' '
	check_bad "$(printf "{\"text\":\"a\377b\"}")" "malformed record: invalid UTF-8 at column 11" &&
	check_bad "$(printf "{\"text\":\"\300\200\"}")" "malformed record: invalid UTF-8 at column 10" &&
	check_bad "$(printf "{\"text\":\"\355\240\200\"}")" "malformed record: invalid UTF-8 at column 10"
'

test_expect_success 'invalid UTF-8 in another field' '
	check_bad "$(printf "{\"text\":\"ok\",\"id\":\"\364\220\200\200\"}")" "malformed record: invalid UTF-8 at column 20"
'

test_expect_success 'missing text' '
	check_bad "{\"id\":1}" "missing field \"text\"" &&
	check_bad "{}" "missing field \"text\""
'

test_expect_success 'text only in a nested object is missing' '
	check_bad "{\"o\":{\"text\":\"x\"}}" "missing field \"text\""
'

test_expect_success 'text not a string' '
	check_bad "{\"text\":1}" "field \"text\" is not a string" &&
	check_bad "{\"text\":null}" "field \"text\" is not a string" &&
	check_bad "{\"text\":[\"a\"]}" "field \"text\" is not a string" &&
	check_bad "{\"text\":{\"a\":1}}" "field \"text\" is not a string"
'

test_expect_success 'duplicate text keys: the last one counts' '
	check_bad "{\"text\":\"a\",\"text\":2}" "field \"text\" is not a string" &&
	printf "{\"text\":1,\"text\":\"a\"}\n" >dup.jsonl &&
	ayak-cat --validate dup.jsonl >out &&
	test_cmp dup.jsonl out
'

test_expect_success 'an escaped key spelling of text counts as text' '
	printf "{\"te\\\\u0078t\":\"a\"}\n" >esc.jsonl &&
	ayak-cat --validate esc.jsonl >out &&
	test_cmp esc.jsonl out
'

test_expect_success '--field NAME checks that field instead' '
	printf "{\"body\":\"a\"}\n" >body.jsonl &&
	ayak-cat --validate --field body body.jsonl >out &&
	test_cmp body.jsonl out &&
	echo "ayak-cat: in.jsonl:1: missing field \"body\"" >expect &&
	test_expect_code 1 ayak-cat --validate --field body in.jsonl >out 2>err &&
	test_cmp expect err &&
	printf "{\"body\":7,\"text\":\"x\"}\n" >body2.jsonl &&
	echo "ayak-cat: body2.jsonl:1: field \"body\" is not a string" >expect &&
	test_expect_code 1 ayak-cat --validate --field body body2.jsonl >out 2>err &&
	test_cmp expect err
'

test_expect_success 'standard input shows as (stdin)' '
	printf "{\"text\":\"a\"}\n{bad\n" >stdin.jsonl &&
	echo "ayak-cat: (stdin):2: malformed record: expected string key at column 2" >expect &&
	test_expect_code 1 ayak-cat --validate <stdin.jsonl >out 2>err &&
	test_cmp expect err &&
	test_expect_code 1 ayak-cat --validate - <stdin.jsonl >out 2>err &&
	test_cmp expect err
'

test_expect_success 'line numbers count blank lines and restart for each input' '
	printf "{\"text\":\"a\"}\n\n\n{bad\n" >blank-bad.jsonl &&
	echo "ayak-cat: blank-bad.jsonl:4: malformed record: expected string key at column 2" >expect &&
	test_expect_code 1 ayak-cat --validate in.jsonl blank-bad.jsonl >out 2>err &&
	test_cmp expect err
'

test_expect_success 'line numbers in compressed input' '
	gzip -c blank-bad.jsonl >blank-bad.jsonl.gz &&
	echo "ayak-cat: blank-bad.jsonl.gz:4: malformed record: expected string key at column 2" >expect &&
	test_expect_code 1 ayak-cat --validate blank-bad.jsonl.gz >out 2>err &&
	test_cmp expect err
'

test_expect_success 'a CRLF line with an error: the column ignores the CR' '
	printf "{\"text\":\"a\"} x\r\n" >crlf-bad.jsonl &&
	echo "ayak-cat: crlf-bad.jsonl:1: malformed record: trailing characters at column 14" >expect &&
	test_expect_code 1 ayak-cat --validate crlf-bad.jsonl >out 2>err &&
	test_cmp expect err
'

test_expect_success 'the file name is shown as given' '
	mkdir sub && cp bad.jsonl sub/ &&
	test_expect_code 1 ayak-cat --validate ./sub/bad.jsonl >out 2>err &&
	grep "^ayak-cat: \./sub/bad\.jsonl:2: " err
'

test_expect_success 'with --on-error fail (the default) a bad record stops the run' '
	printf "{\"text\":\"a\"}\n{bad\n{\"text\":\"c\"}\n" >mid.jsonl &&
	test_expect_code 1 ayak-cat --validate --on-error fail mid.jsonl >out 2>err &&
	test_line_count = 1 err &&
	! grep "\"c\"" out
'

test_expect_success 'atomic -o: a failing run leaves no output file and no temporary file' '
	mkdir atomic &&
	cp mid.jsonl atomic/ &&
	test_expect_code 1 ayak-cat --validate -o atomic/out.jsonl atomic/mid.jsonl 2>err &&
	test_path_is_missing atomic/out.jsonl &&
	ls -A atomic >list &&
	echo mid.jsonl >expect &&
	test_cmp expect list
'

test_expect_success 'atomic -o: a failing run keeps the old file untouched' '
	echo "old content" >atomic/keep.jsonl.zst &&
	cp atomic/keep.jsonl.zst old &&
	test_expect_code 1 ayak-cat --validate -o atomic/keep.jsonl.zst atomic/mid.jsonl 2>err &&
	test_cmp old atomic/keep.jsonl.zst &&
	ls -A atomic >list &&
	printf "keep.jsonl.zst\nmid.jsonl\n" >expect &&
	test_cmp expect list
'

test_expect_success 'atomic -o: a failing run on a big input (after buffers were flushed)' '
	for i in $(seq 40); do cat in.jsonl; done >big.jsonl &&
	echo "{bad" >>big.jsonl &&
	mkdir atomic2 &&
	test_expect_code 1 ayak-cat --validate -o atomic2/out.jsonl big.jsonl 2>err &&
	test_expect_code 1 ayak-cat --validate -o atomic2/out.jsonl.gz big.jsonl 2>err &&
	ls -A atomic2 >list &&
	test_must_be_empty list
'

# Five records: two good, a malformed one, a missing text, another malformed one.
test_expect_success 'setup for --on-error skip' '
	cat >skip.jsonl <<-\EOT &&
	{"text":"satu"}
	{"text":"dua
	{"text":"tiga"}
	[3]
	{"text":"empat"}
	EOT
	printf "{\"text\":\"satu\"}\n{\"text\":\"tiga\"}\n{\"text\":\"empat\"}\n" >skip.expect
'

test_expect_success '--on-error skip drops bad records, reports them and a summary' '
	ayak-cat --validate --on-error skip skip.jsonl >out 2>err &&
	test_cmp skip.expect out &&
	cat >expect <<-\EOT &&
	ayak-cat: skip.jsonl:2: malformed record: unterminated string at column 9
	ayak-cat: skip.jsonl:4: malformed record: not a JSON object
	ayak-cat: skipped 2 malformed records
	EOT
	test_cmp expect err
'

test_expect_success '--on-error skip -q: no messages, no summary' '
	ayak-cat -q --validate --on-error skip skip.jsonl >out 2>err &&
	test_cmp skip.expect out &&
	test_must_be_empty err
'

test_expect_success '--rejects keeps the skipped records, exactly' '
	ayak-cat --validate --on-error skip --rejects rej.jsonl skip.jsonl >out 2>err &&
	test_cmp skip.expect out &&
	cat >expect <<-\EOT &&
	{"reject":{"program":"ayak-cat","reason":"malformed","error":"unterminated string at column 9","file":"skip.jsonl","line":2},"raw":"{\"text\":\"dua"}
	{"reject":{"program":"ayak-cat","reason":"malformed","error":"not a JSON object","file":"skip.jsonl","line":4},"raw":"[3]"}
	EOT
	test_cmp expect rej.jsonl
'

test_expect_success JQ '--rejects is valid JSON lines with the fields of the spec' '
	jq -c "[.reject.program, .reject.reason, .reject.file, .reject.line, .raw]" rej.jsonl >got &&
	cat >expect <<-\EOT &&
	["ayak-cat","malformed","skip.jsonl",2,"{\"text\":\"dua"]
	["ayak-cat","malformed","skip.jsonl",4,"[3]"]
	EOT
	test_cmp expect got &&
	jq -r ".reject.error" rej.jsonl >got &&
	printf "unterminated string at column 9\nnot a JSON object\n" >expect &&
	test_cmp expect got
'

test_expect_success JQ '--rejects: invalid UTF-8 in raw becomes U+FFFD' '
	printf "{\"text\":\"a\377b\"}\n{\"text\":\"ok\"}\n" >utf.jsonl &&
	ayak-cat --validate --on-error skip --rejects rej-utf.jsonl utf.jsonl >out 2>err &&
	jq -e ".raw == \"{\\\"text\\\":\\\"a\\ufffdb\\\"}\"" rej-utf.jsonl &&
	jq -r ".reject.error" rej-utf.jsonl >got &&
	echo "invalid UTF-8 at column 11" >expect &&
	test_cmp expect got &&
	echo "{\"text\":\"ok\"}" >expect &&
	test_cmp expect out
'

test_expect_success JQ '--rejects: missing text and text not a string' '
	printf "{\"id\":1}\n{\"text\":2}\n{\"text\":\"ok\"}\n" >fields.jsonl &&
	ayak-cat --validate --on-error skip --rejects rej-f.jsonl fields.jsonl >out 2>err &&
	echo "{\"text\":\"ok\"}" >expect &&
	test_cmp expect out &&
	jq -c "[.reject.error, .reject.line, .raw]" rej-f.jsonl >got &&
	cat >expect <<-\EOT &&
	["missing field \"text\"",1,"{\"id\":1}"]
	["field \"text\" is not a string",2,"{\"text\":2}"]
	EOT
	test_cmp expect got
'

test_expect_success JQ '--stats with --on-error skip' '
	ayak-cat --validate --on-error skip --stats st.json skip.jsonl >out 2>err &&
	jq -r "keys_unsorted | join(\",\")" st.json >keys &&
	echo "program,version,records_in,records_out,dropped,errors,bytes_in,bytes_out,seconds,counts" >expect &&
	test_cmp expect keys &&
	jq -c "[.program, .version, .records_in, .records_out, .dropped, .errors, .bytes_in, .bytes_out]" st.json >got &&
	echo "[\"ayak-cat\",\"0.1.0\",5,3,{\"malformed\":2},2,$(wc -c <skip.jsonl),$(wc -c <skip.expect)]" >expect &&
	test_cmp expect got &&
	jq -e "(.seconds | type) == \"number\" and .seconds >= 0 and (.counts | type) == \"object\"" st.json
'

test_expect_success JQ '--stats on a clean run' '
	ayak-cat --stats st2.json in.jsonl >out &&
	test_cmp_bin in.jsonl out &&
	jq -c "[.records_in, .records_out, .dropped, .errors, .bytes_in, .bytes_out]" st2.json >got &&
	echo "[$(wc -l <in.jsonl),$(wc -l <in.jsonl),{},0,$(wc -c <in.jsonl),$(wc -c <in.jsonl)]" >expect &&
	test_cmp expect got
'

test_expect_success JQ '--stats counts uncompressed bytes, and bytes_out with -o .zst' '
	zstd -q -c in.jsonl >in.jsonl.zst &&
	ayak-cat --stats st3.json -o out3.gz in.jsonl.zst &&
	jq -c "[.bytes_in, .bytes_out]" st3.json >got &&
	echo "[$(wc -c <in.jsonl),$(wc -c <in.jsonl)]" >expect &&
	test_cmp expect got
'

test_expect_success JQ '--stats is written on a failing run too, or not at all, but never garbled' '
	test_expect_code 1 ayak-cat --validate --stats st4.json mid.jsonl >out 2>err &&
	if test -e st4.json; then jq -e . st4.json; fi
'

# ayak(7): an option a program's mode does not read is a usage error; once
# these passed every line, and --rejects made an empty file.
test_expect_success 'without --validate, --field, --on-error skip, --max-errors and --rejects are usage errors' '
	for o in "--field url" "--on-error skip" "--max-errors 0" "--rejects nv-rej.jsonl" \
		"--on-error skip --max-errors 0 --rejects nv-rej.jsonl"; do
		set -- $o &&
		test_expect_code 2 ayak-cat $o skip.jsonl >out 2>err &&
		printf "%s\n" "ayak-cat: $1 needs --validate (without it no record is checked)" "$TRY" >expect &&
		test_cmp expect err &&
		test_must_be_empty out &&
		test_path_is_missing nv-rej.jsonl || return 1
	done
'

test_expect_success '... but naming the defaults, --on-error fail and --field text, is not' '
	ayak-cat --on-error fail --field text skip.jsonl >out 2>err &&
	test_cmp skip.jsonl out &&
	test_must_be_empty err
'

test_expect_success '--max-errors N: N bad records are fine' '
	ayak-cat --validate --on-error skip --max-errors 2 skip.jsonl >out 2>err &&
	test_cmp skip.expect out
'

test_expect_success '--max-errors N: more than N bad records fail with exit 1' '
	test_expect_code 1 ayak-cat --validate --on-error skip --max-errors 1 skip.jsonl >out 2>err &&
	test -s err
'

test_expect_success '--max-errors 0: the first bad record fails' '
	test_expect_code 1 ayak-cat --validate --on-error skip --max-errors 0 skip.jsonl >out 2>err
'

test_expect_success '--max-errors exceeded with -o: no output file' '
	mkdir maxerr &&
	test_expect_code 1 ayak-cat --validate --on-error skip --max-errors 1 -o maxerr/out.jsonl skip.jsonl 2>err &&
	ls -A maxerr >list &&
	test_must_be_empty list
'

test_expect_success 'only the first 10 skipped records are reported, then the summary' '
	for i in $(seq 12); do echo "{bad$i"; done >many.jsonl &&
	echo "{\"text\":\"ok\"}" >>many.jsonl &&
	ayak-cat --validate --on-error skip many.jsonl >out 2>err &&
	echo "{\"text\":\"ok\"}" >expect &&
	test_cmp expect out &&
	for i in $(seq 10); do
		echo "ayak-cat: many.jsonl:$i: malformed record: expected string key at column 2" || return 1
	done >expect &&
	echo "ayak-cat: skipped 12 malformed records" >>expect &&
	test_cmp expect err
'

test_expect_success 'every skipped record is in --rejects, not only the first 10' '
	ayak-cat --validate --on-error skip --rejects rej-many.jsonl many.jsonl >out 2>err &&
	test_line_count = 12 rej-many.jsonl
'

test_expect_success 'a bad --on-error is a usage error' '
	test_expect_code 2 ayak-cat --validate --on-error ignore in.jsonl >out 2>err &&
	test_must_be_empty out &&
	tail -n 1 err >last &&
	echo "$TRY" >expect &&
	test_cmp expect last
'

test_expect_success 'a bad --max-errors is a usage error' '
	test_expect_code 2 ayak-cat --validate --on-error skip --max-errors -1 in.jsonl >out 2>err &&
	test_must_be_empty out &&
	tail -n 1 err >last &&
	echo "$TRY" >expect &&
	test_cmp expect last
'

test_done
