/*
 * The Malay word rules of ayak-norm: --elongation, --reduplication and
 * --expand-slang, with their lexicons (lexicons/norm/words.txt and
 * lexicons/norm/slang.tsv).
 *
 * A text is cut into tokens: runs of letters, digits and marks.  The rules
 * look at tokens made of ASCII letters only (the lexicons are ASCII), in
 * two passes:
 *
 *   A. elongation and reduplication, token by token: sedappp -> sedap
 *      (a run of three or more equal letters squeezed to one or two, when
 *      that gives a word of the lexicon), kanak2 / kanak² -> kanak-kanak
 *      (when the lexicon knows the base, with Malay prefixes handled:
 *      berlari2 -> berlari-lari, menari2 -> menari-nari);
 *   B. slang, on the result of A: a token (or two: "tak nak") found in the
 *      slang table is replaced, when its context allows.
 *
 * The rules look no further than a line, so a text is done line by line,
 * and a line with no candidate (no run of three letters, no 2, no word of
 * the slang table: a quick scan with a Bloom filter) is not tokenized.
 *
 * A token is only touched when it stands free: after the start of a line,
 * a space or an opening bracket or quote, and before the end of a line, a
 * space, or closing punctuation followed by a space.  So URLs, e-mail
 * addresses, hashtags, mentions, hyphenated words (x-ray) and file names
 * are left alone.  Case: lower-case tokens are expanded; Capitalized ones
 * only at the start of a sentence (elsewhere they are names: Yee, Nga);
 * ALL CAPS ones only in a line without lower case, of three words or more,
 * and when they have a vowel (DAH -> SUDAH; YG, MKN read as acronyms);
 * single capital letters and mixed case never.
 *
 * Every output is a fixed point: the slang table is resolved at load time
 * so that no expansion holds a form that would expand again (x -> tak ->
 * tidak becomes x -> tidak), forms with a context are decided after the
 * others, on their result, and the slang pass repeats while a context may
 * have changed; outputs never hold digits or runs of three letters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>

#include "norm_int.h"

#define MAX_WORD 64		/* longer tokens are left alone */
#define NO_OUT UINT32_MAX

enum { CTX_MID = 1, CTX_NONUM = 2 };

struct norm_lex;
static long redup_skip(const struct norm_lex *lx, const char *w, size_t n, int an);

/* ---- a hash set of strings kept in an arena ---- */

struct strset {
	uint32_t *slot;		/* 0: empty, else index + 1 */
	uint32_t *fp;		/* the high half of each slot's hash, to skip most compares */
	size_t mask;
	size_t n;
};

/*
 * hash_str() of w[0..n) when the bytes after w[n], up to the next multiple
 * of eight, are zero (the hot loops pad their word buffers so).
 */
