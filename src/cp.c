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
#include "pool.h"
#include "sig.h"

/* fresh: dst's directory was made just now (--parents), as in cp. */
int
copy_top(struct copier *c, const char *src, const char *dst, bool fresh)
{
	struct loc s = LOC_CWD(src), d = LOC_CWD(dst);
	struct copier w = *c;
	int rc;

	d.fresh = fresh;
	w.top_src = src;
	w.top_dst = dst;
	w.top_dev = 0;
	w.made_dir = false;
	w.dirs = (struct dirstack){ .pool = c->pool };
	rc = copy_entry(&w, &s, &d, true);
	/* Its files done and its lines printed before the next source's. */
	pool_drain(c->pool);
	return rc;
}

/* How many slashes end name (but its first character). */
static size_t
trailing_slashes(const char *name)
{
	size_t len = strlen(name), n = 0;

	while (n + 1 < len && name[len - 1 - n] == '/')
		n++;
	return n;
}

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

static int
copy_into(struct copier *c, const char *arg, const char *target)
{
	char *src = strdup(arg), *base, *dst;
	int rc;

	if (src == NULL)
		return -1;
	if (c->o->strip_slashes)
		strip_trailing_slashes(src);
	/*
	 * "/" has no name to give its copy in DIRECTORY: cp 9.1 tries to
	 * make "DIRECTORY/" and fails, copying nothing.
	 */
	if (src[strspn(src, "/")] == '\0' && src[0] != '\0') {
		rc = asprintf(&dst, "%.*s/", (int)(strlen(target) -
		    trailing_slashes(target)), target);
		diag(ENOENT, "cannot create directory %s", quote(rc == -1 ?
		    target : dst));
		if (rc != -1)
			free(dst);
		free(src);
		return -1;
	}
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
copy_pair(struct copier *c, const char *src, const char *dst)
{
	const struct cpopts *o = c->o;
	struct cpopts plain;
	struct copier w;
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
	w = *c;
	w.o = &plain;
	rc = copy_top(&w, src, backup, false);
	free(backup);
	return rc == 0 ? 0 : -1;
}

/* Returns 0 if every source was copied, -1 otherwise (or on a usage
 * error, after its message). */
int
cp_main(struct copier *c, int n, char **ops)
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
	c->target = target;
	for (i = 0; i < nsrc && sig_pending() == 0; i++)
		if (copy_into(c, ops[i], target) != 0)
			rc = -1;
	return rc;
}
