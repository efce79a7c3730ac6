#!/usr/bin/env python3
"""Held-out sources: how ayak-lid does on text from sources it never saw.

  lid-heldout.py LIDDIR OUTDIR

The development split of lid-data.py (LIDDIR: train.jsonl, dev-sent.jsonl) holds
other documents of the same source files as training, so it says how a model does
on more text like its training text.  The reserved benchmarks (FLORES-200, Tatoeba)
come from elsewhere.  This makes a harder test: a training set without seven
Malaysian and Indonesian sources, and a test set of those sources' sentences.
Writes in OUTDIR:

  train.jsonl     LIDDIR/train.jsonl without the held-out sources
  train.fasttext  the same as "__label__L text" lines, for fastText
  test.jsonl      the held-out sources' sentences: the development sentences, and
                  the training units of one sentence (no ". X" inside, 300
                  characters at most, 3 words or more), each text once, and none
                  whose normalized text (lower case, letters and digits) is also
                  a training text
  test.txt        test.jsonl's texts, one per line, for fastText

The held-out sources are one formal and one informal source on each side (and the
small Common Voice set): none of them is one of the relabelled files, so their
labels are as their makers gave them.  Only the Python standard library is used.
"""
import json, os, re, sys

HELD_OUT = (
    'ud-indonesian-gsd/',                      # ind: Wikipedia and news, treebank
    'lingua-testdata/sentences/id.txt',        # ind: Leipzig web and news sentences
    'indonlu/emot_emotion-twitter',            # ind: tweets
    'malaysian-dataset-extra/news_sentences.zsm.txt',      # zsm: news
    'malaysian-dataset/karangan_sekolah.txt',  # zsm: school essays
    'malaysian-dataset-extra/tweets_malaysia.zsm.txt',     # zsm: tweets
    'common-voice/',                           # zsm: read sentences
)
MSA_TWO = ('zsm_Latn', 'ind_Latn')
WORD = re.compile(r"[^\W\d_]+")
INNER_END = re.compile(r"[.!?]\s+[A-Z]")


def norm_key(t):
    return ''.join(ch for ch in t.lower() if ch.isalnum())


def one_sentence(t):
    return ('\n' not in t and len(t) <= 300 and not INNER_END.search(t)
            and len(WORD.findall(t)) >= 3)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    src_dir, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    # the training texts' keys: a held-out sentence also found elsewhere is not unseen
    seen = set()
    with open(os.path.join(src_dir, 'train.jsonl'), encoding='utf-8') as f:
        for line in f:
            r = json.loads(line)
            if not r['src'].startswith(HELD_OUT):
                seen.add(norm_key(r['text']))
    n_train = n_test = 0
    with open(os.path.join(src_dir, 'train.jsonl'), encoding='utf-8') as f, \
         open(os.path.join(out, 'train.jsonl'), 'w', encoding='utf-8') as tr, \
         open(os.path.join(out, 'train.fasttext'), 'w', encoding='utf-8') as ft, \
         open(os.path.join(out, 'test.jsonl'), 'w', encoding='utf-8') as te, \
         open(os.path.join(out, 'test.txt'), 'w', encoding='utf-8') as tt:
        def test(r):
            nonlocal n_test
            key = norm_key(r['text'])
            if r['label'] in MSA_TWO and key not in seen:
                seen.add(key)
                te.write(json.dumps(r, ensure_ascii=False) + '\n')
                tt.write(' '.join(r['text'].split()) + '\n')
                n_test += 1
        for line in f:
            r = json.loads(line)
            if r['src'].startswith(HELD_OUT):
                if one_sentence(r['text']):
                    test(r)
            else:
                tr.write(line)
                ft.write('__label__%s %s\n' % (r['label'], ' '.join(r['text'].split())))
                n_train += 1
        with open(os.path.join(src_dir, 'dev-sent.jsonl'), encoding='utf-8') as d:
            for line in d:
                r = json.loads(line)
                if r['src'].startswith(HELD_OUT):
                    test(r)
    print('%d training texts, %d held-out sentences' % (n_train, n_test))


if __name__ == '__main__':
    main()
