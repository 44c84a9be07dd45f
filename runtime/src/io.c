/*
 * io.c: fd readiness on epoll: vt_read, vt_write, vt_accept, vt_connect,
 * their deadlines, vt_close and vtask_cancel.
 *
 * Each fd the loop touches has a record (kept in a table indexed by fd)
 * holding one pooled source per direction, what kind of fd it is, and one
 * persistent edge-triggered epoll registration made at its first wait.  The
 * record remembers whether a direction is known drained (an attempt came
 * back EAGAIN, or a read of a stream came back short, and no edge came
 * since): then a new operation
 * waits at once instead of trying the system call.  So an echo round trip
 * makes the system calls a hand-written epoll loop makes, no more.
 *
 * Sockets use recv/send with MSG_DONTWAIT (and MSG_NOSIGNAL): they never
 * block and never raise SIGPIPE, whatever the fd's own flag.  Other fds
 * (pipes, ttys) look at O_NONBLOCK on each call; a blocking one is polled
 * with a zero timeout first, writes to it are cut to PIPE_BUF (which a
 * writable pipe takes without blocking), and SIGPIPE is held back around
 * the write so that a closed reader is EPIPE.
 *
 * Records are type-stable like timers: vt_close and vt_loop_free hand them
 * back to a process-wide pool with their tokens moved on.
 *
 * An fd closed with close() while an operation waits on it loses its epoll
 * registration silently.  After a second without events, the loop checks
 * the registrations of fds with waiting operations; an operation whose
 * registration is gone fails with EBADF, and it is never performed on
 * whatever file now has that number.
 */
#include "loop.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define POST_KEY UINT64_MAX
#define CHECK_MS 1000           /* idle time before registrations are checked */

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vt__fd *pool;

/* ---- waiter accounting (called by source.c) ---- */

void vt__io_waiters_add(vt_source *src, int d)
{
	struct vt__iosrc *io = VT__CONTAINER(src, struct vt__iosrc, src);
	vt_loop *l = io->loop;

	if (!l)
		return;
	if (d > 0)
		io->wkind = src->vt__waiter->fiber ? 1 : 2;
	if (io->wkind == 1)
		l->fiber_io_waiters += (size_t)(ptrdiff_t)d;
	else if (io->wkind == 2)
		l->cb_io_waiters += (size_t)(ptrdiff_t)d;
	if (d < 0)
		io->wkind = 0;
}

/* Callback waiters (as_task bridges) are told the operation is gone. */
void vt__src_cancel(vt_source *src)
{
	struct vt__wait *w = vt__src_take_waiter(src);

	if (w && !w->fiber)
		w->cb(w);
}

/* ---- records ---- */

static void op_consumed(vt_source *src, void *ctx);

static void all_link(vt_loop *l, struct vt__fd *fr)
{
	fr->prev_all = NULL;
	fr->next_all = l->fd_all;
	if (l->fd_all)
		l->fd_all->prev_all = fr;
	l->fd_all = fr;
}

static void all_unlink(vt_loop *l, struct vt__fd *fr)
{
	if (fr->prev_all)
		fr->prev_all->next_all = fr->next_all;
	else
		l->fd_all = fr->next_all;
	if (fr->next_all)
		fr->next_all->prev_all = fr->prev_all;
}

static struct vt__fd *rec_new(void)
{
	struct vt__fd *fr;

	pthread_mutex_lock(&pool_lock);
	fr = pool;
	if (fr)
		pool = fr->next_free;
	pthread_mutex_unlock(&pool_lock);
	if (fr)
		return fr;
	fr = calloc(1, sizeof *fr);
	if (!fr)
		return NULL;
	for (int dir = 0; dir < 2; dir++) {
		struct vt__ioop *o = &fr->op[dir];

		vt_source_init(&o->io.src, op_consumed, o);
		o->io.src.vt__flags = VT__SRC_IO;
		o->io.kind = VT__IO_OP;
		o->fdr = fr;
		o->dir = (uint8_t)dir;
	}
	return fr;
}

