#!/usr/bin/env bash
# tests/bench/lid-train.sh: rebuild ayak-lid's model, lexicons/lid/model.bin (and
# the word odds of --by word, lexicons/lid/switch.tsv), from
# ../shared/data and Debian's Malay and Indonesian translations (the lead's `make
# lid-model` runs this).
#
#   tests/bench/lid-train.sh [-o MODEL] [--prepared DIR]
#
# Steps: tests/bench/lid-debian.py fetches the Debian packages (apt-get download:
# Debian's mirrors must be reachable) and takes their strings, then
# tests/bench/lid-data.py builds the training set and the development split
# (in $AYAK_BUILD/lid; the development split is never trained on), then
# tests/bench/lid-apertium.py puts Malaysian training sentences into Indonesian with
# Apertium (more Indonesian training texts), then
# `ayak-lid --train` trains the model with the settings below, and
# lexicons/lid/README.md is rewritten to name the files, rules, settings and
# licenses that made it.  The same data and settings give the same model, byte for
# byte.  It takes a few minutes on one core.  --prepared DIR trains the same way on
# DIR/train.jsonl instead (lid-data.py is not run, the word lists go to DIR and no
# README is written): tests/bench/lid-eval.sh uses it for its held-out sources.
#
# Environment: AYAK_TOP, AYAK_BUILD, AYAK_SHARED (default $AYAK_TOP/../shared),
# AYAK_LID (the ayak-lid to train with; default $AYAK_TOP/bin/ayak-lid).
# Needs python3 (standard library only), apt-get, dpkg-deb and apertium with its
# Malaysian-Indonesian pair (apt-get install apertium apertium-ind-zlm).  Exit status 0
# on success, 1 when something needed is missing (said on stderr), else the failing
# step's status.
set -eu

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
DATA=$AYAK_SHARED/data
OUT=$AYAK_BUILD/lid
MODEL=$AYAK_TOP/lexicons/lid/model.bin
README=$AYAK_TOP/lexicons/lid/README.md
SWITCH=$AYAK_TOP/lexicons/lid/switch.tsv
LID=${AYAK_LID:-$AYAK_TOP/bin/ayak-lid}
PREPARED=

while [ $# -gt 0 ]; do
	case $1 in
	-o) MODEL=$2; README=$(dirname "$MODEL")/README.md; SWITCH=$(dirname "$MODEL")/switch.tsv; shift 2 ;;
	--prepared) OUT=$2; PREPARED=1; shift 2 ;;
	*) echo "usage: lid-train.sh [-o MODEL] [--prepared DIR]" >&2; exit 2 ;;
	esac
done

die() { echo "lid-train: $*" >&2; exit 1; }
[ -f "$DATA/MANIFEST.md" ] || die "no training data: $DATA/MANIFEST.md is missing (set AYAK_SHARED)"
command -v python3 >/dev/null 2>&1 || die "python3 is needed to prepare the data"
[ -x "$LID" ] || die "$LID is not built (run make)"

# The settings of the shipped model.  Submodels: NAME:log2(rows):features, with
# c3 = character 3-grams, c4-5 = 4- and 5-grams, w = words, b = word pairs,
# m = marker words (lexicons/lid/markers.tsv and FineWeb-2's word lists; m3: each
# counts three times, so that one marker word is not outweighed by the letters of a
# longer sentence: on the development sentences ind F1 0.9376 -> 0.9415 and zsm
# 0.9749 -> 0.9764 with seed 1, 0.9362 -> 0.9384 and 0.9745 -> 0.9753 with seed 2).  The
# "msa" submodel tells apart the Malayic group and English (Malay text with English,
# the commonest mix in Malaysian web text, is decided there).
MARKERS=$AYAK_TOP/lexicons/lid/markers.tsv
FW2_ZSM=$DATA/fineweb2/wordlists-0.85_zsm_Latn.txt
FW2_IND=$DATA/fineweb2/wordlists-0.85_ind_Latn.txt
SETTINGS="--epochs 15 --lr 2 --average --dropout 0.5 --seed 1 --train-sample 0
 --submodel Latn:14:c3,w --submodel msa:17:c4-5,w,b,m3
 --submodel Cyrl:14:c1-5,w --submodel Arab:14:c1-5,w --submodel Deva:13:c1-5,w
 --extra-labels zho_Hant --word-odds 21 --word-odds-alpha 0.1 --word-odds-weight 0.2"
