/*
 * engine: the decision table, the fallback loop, and the rules that hold
 * whatever method runs.  A pair of descriptors takes the first row of
 * the table that matches their kinds and tries that row's methods in
 * order.  A method the kernel refuses (EXDEV, EINVAL, ENOSYS and the
 * like) hands over to the next at the byte where it stopped: every
 * method moves the descriptors' own offsets, so no byte is sent twice or
 * skipped.  A refusal before any byte moved is remembered for the device
 * pair (probe.c); a real error (EIO, ENOSPC) ends the copy, with cp's
 * message.
 */
#include "config.h"

#include <errno.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "engine.h"
#include "extents.h"
#include "method.h"
#include "nocache.h"
#include "probe.h"
#include "residency.h"
#include "resume.h"
#include "sig.h"
#include "sparse.h"
#include "stats.h"
#include "throttle.h"
#include "trace.h"
#include "verify.h"

/* Most bytes one call asks for; the kernel caps it lower anyway. */
#define XFER_CHUNK	((off_t)1 << 30)
/*
 * With --progress: one call then takes well under the meter's 200 ms
 * at disk speeds (16 MiB at 100 MB/s is 160 ms), and adds only a few
 * hundred calls per second at page-cache speeds.
 */
#define TICK_CHUNK	((off_t)16 << 20)
#define RW_BUFSIZE	((size_t)256 * 1024)

/*
 * The decision table: for a kind of source and of destination, the
 * methods to try in order.  The first row that matches wins.  splice
 * goes directly between a pipe and a pipe, socket or device, and through
 * an intermediate pipe otherwise (method_splice.c says why).
 */
#define K(kind)		(1u << (kind))
#define ANY		(~0u)
#define STREAM		(K(FD_SOCKET) | K(FD_CHARDEV))

static const enum method_id chain_file_file[] = {
	M_REFLINK, M_COPY_FILE_RANGE, M_SENDFILE, M_READWRITE, M_END
};
static const enum method_id chain_file_pipe[] = {
	M_SPLICE, M_SENDFILE, M_READWRITE, M_END
};
static const enum method_id chain_file_stream[] = {
	M_SENDFILE, M_SPLICE, M_READWRITE, M_END
};
static const enum method_id chain_splice[] = {
	M_SPLICE, M_READWRITE, M_END
};
static const enum method_id chain_readwrite[] = {
	M_READWRITE, M_END
};

static const struct route {
	unsigned		 src, dst;
	const enum method_id	*chain;
} routes[] = {
	{ K(FD_REGULAR),	K(FD_REGULAR),		chain_file_file },
	{ K(FD_REGULAR),	K(FD_PIPE),		chain_file_pipe },
	{ K(FD_REGULAR),	STREAM,			chain_file_stream },
	{ K(FD_PIPE),		ANY,			chain_splice },
	{ STREAM,		K(FD_PIPE),		chain_splice },
	{ STREAM,		K(FD_REGULAR) | STREAM,	chain_splice },
	{ ANY,			ANY,			chain_readwrite },
};

/* Why the last method of a chain gave up, for the final message. */
struct lastfail {
	enum method_id	 method;
	int		 err;
	const char	*call;
	const char	*why;
	off_t		 bytes;
};

/* Why a method is not tried for a pair (skip_reason). */
struct skip {
	const char	*why;		/* NULL: it is tried */
	bool		 option;	/* an option rules it out */
	int		 remembered;	/* the errno of a refusal remembered
					 * from before, or 0 */
	const char	*call;		/* the call that refusal came from */
};

/*
 * What became of the methods of the last pair, for engine_report; each
 * field a set of methods (1 << method_id).
 */
struct pairlog {
	const enum method_id *chain;	/* NULL: no pair since the report */
	unsigned	 used;		/* served the pair, or part of it */
	unsigned	 moved;		/* moved bytes */
	unsigned	 refused;	/* the kernel refused, now or before, or
					 * it cannot serve the pair */
	unsigned	 avoided;	/* an option ruled it out */
	bool		 data;		/* more than a clone was tried */
	bool		 extents;	/* copied by SEEK_DATA's extents */
	bool		 punch;		/* runs of zeros made holes */
};

/*
 * What every engine of the run (-j's workers) has done, for a snapshot:
 * each adds its bytes and calls as they end, the first engine owns it.
 */
struct totals {
	_Atomic long long	 bytes;
	_Atomic unsigned long	 calls;
};

struct engine {
	struct engine_conf	 conf;
	struct totals		*totals;
	bool			 own_totals;
	struct scratch		 scratch;
	struct remembered		*remembered;
	struct stats		 stats;
	enum method_id		 forced[2];
	struct lastfail		 last;
	bool			 exhausted;	/* every method refused */
	struct pairlog		 pair;
	struct throttle		 throttle;	/* --bwlimit */
	struct nocache		 nocache;	/* --nocache */
	bool			 no_cachestat;	/* residency: the kernel lacks it */
	off_t			 cached_before;	/* the next pair's residency,
						 * measured already, or -2 */
	bool			 cloned;	/* the last pair read none of
						 * its source (engine_copy) */
	char			*cmpbuf;	/* --resume's and --verify's two
						 * chunks, 2 * COMPARE_CHUNK */
	struct watcher		 relay;		/* hears of each call's bytes */
	/* For a snapshot (SIGUSR1): the pair and the attempt under way. */
	struct timespec		 start;
	off_t			 inflight;	/* this pair's bytes so far */
	enum method_id		 running;
	const struct mresult	*attempt;	/* its calls so far */
	char			 why[160];
};

