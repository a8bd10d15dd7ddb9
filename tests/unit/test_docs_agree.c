/* The facts the README repeats agree with the code they describe: the
 * options part of the usage text (options.c) is the README's Usage block,
 * and every exit status of exit_status.h, and the guest runtime's own
 * (abi_note.h), has its row in the README's exit-status table and its line
 * in the usage text. Run from the tree's
 * root (tests/run-all does). */
#include "unit.h"

#include <stdlib.h>

#include <kvmrun/abi_note.h>

#include "../../monitor/exit_status.h"
#include "../../monitor/options.h"

static char *readme;

static int load_readme(void **state)
{
	FILE *f = fopen("README.md", "r");
	long len;

	(void)state;
	if (!f || fseek(f, 0, SEEK_END) < 0 || (len = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) < 0)
		return -1;
	readme = calloc(1, (size_t)len + 1);
	if (!readme || fread(readme, 1, (size_t)len, f) != (size_t)len)
		return -1;
	fclose(f);
	return 0;
}

static int free_readme(void **state)
{
	(void)state;
	free(readme);
	return 0;
}

/* From the first "  --" line to the end of the "  --version" line. */
static char *options_part(const char *text)
{
	const char *start = strstr(text, "\n  --");
	const char *last = start ? strstr(start, "\n  --version") : NULL;
	const char *end = last ? strchr(last + 1, '\n') : NULL;

	if (!end)
		return NULL;
	return strndup(start + 1, (size_t)(end - start));
}

static void test_usage_block(void **state)
{
	(void)state;
	char *code = options_part(options_usage);
	const char *usage = strstr(readme, "\n## Usage\n");
	char *doc = usage ? options_part(usage) : NULL;
	assert_non_null(code);
	assert_non_null(doc);
	assert_string_equal(doc, code);
	free(code);
	free(doc);
}

static void test_exit_statuses(void **state)
{
	static const int statuses[] = {
		KVMRUN_STATUS_START_INFO_REFUSED, STATUS_GUEST_ERROR, STATUS_GUEST_CRASH, STATUS_UNKNOWN_EXIT, STATUS_TIMEOUT,
		STATUS_KVMRUN_FAILED, STATUS_APP_UNUSABLE, STATUS_APP_NOT_FOUND,
		STATUS_SECCOMP_KILLED,
	};
	char row[32], line[32];

	(void)state;
	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
		snprintf(row, sizeof row, "\n| %d | ", statuses[i]);
		snprintf(line, sizeof line, "\n  %d ", statuses[i]);
		if (!strstr(readme, row))
			fail_msg("README.md's exit-status table has no row for %d", statuses[i]);
		if (!strstr(options_usage, line))
			fail_msg("the usage text has no line for exit status %d", statuses[i]);
	}
	/* The statuses of the stop signals, in both. */
	assert_non_null(strstr(readme, "\n| 129, 130, 142, 143 | "));
	assert_non_null(strstr(options_usage, "\n  129, 130, 142, 143 "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usage_block),
		cmocka_unit_test(test_exit_statuses),
	};
	return cmocka_run_group_tests(tests, load_readme, free_readme);
}
