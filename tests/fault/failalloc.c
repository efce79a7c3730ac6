/*
 * failalloc.so: makes memory run out, for tests/t/alloc-fail.t.
 *
 *	FAIL_ALLOC_NTH=N LD_PRELOAD=build/tests/failalloc.so ayak-lid ...
 *
 * The Nth allocation of FAIL_ALLOC_MIN bytes or more (default 4096), and
 * every one after it, fails with ENOMEM, as when a node's memory is used
 * up; smaller ones go on working, so that error messages can still be
 * written.  At exit it prints "failalloc: K" on stderr when FAIL_ALLOC_COUNT
 * is set: K allocations were large, so N from 1 to K reaches each of them.
 * glibc's own entry points do the work (dlsym would allocate).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

extern void *__libc_malloc(size_t n);
extern void *__libc_realloc(void *p, size_t n);
extern void *__libc_calloc(size_t k, size_t n);
extern void *__libc_memalign(size_t align, size_t n);

static unsigned long seen, nth, min_size;

static void setup(void)
{
	const char *e = getenv("FAIL_ALLOC_NTH");

	nth = e ? strtoul(e, NULL, 10) : 0;
	e = getenv("FAIL_ALLOC_MIN");
	min_size = e ? strtoul(e, NULL, 10) : 4096;
}

static int fails(size_t n)
{
	if (!min_size)
		setup();
	if (n < min_size)
		return 0;
	seen++;
	if (!nth || seen < nth)
		return 0;
	errno = ENOMEM;
	return 1;
}

void *malloc(size_t n)
{
	return fails(n) ? NULL : __libc_malloc(n);
}

void *realloc(void *p, size_t n)
{
	return fails(n) ? NULL : __libc_realloc(p, n);
}

void *calloc(size_t k, size_t n)
{
	if (n && k > (size_t)-1 / n) {
		errno = ENOMEM;
		return NULL;
	}
	return fails(k * n) ? NULL : __libc_calloc(k, n);
}

int posix_memalign(void **p, size_t align, size_t n)
{
	void *q = fails(n) ? NULL : __libc_memalign(align, n);

	if (!q)
		return ENOMEM;
	*p = q;
	return 0;
}

/*
 * Anonymous mappings made directly (ayak-lid's huge pages): glibc's own
 * malloc maps memory by an internal call, which does not come here.
 */
void *mmap(void *addr, size_t n, int prot, int flags, int fd, off_t off)
{
	if ((flags & MAP_ANONYMOUS) && fails(n))
		return MAP_FAILED;
	return (void *)syscall(SYS_mmap, addr, n, prot, flags, fd, off);
}

__attribute__((destructor)) static void report(void)
{
	if (getenv("FAIL_ALLOC_COUNT"))
		fprintf(stderr, "failalloc: %lu\n", seen);
}
