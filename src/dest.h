/*
 * dest: the destination side of one copy, shared by tree.c and stdio.c.
 */
#ifndef ZCP_DEST_H
#define ZCP_DEST_H

#include <sys/stat.h>
#include <stdbool.h>

#include "cp.h"

enum verdict {
	PROCEED,
	SKIP,		/* quietly: -n, a "no" to -i, nothing to do */
	UPTODATE,	/* -u: the destination is not older */
	FAIL
};

/* What existing() left at the destination. */
struct existing {
	bool	 have_dst;	/* something is still there */
	char	*backup;	/* the backup's name in d's directory, or NULL */
};

bool		 dereferences(const struct copier *, bool);
bool		 read_as_data(const struct copier *, mode_t);
void		 removed(const struct loc *);
void		 verbose(const struct copier *, const struct loc *,
		    const struct loc *, const char *);
enum verdict	 existing(struct copier *, const struct loc *,
		    const struct stat *, const struct loc *,
		    const struct stat *, bool, bool, struct existing *);
int		 entry_dir(const struct loc *, struct stat *, int);
bool		 same_entry(const struct loc *, const struct loc *);
char		*backup_path(const struct loc *, const char *);
int		 open_dest(struct copier *, const struct loc *, mode_t, bool,
		    bool *);
int		 finish_dest(const struct copier *, const struct loc *, int, bool,
		    int);

#endif
