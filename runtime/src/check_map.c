/*
 * check_map.c: the pointer-keyed hash table checked mode keeps its side
 * records in (sources, task references, waiting fibers).  Callers hold
 * vt__check_lock.
 */
#include "check.h"

#include <stdlib.h>

static size_t hash(uintptr_t k, size_t cap)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return (size_t)k & (cap - 1);
}

uint64_t *vt__pmap_find(const struct vt__pmap *m, const void *key)
{
	uintptr_t k = (uintptr_t)key;

	if (!m->cap || !k)
		return NULL;
	for (size_t i = hash(k, m->cap);; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == k)
			return &m->vals[i];
		if (m->keys[i] == 0)
			return NULL;
	}
}

static bool grow(struct vt__pmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	uintptr_t *keys = calloc(cap, sizeof *keys);
	uint64_t *vals = calloc(cap, sizeof *vals);

	if (!keys || !vals) {
		free(keys);
		free(vals);
		return false;
	}
	for (size_t j = 0; j < m->cap; j++) {
		size_t i;

		if (!m->keys[j])
			continue;
		for (i = hash(m->keys[j], cap); keys[i]; i = (i + 1) & (cap - 1))
			;
		keys[i] = m->keys[j];
		vals[i] = m->vals[j];
	}
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->cap = cap;
	return true;
}

uint64_t *vt__pmap_slot(struct vt__pmap *m, const void *key)
{
	uintptr_t k = (uintptr_t)key;
	uint64_t *v = vt__pmap_find(m, key);
	size_t i;

	if (v || !k)
		return v;
	if ((m->n + 1) * 2 > m->cap && !grow(m))
		return NULL;
	for (i = hash(k, m->cap); m->keys[i]; i = (i + 1) & (m->cap - 1))
		;
	m->keys[i] = k;
	m->vals[i] = 0;
	m->n++;
	return &m->vals[i];
}

/* Backward shift: later members of the probe run move up into the hole
 * unless their home slot lies cyclically after it. */
bool vt__pmap_del(struct vt__pmap *m, const void *key, uint64_t *old)
{
	uint64_t *v = vt__pmap_find(m, key);
	size_t mask = m->cap - 1, i, j;

	if (!v)
		return false;
	if (old)
		*old = *v;
	i = (size_t)(v - m->vals);
	for (j = (i + 1) & mask; m->keys[j]; j = (j + 1) & mask) {
		size_t h = hash(m->keys[j], m->cap);

		if (((j - h) & mask) < ((j - i) & mask))
			continue;
		m->keys[i] = m->keys[j];
		m->vals[i] = m->vals[j];
		i = j;
	}
	m->keys[i] = 0;
	m->n--;
	return true;
}