/* Filesystems where copy_file_range may share extents instead. */
static bool
fs_may_clone(long magic)
{
	switch ((unsigned long)magic) {
	case 0x58465342:	/* XFS */
	case 0x9123683e:	/* btrfs */
	case 0x7461636f:	/* OCFS2 */
	case 0xca451a4e:	/* bcachefs */
	case 0x6969:		/* NFS: the server may clone */
	case 0xfe534d42:	/* SMB2 */
	case 0xff534d42:	/* CIFS */
	case 0x794c7630:	/* overlayfs, maybe over one of these */
		return true;
	default:
		return false;
	}
}

/* Filesystems whose files are made as they are read, with no page cache. */
static bool
fs_pseudo(long magic)
{
	switch ((unsigned long)magic) {
	case 0x9fa0:		/* procfs */
	case 0x62656572:	/* sysfs */
	case 0x64626720:	/* debugfs */
	case 0x74726163:	/* tracefs */
	case 0x73636673:	/* securityfs */
	case 0x62656570:	/* configfs */
	case 0x27e0eb:		/* cgroup */
	case 0x63677270:	/* cgroup2 */
	case 0x6165676c:	/* pstore */
	case 0xde5e81e4:	/* efivarfs */
	case 0xcafe4a11:	/* bpf */
		return true;
	default:
		return false;
	}
}

/* Filesystems whose st_size says nothing about what read() returns. */
static bool
fs_size_unreliable(long magic)
{
	switch ((unsigned long)magic) {
	case 0x65735546:	/* FUSE */
	case 0x794c7630:	/* overlayfs */
		return true;
	default:
		return fs_pseudo(magic);
	}
}

/* Seconds since *from, on the monotonic clock (the vDSO's: no call). */
static double
seconds_since(const struct timespec *from)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - from->tv_sec) +
	    (double)(now.tv_nsec - from->tv_nsec) / 1e9;
}

/* The stats so far, on stderr, when SIGUSR1 asked for them. */
static void
snapshot(struct engine *e)
{
	unsigned long calls = e->attempt != NULL ? e->attempt->calls : 0;
	struct held *h;

	if (!sig_snapshot())
		return;
	calls += atomic_load(&e->totals->calls);
	/* Not held with a file's lines (-j): it is about now. */
	h = out_hold(NULL);
	diag_line();
	stats_snapshot(stderr, atomic_load(&e->totals->bytes) + e->inflight,
	    seconds_since(&e->start), e->attempt != NULL ? e->running : M_END,
	    calls);
	out_hold(h);
}

/*
 * The methods tell this watcher of each call's bytes: it counts them for
 * a snapshot, tells --progress's watcher in turn (engine_copy tells that
 * one of each pair itself: this one has no pair()), holds the copy to
 * --bwlimit and drops what was copied from the page cache (--nocache).
 * A clone moves no data and cannot be cut into chunks: it is not held
 * back, nor counted against the rate.
 */
static void
relay_moved(void *arg, enum method_id m, off_t n)
{
	struct engine *e = arg;

	e->inflight += n;
	if (e->conf.watch != NULL)
		e->conf.watch->moved(e->conf.watch->arg, m, n);
	if (e->conf.bwlimit > 0 && !(method_caps(m) & METHOD_CLONES))
		throttle_pay(&e->throttle, n);
	if (e->conf.nocache)
		nocache_moved(&e->nocache, n);
	snapshot(e);
}

struct engine *
engine_new(const struct engine_conf *conf)
{
	struct engine *e = calloc(1, sizeof(*e));

	if (e == NULL)
		return NULL;
	if ((e->remembered = remembered_new()) == NULL ||
	    (e->totals = calloc(1, sizeof(*e->totals))) == NULL) {
		remembered_free(e->remembered);
		free(e);
		return NULL;
	}
	e->own_totals = true;
	e->conf = *conf;
	e->scratch.pipefd[0] = e->scratch.pipefd[1] = -1;
	e->scratch.pipe_size = conf->pipe_size;
	e->cached_before = -2;
	e->scratch.bufsize = RW_BUFSIZE;
	e->forced[0] = conf->reflink == REFLINK_ALWAYS ?
	    method_with(METHOD_CLONES) : conf->method >= 0 ?
	    (enum method_id)conf->method : M_END;
	e->forced[1] = M_END;
	if (conf->bwlimit > 0)
		throttle_init(&e->throttle, conf->bwlimit);
	e->relay = (struct watcher){ NULL, relay_moved, e, NULL, NULL };
	clock_gettime(CLOCK_MONOTONIC, &e->start);
	return e;
}

void
engine_free(struct engine *e)
{
	if (e == NULL)
		return;
	if (e->scratch.pipefd[0] != -1) {
		(void)close(e->scratch.pipefd[0]);
		(void)close(e->scratch.pipefd[1]);
	}
	free(e->scratch.buf);
	free(e->cmpbuf);
	remembered_free(e->remembered);
	if (e->own_totals)
		free(e->totals);
	free(e);
}

