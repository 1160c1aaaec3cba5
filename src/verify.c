/*
 * verify: --verify.  Once a file is copied, the destination is written
 * out (fdatasync) and the pages of both files dropped, as --nocache
 * drops them (POSIX_FADV_DONTNEED drops only clean pages, hence the
 * write-out first), so that the bytes read back come from the disk and
 * not from the pages the copy just filled: a write the disk lost, or a
 * source changed while it was copied, shows.  On a tmpfs the pages are
 * the file and stay: there the check compares memory with memory.
 * The calls are not counted as a method's in --stats.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "extents.h"
#include "trace.h"
#include "verify.h"

/* Only what can be read at an offset, again, can be read back. */
static bool
rereadable(const struct fdinfo *fi)
{
	return fi->kind == FD_REGULAR || fi->kind == FD_BLOCKDEV;
}

/*
 * Whether the pair can be verified, asked before any data moves; dst is
 * NULL where only the source is known yet.  Returns 0, or -1 after the
 * message.
 */
int
verify_can(const struct fdinfo *src, const struct fdinfo *dst)
{
	if (!rereadable(src)) {
		diag(0, "cannot verify %s: a %s cannot be read again",
		    quote(src->name), fdkind_name(src->kind));
		return -1;
	}
	if (dst != NULL && !rereadable(dst)) {
		diag(0, "cannot verify %s: a %s cannot be read back",
		    quote(dst->name), fdkind_name(dst->kind));
		return -1;
	}
	if (dst != NULL && dst->access == O_WRONLY) {
		diag(0, "cannot verify %s: it is open for writing only",
		    quote(dst->name));
		return -1;
	}
	return 0;
}

/* Up to len bytes at off, fewer only at the end of the file. */
static ssize_t
read_at(const struct fdinfo *fi, char *buf, size_t len, off_t off)
{
	ssize_t n = fdinfo_pread(fi, buf, len, off, NULL);

	if (n == -1)
		diag(errno, "error reading %s", quote(fi->name));
	return n;
}

static off_t
first_difference(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n && a[i] == b[i]; i++)
		continue;
	return (off_t)i;
}

/*
 * Compare src, from where the copy started, with dst, from where it
 * wrote, to the end of both; a block device as dst goes on past the
 * copy, which is compared up to the source's end only.  The bytes
 * --resume found in place are compared too: --verify says that the
 * whole destination is the source, at the cost of reading that prefix
 * once more, as --resume did.  A difference is named by its offset in
 * dst.  buf holds 2 * COMPARE_CHUNK bytes.  drop (--nocache): each chunk
 * leaves the page cache once compared.  *verified: the bytes found
 * equal.  Returns 0, or -1 after the message.
 */
int
verify_pair(const struct fdinfo *src, const struct fdinfo *dst, char *buf,
    bool drop, off_t *verified)
{
	char *d = buf + COMPARE_CHUNK;
	bool whole = dst->kind == FD_REGULAR, differ = false;
	off_t s0 = src->offset - src->resumed, d0 = dst->offset - dst->resumed;
	ssize_t ns, nd;
	off_t at;

	*verified = 0;
	if (fdatasync(dst->fd) == -1) {
		diag(errno, "error writing %s", quote(dst->name));
		return -1;
	}
	/* Advice only: a refusal leaves the pages where they are. */
	(void)posix_fadvise(src->fd, 0, 0, POSIX_FADV_DONTNEED);
	(void)posix_fadvise(dst->fd, 0, 0, POSIX_FADV_DONTNEED);
	for (at = 0;; at += ns) {
		if ((ns = read_at(src, buf, COMPARE_CHUNK, s0 + at)) == -1 ||
		    (nd = read_at(dst, d, whole ? COMPARE_CHUNK : (size_t)ns,
		    d0 + at)) == -1)
			return -1;
		if (drop && ns > 0 && nd > 0) {
			fdinfo_drop(src, s0 + at, ns);
			fdinfo_drop(dst, d0 + at, nd);
		}
		if ((differ = ns != nd || memcmp(buf, d, (size_t)ns) != 0))
			break;
		*verified += ns;
		/* read_at reads short only at the end: both ended there. */
		if ((size_t)ns < COMPARE_CHUNK)
			break;
	}
	if (drop) {
		fdinfo_drop(src, 0, 0);
		fdinfo_drop(dst, 0, 0);
	}
	if (!differ)
		return 0;
	diag(0, "verification failed: %s differs from %s at byte %jd",
	    quote_n(0, dst->name), quote_n(1, src->name), (intmax_t)(d0 + at +
	    first_difference(buf, d, (size_t)(ns < nd ? ns : nd))));
	return -1;
}

/* Extents asked of FIEMAP a call. */
#define FIEMAP_BATCH	32

/*
 * The bytes of fi's data up to its size (its holes hold none), and those
 * of them that share their blocks with another file (a clone's with its
 * source).  Returns 0, or -1 when FIEMAP is refused.
 */
static int
shared_bytes(const struct fdinfo *fi, off_t size, off_t *data, off_t *shared)
{
	FIEMAP_REQUEST(FIEMAP_BATCH) m;
	const struct fiemap_extent *fe;
	uint64_t at = 0;
	off_t end;
	unsigned i;

	*data = *shared = 0;
	do {
		memset(&m, 0, sizeof(m));
		m.fm.fm_start = at;
		m.fm.fm_length = FIEMAP_MAX_OFFSET - at;
		m.fm.fm_flags = FIEMAP_FLAG_SYNC;
		m.fm.fm_extent_count = FIEMAP_BATCH;
		if (ioctl(fi->fd, FS_IOC_FIEMAP, &m.fm) == -1)
			return -1;
		for (i = 0; i < m.fm.fm_mapped_extents; i++) {
			fe = &m.fm.fm_extents[i];
			at = fe->fe_logical + fe->fe_length;
			end = at < (uint64_t)size ? (off_t)at : size;
			if (end <= (off_t)fe->fe_logical)
				return 0;
			*data += end - (off_t)fe->fe_logical;
			if (fe->fe_flags & FIEMAP_EXTENT_SHARED)
				*shared += end - (off_t)fe->fe_logical;
			if (fe->fe_flags & FIEMAP_EXTENT_LAST)
				return 0;
		}
	} while (m.fm.fm_mapped_extents == FIEMAP_BATCH);
	return 0;
}

/*
 * --trace: a destination that shares its extents with the source (a
 * clone) reads back the source's own blocks, so that the check cannot
 * fail there; it is still made, as it costs little.  A clone resumed,
 * or cut into chunks copy_file_range could not all clone, shares only
 * some: then the trace says how much.
 */
void
verify_trace_shared(const struct fdinfo *src, const struct fdinfo *dst)
{
	struct stat st;
	off_t data, shared;

	if (fstat(dst->fd, &st) == -1 ||
	    shared_bytes(dst, st.st_size, &data, &shared) == -1)
		shared = 0;
	if (shared > 0 && shared == data)
		trace("verify: %s shares its extents with the source %s",
		    quote_n(0, dst->name), quote_n(1, src->name));
	else if (shared > 0)
		trace("verify: %s shares %jd of its %jd bytes of data with the"
		    " source %s; the rest is read back from the disk",
		    quote_n(0, dst->name), (intmax_t)shared, (intmax_t)data,
		    quote_n(1, src->name));
	else
		trace("verify: %s against %s, read back from the disk",
		    quote_n(0, dst->name), quote_n(1, src->name));
}
