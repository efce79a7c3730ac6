#!/usr/bin/env python3
"""tests/bench/lid-switch-eval.py: how well `ayak-lid --by word` splits English from
Malay inside a line, on code-switched lines made from the development split.

    lid-switch-eval.py DEV-SENT.jsonl --lid bin/ayak-lid [--model FILE] [--half 0|1]
                       [--lines N] [--cost X ...]

No word-labelled code-switched corpus is in ../shared/data (the Malaysian tweets
that mix the two have no word labels), so the lines are made, deterministically
(seed 1), from development sentences never trained on: English from every eng_Latn
source, Malay from the zsm_Latn and ind_Latn sources that do not mix English in by
nature (no tweets or confessions).  Each word's label is the language of the sentence
it came from.  Kinds of line (in these proportions):
  A 3/8  a Malay sentence with 1 to 6 English words put in at a word boundary
         (Aku rasa this movie is so good lah ...)
  B 2/8  a Malay clause then an English one, or the other way round
  C 1/8  an English sentence with 1 to 4 Malay words put in
  D 2/8  one sentence as it is, Malay (60%) or English: should not be split
The development sentences are in two halves by hash; the defaults of ayak-lid were
chosen on half 0, and half 1 is the report.  Labels are by origin, so an English
word inside a Malay source sentence (many Malay sentences hold a product name or an
English term) counts as Malay: the figures are a floor, not a ceiling.

Printed: word accuracy, F1 of the minority language's words (those of fewer words in
the line), lines of kind D split (false switches), lines exactly right; and, to
compare, the same for each line labelled whole by ayak-lid without --by.
"""
import argparse, hashlib, importlib.util, json, os, random, subprocess, sys

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('lid_switch', os.path.join(here, 'lid-switch.py'))
lid_switch = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lid_switch)

SIDE = {'zsm_Latn': 0, 'ind_Latn': 0, 'eng_Latn': 1}   # a label's side: Malay 0, English 1


def load(path):
    m, e = [], []
    for line in open(path, encoding='utf-8'):
        r = json.loads(line)
        half = int(hashlib.md5(r['text'].encode()).hexdigest(), 16) % 2
        words = r['text'].split()
        if len(words) < 4:
            continue
        if r['label'] == 'eng_Latn':
            e.append((half, words))
        elif r['label'] in ('zsm_Latn', 'ind_Latn') and not any(n in r['src'] for n in lid_switch.NOISY):
            m.append((half, words))
    return m, e


def make_lines(m, e, half, n, seed=1):
    rnd = random.Random(seed)
    m = [w for h, w in m if h == half]
    e = [w for h, w in e if h == half]
    lines = []
    for _ in range(n):
        kind = rnd.choice('AAABBCDD')
        ms, es = rnd.choice(m), rnd.choice(e)
        if kind == 'A':
            k = min(rnd.choice([1, 1, 2, 2, 3, 4, 6]), len(es))
            j, at = rnd.randrange(len(es) - k + 1), rnd.randrange(len(ms) + 1)
            toks = [(t, 0) for t in ms[:at]] + [(t, 1) for t in es[j:j + k]] + [(t, 0) for t in ms[at:]]
        elif kind == 'B':
            i, j = rnd.randrange(2, len(ms)), rnd.randrange(0, len(es) - 2)
            if rnd.random() < 0.5:
                toks = [(t, 0) for t in ms[:i]] + [(t, 1) for t in es[j:]]
            else:
                toks = [(t, 1) for t in es[:len(es) - j]] + [(t, 0) for t in ms[i - 2:]]
        elif kind == 'C':
            k = min(rnd.choice([1, 2, 3, 4]), len(ms))
            j, at = rnd.randrange(len(ms) - k + 1), rnd.randrange(len(es) + 1)
            toks = [(t, 1) for t in es[:at]] + [(t, 0) for t in ms[j:j + k]] + [(t, 1) for t in es[at:]]
        else:
            toks = [(t, 0) for t in ms] if rnd.random() < 0.6 else [(t, 1) for t in es]
        text = ' '.join(t for t, _ in toks)
        gold = [lab for t, lab in toks for _ in lid_switch.word_spans(t)]
        lines.append((kind, text, gold))
    return lines


def run_lid(lid, lines, args):
    """ayak-lid's records for the lines (args: its options)."""
    inp = ''.join(json.dumps({'text': t}, ensure_ascii=False) + '\n' for _, t, _ in lines)
    out = subprocess.run([lid, '--annotate'] + args, input=inp.encode(), stdout=subprocess.PIPE,
                         check=True).stdout.decode().splitlines()
    return [json.loads(o) for o in out]


def predict(rec, text):
    spans = lid_switch.word_spans(text)
    if 'lang_parts' not in rec:
        return [SIDE.get(rec['lang'], -1)] * len(spans)
    out = []
    for a, _ in spans:
        lab = -1
        for p in rec['lang_parts']:
            if p['start'] <= a < p['end']:
                lab = SIDE.get(p['lang'], -1)
        out.append(lab)
    return out


def score(lines, recs):
    ok = tot = tp = fp = fn = mono = mono_split = exact = 0
    for (kind, text, gold), rec in zip(lines, recs):
        pred = predict(rec, text)
        assert len(pred) == len(gold), text
        minority = 1 if 2 * sum(gold) < len(gold) else 0
        for p, g in zip(pred, gold):
            ok += p == g
            tot += 1
            tp += p == minority and g == minority
            fp += p == minority and g != minority
            fn += p != minority and g == minority
        if kind == 'D':
            mono += 1
            mono_split += len(set(pred)) > 1
        exact += pred == gold
    return (ok / tot, 2 * tp / (2 * tp + fp + fn) if tp else 0.0, mono_split / max(mono, 1),
            exact / len(lines), tot)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('dev')
    ap.add_argument('--lid', required=True)
    ap.add_argument('--model')
    ap.add_argument('--half', type=int, default=1)
    ap.add_argument('--lines', type=int, default=4000)
    ap.add_argument('--cost', action='append', default=[])
    a = ap.parse_args()
    m, e = load(a.dev)
    lines = make_lines(m, e, a.half, a.lines)
    print('%d lines (half %d of %s), %d words; A %d, B %d, C %d, D %d'
          % (len(lines), a.half, os.path.basename(a.dev), sum(len(g) for _, _, g in lines),
             *[sum(kind == x for kind, _, _ in lines) for x in "ABCD"]))
    print('%-28s %9s %12s %13s %8s' % ('', 'word acc', 'minority F1', 'D lines split', 'exact'))
    rows = [('whole line (no --by)', [])]
    rows += [('--by word' + (' --switch-cost ' + c if c else ''),
              ['--by', 'word'] + (['--switch-cost', c] if c else [])) for c in (a.cost or [''])]
    model = ['--model', a.model] if a.model else []
    for name, args in rows:
        acc, f1, split, exact, _ = score(lines, run_lid(a.lid, lines, model + args))
        print('%-28s %9.4f %12.4f %13.4f %8.4f' % (name, acc, f1, split, exact))


if __name__ == '__main__':
    sys.exit(main())
