#!/usr/bin/env bash
test_description='ayak-dedup: sharded stages equal one node; reruns; spilling under --memory'
. "$(dirname "$0")/../lib.sh"

F=$TEST_DATA/dedup/dedup.jsonl

# gen N SEED: N records of random words, a tenth exact copies, a tenth near
# copies (one word changed), a twentieth sharing a footer line.
gen () {
	awk -v n="$1" -v seed="$2" 'BEGIN {
		srand(seed)
		nw = split("saya kami kita rumah sekolah pasar jalan kereta bas laut sungai gunung " \
			"hutan bandar kampung negeri kerajaan rakyat menteri polis guru murid buku " \
			"berita makan minum tidur pergi datang pulang kerja baca tulis cakap dengar " \
			"lihat beli jual bina masak hari minggu bulan tahun pagi petang malam esok " \
			"besar kecil tinggi rendah panjang cantik bersih mahal murah cepat lambat " \
			"nasi roti ikan ayam sayur buah kopi teh duit kedai kilang ladang hujan " \
			"panas angin banjir musim cuti sukan bola pasukan juara dan atau tetapi", w, " ")
		for (i = 0; i < n; i++) {
			r = rand()
			if (i > 20 && r < 0.1) {
				t[i] = t[int(rand() * i)]
			} else if (i > 20 && r < 0.2) {
				t[i] = t[int(rand() * i)]
				sub(/ [a-z]+ /, " lain ", t[i])
			} else {
				k = 20 + int(rand() * 80)
				s = w[1 + int(rand() * nw)]
				for (j = 1; j < k; j++)
					s = s " " w[1 + int(rand() * nw)]
				if (rand() < 0.05)
					s = s "\\nHak Cipta Terpelihara"
				t[i] = s
			}
			printf "{\"id\":\"d%d\",\"score\":%d,\"url\":\"https://contoh.my/%d\",\"text\":\"%s\"}\n", \
				i, int(rand() * 100), int(rand() * n), t[i]
		}
	}'
}

# stages DIR PARTS OPTIONS...: run every stage over shard-*.jsonl into DIR,
# the filtered shards concatenated to DIR.out
stages () {
	local dir=$1 parts=$2 i p n=0 f
	shift 2
	for f in shard-*.jsonl; do
		ayak-dedup --stage sign --dir "$dir" --shard $n "$@" "$f" || return 1
		n=$((n + 1))
	done
	for i in $(seq 0 $((n - 1))); do
		ayak-dedup --stage bucket --dir "$dir" --shard $i --parts "$parts" "$@" || return 1
	done
	for p in $(seq 0 $((parts - 1))); do
		ayak-dedup --stage cluster --dir "$dir" --part $p --shards $n "$@" || return 1
	done
	ayak-dedup --stage merge --dir "$dir" --shards $n --parts "$parts" "$@" || return 1
	i=0
	for f in shard-*.jsonl; do
		ayak-dedup --stage filter --dir "$dir" --shard $i --annotate "$@" "$f" || return 1
		i=$((i + 1))
	done >"$dir.out"
}

test_expect_success 'setup: the fixture in 4 shards, 12000 generated records in 5' '
	gen 12000 7 >big.jsonl &&
	test_line_count = 12000 big.jsonl &&
	mkdir small &&
	(cd small && ayak-cat --split 5 --compress none -o shard "$F") &&
	ls small/shard-*.jsonl >list &&
	test_line_count = 4 list &&
	mkdir large &&
	(cd large && ayak-cat --split 2500 --compress none -o shard ../big.jsonl) &&
	ls large/shard-*.jsonl >list &&
	test_line_count = 5 list
'

test_expect_success 'sharded output equals one node (fixture, 4 shards, 3 parts)' '
	(cd small && stages work 3) &&
	ayak-dedup --annotate "$F" >expect &&
	test_cmp expect small/work.out
'

test_expect_success 'sharded equals one node with every mode, ranks and --verify' '
	opts="--mode exact,near,lines,url --line-max 3 --keep max:score --url-keep newest --verify" &&
	(cd small && stages all 2 $opts) &&
	ayak-dedup --annotate $opts "$F" >expect &&
	test_cmp expect small/all.out
'

test_expect_success 'sharded equals one node on 12000 records (5 shards, 7 parts)' '
	(cd large && stages work 7 --mode exact,near,lines) &&
	ayak-dedup --annotate --mode exact,near,lines big.jsonl >expect &&
	test_cmp expect large/work.out &&
	grep -c "\"dedup\":\"near\"" expect >n &&
	test $(cat n) -gt 500
