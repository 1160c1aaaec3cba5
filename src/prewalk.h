/*
 * prewalk: what the sources hold, counted by a quick walk before the
 * copy, for --progress's total.
 */
#ifndef ZCP_PREWALK_H
#define ZCP_PREWALK_H

#include <sys/types.h>
#include <stdbool.h>

#include "cp.h"

struct amount {
	off_t		 bytes;		/* -1: unknown (a pipe, a device) */
	unsigned long	 files;		/* regular files, and - */
};

void	 prewalk(const struct copier *, bool, int, char **, struct amount *);

#endif
