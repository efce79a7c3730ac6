/* Tokenizers from tokenizer.json files; see tok.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "icu.h"
#include "tok.h"
#include "tokjson.h"

/* ---- regexes ---- */

struct tok_regex {
	pcre2_code *code;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *stack;
	int jit;
	/*
	 * The ASCII twin: the same pattern with every class and property
	 * spelled out over ASCII, compiled without UTF and UCP.  On ASCII
	 * text it matches exactly as the pattern does, and faster.
	 */
	pcre2_code *ascii;
	pcre2_match_data *amd;
};

#define WS_PROP "\\p{White_Space}"
#define NOT_WS_PROP "\\P{White_Space}"

/* JavaScript's \s, for tokenizers.js's ByteLevel regex. */
#define JS_WS "\\t\\n\\x0B\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}" \
	"\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}"

static const char gpt2_pattern[] =
	"'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
static const char gpt2_js_pattern[] =
	"'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^" JS_WS "\\p{L}\\p{N}]+|[" JS_WS
	"]+(?![^" JS_WS "])|[" JS_WS "]+";
static const char cl100k_pattern[] =
	"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
	"|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
static const char o200k_pattern[] =
	"[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+"
	"(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+"
	"[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}"
	"| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
static const char qwen2_pattern[] =
	"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
	"|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

const char *tok_named_pattern(const char *name)
{
	if (!strcmp(name, "gpt2"))
		return gpt2_pattern;
	if (!strcmp(name, "cl100k") || !strcmp(name, "llama3"))
		return cl100k_pattern;
	if (!strcmp(name, "o200k"))
		return o200k_pattern;
	if (!strcmp(name, "qwen2"))
		return qwen2_pattern;
	return NULL;
}

/* Oniguruma to PCRE2: see tok_regex_new(). */
static int rewrite_pattern(const char *p, size_t n, struct ayak_buf *out, struct ayak_err *err)
{
	size_t i = 0;
	int in_class = 0;

	ayak_buf_reset(out);
	while (i < n) {
		char c = p[i];

		if (c == '\\' && i + 1 < n) {
			char d = p[i + 1];
			const char *rep = NULL;

			if (d == 's')
				rep = WS_PROP;
			else if (d == 'S')
				rep = NOT_WS_PROP;
			else if (d == 'h')
				rep = in_class ? "0-9A-Fa-f" : "[0-9A-Fa-f]";
			else if (d == 'H' && !in_class)
				rep = "[^0-9A-Fa-f]";
			else if (d == 'H')
				return ayak_err_set(err, AYAK_E_DATA,
						    "regex: \\H inside a character class is not supported");
			if (rep) {
				if (ayak_buf_addstr(out, rep))
					goto oom;
				i += 2;
				continue;
			}
			if (ayak_buf_add(out, p + i, 2))
				goto oom;
			i += 2;
			continue;
		}
		if (c == '[') {
			if (in_class && i + 1 < n && p[i + 1] == ':') {
				/* POSIX class [:alpha:] inside a class */
				const char *close = memchr(p + i, ']', n - i);

				if (close) {
					size_t len = (size_t)(close - (p + i)) + 1;

					if (ayak_buf_add(out, p + i, len))
						goto oom;
					i += len;
					continue;
				}
			}
			if (in_class)
				return ayak_err_set(err, AYAK_E_DATA,
						    "regex: nested character classes are not supported");
			in_class = 1;
			if (ayak_buf_add(out, "[", 1))
				goto oom;
			i++;
			/* A ']' first in a class (after '^') is a literal. */
			if (i < n && p[i] == '^') {
				if (ayak_buf_add(out, "^", 1))
					goto oom;
				i++;
			}
			if (i < n && p[i] == ']') {
				if (ayak_buf_add(out, "\\]", 2))
					goto oom;
				i++;
			}
			continue;
		}
		if (c == ']' && in_class)
			in_class = 0;
		if (ayak_buf_add(out, &c, 1))
			goto oom;
		i++;
	}
	if (ayak_buf_add(out, "", 1))
		goto oom;
	out->len--;
	return 0;
oom:
	return ayak_err_set(err, AYAK_E_SYS, "out of memory");
}

/* ---- the ASCII twin of a pattern ---- */

/*
 * The ASCII members of a class or class escape: test each ASCII character
 * against \A(?:atom)\z compiled as the pattern is (UTF, UCP, caseless if
 * the atom is in a caseless group).  Appended to out as an explicit class.
 */
static int ascii_class(const char *atom, size_t n, int caseless, struct ayak_buf *out)
{
	struct ayak_buf pat = AYAK_BUF_INIT;
	pcre2_code *code;
	pcre2_match_data *md;
	unsigned char in[128];
	PCRE2_SIZE off;
	int errcode, c, ret = -1, any = 0;

	if (ayak_buf_addstr(&pat, "\\A(?:") || ayak_buf_add(&pat, atom, n) || ayak_buf_addstr(&pat, ")\\z"))
		goto out;
	code = pcre2_compile((PCRE2_SPTR)pat.data, pat.len,
			     PCRE2_UTF | PCRE2_UCP | (caseless ? PCRE2_CASELESS : 0), &errcode, &off, NULL);
	if (!code)
		goto out;
	md = pcre2_match_data_create_from_pattern(code, NULL);
	if (!md) {
		pcre2_code_free(code);
		goto out;
	}
	for (c = 0; c < 128; c++) {
		char ch = (char)c;

		in[c] = pcre2_match(code, (PCRE2_SPTR)&ch, 1, 0, 0, md, NULL) > 0;
		any |= in[c];
	}
	pcre2_match_data_free(md);
	pcre2_code_free(code);
	if (!any) {
		/* Nothing ASCII: a class that no ASCII text matches. */
		ret = ayak_buf_addstr(out, "[^\\x00-\\x7f]");
		goto out;
	}
	if (ayak_buf_add(out, "[", 1))
		goto out;
	for (c = 0; c < 128;) {
		int e = c;

		if (!in[c]) {
			c++;
			continue;
		}
		while (e + 1 < 128 && in[e + 1])
			e++;
		if (ayak_buf_addf(out, e > c ? "\\x%02x-\\x%02x" : "\\x%02x", c, e))
			goto out;
		c = e + 1;
	}
	ret = ayak_buf_add(out, "]", 1);
out:
	ayak_buf_release(&pat);
	return ret;
}

/* End of a bracket class starting at p[i] == '['; 0 if unterminated. */
static size_t class_end(const char *p, size_t n, size_t i)
{
	size_t j = i + 1;

	if (j < n && p[j] == '^')
		j++;
	if (j < n && p[j] == ']')
		j++;
	while (j < n) {
		if (p[j] == '\\') {
			j += 2;
			continue;
		}
		if (p[j] == '[' && j + 1 < n && p[j + 1] == ':') {
			const char *c = memchr(p + j + 2, ']', n - j - 2);

			if (!c)
				return 0;
			j = (size_t)(c - p) + 1;
			continue;
		}
		if (p[j] == ']')
			return j + 1;
		j++;
	}
	return 0;
}

/*
 * The ASCII twin of a PCRE2 pattern (after rewrite_pattern), or -1 when
 * the pattern uses something the twin cannot reproduce (then only the
 * full pattern is used).
 */
static int ascii_twin(const char *p, size_t n, struct ayak_buf *out)
{
	int stack[64], depth = 0, ci = 0;
	size_t i = 0;

	ayak_buf_reset(out);
	while (i < n) {
		unsigned char c = (unsigned char)p[i];

		if (c >= 0x80)
			return -1;
		if (c == '\\') {
			char d;

			if (i + 1 >= n)
				return -1;
			d = p[i + 1];
			if (d == 'p' || d == 'P') {
				size_t j = i + 2;

				if (j < n && p[j] == '{') {
					const char *e = memchr(p + j, '}', n - j);

					if (!e)
						return -1;
					j = (size_t)(e - p) + 1;
				} else {
					j++;
				}
				if (j > n || ascii_class(p + i, j - i, ci, out))
					return -1;
				i = j;
				continue;
			}
			if (d && strchr("sSdDwWhHvV", d)) {
				if (ascii_class(p + i, 2, ci, out))
					return -1;
				i += 2;
				continue;
			}
			if (d == 'x') {
				size_t j = i + 2;
				unsigned long v;

				if (j < n && p[j] == '{') {
					const char *e = memchr(p + j, '}', n - j);

					if (!e)
						return -1;
					v = strtoul(p + j + 1, NULL, 16);
					j = (size_t)(e - p) + 1;
				} else {
					char hex[3] = { 0 };

					while (j < n && j < i + 4 && strchr("0123456789abcdefABCDEF", p[j]) && p[j])
						hex[j - i - 2] = p[j], j++;
					v = strtoul(hex, NULL, 16);
				}
				if (v > 0x7f || ayak_buf_addf(out, "\\x%02lx", v))
					return -1;
				i = j;
				continue;
			}
			/* \Q, \X, \C, \N, \o, \g, \k and the like: not worth the trouble. */
			if (!d || strchr("QEXCNogkLlUu", d) || (unsigned char)d >= 0x80)
				return -1;
			if (d == 'c') {
				if (i + 2 >= n || ayak_buf_add(out, p + i, 3))
					return -1;
				i += 3;
				continue;
			}
			if (ayak_buf_add(out, p + i, 2))
				return -1;
			i += 2;
			continue;
		}
		if (c == '[') {
			size_t e = class_end(p, n, i);

			if (!e || ascii_class(p + i, e - i, ci, out))
				return -1;
			i = e;
			continue;
		}
		if (c == '(') {
			if (depth == 64)
				return -1;
			stack[depth++] = ci;
			if (i + 1 < n && p[i + 1] == '*')
				return -1;	/* verbs such as (*UTF) */
			if (i + 1 < n && p[i + 1] == '?') {
				size_t j = i + 2;
				int on = 1, nci = ci;

				if (j < n && p[j] && strchr(":=!>", p[j])) {
					/* plain group or assertion */
				} else if (j + 1 < n && p[j] == '<' && (p[j + 1] == '=' || p[j + 1] == '!')) {
					/* lookbehind */
				} else if (j < n && (p[j] == '<' || p[j] == 'P' || p[j] == '\'')) {
					/* a named group: copy up to its name's end */
				} else {
					/* inline options: (?i) (?-i) (?i: ...) with i, m, s only */
					while (j < n && p[j] != ':' && p[j] != ')') {
						if (p[j] == '-')
							on = 0;
						else if (p[j] == 'i')
							nci = on;
						else if (p[j] != 'm' && p[j] != 's')
							return -1;
						j++;
					}
					if (j >= n)
						return -1;
					if (p[j] == ')') {
						/* (?i): to the end of the enclosing group */
						depth--;
						ci = nci;
					} else {
						ci = nci;
					}
					if (ayak_buf_add(out, p + i, j + 1 - i))
						return -1;
					i = j + 1;
					continue;
				}
			}
			if (ayak_buf_add(out, "(", 1))
				return -1;
			i++;
			continue;
		}
		if (c == ')') {
			if (!depth)
				return -1;
			ci = stack[--depth];
		}
		if (ayak_buf_add(out, p + i, 1))
			return -1;
		i++;
	}
	return ayak_buf_add(out, "", 1) ? -1 : (int)(out->len--, 0);
}

