#!/usr/bin/env bash
test_description='ayak-tok --words and --sentences: Malay rules, JSON and plain output, offsets'
. "$(dirname "$0")/../lib.sh"

test_expect_success 'setup' '
	cat >in.jsonl <<-\EOF
	{"id":1,"text":"Kanak-kanak itu bersalam-salaman dengan Dr. Ahmad dari Syarikat ABC Sdn. Bhd. di Jln. Ampang. Bukunya hilang."}
	{"id":2,"text":"Harga RM1,250.50 pada 12/03/2024. Lawati https://www.contoh.com.my/a?b=1 atau emel ali@contoh.my #Merdeka"}
	EOF
	printf "{\"id\":3,\"text\":\"\"}\n" >empty.jsonl
'

test_expect_success '--words adds a words array; every other byte is kept' '
	ayak-tok --words in.jsonl >out 2>err &&
	test_must_be_empty err &&
	head -n 1 out >first &&
	cat >expect <<-\EOF &&
	{"id":1,"text":"Kanak-kanak itu bersalam-salaman dengan Dr. Ahmad dari Syarikat ABC Sdn. Bhd. di Jln. Ampang. Bukunya hilang.","words":["Kanak-kanak","itu","bersalam-salaman","dengan","Dr.","Ahmad","dari","Syarikat","ABC","Sdn.","Bhd.","di","Jln.","Ampang",".","Bukunya","hilang","."]}
	EOF
	test_cmp expect first
'

test_expect_success 'numbers, dates, RM amounts, URLs, e-mail addresses and hashtags stay whole' '
	ayak-tok --words in.jsonl | tail -n 1 | sed -e "s/.*\"words\"://" >got &&
	echo "[\"Harga\",\"RM1,250.50\",\"pada\",\"12/03/2024\",\".\",\"Lawati\",\"https://www.contoh.com.my/a?b=1\",\"atau\",\"emel\",\"ali@contoh.my\",\"#Merdeka\"]}" >expect &&
	test_cmp expect got
'

test_expect_success '--sentences: abbreviations do not end sentences' '
	ayak-tok --sentences in.jsonl | head -n 1 | sed -e "s/.*\"sentences\"://" >got &&
	echo "[\"Kanak-kanak itu bersalam-salaman dengan Dr. Ahmad dari Syarikat ABC Sdn. Bhd. di Jln. Ampang.\",\"Bukunya hilang.\"]}" >expect &&
	test_cmp expect got
'

test_expect_success '--sentences: dll., dsb., Bhd. and s.a.w. end a sentence before a capital' '
	test_write_lines "{\"text\":\"Saya beli sayur, buah dll. Kemudian saya pulang.\"}" \
		"{\"text\":\"Kata Maju Group Bhd. Syarikat itu berkata.\"}" \
		"{\"text\":\"Buku, pen dsb. masih ada. Kertas dsb. Semua dijual.\"}" \
		"{\"text\":\"Sabda Nabi Muhammad s.a.w. Baginda bersabda.\"}" \
		"{\"text\":\"Beli sayur dll. di pasar. Ms. Tan datang.\"}" >abbr.jsonl &&
	ayak-tok --sentences abbr.jsonl | sed -e "s/.*\"sentences\"://" >got &&
	cat >expect <<-\EOF &&
	["Saya beli sayur, buah dll.","Kemudian saya pulang."]}
	["Kata Maju Group Bhd.","Syarikat itu berkata."]}
	["Buku, pen dsb. masih ada.","Kertas dsb.","Semua dijual."]}
	["Sabda Nabi Muhammad s.a.w.","Baginda bersabda."]}
	["Beli sayur dll. di pasar.","Ms. Tan datang."]}
	EOF
	test_cmp expect got
'

test_expect_success 'Malay short forms: kpd., dgn. never end a sentence, mlm. only before a capital' '
	test_write_lines "{\"text\":\"Surat kpd. Ali dgn. segera. Jumpa esok mlm. Esok cuti.\"}" >short.jsonl &&
	ayak-tok --words --sentences short.jsonl | sed -e "s/^.*\"words\"://" >got &&
	cat >expect <<-\EOF &&
	["Surat","kpd.","Ali","dgn.","segera",".","Jumpa","esok","mlm.","Esok","cuti","."],"sentences":["Surat kpd. Ali dgn. segera.","Jumpa esok mlm.","Esok cuti."]}
	EOF
	test_cmp expect got
'

test_expect_success 'the abbreviation lexicon has no entry twice (matching ignores case)' '
	grep -v "^#" "$AYAK_TOP/lexicons/tok-abbreviations.tsv" | cut -f 1 | tr "[:upper:]" "[:lower:]" |
		sort | uniq -d >dups &&
	test_must_be_empty dups
'

test_expect_success '--split-clitics' '
	ayak-tok --words --split-clitics in.jsonl | head -n 1 | sed -e "s/.*\"Ampang\",\"\.\",//" >got &&
	echo "\"Buku\",\"nya\",\"hilang\",\".\"]}" >expect &&
	test_cmp expect got
'

