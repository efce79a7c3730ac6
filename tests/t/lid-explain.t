#!/usr/bin/env bash
test_description='ayak-lid --explain: the log-odds Malaysian : Indonesian and the words and pairs that make them'
. "$(dirname "$0")/../lib.sh"

# usage_error MESSAGE ARGS...: exit 2, MESSAGE and the hint on stderr, nothing on stdout
usage_error () {
	test_usage_error ayak-lid "$@"
}

test_expect_success 'setup' '
	cat >in.jsonl <<-\EOF
	{"text":"Kerajaan akan memberi wang bantuan kerana ramai rakyat memerlukannya."}
	{"text":"Pemerintah akan memberikan uang bantuan karena banyak rakyat membutuhkannya."}
	{"text":"Saya tidak tahu, saya tidak pasti."}
	{"text":"2024 :) https://contoh.my/"}
	{"text":"Wang"}
	EOF
'

# The shipped model's answers: the words that tell the two apart lead,
# each side's on its side; a word twice is one item, its count 2; a pair
# of words is an item of its own; a text with no Latin word has none.
test_expect_success 'the telling words of each side, largest first; repeats merged; null without words' '
	ayak-lid --explain 4 in.jsonl >out &&
	cat >expect <<-\EOF &&
	{"text":"Kerajaan akan memberi wang bantuan kerana ramai rakyat memerlukannya.","lang":"zsm_Latn","lang_score":1,"lang_why":{"zsm_ind":47.1601,"prior":3.8436,"words":[["kerana",16.5214,1],["wang",10.3713,1],["kerajaan",8.0071,1],["ramai rakyat",2.3352,1]]}}
	{"text":"Pemerintah akan memberikan uang bantuan karena banyak rakyat membutuhkannya.","lang":"ind_Latn","lang_score":1,"lang_why":{"zsm_ind":-57.4588,"prior":3.8436,"words":[["karena",-18.6293,1],["uang",-15.8787,1],["pemerintah",-14.732,1],["membutuhkannya",-5.1052,1]]}}
	{"text":"Saya tidak tahu, saya tidak pasti.","lang":"zsm_Latn","lang_score":0.9981,"lang_why":{"zsm_ind":6.2689,"prior":3.8436,"words":[["tidak",-2.49,2],["saya",1.9556,2],["saya tidak",1.3686,2],["tahu saya",0.8343,1]]}}
	{"text":"2024 :) https://contoh.my/","lang":"und","lang_score":1,"lang_why":null}
	{"text":"Wang","lang":"zsm_Latn","lang_score":0.9686,"lang_why":{"zsm_ind":34.724,"prior":3.8436,"words":[["wang",30.8804,1]]}}
	EOF
	test_cmp expect out
'

# Every item given, the prior and the items add up to the odds (each
# number rounded to 4 decimals: within 0.0001 an item), and the odds are
# the log of the ratio of the two labels' scores.
test_expect_success 'with every item, the prior and the items add up to the odds, which --top agrees with' '
	ayak-lid --explain 1000 --top 5 in.jsonl >out &&
	sed -n 3p out >third &&
	grep -F "\"lang_top\":[{\"lang\":\"zsm_Latn\",\"score\":0.9981},{\"lang\":\"ind_Latn\",\"score\":0.0019}]" third &&
	jq -r "select(.lang_why != null) | [.lang_why.zsm_ind, .lang_why.prior + ([.lang_why.words[][1]] | add), (.lang_why.words | length)] | @tsv" out >sums &&
	test_line_count = 4 sums &&
	awk -F "\t" "{ d = \$1 - \$2; if (d < 0) d = -d; if (d > 0.0001 * \$3) { print \"off by \" d \": \" \$0; bad = 1 } } END { exit bad }" sums &&
	: "log(0.9981 / 0.0019) = 6.2639, 6.2689 given: the scores have 4 decimals" &&
	jq -r ".lang_why.zsm_ind" third >odds &&
	echo 6.2689 >expect &&
	test_cmp expect odds
'

test_expect_success 'explaining changes no label or score, and the output is the same run after run' '
	ayak-lid in.jsonl >plain &&
	ayak-lid --explain 2 in.jsonl >why &&
	jq -c "del(.lang_why)" why >stripped &&
	test_cmp plain stripped &&
	ayak-lid --explain 2 in.jsonl >again &&
	test_cmp why again
