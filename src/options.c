/*
 * options: the option table, argument parsing with GNU cp's messages, and
 * --help made from the table.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "options.h"

#define HELP_COLUMN	31
#define DEFAULT_PIPE	((size_t)1 << 20)

enum {
	OPT_METHOD = CHAR_MAX + 1,
	OPT_PIPE_SIZE,
	OPT_REFLINK,
	OPT_TRACE,
	OPT_HELP,
	OPT_VERSION
};

struct optdef {
	const char	*name;
	int		 has_arg;
	int		 val;		/* the short option, or OPT_* */
	const char	*arg;		/* as --help shows it */
	const char	*help;		/* lines after the first start "\n" */
};

static const struct optdef optdefs[] = {
	{ "method", required_argument, OPT_METHOD, "=METHOD",
	  "copy by METHOD: auto (the default: the best\n"
	  "path for each pair, falling back when refused),\n"
	  "reflink, copy_file_range, sendfile, splice or\n"
	  "readwrite (that path only; fail where it cannot)" },
	{ "pipe-size", required_argument, OPT_PIPE_SIZE, "=SIZE",
	  "grow pipes to SIZE bytes (e.g. 1M); default:\n"
	  "/proc/sys/fs/pipe-max-size" },
	{ "reflink", optional_argument, OPT_REFLINK, "[=WHEN]",
	  "control clone/CoW copies. See below" },
	{ "trace", no_argument, OPT_TRACE, NULL,
	  "print each method tried and its outcome" },
	{ "debug", no_argument, OPT_TRACE, NULL,
	  "same as --trace" },
	{ "help", no_argument, OPT_HELP, NULL,
	  "display this help and exit" },
	{ "version", no_argument, OPT_VERSION, NULL,
	  "output version information and exit" },
};

#define NOPTDEFS	(sizeof(optdefs) / sizeof(optdefs[0]))

static const char *const reflink_args[] = { "auto", "always", "never", NULL };
static const char *const method_args[] = {
	"auto", "reflink", "copy_file_range", "sendfile", "splice",
	"readwrite", NULL
};

static void
help_option(const struct optdef *o)
{
	char left[64];
	const char *h = o->help, *nl;
	int n;

	if (o->val < CHAR_MAX)
		n = snprintf(left, sizeof(left), "  -%c, --%s%s", o->val,
		    o->name, o->arg != NULL ? o->arg : "");
	else
		n = snprintf(left, sizeof(left), "      --%s%s", o->name,
		    o->arg != NULL ? o->arg : "");
	fputs(left, stdout);
	if (n + 1 >= HELP_COLUMN) {
		putchar('\n');
		n = 0;
	}
	for (;;) {
		nl = strchr(h, '\n');
		printf("%*s%.*s\n", HELP_COLUMN - n, "",
		    (int)(nl != NULL ? nl - h : (long)strlen(h)), h);
		if (nl == NULL)
			break;
		h = nl + 1;
		n = 0;
	}
}

static void
usage(void)
{
	size_t i;

	printf("Usage: zcp [OPTION]... SOURCE DEST\n"
	    "Copy SOURCE to DEST by the fastest path the kernel allows.\n"
	    "SOURCE - is standard input and DEST - is standard output; a file"
	    " named - is ./-\n\n");
	for (i = 0; i < NOPTDEFS; i++)
		help_option(&optdefs[i]);
	printf("\n"
	    "When --reflink[=always] is specified, perform a lightweight copy,"
	    " where the\n"
	    "data blocks are copied only when modified.  If this is not"
	    " possible the copy\n"
	    "fails, or if --reflink=auto is specified, fall back to a standard"
	    " copy.\n"
	    "Use --reflink=never to ensure a standard copy is performed.\n"
	    "\n"
	    "splice and sendfile from a file into a pipe or socket hand the"
	    " reader the\n"
	    "file's page-cache pages: a later write to the file can show"
	    " through.\n"
	    "--method=readwrite copies the bytes instead.\n"
	    "\n"
	    "Exit status is 0 if every byte was copied, 1 otherwise.\n");
	exit(0);
}

static void
version(void)
{
	printf("zcp %s\n", PACKAGE_VERSION);
	exit(0);
}

static void
bad_arg(const char *what, const char *arg, const char *opt,
    const char *const *valid)
{
	fprintf(stderr, "zcp: %s argument '%s' for '--%s'\n", what, arg, opt);
	fputs("Valid arguments are:\n", stderr);
	for (; *valid != NULL; valid++)
		fprintf(stderr, "  - '%s'\n", *valid);
	diag_usage(NULL);
}

