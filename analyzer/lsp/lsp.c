/*
 * lsp.c: `vtlint --lsp`, the language server.  One thread, one loop:
 *
 *   poll the input (with a timeout when a document waits to be analysed)
 *   read all that arrived, split it into messages (lsp_io.c), answer them
 *   in order; documents edited get analysed once no edit came for
 *   DEBOUNCE_MS, opened and saved ones at once
 *
 * Each document is analysed from its unsaved text in one vt_session, which
 * keeps its libclang unit and precompiled preamble between edits, with
 * the compile command and .vtlint.json the command line would use.  Bad
 * input is logged, answered when the protocol asks for an answer, and
 * never ends the server: only `exit` or the end of the input does.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lsp.h"
#include "lsp_int.h"
#include "../vtlint.h"

enum { DEBOUNCE_MS = 150 };

/* JSON-RPC and LSP error codes */
enum {
	PARSE_ERROR = -32700, INVALID_REQUEST = -32600, METHOD_NOT_FOUND = -32601,
	INVALID_PARAMS = -32602, SERVER_NOT_INITIALIZED = -32002, REQUEST_CANCELLED = -32800,
};

enum { LOG_ERROR = 1, LOG_WARNING = 2, LOG_INFO = 3 }; /* window/logMessage types */

typedef struct doc {
	char *uri;
	lsp_text text;
	double version;
	vt_cmd cmd;          /* cmd.path is what libclang opens; NULL: not a file, not analysed */
	vt_config *config;
	bool skipped;        /* .vtlint.json's "skip" names it */
	bool dirty;
	double due;          /* when to analyse it (ms, monotonic) */
	vt_unit_sums sums;   /* its exports to, and lookups in, the server's store */
	int chased;          /* analyses since its last edit that other documents caused */
} doc;

/* One message of a batch: msg, or the framing error it was. */
typedef struct entry {
	cJSON *msg;
	enum lsp_next kind;
} entry;

/* A $/cancelRequest of the batch: the id it cancels, and where it came. */
typedef struct cancel {
	const cJSON *id;
	size_t at;
} cancel;

typedef struct server {
	lsp_reader in;
	int out;
	const vt_cmd_opts *co;      /* the command line's flags: each file's command as in CI */
	const vt_run_opts *run;     /* and its --enable, --disable, --show-suppressed */
	vt_session *session;
	VEC(doc *) docs;
	vt_store *base;             /* the store the last command-line run kept, or NULL */
	char *base_path;            /* where it is: set by the first document with a database */
	struct stat base_st;        /* base_path as it was read (st_ino 0: missing) */
	vt_store *store;            /* base with the open documents' own functions */
	VEC(entry) batch;
	VEC(cancel) cancels; /* the batch's, by id, the latest of each id only */
	int debounce;
	bool initialized, shut_down, done, gone;
} server;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- output ---------------------------------------------------------------------------- */

/* Sends msg and frees it; a client that went away ends the loop, not the process. */
static void send_json(server *s, cJSON *msg)
{
	char *body;

	cJSON_AddStringToObject(msg, "jsonrpc", "2.0");
	body = cJSON_PrintUnformatted(msg);
	if (!s->gone && !lsp_write(s->out, body)) {
		fprintf(stderr, "vtlint --lsp: cannot write to the client: %s\n", strerror(errno));
		s->gone = s->done = true;
	}
	free(body);
	cJSON_Delete(msg);
}

static void notify(server *s, const char *method, cJSON *params)
{
	cJSON *m = cJSON_CreateObject();

	cJSON_AddStringToObject(m, "method", method);
	cJSON_AddItemToObject(m, "params", params);
	send_json(s, m);
}

static void respond(server *s, const cJSON *id, cJSON *result)
{
	cJSON *m = cJSON_CreateObject();

	cJSON_AddItemToObject(m, "id", id ? cJSON_Duplicate(id, 1) : cJSON_CreateNull());
	cJSON_AddItemToObject(m, "result", result ? result : cJSON_CreateNull());
	send_json(s, m);
}

static void respond_error(server *s, const cJSON *id, int code, const char *message)
{
	cJSON *m = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(m, "error");

	cJSON_AddItemToObject(m, "id", id ? cJSON_Duplicate(id, 1) : cJSON_CreateNull());
	cJSON_AddNumberToObject(e, "code", code);
	cJSON_AddStringToObject(e, "message", message);
	send_json(s, m);
}

