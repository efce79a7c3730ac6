#!/usr/bin/env bash
test_description='ayak-stats: the counts of the stats files, summed per stage; the languages ayak-lid saw'
. "$(dirname "$0")/../lib.sh"

D=$TEST_DATA/stats

# stat FILE PROGRAM IN OUT COUNTS [STAGE]: a stats file.
stat () {
	echo "{\"program\":\"$2\",${6:+\"stage\":\"$6\",}\"records_in\":$3,\"records_out\":$4,\"dropped\":{},\"counts\":{$5}}" >"$1"
}

test_expect_success 'setup' '
	cp "$D/records.jsonl" in.jsonl &&
	cp -R "$D/run" run &&
	mkdir s &&
	stat s/lid-0.json ayak-lid 10 6 "\"lang.zsm_Latn\":6,\"lang.ind_Latn\":2,\"lang.eng_Latn\":2" &&
	stat s/lid-1.json ayak-lid 12 9 "\"lang.zsm_Latn\":9,\"lang.eng_Latn\":1,\"lang.ind_Latn\":1,\"lang.und\":1" &&
	stat s/filter-0.json ayak-filter 6 5 "\"lines_dropped\":7,\"pii_email\":2,\"lines_dropped_boilerplate\":7" &&
	stat s/filter-1.json ayak-filter 9 9 "\"lines_dropped\":3,\"pii_phone\":4,\"lines_dropped_boilerplate\":1,\"pii_email\":1" &&
	stat s/tok-0.json ayak-tok 5 5 "\"tokens\":1200,\"pretokens\":900,\"unknown\":0" &&
	stat s/pack-0.json ayak-pack 5 5 "\"documents\":5,\"tokens\":1205,\"shards\":1" &&
	stat s/norm-0.json ayak-norm 10 10 "" &&
	stat s/mine.json my-tool 4 4 "\"lang.xx\":3,\"b\":1,\"a\":1"
'

test_expect_success 'text: the labels ayak-lid saw, then the counters, summed over shards' '
	ayak-stats --stages-only --stage-stats s >out &&
	sed -n "/^Languages ayak-lid saw/,\$p" out >got &&
	cat >expect <<-\EOF &&
	Languages ayak-lid saw (before selection: 22 records in, 4 labels)
	  label     records  share
	  zsm_Latn       15  68.2%  ##############################
	  eng_Latn        3  13.6%  ######
	  ind_Latn        3  13.6%  ######
	  und             1   4.5%  ##

	Counters (summed over shards, zeros left out; the lang.* of ayak-lid above)
	  stage        counter                    count
	  ayak-filter  lines_dropped                 10
	               lines_dropped_boilerplate      8
	               pii_phone                      4
	               pii_email                      3
	  ayak-tok     tokens                     1,200
	               pretokens                    900
	  ayak-pack    tokens                     1,205
	               documents                      5
	               shards                         1
	  my-tool      lang.xx                        3
	               a                              1
	               b                              1
	EOF
	test_cmp expect got
'

test_expect_success 'JSON: counters per stage, by count, then name; counts by name' '
	ayak-stats --stages-only --stage-stats s -f json >out.json &&
	grep -o "\"stage\":\"ayak-lid\",[^]]*\]" out.json |
		sed "s/.*\"counts\"/\"counts\"/" >got &&
	echo "\"counts\":{\"lang.eng_Latn\":3,\"lang.ind_Latn\":3,\"lang.und\":1,\"lang.zsm_Latn\":15},\"counters\":[{\"name\":\"lang.zsm_Latn\",\"count\":15},{\"name\":\"lang.eng_Latn\",\"count\":3},{\"name\":\"lang.ind_Latn\",\"count\":3},{\"name\":\"lang.und\",\"count\":1}]" >expect &&
	test_cmp expect got &&
	grep -o "\"stage\":\"ayak-norm\",[^]]*\]" out.json | sed "s/.*\"counts\"/\"counts\"/" >got &&
	echo "\"counts\":{},\"counters\":[]" >expect &&
	test_cmp expect got
