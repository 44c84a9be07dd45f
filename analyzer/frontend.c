/*
 * frontend.c: one translation unit through libclang (session.c keeps units
 * open for an editor and comes back here with a memo).  Parses it, reports the
 * compiler's errors, and analyses every function defined in the main file.
 * A callee defined in the same unit is analysed first, on demand, so that
 * its summary is ready at the call; recursive functions are analysed again
 * until their summaries reach a fixed point.  A callee defined in another
 * file of the project comes from the store the driver gives (summaries.c);
 * the unit records what it looked up there and exports its own external
 * functions' summaries, for the driver's rounds.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "front.h"

struct vt_frontend {
	CXIndex index;
};

enum { FN_TODO, FN_BUSY, FN_DONE };

typedef struct fn_rec {
	CXCursor def;
	int state;
	bool in_main;     /* written in the main file, or expanded there from a macro */
	bool shared;      /* external, in a file the main file includes: exported, not reported */
	bool guessed;     /* its provisional summary was used by a recursive call */
	vt_summary sum;
} fn_rec;

typedef struct file_name {
	CXFile file;
	char *name;      /* NULL for the main file, which reports call u->name */
	unsigned *lines; /* offsets where its lines start, counted when first asked */
	size_t nlines;
} file_name;

enum { LOC_MEMO = 1024 };

struct loc_memo {
	CXSourceLocation key;
	vt_loc loc;
	bool set;
};

typedef struct unit {
	vt_lower_env env;   /* first: lowering hands it back to our callbacks */
	const char *path;   /* what was opened */
	const char *name;   /* what reports call it */
	CXFile main;
	const vt_unit_opts *opts;
	vt_findings *out;
	VEC(fn_rec) fns;
	size_t fn_cap;      /* fn_slot: open addressing over fns, index + 1 (0: empty) */
	size_t *fn_slot;
	VEC(file_name) names;
	bool runtime_seen;  /* a file-scope struct vtask, vt_task or vt_source */
	VEC(size_t) done;   /* functions in the order their analysis finished */
	vt_unit_sums sums;  /* what the unit exports and what it looked up in opts->store */
	struct loc_memo *locs; /* env_loc's answers */
} unit;

struct vt_frontend *vt_frontend_new(void)
{
	struct vt_frontend *f = xcalloc(1, sizeof *f);

	f->index = clang_createIndex(0, 0);
	return f;
}

void vt_frontend_free(struct vt_frontend *f)
{
	if (!f)
		return;
	clang_disposeIndex(f->index);
	free(f);
}

/* ---- places ------------------------------------------------------------------------- */

/* file's record in the unit, added when first seen (a header by its real path). */
static file_name *file_of(unit *u, CXFile file)
{
	CXString s;
	file_name n = { .file = file };

	for (size_t i = 0; i < u->names.len; i++) /* the same handle, nearly always */
		if (u->names.data[i].file == file)
			return &u->names.data[i];
	for (size_t i = 0; i < u->names.len; i++)
		if (clang_File_isEqual(u->names.data[i].file, file))
			return &u->names.data[i];
	if (!clang_File_isEqual(file, u->main)) {
		/* the same from every unit whatever its -working-directory */
		s = clang_File_tryGetRealPathName(file);
		if (!*clang_getCString(s)) {
			clang_disposeString(s);
			s = clang_getFileName(file);
		}
		n.name = xstrdup(clang_getCString(s));
		clang_disposeString(s);
	}
	vec_push(&u->names, n);
	return &u->names.data[u->names.len - 1];
}

static const char *file_name_of(unit *u, CXFile file)
{
	file_name *f;

	if (!file)
		return "<built-in>";
	f = file_of(u, file);
	return f->name ? f->name : u->name; /* the main file as the user or the database named it */
}

/*
 * Where f's lines start, as clang counts them: "\r\n" ends one line, a lone
 * "\r" or "\n" (so "\n\r" is two) ends one each.
 */
