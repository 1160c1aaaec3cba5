/*
 * tree: copy one file of any type, and directories recursively, with
 * directory descriptors: every name is looked up in a descriptor zcp
 * holds (openat, fstatat, mkdirat) and never followed where cp would
 * not follow it, so a tree changed underneath cannot redirect a write.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/xattr.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ahead.h"
#include "cp.h"
#include "dest.h"
#include "diag.h"
#include "fdinfo.h"
#include "pool.h"
#include "sig.h"

/* copy_level's answer when the walk could not return to the parent. */
#define LEVEL_LOST	(-3)

struct entry {
	ino_t		 ino;
	char		*name;
	unsigned char	 type;		/* readdir's d_type */
};

static int	 copy_stated(struct copier *, const struct loc *,
		    const struct loc *, const struct stat *, bool);
static int	 stat_source(struct copier *, const struct loc *, bool,
		    struct stat *);

/* The source, opened and checked to be the file copy_entry saw. */
static int
open_source(const struct copier *c, const struct loc *s, const struct stat *sst,
    bool cmdline, struct fdinfo *si)
{
	int sfd;

	if (s->pre != NULL) {
		/* Opened by copy_quick: its fstat is the stat. */
		*si = *s->pre;
		s->pre->fd = -1;
		return si->fd;
	}
	sfd = openat(s->dirfd, s->name, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    (dereferences(c, cmdline) ? 0 : O_NOFOLLOW));
	if (sfd == -1) {
		diag(errno, "cannot open %s for reading", quote(s->path));
		return -1;
	}
	if (fdinfo_classify(si, sfd, s->path, true) == -1) {
		diag(errno, "cannot fstat %s", quote(s->path));
		close(sfd);
		return -1;
	}
	if (!same_inode(&si->st, sst)) {
		diag(0, "skipping file %s, as it was replaced while being"
		    " copied", quote(s->path));
		close(sfd);
		return -1;
	}
	return sfd;
}

/*
 * The attributes of a regular file copied into the open destination, as
 * --preserve says: times, owner, mode and ACLs, extended attributes.
 */
static int
file_attributes(struct copier *c, const struct loc *s, const struct fdinfo *si,
    const struct stat *sst, const struct dest *dt)
{
	const struct loc *d = &dt->loc;
	struct perm p = { s, si->fd, 0, (sst->st_mode & 0777) & ~c->umask };
	int flags = 0, rc = 0;

	if (dt->created && !c->o->no_mode)
		flags |= META_CREATED;
	if (!dt->created && dt->fi.st.st_uid == sst->st_uid &&
	    dt->fi.st.st_gid == sst->st_gid)
		flags |= META_SAME_OWNER;
	if (meta_xattrs(c, s, si->fd, d, dt->fd, &p.acls) == -1)
		rc = -1;
	if (meta_preserve(c, d, dt->fd, sst, flags, &p) == -1)
		rc = -1;
	if (dt->created && c->o->no_mode && !d->plain &&
	    acl_reset(d, dt->fd, 0666 & ~c->umask) == -1)
		rc = -1;
	return rc;
}

/* A regular file (or what is read as one) to the destination dt. */
static int
copy_regular(struct copier *c, const struct loc *s, const struct stat *sst,
    struct dest *dt)
{
	mode_t mode = c->o->no_mode ? 0666 : sst->st_mode & 0777;
	struct fdinfo si;
	off_t moved = 0;
	int sfd, rc;

	if ((sfd = open_source(c, s, sst, dt->cmdline, &si)) == -1)
		return -1;
	if ((rc = dest_open(dt, c, mode)) == 0) {
		rc = dest_prepare(dt, c, &si, sst->st_mode & 0777, s->path);
		if (rc == 0 && !c->o->attr_only)
			rc = engine_copy(c->engine, &si, &dt->fi, &moved);
		/* Before --atomic publishes: a bad copy never replaces. */
		if (rc == 0 && !c->o->attr_only)
			rc = engine_verify(c->engine, &si, &dt->fi);
		if (rc == 0)
			rc = file_attributes(c, s, &si, sst, dt);
		rc = dest_finish(dt, c, rc, moved);
	}
	close(sfd);
	/* As cp, also for a copy that failed once the source was open. */
	if (!c->o->attr_only)
		debug_copied(c);
	return rc;
}

static int
make_symlink_at(void *target, int dirfd, const char *name)
{
	return symlinkat(target, dirfd, name);
}

/* --sync: the entry just made at d lasts, its name too. */
static int
synced(const struct copier *c, const struct loc *d, int rc)
{
	if (rc == 0 && c->o->sync && sync_parent(d) == -1)
		rc = -1;
	return rc;
}

/* A symlink made at d: noted, when a later operand could meet it. */
static void
note_symlink(struct copier *c, const struct loc *d)
{
	struct stat lst;

	if (c->many && fstatat(d->dirfd, d->name, &lst,
	    AT_SYMLINK_NOFOLLOW) == 0)
		seen_link_made(c->seen, &lst);
}

