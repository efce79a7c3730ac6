#!/usr/bin/env bash
test_description='ayak-cat: plain round trips, line handling, --head, --count'
. "$(dirname "$0")/../lib.sh"

test_expect_success 'setup' '
	cp "$TEST_DATA/sample.jsonl" in.jsonl &&
	test_line_count -gt 49 in.jsonl
'

test_expect_success 'a file comes out byte for byte, nothing on stderr' '
	ayak-cat in.jsonl >out 2>err &&
	test_cmp_bin in.jsonl out &&
	test_must_be_empty err
'

test_expect_success 'standard input, with no operand and with -' '
	ayak-cat <in.jsonl >out1 2>err &&
	ayak-cat - <in.jsonl >out2 2>>err &&
	test_cmp_bin in.jsonl out1 &&
	test_cmp_bin in.jsonl out2 &&
	test_must_be_empty err
'

test_expect_success 'several files are concatenated in order' '
	head -n 10 in.jsonl >a &&
	sed -n "11,20p" in.jsonl >b &&
	ayak-cat a b a >out &&
	cat a b a >expect &&
	test_cmp expect out
'

test_expect_success 'files and standard input mixed' '
	ayak-cat a - a <b >out &&
	cat a b a >expect &&
	test_cmp expect out
'

test_expect_success 'CRLF line ends become LF' '
	printf "{\"text\":\"a\"}\r\n{\"text\":\"b\"}\r\n" >crlf &&
	printf "{\"text\":\"a\"}\n{\"text\":\"b\"}\n" >expect &&
	ayak-cat crlf >out &&
	test_cmp_bin expect out
'

test_expect_success 'a CR inside a line is kept; only the final one goes' '
	printf "{\"text\":\"a\"}\r\r\n" >cr2 &&
	printf "{\"text\":\"a\"}\r\n" >expect &&
	ayak-cat cr2 >out &&
	test_cmp_bin expect out
'

test_expect_success 'a missing final newline is added' '
	printf "{\"text\":\"a\"}\n{\"text\":\"b\"}" >nonl &&
	printf "{\"text\":\"a\"}\n{\"text\":\"b\"}\n" >expect &&
	ayak-cat nonl >out &&
	test_cmp_bin expect out
'

test_expect_success 'a missing final newline between two files' '
	printf "{\"text\":\"a\"}" >n1 &&
	printf "{\"text\":\"b\"}" >n2 &&
	printf "{\"text\":\"a\"}\n{\"text\":\"b\"}\n" >expect &&
	ayak-cat n1 n2 >out &&
	test_cmp_bin expect out
'

test_expect_success 'a final CR without a newline is dropped' '
	printf "{\"text\":\"a\"}\r" >crnonl &&
	printf "{\"text\":\"a\"}\n" >expect &&
	ayak-cat crnonl >out &&
	test_cmp_bin expect out
'

test_expect_success 'an empty file gives empty output and exit 0' '
	: >empty &&
	ayak-cat empty >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty err &&
	ayak-cat --validate empty >out &&
	test_must_be_empty out
'

test_expect_success 'blank lines are skipped' '
	printf "\n{\"text\":\"a\"}\n\n   \n\t\r\n \t \n{\"text\":\"b\"}\n\n" >blank &&
	printf "{\"text\":\"a\"}\n{\"text\":\"b\"}\n" >expect &&
	ayak-cat blank >out &&
	test_cmp_bin expect out &&
	ayak-cat --validate blank >out &&
	test_cmp_bin expect out
'

test_expect_success 'a file of blank lines only gives nothing' '
	printf "\n\n  \n" >onlyblank &&
	ayak-cat --validate onlyblank >out &&
	test_must_be_empty out
'

test_expect_success 'a UTF-8 BOM at the start of each input is skipped' '
	printf "\357\273\277{\"text\":\"a\"}\n" >bom1 &&
	printf "\357\273\277{\"text\":\"b\"}\n" >bom2 &&
	printf "{\"text\":\"a\"}\n{\"text\":\"b\"}\n" >expect &&
	ayak-cat bom1 bom2 >out &&
	test_cmp_bin expect out &&
	ayak-cat --validate bom1 bom2 >out &&
	test_cmp_bin expect out &&
	ayak-cat <bom1 >out &&
	printf "{\"text\":\"a\"}\n" >expect1 &&
	test_cmp_bin expect1 out
