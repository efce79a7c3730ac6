#!/usr/bin/env bash
test_description='ayak-stats: exact text and JSON reports, stages, determinism, options'
. "$(dirname "$0")/../lib.sh"

D=$TEST_DATA/stats

test_expect_success 'setup' '
	cp "$D/records.jsonl" in.jsonl &&
	cp -R "$D/run" run
'

test_expect_success 'text report of records and stages: exact' '
	ayak-stats --stage-stats run in.jsonl >out 2>err &&
	test_cmp "$D/expected.txt" out &&
	test_must_be_empty err
'

test_expect_success 'JSON report: exact, one line' '
	ayak-stats -f json --stage-stats run in.jsonl >out.json &&
	test_cmp "$D/expected.json" out.json &&
	test_line_count = 1 out.json
'

test_expect_success JQ 'JSON report: valid, members in the documented order' '
	jq -c "keys_unsorted" out.json >keys &&
	echo "[\"program\",\"version\",\"title\",\"records\",\"length\",\"languages\",\"domains\",\"stages\"]" >expect &&
	test_cmp expect keys &&
	jq -c "[.records.count, .records.text_bytes, .records.chars, .records.words, .length.p50, .length.p90]" out.json >got &&
	echo "[20,1336,1304,192,48,70]" >expect &&
	test_cmp expect got &&
	jq -c "[.stages.list[] | .stage]" out.json >got &&
	echo "[\"ayak-warc\",\"ayak-norm\",\"ayak-lid\",\"ayak-filter\",\"ayak-dedup\"]" >expect &&
	test_cmp expect got
'

test_expect_success JQ 'JSON numbers agree with jq over the records' '
	jq -s -c "[length, (map(.text | length) | add), (map(select(.lang == \"zsm_Latn\")) | length)]" in.jsonl >expect &&
	jq -c "[.records.count, .records.chars, (.languages.labels[] | select(.lang == \"zsm_Latn\") | .records)]" out.json >got &&
	test_cmp expect got
'

test_expect_success 'stages only: exact' '
	ayak-stats --stages-only --stage-stats run >out &&
	test_cmp "$D/expected-stages.txt" out
'

test_expect_success 'the same input twice gives the same bytes, in every format' '
	for f in text json html; do
		ayak-stats -f $f --stage-stats run in.jsonl >a.$f &&
		ayak-stats -f $f --stage-stats run in.jsonl >b.$f &&
		test_cmp_bin a.$f b.$f || return 1
	done
'

test_expect_success 'stats files in another order, one by one: the same report' '
	ayak-stats -f json $(find run -name "*.json" | sort -r | sed "s/^/--stage-stats /") in.jsonl >out2.json &&
	test_cmp "$D/expected.json" out2.json
'

test_expect_success 'a stats file named twice, or reached through a link, counts once' '
	ln -s "$PWD/run/00001" link &&
	ayak-stats -f json --stage-stats run --stage-stats run/00000/1-warc.json --stage-stats link \
		--stage-stats run in.jsonl >twice.json &&
	test_cmp "$D/expected.json" twice.json
'

test_expect_success 'standard input and compressed input give the same report' '
	ayak-stats -f json --stage-stats run <in.jsonl >stdin.json &&
	test_cmp "$D/expected.json" stdin.json &&
	ayak-cat -z in.jsonl >in.jsonl.zst &&
	ayak-cat --compress gz in.jsonl >in.jsonl.gz &&
	ayak-stats -f json --stage-stats run in.jsonl.zst >zst.json &&
	ayak-stats -f json --stage-stats run in.jsonl.gz >gz.json &&
	test_cmp "$D/expected.json" zst.json &&
	test_cmp "$D/expected.json" gz.json
'

test_expect_success 'records split over two files: the same counts' '
	head -n 7 in.jsonl >part1.jsonl &&
	tail -n +8 in.jsonl >part2.jsonl &&
	ayak-stats -f json --stage-stats run part1.jsonl part2.jsonl >parts.json &&
	test_cmp "$D/expected.json" parts.json
'

test_expect_success 'blank lines, CRLF and a missing final newline change nothing' '
	{ echo; sed "s/\$/\r/" in.jsonl; echo "   "; } | head -c -2 >odd.jsonl &&
	ayak-stats -f json --stage-stats run odd.jsonl >odd.json &&
	test_cmp "$D/expected.json" odd.json
