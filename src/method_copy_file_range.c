/*
 * copy_file_range: the kernel copies between two regular files, and may
 * clone or offload it (NFS, SMB) on the way.  Across filesystems it
 * says EXDEV, except from Linux 5.3 to 5.18, which copied there itself,
 * and since 5.19 between two of one type that can (NFS, SMB).
 */
#include "config.h"

#include <unistd.h>

#include "method.h"

static ssize_t
cfr_call(struct xfer *x, void *arg, size_t want)
{
	(void)arg;
	return copy_file_range(x->src->fd, NULL, x->dst->fd, NULL, want, 0);
}

static void
cfr_copy(struct xfer *x, struct mresult *r)
{
	xfer_loop(x, r, cfr_call, "copy_file_range", SIDE_BOTH);
}

const struct method method_copy_file_range = {
	.name = "copy_file_range",
	.caps = METHOD_MAY_CLONE | METHOD_KEEPS_HOLES | METHOD_OFFLOADS,
	.unfit = NULL,
	.copy = cfr_copy,
};
