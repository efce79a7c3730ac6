/*
 * Runs ayak_json_validate over every file of nst/JSONTestSuite
 * (tests/data/jsontestsuite): every y_ file must be accepted, every n_ file
 * rejected with a message; i_ files are implementation-defined and only
 * must not crash (their outcome is printed as a TAP comment).  Where a file
 * is one line holding an object, ayak_record_parse must agree with
 * ayak_json_validate.  Prints TAP.
 *
 * The directory is argv[1], else $TEST_DATA/jsontestsuite, else
 * $AYAK_TOP/tests/data/jsontestsuite, else tests/data/jsontestsuite.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static int tap_n, tap_failed;

static void result(int cond, const char *name, const char *note)
{
	printf("%s %d - %s%s%s\n", cond ? "ok" : "not ok", ++tap_n, name,
	       note ? " # " : "", note ? note : "");
	if (!cond)
		tap_failed++;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	for (;;) {
		if (n == cap) {
			char *p;

			cap = cap ? cap * 2 : 4096;
			p = realloc(buf, cap);
			if (!p) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = p;
		}
		got = fread(buf + n, 1, cap - n, f);
		if (!got)
			break;
		n += got;
	}
	fclose(f);
	/* An exact-size copy, so that AddressSanitizer sees over-reads. */
	{
		char *exact = malloc(n ? n : 1);

		if (exact)
			memcpy(exact, buf, n);
		free(buf);
		*len = n;
		return exact;
	}
}

static const char *find_dir(int argc, char **argv, char *buf, size_t n)
{
	const char *env;

	if (argc > 1)
		return argv[1];
	if ((env = getenv("TEST_DATA"))) {
		snprintf(buf, n, "%s/jsontestsuite", env);
		return buf;
	}
	if ((env = getenv("AYAK_TOP"))) {
		snprintf(buf, n, "%s/tests/data/jsontestsuite", env);
		return buf;
	}
	return "tests/data/jsontestsuite";
}

static int is_json_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 5 && !strcmp(d->d_name + n - 5, ".json") &&
	       (d->d_name[0] == 'y' || d->d_name[0] == 'n' || d->d_name[0] == 'i') &&
	       d->d_name[1] == '_';
}

/* One line (no LF) whose first non-blank byte is '{': a candidate record. */
static int looks_like_record(const char *p, size_t n)
{
	size_t i = 0;

	if (memchr(p, '\n', n))
		return 0;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
		i++;
	return i < n && p[i] == '{';
}

int main(int argc, char **argv)
{
	char dirbuf[4096], path[8192], note[1200];
	const char *dir = find_dir(argc, argv, dirbuf, sizeof(dirbuf));
	struct dirent **names;
	struct ayak_record rec;
	int n, i, counts[3] = { 0, 0, 0 };

	n = scandir(dir, &names, is_json_file, alphasort);
	if (n <= 0) {
		printf("1..0 # SKIP no JSONTestSuite files in %s\n", dir);
		return n < 0 ? 1 : 0;
	}
	ayak_record_init(&rec);
	for (i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		struct ayak_err err, rerr;
		size_t len = 0;
		char *text;
		int ret;

		snprintf(path, sizeof(path), "%s/%s", dir, name);
		text = read_file(path, &len);
		if (!text) {
			result(0, name, "cannot read");
			free(names[i]);
			continue;
		}
		ayak_err_clear(&err);
		ret = ayak_json_validate(text, len, 0, &err);
		switch (name[0]) {
		case 'y':
			counts[0]++;
			result(ret == 0, name, ret ? err.msg : NULL);
			break;
		case 'n':
			counts[1]++;
			if (ret == 0)
				result(0, name, "accepted");
			else if (!err.msg[0] || err.code != AYAK_E_DATA)
				result(0, name, "rejected without a message or with a wrong code");
			else
				result(1, name, NULL);
			printf("#   %s\n", ret ? err.msg : "(accepted)");
			break;
		default:
			counts[2]++;
			snprintf(note, sizeof(note), "%s%s", ret ? "rejected: " : "accepted",
				 ret ? err.msg : "");
			result(1, name, NULL);
			printf("#   %s\n", note);
		}
		if (looks_like_record(text, len)) {
			int rret;

			ayak_err_clear(&rerr);
			rret = ayak_record_parse(&rec, text, len, 0, &rerr);
			if (rret != ret || (ret && strcmp(err.msg, rerr.msg) &&
					    !strstr(err.msg, "end of"))) {
				snprintf(note, sizeof(note), "validate: %s, record_parse: %s",
					 ret ? err.msg : "ok", rret ? rerr.msg : "ok");
				result(0, name, note);
			}
		}
		free(text);
		free(names[i]);
	}
	free(names);
	ayak_record_release(&rec);
	/* The suite has 95 y_, 188 n_ and 35 i_ files. */
	result(counts[0] == 95 && counts[1] == 188 && counts[2] == 35,
	       "all 318 JSONTestSuite files were found", NULL);
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