'

test_expect_success 'an earlier lang_why goes when --explain is not given, and is replaced when it is' '
	echo "{\"lang_why\":1,\"text\":\"Wang\",\"lang_why\":2}" >old.jsonl &&
	ayak-lid old.jsonl >out &&
	echo "{\"text\":\"Wang\",\"lang\":\"zsm_Latn\",\"lang_score\":0.9686}" >expect &&
	test_cmp expect out &&
	ayak-lid --explain 1 old.jsonl >out &&
	echo "{\"text\":\"Wang\",\"lang_why\":{\"zsm_ind\":34.724,\"prior\":3.8436,\"words\":[[\"wang\",30.8804,1]]},\"lang\":\"zsm_Latn\",\"lang_score\":0.9686}" >expect &&
	test_cmp expect out
'

test_expect_success 'usage errors: a count out of range, --by word, --train, --field lang_why' '
	usage_error "--explain wants a number from 1 to 1000, not '"'"'0'"'"'" --explain 0 in.jsonl &&
	usage_error "--explain wants a number from 1 to 1000, not '"'"'1001'"'"'" --explain 1001 in.jsonl &&
	usage_error "--explain wants a number from 1 to 1000, not '"'"'x'"'"'" --explain x in.jsonl &&
	usage_error "--explain does not go with --by word (its runs come from the switch words, not the model)" --explain 3 --by word in.jsonl &&
	usage_error "--explain does not go with --train" --train -o m.bin --explain 3 in.jsonl &&
	usage_error "--field lang_why: ayak-lid writes that field" --field lang_why --explain 3 in.jsonl
'

# By line or paragraph, each part is read on its own, and each part gets
# its own explanation ("why"); the record gets none, as it gets no
# lang_top: its label comes from the parts' shares.  The parts' labels and
# scores are those of a run without --explain.
test_expect_success '--by line and --by paragraph: a "why" in each part, none for the record' '
	printf "%s\n" "{\"text\":\"Saya tidak dapat hadir kerana hujan.\\n\\nPemerintah bilang karena hujan.\\n2024\",\"lang_why\":0}" >parts.jsonl &&
	ayak-lid --by line --explain 1 parts.jsonl >out &&
	cat >expect <<-\EOF &&
	{"text":"Saya tidak dapat hadir kerana hujan.\n\nPemerintah bilang karena hujan.\n2024","lang":"zsm_Latn+ind_Latn","lang_score":1,"lang_parts":[{"lang":"zsm_Latn","score":1,"why":{"zsm_ind":26.2375,"prior":3.8436,"words":[["kerana",22.0971,1]]}},{"lang":"und","score":1,"why":null},{"lang":"ind_Latn","score":1,"why":{"zsm_ind":-58.0746,"prior":3.8436,"words":[["karena",-23.8372,1]]}},{"lang":"und","score":1,"why":null}],"lang_shares":{"zsm_Latn":0.5263,"ind_Latn":0.4737}}
	EOF
	test_cmp expect out &&
	ayak-lid --by line parts.jsonl >plain &&
	jq -c "del(.lang_parts[].why)" out >stripped &&
	test_cmp plain stripped &&
	ayak-lid --by paragraph --explain 1 parts.jsonl >out &&
	jq -c "[.lang_parts[] | [.lang, .why.zsm_ind]]" out >got &&
	echo "[[\"zsm_Latn\",26.2375],[\"ind_Latn\",-58.0746]]" >expect &&
	test_cmp expect got
'

# A model of its own, trained without --msa, cannot tell the two apart.
test_expect_success 'a model without the msa submodel: --explain is refused, exit 2' '
	for i in 1 2 3 4 5 6; do
		echo "{\"text\":\"kerana wang\",\"label\":\"zsm_Latn\"}" &&
		echo "{\"text\":\"the cat sat\",\"label\":\"eng_Latn\"}" || return 1
	done >tr.jsonl &&
	ayak-lid --train -q -o nomsa.bin --submodel Latn:10:c3 tr.jsonl &&
	usage_error "--explain: nomsa.bin has no msa submodel with zsm_Latn and ind_Latn: nothing to explain" \
		--model nomsa.bin --explain 2 in.jsonl &&
	ayak-lid --model nomsa.bin in.jsonl >out &&
	test_line_count = 5 out
'

test_done
