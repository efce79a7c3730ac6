#!/usr/bin/env python3
"""dedup-eval.py: accuracy of ayak-dedup for tests/bench/dedup.sh.

  dedup-eval.py truth TRUTH.tsv ANNOTATED.jsonl
      Against gen-corpus --truth: the share of exact copies removed, of
      near copies removed by similarity band, and of originals removed.

  dedup-eval.py pairs PAIRS.tsv ANNOTATED.jsonl THRESHOLD BANDS ROWS
      Against brute-force exact Jaccard (dedup-jaccard) of the same
      records: pairs found by similarity band next to the LSH S-curve
      1-(1-s^r)^b, and records removed or kept wrongly at THRESHOLD.
"""
import json
import sys


def decisions(path):
    out = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            r = json.loads(line)
            out.append((r.get('id'), r['dedup'], r['dedup_cluster'], r['dedup_size']))
    return out


def pct(a, b):
    return '%5.1f%%' % (100.0 * a / b) if b else '   n/a'


def truth(tsv, ann):
    kind = {}
    for line in open(tsv, encoding='utf-8'):
        f = line.rstrip('\n').split('\t')
        kind[f[0]] = (f[2], float(f[4]) if f[4] else None)
    counts, bands = {}, {}
    for rid, dec, _, _ in decisions(ann):
        if rid not in kind:
            continue
        k, sim = kind[rid]
        c = counts.setdefault(k, [0, 0])
        c[0] += 1
        c[1] += dec != 'keep'
        if k == 'near':
            b = min(int(sim * 10), 9)
            c = bands.setdefault(b, [0, 0])
            c[0] += 1
            c[1] += dec != 'keep'
    names = {'exact': 'exact copies', 'near': 'near copies', 'orig': 'originals',
             'junk': 'junk pages'}
    for k in ('exact', 'near', 'orig', 'junk'):
        n, rm = counts.get(k, [0, 0])
        print('  %-34s %8d, removed %8d  %s' % (names[k], n, rm, pct(rm, n)))
    for b in sorted(bands):
        n, rm = bands[b]
        print('    near copies, J in [%.1f, %.1f%s %8d, removed %8d  %s'
              % (b / 10, (b + 1) / 10, ']' if b == 9 else ')', n, rm, pct(rm, n)))


def find(parent, x):
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def pairs(tsv, ann, threshold, bands, rows):
    dec = decisions(ann)
    n = len(dec)
    cluster = [d[2] for d in dec]
    removed = [d[1] != 'keep' for d in dec]
    edges = []
    for line in open(tsv, encoding='utf-8'):
        i, j, jac = line.split('\t')
        edges.append((int(i), int(j), float(jac)))
    print('  pairs by exact Jaccard          pairs   same cluster   S-curve 1-(1-s^%d)^%d' % (rows, bands))
    lo = 0.5
    while lo < 1.0:
        hi = lo + 0.1
        sel = [e for e in edges if lo <= e[2] < hi or (hi >= 1.0 and e[2] >= lo)]
        same = sum(1 for i, j, _ in sel if cluster[i] == cluster[j])
        pred = sum(1 - (1 - s ** rows) ** bands for _, _, s in sel)
        print('    J in [%.1f, %.1f%s %16d   %8d %s   %6.1f%%'
              % (lo, hi, ']' if hi >= 1.0 else ')', len(sel), same, pct(same, len(sel)),
                 100.0 * pred / len(sel) if sel else 0))
        lo = round(hi, 1)
    # Records brute force would remove at the threshold: all but the first of
    # each connected group of pairs with J >= threshold.
    parent = list(range(n))
    partner = [False] * n
    for i, j, jac in edges:
        if jac >= threshold:
            partner[i] = partner[j] = True
            a, b = find(parent, i), find(parent, j)
            if a != b:
                parent[max(a, b)] = min(a, b)
    should = [find(parent, i) != i for i in range(n)]
    nshould = sum(should)
    nremoved = sum(removed)
    missed = sum(1 for i in range(n) if should[i] and not removed[i])
    lone = sum(1 for i in range(n) if removed[i] and not partner[i])
    print('  at J >= %.2f:' % threshold)
    print('    brute force removes %d of %d records; ayak-dedup removes %d'
          % (nshould, n, nremoved))
    print('    false negatives: %d records brute force removes are kept (%s)'
          % (missed, pct(missed, nshould)))
    print('    false positives: %d removed with no partner at J >= %.2f (%s of removed)'
          % (lone, threshold, pct(lone, nremoved)))


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == 'truth':
        truth(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 7 and sys.argv[1] == 'pairs':
        pairs(sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]))
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
