/*
 * report: --trace lines and the counters behind --stats.
 */
#include "config.h"

#include <errno.h>
#include <libutil.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "engine.h"
#include "report.h"

/* The entry for (m, next, err), made on first use; NULL when full. */
static struct fallback_stats *
fallback_entry(struct stats *s, enum method_id m, enum method_id next,
    int err)
{
	struct fallback_stats *f;
	int i;

	for (i = 0; i < s->nfallbacks; i++) {
		f = &s->fallback[i];
		if (f->method == m && f->next == next && f->err == err)
			return f;
	}
	if (s->nfallbacks == STATS_MAX_FALLBACKS)
		return NULL;
	f = &s->fallback[s->nfallbacks++];
	f->method = m;
	f->next = next;
	f->err = err;
	f->count = f->remembered = 0;
	return f;
}

/* m ran and answered r; next is the method the chain tries after it. */
void
stats_attempt(struct stats *s, enum method_id m, enum method_id next,
    const struct mresult *r)
{
	struct method_stats *ms = &s->method[m];
	struct fallback_stats *f;

	ms->attempts++;
	ms->calls += r->calls;
	ms->bytes += r->bytes;
	if (r->status == M_UNSUPPORTED &&
	    (f = fallback_entry(s, m, next, r->err)) != NULL)
		f->count++;
}

/* A pair is done; used: the methods (1 << id) that moved bytes for it
 * or finished it, each counted once however many extents it took. */
void
stats_pair(struct stats *s, unsigned used)
{
	int i;

	for (i = 0; i < M_NMETHODS; i++)
		if (used & (1u << i))
			s->method[i].pairs++;
}

/* m was not tried because the kernel refused it with err before. */
void
stats_remembered(struct stats *s, enum method_id m, enum method_id next,
    int err)
{
	struct fallback_stats *f = fallback_entry(s, m, next, err);

	if (f != NULL)
		f->remembered++;
}

void
trace(const char *fmt, ...)
{
	va_list ap;

	diag_line();
	fputs("zcp: trace: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
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

void
human_bytes(char buf[HUMAN_BYTES_LEN], double v)
{
	(void)humanize_number(buf, HUMAN_BYTES_LEN, (int64_t)(v + 0.5), "B",
	    HN_AUTOSCALE, HN_DECIMAL | HN_IEC_PREFIXES);
}