/* Back to the pool: every vtask still naming it becomes stale. */
static void rec_release(struct vt__fd *fr)
{
	for (int dir = 0; dir < 2; dir++) {
		vt_source_reset(&fr->op[dir].io.src);
		fr->op[dir].io.loop = NULL;
		fr->op[dir].busy = 0;
	}
	pthread_mutex_lock(&pool_lock);
	fr->next_free = pool;
	pool = fr;
	pthread_mutex_unlock(&pool_lock);
}

static struct vt__fd *rec_get(vt_loop *l, int fd)
{
	struct vt__fd *fr;

	if ((size_t)fd >= l->nfds) {
		size_t n = l->nfds ? l->nfds : 64;
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
	if ((fr = l->fds[fd]) != NULL)
		return fr;
	fr = rec_new();
	if (!fr)
		return NULL;
	fr->fd = fd;
	fr->kind = VT__FD_UNKNOWN;
	fr->registered = fr->detached = fr->stream = fr->blocking = 0;
	fr->ready = 3;
	for (int dir = 0; dir < 2; dir++)
		fr->op[dir].io.loop = l;
	all_link(l, fr);
	l->fds[fd] = fr;
	return fr;
}

static bool op_waiting(const struct vt__ioop *o)
{
	return o->busy && o->io.src.vt__state == VT__S_PENDING;
}

/* Every completion of an fd operation comes here. */
void vt__op_finish(struct vt__ioop *o, void *value, int err)
{
	vt_loop *l = o->io.loop;

	if (!op_waiting(o))
		return;
	vt__deadline_stop(l, o);
	l->fd_pending--;
	if (err)        /* the next operation tries first (and checks the fd) */
		o->fdr->ready |= (uint8_t)(1u << o->dir);
	if (err)
		vt_source_set_error(&o->io.src, err);
	else
		vt_source_set_result(&o->io.src, value);
}

/*
 * The fd number no longer means this record (vt_close, a number reused
 * behind the loop's back, an fd fresh from accept or socket): waiting
 * operations fail with err, and the record leaves the table.  It goes back
 * to the pool once no vtask of it is left unconsumed.
 */
static void rec_forget(vt_loop *l, struct vt__fd *fr, int err)
{
	for (int dir = 0; dir < 2; dir++)
		vt__op_finish(&fr->op[dir], NULL, err);
	if (l->fds[fr->fd] == fr)
		l->fds[fr->fd] = NULL;
	if (fr->op[0].busy || fr->op[1].busy) {
		fr->detached = 1;
		return;
	}
	all_unlink(l, fr);
	rec_release(fr);
}

static void op_consumed(vt_source *src, void *ctx)
{
	struct vt__ioop *o = ctx;
	struct vt__fd *fr = o->fdr;

	o->busy = 0;
	vt_source_reset(src);
	if (fr->detached && !fr->op[0].busy && !fr->op[1].busy) {
		all_unlink(o->io.loop, fr);
		rec_release(fr);
	}
}

/* A fresh fd (from accept, or a socket about to connect): whatever the
 * table says about its number is about an older file. */
static void fd_fresh(vt_loop *l, int fd)
{
	if (l && fd >= 0 && (size_t)fd < l->nfds && l->fds[fd])
		rec_forget(l, l->fds[fd], EBADF);
}

/* ---- the system calls ---- */

static ssize_t pipe_write(int fd, const void *buf, size_t len)
{
	sigset_t pipe, old, pend;
	ssize_t n;
	int e;

	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	sigpending(&pend);
	pthread_sigmask(SIG_BLOCK, &pipe, &old);
	n = write(fd, buf, len);
	e = errno;
	if (n < 0 && e == EPIPE && !sigismember(&pend, SIGPIPE)) {
		struct timespec zero = { 0, 0 };

		sigtimedwait(&pipe, NULL, &zero);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = e;
	return n;
}

/* Not a socket: the fd's own flag decides, and a blocking fd is asked first. */
static ssize_t other_io(int dir, int fd, void *buf, size_t len)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -1;
	if (!(fl & O_NONBLOCK)) {
		struct pollfd p = { .fd = fd, .events = dir ? POLLOUT : POLLIN };
		int r = poll(&p, 1, 0);

		if (r < 0)
			return -1;
		if (r == 0) {
			errno = EAGAIN;
			return -1;
		}
		if (dir && len > PIPE_BUF)
			len = PIPE_BUF;
	}
	return dir ? pipe_write(fd, buf, len) : read(fd, buf, len);
}

static ssize_t rw(struct vt__fd *fr, int dir, int fd, void *buf, size_t len)
{
	ssize_t n;

	if (!fr || fr->kind != VT__FD_OTHER) {
		n = dir ? send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL)
			: recv(fd, buf, len, MSG_DONTWAIT);
		if (n >= 0 || errno != ENOTSOCK) {
			if (fr)
				fr->kind = VT__FD_SOCKET;
			return n;
		}
		if (fr)
			fr->kind = VT__FD_OTHER;
	}
	return other_io(dir, fd, buf, len);
}

