/*
 * check_task.c: VT007, vt_task references the program never released.
 *
 * The calls that hand the program a reference (vt_task_new,
 * vt_task_from_result/error, vt_task_retain, vt_task_when_all/when_any,
 * vtask_as_task) come in through <vtask.h>'s macros to the vt__*_at twins,
 * which in checked mode push the place that made the reference on a
 * per-task stack; vt_task_release (through its macro) pops one, as does
 * vtask_from_task, which moves the reference into a vtask (VT005's
 * business from then on).  References are interchangeable, so a release
 * takes the most recent place: the count per task is exact, the place a
 * leak is blamed on is the best guess.  The library's own references
 * (combinators, bridges, waiters) use the plain names and are not counted;
 * when the last reference goes, task.c tells us and the stack is dropped.
 *
 * At exit, a task that still has places is a leak unless a global or
 * static variable still reaches it, directly or through heap blocks (a
 * cache): check_scan.c says which.  Each leaked reference is one VT007 line
 * at the place that made it, at most as many as the task's real reference
 * count (a release through the plain function, e.g. by a function pointer,
 * is not seen but lowers that count).
 */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>

struct place {
	const char *op, *file;
	int line;
	uint32_t next;               /* the task's older place; 0: none */
	uint64_t seq;                /* made order, for the report's order */
};

static struct place *places;     /* [0] unused */
static uint32_t nplaces = 1, capplaces, free_place;
static uint64_t seq;
static struct vt__pmap tasks;    /* vt_task * -> its newest place */

/* ---- the per-task stacks (under the lock) ---- */

static uint32_t place_alloc(void)
{
	uint32_t i = free_place;

	if (i) {
		free_place = places[i].next;
		return i;
	}
	if (nplaces >= capplaces) {
		uint32_t cap = capplaces ? capplaces * 2 : 256;
		struct place *p = realloc(places, cap * sizeof *p);

		if (!p)
			return 0;
		places = p;
		capplaces = cap;
	}
	return nplaces++;
}

static uint32_t place_free(uint32_t i)
{
	uint32_t next = places[i].next;

	places[i].next = free_place;
	free_place = i;
	return next;
}

void vt__check_ref_made(vt_task *t, const char *op, const char *file, int line)
{
	uint64_t *head;
	uint32_t i;

	pthread_mutex_lock(&vt__check_lock);
	head = vt__pmap_slot(&tasks, t);
	if (head && (i = place_alloc()) != 0) {
		places[i] = (struct place){ op, file, line, (uint32_t)*head, seq++ };
		*head = i;
	}
	pthread_mutex_unlock(&vt__check_lock);
}

void vt__check_ref_dropped(vt_task *t)
{
	uint64_t *head;

	pthread_mutex_lock(&vt__check_lock);
	head = vt__pmap_find(&tasks, t);
	if (head && *head)
		*head = place_free((uint32_t)*head);
	if (head && !*head)
		vt__pmap_del(&tasks, t, NULL);
	pthread_mutex_unlock(&vt__check_lock);
}

void vt__check_task_freed(vt_task *t)
{
	uint64_t head;

	pthread_mutex_lock(&vt__check_lock);
	if (vt__pmap_del(&tasks, t, &head))
		for (uint32_t i = (uint32_t)head; i; i = place_free(i))
			;
	pthread_mutex_unlock(&vt__check_lock);
}

/* ---- the located twins ---- */

static vt_task *made(vt_task *t, const char *op, const char *file, int line)
{
	if (VT__UNLIKELY(vt__checking) && t)
		vt__check_ref_made(t, op, file, line);
	return t;
}

vt_task *vt__task_new_at(const char *file, int line)
{
	return made(vt_task_new(), "vt_task_new", file, line);
}

vt_task *vt__task_from_result_at(void *value, const char *file, int line)
{
	return made(vt_task_from_result(value), "vt_task_from_result", file, line);
}

vt_task *vt__task_from_error_at(int err, const char *file, int line)
{
	return made(vt_task_from_error(err), "vt_task_from_error", file, line);
}

vt_task *vt__task_retain_at(vt_task *t, const char *file, int line)
{
	return made(vt_task_retain(t), "vt_task_retain", file, line);
}

vt_task *vt__task_when_all_at(vt_task *const *tasks, size_t n, const char *file, int line)
{
	return made(vt_task_when_all(tasks, n), "vt_task_when_all", file, line);
}