static int
copy_symlink(struct copier *c, const struct loc *s, const struct stat *sst,
    const struct loc *d)
{
	size_t size = (size_t)sst->st_size + 1;
	char *target;
	ssize_t n;
	int rc = 0;

	for (;;) {
		if ((target = malloc(size)) == NULL)
			return -1;
		n = readlinkat(s->dirfd, s->name, target, size);
		if (n >= 0 && (size_t)n < size)
			break;
		free(target);
		if (n == -1) {
			diag(errno, "cannot read symbolic link %s",
			    quote(s->path));
			return -1;
		}
		size *= 2;
	}
	target[n] = '\0';
	if (atomic_make(d, c->o->force, make_symlink_at, target) == -1) {
		diag(errno, "cannot create symbolic link %s", quote(d->path));
		rc = -1;
	} else {
		note_symlink(c, d);
		if (meta_preserve(c, d, -1, sst, 0, NULL) == -1)
			rc = -1;
	}
	free(target);
	return synced(c, d, rc);
}

/* Its ACLs are read from the source by name, as cp does. */
static int
copy_special(struct copier *c, const struct loc *s, const struct stat *sst,
    const struct loc *d)
{
	mode_t mode = c->o->no_mode ? 0666 : sst->st_mode & 0777;
	const struct perm p = { s, -1, ACL_UNKNOWN, 0 };
	int rc;

	if (S_ISFIFO(sst->st_mode)) {
		if ((rc = mkfifoat(d->dirfd, d->name, mode)) == -1)
			diag(errno, "cannot create fifo %s", quote(d->path));
	} else if ((rc = mknodat(d->dirfd, d->name,
	    (sst->st_mode & S_IFMT) | mode, sst->st_rdev)) == -1)
		diag(errno, "cannot create special file %s", quote(d->path));
	if (rc == 0 && meta_preserve(c, d, -1, sst, 0, &p) == -1)
		rc = -1;
	if (rc == 0 && c->o->no_mode && !d->plain &&
	    acl_reset(d, -1, (S_ISSOCK(sst->st_mode) ? 0777 : 0666) &
	    ~c->umask) == -1)
		rc = -1;
	return synced(c, d, rc);
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/*
 * The names in a directory, in inode order like cp (gnulib's savedir
 * sorts so for faster reading), which also makes -v print what cp does.
 */
static struct entry *
read_entries(DIR *dir, size_t *count)
{
	struct entry *v = NULL, *nv;
	size_t n = 0, cap = 0;
	struct dirent *de;

	errno = 0;
	while ((de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 32;
			if ((nv = reallocarray(v, cap, sizeof(*v))) == NULL)
				goto fail;
			v = nv;
		}
		v[n].ino = de->d_ino;
		v[n].type = de->d_type;
		if ((v[n].name = strdup(de->d_name)) == NULL)
			goto fail;
		n++;
	}
	if (errno != 0)
		goto fail;
	/* An empty directory's v is NULL, which qsort must not get. */
	if (n > 1)
		qsort(v, n, sizeof(*v), entry_cmp);
	*count = n;
	return v != NULL ? v : calloc(1, sizeof(*v));
fail:
	while (n > 0)
		free(v[--n].name);
	free(v);
	return NULL;
}

/*
 * A work item (-j): one entry of a directory, copied by a worker with
 * a copy of the walk's copier and the worker's engine.  The directory's
 * descriptors stay open until its batch is done (copy_children).
 */
struct item {
	struct copier	 c;
	struct loc	 s, d;
	struct stat	 sst;
	bool		 quick;		/* sst unknown: copy_quick */
	int		 fd;		/* opened by the walk (ahead.c), or -1 */
	off_t		 cached;	/* --stats: fd's residency before the
					 * walk asked for it; -1: unknown,
					 * -2: not measured */
	char		*sp, *dp, *name;
};

/*
 * Whether an entry readdir says is a regular file may be opened before
 * it is looked at (copy_quick): its directory here was made just now,
 * so there is nothing to compare with, skip or back up, and nothing
 * needs its inode before it is open: -a's links, -L, -l, -s,
 * --attributes-only.
 */
static bool
quick_applies(const struct copier *c, const struct loc *dir,
    unsigned char type)
{
	const struct cpopts *o = c->o;

	return type == DT_REG && dir->fresh && !o->keep_links &&
	    !dereferences(c, false) && !o->hard_link && !o->symbolic_link &&
	    !o->attr_only;
}

/* How copy_quick opens; also the walk's look-ahead (ahead.c). */
#define QUICK_OPEN	(O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | \
			 O_NONBLOCK)

/*
 * Such a file, opened first: the fstat of the descriptor is its stat,
 * one fstatat a file less than cp's lstat, open, fstat.  Anything else
 * (gone, unreadable, not a regular file now) is looked at the usual way,
 * which says what cp says; a directory found there is one only the walk
 * may copy (may_recurse), else it was replaced while being copied.
 * O_NONBLOCK: a FIFO put there since readdir must not hang the open (a
 * regular file's reads ignore the flag, as open(2) says).  fd: opened
 * already by the walk's look-ahead, or -1; taken either way; cached:
 * --stats's residency of it, measured before the look-ahead, or -2.  A
 * worker (not the walk) samples whether the tree is cold (ahead_sample),
 * after --stats has seen what was cached.
 */
