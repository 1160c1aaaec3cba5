/*
 * cp: GNU cp's operands: SOURCE DEST, SOURCE... DIRECTORY, -t, -T and
 * --parents, each source handed to copy_entry.
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
#include "diag.h"
#include "sig.h"

/* The last component of a name, trailing slashes included ("a/b/" is
 * "b/"), as gnulib's last_component. */
const char *
last_component(const char *name)
{
	const char *p, *base = name;
	bool slash = false;

	for (p = name; *p != '\0'; p++) {
		if (*p == '/')
			slash = true;
		else if (slash) {
			base = p;
			slash = false;
		}
	}
	return base;
}

void
strip_trailing_slashes(char *name)
{
	char *base = (char *)last_component(name), *end;

	if (*base == '\0')	/* all slashes */
		return;
	end = base + strlen(base);
	while (end > base + 1 && end[-1] == '/')
		end--;
	*end = '\0';
}

/* dir "/" name, with dir's trailing slashes folded as cp folds them. */
char *
path_join(const char *dir, const char *name)
{
	size_t len = strlen(dir);
	char *p;

	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (asprintf(&p, "%.*s%s%s", (int)len, dir, len > 0 &&
	    dir[len - 1] == '/' ? "" : "/", name) == -1)
		return NULL;
	return p;
}

/* fresh: dst's directory was made just now (--parents), as in cp. */
static int
copy_top(struct ctx *c, const char *src, const char *dst, bool fresh)
{
	struct loc s = LOC_CWD(src), d = LOC_CWD(dst);

	d.fresh = fresh;
	c->top_src = src;
	c->top_dst = dst;
	return copy_entry(c, &s, &d, true);
}

/* One directory --parents made or met, to fix up after the copy. */
struct parent {
	char		*src;		/* the source directory, for its ACLs */
	char		*dst;
	struct stat	 st;
	bool		 made;
};

static int
stat_dir(const char *path, struct stat *st, const char *what)
{
	if (stat(path, st) == -1) {
		diag(errno, "%s %s", what, quote(path));
		return -1;
	}
	if (!S_ISDIR(st->st_mode)) {
		diag(ENOTDIR, "%s %s", what, quote(path));
		return -1;
	}
	return 0;
}

/*
 * --parents: for source a/b/c make DIR/a and DIR/a/b, each like the
 * source directory of that name; -v says "a -> DIR/a" for those made.
 * rel is src without its leading slashes; it ends dst.
 */
static int
make_parents(struct ctx *c, const char *src, const char *dst,
    struct parent **out, size_t *nout, bool *made_last)
{
	size_t lead = strspn(src, "/"), at, off;
	char *s = strdup(src), *d = strdup(dst), *slash;
	struct parent *v = NULL, *nv;
	size_t n = 0;
	struct stat st;
	int rc = -1;

