#!/usr/bin/env bash
test_description='ayak-lid at the edges: sample windows that find nothing or cut a word, names in --by word, large files given as --model'
. "$(dirname "$0")/../lib.sh"

# The texts are written for these tests (ayak project, same license as ayak).
MS='Kerajaan akan memastikan bahawa setiap rakyat menerima bantuan.'

# labels FILE [OPTION...]: each record's label and score, one per line
labels () {
	local f=$1
	shift
	ayak-lid "$@" "$f" | jq -c "[.lang, .lang_score]"
}

# parts FILE: each record's label, then its runs as LABEL:START-END=TEXT
parts () {
	jq -r "[.lang] + [.lang_parts[] as \$p | \"\(\$p.lang):\(\$p.start)-\(\$p.end)=\(.text | .[\$p.start:\$p.end])\"] | join(\" \")" "$1"
}

# From a QA pass (2026-11-26): the windows of a long text missed its words,
# and it was und with score 1, which --keep zsm_Latn dropped without a word.
test_expect_success 'windows with no letters do not make a longer text und: it is read whole' '
	python3 -c "
import json
s = \"$MS\"
table = \"\\n\".join(\" | \".join(str(7 * i + j) for j in range(5)) for i in range(400))
print(json.dumps({\"text\": s + \" \" * 5000 + s}))
print(json.dumps({\"text\": s + \"\\n\" + table + \"\\n\" + s}))
print(json.dumps({\"text\": s + \" \" + \"a\" * 3000 + \" \" + s}))
print(json.dumps({\"text\": table}))
" >far.jsonl &&
	labels far.jsonl >got &&
	cat >expect <<-\EOF &&
	["zsm_Latn",1]
	["zsm_Latn",1]
	["zsm_Latn",1]
	["und",1]
	EOF
	test_cmp expect got &&
	labels far.jsonl --sample 0 >got &&
	test_cmp expect got &&
	labels far.jsonl --sample 64 >got &&
	test_cmp expect got &&
	ayak-lid --keep zsm_Latn far.jsonl | jq -r .lang >got &&
	printf "zsm_Latn\nzsm_Latn\nzsm_Latn\n" >expect &&
	test_cmp expect got
'

# A window's edge inside a word cut it into a short one: a word of 3,000
# letters was bel_Cyrl 0.9999 with --sample 256, und whole.
test_expect_success 'a word that a window cuts is as long as the whole word, whatever the sample' '
	python3 -c "
import json
print(json.dumps({\"text\": \"\\u044f\" * 3000}))
print(json.dumps({\"text\": \"#\" + \"\\u00e9\" * 300}))
print(json.dumps({\"text\": \"saya suka makan nasi \" + \"\\u044f\" * 3000}))
" >long.jsonl &&
	cat >expect <<-\EOF &&
	["und",1]
	["und",1]
	["und",0.9944]
	EOF
	for s in 64 100 256 1K 0
	do
		labels long.jsonl --sample $s >got &&
		test_cmp expect got || return 1
	done
'

# Chinese, Japanese and Thai have no spaces between words: every window
# cuts a word there, and their letters count for their script as before.
test_expect_success 'texts without spaces, longer than the sample: the same labels and scores as before' '
	python3 -c "
import json
zh = \"政府将确保每一位公民都能获得援助，因为经济状况仍然困难。我们今天去吃饭，然后一起去商场买东西。\"
zt = \"政府將確保每一位公民都能獲得援助，因為經濟狀況仍然困難。我們今天去吃飯，然後一起去商場買東西。\"
ja = \"政府はすべての国民が支援を受けられるようにすると発表しました。私たちは今日ご飯を食べに行きます。\"
th = \"รัฐบาลจะดูแลให้ประชาชนทุกคนได้รับความช่วยเหลือเพราะเศรษฐกิจยังไม่ดีนัก วันนี้เราจะไปกินข้าวกัน\"
for t in (zh * 30, zt * 30, ja * 30, th * 20, (zh + zt) * 15, (zh + \" $MS \") * 20):
    print(json.dumps({\"text\": t}, ensure_ascii=False))
" >cjk.jsonl &&
	for s in 64 256 1K
	do
		labels cjk.jsonl --sample $s || return 1
	done >got &&
	cat >expect <<-\EOF &&
	["zho_Hans",0.9643]
	["zho_Hant",0.8929]
	["jpn_Jpan",1]
	["tha_Thai",1]
	["zho_Hans",0.6786]
	["zsm_Latn",0.9233]
	["zho_Hans",0.9911]
	["zho_Hant",0.9732]
	["jpn_Jpan",1]
	["tha_Thai",1]
	["zho_Hant",0.5089]
	["zho_Hans",0.9914]
	["zho_Hans",0.9978]
	["zho_Hant",0.9935]
	["jpn_Jpan",1]
	["tha_Thai",1]
	["zho_Hans",0.5022]
	["zsm_Latn",0.6195]
	EOF
	test_cmp expect got
'

# From a QA pass (2026-11-26): a title or a company name was split where
# the odds of its words changed language, or went with the run after it.
# A name that starts a sentence goes with its sentence; one capital, or I,
# is no name.
test_expect_success '--by word: a name takes the language of the word before it' '
	cat >names.jsonl <<-\EOF &&
	{"text":"I watched The Dark Knight semalam dengan kawan-kawan saya."}
	{"text":"Saya beli kereta baru dari Honda Malaysia Sdn Bhd because the price was very good."}
	{"text":"Saya suka makan nasi lemak. Honda Malaysia Sdn Bhd sells good cars."}
	{"text":"The Dark Knight ditayangkan semula di pawagam minggu ini"}
	{"text":"Saya nak pergi ke kedai tapi The traffic is really bad today"}
	{"text":"Kami pergi tadi. Then I went home and slept."}
	EOF
	ayak-lid --by word names.jsonl | parts /dev/stdin >got &&
	cat >expect <<-\EOF &&
	zsm_Latn+eng_Latn eng_Latn:0-25=I watched The Dark Knight zsm_Latn:26-57=semalam dengan kawan-kawan saya
	zsm_Latn+eng_Latn zsm_Latn:0-49=Saya beli kereta baru dari Honda Malaysia Sdn Bhd eng_Latn:50-81=because the price was very good
	eng_Latn+zsm_Latn zsm_Latn:0-26=Saya suka makan nasi lemak eng_Latn:28-66=Honda Malaysia Sdn Bhd sells good cars
	zsm_Latn zsm_Latn:0-56=The Dark Knight ditayangkan semula di pawagam minggu ini
	eng_Latn+zsm_Latn zsm_Latn:0-28=Saya nak pergi ke kedai tapi eng_Latn:29-60=The traffic is really bad today
	eng_Latn+zsm_Latn zsm_Latn:0-15=Kami pergi tadi eng_Latn:17-43=Then I went home and slept
	EOF
	test_cmp expect got
'

# A span is a slice of the text, so it may cover a word the model cannot
# read; the shares are of the letters of the words of the runs.
test_expect_success '--by word: a word of more than 40 letters counts for no run, though a span may cover it' '
	python3 -c "
import json
print(json.dumps({\"text\": \"saya suka makan \" + \"a\" * 45 + \" nasi lemak setiap pagi\"}))
print(json.dumps({\"text\": \"saya suka makan nasi \" + \"a\" * 45 + \" this movie is so good\"}))
" >hidden.jsonl &&
	ayak-lid --by word hidden.jsonl | jq -c "[.lang_parts[] | [.lang, .start, .end]], .lang_shares" >got &&
	cat >expect <<-\EOF &&
	[["ind_Latn",0,84]]
	{"ind_Latn":1}
	[["zsm_Latn",0,20],["eng_Latn",67,88]]
	{"eng_Latn":0.5,"zsm_Latn":0.5}
	EOF
	test_cmp expect got
'

# Sparse files and an address-space limit (not under ASan, which reserves
# terabytes): the test below needs both.
if truncate -s 3G probe.bin 2>/dev/null &&
   test "$(du -k probe.bin | cut -f1)" -lt 1024 &&
   (ulimit -v 600000 && echo "{\"text\":\"$MS\"}" | ayak-lid) >/dev/null 2>&1; then
	test_set_prereq SPARSE
fi
rm -f probe.bin

# From a QA pass (2026-11-26): a 3 GB file took 3 s and 3.1 GB of memory
# before "not an ayak-lid model", and with 600 MB of address space a 1 GB
# file gave "out of memory".
test_expect_success SPARSE 'a large file given as --model is refused from its head, at once' '
	echo "{\"text\":\"$MS\"}" >one.jsonl &&
	truncate -s 3G big.bin &&
	(ulimit -v 600000 && test_expect_code 3 ayak-lid --model big.bin one.jsonl) >out 2>err &&
	echo "ayak-lid: big.bin: not an ayak-lid model" >expect &&
	test_cmp expect err &&
	test_must_be_empty out &&
	cp "$AYAK_TOP/lexicons/lid/model.bin" long.bin &&
	truncate -s 1G long.bin &&
	(ulimit -v 600000 && test_expect_code 3 ayak-lid --model long.bin one.jsonl) >out 2>err &&
	echo "ayak-lid: long.bin: corrupt model: trailing bytes" >expect &&
	test_cmp expect err &&
	test_must_be_empty out
'

test_done
