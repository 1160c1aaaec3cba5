/*
 * methods: the table of copy methods and what each can do.
 */
#include "config.h"

#include <string.h>

#include "method.h"
#include "methods.h"

static const struct method *const methods[M_NMETHODS] = {
	[M_REFLINK] = &method_reflink,
	[M_COPY_FILE_RANGE] = &method_copy_file_range,
	[M_SENDFILE] = &method_sendfile,
	[M_SPLICE] = &method_splice,
	[M_READWRITE] = &method_readwrite,
};

const struct method *
method_get(enum method_id id)
{
	return methods[id];
}

const char *
method_name(enum method_id id)
{
	return id < M_NMETHODS ? methods[id]->name : "none";
}

/* The method called name, or -1. */
int
method_lookup(const char *name)
{
	int i;

	for (i = 0; i < M_NMETHODS; i++)
		if (strcmp(name, methods[i]->name) == 0)
			return i;
	return -1;
}

unsigned
method_caps(enum method_id id)
{
	return id < M_NMETHODS ? methods[id]->caps : 0;
}

/* The first method that has all of caps, or M_END. */
enum method_id
method_with(unsigned caps)
{
	int i;

	for (i = 0; i < M_NMETHODS; i++)
		if ((methods[i]->caps & caps) == caps)
			return (enum method_id)i;
	return M_END;
}
