/*
 * Pattern rules (`ACTION[:TARGET] NAME REGEX`, compiled with PCRE2 and
 * its JIT) and the pieces of URLs they look at.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter-int.h"

struct filter_rules *filter_rules_new(void)
{
	return calloc(1, sizeof(struct filter_rules));
}

void filter_rules_free(struct filter_rules *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++) {
		free(r->r[i].name);
		free(r->r[i].reason);
		free(r->r[i].placeholder);
		free(r->r[i].file);
		free(r->r[i].src);
		pcre2_code_free(r->r[i].re);
	}
	free(r->r);
	free(r);
}

size_t filter_rules_count(const struct filter_rules *r)
{
	return r ? r->n : 0;
}

static const struct {
	const char *word;
	int action, target;
} actions[] = {
	{ "keep", FA_KEEP, FT_TEXT }, { "keep:text", FA_KEEP, FT_TEXT },
	{ "keep:url", FA_KEEP, FT_URL }, { "keep:domain", FA_KEEP, FT_DOMAIN },
	{ "keep:line", FA_KEEP, FT_LINE },
	{ "drop", FA_DROP, FT_TEXT }, { "drop:text", FA_DROP, FT_TEXT },
	{ "drop:url", FA_DROP, FT_URL }, { "drop:domain", FA_DROP, FT_DOMAIN },
	{ "drop:line", FA_DROP, FT_LINE },
	{ "redact", FA_REDACT, FT_TEXT }, { "redact:text", FA_REDACT, FT_TEXT },
};

static int is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int name_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.';
}

static char *dupn(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static char *concat3(const char *a, const char *b, size_t bn, const char *c)
{
	size_t an = strlen(a), cn = strlen(c);
	char *d = malloc(an + bn + cn + 1);

	if (d) {
		memcpy(d, a, an);
		memcpy(d + an, b, bn);
		memcpy(d + an + bn, c, cn + 1);
	}
	return d;
}

int filter_rules_parse(struct filter_rules *r, const char *text, size_t len,
		       const char *name, int jit, struct ayak_err *err)
{
	size_t pos = 0, n, i;
	const char *line;
	unsigned lineno = 0;

	while (ayak_next_line(text, len, &pos, &line, &n)) {
		const char *p = line, *end, *w, *nm;
		size_t wn, nn;
		int action = -1, target = 0, ec;
		PCRE2_SIZE eoff;
		struct fl_rule *rule;
		pcre2_code *re;
		uint32_t opts = PCRE2_UTF | PCRE2_UCP;

		lineno++;
		end = line + n;
		while (end > p && is_blank(end[-1]))
			end--;
		while (p < end && is_blank(*p))
			p++;
		if (p == end || *p == '#')
			continue;
		/* the combined line rules and their checks read the regex as a C string */
		if (memchr(p, '\0', (size_t)(end - p))) {
			ayak_err_set(err, AYAK_E_USAGE, "NUL byte in the line");
			goto fail;
		}
		w = p;
		while (p < end && !is_blank(*p))
			p++;
		wn = (size_t)(p - w);
		for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
			if (strlen(actions[i].word) == wn && !memcmp(actions[i].word, w, wn)) {
				action = actions[i].action;
				target = actions[i].target;
			}
		if (action < 0) {
			if (memchr(w, ':', wn) && (wn > 7 && !memcmp(w, "redact:", 7)))
				ayak_err_set(err, AYAK_E_USAGE, "redact works on the text only, not '%.*s'",
					     (int)(wn > 40 ? 40 : wn), w);
			else
				ayak_err_set(err, AYAK_E_USAGE,
					     "unknown action '%.*s' (keep, drop or redact, with :text, :url, :domain or :line)",
					     (int)(wn > 40 ? 40 : wn), w);
			goto fail;
		}
		while (p < end && is_blank(*p))
			p++;
		nm = p;
		while (p < end && !is_blank(*p))
			p++;
		nn = (size_t)(p - nm);
		if (!nn) {
			ayak_err_set(err, AYAK_E_USAGE, "missing rule name and regular expression");
			goto fail;
		}
		for (i = 0; i < nn; i++)
			if (!name_char((unsigned char)nm[i]))
				break;
		if (i < nn || nn > 64) {
			ayak_err_set(err, AYAK_E_USAGE,
				     "bad rule name '%.*s' (letters, digits, '_', '-' and '.', at most 64)",
				     (int)(nn > 64 ? 64 : nn), nm);
			goto fail;
		}
		while (p < end && is_blank(*p))
			p++;
		if (p == end) {
			ayak_err_set(err, AYAK_E_USAGE, "rule '%.*s' has no regular expression",
				     (int)nn, nm);
			goto fail;
		}
		for (i = 0; i < r->n; i++)
			if (strlen(r->r[i].name) == nn && !memcmp(r->r[i].name, nm, nn)) {
				ayak_err_set(err, AYAK_E_USAGE, "rule '%.*s' is defined twice (first at %s:%u)",
					     (int)nn, nm, r->r[i].file, r->r[i].line);
				goto fail;
			}
		if (target == FT_LINE)
			opts |= PCRE2_MULTILINE;
		re = pcre2_compile((PCRE2_SPTR)p, (PCRE2_SIZE)(end - p), opts, &ec, &eoff, NULL);
		if (!re && ec == PCRE2_ERROR_HEAP_FAILED) {
			ayak_err_set(err, AYAK_E_SYS, "out of memory");
			goto fail;
		}
		if (!re) {
			PCRE2_UCHAR msg[256];

			pcre2_get_error_message(ec, msg, sizeof(msg));
			ayak_err_set(err, AYAK_E_USAGE,
				     "bad regular expression for rule '%.*s': %s at offset %zu",
				     (int)nn, nm, (const char *)msg, (size_t)eoff);
			goto fail;
		}
		if (jit)
			pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);	/* else interpreted */
		if (r->n == r->cap) {
			struct fl_rule *nr = ayak_grow(r->r, &r->cap, r->n + 1, sizeof(*nr), 16);

			if (!nr) {
				pcre2_code_free(re);
				goto oom;
			}
			r->r = nr;
		}
		rule = &r->r[r->n];
		memset(rule, 0, sizeof(*rule));
		rule->re = re;
		rule->action = action;
		rule->target = target;
		rule->line = lineno;
		rule->name = dupn(nm, nn);
		rule->reason = concat3("rule:", nm, nn, "");
		rule->placeholder = concat3("<", nm, nn, ">");
		rule->file = dupn(name, strlen(name));
		rule->src = dupn(p, (size_t)(end - p));
		r->n++;
		if (!rule->name || !rule->reason || !rule->placeholder || !rule->file || !rule->src)
			goto oom;
	}
	return 0;
oom:
	ayak_err_set(err, AYAK_E_SYS, "out of memory");
	return -1;
fail:
	err->file = name;
	err->line = lineno;
	return -1;
}
