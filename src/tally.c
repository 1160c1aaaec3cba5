/*
 * tally: a quick walk of the sources before the copy, so that the meter
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

#include "tally.h"

/* What a copy of st moves: its data, not its holes (--sparse=auto). */
static off_t
data_bytes(const struct stat *st, bool keep_holes)
{
	off_t alloc = (off_t)st->st_blocks * 512;

	return keep_holes && alloc < st->st_size ? alloc : st->st_size;
}

static void
add(const struct cpopts *o, bool holes, const struct stat *st,
    struct tally *t)
{
	if (S_ISREG(st->st_mode)) {
		t->files++;
		if (t->bytes >= 0 && !o->attr_only)
			t->bytes += data_bytes(st, holes);
	} else if (!S_ISDIR(st->st_mode) && !S_ISLNK(st->st_mode) &&
	    (!o->recursive || o->copy_contents)) {
		/* A FIFO or a device read as data: no telling how much. */
		t->files++;
		t->bytes = -1;
	}
}

static void
walk(const struct cpopts *o, bool holes, char *path, bool follow,
    struct tally *t)
{
	char *paths[] = { path, NULL };
	int flags = FTS_NOCHDIR;
	FTSENT *e;
	FTS *fts;

	flags |= o->deref == DEREF_ALWAYS ? FTS_LOGICAL : FTS_PHYSICAL;
	if (follow)
		flags |= FTS_COMFOLLOW;
	if (o->one_fs)
		flags |= FTS_XDEV;
	if ((fts = fts_open(paths, flags, NULL)) == NULL)
		return;
	while ((e = fts_read(fts)) != NULL)
		if (e->fts_info != FTS_DP && e->fts_info != FTS_NS &&
		    e->fts_info != FTS_ERR && e->fts_info != FTS_DNR &&
		    e->fts_statp != NULL)
			add(o, holes, e->fts_statp, t);
	fts_close(fts);
}

/* Standard input as a source: what is left from its offset, if a file. */
static void
add_stdin(struct tally *t)
{
	struct stat st;
	off_t at;

	t->files++;
	if (fstat(STDIN_FILENO, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (at = lseek(STDIN_FILENO, 0, SEEK_CUR)) == -1) {
		t->bytes = -1;
		return;
	}
	if (t->bytes >= 0 && st.st_size > at)
		t->bytes += st.st_size - at;
}

/*
 * The n operands as cp takes them: all sources with -t, else all but
 * the last.  holes: --sparse is not never, so holes are not moved.
 */
void
tally_sources(const struct cpopts *o, bool holes, int n, char **ops,
    struct tally *t)
{
	bool follow = o->deref == DEREF_ALWAYS ||
	    o->deref == DEREF_COMMAND_LINE;
	struct stat st;
	int i, nsrc = o->target_dir != NULL ? n : n - 1;

	t->bytes = 0;
	t->files = 0;
	for (i = 0; i < nsrc; i++) {
		if (strcmp(ops[i], "-") == 0)
			add_stdin(t);
		else if (fstatat(AT_FDCWD, ops[i], &st, follow ? 0 :
		    AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		else if (S_ISDIR(st.st_mode) && o->recursive)
			walk(o, holes, ops[i], follow, t);
		else
			add(o, holes, &st, t);
	}
}
