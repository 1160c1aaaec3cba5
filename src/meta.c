/*
 * meta: what --preserve keeps: ownership, mode (with ACLs: acl.c),
 * timestamps, xattrs.  Each works on the open descriptor when there is
 * one, else on the name without following a symlink.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/xattr.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cp.h"
#include "diag.h"

/*
 * Not being allowed to give a file away is fine for an unprivileged
 * user, as for cp: the group is still tried, and the mode then loses
 * its set-ID bits.  Returns 1 if preserved, 0 if not (but fine), -1.
 */
static int
keep_owner(const struct copier *c, const struct loc *d, int fd,
    const struct stat *st)
{
	int rc;

	rc = fd != -1 ? fchown(fd, st->st_uid, st->st_gid) :
	    fchownat(d->dirfd, d->name, st->st_uid, st->st_gid,
	    AT_SYMLINK_NOFOLLOW);
	if (rc == 0)
		return 1;
	if (!c->root && (errno == EPERM || errno == EINVAL)) {
		if (fd != -1)
			(void)fchown(fd, (uid_t)-1, st->st_gid);
		else
			(void)fchownat(d->dirfd, d->name, (uid_t)-1,
			    st->st_gid, AT_SYMLINK_NOFOLLOW);
		return 0;
	}
	diag(errno, "failed to preserve ownership for %s", quote(d->path));
	return -1;
}

int
meta_chmod(const struct loc *d, int fd, mode_t mode)
{
	int rc = fd != -1 ? fchmod(fd, mode) : fchmodat(d->dirfd, d->name,
	    mode, 0);

	if (rc == -1) {
		diag(errno, "preserving permissions for %s",
		    quote(d->path));
		return -1;
	}
	return 0;
}

/* cp words a failure on a --parents directory (re_protect) its way. */
static int
keep_times(const struct loc *d, int fd, const struct stat *st, int flags)
{
	const struct timespec ts[2] = { st->st_atim, st->st_mtim };
	int rc = fd != -1 ? futimens(fd, ts) :
	    utimensat(d->dirfd, d->name, ts, flags & META_PARENT ? 0 :
	    AT_SYMLINK_NOFOLLOW);

	if (rc == -1) {
		diag(errno, flags & META_PARENT ? "failed to preserve times"
		    " for %s" : "preserving times for %s", quote(d->path));
		return -1;
	}
	return 0;
}

/*
 * The mode as cp's copy_acl leaves it: the source's ACLs, and mode's
 * set-ID and sticky bits if it has any; if not, setting the ACL leaves
 * those the copy has (the sticky bit a directory was made with, the
 * set-group-ID bit it inherited).  A copy just made where no default
 * ACL applies, from a source without ACLs, has no ACL to replace: a
 * chmod does all there is to do, if even that, unless it would clear
 * such bits.
 */
static int
keep_mode(const struct loc *d, int fd, const struct stat *st, mode_t mode,
    bool made, const struct perm *p)
{
	if (made && p->acls == 0 && ((mode & SPECIAL_BITS) ||
	    !(p->made & SPECIAL_BITS)))
		return p->made == mode ? 0 : meta_chmod(d, fd, mode);
	return acl_copy(p, d, fd, mode, S_ISDIR(st->st_mode));
}

/*
 * Timestamps, then ownership (chown clears set-ID bits), then the mode
 * and ACLs.  p is NULL for a symlink, which has no mode of its own.
 * flags: META_CREATED for a file made just now, whose owner and mode
 * may already be right: in a tree of many files, that saves two calls
 * each.
 */
int
meta_preserve(const struct copier *c, const struct loc *d, int fd,
    const struct stat *st, int flags, const struct perm *p)
{
	mode_t mode = st->st_mode & 07777;
	bool made = (flags & META_CREATED) && d->plain;
	int rc = 0, owned = 1;

	if (!c->o->keep_times && !c->o->keep_owner && !c->o->keep_mode)
		return 0;
	if (c->o->keep_times && keep_times(d, fd, st, flags) == -1)
		rc = -1;
	if (flags & META_TIMES)
		return rc;
	if (c->o->keep_owner && !(flags & META_SAME_OWNER) &&
	    !(made && st->st_uid == c->euid && st->st_gid == d->newgid)) {
		owned = keep_owner(c, d, fd, st);
		if (owned == -1)
			rc = -1;
	}
	/*
	 * As cp: the sticky bit goes too, yet a directory made with it
	 * keeps it, since keep_mode then leaves such bits as they are.
	 */
	if (owned != 1)
		mode &= ~(mode_t)SPECIAL_BITS;
	if (c->o->keep_mode && p != NULL &&
	    keep_mode(d, fd, st, mode, made, p) == -1)
		rc = -1;
	return rc;
}

