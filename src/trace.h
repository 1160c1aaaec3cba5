/*
 * trace: --trace's lines on standard error, one per decision and per
 * attempt, each "zcp: trace: ...".
 */
#ifndef ZCP_TRACE_H
#define ZCP_TRACE_H

#include <stdbool.h>

#include "methods.h"

struct fdinfo;
struct mresult;

void	 trace(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 trace_pair(const struct fdinfo *, const struct fdinfo *,
	    const enum method_id *);
void	 trace_result(enum method_id, const struct mresult *, int,
	    bool, const char *);

#endif
