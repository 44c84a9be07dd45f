/*
 * inputs.c: what the command line names and what the run says about it.
 * @FILE argument files, `-` (file names on standard input) and folders
 * (every *.c under them); --remove-arg; compiler errors that a compile
 * command caused, made to name the file and where the command came from;
 * one report of a finding that several units found (a header, a file
 * listed twice); and the summary line.
 */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inputs.h"

/* ---- @FILE ------------------------------------------------------------------------- */

/*
 * @a naming @b naming @a ...; and files that name the next one many times
 * over (300 lines of @b in a, of @c in b, of @d in c: 27 million reads),
 * capped as GCC caps them.
 */
enum { MAX_DEPTH = 16, MAX_FILES = 2000 };

/* Each line of text is one argument; blank lines are none. */
static void push_lines(char *text, vt_strings *out)
{
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		size_t n = strlen(l);

		if (n && l[n - 1] == '\r')
			l[--n] = 0;
		if (n)
			vec_push(out, xstrdup(l));
	}
}

/* arg, or the lines of the file @FILE names, expanded in turn; NULL or why not. */
static char *expand_one(const char *arg, vt_strings *out, int depth, int *files)
{
	vt_strings lines = { 0 };
	char *text, *why = NULL;

	if (arg[0] != '@' || !arg[1]) {
		vec_push(out, xstrdup(arg));
		return NULL;
	}
	if (depth >= MAX_DEPTH)
		return xasprintf("%s: argument files nest more than %d deep (does one name itself?)",
				 arg + 1, MAX_DEPTH);
	if (++*files > MAX_FILES)
		return xasprintf("%s: more than %d argument files to read (do some name others "
				 "many times over?)", arg + 1, MAX_FILES);
	if (!(text = vt_read_file(arg + 1, NULL)))
		return xasprintf("%s: cannot read this argument file: %s", arg + 1, strerror(errno));
	push_lines(text, &lines);
	free(text);
	for (size_t i = 0; i < lines.len; i++) {
		if (!why)
			why = expand_one(lines.data[i], out, depth + 1, files);
		free(lines.data[i]);
	}
	free(lines.data);
	return why;
}

char *vt_expand_args(int argc, char **argv, vt_strings *out)
{
	char *why = NULL;
	int i = 1, files = 0;

	if (argc > 0)
		vec_push(out, xstrdup(argv[0]));
	for (; i < argc && strcmp(argv[i], "--") && !why; i++)
		why = expand_one(argv[i], out, 0, &files);
	for (; i < argc && !why; i++)
		vec_push(out, xstrdup(argv[i]));
	return why;
}

/* The command line's way: a bad argument file ends the run (exit 2). */
void vt_expand_argv(int argc, char **argv, vt_strings *out)
{
	char *why = vt_expand_args(argc, argv, out);

	if (why)
		fatal("%s", why);
}

/* ---- `-` and folders ------------------------------------------------------------------ */

static vt_strings *found; /* nftw has no user pointer; inputs are expanded before threads start */

static int collect(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	size_t n = strlen(path);

	(void)st;
	(void)ftw;
	if (type == FTW_F && n > 2 && !strcmp(path + n - 2, ".c"))
		vec_push(found, xstrdup(path));
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.c under dir, in name order (a stable report). */
static void add_folder(const char *dir, vt_strings *out, vt_findings *errs)
{
	vt_strings files = { 0 };

	found = &files;
	if (nftw(dir, collect, 32, FTW_PHYS) != 0)
		vt_add_error(errs, dir, 0, 0, "cannot read this folder: %s", strerror(errno));
	found = NULL;
	if (files.len)
		qsort(files.data, files.len, sizeof *files.data, by_name);
	else
		vt_add_error(errs, dir, 0, 0, "no *.c file in this folder");
	for (size_t i = 0; i < files.len; i++)
		vec_push(out, files.data[i]);
	free(files.data);
}

static void add_stdin(vt_strings *out)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, stdin)) > 0) {
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		if (n)
			vec_push(out, xstrdup(line));
	}
	free(line);
}

