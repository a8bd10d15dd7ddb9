/* The facts the README and the man page repeat agree with the code they
 * describe: the options part of the usage text (options.c) is the README's
 * Usage block, the man page (man/kvmrun.1) describes the same options, and
 * every exit status of exit_status.h, and the guest runtime's own
 * (abi_note.h), has its row in the README's exit-status table, its line in
 * the usage text and its entry in the man page; the README's tables of the
 * seccomp filter have a row per rule of seccomp_filter.c's tables, in
 * their order. Run from the tree's root
 * (tests/run-all does). */
#include "unit.h"

#include <stdbool.h>
#include <stdlib.h>

#include <kvmrun/abi_note.h>

#include "../../monitor/crash_report.h"
#include "../../monitor/exit_status.h"
#include "../../monitor/options.h"
#include "../../monitor/seccomp_filter.h"

static char *readme, *manpage;

static char *load(const char *path)
{
	FILE *f = fopen(path, "r");
	long len;
	char *text;

	if (!f || fseek(f, 0, SEEK_END) < 0 || (len = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) < 0)
		return NULL;
	text = calloc(1, (size_t)len + 1);
	if (text && fread(text, 1, (size_t)len, f) != (size_t)len) {
		free(text);
		text = NULL;
	}
	fclose(f);
	return text;
}

static int load_docs(void **state)
{
	(void)state;
	readme = load("README.md");
	manpage = load("man/kvmrun.1");
	return readme && manpage ? 0 : -1;
}

static int free_docs(void **state)
{
	(void)state;
	free(readme);
	free(manpage);
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

/* What README, usage and man page list for crashes. */
#define CRASH_STATUSES "132, 133, 135, 136, 139"

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
	/* The crash statuses: every one crash_report.c's table gives. */
	assert_non_null(strstr(readme, "\n| " CRASH_STATUSES " | "));
	assert_non_null(strstr(options_usage, "\n  " CRASH_STATUSES " "));
}

/* The statuses the documents list for crashes are the ones the exception
 * table gives, all of them. */
static void test_crash_statuses_from_table(void **state)
{
	bool seen[256] = { false };
	char list[64] = "";
	size_t n = 0;

	(void)state;
	for (uint32_t v = 0; v <= 32; v++) {
		struct kvmrun_crash c = { .vector = v };
		seen[crash_status(&c)] = true;
	}
	for (int st = 0; st < 256; st++)
		if (seen[st])
			n += (size_t)snprintf(list + n, sizeof list - n, "%s%d", n ? ", " : "", st);
	assert_string_equal(list, CRASH_STATUSES);
}

/* An option as roff writes it: every '-' escaped ("\\-\\-mem"). */
static void roff_option(const char *name, size_t len, char *out, size_t outlen)
{
	size_t n = 0;

	for (size_t i = 0; i < len && n + 3 < outlen; i++) {
		if (name[i] == '-')
			out[n++] = '\\';
		out[n++] = name[i];
	}
	out[n] = '\0';
}

/* roff (an escaped option) stands whole in text: not as the start of a
 * longer name. */
static bool has_option(const char *text, const char *roff)
{
	size_t n = strlen(roff);

	for (const char *at = strstr(text, roff); at; at = strstr(at + 1, roff))
		if (strchr("= \n\"", at[n]))
			return true;
	return false;
}

/* Every option of the usage text is in the man page's OPTIONS section, and
 * that section names no other. */
static void test_man_page_options(void **state)
{
	char *code = options_part(options_usage);
	const char *opts = strstr(manpage, "\n.SH OPTIONS\n");
	const char *end = opts ? strstr(opts + 1, "\n.SH ") : NULL;
	unsigned in_usage = 0, in_man = 0;
	char roff[64];

	(void)state;
	assert_non_null(code);
	assert_non_null(end);
	char *section = strndup(opts, (size_t)(end - opts));
	/* Options start their line in the usage text: "  --mem=SIZE", "  -h, --help". */
	for (const char *line = code; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (strncmp(line, "  -", 3) != 0)
			continue; /* a description's continuation */
		const char *p = line + 2;
		while (*p == '-') {
			size_t len = strcspn(p, "=, \n");
			roff_option(p, len, roff, sizeof roff);
			if (!has_option(section, roff))
				fail_msg("the man page's OPTIONS lack %.*s", (int)len, p);
			in_usage++;
			p += len;
			p += strspn(p, "=, ABCDEFGHIJKLMNOPQRSTUVWXYZ");
		}
	}
	/* Each .TP entry's option line in the man page. */
	for (const char *tp = strstr(section, "\n.TP\n"); tp; tp = strstr(tp + 1, "\n.TP\n"))
		in_man++;
	assert_true(in_usage >= 7);
	assert_int_equal(in_man, 13); /* -h, --help is one entry, and so are --trace and --gdb's pairs */
	assert_int_equal(in_usage, in_man + 3);
	free(section);
	free(code);
}

