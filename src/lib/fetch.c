/* Helpers of ayak-fetch that need no network; see fetch.h. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fetch.h"
#include "json.h"

static int has_scheme(const char *p, size_t n, size_t *len)
{
	size_t i = 0;

	while (i < n && ((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
			 (i && ((p[i] >= '0' && p[i] <= '9') || p[i] == '+' || p[i] == '-' ||
				p[i] == '.'))))
		i++;
	if (i && i + 2 < n && p[i] == ':' && p[i + 1] == '/' && p[i + 2] == '/') {
		*len = i;
		return 1;
	}
	return 0;
}

int fetch_url(const char *line, size_t n, const char *base, struct ayak_buf *url,
	      struct ayak_err *err)
{
	size_t slen, i;

	ayak_buf_reset(url);
	/*
	 * No URL holds one, and a NUL would cut the URL short: the line
	 * "http://h/a<NUL>b" fetched http://h/a, a file it does not name.
	 */
	for (i = 0; i < n; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7F)
			return ayak_err_set(err, AYAK_E_DATA, "URL with a control character");
	if (has_scheme(line, n, &slen)) {
		if (!((slen == 4 && !strncasecmp(line, "http", 4)) ||
		      (slen == 5 && !strncasecmp(line, "https", 5))))
			return ayak_err_set(err, AYAK_E_DATA, "not an http or https URL");
		if (n > FETCH_URL_MAX)
			goto too_long;
		return ayak_buf_add(url, line, n) ? ayak_err_set(err, AYAK_E_SYS, "out of memory") : 0;
	}
	if (!base || !*base)
		return ayak_err_set(err, AYAK_E_DATA, "a relative path needs --base-url");
	{
		size_t bn = strlen(base);

		while (bn && base[bn - 1] == '/')
			bn--;
		while (n && *line == '/') {
			line++;
			n--;
		}
		if (bn + 1 + n > FETCH_URL_MAX)
			goto too_long;
		if (ayak_buf_add(url, base, bn) || ayak_buf_add(url, "/", 1) ||
		    ayak_buf_add(url, line, n))
			return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	}
	return 0;
too_long:
	return ayak_err_set(err, AYAK_E_DATA, "URL longer than %d bytes", FETCH_URL_MAX);
}

int fetch_base_ok(const char *base)
{
	size_t slen, n = strlen(base);

	if (!has_scheme(base, n, &slen) ||
	    !((slen == 4 && !strncasecmp(base, "http", 4)) ||
	      (slen == 5 && !strncasecmp(base, "https", 5))))
		return 0;
	base += slen + 3;
	return *base && !strchr("/?#", *base);
}

/* A number given as a JSON number or a JSON string of digits. */
static int cdx_number(struct ayak_record *rec, const char *key, uint64_t *out,
		      struct ayak_buf *tmp)
{
	const struct ayak_field *f = ayak_record_get(rec, key, strlen(key));

	if (!f)
		return -1;
	ayak_buf_reset(tmp);
	if (f->type == AYAK_JSON_STRING) {
		if (ayak_json_decode_string(rec->line + f->val, f->val_len, tmp, NULL, NULL))
			return -1;
	} else if (f->type == AYAK_JSON_NUMBER) {
		if (ayak_buf_add(tmp, rec->line + f->val, f->val_len))
			return -1;
	} else
		return -1;
	if (ayak_buf_add(tmp, "", 1))
		return -1;
	return ayak_parse_u64(tmp->data, out);
}

