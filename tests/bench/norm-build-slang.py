#!/usr/bin/env python3
"""Build lexicons/norm/slang.tsv, ayak-norm's slang table (--expand-slang).

    tests/bench/norm-build-slang.py ../shared/data/malaya > lexicons/norm/slang.tsv

A maintainer's tool, kept for the record of how the table was made; the
table itself is what ayak-norm reads.  Sources:

  - malaya's rules_normalizer and rules_compound_normalizer (mesolitica/malaya,
    malaya/text/rules.py, commit ddbfe3ba6e2e, MIT), as ../shared/data/malaya/*.tsv;
  - malaya's Malay word lists (same repository) to tell standard words;
  - /usr/share/dict/american-english (Debian's wamerican) to tell English words;
  - ayak's own review: the KEEP, DROP, FIX, INFORMAL and OWN tables below.

Review policy (what the table is for: spelling, not translation or register):
  - an entry whose form is an English word is dropped (that is translation:
    family -> keluarga), unless KEEP says it is Malay slang first (la, ape);
  - an entry whose form is a standard Malay word is dropped (pala is nutmeg,
    babi is a pig, minta and segan are fine as they are), unless KEEP says so;
  - forms with digits, quotes or dots are dropped (reduplication has its own rule);
  - targets are checked against the word lists; unknown targets are dropped
    unless FIX gives a standard spelling (dimana -> di mana);
  - names, acronyms and months are dropped (kl, ph, fb, rm, friday);
  - colloquial words that are standard in speech (tak, nak, je, dah, tu, ni,
    kat, tapi) get an informal column: --keep-informal keeps them, and their
    short forms map to them (x -> tak, nk -> nak);
  - short, ambiguous forms get a context: "mid" (only between two words of
    letters: x, n, g), "nonum" (not next to a number: kg, g, mg, hr, pg),
    "name" (also a name, replaced in lower case only: nga, yee, tai).
"""
import os
import re
import sys

VERSION = '2026.11.3'

# Forms that are English or Malay dictionary words but are slang first in Malay text.
KEEP = set('''
la le ape dpt lg mn mst pd sgt x ye gi stu napa cpa
jela jelah apahal gitu gini lak adoi bawak bole jek kalo kalu kearah kecik kesah kuar
mengembirakan mintak nati otek rege rosok sorang taik takat udah karna ngga pingin keliatan
megang nangis sanggat sperti bulet kepingin nunggu taun temen ampe kate seluru kancang
nambah serem emang kebayang niru deket pinter kenceng nampar bales suda krus rapih udeh
belom diem tiber g kg mg hr n
'''.split())

# Entries to drop although they pass the filters (wrong, ambiguous or not spelling).
DROP = set('''
lu hg pale pala laki kau bang babi berdisiplin bini depa hampa gerenti hawau lahabau hotak
kang min mood mu ofis sado sakai tanggungjawab wat liat bangat bet ucul fikiran berfikir
benet ndak yak nyaru gada bingit sendeng ulan diksi uda ngekek nyatakan indo alak samara bres
rempong sdri naksir mendam amen nusuk helo cewe seh kana ayuk soga hub canti naka rana justeru
ketara alu janka konsul minta istiqamah bolang apus dedek keknya cogan kha nyah kelus kelaluan
kepoh ngambek capa cobak nyolong gerek segan anjir melepek awek tulah pasai pasal ganu pakwe
makwe sohor ana kilo friday sunday sun tang ur ts k ty de dee da d p ko kt ckp bnda taw
ngomong ngobrol kasi bg tk dh msg skit jd bz cm cr dn dy gk ka kk kn ak aq hu sam ngapain
fb ig kl bn ph yb rm mr tq at be by go i if or so to up dont bro slamet
kayaq kayax keak kekk kyak kyax koq kox mnding ori bisax
kite cite cube bile cane nape awl wt abs loo nee lol pls omg gf bf fav cust univ cctv
kot sapa taun takat
'''.split())
# (The third line from the end: targets that are Indonesian, not Malay, though
# malaya's word list holds them: kayak 'like', kok, mending, orisinal, bisanya.
# The last two lines, from an audit of 2026-11-24: English words a Malay text
# quotes or switches to (kite, cite, cube, bile, cane, nape, awl), English
# abbreviations whose entries translate rather than respell (pls, omg, gf,
# univ, cctv), and standard Malay words of another meaning: kot 'coat', sapa
# 'greet', taun 'plague', takat 'extent'.  la, ye, tau, ape and the others
# left in KEEP are English or dictionary words too, but slang first in Malay
# text.)

# Forms that are also names (Nga, Yee, Tai): replaced in lower case only, never
# capitalized at the start of a sentence (context "name").
NAMES = set('ema kam nga tai yee yoo'.split())