/* The files named: `-` reads names from stdin (once), a folder gives its *.c files. */
void vt_expand_files(const char *const *in, size_t n, vt_strings *out, vt_findings *errs)
{
	bool read_stdin = false;
	struct stat st;

	for (size_t i = 0; i < n; i++) {
		if (!strcmp(in[i], "-")) {
			if (!read_stdin)
				add_stdin(out);
			read_stdin = true;
		} else if (stat(in[i], &st) != 0) {
			/* now, before a database is searched for it (a typo is no new file) */
			vt_add_error(errs, in[i], 0, 0, "cannot open: %s", strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			add_folder(in[i], out, errs);
		} else {
			vec_push(out, xstrdup(in[i]));
		}
	}
}

/* ---- each file's command ----------------------------------------------------------------- */

bool vt_command_for(vt_compdb *db, const vt_cmd_opts *co, const char *file, vt_cmd *out,
		    vt_findings *errs)
{
	bool ok = true;

	if (co->dashdash)
		vt_compdb_args(db, file, co->args, (int)co->nargs, out);
	else
		ok = vt_compdb_command(db, file, out, errs);
	if (ok)
		vt_finish_command(co, out);
	return ok;
}

void vt_finish_command(const vt_cmd_opts *co, vt_cmd *c)
{
	size_t n = co->nbefore;

	for (size_t i = 0; i < co->nextra; i++)
		vec_push(&c->args, xstrdup(co->extra[i]));
	if (n) {
		vec_reserve(&c->args, n);
		memmove(c->args.data + n, c->args.data, c->args.len * sizeof *c->args.data);
		for (size_t i = 0; i < n; i++)
			c->args.data[i] = xstrdup(co->before[i]);
		c->args.len += n;
	}
	vt_remove_args(c, co->remove, co->nremove);
}

bool vt_no_flags(const vt_cmd_opts *co, const vt_cmd *c)
{
	return !c->origin && !co->nargs && !co->nextra && !co->nbefore;
}

/* ---- --remove-arg ----------------------------------------------------------------------- */

static bool removed(const char *arg, char *const *patterns, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(patterns[i]);

		if (len && patterns[i][len - 1] == '*' ? !strncmp(arg, patterns[i], len - 1)
						       : !strcmp(arg, patterns[i]))
			return true;
	}
	return false;
}

/* Drops each argument equal to a pattern, or starting with a `PREFIX*` pattern's prefix. */
void vt_remove_args(vt_cmd *c, char *const *patterns, size_t n)
{
	size_t j = 0;

	for (size_t i = 0; i < c->args.len; i++) {
		if (removed(c->args.data[i], patterns, n))
			free(c->args.data[i]);
		else
			c->args.data[j++] = c->args.data[i];
	}
	c->args.len = j;
}

/* ---- errors a compile command caused ------------------------------------------------------ */

static void append(vt_error *e, const char *fmt, const char *a, const char *b)
{
	char *more = xasprintf(fmt, a, b);
	char *msg = xasprintf("%s%s", e->message, more);

	free(more);
	free(e->message);
	e->message = msg;
}

/*
 * Errors at no place in a file ("<built-in>", "<command line>") come from
 * the compile command: they are put on the file and name where the command
 * came from.  A missing include in a file that had no flags at all says
 * that the file is in no compilation database.
 */
void vt_explain_errors(vt_findings *unit, const vt_cmd *c, bool no_flags)
{
	for (size_t i = 0; i < unit->errors.len; i++) {
		vt_error *e = &unit->errors.data[i];

		if (e->file[0] == '<' && strcmp(e->file, c->file)) {
			free(e->file);
			e->file = xstrdup(c->file);
			e->line = e->col = 0;
			if (c->origin)
				append(e, " (in its compile command from %s%s)", c->origin, "");
			else
				append(e, " (in its compiler arguments%s%s)", "", "");
		} else if (no_flags && strstr(e->message, "file not found")) {
			append(e, "; %s is not in any compile database: give -p DIR, or its flags "
			       "after --%s", c->file, "");
			no_flags = false; /* once is enough */
		}
	}
}

static char *resolved(const char *file)
{
	char real[PATH_MAX];

	return xstrdup(realpath(file, real) ? real : file);
}

/* ---- headers -------------------------------------------------------------------------------- */

typedef struct header_rule {
	const char *main_path, *srcroot;
	const regex_t *re;
} header_rule;

static bool inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == '/' || (n == 1 && dir[0] == '/'));
}

/* A place in a header whose findings are not reported. */
static bool unwanted_file(const char *file, const header_rule *h)
{
	char *real = resolved(file);
	bool drop = false;

	if (strcmp(real, h->main_path))
		drop = h->re ? regexec(h->re, real, 0, NULL, 0) != 0 : !inside(real, h->srcroot);
	free(real);
	return drop;
}

static bool unwanted_header(vt_finding *f, void *arg)
{
	return unwanted_file(f->loc.file, arg);
}

/* The functions past the path budget in headers reported as findings are. */
static void filter_limits(vt_errors *ls, const header_rule *h)
{
	size_t j = 0;

	for (size_t i = 0; i < ls->len; i++) {
		if (unwanted_file(ls->data[i].file, h)) {
			free(ls->data[i].file);
			free(ls->data[i].message);
		} else {
			ls->data[j++] = ls->data[i];
		}
	}
	ls->len = j;
}

