#!/usr/bin/env bash
test_description='the shared output rules: two options never name one file, outputs appear together or not at all, a bad --stats name is found before any work, messages name the output'
. "$(dirname "$0")/../lib.sh"

test_expect_success 'setup' '
	printf "{\"text\":\"a\"}\n{\"text\":\"b\"}\n" >in.jsonl &&
	printf "{\"text\":\"a\"}\n{\"x\":1}\n" >mixed.jsonl &&
	printf "%s\n" "ayak-cat: --output and --stats name the same file" \
		"Try '\''ayak-cat --help'\''." >expect.stats &&
	printf "%s\n" "ayak-cat: --output and --rejects name the same file" \
		"Try '\''ayak-cat --help'\''." >expect.rejects
'

test_expect_success '--stats and -o naming one file is a usage error (same name)' '
	test_expect_code 2 ayak-cat -o out.jsonl --stats out.jsonl in.jsonl 2>err &&
	test_cmp expect.stats err &&
	test_path_is_missing out.jsonl
'

test_expect_success '... and by other names: ./x, dir/../x, a symbolic link, a hard link' '
	mkdir -p sub &&
	test_expect_code 2 ayak-cat -o out.jsonl --stats ./out.jsonl in.jsonl 2>err &&
	test_cmp expect.stats err &&
	test_expect_code 2 ayak-cat -o out.jsonl --stats sub/../out.jsonl in.jsonl 2>err &&
	test_cmp expect.stats err &&
	ln -s target.jsonl link.jsonl &&
	test_expect_code 2 ayak-cat -o link.jsonl --stats target.jsonl in.jsonl 2>err &&
	test_cmp expect.stats err &&
	test_path_is_missing target.jsonl &&
	cp in.jsonl h1.jsonl && ln h1.jsonl h2.jsonl &&
	test_expect_code 2 ayak-cat -o h1.jsonl --stats h2.jsonl in.jsonl 2>err &&
	test_cmp expect.stats err &&
	test_cmp in.jsonl h1.jsonl
'

test_expect_success '--rejects ./x and -o x: a usage error, the good record not lost' '
	test_expect_code 2 ayak-cat --validate --on-error skip -q -o ./good.jsonl \
		--rejects good.jsonl mixed.jsonl 2>err &&
	test_cmp expect.rejects err &&
	test_path_is_missing good.jsonl
'

test_expect_success 'ayak-filter and ayak-norm share the check' '
	test_expect_code 2 ayak-filter -o f.jsonl --stats ./f.jsonl in.jsonl 2>err &&
	grep "^ayak-filter: --output and --stats name the same file$" err &&
	test_expect_code 2 ayak-norm --on-error skip --rejects n.jsonl --stats n.jsonl in.jsonl 2>err &&
	grep "^ayak-norm: --rejects and --stats name the same file$" err
'

test_expect_success 'standard output and devices may be named twice' '
	ayak-cat --stats /dev/null -o /dev/null in.jsonl &&
	ayak-cat --stats - in.jsonl >out &&
	head -n 2 out >records &&
	test_cmp in.jsonl records
'

test_expect_success 'the standard output is an output too: the file it is redirected to, and --rejects -' '
	test_expect_code 2 ayak-cat --validate --on-error skip -q --rejects so-r.jsonl mixed.jsonl >>so-r.jsonl 2>err &&
	printf "%s\n" "ayak-cat: the standard output and --rejects name the same file" \
		"Try '\''ayak-cat --help'\''." >expect &&
	test_cmp expect err &&
	test_must_be_empty so-r.jsonl &&
	ln -s so-r.jsonl so-rlink.jsonl &&
	test_expect_code 2 ayak-norm --stats so-rlink.jsonl in.jsonl >>so-r.jsonl 2>err &&
	grep -x "ayak-norm: the standard output and --stats name the same file" err &&
	for r in - /dev/stdout; do
		test_expect_code 2 ayak-lid --on-error skip --rejects $r mixed.jsonl >out 2>err &&
		grep -x "ayak-lid: --rejects $r: the rejects and the records would both go to the standard output" err &&
		test_must_be_empty out || return 1
	done &&
	ayak-cat --validate --on-error skip -q --rejects - -o so-good.jsonl mixed.jsonl >so-rej &&
	test_line_count = 1 so-rej &&
	head -n 1 mixed.jsonl >expect &&
	test_cmp expect so-good.jsonl &&
	ayak-cat --validate --on-error skip -q --rejects so-r2.jsonl mixed.jsonl >>so-kept.jsonl &&
	test_cmp expect so-kept.jsonl &&
	test_line_count = 1 so-r2.jsonl
