/*
 * options: the option table, argument parsing with GNU cp's messages, and
 * --help made from the table.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "cp.h"
#include "method.h"
#include "options.h"

#define HELP_COLUMN	31
#define HELP_TEXT	48		/* columns of a description */
#define DEFAULT_PIPE	((size_t)1 << 20)

/* What parsing learns that the checks after it need. */
struct pstate {
	bool		 make_backups;
	const char	*backup_arg;
	bool		 want_context;
};

/* A value an option argument may name, and what it stands for. */
struct choice {
	const char	*name;
	int		 value;
};

enum optrc { OPT_OK = 0, OPT_FAIL = -1, OPT_DONE = OPTIONS_EXIT };

/* What an option does with its table entry (struct optdef). */
enum optset {
	SET_TRUE,		/* the bool at field becomes true */
	SET_VALUE,		/* the int at field becomes value */
	SET_CHOICE,		/* the int at field becomes the value of the
				 * argument among choices (value if none) */
	SET_STRING,		/* the string at field becomes the argument */
	SET_CALL		/* call(o, ps, arg) */
};

struct optdef {
	const char	*name;		/* long name, or NULL */
	const char	*shorts;	/* its short letters, or NULL */
	int		 has_arg;
	const char	*arg;		/* as --help shows it */
	const char	*help;		/* lines after the first start "\n" */
	enum optset	 set;
	size_t		 field;		/* offsetof(struct options, ...) */
	int		 value;
	const struct choice *choices;
	enum optrc	 (*call)(struct options *, struct pstate *,
			    const char *);
};

#define F(m)		offsetof(struct options, m)
#define FLAG(m)		SET_TRUE, F(m), 0, NULL, NULL
#define VALUE(m, v)	SET_VALUE, F(m), (v), NULL, NULL
#define CHOICE(m, c, v)	SET_CHOICE, F(m), (v), (c), NULL
#define CALL(fn)	SET_CALL, 0, 0, NULL, (fn)

static enum optrc	 set_archive(struct options *, struct pstate *,
			    const char *);
static enum optrc	 set_backup(struct options *, struct pstate *,
			    const char *);
static enum optrc	 set_suffix(struct options *, struct pstate *,
			    const char *);
static enum optrc	 set_bench(struct options *, struct pstate *,
			    const char *);
static enum optrc	 set_bwlimit(struct options *, struct pstate *,
			    const char *);
static enum optrc	 set_d(struct options *, struct pstate *,
			    const char *);
static enum optrc	 set_debug(struct options *, struct pstate *,
			    const char *);
static enum optrc	 set_p(struct options *, struct pstate *,
			    const char *);
static enum optrc	 set_preserve(struct options *, struct pstate *,
			    const char *);
static enum optrc	 set_no_preserve(struct options *, struct pstate *,
			    const char *);
static enum optrc	 set_method(struct options *, struct pstate *,
			    const char *);
static enum optrc	 set_pipe_size(struct options *, struct pstate *,
			    const char *);
static enum optrc	 set_target(struct options *, struct pstate *,
			    const char *);
static enum optrc	 set_context(struct options *, struct pstate *,
			    const char *);
static enum optrc	 set_jobs(struct options *, struct pstate *,
			    const char *);
static enum optrc	 set_interactive(struct options *, struct pstate *,
			    const char *);
static enum optrc	 set_update(struct options *, struct pstate *,
			    const char *);
static enum optrc	 set_verify(struct options *, struct pstate *,
			    const char *);
static enum optrc	 show_help(struct options *, struct pstate *,
			    const char *);
static enum optrc	 show_version(struct options *, struct pstate *,
			    const char *);

static const struct choice reflink_choices[] = {
	{ "auto", REFLINK_AUTO }, { "always", REFLINK_ALWAYS },
	{ "never", REFLINK_NEVER }, { NULL, 0 }
};
static const struct choice sparse_choices[] = {
	{ "never", SPARSE_NEVER }, { "auto", SPARSE_AUTO },
	{ "always", SPARSE_ALWAYS }, { NULL, 0 }
};
static const struct choice update_choices[] = {
	{ "all", UPDATE_ALL }, { "none", UPDATE_NONE },
	{ "none-fail", UPDATE_NONE_FAIL }, { "older", UPDATE_OLDER },
	{ NULL, 0 }
};
static const struct choice stats_choices[] = {
	{ "human", STATS_HUMAN }, { "json", STATS_JSON }, { NULL, 0 }
};
/* gnulib's backupfile: each kind under two names. */
static const struct choice backup_choices[] = {
	{ "none", BACKUP_NONE }, { "off", BACKUP_NONE },
	{ "simple", BACKUP_SIMPLE }, { "never", BACKUP_SIMPLE },
	{ "existing", BACKUP_EXISTING }, { "nil", BACKUP_EXISTING },
	{ "numbered", BACKUP_NUMBERED }, { "t", BACKUP_NUMBERED },
	{ NULL, 0 }
};

