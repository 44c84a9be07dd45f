/*
 * io.c: timers (vt_sleep) and fd readiness (vt_read, vt_write) on epoll.
 *
 * Both are backed by loop-owned vt_sources that go back to their pool when
 * consumed: timers to a free list, fd operations to their fd's record (one
 * per fd and direction).  So steady-state sleeps, reads and writes allocate
 * nothing.
 *
 * vt_read/vt_write try the system call first.  On a non-blocking fd that is
 * the one attempt; on a blocking fd (O_NONBLOCK is looked at on every call,
 * since fds are closed and their numbers reused) a zero-timeout poll comes
 * first, so the call never blocks the thread on an fd that is not ready.
 * Only when the fd is not ready does the loop wait for readiness, and then
 * the loop performs the system call itself: the buffer must stay valid
 * until the vtask is consumed.
 */
#include "loop.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void vt__io_waiters_add(vt_source *src, int d)
{
	struct vt__iosrc *io = VT__CONTAINER(src, struct vt__iosrc, src);

	io->loop->io_waiters += (size_t)(ptrdiff_t)d;
}

int vt__io_init(vt_loop *l)
{
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	return l->epfd < 0 ? errno : 0;
}

/* ---- timer heap ---- */

static bool timer_before(const struct vt__timer *a, const struct vt__timer *b)
{
	return a->deadline < b->deadline || (a->deadline == b->deadline && a->seq < b->seq);
}

static void heap_swap(struct vt__timer **h, size_t i, size_t j)
{
	struct vt__timer *t = h[i];

	h[i] = h[j];
	h[j] = t;
}

