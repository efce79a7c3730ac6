#!/usr/bin/env python3
"""Build ayak-lid's training and development sets from ../shared/data.

  lid-data.py --data ../shared/data --out build/lid

writes, in --out:
  train.jsonl     {"text","label","src"}: training units (sentences and paragraphs)
  dev-doc.jsonl   {"text","label","src"}: development documents, whole (a tweet, a
                  sentence, a paragraph or an article, as the source has them)
  dev-sent.jsonl  {"text","label","src"}: the same documents cut into sentences
                  (of 3 words or more)
  dev-extra.jsonl {"text","label","src"}: with --debian, the development strings of
                  the Debian sources, scored apart (they are not ../shared/data)
  test-extra.jsonl {"text","label","src"}: with --debian, the paragraphs of the
                  Indonesian Debian Reference, a manual in prose never trained on
  train.fasttext  the training units as "__label__L text" lines, for fastText
  data-report.txt what was read, relabelled, dropped, and the sizes per label

Only the Python standard library is used, and the output is the same on every run.

The split is by document: each document (a line of a line-per-document file, a JSON
line, a parallel NusaX row) gets a key, the hash of its normalized text (for
NusaX, of the Indonesian side of the row, so a sentence and its translations fall
on the same side), and a tenth of the keys (hash mod 10 == 0) go to the
development set.  Documents whose normalized text repeats are kept once.
Training units whose normalized text is also a development document or sentence
are dropped from training.

Label cleaning (the files and the rule are in data-report.txt and in
lexicons/lid/README.md): markers come from lexicons/lid/markers.tsv (strong ones).
  * Files that MANIFEST.md says are labelled Malay but mostly Indonesian
    (lingua-testdata ms.txt, malaysian-dataset news_articles.{pembelajaran,
    pendidikan,sekolah}), and news_articles.kerajaan.txt, where we found a
    third of the lines with markers to be Indonesian (articles about
    kingdoms, "kerajaan", from Indonesian sites), are relabelled document by
    document (a line, here a paragraph): more Indonesian markers than
    Malaysian: ind_Latn; more Malaysian: zsm_Latn; neither or a tie: dropped.  They are used for training only, never in the development set.
  * Other Malaysian Malay documents and units with more Indonesian than
    Malaysian markers are dropped; other Indonesian documents and units with
    more Malaysian than Indonesian markers are dropped (a whole document
    first, so that a Malaysian article in an Indonesian news file does not
    lend its sentences without markers the wrong label; then each training
    unit).  The same rule is applied to development documents and sentences.
  * Sentences inherit their document's label, and Malay documents hold
    English lines (and English ones Malay headings): a Malaysian, Indonesian
    or English unit, development document or sentence whose function words
    are mostly of the other side (two or more, and more than twice as many)
    is dropped.  The word lists are in this file, not in the model.
  * malaya/tweets_*.txt (Malaysian politicians' tweets, code-switched) give only
    the tweets whose function words are mostly Malay (two or more, at least
    twice as many as English ones), and to training only.
With --debian DIR (written by lid-debian.py), the Malay and Indonesian software
strings of Debian's packages are sources too: a string is kept when it has a Malay
function word and more of them than English ones (else it is left in English, or
says too little), and its development tenth goes to dev-extra.jsonl, not to the
development split of ../shared/data, whose figures stay comparable.
Reserved sets (FLORES-200, SIB-200, Tatoeba) are not read: they are not in
../shared/data, and nothing here looks for them.
"""
import argparse, collections, csv, glob, hashlib, importlib.util, json, os, re, sys

csv.field_size_limit(1 << 30)

