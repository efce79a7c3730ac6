#!/usr/bin/env bash
test_description='ayak-stats --output-text/--output-json/--output-html: every format from one pass'
. "$(dirname "$0")/../lib.sh"

D=$TEST_DATA/stats
TJ=$TEST_DATA/tok/bytelevel/tokenizer.json
TRY="Try 'ayak-stats --help'."

test_expect_success 'setup' '
	cp "$D/records.jsonl" in.jsonl &&
	cp -R "$D/run" run &&
	ayak-cat -z in.jsonl >in.jsonl.zst &&
	printf "%s\n" "{\"text\":\"satu dua\"}" "{\"text\":\"b\"" >bad.jsonl
'

# The form that pipelines/lib/stage uses for its report, three runs and one.
test_expect_success 'one run with three outputs: the bytes of three runs with -f and -o' '
	for f in text json html; do
		ayak-stats --format $f --tokenizer "$TJ" --stage-stats run \
			--title "commoncrawl-malay: run" -o sep.$f in.jsonl.zst || return 1
	done &&
	ayak-stats --tokenizer "$TJ" --stage-stats run --title "commoncrawl-malay: run" \
		--output-text one.txt --output-json one.json --output-html one.html \
		in.jsonl.zst >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty err &&
	test_cmp_bin sep.text one.txt &&
	test_cmp_bin sep.json one.json &&
	test_cmp_bin sep.html one.html &&
	grep "^  tokens  *[0-9,]*  (.*byte-level BPE" one.txt &&
	grep "^<h2>Languages ayak-lid saw (before selection)</h2>\$" one.html
'

test_expect_success 'the expected reports, from one run' '
	ayak-stats --stage-stats run --output-json a.json --output-text a.txt in.jsonl &&
	test_cmp "$D/expected.txt" a.txt &&
	test_cmp "$D/expected.json" a.json &&
	ayak-stats --stages-only --stage-stats run --output-text s.txt --output-html s.html &&
	test_cmp "$D/expected-stages.txt" s.txt &&
	ayak-stats --stages-only --stage-stats run -f html >s2.html &&
	test_cmp_bin s2.html s.html
'

test_expect_success 'with -f, standard output gets that format too; with -o, that file' '
	ayak-stats -f json --stage-stats run --output-text b.txt in.jsonl >b.json &&
	test_cmp "$D/expected.json" b.json &&
	test_cmp "$D/expected.txt" b.txt &&
	ayak-stats -o c.txt --stage-stats run --output-json c.json in.jsonl >out &&
	test_must_be_empty out &&
	test_cmp "$D/expected.txt" c.txt &&
	test_cmp "$D/expected.json" c.json &&
	ayak-stats -f html -o c.html --stage-stats run --output-html d.html in.jsonl &&
	test_cmp_bin c.html d.html
'

test_expect_success 'a format named twice: two files with the same bytes' '
	ayak-stats --stage-stats run --output-text e1.txt --output-text e2.txt in.jsonl &&
	test_cmp "$D/expected.txt" e1.txt &&
	test_cmp "$D/expected.txt" e2.txt
'

test_expect_success 'outputs ending in .zst and .gz are compressed; --compress forces it' '
	ayak-stats --stage-stats run --output-json f.json.zst --output-text f.txt.gz in.jsonl &&
	ayak-cat f.json.zst >f.json &&
	test_cmp "$D/expected.json" f.json &&
	gzip -dc f.txt.gz >f.txt &&
	test_cmp "$D/expected.txt" f.txt &&
	ayak-stats --stage-stats run -o g.json.zst -f json in.jsonl &&
	test_cmp_bin g.json.zst f.json.zst &&
	ayak-stats --compress gz --stage-stats run --output-text g.txt in.jsonl &&
	gzip -dc g.txt >g.plain &&
	test_cmp "$D/expected.txt" g.plain
'

test_expect_success '--stats: bytes_out is the size of all the reports' '
	ayak-stats --stats st.json --stage-stats run --output-text h.txt --output-json h.json \
		--output-html h.html in.jsonl &&
	total=$(cat h.txt h.json h.html | wc -c) &&
	grep "\"records_in\":20,\"records_out\":20,.*\"bytes_out\":$total," st.json
'

