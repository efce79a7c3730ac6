#!/usr/bin/env python3
"""Word accuracy of ayak-norm --expand-slang against reference normalizations.

    norm-eval.py --pairs twitter FILE [--pairs tsv FILE] [--norm bin/ayak-norm] [-- FLAGS...]

FILE formats: "twitter" is malaysian-dataset's twitter_normalization_pairs.txt
(noisy line, normalized line, blank line); "tsv" is noisy<TAB>normalized per
line (synthetic_normalization_pairs.tsv).

Each source line goes through ayak-norm with FLAGS (default: --expand-slang).
Source, output and reference are cut into word tokens (letters and digits,
hyphenated words kept whole, so "satu - satu" and "satu-satu" are one token)
and punctuation; every source word is aligned with the stretch of output and
of reference words it became (dynamic programming over substitutions of one
word by 0 to 3 words, with insertions), and the two stretches are compared,
ignoring case.  Reported, over source words (words with digits, and words
whose reference holds digits or punctuation, apart: the references also
write numbers and dates out in words, which is not ayak-norm's job):

  accuracy    output == reference
  baseline    source == reference (accuracy of changing nothing)
  changed-ok  of the words the reference keeps, the share ayak-norm changed
              (must stay near zero)
  recall      of the words the reference changes, the share ayak-norm got right
  precision   of the words ayak-norm changes, the share that match the reference
"""
import argparse
import difflib
import json
import re
import subprocess
import sys

TOKEN = re.compile(r"\w+(?:-\w+)*|[^\w\s]")


def tokens(s):
    s = re.sub(r'\s*-\s*(?=\w)', '-', s)
    return TOKEN.findall(s)


def sim(a, b):
    if a == b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b).ratio()


def align_dp(src, dst):
    """Dynamic programming: for each src token, the list of dst tokens it became."""
    n, m = len(src), len(dst)
    INF = float('inf')
    cost = [[INF] * (m + 1) for _ in range(n + 1)]
    back = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    low_s = [w.lower() for w in src]
    low_d = [w.lower() for w in dst]
    for i in range(n + 1):
        for j in range(m + 1):
            c = cost[i][j]
            if c == INF:
                continue
            if j < m and c + 1.0 < cost[i][j + 1]:  # dst word from nothing
                cost[i][j + 1] = c + 1.0
                back[i][j + 1] = (i, j)
            if i < n:
                for k in range(0, 4):
                    if j + k > m:
                        break
                    if k == 0:
                        step = 1.0
                    else:
                        span = ' '.join(low_d[j:j + k])
                        step = 0.0 if span == low_s[i] else (1.0 - sim(low_s[i], span)) + 0.1 * (k - 1)
                        if step > 0:
                            step = min(step + 0.05, 1.0)
                    if c + step < cost[i + 1][j + k]:
                        cost[i + 1][j + k] = c + step
                        back[i + 1][j + k] = (i, j)
    out = [None] * n
    i, j = n, m
    while i > 0 or j > 0:
        pi, pj = back[i][j]
        if pi < i:
            out[pi] = dst[pj:j]
        i, j = pi, pj
    return out


def align(src, dst):
    """Equal stretches by difflib, the gaps between them by align_dp."""
    sm = difflib.SequenceMatcher(None, [w.lower() for w in src], [w.lower() for w in dst],
                                 autojunk=False)
    out = [None] * len(src)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == 'equal':
            for k in range(i2 - i1):
                out[i1 + k] = dst[j1 + k:j1 + k + 1]
        elif i2 > i1:
            sub = align_dp(src[i1:i2], dst[j1:j2])
            for k in range(i2 - i1):
                out[i1 + k] = sub[k]
    return out


def read_pairs(kind, path):
    pairs = []
    if kind.startswith('udhr'):
        # UDHR in Jawi and Latin script: ../shared/data/udhr; "udhr:A:B" takes pairs A..B-1.
        with open(path + '/mly_arab.txt', encoding='utf-8') as f:
            arab = f.read().split('\n')
        with open(path + '/mly_latn.txt', encoding='utf-8') as f:
            latn = f.read().split('\n')
        # the Jawi file has one line more (its line 10 is not in the Latin one)
        pairs = [(arab[i], latn[i]) for i in range(9)] + \
                [(arab[i], latn[i - 1]) for i in range(10, len(arab)) if i - 1 < len(latn)]
        pairs = [p for p in pairs if p[0].strip()]
        parts = kind.split(':')
        if len(parts) == 3:
            pairs = pairs[int(parts[1]):int(parts[2])]
        return pairs
    with open(path, encoding='utf-8', errors='replace') as f:
        data = f.read()
    if kind == 'twitter':
        for block in data.strip().split('\n\n'):
            lines = block.split('\n')
            if len(lines) == 2:
                pairs.append((lines[0], lines[1]))
    else:
        for line in data.split('\n'):
            if '\t' in line:
                a, b = line.split('\t', 1)
                pairs.append((a, b))
    return pairs


