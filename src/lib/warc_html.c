/*
 * HTML to text.
 *
 * A tokenizer that follows the tokenization states of the HTML standard
 * (data, tag open, tag name, the attribute states, comments, DOCTYPE and
 * bogus comments, RCDATA, RAWTEXT, the script data states with their
 * escaped and double-escaped forms, PLAINTEXT, CDATA in foreign content,
 * character references with the legacy no-semicolon names and the
 * attribute rule), and a light tree builder over it: a stack of open
 * elements with the standard's common implied end tags (p, li, dd/dt,
 * td/th/tr, headings, a, the parts of a ruby) and <head> closing when body
 * content starts.
 * No DOM is built; text goes straight into blocks.
 *
 * Each block (the text between block-level boundaries) notes its length,
 * how much of it is link text, and the regions it sits in: boilerplate by
 * element (nav, header and footer outside main content, aside, menu,
 * dialog) or ARIA role ("strong"), boilerplate by class or id words
 * ("weak"), and main content (main, article, role=main).  Main-content
 * extraction then keeps the blocks that are not boilerplate, not
 * link-dense and not cookie notices, only those inside the main content
 * when the page marks enough of it, and falls back to ignoring the class
 * and id words when they would leave almost nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "warc.h"
#include "warc_entities.h"

/* ---- character references ---- */

