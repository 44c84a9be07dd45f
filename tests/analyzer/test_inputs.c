/*
 * test_inputs.c: what the driver does with the command line's inputs and
 * its units' findings (inputs.c).  One report per place however many units
 * found it (a header, a file listed twice), on 400,000 findings: that once
 * compared each finding with every earlier one.  The report's order.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inputs.h"
#include "testutil.h"

/* Findings of each big input: argv[1], else 400,000 (valgrind asks for fewer). */
static unsigned N = 400000;

/* A folder of its own with f.c in it, in /dev/shm when there is one. */
static char *temp_source(char **dir)
{
	char *file;
	FILE *f;

	*dir = xasprintf("%s/vtlint-inputs-XXXXXX", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(*dir));
	file = xasprintf("%s/f.c", *dir);
	f = fopen(file, "w");
	ck_assert_ptr_nonnull(f);
	fputs("int x;\n", f);
	ck_assert_int_eq(fclose(f), 0);
	return file;
}

/*
 * The first N/2 findings, one per line, name f.c one way; the next N/2
 * name the same lines the other way round, as a second unit would: those
 * go, but for every third, whose message differs.
 */
START_TEST(one_report_per_place)
{
	char *dir, *file = temp_source(&dir), *other = xasprintf("%s/./f.c", dir);
	vt_findings fs = { 0 };
	size_t half = N / 2, thirds = 0, bad = 0;

	for (unsigned i = 0; i < half; i++)
		vt_add_finding(&fs, 0, (vt_loc){ file, i + 1, 3 }, "m");
	for (unsigned i = half; i-- > 0;) {
		vt_add_finding(&fs, 0, (vt_loc){ other, i + 1, 3 }, i % 3 ? "m" : "another");
		thirds += i % 3 == 0;
	}
	vt_add_finding(&fs, 1, (vt_loc){ other, 1, 3 }, "m"); /* another rule */
	vt_add_finding(&fs, 0, (vt_loc){ other, 1, 4 }, "m"); /* another column */
	ck_assert_uint_eq(vt_findings_unique(&fs), half - thirds);
	ck_assert_uint_eq(fs.items.len, half + thirds + 2);
	for (size_t i = 0; i < fs.items.len; i++) /* the first of each stays, in order */
		bad += i < half ? strcmp(fs.items.data[i].loc.file, file) || fs.items.data[i].loc.line != i + 1
				: strcmp(fs.items.data[i].loc.file, other) != 0;
	ck_assert_uint_eq(bad, 0);
	ck_assert_str_eq(fs.items.data[half].message, "another");
	ck_assert_uint_eq(fs.items.data[half + thirds].rule, 1);
	ck_assert_uint_eq(fs.items.data[half + thirds + 1].loc.col, 4);
	vt_findings_free(&fs);
	unlink(file);
	rmdir(dir);
	free(other);
	free(file);
	free(dir);
}
END_TEST

/*
 * Units' findings appended in the files' order (b.c's unit, then a.c's,
 * each with a header's): the report's order is by file, line, column and
 * rule whatever that order was, and what ties keeps its order.
 */
START_TEST(report_order)
{
	static const struct { const char *file; unsigned line, col; const char *rule, *msg; } in[] = {
		{ "src/b.c", 3, 1, "VT005", "b" }, { "src/h.h", 9, 2, "VT001", "h9 from b" },
		{ "src/a.c", 7, 5, "VT002", "a7" }, { "src/a.c", 7, 5, "VT001", "a7 first" },
		{ "src/a.c", 7, 5, "VT001", "a7 second" }, { "src/h.h", 4, 2, "VT001", "h4 from a" },
		{ "src/a.c", 7, 4, "VT003", "a7 col 4" }, { "src/a.c", 2, 9, "VT004", "a2" },
	};
	static const char *const want[] = { "a2", "a7 col 4", "a7 first", "a7 second", "a7",
					    "b", "h4 from a", "h9 from b" };
	vt_findings fs = { 0 };

	for (size_t i = 0; i < sizeof in / sizeof *in; i++) {
		vt_add_finding(&fs, vt_rule_lookup(in[i].rule), (vt_loc){ in[i].file, in[i].line, in[i].col },
			       in[i].msg);
		vt_add_error(&fs, in[i].file, in[i].line, 0, "%s", in[i].msg);
	}
	vt_report_order(&fs, NULL);
	for (size_t i = 0; i < sizeof want / sizeof *want; i++)
		ck_assert_str_eq(fs.items.data[i].message, want[i]);
	/* errors: by file and line, the three at a.c:7 (no column) as they came */
	ck_assert_str_eq(fs.errors.data[0].message, "a2");
	ck_assert_str_eq(fs.errors.data[1].message, "a7");
	ck_assert_str_eq(fs.errors.data[2].message, "a7 first");
	ck_assert_str_eq(fs.errors.data[3].message, "a7 second");
	ck_assert_str_eq(fs.errors.data[4].message, "a7 col 4");
	ck_assert_str_eq(fs.errors.data[7].message, "h9 from b");
	vt_findings_free(&fs);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("inputs");
	TCase *t = tcase_create("inputs");

	if (argc > 1)
		N = (unsigned)strtoul(argv[1], NULL, 10);
	tcase_set_timeout(t, 0);
	tcase_add_test(t, one_report_per_place);
	tcase_add_test(t, report_order);
	suite_add_tcase(s, t);
	return vt_test_run(s);
}