static bool count_lines(unit *u, file_name *f)
{
	size_t size = 0, n = 1;
	const char *text = clang_getFileContents(u->env.tu, f->file, &size), *p, *end;
	bool cr;

	if (!text)
		return false;
	end = text + size;
	cr = memchr(text, '\r', size) != NULL; /* rare: without it, memchr finds each line's end */
	f->lines = xmalloc(sizeof *f->lines);
	f->lines[0] = 0;
	for (p = text; p < end; p++) {
		if (!cr && !(p = memchr(p, '\n', (size_t)(end - p))))
			break;
		if (*p != '\n' && *p != '\r')
			continue;
		if (*p == '\r' && p + 1 < end && p[1] == '\n')
			p++;
		if (!(n & (n - 1)))
			f->lines = xrealloc(f->lines, 2 * n * sizeof *f->lines);
		f->lines[n++] = (unsigned)(p + 1 - text);
	}
	f->nlines = n;
	return true;
}

/* The line and column of offset off in file, from its line starts. */
static bool line_of(unit *u, CXFile file, unsigned off, unsigned *line, unsigned *col)
{
	file_name *f = file_of(u, file);
	size_t lo = 0, hi;

	if (!f->lines && !count_lines(u, f))
		return false;
	for (hi = f->nlines; hi - lo > 1;) { /* the last line start <= off */
		size_t mid = lo + (hi - lo) / 2;

		if (f->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	*line = (unsigned)lo + 1;
	*col = off - f->lines[lo] + 1;
	return true;
}

/*
 * The lowering asks for the same places again and again (an operator and its
 * events, a call and its arguments): the answers are kept, by the location's
 * own bits, in a direct-mapped table of the unit.  A miss asks libclang for
 * the offset only; the line and column come from the unit's own line table
 * (libclang's line and column lookups were most of the cost of a place).
 */
static vt_loc env_loc(vt_lower_env *env, CXSourceLocation sl)
{
	unit *u = (unit *)env;
	size_t h = ((size_t)sl.int_data * 0x9E3779B1u >> 8) % LOC_MEMO;
	struct loc_memo *m = &u->locs[h];
	CXFile file;
	unsigned line = 0, col = 0, off;

	if (m->set && m->key.int_data == sl.int_data && m->key.ptr_data[0] == sl.ptr_data[0] &&
	    m->key.ptr_data[1] == sl.ptr_data[1])
		return m->loc;
	clang_getExpansionLocation(sl, &file, NULL, NULL, &off);
	if (file && !line_of(u, file, off, &line, &col))
		clang_getExpansionLocation(sl, &file, &line, &col, NULL);
	*m = (struct loc_memo){ sl, { .file = file_name_of(u, file), .line = line, .col = col }, true };
	return m->loc;
}

/* ---- functions and their summaries ---------------------------------------------------- */

/* A large unit (an amalgamation) has thousands of functions and a call to one at every turn. */
static void index_fns(unit *u)
{
	u->fn_cap = 16;
	while (u->fn_cap < 2 * u->fns.len)
		u->fn_cap *= 2;
	u->fn_slot = xcalloc(u->fn_cap, sizeof *u->fn_slot);
	for (size_t i = 0; i < u->fns.len; i++) {
		size_t h = clang_hashCursor(u->fns.data[i].def) & (u->fn_cap - 1);

		while (u->fn_slot[h])
			h = (h + 1) & (u->fn_cap - 1);
		u->fn_slot[h] = i + 1;
	}
}

static fn_rec *find_fn(unit *u, CXCursor def)
{
	size_t h;

	if (!u->fn_slot)
		return NULL;
	for (h = clang_hashCursor(def) & (u->fn_cap - 1); u->fn_slot[h]; h = (h + 1) & (u->fn_cap - 1))
		if (clang_equalCursors(u->fns.data[u->fn_slot[h] - 1].def, def))
			return &u->fns.data[u->fn_slot[h] - 1];
	return NULL;
}

/*
 * Where a recursive call meets a function still being analysed: the summary
 * rules.md starts from, "only inspects" (a vtask is inspected, *p only
 * looked at).
 */
static vt_summary only_inspects(CXCursor def)
{
	int n = clang_Cursor_getNumArguments(def);
	vt_summary s = { .nparams = n > 0 ? n : 0 };

	s.param = xcalloc((size_t)s.nparams + 1, sizeof *s.param);
	for (int i = 0; i < n; i++) {
		CXType t = clang_getCursorType(clang_Cursor_getArgument(def, i));
		vt_sum_path p = { .param = i, .bits = OUT_TOUCHED, .lo = INT64_MIN, .hi = INT64_MAX };

		/* a vt_task * is followed as a vtask parameter is (VT007) */
		s.param[i].is_vtask = s.param[i].inspect_only =
			vt_is_vtask_type(t) || vt_is_task_ptr_type(t);
		s.param[i].is_out = vt_is_vtask_ptr_type(t);
		if (s.param[i].is_out) {
			s.param[i].outcomes = 1u << OUT_TOUCHED;
			vec_push(&s.paths, p);
		}
	}
	return s;
}

/* One analysis of the function (and of the callees it needs first); its summary into *sum. */
static void analyze_once(unit *u, size_t i, vt_summary *sum)
{
	vt_findings scratch = { 0 };
	vt_func *fn;
	bool in_main = u->fns.data[i].in_main || u->opts->headers;

	fn = vt_lower(&u->env, u->fns.data[i].def); /* may analyse callees: u->fns is stable */
	if (u->opts->dump_cfg && in_main)
		cfg_dump(fn, u->opts->dump_cfg);
	vt_flow_run(fn, &u->opts->flow, in_main ? u->out : &scratch, sum);
	vt_findings_free(&scratch);
	cfg_free(fn);
}

enum { MAX_ROUNDS = 16 };

/*
 * Recursion reaches a fixed point (rules.md): a recursive call sees the
 * summary computed so far, starting from "only inspects"; while that guess
 * changes, the function and every function analysed on its behalf are
 * analysed again, their findings from the round before dropped.
 */
static void analyze_fn(unit *u, size_t i)
{
	size_t mark = u->out->items.len, done = u->done.len;
	int round;

	u->fns.data[i].state = FN_BUSY;
	u->fns.data[i].sum = only_inspects(u->fns.data[i].def);
	for (round = 0; round < MAX_ROUNDS; round++) {
		vt_summary sum = { 0 };
		bool settled;

		u->fns.data[i].guessed = false;
		analyze_once(u, i, &sum);
		settled = !u->fns.data[i].guessed || vt_summary_same(&sum, &u->fns.data[i].sum);
		vt_summary_free(&u->fns.data[i].sum);
		u->fns.data[i].sum = sum;
		if (settled)
			break;
		vt_findings_truncate(u->out, mark);
		for (size_t k = done; k < u->done.len; k++) {
			fn_rec *r = &u->fns.data[u->done.data[k]];

			vt_summary_free(&r->sum);
			r->state = FN_TODO;
		}
		u->done.len = done;
	}
	if (round == MAX_ROUNDS)
		vt_add_limit(u->out, env_loc(&u->env, clang_getCursorLocation(u->fns.data[i].def)),
			     "recursion through this function did not settle in %d rounds",
			     MAX_ROUNDS);
	u->fns.data[i].state = FN_DONE;
	vec_push(&u->done, i);
}

/*
 * A summary of it can tell its callers something: what it does with a vtask
 * it is given, or which values it returns (a scalar its callers may test).
 */
static bool summary_matters(CXCursor fn)
{
	return vt_takes_vtasks(fn) || vt_is_scalar_type(clang_getCursorResultType(fn));
}

static bool returns_known(const vt_summary *s)
{
	for (size_t i = 0; i < s->paths.len; i++)
		if (s->paths.data[i].param == VT_RET_PATHS)
			return true;
	return false;
}

/*
 * A function defined in no header or file of this unit: another file of the
 * project may define it (the store), else it is unseen code.  The answer is
 * recorded: when the store changes it, the unit is analysed again.
 */
static vt_summary *store_summary(unit *u, CXCursor callee)
{
	const vt_summary *sum;
	CXString usr;

	/* only such functions are exported; `void f();` says nothing of its parameters */
	if (!u->opts->store || (!summary_matters(callee) &&
				clang_getCursorType(callee).kind != CXType_FunctionNoProto))
		return NULL;
	usr = clang_getCursorUSR(callee);
	sum = vt_store_get(u->opts->store, clang_getCString(usr));
	vt_unit_add_lookup(&u->sums, clang_getCString(usr), sum);
	clang_disposeString(usr);
	return (vt_summary *)sum; /* the store outlives the unit and is not changed meanwhile */
}

static vt_summary *env_summary(vt_lower_env *env, CXCursor callee)
{
	unit *u = (unit *)env;
	CXCursor def = clang_getCursorDefinition(callee);
	fn_rec *rec;

	if (vt_cursor_null(def))
		return store_summary(u, callee);
	if (!(rec = find_fn(u, def)))
		return NULL;
	if (rec->state == FN_BUSY) { /* recursion: the summary so far */
		rec->guessed = true;
		return &rec->sum;
	}
	if (rec->state == FN_TODO)
		analyze_fn(u, (size_t)(rec - u->fns.data));
	return &u->fns.data[rec - u->fns.data].sum;
}


/* ---- units that cannot hold a vtask ------------------------------------------------------ */

/* The runtime's struct types every vtask event is made of (vtask, VT007's, VT006's). */
static const char *const runtime_types[] = { "vtask", "vt_task", "vt_source", NULL };

static bool is_runtime_struct(CXCursor c)
{
	CXString s = clang_getCursorSpelling(c);
	bool found = false;

	for (size_t i = 0; runtime_types[i] && !found; i++)
		found = !strcmp(clang_getCString(s), runtime_types[i]);
	clang_disposeString(s);
	return found;
}

/* Where sl is expanded, the main file: a function a macro of the file defines is the file's. */
static bool from_main_file(unit *u, CXSourceLocation sl)
{
	CXFile file;

	if (clang_Location_isFromMainFile(sl))
		return true;
	clang_getExpansionLocation(sl, &file, NULL, NULL, NULL);
	return file && clang_File_isEqual(file, u->main);
}

/* One pass over the file scope: the functions defined there, and whether a runtime type is. */
static enum CXChildVisitResult collect_fn(CXCursor c, CXCursor parent, CXClientData d)
{
	unit *u = d;
	enum CXCursorKind k = clang_getCursorKind(c);
	CXSourceLocation sl;
	fn_rec rec = { .def = c };

	(void)parent;
	if (k == CXCursor_StructDecl && !u->runtime_seen)
		u->runtime_seen = is_runtime_struct(c);
	if (k != CXCursor_FunctionDecl || !clang_isCursorDefinition(c))
		return CXChildVisit_Continue;
	sl = clang_getCursorLocation(c);
	if (clang_Location_isInSystemHeader(sl))
		return CXChildVisit_Continue;
	rec.in_main = from_main_file(u, sl);
	/* `#include "impl.inc"`: its functions are the project's, defined here */
	rec.shared = !rec.in_main && clang_getCursorLinkage(c) == CXLinkage_External &&
		     summary_matters(c);
	vec_push(&u->fns, rec);
	return CXChildVisit_Continue;
}

/*
 * The unit's functions, when any of them can touch a vtask; that is decided
 * from the file-scope declarations alone (no function body is visited).
 * Every event the lowering makes is an expression or variable of one of the
 * runtime's struct types, and any mention of such a struct at file scope
 * (its definition, `typedef struct vtask vtask;`, `extern struct vtask g;`,
 * a return type) declares it there, where this sees it.  What remains are
 * structs of that name declared inside a body or a parameter list: those
 * are other types than the runtime's, and one in a parameter list can
 * never be completed, so it has no values.  Most files of most projects
 * never include <vtask.h>: they cost their parse and this one pass.
 */
static void collect_fns(unit *u, CXTranslationUnit tu, bool all)
{
	clang_visitChildren(clang_getTranslationUnitCursor(tu), collect_fn, u);
	if (!all && !u->runtime_seen)
		u->fns.len = 0;
	index_fns(u);
}

/* ---- parsing --------------------------------------------------------------------------- */

static bool report_diagnostics(unit *u, CXTranslationUnit tu)
{
	unsigned n = clang_getNumDiagnostics(tu);
	bool bad = false;

	for (unsigned i = 0; i < n; i++) {
		CXDiagnostic d = clang_getDiagnostic(tu, i);
		enum CXDiagnosticSeverity sev = clang_getDiagnosticSeverity(d);

		if (sev >= CXDiagnostic_Error) {
			CXString msg = clang_getDiagnosticSpelling(d);
			vt_loc at = env_loc(&u->env, clang_getDiagnosticLocation(d));

			vt_add_error(u->out, at.file, at.line, at.col, "%s", clang_getCString(msg));
			clang_disposeString(msg);
			bad = true;
		}
		clang_disposeDiagnostic(d);
	}
	return bad;
}

/* A NUL in the first block: an object file or an image, not C. */
static bool binary(FILE *f)
{
	char buf[4096];
	size_t n = fread(buf, 1, sizeof buf, f);

	return memchr(buf, 0, n) != NULL;
}

/* A clear word for files libclang would only call "an error". */
static bool readable(const char *path, const char *name, vt_findings *out)
{
	struct stat st;
	FILE *f;
	bool bin;

	if (stat(path, &st) != 0) {
		vt_add_error(out, name, 0, 0, "cannot open: %s", strerror(errno));
		return false;
	}
	if (S_ISDIR(st.st_mode)) {
		vt_add_error(out, name, 0, 0, "is a directory, not a C source file");
		return false;
	}
	f = fopen(path, "rb");
	if (!f) {
		vt_add_error(out, name, 0, 0, "cannot read: %s", strerror(errno));
		return false;
	}
	bin = binary(f);
	fclose(f);
	if (bin)
		vt_add_error(out, name, 0, 0, "is a binary file, not C source");
	return !bin;
}

/* The main file's functions other files can call, with their summaries. */
static void export_fns(unit *u)
{
	for (size_t i = 0; i < u->fns.len; i++) {
		fn_rec *r = &u->fns.data[i];
		CXString usr;
		vt_export x;

		if (!(r->in_main || r->shared) || r->state != FN_DONE ||
		    clang_getCursorLinkage(r->def) != CXLinkage_External ||
		    !(vt_takes_vtasks(r->def) || returns_known(&r->sum)))
			continue;
		usr = clang_getCursorUSR(r->def);
		x = (vt_export){ xstrdup(clang_getCString(usr)), vt_summary_copy(&r->sum) };
		clang_disposeString(usr);
		vec_push(&u->sums.exports, x);
	}
}

static void unit_free(unit *u)
{
	vt_unit_sums_free(&u->sums);
	for (size_t i = 0; i < u->fns.len; i++)
		vt_summary_free(&u->fns.data[i].sum);
	for (size_t i = 0; i < u->names.len; i++) {
		free(u->names.data[i].name);
		free(u->names.data[i].lines);
	}
	free(u->fns.data);
	free(u->fn_slot);
	free(u->locs);
	free(u->names.data);
	free(u->done.data);
	vt_lower_env_free(&u->env);
}

static void analyze_with_memo(unit *u, vt_memo *m, const char *text, size_t len);

/*
 * Lazily, a function that cannot touch a vtask makes no finding and says
 * nothing of one: only its return values can matter, to a caller that
 * does touch one, which analyses it on demand (env_summary).
 */
static bool wanted(unit *u, size_t i)
{
	fn_rec *r = &u->fns.data[i];

	/* a shared function is analysed for its export, which a lazy run does not read */
	if (!(r->in_main || (r->shared && !u->opts->lazy) || u->opts->headers) ||
	    r->state != FN_TODO)
		return false;
	return !u->opts->lazy || vt_touches_runtime(r->def);
}

static void analyze_main_fns(unit *u)
{
	for (size_t i = 0; i < u->fns.len; i++)
		if (wanted(u, i))
			analyze_fn(u, i);
}

/*
 * Diagnostics, then every function of the main file: the part a reparse
 * shares.  With a memo (an editor's session), unchanged functions are not
 * analysed again.
 */
int vt_analyze_tu(CXTranslationUnit tu, const char *path, const char *name,
		  const vt_unit_opts *o, vt_findings *out, vt_memo *m, const char *text, size_t len)
{
	unit u = { .env = { .tu = tu, .loc = env_loc, .summary = env_summary,
			    .config = o->config, .lower_all = o->dump_cfg != NULL },
		   .path = path, .name = name, .opts = o, .out = out };
	int status = 0;

	vt_types_forget();
	u.locs = xcalloc(LOC_MEMO, sizeof *u.locs);
	u.main = clang_getFile(tu, path);
	if (report_diagnostics(&u, tu))
		status = 2;
	else if (!o->parse_only)
		collect_fns(&u, tu, o->dump_cfg != NULL);
	if (m && !status)
		analyze_with_memo(&u, m, text, len);
	else
		analyze_main_fns(&u);
	export_fns(&u);
	if (o->sums) {
		vt_unit_sums_free(o->sums);
		*o->sums = u.sums;
		memset(&u.sums, 0, sizeof u.sums);
	}
	unit_free(&u);
	vt_lower_release();
	vt_flow_release();
	return status;
}

/*
 * One parse for the command line.  -w: vtlint reports compiler errors only,
 * and warnings cost their checks (the CFG-based ones run per function);
 * errors, those warnings that are errors by default included, stay.  (The
 * -Werror family is neutralised with the command, so -w drops no error the
 * user's compiler would stop on for vtlint.)  libclang itself already turns
 * spell-checking off and keeps no detailed preprocessing record.
 */
static enum CXErrorCode parse(struct vt_frontend *f, const char *path, const vt_unit_opts *o,
			      CXTranslationUnit *tu)
{
	const char **args = xcalloc((size_t)o->nargs + 2, sizeof *args);
	enum CXErrorCode err;

	if (o->nargs)
		memcpy(args, o->args, (size_t)o->nargs * sizeof *args);
	args[o->nargs] = "-w";
	err = clang_parseTranslationUnit2(f->index, path, args, o->nargs + 1, NULL, 0,
					  CXTranslationUnit_KeepGoing |
						  CXTranslationUnit_IgnoreNonErrorsFromIncludedFiles,
					  tu);
	free(args);
	return err;
}

/* Every file the unit read but the main file: what a cached result depends on (cache.c). */
static void add_inclusion(CXFile file, CXSourceLocation *stack, unsigned depth, CXClientData d)
{
	CXString s;

	(void)stack;
	if (!depth)
		return;
	s = clang_File_tryGetRealPathName(file); /* names in -I dirs are relative to the command's */
	if (!*clang_getCString(s)) {
		clang_disposeString(s);
		s = clang_getFileName(file);
	}
	vec_push((vt_strings *)d, xstrdup(clang_getCString(s)));
	clang_disposeString(s);
}

int vt_analyze_file(struct vt_frontend *f, const char *path, const char *name,
		    const vt_unit_opts *o, vt_findings *out)
{
	CXTranslationUnit tu;
	enum CXErrorCode err;
	int status;

	if (!readable(path, name, out))
		return 2;
	err = parse(f, path, o, &tu);
	if (err != CXError_Success) {
		vt_add_error(out, name, 0, 0, "libclang could not parse this file (error %d)", err);
		return 2;
	}
	status = vt_analyze_tu(tu, path, name, o, out, NULL, NULL, 0);
	if (o->includes)
		clang_getInclusions(tu, add_inclusion, o->includes);
	clang_disposeTranslationUnit(tu);
	return status;
}

/* ---- editor sessions: what an edit leaves unchanged is not analysed again ------------ */

/*
 * A function's findings depend on its own text, on everything outside the
 * function bodies (macros, types, declarations) and on its callees'
 * summaries.  So, when only bodies changed, an unchanged function keeps its
 * findings (moved with it) and its summary; if a changed function's summary
 * changed too, everything is analysed again.
 */
typedef struct fn_memo {
	char *name;
	uint64_t key;        /* its text */
	unsigned line, end;  /* where it was */
	vt_findings found;
	vt_summary sum;
} fn_memo;

struct vt_memo {
	uint64_t outside;    /* the text outside every main-file function */
	VEC(fn_memo) fns;
	vt_unit_sums seen;   /* the lookups in other files' summaries the findings rest on */
};
typedef vt_memo memo;

typedef struct fn_key {
	uint64_t key;
	unsigned line, end;
	char *name;
} fn_key;

static uint64_t fnv(uint64_t h, const char *p, size_t n)
{
	while (n--)
		h = (h ^ (unsigned char)*p++) * 1099511628211ULL;
	return h;
}

static bool fn_place(CXCursor def, unsigned *start, unsigned *end, unsigned *line,
		     unsigned *last)
{
	CXSourceRange r = clang_getCursorExtent(def);
	CXFile a, b;

	clang_getFileLocation(clang_getRangeStart(r), &a, line, NULL, start);
	clang_getFileLocation(clang_getRangeEnd(r), &b, last, NULL, end);
	return a && b && clang_File_isEqual(a, b);
}

/* Each main function's key, and the hash of the text outside them (0: unusable). */
static uint64_t keys_of(unit *u, const char *text, size_t len, fn_key *keys)
{
	uint64_t outside = 1469598103934665603ULL;
	size_t pos = 0;

	for (size_t i = 0; i < u->fns.len; i++) {
		unsigned start, end, line, last;
		CXString n;

		if (!u->fns.data[i].in_main)
			continue;
		if (!fn_place(u->fns.data[i].def, &start, &end, &line, &last) || start < pos ||
		    end > len)
			return 0;
		outside = fnv(outside, text + pos, start - pos);
		n = clang_getCursorSpelling(u->fns.data[i].def);
		keys[i] = (fn_key){ .key = fnv(1469598103934665603ULL, text + start, end - start),
				    .line = line, .end = last,
				    .name = xstrdup(clang_getCString(n)) };
		clang_disposeString(n);
		pos = end;
	}
	return fnv(outside, text + pos, len - pos) | 1;
}

static fn_memo *memo_find(memo *m, const char *name)
{
	for (size_t i = 0; i < m->fns.len; i++)
		if (!strcmp(m->fns.data[i].name, name))
			return &m->fns.data[i];
	return NULL;
}

static size_t main_count(const unit *u)
{
	size_t n = 0;

	for (size_t i = 0; i < u->fns.len; i++)
		n += u->fns.data[i].in_main;
	return n;
}

/* Unchanged functions: done, with their remembered summary and moved findings. */
static void reuse(unit *u, memo *m, const fn_key *keys, bool *reused)
{
	for (size_t i = 0; i < u->fns.len; i++) {
		fn_memo *fm = u->fns.data[i].in_main ? memo_find(m, keys[i].name) : NULL;

		if (!fm || fm->key != keys[i].key)
			continue;
		reused[i] = true;
		u->fns.data[i].state = FN_DONE;
		u->fns.data[i].sum = vt_summary_copy(&fm->sum);
		for (size_t k = 0; k < fm->found.items.len; k++)
			vt_copy_finding(u->out, &fm->found.items.data[k],
					(int)keys[i].line - (int)fm->line);
	}
}

/* A changed function whose summary changed: its callers' findings may change. */
static bool summaries_moved(unit *u, memo *m, const fn_key *keys, const bool *reused)
{
	for (size_t i = 0; i < u->fns.len; i++) {
		fn_memo *fm = u->fns.data[i].in_main ? memo_find(m, keys[i].name) : NULL;

		if (u->fns.data[i].in_main && !reused[i] &&
		    (!fm || !vt_summary_same(&fm->sum, &u->fns.data[i].sum)))
			return true;
	}
	return false;
}

static void memo_clear(memo *m)
{
	for (size_t i = 0; i < m->fns.len; i++) {
		free(m->fns.data[i].name);
		vt_findings_free(&m->fns.data[i].found);
		vt_summary_free(&m->fns.data[i].sum);
	}
	m->fns.len = 0;
}

static void remember(unit *u, memo *m, fn_key *keys, size_t first, uint64_t outside)
{
	memo_clear(m);
	m->outside = outside;
	for (size_t i = 0; i < u->fns.len; i++) {
		fn_memo fm = { 0 };

		if (!u->fns.data[i].in_main)
			continue;
		fm = (fn_memo){ .name = keys[i].name, .key = keys[i].key, .line = keys[i].line,
				.end = keys[i].end, .sum = vt_summary_copy(&u->fns.data[i].sum) };
		keys[i].name = NULL;
		for (size_t k = first; k < u->out->items.len; k++) {
			const vt_finding *f = &u->out->items.data[k];

			if (f->loc.line >= fm.line && f->loc.line <= fm.end && !strcmp(f->loc.file, u->name))
				vt_copy_finding(&fm.found, f, 0);
		}
		vec_push(&m->fns, fm);
	}
}

static void forget_analysis(unit *u, size_t first)
{
	vt_findings_truncate(u->out, first);
	for (size_t i = 0; i < u->fns.len; i++) {
		vt_summary_free(&u->fns.data[i].sum);
		memset(&u->fns.data[i].sum, 0, sizeof u->fns.data[i].sum);
		u->fns.data[i].state = FN_TODO;
	}
}

/*
 * Another file's summary the last analysis used changed: no finding of it
 * is kept.  Otherwise its lookups stand for the functions reused, whose
 * calls are not lowered again.
 */
static void other_files(unit *u, memo *m)
{
	if (!vt_lookups_hold(&m->seen, u->opts->store)) {
		memo_clear(m);
		m->outside = 0;
		return;
	}
	vt_unit_sums_copy(&u->sums, &(vt_unit_sums){ .lookups = m->seen.lookups });
}

static void analyze_with_memo(unit *u, memo *m, const char *text, size_t len)
{
	fn_key *keys = xcalloc(u->fns.len + 1, sizeof *keys);
	bool *reused = xcalloc(u->fns.len + 1, sizeof *reused);
	size_t first = u->out->items.len;
	uint64_t outside = keys_of(u, text, len, keys);

	other_files(u, m);
	if (outside && outside == m->outside && main_count(u) == m->fns.len)
		reuse(u, m, keys, reused);
	analyze_main_fns(u);
	if (outside && summaries_moved(u, m, keys, reused)) {
		bool any = false;

		for (size_t i = 0; i < u->fns.len; i++)
			any |= reused[i];
		if (any) { /* analyse everything, from the start */
			forget_analysis(u, first);
			analyze_main_fns(u);
		}
	}
	vt_unit_sums_free(&m->seen);
	vt_unit_sums_copy(&m->seen, &(vt_unit_sums){ .lookups = u->sums.lookups });
	if (outside)
		remember(u, m, keys, first, outside);
	else
		memo_clear(m), m->outside = 0;
	for (size_t i = 0; i < u->fns.len; i++)
		free(keys[i].name);
	free(keys);
	free(reused);
}

vt_memo *vt_memo_new(void)
{
	return xcalloc(1, sizeof(vt_memo));
}

void vt_memo_free(vt_memo *m)
{
	if (!m)
		return;
	memo_clear(m);
	vt_unit_sums_free(&m->seen);
	free(m->fns.data);
	free(m);
}
