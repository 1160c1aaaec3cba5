/*
 * pool: -j's worker threads.
 *
 * One thread walks the tree, in the order -j1 does (cp.c, tree.c); each
 * file it meets it may hand to the pool as a work item, and N workers
 * take the items from a bounded queue, each with an engine of its own.
 * The walk only waits, when the queue is full and when a directory's
 * items must be done: an item it ran itself could be a long file that
 * would keep it from handing out the rest.  A sleeping worker is woken
 * when WAKE_BATCH items wait, or when none is running: waking one per
 * item would cost two futex calls and a context switch a file.  For the
 * same reason the walk hands its items over WAKE_BATCH at a time (under
 * one lock), and a worker takes its share of what waits, up to TAKE_MAX
 * items, as it reports the last ones done.
 *
 * Output: the walk's lines and each item's are held (diag.c's out_hold).
 * An item holds the walk's lines since the item before it (pre) and its
 * own (out); items are printed in the walk's order, each when it and
 * every item before it are done, so stdout and stderr carry the lines of
 * -j1, in its order, whatever order the items finish in.
 *
 * One lock guards the queue, the items' order and printing, the batches'
 * counters and the workers' count.  An item's data is its own (the
 * caller of pool_submit hands it over); a worker's engine is the
 * worker's until pool_free adds its counters to the walk's.
 */
#include "config.h"

#include <sched.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ahead.h"
#include "cp.h"
#include "diag.h"
#include "engine.h"
#include "pool.h"

/* Items waiting in the queue, per worker: enough to keep one busy. */
#define QUEUE_PER_WORKER	16
/* Items a worker takes at most in one go. */
#define TAKE_MAX		8
/* An item that took longer gives its worker's others back (run_jobs). */
#define LONG_ITEM_NS		10000000LL
/* Items waiting before a sleeping worker is woken (see above). */
#define WAKE_BATCH		8
/*
 * Items not printed yet: a long file holds back the lines of every file
 * after it, and past this many the walk waits for it.
 */
#define HELD_MAX		512
/* Device pairs pool_settle keeps; past them the walk copies the rest. */
#define SETTLED_MAX		64

struct job {
	struct job	*next;		/* in the queue */
	struct job	*onext;		/* in the walk's order */
	struct batch	*batch;
	pool_fn		 fn;
	void		*arg;
	struct held	 pre;		/* the walk's lines before it */
	struct held	 out;		/* its own */
	bool		 done;
};

struct devpair {
	dev_t		 sdev, ddev;
};

struct worker {
	struct pool	*pool;
	struct engine	*engine;
	pthread_t	 tid;
};

struct pool {
	pthread_mutex_t	 lock;
	pthread_cond_t	 work;		/* an item queued, or closing */
	pthread_cond_t	 done;		/* an item finished */
	struct job	*head, *tail;	/* the queue */
	unsigned	 queued, running, qmax;
	atomic_uint	 sleeping;	/* changed locked; run_jobs peeks */
	bool		 walk_waits;	/* on done */
	bool		 closing;
	unsigned	 nworkers;	/* asked for */
	unsigned	 started;	/* running: set once, by the walk */
	bool		 failed;	/* none would start, or one CPU */
	struct worker	 w[JOBS_MAX];
	struct engine	*walk;		/* the walking thread's */

	struct job	*lhead, *ltail;	/* the walk's, not handed out yet */
	unsigned	 nlocal;
	struct job	*ohead, *otail;	/* not printed yet, in order */
	unsigned	 nheld;
	struct held	 walkheld;	/* the walk's lines since its last
					 * item (held once one was handed out) */
	bool		 holding;

	/* The walk's own: the device pairs the engine has seen. */
	struct devpair	 settled[SETTLED_MAX];
	unsigned	 nsettled;

	struct ahead	 ahead;		/* a cold tree's look-ahead (ahead.c) */
};

/* A number read from the file dir/name, or -1; two for cpu.max. */
static int
read_numbers(const char *dir, const char *name, long long *a, long long *b)
{
	char path[4200];
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	n = b != NULL ? fscanf(f, "%lld %lld", a, b) : fscanf(f, "%lld", a);
	fclose(f);
	return n == (b != NULL ? 2 : 1) ? 0 : -1;
}

