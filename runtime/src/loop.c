/*
 * loop.c: fibers and their scheduler.
 *
 * A fiber runs on its own mmap'ed stack with a guard page below it; the
 * fiber's record sits at the top of the same mapping, so spawning from the
 * stack cache allocates nothing.  Every switch goes through the loop's
 * scheduler context: fiber -> scheduler -> next fiber.  That keeps one
 * place that frees dead fibers (never on their own stack) and decides when
 * to poll timers and fds.
 */
#include "loop.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VT__ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(VT__ASAN)
#define VT__ASAN 1
#endif

#ifdef VT__ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define ASAN_START(save, lo, n) __sanitizer_start_switch_fiber(save, lo, n)
#define ASAN_FINISH(save, lo, n) __sanitizer_finish_switch_fiber(save, lo, n)
#define ASAN_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define ASAN_START(save, lo, n) ((void)(save), (void)(lo), (void)(n))
#define ASAN_FINISH(save, lo, n) ((void)(save), (void)(lo), (void)(n))
#define ASAN_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define VT__VALGRIND 1
#endif
#endif

#ifdef VT__ASAN
#define STACK_SIZE (1024u * 1024u)   /* ASan frames are much larger */
#else
#define STACK_SIZE (256u * 1024u)
#endif
#define STACK_CACHE 64

enum { F_READY, F_RUNNING, F_WAITING, F_DEAD };

struct vt__fiber {
	vt__ctx ctx;
	vt_loop *loop;
	void (*fn)(void *arg);
	void *arg;
	struct vt__fiber *next;               /* ready queue, or stack cache */
	struct vt__fiber *all_prev, *all_next; /* the loop's live fibers */
	int state;
	/* What it is blocked on, so vt_loop_free can unlink it. */
	struct vt__wait *wait;
	vt_source *wait_src;
	vt_task *wait_task;
	void *map;
	size_t maplen;
	void *lo;                              /* usable stack: [lo, lo + size) */
	size_t size;
	unsigned vg_id;
};

static __thread struct vt__fiber *t_fiber;   /* running fiber, if any */
static __thread vt_loop *t_loop;             /* loop in vt_loop_run */
static __thread vt_loop *t_last;             /* last loop made on this thread */

struct vt__fiber *vt__self(void)
{
	return t_fiber;
}

vt_loop *vt__current_loop(void)
{
	return t_loop ? t_loop : t_last;
}

/* ---- stacks ---- */

static struct vt__fiber *stack_new(void)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	size_t maplen = STACK_SIZE + pg;
	size_t rec = (sizeof(struct vt__fiber) + 63) & ~(size_t)63;
	struct vt__fiber *f;
	char *map;

	map = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK,
		   -1, 0);
	if (map == MAP_FAILED)
		return NULL;
	if (mprotect(map, pg, PROT_NONE) != 0) {   /* the guard page */
		munmap(map, maplen);
		return NULL;
	}
	f = (struct vt__fiber *)(map + maplen - rec);
	memset(f, 0, sizeof *f);
	f->map = map;
	f->maplen = maplen;
	f->lo = map + pg;
	f->size = (size_t)((char *)f - (char *)f->lo);
#ifdef VT__VALGRIND
	f->vg_id = VALGRIND_STACK_REGISTER(f->lo, (char *)f->lo + f->size);
#endif
	return f;
}

static void stack_free(struct vt__fiber *f)
{
#ifdef VT__VALGRIND
	VALGRIND_STACK_DEREGISTER(f->vg_id);
#endif
	munmap(f->map, f->maplen);
}

static struct vt__fiber *fiber_alloc(vt_loop *l)
{
	struct vt__fiber *f = l->cache;

	if (!f)
		return stack_new();
	l->cache = f->next;
	l->ncache--;
	/* A dead fiber's frames may have left ASan redzones poisoned. */
	ASAN_UNPOISON(f->lo, f->size);
	return f;
}

static void fiber_unlink(vt_loop *l, struct vt__fiber *f)
{
	if (f->all_prev)
		f->all_prev->all_next = f->all_next;
	else
		l->all = f->all_next;
	if (f->all_next)
		f->all_next->all_prev = f->all_prev;
	f->all_prev = f->all_next = NULL;
}

static void fiber_release(vt_loop *l, struct vt__fiber *f)
{
	fiber_unlink(l, f);
	if (l->ncache >= STACK_CACHE) {
		stack_free(f);
		return;
	}
	f->next = l->cache;
	l->cache = f;
	l->ncache++;
}

/* ---- switching ---- */

static void ready_push(vt_loop *l, struct vt__fiber *f)
{
	f->state = F_READY;
	f->next = NULL;
	if (l->ready_tail)
		l->ready_tail->next = f;
	else
		l->ready_head = f;
	l->ready_tail = f;
	l->nready++;
}

