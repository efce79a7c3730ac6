/*
 * HTML entities and mojibake: the repairs of ayak-norm that undo what
 * other software did to a text.
 *
 * Entities: &name; for the 253 entities of HTML 4 (and &apos;), &#N; and
 * &#xH;.  A reference needs its semicolon; numbers 128..159 mean the
 * Windows-1252 characters, as HTML5 says; &#0;, surrogates and numbers
 * beyond U+10FFFF are left alone.
 *
 * Mojibake: UTF-8 that was read as Windows-1252 or Latin-1 and written
 * out again as UTF-8, so that "é" (C3 A9) shows as "Ã©" and "’" (E2 80
 * 99) as "â€™".  A repair needs a character U+00C2..U+00F4 (a UTF-8 lead
 * byte) followed by exactly the continuation bytes it announces, each
 * written as a character U+0080..U+00BF or as the Windows-1252 character
 * for that byte; the bytes must decode as well-formed UTF-8 to an assigned
 * character outside the C1 controls, private use, noncharacters and the
 * rarely used U+0700..U+07FF block.  Correct text almost never has such a
 * sequence: a Latin-1 letter followed by one to three characters from the
 * U+0080..U+00BF symbols.  It does have a capital letter before Windows-1252
 * punctuation in a word in capitals (CAFÉ…): that stays.
 */
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>

#include "norm_int.h"

/* ---- Windows-1252 ---- */

