#!/usr/bin/env bash
test_description='pipelines/commoncrawl-malay on the bundled sample: outputs, resume, parallel runs, errors'
. "$(dirname "$0")/../lib.sh"

P=$AYAK_TOP/pipelines
S=$P/sample
CCM=$P/commoncrawl-malay

final_records () { zstd -qdc "$1"/final/*.jsonl.zst; }

# Run by make -j2 check, the pipeline's make took the caller's jobserver and
# warned "-j2 forced in submake: resetting jobserver mode"
test_expect_success 'the sample runs end to end and names its outputs' '
	MAKEFLAGS=" -j2 --jobserver-auth=fifo:$PWD/none" MAKELEVEL=1 \
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
	for s in sign bucket cluster; do
		for i in 00000 00001 00002; do
			grep -x "dedup-$s-$i.json" stats || return 1
		done
	done &&
	grep -x dedup-merge.json stats &&
	test_line_count = 31 stats
'

test_expect_success 'the report has the counters one node gives for ayak-dedup on the same records' '
	jq -S "[.stages.list[] | select(.stage == \"ayak-dedup\") | {records_in, records_out, dropped, counts}]" \
		one/report.json >got &&
	ayak-cat one/clean/*.jsonl.zst | ayak-dedup --stats node.json >/dev/null &&
	jq -S "[{records_in, records_out, dropped, counts}]" node.json >expect &&
	test_cmp expect got &&
	grep -F "\"clusters\": 6" got
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
	"$CCM" -o one "$S/wet.paths" >out 2>err &&
	(cd one && find . -type f ! -path "./logs/*" -printf "%p %s %T@\n" | sort) >after &&
	test_cmp before after &&
	test_must_be_empty err &&
	printf "shards: %s/one/shards/\nreport: %s/one/report.html\n" "$PWD" "$PWD" >expect &&
	test_cmp expect out
'

test_expect_success 'a run directory is run by one commoncrawl-malay at a time' '
	(cd one && find . -type f ! -path "./logs/*" -printf "%p %s %T@\n" | sort) >before &&
	test_expect_code 2 flock one/lock "$CCM" -o one "$S/wet.paths" >out 2>err &&
	echo "commoncrawl-malay: $PWD/one is being run by another commoncrawl-malay; wait for it to end" >expect &&
	test_cmp expect err &&
	test_must_be_empty out &&
	(cd one && find . -type f ! -path "./logs/*" -printf "%p %s %T@\n" | sort) >after &&
	test_cmp before after &&
	flock one/lock "$CCM" -o one -n "$S/wet.paths" >out &&
	test_must_be_empty out &&
	"$CCM" -o one "$S/wet.paths" >out
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

test_expect_success '--opt pack=--shard-tokens and --format flat: every file ayak-pack writes is a shard' '
	"$CCM" -o st -j 2 --opt pack=--shard-tokens=500 "$S/wet.paths" >out &&
	ls -A st/shards >shards &&
	grep -c "^ms-00002-00002\.idx$" shards &&
	test_must_fail grep "^\.tmp-" shards &&
	test "$(wc -l <shards)" = "$(cat st/stats/pack-*.json | jq -s "map(.counts.shards) | add * 2")" &&
	test "$(wc -l <shards)" -gt 6 &&
	ayak-pack --verify st/shards/*.idx >verify &&
	test "$(jq -s "map(select(.ok | not)) | length" verify)" = 0 &&
	test "$(jq -s "map(.documents) | add" verify)" = "$(final_records one | wc -l)" &&
	cat one/shards/ms-00000.bin >a &&
	cat st/shards/ms-00000-*.bin >b &&
	test_cmp_bin a b &&
	"$CCM" -o flat -j 2 --opt pack=--format=flat "$S/wet.paths" >out &&
	ls -A flat/shards >shards &&
	printf "ms-00000.u16\nms-00001.u16\nms-00002.u16\n" >expect &&
	test_cmp expect shards &&
	test_cmp_bin one/shards/ms-00001.bin flat/shards/ms-00001.u16
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

test_expect_success '--jawi keeps the input order: Latin and Jawi records are not regrouped' '
	for i in 00000 00001 00002; do
		ayak-warc "$S/wet/sample-$i.warc.wet.gz" | jq -r .id >warc-ids &&
		zstd -qdc jawi/final/$i.jsonl.zst | jq -r .id >final-ids &&
		grep -F -x -f final-ids warc-ids >in-order &&
		test_cmp in-order final-ids || return 1
	done &&
	zstd -qdc jawi/final/00002.jsonl.zst | jq -r .lang | uniq -c | awk "{print \$2}" >runs &&
	printf "zsm_Latn\nzsm_Arab\nzsm_Latn\n" >expect &&
	test_cmp expect runs &&
	ls -A jawi/clean >left &&
	printf "00000.jsonl.zst\n00001.jsonl.zst\n00002.jsonl.zst\n" >expect &&
	test_cmp expect left
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
	test_path_is_missing broken/clean/.tmp-00001.jsonl.zst &&
	test_path_is_missing broken/shards/ms-00001.idx &&
	mv good.gz in/sample-00001.warc.wet.gz &&
	"$CCM" -o broken in.paths >out &&
	for f in one/shards/* one/final/*; do cmp "$f" "broken/${f#one/}" || return 1; done
'

# From an audit: a program killed outright (SIGKILL) between linking its temporary file
# and renaming it left .NAME.XXXXXX beside the output for good, a copy of a whole shard.
test_expect_success 'a rerun removes the temporary names a killed program left' '
	"$CCM" -o stale "$S/wet.paths" >/dev/null &&
	rm stale/done/* &&
	cp stale/clean/00001.jsonl.zst stale/clean/..tmp-00001.jsonl.zst.Ab3-_z &&
	: >stale/stats/.filter-00001.json.Qx9Yy1 &&
	: >stale/.report.html.Zz0000 &&
	: >stale/stats/.filter-00001.json.keep &&
	"$CCM" -o stale "$S/wet.paths" >/dev/null &&
	(cd stale && find . -name ".*.??????" ! -name .config.new) >left &&
	test_must_be_empty left &&
	test_path_is_file stale/stats/.filter-00001.json.keep &&
	for f in one/shards/* one/final/* one/clean/*; do cmp "$f" "stale/${f#one/}" || return 1; done
'

# From an audit: two commands started together on a new run directory planned it both,
# before either held its lock: the plan.tsv of one beside the config of the other, or
# a run that ended with exit 0 with the options of the other command.
test_expect_success 'two plans of one new run directory at once: the first decides, the other is refused' '
	"$P/lib/plan" -n race "$S/wet.paths" >config.first &&
	mkdir -p race/plan &&
	exec 8<>race/plan/lock && flock -x 8 &&
	{ setsid "$CCM" -o race --opt filter=--c4 "$S/wet.paths" >out 2>err 8>&- & } &&
	pid=$! n=0 &&
	while ! pgrep -s $pid -x flock >/dev/null && test $n -lt 200; do sleep 0.05; n=$((n + 1)); done
	cp config.first race/config
	exec 8>&-
	test_expect_code 2 wait $pid &&
	grep "race was planned with other options or inputs" err &&
	test_path_is_missing race/plan.tsv &&
	test_cmp config.first race/config
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

# From an audit: stopped by a signal, commoncrawl-malay said nothing of how to go on; and
# stopped alone (kill PID), it ended at once and left make running the tasks on without it.
# The one shard is a fifo, so the run waits on it until the signal comes.
test_expect_success 'a run stopped by a signal stops its tasks and says how to resume' '
	mkdir stop && mkfifo stop/in.wet && echo "$PWD/stop/in.wet" >stop/in.paths &&
	for how in "TERM -- -" "TERM " "INT -- -" "HUP "; do
		rm -f stop/run/logs/clean-00000.log
		# the signals sent take their default action whoever runs the suite (a background
		# job ignores INT, and under nohup HUP is ignored, which the runner then cannot trap)
		setsid env --default-signal=INT,TERM,HUP "$CCM" -o stop/run stop/in.paths >stop/out 2>stop/err &
		pid=$! n=0
		# the task has started: the runner is waiting for it, its traps set
		while test ! -e stop/run/logs/clean-00000.log && test $n -lt 300; do
			sleep 0.05
			n=$((n + 1))
		done
		sig=${how%% *}
		kill -$sig ${how#* }$pid
		# not stopped: the fifo is opened, so that the task fails rather than waits for ever
		timeout 30 tail --pid=$pid -f /dev/null || timeout 5 sh -c ": >stop/in.wet"
		wait $pid
		test $? = $((128 + $(kill -l $sig))) &&
		echo "commoncrawl-malay: stopped by SIG$sig; run the same command again to resume" >expect &&
		tail -n 1 stop/err >got &&
		test_cmp expect got &&
		! pgrep -f "$PWD/stop/" || return 1
	done &&
	rm stop/in.wet &&
	cp "$S/wet/sample-00000.warc.wet.gz" stop/in.wet &&
	"$CCM" -o stop/run stop/in.paths >out &&
	test_path_is_file stop/run/report.html
'

# A local HTTP server with the sample (tests/data/fetch/server.py serves ROOT under /files/).
if command -v python3 >/dev/null; then
	# not "cp ... && python3 ... &": $! would be the subshell's, and the server outlive the test
	mkdir -p root && cp -R "$S/wet" "$S/warc" root/ || exit 1
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

# A moved run was said to have "other options or inputs", which it had not
test_expect_success 'a run directory moved since it was planned is refused as moved' '
	cp -a one moved &&
	test_expect_code 2 "$CCM" -o moved "$S/wet.paths" 2>err &&
	echo "commoncrawl-malay: $PWD/moved was planned as $PWD/one (moved, or reached by another path): a run stays where it was planned; run it there, or start again in another directory" >expect &&
	test_cmp expect err &&
	test_expect_code 2 "$CCM" -o moved --jawi "$S/wet.paths" 2>err &&
	grep "moved was planned with other options or inputs" err &&
	rm -rf moved
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

test_expect_success 'an option without its value is a usage error (exit 2), not a shell error' '
	for o in -o --run -j --jobs; do
		test_expect_code 2 "$CCM" -o x "$o" 2>err &&
		echo "commoncrawl-malay: $o needs a value" >expect &&
		test_cmp expect err || return 1
	done &&
	for o in -o --run --max-array --throttle --sbatch --cpus; do
		test_expect_code 2 "$P/slurm/submit" -o x "$o" 2>err &&
		echo "submit: $o needs a value" >expect &&
		test_cmp expect err || return 1
	done &&
	test_path_is_missing x
'

test_expect_success 'a run directory make cannot name is refused before planning; one that matches another is not run' '
	echo "commoncrawl-malay: the run directory and pipelines/ must have no white space nor any of : ; % \$ | * ? [ ] \\ '"'"' in their paths" >expect &&
	for d in "r:1" "r%1" "r\$x" "r;1" "r|1" "r*1" "o?e" "[o]ne" "r\\1" "r'"'"'1"; do
		test_expect_code 2 "$CCM" -o "$d" "$S/wet.paths" >out 2>err &&
		test_cmp expect err &&
		test_must_be_empty out &&
		test_path_is_missing "$d" || return 1
	done &&
	test_expect_code 2 "$CCM" -n -o "on?" "$S/wet.paths" >out 2>err &&
	test_must_be_empty out
'

test_expect_success 'a run directory with other characters make and the shell take runs as any other' '
	d="r(1)&\"#=,!\`<" &&
	"$CCM" -o "$d" -j 2 "$S/wet.paths" >out 2>err &&
	test_must_be_empty err &&
	printf "shards: %s/%s/shards/\n" "$PWD" "$d" >expect &&
	head -n 1 out >first &&
	test_cmp expect first &&
	for f in one/shards/* one/final/*; do cmp "$f" "$d/${f#one/}" || return 1; done &&
	"$CCM" -o "$d" -n "$S/wet.paths" >out &&
	test_must_be_empty out
'

test_expect_success 'bad stage options are usage errors at planning, and leave no run directory' '
	test_expect_code 2 "$CCM" -o bad --memory 10X "$S/wet.paths" 2>err &&
	cat >expect <<-\EOF &&
	ayak-dedup: --memory wants a size of at least 1M, like 8G, not '"'10X'"'
	Try '"'ayak-dedup --help'"'.
	commoncrawl-malay: the dedup stage refuses its options: --memory 10X
	EOF
	test_cmp expect err &&
	test_path_is_missing bad &&
	test_expect_code 2 "$CCM" -o bad --opt dedup=--annotate "$S/wet.paths" 2>err &&
	echo "commoncrawl-malay: --opt dedup: --annotate would keep the records the stage drops (--keep-rejects keeps them apart)" >expect &&
	test_cmp expect err &&
	test_expect_code 2 "$CCM" -o bad --opt dedup=--bogus "$S/wet.paths" 2>err &&
	grep -x "commoncrawl-malay: the dedup stage refuses its options: --memory 1G --opt dedup=--bogus" err &&
	test_expect_code 2 "$CCM" -o bad --jawi --opt "filter=--min-doc-words x" "$S/wet.paths" 2>err &&
	grep -x "commoncrawl-malay: the filter stage refuses its options: --redact-pii --min-doc-words x" err &&
	test_expect_code 2 "$P/slurm/submit" -o bad --max-array 2 --opt tok=--bogus "$S/wet.paths" 2>err &&
	grep -x "submit: the tok stage refuses its options: --bogus" err &&
	test_path_is_missing bad
'

# From an audit: planning removed its temporary directory only on exit,
# so a signal while it tried the stages left it in $TMPDIR.
test_expect_success 'planning stopped by a signal leaves nothing in TMPDIR' '
	mkdir -p ptmp &&
	for t in 0.05 0.2 0.4; do
		# in a group of its own, signalled as a whole, as Slurm and ^C do
		TMPDIR=$PWD/ptmp setsid "$CCM" -o sig -n "$S/wet.paths" >/dev/null 2>&1 &
		pid=$!
		sleep $t; kill -TERM -- -$pid; wait $pid;
		# the group is gone once the planner, signalled too, has ended
		timeout 30 bash -c "while kill -0 -- -$pid 2>/dev/null; do sleep 0.05; done";
		ls -A ptmp >left &&
		test_must_be_empty left || return 1
	done &&
	test_path_is_missing sig
'

# kill_planning RUN [-n]: start lib/plan on RUN (TMPDIR ktmp), and once it tries the stages,
# kill it outright (SIGKILL), with the programs it runs, as the OOM killer or Slurm past
# KillWait would.
kill_planning () {
	local pid n=0
	TMPDIR=$PWD/ktmp setsid "$P/lib/plan" $2 "$1" "$S/wet.paths" >/dev/null 2>&1 &
	pid=$!
	while ! compgen -G "$1/plan/.scratch.*/check" >/dev/null &&
		! compgen -G "ktmp/ayak-plan.*/check" >/dev/null && test $n -lt 500; do
		sleep 0.02
		n=$((n + 1))
	done
	kill -KILL -- -$pid
	wait $pid
	test $? = 137
}