LINGUA = {
    'af': 'afr_Latn', 'ar': 'arb_Arab', 'az': 'azj_Latn', 'be': 'bel_Cyrl', 'bg': 'bul_Cyrl',
    'bn': 'ben_Beng', 'bs': 'bos_Latn', 'ca': 'cat_Latn', 'cs': 'ces_Latn', 'cy': 'cym_Latn',
    'da': 'dan_Latn', 'de': 'deu_Latn', 'el': 'ell_Grek', 'en': 'eng_Latn', 'eo': 'epo_Latn',
    'es': 'spa_Latn', 'et': 'ekk_Latn', 'eu': 'eus_Latn', 'fa': 'pes_Arab', 'fi': 'fin_Latn',
    'fr': 'fra_Latn', 'ga': 'gle_Latn', 'gu': 'guj_Gujr', 'he': 'heb_Hebr', 'hi': 'hin_Deva',
    'hr': 'hrv_Latn', 'hu': 'hun_Latn', 'hy': 'hye_Armn', 'id': 'ind_Latn', 'is': 'isl_Latn',
    'it': 'ita_Latn', 'ja': 'jpn_Jpan', 'ka': 'kat_Geor', 'kk': 'kaz_Cyrl', 'ko': 'kor_Hang',
    'la': 'lat_Latn', 'lg': 'lug_Latn', 'lt': 'lit_Latn', 'lv': 'lvs_Latn', 'mi': 'mri_Latn',
    'mk': 'mkd_Cyrl', 'mn': 'khk_Cyrl', 'mr': 'mar_Deva', 'nb': 'nob_Latn', 'nl': 'nld_Latn',
    'nn': 'nno_Latn', 'pa': 'pan_Guru', 'pl': 'pol_Latn', 'pt': 'por_Latn', 'ro': 'ron_Latn',
    'ru': 'rus_Cyrl', 'sk': 'slk_Latn', 'sl': 'slv_Latn', 'sn': 'sna_Latn', 'so': 'som_Latn',
    'sq': 'als_Latn', 'sr': 'srp_Cyrl', 'st': 'sot_Latn', 'sv': 'swe_Latn', 'sw': 'swh_Latn',
    'ta': 'tam_Taml', 'te': 'tel_Telu', 'th': 'tha_Thai', 'tl': 'tgl_Latn', 'tn': 'tsn_Latn',
    'tr': 'tur_Latn', 'ts': 'tso_Latn', 'uk': 'ukr_Cyrl', 'ur': 'urd_Arab', 'vi': 'vie_Latn',
    'xh': 'xho_Latn', 'yo': 'yor_Latn', 'zh': 'zho_Hans', 'zu': 'zul_Latn',
}
NUSAX_SENT = {'acehnese': 'ace_Latn', 'banjarese': 'bjn_Latn', 'english': 'eng_Latn',
              'indonesian': 'ind_Latn', 'javanese': 'jav_Latn', 'minangkabau': 'min_Latn',
              'sundanese': 'sun_Latn'}
# Languages only in the NusaX MT file (the others repeat the sentiment files).
NUSAX_MT = {'madurese': 'mad_Latn', 'ngaju': 'nij_Latn', 'balinese': 'ban_Latn',
            'buginese': 'bug_Latn', 'toba_batak': 'bbc_Latn'}