static int
copy_quick(struct copier *c, struct loc *s, const struct loc *d,
    bool may_recurse, int fd, off_t cached)
{
	struct fdinfo si;
	struct stat sst;
	bool uncached = false;
	int rc;

	if (fd == -1)
		fd = openat(s->dirfd, s->name, QUICK_OPEN);
	if (fd != -1 && (fdinfo_classify(&si, fd, s->path, true) == -1 ||
	    !S_ISREG(si.st.st_mode))) {
		close(fd);
		fd = -1;
	} else if (fd != -1 && !may_recurse) {
		if (cached == -2)
			cached = engine_cached_now(c->engine, fd, &si.st);
		uncached = ahead_sample(pool_ahead(c->pool), fd, si.st.st_size);
	}
	if (fd == -1) {
		if (stat_source(c, s, false, &sst) == -1)
			return -1;
		if (S_ISDIR(sst.st_mode) && !may_recurse) {
			diag(0, "skipping file %s, as it was replaced while"
			    " being copied", quote(s->path));
			return -1;
		}
		return copy_stated(c, s, d, &sst, false);
	}
	s->pre = &si;
	engine_cached_before(c->engine, cached);
	rc = copy_stated(c, s, d, &si.st, false);
	engine_cached_before(c->engine, -2);
	s->pre = NULL;
	if (si.fd != -1)
		close(si.fd);
	/* A clone read nothing: reading ahead would only waste the disk. */
	if (uncached && rc == 0 && !engine_pair_cloned(c->engine))
		ahead_cold(pool_ahead(c->pool));
	return rc;
}

static int
run_item(struct engine *e, void *arg)
{
	struct item *it = arg;
	int rc = -1;

	it->c.engine = e;
	/* Stopped: what was not begun is not copied, as with -j1. */
	if (sig_pending() == 0)
		rc = it->quick ? copy_quick(&it->c, &it->s, &it->d, false,
		    it->fd, it->cached) : copy_stated(&it->c, &it->s, &it->d,
		    &it->sst, false);
	else if (it->fd != -1)
		close(it->fd);
	if (it->fd != -1)
		ahead_taken(pool_ahead(it->c.pool));
	free(it->sp);
	free(it->dp);
	free(it->name);
	free(it);
	return rc;
}

/*
 * Whether the walk copies this entry itself, in order: a directory; a
 * file that -a may link to another name of (earlier_link: its first copy
 * must be done before the link, and which name is first must not
 * change); and the first file the engine copies between two devices,
 * which learns what the kernel refuses there for the files after it.
 */
static bool
walk_copies(struct copier *c, const struct loc *d, const struct stat *sst)
{
	const struct cpopts *o = c->o;

	if (c->pool == NULL || S_ISDIR(sst->st_mode))
		return true;
	if (o->keep_links && !o->hard_link && (sst->st_nlink >= 2 ||
	    dereferences(c, false)))
		return true;
	return read_as_data(c, sst->st_mode) && !o->hard_link &&
	    !o->symbolic_link && !o->attr_only &&
	    !pool_settled(c->pool, sst->st_dev, d->dirdev);
}

/*
 * The entry handed to a worker; false if it was not (the walk copies).
 * sst NULL: not looked at yet (copy_quick), and opened here when the
 * tree is cold (ahead_open).
 */
static bool
hand_out(struct copier *c, struct loc *cs, struct loc *cd,
    const struct stat *sst, struct batch *b)
{
	struct item *it;

	if ((it = malloc(sizeof(*it))) == NULL)
		return false;
	if ((it->name = strdup(cs->name)) == NULL) {
		free(it);
		return false;
	}
	it->c = *c;
	it->s = *cs;
	it->d = *cd;
	if ((it->quick = sst == NULL) == false)
		it->sst = *sst;
	it->fd = it->quick ? ahead_open(pool_ahead(c->pool), cs->dirfd,
	    cs->name, QUICK_OPEN) : -1;
	it->cached = -2;
	if (it->fd != -1) {
		it->cached = engine_cached_now(c->engine, it->fd, NULL);
		ahead_start(it->fd);
	}
	it->s.name = it->d.name = it->name;
	it->sp = (char *)cs->path;
	it->dp = (char *)cd->path;
	if (pool_submit(c->pool, b, run_item, it))
		return true;
	if (it->fd != -1) {
		close(it->fd);
		ahead_taken(pool_ahead(c->pool));
	}
	free(it->name);
	free(it);
	return false;
}

/*
 * The walk copies an entry itself (sst NULL: copy_quick), in order.  The
 * first file between two devices is one: once the engine saw the pair,
 * the files after it may go to the workers.  Inlined: a frame less in
 * each level of a deep tree's recursion.
 */