/* Bytes 0x80..0x9F in Windows-1252 (0: undefined there, Latin-1's C1 control instead). */
static const uint16_t cp1252_high[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

uint32_t norm_cp1252(uint32_t c)
{
	return c >= 0x80 && c <= 0x9F ? cp1252_high[c - 0x80] : 0;
}

/* The byte 0x80..0xBF that cp stands for in mis-decoded text, or -1. */
static int continuation_byte(uint32_t cp)
{
	int b;

	if (cp >= 0x80 && cp <= 0xBF)
		return (int)cp;
	if (cp < 0x152 || cp > 0x2122)
		return -1;
	for (b = 0; b < 32; b++)
		if (cp1252_high[b] == cp)
			return 0x80 + b;
	return -1;
}

static int plausible(uint32_t cp)
{
	int t;

	if (cp < 0xA0 || (cp >= 0x700 && cp <= 0x7FF))
		return 0;
	if ((cp & 0xFFFE) == 0xFFFE || (cp >= 0xFDD0 && cp <= 0xFDEF))
		return 0;
	t = u_charType((UChar32)cp);
	return t != U_UNASSIGNED && t != U_PRIVATE_USE_CHAR && t != U_SURROGATE &&
	       t != U_CONTROL_CHAR;
}

/*
 * Mojibake at s[i] (a character U+00C2..U+00F4 there): on success store
 * the repaired character and return how many bytes it replaces.
 */
static size_t mojibake_at(const char *s, size_t i, size_t len, uint32_t *out)
{
	unsigned char bytes[4];
	uint32_t lead, cp;
	size_t j;
	int need, k;

	j = i + (size_t)norm_u8(s, i, len, &lead);
	if (lead < 0xC2 || lead > 0xF4)
		return 0;
	need = lead < 0xE0 ? 1 : lead < 0xF0 ? 2 : 3;
	bytes[0] = (unsigned char)lead;
	for (k = 1; k <= need; k++) {
		int b;

		if (j >= len)
			return 0;
		j += (size_t)norm_u8(s, j, len, &cp);
		b = continuation_byte(cp);
		if (b < 0)
			return 0;
		bytes[k] = (unsigned char)b;
	}
	if (ayak_utf8_decode(bytes, bytes + need + 1, &cp) != need + 1 || !plausible(cp))
		return 0;
	/*
	 * A capital from Ä on, after another capital, then a Windows-1252
	 * character (CAFÉ…, JOSÉ–MARÍA, PURÉ™) is a word in capitals before
	 * punctuation, not U+0100..U+07FF read wrong (Ʌ, ɖ, ə).  Ã is left
	 * out: Ã‰ is how É itself is damaged.
	 */
	if (need == 1 && lead >= 0xC4 && lead <= 0xDE && bytes[1] < 0xA0 && i > 0) {
		size_t b = i - 1;
		uint32_t prev;

		while (b > 0 && ((unsigned char)s[b] & 0xC0) == 0x80)
			b--;
		norm_u8(s, b, i, &prev);
		if ((prev >= 'A' && prev <= 'Z') || (prev >= 0xC0 && prev <= 0xDE && prev != 0xD7))
			return 0;
	}
	*out = cp;
	return j - i;
}

/* ---- HTML entities ---- */

struct entity {
	const char *name;
	uint32_t cp;
};

/* HTML 4.01's entities and &apos;, sorted by name (strcmp order). */
static const struct entity entities[] = {
	{ "AElig", 0x00C6 }, { "Aacute", 0x00C1 }, { "Acirc", 0x00C2 }, { "Agrave", 0x00C0 },
	{ "Alpha", 0x0391 }, { "Aring", 0x00C5 }, { "Atilde", 0x00C3 }, { "Auml", 0x00C4 },
	{ "Beta", 0x0392 }, { "Ccedil", 0x00C7 }, { "Chi", 0x03A7 }, { "Dagger", 0x2021 },
	{ "Delta", 0x0394 }, { "ETH", 0x00D0 }, { "Eacute", 0x00C9 }, { "Ecirc", 0x00CA },
	{ "Egrave", 0x00C8 }, { "Epsilon", 0x0395 }, { "Eta", 0x0397 }, { "Euml", 0x00CB },
	{ "Gamma", 0x0393 }, { "Iacute", 0x00CD }, { "Icirc", 0x00CE }, { "Igrave", 0x00CC },
	{ "Iota", 0x0399 }, { "Iuml", 0x00CF }, { "Kappa", 0x039A }, { "Lambda", 0x039B },
	{ "Mu", 0x039C }, { "Ntilde", 0x00D1 }, { "Nu", 0x039D }, { "OElig", 0x0152 },
	{ "Oacute", 0x00D3 }, { "Ocirc", 0x00D4 }, { "Ograve", 0x00D2 }, { "Omega", 0x03A9 },
	{ "Omicron", 0x039F }, { "Oslash", 0x00D8 }, { "Otilde", 0x00D5 }, { "Ouml", 0x00D6 },
	{ "Phi", 0x03A6 }, { "Pi", 0x03A0 }, { "Prime", 0x2033 }, { "Psi", 0x03A8 },
	{ "Rho", 0x03A1 }, { "Scaron", 0x0160 }, { "Sigma", 0x03A3 }, { "THORN", 0x00DE },
	{ "Tau", 0x03A4 }, { "Theta", 0x0398 }, { "Uacute", 0x00DA }, { "Ucirc", 0x00DB },
	{ "Ugrave", 0x00D9 }, { "Upsilon", 0x03A5 }, { "Uuml", 0x00DC }, { "Xi", 0x039E },
	{ "Yacute", 0x00DD }, { "Yuml", 0x0178 }, { "Zeta", 0x0396 }, { "aacute", 0x00E1 },
	{ "acirc", 0x00E2 }, { "acute", 0x00B4 }, { "aelig", 0x00E6 }, { "agrave", 0x00E0 },
	{ "alefsym", 0x2135 }, { "alpha", 0x03B1 }, { "amp", 0x0026 }, { "and", 0x2227 },
	{ "ang", 0x2220 }, { "apos", 0x0027 }, { "aring", 0x00E5 }, { "asymp", 0x2248 },
	{ "atilde", 0x00E3 }, { "auml", 0x00E4 }, { "bdquo", 0x201E }, { "beta", 0x03B2 },
	{ "brvbar", 0x00A6 }, { "bull", 0x2022 }, { "cap", 0x2229 }, { "ccedil", 0x00E7 },
	{ "cedil", 0x00B8 }, { "cent", 0x00A2 }, { "chi", 0x03C7 }, { "circ", 0x02C6 },
	{ "clubs", 0x2663 }, { "cong", 0x2245 }, { "copy", 0x00A9 }, { "crarr", 0x21B5 },
	{ "cup", 0x222A }, { "curren", 0x00A4 }, { "dArr", 0x21D3 }, { "dagger", 0x2020 },
	{ "darr", 0x2193 }, { "deg", 0x00B0 }, { "delta", 0x03B4 }, { "diams", 0x2666 },
	{ "divide", 0x00F7 }, { "eacute", 0x00E9 }, { "ecirc", 0x00EA }, { "egrave", 0x00E8 },
	{ "empty", 0x2205 }, { "emsp", 0x2003 }, { "ensp", 0x2002 }, { "epsilon", 0x03B5 },
	{ "equiv", 0x2261 }, { "eta", 0x03B7 }, { "eth", 0x00F0 }, { "euml", 0x00EB },
	{ "euro", 0x20AC }, { "exist", 0x2203 }, { "fnof", 0x0192 }, { "forall", 0x2200 },
	{ "frac12", 0x00BD }, { "frac14", 0x00BC }, { "frac34", 0x00BE }, { "frasl", 0x2044 },
	{ "gamma", 0x03B3 }, { "ge", 0x2265 }, { "gt", 0x003E }, { "hArr", 0x21D4 },
	{ "harr", 0x2194 }, { "hearts", 0x2665 }, { "hellip", 0x2026 }, { "iacute", 0x00ED },
	{ "icirc", 0x00EE }, { "iexcl", 0x00A1 }, { "igrave", 0x00EC }, { "image", 0x2111 },
	{ "infin", 0x221E }, { "int", 0x222B }, { "iota", 0x03B9 }, { "iquest", 0x00BF },
	{ "isin", 0x2208 }, { "iuml", 0x00EF }, { "kappa", 0x03BA }, { "lArr", 0x21D0 },
	{ "lambda", 0x03BB }, { "lang", 0x2329 }, { "laquo", 0x00AB }, { "larr", 0x2190 },
	{ "lceil", 0x2308 }, { "ldquo", 0x201C }, { "le", 0x2264 }, { "lfloor", 0x230A },
	{ "lowast", 0x2217 }, { "loz", 0x25CA }, { "lrm", 0x200E }, { "lsaquo", 0x2039 },
	{ "lsquo", 0x2018 }, { "lt", 0x003C }, { "macr", 0x00AF }, { "mdash", 0x2014 },
	{ "micro", 0x00B5 }, { "middot", 0x00B7 }, { "minus", 0x2212 }, { "mu", 0x03BC },
	{ "nabla", 0x2207 }, { "nbsp", 0x00A0 }, { "ndash", 0x2013 }, { "ne", 0x2260 },
	{ "ni", 0x220B }, { "not", 0x00AC }, { "notin", 0x2209 }, { "nsub", 0x2284 },
	{ "ntilde", 0x00F1 }, { "nu", 0x03BD }, { "oacute", 0x00F3 }, { "ocirc", 0x00F4 },
	{ "oelig", 0x0153 }, { "ograve", 0x00F2 }, { "oline", 0x203E }, { "omega", 0x03C9 },
	{ "omicron", 0x03BF }, { "oplus", 0x2295 }, { "or", 0x2228 }, { "ordf", 0x00AA },
	{ "ordm", 0x00BA }, { "oslash", 0x00F8 }, { "otilde", 0x00F5 }, { "otimes", 0x2297 },
	{ "ouml", 0x00F6 }, { "para", 0x00B6 }, { "part", 0x2202 }, { "permil", 0x2030 },
	{ "perp", 0x22A5 }, { "phi", 0x03C6 }, { "pi", 0x03C0 }, { "piv", 0x03D6 },
	{ "plusmn", 0x00B1 }, { "pound", 0x00A3 }, { "prime", 0x2032 }, { "prod", 0x220F },
	{ "prop", 0x221D }, { "psi", 0x03C8 }, { "quot", 0x0022 }, { "rArr", 0x21D2 },
	{ "radic", 0x221A }, { "rang", 0x232A }, { "raquo", 0x00BB }, { "rarr", 0x2192 },
	{ "rceil", 0x2309 }, { "rdquo", 0x201D }, { "real", 0x211C }, { "reg", 0x00AE },
	{ "rfloor", 0x230B }, { "rho", 0x03C1 }, { "rlm", 0x200F }, { "rsaquo", 0x203A },
	{ "rsquo", 0x2019 }, { "sbquo", 0x201A }, { "scaron", 0x0161 }, { "sdot", 0x22C5 },
	{ "sect", 0x00A7 }, { "shy", 0x00AD }, { "sigma", 0x03C3 }, { "sigmaf", 0x03C2 },
	{ "sim", 0x223C }, { "spades", 0x2660 }, { "sub", 0x2282 }, { "sube", 0x2286 },
	{ "sum", 0x2211 }, { "sup", 0x2283 }, { "sup1", 0x00B9 }, { "sup2", 0x00B2 },
	{ "sup3", 0x00B3 }, { "supe", 0x2287 }, { "szlig", 0x00DF }, { "tau", 0x03C4 },
	{ "there4", 0x2234 }, { "theta", 0x03B8 }, { "thetasym", 0x03D1 }, { "thinsp", 0x2009 },
	{ "thorn", 0x00FE }, { "tilde", 0x02DC }, { "times", 0x00D7 }, { "trade", 0x2122 },
	{ "uArr", 0x21D1 }, { "uacute", 0x00FA }, { "uarr", 0x2191 }, { "ucirc", 0x00FB },
	{ "ugrave", 0x00F9 }, { "uml", 0x00A8 }, { "upsih", 0x03D2 }, { "upsilon", 0x03C5 },
	{ "uuml", 0x00FC }, { "weierp", 0x2118 }, { "xi", 0x03BE }, { "yacute", 0x00FD },
	{ "yen", 0x00A5 }, { "yuml", 0x00FF }, { "zeta", 0x03B6 }, { "zwj", 0x200D },
	{ "zwnj", 0x200C },
};

static int entity_cmp(const void *key, const void *elt)
{
	return strcmp(key, ((const struct entity *)elt)->name);
}

/* An entity at s[i] ('&'): on success store its character and return its length. */
static size_t entity_at(const char *s, size_t i, size_t len, uint32_t *out)
{
	size_t j = i + 1;
	uint32_t v = 0;

	if (j < len && s[j] == '#') {
		int hex = 0, digits = 0;

		j++;
		if (j < len && (s[j] == 'x' || s[j] == 'X')) {
			hex = 1;
			j++;
		}
		while (j < len && digits < 8) {
			int d = hex ? ayak_hex_digit((unsigned char)s[j]) :
				(s[j] >= '0' && s[j] <= '9' ? s[j] - '0' : -1);

			if (d < 0)
				break;
			v = v * (hex ? 16 : 10) + (uint32_t)d;
			digits++;
			j++;
		}
		if (!digits || j >= len || s[j] != ';' || v == 0 || v > 0x10FFFF ||
		    (v >= 0xD800 && v <= 0xDFFF))
			return 0;
		if (v >= 0x80 && v <= 0x9F && cp1252_high[v - 0x80])
			v = cp1252_high[v - 0x80];
		*out = v;
		return j + 1 - i;
	} else {
		char name[12];
		const struct entity *e;
		size_t k = 0;

		while (j < len && k < sizeof(name) - 1 &&
		       ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') ||
			(k && s[j] >= '0' && s[j] <= '9')))
			name[k++] = s[j++];
		if (!k || j >= len || s[j] != ';')
			return 0;
		name[k] = '\0';
		e = bsearch(name, entities, sizeof(entities) / sizeof(entities[0]),
			    sizeof(entities[0]), entity_cmp);
		if (!e)
			return 0;
		*out = e->cp;
		return j + 1 - i;
	}
}

