/*
 * zcp: copy SOURCE to DEST by the fastest path the kernel allows.
 */
#include "config.h"

#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "engine.h"
#include "fdinfo.h"
#include "options.h"

static bool std_closed[3];

/*
 * A descriptor among 0-2 that we were started without must not be
 * taken by the next open(): "zcp f - >&-" would copy f onto itself.
 * Park /dev/null there and remember that "-" means a closed descriptor.
 */
static void
guard_std_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		std_closed[fd] = true;
		if (open("/dev/null", O_RDWR) != fd)
			exit(1);
	}
}

static int
open_source(const char *name, struct fdinfo *s)
{
	struct stat st;
	int fd, err;

	if (strcmp(name, "-") == 0) {
		if (std_closed[0]) {
			diag(EBADF, "error reading %s", quote(name));
			return -1;
		}
		fd = STDIN_FILENO;
	} else if ((fd = open(name, O_RDONLY | O_NOCTTY | O_CLOEXEC)) == -1) {
		/* cp stats before it opens: say which of the two failed. */
		err = errno;
		if (err == EACCES && stat(name, &st) == 0)
			diag(err, "cannot open %s for reading", quote(name));
		else
			diag(err, "cannot stat %s", quote(name));
		return -1;
	}
	if (fdinfo_classify(s, fd, name, fd != STDIN_FILENO) == -1) {
		diag(errno, "cannot fstat %s", quote(name));
		goto fail;
	}
	if (s->kind == FD_DIRECTORY) {
		if (fd == STDIN_FILENO)
			diag(EISDIR, "error reading %s", quote(name));
		else
			diag(0, "-r not specified; omitting directory %s",
			    quote(name));
		goto fail;
	}
	return 0;
fail:
	if (fd != STDIN_FILENO)
		(void)close(fd);
	return -1;
}

static int
open_dest(const char *name, const struct fdinfo *s, struct fdinfo *d)
{
	mode_t mode = s->kind == FD_REGULAR ? s->st.st_mode & 0777 : 0666;
	struct stat st;
	int fd, err;

	if (strcmp(name, "-") == 0) {
		if (std_closed[1]) {
			diag(EBADF, "error writing %s", quote(name));
			return -1;
		}
		fd = STDOUT_FILENO;
	} else if ((fd = open(name, O_WRONLY | O_CREAT | O_NOCTTY | O_CLOEXEC,
	    mode)) == -1) {
		err = errno;
		if (err != ENOENT && stat(name, &st) == 0)
			diag(err, "cannot open %s for writing", quote(name));
		else
			diag(err, "cannot create regular file %s",
			    quote(name));
		return -1;
	}
	if (fdinfo_classify(d, fd, name, fd != STDOUT_FILENO) == -1) {
		diag(errno, "cannot fstat %s", quote(name));
		goto fail;
	}
	return 0;
fail:
	if (fd != STDOUT_FILENO)
		(void)close(fd);
	return -1;
}

/*
 * Same file: cp refuses a named destination; for standard output cat's
 * rule applies: a regular file that is also the input is refused unless
 * the input is already at its end, as copying would only grow it.
 */
static bool
refuse_same_file(const struct fdinfo *s, const struct fdinfo *d)
{
	if (!fdinfo_same_file(s, d))
		return false;
	if (d->owned) {
		diag(0, "%s and %s are the same file", quote_n(0, s->name),
		    quote_n(1, d->name));
		return true;
	}
	if (s->kind == FD_REGULAR && d->kind == FD_REGULAR &&
	    s->offset < s->st.st_size) {
		diag(0, "%s: input file is output file", s->name);
		return true;
	}
	return false;
}

/* Truncate only now that we know it is not the source. */
static int
truncate_dest(struct fdinfo *d)
{
	if (!d->owned || d->kind != FD_REGULAR || d->st.st_size == 0)
		return 0;
	if (ftruncate(d->fd, 0) == -1) {
		diag(errno, "cannot open %s for writing", quote(d->name));
		return -1;
	}
	d->st.st_size = 0;
	return 0;
}

static int
copy_pair(struct engine *e, const char *sname, const char *dname)
{
	struct fdinfo s, d;
	int rc = -1;

	if (open_source(sname, &s) == -1)
		return -1;
	if (open_dest(dname, &s, &d) == -1)
		goto close_src;
	if (!refuse_same_file(&s, &d) && truncate_dest(&d) == 0)
		rc = engine_copy(e, &s, &d);
	if (d.owned && close(d.fd) == -1 && rc == 0) {
		diag(errno, "failed to close %s", quote(dname));
		rc = -1;
	}
close_src:
	if (s.owned)
		(void)close(s.fd);
	return rc;
}

int
main(int argc, char **argv)
{
	struct options o;
	struct engine *e;
	int rc;

	guard_std_fds();
	if (options_parse(argc, argv, &o) == -1)
		return 1;
	if (o.noperands == 0) {
		diag_usage("missing file operand");
		return 1;
	}
	if (o.noperands == 1) {
		diag_usage("missing destination file operand after %s",
		    quote(o.operands[0]));
		return 1;
	}
	if (o.noperands > 2) {
		diag_usage("extra operand %s", quote(o.operands[2]));
		return 1;
	}
	if ((e = engine_new(&o.engine)) == NULL) {
		diag(errno, "cannot start");
		return 1;
	}
	rc = copy_pair(e, o.operands[0], o.operands[1]);
	engine_free(e);
	if (strcmp(o.operands[1], "-") == 0 && close(STDOUT_FILENO) == -1 &&
	    rc == 0) {
		diag(errno, "error writing %s", quote("-"));
		rc = -1;
	}
	return rc == 0 ? 0 : 1;
}
