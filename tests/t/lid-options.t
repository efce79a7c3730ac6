#!/usr/bin/env bash
test_description='ayak-lid: the fields a run writes left once, lists of any length, --mixed as written, option messages'
. "$(dirname "$0")/../lib.sh"

MODEL=$AYAK_TOP/lexicons/lid/model.bin

# usage_error MESSAGE ARGS...: exit 2, MESSAGE and the hint on stderr, nothing on stdout
usage_error () {
	test_usage_error ayak-lid "$@"
}

test_expect_success 'setup' '
	echo "{\"text\":\"Saya tidak dapat hadir kerana hujan\"}" >one.jsonl &&
	ayak-lid --list-labels >labels &&
	test_line_count = 88 labels
'

# Of a field ayak-lid writes and that was there twice, the first copy
# stayed ("lang":"xx","lang":"zsm_Latn"), while the duplicates of one it
# did not write were all removed
test_expect_success 'every earlier copy of a field the run writes is removed' '
	echo "{\"text\":\"Saya tidak dapat hadir kerana hujan\",\"lang\":\"xx\",\"lang\":\"yy\"}" >in &&
	ayak-lid in >out &&
	echo "{\"text\":\"Saya tidak dapat hadir kerana hujan\",\"lang\":\"zsm_Latn\",\"lang_score\":1}" >expect &&
	test_cmp expect out &&
	cat >in <<-\EOF &&
	{"lang_top":0,"text":"Saya tidak dapat hadir kerana hujan","lang":"xx","lang_score":2,"lang":"yy","lang_keep":1,"id":7,"lang_top":1,"lang_keep":2,"lang_reason":"a","lang_reason":"b","lang_score":3}
	EOF
	ayak-lid --top 1 --annotate --keep ind_Latn in >out &&
	cat >expect <<-\EOF &&
	{"text":"Saya tidak dapat hadir kerana hujan","lang":"zsm_Latn","id":7,"lang_top":[{"lang":"zsm_Latn","score":1}],"lang_keep":false,"lang_reason":"lang","lang_score":1}
	EOF
	test_cmp expect out &&
	: "a field the run does not write: every copy goes, as before" &&
	ayak-lid in >out &&
	echo "{\"text\":\"Saya tidak dapat hadir kerana hujan\",\"lang\":\"zsm_Latn\",\"id\":7,\"lang_score\":1}" >expect &&
	test_cmp expect out &&
	cat >in <<-\EOF &&
	{"lang_parts":0,"text":"Saya tidak dapat hadir kerana hujan.\nI cannot come because of the heavy rain.","lang_shares":1,"lang":"a","lang_parts":2,"lang_shares":3,"lang":"b"}
	EOF
	ayak-lid --by line in >out &&
	cat >expect <<-\EOF &&
	{"text":"Saya tidak dapat hadir kerana hujan.\nI cannot come because of the heavy rain.","lang_parts":[{"lang":"zsm_Latn","score":1},{"lang":"eng_Latn","score":0.9918}],"lang_shares":{"eng_Latn":0.5161,"zsm_Latn":0.4839},"lang":"eng_Latn+zsm_Latn","lang_score":0.9958}
	EOF
	test_cmp expect out
'

# --keep and --drop took 64 labels in all, duplicates counted, so that
# --drop with the model's 88 labels failed; --threshold 64 times
test_expect_success '--keep and --drop: lists of any length, a label given twice counted once' '
	ayak-lid --keep zsm_Latn one.jsonl >expect &&
	test_line_count = 1 expect &&
	ayak-lid --keep "$(yes zsm_Latn | head -n 65 | paste -s -d, -)" one.jsonl >out &&
	test_cmp expect out &&
	ayak-lid --keep "$(paste -s -d, labels)" one.jsonl >out &&
	test_cmp expect out &&
	ayak-lid --drop "$(paste -s -d, labels)" --stats st one.jsonl >out &&
	test_must_be_empty out &&
	grep -F "\"dropped\":{\"lang\":1}" st &&
	: "every pair of the 88 labels as a mixed label: 3828 of them" &&
	awk "{ l[NR] = \$0 } END { for (i = 1; i <= NR; i++) for (j = i + 1; j <= NR; j++)
		printf \"%s%s+%s\", n++ ? \",\" : \"\", l[i], l[j] }" labels >pairs &&
	tr , "\n" <pairs | sort -u | wc -l >n &&
	echo 3828 >expect &&
	test_cmp expect n &&
	printf "%s\n" "{\"text\":\"Saya tidak dapat hadir kerana hujan.\nI cannot come because of the heavy rain.\"}" \
		"{\"text\":\"Saya tidak dapat hadir kerana hujan.\"}" >two.jsonl &&
	ayak-lid --by line --keep "$(cat pairs)" two.jsonl >out &&
	test_line_count = 1 out &&
	grep -F "\"lang\":\"eng_Latn+zsm_Latn\"" out