/* To stderr (the editor's log of the server) and, when the client listens, to its user. */
static void __attribute__((format(printf, 3, 4))) say(server *s, int type, const char *fmt, ...)
{
	cJSON *p;
	va_list ap;
	char *text, *clean;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		fatal("out of memory");
	va_end(ap);
	fprintf(stderr, "vtlint --lsp: %s\n", text);
	if (s->initialized && !s->shut_down) {
		p = cJSON_CreateObject();
		cJSON_AddNumberToObject(p, "type", type);
		clean = lsp_utf8_clean(text);
		cJSON_AddStringToObject(p, "message", clean);
		free(clean);
		notify(s, "window/logMessage", p);
	}
	free(text);
}

/* ---- documents -------------------------------------------------------------------------- */

static doc *find_doc(server *s, const char *uri)
{
	for (size_t i = 0; i < s->docs.len; i++)
		if (!strcmp(s->docs.data[i]->uri, uri))
			return s->docs.data[i];
	return NULL;
}

static void free_doc(doc *d)
{
	vt_cmd_free(&d->cmd);
	vt_config_free(d->config);
	vt_unit_sums_free(&d->sums);
	free(d->text.data);
	free(d->uri);
	free(d);
}

static void log_errors(server *s, vt_findings *errs)
{
	for (size_t i = 0; i < errs->errors.len; i++) {
		const vt_error *e = &errs->errors.data[i];

		say(s, LOG_ERROR, "%s:%u: %s", e->file, e->line, e->message);
	}
	vt_findings_free(errs);
	*errs = (vt_findings){ 0 };
}

/*
 * The compile command and configuration, found afresh (on open and save)
 * since a long-lived server must see compile_commands.json and .vtlint.json
 * change.  The command is the one `vtlint FILE` would use (same flags, same
 * notes on stderr); a database or configuration that cannot be read is
 * logged and the file gets no database flags.
 */
static void configure(server *s, doc *d, const char *path)
{
	vt_compdb *db = vt_compdb_new(NULL);
	vt_findings errs = { 0 };
	char *conf;

	vt_cmd_free(&d->cmd);
	d->cmd = (vt_cmd){ 0 };
	if (!vt_command_for(db, s->co, path, &d->cmd, &errs)) {
		log_errors(s, &errs);
		vt_cmd_free(&d->cmd);
		d->cmd = (vt_cmd){ 0 };
		vt_compdb_args(db, path, NULL, 0, &d->cmd);
		vt_finish_command(s->co, &d->cmd);
	}
	vt_compdb_free(db);
	vt_config_free(d->config);
	conf = vt_config_find(d->cmd.path);
	d->config = conf ? vt_config_load(conf, &errs) : vt_config_default();
	if (!d->config) {
		log_errors(s, &errs);
		d->config = vt_config_default();
	}
	free(conf);
	d->skipped = vt_config_skips(d->config, d->cmd.file);
}

/* Analyse d after delay ms; each edit pushes the time on (the debounce). */
static void schedule(server *s, doc *d, int delay)
{
	d->due = now_ms() + delay;
	d->dirty = d->cmd.path != NULL;
	d->chased = 0;
}

/* ---- diagnostics ---------------------------------------------------------------------- */

static cJSON *pos_json(lsp_pos p)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "line", p.line);
	cJSON_AddNumberToObject(o, "character", p.character);
	return o;
}

static cJSON *range_json(lsp_pos a, lsp_pos b)
{
	cJSON *r = cJSON_CreateObject();

	cJSON_AddItemToObject(r, "start", pos_json(a));
	cJSON_AddItemToObject(r, "end", pos_json(b));
	return r;
}

/* The range of a place in d, or (another file, whose text we do not hold) its byte column. */
static cJSON *location_json(const doc *d, vt_loc at)
{
	cJSON *l = cJSON_CreateObject();
	bool here = !strcmp(at.file, d->cmd.path);
	lsp_pos a = { at.line ? at.line - 1 : 0, at.col ? at.col - 1 : 0 };

	if (here)
		a = lsp_position(&d->text, at.line, at.col);
	if (here) {
		cJSON_AddStringToObject(l, "uri", d->uri);
	} else {
		char *uri = lsp_path_to_uri(at.file);

		cJSON_AddStringToObject(l, "uri", uri);
		free(uri);
	}
	cJSON_AddItemToObject(l, "range", range_json(a, here ? lsp_word_end(&d->text, at.line,
									      at.col) : a));
	return l;
}

