/*
 * path: names as cp takes them apart and puts them together.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"

/* The last component of a name, trailing slashes included ("a/b/" is
 * "b/"), as gnulib's last_component. */
const char *
last_component(const char *name)
{
	const char *p, *base = name;
	bool slash = false;

	for (p = name; *p != '\0'; p++) {
		if (*p == '/')
			slash = true;
		else if (slash) {
			base = p;
			slash = false;
		}
	}
	return base;
}

void
strip_trailing_slashes(char *name)
{
	char *base = (char *)last_component(name), *end;

	if (*base == '\0')	/* all slashes */
		return;
	end = base + strlen(base);
	while (end > base + 1 && end[-1] == '/')
		end--;
	*end = '\0';
}

/* dir "/" name, with dir's trailing slashes folded as cp folds them. */
char *
path_join(const char *dir, const char *name)
{
	size_t len = strlen(dir);
	char *p;

	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (asprintf(&p, "%.*s%s%s", (int)len, dir, len > 0 &&
	    dir[len - 1] == '/' ? "" : "/", name) == -1)
		return NULL;
	return p;
}

/* The directory part of a name ("" for none), malloc'd. */
char *
dir_part(const char *name)
{
	return strndup(name, (size_t)(last_component(name) - name));
}