/*
 * GNU argmatch: an exact match, or an unambiguous prefix.  Returns the
 * index, or -1 after the message.
 */
static int
argmatch(const char *arg, const char *opt, const char *const *valid)
{
	size_t len = strlen(arg);
	int i, found = -1;
	bool ambiguous = false;

	for (i = 0; valid[i] != NULL; i++) {
		if (strcmp(arg, valid[i]) == 0)
			return i;
		if (len > 0 && strncmp(arg, valid[i], len) == 0) {
			ambiguous = found != -1;
			found = i;
		}
	}
	if (found != -1 && !ambiguous)
		return found;
	bad_arg(found != -1 ? "ambiguous" : "invalid", arg, opt, valid);
	return -1;
}

static int
parse_pipe_size(const char *arg, size_t *size)
{
	uint64_t v;

	/* strtoumax, under expand_number, would wrap "-5" around. */
	if (*arg == '-' || expand_number(arg, &v) == -1 || v == 0) {
		if (*arg != '-' && errno == ERANGE)
			diag(EOVERFLOW, "invalid pipe size: %s", quote(arg));
		else
			diag(0, "invalid pipe size: %s", quote(arg));
		return -1;
	}
	if (v > INT_MAX) {
		diag(EOVERFLOW, "invalid pipe size: %s", quote(arg));
		return -1;
	}
	*size = (size_t)v;
	return 0;
}

static size_t
pipe_max_size(void)
{
	unsigned long v;
	FILE *f;
	int n;

	if ((f = fopen("/proc/sys/fs/pipe-max-size", "re")) == NULL)
		return DEFAULT_PIPE;
	n = fscanf(f, "%lu", &v);
	fclose(f);
	return n == 1 && v > 0 && v <= INT_MAX ? (size_t)v : DEFAULT_PIPE;
}

static int
apply(struct options *o, int c, const char *arg)
{
	int i;

	switch (c) {
	case OPT_METHOD:
		if ((i = argmatch(arg, "method", method_args)) == -1)
			return -1;
		o->engine.method = i == 0 ? -1 : method_lookup(method_args[i]);
		return 0;
	case OPT_PIPE_SIZE:
		return parse_pipe_size(arg, &o->engine.pipe_size);
	case OPT_REFLINK:
		if (arg == NULL)
			i = REFLINK_ALWAYS;
		else if ((i = argmatch(arg, "reflink", reflink_args)) == -1)
			return -1;
		o->engine.reflink = (enum reflink_mode)i;
		return 0;
	case OPT_TRACE:
		o->engine.trace = true;
		return 0;
	case OPT_HELP:
		usage();
		return 0;
	case OPT_VERSION:
		version();
		return 0;
	default:
		diag_usage(NULL);
		return -1;
	}
}

static int
check(const struct options *o)
{
	if (o->engine.reflink == REFLINK_NEVER &&
	    o->engine.method == M_REFLINK) {
		diag_usage("--method=reflink and --reflink=never contradict"
		    " each other");
		return -1;
	}
	if (o->engine.reflink == REFLINK_ALWAYS && o->engine.method >= 0 &&
	    o->engine.method != M_REFLINK) {
		diag_usage("--reflink=always and --method=%s contradict each"
		    " other", method_name(o->engine.method));
		return -1;
	}
	return 0;
}

/* Returns 0, or -1 after a usage message. */
int
options_parse(int argc, char **argv, struct options *o)
{
	struct option longopts[NOPTDEFS + 1];
	char shortopts[2 * NOPTDEFS + 2], *sp = shortopts;
	size_t i;
	int c;

	memset(longopts, 0, sizeof(longopts));
	for (i = 0; i < NOPTDEFS; i++) {
		longopts[i].name = optdefs[i].name;
		longopts[i].has_arg = optdefs[i].has_arg;
		longopts[i].val = optdefs[i].val;
		if (optdefs[i].val < CHAR_MAX) {
			*sp++ = (char)optdefs[i].val;
			if (optdefs[i].has_arg == required_argument)
				*sp++ = ':';
		}
	}
	*sp = '\0';

	memset(o, 0, sizeof(*o));
	o->engine.method = -1;
	o->engine.pipe_size = pipe_max_size();
	/* getopt names the program by argv[0]; messages say "zcp:". */
	argv[0] = (char *)"zcp";
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1)
		if (apply(o, c, optarg) == -1)
			return -1;
	o->noperands = argc - optind;
	o->operands = argv + optind;
	return check(o);
}