static inline uint64_t hash_padded(const char *w, size_t n)
{
	uint64_t h = (uint64_t)n * 0x9E3779B97F4A7C15ull;
	size_t i;

	for (i = 0; i < n; i += 8) {
		uint64_t x;

		memcpy(&x, w + i, 8);
		h = (h ^ x) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	return h ^ (h >> 29);
}

/* A hash of a short string, eight bytes at a time. */
static uint64_t hash_str(const char *s, size_t n)
{
	uint64_t h = (uint64_t)n * 0x9E3779B97F4A7C15ull;

	while (n >= 8) {
		uint64_t w;

		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
		s += 8;
		n -= 8;
	}
	if (n) {
		uint64_t w = 0;

		memcpy(&w, s, n);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	return h ^ (h >> 29);
}

struct slang {
	uint32_t key;		/* arena offsets of NUL-terminated strings */
	uint32_t std, inf;	/* standard and informal forms (inf: NO_OUT = the key) */
	uint32_t out;		/* what this mode writes, or NO_OUT */
	unsigned char ctx;
	unsigned char bifirst;	/* its informal form starts a two-word form */
	unsigned char name;	/* also a name (Nga, Yee): replaced in lower case only */
	size_t line;		/* of slang.tsv, for errors */
};

struct norm_lex {
	unsigned flags;
	struct ayak_buf arena;
	struct slang *sl;
	size_t nsl, capsl;
	struct strset slset;
	uint64_t bloom[512];	/* 32768 bits: two per slang form, to reject most words at once */
	size_t max_key;		/* longest one-word form */
	uint32_t *words;
	size_t nwords, capw;
	struct strset wset;
	/* scratch */
	struct tok *tok;
	size_t ntok, captok;
	struct ayak_buf a, b;
};

static const char *str_at(const struct norm_lex *lx, uint32_t off)
{
	return lx->arena.data + off;
}

/* Index of s[0..n) in set (keys are arena offsets in keys[]), or -1. */
static long set_find(const struct norm_lex *lx, const struct strset *set, const uint32_t *keys,
		     size_t stride, const char *s, size_t n)
{
	uint64_t h;
	uint32_t fp;
	size_t i;

	if (!set->slot)
		return -1;
	h = hash_str(s, n);
	fp = (uint32_t)(h >> 32);
	for (i = h & set->mask; set->slot[i]; i = (i + 1) & set->mask) {
		uint32_t idx;
		const char *k;

		if (set->fp[i] != fp)
			continue;
		idx = set->slot[i] - 1;
		k = str_at(lx, *(const uint32_t *)((const char *)keys + idx * stride));
		if (!memcmp(k, s, n) && k[n] == '\0')
			return idx;
	}
	return -1;
}

static int set_build(struct norm_lex *lx, struct strset *set, const uint32_t *keys,
		     size_t stride, size_t count)
{
	size_t cap = 64, i;

	while (cap < count * 3)
		cap *= 2;
	set->slot = calloc(cap, sizeof(uint32_t));
	set->fp = calloc(cap, sizeof(uint32_t));
	if (!set->slot || !set->fp)
		return -1;
	set->mask = cap - 1;
	set->n = count;
	for (i = 0; i < count; i++) {
		const char *k = str_at(lx, *(const uint32_t *)((const char *)keys + i * stride));
		uint64_t h = hash_str(k, strlen(k));
		size_t j = h & set->mask;

		while (set->slot[j])
			j = (j + 1) & set->mask;
		set->slot[j] = (uint32_t)i + 1;
		set->fp[j] = (uint32_t)(h >> 32);
	}
	return 0;
}

/* The keys of the slang table, stride sizeof(struct slang); NULL when it is empty. */
static const uint32_t *slang_keys(const struct norm_lex *lx)
{
	return lx->sl ? &lx->sl[0].key : NULL;
}

static long find_slang(const struct norm_lex *lx, const char *s, size_t n)
{
	return set_find(lx, &lx->slset, slang_keys(lx), sizeof(struct slang), s, n);
}

static int is_word(const struct norm_lex *lx, const char *s, size_t n)
{
	return set_find(lx, &lx->wset, lx->words, sizeof(uint32_t), s, n) >= 0;
}

/* ---- loading ---- */

static int add_str(struct norm_lex *lx, const char *s, size_t n, uint32_t *off)
{
	if (lx->arena.len + n + 1 > UINT32_MAX - 1)
		return -1;
	*off = (uint32_t)lx->arena.len;
	if (ayak_buf_add(&lx->arena, s, n) || ayak_buf_add(&lx->arena, "", 1))
		return -1;
	return 0;
}

/* The "# version: X" of a lexicon's header, or "unknown". */
static void header_version(const char *data, size_t len, char *out, size_t outlen)
{
	const char *p = data, *end = len ? data + len : data;	/* data may be NULL then */

	snprintf(out, outlen, "unknown");
	while (p < end && *p == '#') {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (l > 11 && !strncmp(p, "# version: ", 11)) {
			snprintf(out, outlen, "%.*s", (int)(l - 11), p + 11);
			return;
		}
		p += l + 1;
	}
}

static int lex_path(const char *dir, const char *name, struct ayak_buf *path,
		    struct ayak_err *err)
{
	ayak_buf_reset(path);
	if (ayak_buf_addf(path, "%s/%s", dir, name))
		return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	return 0;
}

static int load_words(struct norm_lex *lx, const char *dir, struct ayak_buf *info,
		      struct ayak_err *err)
{
	struct ayak_buf path = AYAK_BUF_INIT, data = AYAK_BUF_INIT;
	char version[64];
	const char *w;
	size_t i = 0, l, lineno = 0;
	int ret = -1;

	if (lex_path(dir, "norm/words.txt", &path, err) || ayak_read_file(path.data, &data, err) ||
	    ayak_text_check(path.data, data.data, data.len, AYAK_E_SYS, err))
		goto out;
	while (ayak_next_line(data.data, data.len, &i, &w, &l)) {
		lineno++;
		if (!l || *w == '#')
			continue;
		if (lx->nwords == lx->capw) {
			uint32_t *p = ayak_grow(lx->words, &lx->capw, lx->nwords + 1, sizeof(uint32_t), 32768);

			if (!p)
				goto oom;
			lx->words = p;
		}
		if (add_str(lx, w, l, &lx->words[lx->nwords]))
			goto oom;
		lx->nwords++;
	}
	if (set_build(lx, &lx->wset, lx->words, sizeof(uint32_t), lx->nwords))
		goto oom;
	header_version(data.data, data.len, version, sizeof(version));
	ayak_buf_addf(info, "norm/words.txt %s (%zu words)\n", version, lx->nwords);
	ret = 0;
	goto out;
oom:
	ayak_err_set(err, AYAK_E_SYS, "out of memory");
out:
	ayak_buf_release(&path);
	ayak_buf_release(&data);
	return ret;
}

/* Split a TSV line into at most max fields; returns the count. */
static int split_tabs(char *line, char **f, int max)
{
	int n = 0;

	f[n++] = line;
	while (n < max && (line = strchr(line, '\t'))) {
		*line++ = '\0';
		f[n++] = line;
	}
	return n;
}

/*
 * Resolve the chains of the slang table: every word of an output that is
 * itself a form (with no context) is replaced by that form's output, so
 * that expanding twice gives what expanding once gave.  Entries that do
 * not settle are dropped.
 */
static int resolve_chains(struct norm_lex *lx)
{
	struct ayak_buf b = AYAK_BUF_INIT;
	size_t i;
	int round, ret = -1;

	for (round = 0; round < 4; round++) {
		int changed = 0;

		for (i = 0; i < lx->nsl; i++) {
			struct slang *e = &lx->sl[i];
			const char *p;
			int any = 0;

			if (e->out == NO_OUT)
				continue;
			ayak_buf_reset(&b);
			p = str_at(lx, e->out);
			while (*p) {
				size_t n = strcspn(p, " -");
				long j = find_slang(lx, p, n);

				if (j >= 0 && (size_t)j != i && !lx->sl[j].ctx && lx->sl[j].out != NO_OUT &&
				    !strchr(str_at(lx, lx->sl[j].key), ' ')) {
					if (ayak_buf_addstr(&b, str_at(lx, lx->sl[j].out)))
						goto out;
					any = 1;
				} else if (ayak_buf_add(&b, p, n)) {
					goto out;
				}
				p += n;
				if (*p && ayak_buf_add(&b, p++, 1))
					goto out;
			}
			if (any) {
				if (add_str(lx, b.data, b.len, &lx->sl[i].out))
					goto out;
				changed = 1;
			}
		}
		if (!changed)
			break;
	}
	/* Drop what did not settle. */
	for (i = 0; i < lx->nsl; i++) {
		struct slang *e = &lx->sl[i];
		const char *p;

		if (e->out == NO_OUT)
			continue;
		for (p = str_at(lx, e->out); *p;) {
			size_t n = strcspn(p, " -");
			long j = find_slang(lx, p, n);

			if (j >= 0 && !lx->sl[j].ctx && lx->sl[j].out != NO_OUT)
				e->out = NO_OUT;
			p += n;
			if (*p)
				p++;
		}
	}
	ret = 0;
out:
	ayak_buf_release(&b);
	return ret;
}

/* The length of the longest space-separated word of s. */
static size_t longest_word(const char *s)
{
	size_t best = 0, n;

	for (;;) {
		n = strcspn(s, " ");
		if (n > best)
			best = n;
		if (!s[n])
			return best;
		s += n + 1;
	}
}

/* A form has no capital: tokens are matched in lower case, so it would never match. */
static int lower_case(const char *s)
{
	int32_t i = 0, n = (int32_t)strlen(s);
	UChar32 c;

	while (i < n) {
		U8_NEXT(s, i, n, c);
		if (u_isupper(c) || u_istitle(c))
			return 0;
	}
	return 1;
}

/*
 * CONTEXT: empty or a comma-separated list of mid, nonum and name.  Sets
 * e's context; returns 0, or -1 with what is wrong in bad.
 */
static int parse_context(char *ctx, struct slang *e, const char **bad)
{
	char *c = ctx, *comma;

	if (!*ctx)
		return 0;
	for (;; c = comma + 1) {
		comma = strchr(c, ',');
		if (comma)
			*comma = '\0';
		if (!strcmp(c, "mid"))
			e->ctx |= CTX_MID;
		else if (!strcmp(c, "nonum"))
			e->ctx |= CTX_NONUM;
		else if (!strcmp(c, "name"))
			e->name = 1;
		else {
			*bad = c;
			return -1;
		}
		if (!comma)
			return 0;
	}
}

static int load_slang(struct norm_lex *lx, const char *dir, struct ayak_buf *info,
		      struct ayak_err *err)
{
	struct ayak_buf path = AYAK_BUF_INIT, data = AYAK_BUF_INIT;
	int informal = (lx->flags & AYAK_NORM_KEEP_INFORMAL) != 0;
	char version[64];
	const char *cl;
	size_t i = 0, l, lineno = 0, active = 0;
	int ret = -1;

	if (lex_path(dir, "norm/slang.tsv", &path, err) || ayak_read_file(path.data, &data, err) ||
	    ayak_text_check(path.data, data.data, data.len, AYAK_E_SYS, err))
		goto out;
	if (ayak_buf_add(&data, "", 1))
		goto oom;
	data.len--;
	while (ayak_next_line(data.data, data.len, &i, &cl, &l)) {
		char *line = data.data + (cl - data.data), *f[6];
		struct slang *e;
		const char *bad;
		int nf;

		lineno++;
		line[l] = '\0';	/* the data end with a NUL: see above */
		if (!l || *line == '#')
			continue;
		nf = split_tabs(line, f, 6);
		if (nf != 5 || !*f[0] || !*f[1]) {
			ayak_err_set(err, AYAK_E_SYS, "%s:%zu: want 5 tab-separated columns",
				     path.data, lineno);
			goto out;
		}
		/* longer words are left alone, and the scans' buffers hold MAX_WORD */
		if (longest_word(f[0]) > MAX_WORD) {
			ayak_err_set(err, AYAK_E_SYS, "%s:%zu: a word of the form is longer than %d bytes",
				     path.data, lineno, MAX_WORD);
			goto out;
		}
		if (!lower_case(f[0])) {
			ayak_err_set(err, AYAK_E_SYS, "%s:%zu: the form '%s' is not lower case",
				     path.data, lineno, f[0]);
			goto out;
		}
		if (lx->nsl == lx->capsl) {
			struct slang *p = ayak_grow(lx->sl, &lx->capsl, lx->nsl + 1, sizeof(*p), 4096);

			if (!p)
				goto oom;
			lx->sl = p;
		}
		e = &lx->sl[lx->nsl];
		memset(e, 0, sizeof(*e));
		e->line = lineno;
		if (parse_context(f[3], e, &bad)) {
			ayak_err_set(err, AYAK_E_SYS,
				     "%s:%zu: unknown context '%s' (want mid, nonum or name)",
				     path.data, lineno, bad);
			goto out;
		}
		if (add_str(lx, f[0], strlen(f[0]), &e->key) ||
		    add_str(lx, f[1], strlen(f[1]), &e->std))
			goto oom;
		if (!strcmp(f[2], "="))
			e->inf = NO_OUT;
		else if (!*f[2])
			e->inf = e->std;
		else if (add_str(lx, f[2], strlen(f[2]), &e->inf))
			goto oom;
		e->out = informal ? e->inf : e->std;
		lx->nsl++;
	}
	if (set_build(lx, &lx->slset, slang_keys(lx), sizeof(struct slang), lx->nsl))
		goto oom;
	/* A second entry for a form would never be used: the lookup finds the first. */
	for (i = 0; i < lx->nsl; i++) {
		const char *k = str_at(lx, lx->sl[i].key);
		long j = find_slang(lx, k, strlen(k));

		if (j != (long)i) {
			ayak_err_set(err, AYAK_E_SYS, "%s:%zu: the form '%s' is already on line %zu",
				     path.data, lx->sl[i].line, k, lx->sl[j].line);
			goto out;
		}
	}
	if (resolve_chains(lx))
		goto oom;
	for (i = 0; i < lx->nsl; i++) {
		const char *k = str_at(lx, lx->sl[i].key);
		uint64_t h = hash_str(k, strlen(k));

		lx->bloom[(h & 32767) >> 6] |= (uint64_t)1 << (h & 63);
		lx->bloom[((h >> 15) & 32767) >> 6] |= (uint64_t)1 << ((h >> 15) & 63);
	}
	/* Which forms may start a two-word form (their informal form is its first word). */
	for (i = 0; i < lx->nsl; i++) {
		const char *k = str_at(lx, lx->sl[i].key), *sp = strchr(k, ' ');
		size_t m;

		if (!sp) {
			if (strlen(k) > lx->max_key)
				lx->max_key = strlen(k);
			continue;
		}
		for (m = 0; m < lx->nsl; m++) {
			const struct slang *e = &lx->sl[m];
			const char *c = e->inf == NO_OUT ? str_at(lx, e->key) : str_at(lx, e->inf);

			if (!strncmp(c, k, (size_t)(sp - k)) && c[sp - k] == '\0')
				lx->sl[m].bifirst = 1;
		}
	}
	for (i = 0; i < lx->nsl; i++)
		active += lx->sl[i].out != NO_OUT;
	header_version(data.data, data.len, version, sizeof(version));
	ayak_buf_addf(info, "norm/slang.tsv %s (%zu entries, %zu active)\n", version,
		      lx->nsl, active);
	ret = 0;
	goto out;
oom:
	ayak_err_set(err, AYAK_E_SYS, "out of memory");
out:
	ayak_buf_release(&path);
	ayak_buf_release(&data);
	return ret;
}

size_t norm_lex_nwords(const struct norm_lex *lx)
{
	return lx->nwords;
}

const char *norm_lex_word(const struct norm_lex *lx, size_t i)
{
	return str_at(lx, lx->words[i]);
}

int norm_lex_is_word(const struct norm_lex *lx, const char *s, size_t n)
{
	return is_word(lx, s, n);
}

long norm_lex_redup_skip(const struct norm_lex *lx, const char *w, size_t n)
{
	return n <= MAX_WORD ? redup_skip(lx, w, n, 0) : -1;
}

struct norm_lex *norm_lex_load(const char *dir, unsigned flags, struct ayak_buf *info,
			       struct ayak_err *err)
{
	struct norm_lex *lx = calloc(1, sizeof(*lx));

	if (!lx) {
		ayak_err_set(err, AYAK_E_SYS, "out of memory");
		return NULL;
	}
	lx->flags = flags;
	if (((flags & (AYAK_NORM_ELONG | AYAK_NORM_REDUP)) && load_words(lx, dir, info, err)) ||
	    ((flags & AYAK_NORM_SLANG) && load_slang(lx, dir, info, err))) {
		norm_lex_free(lx);
		return NULL;
	}
	return lx;
}

void norm_lex_free(struct norm_lex *lx)
{
	if (!lx)
		return;
	ayak_buf_release(&lx->arena);
	ayak_buf_release(&lx->a);
	ayak_buf_release(&lx->b);
	free(lx->sl);
	free(lx->slset.slot);
	free(lx->slset.fp);
	free(lx->words);
	free(lx->wset.slot);
	free(lx->wset.fp);
	free(lx->tok);
	free(lx);
}

/* ---- tokens ---- */

enum { C_LOWER, C_CAP, C_UPPER, C_MIXED };

struct tok {
	size_t start, end;
	unsigned char ascii;	/* ASCII letters only */
	unsigned char number;	/* ASCII digits only */
	unsigned char letters;	/* letters and marks only (any script) */
	unsigned char cas;
	unsigned char free_l;	/* stands free on the left */
	unsigned char free_r;	/* ... and on the right */
	unsigned char span;	/* slang: tokens replaced from here (1 or 2), 0: none */
	const char *out;	/* slang: what replaces them */
	int32_t sl;		/* slang: the entry of the token as a form, or -1 */
};

static int is_word_char(uint32_t c)
{
	if (c < 0x80)
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
	return u_isalnum((UChar32)c) || (U_GET_GC_MASK((UChar32)c) & U_GC_M_MASK);
}

static int opens(uint32_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '(' || c == '[' || c == '{' ||
	       c == '"' || c == '*' || c == 0x201C || c == 0x2018 || c == 0xAB;
}

static int closes(uint32_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == ')' || c == ']' || c == '}' ||
	       c == '"' || c == '*' || c == '!' || c == '?' || c == 0x201D || c == 0x2019 ||
	       c == 0xBB || c == 0x2026;
}

static int free_after(const char *s, size_t i, size_t len)
{
	uint32_t c;
	int k;

	if (i >= len)
		return 1;
	k = norm_u8(s, i, len, &c);
	if (closes(c))
		return 1;
	if (c == '.' || c == ',' || c == ';' || c == ':' || c == '\'') {
		/* Punctuation, then a space, more punctuation or the end. */
		i += (size_t)k;
		while (i < len && strchr(".,;:!?'\")", s[i]))
			i++;
		return i >= len || s[i] == ' ' || s[i] == '\n' || s[i] == '\t';
	}
	return 0;
}

static int free_before(const char *s, size_t i)
{
	size_t j = i;
	uint32_t c;

	if (i == 0)
		return 1;
	/* Step back one character. */
	do
		j--;
	while (j > 0 && ((unsigned char)s[j] & 0xC0) == 0x80);
	norm_u8(s, j, i, &c);
	return opens(c);
}

/* ASCII classes for the tokenizer. */
enum { A_LOWER = 1, A_UPPER = 2, A_DIGIT = 4 };
static const unsigned char aclass[128] = {
	['0'] = A_DIGIT, ['1'] = A_DIGIT, ['2'] = A_DIGIT, ['3'] = A_DIGIT, ['4'] = A_DIGIT,
	['5'] = A_DIGIT, ['6'] = A_DIGIT, ['7'] = A_DIGIT, ['8'] = A_DIGIT, ['9'] = A_DIGIT,
	['A'] = A_UPPER, ['B'] = A_UPPER, ['C'] = A_UPPER, ['D'] = A_UPPER, ['E'] = A_UPPER,
	['F'] = A_UPPER, ['G'] = A_UPPER, ['H'] = A_UPPER, ['I'] = A_UPPER, ['J'] = A_UPPER,
	['K'] = A_UPPER, ['L'] = A_UPPER, ['M'] = A_UPPER, ['N'] = A_UPPER, ['O'] = A_UPPER,
	['P'] = A_UPPER, ['Q'] = A_UPPER, ['R'] = A_UPPER, ['S'] = A_UPPER, ['T'] = A_UPPER,
	['U'] = A_UPPER, ['V'] = A_UPPER, ['W'] = A_UPPER, ['X'] = A_UPPER, ['Y'] = A_UPPER,
	['Z'] = A_UPPER,
	['a'] = A_LOWER, ['b'] = A_LOWER, ['c'] = A_LOWER, ['d'] = A_LOWER, ['e'] = A_LOWER,
	['f'] = A_LOWER, ['g'] = A_LOWER, ['h'] = A_LOWER, ['i'] = A_LOWER, ['j'] = A_LOWER,
	['k'] = A_LOWER, ['l'] = A_LOWER, ['m'] = A_LOWER, ['n'] = A_LOWER, ['o'] = A_LOWER,
	['p'] = A_LOWER, ['q'] = A_LOWER, ['r'] = A_LOWER, ['s'] = A_LOWER, ['t'] = A_LOWER,
	['u'] = A_LOWER, ['v'] = A_LOWER, ['w'] = A_LOWER, ['x'] = A_LOWER, ['y'] = A_LOWER,
	['z'] = A_LOWER,
};

static int tokenize(struct norm_lex *lx, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	lx->ntok = 0;
	while (i < len) {
		struct tok *t;
		uint32_t c;
		int k, nup = 0, nlow = 0, first_up = 0;

		if (p[i] < 0x80) {
			if (!aclass[p[i]]) {
				i++;
				continue;
			}
		} else {
			k = norm_u8(s, i, len, &c);
			if (!is_word_char(c)) {
				i += (size_t)k;
				continue;
			}
		}
		if (lx->ntok == lx->captok) {
			struct tok *q = ayak_grow(lx->tok, &lx->captok, lx->ntok + 1, sizeof(*q), 1024);

			if (!q)
				return -1;
			lx->tok = q;
		}
		t = &lx->tok[lx->ntok++];
		t->start = i;
		t->ascii = t->number = t->letters = 1;
		t->span = 0;
		t->out = NULL;
		t->sl = -1;
		first_up = p[i] < 0x80 && aclass[p[i]] == A_UPPER;
		while (i < len) {
			if (p[i] < 0x80) {
				/* a run of ASCII letters and digits */
				unsigned seen = 0;
				size_t j = i;
				unsigned char a;

				while (j < len && p[j] < 0x80 && (a = aclass[p[j]])) {
					seen |= a;
					nup += a == A_UPPER;
					nlow += a == A_LOWER;
					j++;
				}
				if (seen & A_DIGIT)
					t->ascii = t->letters = 0;
				if (seen & (A_LOWER | A_UPPER))
					t->number = 0;
				if (j == i)
					break;
				i = j;
				continue;
			}
			k = norm_u8(s, i, len, &c);
			if (!is_word_char(c))
				break;
			t->number = 0;
			t->ascii = 0;
			if (!u_isalpha((UChar32)c) && !(U_GET_GC_MASK((UChar32)c) & U_GC_M_MASK))
				t->letters = 0;
			if (u_isupper((UChar32)c)) {
				if (i == t->start)
					first_up = 1;
				nup++;
			} else {
				nlow++;
			}
			i += (size_t)k;
		}
		t->end = i;
		t->cas = !nup ? C_LOWER : !nlow ? C_UPPER : (first_up && nup == 1) ? C_CAP : C_MIXED;
		t->free_l = (unsigned char)free_before(s, t->start);
		t->free_r = (unsigned char)free_after(s, t->end, len);
	}
	return 0;
}

/* Lower-case ASCII copy of a token into buf[MAX_WORD + 1]; 0 if too long. */
static size_t lower(const char *s, const struct tok *t, char *buf)
{
	size_t n = t->end - t->start, i;

	if (n > MAX_WORD)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[t->start + i];

		buf[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
	}
	buf[n] = '\0';
	return n;
}

/* ---- pass A: elongation and reduplication ---- */

static const char *const suffixes[] = { "nya", "lah", "kah", "tah", "pun", "ku", "mu", NULL };

/* A word of the lexicon, possibly with a clitic (rumahnya, pergilah). */
static int known(const struct norm_lex *lx, const char *w, size_t n)
{
	int i;

	if (is_word(lx, w, n))
		return 1;
	if ((lx->flags & AYAK_NORM_SLANG) && find_slang(lx, w, n) >= 0)
		return 1;
	for (i = 0; suffixes[i]; i++) {
		size_t k = strlen(suffixes[i]);

		if (n > k + 2 && !memcmp(w + n - k, suffixes[i], k) && is_word(lx, w, n - k))
			return 1;
	}
	return 0;
}

/*
 * Elongation: write into out (MAX_WORD + 1) the token w[0..n) with its runs
 * of three or more equal letters squeezed to one or two, the first such
 * form the lexicon knows (one letter preferred).  Returns its length, or
 * 0 when there is no run or no known form.
 */
static size_t squeeze(const struct norm_lex *lx, const char *w, size_t n, const char *orig,
		      char *out)
{
	size_t runs[8][2], nruns = 0, i, j;
	unsigned mask;

	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && w[j] == w[i]; j++)
			;
		if (j - i >= 3) {
			if (nruns == 8)
				return 0;
			runs[nruns][0] = i;
			runs[nruns][1] = j;
			nruns++;
		}
	}
	if (!nruns || nruns > 4)
		return 0;
	/* Bit r of mask set: run r keeps two letters. */
	for (mask = 0; mask < (1u << nruns); mask++) {
		char cand[MAX_WORD + 1], orig_cand[MAX_WORD + 1];
		size_t o = 0, r = 0;

		for (i = 0; i < n;) {
			if (r < nruns && i == runs[r][0]) {
				size_t keep = (mask >> r) & 1 ? 2 : 1;

				memcpy(cand + o, w + i, keep);
				memcpy(orig_cand + o, orig + i, keep);
				o += keep;
				i = runs[r][1];
				r++;
			} else {
				cand[o] = w[i];
				orig_cand[o++] = orig[i++];
			}
		}
		cand[o] = '\0';
		if (o >= 2 && known(lx, cand, o)) {
			memcpy(out, orig_cand, o);
			out[o] = '\0';
			return o;
		}
	}
	return 0;
}

