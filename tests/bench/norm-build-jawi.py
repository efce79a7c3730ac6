#!/usr/bin/env python3
"""Build lexicons/norm/jawi.tsv, ayak-norm's Jawi dictionary (--jawi-to-rumi).

    tests/bench/norm-build-jawi.py ../shared/data/udhr > lexicons/norm/jawi.tsv
    tests/bench/norm-build-jawi.py --lines 0:46 ../shared/data/udhr > held-out.tsv

A maintainer's tool (and the bench's, which builds a dictionary from half of
the UDHR to measure on the other half).  Sources:

  - the Universal Declaration of Human Rights in Malay, Jawi and Latin script
    (wooorm/udhr, declaration/mly_arab.html and mly_latn.html, commit
    d3d38276c916; UDHR text from OHCHR, free to reproduce), as
    ../shared/data/udhr/mly_{arab,latn}.txt: the two are aligned line by line
    and word by word, and word pairs whose consonants agree are kept;
  - OWN below: common Malay words in standard Jawi spelling (Pedoman Umum
    Ejaan Jawi), written for ayak.
"""
import argparse
import collections
import difflib
import os
import re
import sys

VERSION = '2026.11.1'

OWN = '''
يڠ yang|دان dan|دڠن dengan|د di|دري dari|درڤد daripada|كڤد kepada|اونتوق untuk|اين ini|ايت itu
اد ada|اداله adalah|اكن akan|اتاو atau|تيدق tidak|تق tak|بوليه boleh|ساي saya|كامي kami|كيت kita
مريك mereka|دي dia|اي ia|بلياو beliau|تله telah|سوده sudah|بلوم belum|سدڠ sedang|جوڬ juga|ڤون pun
لاڬي lagi|هاڽ hanya|سهاج sahaja|سموا semua|ستياڤ setiap|باڽق banyak|ساڠت sangat|لبيه lebih
كورڠ kurang|دالم dalam|لوار luar|اتس atas|باوه bawah|انتارا antara|اوليه oleh|باڬي bagi|ڤد pada
سڤرتي seperti|سباڬاي sebagai|كران kerana|جك jika|كالو kalau|اڤابيلا apabila|بيلا bila|اڤ apa
سياڤ siapa|مان mana|باڬايمان bagaimana|مڠاڤ mengapa|كناڤ kenapa|اورڠ orang|رعيت rakyat
نڬارا negara|كراجأن kerajaan|مليسيا Malaysia|ملايو Melayu|بهاس bahasa|هاري hari|تاهون tahun
ماس masa|وقتو waktu|بارو baru|لام lama|بسر besar|كچيل kecil|باءيق baik|ساتو satu|دوا dua
تيݢ tiga|تيڬ tiga|امڤت empat|ليم lima|انم enam|توجوه tujuh|لاڤن lapan|سمبيلن sembilan
سڤولوه sepuluh|الله Allah|اسلام Islam|اڬام agama|اݢام agama|مسجد masjid|رومه rumah|انق anak
ايبو ibu|باڤ bapa|كات kata|بوات buat|ماكن makan|مينوم minum|ڤرڬي pergi|ڤرݢي pergi|داتڠ datang
كرج kerja|بري beri|امبيل ambil|ليهت lihat|تاهو tahu|ماهو mahu|هندق hendak|مستي mesti|ڤرلو perlu
داڤت dapat|جادي jadi|بوكو buku|سكوله sekolah|ڬورو guru|ݢورو guru|موريد murid|كلوارڬ keluarga
كلوارݢ keluarga|ماسياركت masyarakat|مشاركت masyarakat|ڤنديديقن pendidikan|كسيحتن kesihatan
ايكونومي ekonomi|ڤوليتيك politik|سجاره sejarah|بودايا budaya|كبوداياءن kebudayaan|سلامت selamat
تريما terima|كاسيه kasih|ماف maaf|سيلا sila|تولوڠ tolong|جاڠن jangan|مري mari
سوده sudah|سبب sebab|مك maka|ڤولا pula|كيني kini|سكارڠ sekarang
دهولو dahulu|نانتي nanti|ايسوق esok|سمالم semalam|ڤاڬي pagi|ڤاݢي pagi|ڤتڠ petang|مالم malam
سياڠ siang|مينڬو minggu|مينݢو minggu|بولن bulan|دنيا dunia|ڤولاو pulau|نݢري negeri|نڬري negeri
ڤرکارا perkara|ڤركارا perkara|مهكمه mahkamah|اوندڠ٢ undang-undang|حق hak|عاديل adil
كبيبسن kebebasan|ڤرليندوڠن perlindungan|سام sama|لائن lain|راي raya|بسم bismi
'''

# Jawi letters and the consonant class they write ('' for vowel letters and signs).
JAWI = {
    'ا': '', 'أ': '', 'إ': '', 'آ': '', 'ء': '', 'ئ': '', 'ؤ': '', 'ع': '', 'و': '', 'ي': '',
    'ى': '', 'ی': '', 'ٴ': '', 'ب': 'b', 'ت': 't', 'ة': 't', 'ث': 's', 'ج': 'j', 'ح': 'h',
    'خ': 'x', 'د': 'd', 'ذ': 'z', 'ر': 'r', 'ز': 'z', 'س': 's', 'ش': 'S', 'ص': 's', 'ض': 'd',
    'ط': 't', 'ظ': 'z', 'غ': 'G', 'ف': 'f', 'ق': 'k', 'ك': 'k', 'ک': 'k', 'ل': 'l', 'م': 'm',
    'ن': 'n', 'ه': 'h', 'ڠ': 'N', 'ڤ': 'p', 'ݢ': 'g', 'ڬ': 'g', 'ڽ': 'Y', 'چ': 'c', 'ۏ': 'v',
}


