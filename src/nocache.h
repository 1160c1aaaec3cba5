/*
 * nocache: --nocache, a copy that leaves the page cache as it found it.
 */
#ifndef ZCP_NOCACHE_H
#define ZCP_NOCACHE_H

#include <sys/types.h>

#include "fdinfo.h"

/* Each end's fd is -1 where it has no page cache (pipes, sockets). */
struct nocache_end {
	int		 fd;
	off_t		 done;		/* dropped (and written out) up to
					 * here */
	off_t		 mark;		/* where the last step was */
	off_t		 pos;		/* the copy has reached here */
};

struct nocache {
	struct nocache_end src, dst;
	int		 err;		/* the write-out's first failure */
};

/* Most bytes one call may ask for, so that drops come in bounded steps. */
#define NOCACHE_STEP	((off_t)8 << 20)

void	 nocache_start(struct nocache *, const struct fdinfo *,
	    const struct fdinfo *);
void	 nocache_seek(struct nocache *, off_t, off_t);
void	 nocache_moved(struct nocache *, off_t);
int	 nocache_finish(struct nocache *);

#endif
