/*
 * options: the command line, from one table that also makes --help.
 */
#ifndef ZCP_OPTIONS_H
#define ZCP_OPTIONS_H

#include "cp.h"
#include "engine.h"
#include "stats.h"

#define BENCH_ROUNDS	5		/* --bench's default */
#define BENCH_MAX_ROUNDS 100000

/* --bench: what the page cache holds of the source before each round. */
enum bench_cache {
	CACHE_ASIS,		/* whatever it holds */
	CACHE_COLD,		/* --cold: dropped before each round */
	CACHE_HOT		/* --hot: read once before the first */
};

struct options {
	struct engine_conf	 engine;
	struct cpopts		 cp;
	enum stats_format	 stats;		/* --stats */
	const char		*stats_file;
	bool			 progress;
	int			 bench;		/* --bench: rounds, or 0 */
	enum bench_cache	 bench_cache;
	bool			 bench_keep;	/* --keep */
	int			 noperands;
	char			**operands;
};

#define OPTIONS_EXIT	1	/* --help or --version printed: exit 0 */

int	 options_scan(int, char **, struct options *);
int	 options_parse(int, char **, struct options *);

#endif
