#!/usr/bin/env bash
test_description='ayak-filter: each quality rule just below, at and just above its threshold'
. "$(dirname "$0")/../lib.sh"

# doc NAME TEXT: a one-record file NAME.jsonl whose text is TEXT (printf
# escapes: \n).
doc () {
	printf '{"id":"%s","text":"%s"}\n' "$1" "$2" >"$1.jsonl"
}

# rule FILE OPTION VALUE THRESHOLD DECISION [REASON]: with every rule off
# but OPTION at THRESHOLD, FILE's record has the value VALUE (as
# --annotate prints it) and the decision DECISION, for REASON; the normal
# run agrees (the record is written, or dropped with the reason in --stats).
rule () {
	local file=$1 opt=$2 value=$3 thr=$4 want=$5 reason=${6:-}
	local name=${opt#--}
	name=${name//-/_}
	ayak-filter --profile none $opt "$thr" $EXTRA --annotate "$file" >ann.out &&
	jq -r --arg v "$VALUE_NAME" '.filter | [.decision, (.reason // "-"), (.values[$v] | tostring)] | join(" ")' ann.out >got &&
	echo "$want ${reason:--} $value" >expect &&
	test_cmp expect got &&
	ayak-filter --profile none $opt "$thr" $EXTRA --stats stats.json "$file" >out &&
	if test "$want" = keep
	then
		test_cmp "$file" out &&
		jq -e '.dropped == {}' stats.json >/dev/null
	else
		test_must_be_empty out &&
		jq -e --arg r "$reason" '.dropped[$r] == 1' stats.json >/dev/null
	fi
}

# three OPTION VALUE BELOW AT ABOVE FILE WHEN_BELOW WHEN_AT WHEN_ABOVE REASON:
# the value against a threshold just above it (the value is below), equal
# to it, and just below it (the value is above).
three () {
	local opt=$1 value=$2 thr_above=$3 thr_at=$4 thr_below=$5 file=$6
	local d_below=$7 d_at=$8 d_above=$9 reason=${10}
	local r
	r=$( [ "$d_below" = drop ] && echo "$reason" ) || true
	rule "$file" "$opt" "$value" "$thr_above" "$d_below" "$r" || return 1
	r=$( [ "$d_at" = drop ] && echo "$reason" ) || true
	rule "$file" "$opt" "$value" "$thr_at" "$d_at" "$r" || return 1
	r=$( [ "$d_above" = drop ] && echo "$reason" ) || true
	rule "$file" "$opt" "$value" "$thr_below" "$d_above" "$r"
}

EXTRA=

# ---- Gopher repetition ----

test_expect_success 'dup_line_frac: 1 of 4 lines repeats (0.25), drop when above' '
	doc dl "a\nb\na\nc" &&
	VALUE_NAME=dup_lines &&
	three --dup-line-frac 0.25 0.26 0.25 0.24 dl.jsonl keep keep drop dup_lines
'

test_expect_success 'dup_line_frac: lines split at runs of newlines; a final newline makes an empty line' '
	doc dl2 "a\n\n\nb\na\n" &&
	VALUE_NAME=dup_lines &&
	rule dl2.jsonl --dup-line-frac 0.25 0.3 keep
'

test_expect_success 'dup_line_char_frac: 2 of 10 characters repeat (0.2), drop when above' '
	doc dlc "aa\nbb\naa\nc" &&
	VALUE_NAME=dup_line_chars &&
	three --dup-line-char-frac 0.2 0.21 0.2 0.19 dlc.jsonl keep keep drop dup_line_chars
'

test_expect_success 'dup_para_frac: 1 of 4 paragraphs repeats (0.25), drop when above' '
	doc dp "ab\n\ncd\n\nab\n\nefgh" &&
	VALUE_NAME=dup_paras &&
	three --dup-para-frac 0.25 0.26 0.25 0.24 dp.jsonl keep keep drop dup_paras
'

test_expect_success 'dup_para_char_frac: 2 of 16 characters (0.125), drop when above' '
	VALUE_NAME=dup_para_chars &&
	three --dup-para-char-frac 0.125 0.126 0.125 0.124 dp.jsonl keep keep drop dup_para_chars
'

test_expect_success 'a threshold of 0 turns a dup_*_frac rule off, as in datatrove' '
	VALUE_NAME=dup_paras &&
	rule dp.jsonl --dup-para-frac 0.25 0 keep
'

test_expect_success 'top_2_gram: "a b" twice, 6 of 16 characters (0.375), drop when above' '
	doc t2 "a b a b cccccccc" &&
	VALUE_NAME=top_2_gram &&
	three --top-2-gram 0.375 0.376 0.375 0.374 t2.jsonl keep keep drop top_2_gram
'

test_expect_success 'top_3_gram: "a b c" twice, 10 of 16 characters (0.625), drop when above' '
	doc t3 "a b c a b c dddd" &&
	VALUE_NAME=top_3_gram &&
	three --top-3-gram 0.625 0.626 0.625 0.624 t3.jsonl keep keep drop top_3_gram
'

test_expect_success 'top_4_gram: all 4-grams once: the first one, 7 of 16 characters (0.4375)' '
	doc t4 "a b c d a b c dd" &&
	VALUE_NAME=top_4_gram &&
	three --top-4-gram 0.4375 0.4376 0.4375 0.4374 t4.jsonl keep keep drop top_4_gram
'

test_expect_success 'top_n_gram: on a tie, the n-gram seen first; a threshold of 0 still compares' '
	doc tie "a b x a b yy yy yy" &&
	VALUE_NAME=top_2_gram &&
	rule tie.jsonl --top-2-gram 0.3333333333333333 0 drop top_2_gram
'

test_expect_success 'top_n_gram: a text with fewer than n words skips the rule' '
	doc short "a b" &&
	ayak-filter --profile none --top-3-gram 0 --top-4-gram 0 --annotate short.jsonl |
		jq -c "[.filter.decision, (.filter.values | has(\"top_2_gram\"), has(\"top_3_gram\"), has(\"top_4_gram\"))]" >got &&
	echo "[\"keep\",true,false,false]" >expect &&
	test_cmp expect got
'

for n in 5 6 7 8 9 10; do
	test_expect_success "dup_${n}_gram: ${n} words twice, ${n} of $((4 * n)) characters (0.25), drop when above" "
		words=\$(printf '%s ' \$(echo abcdefghij | fold -w1 | head -n $n)) &&
		doc d$n \"\$words\$words\" &&
		VALUE_NAME=dup_${n}_gram &&
		three --dup-${n}-gram 0.25 0.26 0.25 0.24 d$n.jsonl keep keep drop dup_${n}_gram
	"
done

test_expect_success 'dup_n_gram: a repeat skips n words; n-grams are joined without spaces' '
	doc skip "a a a a a a a a a a a a a a a a a a a a" &&
	ayak-filter --profile none --annotate --dup-5-gram 1 --dup-10-gram 1 skip.jsonl |
		jq -c "[.filter.values.dup_5_gram, .filter.values.dup_10_gram]" >got &&
	echo "[0.38461538461538464,0.2564102564102564]" >expect &&
	test_cmp expect got
'

# ---- FineWeb quality ----

test_expect_success 'line_punct_thr: 1 of 4 lines ends in punctuation (0.25), drop when at or below' '
	doc lp "a.\nb\nc\nd" &&
	VALUE_NAME=line_punct &&
	three --line-punct-thr 0.25 0.26 0.25 0.24 lp.jsonl drop drop keep line_punct
'

test_expect_success 'line_punct_exclude_zero: a share of 0 does not drop' '
	doc lp0 "a\nb" &&
	VALUE_NAME=line_punct &&
	rule lp0.jsonl --line-punct-thr 0 0.1 drop line_punct &&
	EXTRA=--line-punct-exclude-zero &&
	rule lp0.jsonl --line-punct-thr 0 0.1 keep &&
	EXTRA=
'

test_expect_success 'line_punct_thr: only . '"'"' \" ! ? at the very end count' '
	printf "%s\n" "{\"text\":\"a!\nb?\nc\\\"\nd'"'"'\ne. \nf;\ng\u2026\"}" >lp2.jsonl &&
	VALUE_NAME=line_punct &&
	rule lp2.jsonl --line-punct-thr 0.5714285714285714 0.5 keep
'

test_expect_success 'short_line_thr: 1 of 2 lines of at most 3 characters (0.5), drop when at or above' '
	doc sl "aaaa\nbb" &&
	VALUE_NAME=short_lines &&
	EXTRA="--short-line-length 3" &&
	three --short-line-thr 0.5 0.51 0.5 0.49 sl.jsonl keep drop drop short_lines &&
	EXTRA=
'

test_expect_success 'char_duplicates_ratio: 2 of 8 characters in repeated lines (0.25), drop when at or above' '
	doc cd "ab\ncd\nab\nef" &&
	VALUE_NAME=char_dup &&
	three --char-duplicates-ratio 0.25 0.26 0.25 0.24 cd.jsonl keep drop drop char_dup
'

test_expect_success 'new_line_ratio: 1 newline for 4 words (0.25), drop when above' '
	doc nl "a b\nc d" &&
	VALUE_NAME=new_lines &&
	three --new-line-ratio 0.25 0.26 0.25 0.24 nl.jsonl keep keep drop new_lines
'

# ---- Gopher quality ----

test_expect_success 'min_doc_words: 4 words, drop when below' '
	doc w4 "a b c d" &&
	VALUE_NAME=words &&
	three --min-doc-words 4 5 4 3 w4.jsonl drop keep keep too_few_words
'

test_expect_success 'max_doc_words: 4 words, drop when above' '
	VALUE_NAME=words &&
	three --max-doc-words 4 5 4 3 w4.jsonl keep keep drop too_many_words
'

test_expect_success 'words: tokens of punctuation alone do not count' '
	doc pw "a , b . c -- d !!" &&
	VALUE_NAME=words &&
	rule pw.jsonl --min-doc-words 4 4 keep
'

test_expect_success 'min_avg_word_length: mean 3 (aa bbbb), drop when below' '
	doc ml "aa bbbb" &&
	VALUE_NAME=mean_word_length &&
	three --min-avg-word-length 3 3.01 3 2.99 ml.jsonl drop keep keep short_words
'

test_expect_success 'max_avg_word_length: mean 3, drop when above' '
	VALUE_NAME=mean_word_length &&
	three --max-avg-word-length 3 3.01 3 2.99 ml.jsonl keep keep drop long_words
'

test_expect_success 'max_symbol_word_ratio: 1 hash for 4 tokens (0.25), drop when above' '
	doc hs "#a b c" &&
	VALUE_NAME=hash_ratio &&
	three --max-symbol-word-ratio 0.25 0.26 0.25 0.24 hs.jsonl keep keep drop hashes
'

test_expect_success 'max_symbol_word_ratio: 1 ellipsis for 4 tokens (0.25), drop when above' '
	doc el "a... b c" &&
	VALUE_NAME=ellipsis_ratio &&
	three --max-symbol-word-ratio 0.25 0.26 0.25 0.24 el.jsonl keep keep drop ellipses
'

test_expect_success 'max_bullet_lines_ratio: 1 of 4 lines starts with a bullet (0.25), drop when above' '
	doc bl " - a\nb\nc\nd" &&
	VALUE_NAME=bullet_lines &&
	three --max-bullet-lines-ratio 0.25 0.26 0.25 0.24 bl.jsonl keep keep drop bullet_lines
'

test_expect_success 'max_ellipsis_lines_ratio: 1 of 4 lines ends in an ellipsis (0.25), drop when above' '
	doc ell "a\u2026 \nb\nc\nd" &&
	VALUE_NAME=ellipsis_lines &&
	three --max-ellipsis-lines-ratio 0.25 0.26 0.25 0.24 ell.jsonl keep keep drop ellipsis_lines
'

test_expect_success 'max_non_alpha_words_ratio: 3 of 4 tokens with a letter (0.75), drop when below' '
	doc na "a b c 1" &&
	VALUE_NAME=alpha_words &&
	three --max-non-alpha-words-ratio 0.75 0.76 0.75 0.74 na.jsonl drop keep keep non_alpha_words
'

test_expect_success 'min_stop_words: 2 stopwords (dan, di; Dan does not count), drop when below' '
	test_write_lines "# test stopwords" dan di >sw.txt &&
	doc sw "dan di Dan rumah" &&
	VALUE_NAME=stopwords &&
	EXTRA="--stopwords sw.txt" &&
	three --min-stop-words 2 3 2 1 sw.jsonl drop keep keep few_stopwords &&
	EXTRA=
'

# ---- C4 ----

test_expect_success 'c4_min_sentences: 3 sentences, drop when below' '
	doc c4 "Satu dua tiga. Empat lima enam!\nTujuh lapan sembilan sepuluh?" &&
	VALUE_NAME=c4_sentences &&
	EXTRA=--c4 &&
	three --c4-min-sentences 3 4 3 2 c4.jsonl drop keep keep c4_few_sentences &&
	EXTRA=
'

test_expect_success 'c4: lines go for no terminal punctuation, too few words, javascript, policy; citations go' '
	doc c4l "Ini ayat pertama yang baik[1].\nTiada tanda baca di sini\nDua kata.\nSila hidupkan JavaScript anda.\nBaca privacy policy kami dahulu.\nAyat terakhir yang baik[edit]!" &&
	ayak-filter --profile none --c4 --c4-min-sentences 1 --c4-min-words-per-line 3 \
		--c4-terminal-punct --c4-citations --c4-javascript --c4-policy c4l.jsonl | jq -r .text >got &&
	test_write_lines "Ini ayat pertama yang baik." "Ayat terakhir yang baik!" >expect &&
	test_cmp expect got
'

test_expect_success 'c4: the lines it takes out are counted in --annotate and --stats, blank ones not' '
	doc c4n "Ini ayat pertama yang baik.\n\nTiada tanda baca di sini\nSila hidupkan JavaScript anda.\n[1]\nAyat terakhir yang baik!" &&
	ayak-filter --profile none --c4 --c4-min-sentences 1 --annotate c4n.jsonl |
		jq -c "[.text, .filter.lines_dropped]" >got &&
	echo "[\"Ini ayat pertama yang baik.\\nAyat terakhir yang baik!\",{\"pattern\":0,\"boilerplate\":0,\"short\":0,\"c4\":3}]" >expect &&
	test_cmp expect got &&
	ayak-filter --profile none --c4 --c4-min-sentences 1 --stats stats.json c4n.jsonl >out &&
	jq -c "[.counts.lines_dropped, .counts.lines_dropped_c4]" stats.json >got &&
	echo "[3,3]" >expect &&
	test_cmp expect got
'

test_expect_success 'c4: lorem ipsum and a curly bracket drop the record' '
	doc lorem "Lorem ipsum dolor sit amet." &&
	doc curly "Fungsi ini {x} mudah sahaja." &&
	ayak-filter --profile none --c4 --c4-lorem-ipsum --stats s1.json lorem.jsonl >out &&
	test_must_be_empty out &&
	ayak-filter --profile none --c4 --c4-curly-bracket --stats s2.json curly.jsonl >out &&
	test_must_be_empty out &&
	jq -c .dropped s1.json s2.json >got &&
	printf "%s\n" "{\"c4_lorem_ipsum\":1}" "{\"c4_curly_bracket\":1}" >expect &&
	test_cmp expect got
'

test_expect_success 'c4_max_word_length: a line with a word of 16 characters goes at 15, not at 16' '
	doc mw "Kata biasa sahaja di sini.\nSatu perkataanpanjang di sini." &&
	ayak-filter --profile none --c4 --c4-min-sentences off --c4-max-word-length 15 mw.jsonl | jq -r .text >got &&
	echo "Kata biasa sahaja di sini." >expect &&
	test_cmp expect got &&
	ayak-filter --profile none --c4 --c4-min-sentences off --c4-max-word-length 16 mw.jsonl >out &&
	test_cmp mw.jsonl out &&
	ayak-filter --profile none --c4 --c4-min-sentences off --c4-max-word-length 17 mw.jsonl >out &&
	test_cmp mw.jsonl out
'

# ---- line cleanup ----

test_expect_success 'line_min_words: a 2-word line without punctuation goes when below' '
	doc lm "Ayat ini cukup panjang untuk kekal.\nDua kata\nYa." &&
	ayak-filter --profile none --line-cleanup --line-min-words 3 --stats s.json lm.jsonl | jq -r .text >got &&
	printf "%s\n" "Ayat ini cukup panjang untuk kekal." "Ya." >expect &&
	test_cmp expect got &&
	jq -c ".counts | with_entries(select(.value > 0))" s.json >got &&
	echo "{\"lines_dropped\":1,\"lines_dropped_short\":1}" >expect &&
	test_cmp expect got &&
	ayak-filter --profile none --line-cleanup --line-min-words 2 lm.jsonl >out &&
	test_cmp lm.jsonl out &&
	ayak-filter --profile none --line-cleanup --line-min-words 1 lm.jsonl >out &&
	test_cmp lm.jsonl out
'

test_expect_success 'line_min_words: a short line ending in a Chinese or Jawi full stop or question mark stays' '
	doc jw "Ayat ini cukup panjang untuk kekal.\n\u0627\u06a4 \u062e\u0628\u0631\u061f\n\u0627\u06a4 \u062e\u0628\u0631\u06d4\n\u4f60\u597d\u3002\n\u0627\u06a4 \u062e\u0628\u0631\nYa." &&
	ayak-filter --profile none --line-cleanup --line-min-words 3 --annotate jw.jsonl |
		jq -c "[.text, .filter.lines_dropped.short]" >got &&
	echo "[\"Ayat ini cukup panjang untuk kekal.\\n\u0627\u06a4 \u062e\u0628\u0631\u061f\\n\u0627\u06a4 \u062e\u0628\u0631\u06d4\\n\u4f60\u597d\u3002\\nYa.\",1]" | jq -c . >expect &&
	test_cmp expect got
'

test_expect_success 'line_min_words: a line with no letter or digit goes whatever its punctuation' '
	doc np "Ayat ini cukup panjang untuk kekal.\n.\n»»\nYa." &&
	ayak-filter --profile none --line-cleanup --line-min-words 1 np.jsonl | jq -r .text >got &&
	printf "%s\n" "Ayat ini cukup panjang untuk kekal." "Ya." >expect &&
	test_cmp expect got
'

test_expect_success 'line_min_words: 0, as off, takes no line out as short' '
	ayak-filter --profile none --line-cleanup --line-min-words 0 np.jsonl >out &&
	test_cmp np.jsonl out &&
	ayak-filter --profile none --line-cleanup --line-min-words off np.jsonl >out &&
	test_cmp np.jsonl out
'

test_expect_success 'boilerplate_max_chars: a 12-character line is looked up at 12, not at 11' '
	printf "prefix\tbaca juga\n" >bp.tsv &&
	doc bm "Ayat ini cukup panjang untuk kekal.\nBaca juga: X" &&
	ayak-filter --profile none --line-cleanup --boilerplate bp.tsv --boilerplate-max-chars 11 bm.jsonl >out &&
	test_cmp bm.jsonl out &&
	ayak-filter --profile none --line-cleanup --boilerplate bp.tsv --boilerplate-max-chars 12 bm.jsonl | jq -r .text >got &&
	echo "Ayat ini cukup panjang untuk kekal." >expect &&
	test_cmp expect got &&
	ayak-filter --profile none --line-cleanup --boilerplate bp.tsv --boilerplate-max-chars 13 bm.jsonl | jq -r .text >got &&
	test_cmp expect got
'

test_expect_success 'line rules in extended mode and with a lookbehind both apply' '
	printf "drop:line spaced (?x) ^ a b c \$\ndrop:line behind ^(?<!x)zzz\n" >xrules &&
	echo "{\"text\":\"Ini ayat pertama yang cukup panjang.\nabc\nzzz baris.\nabcd\"}" |
	ayak-filter -p none --line-cleanup=on --line-min-words=off --rules xrules >out &&
	echo "{\"text\":\"Ini ayat pertama yang cukup panjang.\nabcd\"}" >expect &&
	test_cmp expect out
'

test_done