'

test_expect_success '--threshold: as often as wanted; of two for one label the later counts' '
	ayak-lid $(yes -- "--threshold 0.5" | head -n 100) one.jsonl >out &&
	test_line_count = 1 out &&
	ayak-lid $(sed "s/.*/--threshold &=0.5/" labels) one.jsonl >out &&
	test_line_count = 1 out &&
	ayak-lid $(sed "s/.*/--threshold &=1/" labels) --threshold zsm_Latn=0.5 one.jsonl >out &&
	test_line_count = 1 out &&
	echo "{\"text\":\"Saya tidak dapat hadir\"}" >short.jsonl &&
	ayak-lid --threshold zsm_Latn=0.5 --threshold zsm_Latn=1 short.jsonl >out &&
	test_must_be_empty out &&
	ayak-lid --threshold zsm_Latn=1 --threshold zsm_Latn=0.5 short.jsonl >out &&
	test_line_count = 1 out
'

# A share written 0.2 (0.19996) did not make the text mixed at --mixed 0.2
test_expect_success '--mixed compares the share as lang_shares writes it' '
	malay="$(yes "saya tidak dapat hadir kerana hujan" | head -n 266 | paste -s -d " " -) saya tidak dapat adik" &&
	english="$(yes "the rain was heavy in the village" | head -n 74 | paste -s -d " " -) a" &&
	printf "%s\n" "$malay" "$english" | tr -cd "a-z\n" | awk "{ print length }" >n &&
	printf "%s\n" 7998 1999 >expect &&
	test_cmp expect n &&
	printf "{\"text\":\"%s\\\\n%s\"}\n" "$malay" "$english" >mix.jsonl &&
	ayak-lid --by line --sample 0 mix.jsonl >out &&
	grep -F "\"lang_shares\":{\"zsm_Latn\":0.8,\"eng_Latn\":0.2}" out &&
	grep -F "\"lang\":\"zsm_Latn+eng_Latn\"" out &&
	ayak-lid --by line --sample 0 --mixed 0.2001 mix.jsonl >out &&
	grep -F "\"lang\":\"zsm_Latn\"," out
'

test_expect_success 'a model without word odds: --word-odds-weight is a usage error, but 0' '
	: "a model of the golden Latin records of three labels, without word odds" &&
	grep -E "^\{\"want\":\"(zsm|ind|eng)_Latn\"" "$TEST_DATA/lid/golden.jsonl" >train.jsonl &&
	ayak-lid --train -o tiny.bin --label-field want --submodel Latn:10:c3,w \
		--submodel msa:10:c4-5,w --msa zsm_Latn,ind_Latn --epochs 2 train.jsonl &&
	ayak-lid --model-info --model tiny.bin >info &&
	grep -x "word odds: none" info &&
	usage_error "--word-odds-weight: the model tiny.bin has no word odds" \
		--model tiny.bin --word-odds-weight 0.5 one.jsonl &&
	ayak-lid --model tiny.bin one.jsonl >expect &&
	ayak-lid --model tiny.bin --word-odds-weight 0 one.jsonl >out &&
	test_cmp expect out &&
	ayak-lid --word-odds-weight 0.5 one.jsonl >out &&
	test_line_count = 1 out
'

