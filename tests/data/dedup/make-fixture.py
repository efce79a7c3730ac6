#!/usr/bin/env python3
"""Writes dedup.jsonl, the ayak-dedup test fixture (run once; the output is committed).

The text is made of random Malay words from the list below, written for
ayak; nothing is copied from any corpus.  Deterministic (seed 7).
"""
import json, random, re

WORDS = '''saya kami kita mereka dia anda rumah sekolah pasar jalan kereta bas
kapal terbang laut sungai gunung hutan bandar kampung negeri kerajaan rakyat
menteri polis hospital doktor guru murid buku surat berita akhbar radio
televisyen makan minum tidur bangun pergi datang pulang bekerja belajar membaca
menulis bercakap mendengar melihat membeli menjual membina membaiki menanam
memasak hari minggu bulan tahun pagi petang malam esok semalam sekarang
nanti selalu kadang baru lama besar kecil tinggi rendah panjang pendek cantik
bersih kotor mahal murah senang susah cepat lambat baik buruk gembira sedih
marah takut berani nasi roti ikan ayam daging sayur buah air kopi teh gula
garam duit harga kedai pejabat kilang ladang sawah padi getah sawit hujan
panas sejuk angin ribut banjir kemarau musim cuti sukan bola pasukan
perlawanan juara pemain jurulatih penonton stadium dan atau tetapi kerana
supaya jika walaupun dengan untuk kepada daripada dalam luar atas bawah
sebelum selepas semasa antara tentang seperti lebih kurang sangat amat juga
sahaja sudah belum akan sedang masih pernah tidak bukan ada banyak sedikit
semua setiap beberapa ramai'''.split()

rnd = random.Random(7)

def text(n):
    return ' '.join(rnd.choice(WORDS) for _ in range(n))

def words(t):
    return re.findall(r'\w+', t.lower())

def jaccard(a, b, n=5):
    def sh(t):
        w = words(t)
        return set(tuple(w[i:i + n]) for i in range(max(1, len(w) - n + 1)))
    a, b = sh(a), sh(b)
    return len(a & b) / len(a | b)

def sentences(t):
    w = t.split(' ')
    out, i = [], 0
    while i < len(w):
        k = rnd.randint(8, 14)
        s = ' '.join(w[i:i + k])
        out.append(s[0].upper() + s[1:] + '.')
        i += k
    return ' '.join(out)

recs = []
def add(id, t, url=None, date=None, **extra):
    r = {'id': id}
    if url: r['url'] = url
    if date: r['date'] = date
    r.update(extra)
    r['text'] = t
    recs.append(r)

A = sentences(text(100))
aw = A.split(' ')
A_near = ' '.join(aw[:50] + ['berbeza'] + aw[51:])          # one word changed
B = sentences(text(100))
bw = B.split(' ')
B_far = ' '.join(bw[:48] + text(52).split(' '))              # half rewritten
C = sentences(text(60))
add('a1', A, 'https://www.contoh.my/berita/1', '2024-01-05', score=0.5)
add('b1', B, 'https://contoh.my/sukan?id=7', '2024-02-01', score=0.9)
add('a2', A, 'https://contoh.my/salinan/a2', '2024-01-06', score=0.7)
add('a3', '  ' + A.upper().replace(' ', '  ') + '\n', 'https://contoh.my/salinan/a3', score=0.2)
add('a4', A_near, 'https://contoh.my/salinan/a4', '2024-03-01', score=0.95)
add('b2', B_far, 'https://contoh.my/sukan/b2', score=0.1)
add('c1', C, 'http://contoh.my/berita/1/#atas', '2024-06-01')
add('t1', 'Terima kasih.', 'https://contoh.my/t1')
add('t2', 'terima   KASIH.', 'https://contoh.my/t2')
add('t3', 'Terima kasih.', 'https://contoh.my/t3')
HEAD, FOOT = 'Log masuk | Daftar', 'Hak Cipta Terpelihara 2024'
for i in range(1, 6):
    add('p%d' % i, HEAD + '\n' + sentences(text(30)) + '\n' + FOOT.replace('2024', str(2019 + i)),
        'https://contoh.my/p%d' % i)
add('p6', HEAD + '\n' + FOOT, 'https://contoh.my/p6')
add('e1', 'Caf\u00e9 \u201cKopi\u201d \u2014 ' + sentences(text(20)), 'https://contoh.my/e1')
with open('dedup.jsonl', 'w', encoding='utf-8') as f:
    for r in recs:
        f.write(json.dumps(r, ensure_ascii=False) + '\n')
print('J(a1,a4) = %.3f, J(b1,b2) = %.3f' % (jaccard(A, A_near), jaccard(B, B_far)))
