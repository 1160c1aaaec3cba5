/*
 * copy_file_range: the kernel copies between two regular files, and may
 * clone or offload it (NFS, SMB) on the way.
 */
#include "config.h"

#include <errno.h>
#include <unistd.h>

#include "method.h"

static void
cfr_copy(struct xfer *x, struct mresult *r)
{
	off_t moved = 0;
	ssize_t n;

	while (!xfer_finished(x, moved)) {
		r->calls++;
		n = copy_file_range(x->src->fd, NULL, x->dst->fd, NULL,
		    xfer_want(x, moved), 0);
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
		mresult_fail(r, errno, "copy_file_range", SIDE_BOTH);
		return;
	}
	r->bytes = moved;
	r->status = M_DONE;
}

const struct method method_copy_file_range = {
	.name = "copy_file_range",
	.unfit = NULL,
	.copy = cfr_copy,
};
