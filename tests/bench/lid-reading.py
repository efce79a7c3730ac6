#!/usr/bin/env python3
"""Score language-ID predictions against a blind reading of Malaysian and Indonesian
sentences, beside their labels.

  lid-reading.py [--set SET] [--scores NAME=SCORED ...] READING.tsv GOLD.jsonl NAME=PRED ...

READING.tsv (tests/bench/lid-reading-*.tsv) says, for a stratified sample of the zsm_Latn
and ind_Latn texts of GOLD, what a reader who saw neither the label, the source nor any
system's answer made of each: zsm, zsm? (leans Malaysian), either, ind?, ind, or other (a
name, a title, English).  Rows: id (BLAKE2b-64 of the text, hex), stratum, verdict ("-":
not read), a second reader's verdict or "-".  A zsm or ind text not listed belongs to the
stratum ok_zsm or ok_ind; "# N STRATUM SIZE" lines give those strata's sizes, as a check
that GOLD is the split that was read.  A stratum named OLD/NEW is part of OLD re-cut by a
later model's answers (ok, err: the other of the two, oth: neither), or by fastText's
(ft-err, ft-oth: of the texts ayak-lid got right, those fastText calls the other of the two
or neither).  No text is kept.

GOLD is a JSON-lines file of {"text", "label"} (lid-data.py's dev-sent.jsonl, or
lid-heldout.py's test.jsonl); PRED has one prediction per line of GOLD (ayak-lid's JSON
output or bare labels), as for lid-score.py.  Name first the system whose answers cut
the strata last: the reader line takes its answers for the texts not read.

Prints zsm_Latn and ind_Latn F1 over all labels:
  labels   against the labels, every text once (what lid-score.py prints);
  reading  against the reading where there is one: zsm and zsm? as zsm, ind and ind? as
           ind; a text read as good in either is right whichever of the two it is called;
           one read as other is left out.  The labels elsewhere;
  reading2 the same with the second reader's verdict where there is one;
  reader   (once) the reading's own calls against the labels: Indonesian when it reads
           ind or ind?, Malaysian otherwise (zsm is the commoner label); the texts not read
           keep the first system's answers.
In a stratum with texts read, each read text counts N/n times and stands for the unread
ones (a stratified estimate); 95% intervals from 2,000 bootstrap resamples within the
strata.  With --set, also a line "SUMMARY name SET zsmF1=.. indF1=.." per system (against
the reading), as lid-score.py's, and "SUMMARY vs-NAME S-diff ..." (S: SET's first part) for
each comparison below.  --scores NAME=SCORED (ayak-lid's output, or fastText's
predict-prob lines, as lid-score.py --calibration reads them) also prints how often system
NAME was right, against the reading, when it gave a score in each band, over the zsm and
ind texts (each read text N/n times, as above; "either" is right either way), and the
expected calibration error.  With two systems or more, the first is compared with each
other against the reading on the same resamples: the difference of their F1s, its 95%
interval, and the share of resamples in which the first is not above (a one-sided p).
Only the Python standard library is used.
"""
import collections, hashlib, importlib.util, json, os, random, sys

# read_pred: one label per line of GOLD, as lid-score.py reads them
sys.dont_write_bytecode = True  # no __pycache__ beside the sources
_spec = importlib.util.spec_from_file_location(
    'lid_score', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'lid-score.py'))
_lid_score = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_lid_score)
read_pred = _lid_score.read_pred
read_scores = _lid_score.read_scores
reliability = _lid_score.reliability

ZSM, IND = 'zsm_Latn', 'ind_Latn'
SIDE = {'zsm': ZSM, 'zsm?': ZSM, 'ind': IND, 'ind?': IND, 'either': 'either', 'other': 'other'}
VERDICTS = ['zsm', 'zsm?', 'either', 'ind?', 'ind', 'other']


def text_id(text):
    return hashlib.blake2b(text.encode('utf-8'), digest_size=8).hexdigest()


def load_reading(path):
    sizes, rows = {}, {}
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if line.startswith('# N '):
                _, _, name, n = line.split()
                sizes[name] = int(n)
            elif line and not line.startswith('#'):
                tid, stratum, v1, v2 = line.split('\t')
                if v1 not in SIDE and v1 != '-' or v2 not in SIDE and v2 != '-':
                    sys.exit('lid-reading: %s: bad verdict in %r' % (path, line))
                rows[tid] = (stratum, v1, v2)
    return sizes, rows


