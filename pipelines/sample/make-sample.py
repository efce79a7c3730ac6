#!/usr/bin/env python3
"""Build pipelines/sample/: a small crawl of made-up web pages, in WARC (HTML) and WET (text) form.

Usage: pipelines/sample/make-sample.py [SHARED_DATA_DIR]   (default: ../shared/data)

The page texts come from src/ms-articles.txt (written for ayak, CC0) and from the
redistributable rows of shared/data/MANIFEST.md only (see README.md here). The output is
deterministic: run it twice, get the same bytes.
"""
import gzip
import hashlib
import html
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "..", "shared", "data")
SHARDS = 3
DATE0 = 1718841600  # 2024-06-20T00:00:00Z: every record's WARC-Date counts up from here

# Site templates: navigation, "read also" line, share buttons, cookie notice and copyright.
SITES = {
    "zsm": {
        "nav": "Laman Utama | Berita | Sukan | Hiburan | Teknologi | Hubungi Kami",
        "also": "Baca juga: {}",
        "share": "Kongsi artikel ini: Facebook Twitter WhatsApp Telegram",
        "cookie": "Laman web ini menggunakan kuki untuk meningkatkan pengalaman anda. Setuju",
        "copy": "Hak Cipta Terpelihara © 2024 {}",
    },
    "ind": {
        "nav": "Beranda | Berita | Olahraga | Hiburan | Tekno | Kontak",
        "also": "Baca Juga: {}",
        "share": "Bagikan: Facebook Twitter WhatsApp",
        "cookie": "Situs ini menggunakan cookie untuk meningkatkan pengalaman Anda. Setuju",
        "copy": "Hak Cipta Dilindungi Undang-Undang © 2024 {}",
    },
    "eng": {
        "nav": "Home | News | Sport | Business | About | Contact",
        "also": "Read more: {}",
        "share": "Share this: Facebook Twitter WhatsApp",
        "cookie": "We use cookies to improve your experience on our website. Accept",
        "copy": "© 2024 {}. All rights reserved.",
    },
}
SITES["other"] = SITES["eng"]


def read_lines(rel):
    with open(os.path.join(SHARED, rel), encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip()]


def chunks(lines, size):
    return [lines[i:i + size] for i in range(0, len(lines), size)]


