/*
 * pool: -j's worker threads, the work the walk hands them, and the order
 * in which what they say is printed.
 */
#ifndef ZCP_POOL_H
#define ZCP_POOL_H

#include <stdbool.h>
#include <sys/types.h>

struct ahead;
struct engine;
struct pool;

/*
 * The work items handed out from one directory: it waits for them all
 * before its own mode and times are set (pool_wait).
 */
struct batch {
	unsigned	 pending;
	int		 rc;		/* 0, or the first failure's -1 */
};

/* A work item: copy one entry with engine e; 0 or -1. */
typedef int	(*pool_fn)(struct engine *e, void *arg);

unsigned	 cpus_available(void);
struct pool	*pool_new(struct engine *, unsigned);
void		 pool_free(struct pool *);
bool		 pool_submit(struct pool *, struct batch *, pool_fn, void *);
void		 pool_flush(struct pool *);
int		 pool_wait(struct pool *, struct batch *);
void		 pool_drain(struct pool *);
bool		 pool_settled(struct pool *, dev_t, dev_t);
void		 pool_settle(struct pool *, dev_t, dev_t);
struct ahead	*pool_ahead(struct pool *);

#endif
