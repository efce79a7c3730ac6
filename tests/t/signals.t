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
	start_on_fifo cat env AYAK_NO_TMPFILE=1 ayak-cat -o out.jsonl.zst --on-error skip --rejects rej.jsonl - &&
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
	start_on_fifo cat ayak-cat -o out.jsonl --on-error skip --rejects rej.jsonl - &&
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

test_expect_success 'a SIGHUP ignored at the start (nohup) stays ignored' '
	start_on_fifo hup sh -c "trap \"\" HUP && exec ayak-cat -o hup.jsonl -" &&
	wait_open 1 &&
	kill -HUP $PID &&
	sleep 0.2 &&
	exec 3>&- &&
	wait $PID &&
	test_cmp "$TEST_DATA/sample.jsonl" hup.jsonl
'

test_done
