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
 * cat's rule for standard output: it stops "zcp f - >> f", which would
 * only grow f.
 */
static int
stdout_same(const struct fdinfo *s, const struct fdinfo *d)
{
	if (fdinfo_same_file(s, d) && s->kind == FD_REGULAR &&
	    d->kind == FD_REGULAR && s->offset < s->st.st_size) {
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
 * The named destination of "zcp - DEST", by cp's rules for what is
 * there.  Returns 0, 1 when skipped (-n, -u, -i), or -1.
 */
static int
stdio_dest(struct copier *c, const struct fdinfo *si, struct dest *dt)
{
	struct loc s = { .dirfd = LOC_NOT_A_NAME, .name = "-", .path = "-" };
	char *bpath;

	dt->have_old = fstatat(AT_FDCWD, dt->loc.name, &dt->old,
	    c->o->backup != BACKUP_NONE || c->o->remove_dest ?
	    AT_SYMLINK_NOFOLLOW : 0) == 0;
	dt->atomic = atomic_applies(c, &dt->loc, dt->have_old ? &dt->old :
	    NULL);
	if (dt->have_old)
		switch (dest_decide(dt, c, &s, &si->st)) {
		case UPTODATE:
			debug_skipped(c, &dt->loc);
			return 1;
		case SKIP:
			return 1;
		case FAIL:
			return -1;
		case PROCEED:
			break;
		}
	bpath = backup_path(&dt->loc, dt->backup);
	verbose(c, &s, &dt->loc, bpath);
	free(bpath);
	return 0;
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
 * -p and the like, from what standard input is, as cp -p /dev/stdin
 * takes them: to a named destination, before it is published.
 */
static int
stdio_meta(struct copier *c, const struct fdinfo *si, const struct dest *dt)
{
	struct loc s = { .dirfd = LOC_NOT_A_NAME, .name = "-", .path = "-" };
	const struct perm p = { &s, si->fd, ACL_UNKNOWN, 0 };

	return meta_preserve(c, &dt->loc, dt->fd, &si->st,
	    dt->created && !c->o->no_mode ? META_CREATED : 0, &p);
}

/* To a named destination: one destination lifecycle (dest.c). */
static int
to_file(struct copier *c, struct fdinfo *si, const char *dst)
{
	struct dest dt = { .loc = LOC_CWD(dst), .cmdline = true, .fd = -1 };
	mode_t mode = si->kind == FD_REGULAR ? si->st.st_mode & 0777 : 0666;
	off_t moved = 0;
	int rc;

	rc = stdio_dest(c, si, &dt);
	free(dt.backup);
	if (rc != 0)
		return rc > 0 ? 0 : -1;
	if ((rc = dest_open(&dt, c, c->o->no_mode ? 0666 : mode)) == 0) {
		rc = dest_prepare(&dt, c, si, si->st.st_mode & 0777,
		    si->name);
		/* --attributes-only: "-" has none, and no data is copied. */
		if (rc == 0 && !c->o->attr_only)
			rc = engine_copy(c->engine, si, &dt.fi, &moved);
		/* Before --atomic publishes: a bad copy never replaces. */
		if (rc == 0 && !c->o->attr_only)
			rc = engine_verify(c->engine, si, &dt.fi);
		if (rc == 0)
			rc = stdio_meta(c, si, &dt);
		rc = dest_finish(&dt, c, rc, moved);
	}
	if (!c->o->attr_only)
		debug_copied(c);
	return rc;
}

/*
 * --resume into standard output: its file from its offset on is the
 * destination.  Only a regular file without O_APPEND can be one: what
 * went into a pipe is gone, and O_APPEND writes at the end anyway.
 */
static int
stdout_resume(struct copier *c, struct fdinfo *si, struct fdinfo *di)
{
	if (di->kind != FD_REGULAR || di->append) {
		diag(0, "--resume: standard output is not a regular file"
		    " opened without O_APPEND");
		return -1;
	}
	return dest_resume(c, si, di, si->name) == -1 ? -1 : 0;
}

/* To standard output as inherited: not opened, not closed. */
static int
to_stdout(struct copier *c, struct fdinfo *si, const char *src,
    const char *dst)
{
	struct fdinfo di;
	off_t moved = 0;
	int rc;

	if (stdio_stdout(c, src, dst, &di) == -1)
		return -1;
	if ((rc = stdout_same(si, &di)) == 0 && c->o->resume &&
	    !c->o->attr_only)
		rc = stdout_resume(c, si, &di);
	if (rc == 0 && !c->o->attr_only)
		rc = engine_copy(c->engine, si, &di, &moved);
	if (rc == 0 && c->o->sync && (di.kind == FD_REGULAR ||
	    di.kind == FD_BLOCKDEV))
		rc = sync_file(di.fd, di.name);
	if (!c->o->attr_only) {
		engine_landed(c->engine, moved, true, rc == 0);
		debug_copied(c);
	}
	return rc;
}

int
copy_stdio(struct copier *c, const char *src, const char *dst)
{
	struct copier w = *c;
	struct fdinfo si;
	int rc;

	w.top_src = src;
	w.top_dst = dst;
	w.stdin_is_data = strcmp(src, "-") == 0;
	/* What was read from a pipe is gone: there is no prefix to check. */
	if (w.stdin_is_data && c->o->resume) {
		diag(0, "--resume cannot be used with standard input");
		return -1;
	}
	if (stdio_source(&w, src, &si) == -1)
		return -1;
	/*
	 * --verify: refused before a destination is made or written.
	 * Standard output is written as inherited, never read back.
	 */
	if (engine_can_verify(w.engine, &si, NULL) == -1)
		rc = -1;
	else if (strcmp(dst, "-") == 0 && w.o->verify) {
		diag(0, "cannot verify %s: standard output is not read back",
		    quote(dst));
		rc = -1;
	} else if (strcmp(dst, "-") == 0)
		rc = to_stdout(&w, &si, src, dst);
	else
		rc = to_file(&w, &si, dst);
	if (si.owned)
		close(si.fd);
	return rc;
}
