/*
 * test_check.c: checked mode in process (reports through a handler and the
 * default printer) and in child processes (exit status 66, VT005 at exit,
 * VT_CHECK=abort, a program's own exit status kept).
 */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vtask.h>

#include "testutil.h"

extern char **environ;

/* ---- a handler that records the reports ---- */

struct report {
	char rule[8];
	int line;
	char file[256];
	char msg[512];
};

static struct report reps[16];
static int nreps;

static void record(const char *rule, const char *file, int line, const char *msg, void *ctx)
{
	struct report *r = &reps[nreps < 16 ? nreps : 15];

	ck_assert_ptr_eq(ctx, (void *)reps);
	snprintf(r->rule, sizeof r->rule, "%s", rule);
	snprintf(r->file, sizeof r->file, "%s", file);
	snprintf(r->msg, sizeof r->msg, "%s", msg);
	r->line = line;
	nreps++;
}

static void setup(void)
{
	nreps = 0;
	vt_set_misuse_handler(record, reps);
}

static void teardown(void)
{
	vt_set_misuse_handler(NULL, NULL);
}

/* The expected sentence, with this file's name. */
static char *fmt(const char *f, int a, int b)
{
	static char buf[512];

	snprintf(buf, sizeof buf, f, __FILE__, a, __FILE__, b);
	return buf;
}

static void expect_one(const char *rule, int line)
{
	ck_assert_int_eq(nreps, 1);
	ck_assert_str_eq(reps[0].rule, rule);
	ck_assert_str_eq(reps[0].file, __FILE__);
	ck_assert_int_eq(reps[0].line, line);
}

START_TEST(test_vt001_double_await)
{
	ck_assert(vt_check_enabled());
	size_t before = vt_misuse_count();
	void *r = NULL;
	int made = __LINE__ + 1;
	vtask a = vtask_from_result((void *)1);
	vtask b = a;                                    /* a copy: same operation */
	int first = __LINE__ + 1;
	ck_assert_int_eq(vtask_await(a, &r), 0);
	r = (void *)2;
	int second = __LINE__ + 1;
	ck_assert_int_eq(vtask_await(b, &r), VT_EMISUSE);
	ck_assert_ptr_eq(r, (void *)2);                 /* untouched */
	expect_one("VT001", second);
	ck_assert_str_eq(reps[0].msg,
			 fmt("vtask_await: vtask made at %s:%d was already consumed at %s:%d "
			     "(by vtask_await)", made, first));
	ck_assert_uint_eq(vt_misuse_count(), before + 1);
}
END_TEST

START_TEST(test_vt001_inspect_and_other_consumers)
{
	void *r = (void *)3;
	int made = __LINE__ + 1;
	vtask a = vtask_from_error(EIO);
	int first = __LINE__ + 1;
	ck_assert_int_eq(vtask_get_result(a, &r), EIO);
	int line = __LINE__ + 1;
	ck_assert(!vtask_is_completed(a));
	expect_one("VT001", line);
	ck_assert_str_eq(reps[0].msg,
			 fmt("vtask_is_completed: vtask made at %s:%d was already consumed at "
			     "%s:%d (by vtask_get_result)", made, first));
	ck_assert(!vtask_is_completed_successfully(a));
	ck_assert_int_eq(vtask_get_result(a, &r), VT_EMISUSE);
	vt_task *t = vtask_as_task(a);
	ck_assert_int_eq(vt_task_await(t, &r), VT_EMISUSE);
	vt_task_release(t);
	ck_assert_int_eq(nreps, 4);
	ck_assert_str_eq(reps[1].rule, "VT001");
	ck_assert_ptr_nonnull(strstr(reps[1].msg, "vtask_is_completed_successfully: "));
	ck_assert_ptr_nonnull(strstr(reps[2].msg, "vtask_get_result: "));
	ck_assert_ptr_nonnull(strstr(reps[3].msg, "vtask_as_task: "));
	ck_assert_ptr_eq(r, (void *)3);
}
END_TEST

/* A pooled source, handed back and reissued: the stale copy is refused
 * before it can take the new operation's result. */
static void pool_back(vt_source *src, void *ctx)
{
	vt_source_reset(src);
}

START_TEST(test_vt001_pooled_source)
{
	vt_source src;
	void *r = NULL;

	vt_source_init(&src, pool_back, NULL);
	vtask a = vtask_from_source(&src, vt_source_token(&src));
	vt_source_set_result(&src, (void *)1);
	ck_assert_int_eq(vtask_await(a, &r), 0);
	vtask b = vtask_from_source(&src, vt_source_token(&src));
	vt_source_set_result(&src, (void *)2);
	int line = __LINE__ + 1;
	ck_assert_int_eq(vtask_get_result(a, &r), VT_EMISUSE);
	expect_one("VT001", line);
	ck_assert_ptr_eq(r, (void *)1);
	ck_assert_int_eq(vtask_get_result(b, &r), 0);
	ck_assert_ptr_eq(r, (void *)2);
	ck_assert_int_eq(nreps, 1);
}
END_TEST

