/*
 * dest: the destination side of one copy, shared by tree.c and stdio.c.
 */
#ifndef ZCP_DEST_H
#define ZCP_DEST_H

#include <sys/stat.h>
#include <stdbool.h>

#include "cp.h"
#include "fdinfo.h"

enum verdict {
	PROCEED,
	SKIP,		/* quietly: -n, a "no" to -i, nothing to do */
	UPTODATE,	/* -u: the destination is not older */
	FAIL
};

/*
 * A destination through its life.  What is there is looked at by the
 * caller (tree.c or stdio.c, each by its rule) and judged by cp's rules
 * (dest_decide: go on, skip, refuse; the backup; the removal).  A file
 * written by name is then opened, in place or as an --atomic temporary
 * (dest_open), made ready for the data (dest_prepare: not the source,
 * not refused whole by a forced method, emptied), and finished:
 * published or closed, synced, its bytes counted (dest_finish).
 */
struct dest {
	struct loc	 loc;		/* where; .loop learnt on the way */
	bool		 cmdline;	/* a command-line name */
	bool		 have_old;	/* something is there: old */
	struct stat	 old;
	bool		 atomic;	/* written aside, published whole */
	char		*backup;	/* the old file's backup name, or NULL */
	int		 fd;		/* open: the file written */
	bool		 created;	/* made now, so empty */
	struct atomic	 at;
	struct fdinfo	 fi;		/* as the engine sees it */
};

bool		 dereferences(const struct copier *, bool);
bool		 read_as_data(const struct copier *, mode_t);
void		 removed(const struct loc *);
void		 verbose(const struct copier *, const struct loc *,
		    const struct loc *, const char *);
void		 debug_copied(const struct copier *);
void		 debug_skipped(const struct copier *, const struct loc *);
enum verdict	 dest_decide(struct dest *, struct copier *,
		    const struct loc *, const struct stat *);
int		 dest_open(struct dest *, struct copier *, mode_t);
int		 dest_prepare(struct dest *, struct copier *, struct fdinfo *,
		    mode_t, const char *);
int		 dest_resume(struct copier *, struct fdinfo *, struct fdinfo *,
		    const char *);
int		 dest_finish(struct dest *, struct copier *, int, off_t);
int		 entry_dir(const struct loc *, struct stat *, int);
bool		 same_entry(const struct loc *, const struct loc *);
bool		 same_inode(const struct stat *, const struct stat *);
char		*backup_path(const struct loc *, const char *);

#endif