/* Whether the cgroup v1 controller list ctl ("cpu,cpuacct") has cpu. */
static bool
lists_cpu(const char *ctl)
{
	size_t n;

	for (; *ctl != '\0'; ctl += n + (ctl[n] == ',')) {
		n = strcspn(ctl, ",");
		if (n == 3 && strncmp(ctl, "cpu", 3) == 0)
			return true;
	}
	return false;
}

/*
 * The CPUs the cgroup quota of this process allows, rounded up, or 0 for
 * none: cgroup v2's cpu.max ("max 100000", "150000 100000"), else v1's
 * cpu.cfs_quota_us over cpu.cfs_period_us (-1: none), in the process's
 * cgroup as /proc/self/cgroup names it.
 */
static unsigned
cgroup_cpus(void)
{
	char line[4096], dir[4200];
	long long quota = -1, period = 0;
	char *ctl, *path;
	FILE *f;

	if ((f = fopen("/proc/self/cgroup", "re")) == NULL)
		return 0;
	while (quota <= 0 && fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if ((ctl = strchr(line, ':')) == NULL ||
		    (path = strchr(++ctl, ':')) == NULL)
			continue;
		*path++ = '\0';
		if (*ctl == '\0') {
			snprintf(dir, sizeof(dir), "/sys/fs/cgroup%s", path);
			if (read_numbers(dir, "cpu.max", &quota, &period) == -1)
				quota = -1;
		} else if (lists_cpu(ctl)) {
			snprintf(dir, sizeof(dir), "/sys/fs/cgroup/%s%s", ctl,
			    path);
			if (read_numbers(dir, "cpu.cfs_quota_us", &quota,
			    NULL) == -1 || read_numbers(dir, "cpu.cfs_period_us",
			    &period, NULL) == -1)
				quota = -1;
		}
	}
	fclose(f);
	if (quota <= 0 || period <= 0)
		return 0;
	return (unsigned)((quota + period - 1) / period);
}

/* The CPUs this process may run on: its affinity, its cgroup's quota. */
unsigned
cpus_available(void)
{
	cpu_set_t set;
	unsigned n = 1, q;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		n = (unsigned)CPU_COUNT(&set);
	if ((q = cgroup_cpus()) > 0 && q < n)
		n = q;
	if (n < 1)
		n = 1;
	return n > JOBS_MAX ? JOBS_MAX : n;
}

/*
 * A pool of jobs workers (0: cpus_available(), asked when the first item
 * comes), or NULL: one at a time, nothing handed out.
 */
struct pool *
pool_new(struct engine *walk, unsigned jobs)
{
	struct pool *p;

	if (jobs == 1 || (p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	p->nworkers = jobs;
	p->walk = walk;
	ahead_init(&p->ahead);
	return p;
}

/* Print the items that are done with none before them undone (locked). */
static void
print_ready(struct pool *p)
{
	struct job *j;

	while ((j = p->ohead) != NULL && j->done) {
		out_release(&j->pre);
		out_release(&j->out);
		if ((p->ohead = j->onext) == NULL)
			p->otail = NULL;
		p->nheld--;
		free(j);
	}
}

/* The monotonic clock, in nanoseconds. */
static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * Items taken, run on this thread with engine e, their lines held in
 * order; called and returning with the lock held, which it drops
 * meanwhile.  After an item that took long (a big file), with a worker
 * idle, what was not begun goes back to the queue for it: eight big
 * files taken in one go are not copied one after another.
 */
static void
run_jobs(struct pool *p, struct job **jv, unsigned n, struct engine *e)
{
	struct batch *b;
	unsigned i, kept = n;
	int rc[TAKE_MAX];
	bool emptied = false;	/* a batch done: the walk may wait on it */
	long long t0;

	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < kept; i++) {
		/* Timed only when there is something to give back. */
		t0 = i + 1 < n ? now_ns() : 0;
		out_hold(&jv[i]->out);
		rc[i] = jv[i]->fn(e, jv[i]->arg);
		out_hold(NULL);
		out_close(&jv[i]->out);
		if (i + 1 < n && now_ns() - t0 > LONG_ITEM_NS &&
		    atomic_load(&p->sleeping) > 0)
			kept = i + 1;
	}
	pthread_mutex_lock(&p->lock);
	for (i = 0; i < kept; i++) {
		b = jv[i]->batch;
		if (rc[i] != 0 && b->rc == 0)
			b->rc = -1;
		emptied |= --b->pending == 0;
		jv[i]->done = true;
		p->running--;
	}
	for (i = n; i-- > kept; p->queued++, p->running--) {
		if ((jv[i]->next = p->head) == NULL)
			p->tail = jv[i];
		p->head = jv[i];
	}
	if (kept < n && p->sleeping > 0)
		pthread_cond_signal(&p->work);
	print_ready(p);		/* the items may be freed */
	/* Only what may end the walk's wait wakes it: no ping-pong. */
	if (p->walk_waits && (emptied || p->running == 0 ||
	    p->queued <= p->qmax / 2 || p->nheld <= HELD_MAX / 2))
		pthread_cond_signal(&p->done);
}

/*
 * A worker takes its share of the items waiting, up to TAKE_MAX, in one
 * lock: one lock a file would have the workers wait on each other.
 */
static void *
worker(void *arg)
{
	struct worker *w = arg;
	struct pool *p = w->pool;
	struct job *jv[TAKE_MAX];
	unsigned n, share;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (p->head == NULL && !p->closing) {
			p->sleeping++;
			pthread_cond_wait(&p->work, &p->lock);
			p->sleeping--;
		}
		if (p->head == NULL)
			break;
		share = p->queued / p->nworkers;
		share = share < 1 ? 1 : share > TAKE_MAX ? TAKE_MAX : share;
		for (n = 0; n < share && p->head != NULL; n++) {
			jv[n] = p->head;
			if ((p->head = jv[n]->next) == NULL)
				p->tail = NULL;
		}
		p->queued -= n;
		p->running += n;
		run_jobs(p, jv, n, w->engine);
	}
	pthread_mutex_unlock(&p->lock);
	/* Thread-local: they would be lost with the thread. */
	quote_free();
	return NULL;
}

