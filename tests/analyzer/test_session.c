/*
 * test_session.c: an editor's session analyses the unsaved text (not the
 * file on disk), and a re-analysis after an edit sees the edit.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "vtlint.h"

static const char *args[] = { "-I" RUNTIME_INCLUDE };

static const char faulty[] = "#include <vtask.h>\nvtask fetch(void);\n"
			     "int f(void) { vtask v = fetch(); vtask_await(v, 0);\n"
			     "  return vtask_await(v, 0); }\n";
static const char fixed[] = "#include <vtask.h>\nvtask fetch(void);\n"
			    "int f(void) { vtask v = fetch();\n"
			    "  return vtask_await(v, 0); }\n";

static size_t count(vt_session *s, const char *path, const char *text, int *status)
{
	vt_unit_opts o = { .args = args, .nargs = 1, .flow = { { 0 } } };
	vt_findings fs = { 0 };
	size_t n;

	*status = vt_session_analyze(s, path, path, text, strlen(text), &o, &fs);
	n = fs.items.len;
	if (n)
		ck_assert_int_eq(fs.items.data[0].loc.line, 4);
	vt_findings_free(&fs);
	return n;
}

START_TEST(unsaved_text_and_edits)
{
	char path[] = "/tmp/vtlint-session-XXXXXX.c";
	int fd = mkstemps(path, 2), status;
	vt_session *s = vt_session_new();

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, fixed, strlen(fixed)), (ssize_t)strlen(fixed));
	close(fd);
	/* the disk says fixed; the buffer says faulty: the buffer wins */
	ck_assert_uint_eq(count(s, path, faulty, &status), 1);
	ck_assert_int_eq(status, 0);
	ck_assert_uint_eq(count(s, path, fixed, &status), 0);       /* reparse after an edit */
	ck_assert_uint_eq(count(s, path, faulty, &status), 1);
	ck_assert_uint_eq(count(s, path, "int f(void) { return x; }\n", &status), 0);
	ck_assert_int_eq(status, 2);                                 /* does not compile */
	ck_assert_uint_eq(count(s, path, faulty, &status), 1);       /* and recovers */
	vt_session_close(s, path);
	ck_assert_uint_eq(count(s, path, faulty, &status), 1);       /* reopened */
	vt_session_free(s);
	unlink(path);
}
END_TEST

static size_t lines_of(vt_session *s, const char *path, const char *text, unsigned *lines)
{
	vt_unit_opts o = { .args = args, .nargs = 1, .flow = { { 0 } } };
	vt_findings fs = { 0 };
	size_t n;

	ck_assert_int_eq(vt_session_analyze(s, path, path, text, strlen(text), &o, &fs), 0);
	vt_findings_sort(&fs);
	n = fs.items.len;
	for (size_t i = 0; i < n && i < 4; i++)
		lines[i] = fs.items.data[i].loc.line;
	vt_findings_free(&fs);
	return n;
}

/* An edit in g moves f down: f, not analysed again, reports at its new line. */
START_TEST(unchanged_functions_move_with_edits)
{
	static const char *const versions[] = {
		"#include <vtask.h>\nvtask fetch(void);\n"
		"int g(void) { return 0; }\n"
		"int f(void) { vtask v = fetch(); vtask_await(v, 0); return vtask_await(v, 0); }\n",
		"#include <vtask.h>\nvtask fetch(void);\n"
		"int g(void) {\n\n return 1; }\n"
		"int f(void) { vtask v = fetch(); vtask_await(v, 0); return vtask_await(v, 0); }\n",
		"#include <vtask.h>\nvtask fetch(void);\n"
		"int g(void) {\n\n return 1; }\n"
		"int f(void) { vtask v = fetch(); return vtask_await(v, 0); }\n",
		"#include <vtask.h>\nvtask fetch(void);\n"
		"int g(void) {\n\n fetch(); return 1; }\n"
		"int f(void) { vtask v = fetch(); return vtask_await(v, 0); }\n",
	};
	vt_session *s = vt_session_new();
	const char *path = "/tmp/vtlint-session-memo.c";
	unsigned at[4];

	ck_assert_uint_eq(lines_of(s, path, versions[0], at), 1);
	ck_assert_uint_eq(at[0], 4);
	ck_assert_uint_eq(lines_of(s, path, versions[1], at), 1);   /* f reused, moved */
	ck_assert_uint_eq(at[0], 6);
	ck_assert_uint_eq(lines_of(s, path, versions[2], at), 0);   /* f fixed */
	ck_assert_uint_eq(lines_of(s, path, versions[3], at), 1);   /* g now faulty */
	ck_assert_uint_eq(at[0], 5);
	ck_assert_uint_eq(lines_of(s, path, versions[0], at), 1);   /* back again */
	ck_assert_uint_eq(at[0], 4);
	vt_session_free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("session");
	TCase *t = tcase_create("editor");

	tcase_set_timeout(t, 120);
	tcase_add_test(t, unsaved_text_and_edits);
	tcase_add_test(t, unchanged_functions_move_with_edits);
	suite_add_tcase(s, t);
	return vt_test_run(s);
}
