#!/usr/bin/env bash
test_description='ayak-filter: records, annotations, rejects, stats, profiles, pattern rules, blocklists, line cleanup, errors'
. "$(dirname "$0")/../lib.sh"

TRY="Try 'ayak-filter --help'."

test_expect_success 'setup' '
	cp "$TEST_DATA/filter/udhr-ms.jsonl" udhr.jsonl &&
	test_line_count = 3 udhr.jsonl &&
	printf "%s\n" "{\"id\":\"j1\",\"url\":\"https://www.contoh.my/a\",\"text\":\"Iklan\\nKongsi: Facebook Twitter WhatsApp\\nLog masuk | Daftar\\nIklan\"}" >junk.jsonl &&
	printf "%s\n" "{\"id\":1,\"text\":\"Satu dua tiga.\\nSatu dua tiga.\"}" >dup.jsonl
'

test_expect_success '--help and -V' '
	ayak-filter --help >help &&
	head -n 2 help >got &&
	cat >expect <<-\EOF &&
	Usage: ayak-filter [options] [FILE...]
	Keep the prose; drop boilerplate, lists, spam and fragments, naming the reason.
	EOF
	test_cmp expect got &&
	grep -q "^  --dup-5-gram X, --line-punct-thr X" help &&
	grep -q "^ *keep or drop on text, url, domain or line; redact on text$" help &&
	grep -q "^      --boilerplate FILE  add a boilerplate line lexicon: line, prefix or suffix,$" help &&
	ayak-filter -V >version &&
	test_line_count = 3 version &&
	grep -q "^ayak-filter (ayak) 0.1.0$" version &&
	grep -q "^lexicons .* ($AYAK_TOP/bin/../lexicons)$" version
'

test_expect_success 'the default profile keeps the Malay UDHR, byte for byte where no line went' '
	ayak-filter --stats stats.json udhr.jsonl >out 2>err &&
	test_must_be_empty err &&
	test_line_count = 3 out &&
	sed -n 2p udhr.jsonl >expect &&
	sed -n 2p out >got &&
	test_cmp expect got &&
	jq -c "[.records_in, .records_out, .dropped, (.counts | with_entries(select(.value > 0)))]" stats.json >got &&
	echo "[3,3,{},{\"lines_dropped\":3,\"lines_dropped_short\":3}]" >expect &&
	test_cmp expect got
'

test_expect_success 'a record of page chrome alone is dropped as empty, its lines counted' '
	ayak-filter --stats stats.json junk.jsonl >out &&
	test_must_be_empty out &&
	jq -c "[.dropped, (.counts | with_entries(select(.value > 0)))]" stats.json >got &&
	echo "[{\"empty\":1},{}]" >expect &&
	test_cmp expect got &&
	ayak-filter --annotate junk.jsonl | jq -c "[.text, .filter.reason, .filter.lines_dropped]" >got &&
	echo "[\"\",\"empty\",{\"pattern\":1,\"boilerplate\":3,\"short\":0,\"c4\":0}]" >expect &&
	test_cmp expect got
'

test_expect_success '--stats writes every counter of the manual page, 0 or not' '
	echo "redact nombor \d{3}" >redact.txt &&
	ayak-filter -p none --rules redact.txt --stats stats.json udhr.jsonl >out &&
	jq -c .counts stats.json >got &&
	echo "{\"lines_dropped\":0,\"lines_dropped_pattern\":0,\"lines_dropped_boilerplate\":0,\"lines_dropped_short\":0,\"lines_dropped_c4\":0,\"pii_email\":0,\"pii_phone\":0,\"pii_mykad\":0,\"pii_ip\":0,\"pii_card\":0,\"pii_login\":0,\"redact:nombor\":0,\"kept_by_rule\":0,\"regex_errors\":0}" >expect &&
	test_cmp expect got
'

