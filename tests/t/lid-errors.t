#!/usr/bin/env bash
test_description='ayak-lid: bad models (exit 3), usage errors (exit 2), bad records (exit 1), big and odd input, --train'
. "$(dirname "$0")/../lib.sh"

MODEL=$AYAK_TOP/lexicons/lid/model.bin

test_expect_success 'setup' '
	test_path_is_file "$MODEL" &&
	echo "{\"text\":\"Kerajaan akan memastikan bahawa setiap rakyat menerima bantuan.\"}" >in &&
	wc -c <"$MODEL" >size
'

test_expect_success 'a missing model: clear message, exit 3, no output' '
	test_expect_code 3 ayak-lid --model nope.bin in >out 2>err &&
	echo "ayak-lid: nope.bin: No such file or directory" >expect &&
	test_cmp expect err &&
	test_must_be_empty out
'

test_expect_success 'a lexicon directory without the model: exit 3' '
	mkdir lex &&
	AYAK_LEXICONS=$PWD/lex test_expect_code 3 ayak-lid in >out 2>err &&
	echo "ayak-lid: $PWD/lex/lid/model.bin: No such file or directory" >expect &&
	test_cmp expect err &&
	test_must_be_empty out
'

test_expect_success 'a truncated model: exit 3' '
	head -c 100000 "$MODEL" >cut.bin &&
	test_expect_code 3 ayak-lid --model cut.bin in >out 2>err &&
	echo "ayak-lid: cut.bin: truncated model (100000 of $(cat size) bytes)" >expect &&
	test_cmp expect err &&
	test_must_be_empty out &&
	head -c 300 "$MODEL" >cut2.bin &&
	test_expect_code 3 ayak-lid --model cut2.bin in 2>err &&
	grep "^ayak-lid: cut2.bin: truncated model (" err &&
	head -c 20 "$MODEL" >cut3.bin &&
	test_expect_code 3 ayak-lid --model cut3.bin in 2>err &&
	grep "^ayak-lid: cut3.bin: truncated model (the text part does not end)\$" err
'

test_expect_success 'a corrupt model: exit 3' '
	cp "$MODEL" bad.bin &&
	printf "\\377" | dd of=bad.bin bs=1 seek=$(( $(cat size) - 1000 )) conv=notrunc 2>/dev/null &&
	test_expect_code 3 ayak-lid --model bad.bin in >out 2>err &&
	echo "ayak-lid: bad.bin: corrupt model: checksum mismatch" >expect &&
	test_cmp expect err &&
	test_must_be_empty out &&
	cat "$MODEL" in >long.bin &&
	test_expect_code 3 ayak-lid --model long.bin in 2>err &&
	echo "ayak-lid: long.bin: corrupt model: trailing bytes" >expect &&
	test_cmp expect err
'

test_expect_success 'not a model, an empty file, a directory: exit 3' '
	echo hello >text.bin &&
	test_expect_code 3 ayak-lid --model text.bin in 2>err &&
	echo "ayak-lid: text.bin: not an ayak-lid model" >expect &&
	test_cmp expect err &&
	: >empty.bin &&
	test_expect_code 3 ayak-lid --model empty.bin in 2>err &&
	echo "ayak-lid: empty.bin: not an ayak-lid model" >expect &&
	test_cmp expect err &&
	test_expect_code 3 ayak-lid --model lex in 2>err &&
	echo "ayak-lid: lex: not a regular file" >expect &&
	test_cmp expect err
'

test_expect_success 'a bad model fails before any output, even with -o' '
	test_expect_code 3 ayak-lid --model nope.bin -o out.jsonl in 2>err &&
	test_path_is_missing out.jsonl
'

# usage_error MESSAGE ARGS...: ayak-lid ARGS in exits 2 with MESSAGE
usage_error () {
	test_usage_error ayak-lid "$@" in
}

test_expect_success 'usage errors: exit 2' '
	usage_error "--keep: the model $MODEL has no label '\''xyz_Latn'\'' (see --list-labels)" --model "$MODEL" --keep xyz_Latn &&
	usage_error "--drop: a mixed label joins two different labels, not '\''zsm_Latn+zsm_Latn'\''" --drop zsm_Latn+zsm_Latn &&
	usage_error "--threshold: '\''xx'\'' is not a label (ISO 639-3 and ISO 15924 codes such as zsm_Latn, or und)" --threshold xx=0.5 &&
	usage_error "--threshold wants a number from 0 to 1, not '\''2'\''" --threshold 2 &&
	usage_error "--top wants a number from 1 to 32, not '\''0'\''" --top 0 &&
	usage_error "--by wants line, paragraph or word, not '\''sentence'\''" --by sentence &&
	usage_error "--sample wants 0 or a size of at least 64, not '\''10'\''" --sample 10 &&
	usage_error "--mixed wants a number from 0 to 0.5, not '\''0.9'\''" --mixed 0.9 &&
	usage_error "--keep and --drop do not go together" --keep zsm_Latn --drop ind_Latn &&
	usage_error "--top does not go with --by (see lang_shares)" --top 2 --by line &&
	usage_error "--train needs -o MODEL" --train &&
	usage_error "--keep: an empty label in the list (two commas, or one at an end)" --keep zsm_Latn,,ind_Latn &&
	usage_error "--drop: an empty label in the list (two commas, or one at an end)" --drop ind_Latn, &&
	usage_error "--keep wants a comma-separated list of labels" --keep ""
'