/* Compile the ASCII twin; a pattern without one simply has none. */
static void compile_twin(struct tok_regex *re, const struct ayak_buf *pat)
{
	struct ayak_buf tw = AYAK_BUF_INIT;
	pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
	PCRE2_SIZE off;
	int code;

	if (!cc)
		return;
	pcre2_set_newline(cc, PCRE2_NEWLINE_LF);
	if (re->jit && !ascii_twin(pat->data, pat->len, &tw)) {
		re->ascii = pcre2_compile((PCRE2_SPTR)tw.data, tw.len, PCRE2_MULTILINE, &code, &off, cc);
		if (re->ascii && (pcre2_jit_compile(re->ascii, PCRE2_JIT_COMPLETE | PCRE2_JIT_PARTIAL_HARD) ||
				  !(re->amd = pcre2_match_data_create_from_pattern(re->ascii, NULL)))) {
			pcre2_code_free(re->ascii);
			re->ascii = NULL;
		}
	}
	pcre2_compile_context_free(cc);
	ayak_buf_release(&tw);
}

struct tok_regex *tok_regex_new(const char *pattern, size_t len, struct ayak_err *err)
{
	struct ayak_buf pat = AYAK_BUF_INIT;
	struct tok_regex *re;
	pcre2_compile_context *cc;
	PCRE2_SIZE off;
	int code;

	if (rewrite_pattern(pattern, len, &pat, err)) {
		ayak_buf_release(&pat);
		return NULL;
	}
	re = calloc(1, sizeof(*re));
	cc = pcre2_compile_context_create(NULL);
	if (!re || !cc) {
		free(re);
		pcre2_compile_context_free(cc);
		ayak_buf_release(&pat);
		ayak_err_set(err, AYAK_E_SYS, "out of memory");
		return NULL;
	}
	pcre2_set_newline(cc, PCRE2_NEWLINE_LF);
	re->code = pcre2_compile((PCRE2_SPTR)pat.data, pat.len,
				 PCRE2_UTF | PCRE2_UCP | PCRE2_MULTILINE, &code, &off, cc);
	pcre2_compile_context_free(cc);
	if (!re->code) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(code, msg, sizeof(msg));
		if (code == PCRE2_ERROR_HEAP_FAILED)
			ayak_err_set(err, AYAK_E_SYS, "out of memory");
		else
			ayak_err_set(err, AYAK_E_DATA, "regex /%.*s/: %s at offset %zu",
				     (int)(len > 200 ? 200 : len), pattern, (char *)msg, (size_t)off);
		ayak_buf_release(&pat);
		free(re);
		return NULL;
	}
	re->jit = pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE) == 0;
	compile_twin(re, &pat);
	ayak_buf_release(&pat);
	re->md = pcre2_match_data_create_from_pattern(re->code, NULL);
	re->mctx = pcre2_match_context_create(NULL);
	if (re->jit) {
		re->stack = pcre2_jit_stack_create(32 * 1024, 8 * 1024 * 1024, NULL);
		if (re->stack && re->mctx)
			pcre2_jit_stack_assign(re->mctx, NULL, re->stack);
	}
	if (!re->md || !re->mctx || (re->jit && !re->stack)) {
		tok_regex_free(re);
		ayak_err_set(err, AYAK_E_SYS, "out of memory");
		return NULL;
	}
	return re;
}

void tok_regex_free(struct tok_regex *re)
{
	if (!re)
		return;
	pcre2_match_data_free(re->md);
	pcre2_match_data_free(re->amd);
	pcre2_match_context_free(re->mctx);
	pcre2_jit_stack_free(re->stack);
	pcre2_code_free(re->code);
	pcre2_code_free(re->ascii);
	free(re);
}

static size_t utf8_next(const char *s, size_t n, size_t i)
{
	i++;
	while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
		i++;
	return i;
}

int tok_regex_has_twin(const struct tok_regex *re)
{
	return re->ascii != NULL;
}

/* End of the ASCII run at pos, remembered in sc while pos stays inside it. */
static size_t ascii_end(const char *s, size_t n, size_t pos, struct tok_scan *sc)
{
	size_t q = pos;

	if (pos >= sc->from && pos < sc->to)
		return sc->to;
	while (q + 8 <= n) {
		uint64_t w;

		memcpy(&w, s + q, 8);
		if (w & 0x8080808080808080ULL)
			break;
		q += 8;
	}
	while (q < n && !((unsigned char)s[q] & 0x80))
		q++;
	sc->from = pos;
	sc->to = q;
	return q;
}

/*
 * The twin on the ASCII run at pos: 1 with a match; 0 when the full
 * pattern must decide (the run is empty, the twin reached the run's end
 * and more text could change the match, or matched nothing there); -1 when
 * there is no match to the end of the text.
 */
static int twin_next(struct tok_regex *re, const char *s, size_t n, size_t pos,
		     struct tok_scan *sc, size_t *ms, size_t *me)
{
	size_t q = ascii_end(s, n, pos, sc);
	PCRE2_SIZE *ov;
	int rc;

	if (q == pos)
		return 0;
	rc = pcre2_jit_match(re->ascii, (PCRE2_SPTR)s, q, pos, q < n ? PCRE2_PARTIAL_HARD : 0,
			     re->amd, re->mctx);
	if (rc == PCRE2_ERROR_NOMATCH)
		return q == n ? -1 : 0;
	if (rc <= 0)
		return 0;
	ov = pcre2_get_ovector_pointer(re->amd);
	if (ov[1] <= ov[0])
		return 0;
	*ms = ov[0];
	*me = ov[1];
	return 1;
}

int tok_regex_next(struct tok_regex *re, const char *s, size_t n, size_t pos,
		   struct tok_scan *sc, size_t *ms, size_t *me, struct ayak_err *err)
{
	if (sc && re->ascii && pos < n) {
		int t = twin_next(re, s, n, pos, sc, ms, me);

		if (t)
			return t > 0;
	}
	while (pos < n) {
		int rc;
		PCRE2_SIZE *ov;

		if (re->jit)
			rc = pcre2_jit_match(re->code, (PCRE2_SPTR)s, n, pos, PCRE2_NO_UTF_CHECK,
					     re->md, re->mctx);
		else
			rc = pcre2_match(re->code, (PCRE2_SPTR)s, n, pos, PCRE2_NO_UTF_CHECK,
					 re->md, re->mctx);
		if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
			rc = pcre2_match(re->code, (PCRE2_SPTR)s, n, pos, PCRE2_NO_UTF_CHECK |
					 PCRE2_NO_JIT, re->md, re->mctx);
		if (rc == PCRE2_ERROR_NOMATCH)
			return 0;
		if (rc < 0) {
			PCRE2_UCHAR msg[256];

			pcre2_get_error_message(rc, msg, sizeof(msg));
			return ayak_err_set(err, AYAK_E_DATA, "regex match failed: %s", (char *)msg);
		}
		ov = pcre2_get_ovector_pointer(re->md);
		if (ov[1] > ov[0]) {
			*ms = ov[0];
			*me = ov[1];
			return 1;
		}
		/* An empty match: look again one character on. */
		pos = utf8_next(s, n, ov[0]);
	}
	return 0;
}

/* ---- pieces of text ---- */

struct piece {
	uint32_t off, len;
};

struct pieces {
	struct piece *v;
	size_t n, cap;
};

static int pieces_push(struct pieces *p, size_t off, size_t len)
{
	if (!len)
		return 0;
	if (p->n == p->cap) {
		struct piece *v = ayak_grow(p->v, &p->cap, p->n + 1, sizeof(*v), 256);

		if (!v)
			return -1;
		p->v = v;
	}
	p->v[p->n].off = (uint32_t)off;
	p->v[p->n].len = (uint32_t)len;
	p->n++;
	return 0;
}

/* ---- the tokenizer ---- */

enum behavior { B_REMOVED, B_ISOLATED, B_MERGED_PREV, B_MERGED_NEXT, B_CONTIGUOUS };

enum norm_kind {
	N_PREPEND, N_REPLACE, N_NFC, N_NFD, N_NFKC, N_NFKD, N_LOWER, N_STRIP, N_STRIP_ACCENTS,
};

struct norm {
	int kind;
	char *a, *b;		/* prepend text; replace literal and content */
	size_t alen, blen;
	struct tok_regex *re;	/* replace pattern, when a regex */
	int left, right;	/* strip */
};

enum pre_kind { P_SPLIT, P_BYTELEVEL, P_METASPACE };

struct pre {
	int kind;
	struct tok_regex *re;	/* split regex, or NULL for a literal */
	char *lit;
	size_t litlen;
	int behavior, invert;
	int add_prefix_space;	/* ByteLevel */
	char *repl;		/* Metaspace replacement */
	size_t repl_len;
	int prepend;		/* Metaspace: 0 never, 1 always, 2 first */
	int split;
};

struct added {
	char *s;
	size_t n;
	uint32_t id;
	unsigned special : 1, single_word : 1, lstrip : 1, rstrip : 1, normalized : 1;
};

