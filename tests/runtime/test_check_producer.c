/*
 * test_check_producer.c: checked mode in process, beyond the consumer's
 * rules of test_check.c: the zero vtask, VT006 (a source misused by its
 * producer), a waiting fiber freed with its loop, and identity records
 * recycled after consumption.  VT007 and the exit status are seen from
 * child processes in test_check.c.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <vtask.h>

#include "testutil.h"

struct report {
	char rule[8];
	int line;
	char msg[512];
};

static struct report reps[16];
static int nreps;

static void record(const char *rule, const char *file, int line, const char *msg, void *ctx)
{
	struct report *r = &reps[nreps < 16 ? nreps : 15];

	(void)ctx;
	ck_assert_str_eq(file, __FILE__);
	snprintf(r->rule, sizeof r->rule, "%s", rule);
	snprintf(r->msg, sizeof r->msg, "%s", msg);
	r->line = line;
	nreps++;
}

static void setup(void)
{
	nreps = 0;
	vt_set_misuse_handler(record, NULL);
}

static void teardown(void)
{
	vt_set_misuse_handler(NULL, NULL);
}

static void expect_one(const char *rule, int line, const char *msg)
{
	char want[512];

	ck_assert_int_eq(nreps, 1);
	ck_assert_str_eq(reps[0].rule, rule);
	ck_assert_int_eq(reps[0].line, line);
	snprintf(want, sizeof want, msg, __FILE__);
	ck_assert_str_eq(reps[0].msg, want);
}

/* ---- the zero vtask ---- */

START_TEST(test_zero_vtask_any_number_of_times)
{
	vtask z = VTASK_COMPLETED, braces = { 0 };
	void *r = (void *)1;

	ck_assert(memcmp(&z, &braces, sizeof z) == 0);
	ck_assert(vtask_is_completed(z));
	ck_assert(vtask_is_completed_successfully(z));
	for (int i = 0; i < 3; i++) {
		r = (void *)1;
		ck_assert_int_eq(vtask_await(z, &r), 0);
		ck_assert_ptr_null(r);
		r = (void *)1;
		ck_assert_int_eq(vtask_get_result(braces, &r), 0);
		ck_assert_ptr_null(r);
	}
	vt_task *t = vtask_as_task(VTASK_COMPLETED);
	ck_assert(vt_task_is_completed(t));
	r = (void *)1;
	ck_assert_int_eq(vt_task_await(t, &r), 0);
	ck_assert_ptr_null(r);
	vt_task_release(t);
	ck_assert(vtask_is_completed(z));       /* inspected after consumption: fine */
	ck_assert_int_eq(nreps, 0);
}
END_TEST

/* `r = VTASK_COMPLETED; if (c) r = f(); return r;` */
static vtask maybe(bool c)
{
	vtask r = VTASK_COMPLETED;

	if (c)
		r = vtask_from_result((void *)9);
	return r;
}

START_TEST(test_zero_vtask_default_idiom)
{
	void *r = (void *)1;

	ck_assert_int_eq(vtask_await(maybe(false), &r), 0);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(vtask_await(maybe(true), &r), 0);
	ck_assert_ptr_eq(r, (void *)9);
	ck_assert_int_eq(nreps, 0);
}
END_TEST

/* ---- VT006 ---- */

START_TEST(test_vt006_completed_twice)
{
	vt_source src;
	void *r = NULL;

	vt_source_init(&src, NULL, NULL);
	vtask v = vtask_from_source(&src, vt_source_token(&src));
	int first = __LINE__ + 1;
	vt_source_set_result(&src, (void *)1);
	int line = __LINE__ + 1;
	vt_source_set_error(&src, EIO);
	char msg[256];
	snprintf(msg, sizeof msg, "vt_source_set_error: the source's current version was "
		 "already completed at %%s:%d (by vt_source_set_result), with no "
		 "vt_source_reset since", first);
	expect_one("VT006", line, msg);
	/* The second completion changed nothing. */
	ck_assert_int_eq(vtask_get_result(v, &r), 0);
	ck_assert_ptr_eq(r, (void *)1);
	/* After the consumption, without a reset: still the same version. */
	vt_source_set_result(&src, (void *)2);
	ck_assert_int_eq(nreps, 2);
	ck_assert_str_eq(reps[1].rule, "VT006");
}
END_TEST

