/*
 * cache.c: a read-through cache whose hits complete synchronously.
 * Two faults vtlint finds: a get_result on a vtask that may still be pending
 * (VT003), and a lookup whose vtask is dropped on the error path (VT005).
 */
#include <stdbool.h>
#include <stddef.h>
#include <vtask.h>

struct cache { int keys[16]; void *values[16]; };

vtask backend_fetch(int key);

static vtask cache_get(struct cache *c, int key)
{
	for (int i = 0; i < 16; i++)
		if (c->keys[i] == key)
			return vtask_from_result(c->values[i]);
	return backend_fetch(key);
}

int cache_peek(struct cache *c, int key, void **out)
{
	vtask v = cache_get(c, key);

	return vtask_get_result(v, out);
}

int cache_load(struct cache *c, int key, bool strict, void **out)
{
	vtask v = cache_get(c, key);

	if (strict && key < 0)
		return -1;
	if (vtask_is_completed_successfully(v))
		return vtask_get_result(v, out);
	return vtask_await(v, out);
}
