#!/usr/bin/env bash
test_description='ayak-tok: a text too long to encode or segment is an error of its record (too_large)'
. "$(dirname "$0")/../lib.sh"

# The limits are 2^30 - 1 bytes (-t) and a line of 2^30 - 1 bytes (--words, --sentences);
# AYAK_TOK_TEST_MAX_TEXT lowers both, as no test can give a gigabyte.
TJ=$AYAK_TOP/tests/data/tok/bytelevel/tokenizer.json

test_expect_success 'setup' '
	cat >in.jsonl <<-\EOF &&
	{"id":1,"text":"Saya suka makan."}
	{"id":2,"text":"Saya suka makan nasi lemak di kedai mamak setiap pagi."}
	{"id":3,"text":"Dia minum teh."}
	EOF
	cat >lines.jsonl <<-\EOF
	{"id":4,"text":"Dr. Ahmad dari Sdn. Bhd. datang.\nKanak-kanak itu bersalam-salaman.\n\nBukunya hilang dll.\nkemudian dijumpai.\r\nHarga RM1,250.50 pada 12/03/2024.\nLawati www.contoh.my. Selesai!\nÉlan 😀 kanak-kanak. Dua.\n"}
	EOF
'

test_expect_success '--words: a line too long stops the run at its record, with file and line' '
	test_expect_code 1 env AYAK_TOK_TEST_MAX_TEXT=40 ayak-tok --words in.jsonl >out 2>err &&
	echo "{\"id\":1,\"text\":\"Saya suka makan.\",\"words\":[\"Saya\",\"suka\",\"makan\",\".\"]}" >expect &&
	test_cmp expect out &&
	echo "ayak-tok: in.jsonl:2: text too long to segment: it has a line of 54 bytes (the limit is 40)" >expect &&
	test_cmp expect err
'

test_expect_success '--words --on-error skip: counted as too_large, reported, rejected, and the run goes on' '
	AYAK_TOK_TEST_MAX_TEXT=40 ayak-tok --words --on-error skip --rejects rej.jsonl --stats st.json \
		in.jsonl >out 2>err &&
	jq -c .id out >ids &&
	test_write_lines 1 3 >expect &&
	test_cmp expect ids &&
	cat >expect <<-\EOF &&
	ayak-tok: in.jsonl:2: text too long to segment: it has a line of 54 bytes (the limit is 40)
	ayak-tok: skipped 1 record too long to segment
	EOF
	test_cmp expect err &&
	cat >expect <<-\EOF &&
	{"reject":{"program":"ayak-tok","reason":"too_large","error":"text too long to segment: it has a line of 54 bytes (the limit is 40)","file":"in.jsonl","line":2},"raw":"{\"id\":2,\"text\":\"Saya suka makan nasi lemak di kedai mamak setiap pagi.\"}"}
	EOF
	test_cmp expect rej.jsonl &&
	jq -c "[.records_in, .records_out, .dropped, .errors]" st.json >got &&
	echo "[3,2,{\"too_large\":1},0]" >expect &&
	test_cmp expect got
'

test_expect_success '-q: neither the record nor the summary is reported' '
	AYAK_TOK_TEST_MAX_TEXT=40 ayak-tok --sentences --on-error skip -q in.jsonl >out 2>err &&
	test_line_count = 2 out &&
	test_must_be_empty err
'

test_expect_success 'not malformed: malformed records are counted apart, and --max-errors counts them only' '
	{ cat in.jsonl && echo "{\"text\":" ; } >mixed.jsonl &&
	AYAK_TOK_TEST_MAX_TEXT=40 ayak-tok --words --on-error skip --max-errors 1 --stats st.json \
		mixed.jsonl >out 2>err &&
	cat >expect <<-\EOF &&
	ayak-tok: mixed.jsonl:2: text too long to segment: it has a line of 54 bytes (the limit is 40)
	ayak-tok: mixed.jsonl:4: malformed record: unexpected end of line at column 9
	ayak-tok: skipped 1 malformed record
	ayak-tok: skipped 1 record too long to segment
	EOF
	test_cmp expect err &&
	jq -c "[.records_in, .records_out, .dropped, .errors]" st.json >got &&
	echo "[4,2,{\"too_large\":1,\"malformed\":1},1]" >expect &&
	test_cmp expect got &&
	AYAK_TOK_TEST_MAX_TEXT=40 ayak-tok --words --on-error skip --max-errors 0 in.jsonl >out 2>err &&
	test_line_count = 2 out
