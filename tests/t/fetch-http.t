#!/usr/bin/env bash
test_description='ayak-fetch against a local HTTP server that misbehaves on purpose (127.0.0.1 only)'
. "$(dirname "$0")/../lib.sh"

command -v python3 >/dev/null 2>&1 || test_skip_all 'python3 is needed for the test server'

# The server's files: small ones, and some large enough to be cut in the middle.
mkdir -p root/sub &&
for n in 1 2 3 4 5 6; do
	printf 'isi fail %s\n' "$n" >root/f$n.txt
done &&
head -c 300000 /dev/urandom >root/big.bin &&
head -c 150000 /dev/urandom >root/rate.bin &&
printf 'dalam subdirektori\n' >root/sub/g.txt &&
mkdir -p root/warc && cp "$TEST_DATA/warc/pages.warc.gz" root/warc/ || exit 1

python3 "$TEST_DATA/fetch/server.py" "$PWD/root" port log >server.out 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null' EXIT
for _ in $(seq 100); do
	test -s port && break
	sleep 0.1
done
PORT=$(cat port 2>/dev/null)
test -n "$PORT" || test_skip_all 'the test server did not start'
U=http://127.0.0.1:$PORT
: >log

# requests: the log lines since the last mark
mark () { wc -l <log >log.mark; }
requests () { tail -n +$(($(cat log.mark) + 1)) log; }

test_expect_success 'one file to standard output' '
	echo "$U/files/f1.txt" | ayak-fetch >out 2>err &&
	test_cmp root/f1.txt out &&
	test_must_be_empty err
'

test_expect_success 'parallel transfers; standard output in input order' '
	for n in 1 2 3 4 5 6; do echo "$U/slow/f$n.txt"; done >list &&
	rm -f log.max &&
	ayak-fetch -j 4 list >out 2>err &&
	cat root/f1.txt root/f2.txt root/f3.txt root/f4.txt root/f5.txt root/f6.txt >expect &&
	test_cmp expect out &&
	test_must_be_empty err &&
	test "$(cat log.max)" -ge 2
'

test_expect_success '-j 1 is one at a time' '
	rm -f log.max &&
	ayak-fetch -j 1 list >out &&
	test_cmp expect out &&
	echo 1 >expect.max &&
	test_cmp expect.max log.max
'

