/*
 * dest: the destination side of one copy, shared by tree.c and stdio.c.
 */
#ifndef ZCP_DEST_H
#define ZCP_DEST_H

#include <sys/stat.h>
#include <stdbool.h>

#include "cp.h"

enum verdict { PROCEED, SKIP, FAIL };

bool		 follows(const struct ctx *, bool);
bool		 as_regular(const struct ctx *, mode_t);
void		 verbose(const struct ctx *, const struct loc *,
		    const struct loc *, const char *);
enum verdict	 existing(struct ctx *, const struct loc *,
		    const struct stat *, const struct loc *, struct stat *,
		    bool *, char **, bool *, bool);
char		*backup_path(const struct loc *, const char *);
int		 open_dest(struct ctx *, const struct loc *, mode_t, bool,
		    bool *);
int		 finish_dest(const struct ctx *, const struct loc *, int, bool,
		    int);

#endif
