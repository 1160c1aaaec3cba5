/*
 * bench/cat911.c: a small model of GNU cat 9.11's copy path, for bench/run.
 * Not part of zcp and not built by make: bench/run compiles it into a
 * temporary directory with `cc -O2`.
 *
 * GNU cat 9.11 is not packaged for Debian 12 (which has 9.1), so the
 * benchmark models the code path plain `cat [FILE]...` (no formatting
 * options) takes in coreutils' src/cat.c and src/splice.h as of 9.11:
 *
 *   - both input and output regular files: copy_cat(), copy_file_range()
 *     with NULL offsets and a huge length until it returns 0; ENOSYS,
 *     EOPNOTSUPP, EINVAL, EBADF, EXDEV, ETXTBSY, EPERM, EFBIG fall back;
 *   - then splice_cat(): one private pipe created on first use and grown
 *     with increase_pipe_size() (F_SETPIPE_SZ to SPLICE_PIPE_SIZE = 512 KiB,
 *     else F_GETPIPE_SZ, else 64 KiB); standard output grown the same way
 *     when it is a pipe; then per chunk one splice input -> private pipe of
 *     MAX(private pipe size, stdout pipe size) bytes, flags 0, and splices
 *     private pipe -> stdout until that chunk is drained.  So every chunk
 *     costs (at least) two splice calls, even when the input or the output
 *     already is a pipe.  If the very first out-splice fails, the pipe is
 *     drained with read/write (BUFSIZ) and cat continues with read/write;
 *   - otherwise simple_cat(): read/write with a buffer of
 *     MAX(io_blksize(in), io_blksize(out)), at least 256 KiB.
 * cat also calls posix_fadvise(SEQUENTIAL) on each input.  The model omits
 * what the benchmark never exercises: the formatting options, the
 * "input file is output file" check, binary mode, messages.
 *
 * The 9.11 source the model follows grows standard output and the private
 * pipe but not standard input; CAT911_GROW_STDIN=1 also grows standard
 * input when it is a pipe (the same increase_pipe_size()), so bench/run
 * can show that variant too.
 *
 * Two more roles for the benchmark harness live in this file because
 * bench/run is allowed one helper source: they are the producer and the
 * consumer that every tool in a pipe row shares.
 *
 *   cat911 --feed FILE      splice FILE to stdout (a pipe) until EOF,
 *                           asking for 16 MiB a call; the pipe is NOT
 *                           grown (--feed-grow grows it to 1 MiB): growing
 *                           it is the job of the tool under test.
 *   cat911 --sink [BYTES]   splice stdin (a pipe) to /dev/null until EOF,
 *                           asking for 16 MiB a call; exit 1 unless exactly
 *                           BYTES arrived, so a run that lost data fails.
 *
 * Both are as cheap as a producer and a consumer can be: page references
 * move, no byte is copied, one system call per pipe-full.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SPLICE_PIPE_SIZE (512 * 1024)	/* src/splice.h */
#define IO_BUFSIZE (256 * 1024)		/* src/ioblksize.h */
#define HARNESS_CHUNK (16 * 1024 * 1024)

#ifndef MAX
# define MAX(a, b) ((a) > (b) ? (a) : (b))
#endif
#ifndef MIN
# define MIN(a, b) ((a) < (b) ? (a) : (b))
#endif

static const char *infile;
static int input_desc;

static void
die(const char *what)
{
	fprintf(stderr, "cat911: %s: %s\n", what, strerror(errno));
	exit(1);
}

static bool
isapipe(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode);
}

/* src/splice.h */
static ssize_t
increase_pipe_size(int fd)
{
	int pipe_cap;

	if ((pipe_cap = fcntl(fd, F_SETPIPE_SZ, SPLICE_PIPE_SIZE)) < 0)
		pipe_cap = fcntl(fd, F_GETPIPE_SZ);
	if (pipe_cap <= 0)
		pipe_cap = 64 * 1024;
	return pipe_cap;
}

