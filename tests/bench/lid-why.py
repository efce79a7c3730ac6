#!/usr/bin/env python3
"""The words behind ayak-lid's Malaysian/Indonesian errors.

Usage: lid-why.py [--top K] PRED.jsonl

PRED.jsonl is ayak-lid --explain output over labelled records (fields label,
src, lang, lang_why; --explain large enough to list every item).  For the
zsm_Latn texts called ind_Latn and the ind_Latn texts called zsm_Latn, prints
the K words and pairs of words whose shares pushed them that way most, summed
over those texts (nats), with the number of texts, and the sources of the
texts.  A word that a source selected its texts by, or label noise (an
Indonesian word in a Malaysian source), shows at the top.
"""
import argparse
import collections
import json
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("pred")
    a = ap.parse_args()
    # (gold, called) -> item -> [nats, texts]; and -> source -> texts
    push = {("ind_Latn", "zsm_Latn"): collections.defaultdict(lambda: [0.0, 0]),
            ("zsm_Latn", "ind_Latn"): collections.defaultdict(lambda: [0.0, 0])}
    sources = {k: collections.Counter() for k in push}
    unexplained = 0
    with open(a.pred, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            key = (r.get("label"), r.get("lang"))
            if key not in push:
                continue
            why = r.get("lang_why")
            if not why:
                unexplained += 1
                continue
            sources[key][r.get("src", "?")] += 1
            sign = 1 if key[1] == "zsm_Latn" else -1
            for text, nats, _count in why["words"]:
                if nats * sign > 0:
                    e = push[key][text]
                    e[0] += nats
                    e[1] += 1
    for key, items in push.items():
        n = sum(sources[key].values())
        print(f"{key[0]} called {key[1]}: {n} texts; the items that pushed them there most "
              f"(nats summed over them, texts)")
        top = sorted(items.items(), key=lambda kv: (-abs(kv[1][0]), kv[0]))[:a.top]
        for text, (nats, texts) in top:
            print(f"  {text:28} {nats:9.1f} {texts:6d}")
        print("  from: " + ", ".join(f"{s} {c}" for s, c in sources[key].most_common(4)))
        print()
    if unexplained:
        print(f"({unexplained} errors without lang_why: no Latin word the model reads)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
