/*
 * test_server.c: the contract's holes closed (a second vtask of one task,
 * stale timer and fd vtasks after vt_loop_free, fire-and-forget waits, a
 * blocking fd, SIGPIPE, a closed fd with a pending read, frames larger than
 * a page) and the calls a server needs (vtask_cancel, vt_close, vt_accept,
 * vt_connect, deadlines, vt_post, vt_loop_stop, vt_loop_new_with).
 */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <vtask.h>

#include "testutil.h"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

static vt_loop *loop;
static int fds[2];
static char trace[256];

static void note(const char *s)
{
	strncat(trace, s, sizeof trace - strlen(trace) - 1);
}

static void setup(void)
{
	signal(SIGPIPE, SIG_DFL);      /* a raised SIGPIPE would kill the test */
	loop = vt_loop_new();
	ck_assert_ptr_nonnull(loop);
	trace[0] = 0;
	fds[0] = fds[1] = -1;
}

static void teardown(void)
{
	vt_loop_free(loop);
	loop = NULL;
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

static uint64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- holes ---- */

START_TEST(test_second_vtask_of_task_checked)
{
	vt_task *t = vt_task_from_result("x");
	vtask a = vtask_from_task(vt_task_retain(t));
	vtask b = vtask_from_task(t);
	void *r = NULL;

	ck_assert_int_eq(vtask_await(b, &r), 0);
	ck_assert_str_eq(r, "x");
	ck_assert_int_eq(vtask_await(b, &r), VT_EMISUSE);   /* was 0: a double release */
	ck_assert_int_eq(vtask_await(a, &r), 0);
	ck_assert_int_eq(vtask_await(a, &r), VT_EMISUSE);
	/* The task went back exactly once: two new tasks are two records. */
	vt_task *x = vt_task_new(), *y = vt_task_new();

	ck_assert_ptr_ne(x, y);
	vt_task_release(x);
	vt_task_release(y);
}
END_TEST

START_TEST(test_stale_timer_after_loop_free)
{
	vt_loop *l2 = vt_loop_new();
	vtask s = vt_sleep(100);

	vt_loop_free(l2);
	ck_assert(!vtask_is_completed(s));
	ck_assert_int_eq(vtask_await(s, NULL), VT_EMISUSE);
	vtask_cancel(&s);              /* names a pooled record: nothing happens */
}
END_TEST

START_TEST(test_stale_read_after_loop_free)
{
	vt_loop *l2;
	char c = 0;
	vtask rd;

	ck_assert_int_eq(pipe2(fds, O_NONBLOCK), 0);
	l2 = vt_loop_new();
	rd = vt_read(fds[0], &c, 1);
	ck_assert(!vtask_is_completed(rd));
	vt_loop_free(l2);
	ck_assert_int_eq(write(fds[1], "z", 1), 1);
	/* A new loop takes the pooled record again for the same fd. */
	l2 = vt_loop_new();
	ck_assert_int_eq(vtask_await(vt_read(fds[0], &c, 1), NULL), 0);
	ck_assert_int_eq(c, 'z');
	c = 0;
	ck_assert_int_eq(vtask_await(rd, NULL), VT_EMISUSE);
	ck_assert_int_eq(c, 0);
	vt_loop_free(l2);
}
END_TEST

static void forget_read(void *arg)
{
	static char c;

	vt_task_release(vtask_as_task(vt_read(fds[0], &c, 1)));
	note("f");
}

START_TEST(test_fire_and_forget_read_does_not_keep_loop)
{
	ck_assert_int_eq(pipe2(fds, O_NONBLOCK), 0);
	vt_spawn(loop, forget_read, NULL);
	ck_assert_int_eq(vt_loop_run(loop), 0);     /* used to run forever */
	ck_assert_str_eq(trace, "f");
}
END_TEST

#define BIG (1u << 20)

static void big_writer(void *arg)
{
	char *buf = calloc(1, BIG);
	size_t off = 0;

	while (off < BIG) {
		void *n;

		ck_assert_int_eq(vtask_await(vt_write(fds[1], buf + off, BIG - off), &n), 0);
		off += (size_t)(intptr_t)n;
	}
	free(buf);
	note("w");
}

static void big_reader(void *arg)
{
	char buf[65536];
	size_t got = 0;

	while (got < BIG) {
		void *n;

		ck_assert_int_eq(vtask_await(vt_read(fds[0], buf, sizeof buf), &n), 0);
		got += (size_t)(intptr_t)n;
	}
	note("r");
}

START_TEST(test_write_on_blocking_pipe_never_blocks)
{
	ck_assert_int_eq(pipe(fds), 0);             /* blocking, both ends */
	vt_spawn(loop, big_writer, NULL);
	vt_spawn(loop, big_reader, NULL);
	ck_assert_int_eq(vt_loop_run(loop), 0);     /* used to deadlock */
	ck_assert_str_eq(trace, "wr");
}
END_TEST

START_TEST(test_blocking_socket_write_never_blocks)
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	vt_spawn(loop, big_writer, NULL);
	vt_spawn(loop, big_reader, NULL);
	ck_assert_int_eq(vt_loop_run(loop), 0);
	ck_assert_str_eq(trace, "wr");
}
END_TEST

