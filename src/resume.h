/*
 * resume: --resume's comparison of a destination with the source's first
 * bytes, for the engine.
 */
#ifndef ZCP_RESUME_H
#define ZCP_RESUME_H

#include <sys/types.h>
#include <stdbool.h>

#include "fdinfo.h"

/* Which end a failed read was of. */
enum resume_side {
	RESUME_SRC,
	RESUME_DST
};

int	 resume_same(const struct fdinfo *, const struct fdinfo *, off_t,
	    char *, bool, bool *, unsigned long *, enum resume_side *);

#endif
