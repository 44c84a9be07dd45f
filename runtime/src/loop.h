/*
 * loop.h: the loop's layout, shared by the scheduler (loop.c) and the
 * timers and fd readiness (io.c).
 */
#ifndef VT_LOOP_H
#define VT_LOOP_H

#include "vt_internal.h"

/* A loop-owned source: a timer or one direction of an fd. */
struct vt__iosrc {
	vt_source src;
	vt_loop *loop;
};

struct vt__timer {
	struct vt__iosrc io;
	uint64_t deadline;           /* CLOCK_MONOTONIC, ns */
	uint64_t seq;                /* equal deadlines fire in creation order */
	struct vt__timer *next_free;
	struct vt__timer *next_all;
};

struct vt__fd;
struct vt__ioop {
	struct vt__iosrc io;
	struct vt__fd *fdr;
	void *buf;
	size_t len;
	uint8_t dir;                 /* 0 read, 1 write */
	uint8_t busy;                /* a version is issued and not consumed */
};

struct vt__fd {
	struct vt__ioop op[2];
	int fd;
	uint32_t armed;              /* epoll events registered */
};

struct vt_loop {
	vt__ctx sched;
	const void *sched_lo;        /* the scheduler's stack, for ASan */
	size_t sched_size;
	struct vt__fiber *ready_head, *ready_tail;
	size_t nready;
	struct vt__fiber *all;       /* live fibers */
	struct vt__fiber *cache;     /* dead fibers' stacks */
	size_t ncache;
	size_t io_waiters;           /* waiters on this loop's timers and fds */
	bool running;
	int epfd;
	struct vt__timer **heap;
	size_t nheap, capheap;
	uint64_t timer_seq;
	struct vt__timer *timer_free, *timer_all;
	struct vt__fd **fds;
	size_t nfds;
	size_t narmed;               /* fds registered with epoll */
};

int vt__io_init(vt_loop *l) VT__HIDDEN;
void vt__io_free(vt_loop *l) VT__HIDDEN;
int vt__io_poll(vt_loop *l, bool may_block) VT__HIDDEN;

#endif /* VT_LOOP_H */
