/*
 * timer.c: the loop's timers: vt_sleep, cancelled sleeps, and the deadlines
 * of vt_read_deadline / vt_write_deadline.
 *
 * A timer is a loop-owned vt_source kept in a binary heap that knows each
 * timer's index, so that cancelling one is O(log n).  Timer records are
 * pooled per loop and, when the loop is freed, handed to a process-wide
 * pool with their token moved on: a stale vt_sleep vtask, even one that
 * outlived its loop, names our own memory and is refused (VT_EMISUSE).
 */
#include "loop.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vt__timer *pool;       /* records of freed loops */

uint64_t vt__now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- heap ---- */

static bool before(const struct vt__timer *a, const struct vt__timer *b)
{
	return a->deadline < b->deadline || (a->deadline == b->deadline && a->seq < b->seq);
}

static void put(vt_loop *l, size_t i, struct vt__timer *t)
{
	l->heap[i] = t;
	t->hidx = i;
}

static void sift_up(vt_loop *l, size_t i)
{
	struct vt__timer *t = l->heap[i];

	while (i > 0 && before(t, l->heap[(i - 1) / 2])) {
		put(l, i, l->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	put(l, i, t);
}

static void sift_down(vt_loop *l, size_t i)
{
	struct vt__timer *t = l->heap[i];
	size_t n = l->nheap;

	for (;;) {
		size_t m = 2 * i + 1;

		if (m >= n)
			break;
		if (m + 1 < n && before(l->heap[m + 1], l->heap[m]))
			m++;
		if (!before(l->heap[m], t))
			break;
		put(l, i, l->heap[m]);
		i = m;
	}
	put(l, i, t);
}

static int heap_push(vt_loop *l, struct vt__timer *t)
{
	if (l->nheap == l->capheap) {
		size_t cap = l->capheap ? l->capheap * 2 : 16;
		struct vt__timer **h = realloc(l->heap, cap * sizeof *h);

		if (!h)
			return ENOMEM;
		l->heap = h;
		l->capheap = cap;
	}
	l->heap[l->nheap++] = t;
	sift_up(l, l->nheap - 1);
	return 0;
}

static void heap_remove(vt_loop *l, struct vt__timer *t)
{
	size_t i = t->hidx, last = --l->nheap;

	t->hidx = SIZE_MAX;
	if (i == last)
		return;
	put(l, i, l->heap[last]);
	sift_up(l, i);
	sift_down(l, l->heap[i]->hidx);
}

/* ---- records ---- */

static void timer_put_back(vt_loop *l, struct vt__timer *t)
{
	t->deadline_of = NULL;
	t->next_free = l->timer_free;
	l->timer_free = t;
}

static void timer_consumed(vt_source *src, void *ctx)
{
	struct vt__timer *t = ctx;

	vt_source_reset(src);
	timer_put_back(t->io.loop, t);
}

static struct vt__timer *pool_take(void)
{
	struct vt__timer *t;

	pthread_mutex_lock(&pool_lock);
	t = pool;
	if (t)
		pool = t->next_free;
	pthread_mutex_unlock(&pool_lock);
	return t;
}

/* A record keeps its source's token across loops (never re-initialised). */
static struct vt__timer *timer_get(vt_loop *l)
{
	struct vt__timer *t = l->timer_free;

	if (t) {
		l->timer_free = t->next_free;
		return t;
	}
	t = pool_take();
	if (!t) {
		t = calloc(1, sizeof *t);
		if (!t)
			return NULL;
		vt_source_init(&t->io.src, timer_consumed, t);
		t->io.src.vt__flags = VT__SRC_IO;
		t->io.kind = VT__IO_TIMER;
	}
	t->io.loop = l;
	t->hidx = SIZE_MAX;
	t->next_all = l->timer_all;
	l->timer_all = t;
	return t;
}

static struct vt__timer *timer_start(vt_loop *l, uint64_t ms)
{
	struct vt__timer *t = timer_get(l);

	if (!t)
		return NULL;
	t->deadline = vt__now_ns() +
		      (ms > UINT64_MAX / 2000000u ? UINT64_MAX / 2 : ms * 1000000u);
	t->seq = l->timer_seq++;
	if (heap_push(l, t) != 0) {
		timer_put_back(l, t);
		return NULL;
	}
	return t;
}

/* A zero sleep is already over: it completes synchronously. */
vtask vt__sleep_at(uint64_t ms, const char *file, int line)
{
	vt_loop *l = vt__current_loop();
	struct vt__timer *t;

	if (ms == 0)
		return vt__mk_value(NULL, "vt_sleep", file, line);
	if (!l)
		return vt__mk_error(EINVAL, "vt_sleep", file, line);
	t = timer_start(l, ms);
	if (!t)
		return vt__mk_error(ENOMEM, "vt_sleep", file, line);
	return vt__mk_source(&t->io.src, t->io.src.vt__token, "vt_sleep", file, line);
}

/* ---- deadlines ---- */

int vt__deadline_start(vt_loop *l, struct vt__ioop *o, uint64_t ms)
{
	struct vt__timer *t = timer_start(l, ms);

	if (!t)
		return ENOMEM;
	t->deadline_of = o;
	o->deadline = t;
	return 0;
}

void vt__deadline_stop(vt_loop *l, struct vt__ioop *o)
{
	struct vt__timer *t = o->deadline;

	if (!t)
		return;
	o->deadline = NULL;
	if (t->hidx != SIZE_MAX)
		heap_remove(l, t);
	timer_put_back(l, t);
}

/* ---- firing and cancelling ---- */

void vt__timer_cancel(struct vt__timer *t)
{
	if (t->hidx != SIZE_MAX)
		heap_remove(t->io.loop, t);
	vt_source_set_error(&t->io.src, ECANCELED);
}

void vt__timers_fire(vt_loop *l)
{
	uint64_t now = vt__now_ns();

	while (l->nheap > 0 && l->heap[0]->deadline <= now) {
		struct vt__timer *t = l->heap[0];

		heap_remove(l, t);
		if (t->deadline_of) {
			struct vt__ioop *o = t->deadline_of;

			o->deadline = NULL;
			timer_put_back(l, t);
			vt__op_finish(o, NULL, ETIMEDOUT);
		} else {
			vt_source_set_result(&t->io.src, NULL);
		}
	}
}

/* Milliseconds until the next timer, rounded up; -1 for none. */
int vt__timers_timeout(vt_loop *l)
{
	uint64_t now, d;

	if (l->nheap == 0)
		return -1;
	now = vt__now_ns();
	if (l->heap[0]->deadline <= now)
		return 0;
	d = (l->heap[0]->deadline - now + 999999u) / 1000000u;
	return d > 86400000u ? 86400000 : (int)d;
}

/* Every record goes to the process-wide pool with its token moved on, so
 * that vtasks still naming it are stale.  Callback waiters (as_task
 * bridges) are told first that the operation is gone. */
void vt__timers_free(vt_loop *l)
{
	struct vt__timer *t;

	for (t = l->timer_all; t; t = t->next_all)
		vt__src_cancel(&t->io.src);
	while ((t = l->timer_all) != NULL) {
		l->timer_all = t->next_all;
		vt_source_reset(&t->io.src);
		t->io.loop = NULL;
		t->deadline_of = NULL;
		pthread_mutex_lock(&pool_lock);
		t->next_free = pool;
		pool = t;
		pthread_mutex_unlock(&pool_lock);
	}
	free(l->heap);
}
