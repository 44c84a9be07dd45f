/*
 * bench_floor.c: each libvtask figure beside its floor, in one run.
 *
 *   context switch      vt__ctx_jump ping-pong      vs Boost.Context jump_fcontext
 *   ready vt_read       vt_read of 1 ready byte     vs read()
 *   echo round trip     two fibers over a socketpair vs a hand-written epoll loop,
 *                       with the system calls each makes per round trip
 *   heap task           vt_task round trip          vs the sync vtask path
 *   waiter registration fibers awaiting one task: ns per waiter at 1k and 30k
 *   fibers              spawn + run + exit; 100k live fibers (time, memory)
 *
 * System calls are counted by wrapping libc's entry points at link time
 * (the static library's calls go through them too).  The machine may be
 * shared: each pair is measured TRIES times, interleaved, and the best of
 * each side is kept.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "vt_internal.h"

#undef vtask_from_result
#undef vtask_await
#undef vt_read
#undef vt_write
#include <vtask.h>

/* ---- Boost.Context's C-ABI entry points (libboost_context) ---- */
typedef void *fcontext_t;
typedef struct { fcontext_t fctx; void *data; } transfer_t;
transfer_t jump_fcontext(fcontext_t const to, void *vp);
fcontext_t make_fcontext(void *sp, size_t size, void (*fn)(transfer_t));

/* ---- system call counting ---- */
static uint64_t nsys;
#define WRAP(ret, name, params, args) \
	ret __real_##name params; \
	ret __wrap_##name params { nsys++; return __real_##name args; }
WRAP(ssize_t, read, (int fd, void *b, size_t n), (fd, b, n))
WRAP(ssize_t, write, (int fd, const void *b, size_t n), (fd, b, n))
WRAP(ssize_t, recv, (int fd, void *b, size_t n, int f), (fd, b, n, f))
WRAP(ssize_t, send, (int fd, const void *b, size_t n, int f), (fd, b, n, f))
WRAP(int, epoll_wait, (int e, struct epoll_event *ev, int n, int t), (e, ev, n, t))
WRAP(int, epoll_ctl, (int e, int op, int fd, struct epoll_event *ev), (e, op, fd, ev))
WRAP(int, poll, (struct pollfd *p, nfds_t n, int t), (p, n, t))

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void row(const char *what, double v, double floor, const char *unit)
{
	printf("%-34s %10.2f %-7s floor %10.2f  ratio %5.2fx\n", what, v, unit, floor,
	       v / floor);
}

/* ---- context switch ---- */

#define N_SWITCH 5000000u
static vt__ctx main_ctx, co_ctx;

static void raw_co(void *arg)
{
	for (;;)
		vt__ctx_jump(&co_ctx, &main_ctx);
}

static double vt_switch(void)
{
	void *stack = malloc(65536);
	uint64_t t0;

	vt__ctx_make(&co_ctx, stack, 65536, raw_co, NULL);
	t0 = now_ns();
	for (unsigned i = 0; i < N_SWITCH; i++)
		vt__ctx_jump(&main_ctx, &co_ctx);
	t0 = now_ns() - t0;
	free(stack);
	return (double)t0 / (2.0 * N_SWITCH);
}

static void boost_co(transfer_t t)
{
	for (;;)
		t = jump_fcontext(t.fctx, NULL);
}

static double boost_switch(void)
{
	char *stack = malloc(65536);
	fcontext_t c = make_fcontext(stack + 65536, 65536, boost_co);
	uint64_t t0 = now_ns();

	for (unsigned i = 0; i < N_SWITCH; i++)
		c = jump_fcontext(c, NULL).fctx;
	t0 = now_ns() - t0;
	free(stack);
	return (double)t0 / (2.0 * N_SWITCH);
}

/* ---- ready read ---- */

#define CHUNK 50000u
#define ROUNDS 5u

