/*
 * test_baseline.c: --baseline matching and fingerprints (cli.md).  Random
 * small baselines against a model written from the contract (rule, path
 * relative to the source root or a path suffix of it, fingerprint; each
 * entry matches once, the first in the report's order), and inputs of
 * 200,000 findings: matching once cost findings x entries, and numbering
 * copies of a line findings x findings.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "vtlint.h"

/* Findings and entries of each big input: argv[1], else 200,000 (valgrind asks for fewer). */
static unsigned N = 200000;

/* In /dev/shm when there is one: the model rewrites its file a thousand times. */
static char *temp_file(const char *suffix)
{
	char *path = xasprintf("%s/vtlint-baseline-XXXXXX%s",
			       access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp", suffix);
	int fd = mkstemps(path, (int)strlen(suffix));

	ck_assert_int_ge(fd, 0);
	close(fd);
	return path;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* ---- the model ------------------------------------------------------------------------- */

enum { ENTRIES = 8, FINDINGS = 8, FILES = 6 };

/* The same file as the contract has it: equal, or one a path suffix of the other. */
static const char *const files[FILES] = { "a.c", "src/a.c", "/old/src/a.c", "xsrc/a.c",
					  "src/b.c", "b.c" };
static const char *const rules[2] = { "VT001", "VT005" };
static const char *const fps[2] = { "00000000000000aa", "00000000000000aa:2" };

static bool same_file(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la > lb)
		return same_file(b, a);
	return !strcmp(b + lb - la, a) && (la == lb || b[lb - la - 1] == '/');
}

typedef struct item {
	int file, rule, fp;
} item;

static item random_item(unsigned *seed)
{
	return (item){ rand_r(seed) % FILES, rand_r(seed) % 2, rand_r(seed) % 2 };
}

/* Which findings the model drops: each takes the first unused entry that fits. */
static void model(const item *entry, const item *finding, bool *dropped)
{
	bool used[ENTRIES] = { false };

	for (int f = 0; f < FINDINGS; f++) {
		dropped[f] = false;
		for (int e = 0; e < ENTRIES && !dropped[f]; e++)
			if (!used[e] && entry[e].rule == finding[f].rule && entry[e].fp == finding[f].fp &&
			    same_file(files[entry[e].file], files[finding[f].file]))
				used[e] = dropped[f] = true;
	}
}

static vt_baseline *load(const char *path, const char *text)
{
	vt_findings errs = { 0 };
	vt_baseline *b;

	write_text(path, text);
	b = vt_baseline_load(path, &errs);
	ck_assert_uint_eq(errs.errors.len, 0);
	ck_assert_ptr_nonnull(b);
	return b;
}

static char *json_of(const item *entry)
{
	char *text = xstrdup("{ \"version\": 1, \"diagnostics\": [");

	for (int e = 0; e < ENTRIES; e++) {
		char *more = xasprintf("%s%s{ \"rule\": \"%s\", \"file\": \"%s\", \"fingerprint\": \"%s\" }",
				       text, e ? "," : "", rules[entry[e].rule], files[entry[e].file],
				       fps[entry[e].fp]);

		free(text);
		text = more;
	}
	char *done = xasprintf("%s] }", text);

	free(text);
	return done;
}

START_TEST(matches_as_the_model_has_them)
{
	char *path = temp_file(".json");
	unsigned seed = 777;

	for (int round = 0; round < 1000; round++) {
		item entry[ENTRIES], finding[FINDINGS];
		bool dropped[FINDINGS];
		vt_findings fs = { 0 };
		vt_baseline *b;
		char *text;
		size_t k = 0;

		for (int i = 0; i < ENTRIES; i++)
			entry[i] = random_item(&seed);
		for (int i = 0; i < FINDINGS; i++) {
			vt_finding *f;

			finding[i] = random_item(&seed);
			f = vt_add_finding(&fs, vt_rule_lookup(rules[finding[i].rule]),
					   (vt_loc){ files[finding[i].file], (unsigned)i + 1, 1 }, "m");
			f->fingerprint = xstrdup(fps[finding[i].fp]);
		}
		model(entry, finding, dropped);
		text = json_of(entry);
		b = load(path, text);
		vt_baseline_filter_at(b, &fs, "/no/such/root"); /* paths stay as written */
		for (int i = 0; i < FINDINGS; i++) {
			bool kept = k < fs.items.len && fs.items.data[k].loc.line == (unsigned)i + 1;

			if (kept != !dropped[i])
				ck_abort_msg("round %d finding %d (%s %s %s) in %s", round, i,
					     rules[finding[i].rule], files[finding[i].file], fps[finding[i].fp], text);
			k += kept;
		}
		vt_baseline_free(b);
		vt_findings_free(&fs);
		free(text);
	}
	unlink(path);
	free(path);
}
END_TEST

/* ---- big inputs ------------------------------------------------------------------------- */

/*
 * N entries of N files; the findings name them in the opposite order (the
 * last entry first), half as the report does, half by absolute paths under
 * its source root, and N more findings match nothing.  Every entry is used once.
 */
START_TEST(many_entries)
{
	char *path = temp_file(".json");
	FILE *out = fopen(path, "w");
	vt_findings errs = { 0 }, fs = { 0 };
	vt_baseline *b;
	size_t bad = 0;

	ck_assert_ptr_nonnull(out);
	fputs("{ \"version\": 1, \"srcroot\": \"/work/src\", \"diagnostics\": [", out);
	for (unsigned i = 0; i < N; i++)
		fprintf(out, "%s{ \"rule\": \"VT001\", \"file\": \"dir%u/f.c\", \"fingerprint\": \"%016x\" }",
			i ? "," : "", i % 1000, i);
	fputs("] }", out);
	ck_assert_int_eq(fclose(out), 0);
	b = vt_baseline_load(path, &errs);
	ck_assert_ptr_nonnull(b);
	for (unsigned i = N; i-- > 0;) {
		char *file = xasprintf("%sdir%u/f.c", i % 2 ? "/work/src/" : "", i % 1000);
		char *fp = xasprintf("%016x", i);
		vt_finding *f = vt_add_finding(&fs, vt_rule_lookup("VT001"), (vt_loc){ file, 1, 1 }, "m");

		f->fingerprint = fp;
		f = vt_add_finding(&fs, vt_rule_lookup("VT001"), (vt_loc){ file, 2, 1 }, "m");
		f->fingerprint = xasprintf("%016x:2", i); /* a copy the baseline does not have */
		free(file);
	}
	ck_assert_uint_eq(vt_baseline_filter_at(b, &fs, "/work/src"), N);
	ck_assert_uint_eq(fs.items.len, N);
	for (size_t i = 0; i < fs.items.len; i++)
		bad += fs.items.data[i].loc.line != 2; /* one ck_assert each would cost a write each */
	ck_assert_uint_eq(bad, 0);
	vt_baseline_free(b);
	vt_findings_free(&fs);
	vt_findings_free(&errs);
	unlink(path);
	free(path);
}
END_TEST

/*
 * N findings on N lines of the same text (indented differently): one
 * hash, numbered in order; a line of other text and one past the end are
 * not copies of it, and line 0 is read as line 1.
 */
START_TEST(many_copies)
{
	char *path = temp_file(".c"), *text = xmalloc((size_t)N * 32 + 64), *p = text;
	vt_findings fs = { 0 };
	const char *first;

	for (unsigned i = 0; i < N; i++)
		p += sprintf(p, i % 2 ? "\tvtask_await(v, 0);\n" : "  vtask_await( v, 0 );\n");
	strcpy(p, "return 0;\n");
	write_text(path, text);
	for (unsigned i = 1; i <= N + 2; i++)
		vt_add_finding(&fs, vt_rule_lookup("VT001"), (vt_loc){ path, i, 1 }, "m");
	vt_add_finding(&fs, vt_rule_lookup("VT001"), (vt_loc){ path, 0, 1 }, "m");
	vt_fingerprint_all(&fs);
	first = fs.items.data[0].fingerprint;
	ck_assert_uint_eq(strlen(first), 16);
	for (unsigned i = 1; i < N; i++) {
		char *want = xasprintf("%s:%u", first, i + 1);

		if (strcmp(fs.items.data[i].fingerprint, want))
			ck_abort_msg("line %u: %s, not %s", i + 1, fs.items.data[i].fingerprint, want);
		free(want);
	}
	ck_assert_uint_eq(strlen(fs.items.data[N].fingerprint), 16);     /* return 0; */
	ck_assert_uint_eq(strlen(fs.items.data[N + 1].fingerprint), 16); /* past the end */
	ck_assert_str_ne(fs.items.data[N].fingerprint, first);
	ck_assert_str_ne(fs.items.data[N + 1].fingerprint, first);
	ck_assert_str_ne(fs.items.data[N + 1].fingerprint, fs.items.data[N].fingerprint);
	{
		char *want = xasprintf("%s:%u", first, N + 1); /* line 0: line 1's text again */

		ck_assert_str_eq(fs.items.data[N + 2].fingerprint, want);
		free(want);
	}
	vt_findings_free(&fs);
	unlink(path);
	free(path);
	free(text);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("baseline");
	TCase *t = tcase_create("baseline");

	if (argc > 1)
		N = (unsigned)strtoul(argv[1], NULL, 10);
	tcase_set_timeout(t, 0);
	tcase_add_test(t, matches_as_the_model_has_them);
	tcase_add_test(t, many_entries);
	tcase_add_test(t, many_copies);
	suite_add_tcase(s, t);
	return vt_test_run(s);
}
