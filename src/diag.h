/*
 * diag: messages in GNU cp's wording and quoting, prefixed "zcp: ".
 */
#ifndef ZCP_DIAG_H
#define ZCP_DIAG_H

#include <stdbool.h>

const char	*quote(const char *);
const char	*quote_n(int, const char *);
const char	*quotef(const char *);
const char	*quote_arg(const char *);
const char	*quote_arg_n(int, const char *);
void		 diag(int, const char *, ...)
		     __attribute__((format(printf, 2, 3)));
void		 diag_usage(const char *, ...)
		     __attribute__((format(printf, 1, 2)));
const char	*errno_name(int);
void		 diag_before(void (*)(void *), void *);
void		 diag_line(void);

#endif