START_TEST(test_closed_peer_is_epipe_not_sigpipe)
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
	close(fds[0]);
	fds[0] = -1;
	ck_assert_int_eq(vtask_await(vt_write(fds[1], "x", 1), NULL), EPIPE);
	close(fds[1]);
	ck_assert_int_eq(pipe(fds), 0);
	close(fds[0]);
	fds[0] = -1;
	ck_assert_int_eq(vtask_await(vt_write(fds[1], "x", 1), NULL), EPIPE);
	ck_assert_int_eq(vtask_await(vt_write_deadline(fds[1], "x", 1, 10), NULL), EPIPE);
}
END_TEST

/* ---- a closed fd with a pending read ---- */

static char dead_buf[8];
static int dead_err;

static void dead_reader(void *arg)
{
	dead_err = vtask_await(vt_read(fds[0], dead_buf, sizeof dead_buf), NULL);
	note("d");
}

static int reuse_fds[2];

/* Closes the reader's fd behind the loop's back, and gets its number
 * again for a new connection that has bytes waiting. */
static void plain_closer(void *arg)
{
	int want = fds[0];

	vtask_await(vt_sleep(1), NULL);
	close(fds[0]);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, reuse_fds), 0);
	ck_assert_int_eq(reuse_fds[0], want);
	ck_assert_int_eq(write(reuse_fds[1], "secret", 6), 6);
	note("c");
}

START_TEST(test_plain_close_with_pending_read)
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
	vt_spawn(loop, dead_reader, NULL);
	vt_spawn(loop, plain_closer, NULL);
	ck_assert_int_eq(vt_loop_run(loop), 0);     /* used to hang */
	ck_assert_str_eq(trace, "cd");
	ck_assert_int_eq(dead_err, EBADF);
	ck_assert_int_eq(dead_buf[0], 0);           /* never the new file's bytes */
	ck_assert_int_eq(read(reuse_fds[0], dead_buf, sizeof dead_buf), 6);
	fds[0] = reuse_fds[0];
	close(reuse_fds[1]);
}
END_TEST

static void vt_closer(void *arg)
{
	vt_yield();
	ck_assert_int_eq(vt_close(fds[0]), 0);
	fds[0] = -1;
	note("c");
}

START_TEST(test_vt_close_cancels_pending_read)
{
	uint64_t t0 = ms_now();

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
	vt_spawn(loop, dead_reader, NULL);
	vt_spawn(loop, vt_closer, NULL);
	ck_assert_int_eq(vt_loop_run(loop), 0);
	ck_assert_str_eq(trace, "cd");
	ck_assert_int_eq(dead_err, ECANCELED);
	ck_assert_uint_lt(ms_now() - t0, 950);   /* not the one-second check */
}
END_TEST

