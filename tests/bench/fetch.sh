#!/usr/bin/env bash
# tests/bench/fetch.sh: ayak-fetch's benchmark (called by tests/bench/run).
#
# Starts nginx (Debian's, run as the user, on 127.0.0.1 only) over a few
# large files and many small ones, and compares in one run:
#   1. large files: curl(1) one after another (the server's own speed as
#      one client sees it), ayak-fetch -j 1 and -j 4 into a directory, and
#      -j 4 to standard output in input order;
#   2. small files: the same, for the per-request cost;
#   3. --ranges: records fetched by byte range from one file, per second.
# It reports only and exits 0; without nginx or curl it says "skip:".
#
# Environment: FETCH_MB (size of each large file, default 100), FETCH_FILES
# (large files, default 4), FETCH_SMALL (small files, default 500),
# AYAK_TOP, AYAK_BUILD as for tests/bench/run.

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
FETCH_MB=${FETCH_MB:-100}
FETCH_FILES=${FETCH_FILES:-4}
FETCH_SMALL=${FETCH_SMALL:-500}
B=$AYAK_BUILD/bench/fetch
FETCH=$AYAK_TOP/bin/ayak-fetch
LOG=$B/log.txt

progress() { printf 'bench fetch: %s\n' "$*" >&2; }

echo
echo "ayak-fetch benchmark"
echo "===================="
if [ ! -x "$FETCH" ]; then
	echo "skip: bin/ayak-fetch not built (run make)"
	exit 0
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ ! -x "$NGINX" ] || ! have curl; then
	echo "skip: needs nginx and curl (apt-get install nginx-light curl)"
	exit 0
fi
rm -rf "$B/srv" "$B/dl" && mkdir -p "$B/srv/www/big" "$B/srv/www/small" "$B/srv/tmp" || exit 0
: >"$LOG"

progress "making files"
for i in $(seq "$FETCH_FILES"); do
	head -c $((FETCH_MB * 1000000)) /dev/zero >"$B/srv/www/big/f$i.bin"
done
for i in $(seq "$FETCH_SMALL"); do
	printf 'kecil %05d\n' "$i" >"$B/srv/www/small/s$i.txt"
done

# A free port, then nginx on it.
PORT=''
for _ in $(seq 20); do
	p=$((20000 + RANDOM % 30000))
	if ! (echo >/dev/tcp/127.0.0.1/$p) 2>/dev/null; then PORT=$p; break; fi
done
cat >"$B/srv/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $B/srv/nginx.pid;
error_log $B/srv/error.log;
events { worker_connections 256; }
http {
	access_log off;
	client_body_temp_path $B/srv/tmp;
	proxy_temp_path $B/srv/tmp;
	fastcgi_temp_path $B/srv/tmp;
	uwsgi_temp_path $B/srv/tmp;
	scgi_temp_path $B/srv/tmp;
	sendfile on;
	server {
		listen 127.0.0.1:$PORT;
		root $B/srv/www;
	}
}
EOF
"$NGINX" -c "$B/srv/nginx.conf" -p "$B/srv" >>"$LOG" 2>&1 &
NPID=$!
trap 'kill $NPID 2>/dev/null' EXIT
for _ in $(seq 50); do
	curl -s -o /dev/null "http://127.0.0.1:$PORT/small/s1.txt" && break
	sleep 0.1
done
if ! curl -s -o /dev/null "http://127.0.0.1:$PORT/small/s1.txt"; then
	echo "skip: nginx did not start (see $LOG and $B/srv/error.log)"
	exit 0
fi
U=http://127.0.0.1:$PORT
echo "nginx $("$NGINX" -v 2>&1 | sed 's/.*\///'), curl $(curl --version | head -n 1 | cut -d' ' -f2), on 127.0.0.1; load $(cut -d' ' -f1-3 /proc/loadavg)"

# t CMD: wall seconds of one run of the shell CMD (after a warm-up run) in T.
t() {
	printf '\n$ %s\n' "$1" >>"$LOG"
	T=''
	bench_time 1 sh -c "$1" || return 1
	T=$(calc '%.4f' "$BT_WALL")
}

