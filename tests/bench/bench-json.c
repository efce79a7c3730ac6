/*
 * bench-json: the JSON scanner microbenchmark behind libayak's choice of a
 * scanner of its own (DESIGN.md, "Dependencies").
 *
 *	bench-json [-r RUNS] [-f FIELD] FILE.jsonl
 *
 * Loads FILE (plain JSON lines) into memory, then for every line does what
 * an ayak program does with a record: validate it, find the text field and
 * get its decoded value.
 *
 *   ayak          ayak_record_parse + ayak_record_get + ayak_json_decode_string
 *   jansson       json_loadb + json_object_get + json_string_value
 *   json-c        json_tokener_parse + json_object_object_get_ex + json_object_get_string
 *   json-c/reuse  as json-c, with one tokener reused (json_tokener_parse_ex)
 *   json-c/strict as json-c/reuse, with JSON_TOKENER_STRICT and
 *                 JSON_TOKENER_VALIDATE_UTF8: as strict as ayak and jansson
 *                 (plain json-c takes ill-formed UTF-8 and some non-JSON)
 *
 * Each is run RUNS times (default 5, the parsers taking turns) over all
 * lines; the best run is reported as MB/s of input (line bytes, newlines
 * included), with how many times faster ayak is ("ayak is").  The decoded
 * lengths are summed as a check that all agree.  Output: one line per
 * parser, "name MB/s seconds records errors checksum", after a header.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

/*
 * json-c's headers clash with jansson's (json_object, json_object_get,
 * json_type, json_object_iter...), so the few json-c functions used here
 * are declared by hand, as in <json-c/json_object.h> and
 * <json-c/json_tokener.h> of json-c 0.16.  Both libraries version their
 * symbols (JSONC_0.14, libjansson.so.4), so once linked each call goes to
 * its own library; jansson must come first on the link line for the
 * unversioned-at-link-time name json_object_get to mean jansson's.
 */
struct json_object;
struct json_tokener;
#define JSONC_TYPE_STRING 6	/* json_type_string */
#define JSONC_TOKENER_STRICT 0x01
#define JSONC_TOKENER_VALIDATE_UTF8 0x10
extern struct json_object *json_tokener_parse(const char *str);
extern struct json_tokener *json_tokener_new(void);
extern void json_tokener_free(struct json_tokener *tok);
extern void json_tokener_reset(struct json_tokener *tok);
extern struct json_object *json_tokener_parse_ex(struct json_tokener *tok,
						  const char *str, int len);
extern size_t json_tokener_get_parse_end(struct json_tokener *tok);
extern void json_tokener_set_flags(struct json_tokener *tok, int flags);
extern int json_object_object_get_ex(const struct json_object *obj,
				     const char *key, struct json_object **value);
extern int json_object_get_type(const struct json_object *obj);
extern const char *json_object_get_string(struct json_object *obj);
extern int json_object_get_string_len(const struct json_object *obj);
extern int json_object_put(struct json_object *obj);

#include "ayak.h"
#include "json.h"

struct line {
	char *p;
	size_t n;
};

static struct line *lines;
static size_t nlines;
static size_t total_bytes;	/* line bytes + newlines */
static const char *field = "text";
static size_t field_len;

struct result {
	size_t records, errors, checksum;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (q == NULL) {
		fprintf(stderr, "bench-json: out of memory\n");
		exit(3);
	}
	return q;
}

static void
load(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *data, *p, *end, *nl;
	size_t cap = 1 << 16, len = 0, n, alloc = 0;

	if (f == NULL) {
		fprintf(stderr, "bench-json: %s: %s\n", path, strerror(errno));
		exit(3);
	}
	data = xrealloc(NULL, cap + 1);
	for (;;) {
		if (len == cap) {
			cap *= 2;
			data = xrealloc(data, cap + 1);
		}
		n = fread(data + len, 1, cap - len, f);
		if (n == 0)
			break;
		len += n;
	}
	if (ferror(f)) {
		fprintf(stderr, "bench-json: %s: read error\n", path);
		exit(3);
	}
	fclose(f);
	data[len] = '\n';	/* a final line without newline */
	total_bytes = len;
	for (p = data, end = data + len; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p) + 1);
		if (nlines == alloc) {
			alloc = alloc ? alloc * 2 : 1 << 16;
			lines = xrealloc(lines, alloc * sizeof(*lines));
		}
		*nl = '\0';	/* json-c wants NUL-terminated text */
		n = (size_t)(nl - p);
		if (n && p[n - 1] == '\r')
			p[--n] = '\0';
		lines[nlines].p = p;
		lines[nlines].n = n;
		nlines++;
	}
}

