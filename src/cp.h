/*
 * cp: the cp-compatible front end, shared by its files.
 */
#ifndef ZCP_CP_H
#define ZCP_CP_H

#include <sys/types.h>
#include <sys/stat.h>
#include <stdbool.h>

#include "dirstack.h"
#include "engine.h"
#include "path.h"

enum deref {
	DEREF_UNSET,		/* decided from -r: never with it, always without */
	DEREF_NEVER,		/* -P */
	DEREF_COMMAND_LINE,	/* -H */
	DEREF_ALWAYS		/* -L */
};

enum clobber {
	CLOBBER_YES,		/* the default, -f */
	CLOBBER_NO,		/* -n */
	CLOBBER_ASK		/* -i */
};

/* --update=WHEN: which existing destinations are replaced. */
enum update {
	UPDATE_ALL,		/* every one: the default */
	UPDATE_OLDER,		/* -u: those older than the source */
	UPDATE_NONE,		/* none, quietly, as -n */
	UPDATE_NONE_FAIL	/* none, each named, exit 1 */
};

/* Whether existing destinations are all kept: -n ends as none. */
static inline bool
replaces_none(enum update u)
{
	return u == UPDATE_NONE || u == UPDATE_NONE_FAIL;
}

/* -j's largest N: more threads than this only wait on each other. */
#define JOBS_MAX	256

enum backup {
	BACKUP_NONE,
	BACKUP_SIMPLE,
	BACKUP_EXISTING,	/* numbered if numbered backups exist */
	BACKUP_NUMBERED
};

struct cpopts {
	unsigned	 jobs;		/* -j: files at a time, 0: auto */
	bool		 atomic;	/* publish each file whole: atomic.c */
	bool		 sync;		/* fsync files and their directories */
	bool		 resume;	/* keep a destination's bytes that are
					 * the source's first: engine_resume */
	bool		 verify;	/* open destinations to be read back */
	bool		 recursive;
	bool		 verbose;
	bool		 debug;		/* --debug: how each file was copied */
	bool		 force;
	bool		 remove_dest;
	bool		 parents;
	bool		 attr_only;
	bool		 strip_slashes;
	bool		 one_fs;
	bool		 copy_contents;
	bool		 keep_dir_symlink;
	bool		 hard_link;
	bool		 symbolic_link;
	bool		 no_target_dir;
	const char	*target_dir;
	enum deref	 deref;
	enum clobber	 clobber;	/* -i; -n ends as --update=none */
	enum update	 update;
	enum backup	 backup;
	const char	*suffix;
	bool		 keep_mode;
	bool		 no_mode;	/* --no-preserve=mode: default modes */
	bool		 keep_owner;
	bool		 keep_times;
	bool		 keep_links;
	bool		 keep_xattr;
	bool		 require_xattr;	/* asked for by name: report failures */
	bool		 quiet_xattr;	/* -a: no ENOTSUP diagnostics */
};

/* A name to act on: a directory descriptor, the name in it, and the
 * whole path for messages. */
struct loc {
	int		 dirfd;
	const char	*name;
	const char	*path;
	dev_t		 dirdev;	/* dirfd's device, 0 if unknown */
	gid_t		 newgid;	/* the group a file made there gets */
	bool		 plain;		/* and mode & ~umask, no ACL (no default
					 * ACL there, or no ACLs at all) */
	bool		 fresh;		/* nothing there: its directory was
					 * made just now */
	bool		 loop;		/* a symlink loop there, which -f
					 * removes, as cp does */
	struct fdinfo	*pre;		/* a source opened already (tree.c's
					 * copy_quick), taken by open_source */
};

/* A source loc that is a descriptor, not a name: "-". */
#define LOC_NOT_A_NAME	(-200)

/* A name as given on the command line, relative to the working dir. */
#define LOC_CWD(p)	((struct loc){ .dirfd = AT_FDCWD, .name = (p), \
			    .path = (p) })

/*
 * One copy's context.  The run's part is set up before the first copy
 * and only read after it; engine and seen are objects of their own,
 * reached through their interfaces.  The walk's part belongs to one
 * command-line source: copy_top and copy_stdio each walk with a copy of
 * the copier of their own, so a walk never writes what another reads.
 */
struct copier {
	/* The run's. */
	const struct cpopts	*o;
	struct engine		*engine;
	struct seen		*seen;
	struct pool		*pool;		/* -j's workers, or NULL */
	mode_t			 umask;
	bool			 root;
	uid_t			 euid;
	gid_t			 egid;
	bool			 std_closed[2];	/* started without fd 0, 1 */
	bool			 many;		/* two or more sources */
	const char		*target;	/* the target directory, if any */
	/* This walk's: the command-line source and destination. */
	const char		*top_src;
	const char		*top_dst;
	dev_t			 top_dev;
	bool			 made_dir;	/* a directory was made for the
						 * command-line source */
	bool			 stdin_is_data;	/* "-" is the source */
	struct dirstack		 dirs;		/* the directories it is in */
};