	*made_last = false;
	if (s == NULL || d == NULL)
		goto done;
	off = strlen(d) - strlen(s + lead);
	for (slash = strchr(s + lead, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		at = (size_t)(slash - s);
		s[at] = d[off + at - lead] = '\0';
		if (stat_dir(s, &st, "failed to get attributes of") == -1)
			goto done;
		if ((nv = reallocarray(v, n + 1, sizeof(*v))) == NULL)
			goto done;
		v = nv;
		v[n].st = st;
		v[n].made = mkdir(d, ((st.st_mode & 0777) | S_IRWXU) &
		    ~c->umask) == 0;
		if (v[n].made && c->o->verbose) {
			diag_line();
			printf("%s -> %s\n", s, d);
		}
		if (!v[n].made && (errno != EEXIST ||
		    stat_dir(d, &st, "cannot make directory") == -1)) {
			if (errno != EEXIST)
				diag(errno, "cannot make directory %s",
				    quote(d));
			goto done;
		}
		*made_last = v[n].made;
		v[n].src = strdup(s);
		v[n++].dst = strdup(d);
		s[at] = d[off + at - lead] = '/';
		while (slash[1] == '/')
			slash++;
	}
	rc = 0;
done:
	*out = v;
	*nout = n;
	free(s);
	free(d);
	return rc;
}

/* One directory --parents made or met, like its source: cp's re_protect. */
static int
fix_parent(struct ctx *c, const struct parent *pa)
{
	const struct cpopts *o = c->o;
	struct loc d = LOC_CWD(pa->dst), s = LOC_CWD(pa->src);
	const struct perm p = { &s, -1, ACL_UNKNOWN, 0 };
	mode_t want = (pa->st.st_mode & 0777) & ~c->umask;

	if (o->keep_mode || o->keep_owner || o->keep_times)
		return meta_preserve(c, &d, -1, &pa->st, 0, &p);
	if (pa->made && (((pa->st.st_mode & 0777) | S_IRWXU) & ~c->umask) !=
	    want)
		return meta_chmod(&d, -1, want);
	return 0;
}

static int
fix_parents(struct ctx *c, struct parent *v, size_t n)
{
	int rc = 0;

	while (n-- > 0) {
		if (v[n].src != NULL && v[n].dst != NULL &&
		    fix_parent(c, &v[n]) == -1)
			rc = -1;
		free(v[n].src);
		free(v[n].dst);
	}
	free(v);
	return rc;
}

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

static int
copy_with_parents(struct ctx *c, const char *src, const char *target)
{
	struct parent *v;
	char *dst;
	size_t n;
	bool made;
	int rc;

	/*
	 * GNU cp 9.1 writes "cp --parents ../f dir" to dir/../f, outside
	 * the directory it was given: refuse instead.
	 */
	if (climbs_out(src)) {
		diag(0, "with --parents, %s would be copied outside %s",
		    quote_n(0, src), quote_n(1, target));
		return -1;
	}
	if ((dst = path_join(target, src + strspn(src, "/"))) == NULL)
		return -1;
	rc = make_parents(c, src, dst, &v, &n, &made);
	if (rc == 0)
		rc = copy_top(c, src, dst, made);
	if (fix_parents(c, v, n) == -1)
		rc = -1;
	free(dst);
	return rc;
}

static int
copy_into(struct ctx *c, const char *arg, const char *target)
{
	char *src = strdup(arg), *base, *dst;
	int rc;

	if (src == NULL)
		return -1;
	if (c->o->strip_slashes)
		strip_trailing_slashes(src);
	if (c->o->parents) {
		rc = copy_with_parents(c, src, target);
		free(src);
		return rc;
	}
	if ((base = strdup(last_component(src))) == NULL) {
		free(src);
		return -1;
	}
	strip_trailing_slashes(base);
	/* As cp: "cp -r a/b/.. t" copies into t/., never into t/.. */
	dst = path_join(target, strcmp(base, "..") == 0 ? "." : base);
	rc = dst != NULL ? copy_top(c, src, dst, false) : -1;
	free(dst);
	free(base);
	free(src);
	return rc;
}

/*
 * SOURCE DEST.  cp turns "cp --force --backup f f" into a copy of f to
 * its backup name, f staying as it is.
 */
static int
copy_pair(struct ctx *c, const char *src, const char *dst)
{
	const struct cpopts *o = c->o;
	struct cpopts plain;
	struct stat st;
	char *backup;
	int rc, how;

	if (!o->force || o->backup == BACKUP_NONE || strcmp(src, dst) != 0 ||
	    stat(dst, &st) != 0 || !S_ISREG(st.st_mode))
		return copy_top(c, src, dst, false) == 0 ? 0 : -1;
	if ((backup = backup_name(AT_FDCWD, dst, o->backup, o->suffix,
	    &how)) == NULL) {
		diag(errno, "cannot backup %s", quote(dst));
		return -1;
	}
	plain = *o;
	plain.backup = BACKUP_NONE;
	c->o = &plain;
	rc = copy_top(c, src, backup, false);
	c->o = o;
	free(backup);
	return rc == 0 ? 0 : -1;
}

/* Returns 0 if every source was copied, -1 otherwise (or on a usage
 * error, after its message). */
int
cp_main(struct ctx *c, int n, char **ops)
{
	const struct cpopts *o = c->o;
	const char *target = NULL;
	struct stat st;
	int i, nsrc = n, rc = 0;

	if (n == 0 || (n == 1 && o->target_dir == NULL)) {
		if (n == 0)
			diag_usage("missing file operand");
		else
			diag_usage("missing destination file operand after %s",
			    quote(ops[0]));
		return -1;
	}
	if (o->target_dir != NULL) {
		target = o->target_dir;
		if (stat_dir(target, &st, "target directory") == -1)
			return -1;
	} else if (o->no_target_dir) {
		if (n > 2) {
			diag_usage("extra operand %s", quote(ops[2]));
			return -1;
		}
	} else if (n > 2 || (stat(ops[n - 1], &st) == 0 &&
	    S_ISDIR(st.st_mode))) {
		target = ops[--nsrc];
		if (n > 2 && stat_dir(target, &st, "target") == -1)
			return -1;
	}
	if (o->parents && target == NULL) {
		diag_usage("with --parents, the destination must be a"
		    " directory");
		return -1;
	}
	if (target == NULL)
		return copy_pair(c, ops[0], ops[1]);
	c->many = nsrc > 1;
	for (i = 0; i < nsrc && sig_pending() == 0; i++)
		if (copy_into(c, ops[i], target) != 0)
			rc = -1;
	return rc;
}