def f1s(cells):
    """F1 of zsm and ind over (weight, truth, prediction) cells; truth 'either' is right
    when the prediction is either of the two."""
    tp, fp, fn = collections.Counter(), collections.Counter(), collections.Counter()
    for w, t, p in cells:
        if t == 'either':
            t = p if p in (ZSM, IND) else ZSM
        if t == p:
            tp[t] += w
        else:
            fn[t] += w
            fp[p] += w
    return [2 * tp[l] / (2 * tp[l] + fp[l] + fn[l]) if tp[l] else 0.0 for l in (ZSM, IND)]


def resample(cells, score, rng, n=2000):
    """score() of n resamples of cells within their strata; cells are (item, stratum),
    stratum None for an item counted as it is."""
    fixed = [c[0] for c in cells if c[1] is None]
    strata = collections.defaultdict(list)
    for c in cells:
        if c[1] is not None:
            strata[c[1]].append(c[0])
    boot = []
    for _ in range(n):
        sample = list(fixed)
        for cs in strata.values():
            sample.extend(rng.choice(cs) for _ in cs)
        boot.append(score(sample))
    return boot


def spread(boot, j):
    """Of the j-th values of resamples boot: the 2.5 and 97.5 percentiles (of 2,000), and
    the share at 0 or below."""
    v = sorted(b[j] for b in boot)
    return v[len(v) * 25 // 1000 - 1], v[len(v) * 975 // 1000 - 1], sum(x <= 0 for x in v) / len(v)


def with_interval(cells, rng):
    """Point F1s and their 2.5 and 97.5 percentiles over resamples within strata; cells
    are (weight, truth, prediction, stratum), stratum None for texts counted as they are."""
    point = f1s([c[:3] for c in cells])
    boot = resample([(c[:3], c[3]) for c in cells], f1s, rng)
    return [(point[j],) + spread(boot, j)[:2] for j in range(2)]


def paired(cells, rng):
    """F1 of system a less that of system b, zsm and ind, over cells (weight, truth, a's
    prediction, b's, stratum): the point difference, its 2.5 and 97.5 percentiles over
    resamples within strata (the same texts for both), and the share of resamples in which
    it is 0 or below (one-sided: how often a is not above b)."""
    def diff(sample):
        fa = f1s([(w, t, a) for w, t, a, b in sample])
        fb = f1s([(w, t, b) for w, t, a, b in sample])
        return [fa[j] - fb[j] for j in range(2)]
    point = diff([c[:4] for c in cells])
    boot = resample([(c[:4], c[4]) for c in cells], diff, rng)
    return [(point[j],) + spread(boot, j) for j in range(2)]


def main():
    set_name = None
    scored = []
    while sys.argv[1:2] in (['--set'], ['--scores']):
        if sys.argv[1] == '--set':
            set_name = sys.argv[2]
        else:
            scored.append(sys.argv[2].split('=', 1))
        del sys.argv[1:3]
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    sizes, reading = load_reading(sys.argv[1])
    gold = [json.loads(l) for l in open(sys.argv[2], encoding='utf-8')]
    systems = [(a.split('=', 1)[0], read_pred(a.split('=', 1)[1], len(gold))) for a in sys.argv[3:]]
    ids = [text_id(g['text']) for g in gold]
    if set(reading) - set(ids):
        sys.exit('lid-reading: %d listed texts are not in %s (another split?)'
                 % (len(set(reading) - set(ids)), sys.argv[2]))

    def stratum_of(g, tid):
        if tid in reading:
            return reading[tid][0]
        return 'ok_' + g['label'][:3] if g['label'] in (ZSM, IND) else None

    strata = [stratum_of(g, i) for g, i in zip(gold, ids)]
    size = collections.Counter(s for s in strata if s)
    read_n = collections.Counter(r[0] for r in reading.values() if r[1] != '-')
    for s, n in sizes.items():
        if size[s] != n:
            sys.exit('lid-reading: stratum %s has %d texts in %s, %d when it was read (another split?)'
                     % (s, size[s], sys.argv[2], n))
    weight = {s: size[s] / n for s, n in read_n.items()}

    def cells(pred, truth, col=1):
        """(weight, truth, prediction, stratum): a read text N/n times with the truth its
        verdict gives (None: left out), an unread text of a read stratum not at all, any
        other text once with its label."""
        out = []
        for g, tid, s, p in zip(gold, ids, strata, pred):
            r = reading.get(tid)
            if r and r[1] != '-':
                v = r[col] if r[col] != '-' else r[1]
                t = truth(g['label'], v)
                if t is not None:
                    out.append((weight[s], t, p, s))
            elif s not in read_n:
                out.append((1.0, g['label'], p, None))
        return out

    rng = random.Random(1)

    summary = []

    def line(name, truth, cs):
        (zf, zl, zh), (jf, jl, jh) = with_interval(cs, rng)
        if truth == 'reading' and set_name:
            summary.append('SUMMARY %s %s zsmF1=%.4f indF1=%.4f' % (name, set_name, zf, jf))
        print('  %-12s %-8s %.4f [%.4f-%.4f]  %.4f [%.4f-%.4f]' % (name, truth, zf, zl, zh, jf, jl, jh))

    print('reading of %s: %d texts read (%s), %d of them twice' % (
        sys.argv[1], sum(read_n.values()),
        ', '.join('%s %d of %d' % (s, read_n[s], size[s]) for s in sorted(read_n)),
        sum(r[2] != '-' for r in reading.values())))
    print('  %-8s %5s' % ('stratum', 'read') + ''.join('%7s' % v for v in VERDICTS))
    for s in sorted(read_n):
        c = collections.Counter(r[1] for r in reading.values() if r[0] == s)
        print('  %-8s %5d' % (s, read_n[s]) + ''.join('%7d' % c[v] for v in VERDICTS))
    twice = [(r[1], r[2]) for r in reading.values() if r[2] != '-']
    if twice:
        side = lambda v: {'zsm?': 'zsm', 'ind?': 'ind'}.get(v, v)
        print('  read twice: %d; the same verdict %.3f, the same side (a lean with its side) %.3f, '
              'opposite sides %d' % (len(twice), sum(a == b for a, b in twice) / len(twice),
                                     sum(side(a) == side(b) for a, b in twice) / len(twice),
                                     sum({side(a), side(b)} == {'zsm', 'ind'} for a, b in twice)))
    print('  %-12s %-8s %-24s %-24s' % ('system', 'truth', 'zsm_Latn F1 [95%]', 'ind_Latn F1 [95%]'))
    by_reading = lambda lab, v: None if v == 'other' else SIDE[v]
    for name, pred in systems:
        line(name, 'labels', [(1.0, g['label'], p, None) for g, p in zip(gold, pred)])
        line(name, 'reading', cells(pred, by_reading))
        line(name, 'reading2', cells(pred, by_reading, col=2))
    # the reading's own calls against the labels: put the call in the prediction's place
    calls = [IND if tid in reading and SIDE.get(reading[tid][1]) == IND else
             ZSM if tid in reading and reading[tid][1] != '-' else p
             for tid, p in zip(ids, systems[0][1])]
    line('reader', 'labels', cells(calls, lambda lab, v: lab))
    # the first system against each other on the same resamples: are they apart?
    first = cells(systems[0][1], by_reading)
    for name, pred in systems[1:]:
        cs = [(w, t, a, b, s) for (w, t, a, s), (_, _, b, _) in zip(first, cells(pred, by_reading))]
        (zd, zl, zh, zp), (jd, jl, jh, jp) = paired(cs, rng)
        print('  %s - %s, against the reading (paired; share of resamples at 0 or below):'
              % (systems[0][0], name))
        print('    zsm_Latn F1 %+.4f [%+.4f %+.4f] %.3f   ind_Latn F1 %+.4f [%+.4f %+.4f] %.3f'
              % (zd, zl, zh, zp, jd, jl, jh, jp))
        if set_name:
            # the first system's F1 less this one's, as a row of make eval-lid's summary
            summary.append('SUMMARY vs-%s %s-diff zsmF1=%+.4f indF1=%+.4f zsm-p=%.3f ind-p=%.3f'
                           % (name, set_name.split('-')[0], zd, jd, zp, jp))
    for name, path in scored:
        # each prediction with its score; the zsm and ind texts only (the truth of a read
        # one is its verdict's side, of the others their label)
        cs = cells(read_scores(path, len(gold)), by_reading)
        print('  %s against the reading: how often it was right with a score in each band' % name)
        ece = reliability(((w, t == p or (t == 'either' and p in (ZSM, IND)), sc)
                           for w, t, (p, sc), _ in cs if t in (ZSM, IND, 'either')), weighted=True)
        print('  expected calibration error %.4f' % ece)
    for l in summary:
        print(l)


if __name__ == '__main__':
    main()
