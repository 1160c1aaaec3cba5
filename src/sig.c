/*
 * sig: a stop request from SIGINT, SIGTERM, SIGHUP or SIGPIPE.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>

#include "sig.h"

/*
 * Atomics, not volatile sig_atomic_t: the handler runs on whichever
 * thread the kernel picks, and the workers read the flags too.  A
 * lock-free atomic is safe in a handler.
 */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "int atomics take no lock");
static atomic_int caught, again;

static void
on_signal(int signo)
{
	int none = 0;

	if (!atomic_compare_exchange_strong(&caught, &none, signo))
		atomic_store(&again, 1);
}

/*
 * Without SA_RESTART, so that a splice blocked on an empty pipe returns
 * EINTR instead of waiting for data that may never come.  A signal that
 * was ignored when zcp started stays ignored: nohup, and the shell for a
 * command run with & without job control, rely on it.
 */
void
sig_init(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	static bool done;	/* --stats and --atomic both ask */
	struct sigaction sa, old;
	size_t i;

	if (done)
		return;
	done = true;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler != SIG_IGN)
			(void)sigaction(sigs[i], &sa, NULL);
}

/*
 * Read as an atomic even right after EINTR, where the handler has surely
 * run: ThreadSanitizer holds a signal that arrives in a call it does not
 * intercept (splice) and runs its handler in the next one it does, which
 * this load is.
 */
int
sig_pending(void)
{
	return atomic_load_explicit(&caught, memory_order_relaxed);
}

/*
 * The error err is only what a stop request did: a call it interrupted
 * (EINTR), or a write to a reader that went away (EPIPE, after SIGPIPE).
 */
bool
sig_explains(int err)
{
	int signo = sig_pending();

	return (err == EINTR && signo != 0) ||
	    (err == EPIPE && signo == SIGPIPE);
}

/* A second stop request: what was still being finished stops too. */
bool
sig_urgent(void)
{
	return atomic_load_explicit(&again, memory_order_relaxed) != 0;
}

/*
 * SIGUSR1 (and SIGINFO, BSD's Ctrl-T, where there is one) asks for the
 * stats so far, as of dd; the copy goes on.  With SA_RESTART: a call it
 * interrupts goes on as if nothing happened.
 */
static atomic_int snapshot;

static void
on_snapshot(int signo)
{
	(void)signo;
	atomic_store(&snapshot, 1);
}

void
sig_snapshot_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_snapshot;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGUSR1, &sa, NULL);
#ifdef SIGINFO
	(void)sigaction(SIGINFO, &sa, NULL);
#endif
}

/* Whether a snapshot was asked for since the last call. */
bool
sig_snapshot(void)
{
	return atomic_exchange(&snapshot, 0) != 0;
}

/* Die by the signal that stopped us; returns if there was none. */
void
sig_reraise(void)
{
	int signo = sig_pending();

	if (signo == 0)
		return;
	signal(signo, SIG_DFL);
	raise(signo);
}
