/*
 * readwrite: read() into a buffer and write() it out.  Serves every pair
 * and is the last resort of every chain, so any failure here is real.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "method.h"
#include "sig.h"

/* --sparse=always: the granule in which runs of zeros become holes. */
#define HOLE_BLOCK	4096

static bool
all_zero(const char *p, size_t len)
{
	return len == 0 || (p[0] == 0 && memcmp(p, p + 1, len - 1) == 0);
}

/*
 * Write buf, seeking over each run of zero blocks instead of writing it.
 * Returns the bytes written or skipped; *hole says whether it ended in a
 * hole (the caller then gives the file its size at the end).
 */
static size_t
write_punched(const struct xfer *x, const char *buf, size_t len,
    bool *hole, struct mresult *r)
{
	size_t at = 0, run, blk, put;
	bool zero;

	while (at < len) {
		blk = len - at < HOLE_BLOCK ? len - at : HOLE_BLOCK;
		zero = all_zero(buf + at, blk);
		for (run = blk; at + run < len; run += blk) {
			blk = len - at - run < HOLE_BLOCK ? len - at - run :
			    HOLE_BLOCK;
			if (all_zero(buf + at + run, blk) != zero)
				break;
		}
		if (zero) {
			if (lseek(x->dst->fd, (off_t)run, SEEK_CUR) == -1)
				return at;
			put = run;
		} else if ((put = write_all(x, buf + at, run, r)) < run)
			return at + put;
		*hole = zero;
		at += run;
	}
	return at;
}

static void
rw_copy(struct xfer *x, struct mresult *r)
{
	char *buf = xio_buffer(x->io);
	off_t moved = 0, end;
	size_t want, put;
	bool hole = false;
	ssize_t n;

	r->status = M_ERROR;
	if (buf == NULL) {
		r->err = ENOMEM;
		r->call = "malloc";
		return;
	}
	while (!xfer_finished(x, moved)) {
		if (sig_pending() != 0) {
			r->bytes = moved;
			r->err = EINTR;
			r->call = "read";
			return;
		}
		want = xfer_want(x, moved);
		if (want > x->io->bufsize)
			want = x->io->bufsize;
		r->calls++;
		n = read(x->src->fd, buf, want);
		if (n == 0) {
			/* A trailing hole needs the size set explicitly. */
			if (hole && ((end = lseek(x->dst->fd, 0, SEEK_CUR)) ==
			    -1 || ftruncate(x->dst->fd, end) == -1)) {
				r->bytes = moved;
				r->err = errno;
				r->call = "ftruncate";
				r->side = SIDE_WRITE;
				return;
			}
			break;
		}
		if (n == -1) {
			if (xfer_retry(errno))
				continue;
			if (errno == EAGAIN && xfer_wait(x, SIDE_READ) == 0)
				continue;
			r->bytes = moved;
			r->err = errno;
			r->call = "read";
			r->side = SIDE_READ;
			return;
		}
		put = x->punch ? write_punched(x, buf, (size_t)n, &hole, r) :
		    write_all(x, buf, (size_t)n, r);
		moved += (off_t)put;
		xfer_moved(x, (off_t)put);
		if (put < (size_t)n) {
			r->bytes = moved;
			r->err = errno;
			r->call = "write";
			r->side = SIDE_WRITE;
			return;
		}
	}
	r->bytes = moved;
	r->status = M_DONE;
}

const struct method method_readwrite = {
	.name = "readwrite",
	.unfit = NULL,
	.copy = rw_copy,
};
