/*
 * sockrun: run a command with real connected sockets as its standard
 * input and/or output, for testing socket sources and destinations.
 *
 *	sockrun [-t unix|tcp] [-i INFILE] [-o OUTFILE] [-n] -- CMD [ARG...]
 *
 * -i: fd 0 of CMD is one end of a socket; INFILE is written into the
 *     other end, which is then shut down for writing (CMD sees EOF).
 * -o: fd 1 of CMD is one end of a socket; everything read from the other
 *     end until EOF goes to OUTFILE (when OUTFILE is a pipe whose reader
 *     goes away, the socket is closed, so CMD sees its reader go too).
 * -t: unix (socketpair, the default) or tcp (a connection over 127.0.0.1).
 * -n: O_NONBLOCK on CMD's socket ends.
 *
 * Feeding and draining share one poll loop, so a command that writes
 * before it has read all its input cannot deadlock against us.  The exit
 * status is CMD's (128 + the signal if it was killed); 125 means sockrun
 * itself failed, 127 that CMD could not be run.
 */
#define _GNU_SOURCE

#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FAIL	125
#define BUFSZ	(64 * 1024)

static void
die(const char *what)
{
	fprintf(stderr, "sockrun: %s: %s\n", what, strerror(errno));
	exit(FAIL);
}

static void
usage(void)
{
	fputs("usage: sockrun [-t unix|tcp] [-i INFILE] [-o OUTFILE] [-n]"
	    " -- CMD [ARG...]\n", stderr);
	exit(FAIL);
}