# Training options without --train, and options of classifying with it,
# were taken and did nothing (--epochs 3 on a run that labels records;
# --train --sample 100; --train -z wrote the model plain); --list-labels
# and --model-info ignored the files, -o and the options they do not read
test_expect_success 'an option the mode does not read is a usage error' '
	for o in "--epochs 3" "--lr 1" "--seed 2" "--markers m.tsv" "--about a" "--average" \
		"--dropout 0.1" "--word-odds 12" "--word-odds-alpha 1" "--submodel Latn:10:c1" \
		"--msa zsm_Latn,ind_Latn" "--extra-labels zho_Hant" "--dictionary d" \
		"--label-field l" "--word-list zsm=w" "--train-sample 100" "--verbose"; do
		usage_error "${o%% *} goes only with --train" $o || return 1
	done &&
	for o in "--keep zsm_Latn" "--drop zsm_Latn" "--threshold 0.5" "--annotate" "--top 2" \
		"--by line" "--mixed 0.3" "--sample 100" "--model m" "--list-labels" "--model-info"; do
		usage_error "${o%% *} does not go with --train" --train -o m.bin $o || return 1
	done &&
	usage_error "--train writes the model plain: -z and --compress do not go with it" --train -o m.bin -z &&
	usage_error "--train writes the model plain: -z and --compress do not go with it" --train -o m.bin --compress none &&
	usage_error "--train writes the model plain: --level does not go with it" --train -o m.bin --level 3 &&
	: "without --word-odds BITS, alpha and weight set nothing in the model" &&
	usage_error "--word-odds-alpha goes with --word-odds BITS" --train -o m.bin --word-odds-alpha 5 &&
	usage_error "--word-odds-weight goes with --word-odds BITS" --train -o m.bin --word-odds-weight 0.9 &&
	usage_error "--word-odds-alpha goes with --word-odds BITS" --train -o m.bin --word-odds 0 --word-odds-alpha 5 &&
	test_path_is_missing m.bin &&
	usage_error "--list-labels reads no files, not '"'"'in'"'"'" --list-labels &&
	usage_error "--list-labels and --model-info do not go together" --list-labels --model-info &&
	usage_error "--keep does not go with --model-info" --model-info --keep zsm_Latn &&
	usage_error "--sample does not go with --list-labels" --list-labels --sample 0 &&
	usage_error "-o does not go with --list-labels (it writes to standard output)" --list-labels -o labels &&
	test_path_is_missing labels &&
	usage_error "--model wants a file name, not '"'"''"'"'" --model "" &&
	ayak-lid --list-labels --model "$MODEL" -q >labels &&
	test_line_count -gt 80 labels &&
	ayak-lid --word-odds-weight 0.5 in >out &&
	grep "\"lang\":\"zsm_Latn\"" out
'

# --list-labels --stats s.json and --model-info --rejects r ended with exit
# 0 and wrote no file; -z, --compress, --level and --word-odds-weight were
# taken and did nothing.
test_expect_success '--list-labels and --model-info: --stats, --rejects, -z, --word-odds-weight' '
	for i in --list-labels --model-info; do
		usage_error "--stats does not go with $i (it reads no records)" $i --stats s.json &&
		usage_error "--rejects does not go with $i (it reads no records)" $i --rejects r &&
		usage_error "--field does not go with $i (it reads no records)" $i --field body &&
		usage_error "--on-error does not go with $i (it reads no records)" $i --on-error skip &&
		usage_error "--max-errors does not go with $i (it reads no records)" $i --max-errors 3 &&
		usage_error "-z, --compress and --level do not go with $i" $i -z &&
		usage_error "-z, --compress and --level do not go with $i" $i --compress none &&
		usage_error "-z, --compress and --level do not go with $i" $i --level 3 &&
		usage_error "--word-odds-weight does not go with $i" $i --word-odds-weight 1 || return 1
	done &&
	test_path_is_missing s.json &&
	test_path_is_missing r
'

# --field lang read the text from lang and wrote the label over it (exit 0)
test_expect_success '--field naming a field ayak-lid writes is a usage error' '
	usage_error "--field lang: ayak-lid writes that field" --field lang &&
	usage_error "--field lang_score: ayak-lid writes that field" --field lang_score &&
	usage_error "--field lang_top: ayak-lid writes that field" --field lang_top --top 2 &&
	usage_error "--field lang_shares: ayak-lid writes that field" --field lang_shares --by line &&
	usage_error "--field lang_reason: ayak-lid writes that field" --field lang_reason --annotate &&
	echo "{\"lang_top\":\"Kerajaan akan memastikan bahawa setiap rakyat menerima bantuan.\"}" >top &&
	ayak-lid --field lang_top top >out &&
	echo "{\"lang_top\":\"Kerajaan akan memastikan bahawa setiap rakyat menerima bantuan.\",\"lang\":\"zsm_Latn\",\"lang_score\":1}" >expect &&
	test_cmp expect out
'

# The message had no reason ("write error: standard output")
test_expect_success '--list-labels and --model-info to /dev/full: exit 3, and why' '
	test_expect_code 3 ayak-lid --list-labels >/dev/full 2>err &&
	echo "ayak-lid: write error on standard output: No space left on device" >expect &&
	test_cmp expect err &&
	test_expect_code 3 ayak-lid --model-info >/dev/full 2>err &&
	test_cmp expect err
'

