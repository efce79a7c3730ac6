#!/usr/bin/env python3
"""Score language-ID predictions against ayak-lid's development set.

  lid-score.py [--name NAME] [--labels all|msa] [--per-source] [--versus NAME=PRED]
               GOLD.jsonl PRED

GOLD is dev-doc.jsonl or dev-sent.jsonl from lid-data.py ({"text","label","src"}).
PRED has one prediction per line of GOLD, in order: either a JSON record with a
"lang" field (ayak-lid's output) or a bare label (other systems' output; labels
that the system cannot produce are "-").

Prints per-label precision, recall and F1 (--labels msa: only the Malayic
labels, zsm, ind and their neighbours, plus eng), the zsm/ind confusion overall
and by length band (characters: <50, 50-100, 100-200, >200, and 50+ for all
the texts of 50 or more), and a one-line
summary "SUMMARY name set zsmF1 indF1 zsmF1>200 indF1>200 zsm/ind-accuracy".
--versus compares with another system's predictions on the same zsm and ind
texts, pair by pair: how many each alone gets right, and McNemar's test.
--keep-table LABEL (ayak-lid's output, with lang_score) prints what
`--keep LABEL --threshold LABEL=T` keeps for a few T: precision, recall, and
how many Indonesian (or, for ind_Latn, Malaysian) texts get through.
--calibration SCORED (ayak-lid's output, or fastText's predict-prob lines
"__label__X P") prints how often a label given with a score in each band was
right (a reliability table), over all the texts and over the zsm and ind ones,
and the expected calibration error: the mean over the texts of |right - score|
within each band, weighted by the band's texts (0 when a score of 0.8 is right
8 times in 10, and so on).  The labels are the sources', which are wrong now
and then (see tests/bench/lid-reading.py): a perfect system would look a little
overconfident.  The SUMMARY line then ends in ece=.. and ece-zsm/ind=...
Only the Python standard library is used.
"""
import argparse, collections, json, math, re, sys

BANDS = [('<50', 0, 50), ('50-100', 50, 100), ('100-200', 100, 200), ('>200', 200, 1 << 60)]
MSA = ['zsm_Latn', 'ind_Latn', 'jav_Latn', 'sun_Latn', 'min_Latn', 'bjn_Latn', 'ace_Latn',
       'ban_Latn', 'bbc_Latn', 'bug_Latn', 'mad_Latn', 'nij_Latn', 'eng_Latn', 'zsm_Arab']


def band_of(n):
    for name, lo, hi in BANDS:
        if lo <= n < hi:
            return name


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def load_markers(path):
    """Strong marker words and endings of markers.tsv (as lid-data.py reads them)."""
    words, sfx = set(), []
    with open(path, encoding='utf-8') as f:
        for line in f:
            if line.startswith('#') or not line.strip():
                continue
            w, side, strength = line.rstrip('\n').split('\t')
            if strength == 'strong':
                if w.startswith('-'):
                    sfx.append(w[1:])
                else:
                    words.add(w)
    return words, tuple(sfx)


def has_marker(mk, text):
    words, sfx = mk
    for w in WORD.findall(text.lower()):
        if w in words or (len(w) >= 6 and w.endswith(sfx)):
            return True
    return False


def read_pred(path, n):
    """One label per line: a JSON record's "lang", or a bare label."""
    pred = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if line.startswith('{'):
                pred.append(json.loads(line).get('lang', '-'))
            else:
                pred.append(line.strip() or '-')
    if len(pred) != n:
        sys.exit('lid-score: %s has %d predictions for %d texts' % (path, len(pred), n))
    return pred


