#!/usr/bin/env bash
test_description='ayak-pack: shards an earlier run left under the prefix, the shard number limit, prefixes without a name or under /dev, directories that cannot be written, output errors, --verify of many shards'
. "$(dirname "$0")/../lib.sh"

T=$TEST_DATA/tok

test_expect_success 'setup' '
	ayak-tok -t "$T/bytelevel/tokenizer.json" --binary "$T/input.jsonl" >ids.tok
'

# docs PREFIX: the documents of PREFIX-*.idx, added up.
docs () {
	ayak-pack --verify "$1"-*.idx | sed -e "s/.*\"documents\":\([0-9]*\).*/\1/" | awk "{s += \$1} END {print s}"
}

test_expect_success 'a run with fewer shards removes those an earlier run left above them' '
	ayak-pack --shard-tokens 100 -o st/ms ids.tok &&
	ls st >first &&
	test $(wc -l <first) -gt 6 &&
	ayak-pack --shard-tokens 400 -o st/ms ids.tok &&
	ls st >second &&
	test $(wc -l <second) -lt $(wc -l <first) &&
	test $(grep -c "\.idx$" second) = $(grep -c "\.bin$" second) &&
	test "$(docs st/ms)" = 18
'

test_expect_success '... and numbered shards and PREFIX.bin, .idx, .u16 or .u32 do not stay beside each other' '
	ayak-pack --shard-tokens 100 -o sw/ms ids.tok &&
	ayak-pack --format flat -o sw/ms ids.tok &&
	ayak-pack -o sw/ms ids.tok &&
	ls sw >got &&
	printf "%s\n" ms.bin ms.idx >expect &&
	test_cmp expect got &&
	ayak-pack --shard-tokens 100 -o sw/ms ids.tok &&
	ls sw >got &&
	! grep "^ms\." got &&
	grep -q "^ms-00000.idx" got
'

test_expect_success '... in any format, up to the first number with none; other formats under its numbers go too' '
	ayak-pack --shard-tokens 100 -o f/ms ids.tok &&
	: >f/ms-00040.idx &&
	ayak-pack --shard-tokens 400 --format flat -o f/ms ids.tok &&
	ls f >got &&
	printf "ms-%05d.u16\n" $(seq 0 $(($(grep -c "u16$" got) - 1))) >expect &&
	echo ms-00040.idx >>expect &&
	test_cmp expect got
'

test_expect_success 'a failed run leaves the shards of an earlier run above its own' '
	ayak-pack --shard-tokens 100 -o g/ms ids.tok &&
	ls g >before &&
	head -c -12 ids.tok >cut.tok &&
	test_expect_code 1 ayak-pack --shard-tokens 400 -o g/ms cut.tok 2>err &&
	ls g >after &&
	comm -13 before after >new &&
	test_must_be_empty new
'

test_expect_success 'a run that fails after some shards leaves the earlier run whole and untouched' '
	printf "{\"ids\":[1,2]}\n{\"ids\":[3,4]}\n{\"ids\":[5,6]}\n" >good.jsonl &&
	printf "{\"ids\":[7,8]}\n{\"ids\":[9,10]}\n{\"ids\":[11,\n" >bad.jsonl &&
	ayak-pack -o h/ms --shard-tokens 2 good.jsonl &&
	(cd h && ls -A && cksum ms-*) >before &&
	test_expect_code 1 ayak-pack -o h/ms --shard-tokens 2 bad.jsonl 2>err &&
	echo "ayak-pack: bad.jsonl:3: malformed record: unexpected end of line at column 12" >expect &&
	test_cmp expect err &&
	(cd h && ls -A && cksum ms-*) >after &&
	test_cmp before after &&
	ayak-pack --verify h/ms-00000.idx | grep -q "\"max_token\":2," &&
	: "and without --shard-tokens: PREFIX.bin and PREFIX.idx stay" &&
	ayak-pack -o h/one good.jsonl &&
	cksum h/one.* >before &&
	test_expect_code 1 ayak-pack -o h/one bad.jsonl 2>/dev/null &&
	cksum h/one.* >after &&
	test_cmp before after
