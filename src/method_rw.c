/*
 * readwrite: read() into a buffer and write() it out.  Serves every pair
 * and is the last resort of every chain, so any failure here is real.
 */
#include "config.h"

#include <errno.h>
#include <unistd.h>

#include "method.h"

static void
rw_copy(struct xfer *x, struct mresult *r)
{
	char *buf = xio_buffer(x->io);
	off_t moved = 0;
	size_t want, put;
	ssize_t n;

	r->status = M_ERROR;
	if (buf == NULL) {
		r->err = ENOMEM;
		r->call = "malloc";
		return;
	}
	while (!xfer_finished(x, moved)) {
		want = xfer_want(x, moved);
		if (want > x->io->bufsize)
			want = x->io->bufsize;
		r->calls++;
		n = read(x->src->fd, buf, want);
		if (n == 0)
			break;
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				xfer_wait(x, SIDE_READ);
				continue;
			}
			r->bytes = moved;
			r->err = errno;
			r->call = "read";
			r->side = SIDE_READ;
			return;
		}
		put = write_all(x, buf, (size_t)n, r);
		moved += (off_t)put;
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
