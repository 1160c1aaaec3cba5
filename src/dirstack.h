/*
 * dirstack: the directories of a walk, source and destination, from the
 * command-line one down to the one being copied, holding descriptors for
 * a bounded number of them whatever the depth.
 */
#ifndef ZCP_DIRSTACK_H
#define ZCP_DIRSTACK_H

#include <sys/types.h>
#include <stdbool.h>

struct batch;
struct loc;
struct pool;
struct stat;

enum { DIR_SRC, DIR_DST };

/*
 * One directory of the walk and its copy, and what they are (dev, ino).
 * A parked level has closed its descriptors, to reopen and check them
 * later; a lost one could not be reopened as the same directories.
 */
struct level {
	struct level	 *parent;
	const struct loc *at[2];	/* their names in the parent's */
	int		  fd[2];	/* -1 when parked or lost */
	int		  flags[2];	/* openat's flags for them */
	dev_t		  dev[2];
	ino_t		  ino[2];
	bool		  parked;
	bool		  lost;
	struct batch	 *batch;	/* its files handed out (-j), or NULL */
};

struct dirstack {
	struct level	*cur;		/* the deepest */
	int		 open;		/* levels with their descriptors */
	int		 budget;	/* at most so many; 0 until known */
	struct pool	*pool;		/* -j's, whose items use the fds */
};

void	 dirs_push(struct dirstack *, struct level *, const struct stat *,
	    const struct stat *);
bool	 dirs_within(const struct dirstack *, const struct stat *);
int	 dirs_fd(struct dirstack *, struct level *, int);
int	 dirs_return(struct dirstack *, struct level *, int [2]);
void	 dirs_pop(struct dirstack *, struct level *);

#endif
