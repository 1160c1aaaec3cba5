/*
 * prewalk: a quick walk of the sources before the copy, so that the meter
 * can show a total.  It follows cp's rules only as far as a meter needs:
 * symbolic links followed or not (-L, -H), -x, what -r recreates rather
 * than reads.  Hard links kept by -a, files skipped by -n or -u count in
 * full: the meter may then end short of 100%.
 */
#include "config.h"

#include <sys/stat.h>
#include <fcntl.h>
#include <fts.h>
#include <string.h>
#include <unistd.h>

#include "dest.h"
#include "prewalk.h"

/* What a copy of st moves: its data, not its holes (--sparse=auto). */
static off_t
data_bytes(const struct stat *st, bool keep_holes)
{
	off_t alloc = (off_t)st->st_blocks * 512;

	return keep_holes && alloc < st->st_size ? alloc : st->st_size;
}

/* What the copy reads as data (dest.c's rule), and how much of it. */
static void
add(const struct copier *c, bool holes, const struct stat *st,
    struct amount *t)
{
	if (!read_as_data(c, st->st_mode))
		return;
	t->files++;
	if (!S_ISREG(st->st_mode))
		t->bytes = -1;	/* a FIFO or a device: no telling how much */
	else if (t->bytes >= 0 && !c->o->attr_only)
		t->bytes += data_bytes(st, holes);
}

static void
walk(const struct copier *c, bool holes, char *path, bool follow,
    struct amount *t)
{
	char *paths[] = { path, NULL };
	int flags = FTS_NOCHDIR;
	FTSENT *e;
	FTS *fts;

	flags |= c->o->deref == DEREF_ALWAYS ? FTS_LOGICAL : FTS_PHYSICAL;
	if (follow)
		flags |= FTS_COMFOLLOW;
	if (c->o->one_fs)
		flags |= FTS_XDEV;
	if ((fts = fts_open(paths, flags, NULL)) == NULL)
		return;
	while ((e = fts_read(fts)) != NULL)
		if (e->fts_info != FTS_DP && e->fts_info != FTS_NS &&
		    e->fts_info != FTS_ERR && e->fts_info != FTS_DNR &&
		    e->fts_statp != NULL)
			add(c, holes, e->fts_statp, t);
	fts_close(fts);
}

/*
 * Standard input as a source: what is left from its offset, if a file;
 * with holes kept, no more than its data.
 */
static void
add_stdin(bool holes, struct amount *t)
{
	struct stat st;
	off_t at, left;

	t->files++;
	if (fstat(STDIN_FILENO, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (at = lseek(STDIN_FILENO, 0, SEEK_CUR)) == -1) {
		t->bytes = -1;
		return;
	}
	left = st.st_size > at ? st.st_size - at : 0;
	if (holes && data_bytes(&st, true) < left)
		left = data_bytes(&st, true);
	if (t->bytes >= 0)
		t->bytes += left;
}

/*
 * Whether holes are kept where the copy goes: standard output keeps
 * them only as a regular file past whose end zcp writes (engine.c's
 * rule); files zcp makes always do.
 */
static bool
dest_keeps_holes(const char *dst)
{
	struct stat st;
	off_t at;
	int fl;

	if (strcmp(dst, "-") != 0)
		return true;
	if (fstat(STDOUT_FILENO, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (fl = fcntl(STDOUT_FILENO, F_GETFL)) == -1 || (fl & O_APPEND) ||
	    (at = lseek(STDOUT_FILENO, 0, SEEK_CUR)) == -1)
		return false;
	return st.st_size <= at;
}

/*
 * The n operands as cp takes them: all sources with -t, else all but
 * the last.  holes: --sparse is not never, so holes are not moved.
 */
void
prewalk(const struct copier *c, bool holes, int n, char **ops,
    struct amount *t)
{
	const struct cpopts *o = c->o;
	bool follow = dereferences(c, true);
	struct stat st;
	int i, nsrc = o->target_dir != NULL ? n : n - 1;

	t->bytes = 0;
	t->files = 0;
	if (o->target_dir == NULL && n > 1 && !dest_keeps_holes(ops[n - 1]))
		holes = false;
	for (i = 0; i < nsrc; i++) {
		if (strcmp(ops[i], "-") == 0)
			add_stdin(holes, t);
		else if (fstatat(AT_FDCWD, ops[i], &st, follow ? 0 :
		    AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		else if (S_ISDIR(st.st_mode) && o->recursive)
			walk(c, holes, ops[i], follow, t);
		else
			add(c, holes, &st, t);
	}
}
