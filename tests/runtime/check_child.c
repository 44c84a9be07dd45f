/*
 * check_child.c: small programs run by test_check under VT_CHECK.  Each
 * mode prints on stdout exactly the report lines it expects the runtime
 * to write on stderr; the parent compares the two and the exit status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vtask.h>

#define PFX "vtask: misuse "

static void expect_vt001(int at, int made, int first)
{
	printf(PFX "VT001 at %s:%d: vtask_await: vtask made at %s:%d was already "
	       "consumed at %s:%d (by vtask_await)\n",
	       __FILE__, at, __FILE__, made, __FILE__, first);
	fflush(stdout);
}

static void expect_vt005(int made, const char *op)
{
	printf(PFX "VT005 at %s:%d: vtask made at %s:%d (by %s) was never consumed\n",
	       __FILE__, made, __FILE__, made, op);
	fflush(stdout);
}

static int double_await(void)
{
	int made = __LINE__ + 1;
	vtask a = vtask_from_result(NULL);
	int first = __LINE__ + 1;
	vtask_await(a, NULL);
	expect_vt001(__LINE__ + 1, made, first);
	return vtask_await(a, NULL) == VT_EMISUSE ? 0 : 1;
}

static vtask kept;

static void consume_kept(void)
{
	vtask_await(kept, NULL);
}

static void forgetful(void *arg)
{
	expect_vt005(__LINE__ + 1, "vt_sleep");
	vtask lost = vt_sleep(50);
	(void)lost;
	vt_task_await(arg, NULL);   /* never completes */
}

static int leftover(void)
{
	vt_loop *loop = vt_loop_new();
	vt_task *t = vt_task_new();
	vtask before = vtask_from_result(NULL);  /* consumed after the run: fine */

	vt_spawn(loop, forgetful, t);
	vt_loop_run(loop);
	vtask_await(before, NULL);
	vt_loop_free(loop);
	vt_task_release(t);
	return 0;
}

static int refused(void)
{
	vt_source src;

	vt_source_init(&src, NULL, NULL);
	int made = __LINE__ + 1;
	vtask a = vtask_from_source(&src, vt_source_token(&src));
	printf(PFX "VT003 at %s:%d: vtask_get_result: vtask made at %s:%d has not "
	       "completed\n", __FILE__, __LINE__ + 2, __FILE__, made);
	fflush(stdout);
	return vtask_get_result(a, NULL) == VT_EMISUSE ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (strcmp(mode, "clean") == 0)
		return vtask_await(vtask_from_result(NULL), NULL);
	if (strcmp(mode, "vt001") == 0)
		return double_await();
	if (strcmp(mode, "vt005") == 0) {
		expect_vt005(__LINE__ + 1, "vtask_from_result");
		vtask lost = vtask_from_result(NULL);
		(void)lost;
		return 0;
	}
	if (strcmp(mode, "exit3") == 0) {
		double_await();
		exit(3);
	}
	if (strcmp(mode, "atexit") == 0) {
		kept = vtask_from_result(NULL);
		atexit(consume_kept);
		return 0;
	}
	if (strcmp(mode, "refused") == 0)
		return refused();
	if (strcmp(mode, "leftover") == 0)
		return leftover();
	if (strcmp(mode, "enable") == 0) {
		vt_check_enable(true);
		return double_await();
	}
	return 2;
}
