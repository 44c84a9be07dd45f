/*
 * check_scan.c: which tasks a global or static variable still reaches, for
 * VT007 at exit.
 *
 * A conservative scan, as a garbage collector finds its roots: every
 * aligned word of the writable segments (.data, .bss) of every loaded
 * object is a candidate pointer.  A word equal to the address of a task
 * that still has references marks it reached.  A word that points at the
 * start of a heap block is followed: the block is scanned the same way
 * (once), so a global pointer to a malloc'ed table of tasks (a cache) keeps
 * them too.  A heap block is recognised by the allocator's own bookkeeping:
 * under ASan its allocator interface says so exactly; with glibc's malloc
 * the size word just below the block must describe a block that fits in a
 * writable anonymous mapping, and glibc must not have taken it back into
 * its bins (a freed block still holds the program's old words, and libc's
 * own globals reach it; its caches of small blocks are not told apart from
 * live ones); under valgrind, whose allocator keeps no
 * such header, a window of WINDOW bytes from the pointer is read.  A false match only makes the scan see more,
 * so it may hide a leak, never invent one.  Tasks themselves are not
 * followed (what a task's waiters reach is the library's, not the
 * program's), nor are checked mode's own tables.
 */
#include "check.h"

#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef VT__ASAN
/* ASan's allocator interface (libasan exports it; gcc ships no header). */
int __sanitizer_get_ownership(const volatile void *p);
size_t __sanitizer_get_allocated_size(const volatile void *p);
#endif

#define NO_ASAN __attribute__((no_sanitize("address")))
#define WINDOW 4096u     /* bytes read from a heap pointer under valgrind */

struct region {
	uintptr_t lo, hi;
};

struct scan {
	struct vt__scan_set *set;
	struct region *maps;         /* writable anonymous mappings, sorted */
	size_t nmaps;
	struct region *work;         /* heap blocks still to scan */
	size_t nwork, capwork;
	struct vt__pmap seen;        /* heap blocks already queued */
};

#ifndef VT__ASAN
/* Under ASan the allocator says which words start blocks; otherwise glibc's
 * chunk headers are trusted only inside these mappings. */
static int by_addr(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

/* Writable private anonymous mappings (the heap, mmap'ed blocks, thread
 * arenas), from /proc/self/maps; sorted as the file lists them. */
static void read_maps(struct scan *s)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	size_t cap = 0;

	while (f && fgets(line, sizeof line, f)) {
		unsigned long lo, hi;
		char perms[8], path[256] = "";

		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %255s", &lo, &hi, perms, path) < 3)
			continue;
		if (perms[0] != 'r' || perms[1] != 'w' || (path[0] && strcmp(path, "[heap]")))
			continue;
		if (s->nmaps == cap) {
			struct region *m = realloc(s->maps, (cap = cap ? cap * 2 : 64) * sizeof *m);

			if (!m)
				break;
			s->maps = m;
		}
		s->maps[s->nmaps++] = (struct region){ lo, hi };
	}
	if (f)
		fclose(f);
}

/*
 * Whether the chunk at p (size bytes with its header) may be one the
 * program holds: glibc clears PREV_INUSE in the next chunk's size word when
 * it takes a freed block back into its bins, and a freed block keeps its
 * old words, which are no references.  Blocks in its caches of small ones
 * (tcache, fastbins) keep the bit: they are followed, which may hide a
 * leak.  (tcache's key in a block's second word is no proof: a block a
 * dying thread freed to a fastbin keeps it when it is handed out again.)
 */
static bool in_use(const struct region *m, uintptr_t p, uintptr_t size)
{
	uintptr_t next = p + size - sizeof(uintptr_t);   /* the next chunk's size word */

	return next + sizeof(uintptr_t) <= m->hi && (*(const uintptr_t *)next & 1);
}

static const struct region *mapping_of(const struct scan *s, uintptr_t p)
{
	size_t lo = 0, hi = s->nmaps;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (p < s->maps[mid].lo)
			hi = mid;
		else if (p >= s->maps[mid].hi)
			lo = mid + 1;
		else
			return &s->maps[mid];
	}
	return NULL;
}
#endif

/* The end of the heap block that starts at p, or 0 when p starts none. */
NO_ASAN static uintptr_t block_end(const struct scan *s, uintptr_t p)
{
	const struct region *m;
	uintptr_t size, raw;

	if (p & 15)
		return 0;
#ifdef VT__ASAN
	(void)s;
	(void)m;
	(void)size;
	(void)raw;
	if (!__sanitizer_get_ownership((const void *)p))
		return 0;
	return p + __sanitizer_get_allocated_size((const void *)p);
#else
	m = mapping_of(s, p);
	if (!m || p - m->lo < 2 * sizeof(uintptr_t))
		return 0;
#ifdef VT__VALGRIND
	/* Valgrind's allocator keeps no header there: read a window instead. */
	if (RUNNING_ON_VALGRIND)
		return m->hi - p < WINDOW ? m->hi : p + WINDOW;
#endif
	raw = ((const uintptr_t *)p)[-1];                      /* glibc's chunk size */
	size = raw & ~(uintptr_t)7;
	if (size < 4 * sizeof(uintptr_t) || size > m->hi - p + sizeof(uintptr_t))
		return 0;
	if (!(raw & 2) && !in_use(m, p, size))   /* 2: mmapped, alone in its mapping */
		return 0;
	return p + size - sizeof(uintptr_t);
#endif
}

static void push(struct scan *s, uintptr_t lo, uintptr_t hi)
{
	uint64_t *seen = vt__pmap_slot(&s->seen, (const void *)lo);

	if (!seen || *seen)
		return;
	*seen = 1;
	if (s->nwork == s->capwork) {
		size_t cap = s->capwork ? s->capwork * 2 : 256;
		struct region *w = realloc(s->work, cap * sizeof *w);

		if (!w)
			return;
		s->work = w;
		s->capwork = cap;
	}
	s->work[s->nwork++] = (struct region){ lo, hi };
}

/* Whole ranges are read, redzones and padding included: meant, so ASan
 * does not instrument it. */
NO_ASAN static void scan_range(struct scan *s, uintptr_t lo, uintptr_t hi)
{
	for (const uintptr_t *p = (const uintptr_t *)((lo + 7) & ~(uintptr_t)7);
	     (uintptr_t)(p + 1) <= hi; p++) {
		uintptr_t w = *p, end;

		if (vt__scan_set_mark(s->set, w) || vt__scan_set_ignored(s->set, w))
			continue;
		end = block_end(s, w);
		if (end)
			push(s, w, end);
	}
}

static int scan_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t a = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_W))
			scan_range(arg, a, a + ph->p_memsz);
	}
	return 0;
}

void vt__scan_globals(struct vt__scan_set *set)
{
	struct scan s = { .set = set };

#ifdef VT__VALGRIND
	VALGRIND_DISABLE_ERROR_REPORTING;
#endif
#ifndef VT__ASAN
	read_maps(&s);
	qsort(s.maps, s.nmaps, sizeof *s.maps, by_addr);
#endif
	dl_iterate_phdr(scan_object, &s);
	while (s.nwork > 0) {
		struct region r = s.work[--s.nwork];

		scan_range(&s, r.lo, r.hi);
	}
#ifdef VT__VALGRIND
	VALGRIND_ENABLE_ERROR_REPORTING;
#endif
	free(s.maps);
	free(s.work);
	free(s.seen.keys);
	free(s.seen.vals);
}