START_TEST(test_vt006_reset_with_outstanding_vtask)
{
	vt_source src;

	vt_source_init(&src, NULL, NULL);
	int made = __LINE__ + 1;
	vtask v = vtask_from_source(&src, vt_source_token(&src));
	vt_source_set_result(&src, NULL);
	int line = __LINE__ + 1;
	vt_source_reset(&src);
	char msg[256];
	snprintf(msg, sizeof msg, "vt_source_reset: vtask made at %%s:%d (by vtask_from_source) "
		 "for the current version is neither consumed nor refused", made);
	expect_one("VT006", line, msg);
	/* The vtask is stale now: refused, and that is no second report. */
	ck_assert_int_eq(vtask_await(v, NULL), VT_EMISUSE);
	ck_assert_int_eq(nreps, 1);
}
END_TEST

START_TEST(test_vt006_stale_token)
{
	vt_source src;

	vt_source_init(&src, NULL, NULL);
	uint16_t old = vt_source_token(&src);
	int reset = __LINE__ + 1;
	vt_source_reset(&src);
	int line = __LINE__ + 1;
	vtask v = vtask_from_source(&src, old);
	char msg[256];
	snprintf(msg, sizeof msg, "vtask_from_source: token %u is not the source's current "
		 "token %u (it changed at the vt_source_reset at %%s:%d)", old,
		 vt_source_token(&src), reset);
	expect_one("VT006", line, msg);
	vt_source_set_result(&src, (void *)3);
	ck_assert_int_eq(vtask_await(v, NULL), VT_EMISUSE);      /* refused, unreported */
	ck_assert_int_eq(nreps, 1);
}
END_TEST

static int pooled;

static void back_to_pool(vt_source *src, void *ctx)
{
	(void)ctx;
	pooled++;
	vt_source_reset(src);
}

START_TEST(test_vt006_clean_producers)
{
	vt_source src, pool;
	void *r = NULL;

	/* A reset after the consumption, a version with no vtask, a reset
	 * after a refused consumption. */
	vt_source_init(&src, NULL, NULL);
	vtask v = vtask_from_source(&src, vt_source_token(&src));
	vt_source_set_result(&src, (void *)4);
	ck_assert_int_eq(vtask_await(v, &r), 0);
	vt_source_reset(&src);
	vt_source_set_result(&src, NULL);
	vt_source_reset(&src);
	v = vtask_from_source(&src, vt_source_token(&src));
	ck_assert_int_eq(vtask_get_result(v, &r), VT_EMISUSE);     /* VT003, refused */
	ck_assert_int_eq(nreps, 1);
	ck_assert_str_eq(reps[0].rule, "VT003");
	vt_source_reset(&src);
	/* A pool that takes its source back in on_consumed. */
	vt_source_init(&pool, back_to_pool, NULL);
	for (intptr_t i = 0; i < 100; i++) {
		vtask p = vtask_from_source(&pool, vt_source_token(&pool));

		vt_source_set_result(&pool, (void *)i);
		ck_assert_int_eq(vtask_await(p, &r), 0);
		ck_assert_ptr_eq(r, (void *)i);
	}
	ck_assert_int_eq(pooled, 100);
	ck_assert_int_eq(nreps, 1);
}
END_TEST

/* vt_source_init starts a source's history afresh (memory reused). */
START_TEST(test_vt006_init_forgets)
{
	vt_source src;

	vt_source_init(&src, NULL, NULL);
	vtask v = vtask_from_source(&src, vt_source_token(&src));
	vt_source_set_result(&src, NULL);
	ck_assert_int_eq(vtask_await(v, NULL), 0);
	vt_source_init(&src, NULL, NULL);
	vt_source_set_result(&src, NULL);
	vt_source_reset(&src);
	ck_assert_int_eq(nreps, 0);
}
END_TEST

/* ---- a fiber freed with its loop while it waits (issue: VT002 after) ---- */

static vtask parked;
static int parked_rc = -1;

static int park_line;
static void park(void *arg)
{
	(void)arg;
	park_line = __LINE__ + 1;
	parked_rc = vtask_await(parked, NULL);    /* never completes */
}

START_TEST(test_cancelled_waiter_is_not_awaiting)
{
	vt_source src;
	vt_loop *loop = vt_loop_new();

	vt_source_init(&src, NULL, NULL);
	int made = __LINE__ + 1;
	parked = vtask_from_source(&src, vt_source_token(&src));
	vt_spawn(loop, park, NULL);
	ck_assert_int_eq(vt_loop_run(loop), 0);
	vt_loop_free(loop);                       /* the fiber never returns */
	ck_assert_int_eq(parked_rc, -1);
	vt_source_set_result(&src, NULL);
	int line = __LINE__ + 1;
	ck_assert_int_eq(vtask_await(parked, NULL), VT_EMISUSE);
	char msg[256];
	snprintf(msg, sizeof msg, "vtask_await: vtask made at %%s:%d was already consumed at "
		 "%%s:%d (by vtask_await)", made, park_line);
	/* Both %s are this file. */
	char want[512];
	snprintf(want, sizeof want, msg, __FILE__, __FILE__);
	ck_assert_int_eq(nreps, 1);
	ck_assert_str_eq(reps[0].rule, "VT001");
	ck_assert_int_eq(reps[0].line, line);
	ck_assert_str_eq(reps[0].msg, want);
	/* The source has no waiter left either: a new version works. */
	vt_source_reset(&src);
	vtask v = vtask_from_source(&src, vt_source_token(&src));
	vt_source_set_result(&src, (void *)5);
	void *r = NULL;
	ck_assert_int_eq(vtask_await(v, &r), 0);
	ck_assert_ptr_eq(r, (void *)5);
	ck_assert_int_eq(nreps, 1);
}
END_TEST

