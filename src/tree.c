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

#include "cp.h"
#include "diag.h"
#include "fdinfo.h"
#include "sig.h"

enum verdict { PROCEED, SKIP, FAIL };

struct entry {
	ino_t	 ino;
	char	*name;
};

static bool
follows(const struct ctx *c, bool cmdline)
{
	return c->o->deref == DEREF_ALWAYS ||
	    (c->o->deref == DEREF_COMMAND_LINE && cmdline);
}

/* Without -r, or with --copy-contents, special files are read as data. */
static bool
as_regular(const struct ctx *c, mode_t mode)
{
	if (S_ISREG(mode))
		return true;
	return (!c->o->recursive || c->o->copy_contents) && !S_ISDIR(mode) &&
	    !S_ISLNK(mode);
}

static void
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
 * The destination exists: decide like cp whether to go on, skip it
 * quietly (-n, -u, a "no" to -i), or fail; make the backup or remove the
 * old file when that is what going on needs.  *backup gets the backup's
 * name.  An atomic copy (atomic.c) removes nothing: it replaces the old
 * file in one step at the end, and its backup is a hard link.
 */
static enum verdict
existing(struct ctx *c, const struct loc *s, const struct stat *sst,
    const struct loc *d, struct stat *dst, bool *have_dst, char **backup,
    bool *to_backup, bool atomic)
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
	if (sdir && !ddir) {
		if (o->keep_dir_symlink && S_ISLNK(dst->st_mode) &&
		    fstatat(d->dirfd, d->name, &deep, 0) == 0 &&
		    S_ISDIR(deep.st_mode))
			return PROCEED;
		diag(0, "cannot overwrite non-directory %s with directory %s",
		    quote_n(0, d->path), quote_n(1, s->path));
		return FAIL;
	}
	if (ddir)
		return PROCEED;
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

/* The backup of the destination, as a path for messages. */
static char *
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

/* Returns the descriptor; *created says whether it is a new file. */
static int
open_dest(struct ctx *c, const struct loc *d, const struct stat *sst,
    bool have_dst, bool *created)
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
	fd = openat(d->dirfd, d->name, fl | O_CREAT | O_EXCL,
	    c->o->no_mode ? 0666 : sst->st_mode & 0777);
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

/* The source, opened and checked to be the file copy_entry saw. */
static int
open_source(const struct ctx *c, const struct loc *s, const struct stat *sst,
    bool cmdline, struct fdinfo *si)
{
	int sfd;

	sfd = openat(s->dirfd, s->name, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    (follows(c, cmdline) ? 0 : O_NOFOLLOW));
	if (sfd == -1) {
		diag(errno, "cannot open %s for reading", quote(s->path));
		return -1;
	}
	if (fdinfo_classify(si, sfd, s->path, true) == -1) {
		diag(errno, "cannot fstat %s", quote(s->path));
		close(sfd);
		return -1;
	}
	if (si->st.st_dev != sst->st_dev || si->st.st_ino != sst->st_ino) {
		diag(0, "skipping file %s, as it was replaced while being"
		    " copied", quote(s->path));
		close(sfd);
		return -1;
	}
	return sfd;
}

/* The data and attributes of an open source into an open destination. */
static int
fill_regular(struct ctx *c, const struct loc *s, struct fdinfo *si,
    const struct stat *sst, const struct loc *d, int dfd, bool created,
    off_t *moved)
{
	struct fdinfo di;
	int rc = 0;

	/* A file made with O_EXCL is empty and cannot be the source. */
	if (created && d->dirdev != 0 && !c->many)
		fdinfo_created(&di, dfd, d->path, d->dirdev,
		    sst->st_mode & 0777);
	else if (fdinfo_classify(&di, dfd, d->path, true) == -1) {
		diag(errno, "cannot fstat %s", quote(d->path));
		return -1;
	} else if (fdinfo_same_file(si, &di)) {
		diag(0, "%s and %s are the same file", quote_n(0, s->path),
		    quote_n(1, d->path));
		return -1;
	}
	if (!c->o->attr_only) {
		/* Truncate only now that it is known not to be the source. */
		if (di.kind == FD_REGULAR && di.st.st_size > 0 &&
		    ftruncate(dfd, 0) == -1) {
			diag(errno, "cannot open %s for writing",
			    quote(d->path));
			return -1;
		}
		di.st.st_size = 0;
		if (engine_copy(c->engine, si, &di, moved) == -1)
			return -1;
	}
	if (c->many)
		seen_made(c->seen, di.st.st_dev, di.st.st_ino);
	if (meta_xattrs(c, s, si->fd, d, dfd) == -1)
		rc = -1;
	if (meta_preserve(c, d, dfd, sst, created && !c->o->no_mode ?
	    META_CREATED : 0) == -1)
		rc = -1;
	return rc;
}

