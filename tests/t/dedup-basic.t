#!/usr/bin/env bash
test_description='ayak-dedup on one node: exact and near duplicates, keep rules, annotations, errors'
. "$(dirname "$0")/../lib.sh"

F=$TEST_DATA/dedup/dedup.jsonl

# ids FILE: the ids of the records in FILE, one line
ids () {
	sed -n 's/^{"id": "\([a-z0-9]*\)".*/\1/p' "$1" | paste -sd' ' -
}

# pick ID...: the fixture's lines with these ids, in fixture order
pick () {
	local pat
	pat=$(printf '%s|' "$@")
	grep -E "^\\{\"id\": \"(${pat%|})\"" "$F"
}

test_expect_success 'setup' '
	test_line_count = 17 "$F" &&
	cp "$F" in.jsonl
'

test_expect_success 'default: exact and near copies go, the rest passes byte for byte' '
	ayak-dedup in.jsonl >out 2>err &&
	test_must_be_empty err &&
	pick a1 b1 b2 c1 t1 p1 p2 p3 p4 p5 p6 e1 >expect &&
	test_cmp expect out
'

test_expect_success 'a near copy at Jaccard 0.9 is found, a pair at 0.3 is left alone' '
	echo "a1 b1 b2 c1 t1 p1 p2 p3 p4 p5 p6 e1" >expect &&
	ids out >got &&
	test_cmp expect got &&
	ayak-dedup --mode near in.jsonl >near &&
	ids near >got &&
	test_cmp expect got
'

test_expect_success '--annotate keeps every record and adds decision, cluster and size' '
	ayak-dedup --annotate in.jsonl >ann &&
	test_line_count = 17 ann &&
	sed -n 4p ann | sed "s/.*\",\"dedup\":/\"dedup\":/" >tail &&
	echo "\"dedup\":\"near\",\"dedup_cluster\":0,\"dedup_size\":4}" >expect &&
	test_cmp expect tail &&
	sed -n 3p ann | grep -q "\"dedup\":\"exact\",\"dedup_cluster\":0,\"dedup_size\":4}$" &&
	sed -n 2p ann | grep -q "\"dedup\":\"keep\",\"dedup_cluster\":1,\"dedup_size\":1}$" &&
	sed -n 10p ann | grep -q "\"dedup\":\"exact\",\"dedup_cluster\":7,\"dedup_size\":3}$" &&
	sed -e "s/,\"dedup\":.*}$/}/" ann >stripped &&
	test_cmp in.jsonl stripped
'

test_expect_success '--mode exact: canonical forms' '
	ayak-dedup --mode exact in.jsonl >out &&
	ids out >got &&
	echo "a1 b1 a3 a4 b2 c1 t1 t2 p1 p2 p3 p4 p5 p6 e1" >expect &&
	test_cmp expect got &&
	ayak-dedup --mode exact --canon none in.jsonl >out &&
	test "$(ids out)" = "a1 b1 a3 a4 b2 c1 t1 t2 p1 p2 p3 p4 p5 p6 e1" &&
	ayak-dedup --mode exact --canon case in.jsonl >out &&
	test "$(ids out)" = "a1 b1 a4 b2 c1 t1 p1 p2 p3 p4 p5 p6 e1" &&
	ayak-dedup --mode exact --canon punct in.jsonl >out &&
	test "$(ids out)" = "a1 b1 a4 b2 c1 t1 p1 p2 p3 p4 p5 p6 e1"
'

test_expect_success '--keep longest, max:FIELD and min:FIELD choose the keeper' '
	ayak-dedup --keep max:score in.jsonl >out &&
	test "$(ids out)" = "b1 a4 b2 c1 t1 p1 p2 p3 p4 p5 p6 e1" &&
	ayak-dedup --keep min:score in.jsonl >out &&
	test "$(ids out)" = "b1 a3 b2 c1 t1 p1 p2 p3 p4 p5 p6 e1" &&
	ayak-dedup --keep max:date in.jsonl >out &&
	test "$(ids out)" = "b1 a4 b2 c1 t1 p1 p2 p3 p4 p5 p6 e1" &&
	ayak-dedup --keep longest in.jsonl >out &&
	test "$(ids out)" = "b1 a3 b2 c1 t2 p1 p2 p3 p4 p5 p6 e1"