/* The same for a task-backed vtask.  (The reference the cancelled await
 * held is never released: the task stays reachable from here.) */
static vt_task *parked_task;

START_TEST(test_cancelled_task_waiter_is_not_awaiting)
{
	vt_loop *loop = vt_loop_new();

	parked_task = vt_task_new();
	parked = vtask_from_task(vt_task_retain(parked_task));
	parked_rc = -1;
	vt_spawn(loop, park, NULL);
	ck_assert_int_eq(vt_loop_run(loop), 0);
	vt_loop_free(loop);
	ck_assert_int_eq(parked_rc, -1);
	vt_task_complete(parked_task, NULL);
	int line = __LINE__ + 1;
	ck_assert_int_eq(vtask_await(parked, NULL), VT_EMISUSE);
	ck_assert_int_eq(nreps, 1);
	ck_assert_str_eq(reps[0].rule, "VT001");
	ck_assert_int_eq(reps[0].line, line);
	ck_assert_int_eq(vtask_get_result(parked, NULL), VT_EMISUSE);
	ck_assert_int_eq(nreps, 2);
	ck_assert_str_eq(reps[1].rule, "VT001");
	vt_task_release(parked_task);
}
END_TEST

/* ---- records recycled ---- */

START_TEST(test_recycled_identity_still_vt001)
{
	int made = __LINE__ + 1;
	vtask old = vtask_from_result((void *)6);
	int first = __LINE__ + 1;
	ck_assert_int_eq(vtask_await(old, NULL), 0);
	int line = __LINE__ + 1;
	ck_assert_int_eq(vtask_await(old, NULL), VT_EMISUSE);
	char msg[256];
	snprintf(msg, sizeof msg, "vtask_await: vtask made at %%s:%d was already consumed at "
		 "%%s:%d (by vtask_await)", made, first);
	char want[512];
	snprintf(want, sizeof want, msg, __FILE__, __FILE__);
	ck_assert_str_eq(reps[0].msg, want);
	ck_assert_int_eq(reps[0].line, line);
	/* Far more consumptions than the quarantine holds: old's record is
	 * reused by now, and old is still known to be consumed. */
	int wrong = 0;
	for (int i = 0; i < 70000; i++) {
		void *r = NULL;

		wrong += vtask_await(vtask_from_result((void *)(intptr_t)i), &r) != 0 ||
			 r != (void *)(intptr_t)i;
	}
	ck_assert_int_eq(wrong, 0);
	line = __LINE__ + 1;
	ck_assert_int_eq(vtask_get_result(old, NULL), VT_EMISUSE);
	ck_assert(!vtask_is_completed(old));
	ck_assert_int_eq(nreps, 3);
	ck_assert_str_eq(reps[1].rule, "VT001");
	ck_assert_int_eq(reps[1].line, line);
	ck_assert_str_eq(reps[1].msg, "vtask_get_result: vtask was already consumed (long ago: "
			 "its record has been recycled)");
	ck_assert_str_eq(reps[2].rule, "VT001");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("check_producer");
	TCase *tc = tcase_create("inprocess");
	int rc;

	vt_check_enable(true);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_zero_vtask_any_number_of_times);
	tcase_add_test(tc, test_zero_vtask_default_idiom);
	tcase_add_test(tc, test_vt006_completed_twice);
	tcase_add_test(tc, test_vt006_reset_with_outstanding_vtask);
	tcase_add_test(tc, test_vt006_stale_token);
	tcase_add_test(tc, test_vt006_clean_producers);
	tcase_add_test(tc, test_vt006_init_forgets);
	tcase_add_test(tc, test_cancelled_waiter_is_not_awaiting);
	tcase_add_test(tc, test_cancelled_task_waiter_is_not_awaiting);
	tcase_add_test(tc, test_recycled_identity_still_vt001);
	suite_add_tcase(s, tc);
	rc = vt_test_run(s);
	/* The misuse above was deliberate: do not turn success into 66. */
	vt_check_enable(false);
	return rc;
}
