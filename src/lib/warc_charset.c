/*
 * Charsets of archived pages: a byte order mark, the HTTP header's charset,
 * the <meta> prescan of the HTML standard, then ICU's charset detector
 * (ucsdet); conversion to UTF-8 with ICU converters (ucnv).  Labels are
 * mapped as the WHATWG Encoding Standard maps them (iso-8859-1 and
 * us-ascii are windows-1252, gb2312 is GB18030, ...), since that is how
 * browsers, and so the page authors, read them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>

#include "icu.h"
#include "warc.h"

#define NCONV 6
#define DETECT_MAX (64u << 10)
#define CONV_UNITS (1 << 20)	/* bytes in, and UTF-16 units out, per step of a conversion */

struct warc_charset {
	UConverter *conv[NCONV];
	char names[NCONV][40];
	unsigned next;
	UCharsetDetector *det;
	struct ayak_ustr u;
	int32_t *offsets;	/* u's units' bytes in the input, CONV_UNITS of them */
};

struct warc_charset *warc_charset_new(void)
{
	return calloc(1, sizeof(struct warc_charset));
}

void warc_charset_free(struct warc_charset *cs)
{
	size_t i;

	if (!cs)
		return;
	for (i = 0; i < NCONV; i++)
		if (cs->conv[i])
			ucnv_close(cs->conv[i]);
	if (cs->det)
		ucsdet_close(cs->det);
	ayak_ustr_release(&cs->u);
	free(cs->offsets);
	free(cs);
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* label[0..n) lowercased and trimmed into out[cap]. */
static size_t norm_label(const char *label, size_t n, char *out, size_t cap)
{
	size_t k = 0;

	while (n && (*label == ' ' || *label == '\t' || *label == '"' || *label == '\'')) {
		label++;
		n--;
	}
	while (n && (label[n - 1] == ' ' || label[n - 1] == '\t' || label[n - 1] == '"' ||
		     label[n - 1] == '\'' || label[n - 1] == '\r' || label[n - 1] == '\n'))
		n--;
	while (n-- && k + 1 < cap)
		out[k++] = (char)lower((unsigned char)*label++);
	out[k] = 0;
	return k;
}

/*
 * The WHATWG mapping of common labels to the ICU converter that decodes
 * them the same way.  Labels not listed go to ICU as they are.
 */
static const char *whatwg_name(const char *l)
{
	static const struct {
		const char *label, *icu;
	} map[] = {
		{ "utf-8", "UTF-8" }, { "utf8", "UTF-8" }, { "unicode-1-1-utf-8", "UTF-8" },
		{ "x-unicode20utf8", "UTF-8" },
		{ "us-ascii", "windows-1252" }, { "ascii", "windows-1252" },
		{ "iso-8859-1", "windows-1252" }, { "iso8859-1", "windows-1252" },
		{ "iso_8859-1", "windows-1252" }, { "iso88591", "windows-1252" },
		{ "latin1", "windows-1252" }, { "l1", "windows-1252" },
		{ "cp1252", "windows-1252" }, { "windows-1252", "windows-1252" },
		{ "x-cp1252", "windows-1252" }, { "cp819", "windows-1252" },
		{ "ibm819", "windows-1252" }, { "ansi_x3.4-1968", "windows-1252" },
		{ "iso-ir-100", "windows-1252" }, { "csisolatin1", "windows-1252" },
		{ "x-user-defined", "windows-1252" }, { "iso_8859-1:1987", "windows-1252" },
		{ "iso-8859-9", "windows-1254" }, { "latin5", "windows-1254" },
		{ "iso8859-9", "windows-1254" }, { "windows-1254", "windows-1254" },
		{ "tis-620", "windows-874" }, { "iso-8859-11", "windows-874" },
		{ "windows-874", "windows-874" }, { "dos-874", "windows-874" },
		{ "gb2312", "GB18030" }, { "gbk", "GB18030" }, { "chinese", "GB18030" },
		{ "csgb2312", "GB18030" }, { "x-gbk", "GB18030" }, { "gb_2312-80", "GB18030" },
		{ "gb_2312", "GB18030" }, { "gb18030", "GB18030" }, { "cp936", "GB18030" },
		{ "big5", "Big5-HKSCS" }, { "big5-hkscs", "Big5-HKSCS" }, { "x-x-big5", "Big5-HKSCS" },
		{ "cn-big5", "Big5-HKSCS" }, { "csbig5", "Big5-HKSCS" },
		{ "shift_jis", "windows-31j" }, { "shift-jis", "windows-31j" },
		{ "sjis", "windows-31j" }, { "ms_kanji", "windows-31j" },
		{ "windows-31j", "windows-31j" }, { "x-sjis", "windows-31j" },
		{ "csshiftjis", "windows-31j" }, { "ms932", "windows-31j" },
		{ "euc-kr", "windows-949" }, { "ks_c_5601-1987", "windows-949" },
		{ "korean", "windows-949" }, { "windows-949", "windows-949" },
		{ "cseuckr", "windows-949" }, { "ks_c_5601-1989", "windows-949" },
		{ "utf-16", "UTF-16LE" }, { "utf-16le", "UTF-16LE" }, { "utf-16be", "UTF-16BE" },
		{ "unicode", "UTF-16LE" }, { "ucs-2", "UTF-16LE" },
		{ "iso-8859-8-i", "ISO-8859-8" }, { "logical", "ISO-8859-8" },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(l, map[i].label))
			return map[i].icu;
	return NULL;
}

/* Charsets in which ASCII bytes are ASCII and nothing else is 7-bit. */
static int ascii_compatible(const char *name)
{
	return strncmp(name, "UTF-16", 6) && strncmp(name, "UTF-32", 6) &&
	       strncmp(name, "UTF-7", 5) && strncasecmp(name, "ISO-2022", 8) &&
	       strncasecmp(name, "HZ", 2) && strncasecmp(name, "ibm-", 4);
}

static UConverter *get_conv(struct warc_charset *cs, const char *name)
{
	UErrorCode status = U_ZERO_ERROR;
	unsigned i;
	UConverter *c;

	for (i = 0; i < NCONV; i++)
		if (cs->conv[i] && !strcmp(cs->names[i], name))
			return cs->conv[i];
	c = ucnv_open(name, &status);
	if (U_FAILURE(status) || !c)
		return NULL;
	i = cs->next++ % NCONV;
	if (cs->conv[i])
		ucnv_close(cs->conv[i]);
	cs->conv[i] = c;
	snprintf(cs->names[i], sizeof(cs->names[i]), "%s", name);
	return c;
}

/* A usable ICU name for the label, into out[40]; 0 when ICU does not know it. */
static int resolve(struct warc_charset *cs, struct warc_str label, char *out)
{
	char l[40];
	const char *name;

	if (!label.n || label.n >= sizeof(l))
		return 0;
	norm_label(label.p, label.n, l, sizeof(l));
	if (!l[0])
		return 0;
	name = whatwg_name(l);
	if (!name) {
		if (!get_conv(cs, l))
			return 0;
		name = l;
	}
	snprintf(out, 40, "%s", name);
	return 1;
}

static int is_utf8_name(const char *n)
{
	return !strcmp(n, "UTF-8");
}

/* ---- the meta prescan ---- */

static int is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* One attribute of a tag at p[*i..n): name and value.  0 at the tag's end. */
static int get_attr(const char *p, size_t n, size_t *i, struct warc_str *name,
		    struct warc_str *val)
{
	size_t k = *i;

	while (k < n && (is_space((unsigned char)p[k]) || p[k] == '/'))
		k++;
	if (k >= n || p[k] == '>')
		return 0;
	name->p = p + k;
	while (k < n && !is_space((unsigned char)p[k]) && p[k] != '=' && p[k] != '>' &&
	       (p[k] != '/' || k == (size_t)(name->p - p)))
		k++;
	name->n = (size_t)(p + k - name->p);
	val->p = "";
	val->n = 0;
	while (k < n && is_space((unsigned char)p[k]))
		k++;
	if (k < n && p[k] == '=') {
		k++;
		while (k < n && is_space((unsigned char)p[k]))
			k++;
		if (k < n && (p[k] == '"' || p[k] == '\'')) {
			char q = p[k++];
			const char *e = memchr(p + k, q, n - k);

			val->p = p + k;
			val->n = e ? (size_t)(e - val->p) : n - k;
			k = e ? (size_t)(e - p) + 1 : n;
		} else {
			val->p = p + k;
			while (k < n && !is_space((unsigned char)p[k]) && p[k] != '>')
				k++;
			val->n = (size_t)(p + k - val->p);
		}
	}
	*i = k;
	return 1;
}

static int ieqs(struct warc_str s, const char *b)
{
	size_t i;

	for (i = 0; i < s.n; i++)
		if (!b[i] || lower((unsigned char)s.p[i]) != b[i])
			return 0;
	return b[s.n] == 0;
}

/* charset=X in a content attribute, as the HTML standard extracts it. */
static struct warc_str charset_in_content(struct warc_str c)
{
	struct warc_str none = { "", 0 };
	size_t i = 0;

	while (i + 7 <= c.n) {
		size_t j;

		if (!ieqs((struct warc_str){ c.p + i, 7 }, "charset")) {
			i++;
			continue;
		}
		j = i + 7;
		while (j < c.n && is_space((unsigned char)c.p[j]))
			j++;
		if (j >= c.n || c.p[j] != '=') {
			i = j;
			continue;
		}
		j++;
		while (j < c.n && is_space((unsigned char)c.p[j]))
			j++;
		if (j < c.n && (c.p[j] == '"' || c.p[j] == '\'')) {
			char q = c.p[j++];
			const char *e = memchr(c.p + j, q, c.n - j);

			if (!e)
				return none;
			return (struct warc_str){ c.p + j, (size_t)(e - (c.p + j)) };
		}
		i = j;
		while (j < c.n && !is_space((unsigned char)c.p[j]) && c.p[j] != ';')
			j++;
		return (struct warc_str){ c.p + i, j - i };
	}
	return none;
}

struct warc_str warc_meta_charset(const char *p, size_t n)
{
	struct warc_str none = { "", 0 };
	size_t i = 0;

	if (n > 1024)
		n = 1024;
	while (i < n) {
		if (p[i] != '<') {
			const char *lt = memchr(p + i, '<', n - i);

			if (!lt)
				break;
			i = (size_t)(lt - p);
		}
		if (n - i >= 4 && !memcmp(p + i, "<!--", 4)) {
			size_t k = i + 2;	/* "<!-->" ends at once */

			while (k + 3 <= n && memcmp(p + k, "-->", 3))
				k++;
			i = k + 3;
			continue;
		}
		if (n - i >= 6 && lower((unsigned char)p[i + 1]) == 'm' &&
		    lower((unsigned char)p[i + 2]) == 'e' && lower((unsigned char)p[i + 3]) == 't' &&
		    lower((unsigned char)p[i + 4]) == 'a' &&
		    (is_space((unsigned char)p[i + 5]) || p[i + 5] == '/')) {
			struct warc_str name, val, charset = none, content = none;
			int http_equiv = 0;
			size_t k = i + 5;

			while (get_attr(p, n, &k, &name, &val)) {
				if (ieqs(name, "http-equiv") && ieqs(val, "content-type"))
					http_equiv = 1;
				else if (ieqs(name, "content") && !content.n)
					content = val;
				else if (ieqs(name, "charset") && !charset.n)
					charset = val;
			}
			if (!charset.n && http_equiv && content.n)
				charset = charset_in_content(content);
			if (charset.n)
				return charset;
			i = k + 1;
			continue;
		}
		if (n - i >= 2 && (p[i + 1] == '!' || p[i + 1] == '/' || p[i + 1] == '?' ||
				   (lower((unsigned char)p[i + 1]) >= 'a' &&
				    lower((unsigned char)p[i + 1]) <= 'z'))) {
			/* Another tag: skip it, attributes and all. */
			struct warc_str name, val;
			size_t k = i + 1;

			if (p[k] == '!' || p[k] == '?') {
				const char *gt = memchr(p + k, '>', n - k);

				i = gt ? (size_t)(gt - p) + 1 : n;
				continue;
			}
			if (p[k] == '/')
				k++;
			while (k < n && !is_space((unsigned char)p[k]) && p[k] != '>')
				k++;
			while (get_attr(p, n, &k, &name, &val))
				;
			i = k + 1;
			continue;
		}
		i++;
	}
	return none;
}

/* ---- conversion ---- */

/*
 * Almost all UTF-8: more than ten well-formed multibyte characters for each
 * ill-formed sequence.  That is the proportion ICU's own UTF-8 recogniser
 * takes as evidence of UTF-8; legacy charsets read as UTF-8 come nowhere
 * near it (a page in windows-1252 has next to no well-formed sequences,
 * one in GBK or Shift_JIS about one for every five ill-formed ones).
 */
static int mostly_utf8(const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p, *end = s + n;
	uint64_t good = 0, bad = 0;
	uint32_t cp;

	while (s < end) {
		int k;

		if (*s < 0x80) {
			s++;
			continue;
		}
		k = ayak_utf8_decode(s, end, &cp);
		if (k) {
			good++;
			s += k;
			continue;
		}
		/* One ill-formed sequence: its first byte and the continuation bytes after it. */
		bad++;
		for (s++; s < end && (*s & 0xC0) == 0x80; s++)
			;
	}
	return good > 10 * bad;
}

static int detect(struct warc_charset *cs, const char *p, size_t n, int html, char *out)
{
	UErrorCode status = U_ZERO_ERROR;
	const UCharsetMatch *m, **all;
	const char *name;
	struct warc_str s;
	int32_t nmatch = 0, i;

	if (!cs->det) {
		cs->det = ucsdet_open(&status);
		if (U_FAILURE(status)) {
			cs->det = NULL;
			return 0;
		}
	}
	ucsdet_enableInputFilter(cs->det, html);
	ucsdet_setText(cs->det, p, (int32_t)(n > DETECT_MAX ? DETECT_MAX : n), &status);
	all = ucsdet_detectAll(cs->det, &nmatch, &status);
	if (U_FAILURE(status))
		return 0;
	/*
	 * The best guess that is not UTF-16 or UTF-32: without a byte order
	 * mark (found before the detector is asked) neither is ever taken, as
	 * the WHATWG Encoding Standard has it; ICU guesses UTF-16 for long
	 * runs of one letter and turns the page into CJK.  A confidence of 10
	 * or less is ICU's "nothing against it" (it gives UTF-16 that to
	 * almost any text, Shift_JIS to one stray byte): no guess.
	 */
	for (i = 0; i < nmatch; i++) {
		status = U_ZERO_ERROR;
		m = all[i];
		name = ucsdet_getName(m, &status);
		if (U_FAILURE(status) || !name || !strncmp(name, "UTF-16", 6) ||
		    !strncmp(name, "UTF-32", 6))
			continue;
		if (ucsdet_getConfidence(m, &status) <= 10 || U_FAILURE(status))
			break;	/* sorted by confidence: the rest are no better */
		s.p = name;
		s.n = strlen(name);
		return resolve(cs, s, out);
	}
	return 0;
}

int warc_to_utf8(struct warc_charset *cs, const char *p, size_t n, struct warc_str declared,
		 int html, struct ayak_buf *out, const char **text, size_t *len,
		 struct warc_charset_info *info, struct ayak_err *err)
{
	char name[40] = "";
	int source = 0;
	size_t valid;

	memset(info, 0, sizeof(*info));
	*text = p;
	*len = n;
	if (n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) {
		p += 3;
		n -= 3;
		*text = p;
		*len = n;
		strcpy(name, "UTF-8");
		source = WARC_CS_BOM;
	} else if (n >= 2 && !memcmp(p, "\xFE\xFF", 2)) {
		p += 2;
		n -= 2;
		strcpy(name, "UTF-16BE");
		source = WARC_CS_BOM;
	} else if (n >= 2 && !memcmp(p, "\xFF\xFE", 2)) {
		p += 2;
		n -= 2;
		strcpy(name, "UTF-16LE");
		source = WARC_CS_BOM;
	}
	if (!source && resolve(cs, declared, name))
		source = WARC_CS_HEADER;
	if (!source && html && resolve(cs, warc_meta_charset(p, n), name)) {
		source = WARC_CS_META;
		/* A page that could read its own meta tag is not UTF-16. */
		if (!strncmp(name, "UTF-16", 6))
			strcpy(name, "UTF-8");
	}

	if (source && ascii_compatible(name) && !is_utf8_name(name)) {
		/* Pure ASCII reads the same in every such charset. */
		size_t i = 0;

		while (i < n && !((unsigned char)p[i] & 0x80))
			i++;
		if (i == n) {
			snprintf(info->name, sizeof(info->name), "%s", name);
			info->source = source;
			return 0;
		}
	}
	if (!source || is_utf8_name(name)) {
		valid = ayak_utf8_valid_prefix(p, n);
		if (valid == n) {
			snprintf(info->name, sizeof(info->name), "UTF-8");
			info->source = source ? source : WARC_CS_VALID_UTF8;
			return 0;
		}
		/*
		 * A few stray bytes in UTF-8 text are U+FFFD, as browsers decode
		 * it; only a payload that is clearly not UTF-8 goes to the
		 * detector, declared UTF-8 or not.
		 */
		if (mostly_utf8(p, n)) {
			strcpy(name, "UTF-8");
			if (!source)
				source = WARC_CS_DETECTED;
		} else if (detect(cs, p, n, html, name)) {
			if (!source || !is_utf8_name(name))
				source = WARC_CS_DETECTED;
		} else if (!source) {
			strcpy(name, "windows-1252");
			source = WARC_CS_DEFAULT;
		}
		if (is_utf8_name(name)) {
			ayak_buf_reset(out);
			if (ayak_utf8_repair(p, n, out, &info->replaced))
				return ayak_err_set(err, AYAK_E_SYS, "out of memory");
			snprintf(info->name, sizeof(info->name), "UTF-8");
			info->source = source;
			*text = out->data ? out->data : "";
			*len = out->len;
			return 0;
		}
	}
	snprintf(info->name, sizeof(info->name), "%s", name);
	info->source = source;
	{
		UConverter *c = get_conv(cs, name);
		const char *src = p, *end = p + n;
		int32_t keep = 0;
		int more;

		if (!c) {
			/* Known by name but not openable: read it as windows-1252. */
			c = get_conv(cs, "windows-1252");
			snprintf(info->name, sizeof(info->name), "windows-1252");
			if (!c)
				return ayak_err_set(err, AYAK_E_SYS, "ICU has no windows-1252 converter");
		}
		ucnv_reset(c);
		ayak_buf_reset(out);
		if (ayak_ustr_reserve(&cs->u, CONV_UNITS) ||
		    (!cs->offsets && !(cs->offsets = malloc(CONV_UNITS * sizeof(*cs->offsets)))))
			return ayak_err_set(err, AYAK_E_SYS, "out of memory");
		/*
		 * A step at a time: ICU takes int32_t lengths, and a payload of
		 * any size (--max-record) is converted whole.
		 */
		do {
			UErrorCode status = U_ZERO_ERROR;
			UChar *t = cs->u.data + keep;
			const char *from = src, *lim = (size_t)(end - src) > CONV_UNITS ? src + CONV_UNITS : end;
			int32_t ulen, i;

			ucnv_toUnicode(c, &t, cs->u.data + CONV_UNITS, &src, lim, cs->offsets + keep,
				       lim == end, &status);
			if (U_FAILURE(status) && status != U_BUFFER_OVERFLOW_ERROR)
				return ayak_err_set(err, AYAK_E_SYS, "charset conversion from %s: %s",
						    name, u_errorName(status));
			more = status == U_BUFFER_OVERFLOW_ERROR || src < end;
			ulen = (int32_t)(t - cs->u.data);
			for (i = keep; i < ulen; i++) {
				UChar u = cs->u.data[i];
				/* The byte it came from; -1 when a step before had it. */
				int b = cs->offsets[i] >= 0 ? (unsigned char)from[cs->offsets[i]] : -1;

				/*
				 * WHATWG's single-byte encodings are ASCII below 0x80;
				 * ICU's ibm866 moves the controls 0x1A, 0x1C and 0x7F
				 * round, as IBM's code page does.
				 */
				if ((b == 0x1A || b == 0x1C || b == 0x7F) &&
				    (u == 0x1A || u == 0x1C || u == 0x7F))
					cs->u.data[i] = (UChar)b;
				/*
				 * Unmappable bytes come out as U+001A in some
				 * converters: make them U+FFFD, but for a 0x1A byte,
				 * which is U+001A itself.
				 */
				else if (u == 0x1A || u == 0xFFFD) {
					cs->u.data[i] = 0xFFFD;
					info->replaced++;
				}
			}
			/* A surrogate pair is not cut between two steps. */
			keep = more && ulen && U16_IS_LEAD(cs->u.data[ulen - 1]);
			if (ayak_utf16_to_utf8(cs->u.data, ulen - keep, out, err))
				return -1;
			if (keep)
				cs->u.data[0] = cs->u.data[ulen - 1];
		} while (more);
		*text = out->data ? out->data : "";
		*len = out->len;
	}
	return 0;
}