# From an audit: planning tried the stages in a directory in $TMPDIR, which a planner
# killed outright (SIGKILL) left there for good.
test_expect_success 'planning killed outright: its scratch is in RUN/plan, removed by the next planning' '
	mkdir ktmp &&
	kill_planning kp &&
	ls -A ktmp >left &&
	test_must_be_empty left &&
	ls -d kp/plan/.scratch.* &&
	"$P/lib/plan" kp "$S/wet.paths" &&
	ls -A kp/plan >left &&
	echo lock >expect &&
	test_cmp expect left &&
	: "a dry run, which writes nothing in RUN, sweeps its own in TMPDIR" &&
	kill_planning kpn -n &&
	test_path_is_missing kpn &&
	ls -d ktmp/ayak-plan.* &&
	TMPDIR=$PWD/ktmp "$P/lib/plan" -n kpn "$S/wet.paths" >/dev/null &&
	ls -A ktmp >left &&
	test_must_be_empty left
'

test_expect_success '--opt may not name a stage'"'"'s outputs: -o in the middle of a pipe left a run of 0 records' '
	test_expect_code 2 "$CCM" -o outs --opt "norm=-o x.jsonl" "$S/wet.paths" 2>err &&
	echo "commoncrawl-malay: --opt norm: the pipeline names the stage'"'"'s outputs, not -o (--keep-rejects keeps the rejects)" >expect &&
	test_cmp expect err &&
	test_expect_code 2 "$CCM" -o outs --opt=warc=--stats=x.json "$S/wet.paths" 2>err &&
	grep -x "commoncrawl-malay: --opt warc: the pipeline names the stage.s outputs, not --stats (.*)" err &&
	test_expect_code 2 "$P/slurm/submit" -o outs --max-array 2 --opt "filter=--min-doc-words 50 --rejects r.jsonl" "$S/wet.paths" 2>err &&
	grep -x "submit: --opt filter: the pipeline names the stage.s outputs, not --rejects (.*)" err &&
	test_path_is_missing outs &&
	test_path_is_missing x.jsonl &&
	test_path_is_missing x.json
