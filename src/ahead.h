/*
 * ahead: reading ahead of -j's workers when a tree's files are not in
 * the page cache (a cold tree): the walk opens each file it hands out
 * unlooked at (copy_quick's: in a directory it made, without -a's links,
 * -L, -l, -s or --attributes-only) and asks the kernel to start reading
 * it (POSIX_FADV_WILLNEED), so that many reads are under way at once,
 * not one per worker.
 */
#ifndef ZCP_AHEAD_H
#define ZCP_AHEAD_H

#include <stdatomic.h>
#include <stdbool.h>
#include <sys/types.h>

/*
 * Shared by the walk and the workers (atomics: a hint, no order needed);
 * max and fdcap are the walk's own.
 */
struct ahead {
	atomic_uint	 seen;		/* files sampled or passed over
					 * while the tree is not cold */
	atomic_bool	 cold;		/* a sampled file was not cached,
					 * and its copy read it */
	atomic_int	 open;		/* opened ahead, not yet taken back */
	int		 max;		/* may be open at once; -1: not
					 * known yet */
	int		 fdcap;		/* one numbered this or higher is
					 * given back */
	unsigned	 workers;	/* the pool's, once started */
};

void	 ahead_init(struct ahead *);
bool	 ahead_sample(struct ahead *, int, off_t);
void	 ahead_cold(struct ahead *);
int	 ahead_open(struct ahead *, int, const char *, int);
void	 ahead_start(int);
void	 ahead_taken(struct ahead *);

#endif
