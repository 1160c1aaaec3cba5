/*
 * backup: GNU's backup names: simple (NAME~), numbered (NAME.~N~), or
 * numbered only where numbered backups exist already.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cp.h"
#include "diag.h"

/*
 * The version of a NAME.~N~ entry (what follows "NAME.~"): N is digits
 * without a leading zero, followed by "~" and the end, as gnulib reads
 * it.  Returns N's length, or 0 if this is not a numbered backup.
 */
static size_t
version_len(const char *p)
{
	size_t len = strspn(p, "0123456789");

	if (len == 0 || p[0] == '0' || strcmp(p + len, "~") != 0)
		return 0;
	return len;
}

/*
 * The highest N of NAME.~N~ in the directory, as a string of digits
 * compared by length and then bytewise, so that no number overflows;
 * malloc'd, or NULL if there is none (or no memory, errno ENOMEM).
 */
static char *
highest_version(int dirfd, const char *base)
{
	size_t len = strlen(base), vlen, best_len = 0;
	const char *v;
	char *best = NULL;
	struct dirent *de;
	DIR *d;
	int fd;

	errno = 0;
	if ((fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return NULL;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, base, len) != 0 ||
		    strncmp(de->d_name + len, ".~", 2) != 0)
			continue;
		v = de->d_name + len + 2;
		if ((vlen = version_len(v)) == 0 || vlen < best_len ||
		    (vlen == best_len && memcmp(v, best, vlen) <= 0))
			continue;
		free(best);
		if ((best = strndup(v, vlen)) == NULL)
			break;
		best_len = vlen;
	}
	closedir(d);
	return best;
}

/* N + 1, in decimal, from N's digits; malloc'd. */
static char *
next_version(const char *n)
{
	size_t len = strlen(n), i = len;
	char *out = malloc(len + 2);

	if (out == NULL)
		return NULL;
	out[0] = '0';
	memcpy(out + 1, n, len + 1);
	while (out[i] == '9')
		out[i--] = '0';
	out[i]++;
	return out[0] == '0' ? memmove(out, out + 1, len + 1) : out;
}

/*
 * gnulib's check_extension: a backup name whose last component would
 * not fit in NAME_MAX - 1 (gnulib keeps one byte spare) becomes the
 * file's own name, cut to fit, and "~", as cp makes it, instead of
 * failing with ENAMETOOLONG.  *how gets BACKUP_CUT if it was cut.
 */
static char *
fit_name_max(char *out, size_t namelen, int *how)
{
	char *base = (char *)last_component(out);
	size_t keep = (size_t)(out + namelen - base);

	if (strlen(base) <= NAME_MAX - 1)
		return out;
	if (keep >= NAME_MAX - 1)
		keep = NAME_MAX - 2;
	base[keep] = '~';
	base[keep + 1] = '\0';
	*how |= BACKUP_CUT;
	return out;
}

/* The highest numbered backup of name in dirfd, as a string, or NULL. */
static char *
highest_in(int dirfd, const char *name)
{
	const char *base = last_component(name);
	char *parent, *high = NULL;
	int dir = dirfd;

	if (base != name) {
		if ((parent = strndup(name, (size_t)(base - name))) == NULL)
			return NULL;
		dir = openat(dirfd, parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		free(parent);
	}
	if (dir != -1)
		high = highest_version(dir, base);
	if (dir != dirfd && dir != -1)
		close(dir);
	return high;
}

/*
 * The backup name for name (in dirfd), malloc'd; NULL on ENOMEM.  The
 * result is a name in the same directory: only the last component
 * changes.  *how: BACKUP_NOREPLACE for a numbered name, which must not
 * replace a file (gnulib renames with RENAME_NOREPLACE), BACKUP_CUT.
 */
char *
backup_name(int dirfd, const char *name, enum backup type,
    const char *suffix, int *how)
{
	char *out, *high = NULL, *next;

	*how = 0;
	if (type != BACKUP_SIMPLE) {
		errno = 0;
		high = highest_in(dirfd, name);
		if (high == NULL && errno == ENOMEM)
			return NULL;
		if (type == BACKUP_NUMBERED || high != NULL) {
			next = next_version(high != NULL ? high : "0");
			free(high);
			if (next == NULL || asprintf(&out, "%s.~%s~", name,
			    next) == -1) {
				free(next);
				return NULL;
			}
			free(next);
			*how = BACKUP_NOREPLACE;
			return fit_name_max(out, strlen(name), how);
		}
	}
	if (asprintf(&out, "%s%s", name, suffix) == -1)
		return NULL;
	/* cp 9.1 fits the name only where it looked for numbered ones. */
	return type == BACKUP_SIMPLE ? out : fit_name_max(out, strlen(name),
	    how);
}

/*
 * gnulib's backup_file_rename: move name aside to its backup name with
 * move(arg, backup, noreplace), and where a numbered name was taken
 * meanwhile, look again for the next number.  Returns the backup's name
 * (malloc'd), or NULL with errno set.
 */
char *
backup_move(int dirfd, const char *name, enum backup type,
    const char *suffix, int (*move)(void *, const char *, bool), void *arg)
{
	char *backup;
	int how, i;

	for (i = 0; i < 100; i++) {
		if ((backup = backup_name(dirfd, name, type, suffix, &how)) ==
		    NULL)
			return NULL;
		if (move(arg, backup, how & BACKUP_NOREPLACE) == 0)
			return backup;
		free(backup);
		if (errno != EEXIST || (how & BACKUP_CUT) ||
		    !(how & BACKUP_NOREPLACE))
			return NULL;
	}
	return NULL;
}
