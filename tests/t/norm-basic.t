#!/usr/bin/env bash
test_description='ayak-norm: default repairs, records passing through, --field, --stats, --diff, idempotence'
. "$(dirname "$0")/../lib.sh"

CORPUS=$TEST_DATA/norm/corpus.jsonl

test_expect_success 'clean records come out byte for byte, nothing on stderr' '
	head -n 16 "$CORPUS" >clean.jsonl &&
	ayak-norm clean.jsonl >out 2>err &&
	test_cmp_bin clean.jsonl out &&
	test_must_be_empty err
'

test_expect_success 'whitespace, controls, line ends, blank lines' '
	printf "%s\n" "{\"text\":\"  Saya   suka\\u00a0makan \\r\\nnasi\\n\\n\\n\\nlemak\\u0001  \"}" >in &&
	printf "%s\n" "{\"text\":\"Saya suka makan\\nnasi\\n\\nlemak\"}" >expect &&
	ayak-norm in >out &&
	test_cmp expect out
'

test_expect_success 'mojibake and HTML entities are repaired' '
	printf "%s\n" "{\"text\":\"kafÃ© â€“ Ali &amp; Abu &#8217;\"}" >in &&
	printf "%s\n" "{\"text\":\"kafé – Ali & Abu ’\"}" >expect &&
	ayak-norm in >out &&
	test_cmp expect out
'

test_expect_success 'words in capitals before Windows-1252 punctuation are not mojibake' '
	printf "%s\n" "{\"text\":\"CAFÉ… ¿QUÉ…? JOSÉ–MARÍA PURÉ™ ÉTÉ”\"}" >legit &&
	ayak-norm --stats st.json legit >out &&
	test_cmp_bin legit out &&
	printf "%s\n" "{\"text\":\"CAFÃ‰ sÄ… Ã‰TÃ‰ É”\"}" >in &&
	printf "%s\n" "{\"text\":\"CAFÉ są ÉTÉ ɔ\"}" >expect &&
	ayak-norm in >out &&
	test_cmp expect out
'

test_expect_success '--no-mojibake and --no-entities leave them' '

	ayak-norm --no-mojibake --no-entities in >out &&
	test_cmp_bin in out
'

test_expect_success 'every other field passes byte for byte, escapes and order included' '
	printf "%s\n" "{\"a\":\"caf\\u00e9 \\/ x  y\",\"text\":\"x  y\",\"n\":1.50e3,\"o\":{\"text\":\"  \"},\"z\":null}" >in &&
	printf "%s\n" "{\"a\":\"caf\\u00e9 \\/ x  y\",\"text\":\"x y\",\"n\":1.50e3,\"o\":{\"text\":\"  \"},\"z\":null}" >expect &&
	ayak-norm in >out &&
	test_cmp expect out
'

test_expect_success 'an unchanged text keeps its escapes' '
	printf "%s\n" "{\"text\":\"caf\\u00e9\\n\\u0041\"}" >in &&
	ayak-norm in >out &&
	test_cmp_bin in out
'

test_expect_success 'invalid UTF-8 in the text becomes U+FFFD' '
	printf "{\"text\":\"a\\376b \\\\udc00\"}\n" >in &&
	printf "{\"text\":\"a\\357\\277\\275b \\357\\277\\275\"}\n" >expect &&
	ayak-norm --stats st.json in >out &&
	test_cmp_bin expect out &&
	grep -q "\"invalid_utf8\":2" st.json
'

test_expect_success 'and in every other string of the record, so that the next program reads it' '
	printf "{\"url\":\"http://a.my/caf\\351\",\"text\":\"Saya suka makan nasi lemak di kedai itu.\"}\n" >lat1 &&
	ayak-norm --stats st.json lat1 >out &&
	printf "{\"url\":\"http://a.my/caf\\357\\277\\275\",\"text\":\"Saya suka makan nasi lemak di kedai itu.\"}\n" >expect &&
	test_cmp_bin expect out &&
	jq -c "[.counts.records_changed, .counts.invalid_utf8]" st.json >got &&
	echo "[1,1]" >expect &&
	test_cmp expect got &&
	ayak-filter -p none out >out2 &&
	test_cmp_bin out out2 &&
	printf "{\"k\\377\":[\"x\\\\ud800y\",{\"k\":\"\\\\ud83d\\\\ude00 \\\\\\\\ud800\"}],\"text\":\"a  \\376\"}\n" >in &&
	printf "{\"k\\357\\277\\275\":[\"x\\\\ufffdy\",{\"k\":\"\\\\ud83d\\\\ude00 \\\\\\\\ud800\"}],\"text\":\"a \\357\\277\\275\"}\n" >expect &&
	ayak-norm --stats st.json in >out &&
	test_cmp_bin expect out &&
	grep -q "\"invalid_utf8\":3" st.json &&
	ayak-cat out >/dev/null