static inline __attribute__((always_inline)) int
walk_copy(struct copier *c, struct loc *cs, const struct loc *cd,
    const struct stat *sst, dev_t sdev)
{
	unsigned long pairs;
	int rc;

	/* The workers go on with what was handed out meanwhile. */
	pool_flush(c->pool);
	pairs = engine_pairs(c->engine);
	rc = sst != NULL ? copy_stated(c, cs, cd, sst, false) :
	    copy_quick(c, cs, cd, true, -1, -2);
	if (c->pool != NULL && engine_pairs(c->engine) != pairs)
		pool_settle(c->pool, sst != NULL ? sst->st_dev : sdev,
		    cd->dirdev);
	return rc;
}

/*
 * One entry of a directory on device sdev: its locs in the source and
 * destination.
 */
static int
copy_child(struct copier *c, const struct loc *s, int sfd, const struct loc *d,
    const struct loc *dir, const struct entry *e, dev_t sdev,
    struct batch *b)
{
	char *sp = path_join(s->path, e->name), *dp = path_join(d->path,
	    e->name);
	struct loc cs = { .dirfd = sfd, .name = e->name, .path = sp },
	    cd = *dir;
	struct stat sst;
	bool quick = quick_applies(c, dir, e->type);
	int rc;

	cd.name = e->name;
	cd.path = dp;
	if (sp == NULL || dp == NULL) {
		diag(ENOMEM, "cannot copy %s", quote(s->path));
		rc = -1;
	} else if (quick && c->pool != NULL &&
	    pool_settled(c->pool, sdev, cd.dirdev) &&
	    hand_out(c, &cs, &cd, NULL, b))
		return 0;
	else if (quick)
		rc = walk_copy(c, &cs, &cd, NULL, sdev);
	else if (stat_source(c, &cs, false, &sst) == -1)
		rc = -1;
	else if (!walk_copies(c, &cd, &sst) && hand_out(c, &cs, &cd, &sst, b))
		return 0;
	else
		rc = walk_copy(c, &cs, &cd, &sst, sdev);
	free(sp);
	free(dp);
	return rc;
}

/*
 * made: lv's destination was created just now, so none of the names
 * exists there and cp does not look (one fstatat per file saved).
 */
static int
copy_children(struct copier *c, const struct loc *s, struct level *lv,
    const struct loc *d, const struct stat *dst, bool made)
{
	struct loc dir = { .dirdev = dst->st_dev,
	    .newgid = dst->st_mode & S_ISGID ? dst->st_gid : c->egid,
	    .fresh = made };
	struct batch b = { 0, 0 };
	struct entry *v;
	size_t i, n;
	DIR *dp;
	int rc = 0, one, fd, sfd;

	/*
	 * A default ACL, not the umask, decides what new files get here,
	 * and they inherit it: only meta_preserve and --no-preserve=mode
	 * ask, to know that a file made here has no ACL, and to skip an
	 * fchown or fchmod.  A file system without ACLs has none.
	 */
	dir.plain = (c->o->keep_owner || c->o->keep_mode ||
	    c->o->no_mode) &&
	    fgetxattr(lv->fd[DIR_DST], "system.posix_acl_default", NULL,
	    0) == -1 && (errno == ENODATA || errno == EOPNOTSUPP);
	if ((fd = dup(lv->fd[DIR_SRC])) == -1 ||
	    (dp = fdopendir(fd)) == NULL) {
		diag(errno, "cannot access %s", quote(s->path));
		if (fd != -1)
			close(fd);
		return -1;
	}
	v = read_entries(dp, &n);
	closedir(dp);
	if (v == NULL) {
		diag(errno, "cannot access %s", quote(s->path));
		return -1;
	}
	lv->batch = &b;
	for (i = 0; i < n; i++) {
		/*
		 * Asked to stop, or copying into itself (cp copies nothing
		 * more of that source), or this directory was lost while a
		 * child parked it: what is left is not copied.  A child
		 * may have reopened it as other descriptors.
		 */
		if (rc != COPY_INTO_SELF && (sig_pending() != 0 ||
		    (sfd = dirs_fd(&c->dirs, lv, DIR_SRC)) == -1 ||
		    (dir.dirfd = dirs_fd(&c->dirs, lv, DIR_DST)) == -1))
			rc = -1;
		else if (rc != COPY_INTO_SELF && (one = copy_child(c, s, sfd,
		    d, &dir, &v[i], lv->dev[DIR_SRC], &b)) != 0)
			rc = one;
		free(v[i].name);
	}
	free(v);
	/* The files handed out are done before the directory is. */
	if (pool_wait(c->pool, &b) != 0 && rc == 0)
		rc = -1;
	lv->batch = NULL;
	return rc;
}

/*
 * The destination directory, made with made_mode unless have_dst, and
 * opened; *dst gets what it is.  Returns the descriptor, or -1.
 */
