/*
 * evict FILE...: drop each file's pages from the page cache
 * (POSIX_FADV_DONTNEED), as dd iflag=nocache count=0 does for one file;
 * bench/run's cold tree rows run it over a whole tree (find -exec +).
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	int i, fd, rc = 0;

	for (i = 1; i < argc; i++) {
		if ((fd = open(argv[i], O_RDONLY | O_NOFOLLOW)) == -1 ||
		    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) != 0) {
			perror(argv[i]);
			rc = 1;
		}
		if (fd != -1)
			close(fd);
	}
	return rc;
}
