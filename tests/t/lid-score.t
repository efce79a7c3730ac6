#!/usr/bin/env bash
test_description='tests/bench/lid-score.py and lid-reading.py, which score make eval-lid: F1 and the reliability of the scores (--calibration, --scores), on cases worked by hand'
. "$(dirname "$0")/../lib.sh"

SCORE=$AYAK_TOP/tests/bench/lid-score.py
# Written for these tests (ayak project, same license as ayak).
cat >gold.jsonl <<\END
{"text":"satu","label":"zsm_Latn","src":"a"}
{"text":"dua","label":"zsm_Latn","src":"a"}
{"text":"tiga","label":"ind_Latn","src":"b"}
{"text":"empat","label":"ind_Latn","src":"b"}
{"text":"five","label":"eng_Latn","src":"c"}
{"text":"enam","label":"zsm_Latn","src":"a"}
END
# right, wrong, right, wrong, right, right
cat >pred.jsonl <<\END
{"lang":"zsm_Latn","lang_score":1}
{"lang":"ind_Latn","lang_score":0.995}
{"lang":"ind_Latn","lang_score":0.995}
{"lang":"zsm_Latn","lang_score":0.6}
{"lang":"eng_Latn","lang_score":0.3}
{"lang":"zsm_Latn","lang_score":0.65}
END

test_expect_success 'the reliability table and the expected calibration error, worked by hand' '
	python3 "$SCORE" --labels none --calibration pred.jsonl gold.jsonl pred.jsonl >out &&
	sed -n "/^  all texts:/,/^  expected/p" out >got &&
	cat >expect <<-\EOF &&
	  all texts:
	  score                texts   right mean score     gap
	  [0, 0.5)                 1  1.0000     0.3000 +0.7000
	  [0.6, 0.7)               2  0.5000     0.6250 -0.1250
	  [0.99, 0.9999)           2  0.5000     0.9950 -0.4950
	  [0.9999, 1]              1  1.0000     1.0000 +0.0000
	  expected calibration error 0.3233
	EOF
	test_cmp expect got &&
	grep "^SUMMARY system dev zsmF1=0.6667 indF1=0.5000 .* acc=0.6667 ece=0.3233 ece-zsm/ind=0.2480\$" out
'

test_expect_success 'fastText predict-prob lines give the same (a probability past 1 counts as 1)' '
	jq -r "\"__label__\" + .lang + \" \" + (if .lang_score == 1 then \"1.00001\" else (.lang_score | tostring) end)" \
		pred.jsonl >pred.prob &&
	head -n 1 pred.prob >first &&
	echo "__label__zsm_Latn 1.00001" >expect &&
	test_cmp expect first &&
	jq -r .lang pred.jsonl >pred.txt &&
	python3 "$SCORE" --labels none --calibration pred.prob gold.jsonl pred.txt >out2 &&
	test_cmp out out2
'

test_expect_success 'scores for another number of texts: an error naming the file' '
	head -n 5 pred.jsonl >short.jsonl &&
	test_must_fail python3 "$SCORE" --calibration short.jsonl gold.jsonl pred.jsonl 2>err &&
	grep "lid-score: short.jsonl has 5 scores for 6 texts" err
'

test_expect_success 'a score line that is not a label and a score: an error with file:line' '
	sed "3s/.*/__label__ind_Latn high/" pred.prob >bad.prob &&
	test_must_fail python3 "$SCORE" --calibration bad.prob gold.jsonl pred.txt 2>err &&
	grep "lid-score: bad.prob:3: not a label and a score: .__label__ind_Latn high" err &&
	sed "3s/.*//" pred.prob >empty.prob &&
	python3 "$SCORE" --labels none --calibration empty.prob gold.jsonl pred.txt >out4 &&
	grep "^  \[0, 0.5)  *2  0.5000     0.1500 +0.3500\$" out4
'

test_expect_success 'lid-reading.py --scores: the same table against a blind reading, a read text N/n times' '
	# tiga, empat and enam make a stratum of 3, one of them read: "either" (right whichever
	# of the two it is called), counted three times; the unread ones and the English text
	# not at all, though a stratum no one read lists it (a Malaysian text may be the same)
	# (rows: BLAKE2b-64 of the text, stratum, verdict, second verdict)
	printf "# N ok_zsm 2\na4a3a5bfa9fef65d\terr\teither\t-\n" >reading.tsv &&
	printf "e2cd68d695bc09c1\terr\t-\t-\n72e553e679749345\terr\t-\t-\n" >>reading.tsv &&
	printf "a0e65aac6e11ae51\toth\t-\t-\n" >>reading.tsv &&
	python3 "$AYAK_TOP/tests/bench/lid-reading.py" --scores me=pred.jsonl reading.tsv gold.jsonl \
		me=pred.jsonl >out3 &&
	sed -n "/^  me against the reading/,\$p" out3 >got &&
	cat >expect <<-\EOF &&
	  me against the reading: how often it was right with a score in each band
	  score                texts   right mean score     gap
	  [0.99, 0.9999)         4.0  0.7500     0.9950 -0.2450
	  [0.9999, 1]            1.0  1.0000     1.0000 +0.0000
	  expected calibration error 0.1960
	EOF
	test_cmp expect got
