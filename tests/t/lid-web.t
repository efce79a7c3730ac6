#!/usr/bin/env bash
test_description='ayak-lid on whole web pages: menus and footers in English do not outvote the page'
. "$(dirname "$0")/../lib.sh"

# The pages of the pipeline sample (pipelines/sample/README.md): UDHR text in Tamil, Chinese
# and Jawi between an English or Malay menu line and four footer lines.
SAMPLE=$AYAK_TOP/pipelines/sample/wet

test_expect_success 'pages of the sample, with their boilerplate' '
	ayak-warc "$SAMPLE"/*.gz >pages.jsonl &&
	test "$(wc -l <pages.jsonl)" = 69
'

test_expect_success 'Tamil pages with an English menu and footer are Tamil' '
	grep "urimai.example.in" pages.jsonl | ayak-lid | jq -r "[.url, .lang] | @tsv" | sort >got &&
	printf "https://urimai.example.in/1\ttam_Taml\nhttps://urimai.example.in/2\ttam_Taml\n" >expect &&
	test_cmp expect got
'

test_expect_success 'Chinese pages are Chinese by a wide margin, not half English' '
	grep "renquan.example.cn" pages.jsonl | ayak-lid | jq -r "[.lang, (.lang_score > 0.9)] | @tsv" >got &&
	printf "zho_Hans\ttrue\nzho_Hans\ttrue\n" >expect &&
	test_cmp expect got
'

test_expect_success 'Jawi pages with a Malay menu in Latin script are zsm_Arab' '
	grep "jawi.contoh.my" pages.jsonl | ayak-lid | jq -r .lang | sort -u >got &&
	echo zsm_Arab >expect &&
	test_cmp expect got
'

test_done