'

test_expect_success 'a closed standard input or output is an error, also for ayak-dedup, whose copy of the input took descriptor 0' '
	for p in cat dedup lid; do
		test_expect_code 3 ayak-$p <&- 2>err &&
		echo "ayak-$p: (stdin):1: read error: Bad file descriptor" >expect &&
		test_cmp expect err &&
		test_expect_code 3 ayak-$p in.jsonl >&- 2>err &&
		echo "ayak-$p: write error on standard output: Bad file descriptor" >expect &&
		test_cmp expect err || return 1
	done
'

test_expect_success 'numbers in options are written plainly: no space, sign, exponent or hex' '
	for v in " 0.5" "+0.5" "5e-1" "0x0.8" ".5" "5." inf; do
		for cmd in "ayak-lid --threshold" "ayak-lid --mixed" "ayak-lid --word-odds-weight" \
			"ayak-dedup --verify --threshold" "ayak-fetch --retry-wait"; do
			test_expect_code 2 $cmd "$v" </dev/null >out 2>err &&
			grep -F "$v'\''" err &&
			test_must_be_empty out || return 1
		done
	done &&
	ayak-lid --annotate --threshold 0.5 --by line --mixed 0.25 --word-odds-weight 1 in.jsonl >out &&
	test_line_count = 2 out
'

test_expect_success 'a --stats name that cannot be written: exit 3 before any work, no -o file' '
	test_expect_code 3 ayak-cat -o kept.jsonl --stats nodir/s.json in.jsonl 2>err &&
	echo "ayak-cat: nodir/s.json: No such file or directory" >expect &&
	test_cmp expect err &&
	test_path_is_missing kept.jsonl &&
	test_expect_code 3 ayak-filter -o kept.jsonl --stats nodir/s.json in.jsonl 2>err &&
	test_path_is_missing kept.jsonl
'

test_expect_success '-o in a directory that does not exist: exit 3 before any work, no directory made' '
	for p in cat filter norm lid dedup stats warc "tok --words"; do
		test_expect_code 3 ayak-$p -o nodir/out.jsonl in.jsonl 2>err &&
		echo "ayak-${p%% *}: nodir/out.jsonl: No such file or directory" >expect &&
		test_cmp expect err &&
		test_path_is_missing nodir || return 1
	done
'

test_expect_success '--stats failing at the end (/dev/full): no -o file, no --rejects file' '
	test_expect_code 3 ayak-cat --validate --on-error skip -q -o kept.jsonl \
		--rejects rej.jsonl --stats /dev/full mixed.jsonl 2>err &&
	echo "ayak-cat: write error on /dev/full: No space left on device" >expect &&
	test_cmp expect err &&
	test_path_is_missing kept.jsonl &&
	test_path_is_missing rej.jsonl &&
	ls -A >files &&
	! grep "^\.kept\|^\.rej" files
'

test_expect_success 'dangling links as -o, --rejects and --stats of a failed run: no target appears' '
	printf "{\"text\":\"a\"}\n{\"text\":\"b\"\n" >bad2.jsonl &&
	ln -s dl-out.jsonl dl-o && ln -s dl-rej.jsonl dl-r && ln -s dl-st.json dl-s &&
	test_expect_code 1 ayak-dedup -o dl-o --stats dl-s bad2.jsonl 2>err &&
	echo "ayak-dedup: bad2.jsonl:2: malformed record: unexpected end of line at column 12" >expect &&
	test_cmp expect err &&
	test_expect_code 1 ayak-cat --validate --on-error skip --max-errors 0 -q -o dl-o \
		--rejects dl-r --stats dl-s in.jsonl bad2.jsonl 2>err &&
	echo "ayak-cat: too many malformed records (more than 0)" >expect &&
	test_cmp expect err &&
	test_path_is_missing dl-out.jsonl &&
	test_path_is_missing dl-rej.jsonl &&
	test_path_is_missing dl-st.json &&
	ayak-cat --validate --on-error skip -q -o dl-o --rejects dl-r --stats dl-s \
		in.jsonl bad2.jsonl &&
	test -L dl-o && test -L dl-r && test -L dl-s &&
	cat in.jsonl >expect && head -n 1 bad2.jsonl >>expect &&
	test_cmp expect dl-out.jsonl &&
	grep -q "^{\"reject\":{\"program\":\"ayak-cat\",\"reason\":\"malformed\"" dl-rej.jsonl &&
	grep -q "^{\"program\":\"ayak-cat\"" dl-st.json