# (path or glob, label, kind, role).  kind: lines | jsonl | conllu-text.
# role: both (train and dev), train (training only), noisy (relabel, training only).
SOURCES = [
    ('common-voice/ms.sentence-collector.txt', 'zsm_Latn', 'lines', 'both'),
    ('malaysian-dataset/bernama_headlines.ms.txt', 'zsm_Latn', 'lines', 'both'),
    ('malaysian-dataset/karangan_sekolah.txt', 'zsm_Latn', 'lines', 'both'),
    ('malaysian-dataset/majoriti_articles.jsonl', 'zsm_Latn', 'jsonl', 'both'),
    ('malaysian-dataset/malay_web_pages.jsonl', 'zsm_Latn', 'jsonl-web', 'both'),
    ('malaysian-dataset/news_articles.filem.txt', 'zsm_Latn', 'lines', 'both'),
    ('malaysian-dataset/news_articles.kerajaan.txt', None, 'lines', 'noisy'),
    ('malaysian-dataset/news_articles.pembelajaran.txt', None, 'lines', 'noisy'),
    ('malaysian-dataset/news_articles.pendidikan.txt', None, 'lines', 'noisy'),
    ('malaysian-dataset/news_articles.sekolah.txt', None, 'lines', 'noisy'),
    ('lingua-testdata/sentences/ms.txt', None, 'lines', 'noisy'),
    ('malaysian-dataset-extra/motomalaya.zsm.jsonl', 'zsm_Latn', 'jsonl', 'both'),
    ('malaysian-dataset-extra/bnm_public_notices.zsm.jsonl', 'zsm_Latn', 'jsonl', 'both'),
    ('malaysian-dataset-extra/bnm_press_release_titles.zsm.txt', 'zsm_Latn', 'lines', 'both'),
    ('malaysian-dataset-extra/bnm_akta701.zsm.txt', 'zsm_Latn', 'lines', 'both'),
    ('malaysian-dataset-extra/doktorbudak.zsm.jsonl', 'zsm_Latn', 'jsonl', 'both'),
    ('malaysian-dataset-extra/karangan_ipendidikan.zsm.jsonl', 'zsm_Latn', 'jsonl', 'both'),
    ('malaysian-dataset-extra/karangan_rtf_paragraphs.zsm.txt', 'zsm_Latn', 'lines', 'both'),
    ('malaysian-dataset-extra/local_movie_subtitles.zsm.txt', 'zsm_Latn', 'lines', 'both'),
    ('malaysian-dataset-extra/film_subtitles_ms.zsm.txt', 'zsm_Latn', 'lines', 'both'),
    ('malaysian-dataset-extra/fakenews_malaysia.zsm.jsonl', 'zsm_Latn', 'jsonl', 'both'),
    ('malaysian-dataset-extra/news_sentences.zsm.txt', 'zsm_Latn', 'lines', 'both'),
    ('malaysian-dataset-extra/tweets_malaysia.zsm.txt', 'zsm_Latn', 'lines', 'both'),
    ('malaysian-dataset-extra/iium_confession_sentences.zsm.txt', 'zsm_Latn', 'lines', 'both'),
    ('malaysian-dataset-extra/bidadari_lifestyle.zsm.jsonl', 'zsm_Latn', 'jsonl', 'both'),
    ('malaysian-dataset-extra/myhadith_qna.zsm.jsonl', 'zsm_Latn', 'jsonl', 'both'),
    ('malaysian-dataset-extra/wattpad_blurbs.zsm.jsonl', 'zsm_Latn', 'jsonl', 'both'),
    ('malaysian-dataset-extra/emotion_machine_translated.zsm.txt', 'zsm_Latn', 'lines', 'train'),
    ('malaya/tweets_*.txt', 'zsm_Latn', 'lines-malay', 'train'),
    ('udhr/mly_latn.txt', 'zsm_Latn', 'lines', 'both'),
    ('indonlu/*.txt', 'ind_Latn', 'lines', 'both'),
    ('ud-indonesian-gsd/*.txt', 'ind_Latn', 'lines', 'both'),
    ('malaysian-dataset/indon_fakenews_facts.txt', 'ind_Latn', 'lines', 'both'),
    ('malaysian-dataset/indon_fakenews_hoax.txt', 'ind_Latn', 'lines', 'both'),
    ('malaysian-dataset/indon_news.jsonl', 'ind_Latn', 'jsonl', 'both'),
    ('malaysian-dataset-extra/fakenews_indonesia.ind.jsonl', 'ind_Latn', 'jsonl', 'both'),
    ('malaysian-dataset-extra/tweets_crawl.ind.txt', 'ind_Latn', 'lines', 'both'),
    ('malaysian-dataset-extra/wattpad_blurbs.ind.jsonl', 'ind_Latn', 'jsonl', 'both'),
    ('udhr/ind.txt', 'ind_Latn', 'lines', 'both'),
    ('malaysian-dataset/bernama_headlines.en.txt', 'eng_Latn', 'lines', 'both'),
    ('malaysian-dataset-extra/motomalaya.eng.jsonl', 'eng_Latn', 'jsonl', 'both'),
    ('malaysian-dataset-extra/bnm_public_notices.eng.jsonl', 'eng_Latn', 'jsonl', 'both'),
    ('malaysian-dataset-extra/doktorbudak.eng.jsonl', 'eng_Latn', 'jsonl', 'both'),
    ('udhr/eng.txt', 'eng_Latn', 'lines', 'both'),
    ('malaysian-dataset/bernama_headlines.man.txt', 'zho_Hans', 'lines', 'both'),
    ('udhr/cmn_hans.txt', 'zho_Hans', 'lines', 'both'),
    ('udhr/arb.txt', 'arb_Arab', 'lines', 'both'),
    ('udhr/urd.txt', 'urd_Arab', 'lines', 'both'),
    ('udhr/mly_arab.txt', 'zsm_Arab', 'lines', 'both'),
    ('udhr/tam.txt', 'tam_Taml', 'lines', 'both'),
    ('udhr/jav.txt', 'jav_Latn', 'lines', 'both'),
    ('udhr/min.txt', 'min_Latn', 'lines', 'both'),
    ('udhr/tgl.txt', 'tgl_Latn', 'lines', 'both'),
]


