#!/usr/bin/env bash
test_description='ayak-tok --tokenizer: token IDs equal to tokenizers.js on the fixtures, output forms, options'
. "$(dirname "$0")/../lib.sh"

T=$TEST_DATA/tok

# ids FILE: the IDs arrays of ayak-tok's records (the field it adds comes last).
ids () {
	sed -e 's/.*,"ids":\(\[[0-9,]*\]\)}$/\1/' "$@"
}

test_expect_success 'byte-level fixture: the IDs of tokenizers.js for every input' '
	ayak-tok -t "$T/bytelevel/tokenizer.json" "$T/input.jsonl" >out 2>err &&
	test_must_be_empty err &&
	ids out >got &&
	test_cmp "$T/expected-bytelevel.txt" got
'

test_expect_success 'SentencePiece-style fixture (Prepend, Replace, byte fallback, <s>)' '
	ayak-tok -t "$T/sp/tokenizer.json" "$T/input.jsonl" >out &&
	ids out >got &&
	test_cmp "$T/expected-sp.txt" got
'

test_expect_success 'Metaspace fixture (prepend_scheme first)' '
	ayak-tok --tokenizer "$T/metaspace/tokenizer.json" "$T/input.jsonl" >out &&
	ids out >got &&
	test_cmp "$T/expected-metaspace.txt" got
'

test_expect_success '--compat tokenizers.js gives the same IDs on the fixture' '
	ayak-tok -t "$T/bytelevel/tokenizer.json" --compat tokenizers.js "$T/input.jsonl" >out &&
	ids out >got &&
	test_cmp "$T/expected-bytelevel.txt" got
'

test_expect_success 'every field is kept byte for byte; ids comes last' '
	printf "{\"id\" : 7,\"text\":\"saya\",\"x\":[1, 2]}\n" >in &&
	ayak-tok -t "$T/bytelevel/tokenizer.json" in >out &&
	printf "{\"id\" : 7,\"text\":\"saya\",\"x\":[1, 2],\"ids\":[329,285]}\n" >expect &&
	test_cmp expect out
'

test_expect_success 'an ids field already there is replaced in place' '
	printf "{\"ids\":[9,9],\"text\":\"saya\"}\n" >in &&
	ayak-tok -t "$T/bytelevel/tokenizer.json" in >out &&
	printf "{\"ids\":[329,285],\"text\":\"saya\"}\n" >expect &&
	test_cmp expect out
'

test_expect_success '--ids-field and --field' '
	printf "{\"body\":\"saya\"}\n" >in &&
	ayak-tok -t "$T/bytelevel/tokenizer.json" --field body --ids-field toks in >out &&
	printf "{\"body\":\"saya\",\"toks\":[329,285]}\n" >expect &&
	test_cmp expect out
'

test_expect_success '--count adds ntokens instead' '
	printf "{\"text\":\"saya\"}\n{\"text\":\"\"}\n" >in &&
	ayak-tok -t "$T/sp/tokenizer.json" --count in >out &&
	printf "{\"text\":\"saya\",\"ntokens\":2}\n{\"text\":\"\",\"ntokens\":1}\n" >expect &&
	test_cmp expect out
'

test_expect_success '--no-special drops the post-processor BOS' '
	printf "{\"text\":\"saya\"}\n" >in &&
	ayak-tok -t "$T/sp/tokenizer.json" in >with &&
	ayak-tok -t "$T/sp/tokenizer.json" --no-special in >without &&
	grep -q "\"ids\":\[1,[0-9]" with &&
	! grep -q "\"ids\":\[1," without
'

test_expect_success '--bos and --eos, by token and by ID, replace the post-processor' '
	printf "{\"text\":\"saya\"}\n" >in &&
	ayak-tok -t "$T/sp/tokenizer.json" --no-special in | ids >plain &&
	ayak-tok -t "$T/sp/tokenizer.json" --bos "<s>" --eos 2 in | ids >both &&
	sed -e "s/^\[/[1,/; s/\]$/,2]/" plain >expect &&
	test_cmp expect both &&
	ayak-tok -t "$T/bytelevel/tokenizer.json" --eos "<|endoftext|>" in | ids >eos &&
	echo "[329,285,599]" >expect &&
	test_cmp expect eos
