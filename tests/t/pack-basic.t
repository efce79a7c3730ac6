#!/usr/bin/env bash
test_description='ayak-pack: Megatron .bin/.idx read back by an independent reader (python3 struct), flat files, shards, --verify, empty documents, end-of-text tokens and vocabularies the dtype cannot hold'
. "$(dirname "$0")/../lib.sh"

T=$TEST_DATA/tok
command -v python3 >/dev/null 2>&1 && test_set_prereq PYTHON3

# A Megatron-LM MMIDIDX reader of our own, with Python's struct module only:
#   readidx.py PREFIX  prints the header fields, then one line per document with its tokens
cat >readidx.py <<\EOF
import struct, sys
DTYPES = {1: ('B', 1), 2: ('b', 1), 3: ('h', 2), 4: ('i', 4), 5: ('q', 8), 8: ('H', 2)}
prefix = sys.argv[1]
idx = open(prefix + '.idx', 'rb').read()
bin_ = open(prefix + '.bin', 'rb').read()
assert idx[:9] == b'MMIDIDX\x00\x00', 'magic'
version, = struct.unpack_from('<Q', idx, 9)
code, = struct.unpack_from('<B', idx, 17)
nseq, ndoc = struct.unpack_from('<QQ', idx, 18)
off = 34
sizes = struct.unpack_from('<%di' % nseq, idx, off); off += 4 * nseq
ptrs = struct.unpack_from('<%dq' % nseq, idx, off); off += 8 * nseq
docs = struct.unpack_from('<%dq' % ndoc, idx, off); off += 8 * ndoc
assert off == len(idx), 'trailing bytes in .idx'
fmt, width = DTYPES[code]
print('version %d dtype %d sequences %d documents %d' % (version, code, nseq, ndoc))
print('doc_idx ' + ' '.join(map(str, docs)))
expect = 0
for s, p in zip(sizes, ptrs):
    assert p == expect, 'pointer %d, want %d' % (p, expect)
    toks = struct.unpack_from('<%d%s' % (s, fmt), bin_, p)
    print('%d: %s' % (s, ' '.join(map(str, toks))))
    expect = p + s * width
assert expect == len(bin_), '.bin has %d bytes, index covers %d' % (len(bin_), expect)
EOF

test_expect_success 'setup' '
	printf "{\"ids\":[5,6,7]}\n{\"ids\":[]}\n{\"x\":1,\"ids\":[ 65535 , 0 ]}\n" >small.jsonl &&
	ayak-tok -t "$T/bytelevel/tokenizer.json" "$T/input.jsonl" >ids.jsonl &&
	ayak-tok -t "$T/bytelevel/tokenizer.json" --binary "$T/input.jsonl" >ids.bin
'

test_expect_success PYTHON3 'records with ids: every field of the .idx, read with struct' '
	ayak-pack -o m --dtype uint16 small.jsonl >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty err &&
	python3 readidx.py m >got &&
	cat >expect <<-\EOF &&
	version 1 dtype 8 sequences 3 documents 4
	doc_idx 0 1 2 3
	3: 5 6 7
	0: 
	2: 65535 0
	EOF
	test_cmp expect got
'

test_expect_success PYTHON3 'int32 when the vocabulary has 65500 tokens or more' '
	ayak-pack -o big --vocab-size 65536 small.jsonl &&
	python3 readidx.py big | head -n 1 >got &&
	echo "version 1 dtype 4 sequences 3 documents 4" >expect &&
	test_cmp expect got &&
	test $(wc -c <big.bin) = 20
'

test_expect_success PYTHON3 'ayak-tok --binary and ayak-tok records give the same shards' '
	ayak-pack -o a --vocab-size 600 ids.jsonl &&
	ayak-pack -o b ids.bin &&
	test_cmp_bin a.bin b.bin &&
	test_cmp_bin a.idx b.idx &&
	python3 readidx.py a >got &&
	sed -n "3,\$p" got | sed -e "s/^[0-9]*: //" -e "s/ /,/g" -e "s/^/[/" -e "s/\$/]/" >tokens &&
	test_cmp "$T/expected-bytelevel.txt" tokens
'

