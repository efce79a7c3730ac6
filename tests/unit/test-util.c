/* libayak's small helpers: ayak_fmt_unit4() against printf's "%.4f", ayak_fmt_decimal(), ayak_buf, ayak_mkdirs_for(), ayak_tmp_anon() and ayak_tmp_link(), ayak_dir_empty() and ayak_tmp_dir(). */
#define _GNU_SOURCE	/* O_TMPFILE */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "ayak.h"
#include "tap.h"

static char want[64], got[8];

/* ayak_fmt_unit4(x) is printf's "%.4f" of x; on a mismatch, x is in want */
static int same(double x)
{
	size_t n = ayak_fmt_unit4(got, x);

	snprintf(want, sizeof(want), "%.4f", x);
	if (n != strlen(got) || strcmp(got, want) != 0) {
		snprintf(want + strlen(want), sizeof(want) - strlen(want), " for %a, got %s", x, got);
		return 0;
	}
	return 1;
}

/* xorshift64*: the same numbers on every machine */
static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

int main(void)
{
	long k, i, bad;
	int all;

	/* every four-decimal value and every halfway point, and a step either side */
	for (all = 1, k = 0; k <= 20000 && all; k++) {
		double x = (double)k / 20000;

		all = same(x) && same(nextafter(x, 0)) && same(nextafter(x, 1));
	}
	ok(all, "the 20,001 four-decimal and halfway values and their neighbours%s%s",
	   all ? "" : ": ", all ? "" : want);
	{
		/* the rest of ayak_fmt_decimal() is checked through filter_value_add() (test-filter.c) */
		char d[AYAK_DECIMAL_MAX];
		size_t n1 = ayak_fmt_decimal(d, -0.000125);

		ok(n1 == 9 && !strcmp(d, "-0.000125") && ayak_fmt_decimal(d, -42) == 3 &&
		   !strcmp(d, "-42") && ayak_fmt_decimal(d, 1e15) == 16 &&
		   !strcmp(d, "1000000000000000") && ayak_fmt_decimal(d, 1e-6) == 8 &&
		   !strcmp(d, "0.000001"),
		   "ayak_fmt_decimal: negatives, whole numbers from 1e15 on, no exponent: %s", d);
	}
	/* halfway values exact in binary round to even: 0.03125, 0.09375, 0.96875 */
	ok(same(0.03125) && same(0.09375) && same(0.96875) && !strcmp(got, "0.9688"),
	   "exact halves round to even (0.96875 -> %s)", got);
	for (all = 1, i = 0; i < 2000000 && all; i++) {
		double x = (double)(next() >> 11) * 0x1p-53;	/* uniform in [0, 1) */

		all = same(x) && same((float)x);
	}
	ok(all, "2,000,000 random doubles and their floats%s%s", all ? "" : ": ", all ? "" : want);
	/* the smallest: around 2^-20 (where the shortcut to 0 starts) and 0.00005 */
	for (all = 1, i = -200; i <= 200 && all; i++)
		all = same(ldexp(1, -20) + i * ldexp(1, -80)) && same(0.00005 + i * ldexp(1, -70)) &&
		      same(ldexp(1, -(int)(i + 201) % 1000));
	ok(all, "values near 0, 2^-20 and 0.00005%s%s", all ? "" : ": ", all ? "" : want);
	/* the ends and out of range */
	ayak_fmt_unit4(got, 1);
	bad = strcmp(got, "1.0000");
	ayak_fmt_unit4(got, 1.5);
	bad |= strcmp(got, "1.0000");
	ayak_fmt_unit4(got, -0.25);
	bad |= strcmp(got, "0.0000");
	ayak_fmt_unit4(got, NAN);
	bad |= strcmp(got, "0.0000");
	ayak_fmt_unit4(got, 0.99995);
	bad |= strcmp(got, "1.0000") != 0 && strcmp(got, "0.9999") != 0;
	ok(!bad && same(0.99995) && same(0) && same(-0.0 + 0), "1, 0, out of range and NaN clamped");
	{
		/* a failed append is remembered until the buffer is reset */
		struct ayak_buf b = AYAK_BUF_INIT;
		int r1, r2, r3, f1, f2, f3;

		r1 = ayak_buf_add(&b, "abc", 3);
		f1 = b.failed;
		r2 = ayak_buf_add(&b, "x", SIZE_MAX - 2);	/* more than memory holds */
		f2 = b.failed;
		r3 = ayak_buf_add(&b, "d", 1);
		f3 = b.failed;
		ok(!r1 && !f1 && r2 == -1 && f2 && !r3 && f3 && b.len == 4 &&
		   !memcmp(b.data, "abcd", 4), "a failed append sets failed, and later appends keep it");
		ayak_buf_reset(&b);
		f1 = b.failed;
		r2 = ayak_buf_addf(&b, "%s", "ok");
		ok(!f1 && !r2 && !b.failed && b.len == 2, "reset clears failed");
		ayak_buf_release(&b);
	}
	{
		char dir[] = "/tmp/test-util.XXXXXX", path[256], want_path[256];
		size_t made = 99, failed = 0;
		struct stat st;
		int r, e;

		if (!mkdtemp(dir)) {
			ok(0, "mkdtemp");
			return done();
		}
		snprintf(path, sizeof(path), "%s/a//b/c.txt", dir);
		strcpy(want_path, path);
		r = ayak_mkdirs_for(path, &made, &failed);
		ok(!r && !strcmp(path, want_path) && made == strlen(dir) + 2 &&
		   !stat(strcat(strcpy(want_path, dir), "/a/b"), &st) && S_ISDIR(st.st_mode) &&
		   stat(strcat(strcpy(want_path, dir), "/a/b/c.txt"), &st) && errno == ENOENT,
		   "mkdirs_for: the directories, not the file; made is where the first it made ends");
		snprintf(path, sizeof(path), "%s/a/b/c.txt", dir);
		ok(!ayak_mkdirs_for(path, &made, NULL) && made == 0, "mkdirs_for: none made, made 0");
		snprintf(want_path, sizeof(want_path), "%s/f", dir);
		fclose(fopen(want_path, "w"));
		snprintf(path, sizeof(path), "%s/f/x/y", dir);
		r = ayak_mkdirs_for(path, &made, &failed);
		e = errno;
		ok(r == -1 && e == ENOTDIR && failed == strlen(dir) + 4 && made == 0 &&
		   !strcmp(path + strlen(dir), "/f/x/y"),
		   "mkdirs_for: under a file, -1 with ENOTDIR and the directory that failed (%d, %zu)",
		   e, failed);
		ok(!ayak_mkdirs_for(strcpy(path, ""), NULL, NULL) && !ayak_mkdirs_for(strcpy(path, "x"), NULL, NULL),
		   "mkdirs_for: an empty path and a bare name make nothing");
		remove(want_path);
		rmdir(strcat(strcpy(want_path, dir), "/a/b"));
		rmdir(strcat(strcpy(want_path, dir), "/a"));
		rmdir(dir);
	}
	{
		/* A file with no name until linked: the name holds the last one whole, and nothing else is left. */
		char dir[] = "/tmp/test-util.XXXXXX", path[256], tmpl[256], buf[16];
		int fd, n, fail = 0, entries = 0, raw;
		struct dirent *e;
		DIR *d;
		FILE *f;

		if (!mkdtemp(dir)) {
			ok(0, "mkdtemp");
			return done();
		}
		raw = open(dir, O_TMPFILE | O_WRONLY, 0600);
		if (raw < 0) {
			ok(1, "tmp_anon: not tried, %s has no O_TMPFILE", dir);
		} else {
			close(raw);
			snprintf(path, sizeof(path), "%s/out", dir);
			for (n = 0; n < 200 && !fail; n++) {
				snprintf(tmpl, sizeof(tmpl), "%s/.out.XXXXXX", dir);
				fd = ayak_tmp_anon(tmpl, O_CLOEXEC);
				fail = strcmp(tmpl + strlen(tmpl) - 6, "XXXXXX");	/* mkstemp's, again */
				snprintf(buf, sizeof(buf), "%d", n);
				errno = EEXIST;	/* left from before: must not be taken for the link's */
				fail = fail || fd < 0 || write(fd, buf, strlen(buf)) != (ssize_t)strlen(buf) ||
				      ayak_tmp_link(fd, tmpl, path) || close(fd);
			}
			d = opendir(dir);
			while (d && (e = readdir(d)))
				entries += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
			if (d)
				closedir(d);
			memset(buf, 0, sizeof(buf));
			f = fopen(path, "r");
			if (f) {
				if (!fgets(buf, sizeof(buf), f))
					buf[0] = 0;
				fclose(f);
			}
			ok(!fail && entries == 1 && !strcmp(buf, "199"),
			   "tmp_anon + tmp_link 200 times onto one name: it holds the last, nothing else is left (%d entries, \"%s\")",
			   entries, buf);
			setenv("AYAK_NO_TMPFILE", "1", 1);
			fd = ayak_tmp_anon(tmpl, 0);
			unsetenv("AYAK_NO_TMPFILE");
			ok(fd == -1, "tmp_anon: -1 with AYAK_NO_TMPFILE set");
			snprintf(tmpl, sizeof(tmpl), "%s/none/.out.XXXXXX", dir);
			ok(ayak_tmp_anon(tmpl, 0) == -1 && !strcmp(tmpl + strlen(tmpl) - 6, "XXXXXX"),
			   "tmp_anon: -1 in a directory that is not there, the template as it was");
			snprintf(path, sizeof(path), "%s/out", dir);
			unlink(path);
		}
		rmdir(dir);
	}
	{
		/*
		 * More entries than one getdents64 buffer holds, removed while read;
		 * a subdirectory cannot be, and is reported; then the tracked
		 * directory goes with ayak_tmp_remove_all().
		 */
		char dir[] = "/tmp/test-util.XXXXXX", path[256];
		uint64_t files = 0, bytes = 0, want_bytes = 0;
		int fd, n, made = 0, r1, r2, left;
		struct stat st;

		if (!mkdtemp(dir)) {
			ok(0, "mkdtemp");
			return done();
		}
		for (n = 0; n < 1000; n++) {
			FILE *f;

			snprintf(path, sizeof(path), "%s/shard-with-a-longish-name-%05d.bin", dir, n);
			f = fopen(path, "w");
			made += f && fprintf(f, "%*d", n % 7, n) >= 0 && !fclose(f);
			want_bytes += (uint64_t)snprintf(NULL, 0, "%*d", n % 7, n);
		}
		snprintf(path, sizeof(path), "%s/sub", dir);
		mkdir(path, 0700);
		fd = open(dir, O_RDONLY | O_DIRECTORY);
		r1 = ayak_dir_empty(fd, &files, &bytes);
		rmdir(path);
		r2 = ayak_dir_empty(fd, NULL, NULL);
		close(fd);
		ok(made == 1000 && r1 == -1 && files == 1000 && bytes == want_bytes && r2 == 0,
		   "dir_empty: 1000 files removed, counted (%llu) and sized (%llu, want %llu); "
		   "a subdirectory makes it -1 (%d), then 0 (%d)", (unsigned long long)files,
		   (unsigned long long)bytes, (unsigned long long)want_bytes, r1, r2);
		snprintf(path, sizeof(path), "%s/f", dir);
		fd = open(path, O_WRONLY | O_CREAT, 0600);
		if (fd >= 0)
			close(fd);
		ayak_tmp_dir(dir);
		ayak_tmp_remove_all();
		left = stat(dir, &st) == 0;
		ayak_tmp_dir(NULL);
		ok(fd >= 0 && !left, "tmp_dir: ayak_tmp_remove_all() removes the directory and what it holds");
		if (left) {
			unlink(path);
			rmdir(dir);
		}
	}
	{
		/*
		 * ayak_tmp_open() and ayak_tmp_commit() either way: a nameless file
		 * or, with AYAK_NO_TMPFILE, a hidden name; the same mode in the end,
		 * and nothing else left; ayak_tmp_discard() removes a hidden name.
		 */
		char dir[] = "/tmp/test-util.XXXXXX", path[256], tmpl[256];
		mode_t mask = umask(022);
		int pass, anon[2] = { -1, -1 }, mode[2] = { -1, -1 }, entries[2] = { -1, -1 };
		int fd, hidden, gone;
		struct stat st;

		if (!mkdtemp(dir)) {
			ok(0, "mkdtemp");
			return done();
		}
		snprintf(path, sizeof(path), "%s/out", dir);
		for (pass = 0; pass < 2; pass++) {
			DIR *d;
			struct dirent *e;

			if (pass)
				setenv("AYAK_NO_TMPFILE", "1", 1);
			snprintf(tmpl, sizeof(tmpl), "%s/.out.XXXXXX", dir);
			fd = ayak_tmp_open(tmpl, O_CLOEXEC, &anon[pass]);
			if (fd >= 0 && write(fd, "x", 1) == 1 &&
			    !ayak_tmp_commit(fd, anon[pass], tmpl, path) && !stat(path, &st))
				mode[pass] = (int)(st.st_mode & 0777);
			if (fd >= 0)
				close(fd);
			entries[pass] = 0;
			d = opendir(dir);
			while (d && (e = readdir(d)))
				entries[pass] += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
			if (d)
				closedir(d);
			unlink(path);
		}
		unsetenv("AYAK_NO_TMPFILE");
		snprintf(tmpl, sizeof(tmpl), "%s/.out.XXXXXX", dir);
		setenv("AYAK_NO_TMPFILE", "1", 1);
		fd = ayak_tmp_open(tmpl, O_CLOEXEC, &hidden);
		unsetenv("AYAK_NO_TMPFILE");
		if (fd >= 0)
			close(fd);
		ayak_tmp_discard(tmpl, hidden);
		gone = stat(tmpl, &st) != 0;
		umask(mask);
		ok(anon[1] == 0 && mode[1] == 0644 && entries[1] == 1 && mode[0] == 0644 &&
		   entries[0] == 1 && fd >= 0 && hidden == 0 && gone,
		   "tmp_open + tmp_commit: mode 0644 under umask 022 either way (nameless %d: %o; hidden: %o), "
		   "the output alone left (%d, %d); tmp_discard removes a hidden name",
		   anon[0], (unsigned)mode[0], (unsigned)mode[1], entries[0], entries[1]);
		rmdir(dir);
	}
	return done();
}