'

test_expect_success 'special tokens in the text are matched, or text with --split-special-tokens' '
	printf "{\"text\":\"x<|endoftext|>y\"}\n" >in &&
	ayak-tok -t "$T/bytelevel/tokenizer.json" --stats st.json in | ids >a &&
	echo "[87,599,88]" >expect &&
	test_cmp expect a &&
	grep -q "\"special_in_text\":1" st.json &&
	ayak-tok -t "$T/bytelevel/tokenizer.json" --split-special-tokens in | ids >b &&
	echo "[87,27,91,511,78,69,83,68,87,83,91,29,88]" >expect &&
	test_cmp expect b
'

test_expect_success '--stats counts tokens' '
	ayak-tok -t "$T/bytelevel/tokenizer.json" --stats st.json "$T/input.jsonl" >out &&
	n=$(ids out | tr -c "0-9\n" " " | wc -w) &&
	grep -q "\"tokens\":$n," st.json &&
	grep -q "\"records_in\":18,\"records_out\":18" st.json
'

# Special tokens inside the text (t10, t11) are left out: a SentencePiece-style
# normalizer prepends U+2581 to each piece between them, which decoding cannot undo.
test_expect_success '--decode gives the text back: decoded text encodes to the same IDs' '
	grep -v "\"t1[01]\"" "$T/input.jsonl" >input &&
	for n in bytelevel sp; do
		ayak-tok -t "$T/$n/tokenizer.json" --no-special input >ids.jsonl &&
		ayak-tok -t "$T/$n/tokenizer.json" --decode ids.jsonl >dec.jsonl &&
		test_line_count = 16 dec.jsonl &&
		ayak-tok -t "$T/$n/tokenizer.json" --no-special dec.jsonl >again.jsonl &&
		ids ids.jsonl >a &&
		ids again.jsonl >b &&
		test_cmp a b || return 1
	done &&
	printf "{\"ids\":[329,285]}\n" >in &&
	ayak-tok -t "$T/bytelevel/tokenizer.json" --decode in >out &&
	printf "{\"ids\":[329,285],\"text\":\"saya\"}\n" >expect &&
	test_cmp expect out
'

test_expect_success '--decode: ids must be an array of IDs' '
	printf "{\"ids\":\"x\"}\n" >in &&
	test_expect_code 1 ayak-tok -t "$T/bytelevel/tokenizer.json" --decode in 2>err &&
	echo "ayak-tok: in:1: field \"ids\" is not an array of token IDs" >expect &&
	test_cmp expect err
'

test_expect_success '--decode: a record without the ids field has it missing, also in the rejects' '
	printf "{\"text\":\"a\"}\n{\"ids\":[329]}\n" >in &&
	test_expect_code 1 ayak-tok -t "$T/bytelevel/tokenizer.json" --decode in >out 2>err &&
	echo "ayak-tok: in:1: missing field \"ids\"" >expect &&
	test_cmp expect err &&
	test_must_be_empty out &&
	ayak-tok -t "$T/bytelevel/tokenizer.json" --decode --on-error skip -q --rejects rej.jsonl in >out &&
	cat >expect <<-\EOF &&
	{"reject":{"program":"ayak-tok","reason":"malformed","error":"missing field \"ids\"","file":"in","line":1},"raw":"{\"text\":\"a\"}"}
	EOF
	test_cmp expect rej.jsonl &&
	echo "{\"ids\":[329],\"text\":\"sa\"}" >expect &&
	test_cmp expect out
'