test_expect_success 'the vocabulary size comes from --tokenizer or the stream; without it, int32' '
	ayak-pack -o c --tokenizer "$T/bytelevel/tokenizer.json" ids.jsonl &&
	test_cmp_bin a.bin c.bin &&
	ayak-pack -o d <ids.bin &&
	test_cmp_bin a.bin d.bin &&
	ayak-pack -o e ids.jsonl 2>err &&
	test_must_be_empty err &&
	test $(wc -c <e.bin) = $(($(wc -c <a.bin) * 2)) &&
	ayak-pack --verify e >out &&
	grep -q "\"dtype\":\"int32\"" out &&
	ayak-pack -o e2 --dtype uint16 <ids.jsonl &&
	test_cmp_bin a.bin e2.bin
'

test_expect_success 'a pipe: ayak-tok --binary | ayak-pack, and zstd records on standard input' '
	ayak-tok -t "$T/bytelevel/tokenizer.json" --binary "$T/input.jsonl" | ayak-pack -o p &&
	test_cmp_bin a.bin p.bin &&
	test_cmp_bin a.idx p.idx
'

# From an audit: each named input was opened once to tell records from a
# token stream and again to be read, so a pipe lost its first bytes
# (records skipped with exit 0 under --on-error skip; a stream refused).
test_expect_success 'a named pipe, <(...), is read once: records and token streams' '
	ayak-pack -o q1 --vocab-size 600 --stats q1.json <(cat ids.jsonl) &&
	test_cmp_bin a.bin q1.bin &&
	test_cmp_bin a.idx q1.idx &&
	ayak-pack -o q2 <(cat ids.bin) &&
	test_cmp_bin a.bin q2.bin &&
	ayak-pack -o q3 --vocab-size 600 ids.jsonl <(cat ids.jsonl) &&
	ayak-pack -o q4 --vocab-size 600 ids.jsonl ids.jsonl &&
	test_cmp_bin q4.bin q3.bin &&
	test_cmp_bin q4.idx q3.idx &&
	rm -f pipe && mkfifo pipe &&
	{ cat ids.bin >pipe & } &&
	ayak-pack -o q5 pipe &&
	wait &&
	test_cmp_bin a.bin q5.bin
'

test_expect_success ZSTD 'compressed records are read' '
	zstd -q ids.jsonl -o ids.jsonl.zst &&
	ayak-pack -o z --vocab-size 600 <ids.jsonl.zst &&
	test_cmp_bin a.bin z.bin &&
	ayak-pack -o z2 --vocab-size 600 ids.jsonl.zst &&
	test_cmp_bin a.idx z2.idx
'

test_expect_success PYTHON3 '--append-eot adds the end-of-text token to every document' '
	printf "{\"ids\":[1,2]}\n{\"ids\":[]}\n" >two.jsonl &&
	ayak-pack -o e4 --vocab-size 600 --eot 599 --append-eot two.jsonl &&
	python3 readidx.py e4 >got &&
	printf "version 1 dtype 8 sequences 2 documents 3\ndoc_idx 0 1 2\n3: 1 2 599\n1: 599\n" >expect &&
	test_cmp expect got
'

test_expect_success 'IDs not below the vocabulary are bad records' '
	test_expect_code 1 ayak-pack -o x --vocab-size 600 small.jsonl 2>err &&
	echo "ayak-pack: small.jsonl:3: token ID 65535 is not below the vocabulary size 600" >expect &&
	test_cmp expect err &&
	test_path_is_missing x.idx &&
	test_path_is_missing x.bin &&
	ls -A | grep "^x\." >left || true &&
	test_must_be_empty left &&
	ayak-pack -o x --vocab-size 600 --on-error skip small.jsonl 2>err &&
	grep -q "skipped 1 malformed record" err &&
	ayak-pack --verify x.idx >out &&
	grep -q "\"documents\":2,\"tokens\":3" out
'

test_expect_success 'records that are not IDs' '
	printf "{\"ids\":[1,2.5]}\n{\"ids\":\"x\"}\n{\"ids\":[-1]}\n{\"no\":[]}\n{\"ids\":[1,2]}\n" >bad.jsonl &&
	ayak-pack -o y --dtype uint16 --on-error skip bad.jsonl 2>err &&
	cat >expect <<-\EOF &&
	ayak-pack: bad.jsonl:1: field "ids" is not an array of token IDs
	ayak-pack: bad.jsonl:2: field "ids" is not an array of token IDs
	ayak-pack: bad.jsonl:3: field "ids" is not an array of token IDs
	ayak-pack: bad.jsonl:4: missing field "ids"
	ayak-pack: skipped 4 malformed records
	EOF
	test_cmp expect err &&
	printf "{\"toks\":[3]}\n" | ayak-pack -o f2 --dtype uint16 --field toks &&
	test $(wc -c <f2.bin) = 2
