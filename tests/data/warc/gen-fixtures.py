#!/usr/bin/env python3
"""Write the synthetic WARC fixtures of tests/data/warc (see README.md).

Deterministic: the same files every run (fixed dates, ids and gzip mtime 0).
Run from this directory:  python3 gen-fixtures.py
"""
import gzip
import io
import json
import zlib

UDHR = [json.loads(line)["text"] for line in open("../sample.jsonl", encoding="utf-8")
        if '"udhr-mly_latn-' in line]
N = 0


def rid():
    global N
    N += 1
    return "<urn:uuid:00000000-0000-4000-8000-%012d>" % N


def record(wtype, block, url=None, ctype=None, extra=(), version="1.1", length=None):
    h = ["WARC/%s" % version, "WARC-Type: %s" % wtype, "WARC-Record-ID: %s" % rid(),
         "WARC-Date: 2024-05-18T01:58:10Z"]
    if url:
        h.append("WARC-Target-URI: %s" % url)
    h.extend(extra)
    if ctype:
        h.append("Content-Type: %s" % ctype)
    if length != -1:
        h.append("Content-Length: %d" % (len(block) if length is None else length))
    return ("\r\n".join(h) + "\r\n\r\n").encode() + block + b"\r\n\r\n"


def http(body, headers, status="200 OK"):
    return ("HTTP/1.1 %s\r\n" % status + "".join("%s\r\n" % h for h in headers) +
            "\r\n").encode() + body


def response(url, body, headers, status="200 OK"):
    return record("response", http(body, headers, status), url,
                  "application/http; msgtype=response")


def gz_member(data):
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, compresslevel=6) as f:
        f.write(data)
    return buf.getvalue()


def chunked(data, size=40):
    out = b""
    for i in range(0, len(data), size):
        part = data[i:i + size]
        out += b"%x\r\n" % len(part) + part + b"\r\n"
    return out + b"0\r\n\r\n"


ARTICLE = """<!DOCTYPE html>
<html lang="ms"><head><meta charset="utf-8"><title>Hak asasi - Berita Contoh</title>
<style>body { font-family: sans-serif } p::after { content: "<p>bukan teks</p>" }</style>
<script>var s = "<div>bukan teks</div>"; if (a < b && c > d) { document.write("</p>"); }</script>
</head>
<body class="home has-sidebar">
<div id="cookie-notice">Laman web ini menggunakan kuki. Dengan meneruskan, anda bersetuju dengan dasar privasi kami. <button>Terima</button></div>
<header class="site-header"><a href="/">Berita Contoh</a>
<nav><ul><li><a href="/">Utama</a></li><li><a href="/dunia">Dunia</a></li><li><a href="/sukan">Sukan</a></li></ul></nav>
</header>
<main>
<article>
<h1>%s</h1>
<p class="byline">Oleh Wartawan &amp; Jurugambar &middot; 18 Mei 2024</p>
<p>%s</p>
<p>%s&nbsp;Rujukan:&#32;Perkara&nbsp;1 &#8212; &quot;kebebasan&quot; &copy 2024 &notin; &#x1F600;.</p>
<!-- <p>ulasan tersembunyi</p> -->
<template><p>templat tidak dipaparkan</p></template>
<p>%s<br>%s</p>
<ul><li>Senarai pertama yang bukan pautan.</li><li>Senarai kedua.</li></ul>
<table><tr><th>Perkara</th><th>Tajuk</th></tr><tr><td>1</td><td>Kebebasan</td></tr></table>
<pre>  baris   satu
  baris   dua</pre>
<div hidden>teks tersembunyi</div><div style="display: none">juga tersembunyi</div>
<p>Baca juga: <a href="/a">Berita satu yang panjang tajuknya</a> <a href="/b">Berita dua</a></p>
</article>
<aside><h2>Popular</h2><p>Berita popular minggu ini yang tidak berkaitan.</p></aside>
</main>
<footer><p>Hak cipta 2024 Berita Contoh. Semua hak terpelihara.</p></footer>
<script>window.dataLayer = [];</script>
</body></html>
""" % (UDHR[0].title(), UDHR[2], UDHR[3], UDHR[4], UDHR[5])

LATIN1 = ("""<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">
<title>Kafe</title></head><body>
<h1>Caf\u00e9 \u201cLama\u201d</h1>
<p>%s</p>
<p>Harga: \u00a35 \u2013 menu na\u00efve.</p>
</body></html>
""" % UDHR[6]).encode("cp1252")

CHUNKED_GZ = ("""<html><body><div class="content"><p>%s</p><p>%s</p></div></body></html>""" %
              (UDHR[7], UDHR[8])).encode()

GB = ("""<html><head><meta charset="gb2312"></head><body>
<p>\u9a6c\u6765\u897f\u4e9a\u662f\u4e00\u4e2a\u56fd\u5bb6\u3002</p>
</body></html>
""").encode("gb18030")

UNDECLARED = ("""<html><body><p>%s</p><p>Kafe \u00e0 la carte, r\u00e9sum\u00e9, na\u00efve,
\u00e9l\u00e8ve, cr\u00e8me br\u00fbl\u00e9e, fa\u00e7ade, d\u00e9j\u00e0 vu: perkataan pinjaman
Perancis dalam teks Melayu dan Inggeris yang d\u00e9cor\u00e9, \u00e0 propos.</p></body></html>
""" % UDHR[9]).encode("cp1252")

