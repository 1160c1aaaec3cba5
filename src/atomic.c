/*
 * atomic: --atomic.  A destination file is written aside, in
 * an unnamed O_TMPFILE in its directory (or, where the filesystem has
 * none, under a hidden name), given its attributes there, and only then
 * published under its name with linkat or renameat: whoever looks at
 * the name sees the old file or the whole new one, never a part.
 * With --sync (sync.c) a file is flushed before it is published and its
 * directory after.
 */
#include "config.h"

#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cp.h"
#include "diag.h"
#include "sig.h"

#define HIDDEN_PREFIX	".zcp-"
#define HIDDEN_RANDOM	10
#define HIDDEN_TRIES	100

/* A fresh hidden name: ".zcp-" and ten random letters or digits. */
static void
hidden_name(char *buf)
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	size_t n = sizeof(HIDDEN_PREFIX) - 1;
	int i;

	memcpy(buf, HIDDEN_PREFIX, n);
	for (i = 0; i < HIDDEN_RANDOM; i++)
		buf[n + i] = set[arc4random_uniform(sizeof(set) - 1)];
	buf[n + HIDDEN_RANDOM] = '\0';
}

/*
 * A directory descriptor to make names in; read-only if we may, so
 * that it can be fsync'd.  A directory that is writable but not
 * readable still takes new names through O_PATH.
 */
static int
open_dir(int dirfd, const char *dir)
{
	int fd;

	fd = openat(dirfd, *dir != '\0' ? dir : ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC);
	if (fd == -1 && errno == EACCES)
		fd = openat(dirfd, *dir != '\0' ? dir : ".", O_PATH |
		    O_DIRECTORY | O_CLOEXEC);
	return fd;
}

/*
 * The file a name leads to through symlinks, as an absolute path: cp
 * writes through a symlink at the destination, so --atomic replaces
 * the file it points to and keeps the link.
 */
static char *
resolve(const struct loc *d)
{
	char proc[32], *buf;
	ssize_t n;
	int fd;

	if ((fd = openat(d->dirfd, d->name, O_PATH | O_CLOEXEC)) == -1)
		return NULL;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if ((buf = malloc(PATH_MAX)) != NULL &&
	    (n = readlink(proc, buf, PATH_MAX - 1)) > 0) {
		buf[n] = '\0';
		close(fd);
		return buf;
	}
	free(buf);
	close(fd);
	return NULL;
}

