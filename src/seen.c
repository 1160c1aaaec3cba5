/*
 * seen: the files a run met and made, by device and inode: where a
 * source with several links was copied first (to link the others to it),
 * and what the run created (so it neither copies a directory into itself
 * forever nor overwrites a file it just made).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

/* See probe.c: libbsd leaves __unused to us. */
#ifndef __unused
#define __unused	__attribute__((__unused__))
#endif
#include <sys/tree.h>

#include "cp.h"

struct inode {
	RB_ENTRY(inode)	 entry;
	dev_t		 dev;
	ino_t		 ino;
	char		*dst;		/* first copy of a source, or NULL */
};

RB_HEAD(inodes, inode);

struct seen {
	struct inodes	 sources;
	struct inodes	 made;
};

static int
inode_cmp(struct inode *a, struct inode *b)
{
	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	if (a->ino != b->ino)
		return a->ino < b->ino ? -1 : 1;
	return 0;
}

RB_GENERATE_STATIC(inodes, inode, entry, inode_cmp)

struct seen *
seen_new(void)
{
	struct seen *s = calloc(1, sizeof(*s));

	if (s != NULL) {
		RB_INIT(&s->sources);
		RB_INIT(&s->made);
	}
	return s;
}

static void
drain(struct inodes *t)
{
	struct inode *n, *next;

	RB_FOREACH_SAFE(n, inodes, t, next) {
		RB_REMOVE(inodes, t, n);
		free(n->dst);
		free(n);
	}
}

void
seen_free(struct seen *s)
{
	if (s == NULL)
		return;
	drain(&s->sources);
	drain(&s->made);
	free(s);
}

/*
 * Where the file st was copied to before, or NULL after noting that it
 * goes to dst now.
 */
const char *
seen_source(struct seen *s, const struct stat *st, const char *dst)
{
	struct inode k = { .dev = st->st_dev, .ino = st->st_ino }, *n;

	if ((n = RB_FIND(inodes, &s->sources, &k)) != NULL)
		return n->dst;
	if ((n = calloc(1, sizeof(*n))) == NULL)
		return NULL;
	n->dev = st->st_dev;
	n->ino = st->st_ino;
	if ((n->dst = strdup(dst)) == NULL) {
		free(n);
		return NULL;
	}
	RB_INSERT(inodes, &s->sources, n);
	return NULL;
}

void
seen_made(struct seen *s, dev_t dev, ino_t ino)
{
	struct inode *n = calloc(1, sizeof(*n));

	if (n == NULL)
		return;
	n->dev = dev;
	n->ino = ino;
	if (RB_INSERT(inodes, &s->made, n) != NULL)
		free(n);
}

bool
seen_was_made(struct seen *s, dev_t dev, ino_t ino)
{
	struct inode k = { .dev = dev, .ino = ino };

	return RB_FIND(inodes, &s->made, &k) != NULL;
}
