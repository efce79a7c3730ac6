/* Malay words and sentences; see tokseg.h. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <xxhash.h>

#include "icu.h"
#include "json.h"
#include "tok.h"
#include "tokseg.h"

/* ---- a set of lower-cased strings ---- */

struct sset {
	char **keys;
	unsigned char *vals;
	size_t mask, n;
};

static uint64_t shash(const char *s, size_t n)
{
	return XXH3_64bits(s, n);
}

static int sset_find(const struct sset *s, const char *k, size_t n)
{
	size_t i;

	if (!s->keys)
		return -1;
	for (i = shash(k, n) & s->mask; s->keys[i]; i = (i + 1) & s->mask)
		if (strlen(s->keys[i]) == n && !memcmp(s->keys[i], k, n))
			return s->vals[i];
	return -1;
}

/* What a lexicon line reader returns besides 0 and LEX_BAD (a bad line). */
#define LEX_NOMEM (-2)

/* Returns 0 or LEX_NOMEM. */
static int sset_add(struct sset *s, const char *k, size_t n, unsigned char val)
{
	size_t i;

	if ((s->n + 1) * 2 > (s->keys ? s->mask + 1 : 0)) {
		size_t cap = s->keys ? (s->mask + 1) * 2 : 1024, j;
		char **keys = calloc(cap, sizeof(*keys));
		unsigned char *vals = calloc(cap, 1);

		if (!keys || !vals) {
			free(keys);
			free(vals);
			return LEX_NOMEM;
		}
		for (j = 0; s->keys && j <= s->mask; j++) {
			if (!s->keys[j])
				continue;
			i = shash(s->keys[j], strlen(s->keys[j])) & (cap - 1);
			while (keys[i])
				i = (i + 1) & (cap - 1);
			keys[i] = s->keys[j];
			vals[i] = s->vals[j];
		}
		free(s->keys);
		free(s->vals);
		s->keys = keys;
		s->vals = vals;
		s->mask = cap - 1;
	}
	for (i = shash(k, n) & s->mask; s->keys[i]; i = (i + 1) & s->mask)
		if (strlen(s->keys[i]) == n && !memcmp(s->keys[i], k, n)) {
			s->vals[i] = val;
			return 0;
		}
	s->keys[i] = malloc(n + 1);
	if (!s->keys[i])
		return LEX_NOMEM;
	memcpy(s->keys[i], k, n);
	s->keys[i][n] = '\0';
	s->vals[i] = val;
	s->n++;
	return 0;
}

static void sset_release(struct sset *s)
{
	size_t i;

	for (i = 0; s->keys && i <= s->mask; i++)
		free(s->keys[i]);
	free(s->keys);
	free(s->vals);
	memset(s, 0, sizeof(*s));
}

/* ---- the segmenter ---- */

enum { ABBR_NOEND = 1, ABBR_LOWER = 2 };
enum { CL_SUFFIX = 1, CL_PREFIX = 2, CL_KEEP = 3 };

#define MAX_CLITICS 16

struct span {
	uint32_t s, e;		/* bytes */
};

struct spans {
	struct span *v;
	size_t n, cap;
};

struct tokseg {
	struct tokseg_opts o;
	struct sset abbr, clitic, words;
	char suffixes[MAX_CLITICS][8], prefixes[MAX_CLITICS][8];
	int nsuffixes, nprefixes;
	size_t nclitic_rules;
	UBreakIterator *wbrk, *sbrk;
	struct tok_regex *protect;
	/* per text */
	struct ayak_ustr u16;
	uint32_t *u2b;		/* UTF-16 index -> byte offset */
	size_t au2b;
	uint32_t *b2c;		/* byte offset -> code point index */
	size_t ab2c;
	struct spans prot, words_raw, words_out, sents;
	struct tokseg_span *wres, *sres;	/* of the whole text */
	size_t nwres, nsres, awres, asres;
	struct ayak_buf lower;
};

static int spans_push(struct spans *s, size_t a, size_t b)
{
	if (s->n == s->cap) {
		struct span *v = ayak_grow(s->v, &s->cap, s->n + 1, sizeof(*v), 256);

		if (!v)
			return -1;
		s->v = v;
	}
	s->v[s->n].s = (uint32_t)a;
	s->v[s->n].e = (uint32_t)b;
	s->n++;
	return 0;
}

static void lower_ascii(char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] >= 'A' && p[i] <= 'Z')
			p[i] = (char)(p[i] - 'A' + 'a');
}

/* ---- lexicons ---- */

/* A bad line of a lexicon: its message, made by lex_bad(), and room to quote a field. */
struct lexline {
	char msg[512];
	char q[400];		/* QUOTE_CHARS characters of up to 6 bytes, quotes and "..." */
};

#define LEX_BAD (-1)

/* Characters of a field a message shows; the rest is "...". */
#define QUOTE_CHARS 60