test_expect_success '--stats names 63 rule reasons and 63 redact rules, each kind on its own; the fixed counters stay' '
	for i in $(seq 0 69); do echo "drop d$i zz${i}zz"; done >many.txt &&
	for i in $(seq 0 69); do echo "redact x$i qq${i}qq"; done >>many.txt &&
	for i in $(seq 0 69); do echo "{\"text\":\"a zz${i}zz b qq${i}qq\"}"; done >many.jsonl &&
	ayak-filter -p none --rules many.txt --stats plain.json many.jsonl >out &&
	test_must_be_empty out &&
	jq -c "[(.dropped | length), .dropped[\"rule:d62\"], .dropped[\"rule:other\"], (.counts | length),
		([.counts | keys[] | select(startswith(\"redact:\"))] | length), .counts[\"redact:other\"],
		.counts.kept_by_rule, .counts.regex_errors]" plain.json >got &&
	echo "[64,1,7,77,64,0,0,0]" >expect &&
	test_cmp expect got &&
	ayak-filter -p none --rules many.txt --annotate --stats ann.json many.jsonl >out &&
	test_line_count = 70 out &&
	jq -c "[(.counts | length), ([.counts | keys[] | select(startswith(\"rule:\"))] | length),
		.counts[\"rule:d62\"], .counts[\"rule:other\"],
		([.counts | to_entries[] | select(.key | startswith(\"rule:\")) | .value] | add),
		([.counts | keys[] | select(startswith(\"redact:\"))] | length), .counts[\"redact:x62\"],
		.counts[\"redact:other\"], .counts.pii_login, .counts.kept_by_rule, .counts.regex_errors]" ann.json >got &&
	echo "[141,64,1,7,70,64,1,7,0,0,0]" >expect &&
	test_cmp expect got
'

test_expect_success '--annotate keeps the record and adds every value' '
	ayak-filter --profile none --annotate dup.jsonl >out &&
	cat >expect <<-\EOF &&
	{"id":1,"text":"Satu dua tiga.\nSatu dua tiga.","filter":{"decision":"keep","reason":null,"reasons":[],"lines_dropped":{"pattern":0,"boilerplate":0,"short":0,"c4":0},"values":{"words":6,"mean_word_length":3.6666666666666665,"hash_ratio":0,"ellipsis_ratio":0,"bullet_lines":0,"ellipsis_lines":0,"alpha_words":0.75,"stopwords":0,"dup_paras":0,"dup_para_chars":0,"dup_lines":0.5,"dup_line_chars":0.4827586206896552,"top_2_gram":0.5517241379310345,"top_3_gram":0.896551724137931,"top_4_gram":1.0344827586206897,"dup_5_gram":0,"dup_6_gram":0,"dup_7_gram":0,"dup_8_gram":0,"dup_9_gram":0,"dup_10_gram":0,"line_punct":1,"short_lines":1,"char_dup":0.5,"new_lines":0.125}}}
	EOF
	test_cmp expect out
'

test_expect_success '--annotate values read back as the values tested: a threshold near one decides as jq does' '
	ayak-filter --profile none --annotate --top-2-gram 0.551724 dup.jsonl |
		jq -c "[.filter.decision, .filter.values.top_2_gram > 0.551724]" >got &&
	echo "[\"drop\",true]" >expect &&
	test_cmp expect got
'

test_expect_success '--annotate lists every failing rule; --stats counts what would go' '
	ayak-filter --profile none --annotate --dup-line-frac 0.4 --top-2-gram 0.5 --char-duplicates-ratio 0.5 \
		--stats stats.json dup.jsonl | jq -c "[.filter.decision, .filter.reason, .filter.reasons]" >got &&
	echo "[\"drop\",\"dup_lines\",[\"dup_lines\",\"top_2_gram\",\"char_dup\"]]" >expect &&
	test_cmp expect got &&
	jq -c "[.records_out, .dropped, (.counts | with_entries(select(.value > 0)))]" stats.json >got &&
	echo "[1,{},{\"dup_lines\":1}]" >expect &&
	test_cmp expect got
'

test_expect_success '--rejects writes each dropped record with its reason, value and threshold' '
	cat udhr.jsonl dup.jsonl >in.jsonl &&
	ayak-filter --profile none --dup-line-frac 0.4 --rejects rej.jsonl in.jsonl >out &&
	test_cmp udhr.jsonl out &&
	cat >expect <<-\EOF &&
	{"reject":{"program":"ayak-filter","reason":"dup_lines","value":0.5,"threshold":0.4,"file":"in.jsonl","line":4},"raw":"{\"id\":1,\"text\":\"Satu dua tiga.\\nSatu dua tiga.\"}"}
	EOF
	test_cmp expect rej.jsonl
'

test_expect_success '--rejects: the value as --annotate writes it, the threshold as given' '
	ayak-filter --profile none --min-doc-words 1234567 --max-avg-word-length 3.6666 \
		--rejects rej.jsonl dup.jsonl >out &&
	test_must_be_empty out &&
	jq -c ".reject | [.reason, .value, .threshold]" rej.jsonl >got &&
	echo "[\"too_few_words\",6,1234567]" >expect &&
	test_cmp expect got &&
	ayak-filter --profile none --max-avg-word-length 3.6666 --rejects rej.jsonl dup.jsonl >out &&
	grep -o "\"value\":[^}]*}" rej.jsonl >got &&
	echo "\"value\":3.6666666666666665,\"threshold\":3.6666," | sed "s/,\$/,\"file\":\"dup.jsonl\",\"line\":1}/" >expect &&
	test_cmp expect got
'

test_expect_success 'malformed records: fail with file and line, or skip into the rejects' '
	printf "%s\n" "{\"text\":\"a\"}" "{\"text\":\"b\"" "{\"id\":2}" "{\"text\":7}" >bad.jsonl &&
	test_expect_code 1 ayak-filter --profile none bad.jsonl >out 2>err &&
	echo "ayak-filter: bad.jsonl:2: malformed record: unexpected end of line at column 12" >expect &&
	test_cmp expect err &&
	ayak-filter --profile none --on-error skip --rejects rej.jsonl bad.jsonl >out 2>err &&
	cat >expect <<-\EOF &&
	ayak-filter: bad.jsonl:2: malformed record: unexpected end of line at column 12
	ayak-filter: bad.jsonl:3: missing field "text"
	ayak-filter: bad.jsonl:4: field "text" is not a string
	ayak-filter: skipped 3 malformed records
	EOF
	test_cmp expect err &&
	jq -c ".reject | [.reason, .error, .line]" rej.jsonl >got &&
	cat >expect <<-\EOF &&
	["malformed","unexpected end of line at column 12",2]
	["malformed","missing field \"text\"",3]
	["malformed","field \"text\" is not a string",4]
	EOF
	test_cmp expect got
'

test_expect_success '--field names the text field; other fields pass byte for byte' '
	printf "%s\n" "{\"body\":\"Iklan\\nAyat ini cukup panjang.\", \"text\" : 1 , \"n\":[1,2]}" >f.jsonl &&
	ayak-filter --profile none --line-cleanup --line-min-words 3 --field body f.jsonl >out &&
	printf "%s\n" "{\"body\":\"Ayat ini cukup panjang.\", \"text\" : 1 , \"n\":[1,2]}" >expect &&
	test_cmp expect out
'

test_expect_success '--field or --url-field filter with --annotate is a usage error: it would be written over' '
	printf "%s\n" "{\"filter\":\"Ali dan Abu pergi ke pasar yang besar itu.\"}" >ff.jsonl &&
	test_expect_code 2 ayak-filter --profile none --field filter --annotate ff.jsonl >out 2>err &&
	test_must_be_empty out &&
	printf "%s\n" "ayak-filter: --field filter: ayak-filter --annotate writes that field" "$TRY" >expect &&
	test_cmp expect err &&
	test_expect_code 2 ayak-filter --profile none --url-field filter --annotate udhr.jsonl >out 2>err &&
	test_must_be_empty out &&
	printf "%s\n" "ayak-filter: --url-field filter: ayak-filter --annotate writes that field" "$TRY" >expect &&
	test_cmp expect err &&
	ayak-filter --profile none --field filter ff.jsonl >out &&
	test_cmp ff.jsonl out &&
	ayak-filter --profile none --field filter --url-field filter ff.jsonl >out &&
	test_cmp ff.jsonl out
'

test_expect_success 'an empty or blank text is dropped as empty' '
	printf "%s\n" "{\"text\":\"\"}" "{\"text\":\" \\n\\t \"}" >e.jsonl &&
	ayak-filter --profile none --stats stats.json e.jsonl >out &&
	test_must_be_empty out &&
	jq -c .dropped stats.json >got &&
	echo "{\"empty\":2}" >expect &&
	test_cmp expect got
'

# ---- profiles ----

test_expect_success '--show-profile with -o, --stats or --rejects is a usage error, and writes nothing' '
	test_expect_code 2 ayak-filter --show-profile -o sp.txt >out 2>err &&
	printf "%s\n" "ayak-filter: -o does not go with --show-profile (it writes to standard output)" \
		"Try '"'"'ayak-filter --help'"'"'." >expect &&
	test_cmp expect err &&
	test_must_be_empty out &&
	test_expect_code 2 ayak-filter --show-profile --stats sp.json 2>err &&
	grep -q "^ayak-filter: --stats does not go with --show-profile (it reads no records)$" err &&
	test_expect_code 2 ayak-filter --show-profile --rejects sp.rej 2>err &&
	grep -q "^ayak-filter: --rejects does not go with --show-profile" err &&
	test_path_is_missing sp.txt &&
	test_path_is_missing sp.json &&
	test_path_is_missing sp.rej
'

# The rejects file of --annotate stayed empty: nothing is dropped.
test_expect_success '--rejects with --annotate goes with --on-error skip' '
	echo "{\"text\":\"x\"}" >ann.jsonl &&
	test_expect_code 2 ayak-filter --annotate --rejects ann-rej.jsonl ann.jsonl >out 2>err &&
	grep -qx "ayak-filter: --rejects with --annotate goes with --on-error skip (--annotate drops no record)" err &&
	test_path_is_missing ann-rej.jsonl &&
	ayak-filter --annotate --on-error skip --rejects ann-rej.jsonl ann.jsonl >out &&
	test_line_count = 1 out
'

# These were taken and did nothing, a missing input file too (exit 0).
test_expect_success '--show-profile refuses the options only records use, and files' '
	for o in --annotate --redact-pii "--url-field link" "--field body" "--on-error skip" \
		 "--max-errors 3"; do
		test_expect_code 2 ayak-filter --show-profile $o >out 2>err &&
		printf "%s\n" "ayak-filter: ${o%% *} does not go with --show-profile (it reads no records)" \
			"Try '"'"'ayak-filter --help'"'"'." >expect &&
		test_cmp expect err &&
		test_must_be_empty out || return 1
	done &&
	test_expect_code 2 ayak-filter --show-profile --level 9 2>err &&
	grep -qx "ayak-filter: -z, --compress and --level do not go with --show-profile" err &&
	test_expect_code 2 ayak-filter --show-profile /nonexistent.jsonl 2>err &&
	grep -qx "ayak-filter: --show-profile reads no files, not '"'"'/nonexistent.jsonl'"'"'" err &&
	ayak-filter --show-profile -p none --min-doc-words 3 >out &&
	grep -q "min_doc_words" out
'

test_expect_success '--show-profile on a full disk: a write error on standard output, exit 3' '
	test_expect_code 3 ayak-filter --show-profile >/dev/full 2>err &&
	echo "ayak-filter: write error on standard output: No space left on device" >expect &&
	test_cmp expect err
'

test_expect_success '--show-profile: the zsm_Latn profile has FineWeb-2 zsm_Latn thresholds' '
	ayak-filter --show-profile | sed "s|$AYAK_TOP/bin/../lexicons/filter/||g" >got &&
	cat >expect <<-\EOF &&
	# profile: zsm_Latn.profile
	min_doc_words = 50
	max_doc_words = 100000
	min_avg_word_length = 3
	max_avg_word_length = 11
	max_symbol_word_ratio = 0.1
	max_bullet_lines_ratio = 0.9
	max_ellipsis_lines_ratio = 0.3
	max_non_alpha_words_ratio = 0.808
	min_stop_words = 2
	dup_line_frac = 0.331
	dup_para_frac = off
	dup_line_char_frac = off
	dup_para_char_frac = off
	top_2_gram = 0.264
	top_3_gram = 0.252
	top_4_gram = 0.225
	dup_5_gram = 0.185
	dup_6_gram = 0.176
	dup_7_gram = 0.166
	dup_8_gram = 0.156
	dup_9_gram = 0.145
	dup_10_gram = 0.134
	line_punct_thr = 0.125
	line_punct_exclude_zero = off
	short_line_thr = off
	short_line_length = 30
	char_duplicates_ratio = 0.1
	new_line_ratio = 0.214
	c4 = off
	c4_min_sentences = 5
	c4_min_words_per_line = 3
	c4_max_word_length = 1000
	c4_terminal_punct = on
	c4_citations = on
	c4_lorem_ipsum = on
	c4_javascript = on
	c4_curly_bracket = on
	c4_policy = on
	line_cleanup = on
	line_min_words = 3
	boilerplate_max_chars = 200
	stopwords = stopwords-zsm_Latn.txt
	boilerplate = boilerplate-ms.tsv boilerplate-en.tsv
	rules = rules-default.txt
	blocklist =
	EOF
	test_cmp expect got
'

test_expect_success 'ind_Latn and eng_Latn profiles; options override the profile in order' '
	ayak-filter -p ind_Latn --show-profile >ind &&
	grep -x "dup_line_frac = 0.241" ind &&
	grep -x "max_avg_word_length = 12" ind &&
	grep -x "new_line_ratio = 0.157" ind &&
	ayak-filter --profile eng_Latn --show-profile >eng &&
	grep -x "c4 = on" eng &&
	grep -x "c4_terminal_punct = off" eng &&
	grep -x "char_duplicates_ratio = 0.01" eng &&
	: >x.txt &&
	ayak-filter --dup-line-frac off --profile eng_Latn --dup-5-gram 0.5 --c4=off --rules none \
		--rules x.txt --show-profile >mix &&
	grep -x "dup_line_frac = off" mix &&
	grep -x "dup_5_gram = 0.5" mix &&
	grep -x "c4 = off" mix &&
	grep -x "rules = x.txt" mix
'

test_expect_success 'a profile file: keys, comments, files relative to it; errors name file and line' '
	mkdir prof &&
	cat >prof/my.profile <<-\EOF &&
	# my profile
	dup_line_frac = 0.4   # trailing comment
	min-doc-words=3
	stopwords = sw.txt
	EOF
	echo dan >prof/sw.txt &&
	ayak-filter --profile prof/my.profile --show-profile >got &&
	grep -x "dup_line_frac = 0.4" got &&
	grep -x "min_doc_words = 3" got &&
	grep -x "stopwords = prof/sw.txt" got &&
	grep -x "top_2_gram = off" got &&
	printf "dup_line_frac = 0.4\n\nfoo = 1\n" >prof/bad.profile &&
	test_expect_code 2 ayak-filter --profile prof/bad.profile </dev/null 2>err &&
	printf "%s\n" "ayak-filter: prof/bad.profile:3: unknown key '"'"'foo'"'"'" "$TRY" >expect &&
	test_cmp expect err &&
	printf "min_doc_words = 5.5\n" >prof/bad2.profile &&
	test_expect_code 2 ayak-filter --profile prof/bad2.profile </dev/null 2>err &&
	printf "%s\n" "ayak-filter: prof/bad2.profile:1: min_doc_words wants a whole number or off, not '"'"'5.5'"'"'" "$TRY" >expect &&
	test_cmp expect err &&
	printf "dup_line_frac\n" >prof/bad3.profile &&
	test_expect_code 2 ayak-filter --profile prof/bad3.profile </dev/null 2>err &&
	printf "%s\n" "ayak-filter: prof/bad3.profile:1: expected '"'"'key = value'"'"'" "$TRY" >expect &&
	test_cmp expect err &&
	printf "min_doc_words = 5\nrules = a.txt\n\nmin-doc-words = 7\n" >prof/bad4.profile &&
	test_expect_code 2 ayak-filter --profile prof/bad4.profile </dev/null 2>err &&
	printf "%s\n" "ayak-filter: prof/bad4.profile:4: key '"'"'min-doc-words'"'"' set twice (first at line 1)" "$TRY" >expect &&
	test_cmp expect err &&
	printf "rules = a.txt\nrules = b.txt\n" >prof/bad5.profile &&
	test_expect_code 2 ayak-filter --profile prof/bad5.profile </dev/null 2>err &&
	printf "%s\n" "ayak-filter: prof/bad5.profile:2: key '"'"'rules'"'"' set twice (first at line 1)" "$TRY" >expect &&
	test_cmp expect err
'

test_expect_success 'a profile names one stopword file: two are a usage error, not the last taken' '
	echo di >prof/sw2.txt &&
	printf "stopwords = sw.txt sw2.txt\n" >prof/two.profile &&
	test_expect_code 2 ayak-filter --profile prof/two.profile --show-profile >out 2>err &&
	test_must_be_empty out &&
	printf "%s\n" "ayak-filter: prof/two.profile:1: stopwords names one file, not '"'"'sw.txt sw2.txt'"'"'" "$TRY" >expect &&
	test_cmp expect err &&
	printf "stopwords = sw.txt\nboilerplate = a.tsv b.tsv\n" >prof/lists.profile &&
	: >prof/a.tsv && : >prof/b.tsv &&
	ayak-filter --profile prof/lists.profile --show-profile >got &&
	grep -x "stopwords = prof/sw.txt" got &&
	grep -x "boilerplate = prof/a.tsv prof/b.tsv" got
'

test_expect_success 'an unknown profile, a missing profile file, a missing stopword file' '
	test_expect_code 2 ayak-filter --profile zsm </dev/null 2>err &&
	printf "%s\n" "ayak-filter: unknown profile '"'"'zsm'"'"' (no $AYAK_TOP/bin/../lexicons/filter/zsm.profile)" "$TRY" >expect &&
	test_cmp expect err &&
	test_expect_code 3 ayak-filter --profile ./nope.profile </dev/null 2>err &&
	echo "ayak-filter: ./nope.profile: No such file or directory" >expect &&
	test_cmp expect err &&
	test_expect_code 3 ayak-filter --stopwords nope.txt </dev/null 2>err &&
	echo "ayak-filter: nope.txt: No such file or directory" >expect &&
	test_cmp expect err &&
	test_expect_code 3 ayak-filter --stopwords nope.txt --show-profile >out 2>err &&
	test_must_be_empty out &&
	test_cmp expect err &&
	echo "stopwords = nope.txt" >nosw.profile &&
	test_expect_code 3 ayak-filter -p ./nosw.profile --show-profile >out 2>err &&
	test_must_be_empty out &&
	echo "ayak-filter: ./nope.txt: No such file or directory" >expect &&
	test_cmp expect err
'

test_expect_success 'bad threshold values are usage errors' '
	test_expect_code 2 ayak-filter --dup-line-frac x </dev/null 2>err &&
	cat >expect <<-\EOF &&
	ayak-filter: dup_line_frac wants a number like 0.25 or off, not '"'"'x'"'"'
	Try '"'"'ayak-filter --help'"'"'.
	EOF
	test_cmp expect err &&
	test_expect_code 2 ayak-filter --dup-line-frac 5 </dev/null 2>err &&
	echo "ayak-filter: dup_line_frac is a share: it wants a number from 0 to 1 or off, not '"'"'5'"'"'" >expect &&
	head -n 1 err >got &&
	test_cmp expect got &&
	test_expect_code 2 ayak-filter --min-doc-words 99999999999999999999 </dev/null 2>err &&
	echo "ayak-filter: min_doc_words wants a whole number up to 4294967295 or off, not '"'"'99999999999999999999'"'"'" >expect &&
	head -n 1 err >got &&
	test_cmp expect got &&
	ayak-filter --dup-line-frac 0.5 --min-doc-words 4294967295 --new-line-ratio 5 --top-2-gram 1.5 \
		--show-profile >got &&
	grep -x "dup_line_frac = 0.5" got &&
	grep -x "min_doc_words = 4294967295" got &&
	grep -x "new_line_ratio = 5" got &&
	grep -x "top_2_gram = 1.5" got &&
	test_expect_code 2 ayak-filter --dup-line-frac 1.5 </dev/null 2>err &&
	test_expect_code 2 ayak-filter --dup-line-frac .5 </dev/null 2>err &&
	test_expect_code 2 ayak-filter --dup-line-frac -1 </dev/null 2>err &&
	test_expect_code 2 ayak-filter --dup-line-frac nan </dev/null 2>err &&
	test_expect_code 2 ayak-filter --dup-line-frac 1e3 </dev/null 2>err &&
	test_expect_code 2 ayak-filter --c4=yes </dev/null 2>err &&
	echo "ayak-filter: c4 wants on or off, not '"'"'yes'"'"'" >expect &&
	head -n 1 err >got &&
	test_cmp expect got
'

test_expect_success 'threshold values of any length: 24 characters and more are numbers too' '
	ayak-filter --dup-line-frac 0.3333333333333333333333333 --min-doc-words 000000000000000000000000050 \
		--top-2-gram 0000000000000000000000000000001.5 --show-profile >got &&
	grep -x "dup_line_frac = 0.3333333333333333" got &&
	grep -x "min_doc_words = 50" got &&
	grep -x "top_2_gram = 1.5" got &&
	big=1$(printf "%0400d" 0) &&
	test_expect_code 2 ayak-filter --top-2-gram $big </dev/null 2>err &&
	echo "ayak-filter: top_2_gram wants a number up to 1e308 or off, not '"'"'$big'"'"'" >expect &&
	head -n 1 err | cut -c 1-120 >got &&
	cut -c 1-120 expect >want &&
	test_cmp want got &&
	test_expect_code 2 ayak-filter --dup-line-frac $big </dev/null 2>err &&
	grep -q "^ayak-filter: dup_line_frac is a share: it wants a number from 0 to 1 or off" err &&
	test_expect_code 2 ayak-filter --min-doc-words $big </dev/null 2>err &&
	grep -q "^ayak-filter: min_doc_words wants a whole number up to 4294967295 or off" err
'

test_expect_success 'thresholds are shown with the digits that read back as them: --show-profile, --rejects' '
	printf "%s\n" "{\"text\":\"satu dua\\nsatu dua\\nsatu dua\"}" >third.jsonl &&
	ayak-filter --profile none --dup-line-frac 0.6666666666666665 --rejects rej.jsonl third.jsonl >out &&
	test_must_be_empty out &&
	grep -o "\"reason\":\"dup_lines\",\"value\":0.6666666666666666,\"threshold\":0.6666666666666665," rej.jsonl &&
	ayak-filter --profile none --dup-line-frac 0.6666666666666665 --top-2-gram 0.00001 \
		--top-3-gram 0.3333333333333334 --show-profile >shown &&
	grep -e "^dup_line_frac " -e "^top_" shown >got &&
	cat >expect <<-\EOF &&
	dup_line_frac = 0.6666666666666665
	top_2_gram = 0.00001
	top_3_gram = 0.3333333333333334
	top_4_gram = off
	EOF
	test_cmp expect got &&
	cp shown shown.profile &&
	ayak-filter --profile ./shown.profile --show-profile >again &&
	sed 1d shown >expect &&
	sed 1d again >got &&
	test_cmp expect got
'

test_expect_success 'a number above 0 too small to tell from 0 is refused, and a share written above 1' '
	tiny=0.$(printf "%0331d" 1) &&
	test_expect_code 2 ayak-filter --profile none --dup-line-frac $tiny </dev/null 2>err &&
	echo "ayak-filter: dup_line_frac: '"'"'$tiny'"'"' is above 0 but too small to tell from 0; write 0 if that is meant" >expect &&
	head -n 1 err >got &&
	test_cmp expect got &&
	test_expect_code 2 ayak-filter --profile none --min-avg-word-length $tiny </dev/null 2>err &&
	grep -q "^ayak-filter: min_avg_word_length: .* is above 0 but too small to tell from 0" err &&
	printf "top_2_gram = %s\n" $tiny >tiny.profile &&
	test_expect_code 2 ayak-filter --profile ./tiny.profile </dev/null 2>err &&
	grep -q "^ayak-filter: ./tiny.profile:1: top_2_gram: .* is above 0 but too small to tell from 0" err &&
	test_expect_code 2 ayak-filter --profile none --dup-line-frac 1.0000000000000000001 </dev/null 2>err &&
	echo "ayak-filter: dup_line_frac is a share: it wants a number from 0 to 1 or off, not '"'"'1.0000000000000000001'"'"'" >expect &&
	head -n 1 err >got &&
	test_cmp expect got &&
	ayak-filter --profile none --dup-line-frac 01.0000000000000000000 --dup-para-frac 0.$(printf "%0323d" 1) \
		--char-duplicates-ratio 0.00000000000000000000 --show-profile >got &&
	grep -x "dup_line_frac = 1" got &&
	grep -x "dup_para_frac = 0.$(printf "%0323d" 1)" got &&
	grep -x "char_duplicates_ratio = 0" got
'

# ---- pattern rules ----

test_expect_success 'AYAK_LEXICONS set to no directory is exit 3, even with -p none' '
	AYAK_LEXICONS=$PWD/nonexist test_expect_code 3 ayak-filter -p none udhr.jsonl >out 2>err &&
	test_must_be_empty out &&
	echo "ayak-filter: AYAK_LEXICONS=$PWD/nonexist: not a directory" >expect &&
	test_cmp expect err
'

test_expect_success 'a switch value given apart is a usage error, unless it is a file' '
	test_expect_code 2 ayak-filter --c4 off udhr.jsonl >out 2>err &&
	test_must_be_empty out &&
	cat >expect <<-\EOF &&
	ayak-filter: --c4 takes its value after '"'"'='"'"': use --c4=off
	Try '"'"'ayak-filter --help'"'"'.
	EOF
	test_cmp expect err &&
	test_expect_code 2 ayak-filter --redact-pii email,phone udhr.jsonl >out 2>err &&
	echo "ayak-filter: --redact-pii takes its value after '"'"'='"'"': use --redact-pii=email,phone" >expect &&
	head -n 1 err >got &&
	test_cmp expect got &&
	cp udhr.jsonl off &&
	ayak-filter -p none --line-cleanup off >out &&
	test_cmp udhr.jsonl out
'

test_expect_success 'rule files: bad lines are usage errors with file and line' '
	check_rule () {
		printf "# rules\n%s\n" "$1" >r.txt &&
		test_expect_code 2 ayak-filter --rules r.txt </dev/null 2>err &&
		printf "%s\n" "ayak-filter: r.txt:2: $2" "$TRY" >expect &&
		test_cmp expect err
	} &&
	check_rule "dorp spam x" "unknown action '"'"'dorp'"'"' (keep, drop or redact, with :text, :url, :domain or :line)" &&
	check_rule "redact:url u x" "redact works on the text only, not '"'"'redact:url'"'"'" &&
	check_rule "drop" "missing rule name and regular expression" &&
	check_rule "drop spam" "rule '"'"'spam'"'"' has no regular expression" &&
	check_rule "drop sp/am x" "bad rule name '"'"'sp/am'"'"' (letters, digits, '"'"'_'"'"', '"'"'-'"'"' and '"'"'.'"'"', at most 64)" &&
	check_rule "drop spam (ab" "bad regular expression for rule '"'"'spam'"'"': missing closing parenthesis at offset 3" &&
	printf "drop a x\n" >r1.txt &&
	printf "\n\ndrop a y\n" >r2.txt &&
	test_expect_code 2 ayak-filter --rules r1.txt --rules r2.txt </dev/null 2>err &&
	printf "%s\n" "ayak-filter: r2.txt:3: rule '"'"'a'"'"' is defined twice (first at r1.txt:1)" "$TRY" >expect &&
	test_cmp expect err &&
	printf "drop:line a ^x\\000y\n" >r3.txt &&
	test_expect_code 2 ayak-filter --rules r3.txt </dev/null 2>err &&
	printf "%s\n" "ayak-filter: r3.txt:1: NUL byte in the line" "$TRY" >expect &&
	test_cmp expect err
'

test_expect_success 'drop, drop:url and drop:domain rules name the rule in the reason' '
	cat >rules.txt <<-\EOF &&
	# test rules
	drop        judi     (?i)\b(judi|casino)\b
	drop:url    admin    /wp-admin/
	drop:domain spam     (^|\.)spam\.example$
	EOF
	printf "%s\n" \
		"{\"id\":1,\"url\":\"https://a.my/x\",\"text\":\"Main CASINO sekarang.\"}" \
		"{\"id\":2,\"url\":\"https://a.my/wp-admin/x\",\"text\":\"Teks biasa.\"}" \
		"{\"id\":3,\"url\":\"http://user@WWW.Spam.Example.:8080/p\",\"text\":\"Teks biasa.\"}" \
		"{\"id\":4,\"url\":\"https://a.my/ok\",\"text\":\"Teks biasa.\"}" \
		"{\"id\":5,\"text\":\"Teks biasa tanpa url.\"}" >in.jsonl &&
	ayak-filter --profile none --rules rules.txt --stats stats.json --rejects rej.jsonl in.jsonl >out &&
	jq -c .id out >got &&
	printf "4\n5\n" >expect &&
	test_cmp expect got &&
	jq -c .dropped stats.json >got &&
	echo "{\"rule:judi\":1,\"rule:admin\":1,\"rule:spam\":1}" >expect &&
	test_cmp expect got &&
	jq -r ".reject.reason" rej.jsonl >got &&
	test_write_lines rule:judi rule:admin rule:spam >expect &&
	test_cmp expect got
'

test_expect_success 'keep rules win over drop rules, the blocklist and the quality rules' '
	cat >rules.txt <<-\EOF &&
	keep:domain gov   \.gov\.my$
	keep        sajak (?m)^Sajak:
	drop        judi  judi
	EOF
	printf "%s\n" "# blocked" "jpn.gov.my" >block.txt &&
	printf "%s\n" \
		"{\"id\":1,\"url\":\"https://www.jpn.gov.my/\",\"text\":\"Judi judi judi judi.\"}" \
		"{\"id\":2,\"text\":\"Sajak:\\nAku\\nIni\"}" \
		"{\"id\":3,\"text\":\"Aku\\nIni\"}" >in.jsonl &&
	ayak-filter --profile none --min-doc-words 5 --rules rules.txt --blocklist block.txt \
		--stats stats.json in.jsonl >out &&
	jq -c .id out >got &&
	printf "1\n2\n" >expect &&
	test_cmp expect got &&
	jq -c "[.dropped, (.counts | with_entries(select(.value > 0)))]" stats.json >got &&
	echo "[{\"too_few_words\":1},{\"kept_by_rule\":2}]" >expect &&
	test_cmp expect got &&
	ayak-filter --profile none --min-doc-words 5 --rules rules.txt --annotate in.jsonl |
		jq -c "[.filter.decision, .filter.kept_by, .filter.reasons]" >got &&
	cat >expect <<-\EOF &&
	["keep","gov",["rule:judi","too_few_words"]]
	["keep","sajak",["too_few_words"]]
	["drop",null,["too_few_words"]]
	EOF
	test_cmp expect got
'

test_expect_success 'a keep rule on the text comes after the blocklist and URL rules; --annotate agrees' '
	cat >rules.txt <<-\EOF &&
	keep     sajak (?m)^Sajak:
	drop:url iklan /iklan/
	EOF
	printf "%s\n" judi.example >block.txt &&
	printf "%s\n" \
		"{\"id\":1,\"url\":\"https://judi.example/\",\"text\":\"Sajak:\\nAku\"}" \
		"{\"id\":2,\"url\":\"https://contoh.my/iklan/\",\"text\":\"Sajak:\\nAku\"}" \
		"{\"id\":3,\"url\":\"https://contoh.my/\",\"text\":\"Sajak:\\nAku\"}" >in.jsonl &&
	ayak-filter --profile none --c4 --rules rules.txt --blocklist block.txt --stats stats.json in.jsonl >out &&
	sed -n 3p in.jsonl >expect &&
	test_cmp expect out &&
	jq -c .dropped stats.json >got &&
	echo "{\"blocklist\":1,\"rule:iklan\":1}" >expect &&
	test_cmp expect got &&
	ayak-filter --profile none --c4 --rules rules.txt --blocklist block.txt --annotate in.jsonl |
		jq -c "[.filter.decision, .filter.reason, .filter.kept_by]" >got &&
	cat >expect <<-\EOF &&
	["drop","blocklist",null]
	["drop","rule:iklan",null]
	["keep",null,"sajak"]
	EOF
	test_cmp expect got &&
	ayak-filter --profile none --c4 --rules rules.txt --annotate in.jsonl | sed -n 3p |
		jq -c "[.text, .filter.decision, .filter.reasons, .filter.lines_dropped.c4]" >got &&
	echo "[\"Sajak:\\nAku\",\"keep\",[\"c4_few_sentences\"],0]" >expect &&
	test_cmp expect got
'

test_expect_success 'a record a rule keeps but line cleanup empties: empty, with --annotate too' '
	printf "%s\n" "keep:url ok contoh" >rules.txt &&
	printf "%s\n" judi.example >block.txt &&
	printf "%s\n" "{\"url\":\"https://judi.example/contoh\",\"text\":\"Iklan\"}" >in.jsonl &&
	ayak-filter --rules rules.txt --blocklist block.txt --stats stats.json in.jsonl >out &&
	test_must_be_empty out &&
	jq -c .dropped stats.json >got &&
	echo "{\"empty\":1}" >expect &&
	test_cmp expect got &&
	ayak-filter --rules rules.txt --blocklist block.txt --annotate in.jsonl |
		jq -c "[.filter.decision, .filter.reason, .filter.reasons]" >got &&
	echo "[\"drop\",\"empty\",[\"blocklist\",\"empty\"]]" >expect &&
	test_cmp expect got
'

test_expect_success 'redact rules replace matches with <NAME> in the records kept, counted per rule' '
	cat >rules.txt <<-\EOF &&
	redact URL   https?://\S+
	redact NOMBOR \b\d{4}\b
	EOF
	printf "%s\n" "{\"text\":\"Lihat https://a.my/x dan https://b.my pada 2024.\"}" >in.jsonl &&
	ayak-filter --profile none --rules rules.txt --stats stats.json in.jsonl | jq -r .text >got &&
	echo "Lihat <URL> dan <URL> pada <NOMBOR>." >expect &&
	test_cmp expect got &&
	jq -c ".counts | with_entries(select(.value > 0))" stats.json >got &&
	echo "{\"redact:URL\":2,\"redact:NOMBOR\":1}" >expect &&
	test_cmp expect got
'

test_expect_success 'the blocklist blocks a domain and those under it; hosts-file lines work' '
	cat >block.txt <<-\EOF &&
	# a blocklist
	judi.example
	*.spam.test
	0.0.0.0 ads.contoh.my   # hosts file
	https://bad.example/path
	EOF
	printf "%s\n" \
		"{\"id\":1,\"url\":\"https://judi.example/\",\"text\":\"a\"}" \
		"{\"id\":2,\"url\":\"https://m.judi.example/x\",\"text\":\"a\"}" \
		"{\"id\":3,\"url\":\"https://notjudi.example/\",\"text\":\"a\"}" \
		"{\"id\":4,\"url\":\"https://x.spam.test\",\"text\":\"a\"}" \
		"{\"id\":5,\"url\":\"https://ads.contoh.my:443/\",\"text\":\"a\"}" \
		"{\"id\":6,\"url\":\"https://contoh.my/\",\"text\":\"a\"}" \
		"{\"id\":7,\"url\":\"https://bad.example/\",\"text\":\"a\"}" \
		"{\"id\":8,\"url\":7,\"text\":\"a\"}" >in.jsonl &&
	ayak-filter --profile none --blocklist block.txt --stats stats.json in.jsonl | jq -c .id >got &&
	printf "3\n6\n8\n" >expect &&
	test_cmp expect got &&
	jq -c .dropped stats.json >got &&
	echo "{\"blocklist\":5}" >expect &&
	test_cmp expect got
'

test_expect_success 'hosts-file lines block every name after the address, IPv4 or IPv6' '
	cat >block.txt <<-\EOF &&
	0.0.0.0 a.example b.example
	::1	c.example   # IPv6
	127.0.0.1 d.example
	EOF
	for h in a b c d e
	do
		printf "{\"id\":\"%s\",\"url\":\"https://%s.example/\",\"text\":\"a\"}\n" $h $h || return 1
	done >in.jsonl &&
	ayak-filter --profile none --blocklist block.txt in.jsonl | jq -r .id >got &&
	echo e >expect &&
	test_cmp expect got
'

test_expect_success 'blocklist names outside ASCII match their IDNA form, either way round' '
	printf "b\303\274cher.example\nxn--caf-dma.example\n" >block.txt &&
	printf "{\"id\":%s,\"url\":\"%s\",\"text\":\"a\"}\n" \
		1 "https://xn--bcher-kva.example/" \
		2 "https://B\\u00dcCHER.example/" \
		3 "https://www.b\\u00fccher.example/" \
		4 "https://caf\\u00e9.example/" \
		5 "https://cafe.example/" \
		6 "https://xn--zz.example/" >in.jsonl &&
	ayak-filter --profile none --blocklist block.txt in.jsonl | jq -c .id >got &&
	printf "5\n6\n" >expect &&
	test_cmp expect got
'

test_expect_success 'percent-escapes in a host are decoded before the blocklist and domain rules, as browsers do' '
	printf "evil.example\nb\303\274cher.example\n" >block.txt &&
	echo "drop:domain bad ^bad[.]example\$" >rules.txt &&
	printf "{\"id\":%s,\"url\":\"%s\",\"text\":\"a\"}\n" \
		1 "http://%65vil.example/" \
		2 "http://EVIL%2eexample/" \
		3 "http://user@%45VIL.example%2E:80/x" \
		4 "http://b%C3%BCcher.example/" \
		5 "http://%62ad.example/" \
		6 "http://evil%2Fexample/" \
		7 "http://evil.ex%00ample/" \
		8 "http://evil.example%zz/" \
		9 "http://%65vil.example.org/" >in.jsonl &&
	ayak-filter --profile none --blocklist block.txt --rules rules.txt in.jsonl | jq -c .id >got &&
	printf "6\n7\n8\n9\n" >expect &&
	test_cmp expect got
'

test_expect_success 'a blocklist line of two names without an address is a usage error with file and line' '
	printf "%s\n" "a.example" "b.example c.example" >block.txt &&
	test_expect_code 2 ayak-filter --blocklist block.txt in.jsonl >out 2>err &&
	test_must_be_empty out &&
	cat >expect <<-EOF &&
	ayak-filter: block.txt:2: one domain per line, or an address and names as in a hosts file, not '"'"'b.example c.example'"'"'
	$TRY
	EOF
	test_cmp expect err
'

test_expect_success 'URLs without a scheme: a host only where the first segment reads as one (as ayak-stats)' '
	printf "%s\n" localhost judi >block.txt &&
	printf "%s\n" \
		"{\"id\":1,\"url\":\"localhost:8080/x\",\"text\":\"a\"}" \
		"{\"id\":2,\"url\":\"//localhost/x\",\"text\":\"a\"}" \
		"{\"id\":3,\"url\":\"judi/index.html\",\"text\":\"a\"}" \
		"{\"id\":4,\"url\":\"mailto:ali@judi\",\"text\":\"a\"}" \
		"{\"id\":5,\"url\":\"http://JUDI./a\",\"text\":\"a\"}" >in.jsonl &&
	ayak-filter --profile none --blocklist block.txt in.jsonl | jq -c .id >got &&
	printf "3\n4\n" >expect &&
	test_cmp expect got
'

test_expect_success '--url-field names the URL field' '
	printf "judi.example\n" >block.txt &&
	printf "%s\n" "{\"link\":\"https://judi.example/\",\"text\":\"a\"}" >in.jsonl &&
	ayak-filter --profile none --blocklist block.txt in.jsonl >out &&
	test_cmp in.jsonl out &&
	ayak-filter --profile none --blocklist block.txt --url-field link in.jsonl >out &&
	test_must_be_empty out
'

# ---- line cleanup ----

test_expect_success 'boilerplate lexicons: line, prefix and suffix entries, case and punctuation aside' '
	cat >bp.tsv <<-\EOF &&
	# test lexicon
	line	tinggalkan komen
	prefix	baca juga
	suffix	hak cipta terpelihara
	EOF
	printf "%s\n" "{\"text\":\"Ayat pertama yang cukup panjang.\\n  TINGGALKAN   Komen!\\nBaca juga: Tajuk lain di sini\\nBacaan juga penting untuk semua orang.\\nUtusan Malaysia. Hak Cipta Terpelihara.\\nAyat terakhir yang cukup panjang.\"}" >in.jsonl &&
	ayak-filter --profile none --line-cleanup --boilerplate bp.tsv --boilerplate-max-chars 200 \
		--stats stats.json in.jsonl | jq -r .text >got &&
	test_write_lines "Ayat pertama yang cukup panjang." "Bacaan juga penting untuk semua orang." \
		"Ayat terakhir yang cukup panjang." >expect &&
	test_cmp expect got &&
	jq -c ".counts | with_entries(select(.value > 0))" stats.json >got &&
	echo "{\"lines_dropped\":3,\"lines_dropped_boilerplate\":3}" >expect &&
	test_cmp expect got
'

test_expect_success 'a boilerplate lexicon of suffix entries alone is looked up too' '
	printf "suffix\tsemua hak cipta terpelihara\n" >suf.tsv &&
	printf "%s\n" "{\"text\":\"Ali dan Abu pergi ke pasar yang besar itu.\\n2024 Syarikat Contoh semua hak cipta terpelihara\\nMereka membeli ikan yang segar di pasar.\"}" >suf.jsonl &&
	ayak-filter --boilerplate none --boilerplate suf.tsv --rules none --annotate suf.jsonl |
		jq -c "[.text, .filter.lines_dropped.boilerplate]" >got &&
	echo "[\"Ali dan Abu pergi ke pasar yang besar itu.\\nMereka membeli ikan yang segar di pasar.\",1]" >expect &&
	test_cmp expect got
'

test_expect_success '--boilerplate where the lookup is off is a usage error that names what it needs' '
	printf "line\tfoo bar baz\n" >bp7.tsv &&
	printf "%s\n" "{\"text\":\"satu dua tiga.\\nfoo bar baz\\nempat lima enam.\"}" >bp7.jsonl &&
	test_expect_code 2 ayak-filter --profile none --line-cleanup --line-min-words 0 --boilerplate bp7.tsv \
		bp7.jsonl >out 2>err &&
	test_must_be_empty out &&
	printf "%s\n" "ayak-filter: --boilerplate needs --boilerplate-max-chars too (boilerplate_max_chars is off)" \
		"$TRY" >expect &&
	test_cmp expect err &&
	test_expect_code 2 ayak-filter --profile none --boilerplate bp7.tsv bp7.jsonl >out 2>err &&
	printf "%s\n" "ayak-filter: --boilerplate needs --line-cleanup and --boilerplate-max-chars too (line_cleanup and boilerplate_max_chars are off)" \
		"$TRY" >expect &&
	test_cmp expect err &&
	test_expect_code 2 ayak-filter --line-cleanup=off --boilerplate bp7.tsv --show-profile >out 2>err &&
	printf "%s\n" "ayak-filter: --boilerplate needs --line-cleanup too (line_cleanup is off)" "$TRY" >expect &&
	test_cmp expect err &&
	ayak-filter --profile none --line-cleanup --line-min-words 0 --boilerplate bp7.tsv \
		--boilerplate-max-chars 200 bp7.jsonl | jq -c .text >got &&
	echo "\"satu dua tiga.\\nempat lima enam.\"" >expect &&
	test_cmp expect got &&
	ayak-filter --profile none --boilerplate bp7.tsv --boilerplate none bp7.jsonl >out &&
	test_cmp bp7.jsonl out &&
	ayak-filter --line-cleanup=off --show-profile >out &&
	grep -q "^boilerplate = .*boilerplate-ms.tsv" out
'

test_expect_success 'a bad boilerplate lexicon names its file and line' '
	printf "line\tok\nphrase\tx\n" >bad.tsv &&
	test_expect_code 2 ayak-filter --boilerplate bad.tsv </dev/null 2>err &&
	printf "%s\n" "ayak-filter: bad.tsv:2: expected '"'"'line'"'"', '"'"'prefix'"'"' or '"'"'suffix'"'"', a TAB, and the text" "$TRY" >expect &&
	test_cmp expect err &&
	printf "line\tok\nline\tx\000y\n" >bad.tsv &&
	test_expect_code 2 ayak-filter --boilerplate bad.tsv </dev/null 2>err &&
	printf "%s\n" "ayak-filter: bad.tsv:2: NUL byte in the line" "$TRY" >expect &&
	test_cmp expect err &&
	printf "line\tok\nline\tx\377y\n" >bad.tsv &&
	test_expect_code 2 ayak-filter --boilerplate bad.tsv </dev/null 2>err &&
	printf "%s\n" "ayak-filter: bad.tsv:2: invalid UTF-8" "$TRY" >expect &&
	test_cmp expect err
'

test_expect_success 'stopword and blocklist files: several words, a NUL byte or invalid UTF-8 name the file and line' '
	check_list () {
		test_expect_code 2 ayak-filter --$1 l.txt </dev/null >out 2>err &&
		test_must_be_empty out &&
		printf "%s\n" "ayak-filter: l.txt:$2: $3" "$TRY" >expect &&
		test_cmp expect err
	} &&
	printf "# kata henti\ndan\ndan yang\n" >l.txt &&
	check_list stopwords 3 "one word per line, not '"'"'dan yang'"'"'" &&
	nbsp=$(printf "\302\240") &&
	printf "dan%syang\n" "$nbsp" >l.txt &&
	check_list stopwords 1 "one word per line, not '"'"'dan${nbsp}yang'"'"'" &&
	printf "dan\ny\000ng\n" >l.txt &&
	check_list stopwords 2 "NUL byte in the line" &&
	printf "dan\ny\377ng\n" >l.txt &&
	check_list stopwords 2 "invalid UTF-8" &&
	printf "a.example\nb\377.example\n" >l.txt &&
	check_list blocklist 2 "invalid UTF-8" &&
	printf "a.example # ulasan \377\n" >l.txt &&
	check_list blocklist 1 "invalid UTF-8" &&
	printf "a.example\n\nb\000.example\n" >l.txt &&
	check_list blocklist 3 "NUL byte in the line" &&
	printf "# \377 \000 komen\n\tdan \n" >l.txt &&
	ayak-filter --stopwords l.txt --blocklist l.txt --show-profile >/dev/null
'

test_expect_success 'a byte order mark at the start of a rule, lexicon, stopword, blocklist or profile file is skipped' '
	bom=$(printf "\357\273\277") &&
	printf "%s\n" "{\"url\":\"https://judi.example/\",\"text\":\"dan di yang\"}" >b.jsonl &&
	printf "%sjudi.example\n" "$bom" >bl.txt &&
	ayak-filter --profile none --blocklist bl.txt b.jsonl >out &&
	test_must_be_empty out &&
	printf "%sdan\ndi\n" "$bom" >sw.txt &&
	ayak-filter --profile none --stopwords sw.txt --min-stop-words 3 --annotate b.jsonl |
		jq -c .filter.values.stopwords >got &&
	echo 2 >expect &&
	test_cmp expect got &&
	printf "%sdrop spam yang\n" "$bom" >r.txt &&
	ayak-filter --profile none --rules r.txt --stats st.json b.jsonl >out &&
	test_must_be_empty out &&
	jq -c .dropped st.json >got &&
	echo "{\"rule:spam\":1}" >expect &&
	test_cmp expect got &&
	printf "%sline\tdan di yang\n" "$bom" >bp.tsv &&
	printf "%sline_cleanup = on\nboilerplate_max_chars = 200\nboilerplate = bp.tsv\n" "$bom" >p.profile &&
	ayak-filter --profile ./p.profile --stats st.json b.jsonl >out &&
	test_must_be_empty out &&
	jq -c .dropped st.json >got &&
	echo "{\"empty\":1}" >expect &&
	test_cmp expect got
'

test_expect_success 'lines of a sentence broken around a link stay; blank runs left behind become one' '
	printf "%s\n" "{\"text\":\"\\n\\nTarikh permohonan dibuka bermula \\n9 Januari 2023\\n hingga \\n5 Februari 2023\\n. Tarikh tutup pada 5 Februari.\\n\\nMenu\\n\\n\\nUtama\\n\\nAyat terakhir yang cukup panjang.\\n\\n\"}" >in.jsonl &&
	ayak-filter --stats stats.json --profile none --line-cleanup --line-min-words 3 \
		--rules "$AYAK_TOP/lexicons/filter/rules-default.txt" in.jsonl | jq -r .text >got &&
	cat >expect <<-\EOF &&
	Tarikh permohonan dibuka bermula 
	9 Januari 2023
	 hingga 
	5 Februari 2023
	. Tarikh tutup pada 5 Februari.

	Ayat terakhir yang cukup panjang.
	EOF
	test_cmp expect got &&
	jq -c ".counts | with_entries(select(.value > 0))" stats.json >got &&
	echo "{\"lines_dropped\":2,\"lines_dropped_short\":2}" >expect &&
	test_cmp expect got
'

test_expect_success 'line cleanup reaches its fixed point: a second run takes nothing out' '
	printf "%s\n" "{\"text\":\"Kami ada menyediakan screener ichimoku di\\n \\nsini\\n.\\nRight Issue adalah salah satu corporate exercise yang mengumpul modal.\"}" >idem.jsonl &&
	ayak-filter -p none --line-cleanup --line-min-words 3 --stats stats.json idem.jsonl >i1.jsonl &&
	jq -r .text i1.jsonl >got &&
	test_write_lines "Kami ada menyediakan screener ichimoku di" "" \
		"Right Issue adalah salah satu corporate exercise yang mengumpul modal." >expect &&
	test_cmp expect got &&
	jq -c .counts.lines_dropped_short stats.json >got &&
	echo 2 >expect &&
	test_cmp expect got &&
	ayak-filter -p none --line-cleanup --line-min-words 3 i1.jsonl >i2.jsonl &&
	test_cmp i1.jsonl i2.jsonl
'

test_expect_success 'drop:line rules drop the lines their matches touch; keep:line rules save lines' '
	cat >rules.txt <<-\EOF &&
	drop:line sumber   (?i)^\h*sumber\h*:
	drop:line tarikh   ^\d{1,2} \w+ \d{4}$
	keep:line penting  (?i)^sumber: jabatan
	EOF
	printf "%s\n" "{\"text\":\"Ayat pertama yang cukup panjang.\\nSumber: Bernama\\nSUMBER: Jabatan Perangkaan\\n17 Februari 2019\\nAyat terakhir yang cukup panjang.\"}" >in.jsonl &&
	ayak-filter --profile none --line-cleanup --rules rules.txt --stats stats.json in.jsonl | jq -r .text >got &&
	test_write_lines "Ayat pertama yang cukup panjang." "SUMBER: Jabatan Perangkaan" \
		"Ayat terakhir yang cukup panjang." >expect &&
	test_cmp expect got &&
	jq -c ".counts | with_entries(select(.value > 0))" stats.json >got &&
	echo "{\"lines_dropped\":2,\"lines_dropped_pattern\":2}" >expect &&
	test_cmp expect got
'

test_expect_success 'line rules apply whatever the profile and line_cleanup; short lines stay then' '
	printf "drop:line hubungi (?i)^\\h*hubungi kami\\h*:\n" >dl.txt &&
	printf "%s\n" "{\"text\":\"Sila datang ke kedai kami.\\nHubungi kami: 03-1234 5678\\nBuka\\n\\nKami buka setiap hari.\"}" >dl.jsonl &&
	test_write_lines "Sila datang ke kedai kami." "Buka" "" "Kami buka setiap hari." >expect &&
	ayak-filter -p none --rules dl.txt --stats stats.json dl.jsonl | jq -r .text >got &&
	test_cmp expect got &&
	jq -c "[.counts.lines_dropped_pattern, (.counts.lines_dropped_short // 0)]" stats.json >got &&
	echo "[1,0]" >expect.counts &&
	test_cmp expect.counts got &&
	ayak-filter -p none --line-min-words 3 --line-cleanup=off --rules dl.txt dl.jsonl | jq -r .text >got &&
	test_cmp expect got
'

test_expect_success '--c4 turns C4 on with its defaults whatever the profile leaves out' '
	printf "%s\n" "{\"text\":\"Ayat satu di sini. Ayat dua di sini. Ayat tiga. Ayat empat. Lorem ipsum dolor {x}.\"}" >c4b.jsonl &&
	ayak-filter -p none --c4 --annotate c4b.jsonl | jq -c .filter.reasons >got &&
	echo "[\"c4_lorem_ipsum\",\"c4_curly_bracket\"]" >expect &&
	test_cmp expect got &&
	ayak-filter -p none --c4 --show-profile | grep "^c4" >got &&
	cat >expect <<-\EOF &&
	c4 = on
	c4_min_sentences = 5
	c4_min_words_per_line = 3
	c4_max_word_length = 1000
	c4_terminal_punct = on
	c4_citations = on
	c4_lorem_ipsum = on
	c4_javascript = on
	c4_curly_bracket = on
	c4_policy = on
	EOF
	test_cmp expect got &&
	echo "c4 = on" >c4only.profile &&
	ayak-filter -p ./c4only.profile --show-profile | grep "^c4" >got &&
	test_cmp expect got &&
	printf "%s\n" "{\"text\":\"Satu dua tiga empat. Lima enam tujuh lapan!\"}" >few.jsonl &&
	ayak-filter -p none --c4 --stats stats.json few.jsonl >out &&
	test_must_be_empty out &&
	jq -c .dropped stats.json >got &&
	echo "{\"c4_few_sentences\":1}" >expect &&
	test_cmp expect got
'

test_expect_success 'the default rules: copyright, labels, dates, breadcrumbs, share buttons' '
	printf "%s\n" "{\"text\":\"Ayat pertama yang cukup panjang, dengan sebuah koma.\\n© 2023 Utusan Melayu (M) Berhad\\nSumber: Bernama dan agensi\\nIsnin, 3 Jun 2024 10:30 PG\\nHome » Berita » Semasa\\nKongsi: Facebook | Twitter | WhatsApp\\n17 December 2021\\nAyat terakhir yang cukup panjang.\"}" >in.jsonl &&
	ayak-filter --profile none --line-cleanup --rules "$AYAK_TOP/lexicons/filter/rules-default.txt" \
		--stats stats.json in.jsonl | jq -r .text >got &&
	test_write_lines "Ayat pertama yang cukup panjang, dengan sebuah koma." "Ayat terakhir yang cukup panjang." >expect &&
	test_cmp expect got &&
	jq -c ".counts | with_entries(select(.value > 0))" stats.json >got &&
	echo "{\"lines_dropped\":6,\"lines_dropped_pattern\":6}" >expect &&
	test_cmp expect got
'

test_expect_success '--line-cleanup=off leaves the text alone' '
	ayak-filter --line-cleanup=off --profile none junk.jsonl >out &&
	test_cmp junk.jsonl out
'

# ASan reserves terabytes of address space: no ulimit -v under it
grep -q fsanitize "$AYAK_BUILD/flags" 2>/dev/null || test_set_prereq NOSAN

# A 2.7 MB record of 480,001 words, every 5-gram repeated: the n-gram
# tables took 38 times the record (58 with --annotate), and the record
# went as dup_5_gram, or exited 3 under a limit of 200 MB
test_expect_success NOSAN 'a text over max_doc_words goes for it first, in little memory' '
	awk "BEGIN { srand(1); split(\"saya dan di yang pada dalam dengan untuk ini makan rumah kereta sekolah\", w, \" \");
		printf \"{\\\"id\\\":\\\"big\\\",\\\"text\\\":\\\"\";
		for (i = 0; i < 40000; i++) { for (j = 0; j < 12; j++) printf \"%s%s\", (j ? \" \" : \"\"), w[int(rand() * 13) + 1]; printf \".\\\\n\" }
		printf \"Akhir.\\\"}\\n\" }" >big.jsonl &&
	(ulimit -v 100000 && ayak-filter --stats stats.json --rejects rej.jsonl big.jsonl >out) &&
	test_must_be_empty out &&
	jq -c .dropped stats.json >got &&
	echo "{\"too_many_words\":1}" >expect &&
	test_cmp expect got &&
	jq -c ".reject | [.reason, .value, .threshold]" rej.jsonl >got &&
	echo "[\"too_many_words\",480001,100000]" >expect &&
	test_cmp expect got &&
	ayak-filter --annotate --stats ann.json big.jsonl |
		jq -c ".filter | [.decision, .reason, .reasons[0], (.reasons | index(\"dup_5_gram\") > 0), .values.words]" >got &&
	echo "[\"drop\",\"too_many_words\",\"too_many_words\",true,480001]" >expect &&
	test_cmp expect got &&
	jq -c ".counts.too_many_words" ann.json >got &&
	echo 1 >expect &&
	test_cmp expect got
'

test_expect_success '--annotate gives too_many_words, as a run does, for a text over twice max_doc_words bytes' '
	printf "%s\n" "{\"text\":\"satu dua tiga\\nsatu dua tiga\\nsatu dua tiga\"}" >tmw.jsonl &&
	ayak-filter --profile none --max-doc-words 5 --dup-line-frac 0.1 --stats plain.json --rejects rej.jsonl \
		tmw.jsonl >out &&
	test_must_be_empty out &&
	jq -c "[.dropped, (.counts | with_entries(select(.value > 0)))]" plain.json >got &&
	echo "[{\"too_many_words\":1},{}]" >expect &&
	test_cmp expect got &&
	jq -c ".reject | [.reason, .value, .threshold]" rej.jsonl >got &&
	echo "[\"too_many_words\",9,5]" >expect &&
	test_cmp expect got &&
	ayak-filter --profile none --max-doc-words 5 --dup-line-frac 0.1 --annotate --stats ann.json tmw.jsonl |
		jq -c ".filter | [.decision, .reason, .reasons, .values.words, .values.dup_lines]" >got &&
	echo "[\"drop\",\"too_many_words\",[\"too_many_words\",\"dup_lines\"],9,0.6666666666666666]" >expect &&
	test_cmp expect got &&
	jq -c "[.dropped, (.counts | with_entries(select(.value > 0)))]" ann.json >got &&
	echo "[{},{\"too_many_words\":1}]" >expect &&
	test_cmp expect got
'

# The rules find words by 32-bit offsets: 4 GiB is the limit, lowered here
test_expect_success 'a text over the limit is too large: exit 1, or dropped as too_large with skip' '
	printf "%s\\n" "{\"text\":\"Rumah ini besar dan cantik sekali.\"}" "{\"text\":\"Rumah itu.\"}" >two.jsonl &&
	test_expect_code 1 env AYAK_FILTER_TEST_MAX_TEXT=20 ayak-filter two.jsonl >out 2>err &&
	test_must_be_empty out &&
	echo "ayak-filter: two.jsonl:1: text too long to filter (34 bytes; the limit is 20)" >expect &&
	test_cmp expect err &&
	AYAK_FILTER_TEST_MAX_TEXT=20 ayak-filter --profile none --on-error skip --stats st.json \
		--rejects rej.jsonl two.jsonl >out 2>err &&
	sed -n 2p two.jsonl >expect &&
	test_cmp expect out &&
	printf "%s\n" "ayak-filter: two.jsonl:1: text too long to filter (34 bytes; the limit is 20)" \
		"ayak-filter: skipped 1 record too long to filter" >expect &&
	test_cmp expect err &&
	jq -c "[.dropped, .errors]" st.json >got &&
	echo "[{\"too_large\":1},0]" >expect &&
	test_cmp expect got &&
	jq -r .reject.reason rej.jsonl >got &&
	echo too_large >expect &&
	test_cmp expect got
'

test_expect_success 'compressed output, and output to a file' '
	ayak-filter -z udhr.jsonl >out.zst &&
	ayak-cat out.zst >out &&
	ayak-filter -o out2.jsonl udhr.jsonl &&
	test_cmp out out2.jsonl
'

test_done
