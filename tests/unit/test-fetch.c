/* Unit tests for ayak-fetch's helpers (src/lib/fetch.c). */
#include <stdio.h>
#include <string.h>

#include "fetch.h"

static int n, failed;

static void ok(int cond, const char *what)
{
	printf("%sok %d - %s\n", cond ? "" : "not ", ++n, what);
	failed += !cond;
}

static int url_is(const char *line, const char *base, const char *want)
{
	struct ayak_buf b = AYAK_BUF_INIT;
	struct ayak_err err;
	int r = fetch_url(line, strlen(line), base, &b, &err);

	if (!want)
		r = r < 0;
	else
		r = r == 0 && b.len == strlen(want) && !memcmp(b.data, want, b.len);
	ayak_buf_release(&b);
	return r;
}

static int path_is(const char *dir, const char *url, const char *want)
{
	struct ayak_buf b = AYAK_BUF_INIT;
	int r = fetch_local_path(dir, url, &b) == 0 && b.len == strlen(want) &&
		!memcmp(b.data, want, b.len);

	ayak_buf_release(&b);
	return r;
}

static int cdx_of(const char *s, struct ayak_buf *name, uint64_t *off, uint64_t *len,
		  struct ayak_err *err)
{
	return fetch_parse_cdx(s, strlen(s), name, off, len, err);
}

int main(void)
{
	struct ayak_buf name = AYAK_BUF_INIT;
	struct ayak_err err;
	uint64_t off = 0, len = 0;
	static const char cdx[] = "my,example)/ 20240518015810 {\"url\": \"http://example.my/\", "
				  "\"length\": \"1489\", \"offset\": \"216\", "
				  "\"filename\": \"crawl-data/a\\/b.warc.gz\"}";

	ok(url_is("https://data.commoncrawl.org/x", NULL, "https://data.commoncrawl.org/x"),
	   "an absolute URL as it is");
	ok(url_is("crawl-data/CC/x.gz", "https://data.commoncrawl.org/",
		  "https://data.commoncrawl.org/crawl-data/CC/x.gz"), "a relative path after the base");
	ok(url_is("/crawl-data/x.gz", "https://h//", "https://h/crawl-data/x.gz"),
	   "one slash between base and path");
	ok(url_is("crawl-data/x.gz", NULL, NULL), "a relative path needs a base");
	ok(url_is("ftp://h/x", NULL, NULL) && url_is("file:///etc/passwd", NULL, NULL),
	   "only http and https");
	ok(url_is("HTTP://h/x", NULL, "HTTP://h/x"), "the scheme in any case");
	{
		struct ayak_buf b = AYAK_BUF_INIT;

		ok(fetch_url("https://h/a\0b", 14, NULL, &b, &err) < 0 &&
		   url_is("https://h/a\tb", NULL, NULL) && url_is("a\x7f", "https://h/", NULL),
		   "a control character, a NUL too, is not in a URL");
		ayak_buf_release(&b);
	}

	ok(fetch_parse_cdx(cdx, sizeof(cdx) - 1, &name, &off, &len, &err) == 0 && off == 216 &&
	   len == 1489 && name.len == 22 && !memcmp(name.data, "crawl-data/a/b.warc.gz", 22),
	   "a CDX line with its SURT and timestamp");
	ok(cdx_of("{\"filename\":\"f\",\"offset\":5,\"length\":7}", &name, &off, &len,
			   &err) == 0 && off == 5 && len == 7, "numbers as JSON numbers");
	ok(cdx_of("{\"filename\":\"f\",\"offset\":\"5\",\"length\":\"0\"}", &name, &off, &len,
			   &err) < 0 && strstr(err.msg, "length"), "length 0 is bad");
	ok(cdx_of("{\"offset\":\"5\",\"length\":\"7\"}", &name, &off, &len, &err) < 0 &&
	   strstr(err.msg, "filename"), "filename missing");
	ok(cdx_of("no json here", &name, &off, &len, &err) < 0, "not JSON");

	ok(path_is("dl", "https://h/crawl-data/CC/x.warc.gz?x=1#f", "dl/crawl-data/CC/x.warc.gz"),
	   "the URL's path under DIR, no host, query or fragment");
	ok(path_is("dl", "https://h/a/../../b/./c", "dl/a/b/c"), "no .. or . segments");
	ok(path_is("dl", "https://h/a/", "dl/a/index.html") && path_is("dl", "https://h", "dl/index.html"),
	   "directories get index.html");

	ok(fetch_retry_after(" 120\r\n", 6, 0) == 120, "Retry-After in seconds");
	ok(fetch_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 29, 1445412470.0) == 10,
	   "Retry-After as an HTTP date");
	ok(fetch_retry_after("Wednesday, 21-Oct-15 07:28:00 GMT", 33, 1445412470.0) == 10,
	   "Retry-After as an RFC 850 date");
	ok(fetch_retry_after("Wed Oct 21 07:28:00 2015", 24, 1445412470.0) == 10 &&
	   fetch_retry_after("Wed Oct  1 07:28:00 2015", 24, 1443684470.0) == 10,
	   "Retry-After as an asctime date");
	ok(fetch_retry_after("soon", 4, 0) < 0 &&
	   fetch_retry_after("Wed, 21 Oct 2015 07:28:00 GMT junk", 34, 0) < 0,
	   "anything else is not");

	ok(fetch_backoff(1, 1.0, 300, 0.999) < 1.0 && fetch_backoff(3, 1.0, 300, 0.999) > 3.9 &&
	   fetch_backoff(3, 1.0, 300, 0.999) < 4.0, "backoff doubles per attempt");
	ok(fetch_backoff(40, 1.0, 300, 0.5) == 150, "and stops at the cap");
	ok(fetch_backoff(5, 1.0, 300, 0) == 0, "full jitter reaches 0");
	ayak_buf_release(&name);
	printf("1..%d\n", n);
	return failed != 0;
}