/*
 * An engine for another thread (-j): the same options, and the same
 * memory of what the kernel refused, shared; counters of its own, which
 * engine_absorb adds to e's when the thread is done.
 */
struct engine *
engine_fork(struct engine *e)
{
	struct engine *f = engine_new(&e->conf);

	if (f == NULL)
		return NULL;
	remembered_free(f->remembered);
	f->remembered = remembered_share(e->remembered);
	free(f->totals);
	f->totals = e->totals;
	f->own_totals = false;
	return f;
}

/* f's counters into e's, then f is freed. */
void
engine_absorb(struct engine *e, struct engine *f)
{
	stats_add(&e->stats, &f->stats);
	engine_free(f);
}

/* The pairs given to e so far. */
unsigned long
engine_pairs(const struct engine *e)
{
	return e->stats.pairs;
}

/*
 * Whether the last engine_copy read none of its source: its bytes all
 * cloned, by FICLONE or by a copy_file_range within a filesystem that
 * clones (or an NFS server's copy).  Kept apart from e->pair, which
 * --debug's engine_report clears before the caller asks.
 */
bool
engine_pair_cloned(const struct engine *e)
{
	return e->cloned;
}

static bool
pair_cloned(struct engine *e, const struct fdinfo *s,
    const struct fdinfo *d)
{
	unsigned caps;
	int m;

	if (e->pair.moved == 0)
		return false;
	for (m = 0; m < M_NMETHODS; m++) {
		caps = method_caps(m);
		if (!(e->pair.moved & (1u << m)) || (caps & METHOD_CLONES))
			continue;
		/* Where FICLONE was refused, copy_file_range copies. */
		if (!(caps & METHOD_MAY_CLONE) ||
		    (e->pair.refused & (1u << M_REFLINK)) ||
		    s->st.st_dev != d->st.st_dev ||
		    !fs_may_clone(remembered_fsmagic(e->remembered, d)))
			return false;
	}
	return true;
}

const struct stats *
engine_stats(const struct engine *e)
{
	return &e->stats;
}

/*
 * The decision table's methods for a pair of these kinds, in the order
 * auto tries them, ended by M_END: what --bench compares.
 */
const enum method_id *
engine_chain(const struct fdinfo *s, const struct fdinfo *d)
{
	size_t i;

	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if ((routes[i].src & K(s->kind)) && (routes[i].dst & K(d->kind)))
			break;
	return routes[i].chain;
}

static const enum method_id *
chain_for(const struct engine *e, const struct fdinfo *s,
    const struct fdinfo *d)
{
	if (e->forced[0] != M_END)
		return e->forced;
	return engine_chain(s, d);
}

/*
 * Grow a pipe end we were given: moving 1 GiB pipe to pipe with 1 MiB
 * pipes takes a tenth of the time it takes with the default 64 KiB.
 * Never shrink one; a refusal (EPERM over the limit, EBUSY) is fine.
 */
static void
grow_pipe(const struct engine *e, const struct fdinfo *fi, const char *role)
{
	int cur = fcntl(fi->fd, F_GETPIPE_SZ);

	if (cur == -1 || (size_t)cur >= e->conf.pipe_size)
		return;
	if (fcntl(fi->fd, F_SETPIPE_SZ, (int)e->conf.pipe_size) == -1) {
		if (e->conf.trace)
			trace("%s %s: pipe capacity %d bytes; growing it to %zu:"
			    " %s", role, quote(fi->name), cur,
			    e->conf.pipe_size, strerror(errno));
	} else if (e->conf.trace)
		trace("%s %s: pipe capacity %d bytes, grown to %d", role,
		    quote(fi->name), cur, fcntl(fi->fd, F_GETPIPE_SZ));
}

static bool
maybe_more(struct engine *e, const struct fdinfo *s)
{
	if (s->kind != FD_REGULAR)
		return false;
	if (s->st.st_size > s->offset)
		return true;
	return fs_size_unreliable(remembered_fsmagic(e->remembered, s));
}

/* Why an option rules m out for this pair, or NULL. */
static const char *
option_against(struct engine *e, const struct xfer *x, enum method_id m)
{
	unsigned caps = method_caps(m);

	if ((caps & METHOD_CLONES) && e->conf.reflink == REFLINK_NEVER)
		return "--reflink=never";
	if ((caps & METHOD_CLONES) && x->src->resumed > 0)
		return "--resume copies the rest, and a clone replaces whole"
		    " files";
	if ((caps & METHOD_KEEPS_HOLES) && e->conf.sparse == SPARSE_NEVER)
		return "--sparse=never, and it can keep holes";
	if (!(caps & (METHOD_CLONES | METHOD_MAKES_HOLES)) && x->punch)
		return "--sparse=always: only read/write turns zeros into holes";
	if ((caps & METHOD_MAY_CLONE) && e->conf.reflink == REFLINK_NEVER &&
	    fs_may_clone(remembered_fsmagic(e->remembered, x->dst)))
		return "--reflink=never, and it can clone on this filesystem";
	return NULL;
}

/*
 * Whether m is not tried for this pair, and why (sk->why, or NULL).
 * Asks the kernel nothing, so it can also find what runs next.
 */
static bool
skip_reason(struct engine *e, const struct xfer *x, enum method_id m,
    struct skip *sk)
{
	int err;