int fetch_parse_cdx(const char *line, size_t n, struct ayak_buf *filename,
		    uint64_t *offset, uint64_t *length, struct ayak_err *err)
{
	struct ayak_record rec;
	const struct ayak_field *f;
	struct ayak_buf tmp = AYAK_BUF_INIT;
	const char *brace = memchr(line, '{', n);
	size_t slen;
	int ret = -1;

	if (!brace)
		return ayak_err_set(err, AYAK_E_DATA, "not a CDX JSON line");
	n -= (size_t)(brace - line);
	line = brace;
	ayak_record_init(&rec);
	if (ayak_record_parse(&rec, line, n, 0, err))
		goto out;
	f = ayak_record_get(&rec, "filename", 8);
	if (!f || f->type != AYAK_JSON_STRING) {
		ayak_err_set(err, AYAK_E_DATA, "CDX line without \"filename\"");
		goto out;
	}
	ayak_buf_reset(filename);
	if (ayak_json_decode_string(line + f->val, f->val_len, filename, NULL, err))
		goto out;
	/* Empty, or only slashes: joined to --base-url it would name the base itself. */
	{
		size_t i = 0;

		while (i < filename->len && filename->data[i] == '/')
			i++;
		if (i == filename->len) {
			ayak_err_set(err, AYAK_E_DATA, "CDX line with an empty \"filename\"");
			goto out;
		}
	}
	/* A URL there would be fetched as it is, not from --base-url: any host an index names. */
	if (has_scheme(filename->data, filename->len, &slen)) {
		ayak_err_set(err, AYAK_E_DATA, "CDX line whose \"filename\" is a URL, not a path "
			     "under --base-url");
		goto out;
	}
	if (cdx_number(&rec, "offset", offset, &tmp)) {
		ayak_err_set(err, AYAK_E_DATA, "CDX line without a valid \"offset\"");
		goto out;
	}
	if (cdx_number(&rec, "length", length, &tmp) || *length == 0) {
		ayak_err_set(err, AYAK_E_DATA, "CDX line without a valid \"length\"");
		goto out;
	}
	if (*offset > UINT64_MAX - *length) {
		ayak_err_set(err, AYAK_E_DATA, "CDX range out of bounds");
		goto out;
	}
	ret = 0;
out:
	ayak_buf_release(&tmp);
	ayak_record_release(&rec);
	return ret;
}

int fetch_local_path(const char *dir, const char *url, struct ayak_buf *path)
{
	const char *p = strstr(url, "://"), *end;
	size_t segs = 0;

	ayak_buf_reset(path);
	if (ayak_buf_addstr(path, dir && *dir ? dir : "."))
		return -1;
	p = p ? p + 3 : url;
	p += strcspn(p, "/?#");			/* past the host */
	end = p + strcspn(p, "?#");
	while (p < end) {
		const char *s;
		size_t k;

		while (p < end && *p == '/')
			p++;
		s = p;
		while (p < end && *p != '/')
			p++;
		k = (size_t)(p - s);
		if (!k || (k == 1 && s[0] == '.') || (k == 2 && s[0] == '.' && s[1] == '.'))
			continue;
		if (ayak_buf_add(path, "/", 1) || ayak_buf_add(path, s, k))
			return -1;
		segs++;
	}
	/* A path ending in "/" (or none) names a directory. */
	if (!segs || end[-1] == '/') {
		if (ayak_buf_addstr(path, "/index.html"))
			return -1;
	}
	return 0;
}

double fetch_retry_after(const char *value, size_t n, double now)
{
	char buf[64];
	struct tm tm;
	char *e;
	double v;

	while (n && (*value == ' ' || *value == '\t')) {
		value++;
		n--;
	}
	while (n && (value[n - 1] == ' ' || value[n - 1] == '\r' || value[n - 1] == '\n'))
		n--;
	if (!n || n >= sizeof(buf))
		return -1;
	memcpy(buf, value, n);
	buf[n] = 0;
	if (buf[0] >= '0' && buf[0] <= '9') {
		v = strtod(buf, &e);
		return *e ? -1 : v;
	}
	/*
	 * An HTTP date, in any of the three forms a client must read (RFC
	 * 9110, 5.6.7): "Sun, 06 Nov 1994 08:49:37 GMT", the obsolete
	 * "Sunday, 06-Nov-94 08:49:37 GMT" and asctime's
	 * "Sun Nov  6 08:49:37 1994".
	 */
	{
		static const char *const forms[] = {
			"%a, %d %b %Y %H:%M:%S GMT",
			"%A, %d-%b-%y %H:%M:%S GMT",
			"%a %b %e %H:%M:%S %Y",
		};
		size_t i;

		for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
			memset(&tm, 0, sizeof(tm));
			e = strptime(buf, forms[i], &tm);
			if (e && !*e) {
				v = (double)timegm(&tm) - now;
				return v < 0 ? 0 : v;
			}
		}
	}
	return -1;
}

double fetch_backoff(unsigned attempt, double base, double cap, double r)
{
	double top = base;

	while (attempt-- > 1 && top < cap)
		top *= 2;
	if (top > cap)
		top = cap;
	return top * r;
}