'

test_expect_success '-o writes the report, -o .gz compresses it' '
	ayak-stats -o report.txt --stage-stats run in.jsonl >out &&
	test_must_be_empty out &&
	test_cmp "$D/expected.txt" report.txt &&
	ayak-stats -f json -o report.json.gz --stage-stats run in.jsonl &&
	ayak-cat report.json.gz >report.json &&
	test_cmp "$D/expected.json" report.json
'

test_expect_success '--top 2 lists two domains' '
	ayak-stats --top 2 in.jsonl >out &&
	sed -n "/^Domains/,/^\$/p" out >domains &&
	cat >expect <<-\EOF &&
	Domains (field url: 19 of 20 records, 8 distinct; top 2)
	  domain            records  share  characters  words
	  berita.example          5  25.0%         208     33
	  forum.example.my        3  15.0%         185     27
	  (no host)               1   5.0%
	  (no url)                1   5.0%
	EOF
	test_cmp expect domains
'

test_expect_success '--max-domains 2: Space-Saving, upper bounds and errors' '
	ayak-stats --max-domains 2 -f json in.jsonl >out.json &&
	grep -o "\"domains\":{[^]]*]" out.json >got &&
	echo "\"domains\":{\"field\":\"url\",\"with_field\":19,\"without_field\":1,\"without_host\":1,\"invalid_host\":0,\"distinct\":8,\"exact\":false,\"max_domains\":2,\"top_n\":20,\"top\":[{\"domain\":\"berita.example\",\"records\":10,\"share\":0.5000,\"chars\":79,\"words\":12,\"error\":8},{\"domain\":\"kabar.example.id\",\"records\":8,\"share\":0.4000,\"chars\":112,\"words\":19,\"error\":6}]" >expect &&
	test_cmp expect got &&
	ayak-stats --max-domains 2 in.jsonl >out &&
	grep "more than 2 domains (--max-domains): records are upper bounds" out
'

test_expect_success '--tokenizer: the tokens ayak-tok --count gives' '
	tj=$TEST_DATA/tok/bytelevel/tokenizer.json &&
	ayak-tok -t "$tj" --count in.jsonl | sed -n "s/.*\"ntokens\":\([0-9]*\).*/\1/p" |
		awk "{ s += \$1 } END { print s }" >expect &&
	ayak-stats -f json -t "$tj" in.jsonl >out.json &&
	sed -n "s/.*\"tokens\":\([0-9]*\),\"tokenizer\".*/\1/p" out.json >got &&
	test_cmp expect got &&
	grep "\"tokenizer\":\"tokenizer.json: byte-level BPE" out.json &&
	: "the same report whatever the path (it held the path as given)" &&
	mkdir -p tk && cp "$tj" tk/tokenizer.json &&
	(cd tk && ayak-stats -f json -t ./tokenizer.json ../in.jsonl) >rel.json &&
	test_cmp out.json rel.json &&
	ayak-stats -t "$tj" in.jsonl >out.txt &&
	grep "^  tokens  *[0-9,]*  (.*byte-level BPE" out.txt &&
	grep "^  label  *records  share  characters  words  tokens  mean score\$" out.txt
'

test_expect_success '--no-special counts fewer tokens with a tokenizer that adds <s>' '
	tj=$TEST_DATA/tok/sp/tokenizer.json &&
	ayak-stats -f json -t "$tj" in.jsonl |
		sed -n "s/.*\"tokens\":\([0-9]*\),\"tokenizer\".*/\1/p" >with &&
	ayak-stats -f json -t "$tj" --no-special in.jsonl |
		sed -n "s/.*\"tokens\":\([0-9]*\),\"tokenizer\".*/\1/p" >without &&
	test $(cat with) = $(( $(cat without) + 20 ))
'

test_expect_success '--timestamp uses SOURCE_DATE_EPOCH; without it no date' '
	SOURCE_DATE_EPOCH=86400 ayak-stats --timestamp in.jsonl >out &&
	sed -n 2p out >got &&
	echo "made 1970-01-02T00:00:00Z by ayak-stats 0.1.0" >expect &&
	test_cmp expect got &&
	SOURCE_DATE_EPOCH=86400 ayak-stats -f json --timestamp in.jsonl >out.json &&
	grep "^{\"program\":\"ayak-stats\",\"version\":\"0.1.0\",\"title\":\"ayak-stats report\",\"timestamp\":\"1970-01-02T00:00:00Z\"," out.json &&
	SOURCE_DATE_EPOCH=86400 ayak-stats -f json in.jsonl >out.json &&
	! grep timestamp out.json
