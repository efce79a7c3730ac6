#!/usr/bin/env bash
test_description='a signal that ends a program (SIGTERM at a Slurm time limit, SIGINT, SIGHUP) leaves no temporary file; one ignored at the start stays ignored'
. "$(dirname "$0")/../lib.sh"

# start_on_fifo NAME CMD...: run CMD in the background reading the fifo
# NAME.fifo, which stays open for writing on fd 3 (so CMD waits for more);
# write the sample into it; PID is CMD's.
start_on_fifo () {
	local name=$1
	shift
	rm -f "$name.fifo" && mkfifo "$name.fifo" &&
	{ "$@" <"$name.fifo" >"$name.out" 2>"$name.err" & PID=$!; } &&
	exec 3>"$name.fifo" &&
	cat "$TEST_DATA/sample.jsonl" >&3
}

# wait_for PATTERN: until a file whose name matches the shell PATTERN is there (10 s at most)
wait_for () {
	local i
	for i in $(seq 100); do
		compgen -G "$1" >/dev/null && return 0
		sleep 0.1
	done
	echo "no $1 after 10 s"
	return 1
}

# wait_open N [DIR]: until PID has N files open in DIR (this directory)
# beside its standard streams and the fifo (10 s at most).  An output has no name
# there until it is whole (O_TMPFILE), or a hidden temporary one where the
# file system cannot do that; either way it is open.
wait_open () {
	local i
	for i in $(seq 100); do
		test "$(open_in "${2-.}" | wc -l)" -ge "$1" && return 0
		sleep 0.1
	done
	echo "$PID has not $1 files open in ${2-.} after 10 s:"
	open_in "${2-.}"
	return 1
}

# open_in DIR: the targets of PID's descriptors from 3 up that are in DIR
open_in () {
	local fd dir
	dir=$(cd "$1" && pwd) || return 1
	for fd in /proc/$PID/fd/*; do
		test "${fd##*/}" -ge 3 || continue
		readlink "$fd"
	done | grep "^$dir/[^/]*$" | grep -v "\.fifo$"
}

# ended_by SIG: PID ended with the status of a process killed by SIG
ended_by () {
	local rc
	exec 3>&-
	wait "$PID"
	rc=$?
	test "$rc" = $((128 + $(kill -l "$1"))) || { echo "exit status $rc, not killed by $1"; return 1; }
}

# AYAK_NO_TMPFILE: outputs get hidden names, as on a file system without
# O_TMPFILE, and these are what a signal must remove.
test_expect_success 'SIGTERM: ayak-cat -o FILE.zst and --rejects leave no temporary file' '
	start_on_fifo cat env AYAK_NO_TMPFILE=1 ayak-cat -o out.jsonl.zst --validate --on-error skip \
		--rejects rej.jsonl - &&
	wait_for ".out.jsonl.zst.*" &&
	wait_for ".rej.jsonl.*" &&
	kill -TERM $PID &&
	ended_by TERM &&
	ls -A | grep -E "^\.(out|rej)" >left
	test_must_be_empty left &&
	test_path_is_missing out.jsonl.zst &&
	test_path_is_missing rej.jsonl
'

# (the shell starts a background job with SIGINT ignored: env restores it)
test_expect_success 'SIGINT: ayak-lid -o FILE' '
	start_on_fifo lid env --default-signal=INT ayak-lid -o lid.jsonl &&
	wait_open 1 &&
	kill -INT $PID &&
	ended_by INT &&
	ls -A | grep "^\.lid" >left
	test_must_be_empty left &&
	test_path_is_missing lid.jsonl
'

test_expect_success 'SIGTERM: an ayak-dedup stage task leaves no temporary stage file' '
	start_on_fifo sign env AYAK_NO_TMPFILE=1 ayak-dedup --stage sign --dir w --shard 0 --mode exact,near,lines,url --verify - &&
	wait_for "w/sign/00000.exact.tmp.*" &&
	kill -TERM $PID &&
	ended_by TERM &&
	find w -name "*.tmp.*" >left &&
	test_must_be_empty left &&
	test_path_is_missing w/sign/00000.meta
'

# Where the file system has no O_TMPFILE (see ayak_tmp_anon) outputs get a
# hidden name instead, and that SIGKILL leaves behind.
python3 -c 'import os; os.open(".", os.O_TMPFILE | os.O_WRONLY, 0o600)' 2>/dev/null &&
	test_set_prereq TMPFILE

