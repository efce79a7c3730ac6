#!/usr/bin/env bash
test_description='ayak-norm: the Malay flags on records (--expand-slang, --keep-informal, --reduplication, --elongation, --jawi-to-rumi)'
. "$(dirname "$0")/../lib.sh"

# norm_text FLAGS TEXT: the text field of ayak-norm FLAGS over {"text":TEXT}
norm_text () {
	printf "%s\n" "{\"text\":\"$2\"}" | ayak-norm $1 | sed -e "s/^{\"text\":\"//" -e "s/\"}$//"
}

# check FLAGS IN WANT
check () {
	local got
	got=$(norm_text "$1" "$2") || return 1
	test "$got" = "$3" || { echo "in:   $2"; echo "want: $3"; echo "got:  $got"; return 1; }
}

test_expect_success '--expand-slang: short forms to standard Malay' '
	check --expand-slang "yg ni x best la, sy nk pegi kedai dgn kwn je" \
		"yang ini tidak best lah, saya hendak pergi kedai dengan kawan sahaja"
'

# kot hitam became mungkin hitam, sapa jiran siapa jiran, a kite kita
test_expect_success '--expand-slang leaves English words and standard Malay words of another meaning' '
	check --expand-slang "Dia memakai kot hitam. Jangan lupa sapa jiran. Fly a kite, cite the paper, cube it. Wabak taun setakat ini." \
		"Dia memakai kot hitam. Jangan lupa sapa jiran. Fly a kite, cite the paper, cube it. Wabak taun setakat ini." &&
	check --expand-slang "Ape kau tau? Dorang gi mane? Ye la." \
		"Apa kau tahu? Mereka pergi mane? Ya lah."
'

test_expect_success '--expand-slang --keep-informal keeps tak, nak, je' '
	check "--expand-slang --keep-informal" "yg ni x best la, sy nk pegi kedai dgn kwn je" \
		"yang ni tak best lah, saya nak pergi kedai dengan kawan je"
'

test_expect_success '--expand-slang: context decides x and kg' '
	check --expand-slang "Aku x tahu. 3 x 4 = 12. x-ray. 5 kg gula di kg Baru." \
		"Aku tidak tahu. 3 x 4 = 12. x-ray. 5 kg gula di kampung Baru."
'

test_expect_success '--expand-slang: x nk, tk nak are the two-word form tak nak, at a line start too' '
	check --expand-slang "x nk pergi. Dia x nk, tk nak, tak nak. 3 x nak" \
		"tidak mahu pergi. Dia tidak mahu, tidak mahu, tidak mahu. 3 x hendak" &&
	check "--expand-slang --keep-informal" "x nk pergi. Dia x nk, tk nak, tak nak. 3 x nak" \
		"tak nak pergi. Dia tak nak, tak nak, tak nak. 3 x nak"
'

test_expect_success '--expand-slang: case, URLs and hashtags' '
	check --expand-slang "Yg baru: https://contoh.my/yg #yg @sy. MKN\\nJER DAH SAMPAI" \
		"Yang baru: https://contoh.my/yg #yg @sy. MKN\\nSAHAJA SUDAH SAMPAI"
'

test_expect_success '--expand-slang: forms that are also names stay capitalized, at a sentence start too' '
	check --expand-slang "Nga datang ke rumah. Yee datang ke rumah. Yg ni, nga tau, yee kawan.\\nNGA DAH SAMPAI" \
		"Nga datang ke rumah. Yee datang ke rumah. Yang ini, tidak tahu, ya kawan.\\nNGA SUDAH SAMPAI"
'

test_expect_success '--expand-slang: a list item starts a sentence, whatever its mark' '
	check --expand-slang "- Yg satu\\n• Yg dua\\n1) Yg tiga\\n(4) Yg empat\\nKata 5) Yg lima, Nga • Yee" \
		"- Yang satu\\n• Yang dua\\n1) Yang tiga\\n(4) Yang empat\\nKata 5) Yg lima, Nga • Yee"
'

test_expect_success '--expand-slang changes only what is not standard (Common Voice sentences)' '
	head -n 16 "$TEST_DATA/norm/corpus.jsonl" >cv.jsonl &&
	ayak-norm --expand-slang --keep-informal cv.jsonl >out &&
	sed -e "s/Okey taknak/Okey tak nak/" -e "s/terbesar didunia/terbesar di dunia/" cv.jsonl >expect &&
	test_cmp expect out
'

test_expect_success '--reduplication' '
	check --reduplication "kanak2 bermain, rama2 terbang; berlari2 dan menari2, sebaik2nya. Kanak²" \
		"kanak-kanak bermain, rama-rama terbang; berlari-lari dan menari-nari, sebaik-baiknya. Kanak-kanak"
'

