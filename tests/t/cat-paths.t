#!/usr/bin/env bash
test_description='ayak-cat -o, --stats and --rejects on symbolic links and /dev/stdout'
. "$(dirname "$0")/../lib.sh"

test_expect_success 'setup' '
	printf "{\"text\":\"a\"}\n{\"text\":\"b\"}\n" >in.jsonl
'

test_expect_success '-o onto a symbolic link writes its target and keeps the link' '
	echo old >target &&
	ln -s target link &&
	ayak-cat -o link in.jsonl &&
	test -L link &&
	test_cmp in.jsonl target
'

test_expect_success '-o onto a relative link in another directory' '
	mkdir sub &&
	ln -s ../target2 sub/rel &&
	ayak-cat -o sub/rel in.jsonl &&
	test -L sub/rel &&
	test_cmp in.jsonl target2 &&
	ls -A sub >got &&
	echo rel >expect &&
	test_cmp expect got
'

test_expect_success '-o onto a dangling link creates the file it points to' '
	ln -s nowhere dangling &&
	ayak-cat -o dangling in.jsonl &&
	test -L dangling &&
	test_cmp in.jsonl nowhere
'

test_expect_success '-o onto a dangling link, the run failing: its target never appears' '
	printf "{\"text\":\"c\"}\n{bad\n" >bad.jsonl &&
	ln -s target3 dangling3 &&
	test_expect_code 1 ayak-cat --validate -o dangling3 in.jsonl bad.jsonl 2>err &&
	echo "ayak-cat: bad.jsonl:2: malformed record: expected string key at column 2" >expect &&
	test_cmp expect err &&
	test -L dangling3 &&
	test_path_is_missing target3 &&
	ls -A >files &&
	! grep "^\.target3" files
'

test_expect_success '-o onto a chain of links ending in a name of another directory' '
	mkdir sub2 &&
	ln -s ../sub2/target4 sub/to4 &&
	ln -s sub/to4 chain4 &&
	ayak-cat -o chain4 in.jsonl &&
	test -L chain4 && test -L sub/to4 &&
	test_cmp in.jsonl sub2/target4 &&
	ls -A sub2 >got &&
	echo target4 >expect &&
	test_cmp expect got
'

test_expect_success '-o onto links in a loop: exit 3, nothing written' '
	ln -s loop-b loop-a && ln -s loop-a loop-b &&
	test_expect_code 3 ayak-cat -o loop-a in.jsonl 2>err &&
	echo "ayak-cat: loop-a: Too many levels of symbolic links" >expect &&
	test_cmp expect err
'

test_expect_success '--stats /dev/stdout: records and stats both reach the redirected file' '
	ayak-cat --stats /dev/stdout in.jsonl >out &&
	test -L /dev/stdout &&
	head -n 2 out >records &&
	test_cmp in.jsonl records &&
	tail -n 1 out | grep "^{\"program\":\"ayak-cat\"" &&
	test $(wc -l <out) = 3
'

test_expect_success '--rejects /dev/stderr writes to standard error' '
	printf "{\"text\":1}\n" >bad.jsonl &&
	ayak-cat --validate --on-error skip -q --rejects /dev/stderr bad.jsonl >out 2>err &&
	test_must_be_empty out &&
	grep "^{\"reject\":" err &&
	test -L /dev/stderr
'

test_expect_success '-o /dev/nonexistent is an error and creates nothing' '
	test_expect_code 3 ayak-cat -o /dev/ayak-no-such-device in.jsonl 2>err &&
	! test -e /dev/ayak-no-such-device
'

test_done
