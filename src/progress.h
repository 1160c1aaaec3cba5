/*
 * progress: the --progress meter, one line on standard error.
 */
#ifndef ZCP_PROGRESS_H
#define ZCP_PROGRESS_H

#include <sys/types.h>
#include <stdint.h>

#include "method.h"

struct progress;

struct progress		*progress_new(int, off_t, unsigned long, uint64_t);
const struct watcher	*progress_watcher(struct progress *);
void			 progress_end(struct progress *);

#endif