/* Where the file will be published: a directory fd and a last name. */
static int
locate(struct atomic *a, const struct loc *d, const struct stat *dst)
{
	const char *name = d->name;
	int dirfd = d->dirfd;
	struct stat lst;
	char *dir;

	if (dst != NULL && !S_ISLNK(dst->st_mode) &&
	    fstatat(d->dirfd, d->name, &lst, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(lst.st_mode)) {
		if ((a->resolved = resolve(d)) == NULL)
			return -1;
		name = a->resolved;
		dirfd = AT_FDCWD;
	}
	if ((a->base = strdup(last_component(name))) == NULL ||
	    (dir = dir_part(name)) == NULL)
		return -1;
	if (*dir == '\0' && dirfd != AT_FDCWD) {
		a->dirfd = dirfd;
		a->own_dir = false;
	} else if ((a->dirfd = open_dir(dirfd, dir)) != -1)
		a->own_dir = true;
	free(dir);
	return a->dirfd == -1 ? -1 : 0;
}

static int
make_temp(struct atomic *a, mode_t mode)
{
	int i, fl = (a->readable ? O_RDWR : O_WRONLY) | O_CLOEXEC | O_NOCTTY;

	a->fd = openat(a->dirfd, ".", O_TMPFILE | fl, mode);
	if (a->fd != -1) {
		a->unnamed = true;
		return 0;
	}
	/* No O_TMPFILE here (EOPNOTSUPP), or before Linux 3.11 (EISDIR). */
	if (errno != EOPNOTSUPP && errno != EISDIR)
		return -1;
	for (i = 0; i < HIDDEN_TRIES; i++) {
		hidden_name(a->tmp);
		a->fd = openat(a->dirfd, a->tmp, fl | O_CREAT | O_EXCL |
		    O_NOFOLLOW, mode);
		if (a->fd != -1)
			return 0;
		if (errno != EEXIST)
			break;
	}
	a->tmp[0] = '\0';
	return -1;
}

/*
 * cp writes through an existing file, which so keeps its owner and
 * mode; the file that replaces it gets them, as far as we may give
 * them.  What --preserve asks for is applied after this.
 */
static void
inherit(const struct atomic *a, const struct copier *c, const struct stat *old)
{
	mode_t mode = old->st_mode & 07777;
	struct stat tmp;

	/*
	 * In a set-group-ID directory the temporary has that directory's
	 * group, not ours: compare with what it has.
	 */
	if (!c->o->keep_owner && (fstat(a->fd, &tmp) == -1 ||
	    old->st_uid != tmp.st_uid || old->st_gid != tmp.st_gid) &&
	    fchown(a->fd, c->root ? old->st_uid : (uid_t)-1,
	    old->st_gid) == -1 && !c->root)
		mode &= ~(mode_t)(S_ISUID | S_ISGID);
	if (!c->root && old->st_uid != c->euid)
		mode &= ~(mode_t)(S_ISUID | S_ISGID);
	if (!c->o->keep_mode)
		(void)fchmod(a->fd, mode);
}

/*
 * Whether the copy to d is made atomically: a regular file copied by
 * name onto nothing, onto a regular file, or onto anything but a
 * directory that cp would remove first (--remove-destination, or a
 * backup).  dst is the destination as copy_entry saw it, or NULL.
 */
bool
atomic_applies(const struct copier *c, const struct loc *d,
    const struct stat *dst)
{
	if (!c->o->atomic || c->o->attr_only ||
	    strchr(last_component(d->name), '/') != NULL)
		return false;
	if (dst == NULL || S_ISREG(dst->st_mode))
		return true;
	return !S_ISDIR(dst->st_mode) && (c->o->remove_dest ||
	    c->o->backup != BACKUP_NONE);
}

/*
 * Make the temporary for d, with mode as a new file would get it; dst
 * is what is there to replace, or NULL.  Returns 0, or -1 after the
 * message, with nothing left behind.
 */
int
atomic_open(struct atomic *a, const struct copier *c, const struct loc *d,
    const struct stat *dst, mode_t mode)
{
	bool through;
	int fd;

	memset(a, 0, sizeof(*a));
	a->fd = a->dirfd = -1;
	a->path = d->path;
	a->replace = dst != NULL;
	a->sync = c->o->sync;
	a->readable = c->o->verify;
	if (locate(a, d, dst) == -1)
		goto fail;
	/*
	 * Where cp would write through the existing file (not with a
	 * backup, which moves it aside, nor --remove-destination), it opens
	 * it first and fails if it cannot, unless -f, which then removes it
	 * and makes a new one: the new file is like the old one only where
	 * cp's would be.
	 */
	through = a->replace && S_ISREG(dst->st_mode) && !c->o->remove_dest &&
	    c->o->backup == BACKUP_NONE;
	if (through) {
		fd = openat(a->dirfd, a->base, O_WRONLY | O_CLOEXEC |
		    O_NOCTTY | O_NONBLOCK);
		if (fd != -1)
			close(fd);
		else if (c->o->force)
			through = false;
		else
			goto fail;
	}
	if (make_temp(a, mode) == -1)
		goto fail;
	if (through)
		inherit(a, c, dst);
	return 0;
fail:
	diag(errno, "cannot create regular file %s", quote(d->path));
	atomic_discard(a);
	return -1;
}

/* Close the temporary, unlink its hidden name if it has one. */
void
atomic_discard(struct atomic *a)
{
	int saved = errno;

	if (a->fd != -1)
		(void)close(a->fd);
	if (a->tmp[0] != '\0')
		(void)unlinkat(a->dirfd, a->tmp, 0);
	if (a->own_dir && a->dirfd != -1)
		(void)close(a->dirfd);
	free(a->base);
	free(a->resolved);
	memset(a, 0, sizeof(*a));
	a->fd = a->dirfd = -1;
	errno = saved;
}

/*
 * Give the unnamed file a name: through /proc, which needs no privilege,
 * else AT_EMPTY_PATH, which needs CAP_DAC_READ_SEARCH.
 */
static int
link_fd(int fd, int dirfd, const char *name)
{
	char proc[32];

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, proc, dirfd, name, AT_SYMLINK_FOLLOW) == 0)
		return 0;
	if (errno != ENOENT)
		return -1;
	return linkat(fd, "", dirfd, name, AT_EMPTY_PATH);
}

