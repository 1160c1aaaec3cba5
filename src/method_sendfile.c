/*
 * sendfile: the kernel reads a file's pages straight into any output.
 */
#include "config.h"

#include <sys/sendfile.h>

#include "method.h"

/*
 * Linux moves at most this much per sendfile call (MAX_RW_COUNT), and
 * writes to any file since 2.6.33 (to sockets only before).
 */
#define SENDFILE_MAX	((size_t)0x7ffff000)

static ssize_t
sendfile_call(struct xfer *x, void *arg, size_t want)
{
	(void)arg;
	return sendfile(x->dst->fd, x->src->fd, NULL,
	    want < SENDFILE_MAX ? want : SENDFILE_MAX);
}

static void
sendfile_copy(struct xfer *x, struct mresult *r)
{
	xfer_loop(x, r, sendfile_call, "sendfile", SIDE_BOTH);
}

const struct method method_sendfile = {
	.name = "sendfile",
	.caps = METHOD_SHARES_PAGES | METHOD_OFFLOADS,
	.unfit = NULL,
	.copy = sendfile_copy,
};