'

test_expect_success 'a run killed by a signal leaves the earlier run as it was, and nothing of its own' '
	ayak-pack -o k/ms --shard-tokens 2 good.jsonl &&
	(cd k && ls -A && cksum ms-*) >before &&
	(cat good.jsonl; sleep 5) | {
		ayak-pack -o k/ms --shard-tokens 2 & pid=$!
		sleep 1 && kill -TERM $pid; wait $pid; echo $? >rc
	} &&
	echo 143 >expect && test_cmp expect rc &&
	(cd k && ls -A && cksum ms-*) >after &&
	test_cmp before after
'

# From an audit: a signal while the shards were renamed into place left a
# mix of the two runs (new shards that verify, the earlier run's gone).
test_expect_success 'a signal while the shards go in place: the earlier run or the new one, whole' '
	awk "BEGIN { for (i = 0; i < 20000; i++) print \"{\\\"ids\\\":[1,2,3,4,5,6,7,8,9,10]}\" }" >many.jsonl &&
	ayak-pack -o r/ms --shard-tokens 1000000 many.jsonl &&
	(cd r && cksum ms-*) >old || return 1
	ayak-pack -o r/ms --shard-tokens 40 many.jsonl &
	pid=$!
	timeout 60 sh -c "until test -e r/ms-00003.idx; do :; done";
	kill -TERM $pid; wait $pid;
	ls -A r >left &&
	! grep "^\." left &&
	if test $(wc -l <left) = 2
	then (cd r && cksum ms-*) >now && test_cmp old now
	else test $(grep -c "idx$" left) = 5000 && ayak-pack --verify r/ms-0*.idx >/dev/null
	fi
'

test_expect_success '--stats that cannot be written: the earlier shards stay, none of the new ones' '
	ayak-pack -o s2/ms --shard-tokens 1000000 many.jsonl &&
	(cd s2 && cksum ms-*) >old &&
	test_expect_code 3 ayak-pack -o s2/ms --shard-tokens 40 --stats /dev/full many.jsonl 2>err &&
	echo "ayak-pack: write error on /dev/full: No space left on device" >expect &&
	test_cmp expect err &&
	ls -A s2 >left &&
	test_line_count = 2 left &&
	(cd s2 && cksum ms-*) >now &&
	test_cmp old now
'

test_expect_success 'a successful run replaces the earlier run and leaves no hidden directory' '
	ayak-pack -o h/ms --shard-tokens 4 --verify good.jsonl &&
	ls -A h >got &&
	printf "%s\n" ms-00000.bin ms-00000.idx ms-00001.bin ms-00001.idx one.bin one.idx >expect &&
	test_cmp expect got
'

cat >same.expect <<\EOF
ayak-pack: the shards of -o and --stats name the same file
Try 'ayak-pack --help'.
EOF
sed -e "s/--stats/--rejects/" same.expect >same-rejects.expect