'

# --opt lid=--annotate passed, and 19 Indonesian records of 44 reached the final shards
test_expect_success '--opt may not give a stage --annotate: what it drops would reach the shards' '
	test_expect_code 2 "$CCM" -o ann --opt lid=--annotate "$S/wet.paths" 2>err &&
	echo "commoncrawl-malay: --opt lid: --annotate would keep the records the stage drops (--keep-rejects keeps them apart)" >expect &&
	test_cmp expect err &&
	test_expect_code 2 "$P/slurm/submit" -o ann --max-array 2 --opt "filter=--min-doc-words 50 --annotate" "$S/wet.paths" 2>err &&
	grep -x "submit: --opt filter: --annotate would keep the records the stage drops (.*)" err &&
	test_path_is_missing ann
'

test_expect_success '--name=value splits at the first =; --opt tok passes options to ayak-tok' '
	"$CCM" -o eq --opt=filter=--min-doc-words=150 --opt=tok=--split-special-tokens "$S/wet.paths" >out &&
	grep -F -x "FILTER_OPTS=--redact-pii\\ --min-doc-words=150" eq/config &&
	grep -x "TOK_OPTS=--split-special-tokens" eq/config &&
	test_path_is_file eq/shards/ms-00002.idx &&
	test_expect_code 2 "$CCM" -o x --dry-run=yes "$S/wet.paths" 2>err &&
	grep -x "commoncrawl-malay: --dry-run takes no value" err &&
	test_expect_code 2 "$P/slurm/submit" -o x --wait=1 "$S/wet.paths" 2>err &&
	grep -x "submit: --wait takes no value" err
