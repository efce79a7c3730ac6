# ayak-filter profile: eng_Latn (English, Latin script), as FineWeb (English) filters
# version: 2026.11.0
# source: huggingface/datatrove examples/fineweb.py and the defaults of its filters
#         (GopherRepetitionFilter, GopherQualityFilter with Gopher's English stopwords,
#         C4QualityFilter(filter_no_terminal_punct=False), FineWebQualityFilter);
#         line cleanup, boilerplate and rules are ayak's own
# license: Apache-2.0 (the datatrove values); CC0-1.0 (the rest)
#
# Every key is also an option of ayak-filter.  "off" turns a rule off.  File
# names are relative to this file.  See ayak-filter(1).  With c4 on, the rules
# run in FineWeb's order: Gopher repetition, Gopher quality, C4, FineWeb.

# Gopher repetition (Gopher's values, Table A1 of arXiv:2112.11446)
dup_line_frac = 0.3
dup_para_frac = 0.3
dup_line_char_frac = 0.2
dup_para_char_frac = 0.2
top_2_gram = 0.2
top_3_gram = 0.18
top_4_gram = 0.16
dup_5_gram = 0.15
dup_6_gram = 0.14
dup_7_gram = 0.13
dup_8_gram = 0.12
dup_9_gram = 0.11
dup_10_gram = 0.1

# FineWeb quality
line_punct_thr = 0.12
line_punct_exclude_zero = off
short_line_thr = 0.67
short_line_length = 30
char_duplicates_ratio = 0.01
new_line_ratio = 0.3

# Gopher quality
min_doc_words = 50
max_doc_words = 100000
min_avg_word_length = 3
max_avg_word_length = 10
max_symbol_word_ratio = 0.1
max_bullet_lines_ratio = 0.9
max_ellipsis_lines_ratio = 0.3
max_non_alpha_words_ratio = 0.8
min_stop_words = 2
stopwords = stopwords-eng_Latn.txt

# C4 quality, as FineWeb ran it: on, but keeping lines without terminal punctuation
c4 = on
c4_min_sentences = 5
c4_min_words_per_line = 3
c4_max_word_length = 1000
c4_terminal_punct = off
c4_citations = on
c4_lorem_ipsum = on
c4_javascript = on
c4_curly_bracket = on
c4_policy = on

# line cleanup (ayak)
line_cleanup = on
line_min_words = 3
boilerplate_max_chars = 200
boilerplate = boilerplate-en.tsv
rules = rules-default.txt
blocklist =
