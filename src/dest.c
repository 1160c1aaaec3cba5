/*
 * dest: what is at a destination and what cp does about it: go on, skip
 * it quietly or refuse; the backup; -v's lines; opening, syncing and
 * closing a destination written in place.  For tree.c and stdio.c.
 */
#include "config.h"

#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cp.h"
#include "dest.h"
#include "diag.h"
#include "fdinfo.h"

bool
follows(const struct ctx *c, bool cmdline)
{
	return c->o->deref == DEREF_ALWAYS ||
	    (c->o->deref == DEREF_COMMAND_LINE && cmdline);
}

/* Without -r, or with --copy-contents, special files are read as data. */
bool
as_regular(const struct ctx *c, mode_t mode)
{
	if (S_ISREG(mode))
		return true;
	return (!c->o->recursive || c->o->copy_contents) && !S_ISDIR(mode) &&
	    !S_ISLNK(mode);
}

void
verbose(const struct ctx *c, const struct loc *s, const struct loc *d,
    const char *backup)
{
	FILE *out = strcmp(c->top_dst, "-") == 0 ? stderr : stdout;

	if (!c->o->verbose)
		return;
	fprintf(out, "%s -> %s", quote_n(0, s->path), quote_n(1, d->path));
	if (backup != NULL)
		fprintf(out, " (backup: %s)", quote_n(2, backup));
	fputc('\n', out);
}

/* cp's yesno(): a line from standard input that starts with y or Y. */
static bool
yes(void)
{
	char *line = NULL;
	size_t cap = 0;
	bool y;

	fflush(stderr);
	y = getline(&line, &cap, stdin) > 0 && (line[0] == 'y' ||
	    line[0] == 'Y');
	free(line);
	return y;
}

static bool
ask_overwrite(const struct ctx *c, const struct loc *d, const struct stat *dst)
{
	char perms[11];

	if (!c->root && !S_ISLNK(dst->st_mode) &&
	    faccessat(d->dirfd, d->name, W_OK, AT_EACCESS) == -1 &&
	    errno == EACCES) {
		strmode(dst->st_mode, perms);
		perms[10] = '\0';
		fprintf(stderr, "zcp: unwritable %s (mode %04o, %s); try"
		    " anyway? ", quote(d->path), dst->st_mode & 07777,
		    perms + 1);
	} else
		fprintf(stderr, "zcp: overwrite %s? ", quote(d->path));
	return yes();
}

/*
 * cp's same_file_ok: the names lead to one file, or copying a symlink
 * would make the destination point at itself.  The special case of
 * "cp -fb f f" (back the file up, copy the backup) is allowed.
 */
static bool
same_file(const struct ctx *c, const struct loc *s, const struct stat *sst,
    const struct stat *dst)
{
	struct stat deep;

	if (sst->st_dev == dst->st_dev && sst->st_ino == dst->st_ino)
		return !(c->o->force && c->o->backup != BACKUP_NONE &&
		    S_ISREG(sst->st_mode));
	if (!S_ISLNK(sst->st_mode) || S_ISLNK(dst->st_mode))
		return false;
	return fstatat(s->dirfd, s->name, &deep, 0) == 0 &&
	    deep.st_dev == dst->st_dev && deep.st_ino == dst->st_ino;
}

static bool
is_newer_or_same(const struct stat *dst, const struct stat *src)
{
	if (dst->st_mtim.tv_sec != src->st_mtim.tv_sec)
		return dst->st_mtim.tv_sec > src->st_mtim.tv_sec;
	return dst->st_mtim.tv_nsec >= src->st_mtim.tv_nsec;
}

/*
 * The destination exists: whether cp goes on, skips it quietly (-n, -u,
 * a "no" to -i), or refuses.  Nothing is changed yet.
 */
static enum verdict
may_replace(struct ctx *c, const struct loc *s, const struct stat *sst,
    const struct loc *d, const struct stat *dst)
{
	const struct cpopts *o = c->o;
	bool sdir = S_ISDIR(sst->st_mode), ddir = S_ISDIR(dst->st_mode);
	struct stat deep;

	if (same_file(c, s, sst, dst)) {
		diag(0, "%s and %s are the same file", quote_n(0, s->path),
		    quote_n(1, d->path));
		return FAIL;
	}
	if (!ddir && o->clobber == CLOBBER_NO)
		return SKIP;
	if (!ddir && !sdir && seen_was_made(c->seen, dst->st_dev,
	    dst->st_ino)) {
		diag(0, "will not overwrite just-created %s with %s",
		    quote_n(0, d->path), quote_n(1, s->path));
		return FAIL;
	}
	if (!sdir && o->update && is_newer_or_same(dst, sst))
		return SKIP;
	if (!sdir && o->clobber == CLOBBER_ASK && !ask_overwrite(c, d, dst))
		return SKIP;
	if (ddir && !sdir) {
		diag(0, "cannot overwrite directory %s with non-directory",
		    quote(d->path));
		return FAIL;
	}
	if (sdir && !ddir && !(o->keep_dir_symlink &&
	    S_ISLNK(dst->st_mode) && fstatat(d->dirfd, d->name, &deep, 0) ==
	    0 && S_ISDIR(deep.st_mode))) {
		diag(0, "cannot overwrite non-directory %s with directory %s",
		    quote_n(0, d->path), quote_n(1, s->path));
		return FAIL;
	}
	return PROCEED;
}