	*sk = (struct skip){ .why = option_against(e, x, m) };
	if ((sk->option = sk->why != NULL))
		return true;
	if ((err = remembered_refusal(e->remembered, m, x->src, x->dst,
	    &sk->call)) != 0) {
		sk->remembered = err;
		snprintf(e->why, sizeof(e->why), "the kernel said %s for this"
		    " %s before", errno_name(err), err == ENOSYS ? "process" :
		    "device pair");
		sk->why = e->why;
		return true;
	}
	if (method_get(m)->unfit != NULL)
		sk->why = method_get(m)->unfit(x);
	return sk->why != NULL;
}

/* The method that runs after at[0] gives up: the next one not skipped. */
static enum method_id
next_method(struct engine *e, const struct xfer *x, const enum method_id *at)
{
	struct skip sk;

	while (*++at != M_END && skip_reason(e, x, *at, &sk))
		;
	return *at;
}

/*
 * splice and sendfile from a file hand the reader page-cache pages of
 * the bytes they moved, except where the kernel copies (through at least
 * 6.18): from a file opened O_DIRECT, and from filesystems that make
 * their files as they are read (procfs, sysfs, cgroup and the like).
 */
static bool
shares_pages(struct engine *e, enum method_id m, const struct xfer *x,
    const struct mresult *r)
{
	return (method_caps(m) & METHOD_SHARES_PAGES) && r->bytes > 0 &&
	    x->src->kind == FD_REGULAR && !x->src->direct &&
	    (x->dst->kind == FD_PIPE || x->dst->kind == FD_SOCKET) &&
	    !fs_pseudo(remembered_fsmagic(e->remembered, x->src));
}

static bool
write_errno(int err)
{
	return err == ENOSPC || err == EDQUOT || err == EFBIG ||
	    err == EPIPE || err == EROFS;
}

static void
report_error(const struct xfer *x, const struct mresult *r)
{
	enum mside side = write_errno(r->err) ? SIDE_WRITE : r->side;

	if (side == SIDE_READ)
		diag(r->err, "error reading %s", quote(x->src->name));
	else if (side == SIDE_WRITE)
		diag(r->err, "error writing %s", quote(x->dst->name));
	else
		diag(r->err, "error copying %s to %s", quote_n(0, x->src->name),
		    quote_n(1, x->dst->name));
}

/*
 * Every method of the chain refused: only a forced one gets here.
 * --bench makes that a result of its own (engine_refused), not an error.
 */
static void
report_exhausted(struct engine *e, const struct xfer *x)
{
	const struct lastfail *l = &e->last;
	const char *s = quote_n(0, x->src->name), *d = quote_n(1, x->dst->name);
	const char *m = method_name(l->method);
	char after[64] = "";

	e->exhausted = true;
	if (e->conf.quiet_refusal)
		return;
	if (e->conf.reflink == REFLINK_ALWAYS) {
		if (l->why != NULL)
			diag(0, "failed to clone %s from %s: %s", d, s, l->why);
		else
			diag(l->err, "failed to clone %s from %s", d, s);
		return;
	}
	if (l->bytes > 0)
		snprintf(after, sizeof(after), " after %jd bytes",
		    (intmax_t)l->bytes);
	if (l->why != NULL)
		diag(0, "cannot copy %s to %s with --method=%s: %s", s, d, m,
		    l->why);
	else if (l->err == 0)
		diag(0, "cannot copy %s to %s with --method=%s%s: %s returned"
		    " 0 before the end of the source", s, d, m, after, m);
	else
		diag(l->err, "cannot copy %s to %s with --method=%s%s: %s", s,
		    d, m, after, l->call);
}

/* at[0] was skipped, as sk says. */
static enum mstatus
skipped(struct engine *e, const struct xfer *x, const enum method_id *at,
    const struct skip *sk)
{
	if (e->conf.trace)
		trace("%s: skipped: %s", method_name(at[0]), sk->why);
	if (sk->option)
		e->pair.avoided |= 1u << at[0];
	else
		e->pair.refused |= 1u << at[0];
	if (sk->remembered == 0) {
		e->last = (struct lastfail){ .method = at[0], .why = sk->why };
		return M_UNSUPPORTED;
	}
	stats_remembered(&e->stats, at[0], next_method(e, x, at),
	    sk->remembered);
	/* Say it as the kernel did, as cp does for every file. */
	e->last = (struct lastfail){ .method = at[0], .err = sk->remembered,
	    .call = sk->call };
	return M_UNSUPPORTED;
}

/* What became of m, which was tried, for engine_report. */
static void
log_attempt(struct pairlog *p, enum method_id m, const struct mresult *r)
{
	if (!(method_caps(m) & METHOD_CLONES))
		p->data = true;
	if (r->bytes > 0 || r->status == M_DONE)
		p->used |= 1u << m;
	if (r->bytes > 0)
		p->moved |= 1u << m;
	if (r->status == M_UNSUPPORTED)
		p->refused |= 1u << m;
}

