/*
 * test_cfg.c: the CFG builder (lower.c) on small functions: which blocks and
 * edges, which events, which facts on which edges.  Each case is C source
 * and the CFG dump it must lower to.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "vtlint.h"

#ifndef RUNTIME_INCLUDE
#error "RUNTIME_INCLUDE must name the directory of vtask.h"
#endif

/* Lowers src (a whole C file) and returns the dump of every function's CFG. */
static char *lower(const char *src)
{
	char path[] = "/tmp/vtlint-cfg-XXXXXX.c";
	int fd = mkstemps(path, 2);
	const char *args[] = { "-I" RUNTIME_INCLUDE };
	vt_unit_opts o = { .args = args, .nargs = 1 };
	vt_findings fs = { 0 };
	struct vt_frontend *f = vt_frontend_new();
	char *text = NULL;
	size_t len = 0;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, src, strlen(src)), (ssize_t)strlen(src));
	close(fd);
	o.dump_cfg = open_memstream(&text, &len);
	ck_assert_int_eq(vt_analyze_file(f, path, path, &o, &fs), 0);
	fclose(o.dump_cfg);
	vt_findings_free(&fs);
	vt_frontend_free(f);
	unlink(path);
	return text;
}

#define HEAD "#include <vtask.h>\nvtask make(void);\nint k(void);\n"

static void expect_cfg(const char *src, const char *want)
{
	char *got = lower(src);

	ck_assert_msg(strcmp(got, want) == 0, "CFG of:\n%s\ngot:\n%s\nwant:\n%s", src, got, want);
	free(got);
}

START_TEST(straight_line)
{
	expect_cfg(HEAD "void f(void) {\n vtask v = make();\n vtask_await(v, 0);\n}\n",
		   "function f\n"
		   "B0 (entry):\n"
		   "  5: birth (temporary) (make)\n"
		   "  5: copy v <- (temporary)\n"
		   "  5: drop <- (temporary)\n"
		   "  6: consume <- v\n"
		   "  7: drop <- v\n"
		   "  -> B1\n"
		   "B1 (exit):\n");
}
END_TEST

START_TEST(if_else_edges_carry_facts)
{
	expect_cfg(HEAD "void f(int c) {\n if (c) k(); else k();\n}\n",
		   "function f\n"
		   "B0 (entry):\n"
		   "  4: forget c\n"
		   "  -> B2 [c != 0]\n"
		   "  -> B4 [c == 0]\n"
		   "B1 (exit):\n"
		   "B2:\n"
		   "  -> B3\n"
		   "B3:\n"
		   "  -> B1\n"
		   "B4:\n"
		   "  -> B3\n");
}
END_TEST

START_TEST(short_circuit_splits_blocks)
{
	/* `a && b`: b is only tested when a held; both false edges meet */
	expect_cfg(HEAD "void f(int a, int b) {\n if (a && !b) k();\n}\n",
		   "function f\n"
		   "B0 (entry):\n"
		   "  4: forget a\n"
		   "  4: forget b\n"
		   "  -> B4 [a != 0]\n"
		   "  -> B3 [a == 0]\n"
		   "B1 (exit):\n"
		   "B2:\n"
		   "  -> B3\n"
		   "B3:\n"
		   "  -> B1\n"
		   "B4:\n"
		   "  -> B3 [b != 0]\n"
		   "  -> B2 [b == 0]\n");
}
END_TEST

START_TEST(inspection_edge)
{
	expect_cfg(HEAD "void f(void) {\n vtask v = make();\n"
		   " if (vtask_is_completed(v)) k();\n vtask_await(v, 0);\n}\n",
		   "function f\n"
		   "B0 (entry):\n"
		   "  5: birth (temporary) (make)\n"
		   "  5: copy v <- (temporary)\n"
		   "  5: drop <- (temporary)\n"
		   "  6: inspect (inspection) <- v\n"
		   "  -> B2 [(inspection) != 0]\n"
		   "  -> B3 [(inspection) == 0]\n"
		   "B1 (exit):\n"
		   "B2:\n"
		   "  -> B3\n"
		   "B3:\n"
		   "  7: consume <- v\n"
		   "  8: drop <- v\n"
		   "  -> B1\n");
}
END_TEST

START_TEST(counted_loop_enters_body)
{
	/* 0 < 3 holds: the entry goes straight into the body (B3) */
	char *got = lower(HEAD "void f(void) {\n for (int i = 0; i < 3; i++) k();\n}\n");

	ck_assert_msg(strstr(got, "B0 (entry):\n  5: setk i = 0\n  -> B3\n") != NULL, "%s", got);
	free(got);
	got = lower(HEAD "void f(void) {\n for (int i = 5; i < 3; i++) k();\n}\n");
	ck_assert_msg(strstr(got, "B0 (entry):\n  5: setk i = 5\n  -> B2\n") != NULL, "%s", got);
	free(got);
}
END_TEST

START_TEST(switch_cases_and_default)
{
	char *got = lower(HEAD "void f(int x) {\n switch (x) { case 1: k(); case 2: break; }\n}\n");

	ck_assert_msg(strstr(got, "[x == 1]") && strstr(got, "[x == 2]") &&
			      strstr(got, "[x not in 2 cases]"), "%s", got);
	free(got);
}
END_TEST