static double ready_read(int fds[2], bool lib)
{
	static char fill[CHUNK];
	uint64_t total = 0;
	char c;

	for (unsigned r = 0; r < ROUNDS; r++) {
		uint64_t t0;

		for (size_t off = 0; off < CHUNK;)
			off += (size_t)write(fds[1], fill + off, CHUNK - off);
		t0 = now_ns();
		for (unsigned i = 0; i < CHUNK; i++) {
			if (lib)
				vt__await_at(vt__read_at(fds[0], &c, 1, NULL, 0), NULL, NULL, 0);
			else if (read(fds[0], &c, 1) != 1)
				abort();
		}
		total += now_ns() - t0;
	}
	return (double)total / (ROUNDS * CHUNK);
}

/* ---- echo round trip ---- */

#define N_ECHO 50000u
static int sp[2];

static void echo_server(void *arg)
{
	char buf[64];
	void *n;

	for (unsigned i = 0; i < N_ECHO; i++) {
		vt__await_at(vt__read_at(sp[1], buf, sizeof buf, NULL, 0), &n, NULL, 0);
		vt__await_at(vt__write_at(sp[1], buf, (size_t)(intptr_t)n, NULL, 0), NULL, NULL, 0);
	}
}

static void echo_client(void *arg)
{
	char buf[64] = "0123456789abcdef0123456789abcdef";

	for (unsigned i = 0; i < N_ECHO; i++) {
		vt__await_at(vt__write_at(sp[0], buf, 32, NULL, 0), NULL, NULL, 0);
		vt__await_at(vt__read_at(sp[0], buf, sizeof buf, NULL, 0), NULL, NULL, 0);
	}
}

static double echo_vt(double *calls)
{
	vt_loop *l = vt_loop_new();
	uint64_t t0, s0;

	socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sp);
	vt_spawn(l, echo_server, NULL);
	vt_spawn(l, echo_client, NULL);
	s0 = nsys;
	t0 = now_ns();
	vt_loop_run(l);
	t0 = now_ns() - t0;
	*calls = (double)(nsys - s0) / N_ECHO;
	vt_loop_free(l);
	close(sp[0]);
	close(sp[1]);
	return (double)t0 / N_ECHO;
}

/* The floor: one thread, one epoll, level-triggered, registered once. */
static double echo_epoll(double *calls)
{
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN };
	char buf[64] = "0123456789abcdef0123456789abcdef";
	uint64_t t0, s0;

	socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sp);
	ev.data.fd = sp[0];
	epoll_ctl(ep, EPOLL_CTL_ADD, sp[0], &ev);
	ev.data.fd = sp[1];
	epoll_ctl(ep, EPOLL_CTL_ADD, sp[1], &ev);
	s0 = nsys;
	t0 = now_ns();
	for (unsigned i = 0; i < N_ECHO; i++) {
		bool back = false;

		write(sp[0], buf, 32);
		while (!back) {
			struct epoll_event got[2];
			int n = epoll_wait(ep, got, 2, -1);

			for (int k = 0; k < n; k++) {
				ssize_t r = read(got[k].data.fd, buf, sizeof buf);

				if (got[k].data.fd == sp[1])
					write(sp[1], buf, (size_t)r);
				else
					back = true;
			}
		}
	}
	t0 = now_ns() - t0;
	*calls = (double)(nsys - s0) / N_ECHO;
	close(ep);
	close(sp[0]);
	close(sp[1]);
	return (double)t0 / N_ECHO;
}

/* ---- heap task vs sync ---- */

#define N_FAST 5000000u

static double sync_rt(void)
{
	uint64_t t0 = now_ns();
	void *r;
	int x;

	for (unsigned i = 0; i < N_FAST; i++)
		vt__await_at(vt__from_result_at(&x, NULL, 0), &r, NULL, 0);
	return (double)(now_ns() - t0) / N_FAST;
}

static double heap_rt(void)
{
	uint64_t t0 = now_ns();
	void *r;
	int x;

	for (unsigned i = 0; i < N_FAST; i++) {
		vt_task *t = vt_task_from_result(&x);

		vt_task_await(t, &r);
		vt_task_release(t);
	}
	return (double)(now_ns() - t0) / N_FAST;
}

static void heap_vs_sync(void)
{
	double sync = 1e18, heap = 1e18;

	for (int k = 0; k < 5; k++) {
		double a = sync_rt(), b = heap_rt();

		sync = a < sync ? a : sync;
		heap = b < heap ? b : heap;
	}
	row("heap task round trip", heap, sync, "ns");
}

