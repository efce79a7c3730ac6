#!/usr/bin/env bash
test_description='ayak-stats: malformed records, bad stats files, usage errors and exit codes'
. "$(dirname "$0")/../lib.sh"

D=$TEST_DATA/stats
TRY="Try 'ayak-stats --help'."

test_expect_success 'setup' '
	cp "$D/records.jsonl" in.jsonl &&
	cp -R "$D/run" run &&
	printf "%s\n" "{\"text\":\"satu dua\",\"lang\":\"zsm_Latn\"}" "{\"text\":\"b\"" "{\"id\":1}" \
		"{\"text\":3}" "{\"text\":\"tiga\"}" >bad.jsonl
'

test_expect_success 'a malformed record: exit 1, file and line, no report' '
	test_expect_code 1 ayak-stats bad.jsonl >out 2>err &&
	echo "ayak-stats: bad.jsonl:2: malformed record: unexpected end of line at column 12" >expect &&
	test_cmp expect err &&
	test_must_be_empty out
'

test_expect_success 'a malformed record with -o: nothing under the final name' '
	mkdir o &&
	test_expect_code 1 ayak-stats -o o/report.html -f html bad.jsonl 2>err &&
	ls -A o >list &&
	test_must_be_empty list
'

test_expect_success 'a missing text field, and a text that is not a string' '
	sed -n 3p bad.jsonl >nofield.jsonl &&
	test_expect_code 1 ayak-stats nofield.jsonl 2>err &&
	echo "ayak-stats: nofield.jsonl:1: missing field \"text\"" >expect &&
	test_cmp expect err &&
	sed -n 4p bad.jsonl | ayak-stats 2>err
	test $? = 1 &&
	echo "ayak-stats: (stdin):1: field \"text\" is not a string" >expect &&
	test_cmp expect err
'

test_expect_success '--on-error skip: counted in the report, reported, summarised' '
	ayak-stats --on-error skip bad.jsonl >out 2>err &&
	cat >expect <<-\EOF &&
	ayak-stats: bad.jsonl:2: malformed record: unexpected end of line at column 12
	ayak-stats: bad.jsonl:3: missing field "text"
	ayak-stats: bad.jsonl:4: field "text" is not a string
	ayak-stats: skipped 3 malformed records
	EOF
	test_cmp expect err &&
	sed -n 3,9p out >got &&
	cat >expect <<-\EOF &&
	Records
	  records              2
	  malformed, skipped   3
	  record bytes        54  (54 B)
	  text bytes          12  (12 B)
	  characters          12
	  words                3  (runs between white space)
	EOF
	test_cmp expect got &&
	ayak-stats -q --on-error skip -f json bad.jsonl >out.json 2>err &&
	test_must_be_empty err &&
	grep "\"records\":{\"count\":2,\"malformed\":3," out.json
'

test_expect_success '--rejects keeps the skipped records, --stats counts them' '
	ayak-stats -q --on-error skip --rejects rej.jsonl --stats st.json bad.jsonl >/dev/null &&
	test_line_count = 3 rej.jsonl &&
	grep "^{\"reject\":{\"program\":\"ayak-stats\",\"reason\":\"malformed\",\"error\":\"missing field \\\\\"text\\\\\"\",\"file\":\"bad.jsonl\",\"line\":3},\"raw\":\"{\\\\\"id\\\\\":1}\"}\$" rej.jsonl &&
	grep "\"records_in\":5,\"records_out\":2,\"dropped\":{\"malformed\":3},\"errors\":3," st.json
'

test_expect_success '--max-errors: more malformed records than allowed is exit 1' '
	test_expect_code 1 ayak-stats --on-error skip --max-errors 2 bad.jsonl >out 2>err &&
	tail -n 1 err >got &&
	echo "ayak-stats: too many malformed records (more than 2)" >expect &&
	test_cmp expect got &&
	test_must_be_empty out &&
	ayak-stats --on-error skip --max-errors 3 bad.jsonl >out 2>/dev/null &&
	test -s out
'

test_expect_success 'a missing input: exit 3, before any output' '
	test_expect_code 3 ayak-stats in.jsonl missing.jsonl >out 2>err &&
	echo "ayak-stats: missing.jsonl: No such file or directory" >expect &&
	test_cmp expect err &&
	test_must_be_empty out
'

test_expect_success 'truncated compressed input: exit 1' '
	ayak-cat -z in.jsonl >in.zst &&
	head -c 200 in.zst >cut.zst &&
	test_expect_code 1 ayak-stats cut.zst >out 2>err &&
	grep "^ayak-stats: cut.zst:[0-9]*: truncated zstd input\$" err &&
	test_must_be_empty out
'

# check_stats NAME CONTENT MESSAGE: a stats file with CONTENT fails with exit 1 and MESSAGE.
check_stats () {
	printf "%s" "$2" >"$1" &&
	test_expect_code 1 ayak-stats --stages-only --stage-stats "$1" >out 2>err &&
	echo "ayak-stats: $1: not an ayak --stats file: $3" >expect &&
	test_cmp expect err &&
	test_must_be_empty out
}