/* A destination written in place: --sync, then close, then its name. */
static int
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

/*
 * dst is the destination as copy_entry found it, NULL if there is none;
 * atomic says to write a temporary and publish it (atomic.c).
 */
static int
copy_regular(struct ctx *c, const struct loc *s, const struct stat *sst,
    const struct loc *d, const struct stat *dst, bool cmdline, bool atomic)
{
	mode_t mode = c->o->no_mode ? 0666 : sst->st_mode & 0777;
	struct atomic at;
	struct fdinfo si;
	off_t moved = 0;
	bool created;
	int sfd, dfd, rc;

	if ((sfd = open_source(c, s, sst, cmdline, &si)) == -1)
		return -1;
	if (atomic) {
		created = dst == NULL;
		dfd = atomic_open(&at, c, d, dst, mode) == 0 ? at.fd : -1;
	} else
		dfd = open_dest(c, d, sst, dst != NULL, &created);
	if (dfd == -1) {
		close(sfd);
		return -1;
	}
	rc = fill_regular(c, s, &si, sst, d, dfd, created, &moved);
	if (atomic)
		rc = atomic_publish(&at, rc);
	else
		rc = finish_dest(c, d, dfd, created, rc);
	/* A dropped temporary took its bytes with it. */
	engine_landed(c->engine, rc == 0 || !atomic ? moved : 0, rc == 0);
	close(sfd);
	return rc;
}

static int
copy_symlink(struct ctx *c, const struct loc *s, const struct stat *sst,
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
	if (symlinkat(target, d->dirfd, d->name) == -1) {
		diag(errno, "cannot create symbolic link %s", quote(d->path));
		rc = -1;
	} else if (meta_preserve(c, d, -1, sst, META_SYMLINK) == -1)
		rc = -1;
	free(target);
	return rc;
}

static int
copy_special(struct ctx *c, const struct stat *sst, const struct loc *d)
{
	mode_t mode = c->o->no_mode ? 0666 : sst->st_mode & 0777;
	int rc;

	if (S_ISFIFO(sst->st_mode)) {
		if ((rc = mkfifoat(d->dirfd, d->name, mode)) == -1)
			diag(errno, "cannot create fifo %s", quote(d->path));
	} else if ((rc = mknodat(d->dirfd, d->name,
	    (sst->st_mode & S_IFMT) | mode, sst->st_rdev)) == -1)
		diag(errno, "cannot create special file %s", quote(d->path));
	if (rc == 0 && meta_preserve(c, d, -1, sst, 0) == -1)
		rc = -1;
	return rc;
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
		if ((v[n].name = strdup(de->d_name)) == NULL)
			goto fail;
		n++;
	}
	if (errno != 0)
		goto fail;
	qsort(v, n, sizeof(*v), entry_cmp);
	*count = n;
	return v != NULL ? v : calloc(1, sizeof(*v));
fail:
	while (n > 0)
		free(v[--n].name);
	free(v);
	return NULL;
}