static void late_byte(void *arg)
{
	vtask_await(vt_sleep(5), NULL);
	ck_assert_int_eq(write(fds[1], "n", 1), 1);
}

/* An fd the loop waited on, closed with plain close() when idle: the
 * number's next file is served without a stall. */
static void reuse_reader(void *arg)
{
	char c[4] = { 0 };
	void *n;
	int want = fds[0];

	ck_assert_int_eq(vtask_await(vt_read(fds[0], c, 1), &n), 0);  /* waits: registered */
	close(fds[1]);
	ck_assert_int_eq(vtask_await(vt_read(fds[0], c, 1), &n), 0);
	ck_assert_ptr_null(n);                                          /* end of stream */
	close(fds[0]);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
	ck_assert_int_eq(fds[0], want);
	vt_spawn(loop, late_byte, NULL);
	ck_assert_int_eq(vtask_await(vt_read(fds[0], c, sizeof c), &n), 0);
	ck_assert_int_eq((int)(intptr_t)n, 1);
	ck_assert_int_eq(c[0], 'n');
	note("r");
}

START_TEST(test_plain_close_of_idle_fd_then_reuse)
{
	uint64_t t0 = ms_now();

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
	vt_spawn(loop, reuse_reader, NULL);
	vt_spawn(loop, late_byte, NULL);
	ck_assert_int_eq(vt_loop_run(loop), 0);
	ck_assert_str_eq(trace, "r");
	ck_assert_uint_lt(ms_now() - t0, 950);      /* no one-second check involved */
}
END_TEST

/* ---- guard regions ---- */

static int deep(int n)
{
	volatile char frame[16384];

	frame[0] = (char)n;            /* the lowest address first: a probe-free jump */
	if (n == 0)
		return frame[0];
	return deep(n - 1) + frame[0] + frame[sizeof frame - 1];
}

static void overflow(void *arg)
{
	*(int *)arg = deep(1000);
}

static void idle(void *arg)
{
	vt_yield();
}

START_TEST(test_big_frame_hits_the_guard)
{
	pid_t pid;
	int st;

	if (RUNNING_ON_VALGRIND)
		return;                /* the child's fault would be valgrind's report */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		vt_loop_options o = { .stack_size = 64 * 1024 };
		vt_loop *l = vt_loop_new_with(&o);
		int r = 0;

		vt_spawn(l, idle, NULL);
		vt_spawn(l, overflow, &r);
		vt_spawn(l, idle, NULL);
		vt_loop_run(l);
		_exit(0);              /* survived: the frame landed in another stack */
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFSIGNALED(st) || (WIFEXITED(st) && WEXITSTATUS(st) != 0));
}
END_TEST

/* ---- vtask_cancel ---- */

static void cancelled_sleep(void *arg)
{
	vtask s = vt_sleep(100000);

	vtask_cancel(&s);
	ck_assert_int_eq(vtask_await(s, NULL), ECANCELED);
	s = vt_sleep(0);
	vtask_cancel(&s);                          /* completed: left as it is */
	ck_assert_int_eq(vtask_await(s, NULL), 0);
	note("s");
}

static void cancelled_read(void *arg)
{
	char c = 0;
	vtask rd = vt_read(fds[0], &c, 1);

	vtask_cancel(&rd);
	ck_assert_int_eq(vtask_await(rd, NULL), ECANCELED);
	ck_assert_int_eq(write(fds[1], "k", 1), 1);
	ck_assert_int_eq(vtask_await(vt_read(fds[0], &c, 1), NULL), 0);
	ck_assert_int_eq(c, 'k');
	note("r");
}

START_TEST(test_cancel)
{
	uint64_t t0 = ms_now();

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
	vt_spawn(loop, cancelled_sleep, NULL);
	vt_spawn(loop, cancelled_read, NULL);
	ck_assert_int_eq(vt_loop_run(loop), 0);
	ck_assert_str_eq(trace, "sr");
	ck_assert_uint_lt(ms_now() - t0, 1000);
}
END_TEST

