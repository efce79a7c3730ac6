#define _GNU_SOURCE	/* mkostemp */
/* Errors, buffers, number parsing, clocks, versions, temporary files. */
#include <dirent.h>
#include <errno.h>
#include <float.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <bzlib.h>
#include <lzma.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>
#include <unicode/uversion.h>
#include <xxhash.h>
#include <zlib.h>
#include <zstd.h>

#include "ayak.h"

int ayak_err_set(struct ayak_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int ayak_err_sys(struct ayak_err *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (!err)
		return -1;
	err->code = AYAK_E_SYS;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	snprintf(err->msg + n, sizeof(err->msg) - n, "%s%s", n ? ": " : "",
		 strerror(errnum));
	return -1;
}

void ayak_err_clear(struct ayak_err *err)
{
	memset(err, 0, sizeof(*err));
}

void ayak_buf_init(struct ayak_buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
}

void ayak_buf_release(struct ayak_buf *b)
{
	free(b->data);
	ayak_buf_init(b);
}

int ayak_buf_grow(struct ayak_buf *b, size_t more)
{
	size_t want;
	char *p;

	if (more > SIZE_MAX - b->len - 1) {
		b->failed = 1;
		return -1;
	}
	want = b->len + more + 1;	/* room for a NUL that helpers may add */
	if (want <= b->cap)
		return 0;
	p = ayak_grow(b->data, &b->cap, want, 1, 256);
	if (!p) {
		b->failed = 1;
		return -1;
	}
	b->data = p;
	return 0;
}

void *ayak_grow(void *v, size_t *cap, size_t need, size_t elem, size_t first)
{
	size_t n = *cap ? *cap : (first ? first : 1);

	if (need <= *cap)
		return v;
	while (n < need)
		n = n > SIZE_MAX / 2 ? need : n * 2;
	if (!elem || n > SIZE_MAX / elem || !(v = realloc(v, n * elem)))
		return NULL;
	*cap = n;
	return v;
}

/* ayak_buf_add() when the buffer must grow */
int ayak_buf_add_grow(struct ayak_buf *b, const void *p, size_t n)
{
	if (ayak_buf_grow(b, n))
		return -1;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

int ayak_buf_addf(struct ayak_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || ayak_buf_grow(b, (size_t)n + 1))
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

/*
 * Rounded as printf rounds, half to even on the exact binary value of x
 * (0.03125 is 0.0312), in 128-bit integers: x = m * 2^-s, so x * 10^4 is
 * m * 10^4 shifted right by s.  ayak-lid wrote its scores and labels with
 * printf: 6% of its instructions on sentences, 15% with --top 3.
 */
size_t ayak_fmt_unit4(char out[7], double x)
{
	unsigned __int128 p, rem, half;
	uint64_t m, q;
	int e, s, k;

	if (!(x >= 0x1p-20))	/* under 0.00005 (or NaN): 0 */
		x = 0;
	if (x >= 1) {		/* the commonest score */
		memcpy(out, "1.0000", 7);
		return 6;
	}
	q = 0;
	if (x > 0) {
		uint64_t bits;

		/* x is normal: x = m * 2^(e - 53), m its 53-bit significand, as frexp() gives e */
		memcpy(&bits, &x, sizeof(bits));
		m = (bits & (((uint64_t)1 << 52) - 1)) | (uint64_t)1 << 52;
		e = (int)(bits >> 52) - 1022;
		s = 53 - e;				/* 53 to 72 */
		p = (unsigned __int128)m * 10000;
		q = (uint64_t)(p >> s);
		rem = p & (((unsigned __int128)1 << s) - 1);
		half = (unsigned __int128)1 << (s - 1);
		if (rem > half || (rem == half && (q & 1)))
			q++;
	}
	out[0] = (char)('0' + q / 10000);
	out[1] = '.';
	for (k = 5; k >= 2; k--, q /= 10)
		out[k] = (char)('0' + q % 10);
	out[6] = '\0';
	return 6;
}

size_t ayak_fmt_decimal(char out[AYAK_DECIMAL_MAX], double x)
{
	char e[32], digits[20];
	size_t nd = 0, k = 0;
	int prec, exp, i;
	const char *p;

	if (x == (double)(long long)x && x < 1e15 && x > -1e15)
		return (size_t)snprintf(out, AYAK_DECIMAL_MAX, "%.0f", x);
	/*
	 * 17 significant digits always read back; a double whose shortest form
	 * has 15 or fewer prints as that form with 15 and the zeros after it
	 * dropped, so the search starts there; a subnormal one, with fewer
	 * bits, may need fewer digits than 15 give.
	 */
	for (prec = (x < 0 ? -x : x) < DBL_MIN ? 1 : 15; prec < 17; prec++) {
		snprintf(e, sizeof(e), "%.*e", prec - 1, x);
		if (strtod(e, NULL) == x)
			break;
	}
	snprintf(e, sizeof(e), "%.*e", prec - 1, x);
	/* e is [-]d.ddde[+-]dd: its digits, then as many zeros as its exponent asks */
	p = e;
	if (*p == '-')
		out[k++] = *p++;
	for (; *p != 'e'; p++)
		if (*p != '.')
			digits[nd++] = *p;
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	exp = atoi(p + 1);
	if (exp < 0) {
		out[k++] = '0';
		out[k++] = '.';
		for (i = -1; i > exp; i--)
			out[k++] = '0';
		memcpy(out + k, digits, nd);
		k += nd;
	} else {
		for (i = 0; i <= exp || (size_t)i < nd; i++) {
			if (i == exp + 1)
				out[k++] = '.';
			out[k++] = (size_t)i < nd ? digits[i] : '0';
		}
	}
	out[k] = '\0';
	return k;
}

int ayak_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

/*
 * Digits, a point and digits if any, then K, M, G or T for unit to the
 * power 1 to 4 (and a B after a size in bytes), worked out in integers,
 * not in a double that would round: *out gets the whole units, *part
 * whether a fraction of one is left.  A point needs K, M, G or T: "1.5"
 * bytes has no meaning, "1.5M" has.
 */
static int parse_multiple(const char *s, uint64_t unit, int bytes, uint64_t *out, int *part)
{
	const char *p = s;
	uint64_t whole = 0, frac = 0, ten = 1, mult = 1, d;
	unsigned __int128 x;
	int point = 0, power = 0, rest = 0, i;

	/* No sign, space, hex or exponent. */
	if (!s || !(*p >= '0' && *p <= '9'))
		return AYAK_SIZE_SYNTAX;
	for (; *p >= '0' && *p <= '9'; p++) {
		d = (uint64_t)(*p - '0');
		if (whole > (UINT64_MAX - d) / 10)
			return AYAK_SIZE_RANGE;
		whole = whole * 10 + d;
	}
	if (*p == '.') {
		point = 1;
		if (!(p[1] >= '0' && p[1] <= '9'))
			return AYAK_SIZE_SYNTAX;
		/* 18 digits are kept; of those after, only whether one is not 0. */
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (ten <= UINT64_MAX / 10 / 10) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				ten *= 10;
			} else if (*p != '0') {
				rest = 1;
			}
		}
	}
	switch (*p) {
	case 'k': case 'K': power = 1; break;
	case 'm': case 'M': power = 2; break;
	case 'g': case 'G': power = 3; break;
	case 't': case 'T': power = 4; break;
	}
	if (power)
		p++;
	if (bytes && (*p == 'B' || *p == 'b'))
		p++;
	if (*p)
		return AYAK_SIZE_UNIT;
	if (point && !power)
		return AYAK_SIZE_FRACTION;
	for (i = 0; i < power; i++)
		mult *= unit;
	if (whole > UINT64_MAX / mult)
		return AYAK_SIZE_RANGE;
	whole *= mult;
	x = (unsigned __int128)frac * mult;	/* under 10^19 * 1024^4 */
	if ((uint64_t)(x / ten) > UINT64_MAX - whole)
		return AYAK_SIZE_RANGE;
	*out = whole + (uint64_t)(x / ten);
	*part = x % ten != 0 || rest;
	return 0;
}

