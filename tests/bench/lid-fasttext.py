#!/usr/bin/env python3
"""fastText's training file: the texts ayak-lid's model trains on, all of them.

  lid-fasttext.py TRAIN.fasttext APERTIUM.jsonl OUT.fasttext

TRAIN.fasttext holds the training split as "__label__L text" lines (lid-data.py,
lid-heldout.py); APERTIUM.jsonl the Indonesian translations that lid-train.sh adds to
them (lid-apertium.py).  OUT gets both, written the same way (the text's whitespace
runs as single spaces), in one shuffled order: fastText reads its file in order, each
thread from its own offset, so the translations are not left to the last minutes of
an epoch.  The order is random.Random(1)'s, the same on every run.  Prints a line of
counts.  Only the Python standard library is used.
"""
import json, random, sys


def main():
    if len(sys.argv) != 4:
        sys.exit('usage: lid-fasttext.py TRAIN.fasttext APERTIUM.jsonl OUT.fasttext')
    train, apertium, out = sys.argv[1:]
    with open(train, encoding='utf-8') as f:
        lines = f.readlines()
    ntrain = len(lines)
    with open(apertium, encoding='utf-8') as f:
        for line in f:
            r = json.loads(line)
            lines.append('__label__%s %s\n' % (r['label'], ' '.join(r['text'].split())))
    random.Random(1).shuffle(lines)
    with open(out, 'w', encoding='utf-8') as f:
        f.writelines(lines)
    print('%d texts: %d of the training split, %d of Apertium' % (len(lines), ntrain, len(lines) - ntrain))


if __name__ == '__main__':
    main()