struct trie_node {
	uint32_t child, sibling;	/* 0: none (node 0 is the root) */
	int32_t token;			/* index into added[], or -1 */
	unsigned char byte;
};

struct trie {
	struct trie_node *nodes;
	uint32_t n, cap;
	uint8_t first[32];		/* bitmap of first bytes */
	int nfirst;			/* how many distinct first bytes */
	unsigned char only;		/* the first byte, when there is one */
};

struct tok {
	struct tok_opts o;
	struct bpe *model;
	struct norm *norms;
	size_t nnorms;
	struct pre *pres;
	size_t npres;
	int byte_level;
	int fuse_unk;
	int meta_words;			/* merge word by word at U+2581 (see bpe.h) */
	struct added *added;
	size_t nadded;
	struct trie raw_trie, norm_trie;
	uint32_t *before, *after;	/* post-processor IDs */
	size_t nbefore, nafter;
	uint32_t vocab_size;
	/* decoder */
	int dec_metaspace;		/* ▁ to space */
	int dec_strip_first;		/* drop one leading space */
	char *dec_repl;
	size_t dec_repl_len;
	char dec_unsupported[40];	/* a decoder step tok_decode() cannot do */
	char desc[160];
};

static char *xstrndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* ---- added tokens: a byte trie, leftmost-longest ---- */

static int trie_add(struct trie *t, const char *s, size_t n, int32_t token)
{
	uint32_t node = 0;
	size_t i;

	if (!t->nodes) {
		t->cap = 64;
		t->nodes = calloc(t->cap, sizeof(*t->nodes));
		if (!t->nodes)
			return -1;
		t->nodes[0].token = -1;
		t->n = 1;
	}
	if (!n)
		return 0;
	if (!(t->first[(unsigned char)s[0] >> 3] & (1u << ((unsigned char)s[0] & 7)))) {
		t->nfirst++;
		t->only = (unsigned char)s[0];
	}
	t->first[(unsigned char)s[0] >> 3] |= (uint8_t)(1u << ((unsigned char)s[0] & 7));
	for (i = 0; i < n; i++) {
		uint32_t c = t->nodes[node].child;
		unsigned char b = (unsigned char)s[i];

		while (c && t->nodes[c].byte != b)
			c = t->nodes[c].sibling;
		if (!c) {
			if (t->n == t->cap) {
				struct trie_node *v = realloc(t->nodes, 2 * t->cap * sizeof(*v));

				if (!v)
					return -1;
				t->nodes = v;
				t->cap *= 2;
			}
			c = t->n++;
			t->nodes[c].byte = b;
			t->nodes[c].token = -1;
			t->nodes[c].child = 0;
			t->nodes[c].sibling = t->nodes[node].child;
			t->nodes[node].child = c;
		}
		node = c;
	}
	t->nodes[node].token = token;
	return 0;
}

/* Longest token starting at s[0..n): its index, with *len; or -1. */
static int32_t trie_match(const struct trie *t, const char *s, size_t n, size_t *len)
{
	uint32_t node = 0;
	int32_t best = -1;
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t c = t->nodes[node].child;
		unsigned char b = (unsigned char)s[i];

		while (c && t->nodes[c].byte != b)
			c = t->nodes[c].sibling;
		if (!c)
			break;
		node = c;
		if (t->nodes[node].token >= 0) {
			best = t->nodes[node].token;
			*len = i + 1;
		}
	}
	return best;
}

static void trie_release(struct trie *t)
{
	free(t->nodes);
	memset(t, 0, sizeof(*t));
}

/* ---- freeing ---- */

void tok_free(struct tok *t)
{
	size_t i;

	if (!t)
		return;
	bpe_free(t->model);
	for (i = 0; i < t->nnorms; i++) {
		free(t->norms[i].a);
		free(t->norms[i].b);
		tok_regex_free(t->norms[i].re);
	}
	free(t->norms);
	for (i = 0; i < t->npres; i++) {
		tok_regex_free(t->pres[i].re);
		free(t->pres[i].lit);
		free(t->pres[i].repl);
	}
	free(t->pres);
	for (i = 0; i < t->nadded; i++)
		free(t->added[i].s);
	free(t->added);
	trie_release(&t->raw_trie);
	trie_release(&t->norm_trie);
	free(t->before);
	free(t->after);
	free(t->dec_repl);
	free(t);
}

/* ---- loading ---- */

struct loader {
	struct tok *t;
	struct ayak_err *err;
};

static int bad(struct loader *L, const char *fmt, const char *what)
{
	return ayak_err_set(L->err, AYAK_E_DATA, fmt, what);
}

static const char *type_of(const struct tj_value *v)
{
	return tj_get_str(v, "type", NULL);
}

static int parse_behavior(struct loader *L, const struct tj_value *v, int def, int *out)
{
	const char *b = tj_get_str(v, "behavior", NULL);

	if (!b) {
		*out = def;
		return 0;
	}
	if (!strcmp(b, "Removed"))
		*out = B_REMOVED;
	else if (!strcmp(b, "Isolated"))
		*out = B_ISOLATED;
	else if (!strcmp(b, "MergedWithPrevious"))
		*out = B_MERGED_PREV;
	else if (!strcmp(b, "MergedWithNext"))
		*out = B_MERGED_NEXT;
	else if (!strcmp(b, "Contiguous"))
		*out = B_CONTIGUOUS;
	else
		return bad(L, "unknown split behavior \"%s\"", b);
	return 0;
}

/* A pattern: {"String": s} or {"Regex": r}. */
static int parse_pattern(struct loader *L, const struct tj_value *pat, struct tok_regex **re,
			 char **lit, size_t *litlen)
{
	const struct tj_value *s = tj_get(pat, "String"), *r = tj_get(pat, "Regex");

	*re = NULL;
	*lit = NULL;
	if (s && s->type == TJ_STRING) {
		*lit = xstrndup(s->u.s, s->len);
		*litlen = s->len;
		if (!*lit)
			return ayak_err_set(L->err, AYAK_E_SYS, "out of memory");
		return 0;
	}
	if (r && r->type == TJ_STRING) {
		*re = tok_regex_new(r->u.s, r->len, L->err);
		return *re ? 0 : -1;
	}
	return bad(L, "%s: a pattern must be {\"String\": ...} or {\"Regex\": ...}", "pattern");
}

static struct norm *new_norm(struct loader *L, int kind)
{
	struct tok *t = L->t;
	struct norm *v = realloc(t->norms, (t->nnorms + 1) * sizeof(*v));

	if (!v) {
		ayak_err_set(L->err, AYAK_E_SYS, "out of memory");
		return NULL;
	}
	t->norms = v;
	memset(&v[t->nnorms], 0, sizeof(*v));
	v[t->nnorms].kind = kind;
	return &v[t->nnorms++];
}

static int load_normalizer(struct loader *L, const struct tj_value *v)
{
	const char *type;
	struct norm *n;

	if (tj_is_null(v))
		return 0;
	type = type_of(v);
	if (!type)
		return bad(L, "%s without a type", "normalizer");
	if (!strcmp(type, "Sequence")) {
		const struct tj_value *list = tj_get(v, "normalizers");
		uint32_t i;

		if (!list || list->type != TJ_ARRAY)
			return bad(L, "%s: Sequence without a list", "normalizer");
		for (i = 0; i < list->len; i++)
			if (load_normalizer(L, &list->u.items[i]))
				return -1;
		return 0;
	}
	if (!strcmp(type, "Prepend")) {
		uint32_t len;
		const char *s = tj_get_str(v, "prepend", &len);

		if (!s)
			return bad(L, "%s: Prepend without a string", "normalizer");
		if (!(n = new_norm(L, N_PREPEND)))
			return -1;
		n->a = xstrndup(s, len);
		n->alen = len;
		return n->a ? 0 : ayak_err_set(L->err, AYAK_E_SYS, "out of memory");
	}
	if (!strcmp(type, "Replace")) {
		uint32_t len = 0;
		const char *content = tj_get_str(v, "content", &len);

		if (!(n = new_norm(L, N_REPLACE)))
			return -1;
		if (parse_pattern(L, tj_get(v, "pattern"), &n->re, &n->a, &n->alen))
			return -1;
		n->b = xstrndup(content ? content : "", content ? len : 0);
		n->blen = content ? len : 0;
		return n->b ? 0 : ayak_err_set(L->err, AYAK_E_SYS, "out of memory");
	}
	if (!strcmp(type, "NFC"))
		return new_norm(L, N_NFC) ? 0 : -1;
	if (!strcmp(type, "NFD"))
		return new_norm(L, N_NFD) ? 0 : -1;
	if (!strcmp(type, "NFKC"))
		return new_norm(L, N_NFKC) ? 0 : -1;
	if (!strcmp(type, "NFKD"))
		return new_norm(L, N_NFKD) ? 0 : -1;
	if (!strcmp(type, "Lowercase"))
		return new_norm(L, N_LOWER) ? 0 : -1;
	if (!strcmp(type, "StripAccents"))
		return new_norm(L, N_STRIP_ACCENTS) ? 0 : -1;
	if (!strcmp(type, "Strip")) {
		if (!(n = new_norm(L, N_STRIP)))
			return -1;
		n->left = tj_get_bool(v, "strip_left", 1);
		n->right = tj_get_bool(v, "strip_right", 1);
		return 0;
	}
	return bad(L, "unsupported normalizer \"%s\"", type);
}

static struct pre *new_pre(struct loader *L, int kind)
{
	struct tok *t = L->t;
	struct pre *v = realloc(t->pres, (t->npres + 1) * sizeof(*v));

	if (!v) {
		ayak_err_set(L->err, AYAK_E_SYS, "out of memory");
		return NULL;
	}
	t->pres = v;
	memset(&v[t->npres], 0, sizeof(*v));
	v[t->npres].kind = kind;
	return &v[t->npres++];
}

static int pre_regex(struct loader *L, const char *pattern, int behavior, int invert)
{
	struct pre *p = new_pre(L, P_SPLIT);

	if (!p)
		return -1;
	p->behavior = behavior;
	p->invert = invert;
	p->re = tok_regex_new(pattern, strlen(pattern), L->err);
	return p->re ? 0 : -1;
}

