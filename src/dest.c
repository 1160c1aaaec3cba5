/*
 * dest: what is at a destination and what cp does about it: go on, skip
 * it quietly or refuse; the backup; -v's lines; opening, syncing and
 * closing a destination written in place.  For tree.c and stdio.c.
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

bool
dereferences(const struct copier *c, bool cmdline)
{
	return c->o->deref == DEREF_ALWAYS ||
	    (c->o->deref == DEREF_COMMAND_LINE && cmdline);
}

/*
 * cp's -P for this name: -P itself, or -H below the command line (cp
 * turns -H into -P for what it finds in a directory).
 */
static bool
never_follows(const struct copier *c, bool cmdline)
{
	return c->o->deref == DEREF_NEVER ||
	    (c->o->deref == DEREF_COMMAND_LINE && !cmdline);
}

/* Without -r, or with --copy-contents, special files are read as data. */
bool
read_as_data(const struct copier *c, mode_t mode)
{
	if (S_ISREG(mode))
		return true;
	return (!c->o->recursive || c->o->copy_contents) && !S_ISDIR(mode) &&
	    !S_ISLNK(mode);
}

/* -v: cp's line for a destination removed before the copy. */
void
removed(const struct loc *d)
{
	diag_line();
	fprintf(out_to(stdout), "removed %s\n", quote(d->path));
}

/* Where -v's lines go: standard output, unless that is the data. */
static FILE *
verbose_out(const struct copier *c)
{
	return out_to(strcmp(c->top_dst, "-") == 0 ? stderr : stdout);
}

void
verbose(const struct copier *c, const struct loc *s, const struct loc *d,
    const char *backup)
{
	FILE *out = verbose_out(c);

	if (!c->o->verbose)
		return;
	diag_line();
	fprintf(out, "%s -> %s", quote_n(0, s->path), quote_n(1, d->path));
	if (backup != NULL)
		fprintf(out, " (backup: %s)", quote_n(2, backup));
	fputc('\n', out);
}

/*
 * --debug, after a file's data was copied, or its copy failed once the
 * source was open: how, as cp 9.2 and later's emit_debug says it.
 */
void
debug_copied(const struct copier *c)
{
	static const char *const how[] = {
		[HOW_UNKNOWN] = "unknown", [HOW_NO] = "no", [HOW_YES] = "yes",
		[HOW_AVOIDED] = "avoided", [HOW_UNSUPPORTED] = "unsupported"
	};
	static const char *const holes[] = {
		[HOLES_UNKNOWN] = "unknown", [HOLES_NO] = "no",
		[HOLES_ZEROS] = "zeros", [HOLES_SEEK] = "SEEK_HOLE",
		[HOLES_SEEK_ZEROS] = "SEEK_HOLE + zeros"
	};
	struct pair_report r;

	if (!c->o->debug)
		return;
	engine_report(c->engine, &r);
	diag_line();
	fprintf(verbose_out(c), "copy offload: %s, reflink: %s, sparse"
	    " detection: %s\n", how[r.offload], how[r.clone], holes[r.holes]);
}

/* --debug: a file not copied because of -n, -u or a "no" to -i, as cp. */
void
debug_skipped(const struct copier *c, const struct loc *d)
{
	if (!c->o->debug)
		return;
	diag_line();
	fprintf(verbose_out(c), "skipped %s\n", quote(d->path));
}

/*
 * Why reading an answer from standard input failed, for the error cp's
 * close_stdin reports at the end.  Standard input is the process's, and
 * so is this: -i asks one question at a time.
 */
static int stdin_err;

int
answer_error(void)
{
	return stdin_err;
}

/*
 * cp's yesno(): a line that rpmatch(3) takes for yes in the locale (y or
 * Y in C; German adds j and J, as cp's does).  The answer comes from
 * standard input, except where standard input is the data being copied
 * ("zcp -i - f"): stdio would buffer part of the data with the answer,
 * so it comes from the terminal, or there is none to give.
 */
static enum verdict
answer(struct copier *c, const struct loc *d)
{
	FILE *in = stdin;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	fflush(stderr);
	if (c->stdin_is_data && (in = fopen("/dev/tty", "re")) == NULL) {
		fputc('\n', stderr);
		diag(errno, "cannot ask before overwriting %s: standard input"
		    " is the data, and /dev/tty cannot be read",
		    quote(d->path));
		return FAIL;
	}
	n = getline(&line, &cap, in);
	if (n == -1 && ferror(in) && in == stdin)
		stdin_err = errno;
	if (in != stdin)
		fclose(in);
	n = n > 0 && rpmatch(line) > 0;
	free(line);
	return n ? PROCEED : SKIP;
}

