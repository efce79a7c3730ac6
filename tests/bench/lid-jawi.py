#!/usr/bin/env python3
"""tests/bench/lid-jawi.py: how ayak-lid finds Jawi (zsm_Arab) in short texts, and how
often it calls Arabic, Persian or Urdu Jawi (make eval-lid runs it).

    lid-jawi.py --lid BIN --model MODEL --data DIR [--dev FILE ...]

Jawi: the UDHR in Malay in Jawi (DIR/udhr/mly_arab.txt) cut into spans of 1 to 8 words
(each line's words in turn, k at a time), the share of each length that ayak-lid labels
zsm_Arab, and of those with and without a letter Jawi has and Arabic has not.  The same
lines are the Arabic model's only Jawi training text, so the spans that no letter
decides are read by a model that has seen them: the rule's part is the honest one.

Not Jawi: lingua's Arabic, Persian and Urdu test lines (sentences, single words, word
pairs) and the Arabic-script texts of each --dev file (the development split, labelled),
with how many of them ayak-lid labels zsm_Arab and how many hold such a letter.
"""
import argparse
import json
import os
import subprocess
import sys

STRONG = set('\u06a0\u0762\u06bd\u06cf\u06ac')  # nga, ga, nya, va, ga (older form)
PA = '\u06a4'


def labels(lid, model, texts):
    """ayak-lid's label for each text, in order."""
    data = ''.join(json.dumps({'text': t}, ensure_ascii=False) + '\n' for t in texts)
    out = subprocess.run([lid, '--model', model], input=data.encode(), stdout=subprocess.PIPE,
                         check=True).stdout.decode().splitlines()
    if len(out) != len(texts):
        sys.exit('lid-jawi.py: ayak-lid wrote %d records for %d' % (len(out), len(texts)))
    return [json.loads(line)['lang'] for line in out]


def letters_of(text):
    """'strong' (a letter only Jawi has), 'pa' (pa only), or 'none'."""
    if any(c in STRONG for c in text):
        return 'strong'
    return 'pa' if PA in text else 'none'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--lid', required=True)
    ap.add_argument('--model', required=True)
    ap.add_argument('--data', required=True)
    ap.add_argument('--dev', action='append', default=[])
    a = ap.parse_args()

    udhr = os.path.join(a.data, 'udhr', 'mly_arab.txt')
    lines = [l.split() for l in open(udhr, encoding='utf-8') if l.strip()]
    spans = [(k, ' '.join(w[i:i + k])) for k in range(1, 9) for w in lines
             for i in range(0, len(w) - k + 1, k)]
    got = labels(a.lid, a.model, [t for _, t in spans])
    print('Jawi: spans of the UDHR in Jawi (%s), labelled zsm_Arab' % udhr)
    print('  words  spans  zsm_Arab   share   with a Jawi-only letter   pa only      neither')
    for k in range(1, 9):
        rows = [(letters_of(t), g) for (kk, t), g in zip(spans, got) if kk == k]
        if not rows:  # no line of k words
            continue
        cells = []
        for kind in ('strong', 'pa', 'none'):
            n = sum(1 for c, _ in rows if c == kind)
            ok = sum(1 for c, g in rows if c == kind and g == 'zsm_Arab')
            cells.append('%5d/%-5d' % (ok, n))
        ok = sum(1 for _, g in rows if g == 'zsm_Arab')
        print('  %5d  %5d  %8d  %.4f   %-24s  %-11s  %s' % (k, len(rows), ok, ok / len(rows), *cells))

    texts = []
    lingua = os.path.join(a.data, 'lingua-testdata')
    for kind in ('sentences', 'single-words', 'word-pairs'):
        for lang in ('ar', 'fa', 'ur'):
            path = os.path.join(lingua, kind, lang + '.txt')
            if os.path.exists(path):
                texts += [('lingua %s %s' % (kind, lang), l.strip())
                          for l in open(path, encoding='utf-8') if l.strip()]
    for path in a.dev:
        for line in open(path, encoding='utf-8'):
            r = json.loads(line)
            if r.get('label', '').endswith('_Arab') and r['label'] != 'zsm_Arab':
                texts.append(('%s %s' % (os.path.basename(path), r['label']), r['text']))
    got = labels(a.lid, a.model, [t for _, t in texts])
    print()
    print('Not Jawi: Arabic, Persian and Urdu lines, labelled zsm_Arab')
    print('  set                             texts  zsm_Arab  with a Jawi-only letter  pa only')
    for name in sorted(set(n for n, _ in texts)):
        rows = [(t, g) for (n, t), g in zip(texts, got) if n == name]
        print('  %-30s %6d  %8d  %23d  %7d' % (
            name, len(rows), sum(1 for _, g in rows if g == 'zsm_Arab'),
            sum(1 for t, _ in rows if letters_of(t) == 'strong'),
            sum(1 for t, _ in rows if letters_of(t) == 'pa')))
    print('  %-30s %6d  %8d' % ('all', len(texts), sum(1 for g in got if g == 'zsm_Arab')))


if __name__ == '__main__':
    main()
