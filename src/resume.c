/*
 * resume: whether the bytes a destination holds are the source's first
 * bytes, as rsync's --append-verify asks before it appends: both read a
 * chunk at a time with pread, so neither offset moves.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "resume.h"
#include "sig.h"

/* Bounded memory for a 50 GB image, and few calls per second of disk. */
#define CMP_CHUNK	((size_t)1 << 20)

/*
 * Fill buf with n bytes of fd at off; a short file gives a short count.
 * Returns the bytes read, or -1 with errno.
 */
static ssize_t
read_full(int fd, char *buf, size_t n, off_t off, unsigned long *calls)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		(*calls)++;
		r = pread(fd, buf + got, n - got, off + (off_t)got);
		if (r == -1 && errno == EINTR && sig_pending() == 0)
			continue;
		if (r == -1)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/*
 * *same: the len bytes of d from its offset are those of s from its
 * offset.  *calls counts the preads (both files), for --stats.  Returns
 * 0, or -1 with errno and *side saying which file could not be read.
 */
int
resume_same(const struct fdinfo *s, const struct fdinfo *d, off_t len,
    bool *same, unsigned long *calls, enum resume_side *side)
{
	char *a = malloc(CMP_CHUNK), *b = malloc(CMP_CHUNK);
	off_t at;
	ssize_t n = 0, m = 0;
	size_t want;

	*side = RESUME_DST;
	*same = false;
	if (a == NULL || b == NULL) {
		free(a);
		free(b);
		errno = ENOMEM;
		return -1;
	}
	for (at = 0, *same = true; *same && at < len; at += n) {
		want = len - at < (off_t)CMP_CHUNK ? (size_t)(len - at) :
		    CMP_CHUNK;
		m = read_full(d->fd, b, want, d->offset + at, calls);
		if (m == -1)
			break;
		*side = RESUME_SRC;
		n = read_full(s->fd, a, want, s->offset + at, calls);
		if (n == -1)
			break;
		*side = RESUME_DST;
		/* Either file changed size meanwhile: nothing to trust. */
		*same = n == m && (size_t)n == want && memcmp(a, b, want) == 0;
	}
	free(a);
	free(b);
	return m == -1 || n == -1 ? -1 : 0;
}
