#!/usr/bin/env bash
test_description='ayak COMMAND dispatches to ayak-COMMAND'
. "$(dirname "$0")/../lib.sh"

test_expect_success 'setup' '
	cp "$TEST_DATA/sample.jsonl" in.jsonl &&
	printf "{\"text\":\"a\"}\n{bad\n" >bad.jsonl
'

test_expect_success 'ayak cat gives the same output as ayak-cat' '
	ayak cat in.jsonl >out1 2>err1 &&
	ayak-cat in.jsonl >out2 2>err2 &&
	test_cmp_bin out1 out2 &&
	test_cmp_bin in.jsonl out1 &&
	test_must_be_empty err1
'

test_expect_success 'ayak cat passes every argument through (-z, --head, stdin)' '
	ayak cat --head 3 -z <in.jsonl >out1.zst &&
	ayak-cat --head 3 -z <in.jsonl >out2.zst &&
	test_cmp_bin out1.zst out2.zst
'

test_expect_success 'ayak cat: same exit status and stderr as ayak-cat on bad input' '
	test_expect_code 1 ayak cat --validate bad.jsonl >out1 2>err1 &&
	test_expect_code 1 ayak-cat --validate bad.jsonl >out2 2>err2 &&
	test_cmp err2 err1 &&
	test_cmp out2 out1 &&
	echo "ayak-cat: bad.jsonl:2: malformed record: expected string key at column 2" >expect &&
	test_cmp expect err1
'

test_expect_success 'ayak cat: exit 3 for a missing file, exit 2 for a usage error' '
	test_expect_code 3 ayak cat missing.jsonl 2>err &&
	echo "ayak-cat: missing.jsonl: No such file or directory" >expect &&
	test_cmp expect err &&
	test_expect_code 2 ayak cat --bogus 2>err &&
	tail -n 1 err >last &&
	echo "Try '\''ayak-cat --help'\''." >expect &&
	test_cmp expect last
'

test_expect_success 'ayak cat -h and -V equal ayak-cat -h and -V' '
	ayak cat -h >h1 && ayak-cat -h >h2 &&
	test_cmp h2 h1 &&
	ayak cat -V >v1 && ayak-cat -V >v2 &&
	test_cmp v2 v1
'

test_expect_success 'ayak finds ayak-cat next to itself when PATH does not have it' '
	PATH=/usr/bin:/bin "$AYAK_TOP/bin/ayak" cat in.jsonl >out &&
	test_cmp_bin in.jsonl out
'

test_expect_success 'ayak --help: exit 0, lists cat' '
	ayak --help >out 2>err &&
	test_must_be_empty err &&
	grep "^ *cat " out
'

test_expect_success 'ayak with an unknown command: exit 2' '
	test_expect_code 2 ayak nosuchcommand >out 2>err &&
	test_must_be_empty out &&
	test -s err
'

test_expect_success 'ayak with no command: exit 2, usage on stderr' '
	test_expect_code 2 ayak >out 2>err &&
	test_must_be_empty out &&
	test -s err
'

test_expect_success 'ayak does not run paths or options as commands' '
	test_expect_code 2 ayak ../bin/cat >out 2>err &&
	test_expect_code 2 ayak --bogus >out 2>err
'

test_expect_success 'ayak -V: version and libraries' '
	ayak -V >out &&
	sed -n 1p out >line1 &&
	echo "ayak 0.1.0" >expect &&
	test_cmp expect line1
'

test_done
