#!/usr/bin/env bash
test_description='ayak-lid: golden labels, the fields it adds, rules for scripts, mixed text'
. "$(dirname "$0")/../lib.sh"

G=$TEST_DATA/lid/golden.jsonl

# lang_of FILE: the lang field of each record (ayak-lid appends it, so the last one counts)
lang_of () {
	sed -n 's/.*"lang":"\([^"]*\)","lang_score".*/\1/p' "$1"
}

test_expect_success 'golden labels: clear cases in every language of the fixture' '
	ayak-lid "$G" >out 2>err &&
	test_must_be_empty err &&
	sed -n "s/^{\"want\":\"\([^\"]*\)\".*/\1/p" "$G" >expect &&
	test_line_count -gt 30 expect &&
	lang_of out >got &&
	test_cmp expect got
'

test_expect_success 'every golden record keeps its bytes and gains lang and lang_score' '
	sed "s/,\"lang\":\"[a-zA-Z_]*\",\"lang_score\":[0-9.]*}\$/}/" out >back &&
	test_cmp_bin "$G" back
'

test_expect_success 'clear cases have high scores (0.9 or more)' '
	sed -n "s/.*\"lang_score\":\([0-9.]*\)}\$/\1/p" out >scores &&
	test_line_count = $(wc -l <"$G") scores &&
	awk "\$1 < 0.9 { bad++ } END { exit bad }" scores
'

test_expect_success 'scripts decided by rule: exact output' '
	cat >in <<-\EOF &&
	{"text":""}
	{"id":7,"text":"12345 https://example.com/a?b=c me@example.com @someone \ud83d\ude00 !!!"}
	{"text":"அரசாங்கம் அனைவருக்கும் உதவி"}
	{"text":"ڤراشتهارن حق اساسي مأنسي سجاڬت"}
	{"text":"こんにちは、元気ですか"}
	{"text":"정부는 모든 국민이 도움을 받을 수 있도록"}
	{"text":"ரொம்ப நன்றி","lang":"old","x":1}
	EOF
	cat >expect <<-\EOF &&
	{"text":"","lang":"und","lang_score":1}
	{"id":7,"text":"12345 https://example.com/a?b=c me@example.com @someone \ud83d\ude00 !!!","lang":"und","lang_score":1}
	{"text":"அரசாங்கம் அனைவருக்கும் உதவி","lang":"tam_Taml","lang_score":1}
	{"text":"ڤراشتهارن حق اساسي مأنسي سجاڬت","lang":"zsm_Arab","lang_score":1}
	{"text":"こんにちは、元気ですか","lang":"jpn_Jpan","lang_score":1}
	{"text":"정부는 모든 국민이 도움을 받을 수 있도록","lang":"kor_Hang","lang_score":1}
	{"text":"ரொம்ப நன்றி","lang":"tam_Taml","x":1,"lang_score":1}
	EOF
	ayak-lid in >out &&
	test_cmp expect out
'

# The Jawi sentence with one nga, the Arabic one with two ve (a video, a Volvo) and the
# Jawi span of the UDHR with one nga were decided by the Arabic model before session 47:
# zsm_Arab 0.4974, zsm_Arab by rule, arb_Arab 0.5368.
test_expect_success 'Jawi by rule: its own letters, pa half as much (Kurdish and loanwords have it)' '
	cat >in <<-\EOF &&
	{"text":"شاهدت فيلما عن تاريخ المدينة القديمة على قناة ڤيديو جديدة مساء أمس مع أصدقائي في البيت"}
	{"text":"كامي ممبري ڤرهاتين كڤد ڤنديديقن انق٢ دان ڤمبڠونن نڬارا"}
	{"text":"ڤد"}
	{"text":"بوکو يڠ دبلي اوليه کاکق سايا سوده دباچ"}
	{"text":"شاهدت ڤيديو جديدا عن سيارة ڤولفو في المعرض الدولي للسيارات مساء أمس مع أصدقائي"}
	{"text":"دالم سواسان كبيبسن يڠ لبيه لواس."}
	EOF
	ayak-lid in >out &&
	printf "%s\n" arb_Arab zsm_Arab zsm_Arab zsm_Arab arb_Arab zsm_Arab >expect &&
	jq -r .lang out >got &&
	test_cmp expect got &&
	jq -r .lang_score out >scores &&
	printf "%s\n" 1 1 1 1 0.9996 1 >expect &&
	test_cmp expect scores
'