def ms_articles():
    arts, cur = [], None
    with open(os.path.join(HERE, "src", "ms-articles.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#"):
                continue
            if line.startswith("== "):
                cur = {"url": line[3:], "paras": []}
                arts.append(cur)
            elif cur is not None and line:
                if "title" not in cur:
                    cur["title"] = line
                else:
                    cur["paras"].append(line)
    return arts


def page(url, title, paras, kind, site_name, also=None):
    return {"url": url, "title": title, "paras": list(paras), "kind": kind,
            "site": site_name, "also": also or title}


def build_pages():
    pages = []
    arts = ms_articles()
    for a in arts:
        host = a["url"].split("/")[2]
        pages.append(page(a["url"], a["title"], a["paras"], "zsm", host))
    # Syndicated copies: the same article on another site (exact duplicates of the text).
    for a in arts[:3]:
        pages.append(page(a["url"].replace("berita.contoh.my", "akhbar.contoh.com.my"),
                          a["title"], a["paras"], "zsm", "berita.contoh.my"))
    # Edited copies: one sentence changed, other links (near duplicates).
    for a in arts[3:5]:
        paras = list(a["paras"])
        paras[-1] = paras[-1] + " Artikel ini dikemas kini pada hari Isnin."
        pages.append(page(a["url"].replace(".contoh.my/", ".contoh.my/arkib/"), a["title"], paras,
                          "zsm", "arkib.contoh.my", also="Berita terkini hari ini"))
    # A page with contact details (PII to redact) and two pages of no prose.
    pages.append(page("https://kedai.contoh.my/hubungi", "Hubungi kedai kami", [
        "Kedai kami dibuka setiap hari dari jam sepuluh pagi hingga sepuluh malam, kecuali pada hari "
        "Jumaat kerana kami berehat untuk solat Jumaat dan makan tengah hari bersama keluarga.",
        "Untuk sebarang pertanyaan tentang tempahan, sila hubungi kami di talian 03-2345 6789 atau "
        "012-345 6789, ataupun hantar emel kepada jualan@kedai.contoh.my dan kami akan membalas dalam "
        "masa dua puluh empat jam bekerja.",
        "Pelanggan yang membuat pembelian melebihi dua ratus ringgit akan menerima penghantaran percuma "
        "ke seluruh Semenanjung Malaysia, manakala penghantaran ke Sabah dan Sarawak dikenakan caj "
        "tambahan mengikut berat barang.",
    ], "zsm", "kedai.contoh.my"))
    pages.append(page("https://promo.contoh.my/menang", "MENANG BESAR", [
        "KLIK SINI", "MENANG WANG TUNAI", "DAFTAR SEKARANG", "PERCUMA", "KLIK SINI", "MENANG WANG TUNAI",
    ], "zsm", "promo.contoh.my"))
    pages.append(page("https://direktori.contoh.my/", "Direktori", [
        "Kedai Runcit", "Bengkel Kereta", "Klinik Gigi", "Kedai Makan", "Dobi Layan Diri",
        "Kedai Buku", "Farmasi", "Kedai Bunga",
    ], "zsm", "direktori.contoh.my"))
    # UDHR in Malay (Latin and Jawi), Indonesian, English, Chinese and Tamil.
    for i, part in enumerate(chunks(read_lines("udhr/mly_latn.txt"), 10)):
        pages.append(page(f"https://hakasasi.contoh.my/deklarasi/{i + 1}",
                          "Perisytiharan Hak Asasi Manusia Sejagat", part, "zsm", "hakasasi.contoh.my"))
    for i, part in enumerate(chunks(read_lines("udhr/mly_arab.txt"), 15)[:4]):
        pages.append(page(f"https://jawi.contoh.my/deklarasi/{i + 1}", part[0], part[1:], "zsm",
                          "jawi.contoh.my"))
    for i, part in enumerate(chunks(read_lines("udhr/ind.txt"), 30)):
        pages.append(page(f"https://ham.contoh.co.id/deklarasi/{i + 1}",
                          "Deklarasi Universal Hak Asasi Manusia", part, "ind", "ham.contoh.co.id"))
    for i, part in enumerate(chunks(read_lines("udhr/eng.txt"), 30)[:2]):
        pages.append(page(f"https://rights.example.org/udhr/{i + 1}",
                          "Universal Declaration of Human Rights", part, "eng", "rights.example.org"))
    for i, part in enumerate(chunks(read_lines("udhr/cmn_hans.txt"), 30)[:2]):
        pages.append(page(f"https://renquan.example.cn/{i + 1}", "世界人权宣言", part, "other",
                          "renquan.example.cn"))
    for i, part in enumerate(chunks(read_lines("udhr/tam.txt"), 20)[:2]):
        pages.append(page(f"https://urimai.example.in/{i + 1}", part[0], part[1:], "other",
                          "urimai.example.in"))
    # Common Voice Malay sentences as forum posts.
    for i, part in enumerate(chunks(read_lines("common-voice/ms.sentence-collector.txt"), 12)):
        pages.append(page(f"https://forum.contoh.my/t/borak-{i + 1}", "Borak santai", part, "zsm",
                          "forum.contoh.my"))
    # NusaX reviews (Indonesian, English) and UD Indonesian GSD sentences.
    for i, part in enumerate(chunks(read_lines("nusax/sentiment_indonesian.train.txt")[:80], 8)):
        pages.append(page(f"https://ulasan.contoh.co.id/halaman/{i + 1}", "Ulasan pelanggan", part, "ind",
                          "ulasan.contoh.co.id"))
    for i, part in enumerate(chunks(read_lines("nusax/sentiment_english.train.txt")[:40], 8)):
        pages.append(page(f"https://reviews.example.com/page/{i + 1}", "Customer reviews", part, "eng",
                          "reviews.example.com"))
    for i, part in enumerate(chunks(read_lines("ud-indonesian-gsd/id_gsd-ud-dev.txt")[:60], 10)):
        pages.append(page(f"https://ensiklopedia.contoh.co.id/artikel/{i + 1}", "Artikel", part, "ind",
                          "ensiklopedia.contoh.co.id"))
    # The UDHR's first Malay page again, word for word, on a mirror (an exact duplicate).
    first = next(p for p in pages if p["url"].endswith("/deklarasi/1") and "hakasasi" in p["url"])
    pages.append(page("https://cermin.contoh.my/hakasasi/deklarasi/1", first["title"], first["paras"],
                      "zsm", "hakasasi.contoh.my"))
    return pages


def wet_text(p):
    t = SITES[p["kind"]]
    lines = [t["nav"], p["title"]] + p["paras"] + [t["also"].format(p["also"]), t["share"], t["cookie"],
                                                  t["copy"].format(p["site"])]
    return "\n".join(lines)


def html_page(p):
    t = SITES[p["kind"]]
    e = html.escape
    nav = "".join(f'<a href="/{i}">{e(x.strip())}</a> ' for i, x in enumerate(t["nav"].split("|")))
    body = "\n".join(f"<p>{e(x)}</p>" for x in p["paras"])
    lang = {"zsm": "ms", "ind": "id", "eng": "en"}.get(p["kind"], "")
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f'<title>{e(p["title"])}</title></head>\n<body>\n<header><nav>{nav}</nav></header>\n'
            f'<main><article><h1>{e(p["title"])}</h1>\n{body}\n</article></main>\n'
            f'<aside><p>{e(t["also"].format(p["also"]))}</p><p>{e(t["share"])}</p></aside>\n'
            f'<div class="cookie-notice">{e(t["cookie"])}</div>\n'
            f'<footer><p>{e(t["copy"].format(p["site"]))}</p></footer>\n</body></html>\n')


