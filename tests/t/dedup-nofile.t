#!/usr/bin/env bash
test_description='ayak-dedup: the sharded stages do not depend on the soft limit of open files'
. "$(dirname "$0")/../lib.sh"

F=$TEST_DATA/dedup/dedup.jsonl

# The soft limit is lowered under the hard one, as on a node whose default
# soft limit (1024) is below the shards of a run.
hard=$(ulimit -Hn)
if test "$hard" = unlimited || test "$hard" -ge 256; then
	test_set_prereq NOFILE_HARD
fi

test_expect_success NOFILE_HARD 'cluster and merge of 30 shards under ulimit -Sn 16' '
	head -n 30 "$F" >in.jsonl &&
	for s in $(seq 0 29); do
		sed -n "$((s + 1))p" in.jsonl >s$s.jsonl &&
		ayak-dedup --dir w --stage sign --shard $s s$s.jsonl &&
		ayak-dedup --dir w --stage bucket --shard $s --parts 2 || return 1
	done &&
	(
		ulimit -Sn 16 &&
		for p in 0 1; do
			ayak-dedup --dir w --stage cluster --part $p --shards 30 || exit 1
		done &&
		ayak-dedup --dir w --stage merge --shards 30 --parts 2
	) &&
	for s in $(seq 0 29); do
		ayak-dedup --dir w --stage filter --shard $s s$s.jsonl || return 1
	done >sharded &&
	ayak-dedup in.jsonl >one &&
	test_cmp one sharded
'

# LeakSanitizer needs files of its own at exit
grep -q fsanitize "$AYAK_BUILD/flags" 2>/dev/null || test_set_prereq NOSAN
test_expect_success NOFILE_HARD,NOSAN 'under a hard limit too low for the shards, the message says which limit' '
	test_expect_code 3 sh -c "ulimit -n 16 && exec ayak-dedup --dir w --stage cluster --part 0 --shards 30 --force" 2>err &&
	sed -e "s/bucket\/[0-9-]*\.exact/bucket\/N.exact/" err >got &&
	echo "ayak-dedup: w/bucket/N.exact: too many open files (a cluster or merge task holds one of every shard and part; the limit, ulimit -n, is 16)" >expect &&
	test_cmp expect got
'

test_done
