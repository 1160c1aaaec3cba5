/*
 * stdio: "-" as one end of a copy, standard input or output used as
 * inherited, with its offset; the other end follows cp's rules.
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

/*
 * Standard input or output as one end ("-"): the descriptor is used as
 * inherited, with its offset; the other end follows cp's rules.  cat's
 * rule stops "zcp f - >> f", which would only grow f.
 */
static int
stdio_same(const struct fdinfo *s, const struct fdinfo *d)
{
	if (!fdinfo_same_file(s, d))
		return 0;
	if (d->owned) {
		diag(0, "%s and %s are the same file", quote_n(0, s->name),
		    quote_n(1, d->name));
		return -1;
	}
	if (s->kind == FD_REGULAR && d->kind == FD_REGULAR &&
	    s->offset < s->st.st_size) {
		diag(0, "%s: input file is output file", s->name);
		return -1;
	}
	return 0;
}

static int
stdio_source(struct copier *c, const char *name, struct fdinfo *si)
{
	struct loc s = LOC_CWD(name);
	struct stat st;
	int fd;

	if (strcmp(name, "-") == 0) {
		if (c->std_closed[0]) {
			diag(EBADF, "error reading %s", quote(name));
			return -1;
		}
		fd = STDIN_FILENO;
	} else {
		if (fstatat(AT_FDCWD, name, &st, dereferences(c, true) ? 0 :
		    AT_SYMLINK_NOFOLLOW) == -1) {
			diag(errno, "cannot stat %s", quote(name));
			return -1;
		}
		if (S_ISDIR(st.st_mode) || S_ISLNK(st.st_mode)) {
			diag(0, S_ISDIR(st.st_mode) && !c->o->recursive ?
			    "-r not specified; omitting directory %s" :
			    "cannot copy %s to standard output",
			    quote(s.path));
			return -1;
		}
		if ((fd = open(name, O_RDONLY | O_NOCTTY | O_CLOEXEC)) == -1) {
			diag(errno, "cannot open %s for reading", quote(name));
			return -1;
		}
	}
	if (fdinfo_classify(si, fd, name, fd != STDIN_FILENO) == -1) {
		diag(errno, "cannot fstat %s", quote(name));
		goto fail;
	}
	if (si->kind == FD_DIRECTORY) {
		diag(EISDIR, "error reading %s", quote(name));
		goto fail;
	}
	/* As it would fail at the first read, but before a destination
	 * is truncated. */
	if (si->access == O_WRONLY) {
		diag(EBADF, "error reading %s", quote(name));
		goto fail;
	}
	return 0;
fail:
	if (fd != STDIN_FILENO)
		close(fd);
	return -1;
}

/*
 * The named destination of "zcp - DEST": cp's rules for what is there.
 * With --atomic, at gets the temporary (at->fd is -1 otherwise).
 */
static int
stdio_dest(struct copier *c, const struct fdinfo *si, const char *name,
    struct fdinfo *di, struct atomic *at, bool *created)
{
	struct loc s = { .dirfd = LOC_NOT_A_NAME, .name = "-", .path = "-" };
	struct loc d = LOC_CWD(name);
	struct existing e = { .have_dst = false };
	bool atomic;
	char *bpath;
	struct stat dst;
	mode_t mode = si->kind == FD_REGULAR ? si->st.st_mode : 0666;
	int fd;

	e.have_dst = fstatat(AT_FDCWD, name, &dst, c->o->backup !=
	    BACKUP_NONE || c->o->remove_dest ? AT_SYMLINK_NOFOLLOW : 0) == 0;
	atomic = atomic_applies(c, &d, e.have_dst ? &dst : NULL);
	if (e.have_dst)
		switch (existing(c, &s, &si->st, &d, &dst, true, atomic, &e)) {
		case SKIP:
		case UPTODATE:
			return 1;
		case FAIL:
			return -1;
		case PROCEED:
			break;
		}
	bpath = backup_path(&d, e.backup);
	verbose(c, &s, &d, bpath);
	free(bpath);
	free(e.backup);
	mode = c->o->no_mode ? 0666 : mode & 0777;
	if (atomic) {
		*created = !e.have_dst;
		fd = atomic_open(at, c, &d, e.have_dst ? &dst : NULL, mode) ==
		    0 ? at->fd : -1;
	} else
		fd = open_dest(c, &d, mode, e.have_dst, created);
	if (fd == -1)
		return -1;
	if (fdinfo_classify(di, fd, name, true) == -1) {
		diag(errno, "cannot fstat %s", quote(name));
		if (atomic)
			atomic_discard(at);
		else
			close(fd);
		return -1;
	}
	return 0;
}

