# ayak-filter profile: zsm_Arab (Malay in Jawi script); the pipeline's --jawi uses it
# version: 2026.11.0
# source: thresholds and stopwords from huggingface/fineweb-2 configs/zsm_Arab.yml
#         (commit d0defb24f193bb9a5a11b8b14524a03c4858e1b6); the fixed values and the
#         rules FineWeb-2 turns off from its fineweb-2-pipeline.py (GopherRepetitionFilter
#         dup_para_frac=0, dup_line_char_frac=0, dup_para_char_frac=0; FineWebQualityFilter
#         short_line_thr=999, char_duplicates_ratio=0.1; GopherQualityFilter min_stop_words=2
#         and datatrove's defaults); C4 values are datatrove's C4QualityFilter defaults;
#         line cleanup, boilerplate and rules are ayak's own
# license: Apache-2.0 (the FineWeb-2 values); CC0-1.0 (the rest)
#
# Every key is also an option of ayak-filter: dup_line_frac = 0.211 is
# --dup-line-frac 0.211.  "off" turns a rule off.  File names are relative to
# this file.  See ayak-filter(1) for what each rule tests.

# Gopher repetition (FineWeb-2 turns off the paragraph and line-character rules)
dup_line_frac = 0.211
dup_para_frac = off
dup_line_char_frac = off
dup_para_char_frac = off
top_2_gram = 0.826
top_3_gram = 0.722
top_4_gram = 0.51
dup_5_gram = 0.238
dup_6_gram = 0.219
dup_7_gram = 0.21
dup_8_gram = 0.196
dup_9_gram = 0.197
dup_10_gram = 0.171

# FineWeb quality (FineWeb-2 sets short_line_thr to 999: off; line_punct_thr -1 for zsm_Arab: off)
line_punct_thr = off
line_punct_exclude_zero = off
short_line_thr = off
short_line_length = 30
char_duplicates_ratio = 0.1
new_line_ratio = 0.2

# Gopher quality
min_doc_words = 50
max_doc_words = 100000
min_avg_word_length = 2
max_avg_word_length = 8
max_symbol_word_ratio = 0.1
max_bullet_lines_ratio = 0.9
max_ellipsis_lines_ratio = 0.3
max_non_alpha_words_ratio = 0.778
min_stop_words = 2
stopwords = stopwords-zsm_Arab.txt

# C4 quality: off (FineWeb-2 found it harmful outside English); these apply with --c4
c4 = off
c4_min_sentences = 5
c4_min_words_per_line = 3
c4_max_word_length = 1000
c4_terminal_punct = on
c4_citations = on
c4_lorem_ipsum = on
c4_javascript = on
c4_curly_bracket = on
c4_policy = on

# line cleanup (ayak): pattern rules, boilerplate lines, short lines without punctuation
line_cleanup = on
line_min_words = 3
boilerplate_max_chars = 200
boilerplate = boilerplate-ms.tsv boilerplate-en.tsv
rules = rules-default.txt
blocklist =
