/*
 * extents: how much of a file shares its extents with another file, for
 * --stats to tell a clone from a copy (and --bench's cloned bytes).
 */
#ifndef ZCP_EXTENTS_H
#define ZCP_EXTENTS_H

#include <sys/types.h>
#include <linux/fiemap.h>

/*
 * A FIEMAP request with room for n extents after its header
 * (fm.fm_extents[]): a union, as a struct ending in a flexible array
 * may not be followed by another member in ISO C.
 */
#define FIEMAP_REQUEST(n)						\
	union {								\
		struct fiemap	 fm;					\
		unsigned char	 room[sizeof(struct fiemap) +		\
				     (n) * sizeof(struct fiemap_extent)]; \
	}

/*
 * The bytes of fd's range [off, off + len) in extents it shares with
 * another file (FIEMAP_EXTENT_SHARED: a reflink, or a copy_file_range
 * the filesystem served by cloning), in *shared.  Returns 0, or -1 with
 * errno set where the extent map cannot be read (tmpfs, NFS: EOPNOTSUPP).
 */
int	 extents_shared(int, off_t, off_t, off_t *);

/* The same, adding the FS_IOC_FIEMAP calls made to *calls (failed too). */
int	 extents_shared_counted(int, off_t, off_t, off_t *, unsigned long *);

#endif