static void add_message(cJSON *o, const char *text)
{
	char *clean = lsp_utf8_clean(text);

	cJSON_AddStringToObject(o, "message", clean);
	free(clean);
}

static cJSON *diagnostic(const doc *d, unsigned line, unsigned col, int severity,
			 const char *message)
{
	cJSON *g = cJSON_CreateObject();

	cJSON_AddItemToObject(g, "range", range_json(lsp_position(&d->text, line, col),
						     lsp_word_end(&d->text, line, col)));
	cJSON_AddNumberToObject(g, "severity", severity);
	cJSON_AddStringToObject(g, "source", "vtlint");
	add_message(g, message);
	return g;
}

/* The rule's page on this machine (installed, else in the source tree), as a URI; NULL: none. */
static char *rule_page(const char *id)
{
	static const char *const dirs[] = { VT_RULE_DOCS_INSTALLED, VT_RULE_DOCS_SOURCE };

	for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
		char *path = xasprintf("%s/%s.md", dirs[i], id);

		if (access(path, R_OK) == 0) {
			char *uri = lsp_path_to_uri(path);

			free(path);
			return uri;
		}
		free(path);
	}
	return NULL;
}

static cJSON *finding_json(const doc *d, const vt_finding *f)
{
	static const int severity[] = { [LEVEL_NOTE] = 3, [LEVEL_WARNING] = 2, [LEVEL_ERROR] = 1 };
	cJSON *g = diagnostic(d, f->loc.line, f->loc.col,
			      severity[f->level] ? severity[f->level] : 2, f->message);
	cJSON *rel = cJSON_AddArrayToObject(g, "relatedInformation");
	char *href = rule_page(vt_rules[f->rule]->id);

	cJSON_AddStringToObject(g, "code", vt_rules[f->rule]->id);
	if (href)
		cJSON_AddStringToObject(cJSON_AddObjectToObject(g, "codeDescription"), "href", href);
	free(href);
	for (size_t i = 0; i < f->notes.len; i++) {
		cJSON *r = cJSON_CreateObject();

		cJSON_AddItemToObject(r, "location", location_json(d, f->notes.data[i].loc));
		add_message(r, f->notes.data[i].message);
		cJSON_AddItemToArray(rel, r);
	}
	return g;
}

/*
 * Compiler errors: the document's own, at their place.  Errors inside
 * included files are not the document's, but a document they stop from
 * being analysed must not look clean: one diagnostic at its top says so.
 */
static void add_errors(const doc *d, const vt_findings *fs, cJSON *list)
{
	const vt_error *elsewhere = NULL;
	size_t own = 0;

	for (size_t i = 0; i < fs->errors.len; i++) {
		const vt_error *e = &fs->errors.data[i];

		if (strcmp(e->file, d->cmd.path)) {
			elsewhere = elsewhere ? elsewhere : e;
			continue;
		}
		cJSON_AddItemToArray(list, diagnostic(d, e->line, e->col, 1, e->message));
		own++;
	}
	if (elsewhere && !own) {
		char *m = xasprintf("not analysed: errors in an included file (%s:%u: %s)",
				    elsewhere->file, elsewhere->line, elsewhere->message);

		cJSON_AddItemToArray(list, diagnostic(d, 1, 1, 1, m));
		free(m);
	}
}

/* Functions of the document analysed with paths merged: an Information at
 * each, so that one without warnings is not taken for proven clean. */
static void add_limits(const doc *d, const vt_findings *fs, cJSON *list)
{
	for (size_t i = 0; i < fs->limits.len; i++) {
		const vt_error *e = &fs->limits.data[i];

		if (!strcmp(e->file, d->cmd.path))
			cJSON_AddItemToArray(list, diagnostic(d, e->line, e->col, 3, e->message));
	}
}