test_expect_success 'stats files that are not stats objects: exit 1, the file named' '
	check_stats s1.json "{\"program\":\"x\",\"records_in\":1" "line 1, column 30: expected '\'','\'' or '\''}'\''" &&
	check_stats s2.json "[1]" "not a JSON object" &&
	check_stats s3.json "{\"records_in\":1,\"records_out\":1}" "no \"program\" name" &&
	check_stats s4.json "{\"program\":\"x\",\"records_in\":\"1\",\"records_out\":1}" "\"records_in\" is missing or not a whole number" &&
	check_stats s5.json "{\"program\":\"x\",\"records_in\":1}" "\"records_out\" is missing or not a whole number" &&
	check_stats s6.json "{\"program\":\"x\",\"records_in\":-1,\"records_out\":1}" "\"records_in\" is missing or not a whole number" &&
	check_stats s7.json "{\"program\":\"x\",\"records_in\":1.5,\"records_out\":1}" "\"records_in\" is missing or not a whole number" &&
	check_stats s8.json "{\"program\":\"x\",\"records_in\":1,\"records_out\":1,\"dropped\":{\"a\":1.5}}" "\"dropped\" is not an object of whole numbers" &&
	check_stats s9.json "{\"program\":\"x\",\"records_in\":1,\"records_out\":1,\"dropped\":[1]}" "\"dropped\" is not an object of whole numbers" &&
	check_stats s10.json "{\"program\":\"x\",\"records_in\":1,\"records_out\":1,\"counts\":{\"a\":\"b\"}}" "\"counts\" is not an object of whole numbers" &&
	check_stats s11.json "{\"program\":\"x\",\"records_in\":1,\"records_out\":1,\"errors\":true}" "\"errors\" is not a whole number" &&
	check_stats s12.json "{\"program\":\"x\",\"records_in\":1,\"records_out\":1,\"seconds\":-2}" "\"seconds\" is not a number of seconds" &&
	check_stats s13.json "{\"program\":\"x\",\"records_in\":9007199254740993,\"records_out\":1}" "\"records_in\" is missing or not a whole number" &&
	check_stats s14.json "" "line 1, column 1: unexpected end of input" &&
	check_stats s15.json "{\"program\":\"\",\"records_in\":1,\"records_out\":1}" "no \"program\" name" &&
	check_stats s16.json "{\"program\":\"x\",\"stage\":7,\"records_in\":1,\"records_out\":1}" "\"stage\" is not a name" &&
	check_stats s17.json "{\"program\":\"x\",\"records_in\":100,\"records_out\":200}" "\"records_out\" is larger than \"records_in\""
'

test_expect_success 'a bad stats file in a directory: named by its path' '
	cp -R run run2 &&
	echo "{\"program\":\"ayak-lid\"" >run2/00001/3-lid.json &&
	test_expect_code 1 ayak-stats --stage-stats run2 in.jsonl >out 2>err &&
	echo "ayak-stats: run2/00001/3-lid.json: not an ayak --stats file: line 2, column 1: expected '\'','\'' or '\''}'\''" >expect &&
	test_cmp expect err &&
	test_must_be_empty out
'

test_expect_success 'a missing stats file: exit 3; an empty directory: exit 1' '
	test_expect_code 3 ayak-stats --stage-stats nope.json in.jsonl >out 2>err &&
	echo "ayak-stats: nope.json: No such file or directory" >expect &&
	test_cmp expect err &&
	test_must_be_empty out &&
	mkdir empty && echo x >empty/notes.txt &&
	test_expect_code 1 ayak-stats --stages-only --stage-stats empty >out 2>err &&
	echo "ayak-stats: empty: no stats files (*.json) in the directory" >expect &&
	test_cmp expect err
'

test_expect_success NOT_ROOT 'an unreadable stats file: exit 3' '
	cp run/00000/1-warc.json secret.json && chmod 000 secret.json &&
	test_expect_code 3 ayak-stats --stages-only --stage-stats secret.json 2>err &&
	echo "ayak-stats: secret.json: Permission denied" >expect &&
	test_cmp expect err
'

test_expect_success 'a stats file given by name need not end in .json' '
	cp run/00000/1-warc.json warc.stats &&
	ayak-stats --stages-only --stage-stats warc.stats -f json >out.json &&
	grep "\"stages\":{\"files\":1,\"list\":\\[{\"stage\":\"ayak-warc\",\"files\":1,\"records_in\":130," out.json
'

test_expect_success 'a bad tokenizer: its error, exit 1; a missing one: exit 3' '
	echo "{" >bad-tok.json &&
	test_expect_code 1 ayak-stats -t bad-tok.json in.jsonl >out 2>err &&
	grep "^ayak-stats: bad-tok.json: " err &&
	test_must_be_empty out &&
	test_expect_code 3 ayak-stats -t nope-tok.json in.jsonl >out 2>err &&
	echo "ayak-stats: nope-tok.json: No such file or directory" >expect &&
	test_cmp expect err
'