'

test_expect_success 'an input that cannot be read exits 3, named or in a list, and leaves no run directory' '
	test_expect_code 3 "$CCM" -o nodir/pt.1 /nonexist.wet.gz 2>err &&
	grep -x "commoncrawl-malay: /nonexist.wet.gz: cannot read" err &&
	test_path_is_missing nodir &&
	echo /nonexist.wet.gz >missing.paths &&
	test_expect_code 3 "$CCM" -o nodir/pt.1 missing.paths 2>err &&
	grep -x "commoncrawl-malay: missing.paths: /nonexist.wet.gz: no such file" err &&
	test_expect_code 3 "$CCM" -o nodir/pt.1 --tokenizer /nonexist.json "$S/wet.paths" 2>err &&
	grep -x "commoncrawl-malay: /nonexist.json: cannot read the tokenizer" err &&
	test_path_is_missing nodir
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
	grep -c "lib/stage'"'"' '"'"'.*/dry'"'"' clean 2" out &&
	test_path_is_missing dry
'

# SIGPIPE must not be ignored by whoever runs us, or `| head` cannot be tested.
sigign=$(sed -n 's/^SigIgn:[[:space:]]*//p' /proc/$$/status 2>/dev/null)
if test -n "$sigign" && test $(( 0x$sigign & (1 << 12) )) = 0; then
	test_set_prereq SIGPIPE_DEFAULT
