/*
 * dirstack: a walk holds two directory descriptors a level, the source's
 * and the destination's, so a tree 1 100 levels deep would need more than
 * the common RLIMIT_NOFILE of 1 024 (cp names files by their whole path
 * and has no such limit).  Past a budget of levels, the oldest open one
 * is parked: its descriptors are closed, and what they were (device,
 * inode) kept.  Coming back to it, as fts does, it is reopened as ".."
 * of its child, or failing that (the child was reached through a symlink,
 * or was moved) by its name in its parent, and it must be the same
 * directory: a tree changed underneath never redirects the copy.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "cp.h"
#include "diag.h"
#include "dirstack.h"
#include "pool.h"

/* 16 levels deep covers nearly every tree without parking. */
#define LEVELS_MAX	16

/*
 * What else may be open at once beside the levels: stdio, the engine's
 * two files, --atomic's directory, the directory being read, a new
 * level's pair before the oldest is parked, and a margin.
 */
#define FDS_OTHER	16

static int
levels_budget(void)
{
	struct rlimit rl;
	rlim_t n;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 ||
	    rl.rlim_cur == RLIM_INFINITY)
		return LEVELS_MAX;
	n = rl.rlim_cur > FDS_OTHER + 2 ? (rl.rlim_cur - FDS_OTHER) / 2 : 1;
	return n > LEVELS_MAX ? LEVELS_MAX : (int)n;
}

static bool
is_open(const struct level *lv)
{
	return !lv->parked && !lv->lost;
}

/*
 * The level's descriptors closed, once the files handed out from it
 * (-j), which name their files in them, are done.
 */
static void
park(struct dirstack *ds, struct level *lv)
{
	int i;

	if (lv->batch != NULL)
		(void)pool_wait(ds->pool, lv->batch);

	for (i = 0; i < 2; i++) {
		(void)close(lv->fd[i]);
		lv->fd[i] = -1;
	}
	lv->parked = true;
	ds->open--;
}

/*
 * lv, opened with both descriptors, which are the directories sst and dst,
 * is the deepest now.  The nearest levels stay open: the walk comes back
 * to them first.
 */
void
dirs_push(struct dirstack *ds, struct level *lv, const struct stat *sst,
    const struct stat *dst)
{
	struct level *up;
	int keep;

	lv->dev[DIR_SRC] = sst->st_dev;
	lv->ino[DIR_SRC] = sst->st_ino;
	lv->dev[DIR_DST] = dst->st_dev;
	lv->ino[DIR_DST] = dst->st_ino;
	if (ds->budget == 0)
		ds->budget = levels_budget();
	lv->parent = ds->cur;
	lv->parked = lv->lost = false;
	ds->cur = lv;
	ds->open++;
	for (up = lv, keep = ds->budget; ds->open > ds->budget && up != NULL;
	    up = up->parent)
		if (is_open(up) && keep-- <= 0)
			park(ds, up);
}

/* Whether the walk is in the source directory st (cp's is_ancestor). */
bool
dirs_within(const struct dirstack *ds, const struct stat *st)
{
	const struct level *lv;

	for (lv = ds->cur; lv != NULL; lv = lv->parent)
		if (lv->dev[DIR_SRC] == st->st_dev &&
		    lv->ino[DIR_SRC] == st->st_ino)
			return true;
	return false;
}

/* fd if it is lv's directory on side i, else -1 (errno 0: another one). */
static int
same_dir(const struct level *lv, int i, int fd)
{
	struct stat st;
	int err;

	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		err = errno;
	else if (st.st_dev == lv->dev[i] && st.st_ino == lv->ino[i])
		return fd;
	else
		err = 0;
	(void)close(fd);
	errno = err;
	return -1;
}

static int	reopen(struct dirstack *, struct level *, const struct level *);

/* lv's side i by its name in its parent, itself reopened for it a while. */
static int
by_name(struct dirstack *ds, struct level *lv, int i)
{
	struct level *up = lv->parent;
	bool was_parked = up != NULL && up->parked;
	int pfd, fd, err;

	if (up != NULL && !is_open(up) && reopen(ds, up, NULL) == -1)
		return -1;
	pfd = up == NULL ? lv->at[i]->dirfd : up->fd[i];
	fd = same_dir(lv, i, openat(pfd, lv->at[i]->name, lv->flags[i]));
	err = errno;
	if (was_parked)
		park(ds, up);
	errno = err;
	return fd;
}

static void
lose(struct level *lv, int i, int err)
{
	const char *path = lv->at[i]->path;

	lv->lost = true;
	lv->parked = false;
	/* A parent that could not be reached has said so. */
	if (lv->parent != NULL && lv->parent->lost)
		return;
	if (err == 0)
		diag(0, "cannot return to directory %s, as it was moved or"
		    " replaced while being copied", quote(path));
	else
		diag(err, "cannot return to directory %s", quote(path));
}

/* A parked level open again, from its open child if there is one. */
static int
reopen(struct dirstack *ds, struct level *lv, const struct level *child)
{
	int i, fd, err;

	if (lv->lost)
		return -1;
	for (i = 0; i < 2; i++) {
		fd = -1;
		if (child != NULL && child->fd[i] >= 0)
			fd = same_dir(lv, i, openat(child->fd[i], "..",
			    lv->flags[i]));
		if (fd == -1 && (fd = by_name(ds, lv, i)) == -1) {
			err = errno;
			if (i == 1)
				(void)close(lv->fd[0]);
			lv->fd[0] = -1;
			lose(lv, i, err);
			return -1;
		}
		lv->fd[i] = fd;
	}
	lv->parked = false;
	ds->open++;
	return 0;
}

/* lv's descriptor for side i, reopened if need be; -1 once it is lost. */
int
dirs_fd(struct dirstack *ds, struct level *lv, int i)
{
	if (lv->parked && reopen(ds, lv, NULL) == -1)
		return -1;
	return lv->fd[i];
}

/*
 * Back from lv to its parent, whose descriptors go to pfd (left as they
 * are for the command-line level, which has no parent).
 */
int
dirs_return(struct dirstack *ds, struct level *lv, int pfd[2])
{
	struct level *up = lv->parent;

	if (up == NULL)
		return 0;
	if (up->parked && reopen(ds, up, lv) == -1)
		return -1;
	if (up->lost)
		return -1;
	pfd[DIR_SRC] = up->fd[DIR_SRC];
	pfd[DIR_DST] = up->fd[DIR_DST];
	return 0;
}

/* lv done: its descriptors closed, its parent the deepest again. */
void
dirs_pop(struct dirstack *ds, struct level *lv)
{
	int i;

	if (is_open(lv))
		ds->open--;
	for (i = 0; i < 2; i++)
		if (lv->fd[i] >= 0)
			(void)close(lv->fd[i]);
	ds->cur = lv->parent;
}