START_TEST(goto_leaves_scope)
{
	char *got = lower(HEAD "int f(void) {\n { vtask v = make();\n if (k()) goto out; vtask_await(v, 0); }\n"
			  "out:\n return 0;\n}\n");

	/* the goto's block drops v before jumping to the label's block */
	ck_assert_msg(strstr(got, "  6: drop <- v\n  -> B") != NULL, "%s", got);
	free(got);
}
END_TEST

START_TEST(noreturn_ends_path)
{
	char *got = lower(HEAD "#include <stdlib.h>\nvoid f(void) {\n vtask v = make();\n abort();\n}\n");

	/* abort() ends the block: no drop of v, no edge to the exit */
	ck_assert_msg(strstr(got, "drop <- v") == NULL, "%s", got);
	free(got);
}
END_TEST

START_TEST(sizeof_is_not_evaluated)
{
	char *got = lower(HEAD "void f(vtask v) {\n (void)sizeof(vtask_await(v, 0));\n vtask_await(v, 0);\n}\n");

	ck_assert_msg(strstr(got, "5: consume") == NULL && strstr(got, "6: consume <- v"), "%s", got);
	free(got);
}
END_TEST

/* Whether function name's CFG (in a dump of several) drops v: the path went on. */
static bool drops_v(const char *dump, const char *name)
{
	char *head = xasprintf("function %s\n", name);
	const char *f = strstr(dump, head), *next;
	bool r;

	free(head);
	ck_assert_ptr_nonnull(f);
	next = strstr(f + 1, "function ");
	r = strstr(f, "drop <- v") && (!next || strstr(f, "drop <- v") < next);
	return r;
}

START_TEST(noreturn_from_the_type_or_declaration)
{
	/* the attribute through macros, before or after the declarator; not a comment */
	char *got = lower(HEAD "#define NORETURN __attribute__((noreturn))\n"
			  "#define __dead2 __attribute__((__noreturn__))\n"
			  "NORETURN void a(void);\nvoid b(void) __dead2;\n_Noreturn void c(void);\n"
			  "void d(void); /* noreturn */\n"
			  "void fa(void) { vtask v = make(); a(); }\n"
			  "void fb(void) { vtask v = make(); b(); }\n"
			  "void fc(void) { vtask v = make(); c(); }\n"
			  "void fd(void) { vtask v = make(); d(); }\n");

	ck_assert_msg(!drops_v(got, "fa") && !drops_v(got, "fb") && !drops_v(got, "fc") &&
			      drops_v(got, "fd"), "%s", got);
	free(got);
}
END_TEST

START_TEST(for_header_from_a_macro)
{
	/* only the condition is written: it must not be taken for the init */
	char *got = lower(HEAD "#define WHILE(c) for (; c; )\n"
			  "void f(int n) {\n WHILE(n > 0) n--;\n}\n");

	ck_assert_msg(strstr(got, "[n > 0]") && strstr(got, "[n <= 0]"), "%s", got);
	free(got);
}
END_TEST

START_TEST(generic_lowers_the_selected_association_only)
{
	char *got = lower(HEAD "void f(int n, vtask v) {\n"
			  " int a = _Generic(n, int: 1, default: vtask_await(v, 0));\n"
			  " int b = _Generic(v, vtask: vtask_await(v, 0), default: 0);\n}\n");

	ck_assert_msg(strstr(got, "5: consume") == NULL && strstr(got, "6: consume <- v"), "%s", got);
	free(got);
}
END_TEST

START_TEST(pointer_names_a_vtask_per_path)
{
	char *got = lower(HEAD "void f(int c) {\n vtask a = make(), b = make();\n"
			  " vtask *p = c ? &a : &b;\n vtask_await(*p, 0);\n}\n");

	ck_assert_msg(strstr(got, "point p <- (pointer)") && strstr(got, "point (pointer) <- a") &&
			      strstr(got, "point (pointer) <- b") && strstr(got, "7: consume <- p"),
		      "%s", got);
	free(got);
}
END_TEST

START_TEST(constant_assignments_are_facts)
{
	char *got = lower(HEAD "enum { IDLE, DONE };\nvoid f(int x) {\n int s = IDLE;\n"
			  " if (x) s = DONE;\n s++;\n}\n");

	ck_assert_msg(strstr(got, "setk s = 0") && strstr(got, "setk s = 1") &&
			      strstr(got, "forget s"), "%s", got);
	free(got);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("cfg");
	TCase *t = tcase_create("lower");

	tcase_set_timeout(t, 60);
	tcase_add_test(t, straight_line);
	tcase_add_test(t, if_else_edges_carry_facts);
	tcase_add_test(t, short_circuit_splits_blocks);
	tcase_add_test(t, inspection_edge);
	tcase_add_test(t, counted_loop_enters_body);
	tcase_add_test(t, switch_cases_and_default);
	tcase_add_test(t, goto_leaves_scope);
	tcase_add_test(t, noreturn_ends_path);
	tcase_add_test(t, sizeof_is_not_evaluated);
	tcase_add_test(t, noreturn_from_the_type_or_declaration);
	tcase_add_test(t, for_header_from_a_macro);
	tcase_add_test(t, generic_lowers_the_selected_association_only);
	tcase_add_test(t, pointer_names_a_vtask_per_path);
	tcase_add_test(t, constant_assignments_are_facts);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return vt_test_run(suite());
}
