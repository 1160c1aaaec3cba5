/*
 * sparse: find a file's data extents with SEEK_DATA/SEEK_HOLE (Linux
 * 3.1; tmpfs since 3.8).
 */
#include "config.h"

#include <errno.h>
#include <unistd.h>

#include "sparse.h"

/* Fewer blocks than the size needs: there are holes worth keeping. */
bool
sparse_has_holes(const struct fdinfo *fi)
{
	return fi->kind == FD_REGULAR &&
	    fi->st.st_blocks * 512 < fi->st.st_size;
}

/*
 * The next data extent at or after pos: [*data, *hole).  Returns 1, or
 * 0 when only a hole (or nothing) follows pos, or -1 with errno set.
 * A filesystem without SEEK_DATA (EINVAL) is all data.
 */
int
sparse_next(int fd, off_t pos, off_t *data, off_t *hole)
{
	*data = lseek(fd, pos, SEEK_DATA);
	if (*data == -1) {
		if (errno == ENXIO)
			return 0;
		if (errno != EINVAL)
			return -1;
		*data = pos;
		*hole = lseek(fd, 0, SEEK_END);
		return *hole == -1 ? -1 : *hole > pos;
	}
	*hole = lseek(fd, *data, SEEK_HOLE);
	if (*hole == -1)
		return -1;
	return 1;
}