START_TEST(test_vt001_task_backed)
{
	void *r = NULL;
	vtask a = vtask_from_task(vt_task_from_result((void *)4));

	ck_assert_int_eq(vtask_await(a, &r), 0);
	ck_assert_int_eq(vtask_await(a, &r), VT_EMISUSE);
	ck_assert_int_eq(nreps, 1);
	ck_assert_str_eq(reps[0].rule, "VT001");
}
END_TEST

START_TEST(test_vt003_and_refusal_counts)
{
	vt_source src;
	void *r = (void *)5;

	vt_source_init(&src, NULL, NULL);
	int made = __LINE__ + 1;
	vtask a = vtask_from_source(&src, vt_source_token(&src));
	int line = __LINE__ + 1;
	ck_assert_int_eq(vtask_get_result(a, &r), VT_EMISUSE);
	expect_one("VT003", line);
	ck_assert_str_eq(reps[0].msg,
			 fmt("vtask_get_result: vtask made at %s:%d has not completed%.0s%.0d",
			     made, 0));
	/* The refused call was the consumption: the next one is VT001, and
	 * it is refused even though the source has completed since. */
	vt_source_set_result(&src, (void *)6);
	ck_assert_int_eq(vtask_get_result(a, &r), VT_EMISUSE);
	ck_assert_int_eq(nreps, 2);
	ck_assert_str_eq(reps[1].rule, "VT001");
	ck_assert_ptr_nonnull(strstr(reps[1].msg, "(by vtask_get_result)"));
	ck_assert_ptr_eq(r, (void *)5);
}
END_TEST

START_TEST(test_await_outside_fiber_is_consumption)
{
	vt_source src;

	vt_source_init(&src, NULL, NULL);
	vtask a = vtask_from_source(&src, vt_source_token(&src));
	ck_assert_int_eq(vtask_await(a, NULL), VT_EMISUSE);   /* no fiber: no report */
	ck_assert_int_eq(nreps, 0);
	vt_source_set_result(&src, NULL);
	ck_assert_int_eq(vtask_await(a, NULL), VT_EMISUSE);
	ck_assert_int_eq(nreps, 1);
	ck_assert_str_eq(reps[0].rule, "VT001");
}
END_TEST

/* ---- VT002: two fibers on one operation ---- */

static vtask shared;
static int results[3];

static int first_line;
static void first_waiter(void *arg)
{
	first_line = __LINE__ + 1;
	results[0] = vtask_await(shared, NULL);
}

static int second_line;
static void second_waiter(void *arg)
{
	second_line = __LINE__ + 1;
	results[1] = vtask_await(shared, NULL);
}

static int third_line;
static void late_waiter(void *arg)
{
	vtask_await(vt_sleep(5), NULL);
	third_line = __LINE__ + 1;
	results[2] = vtask_await(shared, NULL);
}

START_TEST(test_vt002_second_waiter)
{
	vt_loop *loop = vt_loop_new();

	int made = __LINE__ + 1;
	shared = vt_sleep(2);
	vt_spawn(loop, first_waiter, NULL);
	vt_spawn(loop, second_waiter, NULL);
	vt_spawn(loop, late_waiter, NULL);
	ck_assert_int_eq(vt_loop_run(loop), 0);
	ck_assert_int_eq(results[0], 0);
	ck_assert_int_eq(results[1], VT_EMISUSE);
	ck_assert_int_eq(results[2], VT_EMISUSE);
	ck_assert_int_eq(nreps, 2);
	ck_assert_str_eq(reps[0].rule, "VT002");
	ck_assert_int_eq(reps[0].line, second_line);
	ck_assert_str_eq(reps[0].msg,
			 fmt("vtask_await: vtask made at %s:%d is already awaited by another "
			     "fiber (since %s:%d)", made, first_line));
	ck_assert_str_eq(reps[1].rule, "VT001");
	ck_assert_int_eq(reps[1].line, third_line);
	vt_loop_free(loop);
}
END_TEST

static vt_source ssrc;

static void src_waiter(void *arg)
{
	results[(intptr_t)arg] =
		vtask_await(vtask_from_source(&ssrc, vt_source_token(&ssrc)), NULL);
	if ((intptr_t)arg == 1)
		vt_source_set_result(&ssrc, NULL);
}

