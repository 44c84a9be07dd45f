/*
 * test_loop.c: fibers, scheduling order, timers, fds (pipes and
 * socketpairs, sync and async), tasks awaited by fibers, leftovers.
 */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <vtask.h>

#include "testutil.h"

static vt_loop *loop;
static char trace[256];

static void note(const char *s)
{
	strncat(trace, s, sizeof trace - strlen(trace) - 1);
}

static void setup(void)
{
	loop = vt_loop_new();
	ck_assert_ptr_nonnull(loop);
	trace[0] = 0;
}

static void teardown(void)
{
	vt_loop_free(loop);
	loop = NULL;
}

static uint64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- scheduling ---- */

static void yielder(void *arg)
{
	const char *name = arg;

	for (int i = 0; i < 3; i++) {
		note(name);
		vt_yield();
	}
}

START_TEST(test_spawn_order_and_yield)
{
	ck_assert_int_eq(vt_spawn(loop, yielder, "a"), 0);
	ck_assert_int_eq(vt_spawn(loop, yielder, "b"), 0);
	ck_assert_int_eq(vt_spawn(loop, yielder, "c"), 0);
	ck_assert_int_eq(vt_loop_run(loop), 0);
	ck_assert_str_eq(trace, "abcabcabc");
	vt_yield();                       /* outside a fiber: returns at once */
	ck_assert_int_eq(vt_spawn(NULL, yielder, "x"), EINVAL);
}
END_TEST

static void spawner(void *arg)
{
	note("p");
	vt_spawn(loop, yielder, "k");
	vt_yield();
	note("P");
}

START_TEST(test_spawn_from_fiber)
{
	vt_spawn(loop, spawner, NULL);
	ck_assert_int_eq(vt_loop_run(loop), 0);
	ck_assert_str_eq(trace, "pkPkk");
}
END_TEST

static void many(void *arg)
{
	int *n = arg;

	(*n)++;
}

START_TEST(test_many_fibers_reuse_stacks)
{
	int n = 0;

	for (int round = 0; round < 5; round++) {
		for (int i = 0; i < 200; i++)
			ck_assert_int_eq(vt_spawn(loop, many, &n), 0);
		ck_assert_int_eq(vt_loop_run(loop), 0);
	}
	ck_assert_int_eq(n, 1000);
}
END_TEST

/* Floating-point control state is per fiber. */
static void fp_fiber(void *arg)
{
	volatile double x = 1.0, y = 3.0;
	double *out = arg;

	vt_yield();
	*out = x / y;
}

START_TEST(test_fpu_state)
{
	double d = 0;

	vt_spawn(loop, fp_fiber, &d);
	ck_assert_int_eq(vt_loop_run(loop), 0);
	ck_assert(d > 0.333333 && d < 0.333334);
}
END_TEST

/* ---- timers ---- */

struct sleeper {
	uint64_t ms;
	const char *name;
	vtask vt;
	uint64_t t0, t1; /* the clock just before and just after vt_sleep read it */
};

static void sleeper(void *arg)
{
	struct sleeper *s = arg;

	ck_assert_int_eq(vtask_await(s->vt, NULL), 0);
	ck_assert_uint_ge(ms_now() - s->t0, s->ms);
	note(s->name);
}

/* All timers are made back to back, and awaited in the same pass (before
 * any poll can fire one), so that slow fiber starts (valgrind on a loaded
 * machine) cannot reorder their deadlines. */
static void make_sleepers(void *arg)
{
	struct sleeper *s = arg;
	vtask warm = vt_sleep(1);     /* valgrind translates the path once, here */

	vtask_cancel(&warm);
	ck_assert_int_eq(vtask_await(warm, NULL), ECANCELED);
	for (size_t i = 0; i < 5; i++) {
		s[i].t0 = ms_now();
		s[i].vt = vt_sleep(s[i].ms);
		s[i].t1 = ms_now();
	}
}

