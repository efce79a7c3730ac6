#!/usr/bin/env python3
"""Compare ayak-tok's IDs with a reference's, document by document.

  tok-compare.py CORPUS.jsonl REF.txt AYAK.jsonl [FIELD]

CORPUS has {"id","group","text"} lines; REF has one JSON array of IDs a line
(../shared/bin/ref-encode.mjs); AYAK has ayak-tok's records, with the IDs in
FIELD (default ids).  Prints one line, "docs N mismatches M", then up to three
mismatching documents with the first position where the IDs differ.  Exit
status 0 when all agree, 1 when some do not, 2 when the files do not line up.
"""
import json, sys

corpus, ref, ours = sys.argv[1:4]
field = sys.argv[4] if len(sys.argv) > 4 else 'ids'
bad = []
n = 0
with open(corpus, encoding='utf-8') as fc, open(ref, encoding='utf-8') as fr, open(ours, encoding='utf-8') as fo:
    for c, r, o in zip(fc, fr, fo):
        n += 1
        doc = json.loads(c)
        want = json.loads(r)
        got = json.loads(o)[field]
        if want != got:
            k = next((i for i, (x, y) in enumerate(zip(want, got)) if x != y), min(len(want), len(got)))
            bad.append((doc.get('id'), doc.get('group'), k, want[k:k + 5], got[k:k + 5], len(want), len(got)))
    rest = [f.readline() for f in (fc, fr, fo)]
if any(rest):
    print('docs %d: the files do not have the same number of lines' % n)
    sys.exit(2)
print('docs %d mismatches %d' % (n, len(bad)))
for b in bad[:3]:
    print('  %s (%s): first difference at token %d: reference %s... ayak %s... (%d vs %d tokens)' % b)
sys.exit(1 if bad else 0)
