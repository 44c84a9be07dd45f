/*
 * fuzz_baseline.c: --baseline FILE, a JSON or SARIF report, as
 * vt_baseline_load reads it, then vt_baseline_filter over findings.  The
 * same bytes are also the source file some findings point into, so that
 * vt_fingerprint_all hashes lines of arbitrary text.  Properties: a
 * baseline that does not load reports an error; filtering keeps exactly
 * the findings it did not drop; nothing is matched twice.
 */
#include <string.h>

#include "fuzz.h"
#include "vtlint.h"

/* Findings the seeds name: rule (an index of vt_rules: 0 is VT001), file, fingerprint. */
static const struct { int rule; const char *file, *fp; } fixed[] = {
	{ 0, "src/a.c", "00000000000000aa" },
	{ 0, "src/a.c", "00000000000000aa" }, /* the same twice: one entry drops one */
	{ 4, "/abs/src/b.c", "1234567890abcdef:2" },
	{ 1, "b.c", "1234567890abcdef:2" },
	{ 2, "", "" },
};

static void add_findings(vt_findings *fs, const char *source)
{
	for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) {
		vt_loc at = { fixed[i].file, (unsigned)i + 1, 1 };
		vt_finding *f = vt_add_finding(fs, fixed[i].rule % vt_nrules, at, "message");

		f->fingerprint = xstrdup(fixed[i].fp);
		vt_add_note(f, at, "a note");
	}
	/* Lines of the input itself, fingerprinted as a source file is. */
	vt_findings src = { 0 };

	for (unsigned line = 0; line < 6; line++) {
		vt_loc at = { source, line * 3 + (line == 5 ? 1000000 : 0), 2 };

		vt_add_finding(&src, (int)(line % (unsigned)vt_nrules), at, line % 2 ? "m" : "n");
	}
	vt_fingerprint_all(&src);
	for (size_t i = 0; i < src.items.len; i++)
		FZ_CHECK(src.items.data[i].fingerprint != NULL);
	vt_findings_move(fs, &src);
	vt_findings_free(&src);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *path = fz_write("baseline.json", data, size);
	vt_findings errs = { 0 }, fs = { 0 };
	vt_baseline *b = vt_baseline_load(path, &errs);

	if (!b) {
		FZ_CHECK(errs.errors.len > 0);
	} else {
		size_t before, dropped;

		FZ_CHECK(errs.errors.len == 0);
		add_findings(&fs, path);
		before = fs.items.len;
		dropped = vt_baseline_filter(b, &fs);
		FZ_CHECK(dropped + fs.items.len == before);
		/* Each entry matches once, and what stayed matched none: a second pass drops nothing. */
		FZ_CHECK(vt_baseline_filter(b, &fs) == 0);
	}
	vt_baseline_free(b);
	vt_findings_free(&fs);
	vt_findings_free(&errs);
	free(path);
	return 0;
}
