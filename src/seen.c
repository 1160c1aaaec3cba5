/*
 * seen: the files a run met and made, by device and inode, as cp keeps
 * them: where a source with several links was copied first (to link the
 * others to it), where command-line directories went and the first
 * directory made for each (so that a directory is not copied into
 * itself forever, as cp), the symlinks made, and, when there are several
 * command-line sources, each of them and what it became (so that a
 * source named twice is copied once and a file just made is not
 * overwritten by the next operand).
 */
#include "config.h"

#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sys/tree.h>

#include "cp.h"
#include "dest.h"

enum set {
	SET_SOURCE,		/* a source file -> its first copy */
	SET_MADE_LINK,		/* a symlink this run created */
	SET_TOP_SOURCE,		/* a command-line source, by name too */
	SET_TOP_DEST		/* what one became, by name too */
};

struct inode {
	RB_ENTRY(inode)	 entry;
	enum set	 set;
	dev_t		 dev;
	ino_t		 ino;
	dev_t		 pdev;		/* SET_TOP_*: the directory entry, */
	ino_t		 pino;		/* its directory and last name */
	char		*name;		/* that name (SET_TOP_*), or the
					 * first copy (SET_SOURCE) */
};

RB_HEAD(inodes, inode);

/* Shared by the walk and the workers of -j: one lock, held by each call. */
struct seen {
	pthread_mutex_t	 lock;
	struct inodes	 all;
};

static int
inode_cmp(struct inode *a, struct inode *b)
{
	if (a->set != b->set)
		return a->set < b->set ? -1 : 1;
	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	if (a->ino != b->ino)
		return a->ino < b->ino ? -1 : 1;
	if (a->set != SET_TOP_SOURCE && a->set != SET_TOP_DEST)
		return 0;
	/*
	 * cp's file sets (gnulib's triple_compare): one file under another
	 * directory entry is another entry; "f" and "./f" are one.
	 */
	if (a->pdev != b->pdev)
		return a->pdev < b->pdev ? -1 : 1;
	if (a->pino != b->pino)
		return a->pino < b->pino ? -1 : 1;
	return strcmp(a->name, b->name);
}

RB_GENERATE_STATIC(inodes, inode, entry, inode_cmp)

struct seen *
seen_new(void)
{
	struct seen *s = calloc(1, sizeof(*s));

	if (s != NULL) {
		pthread_mutex_init(&s->lock, NULL);
		RB_INIT(&s->all);
	}
	return s;
}

