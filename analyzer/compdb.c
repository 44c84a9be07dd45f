/*
 * compdb.c: each file's compiler arguments, from a compilation database
 * (-p DIR, or the nearest compile_commands.json walking up from the file,
 * also trying build/ beside each folder walked) or from the arguments after
 * `--`.  Runs before the workers start: no chdir anywhere, relative paths
 * are resolved through -working-directory.
 */
#include <clang-c/CXCompilationDatabase.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vtlint.h"

typedef struct db_ent {
	char *dir;                 /* the folder looked in */
	CXCompilationDatabase db;  /* NULL: none there, or broken (reported once) */
	VEC(char *) listed;        /* real paths of the files it lists */
} db_ent;

struct vt_compdb {
	char *build_path;          /* -p: only this one */
	VEC(db_ent) seen;
};

/* Options that say where output goes, or that only gcc knows, and their operands. */
static const struct { const char *opt; int operands; } dropped[] = {
	{ "-c", 0 }, { "-o", 1 }, { "-MD", 0 }, { "-MMD", 0 }, { "-MP", 0 },
	{ "-MF", 1 }, { "-MT", 1 }, { "-MQ", 1 }, { "-M", 0 }, { "-MM", 0 },
	{ "-fno-fat-lto-objects", 0 }, { "-fcond-mismatch", 0 },
	{ "-fno-var-tracking-assignments", 0 }, { "-fconserve-stack", 0 },
};

/* ---- arguments --------------------------------------------------------------------- */