void vt_filter_headers(vt_findings *fs, const char *main_path, const char *srcroot,
		       const regex_t *re)
{
	char *main_real = resolved(main_path);
	header_rule h = { main_real, srcroot, re };

	vt_findings_drop(fs, unwanted_header, &h);
	filter_limits(&fs->limits, &h);
	free(main_real);
}

bool vt_suppress_headers(vt_findings *fs, const char *main_name, bool keep)
{
	vt_strings done = { 0 };
	bool ok = true;

	for (size_t i = 0; i < fs->items.len; i++) {
		const char *file = fs->items.data[i].loc.file;
		bool seen = !strcmp(file, main_name);

		for (size_t k = 0; k < done.len && !seen; k++)
			seen = !strcmp(done.data[k], file);
		if (!seen)
			vec_push(&done, xstrdup(file));
	}
	for (size_t k = 0; k < done.len; k++) {
		ok &= vt_suppress(done.data[k], done.data[k], fs, keep);
		free(done.data[k]);
	}
	free(done.data);
	return ok;
}

static void display(const char **file, const char *cwd, const char *main_name)
{
	size_t n = strlen(cwd);

	if ((*file)[0] == '/' && strcmp(*file, main_name) && !strncmp(*file, cwd, n) &&
	    (*file)[n] == '/') {
		char *rel = xstrdup(*file + n + 1);

		free((char *)*file);
		*file = rel;
	}
}

void vt_display_paths(vt_findings *fs, const char *main_name)
{
	char cwd[PATH_MAX];

	if (!getcwd(cwd, sizeof cwd))
		return;
	for (size_t i = 0; i < fs->items.len; i++) {
		vt_finding *f = &fs->items.data[i];

		display(&f->loc.file, cwd, main_name);
		for (size_t k = 0; k < f->notes.len; k++)
			display(&f->notes.data[k].loc.file, cwd, main_name);
	}
	for (size_t i = 0; i < fs->limits.len; i++)
		display((const char **)&fs->limits.data[i].file, cwd, main_name);
}

/* ---- one report per finding ---------------------------------------------------------------- */

typedef struct place {
	int rule;
	const char *file; /* resolved */
	unsigned line, col;
	const char *message;
	size_t index;     /* in the findings: the first of equal places stays */
} place;

static int place_cmp(const void *pa, const void *pb)
{
	const place *a = pa, *b = pb;
	int c = (a->rule > b->rule) - (a->rule < b->rule);

	c = c ? c : (a->line > b->line) - (a->line < b->line);
	c = c ? c : (a->col > b->col) - (a->col < b->col);
	c = c ? c : strcmp(a->file, b->file);
	c = c ? c : strcmp(a->message, b->message);
	return c ? c : (a->index > b->index) - (a->index < b->index);
}

/* Each finding's place, its file resolved once per run of findings in one file. */
static place *places_of(const vt_findings *fs, vt_strings *names)
{
	place *ps = xmalloc((fs->items.len + 1) * sizeof *ps);
	const char *last = NULL;

	for (size_t i = 0; i < fs->items.len; i++) {
		const vt_finding *f = &fs->items.data[i];

		if (!last || strcmp(last, f->loc.file)) {
			last = f->loc.file;
			vec_push(names, resolved(last));
		}
		ps[i] = (place){ f->rule, names->data[names->len - 1], f->loc.line, f->loc.col,
				 f->message, i };
	}
	return ps;
}

/* A function in a header past the budget in each unit that includes it:
 * named once.  There are few, so each is compared with those kept. */
static void unique_limits(vt_errors *ls)
{
	size_t j = 0;

	for (size_t i = 0; i < ls->len; i++) {
		const vt_error *e = &ls->data[i];
		bool dup = false;

		for (size_t k = 0; k < j && !dup; k++)
			dup = ls->data[k].line == e->line && ls->data[k].col == e->col &&
			      !strcmp(ls->data[k].file, e->file) &&
			      !strcmp(ls->data[k].message, e->message);
		if (dup) {
			free(e->file);
			free(e->message);
		} else {
			ls->data[j++] = *e;
		}
	}
	ls->len = j;
}

/*
 * Drops the findings that an earlier unit already reported at the same
 * place; returns how many.  Sorting the places puts each one's copies
 * after it, with the first reported first.
 */
size_t vt_findings_unique(vt_findings *fs)
{
	vt_strings names = { 0 };
	place *ps = places_of(fs, &names);
	bool *dup = xcalloc(fs->items.len + 1, sizeof *dup);
	size_t j = 0, n = fs->items.len;

	qsort(ps, n, sizeof *ps, place_cmp);
	for (size_t i = 1; i < n; i++) {
		place a = ps[i - 1], b = ps[i];

		a.index = b.index = 0;
		dup[ps[i].index] = place_cmp(&a, &b) == 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (dup[i]) {
			vt_findings one = { 0 };

			vec_push(&one.items, fs->items.data[i]);
			vt_findings_free(&one);
		} else {
			fs->items.data[j++] = fs->items.data[i];
		}
	}
	fs->items.len = j;
	for (size_t k = 0; k < names.len; k++)
		free(names.data[k]);
	free(names.data);
	free(dup);
	free(ps);
	unique_limits(&fs->limits);
	return n - j;
}

