/*
 * probe: what the kernel already said, so a tree of files does not ask
 * again for every file.  The only mutable state zcp keeps across pairs
 * besides its statistics, reached only through these calls, each whole
 * by itself: one lock around each is enough to share it between threads.
 * The names of calls it returns are static strings.
 */
#ifndef ZCP_PROBE_H
#define ZCP_PROBE_H

#include "fdinfo.h"
#include "methods.h"

struct remembered;

struct remembered	*remembered_new(void);
struct remembered	*remembered_share(struct remembered *);
void		 remembered_free(struct remembered *);
int		 remembered_refusal(struct remembered *, enum method_id,
		    const struct fdinfo *, const struct fdinfo *,
		    const char **);
bool		 remember_refusal(struct remembered *, enum method_id,
		    const struct fdinfo *, const struct fdinfo *, int,
		    const char *);
long		 remembered_fsmagic(struct remembered *, const struct fdinfo *);

#endif
