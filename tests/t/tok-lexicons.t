#!/usr/bin/env bash
test_description='ayak-tok --words: a bad line of a lexicon is named by file and line, its field quoted safely'
. "$(dirname "$0")/../lib.sh"

# Small lexicons of our own, so that line numbers do not follow the real ones.
test_expect_success 'setup' '
	mkdir good &&
	printf "# abbreviations\nDr.\tnoend\ndll.\tlower\nDato'"'"'\tnoend\n" >good/tok-abbreviations.tsv &&
	printf "# clitics\nsuffix\tnya\nprefix\tku\nkeep\tmasalah\n" >good/tok-clitics.tsv &&
	printf "# words\nbuku\nbaca\n" >good/tok-words.tsv &&
	echo "{\"text\":\"Dr. Ali baca bukunya, kubaca masalah dll. Esok.\"}" >in.jsonl
'

# bad FILE FORMAT [ARG...]: the lexicons of good/ in lex/, with what printf FORMAT ARG...
# writes appended to FILE; ayak-tok --words on them must fail with exit 1 and no output.
bad () {
	local file=$1 &&
	shift &&
	rm -rf lex && cp -r good lex &&
	printf "$@" >>"lex/$file" &&
	test_expect_code 1 env AYAK_LEXICONS=$PWD/lex ayak-tok --words --split-clitics in.jsonl >out 2>err &&
	test_must_be_empty out
}

test_expect_success 'the small lexicons work' '
	AYAK_LEXICONS=$PWD/good ayak-tok --words --split-clitics in.jsonl | jq -c .words >out &&
	echo "[\"Dr.\",\"Ali\",\"baca\",\"buku\",\"nya\",\",\",\"ku\",\"baca\",\"masalah\",\"dll.\",\"Esok\",\".\"]" >expect &&
	test_cmp expect out
'

test_expect_success 'abbreviations: an unknown class, quoted whole (not cut at the TAB)' '
	bad tok-abbreviations.tsv "Xyz.\tmaybe\n" &&
	echo "ayak-tok: $PWD/lex/tok-abbreviations.tsv:5: unknown class \"maybe\" (want noend or lower)" >expect &&
	test_cmp expect err
'

test_expect_success 'abbreviations: a wrong number of columns' '
	bad tok-abbreviations.tsv "Xyz.\n" &&
	echo "ayak-tok: $PWD/lex/tok-abbreviations.tsv:5: want 2 tab-separated columns (an abbreviation and its class), not 1: \"Xyz.\"" >expect &&
	test_cmp expect err &&
	bad tok-abbreviations.tsv "Xyz.\tnoend\tlower\n" &&
	echo "ayak-tok: $PWD/lex/tok-abbreviations.tsv:5: want 2 tab-separated columns (an abbreviation and its class), not 3: \"Xyz.\\tnoend\\tlower\"" >expect &&
	test_cmp expect err
'

test_expect_success 'abbreviations: empty, or without its full stop or apostrophe' '
	bad tok-abbreviations.tsv "\tnoend\n" &&
	echo "ayak-tok: $PWD/lex/tok-abbreviations.tsv:5: empty abbreviation" >expect &&
	test_cmp expect err &&
	bad tok-abbreviations.tsv "Dr\tnoend\n" &&
	echo "ayak-tok: $PWD/lex/tok-abbreviations.tsv:5: the abbreviation \"Dr\" does not end in a full stop or an apostrophe" >expect &&
	test_cmp expect err
'

test_expect_success 'invalid UTF-8 is shown as \xXX, never written raw' '
	bad tok-abbreviations.tsv "Caf\351.\tnoend\n" &&
	echo "ayak-tok: $PWD/lex/tok-abbreviations.tsv:5: invalid UTF-8: \"Caf\\xE9.\\tnoend\"" >expect &&
	test_cmp expect err &&
	bad tok-words.tsv "buku\nbac\300\257a\n" &&
	echo "ayak-tok: $PWD/lex/tok-words.tsv:5: invalid UTF-8: \"bac\\xC0\\xAFa\"" >expect &&
	test_cmp expect err &&
	bad tok-clitics.tsv "# a comment \377\n" &&
	echo "ayak-tok: $PWD/lex/tok-clitics.tsv:5: invalid UTF-8: \"# a comment \\xFF\"" >expect &&
	test_cmp expect err