static void publish(server *s, const doc *d, const vt_findings *fs)
{
	cJSON *p = cJSON_CreateObject();
	cJSON *list;

	cJSON_AddStringToObject(p, "uri", d->uri);
	cJSON_AddNumberToObject(p, "version", d->version);
	list = cJSON_AddArrayToObject(p, "diagnostics");
	if (fs) {
		add_errors(d, fs, list);
		for (size_t i = 0; i < fs->items.len; i++)
			cJSON_AddItemToArray(list, finding_json(d, &fs->items.data[i]));
		add_limits(d, fs, list);
	}
	notify(s, "textDocument/publishDiagnostics", p);
}

/* Whether base_path is not the file last read: written again, or appeared, or gone. */
static bool base_changed(server *s, struct stat *st)
{
	if (stat(s->base_path, st) != 0) {
		memset(st, 0, sizeof *st);
		return s->base_st.st_ino != 0;
	}
	return st->st_ino != s->base_st.st_ino || st->st_dev != s->base_st.st_dev ||
	       st->st_size != s->base_st.st_size ||
	       st->st_mtim.tv_sec != s->base_st.st_mtim.tv_sec ||
	       st->st_mtim.tv_nsec != s->base_st.st_mtim.tv_nsec;
}

/*
 * The store the command line kept beside its cache entries
 * (.vtlint-cache/summaries.json next to the database, as vt_cache_dir
 * makes it): the project's other files' functions without parsing them.
 * A command-line run rewrites it: a stat per analysis reads it again then
 * (true: the base changed).
 */
static bool read_base(server *s, const doc *d)
{
	const char *slash = d->cmd.origin ? strrchr(d->cmd.origin, '/') : NULL;
	char *why = NULL;
	struct stat st;

	if (!s->base_path && d->cmd.origin)
		s->base_path = slash ? xasprintf("%.*s/.vtlint-cache/summaries.json",
						 (int)(slash - d->cmd.origin), d->cmd.origin)
				     : xstrdup(".vtlint-cache/summaries.json");
	if (!s->base_path || !base_changed(s, &st))
		return false;
	vt_store_free(s->base);
	s->base = st.st_ino ? vt_store_load(s->base_path, &why) : NULL;
	free(why); /* none yet, or unusable: the open documents alone */
	s->base_st = st;
	return true;
}

/*
 * The open documents' functions over the base.  A document whose lookups
 * the new store answers differently is analysed again at once: an edit to
 * a callee's file updates its callers' diagnostics.  Documents that call
 * each other settle as the command line's rounds do; MAX_CHASED bounds a
 * recursion across documents that would not.
 */
enum { MAX_CHASED = 16 };

static void update_store(server *s)
{
	vt_store *next = vt_store_new();

	for (size_t i = 0; i < s->docs.len; i++)
		for (size_t k = 0; k < s->docs.data[i]->sums.exports.len; k++)
			vt_store_add(next, s->docs.data[i]->sums.exports.data[k].usr,
				     &s->docs.data[i]->sums.exports.data[k].sum);
	vt_store_seal(next);
	vt_store_overlay(next, s->base);
	vt_store_free(s->store);
	s->store = next;
	for (size_t i = 0; i < s->docs.len; i++) {
		doc *d = s->docs.data[i];
		int chased = d->chased;
	
		if (!d->dirty && d->cmd.path && !vt_lookups_hold(&d->sums, s->store) &&
		    chased < MAX_CHASED) {
			schedule(s, d, 0); /* which counts from 0: an edit's */
			d->chased = chased + 1;
		}
	}
}

/* The unsaved text through the command line's pipeline. */
static void analyse(server *s, doc *d)
{
	vt_findings fs = { 0 };
	double t0 = now_ms();
	vt_run_opts run = *s->run;

	if (d->skipped) {
		d->dirty = false;
		publish(s, d, NULL);
		return;
	}
	d->cmd.config = d->config;
	if (read_base(s, d) || !s->store) /* d still dirty: not queued again by it */
		update_store(s);
	d->dirty = false;
	run.store = s->store;
	run.sums = &d->sums;
	vt_check_text(s->session, &d->cmd, d->text.data, d->text.len, &run, &fs);
	vt_explain_errors(&fs, &d->cmd, vt_no_flags(s->co, &d->cmd)); /* as the command line says them */
	publish(s, d, &fs);
	fprintf(stderr, "vtlint --lsp: %s: %zu finding%s, %zu error%s, %.0f ms\n", d->cmd.path,
		fs.items.len, fs.items.len == 1 ? "" : "s", fs.errors.len,
		fs.errors.len == 1 ? "" : "s", now_ms() - t0);
	vt_findings_free(&fs);
	update_store(s);
}

