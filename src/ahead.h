/*
 * ahead: reading ahead of -j's workers when a tree's files are not in
 * the page cache (a cold tree): the walk opens each file it hands out
 * and asks the kernel to start reading it (POSIX_FADV_WILLNEED), so
 * that many reads are under way at once, not one per worker.
 */
#ifndef ZCP_AHEAD_H
#define ZCP_AHEAD_H

#include <stdatomic.h>
#include <stdbool.h>
#include <sys/types.h>

/*
 * Shared by the walk and the workers (atomics: a hint, no order needed);
 * max is the walk's own.
 */
struct ahead {
	atomic_uint	 seen;		/* files opened by workers */
	atomic_bool	 cold;		/* a sampled file was not cached */
	atomic_int	 open;		/* opened ahead, not yet taken back */
	int		 max;		/* may be open at once; -1: not
					 * known yet */
	unsigned	 workers;	/* the pool's, once started */
};

void	 ahead_init(struct ahead *);
void	 ahead_probe(struct ahead *, int, off_t);
int	 ahead_open(struct ahead *, int, const char *, int);
void	 ahead_taken(struct ahead *);

#endif
