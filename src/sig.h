/*
 * sig: SIGINT, SIGTERM and SIGHUP as a request to stop.  The handler only
 * notes the signal; a call it interrupts returns EINTR, the copy stops at
 * the byte it reached, whoever needs to clean up (a temporary file, a
 * report) does so on the ordinary error path, and zcp then dies by the
 * same signal, as the shell expects.
 */
#ifndef ZCP_SIG_H
#define ZCP_SIG_H

void	 sig_init(void);
int	 sig_pending(void);
void	 sig_reraise(void);

#endif