test_expect_success '--words --sentences --offsets: four fields, offsets in code points' '
	printf "{\"text\":\"Élan 😀 kanak-kanak. Dua.\"}\n" >cp.jsonl &&
	ayak-tok --words --sentences --offsets cp.jsonl >out &&
	cat >expect <<-\EOF &&
	{"text":"Élan 😀 kanak-kanak. Dua.","words":["Élan","😀","kanak-kanak",".","Dua","."],"word_offsets":[[0,4],[5,6],[7,18],[18,19],[20,23],[23,24]],"sentences":["Élan 😀 kanak-kanak.","Dua."],"sentence_offsets":[[0,19],[20,24]]}
	EOF
	test_cmp expect out
'

test_expect_success '--plain --words: one word a line, a blank line after each record' '
	ayak-tok --plain --words cp.jsonl empty.jsonl cp.jsonl >out &&
	printf "Élan\n😀\nkanak-kanak\n.\nDua\n.\n\n\nÉlan\n😀\nkanak-kanak\n.\nDua\n.\n\n" >expect &&
	test_cmp expect out
'

test_expect_success '--plain --sentences --offsets' '
	ayak-tok --plain --sentences --offsets cp.jsonl >out &&
	printf "0\t19\tÉlan 😀 kanak-kanak.\n20\t24\tDua.\n\n" >expect &&
	test_cmp expect out
'

test_expect_success '--plain --words --sentences: one sentence a line, words split by spaces' '
	ayak-tok --plain --words --sentences in.jsonl >out &&
	cat >expect <<-\EOF &&
	Kanak-kanak itu bersalam-salaman dengan Dr. Ahmad dari Syarikat ABC Sdn. Bhd. di Jln. Ampang .
	Bukunya hilang .

	Harga RM1,250.50 pada 12/03/2024 .
	Lawati https://www.contoh.com.my/a?b=1 atau emel ali@contoh.my #Merdeka

	EOF
	test_cmp expect out
'

test_expect_success 'an empty text gives empty arrays' '
	ayak-tok --words --sentences empty.jsonl >out &&
	echo "{\"id\":3,\"text\":\"\",\"words\":[],\"sentences\":[]}" >expect &&
	test_cmp expect out
'

test_expect_success 'the lexicons come from AYAK_LEXICONS' '
	mkdir lex &&
	cp "$AYAK_TOP"/lexicons/tok-*.t* lex/ &&
	printf "Ampang.\tnoend\n" >>lex/tok-abbreviations.tsv &&
	AYAK_LEXICONS=$PWD/lex ayak-tok --sentences in.jsonl | head -n 1 | sed -e "s/.*\"sentences\"://" >got &&
	echo "[\"Kanak-kanak itu bersalam-salaman dengan Dr. Ahmad dari Syarikat ABC Sdn. Bhd. di Jln. Ampang. Bukunya hilang.\"]}" >expect &&
	test_cmp expect got
'

test_expect_success 'a missing lexicon is a system error' '
	mkdir nolex &&
	test_expect_code 3 env AYAK_LEXICONS=$PWD/nolex ayak-tok --words in.jsonl >out 2>err &&
	test_must_be_empty out &&
	grep -q "^ayak-tok: lexicon .*/nolex/tok-abbreviations.tsv: No such file or directory$" err
'

test_expect_success 'a bad lexicon line is bad data, named by file and line' '
	cp "$AYAK_TOP"/lexicons/tok-*.t* nolex/ &&
	printf "Dr.\tsometimes\n" >>nolex/tok-abbreviations.tsv &&
	n=$(wc -l <nolex/tok-abbreviations.tsv) &&
	test_expect_code 1 env AYAK_LEXICONS=$PWD/nolex ayak-tok --words in.jsonl >out 2>err &&
	test_must_be_empty out &&
	echo "ayak-tok: $PWD/nolex/tok-abbreviations.tsv:$n: unknown class \"sometimes\" (want noend or lower)" >expect &&
	test_cmp expect err
'

test_expect_success 'usage: --offsets, --plain and --split-clitics need --words or --sentences' '
	test_expect_code 2 ayak-tok --offsets -t x in.jsonl 2>err &&
	grep -q "go with --words or --sentences" err &&
	test_expect_code 2 ayak-tok --sentences --split-clitics in.jsonl 2>err &&
	grep -q "^ayak-tok: --split-clitics goes with --words$" err &&
	test_expect_code 2 ayak-tok --plain --words --sentences --offsets in.jsonl 2>err &&
	grep -q "does not take --offsets" err
'

test_expect_success 'malformed records: fail with file and line' '
	printf "{\"text\":\"a\"}\n{\"text\":\n" >bad.jsonl &&
	test_expect_code 1 ayak-tok --words bad.jsonl >out 2>err &&
	echo "ayak-tok: bad.jsonl:2: malformed record: unexpected end of line at column 9" >expect &&
	test_cmp expect err
'

test_expect_success 'line breaks end a sentence (LF, U+2028, U+0085); a vertical tab is white space (UAX #29)' '
	printf "%s\n" "{\"text\":\"Saya makan\\u000bDia minum\\u2028Kami tidur\\u0085Ali datang\"}" >lb.jsonl &&
	ayak-tok --sentences lb.jsonl | jq -c .sentences >out &&
	echo "[\"Saya makan\\u000bDia minum\",\"Kami tidur\",\"Ali datang\"]" >expect &&
	test_cmp expect out
'

test_done
