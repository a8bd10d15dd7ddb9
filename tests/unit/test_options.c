/* options.c: sizes, guest memory sizes and the command line. */
#include "unit.h"

#include "../../monitor/options.h"

#define ERRLEN 256

/* parse_size must succeed with exactly this value. */
static void size_ok(const char *text, uint64_t expect)
{
	char err[ERRLEN] = "";
	uint64_t bytes = 0xdeadbeef;

	if (parse_size(text, &bytes, err, sizeof err) != 0)
		fail_msg("parse_size(\"%s\") failed: %s", text, err);
	if (bytes != expect)
		fail_msg("parse_size(\"%s\") = %llu, expected %llu", text,
			 (unsigned long long)bytes, (unsigned long long)expect);
}

/* parse_size must fail, leave *bytes alone and say why. */
static void size_bad(const char *text, const char *why)
{
	char err[ERRLEN] = "";
	uint64_t bytes = 0xdeadbeef;

	if (parse_size(text, &bytes, err, sizeof err) != -1)
		fail_msg("parse_size(\"%s\") accepted it as %llu", text, (unsigned long long)bytes);
	assert_int_equal(bytes, 0xdeadbeef);
	assert_contains(err, why);
}

static void test_size_plain(void **state)
{
	(void)state;
	size_ok("0", 0);
	size_ok("1", 1);
	size_ok("4096", 4096);
	size_ok("0004096", 4096);
	size_ok("18446744073709551615", UINT64_MAX);
}

static void test_size_suffixes(void **state)
{
	(void)state;
	size_ok("1K", 1024);
	size_ok("1k", 1024);
	size_ok("3K", 3072);
	size_ok("64M", 64ull << 20);
	size_ok("64m", 64ull << 20);
	size_ok("1G", 1ull << 30);
	size_ok("1g", 1ull << 30);
	size_ok("5G", 5ull << 30);
	size_ok("0G", 0);
	/* The largest values each shift can take. */
	size_ok("17179869183G", UINT64_MAX >> 30 << 30);
	size_ok("18014398509481983K", UINT64_MAX >> 10 << 10);
}

static void test_size_empty(void **state)
{
	(void)state;
	size_bad("", "empty size");
}

static void test_size_no_digits(void **state)
{
	(void)state;
	size_bad("M", "'M' is not a size (expected digits with an optional K, M or G)");
	size_bad("abc", "'abc' is not a size");
	size_bad(" 1M", "' 1M' is not a size");
	size_bad("+5", "'+5' is not a size");
	size_bad("-5", "'-5' is not a size");
	size_bad("-", "'-' is not a size");
}

static void test_size_unknown_suffix(void **state)
{
	(void)state;
	size_bad("1T", "'1T' has an unknown suffix 'T' (use K, M or G)");
	size_bad("1b", "'1b' has an unknown suffix 'b'");
	size_bad("1 ", "'1 ' has an unknown suffix ' '");
	size_bad("1.5G", "'1.5G' has an unknown suffix '.5G'");
}

static void test_size_trailing(void **state)
{
	(void)state;
	size_bad("1G1", "'1G1' has trailing characters '1'");
	size_bad("1KB", "'1KB' has trailing characters 'B'");
	size_bad("64MM", "'64MM' has trailing characters 'M'");
	size_bad("2k ", "'2k ' has trailing characters ' '");
}

static void test_size_overflow(void **state)
{
	(void)state;
	size_bad("99999999999999999999", "'99999999999999999999' is too large");
	size_bad("18446744073709551616", "'18446744073709551616' is too large");
	size_bad("18446744073709551615K", "'18446744073709551615K' is too large");
	size_bad("18014398509481984K", "'18014398509481984K' is too large");
	size_bad("17179869184G", "'17179869184G' is too large");
	size_bad("17592186044416M", "'17592186044416M' is too large");
}

static void mem_ok(const char *text, uint64_t expect)
{
	char err[ERRLEN] = "";
	uint64_t bytes = 0;

	if (parse_mem_size(text, &bytes, err, sizeof err) != 0)
		fail_msg("parse_mem_size(\"%s\") failed: %s", text, err);
	assert_int_equal(bytes, expect);
}

