/*
 * ICU set-up shared by the programs that need it (ayak-norm, ayak-tok,
 * ayak-warc): start ICU once and check its data is there, and convert
 * between UTF-8 records and the UTF-16 that ICU works in, with reused
 * buffers.
 */
#ifndef AYAK_ICU_H
#define AYAK_ICU_H

#include <unicode/utypes.h>

#include "ayak.h"

/* A growable UTF-16 string. */
struct ayak_ustr {
	UChar *data;
	int32_t len;
	int32_t cap;
};

#define AYAK_USTR_INIT { NULL, 0, 0 }

/* Start ICU and load its data; AYAK_E_SYS with ICU's reason if it cannot. */
int ayak_icu_init(struct ayak_err *err);

void ayak_ustr_release(struct ayak_ustr *u);
/* Make room for n UTF-16 units (len is left alone). */
int ayak_ustr_reserve(struct ayak_ustr *u, int32_t n);

/*
 * UTF-8 to UTF-16, replacing ill-formed sequences with U+FFFD (counted in
 * *nrepl when it is not NULL).  Replaces the contents of out.
 */
int ayak_utf8_to_utf16(const char *s, size_t n, struct ayak_ustr *out,
		       size_t *nrepl, struct ayak_err *err);
/* UTF-16 to UTF-8, appended to out; lone surrogates become U+FFFD. */
int ayak_utf16_to_utf8(const UChar *s, int32_t n, struct ayak_buf *out,
		       struct ayak_err *err);

#endif
