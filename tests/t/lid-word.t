#!/usr/bin/env bash
test_description='ayak-lid --by word: code-switching inside a line (English and Malay), names, scripts, the switch-words table and its errors'
. "$(dirname "$0")/../lib.sh"

# The lines are written for these tests (ayak project, same license as ayak).
cat >in.jsonl <<\END
{"text":"Aku rasa this movie is so good lah, tapi harga tiket mahal sangat"}
{"text":"Saya nak pergi ke kedai tapi the traffic is really bad today"}
{"text":"Dia cakap dia dah submit the report semalam"}
{"text":"I think kita patut pergi awal esok pagi sebab nanti jalan sesak"}
{"text":"Honda Malaysia Sdn Bhd baru sahaja melancarkan model baharu di Pasir Gudang"}
{"text":"Semalam kami tengok The Dark Knight di pawagam"}
{"text":"SAYA TAK SUKA, THIS IS REALLY BAD"}
{"text":"我们今天去吃饭 then kita pergi shopping"}
{"text":"Pemerintah sudah bilang bahwa the new policy will start next month"}
{"text":"Terima kasih atas bantuan anda"}
{"text":"The meeting was postponed until next week"}
{"text":"12345 https://example.com"}
{"text":"Kerajaan கல்வி அமைச்சு akan umumkan the results tomorrow"}
END
sed -n 1p in.jsonl >one

# parts FILE: each record's label, then its runs as LABEL:START-END=TEXT
parts () {
	jq -r "[.lang] + [.lang_parts[] as \$p | \"\(\$p.lang):\(\$p.start)-\(\$p.end)=\(.text | .[\$p.start:\$p.end])\"] | join(\" \")" "$1"
}

test_expect_success 'golden splits: Manglish, names, capitals, Han and Tamil, Indonesian, one language' '
	ayak-lid --by word in.jsonl >out 2>err &&
	test_must_be_empty err &&
	parts out >got &&
	cat >expect <<-\EOF &&
	zsm_Latn+eng_Latn zsm_Latn:0-8=Aku rasa eng_Latn:9-30=this movie is so good zsm_Latn:31-65=lah, tapi harga tiket mahal sangat
	eng_Latn+zsm_Latn zsm_Latn:0-28=Saya nak pergi ke kedai tapi eng_Latn:29-60=the traffic is really bad today
	zsm_Latn+eng_Latn zsm_Latn:0-17=Dia cakap dia dah eng_Latn:18-35=submit the report zsm_Latn:36-43=semalam
	zsm_Latn eng_Latn:0-7=I think zsm_Latn:8-63=kita patut pergi awal esok pagi sebab nanti jalan sesak
	zsm_Latn zsm_Latn:0-75=Honda Malaysia Sdn Bhd baru sahaja melancarkan model baharu di Pasir Gudang
	zsm_Latn zsm_Latn:0-46=Semalam kami tengok The Dark Knight di pawagam
	eng_Latn+zsm_Latn zsm_Latn:0-13=SAYA TAK SUKA eng_Latn:15-33=THIS IS REALLY BAD
	zsm_Latn+zho_Hans zho_Hans:0-7=我们今天去吃饭 eng_Latn:8-12=then zsm_Latn:13-32=kita pergi shopping
	eng_Latn+ind_Latn ind_Latn:0-29=Pemerintah sudah bilang bahwa eng_Latn:30-66=the new policy will start next month
	zsm_Latn zsm_Latn:0-30=Terima kasih atas bantuan anda
	eng_Latn eng_Latn:0-41=The meeting was postponed until next week
	und
	zsm_Latn+eng_Latn zsm_Latn:0-8=Kerajaan tam_Taml:9-22=கல்வி அமைச்சு zsm_Latn:23-35=akan umumkan eng_Latn:36-56=the results tomorrow
	EOF
	test_cmp expect got
'

test_expect_success 'shares are of the letters of the runs, and add up to 1' '
	sed -n 1p out | jq -c .lang_shares >got &&
	echo "{\"zsm_Latn\":0.6731,\"eng_Latn\":0.3269}" >expect &&
	test_cmp expect got &&
	jq "select(.lang != \"und\") | [.lang_shares[]] | add * 1000 | round" out | sort -u >sums &&
	echo 1000 >expect &&
	test_cmp expect sums
'

test_expect_success 'each run has a score from 0 to 1; runs are in order, without overlap' '
	jq -e "all(.lang_parts[]; .score > 0 and .score <= 1 and .start < .end)" out >/dev/null &&
	jq -e "[.lang_parts[] | .start, .end] | . == sort" out >/dev/null
'