static void
run_ayak(struct result *res)
{
	struct ayak_record r;
	struct ayak_buf out = AYAK_BUF_INIT;
	struct ayak_err err;
	const struct ayak_field *f;
	size_t i;

	ayak_record_init(&r);
	for (i = 0; i < nlines; i++) {
		if (ayak_record_parse(&r, lines[i].p, lines[i].n, 0, &err) < 0) {
			res->errors++;
			continue;
		}
		f = ayak_record_get(&r, field, field_len);
		if (f == NULL || f->type != AYAK_JSON_STRING) {
			res->errors++;
			continue;
		}
		ayak_buf_reset(&out);
		if (ayak_json_decode_string(lines[i].p + f->val, f->val_len,
					    &out, NULL, &err) < 0) {
			res->errors++;
			continue;
		}
		res->records++;
		res->checksum += out.len;
	}
	ayak_buf_release(&out);
	ayak_record_release(&r);
}

static void
run_jansson(struct result *res)
{
	json_error_t jerr;
	json_t *root, *v;
	size_t i;

	for (i = 0; i < nlines; i++) {
		root = json_loadb(lines[i].p, lines[i].n, 0, &jerr);
		if (root == NULL) {
			res->errors++;
			continue;
		}
		v = json_object_get(root, field);
		if (v == NULL || !json_is_string(v) || json_string_value(v) == NULL) {
			res->errors++;
		} else {
			res->records++;
			res->checksum += json_string_length(v);
		}
		json_decref(root);
	}
}

static void
jsonc_one(struct json_object *root, struct result *res)
{
	struct json_object *v;

	if (root == NULL) {
		res->errors++;
		return;
	}
	if (!json_object_object_get_ex(root, field, &v) ||
	    json_object_get_type(v) != JSONC_TYPE_STRING ||
	    json_object_get_string(v) == NULL) {
		res->errors++;
	} else {
		res->records++;
		res->checksum += (size_t)json_object_get_string_len(v);
	}
	json_object_put(root);
}

static void
run_jsonc(struct result *res)
{
	size_t i;

	for (i = 0; i < nlines; i++)
		jsonc_one(json_tokener_parse(lines[i].p), res);
}

static void
jsonc_reused(struct result *res, int flags)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root;
	size_t i;

	json_tokener_set_flags(tok, flags);
	for (i = 0; i < nlines; i++) {
		json_tokener_reset(tok);
		root = json_tokener_parse_ex(tok, lines[i].p, (int)lines[i].n);
		if (root != NULL && json_tokener_get_parse_end(tok) < lines[i].n) {
			/* trailing bytes: reject them, as ayak and jansson do */
			json_object_put(root);
			root = NULL;
		}
		jsonc_one(root, res);
	}
	json_tokener_free(tok);
}

static void
run_jsonc_reuse(struct result *res)
{
	jsonc_reused(res, 0);
}

static void
run_jsonc_strict(struct result *res)
{
	jsonc_reused(res, JSONC_TOKENER_STRICT | JSONC_TOKENER_VALIDATE_UTF8);
}

struct parser {
	const char *name;
	void (*fn)(struct result *);
};

static const struct parser parsers[] = {
	{ "ayak", run_ayak },
	{ "jansson", run_jansson },
	{ "json-c", run_jsonc },
	{ "json-c/reuse", run_jsonc_reuse },
	{ "json-c/strict", run_jsonc_strict },
};

#define NPARSERS (sizeof(parsers) / sizeof(parsers[0]))

int
main(int argc, char **argv)
{
	int runs = 5, c, k;
	size_t i;
	double best[NPARSERS], t, mbs;
	struct result res[NPARSERS];

	while ((c = getopt(argc, argv, "r:f:")) != -1) {
		switch (c) {
		case 'r':
			runs = atoi(optarg);
			if (runs < 1)
				runs = 1;
			break;
		case 'f':
			field = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc - 1) {
usage:
		fprintf(stderr, "usage: bench-json [-r RUNS] [-f FIELD] FILE.jsonl\n");
		return 2;
	}
	field_len = strlen(field);
	load(argv[optind]);

	/* Round robin, so that a noisy moment does not hit one parser alone. */
	for (k = 0; k < runs; k++) {
		for (i = 0; i < NPARSERS; i++) {
			memset(&res[i], 0, sizeof(res[i]));
			t = now();
			parsers[i].fn(&res[i]);
			t = now() - t;
			if (k == 0 || t < best[i])
				best[i] = t;
		}
	}

	printf("# bench-json: %zu lines, %.1f MB, best of %d runs, field \"%s\"\n",
	       nlines, total_bytes / 1e6, runs, field);
	printf("# %-13s %9s %8s %9s %7s %12s %8s\n", "parser", "MB/s", "seconds",
	       "records", "errors", "checksum", "ayak is");
	for (i = 0; i < NPARSERS; i++) {
		mbs = total_bytes / 1e6 / best[i];
		printf("  %-13s %9.1f %8.3f %9zu %7zu %12zu %7.2fx%s\n",
		       parsers[i].name, mbs, best[i], res[i].records,
		       res[i].errors, res[i].checksum, best[i] / best[0],
		       res[i].checksum != res[0].checksum ||
		       res[i].records != res[0].records ? "  (differs from ayak)" : "");
	}
	return 0;
}
