/*
 * faultshim: an LD_PRELOAD library that makes the data system calls zcp
 * relies on fail on demand, so the tests can prove every fallback and
 * every error path without a kernel that misbehaves.
 *
 *	ZCP_FAULT=SPEC[,SPEC...]	SPEC is NAME[@FD]:ACTION:FROM[:COUNT]
 *	ZCP_FAULT_LOG=FILE		one line per injected fault
 *
 * NAME	  ficlone (ioctl FICLONE only; every other ioctl passes through
 *	  untouched), copy_file_range, sendfile (sendfile64 too), splice,
 *	  read, write, pread (pread64 too: --resume's comparison); and
 *	  for --atomic and --sync: tmpfile (open and openat with O_TMPFILE
 *	  only; other opens pass through uncounted),
 *	  fsync (fdatasync too), close, linkat (link too), rename (renameat
 *	  and renameat2 too); and fallocate; and for --nocache:
 *	  sync_file_range; and for --stats: cachestat (syscall(2) with
 *	  its number; every other syscall() passes through).
 * @FD	  count and fault only the calls that involve descriptor FD: the
 *	  fd of read, write, pread, fsync, fallocate, sync_file_range and
 *	  close, either end of the others (FICLONE: the destination or the
 *	  source; tmpfile: its directory; linkat and rename: either
 *	  directory, or the source of a linkat with AT_EMPTY_PATH).
 * ACTION an errno name (EIO, EXDEV, ENOSPC, ... or a number): return -1
 *	  with that errno without making the call; "short": make the call
 *	  with the length cut to min(len, 7), an odd size on purpose (only
 *	  for the calls that take a length); "zero": return 0 without
 *	  making the call (for ficlone, fsync, close, linkat and rename
 *	  that is a fake success; not for tmpfile, whose 0 would be a
 *	  descriptor); "stop": stop the process with SIGSTOP, then make
 *	  the call as asked once it is continued (a test can then kill it
 *	  at exactly that point).
 * FROM	  the 1-based index, among the calls this spec counts, of the first
 *	  one faulted.  Every call the program makes is counted, faulted or
 *	  passed through; specs without @FD on one NAME count alike.
 * COUNT  how many consecutive calls are faulted: 1 by default, 0 for
 *	  every call from FROM on.
 *
 * Several specs may name one call ("copy_file_range:short:1,
 * copy_file_range:EXDEV:2"); the first one whose window holds the call
 * wins.  Each injected fault appends "NAME ACTION #INDEX" (NAME and
 * ACTION as written in the spec) to ZCP_FAULT_LOG, opened with O_APPEND
 * for each line so that the program's own descriptors, stdio and errno
 * are left alone.  A spec that does not parse ends the program with
 * status 125 and a message on stderr: a typo must not pass as "the
 * fault did not matter".
 *
 * The environment is parsed once, from the constructor; the hot path
 * neither allocates nor calls stdio.  Not thread-safe: zcp is not
 * threaded.
 */
#define _GNU_SOURCE
#undef _FORTIFY_SOURCE

#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <linux/fs.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_SPECS	32
#define SHORT_LEN	((size_t)7)
#define EXIT_BADSPEC	125

enum call {
	C_FICLONE,
	C_COPY_FILE_RANGE,
	C_SENDFILE,
	C_SPLICE,
	C_READ,
	C_WRITE,
	C_PREAD,
	C_TMPFILE,
	C_FSYNC,
	C_CLOSE,
	C_LINKAT,
	C_RENAME,
	C_FALLOCATE,
	C_SYNC_FILE_RANGE,
	C_CACHESTAT,
	C_NCALLS
};

/* The calls whose length "short" can cut. */
#define HAS_LENGTH(c)	((c) >= C_COPY_FILE_RANGE && (c) <= C_PREAD)

static const char *const call_names[C_NCALLS] = {
	[C_FICLONE] = "ficlone",
	[C_COPY_FILE_RANGE] = "copy_file_range",
	[C_SENDFILE] = "sendfile",
	[C_SPLICE] = "splice",
	[C_READ] = "read",
	[C_WRITE] = "write",
	[C_PREAD] = "pread",
	[C_TMPFILE] = "tmpfile",
	[C_FSYNC] = "fsync",
	[C_CLOSE] = "close",
	[C_LINKAT] = "linkat",
	[C_RENAME] = "rename",
	[C_FALLOCATE] = "fallocate",
	[C_SYNC_FILE_RANGE] = "sync_file_range",
	[C_CACHESTAT] = "cachestat",
};

