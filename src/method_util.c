/*
 * Helpers every method shares: how much to ask for, what a 0 means,
 * which errnos mean "unsupported", waiting on non-blocking descriptors.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "method.h"
#include "sig.h"

size_t
xfer_want(const struct xfer *x, off_t moved)
{
	off_t want = x->chunk;

	if (x->len != XFER_TO_EOF && x->len - moved < want)
		want = x->len - moved;
	return (size_t)want;
}

bool
xfer_finished(const struct xfer *x, off_t moved)
{
	return x->len != XFER_TO_EOF && moved >= x->len;
}

/*
 * A call returned 0.  That is the end of the source, except at the very
 * start of one that may hold more than it admits: procfs, sysfs and some
 * overlayfs files answer 0 to copy_file_range (Linux 5.3 to 5.18, which
 * copied across filesystems itself), sendfile or splice while read()
 * would return data.
 */
void
xfer_zero(const struct xfer *x, off_t moved, struct mresult *r)
{
	r->bytes = moved;
	if (moved == 0 && x->maybe_more) {
		r->status = M_UNSUPPORTED;
		r->err = 0;
	} else
		r->status = M_DONE;
}

/*
 * The one place that says which errnos mean "this path cannot serve the
 * pair".  EIO, ENOSPC, EDQUOT and ENOMEM are never among them, not even
 * from FICLONE: GNU cp 9.1 treated some of those as "try read/write"
 * and coreutils 9.2 had to undo it after it hid data corruption.
 */
bool
errno_unsupported(int err)
{
	switch (err) {
	case ENOSYS:
	case ENOTTY:
	case EOPNOTSUPP:
	case EINVAL:
	case EBADF:
	case EXDEV:
	case ETXTBSY:
	case EPERM:
	case EACCES:
	case ENOENT:
		return true;
	default:
		return false;
	}
}

/* EINTR: call again, unless a signal asked zcp to stop (sig.h). */
bool
xfer_retry(int err)
{
	return err == EINTR && sig_pending() == 0;
}

/*
 * EINTR while writing bytes already taken from the source (in a buffer,
 * or in zcp's own pipe): a stop request still lets them be written, so
 * that the copy stops at the byte it reached in the source and nothing
 * read is lost; a second request stops at once.
 */
bool
xfer_retry_taken(int err)
{
	return err == EINTR && !sig_urgent();
}

static int
wait_one(int fd, short events, bool (*retry)(int))
{
	struct pollfd p = { .fd = fd, .events = events };

	while (poll(&p, 1, -1) == -1)
		if (!retry(errno))
			return -1;
	return 0;
}

/*
 * EAGAIN from a non-blocking end: wait for each end the failure may
 * belong to in turn, so a ready source never makes us spin on a full
 * destination.  Returns 0, or -1 with errno EINTR when asked to stop
 * (for SIDE_WRITE, bytes taken: xfer_retry_taken).
 */
int
xfer_wait(const struct xfer *x, enum mside side)
{
	if (side != SIDE_WRITE && wait_one(x->src->fd, POLLIN,
	    xfer_retry) == -1)
		return -1;
	if (side != SIDE_READ && wait_one(x->dst->fd, POLLOUT, side ==
	    SIDE_WRITE ? xfer_retry_taken : xfer_retry) == -1)
		return -1;
	return 0;
}

/* A failure that is real whatever the errno: the method has no other
 * way to go on. */
void
mresult_error(struct mresult *r, int err, const char *call, enum mside side)
{
	r->status = M_ERROR;
	r->err = err;
	r->call = call;
	r->side = side;
}

/* A failure: "try the next method" for the errnos that mean it. */
void
mresult_fail(struct mresult *r, int err, const char *call, enum mside side)
{
	mresult_error(r, err, call, side);
	if (errno_unsupported(err))
		r->status = M_UNSUPPORTED;
}

char *
scratch_buffer(struct scratch *io)
{
	if (io->buf == NULL)
		io->buf = malloc(io->bufsize);
	return io->buf;
}

/*
 * The rules of every data call of every method, in one place: call
 * until it moves something, reaches the end (0) or fails.  EINTR is
 * retried, unless a signal asked zcp to stop; EAGAIN from a
 * non-blocking end is waited out with poll on the end (wait) it can
 * belong to.  Bytes already taken from the source (taken: in a buffer
 * or zcp's own pipe) are still written after a stop request, so that
 * nothing read is lost; a second request stops such a write only where
 * it interrupts one that waits (a full pipe, a slow device).  Each call
 * is counted in r->calls.  Returns the call's answer, or -1 with errno
 * set (EINTR: stopped).
 */
ssize_t
xfer_step(struct xfer *x, const struct step *st, size_t want,
    struct mresult *r)
{
	bool (*retry)(int) = st->taken ? xfer_retry_taken : xfer_retry;
	uint64_t t0;
	ssize_t n;

	for (;;) {
		/* Taken bytes are written: only an interrupted write stops. */
		if (!st->taken && sig_pending() != 0) {
			errno = EINTR;
			return -1;
		}
		r->calls++;
		t0 = xfer_clock(x);
		n = st->call(x, st->arg, want);
		xfer_timed(x, t0, n, want);
		if (n >= 0)
			return n;
		if (retry(errno))
			continue;
		if (errno != EAGAIN || xfer_wait(x, st->wait) == -1)
			return -1;
	}
}

static ssize_t
write_call(struct xfer *x, void *buf, size_t len)
{
	return write(x->dst->fd, buf, len);
}

/*
 * Write all of buf, bytes taken from the source.  Returns the bytes
 * written; fewer than len means failure, with errno set.
 */
size_t
write_all(struct xfer *x, const char *buf, size_t len, struct mresult *r)
{
	struct step st = { write_call, NULL, SIDE_WRITE, true };
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		st.arg = (void *)(buf + done);
		if ((n = xfer_step(x, &st, len - done, r)) <= 0) {
			if (n == 0)
				errno = EIO;
			break;
		}
		done += (size_t)n;
	}
	return done;
}

/*
 * The loop of copy_file_range, sendfile and a direct splice: call until
 * the source ends or x->len bytes moved, stopping at the byte reached
 * when a signal asks zcp to stop (a call that moved some bytes before
 * the signal returns them, and the next one would go on).  name and
 * side are for a failure.
 */
void
xfer_loop(struct xfer *x, struct mresult *r, xfer_call_fn call,
    const char *name, enum mside side)
{
	struct step st = { call, NULL, SIDE_BOTH, false };
	off_t moved = 0;
	ssize_t n;

	while (!xfer_finished(x, moved)) {
		if ((n = xfer_step(x, &st, xfer_want(x, moved), r)) == -1)
			break;
		if (n == 0) {
			xfer_zero(x, moved, r);
			return;
		}
		moved += n;
		xfer_moved(x, n);
	}
	r->bytes = moved;
	if (xfer_finished(x, moved))
		r->status = M_DONE;
	else
		mresult_fail(r, errno, name, side);
}