test_expect_success '--switch-cost: a high cost keeps one run, 0 follows every word' '
	ayak-lid --by word --switch-cost 50 one | parts /dev/stdin >got &&
	echo "zsm_Latn zsm_Latn:0-65=Aku rasa this movie is so good lah, tapi harga tiket mahal sangat" >expect &&
	test_cmp expect got &&
	echo "{\"text\":\"saya suka movie ini\"}" >loan &&
	ayak-lid --by word loan | jq -c "[.lang_parts[].lang]" >got &&
	echo "[\"zsm_Latn\"]" >expect &&
	test_cmp expect got &&
	ayak-lid --by word --switch-cost 0 loan | jq -c "[.lang_parts[].lang]" >got &&
	echo "[\"zsm_Latn\",\"eng_Latn\",\"zsm_Latn\"]" >expect &&
	test_cmp expect got
'

test_expect_success 'offsets are code points: text before the line in other scripts' '
	echo "{\"text\":\"日本 — Kami suka sangat this place is amazing\"}" >cp.jsonl &&
	ayak-lid --by word cp.jsonl | parts /dev/stdin >got &&
	echo "eng_Latn+zsm_Latn zho_Hans:0-2=日本 zsm_Latn:5-21=Kami suka sangat eng_Latn:22-43=this place is amazing" >expect &&
	test_cmp expect got
'

test_expect_success 'Latin text of another language is one run of its label' '
	echo "{\"text\":\"Le gouvernement a annoncé hier une nouvelle politique pour les écoles de la région\"}" >fr.jsonl &&
	ayak-lid --by word fr.jsonl | parts /dev/stdin >got &&
	echo "fra_Latn fra_Latn:0-82=Le gouvernement a annoncé hier une nouvelle politique pour les écoles de la région" >expect &&
	test_cmp expect got
'

test_expect_success 'the same input gives the same output, byte for byte; --mixed goes with it' '
	ayak-lid --by word in.jsonl >again &&
	test_cmp_bin out again &&
	ayak-lid --by word --mixed 0.45 one | jq -r .lang >got &&
	echo zsm_Latn >expect &&
	test_cmp expect got
'

test_expect_success 'long text: split a few thousand words at a time, runs join across' '
	awk "BEGIN { printf \"{\\\"text\\\":\\\"\"; for (i = 0; i < 3000; i++) printf \"kami suka makan nasi lemak kerana sedap \"; for (i = 0; i < 1000; i++) printf \"the weather is very nice today \"; print \"\\\"}\" }" >long.jsonl &&
	ayak-lid --by word long.jsonl >out &&
	jq -c "[.lang_parts[] | [.lang, .start, .end]]" out >got &&
	echo "[[\"zsm_Latn\",0,119999],[\"eng_Latn\",120000,150999]]" >expect &&
	test_cmp expect got
'

test_expect_success 'a record with invalid UTF-8: the file and line, exit 1 (the reader rejects it)' '
	printf "{\"text\":\"saya suka \\xff sangat this one is good\"}\n" >bad.jsonl &&
	test_expect_code 1 ayak-lid --by word bad.jsonl >out 2>err &&
	echo "ayak-lid: bad.jsonl:1: malformed record: invalid UTF-8 at column 20" >expect &&
	test_cmp expect err
'

test_expect_success '--switch-words: a table of words of your own' '
	printf "# mine\nmovie\t-8\ngood\t-8\nthis\t-8\nis\t-8\nso\t-8\n" >mine.tsv &&
	ayak-lid --by word --switch-words mine.tsv one | jq -c "[.lang_parts[].lang]" >got &&
	echo "[\"zsm_Latn\"]" >expect &&
	test_cmp expect got
'

test_expect_success 'a missing table: clear message, exit 3, no output' '
	test_expect_code 3 ayak-lid --by word --switch-words nope.tsv one >out 2>err &&
	echo "ayak-lid: nope.tsv: No such file or directory" >expect &&
	test_cmp expect err &&
	test_must_be_empty out
'