'

test_expect_success '--title' '
	ayak-stats --title "Laporan: Malay crawl" in.jsonl | head -n 1 >got &&
	echo "Laporan: Malay crawl" >expect &&
	test_cmp expect got &&
	ayak-stats -f json --title "a \"quoted\" title" in.jsonl >out.json &&
	grep "\"title\":\"a \\\\\"quoted\\\\\" title\"" out.json
'

test_expect_success '--field, --lang-field and --url-field' '
	sed -e "s/\"text\":/\"body\":/" -e "s/\"lang\":/\"bahasa\":/" -e "s/\"lang_score\":/\"bahasa_score\":/" \
		-e "s/\"url\":/\"link\":/" in.jsonl >renamed.jsonl &&
	ayak-stats --field body --lang-field bahasa --url-field link --stage-stats run renamed.jsonl >out &&
	sed -e "s/field lang:/field bahasa:/" -e "s/field lang_score:/field bahasa_score:/" \
		-e "s/field url:/field link:/" "$D/expected.txt" | grep -v "record bytes" >expect &&
	grep -v "record bytes" out >got &&
	test_cmp expect got
'

test_expect_success '--stage-order puts the named stages first' '
	ayak-stats --stages-only --stage-stats run --stage-order dedup,ayak-lid -f json >out.json &&
	grep -o "\"stage\":\"[^\"]*\"" out.json >got &&
	test_write_lines "\"stage\":\"ayak-dedup\"" "\"stage\":\"ayak-lid\"" "\"stage\":\"ayak-warc\"" \
		"\"stage\":\"ayak-norm\"" "\"stage\":\"ayak-filter\"" >expect &&
	test_cmp expect got
'

test_expect_success 'a stage file naming a stage, and an unknown program: after the known ones' '
	mkdir extra &&
	echo "{\"program\":\"ayak-dedup\",\"stage\":\"sign\",\"records_in\":5,\"records_out\":5}" >extra/sign.json &&
	echo "{\"program\":\"my-tool\",\"records_in\":9,\"records_out\":3,\"dropped\":{\"odd\":6}}" >extra/mine.json &&
	ayak-stats --stages-only --stage-stats run --stage-stats extra -f json >out.json &&
	grep -o "\"stage\":\"[^\"]*\"" out.json >got &&
	test_write_lines "\"stage\":\"ayak-warc\"" "\"stage\":\"ayak-norm\"" "\"stage\":\"ayak-lid\"" \
		"\"stage\":\"ayak-filter\"" "\"stage\":\"ayak-dedup\"" "\"stage\":\"ayak-dedup sign\"" \
		"\"stage\":\"my-tool\"" >expect &&
	test_cmp expect got &&
	grep "\"stage\":\"my-tool\",\"files\":1,\"records_in\":9,\"records_out\":3,\"kept\":0.3333,\"dropped_total\":6,\"dropped\":{\"odd\":6},\"errors\":0,\"bytes_in\":0,\"bytes_out\":0,\"seconds\":0.000,\"counts\":{},\"counters\":\\[\\]}" out.json
'

test_expect_success 'no record has a url: the "(no url)" row; JSON counts it as without_field' '
	printf "{\"text\":\"a\"}\n{\"text\":\"b\"}\n" >nourl.jsonl &&
	ayak-stats nourl.jsonl >out &&
	sed -n "/^Domains/,\$p" out >got &&
	cat >expect <<-\EOF &&
	Domains (field url: 0 of 2 records, 0 distinct; top 20)
	  domain    records   share  characters  words
	  (no url)        2  100.0%
	EOF
	test_cmp expect got &&
	ayak-stats -f json nourl.jsonl >out.json &&
	grep -o "\"domains\":{[^}]*}" out.json >got &&
	echo "\"domains\":{\"field\":\"url\",\"with_field\":0,\"without_field\":2,\"without_host\":0,\"invalid_host\":0,\"distinct\":0,\"exact\":true,\"max_domains\":100000,\"top_n\":20,\"top\":[]}" >expect &&
	test_cmp expect got