MSA="zsm_Latn,ind_Latn,jav_Latn,sun_Latn,min_Latn,bjn_Latn,ace_Latn,ban_Latn,bbc_Latn,bug_Latn,mad_Latn,nij_Latn,eng_Latn"
# The model's own version: it changes when the model does, not with the other lexicons
# (a slang or Jawi table bump leaves the model as it was, byte for byte).
VERSION=2026.11.4-lid4
[ -z "$PREPARED" ] || VERSION="$VERSION-prepared"

# The mirrors move on (Firefox's language packs with each security update): say so when
# the packages fetched are not those the shipped model's README names, as the model and
# its measurements will then differ.  snapshot.debian.org keeps every version.
debian_versions_check() {
	local shipped=$OUT/debian/versions.shipped
	[ -f "$README" ] || return 0
	sed -n "/^## Debian's translations/,/^## Source files/p" "$README" |
		grep -E '^[a-z0-9][a-z0-9.+-]* [^ ]+ [0-9a-f]{64}$' >"$shipped" || true
	[ -s "$shipped" ] || return 0
	if ! cmp -s "$shipped" "$OUT/debian/versions.txt"; then
		echo "lid-train: warning: these Debian packages are not those that made the shipped model" >&2
		echo "  (< shipped, in $README; > fetched; snapshot.debian.org has the shipped ones):" >&2
		diff "$shipped" "$OUT/debian/versions.txt" | grep '^[<>]' | cut -c1-80 | sed 's/^/  /' >&2
	fi
}

mkdir -p "$OUT"
if [ -z "$PREPARED" ]; then
	echo "lid-train: preparing the data in $OUT" >&2
	echo "lid-train: Debian's Malay and Indonesian translations (apt-get download) in $OUT/debian" >&2
	lid_split "$OUT" "$DATA" "$MARKERS"
	debian_versions_check
fi
# The words of the training split that tell zsm from ind, and Malaysian training sentences
# put into Indonesian words by Apertium (tests/bench/lid-apertium.py): the same topics on
# the Indonesian side.  Another version of the pair translates otherwise.
lid_have_apertium || die "apertium's Malaysian-Indonesian pair is needed: apt-get install $LID_APERTIUM_PACKAGES"
# shellcheck disable=SC2086 # a list of packages
apertium_versions=$(dpkg-query -W -f '${Package} ${Version}, ' $LID_APERTIUM_PACKAGES 2>/dev/null | sed 's/, $//')
echo "lid-train: translating Malaysian training sentences with Apertium ($apertium_versions)" >&2
lid_augment "$OUT" "$FW2_ZSM" "$MARKERS"

sha() { sha256sum "$1" | cut -c1-16; }
ntrain=$(wc -l <"$OUT/train.jsonl")
# shellcheck disable=SC2086 # SETTINGS is a list of options
settings_line=$(echo $SETTINGS --msa $MSA)
cat >"$OUT/about.txt" <<EOF
version: $VERSION
made-by: tests/bench/lid-train.sh (make lid-model), ayak-lid --train
data: $ntrain training texts from ../shared/data and Debian's ms and id translations (train.jsonl sha256 $(sha "$OUT/train.jsonl")...), and $(wc -l <"$OUT/apertium.jsonl") of the Malaysian ones put into Indonesian by Apertium ($apertium_versions; apertium.jsonl sha256 $(sha "$OUT/apertium.jsonl")...); files, package versions, rules and licenses in lexicons/lid/README.md
settings: $settings_line
markers: lexicons/lid/markers.tsv (sha256 $(sha "$MARKERS")...), FineWeb-2 word lists zsm_Latn and ind_Latn (Apache-2.0), $(grep -vc '^#' "$OUT/words-zsm.txt") zsm and $(grep -vc '^#' "$OUT/words-ind.txt") ind words and pairs of words of the training split (tests/bench/lid-words.py --min $LID_WORDS_MIN --share $LID_WORDS_SHARE --pairs)
contents: hashed feature weights (int8), label names, hashes of marker words, Han character tables from ICU; no training text
EOF

