/*
 * Fuzz target for ayak-filter's engine: the input (made valid UTF-8) is a
 * document, run through every rule (repetition, FineWeb, Gopher quality,
 * C4, line cleanup with a lexicon and line rules, text and redact rules)
 * and PII redaction, with and without --annotate; and its first line as
 * the URL of a document under a blocklist and domain rules (the host read,
 * percent-escapes decoded, IDNA).  Properties checked
 * (abort() when one breaks):
 *
 *  - the decision and its reason are the same with and without
 *    --annotate, and the text written is the same;
 *  - the text written is valid UTF-8 and no longer than the input plus
 *    the placeholders;
 *  - every value is finite and not negative, and written with digits that
 *    read back as it; the annotation is valid JSON;
 *  - redacting the text written again finds no more PII.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filter-int.h"
#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct filter *f_plain, *f_c4, *f_url;
static struct ayak_buf text, out1, ann, again;

static const char rules[] =
	"drop:line date ^\\h*\\d{1,2}\\h+(?i:jan|feb|mac)\\w*\\h+\\d{4}\\h*$\n"
	"keep:line sajak (?i)^sajak\n"
	"drop spam (?i)\\bjudi\\b\n"
	"redact url https?://\\S+\n";
static const char url_rules[] = "drop:domain bad ^bad\\.example$\nkeep:url puisi /sajak/\n";
static const char lexicon[] = "line\tkongsi\nprefix\tbaca juga\nsuffix\thak cipta terpelihara\n";

static struct filter *build(int c4)
{
	struct filter_params p;
	struct ayak_err err;
	struct filter *f;
	int i;

	filter_params_init(&p);
	for (i = 0; i < FP_COUNT; i++)
		p.v[i] = filter_params_info[i].kind == FPK_BOOL ? 1 : 0.2;
	p.v[FP_MIN_DOC_WORDS] = 3;
	p.v[FP_MAX_DOC_WORDS] = 100000;
	p.v[FP_MIN_AVG_WORD_LENGTH] = 2;
	p.v[FP_MAX_AVG_WORD_LENGTH] = 12;
	p.v[FP_MIN_STOP_WORDS] = 1;
	p.v[FP_SHORT_LINE_LENGTH] = 30;
	p.v[FP_C4_MIN_SENTENCES] = 1;
	p.v[FP_C4_MIN_WORDS_PER_LINE] = 2;
	p.v[FP_C4_MAX_WORD_LENGTH] = 40;
	p.v[FP_LINE_MIN_WORDS] = 2;
	p.v[FP_BOILERPLATE_MAX_CHARS] = 120;
	p.v[FP_LINE_PUNCT_EXCLUDE_ZERO] = NAN;
	if (!c4)
		p.v[FP_C4] = NAN;
	f = filter_new(&p, &err);
	filter_params_release(&p);
	if (!f || fl_lexicon_parse(&f->boiler, lexicon, sizeof(lexicon) - 1, "lex", &err) ||
	    filter_rules_parse(f->rules, rules, sizeof(rules) - 1, "rules", 1, &err) ||
	    fl_strset_add(&f->stopwords, "dan", 3) || fl_strset_add(&f->stopwords, "yang", 4))
		abort();
	/* as filter_new would have set them up with these files */
	f->sw_lens = 1ULL << 3 | 1ULL << 4;
	f->sw_first['d' >> 6] |= 1ULL << ('d' & 63);
	f->sw_first['y' >> 6] |= 1ULL << ('y' & 63);
	f->has_boiler = 1;
	f->has_line_rules = f->has_text_rules = f->has_redact_rules = 1;
	f->nredact = 1;
	f->redact_names = realloc(f->redact_names, 2 * sizeof(*f->redact_names));
	f->redact_counts = realloc(f->redact_counts, 2 * sizeof(*f->redact_counts));
	if (!f->redact_names || !f->redact_counts)
		abort();
	f->redact_names[0] = "url";
	return f;
}

static void check(struct filter *f, const char *s, size_t n, const char *url, size_t url_len)
{
	struct filter_opts o = { 0, 1, (1u << PII_NTYPES) - 1 };
	struct filter_result r1, r2;
	struct ayak_err err;
	const char *reason;
	uint64_t counts[PII_NTYPES] = { 0 };
	size_t i;
	int drop;

	if (filter_run(f, s, n, url, url_len, &o, &r1, &err))
		abort();
	drop = r1.drop;
	reason = r1.reason;
	ayak_buf_reset(&out1);
	if (!drop) {
		if (ayak_utf8_valid_prefix(r1.text, r1.len) != r1.len)
			abort();
		if (ayak_buf_add(&out1, r1.text, r1.len))
			abort();
	}
	o.annotate = 1;
	if (filter_run(f, s, n, url, url_len, &o, &r2, &err))
		abort();
	if (r2.drop != drop || (drop && strcmp(r2.reason, reason)))
		abort();
	if (!drop && (r2.len != out1.len || memcmp(r2.text, out1.data, out1.len)))
		abort();
	for (i = 0; i < FV_COUNT; i++) {
		if (!r2.have[i])
			continue;
		if (!isfinite(r2.values[i]) || r2.values[i] < 0)
			abort();
		/* each value is written with digits that read back as it, exactly */
		ayak_buf_reset(&ann);
		if (filter_value_add(&ann, r2.values[i]) || ayak_buf_add(&ann, "", 1) ||
		    strtod(ann.data, NULL) != r2.values[i])
			abort();
	}
	ayak_buf_reset(&ann);
	if (filter_annotation(&r2, &ann) || ayak_json_validate(ann.data, ann.len, 0, &err))
		abort();
	if (!drop) {
		ayak_buf_reset(&again);
		if (filter_pii_redact(out1.data ? out1.data : "", out1.len, o.pii_mask, &again, counts))
			abort();
		for (i = 0; i < PII_NTYPES; i++)
			if (counts[i])
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s, *nl;
	struct ayak_err err;

	if (!f_plain) {
		f_plain = build(0);
		f_c4 = build(1);
		f_url = build(0);
		if (filter_rules_parse(f_url->rules, url_rules, sizeof(url_rules) - 1, "url", 1, &err) ||
		    fl_strset_add(&f_url->blocklist, "evil.example", 12) ||
		    fl_strset_add(&f_url->blocklist, "xn--bcher-kva.example", 21))
			abort();
		f_url->has_url_rules = 1;
	}
	ayak_buf_reset(&text);
	if (ayak_utf8_repair((const char *)data, size, &text, NULL))
		abort();
	s = text.data ? text.data : "";
	check(f_plain, s, text.len, "https://contoh.my/x", 19);
	check(f_c4, s, text.len, "https://contoh.my/x", 19);
	nl = memchr(s, '\n', text.len);
	check(f_url, s, text.len, s, nl ? (size_t)(nl - s) : text.len);
	return 0;
}