'

test_expect_success 'control and format characters are escaped; a NUL byte is named' '
	bad tok-abbreviations.tsv "Xyz.\tno\033[31mend\342\200\256\302\205\n" &&
	echo "ayak-tok: $PWD/lex/tok-abbreviations.tsv:5: unknown class \"no\\x1B[31mend\\u202E\\u0085\" (want noend or lower)" >expect &&
	test_cmp expect err &&
	bad tok-words.tsv "bu\000ku\n" &&
	echo "ayak-tok: $PWD/lex/tok-words.tsv:4: NUL byte: \"bu\\x00ku\"" >expect &&
	test_cmp expect err &&
	bad tok-abbreviations.tsv "Xyz.\t\"no\\\\end\"\n" &&
	echo "ayak-tok: $PWD/lex/tok-abbreviations.tsv:5: unknown class \"\\\"no\\\\end\\\"\" (want noend or lower)" >expect &&
	test_cmp expect err
'

test_expect_success 'a long field is cut after 60 characters' '
	bad tok-abbreviations.tsv "Xyz.\t%s\n" "$(printf "%070d" 0)" &&
	echo "ayak-tok: $PWD/lex/tok-abbreviations.tsv:5: unknown class \"$(printf "%060d" 0)\"... (want noend or lower)" >expect &&
	test_cmp expect err
'

test_expect_success 'clitics: an unknown kind, an empty string, a wrong number of columns' '
	bad tok-clitics.tsv "sufix\tlah\n" &&
	echo "ayak-tok: $PWD/lex/tok-clitics.tsv:5: unknown kind \"sufix\" (want suffix, prefix or keep)" >expect &&
	test_cmp expect err &&
	bad tok-clitics.tsv "suffix\t\n" &&
	echo "ayak-tok: $PWD/lex/tok-clitics.tsv:5: the string is empty" >expect &&
	test_cmp expect err &&
	bad tok-clitics.tsv "suffix\n" &&
	echo "ayak-tok: $PWD/lex/tok-clitics.tsv:5: want 2 tab-separated columns (a kind and a string), not 1: \"suffix\"" >expect &&
	test_cmp expect err
'

test_expect_success 'clitics: a suffix over 7 bytes, more than 16 suffixes' '
	bad tok-clitics.tsv "suffix\tnyalahkah\n" &&
	echo "ayak-tok: $PWD/lex/tok-clitics.tsv:5: the suffix \"nyalahkah\" is longer than 7 bytes" >expect &&
	test_cmp expect err &&
	bad tok-clitics.tsv "$(for i in $(seq 1 16); do printf "suffix\\\\ts%d\\\\n" $i; done)" &&
	echo "ayak-tok: $PWD/lex/tok-clitics.tsv:20: more than 16 suffixes" >expect &&
	test_cmp expect err
'

test_expect_success 'words: one column' '
	bad tok-words.tsv "baca\tread\n" &&
	echo "ayak-tok: $PWD/lex/tok-words.tsv:4: want 1 column (a word), not 2: \"baca\\tread\"" >expect &&
	test_cmp expect err
'

test_expect_success 'a byte-order mark and CRLF line ends are not errors' '
	rm -rf lex && cp -r good lex &&
	{ printf "\357\273\277" && sed -e "s/\$/\r/" good/tok-abbreviations.tsv; } >lex/tok-abbreviations.tsv &&
	AYAK_LEXICONS=$PWD/lex ayak-tok --words --split-clitics in.jsonl | jq -c .words >out &&
	echo "[\"Dr.\",\"Ali\",\"baca\",\"buku\",\"nya\",\",\",\"ku\",\"baca\",\"masalah\",\"dll.\",\"Esok\",\".\"]" >expect &&
	test_cmp expect out
'

test_done
