/*
 * shard.c: --shard K/N, one of N jobs of a CI matrix.  A file's shard is a
 * hash of its path relative to the source root, so that adding or removing
 * files moves no other file to another shard (a CI cache per shard stays
 * warm), and every checkout of the project agrees.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* "K/N" with 1 <= K <= N; false when it is not that. */
bool vt_shard_parse(const char *s, int *k, int *n)
{
	char *end;
	long a = strtol(s, &end, 10), b;

	if (end == s || *end != '/')
		return false;
	s = end + 1;
	b = strtol(s, &end, 10);
	if (end == s || *end || a < 1 || b < 1 || a > b || b > 1 << 20)
		return false;
	*k = (int)a;
	*n = (int)b;
	return true;
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

/* The shard (1..n) of a file: its path relative to the source root, hashed. */
int vt_shard_of(const char *path, const char *srcroot, int n)
{
	char *rel = vt_relative_path(srcroot, path);
	int k = (int)(fnv1a(rel) % (uint64_t)n) + 1;

	free(rel);
	return k;
}

/* Keeps the commands of shard k of n, in their order; frees the others. */
void vt_shard_select(vt_cmds *cmds, const char *srcroot, int k, int n)
{
	size_t j = 0;

	for (size_t i = 0; i < cmds->len; i++) {
		if (vt_shard_of(cmds->data[i].path, srcroot, n) == k)
			cmds->data[j++] = cmds->data[i];
		else
			vt_cmd_free(&cmds->data[i]);
	}
	cmds->len = j;
}
