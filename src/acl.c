/*
 * acl: a copy's mode and ACLs as cp 9.1 leaves them, through libacl as
 * gnulib's copy_acl and set_acl do: the source's access ACL (its mode
 * as the whole ACL when it has none) replaces whatever the copy has,
 * inherited or its own; a directory gets the source's default ACL or
 * loses its own.  Setting an ACL leaves the set-ID and sticky bits as
 * they are, so a mode with some is set by chmod first, as gnulib does.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/acl.h>
#include <acl/libacl.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>

#include "cp.h"
#include "diag.h"

/* The source's ACLs, read as gnulib's get_permissions reads them. */
struct acls {
	acl_t	 access;	/* NULL: none readable, the mode stands */
	acl_t	 dflt;		/* a directory's, NULL if it has none */
};

/*
 * libacl takes names for what zcp holds as descriptors: the file an fd
 * is open on, or a name in a directory fd, through /proc.
 */
static const char *
acl_name(char *buf, size_t size, int fd, const struct loc *l)
{
	int n;

	if (fd >= 0)
		n = snprintf(buf, size, "/proc/self/fd/%d", fd);
	else if (l->dirfd != AT_FDCWD && l->name[0] != '/')
		n = snprintf(buf, size, "/proc/self/fd/%d/%s", l->dirfd,
		    l->name);
	else
		return l->name;
	return n >= 0 && (size_t)n < size ? buf : l->path;
}

/*
 * gnulib's acl_errno_valid: these say the file system has no ACLs
 * (ENOTSUP is EOPNOTSUPP on Linux).
 */
static bool
unsupported(int err)
{
	return err == EOPNOTSUPP || err == ENOSYS || err == EINVAL ||
	    err == EBUSY;
}

/*
 * Returns 0, or -1 with errno for cp's message about the source.  What
 * the listing showed absent is not read: an access ACL is then the mode
 * as libacl would read it, a default ACL none.
 */
static int
read_acls(const struct perm *p, mode_t mode, bool dir, struct acls *a)
{
	char buf[PATH_MAX];
	const char *name = acl_name(buf, sizeof(buf), p->sfd, p->src);

	a->access = a->dflt = NULL;
	if (!(p->acls & (ACL_ACCESS | ACL_UNKNOWN)))
		a->access = acl_from_mode(mode);
	else if (p->sfd >= 0)
		a->access = acl_get_fd(p->sfd);
	else
		a->access = acl_get_file(name, ACL_TYPE_ACCESS);
	/* A file system without ACLs: the mode stands for them. */
	if (a->access == NULL)
		return unsupported(errno) ? 0 : -1;
	if (dir && (p->acls & (ACL_DEFAULT | ACL_UNKNOWN)) &&
	    (a->dflt = acl_get_file(name, ACL_TYPE_DEFAULT)) == NULL)
		return -1;
	return 0;
}

static void
free_acls(struct acls *a)
{
	if (a->access != NULL)
		acl_free(a->access);
	if (a->dflt != NULL)
		acl_free(a->dflt);
}

static int
set_mode(const struct loc *d, int fd, mode_t mode)
{
	return fd >= 0 ? fchmod(fd, mode) : fchmodat(d->dirfd, d->name, mode,
	    0);
}

/* acl as the access ACL: 0, or the errno of the failure. */
static int
set_access(const char *name, int fd, acl_t acl)
{
	if ((fd >= 0 ? acl_set_fd(fd, acl) : acl_set_file(name,
	    ACL_TYPE_ACCESS, acl)) == 0)
		return 0;
	return errno;
}

/* A directory's default ACL: dflt if it has entries, else none. */
static int
set_default(const char *name, acl_t dflt)
{
	if (dflt != NULL && acl_entries(dflt) > 0)
		return acl_set_file(name, ACL_TYPE_DEFAULT, dflt);
	return acl_delete_def_file(name);
}

/*
 * gnulib's set_permissions on Linux: the source's ACL, or failing that
 * the mode as the whole ACL; where the file system has no ACLs, chmod,
 * an error only if the source's ACL says more than its mode.  The first
 * error is the one reported, after doing what can still be done.
 */
static int
set_perms(const struct loc *d, int fd, mode_t mode, const struct acls *a,
    bool dir)
{
	char buf[PATH_MAX];
	const char *name = acl_name(buf, sizeof(buf), fd, d);
	bool early = (mode & SPECIAL_BITS) != 0, none = false;
	int e, err = 0;
	acl_t own;

	if (early && set_mode(d, fd, mode) == -1)
		return -1;
	if (a->access != NULL) {
		if ((e = set_access(name, fd, a->access)) == 0)
			return dir ? set_default(name, a->dflt) : 0;
		none = unsupported(e);
		if (!none || acl_equiv_mode(a->access, NULL) != 0)
			err = e;
	}
	if (!none) {
		if ((own = acl_from_mode(mode)) == NULL)
			return -1;
		e = set_access(name, fd, own);
		acl_free(own);
		if (e == 0) {
			if (dir && set_default(name, NULL) == -1 && err == 0)
				err = errno;
			goto done;
		}
		if (!unsupported(e) && err == 0)
			err = e;
	}
	if (!early && set_mode(d, fd, mode) == -1 && err == 0)
		err = errno;
done:
	errno = err;
	return err != 0 ? -1 : 0;
}

/*
 * --preserve=mode, as cp's copy_acl: the source's ACLs, found as p says,
 * to the copy at d (through fd if not -1), with mode's set-ID and sticky
 * bits.  Returns 0, or -1 after cp's message.
 */
int
acl_copy(const struct perm *p, const struct loc *d, int fd, mode_t mode,
    bool dir)
{
	struct acls a;
	int rc = 0;

	if (read_acls(p, mode, dir, &a) == -1) {
		diag(errno, "%s", quote_arg(p->src->path));
		rc = -1;
	} else if (set_perms(d, fd, mode, &a, dir) == -1) {
		diag(errno, "preserving permissions for %s",
		    quote_arg(d->path));
		rc = -1;
	}
	free_acls(&a);
	return rc;
}

/*
 * --no-preserve=mode, as cp's set_acl for a file it made: mode as the
 * whole access ACL, which drops what a default ACL gave it; a directory
 * keeps the default ACL it inherited, as with cp.
 */
int
acl_reset(const struct loc *d, int fd, mode_t mode)
{
	const struct acls a = { NULL, NULL };

	if (set_perms(d, fd, mode, &a, false) == -1) {
		diag(errno, "setting permissions for %s", quote_arg(d->path));
		return -1;
	}
	return 0;
}

/*
 * A directory made for -p in one with a default ACL inherited it; cp
 * replaces it (or drops it) once the contents are copied.  Dropping it
 * at once lets the contents be made plain, and cheap to finish.
 */
void
acl_drop_default(int fd)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "/proc/self/fd/%d", fd);
	(void)acl_delete_def_file(buf);
}