int ayak_parse_size(const char *s, uint64_t *out)
{
	int part;

	/* A fraction of a byte ("1.1K" is 1126.4) is dropped. */
	return parse_multiple(s, 1024, 1, out, &part);
}

int ayak_parse_count(const char *s, uint64_t *out)
{
	uint64_t v;
	int part;

	int r = parse_multiple(s, 1000, 0, &v, &part);

	if (r)
		return r;
	/* In powers of 1000 a fraction is exact: one left over is a mistake, not rounded. */
	if (part)
		return AYAK_SIZE_FRACTION;
	*out = v;
	return 0;
}

const char *ayak_size_problem(int code)
{
	switch (code) {
	case AYAK_SIZE_UNIT:
		return "has an unknown unit";
	case AYAK_SIZE_FRACTION:
		return "is not whole";
	case AYAK_SIZE_RANGE:
		return "is too large";
	}
	return "is not a number";
}

int ayak_parse_decimal(const char *s, double *out)
{
	const char *p = s;

	if (!s || !(*p >= '0' && *p <= '9'))
		return -1;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '.') {
		if (!(p[1] >= '0' && p[1] <= '9'))
			return -1;
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	}
	if (*p)
		return -1;
	*out = strtod(s, NULL);	/* digits alone: no errno case but overflow to HUGE_VAL */
	return 0;
}