'

test_expect_success 'a --rejects file that cannot be written to the end: no -o file either' '
	for i in $(seq 300); do echo "{\"x\":\"padpadpadpadpadpadpadpadpadpadpadpadpadpad\"}"; done >bad.jsonl &&
	cat in.jsonl bad.jsonl >mix2.jsonl &&
	mkdir uf &&
	(ulimit -f 8; trap "" XFSZ
	 test_expect_code 3 ayak-cat --validate --on-error skip -q --rejects uf/rej.jsonl \
		-o uf/good.jsonl mix2.jsonl 2>err) &&
	grep "^ayak-cat: write error on uf/rej.jsonl: File too large$" err &&
	ls -A uf >files &&
	test_must_be_empty files
'

test_expect_success 'write errors name the standard output' '
	test_expect_code 3 ayak-cat in.jsonl >/dev/full 2>err &&
	echo "ayak-cat: write error on standard output: No space left on device" >expect &&
	test_cmp expect err &&
	test_expect_code 3 ayak-cat --help >/dev/full 2>err &&
	test_cmp expect err &&
	test_expect_code 3 ayak-filter --version >/dev/full 2>err &&
	echo "ayak-filter: write error on standard output: No space left on device" >expect &&
	test_cmp expect err
'

test_expect_success 'a gzip level over 9 is a usage error, also when no file is opened yet' '
	printf "%s\n" "ayak-cat: gzip --level must be 1 to 9, not 12" \
		"Try '\''ayak-cat --help'\''." >expect &&
	test_expect_code 2 ayak-cat --level 12 -o o.jsonl.gz in.jsonl 2>err &&
	test_cmp expect err &&
	test_expect_code 2 ayak-cat --level 12 --compress gz --split 1 -o sh </dev/null 2>err &&
	test_cmp expect err &&
	ayak-cat --level 12 -o o.jsonl.zst in.jsonl
'

# --level with nothing compressed was taken and did nothing, exit 0.
test_expect_success '--level with no compressed output is a usage error before any work, in every program' '
	W=$AYAK_TOP/tests/data/warc &&
	msg="--level needs compressed output (-z, --compress, or an output name ending .zst or .gz)" &&
	for p in cat norm lid filter dedup "tok --words" stats; do
		test_expect_code 2 ayak-$p --level 5 -o lv.jsonl in.jsonl >out 2>err &&
		printf "%s\n" "ayak-${p%% *}: $msg" "Try '\''ayak-${p%% *} --help'\''." >expect &&
		test_cmp expect err &&
		test_must_be_empty out &&
		test_path_is_missing lv.jsonl || return 1
	done &&
	test_expect_code 2 ayak-warc --level 5 $W/pages.warc.gz >out 2>err &&
	grep -x "ayak-warc: $msg" err &&
	test_must_be_empty out &&
	test_expect_code 2 ayak-cat --level 5 --split 1 --compress none -o lvs in.jsonl 2>err &&
	grep -x "ayak-cat: --level does not go with --compress none" err &&
	test_expect_code 2 ayak-norm --level 5 --compress none -o lv.zst in.jsonl 2>err &&
	grep -x "ayak-norm: --level does not go with --compress none" err &&
	test_expect_code 2 ayak-stats --level 5 --output-json lv.json in.jsonl 2>err &&
	grep -x "ayak-stats: $msg" err &&
	test_path_is_missing lv.json
'

