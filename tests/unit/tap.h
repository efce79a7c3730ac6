/*
 * A tiny TAP producer for the C unit tests: ok() prints one test line,
 * done() the plan; tap_n and tap_failed count them.
 */
#ifndef AYAK_TEST_TAP_H
#define AYAK_TEST_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_n, tap_failed;

__attribute__((format(printf, 2, 3)))
static int ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d - ", cond ? "ok" : "not ok", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		tap_failed++;
	return cond;
}

/* The plan, and the exit status: 1 when a test failed. */
__attribute__((unused))
static int done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
