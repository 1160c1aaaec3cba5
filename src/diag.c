/*
 * Messages in GNU cp's wording and quoting.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <langinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>
#include <wctype.h>

#include "diag.h"
#include "sig.h"

#define QUOTE_SLOTS	4

/*
 * The two styles of gnulib's quotearg (as of cp 9.1) that cp's messages
 * use.  Both follow LC_CTYPE: a character that prints there is written
 * as it is, one that does not (or a byte that is no character) as
 * octal escapes, byte by byte.
 *   Q_SHELL	shell_escape_always (quoteaf), for file names: 'name',
 *		$'\ooo' escapes, or "name" for a name with a ' and
 *		nothing else that a shell would see.
 *   Q_LOCALE	locale_quoting_style (quote), for option values and the
 *		options they were given to: 'value' with C escapes, in
 *		U+2018 and U+2019 where the charset is UTF-8.
 */
enum qstyle { Q_SHELL, Q_LOCALE };

/* The quoted text being built; while size is 0 it is only measured. */
struct qbuf {
	char	*buf;
	size_t	 size;
	size_t	 len;
	bool	 in_esc;	/* inside a shell $'...' */
};

static const char cescapes[] = "\a\b\f\n\r\t\v";
static const char cletters[] = "abfnrtv";

static void
put(struct qbuf *q, const char *s, size_t n)
{
	for (; n > 0; n--, s++, q->len++)
		if (q->len < q->size)
			q->buf[q->len] = *s;
}

/*
 * The character at s: its length (1 for a byte that is none), and
 * whether it prints.
 */
static size_t
char_at(const char *s, size_t left, bool *printable)
{
	mbstate_t st;
	wchar_t w;
	size_t n;

	if (MB_CUR_MAX == 1) {
		*printable = isprint((unsigned char)*s) != 0;
		return 1;
	}
	memset(&st, 0, sizeof(st));
	n = mbrtowc(&w, s, left, &st);
	if (n == (size_t)-1 || n == (size_t)-2) {
		/* As gnulib: a bad byte alone, a cut-short sequence whole. */
		*printable = false;
		return n == (size_t)-1 ? 1 : left;
	}
	*printable = iswprint((wint_t)w) != 0;
	return n;
}

/* Open an escape: in the shell style, a $'...' unless in one already. */
static void
esc(struct qbuf *q, enum qstyle style)
{
	if (style == Q_SHELL && !q->in_esc) {
		put(q, "'$'", 3);
		q->in_esc = true;
	}
	put(q, "\\", 1);
}

static void
put_octal(struct qbuf *q, enum qstyle style, unsigned char c)
{
	char o[3] = { '0' + (c >> 6), '0' + ((c >> 3) & 7), '0' + (c & 7) };

	esc(q, style);
	put(q, o, 3);
}

/* Text that needs no escape, after closing the $'...' before it. */
static void
put_plain(struct qbuf *q, const char *s, size_t n)
{
	if (q->in_esc)
		put(q, "''", 2);
	q->in_esc = false;
	put(q, s, n);
}

/*
 * Between the quotes: a ' ends the shell quote for a moment ('\''); the
 * closing quote mark and \ take a backslash in the locale style.
 */
static void
quote_body(struct qbuf *q, const char *s, enum qstyle style, const char *rq)
{
	size_t left = strlen(s), rqlen = strlen(rq), n, i;
	const char *e;
	bool printable;

	for (; left > 0; s += n, left -= n) {
		n = 1;
		if (*s == '\'' && style == Q_SHELL) {
			put(q, "'\\''", 4);
			q->in_esc = false;
		} else if (*s == '\\' && style == Q_LOCALE)
			put(q, "\\\\", 2);
		else if ((e = strchr(cescapes, *s)) != NULL) {
			esc(q, style);
			put(q, &cletters[e - cescapes], 1);
		} else if ((n = char_at(s, left, &printable)) > 0 &&
		    !printable) {
			for (i = 0; i < n; i++)
				put_octal(q, style, (unsigned char)s[i]);
		} else {
			if (style == Q_LOCALE && strncmp(s, rq, rqlen) == 0)
				put(q, "\\", 1);
			put_plain(q, s, n);
		}
	}
}

