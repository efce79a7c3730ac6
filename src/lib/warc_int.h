/* Internals shared by the warc_*.c files of libayak. */
#ifndef AYAK_WARC_INT_H
#define AYAK_WARC_INT_H

#include <stddef.h>

/*
 * Decode one whole gzip member at in[0..in_n) into out[0..out_n) with
 * libdeflate, when its shared library can be loaded.  0 on success (with
 * the bytes used and produced), 1 when out is too small, -1 when the data
 * is damaged or incomplete, or libdeflate is not available.
 */
int warc_fast_gunzip(const void *in, size_t in_n, void *out, size_t out_n,
		     size_t *in_used, size_t *out_used);

#endif