test_expect_success '--decode: an ID that is not a token of the tokenizer makes the record malformed' '
	printf "{\"ids\":[99999,329]}\n{\"ids\":[329]}\n" >in &&
	test_expect_code 1 ayak-tok -t "$T/bytelevel/tokenizer.json" --decode in >out 2>err &&
	echo "ayak-tok: in:1: token ID 99999 is not a token of the tokenizer" >expect &&
	test_cmp expect err &&
	ayak-tok -t "$T/bytelevel/tokenizer.json" --decode --on-error skip in >out 2>err &&
	printf "{\"ids\":[329],\"text\":\"sa\"}\n" >expect &&
	test_cmp expect out &&
	printf "ayak-tok: in:1: token ID 99999 is not a token of the tokenizer\nayak-tok: skipped 1 malformed record\n" >expect &&
	test_cmp expect err
'

test_expect_success '--decode with the options of encoding is a usage error: special tokens are kept, not skipped' '
	printf "{\"ids\":[599,329]}\n" >in &&
	for o in --no-special "--bos 1" "--eos 1" --split-special-tokens "--compat tokenizers.js"; do
		test_expect_code 2 ayak-tok -t "$T/bytelevel/tokenizer.json" --decode $o in >out 2>err &&
		test_must_be_empty out &&
		printf "%s\n" "ayak-tok: --bos, --eos, --no-special, --split-special-tokens and --compat do not go with --decode" \
			"Try '"'"'ayak-tok --help'"'"'." >expect &&
		test_cmp expect err || return 1
	done &&
	ayak-tok -t "$T/bytelevel/tokenizer.json" --decode in >out &&
	printf "{\"ids\":[599,329],\"text\":\"<|endoftext|>sa\"}\n" >expect &&
	test_cmp expect out
'

# tiny TYPE: a tokenizer.json of five letters, the added token <X> (normalized,
# not special), a Lowercase normalizer and the decoder of type TYPE.
tiny () {
	printf "%s" "{\"added_tokens\":[{\"id\":5,\"content\":\"<X>\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,\"special\":false,\"normalized\":true}],\"normalizer\":{\"type\":\"Lowercase\"},\"pre_tokenizer\":null,\"post_processor\":null,\"decoder\":$1,\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"b\":1,\"<\":2,\">\":3,\"x\":4},\"merges\":[]}}"
}

test_expect_success 'a normalized added token is matched in normalized text, its content normalized too' '
	tiny null >tiny.json &&
	printf "{\"text\":\"a<X>b\"}\n{\"text\":\"A<x>B\"}\n" >in &&
	ayak-tok -t tiny.json in >out &&
	cat >expect <<-\EOF &&
	{"text":"a<X>b","ids":[0,5,1]}
	{"text":"A<x>B","ids":[0,5,1]}
	EOF
	test_cmp expect out
'

test_expect_success '--decode refuses a decoder it cannot do; encoding still takes it' '
	tiny "{\"type\":\"Sequence\",\"decoders\":[{\"type\":\"Fuse\"},{\"type\":\"BPEDecoder\",\"suffix\":\"</w>\"}]}" >bpedec.json &&
	printf "{\"ids\":[0,1]}\n" >in &&
	test_expect_code 1 ayak-tok -t bpedec.json --decode in >out 2>err &&
	echo "ayak-tok: bpedec.json: decoder \"BPEDecoder\" is not supported by --decode" >expect &&
	test_cmp expect err &&
	test_must_be_empty out &&
	tiny "{\"type\":\"Replace\",\"pattern\":{\"String\":\"a\"},\"content\":\"b\"}" >repl.json &&
	test_expect_code 1 ayak-tok -t repl.json --decode in 2>err &&
	grep -q "decoder \"Replace\" is not supported by --decode$" err &&
	printf "{\"text\":\"ab\"}\n" >in &&
	ayak-tok -t bpedec.json in >out &&
	echo "{\"text\":\"ab\",\"ids\":[0,1]}" >expect &&
	test_cmp expect out &&
	printf "{\"ids\":[0,5,1]}\n" >in &&
	tiny "{\"type\":\"Sequence\",\"decoders\":[{\"type\":\"ByteFallback\"},{\"type\":\"Fuse\"}]}" >ok.json &&
	ayak-tok -t ok.json --decode in >out &&
	echo "{\"ids\":[0,5,1],\"text\":\"a<X>b\"}" >expect &&
	test_cmp expect out