fi

# -n | head said "a task failed; see .../logs/" and exited 1
test_expect_success SIGPIPE_DEFAULT '--dry-run | head ends quietly' '
	{ "$CCM" -o dry -n "$S/wet.paths" 2>err; echo $? >status; } | head -n 1 >out &&
	test_line_count = 1 out &&
	test_must_be_empty err &&
	# 141 if make wrote after head had gone, else 0
	case $(cat status) in 0|141) ;; *) false ;; esac &&
	test_path_is_missing dry
'

test_expect_success 'a dry run writes nothing: the real run may then take other options' '
	"$CCM" -o dry2 -n --prefix x "$S/wet.paths" >out &&
	test_path_is_missing dry2 &&
	"$P/slurm/submit" -o dry2 --dry-run --max-array 9 --prefix x "$S/wet.paths" >out &&
	test_path_is_missing dry2 &&
	"$CCM" -o dry2 "$S/wet.paths" >out &&
	test_path_is_file dry2/shards/ms-00002.idx &&
	test_expect_code 2 "$CCM" -o dry2 -n --prefix x "$S/wet.paths" 2>err &&
	grep "dry2 was planned with other options or inputs" err &&
	"$CCM" -o dry2 -n "$S/wet.paths" >out &&
	test_must_be_empty out
'

test_expect_success 'Slurm submit --dry-run: arrays split at --max-array, chained by afterok to the arrays named' '
	"$P/slurm/submit" -o sl --dry-run --max-array 2 "$S/wet.paths" >out &&
	grep "^sbatch" out | sed -e "s/ --output [^ ]*//" -e "s|$PWD/||g" -e "s|$P/||g" \
		-e "s/-[0-9]*-[0-9]*-[0-9]*-\([0-9]\).tasks/-\1.tasks/" >cmds &&
	cat >expect <<-\EOF &&
	sbatch --parsable --job-name ayak-shard --array 0-1 --cpus-per-task 2 --kill-on-invalid-dep=yes slurm/task sl shard sl/slurm/shard-0.tasks
	sbatch --parsable --job-name ayak-shard --array 0-0 --cpus-per-task 2 --kill-on-invalid-dep=yes slurm/task sl shard sl/slurm/shard-1.tasks
	sbatch --parsable --job-name ayak-cluster --array 0-1 --cpus-per-task 1 --kill-on-invalid-dep=yes --dependency afterok:DRY-shard-0:DRY-shard-1 slurm/task sl cluster sl/slurm/cluster-0.tasks
	sbatch --parsable --job-name ayak-cluster --array 0-0 --cpus-per-task 1 --kill-on-invalid-dep=yes --dependency afterok:DRY-shard-0:DRY-shard-1 slurm/task sl cluster sl/slurm/cluster-1.tasks
	sbatch --parsable --job-name ayak-merge --array 0-0 --cpus-per-task 1 --kill-on-invalid-dep=yes --dependency afterok:DRY-cluster-0:DRY-cluster-1 slurm/task sl merge sl/slurm/merge-0.tasks
	sbatch --parsable --job-name ayak-final --array 0-1 --cpus-per-task 2 --kill-on-invalid-dep=yes --dependency afterok:DRY-merge-0 slurm/task sl final sl/slurm/final-0.tasks
	sbatch --parsable --job-name ayak-final --array 0-0 --cpus-per-task 2 --kill-on-invalid-dep=yes --dependency afterok:DRY-merge-0 slurm/task sl final sl/slurm/final-1.tasks
	sbatch --parsable --job-name ayak-report --array 0-0 --cpus-per-task 1 --kill-on-invalid-dep=yes --dependency afterok:DRY-final-0:DRY-final-1 slurm/task sl report sl/slurm/report-0.tasks
	EOF
	test_cmp expect cmds
