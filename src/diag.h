/*
 * diag: messages in GNU cp's wording and quoting, prefixed "zcp: ".
 */
#ifndef ZCP_DIAG_H
#define ZCP_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Lines held back to be printed in order (-j): see out_hold. */
struct held {
	FILE		*mem;		/* NULL until the first line */
	char		*buf;
	size_t		 len;
	struct span {
		size_t	 end;		/* where it ends in buf */
		bool	 err;		/* stderr's, else stdout's */
	}		*spans;
	size_t		 nspans, cap;
};

const char	*quote(const char *);
const char	*quote_n(int, const char *);
void		 quote_free(void);
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
struct held	*out_hold(struct held *);
FILE		*out_to(FILE *);
void		 out_close(struct held *);
void		 out_release(struct held *);

#endif
