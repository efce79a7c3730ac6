#!/usr/bin/env python3
"""Make the tokenizer fixtures of tests/data/tok from tests/data/sample.jsonl.

  tests/data/tok/make-fixtures.py            (from the repository root, after make)

bytelevel/tokenizer.json  ayak-tok --train --vocab-size 600 on sample.jsonl (byte-level BPE, a
                          Split pre-tokenizer with the cl100k/Llama-3 regex, merges as ["a","b"])
sp/tokenizer.json         a SentencePiece-style BPE trained here: characters, spaces as U+2581,
                          byte fallback <0x00>..<0xFF>, <unk> <s> </s>, Prepend and Replace
                          normalizers, TemplateProcessing adding <s>, merges as "a b"
metaspace/tokenizer.json  sp/ with the Metaspace pre-tokenizer instead of the normalizers
The expected IDs (expected-NAME.txt) come from tokenizers.js through ../shared/bin/ref-encode.mjs:
  node ../shared/bin/ref-encode.mjs tests/data/tok/NAME/tokenizer.json < tests/data/tok/input.jsonl
"""
import collections, json, os, subprocess, sys

here = os.path.dirname(os.path.abspath(__file__))
top = os.path.normpath(os.path.join(here, '..', '..', '..'))
sample = os.path.join(top, 'tests', 'data', 'sample.jsonl')
os.makedirs(os.path.join(here, 'bytelevel'), exist_ok=True)
subprocess.run([os.environ.get('AYAK_TOK', os.path.join(top, 'bin', 'ayak-tok')), '--train', '--vocab-size', '600',
                '-o', os.path.join(here, 'bytelevel', 'tokenizer.json'), sample], check=True)

M = '\u2581'
texts = [json.loads(l)['text'] for l in open(sample, encoding='utf-8')]
texts = [t for t in texts if all(ord(c) < 0x250 for c in t)]	# Latin lines only: Jawi falls back to bytes
words = collections.Counter()
for t in texts:
    for w in (M + t.replace(' ', M)).split(M):
        if w:
            words[M + w] += 1
chars = collections.Counter(c for w, n in words.items() for c in w for _ in range(n))
vocab = {'<unk>': 0, '<s>': 1, '</s>': 2}
for b in range(256):
    vocab['<0x%02X>' % b] = len(vocab)
for c, n in sorted(chars.items(), key=lambda x: (-x[1], x[0])):
    if n >= 2:
        vocab[c] = len(vocab)
segs = {w: [c for c in w] for w in words}
merges = []
while len(vocab) < 700:
    pairs = collections.Counter()
    for w, s in segs.items():
        for a, b in zip(s, s[1:]):
            if a in vocab and b in vocab:
                pairs[a, b] += words[w]
    if not pairs:
        break
    (a, b), n = min(pairs.items(), key=lambda x: (-x[1], x[0]))
    if n < 2:
        break
    merges.append(a + ' ' + b)
    vocab.setdefault(a + b, len(vocab))
    for w, s in segs.items():
        out, i = [], 0
        while i < len(s):
            if i + 1 < len(s) and s[i] == a and s[i + 1] == b:
                out.append(a + b)
                i += 2
            else:
                out.append(s[i])
                i += 1
        segs[w] = out

def added(i, c):
    return {'id': i, 'content': c, 'single_word': False, 'lstrip': False, 'rstrip': False,
            'normalized': False, 'special': True}

sp = {
    'version': '1.0', 'truncation': None, 'padding': None,
    'added_tokens': [added(0, '<unk>'), added(1, '<s>'), added(2, '</s>')],
    'normalizer': {'type': 'Sequence', 'normalizers': [{'type': 'Prepend', 'prepend': M},
                                                       {'type': 'Replace', 'pattern': {'String': ' '}, 'content': M}]},
    'pre_tokenizer': None,
    'post_processor': {'type': 'TemplateProcessing',
                       'single': [{'SpecialToken': {'id': '<s>', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}}],
                       'pair': [{'SpecialToken': {'id': '<s>', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}},
                                {'SpecialToken': {'id': '<s>', 'type_id': 1}}, {'Sequence': {'id': 'B', 'type_id': 1}}],
                       'special_tokens': {'<s>': {'id': '<s>', 'ids': [1], 'tokens': ['<s>']}}},
    'decoder': {'type': 'Sequence', 'decoders': [{'type': 'Replace', 'pattern': {'String': M}, 'content': ' '},
                                                 {'type': 'ByteFallback'}, {'type': 'Fuse'},
                                                 {'type': 'Strip', 'content': ' ', 'start': 1, 'stop': 0}]},
    'model': {'type': 'BPE', 'dropout': None, 'unk_token': '<unk>', 'continuing_subword_prefix': None,
              'end_of_word_suffix': None, 'fuse_unk': True, 'byte_fallback': True, 'vocab': vocab,
              'merges': merges},
}
for name, t in (('sp', sp),):
    os.makedirs(os.path.join(here, name), exist_ok=True)
    with open(os.path.join(here, name, 'tokenizer.json'), 'w', encoding='utf-8') as f:
        json.dump(t, f, ensure_ascii=False)
ms = dict(sp)
ms['normalizer'] = None
ms['pre_tokenizer'] = {'type': 'Metaspace', 'replacement': M, 'prepend_scheme': 'first', 'split': False}
ms['decoder'] = {'type': 'Metaspace', 'replacement': M, 'prepend_scheme': 'first', 'split': False}
os.makedirs(os.path.join(here, 'metaspace'), exist_ok=True)
with open(os.path.join(here, 'metaspace', 'tokenizer.json'), 'w', encoding='utf-8') as f:
    json.dump(ms, f, ensure_ascii=False)
print('vocab %d, merges %d' % (len(vocab), len(merges)), file=sys.stderr)
