/*
 * loop.h: the loop's layout, shared by the scheduler (loop.c) and the
 * timers and fd readiness (io.c).
 */
#ifndef VT_LOOP_H
#define VT_LOOP_H

#include "vt_internal.h"

#include <pthread.h>

/*
 * A loop-owned source: a timer or one direction of an fd.  Its memory is
 * type-stable (records go back to a process-wide pool, never to libc), so a
 * stale vtask that still names one after its loop is gone reads our own
 * memory and is refused by the token check.
 */
struct vt__iosrc {
	vt_source src;
	vt_loop *loop;
	uint8_t wkind;               /* the counted waiter: 0 none, 1 fiber, 2 callback */
	uint8_t kind;                /* VT__IO_TIMER or VT__IO_OP */
};

enum { VT__IO_TIMER = 1, VT__IO_OP };

struct vt__ioop;
struct vt__timer {
	struct vt__iosrc io;
	uint64_t deadline;           /* CLOCK_MONOTONIC, ns */
	uint64_t seq;                /* equal deadlines fire in creation order */
	size_t hidx;                 /* index in the heap, or SIZE_MAX */
	struct vt__ioop *deadline_of; /* a deadline timer: the operation it ends */
	struct vt__timer *next_free;
	struct vt__timer *next_all;
};

enum { VT__OP_IO, VT__OP_ACCEPT, VT__OP_CONNECT };

struct vt__fd;
struct vt__ioop {
	struct vt__iosrc io;
	struct vt__fd *fdr;
	void *buf;
	size_t len;
	struct vt__timer *deadline;  /* vt_read_deadline / vt_write_deadline */
	uint8_t dir;                 /* 0 read, 1 write */
	uint8_t busy;                /* a version is issued and not consumed */
	uint8_t what;                /* VT__OP_* */
};

/* fd kind, learned from the first system call and corrected on ENOTSOCK. */
enum { VT__FD_UNKNOWN, VT__FD_SOCKET, VT__FD_OTHER };

struct vt__fd {
	struct vt__ioop op[2];
	int fd;
	uint8_t kind;
	uint8_t registered;          /* one persistent edge-triggered epoll registration */
	uint8_t ready;               /* bit d: direction d may be ready (not known drained) */
	uint8_t detached;            /* vt_close'd: back to the pool once consumed */
	struct vt__fd *next_free;    /* pool, or the loop's detached list */
	struct vt__fd *prev_all, *next_all; /* every record this loop holds */
	uint8_t stream;              /* a short read means drained (stream socket, pipe) */
	uint8_t blocking;            /* O_NONBLOCK was clear when the record was made */
};

struct vt__post {
	void (*fn)(void *arg);
	void *arg;
	struct vt__post *next;
};

struct vt_loop {
	vt__ctx sched;
	const void *sched_lo;        /* the scheduler's stack, for ASan */
	size_t sched_size;
	struct vt__fiber *ready_head, *ready_tail;
	size_t nready;
	struct vt__fiber *all;       /* live fibers */
	struct vt__fiber *cache;     /* dead fibers' stacks, warm, ready to reuse */
	size_t ncache;
	struct vt__fiber *cold;      /* stacks whose memory the kernel has back */
	struct vt__stackslab *slabs; /* every stack mapping */
	size_t stack_size, guard_size, stack_cache;
	size_t fiber_io_waiters;     /* fibers waiting on this loop's timers and fds */
	size_t cb_io_waiters;        /* callbacks (as_task bridges) waiting on them */
	size_t blocked_other;        /* fibers waiting on a task or a user's source */
	size_t fd_pending;           /* fd operations waiting for readiness */
	bool running, stop;
	int epfd;
	struct vt__timer **heap;
	size_t nheap, capheap;
	uint64_t timer_seq;
	struct vt__timer *timer_free, *timer_all;
	struct vt__fd **fds;
	size_t nfds;
	struct vt__fd *fd_all;
	/* vt_post: the one part another thread touches. */
	pthread_mutex_t post_lock;
	struct vt__post *post_head, *post_tail;
	int post_fd;                 /* eventfd, registered level-triggered */
	atomic_bool post_signalled;  /* read unlocked by the poller: atomic */
};

/* timer.c */
uint64_t vt__now_ns(void) VT__HIDDEN;
int vt__deadline_start(vt_loop *l, struct vt__ioop *o, uint64_t ms) VT__HIDDEN;
void vt__deadline_stop(vt_loop *l, struct vt__ioop *o) VT__HIDDEN;
void vt__timer_cancel(struct vt__timer *t) VT__HIDDEN;
void vt__timers_fire(vt_loop *l) VT__HIDDEN;
int vt__timers_timeout(vt_loop *l) VT__HIDDEN;
void vt__timers_free(vt_loop *l) VT__HIDDEN;

/* io.c */
void vt__op_finish(struct vt__ioop *o, void *value, int err) VT__HIDDEN;
void vt__src_cancel(vt_source *src) VT__HIDDEN;
int vt__io_init(vt_loop *l) VT__HIDDEN;
void vt__io_free(vt_loop *l) VT__HIDDEN;
int vt__io_poll(vt_loop *l, bool may_block) VT__HIDDEN;
void vt__posts_run(vt_loop *l) VT__HIDDEN;
bool vt__posts_pending(vt_loop *l) VT__HIDDEN;

#endif /* VT_LOOP_H */