/* A connected TCP pair over the loopback: sv[0] accepted, sv[1] connected. */
static void
tcp_pair(int sv[2])
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int lfd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = 0;
	if ((lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		die("socket");
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		die("bind 127.0.0.1:0");
	if (listen(lfd, 1) == -1)
		die("listen");
	if (getsockname(lfd, (struct sockaddr *)&sin, &len) == -1)
		die("getsockname");
	if ((sv[1] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		die("socket");
	if (connect(sv[1], (struct sockaddr *)&sin, sizeof(sin)) == -1)
		die("connect");
	if ((sv[0] = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) == -1)
		die("accept");
	(void)close(lfd);
}

/* sv[0] goes to the command, sv[1] stays with us. */
static void
make_pair(bool tcp, int sv[2])
{
	if (tcp)
		tcp_pair(sv);
	else if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		die("socketpair");
}

static void
set_flag(int fd, int flag)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl == -1 || fcntl(fd, F_SETFL, fl | flag) == -1)
		die("fcntl");
}

static pid_t
spawn(char **argv, int in, int out, bool nonblock)
{
	pid_t pid;

	if (nonblock) {
		if (in != -1)
			set_flag(in, O_NONBLOCK);
		if (out != -1)
			set_flag(out, O_NONBLOCK);
	}
	if ((pid = fork()) == -1)
		die("fork");
	if (pid != 0)
		return pid;
	/* dup2 clears FD_CLOEXEC; every other socket of ours has it set. */
	if ((in != -1 && dup2(in, STDIN_FILENO) == -1) ||
	    (out != -1 && dup2(out, STDOUT_FILENO) == -1)) {
		perror("sockrun: dup2");
		_exit(FAIL);
	}
	(void)signal(SIGPIPE, SIG_DFL);
	execvp(argv[0], argv);
	fprintf(stderr, "sockrun: %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

struct feed {
	int	 src, sock;		/* INFILE, our end of the stdin socket */
	char	 buf[BUFSZ];
	size_t	 off, len;
	bool	 eof;
};

/* Feed what we can without blocking; returns false once feeding is over. */
static bool
feed_some(struct feed *f)
{
	ssize_t n;

	for (;;) {
		if (f->off == f->len && !f->eof) {
			n = read(f->src, f->buf, sizeof(f->buf));
			if (n == -1 && errno == EINTR)
				continue;
			if (n == -1)
				die("read INFILE");
			if (n == 0)
				f->eof = true;
			f->off = 0;
			f->len = (size_t)n;
		}
		if (f->off == f->len) {
			/* All sent: the command sees EOF on its stdin. */
			(void)shutdown(f->sock, SHUT_WR);
			return false;
		}
		n = write(f->sock, f->buf + f->off, f->len - f->off);
		if (n > 0) {
			f->off += (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return true;
		/* The command closed its stdin early: stop feeding. */
		if (n == -1 && (errno == EPIPE || errno == ECONNRESET))
			return false;
		die("write to the stdin socket");
	}
}

/* Drain what is there; returns false at EOF. */
static bool
drain_some(int sock, int dst)
{
	char buf[BUFSZ];
	ssize_t n, w, off;

	for (;;) {
		n = read(sock, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return true;
		if (n == -1 && errno == ECONNRESET)
			return false;
		if (n == -1)
			die("read from the stdout socket");
		if (n == 0)
			return false;
		for (off = 0; off < n; off += w) {
			w = write(dst, buf + off, (size_t)(n - off));
			if (w == -1 && errno == EINTR) {
				w = 0;
				continue;
			}
			/*
			 * OUTFILE's reader went away (-o /dev/stdout | head):
			 * hang up so the command sees its reader go too.
			 */
			if (w == -1 && errno == EPIPE) {
				(void)close(sock);
				return false;
			}
			if (w <= 0)
				die("write OUTFILE");
		}
	}
}

static void
pump(struct feed *f, int osock, int dst)
{
	struct pollfd p[2];
	bool feeding = f != NULL, draining = osock != -1;
	nfds_t n;

	if (feeding)
		feeding = feed_some(f);
	while (feeding || draining) {
		n = 0;
		if (feeding) {
			p[n].fd = f->sock;
			p[n++].events = POLLOUT;
		}
		if (draining) {
			p[n].fd = osock;
			p[n++].events = POLLIN;
		}
		if (poll(p, n, -1) == -1) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (feeding && p[0].revents != 0)
			feeding = feed_some(f);
		if (draining && p[n - 1].revents != 0)
			draining = drain_some(osock, dst);
	}
}

int
main(int argc, char **argv)
{
	const char *infile = NULL, *outfile = NULL, *arg;
	struct feed *f = NULL;
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, dst = -1, c, i, status;
	bool tcp = false, nonblock = false;
	pid_t pid;

	/*
	 * By hand rather than getopt: the build's libbsd overlay maps getopt
	 * to bsd_getopt, which this helper is not linked with.
	 */
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		c = argv[i][1];
		if (c == 'n' && argv[i][2] == '\0') {
			nonblock = true;
			continue;
		}
		if (c != 't' && c != 'i' && c != 'o')
			usage();
		if ((arg = argv[i][2] != '\0' ? argv[i] + 2 : argv[++i]) == NULL)
			usage();
		if (c == 'i')
			infile = arg;
		else if (c == 'o')
			outfile = arg;
		else if (strcmp(arg, "tcp") == 0)
			tcp = true;
		else if (strcmp(arg, "unix") == 0)
			tcp = false;
		else
			usage();
	}
	if (i >= argc)
		usage();
	/* A closed command must show up as EPIPE, not kill us. */
	(void)signal(SIGPIPE, SIG_IGN);

	if (infile != NULL) {
		if ((f = calloc(1, sizeof(*f))) == NULL)
			die("calloc");
		if ((f->src = open(infile, O_RDONLY | O_CLOEXEC)) == -1)
			die(infile);
		make_pair(tcp, in);
		f->sock = in[1];
		set_flag(f->sock, O_NONBLOCK);
	}
	if (outfile != NULL) {
		dst = open(outfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0666);
		if (dst == -1)
			die(outfile);
		make_pair(tcp, out);
		set_flag(out[1], O_NONBLOCK);
	}
	pid = spawn(argv + i, in[0], out[0], nonblock);
	/* Only the command may hold its ends, or EOF never comes. */
	if (in[0] != -1)
		(void)close(in[0]);
	if (out[0] != -1)
		(void)close(out[0]);

	pump(f, out[1], dst);

	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			die("waitpid");
	if (dst != -1 && close(dst) == -1)
		die("close OUTFILE");
	if (f != NULL) {
		(void)close(f->src);
		free(f);
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