/* ---- accept and connect ---- */

static struct sockaddr_in addr;
static int lfd;

static void server(void *arg)
{
	char buf[8] = { 0 };
	void *r;
	int c;

	ck_assert_int_eq(vtask_await(vt_accept(lfd), &r), 0);
	c = (int)(intptr_t)r;
	ck_assert_int_ne(fcntl(c, F_GETFL) & O_NONBLOCK, 0);
	ck_assert_int_eq(vtask_await(vt_read(c, buf, 4), &r), 0);
	ck_assert_str_eq(buf, "ping");
	ck_assert_int_eq(vtask_await(vt_write(c, "pong", 4), NULL), 0);
	ck_assert_int_eq(vt_close(c), 0);
	note("s");
}

static void client(void *arg)
{
	char buf[8] = { 0 };
	int s = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_eq(vtask_await(vt_connect(s, (struct sockaddr *)&addr, sizeof addr), NULL),
			 0);
	ck_assert_int_eq(vtask_await(vt_write(s, "ping", 4), NULL), 0);
	ck_assert_int_eq(vtask_await(vt_read(s, buf, 4), NULL), 0);
	ck_assert_str_eq(buf, "pong");
	vt_close(s);
	note("c");
}

static void refused(void *arg)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	ck_assert_int_eq(vtask_await(vt_connect(s, (struct sockaddr *)&addr, sizeof addr), NULL),
			 ECONNREFUSED);
	vt_close(s);
	note("x");
}

static void listen_any(void)
{
	socklen_t n = sizeof addr;

	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	addr = (struct sockaddr_in){ .sin_family = AF_INET,
				     .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&addr, sizeof addr), 0);
	ck_assert_int_eq(listen(lfd, 16), 0);
	ck_assert_int_eq(getsockname(lfd, (struct sockaddr *)&addr, &n), 0);
}

START_TEST(test_accept_connect)
{
	listen_any();
	vt_spawn(loop, server, NULL);
	vt_spawn(loop, client, NULL);
	ck_assert_int_eq(vt_loop_run(loop), 0);
	ck_assert_str_eq(trace, "sc");
	vt_close(lfd);
	vt_spawn(loop, refused, NULL);   /* nothing listens there any more */
	ck_assert_int_eq(vt_loop_run(loop), 0);
	ck_assert_str_eq(trace, "scx");
}
END_TEST

/* ---- deadlines ---- */

static void deadline_reader(void *arg)
{
	char c = 0;
	uint64_t t0 = ms_now();

	ck_assert_int_eq(vtask_await(vt_read_deadline(fds[0], &c, 1, 20), NULL), ETIMEDOUT);
	ck_assert_uint_ge(ms_now() - t0, 20);
	/* The timed-out read let go of the fd: the next one gets the byte. */
	ck_assert_int_eq(vtask_await(vt_read_deadline(fds[0], &c, 1, 5000), NULL), 0);
	ck_assert_int_eq(c, 'd');
	note("r");
}

static void late_writer(void *arg)
{
	vtask_await(vt_sleep(40), NULL);
	ck_assert_int_eq(vtask_await(vt_write_deadline(fds[1], "d", 1, 1000), NULL), 0);
}

START_TEST(test_deadlines)
{
	uint64_t t0 = ms_now();

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
	vt_spawn(loop, deadline_reader, NULL);
	vt_spawn(loop, late_writer, NULL);
	ck_assert_int_eq(vt_loop_run(loop), 0);
	ck_assert_str_eq(trace, "r");
	ck_assert_uint_lt(ms_now() - t0, 2000);     /* the 5 s deadline was dropped */
}
END_TEST

/* ---- vt_post and vt_loop_stop ---- */

static vtask long_sleep;

static void wake_sleeper(void *arg)
{
	vtask_cancel(&long_sleep);
	note("p");
}

static void *poster(void *arg)
{
	struct timespec ts = { 0, 20 * 1000000 };

	nanosleep(&ts, NULL);
	ck_assert_int_eq(vt_post(loop, wake_sleeper, NULL), 0);
	return NULL;
}

