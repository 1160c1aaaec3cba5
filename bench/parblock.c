/*
 * parblock: copy one file with T threads, each on one contiguous range,
 * to measure whether splitting a big file across workers pays (issue 11,
 * "One big file split across workers"; xcp's parblock driver does this).
 *
 * Usage: parblock cfr|rw T SRC DST
 *   cfr  each thread copy_file_range()s its range (explicit offsets)
 *   rw   each thread pread()s and pwrite()s its range, 256 KiB at a time
 * DST is created (truncated) and sized to SRC first, for every T alike, so
 * that threads writing past each other's ranges never extend the file.
 * Every thread opens SRC and DST itself (its own file descriptions).
 * Prints the wall time of open + size + copy, in seconds, on stdout.
 *
 * Build: cc -O2 -Wall -pthread -o parblock bench/parblock.c
 * Driver: bench/parallel-measure (hot cache on tmpfs, ext4, XFS).
 */
#define _GNU_SOURCE
#include <err.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define RWBUF	(256 * 1024)

struct range {
	const char	*src, *dst;
	off_t		 start, end;
	int		 cfr;
};

static void
copy_cfr(int in, int out, off_t start, off_t end)
{
	off_t ioff = start, ooff = start;
	ssize_t n;

	while (ioff < end) {
		n = copy_file_range(in, &ioff, out, &ooff, end - ioff, 0);
		if (n < 0)
			err(1, "copy_file_range");
		if (n == 0)
			errx(1, "copy_file_range: early end of file");
	}
}

static void
copy_rw(int in, int out, off_t start, off_t end)
{
	char *buf;
	ssize_t n, w, done;
	off_t off;

	if ((buf = malloc(RWBUF)) == NULL)
		err(1, "malloc");
	for (off = start; off < end; off += n) {
		n = pread(in, buf, end - off < RWBUF ? end - off : RWBUF, off);
		if (n < 0)
			err(1, "pread");
		if (n == 0)
			errx(1, "pread: early end of file");
		for (done = 0; done < n; done += w)
			if ((w = pwrite(out, buf + done, n - done,
			    off + done)) < 0)
				err(1, "pwrite");
	}
	free(buf);
}

static void *
worker(void *arg)
{
	struct range *r = arg;
	int in, out;

	if ((in = open(r->src, O_RDONLY)) < 0)
		err(1, "open %s", r->src);
	if ((out = open(r->dst, O_WRONLY)) < 0)
		err(1, "open %s", r->dst);
	if (r->cfr)
		copy_cfr(in, out, r->start, r->end);
	else
		copy_rw(in, out, r->start, r->end);
	close(in);
	if (close(out) < 0)
		err(1, "close %s", r->dst);
	return NULL;
}

int
main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct range r[64];
	pthread_t th[64];
	struct stat st;
	off_t step;
	int i, nth, fd;

	if (argc != 5 || (strcmp(argv[1], "cfr") && strcmp(argv[1], "rw")))
		errx(2, "usage: parblock cfr|rw T SRC DST");
	nth = atoi(argv[2]);
	if (nth < 1 || nth > 64)
		errx(2, "T must be 1..64");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (stat(argv[3], &st) < 0)
		err(1, "stat %s", argv[3]);
	if ((fd = open(argv[4], O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		err(1, "open %s", argv[4]);
	if (ftruncate(fd, st.st_size) < 0)
		err(1, "ftruncate %s", argv[4]);
	close(fd);
	/* Ranges on 1 MiB boundaries, the last one takes the rest. */
	step = st.st_size / nth & ~(off_t)0xfffff;
	for (i = 0; i < nth; i++) {
		r[i].src = argv[3];
		r[i].dst = argv[4];
		r[i].cfr = argv[1][0] == 'c';
		r[i].start = i * step;
		r[i].end = i == nth - 1 ? st.st_size : (i + 1) * step;
		if (pthread_create(&th[i], NULL, worker, &r[i]) != 0)
			errx(1, "pthread_create");
	}
	for (i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%.4f\n", (t1.tv_sec - t0.tv_sec) +
	    (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
