/*
 * probe: what the kernel already said, so a tree of files does not ask
 * again for every file.  The only mutable state zcp keeps across pairs
 * besides its statistics.
 */
#ifndef ZCP_PROBE_H
#define ZCP_PROBE_H

#include "fdinfo.h"
#include "methods.h"

struct probes;

struct probes	*probes_new(void);
void		 probes_free(struct probes *);
int		 probes_lookup(struct probes *, enum method_id,
		    const struct fdinfo *, const struct fdinfo *,
		    const char **);
bool		 probes_remember(struct probes *, enum method_id,
		    const struct fdinfo *, const struct fdinfo *, int,
		    const char *);
long		 probes_fsmagic(struct probes *, const struct fdinfo *);

#endif