test_expect_success 'a malformed record: exit 1 with file and line' '
	printf "%s\n" "{\"text\":\"a\"}" "{\"text\":\"b" >bad.jsonl &&
	test_expect_code 1 ayak-lid bad.jsonl >out 2>err &&
	echo "ayak-lid: bad.jsonl:2: malformed record: unterminated string at column 9" >expect &&
	test_cmp expect err &&
	test_line_count = 1 out
'

test_expect_success 'invalid UTF-8 in a record is a malformed record; --on-error skip goes on' '
	printf "{\"text\":\"ab\\377cd\"}\n{\"text\":\"\"}\n" >utf.jsonl &&
	test_expect_code 1 ayak-lid utf.jsonl >out 2>err &&
	echo "ayak-lid: utf.jsonl:1: malformed record: invalid UTF-8 at column 12" >expect &&
	test_cmp expect err &&
	ayak-lid --on-error skip utf.jsonl >out 2>err &&
	echo "{\"text\":\"\",\"lang\":\"und\",\"lang_score\":1}" >expect &&
	test_cmp expect out &&
	grep "skipped 1 malformed record" err
'

test_expect_success 'a record without text, or with text that is not a string' '
	printf "%s\n" "{\"id\":1}" >notext.jsonl &&
	test_expect_code 1 ayak-lid notext.jsonl 2>err &&
	echo "ayak-lid: notext.jsonl:1: missing field \"text\"" >expect &&
	test_cmp expect err &&
	printf "%s\n" "{\"text\":5}" >num.jsonl &&
	test_expect_code 1 ayak-lid num.jsonl 2>err &&
	echo "ayak-lid: num.jsonl:1: field \"text\" is not a string" >expect &&
	test_cmp expect err
'

test_expect_success 'a 25 MB document is read in bounded time, sampled or whole' '
	awk "BEGIN { printf \"{\\\"text\\\":\\\"\"; for (i = 0; i < 400000; i++) printf \"Kerajaan akan memastikan bahawa semua rakyat menerima bantuan. \"; print \"\\\"}\" }" >big.jsonl &&
	test $(wc -c <big.jsonl) -gt 19000000 &&
	timeout 20 ayak-lid big.jsonl >out &&
	grep -q "\"lang\":\"zsm_Latn\",\"lang_score\":1}\$" out &&
	timeout 60 ayak-lid --sample 0 big.jsonl >out &&
	grep -q "\"lang\":\"zsm_Latn\",\"lang_score\":1}\$" out
'

# ASan reserves terabytes of address space: no ulimit -v under it
grep -q fsanitize "$AYAK_BUILD/flags" 2>/dev/null || test_set_prereq NOSAN

# --sample 0 kept about 40 bytes per byte of text (letters, words, features):
# a 5 MB record needed some 250 MB, a 51 MB one 2 GB.  The text is now read a
# few thousand words at a time.
test_expect_success NOSAN '--sample 0: memory does not grow with the text (5 MB under ulimit -v 120 MB)' '
	awk "BEGIN { printf \"{\\\"text\\\":\\\"\"; for (i = 0; i < 80000; i++) printf \"Kerajaan akan memastikan bahawa semua rakyat menerima bantuan. \"; print \"\\\"}\" }" >b5.jsonl &&
	(ulimit -v 120000 && ayak-lid --sample 0 b5.jsonl >out) &&
	grep -q "\"lang\":\"zsm_Latn\",\"lang_score\":1}\$" out
'

# The same labels and scores as when the whole text was read at once
# (these were made so): parts of a text with several scripts, URLs and
# words too long to count, the Latin and msa submodels and word odds summed.
test_expect_success 'a long text read in parts: the scores of the whole' '
	awk "BEGIN { printf \"{\\\"text\\\":\\\"\"; for (i = 0; i < 6000; i++) { printf \"Kerajaan akan memastikan semua rakyat menerima bantuan. Pemerintah akan memastikan bahwa setiap warga menerima bantuan. Kami pergi ke pasar. \"; if (i % 2 == 0) printf \"The government will make sure that help arrives. \"; if (i % 7 == 0) printf \"Правительство поможет всем. \"; if (i % 11 == 0) printf \"http://x.example/%d aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-kan \", i } print \"\\\"}\" }" >mix.jsonl &&
	ayak-lid --sample 0 --top 6 mix.jsonl | grep -o "\"lang\":.*" >out &&
	echo "\"lang\":\"ind_Latn\",\"lang_score\":0.9767,\"lang_top\":[{\"lang\":\"ind_Latn\",\"score\":0.9767},{\"lang\":\"rus_Cyrl\",\"score\":0.0233}]}" >expect &&
	test_cmp expect out
'

test_expect_success 'odd text: lone escapes, controls, long words, only marks' '
	cat >odd.jsonl <<-\EOF &&
	{"text":"\u0000\u0001\t\n\r"}
	{"text":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}
	{"text":"\u0301\u0302\u0303"}
	{"text":"\ufffd\ufffd kerana"}
	EOF
	ayak-lid --top 2 odd.jsonl >out &&
	test_line_count = 4 out &&
	sed -n 1p out | grep "\"lang\":\"und\",\"lang_score\":1," &&
	sed -n 2p out | grep "\"lang\":\"und\",\"lang_score\":1," &&
	sed -n 3p out | grep "\"lang\":\"und\",\"lang_score\":1,"
'