static enum mstatus
attempt(struct engine *e, struct xfer *x, const enum method_id *at,
    off_t *moved)
{
	enum method_id m = at[0], next = M_END;
	struct mresult r = { .status = M_ERROR };
	const char *note = NULL;
	struct skip sk;

	if (skip_reason(e, x, m, &sk))
		return skipped(e, x, at, &sk);
	x->method = m;
	x->latency = e->conf.latency ? &e->stats.method[m].latency : NULL;
	e->running = m;
	e->attempt = &r;
	method_get(m)->copy(x, &r);
	e->attempt = NULL;
	*moved += r.bytes;
	if (x->len != XFER_TO_EOF)
		x->len -= r.bytes;
	if (r.status == M_UNSUPPORTED) {
		if (r.bytes == 0 && remember_refusal(e->remembered, m, x->src,
		    x->dst, r.err, r.call))
			note = r.err == ENOSYS ? "disabled for this process" :
			    "remembered for this device pair";
		next = next_method(e, x, at);
	}
	stats_attempt(&e->stats, m, next, &r);
	atomic_fetch_add(&e->totals->calls, r.calls);
	log_attempt(&e->pair, m, &r);
	if (e->conf.trace)
		trace_result(m, &r, next, shares_pages(e, m, x, &r), note);
	if (r.status == M_ERROR)
		report_error(x, &r);
	else if (r.status == M_UNSUPPORTED)
		e->last = (struct lastfail){ .method = m, .err = r.err,
		    .call = r.call, .bytes = r.bytes };
	return r.status;
}

/*
 * Try each method in turn.  A method hands over at the byte boundary it
 * reports, and every method uses the descriptors' own offsets, so the
 * next one continues exactly where the last stopped.
 */
static int
run_chain(struct engine *e, struct xfer *x, const enum method_id *chain,
    off_t *moved)
{
	for (; *chain != M_END; chain++) {
		switch (attempt(e, x, chain, moved)) {
		case M_DONE:
			return 0;
		case M_ERROR:
			return -1;
		case M_UNSUPPORTED:
			break;
		}
	}
	report_exhausted(e, x);
	return -1;
}

/* --sparse=always: runs of zeros become holes, where dst can have them. */
static bool
punches(const struct engine *e, const struct fdinfo *d)
{
	return e->conf.sparse == SPARSE_ALWAYS && d->kind == FD_REGULAR &&
	    !d->append;
}

static bool
sparse_applies(const struct engine *e, const struct fdinfo *s,
    const struct fdinfo *d)
{
	/*
	 * Skipping a hole leaves zeros only where the destination has no
	 * bytes yet: past its end, and not with O_APPEND.
	 */
	return e->conf.sparse != SPARSE_NEVER && sparse_has_holes(s) &&
	    d->kind == FD_REGULAR && !d->append && d->st.st_size <= d->offset;
}

static int
seek_to(const struct fdinfo *fi, off_t off)
{
	if (lseek(fi->fd, off, SEEK_SET) == -1) {
		diag(errno, "cannot lseek %s", quote(fi->name));
		return -1;
	}
	return 0;
}

/*
 * Copy only the data extents, each by the chain, then give the
 * destination the source's size so a trailing hole stays a hole.
 */
static int
copy_extents(struct engine *e, struct xfer *x, const enum method_id *chain,
    off_t *moved)
{
	const struct fdinfo *s = x->src, *d = x->dst;
	off_t pos = s->offset, data, hole, end, before;
	int rc, extents = 0;

	e->pair.extents = true;
	while ((rc = sparse_next(s->fd, pos, &data, &hole)) == 1) {
		if (seek_to(s, data) == -1 ||
		    seek_to(d, d->offset + data - s->offset) == -1)
			return -1;
		nocache_seek(&e->nocache, data, d->offset + data - s->offset);
		x->len = hole - data;
		before = *moved;
		if (run_chain(e, x, chain, moved) == -1)
			return -1;
		extents++;
		pos = data + (*moved - before);
		if (pos < hole)		/* the source shrank */
			break;
	}
	if (rc == -1) {
		diag(errno, "cannot lseek %s", quote(s->name));
		return -1;
	}
	if (rc == 0 && (end = lseek(s->fd, 0, SEEK_END)) > pos)
		pos = end;
	if (seek_to(s, pos) == -1)
		return -1;
	end = d->offset + pos - s->offset;
	if (ftruncate(d->fd, end) == -1) {
		diag(errno, "failed to extend %s", quote(d->name));
		return -1;
	}
	if (e->conf.trace)
		trace("sparse: %d data extent%s, %jd bytes of %jd; holes kept",
		    extents, extents == 1 ? "" : "s", (intmax_t)*moved,
		    (intmax_t)(pos - s->offset));
	return d->owned ? 0 : seek_to(d, end);
}

static int
copy_sparse(struct engine *e, struct xfer *x, const enum method_id *chain,
    off_t *moved)
{
	/* A clone keeps the holes by itself; try it on the whole file. */
	if (method_caps(chain[0]) & METHOD_CLONES) {
		if (chain[1] == M_END)
			return run_chain(e, x, chain, moved);
		switch (attempt(e, x, chain, moved)) {
		case M_DONE:
			return 0;
		case M_ERROR:
			return -1;
		case M_UNSUPPORTED:
			chain++;
			break;
		}
	}
	if (e->conf.trace)
		trace("sparse: %s has holes: copying its data extents",
		    quote(x->src->name));
	return copy_extents(e, x, chain, moved);
}

/*
 * --resume found all of src at its destination: no method is needed, not
 * even a forced one that could not serve (a clone, which replaces whole
 * files only).
 */