'

test_expect_success 'only URLs without a host: the "(no host)" row' '
	printf "{\"text\":\"a\",\"url\":\"mailto:x@example.com\"}\n" >nohost.jsonl &&
	ayak-stats nohost.jsonl >out &&
	sed -n "/^Domains/,\$p" out >got &&
	cat >expect <<-\EOF &&
	Domains (field url: 1 of 1 record, 0 distinct; top 20)
	  domain     records   share  characters  words
	  (no host)        1  100.0%
	EOF
	test_cmp expect got
'

test_expect_success 'a URL without a scheme has a host only when it reads as one' '
	for u in example.com/path www.X.my/a //host/p localhost:8080/x /a/b a/b index \
		 "path/to?x=a:b" ali@contoh.my "?q=1"; do
		printf "{\"text\":\"a\",\"url\":\"%s\"}\n" "$u" || return 1
	done >bare.jsonl &&
	ayak-stats bare.jsonl >out &&
	sed -n "/^Domains/,\$p" out >got &&
	cat >expect <<-\EOF &&
	Domains (field url: 10 of 10 records, 4 distinct; top 20)
	  domain       records  share  characters  words
	  example.com        1  10.0%           1      1
	  host               1  10.0%           1      1
	  localhost          1  10.0%           1      1
	  x.my               1  10.0%           1      1
	  (no host)          6  60.0%
	EOF
	test_cmp expect got
'

test_expect_success 'hosts are lower-cased outside ASCII too, escaped or not; bytes not UTF-8 stay' '
	printf "{\"text\":\"a\",\"url\":\"%b\"}\n" "http://\303\211COLE.example/" \
		"http://\303\251cole.example/" "http://%C3%89cole.example/" \
		"http://\310\272.example/" "https://\304\260.example/" "http://%FF.example/" >uc.jsonl &&
	ayak-stats uc.jsonl >out &&
	sed -n "/^Domains/,\$p" out >got &&
	printf "%b\n" "Domains (field url: 6 of 6 records, 4 distinct; top 20)" \
		"  domain         records  share  characters  words" \
		"  \303\251cole.example        3  50.0%           3      3" \
		"  i.example            1  16.7%           1      1" \
		"  \342\261\245.example            1  16.7%           1      1" \
		"  \357\277\275.example            1  16.7%           1      1" >expect &&
	test_cmp expect got
'

test_expect_success 'a label over 255 bytes and a host over 253 are counted apart, not cut and merged' '
	x=$(printf "%0300d" 0 | tr 0 x) &&
	L=$(printf "%0300d" 0 | tr 0 L) &&
	for c in a b; do
		printf "{\"text\":\"a\",\"url\":\"http://%s%s.example/\",\"lang\":\"%s%s\"}\n" \
			"$x" $c "$L" $c || return 1
	done >lh2.jsonl &&
	echo "{\"text\":\"b\",\"url\":\"http://ok.example/\",\"lang\":\"ms\"}" >>lh2.jsonl &&
	ayak-stats lh2.jsonl >out &&
	sed -n "/^Languages/,\$p" out >got &&
	cat >expect <<-\EOF &&
	Languages (field lang: 3 of 3 records, 1 label)
	  label       records  share  characters  words  mean score
	  ms                1  33.3%           1      1           -
	  (too long)        2  66.7%

	Domains (field url: 3 of 3 records, 1 distinct; top 20)
	  domain          records  share  characters  words
	  ok.example            1  33.3%           1      1
	  (invalid host)        2  66.7%
	EOF
	test_cmp expect got &&
	ayak-stats -f json lh2.jsonl >out.json &&
	jq -c "[.languages.distinct,.languages.exact,.languages.too_long,.domains.distinct,.domains.exact,.domains.invalid_host]" out.json >got &&
	echo "[1,true,2,1,true,2]" >expect &&
	test_cmp expect got &&
	ayak-stats -f html lh2.jsonl >out.html &&
	grep -c "^<tr><td>(too long)</td><td>2</td><td>66.7%</td><td></td><td></td><td></td><td></td></tr>\$" out.html &&
	grep -c "^<tr><td>(invalid host)</td><td>2</td><td>66.7%</td><td></td><td></td><td></td></tr>\$" out.html
