#!/usr/bin/env bash
test_description='pipelines/commoncrawl-malay on the bundled sample: outputs, resume, parallel runs, errors'
. "$(dirname "$0")/../lib.sh"

P=$AYAK_TOP/pipelines
S=$P/sample
CCM=$P/commoncrawl-malay

final_records () { zstd -qdc "$1"/final/*.jsonl.zst; }

test_expect_success 'the sample runs end to end and names its outputs' '
	"$CCM" -o one "$S/wet.paths" >out 2>err &&
	printf "shards: %s/one/shards/\nreport: %s/one/report.html\n" "$PWD" "$PWD" >expect &&
	test_cmp expect out &&
	test_must_be_empty err &&
	ls one/shards >shards &&
	printf "ms-00000.bin\nms-00000.idx\nms-00001.bin\nms-00001.idx\nms-00002.bin\nms-00002.idx\n" >expect &&
	test_cmp expect shards &&
	test_path_is_file one/report.txt &&
	test_path_is_file one/report.json &&
	grep -c "<svg" one/report.html
'

test_expect_success 'every stage kept its --stats, one file a shard' '
	ls one/stats >stats &&
	for s in warc norm lid filter dedup tok pack; do
		for i in 00000 00001 00002; do
			grep -x "$s-$i.json" stats || return 1
		done
	done &&
	test_line_count = 21 stats
'

test_expect_success 'the shards hold the kept records, verified' '
	ayak-pack --verify one/shards/ms-*.idx >verify &&
	test "$(jq -s "map(select(.ok)) | length" verify)" = 3 &&
	test "$(jq -s "map(.documents) | add" verify)" = "$(final_records one | wc -l)" &&
	test "$(jq -s "map(.tokens) | add" verify)" = "$(cat one/stats/pack-*.json | jq -s "map(.counts.tokens) | add")"
'

test_expect_success 'only Malaysian Malay is kept: no Indonesian, English, Chinese, Tamil or Jawi page' '
	final_records one | jq -r .lang | sort -u >langs &&
	echo zsm_Latn >expect &&
	test_cmp expect langs &&
	final_records one | jq -r .url >urls &&
	test_must_fail grep -E "\.co\.id/|example\.(com|org|cn|in)/|jawi\.contoh" urls &&
	grep -c "https://hakasasi.contoh.my/deklarasi/" urls
'

test_expect_success 'boilerplate lines, spam and link lists are gone' '
	final_records one | jq -r .text >texts &&
	test_must_fail grep -E "Hak Cipta Terpelihara|Baca juga:|Kongsi artikel ini|menggunakan kuki|^Laman Utama \|" texts &&
	test_must_fail grep -E "promo\.contoh|direktori\.contoh" urls
'

test_expect_success 'duplicates across shards are removed: one copy of each article stays' '
	for a in banjir-kilat-lembah-klang musim-durian-raub laluan-mrt-baharu nasi-lemak-sambal-sotong \
		syarikat-pemula-kecerdasan-buatan; do
		test "$(grep -c "/$a\$" urls)" = 1 || return 1
	done &&
	test "$(grep -c "deklarasi/1\$" urls)" = 1 &&
	cat one/stats/dedup-*.json | jq -s "map(.records_in - .records_out) | add" >removed &&
	test "$(cat removed)" -ge 6
'

test_expect_success 'PII is redacted: phone numbers and e-mail addresses' '
	final_records one | jq -r "select(.url == \"https://kedai.contoh.my/hubungi\") | .text" >kedai &&
	grep -F "di talian <PHONE> atau <PHONE>, ataupun hantar emel kepada <EMAIL> dan" kedai &&
	test_must_fail grep -E "6789|jualan@" kedai
'

test_expect_success 'a rerun does nothing and changes nothing' '
	(cd one && find . -type f ! -path "./logs/*" -printf "%p %s %T@\n" | sort) >before &&
	"$CCM" -o one "$S/wet.paths" >out &&
	(cd one && find . -type f ! -path "./logs/*" -printf "%p %s %T@\n" | sort) >after &&
	test_cmp before after
'

test_expect_success '-j 2 gives byte-identical outputs' '
	"$CCM" -o two -j 2 "$S/wet.paths" >out &&
	for f in one/shards/* one/final/* one/clean/*; do cmp "$f" "two/${f#one/}" || return 1; done &&
	jq -S "del(.. | .seconds?) | del(.title)" one/report.json >a.json &&
	jq -S "del(.. | .seconds?) | del(.title)" two/report.json >b.json &&
	test_cmp a.json b.json
'

test_expect_success 'the dedup partitions do not change the result (--parts 1 and 5)' '
	"$CCM" -o p1 -j 2 --parts 1 "$S/wet.paths" >out &&
	"$CCM" -o p5 -j 2 --parts 5 "$S/wet.paths" >out &&
	ls p5/done | grep -c "^cluster-" >n && echo 5 >expect && test_cmp expect n &&
	for f in one/shards/* one/final/*; do
		cmp "$f" "p1/${f#one/}" && cmp "$f" "p5/${f#one/}" || return 1
	done
'

test_expect_success '--opt passes options to a stage; --keep-rejects keeps what lid and filter drop' '
	"$CCM" -o opt --prefix malay --keep-rejects \
		--opt "lid=--word-odds-weight 0 --threshold zsm_Latn=0.99995" \
		--opt filter=--min-doc-words=150 "$S/wet.paths" >out &&
	grep -F -x "LID_OPTS=--word-odds-weight\\ 0\\ --threshold\\ zsm_Latn=0.99995" opt/config &&
	ls opt/shards >shards &&
	printf "malay-00000.bin\nmalay-00000.idx\nmalay-00001.bin\nmalay-00001.idx\nmalay-00002.bin\nmalay-00002.idx\n" >expect &&
	test_cmp expect shards &&
	zstd -qdc opt/rejects/filter-*.jsonl.zst | jq -r .reject.reason | sort -u >reasons &&
	grep -x too_few_words reasons &&
	zstd -qdc opt/rejects/lid-*.jsonl.zst | jq -r .reject.reason | sort -u >lreasons &&
	grep -x lang_score lreasons &&
	test "$(final_records opt | wc -l)" -lt "$(final_records one | wc -l)" &&
	final_records opt | jq -c "select(.lang_score < 0.99995)" >low &&
	test_must_be_empty low
'

test_expect_success 'the same run from the WARC form of the sample' '
	"$CCM" -o warc -j 2 "$S/warc.paths" >out &&
	final_records warc | jq -r .lang | sort -u >langs &&
	echo zsm_Latn >expect &&
	test_cmp expect langs &&
	test "$(final_records warc | wc -l)" -ge 20
'

test_expect_success '--jawi keeps Malay in Jawi script too, filtered with its own profile' '
	"$CCM" -o jawi --jawi "$S/wet.paths" >out &&
	final_records jawi | jq -r .lang | sort | uniq -c | awk "{print \$2, \$1}" >langs &&
	grep "^zsm_Arab [1-9]" langs &&
	grep "^zsm_Latn [1-9]" langs &&
	test_path_is_file jawi/stats/filter-arab-00000.json
'

test_expect_success 'the zsm_Arab filter profile has FineWeb-2 values for Jawi' '
	ayak-filter -p zsm_Arab --show-profile >profile &&
	grep -x "top_2_gram = 0.826" profile &&
	grep -x "dup_line_frac = 0.211" profile &&
	grep -x "line_punct_thr = off" profile &&
	grep -x "max_avg_word_length = 8" profile &&
	grep "^stopwords = .*/stopwords-zsm_Arab.txt$" profile &&
	test "$(grep -vc "^#" "$AYAK_TOP/lexicons/filter/stopwords-zsm_Arab.txt")" = 31
'

test_expect_success 'a failed shard stops the run with exit 1; a rerun resumes and completes' '
	mkdir in &&
	cp "$S"/wet/*.gz in/ &&
	mv in/sample-00001.warc.wet.gz good.gz &&
	head -c 5000 good.gz >in/sample-00001.warc.wet.gz &&
	ls "$PWD"/in/*.gz >in.paths &&
	test_expect_code 1 "$CCM" -o broken in.paths >out 2>err &&
	grep "^stage: clean-00001 failed; the end of .*/broken/logs/clean-00001.log:" err &&
	grep "a task failed; see .*/broken/logs/, then run the same command again to resume" err &&
	test_path_is_missing broken/clean/00001.jsonl.zst &&
	test_path_is_missing broken/shards/ms-00001.idx &&
	mv good.gz in/sample-00001.warc.wet.gz &&
	"$CCM" -o broken in.paths >out &&
	for f in one/shards/* one/final/*; do cmp "$f" "broken/${f#one/}" || return 1; done
'

test_expect_success 'a run killed half-way resumes to the same outputs' '
	setsid "$CCM" -o killed -j 2 "$S/wet.paths" >/dev/null 2>&1 &
	pid=$! &&
	sleep 0.4 &&
	kill -TERM -- -$pid &&
	while pgrep -g $pid >/dev/null; do sleep 0.1; done &&
	test_path_is_missing killed/done/report &&
	"$CCM" -o killed -j 2 "$S/wet.paths" >out &&
	for f in one/shards/* one/final/*; do cmp "$f" "killed/${f#one/}" || return 1; done
'

# A local HTTP server with the sample (tests/data/fetch/server.py serves ROOT under /files/).
if command -v python3 >/dev/null; then
	mkdir -p root && cp -R "$S/wet" "$S/warc" root/ &&
	python3 "$TEST_DATA/fetch/server.py" "$PWD/root" port log >server.out 2>&1 &
	SERVER_PID=$!
	trap 'kill $SERVER_PID 2>/dev/null' EXIT
	for _ in $(seq 100); do test -s port && break; sleep 0.1; done
	test -s port && test_set_prereq HTTP && U=http://127.0.0.1:$(cat port)/files/
fi

test_expect_success HTTP 'a path list of remote files: fetched, then the same outputs' '
	mkdir remote && cp "$S/wet.paths" remote/ &&
	"$CCM" -o fetched -j 2 --base-url "$U" remote/wet.paths >out &&
	cut -f2 fetched/plan.tsv | sort -u >kinds &&
	echo url >expect && test_cmp expect kinds &&
	ls fetched/raw >raw &&
	printf "00000-sample-00000.warc.wet.gz\n00001-sample-00001.warc.wet.gz\n00002-sample-00002.warc.wet.gz\n" >expect &&
	test_cmp expect raw &&
	for f in one/shards/* one/final/*; do cmp "$f" "fetched/${f#one/}" || return 1; done &&
	jq -s "map(.records_out) | add" fetched/stats/fetch-*.json >n && echo 3 >expect && test_cmp expect n
'

test_expect_success HTTP 'CDX ranges: fetched by byte range, the same as the WARC files' '
	"$CCM" -o cdx -j 2 --ranges --ranges-per-shard 23 --base-url "$U" "$S/warc.cdx" >out &&
	test "$(wc -l <cdx/plan.tsv)" = 3 &&
	for f in warc/shards/* warc/final/*; do cmp "$f" "cdx/${f#warc/}" || return 1; done
'

test_expect_success 'a run directory refuses other options or inputs' '
	test_expect_code 2 "$CCM" -o one --jawi "$S/wet.paths" 2>err &&
	grep "one was planned with other options or inputs (see .*/one/config); use another directory" err