enum { P_MODE, P_TIMES, P_OWNER, P_LINKS, P_CONTEXT, P_XATTR, P_ALL };

static const struct choice preserve_choices[] = {
	{ "mode", P_MODE }, { "timestamps", P_TIMES },
	{ "ownership", P_OWNER }, { "links", P_LINKS },
	{ "context", P_CONTEXT }, { "xattr", P_XATTR }, { "all", P_ALL },
	{ NULL, 0 }
};

static const struct optdef optdefs[] = {
	{ "archive", "a", no_argument, NULL,
	  "same as -dR --preserve=all",
	  CALL(set_archive) },
	{ "atomic", NULL, no_argument, NULL,
	  "make each destination file appear whole or not\n"
	  "  at all: write a temporary file in its directory\n"
	  "  and rename it into place when complete",
	  FLAG(cp.atomic) },
	{ "attributes-only", NULL, no_argument, NULL,
	  "don't copy the file data, just the attributes",
	  FLAG(cp.attr_only) },
	{ "backup", NULL, optional_argument, "[=CONTROL]",
	  "make a backup of each existing destination file",
	  CALL(set_backup) },
	{ NULL, "b", no_argument, NULL,
	  "like --backup but does not accept an argument",
	  CALL(set_backup) },
	{ "bench", NULL, optional_argument, "[=N]",
	  "copy SOURCE to DEST N times (default 5) with\n"
	  "  auto and with each method the pair allows, and\n"
	  "  print a table of their times; DEST is removed",
	  CALL(set_bench) },
	{ "bwlimit", NULL, required_argument, "=RATE",
	  "copy at most RATE bytes a second (e.g. 50M;\n"
	  "  k, M, G multiply by 1024, 1024^2, 1024^3)",
	  CALL(set_bwlimit) },
	{ "cold", NULL, no_argument, NULL,
	  "with --bench, drop the source from the page\n"
	  "  cache before each round",
	  VALUE(bench_cache, CACHE_COLD) },
	{ "copy-contents", NULL, no_argument, NULL,
	  "copy contents of special files when recursive",
	  FLAG(cp.copy_contents) },
	{ NULL, "d", no_argument, NULL,
	  "same as --no-dereference --preserve=links",
	  CALL(set_d) },
	{ "debug", NULL, no_argument, NULL,
	  "explain how a file is copied.  Implies -v",
	  CALL(set_debug) },
	{ "force", "f", no_argument, NULL,
	  "if an existing destination file cannot be\n"
	  "  opened, remove it and try again (this option\n"
	  "  is ignored when the -n option is also used)",
	  FLAG(cp.force) },
	{ "interactive", "i", no_argument, NULL,
	  "prompt before overwrite (overrides a previous -n\n"
	  "  or --update=none[-fail] option)",
	  CALL(set_interactive) },
	{ "hot", NULL, no_argument, NULL,
	  "with --bench, read the source once first",
	  VALUE(bench_cache, CACHE_HOT) },
	{ NULL, "H", no_argument, NULL,
	  "follow command-line symbolic links in SOURCE",
	  VALUE(cp.deref, DEREF_COMMAND_LINE) },
	{ "jobs", "j", required_argument, "=N",
	  "copy N files at a time (auto: one per CPU this\n"
	  "  process may use, the default; 1: one by one)",
	  CALL(set_jobs) },
	{ "keep", NULL, no_argument, NULL,
	  "with --bench, keep the last round's DEST",
	  FLAG(bench_keep) },
	{ "keep-directory-symlink", NULL, no_argument, NULL,
	  "with -r, copy into an existing symlink to a\n"
	  "  directory instead of refusing to replace it",
	  FLAG(cp.keep_dir_symlink) },
	{ "link", "l", no_argument, NULL,
	  "hard link files instead of copying",
	  FLAG(cp.hard_link) },
	{ "dereference", "L", no_argument, NULL,
	  "always follow symbolic links in SOURCE",
	  VALUE(cp.deref, DEREF_ALWAYS) },
	{ "method", NULL, required_argument, "=METHOD",
	  NULL,
	  CALL(set_method) },
	{ "nocache", NULL, no_argument, NULL,
	  "drop what was copied from the page cache as the\n"
	  "  copy goes, from source and destination",
	  FLAG(engine.nocache) },
	{ "no-clobber", "n", no_argument, NULL,
	  "do not overwrite an existing file (overrides\n"
	  "  a previous -i option)",
	  VALUE(cp.clobber, CLOBBER_NO) },
	{ "no-dereference", "P", no_argument, NULL,
	  "never follow symbolic links in SOURCE",
	  VALUE(cp.deref, DEREF_NEVER) },
	{ NULL, "p", no_argument, NULL,
	  "same as --preserve=mode,ownership,timestamps",
	  CALL(set_p) },
	{ "preserve", NULL, optional_argument, "[=ATTR_LIST]",
	  "preserve the specified attributes (default:\n"
	  "  mode,ownership,timestamps), if possible\n"
	  "  additional attributes: links, xattr, all",
	  CALL(set_preserve) },
	{ "no-preserve", NULL, required_argument, "=ATTR_LIST",
	  "don't preserve the specified attributes",
	  CALL(set_no_preserve) },
	{ "parents", NULL, no_argument, NULL,
	  "use full source file name under DIRECTORY",
	  FLAG(cp.parents) },
	{ "pipe-size", NULL, required_argument, "=SIZE",
	  "grow pipes to SIZE bytes (e.g. 1M); default:\n"
	  "  /proc/sys/fs/pipe-max-size",
	  CALL(set_pipe_size) },
	{ "progress", NULL, no_argument, NULL,
	  "show a one-line meter on standard error",
	  FLAG(progress) },
	{ "recursive", "Rr", no_argument, NULL,
	  "copy directories recursively",
	  FLAG(cp.recursive) },
	{ "reflink", NULL, optional_argument, "[=WHEN]",
	  "control clone/CoW copies. See below",
	  CHOICE(engine.reflink, reflink_choices, REFLINK_ALWAYS) },
	{ "remove-destination", NULL, no_argument, NULL,
	  "remove each existing destination file before\n"
	  "  attempting to open it (contrast with --force)",
	  FLAG(cp.remove_dest) },
	{ "resume", NULL, no_argument, NULL,
	  "where a destination file holds the source's\n"
	  "  first bytes, check them and copy only the rest;\n"
	  "  otherwise copy the whole file",
	  FLAG(cp.resume) },
	{ "sparse", NULL, required_argument, "=WHEN",
	  "control creation of sparse files. See below",
	  CHOICE(engine.sparse, sparse_choices, 0) },
	{ "stats", NULL, optional_argument, "[=FORMAT]",
	  "at exit, report files, bytes, time and each\n"
	  "  method's calls on standard error; FORMAT is\n"
	  "  human (the default) or json",
	  CHOICE(stats, stats_choices, STATS_HUMAN) },
	{ "stats-file", NULL, required_argument, "=FILE",
	  "write the --stats report to FILE instead",
	  SET_STRING, F(stats_file), 0, NULL, NULL },
	{ "strip-trailing-slashes", NULL, no_argument, NULL,
	  "remove any trailing slashes from each SOURCE\n"
	  "  argument",
	  FLAG(cp.strip_slashes) },
	{ "sync", NULL, no_argument, NULL,
	  "flush each destination file, and its directory,\n"
	  "  to stable storage before reporting success",
	  FLAG(cp.sync) },
	{ "symbolic-link", "s", no_argument, NULL,
	  "make symbolic links instead of copying",
	  FLAG(cp.symbolic_link) },
	{ "suffix", "S", required_argument, "=SUFFIX",
	  "override the usual backup suffix",
	  CALL(set_suffix) },
	{ "target-directory", "t", required_argument, "=DIRECTORY",
	  "copy all SOURCE arguments into DIRECTORY",
	  CALL(set_target) },
	{ "no-target-directory", "T", no_argument, NULL,
	  "treat DEST as a normal file",
	  FLAG(cp.no_target_dir) },
	{ "trace", NULL, no_argument, NULL,
	  "print each method tried and its outcome",
	  FLAG(engine.trace) },
	{ "update", NULL, optional_argument, "[=WHEN]",
	  "control which existing files are replaced;\n"
	  "  WHEN is all, none, none-fail or older (the\n"
	  "  default).  See below",
	  CALL(set_update) },
	{ NULL, "u", no_argument, NULL,
	  "same as --update=older",
	  CALL(set_update) },
	{ "verbose", "v", no_argument, NULL,
	  "explain what is being done",
	  FLAG(cp.verbose) },
	{ "verify", NULL, no_argument, NULL,
	  "read each copied file back from the disk and\n"
	  "  compare it with its source",
	  CALL(set_verify) },
	{ "one-file-system", "x", no_argument, NULL,
	  "stay on this file system",
	  FLAG(cp.one_fs) },
	{ NULL, "Z", no_argument, NULL,
	  "set SELinux security context of destination\n"
	  "  file to default type",
	  CALL(set_context) },
	{ "context", NULL, optional_argument, "[=CTX]",
	  "like -Z, or if CTX is specified then set the\n"
	  "  SELinux or SMACK security context to CTX",
	  CALL(set_context) },
	{ "help", NULL, no_argument, NULL,
	  "display this help and exit",
	  CALL(show_help) },
	{ "version", NULL, no_argument, NULL,
	  "output version information and exit",
	  CALL(show_version) },
};