'

test_expect_success 'sharded equals one node on 12000 records with --verify and a keep field' '
	(cd large && stages ver 4 --verify --keep max:score) &&
	ayak-dedup --annotate --verify --keep max:score big.jsonl >expect &&
	test_cmp expect large/ver.out
'

test_expect_success '--memory small enough to spill gives the same result' '
	ayak-dedup --annotate big.jsonl >expect &&
	ayak-dedup --annotate --memory 1M --stats st.json big.jsonl >got &&
	test_cmp expect got &&
	grep -q "\"spilled_runs\":[1-9]" st.json &&
	ayak-dedup --annotate --memory 1M --tmpdir . --mode exact,near,lines,url big.jsonl >got &&
	ayak-dedup --annotate --mode exact,near,lines,url big.jsonl >expect &&
	test_cmp expect got &&
	find . -maxdepth 1 -name "ayak-dedup-*" >left &&
	test_must_be_empty left
'

test_expect_success 'the bucket stage spills too, and one shard equals one node' '
	mkdir one && cp big.jsonl one/shard-00000.jsonl &&
	(cd one &&
	 ayak-dedup --stage sign --dir w --shard 0 shard-00000.jsonl &&
	 ayak-dedup --stage bucket --dir w --shard 0 --parts 2 --memory 1M --stats ../st.json &&
	 ayak-dedup --stage cluster --dir w --part 0 --shards 1 &&
	 ayak-dedup --stage cluster --dir w --part 1 --shards 1 &&
	 ayak-dedup --stage merge --dir w --shards 1 --parts 2 &&
	 ayak-dedup --stage filter --dir w --shard 0 shard-00000.jsonl >../got) &&
	grep -q "\"spilled_runs\":[1-9]" st.json &&
	ayak-dedup big.jsonl >expect &&
	test_cmp expect got
'

test_expect_success 'a finished task is skipped; --force redoes it' '
	(cd large && ls -l --time-style=+%s.%N work/bucket/00001-00003.band >../before &&
	 sleep 0.01 &&
	 ayak-dedup --stage bucket --dir work --shard 1 --parts 7 --mode exact,near,lines &&
	 ls -l --time-style=+%s.%N work/bucket/00001-00003.band >../after) &&
	test_cmp before after &&
	(cd large && ayak-dedup --stage bucket --dir work --shard 1 --parts 7 --mode exact,near,lines --force &&
	 ls -l --time-style=+%s.%N work/bucket/00001-00003.band >../after) &&
	! test_cmp before after
'

test_expect_success 'a finished task with a file deleted is done again, not skipped, and the rest agrees' '
	(cd small && stages del 2 --mode exact,near,url --verify &&
	 for f in band shg url; do
		cp del/sign/00001.$f ../keep.$f && rm del/sign/00001.$f &&
		ayak-dedup --stage sign --dir del --shard 1 --mode exact,near,url --verify shard-00001.jsonl &&
		cmp ../keep.$f del/sign/00001.$f || return 1
	 done &&
	 cp del/bucket/00002-00001.band ../keep.bucket &&
	 cp del/merge/00003.dec ../keep.dec &&
	 rm del/sign/00001.band del/bucket/00002-00001.band del/cluster/00000.pair \
		del/merge/00003.dec del/merge/freq &&
	 stages del 2 --mode exact,near,url --verify &&
	 cmp ../keep.bucket del/bucket/00002-00001.band &&
	 cmp ../keep.dec del/merge/00003.dec) &&
	ayak-dedup --annotate --mode exact,near,url --verify "$F" >expect &&
	test_cmp expect small/del.out
'