'

test_expect_success '-t: a text too long to tokenize, with --on-error fail and skip' '
	test_expect_code 1 env AYAK_TOK_TEST_MAX_TEXT=40 ayak-tok -t "$TJ" --count in.jsonl >out 2>err &&
	test_line_count = 1 out &&
	echo "ayak-tok: in.jsonl:2: text too long to tokenize (54 bytes; the limit is 40)" >expect &&
	test_cmp expect err &&
	AYAK_TOK_TEST_MAX_TEXT=40 ayak-tok -t "$TJ" --count --on-error skip --rejects rej.jsonl \
		--stats st.json in.jsonl >out 2>err &&
	jq -c "[.id, .ntokens]" out >got &&
	test_write_lines "[1,8]" "[3,8]" >expect &&
	test_cmp expect got &&
	cat >expect <<-\EOF &&
	ayak-tok: in.jsonl:2: text too long to tokenize (54 bytes; the limit is 40)
	ayak-tok: skipped 1 record too long to tokenize
	EOF
	test_cmp expect err &&
	jq -c .reject rej.jsonl >got &&
	echo "{\"program\":\"ayak-tok\",\"reason\":\"too_large\",\"error\":\"text too long to tokenize (54 bytes; the limit is 40)\",\"file\":\"in.jsonl\",\"line\":2}" >expect &&
	test_cmp expect got &&
	jq -c "[.dropped, .errors, .counts.tokens]" st.json >got &&
	echo "[{\"too_large\":1},0,16]" >expect &&
	test_cmp expect got
'

test_expect_success '-t --binary --on-error skip: the stream has the other documents and its end mark' '
	AYAK_TOK_TEST_MAX_TEXT=40 ayak-tok -t "$TJ" --binary --on-error skip -q in.jsonl >ids.tok &&
	ayak-tok -t "$TJ" --binary <(sed -e 2d in.jsonl) >want.tok &&
	test_cmp_bin want.tok ids.tok
'

test_expect_success 'a text of short lines is segmented in pieces, with the same output as whole' '
	for opts in "--words --sentences --offsets" "--words --split-clitics --offsets" \
		    "--plain --words --sentences" "--plain --sentences --offsets"; do
		ayak-tok $opts lines.jsonl >whole &&
		AYAK_TOK_TEST_MAX_TEXT=40 ayak-tok $opts lines.jsonl >pieces &&
		test_cmp whole pieces || return 1
	done &&
	ayak-tok --sentences lines.jsonl | jq -c .sentences >got &&
	cat >expect <<-\EOF &&
	["Dr. Ahmad dari Sdn. Bhd. datang.","Kanak-kanak itu bersalam-salaman.","Bukunya hilang dll.","kemudian dijumpai.","Harga RM1,250.50 pada 12/03/2024.","Lawati www.contoh.my.","Selesai!","Élan 😀 kanak-kanak.","Dua."]
	EOF
	test_cmp expect got
'

test_expect_success '-t --binary: a document of more tokens than a token stream holds is too long' '
	test_expect_code 1 env AYAK_TOK_TEST_MAX_DOC=20 ayak-tok -t "$TJ" --binary in.jsonl >ids.tok 2>err &&
	echo "ayak-tok: in.jsonl:2: text too long to tokenize (54 bytes give 25 tokens; a document of the token stream holds at most 20)" >expect &&
	test_cmp expect err &&
	AYAK_TOK_TEST_MAX_DOC=20 ayak-tok -t "$TJ" --binary --on-error skip -q in.jsonl >ids.tok &&
	ayak-tok -t "$TJ" --binary <(sed -e 2d in.jsonl) >want.tok &&
	test_cmp_bin want.tok ids.tok
'

test_done
