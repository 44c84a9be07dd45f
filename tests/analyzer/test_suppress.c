/*
 * test_suppress.c: NOLINT regions (cli.md, "Suppression").  Random small
 * files against a model written from the rule (each NOLINTEND closes the
 * latest open NOLINTBEGIN with the same list), and one file of 300,000
 * nested, interleaved and sequential regions: region handling once cost
 * nesting depth x file lines, and this file took minutes.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "vtlint.h"

/* ---- the model ------------------------------------------------------------------------- */

enum { LINES = 24, LISTS = 4 };

/* The lists a comment may carry, and the rules (VT001, VT005) each names. */
static const char *const list_text[LISTS] = { "", "(VT001)", "(VT001,VT005)", "(unconsumed-vtask)" };
static const unsigned list_mask[LISTS] = { 3, 1, 3, 2 };
enum kind { CODE, NOLINT, NEXTLINE, BEGIN, END, KINDS };
static const char *const kind_text[KINDS] = { "", "NOLINT", "NOLINTNEXTLINE", "NOLINTBEGIN",
					      "NOLINTEND" };

typedef struct model {
	enum kind kind[LINES + 1];
	int list[LINES + 1];
	unsigned mask[LINES + 2]; /* bit 0: VT001, bit 1: VT005 */
	size_t errors;
} model;

/* A region from each NOLINTEND back to the latest open NOLINTBEGIN of its list. */
static void model_regions(model *m)
{
	bool closed[LINES + 1] = { false };

	for (int e = 1; e <= LINES; e++) {
		int b = e - 1;

		if (m->kind[e] != END)
			continue;
		while (b > 0 && !(m->kind[b] == BEGIN && !closed[b] && m->list[b] == m->list[e]))
			b--;
		if (!b) {
			m->errors++;
			continue;
		}
		closed[b] = true;
		for (int l = b; l <= e; l++)
			m->mask[l] |= list_mask[m->list[b]];
	}
	for (int b = 1; b <= LINES; b++)
		m->errors += m->kind[b] == BEGIN && !closed[b];
}

static char *random_file(model *m, unsigned *seed)
{
	char *text = xstrdup("");

	memset(m, 0, sizeof *m);
	for (int l = 1; l <= LINES; l++) {
		char *more;

		m->kind[l] = (enum kind)(rand_r(seed) % KINDS);
		m->list[l] = rand_r(seed) % LISTS;
		if (m->kind[l] == NOLINT)
			m->mask[l] |= list_mask[m->list[l]];
		if (m->kind[l] == NEXTLINE)
			m->mask[l + 1] |= list_mask[m->list[l]];
		more = m->kind[l] == CODE ? xasprintf("%sx;\n", text)
			: xasprintf("%sx; // %s%s\n", text, kind_text[m->kind[l]],
				    list_text[m->list[l]]);
		free(text);
		text = more;
	}
	model_regions(m);
	return text;
}

/* A finding of each of VT001 and VT005 on each line. */
static void findings(vt_findings *fs, unsigned lines)
{
	for (unsigned l = 1; l <= lines; l++) {
		vt_add_finding(fs, vt_rule_lookup("VT001"), (vt_loc){ "a.c", l, 1 }, "m");
		vt_add_finding(fs, vt_rule_lookup("VT005"), (vt_loc){ "a.c", l, 1 }, "m");
	}
}

START_TEST(regions_as_the_model_has_them)
{
	unsigned seed = 12345;

	for (int round = 0; round < 600; round++) {
		vt_findings fs = { 0 };
		model m;
		char *text = random_file(&m, &seed);

		findings(&fs, LINES);
		vt_suppress_text(text, "a.c", &fs, true);
		ck_assert_uint_eq(fs.errors.len, m.errors);
		for (size_t i = 0; i < fs.items.len; i++) {
			const vt_finding *f = &fs.items.data[i];
			unsigned bit = f->rule == vt_rule_lookup("VT001") ? 1 : 2;

			if (f->suppressed != !!(m.mask[f->loc.line] & bit))
				ck_abort_msg("round %d line %u %s:\n%s", round, f->loc.line,
					     vt_rules[f->rule]->id, text);
		}
		vt_findings_free(&fs);
		free(text);
	}
}
END_TEST

/* ---- a big file ------------------------------------------------------------------------- */

/* Regions of each shape: argv[1], else 100,000 (the valgrind run asks for fewer). */
static unsigned N = 100000;

static void put(char **p, const char *line, size_t times)
{
	size_t n = strlen(line);

	for (size_t i = 0; i < times; i++, *p += n)
		memcpy(*p, line, n);
}

