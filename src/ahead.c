/*
 * ahead: the cold-tree look-ahead of -j (see ahead.h).
 *
 * Whether a tree is cold is sampled by the workers: the first files
 * they open, then one in PROBE_EVERY, are read a byte of with
 * RWF_NOWAIT, which fails with EAGAIN when the data is not in the page
 * cache (a tmpfs, or a kernel that cannot say, fails otherwise: taken as
 * cached).  A hot tree so costs a call per PROBE_EVERY files and
 * nothing else; from the first EAGAIN of a file whose copy then read
 * its data (not a clone: XFS and btrfs read none), the walk opens the
 * files it hands out (the open the worker would have made) and adds one
 * posix_fadvise each.  Measured in bench/results.md, "Parallel copies"
 * (a model: 1.8x to 5x on a cold tree, no cost on a hot one) and
 * "Adopted: the look-ahead in zcp".
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/uio.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include "ahead.h"

/* The first files the workers open are sampled, then one in this many. */
#define PROBE_FIRST	4
#define PROBE_EVERY	64
/* Files opened ahead at most: the look-ahead depth (32-64 measured best). */
#define AHEAD_MAX	32
/* How much of each file is asked for: small files whole, big ones begun. */
#define AHEAD_BYTES	(2 << 20)
/*
 * Descriptors the rest of the copy may need (dirstack.c's levels and its
 * others), and each worker's (two files, a pipe): below this limit and
 * theirs, nothing is opened ahead.
 */
#define FDS_NEEDED	64
#define FDS_WORKER	4

void
ahead_init(struct ahead *a)
{
	atomic_init(&a->seen, 0);
	atomic_init(&a->cold, false);
	atomic_init(&a->open, 0);
	a->max = -1;
	a->fdcap = INT_MAX;
	a->workers = 0;
}

/*
 * A worker opened fd, a regular file of size bytes: whether it is a
 * sample, and not in the page cache.  The tree is cold (ahead_cold) only
 * if its copy then reads it.
 */
bool
ahead_sample(struct ahead *a, int fd, off_t size)
{
	char byte;
	struct iovec iov = { &byte, 1 };
	unsigned n;
	int saved = errno;
	bool uncached;

	if (a == NULL || size == 0 ||
	    atomic_load_explicit(&a->cold, memory_order_relaxed))
		return false;
	n = atomic_fetch_add_explicit(&a->seen, 1, memory_order_relaxed);
	if (n >= PROBE_FIRST && n % PROBE_EVERY != 0)
		return false;
	uncached = preadv2(fd, &iov, 1, 0, RWF_NOWAIT) == -1 &&
	    errno == EAGAIN;
	errno = saved;
	return uncached;
}

void
ahead_cold(struct ahead *a)
{
	atomic_store_explicit(&a->cold, true, memory_order_relaxed);
}

/*
 * How many descriptors may be open ahead, under RLIMIT_NOFILE, and from
 * which number on one is given back (fdcap): descriptors come lowest
 * first, so one numbered n means n others are open, inherited ones too,
 * and past the cap the rest of the copy could run out.
 */
static int
ahead_max(struct ahead *a)
{
	rlim_t others = FDS_NEEDED + (rlim_t)a->workers * FDS_WORKER;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return 0;
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > INT_MAX)
		return AHEAD_MAX;
	if (rl.rlim_cur < others + AHEAD_MAX)
		return 0;
	a->fdcap = (int)(rl.rlim_cur - others);
	return AHEAD_MAX;
}

/*
 * The walk: once the tree is seen cold, name in dirfd opened with flags,
 * for ahead_start to begin its reading; -1 if not (hot, too many open
 * ahead, a descriptor numbered fdcap or past it, or the open failed:
 * the worker opens it and says why).
 * ahead_taken when the descriptor is done with.
 */
int
ahead_open(struct ahead *a, int dirfd, const char *name, int flags)
{
	int fd, saved = errno;

	if (a == NULL || !atomic_load_explicit(&a->cold, memory_order_relaxed))
		return -1;
	if (a->max == -1)
		a->max = ahead_max(a);
	if (atomic_load_explicit(&a->open, memory_order_relaxed) >= a->max)
		return -1;
	if ((fd = openat(dirfd, name, flags)) == -1 || fd >= a->fdcap) {
		if (fd != -1)
			close(fd);
		errno = saved;
		return -1;
	}
	atomic_fetch_add_explicit(&a->open, 1, memory_order_relaxed);
	errno = saved;
	return fd;
}

/* The reading of a file ahead_open gave begun. */
void
ahead_start(int fd)
{
	int saved = errno;

	(void)posix_fadvise(fd, 0, AHEAD_BYTES, POSIX_FADV_WILLNEED);
	errno = saved;
}

/* A descriptor ahead_open gave is closed (or handed on to be). */
void
ahead_taken(struct ahead *a)
{
	atomic_fetch_sub_explicit(&a->open, 1, memory_order_relaxed);
}