test_expect_success 'simplified and traditional Chinese, with --top' '
	cat >in <<-\EOF &&
	{"text":"我们的政府会确保每个人都得到帮助。"}
	{"text":"我們的政府會確保每個人都得到幫助。"}
	{"text":"人人"}
	EOF
	cat >expect <<-\EOF &&
	{"text":"我们的政府会确保每个人都得到帮助。","lang":"zho_Hans","lang_score":0.9583,"lang_top":[{"lang":"zho_Hans","score":0.9583},{"lang":"zho_Hant","score":0.0417}]}
	{"text":"我們的政府會確保每個人都得到幫助。","lang":"zho_Hant","lang_score":0.875,"lang_top":[{"lang":"zho_Hant","score":0.875},{"lang":"zho_Hans","score":0.125}]}
	{"text":"人人","lang":"zho_Hans","lang_score":0.75,"lang_top":[{"lang":"zho_Hans","score":0.75},{"lang":"zho_Hant","score":0.25}]}
	EOF
	ayak-lid --top 3 in >out &&
	test_cmp expect out
'

test_expect_success '--top N: N labels at most, best first, scores falling' '
	ayak-lid --top 5 "$G" >out &&
	sed -n "s/.*\"lang_top\":\[\(.*\)\]}\$/\1/p" out >tops &&
	test_line_count = $(wc -l <"$G") tops &&
	awk -F"\"score\":" "{ for (i = 3; i <= NF; i++) if (\$i + 0 > \$(i - 1) + 0) exit 1; if (NF > 6) exit 1 }" tops &&
	lang_of out >a &&
	sed "s/^{\"lang\":\"\([^\"]*\)\".*/\1/" tops >b &&
	test_cmp a b
'

test_expect_success 'Malaysian and Indonesian written for this test' '
	cat >in <<-\EOF &&
	{"text":"Kerajaan akan memastikan bahawa setiap rakyat menerima bantuan kerana keadaan ekonomi semakin mencabar."}
	{"text":"Pemerintah akan memastikan bahwa setiap warga menerima bantuan karena kondisi ekonomi semakin sulit."}
	{"text":"Polis berkata kenderaan itu dipandu laju selepas mesyuarat di pejabat."}
	{"text":"Polisi mengatakan mobil itu melaju kencang setelah rapat di kantor."}
	EOF
	ayak-lid in >out &&
	test_write_lines zsm_Latn ind_Latn zsm_Latn ind_Latn >expect &&
	lang_of out >got &&
	test_cmp expect got
'

# Software strings written for this test, in the words of each side's menus: model
# 2026.11.2-lid2, trained without any, called three of the six Indonesian ones Malaysian.
test_expect_success 'Malaysian and Indonesian software strings (menus, messages)' '
	cat >in <<-\EOF &&
	{"text":"Pilih sel yang ingin Anda format, lalu klik tombol di bilah alat."}
	{"text":"Pengaturan ini menentukan apakah tautan dibuka di jendela baru."}
	{"text":"Masukkan nama untuk pranala, lalu tekan Enter."}
	{"text":"Menampilkan atau menyembunyikan bilah status."}
	{"text":"Sisipkan tabel baru pada posisi kursor."}
	{"text":"Tampilkan pemberitahuan ketika unduhan selesai."}
	{"text":"Tetapan ini menentukan sama ada pautan dibuka dalam tetingkap baharu."}
	{"text":"Sila pilih fail yang hendak dimuat naik ke pelayan."}
	{"text":"Tidak dapat menyambung ke pelayan proksi."}
	{"text":"Tunjukkan pemberitahuan apabila muat turun selesai."}
	{"text":"Sambungan anda tidak selamat."}
	{"text":"Padam sejarah pelayaran apabila pelayar ditutup."}
	EOF
	ayak-lid in >out &&
	test_write_lines ind_Latn ind_Latn ind_Latn ind_Latn ind_Latn ind_Latn \
		zsm_Latn zsm_Latn zsm_Latn zsm_Latn zsm_Latn zsm_Latn >expect &&
	lang_of out >got &&
	test_cmp expect got
'

test_expect_success '--by line: a label per line, shares, and a mixed document label' '
	printf "%s\n" "{\"text\":\"Saya nak pergi ke kedai sekejap untuk membeli barang dapur kerana stok di rumah sudah habis.\nI will be back in about ten minutes, so please wait for me at the bus stop.\n\nJangan lupa kunci pintu rumah sebelum keluar.\"}" >in &&
	ayak-lid --by line in >out &&
	grep "\"lang\":\"zsm_Latn+eng_Latn\",\"lang_score\":" out &&
	grep "\"lang_parts\":\[{\"lang\":\"zsm_Latn\",\"score\":[0-9.]*},{\"lang\":\"eng_Latn\",\"score\":[0-9.]*},{\"lang\":\"und\",\"score\":1},{\"lang\":\"zsm_Latn\",\"score\":[0-9.]*}\]" out &&
	grep "\"lang_shares\":{\"zsm_Latn\":0\.[0-9]*,\"eng_Latn\":0\.[0-9]*}}\$" out