'

test_expect_success 'usage errors exit 2 with a message' '
	test_expect_code 2 "$CCM" "$S/wet.paths" 2>err &&
	grep "no run directory: give -o RUN" err &&
	test_expect_code 2 "$CCM" -o x 2>err &&
	grep "no input" err &&
	test_expect_code 2 "$CCM" -o x --bogus "$S/wet.paths" 2>err &&
	grep "unknown option .--bogus." err &&
	test_expect_code 2 "$CCM" -o x -j 0 "$S/wet.paths" 2>err &&
	grep -- "-j: a positive number" err &&
	test_expect_code 2 "$CCM" -o "with space" "$S/wet.paths" 2>err &&
	grep "must have no white space" err &&
	test_expect_code 3 "$CCM" -o x no-such.warc.gz 2>err &&
	grep "no-such.warc.gz: cannot read" err &&
	"$CCM" --help >help &&
	grep "^Usage: pipelines/commoncrawl-malay -o RUN" help
'

test_expect_success 'the front-ends take the options plan takes: lib/options.sh lists them all' '
	sed -n "/^while/,/^done/p" "$P/lib/plan" |
		sed -n "s/^\t\(--[a-z-]*\))\(.*\)/\1 \2/p" >cases &&
	(. "$P/lib/options.sh" &&
		for o in "${plan_flags[@]}"; do grep -q -- "^$o  [a-z_]*=1;;" cases || { echo "flag $o"; exit 1; }; done &&
		for o in "${plan_valued[@]}"; do grep -q -- "^$o " cases || { echo "valued $o"; exit 1; }; done &&
		for o in $(cut -d" " -f1 cases); do
			test "$o" = -- || plan_option "$o" >/dev/null || { echo "missing $o"; exit 1; }
		done) &&
	test_expect_code 2 "$CCM" -o x --prefix 2>err &&
	grep "commoncrawl-malay: --prefix needs a value" err &&
	test_expect_code 2 "$CCM" -o x --keep-rejects=1 "$S/wet.paths" 2>err &&
	grep "commoncrawl-malay: --keep-rejects takes no value" err &&
	test_expect_code 2 "$P/slurm/submit" -o x --jawi=yes 2>err &&
	grep "submit: --jawi takes no value" err &&
	test_expect_code 2 "$P/slurm/submit" -o x --bogus 2>err &&
	grep "submit: unknown option .--bogus." err