test_expect_success '--reduplication and --elongation: the word after a ² is seen too' '
	check "--reduplication --elongation" "kanak² anak2 buku2, anak²nya rumah2 sedappp" \
		"kanak-kanak anak-anak buku-buku, anak-anaknya rumah-rumah sedap"
'

test_expect_success '--reduplication: words that only look prefixed (ke-, be-, ter-) repeat whole' '
	check --reduplication "kereta2 dan ketua2 membeli beras2, kekasih2 terapi2 sedap2 menang2" \
		"kereta-kereta dan ketua-ketua membeli beras-beras, kekasih-kekasih terapi-terapi sedap-sedap menang-menang"
'

test_expect_success '--reduplication: ke- is a prefix in ke-...-an and before a numeral, be- before kerja' '
	check --reduplication "keanak2an kemerah2an kereta2an kedua2nya ketiga2 bekerja2 beria2" \
		"keanak-anakan kemerah-merahan kereta-keretaan kedua-duanya ketiga-tiga bekerja-kerja beria-ria"
'

test_expect_success '--reduplication leaves a word of two letters and 2 alone (ke2 is the ordinal ke-2)' '
	check --reduplication "di tempat ke2, Ke2 dan di2; ya2 tu2" "di tempat ke2, Ke2 dan di2; ya2 tu2"
'

test_expect_success '--reduplication leaves numbers and codes alone' '
	check --reduplication "mp3, co2, h2o, covid19, abc2, 2020" "mp3, co2, h2o, covid19, abc2, 2020"
'

test_expect_success '--elongation' '
	check --elongation "sedappp nasi lemak ni, maaaaf lambat! hmmm sooo" \
		"sedap nasi lemak ni, maaf lambat! hmmm sooo"
'

test_expect_success 'all three together' '
	check "--elongation --reduplication --expand-slang" "sedappp gilerrr, org2 kat sana x suka" \
		"sedap gila, orang-orang di sana tidak suka"
'

test_expect_success '--jawi-to-rumi: Jawi lines to Rumi' '
	check --jawi-to-rumi "ڤركارا ١.\\nستياڤ اورڠ برحق كڤد كبيبسن." "Perkara 1.\\nSetiap orang berhak kepada kebebasan."
'

test_expect_success '--jawi-to-rumi: the preposition ke apart, the prefix ke- and di- joined' '
	check --jawi-to-rumi "ساي ڤرڬي كرومه دان دسكوله. كرومهڽ، كرومه٢. كدوا. ڤيليهن راي. بسم الله" \
		"Saya pergi ke rumah dan disekolah. Ke rumahnya, ke rumah-rumah. Kedua. Pilihan raya. Bismi Allah"
'

test_expect_success '--jawi-to-rumi leaves Arabic and Latin alone' '
	check --jawi-to-rumi "لكل شخص الحق في الحياة\\nSaya suka" "لكل شخص الحق في الحياة\\nSaya suka"
'

# Written for this test.  Before 2026-11-26 one pa or che made a line Jawi: the first two
# came out as "Syahadat pidiu jedida ..." and "Syelunak alium? ...".
test_expect_success '--jawi-to-rumi: Jawi by its letters weighed as ayak-lid weighs them' '
	check --jawi-to-rumi "شاهدت ڤيديو جديدا عن سيارة ڤولفو في المعرض الدولي للسيارات مساء أمس" \
		"شاهدت ڤيديو جديدا عن سيارة ڤولفو في المعرض الدولي للسيارات مساء أمس" &&
	check --jawi-to-rumi "شلونك اليوم؟ چان عدنا اجتماع الصبح" "شلونك اليوم؟ چان عدنا اجتماع الصبح" &&
	check --jawi-to-rumi "چوتي" "Cuti" &&
	got=$(norm_text --jawi-to-rumi "بوكو يڠ دبلي اوليه كاكق ساي سوده دباچ") &&
	test "${got#Buku yang }" != "$got" &&
	! printf "%s" "$got" | grep -q "[اب]"
'

test_expect_success '--jawi-to-rumi over the UDHR records of the corpus' '
	grep "zsm_Arab" "$TEST_DATA/norm/corpus.jsonl" >jawi.jsonl &&
	ayak-norm --jawi-to-rumi --stats st.json jawi.jsonl >out &&
	! grep -q "[ء-ي]" out &&
	grep -q "Bahawasanya" out &&
	grep -q "\"jawi\":[1-9]" st.json
'

test_expect_success '--case-fold and --strip-accents make search keys' '
	check "--case-fold --strip-accents" "Kafé di KUALA Lumpur" "kafe di kuala lumpur" &&
	check --strip-accents "Øre йод ёлка ї ἄλφα" "Ore иод елка і αλφα"
'

test_expect_success '--expand-slang writes Malay, not Indonesian: bhw is bahawa; kyak, koq, ori stay' '
	check --expand-slang "dia kata bhw kyak tu koq, baju ori" "dia kata bahawa kyak itu koq, baju ori"
'

test_done
