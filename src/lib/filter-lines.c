/*
 * Line cleanup for ayak-filter: lines matched by a drop:line rule, lines
 * that are boilerplate by lexicon ("Baca juga: ...", "Hak Cipta
 * Terpelihara", share buttons), and short lines without punctuation go;
 * the document stays.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "filter-int.h"

/* ---- lexicon ---- */

/* Characters trimmed from both ends of a line before lookup. */
static int trim_char(uint32_t cp)
{
	if (fl_isspace(cp))
		return 1;
	if (cp < 0x80)
		return cp && strchr(".:;,!?|><*-~=#_/\\\"'()[]{}+^", (int)cp) != NULL;
	switch (cp) {
	case 0xAB: case 0xBB: case 0xB7: case 0x2013: case 0x2014: case 0x2022:
	case 0x2026: case 0x2039: case 0x203A: case 0x2018: case 0x2019: case 0x201C:
	case 0x201D: case 0x25BA: case 0x25B6: case 0x2192: case 0x00A9: case 0x2122:
		return 1;
	}
	return 0;
}

static unsigned char ascii_trim[128], ascii_lower[128];

static void init_tables(void)
{
	int c;

	if (ascii_lower['a'])
		return;
	for (c = 0; c < 128; c++) {
		ascii_trim[c] = (unsigned char)trim_char((uint32_t)c);
		ascii_lower[c] = (unsigned char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
}

/*
 * The lookup form of a line: ASCII letters in lower case, every run of
 * white space one space, punctuation and symbols trimmed from both ends.
 */
static int normalize(const char *s, size_t n, struct ayak_buf *out)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t b = 0, e = n, i;
	int len, space = 0;

	init_tables();
	ayak_buf_reset(out);
	while (b < e) {
		if (u[b] < 0x80) {
			if (!ascii_trim[u[b]])
				break;
			b++;
		} else {
			if (!trim_char(fl_cp(u, e, b, &len)))
				break;
			b += (size_t)len;
		}
	}
	while (e > b) {
		size_t st = e - 1;

		if (u[st] < 0x80) {
			if (!ascii_trim[u[st]])
				break;
			e = st;
			continue;
		}
		while (st > b && (u[st] & 0xC0) == 0x80)
			st--;
		if (!trim_char(fl_cp(u, e, st, &len)))
			break;
		e = st;
	}
	if (ayak_buf_grow(out, e - b + 1))
		return -1;
	for (i = b; i < e;) {
		unsigned char c = u[i];

		if (c < 0x80) {
			if (fl_ascii_space[c]) {
				space = 1;
			} else {
				if (space)
					out->data[out->len++] = ' ';
				space = 0;
				out->data[out->len++] = (char)ascii_lower[c];
			}
			i++;
			continue;
		}
		if (fl_isspace(fl_cp(u, e, i, &len))) {
			space = 1;
		} else {
			if (space)
				out->data[out->len++] = ' ';
			space = 0;
			memcpy(out->data + out->len, s + i, (size_t)len);
			out->len += (size_t)len;
		}
		i += (size_t)len;
	}
	out->data[out->len] = '\0';
	return 0;
}

/*
 * The first (or last) word of a line as the lexicon keys it: ASCII
 * letters in lower case, trimmed characters at both ends dropped.  Lines
 * whose first and last words are not keys are not looked up further.
 * Here the word's place in the line: [*bp, *ep).
 */
static void word_span(const char *s, size_t n, int last, size_t *bp, size_t *ep)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t b = 0, e = n, i;
	int len = 1;

	init_tables();
	/* the line without what normalize() trims */
	while (b < e) {
		if (u[b] < 0x80 ? !ascii_trim[u[b]] : !trim_char(fl_cp(u, e, b, &len)))
			break;
		b += u[b] < 0x80 ? 1 : (size_t)len;
	}
	while (e > b) {
		size_t st = e - 1;

		while (st > b && (u[st] & 0xC0) == 0x80)
			st--;
		if (u[st] < 0x80 ? !ascii_trim[u[st]] : !trim_char(fl_cp(u, e, st, &len)))
			break;
		e = st;
	}
	/* its first or last word */
	if (!last) {
		for (i = b; i < e && !fl_space_at(u, e, i, &len); i += (size_t)len)
			;
		e = i;
	} else {
		for (i = e; i > b;) {
			size_t st = i - 1;

			while (st > b && (u[st] & 0xC0) == 0x80)
				st--;
			if (fl_space_at(u, i, st, &len))
				break;
			i = st;
		}
		b = i;
	}
	/* and that word trimmed at both ends */
	while (b < e && u[b] < 0x80 && ascii_trim[u[b]])
		b++;
	while (e > b && u[e - 1] < 0x80 && ascii_trim[u[e - 1]])
		e--;
	*bp = b;
	*ep = e;
}

