/*
 * zcp: copy files like cp, and any descriptor to any other, by the
 * fastest path the kernel allows.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "cp.h"
#include "diag.h"
#include "engine.h"
#include "options.h"
#include "pool.h"
#include "progress.h"
#include "sig.h"
#include "stats.h"
#include "prewalk.h"

/* What --stats and --progress need from the start of the run. */
struct reporting {
	struct timespec	 start;
	FILE		*stats;		/* where the report goes, or NULL */
	struct progress	*meter;
};

/*
 * A descriptor among 0-2 that we were started without must not be
 * taken by the next open(): "zcp f - >&-" would copy f onto itself.
 * Park /dev/null there and remember that "-" means a closed descriptor.
 * As gnulib's stdopen, it is opened the wrong way round (stdin for
 * writing, stdout and stderr for reading), so that using it still
 * fails with EBADF: "zcp -v a b >&-" must say "write error", as cp.
 */
static void
guard_std_fds(bool closed[3])
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		closed[fd] = fcntl(fd, F_GETFD) == -1 && errno == EBADF;
		if (closed[fd] && open("/dev/null", fd == STDIN_FILENO ?
		    O_WRONLY : O_RDONLY) != fd)
			exit(1);
	}
}

/* "-" is standard input or output only as one end of a single pair. */
static int
copy_operands(struct copier *c, int n, char **ops)
{
	int i, dash = -1;

	for (i = 0; i < n; i++)
		if (strcmp(ops[i], "-") == 0)
			dash = i;
	if (dash == -1)
		return cp_main(c, n, ops);
	if (n == 2 && c->o->target_dir == NULL && !c->o->parents) {
		struct stat st;

		if (dash == 0 && strcmp(ops[1], "-") != 0 &&
		    !c->o->no_target_dir && stat(ops[1], &st) == 0 &&
		    S_ISDIR(st.st_mode)) {
			diag(EISDIR, "cannot copy standard input into %s",
			    quote(ops[1]));
			return -1;
		}
		return copy_stdio(c, ops[0], ops[1]);
	}
	if (n < 2 && c->o->target_dir == NULL)
		return cp_main(c, n, ops);
	diag_usage("'-' (standard input or output) must be the SOURCE or"
	    " DEST of a single copy");
	return -1;
}

static int
flush_stdout(bool used)
{
	/* -v lines are buffered; the data on fd 1 was written directly. */
	if (fflush(stdout) == EOF || ferror(stdout)) {
		diag(errno, "write error");
		return -1;
	}
	if (used && close(STDOUT_FILENO) == -1 && errno != EBADF) {
		diag(errno, "error writing %s", quote("-"));
		return -1;
	}
	return 0;
}

/*
 * The --stats file must not be a file being copied: opened with O_TRUNC
 * it would empty a source, and the report would be written over a copy.
 * The operands (and standard input and output, for "-") are compared
 * with it by inode before anything is truncated.
 */
static bool
stats_file_copied(const struct options *o, const struct stat *sf)
{
	struct stat st;
	int i;

	for (i = 0; i < o->noperands; i++) {
		if (strcmp(o->operands[i], "-") == 0) {
			if ((fstat(STDIN_FILENO, &st) == 0 &&
			    st.st_dev == sf->st_dev && st.st_ino == sf->st_ino) ||
			    (fstat(STDOUT_FILENO, &st) == 0 &&
			    st.st_dev == sf->st_dev && st.st_ino == sf->st_ino))
				return true;
		} else if (stat(o->operands[i], &st) == 0 &&
		    st.st_dev == sf->st_dev && st.st_ino == sf->st_ino)
			return true;
	}
	return false;
}

/* Open the --stats file, without truncating it until the report. */
static int
stats_file_open(struct reporting *r, const struct options *o)
{
	int fl = O_WRONLY | O_CLOEXEC | O_NOCTTY, fd;
	bool made = true;
	struct stat st;

	fd = open(o->stats_file, fl | O_CREAT | O_EXCL, 0666);
	if (fd == -1 && errno == EEXIST) {
		made = false;
		fd = open(o->stats_file, fl | O_CREAT, 0666);
	}
	if (fd == -1 || fstat(fd, &st) == -1) {
		diag(errno, "cannot create regular file %s",
		    quote(o->stats_file));
		goto fail;
	}
	if (S_ISREG(st.st_mode) && stats_file_copied(o, &st)) {
		diag(0, "--stats-file %s is a file being copied",
		    quote(o->stats_file));
		if (made)
			(void)unlink(o->stats_file);
		goto fail;
	}
	if ((r->stats = fdopen(fd, "w")) != NULL)
		return 0;
	diag(errno, "cannot create regular file %s", quote(o->stats_file));
fail:
	if (fd != -1)
		close(fd);
	return -1;
}

/*
 * --stats and --progress turn SIGINT, SIGTERM and SIGHUP into a stop
 * request, so that what was done can still be reported.  Off, they
 * cost nothing: no system call more than a plain copy makes.
 */
static int
reporting_start(struct reporting *r, struct options *o,
    const struct copier *c)
{
	struct amount t;

	if (o->stats == STATS_OFF && !o->progress)
		return 0;
	sig_init();
	if (o->stats_file != NULL) {
		if (stats_file_open(r, o) == -1)
			return -1;
	} else if (o->stats != STATS_OFF)
		r->stats = stderr;
	if (o->progress) {
		prewalk(c, o->engine.sparse != SPARSE_NEVER, o->noperands,
		    o->operands, &t);
		r->meter = progress_new(STDERR_FILENO, t.bytes, t.files,
		    o->engine.bwlimit);
		o->engine.watch = progress_watcher(r->meter);
	}
	return 0;
}

