#!/usr/bin/env bash
test_description='ayak-cat: a single 100 MB line, and memory bounded by the record'
. "$(dirname "$0")/../lib.sh"

# Peak memory means nothing under AddressSanitizer (make SANITIZE=1).
if ! ldd "$AYAK_TOP/bin/ayak-cat" 2>/dev/null | grep -q "lib[at]san"; then
	test_set_prereq NOT_SANITIZED
fi

# rss FILE CMD...: run CMD, then write its peak resident set size (KB) to FILE.
rss () {
	local file=$1
	shift
	/usr/bin/time -f %M -o "$file" "$@"
}

test_expect_success 'setup: one record with a 100 MB text' '
	{
		printf "{\"id\":1,\"text\":\"" &&
		head -c 100000000 /dev/zero | tr "\0" a &&
		printf "\"}\n"
	} >big1.jsonl &&
	test $(wc -c <big1.jsonl) = 100000019 &&
	head -n 100 "$TEST_DATA/sample.jsonl" >small &&
	cat small big1.jsonl small >mixed.jsonl
'

test_expect_success 'the 100 MB line passes through byte for byte' '
	ayak-cat big1.jsonl >out 2>err &&
	test_must_be_empty err &&
	test_cmp_bin big1.jsonl out
'

test_expect_success 'the 100 MB line with --validate' '
	ayak-cat --validate mixed.jsonl >out 2>err &&
	test_must_be_empty err &&
	test_cmp_bin mixed.jsonl out
'

test_expect_success 'the 100 MB line without its final newline' '
	head -c 100000018 big1.jsonl >nonl &&
	ayak-cat nonl >out &&
	test_cmp_bin big1.jsonl out
'

test_expect_success 'the 100 MB line with CRLF' '
	{ head -c 100000018 big1.jsonl && printf "\r\n"; } >crlf &&
	ayak-cat --validate crlf >out &&
	test_cmp_bin big1.jsonl out
'

test_expect_success ZSTD 'the 100 MB line through zstd and back' '
	ayak-cat -o big1.zst mixed.jsonl &&
	ayak-cat --validate big1.zst >out &&
	test_cmp_bin mixed.jsonl out &&
	zstd -q -dc big1.zst >out2 &&
	test_cmp_bin mixed.jsonl out2
'

test_expect_success GZIP 'the 100 MB line through gzip and back' '
	gzip -1 -c mixed.jsonl >big1.gz &&
	ayak-cat big1.gz >out &&
	test_cmp_bin mixed.jsonl out
'

test_expect_success '--count of the 100 MB line' '
	ayak-cat --count mixed.jsonl >out &&
	echo "{\"records\":201,\"bytes\":$(wc -c <mixed.jsonl)}" >expect &&
	test_cmp expect out
'

test_expect_success 'a 100 MB malformed line is reported with its column' '
	{ head -c 100000016 big1.jsonl && printf "\n"; } >bad-big &&
	test_expect_code 1 ayak-cat --validate bad-big >out 2>err &&
	echo "ayak-cat: bad-big:1: malformed record: unterminated string at column 16" >expect &&
	test_cmp expect err
'

test_expect_success TIME,NOT_SANITIZED 'peak memory for the 100 MB line stays under 3x the line' '
	rss rss1 ayak-cat big1.jsonl >out &&
	rss rss2 ayak-cat --validate big1.jsonl >out &&
	rss rss3 ayak-cat -z big1.jsonl >out &&
	for f in rss1 rss2 rss3; do
		kb=$(tail -n 1 $f) &&
		echo "$f: $kb KB" &&
		test "$kb" -lt 300000 || return 1
	done
'

test_expect_success TIME,NOT_SANITIZED 'memory is bounded by the record, not the input: 50 MB of small records' '
	for i in $(seq 1500); do cat "$TEST_DATA/sample.jsonl"; done >many.jsonl &&
	test $(wc -c <many.jsonl) -gt 40000000 &&
	rss rss4 ayak-cat many.jsonl >out &&
	rss rss5 ayak-cat --validate --stats st.json many.jsonl >out &&
	rss rss6 ayak-cat -o many.zst many.jsonl &&
	for f in rss4 rss5; do
		kb=$(tail -n 1 $f) &&
		echo "$f: $kb KB" &&
		test "$kb" -lt 32000 || return 1
	done &&
	kb=$(tail -n 1 rss6) &&
	echo "rss6: $kb KB" &&
	test "$kb" -lt 100000
'

# 100000 shard files take a minute on a disk, seconds in memory.
shm=
if test -d /dev/shm && test -w /dev/shm; then
	shm=$(mktemp -d /dev/shm/ayak-cat-big.XXXXXX) && test_set_prereq SHM
fi

test_expect_success SHM 'shard numbers stop at 99999: the 100001st shard is exit 3, the rest stay' '
	seq 1 100001 | sed "s/.*/{}/" >many-small.jsonl &&
	ln -s "$shm" shm &&
	test_expect_code 3 ayak-cat --split 1 --compress none -o shm/s many-small.jsonl 2>err &&
	echo "ayak-cat: shm/s: more than 100000 shards: use a larger --split or --split-bytes" >expect &&
	test_cmp expect err &&
	ls "$shm" >list &&
	test_line_count = 100000 list &&
	tail -n 1 list >last &&
	echo s-99999.jsonl >expect &&
	test_cmp expect last
'
test -n "$shm" && rm -rf "$shm"

test_done