double ayak_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void ayak_library_versions(char *out, size_t n)
{
	char icu[U_MAX_VERSION_STRING_LENGTH], pcre[64];
	UVersionInfo v;
	unsigned xx = XXH_versionNumber();

	u_getVersion(v);
	u_versionToString(v, icu);
	pcre2_config(PCRE2_CONFIG_VERSION, pcre);
	/* PCRE2 reports "10.42 2022-12-11": keep the number. */
	pcre[strcspn(pcre, " ")] = '\0';
	snprintf(out, n,
		 "ICU %s, PCRE2 %s, zstd %s, xxHash %u.%u.%u, zlib %s, liblzma %s, bzip2 %.*s",
		 icu, pcre, ZSTD_versionString(), xx / 10000, xx / 100 % 100,
		 xx % 100, zlibVersion(), lzma_version_string(),
		 (int)strcspn(BZ2_bzlibVersion(), ","), BZ2_bzlibVersion());
}

/* ---- files and lines ---- */

int ayak_read_file(const char *path, struct ayak_buf *out, struct ayak_err *err)
{
	FILE *fp = fopen(path, "rb");
	char chunk[65536];
	size_t got;

	ayak_buf_reset(out);
	if (!fp) {
		int e = errno;

		ayak_err_sys(err, e, "%s", path);
		errno = e;	/* for callers that tell a missing file from others */
		return -1;
	}
	while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (ayak_buf_add(out, chunk, got)) {
			fclose(fp);
			return ayak_err_set(err, AYAK_E_SYS, "out of memory");
		}
	if (ferror(fp)) {
		int e = errno;

		fclose(fp);
		return ayak_err_sys(err, e, "%s", path);
	}
	fclose(fp);
	/* An editor's byte-order mark would otherwise join the first word, key or domain. */
	if (out->len >= 3 && !memcmp(out->data, "\xEF\xBB\xBF", 3)) {
		memmove(out->data, out->data + 3, out->len - 3);
		out->len -= 3;
	}
	return 0;
}

int ayak_text_check(const char *path, const char *text, size_t len, int code,
		    struct ayak_err *err)
{
	const char *nul = len ? memchr(text, '\0', len) : NULL, *p, *nl;
	const char *what = "invalid UTF-8";
	size_t bad = ayak_utf8_valid_prefix(text, len), line = 1;