'

test_expect_success '--by line: shares are of the letters, links not counted; --mixed is the bar' '
	# 45 letters on each line; the link on the English one adds none
	printf "%s\n" "{\"text\":\"Kerajaan akan mengumumkan bajet baharu minggu depan.\nThe government will announce the new budget next week: https://example.com/bajet2027/baharu\nRakyat diminta bersabar kerana wang tidak mencukupi.\"}" >links &&
	ayak-lid --by line --mixed 0.3333 links >out &&
	grep "\"lang\":\"zsm_Latn+eng_Latn\",\"lang_score\":1,\"lang_parts\":\[{\"lang\":\"zsm_Latn\",\"score\":1},{\"lang\":\"eng_Latn\",\"score\":1},{\"lang\":\"zsm_Latn\",\"score\":1}\],\"lang_shares\":{\"zsm_Latn\":0.6667,\"eng_Latn\":0.3333}}\$" out &&
	ayak-lid --by line --mixed 0.34 links >out &&
	grep "\"lang\":\"zsm_Latn\",\"lang_score\":" out &&
	grep "\"lang_shares\":{\"zsm_Latn\":0.6667,\"eng_Latn\":0.3333}}\$" out
'

test_expect_success '--by paragraph: blank lines separate the parts' '
	ayak-lid --by paragraph in >out &&
	grep "\"lang_parts\":\[{\"lang\":\"zsm_Latn\",\"score\":[0-9.]*},{\"lang\":\"zsm_Latn\",\"score\":[0-9.]*}\]" out &&
	grep "\"lang\":\"zsm_Latn\"," out
'

test_expect_success '--mixed: a higher bar for the second language' '
	ayak-lid --by line --mixed 0.5 in >out &&
	grep "\"lang\":\"zsm_Latn\",\"lang_score\":" out
'

# Khmer (a script with no label: und) was left out of the shares, so a page
# mostly in Khmer was zsm_Latn with score 1 and passed --keep zsm_Latn.
test_expect_success '--by line and paragraph: und parts with letters have their share' '
	printf "%s\n" "{\"text\":\"ភាសាខ្មែរ គឺជាភាសា ភាសាខ្មែរ គឺជាភាសា ភាសាខ្មែរ\nSaya nak pergi kedai\"}" >km &&
	ayak-lid --by line km >out &&
	jq -c "[.lang, .lang_score, .lang_parts, .lang_shares]" out >got &&
	echo "[\"und+zsm_Latn\",1,[{\"lang\":\"und\",\"score\":1},{\"lang\":\"zsm_Latn\",\"score\":1}],{\"und\":0.7167,\"zsm_Latn\":0.2833}]" >expect &&
	test_cmp expect got &&
	ayak-lid --by line --keep zsm_Latn km >out &&
	test_must_be_empty out &&
	ayak-lid --by paragraph km | jq -c "[.lang, .lang_score, .lang_shares]" >got &&
	echo "[\"und\",0.7167,{\"und\":1}]" >expect &&
	test_cmp expect got
'

test_expect_success '--by on text with no letters' '
	echo "{\"text\":\"123\n\n456\"}" >in &&
	ayak-lid --by line in >out &&
	echo "{\"text\":\"123\n\n456\",\"lang\":\"und\",\"lang_score\":1,\"lang_parts\":[{\"lang\":\"und\",\"score\":1},{\"lang\":\"und\",\"score\":1},{\"lang\":\"und\",\"score\":1}],\"lang_shares\":{}}" >expect &&
	test_cmp expect out
'

