/*
 * sparse: find a file's data extents with SEEK_DATA/SEEK_HOLE.
 */
#ifndef ZCP_SPARSE_H
#define ZCP_SPARSE_H

#include <sys/types.h>
#include <stdbool.h>

#include "fdinfo.h"

bool	 sparse_has_holes(const struct fdinfo *);
int	 sparse_next(int, off_t, off_t *, off_t *);

#endif
