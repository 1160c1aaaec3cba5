/*
 * setfl: run a command with O_NONBLOCK set on its standard input and/or
 * output, for testing that a copier waits out EAGAIN instead of failing.
 *
 *	setfl [-0] [-1] -- CMD [ARG...]
 *
 * O_NONBLOCK belongs to the open file description, so whoever shares the
 * pipe or socket end sees it too.  Exit status 125 means setfl itself
 * failed, 127 that CMD could not be run.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
usage(void)
{
	fputs("usage: setfl [-0] [-1] -- CMD [ARG...]\n", stderr);
	exit(125);
}

static void
nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl == -1 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1) {
		fprintf(stderr, "setfl: fd %d: %s\n", fd, strerror(errno));
		exit(125);
	}
}

int
main(int argc, char **argv)
{
	const char *c;
	int i, in = 0, out = 0;

	/*
	 * By hand rather than getopt: the build's libbsd overlay maps getopt
	 * to bsd_getopt, which this helper is not linked with.
	 */
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		for (c = argv[i] + 1; *c != '\0'; c++) {
			if (*c == '0')
				in = 1;
			else if (*c == '1')
				out = 1;
			else
				usage();
		}
	}
	if (i >= argc)
		usage();
	if (in)
		nonblock(STDIN_FILENO);
	if (out)
		nonblock(STDOUT_FILENO);
	execvp(argv[i], argv + i);
	fprintf(stderr, "setfl: %s: %s\n", argv[i], strerror(errno));
	return 127;
}