'

test_expect_success '--keep max:FIELD: a string counts only as a decimal number or a date; -0 ties with 0' '
	for v in "\"0x10\"" "\" 12\"" "\"1e1\"" "\"nan\"" "\"11\"" "\"+9\"" "5"; do
		printf "{\"s\":%s,\"text\":\"sama\"}\n" "$v"
	done >rk.jsonl &&
	ayak-dedup --keep max:s rk.jsonl >out &&
	echo "{\"s\":\"11\",\"text\":\"sama\"}" >expect &&
	test_cmp expect out &&
	ayak-dedup --keep min:s rk.jsonl >out &&
	echo "{\"s\":5,\"text\":\"sama\"}" >expect &&
	test_cmp expect out &&
	printf "%s\n" "{\"s\":-0.0,\"text\":\"sama\"}" "{\"s\":0,\"text\":\"sama\"}" >z.jsonl &&
	ayak-dedup --keep max:s z.jsonl >out &&
	head -n 1 z.jsonl >expect &&
	test_cmp expect out
'

test_expect_success '--stats counts drops by reason' '
	ayak-dedup --stats st.json in.jsonl >/dev/null &&
	sed -e "s/\"seconds\":[0-9.]*/\"seconds\":S/" st.json >got &&
	echo "{\"program\":\"ayak-dedup\",\"version\":\"0.1.0\",\"records_in\":17,\"records_out\":12,\"dropped\":{\"exact\":2,\"near\":3},\"errors\":0,\"bytes_in\":7266,\"bytes_out\":4660,\"seconds\":S,\"counts\":{\"exact_groups\":2,\"buckets\":28,\"candidates\":66,\"spilled_runs\":0,\"clusters\":2}}" >expect &&
	test_cmp expect got
'

test_expect_success 'standard input gives what the file gives (spooled for the second pass)' '
	ayak-dedup --annotate in.jsonl >from-file &&
	ayak-dedup --annotate <in.jsonl >from-stdin &&
	cat in.jsonl | ayak-dedup --annotate - >from-pipe &&
	test_cmp from-file from-stdin &&
	test_cmp from-file from-pipe
'

test_expect_success 'several inputs, compressed ones and blank lines' '
	head -n 5 in.jsonl >one &&
	tail -n +6 in.jsonl >two &&
	ayak-cat -o two.gz two &&
	{ echo; cat one; printf "  \n"; } >one-blank &&
	ayak-dedup --annotate one-blank two.gz >got &&
	ayak-dedup --annotate in.jsonl >expect &&
	test_cmp expect got &&
	ayak-dedup --annotate one - <two >got2 &&
	test_cmp expect got2
'

test_expect_success 'the same input gives the same output, with -o written atomically' '
	ayak-dedup -o o1.jsonl in.jsonl &&
	ayak-dedup -o o2.jsonl.zst in.jsonl &&
	ayak-dedup in.jsonl >o3.jsonl &&
	test_cmp o1.jsonl o3.jsonl &&
	ayak-cat o2.jsonl.zst >o2.jsonl &&
	test_cmp o1.jsonl o2.jsonl &&
	ls >files &&
	! grep "\.tmp\|\.o1" files
'