echo "lid-train: training (a few minutes)" >&2
# shellcheck disable=SC2086
"$LID" --train --verbose -o "$MODEL" --about "$OUT/about.txt" --markers "$MARKERS" \
	--word-list "zsm=$FW2_ZSM" --word-list "ind=$FW2_IND" \
	--word-list "zsm-data=$OUT/words-zsm.txt" --word-list "ind-data=$OUT/words-ind.txt" \
	$SETTINGS --msa "$MSA" "$OUT/train.jsonl" "$OUT/apertium.jsonl"

[ -z "$PREPARED" ] || exit 0

# The English/Malay word odds of ayak-lid --by word, from the same training split.
python3 "$here/lid-switch.py" "$OUT/train.jsonl" -o "$SWITCH"

# The sidecar README: what made the model.  Its measurements stay when they name this
# very file (the same data and settings make it byte for byte), and go when it changed.
measured=
if [ -f "$README" ] &&
   sed -n '/^## Measured$/,/^## Training data/p' "$README" | grep -q "$(sha256sum "$MODEL" | cut -d' ' -f1)"; then
	measured=$(sed -n '/^## Measured$/,/^## Training data/p' "$README" | sed '$d')
fi
{
	cat <<EOF
# lexicons/lid: ayak-lid's model

- \`model.bin\`: the language-ID model that \`ayak-lid\` loads by default.
  Version \`$VERSION\`, $(wc -c <"$MODEL") bytes, sha256 \`$(sha256sum "$MODEL" | cut -d' ' -f1)\`.
  \`ayak-lid --model-info\` prints its header; \`ayak-lid --list-labels\` its labels.
- \`markers.tsv\`: Malaysian/Indonesian marker words (ayak's own list; header inside).
- \`switch.tsv\`: the English/Malay word odds that \`ayak-lid --by word\` splits code-switched
  text with (\`tests/bench/lid-switch.py\`, from the same training split; header inside):
  $(grep -vc '^#' "$SWITCH") words, kept as hashes.  The model counts the English words of Malaysian tweets as
  Malaysian (\`movie\` alone is \`zsm_Latn\` at 0.97), so these odds leave out the sources
  that mix English in (tweets, confessions, machine-translated and software text).

Rebuild with \`make lid-model\` (that is \`tests/bench/lid-train.sh\`) from \`../shared/data\`;
measure with \`make eval-lid\` (\`tests/bench/lid-eval.sh\`).  The same data and settings give
the same file, byte for byte, and then the measurements below, which name its sha256, are
kept; when the file changed they give way to a note to measure it again.

## What is in the model

Hashed feature weights (int8, one scale per submodel), the label names, 64-bit hashes of the
marker words, two bitmaps of Han characters (simplified-only and traditional-only, from
ICU's Hans-Hant transforms), and the word odds: a table of 2^21 int8 buckets holding, for
the words and pairs of neighbouring words hashed into each, log((a + 0.1) / Na) -
log((b + 0.1) / Ni), where a and b are the numbers of Malaysian and Indonesian training
texts that hold them (naive Bayes; \`--word-odds\` in ayak-lid(1)).  No training text is
stored, which is why rows that are research-only (see below) may be trained on: their text
never enters the repository.

The marker words are in four groups, each a feature class of its own whose weight training
learns: the strong and weak words of \`markers.tsv\`; FineWeb-2's zsm_Latn and ind_Latn word
lists; and the words and pairs of neighbouring words of the training split that tell the two
apart (\`tests/bench/lid-words.py --min $LID_WORDS_MIN --share $LID_WORDS_SHARE --pairs\`: seen in $LID_WORDS_MIN training
units or more, $(awk -v s="$LID_WORDS_SHARE" 'BEGIN { print s * 100 }')% or more of them on one side once the two sides are scaled to the
same size, a pair only when neither of its words passes alone; $(grep -vc '^#' "$OUT/words-zsm.txt") Malaysian entries, of
which $(grep -c ' ' "$OUT/words-zsm.txt" | awk '{ print $1 - 1 }') pairs, and $(grep -vc '^#' "$OUT/words-ind.txt") Indonesian, of which $(grep -c ' ' "$OUT/words-ind.txt" | awk '{ print $1 - 1 }') pairs; kept as
hashes only).  A word seen a few times only is then not outweighed by its letters
(\`memperburuk\`, \`aparat\`, \`sertifikat\` are Indonesian though their letters look Malay).
The development split gives no word to these lists.

## Settings

\`\`\`
ayak-lid --train $settings_line
  --markers lexicons/lid/markers.tsv
  --word-list zsm=../shared/data/fineweb2/wordlists-0.85_zsm_Latn.txt
  --word-list ind=../shared/data/fineweb2/wordlists-0.85_ind_Latn.txt
  --word-list zsm-data=build/lid/words-zsm.txt --word-list ind-data=build/lid/words-ind.txt
\`\`\`

EOF
	if [ -n "$measured" ]; then
		printf '%s\n\n' "$measured"
	else
		cat <<EOF
## Measured

Not yet measured for this file: run \`make eval-lid\` (its report is \`build/eval-lid.txt\`)
and copy its summary here and into the ACCURACY table of ayak-lid(1).

EOF
	fi
	cat <<EOF
## Training data, label cleaning and the development split

Built by \`tests/bench/lid-data.py\` from \`../shared/data\` (each file's source, commit and
license are in its \`MANIFEST.md\`) and, since \`2026.11.3-lid3\`, from the Malay and Indonesian
translations in Debian's packages (\`tests/bench/lid-debian.py\`; below).  FLORES-200, SIB-200
and Tatoeba are reserved for independent evaluation: they are not in \`../shared/data\` and
nothing here reads them.

- Split by document: the key of a document is the hash (BLAKE2b, 64 bits) of its normalized
  text (for NusaX, of the Indonesian side of the parallel row, so translations stay on one
  side); key mod 10 = 0 goes to the development split, which is never trained on.  Training
  texts whose normalized text is also a development document or sentence are dropped.
- Training texts: every sentence of a training document, and every paragraph of more than
  one sentence (long paragraphs in chunks of about 600 characters); at most 25,000 per
  source file (6,000 for the machine-translated emotion set and each Debian source), chosen by hash.
- Label cleaning with the strong markers of \`markers.tsv\`:
  - \`lingua-testdata/sentences/ms.txt\` and \`malaysian-dataset/news_articles.{pembelajaran,
    pendidikan,sekolah,kerajaan}.txt\` are labelled Malay but are mostly Indonesian
    (\`kerajaan\`: about a third of its lines with markers are Indonesian articles about
    kingdoms).  Each of their documents is relabelled by its markers (more Indonesian than
    Malaysian markers: ind_Latn; more Malaysian: zsm_Latn; none or a tie: dropped), and they
    are used for training only, never for development.
  - Any other Malaysian Malay text with more Indonesian than Malaysian markers is dropped,
    and any Indonesian text with more Malaysian than Indonesian markers: whole documents
    first (training and development alike, so that a Malaysian article in an Indonesian
    news file does not lend its sentences without markers the wrong label), then training
    units and development sentences one by one.
  - \`malaysian-dataset/malay_web_pages.jsonl\`: paragraphs under 40 characters (menus) and
    English paragraphs (a fifth or more English function words) are dropped.
  - Sentences inherit their document's label, and Malay documents hold English lines (and
    English ones Malay headings): a Malaysian, Indonesian or English text whose function words
    are mostly of the other side (two or more, and more than twice as many) is dropped, from
    training and development alike.
  - \`malaya/tweets_*.txt\` (Malaysian politicians' tweets of about 2018, code-switched): only
    the tweets whose function words are mostly Malay (two or more, and at least twice as many
    as English ones), for training only, never for development (since \`2026.11.2-lid2\`).

Sizes (texts per label; the sentence set keeps sentences of 3 words or more):

\`\`\`
EOF
	sed -n '3,/^total/p' "$OUT/data-report.txt"
	cat <<EOF
\`\`\`

Labels without data of their own: \`zho_Hant\` (told from \`zho_Hans\` by the Han tables) and
\`und\`.  \`zsm_Arab\` (Jawi) has 83 training lines (UDHR) and is mostly found by its letters.

## Debian's translations

Software text (menus, messages, help) is missing from \`../shared/data\`: \`2026.11.2-lid2\`
called 26% of the Indonesian development strings of these packages Malaysian (649 of 2,511),
and 4% of the Malay ones Indonesian (28 of 651).  \`tests/bench/lid-debian.py\` downloads the packages below with \`apt-get
download\` and takes the strings of Firefox's and Thunderbird's language packs, of the
gettext catalogues of the locale packages (the same programs for \`ms\` and \`id\`) and the
paragraphs of LibreOffice's Indonesian help.  \`lid-data.py --debian\` keeps a string when it
has a Malay function word and more of them than English ones, caps each source at 6,000
training texts, and puts the development tenth of each (by the same hash) in
\`dev-extra.jsonl\`, scored apart: the development split of \`../shared/data\` is the same
as without them.  Another version of a package gives other strings, and so another model
(\`make lid-model\` warns when it fetches others; snapshot.debian.org keeps them all):
these made this one (package, version, sha256 of the \`.deb\`).  One is for testing only:
\`debian-reference-id\`, the Debian Reference in Indonesian, a manual in prose whose paragraphs
(those of the same rule, none a training text) \`make eval-lid\` scores as text from elsewhere
(\`test-extra.jsonl\`; the row \`ref\`).

\`\`\`
EOF
	cat "$OUT/debian/versions.txt"
	cat <<EOF
\`\`\`

## Apertium's translations

Since \`2026.11.4-lid4\`, Malaysian training sentences put into Indonesian by Apertium
(\`tests/bench/lid-apertium.py\`; Debian's \`apertium-ind-zlm\`, GPL, a rule-based translator
between the two) are Indonesian training texts too.  The Indonesian training texts are news,
reviews, hoaxes, tweets and software strings; the Malaysian ones cover far more (school
essays, health, lifestyle, motoring, banking, religion), and a model trained on them learns
topics as well as language: \`Fungsi utama silika adalah sebagai asam\` (Indonesian:
Malaysian writes \`asid\`) was Malaysian at 0.9985 for a model that had seen silica only in
Malaysian texts (three, of a motoring site; \`lid4\` still says Malaysian, at 0.8424).  A
translation is kept when Apertium changed a word and no word of the Malaysian lists (the
training split's, FineWeb-2's, the markers') is left in it: one that keeps \`sama ada\` or
\`duit\` would teach that they are Indonesian.  Only the training split is translated.  This run ($apertium_versions):
$(cat "$OUT/apertium.log").
Another version of the pair translates otherwise, and so gives another model.

## Source files and licenses

| file | license (from MANIFEST.md) | label |
|---|---|---|
EOF
	python3 - "$DATA/MANIFEST.md" "$OUT/train.jsonl" <<'PY'
import json, sys, collections
man = {}
for line in open(sys.argv[1], encoding='utf-8'):
    if line.startswith('| ') and not line.startswith('| file') and not line.startswith('|---'):
        cols = [c.strip() for c in line.strip().strip('|').split('|')]
        if len(cols) >= 5:
            man[cols[0]] = cols[4]
srcs = collections.OrderedDict()
for line in open(sys.argv[2], encoding='utf-8'):
    r = json.loads(line)
    srcs.setdefault(r['src'], set()).add(r['label'])
debian = {'locale': "GPL or LGPL, as each package's debian/copyright says",
          'firefox': 'MPL-2.0', 'thunderbird': 'MPL-2.0', 'libreoffice': 'MPL-2.0'}
for s in sorted(srcs):
    key = s.split(':')[0]
    lic = man.get(key, '?').replace('|', '/')
    if s.startswith('debian/'):
        lic = debian[s.split('/')[1].split('-')[0]]
    print('| %s | %s | %s |' % (s, lic, ', '.join(sorted(srcs[s]))))
PY
} >"$README.tmp"
mv "$README.tmp" "$README"
echo "lid-train: wrote $MODEL ($(wc -c <"$MODEL") bytes) and $README" >&2