/*
 * 1..N          NOLINTBEGIN(VT001)          N+1..2N       NOLINTBEGIN(VT005)
 * 2N+1          code                        2N+2..3N+1    NOLINTEND(VT001)
 * 3N+2          code                        3N+3..4N+2    NOLINTEND(VT005)
 * 4N+3          code                        then N times: NOLINTBEGIN(VT001), code, NOLINTEND(VT001)
 * then an unmatched NOLINTEND(VT005) and an unmatched NOLINTBEGIN(VT001).
 */
static char *big_file(unsigned *lines)
{
	char *text = xmalloc((size_t)N * 140 + 200), *p = text;

	put(&p, "// NOLINTBEGIN(VT001)\n", N);
	put(&p, "// NOLINTBEGIN(VT005)\n", N);
	put(&p, "x;\n", 1);
	put(&p, "// NOLINTEND(VT001)\n", N);
	put(&p, "x;\n", 1);
	put(&p, "// NOLINTEND(VT005)\n", N);
	put(&p, "x;\n", 1);
	put(&p, "/* NOLINTBEGIN(VT001) */\nx;\n/* NOLINTEND(VT001) */\n", N);
	put(&p, "// NOLINTEND(VT005)\n// NOLINTBEGIN(VT001)\nx;\n", 1);
	*p = 0;
	*lines = 4 * N + 3 + 3 * N + 3;
	return text;
}

/* Whether a finding of rule at line is still there. */
static bool kept(const vt_findings *fs, const char *rule, unsigned line)
{
	for (size_t i = 0; i < fs->items.len; i++)
		if (fs->items.data[i].loc.line == line && fs->items.data[i].rule == vt_rule_lookup(rule))
			return true;
	return false;
}

START_TEST(many_regions)
{
	/*
	 * VT001 is suppressed on 1..3N+1 and on the sequential regions, ends
	 * included (4N+4..7N+3); VT005 on N+1..4N+2.  Findings on the lines
	 * where that changes, not on all 700,000 (the test also runs under valgrind).
	 */
	const unsigned end = 7 * N + 3;
	const struct { unsigned line; bool vt001, vt005; } probe[] = {
		{ 1, false, true }, { N, false, true }, { N + 1, false, false },
		{ 2 * N + 1, false, false }, { 3 * N + 1, false, false },
		{ 3 * N + 2, true, false }, { 4 * N + 2, true, false }, { 4 * N + 3, true, true },
		{ 4 * N + 4, false, true }, { 4 * N + 6, false, true }, { end, false, true },
		{ end + 1, true, true }, { end + 2, true, true }, { end + 3, true, true },
	};
	unsigned lines;
	char *text = big_file(&lines);
	vt_findings fs = { 0 };

	ck_assert_uint_eq(lines, end + 3);
	for (size_t i = 0; i < sizeof probe / sizeof *probe; i++) {
		vt_add_finding(&fs, vt_rule_lookup("VT001"), (vt_loc){ "a.c", probe[i].line, 1 }, "m");
		vt_add_finding(&fs, vt_rule_lookup("VT005"), (vt_loc){ "a.c", probe[i].line, 1 }, "m");
	}
	ck_assert(!vt_suppress_text(text, "a.c", &fs, false));
	for (size_t i = 0; i < sizeof probe / sizeof *probe; i++) {
		ck_assert_msg(kept(&fs, "VT001", probe[i].line) == probe[i].vt001, "VT001 at %u",
			      probe[i].line);
		ck_assert_msg(kept(&fs, "VT005", probe[i].line) == probe[i].vt005, "VT005 at %u",
			      probe[i].line);
	}
	ck_assert_uint_eq(fs.errors.len, 2);
	ck_assert_uint_eq(fs.errors.data[0].line, end + 1);
	ck_assert_str_eq(fs.errors.data[0].message,
			 "unmatched 'NOLINTEND' comment without a previous 'NOLINTBEGIN' comment");
	ck_assert_uint_eq(fs.errors.data[1].line, end + 2);
	ck_assert_str_eq(fs.errors.data[1].message,
			 "unmatched 'NOLINTBEGIN' comment without a subsequent 'NOLINTEND' comment");
	vt_findings_free(&fs);
	free(text);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("suppress");
	TCase *t = tcase_create("regions");

	if (argc > 1)
		N = (unsigned)strtoul(argv[1], NULL, 10);
	tcase_set_timeout(t, 0);
	tcase_add_test(t, regions_as_the_model_has_them);
	tcase_add_test(t, many_regions);
	suite_add_tcase(s, t);
	return vt_test_run(s);
}
