/*
 * ayak-filter's parameters and profiles: the table of thresholds and
 * switches, value parsing, and profile files (key = value lines).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter-int.h"

const struct filter_param_info filter_params_info[FP_COUNT] = {
	[FP_MIN_DOC_WORDS] = { "min_doc_words", FPK_COUNT },
	[FP_MAX_DOC_WORDS] = { "max_doc_words", FPK_COUNT },
	[FP_MIN_AVG_WORD_LENGTH] = { "min_avg_word_length", FPK_RATIO },
	[FP_MAX_AVG_WORD_LENGTH] = { "max_avg_word_length", FPK_RATIO },
	[FP_MAX_SYMBOL_WORD_RATIO] = { "max_symbol_word_ratio", FPK_RATIO },
	[FP_MAX_BULLET_LINES_RATIO] = { "max_bullet_lines_ratio", FPK_SHARE },
	[FP_MAX_ELLIPSIS_LINES_RATIO] = { "max_ellipsis_lines_ratio", FPK_SHARE },
	[FP_MAX_NON_ALPHA_WORDS_RATIO] = { "max_non_alpha_words_ratio", FPK_SHARE },
	[FP_MIN_STOP_WORDS] = { "min_stop_words", FPK_COUNT },
	[FP_DUP_LINE_FRAC] = { "dup_line_frac", FPK_SHARE },
	[FP_DUP_PARA_FRAC] = { "dup_para_frac", FPK_SHARE },
	[FP_DUP_LINE_CHAR_FRAC] = { "dup_line_char_frac", FPK_SHARE },
	[FP_DUP_PARA_CHAR_FRAC] = { "dup_para_char_frac", FPK_SHARE },
	[FP_TOP_2_GRAM] = { "top_2_gram", FPK_RATIO },
	[FP_TOP_3_GRAM] = { "top_3_gram", FPK_RATIO },
	[FP_TOP_4_GRAM] = { "top_4_gram", FPK_RATIO },
	[FP_DUP_5_GRAM] = { "dup_5_gram", FPK_SHARE },
	[FP_DUP_6_GRAM] = { "dup_6_gram", FPK_SHARE },
	[FP_DUP_7_GRAM] = { "dup_7_gram", FPK_SHARE },
	[FP_DUP_8_GRAM] = { "dup_8_gram", FPK_SHARE },
	[FP_DUP_9_GRAM] = { "dup_9_gram", FPK_SHARE },
	[FP_DUP_10_GRAM] = { "dup_10_gram", FPK_SHARE },
	[FP_LINE_PUNCT_THR] = { "line_punct_thr", FPK_SHARE },
	[FP_LINE_PUNCT_EXCLUDE_ZERO] = { "line_punct_exclude_zero", FPK_BOOL },
	[FP_SHORT_LINE_THR] = { "short_line_thr", FPK_SHARE },
	[FP_SHORT_LINE_LENGTH] = { "short_line_length", FPK_COUNT },
	[FP_CHAR_DUPLICATES_RATIO] = { "char_duplicates_ratio", FPK_SHARE },
	[FP_NEW_LINE_RATIO] = { "new_line_ratio", FPK_RATIO },
	[FP_C4] = { "c4", FPK_BOOL },
	[FP_C4_MIN_SENTENCES] = { "c4_min_sentences", FPK_COUNT },
	[FP_C4_MIN_WORDS_PER_LINE] = { "c4_min_words_per_line", FPK_COUNT },
	[FP_C4_MAX_WORD_LENGTH] = { "c4_max_word_length", FPK_COUNT },
	[FP_C4_TERMINAL_PUNCT] = { "c4_terminal_punct", FPK_BOOL },
	[FP_C4_CITATIONS] = { "c4_citations", FPK_BOOL },
	[FP_C4_LOREM_IPSUM] = { "c4_lorem_ipsum", FPK_BOOL },
	[FP_C4_JAVASCRIPT] = { "c4_javascript", FPK_BOOL },
	[FP_C4_CURLY_BRACKET] = { "c4_curly_bracket", FPK_BOOL },
	[FP_C4_POLICY] = { "c4_policy", FPK_BOOL },
	[FP_LINE_CLEANUP] = { "line_cleanup", FPK_BOOL },
	[FP_LINE_MIN_WORDS] = { "line_min_words", FPK_COUNT },
	[FP_BOILERPLATE_MAX_CHARS] = { "boilerplate_max_chars", FPK_COUNT },
};

const char *const filter_list_keys[FL_COUNT] = {
	[FL_STOPWORDS] = "stopwords",
	[FL_BOILERPLATE] = "boilerplate",
	[FL_RULES] = "rules",
	[FL_BLOCKLIST] = "blocklist",
};

/*
 * Every rule off.  The c4_* settings are how C4 runs once c4 is on, not
 * rules of their own: they start at datatrove's C4QualityFilter defaults,
 * so that c4 = on (--c4) works whatever the profile leaves out.
 */