START_TEST(test_vt002_two_vtasks_one_source)
{
	vt_loop *loop = vt_loop_new();

	vt_source_init(&ssrc, NULL, NULL);
	vt_spawn(loop, src_waiter, (void *)0);
	vt_spawn(loop, src_waiter, (void *)1);
	ck_assert_int_eq(vt_loop_run(loop), 0);
	ck_assert_int_eq(results[0], 0);
	ck_assert_int_eq(results[1], VT_EMISUSE);
	ck_assert_int_eq(nreps, 1);
	ck_assert_str_eq(reps[0].rule, "VT002");
	vt_loop_free(loop);
}
END_TEST

/* ---- threads ---- */

static void *thread_consume(void *arg)
{
	void *r = NULL;

	*(int *)((vtask *)arg + 1) = vtask_await(*(vtask *)arg, &r);
	return r;
}

START_TEST(test_vt001_across_threads)
{
	struct { vtask vt; int rc; } h = { vtask_from_result((void *)7), -1 };
	pthread_t th;
	void *r = NULL;

	ck_assert_int_eq(pthread_create(&th, NULL, thread_consume, &h), 0);
	pthread_join(th, &r);
	ck_assert_int_eq(h.rc, 0);
	ck_assert_ptr_eq(r, (void *)7);
	ck_assert_int_eq(vtask_await(h.vt, &r), VT_EMISUSE);
	ck_assert_int_eq(nreps, 1);
	ck_assert_str_eq(reps[0].rule, "VT001");
}
END_TEST

/* ---- the default printer ---- */