static void test_man_page_statuses(void **state)
{
	static const int statuses[] = {
		KVMRUN_STATUS_START_INFO_REFUSED, STATUS_GUEST_ERROR, STATUS_GUEST_CRASH,
		STATUS_UNKNOWN_EXIT, STATUS_TIMEOUT, STATUS_KVMRUN_FAILED, STATUS_APP_UNUSABLE,
		STATUS_APP_NOT_FOUND, STATUS_SECCOMP_KILLED,
	};
	char entry[32];

	(void)state;
	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
		snprintf(entry, sizeof entry, "\n.TP\n.B %d\n", statuses[i]);
		if (!strstr(manpage, entry))
			fail_msg("the man page has no entry for exit status %d", statuses[i]);
	}
	assert_non_null(strstr(manpage, "\n.B \"129, 130, 142, 143\"\n"));
	assert_non_null(strstr(manpage, "\n.B \"" CRASH_STATUSES "\"\n"));
}

/* The calls the rows of the README's lock-down tables name, in order:
 * each row's first cell, every `name` in it. */
static size_t readme_filter_calls(const char *calls[], size_t max, char *names, size_t names_len)
{
	const char *section = strstr(readme, "\n## The monitor's lock-down\n");
	const char *end = section ? strstr(section + 1, "\n## ") : NULL;
	size_t n = 0, used = 0;

	assert_non_null(end);
	for (const char *row = strstr(section, "\n| `"); row && row < end; row = strstr(row + 1, "\n| `")) {
		const char *cell_end = strstr(row + 3, " |");
		for (const char *p = row + 3; p < cell_end && n < max;) {
			const char *open = strchr(p, '`'), *close = open ? strchr(open + 1, '`') : NULL;
			if (!close || close > cell_end)
				break;
			size_t len = (size_t)(close - open - 1);
			assert_true(used + len + 1 <= names_len);
			memcpy(names + used, open + 1, len);
			names[used + len] = '\0';
			calls[n++] = names + used;
			used += len + 1;
			p = close + 1;
		}
	}
	return n;
}

static void test_filter_tables(void **state)
{
	const char *calls[128], *want[128];
	char names[4096];
	size_t n = readme_filter_calls(calls, 128, names, sizeof names), w = 0;

	(void)state;
	for (size_t i = 0; i < filter_rule_count; i++)
		want[w++] = filter_rules[i].call;
	for (size_t i = 0; i < filter_core_rule_count; i++)
		want[w++] = filter_core_rules[i].call;
	for (size_t i = 0; i < filter_trace_rule_count; i++)
		want[w++] = filter_trace_rules[i].call;
	for (size_t i = 0; i < filter_gdb_rule_count; i++)
		want[w++] = filter_gdb_rules[i].call;
	for (size_t i = 0; i < filter_refusal_count; i++)
		want[w++] = filter_refusals[i].call;
	for (size_t i = 0; i < n && i < w; i++)
		if (strcmp(calls[i], want[i]) != 0)
			fail_msg("README filter table row %zu names %s, seccomp_filter.c %s", i, calls[i],
				 want[i]);
	assert_int_equal(n, w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usage_block),
		cmocka_unit_test(test_exit_statuses),
		cmocka_unit_test(test_crash_statuses_from_table),
		cmocka_unit_test(test_man_page_options),
		cmocka_unit_test(test_man_page_statuses),
		cmocka_unit_test(test_filter_tables),
	};
	return cmocka_run_group_tests(tests, load_docs, free_docs);
}