static bool same_file(const char *a, const char *b)
{
	struct stat x, y;

	return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

static int dropped_operands(const char *a)
{
	for (size_t i = 0; i < sizeof dropped / sizeof *dropped; i++)
		if (strcmp(a, dropped[i].opt) == 0)
			return dropped[i].operands;
	if (strncmp(a, "-o", 2) == 0 || strncmp(a, "-MF", 3) == 0 || strncmp(a, "-MT", 3) == 0)
		return 0; /* joined operand: drop the argument alone */
	return -1;
}

/*
 * A compile command's arguments as vtlint passes them to libclang: without
 * the compiler itself, the output options and the source file (vtlint names
 * it separately), and tolerant of gcc's own warning flags.
 */
void vt_clean_args(char *const *in, int n, const char *file, const char *dir, vt_cmd *out)
{
	int i = 0;

	if (n > 0 && in[0][0] != '-' && !same_file(in[0], file))
		i = 1; /* the compiler: cc, /usr/bin/gcc, ccache gcc ... */
	while (i < n && i == 1 && in[i][0] != '-' && !strchr(in[i], '.'))
		i++;   /* a wrapper's second word: `ccache gcc` */
	if (dir)
		vec_push(&out->args, xasprintf("-working-directory=%s", dir));
	vec_push(&out->args, xstrdup("-Wno-unknown-warning-option"));
	vec_push(&out->args, xstrdup("-Wno-unused-command-line-argument"));
	vec_push(&out->args, xstrdup("-Wno-ignored-optimization-argument"));
	for (; i < n; i++) {
		int skip = dropped_operands(in[i]);
		char *joined = dir && in[i][0] != '/' ? xasprintf("%s/%s", dir, in[i]) : NULL;
		bool is_source = in[i][0] != '-' && (same_file(in[i], file) ||
						     (joined && same_file(joined, file)));

		free(joined);
		if (skip >= 0)
			i += skip;
		else if (!is_source)
			vec_push(&out->args, xstrdup(in[i]));
	}
}

void vt_cmd_free(vt_cmd *c)
{
	for (size_t i = 0; i < c->args.len; i++)
		free(c->args.data[i]);
	free(c->args.data);
	free(c->file);
	free(c->path);
	memset(c, 0, sizeof *c);
}

/* ---- reading a database ------------------------------------------------------------- */

/* libclang only says "cannot load": check the JSON first, to say where and what. */
static bool valid_db(const char *json_path, vt_findings *errs)
{
	size_t len;
	char *text = vt_read_file(json_path, &len);
	cJSON *root;
	bool ok = true;

	if (!text) {
		vt_add_error(errs, json_path, 0, 0, "cannot read: %s", strerror(errno));
		return false;
	}
	root = cJSON_ParseWithLength(text, len);
	if (!root) {
		const char *at = cJSON_GetErrorPtr();

		vt_add_error(errs, json_path, at ? vt_line_of(text, at) : 0, 0,
			     "not valid JSON: a compilation database is an array of commands");
		ok = false;
	} else if (!cJSON_IsArray(root)) {
		vt_add_error(errs, json_path, 1, 1, "a compilation database must be a JSON array");
		ok = false;
	} else {
		int i = 0;
		cJSON *e;

		cJSON_ArrayForEach(e, root) {
			if (!cJSON_IsString(cJSON_GetObjectItem(e, "directory")) ||
			    !cJSON_IsString(cJSON_GetObjectItem(e, "file")) ||
			    (!cJSON_GetObjectItem(e, "arguments") && !cJSON_GetObjectItem(e, "command"))) {
				vt_add_error(errs, json_path, 0, 0, "entry %d needs \"directory\", \"file\" "
					     "and \"arguments\" or \"command\"", i);
				ok = false;
				break;
			}
			i++;
		}
	}
	cJSON_Delete(root);
	free(text);
	return ok;
}

/* The database in dir, loaded once; NULL when there is none (or it is broken). */
static CXCompilationDatabase load(vt_compdb *c, const char *dir, bool *broken, vt_findings *errs)
{
	char *json = xasprintf("%s/compile_commands.json", dir);
	db_ent e = { .dir = xstrdup(dir) };
	CXCompilationDatabase_Error err;
	struct stat st;

	*broken = false;
	for (size_t i = 0; i < c->seen.len; i++)
		if (strcmp(c->seen.data[i].dir, dir) == 0) {
			free(json);
			free(e.dir);
			return c->seen.data[i].db;
		}
	if (stat(json, &st) == 0) {
		if (valid_db(json, errs))
			e.db = clang_CompilationDatabase_fromDirectory(dir, &err);
		if (!e.db) {
			*broken = true;
			if (err != CXCompilationDatabase_NoError)
				vt_add_error(errs, json, 0, 0, "libclang could not load this database");
		}
	}
	free(json);
	vec_push(&c->seen, e);
	return e.db;
}

static void list_files(db_ent *e)
{
	CXCompileCommands cmds = clang_CompilationDatabase_getAllCompileCommands(e->db);
	unsigned n = clang_CompileCommands_getSize(cmds);

	for (unsigned i = 0; i < n; i++) {
		CXCompileCommand cmd = clang_CompileCommands_getCommand(cmds, i);
		CXString f = clang_CompileCommand_getFilename(cmd), d = clang_CompileCommand_getDirectory(cmd);
		const char *name = clang_getCString(f);
		char *path = name[0] == '/' ? xstrdup(name) : xasprintf("%s/%s", clang_getCString(d), name);
		char real[PATH_MAX];

		vec_push(&e->listed, xstrdup(realpath(path, real) ? real : path));
		free(path);
		clang_disposeString(f);
		clang_disposeString(d);
	}
	clang_CompileCommands_dispose(cmds);
}

/*
 * libclang's JSON database guesses a command for a file it does not list
 * (from its nearest neighbour); cli.md gives such files the `--` arguments.
 */
static bool lists(vt_compdb *c, CXCompilationDatabase db, const char *abs)
{
	for (size_t i = 0; i < c->seen.len; i++) {
		db_ent *e = &c->seen.data[i];

		if (e->db != db)
			continue;
		if (!e->listed.len)
			list_files(e);
		for (size_t k = 0; k < e->listed.len; k++)
			if (strcmp(e->listed.data[k], abs) == 0)
				return true;
	}
	return false;
}

/* The folder above dir, in place; false at the root. */
static bool up(char *dir)
{
	char *slash = strrchr(dir, '/');

	if (!slash || (slash == dir && !dir[1]))
		return false;
	if (slash == dir)
		slash[1] = 0; /* "/usr" -> "/" */
	else
		*slash = 0;
	return true;
}

/* Walks up from dir: dir/compile_commands.json, then dir/build/compile_commands.json. */
static CXCompilationDatabase discover(vt_compdb *c, const char *start, vt_findings *errs)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof dir, "%s", start);
	do {
		char *build = xasprintf("%s/build", strcmp(dir, "/") ? dir : "");
		bool broken;
		CXCompilationDatabase db = load(c, dir, &broken, errs);

		if (!db && !broken)
			db = load(c, build, &broken, errs);
		free(build);
		if (db || broken)
			return db;
	} while (up(dir));
	return NULL;
}

vt_compdb *vt_compdb_new(const char *build_path)
{
	vt_compdb *c = xcalloc(1, sizeof *c);

	if (build_path)
		c->build_path = xstrdup(build_path);
	return c;
}