/* src/ioblksize.h */
static size_t
io_blksize(const struct stat *st)
{
	size_t blksize = st->st_blksize > 0 ? (size_t)st->st_blksize : 512;

	return MAX(IO_BUFSIZE, blksize);
}

static bool
full_write(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

/* Return 1 if copied, 0 if read/write should be tried, -1 on error. */
static int
copy_cat(void)
{
	ssize_t copy_max = (ssize_t)((uint64_t)MIN(SSIZE_MAX, SIZE_MAX) >> 30 << 30);
	bool some_copied;

	for (some_copied = false;; some_copied = true)
		switch (copy_file_range(input_desc, NULL, STDOUT_FILENO, NULL,
		    (size_t)copy_max, 0)) {
		case 0:
			return some_copied;
		case -1:
			if (errno == ENOSYS || errno == EOPNOTSUPP ||
			    errno == ENOTSUP || errno == EINVAL ||
			    errno == EBADF || errno == EXDEV ||
			    errno == ETXTBSY || errno == EPERM ||
			    errno == EFBIG)
				return 0;
			fprintf(stderr, "cat911: %s: %s\n", infile,
			    strerror(errno));
			return -1;
		}
}

/* Return 1 if copied, 0 if read/write should be tried, -1 on error. */
static int
splice_cat(void)
{
	static int pipefd[2] = { -1, -1 };
	static ssize_t pipefd_pipe_size;
	static int stdout_is_pipe = -1;
	static ssize_t stdout_pipe_size;
	bool some_copied = false, in_ok = true, out_ok = true;
	ssize_t pipe_size, bytes_read, bytes_written;

	if (pipefd[0] < 0) {
		if (pipe(pipefd) < 0)
			return 0;
		pipefd_pipe_size = increase_pipe_size(pipefd[1]);
	}
	if (stdout_is_pipe == -1) {
		stdout_is_pipe = isapipe(STDOUT_FILENO);
		if (stdout_is_pipe)
			stdout_pipe_size = increase_pipe_size(STDOUT_FILENO);
	}
	pipe_size = MAX(pipefd_pipe_size, stdout_pipe_size);

	for (;;) {
		bytes_read = splice(input_desc, NULL, pipefd[1], NULL,
		    (size_t)pipe_size, 0);
		in_ok = 0 <= bytes_read || !some_copied;
		if (bytes_read == 0)
			some_copied = true;
		if (bytes_read <= 0)
			goto done;
		while (0 < bytes_read) {
			bytes_written = splice(pipefd[0], NULL, STDOUT_FILENO,
			    NULL, (size_t)pipe_size, 0);
			if (bytes_written < 0) {
				if (some_copied)
					out_ok = false;
				else {
					char buf[BUFSIZ];

					while (0 < bytes_read) {
						ssize_t n_read = read(pipefd[0],
						    buf, MIN((size_t)bytes_read,
						    sizeof buf));

						in_ok = out_ok = 0 <= n_read;
						if (n_read <= 0)
							goto done;
						if (!full_write(STDOUT_FILENO,
						    buf, (size_t)n_read))
							die("write error");
						bytes_read -= n_read;
					}
				}
			}
			if (bytes_written <= 0)
				goto done;
			some_copied = true;
			bytes_read -= bytes_written;
		}
	}
done:
	if (!in_ok && !out_ok) {
		int saved_errno = errno;

		close(pipefd[0]);
		close(pipefd[1]);
		pipefd[0] = pipefd[1] = -1;
		pipefd_pipe_size = 0;
		errno = saved_errno;
		fprintf(stderr, "cat911: splice error: %s\n", strerror(errno));
	} else if (!in_ok)
		fprintf(stderr, "cat911: %s: %s\n", infile, strerror(errno));
	else if (!out_ok)
		fprintf(stderr, "cat911: write error: %s\n", strerror(errno));
	return (in_ok && out_ok) ? some_copied : -1;
}

static bool
simple_cat(char *buf, size_t bufsize)
{
	ssize_t n;

	for (;;) {
		n = read(input_desc, buf, bufsize);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "cat911: %s: %s\n", infile,
			    strerror(errno));
			return false;
		}
		if (n == 0)
			return true;
		if (!full_write(STDOUT_FILENO, buf, (size_t)n))
			die("write error");
	}
}

