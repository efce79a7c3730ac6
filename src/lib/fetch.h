/*
 * The parts of ayak-fetch that do not talk to the network: input lines to
 * URLs (Common Crawl path lists, CDX index lines), URLs to local paths,
 * Retry-After, and backoff.  No libcurl here; see src/cmd/ayak-fetch.c.
 */
#ifndef AYAK_FETCH_H
#define AYAK_FETCH_H

#include "ayak.h"

/*
 * The longest URL fetched, in bytes.  libcurl refuses a request over 1 MB
 * (as if memory had run out) and HTTP servers answer 414 well before that
 * (Python's at 64 KB, Apache's and nginx's default at 8 KB).
 */
#define FETCH_URL_MAX 65536

/*
 * The URL for an input line: the line itself when it has a scheme
 * ("https://..."), else base joined to it (one "/" between them).  -1
 * with err set when the line holds a control character (a NUL included),
 * when it is relative and there is no base, when the scheme is not http
 * or https, or when the URL is longer than FETCH_URL_MAX.
 */
int fetch_url(const char *line, size_t n, const char *base, struct ayak_buf *url,
	      struct ayak_err *err);

/* Whether base can be --base-url: "http://" or "https://" and a host. */
int fetch_base_ok(const char *base);

/*
 * A CDX index line as the Common Crawl index server writes it: a JSON
 * object (optionally after "SURT TIMESTAMP ", as in the index files) with
 * "filename", "offset" and "length" (strings or numbers).  Sets filename
 * (decoded, into out) and the byte range.  -1 with err set when something
 * is missing or bad, such as an empty filename (it would name the base).
 */
int fetch_parse_cdx(const char *line, size_t n, struct ayak_buf *filename,
		    uint64_t *offset, uint64_t *length, struct ayak_err *err);

/*
 * Where -d DIR puts url: DIR, then the URL's path (host, query and
 * fragment left out), percent-escapes kept as they are, "." and ".."
 * segments and empty ones dropped; "index.html" when the path ends in "/"
 * or is empty.  -1 when nothing usable is left.
 */
int fetch_local_path(const char *dir, const char *url, struct ayak_buf *path);

/*
 * Seconds to wait from a Retry-After value: delta-seconds or an HTTP date
 * in any of its three forms, IMF-fixdate, RFC 850 or asctime (relative to
 * now, a time_t).  -1 when it is neither.
 */
double fetch_retry_after(const char *value, size_t n, double now);

/*
 * Exponential backoff with full jitter: a random time up to
 * base * 2^(attempt - 1), at most cap seconds.  r is a random number in
 * [0, 1).
 */
double fetch_backoff(unsigned attempt, double base, double cap, double r);

#endif
