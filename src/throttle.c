/*
 * throttle: --bwlimit, as pv -L and rsync --bwlimit.  The methods keep
 * their zero-copy calls; each call may ask for one chunk only (a
 * twentieth of a second's worth), and after each call that moved bytes
 * the engine pays for them here, sleeping until they are due.  The
 * bytes of any stretch of time are then at most the rate times the
 * stretch, plus a tenth of a second's worth: one chunk in flight, and
 * the credit of at most one chunk that a pause (opening the next file)
 * may save up.
 */
#include "config.h"

#include <errno.h>
#include <time.h>

#include "sig.h"
#include "throttle.h"

#define CHUNK_SECONDS	0.05
/* Below this the chunk is not rounded to whole pages. */
#define PAGE		4096

/* CLOCK_MONOTONIC is read in the vDSO: no system call per call paid. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
throttle_init(struct throttle *t, uint64_t rate)
{
	t->rate = (double)rate;
	t->burst = CHUNK_SECONDS;
	t->next = 0;
}

/*
 * The most bytes one call may ask for: at most limit, a twentieth of a
 * second's worth, in whole pages where that is at least one page.
 */
off_t
throttle_chunk(const struct throttle *t, off_t limit)
{
	double c = t->rate * CHUNK_SECONDS;

	if (c >= (double)limit)
		return limit;
	if (c >= PAGE)
		return (off_t)c / PAGE * PAGE;
	return c >= 1 ? (off_t)c : 1;
}

/*
 * Sleep until t, absolute, so that a signal that wakes us early for
 * nothing (SIGWINCH, a stopped and continued job) costs no drift.  A
 * stop request (sig.h) ends the sleep: zcp stops as promptly as without
 * --bwlimit.
 */
static void
sleep_until(double t)
{
	struct timespec ts;

	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	if (ts.tv_nsec > 999999999)
		ts.tv_nsec = 999999999;
	while (sig_pending() == 0 && clock_nanosleep(CLOCK_MONOTONIC,
	    TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* n bytes moved: wait until the rate allows them. */
void
throttle_pay(struct throttle *t, off_t n)
{
	double at = now();

	if (t->next < at - t->burst)
		t->next = at - t->burst;
	t->next += (double)n / t->rate;
	if (t->next > at)
		sleep_until(t->next);
}