line() {	# line LABEL MB COUNT CMD
	progress "timing $1"
	if t "$4"; then
		printf '  %-40s %7.3f s %9.1f MB/s %9.0f files/s\n' "$1" "$T" "$(calc '%.1f' "$2 / $T")" \
			"$(calc '%.0f' "$3 / $T")"
	else
		printf '  %-40s error (see %s)\n' "$1" "$LOG"
	fi
}

for i in $(seq "$FETCH_FILES"); do echo "$U/big/f$i.bin"; done >"$B/big.list"
for i in $(seq "$FETCH_SMALL"); do echo "$U/small/s$i.txt"; done >"$B/small.list"
MB=$((FETCH_MB * FETCH_FILES))

section "1. $FETCH_FILES files of $FETCH_MB MB"
line "curl > /dev/null, one after another" "$MB" "$FETCH_FILES" "xargs -n 1 curl -s -o /dev/null <'$B/big.list'"
line "curl -o FILE, one after another" "$MB" "$FETCH_FILES" "rm -rf '$B/dl' && mkdir -p '$B/dl' && cd '$B/dl' && xargs -n 1 curl -s -O <'$B/big.list'"
line "ayak-fetch -j 1 > /dev/null" "$MB" "$FETCH_FILES" "'$FETCH' -j 1 '$B/big.list' >/dev/null"
line "ayak-fetch -j 1 -d DIR" "$MB" "$FETCH_FILES" "rm -rf '$B/dl' && '$FETCH' -j 1 -d '$B/dl' '$B/big.list'"
line "ayak-fetch -j 4 -d DIR" "$MB" "$FETCH_FILES" "rm -rf '$B/dl' && '$FETCH' -j 4 -d '$B/dl' '$B/big.list'"
line "ayak-fetch -j 4 > /dev/null (in order)" "$MB" "$FETCH_FILES" "'$FETCH' -j 4 '$B/big.list' >/dev/null"
rm -rf "$B/dl"

section "2. $FETCH_SMALL small files"
SMB=$(calc '%.3f' "$(cat "$B"/srv/www/small/*.txt | wc -c) / 1e6")
line "curl, one process per file" "$SMB" "$FETCH_SMALL" "xargs -n 1 curl -s -o /dev/null <'$B/small.list'"
line "curl, all URLs in one process" "$SMB" "$FETCH_SMALL" "xargs curl -s -o /dev/null <'$B/small.list'"
line "ayak-fetch -j 1 -d DIR" "$SMB" "$FETCH_SMALL" "rm -rf '$B/dl' && '$FETCH' -j 1 -d '$B/dl' '$B/small.list'"
line "ayak-fetch -j 8 -d DIR" "$SMB" "$FETCH_SMALL" "rm -rf '$B/dl' && '$FETCH' -j 8 -d '$B/dl' '$B/small.list'"
line "ayak-fetch -j 8 > /dev/null (in order)" "$SMB" "$FETCH_SMALL" "'$FETCH' -j 8 '$B/small.list' >/dev/null"
rm -rf "$B/dl"

section "3. --ranges: 2000 records of 20 KB from one file"
head -c $((2000 * 20000)) /dev/urandom | gzip -1 >/dev/null 2>&1	# warm the CPU, nothing else
# Each range must be a gzip member: write 2000 members of 20 KB each.
: >"$B/srv/www/records.warc.gz"
head -c 20000 /dev/urandom | gzip -1 >"$B/member.gz"
msize=$(stat -c %s "$B/member.gz")
for _ in $(seq 2000); do cat "$B/member.gz"; done >"$B/srv/www/records.warc.gz"
awk -v s="$msize" 'BEGIN { for (i = 0; i < 2000; i++) printf("{\"filename\":\"records.warc.gz\",\"offset\":\"%d\",\"length\":\"%d\"}\n", i * s, s) }' >"$B/ranges.cdx"
RMB=$(calc '%.2f' "2000 * $msize / 1e6")
line "ayak-fetch --ranges -j 8" "$RMB" 2000 "'$FETCH' --ranges -j 8 --base-url '$U/' '$B/ranges.cdx' >/dev/null"
line "ayak-fetch --ranges -j 1" "$RMB" 2000 "'$FETCH' --ranges -j 1 --base-url '$U/' '$B/ranges.cdx' >/dev/null"
echo "  (files/s here is records/s)"
echo "log: $LOG"
exit 0
