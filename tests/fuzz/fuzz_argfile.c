/*
 * fuzz_argfile.c: @FILE argument files, as vt_expand_args reads them.  The
 * input is up to four files f0..f3 (split at NUL bytes) in this run's
 * folder; a line "@NAME" in one becomes "@DIR/NAME" ('/' in NAME made '_'),
 * so that files name each other (and themselves) and nothing outside DIR
 * (not /dev/stdin).  The command line is `vtlint @DIR/f0 x -- @DIR/f1`.
 * Properties: it ends (a file naming itself, however often, is an error,
 * not hours of work); an error names an argument file; otherwise argv[0]
 * and x stay, what follows `--` is untouched, no argument is empty, holds
 * a newline or is still an @FILE, and f0 without @ lines gives exactly its
 * non-blank lines.
 */
#include <string.h>

#include "fuzz.h"
#include "inputs.h"

enum { FILES = 4 };

/* A line (no '\n') that names an argument file: '@' and a name, a trailing CR aside. */
static bool names_file(const uint8_t *p, size_t n)
{
	return n > 1 && p[0] == '@' && n > 1u + (p[n - 1] == '\r');
}

/* The part as a file, each argument file it names made one in DIR. */
static char *write_part(int k, const uint8_t *p, size_t n)
{
	const char *dir = fz_dir();
	char *text = xmalloc(n * (strlen(dir) + 2) + 1), *o = text, *name = xasprintf("f%d", k), *path;

	for (size_t i = 0; i < n;) {
		size_t e = i;

		while (e < n && p[e] != '\n')
			e++;
		if (names_file(p + i, e - i)) {
			o += sprintf(o, "@%s/", dir);
			for (i++; i < e; i++)
				*o++ = p[i] == '/' ? '_' : (char)p[i];
		}
		for (; i < e + 1 && i < n; i++)
			*o++ = (char)p[i];
	}
	path = fz_write(name, (const uint8_t *)text, (size_t)(o - text));
	free(text);
	free(name);
	return path;
}

/* Non-blank lines of f0 (one trailing CR dropped), or -1 when one is an @FILE. */
static long plain_lines(const uint8_t *p, size_t n)
{
	long count = 0;

	for (size_t i = 0; i < n;) {
		size_t e = i;

		while (e < n && p[e] != '\n')
			e++;
		if (names_file(p + i, e - i))
			return -1;
		count += e - i > (e > i && p[e - 1] == '\r' ? 1u : 0u);
		i = e + 1;
	}
	return count;
}

static void check(char **argv, vt_strings *out, long f0_lines)
{
	size_t n = out->len;

	FZ_CHECK(n >= 4 && !strcmp(out->data[0], "vtlint"));
	FZ_CHECK(!strcmp(out->data[n - 1], argv[4]) && !strcmp(out->data[n - 2], "--"));
	FZ_CHECK(!strcmp(out->data[n - 3], "x"));
	for (size_t i = 1; i < n - 2; i++) {
		FZ_CHECK(out->data[i][0] && !strchr(out->data[i], '\n'));
		FZ_CHECK(out->data[i][0] != '@' || !out->data[i][1]);
	}
	if (f0_lines >= 0)
		FZ_CHECK(n - 4 == (size_t)f0_lines);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *paths[FILES] = { NULL }, *argv[5], *why;
	vt_strings out = { 0 };
	size_t start = 0, f0_end = size;
	int k = 0;

	for (size_t i = 0; i <= size && k < FILES; i++)
		if (i == size || data[i] == 0) {
			if (k == 0)
				f0_end = i;
			paths[k] = write_part(k, data + start, i - start);
			k++;
			start = i + 1;
		}
	for (; k < FILES; k++) { /* named but missing: an error to report */
		char *name = xasprintf("%s/f%d", fz_dir(), k);

		remove(name);
		free(name);
	}
	argv[0] = "vtlint";
	argv[1] = xasprintf("@%s", paths[0]);
	argv[2] = "x";
	argv[3] = "--";
	argv[4] = xasprintf("@%s/f1", fz_dir());
	why = vt_expand_args(5, argv, &out);
	if (why)
		FZ_CHECK(strstr(why, fz_dir()) && strstr(why, ": "));
	else
		check(argv, &out, plain_lines(data, f0_end));
	for (size_t i = 0; i < out.len; i++)
		free(out.data[i]);
	free(out.data);
	for (int i = 0; i < FILES; i++)
		free(paths[i]);
	free(argv[1]);
	free(argv[4]);
	free(why);
	return 0;
}
