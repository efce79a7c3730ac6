#!/usr/bin/env bash
test_description='ayak-lid: --keep, --drop, --threshold, --annotate, --rejects, --stats'
. "$(dirname "$0")/../lib.sh"

G=$TEST_DATA/lid/golden.jsonl

want_of () {
	sed -n 's/^{"want":"\([^"]*\)".*/\1/p' "$1"
}

test_expect_success 'setup: the golden labels' '
	want_of "$G" >wants &&
	grep -c "^zsm_Latn\$" wants >nzsm &&
	test $(cat nzsm) -ge 5
'

test_expect_success '--keep zsm_Latn keeps the Malaysian records only, in order' '
	ayak-lid --keep zsm_Latn "$G" >out 2>err &&
	test_must_be_empty err &&
	grep "^{\"want\":\"zsm_Latn\"" "$G" >expect &&
	sed "s/,\"lang\":\"zsm_Latn\",\"lang_score\":[0-9.]*}\$/}/" out >got &&
	test_cmp expect got
'

test_expect_success '--keep takes a list, and mixed labels' '
	ayak-lid --keep zsm_Latn,ind_Latn --keep eng_Latn "$G" >out &&
	grep -c "^{\"want\":\"\(zsm\|ind\|eng\)_Latn\"" "$G" >expect &&
	wc -l <out >got &&
	test_cmp expect got
'

# Only --by gives mixed labels: without it --keep A+B kept nothing, silently
test_expect_success 'a mixed label without --by, and --mixed without --by: usage errors' '
	test_expect_code 2 ayak-lid --keep zsm_Latn+eng_Latn "$G" >out 2>err &&
	printf "%s\n" "ayak-lid: --keep: the mixed label '"'"'zsm_Latn+eng_Latn'"'"' goes only with --by" \
		"Try '"'"'ayak-lid --help'"'"'." >expect &&
	test_cmp expect err &&
	test_must_be_empty out &&
	test_expect_code 2 ayak-lid --drop eng_Latn+zsm_Latn "$G" >out 2>err &&
	printf "%s\n" "ayak-lid: --drop: the mixed label '"'"'eng_Latn+zsm_Latn'"'"' goes only with --by" \
		"Try '"'"'ayak-lid --help'"'"'." >expect &&
	test_cmp expect err &&
	test_expect_code 2 ayak-lid --mixed 0.4 "$G" >out 2>err &&
	printf "%s\n" "ayak-lid: --mixed goes only with --by" "Try '"'"'ayak-lid --help'"'"'." >expect &&
	test_cmp expect err &&
	test_must_be_empty out
'

# The document label puts the larger share first: eng_Latn+zsm_Latn was not kept by --keep zsm_Latn+eng_Latn
test_expect_success '--by: a mixed label matches its two labels in either order' '
	cat >two.jsonl <<-\EOF &&
	{"text":"The government will announce the new budget next week for everyone.\nThe minister said the budget will help families with the cost of living.\nKerajaan akan mengumumkan bajet baharu minggu depan untuk semua rakyat."}
	{"text":"Kerajaan akan mengumumkan bajet baharu minggu depan untuk semua rakyat.\nThe government will announce the new budget next week for everyone."}
	{"text":"Kerajaan akan mengumumkan bajet baharu minggu depan untuk semua rakyat."}
	EOF
	printf "%s\n" eng_Latn+zsm_Latn zsm_Latn+eng_Latn >expect &&
	ayak-lid --by line --keep zsm_Latn+eng_Latn two.jsonl | sed "s/.*,\"lang\":\"\([^\"]*\)\".*/\1/" >got &&
	test_cmp expect got &&
	ayak-lid --by line --keep eng_Latn+zsm_Latn two.jsonl | sed "s/.*,\"lang\":\"\([^\"]*\)\".*/\1/" >got &&
	test_cmp expect got &&
	echo zsm_Latn >expect &&
	ayak-lid --by line --drop zsm_Latn+eng_Latn two.jsonl | sed "s/.*,\"lang\":\"\([^\"]*\)\".*/\1/" >got &&
	test_cmp expect got
'

test_expect_success '--drop drops the labels named' '
	ayak-lid --drop zsm_Latn,ind_Latn "$G" >out &&
	grep -vc "^{\"want\":\"\(zsm\|ind\)_Latn\"" "$G" >expect &&
	wc -l <out >got &&
	test_cmp expect got &&
	! grep "\"lang\":\"\(zsm\|ind\)_Latn\"" out
'

