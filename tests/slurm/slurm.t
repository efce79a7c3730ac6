#!/usr/bin/env bash
test_description='the pipeline as Slurm job arrays on a real one-node cluster equals the one-node run'
. "$(dirname "$0")/../lib.sh"

P=$AYAK_TOP/pipelines
SAMPLE=$P/sample

if test "$(id -u)" != 0; then
	test_skip_all 'needs root, to run slurmd'
fi
for c in slurmctld slurmd munged sbatch squeue scontrol; do
	command -v $c >/dev/null || test_skip_all "no $c (apt-get install slurmctld slurmd munge slurm-client)"
done

CLUSTER=$TRASH_DIRECTORY/cluster
trap '"$AYAK_TOP/tests/slurm/cluster" stop "$CLUSTER"' EXIT
export SLURM_CONF=$CLUSTER/slurm.conf

# The shards, the kept records and the report's counts (timings and paths aside).
same_run () {
	for f in "$1"/shards/* "$1"/final/*; do
		cmp "$f" "$2/${f#$1/}" || return 1
	done &&
	test "$(ls "$1/shards" | wc -l)" = "$(ls "$2/shards" | wc -l)" &&
	jq -S 'del(.. | .seconds?) | del(.title)' "$1/report.json" >a.json &&
	jq -S 'del(.. | .seconds?) | del(.title)' "$2/report.json" >b.json &&
	test_cmp a.json b.json
}

test_expect_success 'a one-node cluster starts' '
	"$AYAK_TOP/tests/slurm/cluster" start "$CLUSTER" &&
	sinfo -h -o "%P %T" >out &&
	grep "^test\* idle" out
'

test_expect_success 'the one-node run of the sample (reference)' '
	"$P/commoncrawl-malay" -o one -j 2 "$SAMPLE/wet.paths" >out &&
	test_path_is_file one/report.json &&
	ls one/shards >shards &&
	test_line_count = 6 shards
'

test_expect_success 'submit --wait runs the pipeline as job arrays' '
	"$P/slurm/submit" -o arr --wait "$SAMPLE/wet.paths" >out &&
	cat out &&
	tail -n 2 out >tail &&
	printf "shards: %s/arr/shards/\nreport: %s/arr/report.html\n" "$PWD" "$PWD" >expect &&
	test_cmp expect tail
'

test_expect_success 'stages larger than MaxArraySize (2) are split into arrays' '
	cut -f2,3 arr/slurm/jobs.tsv >jobs &&
	printf "shard\t2\nshard\t1\ncluster\t2\ncluster\t1\nmerge\t1\nfinal\t2\nfinal\t1\nreport\t1\n" >expect &&
	test_cmp expect jobs
'

test_expect_success 'the job arrays made the same shards, records and counts as one node' '
	same_run one arr
'

test_expect_success 'every task has its logs' '
	test_path_is_file arr/logs/clean-00002.log &&
	grep "^== clean-00002 on .* (Slurm job [0-9]*, array task 0)$" arr/logs/clean-00002.log &&
	grep "^== clean-00002 done in" arr/logs/clean-00002.log &&
	ls arr/logs/slurm >slurmlogs &&
	test_line_count = 11 slurmlogs
'

test_expect_success 'a failed task: the later arrays are cancelled, submit --wait exits 1' '
	mkdir in &&
	cp "$SAMPLE"/wet/*.gz in/ &&
	mv in/sample-00001.warc.wet.gz good.gz &&
	head -c 5000 good.gz >in/sample-00001.warc.wet.gz &&
	test_expect_code 1 "$P/slurm/submit" -o re --wait in/sample-00000.warc.wet.gz \
		in/sample-00001.warc.wet.gz in/sample-00002.warc.wet.gz 2>err &&
	grep "some tasks failed" err &&
	test_path_is_file re/done/bucket-00000 &&
	test_path_is_file re/done/bucket-00002 &&
	test_path_is_missing re/done/clean-00001 &&
	test_path_is_missing re/done/merge &&
	grep "^== clean-00001 failed" re/logs/clean-00001.log
'

test_expect_success 'a resubmission submits only the tasks not done, and completes' '
	mv good.gz in/sample-00001.warc.wet.gz &&
	"$P/slurm/submit" -o re --wait >out &&
	grep "^submit:" out >sub &&
	printf "submit: shard: job %s, 1 task(s)\n" $(awk -F"\t" "\$2 == \"shard\"" re/slurm/jobs.tsv | tail -n 1 | cut -f1) >expect &&
	head -n 1 sub >first &&
	test_cmp expect first &&
	same_run one re
'

test_expect_success 'submitting a finished run submits nothing' '
	"$P/slurm/submit" -o re >out &&
	grep "^submit: every task is done$" out
'

test_expect_success 'a % in the run directory: Slurm logs where the run directory says' '
	"$P/slurm/submit" -o "pc%j" --wait "$SAMPLE/wet.paths" >out &&
	ls "pc%j/logs/slurm" >slurmlogs &&
	test_line_count = 11 slurmlogs &&
	same_run one "pc%j"
'

# The jobs are held until flock(1), standing for a commoncrawl-malay, holds the run's lock.
test_expect_success 'a task that finds a commoncrawl-malay running the directory does nothing; the later groups are cancelled' '
	"$P/slurm/submit" -o lk --sbatch=--hold "$SAMPLE/wet.paths" >out &&
	jobs=$(cut -f1 lk/slurm/jobs.tsv | paste -sd,) &&
	flock lk/lock sh -c "scontrol release $jobs && while test -n \"\$(squeue -h -j $jobs -o %i)\"; do sleep 1; done" &&
	test_path_is_missing lk/done &&
	cat lk/logs/slurm/shard-*.out >msgs &&
	echo "task: $PWD/lk is being run by commoncrawl-malay; this task did nothing: run pipelines/slurm/submit again when it has ended" >expect &&
	sort -u msgs >msg &&
	test_cmp expect msg &&
	test_line_count = 3 msgs &&
	ls lk/logs/slurm >slurmlogs &&
	test_line_count = 3 slurmlogs
'

test_expect_success 'submitted again when it has ended, the run completes' '
	"$P/slurm/submit" -o lk --wait >out &&
	same_run one lk
'

# Held jobs stand for jobs still waiting in the queue, which hold no lock.
test_expect_success 'commoncrawl-malay refuses a directory whose jobs are still queued' '
	"$P/slurm/submit" -o held --sbatch=--hold "$SAMPLE/wet.paths" >out &&
	jobs=$(cut -f1 held/slurm/jobs.tsv | paste -sd,) &&
	test_expect_code 2 "$P/commoncrawl-malay" -o held "$SAMPLE/wet.paths" >out 2>err &&
	scancel $(echo $jobs | tr , " ") &&
	echo "commoncrawl-malay: $PWD/held was submitted to Slurm and its jobs are still queued or running ($jobs); wait for them to end or scancel them" >expect &&
	test_cmp expect err &&
	test_path_is_missing held/report.html
'

test_expect_success 'the cluster stops' '
	"$AYAK_TOP/tests/slurm/cluster" stop "$CLUSTER" &&
	test_must_fail sinfo -h
'

test_done