test_expect_success '--train: a small model from records, then used' '
	cat >train.jsonl <<-\EOF &&
	{"text":"Kerajaan akan memastikan bahawa semua rakyat mendapat bantuan kerana keadaan ekonomi.","label":"zsm_Latn"}
	{"text":"Polis berkata kenderaan itu dipandu laju selepas mesyuarat pagi tadi.","label":"zsm_Latn"}
	{"text":"Pemerintah akan memastikan bahwa semua warga mendapat bantuan karena kondisi ekonomi.","label":"ind_Latn"}
	{"text":"Polisi mengatakan mobil itu dikemudikan dengan cepat setelah rapat pagi tadi.","label":"ind_Latn"}
	{"text":"The government will make sure that every citizen gets help because of the economy.","label":"eng_Latn"}
	{"text":"The police said the car was driven fast after the morning meeting.","label":"eng_Latn"}
	EOF
	echo "version: test-1" >about &&
	ayak-lid --train -q -o small.bin --about about --epochs 20 --lr 1 \
		--submodel Latn:10:c1-3,w --submodel msa:10:c3,w,b train.jsonl &&
	ayak-lid --model small.bin --model-info >info &&
	grep "^version: test-1\$" info &&
	grep "^labels: 4: und eng_Latn ind_Latn zsm_Latn\$" info &&
	ayak-lid --train -q -o small2.bin --about about --epochs 20 --lr 1 \
		--submodel Latn:10:c1-3,w --submodel msa:10:c3,w,b train.jsonl &&
	test_cmp_bin small.bin small2.bin &&
	head -n 1 train.jsonl | ayak-lid --model small.bin >out &&
	grep "\"lang\":\"zsm_Latn\"" out
'

# From an audit: --train never claimed -o (--stats naming the model replaced
# it, exit 0), renamed the model before writing --stats, and found a
# missing directory only after training.
test_expect_success '--train: the model is an output like the others' '
	S="--submodel Latn:10:c1-3,w --submodel msa:10:c3,w,b" &&
	test_expect_code 2 ayak-lid --train -q $S -o own.bin --stats own.bin train.jsonl 2>err &&
	grep -x "ayak-lid: --output and --stats name the same file" err &&
	ln -s own.bin ownlink &&
	test_expect_code 2 ayak-lid --train -q $S -o own.bin --stats ownlink train.jsonl 2>err &&
	grep -x "ayak-lid: --output and --stats name the same file" err &&
	test_path_is_missing own.bin &&
	test_expect_code 3 ayak-lid --train -q $S -o own.bin --stats /dev/full train.jsonl 2>err &&
	grep -x "ayak-lid: write error on /dev/full: No space left on device" err &&
	test_path_is_missing own.bin &&
	test_expect_code 3 ayak-lid --train -q $S -o nodir/own.bin train.jsonl 2>err &&
	grep "^ayak-lid: nodir/own.bin: No such file or directory" err &&
	ayak-lid --train -q $S -o own.bin --stats own.json train.jsonl &&
	grep -q "\"records_out\":6" own.json &&
	grep -q "\"bytes_out\":$(wc -c <own.bin)," own.json &&
	ayak-lid --model own.bin --model-info >/dev/null &&
	test_expect_code 2 ayak-lid --train -q $S -o - train.jsonl >out 2>err &&
	grep -x "ayak-lid: --train writes a model file: -o - (standard output) does not go with it" err &&
	test_must_be_empty out
'

# From a black-box reading of the man page (2026-11-25): a label holding
# \u0000 was trained as the label before it; --extra-labels added an empty
# text of its label, so that a submodel of one label with texts trained, and a
# label that had texts changed the model; a --dictionary line not UTF-8, a
# --word-list ending ("-iti") or pair in a zsm= list (cut to "akhir") and an
# --about line of another form or with a NUL were left out or cut short
test_expect_success '--train: bad labels, lists and --about lines are errors at their line' '
	S="--submodel Latn:10:c1-3,w --epochs 2 --submodel msa:10:c3,w,b" &&
	ayak-lid --train -q -o ref.bin $S train.jsonl &&
	{ cat train.jsonl && echo "{\"text\":\"Satu dua.\",\"label\":\"zsm_Latn\\u0000x\"}"; } >nul.jsonl &&
	test_expect_code 1 ayak-lid --train -q -o m.bin $S nul.jsonl 2>err &&
	echo "ayak-lid: nul.jsonl:7: bad label (it holds \\u0000)" >expect &&
	test_cmp expect err &&
	test_path_is_missing m.bin &&
	grep zsm_Latn train.jsonl >z.jsonl &&
	test_expect_code 1 ayak-lid --train -q -o m.bin --submodel Latn:10:c1-3,w z.jsonl 2>err &&
	echo "ayak-lid: submodel \"Latn\": fewer than 2 labels with data" >expect &&
	test_cmp expect err &&
	printf "kerana\nker\377ana\n" >bad.dic &&
	test_expect_code 1 ayak-lid --train -q -o m.bin $S,d --dictionary bad.dic train.jsonl 2>err &&
	echo "ayak-lid: bad.dic:2: invalid UTF-8" >expect &&
	test_cmp expect err &&
	printf "kerana\n-iti\n" >end.txt &&
	test_expect_code 1 ayak-lid --train -q -o m.bin $S,m --word-list zsm=end.txt train.jsonl 2>err &&
	echo "ayak-lid: end.txt:2: an ending: word lists hold words (endings go in --markers)" >expect &&
	test_cmp expect err &&
	printf "kerana\nakhir pekan\n" >pair.txt &&
	test_expect_code 1 ayak-lid --train -q -o m.bin $S,m --word-list zsm=pair.txt train.jsonl 2>err &&
	echo "ayak-lid: pair.txt:2: two words: only zsm-data and ind-data lists hold pairs" >expect &&
	test_cmp expect err &&
	ayak-lid --train -q -o pair.bin $S,m --word-list zsm-data=pair.txt train.jsonl &&
	printf "version: 1\nno colon here\n" >ab1 &&
	test_expect_code 1 ayak-lid --train -q -o m.bin $S --about ab1 train.jsonl 2>err &&
	echo "ayak-lid: ab1:2: not '"'"'key: value'"'"'" >expect &&
	test_cmp expect err &&
	printf "version: 1\n\nx: y\n" >ab2 &&
	test_expect_code 1 ayak-lid --train -q -o m.bin $S --about ab2 train.jsonl 2>err &&
	echo "ayak-lid: ab2:2: an empty line (it would end the model'"'"'s text)" >expect &&
	test_cmp expect err &&
	printf "version: 1\nx: y\0z\n" >ab3 &&
	test_expect_code 1 ayak-lid --train -q -o m.bin $S --about ab3 train.jsonl 2>err &&
	echo "ayak-lid: ab3:2: NUL byte" >expect &&
	test_cmp expect err &&
	test_path_is_missing m.bin &&
	printf "version: 1\r\nx: y\r\n" >ab4 &&
	ayak-lid --train -q -o crlf.bin $S --about ab4 train.jsonl &&
	ayak-lid --model crlf.bin --model-info | head -n 3 >got &&
	printf "ayak-lid model\nversion: 1\nx: y\n" >expect &&
	test_cmp expect got
