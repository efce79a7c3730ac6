#!/usr/bin/env bash
test_description='ayak-fetch: bad lists, bad options and outputs refused before any request (no server)'
. "$(dirname "$0")/../lib.sh"

TRY="Try 'ayak-fetch --help'."
# Nothing listens on port 9 here; none of these may get as far as a request.
U=http://127.0.0.1:9

# a N: N letters a, no newline.
a () { head -c "$1" /dev/zero | tr "\0" a; }

# libcurl takes a request over 1 MB for running out of memory: the run
# ended with exit 3 and a message cut before its reason.
test_expect_success 'a URL over 65536 bytes is a bad input line' '
	{ echo "$U/ok" && printf "%s" "$U/" && a 3000000 && echo; } >long &&
	test_expect_code 1 ayak-fetch --max-retries 0 long >out 2>err &&
	echo "ayak-fetch: long:2: URL longer than 65536 bytes" >expect &&
	test_cmp expect err &&
	test_must_be_empty out
'

test_expect_success 'the limit: 65536 bytes pass, 65537 do not; joined to --base-url too' '
	n=$((65536 - ${#U} - 1)) &&
	{ printf "%s" "$U/" && a $n && echo && printf "%s" "$U/" && a $((n + 1)) && echo; } >edge &&
	test_expect_code 1 ayak-fetch -o /dev/null edge 2>err &&
	echo "ayak-fetch: edge:2: URL longer than 65536 bytes" >expect &&
	test_cmp expect err &&
	{ a $((n + 1)) && echo; } >rel &&
	test_expect_code 1 ayak-fetch --base-url "$U/" -o /dev/null rel 2>err &&
	echo "ayak-fetch: rel:1: URL longer than 65536 bytes" >expect &&
	test_cmp expect err
'

test_expect_success '--ranges: an empty "filename" is a bad input line' '
	echo "{\"filename\":\"\",\"offset\":\"216\",\"length\":\"1489\"}" >empty.cdx &&
	test_expect_code 1 ayak-fetch --ranges --base-url "$U/" empty.cdx >out 2>err &&
	echo "ayak-fetch: empty.cdx:1: CDX line with an empty \"filename\"" >expect &&
	test_cmp expect err &&
	echo "{\"filename\":\"/\",\"offset\":\"216\",\"length\":\"1489\"}" >slash.cdx &&
	test_expect_code 1 ayak-fetch --ranges --base-url "$U/" slash.cdx >out 2>err &&
	echo "ayak-fetch: slash.cdx:1: CDX line with an empty \"filename\"" >expect &&
	test_cmp expect err
'

test_expect_success '--ranges: a "filename" that is a URL is a bad input line, not a request to its host' '
	for u in http://elsewhere.invalid/x HTTPS://elsewhere.invalid/x; do
		echo "{\"filename\":\"$u\",\"offset\":\"1\",\"length\":\"5\"}" >url.cdx &&
		test_expect_code 1 ayak-fetch --ranges --base-url "$U/" url.cdx >out 2>err &&
		echo "ayak-fetch: url.cdx:1: CDX line whose \"filename\" is a URL, not a path under --base-url" >expect &&
		test_cmp expect err &&
		test_must_be_empty out || return 1
	done
'

# A NUL in a line cut the URL there: "$U/a<NUL>b" fetched $U/a, a file the
# line does not name, and -d saved it as done.
test_expect_success 'a control character in a URL (a NUL too) is a bad input line' '
	printf "%s\\n" "$U/ok" >ctl &&
	printf "%s\\000b\\n" "$U/a" >>ctl &&
	printf "%s\\tb\\n" "$U/a" >>ctl &&
	test_expect_code 1 ayak-fetch --max-retries 0 -d dl ctl >out 2>err &&
	echo "ayak-fetch: ctl:2: URL with a control character" >expect &&
	test_cmp expect err &&
	test_must_be_empty out &&
	! test -e dl &&
	sed -n 3p ctl >tab &&
	test_expect_code 1 ayak-fetch --max-retries 0 -o /dev/null tab 2>err &&
	echo "ayak-fetch: tab:1: URL with a control character" >expect &&
	test_cmp expect err &&
	echo "{\"filename\":\"a\\u0000b\",\"offset\":0,\"length\":2}" >nul.cdx &&
	test_expect_code 1 ayak-fetch --max-retries 0 --ranges --base-url "$U/" -o /dev/null nul.cdx 2>err &&
	echo "ayak-fetch: nul.cdx:1: URL with a control character" >expect &&
	test_cmp expect err
'

test_expect_success '--base-url must be http(s)://host/...' '
	echo a.warc.gz >paths &&
	for b in garbage ftp://x/ http:/// "https://?q" ""; do
		test_expect_code 2 ayak-fetch --base-url "$b" paths >out 2>err &&
		{
			echo "ayak-fetch: --base-url wants an http:// or https:// URL with a host, not '\''$b'\''" &&
			echo "$TRY"
		} >expect &&
		test_cmp expect err || return 1
	done
'

test_expect_success 'a URL given as an operand, not in a list' '
	test_expect_code 2 ayak-fetch "$U/x.txt" >out 2>err &&
	cat >expect <<-EOF &&
	ayak-fetch: $U/x.txt: no such list file (ayak-fetch reads URLs from lists or the standard input: echo URL | ayak-fetch)
	$TRY
	EOF
	test_cmp expect err &&
	test_expect_code 3 ayak-fetch nolist.txt 2>err &&
	echo "ayak-fetch: nolist.txt: No such file or directory" >expect &&
	test_cmp expect err
'

test_expect_success 'empty names for -o, -d, --failed, --tmpdir' '
	echo "$U/x" >one &&
	test_expect_code 2 ayak-fetch -o "" one 2>err &&
	printf "%s\n" "ayak-fetch: -o wants a file name, not '\'''\''" "$TRY" >expect &&
	test_cmp expect err &&
	test_expect_code 2 ayak-fetch -d "" one 2>err &&
	printf "%s\n" "ayak-fetch: -d wants a directory, not '\'''\''" "$TRY" >expect &&
	test_cmp expect err &&
	test_expect_code 2 ayak-fetch --failed "" -d x one 2>err &&
	printf "%s\n" "ayak-fetch: --failed wants a file name, not '\'''\''" "$TRY" >expect &&
	test_cmp expect err &&
	test_expect_code 2 ayak-fetch --tmpdir "" one 2>err &&
	printf "%s\n" "ayak-fetch: --tmpdir wants a directory, not '\'''\''" "$TRY" >expect &&
	test_cmp expect err &&
	test_path_is_missing x
'

test_expect_success '--ranges and -d do not go together' '
	test_expect_code 2 ayak-fetch --ranges -d x </dev/null 2>err &&
	printf "%s\n" "ayak-fetch: --ranges writes one WARC stream: use -o, not -d" "$TRY" >expect &&
	test_cmp expect err
'

# -d took --tmpdir and did nothing with it, a directory that does not exist too.
test_expect_success '--tmpdir and -d do not go together' '
	test_expect_code 2 ayak-fetch -d x --tmpdir /nonexistent </dev/null 2>err &&
	printf "%s\n" "ayak-fetch: --tmpdir does not go with -d (the files are written in place)" "$TRY" >expect &&
	test_cmp expect err &&
	test_path_is_missing x
'

test_expect_success 'the ranges of --max-redirects, --max-retries and --timeout, as ayak-fetch(1) gives them' '
	ayak-fetch --max-redirects 50 --max-retries 1000 --timeout 86400 </dev/null &&
	ayak-fetch --max-redirects 0 --max-retries 0 --timeout 1 </dev/null &&
	test_expect_code 2 ayak-fetch --max-redirects 51 </dev/null 2>err &&
	printf "%s\n" "ayak-fetch: --max-redirects wants a whole number from 0 to 50, not '\''51'\''" "$TRY" >expect &&
	test_cmp expect err &&
	test_expect_code 2 ayak-fetch --max-retries 1001 </dev/null 2>err &&
	printf "%s\n" "ayak-fetch: --max-retries wants a whole number from 0 to 1000, not '\''1001'\''" "$TRY" >expect &&
	test_cmp expect err &&
	test_expect_code 2 ayak-fetch --timeout 1.5 </dev/null 2>err &&
	printf "%s\n" "ayak-fetch: --timeout wants a whole number from 1 to 86400, not '\''1.5'\''" "$TRY" >expect &&
	test_cmp expect err
'

# -o /dev/tty wrote the downloads to the terminal, exit 0.
test_expect_success TTY 'no downloads to a terminal named with -o' '
	echo "$U/x" >one &&
	script -qec "ayak-fetch -o /dev/tty one; echo rc=\$?" /dev/null >out 2>&1 &&
	tr -d "\r" <out >got &&
	printf "%s\n" "ayak-fetch: /dev/tty: refusing to write downloads to a terminal" "$TRY" rc=2 >expect &&
	test_cmp expect got &&
	script -qec "ayak-fetch -o /dev/stdout one; echo rc=\$?" /dev/null >out 2>&1 &&
	tr -d "\r" <out >got &&
	printf "%s\n" "ayak-fetch: /dev/stdout: refusing to write downloads to a terminal" "$TRY" rc=2 >expect &&
	test_cmp expect got
'

test_expect_success 'a --failed file that cannot be written stops the run before any request' '
	echo "$U/x" >one &&
	mkdir -p faildir &&
	test_expect_code 3 ayak-fetch --max-retries 0 -o fout --failed faildir one 2>err &&
	echo "ayak-fetch: faildir: Is a directory" >expect &&
	test_cmp expect err &&
	test_expect_code 3 ayak-fetch --max-retries 0 -o fout --failed missing/f.txt one 2>err &&
	echo "ayak-fetch: missing/f.txt: No such file or directory" >expect &&
	test_cmp expect err &&
	test_path_is_missing fout
'

test_expect_success '-V names libcurl and its TLS library after the shared libraries' '
	ayak-fetch -V >out 2>err &&
	test_must_be_empty err &&
	test_line_count = 3 out &&
	echo "ayak-fetch (ayak) 0.1.0" >expect &&
	sed -n 1p out >line1 &&
	test_cmp expect line1 &&
	sed -n 2p out >line2 &&
	grep -x "$(ayak-cat -V | sed -n 2p), $(curl-config --version) (OpenSSL/[0-9.]*)" line2
'

test_done