'

test_expect_success JQ 'JSON counters agree with jq over the stats files' '
	jq -s -c "[.[] | select(.program == \"ayak-filter\") | .counts | to_entries[]] |
		group_by(.key) | map({name: .[0].key, count: (map(.value) | add)}) |
		sort_by(-.count, .name)" s/filter-*.json >expect &&
	jq -c ".stages.list[] | select(.stage == \"ayak-filter\") | .counters" out.json >got &&
	test_cmp expect got
'

test_expect_success 'JSON keeps the counters that stayed at 0, text and HTML leave them out' '
	grep -o "\"stage\":\"ayak-tok\",[^]]*\]" out.json | sed "s/.*\"counters\"/\"counters\"/" >got &&
	echo "\"counters\":[{\"name\":\"tokens\",\"count\":1200},{\"name\":\"pretokens\",\"count\":900},{\"name\":\"unknown\",\"count\":0}]" >expect &&
	test_cmp expect got &&
	ayak-stats --stages-only --stage-stats s >out &&
	! grep unknown out
'

test_expect_success 'no counts anywhere, or only zeros: "none"; no ayak-lid labels: no such section' '
	mkdir e &&
	stat e/a.json ayak-norm 3 3 "" &&
	stat e/b.json ayak-norm 3 3 "\"nfc\":0" &&
	ayak-stats --stages-only --stage-stats e >out &&
	tail -n 2 out >got &&
	test_write_lines "Counters (summed over shards, zeros left out)" "  none" >expect &&
	test_cmp expect got &&
	! grep "ayak-lid saw" out &&
	ayak-stats --stages-only --stage-stats e -f html >out.html &&
	grep "<p class=\"note\">No other counters.</p>" out.html &&
	! grep "lid-languages" out.html
'

test_expect_success 'two stages of ayak-lid: a section each; "lang." alone is no label' '
	mkdir two &&
	stat two/a.json ayak-lid 4 4 "\"lang.zsm_Latn\":4" &&
	stat two/b.json ayak-lid 5 1 "\"lang.zsm_Arab\":1,\"lang.zsm_Latn\":4,\"lang.\":2" second &&
	ayak-stats --stages-only --stage-stats two >out &&
	sed -n "/^Languages/,\$p" out >got &&
	cat >expect <<-\EOF &&
	Languages ayak-lid saw (before selection: 4 records in, 1 label)
	  label     records   share
	  zsm_Latn        4  100.0%  ##############################

	Languages ayak-lid second saw (before selection: 5 records in, 2 labels)
	  label     records  share
	  zsm_Latn        4  80.0%  ##############################
	  zsm_Arab        1  20.0%  ########

	Counters (summed over shards, zeros left out; the lang.* of ayak-lid above)
	  stage            counter  count
	  ayak-lid second  lang.        2
	EOF
	test_cmp expect got &&
	ayak-stats --stages-only --stage-stats two -f html >two.html &&
	sed -n "/<svg class=\"chart\" id=\"chart-lid-languages\"/,/<\/svg>/p" two.html >lid.svg &&
	grep -c "<text class=\"group\"" lid.svg >n &&
	echo 2 >expect &&
	test_cmp expect n &&
	grep -c "<rect class=\"bar\"" lid.svg >n &&
	echo 3 >expect &&
	test_cmp expect n &&
	grep "<tr><td>ayak-lid second: zsm_Arab</td><td>1</td><td>20.0%</td></tr>" two.html
'