'


# A model of more labels than the --stats file has counters (64): the
# rarest labels were left out of the counts, 12 records of 76 not counted
test_expect_success '--stats: every record counted, the rarest labels together past 63' '
	cat train.jsonl "$TEST_DATA/lid/scripts.jsonl" >many.jsonl &&
	ayak-lid --train -q -o many.bin --submodel Latn:10:c1-3,w --submodel msa:10:c3,w,b many.jsonl &&
	ayak-lid --model many.bin --stats st.json -o out "$TEST_DATA/lid/scripts.jsonl" &&
	sed "s/.*\"counts\":{\(.*\)}}\$/\1/" st.json | tr , "\n" >counts &&
	test_line_count = 64 counts &&
	sed -n "s/.*\"lang\":\"\([^\"]*\)\".*/\1/p" out | sort | uniq -c | sort -k1,1nr -k2,2 >labels &&
	test $(wc -l <labels) -gt 64 &&
	tail -n 1 counts >last &&
	echo "\"lang.others\":$(sed -n "64,\$p" labels | awk "{ n += \$1 } END { print n }")" >expect &&
	test_cmp expect last &&
	awk -F: "{ n += \$2 } END { print n }" counts >sum &&
	wc -l <"$TEST_DATA/lid/scripts.jsonl" >expect &&
	test_cmp expect sum
'

# Training wrote 13 lines of progress on standard error, though it succeeded
test_expect_success '--train is silent on success; --verbose reports the epochs' '
	ayak-lid --train -o v.bin --about about --epochs 2 --lr 1 \
		--submodel Latn:10:c1-3,w --submodel msa:10:c3,w,b train.jsonl 2>err &&
	test_must_be_empty err &&
	ayak-lid --train --verbose -o v2.bin --about about --epochs 2 --lr 1 \
		--submodel Latn:10:c1-3,w --submodel msa:10:c3,w,b train.jsonl 2>err &&
	test_cmp_bin v.bin v2.bin &&
	test_line_count = 7 err &&
	grep "^ayak-lid: submodel Latn: epoch 2: loss [0-9.]*, training accuracy [0-9.]*\$" err &&
	grep "^ayak-lid: wrote v2.bin: [0-9]* labels, 2 submodels, [0-9]* bytes\$" err &&
	test_expect_code 2 ayak-lid --verbose in 2>err &&
	printf "%s\n" "ayak-lid: --verbose goes only with --train" "Try '"'"'ayak-lid --help'"'"'." >expect &&
	test_cmp expect err
'

# train_lists OUT MARKERS: a small model with --dropout and the word lists zw.txt and
# iw.txt, its group model's markers MARKERS (m, m1 to m8)
train_lists () {
	ayak-lid --train -q -o "$1" --about about --epochs 20 --lr 1 --dropout 0.3 \
		--word-list zsm-data=zw.txt --word-list ind-data=iw.txt \
		--submodel Latn:10:c1-3,w --submodel "msa:10:c3,w,b,$2" train.jsonl
}

test_expect_success '--train: --dropout and word lists drawn from data (words and pairs)' '
	printf "%s\n" "# test" kerana bahawa "pagi tadi" >zw.txt &&
	printf "%s\n" karena bahwa "rapat pagi" >iw.txt &&
	train_lists d1.bin m &&
	train_lists d2.bin m &&
	test_cmp_bin d1.bin d2.bin &&
	! test_cmp_bin small.bin d1.bin 2>/dev/null &&
	sed -n 3p train.jsonl | ayak-lid --model d1.bin >out &&
	grep "\"lang\":\"ind_Latn\"" out &&
	test_expect_code 2 ayak-lid --train -o m.bin --dropout 0.95 train.jsonl 2>err &&
	grep "^ayak-lid: --dropout" err &&
	test_expect_code 2 ayak-lid --train -o m.bin --word-list msa=zw.txt train.jsonl 2>err &&
	grep "^ayak-lid: --word-list wants zsm=FILE, ind=FILE, zsm-data=FILE or ind-data=FILE, not '"'"'msa=zw.txt'"'"'\$" err &&
	echo "pagi tadi pula" >bad.txt &&
	test_expect_code 1 ayak-lid --train -q -o m.bin --word-list zsm-data=bad.txt train.jsonl 2>err &&
	echo "ayak-lid: bad.txt:1: bad marker \"pagi tadi pula\": more than two words" >expect &&
	test_cmp expect err &&
	test_path_is_missing m.bin