/* copy_entry's answer when a directory was being copied into itself:
 * cp stops copying that command-line source there. */
#define COPY_INTO_SELF	(-2)

int	 cp_main(struct copier *, int, char **);
int	 answer_error(void);
int	 copy_entry(struct copier *, const struct loc *, const struct loc *,
	    bool);
int	 copy_stdio(struct copier *, const char *, const char *);
int	 copy_top(struct copier *, const char *, const char *, bool);
int	 copy_with_parents(struct copier *, const char *, const char *);


/* meta.c */
#define SPECIAL_BITS	(S_ISUID | S_ISGID | S_ISVTX)
#define META_CREATED	1	/* made just now, in a directory whose loc
				 * says its new group and whether it is plain */
#define META_SAME_OWNER	2	/* written through a file that has the
				 * source's owner and group: no chown (cp's
				 * SAME_OWNER_AND_GROUP, which so keeps its
				 * set-ID bits) */
#define META_TIMES	4	/* the times alone (a symlink made by -s) */
#define META_PARENT	8	/* a directory --parents made or met: cp's
				 * re_protect says "failed to preserve" */

/* Which ACLs the source has, as meta_xattrs found its xattrs. */
#define ACL_ACCESS	1	/* an extended access ACL */
#define ACL_DEFAULT	2	/* a default ACL */
#define ACL_UNKNOWN	4	/* not listed: libacl reads what it has */

/*
 * meta_preserve's mode step: the source, whose ACLs go to the copy, and
 * the mode bits (07777) of a copy made just now (META_CREATED).
 */
struct perm {
	const struct loc *src;
	int		 sfd;		/* src open, or -1 */
	int		 acls;		/* ACL_* */
	mode_t		 made;
};

int	 meta_preserve(const struct copier *, const struct loc *, int,
	    const struct stat *, int, const struct perm *);
int	 meta_xattrs(const struct copier *, const struct loc *, int,
	    const struct loc *, int, int *);
int	 meta_chmod(const struct loc *, int, mode_t);

/* acl.c: ACLs as cp sets them, through libacl. */
int	 acl_copy(const struct perm *, const struct loc *, int, mode_t,
	    bool);
int	 acl_reset(const struct loc *, int, mode_t);
void	 acl_drop_default(int);

/* atomic.c: a destination file written aside and published whole. */
#define ATOMIC_HIDDEN	16	/* ".zcp-" and ten random characters */

struct atomic {
	int		 fd;		/* the temporary */
	int		 dirfd;		/* its directory */
	bool		 own_dir;	/* dirfd is ours to close */
	bool		 unnamed;	/* O_TMPFILE: no name until published */
	bool		 replace;	/* a file is there to replace */
	bool		 sync;
	bool		 readable;	/* also read back: --verify */
	char		*base;		/* the name it is published as */
	char		*resolved;	/* the file a symlink there leads to */
	char		 tmp[ATOMIC_HIDDEN];	/* its hidden name, or "" */
	const char	*path;		/* the destination, for messages */
};

bool	 atomic_applies(const struct copier *, const struct loc *,
	    const struct stat *);
int	 atomic_open(struct atomic *, const struct copier *, const struct loc *,
	    const struct stat *, mode_t);
int	 atomic_publish(struct atomic *, int);
void	 atomic_discard(struct atomic *);
int	 atomic_backup(const struct loc *, const char *, bool);
int	 rename_in(int, const char *, const char *, bool);
int	 atomic_make(const struct loc *, bool,
	    int (*)(void *, int, const char *), void *);

/* sync.c: --sync. */
int	 sync_file(int, const char *);
int	 sync_dir(int, const char *);
int	 sync_parent(const struct loc *);

/* backup.c */
#define BACKUP_NOREPLACE	1	/* a numbered name: never replace */
#define BACKUP_CUT		2	/* cut to fit NAME_MAX */

char	*backup_name(int, const char *, enum backup, const char *, int *);
char	*backup_move(int, const char *, enum backup, const char *,
	    int (*)(void *, const char *, bool), void *);

/*
 * seen.c: files this run met or made, by device and inode.  Shared by
 * every walk of the run, and only through these calls, each whole by
 * itself: one lock around each is enough to share it between threads.
 * A name returned lives until seen_free, or until seen_forget drops the
 * entry, which only the walk that made it does (its copy failed).
 */
struct seen	*seen_new(void);
void		 seen_free(struct seen *);
const char	*seen_source(struct seen *, const struct stat *,
		    const char *);
const char	*seen_copy_of(struct seen *, const struct stat *);
void		 seen_forget(struct seen *, const struct stat *);
void		 seen_link_made(struct seen *, const struct stat *);
bool		 seen_link_was_made(struct seen *, const struct stat *);
bool		 seen_top_source(struct seen *, const struct loc *,
		    const struct stat *);
void		 seen_top_made(struct seen *, const struct loc *,
		    const struct stat *);
bool		 seen_top_was_made(struct seen *, const struct loc *,
		    const struct stat *);

#endif