static void params_reset(struct filter_params *p)
{
	int i;

	for (i = 0; i < FP_COUNT; i++)
		p->v[i] = NAN;
	p->v[FP_C4_MIN_SENTENCES] = 5;
	p->v[FP_C4_MIN_WORDS_PER_LINE] = 3;
	p->v[FP_C4_MAX_WORD_LENGTH] = 1000;
	for (i = FP_C4_TERMINAL_PUNCT; i <= FP_C4_POLICY; i++)
		p->v[i] = 1;
}

void filter_params_init(struct filter_params *p)
{
	memset(p, 0, sizeof(*p));
	params_reset(p);
}

static void list_clear(struct filter_params *p, int id)
{
	int i;

	for (i = 0; i < p->nfiles[id]; i++)
		free(p->files[id][i]);
	p->nfiles[id] = 0;
}

void filter_params_release(struct filter_params *p)
{
	int i;

	for (i = 0; i < FL_COUNT; i++)
		list_clear(p, i);
	free(p->profile);
	p->profile = NULL;
}

/* key[0..len) equals name, with '-' and '_' alike. */
static int same_key(const char *key, size_t len, const char *name)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char a = key[i] == '-' ? '_' : key[i];

		if (a != name[i])
			return 0;
	}
	return name[len] == '\0';
}

int filter_param_lookup(const char *key, size_t len)
{
	int i;

	for (i = 0; i < FP_COUNT; i++)
		if (same_key(key, len, filter_params_info[i].key))
			return i;
	return -1;
}

int filter_list_lookup(const char *key, size_t len)
{
	int i;

	for (i = 0; i < FL_COUNT; i++)
		if (same_key(key, len, filter_list_keys[i]))
			return i;
	return -1;
}

/* [0-9]+ or, with allow_point, [0-9]+.[0-9]+ (ayak_parse_decimal()), of any length. */
static int plain_number(const char *s, int allow_point)
{
	double v;

	return allow_point ? !ayak_parse_decimal(s, &v) : *s && !s[strspn(s, "0123456789")];
}

/*
 * Is a plain_number() above 1 as written?  "1.0000000000000000001" is,
 * though it reads as the double 1.
 */
static int above_one(const char *s)
{
	s += strspn(s, "0");
	if (!*s || *s == '.')
		return 0;
	if (*s != '1' || (s[1] && s[1] != '.'))
		return 1;
	return s[1] == '.' && s[2 + strspn(s + 2, "0")];
}

int filter_param_set(struct filter_params *p, int id, const char *value,
		     struct ayak_err *err)
{
	const struct filter_param_info *pi = &filter_params_info[id];