'

# A fake Slurm: sbatch notes its SLURM_CONF and arguments and prints job IDs 101, 102, ...
# (failing as the real one does when SLURM_CONF is set but empty); scontrol says
# MaxArraySize is 2 (or FAKE_MAX_ARRAY), with SchedulerParameters FAKE_SCHED when set, and squeue answers from a file; both fail when
# FAKE_FAIL names them. The tests run a job's tasks themselves, as slurmd would: the job
# script with SLURM_ARRAY_TASK_ID set.
mkdir fake &&
FAKE=$PWD/fake && export FAKE &&
cat >fake/sbatch <<\EOF &&
#!/bin/sh
if [ "${SLURM_CONF+set}" = set ] && [ -z "$SLURM_CONF" ]; then
	echo "sbatch: error: s_p_parse_file: cannot stat file" >&2; exit 1
fi
echo "${SLURM_CONF-unset} $*" >>"$FAKE/sbatch.log"
n=$(( $(cat "$FAKE/next" 2>/dev/null || echo 100) + 1 )); echo $n >"$FAKE/next"
echo "$n;cluster"
EOF
cat >fake/scontrol <<\EOF &&
#!/bin/sh
case ${FAKE_FAIL:-} in *scontrol*) echo "scontrol: error: no controller" >&2; exit 1;; esac
echo "MaxArraySize            = ${FAKE_MAX_ARRAY:-2}"
[ -z "${FAKE_SCHED:-}" ] || echo "SchedulerParameters     = $FAKE_SCHED"
EOF
cat >fake/squeue <<\EOF &&
#!/bin/sh
case ${FAKE_FAIL:-} in *squeue*) echo "squeue: error: no controller" >&2; exit 1;; esac
cat "$FAKE/queue" 2>/dev/null; exit 0
EOF
chmod +x fake/sbatch fake/scontrol fake/squeue
SUBMIT () { PATH=$FAKE:$PATH "$P/slurm/submit" "$@"; }

test_expect_success 'Slurm submit: SLURM_CONF is passed on as it is, not set empty when unset' '
	(unset SLURM_CONF && SUBMIT -o sq "$S/wet.paths" >out) &&
	test_line_count = 8 fake/sbatch.log &&
	cut -d" " -f1 fake/sbatch.log | sort -u >conf &&
	echo unset >expect && test_cmp expect conf &&
	grep -x "submit: shard: job 101, 2 task(s)" out &&
	grep -x "submit: report: job 108, 1 task(s)" out &&
	cut -f1,2 sq/slurm/jobs.tsv | paste -sd" " >jobs &&
	printf "101\tshard 102\tshard 103\tcluster 104\tcluster 105\tmerge 106\tfinal 107\tfinal 108\treport\n" >expect &&
	test_cmp expect jobs
'

test_expect_success 'Slurm submit refuses while jobs of an earlier submission are queued or running' '
	printf "999\n104\n104\n" >fake/queue &&
	test_expect_code 2 SUBMIT -o sq >out 2>err &&
	echo "submit: jobs of an earlier submission are still queued or running (104); wait for them to end or scancel them, then run this again" >expect &&
	test_cmp expect err &&
	test_line_count = 8 fake/sbatch.log &&
	test_expect_code 3 env FAKE_FAIL=squeue PATH="$FAKE:$PATH" "$P/slurm/submit" -o sq 2>err &&
	grep -x "submit: cannot list the queued jobs (squeue) to check the earlier submissions of $PWD/sq" err &&
	printf "999\n" >fake/queue &&
	SUBMIT -o sq >out &&
	test_line_count = 16 fake/sbatch.log &&
	grep -x "submit: shard: job 109, 2 task(s)" out
'

test_expect_success 'Slurm submit: scontrol failing (kept from users) is Slurm'"'"'s default MaxArraySize, 1001, and a message' '
	env FAKE_FAIL=scontrol PATH="$FAKE:$PATH" "$P/slurm/submit" -o sc "$S/wet.paths" >out 2>err &&
	echo "submit: cannot read MaxArraySize (scontrol show config); taking Slurm'"'"'s default, 1001 (give --max-array to set it)" >expect &&
	test_cmp expect err &&
	cut -f2,3 sc/slurm/jobs.tsv | paste -sd" " >jobs &&
	printf "shard\t3 cluster\t3 merge\t1 final\t3 report\t1\n" >expect &&
	test_cmp expect jobs &&
	env FAKE_FAIL=scontrol PATH="$FAKE:$PATH" "$P/slurm/submit" -o sc2 --max-array 2 "$S/wet.paths" >out 2>err &&
	test_must_be_empty err
