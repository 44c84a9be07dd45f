/*
 * compdb.c: each file's compiler arguments, from a compilation database
 * (-p DIR or -p FILE.json, or the nearest compile_commands.json walking up
 * from the file, also trying build/ beside each folder walked) or from the
 * arguments after `--`.  Runs before the workers start: no chdir anywhere,
 * relative paths are resolved through -working-directory.
 *
 * Databases are made for gcc as often as for clang (CMake with gcc, bear),
 * so a command is taken as found in the wild: the options clang does not
 * know are found by asking clang once (a parse of an empty file) and
 * dropped with one note each, -Werror and its family are neutralised, and
 * entries that are not C or are a compiler's internal step (`clang -cc1`,
 * `-E`) are not analysed.
 */
#include <clang-c/Index.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vtlint.h"

/*
 * One command of a database.  Read lazily: a run over one file of a large
 * database splits and resolves only the command it uses, not every one.
 */
typedef struct entry {
	char *path;                /* "directory"/"file"; through realpath once `resolved` */
	char *file;                /* "file" as recorded: its name says whether it is C */
	char *dir;                 /* "directory" */
	char *command;             /* "command" not split yet, or NULL */
	vt_strings argv;           /* the command as recorded, once split */
	bool resolved;             /* path went through realpath */
	signed char usable;        /* a C file compiled for real: 1, 0, or -1 not known yet */
} entry;

typedef struct db_ent {
	char *dir;                 /* the folder looked in */
	char *json;                /* its compile_commands.json, as reported */
	bool loaded;               /* a database is there and was read */
	bool broken;               /* one is there but could not be read (reported once) */
	VEC(entry) entries;
} db_ent;

struct vt_compdb {
	char *build_path;          /* -p: only this one */
	VEC(db_ent) seen;
	CXIndex probe;             /* asks clang which options it does not know */
	vt_strings good, bad;      /* options asked about so far */
	FILE *notes;               /* where "dropped ..." notes go; NULL: nowhere */
};

/* Options that say where output goes, and their operands. */
static const struct { const char *opt; int operands; } dropped[] = {
	{ "-c", 0 }, { "-o", 1 }, { "-MD", 0 }, { "-MMD", 0 }, { "-MP", 0 },
	{ "-MF", 1 }, { "-MT", 1 }, { "-MQ", 1 }, { "-M", 0 }, { "-MM", 0 },
	/* compiler warnings are not vtlint's business: none may stop the analysis */
	{ "-Werror", 0 }, { "-pedantic-errors", 0 }, { "-Wfatal-errors", 0 },
	{ "-Werror-implicit-function-declaration", 0 },
	/* standard input as a source: libclang would read vtlint's own (the LSP channel) */
	{ "-", 0 },
};

/* Last, so that nothing before turns them back: what clang makes an error by default. */
static const char *const tolerant[] = {
	"-Wno-error", "-Wno-error=implicit-function-declaration", "-Wno-error=implicit-int",
	"-Wno-error=int-conversion", "-Wno-error=incompatible-function-pointer-types",
	"-Wno-error=incompatible-pointer-types", "-Wno-error=return-type",
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
	if (!strncmp(a, "-o", 2) || !strncmp(a, "-MF", 3) || !strncmp(a, "-MT", 3) ||
	    !strncmp(a, "-MQ", 3) || !strncmp(a, "-Werror=", 8))
		return 0; /* joined operand: drop the argument alone */
	return -1;
}

static bool is_source(const char *a, const char *file, const char *dir)
{
	char *joined;
	bool same;

	if (a[0] == '-')
		return false;
	if (same_file(a, file))
		return true;
	if (!dir || a[0] == '/')
		return false;
	joined = xasprintf("%s/%s", dir, a);
	same = same_file(joined, file);
	free(joined);
	return same;
}

/* How many leading words name the compiler: cc, /usr/bin/gcc, ccache gcc ... */
static int compiler_words(char *const *in, int n, const char *file)
{
	int i = 0;

	if (n > 0 && in[0][0] != '-' && !same_file(in[0], file))
		i = 1;
	while (i < n && i == 1 && in[i][0] != '-' && !strchr(in[i], '.'))
		i++; /* a wrapper's second word: `ccache gcc` */
	return i;
}