test_expect_success TMPFILE 'SIGKILL (the OOM killer; Slurm past KillWait): ayak-cat -o FILE and --rejects leave nothing' '
	mkdir kill && cd kill &&
	start_on_fifo cat ayak-cat -o out.jsonl --validate --on-error skip --rejects rej.jsonl - &&
	wait_open 2 &&
	kill -KILL $PID &&
	ended_by KILL &&
	rm cat.fifo cat.out cat.err &&
	ls -A >../left &&
	test_must_be_empty ../left
'

test_expect_success TMPFILE 'SIGKILL: an ayak-dedup stage task leaves nothing, and runs again' '
	start_on_fifo sign2 ayak-dedup --stage sign --dir w2 --shard 0 --mode exact,near,lines,url --verify - &&
	wait_open 4 w2/sign &&
	kill -KILL $PID &&
	ended_by KILL &&
	find w2 -type f >left &&
	test_must_be_empty left &&
	ayak-dedup --stage sign --dir w2 --shard 0 --mode exact,near,lines,url --verify "$TEST_DATA/sample.jsonl" &&
	test_path_is_file w2/sign/00000.meta
'

# start_pack DIR ARGS...: ayak-pack -o DIR/ms --shard-tokens 2 ARGS on a fifo
# fed three documents of two tokens: two shards finished in its hidden
# directory, the third open until the input ends.
start_pack () {
	local dir=$1
	shift
	mkdir -p "$dir" &&
	rm -f "$dir.fifo" && mkfifo "$dir.fifo" &&
	{ ayak-pack -o "$dir/ms" --shard-tokens 2 "$@" <"$dir.fifo" >"$dir.out" 2>"$dir.err" & PID=$!; } &&
	exec 3>"$dir.fifo" &&
	printf "{\"ids\":[1,2]}\n{\"ids\":[3,4]}\n{\"ids\":[5,6]}\n" >&3 &&
	wait_for "$dir/.ayak-pack.*/ms-00001.idx"
}

test_expect_success 'SIGTERM: ayak-pack leaves neither the shards it finished nor its hidden directory' '
	printf "{\"ids\":[7]}\n" >one.jsonl &&
	ayak-pack -o p/ms --shard-tokens 2 one.jsonl &&
	(cd p && ls -A && cksum ms-*) >before &&
	start_pack p &&
	kill -TERM $PID &&
	ended_by TERM &&
	(cd p && ls -A && cksum ms-*) >after &&
	test_cmp before after &&
	: "the same where the open shard has a hidden name" &&
	AYAK_NO_TMPFILE=1 start_pack p &&
	wait_for "p/.ayak-pack.*/.ms-00002.bin.*" &&
	kill -TERM $PID &&
	ended_by TERM &&
	(cd p && ls -A && cksum ms-*) >after &&
	test_cmp before after
'

test_expect_success 'SIGKILL: the next ayak-pack in the directory removes what the killed one left, and says so' '
	start_pack q &&
	kill -KILL $PID &&
	ended_by KILL &&
	printf "host %s\npid %s\n" "$(hostname)" $PID >expect &&
	test_cmp expect q/.ayak-pack.*/.owner &&
	(cd q/.ayak-pack.* && ls) >left &&
	printf "%s\n" ms-00000.bin ms-00000.idx ms-00001.bin ms-00001.idx >expect &&
	test_cmp expect left &&
	stage=$(echo q/.ayak-pack.*) &&
	bytes=$(cat $stage/ms-* | wc -c) &&
	printf "{\"ids\":[7]}\n" | ayak-pack -o q/other 2>err &&
	echo "ayak-pack: removed $stage, the hidden directory of a run that was killed (pid $PID): 4 shard files, $bytes bytes" >expect &&
	test_cmp expect err &&
	ls -A q >got &&
	printf "%s\n" other.bin other.idx >expect &&
	test_cmp expect got
'

