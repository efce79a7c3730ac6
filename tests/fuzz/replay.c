/*
 * replay: run a fuzz target's LLVMFuzzerTestOneInput over saved inputs,
 * without libFuzzer, so that `make check` replays the corpus and every
 * crash found so far as a regression test.
 *
 *	replay-record tests/fuzz/corpus/record [FILE...]
 *
 * Each operand is a file, or a directory whose files (not subdirectories,
 * not dotfiles) are replayed in name order.  Prints TAP, one test per
 * input; an input that crashes the target ends the run (and the missing
 * plan line fails the test).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int count, failed;

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL, *exact;
	size_t len = 0, cap = 0, got;

	if (!f) {
		printf("not ok %d - %s # cannot open\n", ++count, path);
		failed++;
		return -1;
	}
	for (;;) {
		if (len == cap) {
			uint8_t *p;

			cap = cap ? cap * 2 : 65536;
			p = realloc(buf, cap);
			if (!p) {
				fclose(f);
				free(buf);
				printf("not ok %d - %s # out of memory\n", ++count, path);
				failed++;
				return -1;
			}
			buf = p;
		}
		got = fread(buf + len, 1, cap - len, f);
		if (!got)
			break;
		len += got;
	}
	fclose(f);
	/* An exact-size copy, as libFuzzer gives, so that over-reads show. */
	exact = malloc(len ? len : 1);
	if (!exact) {
		free(buf);
		return -1;
	}
	memcpy(exact, buf, len);
	free(buf);
	fflush(stdout);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	printf("ok %d - %s\n", ++count, path);
	fflush(stdout);
	return 0;
}

static int not_dot(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static void replay_dir(const char *dir)
{
	struct dirent **names;
	char path[4096];
	int n, i;

	n = scandir(dir, &names, not_dot, alphasort);
	if (n < 0) {
		printf("not ok %d - %s # cannot read the directory\n", ++count, dir);
		failed++;
		return;
	}
	for (i = 0; i < n; i++) {
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			replay_file(path);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	int i;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			replay_dir(argv[i]);
		else
			replay_file(argv[i]);
	}
	printf("1..%d\n", count);
	if (count == 0)
		printf("# no inputs found\n");
	return failed || count == 0 ? 1 : 0;
}