def debian_files():
    """The files lid-debian.py writes (its SOURCES, read from it: one list, not two), as
    (file, label) for training and for testing only: the Debian Reference, never trained on
    (those of its texts also a training unit are left out)."""
    spec = importlib.util.spec_from_file_location(
        'lid_debian', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'lid-debian.py'))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    label = {'ms': 'zsm_Latn', 'id': 'ind_Latn'}
    files = [(out + '.jsonl', label[lang], kind == 'reference') for out, kind, lang, _ in mod.SOURCES]
    return [(f, l) for f, l, test in files if not test], [(f, l) for f, l, test in files if test]


# Software strings from Debian packages (lid-debian.py; read with --debian DIR).
DEBIAN_SOURCES, DEBIAN_TESTS = debian_files()
# Caps on training units per source (the largest sources would drown the rest; the
# Debian ones hold four times as many Indonesian strings as Malay).
CAP_DEFAULT = 25000
CAPS = {'malaysian-dataset-extra/emotion_machine_translated.zsm.txt': 6000}
CAPS.update(('debian/' + f, 6000) for f, _ in DEBIAN_SOURCES)
DEV_MOD = 10
# Caps on development documents per source, so that no source dominates.
DEV_CAP = 1000

WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
SENT_END = re.compile(r'(?<=[.!?。！？…])["”’)\]]*\s+(?=["“‘(\[]?[A-Z0-9À-ÖØ-Þ\u0100-\u024F])')


def norm_key(text):
    return ''.join(ch for ch in text.lower() if ch.isalnum())


def khash(s):
    return int.from_bytes(hashlib.blake2b(s.encode('utf-8'), digest_size=8).digest(), 'little')


def load_markers(path):
    words = {'zsm': set(), 'ind': set()}
    sfx = {'zsm': [], 'ind': []}
    with open(path, encoding='utf-8') as f:
        for line in f:
            if line.startswith('#') or not line.strip():
                continue
            w, side, strength = line.rstrip('\n').split('\t')
            if strength != 'strong':
                continue
            if w.startswith('-'):
                sfx[side].append(w[1:])
            else:
                words[side].add(w)
    return words, sfx


class Markers:
    def __init__(self, path):
        self.words, self.sfx = load_markers(path)

    def count(self, text):
        z = i = 0
        for w in WORD.findall(text.lower()):
            if w in self.words['zsm']:
                z += 1
            elif w in self.words['ind']:
                i += 1
            elif len(w) >= 6:
                if any(w.endswith(s) for s in self.sfx['zsm']):
                    z += 1
                elif any(w.endswith(s) for s in self.sfx['ind']):
                    i += 1
        return z, i

    def against(self, label, text):
        """True when a Malaysian text has more Indonesian markers than Malaysian ones, or
        an Indonesian text the reverse (never for other labels)."""
        if label not in ('zsm_Latn', 'ind_Latn'):
            return False
        z, i = self.count(text)
        return i > z if label == 'zsm_Latn' else z > i


def sentences(text):
    out = []
    for para in text.split('\n'):
        para = para.strip()
        if not para:
            continue
        for s in SENT_END.split(para):
            s = s.strip()
            if s:
                out.append(s)
    return out


ENGLISH = set('the and of to is in that for with this are was on be it as you at by from have not or'.split())
# Function words, to catch English lines in Malay documents and Malay lines in English ones
# (sentences inherit their document's label); a rule of its own, not the model's.
FN_ENG = set('the and of to is in that for with this are was on be it as you at by from have '
             'not or will i my we they an'.split())
FN_MSA = set('yang dan di ke dari daripada untuk dengan ini itu tidak ada akan pada dalam saya '
             'kami kita mereka adalah juga atau oleh bagi sudah telah boleh bisa tak nak aku kau '
             'dia ia lagi sebagai kepada'.split())


def function_words(text):
    """(English, Malay) function words in a text."""
    e = m = 0
    for w in WORD.findall(text.lower()):
        if w in FN_ENG:
            e += 1
        elif w in FN_MSA:
            m += 1
    return e, m