static const char *const redup_suffixes[] = {
	"nya", "nye", "lah", "kah", "kan", "an", "i", "ku", "mu", "pun", NULL
};

static int word_cat(const struct norm_lex *lx, const char *a, const char *b, size_t bn,
		    const char *c)
{
	char buf[MAX_WORD + 16];
	size_t an = strlen(a), cn = strlen(c);

	if (an + bn + cn > sizeof(buf))
		return 0;
	memcpy(buf, a, an);
	memcpy(buf + an, b, bn);
	memcpy(buf + an + bn, c, cn);
	return is_word(lx, buf, an + bn + cn);
}

/* w is a root (a base of derivations), not a derived word: kesedapan, dikemas, keluarkan. */
static int root_like(const struct norm_lex *lx, const char *w, size_t n)
{
	return word_cat(lx, "di", w, n, "") || word_cat(lx, "di", w, n, "kan") ||
	       word_cat(lx, "di", w, n, "i") || word_cat(lx, "ke", w, n, "an") ||
	       word_cat(lx, "ber", w, n, "") ||
	       (strncmp(w, "me", 2) && word_cat(lx, "", w, n, "kan"));
}

/* r is a word that other words derive from: lari (berlari, larian). */
static int productive(const struct norm_lex *lx, const char *r, size_t n)
{
	return n >= 2 && is_word(lx, r, n) &&
	       (word_cat(lx, "", r, n, "an") || word_cat(lx, "ber", r, n, "") ||
		word_cat(lx, "di", r, n, "") || word_cat(lx, "ter", r, n, "") ||
		word_cat(lx, "", r, n, "kan"));
}