'

test_expect_success 'a BOM alone (empty input with a BOM) gives nothing' '
	printf "\357\273\277" >bomonly &&
	ayak-cat --validate bomonly >out &&
	test_must_be_empty out
'

test_expect_success 'a BOM later in a file is not skipped' '
	printf "{\"text\":\"a\"}\n\357\273\277{\"text\":\"b\"}\n" >bommid &&
	ayak-cat bommid >out &&
	test_cmp_bin bommid out
'

test_expect_success 'without --validate lines pass unchecked' '
	printf "not json\n[1,2]\n{\"no\":\"text\"}\n{\"text\":\"\377\"}\n" >junk &&
	ayak-cat junk >out 2>err &&
	test_cmp_bin junk out &&
	test_must_be_empty err
'

test_expect_success '--validate passes good records byte for byte' '
	ayak-cat --validate in.jsonl >out 2>err &&
	test_cmp_bin in.jsonl out &&
	test_must_be_empty err
'

test_expect_success '--head N gives the first N records' '
	ayak-cat --head 5 in.jsonl >out &&
	head -n 5 in.jsonl >expect &&
	test_cmp expect out
'

test_expect_success '--head counts records, not blank lines, across files' '
	ayak-cat --head 3 blank a >out &&
	{ printf "{\"text\":\"a\"}\n{\"text\":\"b\"}\n" && head -n 1 a; } >expect &&
	test_cmp expect out
'

test_expect_success '--head larger than the input gives all' '
	ayak-cat --head 100000 in.jsonl >out &&
	test_cmp_bin in.jsonl out
'

# The spec does not say whether 0 is a valid N: accept an empty output or a
# usage error, but nothing else.
test_expect_success '--head 0 gives nothing or is a usage error' '
	ayak-cat --head 0 in.jsonl >out 2>err
	ret=$? &&
	test_must_be_empty out &&
	if test $ret = 0; then
		test_must_be_empty err
	else
		test $ret = 2 &&
		tail -n 1 err >last &&
		echo "Try '\''ayak-cat --help'\''." >expect &&
		test_cmp expect last
	fi
'

test_expect_success '--head stops reading: a bad record after the head is not seen' '
	{ head -n 2 in.jsonl && echo "{bad"; } >headbad &&
	ayak-cat --validate --head 2 headbad >out &&
	head -n 2 in.jsonl >expect &&
	test_cmp expect out
'

test_expect_success '--count prints records and bytes' '
	ayak-cat --count in.jsonl >out &&
	printf "{\"records\":%d,\"bytes\":%d}\n" $(wc -l <in.jsonl) $(wc -c <in.jsonl) >expect &&
	test_cmp expect out
'

test_expect_success '--count counts bytes as written (CRLF, blank lines, no final newline)' '
	printf "{\"text\":\"a\"}\r\n\n  \n{\"text\":\"bc\"}" >odd &&
	ayak-cat --count odd >out &&
	echo "{\"records\":2,\"bytes\":27}" >expect &&
	test_cmp expect out
'

test_expect_success '--count of an empty input' '
	ayak-cat --count empty >out &&
	echo "{\"records\":0,\"bytes\":0}" >expect &&
	test_cmp expect out
'

test_expect_success '--count with --head' '
	ayak-cat --count --head 2 odd >out &&
	echo "{\"records\":2,\"bytes\":27}" >expect &&
	test_cmp expect out &&
	ayak-cat --count --head 1 odd >out &&
	echo "{\"records\":1,\"bytes\":13}" >expect &&
	test_cmp expect out
'

test_expect_success '--count with -o writes the count to the file' '
	ayak-cat --count -o count.json in.jsonl >out &&
	test_must_be_empty out &&
	printf "{\"records\":%d,\"bytes\":%d}\n" $(wc -l <in.jsonl) $(wc -c <in.jsonl) >expect &&
	test_cmp expect count.json