/*
 * s[0..n) in double quotes for a message, in l->q: at most QUOTE_CHARS
 * characters, with quotes, backslashes, control and format characters
 * (C0, DEL, C1, line and paragraph separators, bidirectional controls)
 * escaped as \t, \xXX or \uXXXX, and bytes that are not UTF-8 as \xXX,
 * so that nothing of a line reaches a terminal but plain text.
 */
static const char *lex_quote(struct lexline *l, const char *s, size_t n)
{
	char *o = l->q;
	size_t i = 0, k = 0, chars = 0;

	o[k++] = '"';
	while (i < n) {
		char tmp[16];
		uint32_t cp = 0;
		int len = ayak_utf8_decode((const unsigned char *)s + i, (const unsigned char *)s + n, &cp);
		int8_t type = len > 0 ? u_charType((UChar32)cp) : U_CONTROL_CHAR;
		size_t tl;

		if (chars == QUOTE_CHARS)
			break;
		if (len <= 0) {
			snprintf(tmp, sizeof(tmp), "\\x%02X", (unsigned char)s[i]);
			len = 1;
		} else if (cp == '"' || cp == '\\') {
			snprintf(tmp, sizeof(tmp), "\\%c", (char)cp);
		} else if (cp == '\t') {
			snprintf(tmp, sizeof(tmp), "\\t");
		} else if (cp < 0x80 && type == U_CONTROL_CHAR) {
			snprintf(tmp, sizeof(tmp), "\\x%02X", (unsigned)cp);
		} else if (type == U_CONTROL_CHAR || type == U_FORMAT_CHAR || type == U_LINE_SEPARATOR ||
			   type == U_PARAGRAPH_SEPARATOR) {
			snprintf(tmp, sizeof(tmp), "\\u%04X", (unsigned)cp);
		} else {
			memcpy(tmp, s + i, (size_t)len);
			tmp[len] = '\0';
		}
		tl = strlen(tmp);
		if (k + tl + 5 > sizeof(l->q))
			break;
		memcpy(o + k, tmp, tl);
		k += tl;
		i += (size_t)len;
		chars++;
	}
	o[k++] = '"';
	if (i < n) {
		memcpy(o + k, "...", 3);
		k += 3;
	}
	o[k] = '\0';
	return o;
}

__attribute__((format(printf, 2, 3)))
static int lex_bad(struct lexline *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->msg, sizeof(l->msg), fmt, ap);
	va_end(ap);
	return LEX_BAD;
}

#define MAX_FIELDS 2

/*
 * Read a lexicon: UTF-8 lines, those empty or starting with '#' skipped,
 * the others split at each TAB into nwant fields (what columns names) for
 * line(), which returns 0, LEX_BAD (its message in l->msg) or LEX_NOMEM.
 * A bad line is bad data, reported as "PATH:LINE: message".
 */
static int read_lexicon(struct tokseg *s, const char *name, int nwant, const char *columns,
			int (*line)(struct tokseg *, char **, struct lexline *), struct ayak_err *err)
{
	struct ayak_buf path = AYAK_BUF_INIT, data = AYAK_BUF_INIT;
	struct lexline l;
	const char *ln;
	size_t pos = 0, len, lineno = 0;
	int ret = 0;

	if (s->o.lexicon_dir) {
		if (ayak_buf_addf(&path, "%s/%s", s->o.lexicon_dir, name))
			return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	} else if (ayak_lexicon_path(name, &path, err)) {
		ayak_buf_release(&path);
		return -1;
	}
	/* ayak_read_file() leaves out a byte-order mark */
	if (ayak_read_file(path.data, &data, err)) {
		ret = -1;
		/* "PATH: No such file or directory", as every lexicon error names a lexicon */
		if (err && !strncmp(err->msg, path.data, path.len)) {
			struct ayak_err e = *err;

			snprintf(err->msg, sizeof(err->msg), "lexicon %.500s", e.msg);
		}
	} else if (ayak_buf_add(&data, "", 1)) {	/* room for the NUL that ends the last line */
		ret = ayak_err_set(err, AYAK_E_SYS, "out of memory");
	} else {
		data.len--;
	}
	while (!ret && ayak_next_line(data.data, data.len, &pos, &ln, &len)) {
		char *buf = data.data + (ln - data.data), *fields[MAX_FIELDS], *p = buf;
		int nf = 1, r;

		lineno++;
		for (p = buf; (p = memchr(p, '\t', len - (size_t)(p - buf))); p++)
			nf++;
		if (memchr(buf, '\0', len))
			r = lex_bad(&l, "NUL byte: %s", lex_quote(&l, buf, len));
		else if (ayak_utf8_valid_prefix(buf, len) != len)
			r = lex_bad(&l, "invalid UTF-8: %s", lex_quote(&l, buf, len));
		else if (!len || buf[0] == '#')
			continue;
		else if (nf != nwant)
			r = lex_bad(&l, nwant == 1 ? "want %d column (%s), not %d: %s" :
				    "want %d tab-separated columns (%s), not %d: %s", nwant, columns, nf,
				    lex_quote(&l, buf, len));
		else {
			int k;

			buf[len] = '\0';
			for (k = 0, p = buf; k < nf; k++) {
				char *tab = strchr(p, '\t');

				fields[k] = p;
				if (tab) {
					*tab = '\0';
					p = tab + 1;
				}
			}
			r = line(s, fields, &l);
		}
		if (r == LEX_NOMEM)
			ret = ayak_err_set(err, AYAK_E_SYS, "out of memory");
		else if (r)
			ret = ayak_err_set(err, AYAK_E_DATA, "%s:%zu: %s", path.data, lineno, l.msg);
	}
	ayak_buf_release(&data);
	ayak_buf_release(&path);
	return ret;
}