static int load_pre_tokenizer(struct loader *L, const struct tj_value *v)
{
	const char *type;
	struct pre *p;

	if (tj_is_null(v))
		return 0;
	type = type_of(v);
	if (!type)
		return bad(L, "%s without a type", "pre_tokenizer");
	if (L->t->byte_level)
		return bad(L, "pre_tokenizer: \"%s\" after ByteLevel is not supported", type);
	if (!strcmp(type, "Sequence")) {
		const struct tj_value *list = tj_get(v, "pretokenizers");
		uint32_t i;

		if (!list || list->type != TJ_ARRAY)
			return bad(L, "%s: Sequence without a list", "pre_tokenizer");
		for (i = 0; i < list->len; i++)
			if (load_pre_tokenizer(L, &list->u.items[i]))
				return -1;
		return 0;
	}
	if (!strcmp(type, "Split")) {
		if (!(p = new_pre(L, P_SPLIT)))
			return -1;
		if (parse_behavior(L, v, B_ISOLATED, &p->behavior))
			return -1;
		p->invert = tj_get_bool(v, "invert", 0);
		return parse_pattern(L, tj_get(v, "pattern"), &p->re, &p->lit, &p->litlen);
	}
	if (!strcmp(type, "ByteLevel")) {
		int prefix = tj_get_bool(v, "add_prefix_space", 1);

		if (tj_get_bool(v, "use_regex", 1) &&
		    pre_regex(L, L->t->o.compat_js ? gpt2_js_pattern : gpt2_pattern, B_ISOLATED, 0))
			return -1;
		if (!(p = new_pre(L, P_BYTELEVEL)))
			return -1;
		p->add_prefix_space = prefix;
		if (prefix) {
			/* The prefix space goes before the regex split: move it. */
			size_t n = L->t->npres;

			if (n >= 2 && L->t->pres[n - 2].kind == P_SPLIT && tj_get_bool(v, "use_regex", 1)) {
				struct pre tmp = L->t->pres[n - 1];

				L->t->pres[n - 1] = L->t->pres[n - 2];
				L->t->pres[n - 2] = tmp;
			}
		}
		L->t->byte_level = 1;
		return 0;
	}
	if (!strcmp(type, "Metaspace")) {
		uint32_t len;
		const char *r = tj_get_str(v, "replacement", &len);
		const char *scheme = tj_get_str(v, "prepend_scheme", NULL);

		if (!(p = new_pre(L, P_METASPACE)))
			return -1;
		if (!r) {
			r = "\xE2\x96\x81";
			len = 3;
		}
		p->repl = xstrndup(r, len);
		p->repl_len = len;
		if (!p->repl)
			return ayak_err_set(L->err, AYAK_E_SYS, "out of memory");
		if (scheme)
			p->prepend = !strcmp(scheme, "first") ? 2 : !strcmp(scheme, "never") ? 0 : 1;
		else
			p->prepend = tj_get_bool(v, "add_prefix_space", 1);
		p->split = tj_get_bool(v, "split", 1);
		return 0;
	}
	if (!strcmp(type, "Whitespace"))
		return pre_regex(L, "\\w+|[^\\w\\s]+", B_REMOVED, 1);
	if (!strcmp(type, "WhitespaceSplit"))
		return pre_regex(L, "\\s", B_REMOVED, 0);
	if (!strcmp(type, "Digits"))
		return pre_regex(L, "\\p{N}", tj_get_bool(v, "individual_digits", 0) ? B_ISOLATED :
				 B_CONTIGUOUS, 0);
	if (!strcmp(type, "Punctuation")) {
		int b;

		if (parse_behavior(L, v, B_ISOLATED, &b))
			return -1;
		return pre_regex(L, "[\\p{P}\\x21-\\x2F\\x3A-\\x40\\x5B-\\x60\\x7B-\\x7E]", b, 0);
	}
	if (!strcmp(type, "BertPreTokenizer"))
		return pre_regex(L, "\\s", B_REMOVED, 0) ||
		       pre_regex(L, "[\\p{P}\\x21-\\x2F\\x3A-\\x40\\x5B-\\x60\\x7B-\\x7E]", B_ISOLATED, 0);
	return bad(L, "unsupported pre_tokenizer \"%s\"", type);
}

static int str_or_null(const struct tj_value *obj, const char *key, const char **out)
{
	const struct tj_value *v = tj_get(obj, key);

	*out = NULL;
	if (tj_is_null(v))
		return 0;
	if (v->type != TJ_STRING)
		return -1;
	*out = v->u.s;
	return 0;
}

static void prefetch_merge(const struct bpe *m, const struct tj_value *merges, uint32_t i, int stage)
{
	const struct tj_value *f;
	const char *sp;

	if (i >= merges->len)
		return;
	f = &merges->u.items[i];
	if (f->type == TJ_ARRAY && f->len == 2 && f->u.items[0].type == TJ_STRING &&
	    f->u.items[1].type == TJ_STRING)
		bpe_prefetch_merge(m, f->u.items[0].u.s, f->u.items[0].len, f->u.items[1].u.s,
				   f->u.items[1].len, stage);
	else if (f->type == TJ_STRING && (sp = memchr(f->u.s, ' ', f->len)))
		bpe_prefetch_merge(m, f->u.s, (size_t)(sp - f->u.s), sp + 1,
				   f->len - (size_t)(sp - f->u.s) - 1, stage);
}

static int load_model(struct loader *L, const struct tj_value *mv)
{
	struct tok *t = L->t;
	const struct tj_value *vocab, *merges;
	const char *type = type_of(mv);
	struct bpe_opts o = { 0 };
	uint32_t i;

	if (!mv || mv->type != TJ_OBJECT)
		return bad(L, "%s is missing", "model");
	vocab = tj_get(mv, "vocab");
	merges = tj_get(mv, "merges");
	if (type && strcmp(type, "BPE"))
		return bad(L, "unsupported model \"%s\" (only BPE models are supported)", type);
	if (!vocab || vocab->type != TJ_OBJECT)
		return bad(L, "%s: vocab must be an object of token: id", "model");
	if (!merges || merges->type != TJ_ARRAY)
		return bad(L, "%s: merges must be an array", "model");
	/* Hugging Face skips merges at random with a dropout: no IDs of ours would be its. */
	{
		const struct tj_value *d = tj_get(mv, "dropout");

		if (d && !tj_is_null(d) && !(d->type == TJ_NUMBER && d->u.num == 0))
			return bad(L, "%s: a BPE dropout is not supported (its merges are skipped at "
				   "random): set dropout to null", "model");
	}
	o.byte_level = t->byte_level;
	o.byte_fallback = tj_get_bool(mv, "byte_fallback", 0);
	o.fuse_unk = t->fuse_unk = tj_get_bool(mv, "fuse_unk", 0);
	o.ignore_merges = tj_get_bool(mv, "ignore_merges", 0);
	/* ignore_merges looks up a whole pre-token: it must stay whole. */
	t->meta_words = !o.ignore_merges;
	if (str_or_null(mv, "unk_token", &o.unk_token) ||
	    str_or_null(mv, "continuing_subword_prefix", &o.continuing_subword_prefix) ||
	    str_or_null(mv, "end_of_word_suffix", &o.end_of_word_suffix))
		return bad(L, "%s: unk_token, continuing_subword_prefix and end_of_word_suffix must be strings", "model");
	t->model = bpe_new(&o);
	if (!t->model || bpe_reserve(t->model, vocab->len, merges->len))
		return ayak_err_set(L->err, AYAK_E_SYS, "out of memory");
	for (i = 0; i < vocab->len; i++) {
		const struct tj_member *mem = &vocab->u.members[i];
		uint64_t id;

		if (tj_uint(&mem->val, BPE_MAX_ID - 1, &id))
			return ayak_err_set(L->err, AYAK_E_DATA,
					    "model: vocab: \"%.60s\" needs a whole number ID (0 to %u)",
					    mem->key, BPE_MAX_ID - 1);
		if (bpe_add_token(t->model, mem->key, mem->key_len, (uint32_t)id, L->err))
			return -1;
	}
	for (i = 0; i < merges->len; i++) {
		const struct tj_value *m = &merges->u.items[i];
		const char *a, *b, *sp;
		size_t alen, blen;

		/* Fetch the table slots of merges further on: loading is memory-bound. */
		prefetch_merge(t->model, merges, i + 16, 1);
		prefetch_merge(t->model, merges, i + 8, 2);
		if (m->type == TJ_STRING) {
			/* Hugging Face drops the header line of a merges.txt in this form too. */
			if (m->len >= 8 && !memcmp(m->u.s, "#version", 8))
				continue;
			sp = memchr(m->u.s, ' ', m->len);
			/* Exactly one space, as Hugging Face splits it ("a b c" is BadMerges). */
			if (!sp || memchr(sp + 1, ' ', m->len - (size_t)(sp + 1 - m->u.s)))
				return ayak_err_set(L->err, AYAK_E_DATA,
						    "model: merge %u \"%.60s\" is not two tokens", i, m->u.s);
			a = m->u.s;
			alen = (size_t)(sp - a);
			b = sp + 1;
			blen = m->len - alen - 1;
		} else if (m->type == TJ_ARRAY && m->len == 2 && m->u.items[0].type == TJ_STRING &&
			   m->u.items[1].type == TJ_STRING) {
			a = m->u.items[0].u.s;
			alen = m->u.items[0].len;
			b = m->u.items[1].u.s;
			blen = m->u.items[1].len;
		} else {
			return ayak_err_set(L->err, AYAK_E_DATA,
					    "model: merge %u must be \"a b\" or [\"a\", \"b\"]", i);
		}
		if (bpe_add_merge(t->model, a, alen, b, blen, i, L->err))
			return -1;
	}
	return bpe_finish(t->model, L->err);
}