test_expect_success '--annotate keeps every record and says why' '
	ayak-lid --keep zsm_Latn --annotate "$G" >out &&
	test_line_count = $(wc -l <"$G") out &&
	grep -c "\"lang_keep\":true}\$" out >kept &&
	test_cmp nzsm kept &&
	grep "\"lang\":\"ind_Latn\"" out | grep "\"lang_keep\":false,\"lang_reason\":\"lang\"}\$" &&
	! grep "\"lang\":\"zsm_Latn\"" out | grep "lang_reason"
'

test_expect_success '--annotate alone keeps everything as kept' '
	ayak-lid --annotate "$G" >out &&
	test $(grep -c "\"lang_keep\":true}\$" out) = $(wc -l <"$G")
'

test_expect_success '--threshold LABEL=X drops that label below X' '
	cat >in <<-\EOF &&
	{"text":"我们的政府会确保每个人都得到帮助。"}
	{"text":"人人"}
	{"text":"அரசாங்கம்"}
	EOF
	ayak-lid --threshold zho_Hans=0.8 in >out &&
	cat >expect <<-\EOF &&
	{"text":"我们的政府会确保每个人都得到帮助。","lang":"zho_Hans","lang_score":0.9583}
	{"text":"அரசாங்கம்","lang":"tam_Taml","lang_score":1}
	EOF
	test_cmp expect out
'

test_expect_success '--threshold X applies to every label; --annotate gives the reason' '
	ayak-lid --threshold 0.96 --annotate in >out &&
	cat >expect <<-\EOF &&
	{"text":"我们的政府会确保每个人都得到帮助。","lang":"zho_Hans","lang_score":0.9583,"lang_keep":false,"lang_reason":"lang_score"}
	{"text":"人人","lang":"zho_Hans","lang_score":0.75,"lang_keep":false,"lang_reason":"lang_score"}
	{"text":"அரசாங்கம்","lang":"tam_Taml","lang_score":1,"lang_keep":true}
	EOF
	test_cmp expect out
'

test_expect_success '--keep with --threshold: both must hold' '
	ayak-lid --keep zho_Hans --threshold zho_Hans=0.9 in >out &&
	echo "{\"text\":\"我们的政府会确保每个人都得到帮助。\",\"lang\":\"zho_Hans\",\"lang_score\":0.9583}" >expect &&
	test_cmp expect out
'

test_expect_success '--rejects gets the dropped records with their reason' '
	ayak-lid --keep zho_Hans --threshold zho_Hans=0.9 --rejects rej.jsonl in >out &&
	cat >expect <<-\EOF &&
	{"reject":{"program":"ayak-lid","reason":"lang_score","lang":"zho_Hans","lang_score":0.75,"file":"in","line":2},"raw":"{\"text\":\"人人\"}"}
	{"reject":{"program":"ayak-lid","reason":"lang","lang":"tam_Taml","lang_score":1,"file":"in","line":3},"raw":"{\"text\":\"அரசாங்கம்\"}"}
	EOF
	test_cmp expect rej.jsonl
'

test_expect_success '--stats counts labels and drops' '
	ayak-lid --keep zho_Hans --threshold zho_Hans=0.9 --stats st.json in >out &&
	sed "s/\"seconds\":[0-9.]*/\"seconds\":S/" st.json >got &&
	echo "{\"program\":\"ayak-lid\",\"version\":\"0.1.0\",\"records_in\":3,\"records_out\":1,\"dropped\":{\"lang_score\":1,\"lang\":1},\"errors\":0,\"bytes_in\":$(wc -c <in),\"bytes_out\":$(wc -c <out),\"seconds\":S,\"counts\":{\"lang.zho_Hans\":2,\"lang.tam_Taml\":1}}" >expect &&
	test_cmp expect got
'

test_expect_success '--stats counts mixed documents with --by' '
	printf "%s\n" "{\"text\":\"Saya nak pergi ke kedai sekejap untuk membeli barang dapur kerana stok di rumah sudah habis.\nI will be back in about ten minutes, so please wait for me at the bus stop.\"}" >mixed &&
	ayak-lid --by line --keep zsm_Latn+eng_Latn --stats st.json mixed >out &&
	test_line_count = 1 out &&
	grep "\"lang.mixed\":1" st.json &&
	ayak-lid --by line --keep zsm_Latn mixed >out &&
	test_must_be_empty out
'

