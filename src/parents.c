/*
 * parents: --parents, as GNU cp 9.1's make_dir_parents_private and
 * re_protect: SOURCE a/b/c goes to DIR/a/b/c, and the directories DIR/a
 * and DIR/a/b are made like a and a/b where they are missing, then given
 * their sources' attributes once the copy is done.
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

/* One directory on the way, to fix up after the copy. */
struct parent {
	char		*src;		/* the source directory */
	char		*dst;		/* the directory made or met for it */
	struct stat	 st;		/* the source's, st_mode as to restore */
	bool		 restore;	/* set st_mode even without -p */
};

struct parents {
	struct parent	*v;
	size_t		 n;
	bool		 made_last;	/* the last directory was made now */
};

/*
 * Whether a name, taken a component at a time, climbs above where it
 * starts ("..", "a/../.."): under --parents that would be outside the
 * target directory.
 */
static bool
climbs_out(const char *name)
{
	long depth = 0;
	size_t len;

	while (*(name += strspn(name, "/")) != '\0') {
		len = strcspn(name, "/");
		if (len == 2 && name[0] == '.' && name[1] == '.')
			depth--;
		else if (!(len == 1 && name[0] == '.'))
			depth++;
		if (depth < 0)
			return true;
		name += len;
	}
	return false;
}

/*
 * A directory of the destination that is a symlink this run made from
 * an earlier operand leads wherever that source's link led: never copy
 * through it (cp checks only the last component).
 */
static bool
through_new_symlink(struct copier *c, const char *src, const char *dir)
{
	struct loc d = LOC_CWD(dir);
	struct stat lst;

	if (!c->many || lstat(dir, &lst) == -1 || !S_ISLNK(lst.st_mode) ||
	    !(seen_link_was_made(c->seen, &lst) ||
	    seen_top_was_made(c->seen, &d, &lst)))
		return false;
	diag(0, "will not copy %s through just-created symlink %s",
	    quote_n(0, src), quote_n(1, dir));
	return true;
}

/* Each directory of dir (from off on) checked, for a run of several. */
static int
through_new_symlinks(struct copier *c, const char *src, char *dir, size_t off)
{
	char *slash = dir + off;
	int rc = 0;

	if (!c->many)
		return 0;
	while (rc == 0 && (slash = strchr(slash + 1, '/')) != NULL) {
		*slash = '\0';
		if (through_new_symlink(c, src, dir))
			rc = -1;
		*slash = '/';
	}
	if (rc == 0 && through_new_symlink(c, src, dir))
		rc = -1;
	return rc;
}

/* A missing directory made like its source st; p gets what to restore. */
static int
make_parent(struct copier *c, const char *src, const char *dir,
    struct parent *p)
{
	const struct cpopts *o = c->o;
	mode_t omit = p->st.st_mode & (o->keep_owner ? 077 : o->keep_mode ?
	    022 : 0);
	mode_t mode = (o->no_mode ? 0777 : p->st.st_mode & 07777) & ~omit;
	struct stat st;

	if (mkdir(dir, mode) == -1) {
		diag(errno, "cannot make directory %s", quote(dir));
		return -1;
	}
	if (o->verbose) {
		diag_line();
		fprintf(out_to(stdout), "%s -> %s\n", src, dir);
	}
	if (lstat(dir, &st) == -1) {
		diag(errno, "failed to get attributes of %s", quote(dir));
		return -1;
	}
	if (!o->keep_mode) {
		if (omit & ~st.st_mode)
			omit &= ~c->umask;
		if ((omit & ~st.st_mode) || (st.st_mode & S_IRWXU) != S_IRWXU) {
			p->st.st_mode = st.st_mode | omit;
			p->restore = true;
		}
	}
	/* Writable and searchable while it is filled. */
	if ((st.st_mode | S_IRWXU) != st.st_mode &&
	    chmod(dir, st.st_mode | S_IRWXU) == -1) {
		diag(errno, "setting permissions for %s", quote(dir));
		return -1;
	}
	return 0;
}

/* One component: dir (for src), missing or met; cp lists it to fix up
 * if it was made, or with -p. */
static int
one_parent(struct copier *c, const char *src, const char *dir,
    struct parents *ps)
{
	const struct cpopts *o = c->o;
	struct parent *nv, p = { 0 };
	struct stat st;
	bool missing = stat(dir, &st) == -1;
	int err;

