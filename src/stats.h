/*
 * stats: the counters behind --stats, counted as the engine goes, and
 * the report made of them.
 */
#ifndef ZCP_STATS_H
#define ZCP_STATS_H

#include <sys/types.h>
#include <stdbool.h>
#include <stdio.h>

#include "latency.h"
#include "methods.h"

struct mresult;

#define STATS_MAX_FALLBACKS	32

/*
 * The counters are exact, so that a benchmark can trust them: calls is
 * the sum of the methods' mresult.calls, every data system call made,
 * failed and interrupted ones included (the man page's STATS section
 * lists them per method).
 */
struct method_stats {
	unsigned long	 pairs;		/* pairs it moved bytes for */
	off_t		 bytes;
	unsigned long	 calls;
	unsigned long	 attempts;	/* times it ran */
	struct latency	 latency;	/* its calls' times, when timed */
};

/* A method that said "unsupported" and the one tried next. */
struct fallback_stats {
	enum method_id	 method;
	enum method_id	 next;		/* M_END: none */
	int		 err;		/* 0: a 0 at the start */
	unsigned long	 count;		/* refusals the kernel gave */
	unsigned long	 remembered;	/* later attempts skipped for it */
};

struct stats {
	unsigned long		 pairs;		/* given to the engine */
	unsigned long		 files;		/* pairs copied to the end */
	off_t			 bytes;		/* landed for good */
	off_t			 dropped;	/* went with --atomic's
						 * dropped temporaries */
	off_t			 skipped;	/* --resume: found in place */
	unsigned long		 compare_calls;	/* --resume's preads */
	off_t			 verified;	/* read back equal: --verify */
	double			 verify_seconds;
	/* Of the regular sources, before their copy: */
	off_t			 cache_checked;	/* bytes looked at */
	off_t			 cache_cached;	/* of those, in the page cache */
	unsigned long		 cache_unknown;	/* sources it cannot say of */
	/* Of the methods' bytes, by the destinations' extent maps: */
	off_t			 cloned;	/* in extents shared: cloned */
	off_t			 copied;	/* the rest: written */
	unsigned long		 extent_calls;	/* FS_IOC_FIEMAP calls */
	struct method_stats	 method[M_NMETHODS];
	struct fallback_stats	 fallback[STATS_MAX_FALLBACKS];
	int			 nfallbacks;
};

/* "1.5 KiB": v bytes in binary units (humanize_number), for people. */
#define HUMAN_BYTES_LEN	8
void	 human_bytes(char [HUMAN_BYTES_LEN], double);

void	 stats_attempt(struct stats *, enum method_id, enum method_id,
	    const struct mresult *);
void	 stats_remembered(struct stats *, enum method_id, enum method_id,
	    int);
void	 stats_pair(struct stats *, unsigned);
void	 stats_add(struct stats *, const struct stats *);

enum stats_format {
	STATS_OFF,
	STATS_HUMAN,
	STATS_JSON
};

/* What the process measured of the run, for the report. */
struct stats_run {
	double		 seconds;	/* wall clock, from the start */
	double		 user, system;	/* CPU, getrusage */
	/* getrusage: context switches, page faults, peak resident size. */
	long		 vcsw, ivcsw;
	long		 minflt, majflt;
	long		 maxrss;	/* bytes */
	int		 exit_status;	/* 128 + signo when stopped */
	int		 signo;		/* the signal that stopped it, or 0 */
};

void	 stats_print(FILE *, enum stats_format, const struct stats *,
	    const struct stats_run *);
void	 json_str(FILE *, const char *);
void	 stats_snapshot(FILE *, off_t, double, enum method_id,
	    unsigned long);


#endif