enum action {
	A_ERRNO,
	A_SHORT,
	A_ZERO,
	A_STOP
};

struct spec {
	enum call	 call;
	int		 fd;		/* -1: any descriptor */
	enum action	 action;
	int		 err;
	unsigned long	 from, count;	/* count 0: no end */
	unsigned long	 seen;		/* calls counted so far */
	char		 name[32];	/* as written, for the log */
	char		 act[24];
};

static struct spec specs[MAX_SPECS];
static int nspecs;
static const char *logpath;
static bool ready;

static int	(*real_ioctl)(int, unsigned long, ...);
static ssize_t	(*real_copy_file_range)(int, off64_t *, int, off64_t *,
		    size_t, unsigned int);
static ssize_t	(*real_sendfile)(int, int, off_t *, size_t);
static ssize_t	(*real_sendfile64)(int, int, off64_t *, size_t);
static ssize_t	(*real_splice)(int, off64_t *, int, off64_t *, size_t,
		    unsigned int);
static ssize_t	(*real_read)(int, void *, size_t);
static ssize_t	(*real_write)(int, const void *, size_t);
static ssize_t	(*real_pread64)(int, void *, size_t, off64_t);
static int	(*real_open)(const char *, int, ...);
static int	(*real_open64)(const char *, int, ...);
static int	(*real_openat)(int, const char *, int, ...);
static int	(*real_openat64)(int, const char *, int, ...);
static int	(*real_fsync)(int);
static int	(*real_fdatasync)(int);
static int	(*real_close)(int);
static int	(*real_linkat)(int, const char *, int, const char *, int);
static int	(*real_link)(const char *, const char *);
static int	(*real_rename)(const char *, const char *);
static int	(*real_renameat)(int, const char *, int, const char *);
static int	(*real_fallocate)(int, int, off_t, off_t);
static int	(*real_sync_file_range)(int, off64_t, off64_t, unsigned int);
static int	(*real_renameat2)(int, const char *, int, const char *,
		    unsigned int);

static const struct {
	const char	*name;
	int		 value;
} errnos[] = {
	{ "EPERM", EPERM }, { "ENOENT", ENOENT }, { "ESRCH", ESRCH },
	{ "EINTR", EINTR }, { "EIO", EIO }, { "ENXIO", ENXIO },
	{ "E2BIG", E2BIG }, { "EBADF", EBADF }, { "EAGAIN", EAGAIN },
	{ "EWOULDBLOCK", EWOULDBLOCK }, { "ENOMEM", ENOMEM },
	{ "EACCES", EACCES }, { "EFAULT", EFAULT }, { "EBUSY", EBUSY },
	{ "EEXIST", EEXIST }, { "EXDEV", EXDEV }, { "ENODEV", ENODEV },
	{ "ENOTDIR", ENOTDIR }, { "EISDIR", EISDIR }, { "EINVAL", EINVAL },
	{ "ENFILE", ENFILE }, { "EMFILE", EMFILE }, { "ENOTTY", ENOTTY },
	{ "ETXTBSY", ETXTBSY }, { "EFBIG", EFBIG }, { "ENOSPC", ENOSPC },
	{ "ESPIPE", ESPIPE }, { "EROFS", EROFS }, { "EMLINK", EMLINK },
	{ "EPIPE", EPIPE }, { "ERANGE", ERANGE }, { "ENOSYS", ENOSYS },
	{ "EOVERFLOW", EOVERFLOW }, { "EOPNOTSUPP", EOPNOTSUPP },
	{ "ENOTSUP", ENOTSUP }, { "ECONNRESET", ECONNRESET },
	{ "ENOTCONN", ENOTCONN }, { "ETIMEDOUT", ETIMEDOUT },
	{ "ESTALE", ESTALE }, { "EDQUOT", EDQUOT },
	{ "ENOTRECOVERABLE", ENOTRECOVERABLE }, { "ENOLINK", ENOLINK },
	{ "ENOTSOCK", ENOTSOCK }, { "EREMOTEIO", EREMOTEIO },
};