'

test_expect_success 'past 1000 labels the languages tables give the error bounds, as the domains ones do' '
	awk "BEGIN { for (i = 0; i < 3000; i++) printf \"{\\\"text\\\":\\\"a b\\\",\\\"lang\\\":\\\"%s\\\"}\\n\", i % 2 ? \"cold\" i : \"hot\" i % 3 }" >ml.jsonl &&
	ayak-stats ml.jsonl >out &&
	sed -n "/^Languages (/,+7p" out >got &&
	cat >expect <<-\EOF &&
	Languages (field lang: 3,000 of 3,000 records, 1509 labels, estimated: too many to count exactly)
	  more than 1,000 labels: records are upper bounds, over by at most the error shown;
	  characters and words may be too low
	  label     records  share  characters  words  mean score  error
	  hot0          500  16.7%       1,500  1,000           -      0
	  hot1          500  16.7%       1,500  1,000           -      0
	  hot2          500  16.7%       1,500  1,000           -      0
	  cold1995        2   0.1%           3      2           -      1
	EOF
	test_cmp expect got &&
	ayak-stats -f html ml.jsonl >out.html &&
	grep "^<p class=\"note\">More than 1,000 distinct labels: the counts come from the Space-Saving algorithm and may be over by at most the error in the table (characters and words may be too low).</p>\$" out.html &&
	grep "<th>mean score</th><th>error</th></tr>" out.html &&
	grep "^<tr><td>cold1995</td><td>2</td><td>0.1%</td><td>3</td><td>2</td><td>-</td><td>1</td></tr>\$" out.html &&
	grep -c "cold1995: 2 records (0.1%), 3 characters (counts may be over by up to 1)" out.html
'

test_expect_success 'the text report gives the 99th percentile of the lengths, as JSON does' '
	s= &&
	for i in $(seq 1 100); do
		s=${s}x && echo "{\"text\":\"$s\"}" || return 1
	done >len100.jsonl &&
	ayak-stats -f json len100.jsonl >out.json &&
	grep -o "\"max\":[0-9]*,\"mean\":[0-9.]*,\"p50\":[0-9]*,\"p90\":[0-9]*,\"p99\":[0-9]*" out.json >got &&
	echo "\"max\":100,\"mean\":50.5,\"p50\":50,\"p90\":90,\"p99\":98" >expect &&
	test_cmp expect got &&
	ayak-stats len100.jsonl >out &&
	grep "^  min 1, median 50, p90 90, p99 98, max 100, mean 50.5  (percentiles up to 3% low)$" out
'

test_expect_success '--stage-order: a program not named ayak-*, by its name; ayak-NAME by NAME' '
	mkdir so &&
	echo "{\"program\":\"ayak-norm\",\"records_in\":10,\"records_out\":10}" >so/norm.json &&
	echo "{\"program\":\"myprog\",\"records_in\":10,\"records_out\":9}" >so/my.json &&
	ayak-stats --stages-only --stage-stats so -f json >out.json &&
	grep -o "\"stage\":\"[^\"]*\"" out.json >got &&
	test_write_lines "\"stage\":\"ayak-norm\"" "\"stage\":\"myprog\"" >expect &&
	test_cmp expect got &&
	ayak-stats --stages-only --stage-stats so --stage-order myprog -f json >out.json &&
	grep -o "\"stage\":\"[^\"]*\"" out.json >got &&
	test_write_lines "\"stage\":\"myprog\"" "\"stage\":\"ayak-norm\"" >expect &&
	test_cmp expect got &&
	ayak-stats --stages-only --stage-stats so --stage-order myprog,norm -f json >out2.json &&
	test_cmp out.json out2.json &&
	ayak-stats --stages-only --stage-stats so --stage-order myprog,ayak-norm -f json >out2.json &&
	test_cmp out.json out2.json
'