'

test_expect_success 'lid-reading.py: two systems compared on the same resamples, the difference and how often it is 0 or below' '
	# no text read: every text counts once with its label, and every resample is the set
	# itself; pred.txt has zsm F1 2/3 and ind F1 1/2 (see the first test), the labels 1 and 1
	: >none.tsv &&
	jq -r .label gold.jsonl >labels.txt &&
	python3 "$AYAK_TOP/tests/bench/lid-reading.py" --set dev-read none.tsv gold.jsonl \
		right=labels.txt me=pred.txt >out5 &&
	sed -n "/^  right - me/,/^    /p" out5 >got &&
	cat >expect <<-\EOF &&
	  right - me, against the reading (paired; share of resamples at 0 or below):
	    zsm_Latn F1 +0.3333 [+0.3333 +0.3333] 0.000   ind_Latn F1 +0.5000 [+0.5000 +0.5000] 0.000
	EOF
	test_cmp expect got &&
	grep "^SUMMARY vs-me dev-diff zsmF1=+0.3333 indF1=+0.5000 zsm-p=0.000 ind-p=0.000\$" out5 &&
	python3 "$AYAK_TOP/tests/bench/lid-reading.py" none.tsv gold.jsonl me=pred.txt right=labels.txt >out6 &&
	grep "^    zsm_Latn F1 -0.3333 \[-0.3333 -0.3333\] 1.000   ind_Latn F1 -0.5000 \[-0.5000 -0.5000\] 1.000\$" out6 &&
	python3 "$AYAK_TOP/tests/bench/lid-reading.py" none.tsv gold.jsonl me=pred.txt >out7 &&
	! grep "paired" out7 &&
	# tiga, empat and enam read (ind, zsm, ind) and drawn again in each resample: F1 moves,
	# but a system against itself differs by 0 in every resample when both get the same draw
	printf "# N ok_zsm 2\na4a3a5bfa9fef65d\terr\tind\t-\n" >read3.tsv &&
	printf "e2cd68d695bc09c1\terr\tzsm\t-\n72e553e679749345\terr\tind\t-\n" >>read3.tsv &&
	python3 "$AYAK_TOP/tests/bench/lid-reading.py" read3.tsv gold.jsonl me=pred.txt same=pred.txt >out8 &&
	grep "^  me  *reading  0.6667 \[0.3333-0.8889\]  0.5000 \[0.0000-0.8571\]\$" out8 &&
	grep "^    zsm_Latn F1 +0.0000 \[+0.0000 +0.0000\] 1.000   ind_Latn F1 +0.0000 \[+0.0000 +0.0000\] 1.000\$" out8
'

test_expect_success '--keep-table: what a threshold keeps, worked by hand; its scores read as --calibration reads them' '
	python3 "$SCORE" --labels none --keep-table zsm_Latn gold.jsonl pred.jsonl >out9 &&
	sed -n "/--keep zsm_Latn/,/^  *0.99 /p" out9 >got &&
	cat >expect <<-\EOF &&
	  --keep zsm_Latn --threshold zsm_Latn=T (3 zsm_Latn texts):
	       T    kept precision  recall  ind kept
	       0       3    0.6667  0.6667         1
	     0.5       3    0.6667  0.6667         1
	     0.7       1    1.0000  0.3333         0
	     0.8       1    1.0000  0.3333         0
	     0.9       1    1.0000  0.3333         0
	    0.95       1    1.0000  0.3333         0
	    0.99       1    1.0000  0.3333         0
	EOF
	test_cmp expect got &&
	sed "2s/.*/{\"lang\":\"ind_Latn\",\"lang_score\":\"x\"}/" pred.jsonl >bad.jsonl &&
	test_must_fail python3 "$SCORE" --keep-table zsm_Latn gold.jsonl bad.jsonl 2>err &&
	grep "lid-score: bad.jsonl:2: not a label and a score" err
'

test_done