/*
 * Which attributes travel.  ACLs are the mode's business, as in cp
 * (meta_preserve); SELinux labels and other system.* names are not
 * copied.
 */
static bool
xattr_wanted(const struct copier *c, const char *name)
{
	if (!c->o->keep_xattr)
		return false;
	return strncmp(name, "system.", 7) != 0 &&
	    strcmp(name, "security.selinux") != 0 &&
	    strcmp(name, "security.evm") != 0;
}

/* Which ACL an xattr name is, for struct perm. */
static int
xattr_acl(const char *name)
{
	if (strcmp(name, "system.posix_acl_access") == 0)
		return ACL_ACCESS;
	if (strcmp(name, "system.posix_acl_default") == 0)
		return ACL_DEFAULT;
	return 0;
}

static bool
xattr_quiet(const struct copier *c, int err)
{
	return !c->o->require_xattr && (err == ENOTSUP || c->o->quiet_xattr);
}

static ssize_t
list_xattrs(const struct loc *s, int fd, char *buf, size_t size)
{
	return fd != -1 ? flistxattr(fd, buf, size) :
	    llistxattr(s->path, buf, size);
}

static int
copy_one_xattr(const struct copier *c, const struct loc *s, int sfd,
    const struct loc *d, int dfd, const char *name)
{
	char *val = NULL;
	ssize_t n = 0;
	int rc;

	for (;;) {
		n = sfd != -1 ? fgetxattr(sfd, name, val, (size_t)n) :
		    lgetxattr(s->path, name, val, (size_t)n);
		if (n == -1 || val != NULL)
			break;
		if ((val = malloc((size_t)n + 1)) == NULL)
			return -1;
	}
	if (n == -1) {
		free(val);
		if (xattr_quiet(c, errno))
			return 0;
		diag(errno, "getting attribute %s of %s", quote_n(0, name),
		    quote_n(1, s->path));
		return -1;
	}
	rc = dfd != -1 ? fsetxattr(dfd, name, val, (size_t)n, 0) :
	    lsetxattr(d->path, name, val, (size_t)n, 0);
	free(val);
	if (rc == -1 && !xattr_quiet(c, errno)) {
		diag(errno, "setting attribute %s for %s", quote_n(0, name),
		    quote_n(1, d->path));
		return -1;
	}
	return 0;
}

/*
 * The xattrs -a or --preserve=xattr copy; *acls gets which ACLs the
 * listing shows the source has (ACL_UNKNOWN where there was none).
 */
int
meta_xattrs(const struct copier *c, const struct loc *s, int sfd,
    const struct loc *d, int dfd, int *acls)
{
	ssize_t len;
	char *names, *p;
	int rc = 0;

	*acls = ACL_UNKNOWN;
	if (!c->o->keep_xattr && !c->o->keep_mode)
		return 0;
	if ((len = list_xattrs(s, sfd, NULL, 0)) <= 0) {
		if (len == 0)
			*acls = 0;
		if (len == 0 || xattr_quiet(c, errno))
			return 0;
		diag(errno, "listing attributes of %s", quote(s->path));
		return -1;
	}
	if ((names = malloc((size_t)len)) == NULL)
		return -1;
	if ((len = list_xattrs(s, sfd, names, (size_t)len)) >= 0)
		*acls = 0;
	for (p = names; len > 0 && p < names + len; p += strlen(p) + 1) {
		*acls |= xattr_acl(p);
		if (xattr_wanted(c, p) &&
		    copy_one_xattr(c, s, sfd, d, dfd, p) == -1)
			rc = -1;
	}
	free(names);
	return c->o->require_xattr ? rc : 0;
}
