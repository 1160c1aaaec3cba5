/*
 * stats: the --stats report, for a person (human) or a script (json),
 * from the engine's counters and what the process measured of itself.
 * The keys and lines are documented in the man page's STATS section;
 * they are an interface: add to them, never rename.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libutil.h>

#include "diag.h"
#include "method.h"
#include "stats.h"

#define STATS_VERSION	4

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

/*
 * from's counts added to into's: a worker's (-j) to the run's.  A
 * fallback keeps its place in into, and from's new ones follow.
 */
void
stats_add(struct stats *into, const struct stats *from)
{
	const struct fallback_stats *ff;
	struct fallback_stats *f;
	int i;

	into->pairs += from->pairs;
	into->files += from->files;
	into->bytes += from->bytes;
	into->dropped += from->dropped;
	into->skipped += from->skipped;
	into->compare_calls += from->compare_calls;
	into->verified += from->verified;
	into->verify_seconds += from->verify_seconds;
	into->cache_checked += from->cache_checked;
	into->cache_cached += from->cache_cached;
	into->cache_unknown += from->cache_unknown;
	into->cloned += from->cloned;
	into->copied += from->copied;
	into->extent_calls += from->extent_calls;
	for (i = 0; i < M_NMETHODS; i++) {
		into->method[i].pairs += from->method[i].pairs;
		into->method[i].bytes += from->method[i].bytes;
		into->method[i].calls += from->method[i].calls;
		into->method[i].attempts += from->method[i].attempts;
		latency_merge(&into->method[i].latency,
		    &from->method[i].latency);
	}
	for (i = 0; i < from->nfallbacks; i++) {
		ff = &from->fallback[i];
		if ((f = fallback_entry(into, ff->method, ff->next,
		    ff->err)) != NULL) {
			f->count += ff->count;
			f->remembered += ff->remembered;
		}
	}
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
human_bytes(char buf[HUMAN_BYTES_LEN], double v)
{
	(void)humanize_number(buf, HUMAN_BYTES_LEN, (int64_t)(v + 0.5), "B",
	    HN_AUTOSCALE, HN_DECIMAL | HN_IEC_PREFIXES);
}

/* Why a method fell back when the kernel gave no errno. */
static const char zero_reason[] =
    "returned 0 at the start of a source that may hold more";

static const char *
human(char *buf, size_t size, double v, const char *suffix)
{
	char num[HUMAN_BYTES_LEN];

	human_bytes(num, v);
	snprintf(buf, size, "%s%s", num, suffix);
	return buf;
}

static double
rate(const struct stats *s, const struct stats_run *run)
{
	return run->seconds > 0 ? (double)s->bytes / run->seconds : 0;
}

static const char *
plural(unsigned long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void
human_fallback(FILE *f, const struct fallback_stats *fb)
{
	fprintf(f, "zcp: stats: fallback %s -> %s: ", method_name(fb->method),
	    fb->next == M_END ? "none" : method_name(fb->next));
	if (fb->err == 0)
		fputs(zero_reason, f);
	else
		fprintf(f, "%s (%s)", errno_name(fb->err), strerror(fb->err));
	fprintf(f, ", %lu %s", fb->count, plural(fb->count, "time", "times"));
	if (fb->remembered > 0)
		fprintf(f, ", then skipped %lu %s (remembered)",
		    fb->remembered, plural(fb->remembered, "time", "times"));
	fputc('\n', f);
}

/*
 * A snapshot while the copy goes on (SIGUSR1), as dd's: bytes so far,
 * the seconds since the start, the rate, the method at work (M_END:
 * none, between files) and the data calls made so far.
 */
void
stats_snapshot(FILE *f, off_t bytes, double seconds, enum method_id m,
    unsigned long calls)
{
	char b[HUMAN_BYTES_LEN], r[HUMAN_BYTES_LEN];

	human_bytes(b, (double)bytes);
	human_bytes(r, seconds > 0 ? (double)bytes / seconds : 0);
	fprintf(f, "zcp: %jd bytes (%s) copied, %.3f s, %s/s, %s, %lu %s\n",
	    (intmax_t)bytes, b, seconds, r, m == M_END ? "between files" :
	    method_name(m), calls, plural(calls, "call", "calls"));
	fflush(f);
}

/*
 * "source cached: 100%" of what was looked at; "unknown" where no source
 * could be (pipes, sockets, devices).
 */
static void
human_cached(FILE *f, const struct stats *s)
{
	char a[32];

	if (s->cache_checked == 0 && s->cache_unknown > 0)
		fputs("zcp: stats: source cached: unknown\n", f);
	else if (s->cache_checked > 0)
		fprintf(f, "zcp: stats: source cached: %.0f%% of %s\n",
		    100.0 * (double)s->cache_cached /
		    (double)s->cache_checked, human(a, sizeof(a),
		    (double)s->cache_checked, ""));
}

/* "12.3 us": a call's time, for people. */
static const char *
human_ns(char *buf, size_t size, uint64_t ns)
{
	if (ns < 1000)
		snprintf(buf, size, "%ju ns", (uintmax_t)ns);
	else if (ns < 1000000)
		snprintf(buf, size, "%.1f us", (double)ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, size, "%.1f ms", (double)ns / 1e6);
	else
		snprintf(buf, size, "%.2f s", (double)ns / 1e9);
	return buf;
}

/* How long a method's calls took, and how many came back short or 0. */
static void
human_latency(FILE *f, enum method_id m, const struct latency *l)
{
	char a[32], b[32], c[32], d[32];

	if (l->count == 0)
		return;
	fprintf(f, "zcp: stats: method %s calls: %s min, %s median, %s p99,"
	    " %s max; %lu short, %lu returned 0\n", method_name(m),
	    human_ns(a, sizeof(a), l->min),
	    human_ns(b, sizeof(b), latency_quantile(l, 0.5)),
	    human_ns(c, sizeof(c), latency_quantile(l, 0.99)),
	    human_ns(d, sizeof(d), l->max), l->short_calls, l->zero_calls);
}

static void
print_human(FILE *f, const struct stats *s, const struct stats_run *run)
{
	const struct method_stats *ms;
	char a[32], b[32];
	int i;

	fprintf(f, "zcp: stats: %lu of %lu %s copied, %s (%jd bytes) in"
	    " %.3f s, %s\n", s->files, s->pairs, plural(s->pairs, "file",
	    "files"), human(a, sizeof(a), (double)s->bytes, ""),
	    (intmax_t)s->bytes,
	    run->seconds, human(b, sizeof(b), rate(s, run), "/s"));
	if (s->dropped > 0)
		fprintf(f, "zcp: stats: %s (%jd bytes) dropped with"
		    " temporaries that were not published\n",
		    human(a, sizeof(a), (double)s->dropped, ""),
		    (intmax_t)s->dropped);
	if (s->compare_calls > 0)
		fprintf(f, "zcp: stats: %s (%jd bytes) already in place,"
		    " not copied (--resume), %lu %s comparing\n",
		    human(a, sizeof(a), (double)s->skipped, ""),
		    (intmax_t)s->skipped, s->compare_calls,
		    plural(s->compare_calls, "call", "calls"));
	if (s->verified > 0 || s->verify_seconds > 0)
		fprintf(f, "zcp: stats: %s (%jd bytes) verified in %.3f s\n",
		    human(a, sizeof(a), (double)s->verified, ""),
		    (intmax_t)s->verified, s->verify_seconds);
	human_cached(f, s);
	fprintf(f, "zcp: stats: cpu %.3f s user, %.3f s system\n",
	    run->user, run->system);
	fprintf(f, "zcp: stats: %ld voluntary and %ld involuntary context"
	    " switches, %ld minor and %ld major page faults, peak RSS %s\n",
	    run->vcsw, run->ivcsw, run->minflt, run->majflt,
	    human(a, sizeof(a), (double)run->maxrss, ""));
	fprintf(f, "zcp: stats: cloned %s (%jd bytes), copied %s (%jd bytes),"
	    " %lu extent map %s\n", human(a, sizeof(a), (double)s->cloned,
	    ""), (intmax_t)s->cloned, human(b, sizeof(b), (double)s->copied,
	    ""), (intmax_t)s->copied, s->extent_calls,
	    plural(s->extent_calls, "call", "calls"));
	for (i = 0; i < M_NMETHODS; i++) {
		ms = &s->method[i];
		if (ms->attempts == 0)
			continue;
		fprintf(f, "zcp: stats: method %s: %lu %s, %s (%jd bytes),"
		    " %lu %s\n", method_name((enum method_id)i), ms->pairs,
		    plural(ms->pairs, "pair", "pairs"),
		    human(a, sizeof(a), (double)ms->bytes, ""),
		    (intmax_t)ms->bytes, ms->calls,
		    plural(ms->calls, "call", "calls"));
		human_latency(f, (enum method_id)i, &ms->latency);
	}
	for (i = 0; i < s->nfallbacks; i++)
		human_fallback(f, &s->fallback[i]);
	if (run->signo != 0)
		fprintf(f, "zcp: stats: stopped by SIG%s\n",
		    sigabbrev_np(run->signo));
}

/*
 * The JSON's reason is strerror's text in English whatever the locale:
 * a key of an interface, and UTF-8 as JSON must be even where the
 * locale's charset is not.
 */
static const char *
reason(int err)
{
	const char *d = strerrordesc_np(err);

	return d != NULL ? d : "Unknown error";
}

/* A JSON string; the texts here are errno and method names, reasons. */
void
json_str(FILE *f, const char *str)
{
	fputc('"', f);
	for (; *str != '\0'; str++) {
		if (*str == '"' || *str == '\\')
			fprintf(f, "\\%c", *str);
		else if ((unsigned char)*str < 0x20)
			fprintf(f, "\\u%04x", (unsigned char)*str);
		else
			fputc(*str, f);
	}
	fputc('"', f);
}

static void
json_fallback(FILE *f, const struct fallback_stats *fb)
{
	fputs("{\"method\":", f);
	json_str(f, method_name(fb->method));
	fputs(",\"to\":", f);
	if (fb->next == M_END)
		fputs("null", f);
	else
		json_str(f, method_name(fb->next));
	fputs(",\"errno\":", f);
	if (fb->err == 0)
		fputs("null", f);
	else
		json_str(f, errno_name(fb->err));
	fputs(",\"reason\":", f);
	json_str(f, fb->err == 0 ? zero_reason : reason(fb->err));
	fprintf(f, ",\"count\":%lu,\"remembered\":%lu}", fb->count,
	    fb->remembered);
}

/* A method's call times (null when none was timed) and short calls. */
static void
json_latency(FILE *f, const struct latency *l)
{
	if (l->count == 0)
		fputs(",\"latency_min_ns\":null,\"latency_median_ns\":null,"
		    "\"latency_p99_ns\":null,\"latency_max_ns\":null", f);
	else
		fprintf(f, ",\"latency_min_ns\":%ju,\"latency_median_ns\":%ju,"
		    "\"latency_p99_ns\":%ju,\"latency_max_ns\":%ju",
		    (uintmax_t)l->min, (uintmax_t)latency_quantile(l, 0.5),
		    (uintmax_t)latency_quantile(l, 0.99), (uintmax_t)l->max);
	fprintf(f, ",\"short_calls\":%lu,\"zero_calls\":%lu}",
	    l->short_calls, l->zero_calls);
}

static void
print_json(FILE *f, const struct stats *s, const struct stats_run *run)
{
	const struct method_stats *ms;
	const char *sep = "";
	int i;

	fprintf(f, "{\"version\":%d,\"files\":%lu,\"pairs\":%lu,"
	    "\"bytes\":%jd,\"bytes_dropped\":%jd,\"bytes_skipped\":%jd,"
	    "\"bytes_verified\":%jd,\"compare_calls\":%lu,"
	    "\"seconds\":%.6f,\"verify_seconds\":%.6f,"
	    "\"bytes_per_second\":%.0f,"
	    "\"user_seconds\":%.6f,\"system_seconds\":%.6f,"
	    "\"voluntary_context_switches\":%ld,"
	    "\"involuntary_context_switches\":%ld,"
	    "\"minor_page_faults\":%ld,\"major_page_faults\":%ld,"
	    "\"max_rss_bytes\":%ld,\"source_checked_bytes\":%jd,"
	    "\"source_cached_bytes\":%jd,\"sources_unknown\":%lu,"
	    "\"bytes_cloned\":%jd,\"bytes_copied\":%jd,"
	    "\"extent_map_calls\":%lu,"
	    "\"exit_status\":%d,\"signal\":", STATS_VERSION, s->files,
	    s->pairs, (intmax_t)s->bytes, (intmax_t)s->dropped,
	    (intmax_t)s->skipped, (intmax_t)s->verified, s->compare_calls,
	    run->seconds, s->verify_seconds,
	    rate(s, run), run->user, run->system, run->vcsw, run->ivcsw,
	    run->minflt, run->majflt, run->maxrss,
	    (intmax_t)s->cache_checked, (intmax_t)s->cache_cached,
	    s->cache_unknown, (intmax_t)s->cloned, (intmax_t)s->copied,
	    s->extent_calls, run->exit_status);
	if (run->signo != 0)
		fprintf(f, "\"SIG%s\"", sigabbrev_np(run->signo));
	else
		fputs("null", f);
	fputs(",\"methods\":{", f);
	for (i = 0; i < M_NMETHODS; i++) {
		ms = &s->method[i];
		if (ms->attempts == 0)
			continue;
		fprintf(f, "%s\"%s\":{\"pairs\":%lu,\"bytes\":%jd,"
		    "\"calls\":%lu,\"attempts\":%lu", sep,
		    method_name((enum method_id)i), ms->pairs,
		    (intmax_t)ms->bytes, ms->calls, ms->attempts);
		json_latency(f, &ms->latency);
		sep = ",";
	}
	fputs("},\"fallbacks\":[", f);
	for (i = 0; i < s->nfallbacks; i++) {
		if (i > 0)
			fputc(',', f);
		json_fallback(f, &s->fallback[i]);
	}
	fputs("]}\n", f);
}

void
stats_print(FILE *f, enum stats_format fmt, const struct stats *s,
    const struct stats_run *run)
{
	if (fmt == STATS_JSON)
		print_json(f, s, run);
	else if (fmt == STATS_HUMAN)
		print_human(f, s, run);
}