'

test_expect_success '--train: m3 counts each marker three times; m9 and unequal weights are refused' '
	train_lists w3.bin m3 &&
	train_lists w3b.bin m3 &&
	test_cmp_bin w3.bin w3b.bin &&
	! test_cmp_bin d1.bin w3.bin 2>/dev/null &&
	train_lists w1.bin m1 &&
	test_cmp_bin d1.bin w1.bin &&
	sed -n 3p train.jsonl | ayak-lid --model w3.bin >out &&
	grep "\"lang\":\"ind_Latn\"" out &&
	test_expect_code 2 ayak-lid --train -o m.bin --submodel msa:10:c3,m9 train.jsonl 2>err &&
	echo "ayak-lid: --submodel wants NAME:BITS:FEATURES (BITS 8-22; features c1-c5, w, b, m or m2-m8, x, d, mean), not '"'"'msa:10:c3,m9'"'"'" >expect &&
	sed -n 1p err >first &&
	test_cmp expect first &&
	test_expect_code 2 ayak-lid --train -q -o m.bin --submodel Latn:10:c1-3,w,m2 \
		--submodel msa:10:c3,w,b,m3 --word-list zsm-data=zw.txt train.jsonl 2>err &&
	printf "%s\n" "ayak-lid: the submodels with markers need the same marker weight" \
		"Try '\''ayak-lid --help'\''." >expect &&
	test_cmp expect err &&
	test_path_is_missing m.bin
'

test_expect_success '--train: marker files with CRLF lines; a bad line is named by file and line' '
	printf "# markers\r\nkerana\tzsm\tstrong\r\nkarena\tind\tweak\r\n" >crlf.tsv &&
	printf "# markers\nkerana\tzsm\tstrong\nkarena\tind\tweak\n" >lf.tsv &&
	ayak-lid --train -q -o m1.bin --about about --epochs 2 --markers crlf.tsv \
		--submodel Latn:10:c1-3,w --submodel msa:10:c3,w,b,m train.jsonl &&
	ayak-lid --train -q -o m2.bin --about about --epochs 2 --markers lf.tsv \
		--submodel Latn:10:c1-3,w --submodel msa:10:c3,w,b,m train.jsonl &&
	test_cmp_bin m1.bin m2.bin &&
	# bad_markers FILE TEXT LINE MESSAGE: training with markers TEXT (printf escapes) fails
	# with exit 1 and "FILE:LINE: MESSAGE" (escapes too)
	bad_markers () {
		printf "$2" >"$1" &&
		test_expect_code 1 ayak-lid --train -q -o m3.bin --markers "$1" train.jsonl 2>err &&
		printf "ayak-lid: %s:%s: %b\n" "$1" "$3" "$4" >expect &&
		test_cmp expect err
	} &&
	bad_markers bad.tsv "kerana\tzsm\tstrong\n\nbahawa zsm\n" 3 \
		"bad marker line \"bahawa zsm\" (WORD<TAB>zsm|ind<TAB>strong|weak)" &&
	bad_markers side.tsv "kerana\tmsa\tstrong\n" 1 "bad side \"msa\" (zsm or ind)" &&
	bad_markers strength.tsv "kerana\tzsm\tstrong\nbahwa\tind\tweek\n" 2 \
		"bad strength \"week\" (strong or weak)" &&
	bad_markers extra.tsv "bahwa\tind\tweak\tsee KBBI\n" 1 \
		"bad strength \"weak\\\\tsee KBBI\" (strong or weak)" &&
	test_path_is_missing m3.bin
'

test_expect_success '--train --word-odds: stored, read back, the same bytes twice; weight 0 is the model without' '
	cat train.jsonl train.jsonl >train2.jsonl &&
	ayak-lid --train -q -o o1.bin --about about --epochs 20 --lr 1 --word-odds 12 \
		--submodel Latn:10:c1-3,w --submodel msa:10:c3,w,b train2.jsonl &&
	ayak-lid --train -q -o o2.bin --about about --epochs 20 --lr 1 --word-odds 12 \
		--submodel Latn:10:c1-3,w --submodel msa:10:c3,w,b train2.jsonl &&
	test_cmp_bin o1.bin o2.bin &&
	ayak-lid --train -q -o o0.bin --about about --epochs 20 --lr 1 \
		--submodel Latn:10:c1-3,w --submodel msa:10:c3,w,b train2.jsonl &&
	ayak-lid --model o1.bin --model-info >info &&
	grep "^word odds: 2^12 buckets, weight 0.2\$" info &&
	ayak-lid --model o0.bin --model-info >info0 &&
	grep "^word odds: none\$" info0 &&
	ayak-lid --train -q -o o3.bin --about about --epochs 20 --lr 1 --word-odds 12 \
		--word-odds-alpha 0.5 --word-odds-weight 1.5 \
		--submodel Latn:10:c1-3,w --submodel msa:10:c3,w,b train2.jsonl &&
	ayak-lid --model o3.bin --model-info | grep "^word odds: 2^12 buckets, weight 1.5\$" &&
	echo "{\"text\":\"Polis berkata kenderaan itu dipandu laju selepas mesyuarat pagi tadi.\"}" >z.jsonl &&
	ayak-lid --model o0.bin --top 2 z.jsonl >plain &&
	ayak-lid --model o1.bin --top 2 --word-odds-weight 0 z.jsonl >off &&
	test_cmp plain off &&
	ayak-lid --model o1.bin --top 2 z.jsonl >on &&
	! test_cmp plain on 2>/dev/null &&
	score () { sed "s/.*\"lang\":\"zsm_Latn\",\"lang_score\":\([0-9.]*\).*/\1/" "$1"; } &&
	awk -v a="$(score on)" -v b="$(score plain)" "BEGIN { exit !(a > b) }" &&
	echo "{\"text\":\"Polis berkata.\"}" >short.jsonl &&
	ayak-lid --model o0.bin --top 2 short.jsonl >plain &&
	ayak-lid --model o1.bin --top 2 short.jsonl >on &&
	test_cmp plain on
