/*
 * replay.c: main() for a fuzz target built without libFuzzer (gcc): runs
 * the target once on each file named, and on each file of each folder
 * named, so that the seeds and every regression input run in the plain,
 * valgrind and ASan builds.  A missing file or folder is an error: a
 * replay that silently ran nothing would pass for nothing.
 */
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static unsigned char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t cap = 0, got;

	if (!f)
		return NULL;
	*n = 0;
	do {
		cap = cap ? cap * 2 : 4096;
		buf = realloc(buf, cap);
		got = fread(buf + *n, 1, cap - *n, f);
		*n += got;
	} while (*n == cap);
	fclose(f);
	return buf;
}

static int run_file(const char *path)
{
	size_t n;
	unsigned char *data = slurp(path, &n);

	if (!data) {
		perror(path);
		return -1;
	}
	/* A copy of exactly n bytes, as libFuzzer gives: reads past it are caught. */
	unsigned char *exact = malloc(n ? n : 1);

	memcpy(exact, data, n);
	free(data);
	LLVMFuzzerTestOneInput(exact, n);
	free(exact);
	return 1;
}

static int only_files(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

/* Files of dir in name order; how many ran, -1 on an error. */
static int run_dir(const char *dir)
{
	struct dirent **list;
	int n = scandir(dir, &list, only_files, alphasort), ran = 0;

	if (n < 0) {
		perror(dir);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char *path;

		if (ran >= 0 && asprintf(&path, "%s/%s", dir, list[i]->d_name) >= 0) {
			int r = run_file(path);

			ran = r < 0 ? -1 : ran + r;
			free(path);
		}
		free(list[i]);
	}
	free(list);
	return ran;
}

int main(int argc, char **argv)
{
	int total = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		int r = stat(argv[i], &st) < 0 ? (perror(argv[i]), -1)
			: S_ISDIR(st.st_mode)   ? run_dir(argv[i])
						: run_file(argv[i]);

		if (r < 0)
			return 1;
		total += r;
	}
	printf("%s: %d inputs replayed\n", argv[0], total);
	return total > 0 ? 0 : 1;
}
