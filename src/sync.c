/*
 * sync: --sync, a file and the directory that holds its name on stable
 * storage before zcp says it is done.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "cp.h"
#include "diag.h"
#include "path.h"

/* --sync: a file's data and attributes on stable storage. */
int
sync_file(int fd, const char *path)
{
	if (fsync(fd) == -1) {
		diag(errno, "failed to sync %s", quote(path));
		return -1;
	}
	return 0;
}

/* The directory holding path, as messages name it. */
static void
dir_failed(const char *path)
{
	char *dir = dir_part(path);

	if (dir == NULL) {
		diag(errno, "failed to sync directory");
		return;
	}
	strip_trailing_slashes(dir);
	diag(errno, "failed to sync directory %s", quote(*dir != '\0' ? dir :
	    "."));
	free(dir);
}

/* --sync: the directory that holds a new name, so the name lasts too. */
int
sync_dir(int dirfd, const char *path)
{
	if (fsync(dirfd) == -1) {
		dir_failed(path);
		return -1;
	}
	return 0;
}

/* --sync: the directory d names a file in. */
int
sync_parent(const struct loc *d)
{
	char *dir;
	int fd, rc;

	if (last_component(d->name) == d->name && d->dirfd != AT_FDCWD)
		return sync_dir(d->dirfd, d->path);
	if ((dir = dir_part(d->name)) == NULL)
		return -1;
	fd = openat(d->dirfd, *dir != '\0' ? dir : ".", O_RDONLY |
	    O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd == -1) {
		dir_failed(d->path);
		return -1;
	}
	rc = sync_dir(fd, d->path);
	(void)close(fd);
	return rc;
}
