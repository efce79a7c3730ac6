/* UTF-8 decoding, validation and repair (Unicode 15, section 3.9). */
#include <string.h>

#include "ayak.h"

int ayak_utf8_decode(const unsigned char *p, const unsigned char *end, uint32_t *cp)
{
	unsigned c = p[0];
	size_t avail = (size_t)(end - p);

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c < 0xC2)
		return 0;		/* continuation byte or overlong lead */
	if (c < 0xE0) {
		if (avail < 2 || (p[1] & 0xC0) != 0x80)
			return 0;
		*cp = ((c & 0x1Fu) << 6) | (p[1] & 0x3Fu);
		return 2;
	}
	if (c < 0xF0) {
		/* E0 needs A0..BF (no overlongs), ED needs 80..9F (no surrogates). */
		unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;

		if (avail < 2 || p[1] < lo || p[1] > hi)
			return 0;
		if (avail < 3 || (p[2] & 0xC0) != 0x80)
			return 0;
		*cp = ((c & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
		return 3;
	}
	if (c < 0xF5) {
		/* F0 needs 90..BF (no overlongs), F4 needs 80..8F (<= U+10FFFF). */
		unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;

		if (avail < 2 || p[1] < lo || p[1] > hi)
			return 0;
		if (avail < 3 || (p[2] & 0xC0) != 0x80)
			return 0;
		if (avail < 4 || (p[3] & 0xC0) != 0x80)
			return 0;
		*cp = ((c & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) |
		      ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
		return 4;
	}
	return 0;
}

int ayak_utf8_encode(uint32_t cp, char *out)
{
	unsigned char *o = (unsigned char *)out;

	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

/*
 * Length of the maximal ill-formed subpart at p: the bytes that a
 * well-formed sequence could have started with, but at least one.
 */
static size_t ill_formed_len(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0], lo = 0x80, hi = 0xBF;
	size_t need, i;

	if (c < 0xC2 || c > 0xF4)
		return 1;
	need = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	if (c == 0xE0) lo = 0xA0;
	if (c == 0xED) hi = 0x9F;
	if (c == 0xF0) lo = 0x90;
	if (c == 0xF4) hi = 0x8F;
	for (i = 1; i < need && p + i < end; i++) {
		unsigned b = p[i];

		if (b < (i == 1 ? lo : 0x80u) || b > (i == 1 ? hi : 0xBFu))
			break;
	}
	return i;
}

size_t ayak_utf8_valid_prefix(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = n ? p + n : p;	/* s may be NULL then */
	uint32_t cp;

	while (p < end) {
		int k;

		/* Skip ASCII eight bytes at a time. */
		while (end - p >= 8) {
			uint64_t w;

			memcpy(&w, p, 8);
			if (w & 0x8080808080808080ull)
				break;
			p += 8;
		}
		if (p >= end)
			break;
		if (*p < 0x80) {
			p++;
			continue;
		}
		k = ayak_utf8_decode(p, end, &cp);
		if (!k)
			break;
		p += k;
	}
	return (size_t)(p - (const unsigned char *)s);
}

int ayak_utf8_repair(const char *s, size_t n, struct ayak_buf *out, size_t *nrepl)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	if (ayak_buf_grow(out, n))
		return -1;
	while (p < end) {
		size_t ok = ayak_utf8_valid_prefix((const char *)p, (size_t)(end - p));

		if (ayak_buf_add(out, p, ok))
			return -1;
		p += ok;
		if (p >= end)
			break;
		p += ill_formed_len(p, end);
		if (ayak_buf_add(out, "\xEF\xBF\xBD", 3))
			return -1;
		if (nrepl)
			(*nrepl)++;
	}
	return 0;
}