test_expect_success 'HTML: the chart of the labels ayak-lid saw, the table of the other counters' '
	ayak-stats --stages-only --stage-stats s -f html >s.html &&
	sed -n "/<svg class=\"chart\" id=\"chart-lid-languages\"/,/<\/svg>/p" s.html >lid.svg &&
	grep -o ">[a-z]*_*[A-Za-z]*</text><rect" lid.svg >got &&
	test_write_lines ">zsm_Latn</text><rect" ">eng_Latn</text><rect" ">ind_Latn</text><rect" \
		">und</text><rect" >expect &&
	test_cmp expect got &&
	grep "<title>eng_Latn: 3 of the 22 records ayak-lid read (13.6%)</title>" lid.svg &&
	grep ">15 (68.2%)</text>" lid.svg &&
	! grep "<text class=\"group\"" lid.svg &&
	sed -n "/<table class=\"counters\">/,/<\/table>/p" s.html >counters &&
	cat >expect <<-\EOF &&
	<table class="counters"><thead><tr><th>stage</th><th>counter</th><th>count</th></tr></thead><tbody>
	<tr><td>ayak-filter</td><td>lines_dropped</td><td>10</td></tr>
	<tr><td></td><td>lines_dropped_boilerplate</td><td>8</td></tr>
	<tr><td></td><td>pii_phone</td><td>4</td></tr>
	<tr><td></td><td>pii_email</td><td>3</td></tr>
	<tr><td>ayak-tok</td><td>tokens</td><td>1,200</td></tr>
	<tr><td></td><td>pretokens</td><td>900</td></tr>
	<tr><td>ayak-pack</td><td>tokens</td><td>1,205</td></tr>
	<tr><td></td><td>documents</td><td>5</td></tr>
	<tr><td></td><td>shards</td><td>1</td></tr>
	<tr><td>my-tool</td><td>lang.xx</td><td>3</td></tr>
	<tr><td></td><td>a</td><td>1</td></tr>
	<tr><td></td><td>b</td><td>1</td></tr>
	</tbody></table>
	EOF
	test_cmp expect counters
'

test_expect_success 'HTML: with records, the labels ayak-lid saw come after those of the records' '
	ayak-stats --stage-stats run -f html in.jsonl >r.html &&
	grep -o "<section id=\"[a-z-]*\">\|<h2 id=\"[a-z]*\">" r.html >got &&
	test_write_lines "<section id=\"languages\">" "<h2 id=\"scores\">" "<section id=\"lid-languages\">" \
		"<section id=\"lengths\">" "<section id=\"domains\">" "<section id=\"stages\">" \
		"<h2 id=\"drops\">" "<h2 id=\"counters\">" "<section id=\"records\">" >expect &&
	test_cmp expect got &&
	grep "The labels of every record that ayak-lid read, before it chose these, are in the next section.</p>" r.html
'

test_expect_success 'names in counters are escaped' '
	mkdir x &&
	stat x/a.json ayak-lid 2 2 "\"lang.<u>\":1,\"lang.a&b\":1" &&
	stat x/b.json ayak-filter 2 2 "\"<i>x</i>\":5" &&
	ayak-stats --stages-only --stage-stats x -f html >x.html &&
	! grep "<u>" x.html &&
	! grep "<i>" x.html &&
	grep ">&lt;u&gt;</text>" x.html &&
	grep ">a&amp;b</text>" x.html &&
	grep "<td>&lt;i&gt;x&lt;/i&gt;</td><td>5</td>" x.html
'

test_expect_success 'the counts of a real ayak-lid run: every record it read, before --keep' '
	ayak-lid --keep zsm_Latn --stats lid.json -o kept.jsonl in.jsonl &&
	ayak-stats --stages-only --stage-stats lid.json -f json >lid-report.json &&
	sed -n "s/.*\"records_in\":\([0-9]*\).*/\1/p" lid.json >expect &&
	grep -o "{\"name\":\"lang\.[^\"]*\",\"count\":[0-9]*}" lid-report.json |
		sed "s/.*://; s/}//" | awk "{ s += \$1 } END { print s }" >got &&
	test_cmp expect got &&
	ayak-stats --stages-only --stage-stats lid.json >lid-report.txt &&
	grep "^Languages ayak-lid saw (before selection: 20 records in, " lid-report.txt
'

test_done
