/*
 * test_core.c: vtask, vt_task and vt_source without a loop running, and
 * misuse safety with checked mode off.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <vtask.h>

#include "testutil.h"

START_TEST(test_size)
{
	ck_assert_uint_le(sizeof(vtask), 24);
}
END_TEST

START_TEST(test_from_result)
{
	int x = 1;
	void *r = NULL;
	vtask vt = vtask_from_result(&x);

	ck_assert(vtask_is_completed(vt));
	ck_assert(vtask_is_completed_successfully(vt));
	ck_assert_int_eq(vtask_await(vt, &r), 0);
	ck_assert_ptr_eq(r, &x);
	ck_assert_int_eq(vtask_get_result(vtask_from_result(&x), NULL), 0);
}
END_TEST

START_TEST(test_from_error)
{
	void *r = (void *)1;
	vtask vt = vtask_from_error(EPIPE);

	ck_assert(vtask_is_completed(vt));
	ck_assert(!vtask_is_completed_successfully(vt));
	ck_assert_int_eq(vtask_get_result(vt, &r), EPIPE);
	ck_assert_ptr_eq(r, (void *)1);
	ck_assert_int_eq(vtask_await(vtask_from_error(0), &r), 0);
	ck_assert_ptr_null(r);
}
END_TEST

/* The zero vtask is VTASK_COMPLETED: completed, NULL result, reusable. */
START_TEST(test_zero_vtask_is_completed)
{
	vtask vt = { 0 };
	void *r = (void *)1;

	ck_assert(vtask_is_completed_successfully(vt));
	ck_assert_int_eq(vtask_await(vt, &r), 0);
	ck_assert_ptr_null(r);
}
END_TEST

START_TEST(test_plain_names)
{
	void *r = NULL;

	/* The exported functions, not the macros. */
	ck_assert_int_eq((vtask_await)((vtask_from_result)((void *)7), &r), 0);
	ck_assert_ptr_eq(r, (void *)7);
	ck_assert_int_eq((vtask_get_result)((vtask_from_error)(EIO), &r), EIO);
	ck_assert((vtask_is_completed)((vtask_from_result)(NULL)));
}
END_TEST

START_TEST(test_task_basics)
{
	void *r = NULL;
	vt_task *t = vt_task_new();

	ck_assert(!vt_task_is_completed(t));
	ck_assert_int_eq(vt_task_await(t, &r), VT_EMISUSE);   /* outside a fiber */
	vt_task_complete(t, (void *)5);
	vt_task_fail(t, EIO);                                  /* ignored: once */
	ck_assert(vt_task_is_completed(t));
	ck_assert_int_eq(vt_task_await(t, &r), 0);
	ck_assert_int_eq(vt_task_await(t, &r), 0);            /* any number */
	ck_assert_ptr_eq(r, (void *)5);
	vt_task_release(vt_task_retain(t));
	vt_task_release(t);

	t = vt_task_from_error(ENOENT);
	ck_assert_int_eq(vt_task_await(t, NULL), ENOENT);
	vt_task_release(t);
}
END_TEST

START_TEST(test_vtask_from_task)
{
	void *r = NULL;
	vt_task *t = vt_task_from_result((void *)9);
	vtask vt = vtask_from_task(t);

	ck_assert(vtask_is_completed_successfully(vt));
	ck_assert_int_eq(vtask_await(vt, &r), 0);
	ck_assert_ptr_eq(r, (void *)9);
	/* Unchecked double consumption of a task-backed vtask is refused,
	 * even though the task is freed (type-stable memory, tickets). */
	ck_assert_int_eq(vtask_await(vt, &r), VT_EMISUSE);
	ck_assert(!vtask_is_completed(vt));
	ck_assert_int_eq(vtask_get_result(vt, &r), VT_EMISUSE);
	t = vtask_as_task(vt);
	ck_assert_int_eq(vt_task_await(t, NULL), VT_EMISUSE);
	vt_task_release(t);
}
END_TEST

START_TEST(test_vtask_from_task_pending)
{
	vt_task *t = vt_task_new();
	vtask vt = vtask_from_task(t);
	void *r = NULL;

	ck_assert(!vtask_is_completed(vt));
	ck_assert_int_eq(vtask_get_result(vt, &r), VT_EMISUSE);
	ck_assert_int_eq(vtask_await(vt, &r), VT_EMISUSE);     /* not in a fiber */
	vt_task_complete(t, (void *)3);
	ck_assert_int_eq(vtask_get_result(vt, &r), 0);
	ck_assert_ptr_eq(r, (void *)3);
}
END_TEST