/* Raw system calls: the shim's own output must not be counted. */
static void
put(int fd, const char *s, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = syscall(SYS_write, fd, s, len);
		if (n <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			return;
		}
		s += n;
		len -= (size_t)n;
	}
}

static void
puts2(const char *s)
{
	put(STDERR_FILENO, s, strlen(s));
}

static void
bad_spec(const char *spec, size_t len, const char *why)
{
	puts2("faultshim: bad ZCP_FAULT spec '");
	put(STDERR_FILENO, spec, len);
	puts2("': ");
	puts2(why);
	puts2("\n");
	_exit(EXIT_BADSPEC);
}

/* A decimal number filling [s, end); false if there is none. */
static bool
parse_ulong(const char *s, const char *end, unsigned long *v)
{
	unsigned long n = 0;

	if (s == end)
		return false;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9' || n > (~0ul - 9) / 10)
			return false;
		n = n * 10 + (unsigned long)(*s - '0');
	}
	*v = n;
	return true;
}

static bool
field_is(const char *s, const char *end, const char *word)
{
	size_t len = strlen(word);

	return (size_t)(end - s) == len && memcmp(s, word, len) == 0;
}

static bool
parse_errno(const char *s, const char *end, int *err)
{
	unsigned long n;
	size_t i;

	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (field_is(s, end, errnos[i].name)) {
			*err = errnos[i].value;
			return true;
		}
	if (parse_ulong(s, end, &n) && n > 0 && n < 4096) {
		*err = (int)n;
		return true;
	}
	return false;
}

static void
copy_field(char *dst, size_t size, const char *s, const char *end)
{
	size_t len = (size_t)(end - s);

	if (len >= size)
		len = size - 1;
	memcpy(dst, s, len);
	dst[len] = '\0';
}

/* NAME[@FD] */
static void
parse_name(struct spec *sp, const char *spec, size_t slen, const char *s,
    const char *end)
{
	const char *at = memchr(s, '@', (size_t)(end - s));
	unsigned long fd;
	int c;

	copy_field(sp->name, sizeof(sp->name), s, end);
	sp->fd = -1;
	if (at != NULL) {
		if (!parse_ulong(at + 1, end, &fd) || fd > 1u << 20)
			bad_spec(spec, slen, "@FD wants a descriptor number");
		sp->fd = (int)fd;
		end = at;
	}
	for (c = 0; c < C_NCALLS; c++)
		if (field_is(s, end, call_names[c])) {
			sp->call = (enum call)c;
			return;
		}
	bad_spec(spec, slen, "NAME is one of ficlone, copy_file_range,"
	    " sendfile, splice, read, write, pread, tmpfile, fsync, close,"
	    " linkat, rename, fallocate, sync_file_range, cachestat");
}

static void
parse_action(struct spec *sp, const char *spec, size_t slen, const char *s,
    const char *end)
{
	copy_field(sp->act, sizeof(sp->act), s, end);
	if (field_is(s, end, "short")) {
		if (!HAS_LENGTH(sp->call))
			bad_spec(spec, slen, "this call has no length to cut");
		sp->action = A_SHORT;
	} else if (field_is(s, end, "zero")) {
		if (sp->call == C_TMPFILE)
			bad_spec(spec, slen, "a 0 from open is a descriptor");
		sp->action = A_ZERO;
	} else if (field_is(s, end, "stop"))
		sp->action = A_STOP;
	else if (parse_errno(s, end, &sp->err))
		sp->action = A_ERRNO;
	else
		bad_spec(spec, slen, "ACTION is an errno name, short, zero or stop");
}

/* One NAME[@FD]:ACTION:FROM[:COUNT] in [spec, spec + slen). */
static void
parse_spec(const char *spec, size_t slen)
{
	const char *f[5], *end = spec + slen, *p;
	struct spec *sp;
	int nf = 0;

	if (nspecs == MAX_SPECS)
		bad_spec(spec, slen, "too many specs");
	f[nf++] = spec;
	for (p = spec; p < end; p++)
		if (*p == ':') {
			if (nf == 4)
				bad_spec(spec, slen, "too many fields");
			f[nf++] = p + 1;
		}
	if (nf < 3)
		bad_spec(spec, slen, "want NAME:ACTION:FROM[:COUNT]");
	f[nf] = end + 1;
	sp = &specs[nspecs];
	memset(sp, 0, sizeof(*sp));
	parse_name(sp, spec, slen, f[0], f[1] - 1);
	parse_action(sp, spec, slen, f[1], f[2] - 1);
	if (!parse_ulong(f[2], f[3] - 1, &sp->from) || sp->from == 0)
		bad_spec(spec, slen, "FROM is a call number, from 1");
	sp->count = 1;
	if (nf == 4 && !parse_ulong(f[3], end, &sp->count))
		bad_spec(spec, slen, "COUNT is a number, 0 for no end");
	nspecs++;
}

