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

# ended_by SIG: PID ended with the status of a process killed by SIG
ended_by () {
	local rc
	exec 3>&-
	wait "$PID"
	rc=$?
	test "$rc" = $((128 + $(kill -l "$1"))) || { echo "exit status $rc, not killed by $1"; return 1; }
}

test_expect_success 'SIGTERM: ayak-cat -o FILE.zst and --rejects leave no temporary file' '
	start_on_fifo cat ayak-cat -o out.jsonl.zst --on-error skip --rejects rej.jsonl - &&
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
	wait_for ".lid.jsonl.*" &&
	kill -INT $PID &&
	ended_by INT &&
	ls -A | grep "^\.lid" >left
	test_must_be_empty left &&
	test_path_is_missing lid.jsonl
'

test_expect_success 'SIGTERM: an ayak-dedup stage task leaves no temporary stage file' '
	start_on_fifo sign ayak-dedup --stage sign --dir w --shard 0 --mode exact,near,lines,url --verify - &&
	wait_for "w/sign/00000.exact.tmp.*" &&
	kill -TERM $PID &&
	ended_by TERM &&
	find w -name "*.tmp.*" >left &&
	test_must_be_empty left &&
	test_path_is_missing w/sign/00000.meta
'

test_expect_success 'a SIGHUP ignored at the start (nohup) stays ignored' '
	start_on_fifo hup sh -c "trap \"\" HUP && exec ayak-cat -o hup.jsonl -" &&
	wait_for ".hup.jsonl.*" &&
	kill -HUP $PID &&
	sleep 0.2 &&
	exec 3>&- &&
	wait $PID &&
	test_cmp "$TEST_DATA/sample.jsonl" hup.jsonl
'

test_done
