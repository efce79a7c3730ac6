#!/usr/bin/env python3
"""tests/bench/lid-switch.py: build lexicons/lid/switch.tsv, the English/Malay word
odds that `ayak-lid --by word` splits code-switched text with.

    lid-switch.py TRAIN.jsonl -o switch.tsv [--min 3] [--alpha 0.5] [--prune 0.5]

TRAIN.jsonl is the training split of tests/bench/lid-data.py (records with text,
label and src).  English is every eng_Latn text; Malay every zsm_Latn and ind_Latn
text but those of sources that mix English in by nature (tweets, confessions, the
machine-translated emotion set) and of software strings (Debian's translations keep
product names and untranslated words): the model (lexicons/lid/model.bin) counts
English words of Malaysian tweets as Malaysian, which is why a word alone is no guide
to it and this table exists.

Words are split as ayak-lid splits them (letters and the marks after them; links,
e-mail addresses and @handles left out) and lower-cased one code point at a time.
A word seen --min times or more, on both sides together, gets
    log((e + alpha) / (E + alpha V)) - log((m + alpha) / (M + alpha V))
(e, m: its counts; E, M: all words of each side; V: the words kept), between -8 and 8
with one decimal; one whose odds are nearer 0 than --prune is left out (ayak-lid
counts a word it does not know as 0).  Entries are the words' 64-bit hashes (as
lid_word_hash() in src/lib/lid.c computes them), not the words: some sources are
research-only, and their text must not enter the repository.  Sorted by hash: the
same training split gives the same file, byte for byte.
"""
import argparse, collections, hashlib, json, math, re, sys, unicodedata

NOISY = ('tweets', 'iium_confession', 'emot_emotion-twitter', 'emotion_machine', 'debian/')
MASK = (1 << 64) - 1
VERSION = '2026.11.4-sw1'


def fmix64(h):
    h ^= h >> 33
    h = (h * 0xff51afd7ed558ccd) & MASK
    h ^= h >> 33
    h = (h * 0xc4ceb9fe1a85ec53) & MASK
    h ^= h >> 33
    return h


def word_hash(word):
    """lid_word_hash(): FNV-1a over the code points, then fmix64 of it xor the length."""
    h = 0xcbf29ce484222325
    for ch in word:
        h = ((h ^ ord(ch)) * 0x100000001b3) & MASK
    return fmix64(h ^ len(word))


def lower(ch):
    low = ch.lower()
    return low if len(low) == 1 else ch   # ICU's u_tolower: one code point to one


def skipped(token):
    """A link, an e-mail address or a @handle (skip_token() in src/lib/lid.c)."""
    return token.startswith(('www.', 'Www.', 'WWW.')) or '@' in token or '://' in token[1:]


TOKEN = re.compile('[^ \t\n\v\f\r]+')   # split at the bytes ayak-lid counts as spaces


def word_spans(text):
    """(start, end) in code points of the words ayak-lid --by word reads: letters and the
    marks after them, in tokens that are not links, e-mail addresses or @handles."""
    out = []
    for token in TOKEN.finditer(text):
        if skipped(token.group()):
            continue
        start = None
        for i in range(token.start(), token.end() + 1):
            ch = text[i] if i < token.end() else ' '
            if ch.isalpha() or (start is not None and unicodedata.category(ch).startswith('M')):
                if start is None:
                    start = i
            elif start is not None:
                out.append((start, i))
                start = None
    return out


def words(text):
    """The lower-cased words of text, as ayak-lid --by word finds them."""
    return [''.join(lower(ch) for ch in text[a:b]) for a, b in word_spans(text)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('train')
    ap.add_argument('-o', '--out', required=True)
    ap.add_argument('--min', type=int, default=3)
    ap.add_argument('--alpha', type=float, default=0.5)
    ap.add_argument('--prune', type=float, default=0.5)
    a = ap.parse_args()

    count = {'eng': collections.Counter(), 'msa': collections.Counter()}
    srcs = {'eng': set(), 'msa': set()}
    digest = hashlib.sha256()
    with open(a.train, 'rb') as f:
        for raw in f:
            digest.update(raw)
            r = json.loads(raw)
            if r['label'] == 'eng_Latn':
                side = 'eng'
            elif r['label'] in ('zsm_Latn', 'ind_Latn') and not any(n in r['src'] for n in NOISY):
                side = 'msa'
            else:
                continue
            srcs[side].add(r['src'])
            count[side].update(words(r['text']))
    total = {s: sum(c.values()) for s, c in count.items()}
    vocab = sorted(w for w in set(count['eng']) | set(count['msa'])
                   if count['eng'][w] + count['msa'][w] >= a.min)
    V = len(vocab)
    rows = {}
    for w in vocab:
        odds = (math.log((count['eng'][w] + a.alpha) / (total['eng'] + a.alpha * V))
                - math.log((count['msa'][w] + a.alpha) / (total['msa'] + a.alpha * V)))
        odds = max(-8.0, min(8.0, odds))
        if abs(odds) < a.prune:
            continue
        h = word_hash(w)
        if h in rows:
            sys.exit('lid-switch: two words with one hash (%016x): %r' % (h, w))
        rows[h] = odds
    with open(a.out, 'w', encoding='utf-8') as out:
        out.write(f"""# ayak-lid switch words: English against Malay, word by word (ayak-lid --by word)
# version: {VERSION}
# made-by: tests/bench/lid-switch.py --min {a.min} --alpha {a.alpha} --prune {a.prune} (make lid-model)
# data: the training split of lexicons/lid/model.bin (train.jsonl sha256 {digest.hexdigest()[:16]}...):
#   {total['eng']} English words of {len(srcs['eng'])} sources and {total['msa']} Malay (zsm_Latn and
#   ind_Latn) words of {len(srcs['msa'])} sources; tweets, confessions, machine-translated and
#   software text left out (they mix English in); sources and licenses in lexicons/lid/README.md
# license: same as ayak (counts of words, not text)
# format: KEY<TAB>ODDS
#   KEY   a lower-case word, or 16 hex digits: the hash of one (lid_word_hash(), as
#         tests/bench/lid-switch.py computes it); this file's entries are hashes, as some
#         of its sources are research-only and their text stays out of the repository
#   ODDS  log(P(word | English) / P(word | Malay)), -8 to 8: above 0, English
""")
        for h in sorted(rows):
            out.write('%016x\t%.1f\n' % (h, rows[h]))
    print('lid-switch: %d words (%d seen %d times or more; %d English and %d Malay words read) -> %s'
          % (len(rows), V, a.min, total['eng'], total['msa'], a.out), file=sys.stderr)


if __name__ == '__main__':
    main()
