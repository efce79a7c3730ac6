/* ICU set-up and UTF-8/UTF-16 conversion with reused buffers. */
#include <limits.h>
#include <stdlib.h>

#include <unicode/uclean.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "icu.h"

int ayak_icu_init(struct ayak_err *err)
{
	UErrorCode status = U_ZERO_ERROR;

	u_init(&status);
	/* u_init does not load normalization data; ask for it now, so a
	 * broken ICU installation fails at start, not in the middle of a run. */
	if (U_SUCCESS(status))
		unorm2_getNFCInstance(&status);
	if (U_FAILURE(status))
		return ayak_err_set(err, AYAK_E_SYS, "cannot load ICU data: %s",
				    u_errorName(status));
	return 0;
}

void ayak_ustr_release(struct ayak_ustr *u)
{
	free(u->data);
	u->data = NULL;
	u->len = u->cap = 0;
}

int ayak_ustr_reserve(struct ayak_ustr *u, int32_t n)
{
	int32_t cap;
	UChar *p;

	if (n < 0)
		return -1;
	if (n <= u->cap)
		return 0;
	cap = u->cap ? u->cap : 256;
	while (cap < n)
		cap = cap > INT32_MAX / 2 ? n : cap * 2;
	p = realloc(u->data, (size_t)cap * sizeof(UChar));
	if (!p)
		return -1;
	u->data = p;
	u->cap = cap;
	return 0;
}

int ayak_utf8_to_utf16(const char *s, size_t n, struct ayak_ustr *out,
		       size_t *nrepl, struct ayak_err *err)
{
	UErrorCode status = U_ZERO_ERROR;
	int32_t subs = 0, len = 0;

	if (n > INT32_MAX / 2)
		return ayak_err_set(err, AYAK_E_DATA, "text too long for ICU (%zu bytes)", n);
	/* UTF-16 never needs more units than UTF-8 has bytes. */
	if (ayak_ustr_reserve(out, (int32_t)n + 1))
		return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	u_strFromUTF8WithSub(out->data, out->cap, &len, s, (int32_t)n, 0xFFFD, &subs, &status);
	if (U_FAILURE(status))
		return ayak_err_set(err, AYAK_E_SYS, "UTF-8 to UTF-16: %s", u_errorName(status));
	out->len = len;
	if (nrepl)
		*nrepl += (size_t)subs;
	return 0;
}

int ayak_utf16_to_utf8(const UChar *s, int32_t n, struct ayak_buf *out,
		       struct ayak_err *err)
{
	UErrorCode status = U_ZERO_ERROR;
	int32_t len = 0;
	size_t room;

	if (n < 0 || n > INT32_MAX / 3)
		return ayak_err_set(err, AYAK_E_DATA, "text too long for ICU");
	/* At most three UTF-8 bytes per UTF-16 unit. */
	if (ayak_buf_grow(out, (size_t)n * 3 + 1))
		return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	/* A buffer grown for an earlier, longer text may have 2 GiB or more to spare. */
	room = out->cap - out->len;
	u_strToUTF8WithSub(out->data + out->len, room > INT32_MAX ? INT32_MAX : (int32_t)room,
			   &len, s, n, 0xFFFD, NULL, &status);
	if (U_FAILURE(status))
		return ayak_err_set(err, AYAK_E_SYS, "UTF-16 to UTF-8: %s", u_errorName(status));
	out->len += (size_t)len;
	return 0;
}