START_TEST(test_timer_order)
{
	struct sleeper s[] = { { .ms = 30, .name = "3" }, { .ms = 10, .name = "1" },
			       { .ms = 20, .name = "2" }, { .ms = 10, .name = "b" },
			       { .ms = 0, .name = "0" } };

	vt_spawn(loop, make_sleepers, s);
	for (size_t i = 0; i < 5; i++)
		vt_spawn(loop, sleeper, &s[i]);
	ck_assert_int_eq(vt_loop_run(loop), 0);
	ck_assert_uint_eq(strlen(trace), 5);
	/* made back to back they fire 0 1 b 2 3; a machine that stops this
	 * thread for more than 10 ms between two vt_sleep calls moves a
	 * deadline, so the order is checked against the deadlines themselves:
	 * no timer fires before one whose deadline was surely earlier */
	for (size_t i = 0; i < 5; i++)
		for (size_t j = 0; j < 5; j++) {
			const char *pi = strchr(trace, s[i].name[0]), *pj = strchr(trace, s[j].name[0]);

			if (s[j].t1 + s[j].ms < s[i].t0 + s[i].ms)
				ck_assert_msg(pj < pi, "%s (due by %llu) fired after %s (due at %llu): %s",
					      s[j].name, (unsigned long long)(s[j].t1 + s[j].ms), s[i].name,
					      (unsigned long long)(s[i].t0 + s[i].ms), trace);
		}
}
END_TEST

/* Ready fibers all run before timers are polled again. */
static void spinner(void *arg)
{
	for (int i = 0; i < 50; i++) {
		note("s");
		vt_yield();
		note("");
	}
}

static void short_sleep(void *arg)
{
	vtask_await(vt_sleep(1), NULL);
	note("T");
}

START_TEST(test_timers_polled_between_passes)
{
	vt_spawn(loop, short_sleep, NULL);
	vt_spawn(loop, spinner, NULL);
	ck_assert_int_eq(vt_loop_run(loop), 0);
	ck_assert_ptr_nonnull(strchr(trace, 'T'));
	ck_assert_uint_eq(strlen(trace), 51);
}
END_TEST

static void forgets_timer(void *arg)
{
	vtask vt = vt_sleep(60000);

	*(vtask *)arg = vt;   /* kept, never awaited in the loop */
}

START_TEST(test_unawaited_timer_does_not_keep_loop)
{
	vtask vt;
	uint64_t t0 = ms_now();

	vt_spawn(loop, forgets_timer, &vt);
	ck_assert_int_eq(vt_loop_run(loop), 0);
	ck_assert_uint_lt(ms_now() - t0, 1000);
	ck_assert(!vtask_is_completed(vt));
	ck_assert_int_eq(vtask_get_result(vt, NULL), VT_EMISUSE);
}
END_TEST

static void sleep3(void *arg)
{
	ck_assert_int_eq(vtask_await(vt_sleep(3), NULL), 0);
}

START_TEST(test_sleep_timer_reuse)
{
	/* Made outside a fiber: the current loop is the last one made.  The
	 * bridges alone do not keep the loop running (nothing awaits them);
	 * the fiber's later timer does, so they fire and go back to the pool. */
	for (int round = 0; round < 3; round++) {
		uint64_t t0 = ms_now();

		for (int i = 0; i < 1000; i++) {
			vtask vt = vt_sleep(2);

			ck_assert(!vtask_is_completed(vt));
			vt_task_release(vtask_as_task(vt));
		}
		vt_spawn(loop, sleep3, NULL);
		ck_assert_int_eq(vt_loop_run(loop), 0);
		ck_assert_uint_ge(ms_now() - t0, 2);
	}
}
END_TEST

/* ---- tasks and sources awaited by fibers ---- */

static vt_task *shared_task;

static void task_waiter(void *arg)
{
	void *r = NULL;

	ck_assert_int_eq(vt_task_await(shared_task, &r), 0);
	note(r);
}

static void task_completer(void *arg)
{
	vt_yield();
	note("c");
	vt_task_complete(shared_task, "w");
}