def wrong_script_language(label, text):
    """True when a Malay or Indonesian text is mostly English by its function words,
    or an English text mostly Malay/Indonesian."""
    if label not in ('zsm_Latn', 'ind_Latn', 'eng_Latn'):
        return False
    e, m = function_words(text)
    if label == 'eng_Latn':
        return m >= 2 and m > 2 * e
    return e >= 2 and e > 2 * m


def mostly_malay(text):
    """True when a text's function words are mostly Malay: two or more, and at least
    twice as many as English ones (for code-switched sources, where a line may be
    English)."""
    e, m = function_words(text)
    return m >= 2 and m >= 2 * e


def englishness(text):
    w = WORD.findall(text.lower())
    if not w:
        return 0.0
    return sum(1 for x in w if x in ENGLISH) / len(w)


def read_docs(path, kind):
    """Yield documents (strings) from one file."""
    with open(path, encoding='utf-8', errors='replace') as f:
        if kind == 'jsonl-ui':
            # software strings: those with Malay function words, more than English ones
            for line in f:
                t = json.loads(line)['text']
                e, m = function_words(t)
                if m >= 1 and m > e:
                    yield t
        elif kind in ('lines', 'lines-malay'):
            for line in f:
                line = line.strip()
                if line and (kind == 'lines' or mostly_malay(line)):
                    yield line
        else:
            for line in f:
                try:
                    d = json.loads(line)
                except ValueError:
                    continue
                t = d.get('text') if isinstance(d, dict) else None
                if not isinstance(t, str):
                    continue
                if kind == 'jsonl-web':
                    # raw web pages: drop English and very short paragraphs (menus)
                    paras = [p.strip() for p in t.split('\n')]
                    paras = [p for p in paras if len(p) >= 40 and englishness(p) < 0.2]
                    t = '\n'.join(paras)
                t = t.strip()
                if t:
                    yield t


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--data', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--markers', required=True)
    # a tuning split for settings that must not be chosen on the development
    # split: --dev-residue 1 --drop-residue 0 makes the documents of key mod 10
    # == 1 the "development" files and leaves the real ones out altogether
    ap.add_argument('--dev-residue', type=int, default=0)
    ap.add_argument('--drop-residue', type=int, default=None)
    ap.add_argument('--debian', help="lid-debian.py's output directory: its sources too")
    a = ap.parse_args()
    D = a.data
    os.makedirs(a.out, exist_ok=True)
    mk = Markers(a.markers)
    rep = []
    stats = collections.Counter()

    # docs: list of (key, label, src, text, role)
    docs = []
    seen = set()

    def add(key_text, label, src, text, role):
        k = norm_key(text)
        if len(k) < 1 or (k, label) in seen:
            stats['dup', src] += 1
            return
        seen.add((k, label))
        docs.append((khash(norm_key(key_text)), label, src, text, role))

    for pat, label, kind, role in SOURCES:
        for path in sorted(glob.glob(os.path.join(D, pat))):
            src = os.path.relpath(path, D)
            for t in read_docs(path, kind):
                add(t, label, src, t, role)
    if a.debian:
        for name, label in DEBIAN_SOURCES:
            path = os.path.join(a.debian, name)
            if not os.path.exists(path):
                sys.exit('lid-data: %s is missing (run lid-debian.py --out %s)' % (path, a.debian))
            for t in read_docs(path, 'jsonl-ui'):
                add(t, label, 'debian/' + name, t, 'extra')
    for code, label in sorted(LINGUA.items()):
        if code == 'ms':
            continue
        path = os.path.join(D, 'lingua-testdata/sentences/%s.txt' % code)
        if os.path.exists(path):
            for t in read_docs(path, 'lines'):
                add(t, label, os.path.relpath(path, D), t, 'both')
    # NusaX sentiment: files of one split are parallel line by line.
    for split in ('train', 'valid', 'test'):
        base = os.path.join(D, 'nusax/sentiment_indonesian.%s.txt' % split)
        if not os.path.exists(base):
            continue
        with open(base, encoding='utf-8') as f:
            ind_lines = [l.strip() for l in f]
        for lang, label in sorted(NUSAX_SENT.items()):
            path = os.path.join(D, 'nusax/sentiment_%s.%s.txt' % (lang, split))
            if not os.path.exists(path):
                continue
            with open(path, encoding='utf-8') as f:
                for i, line in enumerate(f):
                    line = line.strip()
                    if line and i < len(ind_lines):
                        add(ind_lines[i], label, os.path.relpath(path, D), line, 'both')
    for split in ('train', 'valid', 'test'):
        path = os.path.join(D, 'nusax/mt_%s.csv' % split)
        if not os.path.exists(path):
            continue
        with open(path, encoding='utf-8', newline='') as f:
            r = csv.reader(f)
            head = next(r)
            for row in r:
                rec = dict(zip(head, row))
                for lang, label in sorted(NUSAX_MT.items()):
                    t = (rec.get(lang) or '').strip()
                    if t:
                        add(rec.get('indonesian', t), label, os.path.relpath(path, D) + ':' + lang, t, 'both')

    # Split and clean.
    train_units, dev_docs, dev_extra = [], [], []
    for key, label, src, text, role in docs:
        if a.drop_residue is not None and key % DEV_MOD == a.drop_residue:
            continue
        dev = role in ('both', 'extra') and key % DEV_MOD == a.dev_residue
        if dev:
            if wrong_script_language(label, text):
                stats['dev dropped: function words of another language', label] += 1
                continue
            if mk.against(label, text):
                stats['dev dropped by markers', label] += 1
                continue
            (dev_extra if role == 'extra' else dev_docs).append((label, src, text))
            continue
        if key % DEV_MOD == a.dev_residue and role == 'noisy':
            stats['noisy doc on dev side, trained on', src] += 1
        # the development documents' rule, for training documents too: a Malaysian
        # article in an Indonesian news file (or the reverse) would otherwise give its
        # sentences without markers the wrong label
        if role != 'noisy' and mk.against(label, text):
            stats['train document dropped by markers', src] += 1
            continue
        # training units: every sentence, and paragraphs of more than one sentence
        units = []
        for para in text.split('\n'):
            para = para.strip()
            if not para:
                continue
            ss = sentences(para)
            units.extend(ss)
            if len(ss) > 1:
                if len(para) <= 1500:
                    units.append(para)
                else:
                    chunk = ''
                    for s in ss:
                        if chunk and len(chunk) + len(s) > 600:
                            units.append(chunk)
                            chunk = ''
                        chunk = (chunk + ' ' + s).strip()
                    if chunk and chunk != ss[-1]:
                        units.append(chunk)
        if role == 'noisy':
            # the whole document (a paragraph in these files) takes the label its
            # markers give, so that its sentences without markers come along
            z, i = mk.count(text)
            if z > i:
                label = 'zsm_Latn'
            elif i > z:
                label = 'ind_Latn'
            else:
                stats['noisy document dropped (no markers or tie)', src] += 1
                continue
            stats['noisy document relabelled ' + label, src] += 1
        for u in units:
            lab = label
            if wrong_script_language(lab, u):
                stats['train unit dropped: function words of another language', src] += 1
                continue
            if mk.against(lab, u):
                stats['train unit dropped by markers', src] += 1
                continue
            train_units.append((lab, src, u))

    all_dev = dev_docs + dev_extra

    def cap_dev(docs):
        by_src = collections.defaultdict(list)
        for row in docs:
            by_src[row[1]].append(row)
        out = []
        for src in sorted(by_src):
            rows = by_src[src]
            if len(rows) > DEV_CAP:
                stats['dev documents capped to %d' % DEV_CAP, src] += 1
                keep = set(id(r) for r in sorted(rows, key=lambda x: khash(x[2]))[:DEV_CAP])
                rows = [r for r in rows if id(r) in keep]
            out.extend(rows)
        return out

    dev_docs, dev_extra = cap_dev(dev_docs), cap_dev(dev_extra)

    # Development sentences; drop training units that repeat any development text.
    dev_sents = []
    dev_keys = set()
    for label, src, text in all_dev:
        dev_keys.add(norm_key(text))
        for s in sentences(text):
            dev_keys.add(norm_key(s))
    for label, src, text in dev_docs:
        for s in sentences(text):
            k = norm_key(s)
            # a sentence has at least 3 words; shorter pieces (names, numbers,
            # headings, "Riau", "- RSU Kabanjahe") are not sentences
            if not k or len(WORD.findall(s)) < 3:
                continue
            # the same cleaning as for training units, sentence by sentence
            if wrong_script_language(label, s):
                stats['dev sentence dropped: function words of another language', label] += 1
                continue
            if mk.against(label, s):
                stats['dev sentence dropped by markers', label] += 1
                continue
            dev_keys.add(k)
            dev_sents.append((label, src, s))
    seen_u = set()
    kept = []
    for lab, src, u in train_units:
        k = norm_key(u)
        if not k or k in dev_keys:
            stats['train unit dropped: also in dev', lab] += 1
            continue
        if (k, lab) in seen_u:
            continue
        seen_u.add((k, lab))
        kept.append((lab, src, u))
    # Cap units per source, deterministically (by hash of the text).
    by_src = collections.defaultdict(list)
    for lab, src, u in kept:
        by_src[src].append((lab, src, u))
    final = []
    for src in sorted(by_src):
        us = by_src[src]
        cap = CAPS.get(src, CAP_DEFAULT)
        if len(us) > cap:
            us = sorted(us, key=lambda x: khash(x[2]))[:cap]
            stats['train units capped to %d' % cap, src] += 1
        final.extend(us)
    final.sort(key=lambda x: khash(x[0] + '\t' + x[2]))
    seen_s = set()
    ds = []
    for lab, src, s in dev_sents:
        if (norm_key(s), lab) in seen_s:
            continue
        seen_s.add((norm_key(s), lab))
        ds.append((lab, src, s))

    def write(name, rows):
        with open(os.path.join(a.out, name), 'w', encoding='utf-8') as f:
            for lab, src, t in rows:
                f.write(json.dumps({'text': t, 'label': lab, 'src': src}, ensure_ascii=False) + '\n')

    write('train.jsonl', final)
    write('dev-doc.jsonl', dev_docs)
    write('dev-sent.jsonl', ds)
    if a.debian:
        write('dev-extra.jsonl', dev_extra)
        # the same rules as the development documents, and none that is a training unit
        trained = set(norm_key(u) for _, _, u in final)
        test_extra = []
        for name, label in DEBIAN_TESTS:
            src = 'debian/' + name
            for t in read_docs(os.path.join(a.debian, name), 'jsonl-ui'):
                if mk.against(label, t):
                    stats['test dropped by markers', src] += 1
                elif norm_key(t) in trained:
                    stats['test dropped: also a training unit', src] += 1
                else:
                    test_extra.append((label, src, t))
        write('test-extra.jsonl', test_extra)
    with open(os.path.join(a.out, 'train.fasttext'), 'w', encoding='utf-8') as f:
        for lab, src, u in final:
            f.write('__label__%s %s\n' % (lab, ' '.join(u.split())))

    cnt = lambda rows: collections.Counter(r[0] for r in rows)
    ct, cd, cs = cnt(final), cnt(dev_docs), cnt(ds)
    rep.append('ayak-lid data from %s' % os.path.abspath(D))
    rep.append('split: blake2b-64 of the normalized text (NusaX: of the Indonesian side) mod %d == %d -> dev' % (DEV_MOD, a.dev_residue)
               + ('' if a.drop_residue is None else ', == %d dropped' % a.drop_residue))
    rep.append('%-10s %9s %9s %9s' % ('label', 'train', 'dev-doc', 'dev-sent'))
    for lab in sorted(set(ct) | set(cd)):
        rep.append('%-10s %9d %9d %9d' % (lab, ct[lab], cd[lab], cs[lab]))
    rep.append('%-10s %9d %9d %9d' % ('total', len(final), len(dev_docs), len(ds)))
    if a.debian:
        rep.append('dev-extra (Debian strings, scored apart): %d' % len(dev_extra))
        rep.append('test-extra (Debian Reference, never trained on): %d' % len(test_extra))
    rep.append('')
    for (what, src), n in sorted(stats.items()):
        rep.append('%s: %s: %d' % (what, src, n))
    with open(os.path.join(a.out, 'data-report.txt'), 'w') as f:
        f.write('\n'.join(rep) + '\n')
    print('\n'.join(rep[:3 + len(set(ct) | set(cd)) + 1]))


if __name__ == '__main__':
    main()
