/*
 * fuzz_compdb.c: compilation databases.  Two modes, by the first byte:
 *
 *   '\0'   the rest is "FILE\0ARG\0ARG..." given to vt_compdb_args (the
 *          arguments after `--`), the cleaning of a command;
 *   other  the whole input is a compile_commands.json, with "@DIR@"
 *          replaced by its folder (so that seeds can name files that
 *          exist), read with -p (vt_compdb_all, vt_compdb_command) and by
 *          discovery from a file below it.
 *
 * Properties: what vtlint hands libclang never holds the
 * output options, and every command has a file, a path and arguments.
 */
#include <string.h>

#include "fuzz.h"
#include "vtlint.h"

static void check_args(const vt_cmd *c)
{
	for (size_t i = 0; i < c->args.len; i++) {
		FZ_CHECK(c->args.data[i] != NULL);
		FZ_CHECK(strcmp(c->args.data[i], "-c") && strcmp(c->args.data[i], "-o"));
	}
}

static void clean_args(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *argv[64], *file;
	int n = 0;
	vt_compdb *c = vt_compdb_new(NULL);
	vt_cmd out = { 0 };

	memcpy(buf, data, size);
	buf[size] = 0;
	file = buf;
	for (char *p = file + strlen(file) + (file + strlen(file) < buf + size);
	     p < buf + size && n < 64; p += strlen(p) + 1)
		argv[n++] = p;
	vt_compdb_notes(c, NULL);
	vt_compdb_args(c, file, argv, n, &out);
	check_args(&out);
	vt_cmd_free(&out);
	vt_compdb_free(c);
	free(buf);
}

/* data with each "@DIR@" replaced by dir. */
static char *expand(const uint8_t *data, size_t size, const char *dir, size_t *len)
{
	size_t dl = strlen(dir), o = 0;
	char *s = malloc(size / 5 * dl + size + 1);

	for (size_t i = 0; i < size;) {
		if (i + 5 <= size && !memcmp(data + i, "@DIR@", 5)) {
			memcpy(s + o, dir, dl);
			o += dl;
			i += 5;
		} else {
			s[o++] = (char)data[i++];
		}
	}
	*len = o;
	return s;
}

static void check_cmd(const vt_cmd *c)
{
	FZ_CHECK(c->file && c->path);
	check_args(c);
}

static void with_build_path(const char *db, const char *source)
{
	vt_compdb *c = vt_compdb_new(db);
	vt_findings errs = { 0 };
	vt_cmds all = { 0 };
	vt_cmd one = { 0 };

	vt_compdb_notes(c, NULL);
	if (!vt_compdb_all(c, &all, &errs))
		FZ_CHECK(errs.errors.len > 0);
	for (size_t i = 0; i < all.len; i++) {
		check_cmd(&all.data[i]);
		vt_cmd_free(&all.data[i]);
	}
	free(all.data);
	if (vt_compdb_command(c, source, &one, &errs))
		check_cmd(&one);
	vt_cmd_free(&one);
	vt_compdb_free(c);
	vt_findings_free(&errs);
}

static void by_discovery(const char *source)
{
	vt_compdb *c = vt_compdb_new(NULL);
	vt_findings errs = { 0 };
	vt_cmd one = { 0 };

	vt_compdb_notes(c, NULL);
	if (vt_compdb_command(c, source, &one, &errs))
		check_cmd(&one);
	else
		FZ_CHECK(errs.errors.len > 0);
	vt_cmd_free(&one);
	vt_compdb_free(c);
	vt_findings_free(&errs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *db, *source, *unlisted;
	char *json, *path;
	size_t len;

	if (size > 0 && data[0] == 0) {
		clean_args(data + 1, size - 1);
		return 0;
	}
	if (!db) {
		source = fz_write("db/a.c", (const uint8_t *)"int a;\n", 7);
		unlisted = fz_write("db/sub/u.c", (const uint8_t *)"int u;\n", 7);
		db = strdup(source);
		*strrchr(db, '/') = 0;
	}
	json = expand(data, size, db, &len);
	path = fz_write("db/compile_commands.json", (const uint8_t *)json, len);
	with_build_path(db, source);
	by_discovery(source);
	by_discovery(unlisted);
	free(path);
	free(json);
	return 0;
}