START_TEST(test_many_awaiters)
{
	shared_task = vt_task_new();
	for (int i = 0; i < 3; i++)
		vt_spawn(loop, task_waiter, NULL);
	vt_spawn(loop, task_completer, NULL);
	ck_assert_int_eq(vt_loop_run(loop), 0);
	ck_assert_str_eq(trace, "cwww");
	vt_task_release(shared_task);
}
END_TEST

static void all_waiter(void *arg)
{
	vt_task **in = arg;
	vt_task *all = vt_task_when_all(in, 2);
	vt_task *any = vt_task_when_any(in, 2);
	void *r = NULL;

	ck_assert_int_eq(vt_task_await(any, &r), 0);
	ck_assert_int_eq((int)(uintptr_t)r, 1);
	ck_assert_int_eq(vt_task_await(all, NULL), ECONNRESET);
	vt_task_release(all);
	vt_task_release(any);
	note("done");
}

static void all_feeder(void *arg)
{
	vt_task **in = arg;

	vtask_await(vt_sleep(2), NULL);
	vt_task_complete(in[1], NULL);
	vtask_await(vt_sleep(2), NULL);
	vt_task_fail(in[0], ECONNRESET);
}

START_TEST(test_combinators_in_fibers)
{
	vt_task *in[2] = { vt_task_new(), vt_task_new() };

	vt_spawn(loop, all_waiter, in);
	vt_spawn(loop, all_feeder, in);
	ck_assert_int_eq(vt_loop_run(loop), 0);
	ck_assert_str_eq(trace, "done");
	vt_task_release(in[0]);
	vt_task_release(in[1]);
}
END_TEST

static vt_source src;

static void src_waiter(void *arg)
{
	void *r = NULL;
	vtask vt = vtask_from_source(&src, vt_source_token(&src));

	ck_assert_int_eq(vtask_await(vt, &r), 0);
	note(r);
}

static void src_second_waiter(void *arg)
{
	vtask vt = vtask_from_source(&src, vt_source_token(&src));

	ck_assert_int_eq(vtask_await(vt, NULL), VT_EMISUSE);
	note("2");
	vt_source_set_result(&src, "1");
}

START_TEST(test_source_second_waiter)
{
	vt_source_init(&src, NULL, NULL);
	vt_spawn(loop, src_waiter, NULL);
	vt_spawn(loop, src_second_waiter, NULL);
	ck_assert_int_eq(vt_loop_run(loop), 0);
	ck_assert_str_eq(trace, "21");
}
END_TEST

static void src_reset_waiter(void *arg)
{
	vtask vt = vtask_from_source(&src, vt_source_token(&src));

	ck_assert_int_eq(vtask_await(vt, NULL), VT_EMISUSE);
	note("r");
}

static void src_resetter(void *arg)
{
	vt_source_reset(&src);
}

START_TEST(test_source_reset_wakes_waiter)
{
	vt_source_init(&src, NULL, NULL);
	vt_spawn(loop, src_reset_waiter, NULL);
	vt_spawn(loop, src_resetter, NULL);
	ck_assert_int_eq(vt_loop_run(loop), 0);
	ck_assert_str_eq(trace, "r");
}
END_TEST

/* ---- never-completing waits and leftovers ---- */

static void stuck(void *arg)
{
	note("s");
	vt_task_await(arg, NULL);
	note("never");
}

static void stuck_src(void *arg)
{
	vtask_await(vtask_from_source(&src, vt_source_token(&src)), NULL);
	note("never");
}

START_TEST(test_deadlock_returns_and_free_cleans)
{
	vt_task *t = vt_task_new();

	vt_source_init(&src, NULL, NULL);
	vt_spawn(loop, stuck, t);
	vt_spawn(loop, stuck, t);
	vt_spawn(loop, stuck_src, NULL);
	ck_assert_int_eq(vt_loop_run(loop), 0);
	ck_assert_str_eq(trace, "ss");
	vt_loop_free(loop);               /* unlinks the waiters */
	loop = vt_loop_new();
	vt_task_complete(t, NULL);        /* must not touch the freed stacks */
	vt_source_set_result(&src, NULL);
	vt_task_release(t);
	ck_assert_str_eq(trace, "ss");
}
END_TEST

