/*
 * test_flow.c: the data-flow engine on CFGs built by hand, so that merges,
 * loops and edge facts are tested apart from libclang.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "vtlint.h"

static vt_loc at(unsigned line)
{
	return (vt_loc){ .file = "t.c", .line = line, .col = 1 };
}

static vt_event *ev(vt_func *fn, int b, enum vt_ev_kind k, unsigned line, int dst, int src)
{
	vt_event *e = cfg_emit(fn, b, k, at(line));

	e->dst = dst;
	e->src = src;
	if (k == EV_BIRTH)
		e->what = "make";
	return e;
}

static vt_cond cmp(int var, enum vt_cmp op, int64_t k)
{
	return (vt_cond){ .kind = COND_CMP, .op = op, .var = var, .lo = k };
}

/* Runs fn with every rule on; returns "RULE:line" of each finding, sorted. */
static char *run(vt_func *fn)
{
	vt_flow_opts o = { 0 }; /* every rule, default limits */
	vt_findings fs = { 0 };
	vt_summary sum = { 0 };
	char *out = xstrdup("");

	vt_flow_run(fn, &o, &fs, &sum);
	vt_findings_sort(&fs);
	for (size_t i = 0; i < fs.items.len; i++) {
		char *n = xasprintf("%s%s%s:%u", out, *out ? " " : "",
				    vt_rules[fs.items.data[i].rule]->id, fs.items.data[i].loc.line);
		free(out);
		out = n;
	}
	vt_findings_free(&fs);
	vt_summary_free(&sum);
	vt_flow_release();
	cfg_free(fn);
	return out;
}

#define EXPECT(fn, want)                                                          \
	do {                                                                      \
		char *got_ = run(fn);                                             \
		ck_assert_msg(strcmp(got_, want) == 0, "got '%s', want '%s'", got_, want); \
		free(got_);                                                       \
	} while (0)

START_TEST(double_consume_on_one_path)
{
	/* B0: v = make(); if (c) consume; B2: consume; drop */
	vt_func *fn = cfg_new("f", at(1));
	int v = cfg_var(fn, "v", VAR_VTASK, at(1)), c = cfg_var(fn, "c", VAR_INT, at(1));
	int b1 = cfg_block(fn), b2 = cfg_block(fn);

	ev(fn, fn->entry, EV_BIRTH, 2, v, -1);
	cfg_edge(fn, fn->entry, b1)->cond = cmp(c, CMP_NE, 0);
	cfg_edge(fn, fn->entry, b2)->cond = cmp(c, CMP_EQ, 0);
	ev(fn, b1, EV_CONSUME, 3, -1, v);
	cfg_edge(fn, b1, b2);
	ev(fn, b2, EV_CONSUME, 4, -1, v);
	ev(fn, b2, EV_DROP, 5, -1, v);
	cfg_edge(fn, b2, fn->exit);
	EXPECT(fn, "VT001:4");
}
END_TEST

START_TEST(correlated_tests_rule_out_the_path)
{
	/* if (c) consume(3); if (!c) consume(5): no path consumes twice or never */
	vt_func *fn = cfg_new("f", at(1));
	int v = cfg_var(fn, "v", VAR_VTASK, at(1)), c = cfg_var(fn, "c", VAR_INT, at(1));
	int a = cfg_block(fn), j = cfg_block(fn), b = cfg_block(fn), end = cfg_block(fn);

	ev(fn, fn->entry, EV_BIRTH, 2, v, -1);
	cfg_edge(fn, fn->entry, a)->cond = cmp(c, CMP_NE, 0);
	cfg_edge(fn, fn->entry, j)->cond = cmp(c, CMP_EQ, 0);
	ev(fn, a, EV_CONSUME, 3, -1, v);
	cfg_edge(fn, a, j);
	cfg_edge(fn, j, b)->cond = cmp(c, CMP_EQ, 0);
	cfg_edge(fn, j, end)->cond = cmp(c, CMP_NE, 0);
	ev(fn, b, EV_CONSUME, 5, -1, v);
	cfg_edge(fn, b, end);
	ev(fn, end, EV_DROP, 6, -1, v);
	cfg_edge(fn, end, fn->exit);
	EXPECT(fn, "");
}
END_TEST

