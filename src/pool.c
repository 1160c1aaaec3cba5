/*
 * pool: -j's worker threads.
 *
 * One thread walks the tree, in the order -j1 does (cp.c, tree.c); each
 * file it meets it may hand to the pool as a work item, and N workers
 * take the items from a bounded queue, each with an engine of its own.
 * The walk only waits, when the queue is full and when a directory's
 * items must be done: an item it ran itself could be a long file that
 * would keep it from handing out the rest.
 *
 * Output: the walk's lines and each item's are held (diag.c's out_hold),
 * in units kept in the walk's order; a unit is printed when it and every
 * unit before it are done, so stdout and stderr carry the lines of -j1,
 * in its order, whatever order the items finish in.
 *
 * Locks: lock guards the queue, the batches' counters and the workers'
 * start; outlock guards the units and the printing.  An item's data is
 * its own (pool_submit's caller hands it over); a worker's engine is the
 * worker's until pool_free adds its counters to the walk's.
 */
#include "config.h"

#include <sched.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp.h"
#include "diag.h"
#include "engine.h"
#include "pool.h"

/* Items waiting in the queue, per worker: enough to keep one busy. */
#define QUEUE_PER_WORKER	16
/*
 * Units of output not printed yet: a long file holds back the lines of
 * every file after it, and the walk waits past this many.
 */
#define UNITS_MAX		1024
/* Device pairs pool_settle keeps; past them the walk copies the rest. */
#define SETTLED_MAX		64

/* A stretch of output, in the walk's order. */
struct unit {
	struct unit	*next;
	struct held	 held;
	bool		 done;		/* nothing more will be written */
};

struct job {
	struct job	*next;
	struct batch	*batch;
	struct unit	*unit;
	pool_fn		 fn;
	void		*arg;
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
	struct job	*head, *tail;
	unsigned	 queued, running, qmax;
	bool		 closing;
	unsigned	 nworkers;	/* asked for */
	unsigned	 started;	/* running: set once, by the walk */
	bool		 failed;	/* none would start, or one CPU */
	struct worker	 w[JOBS_MAX];
	struct engine	*walk;		/* the walking thread's */

	pthread_mutex_t	 outlock;
	struct unit	*ohead, *otail;
	unsigned	 nunits;
	struct unit	*walkunit;	/* the walk's lines since its last
					 * item, or NULL: printed directly */

	/* The walk's own: the device pairs the engine has seen. */
	struct devpair	 settled[SETTLED_MAX];
	unsigned	 nsettled;
};