vt_task *vt__task_when_any_at(vt_task *const *tasks, size_t n, const char *file, int line)
{
	return made(vt_task_when_any(tasks, n), "vt_task_when_any", file, line);
}

/* Drop the place first: the release may free the task, and another thread
 * may then get the same address from vt_task_new. */
void vt__task_release_at(vt_task *t, const char *file, int line)
{
	(void)file;
	(void)line;
	if (VT__UNLIKELY(vt__checking) && t)
		vt__check_ref_dropped(t);
	vt_task_release(t);
}

/* ---- at exit ---- */

static int by_task(const void *a, const void *b)
{
	uintptr_t x = ((const struct vt__live *)a)->task;
	uintptr_t y = ((const struct vt__live *)b)->task;

	return x < y ? -1 : x > y;
}

bool vt__scan_set_mark(struct vt__scan_set *s, uintptr_t w)
{
	struct vt__live key = { w, false }, *hit;

	if (w < s->lo || w > s->hi)
		return false;
	hit = bsearch(&key, s->v, s->n, sizeof *s->v, by_task);
	if (hit)
		hit->reached = true;
	return hit != NULL;
}

bool vt__scan_set_ignored(const struct vt__scan_set *s, uintptr_t w)
{
	for (size_t i = 0; i < s->nignore; i++)
		if ((uintptr_t)s->ignore[i] == w)
			return true;
	return false;
}

void vt__scan_set_ignore(struct vt__scan_set *s, const void *p)
{
	if (p && s->nignore < sizeof s->ignore / sizeof s->ignore[0])
		s->ignore[s->nignore++] = p;
}

/* Under the lock: the tasks that still have places, sorted. */
static bool collect(struct vt__scan_set *s)
{
	*s = (struct vt__scan_set){ 0 };
	s->v = malloc((tasks.n ? tasks.n : 1) * sizeof *s->v);
	if (!s->v)
		return false;
	for (size_t i = 0; i < tasks.cap; i++)
		if (tasks.keys[i])
			s->v[s->n++] = (struct vt__live){ tasks.keys[i], false };
	qsort(s->v, s->n, sizeof *s->v, by_task);
	s->lo = s->n ? s->v[0].task : 1;
	s->hi = s->n ? s->v[s->n - 1].task : 0;
	vt__scan_set_ignore(s, s->v);
	vt__scan_set_ignore(s, tasks.keys);
	vt__scan_set_ignore(s, tasks.vals);
	vt__scan_set_ignore(s, places);
	vt__check_source_ignore(s);
	return true;
}

static int by_seq(const void *a, const void *b)
{
	uint64_t x = ((const struct place *)a)->seq, y = ((const struct place *)b)->seq;

	return x < y ? -1 : x > y;
}

/* Under the lock: the places of unreached tasks, at most refs per task,
 * oldest first.  Returns how many. */
static size_t leaks(const struct vt__scan_set *s, struct place **out)
{
	size_t n = 0;

	*out = malloc((nplaces ? nplaces : 1) * sizeof **out);
	if (!*out)
		return 0;
	for (size_t k = 0; k < s->n; k++) {
		vt_task *t = (vt_task *)s->v[k].task;
		unsigned refs = atomic_load(&t->refs);
		uint64_t *head = vt__pmap_find(&tasks, t);

		if (s->v[k].reached || !head)
			continue;
		for (uint32_t i = (uint32_t)*head; i && refs > 0; i = places[i].next, refs--)
			(*out)[n++] = places[i];
	}
	qsort(*out, n, sizeof **out, by_seq);
	return n;
}

void vt__check_refs_at_exit(void)
{
	char msg[VT__MSG_MAX];
	struct vt__scan_set s;
	struct place *out = NULL;
	size_t n = 0;

	pthread_mutex_lock(&vt__check_lock);
	if (tasks.n && collect(&s)) {
		vt__scan_globals(&s);
		n = leaks(&s, &out);
		free(s.v);
	}
	pthread_mutex_unlock(&vt__check_lock);
	for (size_t i = 0; i < n; i++) {
		snprintf(msg, sizeof msg, "vt_task reference made at %s:%d (by %s) was never "
			 "released", vt__check_fname(out[i].file), out[i].line, out[i].op);
		vt__check_report("VT007", out[i].file, out[i].line, msg);
	}
	free(out);
}
