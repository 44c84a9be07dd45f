/*
 * bench_vtask.c: figures for docs/runtime.md.
 *
 *   sync vtask        vtask_from_result + vtask_await
 *   heap round trip   vt_task_from_result + vt_task_await + vt_task_release
 *   fiber switch      vt_yield ping-pong, raw vt__ctx_jump, swapcontext
 *   vt_read           data ready (sync) and fiber waits for a writer (async)
 *
 * Each line: ns/op and allocations/op (malloc, calloc, realloc counted).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "vt_internal.h"

#undef vtask_from_result
#undef vtask_await
#include <vtask.h>

static uint64_t allocs;

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n) { allocs++; return __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t m) { allocs++; return __real_calloc(n, m); }
void *__wrap_realloc(void *p, size_t n) { allocs++; return __real_realloc(p, n); }

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct meter {
	uint64_t t0, a0;
};

static void start(struct meter *m)
{
	m->a0 = allocs;
	m->t0 = now_ns();
}

static double stop(struct meter *m, const char *what, uint64_t n)
{
	uint64_t dt = now_ns() - m->t0, da = allocs - m->a0;
	double ns = (double)dt / (double)n;

	printf("%-40s %9.2f ns/op %8.4f allocs/op\n", what, ns, (double)da / (double)n);
	return ns;
}

#define N_FAST 20000000u
#define N_SWITCH 2000000u
#define N_IO 200000u

static double bench_sync(void)
{
	struct meter m;
	int x;
	void *r;

	start(&m);
	for (unsigned i = 0; i < N_FAST; i++) {
		vtask vt = vt__from_result_at(&x, __FILE__, __LINE__);

		vt__await_at(vt, &r, __FILE__, __LINE__);
	}
	return stop(&m, "sync vtask (from_result + await)", N_FAST);
}

static double bench_heap(void)
{
	struct meter m;
	int x;
	void *r;

	vt_task_release(vt_task_from_result(&x));       /* warm the free list */
	start(&m);
	for (unsigned i = 0; i < N_FAST; i++) {
		vt_task *t = vt_task_from_result(&x);

		vt_task_await(t, &r);
		vt_task_release(t);
	}
	return stop(&m, "heap vt_task round trip", N_FAST);
}

/* ---- switches ---- */

static void pinger(void *arg)
{
	for (unsigned i = 0; i < N_SWITCH; i++)
		vt_yield();
}

static double bench_yield(void)
{
	vt_loop *loop = vt_loop_new();
	struct meter m;
	double ns;

	vt_spawn(loop, pinger, NULL);
	vt_spawn(loop, pinger, NULL);
	start(&m);
	vt_loop_run(loop);
	/* Each yield is two switches: fiber -> scheduler -> fiber. */
	ns = stop(&m, "vt_yield (fiber->sched->fiber)", 2u * N_SWITCH);
	printf("%-40s %9.2f ns/op\n", "  = per context switch", ns / 2);
	vt_loop_free(loop);
	return ns / 2;
}

static vt__ctx main_ctx, co_ctx;

static void raw_co(void *arg)
{
	for (;;)
		vt__ctx_jump(&co_ctx, &main_ctx);
}

static double bench_raw_switch(void)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	struct meter m;

	vt__ctx_make(&co_ctx, stack, sizeof stack, raw_co, NULL);
	start(&m);
	for (unsigned i = 0; i < N_SWITCH; i++)
		vt__ctx_jump(&main_ctx, &co_ctx);
	return stop(&m, "raw vt__ctx_jump (one switch)", 2u * N_SWITCH) ;
}

static ucontext_t uc_main, uc_co;

static void uc_fn(void)
{
	for (;;)
		swapcontext(&uc_co, &uc_main);
}

static double bench_ucontext(void)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	struct meter m;

	getcontext(&uc_co);
	uc_co.uc_stack.ss_sp = stack;
	uc_co.uc_stack.ss_size = sizeof stack;
	makecontext(&uc_co, uc_fn, 0);
	start(&m);
	for (unsigned i = 0; i < N_SWITCH / 4; i++)
		swapcontext(&uc_main, &uc_co);
	return stop(&m, "ucontext swapcontext (one switch)", 2u * (N_SWITCH / 4));
}

/* ---- vt_read ---- */

static int fds[2];

static void bench_read_sync(void)
{
	char buf[4096], c;
	struct meter m;
	uint64_t total = 0, ops = 0, a = 0;
	void *r;

	pipe2(fds, O_NONBLOCK);
	for (int i = 0; i < 64; i++)
		vtask_await(vtask_from_result(NULL), NULL);
	for (unsigned round = 0; round < N_IO / 4096; round++) {
		write(fds[1], buf, sizeof buf);
		start(&m);
		for (int i = 0; i < 4096; i++)
			vt__await_at(vt__read_at(fds[0], &c, 1, __FILE__, __LINE__), &r,
				     __FILE__, __LINE__);
		total += now_ns() - m.t0;
		a += allocs - m.a0;
		ops += 4096;
	}
	printf("%-40s %9.2f ns/op %8.4f allocs/op\n", "vt_read, data ready (sync path)",
	       (double)total / (double)ops, (double)a / (double)ops);
	close(fds[0]);
	close(fds[1]);
}

static void async_reader(void *arg)
{
	char c;
	void *r;

	for (unsigned i = 0; i < N_IO; i++)
		vt__await_at(vt__read_at(fds[0], &c, 1, __FILE__, __LINE__), &r, __FILE__,
			     __LINE__);
}

static void async_writer(void *arg)
{
	for (unsigned i = 0; i < N_IO; i++) {
		vt__await_at(vt__write_at(fds[1], "x", 1, __FILE__, __LINE__), NULL, __FILE__,
			     __LINE__);
		vt_yield();   /* let the reader find the pipe empty again */
	}
}

static void warm(void *arg)
{
	char c;

	vtask rd = vt__read_at(fds[0], &c, 1, __FILE__, __LINE__);

	write(fds[1], "x", 1);
	vt__await_at(rd, NULL, __FILE__, __LINE__);
}

static void bench_read_async(void)
{
	vt_loop *loop = vt_loop_new();
	struct meter m;

	pipe2(fds, O_NONBLOCK);
	/* The first async read allocates the fd's record; steady state is
	 * what is measured. */
	vt_spawn(loop, warm, NULL);
	vt_loop_run(loop);
	vt_spawn(loop, async_reader, NULL);
	vt_spawn(loop, async_writer, NULL);
	start(&m);
	vt_loop_run(loop);
	stop(&m, "vt_read, fiber waits for writer (async)", N_IO);
	vt_loop_free(loop);
	close(fds[0]);
	close(fds[1]);
}

int main(void)
{
	double sync, heap, sw, raw, uc;

	printf("libvtask benchmark (%s switch)\n",
#ifdef VT__ASM_SWITCH
	       "assembly"
#else
	       "ucontext"
#endif
	);
	sync = bench_sync();
	heap = bench_heap();
	printf("%-40s %9.1fx\n", "  heap / sync", heap / sync);
	sw = bench_yield();
	raw = bench_raw_switch();
	uc = bench_ucontext();
	printf("%-40s %9.1fx (via scheduler %.1fx)\n", "  swapcontext / raw switch", uc / raw,
	       uc / sw);
	bench_read_sync();
	bench_read_async();
	return 0;
}