#define NOPTDEFS	(sizeof(optdefs) / sizeof(optdefs[0]))

/* One line of --help's description, at its column; n: where we are. */
static void
help_line(int n, const char *text, int len)
{
	printf("%*s%.*s\n", HELP_COLUMN - n > 0 ? HELP_COLUMN - n : 0, "",
	    len, text);
}

static void
help_option(const struct optdef *o, const char *help)
{
	const char *h = help, *nl, *sh;
	int n = 2;

	fputs("  ", stdout);
	if (o->shorts != NULL) {
		for (sh = o->shorts; *sh != '\0'; sh++)
			n += printf("-%c%s", *sh, sh[1] != '\0' ||
			    o->name != NULL ? ", " : "");
	} else
		n += printf("    ");
	if (o->name != NULL)
		n += printf("--%s%s", o->name, o->arg != NULL ? o->arg : "");
	if (n + 1 >= HELP_COLUMN) {
		if (n + 2 > HELP_COLUMN + 3 || strchr(h, '\n') != NULL)
			fputs("\n", stdout), n = 0;
		else
			fputs("  ", stdout), n = HELP_COLUMN;
	}
	for (;;) {
		nl = strchr(h, '\n');
		help_line(n, h, (int)(nl != NULL ? nl - h : (long)strlen(h)));
		if (nl == NULL)
			break;
		h = nl + 1;
		n = 0;
	}
}

