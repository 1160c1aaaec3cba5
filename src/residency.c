/*
 * residency: how much of a source is in the page cache before its copy,
 * by cachestat(2) (Linux 6.5), which counts a range's pages in one call,
 * else by mincore(2) on a read-only mapping, a window at a time.  Asked
 * only under --stats: one call more a file (two and an munmap with
 * mincore; 16 windows sampled past 64 MiB), none of them a data call.
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
#define SAMPLE_OVER	((off_t)64 << 20)	/* sampled past this */
#define SAMPLES		16
#define SAMPLE_LEN	((off_t)1 << 20)

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

/* The cached bytes of [from, to): cachestat, else mincore; -1 if neither. */
static off_t
cached_in(int fd, off_t from, off_t to, long page, bool *no_cachestat)
{
	struct cachestat_range r;
	struct cachestat cs;

	if (!*no_cachestat) {
		r.off = (uint64_t)(from / page * page);
		r.len = (uint64_t)(to - (off_t)r.off);
		if (syscall(SYS_cachestat, fd, &r, &cs, 0) == 0)
			return (off_t)cs.nr_cache * page;
		*no_cachestat = errno == ENOSYS || errno == EPERM;
	}
	return by_mincore(fd, from, to, page);
}

/*
 * The cached bytes of a source from its offset to its end, or -1.  Over
 * SAMPLE_OVER, counting every page would cost a few percent of a hot
 * copy (cachestat walks the whole range: 35 ms for 1 GiB), so SAMPLES
 * windows of SAMPLE_LEN, spread evenly, stand for the whole.
 * cachestat is missing before 6.5 (ENOSYS), or off in a sandbox (EPERM).
 */
off_t
residency(const struct fdinfo *fi, bool *no_cachestat)
{
	long page = sysconf(_SC_PAGESIZE);
	off_t from = fi->offset, to = fi->st.st_size, len, at, one, cached;
	int i;

	if (fi->kind != FD_REGULAR || page <= 0)
		return -1;
	if ((len = to - from) <= 0)
		return 0;
	if (len <= SAMPLE_OVER)
		cached = cached_in(fi->fd, from, to, page, no_cachestat);
	else {
		for (cached = 0, i = 0; i < SAMPLES; i++) {
			at = from + (len - SAMPLE_LEN) / (SAMPLES - 1) * i;
			if ((one = cached_in(fi->fd, at, at + SAMPLE_LEN, page,
			    no_cachestat)) == -1)
				return -1;
			cached += one < SAMPLE_LEN ? one : SAMPLE_LEN;
		}
		cached = (off_t)((double)cached / (SAMPLES * SAMPLE_LEN) *
		    (double)len);
	}
	return cached < 0 || cached < len ? cached : len;
}
