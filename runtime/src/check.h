/*
 * check.h: what the parts of checked mode share (check.c: vtask identities
 * and reporting; check_source.c: VT006; check_task.c: VT007; check_map.c:
 * the pointer-keyed tables they use).
 */
#ifndef VT_CHECK_H
#define VT_CHECK_H

#include "vt_internal.h"

#include <pthread.h>

#define VT__MSG_MAX 768

/* One lock for all of checked mode's bookkeeping: vtasks, sources and
 * tasks may be handed between threads. */
extern pthread_mutex_t vt__check_lock VT__HIDDEN;

/* Prints (or hands to the handler) one report.  Called without the lock. */
void vt__check_report(const char *rule, const char *file, int line,
		      const char *msg) VT__HIDDEN;
const char *vt__check_fname(const char *file) VT__HIDDEN;

/* Under the lock: vtask identity `id`/`gen` is live and not consumed yet;
 * *file and *line say where it was made. */
bool vt__check_outstanding(uint32_t id, uint8_t gen, const char **file,
			   int *line) VT__HIDDEN;
/* Under the lock: the identity draws no VT005 (it was already reported). */
void vt__check_exempt(uint32_t id, uint8_t gen) VT__HIDDEN;

/*
 * A hash table from pointers to 64-bit values: open addressing, linear
 * probing, deletion by backward shift (no tombstones, so a table whose
 * keys come and go stays as large as its peak, never larger).
 */
struct vt__pmap {
	uintptr_t *keys;      /* 0: empty slot */
	uint64_t *vals;
	size_t cap, n;
};

uint64_t *vt__pmap_find(const struct vt__pmap *m, const void *key) VT__HIDDEN;
/* The value slot of key, made (as 0) if missing; NULL when out of memory. */
uint64_t *vt__pmap_slot(struct vt__pmap *m, const void *key) VT__HIDDEN;
bool vt__pmap_del(struct vt__pmap *m, const void *key, uint64_t *old) VT__HIDDEN;

/*
 * VT007 at exit: the tasks that still have references, sorted by address,
 * and which of them a global reaches (check_scan.c).  `ignore` lists
 * checked mode's own tables, which hold tasks' and sources' addresses and
 * must not count as the program's.
 */
struct vt__scan_set {
	struct vt__live {
		uintptr_t task;
		bool reached;
	} *v;
	size_t n;
	uintptr_t lo, hi;
	const void *ignore[8];
	size_t nignore;
};

void vt__scan_globals(struct vt__scan_set *set) VT__HIDDEN;
bool vt__scan_set_mark(struct vt__scan_set *set, uintptr_t w) VT__HIDDEN;
bool vt__scan_set_ignored(const struct vt__scan_set *set, uintptr_t w) VT__HIDDEN;
void vt__scan_set_ignore(struct vt__scan_set *set, const void *p) VT__HIDDEN;
void vt__check_source_ignore(struct vt__scan_set *set) VT__HIDDEN;

#endif /* VT_CHECK_H */
