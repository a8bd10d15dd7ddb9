/* Shared by the unit tests: cmocka and a few assertions on error text. */
#ifndef KVMRUN_TEST_UNIT_H
#define KVMRUN_TEST_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

/* The error message must contain needle. */
#define assert_contains(haystack, needle)                                          \
	do {                                                                       \
		const char *h_ = (haystack), *n_ = (needle);                       \
		if (!h_ || !strstr(h_, n_))                                        \
			fail_msg("\"%s\" does not contain \"%s\"", h_ ? h_ : "(null)", n_); \
	} while (0)

#define GIB (1ull << 30)
#define MIB (1ull << 20)

#endif