static int add_added(struct loader *L, const struct tj_value *v)
{
	struct tok *t = L->t;
	const struct tj_value *content = tj_get(v, "content");
	struct added *a;
	uint64_t id;

	if (!content || content->type != TJ_STRING || tj_uint(tj_get(v, "id"), BPE_MAX_ID - 1, &id))
		return bad(L, "%s: each needs a string content and a whole number id", "added_tokens");
	a = realloc(t->added, (t->nadded + 1) * sizeof(*a));
	if (!a)
		return ayak_err_set(L->err, AYAK_E_SYS, "out of memory");
	t->added = a;
	a = &t->added[t->nadded];
	memset(a, 0, sizeof(*a));
	a->s = xstrndup(content->u.s, content->len);
	if (!a->s)
		return ayak_err_set(L->err, AYAK_E_SYS, "out of memory");
	t->nadded++;
	a->n = content->len;
	a->id = (uint32_t)id;
	a->special = tj_get_bool(v, "special", 0);
	a->single_word = tj_get_bool(v, "single_word", 0);
	a->lstrip = tj_get_bool(v, "lstrip", 0);
	a->rstrip = tj_get_bool(v, "rstrip", 0);
	a->normalized = tj_get_bool(v, "normalized", !a->special);
	return 0;
}

/* A token string of a post-processor to its ID. */
static int post_id(struct loader *L, const char *s, const struct tj_value *given, uint32_t *out)
{
	uint32_t id = tok_token_id(L->t, s, strlen(s));
	uint64_t g;

	if (id == BPE_NONE && !tj_uint(given, BPE_MAX_ID - 1, &g))
		id = (uint32_t)g;
	if (id == BPE_NONE)
		return ayak_err_set(L->err, AYAK_E_DATA,
				    "post_processor: token \"%.60s\" is not in the vocabulary", s);
	*out = id;
	return 0;
}

static int push_u32(uint32_t **v, size_t *n, uint32_t x)
{
	uint32_t *p = realloc(*v, (*n + 1) * sizeof(*p));

	if (!p)
		return -1;
	p[(*n)++] = x;
	*v = p;
	return 0;
}

/* Add IDs around the sequence: new before go first, new after go last. */
static int wrap(struct loader *L, const uint32_t *b, size_t nb, const uint32_t *a, size_t na)
{
	struct tok *t = L->t;
	uint32_t *nbv = malloc((nb + t->nbefore + 1) * sizeof(*nbv));
	size_t i;

	if (!nbv)
		return ayak_err_set(L->err, AYAK_E_SYS, "out of memory");
	memcpy(nbv, b, nb * sizeof(*b));
	if (t->nbefore)
		memcpy(nbv + nb, t->before, t->nbefore * sizeof(*b));
	free(t->before);
	t->before = nbv;
	t->nbefore += nb;
	for (i = 0; i < na; i++)
		if (push_u32(&t->after, &t->nafter, a[i]))
			return ayak_err_set(L->err, AYAK_E_SYS, "out of memory");
	return 0;
}

static int load_post(struct loader *L, const struct tj_value *v)
{
	const char *type;

	if (tj_is_null(v))
		return 0;
	type = type_of(v);
	if (!type)
		return bad(L, "%s without a type", "post_processor");
	if (!strcmp(type, "ByteLevel"))
		return 0;
	if (!strcmp(type, "Sequence")) {
		const struct tj_value *list = tj_get(v, "processors");
		uint32_t i;

		if (!list || list->type != TJ_ARRAY)
			return bad(L, "%s: Sequence without a list", "post_processor");
		for (i = 0; i < list->len; i++)
			if (load_post(L, &list->u.items[i]))
				return -1;
		return 0;
	}
	if (!strcmp(type, "TemplateProcessing")) {
		const struct tj_value *single = tj_get(v, "single"), *specials = tj_get(v, "special_tokens");
		uint32_t *b = NULL, *a = NULL, i;
		size_t nb = 0, na = 0;
		int seen = 0, ret = 0;

		if (!single || single->type != TJ_ARRAY)
			return bad(L, "%s: TemplateProcessing without a single template", "post_processor");
		for (i = 0; i < single->len && !ret; i++) {
			const struct tj_value *it = &single->u.items[i], *sp = tj_get(it, "SpecialToken");
			const char *name;
			const struct tj_value *entry, *ids;
			uint32_t k, id;

			if (tj_get(it, "Sequence")) {
				seen = 1;
				continue;
			}
			name = tj_get_str(sp, "id", NULL);
			if (!name) {
				ret = bad(L, "%s: a template item is neither SpecialToken nor Sequence", "post_processor");
				break;
			}
			entry = tj_get(specials, name);
			ids = tj_get(entry, "ids");
			if (ids && ids->type == TJ_ARRAY && ids->len) {
				for (k = 0; k < ids->len && !ret; k++) {
					uint64_t x;

					if (tj_uint(&ids->u.items[k], BPE_MAX_ID - 1, &x)) {
						ret = bad(L, "%s: special_tokens ids must be numbers", "post_processor");
						break;
					}
					if (push_u32(seen ? &a : &b, seen ? &na : &nb, (uint32_t)x))
						ret = ayak_err_set(L->err, AYAK_E_SYS, "out of memory");
				}
			} else {
				ret = post_id(L, name, NULL, &id);
				if (!ret && push_u32(seen ? &a : &b, seen ? &na : &nb, id))
					ret = ayak_err_set(L->err, AYAK_E_SYS, "out of memory");
			}
		}
		if (!ret)
			ret = wrap(L, b, nb, a, na);
		free(b);
		free(a);
		return ret;
	}
	if (!strcmp(type, "RobertaProcessing") || !strcmp(type, "BertProcessing")) {
		const struct tj_value *cls = tj_get(v, "cls"), *sep = tj_get(v, "sep");
		uint32_t c, s;

		if (!cls || cls->type != TJ_ARRAY || cls->len != 2 || cls->u.items[0].type != TJ_STRING ||
		    !sep || sep->type != TJ_ARRAY || sep->len != 2 || sep->u.items[0].type != TJ_STRING)
			return bad(L, "%s: cls and sep must be [token, id]", type);
		if (post_id(L, cls->u.items[0].u.s, &cls->u.items[1], &c) ||
		    post_id(L, sep->u.items[0].u.s, &sep->u.items[1], &s))
			return -1;
		return wrap(L, &c, 1, &s, 1);
	}
	return bad(L, "unsupported post_processor \"%s\"", type);
}

/*
 * The decoder, for tok_decode(): the steps it does (ByteLevel, ByteFallback
 * and Fuse are what it does anyway), or the first it cannot do in
 * t->dec_unsupported, so that --decode is refused rather than giving
 * other text (BPEDecoder's suffix, WordPiece's prefix, another Replace).
 */
static void load_decoder(struct tok *t, const struct tj_value *v)
{
	const char *type;

	if (tj_is_null(v) || t->dec_unsupported[0])
		return;
	type = type_of(v);
	if (!type) {
		snprintf(t->dec_unsupported, sizeof(t->dec_unsupported), "%s", "(no type)");
	} else if (!strcmp(type, "Sequence")) {
		const struct tj_value *list = tj_get(v, "decoders");
		uint32_t i;

		for (i = 0; list && list->type == TJ_ARRAY && i < list->len; i++)
			load_decoder(t, &list->u.items[i]);
	} else if (!strcmp(type, "Metaspace")) {
		const char *scheme = tj_get_str(v, "prepend_scheme", NULL);
		const char *r = tj_get_str(v, "replacement", NULL);

		t->dec_metaspace = 1;
		t->dec_strip_first = scheme ? strcmp(scheme, "never") != 0 :
			tj_get_bool(v, "add_prefix_space", 1);
		if (r && strcmp(r, "\xE2\x96\x81"))
			snprintf(t->dec_unsupported, sizeof(t->dec_unsupported), "%s", type);
	} else if (!strcmp(type, "Replace")) {
		const struct tj_value *pat = tj_get(v, "pattern");
		const char *s = tj_get_str(pat, "String", NULL);
		const char *content = tj_get_str(v, "content", NULL);

		if (s && !strcmp(s, "\xE2\x96\x81") && content && !strcmp(content, " "))
			t->dec_metaspace = 1;
		else
			snprintf(t->dec_unsupported, sizeof(t->dec_unsupported), "%s", type);
	} else if (!strcmp(type, "Strip")) {
		const char *content = tj_get_str(v, "content", NULL);
		uint64_t start = 0, stop = 0;

		if (content && !strcmp(content, " ") && !tj_uint(tj_get(v, "start"), 1, &start) &&
		    !tj_uint(tj_get(v, "stop"), 0, &stop))
			t->dec_strip_first |= start == 1;
		else
			snprintf(t->dec_unsupported, sizeof(t->dec_unsupported), "%s", type);
	} else if (strcmp(type, "ByteLevel") && strcmp(type, "ByteFallback") && strcmp(type, "Fuse")) {
		snprintf(t->dec_unsupported, sizeof(t->dec_unsupported), "%s", type);
	}
}

static int normalize(struct tok_enc *e, const char *s, size_t n, const char **res, size_t *rlen,
		     struct ayak_err *err);