test_expect_success '-d DIR keeps the URL paths' '
	test_write_lines "$U/files/f1.txt" "$U/files/sub/g.txt" "$U/files/big.bin" >list &&
	ayak-fetch -d dl list 2>err &&
	test_must_be_empty err &&
	test_cmp root/f1.txt dl/files/f1.txt &&
	test_cmp root/sub/g.txt dl/files/sub/g.txt &&
	test_cmp_bin root/big.bin dl/files/big.bin &&
	! ls dl/files/*.part 2>/dev/null
'

test_expect_success JQ 'a rerun skips the finished files without a request' '
	mark &&
	ayak-fetch -d dl --stats st.json list 2>err &&
	test_must_be_empty err &&
	requests >got &&
	test_must_be_empty got &&
	jq -c "[.records_in, .records_out, .counts.skipped_existing, .counts.fetched]" st.json >got &&
	echo "[3,3,3,0]" >expect &&
	test_cmp expect got
'

test_expect_success 'a cut connection is resumed with a Range request' '
	mark &&
	echo "$U/cut/big.bin" | ayak-fetch -d dl --retry-wait 0.1 2>err &&
	test_cmp_bin root/big.bin dl/cut/big.bin &&
	requests | cut -d" " -f1,2 >got &&
	test_write_lines "/cut/big.bin -" "/cut/big.bin bytes=150000-" >expect &&
	test_cmp expect got &&
	grep "^ayak-fetch: $U/cut/big.bin: .*; retry 1 of 5 in " err
'

test_expect_success 'resumed the same way on standard output' '
	mark &&
	echo "$U/cut/big.bin?again" >cutlist &&
	ayak-fetch --retry-wait 0.1 -q cutlist >out 2>err &&
	test_must_be_empty err &&
	test_cmp_bin root/big.bin out &&
	requests | cut -d" " -f2 >got &&
	test_write_lines - bytes=150000- >expect &&
	test_cmp expect got
'

test_expect_success 'a remote file cut short between the two requests, on standard output: named, its first part kept, not retried' '
	mark &&
	printf "%s\n" "$U/shrink/big.bin" "$U/files/f1.txt" >shrinklist &&
	test_expect_code 1 ayak-fetch --retry-wait 0.1 shrinklist >out 2>err &&
	sed -n 2,3p err >got &&
	cat >expect <<-EOF &&
	ayak-fetch: $U/shrink/big.bin: the remote file is now 100000 bytes, shorter than the 150000 already received; its first 150000 bytes are in the output
	ayak-fetch: 1 of 2 downloads failed
	EOF
	test_cmp expect got &&
	{ head -c 150000 root/big.bin && cat root/f1.txt; } >expect &&
	test_cmp_bin expect out &&
	requests | cut -d" " -f1,2 >got &&
	test_write_lines "/shrink/big.bin -" "/shrink/big.bin bytes=150000-" "/files/f1.txt -" >expect &&
	sort got >got.s && sort expect >expect.s && test_cmp expect.s got.s
'

test_expect_success JQ 'a partial file from an earlier run is resumed' '
	mkdir -p dl2/files &&
	head -c 100000 root/big.bin >dl2/files/big.bin.part &&
	mark &&
	echo "$U/files/big.bin" | ayak-fetch -d dl2 --stats st.json &&
	test_cmp_bin root/big.bin dl2/files/big.bin &&
	test_path_is_missing dl2/files/big.bin.part &&
	requests | cut -d" " -f2 >got &&
	echo bytes=100000- >expect &&
	test_cmp expect got &&
	jq -c .counts.resumed st.json >got && echo 1 >expect && test_cmp expect got
'

test_expect_success 'a partial file of a server without ranges starts over' '
	mkdir -p dl3/noranges &&
	head -c 100000 /dev/zero >dl3/noranges/big.bin.part &&
	echo "$U/noranges/big.bin" | ayak-fetch -d dl3 &&
	test_cmp_bin root/big.bin dl3/noranges/big.bin
'

test_expect_success '503 with Retry-After: waits as told, then fetches' '
	mark &&
	t0=$(date +%s.%N) &&
	echo "$U/busy/f2.txt" | ayak-fetch --retry-wait 0.01 >out 2>err &&
	t1=$(date +%s.%N) &&
	test_cmp root/f2.txt out &&
	awk "BEGIN { exit !($t1 - $t0 >= 0.95) }" &&
	grep "^ayak-fetch: $U/busy/f2.txt: HTTP 503; retry 1 of 5 in 1.0 s$" err &&
	requests | wc -l >got && echo 2 >expect && test_cmp expect got
'

test_expect_success '429 too' '
	echo "$U/busy429/f3.txt" | ayak-fetch -q --retry-wait 0.01 >out &&
	test_cmp root/f3.txt out
'

# A client must read an HTTP date in its two obsolete forms too (RFC 9110,
# 5.6.7): they were taken for no Retry-After, and the retry came at once.
test_expect_success 'Retry-After as an RFC 850 or asctime date' '
	cat >radate.py <<-\EOF &&
	import os, sys, time
	from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
	forms = {"/rfc850": "%A, %d-%b-%y %H:%M:%S GMT", "/asctime": "%a %b %e %H:%M:%S %Y"}
	seen = set()
	class H(BaseHTTPRequestHandler):
	    protocol_version = "HTTP/1.1"
	    def log_message(self, *a):
	        pass
	    def do_GET(self):
	        first = self.path not in seen
	        seen.add(self.path)
	        body = b"busy\n" if first else b"ok\n"
	        self.send_response(503 if first else 200)
	        if first:
	            when = time.strftime(forms[self.path], time.gmtime(time.time() + 2))
	            self.send_header("Retry-After", when)
	        self.send_header("Content-Length", str(len(body)))
	        self.end_headers()
	        self.wfile.write(body)
	s = ThreadingHTTPServer(("127.0.0.1", 0), H)
	s.daemon_threads = True
	open("raport.tmp", "w").write("%d\n" % s.server_address[1])
	os.rename("raport.tmp", "raport")
	s.serve_forever()
	EOF
	{ python3 radate.py & } &&
	RA_PID=$! &&
	for _ in $(seq 100); do test -s raport && break; sleep 0.1; done &&
	R=http://127.0.0.1:$(cat raport) &&
	test_write_lines "$R/rfc850" "$R/asctime" >ra.list &&
	ayak-fetch --retry-wait 0 --timeout 5 ra.list >out 2>err
	ret=$?
	kill $RA_PID
	test $ret = 0 &&
	printf "ok\nok\n" >expect &&
	test_cmp expect out &&
	grep "^ayak-fetch: $R/rfc850: HTTP 503; retry 1 of 5 in [12]\.[0-9] s$" err &&
	grep "^ayak-fetch: $R/asctime: HTTP 503; retry 1 of 5 in [12]\.[0-9] s$" err
'

test_expect_success 'a stalled server ends in a timeout, after the retries' '
	echo "$U/stall/big.bin" >stall &&
	t0=$(date +%s) &&
	test_expect_code 1 ayak-fetch --timeout 1 --max-retries 1 --retry-wait 0.01 \
		--failed failed.txt -d dl4 stall 2>err &&
	t1=$(date +%s) &&
	test $((t1 - t0)) -le 10 &&
	grep "^ayak-fetch: $U/stall/big.bin: no data for 1 s (--timeout) (gave up after 2 attempts)$" err &&
	tail -n 1 err >got &&
	echo "ayak-fetch: 1 of 1 downloads failed" >expect &&
	test_cmp expect got &&
	test_cmp stall failed.txt &&
	test_path_is_missing dl4/stall/big.bin
'

test_expect_success 'a 404 in the list is reported; the others are fetched; --failed can be fed back' '
	test_write_lines "$U/files/f4.txt" "$U/files/nothing.txt" "$U/files/f5.txt" >list404 &&
	test_expect_code 1 ayak-fetch -d dl5 --failed failed.txt list404 2>err &&
	test_cmp root/f4.txt dl5/files/f4.txt &&
	test_cmp root/f5.txt dl5/files/f5.txt &&
	test_path_is_missing dl5/files/nothing.txt &&
	test_path_is_missing dl5/files/nothing.txt.part &&
	cat >expect <<-EOF &&
	ayak-fetch: $U/files/nothing.txt: HTTP 404
	ayak-fetch: 1 of 3 downloads failed
	EOF
	test_cmp expect err &&
	echo "$U/files/nothing.txt" >expect &&
	test_cmp expect failed.txt &&
	cp root/f6.txt root/nothing.txt &&
	ayak-fetch -d dl5 failed.txt &&
	test_cmp root/f6.txt dl5/files/nothing.txt &&
	rm root/nothing.txt
'

test_expect_success '--failed may name the list: replaced when the run ends, by the lines still to fetch' '
	test_write_lines "$U/files/f4.txt" "$U/files/nothing.txt" "# a comment" "$U/files/f5.txt" >retry &&
	test_expect_code 1 ayak-fetch --max-retries 0 --failed retry -o got retry 2>err &&
	cat root/f4.txt root/f5.txt >expect &&
	test_cmp expect got &&
	echo "$U/files/nothing.txt" >expect &&
	test_cmp expect retry &&
	cp root/f6.txt root/nothing.txt &&
	ayak-fetch --failed retry -o got retry &&
	test_cmp root/f6.txt got &&
	test_must_be_empty retry &&
	rm root/nothing.txt
'

test_expect_success '--failed to the standard output is refused when the downloads go there' '
	echo "$U/files/f4.txt" >one &&
	for f in - /dev/stdout /dev/fd/1; do
		test_expect_code 2 ayak-fetch --failed $f one >out 2>err &&
		test_must_be_empty out &&
		echo "ayak-fetch: --failed $f: the failed lines and the downloads would both go to the standard output" >expect &&
		head -n 1 err >got &&
		test_cmp expect got || return 1
	done &&
	ayak-fetch --failed - -o got one >out &&
	test_cmp root/f4.txt got &&
	test_must_be_empty out &&
	ayak-fetch --failed - -d dl-failed one >out &&
	test_must_be_empty out
'

test_expect_success '-d: a failed download leaves no directories made for it; -d itself stays' '
	test_write_lines "$U/files/no/such/dir/x.txt" "$U/files/sub/nothing.txt" \
		"$U/files/sub/g.txt" >list404d &&
	test_expect_code 1 ayak-fetch -d dl404/ list404d 2>err &&
	(cd dl404 && find . | sort) >got &&
	test_write_lines . ./files ./files/sub ./files/sub/g.txt >expect &&
	test_cmp expect got &&
	echo "$U/files/nothing.txt" | test_expect_code 1 ayak-fetch -d dl404e 2>err &&
	(cd dl404e && find . | sort) >got &&
	echo . >expect &&
	test_cmp expect got &&
	: "the first to fail made redirect/, where the second had made redirect/9/" &&
	test_write_lines "$U/redirect/3/nothing.txt" "$U/redirect/9/nothing.txt" >list404r &&
	test_expect_code 1 ayak-fetch -j 2 --max-retries 0 -d dl404r list404r 2>err &&
	(cd dl404r && find . | sort) >got &&
	test_cmp expect got
'

test_expect_success 'a 404 on standard output leaves it out, the rest in order' '
	test_expect_code 1 ayak-fetch -q list404 >out 2>err &&
	cat root/f4.txt root/f5.txt >expect &&
	test_cmp expect out
'

test_expect_success 'Common Crawl path lists: relative paths, --base-url, a gzip list' '
	printf "files/f1.txt\n\n# a comment\nfiles/sub/g.txt\n" | gzip -c >paths.gz &&
	ayak-fetch --base-url "$U/" -d dl6 paths.gz &&
	test_cmp root/f1.txt dl6/files/f1.txt &&
	test_cmp root/sub/g.txt dl6/files/sub/g.txt
'

test_expect_success 'a relative path without --base-url is bad input, before any request' '
	echo files/f1.txt >rel &&
	mark &&
	test_expect_code 1 ayak-fetch -d dl7 rel 2>err &&
	echo "ayak-fetch: rel:1: a relative path needs --base-url" >expect &&
	test_cmp expect err &&
	requests >got &&
	test_must_be_empty got
'

test_expect_success JQ '--ranges: records from CDX lines make a valid WARC stream' '
	ayak-fetch --ranges --base-url "$U/files/" -o records.warc.gz "$TEST_DATA/fetch/pages.cdx" &&
	gzip -t records.warc.gz &&
	ayak-warc records.warc.gz >pages.jsonl &&
	jq -r .url pages.jsonl >got &&
	test_write_lines https://berita.example.my/2024/hak-asasi http://lama.example.my/ \
		https://cina.example.my/ >expect &&
	test_cmp expect got &&
	grep -F "$(sed -n 1p pages.jsonl)" "$TEST_DATA/warc/pages.expect"
'

test_expect_success '--ranges asks for exactly those bytes' '
	mark &&
	ayak-fetch --ranges --base-url "$U/files/" "$TEST_DATA/fetch/pages.cdx" >/dev/null &&
	requests | cut -d" " -f1,2 | sort >got &&
	sort >expect <<-\EOF &&
	/files/warc/pages.warc.gz bytes=216-1704
	/files/warc/pages.warc.gz bytes=2149-2683
	/files/warc/pages.warc.gz bytes=4287-4590
	EOF
	test_cmp expect got
'

test_expect_success '--ranges: a wrong offset is caught' '
	sed -n 2p "$TEST_DATA/fetch/pages.cdx" | sed "s/\"offset\": \"2149\"/\"offset\": \"2150\"/" >bad.cdx &&
	test_expect_code 1 ayak-fetch --ranges --base-url "$U/files/" bad.cdx >out 2>err &&
	grep "^ayak-fetch: $U/files/warc/pages.warc.gz: the range is not a gzip member (wrong offset or length?)$" err &&
	test_must_be_empty out
'

test_expect_success '--ranges: a bad CDX line is bad input' '
	echo "{\"filename\":\"a.warc.gz\",\"offset\":\"x\",\"length\":\"5\"}" >bad2.cdx &&
	test_expect_code 1 ayak-fetch --ranges --base-url "$U/files/" bad2.cdx 2>err &&
	echo "ayak-fetch: bad2.cdx:1: CDX line without a valid \"offset\"" >expect &&
	test_cmp expect err
'

# A length past the end of the file was asked for again (a 416 then, "HTTP
# 416"), and one of 2^63 or more was taken as unknown: the run ended with
# exit 0 and less than the length.
test_expect_success '--ranges: a range past the end of the file fails at once' '
	size=$(wc -c <root/warc/pages.warc.gz) &&
	echo "{\"filename\":\"warc/pages.warc.gz\",\"offset\":\"4287\",\"length\":\"100000\"}" >past.cdx &&
	mark &&
	test_expect_code 1 ayak-fetch --ranges --base-url "$U/files/" past.cdx >out 2>err &&
	cat >expect <<-EOF &&
	ayak-fetch: $U/files/warc/pages.warc.gz: got $((size - 4287)) of 100000 bytes: the range ends past the end of the file ($size bytes); its first $((size - 4287)) bytes are in the output
	ayak-fetch: 1 of 1 downloads failed
	EOF
	test_cmp expect err &&
	requests >got &&
	test_line_count = 1 got &&
	tail -c +4288 root/warc/pages.warc.gz >expect &&
	test_cmp_bin expect out &&
	echo "{\"filename\":\"warc/pages.warc.gz\",\"offset\":0,\"length\":\"9223372036854775808\"}" >huge.cdx &&
	test_expect_code 1 ayak-fetch --ranges --base-url "$U/files/" huge.cdx >out 2>err &&
	grep "^ayak-fetch: $U/files/warc/pages.warc.gz: got $size of 9223372036854775808 bytes: the range ends past" err
'

# The first part of a failed file, written to the output before it failed,
# was left out of bytes_out ("uncompressed bytes written", ayak(7)).  -j 1:
# the second file's turn has begun when it fails.
test_expect_success JQ '--stats: bytes_out counts the first part of a failed file' '
	{ sed -n 1p "$TEST_DATA/fetch/pages.cdx" && cat past.cdx; } >two.cdx &&
	test_expect_code 1 ayak-fetch -j 1 --ranges --base-url "$U/files/" --max-retries 0 \
		--stats past.json -o past.out two.cdx 2>err &&
	n=$(wc -c <past.out) &&
	test "$n" -eq $((1489 + $(wc -c <root/warc/pages.warc.gz) - 4287)) &&
	jq -c "[.bytes_in, .bytes_out, .records_out, .dropped.failed]" past.json >got &&
	echo "[$n,$n,1,1]" >expect &&
	test_cmp expect got
'

# A resume answered with 416 (Range Not Satisfiable): the Content-Range's
# size says whether the .part was complete (only its rename was missing)
# or longer than the remote file, which is not ours to cut or throw away.
test_expect_success JQ 'a .part as long as the file: 416, complete, renamed without a refetch' '
	mkdir -p dl16/files &&
	cp root/big.bin dl16/files/big.bin.part &&
	mark &&
	echo "$U/files/big.bin" | ayak-fetch -d dl16 --stats st.json 2>err &&
	test_must_be_empty err &&
	test_cmp_bin root/big.bin dl16/files/big.bin &&
	test_path_is_missing dl16/files/big.bin.part &&
	requests | cut -d" " -f1,2 >got &&
	echo "/files/big.bin bytes=300000-" >expect &&
	test_cmp expect got &&
	jq -c "[.counts.fetched, .counts.resumed, .counts.retries]" st.json >got &&
	echo "[1,1,0]" >expect &&
	test_cmp expect got
'

test_expect_success 'a .part longer than the file: 416, an error with both sizes, not retried' '
	mkdir -p dl17/files &&
	{ cat root/big.bin && printf 0123456789; } >dl17/files/big.bin.part &&
	cp dl17/files/big.bin.part part.orig &&
	mark &&
	echo "$U/files/big.bin" | test_expect_code 1 ayak-fetch -d dl17 --failed failed17.txt 2>err &&
	cat >expect <<-EOF &&
	ayak-fetch: $U/files/big.bin: dl17/files/big.bin.part is longer (300010 bytes) than the remote file (300000 bytes)
	ayak-fetch: 1 of 1 downloads failed
	EOF
	test_cmp expect err &&
	test_cmp_bin part.orig dl17/files/big.bin.part &&
	test_path_is_missing dl17/files/big.bin &&
	echo "$U/files/big.bin" >expect &&
	test_cmp expect failed17.txt &&
	requests >got &&
	test_line_count = 1 got
'

# A record range that starts past the end of the file got a bare "HTTP 416".
test_expect_success '--ranges: an offset past the end: 416 named, not retried' '
	size=$(wc -c <root/warc/pages.warc.gz) &&
	echo "{\"filename\":\"warc/pages.warc.gz\",\"offset\":$((size + 100)),\"length\":50}" >off.cdx &&
	mark &&
	test_expect_code 1 ayak-fetch --ranges --base-url "$U/files/" off.cdx >out 2>err &&
	cat >expect <<-EOF &&
	ayak-fetch: $U/files/warc/pages.warc.gz: range not satisfiable: asked for bytes $((size + 100))-$((size + 149)) of a file of $size bytes (wrong offset or length?)
	ayak-fetch: 1 of 1 downloads failed
	EOF
	test_cmp expect err &&
	test_must_be_empty out &&
	requests >got &&
	test_line_count = 1 got &&
	mark &&
	test_expect_code 1 ayak-fetch --ranges --base-url "$U/nosize416/" off.cdx >out 2>err &&
	cat >expect <<-EOF &&
	ayak-fetch: $U/nosize416/warc/pages.warc.gz: range not satisfiable: asked for bytes $((size + 100))-$((size + 149)); the server gave no size
	ayak-fetch: 1 of 1 downloads failed
	EOF
	test_cmp expect err &&
	requests >got &&
	test_line_count = 1 got
'

# A 206 to a request without a Range header was retried as if it might
# pass, and then given up with "server sent the wrong range".  RFC 9110:
# one that covers the whole file is the file; any other is the server's
# error, the same every time.
test_expect_success 'an unasked 206 with the whole file is the file' '
	mark &&
	echo "$U/whole206/big.bin" | ayak-fetch >out 2>err &&
	test_must_be_empty err &&
	test_cmp_bin root/big.bin out &&
	echo "$U/whole206/f1.txt" | ayak-fetch -d dl18 2>err &&
	test_must_be_empty err &&
	test_cmp root/f1.txt dl18/whole206/f1.txt &&
	requests | cut -d" " -f1,2 >got &&
	test_write_lines "/whole206/big.bin -" "/whole206/f1.txt -" >expect &&
	test_cmp expect got
'

test_expect_success 'an unasked 206 with part of the file fails once, nothing kept' '
	mark &&
	test_write_lines "$U/half206/big.bin" "$U/nocr206/f2.txt" "$U/files/f1.txt" >list206 &&
	test_expect_code 1 ayak-fetch -j 1 -d dl19 list206 2>err &&
	cat >expect <<-EOF &&
	ayak-fetch: $U/half206/big.bin: HTTP 206 (bytes 0-149999/300000) to a request without a Range header: the server sent part of the file unasked
	ayak-fetch: $U/nocr206/f2.txt: HTTP 206 (no Content-Range) to a request without a Range header: the server sent part of the file unasked
	ayak-fetch: 2 of 3 downloads failed
	EOF
	test_cmp expect err &&
	test_path_is_missing dl19/half206 &&
	test_path_is_missing dl19/nocr206 &&
	test_cmp root/f1.txt dl19/files/f1.txt &&
	requests | cut -d" " -f1,2 >got &&
	test_write_lines "/half206/big.bin -" "/nocr206/f2.txt -" "/files/f1.txt -" >expect &&
	test_cmp expect got &&
	test_expect_code 1 ayak-fetch -q list206 >out 2>err &&
	test_cmp root/f1.txt out
'

test_expect_success 'redirects are followed, up to --max-redirects' '
	echo "$U/redirect/2/f1.txt" | ayak-fetch >out &&
	test_cmp root/f1.txt out &&
	echo "$U/redirect/9/f1.txt" | test_expect_code 1 ayak-fetch --max-redirects 3 >out 2>err &&
	grep "^ayak-fetch: $U/redirect/9/f1.txt: Maximum (3) redirects followed$" err
'

test_expect_success '--max-size' '
	echo "$U/files/big.bin" | test_expect_code 1 ayak-fetch --max-size 100K -d dl8 2>err &&
	grep "^ayak-fetch: $U/files/big.bin: larger than --max-size$" err &&
	test_path_is_missing dl8/files/big.bin
'

test_expect_success '--max-size: a file whose Content-Length is too large is given up before a byte is written' '
	test_write_lines "$U/files/big.bin" "$U/files/f1.txt" >listbig &&
	test_expect_code 1 ayak-fetch --max-size 100K listbig >out 2>err &&
	test_cmp root/f1.txt out &&
	cat >expect <<-EOF &&
	ayak-fetch: $U/files/big.bin: larger than --max-size
	ayak-fetch: 1 of 2 downloads failed
	EOF
	test_cmp expect err &&
	test_expect_code 1 ayak-fetch --max-size 100K -d dl8b listbig 2>err &&
	(cd dl8b && find . | sort) >got &&
	test_write_lines . ./files ./files/f1.txt >expect &&
	test_cmp expect got &&
	echo "$U/files/big.bin" | ayak-fetch --max-size 300000 >out &&
	test_cmp_bin root/big.bin out
'

test_expect_success '--user-agent, and the default one' '
	mark &&
	echo "$U/files/f1.txt" | ayak-fetch --user-agent "ayak-test/1" >/dev/null &&
	echo "$U/files/f1.txt" | ayak-fetch >/dev/null &&
	requests | cut -d" " -f3 >got &&
	test_write_lines ayak-test/1 ayak-fetch/0.1.0 >expect &&
	test_cmp expect got
'

test_expect_success '--rate limits the speed' '
	t0=$(date +%s.%N) &&
	echo "$U/files/rate.bin" | ayak-fetch -j 1 --rate 100K >out &&
	t1=$(date +%s.%N) &&
	test_cmp_bin root/rate.bin out &&
	awk "BEGIN { exit !($t1 - $t0 >= 0.9) }"
'

# Held back by --rate, it used to poll libcurl in a loop: a whole core for the wait.
test_expect_success '--rate waits without using the CPU' '
	TIMEFORMAT="%R %U %S" &&
	{ time ayak-fetch -j 1 --rate 100K <<<"$U/files/rate.bin" >out; } 2>timing &&
	test_cmp_bin root/rate.bin out &&
	awk "{ exit !(\$1 >= 0.9 && \$2 + \$3 < 0.1 * \$1) }" timing &&
	# the same while another transfer waits for a server that sends nothing
	printf "%s\n" "$U/files/rate.bin" "$U/stall/f2.txt" >list &&
	{ time test_expect_code 1 ayak-fetch -j 2 --rate 100K --timeout 1 --max-retries 0 \
		<list >out 2>err; } 2>timing &&
	test_cmp_bin root/rate.bin out &&
	grep -q "stall/f2.txt: no data for 1 s" err &&
	awk "{ exit !(\$1 >= 0.9 && \$2 + \$3 < 0.1 * \$1) }" timing
'

test_expect_success 'only http and https' '
	echo "file:///etc/passwd" | test_expect_code 1 ayak-fetch 2>err &&
	echo "ayak-fetch: (stdin):1: not an http or https URL" >expect &&
	test_cmp expect err
'

test_expect_success 'usage errors' '
	test_expect_code 2 ayak-fetch -j 0 </dev/null 2>err &&
	grep "^ayak-fetch: -j wants a whole number from 1 to 1000, not '\''0'\''$" err &&
	test_expect_code 2 ayak-fetch -z </dev/null 2>err &&
	test_expect_code 2 ayak-fetch -d x -o y </dev/null 2>err &&
	test_expect_code 2 ayak-fetch --ranges -d x </dev/null 2>err &&
	test_expect_code 2 ayak-fetch --timeout 0 </dev/null 2>err
'

test_expect_success 'an empty list does nothing' '
	ayak-fetch </dev/null >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty err
'

test_expect_success TTY 'no downloads to a terminal' '
	echo "$U/files/f1.txt" >one &&
	script -qec "ayak-fetch one; echo rc=\$?" /dev/null >out 2>&1 &&
	tr -d "\r" <out >got &&
	printf "%s\n" "ayak-fetch: refusing to write downloads to a terminal" \
		"Try '\''ayak-fetch --help'\''." rc=2 >expect &&
	test_cmp expect got
'

test_expect_success TTY '--progress draws a line on a terminal' '
	echo "$U/files/f1.txt" >one &&
	script -qec "ayak-fetch --progress -d dlp one" /dev/null >out 2>&1 &&
	grep "ayak-fetch: 1/1 files" out &&
	test_cmp root/f1.txt dlp/files/f1.txt
'

# -d gives each local name to one download (the first in input order):
# two transfers writing one .part, or a file where another needs a
# directory, ended the whole run with exit 3.
test_expect_success JQ '-d: a duplicate URL is fetched once, counted and skipped' '
	test_write_lines "$U/files/big.bin" "$U/files/big.bin" "$U/files/f1.txt" >duplist &&
	mark &&
	ayak-fetch -j 2 -d dl9 --stats st.json --failed failed9.txt duplist 2>err &&
	echo "ayak-fetch: 1 duplicate URL skipped" >expect &&
	test_cmp expect err &&
	test_cmp_bin root/big.bin dl9/files/big.bin &&
	test_cmp root/f1.txt dl9/files/f1.txt &&
	test_must_be_empty failed9.txt &&
	requests | cut -d" " -f1 | sort >got &&
	test_write_lines /files/big.bin /files/f1.txt >expect &&
	test_cmp expect got &&
	jq -c "[.records_in, .records_out, .dropped, .counts.fetched]" st.json >got &&
	echo "[3,2,{\"duplicate\":1},2]" >expect &&
	test_cmp expect got
'

test_expect_success '-d: another URL with the same local name fails, the others go on' '
	test_write_lines "$U/files/f2.txt" "$U/files/f2.txt?v=2" "$U/files/f3.txt" >samename &&
	mark &&
	test_expect_code 1 ayak-fetch -j 3 -d dl10 --failed failed10.txt samename 2>err &&
	cat >expect <<-EOF &&
	ayak-fetch: $U/files/f2.txt?v=2: local name dl10/files/f2.txt is taken by samename:1
	ayak-fetch: 1 of 3 downloads failed
	EOF
	test_cmp expect err &&
	echo "$U/files/f2.txt?v=2" >expect &&
	test_cmp expect failed10.txt &&
	test_cmp root/f2.txt dl10/files/f2.txt &&
	test_cmp root/f3.txt dl10/files/f3.txt &&
	requests | cut -d" " -f1 | sort >got &&
	test_write_lines /files/f2.txt /files/f3.txt >expect &&
	test_cmp expect got
'

test_expect_success '-d: a name that is a directory of another fails, in either order; no .part left' '
	test_write_lines "$U/files/f4.txt" "$U/files/f4.txt/inner" "$U/files/sub/g.txt" \
		"$U/files/sub" "$U/files/f5.txt" >dirclash &&
	test_expect_code 1 ayak-fetch -j 3 -d dl11 --failed failed11.txt dirclash 2>err &&
	cat >expect <<-EOF &&
	ayak-fetch: $U/files/f4.txt/inner: local name dl11/files/f4.txt/inner clashes with dl11/files/f4.txt of dirclash:1
	ayak-fetch: $U/files/sub: local name dl11/files/sub clashes with dl11/files/sub/g.txt of dirclash:3
	ayak-fetch: 2 of 5 downloads failed
	EOF
	test_cmp expect err &&
	test_write_lines "$U/files/f4.txt/inner" "$U/files/sub" >expect &&
	test_cmp expect failed11.txt &&
	(cd dl11 && find . -type f | sort) >got &&
	test_write_lines ./files/f4.txt ./files/f5.txt ./files/sub/g.txt >expect &&
	test_cmp expect got
'

test_expect_success '-d: a clash with what is on disk fails that download only' '
	mkdir -p dl11/files/f6.txt &&
	test_write_lines "$U/files/f4.txt/inner" "$U/files/f6.txt" "$U/files/f1.txt" >diskclash &&
	test_expect_code 1 ayak-fetch -j 1 -d dl11 --failed failed12.txt diskclash 2>err &&
	cat >expect <<-EOF &&
	ayak-fetch: $U/files/f4.txt/inner: dl11/files/f4.txt/inner.part: Not a directory
	ayak-fetch: $U/files/f6.txt: dl11/files/f6.txt: Is a directory
	ayak-fetch: 2 of 3 downloads failed
	EOF
	test_cmp expect err &&
	test_write_lines "$U/files/f4.txt/inner" "$U/files/f6.txt" >expect &&
	test_cmp expect failed12.txt &&
	test_cmp root/f1.txt dl11/files/f1.txt
'

test_expect_success '-d naming a file is a system error, before any request' '
	echo x >notadir &&
	mark &&
	echo "$U/files/f1.txt" | test_expect_code 3 ayak-fetch -d notadir 2>err &&
	echo "ayak-fetch: notadir: Not a directory" >expect &&
	test_cmp expect err &&
	requests >got &&
	test_must_be_empty got
'

test_expect_success 'without -d a duplicate URL is fetched each time, in order' '
	echo "$U/files/f1.txt" >twice && echo "$U/files/f1.txt" >>twice &&
	ayak-fetch twice >out 2>err &&
	cat root/f1.txt root/f1.txt >expect &&
	test_cmp expect out &&
	test_must_be_empty err
'

# Files waiting for their turn spilled with tmpfile(), always in /tmp.
test_expect_success 'files waiting for their turn spill to $TMPDIR, or --tmpdir' '
	head -c 5000000 /dev/urandom >root/spill.bin &&
	test_write_lines "$U/slow/f1.txt" "$U/files/spill.bin" >spill &&
	TMPDIR=$PWD/nope test_expect_code 3 ayak-fetch -j 2 spill >out 2>err &&
	echo "ayak-fetch: temporary file in $PWD/nope: No such file or directory" >expect &&
	test_cmp expect err &&
	mkdir -p spilldir &&
	TMPDIR=$PWD/nope ayak-fetch -j 2 --tmpdir spilldir spill >out 2>err &&
	test_must_be_empty err &&
	cat root/f1.txt root/spill.bin >expect &&
	test_cmp_bin expect out &&
	ls -A spilldir >got &&
	test_must_be_empty got &&
	test_expect_code 3 ayak-fetch -j 2 --tmpdir nope2 spill >out 2>err &&
	echo "ayak-fetch: temporary file in nope2: No such file or directory" >expect &&
	test_cmp expect err &&
	rm root/spill.bin
'

# The last block of a spilled file is written only when it is read back: a
# full --tmpdir then (here a file size limit at the last whole 4 KiB block)
# was unseen by rewind(), and the file was left out of the output, exit 0.
test_expect_success 'a spilled file whose last block cannot be written: exit 3' '
	head -c 6000000 /dev/urandom >root/spill.bin &&
	test_write_lines "$U/slow/f1.txt" "$U/files/spill.bin" >spill &&
	mkdir -p spilldir &&
	{ (trap "" XFSZ && ulimit -f 5856 && ayak-fetch -j 2 --tmpdir spilldir spill 2>err
	   echo $? >rc) | cat >out; } &&
	rm root/spill.bin &&
	echo 3 >expect &&
	test_cmp expect rc &&
	echo "ayak-fetch: temporary file in spilldir: File too large" >expect &&
	test_cmp expect err &&
	test_cmp root/f1.txt out
'

# A message over 512 bytes (a long URL or name) lost its end, the reason.
test_expect_success 'a long system error message keeps its reason' '
	head -c 5000000 /dev/zero >root/spill.bin &&
	long=$(printf "nothing/%.0s" $(seq 80)) &&
	test_expect_code 3 ayak-fetch -j 2 --tmpdir "$long" spill >out 2>err &&
	rm root/spill.bin &&
	msg="temporary file in $long: No such file or directory" &&
	echo "ayak-fetch: ${msg:0:256}...${msg: -252}" >expect &&
	test_cmp expect err
'

test_expect_success JQ 'counts.resumed: not when the server sends the whole file again' '
	mkdir -p dl13/noranges &&
	head -c 100000 root/big.bin >dl13/noranges/big.bin.part &&
	echo "$U/noranges/big.bin" | ayak-fetch -d dl13 --stats st.json &&
	test_cmp_bin root/big.bin dl13/noranges/big.bin &&
	jq -c "[.counts.resumed, .counts.fetched]" st.json >got &&
	echo "[0,1]" >expect &&
	test_cmp expect got
'

test_expect_success JQ 'records_in counts the URLs, not blank lines or comments' '
	printf "# two files\n\n$U/files/f1.txt\n  \n$U/files/f2.txt\n" >commented &&
	ayak-fetch --stats st.json commented >out &&
	jq -c "[.records_in, .records_out]" st.json >got &&
	echo "[2,2]" >expect &&
	test_cmp expect got
'

test_expect_success '-o with failed downloads: the file keeps the ones fetched, exit 1' '
	rm -f o.out &&
	test_expect_code 1 ayak-fetch -q -o o.out --failed failed14.txt list404 2>err &&
	cat root/f4.txt root/f5.txt >expect &&
	test_cmp expect o.out &&
	echo "$U/files/nothing.txt" >expect &&
	test_cmp expect failed14.txt &&
	echo "ayak-fetch: $U/files/nothing.txt: HTTP 404" >expect &&
	test_cmp expect err
'

test_expect_success '-o when the run stops (exit 3): nothing under the final name' '
	rm -f o.out &&
	head -c 5000000 /dev/zero >root/spill.bin &&
	TMPDIR=$PWD/nope test_expect_code 3 ayak-fetch -j 2 -o o.out spill 2>err &&
	rm root/spill.bin &&
	test_path_is_missing o.out &&
	ls -A >got &&
	! grep "^\.o\.out\." got
'

FAILALLOC=$AYAK_BUILD/tests/failalloc.so
test -f "$FAILALLOC" && ! grep -q fsanitize "$AYAK_BUILD/flags" 2>/dev/null &&
	test_set_prereq FAILALLOC

# Each allocation of 4 KB or more failing in turn (tests/fault/failalloc.c,
# as alloc-fail.t does): exit 3 saying so, the files written whole before it.
# ayak-fetch crashed (its error path freed the output twice), and called
# libcurl's CURLE_OUT_OF_MEMORY a failed download (exit 1).
test_expect_success FAILALLOC 'memory running out' '
	for n in 1 2 3 4 5 6; do echo "$U/files/f$n.txt"; done >list &&
	echo "$U/files/big.bin" >>list &&
	echo "$U/redirect/2/f1.txt" >>list &&
	ayak-fetch -j 2 list >whole &&
	k=$(FAIL_ALLOC_COUNT=1 LD_PRELOAD=$FAILALLOC ayak-fetch -j 2 list 2>&1 >/dev/null |
		sed -n "s/^failalloc: //p") &&
	test "$k" -gt 10 &&
	bad=0 &&
	for n in $(seq 1 "$k"); do
		FAIL_ALLOC_NTH=$n LD_PRELOAD=$FAILALLOC ayak-fetch -j 2 list >out 2>err
		rc=$?
		if test $rc = 0; then
			cmp -s whole out || { echo "allocation $n failing: exit 0, other output"; bad=$((bad + 1)); }
		elif test $rc != 3 || ! grep -qE "out of memory|Cannot allocate memory" err; then
			echo "allocation $n failing: exit $rc: $(cat err)"; bad=$((bad + 1))
		elif ! head -c "$(wc -c <out)" whole | cmp -s - out; then
			echo "allocation $n failing: not the first files of the output"; bad=$((bad + 1))
		fi
	done &&
	test $bad = 0
'

test_expect_success 'stop the server (it listened on 127.0.0.1 only)' '
	kill $SERVER_PID && wait $SERVER_PID 2>/dev/null
	! grep -v "^/" log
'

test_done
