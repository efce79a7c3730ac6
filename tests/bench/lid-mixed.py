#!/usr/bin/env python3
"""Mixed-language documents for ayak-lid's evaluation, built from development sentences.

  lid-mixed.py make DEV-SENT.jsonl OUT.jsonl LINES.txt [--docs N] [--seed S] [--kinds K]
  lid-mixed.py score OUT.jsonl [--mixed X] NAME=PRED ...

`make` joins development sentences (lid-data.py's dev-sent.jsonl, never trained on),
one per line, into documents: Malaysian Malay with English lines (the commonest
mix in Malaysian web text), Indonesian with English, Malaysian with Indonesian
(forum threads, quoted news), and pure documents of each.  A document has 3 to 10
lines; in a mixed one, 1 to half of them are in the second language.  With --kinds
english-first, the documents are English with Malaysian or Indonesian lines instead
(English pages quoting Malay, which --keep zsm_Latn must leave out).  Each record
holds the text and the truth: "parts" (each line's label), "shares" (each label's
share of the letters) and "label", made by ayak-lid's rule (the largest share, and
the second joined by "+" when it has at least --mixed of the letters, 0.2), so
that some documents of a mixed kind are pure by the rule.  LINES.txt has every
line on its own, for systems that label lines (fastText).

`score` reads predictions, one per document line of OUT.jsonl (NAME=PRED): either
ayak-lid's output with --by line (lang, lang_parts, lang_shares), or ayak-lid
without --by (lang only: the dominant label is scored), or LINES.txt's labels one
per line (a bare label, or fastText's __label__X), which are made into shares and
a document label by the same rule as the truth.  Prints, for each system: the
lines labelled right, the document labels right (exactly, and the dominant label),
how well mixed documents are found (precision, recall, F1 of "has a second
language"), and the mean share error (half the sum of |predicted - true share|
over the labels: 0 is exact, 1 is all wrong).  Standard library only.
"""
import argparse, json, random, re, sys

KINDS = {  # name: [(first, second or None, weight)]
    'malay-first': [('zsm_Latn', 'eng_Latn', 40), ('ind_Latn', 'eng_Latn', 15),
                    ('zsm_Latn', 'ind_Latn', 10), ('zsm_Latn', None, 15), ('ind_Latn', None, 10),
                    ('eng_Latn', None, 10)],
    # English pages with Malay lines (Malaysian English news quoting Malay): what --keep
    # zsm_Latn must not let in when it reads whole documents
    'english-first': [('eng_Latn', 'zsm_Latn', 2), ('eng_Latn', 'ind_Latn', 1)]}


# ayak-lid does not count the letters of links, e-mail addresses and @handles
LINK = re.compile(r'(?:https?://|www\.)\S+|\S+@\S+|@\w+')


def letters(s):
    return sum(ch.isalpha() for ch in LINK.sub(' ', s))


def doc_label(parts, lines, mixed):
    """ayak-lid's rule: shares of the letters (und left out), the largest label, and the
    second joined by '+' when its share is at least `mixed`."""
    share = {}
    for lab, line in zip(parts, lines):
        n = letters(line)
        if n and lab != 'und':
            share[lab] = share.get(lab, 0) + n
    total = sum(share.values())
    if not total:
        return 'und', {}
    share = {k: v / total for k, v in share.items()}
    order = sorted(share, key=lambda k: (-share[k], k))
    label = order[0]
    if len(order) > 1 and share[order[1]] >= mixed:
        label += '+' + order[1]
    return label, share


