/*
 * fuzz_config.c: .vtlint.json as vt_config_load reads it.  The input is
 * the file; a configuration that loads is then asked which of a few paths
 * its "skip" patterns match.  Properties: a file either loads or reports
 * at least one error naming it, never both.
 */
#include <string.h>

#include "fuzz.h"
#include "vtlint.h"

static void check_config(const vt_config *c, const char *path)
{
	static const char *const files[] = { "a.c", "src/gen/x_generated.c", "vendor/lib/z.c",
					     "/abs/path/b.c" };

	FZ_CHECK(!strcmp(c->path, path));
	for (int r = 0; r < vt_nrules; r++)
		FZ_CHECK(c->level[r] >= LEVEL_OFF && c->level[r] <= LEVEL_ERROR);
	for (size_t i = 0; i < sizeof files / sizeof *files; i++)
		(void)vt_config_skips(c, files[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *path = fz_write(".vtlint.json", data, size);
	vt_findings errs = { 0 };
	vt_config *c = vt_config_load(path, &errs);

	if (c) {
		FZ_CHECK(errs.errors.len == 0);
		check_config(c, path);
	} else {
		FZ_CHECK(errs.errors.len > 0);
		for (size_t i = 0; i < errs.errors.len; i++)
			FZ_CHECK(!strcmp(errs.errors.data[i].file, path));
	}
	vt_config_free(c);
	vt_findings_free(&errs);
	free(path);
	return 0;
}