test_expect_success '--stage-order: a name no stage has is a usage error' '
	test_expect_code 2 ayak-stats --stages-only --stage-stats so --stage-order nrom >out 2>err &&
	test_must_be_empty out &&
	cat >expect <<-\EOF &&
	ayak-stats: --stage-order: no stats file is of the program '\''nrom'\''
	Try '\''ayak-stats --help'\''.
	EOF
	test_cmp expect err &&
	test_expect_code 2 ayak-stats --stages-only --stage-stats so --stage-order norm,ayak-myprog >out 2>err &&
	head -n 1 err >got &&
	echo "ayak-stats: --stage-order: no stats file is of the program '\''ayak-myprog'\''" >expect &&
	test_cmp expect got &&
	test_expect_code 2 ayak-stats --stage-order norm -o rep.txt in.jsonl >out 2>err &&
	test_path_is_missing rep.txt &&
	cat >expect <<-\EOF &&
	ayak-stats: --stage-order goes with --stage-stats
	Try '\''ayak-stats --help'\''.
	EOF
	test_cmp expect err
'

test_expect_success 'a stats directory with a dangling link, a link loop and a link to a parent: only *.json read' '
	mkdir -p links/sub &&
	cp so/norm.json links/sub/ &&
	ln -s nowhere links/dangling &&
	ln -s loop links/loop &&
	ln -s .. links/sub/up &&
	ln -s sub links/again &&
	ayak-stats --stages-only --stage-stats links -f json >out.json 2>err &&
	test_must_be_empty err &&
	grep -o "\"stages\":{\"files\":[0-9]*" out.json >got &&
	echo "\"stages\":{\"files\":1" >expect &&
	test_cmp expect got
'

test_expect_success 'a stats directory reached through a link is read' '
	mkdir real &&
	cp so/my.json real/ &&
	mkdir via &&
	ln -s ../real via/real &&
	ayak-stats --stages-only --stage-stats via -f json >out.json &&
	grep -o "\"stage\":\"[^\"]*\"" out.json >got &&
	echo "\"stage\":\"myprog\"" >expect &&
	test_cmp expect got
'

test_expect_success 'a *.json link in a stats directory that leads nowhere: exit 3, named' '
	mkdir broken &&
	cp so/my.json broken/ &&
	ln -s nowhere.json broken/gone.json &&
	test_expect_code 3 ayak-stats --stages-only --stage-stats broken >out 2>err &&
	echo "ayak-stats: broken/gone.json: No such file or directory" >expect &&
	test_cmp expect err
'

test_expect_success 'no records: a report of zeros' '
	ayak-stats </dev/null >out &&
	cat >expect <<-\EOF &&
	ayak-stats report

	Records
	  records             0
	  malformed, skipped  0
	  record bytes        0  (0 B)
	  text bytes          0  (0 B)
	  characters          0
	  words               0  (runs between white space)

	Length (characters per record)
	  no records

	Languages (field lang: 0 of 0 records, 0 labels)

	Domains (field url: 0 of 0 records, 0 distinct; top 20)
	EOF
	test_cmp expect out &&
	ayak-stats -f json </dev/null >out.json &&
	echo "{\"program\":\"ayak-stats\",\"version\":\"0.1.0\",\"title\":\"ayak-stats report\",\"records\":{\"count\":0,\"malformed\":0,\"record_bytes\":0,\"text_bytes\":0,\"chars\":0,\"words\":0,\"tokens\":null,\"tokenizer\":null},\"length\":{\"unit\":\"chars\",\"min\":null,\"max\":null,\"mean\":null,\"p50\":null,\"p90\":null,\"p99\":null,\"bins\":[]},\"languages\":{\"field\":\"lang\",\"with_field\":0,\"without_field\":0,\"too_long\":0,\"distinct\":0,\"exact\":true,\"labels\":[],\"score_field\":\"lang_score\",\"scored\":0,\"score_bins\":[{\"min\":0.0,\"max\":0.1,\"records\":0},{\"min\":0.1,\"max\":0.2,\"records\":0},{\"min\":0.2,\"max\":0.3,\"records\":0},{\"min\":0.3,\"max\":0.4,\"records\":0},{\"min\":0.4,\"max\":0.5,\"records\":0},{\"min\":0.5,\"max\":0.6,\"records\":0},{\"min\":0.6,\"max\":0.7,\"records\":0},{\"min\":0.7,\"max\":0.8,\"records\":0},{\"min\":0.8,\"max\":0.9,\"records\":0},{\"min\":0.9,\"max\":1.0,\"records\":0}]},\"domains\":{\"field\":\"url\",\"with_field\":0,\"without_field\":0,\"without_host\":0,\"invalid_host\":0,\"distinct\":0,\"exact\":true,\"max_domains\":100000,\"top_n\":20,\"top\":[]},\"stages\":{\"files\":0,\"list\":[]}}" >expect &&
	test_cmp expect out.json
