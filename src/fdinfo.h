/*
 * fdinfo: what zcp knows about a descriptor, learned once before a copy.
 */
#ifndef ZCP_FDINFO_H
#define ZCP_FDINFO_H

#include <sys/types.h>
#include <sys/stat.h>
#include <stdbool.h>

enum fdkind {
	FD_REGULAR,
	FD_PIPE,		/* pipe or FIFO */
	FD_SOCKET,
	FD_CHARDEV,
	FD_BLOCKDEV,
	FD_DIRECTORY,
	FD_OTHER,
	FD_NKINDS
};

struct fdinfo {
	int		 fd;
	const char	*name;		/* for messages: as the user wrote it */
	enum fdkind	 kind;
	bool		 owned;		/* zcp opened it: no flags, offset 0
					 * (or where --resume moved it) */
	bool		 append;	/* O_APPEND */
	bool		 direct;	/* O_DIRECT: reads bypass the cache */
	int		 access;	/* O_RDONLY, O_WRONLY or O_RDWR, or
					 * -1 if zcp opened it as it needs */
	off_t		 offset;	/* at classification; 0 if not seekable */
	off_t		 resumed;	/* --resume: the bytes before offset
					 * found in place, from where it was */
	struct stat	 st;
};

int		 fdinfo_classify(struct fdinfo *, int, const char *, bool);
void		 fdinfo_created(struct fdinfo *, int, const char *, dev_t,
		    mode_t);
const char	*fdkind_name(enum fdkind);
dev_t		 fdinfo_devkey(const struct fdinfo *);
bool		 fdinfo_same_file(const struct fdinfo *, const struct fdinfo *);

/* What --resume and --verify read at a time, from each of two files. */
#define COMPARE_CHUNK	((size_t)1 << 20)

ssize_t		 fdinfo_pread(const struct fdinfo *, char *, size_t, off_t,
		    unsigned long *);
void		 fdinfo_drop(const struct fdinfo *, off_t, off_t);

#endif