/*
 * A name with a ' goes in "..." when nothing else in it would need
 * quoting in either: letters, digits, %+,-./:]_@ and space, # or ~
 * first, and characters beyond ASCII that print.  So gnulib decides.
 */
static bool
double_quotable(const char *s)
{
	size_t left = strlen(s), i, n;
	bool apos = false, printable;
	unsigned char c;

	for (i = 0; i < left; i += n) {
		c = (unsigned char)s[i];
		n = 1;
		if (c == '\'')
			apos = true;
		else if (c >= 0x80) {
			if ((n = char_at(s + i, left - i, &printable)) > 0 &&
			    !printable)
				return false;
		} else if (!isalnum(c) && strchr("%+,-./:]_@ ", c) == NULL &&
		    !(i == 0 && (c == '#' || c == '~')))
			return false;
	}
	return apos;
}

static void
quote_into(struct qbuf *q, const char *s, enum qstyle style)
{
	const char *lq = "'", *rq = "'";

	q->len = 0;
	q->in_esc = false;
	if (style == Q_SHELL && double_quotable(s)) {
		put(q, "\"", 1);
		put(q, s, strlen(s));
		put(q, "\"", 1);
	} else {
		/* cp 9.1's gettext_quote, where no catalog translates them. */
		if (style == Q_LOCALE &&
		    strcasecmp(nl_langinfo(CODESET), "UTF-8") == 0) {
			lq = "\xe2\x80\x98";
			rq = "\xe2\x80\x99";
		}
		put(q, lq, strlen(lq));
		quote_body(q, s, style, rq);
		put(q, rq, strlen(rq));
	}
	put(q, "", 1);
}

/*
 * Up to QUOTE_SLOTS quoted strings may be live at once, as in one
 * message.  Each thread has slots of its own (no thread reads what
 * another quotes), grown to what they must hold: measured, then written.
 * errno is kept: diag(errno, ..., quote(x)) may call quote first, and
 * mbrtowc sets errno on a byte that is no character.
 */
static _Thread_local char *buf[QUOTE_SLOTS];
static _Thread_local size_t size[QUOTE_SLOTS];

static const char *
quote_slot(int slot, const char *s, enum qstyle style)
{
	struct qbuf q;
	int saved = errno;
	char *b;

	slot %= QUOTE_SLOTS;
	q.buf = buf[slot];
	q.size = size[slot];
	quote_into(&q, s, style);
	if (q.len > q.size) {
		if ((b = realloc(buf[slot], q.len)) == NULL) {
			errno = saved;
			return s;
		}
		buf[slot] = q.buf = b;
		size[slot] = q.size = q.len;
		quote_into(&q, s, style);
	}
	errno = saved;
	return q.buf;
}

/* This thread's slots freed: a worker of -j's that ends. */
void
quote_free(void)
{
	int i;

	for (i = 0; i < QUOTE_SLOTS; i++) {
		free(buf[i]);
		buf[i] = NULL;
		size[i] = 0;
	}
}

const char *
quote_n(int slot, const char *s)
{
	return quote_slot(slot, s, Q_SHELL);
}

const char *
quote(const char *s)
{
	return quote_slot(0, s, Q_SHELL);
}

/*
 * gnulib's shell_escape_quoting_style (quotef): a name that a shell
 * takes as it is stays bare; any other is quoted as quote() quotes it.
 */
const char *
quotef(const char *s)
{
	size_t left = strlen(s), i, n;
	unsigned char c;
	bool printable;

	if (left == 0 || (left == 1 && (s[0] == '{' || s[0] == '}')) ||
	    s[0] == '#' || s[0] == '~')
		return quote(s);
	for (i = 0; i < left; i += n) {
		c = (unsigned char)s[i];
		n = 1;
		if (c >= 0x80) {
			if ((n = char_at(s + i, left - i, &printable)) == 0 ||
			    !printable)
				return quote(s);
		} else if (!isalnum(c) && strchr("%+,-./:]_{}#~", c) == NULL)
			return quote(s);
	}
	return s;
}

