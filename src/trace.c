/*
 * trace: --trace's lines: the pair and its chain, each method's outcome.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "fdinfo.h"
#include "method.h"
#include "trace.h"

void
trace(const char *fmt, ...)
{
	va_list ap;
	FILE *out;

	diag_line();
	out = out_to(stderr);
	fputs("zcp: trace: ", out);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}

void
trace_pair(const struct fdinfo *s, const struct fdinfo *d,
    const enum method_id *chain)
{
	char list[128] = "";
	size_t n = 0;

	for (; *chain != M_END && n < sizeof(list); chain++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
		    n > 0 ? ", " : "", method_name(*chain));
	trace("%s -> %s: %s -> %s; methods: %s", quote_n(0, s->name),
	    quote_n(1, d->name), fdkind_name(s->kind), fdkind_name(d->kind),
	    list);
}

static const char *
plural(unsigned long n)
{
	return n == 1 ? "" : "s";
}

/*
 * next: the method tried after this one (M_END: none); shares: the
 * reader gets page-cache pages; note: what zcp remembers of a refusal.
 */
void
trace_result(enum method_id m, const struct mresult *r, int next,
    bool shares, const char *note)
{
	const char *name = method_name(m);
	const char *then = next == M_END ? "no other method to try" :
	    "falling back to ";
	char what[96];

	snprintf(what, sizeof(what), "%jd byte%s in %lu call%s",
	    (intmax_t)r->bytes, plural((unsigned long)r->bytes), r->calls,
	    plural(r->calls));
	switch (r->status) {
	case M_DONE:
		trace("%s: %s, done%s", name, what, shares ?
		    " (the reader was handed page-cache pages: later writes"
		    " to the source can show through)" : "");
		break;
	case M_UNSUPPORTED:
		if (r->err == 0)
			trace("%s: returned 0 at the start of a source that"
			    " may hold more; %s; %s%s", name, what, then,
			    next == M_END ? "" : method_name(next));
		else
			trace("%s: %s (%s) after %s%s%s; %s%s", name,
			    errno_name(r->err), strerror(r->err), what,
			    note != NULL ? ", " : "", note != NULL ? note : "",
			    then, next == M_END ? "" : method_name(next));
		break;
	case M_ERROR:
		trace("%s: %s: %s (%s) after %s; giving up", name, r->call,
		    errno_name(r->err), strerror(r->err), what);
		break;
	}
}

