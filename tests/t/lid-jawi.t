#!/usr/bin/env bash
test_description='tests/bench/lid-jawi.py, which measures Jawi in short texts for make eval-lid: the spans, the letter classes, the Arabic, Persian and Urdu counts'
. "$(dirname "$0")/../lib.sh"

JAWI=$AYAK_TOP/tests/bench/lid-jawi.py

# Made up for this test: three Jawi lines (one with nga, one with pa only, one with neither)
# and lingua-style Arabic and Persian lines; a fake ayak-lid that calls a text zsm_Arab when
# it holds nga, else arb_Arab.
mkdir -p data/udhr data/lingua-testdata/sentences data/lingua-testdata/single-words
printf '%s\n' "يڠ اين دان ايت" "ڤد دان" "دان ايت اين" >data/udhr/mly_arab.txt
printf '%s\n' "في البيت" "مع أصدقائي" >data/lingua-testdata/sentences/ar.txt
printf '%s\n' "چطور هستید" >data/lingua-testdata/sentences/fa.txt
printf '%s\n' "سيارات" >data/lingua-testdata/single-words/ar.txt
printf '%s\n' '{"text":"في البيت يڠ","label":"arb_Arab"}' '{"text":"Saya","label":"zsm_Latn"}' \
	'{"text":"بوكو يڠ","label":"zsm_Arab"}' >dev.jsonl
cat >lid <<\EOF
#!/bin/sh
jq -c '. + {lang: (if (.text | test("ڠ")) then "zsm_Arab" else "arb_Arab" end), lang_score: 1}'
EOF
chmod +x lid

# Lengths with no span were a division by zero (the UDHR has spans of every length).
test_expect_success 'spans of k words, by letter class; Arabic, Persian and Urdu called Jawi' '
	python3 "$JAWI" --lid ./lid --model none --data data --dev dev.jsonl >out &&
	sed -n "1,7p" out >got &&
	cat >expect <<-\EOF &&
	Jawi: spans of the UDHR in Jawi (data/udhr/mly_arab.txt), labelled zsm_Arab
	  words  spans  zsm_Arab   share   with a Jawi-only letter   pa only      neither
	      1      9         1  0.1111       1/1                       0/1          0/7    
	      2      4         1  0.2500       1/1                       0/1          0/2    
	      3      2         1  0.5000       1/1                       0/0          0/1    
	      4      1         1  1.0000       1/1                       0/0          0/0    
	
	EOF
	test_cmp expect got &&
	sed -n "8,\$p" out >got &&
	cat >expect <<-\EOF &&
	Not Jawi: Arabic, Persian and Urdu lines, labelled zsm_Arab
	  set                             texts  zsm_Arab  with a Jawi-only letter  pa only
	  dev.jsonl arb_Arab                  1         1                        1        0
	  lingua sentences ar                 2         0                        0        0
	  lingua sentences fa                 1         0                        0        0
	  lingua single-words ar              1         0                        0        0
	  all                                 5         1
	EOF
	test_cmp expect got
'

test_done