'

test_expect_success 'Slurm submit: SchedulerParameters'"'"' max_array_tasks caps the arrays where it is below MaxArraySize' '
	env FAKE_MAX_ARRAY=1001 FAKE_SCHED=bf_continue,max_array_tasks=2,default_queue_depth=100 PATH="$FAKE:$PATH" \
		"$P/slurm/submit" -o mt --dry-run "$S/wet.paths" >out 2>err &&
	test_must_be_empty err &&
	grep -o "ayak-shard --array [0-9-]*" out >arrays &&
	printf "ayak-shard --array 0-1\nayak-shard --array 0-0\n" >expect &&
	test_cmp expect arrays &&
	env FAKE_MAX_ARRAY=1001 FAKE_SCHED=max_array_tasks=5000 PATH="$FAKE:$PATH" \
		"$P/slurm/submit" -o mt --dry-run "$S/wet.paths" >out 2>err &&
	grep -o "ayak-shard --array [0-9-]*" out >arrays &&
	echo "ayak-shard --array 0-2" >expect &&
	test_cmp expect arrays
'

test_expect_success 'Slurm submit: MaxArraySize 0 (no job arrays) is exit 3 before anything is planned' '
	test_expect_code 3 env FAKE_MAX_ARRAY=0 PATH="$FAKE:$PATH" "$P/slurm/submit" -o ma0 "$S/wet.paths" >out 2>err &&
	echo "submit: job arrays are disabled on this cluster (MaxArraySize = 0)" >expect &&
	test_cmp expect err &&
	test_must_be_empty out &&
	test_path_is_missing ma0
'

test_expect_success 'Slurm submit: --sbatch=OPTS keeps its =' '
	SUBMIT -o sc --dry-run --sbatch=--time=01:00:00 >out &&
	grep -c "^sbatch .* --time=01:00:00 .*/slurm/task " out >n &&
	echo 8 >expect && test_cmp expect n
'

test_expect_success 'Slurm submit: a % in the run directory is not one of sbatch'"'"'s --output patterns' '
	SUBMIT -o "p%j" --dry-run "$S/wet.paths" >out &&
	grep -m 1 "^sbatch .* --job-name ayak-shard " out | sed "s/.* --output \([^ ]*\) .*/\1/" >logs &&
	echo "$PWD/p%%j/logs/slurm/shard-%A_%a.out" >expect &&
	test_cmp expect logs &&
	test_path_is_missing "p%j"
'

test_expect_success 'Slurm submit refuses a run directory with white space' '
	test_expect_code 2 SUBMIT -o "with space" --max-array 2 "$S/wet.paths" 2>err &&
	echo "submit: the run directory must have no white space in its path" >expect &&
	test_cmp expect err &&
	test_path_is_missing "with space"
'

# Holding RUN/lock as commoncrawl-malay does (exclusive), flock(1) stands for a running one.
test_expect_success 'a Slurm task does not run beside a commoncrawl-malay; nor does submit, nor two submits at once' '
	SUBMIT -o lk --max-array 9 "$S/wet.paths" >out &&
	ls lk/slurm/shard-*-0.tasks >list && test_line_count = 1 list &&
	(cd lk && find . -printf "%p %s %T@\n" | sort) >before &&
	test_expect_code 2 flock lk/lock env SLURM_ARRAY_TASK_ID=0 "$P/slurm/task" "$PWD/lk" shard "$(cat list)" >out 2>err &&
	echo "task: $PWD/lk is being run by commoncrawl-malay; this task did nothing: run pipelines/slurm/submit again when it has ended" >expect &&
	test_cmp expect err &&
	test_must_be_empty out &&
	(cd lk && find . -printf "%p %s %T@\n" | sort) >after &&
	test_cmp before after &&
	wc -l <fake/sbatch.log >n &&
	test_expect_code 2 flock lk/lock env PATH="$FAKE:$PATH" "$P/slurm/submit" -o lk 2>err &&
	echo "submit: $PWD/lk is being run by commoncrawl-malay; wait for it to end" >expect &&
	test_cmp expect err &&
	test_expect_code 2 flock lk/slurm/lock env PATH="$FAKE:$PATH" "$P/slurm/submit" -o lk 2>err &&
	echo "submit: $PWD/lk is being submitted by another pipelines/slurm/submit; wait for it to end" >expect &&
	test_cmp expect err &&
	wc -l <fake/sbatch.log >n2 &&
	test_cmp n n2 &&
	SLURM_ARRAY_TASK_ID=0 "$P/slurm/task" "$PWD/lk" shard "$(cat list)" &&
	test_path_is_file lk/done/bucket-00000
'