/*
 * A compile command's arguments as vtlint passes them to libclang: without
 * the compiler itself, the output options and the source file (vtlint names
 * it separately), and tolerant of gcc's own warning flags.
 */
static void clean_args(char *const *in, int n, const char *file, const char *dir, vt_cmd *out)
{
	int i = compiler_words(in, n, file);

	if (dir)
		vec_push(&out->args, xasprintf("-working-directory=%s", dir));
	vec_push(&out->args, xstrdup("-Wno-unknown-warning-option"));
	vec_push(&out->args, xstrdup("-Wno-unused-command-line-argument"));
	vec_push(&out->args, xstrdup("-Wno-ignored-optimization-argument"));
	for (; i < n; i++) {
		int skip = dropped_operands(in[i]);

		if (skip >= 0)
			i += skip;
		else if (!is_source(in[i], file, dir))
			vec_push(&out->args, xstrdup(in[i]));
	}
	for (size_t k = 0; k < sizeof tolerant / sizeof *tolerant; k++)
		vec_push(&out->args, xstrdup(tolerant[k]));
}

void vt_cmd_free(vt_cmd *c)
{
	for (size_t i = 0; i < c->args.len; i++)
		free(c->args.data[i]);
	free(c->args.data);
	free(c->file);
	free(c->path);
	free(c->origin);
	memset(c, 0, sizeof *c);
}

/* ---- options clang does not know ------------------------------------------------------ */

static bool in_list(const vt_strings *l, const char *s)
{
	for (size_t i = 0; i < l->len; i++)
		if (!strcmp(l->data[i], s))
			return true;
	return false;
}