START_TEST(merge_keeps_what_both_sides_exclude)
{
	/* x==1 path and x not in {1,2} path meet with the same vtask state:
	 * the merged state must still know x != 2 */
	vt_func *fn = cfg_new("f", at(1));
	int v = cfg_var(fn, "v", VAR_VTASK, at(1)), x = cfg_var(fn, "x", VAR_INT, at(1));
	int c1 = cfg_block(fn), cd = cfg_block(fn), j = cfg_block(fn), t = cfg_block(fn),
	    end = cfg_block(fn);
	vt_edge *d;

	ev(fn, fn->entry, EV_BIRTH, 2, v, -1);
	cfg_edge(fn, fn->entry, c1)->cond = cmp(x, CMP_EQ, 1);
	cfg_edge(fn, fn->entry, end)->cond = cmp(x, CMP_EQ, 2);
	d = cfg_edge(fn, fn->entry, cd);
	d->cond = (vt_cond){ .kind = COND_NOTIN, .var = x, .nset = 2,
			     .set = memcpy(xmalloc(2 * sizeof(int64_t)), (int64_t[]){ 1, 2 },
					   2 * sizeof(int64_t)) };
	ev(fn, c1, EV_CONSUME, 3, -1, v);
	cfg_edge(fn, c1, j);
	ev(fn, cd, EV_CONSUME, 4, -1, v);
	cfg_edge(fn, cd, j);
	cfg_edge(fn, j, t)->cond = cmp(x, CMP_EQ, 2);
	cfg_edge(fn, j, fn->exit)->cond = cmp(x, CMP_NE, 2);
	ev(fn, t, EV_CONSUME, 6, -1, v);
	cfg_edge(fn, t, fn->exit);
	ev(fn, end, EV_CONSUME, 7, -1, v);
	cfg_edge(fn, end, fn->exit);
	EXPECT(fn, "");
}
END_TEST

START_TEST(loop_second_iteration)
{
	/* v made before the loop and consumed in it: VT001 on the back edge, VT005 on exit */
	vt_func *fn = cfg_new("f", at(1));
	int v = cfg_var(fn, "v", VAR_VTASK, at(1));
	int head = cfg_block(fn), body = cfg_block(fn), out = cfg_block(fn);

	ev(fn, fn->entry, EV_BIRTH, 2, v, -1);
	cfg_edge(fn, fn->entry, head);
	cfg_edge(fn, head, body);
	cfg_edge(fn, head, out);
	ev(fn, body, EV_CONSUME, 4, -1, v);
	cfg_edge(fn, body, head);
	ev(fn, out, EV_DROP, 5, -1, v);
	cfg_edge(fn, out, fn->exit);
	EXPECT(fn, "VT005:2 VT001:4");
}
END_TEST

START_TEST(remade_each_iteration_is_clean)
{
	/* { vtask v = make(); consume(v); } in a loop: each iteration's own operation */
	vt_func *fn = cfg_new("f", at(1));
	int v = cfg_var(fn, "v", VAR_VTASK, at(1));
	int head = cfg_block(fn), body = cfg_block(fn);

	cfg_edge(fn, fn->entry, head);
	cfg_edge(fn, head, body);
	cfg_edge(fn, head, fn->exit);
	ev(fn, body, EV_BIRTH, 3, v, -1);
	ev(fn, body, EV_CONSUME, 4, -1, v);
	ev(fn, body, EV_DROP, 5, -1, v);
	cfg_edge(fn, body, head);
	EXPECT(fn, "");
}
END_TEST

START_TEST(copies_are_one_operation)
{
	/* w = v; consume(w); drop v, drop w: clean; consume(v) after: VT001 */
	vt_func *fn = cfg_new("f", at(1));
	int v = cfg_var(fn, "v", VAR_VTASK, at(1)), w = cfg_var(fn, "w", VAR_VTASK, at(1));

	ev(fn, fn->entry, EV_BIRTH, 2, v, -1);
	ev(fn, fn->entry, EV_COPY, 3, w, v);
	ev(fn, fn->entry, EV_CONSUME, 4, -1, w);
	ev(fn, fn->entry, EV_CONSUME, 5, -1, v);
	ev(fn, fn->entry, EV_DROP, 6, -1, w);
	ev(fn, fn->entry, EV_DROP, 6, -1, v);
	cfg_edge(fn, fn->entry, fn->exit);
	EXPECT(fn, "VT001:5");
}
END_TEST

