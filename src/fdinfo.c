/*
 * Classify a descriptor once: kind, flags, offset, device, size.
 */
#include "config.h"

#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "fdinfo.h"
#include "sig.h"

static enum fdkind
kind_of(mode_t mode)
{
	if (S_ISREG(mode))
		return FD_REGULAR;
	if (S_ISFIFO(mode))
		return FD_PIPE;
	if (S_ISSOCK(mode))
		return FD_SOCKET;
	if (S_ISCHR(mode))
		return FD_CHARDEV;
	if (S_ISBLK(mode))
		return FD_BLOCKDEV;
	if (S_ISDIR(mode))
		return FD_DIRECTORY;
	return FD_OTHER;
}

/*
 * A descriptor zcp opened itself is at offset 0 with the flags zcp gave
 * it, so only inherited ones (stdin, stdout) cost the fcntl and lseek.
 * Returns -1 with errno set when fstat fails.
 */
int
fdinfo_classify(struct fdinfo *fi, int fd, const char *name, bool owned)
{
	int fl;

	fi->fd = fd;
	fi->name = name;
	fi->owned = owned;
	fi->append = fi->direct = false;
	fi->access = -1;
	fi->offset = fi->resumed = 0;
	if (fstat(fd, &fi->st) == -1)
		return -1;
	fi->kind = kind_of(fi->st.st_mode);
	if (owned)
		return 0;
	if ((fl = fcntl(fd, F_GETFL)) == -1)
		return -1;
	fi->append = (fl & O_APPEND) != 0;
	fi->direct = (fl & O_DIRECT) != 0;
	fi->access = fl & O_ACCMODE;
	if (fi->kind == FD_REGULAR || fi->kind == FD_BLOCKDEV) {
		fi->offset = lseek(fd, 0, SEEK_CUR);
		if (fi->offset == -1)
			fi->offset = 0;
	}
	return 0;
}

/*
 * A regular file zcp has just created with O_EXCL: empty, on the device
 * of its directory.  Knowing that saves an fstat per file in a tree.
 */
void
fdinfo_created(struct fdinfo *fi, int fd, const char *name, dev_t dev,
    mode_t mode)
{
	memset(fi, 0, sizeof(*fi));
	fi->fd = fd;
	fi->name = name;
	fi->owned = true;
	fi->kind = FD_REGULAR;
	fi->st.st_mode = S_IFREG | mode;
	fi->st.st_dev = dev;
	fi->st.st_nlink = 1;
	fi->access = -1;
}

const char *
fdkind_name(enum fdkind k)
{
	static const char *const names[FD_NKINDS] = {
		[FD_REGULAR] = "regular file",
		[FD_PIPE] = "pipe",
		[FD_SOCKET] = "socket",
		[FD_CHARDEV] = "character device",
		[FD_BLOCKDEV] = "block device",
		[FD_DIRECTORY] = "directory",
		[FD_OTHER] = "unknown file type",
	};

	return names[k];
}

/*
 * What a kernel answer depends on: the filesystem for files, the driver
 * for devices (/dev/zero and /dev/null share st_dev but not abilities).
 */
dev_t
fdinfo_devkey(const struct fdinfo *fi)
{
	if (fi->kind == FD_CHARDEV || fi->kind == FD_BLOCKDEV)
		return fi->st.st_rdev;
	return fi->st.st_dev;
}

bool
fdinfo_same_file(const struct fdinfo *a, const struct fdinfo *b)
{
	return a->st.st_dev == b->st.st_dev && a->st.st_ino == b->st.st_ino;
}

/*
 * len bytes of fi at off, fewer only at its end, with pread (fi's offset
 * stays); buf must be aligned for O_DIRECT (4096 bytes will do).
 * *calls, unless calls is NULL, counts the calls.  EINTR is retried
 * unless a stop was asked for (sig.h).  Returns the bytes read, or -1
 * with errno set.
 */
ssize_t
fdinfo_pread(const struct fdinfo *fi, char *buf, size_t len, off_t off,
    unsigned long *calls)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		if (calls != NULL)
			(*calls)++;
		n = pread(fi->fd, buf + got, len - got, off + (off_t)got);
		if (n == -1 && errno == EINTR && sig_pending() == 0)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
		/*
		 * O_DIRECT reads short only at the end, and one past it
		 * would start at an odd offset: EINVAL, not 0.
		 */
		if (fi->direct && got < len)
			break;
	}
	return (ssize_t)got;
}

/*
 * --nocache: len bytes of fi at off, just read, leave the page cache;
 * len 0: all from off to the end, where the kernel's readahead went on
 * past the last read.  Advice only: a refusal leaves the pages where
 * they are.
 */
void
fdinfo_drop(const struct fdinfo *fi, off_t off, off_t len)
{
	(void)posix_fadvise(fi->fd, off, len, POSIX_FADV_DONTNEED);
}
