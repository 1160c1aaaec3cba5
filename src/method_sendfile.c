/*
 * sendfile: the kernel reads a file's pages straight into any output.
 */
#include "config.h"

#include <sys/sendfile.h>
#include <errno.h>

#include "method.h"

/* Linux moves at most this much per sendfile call (MAX_RW_COUNT). */
#define SENDFILE_MAX	((off_t)0x7ffff000)

static void
sendfile_copy(struct xfer *x, struct mresult *r)
{
	off_t moved = 0;
	size_t want;
	ssize_t n;

	while (!xfer_finished(x, moved)) {
		want = xfer_want(x, moved);
		if ((off_t)want > SENDFILE_MAX)
			want = SENDFILE_MAX;
		r->calls++;
		n = sendfile(x->dst->fd, x->src->fd, NULL, want);
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
		if (errno == EAGAIN && xfer_wait(x, SIDE_BOTH) == 0)
			continue;
		r->bytes = moved;
		mresult_fail(r, errno, "sendfile", SIDE_BOTH);
		return;
	}
	r->bytes = moved;
	r->status = M_DONE;
}

const struct method method_sendfile = {
	.name = "sendfile",
	.unfit = NULL,
	.copy = sendfile_copy,
};
