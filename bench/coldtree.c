/*
 * coldtree: copy a tree of regular files with N worker threads taking files
 * from one shared index, to measure readahead hints and worker counts when
 * the sources are not in the page cache (issue 11, "Cold cache").
 *
 * Usage: coldtree [-t N] [-h none|seq|willneed|both|auto] [-k K] SRC DST
 *   -t N   worker threads (default 1)
 *   -h     none      no hint
 *          seq       posix_fadvise(POSIX_FADV_SEQUENTIAL) on each source
 *                    after open, as cp does
 *          willneed  a dispatcher thread runs at most K files ahead of the
 *                    workers and issues POSIX_FADV_WILLNEED on each file
 *                    (open, fadvise, close) before a worker takes it
 *          both      seq and willneed
 *          auto      willneed, but only once a worker has seen a cold file:
 *                    each file's first read is preadv2(RWF_NOWAIT), which
 *                    fails with EAGAIN when the data is not in the page
 *                    cache (hot files: no extra system call; tmpfs
 *                    answers EOPNOTSUPP, taken as hot)
 *   -k K   how far the dispatcher runs ahead (default 64)
 * The walk is a readdir walk using d_type (no stat), so a file's inode is
 * first read by whoever opens it; it creates DST's directories and lists
 * the files, then the workers copy them with open/read/write (128 KiB
 * buffer; copy_file_range cannot cross from ext4 to tmpfs).  Prints the wall
 * time of walk + copy in seconds.
 *
 * Build: cc -O2 -Wall -pthread -o coldtree bench/coldtree.c
 * Driver: bench/parallel-measure tree.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define BUFSZ	(128 * 1024)

static char	**files;
static size_t	 nfiles, cap, next;
static int	 srcfd, dstfd, seqhint, willneed, nowait, ahead = 64;
static volatile int	 cold;	/* auto: a first read found no cached data */
static pthread_mutex_t	lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	taken = PTHREAD_COND_INITIALIZER;

static void
walk(const char *rel)
{
	struct dirent *de;
	char path[4096];
	DIR *d;
	int fd;

	fd = openat(srcfd, rel, O_RDONLY | O_DIRECTORY);
	if (fd < 0 || (d = fdopendir(fd)) == NULL)
		err(1, "open %s", rel);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' && (de->d_name[1] == '\0' ||
		    (de->d_name[1] == '.' && de->d_name[2] == '\0')))
			continue;
		snprintf(path, sizeof(path), "%s/%s", rel, de->d_name);
		if (de->d_type == DT_DIR) {
			if (mkdirat(dstfd, path, 0755) < 0)
				err(1, "mkdir %s", path);
			walk(path);
		} else if (de->d_type == DT_REG) {
			if (nfiles == cap && (files = realloc(files,
			    (cap = cap ? 2 * cap : 1024) * sizeof(*files))) == NULL)
				err(1, "realloc");
			if ((files[nfiles++] = strdup(path)) == NULL)
				err(1, "strdup");
		}
	}
	closedir(d);
}

static void
copy(const char *path, char *buf)
{
	struct iovec iov = { buf, BUFSZ };
	ssize_t n, w, done;
	int in, out;

	if ((in = openat(srcfd, path, O_RDONLY)) < 0)
		err(1, "open %s", path);
	if (seqhint)
		posix_fadvise(in, 0, 0, POSIX_FADV_SEQUENTIAL);
	if ((out = openat(dstfd, path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		err(1, "open %s", path);
	n = -1;
	/* EOPNOTSUPP (tmpfs): no answer, so no hint; read as usual. */
	if (nowait && (n = preadv2(in, &iov, 1, -1, RWF_NOWAIT)) < 0) {
		if (errno == EAGAIN)
			cold = 1;
		else if (errno != EOPNOTSUPP)
			err(1, "preadv2 %s", path);
	}
	if (n < 0)
		n = read(in, buf, BUFSZ);
	for (; n > 0; n = read(in, buf, BUFSZ))
		for (done = 0; done < n; done += w)
			if ((w = write(out, buf + done, n - done)) < 0)
				err(1, "write %s", path);
	if (n < 0)
		err(1, "read %s", path);
	close(in);
	if (close(out) < 0)
		err(1, "close %s", path);
}

static void *
worker(void *arg)
{
	char *buf;
	size_t i;

	(void)arg;
	if ((buf = malloc(BUFSZ)) == NULL)
		err(1, "malloc");
	for (;;) {
		pthread_mutex_lock(&lock);
		i = next++;
		pthread_cond_signal(&taken);
		pthread_mutex_unlock(&lock);
		if (i >= nfiles)
			break;
		copy(files[i], buf);
	}
	free(buf);
	return NULL;
}

/* Stay at most `ahead` files in front of the workers: WILLNEED on a file
 * taken long ago is wasted, and too far ahead the pages could be evicted. */
static void *
dispatcher(void *arg)
{
	size_t j;
	int fd;

	(void)arg;
	for (j = 0; j < nfiles; j++) {
		pthread_mutex_lock(&lock);
		while (j >= next + ahead)
			pthread_cond_wait(&taken, &lock);
		pthread_mutex_unlock(&lock);
		if (j < next || (nowait && !cold))
			continue;	/* a worker already has it, or hot */
		if ((fd = openat(srcfd, files[j], O_RDONLY)) < 0)
			err(1, "open %s", files[j]);
		posix_fadvise(fd, 0, 0, POSIX_FADV_WILLNEED);
		close(fd);
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	struct timespec t0, t1;
	pthread_t th[256], disp;
	int c, i, nth = 1;

	while ((c = getopt(argc, argv, "t:h:k:")) != -1)
		switch (c) {
		case 't': nth = atoi(optarg); break;
		case 'k': ahead = atoi(optarg); break;
		case 'h':
			seqhint = !strcmp(optarg, "seq") || !strcmp(optarg, "both");
			nowait = !strcmp(optarg, "auto");
			willneed = nowait || !strcmp(optarg, "willneed") ||
			    !strcmp(optarg, "both");
			if (!seqhint && !willneed && strcmp(optarg, "none"))
				errx(2, "bad hint %s", optarg);
			break;
		default: goto usage;
		}
	if (argc - optind != 2 || nth < 1 || nth > 256 || ahead < 1) {
usage:		errx(2, "usage: coldtree [-t N] [-h none|seq|willneed|both|auto] "
		    "[-k K] SRC DST");
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((srcfd = open(argv[optind], O_RDONLY | O_DIRECTORY)) < 0)
		err(1, "open %s", argv[optind]);
	if (mkdir(argv[optind + 1], 0755) < 0 ||
	    (dstfd = open(argv[optind + 1], O_RDONLY | O_DIRECTORY)) < 0)
		err(1, "mkdir %s", argv[optind + 1]);
	walk(".");
	if (willneed && pthread_create(&disp, NULL, dispatcher, NULL) != 0)
		errx(1, "pthread_create");
	for (i = 0; i < nth; i++)
		if (pthread_create(&th[i], NULL, worker, NULL) != 0)
			errx(1, "pthread_create");
	for (i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	if (willneed)
		pthread_join(disp, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (nowait)
		fprintf(stderr, "coldtree: auto: %s\n", cold ? "cold" : "hot");
	printf("%.4f\n", (t1.tv_sec - t0.tv_sec) +
	    (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
