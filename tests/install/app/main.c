/* Reads numbers from stdin, one per line, and prints their count, mean
 * and standard deviation, and its first argument. */
#include <stdio.h>
#include <stdlib.h>

#include "stats.h"

int main(int argc, char **argv)
{
	double *v = NULL;
	size_t n = 0, cap = 0;
	char line[128];

	while (fgets(line, sizeof line, stdin)) {
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			v = realloc(v, cap * sizeof *v);
			if (!v)
				return 1;
		}
		v[n++] = strtod(line, NULL);
	}
	printf("%s: n=%zu mean=%.4f sd=%.4f (%zu-bit)\n", argc > 1 ? argv[1] : "stats", n, mean(v, n),
	       stddev(v, n), sizeof(void *) * 8);
	free(v);
	return 0;
}
