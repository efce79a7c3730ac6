#!/usr/bin/env bash
test_description='ayak-cat --split and --split-bytes'
. "$(dirname "$0")/../lib.sh"

# unz FILE: its decompressed bytes on stdout, whatever its format.
unz () {
	case $1 in
	*.zst) zstd -q -dc "$1" ;;
	*.gz) gzip -dc "$1" ;;
	*) cat "$1" ;;
	esac
}

test_expect_success 'setup' '
	cp "$TEST_DATA/sample.jsonl" in.jsonl &&
	n=$(wc -l <in.jsonl) &&
	test $n -ge 100
'

test_expect_success ZSTD '--split N: zstd shards named PREFIX-00000.jsonl.zst...' '
	mkdir s1 &&
	ayak-cat --split 50 -o s1/part in.jsonl >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty err &&
	shards=$(( (n + 49) / 50 )) &&
	for i in $(seq 0 $((shards - 1))); do
		printf "part-%05d.jsonl.zst\n" $i || return 1
	done >expect &&
	ls -A s1 >list &&
	test_cmp expect list
'

test_expect_success ZSTD '--split N: every shard is zstd with N records, the last with the rest' '
	for f in s1/*; do
		test "$(od -An -tx1 -N4 "$f" | tr -d " \n")" = 28b52ffd &&
		zstd -q -dc "$f" | wc -l || return 1
	done >counts &&
	{
		for i in $(seq 2 $shards); do echo 50; done &&
		echo $((n - 50 * (shards - 1)))
	} >expect &&
	test_cmp expect counts
'

test_expect_success ZSTD '--split N: the shards concatenated are the input' '
	for f in s1/*; do zstd -q -dc "$f" || return 1; done >joined &&
	test_cmp_bin in.jsonl joined
'

test_expect_success '--split N: ayak-cat reads the shards back' '
	ayak-cat s1/* >joined2 &&
	test_cmp_bin in.jsonl joined2
'

test_expect_success GZIP '--split with --compress gz gives .jsonl.gz shards' '
	mkdir s2 &&
	ayak-cat --split 100 --compress gz -o s2/p in.jsonl &&
	ls -A s2 >list &&
	printf "p-00000.jsonl.gz\np-00001.jsonl.gz\n" >expect &&
	test_cmp expect list &&
	gzip -dc s2/p-00000.jsonl.gz | wc -l >c0 &&
	echo 100 >expect &&
	test_cmp expect c0 &&
	gzip -dc s2/p-00000.jsonl.gz s2/p-00001.jsonl.gz >joined &&
	test_cmp_bin in.jsonl joined
'

test_expect_success '--split with --compress none gives .jsonl shards' '
	mkdir s3 &&
	ayak-cat --split 100 --compress none -o s3/p in.jsonl &&
	ls -A s3 >list &&
	printf "p-00000.jsonl\np-00001.jsonl\n" >expect &&
	test_cmp expect list &&
	cat s3/p-00000.jsonl s3/p-00001.jsonl >joined &&
	test_cmp_bin in.jsonl joined
'

test_expect_success '--split with exactly N records gives one shard' '
	mkdir s4 &&
	head -n 20 in.jsonl >twenty &&
	ayak-cat --split 20 --compress none -o s4/p twenty &&
	ls -A s4 >list &&
	echo p-00000.jsonl >expect &&
	test_cmp expect list &&
	test_cmp twenty s4/p-00000.jsonl
'

test_expect_success '--split 1: one record per shard' '
	mkdir s5 &&
	head -n 3 in.jsonl >three &&
	ayak-cat --split 1 --compress none -o s5/p three &&
	ls -A s5 >list &&
	printf "p-00000.jsonl\np-00001.jsonl\np-00002.jsonl\n" >expect &&
	test_cmp expect list &&
	sed -n 2p three >expect &&
	test_cmp expect s5/p-00001.jsonl
'

test_expect_success '--split from compressed input and several files' '
	mkdir s6 &&
	gzip -c in.jsonl >in.jsonl.gz &&
	ayak-cat --split 60 --compress none -o s6/p in.jsonl.gz in.jsonl &&
	cat s6/* >joined &&
	cat in.jsonl in.jsonl >expect &&
	test_cmp_bin expect joined &&
	for f in s6/*; do wc -l <"$f" || return 1; done >counts &&
	head -n 1 counts >first &&
	echo 60 >expect &&
	test_cmp expect first
'

test_expect_success ZSTD '--split-bytes SIZE: no shard over SIZE, the concatenation is the input' '
	mkdir b1 &&
	ayak-cat --split-bytes 4K -o b1/p in.jsonl &&
	ls -A b1 >list &&
	test_line_count -gt 1 list &&
	sed -n 1p list >first &&
	echo p-00000.jsonl.zst >expect &&
	test_cmp expect first &&
	for f in b1/*; do
		size=$(zstd -q -dc "$f" | wc -c) &&
		test $size -le 4096 &&
		test $size -gt 0 || return 1
	done &&
	for f in b1/*; do zstd -q -dc "$f" || return 1; done >joined &&
	test_cmp_bin in.jsonl joined
'

test_expect_success '--split-bytes shard names are numbered without gaps' '
	count=$(ls b1 | wc -l) &&
	for i in $(seq 0 $((count - 1))); do printf "p-%05d.jsonl.zst\n" $i || return 1; done >expect &&
	ls -A b1 >list &&
	test_cmp expect list
'

test_expect_success '--split-bytes: shards are filled (each shard plus the next record is over SIZE)' '
	mkdir b2 &&
	ayak-cat --split-bytes 4K --compress none -o b2/p in.jsonl &&
	set -- b2/* &&
	while test $# -gt 1; do
		next=$(head -n 1 "$2" | wc -c) &&
		test $(( $(wc -c <"$1") + next )) -gt 4096 || return 1
		shift
	done
'

test_expect_success '--split-bytes: a record bigger than SIZE gets a shard of its own' '
	mkdir b3 &&
	head -n 2 in.jsonl >big-rec &&
	{ printf "{\"text\":\"" && head -c 10000 /dev/zero | tr "\0" x && printf "\"}\n"; } >>big-rec &&
	sed -n 3,4p in.jsonl >>big-rec &&
	ayak-cat --split-bytes 2K --compress none -o b3/p big-rec &&
	cat b3/* >joined &&
	test_cmp_bin big-rec joined &&
	for f in b3/*; do
		if test $(wc -c <"$f") -gt 2048; then
			test_line_count = 1 "$f" || return 1
		fi
	done
'

test_expect_success '--split-bytes with M suffix' '
	mkdir b4 &&
	ayak-cat --split-bytes 1M --compress none -o b4/p in.jsonl &&
	ls -A b4 >list &&
	echo p-00000.jsonl >expect &&
	test_cmp expect list &&
	test_cmp_bin in.jsonl b4/p-00000.jsonl
'

test_expect_success '--split-bytes sizes as ayak-cat(1) gives them: 0.03125kB is 32 bytes, 1.5M' '
	printf "{\"text\":\"%s\"}\n" 1 2 3 >three.jsonl &&
	mkdir b5 &&
	ayak-cat --split-bytes 0.03125kB --compress none -o b5/p three.jsonl &&
	ls -A b5 >list &&
	test_write_lines p-00000.jsonl p-00001.jsonl >expect &&
	test_cmp expect list &&
	mkdir b6 &&
	ayak-cat --split-bytes 1.5M --compress none -o b6/p three.jsonl &&
	test_cmp three.jsonl b6/p-00000.jsonl &&
	test_expect_code 2 ayak-cat --split-bytes 1.5 -o b6/q three.jsonl 2>err &&
	echo "ayak-cat: --split-bytes wants a size like 256M, not '"'"'1.5'"'"'" >expect &&
	head -n 1 err >got &&
	test_cmp expect got
'

test_expect_success '--split and --split-bytes together: a shard ends at whichever limit comes first' '
	mkdir sb &&
	printf "{\"text\":\"%s\"}\n" 1 2 3 abcdefghijklmnopqrstuvwxyz0 5 >sb.jsonl &&
	ayak-cat --split 3 --split-bytes 45 --compress none -o sb/p sb.jsonl &&
	ls sb >list &&
	test_write_lines p-00000.jsonl p-00001.jsonl p-00002.jsonl >expect &&
	test_cmp expect list &&
	head -n 3 sb.jsonl >expect &&
	test_cmp expect sb/p-00000.jsonl &&
	sed -n 4p sb.jsonl >expect &&
	test_cmp expect sb/p-00001.jsonl &&
	sed -n 5p sb.jsonl >expect &&
	test_cmp expect sb/p-00002.jsonl
'

test_expect_success '--split leaves no temporary files' '
	for d in s1 s2 s3 s4 s5 s6 b1 b2 b3 b4; do
		ls -A $d || return 1
	done >all &&
	! grep -v "^p\(art\)\{0,1\}-[0-9]\{5\}\.jsonl\(\.zst\|\.gz\)\{0,1\}$" all
'

test_expect_success 'two --split runs give identical shards' '
	mkdir r1 r2 &&
	ayak-cat --split 40 -o r1/p in.jsonl &&
	ayak-cat --split 40 -o r2/p in.jsonl &&
	for f in r1/*; do
		test_cmp_bin "$f" "r2/${f#r1/}" || return 1
	done
'

test_expect_success '--split with --validate: a bad record fails; finished shards stay, the unfinished one never appears' '
	mkdir v1 &&
	{ head -n 30 in.jsonl && echo "{bad" && head -n 30 in.jsonl; } >bad.jsonl &&
	test_expect_code 1 ayak-cat --validate --split 20 --compress none -o v1/p bad.jsonl 2>err &&
	echo "ayak-cat: bad.jsonl:31: malformed record: expected string key at column 2" >expect &&
	test_cmp expect err &&
	ls -A v1 >list &&
	! grep -v "^p-00000\.jsonl$" list &&
	if test -e v1/p-00000.jsonl; then
		head -n 20 in.jsonl >expect && test_cmp expect v1/p-00000.jsonl
	fi
'

test_expect_success '--split with --head' '
	mkdir h1 &&
	ayak-cat --head 25 --split 10 --compress none -o h1/p in.jsonl &&
	ls -A h1 >list &&
	printf "p-00000.jsonl\np-00001.jsonl\np-00002.jsonl\n" >expect &&
	test_cmp expect list &&
	cat h1/* >joined &&
	head -n 25 in.jsonl >expect &&
	test_cmp expect joined
'

test_expect_success '--split into a missing directory: exit 3' '
	test_expect_code 3 ayak-cat --split 10 -o nodir/p in.jsonl 2>err &&
	test -s err
'

test_expect_success ZSTD 'a smaller run removes the shards an earlier, larger run left under the prefix' '
	mkdir k1 &&
	seq 1 30 | sed "s/.*/{\"text\":\"&\"}/" >n30.jsonl &&
	ayak-cat --split 10 -o k1/ms n30.jsonl &&
	head -n 10 n30.jsonl | ayak-cat --split 10 -o k1/ms &&
	ls -A k1 >list &&
	echo ms-00000.jsonl.zst >expect &&
	test_cmp expect list &&
	ayak-cat --count k1/ms-*.jsonl.zst >out &&
	echo "{\"records\":10,\"bytes\":131}" >expect &&
	test_cmp expect out
'

test_expect_success 'stale shards: removal stops at the first missing number; other suffixes and names stay' '
	mkdir k2 &&
	for f in p-00000.jsonl p-00001.jsonl p-00002.jsonl p-00004.jsonl p-00001.jsonl.gz \
		 p-00001.jsonl.zst q-00001.jsonl; do
		echo "{\"text\":\"old\"}" >k2/$f || return 1
	done &&
	head -n 3 in.jsonl | ayak-cat --split 3 --compress none -o k2/p &&
	ls -A k2 >list &&
	test_write_lines p-00000.jsonl p-00001.jsonl.gz p-00001.jsonl.zst p-00004.jsonl \
		q-00001.jsonl >expect &&
	test_cmp expect list &&
	head -n 3 in.jsonl >expect &&
	test_cmp expect k2/p-00000.jsonl
'

test_expect_success 'stale shards: an empty input leaves no shard of the prefix' '
	mkdir k3 &&
	echo "{\"text\":\"old\"}" >k3/p-00000.jsonl &&
	echo "{\"text\":\"old\"}" >k3/p-00001.jsonl &&
	ayak-cat --split 3 --compress none -o k3/p </dev/null &&
	ls -A k3 >list &&
	test_must_be_empty list
'

test_expect_success 'stale shards stay when the run fails' '
	mkdir k4 &&
	for i in 0 1 2; do echo "{\"text\":\"old\"}" >k4/p-0000$i.jsonl || return 1; done &&
	printf "{\"text\":\"a\"}\n{bad\n" >bad2.jsonl &&
	test_expect_code 1 ayak-cat --validate --split 1 --compress none -o k4/p bad2.jsonl 2>err &&
	ls -A k4 >list &&
	test_write_lines p-00000.jsonl p-00001.jsonl p-00002.jsonl >expect &&
	test_cmp expect list &&
	grep -c old k4/p-00001.jsonl k4/p-00002.jsonl >counts &&
	test_write_lines k4/p-00001.jsonl:1 k4/p-00002.jsonl:1 >expect &&
	test_cmp expect counts
'

test_expect_success 'a stale shard that cannot be removed: exit 3, named' '
	mkdir -p k5/p-00001.jsonl/x &&
	head -n 1 in.jsonl | test_expect_code 3 ayak-cat --split 1 --compress none -o k5/p 2>err &&
	grep -E "^ayak-cat: k5/p-00001\.jsonl: (Is a directory|Operation not permitted)$" err &&
	test_line_count = 1 err
'

test_expect_success '--stats or --rejects named as a shard is a usage error, before any shard' '
	mkdir k6 &&
	printf "{\"text\":\"%s\"}\n" 1 2 3 4 5 6 >six.jsonl &&
	test_expect_code 2 ayak-cat --split 3 --compress none -o k6/p \
		--stats k6/p-00001.jsonl six.jsonl >out 2>err &&
	cat >expect <<-\EOF &&
	ayak-cat: the shards of --split and --stats name the same file
	Try '"'"'ayak-cat --help'"'"'.
	EOF
	test_cmp expect err &&
	(cd k6 && test_expect_code 2 ayak-cat --validate --on-error skip --split 3 -o p \
		--rejects ../k6/p-00042.jsonl.zst ../six.jsonl 2>../err) &&
	echo "ayak-cat: the shards of --split and --rejects name the same file" >expect &&
	head -n 1 err >got &&
	test_cmp expect got &&
	ls -A k6 >list &&
	test_must_be_empty list &&
	ayak-cat --split 3 --compress none -o k6/p --stats k6/p-00001.jsonl.zst \
		--validate --on-error skip --rejects k6/p-0001.jsonl six.jsonl &&
	ls -A k6 >list &&
	test_write_lines p-00000.jsonl p-00001.jsonl p-00001.jsonl.zst p-0001.jsonl >expect &&
	test_cmp expect list &&
	ayak-cat k6/p-00001.jsonl >got &&
	tail -n 3 six.jsonl >expect &&
	test_cmp expect got
'

test_expect_success '--stats or --rejects through a symbolic link to a shard is a usage error, the shard kept' '
	mkdir k7 &&
	ayak-cat --split 3 --compress none -o k7/p six.jsonl &&
	cp k7/p-00001.jsonl shard1 &&
	ln -s k7/p-00001.jsonl l1.json &&
	test_expect_code 2 ayak-cat --split 3 --compress none -o k7/p --stats l1.json \
		six.jsonl 2>err &&
	cat >expect <<-\EOF &&
	ayak-cat: the shards of --split and --stats name the same file
	Try '"'"'ayak-cat --help'"'"'.
	EOF
	test_cmp expect err &&
	test_cmp shard1 k7/p-00001.jsonl &&
	ln -s l1.json l2.json &&
	test_expect_code 2 ayak-cat --split 3 --compress none -o k7/p --validate --on-error skip \
		--rejects l2.json six.jsonl 2>err &&
	echo "ayak-cat: the shards of --split and --rejects name the same file" >expect &&
	head -n 1 err >got &&
	test_cmp expect got &&
	test_cmp shard1 k7/p-00001.jsonl &&
	: "a link named like one shard that points at another: both are claimed" &&
	mkdir other &&
	ln -s ../k7/p-00001.jsonl other/p-00000.jsonl &&
	test_expect_code 2 ayak-cat --split 3 --compress none -o k7/p --stats other/p-00000.jsonl \
		six.jsonl 2>err &&
	echo "ayak-cat: the shards of --split and --stats name the same file" >expect &&
	head -n 1 err >got &&
	test_cmp expect got &&
	test_cmp shard1 k7/p-00001.jsonl
'

test_expect_success '... a dangling link to a shard this run would write, or to a stale one' '
	mkdir k8 &&
	ln -s ../k8/p-00001.jsonl k7/dl.json &&
	test_expect_code 2 ayak-cat --split 3 --compress none -o k8/p --stats k7/dl.json \
		six.jsonl 2>err &&
	echo "ayak-cat: the shards of --split and --stats name the same file" >expect &&
	head -n 1 err >got &&
	test_cmp expect got &&
	ls -A k8 >list &&
	test_must_be_empty list &&
	ayak-cat --split 1 --compress none -o k8/p six.jsonl &&
	ln -s k8/p-00004.jsonl stale.json &&
	test_expect_code 2 ayak-cat --split 3 --compress none -o k8/p --stats stale.json \
		six.jsonl 2>err &&
	head -n 1 err >got &&
	test_cmp expect got &&
	test_cmp k8/p-00004.jsonl - <<-\EOF &&
	{"text":"5"}
	EOF
	test_path_is_missing k8/p-00006.jsonl
'

test_done