START_TEST(test_as_task_kinds)
{
	void *r = NULL;
	vt_task *t = vtask_as_task(vtask_from_result((void *)4));

	ck_assert_int_eq(vt_task_await(t, &r), 0);
	ck_assert_ptr_eq(r, (void *)4);
	vt_task_release(t);
	t = vtask_as_task(vtask_from_error(EBADF));
	ck_assert_int_eq(vt_task_await(t, &r), EBADF);
	vt_task_release(t);
	t = vt_task_from_result((void *)8);
	vt_task *u = vtask_as_task(vtask_from_task(t));
	ck_assert_ptr_eq(t, u);
	vt_task_release(u);
}
END_TEST

static void count_consumed(vt_source *src, void *ctx)
{
	int *n = ctx;

	(*n)++;
	vt_source_reset(src);
}

START_TEST(test_source_cycle)
{
	int consumed = 0;
	vt_source src;
	void *r = NULL;

	vt_source_init(&src, count_consumed, &consumed);
	ck_assert_uint_eq(vt_source_token(&src), 0);
	for (int i = 0; i < 20000; i++) {
		uint16_t tok = vt_source_token(&src);
		vtask vt = vtask_from_source(&src, tok);

		ck_assert(!vtask_is_completed(vt));
		vt_source_set_result(&src, (void *)(intptr_t)i);
		ck_assert(vtask_is_completed_successfully(vt));
		ck_assert_int_eq(vtask_get_result(vt, &r), 0);
		ck_assert_int_eq((int)(intptr_t)r, i);
		ck_assert_int_eq(consumed, i + 1);
		/* Stale: the token moved on. */
		ck_assert_int_eq(vtask_await(vt, &r), VT_EMISUSE);
		ck_assert_int_eq((int)(intptr_t)r, i);
	}
	ck_assert_uint_eq(vt_source_token(&src), (uint16_t)20000);
}
END_TEST

struct order {
	vt_source src;
	void **out;
	void *seen;
};

/* Runs inside the consuming call: the consumer must already hold the result. */
static void note_consumed(vt_source *src, void *ctx)
{
	struct order *o = ctx;

	o->seen = *o->out;
}

START_TEST(test_source_on_consumed_timing)
{
	void *r = NULL;
	struct order o = { .out = &r };

	vt_source_init(&o.src, note_consumed, &o);
	vtask vt = vtask_from_source(&o.src, vt_source_token(&o.src));
	vt_source_set_result(&o.src, (void *)5);
	ck_assert_int_eq(vtask_await(vt, &r), 0);
	ck_assert_ptr_eq(o.seen, (void *)5);
	/* Without a reset the version stays consumed. */
	ck_assert_int_eq(vtask_get_result(vt, &r), VT_EMISUSE);
	ck_assert(!vtask_is_completed(vt));
}
END_TEST

START_TEST(test_source_stale_and_pending)
{
	vt_source src;
	void *r = (void *)1;

	vt_source_init(&src, NULL, NULL);
	vtask old = vtask_from_source(&src, vt_source_token(&src));
	vt_source_reset(&src);
	vt_source_set_result(&src, (void *)2);
	ck_assert(!vtask_is_completed(old));
	ck_assert_int_eq(vtask_get_result(old, &r), VT_EMISUSE);
	ck_assert_ptr_eq(r, (void *)1);
	vtask cur = vtask_from_source(&src, vt_source_token(&src));
	vt_source_set_result(&src, (void *)3);                /* ignored */
	ck_assert_int_eq(vtask_await(cur, &r), 0);
	ck_assert_ptr_eq(r, (void *)2);

	vt_source_reset(&src);
	vtask pend = vtask_from_source(&src, vt_source_token(&src));
	ck_assert_int_eq(vtask_get_result(pend, &r), VT_EMISUSE);
	ck_assert_int_eq(vtask_await(pend, &r), VT_EMISUSE);  /* not in a fiber */
	vt_source_set_result(&src, NULL);
	ck_assert_int_eq(vtask_await(pend, &r), 0);            /* still consumable */
}
END_TEST

START_TEST(test_source_as_task)
{
	int consumed = 0;
	vt_source src;
	void *r = NULL;

	vt_source_init(&src, count_consumed, &consumed);
	/* Completed: taken at once. */
	vt_source_set_result(&src, (void *)11);
	vt_task *t = vtask_as_task(vtask_from_source(&src, vt_source_token(&src)));
	ck_assert_int_eq(consumed, 1);
	ck_assert_int_eq(vt_task_await(t, &r), 0);
	ck_assert_ptr_eq(r, (void *)11);
	vt_task_release(t);
	/* Pending: bridged, consumed when the source completes. */
	vtask vt = vtask_from_source(&src, vt_source_token(&src));
	t = vtask_as_task(vt);
	ck_assert(!vt_task_is_completed(t));
	ck_assert_int_eq(vtask_await(vt, &r), VT_EMISUSE);    /* has a waiter */
	vt_source_set_error(&src, EIO);
	ck_assert_int_eq(consumed, 2);
	ck_assert_int_eq(vt_task_await(t, &r), EIO);
	vt_task_release(t);
	/* Reset under a bridge: the task fails with VT_EMISUSE. */
	t = vtask_as_task(vtask_from_source(&src, vt_source_token(&src)));
	vt_source_reset(&src);
	ck_assert_int_eq(vt_task_await(t, NULL), VT_EMISUSE);
	vt_task_release(t);
}
END_TEST