test_expect_success 'labels are checked against the model loaded, named in the message' '
	usage_error "--keep: the model tiny.bin has no label '"'"'tam_Taml'"'"' (see --list-labels)" \
		--model tiny.bin --keep tam_Taml one.jsonl &&
	usage_error "--drop: the model tiny.bin has no label '"'"'tam_Taml'"'"' (see --list-labels)" \
		--model tiny.bin --by line --drop zsm_Latn+tam_Taml one.jsonl &&
	usage_error "--threshold: the model tiny.bin has no label '"'"'tam_Taml'"'"' (see --list-labels)" \
		--model tiny.bin --threshold tam_Taml=0.5 one.jsonl &&
	ayak-lid --keep tam_Taml one.jsonl >out &&
	test_must_be_empty out &&
	usage_error "--keep: the model $MODEL has no label '"'"'xyz_Latn'"'"' (see --list-labels)" \
		--model "$MODEL" --keep xyz_Latn one.jsonl &&
	usage_error "--keep: '"'"'zsm'"'"' is not a label (ISO 639-3 and ISO 15924 codes such as zsm_Latn, or und)" \
		--keep zsm one.jsonl &&
	usage_error "--threshold is for one label, not '"'"'zsm_Latn+eng_Latn'"'"' (a mixed label takes the higher threshold of its two)" \
		--by line --threshold zsm_Latn+eng_Latn=0.5 one.jsonl &&
	: "the model is read first: a missing one is that error" &&
	test_expect_code 3 ayak-lid --model nope.bin --keep xyz_Latn one.jsonl 2>err &&
	echo "ayak-lid: nope.bin: No such file or directory" >expect &&
	test_cmp expect err
'

# These said "wants 0 or a size of at least 64" and "unknown label ...
# (a mixed label is two labels joined by +)"
test_expect_success 'messages say what is wrong' '
	usage_error "--sample: '"'"'1P'"'"' has an unknown unit (K, M, G or T, and B if wanted)" \
		--sample 1P one.jsonl &&
	usage_error "--sample: '"'"'99999999999999999999'"'"' is too large (0 reads everything)" \
		--sample 99999999999999999999 one.jsonl &&
	usage_error "--sample: '"'"'1024.5'"'"' is a fraction of a byte (a fraction goes with K, M, G or T: 1.5K)" \
		--sample 1024.5 one.jsonl &&
	usage_error "--sample wants a size in bytes such as 1024 or 4K, not '"'"'x'"'"'" \
		--sample x one.jsonl &&
	usage_error "--sample wants 0 or a size of at least 64, not '"'"'63'"'"'" \
		--sample 63 one.jsonl &&
	ayak-lid --sample 1.5k one.jsonl >out &&
	test_line_count = 1 out &&
	usage_error "--keep: a mixed label joins two different labels, not '"'"'zsm_Latn+zsm_Latn'"'"'" \
		--by line --keep zsm_Latn+zsm_Latn one.jsonl
'

# --field $'"'"'\xff'"'"' was taken, and every record then lacked the field "\uFFFD"
test_expect_success 'a field name that is not UTF-8 is a usage error, in every program' '
	usage_error "--field wants a name in UTF-8: byte 1 (\\xff) is not" --field "$(printf "\\377")" one.jsonl &&
	usage_error "--label-field wants a name in UTF-8: byte 3 (\\xc3) is not" \
		--train -o m.bin --label-field "$(printf "ab\\303")" one.jsonl &&
	test_expect_code 2 ayak-filter --field "$(printf "a\\342\\202")" one.jsonl >out 2>err &&
	printf "%s\n" "ayak-filter: --field wants a name in UTF-8: byte 2 (\\xe2) is not" \
		"Try '"'"'ayak-filter --help'"'"'." >expect &&
	test_cmp expect err &&
	test_must_be_empty out &&
	echo "{\"text\":\"x\",\"é\":\"Saya tidak dapat hadir kerana hujan\"}" >in &&
	ayak-lid --field é in >out &&
	grep -F "\"lang\":\"zsm_Latn\"" out
'

test_done
