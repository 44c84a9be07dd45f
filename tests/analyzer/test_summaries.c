/*
 * test_summaries.c: the project's store of summaries (summaries.c) apart
 * from libclang: files that agree and disagree, lookups that hold or not,
 * the guess recursion starts from, and the JSON form read back exactly.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "vtlint.h"

/* f(vtask v, vtask *p): v inspected or not; *p consumed where it returns lo..hi but ex. */
static vt_summary make(bool inspects, int64_t lo, int64_t hi, int64_t ex)
{
	vt_summary s = { .nparams = 2 };
	vt_sum_path p = { .param = 1, .bits = OUT_CONSUMED, .lo = lo, .hi = hi, .nex = 1 };

	s.param = calloc(2, sizeof *s.param);
	s.param[0] = (vt_param_sum){ .is_vtask = true, .inspect_only = inspects };
	s.param[1] = (vt_param_sum){ .is_out = true, .outcomes = 1u << OUT_CONSUMED };
	p.ex = malloc(sizeof *p.ex);
	p.ex[0] = ex;
	vec_push(&s.paths, p);
	return s;
}

static vt_store *store_of(const char *usr, const vt_summary *a, const vt_summary *b)
{
	vt_store *s = vt_store_new();

	vt_store_add(s, usr, a);
	if (b)
		vt_store_add(s, usr, b);
	vt_store_seal(s);
	return s;
}

START_TEST(files_that_agree_or_disagree)
{
	vt_summary a = make(true, 0, 1, 0), b = make(false, 0, 1, 0), a2 = make(true, 0, 1, 0);
	vt_store *same = store_of("c:@F@f", &a, &a2), *differ = store_of("c:@F@f", &a, &b);

	ck_assert_ptr_nonnull(vt_store_get(same, "c:@F@f"));
	ck_assert(vt_summary_same(vt_store_get(same, "c:@F@f"), &a));
	ck_assert_ptr_null(vt_store_get(differ, "c:@F@f")); /* unseen: which one links? */
	ck_assert_ptr_null(vt_store_get(same, "c:@F@g"));
	ck_assert_uint_eq(vt_store_count(differ), 1);
	vt_store_free(same);
	vt_store_free(differ);
	vt_summary_free(&a);
	vt_summary_free(&a2);
	vt_summary_free(&b);
}
END_TEST

START_TEST(lookups_hold_until_the_answer_changes)
{
	vt_summary a = make(true, 0, 1, 0), b = make(false, 0, 1, 0);
	vt_store *s1 = store_of("c:@F@f", &a, NULL), *s2 = store_of("c:@F@f", &b, NULL);
	vt_store *none = vt_store_new();
	vt_unit_sums u = { 0 }, missed = { 0 };

	vt_unit_add_lookup(&u, "c:@F@f", vt_store_get(s1, "c:@F@f"));
	vt_unit_add_lookup(&u, "c:@F@f", NULL); /* the same name again: the first answer stands */
	ck_assert_uint_eq(u.lookups.len, 1);
	ck_assert(vt_lookups_hold(&u, s1));
	ck_assert(!vt_lookups_hold(&u, s2));
	ck_assert(!vt_lookups_hold(&u, none));
	vt_unit_add_lookup(&missed, "c:@F@f", NULL);
	ck_assert(vt_lookups_hold(&missed, none));
	ck_assert(vt_lookups_missed(&missed, s1)); /* another file defines it after all */
	ck_assert(!vt_lookups_missed(&u, s1));
	vt_unit_sums_free(&u);
	vt_unit_sums_free(&missed);
	vt_store_free(s1);
	vt_store_free(s2);
	vt_store_free(none);
	vt_summary_free(&a);
	vt_summary_free(&b);
}
END_TEST

START_TEST(the_guess_only_inspects)
{
	vt_summary a = make(false, 0, 1, 0), g = vt_summary_inspects(&a);

	ck_assert_int_eq(g.nparams, 2);
	ck_assert(g.param[0].is_vtask && g.param[0].inspect_only);
	ck_assert(g.param[1].is_out && g.param[1].outcomes == 1u << OUT_TOUCHED);
	ck_assert_uint_eq(g.paths.len, 1);
	ck_assert(g.paths.data[0].lo == INT64_MIN && g.paths.data[0].hi == INT64_MAX);
	vt_summary_free(&a);
	vt_summary_free(&g);
}
END_TEST

START_TEST(json_reads_back_exactly)
{
	vt_summary a = make(true, INT64_MIN, INT64_MAX, -9007199254740993LL), b = make(false, 0, 1, 0);
	vt_store *s = vt_store_new(), *back;
	char *text, *why = NULL;

	vt_store_add(s, "c:@F@f", &a);
	vt_store_add(s, "c:@F@g", &a);
	vt_store_add(s, "c:@F@g", &b); /* a conflict is kept as one */
	vt_store_seal(s);
	text = vt_store_to_json(s);
	back = vt_store_from_json(text, strlen(text), &why);
	ck_assert_ptr_nonnull(back);
	ck_assert(vt_summary_same(vt_store_get(back, "c:@F@f"), &a)); /* 64 bits survive */
	ck_assert_ptr_null(vt_store_get(back, "c:@F@g"));
	ck_assert_uint_eq(vt_store_count(back), 2);
	free(text);
	vt_store_free(s);
	vt_store_free(back);
	vt_summary_free(&a);
	vt_summary_free(&b);
}
END_TEST