# usage ARGS... : exit 2 with MESSAGE (in $msg) and the hint.
usage () {
	test_expect_code 2 ayak-stats "$@" </dev/null >out 2>err &&
	printf "%s\n%s\n" "ayak-stats: $msg" "$TRY" >expect &&
	test_cmp expect err &&
	test_must_be_empty out
}

test_expect_success 'usage errors: exit 2 with a hint' '
	msg="--format wants text, json or html, not '\''xml'\''" usage -f xml &&
	msg="--top wants a positive number, not '\''0'\''" usage --top 0 &&
	msg="--max-domains wants a positive number, not '\''x'\''" usage --max-domains x &&
	msg="--stages-only needs --stage-stats" usage --stages-only &&
	msg="--stages-only reads no records, but files were named" usage --stages-only --stage-stats run in.jsonl &&
	msg="--tokenizer does not go with --stages-only" usage --stages-only --stage-stats run -t x.json &&
	msg="--no-special goes with --tokenizer" usage --no-special &&
	msg="--stage-order wants program names separated by commas, not '\''lid,,tok'\''" usage --stage-order lid,,tok &&
	msg="--max-errors goes with --on-error skip" usage --max-errors 3 &&
	msg="unrecognized option '\''--bogus'\''" usage --bogus &&
	msg="option '\''--top'\'' requires an argument" usage --top &&
	SOURCE_DATE_EPOCH=abc msg="SOURCE_DATE_EPOCH wants seconds since 1970, not '\''abc'\''" usage --timestamp
'

# --stages-only took these and did nothing with them (--rejects made an empty file).
test_expect_success '--stages-only refuses the options that only records use' '
	for o in "--top 3" "--max-domains 2" "--lang-field l" "--url-field u" "--field t" \
		 "--on-error skip" "--max-errors 2" "--rejects rj.jsonl"; do
		msg="${o%% *} does not go with --stages-only (it reads no records)" &&
		usage --stages-only --stage-stats run $o &&
		test_path_is_missing rj.jsonl || return 1
	done &&
	ayak-stats --stages-only --stage-stats run --title T --timestamp --field text >out &&
	grep "^T\$" out
'

# An empty name (an unset variable) counted every record under '(none)'
# and '(no url)', and headed the tables 'field :', without a word.
test_expect_success '--lang-field and --url-field want a name, as --field does' '
	for o in --lang-field --url-field; do
		test_expect_code 2 ayak-stats "$o" "" in.jsonl >out 2>err &&
		printf "%s\n" "ayak-stats: $o wants a name, not an empty string" "$TRY" >expect &&
		test_cmp expect err &&
		test_must_be_empty out || return 1
	done
'

test_expect_success 'standard output is /dev/full: exit 3' '
	test_expect_code 3 ayak-stats in.jsonl >/dev/full 2>err &&
	grep "^ayak-stats: .*No space left on device" err
'

test_expect_success '-o into a missing directory: exit 3' '
	test_expect_code 3 ayak-stats -o nodir/report.txt in.jsonl 2>err &&
	grep "^ayak-stats: " err
'

test_expect_success TTY 'a compressed report is not written to a terminal' '
	script -qec "ayak-stats -z in.jsonl" /dev/null >out 2>&1
	grep "refusing to write compressed data to a terminal" out
'

test_expect_success 'stats files whose counters overflow the sum of their stage: exit 1, the file named' '
	mkdir ov &&
	awk "BEGIN { for (i = 0; i < 2100; i++) { f = \"ov/\" i \".json\"; printf \"{\\\"program\\\":\\\"p\\\",\\\"records_in\\\":9007199254740991,\\\"records_out\\\":9007199254740991}\\n\" >f; close(f) } }" &&
	test_expect_code 1 ayak-stats --stages-only --stage-stats ov >out 2>err &&
	test_must_be_empty out &&
	echo "ayak-stats: ov/952.json: \"records_in\" overflows its sum over the files of p (more than 2^64)" >expect &&
	test_cmp expect err &&
	mkdir ovd &&
	awk "BEGIN { printf \"{\\\"program\\\":\\\"q\\\",\\\"records_in\\\":0,\\\"records_out\\\":0,\\\"dropped\\\":{\"; for (i = 0; i < 2100; i++) printf \"%s\\\"r%d\\\":9007199254740991\", i ? \",\" : \"\", i; print \"}}\" }" >ovd/q.json &&
	test_expect_code 1 ayak-stats --stages-only --stage-stats ovd >out 2>err &&
	echo "ayak-stats: ovd/q.json: \"dropped\" overflows its sum over the files of q (more than 2^64)" >expect &&
	test_cmp expect err
'

test_expect_success '-h names every option; -V the version' '
	ayak-stats -h >help &&
	for o in --format --tokenizer --no-special --stage-stats --stage-order --stages-only --top \
		--max-domains --lang-field --url-field --title --timestamp --field --on-error \
		--max-errors --rejects --stats --output --compress --level --progress --quiet; do
		grep -e "$o" help >/dev/null || { echo "missing $o"; return 1; }
	done &&
	ayak-stats -V | head -n 1 >got &&
	echo "ayak-stats (ayak) 0.1.0" >expect &&
	test_cmp expect got
'

test_done
