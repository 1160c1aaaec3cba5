/*
 * reflink: share the source's extents with FICLONE (XFS, btrfs, ...),
 * every filesystem's ioctl since Linux 4.5 (btrfs's own before).
 */
#include "config.h"

#include <sys/ioctl.h>
#include <linux/fs.h>
#include <errno.h>
#include <unistd.h>

#include "method.h"

/*
 * FICLONE replaces the whole destination, so it may only stand for a
 * copy of the whole source into an empty destination, both at offset 0.
 */
static const char *
reflink_unfit(const struct xfer *x)
{
	if (x->src->kind != FD_REGULAR || x->dst->kind != FD_REGULAR)
		return "both ends must be regular files";
	if (x->len != XFER_TO_EOF || x->src->offset != 0)
		return "clones whole files only, and the source is not at offset 0";
	if (x->dst->offset != 0 || x->dst->st.st_size != 0 || x->dst->append)
		return "the destination is not empty";
	return NULL;
}

static void
reflink_copy(struct xfer *x, struct mresult *r)
{
	off_t size = x->src->st.st_size;
	uint64_t t0;
	int rc;

	do {
		r->calls++;
		t0 = xfer_clock(x);
		rc = ioctl(x->dst->fd, FICLONE, x->src->fd);
		xfer_timed(x, t0, rc == 0 ? (ssize_t)size : -1, (size_t)size);
	} while (rc == -1 && xfer_retry(errno));
	if (rc == -1) {
		mresult_fail(r, errno, "ioctl FICLONE", SIDE_BOTH);
		return;
	}
	/* FICLONE leaves offsets alone; an inherited fd must end past it. */
	if (!x->src->owned)
		(void)lseek(x->src->fd, size, SEEK_SET);
	if (!x->dst->owned)
		(void)lseek(x->dst->fd, size, SEEK_SET);
	r->bytes = size;
	r->status = M_DONE;
	xfer_moved(x, size);
}

const struct method method_reflink = {
	.name = "reflink",
	.caps = METHOD_CLONES | METHOD_KEEPS_HOLES,
	.unfit = reflink_unfit,
	.copy = reflink_copy,
};
