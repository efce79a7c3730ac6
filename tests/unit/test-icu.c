/* Unit tests for the ICU helpers (src/lib/icu.c). */
#include <stdio.h>
#include <string.h>

#include "icu.h"

static int n, failed;

static void ok(int cond, const char *what)
{
	printf("%sok %d - %s\n", cond ? "" : "not ", ++n, what);
	failed += !cond;
}

int main(void)
{
	struct ayak_err err;
	struct ayak_ustr u = AYAK_USTR_INIT;
	struct ayak_buf b = AYAK_BUF_INIT;
	size_t repl = 0;
	/* Malay, Jawi (ڤ U+06A4), an emoji (surrogate pair), then a stray byte. */
	static const char mixed[] = "kafe \xDA\xA4 \xF0\x9F\x98\x80 \xFF!";

	ok(ayak_icu_init(&err) == 0, "ICU starts and loads its data");

	ok(ayak_utf8_to_utf16("hai", 3, &u, &repl, &err) == 0 && u.len == 3 &&
	   u.data[0] == 'h' && repl == 0, "ASCII to UTF-16");
	ok(ayak_utf8_to_utf16(mixed, sizeof(mixed) - 1, &u, &repl, &err) == 0,
	   "mixed text to UTF-16");
	ok(u.len == 12 && u.data[5] == 0x06A4 && u.data[7] == 0xD83D &&
	   u.data[8] == 0xDE00 && u.data[10] == 0xFFFD, "code units: Jawi, a surrogate pair, U+FFFD");
	ok(repl == 1, "one replacement counted");

	ok(ayak_utf16_to_utf8(u.data, u.len, &b, &err) == 0, "back to UTF-8");
	ok(b.len == sizeof(mixed) - 1 + 2 &&
	   !memcmp(b.data, "kafe \xDA\xA4 \xF0\x9F\x98\x80 \xEF\xBF\xBD!", b.len),
	   "round trip keeps everything but the stray byte");

	{
		UChar lone[] = { 'a', 0xD800, 'b' };

		b.len = 0;
		ok(ayak_utf16_to_utf8(lone, 3, &b, &err) == 0 && b.len == 5 &&
		   !memcmp(b.data, "a\xEF\xBF\xBD" "b", 5), "a lone surrogate becomes U+FFFD");
	}
	ok(ayak_utf8_to_utf16("", 0, &u, NULL, &err) == 0 && u.len == 0, "empty text");

	{
		/* A buffer an earlier text grew to 2 GiB (malloc'd, never touched). */
		struct ayak_buf big = AYAK_BUF_INIT;
		UChar e[] = { 0xE9 };

		if (ayak_buf_grow(&big, (size_t)1 << 31) == 0) {
			ok(ayak_utf16_to_utf8(e, 1, &big, &err) == 0 && big.len == 2 &&
			   !memcmp(big.data, "\xC3\xA9", 2), "UTF-8 into a buffer with 2 GiB to spare");
		} else {
			ok(1, "# SKIP no address space for 2 GiB");
		}
		ayak_buf_release(&big);
	}

	ayak_ustr_release(&u);
	ayak_buf_release(&b);
	printf("1..%d\n", n);
	return failed != 0;
}
