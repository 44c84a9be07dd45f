/*
 * vt_internal.h: private declarations shared by libvtask's sources.
 *
 * The library's own files call the plain functions, so the location macros
 * of <vtask.h> are switched off here.
 */
#ifndef VT_INTERNAL_H
#define VT_INTERNAL_H

#ifndef VTASK_NO_LOCATION
#define VTASK_NO_LOCATION
#endif
#include "vtask.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* Built under AddressSanitizer (clang or gcc): fiber switches and heap scans tell it. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VT__ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(VT__ASAN)
#define VT__ASAN 1
#endif

/* valgrind's client requests, when its header is installed (stacks, heap scans). */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define VT__VALGRIND 1
#endif
#endif

#define VT__HIDDEN __attribute__((visibility("hidden")))
#define VT__UNLIKELY(x) __builtin_expect(!!(x), 0)
#define VT__CONTAINER(p, type, member) \
	((type *)(void *)((char *)(p) - offsetof(type, member)))

/* What a vtask's union holds.  0 is an immediate value, so that the zero
 * vtask (VTASK_COMPLETED, `= {0}`) is a completed one with a NULL result. */
enum vt__kind { VT__K_VALUE, VT__K_ERROR, VT__K_TASK, VT__K_SOURCE };

/* A source version's state. */
enum { VT__S_PENDING, VT__S_DONE, VT__S_CONSUMED };

/* vt_source.vt__flags: the source is a loop's timer or fd operation. */
#define VT__SRC_IO 1u

/*
 * One waiter: a fiber to wake, or a callback (combinators, as_task
 * bridges).  Lives in the waiter's memory (fiber stack or heap object).
 */
struct vt__wait {
	struct vt__wait *next;
	struct vt__fiber *fiber;
	void (*cb)(struct vt__wait *w);
};

/*
 * A heap task.  Its memory is type-stable (freed tasks go to a free list,
 * never back to libc) so that a stale vtask that still names it reads our
 * own memory and is refused by the ticket check instead of touching freed
 * memory.
 */
struct vt_task {
	atomic_uint refs;
	atomic_uint ticket;         /* bit 16: a vtask owns it; low 16: generation */
	uint8_t done;
	int err;
	void *value;
	struct vt__wait *waiters;
	struct vt__wait *waiters_tail;  /* O(1) registration of the N-th waiter */
	struct vt_task *free_next;
	/* Tickets of further vtasks made from the same task (bit 15 set), under
	 * a lock: each is consumed once, like the owning ticket. */
	uint16_t *extra;
	uint32_t nextra, capextra;
	uint16_t extra_gen;
};

/* ---- fibers (loop.c) ---- */
struct vt__fiber *vt__self(void) VT__HIDDEN;
void vt__block(struct vt__wait *w, vt_source *src, vt_task *task) VT__HIDDEN;
void vt__wait_fire(struct vt__wait *w) VT__HIDDEN;
vt_loop *vt__current_loop(void) VT__HIDDEN;
void vt__io_waiters_add(vt_source *src, int d) VT__HIDDEN;

/* ---- sources (source.c) ---- */
void vt__src_set_waiter(vt_source *src, struct vt__wait *w) VT__HIDDEN;
struct vt__wait *vt__src_take_waiter(vt_source *src) VT__HIDDEN;

/* ---- heap tasks (task.c) ---- */
void vt__task_add_waiter(vt_task *t, struct vt__wait *w) VT__HIDDEN;
void vt__task_remove_waiter(vt_task *t, struct vt__wait *w) VT__HIDDEN;
uint16_t vt__task_claim_ticket(vt_task *t) VT__HIDDEN;
bool vt__task_use_ticket(vt_task *t, uint16_t token) VT__HIDDEN;
bool vt__task_ticket_valid(const vt_task *t, uint16_t token) VT__HIDDEN;

/* ---- vtask construction (vtask.c) ---- */
vtask vt__mk_value(void *value, const char *op, const char *file, int line) VT__HIDDEN;
vtask vt__mk_error(int err, const char *op, const char *file, int line) VT__HIDDEN;
vtask vt__mk_source(vt_source *src, uint16_t token, const char *op, const char *file,
		    int line) VT__HIDDEN;
bool vt__raw_done(vtask vt) VT__HIDDEN;

/* ---- checked mode (check.c) ---- */
extern bool vt__checking VT__HIDDEN;
enum vt__use { VT__USE_AWAIT, VT__USE_GET, VT__USE_AS_TASK, VT__USE_INSPECT };
vtask vt__check_track(vtask vt, const char *op, const char *file, int line) VT__HIDDEN;
int vt__check_consume(vtask vt, enum vt__use use, const char *file, int line) VT__HIDDEN;
void vt__check_wait_end(vtask vt) VT__HIDDEN;
bool vt__check_inspect(vtask vt, const char *op, const char *file, int line) VT__HIDDEN;
/* A fiber freed by vt_loop_free while it waited (loop.c). */
void vt__check_fiber_cancelled(struct vt__fiber *f) VT__HIDDEN;
/* VT006 (check_source.c): the producer's calls on a source. */
void vt__check_source_init(vt_source *src) VT__HIDDEN;
vtask vt__check_source_issue(vtask vt, const char *file, int line) VT__HIDDEN;
void vt__check_source_settle(vt_source *src, const char *op, const char *file,
			     int line) VT__HIDDEN;
void vt__check_source_reset(vt_source *src, const char *file, int line) VT__HIDDEN;
/* VT007 (check_task.c): vt_task references the program holds. */
void vt__check_ref_made(vt_task *t, const char *op, const char *file, int line) VT__HIDDEN;
void vt__check_ref_dropped(vt_task *t) VT__HIDDEN;
void vt__check_task_freed(vt_task *t) VT__HIDDEN;
void vt__check_refs_at_exit(void) VT__HIDDEN;
/* task.c calls this where a task's last reference goes. */
static inline void vt__check_task_gone(vt_task *t)
{
	if (VT__UNLIKELY(vt__checking))
		vt__check_task_freed(t);
}

/* ---- context switch (ctx.c) ---- */
#if !defined(VT_FORCE_UCONTEXT) && (defined(__x86_64__) || defined(__aarch64__))
#define VT__ASM_SWITCH 1
typedef struct vt__ctx { void *sp; } vt__ctx;
#else
#include <ucontext.h>
typedef struct vt__ctx { ucontext_t uc; void (*fn)(void *); void *arg; } vt__ctx;
#endif
void vt__ctx_make(vt__ctx *c, void *lo, size_t size, void (*fn)(void *), void *arg) VT__HIDDEN;
#ifdef VT__ASM_SWITCH
/* Inline: a switch is one call into the assembly, nothing around it. */
void vt__ctx_swap(void **save_sp, void *load_sp) VT__HIDDEN;
static inline void vt__ctx_jump(vt__ctx *from, vt__ctx *to)
{
	vt__ctx_swap(&from->sp, to->sp);
}
#else
void vt__ctx_jump(vt__ctx *from, vt__ctx *to) VT__HIDDEN;
#endif

#endif /* VT_INTERNAL_H */