static void sleeper(void *arg)
{
	long_sleep = vt_sleep(100000);
	ck_assert_int_eq(vtask_await(long_sleep, NULL), ECANCELED);
	note("s");
}

START_TEST(test_post_wakes_loop)
{
	pthread_t th;
	uint64_t t0 = ms_now();

	vt_spawn(loop, sleeper, NULL);
	ck_assert_int_eq(pthread_create(&th, NULL, poster, NULL), 0);
	ck_assert_int_eq(vt_loop_run(loop), 0);
	pthread_join(th, NULL);
	ck_assert_str_eq(trace, "ps");
	ck_assert_uint_lt(ms_now() - t0, 5000);
}
END_TEST

static void counter(void *arg)
{
	for (int i = 0; i < 3; i++) {
		note("a");
		vt_yield();
	}
}

static void stopper(void *arg)
{
	vt_loop_stop(loop);
	note("s");
	vt_yield();
	note("t");
}

START_TEST(test_loop_stop)
{
	vt_spawn(loop, counter, NULL);
	vt_spawn(loop, stopper, NULL);
	ck_assert_int_eq(vt_loop_run(loop), 0);
	ck_assert_str_eq(trace, "as");              /* the pass that was ready ran */
	ck_assert_int_eq(vt_loop_run(loop), 0);     /* a later run continues */
	ck_assert_str_eq(trace, "asata");
}
END_TEST

/* ---- options and many fibers ---- */

static vt_task *gate;
static int finished;

static void gated(void *arg)
{
	ck_assert_int_eq(vt_task_await(gate, NULL), 0);
	finished++;
}

static void opener(void *arg)
{
	vt_task_complete(gate, NULL);
}

START_TEST(test_options_and_many_live_fibers)
{
	vt_loop_options o = { .stack_size = 32 * 1024, .guard_size = 4096, .stack_cache = 8 };
	int n = RUNNING_ON_VALGRIND ? 2000 : 40000;  /* past the old 32k mapping limit */
	vt_loop *l2 = vt_loop_new_with(&o);

	gate = vt_task_new();
	finished = 0;
	for (int i = 0; i < n; i++)
		ck_assert_int_eq(vt_spawn(l2, gated, NULL), 0);
	ck_assert_int_eq(vt_loop_run(l2), 0);       /* all wait: deadlock returns */
	ck_assert_int_eq(finished, 0);
	vt_spawn(l2, opener, NULL);
	ck_assert_int_eq(vt_loop_run(l2), 0);
	ck_assert_int_eq(finished, n);
	vt_task_release(gate);
	vt_loop_free(l2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("server");
	TCase *tc = tcase_create("server");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_second_vtask_of_task_checked);
	tcase_add_test(tc, test_stale_timer_after_loop_free);
	tcase_add_test(tc, test_stale_read_after_loop_free);
	tcase_add_test(tc, test_fire_and_forget_read_does_not_keep_loop);
	tcase_add_test(tc, test_write_on_blocking_pipe_never_blocks);
	tcase_add_test(tc, test_blocking_socket_write_never_blocks);
	tcase_add_test(tc, test_closed_peer_is_epipe_not_sigpipe);
	tcase_add_test(tc, test_plain_close_with_pending_read);
	tcase_add_test(tc, test_vt_close_cancels_pending_read);
	tcase_add_test(tc, test_plain_close_of_idle_fd_then_reuse);
	tcase_add_test(tc, test_big_frame_hits_the_guard);
	tcase_add_test(tc, test_cancel);
	tcase_add_test(tc, test_accept_connect);
	tcase_add_test(tc, test_deadlines);
	tcase_add_test(tc, test_post_wakes_loop);
	tcase_add_test(tc, test_loop_stop);
	tcase_add_test(tc, test_options_and_many_live_fibers);
	suite_add_tcase(s, tc);
	return vt_test_run(s);
}
