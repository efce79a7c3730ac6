#!/usr/bin/env bash
test_description='ayak-lid --train: inputs no output may replace, labels and texts that train nothing, options and features that do nothing, lexicon files, --about, --stats, --verbose'
. "$(dirname "$0")/../lib.sh"

# A blind QA pass of ayak-lid --train (2026-11-25) found each of the defects
# these tests cover: they failed before the fix.

# S: two small Latin submodels (S,m and S,d: with markers or the dictionary
# in the msa one); tr.jsonl: 60 short texts each of zsm_Latn,
# ind_Latn and eng_Latn, made from the words below by a fixed generator.
S="--msa zsm_Latn,ind_Latn --epochs 2 --submodel Latn:10:c3,w --submodel msa:10:c3,w"

test_expect_success 'setup' '
	awk "BEGIN {
		n = split(\"kerajaan akan memastikan bahawa semua rakyat mendapat bantuan kerana keadaan ekonomi polis berkata kenderaan itu dipandu laju selepas mesyuarat\", z);
		m = split(\"pemerintah akan memastikan bahwa semua warga mendapat bantuan karena kondisi ekonomi polisi mengatakan mobil itu dikemudikan cepat setelah rapat\", d);
		k = split(\"the government will make sure that every citizen gets help because of the economy police said car was driven fast after meeting\", e);
		s = 7;
		for (i = 0; i < 60; i++)
			for (l = 0; l < 3; l++) {
				t = \"\";
				for (j = 0; j < 8; j++) {
					s = (s * 1103515245 + 12345) % 2147483648;
					w = l == 0 ? z[s % n + 1] : l == 1 ? d[s % m + 1] : e[s % k + 1];
					t = t (j ? \" \" : \"\") w
				}
				printf \"{\\\"text\\\":\\\"%s\\\",\\\"label\\\":\\\"%s\\\"}\\n\", t, l == 0 ? \"zsm_Latn\" : l == 1 ? \"ind_Latn\" : \"eng_Latn\"
			}
	}" >tr.jsonl &&
	test_line_count = 180 tr.jsonl &&
	printf "kerana\tzsm\tstrong\nkarena\tind\tstrong\n" >m.tsv &&
	printf "kerana\nbahawa\n" >w.txt &&
	printf "version: 1\n" >a.txt &&
	ayak-lid --train -q -o ref.bin $S tr.jsonl &&
	echo "{\"text\":\"Polis berkata kenderaan itu dipandu laju.\"}" >one.jsonl
'

# usage_error MESSAGE ARGS...: ayak-lid ARGS exits 2 with MESSAGE and writes nothing
usage_error () {
	test_usage_error ayak-lid "$@"
}

# data_error MESSAGE ARGS...: ayak-lid ARGS exits 1 with MESSAGE and writes no model x.bin
data_error () {
	local msg=$1
	shift
	rm -f x.bin &&
	test_expect_code 1 ayak-lid "$@" 2>err &&
	printf "ayak-lid: %s\n" "$msg" >expect &&
	test_cmp expect err &&
	test_path_is_missing x.bin
}

# --stats m.tsv replaced the markers with the counters (exit 0), and so
# did --stats and --rejects the files of --dictionary and --about
test_expect_success 'no output may name a file that ayak-lid reads' '
	cp m.tsv keep.tsv &&
	usage_error "--stats and --markers m.tsv name the same file" \
		--train -o x.bin $S,m --markers m.tsv --stats m.tsv tr.jsonl &&
	test_cmp keep.tsv m.tsv &&
	usage_error "--output and --markers m.tsv name the same file" \
		--train -o m.tsv $S,m --markers m.tsv tr.jsonl &&
	test_cmp keep.tsv m.tsv &&
	ln -s w.txt wlink &&
	usage_error "--stats and --word-list w.txt name the same file" \
		--train -o x.bin $S,m --word-list zsm=w.txt --stats wlink tr.jsonl &&
	usage_error "--stats and --dictionary w.txt name the same file" \
		--train -o x.bin $S,d --dictionary w.txt --stats w.txt tr.jsonl &&
	usage_error "--rejects and --about a.txt name the same file" \
		--train -o x.bin $S --about a.txt --on-error skip --rejects a.txt tr.jsonl &&
	echo "version: 1" >expect && test_cmp expect a.txt &&
	cp ref.bin r.bin &&
	usage_error "--stats and --model r.bin name the same file" --model r.bin --stats r.bin one.jsonl &&
	usage_error "--output and --model r.bin name the same file" --model r.bin -o r.bin one.jsonl &&
	test_cmp_bin ref.bin r.bin &&
	printf "kerana\t-2\n" >sw.tsv &&
	usage_error "--stats and --switch-words sw.tsv name the same file" \
		--by word --switch-words sw.tsv --stats sw.tsv one.jsonl &&
	test_path_is_missing x.bin
'

# Labels whose texts were empty, digits or too long to read trained nothing
# and were given a share of every text (exit 0)
test_expect_success 'a label must have texts that give its submodel features' '
	printf "{\"text\":\"\",\"label\":\"zsm_Latn\"}\n{\"text\":\"123 http://x.example/\",\"label\":\"ind_Latn\"}\n" >e.jsonl &&
	data_error "label ind_Latn: none of its texts has letters of its script (1 left out): nothing to train it on" \
		--train -o x.bin --submodel Latn:10:c3 e.jsonl &&
	{ grep -v ind_Latn tr.jsonl && cat e.jsonl; } >e2.jsonl &&
	data_error "label ind_Latn: none of its texts has letters of its script (1 left out): nothing to train it on" \
		--train -o x.bin $S e2.jsonl &&
	{ grep -v ind_Latn tr.jsonl &&
	  echo "{\"text\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"label\":\"ind_Latn\"}"; } >long.jsonl &&
	data_error "submodel \"Latn\": no text of ind_Latn gives it features (c3,w)" \
		--train -o x.bin $S long.jsonl &&
	: "a label with some texts without letters trains on the others" &&
	cat tr.jsonl e.jsonl >e3.jsonl &&
	ayak-lid --train -o x.bin $S e3.jsonl &&
	ayak-lid --model x.bin --list-labels >labels &&
	printf "%s\n" und eng_Latn ind_Latn zsm_Latn >expect &&
	test_cmp expect labels
'

# Feature lists that give no features trained a model that said und to
# every Latin text (exit 0); msa:10:m without markers left msa untrained
test_expect_success 'features that can give none are usage errors' '
	usage_error "submodel \"Latn\": no features to read (c1 to c5, w, b, m or d)" \
		--train -o x.bin --submodel Latn:10:mean tr.jsonl &&
	usage_error "submodel \"Latn\": no features to read (c1 to c5, w, b, m or d)" \
		--train -o x.bin --submodel Latn:10:x tr.jsonl &&
	usage_error "submodel \"Latn\": x takes the n-grams of c3, c4 or c5 across a space, and none is given" \
		--train -o x.bin --submodel Latn:10:c1-2,x tr.jsonl &&
	usage_error "submodel \"Latn\": m reads the words of --markers and --word-list, and neither is given" \
		--train -o x.bin --submodel Latn:10:m tr.jsonl &&
	usage_error "submodel \"msa\": m reads the words of --markers and --word-list, and neither is given" \
		--train -o x.bin --submodel Latn:10:c3 --submodel msa:10:m tr.jsonl &&
	usage_error "submodel \"Latn\": d reads a --dictionary, and none is given" \
		--train -o x.bin --submodel Latn:10:d tr.jsonl &&
	usage_error "submodel \"Cyrl\": d reads Latin words only" \
		--train -o x.bin --submodel Latn:10:c3 --submodel Cyrl:10:c3,d --dictionary w.txt tr.jsonl &&
	usage_error "submodel \"Hani\": the classifier gives no text of that script to a submodel (Han and kana are decided by rule)" \
		--train -o x.bin --submodel Latn:10:c3 --submodel Hani:10:c1 tr.jsonl &&
	ayak-lid --train -o x.bin --submodel Latn:10:c3,m --markers m.tsv tr.jsonl &&
	ayak-lid --train -o x.bin --submodel Latn:10:c3,d --dictionary w.txt tr.jsonl
'

# A French text labelled fra_Arab was dropped unseen and fra_Arab became a
# label: every Arabic-script text was then fra_Arab, by rule.  Such a text
# is label noise, not a broken record: it is left out, counted and said;
# a label with no other text is an error.
test_expect_success 'a text with no letters of its label'"'"'s script is left out, and said' '
	{ cat tr.jsonl && echo "{\"text\":\"Bonjour tout le monde\",\"label\":\"fra_Arab\"}"; } >fra.jsonl &&
	rm -f x.bin &&
	test_expect_code 1 ayak-lid --train -o x.bin $S fra.jsonl 2>err &&
	cat >expect <<-\EOF &&
	ayak-lid: 1 text with no letters of its label'"'"'s script left out (the first at fra.jsonl:181)
	ayak-lid: label fra_Arab: none of its texts has letters of its script (1 left out): nothing to train it on
	EOF
	test_cmp expect err &&
	test_path_is_missing x.bin &&
	{ cat tr.jsonl &&
	  echo "{\"text\":\"Привет мир\",\"label\":\"ind_Latn\"}" &&
	  echo "{\"text\":\"Как дела\",\"label\":\"ind_Latn\"}"; } >cyr.jsonl &&
	ayak-lid --train -o x.bin $S --stats st.json cyr.jsonl 2>err &&
	echo "ayak-lid: 2 texts with no letters of their label'"'"'s script left out (the first at cyr.jsonl:181)" >expect &&
	test_cmp expect err &&
	grep -q "\"records_in\":182,\"records_out\":180,\"dropped\":{\"no_script\":2}," st.json &&
	ayak-lid --model x.bin --list-labels >labels &&
	printf "%s\n" und eng_Latn ind_Latn zsm_Latn >expect &&
	test_cmp expect labels &&
	ayak-lid --train -q -o x.bin $S cyr.jsonl 2>err &&
	test_must_be_empty err &&
	: "a few letters of its script are enough: Jawi with Latin words, Latin with an emoji" &&
	{ cat tr.jsonl &&
	  echo "{\"text\":\"Kerajaan Malaysia ڤرلمبڬاءن\",\"label\":\"zsm_Arab\"}" &&
	  echo "{\"text\":\"🙂🙂🙂 kerana\",\"label\":\"zsm_Latn\"}"; } >jawi.jsonl &&
	ayak-lid --train -o x.bin $S jawi.jsonl 2>err &&
	test_must_be_empty err &&
	ayak-lid --model x.bin --list-labels | grep -x zsm_Arab
'

# Each was accepted and did nothing (exit 0)
test_expect_success 'options that nothing reads are usage errors' '
	usage_error "--msa: there is no msa submodel to read it (--submodel msa:BITS:FEATURES)" \
		--train -o x.bin --submodel Latn:10:c3 --msa zsm_Latn,ind_Latn tr.jsonl &&
	usage_error "--word-odds: no msa submodel with zsm_Latn and ind_Latn in its group to read them" \
		--train -o x.bin --submodel Latn:10:c3 --word-odds 12 tr.jsonl &&
	usage_error "--word-odds: no msa submodel with zsm_Latn and ind_Latn in its group to read them" \
		--train -o x.bin --submodel Latn:10:c3 --submodel msa:10:c3 --msa zsm_Latn,eng_Latn \
		--word-odds 12 --word-odds-weight 1 tr.jsonl &&
	usage_error "--markers: no submodel reads markers (feature m)" \
		--train -o x.bin $S --markers m.tsv tr.jsonl &&
	usage_error "--word-list: no submodel reads markers (feature m)" \
		--train -o x.bin $S --word-list zsm=w.txt tr.jsonl &&
	usage_error "--dictionary: no submodel reads a dictionary (feature d)" \
		--train -o x.bin $S --dictionary w.txt tr.jsonl &&
	usage_error "--markers given twice (one file; more words go in --word-list files)" \
		--train -o x.bin $S,m --markers m.tsv --markers m.tsv tr.jsonl &&
	usage_error "--about given twice (one file)" \
		--train -o x.bin $S --about a.txt --about a.txt tr.jsonl &&
	usage_error "-q and --verbose do not go together" --train -q --verbose -o x.bin $S tr.jsonl &&
	usage_error "--average needs --epochs 3 or more (it averages the weights of the epochs after the first half)" \
		--train -o x.bin $S --average tr.jsonl &&
	usage_error "--average needs --epochs 3 or more (it averages the weights of the epochs after the first half)" \
		--train -o x.bin $S --average --epochs 1 tr.jsonl &&
	ayak-lid --train -o x.bin $S --epochs 3 --average tr.jsonl &&
	ayak-lid --train -o y.bin $S --epochs 3 tr.jsonl &&
	! test_cmp_bin x.bin y.bin 2>/dev/null
'

# Six English texts among 120 Malay ones: the bias of the general model learns that
# ratio, and --flat-prior takes it out of it, all or in part.
test_expect_success '--flat-prior NAME[=F]: the minority label gains where a text says little' '
	{ grep -v eng_Latn tr.jsonl && grep eng_Latn tr.jsonl | head -n 6; } >im.jsonl &&
	ayak-lid --train -q -o a.bin $S im.jsonl &&
	ayak-lid --train -q -o c.bin $S --flat-prior Latn=0.5 im.jsonl &&
	ayak-lid --train -q -o b.bin $S --flat-prior Latn im.jsonl &&
	ayak-lid --train -q -o b2.bin $S --flat-prior Latn=1 im.jsonl &&
	test_cmp_bin b.bin b2.bin &&
	printf "%s\n" "{\"text\":\"qwv xkj\"}" >few.jsonl &&
	for m in a c b; do
		ayak-lid --model $m.bin --top 3 few.jsonl | jq -r ".lang_top[] | select(.lang == \"eng_Latn\") | .score" || return 1
	done >eng &&
	test_line_count = 3 eng &&
	sort -g eng | test_cmp eng - &&
	test "$(sort -u eng | wc -l)" = 3 &&
	for m in a c b; do ayak-lid --model $m.bin one.jsonl | jq -r .lang || return 1; done >lang &&
	test_write_lines zsm_Latn zsm_Latn zsm_Latn >expect &&
	test_cmp expect lang
'

test_expect_success '--flat-prior: usage errors' '
	usage_error "--flat-prior Nope: no submodel of that name (as --submodel names it)" \
		--train -o x.bin $S --flat-prior Nope tr.jsonl &&
	usage_error "--flat-prior wants a number from 0.01 to 1, not '"'"'2'"'"'" \
		--train -o x.bin $S --flat-prior Latn=2 tr.jsonl &&
	usage_error "--flat-prior wants NAME or NAME=F (a submodel, F from 0.01 to 1), not '"'"'=0.5'"'"'" \
		--train -o x.bin $S --flat-prior =0.5 tr.jsonl &&
	usage_error "--flat-prior goes only with --train" --flat-prior Latn one.jsonl
'

# Names of 8 letters or more were a syntax error; Latin and Arabic were not
test_expect_success '--submodel takes a script by its name, stored as its code' '
	awk "BEGIN { for (i = 0; i < 20; i++) {
		printf \"{\\\"text\\\":\\\"Правительство поможет всем %d\\\",\\\"label\\\":\\\"rus_Cyrl\\\"}\\n\", i;
		printf \"{\\\"text\\\":\\\"Уряд допоможе всім їхнім %d\\\",\\\"label\\\":\\\"ukr_Cyrl\\\"}\\n\", i } }" >cy.jsonl &&
	ayak-lid --train -o c1.bin --submodel Cyrillic:10:c1-3,w cy.jsonl &&
	ayak-lid --train -o c2.bin --submodel Cyrl:10:c1-3,w cy.jsonl &&
	test_cmp_bin c1.bin c2.bin &&
	for s in Devanagari Gujarati Ethiopic; do
		test_expect_code 1 ayak-lid --train -o x.bin --submodel Cyrl:10:c1 --submodel $s:10:c1 cy.jsonl 2>err &&
		grep -q "^ayak-lid: submodel \"[A-Z][a-z]*\": fewer than 2 labels with data\$" err || return 1
	done &&
	usage_error "submodels \"Cyrl\" and \"Cyrillic\": two for the same text (one per script, one msa)" \
		--train -o x.bin --submodel Cyrl:10:c1 --submodel Cyrillic:10:c1 cy.jsonl &&
	usage_error "submodel \"Klingonese\": not a script" --train -o x.bin --submodel Klingonese:10:c1 cy.jsonl
'

# records_out was records_in and counts {} though records were left out
test_expect_success '--stats: the records trained on, per label, and those left out by reason' '
	{ cat tr.jsonl e.jsonl && echo "{\"text\":\"Apa khabar\",\"label\":\"und\"}"; } >st.jsonl &&
	ayak-lid --train -o x.bin $S --stats st.json st.jsonl &&
	sed "s/\"version\":\"[^\"]*\",//; s/\"bytes_in\".*\"counts\"/\"counts\"/" st.json >got &&
	echo "{\"program\":\"ayak-lid\",\"records_in\":183,\"records_out\":180,\"dropped\":{\"no_letters\":2,\"und\":1},\"errors\":0,\"counts\":{\"label.eng_Latn\":60,\"label.ind_Latn\":60,\"label.zsm_Latn\":60}}" >expect &&
	test_cmp expect got
'

# "too many labels" gave no limit
test_expect_success 'a submodel of more than 256 labels: the limit is named' '
	awk "BEGIN { for (i = 0; i < 257; i++) printf \"{\\\"text\\\":\\\"kata\\\",\\\"label\\\":\\\"a%c%c_Latn\\\"}\\n\", 97 + int(i / 26), 97 + i % 26 }" >many.jsonl &&
	data_error "submodel \"Latn\": too many labels (257; at most 256 a submodel)" \
		--train -o x.bin --submodel Latn:8:w many.jsonl
'

# The messages gave no reason ("bad marker"), took a trailing space for a
# second word, and printed a vertical tab raw
test_expect_success 'lexicon lines: spaces at the ends cut, and errors that say why' '
	bad_list () {
		printf -- "$2" >l.txt &&
		data_error "l.txt:1: $3" --train -o x.bin $S,m $1 tr.jsonl
	} &&
	bad_list "--word-list zsm=l.txt" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n" \
		"bad marker \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\": a word of more than 31 letters" &&
	bad_list "--markers l.txt" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\tzsm\tweak\n" \
		"bad marker \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\": a word of more than 31 letters" &&
	bad_list "--word-list zsm-data=l.txt" "kerana  bahawa\n" \
		"bad marker \"kerana  bahawa\": two spaces between words (a pair of words has one)" &&
	bad_list "--markers l.txt" "-\tzsm\tweak\n" "bad marker \"-\": no letters" &&
	bad_list "--markers l.txt" "kerana\tzsm\tstrong\v\n" "bad strength \"strong\\u000b\" (strong or weak)" &&
	printf "kerana \n   \nbahawa\n" >sp.txt &&
	ayak-lid --train -o x.bin $S,m --word-list zsm=sp.txt tr.jsonl &&
	ayak-lid --train -o y.bin $S,m --word-list zsm=w.txt tr.jsonl &&
	test_cmp_bin x.bin y.bin
'

# kata-kata, don't and ker4na were taken and never matched; "kerana#x" was
# a word though "#" starts a comment; " kerana" in a dictionary was no word
test_expect_success 'markers that never match are refused; # starts a comment anywhere' '
	for w in kata-kata "don'"'"'t" ker4na; do
		printf "%s\tzsm\tstrong\n" "$w" >nm.tsv &&
		data_error "nm.tsv:1: bad marker \"$w\": a character that is not a letter (the words of a text are runs of letters: it would never match)" \
			--train -o x.bin $S,m --markers nm.tsv tr.jsonl || return 1
	done &&
	printf "kerana\tzsm\tstrong # as in KBBI\nkarena\tind\tstrong\n" >c.tsv &&
	ayak-lid --train -o x.bin $S,m --markers c.tsv tr.jsonl &&
	ayak-lid --train -o y.bin $S,m --markers m.tsv tr.jsonl &&
	test_cmp_bin x.bin y.bin &&
	printf "kerana#x\nbahawa # c\n" >cw.txt &&
	ayak-lid --train -o x.bin $S,m --word-list zsm=cw.txt tr.jsonl &&
	ayak-lid --train -o y.bin $S,m --word-list zsm=w.txt tr.jsonl &&
	test_cmp_bin x.bin y.bin &&
	printf " kerana\nbahawa/SFX # c\n" >cd.txt &&
	ayak-lid --train -o x.bin --submodel Latn:10:c3,d --dictionary cd.txt tr.jsonl &&
	ayak-lid --train -o y.bin --submodel Latn:10:c3,d --dictionary w.txt tr.jsonl &&
	test_cmp_bin x.bin y.bin &&
	printf "kerana\n1Malaysia\n" >fw.txt &&
	ayak-lid --train --verbose -o x.bin $S,m --word-list zsm=fw.txt tr.jsonl 2>err &&
	grep -x "ayak-lid: word list fw.txt: 2 entries, 1 of them with a character that is not a letter (they never match)" err
'

test_expect_success '--submodel: no sign, no empty feature, no feature twice' '
	usage_error "--submodel wants NAME:BITS:FEATURES (BITS 8-22; features c1-c5, w, b, m or m2-m8, x, d, mean), not '"'"'Latn:+10:c3'"'"'" \
		--train -o x.bin --submodel Latn:+10:c3 tr.jsonl &&
	usage_error "--submodel '"'"'Latn:10:c3,,w'"'"': an empty feature (two commas, or one at an end)" \
		--train -o x.bin --submodel Latn:10:c3,,w tr.jsonl &&
	usage_error "--submodel '"'"'Latn:10:c3,'"'"': an empty feature (two commas, or one at an end)" \
		--train -o x.bin --submodel Latn:10:c3, tr.jsonl &&
	usage_error "--submodel '"'"'Latn:10:c3,c1-3'"'"': c1-3 repeats a feature" \
		--train -o x.bin --submodel Latn:10:c3,c1-3 tr.jsonl &&
	usage_error "--submodel '"'"'Latn:10:m2,m3'"'"': m3 repeats a feature" \
		--train -o x.bin --submodel Latn:10:m2,m3 --markers m.tsv tr.jsonl
'

# labels: 99 was printed before the real labels line; ESC, CRs, a second
# version: and an empty value were taken
test_expect_success '--about: no labels key, control characters, repeated keys or empty values' '
	bad_about () {
		printf "$1" >ab &&
		data_error "ab:2: $2" --train -o x.bin $S --about ab tr.jsonl
	} &&
	bad_about "version: 1\nlabels: 99: fake\n" "the key '"'"'labels'"'"' (--model-info writes the model'"'"'s labels itself)" &&
	bad_about "version: 1\nnote: a\033[31mb\n" "a control character (\\u001b)" &&
	bad_about "version: 1\nnote: v\r\r\n" "a control character (\\u000d)" &&
	bad_about "version: 1\nnote: a\rb\n" "a control character (\\u000d)" &&
	bad_about "version: 1\nVersion: 2\n" "the key '"'"'Version'"'"' a second time" &&
	bad_about "version: 1\nnote:\n" "an empty value" &&
	bad_about "version: 1\nnote:   \n" "an empty value"
'

# fra_Latn without texts took a tenth of unfamiliar Latin text
test_expect_success '--extra-labels: only for a script that no submodel reads' '
	usage_error "--extra-labels: fra_Latn: the Latn submodel reads its script, where a label without texts would take a share of every text (the option is for labels decided by rule, such as zho_Hant)" \
		--train -o x.bin $S --extra-labels fra_Latn tr.jsonl &&
	usage_error "--extra-labels: und: every model has it" --train -o x.bin $S --extra-labels und tr.jsonl &&
	ayak-lid --train -o x.bin $S --extra-labels zho_Hant tr.jsonl &&
	ayak-lid --model x.bin --list-labels | grep -x zho_Hant
'

# The model was trained on the label strings
test_expect_success '--field and --label-field may not name one field' '
	usage_error "--field and --label-field both name '"'"'label'"'"': the text would be the label" \
		--train -o x.bin $S --field label tr.jsonl &&
	usage_error "--field and --label-field both name '"'"'lab'"'"': the text would be the label" \
		--train -o x.bin $S --label-field lab --field lab tr.jsonl
'

# "features 0x2f" and "3 labels", unnamed
test_expect_success '--verbose names the labels and features as --submodel writes them' '
	ayak-lid --train --verbose -o x.bin --submodel Latn:10:c1-4,w --submodel msa:10:c4-5,w,b,m3 \
		--msa zsm_Latn,ind_Latn --markers m.tsv --epochs 1 tr.jsonl 2>err &&
	grep "labels (" err >got &&
	printf "%s\n" "ayak-lid: submodel Latn: 3 labels (eng_Latn ind_Latn zsm_Latn), 180 texts, 2^10 rows, features c1-4,w" \
		"ayak-lid: submodel msa: 3 labels (zsm_Latn ind_Latn other), 180 texts, 2^10 rows, features c4-5,w,b,m3" >expect &&
	test_cmp expect got
'

# The label's ESC went raw to the terminal
test_expect_success 'a bad label is shown with its control characters escaped' '
	printf "{\"text\":\"kata\",\"label\":\"zsm\\\\u001b[31m\"}\n" >esc.jsonl &&
	data_error "esc.jsonl:1: bad label \"zsm\\u001b[31m\" (ISO 639-3 and ISO 15924 codes such as zsm_Latn, or und)" \
		--train -o x.bin --submodel Latn:10:c3 esc.jsonl
'

# The options and lexicon of tests/bench/lid-train.sh (make lid-model) stay valid
test_expect_success 'the shipped model'"'"'s training options and markers are accepted' '
	for i in 1 2 3 4 5; do
		echo "{\"text\":\"Правительство поможет всем $i\",\"label\":\"rus_Cyrl\"}" &&
		echo "{\"text\":\"Уряд допоможе всім $i\",\"label\":\"ukr_Cyrl\"}" &&
		echo "{\"text\":\"الحكومة ستساعد الجميع $i\",\"label\":\"arb_Arab\"}" &&
		echo "{\"text\":\"دولت به همه کمک می کند $i\",\"label\":\"pes_Arab\"}" &&
		echo "{\"text\":\"सरकार सबकी मदद करेगी $i\",\"label\":\"hin_Deva\"}" &&
		echo "{\"text\":\"सरकार सर्वांना मदत करेल $i\",\"label\":\"mar_Deva\"}" || return 1
	done >scripts.jsonl &&
	ayak-lid --train -o x.bin --about a.txt --markers "$AYAK_TOP/lexicons/lid/markers.tsv" \
		--word-list zsm=w.txt --word-list ind=w.txt --word-list zsm-data=w.txt --word-list ind-data=w.txt \
		--epochs 3 --lr 2 --average --dropout 0.5 --seed 1 --train-sample 0 \
		--submodel Latn:10:c3,w --submodel msa:10:c4-5,w,b,m3 \
		--submodel Cyrl:8:c1-5,w --submodel Arab:8:c1-5,w --submodel Deva:8:c1-5,w \
		--extra-labels zho_Hant --word-odds 12 --word-odds-alpha 0.1 --word-odds-weight 0.2 \
		--msa zsm_Latn,ind_Latn,jav_Latn,sun_Latn,min_Latn,bjn_Latn,ace_Latn,ban_Latn,bbc_Latn,bug_Latn,mad_Latn,nij_Latn,eng_Latn \
		tr.jsonl scripts.jsonl &&
	ayak-lid --model x.bin --list-labels >labels &&
	test_line_count = 11 labels
'

test_done