'

test_expect_success 'a BPE dropout is refused (Hugging Face skips merges at random); null or 0 is none' '
	tiny null | sed "s/\"type\":\"BPE\",/&\"dropout\":0.1,/" >drop.json &&
	printf "{\"text\":\"ab\"}\n" >in &&
	test_expect_code 1 ayak-tok -t drop.json in >out 2>err &&
	echo "ayak-tok: drop.json: model: a BPE dropout is not supported (its merges are skipped at random): set dropout to null" >expect &&
	test_cmp expect err &&
	test_must_be_empty out &&
	tiny null | sed "s/\"type\":\"BPE\",/&\"dropout\":0,/" >drop0.json &&
	ayak-tok -t drop0.json in >out &&
	echo "{\"text\":\"ab\",\"ids\":[0,1]}" >expect &&
	test_cmp expect out
'

# merges MERGES VOCAB: tiny's tokenizer with those merges and more vocabulary, in m.json.
merges () {
	tiny null | sed "s/\"merges\":\[\]/\"merges\":[$1]/; s/\"x\":4/&$2/" >m.json
}

# refused_merges: for each line MERGES|VOCAB|MESSAGE of the standard input, the
# model is refused reading in with exit 1 and that message, and writes nothing.
refused_merges () {
	while IFS="|" read -r m v msg; do
		merges "$m" "$v" &&
		test_expect_code 1 ayak-tok -t m.json in >out 2>err &&
		echo "ayak-tok: m.json: model: $msg" >expect &&
		test_cmp expect err &&
		test_must_be_empty out || return 1
	done
}

test_expect_success 'a merge whose result or tokens are not in the vocabulary is refused, as Hugging Face refuses it' '
	printf "{\"text\":\"ab b\"}\n" >in &&
	refused_merges <<-\EOF &&
	["a","b"]||merge 0 "a b": its result "ab" is not in the vocabulary
	"a b","zz qq"|,"ab":6|merge 1 "zz qq": "zz" is not in the vocabulary
	"a b","a qq"|,"ab":6|merge 1 "a qq": "qq" is not in the vocabulary
	EOF
	merges "\"a b\"" ",\"ab\":6" &&
	ayak-tok -t m.json in >out &&
	echo "{\"text\":\"ab b\",\"ids\":[6,1]}" >expect &&
	test_cmp expect out
'

# Hugging Face splits a string merge at every space and wants two parts
# (BadMerges); "a b x" was once taken as "a b".  It drops a string merge
# starting with #version, the header of a merges.txt, but not an array one.
test_expect_success 'a string merge of more than two tokens is refused; a #version one is dropped, as Hugging Face does' '
	printf "{\"text\":\"ab b\"}\n" >in &&
	refused_merges <<-\EOF &&
	"a b x"|,"ab":6|merge 0 "a b x" is not two tokens
	"a b","a  b"|,"ab":6|merge 1 "a  b" is not two tokens
	"a b "|,"ab":6|merge 0 "a b " is not two tokens
	"ab"|,"ab":6|merge 0 "ab" is not two tokens
	["#version:","0.2"],"a b"|,"ab":6|merge 0 "#version: 0.2": "#version:" is not in the vocabulary
	EOF
	merges "\"#version: 0.2\",\"a b\",\"#version\"" ",\"ab\":6" &&
	ayak-tok -t m.json in >out &&
	echo "{\"text\":\"ab b\",\"ids\":[6,1]}" >expect &&
	test_cmp expect out
'

