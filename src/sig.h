/*
 * sig: SIGINT, SIGTERM, SIGHUP and SIGPIPE as a request to stop.  The
 * handler only notes the signal; a call it interrupts returns EINTR (a
 * write to a reader that went away, EPIPE), the copy stops at the byte
 * it reached (bytes already read are still written, unless a second
 * request comes), whoever needs to clean up (a temporary file, a report)
 * does so on the ordinary error path, and zcp then dies by the same
 * signal, as the shell expects.
 */
#ifndef ZCP_SIG_H
#define ZCP_SIG_H

#include <stdbool.h>

void	 sig_init(void);
int	 sig_pending(void);
bool	 sig_urgent(void);
bool	 sig_explains(int);
void	 sig_reraise(void);
void	 sig_snapshot_init(void);
bool	 sig_snapshot(void);

#endif