'

test_expect_success '--format flat: tokens then the end-of-text token, uint16 or uint32' '
	ayak-pack -o flat --format flat --vocab-size 70000 --eot 9 small.jsonl &&
	od -An -tu4 -v flat.u32 | tr -s " \n" " " >got &&
	echo >>got &&
	echo " 5 6 7 9 9 65535 0 9 " >expect &&
	test_cmp expect got &&
	ayak-pack -o flat16 --format flat --tokenizer "$T/bytelevel/tokenizer.json" ids.jsonl &&
	test -f flat16.u16 &&
	test_expect_code 2 ayak-pack -o nf --format flat --vocab-size 100 small.jsonl 2>err &&
	grep -q "flat files need the end-of-text token" err
'

test_expect_success 'shards: at most N tokens each, numbered, each read back' '
	ayak-pack -o sh/part --tokenizer "$T/bytelevel/tokenizer.json" --shard-tokens 100 ids.jsonl &&
	ls sh >list &&
	test $(grep -c "\.idx$" list) -gt 3 &&
	test $(grep -c "\.bin$" list) = $(grep -c "\.idx$" list) &&
	! grep -v "^part-[0-9][0-9][0-9][0-9][0-9]\.\(bin\|idx\)$" list &&
	ayak-pack --verify sh/part-*.idx >v &&
	test_line_count = $(grep -c "\.idx$" list) v &&
	sed -e "s/.*\"documents\":\([0-9]*\).*/\1/" v | awk "{s += \$1} END {print s}" >docs &&
	echo 18 >expect &&
	test_cmp expect docs
'

test_expect_success PYTHON3 'shards hold whole documents, none above the limit unless alone' '
	for i in sh/part-*.idx; do python3 readidx.py ${i%.idx} | sed -n "3,\$p"; done >all &&
	sed -e "s/:.*//" all >sizes &&
	test_line_count = 18 sizes &&
	for i in sh/part-*.idx; do
		n=$(python3 readidx.py ${i%.idx} | sed -n "3,\$s/:.*//p" | awk "{s += \$1} END {print s}") &&
		d=$(python3 readidx.py ${i%.idx} | sed -n 1p | sed -e "s/.*sequences \([0-9]*\).*/\1/") &&
		{ test $n -le 100 || test $d = 1; } || return 1
	done
'

# same_shards A B: the shards under A and B are the same files, byte for byte
same_shards () {
	ls "$1" >la && ls "$2" >lb && test_cmp la lb &&
	for f in $(cat la); do cmp "$1/$f" "$2/$f" || return 1; done
}

test_expect_success '--shard-tokens: a fraction, K, M, G or T as powers of 1000, as ayak(7) says' '
	ayak-pack -o s100/p --vocab-size 600 --shard-tokens 100 ids.jsonl &&
	ayak-pack -o s01k/p --vocab-size 600 --shard-tokens 0.1K ids.jsonl &&
	same_shards s100 s01k && test_line_count -gt 6 la &&
	ayak-pack -o s20/p --vocab-size 600 --shard-tokens 20 ids.jsonl &&
	ayak-pack -o s002m/p --vocab-size 600 --shard-tokens 0.00002m ids.jsonl &&
	same_shards s20 s002m &&
	ayak-pack -o s1/p --vocab-size 600 --shard-tokens 1 ids.jsonl &&
	ayak-pack -o s1t/p --vocab-size 600 --shard-tokens 0.000000000001T ids.jsonl &&
	same_shards s1 s1t &&
	for n in 1.5K 0.5G 1T 1.5M 2500; do
		rm -rf one && ayak-pack -o one/p --vocab-size 600 --shard-tokens $n ids.jsonl &&
		ls one >l && printf "%s\n" p-00000.bin p-00000.idx >expect && test_cmp expect l || return 1
	done
'