test_expect_success 'a malformed record: exit 1, and none of the outputs' '
	mkdir m &&
	test_expect_code 1 ayak-stats --output-text m/r.txt --output-json m/r.json \
		-o m/r.html -f html bad.jsonl >out 2>err &&
	echo "ayak-stats: bad.jsonl:2: malformed record: unexpected end of line at column 12" >expect &&
	test_cmp expect err &&
	test_must_be_empty out &&
	ls -A m >list &&
	test_must_be_empty list
'

test_expect_success 'an output that cannot be opened: exit 3, and none of the outputs' '
	mkdir n &&
	test_expect_code 3 ayak-stats --output-text n/r.txt --output-json n/r.json \
		--output-html n/no/such/dir/r.html -o n/main.txt in.jsonl 2>err &&
	grep "^ayak-stats: n/no/such/dir/r.html: " err &&
	ls -A n >list &&
	test_must_be_empty list
'

test_expect_success 'two outputs naming the same file: a usage error' '
	test_expect_code 2 ayak-stats --output-text r --output-html r in.jsonl 2>err &&
	test_write_lines "ayak-stats: --output-text and --output-html name the same file" "$TRY" >expect &&
	test_cmp expect err &&
	test_expect_code 2 ayak-stats -o r --output-json r in.jsonl 2>err &&
	test_write_lines "ayak-stats: --output-json and --output name the same file" "$TRY" >expect &&
	test_cmp expect err &&
	test_expect_code 2 ayak-stats -f json --output-text - in.jsonl 2>err &&
	test_write_lines "ayak-stats: --output-text and the standard output name the same file" "$TRY" >expect &&
	test_cmp expect err &&
	test_expect_code 2 ayak-stats --stats r --output-json r in.jsonl 2>err &&
	test_write_lines "ayak-stats: --output-json and --stats name the same file" "$TRY" >expect &&
	test_cmp expect err &&
	test_expect_code 2 ayak-stats --on-error skip --rejects r --output-html r in.jsonl 2>err &&
	test_write_lines "ayak-stats: --output-html and --rejects name the same file" "$TRY" >expect &&
	test_cmp expect err &&
	test_expect_code 2 ayak-stats --output-html "" in.jsonl 2>err &&
	test_write_lines "ayak-stats: --output-html wants a file name" "$TRY" >expect &&
	test_cmp expect err &&
	test_path_is_missing r
'

test_expect_success 'outputs by other names (./r, a link) are the same file too' '
	test_expect_code 2 ayak-stats --output-text r --output-html ./r in.jsonl 2>err &&
	test_write_lines "ayak-stats: --output-text and --output-html name the same file" "$TRY" >expect &&
	test_cmp expect err &&
	ln -s r.json rl &&
	test_expect_code 2 ayak-stats --output-json r.json --stats rl in.jsonl 2>err &&
	test_write_lines "ayak-stats: --output-json and --stats name the same file" "$TRY" >expect &&
	test_cmp expect err &&
	test_path_is_missing r &&
	test_path_is_missing r.json
'

test_expect_success 'a failure after the reports are written leaves none of them' '
	mkdir -p f1 &&
	test_expect_code 3 ayak-stats --output-html f1/r.html --output-json f1/r.json \
		--stats f1/no/s.json in.jsonl 2>err &&
	echo "ayak-stats: f1/no/s.json: No such file or directory" >expect &&
	test_cmp expect err &&
	test_expect_code 3 ayak-stats --output-html f1/r.html -o f1/r.txt --stats /dev/full in.jsonl 2>err &&
	ls -A f1 >list &&
	test_must_be_empty list &&
	for i in $(seq 400); do cat in.jsonl; done >big.jsonl &&
	(ulimit -f 4; trap "" XFSZ
	 test_expect_code 3 ayak-stats --output-text f1/a.txt -f html -o f1/b.html big.jsonl 2>err) &&
	grep "^ayak-stats: write error on f1/b.html: File too large$" err &&
	ls -A f1 >list &&
	test_must_be_empty list
'

test_expect_success '--output-text - writes the text report to standard output' '
	ayak-stats --stage-stats run --output-text - --output-json i.json in.jsonl >i.txt &&
	test_cmp "$D/expected.txt" i.txt &&
	test_cmp "$D/expected.json" i.json
'

test_done
