#!/usr/bin/env bash
# tests/bench/tok-train.sh: rebuild lexicons/tok/ms-bpe-32k.json (`make tok-model`), the
# Malay tokenizer the pipeline uses by default, from ../shared/data. The same data give
# the same file, byte for byte. See lexicons/tok/README.md for the data and settings.
set -eu -o pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
AYAK_TOP=${AYAK_TOP:-$(cd "$here/../.." && pwd -P)}
AYAK_SHARED=${AYAK_SHARED:-$AYAK_TOP/../shared}
D=$AYAK_SHARED/data
OUT=${1:-$AYAK_TOP/lexicons/tok/ms-bpe-32k.json}
[ -d "$D" ] || { echo "tok-train: skip: no $D" >&2; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Malaysian Malay: news, essays, magazines, web pages; some English (motorcycle news,
# the first 3 MB) for the English that Malaysian pages mix in.
for f in malaysian-dataset-extra/motomalaya.zsm.jsonl malaysian-dataset/majoriti_articles.jsonl \
	malaysian-dataset-extra/karangan_ipendidikan.zsm.jsonl malaysian-dataset-extra/doktorbudak.zsm.jsonl \
	malaysian-dataset-extra/bidadari_lifestyle.zsm.jsonl malaysian-dataset/malay_web_pages.jsonl; do
	jq -c '{text}' "$D/$f"
done >"$tmp/zsm.jsonl"
head -c 3000000 "$D/malaysian-dataset-extra/motomalaya.eng.jsonl" | head -n -1 | jq -c '{text}' >"$tmp/eng.jsonl"
"$AYAK_TOP/bin/ayak-tok" --train --vocab-size 32000 --pattern cl100k --special '<|endoftext|>' \
	-o "$OUT" "$tmp/zsm.jsonl" "$tmp/eng.jsonl"
echo "tok-train: wrote $OUT ($(stat -c %s "$OUT") bytes, sha256 $(sha256sum <"$OUT" | cut -c1-64))" >&2