static void
resolve(void)
{
	real_ioctl = (int (*)(int, unsigned long, ...))
	    dlsym(RTLD_NEXT, "ioctl");
	real_copy_file_range = (ssize_t (*)(int, off64_t *, int, off64_t *,
	    size_t, unsigned int))dlsym(RTLD_NEXT, "copy_file_range");
	real_sendfile = (ssize_t (*)(int, int, off_t *, size_t))
	    dlsym(RTLD_NEXT, "sendfile");
	real_sendfile64 = (ssize_t (*)(int, int, off64_t *, size_t))
	    dlsym(RTLD_NEXT, "sendfile64");
	real_splice = (ssize_t (*)(int, off64_t *, int, off64_t *, size_t,
	    unsigned int))dlsym(RTLD_NEXT, "splice");
	real_read = (ssize_t (*)(int, void *, size_t))
	    dlsym(RTLD_NEXT, "read");
	real_write = (ssize_t (*)(int, const void *, size_t))
	    dlsym(RTLD_NEXT, "write");
	real_pread64 = (ssize_t (*)(int, void *, size_t, off64_t))
	    dlsym(RTLD_NEXT, "pread64");
	real_open = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	real_open64 = (int (*)(const char *, int, ...))
	    dlsym(RTLD_NEXT, "open64");
	real_openat = (int (*)(int, const char *, int, ...))
	    dlsym(RTLD_NEXT, "openat");
	real_openat64 = (int (*)(int, const char *, int, ...))
	    dlsym(RTLD_NEXT, "openat64");
	real_fsync = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	real_fdatasync = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
	real_close = (int (*)(int))dlsym(RTLD_NEXT, "close");
	real_linkat = (int (*)(int, const char *, int, const char *, int))
	    dlsym(RTLD_NEXT, "linkat");
	real_link = (int (*)(const char *, const char *))
	    dlsym(RTLD_NEXT, "link");
	real_rename = (int (*)(const char *, const char *))
	    dlsym(RTLD_NEXT, "rename");
	real_renameat = (int (*)(int, const char *, int, const char *))
	    dlsym(RTLD_NEXT, "renameat");
	real_renameat2 = (int (*)(int, const char *, int, const char *,
	    unsigned int))dlsym(RTLD_NEXT, "renameat2");
	real_fallocate = (int (*)(int, int, off_t, off_t))
	    dlsym(RTLD_NEXT, "fallocate");
	real_sync_file_range = (int (*)(int, off64_t, off64_t, unsigned int))
	    dlsym(RTLD_NEXT, "sync_file_range");
}

__attribute__((constructor)) static void
faultshim_init(void)
{
	const char *env, *p, *comma;

	if (ready)
		return;
	ready = true;
	resolve();
	logpath = getenv("ZCP_FAULT_LOG");
	if (logpath != NULL && *logpath == '\0')
		logpath = NULL;
	if ((env = getenv("ZCP_FAULT")) == NULL)
		return;
	for (p = env; *p != '\0'; p = comma + 1) {
		if ((comma = strchr(p, ',')) == NULL)
			comma = p + strlen(p);
		if (comma > p)
			parse_spec(p, (size_t)(comma - p));
		if (*comma == '\0')
			break;
	}
}

/* A missing function: behave like a libc without it. */
static void
missing(void)
{
	static const char msg[] = "faultshim: real function not found\n";

	put(STDERR_FILENO, msg, sizeof(msg) - 1);
	errno = ENOSYS;
}

static char *
put_ulong(char *p, unsigned long n)
{
	char tmp[24];
	int i = 0;

	do
		tmp[i++] = (char)('0' + n % 10);
	while ((n /= 10) > 0);
	while (i > 0)
		*p++ = tmp[--i];
	return p;
}