def make(args):
    pools = {'zsm_Latn': [], 'ind_Latn': [], 'eng_Latn': []}
    with open(args.dev, encoding='utf-8') as f:
        for line in f:
            r = json.loads(line)
            if r['label'] in pools:
                pools[r['label']].append(' '.join(r['text'].split()))
    rng = random.Random(args.seed)
    kinds = KINDS[args.kinds]
    weights = [k[2] for k in kinds]
    with open(args.out, 'w', encoding='utf-8') as out, open(args.lines, 'w', encoding='utf-8') as lo:
        for _ in range(args.docs):
            first, second, _w = rng.choices(kinds, weights)[0]
            n = rng.randint(3, 10)
            k = rng.randint(1, n // 2) if second else 0
            parts = [second] * k + [first] * (n - k)
            rng.shuffle(parts)
            lines = [rng.choice(pools[p]) for p in parts]
            label, share = doc_label(parts, lines, args.mixed)
            out.write(json.dumps({'text': '\n'.join(lines), 'label': label, 'parts': parts,
                                  'shares': {k: round(v, 4) for k, v in share.items()},
                                  'kind': first + ('+' + second if second else '')},
                                 ensure_ascii=False) + '\n')
            for line in lines:
                lo.write(line + '\n')


def read_system(path, gold, mixed):
    """Per document: (parts, shares, label); parts and shares None for ayak-lid without --by."""
    out = []
    with open(path, encoding='utf-8') as f:
        first = f.readline()
        f.seek(0)
        if first.startswith('{'):
            for line in f:
                r = json.loads(line)
                parts = [p['lang'] for p in r['lang_parts']] if 'lang_parts' in r else None
                out.append((parts, r.get('lang_shares'), r['lang']))
        else:
            labels = [l.split()[0].replace('__label__', '') if l.strip() else 'und' for l in f]
            i = 0
            for g in gold:
                n = len(g['parts'])
                parts = labels[i:i + n]
                i += n
                lines = g['text'].split('\n')
                label, share = doc_label(parts, lines, mixed)
                out.append((parts, share, label))
            if i != len(labels):
                sys.exit('lid-mixed: %s has %d labels for %d lines' % (path, len(labels), i))
    if len(out) != len(gold):
        sys.exit('lid-mixed: %s has %d predictions for %d documents' % (path, len(out), len(gold)))
    return out


def score(args):
    with open(args.gold, encoding='utf-8') as f:
        gold = [json.loads(l) for l in f]
    nlines = sum(len(g['parts']) for g in gold)
    nmixed = sum('+' in g['label'] for g in gold)
    kinds = {}
    for g in gold:
        kinds[g['kind']] = kinds.get(g['kind'], 0) + 1
    print('  %d documents, %d lines; %d mixed by the rule (a second language with %.0f%% of the '
          'letters or more)' % (len(gold), nlines, nmixed, 100 * args.mixed))
    print('  kinds: ' + ', '.join('%s %d' % kv for kv in sorted(kinds.items(), key=lambda kv: -kv[1])))
    print('  %-24s %8s %8s %8s %8s %8s %8s %8s' % ('system', 'lines', 'label', 'dominant',
                                                  'mixed-P', 'mixed-R', 'mixed-F1', 'share-err'))
    by_kind = []
    by_band = []
    dash = '%8s' % '-'
    for spec in args.systems:
        name, path = spec.split('=', 1)
        pred = read_system(path, gold, args.mixed)
        # without parts (ayak-lid on whole texts) a system gives one label: its first is scored
        has_parts = pred[0][0] is not None
        right_lines = right_label = right_dom = tp = fp = fn = 0
        err = 0.0
        right = {}
        for g, (parts, share, label) in zip(gold, pred):
            exact = label == g['label']
            dom = label.split('+')[0] == g['label'].split('+')[0]
            right_label += exact
            right_dom += dom
            right[g['kind']] = right.get(g['kind'], 0) + (exact if has_parts else dom)
            if not has_parts:
                continue
            right_lines += sum(p == t for p, t in zip(parts, g['parts']))
            m, t = '+' in label, '+' in g['label']
            tp += m and t
            fp += m and not t
            fn += t and not m
            keys = set(share) | set(g['shares'])
            err += sum(abs(share.get(k, 0) - g['shares'].get(k, 0)) for k in keys) / 2
        by_kind.append((name, right))
        by_band.append((name, [label.split('+')[0] == g['label'].split('+')[0]
                               for g, (_p, _s, label) in zip(gold, pred)]))
        if not has_parts:
            print('  %-24s %s %s %8.4f %s %s %s %s' % ((name, dash, dash, right_dom / len(gold)) + (dash,) * 4))
            continue
        p = tp / (tp + fp) if tp + fp else 0
        r = tp / (tp + fn) if tp + fn else 0
        f1 = 2 * p * r / (p + r) if p + r else 0
        print('  %-24s %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f' % (
            name, right_lines / nlines, right_label / len(gold), right_dom / len(gold), p, r, f1,
            err / len(gold)))
    # the dominant label by how dominant it is: a near-even mix is the hard case
    bands = [(0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 1.01)]
    band_of = [next((b for b in bands if b[0] <= max(g['shares'].values(), default=0) < b[1]), None)
               for g in gold]
    print('  dominant label right, by the dominant label\'s true share of the letters:')
    print('  %-24s' % '' + ''.join(' %11s' % ('%.1f-%.1f' % (a, min(b, 1)))
                                     for a, b in bands))
    print('  %-24s' % 'documents' + ''.join(' %11d' % band_of.count(b) for b in bands))
    for name, dom in by_band:
        print('  %-24s' % name + ''.join(
            ' %11s' % ('%.4f' % (sum(d for d, bb in zip(dom, band_of) if bb == b) / band_of.count(b))
                       if band_of.count(b) else '-') for b in bands))
    order = sorted(kinds, key=lambda k: -kinds[k])
    print('  by kind (labels right; the dominant label where the system gives one label only):')
    print('  %-24s' % '' + ''.join(' %8s' % k.replace('_Latn', '') for k in order))
    for name, right in by_kind:
        print('  %-24s' % name + ''.join(' %8.4f' % (right.get(k, 0) / kinds[k]) for k in order))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    m = sub.add_parser('make')
    m.add_argument('dev')
    m.add_argument('out')
    m.add_argument('lines')
    m.add_argument('--docs', type=int, default=3000)
    m.add_argument('--seed', type=int, default=1)
    m.add_argument('--mixed', type=float, default=0.2)
    m.add_argument('--kinds', choices=sorted(KINDS), default='malay-first')
    s = sub.add_parser('score')
    s.add_argument('gold')
    s.add_argument('systems', nargs='+', metavar='NAME=PRED')
    s.add_argument('--mixed', type=float, default=0.2)
    args = ap.parse_args()
    make(args) if args.cmd == 'make' else score(args)


if __name__ == '__main__':
    main()