test_expect_success 'a rerun after a killed stage completes correctly' '
	(cd small &&
	 rm -rf kill &&
	 n=0 &&
	 for f in shard-*.jsonl; do
		ayak-dedup --stage sign --dir kill --shard $n "$f" || exit 1
		n=$((n + 1))
	 done &&
	 AYAK_DEDUP_TEST_KILL_AFTER=3 ayak-dedup --stage bucket --dir kill --shard 2 --parts 3
	 test $? = 137 &&
	 test_path_is_missing kill/bucket/00002.done &&
	 ls kill/bucket | grep -c "^00002-" >../made &&
	 test $(cat ../made) -ge 3 &&
	 AYAK_DEDUP_TEST_KILL_AFTER=0 ayak-dedup --stage sign --dir kill --shard 3 --force shard-00003.jsonl
	 test $? = 137 &&
	 test_path_is_missing kill/sign/00003.meta &&
	 stages kill 3) &&
	ayak-dedup --annotate "$F" >expect &&
	test_cmp expect small/kill.out &&
	ls small/kill/*/ | grep "\.tmp\." >temps
	test_must_be_empty temps
'

test_expect_success 'a task removes the temporary files a killed run of it left, not those of another shard' '
	(cd small &&
	 rm -rf wide &&
	 ayak-dedup --stage sign --dir wide --shard 10000 shard-00000.jsonl &&
	 mkdir wide/bucket &&
	 touch wide/bucket/10000-00000.band.tmp.aaaaaa wide/bucket/10000.done.tmp.bbbbbb \
		wide/bucket/100000-00000.band.tmp.cccccc wide/bucket/100001.done.tmp.dddddd &&
	 ayak-dedup --stage bucket --dir wide --shard 10000 --parts 1 &&
	 ls wide/bucket | grep "\.tmp\." >../temps) &&
	printf "%s\n" 100000-00000.band.tmp.cccccc 100001.done.tmp.dddddd >expect &&
	test_cmp expect temps
'

test_expect_success 'a corrupt stage file is an error, not data' '
	(cd small &&
	 cp -r work corrupt &&
	 printf "\\377" | dd of=corrupt/bucket/00001-00000.band bs=1 seek=60 conv=notrunc 2>/dev/null &&
	 test_expect_code 1 ayak-dedup --stage cluster --dir corrupt --part 0 --shards 4 --force 2>../err) &&
	echo "ayak-dedup: corrupt/bucket/00001-00000.band: corrupt stage file: checksum mismatch" >expect &&
	test_cmp expect err
'

test_expect_success 'stages with other options refuse the files (a usage error, as other --parts)' '
	(cd small && test_expect_code 2 ayak-dedup --stage cluster --dir work --part 0 --shards 4 --ngram 4 --force 2>../err) &&
	grep -q "made with other parameters (every stage must use the same options)" err
'

test_expect_success 'a stage whose input is missing says which to run first' '
	(cd small && test_expect_code 3 ayak-dedup --stage cluster --dir work --part 0 --shards 5 --force 2>../err) &&
	echo "ayak-dedup: work/sign/00004.meta: No such file or directory (run --stage sign --shard 4 first)" >expect &&
	test_cmp expect err &&
	(cd small && test_expect_code 2 ayak-dedup --stage cluster --dir work --part 3 --shards 4 --force 2>../err) &&
	printf "%s\n" "ayak-dedup: --part 3, but the buckets have 3 parts" "Try '\''ayak-dedup --help'\''." >expect &&
	test_cmp expect err
'

# snap DIR: every file under DIR, with its size and modification time
snap () {
	find "$1" -type f -printf "%p %s %T@\n" | sort
}

test_expect_success 'a finished task given other --parts or --shards is refused, and changes nothing' '
	(cd small &&
	 stages pw 2 &&
	 snap pw >../before &&
	 test_expect_code 2 ayak-dedup --stage bucket --dir pw --shard 0 --parts 3 2>../err &&
	 test_expect_code 2 ayak-dedup --stage cluster --dir pw --part 0 --shards 3 2>>../err &&
	 test_expect_code 2 ayak-dedup --stage merge --dir pw --shards 4 --parts 3 2>>../err &&
	 test_expect_code 2 ayak-dedup --stage merge --dir pw --shards 3 --parts 2 2>>../err &&
	 : "--force redoes merge, but its clusters are of 2 parts: refused too, before anything is removed" &&
	 test_expect_code 2 ayak-dedup --stage merge --dir pw --shards 4 --parts 3 --force 2>>../err &&
	 test_expect_code 3 ayak-dedup --stage sign --dir pw --shard 0 --force nope.jsonl 2>../err3 &&
	 snap pw >../after &&
	 ayak-dedup --stage filter --dir pw --shard 0 shard-00000.jsonl >/dev/null) &&
	test_cmp before after &&
	try="Try '\''ayak-dedup --help'\''." &&
	printf "%s\n" \
		"ayak-dedup: pw/bucket/00000.done: made with --parts 2, not 3 (--force buckets shard 0 again; then run the later stages again with --force)" "$try" \
		"ayak-dedup: pw/cluster/00000.done: made from 4 shards, not 3 (--force clusters part 0 again)" "$try" \
		"ayak-dedup: pw/merge/done: made from 4 shards in 2 parts, not 4 in 3 (--force merges again)" "$try" \
		"ayak-dedup: pw/merge/done: made from 4 shards in 2 parts, not 3 in 2 (--force merges again)" "$try" \
		"ayak-dedup: pw/cluster/00000.done: made from 4 shards in 2 parts, not 4 in 3" "$try" >expect &&
	test_cmp expect err &&
	echo "ayak-dedup: nope.jsonl: No such file or directory" >expect &&
	test_cmp expect err3
'

test_expect_success 'with --force, the finished tasks are done again with other --parts' '
	(cd small &&
	 for i in 0 1 2 3; do
		ayak-dedup --stage bucket --dir pw --shard $i --parts 3 --force || exit 1
	 done &&
	 ls pw/bucket | grep -c "^00000-0000[0-2]\." >../n &&
	 for p in 0 1 2; do
		ayak-dedup --stage cluster --dir pw --part $p --shards 4 --force || exit 1
	 done &&
	 ayak-dedup --stage merge --dir pw --shards 4 --parts 3 --force &&
	 ayak-dedup --stage merge --dir pw --shards 4 --parts 3 &&
	 for i in 0 1 2 3; do
		ayak-dedup --stage filter --dir pw --shard $i --annotate shard-0000$i.jsonl || exit 1
	 done >../got) &&
	test $(cat n) -ge 3 &&
	ayak-dedup --annotate "$F" >expect &&
	test_cmp expect got
'

test_expect_success 'sharded filter: -o, --stats and malformed records skipped at sign' '
	mkdir bad && cp "$F" bad/shard-00000.jsonl &&
	echo "{\"text\": oops}" >>bad/shard-00000.jsonl &&
	cat "$F" >bad/shard-00001.jsonl &&
	(cd bad &&
	 ayak-dedup --stage sign --dir w --shard 0 --on-error skip shard-00000.jsonl 2>err0 &&
	 grep -q "skipped 1 malformed record" err0 &&
	 ayak-dedup --stage sign --dir w --shard 1 shard-00001.jsonl &&
	 ayak-dedup --stage bucket --dir w --shard 0 --parts 2 &&
	 ayak-dedup --stage bucket --dir w --shard 1 --parts 2 &&
	 ayak-dedup --stage cluster --dir w --part 0 --shards 2 &&
	 ayak-dedup --stage cluster --dir w --part 1 --shards 2 &&
	 ayak-dedup --stage merge --dir w --shards 2 --parts 2 &&
	 ayak-dedup --stage filter --dir w --shard 0 --on-error skip -o out0.jsonl --stats st0.json shard-00000.jsonl &&
	 ayak-dedup --stage filter --dir w --shard 1 -o out1.jsonl shard-00001.jsonl) &&
	grep -q "\"records_in\":18,\"records_out\":12,\"dropped\":{\"exact\":2,\"near\":3,\"malformed\":1},\"errors\":1," bad/st0.json &&
	test_line_count = 12 bad/out0.jsonl &&
	test_line_count = 0 bad/out1.jsonl
'

test_expect_success 'the filter stage reports malformed records as one node does' '
	printf "{\"text\":\"a\"}\n{\"text\":\"b\"\n{\"text\":\"a\"}\n{\"text\":\"c\"}\n" >ms.jsonl &&
	ayak-dedup --on-error skip --stats one.json --rejects one-rej.jsonl ms.jsonl >one.out 2>one.err &&
	ayak-dedup --stage sign --dir ms --shard 0 --on-error skip ms.jsonl 2>/dev/null &&
	ayak-dedup --stage bucket --dir ms --shard 0 --parts 1 &&
	ayak-dedup --stage cluster --dir ms --part 0 --shards 1 &&
	ayak-dedup --stage merge --dir ms --shards 1 --parts 1 &&
	ayak-dedup --stage filter --dir ms --shard 0 --on-error skip --stats st.json --rejects rej.jsonl \
		ms.jsonl >out 2>err &&
	test_cmp one.out out &&
	test_cmp one-rej.jsonl rej.jsonl &&
	test_cmp one.err err &&
	grep -q "\"dropped\":{\"malformed\":1,\"exact\":1},\"errors\":1," st.json &&
	test_expect_code 1 ayak-dedup --stage filter --dir ms --shard 0 -o out2 ms.jsonl 2>err &&
	echo "ayak-dedup: ms.jsonl:2: malformed record: unexpected end of line at column 12" >expect &&
	test_cmp expect err &&
	test_path_is_missing out2
'

test_expect_success 'a corrupt decision or shingle file is an error before any record is written' '
	(cd small &&
	 cp -r work cdec &&
	 printf "\377" | dd of=cdec/merge/00000.dec bs=1 seek=60 conv=notrunc 2>/dev/null &&
	 test_expect_code 1 ayak-dedup --stage filter --dir cdec --shard 0 --annotate shard-00000.jsonl \
		>../out 2>../err) &&
	echo "ayak-dedup: cdec/merge/00000.dec: corrupt stage file: checksum mismatch" >expect &&
	test_cmp expect err &&
	test_must_be_empty out &&
	opts="--mode exact,near,lines,url --line-max 3 --keep max:score --url-keep newest --verify" &&
	(cd small &&
	 cp -r all cshg &&
	 printf "\377" | dd of=cshg/sign/00001.shg bs=1 seek=60 conv=notrunc 2>/dev/null &&
	 test_expect_code 1 ayak-dedup --stage cluster --dir cshg --part 0 --shards 4 --force $opts 2>../err) &&
	echo "ayak-dedup: cshg/sign/00001.shg: corrupt stage file: checksum mismatch" >expect &&
	test_cmp expect err
'

test_expect_success 'a damaged pair record names its file' '
	(cd small &&
	 cp -r work cpair &&
	 ayak-dedup --stage cluster --dir cpair --part 0 --shards 4 &&
	 printf "\177" | dd of=cpair/cluster/00000.pair bs=1 seek=72 conv=notrunc 2>/dev/null &&
	 test_expect_code 1 ayak-dedup --stage merge --dir cpair --shards 4 --parts 3 --force 2>../err) &&
	echo "ayak-dedup: cpair/cluster/00000.pair: corrupt stage file: bad pair record" >expect &&
	test_cmp expect err
'

test_expect_success 'a stage file of another format version says so' '
	(cd small &&
	 cp -r work cver &&
	 ayak-dedup --stage cluster --dir cver --part 0 --shards 4 &&
	 printf "\001" | dd of=cver/cluster/00000.pair bs=1 seek=8 conv=notrunc 2>/dev/null &&
	 test_expect_code 1 ayak-dedup --stage merge --dir cver --shards 4 --parts 3 --force 2>../err) &&
	echo "ayak-dedup: cver/cluster/00000.pair: stage file version 1, this program reads 3" >expect &&
	test_cmp expect err
'

test_expect_success 'a shard reordered between sign and filter is an error' '
	printf "{\"id\":\"A\",\"text\":\"unik satu\"}\n{\"id\":\"B\",\"text\":\"sama dua\"}\n{\"id\":\"C\",\"text\":\"sama dua\"}\n" >sw.jsonl &&
	{ tail -n 2 sw.jsonl && head -n 1 sw.jsonl; } >sw3.jsonl &&
	ayak-dedup --stage sign --dir sw --shard 0 sw.jsonl &&
	ayak-dedup --stage bucket --dir sw --shard 0 --parts 1 &&
	ayak-dedup --stage cluster --dir sw --part 0 --shards 1 &&
	ayak-dedup --stage merge --dir sw --shards 1 --parts 1 &&
	test_expect_code 3 ayak-dedup --stage filter --dir sw --shard 0 -o sw-out sw3.jsonl 2>err &&
	echo "ayak-dedup: the input changed between the passes (the same 3 records of 88 bytes, but other records or in another order)" >expect &&
	test_cmp expect err &&
	test_path_is_missing sw-out &&
	ayak-dedup --stage filter --dir sw --shard 0 sw.jsonl >sw-out &&
	head -n 2 sw.jsonl >expect &&
	test_cmp expect sw-out
'

test_expect_success 'a signed shard is not skipped for other input files' '
	test_expect_code 2 ayak-dedup --stage sign --dir sw --shard 0 sw3.jsonl 2>err &&
	printf "%s\n" "ayak-dedup: sw/sign/00000.meta: shard 0 was signed from other input files (--force signs it again; then run the later stages again)" "Try '\''ayak-dedup --help'\''." >expect &&
	test_cmp expect err &&
	test_expect_code 2 ayak-dedup --stage sign --dir sw --shard 0 <sw.jsonl 2>/dev/null &&
	ayak-dedup --stage sign --dir sw --shard 0 sw.jsonl
'

test_expect_success 'a shard signed again: the later tasks are redone when run, and their old files refused' '
	ayak-dedup --stage sign --dir sw --shard 0 --force sw3.jsonl &&
	test_expect_code 2 ayak-dedup --stage filter --dir sw --shard 0 -o sw-again sw3.jsonl 2>err &&
	printf "%s\n" "ayak-dedup: sw/merge/00000.dec: made before shard 0 was signed again (run --stage merge again)" \
		"Try '\''ayak-dedup --help'\''." >expect &&
	test_cmp expect err &&
	test_path_is_missing sw-again &&
	test_expect_code 2 ayak-dedup --stage merge --dir sw --shards 1 --parts 1 2>err &&
	printf "%s\n" "ayak-dedup: sw/cluster/00000.done: made before a shard was signed again (run --stage cluster --part 0 again)" \
		"Try '\''ayak-dedup --help'\''." >expect &&
	test_cmp expect err &&
	test_expect_code 2 ayak-dedup --stage cluster --dir sw --part 0 --shards 1 2>err &&
	printf "%s\n" "ayak-dedup: sw/bucket/00000.done: made before shard 0 was signed again (run --stage bucket --shard 0 again)" \
		"Try '\''ayak-dedup --help'\''." >expect &&
	test_cmp expect err &&
	ayak-dedup --stage bucket --dir sw --shard 0 --parts 1 &&
	ayak-dedup --stage cluster --dir sw --part 0 --shards 1 &&
	ayak-dedup --stage merge --dir sw --shards 1 --parts 1 &&
	ayak-dedup --stage filter --dir sw --shard 0 --annotate -o sw-again sw3.jsonl &&
	ayak-dedup --annotate sw3.jsonl >expect &&
	test_cmp expect sw-again &&
	ayak-dedup --stage sign --dir sw --shard 0 --force sw.jsonl &&
	ayak-dedup --stage bucket --dir sw --shard 0 --parts 1 &&
	ayak-dedup --stage cluster --dir sw --part 0 --shards 1 &&
	ayak-dedup --stage merge --dir sw --shards 1 --parts 1 &&
	ayak-dedup --stage filter --dir sw --shard 0 --annotate -o sw-again sw.jsonl &&
	ayak-dedup --annotate sw.jsonl >expect &&
	test_cmp expect sw-again
'

test_expect_success 'filter of a shard that merge did not count is a usage error' '
	(cd small &&
	 cp -R work more &&
	 ayak-dedup --stage sign --dir more --shard 4 shard-00000.jsonl &&
	 test_expect_code 2 ayak-dedup --stage filter --dir more --shard 4 shard-00000.jsonl 2>../err >../out) &&
	printf "%s\n" "ayak-dedup: --shard 4, but merge was run with --shards 4" \
		"Try '\''ayak-dedup --help'\''." >expect &&
	test_cmp expect err &&
	test_must_be_empty out
'

test_expect_success 'options a stage does not use are usage errors' '
	test_expect_code 2 ayak-dedup --stage sign --dir sw --shard 0 -o x.jsonl sw.jsonl 2>err &&
	printf "%s\n" "ayak-dedup: --stage sign writes no records: -o goes with --stage filter" \
		"Try '\''ayak-dedup --help'\''." >expect &&
	test_cmp expect err &&
	test_expect_code 2 ayak-dedup --stage sign --dir sw --shard 0 --parts 2 sw.jsonl 2>err &&
	grep -q "^ayak-dedup: --stage sign takes no --parts$" err &&
	test_expect_code 2 ayak-dedup --stage bucket --dir sw --shard 0 --parts 1 --shards 1 2>err &&
	grep -q "^ayak-dedup: --stage bucket takes no --shards$" err &&
	test_expect_code 2 ayak-dedup --stage filter --dir sw --shard 0 --part 0 sw.jsonl 2>err &&
	grep -q "^ayak-dedup: --stage filter takes no --part$" err &&
	test_expect_code 2 ayak-dedup --stage merge --dir sw --shards 1 --parts 1 --shard 0 2>err &&
	grep -q "^ayak-dedup: --stage merge takes no --shard$" err &&
	test_expect_code 2 ayak-dedup --stage filter --dir sw --shard 0 --force -o x.jsonl sw.jsonl 2>err &&
	grep -q "^ayak-dedup: --stage filter takes no --force: it has no marker and is always done$" err &&
	test_path_is_missing x.jsonl
'

test_expect_success 'sign counts no records in --stats: filter counts them, and the malformed ones' '
	printf "{\"text\":\"a b\"}\nnot json\n{\"text\":\"a  b\"}\n" >ss.jsonl &&
	ayak-dedup --mode exact --on-error skip --stats one.json ss.jsonl >/dev/null 2>/dev/null &&
	ayak-dedup --mode exact --stage sign --dir ss --shard 0 --on-error skip --stats sign.json \
		ss.jsonl 2>err &&
	printf "%s\n" "ayak-dedup: ss.jsonl:2: malformed record: not a JSON object" \
		"ayak-dedup: skipped 1 malformed record" >expect &&
	test_cmp expect err &&
	grep -q "\"records_in\":0,\"records_out\":0,\"dropped\":{},\"errors\":0,\"bytes_in\":0,\"bytes_out\":0," sign.json &&
	ayak-dedup --mode exact --stage bucket --dir ss --shard 0 --parts 1 --stats bucket.json &&
	ayak-dedup --mode exact --stage cluster --dir ss --part 0 --shards 1 --stats cluster.json &&
	ayak-dedup --mode exact --stage merge --dir ss --shards 1 --parts 1 --stats merge.json &&
	ayak-dedup --mode exact --stage filter --dir ss --shard 0 --on-error skip --stats filter.json \
		ss.jsonl >/dev/null 2>/dev/null &&
	grep -q "\"records_in\":3,\"records_out\":1,\"dropped\":{\"malformed\":1,\"exact\":1},\"errors\":1,\"bytes_in\":40," filter.json
'

test_expect_success JQ 'the tasks'\'' --stats summed are one node'\''s' '
	cat >sum.jq <<-\EOF &&
	[.[] | del(.seconds) | paths(numbers) as $p | {key: ($p | join(".")), value: getpath($p)}]
	| group_by(.key) | map({(.[0].key): (map(.value) | add)}) | add
	EOF
	cat sign.json bucket.json cluster.json merge.json filter.json | jq -S -s -f sum.jq >tasks &&
	jq -S -s -f sum.jq one.json >expect &&
	test_cmp expect tasks
'

# counters DIR PARTS OPTIONS...: stages over large/shard-*.jsonl with a --stats
# file a task, and their counters summed (as sum.jq does) to DIR.sum
counters () {
	local dir=$1 parts=$2 i p
	shift 2
	mkdir "$dir-stats" &&
	for i in 0 1 2 3 4; do
		ayak-dedup --stage sign --dir "$dir" --shard $i "$@" shard-0000$i.jsonl &&
		ayak-dedup --stage bucket --dir "$dir" --shard $i --parts "$parts" "$@" \
			--stats "$dir-stats/b$i.json" || return 1
	done &&
	for p in $(seq 0 $((parts - 1))); do
		ayak-dedup --stage cluster --dir "$dir" --part $p --shards 5 "$@" \
			--stats "$dir-stats/c$p.json" || return 1
	done &&
	ayak-dedup --stage merge --dir "$dir" --shards 5 --parts "$parts" "$@" \
		--stats "$dir-stats/m.json" &&
	for i in 0 1 2 3 4; do
		ayak-dedup --stage filter --dir "$dir" --shard $i "$@" --stats "$dir-stats/f$i.json" \
			shard-0000$i.jsonl >/dev/null || return 1
	done &&
	cat "$dir-stats"/*.json | jq -S -s -f ../sum.jq >"$dir.sum"
}

test_expect_success JQ 'with --verify, pairs_verified and pairs_rejected sum to one node'\''s with --parts 1 only; the rest always' '
	(cd large &&
	 ayak-dedup --verify --stats one.json ../big.jsonl >/dev/null &&
	 jq -S -s -f ../sum.jq one.json >one.sum &&
	 counters p1 1 --verify &&
	 test_cmp one.sum p1.sum &&
	 counters p4 4 --verify &&
	 grep -v "pairs_" one.sum >expect &&
	 grep -v "pairs_" p4.sum >got &&
	 test_cmp expect got &&
	 for k in verified rejected; do
		jq ".\"counts.pairs_$k\"" one.sum >a &&
		jq ".\"counts.pairs_$k\"" p4.sum >b &&
		test $(cat b) -ge $(cat a) || exit 1
	 done &&
	 jq ".\"counts.pairs_verified\"" one.sum >a &&
	 jq ".\"counts.pairs_verified\"" p4.sum >b &&
	 test $(cat a) -gt 0 && test $(cat b) -gt $(cat a))
'

test_expect_success 'a finished task run again is skipped and reports the counts it made in --stats' '
	(cd large &&
	 o="--mode exact,near,lines,url --verify" &&
	 rm -rf again && mkdir again-stats &&
	 for run in 1 2; do
		for i in 0 1; do
			ayak-dedup --stage sign --dir again --shard $i $o shard-0000$i.jsonl &&
			ayak-dedup --stage bucket --dir again --shard $i --parts 2 --memory 1M $o \
				--stats again-stats/bucket-$i-$run.json || exit 1
		done &&
		for p in 0 1; do
			ayak-dedup --stage cluster --dir again --part $p --shards 2 $o \
				--stats again-stats/cluster-$p-$run.json || exit 1
		done &&
		ayak-dedup --stage merge --dir again --shards 2 --parts 2 $o \
			--stats again-stats/merge-$run.json || exit 1
	 done &&
	 cd again-stats &&
	 for f in *-1.json; do
		sed -e "s/\"seconds\":[0-9.]*//" $f >a &&
		sed -e "s/\"seconds\":[0-9.]*//" ${f%-1.json}-2.json >b &&
		test_cmp a b || exit 1
	 done &&
	 grep -q "\"counts\":{\"spilled_runs\":0}" bucket-0-2.json &&
	 grep -q "\"exact_groups\":[1-9].*\"pairs_verified\":[1-9].*\"url_groups\":[1-9]" cluster-0-2.json &&
	 grep -q "\"clusters\":[1-9]" merge-2.json)