test_expect_success '--level with a compressed output: -z, --compress, an output name, --split, --rejects' '
	ayak-cat --level 5 -z in.jsonl >lv1.zst &&
	ayak-norm --level 5 --compress gz in.jsonl >lv2.gz &&
	ayak-lid --level 5 -o lv3.jsonl.zst in.jsonl &&
	ayak-cat --level 5 --split 1 -o lvs in.jsonl &&
	test_path_is_file lvs-00001.jsonl.zst &&
	ayak-cat --validate --on-error skip -q --level 5 --rejects lvr.jsonl.gz mixed.jsonl >lv4 &&
	test_path_is_file lvr.jsonl.gz &&
	ayak-stats --level 5 --output-json lv5.json.zst in.jsonl &&
	mkdir lvd &&
	ayak-dedup --stage sign --dir lvd --shard 0 --level 5 in.jsonl &&
	: "a gzip level over 9 is found before any work there too" &&
	test_expect_code 2 ayak-stats --level 12 --output-json lv6.json.gz in.jsonl 2>err &&
	grep -x "ayak-stats: gzip --level must be 1 to 9, not 12" err &&
	test_path_is_missing lv6.json.gz
'

# These took --rejects without --on-error skip, exit 0, and wrote an empty file.
test_expect_success '--rejects where no record is dropped goes with --on-error skip, in every program' '
	W=$AYAK_TOP/tests/data/warc &&
	printf "{\"text\":\"a\",\"ids\":[1,2],\"lang\":\"zsm_Latn\"}\n" >rj.jsonl &&
	for p in "cat --validate" norm "tok --words" stats "pack -o rjp"; do
		test_expect_code 2 ayak-$p --rejects rj.out rj.jsonl >out 2>err &&
		printf "%s\n" "ayak-${p%% *}: --rejects goes with --on-error skip (ayak-${p%% *} drops no record without it)" \
			"Try '\''ayak-${p%% *} --help'\''." >expect &&
		test_cmp expect err &&
		test_must_be_empty out &&
		test_path_is_missing rj.out &&
		ayak-$p --on-error skip --rejects rj.out rj.jsonl >out &&
		test_must_be_empty rj.out &&
		rm rj.out || return 1
	done &&
	test_expect_code 2 ayak-warc --rejects rj.out $W/pages.warc.gz >out 2>err &&
	grep -x "ayak-warc: --rejects goes with --on-error skip (only the damaged records it skips go there)" err &&
	test_expect_code 2 ayak-lid --rejects rj.out rj.jsonl >out 2>err &&
	grep -x "ayak-lid: --rejects goes with --on-error skip (ayak-lid drops no record without --keep, --drop or --threshold)" err &&
	test_expect_code 2 ayak-lid --train --label-field lang -o rj.bin --rejects rj.out rj.jsonl 2>err &&
	grep -x "ayak-lid: --rejects with --train goes with --on-error skip (--train drops no record)" err &&
	test_expect_code 2 ayak-dedup --annotate --rejects rj.out rj.jsonl >out 2>err &&
	grep -x "ayak-dedup: --rejects with --annotate goes with --on-error skip (--annotate drops no record)" err &&
	test_path_is_missing rj.out &&
	test_path_is_missing rj.bin &&
	: "programs that drop records take it alone" &&
	ayak-lid --keep eng_Latn --rejects rj.out rj.jsonl >out && rm rj.out &&
	ayak-filter --rejects rj.out rj.jsonl >out && rm rj.out &&
	ayak-dedup --rejects rj.out rj.jsonl >out && rm rj.out
'

test_expect_success TTY 'compressed bytes to a terminal named by -o are refused' '
	script -eqc "ayak-cat -z -o /dev/tty in.jsonl" /dev/null </dev/null >tty.out
	test $? = 2 &&
	tr -d "\r" <tty.out >msg &&
	printf "%s\n" "ayak-cat: /dev/tty: refusing to write compressed data to a terminal" \
		"Try '\''ayak-cat --help'\''." >expect &&
	test_cmp expect msg
'

test -d /dev/shm && test -w /dev/shm && test_set_prereq SHM
test_expect_success SHM 'a regular file under /dev (/dev/shm) is written atomically like any other' '
	name=/dev/shm/ayak-outputs-$$.jsonl &&
	ayak-cat -o $name in.jsonl &&
	test_cmp in.jsonl $name &&
	printf "{\"text\":\"c\"}\n{bad\n" >bad1.jsonl &&
	test_expect_code 1 ayak-cat --validate -o $name bad1.jsonl 2>err &&
	test_cmp in.jsonl $name &&
	rm -f $name