/* One entry of a directory: its locs in the source and destination. */
static int
copy_child(struct ctx *c, const struct loc *s, int sfd, const struct loc *d,
    const struct loc *dir, const char *name)
{
	char *sp = path_join(s->path, name), *dp = path_join(d->path, name);
	struct loc cs = { sfd, name, sp, 0, 0, false }, cd = *dir;
	int rc;

	cd.name = name;
	cd.path = dp;
	if (sp == NULL || dp == NULL) {
		diag(ENOMEM, "cannot copy %s", quote(s->path));
		rc = -1;
	} else
		rc = copy_entry(c, &cs, &cd, false);
	free(sp);
	free(dp);
	return rc;
}

static int
copy_children(struct ctx *c, const struct loc *s, int sfd,
    const struct loc *d, int dfd, const struct stat *dst)
{
	struct loc dir = { .dirfd = dfd, .dirdev = dst->st_dev,
	    .newgid = dst->st_mode & S_ISGID ? dst->st_gid : c->egid };
	struct entry *v;
	size_t i, n;
	DIR *dp;
	int rc = 0, fd;

	/* A default ACL, not the umask, decides what new files get here. */
	dir.plain = fgetxattr(dfd, "system.posix_acl_default", NULL, 0) == -1 &&
	    errno == ENODATA;
	if ((fd = dup(sfd)) == -1 || (dp = fdopendir(fd)) == NULL) {
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
	for (i = 0; i < n; i++) {
		/* Asked to stop: what is left is not copied. */
		if (sig_pending() != 0 ||
		    copy_child(c, s, sfd, d, &dir, v[i].name) == -1)
			rc = -1;
		free(v[i].name);
	}
	free(v);
	return rc;
}

/*
 * A directory zcp creates is made writable and searchable for its owner
 * while it is filled; its mode (and times, last of all) are set after
 * its contents.
 */
static int
copy_dir(struct ctx *c, const struct loc *s, const struct stat *sst,
    const struct loc *d, bool have_dst, bool cmdline)
{
	mode_t bits = (c->o->no_mode ? 0777 : sst->st_mode & 0777) |
	    (sst->st_mode & S_ISVTX);
	mode_t made_mode = 0, want = bits & ~c->umask;
	struct stat dst;
	int sfd, dfd, rc = 0;

	if (seen_was_made(c->seen, sst->st_dev, sst->st_ino)) {
		diag(0, "cannot copy a directory, %s, into itself, %s",
		    quote_n(0, c->top_src), quote_n(1, c->top_dst));
		return -1;
	}
	if (!have_dst) {
		made_mode = (bits | S_IRWXU) & ~c->umask;
		if (mkdirat(d->dirfd, d->name, made_mode) == -1) {
			diag(errno, "cannot create directory %s",
			    quote(d->path));
			return -1;
		}
		verbose(c, s, d, NULL);
	}
	dfd = openat(d->dirfd, d->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	    (c->o->keep_dir_symlink ? 0 : O_NOFOLLOW));
	if (dfd == -1 && errno == EACCES)
		dfd = openat(d->dirfd, d->name, O_PATH | O_DIRECTORY |
		    O_CLOEXEC | (c->o->keep_dir_symlink ? 0 : O_NOFOLLOW));
	if (dfd == -1 || fstat(dfd, &dst) == -1) {
		diag(errno, "cannot access %s", quote(d->path));
		if (dfd != -1)
			close(dfd);
		return -1;
	}
	if (!have_dst)
		seen_made(c->seen, dst.st_dev, dst.st_ino);
	if (c->o->one_fs && !cmdline && sst->st_dev != c->top_dev)
		sfd = -2;
	else if ((sfd = openat(s->dirfd, s->name, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC | (follows(c, cmdline) ? 0 : O_NOFOLLOW))) == -1) {
		diag(errno, "cannot access %s", quote(s->path));
		rc = -1;
	} else if (copy_children(c, s, sfd, d, dfd, &dst) == -1)
		rc = -1;

	if (sfd >= 0 && meta_xattrs(c, s, sfd, d, -1) == -1)
		rc = -1;
	if (!c->o->keep_mode && !have_dst && made_mode != want &&
	    meta_chmod(d, -1, want) == -1)
		rc = -1;
	if (meta_preserve(c, d, -1, sst, 0) == -1)
		rc = -1;
	if (sfd >= 0)
		close(sfd);
	close(dfd);
	if (rc == 0 && !have_dst && c->o->sync && sync_parent(d) == -1)
		rc = -1;
	return rc;
}

static int
make_link(struct ctx *c, const struct loc *s, const char *target,
    const struct loc *d, bool cmdline)
{
	int rc;

	if (target != NULL)
		rc = linkat(AT_FDCWD, target, d->dirfd, d->name, 0);
	else
		rc = linkat(s->dirfd, s->name, d->dirfd, d->name,
		    follows(c, cmdline) ? AT_SYMLINK_FOLLOW : 0);
	if (rc == -1)
		diag(errno, "cannot create hard link %s to %s",
		    quote_n(0, d->path), quote_n(1, target != NULL ? target :
		    s->path));
	return rc;
}

/* -s: a relative symlink only makes sense next to its target. */
static int
make_symlink(const struct loc *s, const struct loc *d)
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
			    " current directory", d->path);
			free(dir);
			return -1;
		}
		free(dir);
	}
	if (symlinkat(s->path, d->dirfd, d->name) == -1) {
		diag(errno, "cannot create symbolic link %s to %s",
		    quote_n(0, d->path), quote_n(1, s->path));
		return -1;
	}
	return 0;
}

