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
 * overlayfs files answer 0 to copy_file_range, sendfile or splice while
 * read() would return data.
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

void
mresult_fail(struct mresult *r, int err, const char *call, enum mside side)
{
	r->status = errno_unsupported(err) ? M_UNSUPPORTED : M_ERROR;
	r->err = err;
	r->call = call;
	r->side = side;
}

char *
scratch_buffer(struct scratch *io)
{
	if (io->buf == NULL)
		io->buf = malloc(io->bufsize);
	return io->buf;
}

/*
 * Write all of buf, bytes taken from the source, waiting out EAGAIN and
 * retrying EINTR (xfer_retry_taken).  Returns the bytes written; fewer
 * than len means failure, with errno set.
 */
size_t
write_all(const struct xfer *x, const char *buf, size_t len,
    struct mresult *r)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		r->calls++;
		n = write(x->dst->fd, buf + done, len - done);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n == -1 && xfer_retry_taken(errno))
			continue;
		if (n == -1 && errno == EAGAIN && xfer_wait(x, SIDE_WRITE) == 0)
			continue;
		if (n == 0)
			errno = EIO;
		break;
	}
	return done;
}

/*
 * The loop of copy_file_range, sendfile and a direct splice: call until
 * the source ends or x->len bytes moved, retrying EINTR, waiting out
 * EAGAIN, and stopping at the byte reached when a signal asks zcp to stop
 * (a call that moved some bytes before the signal returns them, and the
 * next one would go on).  name and side are for a failure.
 */
void
xfer_loop(struct xfer *x, struct mresult *r, xfer_call_fn call,
    const char *name, enum mside side)
{
	off_t moved = 0;
	ssize_t n;

	while (!xfer_finished(x, moved)) {
		if (sig_pending() != 0) {
			errno = EINTR;
			break;
		}
		r->calls++;
		n = call(x, xfer_want(x, moved));
		if (n > 0) {
			moved += n;
			xfer_moved(x, n);
			continue;
		}
		if (n == 0) {
			xfer_zero(x, moved, r);
			return;
		}
		if (xfer_retry(errno))
			continue;
		if (errno != EAGAIN || xfer_wait(x, SIDE_BOTH) == -1)
			break;
	}
	r->bytes = moved;
	if (xfer_finished(x, moved))
		r->status = M_DONE;
	else
		mresult_fail(r, errno, name, side);
}