'

test_expect_success '--word-odds: bad settings, and training texts without both sides' '
	test_expect_code 2 ayak-lid --train -o m.bin --word-odds 9 train.jsonl 2>err &&
	echo "ayak-lid: --word-odds wants 0 or a number of bits from 10 to 24, not '"'"'9'"'"'" >expect &&
	sed -n 1p err >first && test_cmp expect first &&
	test_expect_code 2 ayak-lid --word-odds-weight -1 in 2>err &&
	grep "^ayak-lid: --word-odds-weight wants a number from 0 to 100" err &&
	grep -v zsm_Latn train.jsonl >noz.jsonl &&
	test_expect_code 1 ayak-lid --train -q -o m.bin --word-odds 12 \
		--submodel Latn:10:c1-3,w --submodel msa:10:c3,w,b noz.jsonl 2>err &&
	echo "ayak-lid: word odds need zsm_Latn and ind_Latn training texts" >expect &&
	test_cmp expect err &&
	test_path_is_missing m.bin
'

# A label such as "bogus" went into the model (exit 0); the default
# submodels failed on Cyrl only after Latn and msa had trained every epoch
test_expect_success '--train: labels are checked as read; submodels before training' '
	awk "BEGIN { for (i = 0; i < 100; i++) { printf \"{\\\"text\\\":\\\"Kerajaan akan memastikan bahawa setiap rakyat menerima bantuan %d\\\",\\\"label\\\":\\\"zsm_Latn\\\"}\\n\", i; printf \"{\\\"text\\\":\\\"Pemerintah akan memastikan bahwa setiap warga menerima bantuan %d\\\",\\\"label\\\":\\\"ind_Latn\\\"}\\n\", i } }" >tr.jsonl &&
	cp tr.jsonl bogus.jsonl &&
	echo "{\"text\":\"lorem ipsum\",\"label\":\"bogus\"}" >>bogus.jsonl &&
	test_expect_code 1 ayak-lid --train --msa zsm_Latn,ind_Latn --submodel Latn:12:c1-4,w \
		--submodel msa:12:c1-5,w,b -o m.bin bogus.jsonl 2>err &&
	echo "ayak-lid: bogus.jsonl:201: bad label \"bogus\" (ISO 639-3 and ISO 15924 codes such as zsm_Latn, or und)" >expect &&
	test_cmp expect err &&
	test_path_is_missing m.bin &&
	for l in zsm_latn zsm-Latn zsmm_Latn zsm_Xyzw ZSM_Latn zsm_Latn_x; do
		echo "{\"text\":\"x\",\"label\":\"$l\"}" >one.jsonl &&
		test_expect_code 1 ayak-lid --train -o m.bin one.jsonl 2>err &&
		grep -q "^ayak-lid: one.jsonl:1: bad label \"$l\" (" err || return 1
	done &&
	test_expect_code 1 ayak-lid --train --verbose --msa zsm_Latn,ind_Latn -o m.bin tr.jsonl 2>err &&
	echo "ayak-lid: submodel \"Cyrl\": fewer than 2 labels with data" >expect &&
	test_cmp expect err &&
	test_path_is_missing m.bin &&
	cp tr.jsonl thai.jsonl &&
	echo "{\"text\":\"สวัสดี\",\"label\":\"tha_Thai\"}" >>thai.jsonl &&
	echo "{\"text\":\"สบายดีไหม\",\"label\":\"lao_Thai\"}" >>thai.jsonl &&
	test_expect_code 1 ayak-lid --train --verbose --submodel Latn:10:c1-3,w -o m.bin thai.jsonl 2>err &&
	echo "ayak-lid: labels lao_Thai and tha_Thai: no submodel for their script (--submodel Thai:BITS:FEATURES)" >expect &&
	test_cmp expect err &&
	test_path_is_missing m.bin &&
	ayak-lid --train --submodel Latn:10:c1-3,w --submodel Thai:10:c1-3 -o thai.bin thai.jsonl &&
	test_path_is_file thai.bin &&
	test_expect_code 2 ayak-lid --train --msa zsm_Latn,bogus -o m2.bin tr.jsonl 2>err &&
	printf "%s\n" "ayak-lid: --msa: bad label '"'"'bogus'"'"' (ISO 639-3 and ISO 15924 codes such as zsm_Latn, or und)" \
		"Try '"'"'ayak-lid --help'"'"'." >expect &&
	test_cmp expect err &&
	test_expect_code 2 ayak-lid --train --extra-labels zho -o m2.bin tr.jsonl 2>err &&
	grep "^ayak-lid: --extra-labels: bad label '"'"'zho'"'"' (" err