'

test_expect_success 'empty output names are usage errors' '
	test_expect_code 2 ayak-cat -o "" in.jsonl 2>err &&
	printf "%s\n" "ayak-cat: -o wants a file name, not '\'''\''" "Try '\''ayak-cat --help'\''." >expect &&
	test_cmp expect err &&
	test_expect_code 2 ayak-norm --stats "" in.jsonl 2>err &&
	head -n 1 err >first &&
	echo "ayak-norm: --stats wants a file name, not '\'''\''" >expect &&
	test_cmp expect first &&
	test_expect_code 2 ayak-filter --rejects "" in.jsonl 2>err &&
	head -n 1 err >first &&
	echo "ayak-filter: --rejects wants a file name, not '\'''\''" >expect &&
	test_cmp expect first
'

test_expect_success 'a program without compressed output knows no -z (help and parsing)' '
	ayak-fetch --help >help &&
	! grep -e "--compress\|--level\|--zstd\|--rejects\|--field" help &&
	grep -e "--stats" help &&
	test_expect_code 2 ayak-fetch -z </dev/null 2>err &&
	printf "%s\n" "ayak-fetch: invalid option -- '\''z'\''" "Try '\''ayak-fetch --help'\''." >expect &&
	test_cmp expect err &&
	test_expect_code 2 ayak-fetch --field x </dev/null 2>err &&
	head -n 1 err >first &&
	echo "ayak-fetch: unrecognized option '\''--field'\''" >expect &&
	test_cmp expect first &&
	ayak-cat --help >help &&
	grep -e "--compress" help
'

test_expect_success GZIP 'bytes_in counts every byte read: BOM, CR, blank lines, no final newline' '
	printf "\357\273\277{\"text\":\"a\"}\r\n\n\n\n{\"text\":\"b\"}" >crlf.jsonl &&
	test $(wc -c <crlf.jsonl) = 32 &&
	ayak-cat --stats st.json crlf.jsonl >/dev/null &&
	grep -q "\"records_in\":2,.*\"bytes_in\":32," st.json &&
	gzip -c crlf.jsonl >crlf.jsonl.gz &&
	ayak-norm --stats st.json crlf.jsonl.gz >/dev/null &&
	grep -q "\"bytes_in\":32," st.json
'

test_expect_success 'option messages: ambiguous, takes no value, unknown' '
	test_expect_code 2 ayak-cat --he 1 in.jsonl 2>err &&
	head -n 1 err >first &&
	echo "ayak-cat: option '\''--he'\'' is ambiguous; possibilities: --help --head" >expect &&
	test_cmp expect first &&
	test_expect_code 2 ayak-cat --validate=yes in.jsonl 2>err &&
	head -n 1 err >first &&
	echo "ayak-cat: option '\''--validate'\'' takes no value" >expect &&
	test_cmp expect first &&
	test_expect_code 2 ayak-cat --nonesuch in.jsonl 2>err &&
	head -n 1 err >first &&
	echo "ayak-cat: unrecognized option '\''--nonesuch'\''" >expect &&
	test_cmp expect first &&
	ayak-cat --val in.jsonl >out &&
	test_cmp in.jsonl out
'