def uuid(*parts):
    h = hashlib.sha1("\0".join(parts).encode()).hexdigest()
    return f"<urn:uuid:{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}>"


def warc_record(headers, block):
    head = "WARC/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
    head += f"Content-Length: {len(block)}\r\n\r\n"
    return gzip.compress(head.encode() + block + b"\r\n\r\n", compresslevel=9, mtime=0)


def iso(t):
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def surt(url):
    host, _, path = url.split("://", 1)[1].partition("/")
    return ",".join(reversed(host.split("."))) + ")/" + path


def cdx_lines(name, records, pages, dates):
    """CDX index lines (as Common Crawl's) of the response records of a WARC file."""
    offset, out = len(records[0]), []
    for rec, p, date in zip(records[1:], pages, dates):
        meta = {"url": p["url"], "mime": "text/html", "status": "200", "length": str(len(rec)),
                "offset": str(offset), "filename": "warc/" + name}
        fields = ", ".join(f'"{k}": "{v}"' for k, v in meta.items())
        out.append(f"{surt(p['url'])} {date.replace('-', '').replace(':', '').replace('T', '')[:14]} {{{fields}}}\n")
        offset += len(rec)
    return out


def write_shard(path, name, records, kind):
    info = (f"software: ayak pipelines/sample/make-sample.py\r\nformat: WARC File Format 1.0\r\n"
            f"description: ayak's pipeline sample ({kind}); made-up pages, see README.md\r\n").encode()
    out = [warc_record([("WARC-Type", "warcinfo"), ("WARC-Date", iso(DATE0)),
                        ("WARC-Filename", name), ("WARC-Record-ID", uuid(name, "info")),
                        ("Content-Type", "application/warc-fields")], info)]
    out += records
    with open(path, "wb") as f:
        f.write(b"".join(out))
    return out


def main():
    pages = build_pages()
    random.Random(20241122).shuffle(pages)
    os.makedirs(os.path.join(HERE, "warc"), exist_ok=True)
    os.makedirs(os.path.join(HERE, "wet"), exist_ok=True)
    warc_paths, wet_paths, cdx = [], [], []
    for s in range(SHARDS):
        warc_recs, wet_recs, dates = [], [], []
        for n, p in enumerate(pages[s::SHARDS]):
            date = iso(DATE0 + 3600 * s + n)
            dates.append(date)
            body = html_page(p).encode()
            http = (f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n").encode() + body
            rid = uuid(p["url"], "response")
            warc_recs.append(warc_record([("WARC-Type", "response"), ("WARC-Date", date),
                                          ("WARC-Record-ID", rid), ("WARC-Target-URI", p["url"]),
                                          ("Content-Type", "application/http; msgtype=response")], http))
            text = wet_text(p).encode()
            wet_recs.append(warc_record([("WARC-Type", "conversion"), ("WARC-Target-URI", p["url"]),
                                         ("WARC-Date", date), ("WARC-Record-ID", uuid(p["url"], "conversion")),
                                         ("WARC-Refers-To", rid), ("Content-Type", "text/plain")], text))
        warc_name = f"sample-{s:05d}.warc.gz"
        wet_name = f"sample-{s:05d}.warc.wet.gz"
        written = write_shard(os.path.join(HERE, "warc", warc_name), warc_name, warc_recs, "WARC")
        cdx += cdx_lines(warc_name, written, pages[s::SHARDS], dates)
        write_shard(os.path.join(HERE, "wet", wet_name), wet_name, wet_recs, "WET")
        warc_paths.append("warc/" + warc_name)
        wet_paths.append("wet/" + wet_name)
    for name, paths in (("warc.paths", warc_paths), ("wet.paths", wet_paths)):
        with open(os.path.join(HERE, name), "w") as f:
            f.write("".join(x + "\n" for x in paths))
    with open(os.path.join(HERE, "warc.cdx"), "w") as f:
        f.write("".join(cdx))
    print(f"{len(pages)} pages in {SHARDS} shards", file=sys.stderr)


if __name__ == "__main__":
    main()