START_TEST(test_free_unrun_loop)
{
	vt_spawn(loop, stuck, NULL);
	/* never run: vt_loop_free (teardown) releases the fiber */
}
END_TEST

static void wait_forever_timer(void *arg)
{
	vt_task *t = vtask_as_task(vt_sleep(100000));

	*(vt_task **)arg = t;
}

START_TEST(test_free_cancels_timer_bridge)
{
	vt_task *t = NULL;

	vt_spawn(loop, wait_forever_timer, &t);
	/* The bridge waits on the timer, so the loop would sleep: only run
	 * one pass by freeing right after the fiber made it. */
	vt_loop_free(loop);
	loop = vt_loop_new();
	ck_assert_ptr_null(t);            /* the fiber never ran */
	t = vtask_as_task(vt_sleep(100000));
	vt_loop_free(loop);
	loop = vt_loop_new();
	ck_assert(vt_task_is_completed(t));
	ck_assert_int_eq(vt_task_await(t, NULL), ECANCELED);
	vt_task_release(t);
}
END_TEST

static void nested_run(void *arg)
{
	ck_assert_int_eq(vt_loop_run(loop), VT_EMISUSE);
	note("n");
}

START_TEST(test_nested_run_refused)
{
	vt_spawn(loop, nested_run, NULL);
	ck_assert_int_eq(vt_loop_run(loop), 0);
	ck_assert_str_eq(trace, "n");
}
END_TEST

/* ---- fds ---- */

static int fds[2];

static void reader(void *arg)
{
	char buf[16] = { 0 };
	void *r = NULL;
	vtask vt = vt_read(fds[0], buf, sizeof buf);

	ck_assert_int_eq(vtask_is_completed(vt), *(int *)arg);
	ck_assert_int_eq(vtask_await(vt, &r), 0);
	ck_assert_int_eq((int)(intptr_t)r, 5);
	ck_assert_str_eq(buf, "hello");
	note("r");
}

static void writer(void *arg)
{
	void *r = NULL;

	note("w");
	vtask_await(vt_sleep(1), NULL);
	ck_assert_int_eq(vtask_await(vt_write(fds[1], "hello", 5), &r), 0);
	ck_assert_int_eq((int)(intptr_t)r, 5);
}

static void pipe_case(int async, bool nonblock)
{
	ck_assert_int_eq(pipe2(fds, nonblock ? O_NONBLOCK : 0), 0);
	if (!async)
		ck_assert_int_eq(write(fds[1], "hello", 5), 5);
	vt_spawn(loop, reader, &(int){ !async });
	if (async)
		vt_spawn(loop, writer, NULL);
	ck_assert_int_eq(vt_loop_run(loop), 0);
	ck_assert_str_eq(trace, async ? "wr" : "r");
	close(fds[0]);
	close(fds[1]);
}

START_TEST(test_pipe_sync) { pipe_case(0, true); }
END_TEST
START_TEST(test_pipe_async) { pipe_case(1, true); }
END_TEST
START_TEST(test_blocking_pipe_sync) { pipe_case(0, false); }
END_TEST
START_TEST(test_blocking_pipe_async) { pipe_case(1, false); }
END_TEST

static void sock_echo(void *arg)
{
	char buf[64];
	void *r;

	for (int i = 0; i < 2000; i++) {
		ck_assert_int_eq(vtask_await(vt_read(fds[1], buf, sizeof buf), &r), 0);
		ck_assert_int_eq(vtask_await(vt_write(fds[1], buf, (size_t)(intptr_t)r), &r), 0);
	}
}