START_TEST(test_when_all_sync)
{
	vt_task *in[3] = { vt_task_from_result(NULL), vt_task_from_error(EIO),
			   vt_task_from_error(EPIPE) };
	vt_task *all = vt_task_when_all(in, 3);

	ck_assert(vt_task_is_completed(all));
	ck_assert_int_eq(vt_task_await(all, NULL), EIO);
	vt_task_release(all);
	all = vt_task_when_all(in, 0);
	ck_assert_int_eq(vt_task_await(all, NULL), 0);
	vt_task_release(all);
	for (int i = 0; i < 3; i++)
		vt_task_release(in[i]);
}
END_TEST

START_TEST(test_when_all_async)
{
	vt_task *in[3] = { vt_task_new(), vt_task_new(), vt_task_new() };
	vt_task *all = vt_task_when_all(in, 3);

	vt_task_complete(in[1], NULL);
	vt_task_fail(in[2], ENOSPC);
	ck_assert(!vt_task_is_completed(all));
	vt_task_fail(in[0], EACCES);     /* first in array order wins */
	ck_assert(vt_task_is_completed(all));
	ck_assert_int_eq(vt_task_await(all, NULL), EACCES);
	vt_task_release(all);
	for (int i = 0; i < 3; i++)
		vt_task_release(in[i]);
}
END_TEST

START_TEST(test_when_any)
{
	vt_task *in[3] = { vt_task_new(), vt_task_new(), vt_task_new() };
	vt_task *any = vt_task_when_any(in, 3);
	void *r = NULL;

	ck_assert(!vt_task_is_completed(any));
	vt_task_release(any);          /* the combinator keeps its own reference */
	any = vt_task_when_any(in, 3);
	vt_task_fail(in[2], EIO);      /* an error still completes "any" */
	ck_assert_int_eq(vt_task_await(any, &r), 0);
	ck_assert_int_eq((int)(uintptr_t)r, 2);
	vt_task_release(any);
	any = vt_task_when_any(in, 3); /* already completed member */
	ck_assert_int_eq(vt_task_await(any, &r), 0);
	ck_assert_int_eq((int)(uintptr_t)r, 2);
	vt_task_release(any);
	vt_task_complete(in[0], NULL);
	vt_task_complete(in[1], NULL);
	for (int i = 0; i < 3; i++)
		vt_task_release(in[i]);
	any = vt_task_when_any(in, 0);
	ck_assert_int_eq(vt_task_await(any, NULL), EINVAL);
	vt_task_release(any);
}
END_TEST

START_TEST(test_when_any_same_task_twice)
{
	vt_task *t = vt_task_new();
	vt_task *in[2] = { t, t };
	vt_task *any = vt_task_when_any(in, 2);
	void *r = (void *)9;

	vt_task_complete(t, NULL);
	ck_assert_int_eq(vt_task_await(any, &r), 0);
	ck_assert_ptr_eq(r, (void *)0);
	vt_task_release(any);
	vt_task_release(t);
}
END_TEST

START_TEST(test_check_off_by_default)
{
	ck_assert(!vt_check_enabled());
	vtask vt = vtask_from_result(NULL);
	ck_assert_int_eq(vtask_await(vt, NULL), 0);
	ck_assert_int_eq(vtask_await(vt, NULL), 0);   /* undetectable, but safe */
	ck_assert_uint_eq(vt_misuse_count(), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("core");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_size);
	tcase_add_test(tc, test_from_result);
	tcase_add_test(tc, test_from_error);
	tcase_add_test(tc, test_zero_vtask_is_completed);
	tcase_add_test(tc, test_plain_names);
	tcase_add_test(tc, test_task_basics);
	tcase_add_test(tc, test_vtask_from_task);
	tcase_add_test(tc, test_vtask_from_task_pending);
	tcase_add_test(tc, test_as_task_kinds);
	tcase_add_test(tc, test_source_cycle);
	tcase_add_test(tc, test_source_on_consumed_timing);
	tcase_add_test(tc, test_source_stale_and_pending);
	tcase_add_test(tc, test_source_as_task);
	tcase_add_test(tc, test_when_all_sync);
	tcase_add_test(tc, test_when_all_async);
	tcase_add_test(tc, test_when_any);
	tcase_add_test(tc, test_when_any_same_task_twice);
	tcase_add_test(tc, test_check_off_by_default);
	suite_add_tcase(s, tc);
	return vt_test_run(s);
}