static double
seconds(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

/* The meter off the screen, then the report; returns -1 if unwritten. */
static int
reporting_end(struct reporting *r, const struct options *o,
    const struct engine *e, int rc)
{
	struct stats_run run = { .signo = sig_pending() };
	struct timespec end;
	struct rusage ru;

	progress_end(r->meter);
	if (r->stats == NULL)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &end);
	run.seconds = (double)(end.tv_sec - r->start.tv_sec) +
	    (double)(end.tv_nsec - r->start.tv_nsec) / 1e9;
	if (getrusage(RUSAGE_SELF, &ru) == 0) {
		run.user = seconds(&ru.ru_utime);
		run.system = seconds(&ru.ru_stime);
		run.vcsw = ru.ru_nvcsw;
		run.ivcsw = ru.ru_nivcsw;
		run.minflt = ru.ru_minflt;
		run.majflt = ru.ru_majflt;
		run.maxrss = ru.ru_maxrss * 1024;	/* Linux: KiB */
	}
	run.exit_status = run.signo != 0 ? 128 + run.signo : rc == 0 ? 0 : 1;
	/* The old contents of a --stats file go only now (see above). */
	if (r->stats != stderr && ftruncate(fileno(r->stats), 0) == -1 &&
	    errno != EINVAL)
		diag(errno, "error writing %s", quote(o->stats_file));
	stats_print(r->stats, o->stats, engine_stats(e), &run);
	if (r->stats == stderr)
		return 0;
	if (fclose(r->stats) == EOF) {
		diag(errno, "error writing %s", quote(o->stats_file));
		return -1;
	}
	return 0;
}

/*
 * --bench: one pair, copied again and again; its report goes to the
 * --stats-file if one is named, emptied now, since it is no operand.
 */
static int
run_bench(const struct options *o, const bool closed[3])
{
	struct reporting r = { 0 };
	int rc;

	if (o->stats_file != NULL) {
		if (stats_file_open(&r, o) == -1)
			return 1;
		if (ftruncate(fileno(r.stats), 0) == -1 && errno != EINVAL)
			diag(errno, "error writing %s", quote(o->stats_file));
	}
	rc = bench_main(o, closed[1], r.stats);
	if (r.stats != NULL && fclose(r.stats) == EOF) {
		diag(errno, "error writing %s", quote(o->stats_file));
		rc = 1;
	}
	sig_reraise();
	return rc;
}

/* What every copy of the run shares: the options, who zcp is, umask. */
static void
copier_init(struct copier *c, const struct options *o, const bool closed[3])
{
	mode_t mask = umask(0);

	umask(mask);
	c->o = &o->cp;
	c->umask = mask;
	c->euid = geteuid();
	c->egid = getegid();
	c->root = c->euid == 0;
	c->std_closed[0] = closed[0];
	c->std_closed[1] = closed[1];
}

int
main(int argc, char **argv)
{
	struct options o;
	struct copier c = { 0 };
	struct reporting r = { 0 };
	bool closed[3], to_stdout;
	int rc, i;

	/* The vDSO's clock: no system call. */
	clock_gettime(CLOCK_MONOTONIC, &r.start);
	guard_std_fds(closed);
	/*
	 * As cp: names and values are quoted in the user's charset, and
	 * strerror speaks the user's language.  Numbers stay C's: cp
	 * prints none, and --stats' JSON needs a decimal point, not the
	 * comma of LC_NUMERIC=de_DE.
	 */
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");
	if (options_parse(argc, argv, &o) == -1)
		return 1;
	if (o.bench > 0)
		return run_bench(&o, closed);
	copier_init(&c, &o, closed);
	if (reporting_start(&r, &o, &c) == -1)
		return 1;
	/* A stop request lets the error path remove a hidden temporary. */
	if (o.cp.atomic)
		sig_init();
	/* SIGUSR1 prints the stats so far, whatever the options, as dd. */
	sig_snapshot_init();
	if ((c.engine = engine_new(&o.engine)) == NULL ||
	    (c.seen = seen_new()) == NULL) {
		diag(errno, "cannot start");
		return 1;
	}
	/* -i asks one question at a time, in order: one file at a time. */
	c.pool = pool_new(c.engine, o.cp.clobber == CLOBBER_ASK ? 1 :
	    o.cp.jobs);
	rc = copy_operands(&c, o.noperands, o.operands);
	pool_free(c.pool);
	/* As cp's close_stdin: an answer to -i that could not be read. */
	if (answer_error() != 0) {
		diag(answer_error(), "error closing file");
		rc = -1;
	}
	to_stdout = false;
	for (i = 0; i < o.noperands; i++)
		to_stdout |= i > 0 && strcmp(o.operands[i], "-") == 0;
	seen_free(c.seen);
	if (flush_stdout(to_stdout && !closed[1]) == -1)
		rc = -1;
	if (reporting_end(&r, &o, c.engine, rc) == -1)
		rc = -1;
	engine_free(c.engine);
	sig_reraise();
	return rc == 0 ? 0 : 1;
}