static bool
all_resumed(struct engine *e, const struct fdinfo *src)
{
	return src->resumed > 0 && !maybe_more(e, src);
}

/*
 * Whether the pair can be copied at all, asked before the destination is
 * truncated: only a forced method (--method, --reflink=always) can be
 * ruled out for a whole pair without a call, by an option against the
 * filesystem (--reflink=never where copy_file_range clones) or by a
 * refusal remembered from an earlier file.  dst is as it will be: empty.
 * Returns 0, or -1 after the message.
 */
int
engine_check(struct engine *e, const struct fdinfo *src,
    const struct fdinfo *dst)
{
	struct xfer x = { .src = src, .dst = dst, .len = XFER_TO_EOF };
	struct skip sk;

	e->pair = (struct pairlog){ .chain = NULL };
	e->exhausted = false;
	if (engine_can_verify(e, src, dst) == -1)
		return -1;
	if (e->forced[0] == M_END || all_resumed(e, src))
		return 0;
	x.punch = punches(e, dst);
	if (!skip_reason(e, &x, e->forced[0], &sk))
		return 0;
	e->pair.chain = e->forced;
	e->stats.pairs++;
	if (e->conf.trace)
		trace_pair(src, dst, e->forced);
	(void)skipped(e, &x, e->forced, &sk);
	report_exhausted(e, &x);
	return -1;
}

/*
 * --nocache: drop the rest of the pair.  A write-out that failed fails
 * the copy, as the write would have if it had failed at once.
 */
static int
nocache_end(struct engine *e, const struct xfer *x, int rc)
{
	int err = nocache_finish(&e->nocache);

	if (err == 0 || rc == -1)
		return rc;
	diag(err, "error writing %s", quote(x->dst->name));
	return -1;
}

/*
 * --stats: how much of the regular file fd (stat st, or NULL: looked up
 * here) the page cache holds now, for a copy of it that starts later
 * (engine_cached_before): -j's look-ahead and its samples start reading
 * a file before its copy does, which would then find it cached.  -2
 * without --stats, -1 where it cannot be told.
 */
off_t
engine_cached_now(struct engine *e, int fd, const struct stat *st)
{
	struct fdinfo fi = { .fd = fd, .kind = FD_REGULAR };

	if (!e->conf.residency)
		return -2;
	if (st != NULL)
		fi.st = *st;
	else if (fstat(fd, &fi.st) == -1 || !S_ISREG(fi.st.st_mode))
		return -1;
	return residency(&fi, &e->no_cachestat);
}

/* The next pair's residency: cached (engine_cached_now's), or -2. */
void
engine_cached_before(struct engine *e, off_t cached)
{
	e->cached_before = cached;
}

/* --stats: how much of the source the page cache holds before the copy. */
static void
measure_residency(struct engine *e, const struct fdinfo *src)
{
	off_t cached = e->cached_before != -2 && src->offset == 0 ?
	    e->cached_before : residency(src, &e->no_cachestat);

	e->cached_before = -2;

	if (cached < 0) {
		e->stats.cache_unknown++;
		return;
	}
	e->stats.cache_checked += src->st.st_size - src->offset;
	e->stats.cache_cached += cached;
}

/* Whether one of the methods of set (1 << method_id) can share extents. */
static bool
may_have_cloned(unsigned set)
{
	int m;

	for (m = 0; m < M_NMETHODS; m++)
		if ((set & (1u << m)) &&
		    (method_caps(m) & (METHOD_CLONES | METHOD_MAY_CLONE)))
			return true;
	return false;
}

/*
 * --stats: of the bytes a pair moved, those in extents the destination
 * now shares (a clone: FICLONE, or a copy_file_range that XFS, btrfs or
 * an NFS server served by cloning) and the rest, which were written.
 * The map is read only where a method that may clone moved bytes into a
 * regular file; where it cannot be read (tmpfs), the bytes count as
 * written.  span: how far from dst's offset the bytes may lie (holes
 * of a sparse source between them).
 */
static void
measure_cloned(struct engine *e, const struct fdinfo *dst, off_t moved,
    off_t span)
{
	off_t shared = 0;

	if (dst->kind == FD_REGULAR && moved > 0 &&
	    may_have_cloned(e->pair.moved) &&
	    extents_shared_counted(dst->fd, dst->offset, span, &shared,
	    &e->stats.extent_calls) == -1)
		shared = 0;	/* a map read in part says nothing */
	if (shared > moved)
		shared = moved;
	e->stats.cloned += shared;
	e->stats.copied += moved - shared;
}

/*
 * *moved: the bytes that reached dst, also when the copy failed.  Whether
 * they count as copied is the front end's to say (engine_landed): bytes
 * written into a temporary that --atomic then drops did not land.
 */