/* Options whose meaning clang surely knows: not worth asking about. */
static bool surely_known(const char *a)
{
	static const char *const prefixes[] = { "-D", "-U", "-I", "-W", "-working-directory=", "-std=",
						"-isystem", "-iquote", "-include" };

	if (a[0] != '-')
		return true;
	for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
		if (!strncmp(a, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/* The option a driver diagnostic complains of, or NULL: "unknown argument: '-fipa-pta'". */
static char *complaint(const char *msg)
{
	static const char *const starts[] = { "unknown argument: '", "unknown argument '",
					      "unsupported option '", "unsupported argument '" };
	const char *end;

	for (size_t i = 0; i < sizeof starts / sizeof *starts; i++)
		if (!strncmp(msg, starts[i], strlen(starts[i]))) {
			msg += strlen(starts[i]);
			end = strchr(msg, '\'');
			return end ? strndup(msg, (size_t)(end - msg)) : NULL;
		}
	return NULL;
}

/* Parses an empty file with args; every option the driver rejects goes to c->bad. */
static void ask_clang(vt_compdb *c, const vt_cmd *cmd)
{
	struct CXUnsavedFile empty = { "/vtlint-probe.c", "", 0 };
	CXTranslationUnit tu = NULL;

	if (!c->probe)
		c->probe = clang_createIndex(0, 0);
	clang_parseTranslationUnit2(c->probe, empty.Filename, (const char *const *)cmd->args.data,
				    (int)cmd->args.len, &empty, 1, CXTranslationUnit_Incomplete, &tu);
	for (unsigned i = 0; tu && i < clang_getNumDiagnostics(tu); i++) {
		CXDiagnostic d = clang_getDiagnostic(tu, i);
		CXString s = clang_getDiagnosticSpelling(d);
		char *opt = complaint(clang_getCString(s));

		if (opt && !in_list(&c->bad, opt))
			vec_push(&c->bad, opt);
		else
			free(opt);
		clang_disposeString(s);
		clang_disposeDiagnostic(d);
	}
	if (tu)
		clang_disposeTranslationUnit(tu);
}

static void note_dropped(vt_compdb *c, const char *opt, const char *origin)
{
	if (c->notes && origin)
		fprintf(c->notes, "%s: note: dropped '%s', an option clang does not know, "
			"from every command that has it\n", origin, opt);
	else if (c->notes)
		fprintf(c->notes, "vtlint: note: dropped '%s', an option clang does not know, "
			"from the compiler arguments\n", opt);
}

/* Drops the options clang does not know from cmd, asking clang about new ones. */
static void drop_unknown(vt_compdb *c, vt_cmd *cmd)
{
	vt_strings fresh = { 0 };
	size_t j = 0, nbad = c->bad.len;

	for (size_t i = 0; i < cmd->args.len; i++) {
		const char *a = cmd->args.data[i];

		if (!surely_known(a) && !in_list(&c->good, a) && !in_list(&c->bad, a))
			vec_push(&fresh, xstrdup(a));
	}
	if (fresh.len)
		ask_clang(c, cmd);
	for (size_t i = 0; i < fresh.len; i++) {
		if (!in_list(&c->bad, fresh.data[i]))
			vec_push(&c->good, fresh.data[i]);
		else
			free(fresh.data[i]);
	}
	free(fresh.data);
	for (size_t i = nbad; i < c->bad.len; i++)
		note_dropped(c, c->bad.data[i], cmd->origin);
	for (size_t i = 0; i < cmd->args.len; i++) {
		if (in_list(&c->bad, cmd->args.data[i]))
			free(cmd->args.data[i]);
		else
			cmd->args.data[j++] = cmd->args.data[i];
	}
	cmd->args.len = j;
}

/* ---- reading a database ------------------------------------------------------------- */

/* A "command" string split as a POSIX shell would (quotes and backslashes). */
static bool split_command(const char *s, vt_strings *out)
{
	char *word = xmalloc(strlen(s) + 1);
	size_t n = 0;
	bool in_word = false;
	char quote = 0;

	for (; *s; s++) {
		if (quote && *s == quote) {
			quote = 0;
		} else if (!quote && (*s == '\'' || *s == '"')) {
			quote = *s;
			in_word = true;
		} else if (*s == '\\' && quote != '\'' && s[1]) {
			word[n++] = *++s;
			in_word = true;
		} else if (!quote && (*s == ' ' || *s == '\t' || *s == '\n')) {
			if (in_word)
				vec_push(out, strndup(word, n));
			n = 0;
			in_word = false;
		} else {
			word[n++] = *s;
			in_word = true;
		}
	}
	if (in_word)
		vec_push(out, strndup(word, n));
	free(word);
	return !quote;
}

static void free_strings(vt_strings *v)
{
	for (size_t i = 0; i < v->len; i++)
		free(v->data[i]);
	free(v->data);
	memset(v, 0, sizeof *v);
}

/* A compiler's internal step or a preprocessing run, as bear records them: not a compile. */
static bool internal_step(const vt_strings *argv)
{
	static const char *const marks[] = { "-cc1", "-cc1as", "-E", "-Eonly", "-M", "-MM",
					     "-fsyntax-only" };

	for (size_t i = 0; i < argv->len; i++)
		for (size_t k = 0; k < sizeof marks / sizeof *marks; k++)
			if (!strcmp(argv->data[i], marks[k]))
				return true;
	return false;
}

/* C by its -x, else by its name: .S, .s, C++ and headers are not analysed. */
static bool is_c(const vt_strings *argv, const char *file)
{
	const char *dot = strrchr(file, '.');

	for (size_t i = argv->len; i-- > 0;)
		if (!strcmp(argv->data[i], "-x") && i + 1 < argv->len)
			return !strcmp(argv->data[i + 1], "c");
		else if (!strncmp(argv->data[i], "-x", 2) && argv->data[i][2])
			return !strcmp(argv->data[i] + 2, "c");
	return dot && !strcmp(dot, ".c");
}

/* Whether split_command will find every quote of s closed, without splitting it. */
static bool quotes_closed(const char *s)
{
	char quote = 0;

	for (; *s; s++)
		if (quote && *s == quote)
			quote = 0;
		else if (!quote && (*s == '\'' || *s == '"'))
			quote = *s;
		else if (*s == '\\' && quote != '\'' && s[1])
			s++;
	return !quote;
}

/* One element of the array; false (error added) when it is malformed. */
static bool read_entry(db_ent *e, cJSON *j, int index, vt_findings *errs)
{
	cJSON *dir = cJSON_GetObjectItem(j, "directory"), *file = cJSON_GetObjectItem(j, "file");
	cJSON *args = cJSON_GetObjectItem(j, "arguments"), *cmd = cJSON_GetObjectItem(j, "command"), *a;
	entry n = { .usable = -1 };
	const char *f;

	if (!cJSON_IsString(dir) || !cJSON_IsString(file) || !(cJSON_IsArray(args) || cJSON_IsString(cmd))) {
		vt_add_error(errs, e->json, 0, 0, "entry %d needs \"directory\", \"file\" "
			     "and \"arguments\" or \"command\"", index);
		return false;
	}
	if (cJSON_IsArray(args)) {
		cJSON_ArrayForEach(a, args) if (cJSON_IsString(a)) vec_push(&n.argv, xstrdup(a->valuestring));
	} else if (!quotes_closed(cmd->valuestring)) {
		vt_add_error(errs, e->json, 0, 0, "entry %d (%s): unterminated quote in \"command\"",
			     index, file->valuestring);
		return false;
	} else {
		n.command = xstrdup(cmd->valuestring);
	}
	f = file->valuestring;
	n.file = xstrdup(f);
	n.dir = xstrdup(dir->valuestring);
	n.path = f[0] == '/' ? xstrdup(f) : xasprintf("%s/%s", n.dir, f);
	vec_push(&e->entries, n);
	return true;
}

/* The entry's command split, and whether it is a C file compiled for real. */
static bool usable(entry *e)
{
	if (e->usable < 0) {
		if (e->command) {
			split_command(e->command, &e->argv); /* quotes_closed said it splits */
			free(e->command);
			e->command = NULL;
		}
		e->usable = !internal_step(&e->argv) && is_c(&e->argv, e->file);
	}
	return e->usable;
}

/* The entry's path through realpath (symbolic links, `..`), as the user's files are. */
static void resolve_entry(entry *e)
{
	char real[PATH_MAX];

	if (e->resolved)
		return;
	if (realpath(e->path, real)) { /* path is "directory"/"file" already */
		free(e->path);
		e->path = xstrdup(real);
	}
	e->resolved = true;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/*
 * An entry before i that is abs under another spelling (`../src/a.c` from
 * build/): the database's order decides, whatever was looked up before.
 */
static entry *earlier_spelling(db_ent *db, size_t i, const char *abs)
{
	for (size_t k = 0; k < i; k++) {
		entry *e = &db->entries.data[k];

		if (strcmp(base_name(e->path), base_name(abs)))
			continue;
		resolve_entry(e);
		if (!strcmp(e->path, abs) && usable(e))
			return e;
	}
	return NULL;
}

/* libclang only says "cannot load": cJSON says where and what. */
static bool read_db(db_ent *e, vt_findings *errs)
{
	size_t len;
	char *text = vt_read_file(e->json, &len);
	cJSON *root, *j;
	int i = 0;
	bool ok = true;

	if (!text) {
		vt_add_error(errs, e->json, 0, 0, "cannot read: %s", strerror(errno));
		return false;
	}
	root = cJSON_ParseWithLength(text, len);
	if (!root) {
		const char *at = cJSON_GetErrorPtr();

		vt_add_error(errs, e->json, at ? vt_line_of(text, at) : 0, 0,
			     "not valid JSON: a compilation database is an array of commands");
		ok = false;
	} else if (!cJSON_IsArray(root)) {
		vt_add_error(errs, e->json, 1, 1, "a compilation database must be a JSON array");
		ok = false;
	}
	for (j = ok ? root->child : NULL; j && ok; j = j->next)
		ok = read_entry(e, j, i++, errs);
	cJSON_Delete(root);
	free(text);
	return ok;
}

/* The database at json (a file, maybe named otherwise), read once; NULL when absent. */
static db_ent *load_json(vt_compdb *c, const char *json, bool *broken, vt_findings *errs)
{
	db_ent e = { 0 };
	struct stat st;

	*broken = false;
	for (size_t i = 0; i < c->seen.len; i++)
		if (!strcmp(c->seen.data[i].json, json)) {
			*broken = c->seen.data[i].broken;
			return c->seen.data[i].loaded ? &c->seen.data[i] : NULL;
		}
	e.json = xstrdup(json);
	e.dir = xstrdup(strrchr(json, '/') ? json : "./"); /* `-p compile_commands.json` */
	*strrchr(e.dir, '/') = 0;
	if (stat(json, &st) == 0 && S_ISREG(st.st_mode)) {
		e.loaded = read_db(&e, errs);
		*broken = e.broken = !e.loaded;
	}
	vec_push(&c->seen, e);
	return e.loaded ? &c->seen.data[c->seen.len - 1] : NULL;
}

static db_ent *load(vt_compdb *c, const char *dir, bool *broken, vt_findings *errs)
{
	char *json = xasprintf("%s/compile_commands.json", strcmp(dir, "/") ? dir : "");
	db_ent *e = load_json(c, json, broken, errs);

	free(json);
	return e;
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
static db_ent *discover(vt_compdb *c, const char *start, vt_findings *errs)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof dir, "%s", start);
	do {
		char *build = xasprintf("%s/build", strcmp(dir, "/") ? dir : "");
		bool broken;
		db_ent *db = load(c, dir, &broken, errs);

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
	c->notes = stderr;
	return c;
}

void vt_compdb_notes(vt_compdb *c, FILE *to)
{
	c->notes = to;
}

static void free_db(db_ent *e)
{
	for (size_t k = 0; k < e->entries.len; k++) {
		free(e->entries.data[k].path);
		free(e->entries.data[k].file);
		free(e->entries.data[k].dir);
		free(e->entries.data[k].command);
		free_strings(&e->entries.data[k].argv);
	}
	free(e->entries.data);
	free(e->json);
	free(e->dir);
}

void vt_compdb_free(vt_compdb *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->seen.len; i++)
		free_db(&c->seen.data[i]);
	free(c->seen.data);
	free_strings(&c->good);
	free_strings(&c->bad);
	if (c->probe)
		clang_disposeIndex(c->probe);
	free(c->build_path);
	free(c);
}

/* -p DIR or -p FILE.json. */
static db_ent *given(vt_compdb *c, vt_findings *errs)
{
	struct stat st;
	bool broken;
	db_ent *db;
	bool is_file = stat(c->build_path, &st) == 0 && S_ISREG(st.st_mode);
	char *json = is_file ? xstrdup(c->build_path)
			     : xasprintf("%s/compile_commands.json", c->build_path);

	db = load_json(c, json, &broken, errs);
	if (!db && !broken)
		vt_add_error(errs, json, 0, 0, "no compilation database here (-p)");
	free(json);
	return db;
}

static db_ent *database_for(vt_compdb *c, const char *abs, vt_findings *errs)
{
	char dir[PATH_MAX];

	if (c->build_path)
		return given(c, errs);
	snprintf(dir, sizeof dir, "%s", abs);
	up(dir);
	return discover(c, dir, errs);
}

/* ---- choosing a command --------------------------------------------------------------- */

/* Leading path components two absolute paths share; the same folder counts one more. */
static int closeness(const char *a, const char *b)
{
	int n = 0;
	size_t i = 0;
	const char *sa = strrchr(a, '/'), *sb = strrchr(b, '/');

	for (; a[i] && a[i] == b[i]; i++)
		n += a[i] == '/';
	if (sa - a == sb - b && !strncmp(a, b, (size_t)(sa - a)))
		n++;
	return n;
}

/*
 * The entry for abs, or the entry of the listed file nearest to it (*exact
 * false).  abs is resolved: an entry spelling it so is it, with no realpath
 * of every entry; only a file listed under another spelling, or not listed,
 * costs resolving them all.
 */
static const entry *pick(db_ent *db, const char *abs, bool *exact)
{
	const entry *best = NULL;
	int score = -1;

	for (size_t i = 0; i < db->entries.len; i++)
		if (!strcmp(db->entries.data[i].path, abs) && usable(&db->entries.data[i])) {
			entry *first = earlier_spelling(db, i, abs);

			*exact = true;
			return first ? first : &db->entries.data[i];
		}
	for (size_t i = 0; i < db->entries.len; i++) {
		entry *e = &db->entries.data[i];
		int s;

		resolve_entry(e);
		if (!usable(e))
			continue;
		if (!strcmp(e->path, abs)) {
			*exact = true;
			return e;
		}
		s = closeness(e->path, abs);
		if (s > score) {
			score = s;
			best = e;
		}
	}
	*exact = false;
	return best;
}

/* The name to show for path: relative to the current folder when inside it. */
static char *shown(const char *path)
{
	char cwd[PATH_MAX], real[PATH_MAX];
	size_t n;

	if (realpath(path, real))
		path = real;
	if (!getcwd(cwd, sizeof cwd))
		return xstrdup(path);
	n = strlen(cwd);
	if (!strncmp(path, cwd, n) && path[n] == '/')
		return xstrdup(path + n + 1);
	return xstrdup(path);
}

static void from_entry(vt_compdb *c, const db_ent *db, const entry *e, vt_cmd *out)
{
	free(out->origin);
	out->origin = shown(db->json);
	clean_args(e->argv.data, (int)e->argv.len, e->path, e->dir, out);
	drop_unknown(c, out);
}

/* `--`: the same arguments for every file, no database read. */
void vt_compdb_args(vt_compdb *c, const char *file, char *const *args, int n, vt_cmd *out)
{
	char abs[PATH_MAX];

	out->file = xstrdup(file);
	out->path = xstrdup(vt_realpath(file, abs) ? abs : file);
	clean_args(args, n, out->path, NULL, out);
	drop_unknown(c, out);
}

/*
 * The command for one file named by the user, from its database.  Returns
 * false (errors added) when its database could not be read.  A file its
 * database does not list gets the command of the nearest file it lists
 * (with a note); with no database at all, no arguments.
 */
bool vt_compdb_command(vt_compdb *c, const char *file, vt_cmd *out, vt_findings *errs)
{
	char abs[PATH_MAX];
	size_t nerr = errs->errors.len;
	const entry *e = NULL;
	bool exact = false, real;
	db_ent *db;

	out->file = xstrdup(file);
	real = vt_realpath(file, abs);
	out->path = xstrdup(real ? abs : file);
	db = real ? database_for(c, abs, errs) : NULL;
	if (errs->errors.len > nerr)
		return false;
	if (db)
		e = pick(db, abs, &exact);
	if (!e) {
		clean_args(NULL, 0, out->path, NULL, out);
		return true;
	}
	from_entry(c, db, e, out);
	if (!exact && c->notes) {
		char *near = shown(e->path);

		fprintf(c->notes, "%s: note: not in %s: analysed with the flags of %s\n",
			file, out->origin, near);
		free(near);
	}
	return true;
}

/* Same file, same arguments: CMake's shared and static targets, bear's repeated runs. */
static bool cmd_same(const vt_cmd *a, const vt_cmd *b)
{
	bool same = !strcmp(a->path, b->path) && a->args.len == b->args.len;

	for (size_t k = 0; same && k < b->args.len; k++)
		same = !strcmp(a->args.data[k], b->args.data[k]);
	return same;
}

bool vt_cmds_have(const vt_cmds *cmds, size_t from, const vt_cmd *v)
{
	for (size_t i = from; i < cmds->len; i++)
		if (cmd_same(&cmds->data[i], v))
			return true;
	return false;
}

/* Every C file of db, each (file, arguments) once. */
static void all_of(vt_compdb *c, db_ent *db, vt_cmds *out)
{
	size_t first = out->len;

	for (size_t i = 0; i < db->entries.len; i++) {
		entry *e = &db->entries.data[i];
		vt_cmd v;

		resolve_entry(e);
		if (!usable(e))
			continue;
		v = (vt_cmd){ .file = shown(e->path), .path = xstrdup(e->path) };
		from_entry(c, db, e, &v);
		if (vt_cmds_have(out, first, &v))
			vt_cmd_free(&v);
		else
			vec_push(out, v);
	}
}

/* --all: every C file of the database at -p, or of the one found from the current folder. */
bool vt_compdb_all(vt_compdb *c, vt_cmds *out, vt_findings *errs)
{
	char cwd[PATH_MAX];
	db_ent *db;

	if (!getcwd(cwd, sizeof cwd))
		fatal("cannot read the current directory");
	db = c->build_path ? given(c, errs) : discover(c, cwd, errs);
	if (!db) {
		if (!errs->errors.len)
			vt_add_error(errs, cwd, 0, 0, "--all: no compile_commands.json here or above");
		return false;
	}
	all_of(c, db, out);
	return true;
}

/* Every C file of the database already read that commands name as their
 * origin: the project around the files named, without reading it again. */
void vt_compdb_all_of(vt_compdb *c, const char *origin, vt_cmds *out)
{
	for (size_t k = 0; k < c->seen.len; k++) {
		db_ent *db = &c->seen.data[k];
		char *name;
		bool same;

		if (!db->loaded)
			continue;
		name = shown(db->json);
		same = !strcmp(name, origin);
		free(name);
		if (same) {
			all_of(c, db, out);
			return;
		}
	}
}
