/*
 * residency: how much of a source is in the page cache before its copy,
 * by cachestat(2) (Linux 6.5), which counts a range's pages in one call,
 * else by mincore(2) on a read-only mapping, a window at a time.  Asked
 * only under --stats: one call more a file (two and an munmap with
 * mincore), none of them a data call.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/syscall.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "residency.h"

/* One number on every architecture, as every system call since 5.x. */
#ifndef SYS_cachestat
#define SYS_cachestat	451
#endif

#define WINDOW		((off_t)256 << 20)	/* mapped at a time */

struct cachestat_range {
	uint64_t	 off, len;
};

struct cachestat {
	uint64_t	 nr_cache, nr_dirty, nr_writeback;
	uint64_t	 nr_evicted, nr_recently_evicted;
};

static off_t
by_mincore(int fd, off_t from, off_t to, long page)
{
	unsigned char *vec;
	off_t at, cached = 0, len;
	size_t i, n;
	void *map;

	if ((vec = malloc((size_t)(WINDOW / page))) == NULL)
		return -1;
	for (at = from / page * page; at < to; at += len) {
		len = to - at < WINDOW ? to - at : WINDOW;
		map = mmap(NULL, (size_t)len, PROT_READ, MAP_SHARED, fd, at);
		if (map == MAP_FAILED || mincore(map, (size_t)len, vec) == -1) {
			if (map != MAP_FAILED)
				munmap(map, (size_t)len);
			free(vec);
			return -1;
		}
		munmap(map, (size_t)len);
		n = (size_t)((len + page - 1) / page);
		for (i = 0; i < n; i++)
			cached += (vec[i] & 1) ? page : 0;
	}
	free(vec);
	return cached;
}

/* cachestat is missing before 6.5 (ENOSYS), or off in a sandbox (EPERM). */
off_t
residency(const struct fdinfo *fi, bool *no_cachestat)
{
	struct cachestat_range r;
	struct cachestat cs;
	long page = sysconf(_SC_PAGESIZE);
	off_t from = fi->offset, to = fi->st.st_size, cached;

	if (fi->kind != FD_REGULAR || page <= 0)
		return -1;
	if (from >= to)
		return 0;
	if (!*no_cachestat) {
		r.off = (uint64_t)(from / page * page);
		r.len = (uint64_t)(to - (off_t)r.off);
		if (syscall(SYS_cachestat, fi->fd, &r, &cs, 0) == 0) {
			cached = (off_t)cs.nr_cache * page;
			return cached < to - from ? cached : to - from;
		}
		*no_cachestat = errno == ENOSYS || errno == EPERM;
	}
	cached = by_mincore(fi->fd, from, to, page);
	return cached < 0 || cached < to - from ? cached : to - from;
}
