/*
 * options: the command line, from one table that also makes --help.
 */
#ifndef ZCP_OPTIONS_H
#define ZCP_OPTIONS_H

#include "cp.h"
#include "engine.h"
#include "stats.h"

struct options {
	struct engine_conf	 engine;
	struct cpopts		 cp;
	enum stats_format	 stats;		/* --stats */
	const char		*stats_file;
	bool			 progress;
	int			 noperands;
	char			**operands;
};

#define OPTIONS_EXIT	1	/* --help or --version printed: exit 0 */

int	 options_scan(int, char **, struct options *);
int	 options_parse(int, char **, struct options *);

#endif