/* text into buf, a line of --help after another, words wrapped. */
static size_t
help_wrap(char *buf, size_t size, const char *text)
{
	size_t n = 0, line = 0, len;

	while (*text != '\0' && n < size) {
		len = strcspn(text, " ");
		if (line > 0 && line + 1 + len > HELP_TEXT) {
			n += (size_t)snprintf(buf + n, size - n, "\n  ");
			line = 0;
		} else if (line > 0)
			n += (size_t)snprintf(buf + n, size - n, " "), line++;
		if (n < size)
			n += (size_t)snprintf(buf + n, size - n, "%.*s",
			    (int)len, text);
		line += len;
		text += len + strspn(text + len, " ");
	}
	return n;
}

/*
 * --method's description, with the methods of methods.c's table, so
 * that a new method shows here by itself.
 */
static void
method_help(char *buf, size_t size)
{
	char list[256];
	size_t n = 0;
	int i;

	for (i = 0; i < M_NMETHODS && n < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
		    method_name((enum method_id)i), i + 2 < M_NMETHODS ? ", " :
		    i + 1 < M_NMETHODS ? " or " : "");
	if (n < sizeof(list))
		snprintf(list + n, sizeof(list) - n, " (that path only; fail"
		    " where it cannot)");
	n = (size_t)snprintf(buf, size, "copy by METHOD: auto (the default:"
	    " the best\n  path for each pair, falling back when refused),\n"
	    "  ");
	if (n < size)
		help_wrap(buf + n, size - n, list);
}

/* What --help says after the options. */
static const char usage_notes[] =
    "\n"
    "By default, sparse SOURCE files are detected by their allocated"
    " size and\n"
    "their holes kept (--sparse=auto).  --sparse=always also turns"
    " runs of zero\n"
    "bytes into holes; --sparse=never writes every byte.\n"
    "\n"
    "WHEN for --update says which existing files in the destination"
    " are replaced.\n"
    "'all' (the default without --update) replaces every one.  'none'"
    " replaces\n"
    "none, like --no-clobber, and skipping them is no failure."
    "  'none-fail' also\n"
    "replaces none, but names each one skipped and exits 1.  'older'"
    " (the default\n"
    "with --update, and -u) replaces those older than their source.\n"
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
    "Exit status is 0 if everything was copied, 1 otherwise.\n";