# Tokens outside a byte-level alphabet were looked for one by one, for each
# merge naming one: 80,000 such merges took 32 s to load
test_expect_success 'byte-level merges of tokens outside the byte alphabet: found when in the vocabulary, refused when not' '
	python3 - "$T/bytelevel/tokenizer.json" <<-\PY &&
	import json, sys
	t = json.load(open(sys.argv[1]))
	v = t["model"]["vocab"]
	base = max(v.values()) + 1
	toks = ["\u4e2d%d" % i for i in range(3000)]
	for i, s in enumerate(toks):
	    v[s] = base + i
	t["model"]["merges"] = list(t["model"]["merges"]) + [[toks[i], toks[i + 1]] for i in range(2999)]
	json.dump(t, open("far.json", "w"))
	t["model"]["merges"].append(["\u4e2d1", "\u4e2d99999"])
	json.dump(t, open("far-oov.json", "w"))
	PY
	echo "{\"text\":\"Hello\"}" >in &&
	ayak-tok -t far.json in >out &&
	ayak-tok -t "$T/bytelevel/tokenizer.json" in >expect &&
	test_cmp expect out &&
	test_expect_code 1 ayak-tok -t far-oov.json in 2>err &&
	grep -F "\"中1 中99999\": \"中99999\" is not in the vocabulary" err
'

test_expect_success 'an unk_token not in the vocabulary is refused when a character may need it' '
	printf "{\"text\":\"saya \\360\\237\\230\\200 makan\"}\n" >in &&
	sed "s/\"unk_token\": *\"<unk>\"/\"unk_token\":\"<nope>\"/; s/\"byte_fallback\": *true/\"byte_fallback\":false/" \
		"$T/sp/tokenizer.json" >badunk.json &&
	grep -q "\"unk_token\":\"<nope>\",.*\"byte_fallback\":false" badunk.json &&
	test_expect_code 1 ayak-tok -t badunk.json in >out 2>err &&
	echo "ayak-tok: badunk.json: model: unk_token \"<nope>\" is not in the vocabulary" >expect &&
	test_cmp expect err &&
	test_must_be_empty out &&
	: "with a <0xXX> token for every byte, or byte-level, no character needs it" &&
	sed "s/\"unk_token\": *\"<unk>\"/\"unk_token\":\"<nope>\"/" "$T/sp/tokenizer.json" >fallback.json &&
	grep -q "\"unk_token\":\"<nope>\"" fallback.json &&
	ayak-tok -t fallback.json in >out &&
	ayak-tok -t "$T/sp/tokenizer.json" in >expect &&
	test_cmp expect out
'

test_expect_success '--bos replaces only what the template puts before, --eos only what it puts after' '
	sed -e "s|{\"Sequence\": {\"id\": \"A\", \"type_id\": 0}}\], \"pair\"|{\"Sequence\": {\"id\": \"A\", \"type_id\": 0}}, {\"SpecialToken\": {\"id\": \"</s>\", \"type_id\": 0}}], \"pair\"|" \
	    -e "s|\"special_tokens\": {|&\"</s>\": {\"id\": \"</s>\", \"ids\": [2], \"tokens\": [\"</s>\"]}, |" \
	    "$T/sp/tokenizer.json" >tmpl.json &&
	printf "{\"text\":\"saya\"}\n" >in &&
	ayak-tok -t tmpl.json --no-special in >out && ids out >plain &&
	echo "[545]" >expect &&
	test_cmp expect plain &&
	ayak-tok -t tmpl.json in >out && ids out >got &&
	echo "[1,545,2]" >expect &&
	test_cmp expect got &&
	ayak-tok -t tmpl.json --bos 5 in >out && ids out >got &&
	echo "[5,545,2]" >expect &&
	test_cmp expect got &&
	ayak-tok -t tmpl.json --eos 7 in >out && ids out >got &&
	echo "[1,545,7]" >expect &&
	test_cmp expect got &&
	ayak-tok -t tmpl.json --no-special --bos "<s>" in >out && ids out >got &&
	echo "[1,545]" >expect &&
	test_cmp expect got
'