static int
dir_dest(struct copier *c, const struct loc *s, const struct loc *d,
    bool have_dst, mode_t made_mode, struct stat *dst, int *flags)
{
	int dfd;

	if (!have_dst) {
		if (mkdirat(d->dirfd, d->name, made_mode) == -1) {
			diag(errno, "cannot create directory %s",
			    quote(d->path));
			return -1;
		}
		verbose(c, s, d, NULL);
	}
	*flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	    (c->o->keep_dir_symlink ? 0 : O_NOFOLLOW);
	dfd = openat(d->dirfd, d->name, *flags);
	if (dfd == -1 && errno == EACCES) {
		*flags |= O_PATH;
		dfd = openat(d->dirfd, d->name, *flags);
	}
	if (dfd == -1 || fstat(dfd, dst) == -1) {
		diag(errno, "cannot access %s", quote(d->path));
		if (dfd != -1)
			close(dfd);
		return -1;
	}
	if (!have_dst) {
		/*
		 * As cp, the first directory made for a command-line source
		 * is noted, so that meeting it in that source is copying a
		 * directory into itself (dir_seen).
		 */
		if (!c->made_dir) {
			(void)seen_source(c->seen, dst, d->path);
			c->made_dir = true;
		}
		/* acl_drop_default says why; cp keeps it without -p. */
		if (c->o->keep_mode && !d->plain)
			acl_drop_default(dfd);
	}
	return dfd;
}

/* A directory's modes: made with, and to set once it is filled. */
static void
dir_modes(const struct copier *c, const struct stat *sst, mode_t *made,
    mode_t *want)
{
	mode_t bits = (c->o->no_mode ? 0777 : sst->st_mode & 0777) |
	    (sst->st_mode & S_ISVTX);

	*made = (bits | S_IRWXU) & ~c->umask;
	*want = bits & ~c->umask;
}

/* Its mode, xattrs, ACLs, owner and times, once its contents are done. */
static int
dir_attributes(struct copier *c, struct perm *p, const struct stat *sst,
    const struct loc *d, bool have_dst)
{
	mode_t made_mode, want;
	int rc = 0;

	dir_modes(c, sst, &made_mode, &want);
	if (p->sfd >= 0 && meta_xattrs(c, p->src, p->sfd, d, -1,
	    &p->acls) == -1)
		rc = -1;
	if (!c->o->keep_mode && !have_dst && made_mode != want &&
	    meta_chmod(d, -1, want) == -1)
		rc = -1;
	if (meta_preserve(c, d, -1, sst, have_dst ? 0 : META_CREATED,
	    p) == -1)
		rc = -1;
	if (!have_dst && c->o->no_mode && !d->plain &&
	    acl_reset(d, -1, 0777 & ~c->umask) == -1)
		rc = -1;
	return rc;
}

/*
 * The contents of lv's directories, pushed; pfd gets the parent level's
 * descriptors back, which the children may have parked, or LEVEL_LOST:
 * it could not be reopened.  The caller pops lv, closing what it holds.
 */
static int
copy_level(struct copier *c, const struct loc *s, struct level *lv,
    const struct loc *d, const struct stat *dst, bool made, int pfd[2])
{
	int rc;

	rc = copy_children(c, s, lv, d, dst, made);
	if (dirs_return(&c->dirs, lv, pfd) == -1)
		return LEVEL_LOST;
	return rc;
}

/*
 * A directory zcp creates is made writable and searchable for its owner
 * while it is filled; its mode (and times, last of all) are set after
 * its contents.
 */
static int
copy_dir(struct copier *c, const struct loc *s, const struct stat *sst,
    const struct loc *d, bool have_dst, bool cmdline)
{
	struct level lv = { .at = { s, d }, .fd = { -1, -1 } };
	int pfd[2] = { s->dirfd, d->dirfd };
	struct loc ps = *s, pd = *d;
	struct perm p = { &ps, -1, ACL_UNKNOWN, 0 };
	mode_t made_mode, want;
	struct stat dst;
	bool pushed = false;
	int dfd, rc = 0;

	/*
	 * -L or a bind mount can lead back into a directory being copied:
	 * cp refuses it before making anything, and copies the rest.
	 */
	if (dirs_within(&c->dirs, sst)) {
		diag(0, "cannot copy cyclic symbolic link %s", quote(s->path));
		return -1;
	}
	dir_modes(c, sst, &made_mode, &want);
	if ((dfd = dir_dest(c, s, d, have_dst, made_mode, &dst,
	    &lv.flags[DIR_DST])) == -1)
		return -1;
	p.made = dst.st_mode & 07777;
	lv.flags[DIR_SRC] = O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	    (dereferences(c, cmdline) ? 0 : O_NOFOLLOW);
	if (c->o->one_fs && !cmdline && sst->st_dev != c->top_dev)
		close(dfd);
	else if ((lv.fd[DIR_SRC] = openat(s->dirfd, s->name,
	    lv.flags[DIR_SRC])) == -1) {
		diag(errno, "cannot access %s", quote(s->path));
		close(dfd);
		rc = -1;
	} else {
		lv.fd[DIR_DST] = dfd;
		pushed = true;
		dirs_push(&c->dirs, &lv, sst, &dst);
		rc = copy_level(c, s, &lv, d, &dst, !have_dst, pfd);
		ps.dirfd = pfd[DIR_SRC];
		pd.dirfd = pfd[DIR_DST];
		p.sfd = lv.fd[DIR_SRC];
	}
	/* It or its parent lost, d names nothing zcp may touch now. */
	if (rc != LEVEL_LOST && !lv.lost && dir_attributes(c, &p, sst, &pd,
	    have_dst) == -1 && rc == 0)
		rc = -1;
	if (pushed)
		dirs_pop(&c->dirs, &lv);
	if (rc == LEVEL_LOST)
		return -1;
	if (rc == 0 && !have_dst && c->o->sync && sync_parent(&pd) == -1)
		rc = -1;
	return rc;
}