test_expect_success '--shard-tokens: not a fraction of a token, nor bytes' '
	for n in 1.0005K 0.0000000000001T 1.0000000000000000001K 1.5 2.0 1KB 0.0001K 0 0.0K 1e3 -1K 1.K; do
		test_expect_code 2 ayak-pack -o no --vocab-size 600 --shard-tokens $n ids.jsonl 2>err &&
		printf "%s\n" "ayak-pack: --shard-tokens wants a positive whole number of tokens like 100M or 1.5M, not '"'"'$n'"'"'" \
			"Try '"'"'ayak-pack --help'"'"'." >expect &&
		test_cmp expect err || return 1
	done &&
	test_path_is_missing no-00000.bin && test_path_is_missing no.bin
'

test_expect_success '--verify with -o reads back what it wrote; --stats counts' '
	ayak-pack -o v --vocab-size 600 --verify --stats st.json ids.jsonl &&
	grep -q "\"documents\":18,\"tokens\":[0-9]*,\"shards\":1,\"verified_shards\":1" st.json
'

test_expect_success '--verify finds damage: a wrong pointer, a short .bin, IDs above the vocabulary' '
	cp v.idx w.idx && cp v.bin w.bin &&
	printf "\001" | dd of=w.idx bs=1 seek=$((34 + 18 * 4 + 8)) conv=notrunc 2>/dev/null &&
	test_expect_code 1 ayak-pack --verify w.idx 2>err &&
	grep -q "^ayak-pack: w.idx: sequence 1 starts at byte 1, not " err &&
	cp v.idx w.idx && head -c 10 v.bin >w.bin &&
	test_expect_code 1 ayak-pack --verify w 2>err &&
	grep -q "the .bin has 10$" err &&
	test_expect_code 1 ayak-pack --verify --vocab-size 300 v.bin 2>err &&
	grep -q "not below the vocabulary size 300" err &&
	test_expect_code 3 ayak-pack --verify nope.idx 2>err &&
	grep -q "^ayak-pack: nope.idx: No such file or directory$" err
'

test_expect_success 'a truncated token stream is bad data; so is a foreign one' '
	head -c 40 ids.bin >cut.bin &&
	test_expect_code 1 ayak-pack -o t cut.bin 2>err &&
	grep -q "^ayak-pack: cut.bin: truncated token stream (document 1)$" err &&
	test_path_is_missing t.idx &&
	printf "AYAKTOK\001\003\000\000\000" >v3.bin && head -c 20 ids.bin | tail -c 8 >>v3.bin && printf "\0\0\0\0" >>v3.bin &&
	test_expect_code 1 ayak-pack -o t v3.bin 2>err &&
	echo "ayak-pack: v3.bin: token stream version 3 is not supported" >expect &&
	test_cmp expect err
'

test_expect_success 'usage' '
	test_expect_code 2 ayak-pack ids.jsonl 2>err &&
	grep -q "^ayak-pack: -o PREFIX names the shards to write$" err &&
	test_expect_code 2 ayak-pack -o q --dtype int8 ids.jsonl 2>err &&
	grep -q "^ayak-pack: --dtype wants uint16, int32, uint32 or auto, not '"'"'int8'"'"'$" err &&
	test_expect_code 2 ayak-pack -o q --vocab-size 100000 --dtype uint16 ids.jsonl 2>err &&
	grep -q "does not fit uint16" err &&
	test_expect_code 2 ayak-pack -o q --shard-tokens 1.0000005M ids.jsonl 2>err &&
	test_expect_code 2 ayak-pack -o q -z --vocab-size 600 ids.jsonl 2>err &&
	grep -q "^ayak-pack: invalid option -- '"'"'z'"'"'$" err &&
	test_expect_code 2 ayak-pack -o q --level 5 ids.jsonl 2>err &&
	grep -q "^ayak-pack: unrecognized option '"'"'--level'"'"'$" err &&
	ayak-pack --help >help &&
	test $(grep -c -e "--field" help) = 1 &&
	test $(grep -c -e "^  -o" help) = 1 &&
	! grep -e "--compress" help &&
	test_expect_code 2 ayak-pack -o q ids.jsonl ids.bin 2>err &&
	grep -q "token streams and records do not go together" err
'

test_expect_success 'no documents: one empty shard' '
	: >none.jsonl &&
	ayak-pack -o none --vocab-size 10 none.jsonl &&
	test $(wc -c <none.bin) = 0 &&
	test $(wc -c <none.idx) = 42 &&
	ayak-pack --verify none >out &&
	grep -q "\"documents\":0,\"tokens\":0" out