static struct vt__fiber *ready_pop(vt_loop *l)
{
	struct vt__fiber *f = l->ready_head;

	if (f) {
		l->ready_head = f->next;
		if (!l->ready_head)
			l->ready_tail = NULL;
		l->nready--;
		f->next = NULL;
	}
	return f;
}

/* From a fiber back to its scheduler.  A dead fiber passes no fake-stack
 * slot, so that ASan drops its fake stack. */
static void to_sched(struct vt__fiber *f)
{
	vt_loop *l = f->loop;
	void *fake = NULL;

	ASAN_START(f->state == F_DEAD ? NULL : &fake, l->sched_lo, l->sched_size);
	vt__ctx_jump(&f->ctx, &l->sched);
	ASAN_FINISH(fake, &l->sched_lo, &l->sched_size);
}

static void fiber_main(void *arg)
{
	struct vt__fiber *f = arg;

	ASAN_FINISH(NULL, &f->loop->sched_lo, &f->loop->sched_size);
	f->fn(f->arg);
	f->state = F_DEAD;
	to_sched(f);
}

static void run_fiber(vt_loop *l, struct vt__fiber *f)
{
	void *fake = NULL;

	f->state = F_RUNNING;
	t_fiber = f;
	ASAN_START(&fake, f->lo, f->size);
	vt__ctx_jump(&l->sched, &f->ctx);
	ASAN_FINISH(fake, NULL, NULL);
	t_fiber = NULL;
	if (f->state == F_DEAD)
		fiber_release(l, f);
}

void vt__block(struct vt__wait *w, vt_source *src, vt_task *task)
{
	struct vt__fiber *f = t_fiber;

	f->wait = w;
	f->wait_src = src;
	f->wait_task = task;
	f->state = F_WAITING;
	to_sched(f);
	f->wait = NULL;
	f->wait_src = NULL;
	f->wait_task = NULL;
}

void vt__wait_fire(struct vt__wait *w)
{
	struct vt__fiber *f = w->fiber;

	if (!f)
		w->cb(w);
	else if (f->state == F_WAITING)
		ready_push(f->loop, f);
}

void vt_yield(void)
{
	struct vt__fiber *f = t_fiber;

	if (!f)
		return;
	ready_push(f->loop, f);
	to_sched(f);
}

/* ---- the loop ---- */

vt_loop *vt_loop_new(void)
{
	vt_loop *l = calloc(1, sizeof *l);

	if (!l)
		return NULL;
	if (vt__io_init(l) != 0) {
		free(l);
		return NULL;
	}
	t_last = l;
	return l;
}

int vt_spawn(vt_loop *l, void (*fn)(void *arg), void *arg)
{
	struct vt__fiber *f;

	if (!l || !fn)
		return EINVAL;
	f = fiber_alloc(l);
	if (!f)
		return ENOMEM;
	f->loop = l;
	f->fn = fn;
	f->arg = arg;
	f->all_prev = NULL;
	f->all_next = l->all;
	if (l->all)
		l->all->all_prev = f;
	l->all = f;
	vt__ctx_make(&f->ctx, f->lo, f->size, fiber_main, f);
	ready_push(l, f);
	return 0;
}

/*
 * Each pass runs the fibers that were ready when it began, in order, then
 * polls timers and fds (without blocking if some fiber is ready again).
 * Only waiters on timers and fds can make progress from outside, so with
 * none of those and nothing ready the loop is done.
 */
int vt_loop_run(vt_loop *l)
{
	vt_loop *saved = t_loop;
	int err = 0;

	if (!l)
		return EINVAL;
	if (l->running || t_fiber)
		return VT_EMISUSE;
	l->running = true;
	t_loop = l;
	for (;;) {
		for (size_t n = l->nready; n > 0; n--)
			run_fiber(l, ready_pop(l));
		if (l->nready == 0 && l->io_waiters == 0)
			break;
		err = vt__io_poll(l, l->nready == 0);
		if (err)
			break;
	}
	t_loop = saved;
	l->running = false;
	return err;
}

/* A fiber that will never run again must not stay linked anywhere. */
static void fiber_cancel(struct vt__fiber *f)
{
	vt__check_fiber_cancelled(f);
	if (f->wait_src && f->wait_src->vt__waiter == f->wait)
		vt__src_take_waiter(f->wait_src);
	if (f->wait_task)
		vt__task_remove_waiter(f->wait_task, f->wait);
}

void vt_loop_free(vt_loop *l)
{
	struct vt__fiber *f;

	if (!l || l->running)
		return;
	while ((f = l->all) != NULL) {
		fiber_cancel(f);
		fiber_unlink(l, f);
		stack_free(f);
	}
	while ((f = l->cache) != NULL) {
		l->cache = f->next;
		stack_free(f);
	}
	vt__io_free(l);
	if (t_last == l)
		t_last = NULL;
	free(l);
}