static int vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/* me- words: where the repeated part starts, following the nasal rules; 0 if unsure. */
static size_t redup_me(const struct norm_lex *lx, const char *w, size_t n)
{
	char root[MAX_WORD + 2];

	if (n >= 6 && (!strncmp(w, "meng", 4) || !strncmp(w, "meny", 4)) && vowel(w[4])) {
		/* meng+ambil (a vowel root), or k dropped: me+ngata (kata); meny+: s dropped */
		if (w[3] == 'y')
			return 2;
		root[0] = 'k';
		memcpy(root + 1, w + 4, n - 4);
		if (productive(lx, root, n - 3))
			return 2;
		return 4;
	}
	if (n >= 5 && (!strncmp(w, "mem", 3) || !strncmp(w, "men", 3)) && vowel(w[3]))
		return 2;	/* p or t dropped: me+mukul (pukul), me+nari (tari) */
	if (n >= 6 && !strncmp(w, "meng", 4) && productive(lx, w + 4, n - 4))
		return 4;	/* meng+garu, meng+kaji */
	if (n >= 6 && (!strncmp(w, "mem", 3) || !strncmp(w, "men", 3)) &&
	    productive(lx, w + 3, n - 3))
		return 3;	/* mem+baca, men+dengar */
	if (n >= 5 && strchr("lrwymn", w[2]) && is_word(lx, w + 2, n - 2))
		return 2;	/* me+lompat, me+nyanyi, me+masak */
	return 0;
}