static void
log_fault(const struct spec *sp)
{
	char line[96], *p = line;
	size_t n;
	int fd, saved = errno;

	if (logpath == NULL)
		return;
	n = strlen(sp->name);
	memcpy(p, sp->name, n);
	p += n;
	*p++ = ' ';
	n = strlen(sp->act);
	memcpy(p, sp->act, n);
	p += n;
	*p++ = ' ';
	*p++ = '#';
	p = put_ulong(p, sp->seen);
	*p++ = '\n';
	/* Raw calls: the shim's own open and close are not counted. */
	fd = (int)syscall(SYS_openat, AT_FDCWD, logpath, O_WRONLY | O_APPEND |
	    O_CREAT | O_CLOEXEC, 0644);
	if (fd != -1) {
		put(fd, line, (size_t)(p - line));
		(void)syscall(SYS_close, fd);
	}
	errno = saved;
}

/*
 * Count this call for every spec it matches; the fault to inject, or
 * NULL to make the call as asked.
 */
static const struct spec *
fault_for(enum call c, int fd1, int fd2)
{
	const struct spec *hit = NULL;
	struct spec *sp;
	int i;

	if (!ready)
		faultshim_init();
	for (i = 0; i < nspecs; i++) {
		sp = &specs[i];
		if (sp->call != c || (sp->fd != -1 && sp->fd != fd1 &&
		    sp->fd != fd2))
			continue;
		sp->seen++;
		if (hit == NULL && sp->seen >= sp->from &&
		    (sp->count == 0 || sp->seen - sp->from < sp->count))
			hit = sp;
	}
	if (hit != NULL)
		log_fault(hit);
	return hit;
}

/*
 * What an errno or zero fault returns (true: *rc is it), or the length
 * a short one leaves.
 */
static bool
inject(const struct spec *sp, ssize_t *rc, size_t *len)
{
	if (sp == NULL)
		return false;
	switch (sp->action) {
	case A_ERRNO:
		errno = sp->err;
		*rc = -1;
		return true;
	case A_ZERO:
		*rc = 0;
		return true;
	case A_SHORT:
		if (len != NULL && *len > SHORT_LEN)
			*len = SHORT_LEN;
		break;
	case A_STOP:
		(void)kill(getpid(), SIGSTOP);
		break;
	}
	return false;
}

int
ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	void *arg;
	ssize_t rc;

	/* Every ioctl glibc knows takes at most one argument. */
	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!ready)
		faultshim_init();
	if (request == FICLONE &&
	    inject(fault_for(C_FICLONE, fd, (int)(long)arg), &rc, NULL))
		return (int)rc;
	if (real_ioctl == NULL) {
		missing();
		return -1;
	}
	return real_ioctl(fd, request, arg);
}

ssize_t
copy_file_range(int fd_in, off64_t *off_in, int fd_out, off64_t *off_out,
    size_t len, unsigned int flags)
{
	ssize_t rc;

	if (inject(fault_for(C_COPY_FILE_RANGE, fd_in, fd_out), &rc, &len))
		return rc;
	if (real_copy_file_range == NULL) {
		missing();
		return -1;
	}
	return real_copy_file_range(fd_in, off_in, fd_out, off_out, len,
	    flags);
}

ssize_t
sendfile(int out_fd, int in_fd, off_t *offset, size_t count)
{
	ssize_t rc;

	if (inject(fault_for(C_SENDFILE, out_fd, in_fd), &rc, &count))
		return rc;
	if (real_sendfile == NULL) {
		missing();
		return -1;
	}
	return real_sendfile(out_fd, in_fd, offset, count);
}

ssize_t
sendfile64(int out_fd, int in_fd, off64_t *offset, size_t count)
{
	ssize_t rc;

	if (inject(fault_for(C_SENDFILE, out_fd, in_fd), &rc, &count))
		return rc;
	if (real_sendfile64 == NULL) {
		missing();
		return -1;
	}
	return real_sendfile64(out_fd, in_fd, offset, count);
}