static void mem_bad(const char *text, const char *why)
{
	char err[ERRLEN] = "";
	uint64_t bytes = 0xdeadbeef;

	if (parse_mem_size(text, &bytes, err, sizeof err) != -1)
		fail_msg("parse_mem_size(\"%s\") accepted it as %llu", text, (unsigned long long)bytes);
	assert_int_equal(bytes, 0xdeadbeef);
	assert_contains(err, why);
}

static void test_mem_min(void **state)
{
	(void)state;
	mem_ok("2M", MEM_MIN);
	mem_ok("2048K", MEM_MIN);
	mem_ok("2097152", MEM_MIN);
	mem_bad("2044K", "bad --mem: 2044K is too small (the minimum is 2M)");
	mem_bad("1M", "bad --mem: 1M is too small (the minimum is 2M)");
	mem_bad("0", "bad --mem: 0 is too small");
	/* Too small wins over not page-aligned. */
	mem_bad("1", "bad --mem: 1 is too small");
}

static void test_mem_max(void **state)
{
	(void)state;
	mem_ok("64G", MEM_MAX);
	mem_ok("65536M", MEM_MAX);
	mem_ok("64M", 64ull << 20);
	mem_ok("5g", 5ull << 30);
	mem_bad("65G", "bad --mem: 65G is too large (the maximum is 64G)");
	mem_bad("68719480832", "bad --mem: 68719480832 is too large (the maximum is 64G)");
	mem_bad("99999999999999999999", "bad --mem: '99999999999999999999' is too large");
}

static void test_mem_align(void **state)
{
	(void)state;
	mem_bad("2097153", "bad --mem: 2097153 is not a whole number of 4K pages");
	mem_bad("2050K", "bad --mem: 2050K is not a whole number of 4K pages");
	mem_ok("2052K", 2052ull << 10);
}

static void test_mem_parse_error(void **state)
{
	(void)state;
	mem_bad("", "bad --mem: empty size");
	mem_bad("lots", "bad --mem: 'lots' is not a size");
	mem_bad("1G1", "bad --mem: '1G1' has trailing characters '1'");
	mem_bad("4T", "bad --mem: '4T' has an unknown suffix 'T'");
}

/* ------------------------------------------------------------- options_parse */

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1) /* argv ends with NULL */

static enum options_result parse(int argc, char **argv, struct options *o, char *err)
{
	err[0] = '\0';
	return options_parse(argc, argv, o, err, ERRLEN);
}

/* parse_duration must succeed with exactly this many nanoseconds. */
static void duration_ok(const char *text, uint64_t expect)
{
	char err[ERRLEN] = "";
	uint64_t ns = 0xdeadbeef;

	if (parse_duration(text, &ns, err, sizeof err) != 0)
		fail_msg("parse_duration(\"%s\") failed: %s", text, err);
	if (ns != expect)
		fail_msg("parse_duration(\"%s\") = %llu ns, expected %llu", text,
			 (unsigned long long)ns, (unsigned long long)expect);
}

static void duration_bad(const char *text, const char *why)
{
	char err[ERRLEN] = "";
	uint64_t ns = 0xdeadbeef;

	if (parse_duration(text, &ns, err, sizeof err) != -1)
		fail_msg("parse_duration(\"%s\") accepted it as %llu ns", text, (unsigned long long)ns);
	assert_contains(err, why);
}

static void test_duration_units(void **state)
{
	(void)state;
	duration_ok("0", 0);
	duration_ok("0.000s", 0);
	duration_ok("2", 2000000000ull);
	duration_ok("2s", 2000000000ull);
	duration_ok("1.5s", 1500000000ull);
	duration_ok("250ms", 250000000ull);
	duration_ok("2m", 120000000000ull);
	duration_ok("1h", 3600000000000ull);
	duration_ok("0.5h", 1800000000000ull);
	/* Every decimal counts, to the nanosecond. */
	duration_ok("0.123456789ms", 123457ull);
	duration_ok("0.123456789s", 123456789ull);
	duration_ok("1.000000001s", 1000000001ull);
	duration_bad("", "is not a duration");
	duration_bad("s", "is not a duration");
	duration_bad("10x", "unknown unit 'x'");
	duration_bad("10000000000000000000", "too long");
	duration_bad("367d", "unknown unit");
	duration_bad("9000h", "at most a year");
}