'

test_expect_success '--rejects goes with --stage filter' '
	test_expect_code 2 ayak-dedup --stage sign --dir rj --shard 0 --on-error skip --rejects r.jsonl \
		ss.jsonl 2>err &&
	printf "%s\n" "ayak-dedup: --stage sign writes no records: --rejects goes with --stage filter" \
		"Try '\''ayak-dedup --help'\''." >expect &&
	test_cmp expect err &&
	test_path_is_missing r.jsonl &&
	test_expect_code 2 ayak-dedup --stage merge --dir rj --shards 1 --parts 1 --rejects r.jsonl 2>err &&
	grep -q "^ayak-dedup: --stage merge writes no records: --rejects goes with --stage filter$" err
'

test_expect_success 'URL groups with exact and near: sharded equals one node' '
	gen 3000 11 | awk "{ sub(/contoh.my\/[0-9]+/, \"contoh.my/\" NR % 40); print }" >urls.jsonl &&
	mkdir u && (cd u && ayak-cat --split 1000 --compress none -o shard ../urls.jsonl) &&
	opts="--mode exact,near,url --keep max:score --url-keep min:score" &&
	(cd u && stages w 3 $opts) &&
	ayak-dedup --annotate $opts urls.jsonl >expect &&
	test_cmp expect u/w.out
'

test_expect_success 'URL groups with lines: records left empty keep no URL, sharded as on one node' '
	awk -v n=900 -v rank=score -v urls=60 -f "$AYAK_TOP/tests/data/dedup/lines-url.awk" >ml.jsonl &&
	mkdir ml && (cd ml && ayak-cat --split 300 --compress none -o shard ../ml.jsonl) &&
	opts="--mode lines,url --line-max 10 --url-keep max:score" &&
	(cd ml && stages lu 2 $opts) &&
	ayak-dedup --annotate $opts ml.jsonl >expect &&
	test_cmp expect ml/lu.out &&
	grep "\"dedup\":\"url\"" expect | grep -q "\"dedup_lines\":[1-9]" &&
	opts="--mode exact,near,lines,url --line-max 10 --keep max:score --url-keep min:score" &&
	(cd ml && stages all 3 $opts) &&
	ayak-dedup --annotate $opts ml.jsonl >expect &&
	test_cmp expect ml/all.out &&
	ayak-dedup $opts ml.jsonl >expect &&
	(cd ml && for i in 0 1 2; do
		ayak-dedup --stage filter --dir all --shard $i $opts shard-0000$i.jsonl || return 1
	done) >got &&
	test_cmp expect got
'

test_done