test_expect_success 'an option that names a field refuses an empty name, in every program' '
	for po in "ayak-cat --field" "ayak-filter --url-field" "ayak-dedup --url-field" \
		"ayak-lid --label-field" "ayak-tok --words --ids-field" "ayak-stats --lang-field" \
		"ayak-stats --url-field"; do
		prog=${po%% *} opt=${po##* } &&
		test_expect_code 2 $po "" in.jsonl >out 2>err &&
		printf "%s\n" "$prog: $opt wants a name, not an empty string" \
			"Try '\''$prog --help'\''." >expect &&
		test_cmp expect err &&
		test_must_be_empty out || return 1
	done
'

# From an audit (2026-11-24, night): ayak-warc and ayak-fetch open their
# outputs themselves and never claimed the standard output; a claim made
# before cli_open (--diff-file, --output-json) was not compared with it.
test_expect_success 'the standard output is claimed by every program, and compared with every claim' '
	W=$AYAK_TOP/tests/data/warc &&
	test_expect_code 2 ayak-warc --stats w.jsonl $W/pages.warc.gz >w.jsonl 2>err &&
	printf "%s\n" "ayak-warc: the standard output and --stats name the same file" \
		"Try '\''ayak-warc --help'\''." >expect &&
	test_cmp expect err &&
	test_must_be_empty w.jsonl &&
	test_expect_code 2 ayak-warc --on-error skip -q --rejects - $W/damaged.warc >out 2>err &&
	grep -x "ayak-warc: --rejects -: the rejects and the records would both go to the standard output" err &&
	test_must_be_empty out &&
	test_expect_code 2 ayak-fetch --stats f.bin in.jsonl >f.bin 2>err &&
	grep -x "ayak-fetch: the standard output and --stats name the same file" err &&
	test_expect_code 2 ayak-norm --diff-file d.txt in.jsonl >d.txt 2>err &&
	grep -x "ayak-norm: --diff-file and the standard output name the same file" err &&
	test_expect_code 2 ayak-stats -f text --output-json s.txt in.jsonl >s.txt 2>err &&
	grep -x "ayak-stats: --output-json and the standard output name the same file" err
'

test_expect_success 'more than sixteen outputs: all claimed, none renamed when one fails' '
	outs= && for i in $(seq 20); do outs="$outs --output-json r$i.json"; done &&
	test_expect_code 2 ayak-stats $outs --output-json r3.json in.jsonl >/dev/null 2>err &&
	grep -x "ayak-stats: --output-json and --output-json name the same file" err &&
	test_expect_code 3 ayak-stats $outs --stats /dev/full in.jsonl >/dev/null 2>err &&
	grep -x "ayak-stats: write error on /dev/full: No space left on device" err &&
	{ ls r*.json 2>/dev/null || :; } >left &&
	test_must_be_empty left &&
	more= && for i in $(seq 21 70); do more="$more --output-json r$i.json"; done &&
	AYAK_NO_TMPFILE=1 test_expect_code 3 ayak-stats $outs $more --stats /dev/full in.jsonl >/dev/null 2>err &&
	{ ls -A | grep "^\.\?r[0-9]" || :; } >left &&
	test_must_be_empty left &&
	ayak-stats $outs in.jsonl >/dev/null &&
	ls r*.json | wc -l >n &&
	echo 20 >expect &&
	test_cmp expect n
'

test_expect_success 'an input that is also the standard output is refused (it would be read back as it grows)' '
	cp in.jsonl grow.jsonl &&
	for p in ayak-cat ayak-norm ayak-filter ayak-lid; do
		test_expect_code 2 $p grow.jsonl >>grow.jsonl 2>err &&
		printf "%s\n" "$p: grow.jsonl is also the standard output" "Try '\''$p --help'\''." >expect &&
		test_cmp expect err &&
		test_cmp in.jsonl grow.jsonl || return 1
	done &&
	test_expect_code 2 ayak-cat <grow.jsonl >>grow.jsonl 2>err &&
	grep -x "ayak-cat: the standard input is also the standard output" err &&
	ayak-cat grow.jsonl >>other.jsonl &&
	test_cmp in.jsonl other.jsonl &&
	: "the standard output not written to: no matter" &&
	ayak-cat -o o.jsonl grow.jsonl >>grow.jsonl &&
	test_cmp in.jsonl o.jsonl
'

# They replaced the input with their counters, rejects or diff, exit 0.
test_expect_success '--stats, --rejects and the like naming an input are refused; -o may' '
	cp in.jsonl g.jsonl &&
	ln -s g.jsonl g-link.jsonl &&
	for p in "ayak-cat --validate" ayak-norm ayak-filter ayak-lid ayak-dedup ayak-stats; do
		for o in --stats --rejects; do
			test_expect_code 2 $p --on-error skip $o g-link.jsonl g.jsonl >out 2>err &&
			printf "%s\n" "${p%% *}: $o and the input g.jsonl name the same file" \
				"Try '\''${p%% *} --help'\''." >expect &&
			test_cmp expect err &&
			test_must_be_empty out &&
			test_cmp in.jsonl g.jsonl || return 1
		done
	done &&
	test_expect_code 2 ayak-norm --diff-file g.jsonl <g.jsonl >out 2>err &&
	grep -x "ayak-norm: --diff-file and the standard input name the same file" err &&
	test_expect_code 2 ayak-stats --output-json g.jsonl g.jsonl 2>err &&
	grep -x "ayak-stats: --output-json and the input g.jsonl name the same file" err &&
	test_cmp in.jsonl g.jsonl &&
	ayak-tok -t "$AYAK_TOP/lexicons/tok/ms-bpe-32k.json" --binary in.jsonl >ids.bin &&
	cp ids.bin ids-in.bin &&
	test_expect_code 2 ayak-pack -o pk/x --stats ids-in.bin ids-in.bin 2>err &&
	grep -x "ayak-pack: --stats and the input ids-in.bin name the same file" err &&
	test_cmp ids.bin ids-in.bin &&
	echo http://127.0.0.1:1/x >urls &&
	cp urls urls.orig &&
	test_expect_code 2 ayak-fetch -d dl --stats urls urls 2>err &&
	grep -x "ayak-fetch: --stats and the input urls name the same file" err &&
	test_cmp urls.orig urls &&
	ayak-cat -o g.jsonl g.jsonl &&
	test_cmp in.jsonl g.jsonl
'

test_expect_success 'ayak-warc and ayak-fetch refuse an input that is also the standard output' '
	gzip -dc "$TEST_DATA/warc/pages.warc.gz" >grow.warc &&
	cp grow.warc pages.warc &&
	test_expect_code 2 ayak-warc grow.warc >>grow.warc 2>err &&
	grep -x "ayak-warc: grow.warc is also the standard output" err &&
	test_expect_code 2 ayak-warc <grow.warc >>grow.warc 2>err &&
	grep -x "ayak-warc: the standard input is also the standard output" err &&
	test_cmp pages.warc grow.warc &&
	echo http://127.0.0.1:1/x >list &&
	cp list list.orig &&
	test_expect_code 2 ayak-fetch list >>list 2>err &&
	grep -x "ayak-fetch: list is also the standard output" err &&
	test_cmp list.orig list &&
	ayak-warc grow.warc >>other.jsonl &&
	test -s other.jsonl
'

test_expect_success '--stats to the standard output after compressed records is refused' '
	test_expect_code 2 ayak-cat -z --stats - in.jsonl >o.zst 2>err &&
	grep -x "ayak-cat: --stats -: the counters would follow the compressed records on the standard output" err &&
	test_must_be_empty o.zst
'

# A field a program writes that was there twice kept its first copy, an
# old value beside the new one ("filter":1,...,"filter":{...})
test_expect_success 'a field a program writes is left once, where its last copy was' '
	echo "{\"filter\":1,\"text\":\"Saya tidak dapat hadir\",\"filter\":2}" >dup.jsonl &&
	ayak-filter --annotate dup.jsonl | jq -c "[keys_unsorted, (.filter | type)]" >out &&
	echo "[[\"text\",\"filter\"],\"object\"]" >expect &&
	test_cmp expect out &&
	echo "{\"dedup\":1,\"text\":\"Saya\",\"dedup\":2}" >dup.jsonl &&
	ayak-dedup --annotate dup.jsonl >out &&
	echo "{\"text\":\"Saya\",\"dedup\":\"keep\",\"dedup_cluster\":0,\"dedup_size\":1}" >expect &&
	test_cmp expect out &&
	echo "{\"text\":\"  Saya \",\"id\":1,\"text\":\"  Dia  \"}" >dup.jsonl &&
	ayak-norm dup.jsonl >out &&
	echo "{\"id\":1,\"text\":\"Dia\"}" >expect &&
	test_cmp expect out &&
	echo "{\"ids\":[1],\"text\":\"Saya\",\"ids\":[2],\"words\":0,\"words\":1}" >dup.jsonl &&
	ayak-tok -t "$TEST_DATA/tok/bytelevel/tokenizer.json" dup.jsonl >out &&
	echo "{\"text\":\"Saya\",\"ids\":[50,383],\"words\":0,\"words\":1}" >expect &&
	test_cmp expect out &&
	ayak-tok --words dup.jsonl >out &&
	echo "{\"ids\":[1],\"text\":\"Saya\",\"ids\":[2],\"words\":[\"Saya\"]}" >expect &&
	test_cmp expect out
'

test_done