/* Abbreviation TAB class. */
static int abbr_line(struct tokseg *s, char **f, struct lexline *l)
{
	size_t n = strlen(f[0]);
	int c;

	if (!n)
		return lex_bad(l, "empty abbreviation");
	/* Only a word followed by its full stop or apostrophe is looked up. */
	if (f[0][n - 1] != '.' && f[0][n - 1] != '\'')
		return lex_bad(l, "the abbreviation %s does not end in a full stop or an apostrophe",
			       lex_quote(l, f[0], n));
	c = !strcmp(f[1], "noend") ? ABBR_NOEND : !strcmp(f[1], "lower") ? ABBR_LOWER : -1;
	if (c < 0)
		return lex_bad(l, "unknown class %s (want noend or lower)", lex_quote(l, f[1], strlen(f[1])));
	lower_ascii(f[0], n);
	return sset_add(&s->abbr, f[0], n, (unsigned char)c);
}

/* Kind TAB string. */
static int clitic_line(struct tokseg *s, char **f, struct lexline *l)
{
	const char *kind = f[0];
	size_t n = strlen(f[1]);

	if (strcmp(kind, "keep") && strcmp(kind, "suffix") && strcmp(kind, "prefix"))
		return lex_bad(l, "unknown kind %s (want suffix, prefix or keep)",
			       lex_quote(l, kind, strlen(kind)));
	if (!n)
		return lex_bad(l, "the string is empty");
	if (strcmp(kind, "keep") && n >= sizeof(s->suffixes[0]))
		return lex_bad(l, "the %s %s is longer than %zu bytes", kind, lex_quote(l, f[1], n),
			       sizeof(s->suffixes[0]) - 1);
	if ((!strcmp(kind, "suffix") && s->nsuffixes == MAX_CLITICS) ||
	    (!strcmp(kind, "prefix") && s->nprefixes == MAX_CLITICS))
		return lex_bad(l, "more than %d %ses", MAX_CLITICS, kind);
	lower_ascii(f[1], n);
	s->nclitic_rules++;
	if (!strcmp(kind, "keep"))
		return sset_add(&s->clitic, f[1], n, CL_KEEP);
	if (!strcmp(kind, "suffix"))
		memcpy(s->suffixes[s->nsuffixes++], f[1], n + 1);
	else
		memcpy(s->prefixes[s->nprefixes++], f[1], n + 1);
	return 0;
}

/* A word. */
static int word_line(struct tokseg *s, char **f, struct lexline *l)
{
	(void)l;
	lower_ascii(f[0], strlen(f[0]));
	return sset_add(&s->words, f[0], strlen(f[0]), 1);
}

/*
 * Spans kept whole: URLs, e-mail addresses, hashtags, @mentions, dates,
 * times, RM amounts, percentages.
 */
static const char protect_pattern[] =
	"(?:https?|ftp)://[^\\s<>\"'`{}|\\\\^]+|www\\.[\\p{L}\\p{N}-]+\\.[^\\s<>\"'`{}|\\\\^]+"
	"|[\\p{L}\\p{N}._%+-]+@[\\p{L}\\p{N}-]+(?:\\.[\\p{L}\\p{N}-]+)*\\.\\p{L}{2,}"
	"|(?<![\\p{L}\\p{N}_&])#[\\p{L}\\p{N}_]*\\p{L}[\\p{L}\\p{N}_]*"
	"|(?<![\\p{L}\\p{N}_.@])@[\\p{L}\\p{N}_](?:[\\p{L}\\p{N}_.]*[\\p{L}\\p{N}_])?"
	"|(?<![\\p{N}/.-])\\p{Nd}{1,4}[/.-]\\p{Nd}{1,2}[/.-]\\p{Nd}{1,4}(?![\\p{N}/-])"
	"|(?<![\\p{N}:])\\p{Nd}{1,2}:\\p{Nd}{2}(?::\\p{Nd}{2})?(?![\\p{N}:])"
	"|(?<![\\p{L}\\p{N}])RM ?\\p{Nd}+(?:[.,]\\p{Nd}+)*(?![\\p{L}\\p{N}])"
	"|(?<![\\p{L}\\p{N}.,])\\p{Nd}+(?:[.,]\\p{Nd}+)*%";