START_TEST(inspection_edge_makes_get_result_safe)
{
	vt_func *fn = cfg_new("f", at(1));
	int v = cfg_var(fn, "v", VAR_VTASK, at(1));
	int t = cfg_block(fn), f = cfg_block(fn);
	vt_event *e;

	ev(fn, fn->entry, EV_BIRTH, 2, v, -1);
	ev(fn, fn->entry, EV_INSPECT, 3, -1, v);
	cfg_edge(fn, fn->entry, t)->cond = (vt_cond){ .kind = COND_DONE, .op = CMP_EQ, .var = v };
	cfg_edge(fn, fn->entry, f);
	e = ev(fn, t, EV_CONSUME, 4, -1, v);
	e->how = HOW_GET_RESULT;
	cfg_edge(fn, t, fn->exit);
	e = ev(fn, f, EV_CONSUME, 6, -1, v);
	e->how = HOW_GET_RESULT;
	cfg_edge(fn, f, fn->exit);
	EXPECT(fn, "VT003:6");
}
END_TEST

START_TEST(overwrite_loses_operation)
{
	vt_func *fn = cfg_new("f", at(1));
	int v = cfg_var(fn, "v", VAR_VTASK, at(1));

	ev(fn, fn->entry, EV_BIRTH, 2, v, -1);
	ev(fn, fn->entry, EV_BIRTH, 3, v, -1);
	ev(fn, fn->entry, EV_CONSUME, 4, -1, v);
	ev(fn, fn->entry, EV_DROP, 5, -1, v);
	cfg_edge(fn, fn->entry, fn->exit);
	EXPECT(fn, "VT005:2");
}
END_TEST

START_TEST(handoff_then_consume)
{
	vt_func *fn = cfg_new("f", at(1));
	int v = cfg_var(fn, "v", VAR_VTASK, at(1));

	ev(fn, fn->entry, EV_BIRTH, 2, v, -1);
	ev(fn, fn->entry, EV_HANDOFF, 3, -1, v);
	ev(fn, fn->entry, EV_CONSUME, 4, -1, v);
	ev(fn, fn->entry, EV_DROP, 5, -1, v);
	cfg_edge(fn, fn->entry, fn->exit);
	EXPECT(fn, "VT002:4");
}
END_TEST

static vt_event *setk(vt_func *fn, int b, unsigned line, int var, int64_t k)
{
	vt_event *e = ev(fn, b, EV_SETK, line, var, -1);

	e->k = k;
	return e;
}

/*
 * if (c) { x = 1; y = 1; } else { x = 2; y = 2; }  -- two locals differ
 * if (x == 1) consume(v);  if (y == 2) consume(v);  -- never both
 * Built so that, with max_states, the two states meet at the join.
 */
static vt_func *two_locals_correlated(void)
{
	vt_func *fn = cfg_new("f", at(1));
	int v = cfg_var(fn, "v", VAR_VTASK, at(1)), c = cfg_var(fn, "c", VAR_INT, at(1));
	int x = cfg_var(fn, "x", VAR_INT, at(1)), y = cfg_var(fn, "y", VAR_INT, at(1));
	int a = cfg_block(fn), b = cfg_block(fn), j = cfg_block(fn), t1 = cfg_block(fn),
	    j2 = cfg_block(fn), t2 = cfg_block(fn), end = cfg_block(fn);

	ev(fn, fn->entry, EV_BIRTH, 2, v, -1);
	cfg_edge(fn, fn->entry, a)->cond = cmp(c, CMP_NE, 0);
	cfg_edge(fn, fn->entry, b)->cond = cmp(c, CMP_EQ, 0);
	setk(fn, a, 3, x, 1);
	setk(fn, a, 3, y, 1);
	cfg_edge(fn, a, j);
	setk(fn, b, 4, x, 2);
	setk(fn, b, 4, y, 2);
	cfg_edge(fn, b, j);
	cfg_edge(fn, j, t1)->cond = cmp(x, CMP_EQ, 1);
	cfg_edge(fn, j, j2)->cond = cmp(x, CMP_NE, 1);
	ev(fn, t1, EV_CONSUME, 5, -1, v);
	cfg_edge(fn, t1, j2);
	cfg_edge(fn, j2, t2)->cond = cmp(y, CMP_EQ, 2);
	cfg_edge(fn, j2, end)->cond = cmp(y, CMP_NE, 2);
	ev(fn, t2, EV_CONSUME, 6, -1, v);
	cfg_edge(fn, t2, end);
	ev(fn, end, EV_DROP, 7, -1, v);
	cfg_edge(fn, end, fn->exit);
	return fn;
}