static int heap_push(vt_loop *l, struct vt__timer *t)
{
	size_t i;

	if (l->nheap == l->capheap) {
		size_t cap = l->capheap ? l->capheap * 2 : 16;
		struct vt__timer **h = realloc(l->heap, cap * sizeof *h);

		if (!h)
			return ENOMEM;
		l->heap = h;
		l->capheap = cap;
	}
	i = l->nheap++;
	l->heap[i] = t;
	while (i > 0 && timer_before(l->heap[i], l->heap[(i - 1) / 2])) {
		heap_swap(l->heap, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	return 0;
}

static struct vt__timer *heap_pop(vt_loop *l)
{
	struct vt__timer **h = l->heap, *top = h[0];
	size_t i = 0, n = --l->nheap;

	h[0] = h[n];
	for (;;) {
		size_t m = i, a = 2 * i + 1, b = a + 1;

		if (a < n && timer_before(h[a], h[m]))
			m = a;
		if (b < n && timer_before(h[b], h[m]))
			m = b;
		if (m == i)
			break;
		heap_swap(h, i, m);
		i = m;
	}
	return top;
}

/* ---- timers ---- */

static void timer_consumed(vt_source *src, void *ctx)
{
	struct vt__timer *t = ctx;
	vt_loop *l = t->io.loop;

	vt_source_reset(src);
	t->next_free = l->timer_free;
	l->timer_free = t;
}

static struct vt__timer *timer_get(vt_loop *l)
{
	struct vt__timer *t = l->timer_free;

	if (t) {
		l->timer_free = t->next_free;
		return t;
	}
	t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	vt_source_init(&t->io.src, timer_consumed, t);
	t->io.src.vt__flags = VT__SRC_IO;
	t->io.loop = l;
	t->next_all = l->timer_all;
	l->timer_all = t;
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
	t = timer_get(l);
	if (!t)
		return vt__mk_error(ENOMEM, "vt_sleep", file, line);
	t->deadline = now_ns() + (ms > UINT64_MAX / 2000000u ? UINT64_MAX / 2 : ms * 1000000u);
	t->seq = l->timer_seq++;
	if (heap_push(l, t) != 0) {
		t->next_free = l->timer_free;
		l->timer_free = t;
		return vt__mk_error(ENOMEM, "vt_sleep", file, line);
	}
	return vt__mk_source(&t->io.src, t->io.src.vt__token, "vt_sleep", file, line);
}

static void timers_fire(vt_loop *l)
{
	uint64_t now = now_ns();

	while (l->nheap > 0 && l->heap[0]->deadline <= now)
		vt_source_set_result(&heap_pop(l)->io.src, NULL);
}

/* Milliseconds until the next timer, rounded up; -1 for none. */
static int timers_timeout(vt_loop *l)
{
	uint64_t now, d;

	if (l->nheap == 0)
		return -1;
	now = now_ns();
	if (l->heap[0]->deadline <= now)
		return 0;
	d = (l->heap[0]->deadline - now + 999999u) / 1000000u;
	return d > 86400000u ? 86400000 : (int)d;
}

/* ---- fds ---- */

static void op_consumed(vt_source *src, void *ctx)
{
	struct vt__ioop *o = ctx;

	o->busy = 0;
	vt_source_reset(src);
}

static void fd_init(vt_loop *l, struct vt__fd *fr, int fd)
{
	fr->fd = fd;
	for (int dir = 0; dir < 2; dir++) {
		struct vt__ioop *o = &fr->op[dir];

		vt_source_init(&o->io.src, op_consumed, o);
		o->io.src.vt__flags = VT__SRC_IO;
		o->io.loop = l;
		o->fdr = fr;
		o->dir = (uint8_t)dir;
	}
}

static struct vt__fd *fd_get(vt_loop *l, int fd)
{
	if ((size_t)fd >= l->nfds) {
		size_t n = l->nfds ? l->nfds : 16;
		struct vt__fd **p;

		while (n <= (size_t)fd)
			n *= 2;
		p = realloc(l->fds, n * sizeof *p);
		if (!p)
			return NULL;
		memset(p + l->nfds, 0, (n - l->nfds) * sizeof *p);
		l->fds = p;
		l->nfds = n;
	}
	if (!l->fds[fd]) {
		l->fds[fd] = calloc(1, sizeof(struct vt__fd));
		if (l->fds[fd])
			fd_init(l, l->fds[fd], fd);
	}
	return l->fds[fd];
}

static bool op_waiting(const struct vt__ioop *o)
{
	return o->busy && o->io.src.vt__state == VT__S_PENDING;
}

/* Register exactly the directions with a pending operation.  The kernel
 * drops a closed fd's registration, hence the ENOENT/EEXIST fallbacks. */
static int fd_arm(vt_loop *l, struct vt__fd *fr)
{
	uint32_t want = (op_waiting(&fr->op[0]) ? EPOLLIN : 0u) |
			(op_waiting(&fr->op[1]) ? EPOLLOUT : 0u);
	struct epoll_event ev = { .events = want, .data.fd = fr->fd };
	int r;

	if (want == fr->armed)
		return 0;
	if (want == 0) {
		epoll_ctl(l->epfd, EPOLL_CTL_DEL, fr->fd, NULL);
		fr->armed = 0;
		l->narmed--;
		return 0;
	}
	r = epoll_ctl(l->epfd, fr->armed ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fr->fd, &ev);
	if (r < 0 && errno == ENOENT)
		r = epoll_ctl(l->epfd, EPOLL_CTL_ADD, fr->fd, &ev);
	else if (r < 0 && errno == EEXIST)
		r = epoll_ctl(l->epfd, EPOLL_CTL_MOD, fr->fd, &ev);
	if (r < 0)
		return errno;
	if (fr->armed == 0)
		l->narmed++;
	fr->armed = want;
	return 0;
}

static int sys_io(int dir, int fd, void *buf, size_t len, ssize_t *n)
{
	do
		*n = dir ? write(fd, buf, len) : read(fd, buf, len);
	while (*n < 0 && errno == EINTR);
	return *n < 0 ? errno : 0;
}

/* One attempt that never blocks the thread. */
static int io_try(int dir, int fd, void *buf, size_t len, ssize_t *n)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return errno;
	if (!(fl & O_NONBLOCK)) {
		struct pollfd p = { .fd = fd, .events = dir ? POLLOUT : POLLIN };
		int r = poll(&p, 1, 0);

		if (r < 0)
			return errno;
		if (r == 0)
			return EAGAIN;
	}
	return sys_io(dir, fd, buf, len, n);
}

static vtask io_start(int dir, int fd, void *buf, size_t len, const char *op,
		      const char *file, int line)
{
	vt_loop *l;
	struct vt__fd *fr;
	struct vt__ioop *o;
	ssize_t n = 0;
	int err = fd < 0 ? EBADF : io_try(dir, fd, buf, len, &n);

	if (err == 0)
		return vt__mk_value((void *)(intptr_t)n, op, file, line);
	if (err != EAGAIN && err != EWOULDBLOCK)
		return vt__mk_error(err, op, file, line);
	l = vt__current_loop();
	if (!l)
		return vt__mk_error(EAGAIN, op, file, line);
	fr = fd_get(l, fd);
	if (!fr)
		return vt__mk_error(ENOMEM, op, file, line);
	o = &fr->op[dir];
	if (o->busy)    /* one operation per fd and direction at a time */
		return vt__mk_error(VT_EMISUSE, op, file, line);
	o->busy = 1;
	o->buf = buf;
	o->len = len;
	err = fd_arm(l, fr);
	if (err) {
		o->busy = 0;
		return vt__mk_error(err, op, file, line);
	}
	return vt__mk_source(&o->io.src, o->io.src.vt__token, op, file, line);
}

vtask vt__read_at(int fd, void *buf, size_t len, const char *file, int line)
{
	return io_start(0, fd, buf, len, "vt_read", file, line);
}

vtask vt__write_at(int fd, const void *buf, size_t len, const char *file, int line)
{
	return io_start(1, fd, (void *)buf, len, "vt_write", file, line);
}

/* Readiness: perform the pending operations, complete their sources. */
static void fd_ready(vt_loop *l, int fd, uint32_t events)
{
	struct vt__fd *fr = (size_t)fd < l->nfds ? l->fds[fd] : NULL;

	if (!fr)
		return;
	for (int dir = 0; dir < 2; dir++) {
		struct vt__ioop *o = &fr->op[dir];
		uint32_t mask = (dir ? EPOLLOUT : EPOLLIN) | EPOLLERR | EPOLLHUP;
		ssize_t n = 0;
		int err;

		if (!op_waiting(o) || !(events & mask))
			continue;
		err = sys_io(dir, fd, o->buf, o->len, &n);
		if (err == EAGAIN || err == EWOULDBLOCK)
			continue;
		if (err)
			vt_source_set_error(&o->io.src, err);
		else
			vt_source_set_result(&o->io.src, (void *)(intptr_t)n);
	}
	fd_arm(l, fr);
}

/*
 * Without armed fds and with fibers still ready, polling is only a look at
 * the clock: no system call between passes of a loop that just yields.
 */
int vt__io_poll(vt_loop *l, bool may_block)
{
	struct epoll_event ev[64];
	int n;

	if (!may_block && l->narmed == 0) {
		if (l->nheap > 0)
			timers_fire(l);
		return 0;
	}
	n = epoll_wait(l->epfd, ev, 64, may_block ? timers_timeout(l) : 0);

	if (n < 0 && errno != EINTR)
		return errno;
	for (int i = 0; i < n; i++)
		fd_ready(l, ev[i].data.fd, ev[i].events);
	timers_fire(l);
	return 0;
}

/* ---- teardown ---- */

/* Callback waiters (as_task bridges) are told the operation is gone. */
static void src_cancel(vt_source *src)
{
	struct vt__wait *w = vt__src_take_waiter(src);

	if (w && !w->fiber)
		w->cb(w);
}

void vt__io_free(vt_loop *l)
{
	struct vt__timer *t;

	for (t = l->timer_all; t; t = t->next_all)
		src_cancel(&t->io.src);
	for (size_t i = 0; i < l->nfds; i++)
		for (int dir = 0; l->fds[i] && dir < 2; dir++)
			src_cancel(&l->fds[i]->op[dir].io.src);
	while ((t = l->timer_all) != NULL) {
		l->timer_all = t->next_all;
		free(t);
	}
	for (size_t i = 0; i < l->nfds; i++)
		free(l->fds[i]);
	free(l->fds);
	free(l->heap);
	close(l->epfd);
}

/* ---- the plain names ---- */

vtask vt_sleep(uint64_t ms) { return vt__sleep_at(ms, NULL, 0); }
vtask vt_read(int fd, void *buf, size_t len) { return vt__read_at(fd, buf, len, NULL, 0); }
vtask vt_write(int fd, const void *buf, size_t len)
{
	return vt__write_at(fd, buf, len, NULL, 0);
}