/* Only a written 0 means "no limit": anything else rounds up to 1 ns. */
static void test_duration_rounds_up(void **state)
{
	(void)state;
	duration_ok("0.0000001ms", 1);
	duration_ok("0.0000000001s", 1);
	duration_ok("0.0000000000000000001h", 1);
	duration_ok("0.0000000001", 1);
	duration_ok("1.0000000001s", 1000000001ull);
	duration_ok("0.00000000000ms", 0);
}

/* The report names the limit as written, with "s" where no unit was. */
static void test_timeout_option(void **state)
{
	struct options o;
	char err[ERRLEN];

	(void)state;
	char *a[] = { "kvmrun", "--timeout=2", "app.elf", NULL };
	assert_int_equal(parse(ARGC(a), a, &o, err), OPTIONS_RUN);
	assert_int_equal(o.timeout_ns, 2000000000ull);
	assert_string_equal(o.timeout_text, "2");
	assert_string_equal(o.timeout_unit, "s");
	char *b[] = { "kvmrun", "--timeout", "1500ms", "app.elf", NULL };
	assert_int_equal(parse(ARGC(b), b, &o, err), OPTIONS_RUN);
	assert_int_equal(o.timeout_ns, 1500000000ull);
	assert_string_equal(o.timeout_text, "1500ms");
	assert_string_equal(o.timeout_unit, "");
	char *c[] = { "kvmrun", "--timeout=2.", "app.elf", NULL };
	assert_int_equal(parse(ARGC(c), c, &o, err), OPTIONS_RUN);
	assert_string_equal(o.timeout_unit, "s");
	char *d[] = { "kvmrun", "--timeout=0.0000001ms", "app.elf", NULL };
	assert_int_equal(parse(ARGC(d), d, &o, err), OPTIONS_RUN);
	assert_int_equal(o.timeout_ns, 1);
	char *e[] = { "kvmrun", "--timeout=soon", "app.elf", NULL };
	assert_int_equal(parse(ARGC(e), e, &o, err), OPTIONS_ERROR);
	assert_contains(err, "bad --timeout: 'soon' is not a duration");
	char *f[] = { "kvmrun", "--timeout", NULL };
	assert_int_equal(parse(ARGC(f), f, &o, err), OPTIONS_ERROR);
	assert_string_equal(err, "bad --timeout: missing duration");
}

static void test_no_args(void **state)
{
	char *argv[] = { "kvmrun", NULL };
	struct options o;
	char err[ERRLEN];

	(void)state;
	assert_int_equal(parse(ARGC(argv), argv, &o, err), OPTIONS_ERROR);
	assert_contains(err, "no app given (see kvmrun --help)");

	char *only_dashes[] = { "kvmrun", "--", NULL };
	assert_int_equal(parse(ARGC(only_dashes), only_dashes, &o, err), OPTIONS_ERROR);
	assert_contains(err, "no app given");

	char *only_mem[] = { "kvmrun", "--mem=8M", NULL };
	assert_int_equal(parse(ARGC(only_mem), only_mem, &o, err), OPTIONS_ERROR);
	assert_contains(err, "no app given");
}

static void test_help(void **state)
{
	struct options o;
	char err[ERRLEN];

	(void)state;
	char *a[] = { "kvmrun", "-h", NULL };
	assert_int_equal(parse(ARGC(a), a, &o, err), OPTIONS_HELP);
	char *b[] = { "kvmrun", "--help", NULL };
	assert_int_equal(parse(ARGC(b), b, &o, err), OPTIONS_HELP);
	char *c[] = { "kvmrun", "--mem=8M", "--help", "app.elf", NULL };
	assert_int_equal(parse(ARGC(c), c, &o, err), OPTIONS_HELP);
	/* After the app path, -h belongs to the app. */
	char *d[] = { "kvmrun", "app.elf", "-h", NULL };
	assert_int_equal(parse(ARGC(d), d, &o, err), OPTIONS_RUN);
	assert_string_equal(o.app_argv[1], "-h");
	/* After "--" too. */
	char *e[] = { "kvmrun", "--", "--help", NULL };
	assert_int_equal(parse(ARGC(e), e, &o, err), OPTIONS_RUN);
	assert_string_equal(o.app_path, "--help");
	assert_non_null(strstr(options_usage, "usage: kvmrun"));
	assert_non_null(strstr(options_usage, "--mem=SIZE"));
}

