/*
 * fuzz_options: a libFuzzer harness over zcp's command line: options_scan
 * and, through it, getopt's table, argmatch, --preserve lists, backup
 * controls and their environment variables, and --pipe-size's size
 * parsing.  Built and run by fuzz/run, never by the ordinary build.
 *
 * An input's first byte says what the rest is:
 *	even	the arguments after "zcp", separated by NUL bytes;
 *	odd	one value, given to the option (or environment variable)
 *		that (byte >> 1) % NVALUED picks, between operands "a b".
 * The same format is what tests/badinput.bats replays through the real
 * zcp from fuzz/corpus and fuzz/regress.
 */
#include "config.h"

#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

#define MAXARGS	256

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const valued[] = {
	"--pipe-size=", "--backup=", "--preserve=", "--no-preserve=",
	"--method=", "--sparse=", "--reflink=", "--suffix=", "-t",
	"VERSION_CONTROL", "SIMPLE_BACKUP_SUFFIX",
};

#define NVALUED	(sizeof(valued) / sizeof(valued[0]))

static void
scan(int argc, char **argv)
{
	struct options o;

	(void)options_scan(argc, argv, &o);
}

/* Split buf (len bytes, NUL after them) at NULs into argv[1...]. */
static int
split(char *buf, size_t len, char **argv)
{
	size_t i;
	int argc = 1;

	argv[0] = (char *)"zcp";
	argv[argc++] = buf;
	for (i = 0; i < len && argc < MAXARGS; i++)
		if (buf[i] == '\0')
			argv[argc++] = buf + i + 1;
	argv[argc] = NULL;
	return argc;
}

static void
one_value(unsigned sel, const char *val)
{
	const char *opt = valued[sel % NVALUED];
	char *argv[6], *arg = NULL;
	int argc = 0;

	argv[argc++] = (char *)"zcp";
	if (opt[0] != '-') {
		setenv(opt, val, 1);
		argv[argc++] = (char *)"-b";
	} else if (asprintf(&arg, "%s%s", opt, val) != -1)
		argv[argc++] = arg;
	argv[argc++] = (char *)"a";
	argv[argc++] = (char *)"b";
	argv[argc] = NULL;
	scan(argc, argv);
	if (opt[0] != '-')
		unsetenv(opt);
	free(arg);
}

/*
 * zcp runs in the user's locale: fuzz the quoting of values in messages
 * where it is hardest, in a UTF-8 charset.
 */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* Where there is none, the C locale stays. */
	(void)setlocale(LC_ALL, "C.UTF-8");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *argv[MAXARGS + 1];

	if (size == 0)
		return 0;
	if ((buf = malloc(size)) == NULL)
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	if (data[0] & 1)
		one_value(data[0] >> 1, buf);
	else
		scan(split(buf, size - 1, argv), argv);
	free(buf);
	return 0;
}
