/*
 * check_child.c: small programs run by test_check under VT_CHECK.  Each
 * mode prints on stdout exactly the report lines it expects the runtime
 * to write on stderr; the parent compares the two and the exit status.
 */
#include <pthread.h>
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

static void expect_vt007(int made, const char *op)
{
	printf(PFX "VT007 at %s:%d: vt_task reference made at %s:%d (by %s) was never "
	       "released\n", __FILE__, made, __FILE__, made, op);
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

/* Producer misuse, through the default printer. */
static int completed_twice(void)
{
	vt_source src;

	vt_source_init(&src, NULL, NULL);
	vtask v = vtask_from_source(&src, vt_source_token(&src));
	int first = __LINE__ + 1;
	vt_source_set_result(&src, NULL);
	printf(PFX "VT006 at %s:%d: vt_source_set_result: the source's current version was "
	       "already completed at %s:%d (by vt_source_set_result), with no "
	       "vt_source_reset since\n", __FILE__, __LINE__ + 2, __FILE__, first);
	fflush(stdout);
	vt_source_set_result(&src, NULL);
	return vtask_get_result(v, NULL);
}

/* References the program loses: one report per reference, at the call that
 * made it, in the order they were made. */
static int leaks(void)
{
	expect_vt007(__LINE__ + 1, "vtask_as_task");
	(void)vtask_as_task(vtask_from_result(NULL));
	expect_vt007(__LINE__ + 1, "vt_task_new");
	vt_task *t = vt_task_new();
	vt_task_retain(t);
	vt_task_release(t);          /* one of two: the newest place goes */
	vt_task *ts[2] = { vt_task_from_result(NULL), vt_task_new() };
	expect_vt007(__LINE__ + 1, "vt_task_when_all");
	vt_task *all = vt_task_when_all(ts, 2);   /* pending: ts[1] never completes */
	(void)all;
	expect_vt007(__LINE__ + 1, "vt_task_from_error");
	vt_task *e = vt_task_from_error(5);
	expect_vt007(__LINE__ + 1, "vt_task_when_any");
	vt_task *any = vt_task_when_any(&e, 1);
	(void)any;
	vt_task **lost = calloc(2, sizeof *lost);   /* a heap block no global reaches */
	expect_vt007(__LINE__ + 1, "vt_task_from_result");
	lost[1] = vt_task_from_result(NULL);
	vt_task_release(ts[0]);
	vt_task_release(ts[1]);
	return lost[0] == lost[1];
}

/* A leaked task whose address is left in blocks the program freed, which
 * globals still point at: glibc keeps a freed block whole in its bins, old
 * words and size and all, but a freed block is no reference.  (Small
 * blocks in its per-thread caches cannot be told apart from live ones:
 * the scan follows them, which may hide a leak, so they are not tried.
 * Where the scan's own allocations reuse a block first, the old contents
 * are gone anyway: this guards the reading of glibc's headers.) */
void *dangling[2];            /* global: a static never read may be optimised away */

static int stale_in_freed(void)
{
	static const size_t words[2] = { 4000, 8000 };
	void *fence[2];

	expect_vt007(__LINE__ + 1, "vt_task_new");
	vt_task *t = vt_task_new();
	for (int i = 0; i < 2; i++) {
		void **b = malloc(words[i] * sizeof *b);

		fence[i] = malloc(16);   /* the freed block stays apart, in a bin */
		for (size_t k = 0; k < words[i]; k++)
			b[k] = t;
		dangling[i] = b;
		free(b);
	}
	return fence[0] == fence[1];
}

/* A global table reused from blocks another thread freed and then exited:
 * glibc hands them out again with the words its caches wrote still in
 * them, which must not make the table look free (nothing to report). */
vt_task **table;
static void *spare[7];

static void *free_spares(void *arg)
{
	for (int i = 0; i < 7; i++)
		free(spare[i]);
	return arg;
}

static int reused_table(void)
{
	pthread_t th;

	for (int i = 0; i < 7; i++)
		spare[i] = malloc(3 * sizeof *table);
	if (pthread_create(&th, NULL, free_spares, NULL) || pthread_join(th, NULL))
		return 1;
	table = malloc(3 * sizeof *table);
	table[0] = vt_task_new();   /* kept: reached from a global */
	return 0;
}

/* Kept by globals and statics, released, moved into vtasks, or never
 * references at all: nothing to report. */
vt_task *cache[4];            /* global (a static never read may be optimised away) */
static struct { int n; vt_task *t; } holder;
struct table {
	size_t n;
	vt_task **slots;
};
struct table *registry;       /* a cache on the heap, reached from a global */

static int no_leaks(void)
{
	static vt_task *once;
	void (*rel)(vt_task *) = vt_task_release;
	vtask z = VTASK_COMPLETED, w = { 0 };

	cache[2] = vtask_as_task(vtask_from_result(NULL));
	holder.t = vt_task_new();
	once = vt_task_retain(holder.t);
	vt_task_release(vtask_as_task(vtask_from_result(NULL)));   /* fire and forget */
	vt_task_release(vtask_as_task(z));
	vt_task *t = vt_task_new();
	vtask v = vtask_from_task(vt_task_retain(t));
	vt_task_complete(t, NULL);
	vt_task_release(t);
	vtask_await(v, NULL);
	rel(vt_task_from_result(NULL));             /* the plain function */
	registry = calloc(1, sizeof *registry);
	registry->slots = calloc(8, sizeof *registry->slots);
	registry->slots[5] = vt_task_when_all(cache + 2, 1);
	registry->n = 1;
	(void)w;
	return once == holder.t ? 0 : 1;
}

/* Records of consumed vtasks are recycled; unconsumed ones stay, so VT005
 * still finds them at exit however many operations went by. */
static int recycled(void)
{
	expect_vt005(__LINE__ + 1, "vtask_from_result");
	vtask lost = vtask_from_result(NULL);
	int bad = 0;

	(void)lost;
	for (int i = 0; i < 200000; i++)
		bad |= vtask_await(vtask_from_result(NULL), NULL);
	expect_vt005(__LINE__ + 1, "vtask_from_error");
	lost = vtask_from_error(1);
	return bad;
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
	if (strcmp(mode, "recycled") == 0)
		return recycled();
	if (strcmp(mode, "vt006") == 0)
		return completed_twice();
	if (strcmp(mode, "vt007") == 0)
		return leaks();
	if (strcmp(mode, "reused007") == 0)
		return reused_table();
	if (strcmp(mode, "freed007") == 0)
		return stale_in_freed();
	if (strcmp(mode, "clean007") == 0)
		return no_leaks();
	if (strcmp(mode, "enable") == 0) {
		vt_check_enable(true);
		return double_await();
	}
	return 2;
}