void
seen_free(struct seen *s)
{
	struct inode *n, *next;

	if (s == NULL)
		return;
	RB_FOREACH_SAFE(n, inodes, &s->all, next) {
		RB_REMOVE(inodes, &s->all, n);
		free(n->name);
		free(n);
	}
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* find and add: with s->lock held. */
static struct inode *
find(struct seen *s, const struct inode *k)
{
	return RB_FIND(inodes, &s->all, (struct inode *)k);
}

/* Note k; out of memory, it is dropped: cp's checks then see less. */
static void
add(struct seen *s, const struct inode *k)
{
	struct inode *n = malloc(sizeof(*n));

	if (n == NULL)
		return;
	*n = *k;
	if (k->name != NULL && (n->name = strdup(k->name)) == NULL) {
		free(n);
		return;
	}
	if (RB_INSERT(inodes, &s->all, n) != NULL) {
		free(n->name);
		free(n);
	}
}

/* The key of the directory entry l, which is st; -1 if its directory
 * cannot be looked at. */
static int
top_key(struct inode *k, enum set set, const struct loc *l,
    const struct stat *st, char *base)
{
	struct stat dir;
	size_t len;

	if (entry_dir(l, &dir, AT_SYMLINK_NOFOLLOW) == -1)
		return -1;
	len = strcspn(last_component(l->name), "/");
	if (len >= NAME_MAX + 1)
		len = NAME_MAX;
	memcpy(base, last_component(l->name), len);
	base[len] = '\0';
	*k = (struct inode){ .set = set, .dev = st->st_dev,
	    .ino = st->st_ino, .pdev = dir.st_dev, .pino = dir.st_ino,
	    .name = base };
	return 0;
}

/*
 * Where the file st was copied to before, or NULL after noting that it
 * goes to dst now.
 */
const char *
seen_source(struct seen *s, const struct stat *st, const char *dst)
{
	struct inode k = { .set = SET_SOURCE, .dev = st->st_dev,
	    .ino = st->st_ino }, *n;

	const char *name = NULL;

	pthread_mutex_lock(&s->lock);
	if ((n = find(s, &k)) != NULL)
		name = n->name;
	else {
		k.name = (char *)dst;
		add(s, &k);
	}
	pthread_mutex_unlock(&s->lock);
	return name;
}

/* Where the file st was copied to before, or NULL; notes nothing. */
const char *
seen_copy_of(struct seen *s, const struct stat *st)
{
	struct inode k = { .set = SET_SOURCE, .dev = st->st_dev,
	    .ino = st->st_ino }, *n;

	const char *name;

	pthread_mutex_lock(&s->lock);
	name = (n = find(s, &k)) != NULL ? n->name : NULL;
	pthread_mutex_unlock(&s->lock);
	return name;
}

/* The copy of st that seen_source noted failed: forget it, as cp does,
 * so that its other links are copied, not linked to what is there. */
void
seen_forget(struct seen *s, const struct stat *st)
{
	struct inode k = { .set = SET_SOURCE, .dev = st->st_dev,
	    .ino = st->st_ino }, *n;

	pthread_mutex_lock(&s->lock);
	if ((n = find(s, &k)) != NULL)
		RB_REMOVE(inodes, &s->all, n);
	pthread_mutex_unlock(&s->lock);
	if (n != NULL) {
		free(n->name);
		free(n);
	}
}

/* A symlink this run made, with several sources, to copy through none. */
void
seen_link_made(struct seen *s, const struct stat *st)
{
	struct inode k = { .set = SET_MADE_LINK, .dev = st->st_dev,
	    .ino = st->st_ino };

	pthread_mutex_lock(&s->lock);
	add(s, &k);
	pthread_mutex_unlock(&s->lock);
}

bool
seen_link_was_made(struct seen *s, const struct stat *st)
{
	struct inode k = { .set = SET_MADE_LINK, .dev = st->st_dev,
	    .ino = st->st_ino };
	bool found;

	pthread_mutex_lock(&s->lock);
	found = find(s, &k) != NULL;
	pthread_mutex_unlock(&s->lock);
	return found;
}

/* Whether the command-line source l (st) came before; notes it. */
bool
seen_top_source(struct seen *s, const struct loc *l, const struct stat *st)
{
	char base[NAME_MAX + 1];
	struct inode k;

	bool found;

	if (top_key(&k, SET_TOP_SOURCE, l, st, base) == -1)
		return false;
	pthread_mutex_lock(&s->lock);
	if (!(found = find(s, &k) != NULL))
		add(s, &k);
	pthread_mutex_unlock(&s->lock);
	return found;
}

/* The command-line destination l, now st, was made by this run. */
void
seen_top_made(struct seen *s, const struct loc *l, const struct stat *st)
{
	char base[NAME_MAX + 1];
	struct inode k;

	if (top_key(&k, SET_TOP_DEST, l, st, base) == 0) {
		pthread_mutex_lock(&s->lock);
		add(s, &k);
		pthread_mutex_unlock(&s->lock);
	}
}

bool
seen_top_was_made(struct seen *s, const struct loc *l, const struct stat *st)
{
	char base[NAME_MAX + 1];
	struct inode k;

	bool found;

	if (top_key(&k, SET_TOP_DEST, l, st, base) == -1)
		return false;
	pthread_mutex_lock(&s->lock);
	found = find(s, &k) != NULL;
	pthread_mutex_unlock(&s->lock);
	return found;
}