static ssize_t do_accept(struct vt__fd *fr, int fd)
{
	if (fr && fr->blocking) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r = poll(&p, 1, 0);

		if (r <= 0) {
			if (r == 0)
				errno = EAGAIN;
			return -1;
		}
	}
	return accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

static ssize_t connect_result(int fd)
{
	int err = 0;
	socklen_t n = sizeof err;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &n) < 0)
		return -1;
	errno = err;
	return err ? -1 : 0;
}

/* One attempt that never blocks the thread; -1 and errno on failure. */
static ssize_t op_try(struct vt__fd *fr, int what, int dir, int fd, void *buf, size_t len)
{
	ssize_t n;

	do {
		switch (what) {
		case VT__OP_ACCEPT: n = do_accept(fr, fd); break;
		case VT__OP_CONNECT: n = connect_result(fd); break;
		default: n = rw(fr, dir, fd, buf, len); break;
		}
	} while (n < 0 && errno == EINTR);
	if (fr && fr->registered &&
	    ((n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) ||
	     (what == VT__OP_IO && dir == 0 && fr->stream && n > 0 && (size_t)n < len)))
		fr->ready &= (uint8_t)~(1u << dir);
	return n;
}

/* ---- registration ---- */

/* Stream-ness decides whether a short read means drained. */
static void rec_learn(struct vt__fd *fr)
{
	struct stat st;
	int type = 0;
	socklen_t n = sizeof type;

	if (fr->kind == VT__FD_SOCKET)
		fr->stream = getsockopt(fr->fd, SOL_SOCKET, SO_TYPE, &type, &n) == 0 &&
			     type == SOCK_STREAM;
	else
		fr->stream = fstat(fr->fd, &st) == 0 && S_ISFIFO(st.st_mode);
}

static int rec_register(vt_loop *l, struct vt__fd *fr)
{
	struct epoll_event ev = {
		.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
		.data.u64 = (uint64_t)fr->fd,
	};

	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fr->fd, &ev) < 0 &&
	    (errno != EEXIST || epoll_ctl(l->epfd, EPOLL_CTL_MOD, fr->fd, &ev) < 0))
		return errno;
	rec_learn(fr);
	fr->registered = 1;
	return 0;
}

/* Does the registration still name the file at this number? */
static bool rec_alive(vt_loop *l, struct vt__fd *fr)
{
	struct epoll_event ev = {
		.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
		.data.u64 = (uint64_t)fr->fd,
	};

	return !fr->registered || epoll_ctl(l->epfd, EPOLL_CTL_MOD, fr->fd, &ev) == 0;
}

/* ---- starting an operation ---- */

struct opreq {
	int what, dir, fd;
	void *buf;
	size_t len;
	uint64_t ms;                 /* deadline; UINT64_MAX for none */
	const char *name;
};

static vtask done(const struct opreq *q, ssize_t n, int err, const char *file, int line)
{
	vt_loop *l = vt__current_loop();

	if (err)
		return vt__mk_error(err, q->name, file, line);
	if (q->what == VT__OP_ACCEPT)
		fd_fresh(l, (int)n);
	if (q->what == VT__OP_CONNECT)
		n = 0;
	return vt__mk_value((void *)(intptr_t)n, q->name, file, line);
}

/* The direction's slot is taken: by a live operation (misuse), or by one
 * on a file that was closed under it (it fails, the number starts over). */
static struct vt__fd *slot_free(vt_loop *l, struct vt__fd *fr, int dir)
{
	if (!fr->op[dir].busy)
		return fr;
	if (rec_alive(l, fr))
		return NULL;
	rec_forget(l, fr, EBADF);
	return rec_get(l, fr->fd);
}