test_expect_success '... not one a live run holds, one of another host, one with no owner file or a fifo for it' '
	start_pack r &&
	live=$(echo r/.ayak-pack.*) &&
	mkdir r/.ayak-pack.AAAAAA r/.ayak-pack.BBBBBB &&
	printf "host %s.elsewhere\npid 1\n" "$(hostname)" >r/.ayak-pack.AAAAAA/.owner &&
	: >r/.ayak-pack.AAAAAA/ms.bin &&
	: >r/.ayak-pack.BBBBBB/ms.bin &&
	mkdir r/.ayak-pack.EEEEEE && mkfifo r/.ayak-pack.EEEEEE/.owner &&
	(cd r && find . | sort) >before &&
	printf "{\"ids\":[7]}\n" | timeout 60 ayak-pack -o r/other 2>err &&
	test_must_be_empty err &&
	(cd r && find . | sort) >after &&
	printf "%s\n" ./other.bin ./other.idx >>before &&
	sort before | test_cmp - after &&
	exec 3>&- &&
	wait $PID &&
	test_path_is_missing $live &&
	ayak-pack --verify r/ms-00002.idx >/dev/null
'

test_expect_success '... and one left in the working directory, named as it is there, but not on a usage error' '
	mkdir s && cd s &&
	mkdir .ayak-pack.CCCCCC &&
	printf "host %s\npid 4242\n" "$(hostname)" >.ayak-pack.CCCCCC/.owner &&
	printf 12345 >.ayak-pack.CCCCCC/ms.bin &&
	: "a usage error changes nothing" &&
	printf "{\"ids\":[7]}\n" | test_expect_code 2 ayak-pack -o ms --stats ms.idx 2>err &&
	test_path_is_file .ayak-pack.CCCCCC/ms.bin &&
	printf "{\"ids\":[7]}\n" | ayak-pack -o ms 2>err &&
	echo "ayak-pack: removed .ayak-pack.CCCCCC, the hidden directory of a run that was killed (pid 4242): 1 shard file, 5 bytes" >expect &&
	test_cmp expect err &&
	test_path_is_missing .ayak-pack.CCCCCC &&
	: "and -q says nothing" &&
	mkdir .ayak-pack.DDDDDD &&
	printf "host %s\npid 4243\n" "$(hostname)" >.ayak-pack.DDDDDD/.owner &&
	printf "{\"ids\":[7]}\n" | ayak-pack -q -o ms 2>err &&
	test_must_be_empty err &&
	test_path_is_missing .ayak-pack.DDDDDD
'

test_expect_success 'a SIGHUP ignored at the start (nohup) stays ignored' '
	start_on_fifo hup sh -c "trap \"\" HUP && exec ayak-cat -o hup.jsonl -" &&
	wait_open 1 &&
	kill -HUP $PID &&
	sleep 0.2 &&
	exec 3>&- &&
	wait $PID &&
	test_cmp "$TEST_DATA/sample.jsonl" hup.jsonl
'

# strace kills the program at its first rename(): an output that has no file yet is
# linked under its own name at once, so a SIGKILL while outputs are committed cannot leave
# a temporary name beside it (it left .out.jsonl.XXXXXX)
command -v strace >/dev/null && strace -f -q -o /dev/null true 2>/dev/null && test_set_prereq STRACE
test_expect_success TMPFILE,STRACE 'a new output takes its name without a temporary one' '
	mkdir new && (
		cd new &&
		# LeakSanitizer does not work under ptrace
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -q -o /dev/null -e inject=rename:signal=KILL:when=1 \
			ayak-norm -o out.jsonl --stats s.json "$TEST_DATA/sample.jsonl" &&
		ls -A >../got
	) &&
	printf "%s\n" out.jsonl s.json >expect &&
	test_cmp expect got &&
	ayak-norm "$TEST_DATA/sample.jsonl" | cmp - new/out.jsonl
'

# The start-up check that a file made with O_TMPFILE can be named linked a
# second one under a hidden name and unlinked it: SIGKILL at that unlink left
# .out.jsonl.XXXXXX.  Killed at any link or unlink, a run leaves no hidden name.
test_expect_success TMPFILE,STRACE 'SIGKILL at any link or unlink leaves no hidden name' '
	mkdir probe && (
		cd probe &&
		for call in unlink linkat; do
			for n in 1 2 3 4; do
				ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
				strace -f -q -o /dev/null -e inject=$call:signal=KILL:when=$n \
					ayak-cat -o out.jsonl --stats s.json "$TEST_DATA/sample.jsonl"
				ls -A | grep "^\." >>../hidden
				rm -f out.jsonl s.json
			done
		done
	) &&
	test_must_be_empty hidden
'

test_done
