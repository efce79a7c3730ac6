#!/usr/bin/env python3
"""filter-ref.py: datatrove's quality formulas in Python, to check ayak-filter.

Reads the output of `ayak-filter --annotate` (JSON lines: the text the rules
saw, and the "filter" object with the values they tested), recomputes every
value with a transcription of datatrove's GopherRepetitionFilter,
FineWebQualityFilter and GopherQualityFilter (huggingface/datatrove,
src/datatrove/pipeline/filters/) over a Python port of ayak-filter's word
tokenizer, and counts the records where a value differs.

    ayak-filter --annotate --profile zsm_Latn in.jsonl | filter-ref.py STOPWORDS_FILE

Prints "records N, values compared M, differences D" and the first few
differences.  Exit status 0 when there are none, 1 otherwise.  Needs only
the standard library.
"""
import json
import re
import sys
import unicodedata
from collections import Counter

# datatrove/utils/text.py PUNCTUATION
PUNCTUATION = "!/—”:％１〈&(、━\\【#%「」，】；+^]~“《„';’{|∶´[=-`*．（–？！：$～«〉,><》)?）。…@_.\"}►»" + "".join(
    map(chr, (x for a, b in ((0, 9), (11, 13), (13, 32), (127, 160)) for x in range(a, b)))
)
PUNCTUATION_SET = set(PUNCTUATION)


# ---- ayak-filter's tokenizer (src/lib/filter-text.c), ported ----

def is_word_char(ch):
    return unicodedata.category(ch)[0] in "LMN"


def char_class(ch):
    if ch.isspace():
        return "space"
    if ch.isascii():
        if ch.isalnum():
            return "word"
        if ch in "-'_@&":
            return "join"
        if ch == ",":
            return "comma"
        if ch == ".":
            return "dot"
        return "punct"
    if is_word_char(ch):
        return "word"
    if ch == "\u2019":
        return "join"
    return "punct"


URL_START = re.compile(r"(?i)(?:https?://|www\.)")
URL_TRAIL = set(".,;:!?)]}'\">") | {"\u00bb", "\u201d", "\u2019"}


def tokenize(text):
    tokens = []
    i, n = 0, len(text)
    at_start = True
    while i < n:
        ch = text[i]
        cl = char_class(ch)
        if cl == "space":
            i += 1
            at_start = True
            continue
        if at_start and ch in "hHwW" and URL_START.match(text, i):
            m = URL_START.match(text, i)
            # the C code wants at least one byte after the prefix
            if len(text[i:].encode()) > len(m.group(0)):
                e = i
                while e < n and not text[e].isspace():
                    e += 1
                nxt = e
                while e > i and text[e - 1] in URL_TRAIL:
                    e -= 1
                tokens.append(text[i:e])
                tokens.extend(text[e:nxt])
                i = nxt
                continue
        at_start = False
        if cl == "word":
            b = i
            i += 1
            while i < n:
                k2 = char_class(text[i])
                if k2 == "word":
                    i += 1
                    continue
                if k2 not in ("join", "dot", "comma") or i + 1 >= n:
                    break
                if char_class(text[i + 1]) != "word":
                    break
                if k2 == "comma" and not (text[i - 1] in "0123456789" and text[i + 1] in "0123456789"):
                    break
                i += 2
            tokens.append(text[b:i])
            continue
        if cl == "dot":
            b = i
            while i < n and text[i] == ".":
                i += 1
            tokens.append(text[b:i])
            continue
        tokens.append(ch)
        i += 1
    return tokens


# ---- datatrove's filters, the values they compare ----

def find_duplicates(x):
    unique_x = set()
    duplicate_chars = 0
    duplicate_elements = 0
    for element in x:
        if element in unique_x:
            duplicate_chars += len(element)
            duplicate_elements += 1
        else:
            unique_x.add(element)
    return duplicate_elements, duplicate_chars