/*
 * Make way for a file over an existing non-directory: the backup, or
 * removing what is not written through.  *backup gets the backup's name;
 * *to_backup says the copy goes there instead (cp -fb f f).
 */
static enum verdict
make_way(struct ctx *c, const struct stat *sst, const struct loc *d,
    const struct stat *dst, bool *have_dst, char **backup, bool *to_backup,
    bool atomic)
{
	const struct cpopts *o = c->o;

	if (o->backup != BACKUP_NONE) {
		if ((*backup = backup_name(d->dirfd, d->name, o->backup,
		    o->suffix)) == NULL) {
			diag(errno, "cannot backup %s", quote(d->path));
			return FAIL;
		}
		*have_dst = false;
		/* cp -fb f f: the backup is a new copy of f; f stays. */
		if (sst->st_dev == dst->st_dev && sst->st_ino == dst->st_ino) {
			*to_backup = true;
			return PROCEED;
		}
		if (atomic)
			switch (atomic_backup(d, *backup)) {
			case 0:
				*have_dst = true;
				return PROCEED;
			case 1:
				return PROCEED;
			}
		else if (renameat(d->dirfd, d->name, d->dirfd, *backup) == 0)
			return PROCEED;
		diag(errno, "cannot backup %s", quote(d->path));
		return FAIL;
	}
	if (atomic)
		return PROCEED;
	/*
	 * Only a regular file is written through; others replace what is
	 * there.  A link (-l, -s) replaces a file only when forced.
	 */
	if (o->remove_dest || ((o->hard_link || o->symbolic_link) ?
	    o->force : !as_regular(c, sst->st_mode))) {
		if (unlinkat(d->dirfd, d->name, 0) == -1) {
			diag(errno, "cannot remove %s", quote(d->path));
			return FAIL;
		}
		if (o->remove_dest && o->verbose)
			printf("removed %s\n", quote(d->path));
		*have_dst = false;
	}
	return PROCEED;
}

/*
 * The destination exists: decide like cp whether to go on, skip it or
 * fail, and make the backup or remove the old file when going on needs
 * it.  *backup gets the backup's name.
 */
enum verdict
existing(struct ctx *c, const struct loc *s, const struct stat *sst,
    const struct loc *d, struct stat *dst, bool *have_dst, char **backup,
    bool *to_backup, bool atomic)
{
	enum verdict v = may_replace(c, s, sst, d, dst);

	if (v != PROCEED || S_ISDIR(sst->st_mode) || S_ISDIR(dst->st_mode))
		return v;
	return make_way(c, sst, d, dst, have_dst, backup, to_backup, atomic);
}

/* The backup of the destination, as a path for messages. */
char *
backup_path(const struct loc *d, const char *backup)
{
	size_t dir = (size_t)(last_component(d->path) - d->path);
	char *p;

	if (backup == NULL)
		return NULL;
	if (asprintf(&p, "%.*s%s", (int)dir, d->path,
	    last_component(backup)) == -1)
		return NULL;
	return p;
}

/*
 * Returns the descriptor; *created says whether it is a new file, made
 * with mode (before the umask).
 */
int
open_dest(struct ctx *c, const struct loc *d, mode_t mode, bool have_dst,
    bool *created)
{
	struct stat lst;
	int fd, fl = O_WRONLY | O_CLOEXEC | O_NOCTTY;

	*created = false;
	if (have_dst) {
		if ((fd = openat(d->dirfd, d->name, fl)) != -1)
			return fd;
		if (!c->o->force) {
			/* cp 9.1 words it so for an existing file too. */
			diag(errno, "cannot create regular file %s",
			    quote(d->path));
			return -1;
		}
		if (unlinkat(d->dirfd, d->name, 0) == -1) {
			diag(errno, "cannot remove %s", quote(d->path));
			return -1;
		}
		if (c->o->verbose)
			printf("removed %s\n", quote(d->path));
	}
	fd = openat(d->dirfd, d->name, fl | O_CREAT | O_EXCL, mode);
	if (fd != -1) {
		*created = true;
		return fd;
	}
	if (errno == EEXIST && fstatat(d->dirfd, d->name, &lst,
	    AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(lst.st_mode))
		diag(0, "not writing through dangling symlink %s",
		    quote(d->path));
	else if (errno == EISDIR && d->path[strlen(d->path) - 1] == '/')
		diag(ENOTDIR, "cannot create regular file %s", quote(d->path));
	else
		diag(errno, "cannot create regular file %s", quote(d->path));
	return -1;
}

/* A destination written in place: --sync, then close, then its name. */
int
finish_dest(const struct ctx *c, const struct loc *d, int dfd, bool created,
    int rc)
{
	if (rc == 0 && c->o->sync && sync_file(dfd, d->path) == -1)
		rc = -1;
	if (close(dfd) == -1 && rc == 0) {
		diag(errno, "failed to close %s", quote(d->path));
		rc = -1;
	}
	if (rc == 0 && created && c->o->sync && sync_parent(d) == -1)
		rc = -1;
	return rc;
}