test_expect_success '--rejects gets the dropped records with reason, cluster and place' '
	ayak-dedup --rejects rej.jsonl in.jsonl >/dev/null &&
	test_line_count = 5 rej.jsonl &&
	sed -e "s/,\"raw\":.*//" rej.jsonl >got &&
	cat >expect <<-\EOF &&
	{"reject":{"program":"ayak-dedup","reason":"exact","cluster":0,"size":4,"file":"in.jsonl","line":3}
	{"reject":{"program":"ayak-dedup","reason":"near","cluster":0,"size":4,"file":"in.jsonl","line":4}
	{"reject":{"program":"ayak-dedup","reason":"near","cluster":0,"size":4,"file":"in.jsonl","line":5}
	{"reject":{"program":"ayak-dedup","reason":"near","cluster":7,"size":3,"file":"in.jsonl","line":9}
	{"reject":{"program":"ayak-dedup","reason":"exact","cluster":7,"size":3,"file":"in.jsonl","line":10}
	EOF
	test_cmp expect got
'

test_expect_success JQ 'rejects keep the raw line' '
	jq -r .raw rej.jsonl >raw &&
	pick a2 a3 a4 t2 t3 >expect &&
	test_cmp expect raw
'

test_expect_success '--verify: candidates joined only at exact Jaccard >= --threshold' '
	ayak-dedup --verify in.jsonl >out &&
	test "$(ids out)" = "a1 b1 b2 c1 t1 p1 p2 p3 p4 p5 p6 e1" &&
	ayak-dedup --verify --threshold 0.95 --annotate in.jsonl >out &&
	grep "\"a4\"" out | grep -q "\"dedup\":\"keep\"" &&
	ayak-dedup --verify --threshold 0.95 --stats st.json in.jsonl >/dev/null &&
	grep -q "\"pairs_verified\":[0-9]*,\"pairs_rejected\":[1-9]" st.json
'

test_expect_success 'character shingles and other band settings' '
	ayak-dedup --mode near --shingle char --ngram 7 in.jsonl >out &&
	test "$(ids out)" = "a1 b1 b2 c1 t1 p1 p2 p3 p4 p5 p6 e1" &&
	ayak-dedup --mode near --bands 20 --rows 5 in.jsonl >out &&
	test "$(ids out)" = "a1 b1 b2 c1 t1 p1 p2 p3 p4 p5 p6 e1" &&
	ayak-dedup --mode near --seed 3 in.jsonl >out &&
	test "$(ids out)" = "a1 b1 b2 c1 t1 p1 p2 p3 p4 p5 p6 e1"
'

test_expect_success 'records that grow, with character shingles and --verify' '
	awk "BEGIN { for (i = 1; i <= 60; i++) { t = \"\"; for (j = 0; j < i * i; j++) t = t \" kata\" (j % 97); printf \"{\\\"text\\\":\\\"%s\\\"}\\n\", t } }" >grow.jsonl &&
	ayak-dedup --mode near --shingle char --verify grow.jsonl >out &&
	AYAK_DEDUP_SIMD=portable ayak-dedup --mode near --shingle char --verify grow.jsonl >portable &&
	test_cmp portable out &&
	test_line_count -gt 1 out
'

test_expect_success 'SIMD and portable MinHash give the same output' '
	AYAK_DEDUP_SIMD=portable ayak-dedup --annotate in.jsonl >portable &&
	ayak-dedup --annotate in.jsonl >simd &&
	test_cmp portable simd
'

test_expect_success 'an empty AYAK_DEDUP_SIMD is as unset' '
	ayak-dedup --annotate in.jsonl >unset &&
	AYAK_DEDUP_SIMD= ayak-dedup --annotate in.jsonl >empty &&
	test_cmp unset empty
'

test_expect_success '--field names another text field' '
	sed "s/\"text\":/\"body\":/" in.jsonl >body.jsonl &&
	ayak-dedup --field body body.jsonl >out &&
	test "$(ids out)" = "a1 b1 b2 c1 t1 p1 p2 p3 p4 p5 p6 e1"
'

test_expect_success 'a malformed record fails with its place; nothing is written' '
	{ head -n 2 in.jsonl; echo "{\"text\": \"x\""; tail -n 2 in.jsonl; } >bad.jsonl &&
	test_expect_code 1 ayak-dedup bad.jsonl >out 2>err &&
	echo "ayak-dedup: bad.jsonl:3: malformed record: unexpected end of line at column 13" >expect &&
	test_cmp expect err &&
	test_must_be_empty out
'

test_expect_success 'a record without text fails' '
	echo "{\"id\": 1}" >notext.jsonl &&
	test_expect_code 1 ayak-dedup notext.jsonl 2>err &&
	echo "ayak-dedup: notext.jsonl:1: missing field \"text\"" >expect &&
	test_cmp expect err &&
	echo "{\"text\": 1}" | test_expect_code 1 ayak-dedup 2>err &&
	echo "ayak-dedup: (stdin):1: field \"text\" is not a string" >expect &&
	test_cmp expect err
'

test_expect_success '--on-error skip leaves malformed records out of both passes' '
	ayak-dedup --on-error skip --rejects rej.jsonl --stats st.json bad.jsonl >out 2>err &&
	head -n 2 in.jsonl >expect &&
	tail -n 2 in.jsonl >>expect &&
	test_cmp expect out &&
	grep -q "\"dropped\":{\"malformed\":1}" st.json &&
	grep -q "\"reason\":\"malformed\"" rej.jsonl &&
	grep -q "skipped 1 malformed record" err
'

test_expect_success 'usage errors' '
	test_expect_code 2 ayak-dedup --mode foo in.jsonl 2>err &&
	printf "%s\n" "ayak-dedup: --mode wants a list of exact, near, lines and url, not '\''foo'\''" \
		"Try '\''ayak-dedup --help'\''." >expect &&
	test_cmp expect err &&
	test_expect_code 2 ayak-dedup --canon upper in.jsonl 2>/dev/null &&
	test_expect_code 2 ayak-dedup --keep biggest in.jsonl 2>/dev/null &&
	test_expect_code 2 ayak-dedup --bands 100 --rows 100 in.jsonl 2>/dev/null &&
	test_expect_code 2 ayak-dedup --threshold 2 in.jsonl 2>/dev/null &&
	test_expect_code 2 ayak-dedup --verify --threshold 0x1p-1 in.jsonl 2>err &&
	grep -q "^ayak-dedup: --threshold wants a number from 0 to 1, not '\''0x1p-1'\''$" err &&
	test_expect_code 2 ayak-dedup --verify --threshold " 0.5" in.jsonl 2>/dev/null &&
	test_expect_code 2 ayak-dedup --verify --threshold 5e-1 in.jsonl 2>/dev/null &&
	test_expect_code 2 ayak-dedup --verify --threshold +0.5 in.jsonl 2>/dev/null &&
	ayak-dedup --verify --threshold 0.5 in.jsonl >/dev/null &&
	test_expect_code 2 ayak-dedup --mode exact, in.jsonl 2>err &&
	grep -q "^ayak-dedup: --mode wants a list of exact, near, lines and url, not '\''exact,'\''$" err &&
	test_expect_code 2 ayak-dedup --mode exact,,near in.jsonl 2>/dev/null &&
	test_expect_code 2 ayak-dedup --mode ,near in.jsonl 2>/dev/null &&
	test_expect_code 2 ayak-dedup --memory 10k in.jsonl 2>/dev/null &&
	test_expect_code 2 ayak-dedup --verify --mode exact in.jsonl 2>/dev/null &&
	test_expect_code 2 ayak-dedup --shard 1 in.jsonl 2>err &&
	grep -q "go with --stage" err &&
	test_expect_code 2 ayak-dedup --stage sign in.jsonl 2>err &&
	grep -q "needs --dir" err
'

test_expect_success 'an option of a mode not chosen is a usage error, not ignored' '
	printf "{\"text\":\"a\",\"url\":\"http://x.my\",\"date\":\"2020-01-01\"}\n{\"text\":\"b\",\"url\":\"http://x.my\",\"date\":\"2024-01-01\"}\n" >k.jsonl &&
	test_expect_code 2 ayak-dedup --mode url --keep max:date -o k.out k.jsonl 2>err &&
	printf "%s\n" "ayak-dedup: --keep goes with --mode exact or near" \
		"Try '\''ayak-dedup --help'\''." >expect &&
	test_cmp expect err &&
	test_path_is_missing k.out &&
	ayak-dedup --mode url --url-keep max:date k.jsonl >k.out &&
	grep -q "2024" k.out && test_line_count = 1 k.out &&
	test_expect_code 2 ayak-dedup --threshold 0.9 k.jsonl 2>err &&
	grep -q "^ayak-dedup: --threshold goes with --verify$" err &&
	test_expect_code 2 ayak-dedup --mode near --canon case k.jsonl 2>err &&
	grep -q "^ayak-dedup: --canon goes with --mode exact$" err &&
	for o in "--shingle char" "--ngram 3" "--bands 4" "--rows 4" "--seed 1"; do
		test_expect_code 2 ayak-dedup --mode exact,lines,url $o k.jsonl 2>err &&
		grep -q "^ayak-dedup: ${o% *} goes with --mode near$" err || return 1
	done &&
	test_expect_code 2 ayak-dedup --line-max 3 k.jsonl 2>err &&
	grep -q "^ayak-dedup: --line-max goes with --mode lines$" err &&
	test_expect_code 2 ayak-dedup --url-keep newest k.jsonl 2>err &&
	grep -q "^ayak-dedup: --url-keep goes with --mode url$" err &&
	test_expect_code 2 ayak-dedup --mode lines --url-field u k.jsonl 2>err &&
	grep -q "^ayak-dedup: --url-field goes with --mode url$" err &&
	ayak-dedup --mode exact,url --keep longest --canon punct --url-field url --url-keep newest k.jsonl >/dev/null &&
	ayak-dedup --mode near,lines --ngram 3 --seed 1 --line-max 3 --verify --threshold 0.9 k.jsonl >/dev/null
'

test_expect_success 'a missing input fails before anything is written' '
	test_expect_code 3 ayak-dedup in.jsonl missing.jsonl >out 2>err &&
	echo "ayak-dedup: missing.jsonl: No such file or directory" >expect &&
	test_cmp expect err &&
	test_must_be_empty out
'

test_expect_success 'a named pipe is spooled for the second pass' '
	mkfifo fifo &&
	{ cat in.jsonl >fifo & } &&
	ayak-dedup fifo >out &&
	wait &&
	test_line_count = 12 out
'

test_expect_success '--help and --version' '
	ayak-dedup --help >help &&
	grep -q "^Usage: ayak-dedup" help &&
	grep -q -- "--stage STAGE" help &&
	ayak-dedup -V | head -n 1 >v &&
	echo "ayak-dedup (ayak) 0.1.0" >expect &&
	test_cmp expect v
'

test_expect_success 'an input written to while the first pass reads: exit 3 before a record is written' '
	printf "%s\n" "{\"text\":\"satu dua tiga\"}" "{\"text\":\"empat lima\"}" >grow.jsonl &&
	rm -f grow.fifo && mkfifo grow.fifo || return 1
	{ ayak-dedup -o grown.jsonl grow.jsonl grow.fifo >out 2>err; echo $? >rc; } &
	# the open returns once ayak-dedup, done with grow.jsonl, opens the fifo (a failing
	# ayak-dedup never does: the timeout ends the wait)
	timeout 60 sh -c "exec 3>grow.fifo && echo '\''{\"text\":\"tujuh\"}'\'' >>grow.jsonl &&
		echo '\''{\"text\":\"lapan sembilan\"}'\'' >&3" &&
	wait &&
	echo 3 >expect &&
	test_cmp expect rc &&
	echo "ayak-dedup: grow.jsonl: changed since the first pass (64 bytes, 47 before): nothing written" >expect &&
	test_cmp expect err &&
	test_must_be_empty out &&
	test_path_is_missing grown.jsonl
'

test_expect_success 'an input written to while the second pass reads: named, exit 3' '
	awk "BEGIN { for (i = 0; i < 200000; i++) printf \"{\\\"text\\\":\\\"kata%d unik%d\\\"}\\n\", i, i * 7 }" >late.jsonl &&
	size=$(wc -c <late.jsonl) &&
	rm -f late.fifo && mkfifo late.fifo || return 1
	{ ayak-dedup late.jsonl >late.fifo 2>err; echo $? >rc; } &
	# the first pass writes nothing: once 300 kB have come out, the second pass is
	# reading, a megabyte at a time, far from the end of the 6 MB file
	timeout 60 sh -c "exec 3<late.fifo && head -c 300000 <&3 >/dev/null &&
		echo '\''{\"text\":\"baru\"}'\'' >>late.jsonl && cat <&3 >/dev/null" &&
	wait &&
	echo 3 >expect &&
	test_cmp expect rc &&
	echo "ayak-dedup: late.jsonl: changed while the second pass read it ($((size + 16)) bytes, $size before)" >expect &&
	test_cmp expect err
'

test_done