'

test_expect_success '--field chooses the text field' '
	printf "%s\n" "{\"body\":\"a  b\",\"text\":\"x  y\"}" >in &&
	printf "%s\n" "{\"body\":\"a b\",\"text\":\"x  y\"}" >expect &&
	ayak-norm --field body in >out &&
	test_cmp expect out
'

test_expect_success '--nfkc and --punct' '
	printf "%s\n" "{\"text\":\"\\ufb01le \\u2460 \\uff21 \\u201cJom\\u201d \\u2014 \\u2026\"}" >in &&
	printf "%s\n" "{\"text\":\"file 1 A “Jom” — ...\"}" >expect &&
	ayak-norm --nfkc in >out &&
	test_cmp expect out &&
	printf "%s\n" "{\"text\":\"ﬁle ① A \\\"Jom\\\" - ...\"}" >expect &&
	ayak-norm --punct in >out &&
	test_cmp expect out
'

test_expect_success '--blank-lines N' '
	printf "%s\n" "{\"text\":\"a\\n\\n\\n\\n\\nb\"}" >in &&
	ayak-norm --blank-lines 0 in >out0 &&
	ayak-norm --blank-lines 2 in >out2 &&
	printf "%s\n" "{\"text\":\"a\\nb\"}" >expect0 &&
	printf "%s\n" "{\"text\":\"a\\n\\n\\nb\"}" >expect2 &&
	test_cmp expect0 out0 &&
	test_cmp expect2 out2
'

test_expect_success '--stats counts changes per rule' '
	ayak-norm --stats st.json "$CORPUS" >/dev/null &&
	cat >expect <<-\EOT &&
	"counts":{"records_changed":10,"invalid_utf8":0,"mojibake":8,"html_entities":3,"controls":3,"invisible":5,"line_endings":6,"spaces":9,"trimmed":6,"blank_lines":2,"nfc":1}}
	EOT
	sed "s/.*\(\"counts\":\)/\1/" st.json >actual &&
	test_cmp expect actual &&
	grep -q "\"records_in\":44,\"records_out\":44" st.json
'

test_expect_success '--stats: a lone tab or space is no change, a run or a no-break space is' '
	printf "%s\n" "{\"text\":\"a\\tb c\"}" "{\"text\":\"a\\t b\"}" "{\"text\":\"a\\u00a0b\"}" >in &&
	ayak-norm --stats st.json in >out &&
	printf "%s\n" "{\"text\":\"a\\tb c\"}" "{\"text\":\"a\\tb\"}" "{\"text\":\"a b\"}" >expect &&
	test_cmp expect out &&
	jq -c "[.counts.records_changed, .counts.spaces]" st.json >got &&
	echo "[2,2]" >expect &&
	test_cmp expect got
'

test_expect_success '--stats names the rules of the flags given' '
	printf "%s\n" "{\"text\":\"yg\"}" | ayak-norm --expand-slang --reduplication --elongation \
		--jawi-to-rumi --case-fold --strip-accents --punct --nfkc --stats st.json >/dev/null &&
	for k in nfkc punct jawi elongation reduplication slang case_fold strip_accents; do
		grep -q "\"$k\":" st.json || return 1
	done &&
	! grep -q "\"nfc\":" st.json
'

test_expect_success '--diff prints changed lines on stderr' '
	printf "%s\n" "{\"text\":\"Baris satu\\nBaris  dua\\nBaris tiga \"}" >in &&
	ayak-norm --diff in >out 2>err &&
	cat >expect <<-\EOT &&
	@@ in:1 @@
	-Baris  dua
	-Baris tiga<U+0020>
	+Baris dua
	+Baris tiga
	EOT
	test_cmp expect err
'

test_expect_success '--diff-file writes the diff to a file, nothing on stderr' '
	ayak-norm --diff-file d.txt in >out 2>err &&
	test_must_be_empty err &&
	test_cmp expect d.txt
'

