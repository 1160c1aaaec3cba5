/*
 * progress: a one-line meter of bytes done, the total when known, the
 * rate of the last seconds, the time left and the method in use.  It
 * hears of each pair from the engine and of the bytes of each call from
 * the method that made it (struct watcher, in method.h); it redraws at
 * most five times a second in place on a terminal, and elsewhere (a log
 * file) prints a line every few seconds instead.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "method.h"
#include "progress.h"
#include "sig.h"
#include "stats.h"

#define TTY_INTERVAL	0.2		/* seconds between redraws */
#define LOG_INTERVAL	2.0		/* between lines off a terminal */
#define NSAMPLES	10		/* 2 s of rate history at 0.2 s */

struct sample {
	double		 t;
	off_t		 done;
};

/* Heard from every worker of -j: lock guards all that follows it. */
struct progress {
	struct watcher	 watch;
	pthread_mutex_t	 lock;
	int		 fd;
	bool		 tty;
	int		 width;		/* of the terminal; 0: unknown */
	bool		 drawn;		/* a meter is on the screen */
	off_t		 total;		/* -1: unknown */
	unsigned long	 files;		/* 0: unknown */
	unsigned long	 file;		/* pairs begun */
	unsigned	 inflight;	/* begun and not done: -j's workers */
	uint64_t	 limit;		/* --bwlimit, 0: none */
	off_t		 done;
	enum method_id	 method;
	double		 last_draw;
	struct sample	 ring[NSAMPLES];
	int		 nsamples, head;
};

/* CLOCK_MONOTONIC is read in the vDSO: no system call per tick. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
sample(struct progress *p, double t)
{
	const struct sample *last = &p->ring[(p->head + NSAMPLES - 1) %
	    NSAMPLES];

	if (p->nsamples > 0 && t - last->t < TTY_INTERVAL)
		return;
	p->ring[p->head] = (struct sample){ t, p->done };
	p->head = (p->head + 1) % NSAMPLES;
	if (p->nsamples < NSAMPLES)
		p->nsamples++;
}

/* Bytes a second over the samples kept: the last two seconds or so. */
static double
current_rate(const struct progress *p, double t)
{
	const struct sample *old = &p->ring[(p->head + NSAMPLES -
	    p->nsamples) % NSAMPLES];

	if (p->nsamples == 0 || t - old->t <= 0)
		return 0;
	return (double)(p->done - old->done) / (t - old->t);
}

static void
eta(char *buf, size_t size, const struct progress *p, double r)
{
	double left;
	int s;

	if (r <= 0 || p->done >= p->total) {
		snprintf(buf, size, "--:--");
		return;
	}
	left = (double)(p->total - p->done) / r;
	s = left > 359999 ? 359999 : (int)(left + 0.5);
	if (s >= 3600)
		snprintf(buf, size, "%d:%02d:%02d", s / 3600, s / 60 % 60,
		    s % 60);
	else
		snprintf(buf, size, "%d:%02d", s / 60, s % 60);
}

/* The rate, and the --bwlimit it is held to. */
static void
rate(char *buf, size_t size, const struct progress *p, double rt)
{
	char r[HUMAN_BYTES_LEN], limit[HUMAN_BYTES_LEN];

	human_bytes(r, rt);
	if (p->limit == 0) {
		snprintf(buf, size, "%s/s", r);
		return;
	}
	human_bytes(limit, (double)p->limit);
	snprintf(buf, size, "%s/s  limit %s/s", r, limit);
}

/* The meter's text, without the terminal's control sequences. */
static int
format(const struct progress *p, double t, char *buf, size_t size)
{
	char done[HUMAN_BYTES_LEN], total[HUMAN_BYTES_LEN], r[64];
	char left[32];
	double rt = current_rate(p, t);
	int n;

	human_bytes(done, (double)p->done);
	rate(r, sizeof(r), p, rt);
	if (p->total > 0) {
		human_bytes(total, (double)p->total);
		eta(left, sizeof(left), p, rt);
		n = snprintf(buf, size, "zcp: %s / %s %3d%%  %s  ETA %s  %s",
		    done, total, p->done >= p->total ? 100 :
		    (int)(100 * (double)p->done / (double)p->total), r, left,
		    method_name(p->method));
	} else
		n = snprintf(buf, size, "zcp: %s  %s  %s", done, r,
		    method_name(p->method));
	if (p->files > 1 && n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, "  file %lu/%lu",
		    p->file, p->files);
	if (p->inflight > 1 && n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, ", %u at once",
		    p->inflight);
	return n < 0 ? 0 : (size_t)n < size ? n : (int)size - 1;
}