struct tokseg *tokseg_new(const struct tokseg_opts *o, struct ayak_err *err)
{
	struct tokseg *s = calloc(1, sizeof(*s));
	UErrorCode st = U_ZERO_ERROR;

	if (!s) {
		ayak_err_set(err, AYAK_E_SYS, "out of memory");
		return NULL;
	}
	if (o)
		s->o = *o;
	if (ayak_icu_init(err) ||
	    read_lexicon(s, "tok-abbreviations.tsv", 2, "an abbreviation and its class", abbr_line,
			 err) ||
	    read_lexicon(s, "tok-clitics.tsv", 2, "a kind and a string", clitic_line, err) ||
	    read_lexicon(s, "tok-words.tsv", 1, "a word", word_line, err))
		goto fail;
	s->wbrk = ubrk_open(UBRK_WORD, "ms", NULL, 0, &st);
	if (U_SUCCESS(st))
		s->sbrk = ubrk_open(UBRK_SENTENCE, "ms", NULL, 0, &st);
	if (U_FAILURE(st)) {
		ayak_err_set(err, AYAK_E_SYS, "ICU break iterator: %s", u_errorName(st));
		goto fail;
	}
	s->protect = tok_regex_new(protect_pattern, strlen(protect_pattern), err);
	if (!s->protect)
		goto fail;
	return s;
fail:
	tokseg_free(s);
	return NULL;
}

void tokseg_free(struct tokseg *s)
{
	if (!s)
		return;
	sset_release(&s->abbr);
	sset_release(&s->clitic);
	sset_release(&s->words);
	if (s->wbrk)
		ubrk_close(s->wbrk);
	if (s->sbrk)
		ubrk_close(s->sbrk);
	tok_regex_free(s->protect);
	ayak_ustr_release(&s->u16);
	free(s->u2b);
	free(s->b2c);
	free(s->prot.v);
	free(s->words_raw.v);
	free(s->words_out.v);
	free(s->sents.v);
	free(s->wres);
	free(s->sres);
	ayak_buf_release(&s->lower);
	free(s);
}

void tokseg_lexicon_sizes(const struct tokseg *s, size_t *abbrev, size_t *clitics, size_t *words)
{
	*abbrev = s->abbr.n;
	*clitics = s->nclitic_rules;
	*words = s->words.n;
}

/* ---- characters ---- */

static uint32_t cp_at(const char *t, size_t n, size_t i, size_t *len)
{
	uint32_t cp = 0xFFFD;
	int l = ayak_utf8_decode((const unsigned char *)t + i, (const unsigned char *)t + n, &cp);

	*len = l > 0 ? (size_t)l : 1;
	return cp;
}

static size_t prev_start(const char *t, size_t i)
{
	do
		i--;
	while (i > 0 && ((unsigned char)t[i] & 0xC0) == 0x80);
	return i;
}

static int is_space(uint32_t c)
{
	return u_isUWhiteSpace((UChar32)c) || c == 0x200B || c == 0xFEFF;
}

static int is_parasep(uint32_t c)
{
	return c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029 || c == 0x0B ||
	       c == 0x0C;
}

static int is_wordish(const char *t, size_t n, struct span sp)
{
	size_t i = sp.s, len;

	while (i < sp.e) {
		uint32_t c = cp_at(t, n, i, &len);

		if (u_isalnum((UChar32)c) || u_charType((UChar32)c) == U_NON_SPACING_MARK)
			return 1;
		i += len;
	}
	return 0;
}

static int is_hyphen(const char *t, size_t n, struct span sp)
{
	size_t len;
	uint32_t c = cp_at(t, n, sp.s, &len);

	return sp.s + len == sp.e && (c == '-' || c == 0x2010 || c == 0x2011);
}

/* Lower-cased copy of t[a..b) in s->lower (ASCII letters only). */
static const char *lower_copy(struct tokseg *s, const char *t, size_t a, size_t b)
{
	ayak_buf_reset(&s->lower);
	if (ayak_buf_add(&s->lower, t + a, b - a) || ayak_buf_add(&s->lower, "", 1))
		return NULL;
	lower_ascii(s->lower.data, b - a);
	return s->lower.data;
}

/* ---- per text: UTF-16 and offset maps ---- */