START_TEST(test_default_printer_line)
{
	char path[] = "/tmp/vtcheckXXXXXX", line[1024], want[1024];
	int fd = mkstemp(path), saved = dup(2);
	FILE *f;

	ck_assert_int_ge(fd, 0);
	vt_set_misuse_handler(NULL, NULL);
	fflush(stderr);
	dup2(fd, 2);
	int made = __LINE__ + 1;
	vtask a = vtask_from_result(NULL);
	int first = __LINE__ + 1;
	vtask_await(a, NULL);
	int second = __LINE__ + 1;
	vtask_await(a, NULL);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	f = fdopen(fd, "r");
	rewind(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
	snprintf(want, sizeof want,
		 "vtask: misuse VT001 at %s:%d: vtask_await: vtask made at %s:%d was already "
		 "consumed at %s:%d (by vtask_await)\n",
		 __FILE__, second, __FILE__, made, __FILE__, first);
	ck_assert_str_eq(line, want);
	ck_assert_ptr_null(fgets(line, sizeof line, f));
	fclose(f);
	unlink(path);
}
END_TEST

/* ---- child processes: exit status and VT005 ---- */

struct child {
	int status;
	char out[4096];       /* stdout: the lines the child expects */
	char err[4096];       /* stderr: what the runtime reported */
};

static void slurp(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	ssize_t r;

	while (n + 1 < cap && (r = read(fd, buf + n, cap - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = 0;
	close(fd);
}

static void run_child(const char *mode, const char *check, struct child *c)
{
	int out[2], err[2];
	posix_spawn_file_actions_t fa;
	char *argv[] = { VT_CHILD_PATH, (char *)mode, NULL };
	/* The vt007 child leaks on purpose: under ASan, LeakSanitizer must not
	 * turn its unchecked run's exit status into 1. */
	char envbuf[64], lsan[] = "ASAN_OPTIONS=detect_leaks=0";
	char *envp[] = { envbuf, lsan, NULL };
	pid_t pid;

	snprintf(envbuf, sizeof envbuf, "VT_CHECK=%s", check);
	ck_assert_int_eq(pipe(out), 0);
	ck_assert_int_eq(pipe(err), 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, err[1], 2);
	posix_spawn_file_actions_addclose(&fa, out[0]);
	posix_spawn_file_actions_addclose(&fa, err[0]);
	ck_assert_int_eq(posix_spawn(&pid, argv[0], &fa, NULL, argv, envp), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(out[1]);
	close(err[1]);
	slurp(out[0], c->out, sizeof c->out);   /* small outputs: no deadlock */
	slurp(err[0], c->err, sizeof c->err);
	ck_assert_int_eq(waitpid(pid, &c->status, 0), pid);
}

static void expect_exit(const char *mode, const char *check, int code)
{
	struct child c;

	run_child(mode, check, &c);
	ck_assert_msg(WIFEXITED(c.status), "%s: not exited", mode);
	ck_assert_int_eq(WEXITSTATUS(c.status), code);
	ck_assert_str_eq(c.err, c.out);
}

START_TEST(test_child_clean) { expect_exit("clean", "1", 0); }
END_TEST
START_TEST(test_child_vt001_exits_66) { expect_exit("vt001", "1", 66); }
END_TEST
START_TEST(test_child_vt005_at_exit) { expect_exit("vt005", "1", 66); }
END_TEST
START_TEST(test_child_own_status_kept) { expect_exit("exit3", "1", 3); }
END_TEST
START_TEST(test_child_atexit_consumes) { expect_exit("atexit", "1", 0); }
END_TEST
START_TEST(test_child_refused_not_vt005) { expect_exit("refused", "1", 66); }
END_TEST
START_TEST(test_child_loop_leftovers) { expect_exit("leftover", "1", 66); }
END_TEST
START_TEST(test_child_enable_api) { expect_exit("enable", "0", 66); }
END_TEST
START_TEST(test_child_vt005_after_recycling) { expect_exit("recycled", "1", 66); }
END_TEST
START_TEST(test_child_vt006_exits_66) { expect_exit("vt006", "1", 66); }
END_TEST
START_TEST(test_child_vt007_at_exit) { expect_exit("vt007", "1", 66); }
END_TEST
START_TEST(test_child_vt007_none) { expect_exit("clean007", "1", 0); }
END_TEST
START_TEST(test_child_vt007_freed_blocks_hide_nothing) { expect_exit("freed007", "1", 66); }
END_TEST
START_TEST(test_child_vt007_reused_blocks_are_live) { expect_exit("reused007", "1", 0); }
END_TEST

/* Checked mode off: the child exits with code and reports nothing. */
static void expect_silent(const char *mode, int code)
{
	struct child c;

	run_child(mode, "0", &c);
	ck_assert_msg(WIFEXITED(c.status), "%s: not exited", mode);
	ck_assert_int_eq(WEXITSTATUS(c.status), code);
	ck_assert_str_eq(c.err, "");
}

START_TEST(test_child_vt007_unchecked) { expect_silent("vt007", 0); }
END_TEST

/* Without checked mode an immediate vtask cannot tell it was consumed:
 * the second await succeeds (the child exits 1 to say so), no report. */
START_TEST(test_child_unchecked) { expect_silent("vt001", 1); }
END_TEST

START_TEST(test_child_abort)
{
	struct child c;

	run_child("vt001", "abort", &c);
	ck_assert(WIFSIGNALED(c.status));
	ck_assert_int_eq(WTERMSIG(c.status), SIGABRT);
	ck_assert_str_eq(c.err, c.out);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("check");
	TCase *tc = tcase_create("inprocess");
	TCase *tk = tcase_create("children");
	int rc;

	vt_check_enable(true);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_vt001_double_await);
	tcase_add_test(tc, test_vt001_inspect_and_other_consumers);
	tcase_add_test(tc, test_vt001_pooled_source);
	tcase_add_test(tc, test_vt001_task_backed);
	tcase_add_test(tc, test_vt003_and_refusal_counts);
	tcase_add_test(tc, test_await_outside_fiber_is_consumption);
	tcase_add_test(tc, test_vt002_second_waiter);
	tcase_add_test(tc, test_vt002_two_vtasks_one_source);
	tcase_add_test(tc, test_vt001_across_threads);
	tcase_add_test(tc, test_default_printer_line);
	suite_add_tcase(s, tc);
	tcase_set_timeout(tk, 60);
	tcase_add_test(tk, test_child_clean);
	tcase_add_test(tk, test_child_vt001_exits_66);
	tcase_add_test(tk, test_child_vt005_at_exit);
	tcase_add_test(tk, test_child_own_status_kept);
	tcase_add_test(tk, test_child_atexit_consumes);
	tcase_add_test(tk, test_child_refused_not_vt005);
	tcase_add_test(tk, test_child_loop_leftovers);
	tcase_add_test(tk, test_child_enable_api);
	tcase_add_test(tk, test_child_vt005_after_recycling);
	tcase_add_test(tk, test_child_vt006_exits_66);
	tcase_add_test(tk, test_child_vt007_at_exit);
	tcase_add_test(tk, test_child_vt007_none);
	tcase_add_test(tk, test_child_vt007_freed_blocks_hide_nothing);
	tcase_add_test(tk, test_child_vt007_reused_blocks_are_live);
	tcase_add_test(tk, test_child_vt007_unchecked);
	tcase_add_test(tk, test_child_unchecked);
	tcase_add_test(tk, test_child_abort);
	suite_add_tcase(s, tk);
	rc = vt_test_run(s);
	/* The misuse above was deliberate: do not turn success into 66. */
	vt_check_enable(false);
	return rc;
}