'

# Two submodels for one script (Latn twice, Latin beside Latn, msa twice)
# were both trained and the first never used; --msa took und, labels of
# other scripts and a label twice, and a second --msa replaced the first
train_usage () {
	local msg=$1
	shift
	test_expect_code 2 ayak-lid --train -q -o m.bin "$@" train.jsonl 2>err &&
	printf "ayak-lid: %s\nTry 'ayak-lid --help'.\n" "$msg" >expect &&
	test_cmp expect err &&
	test_path_is_missing m.bin
}

test_expect_success '--train: one submodel per script; --msa of Latin labels, each once' '
	train_usage "submodels \"Latn\" and \"Latn\": two for the same text (one per script, one msa)" \
		--submodel Latn:10:c1-3,w --submodel msa:10:c3 --submodel Latn:12:c1-3 &&
	train_usage "submodels \"Latn\" and \"Latin\": two for the same text (one per script, one msa)" \
		--submodel Latn:10:c1-3,w --submodel Latin:10:c3 &&
	train_usage "submodels \"msa\" and \"msa\": two for the same text (one per script, one msa)" \
		--submodel Latn:10:c1-3,w --submodel msa:10:c3 --submodel msa:10:c3,w &&
	train_usage "submodel \"Xxxx\": not a script" --submodel Latn:10:c1-3,w --submodel Xxxx:10:c3 &&
	S="--submodel Latn:10:c1-3,w --submodel msa:10:c3,w,b" &&
	train_usage "--msa: '"'"'und'"'"' is not a Latin-script label (the group'"'"'s model reads Latin text only)" \
		$S --msa zsm_Latn,ind_Latn,und &&
	train_usage "--msa: '"'"'zsm_Arab'"'"' is not a Latin-script label (the group'"'"'s model reads Latin text only)" \
		$S --msa zsm_Latn,ind_Latn,zsm_Arab &&
	train_usage "--msa: '"'"'zsm_Latn'"'"' twice" $S --msa zsm_Latn,ind_Latn --msa zsm_Latn &&
	ayak-lid --train -q -o two.bin --about about --epochs 20 --lr 1 $S \
		--msa zsm_Latn --msa ind_Latn train.jsonl &&
	ayak-lid --train -q -o one.bin --about about --epochs 20 --lr 1 $S \
		--msa zsm_Latn,ind_Latn train.jsonl &&
	test_cmp_bin one.bin two.bin &&
	ayak-lid --train -q -o eng.bin --about about --epochs 20 --lr 1 $S \
		--msa zsm_Latn train.jsonl &&
	! test_cmp_bin one.bin eng.bin 2>/dev/null
'

test_expect_success '--train: bad training records and settings' '
	echo "{\"text\":\"x\"}" >nolabel.jsonl &&
	test_expect_code 1 ayak-lid --train -o m.bin nolabel.jsonl 2>err &&
	echo "ayak-lid: nolabel.jsonl:1: missing field \"label\"" >expect &&
	test_cmp expect err &&
	test_path_is_missing m.bin &&
	echo "{\"text\":\"x\",\"label\":\"not a label\"}" >badlabel.jsonl &&
	test_expect_code 1 ayak-lid --train -o m.bin badlabel.jsonl 2>err &&
	echo "ayak-lid: badlabel.jsonl:1: bad label \"not a label\" (ISO 639-3 and ISO 15924 codes such as zsm_Latn, or und)" >expect &&
	test_cmp expect err &&
	test_expect_code 2 ayak-lid --train -o m.bin --submodel Latn:99:c1 train.jsonl 2>err &&
	grep "^ayak-lid: --submodel wants NAME:BITS:FEATURES" err &&
	test_expect_code 1 ayak-lid --train -q -o m.bin --submodel Cyrl:10:c1 train.jsonl 2>err &&
	echo "ayak-lid: submodel \"Cyrl\": fewer than 2 labels with data" >expect &&
	test_cmp expect err &&
	test_path_is_missing m.bin
'

test_expect_success '--train: usage errors of file names, sizes and lists' '
	train_usage "--markers wants a file name, not '"''"'" --markers "" &&
	train_usage "--dictionary wants a file name, not '"''"'" --dictionary "" &&
	train_usage "--about wants a file name, not '"''"'" --about "" &&
	train_usage "--word-list wants a file name after '"'"'='"'"', not '"'"'zsm='"'"'" --word-list zsm= &&
	train_usage "--train-sample wants 0 or a size of at least 64, not '"'"'63'"'"'" --train-sample 63 &&
	train_usage "--train-sample: '"'"'1P'"'"' has an unknown unit (K, M, G or T, and B if wanted)" --train-sample 1P &&
	train_usage "--lr wants a number from 0.000001 to 100, not '"'"'1e-6'"'"'" --lr 1e-6 &&
	train_usage "--extra-labels: too many labels (at most 63 in all)" \
		--extra-labels "$(seq -f "x%02g_Latn" 40 | sed "s/^x/a/" | paste -sd,)" \
		--extra-labels "$(seq -f "x%02g_Latn" 24 | sed "s/^x/b/" | paste -sd,)"
'

test_done