static void
put(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		/* A full stderr must not keep a stop request waiting. */
		if (n == -1 && errno == EINTR && sig_pending() == 0)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

static void
draw(struct progress *p, double t)
{
	char line[256], out[300];
	int n = format(p, t, line, sizeof(line));

	/* A line longer than the terminal would wrap and scroll. */
	if (p->width > 1 && n > p->width - 1)
		n = p->width - 1;
	if (p->tty)
		n = snprintf(out, sizeof(out), "\r%.*s\033[K", n, line);
	else
		n = snprintf(out, sizeof(out), "%.*s\n", n, line);
	put(p->fd, out, (size_t)n);
	p->drawn = p->tty;
	p->last_draw = t;
}

static void
on_moved(void *arg, enum method_id m, off_t n)
{
	struct progress *p = arg;
	double t = now();

	pthread_mutex_lock(&p->lock);
	p->done += n;
	p->method = m;
	sample(p, t);
	if (t - p->last_draw >= (p->tty ? TTY_INTERVAL : LOG_INTERVAL))
		draw(p, t);
	pthread_mutex_unlock(&p->lock);
}

/* --resume found n bytes in place: they are no longer to copy. */
static void
on_present(void *arg, off_t n)
{
	struct progress *p = arg;

	pthread_mutex_lock(&p->lock);
	if (p->total > 0)
		p->total = p->total > n ? p->total - n : 0;
	pthread_mutex_unlock(&p->lock);
}

static void
on_pair(void *arg)
{
	struct progress *p = arg;

	pthread_mutex_lock(&p->lock);
	p->file++;
	p->inflight++;
	pthread_mutex_unlock(&p->lock);
}

static void
on_pair_end(void *arg)
{
	struct progress *p = arg;

	pthread_mutex_lock(&p->lock);
	if (p->inflight > 0)
		p->inflight--;
	pthread_mutex_unlock(&p->lock);
}

/* Before any other line: the meter off the terminal, until the next tick. */
static void
take_off(void *arg)
{
	struct progress *p = arg;

	pthread_mutex_lock(&p->lock);
	if (p->drawn)
		put(p->fd, "\r\033[K", 4);
	p->drawn = false;
	pthread_mutex_unlock(&p->lock);
}

/*
 * total: the bytes to copy, -1 if unknown (a pipe); files: how many
 * pairs, 0 if unknown; limit: --bwlimit's bytes a second, or 0.  The
 * first meter shows after TTY_INTERVAL, so a quick copy never draws one.
 */
struct progress *
progress_new(int fd, off_t total, unsigned long files, uint64_t limit)
{
	struct progress *p = calloc(1, sizeof(*p));
	struct winsize ws;

	if (p == NULL)
		return NULL;
	p->watch = (struct watcher){ on_pair, on_moved, p, on_present,
	    on_pair_end };
	pthread_mutex_init(&p->lock, NULL);
	p->fd = fd;
	p->tty = isatty(fd) == 1;
	if (p->tty && ioctl(fd, TIOCGWINSZ, &ws) == 0)
		p->width = ws.ws_col;
	p->total = total;
	p->files = files;
	p->limit = limit;
	p->last_draw = now();
	sample(p, p->last_draw);
	if (p->tty)
		diag_before(take_off, p);
	return p;
}

const struct watcher *
progress_watcher(struct progress *p)
{
	return p != NULL ? &p->watch : NULL;
}

/* Take the meter off the screen: what follows starts a clean line. */
void
progress_end(struct progress *p)
{
	if (p == NULL)
		return;
	diag_before(NULL, NULL);
	take_off(p);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