ssize_t
splice(int fd_in, off64_t *off_in, int fd_out, off64_t *off_out,
    size_t len, unsigned int flags)
{
	ssize_t rc;

	if (inject(fault_for(C_SPLICE, fd_in, fd_out), &rc, &len))
		return rc;
	if (real_splice == NULL) {
		missing();
		return -1;
	}
	return real_splice(fd_in, off_in, fd_out, off_out, len, flags);
}

ssize_t
read(int fd, void *buf, size_t len)
{
	ssize_t rc;

	if (inject(fault_for(C_READ, fd, fd), &rc, &len))
		return rc;
	if (real_read == NULL) {
		missing();
		return -1;
	}
	return real_read(fd, buf, len);
}

ssize_t
pread64(int fd, void *buf, size_t len, off64_t off)
{
	ssize_t rc;

	if (inject(fault_for(C_PREAD, fd, fd), &rc, &len))
		return rc;
	if (real_pread64 == NULL) {
		missing();
		return -1;
	}
	return real_pread64(fd, buf, len, off);
}

ssize_t
pread(int fd, void *buf, size_t len, off_t off)
{
	return pread64(fd, buf, len, off);
}

/* What pread() becomes in a program built with _FORTIFY_SOURCE. */
ssize_t	__pread64_chk(int, void *, size_t, off64_t, size_t);

ssize_t
__pread64_chk(int fd, void *buf, size_t len, off64_t off, size_t buflen)
{
	if (len > buflen)
		abort();
	return pread64(fd, buf, len, off);
}

/* What read() becomes in a program built with _FORTIFY_SOURCE. */
ssize_t	__read_chk(int, void *, size_t, size_t);

ssize_t
__read_chk(int fd, void *buf, size_t len, size_t buflen)
{
	if (len > buflen)
		abort();
	return read(fd, buf, len);
}

ssize_t
write(int fd, const void *buf, size_t len)
{
	ssize_t rc;

	if (inject(fault_for(C_WRITE, fd, fd), &rc, &len))
		return rc;
	if (real_write == NULL) {
		missing();
		return -1;
	}
	return real_write(fd, buf, len);
}

/*
 * open and openat: only O_TMPFILE is counted and faulted.  The mode is
 * passed on whenever the call may create a file.
 */
static bool
takes_mode(int flags)
{
	return (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE;
}

static bool
tmpfile_fault(int dirfd, int flags, int *rc)
{
	ssize_t r;

	if ((flags & O_TMPFILE) != O_TMPFILE)
		return false;
	if (!inject(fault_for(C_TMPFILE, dirfd, dirfd), &r, NULL))
		return false;
	*rc = (int)r;
	return true;
}

static mode_t
mode_arg(int flags, va_list ap)
{
	return takes_mode(flags) ? (mode_t)va_arg(ap, int) : 0;
}

static int
do_openat(int (*fn)(int, const char *, int, ...), int dirfd,
    const char *path, int flags, mode_t mode)
{
	int rc;

	if (!ready)
		faultshim_init();
	if (tmpfile_fault(dirfd, flags, &rc))
		return rc;
	if (fn == NULL) {
		/* Resolved before dlsym could answer (a constructor's open). */
		return (int)syscall(SYS_openat, dirfd, path, flags, mode);
	}
	return fn(dirfd, path, flags, mode);
}

static int
do_open(int (*fn)(const char *, int, ...), const char *path, int flags,
    mode_t mode)
{
	int rc;

	if (!ready)
		faultshim_init();
	if (tmpfile_fault(AT_FDCWD, flags, &rc))
		return rc;
	if (fn == NULL)
		return (int)syscall(SYS_openat, AT_FDCWD, path, flags, mode);
	return fn(path, flags, mode);
}

int
open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return do_open(real_open, path, flags, mode);
}

int
open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return do_open(real_open64, path, flags, mode);
}

int
openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return do_openat(real_openat, dirfd, path, flags, mode);
}

int
openat64(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return do_openat(real_openat64, dirfd, path, flags, mode);
}

/* What open() becomes under _FORTIFY_SOURCE when there is no mode. */
int	__open_2(const char *, int);
int	__openat_2(int, const char *, int);

int
__open_2(const char *path, int flags)
{
	return do_open(real_open, path, flags, 0);
}

int
__openat_2(int dirfd, const char *path, int flags)
{
	return do_openat(real_openat, dirfd, path, flags, 0);
}

