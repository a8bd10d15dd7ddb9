/* Number parsing, the environment and small helpers of <stdlib.h>. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/* Parse an optionally signed number; saturates on overflow. */
static unsigned long long parse(const char *s, char **end, int base, int *negative,
				unsigned long long limit)
{
	const char *p = s;
	unsigned long long v = 0;
	int any = 0, overflow = 0;

	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	*negative = 0;
	if (*p == '-' || *p == '+')
		*negative = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    digit_value(p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = p[0] == '0' ? 8 : 10;
	}
	for (; digit_value(*p) < base; p++, any = 1) {
		unsigned d = (unsigned)digit_value(*p);
		if (v > (limit - d) / (unsigned)base)
			overflow = 1;
		else
			v = v * (unsigned)base + d;
	}
	if (end)
		*end = (char *)(any ? p : s);
	return overflow ? limit : v;
}

unsigned long long strtoull(const char *s, char **end, int base)
{
	int neg;
	unsigned long long v = parse(s, end, base, &neg, ULLONG_MAX);
	return neg ? -v : v;
}

unsigned long strtoul(const char *s, char **end, int base)
{
	int neg;
	unsigned long v = (unsigned long)parse(s, end, base, &neg, ULONG_MAX);
	return neg ? -v : v;
}

long strtol(const char *s, char **end, int base)
{
	int neg;
	unsigned long long v = parse(s, end, base, &neg, (unsigned long long)LONG_MAX + 1);
	if (neg)
		return v > (unsigned long long)LONG_MAX ? LONG_MIN : -(long)v;
	return v > (unsigned long long)LONG_MAX ? LONG_MAX : (long)v;
}

int atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}

int abs(int v)
{
	return v < 0 ? -v : v;
}

char *getenv(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || strchr(name, '='))
		return NULL;
	for (char **e = environ; e && *e; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}
