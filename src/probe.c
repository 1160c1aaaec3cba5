/*
 * probe: a cache of the kernel's refusals, keyed by method and by the
 * pair of devices (filesystems, or drivers for device nodes), and of
 * each filesystem's magic number.
 */
#include "config.h"

#include <sys/vfs.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sys/tree.h>

#include "probe.h"

struct refusal {
	RB_ENTRY(refusal) entry;
	enum method_id	 method;
	dev_t		 sdev, ddev;
	enum fdkind	 skind, dkind;
	bool		 append;	/* O_APPEND changes the answer */
	int		 err;
	const char	*call;		/* the call that said it */
};

struct fsmagic {
	RB_ENTRY(fsmagic) entry;
	dev_t		 dev;
	long		 magic;
};

RB_HEAD(refusals, refusal);
RB_HEAD(fsmagics, fsmagic);

/*
 * Shared by the engines of every worker (-j): each call below holds the
 * lock for what it reads and writes, and the last engine frees it.
 */
struct remembered {
	pthread_mutex_t	 lock;
	unsigned	 refs;
	struct refusals	 refusals;
	struct fsmagics	 fsmagics;
	unsigned	 disabled;	/* methods the kernel lacks (ENOSYS) */
};

#define CMP(a, b)	((a) < (b) ? -1 : (a) > (b))

static int
refusal_cmp(struct refusal *a, struct refusal *b)
{
	if (a->method != b->method)
		return CMP(a->method, b->method);
	if (a->sdev != b->sdev)
		return CMP(a->sdev, b->sdev);
	if (a->ddev != b->ddev)
		return CMP(a->ddev, b->ddev);
	if (a->skind != b->skind)
		return CMP(a->skind, b->skind);
	if (a->dkind != b->dkind)
		return CMP(a->dkind, b->dkind);
	return CMP(a->append, b->append);
}

static int
fsmagic_cmp(struct fsmagic *a, struct fsmagic *b)
{
	return CMP(a->dev, b->dev);
}

RB_GENERATE_STATIC(refusals, refusal, entry, refusal_cmp)
RB_GENERATE_STATIC(fsmagics, fsmagic, entry, fsmagic_cmp)

struct remembered *
remembered_new(void)
{
	struct remembered *p = calloc(1, sizeof(*p));

	if (p != NULL) {
		pthread_mutex_init(&p->lock, NULL);
		p->refs = 1;
		RB_INIT(&p->refusals);
		RB_INIT(&p->fsmagics);
	}
	return p;
}

/* One more engine shares p. */
struct remembered *
remembered_share(struct remembered *p)
{
	pthread_mutex_lock(&p->lock);
	p->refs++;
	pthread_mutex_unlock(&p->lock);
	return p;
}

void
remembered_free(struct remembered *p)
{
	struct refusal *r, *rn;
	struct fsmagic *f, *fn;
	bool last;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	last = --p->refs == 0;
	pthread_mutex_unlock(&p->lock);
	if (!last)
		return;
	RB_FOREACH_SAFE(r, refusals, &p->refusals, rn) {
		RB_REMOVE(refusals, &p->refusals, r);
		free(r);
	}
	RB_FOREACH_SAFE(f, fsmagics, &p->fsmagics, fn) {
		RB_REMOVE(fsmagics, &p->fsmagics, f);
		free(f);
	}
	pthread_mutex_destroy(&p->lock);
	free(p);
}

static void
key(struct refusal *k, enum method_id m, const struct fdinfo *s,
    const struct fdinfo *d)
{
	memset(k, 0, sizeof(*k));
	k->method = m;
	k->sdev = fdinfo_devkey(s);
	k->ddev = fdinfo_devkey(d);
	k->skind = s->kind;
	k->dkind = d->kind;
	k->append = d->append;
}

/*
 * The errno the kernel gave for this method and pair before, or 0;
 * *call: the call that gave it.
 */
int
remembered_refusal(struct remembered *p, enum method_id m, const struct fdinfo *s,
    const struct fdinfo *d, const char **call)
{
	struct refusal k, *r;
	int err = 0;

	*call = NULL;
	key(&k, m, s, d);
	pthread_mutex_lock(&p->lock);
	if (p->disabled & (1u << m))
		err = ENOSYS;
	else if ((r = RB_FIND(refusals, &p->refusals, &k)) != NULL) {
		*call = r->call;
		err = r->err;
	}
	pthread_mutex_unlock(&p->lock);
	return err;
}

/*
 * Which refusals are about the device pair, so that the next file of
 * the pair gets the same answer: EXDEV (the two filesystems cannot
 * share the call), EOPNOTSUPP (the filesystem or driver does not do
 * it) and ENOTTY (no such ioctl there).  The others belong to one file:
 * EINVAL (FICLONE of a btrfs nocow file, ranges a filesystem will not
 * clone, procfs files that sendfile refuses), EBADF, ETXTBSY (a swap
 * file), EPERM and EACCES (an immutable file, a security label), ENOENT.
 * ENOSYS holds for the process.
 */
static bool
pair_refusal(int err)
{
	return err == EXDEV || err == EOPNOTSUPP || err == ENOTTY;
}

/* Remember a refusal that holds beyond this file; returns whether it
 * was remembered. */
bool
remember_refusal(struct remembered *p, enum method_id m, const struct fdinfo *s,
    const struct fdinfo *d, int err, const char *call)
{
	struct refusal *r;

	if (err == ENOSYS) {
		pthread_mutex_lock(&p->lock);
		p->disabled |= 1u << m;
		pthread_mutex_unlock(&p->lock);
		return true;
	}
	if (!pair_refusal(err))
		return false;
	if ((r = malloc(sizeof(*r))) == NULL)
		return false;
	key(r, m, s, d);
	r->err = err;
	r->call = call;
	pthread_mutex_lock(&p->lock);
	if (RB_INSERT(refusals, &p->refusals, r) != NULL)
		free(r);
	pthread_mutex_unlock(&p->lock);
	return true;
}

/* The filesystem's magic number (statfs f_type), 0 if unknown. */
long
remembered_fsmagic(struct remembered *p, const struct fdinfo *fi)
{
	struct fsmagic k = { .dev = fi->st.st_dev }, *f;
	struct statfs sfs;
	long magic = 0;

	pthread_mutex_lock(&p->lock);
	if ((f = RB_FIND(fsmagics, &p->fsmagics, &k)) != NULL)
		magic = f->magic;
	pthread_mutex_unlock(&p->lock);
	if (f != NULL || fstatfs(fi->fd, &sfs) == -1)
		return magic;
	if ((f = malloc(sizeof(*f))) != NULL) {
		f->dev = fi->st.st_dev;
		f->magic = (long)sfs.f_type;
		pthread_mutex_lock(&p->lock);
		if (RB_INSERT(fsmagics, &p->fsmagics, f) != NULL)
			free(f);
		pthread_mutex_unlock(&p->lock);
	}
	return (long)sfs.f_type;
}
