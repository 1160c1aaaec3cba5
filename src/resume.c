/*
 * resume: whether the bytes a destination holds are the source's first
 * bytes, as rsync's --append-verify asks before it appends: both read a
 * chunk at a time with pread, so neither offset moves.
 */
#include "config.h"

#include <string.h>

#include "resume.h"

/*
 * *same: the len bytes of d from its offset are those of s from its
 * offset, compared a chunk at a time in buf (2 * COMPARE_CHUNK bytes),
 * each chunk dropped from the page cache once compared (drop: --nocache).
 * *calls counts the preads (both files), for --stats.  Returns 0, or -1
 * with errno and *side saying which file could not be read.
 */
int
resume_same(const struct fdinfo *s, const struct fdinfo *d, off_t len,
    char *buf, bool drop, bool *same, unsigned long *calls,
    enum resume_side *side)
{
	char *b = buf + COMPARE_CHUNK;
	off_t at;
	ssize_t n = 0, m = 0;
	size_t want;

	*side = RESUME_DST;
	for (at = 0, *same = true; *same && at < len; at += n) {
		want = len - at < (off_t)COMPARE_CHUNK ? (size_t)(len - at) :
		    COMPARE_CHUNK;
		if ((m = fdinfo_pread(d, b, want, d->offset + at, calls)) == -1)
			return -1;
		*side = RESUME_SRC;
		if ((n = fdinfo_pread(s, buf, want, s->offset + at, calls)) ==
		    -1)
			return -1;
		*side = RESUME_DST;
		if (drop) {
			fdinfo_drop(d, d->offset + at, m);
			fdinfo_drop(s, s->offset + at, n);
		}
		/* Either file changed size meanwhile: nothing to trust. */
		*same = n == m && (size_t)n == want &&
		    memcmp(buf, b, want) == 0;
	}
	if (drop) {
		fdinfo_drop(d, d->offset, 0);
		fdinfo_drop(s, s->offset, 0);
	}
	return 0;
}