def find_top_duplicate(x):
    counter = Counter()
    for element in x:
        counter[element] += 1
    top_n_gram = counter.most_common(1)[0]
    return len(top_n_gram[0]) * top_n_gram[1]


def find_all_duplicate(words, n):
    n_words = len(words)
    unique = set()
    repeated_chars, idx = 0, 0
    while idx < n_words - n + 1:
        n_gram = "".join(words[idx: idx + n])
        if n_gram in unique:
            repeated_chars += len(n_gram)
            idx += n
        else:
            unique.add(n_gram)
            idx += 1
    return repeated_chars


def values(text, stop_words):
    v = {}
    words = tokenize(text)
    # Gopher repetition
    paragraphs = re.split(r"\n{2,}", text.strip())
    d, c = find_duplicates(paragraphs)
    v["dup_paras"] = d / len(paragraphs)
    v["dup_para_chars"] = c / len(text)
    lines = re.split("\n+", text)
    d, c = find_duplicates(lines)
    v["dup_lines"] = d / len(lines)
    v["dup_line_chars"] = c / len(text)
    for n in (2, 3, 4):
        n_grams = [" ".join(words[i: i + n]) for i in range(len(words) - n + 1)]
        if n_grams:
            v["top_%d_gram" % n] = find_top_duplicate(n_grams) / len(text)
    for n in range(5, 11):
        v["dup_%d_gram" % n] = find_all_duplicate(words, n) / len(text)
    # FineWeb quality
    stop_chars = (".", "'", '"', "!", "?")
    flines = text.split("\n")
    v["line_punct"] = sum(1 for line in flines if line.endswith(stop_chars)) / len(flines)
    v["short_lines"] = sum(1 for line in flines if len(line) <= 30) / len(flines)
    non_empty = [line for line in flines if line.strip() != ""]
    denom = len(text.replace("\n", ""))
    v["char_dup"] = find_duplicates(non_empty)[1] / denom if denom else 0
    v["new_lines"] = text.count("\n") / len(words)
    # Gopher quality
    n_words = len(words)
    non_symbol = [w for w in words if any(ch not in PUNCTUATION_SET for ch in w)]
    v["words"] = len(non_symbol)
    if non_symbol:
        v["mean_word_length"] = sum(len(w) for w in non_symbol) / len(non_symbol)
    v["hash_ratio"] = text.count("#") / n_words
    v["ellipsis_ratio"] = (text.count("...") + text.count("…")) / n_words
    glines = text.splitlines()
    v["bullet_lines"] = sum(s.lstrip().startswith("•") or s.lstrip().startswith("-") for s in glines) / len(glines)
    v["ellipsis_lines"] = sum(s.rstrip().endswith("...") or s.rstrip().endswith("…") for s in glines) / len(glines)
    v["alpha_words"] = sum(any(c.isalpha() for c in w) for w in words) / n_words
    v["stopwords"] = sum(w in stop_words for w in words)
    return v


def same(a, b):
    """ayak prints each value with the digits that read back as it: equal, exactly."""
    return float(a) == float(b)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: filter-ref.py STOPWORDS_FILE < annotated.jsonl")
    stop_words = set()
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                stop_words.add(line)
    records = compared = diffs = 0
    shown = 0
    for line in sys.stdin:
        rec = json.loads(line)
        ann = rec.get("filter")
        if not ann or ann.get("reason") == "empty":
            continue
        records += 1
        mine = ann["values"]
        ref = values(rec["text"], stop_words)
        for key, val in mine.items():
            if key not in ref:
                continue
            compared += 1
            if not same(val, ref[key]):
                diffs += 1
                if shown < 10:
                    shown += 1
                    print("differs: %s %s: ayak %r, reference %r" % (rec.get("id", rec.get("url", records)), key, val, ref[key]))
    print("records %d, values compared %d, differences %d" % (records, compared, diffs))
    sys.exit(1 if diffs else 0)


if __name__ == "__main__":
    main()