static int op_wait(vt_loop *l, struct vt__fd *fr, const struct opreq *q)
{
	struct vt__ioop *o = &fr->op[q->dir];
	int err;

	if (!fr->registered && (err = rec_register(l, fr)) != 0)
		return err;
	o->busy = 1;
	o->what = (uint8_t)q->what;
	o->buf = q->buf;
	o->len = q->len;
	l->fd_pending++;
	if (q->ms != UINT64_MAX && vt__deadline_start(l, o, q->ms) != 0) {
		o->busy = 0;
		l->fd_pending--;
		return ENOMEM;
	}
	return 0;
}

static vtask op_start(const struct opreq *q, const char *file, int line)
{
	vt_loop *l = vt__current_loop();
	struct vt__fd *fr = NULL;
	ssize_t n;
	int err;

	if (q->fd < 0)
		return done(q, 0, EBADF, file, line);
	if (l && !(fr = rec_get(l, q->fd)))
		return done(q, 0, ENOMEM, file, line);
	if (!fr || !fr->registered || (fr->ready & (1u << q->dir))) {
		n = op_try(fr, q->what, q->dir, q->fd, q->buf, q->len);
		if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			return done(q, n, n < 0 ? errno : 0, file, line);
		/* Not ready although the record said it might be: rare, so this
		 * is where a number closed and reused behind the loop's back is
		 * caught before waiting on a registration that is gone. */
		if (fr && fr->registered && !rec_alive(l, fr)) {
			rec_forget(l, fr, EBADF);
			if (!(fr = rec_get(l, q->fd)))
				return done(q, 0, ENOMEM, file, line);
		}
	}
	if (!l || q->ms == 0)
		return done(q, 0, !l ? EAGAIN : ETIMEDOUT, file, line);
	fr = slot_free(l, fr, q->dir);
	if (!fr)        /* one operation per fd and direction at a time */
		return done(q, 0, VT_EMISUSE, file, line);
	err = op_wait(l, fr, q);
	if (err)
		return done(q, 0, err, file, line);
	return vt__mk_source(&fr->op[q->dir].io.src, fr->op[q->dir].io.src.vt__token,
			     q->name, file, line);
}

vtask vt__read_at(int fd, void *buf, size_t len, const char *file, int line)
{
	struct opreq q = { VT__OP_IO, 0, fd, buf, len, UINT64_MAX, "vt_read" };

	return op_start(&q, file, line);
}

vtask vt__write_at(int fd, const void *buf, size_t len, const char *file, int line)
{
	struct opreq q = { VT__OP_IO, 1, fd, (void *)buf, len, UINT64_MAX, "vt_write" };

	return op_start(&q, file, line);
}

vtask vt__read_deadline_at(int fd, void *buf, size_t len, uint64_t ms, const char *file,
			   int line)
{
	struct opreq q = { VT__OP_IO, 0, fd, buf, len, ms == UINT64_MAX ? ms - 1 : ms,
			   "vt_read_deadline" };

	return op_start(&q, file, line);
}

vtask vt__write_deadline_at(int fd, const void *buf, size_t len, uint64_t ms,
			    const char *file, int line)
{
	struct opreq q = { VT__OP_IO, 1, fd, (void *)buf, len,
			   ms == UINT64_MAX ? ms - 1 : ms, "vt_write_deadline" };

	return op_start(&q, file, line);
}

vtask vt__accept_at(int fd, const char *file, int line)
{
	vt_loop *l = vt__current_loop();
	struct opreq q = { VT__OP_ACCEPT, 0, fd, NULL, 0, UINT64_MAX, "vt_accept" };
	struct vt__fd *fr;

	if (l && fd >= 0 && (fr = rec_get(l, fd)) != NULL && fr->kind == VT__FD_UNKNOWN) {
		int fl = fcntl(fd, F_GETFL);

		fr->kind = VT__FD_SOCKET;
		fr->blocking = fl >= 0 && !(fl & O_NONBLOCK);
	}
	return op_start(&q, file, line);
}