	if (!missing && through_new_symlink(c, src, dir))
		return -1;
	if (missing || o->keep_owner || o->keep_mode || o->keep_times) {
		err = stat(src, &p.st) == -1 ? errno :
		    S_ISDIR(p.st.st_mode) ? 0 : ENOTDIR;
		if (err != 0) {
			diag(err, "failed to get attributes of %s",
			    quote(src));
			return -1;
		}
		if ((nv = reallocarray(ps->v, ps->n + 1, sizeof(*nv))) == NULL)
			return -1;
		ps->v = nv;
		p.src = strdup(src);
		p.dst = strdup(dir);
		ps->v[ps->n++] = p;
	}
	ps->made_last = missing;
	if (missing)
		return make_parent(c, src, dir, &ps->v[ps->n - 1]);
	if (!S_ISDIR(st.st_mode)) {
		diag(0, "%s exists but is not a directory", quote(dir));
		return -1;
	}
	return 0;
}

/*
 * The directories of dst that --parents makes: dst is the target, a
 * slash and src without its leading slashes (from offset off on).  As
 * cp, nothing is made or fixed up when the last one is there already.
 */
static int
make_parents(struct copier *c, const char *src, const char *dst, size_t off,
    struct parents *ps)
{
	size_t lead = strspn(src, "/"), dirlen, at;
	char *s = strdup(src), *d = strdup(dst), *slash;
	struct stat st;
	int rc = -1;

	if (s == NULL || d == NULL)
		goto done;
	dirlen = (size_t)(last_component(d) - d);
	while (dirlen > off && d[dirlen - 1] == '/')
		dirlen--;
	rc = 0;
	if (dirlen <= off)
		goto done;
	d[dirlen] = '\0';
	if (stat(d, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			diag(0, "%s exists but is not a directory", quote(d));
			rc = -1;
		} else
			rc = through_new_symlinks(c, s, d, off);
		goto done;
	}
	d[dirlen] = dst[dirlen];
	for (slash = strchr(d + off, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		at = lead + (size_t)(slash - (d + off));
		*slash = s[at] = '\0';
		if ((rc = one_parent(c, s, d, ps)) == -1)
			goto done;
		*slash = s[at] = '/';
		while (slash[1] == '/')
			slash++;
	}
done:
	free(s);
	free(d);
	return rc;
}

/* cp's re_protect: each directory on the way like its source. */
static int
fix_parent(struct copier *c, const struct parent *pa)
{
	const struct cpopts *o = c->o;
	struct loc d = LOC_CWD(pa->dst), s = LOC_CWD(pa->src);
	const struct perm p = { &s, -1, ACL_UNKNOWN, 0 };

	if ((o->keep_mode || o->keep_owner || o->keep_times) &&
	    meta_preserve(c, &d, -1, &pa->st, META_PARENT, &p) == -1)
		return -1;
	if (!o->keep_mode && pa->restore && chmod(pa->dst, pa->st.st_mode) ==
	    -1) {
		diag(errno, "failed to preserve permissions for %s",
		    quote(pa->dst));
		return -1;
	}
	return 0;
}

/* Innermost first; cp stops at the first failure. */
static int
fix_parents(struct copier *c, struct parents *ps, bool fix)
{
	int rc = 0;

	while (ps->n-- > 0) {
		if (fix && rc == 0 && fix_parent(c, &ps->v[ps->n]) == -1)
			rc = -1;
		free(ps->v[ps->n].src);
		free(ps->v[ps->n].dst);
	}
	free(ps->v);
	return rc;
}

/*
 * SOURCE to TARGET/SOURCE.  A source that climbs out of where it starts
 * is refused: GNU cp 9.1 writes "cp --parents ../f dir" to dir/../f,
 * outside the directory it was given.  Trailing slashes stay on the
 * source and are not made into a directory of the destination.
 */
int
copy_with_parents(struct copier *c, const char *src, const char *target)
{
	struct parents ps = { 0 };
	char *bare = strdup(src), *dst = NULL;
	size_t off;
	int rc = -1;

	if (bare == NULL)
		return -1;
	if (climbs_out(src)) {
		diag(0, "with --parents, %s would be copied outside %s",
		    quote_n(0, src), quote_n(1, target));
		goto out;
	}
	strip_trailing_slashes(bare);
	if ((dst = path_join(target, bare + strspn(bare, "/"))) == NULL)
		goto out;
	off = strlen(dst) - strlen(bare + strspn(bare, "/"));
	if (make_parents(c, bare, dst, off, &ps) == -1) {
		fix_parents(c, &ps, false);
		goto out;
	}
	rc = copy_top(c, src, dst, ps.made_last);
	if (fix_parents(c, &ps, true) == -1)
		rc = -1;
out:
	free(dst);
	free(bare);
	return rc;
}