'

# fields PREFIX: the .idx of PREFIX field by field, and the tokens of its .bin, read with od.
fields () {
	local s d w
	s=$(od -An -tu8 -j18 -N8 "$1.idx" | tr -d " ") &&
	d=$(od -An -tu8 -j26 -N8 "$1.idx" | tr -d " ") &&
	case $(od -An -tu1 -j17 -N1 "$1.idx" | tr -d " ") in 8) w=u2;; 4) w=d4;; *) return 1;; esac &&
	echo "dtype $w sequences $s documents $d bytes $(wc -c <"$1.idx")" &&
	echo "sizes" $(od -An -td4 -v -j34 -N$((4 * s)) "$1.idx") &&
	echo "pointers" $(od -An -td8 -v -j$((34 + 4 * s)) -N$((8 * s)) "$1.idx") &&
	echo "docs" $(od -An -td8 -v -j$((34 + 12 * s)) -N$((8 * d)) "$1.idx") &&
	echo "bin" $(od -An -t$w -v "$1.bin")
}

test_expect_success 'empty documents alone: megatron int32 (no vocabulary), from a file and standard input' '
	printf "{\"ids\":[]}\n" >empty1.jsonl &&
	printf "{\"ids\":[]}\n{\"ids\":[1,2]}\n{\"ids\":[]}\n{\"ids\":[3]}\n{\"ids\":[]}\n" >empty3.jsonl &&
	ayak-pack -o em/a empty1.jsonl 2>err &&
	test_must_be_empty err &&
	fields em/a >got &&
	cat >expect <<-\EOF &&
	dtype d4 sequences 1 documents 2 bytes 62
	sizes 0
	pointers 0
	docs 0 1
	bin
	EOF
	test_cmp expect got &&
	ayak-pack -o em/b <empty1.jsonl &&
	test_cmp_bin em/a.idx em/b.idx &&
	test_cmp_bin em/a.bin em/b.bin &&
	ayak-pack --verify em/a >out &&
	echo "{\"shard\":\"em/a\",\"format\":\"megatron\",\"dtype\":\"int32\",\"documents\":1,\"tokens\":0,\"max_token\":0,\"bytes\":0,\"ok\":true}" >expect &&
	test_cmp expect out &&
	ayak-pack -o em/c --verify --dtype uint16 empty1.jsonl &&
	fields em/c >got &&
	printf "dtype u2 sequences 1 documents 2 bytes 62\nsizes 0\npointers 0\ndocs 0 1\nbin\n" >expect &&
	test_cmp expect got
'

test_expect_success 'empty documents among others: megatron int32 and uint16, with and without --append-eot' '
	ayak-pack -o em/d --verify empty3.jsonl &&
	fields em/d >got &&
	cat >expect <<-\EOF &&
	dtype d4 sequences 5 documents 6 bytes 142
	sizes 0 2 0 1 0
	pointers 0 0 8 8 12
	docs 0 1 2 3 4 5
	bin 1 2 3
	EOF
	test_cmp expect got &&
	ayak-pack -o em/e --verify --eot 9 --append-eot <empty3.jsonl &&
	fields em/e >got &&
	cat >expect <<-\EOF &&
	dtype d4 sequences 5 documents 6 bytes 142
	sizes 1 3 1 2 1
	pointers 0 4 16 20 28
	docs 0 1 2 3 4 5
	bin 9 1 2 9 9 3 9 9
	EOF
	test_cmp expect got &&
	ayak-pack -o em/f --verify --vocab-size 10 --eot 9 --append-eot empty3.jsonl &&
	fields em/f >got &&
	cat >expect <<-\EOF &&
	dtype u2 sequences 5 documents 6 bytes 142
	sizes 1 3 1 2 1
	pointers 0 2 8 10 14
	docs 0 1 2 3 4 5
	bin 9 1 2 9 9 3 9 9
	EOF
	test_cmp expect got &&
	ayak-pack -o em/g --vocab-size 10 empty3.jsonl &&
	fields em/g >got &&
	cat >expect <<-\EOF &&
	dtype u2 sequences 5 documents 6 bytes 142
	sizes 0 2 0 1 0
	pointers 0 0 4 4 6
	docs 0 1 2 3 4 5
	bin 1 2 3
	EOF
	test_cmp expect got &&
	ayak-pack --verify em/d em/e em/f em/g >out &&
	cat >expect <<-\EOF &&
	{"shard":"em/d","format":"megatron","dtype":"int32","documents":5,"tokens":3,"max_token":3,"bytes":12,"ok":true}
	{"shard":"em/e","format":"megatron","dtype":"int32","documents":5,"tokens":8,"max_token":9,"bytes":32,"ok":true}
	{"shard":"em/f","format":"megatron","dtype":"uint16","documents":5,"tokens":8,"max_token":9,"bytes":16,"ok":true}
	{"shard":"em/g","format":"megatron","dtype":"uint16","documents":5,"tokens":3,"max_token":3,"bytes":6,"ok":true}
	EOF
	test_cmp expect out
