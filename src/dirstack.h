/*
 * dirstack: the directories of a walk, source and destination, from the
 * command-line one down to the one being copied, holding descriptors for
 * a bounded number of them whatever the depth.
 */
#ifndef ZCP_DIRSTACK_H
#define ZCP_DIRSTACK_H

#include <sys/types.h>
#include <stdbool.h>

struct loc;

enum { DIR_SRC, DIR_DST };

/*
 * One directory of the walk and its copy.  A parked level has closed its
 * descriptors and kept what they were (dev, ino) to reopen and check
 * them; a lost one could not be reopened as the same directories.
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
};

struct dirstack {
	struct level	*cur;		/* the deepest */
	int		 open;		/* levels with their descriptors */
	int		 budget;	/* at most so many; 0 until known */
};

void	 dirs_push(struct dirstack *, struct level *);
int	 dirs_fd(struct dirstack *, struct level *, int);
int	 dirs_return(struct dirstack *, struct level *, int [2]);
void	 dirs_pop(struct dirstack *, struct level *);

#endif
