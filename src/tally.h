/*
 * tally: what the sources hold, counted before a copy, for --progress.
 */
#ifndef ZCP_TALLY_H
#define ZCP_TALLY_H

#include <sys/types.h>
#include <stdbool.h>

#include "cp.h"

struct tally {
	off_t		 bytes;		/* -1: unknown (a pipe, a device) */
	unsigned long	 files;		/* regular files, and - */
};

void	 tally_sources(const struct cpopts *, bool, int, char **,
	    struct tally *);

#endif