	if (!strcmp(value, "off")) {
		p->v[id] = NAN;
		return 0;
	}
	switch (pi->kind) {
	case FPK_BOOL:
		if (!strcmp(value, "on")) {
			p->v[id] = 1;
			return 0;
		}
		return ayak_err_set(err, AYAK_E_USAGE, "%s wants on or off, not '%s'",
				    pi->key, value);
	case FPK_COUNT:
		if (!plain_number(value, 0))
			return ayak_err_set(err, AYAK_E_USAGE,
					    "%s wants a whole number or off, not '%s'",
					    pi->key, value);
		if (strtod(value, NULL) > FILTER_MAX_COUNT)
			return ayak_err_set(err, AYAK_E_USAGE,
					    "%s wants a whole number up to %.0f or off, not '%s'",
					    pi->key, FILTER_MAX_COUNT, value);
		break;
	case FPK_SHARE:
		if (plain_number(value, 1) && above_one(value))
			return ayak_err_set(err, AYAK_E_USAGE,
					    "%s is a share: it wants a number from 0 to 1 or off, not '%s'",
					    pi->key, value);
		/* fall through */
	default:
		if (!plain_number(value, 1))
			return ayak_err_set(err, AYAK_E_USAGE,
					    "%s wants a number like 0.25 or off, not '%s'",
					    pi->key, value);
		/* any length: 400 digits would read as inf */
		if (strtod(value, NULL) > FILTER_MAX_NUMBER)
			return ayak_err_set(err, AYAK_E_USAGE,
					    "%s wants a number up to 1e308 or off, not '%s'",
					    pi->key, value);
		/* it would read as 0, which turns some rules off: not what it says */
		if (strpbrk(value, "123456789") && strtod(value, NULL) == 0)
			return ayak_err_set(err, AYAK_E_USAGE,
					    "%s: '%s' is above 0 but too small to tell from 0; write 0 if that is meant",
					    pi->key, value);
	}
	p->v[id] = strtod(value, NULL);
	return 0;
}

int filter_list_add(struct filter_params *p, int id, const char *path,
		    struct ayak_err *err)
{
	if (!strcmp(path, "none")) {
		list_clear(p, id);
		return 0;
	}
	if (p->nfiles[id] == FILTER_MAX_FILES)
		return ayak_err_set(err, AYAK_E_USAGE, "more than %d %s files",
				    FILTER_MAX_FILES, filter_list_keys[id]);
	if (id == FL_STOPWORDS)	/* one stopword list: the last one named */
		list_clear(p, id);
	p->files[id][p->nfiles[id]] = strdup(path);
	if (!p->files[id][p->nfiles[id]])
		return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	p->nfiles[id]++;
	return 0;
}

static int is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