test_expect_success '--stats or --rejects naming a shard is a usage error, the shards and the file untouched' '
	printf "{\"ids\":[1,2,3]}\n{\"ids\":[4]}\n" >ids.jsonl &&
	test_expect_code 2 ayak-pack -o same/ms --stats same/ms.idx ids.jsonl 2>err &&
	test_cmp same.expect err &&
	test_path_is_missing same/ms.idx &&
	ayak-pack -o same/ms ids.jsonl &&
	cksum same/* >before &&
	test_expect_code 2 ayak-pack -o same/ms --stats same/ms.idx ids.jsonl 2>err &&
	test_cmp same.expect err &&
	test_expect_code 2 ayak-pack -o same/ms --rejects same/ms.bin --on-error skip ids.jsonl 2>err &&
	test_cmp same-rejects.expect err &&
	test_expect_code 2 ayak-pack -o same/ms --stats same/ms.idx ids.tok 2>err &&
	test_cmp same.expect err &&
	test_expect_code 2 ayak-pack -o same/ms --rejects ./same/../same/ms.bin --on-error skip ids.jsonl 2>err &&
	test_cmp same-rejects.expect err &&
	: "a token stream holds no records to reject" &&
	test_expect_code 2 ayak-pack -o same/ms --rejects same/r.jsonl ids.tok 2>err &&
	grep -qx "ayak-pack: --rejects does not go with a token stream (it holds no records)" err &&
	test_expect_code 2 ayak-pack -o same/ms --field x ids.tok 2>err &&
	grep -qx "ayak-pack: --field does not go with a token stream (it holds no records)" err &&
	test_path_is_missing same/r.jsonl &&
	cksum same/* >after &&
	test_cmp before after &&
	test_expect_code 2 ayak-pack -o flat/ms --format flat --eot 0 --stats flat/ms.u32 ids.jsonl 2>err &&
	test_cmp same.expect err &&
	ayak-pack -o same/ms --stats same/ms.json --format flat --eot 0 --vocab-size 10 ids.jsonl &&
	test_path_is_file same/ms.u16 &&
	: "the earlier run of the other format goes (a glob of same/ms* would take it)" &&
	test_path_is_missing same/ms.idx &&
	test_path_is_missing same/ms.bin
'

test_expect_success '... also through a symbolic link or a hard link' '
	ayak-pack -o same/ms ids.jsonl &&
	test_path_is_missing same/ms.u16 &&
	cksum same/ms.bin same/ms.idx >before2 &&
	ln -s same/ms.idx lnk.json &&
	test_expect_code 2 ayak-pack -o same/ms --stats lnk.json ids.jsonl 2>err &&
	test_cmp same.expect err &&
	ln same/ms.idx hard.json &&
	test_expect_code 2 ayak-pack -o same/ms --stats hard.json ids.jsonl 2>err &&
	test_cmp same.expect err &&
	cksum same/ms.bin same/ms.idx >after &&
	test_cmp before2 after
'

test_expect_success '... and with --shard-tokens, any name PREFIX-NNNNN.bin or .idx, a link to one too' '
	ayak-pack -o num/ms --shard-tokens 1 ids.jsonl &&
	cksum num/* >before &&
	test_expect_code 2 ayak-pack -o num/ms --shard-tokens 1 --stats num/ms-00001.idx ids.jsonl 2>err &&
	test_cmp same.expect err &&
	test_expect_code 2 ayak-pack -o num/ms --shard-tokens 1 --stats num/ms-00007.bin ids.tok 2>err &&
	test_cmp same.expect err &&
	ln -s num/ms-00003.idx dangling.json &&
	test_expect_code 2 ayak-pack -o num/ms --shard-tokens 1 --stats dangling.json ids.jsonl 2>err &&
	test_cmp same.expect err &&
	ln -s num/ms-00000.bin lnk0.json &&
	test_expect_code 2 ayak-pack -o num/ms --shard-tokens 1 --on-error skip --rejects lnk0.json ids.jsonl 2>err &&
	test_cmp same-rejects.expect err &&
	mkdir other &&
	ln -s ../num/ms-00002.bin other/ms-00001.bin &&
	test_expect_code 2 ayak-pack -o num/ms --shard-tokens 1 --stats other/ms-00001.bin ids.jsonl 2>err &&
	test_cmp same.expect err &&
	cksum num/* >after &&
	test_cmp before after &&
	: "names of another form are not shards" &&
	ayak-pack -o num/ms --shard-tokens 1 --stats num/ms-00001.json --on-error skip \
		--rejects num/ms-00001.u16 ids.jsonl &&
	test_path_is_file num/ms-00001.json
'

# 100000 shards on a disk take minutes (a fsync each): on a tmpfs of a user namespace, seconds.
unshare -rm true 2>/dev/null && test_set_prereq USERNS

test_expect_success USERNS 'more than 100000 shards are refused (numbers of five digits sort as names)' '
	mkdir mnt && yes "{\"ids\":[]}" | head -n 100001 >many.jsonl &&
	unshare -rm sh -c "mount -t tmpfs none mnt &&
		ayak-pack --format flat --eot 0 --vocab-size 10 --shard-tokens 1 -o mnt/x many.jsonl 2>err
		echo \$? >rc; ls -A mnt >left" &&
	echo 3 >expect && test_cmp expect rc &&
	echo "ayak-pack: more than 100000 shards (their numbers have five digits): give a larger --shard-tokens" >expect &&
	test_cmp expect err &&
	test_must_be_empty left
'

test_expect_success 'a prefix without a name is a usage error' '
	test_expect_code 2 ayak-pack -o outdir/ ids.tok 2>err &&
	cat >expect <<-\EOF &&
	ayak-pack: -o PREFIX needs a name after the directory, as in out/ms, not '"'"'outdir/'"'"'
	Try '"'"'ayak-pack --help'"'"'.
	EOF
	test_cmp expect err &&
	test_expect_code 2 ayak-pack -o outdir/. ids.tok 2>/dev/null &&
	test_path_is_missing outdir
'

# no_files PREFIX UNDER ARGS...: -o PREFIX is refused as under UNDER, a usage error.
no_files () {
	local prefix=$1 under=$2
	shift 2
	test_expect_code 2 ayak-pack -o "$prefix" "$@" 2>err &&
	printf "%s\n" "ayak-pack: $prefix: shards are files made in the prefix's directory, and none are made under $under: give a prefix in a directory this run can write" \
		"Try 'ayak-pack --help'." >expect &&
	test_cmp expect err
}

test_expect_success 'a prefix under /dev or /proc is a usage error, found before anything is made there' '
	{ ls -A /dev | grep "^\.ayak-pack\." || :; } >dev-before &&
	no_files /dev/full /dev ids.jsonl &&
	no_files /dev/full /dev ids.tok &&
	no_files /dev/full /dev --format flat --eot 0 --shard-tokens 1 ids.jsonl &&
	no_files /dev/null /dev ids.jsonl &&
	no_files /dev/stdout /dev --verify ids.jsonl &&
	no_files /dev/fd/1 /dev ids.jsonl &&
	no_files /dev/shm /dev ids.jsonl &&
	no_files /dev/ayak-pack-test/x /dev ids.jsonl &&
	test_path_is_missing /dev/ayak-pack-test &&
	no_files /proc/self/x /proc ids.jsonl &&
	: "through a link, or .., too" &&
	ln -s /dev devlink &&
	no_files devlink/full /dev ids.jsonl &&
	no_files devlink/new/x /dev ids.jsonl &&
	no_files "$PWD/../../../../../../../../../../dev/full" /dev ids.jsonl &&
	here=$PWD &&
	(cd /dev && ayak-pack -o full "$here/ids.jsonl" 2>"$here/err"; echo $? >"$here/rc") &&
	echo 2 >expect && test_cmp expect rc &&
	grep -q "^ayak-pack: full: shards are files made in the prefix'"'"'s directory, and none are made under /dev: " err &&
	{ ls -A /dev | grep "^\.ayak-pack\." || :; } >dev-after &&
	test_cmp dev-before dev-after
'

test -d /dev/shm && test -w /dev/shm && test_set_prereq SHM

test_expect_success SHM '... but /dev/shm holds files, as any directory' '
	shm=$(mktemp -d /dev/shm/ayak-pack-test.XXXXXX) &&
	ayak-pack -o "$shm/x" --verify ids.jsonl &&
	ls -A "$shm" >got &&
	printf "%s\n" x.bin x.idx >expect &&
	rm -rf "$shm" &&
	test_cmp expect got
'

test_expect_success NOT_ROOT 'a prefix whose directory cannot be written: exit 3, before anything is made' '
	mkdir ro && chmod 555 ro &&
	test_expect_code 3 ayak-pack -o ro/x ids.jsonl 2>err &&
	echo "ayak-pack: ro/x: shards are files made in the prefix'"'"'s directory, ro, which this run cannot write: Permission denied" >expect &&
	test_cmp expect err &&
	test_expect_code 3 ayak-pack -o ro/x --shard-tokens 1 ids.tok 2>err &&
	test_cmp expect err &&
	ls -A ro >left &&
	chmod 755 ro &&
	test_must_be_empty left
'

test_expect_success USERNS '... a read-only file system, root too' '
	mkdir -p romnt &&
	unshare -rm sh -c "mount -t tmpfs -o ro none romnt &&
		ayak-pack -o romnt/x ids.jsonl 2>err1; echo \$? >rc1
		ayak-pack -o romnt/x --format flat --eot 0 ids.tok 2>err2; echo \$? >rc2
		cd romnt && ayak-pack -o x ../ids.jsonl 2>../err3; echo \$? >../rc3; ls -A >../left" &&
	echo 3 >expect && test_cmp expect rc1 && test_cmp expect rc2 && test_cmp expect rc3 &&
	echo "ayak-pack: romnt/x: shards are files made in the prefix'"'"'s directory, romnt, which this run cannot write: Read-only file system" >expect &&
	test_cmp expect err1 &&
	test_cmp expect err2 &&
	echo "ayak-pack: x: shards are files made in the current directory, which this run cannot write: Read-only file system" >expect &&
	test_cmp expect err3 &&
	test_must_be_empty left
'

test_expect_success 'an output error does not carry the input file and line' '
	: >file &&
	test_expect_code 3 ayak-pack -o file/x ids.tok 2>err &&
	echo "ayak-pack: file/x.bin: Not a directory" >expect &&
	test_cmp expect err &&
	printf "{\"ids\":[1]}\n" >r.jsonl &&
	test_expect_code 3 ayak-pack -o file/x r.jsonl 2>err &&
	test_cmp expect err
'

# From an audit: a write error named the shard in the hidden directory.
test_expect_success 'a shard that cannot be written is named as it would be in place' '
	awk "BEGIN { for (i = 0; i < 2000; i++) print \"{\\\"ids\\\":[1,2,3,4,5,6,7,8,9,10]}\" }" >some.jsonl &&
	for o in "-o lim/ms" "-o lim/ms --shard-tokens 3000" "-o ms"; do
		(trap "" XFSZ && ulimit -f 8 && ayak-pack $o some.jsonl) 2>err;
		echo $? >rc &&
		echo 3 >expect &&
		test_cmp expect rc &&
		case $o in
		*3000) echo "ayak-pack: write error on lim/ms-00000.bin: File too large" ;;
		"-o ms") echo "ayak-pack: write error on ms.bin: File too large" ;;
		*) echo "ayak-pack: write error on lim/ms.bin: File too large" ;;
		esac >expect &&
		test_cmp expect err || return 1
	done
'

test_expect_success 'an ID above the vocabulary says so, not the dtype' '
	echo "{\"ids\":[40000]}" | test_expect_code 1 ayak-pack --vocab-size 32000 -o p16/x 2>err &&
	echo "ayak-pack: (stdin):1: token ID 40000 is not below the vocabulary size 32000" >expect &&
	test_cmp expect err &&
	echo "{\"ids\":[70000]}" | test_expect_code 1 ayak-pack --dtype uint16 -o p16/x 2>err &&
	echo "ayak-pack: (stdin):1: token ID 70000 is out of range for uint16 (largest 65535)" >expect &&
	test_cmp expect err
'

test_expect_success '--verify: one line for each shard, a bad one too, exit 1 at the end' '
	ayak-pack -o v/g ids.tok &&
	cp v/g.idx v/bad.idx && head -c 10 v/g.bin >v/bad.bin &&
	test_expect_code 1 ayak-pack --verify --stats vs.json v/bad.idx v/g.idx v/bad v/g.bin >out 2>err &&
	cat >expect <<-\EOF &&
	{"shard":"v/bad.idx","ok":false,"error":"v/bad.idx: the index covers 1468 bytes, the .bin has 10"}
	{"shard":"v/g.idx","format":"megatron","dtype":"uint16","documents":18,"tokens":734,"max_token":599,"bytes":1468,"ok":true}
	{"shard":"v/bad","ok":false,"error":"v/bad.idx: the index covers 1468 bytes, the .bin has 10"}
	{"shard":"v/g.bin","format":"megatron","dtype":"uint16","documents":18,"tokens":734,"max_token":599,"bytes":1468,"ok":true}
	EOF
	test_cmp expect out &&
	cat >expect <<-\EOF &&
	ayak-pack: v/bad.idx: the index covers 1468 bytes, the .bin has 10
	ayak-pack: v/bad.idx: the index covers 1468 bytes, the .bin has 10
	EOF
	test_cmp expect err &&
	grep -q "\"counts\":{\"verified_shards\":2,\"failed_shards\":2}" vs.json &&
	test_expect_code 3 ayak-pack --verify v/nope.idx v/g >out 2>err &&
	test_line_count = 2 out &&
	echo "ayak-pack: v/nope.idx: No such file or directory" >expect &&
	test_cmp expect err
'

test_expect_success '--verify of a file that is no shard (a token stream, a compressed .idx) says so' '
	zstd -q -c v/g.idx >v/z.idx.zst 2>/dev/null || gzip -c v/g.idx >v/z.idx.zst &&
	test_expect_code 1 ayak-pack --verify ids.tok v/z.idx.zst v/g >out 2>err &&
	cat >expect <<-\EOF &&
	ayak-pack: ids.tok: not a shard: name an .idx, .bin, .u16 or .u32 file, or the prefix of an .idx and a .bin
	ayak-pack: v/z.idx.zst: not a shard: name an .idx, .bin, .u16 or .u32 file, or the prefix of an .idx and a .bin
	EOF
	test_cmp expect err &&
	test_line_count = 3 out &&
	grep -q "^{\"shard\":\"ids.tok\",\"ok\":false,\"error\":\"ids.tok: not a shard" out
'

test_expect_success '--verify --stats counts verified_shards' '
	ayak-pack --verify --stats vs.json v/g.idx >out &&
	grep -q "\"counts\":{\"verified_shards\":1,\"failed_shards\":0}" vs.json
'

test_expect_success '--verify of a flat file: documents are not known without --eot' '
	ayak-pack --format flat --tokenizer "$T/bytelevel/tokenizer.json" -o fl ids.tok &&
	ayak-pack --verify fl.u16 >out &&
	echo "{\"shard\":\"fl.u16\",\"format\":\"flat\",\"dtype\":\"uint16\",\"documents\":null,\"tokens\":752,\"max_token\":599,\"bytes\":1504,\"ok\":true}" >expect &&
	test_cmp expect out &&
	ayak-pack --verify --eot 599 fl.u16 >out &&
	: "18 documents, two of whose texts hold <|endoftext|>: the end-of-text tokens count 20" &&
	grep -q "\"documents\":20," out
'

test_expect_success '--verify with -o of a flat file whose documents hold the end-of-text token' '
	: "two of the texts hold <|endoftext|>: 20 end-of-text tokens for 18 documents" &&
	ayak-pack --format flat --tokenizer "$T/bytelevel/tokenizer.json" --verify -o flv ids.tok 2>err &&
	test_must_be_empty err &&
	test $(wc -c <flv.u16) = 1504 &&
	ayak-pack --format flat --tokenizer "$T/bytelevel/tokenizer.json" --verify --shard-tokens 300 -o flv/s ids.tok &&
	cat flv/s-0000[0-9].u16 | cmp - flv.u16
'

test_expect_success '--verify: int8 and int16 tokens are signed, as Megatron reads them' '
	echo "{\"ids\":[40000,1]}" | ayak-pack --dtype uint16 -o i16 &&
	printf "\003" | dd of=i16.idx bs=1 seek=17 conv=notrunc 2>/dev/null &&
	test_expect_code 1 ayak-pack --verify i16.idx >out 2>err &&
	echo "ayak-pack: i16.bin: token 0 is negative" >expect &&
	test_cmp expect err
'

test_done