START_TEST(facts_on_two_locals_stay_exact)
{
	EXPECT(two_locals_correlated(), "");
}
END_TEST

START_TEST(budget_drops_findings_and_says_so)
{
	/* one state per block: the join must lose facts, so nothing may be reported */
	vt_func *fn = two_locals_correlated();
	vt_flow_opts o = { .max_states = 1 };
	vt_findings fs = { 0 };
	vt_summary sum = { 0 };

	vt_flow_run(fn, &o, &fs, &sum);
	ck_assert_uint_eq(fs.items.len, 0);
	ck_assert_uint_eq(fs.limits.len, 1);
	ck_assert_ptr_nonnull(strstr(fs.limits.data[0].message, "'f'"));
	vt_findings_free(&fs);
	vt_summary_free(&sum);
	vt_flow_release();
	cfg_free(fn);
}
END_TEST

START_TEST(many_excluded_values_are_kept)
{
	/* switch (x) { case 0: case 3: ... case 117: break; default: consume(5); }
	 * if (x == 51) consume(4): the default path excludes 51, the 18th case */
	vt_func *fn = cfg_new("f", at(1));
	int v = cfg_var(fn, "v", VAR_VTASK, at(1)), x = cfg_var(fn, "x", VAR_INT, at(1));
	int dflt = cfg_block(fn), j = cfg_block(fn), t = cfg_block(fn), end = cfg_block(fn);
	vt_edge *d;
	int64_t *set = xmalloc(40 * sizeof *set);

	ev(fn, fn->entry, EV_BIRTH, 2, v, -1);
	for (int k = 0; k < 40; k++) {
		set[k] = 3 * k;
		cfg_edge(fn, fn->entry, j)->cond = cmp(x, CMP_EQ, 3 * k);
	}
	d = cfg_edge(fn, fn->entry, dflt);
	d->cond = (vt_cond){ .kind = COND_NOTIN, .var = x, .nset = 40, .set = set };
	ev(fn, dflt, EV_CONSUME, 5, -1, v);
	cfg_edge(fn, dflt, j);
	cfg_edge(fn, j, t)->cond = cmp(x, CMP_EQ, 51);
	cfg_edge(fn, j, end)->cond = cmp(x, CMP_NE, 51);
	ev(fn, t, EV_CONSUME, 4, -1, v);
	cfg_edge(fn, t, end);
	ev(fn, end, EV_DROP, 6, -1, v);
	cfg_edge(fn, end, fn->exit);
	/* the other cases leave v unconsumed (VT005); no path consumes it twice */
	EXPECT(fn, "VT005:2");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("flow");
	TCase *t = tcase_create("engine");

	tcase_add_test(t, double_consume_on_one_path);
	tcase_add_test(t, correlated_tests_rule_out_the_path);
	tcase_add_test(t, merge_keeps_what_both_sides_exclude);
	tcase_add_test(t, loop_second_iteration);
	tcase_add_test(t, remade_each_iteration_is_clean);
	tcase_add_test(t, copies_are_one_operation);
	tcase_add_test(t, inspection_edge_makes_get_result_safe);
	tcase_add_test(t, overwrite_loses_operation);
	tcase_add_test(t, handoff_then_consume);
	tcase_add_test(t, facts_on_two_locals_stay_exact);
	tcase_add_test(t, budget_drops_findings_and_says_so);
	tcase_add_test(t, many_excluded_values_are_kept);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return vt_test_run(suite());
}
