#!/usr/bin/env bash
test_description='the locale (LANG, LC_ALL, LC_NUMERIC...) and TZ do not change any output'
. "$(dirname "$0")/../lib.sh"

# Turkish, Azeri and Lithuanian casing, German sharp s, Greek final sigma, and decimal numbers.
cat >in.jsonl <<\EOF
{"id":"1","url":"https://contoh.my/a","text":"İSTANBUL'DA IŞIK. ışık İnsan DİYARBAKIR Iİıi ŞƏKİ Ğğ ĮĖ Ì i̇̀ STRASSE Straße ẞ ΟΔΥΣΣΕΥΣ σίσυφος. Harga RM12,50 atau 3.5 jam.","score":1.5}
{"id":"2","url":"https://contoh.my/b","text":"Kerajaan Malaysia mengumumkan bahawa kadar inflasi naik 2,5 peratus pada bulan lepas. Menteri berkata rakyat tidak perlu bimbang kerana harga barang keperluan akan dikawal. Emel: ali@contoh.my, tel 012-345 6789.","score":0.25}
EOF

run_all () {
	ayak-norm --case-fold --strip-accents --punct in.jsonl >"$1.norm" &&
	ayak-lid --top 3 --annotate --threshold 0.5 in.jsonl >"$1.lid" &&
	ayak-filter --annotate --redact-pii --max-avg-word-length 7.5 in.jsonl >"$1.filter" &&
	ayak-dedup --annotate --canon case --verify --threshold 0.5 --keep max:score in.jsonl >"$1.dedup" &&
	ayak-tok --words --sentences --offsets --split-clitics in.jsonl >"$1.tok" &&
	ayak-tok -t "$AYAK_TOP/lexicons/tok/ms-bpe-32k.json" in.jsonl >"$1.ids" &&
	ayak-stats -f json in.jsonl >"$1.stats" &&
	SOURCE_DATE_EPOCH=1700000000 ayak-stats --timestamp -f html in.jsonl >"$1.html"
}

test_expect_success 'the outputs in C.UTF-8' '
	run_all base
'

for loc in tr_TR.UTF-8 az_AZ.UTF-8 lt_LT.UTF-8 de_DE.UTF-8 fr_FR.UTF-8 ja_JP.eucJP POSIX; do
	# installed: locale(1) then sets it without a word on stderr
	command -v locale >/dev/null && test -z "$(LC_ALL=$loc locale 2>&1 >/dev/null)" &&
		test_set_prereq "LOC_$loc"
	test_expect_success "LOC_$loc" "the same outputs with LANG and LC_ALL $loc, TZ far east" '
		(
			export LANG=$loc LC_ALL=$loc LC_NUMERIC=$loc TZ=Pacific/Kiritimati &&
			run_all $loc
		) &&
		for f in base.*; do test_cmp "$f" "$loc.${f#base.}" || return 1; done
	'
done

test_done
