/*
 * extents: a file's extent map by FS_IOC_FIEMAP, asked only under
 * --stats (and --bench): one call for every EXTENTS_BATCH extents of the
 * range, none of them a data call.  FIEMAP_FLAG_SYNC is not asked: it
 * would write the file out first, and an extent that is shared was
 * cloned, never written, so it is never waiting to be.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <stdint.h>
#include <string.h>

#include "extents.h"

#define EXTENTS_BATCH	128	/* a call's extents: 7 KiB on the stack */

/* The bytes of extent fe inside [from, to). */
static off_t
overlap(const struct fiemap_extent *fe, off_t from, off_t to)
{
	off_t a = (off_t)fe->fe_logical, b = a + (off_t)fe->fe_length;

	if (a < from)
		a = from;
	if (b > to)
		b = to;
	return b > a ? b - a : 0;
}

int
extents_shared_counted(int fd, off_t off, off_t len, off_t *shared,
    unsigned long *calls)
{
	FIEMAP_REQUEST(EXTENTS_BATCH) b;
	const struct fiemap_extent *fe = NULL;
	off_t at = off, end = off + len;
	uint32_t i;

	*shared = 0;
	while (at < end) {
		memset(&b.fm, 0, sizeof(b.fm));
		b.fm.fm_start = (uint64_t)at;
		b.fm.fm_length = (uint64_t)(end - at);
		b.fm.fm_extent_count = EXTENTS_BATCH;
		(*calls)++;
		if (ioctl(fd, FS_IOC_FIEMAP, &b.fm) == -1)
			return -1;
		if (b.fm.fm_mapped_extents == 0)
			break;
		for (i = 0; i < b.fm.fm_mapped_extents; i++) {
			fe = &b.fm.fm_extents[i];
			if (fe->fe_flags & FIEMAP_EXTENT_SHARED)
				*shared += overlap(fe, off, end);
		}
		if (fe->fe_flags & FIEMAP_EXTENT_LAST)
			break;
		at = (off_t)(fe->fe_logical + fe->fe_length);
	}
	return 0;
}

int
extents_shared(int fd, off_t off, off_t len, off_t *shared)
{
	unsigned long calls = 0;

	return extents_shared_counted(fd, off, len, shared, &calls);
}