/* cp's overwrite_ok: the prompt, then the answer. */
static enum verdict
ask_overwrite(struct copier *c, const struct loc *d, const struct stat *dst)
{
	const struct cpopts *o = c->o;
	char perms[12];

	if (!S_ISLNK(dst->st_mode) && !c->root &&
	    faccessat(d->dirfd, d->name, W_OK, AT_EACCESS) != 0) {
		strmode(dst->st_mode, perms);
		perms[10] = '\0';
		fprintf(stderr, o->remove_dest || o->force ?
		    "zcp: replace %s, overriding mode %04o (%s)? " :
		    "zcp: unwritable %s (mode %04o, %s); try anyway? ",
		    quote(d->path), dst->st_mode & 07777, perms + 1);
	} else
		fprintf(stderr, "zcp: overwrite %s? ", quote(d->path));
	return answer(c, d);
}

/*
 * The directory holding the last component of l's name, as fstatat
 * sees it: with same_entry, gnulib's same_nameat.
 */
int
entry_dir(const struct loc *l, struct stat *st, int flags)
{
	const char *base = last_component(l->name);
	char *dir;
	size_t len;
	int rc;

	if (base == l->name)
		return fstatat(l->dirfd, ".", st, flags);
	if ((dir = strndup(l->name, (size_t)(base - l->name))) == NULL)
		return -1;
	/* "lnk/" with AT_SYMLINK_NOFOLLOW would still follow lnk. */
	len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		dir[--len] = '\0';
	rc = fstatat(l->dirfd, dir, st, flags);
	free(dir);
	return rc;
}