static const uint16_t c1_map[32] = {
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
	0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_alnum(int c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

static const struct warc_entity *find_entity(const char *name, size_t n)
{
	size_t lo = 0, hi = WARC_NENTITIES;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *e = warc_entities[mid].name;
		int c = strncmp(e, name, n);

		if (c == 0 && e[n] != 0)
			c = 1;
		if (c == 0)
			return &warc_entities[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

size_t warc_html_charref(const char *p, size_t n, int in_attr, char *out, size_t *out_len)
{
	size_t i = 1;

	*out_len = 0;
	if (n < 2)
		return 0;
	if (p[1] == '#') {
		uint32_t v = 0;
		int hex = 0, digits = 0, big = 0;

		i = 2;
		if (i < n && (p[i] == 'x' || p[i] == 'X')) {
			hex = 1;
			i++;
		}
		for (; i < n; i++) {
			int c = (unsigned char)p[i], d;

			if (c >= '0' && c <= '9')
				d = c - '0';
			else if (hex && c >= 'a' && c <= 'f')
				d = c - 'a' + 10;
			else if (hex && c >= 'A' && c <= 'F')
				d = c - 'A' + 10;
			else
				break;
			digits++;
			if (v > 0x10FFFF)
				big = 1;
			else
				v = v * (hex ? 16 : 10) + (uint32_t)d;
		}
		if (!digits)
			return 0;
		if (i < n && p[i] == ';')
			i++;
		if (big || v > 0x10FFFF || v == 0 || (v >= 0xD800 && v <= 0xDFFF))
			v = 0xFFFD;
		else if (v >= 0x80 && v <= 0x9F)
			v = c1_map[v - 0x80];
		*out_len = (size_t)ayak_utf8_encode(v, out);
		return i;
	}
	{
		char name[40];
		size_t run = 0, k;
		const struct warc_entity *e = NULL;

		while (1 + run < n && run < 32 && is_alnum((unsigned char)p[1 + run]))
			run++;
		if (!run)
			return 0;
		memcpy(name, p + 1, run);
		if (1 + run < n && p[1 + run] == ';') {
			name[run] = ';';
			e = find_entity(name, run + 1);
			if (e)
				i = run + 2;
		}
		/* The longest legacy name without a semicolon (at most 6 letters). */
		for (k = run < 6 ? run : 6; !e && k >= 2; k--) {
			e = find_entity(name, k);
			if (e)
				i = k + 1;
		}
		if (!e)
			return 0;
		if (in_attr && p[i - 1] != ';' && i < n && (p[i] == '=' || is_alnum((unsigned char)p[i])))
			return 0;
		*out_len = strlen(e->utf8);
		memcpy(out, e->utf8, *out_len);
		return i;
	}
}

/* ---- elements ---- */

enum {
	F_VOID = 1 << 0,
	F_BLOCK = 1 << 1,
	F_SKIP = 1 << 2,	/* content never shown as text */
	F_STRONG = 1 << 3,	/* boilerplate by element */
	F_MAIN = 1 << 4,
	F_PRE = 1 << 5,
	F_A = 1 << 6,
	F_HEAD_OK = 1 << 7,	/* may appear in <head> */
	F_LI = 1 << 8,
	F_HEADING = 1 << 9,
	F_CELL = 1 << 10,
	F_ROW = 1 << 11,
	F_FOREIGN = 1 << 12,
	F_RAWTEXT = 1 << 13,
	F_RCDATA = 1 << 14,
	F_SCRIPT = 1 << 15,
	F_PLAINTEXT = 1 << 16,
	F_CLOSES_P = 1 << 17,
	F_LIST = 1 << 18,
	F_TABLE = 1 << 19,
	F_NO_CLASS = 1 << 20,	/* class and id words do not count here */
	F_HEAD = 1 << 21,
	F_BODY = 1 << 22,
	F_WEAK = 1 << 23,	/* (stack only) boilerplate by class or id */
	F_DL = 1 << 24,
	F_DDT = 1 << 25,
	F_OPTION = 1 << 26,
	F_SELECT = 1 << 27,
	F_BR = 1 << 28,
	F_P = 1 << 29,
	F_HF = 1 << 30,		/* header, footer */
	F_XMP = 1u << 31,
};

#define BLK (F_BLOCK | F_CLOSES_P)

enum { T_UNKNOWN = 0 };

static const struct tag {
	const char *name;
	uint32_t flags;
} tags[] = {
	{ "", 0 },
	{ "a", F_A },
	{ "address", BLK },
	{ "applet", F_SKIP },
	{ "area", F_VOID },
	{ "article", BLK | F_MAIN | F_NO_CLASS },
	{ "aside", BLK | F_STRONG },
	{ "audio", F_SKIP },
	{ "base", F_VOID | F_HEAD_OK },
	{ "basefont", F_VOID | F_HEAD_OK },
	{ "bgsound", F_VOID | F_HEAD_OK },
	{ "blockquote", BLK },
	{ "body", F_BLOCK | F_NO_CLASS | F_BODY },
	{ "br", F_VOID | F_BR },
	{ "button", F_STRONG },
	{ "canvas", F_SKIP },
	{ "caption", F_BLOCK },
	{ "center", BLK },
	{ "col", F_VOID },
	{ "datalist", F_SKIP },
	{ "dd", BLK | F_DDT },
	{ "details", BLK },
	{ "dialog", BLK | F_STRONG },
	{ "dir", BLK | F_LIST },
	{ "div", BLK },
	{ "dl", BLK | F_DL },
	{ "dt", BLK | F_DDT },
	{ "embed", F_VOID },
	{ "fieldset", BLK },
	{ "figcaption", BLK },
	{ "figure", BLK },
	{ "footer", BLK | F_STRONG | F_HF },
	{ "form", BLK },
	{ "frame", F_VOID },
	{ "frameset", F_SKIP },
	{ "h1", BLK | F_HEADING },
	{ "h2", BLK | F_HEADING },
	{ "h3", BLK | F_HEADING },
	{ "h4", BLK | F_HEADING },
	{ "h5", BLK | F_HEADING },
	{ "h6", BLK | F_HEADING },
	{ "head", F_SKIP | F_HEAD | F_HEAD_OK },
	{ "header", BLK | F_STRONG | F_HF },
	{ "hgroup", BLK },
	{ "hr", F_VOID | BLK },
	{ "html", F_BLOCK | F_NO_CLASS | F_HEAD_OK | F_BODY },
	{ "iframe", F_RAWTEXT },
	{ "img", F_VOID },
	{ "input", F_VOID },
	{ "keygen", F_VOID },
	{ "li", BLK | F_LI },
	{ "link", F_VOID | F_HEAD_OK },
	{ "listing", BLK | F_PRE },
	{ "main", BLK | F_MAIN | F_NO_CLASS },
	{ "marquee", F_BLOCK | F_STRONG },
	{ "math", F_SKIP | F_FOREIGN },
	{ "menu", BLK | F_LIST | F_STRONG },
	{ "meta", F_VOID | F_HEAD_OK },
	{ "nav", BLK | F_STRONG },
	{ "noembed", F_RAWTEXT },
	{ "noframes", F_RAWTEXT | F_HEAD_OK },
	{ "noscript", F_RAWTEXT | F_HEAD_OK },
	{ "object", F_SKIP },
	{ "ol", BLK | F_LIST },
	{ "optgroup", F_OPTION },
	{ "option", F_OPTION },
	{ "p", BLK | F_P },
	{ "param", F_VOID },
	{ "plaintext", BLK | F_PLAINTEXT },
	{ "pre", BLK | F_PRE },
	{ "rb", 0 },
	{ "rp", F_SKIP },	/* ruby's fallback parentheses, shown only without ruby support */
	{ "rt", F_SKIP },	/* ruby annotations (readings), not prose */
	{ "rtc", F_SKIP },
	{ "ruby", 0 },
	{ "script", F_SCRIPT | F_HEAD_OK },
	{ "search", BLK | F_STRONG },
	{ "section", BLK },
	{ "select", F_SKIP | F_SELECT },
	{ "source", F_VOID },
	{ "style", F_RAWTEXT | F_HEAD_OK },
	{ "summary", BLK },
	{ "svg", F_SKIP | F_FOREIGN },
	{ "table", BLK | F_TABLE },
	{ "tbody", F_BLOCK },
	{ "td", F_CELL },
	{ "template", F_SKIP | F_HEAD_OK },
	{ "textarea", F_RCDATA },
	{ "tfoot", F_BLOCK },
	{ "th", F_CELL },
	{ "thead", F_BLOCK },
	{ "title", F_RCDATA | F_HEAD_OK },
	{ "tr", F_BLOCK | F_ROW },
	{ "track", F_VOID },
	{ "ul", BLK | F_LIST },
	{ "video", F_SKIP },
	{ "wbr", F_VOID },
	{ "xmp", BLK | F_RAWTEXT | F_XMP },
};

#define NTAGS (sizeof(tags) / sizeof(tags[0]))

static unsigned char tag_len[NTAGS];
static unsigned T_P, T_HEAD, T_DD, T_DT, T_TD, T_TH, T_TEMPLATE, T_OBJECT, T_APPLET, T_HEADER;
static unsigned T_RUBY, T_RB, T_RP, T_RT, T_RTC;

static unsigned tag_id(const char *name, size_t n);

static void init_tags(void)
{
	size_t i;

	if (tag_len[1])
		return;
	for (i = 0; i < NTAGS; i++)
		tag_len[i] = (unsigned char)strlen(tags[i].name);
	T_P = tag_id("p", 1);
	T_HEAD = tag_id("head", 4);
	T_DD = tag_id("dd", 2);
	T_DT = tag_id("dt", 2);
	T_TD = tag_id("td", 2);
	T_TH = tag_id("th", 2);
	T_TEMPLATE = tag_id("template", 8);
	T_OBJECT = tag_id("object", 6);
	T_APPLET = tag_id("applet", 6);
	T_HEADER = tag_id("header", 6);
	T_RUBY = tag_id("ruby", 4);
	T_RB = tag_id("rb", 2);
	T_RP = tag_id("rp", 2);
	T_RT = tag_id("rt", 2);
	T_RTC = tag_id("rtc", 3);
}

static unsigned tag_id(const char *name, size_t n)
{
	size_t lo = 1, hi = NTAGS, i;
	char low[12];

	if (n == 0 || n > 10)
		return T_UNKNOWN;
	for (i = 0; i < n; i++)
		low[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2, m = tag_len[mid];
		/* The first letters differ at most steps: no call then. */
		int c = (unsigned char)tags[mid].name[0] - (unsigned char)low[0];

		if (c == 0)
			c = memcmp(tags[mid].name, low, m < n ? m : n);
		if (c == 0)
			c = m < n ? -1 : m > n ? 1 : 0;
		if (c == 0)
			return (unsigned)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return T_UNKNOWN;
}

/* ---- state ---- */

#define MAX_DEPTH 512

struct open_el {
	uint32_t hash;		/* of the lowercase name */
	uint16_t tag;
	uint32_t applied;	/* region flags this element turned on */
};

struct block {
	size_t start, len;	/* in h->text */
	size_t chars, link_chars;
	unsigned flags;		/* B_* */
};

enum {
	B_STRONG = 1,
	B_WEAK = 2,
	B_MAIN = 4,
	B_LI = 8,
	B_HEADING = 16,
	B_COOKIE = 32,
};

struct warc_html {
	struct open_el stack[MAX_DEPTH];
	size_t depth;
	/* Region depths. */
	int skip, strong, weak, main, pre, a, foreign, head, li, heading;
	int header;		/* strong regions that are <header> elements */
	int fold;		/* in a table cell whose lines fold to spaces */
	int cell_folds;		/* the cell being opened is one */

	struct ayak_buf text;	/* block texts, one after another */
	struct block *blocks;
	size_t nblocks, bcap;
	/* The open block; its characters are counted when it closes, spaces included. */
	size_t cur_start;
	size_t link_chars;
	int pending_space;	/* 1 space, 2 newline, 3 tab */
	int oom;

	/* Attributes of the tag being read. */
	struct warc_str cls, id, role, style, aria_hidden;
	int hidden, href;
};

struct warc_html *warc_html_new(void)
{
	init_tags();
	return calloc(1, sizeof(struct warc_html));
}

void warc_html_free(struct warc_html *h)
{
	if (!h)
		return;
	ayak_buf_release(&h->text);
	free(h->blocks);
	free(h);
}

static void reset(struct warc_html *h)
{
	h->depth = 0;
	h->skip = h->strong = h->weak = h->main = h->pre = h->a = 0;
	h->foreign = h->head = h->li = h->heading = 0;
	h->fold = h->cell_folds = h->header = 0;
	ayak_buf_reset(&h->text);
	h->nblocks = 0;
	h->cur_start = 0;
	h->link_chars = 0;
	h->pending_space = 0;
	h->oom = 0;
}

static uint32_t name_hash(const char *p, size_t n)
{
	uint32_t x = 2166136261u;

	while (n--) {
		unsigned char c = (unsigned char)*p++;

		if (c >= 'A' && c <= 'Z')
			c += 32;
		x = (x ^ c) * 16777619u;
	}
	return x;
}

/* ---- blocks ---- */

static void add(struct warc_html *h, const char *p, size_t n)
{
	if (ayak_buf_add(&h->text, p, n))
		h->oom = 1;
}

static int ci_contains(const char *p, size_t n, const char *w)
{
	size_t m = strlen(w), i, j;

	for (i = 0; i + m <= n; i++) {
		for (j = 0; j < m; j++) {
			int c = (unsigned char)p[i + j];

			if (c >= 'A' && c <= 'Z')
				c += 32;
			if (c != w[j])
				break;
		}
		if (j == m)
			return 1;
	}
	return 0;
}

/*
 * A short block that speaks of cookies and of consent: a cookie banner.
 * Not everyday words that a paragraph about biscuits has too: "we use"
 * (butter), "terima" (kasih), "dasar" (pada dasarnya).
 */
static int cookie_notice(const char *p, size_t n, size_t chars)
{
	static const char *const other[] = {
		"accept", "consent", "privacy", "policy", "browsing", "website", "this site",
		"our site", "use cookies", "uses cookies", "use of cookies", "agree", "setuju",
		"terima kuki", "terima semua", "menerima kuki", "dasar kuki", "privasi",
		"laman web", "menggunakan kuki", "penggunaan kuki", "persetujuan", "laman ini",
	};
	size_t i;

	if (chars > 600)
		return 0;
	{
		size_t j;
		int found = 0;

		for (j = 0; j + 4 <= n && !found; j++) {
			int c = (unsigned char)p[j] | 32;

			if (c == 'k')
				found = ((p[j + 1] | 32) == 'u' && (p[j + 2] | 32) == 'k' && (p[j + 3] | 32) == 'i');
			else if (c == 'c' && j + 6 <= n)
				found = ci_contains(p + j, 6, "cookie");
		}
		if (!found)
			return 0;
	}
	for (i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		if (ci_contains(p, n, other[i]))
			return 1;
	return 0;
}

/*
 * A page's <header> holds its name, logo and menus, no paragraphs; some
 * site builders put the article itself in one (a "hero" header): a block
 * this long in a header is prose, boilerplate only if other signs say so.
 */
#define HEADER_PROSE 200

static size_t count_chars(const char *p, size_t n);

/* Close the open block. */
static void boundary(struct warc_html *h)
{
	size_t len = h->text.len - h->cur_start;
	struct block *b;

	h->pending_space = 0;
	if (!len)
		return;
	if (h->nblocks == h->bcap) {
		struct block *nb = ayak_grow(h->blocks, &h->bcap, h->nblocks + 1, sizeof(*nb), 64);

		if (!nb) {
			h->oom = 1;
			return;
		}
		h->blocks = nb;
	}
	b = &h->blocks[h->nblocks++];
	b->start = h->cur_start;
	b->len = len;
	b->chars = count_chars(h->text.data + b->start, len);
	b->link_chars = h->link_chars;
	b->flags = (h->strong > h->header || (h->header && b->chars < HEADER_PROSE) ? B_STRONG : 0) |
		   (h->weak ? B_WEAK : 0) |
		   (h->main ? B_MAIN : 0) | (h->li ? B_LI : 0) | (h->heading ? B_HEADING : 0);
	if (cookie_notice(h->text.data + b->start, len, b->chars))
		b->flags |= B_COOKIE;
	h->cur_start = h->text.len;
	h->link_chars = 0;
}

/*
 * A block's end inside a folding table cell: a space, so that the row
 * stays one line.  A cell's own tab is kept.  Nothing in dropped content:
 * it has no box, and a break there would split the words around it.
 */
static void block_break(struct warc_html *h)
{
	if (h->skip)
		return;
	if (!h->fold)
		boundary(h);
	else if (!h->pending_space && h->text.len > h->cur_start)
		h->pending_space = 1;
}

/* Count the characters (not bytes) of p[0..n). */
static size_t count_chars(const char *p, size_t n)
{
	size_t c = 0, i;

	for (i = 0; i < n; i++)
		c += ((unsigned char)p[i] & 0xC0) != 0x80;
	return c;
}

static void head_ends(struct warc_html *h);

/*
 * The length of the soft hyphen (U+00AD) or zero-width space (U+200B) at
 * p, or 0.  They only say where a line may break, as <wbr> does, and are
 * not shown otherwise; left in, they would split words for dedup n-grams,
 * word lists and tokenizers.  Not the zero-width (non-)joiner: Persian,
 * Indic scripts and emoji need them.
 */
static size_t break_hint(const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;

	if (n >= 2 && u[0] == 0xC2 && u[1] == 0xAD)
		return 2;
	if (n >= 3 && u[0] == 0xE2 && u[1] == 0x80 && u[2] == 0x8B)
		return 3;
	return 0;
}

/* Text already free of markup and references. */
static void text(struct warc_html *h, const char *p, size_t n)
{
	size_t i = 0, k;

	if (h->skip && !h->head)
		return;
	/* Break hints alone (&shy;): nothing, as for <wbr>. */
	while (i < n && (k = break_hint(p + i, n - i)))
		i += k;
	if (i == n)
		return;
	i = 0;
	if (h->pre) {
		/* As it is, but for CR LF and break hints; a <br> (or a cell's tab) before it counts. */
		if (n && h->pending_space >= 2 && h->text.len > h->cur_start)
			add(h, h->pending_space == 2 ? "\n" : "\t", 1);
		if (n)
			h->pending_space = 0;
		while (i < n) {
			size_t hint = 0;

			for (k = i; k < n && p[k] != '\r'; k++)
				if ((hint = break_hint(p + k, n - k)))
					break;
			k -= i;
			if (h->head)
				head_ends(h);
			if (h->skip)
				return;
			add(h, p + i, k);
			if (h->a)
				h->link_chars += count_chars(p + i, k);
			i += k + hint;
			if (i < n && !hint) {
				if (i + 1 >= n || p[i + 1] != '\n')
					add(h, "\n", 1);
				i++;
			}
		}
		return;
	}
	while (i < n) {
		size_t j;
		unsigned char c = (unsigned char)p[i];

		if (c <= 0x20 || c == 0x7F) {
			if (!h->pending_space)
				h->pending_space = 1;
			i++;
			continue;
		}
		if (c == 0xC2 && i + 1 < n && (unsigned char)p[i + 1] == 0xA0) {
			if (!h->pending_space)
				h->pending_space = 1;
			i += 2;
			continue;
		}
		if ((k = break_hint(p + i, n - i))) {
			i += k;		/* not even a space: the word goes on */
			continue;
		}
		j = i + 1;
		while (j < n) {
			c = (unsigned char)p[j];
			if (c <= 0x20 || c == 0x7F)
				break;
			/* A no-break space or a break hint: C2 or E2 first. */
			if ((c | 0x20) == 0xE2 &&
			    ((c == 0xC2 && j + 1 < n && (unsigned char)p[j + 1] == 0xA0) ||
			     break_hint(p + j, n - j)))
				break;
			j++;
		}
		if (h->head) {
			head_ends(h);
			if (h->skip)
				return;
		}
		/* A link's text is counted as the block's is: its spaces too. */
		if (h->text.len > h->cur_start && h->pending_space) {
			add(h, h->pending_space == 2 ? "\n" : h->pending_space == 3 ? "\t" : " ", 1);
			h->link_chars += h->a != 0;
		}
		h->pending_space = 0;
		add(h, p + i, j - i);
		if (h->a)
			h->link_chars += count_chars(p + i, j - i);
		i = j;
	}
}

/* Text with character references: data state and RCDATA. */
static void text_refs(struct warc_html *h, const char *p, size_t n)
{
	while (n) {
		const char *amp = memchr(p, '&', n);
		char buf[8];
		size_t k, olen;

		if (!amp) {
			text(h, p, n);
			return;
		}
		text(h, p, (size_t)(amp - p));
		n -= (size_t)(amp - p);
		p = amp;
		k = warc_html_charref(p, n, 0, buf, &olen);
		if (!k) {
			text(h, "&", 1);
			p++;
			n--;
			continue;
		}
		text(h, buf, olen);
		p += k;
		n -= k;
	}
}

/* ---- the tree ---- */

static void apply(struct warc_html *h, uint32_t f, int d)
{
	if (f & F_SKIP)
		h->skip += d;
	if (f & F_STRONG)
		h->strong += d;
	if (f & F_WEAK)
		h->weak += d;
	if (f & F_MAIN)
		h->main += d;
	if (f & F_PRE)
		h->pre += d;
	if (f & F_A)
		h->a += d;
	if (f & F_FOREIGN)
		h->foreign += d;
	if (f & F_HEAD)
		h->head += d;
	if (f & F_LI)
		h->li += d;
	if (f & F_HEADING)
		h->heading += d;
	if (f & F_HF)
		h->header += d;
	if (f & F_CELL)
		h->fold += d;
}

/* Region flags whose entry or exit must end the open block. */
#define F_REGION (F_STRONG | F_WEAK | F_MAIN | F_LI | F_HEADING)
/* Those that main-content extraction needs as blocks of their own, even in a folding cell. */
#define F_KEEP_BLOCK (F_STRONG | F_WEAK | F_MAIN)

/* The end of the open block for an element of flags f that applied a (none in dropped content). */
static void element_break(struct warc_html *h, uint32_t f, uint32_t a)
{
	if (h->skip)
		return;
	if (a & F_KEEP_BLOCK)
		boundary(h);
	else if ((f & F_BLOCK) || (a & F_REGION))
		block_break(h);
}

static void pop(struct warc_html *h)
{
	struct open_el *e = &h->stack[--h->depth];
	uint32_t f = tags[e->tag].flags;
	int shown = !h->skip;	/* the element itself too, before it is undone */

	element_break(h, f, e->applied);
	apply(h, e->applied, -1);
	if (shown && (f & F_CELL) && h->text.len > h->cur_start)
		h->pending_space = 3;
}

static void pop_to(struct warc_html *h, size_t i)
{
	while (h->depth > i)
		pop(h);
}

/*
 * Elements that bound every scope of the standard: what is open outside
 * them cannot be closed from inside (a <p> in a <template> does not end
 * the paragraph around it, nor the template, whose content would show).
 */
static int scope_marker(unsigned t)
{
	return t == T_TEMPLATE || t == T_OBJECT || t == T_APPLET;
}

/*
 * Index of the nearest open element with tag t, stopping at elements with
 * stop flags and, when there are stop flags, at scope markers.
 */
static long find_open(struct warc_html *h, unsigned t, uint32_t stop)
{
	size_t i = h->depth;

	while (i-- > 0) {
		if (h->stack[i].tag == t)
			return (long)i;
		if ((tags[h->stack[i].tag].flags & stop) || (stop && scope_marker(h->stack[i].tag)))
			return -1;
	}
	return -1;
}

static void head_ends(struct warc_html *h)
{
	long i = find_open(h, T_HEAD, 0);

	if (i >= 0)
		pop_to(h, (size_t)i);
	else
		h->head = 0;
}

/*
 * Does a class or id value name boilerplate?  Inside the main content,
 * "header" and "footer" name the article's own.
 */
static int boiler_words_uncached(struct warc_str v, int in_main)
{
	static const char *const affix[] = {
		"nav", "menu", "footer", "header", "sidebar", "breadcrumb", "cookie",
		"consent", "gdpr", "banner", "share", "sharing", "social", "related",
		"advert", "sponsor", "popup", "modal", "newsletter", "subscribe", "widget",
		"copyright", "toolbar", "pagination", "pager", "skiplink", "masthead",
		"topbar", "bottombar", "promo", "disclaimer",
	};
	static const char *const exact[] = {
		"ad", "ads", "skip", "tags", "login", "signup", "search", "editsection", "noprint",
	};
	size_t i = 0;

	while (i < v.n) {
		char w[32];
		size_t k = 0, a;

		while (i < v.n && !is_alnum((unsigned char)v.p[i]))
			i++;
		while (i < v.n && is_alnum((unsigned char)v.p[i])) {
			if (k + 1 < sizeof(w))
				w[k++] = (char)(v.p[i] >= 'A' && v.p[i] <= 'Z' ? v.p[i] + 32 : v.p[i]);
			i++;
		}
		w[k] = 0;
		if (!k)
			continue;
		for (a = 0; a < sizeof(exact) / sizeof(exact[0]); a++)
			if (w[0] == exact[a][0] && !strcmp(w, exact[a]))
				return 1;
		for (a = 0; a < sizeof(affix) / sizeof(affix[0]); a++) {
			const char *x = affix[a];
			size_t m = strlen(x);

			if (k < m || (w[0] != x[0] && w[k - m] != x[0]))
				continue;
			if (in_main && (!strcmp(x, "header") || !strcmp(x, "footer")))
				continue;
			if (!memcmp(w, x, m) || !memcmp(w + k - m, x, m))
				return 1;
		}
	}
	return 0;
}

/* The same class values come back on every page of a site: remember answers. */
static int boiler_words(struct warc_str v, int in_main)
{
	static struct {
		uint32_t hash, len;
		int answer;
	} cache[1024];
	uint32_t x = 2166136261u ^ (uint32_t)(in_main != 0);
	size_t i;
	unsigned slot;

	if (!v.n)
		return 0;
	for (i = 0; i < v.n; i++)
		x = (x ^ (unsigned char)v.p[i]) * 16777619u;
	slot = x & 1023;
	if (cache[slot].len == v.n + 1 && cache[slot].hash == x)
		return cache[slot].answer;
	cache[slot].hash = x;
	cache[slot].len = (uint32_t)v.n + 1;
	cache[slot].answer = boiler_words_uncached(v, in_main);
	return cache[slot].answer;
}

static int ieq_str(struct warc_str s, const char *w)
{
	size_t i;

	for (i = 0; i < s.n; i++) {
		int c = (unsigned char)s.p[i];

		if (c >= 'A' && c <= 'Z')
			c += 32;
		if (!w[i] || c != w[i])
			return 0;
	}
	return w[s.n] == 0;
}

static int role_is(struct warc_str r, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ieq_str(r, list[i]))
			return 1;
	return 0;
}

static int style_hides(struct warc_str s)
{
	char b[128];
	size_t i, k = 0;

	for (i = 0; i < s.n && k + 1 < sizeof(b); i++)
		if (s.p[i] != ' ' && s.p[i] != '\t')
			b[k++] = (char)(s.p[i] >= 'A' && s.p[i] <= 'Z' ? s.p[i] + 32 : s.p[i]);
	b[k] = 0;
	return strstr(b, "display:none") || strstr(b, "visibility:hidden");
}

/*
 * HTML start tags that end SVG or MathML content left open, as the
 * standard's rules for foreign content have them (font aside).
 */
static int breaks_out(const char *name, size_t n)
{
	static const char *const list[] = {
		"b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl",
		"dt", "em", "embed", "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i",
		"img", "li", "listing", "menu", "meta", "nobr", "ol", "p", "pre", "ruby", "s",
		"small", "span", "strike", "strong", "sub", "sup", "table", "tt", "u", "ul", "var",
	};
	size_t i;

	for (i = 0; i < sizeof(list) / sizeof(list[0]); i++)
		if (ieq_str((struct warc_str){ name, n }, list[i]))
			return 1;
	return 0;
}

/*
 * Does the start of ruby part t end the open element e?  <rt> and <rp>
 * end an <rb>, <rt> or <rp> left open, <rb> and <rtc> an <rtc> too, as
 * the standard's implied end tags have it: the base text after a reading
 * whose </rt> is missing is shown again.
 */
static int ruby_ends(unsigned t, unsigned e)
{
	if (e == T_RB || e == T_RT || e == T_RP)
		return 1;
	return e == T_RTC && (t == T_RB || t == T_RTC);
}

static void start_tag(struct warc_html *h, const char *name, size_t n, int self_closing)
{
	static const char *const boiler_roles[] = {
		"navigation", "banner", "contentinfo", "complementary", "menu", "menubar",
		"search", "dialog", "alertdialog", "toolbar", "tablist", "tooltip",
	};
	static const char *const main_roles[] = { "main", "article" };
	unsigned t = tag_id(name, n);
	uint32_t f = tags[t].flags, applied = 0;
	long i;
	/* Hidden by its attributes: no box, so no line break, as for what it holds. */
	int hides = h->hidden || ieq_str(h->aria_hidden, "true") ||
		    (h->style.n && style_hides(h->style));

	/* <svg> left open, then <p>: the paragraph is the page's again. */
	while (h->foreign && h->depth && breaks_out(name, n))
		pop(h);
	if (h->head && !(f & F_HEAD_OK) && !h->foreign)
		head_ends(h);
	if (f & F_BODY) {
		if (h->head && tags[t].name[0] == 'b')
			head_ends(h);
		boundary(h);
		return;		/* not pushed: </body> changes nothing either */
	}
	if (f & F_HEAD) {
		if (h->head || h->nblocks || h->text.len)
			return;	/* a second <head>, or one after body content */
	}
	/* Implied end tags. */
	if (!h->foreign) {
		if ((f & F_CLOSES_P) && (i = find_open(h, T_P,
						      F_BLOCK & ~F_P)) >= 0)
			pop_to(h, (size_t)i);
		if ((f & F_LI) && (i = find_open(h, t, F_LIST)) >= 0)
			pop_to(h, (size_t)i);
		if ((f & F_DDT) && ((i = find_open(h, T_DD, F_DL)) >= 0 ||
				    (i = find_open(h, T_DT, F_DL)) >= 0))
			pop_to(h, (size_t)i);
		if ((f & F_HEADING) && h->depth &&
		    (tags[h->stack[h->depth - 1].tag].flags & F_HEADING))
			pop(h);
		if ((f & F_CELL) && ((i = find_open(h, T_TD, F_ROW | F_TABLE)) >= 0 ||
				     (i = find_open(h, T_TH, F_ROW | F_TABLE)) >= 0))
			pop_to(h, (size_t)i);
		if ((f & F_ROW) && (i = find_open(h, t, F_TABLE)) >= 0)
			pop_to(h, (size_t)i);
		if ((f & F_A) && (i = find_open(h, t, 0)) >= 0)
			pop_to(h, (size_t)i);
		if ((f & F_OPTION) && h->depth && (tags[h->stack[h->depth - 1].tag].flags & F_OPTION))
			pop(h);
		/* A ruby part ends the one left open (the ruby is open: the loop stops at it). */
		if ((t == T_RB || t == T_RP || t == T_RT || t == T_RTC) &&
		    find_open(h, T_RUBY, F_TABLE | F_CELL) >= 0)
			while (ruby_ends(t, h->stack[h->depth - 1].tag))
				pop(h);
	}
	if (f & F_BR) {
		if (!h->skip && !hides && h->text.len > h->cur_start && !h->fold)
			h->pending_space = 2;
		else if (!h->skip && !hides && h->text.len > h->cur_start && !h->pending_space)
			h->pending_space = 1;
		return;
	}
	if (f & F_VOID) {
		if ((f & F_BLOCK) && !hides)
			block_break(h);
		return;
	}
	/* In SVG and MathML "/>" closes, <svg/> and <math/> too (they swallowed the page). */
	if ((h->foreign || (f & F_FOREIGN)) && self_closing)
		return;
	if (!hides && !h->skip) {
		if ((f & F_BLOCK) && !(f & F_TABLE))
			block_break(h);
		else if (f & F_BLOCK)
			boundary(h);
		if ((f & F_CELL) && h->text.len > h->cur_start)
			h->pending_space = 3;
	}
	if ((f & F_CELL) && h->cell_folds)
		applied |= F_CELL;
	h->cell_folds = 0;

	/* Regions from attributes. */
	if (hides)
		applied |= F_SKIP;
	if (h->role.n && role_is(h->role, boiler_roles, sizeof(boiler_roles) / sizeof(boiler_roles[0])))
		applied |= F_STRONG;
	if (h->role.n && role_is(h->role, main_roles, 2))
		applied |= F_MAIN;
	if (!(f & F_NO_CLASS) && !h->weak && (boiler_words(h->cls, h->main) || boiler_words(h->id, h->main)))
		applied |= F_WEAK;
	applied |= f & (F_SKIP | F_MAIN | F_PRE | F_FOREIGN | F_HEAD | F_LI | F_HEADING);
	/* Link text is that of links: <a name> and <a id> anchors hold headings and text. */
	if ((f & F_A) && h->href)
		applied |= F_A;
	/* A header or footer inside the main content belongs to it. */
	if ((f & F_STRONG) && !((f & F_HF) && h->main))
		applied |= F_STRONG | (t == T_HEADER ? F_HF : 0);	/* counted in h->header */
	if (h->depth == MAX_DEPTH) {
		/*
		 * Full (hundreds of unclosed <font> or <span>): an element that
		 * hides or marks a region must still be open, or what it holds
		 * would show; it takes the place of the nearest one that does
		 * nothing.
		 */
		size_t k = h->depth;

		if (!applied)
			return;
		while (k > 0 && h->stack[k - 1].applied)
			k--;
		if (!k)
			return;
		memmove(&h->stack[k - 1], &h->stack[k], (h->depth - k) * sizeof(h->stack[0]));
		h->depth--;
	}
	if ((applied & F_REGION) && !(applied & F_SKIP))
		element_break(h, 0, applied);
	h->stack[h->depth].tag = (uint16_t)t;
	h->stack[h->depth].hash = name_hash(name, n);
	h->stack[h->depth].applied = applied;
	h->depth++;
	apply(h, applied, 1);
}

static void end_tag(struct warc_html *h, const char *name, size_t n)
{
	unsigned t = tag_id(name, n);
	uint32_t f = tags[t].flags, hash = name_hash(name, n);
	size_t i = h->depth;

	if (f & F_BR) {
		start_tag(h, name, n, 0);	/* </br> is <br> */
		return;
	}
	if (f & F_BODY)
		return;
	while (i-- > 0) {
		if (h->stack[i].tag == t && (t != T_UNKNOWN || h->stack[i].hash == hash)) {
			pop_to(h, i);
			return;
		}
		if (scope_marker(h->stack[i].tag))
			break;
	}
	/* </p> without <p>: an empty paragraph. */
	if ((f & F_BLOCK) && !h->skip)
		block_break(h);
}

/* ---- the tokenizer ---- */

static int is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* The appropriate end tag "</name" followed by space, "/" or ">" at p? */
static int end_tag_at(const char *p, size_t n, const char *name, size_t nlen)
{
	size_t i;

	if (n < nlen + 3 || p[0] != '<' || p[1] != '/')
		return 0;
	for (i = 0; i < nlen; i++) {
		int c = (unsigned char)p[2 + i];

		if (c >= 'A' && c <= 'Z')
			c += 32;
		if (c != name[i])
			return 0;
	}
	i = 2 + nlen;
	return is_space((unsigned char)p[i]) || p[i] == '/' || p[i] == '>';
}

/* RAWTEXT and RCDATA: up to the appropriate end tag.  Returns where it starts (or n). */
static size_t raw_end(const char *p, size_t n, size_t i, const char *name, size_t nlen)
{
	while (i < n) {
		const char *lt = memchr(p + i, '<', n - i);

		if (!lt)
			return n;
		i = (size_t)(lt - p);
		if (end_tag_at(p + i, n - i, name, nlen))
			return i;
		i++;
	}
	return n;
}

/* Script data with its escaped and double-escaped states. */
static size_t script_end(const char *p, size_t n, size_t i)
{
	enum { DATA, ESCAPED, DOUBLE } st = DATA;

	while (i < n) {
		const char *lt = NULL, *dash = NULL;

		if (st == DATA) {
			lt = memchr(p + i, '<', n - i);
			if (!lt)
				return n;
			i = (size_t)(lt - p);
			if (end_tag_at(p + i, n - i, "script", 6))
				return i;
			if (n - i >= 4 && !memcmp(p + i, "<!--", 4)) {
				st = ESCAPED;
				i += 4;
				/* "<!-->" leaves at once: the dashes are shared. */
				if (i < n && p[i] == '>') {
					st = DATA;
					i++;
				} else if (n - i >= 2 && p[i] == '-' && p[i + 1] == '>') {
					st = DATA;
					i += 2;
				}
				continue;
			}
			i++;
			continue;
		}
		/* Escaped or double-escaped: the next "<" or "-->". */
		{
			size_t k = i;

			for (; k < n; k++) {
				if (p[k] == '<') {
					lt = p + k;
					break;
				}
				if (p[k] == '-' && n - k >= 3 && p[k + 1] == '-' && p[k + 2] == '>') {
					dash = p + k;
					break;
				}
			}
			if (k >= n)
				return n;
		}
		if (dash) {
			st = DATA;
			i = (size_t)(dash - p) + 3;
			continue;
		}
		i = (size_t)(lt - p);
		if (end_tag_at(p + i, n - i, "script", 6)) {
			if (st == ESCAPED)
				return i;
			st = ESCAPED;	/* leaves the double escape only */
			i += 8;
			continue;
		}
		if (st == ESCAPED && n - i >= 8 && p[i + 1] != '/') {
			size_t j;

			for (j = 0; j < 6; j++) {
				int c = (unsigned char)p[i + 1 + j];

				if (c >= 'A' && c <= 'Z')
					c += 32;
				if (c != "script"[j])
					break;
			}
			if (j == 6 && (is_space((unsigned char)p[i + 7]) || p[i + 7] == '/' ||
				       p[i + 7] == '>')) {
				st = DOUBLE;
				i += 7;
				continue;
			}
		}
		i++;
	}
	return n;
}

/* A comment from "<!--" at p[i]: returns the offset after it. */
static size_t comment_end(const char *p, size_t n, size_t i)
{
	i += 4;
	/* Abrupt ends: "<!-->" and "<!--->". */
	if (i < n && p[i] == '>')
		return i + 1;
	if (i + 1 < n && p[i] == '-' && p[i + 1] == '>')
		return i + 2;
	while (i < n) {
		const char *d = memchr(p + i, '-', n - i);

		if (!d)
			return n;
		i = (size_t)(d - p);
		if (n - i >= 3 && p[i + 1] == '-' && p[i + 2] == '>')
			return i + 3;
		if (n - i >= 4 && p[i + 1] == '-' && p[i + 2] == '!' && p[i + 3] == '>')
			return i + 4;
		i++;
	}
	return n;
}

/*
 * A tag from "<" (or "</") at p[i]: name, then attributes through the
 * attribute states.  Returns the offset after ">", or SIZE_MAX when the
 * input ends inside the tag (the tag is then dropped, as the standard says).
 */
static size_t read_tag(struct warc_html *h, const char *p, size_t n, size_t i, int end,
		       const char **name, size_t *nlen, int *self_closing)
{
	size_t k = i + (end ? 2 : 1);

	*self_closing = 0;
	h->cls.n = h->id.n = h->role.n = h->style.n = h->aria_hidden.n = 0;
	h->hidden = h->href = 0;
	*name = p + k;
	while (k < n && !is_space((unsigned char)p[k]) && p[k] != '/' && p[k] != '>')
		k++;
	*nlen = (size_t)(p + k - *name);
	for (;;) {
		const char *an;
		size_t alen;
		struct warc_str val = { "", 0 };

		/* Before attribute name. */
		while (k < n && (is_space((unsigned char)p[k]) || p[k] == '/')) {
			if (p[k] == '/' && k + 1 < n && p[k + 1] == '>')
				*self_closing = 1;
			k++;
		}
		if (k >= n)
			return SIZE_MAX;
		if (p[k] == '>')
			return k + 1;
		/* Attribute name: "=" may start one. */
		an = p + k++;
		while (k < n && !is_space((unsigned char)p[k]) && p[k] != '/' && p[k] != '>' &&
		       p[k] != '=')
			k++;
		alen = (size_t)(p + k - an);
		/* After attribute name. */
		while (k < n && is_space((unsigned char)p[k]))
			k++;
		if (k < n && p[k] == '=') {
			k++;
			while (k < n && is_space((unsigned char)p[k]))
				k++;
			if (k >= n)
				return SIZE_MAX;
			if (p[k] == '"' || p[k] == '\'') {
				const char *q = memchr(p + k + 1, p[k], n - k - 1);

				if (!q)
					return SIZE_MAX;
				val.p = p + k + 1;
				val.n = (size_t)(q - val.p);
				k = (size_t)(q - p) + 1;
			} else if (p[k] != '>') {
				val.p = p + k;
				while (k < n && !is_space((unsigned char)p[k]) && p[k] != '>')
					k++;
				val.n = (size_t)(p + k - val.p);
			}
		}
		if (end)
			continue;
		switch (alen) {
		case 2:
			if ((an[0] | 32) == 'i' && (an[1] | 32) == 'd')
				h->id = val;
			break;
		case 4:
			if (ieq_str((struct warc_str){ an, 4 }, "role"))
				h->role = val;
			else if (ieq_str((struct warc_str){ an, 4 }, "href"))
				h->href = 1;
			break;
		case 5:
			if (ieq_str((struct warc_str){ an, 5 }, "class"))
				h->cls = val;
			else if (ieq_str((struct warc_str){ an, 5 }, "style"))
				h->style = val;
			break;
		case 6:
			/* hidden="until-found" is folded text that find in page opens: shown. */
			if (ieq_str((struct warc_str){ an, 6 }, "hidden"))
				h->hidden = !ieq_str(val, "until-found");
			break;
		case 11:
			if (ieq_str((struct warc_str){ an, 11 }, "aria-hidden"))
				h->aria_hidden = val;
			break;
		}
	}
}

/* At most this many bytes of text in a table cell whose lines fold. */
#define FOLD_MAX 1000

/*
 * Does the table cell whose content starts at p[i] fold to one line?  A
 * data cell does: paragraphs, list items and <br> in it are parts of
 * the row.  A cell that holds a table, pre-formatted text or more than
 * FOLD_MAX bytes of text is a layout cell, whose blocks stay lines.  A
 * look ahead to the cell's end (the next cell, row or table tag).
 */
static int cell_folds(const char *p, size_t n, size_t i)
{
	size_t text = 0;

	while (i < n) {
		const char *lt = memchr(p + i, '<', n - i);
		size_t at = lt ? (size_t)(lt - p) : n, k;
		unsigned t;
		int end;

		text += at - i;
		if (text > FOLD_MAX)
			return 0;
		if (!lt)
			return 1;
		if (n - at >= 4 && !memcmp(lt, "<!--", 4)) {
			i = comment_end(p, n, at);
			continue;
		}
		end = at + 1 < n && p[at + 1] == '/';
		i = k = at + 1 + (size_t)end;
		while (k < n && is_alnum((unsigned char)p[k]))
			k++;
		t = tag_id(p + i, k - i);
		if ((tags[t].flags & F_TABLE) && !end)
			return 0;
		if ((tags[t].flags & (F_CELL | F_ROW | F_TABLE)) || !strcmp(tags[t].name, "tbody") ||
		    !strcmp(tags[t].name, "thead") || !strcmp(tags[t].name, "tfoot") ||
		    !strcmp(tags[t].name, "caption"))
			return 1;
		if (!end && (tags[t].flags & (F_PRE | F_PLAINTEXT | F_XMP)))
			return 0;
		lt = memchr(p + k, '>', n - k);
		i = lt ? (size_t)(lt - p) + 1 : n;
		/* Scripts and styles are not text. */
		if (!end && (tags[t].flags & F_SCRIPT))
			i = script_end(p, n, i);
		else if (!end && (tags[t].flags & (F_RAWTEXT | F_RCDATA)))
			i = raw_end(p, n, i, tags[t].name, tag_len[t]);
	}
	return 1;
}

static void tokenize(struct warc_html *h, const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && !h->oom) {
		const char *lt = memchr(p + i, '<', n - i);
		size_t at = lt ? (size_t)(lt - p) : n, k;
		const char *name;
		size_t nlen;
		int sc;
		int c;

		if (at > i)
			text_refs(h, p + i, at - i);
		if (at >= n)
			break;
		i = at;
		c = i + 1 < n ? (unsigned char)p[i + 1] : -1;
		if (c == '!') {
			if (n - i >= 4 && p[i + 2] == '-' && p[i + 3] == '-') {
				i = comment_end(p, n, i);
			} else if (h->foreign && n - i >= 9 && !memcmp(p + i, "<![CDATA[", 9)) {
				const char *e = NULL;
				size_t s = i + 9, j;

				for (j = s; j + 3 <= n; j++)
					if (p[j] == ']' && p[j + 1] == ']' && p[j + 2] == '>') {
						e = p + j;
						break;
					}
				text(h, p + s, e ? (size_t)(e - p) - s : n - s);
				i = e ? (size_t)(e - p) + 3 : n;
			} else {
				/* DOCTYPE and bogus comments end at the first ">". */
				const char *gt = memchr(p + i, '>', n - i);

				i = gt ? (size_t)(gt - p) + 1 : n;
			}
			continue;
		}
		if (c == '?') {
			const char *gt = memchr(p + i, '>', n - i);

			i = gt ? (size_t)(gt - p) + 1 : n;
			continue;
		}
		if (c == '/') {
			int c2 = i + 2 < n ? (unsigned char)p[i + 2] : -1;

			if (is_alpha(c2)) {
				k = read_tag(h, p, n, i, 1, &name, &nlen, &sc);
				if (k == SIZE_MAX)
					break;
				end_tag(h, name, nlen);
				i = k;
			} else if (c2 == '>') {
				i += 3;
			} else if (c2 == -1) {
				text(h, "</", 2);
				i = n;
			} else {
				const char *gt = memchr(p + i, '>', n - i);

				i = gt ? (size_t)(gt - p) + 1 : n;
			}
			continue;
		}
		if (!is_alpha(c)) {
			text(h, "<", 1);
			i++;
			continue;
		}
		k = read_tag(h, p, n, i, 0, &name, &nlen, &sc);
		if (k == SIZE_MAX)
			break;		/* the input ends inside the tag */
		i = k;
		{
			unsigned t = tag_id(name, nlen);
			uint32_t f = tags[t].flags;

			if (h->foreign && (f & (F_RAWTEXT | F_RCDATA | F_SCRIPT | F_PLAINTEXT))) {
				/* In SVG and MathML these are ordinary elements. */
				start_tag(h, "svg-child", 9, sc);
				continue;
			}
			if (f & (F_RAWTEXT | F_RCDATA | F_SCRIPT)) {
				size_t e;

				if (h->head && !(f & F_HEAD_OK))
					head_ends(h);
				if (f & F_SCRIPT)
					e = script_end(p, n, i);
				else
					e = raw_end(p, n, i, tags[t].name, tag_len[t]);
				if (f & F_XMP) {
					start_tag(h, name, nlen, 0);
					h->pre++;
					text(h, p + i, e - i);
					h->pre--;
					end_tag(h, name, nlen);
				}
				i = e;
				if (i < n) {
					/* Skip the end tag itself. */
					const char *gt = memchr(p + i, '>', n - i);

					i = gt ? (size_t)(gt - p) + 1 : n;
				}
				continue;
			}
			if (f & F_PLAINTEXT) {
				start_tag(h, name, nlen, 0);
				h->pre++;
				text(h, p + i, n - i);
				i = n;
				continue;
			}
			if ((f & F_CELL) && !h->foreign)
				h->cell_folds = cell_folds(p, n, i);
			start_tag(h, name, nlen, sc);
			/* A newline right after <pre> is not content. */
			if ((f & F_PRE) && i < n && p[i] == '\n')
				i++;
			else if ((f & F_PRE) && i + 1 < n && p[i] == '\r' && p[i + 1] == '\n')
				i += 2;
		}
	}
	boundary(h);
}

/* ---- main content ---- */

static int link_dense(const struct block *b)
{
	if (!b->link_chars)
		return 0;
	if (b->link_chars * 2 > b->chars)
		return 1;
	/* Menus and link lists: list items that are mostly links. */
	return (b->flags & B_LI) && b->link_chars * 10 > b->chars * 3 && b->chars < 200;
}

int warc_html_text(struct warc_html *h, const char *p, size_t n, unsigned flags,
		   struct ayak_buf *out, struct warc_html_stats *st)
{
	size_t i, kept_chars = 0, main_chars = 0, weak_loss = 0, total = 0;
	int use_main = 0, use_weak = 1;
	size_t first = out->len;

	reset(h);
	tokenize(h, p, n);
	pop_to(h, 0);
	if (h->oom)
		return -1;
	memset(st, 0, sizeof(*st));
	st->blocks = h->nblocks;
	if (!(flags & WARC_HTML_KEEP_BOILERPLATE)) {
		/* What would go by element, link density and cookies alone, and by class words. */
		for (i = 0; i < h->nblocks; i++) {
			const struct block *b = &h->blocks[i];

			total += b->chars;
			if ((b->flags & (B_STRONG | B_COOKIE)) || link_dense(b))
				continue;
			if (b->flags & B_WEAK)
				weak_loss += b->chars;
			else
				kept_chars += b->chars;
			if ((b->flags & B_MAIN) && !(b->flags & B_WEAK))
				main_chars += b->chars;
		}
		/* Class words that would leave almost nothing are wrong about this page. */
		if (kept_chars < 200 && weak_loss > 4 * kept_chars)
			use_weak = 0;
		if (!use_weak) {
			main_chars = 0;
			kept_chars += weak_loss;
			for (i = 0; i < h->nblocks; i++) {
				const struct block *b = &h->blocks[i];

				if ((b->flags & B_MAIN) && !(b->flags & (B_STRONG | B_COOKIE)) &&
				    !link_dense(b))
					main_chars += b->chars;
			}
		}
		use_main = main_chars >= 200 || (main_chars && main_chars * 2 >= kept_chars);
	}
	for (i = 0; i < h->nblocks; i++) {
		const struct block *b = &h->blocks[i];

		if (!(flags & WARC_HTML_KEEP_BOILERPLATE)) {
			if ((b->flags & (B_STRONG | B_COOKIE)) || link_dense(b) ||
			    (use_weak && (b->flags & B_WEAK)) ||
			    (use_main && !(b->flags & B_MAIN))) {
				st->blocks_dropped++;
				st->chars_dropped += b->chars;
				continue;
			}
		}
		st->chars += b->chars;
		if (out->len > first && ayak_buf_add(out, "\n", 1))
			return -1;
		if (ayak_buf_add(out, h->text.data + b->start, b->len))
			return -1;
	}
	(void)total;
	return 0;
}