/* The key of word_span() in out[0..cap): its length, 0 if it does not fit. */
static size_t word_key(const char *s, size_t n, int last, char *out, size_t cap)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t b, e, i;

	word_span(s, n, last, &b, &e);
	if (e - b > cap)
		return 0;
	for (i = b; i < e; i++)
		out[i - b] = (char)(u[i] < 0x80 ? ascii_lower[u[i]] : u[i]);
	return e - b;
}

int fl_text_check(const char *s, size_t n, struct ayak_err *err)
{
	if (memchr(s, '\0', n))
		return ayak_err_set(err, AYAK_E_USAGE, "NUL byte in the line");
	if (ayak_utf8_valid_prefix(s, n) != n)
		return ayak_err_set(err, AYAK_E_USAGE, "invalid UTF-8");
	return 0;
}

int fl_lexicon_parse(struct fl_lexicon *lx, const char *text, size_t len,
		     const char *name, struct ayak_err *err)
{
	struct ayak_buf norm = AYAK_BUF_INIT;
	size_t pos = 0, n;
	const char *line;
	unsigned lineno = 0;

	while (ayak_next_line(text, len, &pos, &line, &n)) {
		const char *tab;
		int kind;

		lineno++;
		while (n && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r'))
			n--;
		if (!n || *line == '#')
			continue;
		tab = memchr(line, '\t', n);
		if (tab && tab - line == 4 && !memcmp(line, "line", 4))
			kind = 0;
		else if (tab && tab - line == 6 && !memcmp(line, "prefix", 6))
			kind = 1;
		else if (tab && tab - line == 6 && !memcmp(line, "suffix", 6))
			kind = 2;
		else {
			ayak_err_set(err, AYAK_E_USAGE,
				     "expected 'line', 'prefix' or 'suffix', a TAB, and the text");
			goto fail;
		}
		if (fl_text_check(line, n, err))
			goto fail;
		if (normalize(tab + 1, n - (size_t)(tab + 1 - line), &norm))
			goto oom;
		if (!norm.len) {
			ayak_err_set(err, AYAK_E_USAGE, "empty phrase");
			goto fail;
		}
		if (fl_strset_add(kind == 1 ? &lx->prefix : kind == 2 ? &lx->suffix : &lx->line,
				  norm.data, norm.len))
			goto oom;
		{
			char key[64];
			size_t kn = word_key(norm.data, norm.len, kind == 2, key, sizeof(key));

			if (!kn) {
				ayak_err_set(err, AYAK_E_USAGE, "a word of more than %zu bytes",
					     sizeof(key));
				goto fail;
			}
			if (fl_strset_add(kind == 2 ? &lx->last : &lx->first, key, kn))
				goto oom;
			lx->key_lens[kind == 2] |= 1ULL << (kn < 63 ? kn : 63);
			lx->key_byte[kind == 2][(unsigned char)key[0] >> 6] |=
				1ULL << ((unsigned char)key[0] & 63);
		}
		if (kind == 1 && norm.len > lx->max_prefix)
			lx->max_prefix = norm.len;
		if (kind == 2 && norm.len > lx->max_suffix)
			lx->max_suffix = norm.len;
	}
	ayak_buf_release(&norm);
	return 0;
oom:
	ayak_buf_release(&norm);
	return ayak_err_set(err, AYAK_E_SYS, "out of memory");
fail:
	ayak_buf_release(&norm);
	err->file = name;
	err->line = lineno;
	return -1;
}

int fl_lexicon_load(struct fl_lexicon *lx, const char *path, struct ayak_err *err)
{
	struct ayak_buf text = AYAK_BUF_INIT;
	int ret = ayak_read_file(path, &text, err);

	if (!ret)
		ret = fl_lexicon_parse(lx, text.data ? text.data : "", text.len, path, err);
	ayak_buf_release(&text);
	return ret;
}

void fl_lexicon_release(struct fl_lexicon *lx)
{
	fl_strset_release(&lx->line);
	fl_strset_release(&lx->prefix);
	fl_strset_release(&lx->suffix);
	fl_strset_release(&lx->first);
	fl_strset_release(&lx->last);
	lx->max_prefix = lx->max_suffix = 0;
	memset(lx->key_lens, 0, sizeof(lx->key_lens));
	memset(lx->key_byte, 0, sizeof(lx->key_byte));
}

static int word_byte(unsigned char c)
{
	return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/*
 * Is the first (last = 0) or last word of the line a key of the lexicon?
 * Its length and first byte tell most lines before a key is made.
 */
static int key_in(const struct fl_lexicon *lx, int last, const char *line, size_t n)
{
	char key[64];
	size_t b, e, k;
	unsigned char c;

	word_span(line, n, last, &b, &e);
	k = e - b;
	if (!k || k > sizeof(key))
		return 0;
	c = (unsigned char)line[b];
	c = c < 0x80 ? ascii_lower[c] : c;
	if (!(lx->key_lens[last] >> (k < 63 ? k : 63) & 1) ||
	    !(lx->key_byte[last][c >> 6] >> (c & 63) & 1))
		return 0;
	for (e = 0; e < k; e++) {
		c = (unsigned char)line[b + e];
		key[e] = (char)(c < 0x80 ? ascii_lower[c] : c);
	}
	return fl_strset_has(last ? &lx->last : &lx->first, key, k);
}

int fl_lexicon_match(const struct fl_lexicon *lx, const char *line, size_t n,
		     struct ayak_buf *norm)
{
	const unsigned char *d;
	uint64_t h = 0;
	size_t k;

	/* most lines neither begin nor end like an entry: don't normalize them */
	if (!key_in(lx, 0, line, n) && !key_in(lx, 1, line, n))
		return 0;
	if (normalize(line, n, norm) || !norm->len)
		return 0;
	d = (const unsigned char *)norm->data;
	for (k = 0; k < norm->len; k++) {
		h = h * FILTER_HASH_BASE + d[k];
		/* every beginning that ends at a word boundary */
		if (k < lx->max_prefix && word_byte(d[k]) &&
		    (k + 1 == norm->len || !word_byte(d[k + 1])) &&
		    fl_strset_has_h(&lx->prefix, norm->data, k + 1, h))
			return 1;
	}
	if (lx->line.n && fl_strset_has_h(&lx->line, norm->data, norm->len, h))
		return 1;
	if (lx->suffix.n) {
		/* every end that starts at a word boundary, from the shortest */
		uint64_t hs = 0, pw = 1;

		for (k = norm->len; k-- > 0 && norm->len - k <= lx->max_suffix;) {
			hs += d[k] * pw;
			pw *= FILTER_HASH_BASE;
			if (word_byte(d[k]) && (k == 0 || !word_byte(d[k - 1])) &&
			    fl_strset_has_h(&lx->suffix, norm->data + k, norm->len - k, hs))
				return 1;
		}
	}
	return 0;
}

/* ---- cleanup ---- */

enum { M_KEEP = 1, M_PATTERN = 2, M_GOING = 4, M_GONE = 0xFF };

int fl_match(struct filter *f, const pcre2_code *re, const char *s, size_t n,
	     size_t start, size_t *mb, size_t *me)
{
	int rc = pcre2_match(re, (PCRE2_SPTR)s, n, start, PCRE2_NO_UTF_CHECK, f->md, f->mctx);
	PCRE2_SIZE *ov;

	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0)
		return rc;
	ov = pcre2_get_ovector_pointer(f->md);
	*mb = ov[0];
	*me = ov[1];
	if (*me < *mb)		/* \K tricks can do this */
		*me = *mb;
	return 1;
}

/*
 * Can a match of the combined line rules of this action begin at the line
 * start s[p]?  Not when PCRE2 finds neither a match nor a partial match
 * in the line's first three bytes alone: whatever follows, the regex
 * fails there.  The verdicts on three ASCII bytes are kept, so most lines
 * cost a table lookup, not a run of the regex.
 */
static int line_may_match(struct filter *f, int action, const unsigned char *s, size_t len,
			  size_t p)
{
	unsigned char *memo = f->line_memo[action];
	size_t k = len - p < 3 ? len - p : 3, i, idx = 0;
	int rc;

	for (i = 0; i < k; i++) {
		if (s[p + i] >= 0x80)
			return 1;
		idx = idx << 7 | s[p + i];
	}
	if (k == 3 && memo[idx])
		return memo[idx] - 1;
	rc = pcre2_match(f->line_anch[action], s + p, k, 0, PCRE2_PARTIAL_HARD, f->md,
			 f->mctx) != PCRE2_ERROR_NOMATCH;
	if (k == 3)
		memo[idx] = (unsigned char)(rc + 1);
	return rc;
}

/*
 * The next match of a combined line regex from start on, as
 * pcre2_match() would find it: it tries the start, then each line start
 * after it (the regex cannot match elsewhere: see line_start_test()).
 * *li is the first line not yet passed.
 */
static int match_lines(struct filter *f, int action, const char *text, size_t len,
		       size_t start, size_t *li, size_t *mb, size_t *me)
{
	const unsigned char *u = (const unsigned char *)text;
	size_t p = start;
	int rc;

	while (*li < f->nlines && f->lines[*li].b <= start)
		(*li)++;
	for (;;) {
		if (p < len && ((p && u[p - 1] != '\n') || line_may_match(f, action, u, len, p))) {
			rc = pcre2_match(f->line_anch[action], u, len, p, PCRE2_NO_UTF_CHECK,
					 f->md, f->mctx);
			if (rc != PCRE2_ERROR_NOMATCH) {
				PCRE2_SIZE *ov = pcre2_get_ovector_pointer(f->md);

				if (rc < 0)
					return rc;
				*mb = ov[0];
				*me = ov[1] < ov[0] ? ov[0] : ov[1];	/* \K tricks */
				return 1;
			}
		}
		if (*li >= f->nlines)
			return 0;
		p = f->lines[(*li)++].b;
	}
}

/* Mark the lines each match of a line rule touches (action's combined regex: re NULL). */
static int mark_rule(struct filter *f, const pcre2_code *re, int action, const char *text,
		     size_t len, struct filter_result *res)
{
	size_t start = 0, li = 0, lj = 0, mb, me;
	int rc;

	while (start <= len &&
	       (rc = re ? fl_match(f, re, text, len, start, &mb, &me) :
			  match_lines(f, action, text, len, start, &lj, &mb, &me)) != 0) {
		size_t last;

		if (rc < 0) {
			res->match_errors++;
			return 0;
		}
		last = me > mb ? me - 1 : mb;
		while (li < f->nlines && f->lines[li].e < mb)
			li++;
		for (; li < f->nlines && f->lines[li].b <= last; li++)
			f->lines[li].mark |= action == FA_KEEP ? M_KEEP : M_PATTERN;
		if (li)		/* the next match may start on the last line marked */
			li--;
		if (me > mb)
			start = me;
		else {
			start = mb + 1;
			while (start < len && ((unsigned char)text[start] & 0xC0) == 0x80)
				start++;
		}
	}
	return 0;
}

/*
 * Ends in . ! ? (or …, the CJK forms, and the Arabic question mark and
 * full stop of Jawi), closing quotes and brackets aside.
 */
static int ends_sentence(const unsigned char *s, size_t b, size_t e)
{
	while (e > b) {
		size_t st = e - 1;
		uint32_t cp;
		int len;

		while (st > b && (s[st] & 0xC0) == 0x80)
			st--;
		cp = fl_cp(s, e, st, &len);
		switch (cp) {
		case '"': case '\'': case ')': case ']': case 0x201D: case 0x2019: case 0xBB:
			e = st;
			continue;
		case '.': case '!': case '?': case 0x2026: case 0x3002: case 0xFF01: case 0xFF1F:
		case 0x061F: case 0x06D4:
			return 1;
		}
		return 0;
	}
	return 0;
}

/* The first white space from s[i] on, or e. */
static size_t next_space(const unsigned char *s, size_t i, size_t e)
{
	int len;

	for (;;) {
		while (i < e && s[i] > ' ' && s[i] < 0x80)
			i++;
		if (i >= e || fl_space_at(s, e, i, &len))
			return i;
		i += (size_t)len;
	}
}

/*
 * At least min words (white-space separated, with a letter or digit)?
 * A piece counts at its first letter or digit; the rest of it is skipped.
 */
static int has_words(const unsigned char *s, size_t b, size_t e, size_t min)
{
	size_t i = b, words = 0;
	int len;

	while (i < e) {
		int counted = 0;

		while (i < e) {
			unsigned char c = s[i];

			if (c < 0x80) {
				if (fl_ascii_space[c])
					break;
				i++;
				if ((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) {
					counted = 1;
					break;
				}
			} else {
				uint32_t cp = fl_cp(s, e, i, &len);

				if (fl_isspace(cp))
					break;
				i += (size_t)len;
				if (fl_isword(cp)) {
					counted = 1;
					break;
				}
			}
		}
		if (counted) {
			if (++words >= min)
				return 1;
			i = next_space(s, i, e);
		}
		while (i < e && fl_space_at(s, e, i, &len))
			i += (size_t)len;
	}
	return 0;
}

/* The line starts (or ends) with white space, and is not blank. */
static int space_at_start(const unsigned char *s, const struct fl_line *l)
{
	int len;

	return l->b < l->e && fl_isspace(fl_cp(s, l->e, l->b, &len));
}

static int space_at_end(const unsigned char *s, const struct fl_line *l)
{
	size_t st = l->e - 1;
	int len;

	if (l->b == l->e)
		return 0;
	while (st > l->b && (s[st] & 0xC0) == 0x80)
		st--;
	return fl_isspace(fl_cp(s, l->e, st, &len));
}

static int blank(const unsigned char *s, const struct fl_line *l)
{
	size_t b, e;

	fl_strip((const char *)s + l->b, l->e - l->b, &b, &e);
	return b == e;
}

static int line_ends_sentence(const unsigned char *s, const struct fl_line *l)
{
	size_t b, e;

	fl_strip((const char *)s + l->b, l->e - l->b, &b, &e);
	return ends_sentence(s, l->b + b, l->b + e);
}

/*
 * Is line i a piece of a sentence that the HTML extractor broke around a
 * link or a bold word ("dibuka bermula \n9 Januari 2023\n hingga ...")?
 * It is when a space sits at the break with a neighbouring line, or the
 * next line goes on with punctuation (". Tarikh tutup ...").  Its
 * neighbours are the lines next to it that have not gone.
 */
static int glued(const unsigned char *s, const struct filter *f, size_t i)
{
	const struct fl_line *l = &f->lines[i], *p = NULL, *n = NULL;
	size_t k;

	for (k = i; k-- > 0;)
		if (f->lines[k].mark != M_GONE) {
			p = &f->lines[k];
			break;
		}
	for (k = i + 1; k < f->nlines; k++)
		if (f->lines[k].mark != M_GONE) {
			n = &f->lines[k];
			break;
		}
	/* a sentence that ended cannot go on into the next line */
	if (p && !blank(s, p) && !line_ends_sentence(s, p) &&
	    (space_at_end(s, p) || space_at_start(s, l)))
		return 1;
	if (n && !blank(s, n)) {
		size_t b, e;

		if (!line_ends_sentence(s, l) && (space_at_end(s, l) || space_at_start(s, n)))
			return 1;
		fl_strip((const char *)s + n->b, n->e - n->b, &b, &e);
		b += n->b;
		if (s[b] && strchr(".,;:!?)]", s[b]))
			return 1;
	}
	return 0;
}

int fl_cleanup(struct filter *f, const char *text, size_t len, struct filter_result *res,
	       const char **out, size_t *outlen)
{
	const unsigned char *u = (const unsigned char *)text;
	double min_words = f->v[FP_LINE_MIN_WORDS], max_chars = f->v[FP_BOILERPLATE_MAX_CHARS];
	int lexical = f->v[FP_LINE_CLEANUP] == 1;	/* else only the line rules */
	size_t pos = 0, n, i, dropped = 0, going;
	const char *line;
	int blank_run = 1;

	*out = text;
	*outlen = len;
	f->nlines = 0;
	while (ayak_next_line(text, len, &pos, &line, &n)) {
		if (f->nlines == f->lcap) {
			struct fl_line *nl = ayak_grow(f->lines, &f->lcap, f->nlines + 1, sizeof(*nl), 256);

			if (!nl)
				return -1;
			f->lines = nl;
		}
		f->lines[f->nlines].b = (size_t)(line - text);
		f->lines[f->nlines].e = (size_t)(line - text) + n;
		f->lines[f->nlines].mark = 0;
		f->nlines++;
	}
	if (f->has_line_rules) {
		int a;

		for (a = FA_KEEP; a <= FA_DROP; a++) {
			if (f->line_re[a])
				mark_rule(f, f->line_memo[a] ? NULL : f->line_re[a], a, text, len,
					  res);
			for (i = 0; i < f->rules->n; i++)
				if (f->rules->r[i].target == FT_LINE && f->rules->r[i].action == a &&
				    !f->rules->r[i].combined)
					mark_rule(f, f->rules->r[i].re, a, text, len, res);
		}
	}
	for (i = 0; i < f->nlines; i++) {
		struct fl_line *l = &f->lines[i];
		size_t b, e, bytes;
		int why = -1;

		l->why = -1;
		fl_strip(text + l->b, l->e - l->b, &b, &e);
		b += l->b;
		e += l->b;
		if (b == e || (l->mark & M_KEEP))
			continue;
		bytes = e - b;
		if (l->mark & M_PATTERN)
			why = FLR_PATTERN;
		else if (lexical && f->has_boiler && !isnan(max_chars) &&
			 (bytes <= max_chars ||
			  (bytes <= 4 * max_chars && fl_cps(text + b, bytes) <= max_chars)) &&
			 fl_lexicon_match(&f->boiler, text + b, bytes, &f->norm))
			why = FLR_BOILERPLATE;
		else if (lexical && !isnan(min_words) && min_words > 0 &&
			 !has_words(u, b, e, (size_t)min_words) &&
			 (!has_words(u, b, e, 1) || !ends_sentence(u, b, e)))
			why = FLR_SHORT;
		l->why = (signed char)why;
	}
	/*
	 * The lines that go: those not glued to a neighbour.  As lines go,
	 * lines glued to them may not be any more ("sini" before a line "."
	 * that goes): again, all at once, until none goes, so that a second
	 * run over the result takes nothing more out.
	 */
	do {
		going = 0;
		for (i = 0; i < f->nlines; i++)
			if (f->lines[i].why >= 0 && f->lines[i].mark != M_GONE &&
			    !glued(u, f, i)) {
				f->lines[i].mark |= M_GOING;
				going++;
			}
		for (i = 0; going && i < f->nlines; i++)
			if (f->lines[i].why >= 0 && (f->lines[i].mark & M_GOING) &&
			    f->lines[i].mark != M_GONE) {
				f->lines[i].mark = M_GONE;
				res->lines_dropped[f->lines[i].why]++;
				dropped++;
			}
	} while (going);
	if (!dropped)
		return 0;
	/* kept lines; blank runs left behind become one blank line */
	ayak_buf_reset(&f->clean);
	for (i = 0; i < f->nlines; i++) {
		struct fl_line *l = &f->lines[i];
		size_t b, e;

		if (l->mark == M_GONE)
			continue;
		fl_strip(text + l->b, l->e - l->b, &b, &e);
		if (b == e) {
			blank_run++;
			continue;
		}
		if (f->clean.len && ayak_buf_add(&f->clean, blank_run ? "\n\n" : "\n",
						 blank_run ? 2 : 1))
			return -1;
		if (ayak_buf_add(&f->clean, text + l->b, l->e - l->b))
			return -1;
		blank_run = 0;
	}
	*out = f->clean.data ? f->clean.data : "";
	*outlen = f->clean.len;
	return 0;
}
