/*
 * engine: copy one source descriptor to one destination descriptor by
 * the cheapest path the kernel accepts, falling back one step at a time.
 */
#ifndef ZCP_ENGINE_H
#define ZCP_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fdinfo.h"

struct stats;
struct watcher;

enum reflink_mode {
	REFLINK_AUTO,
	REFLINK_ALWAYS,
	REFLINK_NEVER
};

enum sparse_mode {
	SPARSE_AUTO,
	SPARSE_ALWAYS,
	SPARSE_NEVER
};

struct engine_conf {
	int			 method;	/* enum method_id, -1: auto */
	enum reflink_mode	 reflink;
	enum sparse_mode	 sparse;
	size_t			 pipe_size;
	uint64_t		 bwlimit;	/* bytes a second, 0: none */
	bool			 nocache;	/* drop what was copied from
						 * the page cache */
	bool			 verify;	/* read each copy back */
	bool			 trace;
	bool			 residency;	/* --stats: measure how much of
						 * each source is cached */
	bool			 extents;	/* --stats: how much of each copy
						 * shares its extents (cloned) */
	bool			 latency;	/* --stats: time each data call */
	bool			 quiet_refusal;	/* --bench: a forced method
						 * the kernel refuses is no
						 * error to print */
	const struct watcher	*watch;		/* --progress, or NULL */
};

/*
 * How a pair was copied, in the terms of cp --debug's line: whether the
 * kernel moved the data itself ("copy offload"), whether a clone served
 * it ("reflink"), and how holes were looked for ("sparse detection").
 */
enum pair_how {
	HOW_UNKNOWN,		/* not reached */
	HOW_NO,			/* not wanted: --reflink=never */
	HOW_YES,
	HOW_AVOIDED,		/* an option ruled it out */
	HOW_UNSUPPORTED		/* the kernel refused it, now or before, or
				 * cannot for these kinds of file */
};

enum pair_holes {
	HOLES_UNKNOWN,		/* no data was copied (a clone served) */
	HOLES_NO,
	HOLES_ZEROS,		/* runs of zeros made holes: --sparse=always */
	HOLES_SEEK,		/* data extents by SEEK_DATA and SEEK_HOLE */
	HOLES_SEEK_ZEROS
};

struct pair_report {
	enum pair_how	 offload;
	enum pair_how	 clone;
	enum pair_holes	 holes;
};

/* --resume: what was at a destination, and what became of it. */
enum resume_how {
	RESUME_EMPTY,		/* no bytes there: copied whole */
	RESUME_REST,		/* the source's first bytes: the rest copied */
	RESUME_DIFFERS,		/* other bytes: copied whole */
	RESUME_LONGER,		/* more bytes than the source: copied whole */
	RESUME_UNREADABLE,	/* could not be read (err): copied whole */
	RESUME_WRITE_ONLY,	/* open for writing only: copied whole */
	RESUME_NOT_FILE		/* not two regular files: copied as usual */
};

struct resume {
	enum resume_how	 how;
	off_t		 have;		/* the bytes there */
	int		 err;
};

struct engine;

struct engine	*engine_new(const struct engine_conf *);
void		 engine_free(struct engine *);
struct engine	*engine_fork(struct engine *);
void		 engine_absorb(struct engine *, struct engine *);
int		 engine_check(struct engine *, const struct fdinfo *,
		    const struct fdinfo *);
int		 engine_copy(struct engine *, struct fdinfo *, struct fdinfo *,
		    off_t *);
int		 engine_resume(struct engine *, struct fdinfo *, struct fdinfo *,
		    struct resume *);
int		 engine_can_verify(struct engine *, const struct fdinfo *,
		    const struct fdinfo *);
int		 engine_verify(struct engine *, const struct fdinfo *,
		    const struct fdinfo *);
void		 engine_landed(struct engine *, off_t, bool, bool);
const struct stats *engine_stats(const struct engine *);
unsigned long	 engine_pairs(const struct engine *);
bool		 engine_pair_cloned(const struct engine *);
off_t		 engine_cached_now(struct engine *, int, const struct stat *);
void		 engine_cached_before(struct engine *, off_t);
void		 engine_report(struct engine *, struct pair_report *);
const enum method_id *engine_chain(const struct fdinfo *,
		    const struct fdinfo *);
bool		 engine_refused(const struct engine *, int *, const char **);

#endif
