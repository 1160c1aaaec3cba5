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
#include "cp.h"
#include "options.h"

#define HELP_COLUMN	31
#define DEFAULT_PIPE	((size_t)1 << 20)

enum {
	OPT_ATOMIC = CHAR_MAX + 1,
	OPT_ATTR_ONLY,
	OPT_BACKUP,
	OPT_COPY_CONTENTS,
	OPT_KEEP_DIR_SYMLINK,
	OPT_METHOD,
	OPT_NO_PRESERVE,
	OPT_PARENTS,
	OPT_PIPE_SIZE,
	OPT_PRESERVE,
	OPT_PROGRESS,
	OPT_REFLINK,
	OPT_REMOVE_DEST,
	OPT_SPARSE,
	OPT_STATS,
	OPT_STATS_FILE,
	OPT_STRIP_SLASHES,
	OPT_SYNC,
	OPT_TRACE,
	OPT_HELP,
	OPT_VERSION
};

struct optdef {
	const char	*name;		/* long name, or NULL */
	const char	*shorts;	/* its short letters, or NULL */
	int		 has_arg;
	int		 val;		/* the short option, or OPT_* */
	const char	*arg;		/* as --help shows it */
	const char	*help;		/* lines after the first start "\n" */
};

static const struct optdef optdefs[] = {
	{ "archive", "a", no_argument, 'a', NULL,
	  "same as -dR --preserve=all" },
	{ "atomic", NULL, no_argument, OPT_ATOMIC, NULL,
	  "make each destination file appear whole or not\n"
	  "  at all: write a temporary file in its directory\n"
	  "  and rename it into place when complete" },
	{ "attributes-only", NULL, no_argument, OPT_ATTR_ONLY, NULL,
	  "don't copy the file data, just the attributes" },
	{ "backup", NULL, optional_argument, OPT_BACKUP, "[=CONTROL]",
	  "make a backup of each existing destination file" },
	{ NULL, "b", no_argument, 'b', NULL,
	  "like --backup but does not accept an argument" },
	{ "copy-contents", NULL, no_argument, OPT_COPY_CONTENTS, NULL,
	  "copy contents of special files when recursive" },
	{ NULL, "d", no_argument, 'd', NULL,
	  "same as --no-dereference --preserve=links" },
	{ "force", "f", no_argument, 'f', NULL,
	  "if an existing destination file cannot be\n"
	  "  opened, remove it and try again (this option\n"
	  "  is ignored when the -n option is also used)" },
	{ "interactive", "i", no_argument, 'i', NULL,
	  "prompt before overwrite (overrides a previous -n\n"
	  "  option)" },
	{ NULL, "H", no_argument, 'H', NULL,
	  "follow command-line symbolic links in SOURCE" },
	{ "keep-directory-symlink", NULL, no_argument, OPT_KEEP_DIR_SYMLINK,
	  NULL,
	  "with -r, copy into an existing symlink to a\n"
	  "  directory instead of refusing to replace it" },
	{ "link", "l", no_argument, 'l', NULL,
	  "hard link files instead of copying" },
	{ "dereference", "L", no_argument, 'L', NULL,
	  "always follow symbolic links in SOURCE" },
	{ "method", NULL, required_argument, OPT_METHOD, "=METHOD",
	  "copy by METHOD: auto (the default: the best\n"
	  "  path for each pair, falling back when refused),\n"
	  "  reflink, copy_file_range, sendfile, splice or\n"
	  "  readwrite (that path only; fail where it cannot)" },
	{ "no-clobber", "n", no_argument, 'n', NULL,
	  "do not overwrite an existing file (overrides\n"
	  "  a previous -i option)" },
	{ "no-dereference", "P", no_argument, 'P', NULL,
	  "never follow symbolic links in SOURCE" },
	{ NULL, "p", no_argument, 'p', NULL,
	  "same as --preserve=mode,ownership,timestamps" },
	{ "preserve", NULL, optional_argument, OPT_PRESERVE, "[=ATTR_LIST]",
	  "preserve the specified attributes (default:\n"
	  "  mode,ownership,timestamps), if possible\n"
	  "  additional attributes: links, xattr, all" },
	{ "no-preserve", NULL, required_argument, OPT_NO_PRESERVE,
	  "=ATTR_LIST", "don't preserve the specified attributes" },
	{ "parents", NULL, no_argument, OPT_PARENTS, NULL,
	  "use full source file name under DIRECTORY" },
	{ "pipe-size", NULL, required_argument, OPT_PIPE_SIZE, "=SIZE",
	  "grow pipes to SIZE bytes (e.g. 1M); default:\n"
	  "  /proc/sys/fs/pipe-max-size" },
	{ "progress", NULL, no_argument, OPT_PROGRESS, NULL,
	  "show a one-line meter on standard error" },
	{ "recursive", "Rr", no_argument, 'R', NULL,
	  "copy directories recursively" },
	{ "reflink", NULL, optional_argument, OPT_REFLINK, "[=WHEN]",
	  "control clone/CoW copies. See below" },
	{ "remove-destination", NULL, no_argument, OPT_REMOVE_DEST, NULL,
	  "remove each existing destination file before\n"
	  "  attempting to open it (contrast with --force)" },
	{ "sparse", NULL, required_argument, OPT_SPARSE, "=WHEN",
	  "control creation of sparse files. See below" },
	{ "stats", NULL, optional_argument, OPT_STATS, "[=FORMAT]",
	  "at exit, report files, bytes, time and each\n"
	  "  method's calls on standard error; FORMAT is\n"
	  "  human (the default) or json" },
	{ "stats-file", NULL, required_argument, OPT_STATS_FILE, "=FILE",
	  "write the --stats report to FILE instead" },
	{ "strip-trailing-slashes", NULL, no_argument, OPT_STRIP_SLASHES,
	  NULL, "remove any trailing slashes from each SOURCE\n"
	  "  argument" },
	{ "sync", NULL, no_argument, OPT_SYNC, NULL,
	  "flush each destination file, and its directory,\n"
	  "  to stable storage before reporting success" },
	{ "symbolic-link", "s", no_argument, 's', NULL,
	  "make symbolic links instead of copying" },
	{ "suffix", "S", required_argument, 'S', "=SUFFIX",
	  "override the usual backup suffix" },
	{ "target-directory", "t", required_argument, 't', "=DIRECTORY",
	  "copy all SOURCE arguments into DIRECTORY" },
	{ "no-target-directory", "T", no_argument, 'T', NULL,
	  "treat DEST as a normal file" },
	{ "trace", NULL, no_argument, OPT_TRACE, NULL,
	  "print each method tried and its outcome" },
	{ "debug", NULL, no_argument, OPT_TRACE, NULL,
	  "same as --trace" },
	{ "update", "u", no_argument, 'u', NULL,
	  "copy only when the SOURCE file is newer\n"
	  "  than the destination file or when the\n"
	  "  destination file is missing" },
	{ "verbose", "v", no_argument, 'v', NULL,
	  "explain what is being done" },
	{ "one-file-system", "x", no_argument, 'x', NULL,
	  "stay on this file system" },
	{ NULL, "Z", no_argument, 'Z', NULL,
	  "set SELinux security context of destination\n"
	  "  file to default type" },
	{ "context", NULL, optional_argument, 'Z', "[=CTX]",
	  "like -Z, or if CTX is specified then set the\n"
	  "  SELinux or SMACK security context to CTX" },
	{ "help", NULL, no_argument, OPT_HELP, NULL,
	  "display this help and exit" },
	{ "version", NULL, no_argument, OPT_VERSION, NULL,
	  "output version information and exit" },
};

