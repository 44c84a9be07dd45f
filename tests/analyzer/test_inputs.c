/*
 * test_inputs.c: what the driver does with the command line's inputs and
 * its units' findings (inputs.c).  One report per place however many units
 * found it (a header, a file listed twice), on 400,000 findings: that once
 * compared each finding with every earlier one.  The report's order.
 * @FILE argument files.
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

/* dir/name holding text. */
static void put_file(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	free(path);
}

/* The error of expanding `vtlint @dir/name` (NULL when none); *n: how many arguments. */
static char *expand_error(const char *dir, const char *name, size_t *n)
{
	vt_strings out = { 0 };
	char *arg = xasprintf("@%s/%s", dir, name), *why;

	why = vt_expand_args(2, (char *[]){ "vtlint", arg }, &out);
	*n = out.len;
	for (size_t i = 0; i < out.len; i++)
		free(out.data[i]);
	free(out.data);
	free(arg);
	return why;
}

/* "@dir/name\n" times n. */
static char *naming(const char *dir, const char *name, int n)
{
	char *line = xasprintf("@%s/%s\n", dir, name), *text = xmalloc(strlen(line) * (size_t)n + 1);

	text[0] = 0;
	for (int i = 0; i < n; i++)
		strcat(text, line);
	free(line);
	return text;
}

/*
 * @FILE: one argument a line (CRLF or LF; blank lines are none), each
 * expanded in turn, nothing after `--`.  A file that cannot be read, one
 * that names itself, and files that name the next many times over (c0
 * names c1 300 times, c1 names c2 300 times...: 27 million reads) are
 * errors naming the file, not a hang.
 */
START_TEST(argument_files)
{
	static const char *const files[] = { "b", "d", "self", "c0", "c1", "c2", "c3" };
	char *dir, *src = temp_source(&dir), *b = xasprintf("a.c\n@%s/d\n", dir), *why, *text;
	char *args[] = { "vtlint", xasprintf("@%s/b", dir), "-j1", "--", xasprintf("@%s/b", dir) };
	vt_strings out = { 0 };
	size_t n;

	put_file(dir, "d", "-q\r\n\nx.c\n");
	put_file(dir, "b", b);
	ck_assert_ptr_null(vt_expand_args(5, args, &out));
	ck_assert_uint_eq(out.len, 7);
	ck_assert_str_eq(out.data[1], "a.c");
	ck_assert_str_eq(out.data[2], "-q");
	ck_assert_str_eq(out.data[3], "x.c");
	ck_assert_str_eq(out.data[4], "-j1");
	ck_assert_str_eq(out.data[6], args[4]); /* the compiler's, as it was */
	for (size_t i = 0; i < out.len; i++)
		free(out.data[i]);
	free(out.data);
	put_file(dir, "self", text = naming(dir, "self", 1));
	free(text);
	why = expand_error(dir, "self", &n);
	ck_assert_ptr_nonnull(strstr(why, "/self: argument files nest more than 16 deep"));
	free(why);
	why = expand_error(dir, "nothere", &n);
	ck_assert_ptr_nonnull(strstr(why, "/nothere: cannot read this argument file"));
	free(why);
	for (int k = 0; k < 3; k++) {
		char *name = xasprintf("c%d", k), *next = xasprintf("c%d", k + 1);

		put_file(dir, name, text = naming(dir, next, 300));
		free(text);
		free(name);
		free(next);
	}
	put_file(dir, "c3", "x.c\n");
	why = expand_error(dir, "c0", &n);
	ck_assert_ptr_nonnull(strstr(why, ": more than 2000 argument files to read"));
	ck_assert_ptr_nonnull(strstr(why, dir));
	free(why);
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		char *path = xasprintf("%s/%s", dir, files[i]);

		unlink(path);
		free(path);
	}
	unlink(src);
	rmdir(dir);
	free(args[1]);
	free(args[4]);
	free(b);
	free(src);
	free(dir);
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
	tcase_add_test(t, argument_files);
	suite_add_tcase(s, t);
	return vt_test_run(s);
}