int
engine_copy(struct engine *e, struct fdinfo *src, struct fdinfo *dst,
    off_t *moved)
{
	struct xfer x = {
		.src = src, .dst = dst, .len = XFER_TO_EOF,
		.chunk = e->conf.watch != NULL ? TICK_CHUNK : XFER_CHUNK,
		.scratch = &e->scratch, .watch = &e->relay,
	};
	const enum method_id *chain = chain_for(e, src, dst);
	off_t span;
	int rc;

	*moved = 0;
	e->stats.pairs++;
	e->inflight = 0;
	e->exhausted = false;
	if (e->conf.residency)
		measure_residency(e, src);
	snapshot(e);
	if (e->conf.watch != NULL)
		e->conf.watch->pair(e->conf.watch->arg);
	if (e->conf.nocache) {
		if (x.chunk > NOCACHE_STEP)
			x.chunk = NOCACHE_STEP;
		nocache_start(&e->nocache, src, dst);
	}
	if (e->conf.bwlimit > 0)
		x.chunk = throttle_chunk(&e->throttle, x.chunk);
	if (e->conf.trace)
		trace_pair(src, dst, chain);
	if (src->kind == FD_PIPE)
		grow_pipe(e, src, "source");
	if (dst->kind == FD_PIPE)
		grow_pipe(e, dst, "destination");
	x.maybe_more = maybe_more(e, src);
	x.punch = punches(e, dst);
	e->pair = (struct pairlog){ .chain = chain, .punch = x.punch };
	span = src->st.st_size - src->offset;
	if (e->forced[0] != M_END && all_resumed(e, src))
		rc = 0;
	else if (sparse_applies(e, src, dst))
		rc = copy_sparse(e, &x, chain, moved);
	else
		rc = run_chain(e, &x, chain, moved);
	if (e->conf.nocache)
		rc = nocache_end(e, &x, rc);
	e->cloned = pair_cloned(e, src, dst);
	if (e->conf.extents)
		measure_cloned(e, dst, *moved, span > *moved ? span : *moved);
	stats_pair(&e->stats, e->pair.used);
	if (e->conf.watch != NULL && e->conf.watch->pair_end != NULL)
		e->conf.watch->pair_end(e->conf.watch->arg);
	return rc;
}

/* --trace's words for what --resume found at the destination. */
static void
trace_resume(const struct fdinfo *src, const struct fdinfo *dst,
    const struct resume *r, unsigned long calls)
{
	static const char *const said[] = {
		[RESUME_EMPTY] = "holds no bytes: copying it whole",
		[RESUME_REST] = "holds the source's first bytes: copying the"
		    " rest",
		[RESUME_DIFFERS] = "differs from the source: copying it whole",
		[RESUME_LONGER] = "is longer than the source: copying it whole",
		[RESUME_UNREADABLE] = "cannot be read: copying it whole",
		[RESUME_WRITE_ONLY] = "is open for writing only: copying it"
		    " whole",
		[RESUME_NOT_FILE] = "and the source are not both regular files"
		    " (without O_APPEND): copying as usual"
	};

	trace("resume: %s (%jd bytes, compared with %s in %lu calls) %s%s%s",
	    quote_n(0, dst->name), (intmax_t)r->have, quote_n(1, src->name),
	    calls, said[r->how], r->err != 0 ? ": " : "",
	    r->err != 0 ? strerror(r->err) : "");
}

/*
 * The buffer --resume and --verify compare in, made once; or NULL.  A
 * page-aligned one, as a descriptor given with O_DIRECT reads only into
 * an aligned buffer.
 */
static char *
compare_buffer(struct engine *e)
{
	void *p;

	if (e->cmpbuf == NULL && (errno = posix_memalign(&p, 4096,
	    2 * COMPARE_CHUNK)) == 0)
		e->cmpbuf = p;
	return e->cmpbuf;
}

/*
 * What --resume finds at dst (r->how), which must hold no more than src.
 * Returns 0, or -1 with errno when src cannot be read or zcp is to stop.
 */
static int
resume_how(struct engine *e, const struct fdinfo *src,
    const struct fdinfo *dst, struct resume *r, unsigned long *calls)
{
	enum resume_side side = RESUME_DST;	/* no buffer: ENOMEM */
	bool same;

	if (src->kind != FD_REGULAR || dst->kind != FD_REGULAR || dst->append)
		r->how = RESUME_NOT_FILE;
	else if (r->have <= 0)
		r->how = RESUME_EMPTY;
	else if (r->have > src->st.st_size - src->offset)
		r->how = RESUME_LONGER;
	/*
	 * dest.c opens a file this user may write but not read so, and
	 * standard output may be: a pread would only say EBADF.
	 */
	else if (dst->access == O_WRONLY)
		r->how = RESUME_WRITE_ONLY;
	else if (compare_buffer(e) != NULL && resume_same(src, dst, r->have,
	    e->cmpbuf, e->conf.nocache, &same, calls, &side) == 0)
		r->how = same ? RESUME_REST : RESUME_DIFFERS;
	else if (side == RESUME_SRC || errno == EINTR)
		return -1;	/* EINTR: a stop request, before any change */
	else {
		r->how = RESUME_UNREADABLE;
		r->err = errno;
	}
	return 0;
}

/*
 * --resume, before the copy: where dst (from its offset) already holds
 * src's first bytes (from its offset), move both offsets past them, so
 * that the methods copy only the rest; otherwise leave both as they are
 * for a whole copy.  Returns 0 (r says which), or -1 after the message
 * when the source cannot be read.
 */
int
engine_resume(struct engine *e, struct fdinfo *src, struct fdinfo *dst,
    struct resume *r)
{
	unsigned long calls = 0;
	int rc, err;