int
copy_entry(struct ctx *c, const struct loc *s, const struct loc *d,
    bool cmdline)
{
	const struct cpopts *o = c->o;
	struct stat sst, dst;
	char *backup = NULL, *bpath;
	const char *earlier = NULL;
	bool have_dst, use_lstat, atomic, to_backup = false;
	struct loc to = *d;
	int rc;

	if (fstatat(s->dirfd, s->name, &sst, follows(c, cmdline) ? 0 :
	    AT_SYMLINK_NOFOLLOW) == -1) {
		diag(errno, "cannot stat %s", quote(s->path));
		return -1;
	}
	if (cmdline)
		c->top_dev = sst.st_dev;
	if (S_ISDIR(sst.st_mode) && !o->recursive) {
		diag(0, "-r not specified; omitting directory %s",
		    quote(s->path));
		return -1;
	}
	use_lstat = !as_regular(c, sst.st_mode) || o->symbolic_link ||
	    o->hard_link || o->backup != BACKUP_NONE || o->remove_dest;
	have_dst = fstatat(d->dirfd, d->name, &dst, use_lstat ?
	    AT_SYMLINK_NOFOLLOW : 0) == 0;
	if (!have_dst && errno != ENOENT) {
		diag(errno, "cannot stat %s", quote(d->path));
		return -1;
	}
	atomic = as_regular(c, sst.st_mode) && !S_ISDIR(sst.st_mode) &&
	    !S_ISLNK(sst.st_mode) && !o->hard_link && !o->symbolic_link &&
	    atomic_applies(c, d, have_dst ? &dst : NULL);
	if (have_dst) {
		switch (existing(c, s, &sst, d, &dst, &have_dst, &backup,
		    &to_backup, atomic)) {
		case SKIP:
			return 0;
		case FAIL:
			free(backup);
			return -1;
		case PROCEED:
			break;
		}
	}
	if (o->keep_links && !S_ISDIR(sst.st_mode) && sst.st_nlink > 1)
		earlier = seen_source(c->seen, &sst, d->path);
	if (earlier != NULL && have_dst && unlinkat(d->dirfd, d->name, 0)) {
		diag(errno, "cannot remove %s", quote(d->path));
		free(backup);
		return -1;
	}
	bpath = backup_path(d, backup);
	if (to_backup) {
		to.name = backup;
		to.path = bpath;
		verbose(c, s, &to, NULL);
	} else if (!S_ISDIR(sst.st_mode))
		verbose(c, s, d, bpath);
	if (S_ISDIR(sst.st_mode))
		rc = copy_dir(c, s, &sst, d, have_dst, cmdline);
	else if (earlier != NULL || o->hard_link)
		rc = make_link(c, s, earlier, d, cmdline);
	else if (o->symbolic_link)
		rc = make_symlink(s, d);
	else if (S_ISLNK(sst.st_mode))
		rc = copy_symlink(c, s, &sst, d);
	else if (as_regular(c, sst.st_mode))
		rc = copy_regular(c, s, &sst, &to, have_dst ? &dst : NULL,
		    cmdline, atomic);
	else
		rc = copy_special(c, &sst, d);
	free(bpath);
	free(backup);
	return rc;
}

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
stdio_source(struct ctx *c, const char *name, struct fdinfo *si)
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
		if (fstatat(AT_FDCWD, name, &st, follows(c, true) ? 0 :
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
stdio_dest(struct ctx *c, const struct fdinfo *si, const char *name,
    struct fdinfo *di, struct atomic *at, bool *created)
{
	struct loc s = LOC_CWD("-"), d = LOC_CWD(name);
	bool have_dst, atomic, to_backup = false;
	char *backup = NULL, *bpath;
	struct stat dst;
	mode_t mode = si->kind == FD_REGULAR ? si->st.st_mode : 0666;
	int fd;

	have_dst = fstatat(AT_FDCWD, name, &dst, c->o->backup != BACKUP_NONE ||
	    c->o->remove_dest ? AT_SYMLINK_NOFOLLOW : 0) == 0;
	atomic = atomic_applies(c, &d, have_dst ? &dst : NULL);
	if (have_dst) {
		switch (existing(c, &s, &si->st, &d, &dst, &have_dst, &backup,
		    &to_backup, atomic)) {
		case SKIP:
			return 1;
		case FAIL:
			free(backup);
			return -1;
		case PROCEED:
			break;
		}
	}
	bpath = backup_path(&d, backup);
	verbose(c, &s, &d, bpath);
	free(bpath);
	free(backup);
	if (atomic) {
		*created = !have_dst;
		fd = atomic_open(at, c, &d, have_dst ? &dst : NULL,
		    c->o->no_mode ? 0666 : mode & 0777) == 0 ? at->fd : -1;
	} else
		fd = open_dest(c, &d, &(struct stat){ .st_mode = mode },
		    have_dst, created);
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
stdio_finish(struct ctx *c, const struct fdinfo *di, struct atomic *at,
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

int
copy_stdio(struct ctx *c, const char *src, const char *dst)
{
	struct atomic at = { .fd = -1, .dirfd = -1 };
	struct fdinfo si, di;
	bool created = false, atomic;
	off_t moved = 0;
	int rc;

	c->top_src = src;
	c->top_dst = dst;
	if (stdio_source(c, src, &si) == -1)
		return -1;
	if (strcmp(dst, "-") == 0) {
		if (c->std_closed[1]) {
			diag(EBADF, "error writing %s", quote(dst));
			rc = -1;
			goto out;
		}
		if (fdinfo_classify(&di, STDOUT_FILENO, dst, false) == -1) {
			diag(errno, "error writing %s", quote(dst));
			rc = -1;
			goto out;
		}
		verbose(c, &LOC_CWD(src),
		    &LOC_CWD(dst), NULL);
	} else if ((rc = stdio_dest(c, &si, dst, &di, &at, &created)) != 0) {
		rc = rc > 0 ? 0 : -1;
		goto out;
	}
	rc = stdio_same(&si, &di);
	/* Truncate only now that it is known not to be the source. */
	if (rc == 0 && di.owned && di.kind == FD_REGULAR &&
	    di.st.st_size > 0) {
		if (ftruncate(di.fd, 0) == -1) {
			diag(errno, "cannot open %s for writing", quote(dst));
			rc = -1;
		}
		di.st.st_size = 0;
	}
	if (rc == 0)
		rc = engine_copy(c->engine, &si, &di, &moved);
	atomic = at.fd != -1;
	rc = stdio_finish(c, &di, &at, created, rc);
	/* A dropped temporary took its bytes with it. */
	engine_landed(c->engine, rc == 0 || !atomic ? moved : 0, rc == 0);
out:
	if (si.owned)
		close(si.fd);
	return rc;
}