/* What a hard link is made to: a name in a directory, followed or not. */
struct link_to {
	int		 dirfd;
	const char	*name;
	int		 flags;
};

static int
link_at(void *arg, int dirfd, const char *name)
{
	const struct link_to *t = arg;

	return linkat(t->dirfd, t->name, dirfd, name, t->flags);
}

/*
 * A hard link to the source (-l), or to its first copy (earlier, with
 * --preserve=links); replace: what is at d may be replaced (cp then
 * says "removed" under -v for the second).
 */
static int
make_link(struct copier *c, const struct loc *s, const char *earlier,
    const struct loc *d, bool cmdline, bool replace)
{
	struct link_to t = { AT_FDCWD, earlier,
	    dereferences(c, cmdline) ? AT_SYMLINK_FOLLOW : 0 };
	int rc;

	if (earlier == NULL) {
		t.dirfd = s->dirfd;
		t.name = s->name;
	}
	if ((rc = atomic_make(d, replace, link_at, &t)) == -1) {
		diag(errno, "cannot create hard link %s to %s",
		    quote_n(0, d->path), quote_n(1, earlier != NULL ? earlier :
		    s->path));
		return -1;
	}
	if (rc == 1 && earlier != NULL && c->o->verbose)
		removed(d);
	return synced(c, d, 0);
}

/*
 * -s: a relative symlink only makes sense next to its target.  cp gives
 * it the source's times with --preserve=timestamps, nothing else.
 */
static int
make_symlink(struct copier *c, const struct loc *s, const struct stat *sst,
    const struct loc *d)
{
	size_t dirlen = (size_t)(last_component(d->path) - d->path);
	struct stat here, there;
	char *dir;

	if (s->path[0] != '/' && dirlen > 0) {
		if ((dir = strndup(d->path, dirlen)) == NULL)
			return -1;
		if (stat(".", &here) == 0 && stat(dir, &there) == 0 &&
		    (here.st_dev != there.st_dev ||
		    here.st_ino != there.st_ino)) {
			diag(0, "%s: can make relative symbolic links only in"
			    " current directory", quotef(d->path));
			free(dir);
			return -1;
		}
		free(dir);
	}
	if (atomic_make(d, c->o->force, make_symlink_at, (void *)s->path) ==
	    -1) {
		diag(errno, "cannot create symbolic link %s to %s",
		    quote_n(0, d->path), quote_n(1, s->path));
		return -1;
	}
	note_symlink(c, d);
	return synced(c, d, meta_preserve(c, d, -1, sst, META_TIMES, NULL));
}

/* The source as cp sees it: followed or not, and a directory only with -r. */
static int
stat_source(struct copier *c, const struct loc *s, bool cmdline,
    struct stat *sst)
{
	if (fstatat(s->dirfd, s->name, sst, dereferences(c, cmdline) ? 0 :
	    AT_SYMLINK_NOFOLLOW) == -1) {
		diag(errno, "cannot stat %s", quote(s->path));
		return -1;
	}
	if (cmdline)
		c->top_dev = sst->st_dev;
	if (S_ISDIR(sst->st_mode) && !c->o->recursive) {
		diag(0, "-r not specified; omitting directory %s",
		    quote(s->path));
		return -1;
	}
	return 0;
}

/*
 * The source by its type, to dt; earlier: where -a already copied another
 * link to it.
 */
static int
copy_node(struct copier *c, const struct loc *s, const struct stat *sst,
    struct dest *dt, const char *earlier)
{
	const struct cpopts *o = c->o;
	const struct loc *d = &dt->loc;

	if (S_ISDIR(sst->st_mode))
		return copy_dir(c, s, sst, d, dt->have_old, dt->cmdline);
	if (earlier != NULL)
		return make_link(c, s, earlier, d, dt->cmdline, true);
	if (o->hard_link)
		return make_link(c, s, NULL, d, dt->cmdline, o->force ||
		    o->clobber == CLOBBER_ASK);
	if (o->symbolic_link)
		return make_symlink(c, s, sst, d);
	if (S_ISLNK(sst->st_mode))
		return copy_symlink(c, s, sst, d);
	if (read_as_data(c, sst->st_mode))
		return copy_regular(c, s, sst, dt);
	return copy_special(c, s, sst, d);
}