/* A store of one function written to JSON and read back: what a later run sees. */
static vt_store *round_trip(const char *usr, const vt_summary *sum)
{
	vt_store *s = vt_store_new(), *back;
	char *text, *why = NULL;

	vt_store_add(s, usr, sum);
	vt_store_seal(s);
	text = vt_store_to_json(s);
	back = vt_store_from_json(text, strlen(text), &why);
	ck_assert_msg(back != NULL, "%s", why ? why : "");
	free(text);
	vt_store_free(s);
	return back;
}

/* A function given no vtask whose two ways out return 2 and 3..4: its callers' tests use them. */
START_TEST(json_keeps_what_is_returned)
{
	vt_summary a = { 0 };
	vt_sum_path two = { .param = VT_RET_PATHS, .lo = 2, .hi = 2 };
	vt_sum_path more = { .param = VT_RET_PATHS, .lo = 3, .hi = 4 };
	vt_store *back;

	a.param = calloc(1, sizeof *a.param);
	vec_push(&a.paths, two);
	vec_push(&a.paths, more);
	back = round_trip("c:@F@mode", &a);
	ck_assert(vt_summary_same(vt_store_get(back, "c:@F@mode"), &a));
	vt_store_free(back);
	vt_summary_free(&a);
}
END_TEST

/* A function that resets `s` where it returns 1, and lets go of every source behind `c`. */
START_TEST(json_keeps_source_slots)
{
	vt_summary a = { .nparams = 2 }, *got;
	vt_sum_path reset = { .param = VT_SRC_PATHS, .bits = SRC_FX_RESET, .lo = 1, .hi = 1 };
	vt_sum_path kept = { .param = VT_SRC_PATHS, .bits = 0, .lo = 0, .hi = 0 };
	vt_sum_path lost = { .param = VT_SRC_PATHS - 1, .bits = SRC_FX_LOST, .lo = 0, .hi = 1 };
	vt_src_slot s0 = { .param = 0, .member = strdup("") };
	vt_src_slot s1 = { .param = 1, .member = strdup("*"), .escapes = true };
	vt_store *back;

	a.param = calloc(3, sizeof *a.param);
	vec_push(&a.slots, s0);
	vec_push(&a.slots, s1);
	vec_push(&a.paths, reset);
	vec_push(&a.paths, kept);
	vec_push(&a.paths, lost);
	back = round_trip("c:@F@recycle", &a);
	got = (vt_summary *)vt_store_get(back, "c:@F@recycle");
	ck_assert(vt_summary_same(got, &a));
	ck_assert_uint_eq(got->slots.len, 2);
	ck_assert_str_eq(got->slots.data[1].member, "*");
	ck_assert(got->slots.data[1].escapes && !got->slots.data[0].escapes);
	ck_assert_int_eq(got->paths.data[2].param, VT_SRC_PATHS - 1);
	vt_store_free(back);
	vt_summary_free(&a);
}
END_TEST

START_TEST(bad_json_says_what_is_wrong)
{
	static const char *const bad[] = {
		"{", "[]", "{\"vtlint_summaries\": 1, \"functions\": []}",
		"{\"vtlint_summaries\": 2, \"functions\": [{\"usr\": \"f\", \"conflict\": false}]}",
		"{\"vtlint_summaries\": 2, \"functions\": [{\"usr\": \"f\", \"conflict\": false, "
		"\"params\": [], \"sources\": [], \"paths\": [{\"param\": 0, \"bits\": 1, "
		"\"lo\": \"0\", \"hi\": \"1\", \"except\": []}]}]}",
		"{\"vtlint_summaries\": 2, \"functions\": [{\"usr\": \"f\", \"conflict\": false, "
		"\"params\": [{\"vtask\": true, \"out\": false, \"inspect\": true, \"outcomes\": 0}], "
		"\"sources\": [], "
		"\"paths\": [{\"param\": 0, \"bits\": 1, \"lo\": \"x\", \"hi\": \"1\", \"except\": []}]}]}",
		/* a way out of source slot 0 (param -2) when there is no slot */
		"{\"vtlint_summaries\": 2, \"functions\": [{\"usr\": \"f\", \"conflict\": false, "
		"\"params\": [{\"vtask\": false, \"out\": false, \"inspect\": false, \"outcomes\": 0}], "
		"\"sources\": [], "
		"\"paths\": [{\"param\": -2, \"bits\": 1, \"lo\": \"0\", \"hi\": \"1\", \"except\": []}]}]}",
		/* a slot of a parameter the function does not have */
		"{\"vtlint_summaries\": 2, \"functions\": [{\"usr\": \"f\", \"conflict\": false, "
		"\"params\": [], \"sources\": [{\"param\": 0, \"member\": \"\", \"escapes\": false}], "
		"\"paths\": []}]}",
		"{\"vtlint_summaries\": 2, \"functions\": [{\"usr\": \"f\", \"conflict\": false, "
		"\"params\": [{\"vtask\": false, \"out\": false, \"inspect\": false, "
		"\"outcomes\": 0}], \"paths\": []}]}",
		NULL,
	};

	for (size_t i = 0; bad[i]; i++) {
		char *why = NULL;
		vt_store *s = vt_store_from_json(bad[i], strlen(bad[i]), &why);

		ck_assert_msg(!s, "accepted: %s", bad[i]);
		ck_assert_ptr_nonnull(why);
		free(why);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("summaries");
	TCase *t = tcase_create("store");

	tcase_add_test(t, files_that_agree_or_disagree);
	tcase_add_test(t, lookups_hold_until_the_answer_changes);
	tcase_add_test(t, the_guess_only_inspects);
	tcase_add_test(t, json_reads_back_exactly);
	tcase_add_test(t, json_keeps_what_is_returned);
	tcase_add_test(t, json_keeps_source_slots);
	tcase_add_test(t, bad_json_says_what_is_wrong);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return vt_test_run(suite());
}
