#!/usr/bin/env python3
"""Remake tests/data/stats/records.jsonl from tests/data/sample.jsonl (run from the repository root)."""
import json

sample = {r["id"]: r["text"] for r in map(json.loads, open("tests/data/sample.jsonl", encoding="utf-8"))}

# (id, text or sample id, url, lang, lang_score); None leaves the field out.
rows = [
    ("s1", "cv-1", "https://www.berita.example/2024/01/telefon", "zsm_Latn", 0.9731),
    ("s2", "cv-3", "https://berita.example/resepi/ayam", "zsm_Latn", 0.8810),
    ("s3", "cv-5", "http://WWW.Berita.Example:8080/tanya?x=1", "zsm_Latn", 0.9120),
    ("s4", "cv-10", "https://forum.example.my/t/pantun", "zsm_Latn", 0.9954),
    ("s5", "cv-14", "https://forum.example.my/t/sakit", "zsm_Latn", 0.7420),
    ("s6", "cv-21", "https://user:pw@blog.example.org/cerita#atas", "zsm_Latn", 0.6650),
    ("s7", "cv-41", "//forum.example.my/t/kereta", "zsm_Latn", 0.9500),
    ("s8", "udhr-mly_latn-1", "https://hak.example.org/udhr", "zsm_Latn", 1),
    ("s9", "udhr-mly_latn-5", "https://hak.example.org/udhr/5", "zsm_Latn", 0.9999),
    ("s10", "udhr-mly_latn-15", "https://hak.example.org/udhr/15", "zsm_Latn", 0.9876),
    ("s11", "udhr-mly_arab-1", "https://jawi.example/udhr", "zsm_Arab", 0.9990),
    ("s12", "udhr-mly_arab-2", "https://jawi.example/udhr/2", "zsm_Arab", 0.4100),
    ("s13", "Saya sudah membeli buku itu kemarin di toko dekat kantor.",
     "https://kabar.example.id/buku", "ind_Latn", 0.8120),
    ("s14", "Mereka tidak bisa datang karena hujan deras sejak pagi.",
     "https://kabar.example.id/hujan", "ind_Latn", 0.5530),
    ("s15", "The market opens at eight and closes before the evening prayer.",
     "https://news.example.com/market", "eng_Latn", 0.9900),
    ("s16", "Kedai kopi itu dah tutup, jom pergi tempat lain.",
     "https://Kedai&Co.example/<menu>", "zsm_Latn", 0.3010),
    ("s17", "Baris pertama.\nBaris kedua\u00a0dengan ruang.\tTab \"petikan\".",
     "https:\/\/berita.example\/escape", "zsm_Latn", 0.8000),
    ("s18", "Tiada URL untuk rekod ini.", None, "zsm_Latn", 0.7000),
    ("s19", "Rekod ini belum dilabel.", "https://berita.example/tiada-lang", None, None),
    ("s20", "", "mailto:someone", "und", 0.0),
]

with open("tests/data/stats/records.jsonl", "w", encoding="utf-8") as f:
    for rid, text, url, lang, score in rows:
        rec = {"id": rid, "text": sample.get(text, text)}
        if url is not None:
            rec["url"] = url
        if lang is not None:
            rec["lang"] = lang
        if score is not None:
            rec["lang_score"] = score
        line = json.dumps(rec, ensure_ascii=False, separators=(",", ":"))
        # keep one escaped URL as written above (JSON allows "\/")
        line = line.replace("https:\\\\/\\\\/berita.example\\\\/escape", "https:\\/\\/berita.example\\/escape")
        line = line.replace("\u00a0", "\\u00a0")  # one escaped character
        f.write(line + "\n")
