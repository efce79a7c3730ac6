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

test_expect_success 'ayak --help: exit 0, its three forms as ayak(1) has them, lists cat' '
	ayak --help >out 2>err &&
	test_must_be_empty err &&
	head -n 3 out >head &&
	printf "%s\n" "Usage: ayak COMMAND [ARGS...]" "       ayak help [COMMAND]" "       ayak --version | --help" >expect &&
	test_cmp expect head &&
	grep "^ *cat " out
'

test_expect_success 'ayak help COMMAND is ayak COMMAND --help; ayak help alone is ayak --help' '
	ayak help cat >h1 2>err &&
	ayak-cat --help >h2 &&
	test_cmp h2 h1 &&
	test_must_be_empty err &&
	ayak help >h1 &&
	ayak --help >h2 &&
	test_cmp h2 h1 &&
	test_expect_code 2 ayak help nosuchcommand >out 2>err &&
	test_must_be_empty out &&
	printf "%s\n" "ayak: '"'"'nosuchcommand'"'"' is not an ayak command" "Try '"'"'ayak --help'"'"'." >expect &&
	test_cmp expect err &&
	test_expect_code 2 ayak help cat dedup >out 2>err &&
	test_must_be_empty out &&
	printf "%s\n" "ayak: help takes one command, not '"'"'dedup'"'"'" "Try '"'"'ayak --help'"'"'." >expect &&
	test_cmp expect err &&
	test_expect_code 2 ayak help --version >out 2>err &&
	test_must_be_empty out &&
	grep -x "ayak: help takes one command, not .--version." err
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

test_expect_success 'setup: ayak copied alone into a directory' '
	mkdir alone &&
	cp "$AYAK_TOP/bin/ayak" alone/
'

test_expect_success 'a program next to ayak that is not executable: exit 3, the system error' '
	printf "#!/bin/sh\necho hi\n" >alone/ayak-noexec &&
	chmod 644 alone/ayak-noexec &&
	test_expect_code 3 alone/ayak noexec >out 2>err &&
	test_must_be_empty out &&
	echo "ayak: $PWD/alone/ayak-noexec: Permission denied" >expect &&
	test_cmp expect err
'

test_expect_success 'a program that is not a valid executable: exit 3, the system error' '
	{ printf "\177ELF" && head -c 200 /dev/zero; } >alone/ayak-corrupt &&
	chmod 755 alone/ayak-corrupt &&
	test_expect_code 3 alone/ayak corrupt >out 2>err &&
	test_must_be_empty out &&
	echo "ayak: $PWD/alone/ayak-corrupt: Exec format error" >expect &&
	test_cmp expect err
'

# execv() alone gave "Exec format error" for a script without #!, which
# execvp() and the shells run with /bin/sh
test_expect_success 'an executable text file without #! runs as a shell script' '
	printf "echo script \"\$@\"\n" >alone/ayak-stats &&
	chmod 755 alone/ayak-stats &&
	PATH=/usr/bin:/bin alone/ayak stats "a b" c >out &&
	echo "script a b c" >expect &&
	test_cmp expect out &&
	PATH=/usr/bin:/bin alone/ayak --help >out &&
	grep "^  stats    reports on records\$" out &&
	rm alone/ayak-stats
'

test_expect_success 'a program that cannot be run next to ayak, a good one in PATH: the good one runs' '
	mkdir inpath &&
	printf "#!/bin/sh\necho from-path \"\$@\"\n" >inpath/ayak-noexec &&
	chmod 755 inpath/ayak-noexec &&
	PATH=$PWD/inpath:/usr/bin:/bin alone/ayak noexec x >out &&
	echo "from-path x" >expect &&
	test_cmp expect out
'

test_expect_success 'ayak --help marks programs as ayak COMMAND finds them: in PATH too' '
	PATH=$AYAK_TOP/bin:/usr/bin:/bin alone/ayak --help >out &&
	! grep "not installed" out &&
	PATH=$AYAK_TOP/bin:/usr/bin:/bin alone/ayak cat in.jsonl >cat.out &&
	test_cmp_bin in.jsonl cat.out &&
	PATH=/usr/bin:/bin alone/ayak --help >out &&
	grep -c "(not installed)$" out >count &&
	echo 10 >expect &&
	test_cmp expect count &&
	grep "^  cat      concatenate, recompress, validate and split records (not installed)$" out
'

test_expect_success 'ayak --help marks a program that cannot be run' '
	printf "#!/bin/sh\n" >alone/ayak-stats &&
	chmod 644 alone/ayak-stats &&
	PATH=/usr/bin:/bin alone/ayak --help >out &&
	grep "^  stats    reports on records (cannot be run)$" out &&
	rm alone/ayak-stats
'

# ayak(1): --help checks the permission only; the kernel may run other
# formats (binfmt_misc), so a file it cannot run is found out by running it.
test_expect_success 'ayak --help does not mark an executable the system cannot run; running it says why' '
	printf "\177ELF\002\001\001\000\000\000\000\000\000\000\000\000\002\000\231\231" >alone/ayak-stats &&
	chmod 755 alone/ayak-stats &&
	PATH=/usr/bin:/bin alone/ayak --help >out &&
	grep "^  stats    reports on records\$" out &&
	test_expect_code 3 env PATH=/usr/bin:/bin alone/ayak stats >out 2>err &&
	echo "ayak: $PWD/alone/ayak-stats: Exec format error" >expect &&
	test_cmp expect err &&
	rm alone/ayak-stats
'

test_expect_success 'ayak --help and -V: a failed write of standard output is exit 3' '
	test_expect_code 3 ayak --help >/dev/full 2>err &&
	echo "ayak: write error on standard output: No space left on device" >expect &&
	test_cmp expect err &&
	test_expect_code 3 ayak -V >/dev/full 2>err &&
	test_cmp expect err &&
	test_expect_code 3 ayak -V >&- 2>err &&
	echo "ayak: write error on standard output: Bad file descriptor" >expect &&
	test_cmp expect err &&
	test_expect_code 3 ayak --help >&- 2>err &&
	test_cmp expect err
'

test_done