/*
 * The workers, on the first item.  The stop signals (sig.c) and SIGUSR1
 * go to the walking thread, which is the one that waits on pipes and
 * answers; the workers see a stop request between their calls.
 * SIGPIPE stays with the thread whose write raised it.  Returns the
 * number of workers running.
 */
static unsigned
start(struct pool *p)
{
	sigset_t block, old;
	unsigned i, n = 0;

	if (p->nworkers == 0)
		p->nworkers = cpus_available();
	if (p->nworkers <= 1)
		return p->nworkers = 0;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	for (i = 0; i < p->nworkers; i++) {
		p->w[i].pool = p;
		if ((p->w[i].engine = engine_fork(p->walk)) == NULL)
			break;
		if (pthread_create(&p->w[i].tid, NULL, worker,
		    &p->w[i]) != 0) {
			engine_free(p->w[i].engine);
			break;
		}
		n++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	p->nworkers = p->started = n;
	p->ahead.workers = n;
	p->qmax = QUEUE_PER_WORKER * n;
	return n;
}

/* The walk waits for an item to end (locked). */
static void
walk_wait(struct pool *p)
{
	p->walk_waits = true;
	pthread_cond_wait(&p->done, &p->lock);
	p->walk_waits = false;
}

/* Wake a sleeping worker if items wait for it (locked). */
static void
wake(struct pool *p, bool now)
{
	if (p->sleeping > 0 && p->queued > 0 &&
	    (now || p->queued >= WAKE_BATCH || p->running == 0))
		pthread_cond_signal(&p->work);
}

/*
 * The walk's items so far to the workers, in one go: one lock and one
 * wake-up for up to WAKE_BATCH files rather than one a file.  A full
 * queue, or too many lines held, makes the walk wait until half of it is
 * done (a wait per item would be a ping-pong with the workers).
 */
void
pool_flush(struct pool *p)
{
	struct job *j;
	bool full, held;

	if (p == NULL || p->lhead == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	full = p->queued >= p->qmax;
	held = p->nheld >= HELD_MAX;
	if (full || held) {
		wake(p, true);
		/* Running or queued: workers not yet up count too. */
		while ((p->running > 0 || p->queued > 0) &&
		    ((full && p->queued > p->qmax / 2) ||
		    (held && p->nheld > HELD_MAX / 2)))
			walk_wait(p);
	}
	for (j = p->lhead; j != NULL; j = j->next) {
		j->batch->pending++;
		j->onext = j->next;
	}
	if (p->otail != NULL)
		p->otail->onext = p->lhead;
	else
		p->ohead = p->lhead;
	p->otail = p->ltail;
	if (p->tail != NULL)
		p->tail->next = p->lhead;
	else
		p->head = p->lhead;
	p->tail = p->ltail;
	p->nheld += p->nlocal;
	p->queued += p->nlocal;
	p->lhead = p->ltail = NULL;
	p->nlocal = 0;
	wake(p, false);
	pthread_mutex_unlock(&p->lock);
}

/*
 * Hand fn(arg) to a worker, as an item of batch b.  False when it cannot
 * be handed out (no pool, no thread would start): the caller runs it.
 */
bool
pool_submit(struct pool *p, struct batch *b, pool_fn fn, void *arg)
{
	struct job *j;

	if (p == NULL || p->failed || (p->started == 0 && start(p) == 0)) {
		if (p != NULL)
			p->failed = true;
		return false;
	}
	if ((j = calloc(1, sizeof(*j))) == NULL)
		return false;
	j->batch = b;
	j->fn = fn;
	j->arg = arg;
	/* The walk's lines so far go before the item's. */
	out_close(&p->walkheld);
	j->pre = p->walkheld;
	p->walkheld = (struct held){ 0 };
	if (!p->holding) {
		out_hold(&p->walkheld);
		p->holding = true;
	}
	if (p->ltail != NULL)
		p->ltail->next = j;
	else
		p->lhead = j;
	p->ltail = j;
	if (++p->nlocal >= WAKE_BATCH)
		pool_flush(p);
	return true;
}

/* Until pred(p, arg) holds, wait for items to end; every worker awake. */
static void
wait_until(struct pool *p, bool (*pred)(struct pool *, void *), void *arg)
{
	pthread_mutex_lock(&p->lock);
	while (!pred(p, arg)) {
		if (p->sleeping > 0 && p->queued > 0)
			pthread_cond_broadcast(&p->work);
		walk_wait(p);
	}
	pthread_mutex_unlock(&p->lock);
}

static bool
batch_done(struct pool *p, void *arg)
{
	(void)p;
	return ((struct batch *)arg)->pending == 0;
}

/* Wait for b's items; 0, or -1 if one failed. */
int
pool_wait(struct pool *p, struct batch *b)
{
	pool_flush(p);
	if (p != NULL && p->started > 0)
		wait_until(p, batch_done, b);
	return b->rc;
}

static bool
idle(struct pool *p, void *arg)
{
	(void)arg;
	return p->head == NULL && p->running == 0;
}

/* Every item done and every line printed: the walk prints directly. */
void
pool_drain(struct pool *p)
{
	if (p == NULL || p->started == 0)
		return;
	pool_flush(p);
	wait_until(p, idle, NULL);
	out_hold(NULL);
	p->holding = false;
	/* Every item is printed: none is left undone. */
	out_release(&p->walkheld);
}

/*
 * Whether a file went through the engine from device sdev to ddev.
 * Until one did, the walk copies them itself (tree.c's walk_copies):
 * what the kernel refuses for the pair is then learnt by the file -j1
 * learns it by, and --trace's lines stay -j1's.
 */
bool
pool_settled(struct pool *p, dev_t sdev, dev_t ddev)
{
	unsigned i;

	for (i = 0; i < p->nsettled; i++)
		if (p->settled[i].sdev == sdev && p->settled[i].ddev == ddev)
			return true;
	return false;
}

void
pool_settle(struct pool *p, dev_t sdev, dev_t ddev)
{
	if (p->nsettled < SETTLED_MAX && !pool_settled(p, sdev, ddev))
		p->settled[p->nsettled++] = (struct devpair){ sdev, ddev };
}

/* The look-ahead the walk and the workers share; NULL without a pool. */
struct ahead *
pool_ahead(struct pool *p)
{
	return p != NULL ? &p->ahead : NULL;
}

/* The workers stopped, their counters added to the walk's engine. */
void
pool_free(struct pool *p)
{
	unsigned i;

	if (p == NULL)
		return;
	pool_drain(p);
	pthread_mutex_lock(&p->lock);
	p->closing = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->started; i++) {
		pthread_join(p->w[i].tid, NULL);
		engine_absorb(p->walk, p->w[i].engine);
	}
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