static void test_version(void **state)
{
	struct options o;
	char err[ERRLEN];

	(void)state;
	char *a[] = { "kvmrun", "--version", NULL };
	assert_int_equal(parse(ARGC(a), a, &o, err), OPTIONS_VERSION);
	char *b[] = { "kvmrun", "--version", "app.elf", NULL };
	assert_int_equal(parse(ARGC(b), b, &o, err), OPTIONS_VERSION);
	char *c[] = { "kvmrun", "app.elf", "--version", NULL };
	assert_int_equal(parse(ARGC(c), c, &o, err), OPTIONS_RUN);
	assert_int_equal(o.app_argc, 2);
}

static void test_defaults(void **state)
{
	struct options o;
	char err[ERRLEN];

	(void)state;
	char *a[] = { "kvmrun", "app.elf", NULL };
	assert_int_equal(parse(ARGC(a), a, &o, err), OPTIONS_RUN);
	assert_int_equal(o.mem_size, MEM_DEFAULT);
	assert_int_equal(o.mem_size, 64ull << 20);
	assert_ptr_equal(o.app_path, a[1]);
	assert_int_equal(o.app_argc, 1);
	assert_ptr_equal(o.app_argv, &a[1]);
	assert_null(o.app_argv[o.app_argc]);
	assert_int_equal(o.envc, 0); /* not the host's environment */
}

static void test_env(void **state)
{
	struct options o;
	char err[ERRLEN];

	(void)state;
	char *a[] = { "kvmrun", "--env=A=1", "--env", "B=", "--env=C=x=y", "--env", "A=2",
		      "app.elf", "--env=D=4", NULL };
	assert_int_equal(parse(ARGC(a), a, &o, err), OPTIONS_RUN);
	assert_int_equal(o.envc, 3);
	assert_string_equal(o.env[0], "A=2"); /* the later one wins, in its place */
	assert_string_equal(o.env[1], "B=");
	assert_string_equal(o.env[2], "C=x=y");
	assert_int_equal(o.app_argc, 2); /* after the app: the app's argument */

	static const char *const bad[] = { "A", "=1", "", "=" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *b[] = { "kvmrun", "--env", (char *)bad[i], "app.elf", NULL };
		assert_int_equal(parse(ARGC(b), b, &o, err), OPTIONS_ERROR);
		assert_contains(err, "bad --env: '");
		assert_contains(err, "' is not NAME=VALUE");
	}
	char *c[] = { "kvmrun", "--env", NULL };
	assert_int_equal(parse(ARGC(c), c, &o, err), OPTIONS_ERROR);
	assert_contains(err, "bad --env: missing NAME=VALUE");
	/* At most KVMRUN_MAX_ENV distinct names. */
	static char names[KVMRUN_MAX_ENV + 1][16];
	char *many[KVMRUN_MAX_ENV + 4];
	int n = 0;
	many[n++] = "kvmrun";
	for (unsigned i = 0; i <= KVMRUN_MAX_ENV; i++) {
		snprintf(names[i], sizeof names[i], "--env=V%u=", i);
		many[n++] = names[i];
	}
	many[n++] = "app.elf";
	many[n] = NULL;
	assert_int_equal(parse(n, many, &o, err), OPTIONS_ERROR);
	assert_contains(err, "bad --env: more than 256 variables");
	assert_int_equal(parse(n - 2, many, &o, err), OPTIONS_ERROR); /* 256: no app */
	assert_contains(err, "no app given");
}

static void test_mem_equals(void **state)
{
	struct options o;
	char err[ERRLEN];

	(void)state;
	char *a[] = { "kvmrun", "--mem=5G", "app.elf", NULL };
	assert_int_equal(parse(ARGC(a), a, &o, err), OPTIONS_RUN);
	assert_int_equal(o.mem_size, 5ull << 30);
	assert_ptr_equal(o.app_path, a[2]);
	assert_int_equal(o.app_argc, 1);

	/* The last --mem wins. */
	char *b[] = { "kvmrun", "--mem=8M", "--mem=16M", "app.elf", NULL };
	assert_int_equal(parse(ARGC(b), b, &o, err), OPTIONS_RUN);
	assert_int_equal(o.mem_size, 16ull << 20);
}

