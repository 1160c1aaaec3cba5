/*
 * bench: --bench[=N].  SOURCE is copied to DEST N times with auto and N
 * times with each method the decision table allows for the pair, one
 * round of each in turn (auto, m1, m2, ..., auto, m1, ...), so that a
 * drift of the machine (another job, the disk warming up) hits them all
 * alike.  Each round is a fresh engine, as each run of zcp is: auto
 * finds its refusals again.  A method the kernel refuses for the pair is
 * a result, shown with its errno, not an error.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "diag.h"
#include "engine.h"
#include "extents.h"
#include "methods.h"
#include "options.h"
#include "sig.h"
#include "stats.h"

#define AUTO		(-1)
#define HOT_CHUNK	((size_t)1 << 20)
#define BENCH_VERSION	1		/* of the JSON: add keys, never rename */

/* What one round of one method measured. */
struct round {
	double		 seconds;	/* the copy's, open and close aside */
	double		 user, system;
	unsigned long	 calls;		/* data calls, as --stats counts */
	off_t		 checked;	/* source bytes looked at for */
	off_t		 cached;	/* those the page cache held */
	off_t		 cloned;	/* sharing extents, or -1: unknown */
};

/* A row of the table: auto or one method, and its rounds. */
struct row {
	int		 method;	/* enum method_id, or AUTO */
	bool		 refused;	/* the kernel (or an option) refused */
	int		 err;		/* its errno, or 0 */
	const char	*why;		/* or the reason, or NULL */
	char		 whybuf[160];
	int		 done;		/* rounds run */
	struct round	*rounds;
	off_t		 moved[M_NMETHODS];	/* bytes, and pairs finished,
						 * by each method: which one
						 * served auto */
	double		 median, min, max, user, system;
	unsigned long	 calls;
};

struct bench {
	const struct options *o;
	const char	*src, *dst;
	bool		 to_stdout;	/* DEST is "-" */
	struct fdinfo	 sfi, dkind;	/* for the chain and the report */
	off_t		 size;		/* each round's bytes; -1: unknown */
	int		 nrows;
	struct row	 rows[M_NMETHODS + 1];
	FILE		*out;
};