'

test_expect_success 'empty documents in flat files: uint32 and uint16, alone and among others' '
	ayak-pack -o em/h --format flat --eot 0 --verify <empty1.jsonl &&
	echo $(od -An -tu4 -v em/h.u32) >got &&
	echo "0" >expect &&
	test_cmp expect got &&
	ayak-pack -o em/i --format flat --eot 0 --verify empty3.jsonl &&
	echo $(od -An -tu4 -v em/i.u32) >got &&
	echo "0 1 2 0 0 3 0 0" >expect &&
	test_cmp expect got &&
	ayak-pack -o em/j --format flat --vocab-size 10 --eot 9 --verify empty3.jsonl &&
	echo $(od -An -tu2 -v em/j.u16) >got &&
	echo "9 1 2 9 9 3 9 9" >expect &&
	test_cmp expect got &&
	ayak-pack --verify --eot 0 em/h.u32 em/i.u32 >out &&
	ayak-pack --verify --eot 9 em/j.u16 >>out &&
	cat >expect <<-\EOF &&
	{"shard":"em/h.u32","format":"flat","dtype":"uint32","documents":1,"tokens":1,"max_token":0,"bytes":4,"ok":true}
	{"shard":"em/i.u32","format":"flat","dtype":"uint32","documents":5,"tokens":8,"max_token":3,"bytes":32,"ok":true}
	{"shard":"em/j.u16","format":"flat","dtype":"uint16","documents":5,"tokens":8,"max_token":9,"bytes":16,"ok":true}
	EOF
	test_cmp expect out
'

# refused MESSAGE ARGS...: ayak-pack -o eo/x ARGS is a usage error with MESSAGE, and leaves no eo.
refused () {
	local msg=$1
	shift
	rm -rf eo &&
	test_expect_code 2 ayak-pack -o eo/x "$@" 2>err &&
	printf "%s\n" "ayak-pack: $msg" "Try 'ayak-pack --help'." >expect &&
	test_cmp expect err &&
	test_path_is_missing eo
}

test_expect_success '--eot that does not fit the dtype is a usage error, before anything is written' '
	printf "{\"ids\":[1,2,3]}\n" >ids3.jsonl &&
	refused "--eot 70000 is out of range for uint16 (largest 65535)" \
		--dtype uint16 --eot 70000 --append-eot ids3.jsonl &&
	refused "--eot 70000 is out of range for uint16 (largest 65535)" \
		--format flat --dtype uint16 --eot 70000 ids3.jsonl &&
	refused "--eot 65536 is out of range for uint16 (largest 65535)" \
		--format flat --dtype uint16 --eot 65536 ids3.jsonl &&
	: "int32, chosen without the vocabulary size: the token would be negative" &&
	refused "--eot 2147483648 is out of range for int32 (largest 2147483647)" \
		--eot 2147483648 --append-eot ids3.jsonl &&
	refused "--eot 4294967294 is out of range for int32 (largest 2147483647)" \
		--dtype int32 --eot 4294967294 ids3.jsonl &&
	: "without --append-eot too: a token the dtype cannot hold is of a vocabulary it cannot hold" &&
	refused "--eot 70000 is out of range for uint16 (largest 65535)" \
		--dtype uint16 --eot 70000 ids3.jsonl &&
	: "from standard input, and with records the run would find bad" &&
	printf "{\"ids\":[1]}\n{\"ids\":[70000]}\n" >bad16.jsonl &&
	refused "--eot 70000 is out of range for uint16 (largest 65535)" \
		--dtype uint16 --eot 70000 --append-eot - <bad16.jsonl
'

