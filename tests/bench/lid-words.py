#!/usr/bin/env python3
"""Words that tell Malaysian Malay from Indonesian in ayak-lid's training split.

  lid-words.py TRAIN.jsonl OUTDIR [--min N] [--share S] [--pairs]

Counts, for every lower-case word, the zsm_Latn and the ind_Latn training units
(sentences and paragraphs of train.jsonl, written by lid-data.py) that hold it,
and writes OUTDIR/words-zsm.txt and OUTDIR/words-ind.txt: the words seen in N
units or more (default 10) of which a share S or more (default 0.9) are on one
side, the counts of each side scaled to the same total first; with --pairs, also
pairs of neighbouring words ("akhir pekan") that pass the same test when neither
of their words does.  ayak-lid --train
takes them with --word-list zsm-data=FILE / ind-data=FILE: each becomes a marker
class of its own, whose weight the training learns over all its words, so that a
word seen a few times only is not outweighed by its letters.  Only the training
split is read: the development split never gives a word.
"""
import collections, json, re, sys

# words as ayak-lid cuts them: runs of letters (an apostrophe or a hyphen ends a word)
WORD = re.compile(r"[^\W\d_]+")


def main():
    args = sys.argv[1:]
    mn, share, pairs = 10, 0.9, False
    pos = []
    i = 0
    while i < len(args):
        if args[i] == '--min':
            mn = int(args[i + 1]); i += 2
        elif args[i] == '--share':
            share = float(args[i + 1]); i += 2
        elif args[i] == '--pairs':
            pairs = True; i += 1
        else:
            pos.append(args[i]); i += 1
    if len(pos) != 2:
        sys.exit('usage: lid-words.py TRAIN.jsonl OUTDIR [--min N] [--share S] [--pairs]')
    cz, ci = collections.Counter(), collections.Counter()
    nz = ni = 0
    with open(pos[0], encoding='utf-8') as f:
        for line in f:
            r = json.loads(line)
            if r['label'] not in ('zsm_Latn', 'ind_Latn'):
                continue
            ws = WORD.findall(r['text'].lower())
            keys = set(ws)
            if pairs:
                keys.update(a + ' ' + b for a, b in zip(ws, ws[1:]))
            if r['label'] == 'zsm_Latn':
                nz += 1
                cz.update(keys)
            else:
                ni += 1
                ci.update(keys)
    out = {'zsm': [], 'ind': []}
    single = set()
    for w in sorted(set(cz) | set(ci), key=lambda w: (' ' in w, w)):
        z, i = cz[w], ci[w]
        if z + i < mn or len(w) < 2 or len(w) >= 64:
            continue
        if ' ' in w:
            # a pair says more than its words only when neither says it alone
            a, b = w.split(' ')
            if a in single or b in single or len(a) >= 32 or len(b) >= 32:
                continue
        elif len(w) >= 32:
            continue
        fz, fi = z / nz, i / ni
        s = fz / (fz + fi)
        if s >= share:
            out['zsm'].append(w)
            single.add(w)
        elif 1 - s >= share:
            out['ind'].append(w)
            single.add(w)
    for side in ('zsm', 'ind'):
        with open('%s/words-%s.txt' % (pos[1], side), 'w', encoding='utf-8') as f:
            f.write('# lid-words.py: %s words%s of the training split (%d units or more, share %.2f or more)\n'
                    % (side, ' and pairs' if pairs else '', mn, share))
            for w in out[side]:
                f.write(w + '\n')
    print('words-zsm.txt %d (%d pairs), words-ind.txt %d (%d pairs)' % (
        len(out['zsm']), sum(' ' in w for w in out['zsm']), len(out['ind']), sum(' ' in w for w in out['ind'])))


if __name__ == '__main__':
    main()