'

test_expect_success 'words and characters: white space of every kind, escapes, astral characters' '
	printf "%s\n" "{\"text\":\"a\\u00a0b\\u3000c\\u2029d\\u0085e\\u200bf \\ud83d\\ude00 g\\th\\nx\"}" \
		"{\"text\":\"  satu  dua\\r\\ntiga   \"}" "{\"text\":\"吉隆坡 😀👍 é\"}" >ws.jsonl &&
	ayak-stats -f json ws.jsonl >out.json &&
	grep -o "\"records\":{[^}]*}" out.json >got &&
	echo "\"records\":{\"count\":3,\"malformed\":0,\"record_bytes\":$(wc -c <ws.jsonl),\"text_bytes\":71,\"chars\":47,\"words\":15,\"tokens\":null,\"tokenizer\":null}" >expect &&
	test_cmp expect got
'

test_expect_success 'a record without text is malformed, a record with an empty text counts' '
	printf "%s\n" "{\"text\":\"\"}" >empty.jsonl &&
	ayak-stats -f json empty.jsonl >out.json &&
	grep "\"records\":{\"count\":1,\"malformed\":0,\"record_bytes\":12,\"text_bytes\":0,\"chars\":0,\"words\":0," out.json
'

test_expect_success '--stats writes ayak-stats own counters' '
	ayak-stats --stats st.json -o /dev/null in.jsonl &&
	sed "s/\"seconds\":[0-9.]*/\"seconds\":S/" st.json >got &&
	echo "{\"program\":\"ayak-stats\",\"version\":\"0.1.0\",\"records_in\":20,\"records_out\":20,\"dropped\":{},\"errors\":0,\"bytes_in\":3248,\"bytes_out\":$(ayak-stats in.jsonl | wc -c),\"seconds\":S,\"counts\":{}}" >expect &&
	test_cmp expect got
'

test_expect_success 'text columns line up with wide and combining characters' '
	printf "%s\n" "{\"text\":\"a b\",\"url\":\"http://abc.de/\",\"lang\":\"zsm_Latn\"}" \
		"{\"text\":\"c\",\"url\":\"http://日本.jp/\",\"lang\":\"中文\"}" \
		"{\"text\":\"d\",\"url\":\"http://xn--bcher-kva.de/\",\"lang\":\"e\\u0301\"}" >wide.jsonl &&
	ayak-stats wide.jsonl | sed -n "/^Languages/,\$p" >got &&
	cat >expect <<-\EOF &&
	Languages (field lang: 3 of 3 records, 3 labels)
	  label     records  share  characters  words  mean score
	  é               1  33.3%           1      1           -
	  zsm_Latn        1  33.3%           3      2           -
	  中文            1  33.3%           1      1           -

	Domains (field url: 3 of 3 records, 3 distinct; top 20)
	  domain            records  share  characters  words
	  abc.de                  1  33.3%           3      2
	  xn--bcher-kva.de        1  33.3%           1      1
	  日本.jp                 1  33.3%           1      1
	EOF
	test_cmp expect got
'

test_expect_success 'ayak stats runs through the dispatcher' '
	ayak stats -f json --stage-stats run in.jsonl >out.json &&
	test_cmp "$D/expected.json" out.json
'

test_expect_success 'an empty label ("lang":"") shows as "" in the text and HTML reports' '
	printf "%s\n" "{\"text\":\"a b\",\"lang\":\"\"}" "{\"text\":\"c d\",\"lang\":\"zsm_Latn\"}" >el.jsonl &&
	ayak-stats el.jsonl >got &&
	sed -n "/^Languages/,/^\$/p" got >lang &&
	cat >expect <<-\EOF &&
	Languages (field lang: 2 of 2 records, 2 labels)
	  label     records  share  characters  words  mean score
	  ""              1  50.0%           3      2           -
	  zsm_Latn        1  50.0%           3      2           -

	EOF
	test_cmp expect lang &&
	ayak-stats -f html el.jsonl >got.html &&
	grep -q "&quot;&quot;: 1 record (\|\"\": 1 record (" got.html
'

test_done