'

test_expect_success JQ '--count --stats: records_out the records counted, bytes_out the line written' '
	printf "{\"text\":\"a\"}\n{\"text\":\"b\"}\n" >two.jsonl &&
	ayak-cat --count --stats st.json two.jsonl >out &&
	echo "{\"records\":2,\"bytes\":26}" >expect &&
	test_cmp expect out &&
	jq -c "[.records_in, .records_out, .bytes_out]" st.json >got &&
	echo "[2,2,25]" >expect &&
	test_cmp expect got
'

test_expect_success 'two runs give byte-identical output (plain and zstd)' '
	ayak-cat in.jsonl in.jsonl >run1 &&
	ayak-cat in.jsonl in.jsonl >run2 &&
	test_cmp_bin run1 run2 &&
	ayak-cat -o run1.zst in.jsonl &&
	ayak-cat -o run2.zst in.jsonl &&
	test_cmp_bin run1.zst run2.zst &&
	ayak-cat -o run1.gz in.jsonl &&
	ayak-cat -o run2.gz in.jsonl &&
	test_cmp_bin run1.gz run2.gz
'

test_expect_success '-o writes a plain file, replacing an old one' '
	echo old >o.jsonl &&
	ayak-cat -o o.jsonl in.jsonl >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty err &&
	test_cmp_bin in.jsonl o.jsonl
'

test_expect_success '-o into a directory leaves no temporary file behind' '
	mkdir okdir &&
	ayak-cat -o okdir/x.jsonl in.jsonl &&
	ls -A okdir >list &&
	echo x.jsonl >expect &&
	test_cmp expect list
'

# Without /proc a file made with O_TMPFILE cannot be named: that must be
# found before the work (ayak_tmp_anon), and a hidden name used instead.
# (The sanitizers read their options and find leaks through /proc.)
unshare -m sh -c "mount -t tmpfs none /proc" 2>/dev/null &&
	! grep -q fsanitize "$AYAK_BUILD/flags" 2>/dev/null &&
	test_set_prereq UNSHARE_NOSAN
test_expect_success UNSHARE_NOSAN '-o with no /proc (a bare container): written under a hidden name instead' '
	mkdir noproc &&
	unshare -m sh -c "mount -t tmpfs none /proc && ayak-cat -o noproc/x.jsonl in.jsonl" &&
	test_cmp_bin in.jsonl noproc/x.jsonl &&
	ls -A noproc >list &&
	echo x.jsonl >expect &&
	test_cmp expect list
'

test_expect_success '-o naming the input file: the input is read whole, then replaced' '
	cp a self.jsonl &&
	ayak-cat -o self.jsonl self.jsonl b &&
	cat a b >expect &&
	test_cmp expect self.jsonl
'

test_expect_success '--progress prints nothing when stderr is not a terminal' '
	ayak-cat --progress in.jsonl >out 2>err &&
	test_cmp_bin in.jsonl out &&
	test_must_be_empty err
'

test_expect_success TTY '--progress draws after a few huge records, not only every 1024th' '
	awk "BEGIN { s = \"x\"; while (length(s) < 1100000) s = s s;
		printf \"{\\\"text\\\":\\\"%s\\\"}\\n\", s }" >huge.jsonl &&
	test $(wc -c <huge.jsonl) -gt 1048576 &&
	cat >slow.sh <<-\EOF &&
	for i in 1 2 3; do cat huge.jsonl; sleep 0.5; done | ayak-cat --progress >/dev/null
	EOF
	script -qec "sh slow.sh" /dev/null >tty.txt 2>&1 &&
	tr "\r" "\n" <tty.txt >lines &&
	grep "^.\[Kayak-cat: 2 records, 4.2 MB" lines &&
	grep "^.\[Kayak-cat: 3 records, 6.3 MB, [0-9]* MB/s$" lines
'

test_expect_success 'the same file twice on the command line' '
	ayak-cat a a >out &&
	cat a a >expect &&
	test_cmp expect out
'

test_done