static int build(struct loader *L, const struct tj_value *root)
{
	struct tok *t = L->t;
	const struct tj_value *added = tj_get(root, "added_tokens");
	struct tok_enc *e = NULL;
	uint32_t i, max;

	if (!root || root->type != TJ_OBJECT)
		return bad(L, "%s: not a JSON object", "tokenizer.json");
	if (load_normalizer(L, tj_get(root, "normalizer")) ||
	    load_pre_tokenizer(L, tj_get(root, "pre_tokenizer")) ||
	    load_model(L, tj_get(root, "model")))
		return -1;
	if (added && added->type == TJ_ARRAY)
		for (i = 0; i < added->len; i++)
			if (add_added(L, &added->u.items[i]))
				return -1;
	/* Tries: tokens matched before normalization, and after. */
	if (trie_add(&t->raw_trie, "", 0, -1) || trie_add(&t->norm_trie, "", 0, -1))
		return ayak_err_set(L->err, AYAK_E_SYS, "out of memory");
	for (i = 0; i < t->nadded; i++) {
		struct added *a = &t->added[i];
		int norm = a->normalized && t->nnorms;
		const char *s = a->s;
		size_t n = a->n;

		if (a->special && t->o.split_special)
			continue;
		/*
		 * A normalized token is looked for in normalized text: its
		 * content is normalized too, as Hugging Face does ("<MASK>"
		 * matches "<mask>" after Lowercase).
		 */
		if (norm) {
			if (!e && !(e = tok_enc_new(t, L->err)))
				return -1;
			if (normalize(e, a->s, a->n, &s, &n, L->err)) {
				tok_enc_free(e);
				return -1;
			}
		}
		if (n && trie_add(norm ? &t->norm_trie : &t->raw_trie, s, n, (int32_t)i)) {
			tok_enc_free(e);
			return ayak_err_set(L->err, AYAK_E_SYS, "out of memory");
		}
	}
	tok_enc_free(e);
	if (!t->o.no_post && load_post(L, tj_get(root, "post_processor")))
		return -1;
	load_decoder(t, tj_get(root, "decoder"));
	t->meta_words = t->meta_words && bpe_metaspace_separates(t->model);
	max = bpe_vocab_size(t->model);
	for (i = 0; i < t->nadded; i++)
		if (t->added[i].id + 1 > max)
			max = t->added[i].id + 1;
	/*
	 * A post-processor may name an id the vocabulary lacks (we emit it, as
	 * Hugging Face's Rust library does; tokenizers.js gives null there): the
	 * size covers every id we can emit.
	 */
	for (i = 0; i < t->nbefore; i++)
		if (t->before[i] + 1 > max)
			max = t->before[i] + 1;
	for (i = 0; i < t->nafter; i++)
		if (t->after[i] + 1 > max)
			max = t->after[i] + 1;
	t->vocab_size = max;
	snprintf(t->desc, sizeof(t->desc), "%s BPE, %u tokens, %u merges%s",
		 t->byte_level ? "byte-level" : "character", t->vocab_size,
		 bpe_merge_count(t->model), t->nadded ? ", added tokens" : "");
	return 0;
}

struct tok *tok_load_mem(const char *json, size_t len, const struct tok_opts *o,
			 struct ayak_err *err)
{
	struct tj_doc *doc;
	struct loader L;
	struct tok *t;

	if (ayak_icu_init(err))
		return NULL;
	doc = tj_parse(json, len, err);
	if (!doc)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t) {
		tj_free(doc);
		ayak_err_set(err, AYAK_E_SYS, "out of memory");
		return NULL;
	}
	if (o)
		t->o = *o;
	L.t = t;
	L.err = err;
	if (build(&L, tj_root(doc))) {
		tj_free(doc);
		tok_free(t);
		return NULL;
	}
	tj_free(doc);
	return t;
}

struct tok *tok_load(const char *path, const struct tok_opts *o, struct ayak_err *err)
{
	struct ayak_buf b = AYAK_BUF_INIT;
	struct tok *t = NULL;
	char chunk[65536];
	ssize_t r;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		ayak_err_sys(err, errno, "%s", path);
		return NULL;
	}
	while ((r = read(fd, chunk, sizeof(chunk))) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			ayak_err_sys(err, errno, "%s", path);
			goto out;
		}
		if (ayak_buf_add(&b, chunk, (size_t)r)) {
			ayak_err_set(err, AYAK_E_SYS, "out of memory");
			goto out;
		}
	}
	t = tok_load_mem(b.data ? b.data : "", b.len, o, err);
	if (!t) {
		/* Name the file in the message. */
		size_t pl = strlen(path) + 2, ml = strlen(err->msg);

		if (pl + ml < sizeof(err->msg)) {
			memmove(err->msg + pl, err->msg, ml + 1);
			memcpy(err->msg, path, pl - 2);
			memcpy(err->msg + pl - 2, ": ", 2);
		}
	}
out:
	close(fd);
	ayak_buf_release(&b);
	return t;
}

static const struct added *find_added(const struct tok *t, uint32_t id)
{
	size_t i;

	for (i = t->nadded; i-- > 0;)
		if (t->added[i].id == id)
			return &t->added[i];
	return NULL;
}

void tok_set_bos_eos(struct tok *t, uint32_t bos, uint32_t eos)
{
	/* Each side on its own: --bos alone keeps the template's EOS. */
	if (bos != BPE_NONE) {
		t->nbefore = 0;
		if (!push_u32(&t->before, &t->nbefore, bos) && bos + 1 > t->vocab_size)
			t->vocab_size = bos + 1;
	}
	if (eos != BPE_NONE) {
		t->nafter = 0;
		if (!push_u32(&t->after, &t->nafter, eos) && eos + 1 > t->vocab_size)
			t->vocab_size = eos + 1;
	}
}

int tok_has_id(const struct tok *t, uint32_t id)
{
	size_t len;

	return find_added(t, id) || (t->model && bpe_token_bytes(t->model, id, &len));
}

uint32_t tok_vocab_size(const struct tok *t)
{
	return t->vocab_size;
}

const struct bpe *tok_model(const struct tok *t)
{
	return t->model;
}

const char *tok_describe(const struct tok *t)
{
	return t->desc;
}

uint32_t tok_token_id(const struct tok *t, const char *s, size_t n)
{
	size_t i;

	for (i = t->nadded; i-- > 0;)
		if (t->added[i].n == n && !memcmp(t->added[i].s, s, n))
			return t->added[i].id;
	return t->model ? bpe_token_id(t->model, s, n) : BPE_NONE;
}

uint32_t tok_eot_id(const struct tok *t)
{
	static const char *const names[] = {
		"<|endoftext|>", "<|end_of_text|>", "</s>", "<|im_end|>", "<eos>",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		uint32_t id = tok_token_id(t, names[i], strlen(names[i]));

		if (id != BPE_NONE)
			return id;
	}
	return BPE_NONE;
}

/* ---- encoding ---- */

struct tok_enc {
	const struct tok *t;
	struct bpe_enc *bpe;
	struct ayak_buf nbuf[2];	/* normalizer ping-pong */
	struct ayak_buf pbuf[2];	/* pre-tokenizer text */
	struct pieces pcs[2];
	struct ayak_ustr u16[2];
	struct ayak_buf segs;		/* split segments, as struct seg */
	/* pieces of the last pre-tokenizer step go to the model as they come: */
	struct bpe_ids *ids;		/* where their IDs go */
	size_t unk, npieces;		/* unknown symbols and pieces so far */
	size_t text_len;		/* of the text being encoded */
	int too_long;			/* it grew too long for a step: TOK_TOO_LONG */
};

struct tok_enc *tok_enc_new(const struct tok *t, struct ayak_err *err)
{
	struct tok_enc *e = calloc(1, sizeof(*e));

	if (!e || !(e->bpe = bpe_enc_new(t->model))) {
		free(e);
		ayak_err_set(err, AYAK_E_SYS, "out of memory");
		return NULL;
	}
	e->t = t;
	return e;
}

void tok_enc_free(struct tok_enc *e)
{
	int i;

	if (!e)
		return;
	bpe_enc_free(e->bpe);
	for (i = 0; i < 2; i++) {
		ayak_buf_release(&e->nbuf[i]);
		ayak_buf_release(&e->pbuf[i]);
		free(e->pcs[i].v);
		ayak_ustr_release(&e->u16[i]);
	}
	ayak_buf_release(&e->segs);
	free(e);
}

static int oom(struct ayak_err *err)
{
	return ayak_err_set(err, AYAK_E_SYS, "out of memory");
}

/*
 * The text, within TOK_MAX_TEXT, grew in the normalizers or pre-tokenizers
 * to more than a step takes (limit bytes or UTF-16 units): too long, as
 * a longer text is, never cut or wrapped around.
 */
static int grew_too_long(struct tok_enc *e, size_t limit, struct ayak_err *err)
{
	e->too_long = 1;
	return ayak_err_set(err, AYAK_E_DATA, "text too long to tokenize (%zu bytes, which the "
			    "tokenizer makes longer than %zu)", e->text_len, limit);
}

/* Unicode White_Space, as Hugging Face's char::is_whitespace. */
static int is_ws(uint32_t c)
{
	return (c >= 9 && c <= 13) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
	       c == 0x205F || c == 0x3000;
}

static uint32_t decode_at(const char *s, size_t n, size_t i, size_t *len)
{
	uint32_t cp = 0xFFFD;
	int l = ayak_utf8_decode((const unsigned char *)s + i, (const unsigned char *)s + n, &cp);

	*len = l > 0 ? (size_t)l : 1;
	return cp;
}

/* Code point ending at s[i] (i > 0). */
static uint32_t decode_before(const char *s, size_t i)
{
	size_t j = i - 1, len;

	while (j > 0 && ((unsigned char)s[j] & 0xC0) == 0x80)
		j--;
	return decode_at(s, i, j, &len);
}

static int is_word_char(uint32_t c)
{
	return c == '_' || u_isalnum((UChar32)c);
}

/* ICU: normalize or lowercase in (UTF-8) into out. */
static int icu_apply(struct tok_enc *e, int kind, const char *in, size_t n, struct ayak_buf *out,
		     struct ayak_err *err)
{
	UErrorCode st = U_ZERO_ERROR;
	const UNormalizer2 *nz = NULL;
	int32_t len;

	if (n > INT32_MAX / 2)
		return grew_too_long(e, INT32_MAX / 2, err);
	if (ayak_utf8_to_utf16(in, n, &e->u16[0], NULL, err))
		return -1;
	switch (kind) {
	case N_NFC: nz = unorm2_getNFCInstance(&st); break;
	case N_NFD: nz = unorm2_getNFDInstance(&st); break;
	case N_NFKC: nz = unorm2_getNFKCInstance(&st); break;
	case N_NFKD: nz = unorm2_getNFKDInstance(&st); break;
	default: break;
	}
	for (;;) {
		st = U_ZERO_ERROR;
		if (nz)
			len = unorm2_normalize(nz, e->u16[0].data, e->u16[0].len, e->u16[1].data,
					       e->u16[1].cap, &st);
		else
			len = u_strToLower(e->u16[1].data, e->u16[1].cap, e->u16[0].data,
					   e->u16[0].len, "", &st);
		if (st != U_BUFFER_OVERFLOW_ERROR)
			break;
		if (len < 0 || len > INT32_MAX / 3)
			return grew_too_long(e, INT32_MAX / 3, err);
		if (ayak_ustr_reserve(&e->u16[1], len + 1))
			return oom(err);
	}
	if (U_FAILURE(st))
		return ayak_err_set(err, AYAK_E_DATA, "ICU: %s", u_errorName(st));
	if (len > INT32_MAX / 3)
		return grew_too_long(e, INT32_MAX / 3, err);
	ayak_buf_reset(out);
	return ayak_utf16_to_utf8(e->u16[1].data, len, out, err);
}