/* ---- waiters and fibers ---- */

static vt_task *gate;

static void waiter(void *arg)
{
	vt_task_await(gate, NULL);
}

/* ns to register the n-th waiter of one task (n = 1k and 30k): the
 * registration a fiber makes in vt_task_await, without the fiber. */
static double waiters(unsigned n)
{
	struct vt__wait *w = malloc(n * sizeof *w);
	vt_task *t = vt_task_new();
	uint64_t t0;

	memset(w, 0, n * sizeof *w);   /* page faults are not the registration */
	t0 = now_ns();

	for (unsigned i = 0; i < n; i++)
		vt__task_add_waiter(t, &w[i]);
	t0 = now_ns() - t0;
	for (unsigned i = 0; i < n; i++)
		vt__task_remove_waiter(t, &w[0 + i]);
	vt_task_release(t);
	free(w);
	return (double)t0 / n;
}

static void nothing(void *arg) { (void)arg; }

static void fibers(void)
{
	vt_loop *l = vt_loop_new();
	uint64_t t0;
	struct rusage ru0, ru1;
	unsigned n = 100000;

	for (unsigned i = 0; i < 1000; i++)
		vt_spawn(l, nothing, NULL);
	vt_loop_run(l);
	t0 = now_ns();
	for (unsigned r = 0; r < 1000; r++) {
		for (unsigned i = 0; i < 100; i++)
			vt_spawn(l, nothing, NULL);
		vt_loop_run(l);
	}
	printf("%-34s %10.2f ns (cached stacks)\n", "fiber spawn + run + exit",
	       (double)(now_ns() - t0) / 100000);
	vt_loop_free(l);
	l = vt_loop_new();
	gate = vt_task_new();
	getrusage(RUSAGE_SELF, &ru0);
	t0 = now_ns();
	for (unsigned i = 0; i < n; i++)
		if (vt_spawn(l, waiter, NULL) != 0)
			abort();
	vt_loop_run(l);
	t0 = now_ns() - t0;
	getrusage(RUSAGE_SELF, &ru1);
	printf("%-34s %10u live, %.2f ns each, +%ld MiB resident\n", "100k live fibers", n,
	       (double)t0 / n, (ru1.ru_maxrss - ru0.ru_maxrss) / 1024);
	vt_task_complete(gate, NULL);
	vt_loop_run(l);
	vt_task_release(gate);
	vt_loop_free(l);
}

#define TRIES 5
#define MIN(a, b) ((a) < (b) ? (a) : (b))

int main(void)
{
	int fds[2];
	double a = 1e18, b = 1e18, ca = 0, cb = 0;

	printf("libvtask against its floors (one run, best of %d)\n", TRIES);
	for (int k = 0; k < TRIES; k++) {
		a = MIN(a, vt_switch());
		b = MIN(b, boost_switch());
	}
	row("context switch (vt__ctx_jump)", a, b, "ns");
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds);
	{
		vt_loop *l = vt_loop_new();   /* vt_read's fd record lives in a loop */

		a = b = 1e18;
		for (int k = 0; k < TRIES; k++) {
			a = MIN(a, ready_read(fds, true));
			b = MIN(b, ready_read(fds, false));
		}
		row("ready vt_read, 1 byte (socket)", a, b, "ns");
		vt_loop_free(l);
	}
	close(fds[0]);
	close(fds[1]);
	a = b = 1e18;
	for (int k = 0; k < TRIES; k++) {
		a = MIN(a, echo_vt(&ca));
		b = MIN(b, echo_epoll(&cb));
	}
	row("echo round trip (socketpair)", a, b, "ns");
	row("  system calls per round trip", ca, cb, "calls");
	heap_vs_sync();
	waiters(30000);
	a = waiters(30000);
	b = waiters(1000);
	printf("%-34s %10.2f ns each at 30k, %.2f at 1k: %.2f ms for all 30k\n",
	       "registering the n-th waiter", a, b, a * 30000 / 1e6);
	fibers();
	return 0;
}