test_expect_success 'bad tables: the file and line, exit 3, no output' '
	rm -f err &&
	printf "movie\t9\n" >t1 &&
	printf "# c\nMovie\t1\n" >t2 &&
	printf "movie\t1\n\nmovie\t2\n" >t3 &&
	printf "movie 1\n" >t4 &&
	printf "movie\t1x\n" >t5 &&
	printf "movie\t1\textra\n" >t6 &&
	printf "movie\t\xff\n" >t7 &&
	printf "movie\t1e0\n" >t8 &&
	printf "movie\t--1\n" >t9 &&
	for t in t1 t2 t3 t4 t5 t6 t7 t8 t9
	do
		test_expect_code 3 ayak-lid --by word --switch-words $t one >out 2>>err &&
		test_must_be_empty out || return 1
	done &&
	cat >expect <<-\EOF &&
	ayak-lid: t1:1: want odds from -8 to 8, not '\''9'\''
	ayak-lid: t2:2: '\''Movie'\'' is neither a lower-case word (of 64 letters at most) nor 16 hex digits
	ayak-lid: t3:3: the word of line 1 again
	ayak-lid: t4:1: want a word and its odds, tab-separated
	ayak-lid: t5:1: want odds from -8 to 8, not '\''1x'\''
	ayak-lid: t6:1: want a word and its odds, tab-separated
	ayak-lid: t7:1: invalid UTF-8
	ayak-lid: t8:1: want odds from -8 to 8, not '\''1e0'\''
	ayak-lid: t9:1: want odds from -8 to 8, not '\''--1'\''
	EOF
	test_cmp expect err
'

test_expect_success 'the shipped table: hashes, sorted, odds within bounds' '
	T=$AYAK_TOP/lexicons/lid/switch.tsv &&
	grep -v "^#" "$T" >rows &&
	test_line_count -gt 10000 rows &&
	! grep -vE "^[0-9a-f]{16}	-?[0-8]\.[0-9]\$" rows &&
	cut -f1 rows >keys &&
	LC_ALL=C sort -u keys >sorted &&
	test_cmp keys sorted
'

test_expect_success 'a word and its hash are the same key (lid_word_hash, as lid-switch.py makes it)' '
	printf "saya\t-8\nsuka\t-8\nini\t-8\n" >h.tsv &&
	cp h.tsv w.tsv &&
	printf "movie\t8\n" >>w.tsv &&
	python3 -c "import importlib.util as u; s = u.spec_from_file_location(\"m\", \"$AYAK_TOP/tests/bench/lid-switch.py\"); m = u.module_from_spec(s); s.loader.exec_module(m); print(\"%016x\t8\" % m.word_hash(\"movie\"))" >>h.tsv &&
	ayak-lid --by word --switch-words w.tsv loan >a &&
	ayak-lid --by word --switch-words h.tsv loan >b &&
	test_cmp a b &&
	jq -c "[.lang_parts[].lang]" a >got &&
	echo "[\"zsm_Latn\",\"eng_Latn\",\"zsm_Latn\"]" >expect &&
	test_cmp expect got
'

# A hashtag run together gives the model nothing (over 40 letters): it was a
# Malay run of score 0.5, which --keep zsm_Latn kept (2026-11-25).
test_expect_success 'a Latin word of more than 40 letters is in no run, as the model reads none' '
	cat >long.jsonl <<-\EOF &&
	{"text":"#SayaNakPergiKedaiSekejapUntukMembeliBarang"}
	{"text":"Saya nak pergi #SayaNakPergiKedaiSekejapUntukMembeliBarang kedai sekarang"}
	EOF
	ayak-lid --by word --keep zsm_Latn long.jsonl >out &&
	jq -c "[.lang, .lang_parts, .lang_shares]" out >got &&
	cat >expect <<-\EOF &&
	["zsm_Latn",[{"lang":"zsm_Latn","score":0.9872,"start":0,"end":73}],{"zsm_Latn":1}]
	EOF
	test_cmp expect got &&
	ayak-lid --by word long.jsonl | sed -n 1p | jq -c "[.lang, .lang_score, .lang_parts, .lang_shares]" >got &&
	echo "[\"und\",1,[],{}]" >expect &&
	test_cmp expect got
'

test_expect_success 'usage: --sample does not go with --by word, but for 0 (it reads every word)' '
	test_expect_code 2 ayak-lid --by word --sample 64 one >out 2>err &&
	printf "%s\n" "ayak-lid: --sample does not go with --by word (it reads every word)" \
		"Try '"'"'ayak-lid --help'"'"'." >expect &&
	test_cmp expect err &&
	test_must_be_empty out &&
	ayak-lid --by word one >expect &&
	ayak-lid --by word --sample 0 one >out &&
	test_cmp expect out
'

test_expect_success 'usage: --switch-cost and --switch-words go only with --by word' '
	test_expect_code 2 ayak-lid --switch-cost 2 one 2>err &&
	grep "switch-cost goes only with --by word" err &&
	test_expect_code 2 ayak-lid --by line --switch-words mine.tsv one 2>err &&
	grep "switch-words goes only with --by word" err &&
	test_expect_code 2 ayak-lid --by word --switch-cost -1 one 2>err &&
	test_expect_code 2 ayak-lid --by sentence one 2>err &&
	grep "by wants line, paragraph or word" err
'

test_done
