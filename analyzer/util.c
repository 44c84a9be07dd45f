/* util.c: the few helpers every stage needs (cproc style). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vtlint.h"

_Noreturn void fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("vtlint: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		fatal("out of memory");
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		fatal("out of memory");
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		fatal("out of memory");
	return p;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		fatal("out of memory");
	va_end(ap);
	return s;
}

/* The whole file, NUL-terminated (*len without the NUL); NULL, errno set, when unreadable. */
char *vt_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t n = 0, cap = 0, got;

	if (!f)
		return NULL;
	do {
		cap = cap ? cap * 2 : 8192;
		text = xrealloc(text, cap + 1);
		got = fread(text + n, 1, cap - n, f);
		n += got;
	} while (n == cap);
	if (ferror(f)) {
		int e = errno;

		fclose(f);
		free(text);
		errno = e;
		return NULL;
	}
	fclose(f);
	text[n] = 0;
	if (len)
		*len = n;
	return text;
}

/* The line (from 1) that p points into. */
unsigned vt_line_of(const char *text, const char *p)
{
	unsigned line = 1;

	for (; text < p; text++)
		line += *text == '\n';
	return line;
}

int vt_loc_cmp(vt_loc a, vt_loc b)
{
	int c = strcmp(a.file ? a.file : "", b.file ? b.file : "");

	if (c)
		return c;
	if (a.line != b.line)
		return a.line < b.line ? -1 : 1;
	if (a.col != b.col)
		return a.col < b.col ? -1 : 1;
	return 0;
}

/* The git work tree holding path (a file or a folder): the nearest folder with .git. */
static char *git_top(const char *path)
{
	char dir[PATH_MAX];
	struct stat st;

	if (!realpath(path, dir))
		return NULL;
	if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
		*strrchr(dir, '/') = 0;
	for (;;) {
		char *git = xasprintf("%s/.git", dir);
		bool found = stat(git, &st) == 0;

		free(git);
		if (found)
			return xstrdup(dir[0] ? dir : "/");
		if (!dir[0])
			return NULL;
		*strrchr(dir, '/') = 0;
	}
}

/*
 * The source root that report paths and baselines are relative to: given
 * (--srcroot), else $GITHUB_WORKSPACE, else the git work tree holding near
 * (a source file or the database), else the current folder.  Absolute.
 */
char *vt_source_root(const char *given, const char *near)
{
	const char *env = getenv("GITHUB_WORKSPACE");
	char real[PATH_MAX], *top;

	if (given && realpath(given, real))
		return xstrdup(real);
	if (given)
		return xstrdup(given);
	if (env && *env)
		return xstrdup(realpath(env, real) ? real : env);
	if (near && (top = git_top(near)))
		return top;
	if (!getcwd(real, sizeof real))
		fatal("cannot read the current directory");
	return xstrdup(real);
}

/* path relative to root when it lies inside, else its absolute path (as given if unresolvable). */
char *vt_relative_path(const char *root, const char *path)
{
	char real[PATH_MAX];
	size_t n = strlen(root);

	if (!realpath(path, real))
		return xstrdup(path);
	if (n > 1 && !strncmp(real, root, n) && real[n] == '/')
		return xstrdup(real + n + 1);
	if (n == 1 && root[0] == '/')
		return xstrdup(real + 1);
	return xstrdup(real);
}

bool vt_realpath(const char *path, char *out)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	size_t n;

	if (realpath(path, out))
		return true;
	if (errno != ENOENT || !*base)
		return false;
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else
		snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
	if (!realpath(dir, out))
		return false;
	n = strlen(out);
	return snprintf(out + n, PATH_MAX - n, "%s%s", n > 1 ? "/" : "", base) < (int)(PATH_MAX - n);
}