/* connect on a fresh socket: made non-blocking, so that it never waits. */
vtask vt__connect_at(int fd, const struct sockaddr *addr, socklen_t len, const char *file,
		     int line)
{
	struct opreq q = { VT__OP_CONNECT, 1, fd, NULL, 0, UINT64_MAX, "vt_connect" };
	int fl = fd < 0 ? -1 : fcntl(fd, F_GETFL);
	int r;

	if (fl < 0)
		return done(&q, 0, errno ? errno : EBADF, file, line);
	fd_fresh(vt__current_loop(), fd);
	if (!(fl & O_NONBLOCK) && fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return done(&q, 0, errno, file, line);
	do
		r = connect(fd, addr, len);
	while (r < 0 && errno == EINTR);
	if (r == 0 || errno != EINPROGRESS)
		return done(&q, 0, r == 0 ? 0 : errno, file, line);
	return op_start(&q, file, line);
}

/* ---- readiness ---- */

static void fd_ready(vt_loop *l, int fd, uint32_t events)
{
	struct vt__fd *fr = (size_t)fd < l->nfds ? l->fds[fd] : NULL;
	uint32_t any = EPOLLERR | EPOLLHUP;

	if (!fr)
		return;
	for (int dir = 0; dir < 2; dir++) {
		struct vt__ioop *o = &fr->op[dir];
		ssize_t n;

		if (!(events & ((dir ? EPOLLOUT : EPOLLIN | EPOLLRDHUP) | any)))
			continue;
		fr->ready |= (uint8_t)(1u << dir);
		if (!op_waiting(o))
			continue;
		n = op_try(fr, o->what, dir, fd, o->buf, o->len);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			continue;
		if (n >= 0 && o->what == VT__OP_ACCEPT)
			fd_fresh(l, (int)n);
		vt__op_finish(o, n < 0 ? NULL : (void *)(intptr_t)(o->what == VT__OP_CONNECT ? 0 : n),
			      n < 0 ? errno : 0);
	}
}

/* A second without events while operations wait: are their fds still
 * the files they were registered for? */
static void check_registrations(vt_loop *l)
{
	struct vt__fd *fr, *next;

	for (fr = l->fd_all; fr; fr = next) {
		next = fr->next_all;
		if (!fr->detached && (op_waiting(&fr->op[0]) || op_waiting(&fr->op[1])) &&
		    !rec_alive(l, fr))
			rec_forget(l, fr, EBADF);
	}
}

static void post_drain(vt_loop *l)
{
	uint64_t v;

	while (read(l->post_fd, &v, sizeof v) < 0 && errno == EINTR)
		;
}

/*
 * Without waiting operations and with fibers still ready, polling is only a
 * look at the clock: no system call between passes of a loop that yields.
 */
int vt__io_poll(vt_loop *l, bool may_block)
{
	struct epoll_event ev[256];
	int n, timeout = may_block ? vt__timers_timeout(l) : 0;
	bool check = false;

	if (!may_block && l->fd_pending == 0 && !l->post_signalled) {
		if (l->nheap > 0)
			vt__timers_fire(l);
		return 0;
	}
	if (may_block && l->fd_pending > 0 && (timeout < 0 || timeout > CHECK_MS)) {
		timeout = CHECK_MS;
		check = true;
	}
	n = epoll_wait(l->epfd, ev, 256, timeout);
	if (n < 0 && errno != EINTR)
		return errno;
	for (int i = 0; i < n; i++) {
		if (ev[i].data.u64 == POST_KEY)
			vt__posts_run(l);
		else
			fd_ready(l, (int)ev[i].data.u64, ev[i].events);
	}
	if (n == 0 && check)
		check_registrations(l);
	vt__timers_fire(l);
	return 0;
}

/* ---- vt_close, vtask_cancel ---- */

int vt_close(int fd)
{
	vt_loop *l = vt__current_loop();

	if (fd < 0)
		return EBADF;
	if (l && (size_t)fd < l->nfds && l->fds[fd])
		rec_forget(l, l->fds[fd], ECANCELED);
	return close(fd) < 0 && errno != EINTR ? errno : 0;
}

void vt__cancel_at(const vtask *vt, const char *file, int line)
{
	vt_source *src;
	struct vt__iosrc *io;

	if (!vt || (vt->vt__id && !vt__check_inspect(*vt, "vtask_cancel", file, line)))
		return;
	if (vt->vt__kind != VT__K_SOURCE)
		return;
	src = vt->vt__u.src;
	if (!(src->vt__flags & VT__SRC_IO) || src->vt__token != vt->vt__token ||
	    src->vt__state != VT__S_PENDING)
		return;
	io = VT__CONTAINER(src, struct vt__iosrc, src);
	if (!io->loop)
		return;
	if (io->kind == VT__IO_TIMER)
		vt__timer_cancel(VT__CONTAINER(io, struct vt__timer, io));
	else
		vt__op_finish(VT__CONTAINER(io, struct vt__ioop, io), NULL, ECANCELED);
}

/* ---- vt_post ---- */

int vt_post(vt_loop *l, void (*fn)(void *arg), void *arg)
{
	struct vt__post *p;
	bool wake;

	if (!l || !fn)
		return EINVAL;
	p = malloc(sizeof *p);
	if (!p)
		return ENOMEM;
	*p = (struct vt__post){ .fn = fn, .arg = arg };
	pthread_mutex_lock(&l->post_lock);
	if (l->post_tail)
		l->post_tail->next = p;
	else
		l->post_head = p;
	l->post_tail = p;
	wake = !l->post_signalled;
	l->post_signalled = true;
	pthread_mutex_unlock(&l->post_lock);
	if (wake)
		eventfd_write(l->post_fd, 1);
	return 0;
}

bool vt__posts_pending(vt_loop *l)
{
	bool any;

	pthread_mutex_lock(&l->post_lock);
	any = l->post_head != NULL;
	pthread_mutex_unlock(&l->post_lock);
	return any;
}

/* Each post becomes a fiber, in the order posted. */
void vt__posts_run(vt_loop *l)
{
	struct vt__post *p;

	pthread_mutex_lock(&l->post_lock);
	p = l->post_head;
	l->post_head = l->post_tail = NULL;
	if (l->post_signalled) {
		l->post_signalled = false;
		post_drain(l);
	}
	pthread_mutex_unlock(&l->post_lock);
	while (p) {
		struct vt__post *next = p->next;

		vt_spawn(l, p->fn, p->arg);
		free(p);
		p = next;
	}
}

/* ---- the loop's part ---- */

int vt__io_init(vt_loop *l)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = POST_KEY };

	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0)
		return errno;
	l->post_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (l->post_fd < 0 || epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->post_fd, &ev) < 0) {
		int err = errno;

		if (l->post_fd >= 0)
			close(l->post_fd);
		close(l->epfd);
		return err;
	}
	pthread_mutex_init(&l->post_lock, NULL);
	return 0;
}