static double
since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	    (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static double
tv_seconds(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

static const char *
row_name(const struct row *r)
{
	return r->method == AUTO ? "auto" : method_name(r->method);
}

/*
 * SOURCE is read once a round: it must give the same bytes again, as a
 * regular file or a device does, and a pipe, a socket or standard input
 * do not.  Opening a FIFO would wait for a writer: stat it first.
 */
static int
bench_source(struct bench *b)
{
	struct stat st;
	int fd;

	if (strcmp(b->src, "-") == 0) {
		diag(0, "cannot benchmark standard input: it cannot be read"
		    " again");
		return -1;
	}
	if (stat(b->src, &st) == -1) {
		diag(errno, "cannot stat %s", quote(b->src));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		diag(0, "cannot benchmark %s: it is a directory, and --bench"
		    " copies one file", quote(b->src));
		return -1;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode) &&
	    !S_ISCHR(st.st_mode)) {
		diag(0, "cannot benchmark %s: a %s cannot be read again",
		    quote(b->src), S_ISFIFO(st.st_mode) ? "FIFO" :
		    S_ISSOCK(st.st_mode) ? "socket" : "special file");
		return -1;
	}
	if ((fd = open(b->src, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fdinfo_classify(&b->sfi, fd, b->src, true) == -1) {
		diag(errno, "cannot open %s for reading", quote(b->src));
		if (fd != -1)
			close(fd);
		b->sfi.fd = -1;
		return -1;
	}
	b->size = b->sfi.kind == FD_REGULAR ? b->sfi.st.st_size :
	    b->sfi.kind == FD_BLOCKDEV ? lseek(fd, 0, SEEK_END) : -1;
	return 0;
}

/* /dev/null, where "-" may also send its rounds. */
static bool
is_dev_null(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && st->st_rdev == makedev(1, 3);
}

/*
 * DEST is made anew for every round and removed at the end: only a
 * regular file, or a name not taken, can be treated so.  "-" is
 * standard output, where each round's bytes go, as a pipe or /dev/null.
 */
static int
bench_dest(struct bench *b, bool stdout_closed)
{
	struct stat st;

	if ((b->to_stdout = strcmp(b->dst, "-") == 0)) {
		if (stdout_closed || fdinfo_classify(&b->dkind, STDOUT_FILENO,
		    "-", false) == -1 || (b->dkind.kind != FD_PIPE &&
		    !is_dev_null(&b->dkind.st))) {
			diag(0, "cannot benchmark into standard output: it"
			    " must be a pipe or /dev/null");
			return -1;
		}
		return 0;
	}
	fdinfo_created(&b->dkind, -1, b->dst, 0, 0600);
	if (lstat(b->dst, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		diag(errno, "cannot stat %s", quote(b->dst));
		return -1;
	}
	if (st.st_dev == b->sfi.st.st_dev && st.st_ino == b->sfi.st.st_ino) {
		diag(0, "%s and %s are the same file", quote_n(0, b->src),
		    quote_n(1, b->dst));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		diag(0, "cannot benchmark into %s: %s", quote(b->dst),
		    S_ISDIR(st.st_mode) ? "it is a directory; name a file"
		    " in it" : "it is not a regular file, and --bench"
		    " removes DEST");
		return -1;
	}
	return 0;
}

/* The rows: auto, then the pair's chain in the order auto tries it. */
static int
bench_rows(struct bench *b)
{
	const enum method_id *m = engine_chain(&b->sfi, &b->dkind);
	int i;

	b->rows[b->nrows++].method = AUTO;
	for (; *m != M_END; m++)
		b->rows[b->nrows++].method = *m;
	for (i = 0; i < b->nrows; i++)
		if ((b->rows[i].rounds = calloc((size_t)b->o->bench,
		    sizeof(struct round))) == NULL) {
			diag(errno, "cannot start");
			return -1;
		}
	return 0;
}

/*
 * --hot: the source read once, so that every round finds it in the
 * page cache; --cold: written back first, since the kernel drops only
 * clean pages (POSIX_FADV_DONTNEED), then dropped before each round.
 */
static int
bench_prepare(struct bench *b)
{
	char *buf;
	ssize_t n;

	if (b->o->bench_cache == CACHE_COLD)
		(void)fdatasync(b->sfi.fd);
	if (b->o->bench_cache != CACHE_HOT || b->sfi.kind == FD_CHARDEV)
		return 0;
	if ((buf = malloc(HOT_CHUNK)) == NULL) {
		diag(errno, "cannot start");
		return -1;
	}
	while ((n = read(b->sfi.fd, buf, HOT_CHUNK)) > 0 ||
	    (n == -1 && errno == EINTR && !sig_pending()))
		;
	free(buf);
	if (n == -1) {
		diag(errno, "error reading %s", quote(b->src));
		return -1;
	}
	return 0;
}

/* The round's source, opened anew: a device cannot be sought back. */
static int
open_source(const struct bench *b, struct fdinfo *s)
{
	int fd = open(b->src, O_RDONLY | O_CLOEXEC);

	if (fd == -1 || fdinfo_classify(s, fd, b->src, true) == -1) {
		diag(errno, "cannot open %s for reading", quote(b->src));
		if (fd != -1)
			close(fd);
		return -1;
	}
	if (b->o->bench_cache == CACHE_COLD)
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	return 0;
}

/* The round's DEST: the last round's removed, and made anew, empty. */
static int
open_dest(struct bench *b, struct fdinfo *d)
{
	int fl = O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, fd;

	if (b->to_stdout) {
		if (fdinfo_classify(d, STDOUT_FILENO, "-", false) == 0)
			return 0;
		diag(errno, "cannot fstat %s", quote("-"));
		return -1;
	}
	if (unlink(b->dst) == -1 && errno != ENOENT) {
		diag(errno, "cannot remove %s", quote(b->dst));
		return -1;
	}
	/* --verify reads the copy back through the same descriptor. */
	fl |= b->o->engine.verify ? O_RDWR : O_WRONLY;
	if ((fd = open(b->dst, fl, 0666)) == -1 ||
	    fdinfo_classify(d, fd, b->dst, true) == -1) {
		diag(errno, "cannot create regular file %s", quote(b->dst));
		if (fd != -1)
			close(fd);
		return -1;
	}
	return 0;
}

/*
 * The round's DEST closed; one that a refused method left (empty or
 * partly written) is removed, so that --keep keeps only a whole copy.
 */
static int
close_dest(struct bench *b, const struct fdinfo *d, int rc, bool whole)
{
	if (b->to_stdout)
		return rc;
	if (close(d->fd) == -1 && rc == 0) {
		diag(errno, "error writing %s", quote(b->dst));
		rc = -1;
	}
	if (rc == 0 && !whole && unlink(b->dst) == -1) {
		diag(errno, "cannot remove %s", quote(b->dst));
		rc = -1;
	}
	return rc;
}

/*
 * The copy alone is timed, not the opening, the closing or --verify's
 * reading back; CPU time from getrusage on both sides of it.
 */
static int
copy_timed(struct engine *e, struct fdinfo *s, struct fdinfo *d,
    struct round *rd, off_t *moved)
{
	struct rusage r0, r1;
	struct timespec t0;
	int rc;

	*moved = 0;
	(void)getrusage(RUSAGE_SELF, &r0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((rc = engine_check(e, s, d)) == 0)
		rc = engine_copy(e, s, d, moved);
	rd->seconds = since(&t0);
	(void)getrusage(RUSAGE_SELF, &r1);
	rd->user = tv_seconds(&r1.ru_utime) - tv_seconds(&r0.ru_utime);
	rd->system = tv_seconds(&r1.ru_stime) - tv_seconds(&r0.ru_stime);
	return rc;
}

/*
 * Every round copies the whole source: DEST's size is checked (of a
 * pipe, the bytes sent), and with --verify its bytes.  A character
 * device has no size: its first round says how many bytes it gives.
 */
static int
check_round(struct bench *b, struct engine *e, const struct fdinfo *s,
    const struct fdinfo *d, off_t moved)
{
	struct stat st;
	off_t have = moved;

	if (b->size == -1)
		b->size = moved;
	if (!b->to_stdout) {
		if (fstat(d->fd, &st) == -1) {
			diag(errno, "cannot fstat %s", quote(b->dst));
			return -1;
		}
		have = st.st_size;
	}
	if (have != b->size) {
		diag(0, "%s has %jd bytes after a round, %s has %jd",
		    quote_n(0, b->dst), (intmax_t)have, quote_n(1, b->src),
		    (intmax_t)b->size);
		return -1;
	}
	return engine_verify(e, s, d);
}

/* What the engine counted of the round, as --stats would report it. */
static void
round_stats(struct row *row, struct round *rd, const struct stats *st)
{
	int m;

	rd->calls = 0;
	for (m = 0; m < M_NMETHODS; m++) {
		rd->calls += st->method[m].calls;
		row->moved[m] += st->method[m].bytes +
		    (off_t)st->method[m].pairs;
	}
	rd->checked = st->cache_checked;
	rd->cached = st->cache_cached;
}

/*
 * DEST's bytes in extents it shares (a clone, or a copy_file_range the
 * filesystem served by cloning), or -1 where the extent map cannot be
 * read (tmpfs, a pipe).
 */
static off_t
cloned(const struct bench *b, const struct fdinfo *d)
{
	off_t shared;

	if (b->to_stdout || extents_shared(d->fd, 0, b->size, &shared) == -1)
		return -1;
	return shared;
}

/* The row's method refused the pair: a result, said once. */
static void
refused(struct row *row, int err, const char *why)
{
	row->refused = true;
	row->err = err;
	if (why != NULL) {
		snprintf(row->whybuf, sizeof(row->whybuf), "%s", why);
		row->why = row->whybuf;
	}
}

/* The round, between the opening of its files and their closing. */
static int
round_between(struct bench *b, struct engine *e, struct row *row,
    struct fdinfo *s, struct fdinfo *d)
{
	struct round *rd = &row->rounds[row->done];
	const char *why;
	off_t moved;
	int err;

	if (copy_timed(e, s, d, rd, &moved) == -1) {
		if (!engine_refused(e, &err, &why))
			return -1;
		refused(row, err, why);
		return 0;
	}
	if (check_round(b, e, s, d, moved) == -1)
		return -1;
	round_stats(row, rd, engine_stats(e));
	rd->cloned = cloned(b, d);
	row->done++;
	return 0;
}

/* One round of row's method, a fresh engine as a fresh zcp would be. */
static int
run_round(struct bench *b, struct row *row)
{
	struct engine_conf conf = b->o->engine;
	struct fdinfo s, d;
	struct engine *e;
	int rc = -1;

	conf.method = row->method;
	conf.residency = conf.quiet_refusal = true;
	conf.watch = NULL;
	if ((e = engine_new(&conf)) == NULL) {
		diag(errno, "cannot start");
		return -1;
	}
	if (open_source(b, &s) == 0) {
		if (open_dest(b, &d) == 0) {
			/* Before close_dest: the round says if it refused. */
			rc = round_between(b, e, row, &s, &d);
			rc = close_dest(b, &d, rc, !row->refused);
		}
		close(s.fd);
	}
	engine_free(e);
	return rc;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of v[0..n-1], which it sorts; 0 of none. */
static double
median(double *v, int n)
{
	if (n == 0)
		return 0;
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The row's medians and band, from its rounds; v: room for them. */
static void
summarise(struct row *row, double *v)
{
	int i, n = row->done;

	for (i = 0; i < n; i++)
		v[i] = row->rounds[i].seconds;
	row->median = median(v, n);
	row->min = n > 0 ? v[0] : 0;
	row->max = n > 0 ? v[n - 1] : 0;
	for (i = 0; i < n; i++)
		v[i] = row->rounds[i].user;
	row->user = median(v, n);
	for (i = 0; i < n; i++)
		v[i] = row->rounds[i].system;
	row->system = median(v, n);
	for (i = 0; i < n; i++)
		v[i] = (double)row->rounds[i].calls;
	row->calls = (unsigned long)(median(v, n) + 0.5);
}

/* The method row with the lowest median, or NULL: auto is no method. */
static const struct row *
fastest(const struct bench *b)
{
	const struct row *best = NULL;
	int i;

	for (i = 1; i < b->nrows; i++)
		if (b->rows[i].done > 0 && (best == NULL ||
		    b->rows[i].median < best->median))
			best = &b->rows[i];
	return best;
}

/* The method that served auto's rounds: the one that moved the most. */
static int
auto_chose(const struct bench *b)
{
	const struct row *a = &b->rows[0];
	int m, best = -1;

	for (m = 0; m < M_NMETHODS; m++)
		if (a->moved[m] > 0 && (best == -1 ||
		    a->moved[m] > a->moved[best]))
			best = m;
	return best;
}

/* The share of the source the page cache held before the row's rounds. */
static double
cached_share(const struct row *row)
{
	off_t checked = 0, cached = 0;
	int i;

	for (i = 0; i < row->done; i++) {
		checked += row->rounds[i].checked;
		cached += row->rounds[i].cached;
	}
	return checked > 0 ? 100.0 * (double)cached / (double)checked : -1;
}

static const char *
cache_word(enum bench_cache c)
{
	return c == CACHE_COLD ? "cold" : c == CACHE_HOT ? "hot" : "as found";
}

/* The table's unit: seconds if a median reaches one, else milliseconds. */
static double
table_unit(const struct bench *b, const char **name)
{
	int i;

	for (i = 0; i < b->nrows; i++)
		if (b->rows[i].median >= 1) {
			*name = "s";
			return 1;
		}
	*name = "ms";
	return 1e3;
}

static void
human_refused(FILE *f, const struct row *row)
{
	if (row->why != NULL)
		fprintf(f, "n/a: %s\n", row->why);
	else if (row->err != 0)
		fprintf(f, "n/a: %s (%s)\n", strerror(row->err),
		    errno_name(row->err));
	else
		fputs("n/a: it returned 0 before the end of the source\n", f);
}

static void
human_row(FILE *f, const struct bench *b, const struct row *row,
    double unit, bool mark)
{
	char rate[HUMAN_BYTES_LEN + 2], band[48], clone[HUMAN_BYTES_LEN];
	char cached[16] = "-";
	double share = cached_share(row);

	fprintf(f, "%c %-16s ", mark ? '*' : ' ', row_name(row));
	if (row->refused) {
		human_refused(f, row);
		return;
	}
	human_bytes(rate, row->median > 0 ? (double)b->size / row->median :
	    0);
	strcat(rate, "/s");
	snprintf(band, sizeof(band), "%.2f-%.2f", row->min * unit,
	    row->max * unit);
	if (row->rounds[0].cloned >= 0)
		human_bytes(clone, (double)row->rounds[0].cloned);
	else
		strcpy(clone, "-");
	if (share >= 0)
		snprintf(cached, sizeof(cached), "%.0f%%", share);
	fprintf(f, "%8.2f %11s %7.2f %7.2f %6lu %15s %7s %6s\n",
	    row->median * unit, rate, row->user * unit, row->system * unit,
	    row->calls, band, clone, cached);
}

/* Whether auto took the fastest path, and if not, by how much it lost. */
static void
human_verdict(FILE *f, const struct bench *b)
{
	const struct row *best = fastest(b), *took = NULL;
	int m = auto_chose(b), i;

	for (i = 1; i < b->nrows; i++)
		if (b->rows[i].method == m)
			took = &b->rows[i];
	if (m == -1 || best == NULL)
		return;
	if (took == best || took == NULL || took->done == 0) {
		fprintf(f, "auto chose %s, the fastest\n", method_name(m));
		return;
	}
	fprintf(f, "auto chose %s; the fastest was %s, %.0f%% less time by"
	    " median%s\n", method_name(m), row_name(best),
	    100.0 * (took->median - best->median) / took->median,
	    best->max >= took->min ? " (the bands overlap)" : "");
}

static void
human_report(FILE *f, const struct bench *b)
{
	const struct row *best = fastest(b);
	char size[HUMAN_BYTES_LEN];
	const char *uname;
	double unit = table_unit(b, &uname);
	int i;

	human_bytes(size, (double)b->size);
	fprintf(f, "zcp: bench: %s -> %s: %s -> %s, %s, %d %s each, cache"
	    " %s\n", quote_n(0, b->src), quote_n(1, b->dst),
	    fdkind_name(b->sfi.kind), fdkind_name(b->dkind.kind), size,
	    b->o->bench, b->o->bench == 1 ? "round" : "rounds",
	    cache_word(b->o->bench_cache));
	fprintf(f, "  %-16s %8s %11s %7s %7s %6s %15s %7s %6s\n", "method",
	    "median", "rate", "user", "system", "calls", "min-max",
	    "cloned", "cached");
	for (i = 0; i < b->nrows; i++)
		human_row(f, b, &b->rows[i], unit, &b->rows[i] == best);
	fprintf(f, "(times in %s; * the fastest method)\n", uname);
	human_verdict(f, b);
}

static void
json_cloned(FILE *f, off_t cloned)
{
	if (cloned >= 0)
		fprintf(f, "%jd", (intmax_t)cloned);
	else
		fputs("null", f);
}

static void
json_round(FILE *f, const struct round *rd)
{
	fprintf(f, "{\"seconds\":%.6f,\"user_seconds\":%.6f,"
	    "\"system_seconds\":%.6f,\"calls\":%lu,"
	    "\"source_checked_bytes\":%jd,\"source_cached_bytes\":%jd,"
	    "\"cloned_bytes\":", rd->seconds, rd->user, rd->system,
	    rd->calls, (intmax_t)rd->checked, (intmax_t)rd->cached);
	json_cloned(f, rd->cloned);
	fputc('}', f);
}

/* A refused row's errno and reason, both null for the others. */
static void
json_refusal(FILE *f, const struct row *row)
{
	fputs(",\"errno\":", f);
	if (row->refused && row->err != 0)
		json_str(f, errno_name(row->err));
	else
		fputs("null", f);
	fputs(",\"reason\":", f);
	if (row->refused && row->why != NULL)
		json_str(f, row->why);
	else if (row->refused && row->err != 0)
		json_str(f, strerrordesc_np(row->err) != NULL ?
		    strerrordesc_np(row->err) : "Unknown error");
	else
		fputs(row->refused ? "\"returned 0 before the end of the"
		    " source\"" : "null", f);
}

static void
json_row(FILE *f, const struct bench *b, const struct row *row, bool best)
{
	int i;

	fputs("{\"method\":", f);
	json_str(f, row_name(row));
	fprintf(f, ",\"refused\":%s", row->refused ? "true" : "false");
	json_refusal(f, row);
	fprintf(f, ",\"fastest\":%s,\"median_seconds\":%.6f,"
	    "\"min_seconds\":%.6f,\"max_seconds\":%.6f,"
	    "\"bytes_per_second\":%.0f,\"user_seconds\":%.6f,"
	    "\"system_seconds\":%.6f,\"calls\":%lu,\"cloned_bytes\":",
	    best ? "true" : "false", row->median, row->min, row->max,
	    row->median > 0 ? (double)b->size / row->median : 0, row->user,
	    row->system, row->calls);
	json_cloned(f, row->done > 0 ? row->rounds[0].cloned : -1);
	fputs(",\"rounds\":[", f);
	for (i = 0; i < row->done; i++) {
		if (i > 0)
			fputc(',', f);
		json_round(f, &row->rounds[i]);
	}
	fputs("]}", f);
}

static void
json_report(FILE *f, const struct bench *b)
{
	const struct row *best = fastest(b);
	int i, m = auto_chose(b);

	fprintf(f, "{\"version\":%d,\"source\":", BENCH_VERSION);
	json_str(f, b->src);
	fputs(",\"dest\":", f);
	json_str(f, b->dst);
	fprintf(f, ",\"source_kind\":\"%s\",\"dest_kind\":\"%s\","
	    "\"bytes\":%jd,\"rounds\":%d,\"cache\":\"%s\","
	    "\"verify\":%s,\"methods\":[", fdkind_name(b->sfi.kind),
	    fdkind_name(b->dkind.kind), (intmax_t)b->size, b->o->bench,
	    cache_word(b->o->bench_cache), b->o->engine.verify ? "true" :
	    "false");
	for (i = 0; i < b->nrows; i++) {
		if (i > 0)
			fputc(',', f);
		json_row(f, b, &b->rows[i], &b->rows[i] == best);
	}
	fputs("],\"auto_chose\":", f);
	json_str(f, m >= 0 ? method_name(m) : "none");
	fputs(",\"fastest\":", f);
	json_str(f, best != NULL ? row_name(best) : "none");
	fprintf(f, ",\"auto_chose_fastest\":%s}\n", best != NULL &&
	    best->method == m ? "true" : "false");
}

/*
 * The rounds, interleaved; a refused method sits out the rest.  The last
 * row of every chain is readwrite, which the kernel never refuses: the
 * last round leaves a whole copy for --keep.
 */
static int
run_rounds(struct bench *b)
{
	struct row *row;
	int r, i;

	for (r = 0; r < b->o->bench; r++)
		for (i = 0; i < b->nrows; i++) {
			row = &b->rows[i];
			if (row->refused)
				continue;
			if (run_round(b, row) == -1 || sig_pending() != 0)
				return -1;
		}
	return 0;
}

static int
bench_report(struct bench *b)
{
	double *v = malloc((size_t)b->o->bench * sizeof(*v));
	FILE *f = b->out;
	int i;

	if (v == NULL) {
		diag(errno, "cannot report");
		return -1;
	}
	for (i = 0; i < b->nrows; i++)
		summarise(&b->rows[i], v);
	free(v);
	if (b->o->stats == STATS_JSON)
		json_report(f, b);
	else
		human_report(f, b);
	if (fflush(f) == EOF || ferror(f)) {
		diag(errno, "write error");
		return -1;
	}
	return 0;
}

/*
 * zcp --bench SOURCE DEST.  The report goes to out (--stats-file), or
 * to standard output, or to standard error when the data goes there.
 */
int
bench_main(const struct options *o, bool stdout_closed, FILE *out)
{
	struct bench b = { .o = o };
	int rc = -1, i;

	if (o->noperands != 2 || o->cp.target_dir != NULL) {
		diag_usage("--bench copies one SOURCE to one DEST");
		return 1;
	}
	b.src = o->operands[0];
	b.dst = o->operands[1];
	b.sfi.fd = -1;
	if (bench_source(&b) == 0 && bench_dest(&b, stdout_closed) == 0 &&
	    bench_rows(&b) == 0 && bench_prepare(&b) == 0) {
		b.out = out != NULL ? out : b.to_stdout ? stderr : stdout;
		sig_init();
		rc = run_rounds(&b);
		if ((rc == -1 || !o->bench_keep) && !b.to_stdout &&
		    unlink(b.dst) == -1 && errno != ENOENT)
			diag(errno, "cannot remove %s", quote(b.dst));
		if (rc == 0)
			rc = bench_report(&b);
	}
	if (b.sfi.fd != -1)
		close(b.sfi.fd);
	for (i = 0; i < b.nrows; i++)
		free(b.rows[i].rounds);
	return rc == 0 ? 0 : 1;
}
