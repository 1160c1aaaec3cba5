/*
 * report: --trace lines and the statistics behind --stats.
 */
#ifndef ZCP_REPORT_H
#define ZCP_REPORT_H

#include <sys/types.h>
#include <stdbool.h>

#include "fdinfo.h"
#include "method.h"

#define STATS_MAX_FALLBACKS	32

struct method_stats {
	unsigned long	 pairs;		/* pairs it moved bytes for */
	off_t		 bytes;
	unsigned long	 calls;
};

struct fallback_stats {
	enum method_id	 method;
	int		 err;		/* 0: a 0 at the start */
	unsigned long	 count;
};

struct stats {
	unsigned long		 files;
	off_t			 bytes;
	struct method_stats	 method[M_NMETHODS];
	struct fallback_stats	 fallback[STATS_MAX_FALLBACKS];
	int			 nfallbacks;
};

void	 stats_attempt(struct stats *, enum method_id, const struct mresult *);

void	 trace(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 trace_pair(const struct fdinfo *, const struct fdinfo *,
	    const enum method_id *);
void	 trace_result(enum method_id, const struct mresult *, int,
	    bool, const char *);

#endif
