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

#ifdef VT__ASAN
#define STACK_SIZE (1024u * 1024u)   /* ASan frames are much larger */
#else
#define STACK_SIZE (256u * 1024u)
#endif
/* Larger than any frame a real program puts on the stack, so that a frame
 * that overflows cannot skip it; -fstack-clash-protection makes any size
 * safe.  With MADV_GUARD_INSTALL it costs address space only. */
#define GUARD_SIZE (64u * 1024u)
#define STACK_CACHE 256
#define SLAB_STACKS 32
#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif

enum { F_READY, F_RUNNING, F_WAITING, F_DEAD };

struct vt__fiber {
	vt__ctx ctx;
	vt_loop *loop;
	void (*fn)(void *arg);
	void *arg;
	struct vt__fiber *next;               /* ready queue, or stack cache */
	struct vt__fiber *all_prev, *all_next; /* the loop's live fibers */
	int state;
	bool blocked_other;                    /* counted in loop->blocked_other */
	/* What it is blocked on, so vt_loop_free can unlink it. */
	struct vt__wait *wait;
	vt_source *wait_src;
	vt_task *wait_task;
	void *lo;                              /* usable stack: [lo, lo + size) */
	size_t size;
	unsigned vg_id;
};

/* Stacks are carved from slabs: one mapping holds SLAB_STACKS stacks, each
 * with its guard below it, so the fiber count is bounded by memory and not
 * by vm.max_map_count.  Slabs are unmapped only by vt_loop_free. */
struct vt__stackslab {
	struct vt__stackslab *next;
	void *map;
	size_t len;
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

static size_t page_round(size_t n)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	return (n + pg - 1) & ~(pg - 1);
}

/* A guard that does not split the mapping where the kernel has them
 * (Linux 6.13), PROT_NONE otherwise. */
static int guard_install(char *p, size_t len)
{
	if (len == 0)
		return 0;
	if (madvise(p, len, MADV_GUARD_INSTALL) == 0)
		return 0;
	return mprotect(p, len, PROT_NONE);
}

/* A stack's record sits at the top of its slot. */
static struct vt__fiber *slot_rec(char *slot, size_t slotlen)
{
	size_t rec = (sizeof(struct vt__fiber) + 63) & ~(size_t)63;

	return (struct vt__fiber *)(slot + slotlen - rec);
}

static struct vt__fiber *slot_init(vt_loop *l, char *slot, size_t slotlen)
{
	struct vt__fiber *f = slot_rec(slot, slotlen);

	memset(f, 0, sizeof *f);
	f->lo = slot + l->guard_size;
	f->size = (size_t)((char *)f - (char *)f->lo);
#ifdef VT__VALGRIND
	f->vg_id = VALGRIND_STACK_REGISTER(f->lo, (char *)f->lo + f->size);
#endif
	return f;
}

/* Maps one slab; its stacks go to the cold list (nothing touched yet). */
static int slab_new(vt_loop *l)
{
	size_t slotlen = l->guard_size + l->stack_size;
	size_t len = slotlen * SLAB_STACKS;
	struct vt__stackslab *s = malloc(sizeof *s);
	char *map;

	if (!s)
		return ENOMEM;
	map = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
	if (map == MAP_FAILED) {
		free(s);
		return ENOMEM;
	}
	for (size_t i = 0; i < SLAB_STACKS; i++) {
		if (guard_install(map + i * slotlen, l->guard_size) != 0) {
			munmap(map, len);
			free(s);
			return ENOMEM;
		}
	}
	*s = (struct vt__stackslab){ .next = l->slabs, .map = map, .len = len };
	l->slabs = s;
	for (size_t i = SLAB_STACKS; i-- > 0;) {
		struct vt__fiber *f = slot_init(l, map + i * slotlen, slotlen);

		f->next = l->cold;
		l->cold = f;
	}
	return 0;
}

/* Warm stacks first, then cold ones, then a new slab. */
static struct vt__fiber *fiber_alloc(vt_loop *l)
{
	struct vt__fiber *f = l->cache;