static int strip_accents(struct tok_enc *e, const char *in, size_t n, struct ayak_buf *out,
			 struct ayak_err *err)
{
	size_t i = 0, len;

	(void)e;
	ayak_buf_reset(out);
	while (i < n) {
		uint32_t c = decode_at(in, n, i, &len);

		if (u_charType((UChar32)c) != U_NON_SPACING_MARK && ayak_buf_add(out, in + i, len))
			return oom(err);
		i += len;
	}
	return 0;
}

static int replace_all(const struct norm *nm, const char *in, size_t n, struct ayak_buf *out,
		       struct ayak_err *err)
{
	size_t pos = 0, ms, me;
	struct tok_scan sc = TOK_SCAN_INIT;

	ayak_buf_reset(out);
	for (;;) {
		int r;

		if (nm->re) {
			r = tok_regex_next(nm->re, in, n, pos, &sc, &ms, &me, err);
			if (r < 0)
				return -1;
		} else {
			const char *f = nm->alen && pos < n ? memmem(in + pos, n - pos, nm->a, nm->alen) : NULL;

			r = f != NULL;
			if (f) {
				ms = (size_t)(f - in);
				me = ms + nm->alen;
			}
		}
		if (!r)
			break;
		if (ayak_buf_add(out, in + pos, ms - pos) || ayak_buf_add(out, nm->b, nm->blen))
			return oom(err);
		pos = me;
	}
	if (ayak_buf_add(out, in + pos, n - pos))
		return oom(err);
	return 0;
}

/* Run the normalizers over s; *res points at the result. */
static int normalize(struct tok_enc *e, const char *s, size_t n, const char **res, size_t *rlen,
		     struct ayak_err *err)
{
	const struct tok *t = e->t;
	size_t i;
	int cur = 0;

	*res = s;
	*rlen = n;
	for (i = 0; i < t->nnorms; i++) {
		const struct norm *nm = &t->norms[i];
		struct ayak_buf *out = &e->nbuf[cur];
		const char *in = *res;
		size_t len = *rlen;

		switch (nm->kind) {
		case N_PREPEND:
			if (!len)
				continue;
			ayak_buf_reset(out);
			if (ayak_buf_add(out, nm->a, nm->alen) || ayak_buf_add(out, in, len))
				return oom(err);
			break;
		case N_REPLACE:
			if (replace_all(nm, in, len, out, err))
				return -1;
			break;
		case N_NFC: case N_NFD: case N_NFKC: case N_NFKD: case N_LOWER:
			if (icu_apply(e, nm->kind, in, len, out, err))
				return -1;
			break;
		case N_STRIP_ACCENTS:
			if (strip_accents(e, in, len, out, err))
				return -1;
			break;
		case N_STRIP: {
			size_t a = 0, b = len, l;

			while (nm->left && a < b && is_ws(decode_at(in, b, a, &l)))
				a += l;
			while (nm->right && b > a && is_ws(decode_before(in, b)))
				do
					b--;
				while (b > a && ((unsigned char)in[b] & 0xC0) == 0x80);
			ayak_buf_reset(out);
			if (ayak_buf_add(out, in + a, b - a))
				return oom(err);
			break;
		}
		}
		*res = out->data ? out->data : "";
		*rlen = out->len;
		cur ^= 1;
	}
	return 0;
}

struct seg {
	uint32_t s, e;
	int m;
};

/* The IDs of one piece of the last pre-tokenizer step; 0, or -1 when out of memory. */
static int encode_piece(struct tok_enc *e, const char *p, size_t len)
{
	size_t st = 0, j;

	if (e->t->meta_words) {
		/* Before each U+2581 that follows another character. */
		for (j = 1; j + 3 <= len; j++) {
			if (memcmp(p + j, "\xE2\x96\x81", 3) ||
			    (j >= 3 && !memcmp(p + j - 3, "\xE2\x96\x81", 3)))
				continue;
			if (bpe_encode(e->bpe, p + st, j - st, e->ids, &e->unk))
				return -1;
			st = j;
			j += 2;
		}
	}
	e->npieces++;
	return bpe_encode(e->bpe, p + st, len - st, e->ids, &e->unk);
}

/*
 * A piece buf[off..off+len) that a step made: kept in out for the next
 * step, or with out NULL (the last step) encoded at once, so that the
 * pieces of a long text are never held all together.
 */
static int put_piece(struct tok_enc *e, struct pieces *out, const char *buf, size_t off,
		     size_t len)
{
	if (out)
		return pieces_push(out, off, len);
	return len ? encode_piece(e, buf + off, len) : 0;
}

static int push_seg(struct ayak_buf *b, size_t s, size_t e, int m)
{
	struct seg g = { (uint32_t)s, (uint32_t)e, m };

	return ayak_buf_add(b, &g, sizeof(g));
}

/* Split one piece by a Split step, appending to out (same buffer). */
static int split_piece(struct tok_enc *e, const struct pre *p, const char *buf, struct piece pc,
		       struct pieces *out, struct ayak_err *err)
{
	const char *s = buf + pc.off;
	size_t n = pc.len, pos = 0, ms = 0, me = 0, i, nseg;
	struct tok_scan sc = TOK_SCAN_INIT;
	struct seg *sg;
	int r;

	/* The common case, Isolated without invert: stream. */
	if (p->behavior == B_ISOLATED && !p->invert && p->re) {
		while ((r = tok_regex_next(p->re, s, n, pos, &sc, &ms, &me, err)) > 0) {
			if ((ms > pos && put_piece(e, out, buf, pc.off + pos, ms - pos)) ||
			    put_piece(e, out, buf, pc.off + ms, me - ms))
				return oom(err);
			pos = me;
		}
		if (r < 0)
			return -1;
		if (pos < n && put_piece(e, out, buf, pc.off + pos, n - pos))
			return oom(err);
		return 0;
	}
	ayak_buf_reset(&e->segs);
	for (;;) {
		if (p->re) {
			r = tok_regex_next(p->re, s, n, pos, &sc, &ms, &me, err);
			if (r < 0)
				return -1;
		} else {
			const char *f = p->litlen && pos < n ? memmem(s + pos, n - pos, p->lit, p->litlen) : NULL;

			r = f != NULL;
			if (f) {
				ms = (size_t)(f - s);
				me = ms + p->litlen;
			}
		}
		if (!r)
			break;
		if ((ms > pos && push_seg(&e->segs, pos, ms, p->invert)) ||
		    push_seg(&e->segs, ms, me, !p->invert))
			return oom(err);
		pos = me;
	}
	if (pos < n && push_seg(&e->segs, pos, n, p->invert))
		return oom(err);
	sg = (struct seg *)e->segs.data;
	nseg = e->segs.len / sizeof(*sg);
	switch (p->behavior) {
	case B_ISOLATED:
		for (i = 0; i < nseg; i++)
			if (put_piece(e, out, buf, pc.off + sg[i].s, sg[i].e - sg[i].s))
				return oom(err);
		return 0;
	case B_REMOVED:
		for (i = 0; i < nseg; i++)
			if (!sg[i].m && put_piece(e, out, buf, pc.off + sg[i].s, sg[i].e - sg[i].s))
				return oom(err);
		return 0;
	case B_CONTIGUOUS:
	case B_MERGED_PREV: {
		size_t k = 0;
		int prev = 0;

		for (i = 0; i < nseg; i++) {
			int join = p->behavior == B_CONTIGUOUS ? sg[i].m == prev : sg[i].m && !prev;

			if (join && k)
				sg[k - 1].e = sg[i].e;
			else
				sg[k++] = sg[i];
			prev = sg[i].m;
		}
		for (i = 0; i < k; i++)
			if (put_piece(e, out, buf, pc.off + sg[i].s, sg[i].e - sg[i].s))
				return oom(err);
		return 0;
	}
	case B_MERGED_NEXT: {
		/* Fold from the end, as Hugging Face does; results land at the top. */
		size_t k = nseg;
		int prev = 0;

		for (i = nseg; i-- > 0;) {
			if (sg[i].m && !prev && k < nseg) {
				sg[k].s = sg[i].s;
			} else {
				k--;
				sg[k] = sg[i];
			}
			prev = sg[i].m;
		}
		for (i = k; i < nseg; i++)
			if (put_piece(e, out, buf, pc.off + sg[i].s, sg[i].e - sg[i].s))
				return oom(err);
		return 0;
	}
	}
	return 0;
}

/*
 * Pre-tokenize s[0..n) (one section), encoding the pieces of the last step
 * that does something as they come.
 */
static int pre_tokenize(struct tok_enc *e, const char *s, size_t n, size_t section,
			struct ayak_err *err)
{
	const struct tok *t = e->t;
	struct pieces *in = &e->pcs[0], *spare = &e->pcs[1], *out;
	const char *buf = s;
	size_t i, k, nsteps = 0;
	int pb = 0;