static int prepare(struct tokseg *s, const char *t, size_t n, struct ayak_err *err)
{
	size_t i, k = 0, c = 0;

	if (n > INT32_MAX / 2)
		return ayak_err_set(err, AYAK_E_DATA, "text too long to segment (%zu bytes)", n);
	if (ayak_utf8_to_utf16(t, n, &s->u16, NULL, err))
		return -1;
	if ((size_t)s->u16.len + 1 > s->au2b) {
		uint32_t *p = realloc(s->u2b, ((size_t)s->u16.len + 1) * sizeof(*p));

		if (!p)
			return ayak_err_set(err, AYAK_E_SYS, "out of memory");
		s->u2b = p;
		s->au2b = (size_t)s->u16.len + 1;
	}
	if (n + 1 > s->ab2c) {
		uint32_t *p = realloc(s->b2c, (n + 1) * sizeof(*p));

		if (!p)
			return ayak_err_set(err, AYAK_E_SYS, "out of memory");
		s->b2c = p;
		s->ab2c = n + 1;
	}
	for (i = 0; i < n;) {
		size_t len, j;
		uint32_t cp = cp_at(t, n, i, &len);

		for (j = 0; j < len; j++)
			s->b2c[i + j] = (uint32_t)c;
		s->u2b[k++] = (uint32_t)i;
		if (cp >= 0x10000)
			s->u2b[k++] = (uint32_t)i;
		i += len;
		c++;
	}
	s->u2b[k] = (uint32_t)n;
	s->b2c[n] = (uint32_t)c;
	return 0;
}

/* Protected spans, trimmed of trailing punctuation. */
static int find_protected(struct tokseg *s, const char *t, size_t n, struct ayak_err *err)
{
	size_t pos = 0, ms, me;
	int r;

	s->prot.n = 0;
	while ((r = tok_regex_next(s->protect, t, n, pos, NULL, &ms, &me, err)) > 0) {
		pos = me;
		/* URLs and such do not end in punctuation. */
		while (me > ms + 1 && strchr(".,;:!?)]}'\"", t[me - 1])) {
			if (t[me - 1] == ')' && memchr(t + ms, '(', me - ms))
				break;
			me--;
		}
		if (spans_push(&s->prot, ms, me))
			return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	}
	return r < 0 ? -1 : 0;
}

/* ---- words ---- */

static int icu_words(struct tokseg *s, const char *t, size_t n, struct ayak_err *err)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t a, b;
	size_t p = 0;

	s->words_raw.n = 0;
	ubrk_setText(s->wbrk, s->u16.data, s->u16.len, &st);
	if (U_FAILURE(st))
		return ayak_err_set(err, AYAK_E_SYS, "ICU: %s", u_errorName(st));
	for (a = ubrk_first(s->wbrk); (b = ubrk_next(s->wbrk)) != UBRK_DONE; a = b) {
		struct span sp = { s->u2b[a], s->u2b[b] };
		size_t i = sp.s, len;
		int blank = 1;

		while (i < sp.e) {
			if (!is_space(cp_at(t, n, i, &len))) {
				blank = 0;
				break;
			}
			i += len;
		}
		if (blank)
			continue;
		/* Cut out the protected spans. */
		while (p < s->prot.n && s->prot.v[p].e <= sp.s)
			p++;
		{
			size_t q = p, cur = sp.s;

			while (q < s->prot.n && s->prot.v[q].s < sp.e) {
				if (s->prot.v[q].s > cur && spans_push(&s->words_raw, cur, s->prot.v[q].s))
					goto oom;
				cur = s->prot.v[q].e;
				q++;
			}
			if (cur < sp.e && spans_push(&s->words_raw, cur, sp.e))
				goto oom;
		}
	}
	/* Add the protected spans and put everything in order. */
	{
		size_t i = 0, j = 0;
		struct spans *o = &s->words_out;

		o->n = 0;
		while (i < s->words_raw.n || j < s->prot.n) {
			if (j < s->prot.n && (i >= s->words_raw.n || s->prot.v[j].s <= s->words_raw.v[i].s)) {
				if (spans_push(o, s->prot.v[j].s, s->prot.v[j].e))
					goto oom;
				j++;
			} else {
				struct span w = s->words_raw.v[i++];
				size_t k, len;

				/* Drop the white space a cut left at either end. */
				while (w.s < w.e && is_space(cp_at(t, n, w.s, &len)))
					w.s += (uint32_t)len;
				while (w.e > w.s && is_space(cp_at(t, n, prev_start(t, w.e), &len)))
					w.e = (uint32_t)prev_start(t, w.e);
				if (w.s >= w.e)
					continue;
				/* ICU can give "x y" pieces only around cuts; split at spaces. */
				for (k = w.s; k < w.e;) {
					size_t st2 = k;

					while (k < w.e && !is_space(cp_at(t, n, k, &len)))
						k += len;
					if (k > st2 && spans_push(o, st2, k))
						goto oom;
					while (k < w.e && is_space(cp_at(t, n, k, &len)))
						k += len;
				}
			}
		}
	}
	return 0;
oom:
	return ayak_err_set(err, AYAK_E_SYS, "out of memory");
}