/* An errno or zero fault of a call that returns 0 or -1. */
static bool
status_fault(enum call c, int fd1, int fd2, int *rc)
{
	ssize_t r;

	if (!inject(fault_for(c, fd1, fd2), &r, NULL))
		return false;
	*rc = (int)r;
	return true;
}

int
fsync(int fd)
{
	int rc;

	if (status_fault(C_FSYNC, fd, fd, &rc))
		return rc;
	return real_fsync != NULL ? real_fsync(fd) :
	    (int)syscall(SYS_fsync, fd);
}

int
fallocate(int fd, int mode, off_t off, off_t len)
{
	int rc;

	if (status_fault(C_FALLOCATE, fd, fd, &rc))
		return rc;
	return real_fallocate != NULL ? real_fallocate(fd, mode, off, len) :
	    (int)syscall(SYS_fallocate, fd, mode, off, len);
}

int
sync_file_range(int fd, off64_t off, off64_t len, unsigned int flags)
{
	int rc;

	if (status_fault(C_SYNC_FILE_RANGE, fd, fd, &rc))
		return rc;
	return real_sync_file_range != NULL ?
	    real_sync_file_range(fd, off, len, flags) :
	    (int)syscall(SYS_sync_file_range, fd, off, len, flags);
}

int
fallocate64(int fd, int mode, off_t off, off_t len)
{
	return fallocate(fd, mode, off, len);
}

int
fdatasync(int fd)
{
	int rc;

	if (status_fault(C_FSYNC, fd, fd, &rc))
		return rc;
	return real_fdatasync != NULL ? real_fdatasync(fd) :
	    (int)syscall(SYS_fdatasync, fd);
}

/*
 * A faulted close still closes: Linux frees the descriptor whatever
 * close returns, and a test must not leak it either.
 */
int
close(int fd)
{
	int rc, saved;

	if (status_fault(C_CLOSE, fd, fd, &rc)) {
		saved = errno;
		(void)syscall(SYS_close, fd);
		errno = saved;
		return rc;
	}
	return real_close != NULL ? real_close(fd) :
	    (int)syscall(SYS_close, fd);
}

int
linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
    int flags)
{
	int rc;

	if (status_fault(C_LINKAT, olddirfd, newdirfd, &rc))
		return rc;
	if (real_linkat == NULL) {
		missing();
		return -1;
	}
	return real_linkat(olddirfd, oldpath, newdirfd, newpath, flags);
}

int
link(const char *oldpath, const char *newpath)
{
	int rc;

	if (status_fault(C_LINKAT, AT_FDCWD, AT_FDCWD, &rc))
		return rc;
	if (real_link == NULL) {
		missing();
		return -1;
	}
	return real_link(oldpath, newpath);
}

int
rename(const char *oldpath, const char *newpath)
{
	int rc;

	if (status_fault(C_RENAME, AT_FDCWD, AT_FDCWD, &rc))
		return rc;
	if (real_rename == NULL) {
		missing();
		return -1;
	}
	return real_rename(oldpath, newpath);
}

int
renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath)
{
	int rc;

	if (status_fault(C_RENAME, olddirfd, newdirfd, &rc))
		return rc;
	if (real_renameat == NULL) {
		missing();
		return -1;
	}
	return real_renameat(olddirfd, oldpath, newdirfd, newpath);
}

int
renameat2(int olddirfd, const char *oldpath, int newdirfd,
    const char *newpath, unsigned int flags)
{
	int rc;

	if (status_fault(C_RENAME, olddirfd, newdirfd, &rc))
		return rc;
	if (real_renameat2 == NULL) {
		missing();
		return -1;
	}
	return real_renameat2(olddirfd, oldpath, newdirfd, newpath, flags);
}

/*
 * cachestat(2) has no libc wrapper: zcp calls it through syscall(2).
 * Only that number is looked at; the others go to libc's syscall with
 * the six arguments every system call can take.
 */
#ifndef SYS_cachestat
#define SYS_cachestat	451
#endif

long
syscall(long number, ...)
{
	static long (*real)(long, ...);
	long a[6];
	va_list ap;
	int i, rc;

	va_start(ap, number);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (number == SYS_cachestat &&
	    status_fault(C_CACHESTAT, (int)a[0], (int)a[0], &rc))
		return rc;
	if (real == NULL)
		real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	return real(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