void vt__io_free(vt_loop *l)
{
	struct vt__fd *fr;
	struct vt__post *p;

	for (fr = l->fd_all; fr; fr = fr->next_all)
		for (int dir = 0; dir < 2; dir++)
			vt__src_cancel(&fr->op[dir].io.src);
	vt__timers_free(l);
	while ((fr = l->fd_all) != NULL) {
		l->fd_all = fr->next_all;
		rec_release(fr);
	}
	free(l->fds);
	while ((p = l->post_head) != NULL) {
		l->post_head = p->next;
		free(p);
	}
	pthread_mutex_destroy(&l->post_lock);
	close(l->post_fd);
	close(l->epfd);
}

/* ---- the plain names ---- */

vtask vt_sleep(uint64_t ms) { return vt__sleep_at(ms, NULL, 0); }
vtask vt_read(int fd, void *buf, size_t len) { return vt__read_at(fd, buf, len, NULL, 0); }
vtask vt_write(int fd, const void *buf, size_t len)
{
	return vt__write_at(fd, buf, len, NULL, 0);
}
vtask vt_read_deadline(int fd, void *buf, size_t len, uint64_t ms)
{
	return vt__read_deadline_at(fd, buf, len, ms, NULL, 0);
}
vtask vt_write_deadline(int fd, const void *buf, size_t len, uint64_t ms)
{
	return vt__write_deadline_at(fd, buf, len, ms, NULL, 0);
}
vtask vt_accept(int fd) { return vt__accept_at(fd, NULL, 0); }
vtask vt_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	return vt__connect_at(fd, addr, len, NULL, 0);
}
void vtask_cancel(const vtask *vt) { vt__cancel_at(vt, NULL, 0); }