/* Merge reduplication (word-word) and abbreviations with their full stop. */
static int merge_words(struct tokseg *s, const char *t, size_t n)
{
	struct spans *w = &s->words_out;
	size_t i, k = 0;

	for (i = 0; i < w->n; i++) {
		struct span cur = w->v[i];

		/* word - word - word ... */
		while (i + 2 < w->n && w->v[i + 1].s == cur.e && w->v[i + 2].s == w->v[i + 1].e &&
		       is_hyphen(t, n, w->v[i + 1]) && is_wordish(t, n, cur) &&
		       is_wordish(t, n, w->v[i + 2])) {
			cur.e = w->v[i + 2].e;
			i += 2;
		}
		/* Dr + . -> Dr.; Dato + ' -> Dato'; Y.B + . -> Y.B. */
		if (i + 1 < w->n && w->v[i + 1].s == cur.e && w->v[i + 1].e == cur.e + 1 &&
		    (t[cur.e] == '.' || t[cur.e] == '\'')) {
			const char *l = lower_copy(s, t, cur.s, cur.e + 1);

			if (l && sset_find(&s->abbr, l, cur.e + 1 - cur.s) > 0) {
				cur.e++;
				i++;
			}
		}
		w->v[k++] = cur;
	}
	w->n = k;
	return 0;
}

static int ends_with_ci(const char *w, size_t n, const char *suf)
{
	size_t m = strlen(suf);

	return n > m && !memcmp(w + n - m, suf, m);
}

/* Is the lower-cased word w[0..n) a known stem, or one once its last hyphen part is? */
static int known_stem(struct tokseg *s, const char *w, size_t n)
{
	const char *h;

	if (n < 3)
		return 0;
	if (sset_find(&s->words, w, n) > 0)
		return 1;
	h = memrchr(w, '-', n);
	return h && (size_t)(w + n - h - 1) >= 3 && sset_find(&s->words, h + 1, (size_t)(w + n - h - 1)) > 0;
}

/* Length of the stem of lower-cased w once suffix clitics are peeled (0: none). */
static size_t peel(struct tokseg *s, const char *w, size_t n, int depth)
{
	int i;

	if (depth > 2 || sset_find(&s->clitic, w, n) == CL_KEEP)
		return 0;
	for (i = 0; i < s->nsuffixes; i++) {
		size_t m = strlen(s->suffixes[i]), stem = n - m, deeper;

		if (!ends_with_ci(w, n, s->suffixes[i]) || stem < 3)
			continue;
		if (known_stem(s, w, stem))
			return stem;
		deeper = peel(s, w, stem, depth + 1);
		if (deeper)
			return stem;
	}
	return 0;
}

static int split_clitics(struct tokseg *s, const char *t)
{
	struct spans *w = &s->words_out, out = { 0 };
	size_t i;

	for (i = 0; i < w->n; i++) {
		struct span sp = w->v[i];
		size_t n = sp.e - sp.s, j, stem, pre = 0;
		const char *l;
		int p, ok = 1;

		for (j = sp.s; j < sp.e; j++)
			if (!((t[j] >= 'a' && t[j] <= 'z') || (t[j] >= 'A' && t[j] <= 'Z') || t[j] == '-'))
				ok = 0;
		if (!ok || n < 5 || !(l = lower_copy(s, t, sp.s, sp.e)) ||
		    sset_find(&s->clitic, l, n) == CL_KEEP) {
			if (spans_push(&out, sp.s, sp.e))
				goto oom;
			continue;
		}
		/* ku-, kau-: the stem is known (perhaps with suffixes), the whole word is not. */
		if (!known_stem(s, l, n)) {
			for (p = 0; p < s->nprefixes; p++) {
				size_t m = strlen(s->prefixes[p]);

				if (n >= m + 3 && !memcmp(l, s->prefixes[p], m) && l[m] != '-' &&
				    (known_stem(s, l + m, n - m) || peel(s, l + m, n - m, 0))) {
					pre = m;
					break;
				}
			}
		}
		if (pre && spans_push(&out, sp.s, sp.s + pre))
			goto oom;
		/* Suffixes, outermost last: peel from the end, then emit in order. */
		{
			size_t ends[4], ne = 0, len = n - pre;
			const char *base = l + pre;

			while (ne < 3 && (stem = peel(s, base, len, 0)) > 0) {
				ends[ne++] = len;
				len = stem;
			}
			if (spans_push(&out, sp.s + pre, sp.s + pre + len))
				goto oom;
			while (ne > 0) {
				size_t e2 = ends[--ne];

				if (spans_push(&out, sp.s + pre + len, sp.s + pre + e2))
					goto oom;
				len = e2;
			}
		}
	}
	free(w->v);
	*w = out;
	return 0;
oom:
	free(out.v);
	return -1;
}

/* ---- sentences ---- */

/*
 * Is byte b strictly inside a protected span?  The spans are in order and
 * do not overlap, and the breaks asked about only grow, so *next (the first
 * span that may still hold a break) only moves forward: a text's breaks
 * cost one pass over its spans, not one each.
 */
static int inside_protected(const struct tokseg *s, size_t *next, size_t b)
{
	while (*next < s->prot.n && s->prot.v[*next].e <= b)
		(*next)++;
	return *next < s->prot.n && s->prot.v[*next].s < b;
}

