/*
 * fuzz_source.c: what vtlint itself parses in a source file, beside what
 * libclang parses: the NOLINT comments (vt_suppress_text) and GitHub's
 * line hashes for SARIF (vt_line_hashes_text).  The input is the file.
 * Properties: with keep, suppression drops nothing and marks exactly the
 * findings that it drops without keep; every line has a hash, and no
 * line past the last has one.
 */
#include <string.h>

#include "fuzz.h"
#include "vtlint.h"

enum { LINES = 40 };

/* A finding of every rule on each of the first LINES lines. */
static void findings(vt_findings *fs)
{
	for (unsigned line = 1; line <= LINES; line++)
		for (int rule = 0; rule < vt_nrules; rule++) {
			vt_loc at = { "a.c", line, 1 };

			vt_add_finding(fs, rule, at, "m");
		}
}

static void suppress(const char *text)
{
	vt_findings kept = { 0 }, dropped = { 0 };
	size_t marked = 0;
	bool ok;

	findings(&kept);
	findings(&dropped);
	ok = vt_suppress_text(text, "a.c", &kept, true);
	FZ_CHECK(ok == (kept.errors.len == 0));
	FZ_CHECK(kept.items.len == LINES * (size_t)vt_nrules);
	for (size_t i = 0; i < kept.items.len; i++)
		marked += kept.items.data[i].suppressed;
	vt_suppress_text(text, "a.c", &dropped, false);
	FZ_CHECK(dropped.items.len == kept.items.len - marked);
	for (size_t i = 0; i < dropped.items.len; i++)
		FZ_CHECK(!dropped.items.data[i].suppressed);
	vt_findings_free(&kept);
	vt_findings_free(&dropped);
}

static void line_hashes(const char *text, size_t len)
{
	vt_line_hashes *h = vt_line_hashes_text(text, len);
	size_t n = vt_line_hashes_count(h);
	char buf[VT_LINE_HASH_SIZE];

	FZ_CHECK(n >= 1);
	for (size_t line = 1; line <= n; line++) {
		FZ_CHECK(vt_line_hashes_get(h, (unsigned)line, buf));
		FZ_CHECK(strchr(buf, ':') && strlen(buf) < VT_LINE_HASH_SIZE);
	}
	FZ_CHECK(!vt_line_hashes_get(h, (unsigned)n + 1, buf));
	vt_line_hashes_free(h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	memcpy(text, data, size);
	text[size] = 0;
	suppress(text);
	line_hashes(text, size);
	free(text);
	return 0;
}