test_expect_success '--diff-file: none after a failed run; - is standard output; not with --diff' '
	ayak-norm --diff-file - -o o.jsonl in >got 2>err &&
	test_must_be_empty err &&
	test_cmp expect got &&
	test_path_is_missing - &&
	cp in good &&
	printf "%s\n" "{\"text\":1}" >>in &&
	test_expect_code 1 ayak-norm --diff-file d2.txt in >out 2>err &&
	test_path_is_missing d2.txt &&
	! ls .d2.txt* 2>/dev/null &&
	test_expect_code 2 ayak-norm --diff-file - good >out 2>err &&
	test_must_be_empty out &&
	cat >expect.err <<-\EOF &&
	ayak-norm: --diff-file - and the records would both go to standard output: name the records'"'"' file with -o
	Try '"'"'ayak-norm --help'"'"'.
	EOF
	test_cmp expect.err err &&
	test_expect_code 2 ayak-norm --diff --diff-file d3.txt good >out 2>err &&
	test_path_is_missing d3.txt &&
	cat >expect.err <<-\EOF &&
	ayak-norm: --diff and --diff-file: give one (--diff prints on stderr)
	Try '"'"'ayak-norm --help'"'"'.
	EOF
	test_cmp expect.err err
'

test_expect_success '--diff to a standard error that cannot be written is exit 3' '
	printf "%s\n" "{\"text\":\"a  b\"}" >in2 &&
	test_expect_code 3 ayak-norm --diff -o o2.jsonl in2 2>/dev/full &&
	test_path_is_missing o2.jsonl
'

test_expect_success '--diff: a record whose only change is U+FFFD prints nothing' '
	printf "{\"text\":\"a\\377b\"}\n" >in &&
	ayak-norm --diff in >out 2>err &&
	test_must_be_empty err
'

test_expect_success '--diff shows invisible characters and accents' '
	printf "%s\n" "{\"text\":\"a\\u200bb\\u00a0c e\\u0301\"}" >in &&
	ayak-norm --diff in >out 2>err &&
	grep -F -e "-a<U+200B>b<U+00A0>c e<U+0301>" err &&
	grep -F -e "+ab c é" err
'

for flags in "" "--nfkc --punct" "--expand-slang" \
	"--expand-slang --keep-informal --reduplication --elongation" "--jawi-to-rumi" \
	"--case-fold --strip-accents" \
	"--nfkc --punct --expand-slang --reduplication --elongation --jawi-to-rumi --case-fold --strip-accents"
do
	test_expect_success "idempotence over the test corpus: ${flags:-(default)}" '
		ayak-norm $flags "$CORPUS" >once &&
		ayak-norm $flags once >twice &&
		test_cmp once twice
	'
done

test_expect_success 'a 5 MB text on one line' '
	awk "BEGIN { printf \"{\\\"text\\\":\\\"\"; for (i = 0; i < 500000; i++) printf \"kafe\\\\u0301  x \"; print \"\\\"}\" }" >big &&
	ayak-norm big >out &&
	awk "BEGIN { printf \"{\\\"text\\\":\\\"\"; for (i = 0; i < 499999; i++) printf \"kafé x \"; print \"kafé x\\\"}\" }" >expect &&
	test_cmp_bin expect out
'

test_expect_success 'a long changed text is written whole, its parts cut between characters' '
	e=$(printf "%40000s" "" | sed "s/ /é/g") &&
	printf "{\"id\":1,\"text\":\"a%s  b\",\"z\":2}\n" "$e" >in &&
	printf "{\"id\":1,\"text\":\"a%s b\",\"z\":2}\n" "$e" >expect &&
	ayak-norm in >out &&
	test_cmp_bin expect out
'

test_expect_success 'a text of many ICU chunks whose first change is in a later one' '
	l=$(printf "%50s" "" | sed "s/ /é/g") &&
	awk -v l="$l" "BEGIN { printf \"{\\\"text\\\":\\\"\"; for (i = 0; i < 14000; i++)
		printf \"%s%s%s\", i ? \"\\\\n\" : \"\", i == 11000 ? \"e\\\\u0301\" : \"\", l; print \"\\\"}\" }" >in &&
	sed "s/e\\\\u0301/é/" in >expect &&
	ayak-norm in >out &&
	test_cmp_bin expect out
'

test_expect_success 'compressed input and output' '
	gzip -c "$CORPUS" >c.gz &&
	ayak-norm -o out.jsonl.zst c.gz &&
	ayak-norm "$CORPUS" >plain &&
	ayak-cat out.jsonl.zst >back &&
	test_cmp plain back
'

test_expect_success '-V names the lexicons, --help the flags' '
	ayak-norm -V >v &&
	grep -q "^ayak-norm (ayak) " v &&
	grep -q "^lexicons " v &&
	ayak-norm --help >h &&
	grep -q -- "--expand-slang" h &&
	grep -q -- "--jawi-to-rumi" h
'

test_done