/* Should the ICU break at byte b be dropped?  *prot: see inside_protected(). */
static int keep_together(struct tokseg *s, const char *t, size_t n, size_t b, size_t *prot)
{
	size_t i = b, dot, st, len, j;
	uint32_t c = 0;
	int cls;

	if (inside_protected(s, prot, b))
		return 1;
	/* Back over white space to the full stop, but not over a line end. */
	while (i > 0) {
		size_t q = prev_start(t, i);

		c = cp_at(t, n, q, &len);
		if (!is_space(c))
			break;
		if (is_parasep(c))
			return 0;
		i = q;
	}
	if (i == 0 || (t[i - 1] != '.' && t[i - 1] != '\''))
		return 0;
	dot = i - 1;
	/* The word before it: back to white space or an opening bracket or quote. */
	st = dot;
	while (st > 0) {
		size_t q = prev_start(t, st);

		c = cp_at(t, n, q, &len);
		if (is_space(c) || strchr("([{\"", (int)c) || c == 0x201C || c == 0x2018)
			break;
		st = q;
	}
	if (st == dot)
		return 0;
	/* An initial: one capital letter and a full stop (A. Samad Said). */
	c = cp_at(t, n, st, &len);
	if (st + len == dot && t[dot] == '.' && u_isupper((UChar32)c))
		return 1;
	if (!lower_copy(s, t, st, dot + 1))
		return 0;
	cls = sset_find(&s->abbr, s->lower.data, dot + 1 - st);
	/* "(Sdn." "Bhd.)": try without leading punctuation too. */
	for (j = st; cls < 0 && j < dot && strchr("'\"(", t[j]); j++)
		cls = sset_find(&s->abbr, s->lower.data + (j + 1 - st), dot - j);
	if (cls == ABBR_NOEND)
		return 1;
	if (cls == ABBR_LOWER) {
		/* Ends the sentence only before a capital letter. */
		for (j = b; j < n; j += len) {
			c = cp_at(t, n, j, &len);
			if (!is_space(c))
				break;
		}
		return j < n && !u_isupper((UChar32)c);
	}
	return 0;
}

static int icu_sentences(struct tokseg *s, const char *t, size_t n, struct ayak_err *err)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t b;
	size_t start = 0, prot = 0;

	s->sents.n = 0;
	ubrk_setText(s->sbrk, s->u16.data, s->u16.len, &st);
	if (U_FAILURE(st))
		return ayak_err_set(err, AYAK_E_SYS, "ICU: %s", u_errorName(st));
	ubrk_first(s->sbrk);
	while ((b = ubrk_next(s->sbrk)) != UBRK_DONE) {
		size_t e = s->u2b[b], a = start, z = e, len;

		if (e < n && keep_together(s, t, n, e, &prot))
			continue;
		start = e;
		while (a < z && is_space(cp_at(t, n, a, &len)))
			a += len;
		while (z > a && is_space(cp_at(t, n, prev_start(t, z), &len)))
			z = prev_start(t, z);
		if (z > a && spans_push(&s->sents, a, z))
			return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	}
	return 0;
}

/* ---- results ---- */

/* Append the spans of the piece at byte base, cbase code points into the text, to *res. */
static int append(struct tokseg *s, const struct spans *sp, size_t base, size_t cbase,
		  struct tokseg_span **res, size_t *nres, size_t *ares)
{
	struct tokseg_span *v = *res;
	size_t i;

	if (!sp->n)	/* *res may be NULL: no pointer arithmetic on it */
		return 0;
	if (*nres + sp->n > *ares) {
		v = ayak_grow(*res, ares, *nres + sp->n, sizeof(*v), 256);
		if (!v)
			return -1;
		*res = v;
	}
	v += *nres;
	for (i = 0; i < sp->n; i++) {
		v[i].start = (uint32_t)(base + sp->v[i].s);
		v[i].end = (uint32_t)(base + sp->v[i].e);
		v[i].cstart = (uint32_t)(cbase + s->b2c[sp->v[i].s]);
		v[i].cend = (uint32_t)(cbase + s->b2c[sp->v[i].e]);
	}
	*nres += sp->n;
	return 0;
}

/*
 * Where the piece of text[from..n) to segment next ends: n when the rest is
 * short enough, else just after the last line feed of the first
 * TOKSEG_PIECE bytes (or the first after them, for a longer line); SIZE_MAX
 * when its first line (with its line feed) is longer than the longest piece.
 */
static size_t piece_end(const struct tokseg *s, const char *text, size_t from, size_t n)
{
	size_t max = s->o.max_piece ? s->o.max_piece : TOKSEG_MAX_PIECE;
	size_t soft = max < TOKSEG_PIECE ? max : TOKSEG_PIECE, rest = n - from;
	const char *lf;

	if (rest <= soft)
		return n;
	lf = memrchr(text + from, '\n', soft);
	if (!lf)
		lf = memchr(text + from + soft, '\n', (rest < max ? rest : max) - soft);
	if (lf)
		return (size_t)(lf - text) + 1;
	return rest <= max ? n : SIZE_MAX;
}