/*
 * -u found d up to date.  cp still notes where the source went, and
 * links a later name of the same source to it, replacing what is there.
 */
static int
up_to_date(struct copier *c, const struct loc *s, const struct stat *sst,
    const struct loc *d, bool cmdline)
{
	const char *earlier = seen_source(c->seen, sst, d->path);

	return earlier == NULL ? 0 : make_link(c, s, earlier, d, cmdline,
	    true);
}

/* Several command-line sources: cp copies a file named twice once. */
static bool
named_twice(struct copier *c, const struct loc *s, const struct stat *sst)
{
	if (S_ISDIR(sst->st_mode) || c->o->backup != BACKUP_NONE ||
	    !seen_top_source(c->seen, s, sst))
		return false;
	diag(0, "warning: source file %s specified more than once",
	    quote(s->path));
	return true;
}

/*
 * ... and never copies through a symlink an earlier operand made.  cp
 * checks the command-line names only; a symlink made inside a tree can
 * lead outside the destination just as well (zcp -r p1/a p2/a t, with
 * p1/a/x a link to ../../out and p2/a/x a file), so zcp checks them all.
 */
static bool
through_new_symlink(struct copier *c, const struct loc *s, const struct loc *d,
    bool cmdline)
{
	struct stat lst;

	if (c->o->backup != BACKUP_NONE || fstatat(d->dirfd, d->name, &lst,
	    AT_SYMLINK_NOFOLLOW) != 0 || !S_ISLNK(lst.st_mode) ||
	    !(seen_link_was_made(c->seen, &lst) ||
	    (cmdline && seen_top_was_made(c->seen, d, &lst))))
		return false;
	diag(0, "will not copy %s through just-created symlink %s",
	    quote_n(0, s->path), quote_n(1, d->path));
	return true;
}

/*
 * Whether the source s is the directory entry earlier, as cp checks it.
 * cp 9.1 names a copy in the target directory relative to the directory
 * it opened, a symlink there followed: "cp -r a t/l", t/l a symlink to a,
 * copies a into itself, where "cp -r a t/l/a" makes a hard link.
 */
static bool
is_entry(const struct copier *c, const struct loc *s, const char *earlier)
{
	struct loc el = LOC_CWD(earlier), sl = LOC_CWD(s->path);
	const char *base = last_component(earlier);
	struct stat a, b;
	char *named;
	bool in_target;

	/* By the source's whole name, as cp: through "lnk/" is elsewhere. */
	if (same_entry(&sl, &el))
		return true;
	if (c->target == NULL || strcmp(base, last_component(s->path)) != 0 ||
	    (named = path_join(c->target, base)) == NULL)
		return false;
	in_target = strcmp(named, earlier) == 0;
	free(named);
	return in_target && entry_dir(&sl, &a, AT_SYMLINK_NOFOLLOW) == 0 &&
	    stat(c->target, &b) == 0 && same_inode(&a, &b);
}

/*
 * A directory copied before in this run, as cp checks it.  A command-line
 * directory is noted with where it goes, and so is the first directory
 * made for each command-line source.  Meeting one again is copying a
 * directory into itself when it is that very directory entry (cp stops
 * copying that source there), a warning when it would go to the same
 * place (named twice), fine when symlinks led there (-L, -H), and
 * otherwise a refusal: that copy would be a hard link to a directory.
 */
static int
dir_seen(struct copier *c, const struct loc *s, const struct stat *sst,
    const struct loc *d, bool cmdline)
{
	const char *earlier = cmdline ? seen_source(c->seen, sst, d->path) :
	    seen_copy_of(c->seen, sst);
	struct loc el;

	if (earlier == NULL)
		return PROCEED;
	el = LOC_CWD(earlier);
	if (is_entry(c, s, earlier)) {
		diag(0, "cannot copy a directory, %s, into itself, %s",
		    quote_n(0, c->top_src), quote_n(1, c->top_dst));
		return COPY_INTO_SELF;
	}
	if (same_entry(d, &el)) {
		diag(0, "warning: source directory %s specified more than"
		    " once", quote(c->top_src));
		return SKIP;
	}
	if (dereferences(c, cmdline))
		return PROCEED;
	diag(0, "will not create hard link %s to directory %s",
	    quote_n(0, d->path), quote_n(1, earlier));
	return FAIL;
}

/*
 * Where an earlier link of the source was copied, with --preserve=links
 * (-L and -H count two names of one file too); *noted: this is the
 * first, noted now, to forget if its copy fails.
 */
static const char *
earlier_link(struct copier *c, const struct stat *sst, const struct loc *d,
    bool cmdline, bool *noted)
{
	const struct cpopts *o = c->o;
	const char *earlier;

	*noted = false;
	if (!o->keep_links || o->hard_link || (sst->st_nlink < 2 &&
	    !dereferences(c, cmdline)))
		return NULL;
	earlier = seen_source(c->seen, sst, d->path);
	*noted = earlier == NULL;
	return earlier;
}

/*
 * What is at the destination, looked at as cp looks (followed only for
 * a file to be written through), and what cp does about it.
 */