test_expect_success '... the largest that fits is written as it is' '
	ayak-pack -o ef/a --dtype uint16 --eot 65535 --append-eot --verify ids3.jsonl &&
	echo $(od -An -tu2 -v ef/a.bin) >got &&
	echo "1 2 3 65535" >expect &&
	test_cmp expect got &&
	ayak-pack -o ef/b --eot 2147483647 --append-eot --verify ids3.jsonl &&
	echo $(od -An -td4 -v ef/b.bin) >got &&
	echo "1 2 3 2147483647" >expect &&
	test_cmp expect got &&
	ayak-pack -o ef/c --format flat --eot 4294967294 --verify ids3.jsonl &&
	echo $(od -An -tu4 -v ef/c.u32) >got &&
	echo "1 2 3 4294967294" >expect &&
	test_cmp expect got &&
	ayak-pack --verify ef/b >out &&
	grep -q "\"max_token\":2147483647,.*\"ok\":true" out
'

test_expect_success 'a --tokenizer whose vocabulary or end-of-text token does not fit is named' '
	: "the byte-level tokenizer with <|endoftext|> moved to ID 70000: 70001 tokens" &&
	sed -e "s/\"id\": *599/\"id\":70000/" -e "s/\"<|endoftext|>\": *599/\"<|endoftext|>\":70000/" \
		"$T/bytelevel/tokenizer.json" >big.json &&
	refused "big.json: its vocabulary of 70001 tokens does not fit uint16" \
		--tokenizer big.json --dtype uint16 ids3.jsonl &&
	refused "big.json: its end-of-text token (70000) is not below --vocab-size 1000" \
		--tokenizer big.json --vocab-size 1000 ids3.jsonl &&
	refused "a vocabulary of 70001 tokens does not fit uint16" \
		--tokenizer big.json --vocab-size 70001 --dtype uint16 ids3.jsonl &&
	refused "--eot 999 is not below the vocabulary size 600" \
		--tokenizer "$T/bytelevel/tokenizer.json" --eot 999 ids3.jsonl &&
	ayak-pack -o ef/t --tokenizer big.json --append-eot --verify ids3.jsonl &&
	echo $(od -An -td4 -v ef/t.bin) >got &&
	echo "1 2 3 70000" >expect &&
	test_cmp expect got
'

test_expect_success '--verify: an --eot that the dtype of a flat file cannot hold is a usage error, before any line' '
	test_expect_code 2 ayak-pack --verify --eot 70000 em/i.u32 em/j.u16 >out 2>err &&
	printf "%s\n" "ayak-pack: --eot 70000 is out of range for uint16 (largest 65535), the dtype of em/j.u16" \
		"Try '"'"'ayak-pack --help'"'"'." >expect &&
	test_cmp expect err &&
	test_must_be_empty out &&
	test_expect_code 2 ayak-pack --verify --format flat --dtype uint16 --eot 65536 em/i.u32 >out 2>err &&
	grep -q "^ayak-pack: --eot 65536 is out of range for uint16 (largest 65535), the dtype of em/i.u32$" err &&
	test_must_be_empty out &&
	test_expect_code 2 ayak-pack --verify --tokenizer big.json em/j.u16 >out 2>err &&
	grep -q "^ayak-pack: big.json: its end-of-text token (70000) is out of range for uint16 (largest 65535), the dtype of em/j.u16$" err &&
	test_must_be_empty out &&
	: "a Megatron shard has no end-of-text token to check" &&
	ayak-pack --verify --eot 70000 em/f >out &&
	grep -q "\"ok\":true" out
'

# --verify alone took these and did nothing with them (--rejects wrote no file), exit 0.
test_expect_success '--verify without -o refuses the options that only packing reads' '
	for o in --append-eot "--shard-tokens 10" "--field x" "--on-error skip" "--max-errors 2" \
		 "--rejects vr.jsonl"; do
		test_expect_code 2 ayak-pack --verify $o em/f >out 2>err &&
		printf "%s\n" "ayak-pack: ${o%% *} does not go with --verify without -o (it checks shards only)" \
			"Try '"'"'ayak-pack --help'"'"'." >expect &&
		test_cmp expect err &&
		test_must_be_empty out &&
		test_path_is_missing vr.jsonl || return 1
	done &&
	ayak-pack --verify --field ids em/f >out &&
	grep -q "\"ok\":true" out
'

test_done