/*
 * Analyses every document whose time has come; returns ms until the next
 * one, or -1.  The next is looked for once they were analysed: one may have
 * scheduled a document the loop had passed (a caller whose callee changed).
 */
static int analyse_due(server *s)
{
	double next = -1, now = now_ms();

	for (size_t i = 0; i < s->docs.len && !s->done; i++) {
		doc *d = s->docs.data[i];

		if (d->dirty && d->due <= now) {
			analyse(s, d);
			now = now_ms();
		}
	}
	for (size_t i = 0; i < s->docs.len; i++) {
		const doc *d = s->docs.data[i];

		if (d->dirty && (next < 0 || d->due < next))
			next = d->due;
	}
	return next < 0 ? -1 : next <= now ? 0 : (int)(next - now) + 1;
}

/* ---- notifications about documents ------------------------------------------------------ */

static const char *get_string(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* params.textDocument of a document the client opened; NULL (logged) otherwise. */
static doc *doc_of(server *s, const char *method, const cJSON *params)
{
	const cJSON *td = cJSON_GetObjectItemCaseSensitive(params, "textDocument");
	const char *uri = get_string(td, "uri");
	doc *d = uri ? find_doc(s, uri) : NULL;

	if (!uri)
		say(s, LOG_ERROR, "%s without textDocument.uri: ignored", method);
	else if (!d)
		say(s, LOG_ERROR, "%s for %s, which is not open: ignored", method, uri);
	return d;
}

static void did_open(server *s, const cJSON *params)
{
	const cJSON *td = cJSON_GetObjectItemCaseSensitive(params, "textDocument");
	const char *uri = get_string(td, "uri"), *text = get_string(td, "text");
	const cJSON *version = cJSON_GetObjectItemCaseSensitive(td, "version");
	char *path;
	doc *d;

	if (!uri || !text) {
		say(s, LOG_ERROR, "didOpen without textDocument.uri and .text: ignored");
		return;
	}
	if ((d = find_doc(s, uri)))
		say(s, LOG_WARNING, "%s opened twice: the new text replaces the old", uri);
	if (!d) {
		d = xcalloc(1, sizeof *d);
		d->uri = xstrdup(uri);
		vec_push(&s->docs, d);
	}
	lsp_text_set(&d->text, text, strlen(text));
	d->version = cJSON_IsNumber(version) ? version->valuedouble : 0;
	path = lsp_uri_to_path(uri);
	if (path)
		configure(s, d, path);
	else
		say(s, LOG_INFO, "%s is not a local file: not analysed", uri);
	free(path);
	schedule(s, d, 0);
}

/* One entry of contentChanges: false (logged) when it cannot be applied. */
static bool apply_change(server *s, doc *d, const cJSON *c)
{
	const cJSON *range = cJSON_GetObjectItemCaseSensitive(c, "range");
	const char *text = get_string(c, "text");
	lsp_pos p[2];
	size_t at[2];
	bool clamped[2];

	if (!text) {
		say(s, LOG_ERROR, "%s: a change without text: the rest of this didChange is ignored",
		    d->uri);
		return false;
	}
	if (!range) { /* full sync: the whole text */
		lsp_text_set(&d->text, text, strlen(text));
		return true;
	}
	for (int i = 0; i < 2; i++) {
		const cJSON *pos = cJSON_GetObjectItemCaseSensitive(range, i ? "end" : "start");
		const cJSON *l = cJSON_GetObjectItemCaseSensitive(pos, "line");
		const cJSON *ch = cJSON_GetObjectItemCaseSensitive(pos, "character");

		if (!cJSON_IsNumber(l) || !cJSON_IsNumber(ch) || l->valuedouble < 0 ||
		    ch->valuedouble < 0 || l->valuedouble > 4e9 || ch->valuedouble > 4e9) {
			say(s, LOG_ERROR, "%s: a change with a malformed range: the rest of this "
				"didChange is ignored", d->uri);
			return false;
		}
		p[i] = (lsp_pos){ (unsigned)l->valuedouble, (unsigned)ch->valuedouble };
		at[i] = lsp_offset(&d->text, p[i], &clamped[i]);
	}
	if (clamped[0] || clamped[1])
		say(s, LOG_WARNING, "%s: a change past the end of the document (line %u): "
			"applied at its end", d->uri, clamped[1] ? p[1].line : p[0].line);
	if (at[0] > at[1]) { /* a range backwards: as vscode's TextDocument, swap it */
		size_t t = at[0];

		at[0] = at[1];
		at[1] = t;
	}
	lsp_text_replace(&d->text, at[0], at[1], text, strlen(text));
	return true;
}

static void did_change(server *s, const cJSON *params)
{
	doc *d = doc_of(s, "didChange", params);
	const cJSON *changes = cJSON_GetObjectItemCaseSensitive(params, "contentChanges");
	const cJSON *td = cJSON_GetObjectItemCaseSensitive(params, "textDocument");
	const cJSON *version = cJSON_GetObjectItemCaseSensitive(td, "version"), *c;

	if (!d)
		return;
	if (!cJSON_IsArray(changes)) {
		say(s, LOG_ERROR, "didChange of %s without contentChanges: ignored", d->uri);
		return;
	}
	cJSON_ArrayForEach(c, changes)
		if (!apply_change(s, d, c))
			break;
	if (cJSON_IsNumber(version))
		d->version = version->valuedouble;
	schedule(s, d, s->debounce);
}

/* A save may come with a changed compile_commands.json or .vtlint.json: look again. */
static void did_save(server *s, const cJSON *params)
{
	doc *d = doc_of(s, "didSave", params);
	char *path;

	if (!d)
		return;
	path = lsp_uri_to_path(d->uri);
	if (path)
		configure(s, d, path);
	free(path);
	schedule(s, d, 0);
}

static void did_close(server *s, const cJSON *params)
{
	doc *d = doc_of(s, "didClose", params);

	if (!d)
		return;
	if (d->cmd.path)
		vt_session_close(s->session, d->cmd.path);
	publish(s, d, NULL); /* an editor keeps what it was told: clear it */
	for (size_t i = 0; i < s->docs.len; i++)
		if (s->docs.data[i] == d)
			s->docs.data[i] = s->docs.data[--s->docs.len];
	free_doc(d);
	update_store(s); /* its text on disk is the base's again, or unseen */
}

/* ---- requests ------------------------------------------------------------------------- */

static void initialize(server *s, const cJSON *id, const cJSON *params)
{
	cJSON *r = cJSON_CreateObject(), *caps = cJSON_AddObjectToObject(r, "capabilities");
	cJSON *sync = cJSON_AddObjectToObject(caps, "textDocumentSync");
	cJSON *info = cJSON_AddObjectToObject(r, "serverInfo");

	if (s->initialized) {
		respond_error(s, id, INVALID_REQUEST, "initialize: already initialized");
		cJSON_Delete(r);
		return;
	}
	cJSON_AddStringToObject(caps, "positionEncoding", "utf-16");
	cJSON_AddBoolToObject(sync, "openClose", 1);
	cJSON_AddNumberToObject(sync, "change", 2); /* TextDocumentSyncKind.Incremental */
	cJSON_AddBoolToObject(cJSON_AddObjectToObject(sync, "save"), "includeText", 0);
	cJSON_AddStringToObject(info, "name", "vtlint");
	cJSON_AddStringToObject(info, "version", VTLINT_VERSION);
	s->initialized = true;
	respond(s, id, r);
}

static void shutdown_request(server *s, const cJSON *id, const cJSON *params)
{
	s->shut_down = true;
	respond(s, id, NULL);
}

static const struct {
	const char *method;
	void (*fn)(server *s, const cJSON *id, const cJSON *params);
} requests[] = {
	{ "initialize", initialize },
	{ "shutdown", shutdown_request },
};

static const struct {
	const char *method;
	void (*fn)(server *s, const cJSON *params);
} notifications[] = {
	{ "textDocument/didOpen", did_open },
	{ "textDocument/didChange", did_change },
	{ "textDocument/didSave", did_save },
	{ "textDocument/didClose", did_close },
};

/* ---- dispatch ---------------------------------------------------------------------------- */

/* Numbers before strings, then by value: an order for searching ids. */
static int id_cmp(const cJSON *a, const cJSON *b)
{
	if (cJSON_IsNumber(a) != cJSON_IsNumber(b))
		return cJSON_IsNumber(a) ? -1 : 1;
	if (cJSON_IsNumber(a))
		return (a->valuedouble > b->valuedouble) - (a->valuedouble < b->valuedouble);
	return strcmp(a->valuestring, b->valuestring);
}

static int cancel_cmp(const void *pa, const void *pb)
{
	const cancel *a = pa, *b = pb;
	int c = id_cmp(a->id, b->id);

	return c ? c : (a->at < b->at) - (a->at > b->at); /* the latest first */
}

/*
 * The batch's cancellations, sorted once, so that each request looks its
 * id up instead of scanning the rest of the batch (a burst of requests
 * would otherwise cost their number squared).
 */
static void collect_cancels(server *s)
{
	size_t n = 0;

	s->cancels.len = 0;
	for (size_t j = 0; j < s->batch.len; j++) {
		const cJSON *m = s->batch.data[j].msg;
		const char *method = get_string(m, "method");
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(m, "params"), "id");

		if (method && !strcmp(method, "$/cancelRequest") &&
		    (cJSON_IsNumber(id) || cJSON_IsString(id)))
			vec_push(&s->cancels, ((cancel){ id, j }));
	}
	if (s->cancels.len)
		qsort(s->cancels.data, s->cancels.len, sizeof *s->cancels.data, cancel_cmp);
	for (size_t j = 0; j < s->cancels.len; j++)
		if (!n || id_cmp(s->cancels.data[n - 1].id, s->cancels.data[j].id))
			s->cancels.data[n++] = s->cancels.data[j];
	s->cancels.len = n;
}