/* The end of a copy to "-" or a named destination: publish, sync, close. */
static int
stdio_finish(struct copier *c, const struct fdinfo *di, struct atomic *at,
    bool created, int rc)
{
	if (at->fd != -1)
		return atomic_publish(at, rc);
	if (di->owned)
		return finish_dest(c, &LOC_CWD(di->name), di->fd, created, rc);
	if (rc == 0 && c->o->sync && (di->kind == FD_REGULAR ||
	    di->kind == FD_BLOCKDEV))
		return sync_file(di->fd, di->name);
	return rc;
}

/* Standard output as the destination, as inherited. */
static int
stdio_stdout(struct copier *c, const char *src, const char *dst,
    struct fdinfo *di)
{
	if (c->std_closed[1]) {
		diag(EBADF, "error writing %s", quote(dst));
		return -1;
	}
	if (fdinfo_classify(di, STDOUT_FILENO, dst, false) == -1) {
		diag(errno, "error writing %s", quote(dst));
		return -1;
	}
	/* As it would fail at the first write. */
	if (di->access == O_RDONLY) {
		diag(EBADF, "error writing %s", quote(dst));
		return -1;
	}
	verbose(c, &LOC_CWD(src), &LOC_CWD(dst), NULL);
	return 0;
}

/*
 * Truncate a named destination only now that it is known not to be the
 * source, and not to be refused whole by a forced method.
 */
static int
stdio_prepare(struct copier *c, const struct fdinfo *si, struct fdinfo *di)
{
	off_t size = di->st.st_size;

	if (stdio_same(si, di) == -1)
		return -1;
	if (c->o->attr_only || !di->owned || di->kind != FD_REGULAR)
		return 0;
	di->st.st_size = 0;
	if (engine_check(c->engine, si, di) == -1)
		return -1;
	if (size > 0 && ftruncate(di->fd, 0) == -1) {
		diag(errno, "cannot open %s for writing", quote(di->name));
		return -1;
	}
	return 0;
}

/*
 * -p and the like, from what standard input is, as cp -p /dev/stdin
 * takes them: to a named destination, before it is published.
 */
static int
stdio_meta(struct copier *c, const struct fdinfo *si, const struct fdinfo *di,
    bool created)
{
	struct loc s = { .dirfd = LOC_NOT_A_NAME, .name = "-", .path = "-" };
	const struct perm p = { &s, si->fd, ACL_UNKNOWN, 0 };

	if (!di->owned)
		return 0;
	return meta_preserve(c, &LOC_CWD(di->name), di->fd, &si->st,
	    created && !c->o->no_mode ? META_CREATED : 0, &p);
}

int
copy_stdio(struct copier *c, const char *src, const char *dst)
{
	struct atomic at = { .fd = -1, .dirfd = -1 };
	struct fdinfo si, di;
	bool created = false, atomic;
	off_t moved = 0;
	int rc;

	c->top_src = src;
	c->top_dst = dst;
	c->stdin_is_data = strcmp(src, "-") == 0;
	if (stdio_source(c, src, &si) == -1)
		return -1;
	if (strcmp(dst, "-") == 0)
		rc = stdio_stdout(c, src, dst, &di);
	else
		rc = stdio_dest(c, &si, dst, &di, &at, &created);
	if (rc != 0) {		/* failed, or skipped (-n, -u, -i) */
		if (si.owned)
			close(si.fd);
		return rc > 0 ? 0 : -1;
	}
	rc = stdio_prepare(c, &si, &di);
	/* --attributes-only: "-" has none, and no data is copied. */
	if (rc == 0 && !c->o->attr_only)
		rc = engine_copy(c->engine, &si, &di, &moved);
	if (rc == 0)
		rc = stdio_meta(c, &si, &di, created);
	atomic = at.fd != -1;
	rc = stdio_finish(c, &di, &at, created, rc);
	/*
	 * A dropped temporary took its bytes with it; --attributes-only
	 * gave the engine no pair.
	 */
	if (!c->o->attr_only)
		engine_landed(c->engine, moved, rc == 0 || !atomic, rc == 0);
	if (si.owned)
		close(si.fd);
	return rc;
}
