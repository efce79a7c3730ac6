#!/usr/bin/env bash
test_description='ayak-lid: a text of several lines is read line by line too (without --by)'
. "$(dirname "$0")/../lib.sh"

# Sentences written for this test.  Read whole, a page of three English
# lines and two Malay ones is Malay (the Malay words carry more evidence);
# its lines give 53.61% of the letters to English.
E1='The committee met on Tuesday to review the new budget for the coming year.'
E2='Several members asked why the costs of the project had risen so quickly.'
E3='The chairman promised a full report before the end of the month.'
M1='Mesyuarat itu turut membincangkan peruntukan kerajaan untuk sekolah luar bandar.'
M2='Penduduk boleh menghantar pandangan mereka kepada pejabat majlis sebelum hujung bulan ini.'
I1='Pemerintah akan memastikan bahwa seluruh warga mendapat bantuan karena kondisi ekonomi.'
I2='Kalau kamu mau, kita bisa bertemu di kantor setelah jam kerja besok sore.'

# record nl|sp LINE...: one record, its lines joined by newlines (\n) or spaces
record () {
	local sep=$1 IFS=$'\001' text
	shift
	text="$*"
	if [ "$sep" = nl ]; then
		text=${text//$'\001'/'\n'}
	else
		text=${text//$'\001'/ }
	fi
	printf '{"text":"%s"}\n' "$text"
}

# What ayak-lid added to the records (their texts have no quotes)
added () {
	sed 's/^{"text":"[^"]*",//' "$@"
}

test_expect_success 'mostly English lines with Malay ones: eng_Latn, scored by its lines' '
	record nl "$E1" "$E2" "$E3" "$M1" "$M2" >page &&
	ayak-lid --top 2 page >out &&
	added out >got &&
	echo "\"lang\":\"eng_Latn\",\"lang_score\":0.536,\"lang_top\":[{\"lang\":\"eng_Latn\",\"score\":0.536},{\"lang\":\"zsm_Latn\",\"score\":0.464}]}" >expect &&
	test_cmp expect got &&
	ayak-lid --by line page >byline &&
	grep -F "\"lang_shares\":{\"eng_Latn\":0.5361,\"zsm_Latn\":0.4639}" byline
'

test_expect_success 'the same words on one line are read whole: zsm_Latn' '
	record sp "$E1" "$E2" "$E3" "$M1" "$M2" >one &&
	ayak-lid one >out &&
	added out >got &&
	echo "\"lang\":\"zsm_Latn\",\"lang_score\":0.7839}" >expect &&
	test_cmp expect got
'

test_expect_success '--whole reads the text whole only, as ayak-lid did before' '
	ayak-lid --whole one >expect &&
	ayak-lid --whole page >got &&
	added expect >expect.added &&
	added got >got.added &&
	test_cmp expect.added got.added &&
	grep -F "\"lang\":\"zsm_Latn\",\"lang_score\":0.7839}" got.added
'

test_expect_success '--whole with --by: a usage error' '
	test_usage_error ayak-lid "--whole goes only without --by" --whole --by line page
'

test_expect_success 'in any order of the lines; --keep zsm_Latn and --threshold see the lines'"'"' label' '
	record nl "$E1" "$M1" "$E2" "$M2" "$E3" >mixed &&
	ayak-lid mixed >out &&
	grep -F "\"lang\":\"eng_Latn\",\"lang_score\":0.536}" out &&
	cat page mixed one >all &&
	ayak-lid --keep zsm_Latn all >kept &&
	sed "s/,\"lang\".*\$/}/" kept >kept.text &&
	test_cmp one kept.text &&
	ayak-lid --keep eng_Latn --threshold eng_Latn=0.6 page >none &&
	test_must_be_empty none
'

# When the lines do not overturn the whole text, the result is the whole
# text's to the bit: the same as the text on one line.
test_expect_success 'mostly Malay with an English line: the whole text'"'"'s label and score' '
	record nl "$M1" "$E1" "$M2" >a &&
	record sp "$M1" "$E1" "$M2" >a1 &&
	ayak-lid --top 3 a | added >got &&
	ayak-lid --top 3 a1 | added >expect &&
	test_cmp expect got &&
	grep -F "\"lang\":\"zsm_Latn\"" got
'

test_expect_success 'Malaysian and Indonesian lines count as one language: the whole text decides' '
	record nl "$M1" "$I1" "$I2" >b &&
	record sp "$M1" "$I1" "$I2" >b1 &&
	ayak-lid --top 3 b | added >got &&
	ayak-lid --top 3 b1 | added >expect &&
	test_cmp expect got &&
	ayak-lid --by line b >byline &&
	grep -F "\"lang_shares\":{\"ind_Latn\"" byline
'

test_expect_success 'one line of letters, blank lines, lines of digits: the whole text' '
	record nl "" "$E1 $M1 $M2" "" "2026-11-26" "" >c &&
	record sp "" "$E1 $M1 $M2" "" "2026-11-26" "" >c1 &&
	ayak-lid --top 3 c | added >got &&
	ayak-lid --top 3 c1 | added >expect &&
	test_cmp expect got
'

# A long text is read in windows (--sample): its lines are those in the
# windows, and a window's edge ends one.  Read whole (--whole), the windows
# of the page above 20 times over are Malay (0.9999 at 1024 bytes, 0.9726 at
# 4096); all of it (--sample 0) is English (0.7562) read either way.
test_expect_success 'a long page: the lines of the windows read, at any --sample' '
	set -- &&
	for i in $(seq 20); do set -- "$@" "$E1" "$E2" "$E3" "$M1" "$M2"; done &&
	record nl "$@" >long &&
	test $(wc -c <long) -gt 7000 &&
	for s in 1024 4096 0; do
		ayak-lid --sample $s long | added || return 1
	done >got &&
	test_write_lines "\"lang\":\"eng_Latn\",\"lang_score\":0.575}" \
		"\"lang\":\"eng_Latn\",\"lang_score\":0.5465}" \
		"\"lang\":\"eng_Latn\",\"lang_score\":0.7562}" >expect &&
	test_cmp expect got
'

test_expect_success 'the same input gives the same bytes; records in order' '
	cat page a b c mixed one >all &&
	ayak-lid --annotate --top 3 all >out1 &&
	ayak-lid --annotate --top 3 all >out2 &&
	test_cmp out1 out2 &&
	test_line_count = 6 out1
'

test_done