/* A $/cancelRequest for id later in this batch: the request is not answered yet. */
static bool cancelled(const server *s, size_t i, const cJSON *id)
{
	size_t lo = 0, hi = s->cancels.len;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = id_cmp(s->cancels.data[mid].id, id);

		if (!c)
			return s->cancels.data[mid].at > i;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static void request(server *s, size_t i, const char *method, const cJSON *id,
		    const cJSON *params)
{
	char *why, *clean;

	if (cancelled(s, i, id)) {
		respond_error(s, id, REQUEST_CANCELLED, "request cancelled");
		return;
	}
	if (s->shut_down) {
		respond_error(s, id, INVALID_REQUEST, "the server is shutting down");
		return;
	}
	if (!s->initialized && strcmp(method, "initialize")) {
		respond_error(s, id, SERVER_NOT_INITIALIZED, "the server is not initialized");
		return;
	}
	for (size_t k = 0; k < sizeof requests / sizeof *requests; k++)
		if (!strcmp(method, requests[k].method)) {
			requests[k].fn(s, id, params);
			return;
		}
	clean = lsp_utf8_clean(method); /* JSON must be UTF-8, whatever the client sent */
	why = xasprintf("unknown method: %s", clean);
	respond_error(s, id, METHOD_NOT_FOUND, why);
	free(why);
	free(clean);
}

/* Notifications get no answer, whatever happens; "$/" ones may be ignored silently. */
static void notification(server *s, const char *method, const cJSON *params)
{
	if (!strcmp(method, "exit")) {
		s->done = true;
		return;
	}
	if (!s->initialized || s->shut_down) {
		fprintf(stderr, "vtlint --lsp: %s %s: ignored\n", method,
			s->shut_down ? "after shutdown" : "before initialize");
		return;
	}
	for (size_t k = 0; k < sizeof notifications / sizeof *notifications; k++)
		if (!strcmp(method, notifications[k].method)) {
			notifications[k].fn(s, params);
			return;
		}
	if (strncmp(method, "$/", 2) && strcmp(method, "initialized"))
		fprintf(stderr, "vtlint --lsp: notification %s not supported: ignored\n", method);
}

static void handle(server *s, size_t i)
{
	const cJSON *m = s->batch.data[i].msg, *id, *params;
	const char *method;

	if (!cJSON_IsObject(m)) {
		fprintf(stderr, "vtlint --lsp: a message that is no JSON object\n");
		respond_error(s, NULL, INVALID_REQUEST, "a message must be a JSON object");
		return;
	}
	id = cJSON_GetObjectItemCaseSensitive(m, "id");
	method = get_string(m, "method");
	params = cJSON_GetObjectItemCaseSensitive(m, "params");
	if (id && !cJSON_IsNumber(id) && !cJSON_IsString(id)) {
		respond_error(s, NULL, INVALID_REQUEST, "id must be a number or a string");
		return;
	}
	if (!method) {
		if (id && (cJSON_HasObjectItem(m, "result") || cJSON_HasObjectItem(m, "error")))
			return; /* a response, but this server sends no requests */
		fprintf(stderr, "vtlint --lsp: a message without a method\n");
		respond_error(s, id, INVALID_REQUEST, "a request needs a method");
		return;
	}
	if (id)
		request(s, i, method, id, params);
	else
		notification(s, method, params);
}

/* ---- the loop ------------------------------------------------------------------------------ */

/* Reads all the input holds now (a burst of edits is one batch); false at its end. */
static bool read_input(server *s)
{
	struct pollfd p = { .fd = s->in.fd, .events = POLLIN };
	long n = lsp_read_some(&s->in);

	while (n > 0 && s->in.len < (16u << 20) && poll(&p, 1, 0) > 0 && (p.revents & POLLIN))
		n = lsp_read_some(&s->in);
	if (n < 0)
		fprintf(stderr, "vtlint --lsp: cannot read the input: %s\n", strerror(errno));
	return n > 0;
}

/* The batch's messages; framing and JSON errors are answered here, with id null. */
static void split(server *s)
{
	enum lsp_next k;
	char *body;
	size_t n;

	while ((k = lsp_next(&s->in, &body, &n)) != LSP_NONE) {
		cJSON *m = NULL;

		if (k == LSP_MESSAGE) {
			m = cJSON_ParseWithLength(body, n);
			free(body);
		}
		if (m) {
			vec_push(&s->batch, ((entry){ .msg = m, .kind = k }));
			continue;
		}
		fprintf(stderr, "vtlint --lsp: %s\n", k == LSP_BAD_HEADER ? "a bad header: skipped"
						     : k == LSP_TOO_BIG ? "a message too big: skipped"
						     : "a message that is not JSON");
		respond_error(s, NULL, PARSE_ERROR, k == LSP_MESSAGE ? "invalid JSON" : "bad header");
	}
}

static void run_batch(server *s)
{
	split(s);
	collect_cancels(s);
	for (size_t i = 0; i < s->batch.len && !s->done; i++)
		handle(s, i);
	for (size_t i = 0; i < s->batch.len; i++) /* after: cancels point into any of them */
		cJSON_Delete(s->batch.data[i].msg);
	s->batch.len = 0;
}

static void cleanup(server *s)
{
	for (size_t i = 0; i < s->docs.len; i++)
		free_doc(s->docs.data[i]);
	free(s->docs.data);
	free(s->batch.data);
	free(s->cancels.data);
	free(s->in.buf);
	vt_session_free(s->session);
	vt_store_free(s->base);
	free(s->base_path);
	vt_store_free(s->store);
}

int vt_lsp_serve(int in_fd, int out_fd, const vt_cmd_opts *co, const vt_run_opts *run)
{
	server s = { .in = { .fd = in_fd }, .out = out_fd, .co = co, .run = run,
		     .debounce = DEBOUNCE_MS };
	const char *env = getenv("VTLINT_LSP_DEBOUNCE_MS");
	int status;

	if (env)
		s.debounce = atoi(env);
	signal(SIGPIPE, SIG_IGN); /* a client gone shows at write(), and we exit cleanly */
	s.session = vt_session_new();
	while (!s.done) {
		struct pollfd p = { .fd = in_fd, .events = POLLIN };
		int wait = analyse_due(&s), r;
		bool more;

		if (s.done)
			break;
		r = poll(&p, 1, wait);
		if (r < 0 && errno != EINTR) {
			fprintf(stderr, "vtlint --lsp: poll: %s\n", strerror(errno));
			break;
		}
		if (r <= 0)
			continue; /* a document's time came */
		more = read_input(&s);
		run_batch(&s); /* at the end too: answer what came before it */
		s.done |= !more;
	}
	status = s.shut_down ? 0 : 1;
	if (!s.shut_down)
		fprintf(stderr, "vtlint --lsp: input ended or exit came without shutdown\n");
	cleanup(&s);
	return status;
}