	/* Pieces have 32-bit offsets. */
	if (n > UINT32_MAX)
		return grew_too_long(e, UINT32_MAX, err);
	/* ByteLevel without add_prefix_space leaves the pieces as they are. */
	for (i = 0; i < t->npres; i++)
		if (t->pres[i].kind != P_BYTELEVEL || t->pres[i].add_prefix_space)
			nsteps = i + 1;
	if (!nsteps)
		return put_piece(e, NULL, s, 0, n) ? oom(err) : 0;
	in->n = 0;
	if (pieces_push(in, 0, n))
		return oom(err);
	for (i = 0; i < nsteps; i++) {
		const struct pre *p = &t->pres[i];

		out = i + 1 < nsteps ? spare : NULL;
		if (out)
			out->n = 0;
		if (p->kind == P_SPLIT) {
			for (k = 0; k < in->n; k++)
				if (split_piece(e, p, buf, in->v[k], out, err))
					return -1;
		} else if (p->kind == P_BYTELEVEL) {
			struct ayak_buf *nb;

			if (!p->add_prefix_space)
				continue;
			nb = &e->pbuf[pb];
			ayak_buf_reset(nb);
			for (k = 0; k < in->n; k++) {
				const char *q = buf + in->v[k].off;
				size_t off = nb->len;

				if (q[0] != ' ' && ayak_buf_add(nb, " ", 1))
					return oom(err);
				if (ayak_buf_add(nb, q, in->v[k].len))
					return oom(err);
				if (nb->len > UINT32_MAX)
					return grew_too_long(e, UINT32_MAX, err);
				if (put_piece(e, out, nb->data, off, nb->len - off))
					return oom(err);
			}
			buf = nb->data;
			pb ^= 1;
		} else {	/* Metaspace */
			struct ayak_buf *nb = &e->pbuf[pb];

			ayak_buf_reset(nb);
			for (k = 0; k < in->n; k++) {
				const char *q = buf + in->v[k].off;
				size_t len = in->v[k].len, off = nb->len, j;
				int want = p->prepend == 1 || (p->prepend == 2 && section == 0);
				int starts = (len && q[0] == ' ') ||
					     (len >= p->repl_len && !memcmp(q, p->repl, p->repl_len));

				if (want && !starts && ayak_buf_add(nb, p->repl, p->repl_len))
					return oom(err);
				for (j = 0; j < len; j++) {
					int bad_add = q[j] == ' ' ? ayak_buf_add(nb, p->repl, p->repl_len) :
						      ayak_buf_add(nb, q + j, 1);

					if (bad_add)
						return oom(err);
				}
				if (nb->len > UINT32_MAX)
					return grew_too_long(e, UINT32_MAX, err);
				if (!p->split) {
					if (put_piece(e, out, nb->data, off, nb->len - off))
						return oom(err);
					continue;
				}
				/* Split before each replacement character (MergedWithNext). */
				{
					size_t st = off, x = off;

					while (x < nb->len) {
						if (x > st && nb->len - x >= p->repl_len &&
						    !memcmp(nb->data + x, p->repl, p->repl_len)) {
							if (put_piece(e, out, nb->data, st, x - st))
								return oom(err);
							st = x;
						}
						x += nb->len - x >= p->repl_len &&
						     !memcmp(nb->data + x, p->repl, p->repl_len) ? p->repl_len : 1;
					}
					if (put_piece(e, out, nb->data, st, nb->len - st))
						return oom(err);
				}
			}
			buf = nb->data;
			pb ^= 1;
		}
		if (out) {
			spare = in;
			in = out;
		}
	}
	return 0;
}

/* tokenizers.js: consecutive unknown tokens of one section become one. */
static void fuse_unknown(const struct tok *t, struct bpe_ids *out, size_t from)
{
	uint32_t unk = bpe_unk_id(t->model);
	size_t i, k;

	if (unk == BPE_NONE)
		return;
	for (i = k = from; i < out->n; i++) {
		if (out->v[i] == unk && k > from && out->v[k - 1] == unk)
			continue;
		out->v[k++] = out->v[i];
	}
	out->n = k;
}

static int encode_text(struct tok_enc *e, const char *s, size_t n, size_t section,
		       struct bpe_ids *out, struct tok_counts *counts, struct ayak_err *err)
{
	const struct tok *t = e->t;
	size_t from = out->n;

	if (!n)
		return 0;
	e->ids = out;
	e->unk = e->npieces = 0;
	if (pre_tokenize(e, s, n, section, err))
		return -1;
	if (counts) {
		counts->unknown += e->unk;
		counts->pretokens += e->npieces;
	}
	if (e->unk && t->fuse_unk)
		fuse_unknown(t, out, from);
	return 0;
}

/*
 * Split s[0..n) at the added tokens of trie tr, calling the text handler
 * for the text between them.  lstrip/rstrip eat white space around a token.
 */
struct split_state {
	struct tok_enc *e;
	struct bpe_ids *out;
	struct tok_counts *counts;
	struct ayak_err *err;
	size_t section;		/* index of the current section (tokenizers.js) */
	size_t nsec;		/* sections so far, added tokens included */
};

static int with_normalized(struct split_state *st, const char *s, size_t n);

static int split_added(struct split_state *st, const struct trie *tr, const char *s, size_t n,
		       int raw)
{
	const struct tok *t = st->e->t;
	size_t i = 0, start = 0;

	if (tr->n <= 1)
		return raw ? with_normalized(st, s, n) :
		       encode_text(st->e, s, n, st->section, st->out, st->counts, st->err);
	while (i < n) {
		unsigned char c;
		size_t len = 0, ts, te, end;
		int32_t k;
		const struct added *a;

		if (tr->nfirst == 1) {
			/* One first byte (as "<" of <|endoftext|>): memchr to it. */
			const char *f = memchr(s + i, tr->only, n - i);

			if (!f)
				break;
			i = (size_t)(f - s);
		}
		c = (unsigned char)s[i];
		if (!(tr->first[c >> 3] & (1u << (c & 7))) ||
		    (k = trie_match(tr, s + i, n - i, &len)) < 0) {
			i++;
			continue;
		}
		a = &t->added[k];
		ts = i;
		te = i + len;
		if (a->single_word &&
		    ((ts > 0 && is_word_char(decode_before(s, ts))) ||
		     (te < n && is_word_char(decode_at(s, n, te, &len))))) {
			i++;
			continue;
		}
		end = ts;
		if (a->lstrip)
			while (end > start && is_ws(decode_before(s, end)))
				do
					end--;
				while (end > start && ((unsigned char)s[end] & 0xC0) == 0x80);
		if (end > start) {
			int r;

			if (raw)
				st->section = st->nsec++;
			r = raw ? with_normalized(st, s + start, end - start) :
				encode_text(st->e, s + start, end - start, st->section, st->out,
					    st->counts, st->err);

			if (r)
				return -1;
		}
		if (raw)
			st->nsec++;
		if (bpe_ids_push(st->out, a->id))
			return oom(st->err);
		if (a->special && st->counts)
			st->counts->special_in_text++;
		if (a->rstrip)
			while (te < n && is_ws(decode_at(s, n, te, &len)))
				te += len;
		i = start = te;
	}
	if (start < n && raw)
		st->section = st->nsec++;
	if (start < n)
		return raw ? with_normalized(st, s + start, n - start) :
		       encode_text(st->e, s + start, n - start, st->section, st->out, st->counts,
				   st->err);
	return 0;
}

static int with_normalized(struct split_state *st, const char *s, size_t n)
{
	const char *ns;
	size_t nn;

	if (normalize(st->e, s, n, &ns, &nn, st->err))
		return -1;
	/* The normalizer's buffers are reused by nothing below this point. */
	return split_added(st, &st->e->t->norm_trie, ns, nn, 0);
}

int tok_encode(struct tok_enc *e, const char *text, size_t n, struct bpe_ids *out,
	       struct tok_counts *counts, struct ayak_err *err)
{
	const struct tok *t = e->t;
	struct split_state st = { e, out, counts, err, 0, 0 };
	size_t i, max = t->o.max_text ? t->o.max_text : TOK_MAX_TEXT;

	e->text_len = n;
	e->too_long = 0;
	if (n > max) {
		ayak_err_set(err, AYAK_E_DATA, "text too long to tokenize (%zu bytes; the limit is %zu)",
			     n, max);
		return TOK_TOO_LONG;
	}
	for (i = 0; i < t->nbefore; i++)
		if (bpe_ids_push(out, t->before[i]))
			return oom(err);
	if (split_added(&st, &t->raw_trie, text, n, 1))
		return e->too_long ? TOK_TOO_LONG : -1;
	for (i = 0; i < t->nafter; i++)
		if (bpe_ids_push(out, t->after[i]))
			return oom(err);
	return 0;
}

/* ---- decoding ---- */

const char *tok_decoder_unsupported(const struct tok *t)
{
	return t->dec_unsupported[0] ? t->dec_unsupported : NULL;
}

int tok_decode(const struct tok *t, const uint32_t *ids, size_t n, int skip_special,
	       struct ayak_buf *out)
{
	struct ayak_buf raw = AYAK_BUF_INIT;
	size_t i, start = out->len;
	int ret = 0;

	for (i = 0; i < n && !ret; i++) {
		const struct added *a = find_added(t, ids[i]);
		const char *b;
		size_t len;

		if (a) {
			if (!(skip_special && a->special))
				ret = ayak_buf_add(&raw, a->s, a->n);
			continue;
		}
		b = bpe_token_bytes(t->model, ids[i], &len);
		if (!b)
			continue;
		if (!t->byte_level && len == 6 && !memcmp(b, "<0x", 3) && b[5] == '>') {
			/* not sscanf: the token's bytes have no NUL after them */
			int hi = ayak_hex_digit((unsigned char)b[3]), lo = ayak_hex_digit((unsigned char)b[4]);

			if (hi >= 0 && lo >= 0) {
				char c = (char)(hi << 4 | lo);

				ret = ayak_buf_add(&raw, &c, 1);
				continue;
			}
		}
		ret = ayak_buf_add(&raw, b, len);
	}
	if (!ret && t->dec_metaspace) {
		/* ▁ to space, then drop the first space. */
		struct ayak_buf tmp = AYAK_BUF_INIT;
		size_t j;

		for (j = 0; j < raw.len && !ret; j++) {
			if (raw.len - j >= 3 && !memcmp(raw.data + j, "\xE2\x96\x81", 3)) {
				ret = ayak_buf_add(&tmp, " ", 1);
				j += 2;
			} else {
				ret = ayak_buf_add(&tmp, raw.data + j, 1);
			}
		}
		ayak_buf_release(&raw);
		raw = tmp;
	}
	if (!ret) {
		size_t skip = t->dec_strip_first && raw.len && raw.data[0] == ' ' ? 1 : 0;

		ret = ayak_utf8_repair(raw.data ? raw.data + skip : "", raw.len - skip, out, NULL);
	}
	ayak_buf_release(&raw);
	(void)start;
	return ret;
}
