/*
 * residency: how much of a file's range is in the page cache, for
 * --stats to say whether a copy was served from memory.
 */
#ifndef ZCP_RESIDENCY_H
#define ZCP_RESIDENCY_H

#include <sys/types.h>
#include <stdbool.h>

#include "fdinfo.h"

/*
 * The bytes of fi from its offset to its end that are cached, or -1;
 * *no_cachestat: cachestat(2) is known to be missing (set here).
 */
off_t	 residency(const struct fdinfo *, bool *);

#endif
