/*
 * latency: how long a method's data calls took, in a histogram of a
 * fixed size whatever the number of calls, and how many came back short
 * or with 0; --stats reports them per method.
 */
#ifndef ZCP_LATENCY_H
#define ZCP_LATENCY_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Nanoseconds, exact below 16, then 16 linear buckets to every power of
 * two: a figure is within 1/16 (6%) of the time it stands for, from
 * 16 ns to centuries, in 976 counters (7.6 KiB a method).
 */
#define LATENCY_SUB_BITS	4
#define LATENCY_BUCKETS		((64 - LATENCY_SUB_BITS + 1) << LATENCY_SUB_BITS)

struct latency {
	uint64_t	 count;		/* calls timed */
	uint64_t	 min, max;	/* ns, exact */
	unsigned long	 short_calls;	/* moved bytes, fewer than asked */
	unsigned long	 zero_calls;	/* returned 0 */
	uint64_t	 bucket[LATENCY_BUCKETS];
};

/* Nanoseconds on CLOCK_MONOTONIC, read in the vDSO: no system call. */
uint64_t	 latency_clock(void);
/* A call took ns and returned n (-1: failed) of want bytes asked. */
void		 latency_add(struct latency *, uint64_t, ssize_t, size_t);
/* The time q (0 to 1) of the calls took at most, within min and max. */
uint64_t	 latency_quantile(const struct latency *, double);
void		 latency_merge(struct latency *, const struct latency *);

#endif