# A stand-in for lib/stage in the Slurm tasks: while task 0 of the shard array holds its
# lock, it starts a commoncrawl-malay on the run directory and task 1 of the same array.
mkdir -p fake/pipelines/lib &&
ln -s "$P/lib/lock.sh" fake/pipelines/lib/lock.sh &&
cat >fake/pipelines/lib/stage <<\EOF &&
#!/bin/sh
echo "$2 ${3-}" >>"$FAKE/stage.log"
if [ "$2 ${3-}" = "fetch 0" ]; then
	"$CCM" -o "$1" "$S/wet.paths" >"$FAKE/ccm.out" 2>"$FAKE/ccm.err"
	echo "commoncrawl-malay: exit $?" >>"$FAKE/stage.log"
	SLURM_ARRAY_TASK_ID=1 "$P/slurm/task" "$1" shard "$FAKE_LIST"
	echo "task 1: exit $?" >>"$FAKE/stage.log"
fi
EOF
# A flock that cannot lock, as on Lustre mounted with -o noflock.
mkdir noflock &&
cat >noflock/flock <<\EOF &&
#!/bin/sh
eval "fd=\${$#}"
echo "flock: $fd: Function not implemented" >&2
exit 65
EOF
chmod +x fake/pipelines/lib/stage noflock/flock
export CCM S P

test_expect_success 'commoncrawl-malay does not run beside Slurm tasks; the tasks of an array run together' '
	SUBMIT -o lk2 --max-array 9 "$S/wet.paths" >out &&
	echo "PIPELINES=$FAKE/pipelines" >lk2/slurm/env &&
	FAKE_LIST=$(ls "$PWD"/lk2/slurm/shard-*-0.tasks) &&
	SLURM_ARRAY_TASK_ID=0 FAKE_LIST=$FAKE_LIST "$P/slurm/task" "$PWD/lk2" shard "$FAKE_LIST" &&
	cat >expect <<-\EOF &&
	fetch 0
	commoncrawl-malay: exit 2
	fetch 1
	clean 1
	sign 1
	bucket 1
	task 1: exit 0
	clean 0
	sign 0
	bucket 0
	EOF
	test_cmp expect fake/stage.log &&
	echo "commoncrawl-malay: $PWD/lk2 is being run by Slurm tasks of pipelines/slurm/submit; wait for its jobs to end (squeue) or scancel them" >expect &&
	test_cmp expect fake/ccm.err &&
	test_must_be_empty fake/ccm.out &&
	test_path_is_missing lk2/done
'

test_expect_success 'where the file system cannot lock, the runner and the tasks say so and go on' '
	PATH=$PWD/noflock:$PATH "$CCM" -o one "$S/wet.paths" >out 2>err &&
	echo "commoncrawl-malay: cannot lock $PWD/one/lock (Function not implemented); going on without the lock" >expect &&
	test_cmp expect err &&
	printf "shards: %s/one/shards/\nreport: %s/one/report.html\n" "$PWD" "$PWD" >expect &&
	test_cmp expect out &&
	: >fake/stage.log &&
	PATH=$PWD/noflock:$PATH SLURM_ARRAY_TASK_ID=2 "$P/slurm/task" "$PWD/lk2" shard "$(ls lk2/slurm/shard-*-0.tasks)" 2>err &&
	echo "task: cannot lock $PWD/lk2/lock (Function not implemented); going on without the lock" >expect &&
	test_cmp expect err &&
	printf "fetch 2\nclean 2\nsign 2\nbucket 2\n" >expect &&
	test_cmp expect fake/stage.log
'

# Queued jobs hold no lock: the runner asks squeue for the jobs of the directory's submissions.
test_expect_success 'commoncrawl-malay refuses a directory whose Slurm jobs are still queued' '
	SUBMIT -o rq "$S/wet.paths" >out &&
	cut -f1 rq/slurm/jobs.tsv >fake/queue &&
	jobs=$(paste -sd, fake/queue) &&
	test_expect_code 2 env PATH="$FAKE:$PATH" "$CCM" -o rq "$S/wet.paths" >out 2>err &&
	echo "commoncrawl-malay: $PWD/rq was submitted to Slurm and its jobs are still queued or running ($jobs); wait for them to end or scancel them" >expect &&
	test_cmp expect err &&
	test_must_be_empty out &&
	test_path_is_missing rq/report.html &&
	FAKE_FAIL=squeue PATH="$FAKE:$PATH" "$CCM" -o rq "$S/wet.paths" >out 2>err &&
	echo "commoncrawl-malay: cannot list the queued jobs (squeue) to check the Slurm submissions of $PWD/rq; going on" >expect &&
	test_cmp expect err &&
	test_path_is_file rq/report.html &&
	printf "999\n" >fake/queue &&
	PATH="$FAKE:$PATH" "$CCM" -o rq "$S/wet.paths" >out 2>err &&
	test_must_be_empty err
'

test_done
