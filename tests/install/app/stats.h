#ifndef STATS_H
#define STATS_H

#include <stddef.h>

double mean(const double *v, size_t n);
double stddev(const double *v, size_t n);

#endif