/* ---- a report's order --------------------------------------------------------------------- */

/* What orders an item of the report: its file as the report names it, place, rule, index. */
typedef struct order {
	const char *path;
	unsigned line, col;
	const char *rule;
	size_t index;
} order;

static int order_cmp(const void *pa, const void *pb)
{
	const order *a = pa, *b = pb;
	int c = strcmp(a->path, b->path);

	c = c ? c : (a->line > b->line) - (a->line < b->line);
	c = c ? c : (a->col > b->col) - (a->col < b->col);
	c = c ? c : strcmp(a->rule, b->rule);
	return c ? c : (a->index > b->index) - (a->index < b->index);
}

/* file relative to root, as the JSON report names it; resolved once per run of one file. */
static const char *report_path(const char *root, const char *file, vt_strings *names,
			       const char **last)
{
	file = file ? file : "";
	if (!*last || strcmp(*last, file)) {
		*last = file;
		vec_push(names, root && file[0] != '<' ? vt_relative_path(root, file) : xstrdup(file));
	}
	return names->data[names->len - 1];
}

/* Puts n elements of size bytes at base in the order of ord (sorted). */
static void permute(void *base, size_t n, size_t size, const order *ord)
{
	char *copy;

	if (!n)
		return; /* base may be NULL */
	copy = xmalloc(n * size);
	memcpy(copy, base, n * size);
	for (size_t i = 0; i < n; i++)
		memcpy((char *)base + i * size, copy + ord[i].index * size, size);
	free(copy);
}

static void order_errors(vt_errors *es, const char *root, vt_strings *names)
{
	order *ord = xmalloc((es->len + 1) * sizeof *ord);
	const char *last = NULL;

	for (size_t i = 0; i < es->len; i++) {
		const vt_error *e = &es->data[i];

		ord[i] = (order){ report_path(root, e->file, names, &last), e->line, e->col, "", i };
	}
	qsort(ord, es->len, sizeof *ord, order_cmp);
	permute(es->data, es->len, sizeof *es->data, ord);
	free(ord);
}

/*
 * The report's order, whatever order the files were named in: findings by
 * file (relative to root, as the report names it), line, column and rule;
 * errors and limits by file and place.  Ties keep their order (a unit's).
 * `vtlint merge` orders shards' reports the same way.
 */
void vt_report_order(vt_findings *fs, const char *root)
{
	order *ord = xmalloc((fs->items.len + 1) * sizeof *ord);
	vt_strings names = { 0 };
	const char *last = NULL;

	for (size_t i = 0; i < fs->items.len; i++) {
		const vt_finding *f = &fs->items.data[i];

		ord[i] = (order){ report_path(root, f->loc.file, &names, &last), f->loc.line,
				  f->loc.col, vt_rules[f->rule]->id, i };
	}
	qsort(ord, fs->items.len, sizeof *ord, order_cmp);
	permute(fs->items.data, fs->items.len, sizeof *fs->items.data, ord);
	free(ord);
	order_errors(&fs->errors, root, &names);
	order_errors(&fs->limits, root, &names);
	for (size_t i = 0; i < names.len; i++)
		free(names.data[i]);
	free(names.data);
}

/* ---- the summary ----------------------------------------------------------------------------- */

/* "3 findings (VT001 2, VT005 1) in 12 files; 1 file not analysed; 4 hidden by the baseline" */
void vt_print_summary(FILE *out, const vt_findings *fs, size_t files, size_t failed, size_t hidden)
{
	size_t per[VT_MAX_RULES] = { 0 }, total = 0;
	bool first = true;

	for (size_t i = 0; i < fs->items.len; i++)
		if (!fs->items.data[i].suppressed) {
			per[fs->items.data[i].rule]++;
			total++;
		}
	fprintf(out, "%zu finding%s", total, total == 1 ? "" : "s");
	for (int r = 0; r < vt_nrules; r++)
		if (per[r]) {
			fprintf(out, "%s%s %zu", first ? " (" : ", ", vt_rules[r]->id, per[r]);
			first = false;
		}
	fprintf(out, "%s in %zu file%s", first ? "" : ")", files, files == 1 ? "" : "s");
	if (failed)
		fprintf(out, "; %zu file%s not analysed", failed, failed == 1 ? "" : "s");
	if (hidden)
		fprintf(out, "; %zu hidden by the baseline", hidden);
	fputc('\n', out);
}