static void
usage(void)
{
	char mhelp[256];
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
	method_help(mhelp, sizeof(mhelp));
	for (i = 0; i < NOPTDEFS; i++)
		help_option(&optdefs[i], optdefs[i].help != NULL ?
		    optdefs[i].help : mhelp);
	fputs(usage_notes, stdout);
}

static void
version(void)
{
	printf("zcp %s\n", PACKAGE_VERSION);
}

/*
 * gnulib's argmatch_valid: the values, one line each, synonyms (the
 * same value, next to each other) on one line.
 */
static void
valid_choices(const struct choice *c)
{
	int i;

	fputs("Valid arguments are:", stderr);
	for (i = 0; c[i].name != NULL; i++)
		fprintf(stderr, i > 0 && c[i].value == c[i - 1].value ?
		    ", %s" : "\n  - %s", quote_arg(c[i].name));
	fputc('\n', stderr);
}

/*
 * gnulib's argmatch, the one matcher for every option value: the exact
 * name, or a prefix of names that all mean one value ("" is a prefix of
 * every name).  context names what the value was given to, as cp says
 * it ("--sparse", "backup type", "$VERSION_CONTROL").  Returns 0 with
 * *value set, or -1 after cp's message.
 */
static int
argmatch(const char *arg, const char *context, const struct choice *c,
    int *value)
{
	size_t len = strlen(arg);
	int i, found = -1;
	bool ambiguous = false;

	for (i = 0; c[i].name != NULL; i++) {
		if (strcmp(arg, c[i].name) == 0) {
			*value = c[i].value;
			return 0;
		}
		if (strncmp(arg, c[i].name, len) != 0)
			continue;
		if (found != -1 && c[found].value != c[i].value)
			ambiguous = true;
		found = i;
	}
	if (found != -1 && !ambiguous) {
		*value = c[found].value;
		return 0;
	}
	fprintf(stderr, "zcp: %s argument %s for %s\n", found != -1 ?
	    "ambiguous" : "invalid", quote_arg_n(0, arg),
	    quote_arg_n(1, context));
	valid_choices(c);
	diag_usage(NULL);
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

/*
 * --bwlimit=RATE: bytes a second, in --pipe-size's syntax.  A fraction
 * ("1.5G") is refused, as expand_number refuses it.
 */
static enum optrc
set_bwlimit(struct options *o, struct pstate *ps, const char *arg)
{
	uint64_t v;
	int rc = 0;

	(void)ps;
	if (!size_syntax(arg) || ((rc = expand_number(arg, &v)) == 0 &&
	    v == 0)) {
		diag(0, "invalid bandwidth limit: %s", quote(arg));
		return OPT_FAIL;
	}
	/* strtoumax under expand_number saturates where digits overflow. */
	if (rc == -1 || v > INT64_MAX) {
		diag(EOVERFLOW, "invalid bandwidth limit: %s", quote(arg));
		return OPT_FAIL;
	}
	o->engine.bwlimit = v;
	return OPT_OK;
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
 * --bench[=N]: N rounds of each method, 1 to BENCH_MAX_ROUNDS; digits
 * only, as --pipe-size's, so that "-1" and "5x" are refused.
 */
static enum optrc
set_bench(struct options *o, struct pstate *ps, const char *arg)
{
	unsigned long v;

	(void)ps;
	if (arg == NULL) {
		o->bench = BENCH_ROUNDS;
		return OPT_OK;
	}
	if (!size_syntax(arg) || strpbrk(arg, "kKmMgGtTpPeE") != NULL ||
	    (v = strtoul(arg, NULL, 10)) == 0) {
		diag(0, "invalid number of rounds: %s", quote(arg));
		return OPT_FAIL;
	}
	if (v > BENCH_MAX_ROUNDS || strlen(arg) > 9) {
		diag(EOVERFLOW, "invalid number of rounds: %s", quote(arg));
		return OPT_FAIL;
	}
	o->bench = (int)v;
	return OPT_OK;
}

/*
 * --preserve=LIST and --no-preserve=LIST, comma-separated.  An empty
 * item ("mode,,links", "") is an ambiguous argument, as in cp.
 */
static enum optrc
preserve(struct options *o, struct pstate *ps, const char *list, bool on,
    const char *opt)
{
	struct cpopts *cp = &o->cp;
	char *copy = strdup(list), *item, *next;
	enum optrc rc = OPT_OK;
	int i;

	if (copy == NULL)
		return OPT_FAIL;
	for (item = copy; item != NULL; item = next) {
		if ((next = strchr(item, ',')) != NULL)
			*next++ = '\0';
		if (argmatch(item, opt, preserve_choices, &i) == -1) {
			rc = OPT_FAIL;
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

static enum optrc
set_preserve(struct options *o, struct pstate *ps, const char *arg)
{
	if (arg != NULL)
		return preserve(o, ps, arg, true, "--preserve");
	o->cp.keep_mode = o->cp.keep_owner = o->cp.keep_times = true;
	return OPT_OK;
}

static enum optrc
set_no_preserve(struct options *o, struct pstate *ps, const char *arg)
{
	return preserve(o, ps, arg, false, "--no-preserve");
}

static enum optrc
set_archive(struct options *o, struct pstate *ps, const char *arg)
{
	struct cpopts *cp = &o->cp;

	(void)ps, (void)arg;
	cp->deref = DEREF_NEVER;
	cp->keep_links = cp->keep_owner = cp->keep_mode = true;
	cp->keep_times = cp->keep_xattr = cp->quiet_xattr = true;
	cp->recursive = true;
	return OPT_OK;
}

static enum optrc
set_d(struct options *o, struct pstate *ps, const char *arg)
{
	(void)ps, (void)arg;
	o->cp.deref = DEREF_NEVER;
	o->cp.keep_links = true;
	return OPT_OK;
}

/* As cp 9.2 and later: --debug's lines follow -v's. */
static enum optrc
set_debug(struct options *o, struct pstate *ps, const char *arg)
{
	(void)ps, (void)arg;
	o->cp.debug = o->cp.verbose = true;
	return OPT_OK;
}

/* The engine compares; cp opens the destination to be read back. */
static enum optrc
set_verify(struct options *o, struct pstate *ps, const char *arg)
{
	(void)ps, (void)arg;
	o->cp.verify = o->engine.verify = true;
	return OPT_OK;
}

static enum optrc
set_p(struct options *o, struct pstate *ps, const char *arg)
{
	(void)arg;
	return set_preserve(o, ps, NULL);
}

/* -b, --backup[=CONTROL]: CONTROL is read once all options are in. */
static enum optrc
set_backup(struct options *o, struct pstate *ps, const char *arg)
{
	(void)o;
	ps->make_backups = true;
	if (arg != NULL)
		ps->backup_arg = arg;
	return OPT_OK;
}

static enum optrc
set_suffix(struct options *o, struct pstate *ps, const char *arg)
{
	ps->make_backups = true;
	o->cp.suffix = arg;
	return OPT_OK;
}

/* -j N, --jobs=N: 1 to JOBS_MAX, or auto (0: decided at the start). */
static enum optrc
set_jobs(struct options *o, struct pstate *ps, const char *arg)
{
	const char *err = NULL;

	(void)ps;
	if (strcmp(arg, "auto") == 0) {
		o->cp.jobs = 0;
		return OPT_OK;
	}
	o->cp.jobs = (unsigned)strtonum(arg, 1, JOBS_MAX, &err);
	if (err != NULL) {
		diag(0, "invalid number of jobs: %s", quote(arg));
		return OPT_FAIL;
	}
	return OPT_OK;
}

/*
 * -i and --update=none or none-fail contradict each other: the last one
 * given wins, as in cp 9.5.  -i outlasts --update=all and older, which
 * say nothing of asking (cp 9.6 undid 9.3's "--update overrides -i").
 */
static enum optrc
set_interactive(struct options *o, struct pstate *ps, const char *arg)
{
	(void)ps, (void)arg;
	o->cp.clobber = CLOBBER_ASK;
	if (replaces_none(o->cp.update))
		o->cp.update = UPDATE_ALL;
	return OPT_OK;
}

/*
 * -u, --update[=WHEN]: the last one given says when, older without a
 * WHEN; none and none-fail end an earlier -i (see set_interactive).
 */
static enum optrc
set_update(struct options *o, struct pstate *ps, const char *arg)
{
	int when = UPDATE_OLDER;

	(void)ps;
	if (arg != NULL && argmatch(arg, "--update", update_choices,
	    &when) == -1)
		return OPT_FAIL;
	o->cp.update = (enum update)when;
	if (replaces_none(o->cp.update) && o->cp.clobber == CLOBBER_ASK)
		o->cp.clobber = CLOBBER_YES;
	return OPT_OK;
}

/*
 * As cp where the kernel has no SELinux, the only kind zcp knows: -Z
 * does nothing, and each --context=CTX is ignored with a warning.
 */
static enum optrc
set_context(struct options *o, struct pstate *ps, const char *arg)
{
	(void)o, (void)ps;
	if (arg != NULL)
		diag(0, "warning: ignoring --context; it requires an"
		    " SELinux-enabled kernel");
	return OPT_OK;
}

static enum optrc
set_target(struct options *o, struct pstate *ps, const char *arg)
{
	(void)ps;
	if (o->cp.target_dir != NULL) {
		diag(0, "multiple target directories specified");
		return OPT_FAIL;
	}
	o->cp.target_dir = arg;
	return OPT_OK;
}

/* --method=METHOD: auto, or a name from methods.c's table. */
static enum optrc
set_method(struct options *o, struct pstate *ps, const char *arg)
{
	struct choice c[M_NMETHODS + 2] = { { "auto", -1 } };
	int i;

	(void)ps;
	for (i = 0; i < M_NMETHODS; i++)
		c[i + 1] = (struct choice){ method_name((enum method_id)i), i };
	return argmatch(arg, "--method", c, &o->engine.method) == 0 ?
	    OPT_OK : OPT_FAIL;
}

static enum optrc
set_pipe_size(struct options *o, struct pstate *ps, const char *arg)
{
	(void)ps;
	return parse_pipe_size(arg, &o->engine.pipe_size) == 0 ? OPT_OK :
	    OPT_FAIL;
}

static enum optrc
show_help(struct options *o, struct pstate *ps, const char *arg)
{
	(void)o, (void)ps, (void)arg;
	usage();
	return OPT_DONE;
}

static enum optrc
show_version(struct options *o, struct pstate *ps, const char *arg)
{
	(void)o, (void)ps, (void)arg;
	version();
	return OPT_DONE;
}

/* Do what the table says an option does. */
static enum optrc
apply(struct options *o, struct pstate *ps, const struct optdef *d,
    const char *arg)
{
	char *field = (char *)o + d->field, context[64];

	switch (d->set) {
	case SET_TRUE:
		*(bool *)field = true;
		return OPT_OK;
	case SET_VALUE:
		*(int *)field = d->value;
		return OPT_OK;
	case SET_CHOICE:
		if (arg == NULL) {
			*(int *)field = d->value;
			return OPT_OK;
		}
		snprintf(context, sizeof(context), "--%s", d->name);
		return argmatch(arg, context, d->choices, (int *)field) == 0 ?
		    OPT_OK : OPT_FAIL;
	case SET_STRING:
		*(const char **)field = arg;
		return OPT_OK;
	case SET_CALL:
		return d->call(o, ps, arg);
	}
	return OPT_FAIL;
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
	int type;

	if (s == NULL)
		s = getenv("SIMPLE_BACKUP_SUFFIX");
	o->cp.suffix = s != NULL && plain_name(s) ? s : "~";
	if (!ps->make_backups)
		return 0;
	type = BACKUP_EXISTING;
	if (ps->backup_arg != NULL && *ps->backup_arg != '\0') {
		if (argmatch(ps->backup_arg, "backup type", backup_choices,
		    &type) == -1)
			return -1;
	} else if ((env = getenv("VERSION_CONTROL")) != NULL && *env != '\0' &&
	    argmatch(env, "$VERSION_CONTROL", backup_choices, &type) == -1)
		return -1;
	o->cp.backup = (enum backup)type;
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
	unsigned caps = e->method >= 0 ? method_caps(e->method) : 0;

	if (e->method < 0 || e->sparse == SPARSE_AUTO)
		return false;
	if (e->sparse == SPARSE_NEVER ? !(caps & (METHOD_CLONES |
	    METHOD_KEEPS_HOLES)) : (caps & METHOD_MAKES_HOLES) != 0)
		return false;
	diag_usage("--method=%s and --sparse=%s contradict each other",
	    method_name(e->method), e->sparse == SPARSE_NEVER ? "never" :
	    "always");
	return true;
}

/*
 * Nothing to back up where nothing is replaced: cp 9.1's message for -n,
 * 9.5's for --update=none and none-fail.  -n then wins over every
 * --update, given before or after it: over -u as in cp 9.1 (-u would
 * otherwise link), over the others as in 9.5.
 */
static int
check_keep(struct cpopts *cp, const struct pstate *ps)
{
	if (ps->make_backups && cp->clobber == CLOBBER_NO) {
		diag_usage("options --backup and --no-clobber are mutually"
		    " exclusive");
		return -1;
	}
	if (ps->make_backups && replaces_none(cp->update)) {
		diag_usage("--backup is mutually exclusive with -n or"
		    " --update=none-fail");
		return -1;
	}
	if (cp->clobber == CLOBBER_NO)
		cp->update = UPDATE_NONE;
	return 0;
}

/*
 * --bench copies one file to one destination, again and again, the
 * same way each time: options that change what a copy is, or watch it,
 * have no place there; --cold, --hot and --keep have none without it.
 */
static int
check_bench(const struct options *o)
{
	const struct cpopts *cp = &o->cp;
	const char *other = NULL;

	if (o->bench == 0) {
		if (o->bench_cache != CACHE_ASIS || o->bench_keep) {
			diag_usage("options --cold, --hot and --keep need"
			    " --bench");
			return -1;
		}
		return 0;
	}
	if (cp->hard_link || cp->symbolic_link)
		other = cp->hard_link ? "--link" : "--symbolic-link";
	else if (cp->attr_only || cp->resume || cp->atomic)
		other = cp->attr_only ? "--attributes-only" : cp->resume ?
		    "--resume" : "--atomic";
	else if (o->progress || cp->parents)
		other = o->progress ? "--progress" : "--parents";
	else if (o->engine.method >= 0 || o->engine.reflink == REFLINK_ALWAYS)
		other = o->engine.method >= 0 ? "--method" : "--reflink=always";
	if (other == NULL)
		return 0;
	diag_usage("options --bench and %s are mutually exclusive", other);
	return -1;
}

/* cp's checks after parsing, and its defaults that depend on others. */
static int
check_combinations(struct options *o, const struct pstate *ps)
{
	struct cpopts *cp = &o->cp;

	if (cp->hard_link && cp->symbolic_link) {
		diag_usage("cannot make both hard and symbolic links");
		return -1;
	}
	if (check_keep(cp, ps) == -1)
		return -1;
	/* A temporary holds no bytes to resume from. */
	if (cp->resume && cp->atomic) {
		diag_usage("options --resume and --atomic are mutually"
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
	if (o->engine.reflink == REFLINK_NEVER && o->engine.method >= 0 &&
	    (method_caps(o->engine.method) & METHOD_CLONES)) {
		diag_usage("--method=%s and --reflink=never contradict each"
		    " other", method_name(o->engine.method));
		return -1;
	}
	if (contradicts_sparse(&o->engine) || check_bench(o) == -1)
		return -1;
	if (o->engine.reflink == REFLINK_ALWAYS && o->engine.method >= 0 &&
	    !(method_caps(o->engine.method) & METHOD_CLONES)) {
		diag_usage("--reflink=always and --method=%s contradict each"
		    " other", method_name(o->engine.method));
		return -1;
	}
	/* A file to write the report to asks for the report. */
	if (o->stats_file != NULL && o->stats == STATS_OFF)
		o->stats = STATS_HUMAN;
	o->engine.residency = o->stats != STATS_OFF;
	o->engine.extents = o->stats != STATS_OFF;
	o->engine.latency = o->stats != STATS_OFF;
	if (cp->deref == DEREF_UNSET)
		cp->deref = cp->recursive && !cp->hard_link ? DEREF_NEVER :
		    DEREF_ALWAYS;
	return settle_backups(o, ps);
}

/* getopt_long's tables from ours: a long option's val is 256 + index. */
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
			longopts[n++].val = 256 + (int)i;
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

/* The entry getopt_long's answer c stands for, or NULL ('?'). */
static const struct optdef *
optdef_of(int c)
{
	size_t i;

	if (c >= 256 && (size_t)(c - 256) < NOPTDEFS)
		return &optdefs[c - 256];
	for (i = 0; i < NOPTDEFS; i++)
		if (optdefs[i].shorts != NULL && c > 0 && c < 256 &&
		    strchr(optdefs[i].shorts, c) != NULL)
			return &optdefs[i];
	return NULL;
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
	const struct optdef *d;
	struct pstate ps = { 0 };
	enum optrc rc;
	int c;

	build_getopt(longopts, shortopts);
	memset(o, 0, sizeof(*o));
	o->engine.method = -1;
	o->engine.pipe_size = pipe_max_size();
	o->engine.sparse = SPARSE_AUTO;
	/* getopt names the program by argv[0]; messages say "zcp:". */
	argv[0] = (char *)"zcp";
	optind = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if ((d = optdef_of(c)) == NULL) {
			diag_usage(NULL);
			return -1;
		}
		if ((rc = apply(o, &ps, d, optarg)) != OPT_OK)
			return rc;
	}
	o->noperands = argc - optind;
	o->operands = argv + optind;
	return check_combinations(o, &ps);
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