# Our own entries (form, standard, informal or "", context).
OWN = [
    ('sy', 'saya', '', ''), ('msk', 'masuk', '', ''), ('mkn', 'makan', '', ''),
    ('mnm', 'minum', '', ''), ('smpi', 'sampai', '', ''), ('lpas', 'lepas', '', ''),
    ('ptg', 'petang', '', ''), ('mlm', 'malam', '', ''), ('mggu', 'minggu', '', ''),
    ('kwn', 'kawan', '', ''), ('krj', 'kerja', '', ''), ('sume', 'semua', '', ''),
    ('sbnrnya', 'sebenarnya', '', ''), ('tlong', 'tolong', '', ''), ('btl', 'betul', '', ''),
    ('betol', 'betul', '', ''), ('knape', 'kenapa', '', ''), ('sape', 'siapa', '', ''),
    ('xleh', 'tidak boleh', 'tak boleh', ''),
    ('xboleh', 'tidak boleh', 'tak boleh', ''), ('xtau', 'tidak tahu', 'tak tahu', ''),
    ('tatau', 'tidak tahu', 'tak tahu', ''), ('xnak', 'tidak mahu', 'tak nak', ''),
    ('dpn', 'depan', '', ''), ('blkg', 'belakang', '', ''), ('tdo', 'tidur', '', ''),
    ('tido', 'tidur', '', ''), ('mkan', 'makan', '', ''), ('jmpa', 'jumpa', '', ''),
    ('jumpe', 'jumpa', '', ''), ('slps', 'selepas', '', ''), ('stgh', 'setengah', '', ''),
    ('bende', 'benda', '', ''), ('bnde', 'benda', '', ''), ('pompuan', 'perempuan', '', ''),
    ('pmpuan', 'perempuan', '', ''), ('dorang', 'mereka', '', ''), ('kna', 'kena', '', ''),
    ('lom', 'belum', '', ''), ('blum', 'belum', '', ''), ('blk', 'balik', '', ''),
    ('ckp', 'cakap', '', ''), ('bnda', 'benda', '', ''), ('jd', 'jadi', '', ''),
    ('tk', 'tidak', 'tak', ''), ('dh', 'sudah', 'dah', ''), ('nk', 'hendak', 'nak', ''),
    ('x', 'tidak', 'tak', 'mid'), ('xde', 'tiada', 'takde', ''), ('xda', 'tiada', 'takde', ''),
    ('xpe', 'tidak mengapa', 'takpe', ''), ('takde', 'tiada', '=', ''),
    ('takpe', 'tidak mengapa', '=', ''), ('jer', 'sahaja', 'je', ''), ('jek', 'sahaja', 'je', ''),
    ('jew', 'sahaja', 'je', ''), ('ja', 'sahaja', 'je', 'mid'), ('dgn', 'dengan', '', ''),
    ('yg', 'yang', '', ''), ('utk', 'untuk', '', ''), ('sbb', 'sebab', '', ''),
    ('pg', 'pergi', '', 'nonum'), ('g', 'pergi', '', 'mid,nonum'), ('n', 'dan', '', 'mid'),
    ('mg', 'memang', '', 'nonum'), ('hr', 'hari', '', 'nonum'), ('kg', 'kampung', '', 'nonum'),
    ('dak2', 'budak-budak', '', ''), ('msg2', 'masing-masing', '', ''),
    ('kt2', 'kata-kata', '', ''), ('gr2', 'gara-gara', '', ''), ('gra2', 'gara-gara', '', ''),
    ('ber2', 'berdua', '', ''), ('giler', 'gila', '', ''), ('gilerr', 'gila', '', ''),
    ('taknak', 'tidak mahu', 'tak nak', ''), ('tknk', 'tidak mahu', 'tak nak', ''), ('22nya', 'dua-duanya', '', ''), ('ank', 'anak', '', ''),
    ('kdg', 'kadang', '', ''), ('sdkit', 'sedikit', '', ''), ('bnr', 'benar', '', ''),
    ('bner', 'benar', '', ''), ('brg', 'barang', '', ''), ('lgkah', 'langkah', '', ''),
]

# Colloquial words: the standard form, kept by --keep-informal.
INFORMAL = [
    ('tak', 'tidak'), ('nak', 'hendak'), ('je', 'sahaja'), ('dah', 'sudah'), ('tu', 'itu'),
    ('ni', 'ini'), ('kat', 'di'), ('tapi', 'tetapi'), ('takkan', 'tidak akan'),
    ('tak nak', 'tidak mahu'), ('tak pe', 'tidak mengapa'), ('tak ada', 'tidak ada'),
    ('korang', 'kamu semua'), ('kitorang', 'kami'), ('diorang', 'mereka'),
]