def jawi_skel(w):
    out = []
    for ch in w:
        c = JAWI.get(ch)
        if c and (not out or out[-1] != c):
            out.append(c)
    return ''.join(out)


def rumi_skel(w):
    w = w.lower()
    for a, b in (('ng', 'N'), ('ny', 'Y'), ('sy', 'S'), ('kh', 'x'), ('gh', 'G'), ('q', 'k')):
        w = w.replace(a, b)
    out = []
    for ch in w:
        if ch in 'aeiouwy\'-':
            continue
        if not out or out[-1] != ch:
            out.append(ch)
    return ''.join(out)


def sim(j, r):
    a, b = jawi_skel(j), rumi_skel(r)
    if a == b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b).ratio()


def tok_jawi(line):
    return re.findall(r'[\u0600-\u06FF\u0750-\u077F]+(?:٢)?', line.replace('،', ' ').replace('؛', ' '))


def tok_rumi(line):
    return re.findall(r"[A-Za-z']+(?:-[A-Za-z']+)*", line)


def align(J, R):
    """Pairs (jawi, rumi) from a DP over 1:1 and 2:1 (reduplication written apart) steps."""
    n, m = len(J), len(R)
    INF = 1e9
    cost = [[INF] * (m + 1) for _ in range(n + 1)]
    back = {}
    cost[0][0] = 0
    for i in range(n + 1):
        for j in range(m + 1):
            c = cost[i][j]
            if c >= INF:
                continue
            steps = []
            if i < n:
                steps.append((i + 1, j, 1.0, None))
            if j < m:
                steps.append((i, j + 1, 1.0, None))
            if i < n and j < m:
                s = sim(J[i].rstrip('٢'), R[j].split('-')[0])
                steps.append((i + 1, j + 1, 1.0 - s, (J[i], R[j])))
            for ni, nj, step, pair in steps:
                if c + step < cost[ni][nj]:
                    cost[ni][nj] = c + step
                    back[(ni, nj)] = (i, j, pair, step)
    pairs = []
    i, j = n, m
    while (i, j) != (0, 0):
        pi, pj, pair, step = back[(i, j)]
        if pair and step <= 0.25:
            pairs.append(pair)
        i, j = pi, pj
    return pairs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('udhr', nargs='?', default='../shared/data/udhr')
    ap.add_argument('--lines', help='A:B: only Jawi lines A..B-1 (for a held-out test)')
    ap.add_argument('--no-own', action='store_true', help='leave out the OWN entries')
    a = ap.parse_args()
    with open(os.path.join(a.udhr, 'mly_arab.txt'), encoding='utf-8') as f:
        arab = f.read().split('\n')
    with open(os.path.join(a.udhr, 'mly_latn.txt'), encoding='utf-8') as f:
        latn = f.read().split('\n')
    # The Jawi file has one line more: "مك دڠن اين" (line 10) is missing in Latin.
    pairs_lines = [(arab[i], latn[i]) for i in range(9)] + \
                  [(arab[i], latn[i - 1]) for i in range(10, len(arab)) if i - 1 < len(latn)]
    lo, hi = 0, len(pairs_lines)
    if a.lines:
        lo, hi = (int(x) for x in a.lines.split(':'))
    counts = collections.defaultdict(collections.Counter)
    for ja, la in pairs_lines[lo:hi]:
        for j, r in align(tok_jawi(ja), tok_rumi(la)):
            if j.endswith('٢'):
                j = j[:-1]
                r = r.split('-')[0]
            if '-' in r:
                continue
            counts[j][r.lower()] += 1
    out = {}
    for j, c in counts.items():
        r, k = c.most_common(1)[0]
        out[j] = (r, 'udhr')
    if not a.no_own:
        for item in OWN.replace('\n', '|').split('|'):
            item = item.strip()
            if not item:
                continue
            j, r = item.split(' ', 1)
            if not re.fullmatch(r'[\u0600-\u06FF\u0750-\u077F]+', j):
                continue
            out[j] = (r, 'ayak')
    print('# ayak-norm Jawi dictionary: Jawi (Malay in Arabic script) -> Rumi')
    print('# version: %s' % VERSION)
    print('# source: the Universal Declaration of Human Rights in Malay, Jawi and Latin script')
    print('#   (wooorm/udhr, declaration/mly_arab.html, mly_latn.html, commit d3d38276c916),')
    print('#   aligned word by word (%d entries, origin "udhr"); common words in standard'
          % sum(1 for v in out.values() if v[1] == 'udhr'))
    print('#   Jawi spelling written for ayak (%d entries, origin "ayak");'
          % sum(1 for v in out.values() if v[1] == 'ayak'))
    print('#   made by tests/bench/norm-build-jawi.py')
    print('# license: UDHR text: free to reproduce (OHCHR); udhr package MIT; ayak\'s entries:')
    print('#   same as ayak')
    print('# format: JAWI<TAB>RUMI<TAB>ORIGIN')
    for j in sorted(out):
        print('%s\t%s\t%s' % (j, out[j][0], out[j][1]))


if __name__ == '__main__':
    main()