/* One file: the same device and inode. */
bool
same_inode(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/*
 * gnulib's same_nameat (where names are never cut short): the two names
 * are one directory entry, the same last component in the same
 * directory, directories compared without following a symlink (a name
 * reached through "lnk/" is not in lnk's target).
 */
bool
same_entry(const struct loc *a, const struct loc *b)
{
	const char *x = last_component(a->name), *y = last_component(b->name);
	size_t xl = strcspn(x, "/"), yl = strcspn(y, "/");
	struct stat sa, sb;

	return xl == yl && memcmp(x, y, xl) == 0 &&
	    entry_dir(a, &sa, AT_SYMLINK_NOFOLLOW) == 0 &&
	    entry_dir(b, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
	    same_inode(&sa, &sb);
}

/*
 * The two symlinks of cp's same_file_ok under -P: distinct ones are
 * fine; two names of one symlink are left alone (*now) unless backing up.
 */
static bool
same_symlinks_ok(const struct copier *c, const struct loc *s,
    const struct stat *sst, const struct loc *d, const struct stat *dst,
    bool *now)
{
	if (same_entry(s, d))
		return false;
	if (c->o->backup == BACKUP_NONE && same_inode(sst, dst))
		*now = true;
	return true;
}

/*
 * The end of cp's same_file_ok, once the names (not followed) are known
 * to lead to one file: fine only where no data can be lost.
 */
static bool
same_file_tail(const struct copier *c, const struct loc *s,
    const struct stat *sl, const struct loc *d, const struct stat *dl,
    bool never, bool *now)
{
	const struct cpopts *o = c->o;
	bool same_link = same_inode(sl, dl);
	struct stat a, b;

	if (o->backup != BACKUP_NONE) {
		/* Backing up a dereferenced symlink's target would leave the
		 * source dangling. */
		if (!same_link)
			return !(!never && S_ISLNK(sl->st_mode) &&
			    !S_ISLNK(dl->st_mode));
		return !same_entry(s, d);
	}
	if (o->remove_dest) {
		if (S_ISLNK(dl->st_mode))
			return true;
		if (same_link && dl->st_nlink > 1 && !same_entry(s, d))
			return true;
	}
	if (!S_ISLNK(sl->st_mode) && !S_ISLNK(dl->st_mode)) {
		if (!same_inode(sl, dl))
			return true;
		*now = o->hard_link;
		return o->hard_link;
	}
	if (o->symbolic_link && S_ISLNK(dl->st_mode))
		return true;
	if (!never)
		return false;
	if (fstatat(s->dirfd, s->name, &a, 0) != 0 ||
	    fstatat(d->dirfd, d->name, &b, 0) != 0 || !same_inode(&a, &b))
		return true;
	*now = o->hard_link && !S_ISLNK(dl->st_mode);
	return o->hard_link;
}

/*
 * cp's same_file_ok: whether copying s onto d, which may be one file,
 * loses no data.  *now: nothing is left to do (a hard link that is
 * there already).  A source that is not a name ("-") is one file with
 * the destination only if they are the same inode.
 */
static bool
same_file_ok(const struct copier *c, const struct loc *s, const struct stat *sst,
    const struct loc *d, const struct stat *dst, bool cmdline, bool *now)
{
	struct stat sl, dl;
	bool same = same_inode(sst, dst), never = never_follows(c, cmdline);

	*now = false;
	if (s->dirfd == LOC_NOT_A_NAME)
		return !same;
	if (same && c->o->hard_link) {
		*now = true;
		return true;
	}
	if (never) {
		if (S_ISLNK(sst->st_mode) && S_ISLNK(dst->st_mode))
			return same_symlinks_ok(c, s, sst, d, dst, now);
		return same_file_tail(c, s, sst, d, dst, true, now);
	}
	if (!same)
		return true;
	if (fstatat(d->dirfd, d->name, &dl, AT_SYMLINK_NOFOLLOW) != 0 ||
	    fstatat(s->dirfd, s->name, &sl, AT_SYMLINK_NOFOLLOW) != 0)
		return true;
	if (S_ISLNK(sl.st_mode) && S_ISLNK(dl.st_mode) && c->o->remove_dest)
		return true;
	return same_file_tail(c, s, &sl, d, &dl, false, now);
}

/*
 * The finest resolution dst's filesystem can have, in nanoseconds, as
 * gnulib's utimecmp infers it: the largest power of ten that divides the
 * nanoseconds of all three of its times (a kernel sets ctime itself, to
 * what the filesystem keeps).  1e9 on a filesystem of whole seconds
 * (ext2 with 128-byte inodes, for one).
 */
static long
time_resolution(const struct stat *dst)
{
	long res = 1;

	while (res < 1000000000 && dst->st_atim.tv_nsec % (res * 10) == 0 &&
	    dst->st_mtim.tv_nsec % (res * 10) == 0 &&
	    dst->st_ctim.tv_nsec % (res * 10) == 0)
		res *= 10;
	return res;
}

/*
 * -u: whether dst is at least as new as src, with src's time cut to what
 * dst's filesystem could have kept of it (cp's UTIMECMP_TRUNCATE_SOURCE):
 * else a copy made by -pu onto such a filesystem would look older than
 * its source forever, and a file edited there in the same second would
 * be replaced.
 */
static bool
is_newer_or_same(const struct stat *dst, const struct stat *src)
{
	long src_ns = src->st_mtim.tv_nsec;

	src_ns -= src_ns % time_resolution(dst);
	if (dst->st_mtim.tv_sec != src->st_mtim.tv_sec)
		return dst->st_mtim.tv_sec > src->st_mtim.tv_sec;
	return dst->st_mtim.tv_nsec >= src_ns;
}

/* -n, or a "no" to -i: skipped, which --debug says. */
static enum verdict
declined(const struct copier *c, const struct loc *d)
{
	debug_skipped(c, d);
	return SKIP;
}

/*
 * --update=none-fail names each destination it keeps and fails, as cp
 * 9.5; none (and -n, none by now) keeps it quietly.
 */
static enum verdict
keep(const struct copier *c, const struct loc *d)
{
	if (c->o->update != UPDATE_NONE_FAIL)
		return declined(c, d);
	diag(0, "not replacing %s", quote(d->path));
	return FAIL;
}

/*
 * The destination exists: whether cp goes on, skips it quietly (-n,
 * --update=none, a "no" to -i, or there is nothing to do), finds it up
 * to date (-u), keeps it with a message (--update=none-fail), or
 * refuses, in cp's order.  Nothing is changed yet.
 */
static enum verdict
may_replace(struct copier *c, const struct loc *s, const struct stat *sst,
    const struct loc *d, const struct stat *dst, bool cmdline)
{
	const struct cpopts *o = c->o;
	bool sdir = S_ISDIR(sst->st_mode), ddir = S_ISDIR(dst->st_mode);
	bool none = replaces_none(o->update), now = false;
	enum verdict v;
	struct stat deep;

	if (!none && !same_file_ok(c, s, sst, d, dst, cmdline, &now)) {
		diag(0, "%s and %s are the same file", quote_n(0, s->path),
		    quote_n(1, d->path));
		return FAIL;
	}
	if (!sdir && o->update == UPDATE_OLDER && is_newer_or_same(dst, sst))
		return UPTODATE;
	if (!sdir && none)
		return keep(c, d);
	if (!sdir && o->clobber == CLOBBER_ASK &&
	    (v = ask_overwrite(c, d, dst)) != PROCEED)
		return v == SKIP ? declined(c, d) : v;
	if (now)
		return SKIP;
	if (!ddir && sdir && !(o->keep_dir_symlink && S_ISLNK(dst->st_mode) &&
	    fstatat(d->dirfd, d->name, &deep, 0) == 0 &&
	    S_ISDIR(deep.st_mode))) {
		diag(0, "cannot overwrite non-directory %s with directory %s",
		    quote_n(0, d->path), quote_n(1, s->path));
		return FAIL;
	}
	if (!ddir && cmdline && c->many && o->backup != BACKUP_NUMBERED &&
	    seen_top_was_made(c->seen, d, dst)) {
		diag(0, "will not overwrite just-created %s with %s",
		    quote_n(0, d->path), quote_n(1, s->path));
		return FAIL;
	}
	if (ddir && !sdir) {
		diag(0, "cannot overwrite directory %s with non-directory",
		    quote(d->path));
		return FAIL;
	}
	return PROCEED;
}

/*
 * cp's source_is_dst_backup: the source is what backing up d would
 * replace, so making the backup would destroy it.  Numbered backups
 * are checked only under the simple name, as by cp.
 */
static bool
source_is_backup(const struct copier *c, const struct loc *s,
    const struct stat *sst, const struct loc *d)
{
	const char *sb = last_component(s->path), *db = last_component(d->name);
	size_t dl = strlen(db), sl = strlen(c->o->suffix);
	struct stat st;
	char *back;
	bool same;

	if (strlen(sb) != dl + sl || memcmp(sb, db, dl) != 0 ||
	    strcmp(sb + dl, c->o->suffix) != 0)
		return false;
	if (asprintf(&back, "%s%s", d->name, c->o->suffix) == -1)
		return false;
	same = fstatat(d->dirfd, back, &st, 0) == 0 && same_inode(sst, &st);
	free(back);
	return same;
}

static bool
dot_or_dotdot(const char *name)
{
	return name[0] == '.' && (name[1] == '\0' || name[1] == '/' ||
	    (name[1] == '.' && (name[2] == '\0' || name[2] == '/')));
}

/* How the destination is moved aside: renamed, or linked (--atomic). */
struct aside {
	const struct loc *d;
	bool		 atomic;
	bool		 linked;	/* d is still there */
};

static int
move_aside(void *arg, const char *backup, bool noreplace)
{
	struct aside *a = arg;

	if (!a->atomic)
		return rename_in(a->d->dirfd, a->d->name, backup, noreplace);
	switch (atomic_backup(a->d, backup, noreplace)) {
	case 0:
		a->linked = true;
		return 0;
	case 1:
		return 0;
	default:
		return -1;
	}
}

/* Move the destination aside to its backup name, dt->backup. */
static enum verdict
back_up(struct dest *dt, struct copier *c, const struct loc *s,
    const struct stat *sst)
{
	const struct cpopts *o = c->o;
	const struct loc *d = &dt->loc;
	struct aside a = { d, dt->atomic, false };

	if (o->backup != BACKUP_NUMBERED && source_is_backup(c, s, sst, d)) {
		diag(0, "backing up %s might destroy source;  %s not copied",
		    quote_n(0, d->path), quote_n(1, s->path));
		return FAIL;
	}
	dt->backup = backup_move(d->dirfd, d->name, o->backup, o->suffix,
	    move_aside, &a);
	dt->have_old = a.linked;
	/* Gone meanwhile: there is nothing to back up, as for cp. */
	if (dt->backup != NULL || errno == ENOENT)
		return PROCEED;
	diag(errno, "cannot backup %s", quote(d->path));
	return FAIL;
}

/*
 * Make way for a file over an existing non-directory, as cp: the backup,
 * or removing what would otherwise be written through and must not be:
 * with --remove-destination, a file with other hard links when keeping
 * links (a hard-link snapshot must not change), or a non-regular source
 * under -P.  --atomic never writes through, so removes nothing.
 */
static enum verdict
make_way(struct dest *dt, struct copier *c, const struct loc *s,
    const struct stat *sst)
{
	const struct cpopts *o = c->o;

	if (S_ISDIR(dt->old.st_mode))
		return PROCEED;
	if (o->backup != BACKUP_NONE && !dot_or_dotdot(last_component(s->path)))
		return back_up(dt, c, s, sst);
	if (dt->atomic || !(o->remove_dest || (!o->attr_only &&
	    ((o->keep_links && dt->old.st_nlink > 1) ||
	    (never_follows(c, dt->cmdline) && !S_ISREG(sst->st_mode))))))
		return PROCEED;
	if (unlinkat(dt->loc.dirfd, dt->loc.name, 0) == -1 && errno != ENOENT) {
		diag(errno, "cannot remove %s", quote(dt->loc.path));
		return FAIL;
	}
	if (o->verbose)
		removed(&dt->loc);
	dt->have_old = false;
	return PROCEED;
}

/*
 * Something is at the destination (dt->old): decide like cp whether to
 * go on, skip it or fail, and make the backup or remove the old file
 * when going on needs it.
 */
enum verdict
dest_decide(struct dest *dt, struct copier *c, const struct loc *s,
    const struct stat *sst)
{
	enum verdict v = may_replace(c, s, sst, &dt->loc, &dt->old,
	    dt->cmdline);

	if (v != PROCEED || S_ISDIR(sst->st_mode))
		return v;
	return make_way(dt, c, s, sst);
}

/* The backup of the destination, as a path for messages. */
char *
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

/*
 * An existing file, opened to be written.  --resume also reads a regular
 * file there (never a FIFO: O_RDWR would not wait for its reader); one it
 * may write but not read is opened as without --resume, and copied whole.
 */
static int
open_existing(const struct copier *c, const struct loc *d, bool readable,
    int fl)
{
	int fd;

	if (c->o->resume && readable && (fd = openat(d->dirfd, d->name,
	    (fl & ~O_ACCMODE) | O_RDWR)) != -1)
		return fd;
	return openat(d->dirfd, d->name, fl);
}

/*
 * Returns the descriptor; *created says whether it is a new file, made
 * with mode (before the umask).  readable: what is there is a regular
 * file.
 */
static int
open_dest(struct copier *c, const struct loc *d, mode_t mode, bool have_dst,
    bool readable, bool *created)
{
	struct stat lst;
	int fd, fl = (c->o->verify ? O_RDWR : O_WRONLY) | O_CLOEXEC |
	    O_NOCTTY;

	*created = false;
	if (have_dst) {
		if ((fd = open_existing(c, d, readable, fl)) != -1)
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
			removed(d);
	}
	fd = openat(d->dirfd, d->name, fl | O_CREAT | O_EXCL, mode);
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

/* A destination written in place: --sync, then close, then its name. */
static int
finish_dest(const struct copier *c, const struct loc *d, int dfd, bool created,
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
 * Open the file to write: a new one made with mode (before the umask),
 * the one there written through, or an --atomic temporary.  Returns 0,
 * or -1 after the message.
 */
int
dest_open(struct dest *dt, struct copier *c, mode_t mode)
{
	if (dt->atomic) {
		dt->created = !dt->have_old;
		dt->fd = atomic_open(&dt->at, c, &dt->loc, dt->have_old ?
		    &dt->old : NULL, mode) == 0 ? dt->at.fd : -1;
	} else
		dt->fd = open_dest(c, &dt->loc, mode, dt->have_old ||
		    dt->loc.loop, dt->have_old && S_ISREG(dt->old.st_mode),
		    &dt->created);
	return dt->fd == -1 ? -1 : 0;
}

/*
 * -v's line for what --resume found at d, as the engine says (r); all:
 * d holds all of s.
 */
static void
resume_said(const struct copier *c, const char *s, const char *d,
    const struct resume *r, bool all)
{
	FILE *out = verbose_out(c);
	const char *qs = quote_n(0, s), *qd = quote_n(1, d);

	if (!c->o->verbose || r->how == RESUME_EMPTY)
		return;
	diag_line();
	switch (r->how) {
	case RESUME_EMPTY:
		return;
	case RESUME_REST:
		if (all) {
			fprintf(out, "%s holds all %jd bytes of %s: nothing to"
			    " copy\n", qd, (intmax_t)r->have, qs);
			return;
		}
		fprintf(out, "%s holds the first %jd bytes of %s: copying the"
		    " rest\n", qd, (intmax_t)r->have, qs);
		return;
	case RESUME_DIFFERS:
		fprintf(out, "%s differs from %s in its first %jd bytes:"
		    " copying it whole\n", qd, qs, (intmax_t)r->have);
		return;
	case RESUME_LONGER:
		fprintf(out, "%s is longer than %s: copying it whole\n", qd,
		    qs);
		return;
	case RESUME_UNREADABLE:
		fprintf(out, "%s cannot be read (%s): copying it whole\n", qd,
		    strerror(r->err));
		return;
	case RESUME_WRITE_ONLY:
		fprintf(out, "%s is open for writing only, not to be read:"
		    " copying it whole\n", qd);
		return;
	case RESUME_NOT_FILE:
		fprintf(out, "%s and %s are not both regular files: nothing to"
		    " resume\n", qs, qd);
		return;
	}
}

/*
 * --resume: whether the open destination di already holds the first
 * bytes of si, named s; then both descriptors are past them.  Returns 1
 * (the rest to copy), 0 (copy it whole), or -1 after the message.
 */
int
dest_resume(struct copier *c, struct fdinfo *si, struct fdinfo *di,
    const char *s)
{
	struct resume r;

	if (engine_resume(c->engine, si, di, &r) == -1)
		return -1;
	resume_said(c, s, di->name, &r, si->offset >= si->st.st_size);
	return r.how == RESUME_REST;
}

/*
 * Before the data: what the open file is (a file just made with O_EXCL,
 * with mode, is known: empty, on its directory's device), that it is not
 * the source si (named src), that a forced method does not refuse the
 * pair, and only then emptied, unless --resume keeps what it holds.
 * Returns 0, or -1 after the message.
 */
int
dest_prepare(struct dest *dt, struct copier *c, struct fdinfo *si,
    mode_t mode, const char *src)
{
	const struct loc *d = &dt->loc;
	off_t size;
	int rc;

	if (dt->created && d->dirdev != 0)
		fdinfo_created(&dt->fi, dt->fd, d->path, d->dirdev, mode);
	else if (fdinfo_classify(&dt->fi, dt->fd, d->path, true) == -1) {
		diag(errno, "cannot fstat %s", quote(d->path));
		return -1;
	} else if (fdinfo_same_file(si, &dt->fi)) {
		diag(0, "%s and %s are the same file", quote_n(0, src),
		    quote_n(1, d->path));
		return -1;
	}
	if (c->o->attr_only)
		return 0;
	/* Resumed, the file keeps its bytes: nothing is emptied. */
	if (c->o->resume && !dt->created) {
		/* open_existing falls back to writing only: --resume asks. */
		if ((rc = fcntl(dt->fd, F_GETFL)) != -1)
			dt->fi.access = rc & O_ACCMODE;
		if ((rc = dest_resume(c, si, &dt->fi, src)) != 0)
			return rc == -1 ? -1 :
			    engine_check(c->engine, si, &dt->fi);
	}
	size = dt->fi.st.st_size;
	dt->fi.st.st_size = 0;
	if (engine_check(c->engine, si, &dt->fi) == -1)
		return -1;
	if (dt->fi.kind == FD_REGULAR && size > 0 &&
	    ftruncate(dt->fd, 0) == -1) {
		diag(errno, "cannot open %s for writing", quote(d->path));
		return -1;
	}
	return 0;
}

/*
 * The end, rc saying how the copy went: publish or close, sync, and
 * count the moved bytes as landed, or as dropped with a temporary.
 * --attributes-only gave the engine no pair.  Returns the final rc.
 */
int
dest_finish(struct dest *dt, struct copier *c, int rc, off_t moved)
{
	if (dt->atomic)
		rc = atomic_publish(&dt->at, rc);
	else
		rc = finish_dest(c, &dt->loc, dt->fd, dt->created, rc);
	if (!c->o->attr_only)
		engine_landed(c->engine, moved, rc == 0 || !dt->atomic,
		    rc == 0);
	return rc;
}