	if (f) {
		l->cache = f->next;
		l->ncache--;
	} else {
		if (!l->cold && slab_new(l) != 0)
			return NULL;
		f = l->cold;
		l->cold = f->next;
	}
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

/*
 * Warm stacks (up to stack_cache) are reused as they are; past that the
 * stack's memory goes back to the kernel (the record at its top stays), but
 * the mapping is kept: no munmap while the loop lives.
 */
static void fiber_release(vt_loop *l, struct vt__fiber *f)
{
	fiber_unlink(l, f);
	if (l->ncache >= l->stack_cache) {
		size_t pg = (size_t)sysconf(_SC_PAGESIZE);
		size_t keep = (size_t)((char *)f - (char *)f->lo) & ~(pg - 1);

		madvise(f->lo, keep, MADV_DONTNEED);
		f->next = l->cold;
		l->cold = f;
		return;
	}
	f->next = l->cache;
	l->cache = f;
	l->ncache++;
}

static void slabs_free(vt_loop *l)
{
	struct vt__stackslab *s;

#ifdef VT__VALGRIND
	size_t slotlen = l->guard_size + l->stack_size;

	for (s = l->slabs; s; s = s->next)
		for (size_t i = 0; i < SLAB_STACKS; i++)
			VALGRIND_STACK_DEREGISTER(
				slot_rec((char *)s->map + i * slotlen, slotlen)->vg_id);
#endif
	while ((s = l->slabs) != NULL) {
		l->slabs = s->next;
		/* Frames of fibers that never finished leave redzones behind. */
		ASAN_UNPOISON(s->map, s->len);
		munmap(s->map, s->len);
		free(s);
	}
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

static bool io_wait(vt_source *src)
{
	return src && (src->vt__flags & VT__SRC_IO);
}

/* Fibers blocked on a task or a user's source are counted: they keep the
 * loop polling only while callbacks wait on its timers and fds (a read
 * bridged into a when_any that a fiber awaits). */
void vt__block(struct vt__wait *w, vt_source *src, vt_task *task)
{
	struct vt__fiber *f = t_fiber;

	f->wait = w;
	f->wait_src = src;
	f->wait_task = task;
	f->state = F_WAITING;
	f->blocked_other = !io_wait(src);
	if (f->blocked_other)
		f->loop->blocked_other++;
	to_sched(f);
	if (f->blocked_other)
		f->loop->blocked_other--;
	f->blocked_other = false;
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

vt_loop *vt_loop_new_with(const vt_loop_options *opt)
{
	vt_loop *l = calloc(1, sizeof *l);

	if (!l)
		return NULL;
	l->stack_size = page_round(opt && opt->stack_size ? opt->stack_size : STACK_SIZE);
	l->guard_size = page_round(opt && opt->guard_size ? opt->guard_size : GUARD_SIZE);
	l->stack_cache = opt && opt->stack_cache ? opt->stack_cache : STACK_CACHE;
	if (l->stack_size < 16384)
		l->stack_size = page_round(16384);
	if (vt__io_init(l) != 0) {
		free(l);
		return NULL;
	}
	t_last = l;
	return l;
}

vt_loop *vt_loop_new(void)
{
	return vt_loop_new_with(NULL);
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
 * What can still make progress: ready fibers, fibers waiting on a timer or
 * fd, callbacks on those when some fiber waits on a task (they may complete
 * it), and posts from other threads.  A wait nothing awaits does not count.
 */
static bool loop_alive(vt_loop *l)
{
	if (l->nready > 0 || l->fiber_io_waiters > 0)
		return true;
	if (l->cb_io_waiters > 0 && l->blocked_other > 0)
		return true;
	return vt__posts_pending(l);
}

/*
 * Each pass runs the fibers that were ready when it began, in order, then
 * polls timers and fds (without blocking if some fiber is ready again).
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
	vt__posts_run(l);
	for (;;) {
		for (size_t n = l->nready; n > 0; n--)
			run_fiber(l, ready_pop(l));
		if (l->stop) {
			l->stop = false;
			break;
		}
		if (!loop_alive(l))
			break;
		err = vt__io_poll(l, l->nready == 0);
		if (err)
			break;
	}
	t_loop = saved;
	l->running = false;
	return err;
}

void vt_loop_stop(vt_loop *l)
{
	if (l)
		l->stop = true;
}

/* A fiber that will never run again must not stay linked anywhere. */
static void fiber_cancel(vt_loop *l, struct vt__fiber *f)
{
	vt__check_fiber_cancelled(f);
	if (f->wait_src && f->wait_src->vt__waiter == f->wait)
		vt__src_take_waiter(f->wait_src);
	if (f->wait_task)
		vt__task_remove_waiter(f->wait_task, f->wait);
	if (f->blocked_other)
		l->blocked_other--;
}

void vt_loop_free(vt_loop *l)
{
	struct vt__fiber *f;

	if (!l || l->running)
		return;
	while ((f = l->all) != NULL) {
		fiber_cancel(l, f);
		fiber_unlink(l, f);
	}
	vt__io_free(l);
	slabs_free(l);
	if (t_last == l)
		t_last = NULL;
	free(l);
}