/* The unnamed file under a hidden name, for renameat to take. */
static int
link_hidden(struct atomic *a)
{
	int i;

	for (i = 0; i < HIDDEN_TRIES; i++) {
		hidden_name(a->tmp);
		if (link_fd(a->fd, a->dirfd, a->tmp) == 0)
			return 0;
		if (errno != EEXIST)
			break;
	}
	a->tmp[0] = '\0';
	return -1;
}

/*
 * from to to in one directory; noreplace: fail with EEXIST rather than
 * replace a file there, by linkat and unlinkat where the filesystem or
 * the kernel (before 3.15) has no RENAME_NOREPLACE.
 */
int
rename_in(int dirfd, const char *from, const char *to, bool noreplace)
{
	if (!noreplace)
		return renameat(dirfd, from, dirfd, to);
	if (renameat2(dirfd, from, dirfd, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	if (linkat(dirfd, from, dirfd, to, 0) == -1)
		return -1;
	(void)unlinkat(dirfd, from, 0);
	return 0;
}

/* Hidden name to the final one, failing if a file appeared there. */
static int
rename_noreplace(struct atomic *a)
{
	return rename_in(a->dirfd, a->tmp, a->base, true);
}

static int
close_temp(struct atomic *a)
{
	int rc = close(a->fd);

	a->fd = -1;
	if (rc == -1)
		diag(errno, "failed to close %s", quote(a->path));
	return rc;
}

static void
publish_failed(const struct atomic *a)
{
	struct stat lst;

	if (errno == EEXIST && !a->replace &&
	    fstatat(a->dirfd, a->base, &lst, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(lst.st_mode))
		diag(0, "not writing through dangling symlink %s",
		    quote(a->path));
	else
		diag(errno, "cannot create regular file %s", quote(a->path));
}

/* The temporary, under its hidden name, to the final name. */
static int
publish_named(struct atomic *a)
{
	if (close_temp(a) == -1)
		return -1;
	if ((a->replace ? renameat(a->dirfd, a->tmp, a->dirfd, a->base) :
	    rename_noreplace(a)) == -1) {
		publish_failed(a);
		return -1;
	}
	a->tmp[0] = '\0';
	return 0;
}

/*
 * An unnamed file onto nothing is linked in one step, so that even
 * SIGKILL leaves nothing; onto a file it needs a hidden name first,
 * since renameat takes names only.
 */
static int
publish_unnamed(struct atomic *a)
{
	if (!a->replace) {
		if (link_fd(a->fd, a->dirfd, a->base) == -1) {
			publish_failed(a);
			return -1;
		}
		if (close_temp(a) == -1) {
			(void)unlinkat(a->dirfd, a->base, 0);
			return -1;
		}
		return 0;
	}
	if (link_hidden(a) == -1) {
		diag(errno, "cannot create regular file %s", quote(a->path));
		return -1;
	}
	return publish_named(a);
}

/*
 * End the copy: publish the temporary if the copy went well (rc == 0)
 * and no signal asked us to stop, else drop it.  Returns 0, or -1 after
 * the message (none for a stop request), with nothing left behind but
 * what was there before.
 */
int
atomic_publish(struct atomic *a, int rc)
{
	if (rc == 0 && sig_pending() != 0)
		rc = -1;
	if (rc == 0 && a->sync)
		rc = sync_file(a->fd, a->path);
	if (rc == 0)
		rc = a->unnamed ? publish_unnamed(a) : publish_named(a);
	if (rc == 0 && a->sync)
		rc = sync_dir(a->dirfd, a->resolved != NULL ? a->resolved :
		    a->path);
	atomic_discard(a);
	return rc;
}

/*
 * Make something under a fresh hidden name beside d with make(arg,
 * dirfd, name), then rename it to "to" (a name in the same directory),
 * so that "to" changes in one step.  Returns 0, or -1 with errno set
 * and nothing left behind; *made says whether make ever succeeded.
 */
static int
beside(const struct loc *d, int (*make)(void *, int, const char *),
    void *arg, const char *to, bool noreplace, bool *made)
{
	char *dir = dir_part(d->name), *tmp = NULL;
	size_t len;
	int i, rc = -1, saved;

	*made = false;
	if (dir == NULL || (tmp = malloc(strlen(dir) + sizeof(HIDDEN_PREFIX) +
	    HIDDEN_RANDOM)) == NULL)
		goto out;
	len = strlen(dir);
	memcpy(tmp, dir, len);
	for (i = 0; i < HIDDEN_TRIES && rc == -1; i++) {
		hidden_name(tmp + len);
		rc = make(arg, d->dirfd, tmp);
		if (rc == -1 && errno != EEXIST)
			goto out;
	}
	if (rc == 0) {
		*made = true;
		rc = rename_in(d->dirfd, tmp, to, noreplace);
		saved = errno;
		/*
		 * Gone after a rename, unless "to" was another link of the
		 * same file: rename(2) then does nothing and says 0.
		 */
		(void)unlinkat(d->dirfd, tmp, 0);
		errno = saved;
	}
out:
	free(tmp);
	free(dir);
	return rc;
}

static int
link_to_name(void *from, int dirfd, const char *name)
{
	const struct loc *d = from;

	return linkat(d->dirfd, d->name, dirfd, name, 0);
}

/*
 * --backup with --atomic: the backup is made a second name of the old
 * file, so that the destination's name never goes missing (the new file
 * is renamed over it at the end), and an old backup is replaced in one
 * step.  A filesystem without hard links gets cp's rename instead.
 * Returns 0 (linked), 1 (renamed away), or -1 with errno set.
 */
int
atomic_backup(const struct loc *d, const char *backup, bool noreplace)
{
	bool made;

	if (beside(d, link_to_name, (void *)d, backup, noreplace, &made) == 0)
		return 0;
	if (!made && (errno == EPERM || errno == EOPNOTSUPP ||
	    errno == EMLINK || errno == ENOSYS))
		return rename_in(d->dirfd, d->name, backup, noreplace) == 0 ?
		    1 : -1;
	return -1;
}

/*
 * Make a name at d with make(arg, dirfd, name), as cp's force_linkat and
 * force_symlinkat: where something is there already and replace is
 * true, make it under a hidden name beside it and rename that over it,
 * so that a failure (EXDEV, EMLINK, ENOSPC) leaves the old file there.
 * Returns 0, 1 if it replaced a file, or -1 with errno set.
 */
int
atomic_make(const struct loc *d, bool replace,
    int (*make)(void *, int, const char *), void *arg)
{
	bool made;

	if (make(arg, d->dirfd, d->name) == 0)
		return 0;
	if (errno != EEXIST || !replace)
		return -1;
	return beside(d, make, arg, d->name, false, &made) == 0 ? 1 : -1;
}
