/*
 * Fuzz target for ayak-filter's line rules, two ways at once: line start
 * by line start with the test of each line's beginning (match_lines()
 * and line_may_match() in filter-lines.c), and the combined regex run
 * over the whole text as PCRE2 finds its matches.  Both must drop the
 * same lines.  The input's first byte picks a rule file; the rest, made
 * valid UTF-8, is the document.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "filter-int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const rule_sets[] = {
	/* the default rules' shapes: anchored, case-insensitive, \h, literal alternations */
	"drop:line copyright (?i)^\\h*(?:©|\\(c\\)\\h*\\d{4}|copyright\\h*(?:©|\\d{4}))\n"
	"drop:line label (?i)^\\h*(?:s(?:umber|ource)|foto|tags?|baca juga)\\h*:\\h*[^\\n]{0,80}$\n"
	"drop:line date (?i)^\\h*(?:isnin|ahad),?\\h*\\d{1,2}\\h+(?:jan|mac|ogos)\\h+\\d{4}\\h*$\n"
	"drop:line share (?i)^\\h*(?:(?:facebook|twitter|whatsapp)\\h*[|,]?\\h*){2,}$\n",
	/* keep rules win; .* starts; lookahead across a line end; \b at the start */
	"keep:line keep (?i)^\\h*\\(penting\\)\n"
	"drop:line tags (?i)^.*tags?:\n"
	"drop:line copy ^copy(?=\\nright)\n"
	"drop:line word ^\\bkata\\b\n"
	"drop:line keepme (?i)^\\h*\\(penting\\).*$\n",
	/* not line starts only (an alternative without ^): the whole text */
	"drop:line alt ^foo|bar\\h*$\n"
	"keep:line k ^(?i)saya\n",
	/* matches that may be empty, and lookbehinds: the whole text */
	"drop:line blank ^\\h*$\n"
	"drop:line lb ^(?<!x)bar\n",
	/* one rule alone; possessive and atomic parts; a match over two lines */
	"drop:line one (?i)^\\h*+(?>iklan|advertisement)\\b[^\\n]*\\n?\n",
};

#define NSETS (sizeof(rule_sets) / sizeof(rule_sets[0]))

static struct filter *fast[NSETS], *slow[NSETS];
static struct ayak_buf text, out;

static struct filter *build(const char *rules)
{
	char path[] = "/tmp/fuzz-filter-lines-XXXXXX";
	struct filter_params p;
	struct ayak_err err;
	struct filter *f;
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, rules, strlen(rules)) != (ssize_t)strlen(rules) || close(fd))
		abort();
	filter_params_init(&p);
	p.v[FP_LINE_CLEANUP] = 1;
	p.v[FP_LINE_MIN_WORDS] = 2;
	if (filter_list_add(&p, FL_RULES, path, &err))
		abort();
	f = filter_new(&p, &err);
	filter_params_release(&p);
	unlink(path);
	if (!f)
		abort();
	return f;
}

static void run(struct filter *f, const char *s, size_t n, struct filter_result *r)
{
	const char *o;
	size_t olen;

	memset(r, 0, sizeof(*r));
	if (fl_cleanup(f, s, n, r, &o, &olen))
		abort();
	r->text = o;
	r->len = olen;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct filter_result a, b;
	size_t k, i;

	if (!fast[0]) {
		for (k = 0; k < NSETS; k++) {
			fast[k] = build(rule_sets[k]);
			slow[k] = build(rule_sets[k]);
			for (i = 0; i < 2; i++) {	/* the same regex, over the whole text */
				free(slow[k]->line_memo[i]);
				slow[k]->line_memo[i] = NULL;
			}
		}
	}
	if (!size)
		return 0;
	k = data[0] % NSETS;
	ayak_buf_reset(&text);
	if (ayak_utf8_repair((const char *)data + 1, size - 1, &text, NULL))
		abort();
	run(fast[k], text.data ? text.data : "", text.len, &a);
	ayak_buf_reset(&out);
	if (ayak_buf_add(&out, a.text, a.len))
		abort();
	run(slow[k], text.data ? text.data : "", text.len, &b);
	if (b.len != out.len || memcmp(b.text, out.data, out.len) ||
	    memcmp(a.lines_dropped, b.lines_dropped, sizeof(a.lines_dropped)) ||
	    a.match_errors != b.match_errors)
		abort();
	return 0;
}