static enum verdict
before_copy(struct copier *c, const struct loc *s, const struct stat *sst,
    struct dest *dt)
{
	const struct cpopts *o = c->o;
	struct loc *d = &dt->loc;
	bool use_lstat = !read_as_data(c, sst->st_mode) || o->symbolic_link ||
	    o->hard_link || o->backup != BACKUP_NONE || o->remove_dest;

	if (!d->fresh && fstatat(d->dirfd, d->name, &dt->old, use_lstat ?
	    AT_SYMLINK_NOFOLLOW : 0) == 0)
		dt->have_old = true;
	else if (!d->fresh && errno == ELOOP && o->force)
		d->loop = true;
	else if (!d->fresh && errno != ENOENT) {
		diag(errno, "cannot stat %s", quote(d->path));
		return FAIL;
	}
	dt->atomic = read_as_data(c, sst->st_mode) && !o->hard_link &&
	    !o->symbolic_link && !d->loop &&
	    atomic_applies(c, d, dt->have_old ? &dt->old : NULL);
	if (dt->have_old)
		switch (dest_decide(dt, c, s, sst)) {
		case PROCEED:
			break;
		case SKIP:
			return SKIP;
		case UPTODATE:
			if (up_to_date(c, s, sst, d, dt->cmdline) == -1)
				return FAIL;
			debug_skipped(c, d);
			return SKIP;
		case FAIL:
			return FAIL;
		}
	if (c->many && through_new_symlink(c, s, d, dt->cmdline))
		return FAIL;
	return PROCEED;
}

/*
 * The copy failed: cp forgets where the source was to go, so that its
 * other links are copied rather than linked to what is there, and puts
 * a backup it made back in place.
 */
static void
undo(struct copier *c, const struct stat *sst, const struct dest *dt,
    bool noted, const char *bpath)
{
	const struct loc *d = &dt->loc;

	if (noted)
		seen_forget(c->seen, sst);
	if (dt->backup == NULL || bpath == NULL)
		return;
	/* --atomic made the backup a second link, and d is still there. */
	if ((dt->have_old ? unlinkat(d->dirfd, dt->backup, 0) :
	    renameat(d->dirfd, dt->backup, d->dirfd, d->name)) == -1) {
		diag(errno, "cannot un-backup %s", quote(d->path));
		return;
	}
	if (c->o->verbose) {
		diag_line();
		fprintf(out_to(stdout), "%s -> %s (unbackup)\n",
		    quote_n(0, bpath),
		    quote_n(1, d->path));
	}
}

/*
 * A file or a directory whose destination is ready: its earlier link
 * (-a), the -v line, the copy, and on failure the undoing.
 */
static int
copy_checked(struct copier *c, const struct loc *s, const struct stat *sst,
    struct dest *dt)
{
	const char *earlier = NULL;
	char *bpath;
	bool noted = false;
	int rc;

	if (!S_ISDIR(sst->st_mode))
		earlier = earlier_link(c, sst, &dt->loc, dt->cmdline, &noted);
	bpath = backup_path(&dt->loc, dt->backup);
	if (!S_ISDIR(sst->st_mode))
		verbose(c, s, &dt->loc, bpath);
	rc = copy_node(c, s, sst, dt, earlier);
	if (rc != 0 && !S_ISDIR(sst->st_mode))
		undo(c, sst, dt, noted, bpath);
	free(bpath);
	return rc;
}

int
copy_entry(struct copier *c, const struct loc *s, const struct loc *to,
    bool cmdline)
{
	struct stat sst;

	if (stat_source(c, s, cmdline, &sst) == -1)
		return -1;
	return copy_stated(c, s, to, &sst, cmdline);
}

/* s, which is sst, to the destination to. */
static int
copy_stated(struct copier *c, const struct loc *s, const struct loc *to,
    const struct stat *stp, bool cmdline)
{
	struct dest dt = { .loc = *to, .cmdline = cmdline, .fd = -1 };
	struct stat sst = *stp, lst;
	int rc;

	if (cmdline && c->many && named_twice(c, s, &sst))
		return 0;
	switch (before_copy(c, s, &sst, &dt)) {
	case PROCEED:
		break;
	case FAIL:
		free(dt.backup);
		return -1;
	default:
		free(dt.backup);
		return 0;
	}
	/* A directory has no backup (dt.backup is NULL) to free here. */
	if (S_ISDIR(sst.st_mode) &&
	    (rc = dir_seen(c, s, &sst, &dt.loc, cmdline)) != PROCEED)
		return rc == SKIP ? 0 : rc == FAIL ? -1 : rc;
	rc = copy_checked(c, s, &sst, &dt);
	if (cmdline && c->many && (rc == 0 || S_ISDIR(sst.st_mode)) &&
	    fstatat(dt.loc.dirfd, dt.loc.name, &lst, AT_SYMLINK_NOFOLLOW) == 0)
		seen_top_made(c->seen, &dt.loc, &lst);
	free(dt.backup);
	return rc;
}