static void test_mem_separate(void **state)
{
	struct options o;
	char err[ERRLEN];

	(void)state;
	char *a[] = { "kvmrun", "--mem", "128M", "app.elf", "x", NULL };
	assert_int_equal(parse(ARGC(a), a, &o, err), OPTIONS_RUN);
	assert_int_equal(o.mem_size, 128ull << 20);
	assert_ptr_equal(o.app_path, a[3]);
	assert_int_equal(o.app_argc, 2);
	assert_ptr_equal(o.app_argv, &a[3]);

	/* The value is taken whatever it looks like. */
	char *b[] = { "kvmrun", "--mem", "--help", "app.elf", NULL };
	assert_int_equal(parse(ARGC(b), b, &o, err), OPTIONS_ERROR);
	assert_contains(err, "bad --mem: '--help' is not a size");
}

static void test_mem_missing(void **state)
{
	struct options o;
	char err[ERRLEN];

	(void)state;
	char *a[] = { "kvmrun", "--mem", NULL };
	assert_int_equal(parse(ARGC(a), a, &o, err), OPTIONS_ERROR);
	assert_contains(err, "bad --mem: missing size");

	char *b[] = { "kvmrun", "--mem=", "app.elf", NULL };
	assert_int_equal(parse(ARGC(b), b, &o, err), OPTIONS_ERROR);
	assert_contains(err, "bad --mem: empty size");
}

static void test_mem_bad_value(void **state)
{
	struct options o;
	char err[ERRLEN];

	(void)state;
	char *a[] = { "kvmrun", "--mem=1M", "app.elf", NULL };
	assert_int_equal(parse(ARGC(a), a, &o, err), OPTIONS_ERROR);
	assert_contains(err, "bad --mem: 1M is too small (the minimum is 2M)");

	char *b[] = { "kvmrun", "--mem", "65G", "app.elf", NULL };
	assert_int_equal(parse(ARGC(b), b, &o, err), OPTIONS_ERROR);
	assert_contains(err, "bad --mem: 65G is too large (the maximum is 64G)");
}

static void test_cpu(void **state)
{
	struct options o;
	char err[ERRLEN];

	(void)state;
	char *none[] = { "kvmrun", "app.elf", NULL };
	assert_int_equal(parse(ARGC(none), none, &o, err), OPTIONS_RUN);
	assert_int_equal(o.cpu, -1);
	char *zero[] = { "kvmrun", "--cpu=0", "app.elf", NULL };
	assert_int_equal(parse(ARGC(zero), zero, &o, err), OPTIONS_RUN);
	assert_int_equal(o.cpu, 0);
	char *last[] = { "kvmrun", "--cpu=1023", "app.elf", NULL };
	assert_int_equal(parse(ARGC(last), last, &o, err), OPTIONS_RUN);
	assert_int_equal(o.cpu, 1023);
	static const char *bad[] = { "--cpu=", "--cpu=-1", "--cpu=+1", "--cpu=1024", "--cpu=x",
				     "--cpu=1x", "--cpu=99999999999999999999" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *a[] = { "kvmrun", (char *)bad[i], "app.elf", NULL };
		assert_int_equal(parse(ARGC(a), a, &o, err), OPTIONS_ERROR);
		assert_contains(err, "bad --cpu: '");
		assert_contains(err, "': a host CPU number, 0 to 1023");
	}
}

static void test_unknown_option(void **state)
{
	struct options o;
	char err[ERRLEN];

	(void)state;
	char *a[] = { "kvmrun", "--frobnicate", "app.elf", NULL };
	assert_int_equal(parse(ARGC(a), a, &o, err), OPTIONS_ERROR);
	assert_contains(err, "unknown option '--frobnicate' (see kvmrun --help)");

	char *b[] = { "kvmrun", "-x", "app.elf", NULL };
	assert_int_equal(parse(ARGC(b), b, &o, err), OPTIONS_ERROR);
	assert_contains(err, "unknown option '-x'");

	char *c[] = { "kvmrun", "--memory=8M", "app.elf", NULL };
	assert_int_equal(parse(ARGC(c), c, &o, err), OPTIONS_ERROR);
	assert_contains(err, "unknown option '--memory=8M'");

	char *d[] = { "kvmrun", "--mem8M", "app.elf", NULL };
	assert_int_equal(parse(ARGC(d), d, &o, err), OPTIONS_ERROR);
	assert_contains(err, "unknown option '--mem8M'");

	char *e[] = { "kvmrun", "-help", "app.elf", NULL };
	assert_int_equal(parse(ARGC(e), e, &o, err), OPTIONS_ERROR);
	assert_contains(err, "unknown option '-help'");
}