/* Words and sentences of one piece, t[0..n), into s->words_out and s->sents. */
static int run_piece(struct tokseg *s, const char *t, size_t n, int words, int sentences,
		     struct ayak_err *err)
{
	if (prepare(s, t, n, err) || find_protected(s, t, n, err))
		return -1;
	if (words) {
		if (icu_words(s, t, n, err) || merge_words(s, t, n))
			return -1;
		if (s->o.split_clitics && split_clitics(s, t))
			return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	}
	if (sentences && icu_sentences(s, t, n, err))
		return -1;
	return 0;
}

int tokseg_run(struct tokseg *s, const char *text, size_t n, int words, int sentences,
	       struct tokseg_result *res, struct ayak_err *err)
{
	size_t from = 0, cbase = 0;

	memset(res, 0, sizeof(*res));
	res->text = text;
	res->len = n;
	s->nwres = s->nsres = 0;
	if (n > TOKSEG_MAX_TEXT) {
		ayak_err_set(err, AYAK_E_DATA, "text too long to segment (%zu bytes; the limit is %zu)", n,
			     TOKSEG_MAX_TEXT);
		return TOKSEG_TOO_LONG;
	}
	do {
		size_t to = piece_end(s, text, from, n);

		if (to == SIZE_MAX) {
			const char *lf = memchr(text + from, '\n', n - from);

			ayak_err_set(err, AYAK_E_DATA, "text too long to segment: it has a line of %zu "
				     "bytes (the limit is %zu)", lf ? (size_t)(lf + 1 - text) - from : n - from,
				     s->o.max_piece ? s->o.max_piece : TOKSEG_MAX_PIECE);
			return TOKSEG_TOO_LONG;
		}
		if (run_piece(s, text + from, to - from, words, sentences, err))
			return -1;
		if ((words && append(s, &s->words_out, from, cbase, &s->wres, &s->nwres, &s->awres)) ||
		    (sentences && append(s, &s->sents, from, cbase, &s->sres, &s->nsres, &s->asres)))
			return ayak_err_set(err, AYAK_E_SYS, "out of memory");
		cbase += s->b2c[to - from];
		from = to;
	} while (from < n);
	if (words) {
		res->words = s->wres;
		res->nwords = s->nwres;
	}
	if (sentences) {
		res->sents = s->sres;
		res->nsents = s->nsres;
	}
	return 0;
}

/* ---- output ---- */

static int json_array(const struct tokseg_result *r, const struct tokseg_span *v, size_t n,
		      int offsets, struct ayak_buf *out)
{
	size_t i;

	if (ayak_buf_add(out, "[", 1))
		return -1;
	for (i = 0; i < n; i++) {
		if (i && ayak_buf_add(out, ",", 1))
			return -1;
		if (offsets) {
			if (ayak_buf_addf(out, "[%u,%u]", v[i].cstart, v[i].cend))
				return -1;
		} else if (ayak_json_encode_string(out, r->text + v[i].start, v[i].end - v[i].start)) {
			return -1;
		}
	}
	return ayak_buf_add(out, "]", 2);	/* with the NUL separator */
}

int tokseg_json(struct tokseg *s, const struct tokseg_result *res, int words, int sentences,
		int offsets, struct ayak_buf *out)
{
	(void)s;
	if (words && (json_array(res, res->words, res->nwords, 0, out) ||
		      (offsets && json_array(res, res->words, res->nwords, 1, out))))
		return -1;
	if (sentences && (json_array(res, res->sents, res->nsents, 0, out) ||
			  (offsets && json_array(res, res->sents, res->nsents, 1, out))))
		return -1;
	return 0;
}

/* One item on a line; line breaks inside it become spaces. */
static int plain_item(struct ayak_buf *out, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = p[i] == '\n' || p[i] == '\r' ? ' ' : p[i];

		if (ayak_buf_add(out, &c, 1))
			return -1;
	}
	return 0;
}

int tokseg_plain(struct tokseg *s, const struct tokseg_result *res, int words, int sentences,
		 int offsets, struct ayak_buf *out)
{
	const struct tokseg_span *v = words ? res->words : res->sents;
	size_t n = words ? res->nwords : res->nsents, i, w = 0;

	(void)s;
	if (words && sentences) {
		for (i = 0; i < res->nsents; i++) {
			int first = 1;

			while (w < res->nwords && res->words[w].start < res->sents[i].end) {
				if (res->words[w].end > res->sents[i].start) {
					if ((!first && ayak_buf_add(out, " ", 1)) ||
					    plain_item(out, res->text + res->words[w].start,
						       res->words[w].end - res->words[w].start))
						return -1;
					first = 0;
				}
				w++;
			}
			if (ayak_buf_add(out, "\n", 1))
				return -1;
		}
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (offsets && ayak_buf_addf(out, "%u\t%u\t", v[i].cstart, v[i].cend))
			return -1;
		if (plain_item(out, res->text + v[i].start, v[i].end - v[i].start) ||
		    ayak_buf_add(out, "\n", 1))
			return -1;
	}
	return 0;
}