static int
cat_main(int argc, char **argv)
{
	struct stat ost, ist;
	bool ok = true, out_isreg;
	int i;

	if (fstat(STDOUT_FILENO, &ost) < 0)
		die("standard output");
	out_isreg = S_ISREG(ost.st_mode);
	if (getenv("CAT911_GROW_STDIN") != NULL &&
	    strcmp(getenv("CAT911_GROW_STDIN"), "1") == 0 &&
	    isapipe(STDIN_FILENO))
		(void)increase_pipe_size(STDIN_FILENO);

	for (i = 1; i < argc || i == 1; i++) {
		int status;

		infile = i < argc ? argv[i] : "-";
		if (strcmp(infile, "-") == 0)
			input_desc = STDIN_FILENO;
		else if ((input_desc = open(infile, O_RDONLY)) < 0) {
			fprintf(stderr, "cat911: %s: %s\n", infile,
			    strerror(errno));
			ok = false;
			continue;
		}
		if (fstat(input_desc, &ist) < 0) {
			fprintf(stderr, "cat911: %s: %s\n", infile,
			    strerror(errno));
			ok = false;
			goto contin;
		}
		(void)posix_fadvise(input_desc, 0, 0, POSIX_FADV_SEQUENTIAL);

		status = out_isreg && S_ISREG(ist.st_mode) ? copy_cat() : 0;
		if (status == 0)
			status = splice_cat();
		if (status != 0)
			ok &= 0 < status;
		else {
			size_t insize = MAX(io_blksize(&ist), io_blksize(&ost));
			char *buf = aligned_alloc(4096, insize);

			if (buf == NULL)
				die("memory exhausted");
			ok &= simple_cat(buf, insize);
			free(buf);
		}
contin:
		if (input_desc != STDIN_FILENO && close(input_desc) < 0)
			ok = false;
	}
	if (close(STDOUT_FILENO) < 0)
		die("closing standard output");
	return ok ? 0 : 1;
}

static int
feed(const char *name, bool grow)
{
	int fd = open(name, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		die(name);
	if (grow)
		(void)fcntl(STDOUT_FILENO, F_SETPIPE_SZ, 1024 * 1024);
	for (;;) {
		n = splice(fd, NULL, STDOUT_FILENO, NULL, HARNESS_CHUNK, 0);
		if (n > 0)
			continue;
		if (n == 0)
			return 0;
		if (errno == EINTR)
			continue;
		die("feed: splice");
	}
}

static int
sink(const char *expect)
{
	int null = open("/dev/null", O_WRONLY);
	long long total = 0;
	ssize_t n;

	if (null < 0)
		die("/dev/null");
	for (;;) {
		n = splice(STDIN_FILENO, NULL, null, NULL, HARNESS_CHUNK, 0);
		if (n > 0) {
			total += n;
			continue;
		}
		if (n == 0)
			break;
		if (errno == EINTR)
			continue;
		die("sink: splice");
	}
	if (expect != NULL && total != strtoll(expect, NULL, 10)) {
		fprintf(stderr, "cat911 --sink: got %lld bytes, expected %s\n",
		    total, expect);
		return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "--feed") == 0)
		return feed(argv[2], false);
	if (argc >= 3 && strcmp(argv[1], "--feed-grow") == 0)
		return feed(argv[2], true);
	if (argc >= 2 && strcmp(argv[1], "--sink") == 0)
		return sink(argc >= 3 ? argv[2] : NULL);
	return cat_main(argc, argv);
}