'

test_expect_success '--dry-run lists the tasks and runs none' '
	"$CCM" -o dry -n "$S/wet.paths" >out &&
	grep -c "lib/stage .*/dry clean 2" out &&
	test_path_is_missing dry/done
'

test_expect_success 'Slurm submit --dry-run: arrays split at --max-array, chained by afterok' '
	"$P/slurm/submit" -o sl --dry-run --max-array 2 "$S/wet.paths" >out &&
	grep "^sbatch" out | sed -e "s/ --output [^ ]*//" -e "s|$PWD/||g" -e "s|$P/||g" \
		-e "s/-[0-9]*-[0-9]*-[0-9]*-\([0-9]\).tasks/-\1.tasks/" >cmds &&
	cat >expect <<-\EOF &&
	sbatch --parsable --job-name ayak-shard --array 0-1 --cpus-per-task 2 --kill-on-invalid-dep=yes slurm/task sl shard sl/slurm/shard-0.tasks
	sbatch --parsable --job-name ayak-shard --array 0-0 --cpus-per-task 2 --kill-on-invalid-dep=yes slurm/task sl shard sl/slurm/shard-1.tasks
	sbatch --parsable --job-name ayak-cluster --array 0-1 --cpus-per-task 1 --kill-on-invalid-dep=yes --dependency afterok:DRY0:DRY1 slurm/task sl cluster sl/slurm/cluster-0.tasks
	sbatch --parsable --job-name ayak-cluster --array 0-0 --cpus-per-task 1 --kill-on-invalid-dep=yes --dependency afterok:DRY0:DRY1 slurm/task sl cluster sl/slurm/cluster-1.tasks
	sbatch --parsable --job-name ayak-merge --array 0-0 --cpus-per-task 1 --kill-on-invalid-dep=yes --dependency afterok:DRY0:DRY1 slurm/task sl merge sl/slurm/merge-0.tasks
	sbatch --parsable --job-name ayak-final --array 0-1 --cpus-per-task 2 --kill-on-invalid-dep=yes --dependency afterok:DRY0 slurm/task sl final sl/slurm/final-0.tasks
	sbatch --parsable --job-name ayak-final --array 0-0 --cpus-per-task 2 --kill-on-invalid-dep=yes --dependency afterok:DRY0 slurm/task sl final sl/slurm/final-1.tasks
	sbatch --parsable --job-name ayak-report --array 0-0 --cpus-per-task 1 --kill-on-invalid-dep=yes --dependency afterok:DRY0:DRY1 slurm/task sl report sl/slurm/report-0.tasks
	EOF
	test_cmp expect cmds
'

test_done