test_expect_success '--ids-field naming the text field is a usage error' '
	test_expect_code 2 ayak-tok -t "$T/bytelevel/tokenizer.json" --ids-field text in 2>err &&
	printf "%s\n" "ayak-tok: --ids-field '"'"'text'"'"' is the text field: the IDs would replace the text" \
		"Try '"'"'ayak-tok --help'"'"'." >expect &&
	test_cmp expect err &&
	test_expect_code 2 ayak-tok -t "$T/bytelevel/tokenizer.json" --field body --ids-field body in 2>/dev/null
'

test_expect_success '--ids-field with --count, --binary or without --tokenizer is a usage error, not ignored' '
	printf "%s\n" "ayak-tok: --ids-field goes with --tokenizer, without --binary or --count (--count writes \"ntokens\")" \
		"Try '"'"'ayak-tok --help'"'"'." >expect &&
	for opts in "-t $T/bytelevel/tokenizer.json --count" "-t $T/bytelevel/tokenizer.json --binary" --words; do
		test_expect_code 2 ayak-tok $opts --ids-field n in >out 2>err &&
		test_cmp expect err &&
		test_must_be_empty out || return 1
	done &&
	ayak-tok -t "$T/bytelevel/tokenizer.json" --ids-field toks in >ids.jsonl &&
	ayak-tok -t "$T/bytelevel/tokenizer.json" --decode --ids-field toks ids.jsonl >/dev/null
'

test_expect_success '--binary writes the token stream for ayak-pack, its end mark last' '
	printf "{\"text\":\"saya\"}\n{\"text\":\"\"}\n" >in &&
	ayak-tok -t "$T/bytelevel/tokenizer.json" --binary in >bin &&
	od -An -tx1 -v bin | tr -s " \n" " " >dump &&
	echo >>dump &&
	echo " 41 59 41 4b 54 4f 4b 01 02 00 00 00 58 02 00 00 57 02 00 00 00 00 00 00 02 00 00 00 49 01 00 00 1d 01 00 00 00 00 00 00 ff ff ff ff 02 00 00 00 00 00 00 00 " >expect &&
	test_cmp expect dump
'

test_expect_success TTY '--binary refuses a terminal' '
	printf "{\"text\":\"saya\"}\n" >in &&
	script -qec "ayak-tok -t $T/bytelevel/tokenizer.json --binary in" /dev/null >out 2>&1
	grep -q "^ayak-tok: refusing to write binary data to a terminal" out &&
	script -qec "ayak-tok -t $T/bytelevel/tokenizer.json --binary -o /dev/tty in; echo rc=\$?" \
		/dev/null >out 2>&1 &&
	grep -q "^ayak-tok: /dev/tty: refusing to write binary data to a terminal" out &&
	grep -q "^rc=2" out
'

test_expect_success '--binary output is never compressed' '
	test_expect_code 2 ayak-tok -t "$T/bytelevel/tokenizer.json" --binary -o x.zst in 2>err &&
	grep -q "^ayak-tok: --binary output is not compressed$" err &&
	: "--level was taken and did nothing" &&
	test_expect_code 2 ayak-tok -t "$T/bytelevel/tokenizer.json" --binary --level 19 in 2>err >out &&
	grep -qx "ayak-tok: --binary output is not compressed: --level does not go with it" err &&
	test_must_be_empty out
'

test_expect_success 'a missing tokenizer.json is a system error' '
	test_expect_code 3 ayak-tok -t nope.json in >out 2>err &&
	echo "ayak-tok: nope.json: No such file or directory" >expect &&
	test_cmp expect err &&
	test_must_be_empty out
'

test_expect_success 'a broken tokenizer.json: exit 1, file, line and column' '
	printf "{\"model\": {\n  \"type\" \"BPE\"}}\n" >bad.json &&
	test_expect_code 1 ayak-tok -t bad.json in >out 2>err &&
	echo "ayak-tok: bad.json: line 2, column 10: expected '"'"':'"'"'" >expect &&
	test_cmp expect err
'

test_expect_success 'an unsupported model is named' '
	echo "{\"model\":{\"type\":\"Unigram\",\"vocab\":[]}}" >uni.json &&
	test_expect_code 1 ayak-tok -t uni.json in 2>err &&
	echo "ayak-tok: uni.json: unsupported model \"Unigram\" (only BPE models are supported)" >expect &&
	test_cmp expect err