void vt_compdb_free(vt_compdb *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->seen.len; i++) {
		db_ent *e = &c->seen.data[i];

		if (e->db)
			clang_CompilationDatabase_dispose(e->db);
		for (size_t k = 0; k < e->listed.len; k++)
			free(e->listed.data[k]);
		free(e->listed.data);
		free(e->dir);
	}
	free(c->seen.data);
	free(c->build_path);
	free(c);
}

static CXCompilationDatabase database_for(vt_compdb *c, const char *abs, vt_findings *errs)
{
	char dir[PATH_MAX];
	bool broken;

	if (c->build_path) {
		CXCompilationDatabase db = load(c, c->build_path, &broken, errs);

		if (!db && !broken) {
			char *json = xasprintf("%s/compile_commands.json", c->build_path);

			vt_add_error(errs, json, 0, 0, "no compilation database here (-p)");
			free(json);
		}
		return db;
	}
	snprintf(dir, sizeof dir, "%s", abs);
	up(dir);
	return discover(c, dir, errs);
}

static void from_command(CXCompileCommand cmd, vt_cmd *out)
{
	CXString d = clang_CompileCommand_getDirectory(cmd);
	unsigned n = clang_CompileCommand_getNumArgs(cmd);
	char **args = xcalloc(n + 1, sizeof *args);

	for (unsigned i = 0; i < n; i++) {
		CXString a = clang_CompileCommand_getArg(cmd, i);

		args[i] = xstrdup(clang_getCString(a));
		clang_disposeString(a);
	}
	vt_clean_args(args, (int)n, out->path, clang_getCString(d), out);
	for (unsigned i = 0; i < n; i++)
		free(args[i]);
	free(args);
	clang_disposeString(d);
}

/*
 * The command for one file named by the user.  Returns false (errors added)
 * when its database could not be read; a file the database does not list
 * gets the `--` arguments.
 */
bool vt_compdb_command(vt_compdb *c, const char *file, char *const *fallback, int nfallback,
		       vt_cmd *out, vt_findings *errs)
{
	char abs[PATH_MAX];
	size_t nerr = errs->errors.len;
	CXCompilationDatabase db;
	CXCompileCommands cmds = NULL;

	out->file = xstrdup(file);
	out->path = xstrdup(realpath(file, abs) ? abs : file);
	db = realpath(file, abs) ? database_for(c, abs, errs) : NULL;
	if (errs->errors.len > nerr)
		return false;
	if (db && lists(c, db, abs))
		cmds = clang_CompilationDatabase_getCompileCommands(db, abs);
	if (cmds && clang_CompileCommands_getSize(cmds) > 0)
		from_command(clang_CompileCommands_getCommand(cmds, 0), out);
	else
		vt_clean_args(fallback, nfallback, out->path, NULL, out);
	if (cmds)
		clang_CompileCommands_dispose(cmds);
	return true;
}

/* --all: every file of the database at -p, or the one found from the current folder. */
bool vt_compdb_all(vt_compdb *c, vt_cmds *out, vt_findings *errs)
{
	char cwd[PATH_MAX];
	CXCompilationDatabase db;
	CXCompileCommands cmds;
	unsigned n;

	if (!getcwd(cwd, sizeof cwd))
		fatal("cannot read the current directory");
	db = c->build_path ? database_for(c, cwd, errs) : discover(c, cwd, errs);
	if (!db) {
		if (!errs->errors.len)
			vt_add_error(errs, cwd, 0, 0, "--all: no compile_commands.json here or above");
		return false;
	}
	cmds = clang_CompilationDatabase_getAllCompileCommands(db);
	n = clang_CompileCommands_getSize(cmds);
	for (unsigned i = 0; i < n; i++) {
		CXCompileCommand cmd = clang_CompileCommands_getCommand(cmds, i);
		CXString f = clang_CompileCommand_getFilename(cmd), d = clang_CompileCommand_getDirectory(cmd);
		const char *name = clang_getCString(f);
		vt_cmd v = { .file = xstrdup(name) };

		v.path = name[0] == '/' ? xstrdup(name) : xasprintf("%s/%s", clang_getCString(d), name);
		from_command(cmd, &v);
		vec_push(out, v);
		clang_disposeString(f);
		clang_disposeString(d);
	}
	clang_CompileCommands_dispose(cmds);
	return true;
}