const char *
quote_arg_n(int slot, const char *s)
{
	return quote_slot(slot, s, Q_LOCALE);
}

const char *
quote_arg(const char *s)
{
	return quote_slot(0, s, Q_LOCALE);
}

/*
 * What must happen before a line of output: --progress takes its meter
 * off the terminal, so that the line does not land after it.
 */
static void	(*before_line)(void *);
static void	*before_arg;

/*
 * The lines of one thread held back (-j): a worker's lines of a file,
 * and the walk's between the files it handed out, are printed in the
 * walk's order when all before them are (pool.c).  While one is held,
 * out_to gives the stream to write to in place of stdout or stderr.
 */
static _Thread_local struct held *holding;

struct held *
out_hold(struct held *h)
{
	struct held *was = holding;

	holding = h;
	return was;
}

/* Where a line for real (stdout or stderr) goes. */
FILE *
out_to(FILE *real)
{
	struct held *h = holding;
	struct span *sp;
	bool err = real == stderr;

	if (h == NULL)
		return real;
	if (h->mem == NULL &&
	    (h->mem = open_memstream(&h->buf, &h->len)) == NULL)
		return real;
	if (h->nspans == 0 || h->spans[h->nspans - 1].err != err) {
		fflush(h->mem);
		if (h->nspans > 0)
			h->spans[h->nspans - 1].end = h->len;
		if (h->nspans == h->cap) {
			h->cap = h->cap ? 2 * h->cap : 4;
			if ((sp = reallocarray(h->spans, h->cap,
			    sizeof(*sp))) == NULL)
				abort();
			h->spans = sp;
		}
		h->spans[h->nspans++] = (struct span){ 0, err };
	}
	return h->mem;
}

/*
 * No more lines for h: what it holds is all in h->buf, and the struct
 * may be moved (an open memstream writes through &h->buf and &h->len).
 */
void
out_close(struct held *h)
{
	if (h->mem == NULL)
		return;
	fclose(h->mem);
	h->mem = NULL;
	h->spans[h->nspans - 1].end = h->len;
}

/* Print what h holds, in the order it was written, and empty it. */
void
out_release(struct held *h)
{
	size_t i, from = 0;
	FILE *f;

	out_close(h);
	if (h->buf == NULL)
		return;
	if (h->len > 0 && before_line != NULL)
		before_line(before_arg);
	for (i = 0; i < h->nspans; i++) {
		f = h->spans[i].err ? stderr : stdout;
		if (h->spans[i].err)
			fflush(stdout);
		fwrite(h->buf + from, 1, h->spans[i].end - from, f);
		from = h->spans[i].end;
	}
	free(h->buf);
	free(h->spans);
	*h = (struct held){ 0 };
}

void
diag_before(void (*fn)(void *), void *arg)
{
	before_line = fn;
	before_arg = arg;
}

void
diag_line(void)
{
	/* Held lines clear the meter when they are printed. */
	if (before_line != NULL && holding == NULL)
		before_line(before_arg);
}

void
diag(int err, const char *fmt, ...)
{
	va_list ap;
	FILE *out;

	/* A stop request (sig.h) is not an error to report. */
	if (sig_explains(err))
		return;
	diag_line();
	out = out_to(stderr);
	if (out == stderr)
		fflush(stdout);
	fputs("zcp: ", out);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	if (err != 0)
		fprintf(out, ": %s", strerror(err));
	fputc('\n', out);
}

void
diag_usage(const char *fmt, ...)
{
	va_list ap;

	if (fmt != NULL) {
		fputs("zcp: ", stderr);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	fputs("Try 'zcp --help' for more information.\n", stderr);
}

const char *
errno_name(int err)
{
	const char *name = strerrorname_np(err);

	return name != NULL ? name : "E?";
}