'

test_expect_success 'a record without the text field is malformed: fail, or skip and count' '
	printf "{\"text\":\"a\"}\n{\"no\":1}\n{\"text\":2}\n{\"text\":\"b\"}\n" >mixed &&
	test_expect_code 1 ayak-tok -t "$T/bytelevel/tokenizer.json" mixed >out 2>err &&
	echo "ayak-tok: mixed:2: missing field \"text\"" >expect &&
	test_cmp expect err &&
	ayak-tok -t "$T/bytelevel/tokenizer.json" --on-error skip mixed >out 2>err &&
	test_line_count = 2 out &&
	cat >expect <<-\EOF &&
	ayak-tok: mixed:2: missing field "text"
	ayak-tok: mixed:3: field "text" is not a string
	ayak-tok: skipped 2 malformed records
	EOF
	test_cmp expect err
'

test_expect_success 'usage errors: exit 2 and a hint' '
	test_expect_code 2 ayak-tok in 2>err &&
	cat >expect <<-\EOF &&
	ayak-tok: say what to do: --tokenizer FILE, --words, --sentences or --train
	Try '"'"'ayak-tok --help'"'"'.
	EOF
	test_cmp expect err &&
	test_expect_code 2 ayak-tok -t x.json --words in 2>err &&
	grep -q "do not go together" err &&
	test_expect_code 2 ayak-tok --binary --words in 2>err &&
	grep -q "go with --tokenizer" err &&
	test_expect_code 2 ayak-tok -t "$T/sp/tokenizer.json" --bos "<nope>" in 2>err &&
	grep -q "^ayak-tok: --bos: .<nope>. is not a token of the tokenizer$" err &&
	test_expect_code 2 ayak-tok -t x --compat hf in 2>err &&
	grep -q "^ayak-tok: --compat wants tokenizers.js, not '"'"'hf'"'"'$" err
'

test_expect_success '-h and -V' '
	ayak-tok -h >out &&
	grep -q "^Usage: ayak-tok --tokenizer FILE" out &&
	ayak-tok -V >out &&
	grep -q "^ayak-tok (ayak) " out
'

test_expect_success 'long pre-tokens take linear time: 1 MB of one letter, of digits, of spaces' '
	awk "BEGIN { s = \"a\"; while (length(s) < 1048576) s = s s; printf \"{\\\"text\\\":\\\"%s\\\"}\\n\", s;
		gsub(/a/, \"7\", s); printf \"{\\\"text\\\":\\\"%s\\\"}\\n\", s;
		gsub(/7/, \" \", s); printf \"{\\\"text\\\":\\\"%s\\\"}\\n\", s }" >long.jsonl &&
	ayak-tok -t "$T/bytelevel/tokenizer.json" --count long.jsonl >out &&
	test_line_count = 3 out &&
	ayak-tok -t "$T/sp/tokenizer.json" --count long.jsonl >out &&
	test_line_count = 3 out
'

test_expect_success 'IDs past the 8192 that one part of the output holds: the array whole' '
	awk "BEGIN { s = \"saya\"; e = \"329,285\"; for (i = 0; i < 10000; i++) { s = s \" saya\"; e = e \",551\" }
		printf \"{\\\"text\\\":\\\"%s\\\"}\\n\", s > \"in\";
		printf \"{\\\"text\\\":\\\"%s\\\",\\\"ids\\\":[%s]}\\n\", s, e > \"expect\" }" &&
	ayak-tok -t "$T/bytelevel/tokenizer.json" in >out &&
	test_cmp expect out
'

test_expect_success 'the same input twice gives the same output' '
	ayak-tok -t "$T/bytelevel/tokenizer.json" "$T/input.jsonl" "$T/input.jsonl" >twice &&
	test_line_count = 36 twice &&
	head -n 18 twice >a &&
	tail -n 18 twice >b &&
	test_cmp a b
'

test_done