def keep_table(gold, path, label):
    """What --keep LABEL --threshold LABEL=T keeps, for several T."""
    scored = read_scores(path, len(gold))
    twin = 'ind_Latn' if label == 'zsm_Latn' else 'zsm_Latn'
    total = sum(g['label'] == label for g in gold)
    print('  --keep %s --threshold %s=T (%d %s texts):' % (label, label, total, label))
    print('  %6s %7s %9s %7s %9s' % ('T', 'kept', 'precision', 'recall', twin[:3] + ' kept'))
    for t in (0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99):
        kept = right = twins = 0
        for g, (p, s) in zip(gold, scored):
            if p == label and s >= t:
                kept += 1
                right += g['label'] == label
                twins += g['label'] == twin
        print('  %6s %7d %9.4f %7.4f %9d' % (t, kept, right / kept if kept else 0,
                                            right / total if total else 0, twins))


CAL_BANDS = (0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.9999)


def read_scores(path, n):
    """(label, score) per line: ayak-lid's "lang" and "lang_score", or fastText's
    "__label__X P" (predict-prob; its P can pass 1 by a rounding step; an empty line,
    for an empty text, is no label at 0)."""
    out = []
    with open(path, encoding='utf-8') as f:
        for lineno, line in enumerate(f, 1):
            try:
                if line.startswith('{'):
                    r = json.loads(line)
                    out.append((r.get('lang', '-'), float(r.get('lang_score', 0))))
                else:
                    parts = line.split()
                    out.append((parts[0].replace('__label__', '') if parts else '-',
                                min(float(parts[1]), 1.0) if parts else 0.0))
            except (ValueError, IndexError):
                sys.exit('lid-score: %s:%d: not a label and a score: %.80r' % (path, lineno, line))
    if len(out) != n:
        sys.exit('lid-score: %s has %d scores for %d texts' % (path, len(out), n))
    return out


def reliability(rows, weighted=False):
    """How often a label given with a score in each band of CAL_BANDS was right, rows
    (weight, right, score): prints the table (the texts' weights summed, with a decimal if
    weighted) and returns the expected calibration error, 0 for no rows."""
    n, right, total = collections.Counter(), collections.Counter(), collections.Counter()
    for w, ok, sc in rows:
        b = max(k for k, lo in enumerate(CAL_BANDS) if sc >= lo)
        n[b] += w
        right[b] += w * ok
        total[b] += w * sc
    if not n:
        return 0.0
    print('  %-16s %9s %7s %10s %7s' % ('score', 'texts', 'right', 'mean score', 'gap'))
    for b in sorted(n):
        band = '[%g, %s' % (CAL_BANDS[b], '%g)' % CAL_BANDS[b + 1] if b + 1 < len(CAL_BANDS) else '1]')
        print('  %-16s %9s %7.4f %10.4f %+7.4f' % (band, '%.1f' % n[b] if weighted else n[b],
                                                  right[b] / n[b], total[b] / n[b],
                                                  (right[b] - total[b]) / n[b]))
    return sum(abs(right[b] - total[b]) for b in n) / sum(n.values())