/* The CPUs this process may run on: its affinity, its cgroup's quota. */
unsigned
cpus_available(void)
{
	cpu_set_t set;
	unsigned n = 1;
	long long quota, period;
	FILE *f;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		n = (unsigned)CPU_COUNT(&set);
	/* cgroup v2: "max 100000" or "200000 100000" (two CPUs' time). */
	if ((f = fopen("/sys/fs/cgroup/cpu.max", "re")) != NULL) {
		if (fscanf(f, "%lld %lld", &quota, &period) == 2 &&
		    quota > 0 && period > 0 &&
		    (quota + period - 1) / period < (long long)n)
			n = (unsigned)((quota + period - 1) / period);
		fclose(f);
	}
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
	pthread_mutex_init(&p->outlock, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	p->nworkers = jobs;
	p->walk = walk;
	return p;
}

/* Print the units that are done and have nothing before them undone. */
static void
print_ready(struct pool *p)
{
	struct unit *u;

	while ((u = p->ohead) != NULL && u->done) {
		out_release(&u->held);
		if ((p->ohead = u->next) == NULL)
			p->otail = NULL;
		p->nunits--;
		free(u);
	}
}

static void
append_unit(struct pool *p, struct unit *u)
{
	if (p->otail != NULL)
		p->otail->next = u;
	else
		p->ohead = u;
	p->otail = u;
	p->nunits++;
}

/* Whether the lines held back are many: the walk waits (lock held). */
static bool
too_much_held(struct pool *p)
{
	bool many;

	pthread_mutex_lock(&p->outlock);
	many = p->nunits >= UNITS_MAX;
	pthread_mutex_unlock(&p->outlock);
	return many;
}

/* One item, run on this thread with engine e; its lines held in order. */
static void
run_job(struct pool *p, struct job *j, struct engine *e)
{
	struct held *was = out_hold(&j->unit->held);
	int rc = j->fn(e, j->arg);

	out_hold(was);
	pthread_mutex_lock(&p->outlock);
	j->unit->done = true;
	print_ready(p);
	pthread_mutex_unlock(&p->outlock);
	pthread_mutex_lock(&p->lock);
	if (rc != 0 && j->batch->rc == 0)
		j->batch->rc = -1;
	j->batch->pending--;
	p->running--;
	pthread_cond_broadcast(&p->done);
	pthread_mutex_unlock(&p->lock);
	free(j);
}

/* The oldest item, taken off the queue; with the lock held. */
static struct job *
take(struct pool *p)
{
	struct job *j = p->head;

	if (j != NULL) {
		if ((p->head = j->next) == NULL)
			p->tail = NULL;
		p->queued--;
		p->running++;
	}
	return j;
}

static void *
worker(void *arg)
{
	struct worker *w = arg;
	struct pool *p = w->pool;
	struct job *j;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (p->head == NULL && !p->closing)
			pthread_cond_wait(&p->work, &p->lock);
		if ((j = take(p)) == NULL)
			break;
		pthread_mutex_unlock(&p->lock);
		run_job(p, j, w->engine);
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
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
	p->qmax = QUEUE_PER_WORKER * n;
	return n;
}

/*
 * Hand fn(arg) to a worker, as an item of batch b.  False when it cannot
 * be handed out (no pool, no thread would start): the caller runs it.
 */
bool
pool_submit(struct pool *p, struct batch *b, pool_fn fn, void *arg)
{
	struct job *j;
	struct unit *u = NULL, *w;

	if (p == NULL || p->failed || (p->started == 0 && start(p) == 0)) {
		if (p != NULL)
			p->failed = true;
		return false;
	}
	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (u = calloc(1, sizeof(*u))) == NULL ||
	    (w = calloc(1, sizeof(*w))) == NULL) {
		free(j);
		free(u);
		return false;
	}
	*j = (struct job){ NULL, b, u, fn, arg };
	/* The walk's lines so far go before the item's, its next after. */
	pthread_mutex_lock(&p->outlock);
	if (p->walkunit != NULL)
		p->walkunit->done = true;
	append_unit(p, u);
	append_unit(p, w);
	p->walkunit = w;
	print_ready(p);
	pthread_mutex_unlock(&p->outlock);
	out_hold(&w->held);

	pthread_mutex_lock(&p->lock);
	b->pending++;
	/* A full queue, or too many lines held: wait for an item to end. */
	while (p->queued >= p->qmax || ((p->running > 0 || p->queued > 0) &&
	    too_much_held(p)))
		pthread_cond_wait(&p->done, &p->lock);
	if (p->tail != NULL)
		p->tail->next = j;
	else
		p->head = j;
	p->tail = j;
	p->queued++;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
	return true;
}

/* Until pred(p, arg) holds, wait for items to end. */
static void
wait_until(struct pool *p, bool (*pred)(struct pool *, void *), void *arg)
{
	pthread_mutex_lock(&p->lock);
	while (!pred(p, arg))
		pthread_cond_wait(&p->done, &p->lock);
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
	wait_until(p, idle, NULL);
	out_hold(NULL);
	pthread_mutex_lock(&p->outlock);
	if (p->walkunit != NULL)
		p->walkunit->done = true;
	p->walkunit = NULL;
	print_ready(p);
	pthread_mutex_unlock(&p->outlock);
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
	pthread_mutex_destroy(&p->outlock);
	free(p);
}