# A mixed label took the threshold for every label when that was higher
# than its two labels' own: --threshold 0.9 --threshold zsm_Latn=0.5
# --threshold eng_Latn=0.5 dropped zsm_Latn+eng_Latn at 0.86
test_expect_success '--threshold: a mixed label takes the higher of its two labels'"'"' own' '
	printf "%s\n" "{\"text\":\"baik lah\nthe end\"}" >mix &&
	ayak-lid --by line mix >expect &&
	grep "\"lang\":\"zsm_Latn+eng_Latn\",\"lang_score\":0.9075," expect &&
	ayak-lid --by line --threshold 0.95 --threshold zsm_Latn=0.5 --threshold eng_Latn=0.5 mix >out &&
	test_cmp expect out &&
	ayak-lid --by line --threshold zsm_Latn=0.5 --threshold eng_Latn=0.5 --threshold 0.95 mix >out &&
	test_cmp expect out &&
	ayak-lid --by line --threshold 0.5 --threshold eng_Latn=0.9076 --annotate mix >out &&
	grep "\"lang_keep\":false,\"lang_reason\":\"lang_score\"}\$" out &&
	ayak-lid --by line --threshold 0.95 --threshold zsm_Latn=0.9075 --threshold eng_Latn=0.5 --annotate mix >out &&
	grep "\"lang_keep\":true}\$" out
'

# The score written, not the float under it: "lang_score":0.95 was dropped
# by --threshold 0.95 (the float is 0.94999999)
test_expect_success '--threshold compares the score as written' '
	echo "{\"text\":\"我们会确这\"}" >hans &&
	ayak-lid --threshold 0.95 --annotate hans >out &&
	echo "{\"text\":\"我们会确这\",\"lang\":\"zho_Hans\",\"lang_score\":0.95,\"lang_keep\":true}" >expect &&
	test_cmp expect out &&
	ayak-lid --threshold zho_Hans=0.9501 --annotate hans >out &&
	echo "{\"text\":\"我们会确这\",\"lang\":\"zho_Hans\",\"lang_score\":0.95,\"lang_keep\":false,\"lang_reason\":\"lang_score\"}" >expect &&
	test_cmp expect out
'

# A second run kept a record the first had dropped, and left the first
# run's "lang_reason":"lang" beside its "lang_keep":true
test_expect_success 'a run removes the lang_* fields an earlier run wrote and it does not' '
	echo "{\"text\":\"Saya nak pergi kedai sekejap.\"}" >ms &&
	ayak-lid --annotate --keep ind_Latn --top 2 ms >first &&
	echo "{\"text\":\"Saya nak pergi kedai sekejap.\",\"lang\":\"zsm_Latn\",\"lang_score\":1,\"lang_top\":[{\"lang\":\"zsm_Latn\",\"score\":1}],\"lang_keep\":false,\"lang_reason\":\"lang\"}" >expect &&
	test_cmp expect first &&
	ayak-lid --annotate --keep zsm_Latn first >out &&
	echo "{\"text\":\"Saya nak pergi kedai sekejap.\",\"lang\":\"zsm_Latn\",\"lang_score\":1,\"lang_keep\":true}" >expect &&
	test_cmp expect out &&
	ayak-lid first >out &&
	echo "{\"text\":\"Saya nak pergi kedai sekejap.\",\"lang\":\"zsm_Latn\",\"lang_score\":1}" >expect &&
	test_cmp expect out &&
	ayak-lid --by line first >out &&
	echo "{\"text\":\"Saya nak pergi kedai sekejap.\",\"lang\":\"zsm_Latn\",\"lang_score\":1,\"lang_parts\":[{\"lang\":\"zsm_Latn\",\"score\":1}],\"lang_shares\":{\"zsm_Latn\":1}}" >expect &&
	test_cmp expect out &&
	ayak-lid out >again &&
	echo "{\"text\":\"Saya nak pergi kedai sekejap.\",\"lang\":\"zsm_Latn\",\"lang_score\":1}" >expect &&
	test_cmp expect again &&
	echo "{\"lang\\u005freason\":\"lang\",\"text\":\"Saya nak pergi kedai sekejap.\",\"lang_other\":1}" >escaped &&
	ayak-lid escaped >out &&
	echo "{\"text\":\"Saya nak pergi kedai sekejap.\",\"lang_other\":1,\"lang\":\"zsm_Latn\",\"lang_score\":1}" >expect &&
	test_cmp expect out
'

# The rejects file of --annotate stayed empty: nothing is dropped.
test_expect_success '--rejects with --annotate goes with --on-error skip' '
	printf "%s\n" "{\"text\":\"Saya suka makan nasi lemak.\"}" >ann.jsonl &&
	test_expect_code 2 ayak-lid --annotate --rejects ann-rej.jsonl ann.jsonl >out 2>err &&
	printf "%s\n" "ayak-lid: --rejects with --annotate goes with --on-error skip (--annotate drops no record)" \
		"Try '"'"'ayak-lid --help'"'"'." >expect &&
	test_cmp expect err &&
	test_path_is_missing ann-rej.jsonl &&
	printf "{bad\n" >>ann.jsonl &&
	ayak-lid --annotate --on-error skip -q --rejects ann-rej.jsonl ann.jsonl >out &&
	test_line_count = 1 out &&
	test_line_count = 1 ann-rej.jsonl
'

test_done
