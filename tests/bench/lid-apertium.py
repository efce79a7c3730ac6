#!/usr/bin/env python3
"""Malaysian training sentences put into Indonesian by Apertium, as Indonesian training texts.

  lid-apertium.py TRAIN.jsonl WORDS-ZSM FINEWEB2-ZSM MARKERS OUT.jsonl

Why: the Indonesian training texts are news, reviews, hoaxes, tweets and software strings;
the Malaysian ones cover far more (school essays, health, lifestyle, motoring, banking,
religion).  A model trained on them learns topics as much as language: `Fungsi utama silika
adalah sebagai asam` is Indonesian (asam; Malaysian writes asid), yet a model that has seen
silica only in Malaysian texts (three, of a motoring site) calls it Malaysian.  Apertium's Malaysian-to-Indonesian
translation (Debian's apertium-ind-zlm) gives the same topics in Indonesian words.

What is kept: the sentences (3 words or more, 20 to 400 characters) of the Malaysian
training texts, but for the sources that are colloquial or already translated (subtitles,
tweets, confessions, the machine-translated set, Debian's strings), translated with
`apertium -u zlm-ind`, when Apertium changed a word and no word of the Malaysian lists is
left in the translation (WORDS-ZSM: the training split's Malaysian words, lid-words.py;
FINEWEB2-ZSM; the Malaysian words of MARKERS): a translation that keeps `sama ada` or
`duit` would teach that they are Indonesian.  At most 30,000, chosen by hash.  Only
TRAIN.jsonl is read: the development split gives nothing.  Each is written as
{"text","label":"ind_Latn","src":"apertium-zlm-ind:SOURCE"}; prints a line of counts.
Only the Python standard library and the apertium command are used.
"""
import hashlib, json, re, subprocess, sys

MAX_ROWS = 30000
SKIP = ('subtitles', 'tweets', 'confession', 'machine_translated', 'debian/', 'lingua-')
SENTENCE_END = re.compile(r'(?<=[.!?])\s+(?=[A-Z"\u201c])')
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def words_of(path, marker_side=None):
    """The single words of a word list (lid-words.py's, FineWeb-2's) or of MARKERS' side
    (strong and weak; not its endings, `-iti`, which names such as Siti would match)."""
    out = set()
    with open(path, encoding='utf-8') as f:
        for line in f:
            if line.startswith('#') or not line.strip():
                continue
            cols = line.rstrip('\n').split('\t')
            if marker_side and (len(cols) < 2 or cols[1] != marker_side):
                continue
            if ' ' not in cols[0].strip() and not cols[0].startswith('-'):
                out.add(cols[0].strip().lower())
    return out


def key(text):
    return hashlib.blake2b(text.encode('utf-8'), digest_size=8).digest()


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    train, words_zsm, fw2_zsm, markers, out = sys.argv[1:]
    malaysian = words_of(words_zsm) | words_of(fw2_zsm) | words_of(markers, 'zsm')
    sentences = set()
    with open(train, encoding='utf-8') as f:
        for line in f:
            r = json.loads(line)
            if r['label'] != 'zsm_Latn' or any(s in r['src'] for s in SKIP):
                continue
            for para in r['text'].split('\n'):
                for s in SENTENCE_END.split(para.strip()):
                    s = ' '.join(s.split())
                    if 20 <= len(s) <= 400 and len(WORD.findall(s)) >= 3:
                        sentences.add((key(s), s, r['src']))
    sentences = sorted(sentences)
    done = subprocess.run(['apertium', '-u', 'zlm-ind'], capture_output=True, text=True,
                          input=''.join(s + '\n' for _, s, _ in sentences))
    translated = done.stdout.split('\n')
    if done.returncode:
        sys.exit('lid-apertium: apertium -u zlm-ind failed: ' + done.stderr.strip()[:200])
    # a line out for each line in, or the pairs below would not be a sentence and its translation
    if translated[-1] != '' or len(translated) != len(sentences) + 1:
        sys.exit('lid-apertium: apertium -u zlm-ind gave %d lines for %d sentences'
                 % (len(translated) - 1, len(sentences)))
    unchanged = left = 0
    rows = []
    for (k, s, src), t in zip(sentences, translated):
        before, after = WORD.findall(s.lower()), WORD.findall(t.lower())
        if before == after:
            unchanged += 1
        elif any(w in malaysian for w in after):
            left += 1
        else:
            rows.append((k, ' '.join(t.split()), src))
    with open(out, 'w', encoding='utf-8') as f:
        for _, t, src in rows[:MAX_ROWS]:
            f.write(json.dumps({'text': t, 'label': 'ind_Latn', 'src': 'apertium-zlm-ind:' + src},
                               ensure_ascii=False) + '\n')
    print('%d Malaysian sentences translated: %d unchanged, %d with a Malaysian word left, '
          '%d written' % (len(sentences), unchanged, left, min(len(rows), MAX_ROWS)))


if __name__ == '__main__':
    main()