#define NOPTDEFS	(sizeof(optdefs) / sizeof(optdefs[0]))

static const char *const reflink_args[] = { "auto", "always", "never", NULL };
static const char *const sparse_args[] = { "never", "auto", "always", NULL };
static const enum sparse_mode sparse_modes[] = {
	SPARSE_NEVER, SPARSE_AUTO, SPARSE_ALWAYS
};
static const char *const stats_args[] = { "human", "json", NULL };
static const enum stats_format stats_formats[] = { STATS_HUMAN, STATS_JSON };
static const char *const method_args[] = {
	"auto", "reflink", "copy_file_range", "sendfile", "splice",
	"readwrite", NULL
};
static const char *const preserve_args[] = {
	"mode", "timestamps", "ownership", "links", "context", "xattr", "all",
	NULL
};

enum { P_MODE, P_TIMES, P_OWNER, P_LINKS, P_CONTEXT, P_XATTR, P_ALL };

/* What parsing learns that the checks after it need. */
struct pstate {
	bool		 make_backups;
	const char	*backup_arg;
	bool		 want_context;
};

static void
help_option(const struct optdef *o)
{
	char left[80];
	const char *h = o->help, *nl, *sh;
	int n = 2;

	fputs("  ", stdout);
	if (o->shorts != NULL) {
		for (sh = o->shorts; *sh != '\0'; sh++)
			n += printf("-%c%s", *sh, sh[1] != '\0' ||
			    o->name != NULL ? ", " : "");
	} else
		n += printf("    ");
	if (o->name != NULL) {
		snprintf(left, sizeof(left), "--%s%s", o->name,
		    o->arg != NULL ? o->arg : "");
		n += printf("%s", left);
	}
	if (n + 1 >= HELP_COLUMN) {
		if (n + 2 > HELP_COLUMN + 3 || strchr(h, '\n') != NULL)
			fputs("\n", stdout), n = 0;
		else
			fputs("  ", stdout), n = HELP_COLUMN;
	}
	for (;;) {
		nl = strchr(h, '\n');
		printf("%*s%.*s\n", HELP_COLUMN - n > 0 ? HELP_COLUMN - n : 0,
		    "", (int)(nl != NULL ? nl - h : (long)strlen(h)), h);
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

	printf("Usage: zcp [OPTION]... [-T] SOURCE DEST\n"
	    "  or:  zcp [OPTION]... SOURCE... DIRECTORY\n"
	    "  or:  zcp [OPTION]... -t DIRECTORY SOURCE...\n"
	    "Copy SOURCE to DEST, or multiple SOURCE(s) to DIRECTORY, by the"
	    " fastest path\n"
	    "the kernel allows.  SOURCE - is standard input, DEST - is"
	    " standard output;\n"
	    "a file named - is ./-\n\n"
	    "Mandatory arguments to long options are mandatory for short"
	    " options too.\n");
	for (i = 0; i < NOPTDEFS; i++)
		help_option(&optdefs[i]);
	printf("\n"
	    "By default, sparse SOURCE files are detected by their allocated"
	    " size and\n"
	    "their holes kept (--sparse=auto).  --sparse=always also turns"
	    " runs of zero\n"
	    "bytes into holes; --sparse=never writes every byte.\n"
	    "\n"
	    "When --reflink[=always] is specified, perform a lightweight copy,"
	    " where the\n"
	    "data blocks are copied only when modified.  If this is not"
	    " possible the copy\n"
	    "fails, or if --reflink=auto is specified, fall back to a standard"
	    " copy.\n"
	    "Use --reflink=never to ensure a standard copy is performed.\n"
	    "\n"
	    "The backup suffix is '~', unless set with --suffix or"
	    " SIMPLE_BACKUP_SUFFIX.\n"
	    "The version control method may be selected via the --backup"
	    " option or through\n"
	    "the VERSION_CONTROL environment variable.  Here are the values:\n"
	    "\n"
	    "  none, off       never make backups (even if --backup is given)\n"
	    "  numbered, t     make numbered backups\n"
	    "  existing, nil   numbered if numbered backups exist, simple"
	    " otherwise\n"
	    "  simple, never   always make simple backups\n"
	    "\n"
	    "splice and sendfile from a file into a pipe or socket hand the"
	    " reader the\n"
	    "file's page-cache pages: a later write to the file can show"
	    " through.\n"
	    "--method=readwrite copies the bytes instead.\n"
	    "\n"
	    "Exit status is 0 if everything was copied, 1 otherwise.\n");
}

static void
version(void)
{
	printf("zcp %s\n", PACKAGE_VERSION);
}

static void
bad_arg(const char *what, const char *arg, const char *opt,
    const char *const *valid)
{
	fprintf(stderr, "zcp: %s argument %s for %s\n", what,
	    quote_arg_n(0, arg), quote_arg_n(1, opt));
	fputs("Valid arguments are:\n", stderr);
	for (; *valid != NULL; valid++)
		fprintf(stderr, "  - %s\n", quote_arg(*valid));
	diag_usage(NULL);
}

/*
 * GNU argmatch: an exact match, or an unambiguous prefix.  Returns the
 * index, or -1 after the message.  "" is a prefix of every value, so
 * cp calls it ambiguous; so do we.
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
		if (strncmp(arg, valid[i], len) == 0) {
			ambiguous = found != -1;
			found = i;
		}
	}
	if (found != -1 && !ambiguous)
		return found;
	bad_arg(found != -1 ? "ambiguous" : "invalid", arg, opt, valid);
	return -1;
}

static bool
size_syntax(const char *arg)
{
	size_t digits = strspn(arg, "0123456789");

	if (digits == 0 || (digits > 1 && arg[0] == '0'))
		return false;
	return arg[digits] == '\0' || (strchr("kKmMgGtTpPeE", arg[digits]) !=
	    NULL && arg[digits + 1] == '\0');
}

static int
parse_pipe_size(const char *arg, size_t *size)
{
	uint64_t v;
	int rc = 0;

	/*
	 * Decimal digits and one unit letter, nothing else: strtoumax under
	 * expand_number would wrap "-5" around, read "010" as octal and
	 * take "1k " with its space.
	 */
	if (!size_syntax(arg) || ((rc = expand_number(arg, &v)) == 0 &&
	    v == 0)) {
		diag(0, "invalid pipe size: %s", quote(arg));
		return -1;
	}
	/* With that syntax expand_number fails only with ERANGE. */
	if (rc == -1 || v > INT_MAX) {
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

/*
 * --preserve=LIST and --no-preserve=LIST, comma-separated.  An empty
 * item ("mode,,links", "") is an ambiguous argument, as in cp.
 */
static int
preserve(struct options *o, struct pstate *ps, const char *list, bool on,
    const char *opt)
{
	struct cpopts *cp = &o->cp;
	char *copy = strdup(list), *item, *next;
	int i, rc = 0;

	if (copy == NULL)
		return -1;
	for (item = copy; item != NULL && rc == 0; item = next) {
		if ((next = strchr(item, ',')) != NULL)
			*next++ = '\0';
		if ((i = argmatch(item, opt, preserve_args)) == -1) {
			rc = -1;
			break;
		}
		if (i == P_MODE || i == P_ALL) {
			cp->keep_mode = on;
			cp->no_mode = !on;
		}
		if (i == P_TIMES || i == P_ALL)
			cp->keep_times = on;
		if (i == P_OWNER || i == P_ALL)
			cp->keep_owner = on;
		if (i == P_LINKS || i == P_ALL)
			cp->keep_links = on;
		if (i == P_XATTR || i == P_ALL)
			cp->keep_xattr = on;
		if (i == P_XATTR)
			cp->require_xattr = on;
		if (i == P_CONTEXT)
			ps->want_context = on;
	}
	free(copy);
	return rc;
}

static int
apply_cp(struct options *o, struct pstate *ps, int c, const char *arg)
{
	struct cpopts *cp = &o->cp;

	switch (c) {
	case 'a':
		cp->deref = DEREF_NEVER;
		cp->keep_links = cp->keep_owner = cp->keep_mode = true;
		cp->keep_times = cp->keep_xattr = cp->quiet_xattr = true;
		cp->recursive = true;
		return 0;
	case 'b':
		ps->make_backups = true;
		return 0;
	case OPT_BACKUP:
		ps->make_backups = true;
		ps->backup_arg = arg;
		return 0;
	case 'd':
		cp->deref = DEREF_NEVER;
		cp->keep_links = true;
		return 0;
	case 'p':
		cp->keep_mode = cp->keep_owner = cp->keep_times = true;
		return 0;
	case OPT_PRESERVE:
		if (arg == NULL) {
			cp->keep_mode = cp->keep_owner = cp->keep_times = true;
			return 0;
		}
		return preserve(o, ps, arg, true, "--preserve");
	case OPT_NO_PRESERVE:
		return preserve(o, ps, arg, false, "--no-preserve");
	case 'S':
		ps->make_backups = true;
		cp->suffix = arg;
		return 0;
	case 'Z':
		/*
		 * As cp where the kernel has no SELinux, the only kind zcp
		 * knows: -Z does nothing, and each --context=CTX is
		 * ignored with a warning.
		 */
		if (arg != NULL)
			diag(0, "warning: ignoring --context; it requires an"
			    " SELinux-enabled kernel");
		return 0;
	case 't':
		if (cp->target_dir != NULL) {
			diag(0, "multiple target directories specified");
			return -1;
		}
		cp->target_dir = arg;
		return 0;
	}
	return 1;
}

static int
apply_flag(struct options *o, int c)
{
	struct cpopts *cp = &o->cp;

	switch (c) {
	case OPT_ATOMIC:	cp->atomic = true; break;
	case OPT_ATTR_ONLY:	cp->attr_only = true; break;
	case OPT_COPY_CONTENTS:	cp->copy_contents = true; break;
	case OPT_KEEP_DIR_SYMLINK: cp->keep_dir_symlink = true; break;
	case OPT_PARENTS:	cp->parents = true; break;
	case OPT_REMOVE_DEST:	cp->remove_dest = true; break;
	case OPT_STRIP_SLASHES:	cp->strip_slashes = true; break;
	case OPT_SYNC:		cp->sync = true; break;
	case OPT_TRACE:		o->engine.trace = true; break;
	case OPT_PROGRESS:	o->progress = true; break;
	case 'f':		cp->force = true; break;
	case 'i':		cp->clobber = CLOBBER_ASK; break;
	case 'n':		cp->clobber = CLOBBER_NO; break;
	case 'H':		cp->deref = DEREF_COMMAND_LINE; break;
	case 'L':		cp->deref = DEREF_ALWAYS; break;
	case 'P':		cp->deref = DEREF_NEVER; break;
	case 'l':		cp->hard_link = true; break;
	case 's':		cp->symbolic_link = true; break;
	case 'R':
	case 'r':		cp->recursive = true; break;
	case 'T':		cp->no_target_dir = true; break;
	case 'u':		cp->update = true; break;
	case 'v':		cp->verbose = true; break;
	case 'x':		cp->one_fs = true; break;
	default:		return 1;
	}
	return 0;
}

static int
apply(struct options *o, struct pstate *ps, int c, const char *arg)
{
	int i;

	if ((i = apply_flag(o, c)) != 1 || (i = apply_cp(o, ps, c, arg)) != 1)
		return i;
	switch (c) {
	case OPT_METHOD:
		if ((i = argmatch(arg, "--method", method_args)) == -1)
			return -1;
		o->engine.method = i == 0 ? -1 : method_lookup(method_args[i]);
		return 0;
	case OPT_PIPE_SIZE:
		return parse_pipe_size(arg, &o->engine.pipe_size);
	case OPT_REFLINK:
		if (arg == NULL)
			i = REFLINK_ALWAYS;
		else if ((i = argmatch(arg, "--reflink", reflink_args)) == -1)
			return -1;
		o->engine.reflink = (enum reflink_mode)i;
		return 0;
	case OPT_SPARSE:
		if ((i = argmatch(arg, "--sparse", sparse_args)) == -1)
			return -1;
		o->engine.sparse = sparse_modes[i];
		return 0;
	case OPT_STATS:
		if (arg == NULL)
			i = 0;
		else if ((i = argmatch(arg, "--stats", stats_args)) == -1)
			return -1;
		o->stats = stats_formats[i];
		return 0;
	case OPT_STATS_FILE:
		o->stats_file = arg;
		return 0;
	case OPT_HELP:
		usage();
		return OPTIONS_EXIT;
	case OPT_VERSION:
		version();
		return OPTIONS_EXIT;
	default:
		diag_usage(NULL);
		return -1;
	}
}

/*
 * gnulib's s == last_component(s): not empty, no slash before a name
 * (ours, unlike gnulib's, does not skip leading slashes).
 */
static bool
plain_name(const char *s)
{
	return *s != '\0' && *s != '/' && last_component(s) == s;
}

/*
 * As gnulib's set_simple_backup_suffix and xget_version: an empty
 * suffix, or one that is not a plain name, is "~"; an empty --backup=
 * is as if no CONTROL had been given.
 */
static int
settle_backups(struct options *o, const struct pstate *ps)
{
	const char *env, *s = o->cp.suffix;

	if (s == NULL)
		s = getenv("SIMPLE_BACKUP_SUFFIX");
	o->cp.suffix = s != NULL && plain_name(s) ? s : "~";
	if (!ps->make_backups)
		return 0;
	if (ps->backup_arg != NULL && *ps->backup_arg != '\0')
		return backup_parse(ps->backup_arg, "backup type",
		    &o->cp.backup);
	if ((env = getenv("VERSION_CONTROL")) != NULL && *env != '\0')
		return backup_parse(env, "$VERSION_CONTROL", &o->cp.backup);
	o->cp.backup = BACKUP_EXISTING;
	return 0;
}

/*
 * A forced method that --sparse rules out would fail at the first file,
 * after its destination was truncated: say so now.  --sparse=never
 * avoids the methods that can keep holes, --sparse=always all but
 * read/write, which turns zeros into holes; a clone does neither (so
 * cp takes --reflink=always with --sparse=auto only).
 */
static bool
contradicts_sparse(const struct engine_conf *e)
{
	const char *when = e->sparse == SPARSE_NEVER ? "never" : "always";

	if (e->method < 0 || e->sparse == SPARSE_AUTO ||
	    e->method == M_READWRITE)
		return false;
	if (e->sparse == SPARSE_NEVER && e->method != M_REFLINK &&
	    e->method != M_COPY_FILE_RANGE)
		return false;
	diag_usage("--method=%s and --sparse=%s contradict each other",
	    method_name(e->method), when);
	return true;
}

/* cp's checks after parsing, and its defaults that depend on others. */
static int
check(struct options *o, const struct pstate *ps)
{
	struct cpopts *cp = &o->cp;

	if (cp->hard_link && cp->symbolic_link) {
		diag_usage("cannot make both hard and symbolic links");
		return -1;
	}
	if (ps->make_backups && cp->clobber == CLOBBER_NO) {
		diag_usage("options --backup and --no-clobber are mutually"
		    " exclusive");
		return -1;
	}
	if (o->engine.reflink == REFLINK_ALWAYS &&
	    o->engine.sparse != SPARSE_AUTO) {
		diag_usage("--reflink can be used only with --sparse=auto");
		return -1;
	}
	if (cp->target_dir != NULL && cp->no_target_dir) {
		diag(0, "cannot combine --target-directory (-t) and"
		    " --no-target-directory (-T)");
		return -1;
	}
	if (ps->want_context) {
		diag(0, "cannot preserve security context without an"
		    " SELinux-enabled kernel");
		return -1;
	}
	if (o->engine.reflink == REFLINK_NEVER &&
	    o->engine.method == M_REFLINK) {
		diag_usage("--method=reflink and --reflink=never contradict"
		    " each other");
		return -1;
	}
	if (contradicts_sparse(&o->engine))
		return -1;
	if (o->engine.reflink == REFLINK_ALWAYS && o->engine.method >= 0 &&
	    o->engine.method != M_REFLINK) {
		diag_usage("--reflink=always and --method=%s contradict each"
		    " other", method_name(o->engine.method));
		return -1;
	}
	/* As cp 9.1: -n wins over -u, which would otherwise link. */
	if (cp->clobber == CLOBBER_NO)
		cp->update = false;
	/* A file to write the report to asks for the report. */
	if (o->stats_file != NULL && o->stats == STATS_OFF)
		o->stats = STATS_HUMAN;
	if (cp->deref == DEREF_UNSET)
		cp->deref = cp->recursive && !cp->hard_link ? DEREF_NEVER :
		    DEREF_ALWAYS;
	return settle_backups(o, ps);
}

static void
build_getopt(struct option *longopts, char *shortopts)
{
	const struct optdef *d;
	const char *sh;
	size_t i, n = 0;

	for (i = 0; i < NOPTDEFS; i++) {
		d = &optdefs[i];
		if (d->name != NULL) {
			longopts[n].name = d->name;
			longopts[n].has_arg = d->has_arg;
			longopts[n].flag = NULL;
			longopts[n++].val = d->val;
		}
		for (sh = d->shorts; sh != NULL && *sh != '\0'; sh++) {
			*shortopts++ = *sh;
			if (d->has_arg == required_argument)
				*shortopts++ = ':';
		}
	}
	memset(&longopts[n], 0, sizeof(*longopts));
	*shortopts = '\0';
}

/*
 * Returns 0, -1 after a usage message, or OPTIONS_EXIT once --help or
 * --version has printed.  Never exits, so that a fuzzer can call it
 * again and again; optind is reset for that too.
 */
int
options_scan(int argc, char **argv, struct options *o)
{
	struct option longopts[NOPTDEFS + 1];
	char shortopts[3 * NOPTDEFS + 1];
	struct pstate ps = { 0 };
	int c, rc;

	build_getopt(longopts, shortopts);
	memset(o, 0, sizeof(*o));
	o->engine.method = -1;
	o->engine.pipe_size = pipe_max_size();
	o->engine.sparse = SPARSE_AUTO;
	/* getopt names the program by argv[0]; messages say "zcp:". */
	argv[0] = (char *)"zcp";
	optind = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1)
		if ((rc = apply(o, &ps, c, optarg)) != 0)
			return rc;
	o->noperands = argc - optind;
	o->operands = argv + optind;
	return check(o, &ps);
}

/* As cp: --help and --version print and exit 0 where they stand. */
int
options_parse(int argc, char **argv, struct options *o)
{
	int rc = options_scan(argc, argv, o);

	if (rc == OPTIONS_EXIT)
		exit(0);
	return rc;
}