	*r = (struct resume){ .have = dst->st.st_size - dst->offset };
	rc = resume_how(e, src, dst, r, &calls);
	err = errno;
	e->stats.compare_calls += calls;
	if (rc == -1) {
		diag(err, "error reading %s", quote(src->name));
		return -1;
	}
	if (e->conf.trace)
		trace_resume(src, dst, r, calls);
	if (r->how != RESUME_REST)
		return 0;
	if (seek_to(src, src->offset + r->have) == -1 ||
	    seek_to(dst, dst->offset + r->have) == -1)
		return -1;
	src->offset += r->have;
	dst->offset += r->have;
	src->resumed = dst->resumed = r->have;
	e->stats.skipped += r->have;
	if (e->conf.watch != NULL && e->conf.watch->present != NULL)
		e->conf.watch->present(e->conf.watch->arg, r->have);
	return 0;
}

/*
 * --verify: whether src and dst (or src alone, dst NULL) can be read
 * again once copied, asked before any data moves.  Returns 0, or -1
 * after the message.
 */
int
engine_can_verify(struct engine *e, const struct fdinfo *src,
    const struct fdinfo *dst)
{
	return e->conf.verify ? verify_can(src, dst) : 0;
}

/*
 * --verify: dst, just copied from src, read back and compared with it.
 * Returns 0 (also without --verify), or -1 after the message.
 */
int
engine_verify(struct engine *e, const struct fdinfo *src,
    const struct fdinfo *dst)
{
	struct timespec t0;
	off_t verified;
	int rc;

	if (!e->conf.verify)
		return 0;
	if (compare_buffer(e) == NULL) {
		diag(errno, "cannot verify %s", quote(dst->name));
		return -1;
	}
	if (e->conf.trace)
		verify_trace_shared(src, dst);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = verify_pair(src, dst, e->cmpbuf, e->conf.nocache, &verified);
	e->stats.verified += verified;
	e->stats.verify_seconds += seconds_since(&t0);
	return rc;
}

/*
 * The moved bytes of a pair are in their destination for good (kept),
 * or went with a temporary --atomic dropped; whole: the file is copied.
 */
void
engine_landed(struct engine *e, off_t moved, bool kept, bool whole)
{
	if (kept) {
		e->stats.bytes += moved;
		atomic_fetch_add(&e->totals->bytes, (long long)moved);
	} else
		e->stats.dropped += moved;
	if (whole)
		e->stats.files++;
}

/* The methods of chain that have all of caps, as a set. */
static unsigned
chain_with(const enum method_id *chain, unsigned caps)
{
	unsigned set = 0;

	for (; *chain != M_END; chain++)
		if ((method_caps(*chain) & caps) == caps)
			set |= 1u << *chain;
	return set;
}

/*
 * cp --debug's word for the methods with caps: they served (moved bytes,
 * or all a clone needs); the kernel refused them; an option ruled them
 * out; or, once the copy got to where they would run (reached), the
 * chain has none of them, which --method chose, or the kinds of file did
 * (the kernel has no such call for them).  Otherwise: not reached.
 */
static enum pair_how
how(const struct engine *e, unsigned caps, unsigned served, bool reached)
{
	const struct pairlog *p = &e->pair;
	unsigned in = chain_with(p->chain, caps);

	if (served & in)
		return HOW_YES;
	if (p->refused & in)
		return HOW_UNSUPPORTED;
	if (p->avoided & in)
		return HOW_AVOIDED;
	if (in != 0 || !reached)
		return HOW_UNKNOWN;
	return e->forced[0] != M_END ? HOW_AVOIDED : HOW_UNSUPPORTED;
}

/* How holes were looked for, once data was copied (cp: not after a clone). */
static enum pair_holes
holes(const struct pairlog *p)
{
	if (p->extents)
		return p->punch ? HOLES_SEEK_ZEROS : HOLES_SEEK;
	if (p->data)
		return p->punch ? HOLES_ZEROS : HOLES_NO;
	return HOLES_UNKNOWN;
}

/*
 * How the last pair since the last report was copied, in cp --debug's
 * terms; then forgotten, so that a file that never reached the engine
 * (its destination could not be opened) reports nothing tried.
 */
void
engine_report(struct engine *e, struct pair_report *rep)
{
	const struct pairlog *p = &e->pair;

	rep->clone = e->conf.reflink == REFLINK_NEVER ? HOW_NO : HOW_UNKNOWN;
	rep->offload = HOW_UNKNOWN;
	rep->holes = HOLES_UNKNOWN;
	if (p->chain != NULL) {
		if (e->conf.reflink != REFLINK_NEVER)
			rep->clone = how(e, METHOD_CLONES, p->used,
			    (p->used | p->refused | p->avoided) != 0);
		/* As in cp, only a copy of the data (no clone) reaches it. */
		rep->offload = how(e, METHOD_OFFLOADS, p->moved, p->data);
		rep->holes = holes(p);
	}
	e->pair = (struct pairlog){ .chain = NULL };
}

/*
 * Whether the last engine_check or engine_copy failed because every
 * method refused the pair, rather than with an error: then *err is the
 * kernel's errno, or 0 with *why, the reason that needs no call (an
 * option, a kind of file), or neither (a 0 before the end).
 */
bool
engine_refused(const struct engine *e, int *err, const char **why)
{
	*err = e->last.err;
	*why = e->last.why;
	return e->exhausted;
}