# Standard spellings for malaya's targets.
FIX = {
    'dimana': 'di mana', 'kemana': 'ke mana', 'disini': 'di sini', 'disana': 'di sana',
    'disitu': 'di situ', 'kesini': 'ke sini', 'kesitu': 'ke situ', 'darimana': 'dari mana',
    'kedepan': 'ke depan', 'dibelakang': 'di belakang', 'takan': 'tak akan', 'tak': 'tak',
    'insyallah': 'insya-Allah', 'astagfirullah': 'astaghfirullah',
    'bahwa': 'bahawa',
}


def words(path):
    with open(path, encoding='utf-8') as f:
        return set(w.strip().lower() for w in f if w.strip())


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else '../shared/data/malaya'
    malay = set()
    for f in ('kamus_dewan_words.txt', 'dbp_words.txt', 'malay_words.txt',
              'cambridge_malay_words.txt'):
        malay |= words(os.path.join(src, f))
    eng = words('/usr/share/dict/american-english')
    rules = {}
    with open(os.path.join(src, 'rules_normalizer.tsv'), encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if '\t' in line:
                k, v = line.split('\t', 1)
                rules[k] = v		# later keys overwrite, as in malaya's dict
    out = {}
    dropped = {'nonletter': 0, 'english': 0, 'standard': 0, 'target': 0, 'review': 0}
    for k, v in rules.items():
        v = re.sub(r'\s*-\s*', '-', v.strip()).lower()
        if not v or not re.fullmatch(r'[a-z]+', k) or k == v:
            dropped['nonletter'] += 1
            continue
        if k in DROP:
            dropped['review'] += 1
            continue
        if k not in KEEP and k in eng and k not in malay:
            dropped['english'] += 1
            continue
        if k not in KEEP and k in malay:
            dropped['standard'] += 1
            continue
        ws = []
        ok = True
        for w in v.split():
            w = FIX.get(w, w)
            if not all(p in malay or p in ('lah', 'kah', 'tak') for p in w.lower().split()):
                ok = False
            ws.append(w)
        v = ' '.join(ws)
        if not ok:
            dropped['target'] += 1
            continue
        out[k] = (v, '', '', 'malaya')
    for k, v, inf, ctx in OWN:
        out[k] = (v, inf, ctx, 'ayak')
    for k in NAMES:
        if k in out and not out[k][2]:
            v, inf, ctx, origin = out[k]
            out[k] = (v, inf, 'name', origin)
    for k, v in INFORMAL:
        out[k] = (v, '=', '', 'ayak')
    # Chains (x -> tak -> tidak) are resolved by ayak-norm when it loads the table.
    print('# ayak-norm slang table: short forms and social-media spellings -> standard Malay')
    print('# version: %s' % VERSION)
    print('# source: mesolitica/malaya, malaya/text/rules.py (rules_normalizer,')
    print('#   rules_compound_normalizer), commit ddbfe3ba6e2e, reviewed for ayak: %d of'
          % sum(1 for e in out.values() if e[3] == 'malaya'))
    print('#   its %d entries kept (dropped: %d English words, %d standard Malay words,'
          % (len(rules), dropped['english'], dropped['standard']))
    print('#   %d forms with digits or quotes, %d with unknown targets, %d by review);'
          % (dropped['nonletter'], dropped['target'], dropped['review']))
    print('#   %d entries of our own (origin "ayak"); made by tests/bench/norm-build-slang.py'
          % sum(1 for e in out.values() if e[3] == 'ayak'))
    print('# license: malaya entries MIT (Copyright (c) 2018 Husein Zolkepli);')
    print('#   ayak\'s entries and review: same as ayak')
    print('# format: FORM<TAB>STANDARD<TAB>INFORMAL<TAB>CONTEXT<TAB>ORIGIN')
    print('#   FORM      lower case, one word or two (tak nak), each of 64 bytes at most;')
    print('#             no form twice')
    print('#   STANDARD  what --expand-slang writes')
    print('#   INFORMAL  what it writes with --keep-informal: empty = STANDARD, "=" = FORM')
    print('#   CONTEXT   empty, or one or more of these, separated by commas:')
    print('#             mid: only between two words of two letters or more;')
    print('#             nonum: not next to a number;')
    print('#             name: also a name (Nga, Yee): replaced in lower case only')
    print('#   ORIGIN    malaya or ayak')
    for k in sorted(out):
        v, inf, ctx, origin = out[k]
        print('%s\t%s\t%s\t%s\t%s' % (k, v, inf, ctx, origin))


if __name__ == '__main__':
    main()
