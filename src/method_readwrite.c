/*
 * readwrite: read() into a buffer and write() it out.  Serves every pair
 * and is the last resort of every chain, so any failure here is real.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
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
 * Leave a hole for run bytes of zeros (at buf) by seeking over them.  A
 * destination that held bytes before the copy (standard output opened
 * with 1<>, not truncated) may have old bytes there: those are punched
 * out, or overwritten with the zeros where the filesystem cannot punch.
 * Returns 0, or -1 with errno set.
 */
static int
skip_zeros(struct xfer *x, const char *buf, size_t run,
    struct mresult *r)
{
	int fd = x->dst->fd;
	off_t old = x->dst->st.st_size, pos, in = 0;

	if (old > 0) {
		if ((pos = lseek(fd, 0, SEEK_CUR)) == -1)
			return -1;
		if (pos < old)
			in = old - pos < (off_t)run ? old - pos : (off_t)run;
	}
	if (in > 0 && fallocate(fd, FALLOC_FL_PUNCH_HOLE |
	    FALLOC_FL_KEEP_SIZE, pos, in) == -1) {
		if (write_all(x, buf, (size_t)in, r) < (size_t)in)
			return -1;
		return lseek(fd, (off_t)run - in, SEEK_CUR) == -1 ? -1 : 0;
	}
	return lseek(fd, (off_t)run, SEEK_CUR) == -1 ? -1 : 0;
}

/*
 * Write buf, seeking over each run of zero blocks instead of writing it.
 * Returns the bytes written or skipped; *hole says whether it ended in a
 * hole (the caller then gives the file its size at the end).
 */
static size_t
write_punched(struct xfer *x, const char *buf, size_t len,
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
			if (skip_zeros(x, buf + at, run, r) == -1)
				return at;
			put = run;
		} else if ((put = write_all(x, buf + at, run, r)) < run)
			return at + put;
		*hole = zero;
		at += run;
	}
	return at;
}

/*
 * A trailing hole left by --sparse=always needs the size set, where the
 * file does not reach that far already: it is never cut shorter.
 */
static int
end_hole(const struct xfer *x)
{
	off_t end = lseek(x->dst->fd, 0, SEEK_CUR);

	if (end == -1)
		return -1;
	return end > x->dst->st.st_size ? ftruncate(x->dst->fd, end) : 0;
}

/*
 * The end of rw_copy, however it ends: after a trailing run of zeros the
 * file is given its size, so that the bytes counted as moved are there
 * also when an error or a stop request ends the copy.
 */
static void
rw_end(const struct xfer *x, struct mresult *r, off_t moved, bool hole)
{
	r->bytes = moved;
	if (hole && end_hole(x) == -1 && r->status == M_DONE)
		mresult_error(r, errno, "ftruncate", SIDE_WRITE);
}

static ssize_t
read_call(struct xfer *x, void *buf, size_t len)
{
	return read(x->src->fd, buf, len);
}

/* Every failure here is real: readwrite is the last method of a chain. */
static void
rw_copy(struct xfer *x, struct mresult *r)
{
	char *buf = scratch_buffer(x->scratch);
	const struct step st = { read_call, buf, SIDE_READ, false };
	off_t moved = 0;
	size_t want, put;
	bool hole = false;
	ssize_t n;

	if (buf == NULL) {
		mresult_error(r, ENOMEM, "malloc", SIDE_BOTH);
		return;
	}
	r->status = M_DONE;
	while (!xfer_finished(x, moved)) {
		want = xfer_want(x, moved);
		n = xfer_step(x, &st, want < x->scratch->bufsize ? want :
		    x->scratch->bufsize, r);
		if (n == 0)
			break;
		if (n == -1) {
			mresult_error(r, errno, "read", SIDE_READ);
			break;
		}
		put = x->punch ? write_punched(x, buf, (size_t)n, &hole, r) :
		    write_all(x, buf, (size_t)n, r);
		moved += (off_t)put;
		xfer_moved(x, (off_t)put);
		if (put < (size_t)n) {
			mresult_error(r, errno, "write", SIDE_WRITE);
			break;
		}
	}
	rw_end(x, r, moved, hole);
}

const struct method method_readwrite = {
	.name = "readwrite",
	.caps = METHOD_MAKES_HOLES,
	.unfit = NULL,
	.copy = rw_copy,
};