static void test_double_dash(void **state)
{
	struct options o;
	char err[ERRLEN];

	(void)state;
	char *a[] = { "kvmrun", "--mem=8M", "--", "--mem=16M", "--", "-h", NULL };
	assert_int_equal(parse(ARGC(a), a, &o, err), OPTIONS_RUN);
	assert_int_equal(o.mem_size, 8ull << 20);
	assert_ptr_equal(o.app_path, a[3]);
	assert_string_equal(o.app_path, "--mem=16M");
	assert_int_equal(o.app_argc, 3);
	assert_ptr_equal(o.app_argv, &a[3]);
	assert_string_equal(o.app_argv[1], "--");
	assert_string_equal(o.app_argv[2], "-h");

	/* A lone "-" is an app path, not an option. */
	char *b[] = { "kvmrun", "-", "x", NULL };
	assert_int_equal(parse(ARGC(b), b, &o, err), OPTIONS_RUN);
	assert_string_equal(o.app_path, "-");
	assert_int_equal(o.app_argc, 2);
}

static void test_app_args_verbatim(void **state)
{
	struct options o;
	char err[ERRLEN];

	(void)state;
	char *a[] = { "kvmrun", "--mem", "4M", "apps/hello64.elf", "--mem=1", "-h",
		      "--version", "--", "", "--bogus", "plain arg", NULL };
	assert_int_equal(parse(ARGC(a), a, &o, err), OPTIONS_RUN);
	assert_int_equal(o.mem_size, 4ull << 20);
	assert_ptr_equal(o.app_path, a[3]);
	assert_string_equal(o.app_path, "apps/hello64.elf");
	assert_int_equal(o.app_argc, 8);
	assert_ptr_equal(o.app_argv, &a[3]);
	/* The very same strings, in order, NULL-terminated. */
	for (int i = 0; i < o.app_argc; i++)
		assert_ptr_equal(o.app_argv[i], a[3 + i]);
	assert_null(o.app_argv[8]);
	assert_string_equal(o.app_argv[5], "");
}

static void test_reset_between_calls(void **state)
{
	struct options o;
	char err[ERRLEN];

	(void)state;
	char *a[] = { "kvmrun", "--mem=8M", "one.elf", NULL };
	assert_int_equal(parse(ARGC(a), a, &o, err), OPTIONS_RUN);
	char *b[] = { "kvmrun", "two.elf", NULL };
	assert_int_equal(parse(ARGC(b), b, &o, err), OPTIONS_RUN);
	assert_int_equal(o.mem_size, MEM_DEFAULT);
	assert_string_equal(o.app_path, "two.elf");
	assert_int_equal(o.app_argc, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_plain),
		cmocka_unit_test(test_size_suffixes),
		cmocka_unit_test(test_size_empty),
		cmocka_unit_test(test_size_no_digits),
		cmocka_unit_test(test_size_unknown_suffix),
		cmocka_unit_test(test_size_trailing),
		cmocka_unit_test(test_size_overflow),
		cmocka_unit_test(test_mem_min),
		cmocka_unit_test(test_mem_max),
		cmocka_unit_test(test_mem_align),
		cmocka_unit_test(test_mem_parse_error),
		cmocka_unit_test(test_duration_units),
		cmocka_unit_test(test_duration_rounds_up),
		cmocka_unit_test(test_timeout_option),
		cmocka_unit_test(test_no_args),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_mem_equals),
		cmocka_unit_test(test_mem_separate),
		cmocka_unit_test(test_mem_missing),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_mem_bad_value),
		cmocka_unit_test(test_cpu),
		cmocka_unit_test(test_unknown_option),
		cmocka_unit_test(test_double_dash),
		cmocka_unit_test(test_app_args_verbatim),
		cmocka_unit_test(test_reset_between_calls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
