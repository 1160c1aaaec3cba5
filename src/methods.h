/*
 * methods: the table of copy methods, one row each, in the order the
 * decision table prefers them.  Adding a method is one file (its struct
 * method, method.h) and one row here.
 */
#ifndef ZCP_METHODS_H
#define ZCP_METHODS_H

enum method_id {
	M_REFLINK,
	M_COPY_FILE_RANGE,
	M_SENDFILE,
	M_SPLICE,
	M_READWRITE,
	M_NMETHODS,
	M_END = M_NMETHODS
};

struct method;

const struct method	*method_get(enum method_id);
const char		*method_name(enum method_id);
int			 method_lookup(const char *);
unsigned		 method_caps(enum method_id);
enum method_id		 method_with(unsigned);

#endif
