/*
 * Messages in GNU cp's wording and quoting.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

#define QUOTE_SLOTS	4

/*
 * GNU's shell-escape-always style (quoteaf), which cp uses for file
 * names: 'name', "name" when it holds a ' and nothing else special, and
 * $'\ooo' escapes for control characters and bytes that are not text.
 */
static bool
needs_escape(unsigned char c)
{
	return c < 0x20 || c == 0x7f || c >= 0x80;
}

static void
scan_specials(const char *s, bool *apos, bool *other)
{
	*apos = *other = false;
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			*apos = true;
		else if (needs_escape((unsigned char)*s))
			*other = true;
		else if (strchr("\"$`\\!", *s) != NULL)
			*other = true;
	}
}

static void
put_escape(char **p, unsigned char c)
{
	static const char named[] = "\a\b\t\n\v\f\r";
	static const char letter[] = "abtnvfr";
	const char *n = c != '\0' ? memchr(named, c, sizeof named - 1) : NULL;

	if (n != NULL)
		*p += sprintf(*p, "\\%c", letter[n - named]);
	else
		*p += sprintf(*p, "\\%03o", c);
}

static char *
quote_into(char *out, const char *s)
{
	bool apos, other, esc = false;
	char *p = out;

	scan_specials(s, &apos, &other);
	if (apos && !other) {
		sprintf(out, "\"%s\"", s);
		return out;
	}
	*p++ = '\'';
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (needs_escape(c)) {
			if (!esc)
				p = stpcpy(p, "'$'");
			esc = true;
			put_escape(&p, c);
			continue;
		}
		if (esc)
			p = stpcpy(p, "''");
		esc = false;
		if (c == '\'')
			p = stpcpy(p, "'\\''");
		else
			*p++ = (char)c;
	}
	*p++ = '\'';
	*p = '\0';
	return out;
}

/*
 * Up to QUOTE_SLOTS quoted names may be live at once, as in one message.
 * Every byte may grow to 8 ('$'\ooo''), hence the allocation.
 */
const char *
quote_n(int slot, const char *s)
{
	static char *buf[QUOTE_SLOTS];
	size_t need = strlen(s) * 8 + 3;
	char *b;

	slot %= QUOTE_SLOTS;
	if ((b = realloc(buf[slot], need)) == NULL)
		return s;
	buf[slot] = b;
	return quote_into(b, s);
}

const char *
quote(const char *s)
{
	return quote_n(0, s);
}

/*
 * gnulib's locale_quoting_style in the C locale, which argmatch uses
 * for a bad option value: 'it\'s', C escapes, octal for the rest.
 */
const char *
quote_arg(const char *s)
{
	static char *buf;
	char *b, *p;

	if ((b = realloc(buf, strlen(s) * 4 + 3)) == NULL)
		return s;
	buf = p = b;
	*p++ = '\'';
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\'' || c == '\\') {
			*p++ = '\\';
			*p++ = (char)c;
		} else if (needs_escape(c))
			put_escape(&p, c);
		else
			*p++ = (char)c;
	}
	*p++ = '\'';
	*p = '\0';
	return b;
}

void
diag(int err, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("zcp: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (err != 0)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
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
