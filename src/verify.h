/*
 * verify: --verify, each copy read back from the disk and compared with
 * its source.
 */
#ifndef ZCP_VERIFY_H
#define ZCP_VERIFY_H

#include <sys/types.h>
#include <stddef.h>

#include "fdinfo.h"

/* Bytes each pread asks for: two buffers of it are all the memory used. */
int	 verify_can(const struct fdinfo *, const struct fdinfo *);
int	 verify_pair(const struct fdinfo *, const struct fdinfo *, char *,
	    bool, off_t *);
void	 verify_trace_shared(const struct fdinfo *, const struct fdinfo *);

#endif