	if (nul && (size_t)(nul - text) < bad) {
		bad = (size_t)(nul - text);
		what = "NUL byte";
	}
	if (bad == len)
		return 0;
	for (p = text; (nl = memchr(p, '\n', (size_t)(text + bad - p))); p = nl + 1)
		line++;
	return ayak_err_set(err, code, "%s:%zu: %s", path, line, what);
}

int ayak_next_line(const char *text, size_t len, size_t *pos, const char **line, size_t *n)
{
	const char *p, *nl;
	size_t l;

	if (*pos >= len)
		return 0;
	p = text + *pos;
	nl = memchr(p, '\n', len - *pos);
	l = nl ? (size_t)(nl - p) : len - *pos;
	*pos += l + (nl != NULL);
	if (l && p[l - 1] == '\r')
		l--;
	*line = p;
	*n = l;
	return 1;
}

/* ---- URLs ---- */

/*
 * Without a scheme or "//", is the first segment h..e a host?  Only when
 * it reads as one: labels of letters, digits, hyphens or non-ASCII bytes
 * with a dot between two of them ("example.com", "www.x.my"), or a name
 * with a port ("localhost:8080"); not "a/b", "index" or "/a/b".
 */
static int reads_as_host(const char *h, const char *e)
{
	const char *q;
	int dot = 0;

	for (q = h; q < e && *q != ':'; q++) {
		unsigned char c = (unsigned char)*q;

		if (c == '.' && q > h && q + 1 < e && q[-1] != '.' && q[1] != '.' && q[1] != ':')
			dot = 1;
		else if (!((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && !(c >= '0' && c <= '9') &&
			 c != '-' && c != '.' && c < 0x80)
			return 0;
	}
	if (q == e)
		return dot;
	if (q == h || q + 1 == e)
		return 0;
	for (q++; q < e; q++)
		if (*q < '0' || *q > '9')
			return 0;
	return 1;
}

const char *ayak_url_host(const char *url, size_t len, int bare, size_t *n)
{
	const char *p = url, *end = url + len, *h, *q, *at = NULL;

	*n = 0;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	/* A scheme: a letter, then letters, digits, + - . before "://". */
	for (q = p; q < end && q - p < 32; q++) {
		char ch = *q;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (q > p && ((ch >= '0' && ch <= '9') || ch == '+' || ch == '-' || ch == '.')))
			continue;
		break;
	}
	if (q > p && end - q >= 3 && q[0] == ':' && (q[1] == '/' || q[1] == '\\') &&
	    (q[2] == '/' || q[2] == '\\'))
		p = q + 3;
	else if (q > p && q < end && *q == ':' && !(q + 1 < end && q[1] >= '0' && q[1] <= '9'))
		return NULL;	/* mailto:, data:, javascript: ... (a host:port goes on) */
	else if (end - p >= 2 && p[0] == '/' && p[1] == '/')
		p += 2;
	else
		bare = bare ? 2 : 1;
	h = p;
	while (p < end && *p != '/' && *p != '?' && *p != '#' && *p != '\\')
		p++;
	if (bare == 1 && !reads_as_host(h, p))
		return NULL;
	for (q = h; q < p; q++)
		if (*q == '@')
			at = q;
	if (at)
		h = at + 1;
	if (h < p && *h == '[') {
		for (q = h; q < p && *q != ']'; q++)
			;
		p = q < p ? q + 1 : p;
	} else {
		for (q = h; q < p && *q != ':'; q++)
			;
		p = q;
	}
	while (p > h && p[-1] == '.')
		p--;
	*n = (size_t)(p - h);
	return *n ? h : NULL;
}

int ayak_mkdirs_for(char *path, size_t *made, size_t *failed)
{
	size_t first = 0;
	char *s;
	int r = 0;

	for (s = path + 1; *path && (s = strchr(s, '/')); s++) {
		*s = 0;
		if (mkdir(path, 0777) == 0) {
			if (!first)
				first = (size_t)(s - path);
		} else if (errno != EEXIST) {
			if (failed)
				*failed = (size_t)(s - path);
			r = -1;
		}
		*s = '/';
		if (r)
			break;
	}
	if (made)
		*made = first;
	return r;
}

int ayak_hex_digit(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The byte "%XX" at p stands for, or -1. */
static int percent_byte(const char *p, const char *end)
{
	int hi, lo;

	if (end - p < 3 || p[0] != '%' || (hi = ayak_hex_digit(p[1])) < 0 ||
	    (lo = ayak_hex_digit(p[2])) < 0)
		return -1;
	return hi << 4 | lo;
}

/*
 * Lower-case the code points of out from byte at on (u_tolower: "ÉCOLE" is
 * "école", as a browser maps a name before it looks it up); bytes that are
 * not UTF-8 are kept as they are.  A lower-case letter may take more bytes
 * than its capital (U+023A is 2, U+2C65 3).
 */
static int lower_utf8(struct ayak_buf *out, size_t at)
{
	size_t n = out->len - at;
	uint8_t *src;
	int32_t i = 0, prev;
	UChar32 c;

	/* U8_NEXT counts in int32_t; no DNS name is that long, so leave it as it is. */
	if (n > INT32_MAX)
		return 0;
	src = malloc(n ? n : 1);
	if (!src)
		return -1;
	memcpy(src, out->data + at, n);
	out->len = at;
	while ((size_t)i < n) {
		prev = i;
		U8_NEXT(src, i, (int32_t)n, c);
		if (ayak_buf_grow(out, U8_MAX_LENGTH + (size_t)(i - prev))) {
			free(src);
			return -1;
		}
		if (c < 0) {
			memcpy(out->data + out->len, src + prev, (size_t)(i - prev));
			out->len += (size_t)(i - prev);
		} else {
			int32_t k = 0;

			U8_APPEND_UNSAFE((uint8_t *)out->data + out->len, k, u_tolower(c));
			out->len += (size_t)k;
		}
	}
	free(src);
	return 0;
}

int ayak_url_host_lower(const char *url, size_t len, int bare, struct ayak_buf *out)
{
	size_t n, i, start = out->len;
	const char *h = ayak_url_host(url, len, bare, &n), *end;
	int decode = 1, b;

	if (!h)
		return 0;
	end = h + n;
	for (i = 0; i < n; i++)
		if ((b = percent_byte(h + i, end)) >= 0 &&
		    (b <= ' ' || b == 0x7f || strchr("#%/:<>?@[\\]^|", b)))
			decode = 0;
	if (ayak_buf_grow(out, n))
		return -1;
	for (i = 0; i < n; i++) {
		char ch = h[i];

		if (decode && (b = percent_byte(h + i, end)) >= 0) {
			ch = (char)b;
			i += 2;
		}
		out->data[out->len++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
	}
	while (out->len > start && out->data[out->len - 1] == '.')	/* "example%2E" */
		out->len--;
	for (i = start; i < out->len && !(out->data[i] & 0x80); i++)
		;
	return i < out->len ? lower_utf8(out, i) : 0;
}

/* ---- temporary files removed by an early exit or a signal ---- */

/*
 * The tracked names: a list that only grows, its slots reused, so that a
 * signal handler may walk it any time (atomics; a slot is never freed).
 */
struct tmp_slot {
	const char *path;
	struct tmp_slot *next;
};
static struct tmp_slot *tmp_slots;

/* Put `to` in the first slot that holds `from`; 0, or -1 if none does. */
static int tmp_swap(const char *from, const char *to)
{
	struct tmp_slot *s;

	for (s = __atomic_load_n(&tmp_slots, __ATOMIC_SEQ_CST); s;
	     s = __atomic_load_n(&s->next, __ATOMIC_SEQ_CST)) {
		const char *expect = from;

		if (__atomic_compare_exchange_n(&s->path, &expect, to, 0, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			return 0;
	}
	return -1;
}

/* Track path: in a free slot, or a new one; 0, or -1 when out of memory. */
static int tmp_track(const char *path)
{
	struct tmp_slot *s;

	if (!tmp_swap(NULL, path))
		return 0;
	s = malloc(sizeof(*s));
	if (!s)
		return -1;
	s->path = path;
	s->next = __atomic_load_n(&tmp_slots, __ATOMIC_SEQ_CST);
	while (!__atomic_compare_exchange_n(&tmp_slots, &s->next, s, 0, __ATOMIC_SEQ_CST,
					    __ATOMIC_SEQ_CST))
		;
	return 0;
}

void ayak_tmp_forget(const char *path)
{
	tmp_swap(path, NULL);
}

static const char *tmp_dir_path;	/* atomic, as the slots */

void ayak_tmp_dir(const char *path)
{
	__atomic_store_n(&tmp_dir_path, path, __ATOMIC_SEQ_CST);
}

int ayak_dir_empty(int fd, uint64_t *files, uint64_t *bytes)
{
	char buf[4096] __attribute__((aligned(8)));
	ssize_t n, off;
	int ret = 0, removed = 1;

	/* Unlinking while reading may make getdents skip: read until a pass removes nothing. */
	while (removed) {
		removed = 0;
		ret = 0;	/* what the last pass could not remove */
		if (lseek(fd, 0, SEEK_SET) < 0)
			return -1;
		while ((n = getdents64(fd, buf, sizeof(buf))) > 0)
			for (off = 0; off < n;) {
				struct dirent64 *d = (struct dirent64 *)(buf + off);
				struct stat st;
				int sized;

				off += d->d_reclen;
				if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
					continue;
				sized = bytes && !fstatat(fd, d->d_name, &st, AT_SYMLINK_NOFOLLOW);
				if (unlinkat(fd, d->d_name, 0)) {
					ret = -1;
					continue;
				}
				removed = 1;
				if (files)
					++*files;
				if (sized)
					*bytes += (uint64_t)st.st_size;
			}
		if (n < 0)
			return -1;
	}
	return ret;
}

int ayak_tmp_create(char *tmpl, int flags)
{
	sigset_t all, old;
	int fd, e;

	/* A signal between creating and tracking would leave the file behind. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	fd = mkostemp(tmpl, flags);
	e = errno;
	if (fd >= 0 && tmp_track(tmpl)) {
		unlink(tmpl);
		close(fd);
		fd = -1;
		e = ENOMEM;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = e;
	return fd;
}

/*
 * Link fd, a file with no name, to path when no file has that name yet;
 * else to tmpl's "XXXXXX" filled in anew until the name is free, then
 * rename it to path.  No signal comes between the two, so the name lasts
 * two system calls and is never left behind but by SIGKILL in that
 * instant.
 */
static int link_then(int fd, char *tmpl, const char *path)
{
	static uint64_t counter;
	char proc[32], *x = tmpl + strlen(tmpl) - 6;
	uint64_t seed = ((uint64_t)getpid() << 32) ^ (uint64_t)time(NULL) ^
			__atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED) * 0x9e3779b97f4a7c15ULL;
	sigset_t all, old;
	int tries, r = -1, e = EEXIST, i;

	/* /proc, as an unprivileged linkat() cannot take AT_EMPTY_PATH */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	/* a new name takes the file at once: no temporary name to leave behind */
	if (!linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW))
		return 0;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (tries = 0; tries < 100 && e == EEXIST; tries++) {
		uint64_t k = seed + (uint64_t)tries, v = XXH3_64bits(&k, sizeof(k));

		for (i = 0; i < 6; i++, v >>= 6)
			x[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[v & 63];
		r = linkat(AT_FDCWD, proc, AT_FDCWD, tmpl, AT_SYMLINK_FOLLOW);
		e = r ? errno : 0;
	}
	if (!r && rename(tmpl, path)) {
		e = errno;
		unlink(tmpl);
		r = -1;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = e;
	return r;
}

int ayak_tmp_anon(const char *tmpl, int flags)
{
	const char *slash = strrchr(tmpl, '/');
	char dir[PATH_MAX], proc[32];
	size_t n = slash ? (size_t)(slash - tmpl) + 1 : 0;
	int fd;

	if (n >= sizeof(dir) || getenv("AYAK_NO_TMPFILE"))
		return -1;
	memcpy(dir, tmpl, n);
	strcpy(dir + n, ".");
	fd = open(dir, O_TMPFILE | O_WRONLY | flags, 0666);
	if (fd < 0)
		return -1;
	/*
	 * Can it be named through /proc, as link_then() will?  Linking it to
	 * "dir/." fails with EEXIST only after its /proc name resolved (no or
	 * a bare /proc: ENOENT), and makes no name that SIGKILL could leave
	 * behind, as a trial link and unlink did.  (A file system that makes
	 * such files but will not link them would show only at the end.)
	 */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (!linkat(AT_FDCWD, proc, AT_FDCWD, dir, AT_SYMLINK_FOLLOW) || errno != EEXIST) {
		close(fd);
		return -1;
	}
	return fd;
}

int ayak_tmp_link(int fd, char *tmpl, const char *path)
{
	return link_then(fd, tmpl, path);
}

int ayak_tmp_open(char *tmpl, int flags, int *anon)
{
	int fd = ayak_tmp_anon(tmpl, flags);
	mode_t mask;

	*anon = fd >= 0;
	if (*anon)
		return fd;
	fd = ayak_tmp_create(tmpl, flags);
	if (fd >= 0) {
		/* mkostemp's 0600 made what O_TMPFILE makes: 0666 less the umask */
		mask = umask(0);
		umask(mask);
		fchmod(fd, 0666 & ~mask);
	}
	return fd;
}

int ayak_tmp_commit(int fd, int anon, char *tmpl, const char *path)
{
	int e;

	if (anon)
		return link_then(fd, tmpl, path);
	if (!rename(tmpl, path)) {
		ayak_tmp_forget(tmpl);
		return 0;
	}
	e = errno;
	ayak_tmp_discard(tmpl, 0);
	errno = e;
	return -1;
}

void ayak_tmp_discard(const char *tmpl, int anon)
{
	if (!anon) {
		unlink(tmpl);
		ayak_tmp_forget(tmpl);
	}
}

int ayak_remove_numbered(const char *prefix, const char *suffix, unsigned first,
			 struct ayak_err *err)
{
	size_t n = strlen(prefix) + strlen(suffix) + 16;
	char *name = malloc(n);
	unsigned k;
	int ret = 0;

	if (!name)
		return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	for (k = first; k < AYAK_SHARDS_MAX; k++) {
		snprintf(name, n, "%s-%05u%s", prefix, k, suffix);
		if (unlink(name)) {
			if (errno != ENOENT)
				ret = ayak_err_sys(err, errno, "%s", name);
			break;
		}
	}
	free(name);
	return ret;
}

void ayak_tmp_remove_all(void)
{
	const struct tmp_slot *s;
	const char *dir;
	int fd;

	for (s = __atomic_load_n(&tmp_slots, __ATOMIC_SEQ_CST); s;
	     s = __atomic_load_n(&s->next, __ATOMIC_SEQ_CST)) {
		const char *p = __atomic_load_n(&s->path, __ATOMIC_SEQ_CST);

		if (p)
			unlink(p);
	}
	dir = __atomic_load_n(&tmp_dir_path, __ATOMIC_SEQ_CST);
	if (dir && (fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) >= 0) {
		ayak_dir_empty(fd, NULL, NULL);
		close(fd);
		rmdir(dir);
	}
}