static void sock_client(void *arg)
{
	char buf[64];
	void *r;

	for (int i = 0; i < 2000; i++) {
		int n = snprintf(buf, sizeof buf, "m%d", i);

		ck_assert_int_eq(vtask_await(vt_write(fds[0], buf, (size_t)n), &r), 0);
		ck_assert_int_eq(vtask_await(vt_read(fds[0], buf, sizeof buf), &r), 0);
		ck_assert_int_eq((int)(intptr_t)r, n);
	}
	note("ok");
}

START_TEST(test_socketpair_stream)
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
	vt_spawn(loop, sock_echo, NULL);
	vt_spawn(loop, sock_client, NULL);
	ck_assert_int_eq(vt_loop_run(loop), 0);
	ck_assert_str_eq(trace, "ok");
	close(fds[0]);
	close(fds[1]);
}
END_TEST

static void eof_reader(void *arg)
{
	char c;
	void *r = (void *)1;

	ck_assert_int_eq(vtask_await(vt_read(fds[0], &c, 1), &r), 0);
	ck_assert_ptr_eq(r, NULL);   /* 0 bytes: end of file */
	ck_assert_int_eq(vtask_await(vt_read(-1, &c, 1), NULL), EBADF);
	note("e");
}

static void closer(void *arg)
{
	close(fds[1]);
}

START_TEST(test_read_eof_and_errors)
{
	ck_assert_int_eq(pipe2(fds, O_NONBLOCK), 0);
	vt_spawn(loop, eof_reader, NULL);
	vt_spawn(loop, closer, NULL);
	ck_assert_int_eq(vt_loop_run(loop), 0);
	ck_assert_str_eq(trace, "e");
	close(fds[0]);
}
END_TEST

static void double_reader(void *arg)
{
	char a, b;
	vtask x = vt_read(fds[0], &a, 1);
	vtask y = vt_read(fds[0], &b, 1);    /* the fd's read slot is taken */

	ck_assert_int_eq(vtask_await(y, NULL), VT_EMISUSE);
	vt_task_release(vtask_as_task(x));   /* fire and forget */
	ck_assert_int_eq(vtask_await(vt_write(fds[1], "x", 1), NULL), 0);
	note("d");
}

START_TEST(test_second_pending_read_refused)
{
	ck_assert_int_eq(pipe2(fds, O_NONBLOCK), 0);
	vt_spawn(loop, double_reader, NULL);
	ck_assert_int_eq(vt_loop_run(loop), 0);
	ck_assert_str_eq(trace, "d");
	close(fds[0]);
	close(fds[1]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("loop");
	TCase *tc = tcase_create("loop");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_spawn_order_and_yield);
	tcase_add_test(tc, test_spawn_from_fiber);
	tcase_add_test(tc, test_many_fibers_reuse_stacks);
	tcase_add_test(tc, test_fpu_state);
	tcase_add_test(tc, test_timer_order);
	tcase_add_test(tc, test_timers_polled_between_passes);
	tcase_add_test(tc, test_unawaited_timer_does_not_keep_loop);
	tcase_add_test(tc, test_sleep_timer_reuse);
	tcase_add_test(tc, test_many_awaiters);
	tcase_add_test(tc, test_combinators_in_fibers);
	tcase_add_test(tc, test_source_second_waiter);
	tcase_add_test(tc, test_source_reset_wakes_waiter);
	tcase_add_test(tc, test_deadlock_returns_and_free_cleans);
	tcase_add_test(tc, test_free_unrun_loop);
	tcase_add_test(tc, test_free_cancels_timer_bridge);
	tcase_add_test(tc, test_nested_run_refused);
	tcase_add_test(tc, test_pipe_sync);
	tcase_add_test(tc, test_pipe_async);
	tcase_add_test(tc, test_blocking_pipe_sync);
	tcase_add_test(tc, test_blocking_pipe_async);
	tcase_add_test(tc, test_socketpair_stream);
	tcase_add_test(tc, test_read_eof_and_errors);
	tcase_add_test(tc, test_second_pending_read_refused);
	suite_add_tcase(s, tc);
	return vt_test_run(s);
}