def versus(gold, pred, name, other, other_name):
    """Pair by pair on the zsm and ind texts: who alone is right; McNemar's chi2 (1 df, with
    the continuity correction) and its p-value."""
    n = mine = theirs = 0
    for g, p, q in zip(gold, pred, other):
        if g['label'] not in ('zsm_Latn', 'ind_Latn'):
            continue
        n += 1
        mine += p == g['label'] and q != g['label']
        theirs += q == g['label'] and p != g['label']
    chi2 = (abs(mine - theirs) - 1) ** 2 / (mine + theirs) if mine + theirs else 0.0
    pval = math.erfc(math.sqrt(chi2 / 2))
    print('  paired with %s on the %d zsm and ind texts: %s alone right %d, %s alone right %d;'
          % (other_name, n, name, mine, other_name, theirs))
    print('  McNemar chi2 %.1f (1 df, continuity-corrected), p %s' %
          (chi2, '%.1e' % pval if pval < 0.001 else '%.3f' % pval))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('gold')
    ap.add_argument('pred')
    ap.add_argument('--name', default='system')
    ap.add_argument('--set', default='dev')
    ap.add_argument('--labels', default='all', choices=['all', 'msa', 'none'])
    ap.add_argument('--per-source', action='store_true')
    ap.add_argument('--supported', help='comma-separated labels the system can produce; '
                    'other gold labels are left out of its scores')
    ap.add_argument('--markers', help='lexicons/lid/markers.tsv: also score the zsm and ind '
                    'texts that hold at least one strong marker word')
    ap.add_argument('--keep-table', metavar='LABEL', help='what --keep LABEL with a '
                    'threshold keeps (PRED must be ayak-lid output)')
    ap.add_argument('--calibration', metavar='SCORED', help='the reliability of the scores '
                    'in SCORED (ayak-lid output, or fastText predict-prob lines)')
    ap.add_argument('--versus', metavar='NAME=PRED', help='compare, pair by pair, with the '
                    'predictions of another system (McNemar)')
    a = ap.parse_args()
    gold = [json.loads(l) for l in open(a.gold, encoding='utf-8')]
    pred = read_pred(a.pred, len(gold))
    sup = set(a.supported.split(',')) if a.supported else None
    tp, fp, fn = collections.Counter(), collections.Counter(), collections.Counter()
    conf = collections.defaultdict(collections.Counter)  # band -> (gold,pred) counts
    per_src = collections.defaultdict(lambda: [0, 0])
    pairs = collections.defaultdict(collections.Counter)
    n = right = 0
    for g, p in zip(gold, pred):
        gl = g['label']
        if sup is not None and gl not in sup:
            continue
        n += 1
        right += gl == p
        if gl == p:
            tp[gl] += 1
        else:
            fn[gl] += 1
            fp[p] += 1
            pairs[gl][p] += 1
        per_src[g['src']][0] += 1
        per_src[g['src']][1] += gl == p
        if gl in ('zsm_Latn', 'ind_Latn'):
            b = band_of(len(g['text']))
            for bb in (b, 'all') + (('50+',) if len(g['text']) >= 50 else ()):
                conf[bb][gl, p] += 1
    print('%s on %s: %d texts, accuracy %.4f' % (a.name, a.set, n, right / n if n else 0))
    labels = sorted(set(tp) | set(fn))
    if a.labels != 'none':
        print('  %-10s %6s %6s %6s %6s  %s' % ('label', 'P', 'R', 'F1', 'n', 'most confused with'))
        for l in labels:
            if a.labels == 'msa' and l not in MSA:
                continue
            p, r, f = prf(tp[l], fp[l], fn[l])
            conf_with = ', '.join('%s %d' % (k, v) for k, v in pairs[l].most_common(3))
            print('  %-10s %6.4f %6.4f %6.4f %6d  %s' % (l, p, r, f, tp[l] + fn[l], conf_with))
        if a.labels == 'msa':
            others = [l for l in labels if l not in MSA]
            if others:
                mf = sum(prf(tp[l], fp[l], fn[l])[2] for l in others) / len(others)
                print('  (%d other labels, mean F1 %.4f)' % (len(others), mf))
    print('  zsm/ind confusion (rows: true label; columns: predicted zsm, ind, other):')
    print('  %-8s %-9s %7s %7s %7s   %-7s %-7s %-7s' % ('band', 'true', 'zsm', 'ind', 'other',
                                                     'zsm-F1', 'ind-F1', 'acc'))
    summary = {}
    # 50+: the texts of 50 characters or more together (past a short line or a
    # title, where one word more often tells the two apart)
    for bname in ['all'] + [b[0] for b in BANDS] + ['50+']:
        c = conf[bname]
        if not c:
            continue
        row = {}
        for gl in ('zsm_Latn', 'ind_Latn'):
            z = c[gl, 'zsm_Latn']
            i = c[gl, 'ind_Latn']
            o = sum(v for (g2, p2), v in c.items() if g2 == gl) - z - i
            row[gl] = (z, i, o)
        # F1 within the zsm+ind texts of this band (false positives from other
        # labels are counted in the per-label table above, not here)
        zt, zf_i, zo = row['zsm_Latn']
        iz, it, io = row['ind_Latn']
        fz = prf(zt, iz, zf_i + zo)[2]
        fi = prf(it, zf_i, iz + io)[2]
        tot = zt + zf_i + zo + iz + it + io
        acc = (zt + it) / tot if tot else 0
        summary[bname] = (fz, fi, acc)
        for k, gl in enumerate(('zsm_Latn', 'ind_Latn')):
            z, i, o = row[gl]
            if k == 0:
                print('  %-8s %-9s %7d %7d %7d   %.4f  %.4f  %.4f' % (bname, gl, z, i, o, fz, fi, acc))
            else:
                print('  %-8s %-9s %7d %7d %7d' % ('', gl, z, i, o))
    marked = None
    if a.markers:
        mk = load_markers(a.markers)
        c = collections.Counter()
        for g, p in zip(gold, pred):
            gl = g['label']
            if gl in ('zsm_Latn', 'ind_Latn') and (sup is None or gl in sup) and has_marker(mk, g['text']):
                c[gl, p if p in ('zsm_Latn', 'ind_Latn') else 'other'] += 1
        zt, zi, zo = c['zsm_Latn', 'zsm_Latn'], c['zsm_Latn', 'ind_Latn'], c['zsm_Latn', 'other']
        iz, it, io = c['ind_Latn', 'zsm_Latn'], c['ind_Latn', 'ind_Latn'], c['ind_Latn', 'other']
        fz = prf(zt, iz, zi + zo)[2]
        fi = prf(it, zi, iz + io)[2]
        tot = zt + zi + zo + iz + it + io
        marked = (fz, fi)
        print('  zsm/ind texts with at least one strong marker word (%d of them):' % tot)
        print('  %-8s %-9s %7d %7d %7d   %.4f  %.4f  %.4f' % ('marked', 'zsm_Latn', zt, zi, zo, fz, fi,
                                                              (zt + it) / tot if tot else 0))
        print('  %-8s %-9s %7d %7d %7d' % ('', 'ind_Latn', iz, it, io))
    if a.keep_table:
        keep_table(gold, a.pred, a.keep_table)
    ece = None
    if a.calibration:
        scored = read_scores(a.calibration, len(gold))
        rows = [(1, lab == g['label'], sc, g['label']) for g, (lab, sc) in zip(gold, scored)]
        print('  calibration: how often a label given with a score in each band was right')
        print('  all texts:')
        ece_all = reliability(r[:3] for r in rows)
        print('  expected calibration error %.4f' % ece_all)
        print('  zsm and ind texts:')
        ece_zi = reliability(r[:3] for r in rows if r[3] in ('zsm_Latn', 'ind_Latn'))
        print('  expected calibration error %.4f' % ece_zi)
        ece = (ece_all, ece_zi)
    if a.versus:
        other_name, _, other_path = a.versus.partition('=')
        versus(gold, pred, a.name, read_pred(other_path, len(gold)), other_name)
    if a.per_source:
        print('  accuracy by source:')
        for s in sorted(per_src):
            t, r = per_src[s]
            print('    %-62s %6d %.4f' % (s, t, r / t))
    # whole-set F1 of zsm and ind (all false positives included)
    fz = prf(tp['zsm_Latn'], fp['zsm_Latn'], fn['zsm_Latn'])[2]
    fi = prf(tp['ind_Latn'], fp['ind_Latn'], fn['ind_Latn'])[2]
    big = summary.get('>200', (0, 0, 0))
    print('SUMMARY %s %s zsmF1=%.4f indF1=%.4f zsmF1>200=%.4f indF1>200=%.4f zsm/ind-acc=%.4f acc=%.4f%s' % (
        a.name, a.set, fz, fi, big[0], big[1], summary.get('all', (0, 0, 0))[2], right / n if n else 0,
        ' marked-zsmF1=%.4f marked-indF1=%.4f' % marked if marked else '') +
        (' ece=%.4f ece-zsm/ind=%.4f' % ece if ece else ''))


if __name__ == '__main__':
    main()
