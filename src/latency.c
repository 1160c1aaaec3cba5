/*
 * latency: the histogram of call times behind --stats's per-method
 * figures.  Adding a call is a few instructions (a count of leading
 * zeros for the bucket), so that timing every call costs nothing next
 * to the call itself.
 */
#include "config.h"

#include <time.h>

#include "latency.h"

#define SUB		(1u << LATENCY_SUB_BITS)

uint64_t
latency_clock(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* The bucket of ns: its power of two, then the next 4 bits below it. */
static unsigned
bucket_of(uint64_t ns)
{
	unsigned e;

	if (ns < SUB)
		return (unsigned)ns;
	e = 63 - (unsigned)__builtin_clzll(ns);
	return ((e - LATENCY_SUB_BITS + 1) << LATENCY_SUB_BITS) |
	    (unsigned)((ns >> (e - LATENCY_SUB_BITS)) & (SUB - 1));
}

/* The most ns bucket i holds. */
static uint64_t
bucket_top(unsigned i)
{
	unsigned e = (i >> LATENCY_SUB_BITS) + LATENCY_SUB_BITS - 1;
	uint64_t low;

	if (i < SUB)
		return i;
	low = (uint64_t)(SUB | (i & (SUB - 1))) << (e - LATENCY_SUB_BITS);
	return low + ((uint64_t)1 << (e - LATENCY_SUB_BITS)) - 1;
}

void
latency_add(struct latency *l, uint64_t ns, ssize_t n, size_t want)
{
	if (l->count == 0 || ns < l->min)
		l->min = ns;
	if (ns > l->max)
		l->max = ns;
	l->count++;
	l->bucket[bucket_of(ns)]++;
	if (n == 0 && want > 0)
		l->zero_calls++;
	else if (n > 0 && (size_t)n < want)
		l->short_calls++;
}

uint64_t
latency_quantile(const struct latency *l, double q)
{
	uint64_t rank = (uint64_t)(q * (double)l->count + 0.999999), seen = 0;
	uint64_t top;
	unsigned i;

	if (rank == 0)
		rank = 1;
	for (i = 0; i < LATENCY_BUCKETS; i++)
		if ((seen += l->bucket[i]) >= rank)
			break;
	if (i == LATENCY_BUCKETS)
		return l->max;
	top = bucket_top(i);
	return top < l->min ? l->min : top > l->max ? l->max : top;
}

/* from's calls added to into's: a worker's (-j) to the run's. */
void
latency_merge(struct latency *into, const struct latency *from)
{
	size_t i;

	if (from->count == 0)
		return;
	if (into->count == 0 || from->min < into->min)
		into->min = from->min;
	if (from->max > into->max)
		into->max = from->max;
	into->count += from->count;
	into->short_calls += from->short_calls;
	into->zero_calls += from->zero_calls;
	for (i = 0; i < LATENCY_BUCKETS; i++)
		into->bucket[i] += from->bucket[i];
}