int filter_profile_parse(struct filter_params *p, const char *text, size_t len,
			 const char *name, const char *dir, struct ayak_err *err)
{
	size_t pos = 0, n;
	const char *line;
	unsigned lineno = 0, seen[FP_COUNT + FL_COUNT] = { 0 };
	char buf[1024], path[4096];

	while (ayak_next_line(text, len, &pos, &line, &n)) {
		const char *eq, *k, *ke, *v, *ve;
		int id;

		lineno++;
		while (n && is_blank(line[n - 1]))
			n--;
		while (n && is_blank(*line)) {
			line++;
			n--;
		}
		if (!n || *line == '#')
			continue;
		if (memchr(line, '\0', n)) {
			ayak_err_set(err, AYAK_E_USAGE, "NUL byte in the line");
			goto fail;
		}
		eq = memchr(line, '=', n);
		if (!eq) {
			ayak_err_set(err, AYAK_E_USAGE, "expected 'key = value'");
			goto fail;
		}
		k = line;
		ke = eq;
		while (ke > k && is_blank(ke[-1]))
			ke--;
		v = eq + 1;
		ve = line + n;
		{
			const char *hash = memchr(v, '#', (size_t)(ve - v));

			if (hash)
				ve = hash;
		}
		while (v < ve && is_blank(*v))
			v++;
		while (ve > v && is_blank(ve[-1]))
			ve--;
		if ((size_t)(ve - v) >= sizeof(buf)) {
			ayak_err_set(err, AYAK_E_USAGE, "value too long");
			goto fail;
		}
		/* a key set twice is an edit gone wrong: the first value would be lost unseen */
		id = filter_param_lookup(k, (size_t)(ke - k));
		if (id < 0 && (id = filter_list_lookup(k, (size_t)(ke - k))) >= 0)
			id += FP_COUNT;
		if (id >= 0 && seen[id]) {
			ayak_err_set(err, AYAK_E_USAGE, "key '%.*s' set twice (first at line %u)",
				     (int)(ke - k), k, seen[id]);
			goto fail;
		}
		if (id >= 0)
			seen[id] = lineno;
		if ((id = filter_param_lookup(k, (size_t)(ke - k))) >= 0) {
			memcpy(buf, v, (size_t)(ve - v));
			buf[ve - v] = '\0';
			if (filter_param_set(p, id, buf, err))
				goto fail;
		} else if ((id = filter_list_lookup(k, (size_t)(ke - k))) >= 0) {
			/* space-separated file names, relative to the profile */
			const char *w = v;

			list_clear(p, id);
			while (w < ve) {
				const char *we = w;

				while (we < ve && !is_blank(*we))
					we++;
				if (*w == '/' || !dir || !*dir)
					snprintf(path, sizeof(path), "%.*s", (int)(we - w), w);
				else
					snprintf(path, sizeof(path), "%s/%.*s", dir, (int)(we - w), w);
				if (filter_list_add(p, id, path, err))
					goto fail;
				w = we;
				while (w < ve && is_blank(*w))
					w++;
				/* one list: a second name would replace the first unseen */
				if (id == FL_STOPWORDS && w < ve) {
					ayak_err_set(err, AYAK_E_USAGE, "stopwords names one file, not '%.*s'",
						     (int)(ve - v > 200 ? 200 : ve - v), v);
					goto fail;
				}
			}
		} else {
			ayak_err_set(err, AYAK_E_USAGE, "unknown key '%.*s'",
				     (int)((ke - k) > 64 ? 64 : (ke - k)), k);
			goto fail;
		}
	}
	return 0;
fail:
	err->file = name;
	err->line = lineno;
	return -1;
}

int filter_profile_load(struct filter_params *p, const char *arg, struct ayak_err *err)
{
	struct ayak_buf path = AYAK_BUF_INIT, text = AYAK_BUF_INIT;
	size_t alen = strlen(arg);
	char *slash;
	int ret = -1;

	free(p->profile);
	p->profile = NULL;
	if (!strcmp(arg, "none")) {
		int i;

		params_reset(p);
		for (i = 0; i < FL_COUNT; i++)
			list_clear(p, i);
		p->profile = strdup("none");
		return p->profile ? 0 : ayak_err_set(err, AYAK_E_SYS, "out of memory");
	}
	if (strchr(arg, '/') || (alen > 8 && !strcmp(arg + alen - 8, ".profile"))) {
		if (ayak_buf_addf(&path, "%s", arg))	/* NUL-terminated, unlike addstr */
			goto oom;
	} else {
		struct ayak_buf rel = AYAK_BUF_INIT;

		if (ayak_buf_addf(&rel, "filter/%s.profile", arg)) {
			ayak_buf_release(&rel);
			goto oom;
		}
		ret = ayak_lexicon_path(rel.data, &path, err);
		ayak_buf_release(&rel);
		if (ret)
			goto out;
		ret = -1;
	}
	p->profile = strdup(path.data);
	if (!p->profile)
		goto oom;
	if (ayak_read_file(path.data, &text, err)) {
		if (!strchr(arg, '/') && err->code == AYAK_E_SYS && errno == ENOENT)
			ayak_err_set(err, AYAK_E_USAGE, "unknown profile '%s' (no %s)",
				     arg, path.data);
		goto out;
	}
	slash = strrchr(path.data, '/');
	if (slash)
		*slash = '\0';
	ret = filter_profile_parse(p, text.data ? text.data : "", text.len, p->profile,
				   slash ? path.data : ".", err);
	goto out;
oom:
	ayak_err_set(err, AYAK_E_SYS, "out of memory");
out:
	ayak_buf_release(&path);
	ayak_buf_release(&text);
	return ret;
}
