/* fuzz_util.c: the temporary folder and byte reader of fuzz.h. */
#include <errno.h>
#include <stdbool.h>
#include <ftw.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

static char dir[64];

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	return remove(path);
}

static void remove_dir(void)
{
	nftw(dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

/* /dev/shm when there is one: every run writes its input to a file. */
const char *fz_dir(void)
{
	if (!dir[0]) {
		const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

		snprintf(dir, sizeof dir, "%s/vtfuzz.XXXXXX", base);
		if (!mkdtemp(dir)) {
			perror("fuzz: mkdtemp");
			abort();
		}
		atexit(remove_dir);
	}
	return dir;
}

char *fz_write(const char *name, const uint8_t *data, size_t n)
{
	char *path, *slash;
	FILE *f;

	if (asprintf(&path, "%s/%s", fz_dir(), name) < 0)
		abort();
	for (slash = strchr(path + strlen(dir) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = 0;
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			abort();
		*slash = '/';
	}
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0) {
		perror(path);
		abort();
	}
	return path;
}

unsigned fz_u8(fz_in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

unsigned fz_u16(fz_in *in)
{
	unsigned lo = fz_u8(in);

	return lo | fz_u8(in) << 8;
}

const uint8_t *fz_bytes(fz_in *in, size_t n, size_t *got)
{
	const uint8_t *p = in->p;

	*got = n < in->n ? n : in->n;
	in->p += *got;
	in->n -= *got;
	return p;
}

/* Valid UTF-8 as RFC 3629 has it. */
bool fz_valid_utf8(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		unsigned c = *s, n = c < 0x80 ? 0 : c >= 0xC2 && c <= 0xDF ? 1
				   : c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xF0 && c <= 0xF4 ? 3 : 9;

		if (n == 9)
			return false;
		for (unsigned i = 1; i <= n; i++)
			if ((s[i] & 0xC0) != 0x80)
				return false;
		if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0) ||
		    (c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90))
			return false;
		s += n + 1;
	}
	return true;
}