def run_norm(norm, flags, texts):
    inp = ''.join(json.dumps({'text': t}, ensure_ascii=False) + '\n' for t in texts)
    # one record holds all lines, so that a line's script is judged with its neighbours
    if flags and flags[0] == '--jawi-to-rumi':
        inp = json.dumps({'text': '\n'.join(texts)}, ensure_ascii=False) + '\n'
        p = subprocess.run([norm] + flags, input=inp.encode(), stdout=subprocess.PIPE, check=True)
        return json.loads(p.stdout.decode())['text'].split('\n')
    p = subprocess.run([norm] + flags, input=inp.encode(), stdout=subprocess.PIPE, check=True)
    return [json.loads(l)['text'] for l in p.stdout.decode().split('\n') if l]


def evaluate_script(pairs, outs):
    """Transliteration: each reference word against the output words aligned with it."""
    st = dict(words=0, acc=0)
    errors = {}
    for (src, ref), out in zip(pairs, outs):
        R, O = tokens(ref), tokens(out)
        ar = align(R, O)
        for i, w in enumerate(R):
            if not re.match(r'\w', w):
                continue
            o = ' '.join(ar[i]).lower()
            st['words'] += 1
            if o == w.lower():
                st['acc'] += 1
            else:
                k = '%s (ref %s)' % (o, w.lower())
                errors[k] = errors.get(k, 0) + 1
    return st, errors


def evaluate(pairs, outs):
    st = dict(words=0, acc=0, base=0, keep=0, keep_changed=0, need=0, need_ok=0,
              changed=0, changed_ok=0, digit_words=0, digit_acc=0)
    examples = {'wrong_change': {}, 'missed': {}}
    for (src, ref), out in zip(pairs, outs):
        S, R, O = tokens(src), tokens(ref), tokens(out)
        ar, ao = align(S, R), align(S, O)
        for i, w in enumerate(S):
            if not re.match(r'\w', w):
                continue
            r = ' '.join(ar[i]).lower()
            o = ' '.join(ao[i]).lower()
            s = w.lower()
            if re.search(r'\d', w) or re.search(r'\d|[^\w\s-]', r):
                st['digit_words'] += 1
                st['digit_acc'] += o == r
                continue
            st['words'] += 1
            st['acc'] += o == r
            st['base'] += s == r
            if s == r:
                st['keep'] += 1
                if o != s:
                    st['keep_changed'] += 1
                    k = '%s -> %s' % (s, o)
                    examples['wrong_change'][k] = examples['wrong_change'].get(k, 0) + 1
            else:
                st['need'] += 1
                st['need_ok'] += o == r
                if o == s:
                    k = '%s (ref %s)' % (s, r)
                    examples['missed'][k] = examples['missed'].get(k, 0) + 1
            if o != s:
                st['changed'] += 1
                st['changed_ok'] += o == r
    return st, examples


def pct(a, b):
    return '%.2f%%' % (100.0 * a / b) if b else 'n/a'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--pairs', nargs=2, action='append', metavar=('KIND', 'FILE'), required=True)
    ap.add_argument('--norm', default='bin/ayak-norm')
    ap.add_argument('--examples', type=int, default=0, help='show the N most frequent errors')
    ap.add_argument('flags', nargs='*')
    a = ap.parse_args()
    flags = a.flags or ['--expand-slang']
    for kind, path in a.pairs:
        pairs = read_pairs(kind, path)
        outs = run_norm(a.norm, flags, [p[0] for p in pairs])
        if kind.startswith('udhr'):
            st, errors = evaluate_script(pairs, outs)
            print('%s (%d lines, %d words), ayak-norm %s' % (kind, len(pairs), st['words'],
                                                             ' '.join(flags)))
            print('  word accuracy %s (case ignored)' % pct(st['acc'], st['words']))
            if a.examples:
                top = sorted(errors.items(), key=lambda kv: -kv[1])[:a.examples]
                print('  errors: %s' % ', '.join('%s x%d' % kv for kv in top))
            continue
        st, ex = evaluate(pairs, outs)
        print('%s (%d pairs, %d words), ayak-norm %s' % (path.split('/')[-1], len(pairs),
                                                          st['words'], ' '.join(flags)))
        print('  accuracy %s  (baseline, changing nothing: %s)' % (
            pct(st['acc'], st['words']), pct(st['base'], st['words'])))
        print('  already-correct words changed %s (%d of %d)' % (
            pct(st['keep_changed'], st['keep']), st['keep_changed'], st['keep']))
        print('  recall %s (%d of %d words the reference changes)  precision %s (%d of %d changes)' % (
            pct(st['need_ok'], st['need']), st['need_ok'], st['need'],
            pct(st['changed_ok'], st['changed']), st['changed_ok'], st['changed']))
        print('  not scored: %d words with digits, or whose reference has digits or punctuation' %
              st['digit_words'])
        if a.examples:
            for k in ('wrong_change', 'missed'):
                top = sorted(ex[k].items(), key=lambda kv: -kv[1])[:a.examples]
                print('  %s: %s' % (k, ', '.join('%s x%d' % kv for kv in top)))


if __name__ == '__main__':
    main()