/* ---- the pass ---- */

int norm_fix_candidate(const char *s, size_t len)
{
	return memchr(s, '&', len) || memchr(s, 0xC3, len);
}

size_t norm_fix(struct ayak_norm *n, const char *s, size_t len, struct ayak_buf *out)
{
	int ents = !(n->flags & AYAK_NORM_NO_ENTITIES);
	int moji = !(n->flags & AYAK_NORM_NO_MOJIBAKE);
	const char *amp = ents ? memchr(s, '&', len) : NULL;
	const char *lead = moji ? memchr(s, 0xC3, len) : NULL;
	size_t run = 0, fixes = 0;

	while (amp || lead) {
		const char *q = (!lead || (amp && amp < lead)) ? amp : lead;
		size_t i = (size_t)(q - s), k;
		uint32_t cp;
		int rule;

		if (q == amp) {
			k = entity_at(s, i, len, &cp);
			rule = AYAK_NORM_R_ENTITY;
		} else {
			k = mojibake_at(s, i, len, &cp);
			rule = AYAK_NORM_R_MOJIBAKE;
		}
		if (k) {
			if (ayak_buf_add(out, s + run, i - run) || norm_put(out, cp))
				return 0;	/* out of memory: the caller keeps the input */
			n->counts[rule]++;
			fixes++;
			run = i + k;
		} else {
			k = 1;
		}
		i += k;
		if (amp && amp < s + i)
			amp = memchr(s + i, '&', len - i);
		if (lead && lead < s + i)
			lead = memchr(s + i, 0xC3, len - i);
	}
	if (fixes && ayak_buf_add(out, s + run, len - run))
		return 0;
	return fixes;
}
