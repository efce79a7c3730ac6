#!/usr/bin/env bash
test_description='ayak-tok --train: a byte-level BPE tokenizer.json that ayak-tok loads back'
. "$(dirname "$0")/../lib.sh"

test_expect_success 'setup' '
	grep "\"lang\":\"zsm_Latn\"" "$TEST_DATA/sample.jsonl" >train.jsonl &&
	test_line_count -gt 100 train.jsonl
'

test_expect_success '--train writes a tokenizer.json of the size asked for' '
	ayak-tok --train --vocab-size 400 -o tok.json --stats st.json train.jsonl >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty err &&
	grep -q "\"merges\":143" st.json &&
	grep -q "\"records_in\":137,\"records_out\":137" st.json &&
	ayak-tok -t tok.json --count train.jsonl >/dev/null &&
	echo "{\"text\":\"x\"}" | ayak-tok -t tok.json --eos "<|endoftext|>" | grep -q ",399\]}$"
'

test_expect_success '--stats: bytes_out is the size of the tokenizer.json, records_out the records trained on' '
	{ cat train.jsonl && echo "{\"id\":1}"; } >train2.jsonl &&
	ayak-tok --train --vocab-size 400 --on-error skip -q -o tok5.json --stats st5.json train2.jsonl &&
	grep -q "\"records_in\":138,\"records_out\":137,\"dropped\":{\"malformed\":1}" st5.json &&
	grep -q "\"bytes_out\":$(wc -c <tok5.json)," st5.json &&
	test_cmp_bin tok.json tok5.json
'

test_expect_success 'two runs give the same bytes' '
	ayak-tok --train --vocab-size 400 -o tok2.json train.jsonl &&
	test_cmp_bin tok.json tok2.json
'

test_expect_success 'frequent words of the training text are one token each' '
	echo "{\"text\":\" hak manusia\"}" | ayak-tok -t tok.json --count >out &&
	grep -q "\"ntokens\":2}" out
'

test_expect_success 'decoding gives the training text back' '
	ayak-tok -t tok.json train.jsonl >ids.jsonl &&
	sed -e "s/\"text\":\"\(\\\\.\|[^\"\\\\]\)*\",//" ids.jsonl >noText.jsonl &&
	ayak-tok -t tok.json --decode noText.jsonl >dec.jsonl &&
	ayak-tok -t tok.json dec.jsonl >again.jsonl &&
	sed -e "s/.*\"ids\"://" ids.jsonl >a &&
	sed -e "s/.*\"ids\":\(\[[0-9,]*\]\).*/\1/" again.jsonl >b &&
	sed -e "s/}$//" a >a2 &&
	test_cmp a2 b
'

test_expect_success '--pattern, --special and --min-frequency' '
	ayak-tok --train --vocab-size 100000 --min-frequency 50 --pattern gpt2 \
		--special "<s>" --special "</s>" -o t3.json --stats st3.json train.jsonl &&
	grep -q "\"Regex\":\"'"'"'s|'"'"'t|" t3.json &&
	grep -q "{\"id\":[0-9]*,\"content\":\"<s>\"" t3.json &&
	grep -q "\"content\":\"</s>\"" t3.json &&
	n=$(sed -e "s/.*\"merges\":\([0-9]*\).*/\1/" st3.json) &&
	test "$n" -gt 10 && test "$n" -lt 500
'

test_expect_success 'usage errors' '
	test_expect_code 2 ayak-tok --train train.jsonl 2>err &&
	grep -q "^ayak-tok: --train needs -o FILE" err &&
	test_expect_code 2 ayak-tok --train --vocab-size 100 -o x.json train.jsonl 2>err &&
	grep -q "^ayak-tok: --vocab-size wants a number from 258" err &&
	test_expect_code 2 ayak-tok --vocab-size 1000 --words train.jsonl 2>err &&
	grep -q "go with --train" err &&
	test_expect_code 2 ayak-tok --train --vocab-size 258 --special a --special b -o x.json train.jsonl 2>err &&
	grep -q "leaves no room for merges" err &&
	test_path_is_missing x.json
'

test_expect_success 'a --special given twice is a usage error' '
	test_expect_code 2 ayak-tok --train --vocab-size 300 --special "<s>" --special "</s>" --special "<s>" -o dup.json train.jsonl 2>err &&
	printf "%s\n" "ayak-tok: --special '"'"'<s>'"'"' is given twice" "Try '"'"'ayak-tok --help'"'"'." >expect &&
	test_cmp expect err &&
	test_path_is_missing dup.json
'

test_expect_success '--train refuses a compressed output, as --binary does' '
	test_expect_code 2 ayak-tok --train --vocab-size 300 -o tok.json.zst train.jsonl 2>err &&
	printf "%s\n" "ayak-tok: --train output is not compressed" "Try '"'"'ayak-tok --help'"'"'." >expect &&
	test_cmp expect err &&
	test_path_is_missing tok.json.zst &&
	test_expect_code 2 ayak-tok --train --vocab-size 300 -z -o z.json train.jsonl 2>/dev/null &&
	test_path_is_missing z.json &&
	test_expect_code 2 ayak-tok --train --vocab-size 300 --level 3 -o z.json train.jsonl 2>err &&
	grep -qx "ayak-tok: --train output is not compressed: --level does not go with it" err &&
	test_path_is_missing z.json
'

test_expect_success 'no text to train on is bad data; 258 tokens is the least' '
	: >empty.jsonl &&
	test_expect_code 1 ayak-tok --train --vocab-size 300 -o e.json empty.jsonl 2>err &&
	echo "ayak-tok: no text to train on" >expect &&
	test_cmp expect err &&
	test_path_is_missing e.json &&
	printf "{\"text\":\"\"}\n" | test_expect_code 1 ayak-tok --train -o e.json 2>err &&
	test_cmp expect err &&
	test_path_is_missing e.json &&
	ayak-tok --train --vocab-size 258 -o least.json train.jsonl &&
	test_expect_code 2 ayak-tok --train --vocab-size 257 -o least.json train.jsonl 2>err &&
	grep -q "^ayak-tok: --vocab-size wants a number from 258 to 16777216, not .257.$" err
'

test_expect_success 'a bad regex is bad data, and nothing is written' '
	test_expect_code 1 ayak-tok --train --pattern "(" -o x.json train.jsonl 2>err &&
	grep -q "^ayak-tok: regex /(/: " err &&
	test_path_is_missing x.json
'

test_expect_success '-o that cannot be written fails before the training; -o and --stats one file' '
	: >empty.jsonl &&
	test_expect_code 3 ayak-tok --train -o nodir/t.json empty.jsonl 2>err &&
	echo "ayak-tok: nodir/t.json: No such file or directory" >expect &&
	test_cmp expect err &&
	test_expect_code 2 ayak-tok --train -o t.json --stats ./t.json train.jsonl 2>err &&
	grep -q "^ayak-tok: --output and --stats name the same file$" err &&
	test_path_is_missing t.json
'

test_done
