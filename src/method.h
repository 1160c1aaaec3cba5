/*
 * method: the interface every copy path implements, one file each.
 *
 * A method moves bytes from x->src to x->dst using and advancing the
 * descriptors' own offsets, and answers with one mresult: what it moved,
 * and whether it finished, could not serve the pair ("unsupported": the
 * engine tries the next method from the reported byte boundary), or hit
 * a real error.  Methods neither print nor read options.
 */
#ifndef ZCP_METHOD_H
#define ZCP_METHOD_H

#include <sys/types.h>
#include <stdbool.h>
#include <stddef.h>

#include "fdinfo.h"
#include "latency.h"
#include "methods.h"

#define XFER_TO_EOF	((off_t)-1)

enum mstatus {
	M_DONE,			/* the source ended, or len bytes moved */
	M_UNSUPPORTED,		/* try the next method */
	M_ERROR
};

enum mside {			/* which end a failure belongs to */
	SIDE_BOTH,
	SIDE_READ,
	SIDE_WRITE
};

struct mresult {
	off_t		 bytes;		/* moved to the destination */
	unsigned long	 calls;		/* data system calls, failed ones too */
	enum mstatus	 status;
	int		 err;		/* 0 with M_UNSUPPORTED: a 0 at the start */
	const char	*call;		/* the call that failed */
	enum mside	 side;
};

/* What the engine lends its methods, kept across pairs. */
struct scratch {
	int		 pipefd[2];	/* splice's intermediate pipe, or -1 */
	size_t		 pipe_size;	/* capacity to ask for */
	char		*buf;		/* read/write buffer */
	size_t		 bufsize;
};

/*
 * Who wants to hear of each step (--progress, --bwlimit): the engine
 * tells pair() before each pair, every method tells moved() after each
 * call that moved bytes (--bwlimit may sleep there), and --resume tells
 * present() (or NULL) of the bytes a destination already held, which
 * will not move.  NULL costs a comparison, no system call.
 */
struct watcher {
	void		 (*pair)(void *);
	void		 (*moved)(void *, enum method_id, off_t);
	void		*arg;
	void		 (*present)(void *, off_t);
	void		 (*pair_end)(void *);	/* the pair is done */
};

struct xfer {
	const struct fdinfo *src, *dst;
	off_t		 len;		/* bytes to move, or XFER_TO_EOF */
	off_t		 chunk;		/* most bytes one call may ask for */
	bool		 maybe_more;	/* a 0 at the start may not mean EOF */
	bool		 punch;		/* leave holes for runs of zeros */
	struct scratch	*scratch;
	enum method_id	 method;	/* the one running, for watch */
	const struct watcher *watch;	/* or NULL */
	struct latency	*latency;	/* --stats: each data call's time
					 * goes there; or NULL */
};

/*
 * What the engine needs to know of a method beyond its name, so that it
 * never asks which method it is (methods.c's table holds the rows).
 */
#define METHOD_CLONES		0x01	/* shares the source's extents, whole
					 * files only: --reflink's method */
#define METHOD_MAY_CLONE	0x02	/* may share extents where the
					 * filesystem can (--reflink=never) */
#define METHOD_KEEPS_HOLES	0x04	/* keeps a source's holes by itself
					 * (--sparse=never rules it out) */
#define METHOD_MAKES_HOLES	0x08	/* can turn zeros into holes
					 * (--sparse=always needs it) */
#define METHOD_SHARES_PAGES	0x10	/* from a file, hands the reader
					 * page-cache pages, not a copy */
#define METHOD_OFFLOADS		0x20	/* the kernel moves the data, never
					 * through a buffer of ours: what
					 * cp --debug calls "copy offload" */

struct method {
	const char	*name;
	unsigned	 caps;		/* METHOD_* */
	/* Why the method cannot serve this pair at all, or NULL. */
	const char	*(*unfit)(const struct xfer *);
	void		 (*copy)(struct xfer *, struct mresult *);
};

extern const struct method method_reflink;
extern const struct method method_copy_file_range;
extern const struct method method_sendfile;
extern const struct method method_splice;
extern const struct method method_readwrite;

/* n more bytes reached the destination. */
static inline void
xfer_moved(const struct xfer *x, off_t n)
{
	if (x->watch != NULL && n > 0)
		x->watch->moved(x->watch->arg, x->method, n);
}

/* --stats: the clock before a data call, when calls are timed. */
static inline uint64_t
xfer_clock(const struct xfer *x)
{
	return x->latency != NULL ? latency_clock() : 0;
}

/* A data call begun at t0 (xfer_clock) returned n of want; errno stays. */
static inline void
xfer_timed(const struct xfer *x, uint64_t t0, ssize_t n, size_t want)
{
	if (x->latency != NULL)
		latency_add(x->latency, latency_clock() - t0, n, want);
}

/* One data call of a method: at most want bytes; -1 with errno set. */
typedef ssize_t	(*xfer_call_fn)(struct xfer *, void *, size_t);

/* A data call as xfer_step makes it (method_util.c says the rules). */
struct step {
	xfer_call_fn	 call;
	void		*arg;		/* handed to call */
	enum mside	 wait;		/* the end EAGAIN may come from */
	bool		 taken;		/* writes bytes already read */
};

/* Shared by the methods: method_util.c */
void	 xfer_loop(struct xfer *, struct mresult *, xfer_call_fn,
	    const char *, enum mside);
size_t	 xfer_want(const struct xfer *, off_t);
bool	 xfer_finished(const struct xfer *, off_t);
void	 xfer_zero(const struct xfer *, off_t, struct mresult *);
bool	 errno_unsupported(int);
int	 xfer_wait(const struct xfer *, enum mside);
bool	 xfer_retry(int);
bool	 xfer_retry_taken(int);
void	 mresult_fail(struct mresult *, int, const char *, enum mside);
void	 mresult_error(struct mresult *, int, const char *, enum mside);
ssize_t	 xfer_step(struct xfer *, const struct step *, size_t,
	    struct mresult *);
char	*scratch_buffer(struct scratch *);
size_t	 write_all(struct xfer *, const char *, size_t, struct mresult *);

#endif