BOM = b"\xef\xbb\xbf" + ("""<html><body><p>Tanda BOM: \u00e9 \u0101</p></body></html>""").encode()

PLAIN = ("%s\n\n%s\n" % (UDHR[10], UDHR[11])).encode()


def pages():
    recs = []
    recs.append(record("warcinfo", b"software: ayak gen-fixtures.py\r\nformat: WARC File Format 1.1\r\n",
                       ctype="application/warc-fields", extra=["WARC-Filename: pages.warc.gz"]))
    recs.append(response("https://berita.example.my/2024/hak-asasi", ARTICLE.encode(),
                         ["Content-Type: text/html; charset=UTF-8", "Content-Length: %d" % len(ARTICLE.encode())]))
    recs.append(record("request", b"GET /2024/hak-asasi HTTP/1.1\r\nHost: berita.example.my\r\n\r\n",
                       "https://berita.example.my/2024/hak-asasi", "application/http; msgtype=request"))
    recs.append(record("metadata", b"fetchTimeMs: 120\r\n", "https://berita.example.my/2024/hak-asasi",
                       "application/warc-fields"))
    recs.append(response("http://lama.example.my/", LATIN1, ["Content-Type: text/html"]))
    recs.append(response("https://chunked.example.my/", chunked(gz_member(CHUNKED_GZ)),
                         ["Content-Type: text/html", "Transfer-Encoding: chunked", "Content-Encoding: gzip"]))
    recs.append(response("https://tiada.example.my/", b"<html><body><p>Tiada</p></body></html>",
                         ["Content-Type: text/html"], "404 Not Found"))
    recs.append(response("https://gambar.example.my/logo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
                         ["Content-Type: image/png"]))
    recs.append(record("resource", PLAIN, "https://teks.example.my/nota.txt", "text/plain; charset=utf-8"))
    recs.append(response("https://cina.example.my/", GB, ["Content-Type: text/html"]))
    recs.append(response("https://kesan.example.my/", UNDECLARED, ["Content-Type: text/html"]))
    recs.append(record("revisit", http(b"", ["Content-Type: text/html"]), "https://berita.example.my/2024/hak-asasi",
                       "application/http; msgtype=response",
                       ["WARC-Profile: http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"]))
    recs.append(response("https://bom.example.my/", BOM, ["Content-Type: text/html; charset=iso-8859-1"]))
    recs.append(response("https://deflate.example.my/nota.txt", zlib.compress(PLAIN),
                         ["Content-Type: text/plain; charset=utf-8", "Content-Encoding: deflate"]))
    recs.append(response("http://pendek.example.my/", b"<p>Ya.</p>", ["Content-Type: text/html"]))
    return recs


def wet():
    recs = [record("warcinfo", b"isPartOf: ayak-fixtures\r\n", ctype="application/warc-fields", version="1.0")]
    for i, lang in ((12, "msa"), (13, "msa,eng"), (14, None)):
        extra = ["WARC-Refers-To: %s" % rid(), "WARC-Block-Digest: sha1:AAAA"]
        if lang:
            extra.append("WARC-Identified-Content-Language: %s" % lang)
        recs.append(record("conversion", (UDHR[i] + "\n" + UDHR[i + 10] + "\n").encode(),
                           "https://wet.example.my/%d" % i, "text/plain", extra, "1.0"))
    recs.append(record("conversion", b" \n \n", "https://wet.example.my/kosong", "text/plain", (), "1.0"))
    return recs


def conv(text, url, delta=0, length=None):
    b = text.encode()
    return record("conversion", b, url, "text/plain", (), "1.0",
                  -1 if length == -1 else len(b) + delta)


def damaged():
    """Plain WARC with damage between good records (see README.md)."""
    out = []
    out.append(record("warcinfo", b"isPartOf: ayak-damaged\r\n", ctype="application/warc-fields", version="1.0"))
    out.append(conv("Rekod A baik.\n", "https://rosak.example.my/a"))
    out.append(conv("Rekod B: Content-Length terlalu besar.\n", "https://rosak.example.my/b", 50))
    out.append(conv("Rekod C baik.\n", "https://rosak.example.my/c"))
    out.append(conv("Rekod tanpa Content-Length.\n", "https://rosak.example.my/x", length=-1))
    out.append(conv("Rekod D baik.\n", "https://rosak.example.my/d"))
    out.append(conv("Rekod F: Content-Length terlalu kecil.\n", "https://rosak.example.my/f", -10))
    out.append(conv("Rekod G baik.\n", "https://rosak.example.my/g"))
    h = conv("Rekod H terpotong di hujung fail.\n", "https://rosak.example.my/h")
    out.append(h[:-20])
    return out


def main():
    recs = pages()
    with open("pages.warc.gz", "wb") as f:
        for r in recs:
            f.write(gz_member(r))
    with open("pages.wet", "wb") as f:
        f.write(b"".join(wet()))
    d = damaged()
    with open("damaged.warc", "wb") as f:
        f.write(b"".join(d))
    # Per-record gzip: the third member corrupt inside its deflate data, the last one cut short.
    members = [gz_member(r) for r in [d[0], d[1], d[3], d[5], d[7]]]
    bad = bytearray(members[2])
    for i in range(20, 32):
        bad[i] ^= 0x5A
    members[2] = bytes(bad)
    members.append(gz_member(d[1])[:30])
    with open("damaged.warc.gz", "wb") as f:
        f.write(b"".join(members))


if __name__ == "__main__":
    main()