# The empty "line" after the final newline was labelled und too
test_expect_success '--by: a final newline ends the last line, it starts no other' '
	cat >nl.jsonl <<-\EOF &&
	{"text":"Kerajaan akan memastikan bahawa setiap rakyat menerima bantuan.\n"}
	{"text":"Kerajaan akan memastikan bahawa setiap rakyat menerima bantuan.\n\n123\n\n"}
	EOF
	ayak-lid --by line nl.jsonl >out &&
	cat >expect <<-\EOF &&
	{"text":"Kerajaan akan memastikan bahawa setiap rakyat menerima bantuan.\n","lang":"zsm_Latn","lang_score":1,"lang_parts":[{"lang":"zsm_Latn","score":1}],"lang_shares":{"zsm_Latn":1}}
	{"text":"Kerajaan akan memastikan bahawa setiap rakyat menerima bantuan.\n\n123\n\n","lang":"zsm_Latn","lang_score":1,"lang_parts":[{"lang":"zsm_Latn","score":1},{"lang":"und","score":1},{"lang":"und","score":1},{"lang":"und","score":1}],"lang_shares":{"zsm_Latn":1}}
	EOF
	test_cmp expect out &&
	ayak-lid --by paragraph nl.jsonl >out &&
	cat >expect <<-\EOF &&
	{"text":"Kerajaan akan memastikan bahawa setiap rakyat menerima bantuan.\n","lang":"zsm_Latn","lang_score":1,"lang_parts":[{"lang":"zsm_Latn","score":1}],"lang_shares":{"zsm_Latn":1}}
	{"text":"Kerajaan akan memastikan bahawa setiap rakyat menerima bantuan.\n\n123\n\n","lang":"zsm_Latn","lang_score":1,"lang_parts":[{"lang":"zsm_Latn","score":1},{"lang":"und","score":1}],"lang_shares":{"zsm_Latn":1}}
	EOF
	test_cmp expect out
'

test_expect_success 'the output is the same on every run, and with --sample 0' '
	ayak-lid --top 3 "$G" >a &&
	ayak-lid --top 3 "$G" >b &&
	test_cmp_bin a b &&
	ayak-lid --sample 0 "$G" >c &&
	ayak-lid "$G" >d &&
	test_cmp_bin c d
'

test_expect_success '--field names another text field' '
	echo "{\"body\":\"Kerajaan akan memastikan bahawa setiap rakyat menerima bantuan kerana keadaan ekonomi.\",\"text\":\"Hello\"}" >in &&
	ayak-lid --field body in >out &&
	grep "\"lang\":\"zsm_Latn\"" out
'

test_expect_success '--list-labels and --model-info' '
	ayak-lid --list-labels >labels &&
	head -n 1 labels >first &&
	echo und >expect &&
	test_cmp expect first &&
	for l in zsm_Latn ind_Latn zsm_Arab eng_Latn zho_Hans zho_Hant tam_Taml arb_Arab \
		jav_Latn sun_Latn min_Latn bjn_Latn ace_Latn; do
		grep -qx "$l" labels || return 1
	done &&
	ayak-lid --model-info >info &&
	head -n 1 info >first &&
	echo "ayak-lid model" >expect &&
	test_cmp expect first &&
	grep "^version: " info &&
	grep "^labels: $(wc -l <labels): und " info
'

# The page gave 0.85, the score of a model two versions before
test_expect_success 'the examples of ayak-lid(1) BUGS and LABELS give the scores the page says' '
	echo "{\"text\":\"Setiap orang berhak atas penghidupan, kebebasan dan keselamatan sebagai individu.\"}" >udhr &&
	ayak-lid udhr >out &&
	grep "\"lang\":\"zsm_Latn\",\"lang_score\":0.7742}\$" out &&
	grep "^(0.7742: it leans that way), wrong for this source" "$AYAK_TOP/man/man1/ayak-lid.1" &&
	echo "{\"text\":\"國國國國國國國國國國國國\"}" >hant &&
	ayak-lid hant >out &&
	grep "\"lang\":\"zho_Hant\",\"lang_score\":0.9423}\$" out &&
	grep "give 0.9423) and a page is (100 give 0.9926)" "$AYAK_TOP/man/man1/ayak-lid.1" &&
	printf "{\"text\":\"%s\"}\n" "$(printf "國%.0s" $(seq 100))" >hant100 &&
	ayak-lid hant100 >out &&
	grep "\"lang\":\"zho_Hant\",\"lang_score\":0.9926}\$" out
'

# A word of more than 40 letters gives no features
test_expect_success 'a text whose only word is longer than 40 letters is und' '
	echo "{\"text\":\"#SelamatHariRayaAidilfitriMaafZahirDanBatin\"}" >long &&
	ayak-lid long >out &&
	echo "{\"text\":\"#SelamatHariRayaAidilfitriMaafZahirDanBatin\",\"lang\":\"und\",\"lang_score\":1}" >expect &&
	test_cmp expect out &&
	echo "{\"text\":\"#SelamatHariRayaAidilfitriMaafZahirDanBatin semua\"}" >long2 &&
	ayak-lid long2 >out &&
	! grep "\"lang\":\"und\"" out
'

test_done