/*
 * Words of the word list that look prefixed but are roots and repeat whole
 * (beras is not be+ras, terapi not ter+api): ayak's review of what the
 * prefix rules below split, sorted for bsearch.
 */
static const char *const whole_roots[] = {
	"berak", "beranda", "berandal", "berang", "berapa", "beras", "berhala", "beringin",
	"bernas", "bersin", "diagnostik", "diari", "dikau", "dikir", "dioksida", "disenteri", "kereta",
	"memang", "memar", "memori", "menara", "menora", "mental", "mentari", "mentua", "merak",
	"meriam", "sejarah", "sekarang", "sekutu", "sepak", "serai", "serang", "sering",
	"terapi", "terasi", "teratak", "terjun", "ternak", "terpal",
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int whole_root(const char *w, size_t n)
{
	char buf[MAX_WORD + 1];
	const char *key = buf;

	if (n > MAX_WORD)
		return 0;
	memcpy(buf, w, n);
	buf[n] = '\0';
	return bsearch(&key, whole_roots, sizeof(whole_roots) / sizeof(whole_roots[0]),
		       sizeof(whole_roots[0]), cmp_str) != NULL;
}

/*
 * Reduplication of base w[0..n) (lower case): how many leading bytes of
 * the base the repeated part leaves out (0: the whole base repeats), or -1
 * when the lexicon does not know the base.  an: the suffix -an follows
 * (keanak2an), where ke- is a prefix.
 */
static long redup_skip(const struct norm_lex *lx, const char *w, size_t n, int an)
{
	/* ke- and be- are handled below: alone they make words of their own (ketua, beras) */
	static const char *const prefixes[] = { "memper", "diper", "ber", "ter", "se", "di", NULL };
	static const char *const numerals[] = { "dua", "tiga", "empat", "lima", "enam", "tujuh",
						 "lapan", "sembilan", NULL };
	size_t k;
	int i;

	/* Two letters and 2 are a word and a number: ke2 is the ordinal ke-2, di2 'at 2'. */
	if (n < 3)
		return -1;
	if (whole_root(w, n))
		return 0;
	if (n >= 4 && root_like(lx, w, n))
		return 0;
	if (n >= 5 && w[0] == 'm' && w[1] == 'e' && (k = redup_me(lx, w, n)))
		return (long)k;
	/* ber+ with an r-initial root drops an r: beribu (ribu), beria (ria, not ia) */
	if (n >= 5 && !strncmp(w, "ber", 3) && vowel(w[3]) &&
	    (n < 6 || !productive(lx, w + 3, n - 3)) && productive(lx, w + 2, n - 2))
		return 2;
	/* Other prefixes, when what follows is a root. */
	for (i = 0; prefixes[i]; i++) {
		k = strlen(prefixes[i]);
		if (n >= k + 3 && !strncmp(w, prefixes[i], k) && productive(lx, w + k, n - k))
			return (long)k;
	}
	/* ke- only in ke-...-an (keanak-anakan) and before a numeral (kedua-dua). */
	if (n >= 5 && !strncmp(w, "ke", 2)) {
		for (i = 0; numerals[i]; i++)
			if (!strcmp(w + 2, numerals[i]))
				return 2;
		if (an && productive(lx, w + 2, n - 2))
			return 2;
	}
	/* be- before a root whose first syllable ends in r: bekerja, beternak */
	if (n >= 6 && !strncmp(w, "be", 2) && !vowel(w[2]) && w[3] == 'e' && w[4] == 'r' &&
	    productive(lx, w + 2, n - 2))
		return 2;
	if (is_word(lx, w, n))
		return 0;
	return -1;
}

/*
 * Pass A over s[0..len): elongation and reduplication.  Returns the number
 * of changes; the result goes to out.
 */
static size_t pass_a(struct ayak_norm *n, struct norm_lex *lx, const char *s, size_t len,
		     struct ayak_buf *out)
{
	int elong = (lx->flags & AYAK_NORM_ELONG) != 0, redup = (lx->flags & AYAK_NORM_REDUP) != 0;
	size_t i, copied = 0, changes = 0;

	for (i = 0; i < lx->ntok; i++) {
		struct tok *t = &lx->tok[i];
		size_t tn = t->end - t->start;
		char w[MAX_WORD + 1], sq[MAX_WORD + 1];

		if (tn > MAX_WORD || !t->free_l)
			continue;
		/* Elongation: a token of ASCII letters. */
		if (elong && t->ascii && t->free_r && tn >= 3 && lower(s, t, w)) {
			size_t k = squeeze(lx, w, tn, s + t->start, sq);

			if (k) {
				if (ayak_buf_add(out, s + copied, t->start - copied) ||
				    ayak_buf_add(out, sq, k))
					return 0;
				copied = t->end;
				n->counts[AYAK_NORM_R_ELONG]++;
				changes++;
				continue;
			}
		}
		/* Reduplication: letters, then "2" (and a suffix), or letters then "²". */
		if (redup && tn >= 3 && lower(s, t, w)) {
			size_t b = 0, e = 0, sfx = 0, after = t->end;
			int two = 0, next = 0;	/* next: the token after ² is its suffix */

			while (b < tn && w[b] >= 'a' && w[b] <= 'z')
				b++;
			if (b >= 2 && b < tn && w[b] == '2') {
				e = b + 1;
				if (e < tn) {
					int k;

					for (k = 0; redup_suffixes[k]; k++)
						if (!strcmp(w + e, redup_suffixes[k]))
							break;
					if (!redup_suffixes[k])
						e = 0;
					else
						sfx = tn - e;
				}
				two = e != 0 && t->free_r;
			} else if (b == tn && after + 1 < len && (unsigned char)s[after] == 0xC2 &&
				   (unsigned char)s[after + 1] == 0xB2) {
				/* kanak² (and kanak²nya) */
				after += 2;
				if (i + 1 < lx->ntok && lx->tok[i + 1].start == after) {
					char w2[MAX_WORD + 1];
					int k;

					if (lower(s, &lx->tok[i + 1], w2))
						for (k = 0; redup_suffixes[k]; k++)
							if (!strcmp(w2, redup_suffixes[k])) {
								sfx = lx->tok[i + 1].end - after;
								break;
							}
					if (sfx) {
						after = lx->tok[i + 1].end;
						next = 1;
					}
				}
				two = free_after(s, after, len);
			}
			if (two) {
				const char *base = s + t->start;
				size_t bn = b;
				long skip;
				int an;
				char exp[MAX_WORD + 1];

				w[b] = '\0';
				/* A slang base (jln2) is expanded first, if it is one word. */
				if ((lx->flags & AYAK_NORM_SLANG) && !is_word(lx, w, b)) {
					long j = find_slang(lx, w, b);

					if (j >= 0 && lx->sl[j].out != NO_OUT && !lx->sl[j].ctx) {
						const char *o = str_at(lx, lx->sl[j].out);

						if (!strpbrk(o, " -") && strlen(o) <= MAX_WORD) {
							bn = strlen(o);
							memcpy(exp, o, bn + 1);
							if (t->cas == C_CAP || t->cas == C_UPPER)
								exp[0] = (char)(exp[0] - 32);
							base = exp;
							memcpy(w, o, bn + 1);
						}
					}
				}
				an = sfx == 2 && (s[after - 2] | 32) == 'a' && (s[after - 1] | 32) == 'n';
				skip = redup_skip(lx, w, bn, an);
				if (skip >= 0) {
					const char *suffix = s + (after - sfx);

					if (ayak_buf_add(out, s + copied, t->start - copied) ||
					    ayak_buf_add(out, base, bn) || ayak_buf_add(out, "-", 1))
						return 0;
					/* The repeated part is lower case unless the base is all capitals. */
					if (t->cas == C_UPPER) {
						if (ayak_buf_add(out, base + skip, bn - (size_t)skip))
							return 0;
					} else {
						size_t q;

						for (q = (size_t)skip; q < bn; q++) {
							char c = base[q];

							if (c >= 'A' && c <= 'Z')
								c = (char)(c + 32);
							if (ayak_buf_add(out, &c, 1))
								return 0;
						}
					}
					if (ayak_buf_add(out, suffix, sfx))
						return 0;
					copied = after;
					n->counts[AYAK_NORM_R_REDUP]++;
					changes++;
					if (next)
						i++;	/* the suffix token after ², written */
				}
			}
		}
	}
	if (changes && ayak_buf_add(out, s + copied, len - copied))
		return 0;
	return changes;
}

/* ---- pass B: slang ---- */

static int is_number_tok(const struct tok *t)
{
	return t->number;
}

/*
 * The token j is a word of two letters or more, one space away from token
 * i.  A neighbour that slang replaces counts as what replaces it (always
 * a word), so that the decision is the same on the output.
 */
static int spaced_word(const struct norm_lex *lx, const char *s, size_t i, size_t j)
{
	const struct tok *a = &lx->tok[i < j ? i : j], *b = &lx->tok[i < j ? j : i];
	const struct tok *o = &lx->tok[j];
	size_t k, chars = 0;

	if (b->start != a->end + 1 || s[a->end] != ' ')
		return 0;
	if (o->out || (j > 0 && lx->tok[j - 1].span == 2))
		return 1;
	for (k = o->start; k < o->end && chars < 2; k++)
		chars += ((unsigned char)s[k] & 0xC0) != 0x80;
	return o->letters && chars >= 2;
}

/* Is the neighbour j of token i a number, with only spaces between? */
static int number_near(const struct norm_lex *lx, const char *s, size_t i, size_t j)
{
	const struct tok *a = &lx->tok[i < j ? i : j], *b = &lx->tok[i < j ? j : i];
	size_t k;

	if (!is_number_tok(&lx->tok[j]))
		return 0;
	for (k = a->end; k < b->start; k++)
		if (s[k] != ' ')
			return 0;
	return 1;
}

static int context_ok(const struct norm_lex *lx, const char *s, size_t i, unsigned ctx)
{
	if (ctx & CTX_MID) {
		if (i == 0 || i + 1 >= lx->ntok || !spaced_word(lx, s, i, i - 1) ||
		    !spaced_word(lx, s, i, i + 1))
			return 0;
	}
	if (ctx & CTX_NONUM) {
		if ((i > 0 && number_near(lx, s, i, i - 1)) ||
		    (i + 1 < lx->ntok && number_near(lx, s, i, i + 1)))
			return 0;
	}
	return 1;
}

/*
 * An ALL CAPS token may be expanded when its line shouts: no lower-case
 * letter in the whole line, three words or more, and the token has a
 * vowel (DAH, JER: words; YG, MKN, KPD read as acronyms).
 */
static int shouting(const struct norm_lex *lx, const char *s, size_t len, size_t i)
{
	const struct tok *t = &lx->tok[i];
	size_t a = t->start, b = t->end, k;
	int words = 0, vowel = 0;

	for (k = t->start; k < t->end; k++)
		vowel |= strchr("AEIOU", s[k]) != NULL;
	if (!vowel)
		return 0;
	while (a > 0 && s[a - 1] != '\n')
		a--;
	while (b < len && s[b] != '\n')
		b++;
	for (k = a; k < b; k++) {
		unsigned char c = (unsigned char)s[k];

		if (c >= 'a' && c <= 'z')
			return 0;
		if (c >= 0x80) {
			uint32_t cp;
			int n = norm_u8(s, k, b, &cp);

			if (u_islower((UChar32)cp))
				return 0;
			k += (size_t)n - 1;
		}
	}
	for (k = 0; k < lx->ntok; k++)
		if (lx->tok[k].start >= a && lx->tok[k].end <= b && !lx->tok[k].number)
			words++;
	return words >= 3;
}

/*
 * The word at s[i] starts a sentence: only spaces, quotes, brackets and
 * list marks (- * \u2022, "1)" at the start of a line) between it and the
 * start of the text or line, or . ! ? : ; or an ellipsis.
 * (A Capitalized word elsewhere is likely a name: Yee, Nga, Kate.)
 */
static int sentence_start(const char *s, size_t i)
{
	while (i > 0) {
		unsigned char c = (unsigned char)s[i - 1];

		if (c == ' ' || c == '\t' || c == '"' || c == '\'' || c == '(' || c == '[' ||
		    c == '*' || c == '-') {
			i--;
			continue;
		}
		if (c == ')') {
			/* a numbered item, "1) Yg ...", at the start of a line */
			size_t j = i - 1;

			while (j > 0 && s[j - 1] >= '0' && s[j - 1] <= '9' && i - 1 - j < 3)
				j--;
			if (j == i - 1)
				return 0;
			if (j > 0 && s[j - 1] == '(')
				j--;
			while (j > 0 && (s[j - 1] == ' ' || s[j - 1] == '\t'))
				j--;
			return j == 0 || s[j - 1] == '\n';
		}
		if (c >= 0x80) {
			size_t j = i - 1;
			uint32_t cp;

			while (j > 0 && ((unsigned char)s[j] & 0xC0) == 0x80)
				j--;
			norm_u8(s, j, i, &cp);
			if (cp == 0x201C || cp == 0x2018 || cp == 0xAB || cp == 0x2014 || cp == 0x2013 ||
			    cp == 0x2022 || cp == 0x25CF || cp == 0x25AA || cp == 0x25E6) {
				i = j;
				continue;
			}
			return cp == 0x2026;
		}
		return c == '\n' || c == '.' || c == '!' || c == '?' || c == ':' || c == ';';
	}
	return 1;
}

static int case_ok(const struct norm_lex *lx, const char *s, size_t len, const struct tok *t,
		   size_t i)
{
	size_t n = t->end - t->start;

	if (t->cas == C_LOWER)
		return 1;
	if (t->cas == C_MIXED || n == 1)
		return 0;
	if (t->cas == C_CAP)
		return sentence_start(s, t->start);
	return shouting(lx, s, len, i);
}

/* Append o to out in the case of the token (lower, Capitalized or ALL CAPS). */
static int put_cased(struct ayak_buf *out, const char *o, int cas)
{
	size_t k, n = strlen(o);

	if (ayak_buf_grow(out, n))
		return -1;
	for (k = 0; k < n; k++) {
		char c = o[k];

		if (c >= 'a' && c <= 'z' && (cas == C_UPPER || (cas == C_CAP && k == 0)))
			c = (char)(c - 32);
		out->data[out->len++] = c;
	}
	return 0;
}

/* The informal form of a lower-case word, for looking up two-word forms (x nak -> tak nak). */
static const char *canon(const struct norm_lex *lx, const char *w, size_t n)
{
	long j = find_slang(lx, w, n);

	if (j < 0 || lx->sl[j].ctx)
		return NULL;
	if (lx->sl[j].inf == NO_OUT)
		return str_at(lx, lx->sl[j].key);
	return str_at(lx, lx->sl[j].inf);
}

/* Look every free, ASCII token up in the slang table once. */
static void lookup_all(struct norm_lex *lx, const char *s)
{
	static const unsigned char low[128] = {
		['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4', ['5'] = '5',
		['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
		['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e', ['F'] = 'f',
		['G'] = 'g', ['H'] = 'h', ['I'] = 'i', ['J'] = 'j', ['K'] = 'k', ['L'] = 'l',
		['M'] = 'm', ['N'] = 'n', ['O'] = 'o', ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r',
		['S'] = 's', ['T'] = 't', ['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x',
		['Y'] = 'y', ['Z'] = 'z',
		['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e', ['f'] = 'f',
		['g'] = 'g', ['h'] = 'h', ['i'] = 'i', ['j'] = 'j', ['k'] = 'k', ['l'] = 'l',
		['m'] = 'm', ['n'] = 'n', ['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r',
		['s'] = 's', ['t'] = 't', ['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x',
		['y'] = 'y', ['z'] = 'z',
	};
	size_t i;

	for (i = 0; i < lx->ntok; i++) {
		struct tok *t = &lx->tok[i];
		size_t tn = t->end - t->start, k;
		const unsigned char *p = (const unsigned char *)s + t->start;
		uint64_t h;
		char w[MAX_WORD + 9];

		if (!t->free_l || tn > lx->max_key || (!t->ascii && (t->letters || t->number)))
			continue;
		/* lower case; a non-ASCII byte means no form */
		for (k = 0; k < tn; k++) {
			unsigned char c = p[k] < 0x80 ? low[p[k]] : 0;

			if (!c)
				break;
			w[k] = (char)c;
		}
		if (k < tn)
			continue;
		memset(w + tn, 0, 8);
		h = hash_padded(w, tn);
		if (!((lx->bloom[(h & 32767) >> 6] >> (h & 63)) & 1) ||
		    !((lx->bloom[((h >> 15) & 32767) >> 6] >> ((h >> 15) & 63)) & 1))
			continue;
		w[tn] = '\0';
		t->sl = (int32_t)find_slang(lx, w, tn);
	}
}

/*
 * Decide the slang replacement starting at token i (forms with a context
 * only when ctx_pass is set, the others only when it is not); record it in
 * the token.  Returns the number of tokens it covers, 0 for none; sets
 * *blocked when a form with a context was held back by it.
 */
static int decide(struct norm_lex *lx, const char *s, size_t len, size_t i, int ctx_pass,
		  int *blocked)
{
	struct tok *t = &lx->tok[i];
	const struct slang *e;

	if (t->sl < 0 || !case_ok(lx, s, len, t, i))
		return 0;
	e = &lx->sl[t->sl];
	/* "Nga datang": at the start of a sentence too, a capital says a name */
	if (e->name && t->cas != C_LOWER)
		return 0;
	/*
	 * Two words: "tak nak", also as "x nak" or "x nk".  The second word is
	 * the context a form like "x" asks for; only a number before it
	 * ("3 x nak") still says it is not a word.
	 */
	if (!ctx_pass && e->bifirst && !(e->ctx && i > 0 && number_near(lx, s, i, i - 1)) &&
	    i + 1 < lx->ntok && lx->tok[i + 1].ascii &&
	    lx->tok[i + 1].start == t->end + 1 && s[t->end] == ' ' && lx->tok[i + 1].free_r &&
	    lx->tok[i + 1].end - lx->tok[i + 1].start <= MAX_WORD &&
	    (lx->tok[i + 1].cas == C_LOWER || lx->tok[i + 1].cas == t->cas)) {
		char w2[MAX_WORD + 1], key[2 * MAX_WORD + 2];
		const char *c1 = e->inf == NO_OUT ? str_at(lx, e->key) : str_at(lx, e->inf), *c2;
		size_t l1 = strlen(c1), l2;
		long j;

		lower(s, &lx->tok[i + 1], w2);
		c2 = canon(lx, w2, lx->tok[i + 1].end - lx->tok[i + 1].start);
		if (!c2)
			c2 = w2;
		l2 = strlen(c2);
		if (l1 + l2 + 1 < sizeof(key)) {
			memcpy(key, c1, l1);
			key[l1] = ' ';
			memcpy(key + l1 + 1, c2, l2 + 1);
			j = find_slang(lx, key, l1 + 1 + l2);
			if (j >= 0 && !lx->sl[j].ctx) {
				const struct slang *b = &lx->sl[j];
				/* --keep-informal keeps "tak nak" as it is, but writes it for "x nk" */
				int spelled_other = strcmp(c1, str_at(lx, e->key)) || strcmp(c2, w2);

				if (b->out == NO_OUT && b->inf == NO_OUT && spelled_other &&
				    (lx->flags & AYAK_NORM_KEEP_INFORMAL))
					t->out = str_at(lx, b->key);
				else if (b->out != NO_OUT)
					t->out = str_at(lx, b->out);
				else
					return 0;
				t->span = 2;
				return 2;
			}
		}
	}
	if (!t->free_r || e->out == NO_OUT || !e->ctx != !ctx_pass)
		return 0;
	if (ctx_pass && !context_ok(lx, s, i, e->ctx)) {
		*blocked = 1;
		return 0;
	}
	t->out = str_at(lx, e->out);
	t->span = 1;
	return 1;
}

/* Returns the number of changes; *again is set when another round might change more. */
static size_t pass_b(struct ayak_norm *n, struct norm_lex *lx, const char *s, size_t len,
		     struct ayak_buf *out, int *again)
{
	size_t i, copied = 0, changes = 0;
	int ctx_pass, blocked = 0;

	lookup_all(lx, s);
	/* Forms without a context first; then the others, which look at the result. */
	for (ctx_pass = 0; ctx_pass < 2; ctx_pass++)
		for (i = 0; i < lx->ntok; i++) {
			if (lx->tok[i].sl < 0 || lx->tok[i].span ||
			    (i > 0 && lx->tok[i - 1].span == 2))
				continue;
			if (decide(lx, s, len, i, ctx_pass, &blocked) == 2)
				i++;
		}
	for (i = 0; i < lx->ntok; i++) {
		struct tok *t = &lx->tok[i];
		size_t last;

		if (!t->span)
			continue;
		last = i + t->span - 1;
		if (ayak_buf_add(out, s + copied, t->start - copied) || put_cased(out, t->out, t->cas))
			return 0;
		copied = lx->tok[last].end;
		n->counts[AYAK_NORM_R_SLANG]++;
		changes++;
		i = last;
	}
	if (changes && ayak_buf_add(out, s + copied, len - copied))
		return 0;
	*again = blocked && changes;
	return changes;
}

/*
 * A quick scan before tokenizing: does any run of ASCII letters and digits
 * spell a slang form?  Most texts have none and are done here.
 */
static int may_have_slang(const struct norm_lex *lx, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		uint64_t h;
		size_t start;
		char w[MAX_WORD + 9];

		while (i < len && (p[i] >= 0x80 || !aclass[p[i]]))
			i++;
		start = i;
		while (i < len && p[i] < 0x80 && aclass[p[i]]) {
			if (i - start < MAX_WORD)
				w[i - start] = (char)(p[i] | (aclass[p[i]] == A_UPPER ? 0x20 : 0));
			i++;
		}
		if (i == start || i - start > lx->max_key)
			continue;
		memset(w + (i - start), 0, 8);
		h = hash_padded(w, i - start);
		if (!((lx->bloom[(h & 32767) >> 6] >> (h & 63)) & 1) ||
		    !((lx->bloom[((h >> 15) & 32767) >> 6] >> ((h >> 15) & 63)) & 1))
			continue;
		if (find_slang(lx, w, i - start) >= 0)
			return 1;
	}
	return 0;
}

/* A line pass A may change: a run of three equal letters, or a 2 or ². */
static int may_need_a(unsigned flags, const char *s, size_t len)
{
	size_t i;

	if ((flags & AYAK_NORM_REDUP) && (memchr(s, '2', len) || memchr(s, 0xB2, len)))
		return 1;
	if (flags & AYAK_NORM_ELONG)
		for (i = 2; i < len; i++)
			if (s[i] == s[i - 1] && s[i] == s[i - 2] &&
			    ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
				return 1;
	return 0;
}

/*
 * The word rules on one line s[0..len): every rule looks no further than
 * the line.  Returns the number of changes; the result is in *res.
 */
static size_t words_line(struct ayak_norm *n, struct norm_lex *lx, const char *s, size_t len,
			 const char **res, size_t *reslen)
{
	size_t changes = 0, c;

	*res = s;
	*reslen = len;
	if ((lx->flags & (AYAK_NORM_ELONG | AYAK_NORM_REDUP)) && may_need_a(lx->flags, s, len)) {
		if (tokenize(lx, s, len)) {
			n->nomem = 1;
			return 0;
		}
		ayak_buf_reset(&lx->a);
		c = pass_a(n, lx, s, len, &lx->a);
		if (lx->a.failed) {
			n->nomem = 1;
			return 0;
		}
		if (c) {
			s = lx->a.data;
			len = lx->a.len;
			changes += c;
		}
	}
	if ((lx->flags & AYAK_NORM_SLANG) && may_have_slang(lx, s, len)) {
		/*
		 * Until nothing changes: a form with a context (x between two
		 * words) may see new neighbours once others are expanded.
		 */
		int round;

		for (round = 0; round < 4; round++) {
			struct ayak_buf t;
			int again = 0;

			if (tokenize(lx, s, len)) {
				n->nomem = 1;
				break;
			}
			ayak_buf_reset(&lx->b);
			c = pass_b(n, lx, s, len, &lx->b, &again);
			if (lx->b.failed) {
				n->nomem = 1;
				break;
			}
			if (!c)
				break;
			changes += c;
			/* the result becomes the input: swap the buffers */
			t = lx->a;
			lx->a = lx->b;
			lx->b = t;
			s = lx->a.data;
			len = lx->a.len;
			if (!again)
				break;
		}
	}
	*res = s;
	*reslen = len;
	return changes;
}

size_t norm_words(struct ayak_norm *n, const char *s, size_t len, struct ayak_buf *out)
{
	struct norm_lex *lx = n->lex;
	size_t changes = 0, i = 0, copied = 0;

	while (i < len) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - s) : len, rl, c;
		const char *r;

		c = words_line(n, lx, s + i, e - i, &r, &rl);
		if (c) {
			if (ayak_buf_add(out, s + copied, i - copied) || ayak_buf_add(out, r, rl))
				return 0;
			copied = e;
			changes += c;
		}
		i = e + 1;
	}
	if (changes && ayak_buf_add(out, s + copied, len - copied))
		return 0;
	return changes;
}
