/*
 * bench: --bench, one SOURCE copied to one DEST again and again, with
 * auto and with each method of the pair's chain, and a table of times.
 */
#ifndef ZCP_BENCH_H
#define ZCP_BENCH_H

#include <stdbool.h>
#include <stdio.h>

struct options;

/* Returns the exit status; the report goes to out, or to stdout. */
int	 bench_main(const struct options *, bool, FILE *);

#endif
