/*
 * format_sarif.c: the SARIF 2.1.0 report of cli.md, written with cJSON,
 * for GitHub code scanning and SARIF viewers.
 *
 * What GitHub needs decides most of the shape: every rule with its help,
 * each result with a region whose end column is real, its notes as related
 * locations and as a code flow, and primaryLocationLineHash computed as
 * codeql-action computes it (fingerprint.c), so that uploads through any
 * client deduplicate alerts alike.  Columns are written in UTF-16 code
 * units, SARIF's default, converted from libclang's byte columns.
 */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vtlint.h"

#define SRCROOT "%SRCROOT%"

/* A file the report names: its URI, and its text, read once for all its results. */
typedef struct source {
	const char *file;      /* as findings name it */
	char *uri;             /* relative to %SRCROOT%, or an absolute file:// URI */
	bool relative;
	char *text;            /* NULL when it cannot be read */
	VEC(size_t) lines;     /* where each line starts in text */
	vt_line_hashes *hashes;
} source;

typedef struct sarif {
	char *root; /* absolute source root, no trailing slash */
	VEC(source *) sources;
	source **slots;     /* sources by file name: open addressing, at most half full */
	size_t nslots;      /* a power of two, or 0 */
} sarif;

/* ---- strings ---------------------------------------------------------------------- */

typedef VEC(char) buf;

static void put(buf *b, const char *s, size_t n)
{
	vec_reserve(b, n + 1);
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = 0;
}

static void puts_(buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* RFC 3986: everything but unreserved characters and '/' percent-encoded. */
static void put_uri_path(buf *b, const char *path)
{
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		char esc[4];

		if (isalnum(*p) || strchr("-._~/", *p)) {
			put(b, (const char *)p, 1);
		} else {
			snprintf(esc, sizeof esc, "%%%02X", *p);
			put(b, esc, 3);
		}
	}
}

/*
 * SARIF messages may embed links "[text](id)": literal brackets (an array
 * element in a message, say) are escaped so as not to read as one.
 */
static void put_message(buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '[' || *s == ']' || (*s == '\\' && (s[1] == '[' || s[1] == ']')))
			put(b, "\\", 1);
		put(b, s, 1);
	}
}

/* Messages are sentences in SARIF (the Multitool asks for the final period). */
static void end_sentence(buf *b)
{
	if (!b->len || !strchr(".!?", b->data[b->len - 1]))
		put(b, ".", 1);
}

static char *sentence(const char *s)
{
	buf b = { 0 };

	put_message(&b, s ? s : "");
	end_sentence(&b);
	return b.data;
}

/* ---- files ------------------------------------------------------------------------ */

static char *absolute(const char *path)
{
	char *real = realpath(path, NULL), *cwd, *abs;

	if (real)
		return real;
	if (path[0] == '/')
		return xstrdup(path);
	cwd = getcwd(NULL, 0);
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	abs = xasprintf("%s/%s", cwd ? cwd : "", path);
	free(cwd);
	return abs;
}

static void read_text(source *s)
{
	size_t len;

	s->text = vt_read_file(s->file, &len);
	if (!s->text)
		return;
	s->hashes = vt_line_hashes_text(s->text, len);
	/* lines end as clang and GitHub's hash see them: LF, CR or CRLF */
	vec_push(&s->lines, 0);
	for (size_t i = 0; i < len; i++) {
		if (s->text[i] == '\r' && i + 1 < len && s->text[i + 1] == '\n')
			i++;
		if (s->text[i] == '\r' || s->text[i] == '\n')
			vec_push(&s->lines, i + 1);
	}
	vec_push(&s->lines, len + 1); /* so that line n ends before lines[n] */
}

static size_t name_hash(const char *s)
{
	size_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* The slot where file is, or the empty one where it would go. */
static source **slot_of(const sarif *sr, const char *file)
{
	size_t i = name_hash(file) & (sr->nslots - 1);

	while (sr->slots[i] && strcmp(sr->slots[i]->file, file))
		i = (i + 1) & (sr->nslots - 1);
	return &sr->slots[i];
}

/* Room for one more source, the table kept at most half full. */
static void grow_slots(sarif *sr)
{
	if (2 * (sr->sources.len + 1) <= sr->nslots)
		return;
	free(sr->slots);
	sr->nslots = sr->nslots ? 2 * sr->nslots : 64;
	sr->slots = xcalloc(sr->nslots, sizeof *sr->slots);
	for (size_t i = 0; i < sr->sources.len; i++)
		*slot_of(sr, sr->sources.data[i]->file) = sr->sources.data[i];
}

static source *new_source(const sarif *sr, const char *file)
{
	size_t rootlen = strlen(sr->root);
	source *s = xcalloc(1, sizeof *s);
	char *abs = absolute(file);
	buf uri = { 0 };

	s->file = file;
	if (!strncmp(abs, sr->root, rootlen) && abs[rootlen] == '/' && rootlen > 0) {
		s->relative = true;
		put_uri_path(&uri, abs + rootlen + 1);
	} else {
		puts_(&uri, "file://");
		put_uri_path(&uri, abs);
	}
	s->uri = uri.data;
	free(abs);
	read_text(s);
	return s;
}

/* The file's source, read the first time a result names it (a report names thousands). */
static source *find_source(sarif *sr, const char *file)
{
	source **slot;

	grow_slots(sr);
	slot = slot_of(sr, file);
	if (!*slot) {
		*slot = new_source(sr, file);
		vec_push(&sr->sources, *slot);
	}
	return *slot;
}

static void free_sources(sarif *sr)
{
	for (size_t i = 0; i < sr->sources.len; i++) {
		source *s = sr->sources.data[i];

		free(s->uri);
		free(s->text);
		free(s->lines.data);
		vt_line_hashes_free(s->hashes);
		free(s);
	}
	free(sr->sources.data);
	free(sr->slots);
}

/* Line n's text (without its end), or NULL. */
static const char *line_text(const source *s, unsigned n, size_t *len)
{
	const char *p;

	if (!s->text || n == 0 || n + 1 > s->lines.len)
		return NULL;
	p = s->text + s->lines.data[n - 1];
	*len = s->lines.data[n] - s->lines.data[n - 1] - 1;
	while (*len && (p[*len - 1] == '\r' || p[*len - 1] == '\n'))
		--*len;
	return p;
}

/* ---- regions ----------------------------------------------------------------------- */

static bool ident_byte(unsigned char c)
{
	return isalnum(c) || c == '_' || c >= 0x80;
}

/*
 * Where the token at byte b ends: an identifier or number (with a leading
 * & or *), a string or character literal, or else one character.
 */
static size_t token_end(const char *s, size_t len, size_t b)
{
	size_t e = b + 1;
	char q = s[b];

	/* "&v" and "*p" as one token: a note at an address taken marks the variable */
	if ((q == '&' || q == '*') && e < len && ident_byte((unsigned char)s[e]))
		q = s[e++];
	if (ident_byte((unsigned char)q)) {
		while (e < len && ident_byte((unsigned char)s[e]))
			e++;
	} else if (q == '"' || q == '\'') {
		while (e < len && s[e] != q)
			e += s[e] == '\\' ? 2 : 1;
		e = e < len ? e + 1 : len;
	}
	return e;
}

/* UTF-16 code units in the first n bytes of a UTF-8 line: a column in SARIF's unit. */
static unsigned utf16_units(const char *s, size_t n)
{
	unsigned u = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c & 0xc0) != 0x80)
			u += c >= 0xf0 ? 2 : 1;
	}
	return u;
}

static cJSON *region(const source *s, unsigned line, unsigned col)
{
	cJSON *r = cJSON_CreateObject();
	unsigned start = col ? col : 1, end = start + 1;
	size_t len;
	const char *text = line_text(s, line, &len);

	if (text && start - 1 < len) {
		end = 1 + utf16_units(text, token_end(text, len, start - 1));
		start = 1 + utf16_units(text, start - 1);
	}
	cJSON_AddNumberToObject(r, "startLine", line);
	cJSON_AddNumberToObject(r, "startColumn", start);
	cJSON_AddNumberToObject(r, "endLine", line);
	cJSON_AddNumberToObject(r, "endColumn", end);
	return r;
}

static cJSON *artifact(const source *s)
{
	cJSON *a = cJSON_CreateObject();

	cJSON_AddStringToObject(a, "uri", s->uri);
	if (s->relative)
		cJSON_AddStringToObject(a, "uriBaseId", SRCROOT);
	return a;
}

/* { "physicalLocation": ... } with an id and message when given. */
static cJSON *location(sarif *sr, vt_loc loc, int id, const char *message)
{
	cJSON *l = cJSON_CreateObject(), *p;
	source *s = find_source(sr, loc.file);

	if (id > 0)
		cJSON_AddNumberToObject(l, "id", id);
	p = cJSON_AddObjectToObject(l, "physicalLocation");
	cJSON_AddItemToObject(p, "artifactLocation", artifact(s));
	cJSON_AddItemToObject(p, "region", region(s, loc.line, loc.col));
	if (message) {
		char *text = sentence(message);

		cJSON_AddStringToObject(cJSON_AddObjectToObject(l, "message"), "text", text);
		free(text);
	}
	return l;
}

/* ---- rules ------------------------------------------------------------------------- */

/*
 * The full description: the document's first paragraph after its title,
 * on one line, without its bold lead-in ("**What it finds.**").
 */
static char *full_description(int rule)
{
	const char *md = vt_rule_help(rule), *p, *end;
	buf b = { 0 };

	if (!md)
		return xstrdup(vt_rules[rule]->summary);
	for (p = md; *p == '#' || *p == '\n';)
		p = *p == '#' ? p + strcspn(p, "\n") : p + 1;
	if (!strncmp(p, "**", 2) && (end = strstr(p + 2, "**")))
		for (p = end + 2; *p == ' ';)
			p++;
	for (; *p && !(p[0] == '\n' && p[1] == '\n'); p++)
		put(&b, *p == '\n' ? " " : p, 1);
	if (!b.len)
		return xstrdup(vt_rules[rule]->summary);
	return b.data;
}

static cJSON *rule_descriptor(int i)
{
	cJSON *r = cJSON_CreateObject(), *help, *props, *tags;
	const char *md = vt_rule_help(i);
	char *text;

	cJSON_AddStringToObject(r, "id", vt_rules[i]->id);
	cJSON_AddStringToObject(r, "name", vt_rules[i]->name);
	cJSON_AddStringToObject(cJSON_AddObjectToObject(r, "shortDescription"), "text",
				vt_rules[i]->summary);
	text = full_description(i);
	cJSON_AddStringToObject(cJSON_AddObjectToObject(r, "fullDescription"), "text", text);
	free(text);
	/* Markdown reads well as text; without the document, --explain's text serves both. */
	help = cJSON_AddObjectToObject(r, "help");
	cJSON_AddStringToObject(help, "text", md ? md : vt_rule_explanation(i));
	cJSON_AddStringToObject(help, "markdown", md ? md : vt_rule_explanation(i));
	cJSON_AddStringToObject(cJSON_AddObjectToObject(r, "defaultConfiguration"), "level",
				vt_level_name(vt_rules[i]->level));
	props = cJSON_AddObjectToObject(r, "properties");
	tags = cJSON_AddArrayToObject(props, "tags");
	for (int t = 0; t < 3 && vt_rules[i]->tags[t]; t++)
		cJSON_AddItemToArray(tags, cJSON_CreateString(vt_rules[i]->tags[t]));
	cJSON_AddStringToObject(props, "precision", "high");
	cJSON_AddStringToObject(props, "problem.severity",
				vt_rules[i]->level == LEVEL_NOTE ? "recommendation"
								 : vt_level_name(vt_rules[i]->level));
	return r;
}

static cJSON *driver(void)
{
	cJSON *d = cJSON_CreateObject(), *rules;

	cJSON_AddStringToObject(d, "name", "vtlint");
	cJSON_AddStringToObject(d, "version", VTLINT_VERSION);
	cJSON_AddStringToObject(d, "semanticVersion", VTLINT_VERSION);
	if (*VT_INFORMATION_URI) /* a real home page, or none: never an invented one */
		cJSON_AddStringToObject(d, "informationUri", VT_INFORMATION_URI);
	rules = cJSON_AddArrayToObject(d, "rules");
	for (int i = 0; i < vt_nrules; i++)
		cJSON_AddItemToArray(rules, rule_descriptor(i));
	return d;
}

/* ---- results ----------------------------------------------------------------------- */

/* "vtask 'v' is consumed a second time: [first consumed here](1)." */
static char *result_text(const vt_finding *f)
{
	buf b = { 0 };

	put_message(&b, f->message);
	for (size_t j = 0; j < f->notes.len; j++) {
		char id[24];

		puts_(&b, j ? ", [" : ": [");
		put_message(&b, f->notes.data[j].message);
		snprintf(id, sizeof id, "](%zu)", j + 1);
		puts_(&b, id);
	}
	end_sentence(&b);
	return b.data;
}

/* The path GitHub shows step by step: each note in order, then the fault. */
static cJSON *code_flows(sarif *sr, const vt_finding *f)
{
	cJSON *flows = cJSON_CreateArray(), *thread = cJSON_CreateObject(), *steps, *flow;

	flow = cJSON_CreateObject();
	cJSON_AddItemToArray(flows, flow);
	cJSON_AddItemToArray(cJSON_AddArrayToObject(flow, "threadFlows"), thread);
	steps = cJSON_AddArrayToObject(thread, "locations");
	for (size_t j = 0; j <= f->notes.len; j++) {
		cJSON *step = cJSON_CreateObject();
		bool last = j == f->notes.len;

		cJSON_AddItemToObject(step, "location",
				      location(sr, last ? f->loc : f->notes.data[j].loc, 0,
					       last ? f->message : f->notes.data[j].message));
		cJSON_AddNumberToObject(step, "nestingLevel", 0);
		cJSON_AddNumberToObject(step, "executionOrder", (double)j + 1);
		cJSON_AddItemToArray(steps, step);
	}
	return flows;
}

static cJSON *result(sarif *sr, const vt_finding *f)
{
	cJSON *r = cJSON_CreateObject(), *fp;
	source *s = find_source(sr, f->loc.file);
	char hash[VT_LINE_HASH_SIZE], *text = result_text(f);

	cJSON_AddStringToObject(r, "ruleId", vt_rules[f->rule]->id);
	cJSON_AddNumberToObject(r, "ruleIndex", f->rule);
	cJSON_AddStringToObject(r, "level", vt_level_name(f->level));
	cJSON_AddStringToObject(cJSON_AddObjectToObject(r, "message"), "text", text);
	free(text);
	cJSON_AddItemToArray(cJSON_AddArrayToObject(r, "locations"), location(sr, f->loc, 0, NULL));
	if (f->notes.len) {
		cJSON *rel = cJSON_AddArrayToObject(r, "relatedLocations");

		for (size_t j = 0; j < f->notes.len; j++)
			cJSON_AddItemToArray(rel, location(sr, f->notes.data[j].loc, (int)j + 1,
							   f->notes.data[j].message));
		cJSON_AddItemToObject(r, "codeFlows", code_flows(sr, f));
	}
	fp = cJSON_AddObjectToObject(r, "partialFingerprints");
	/* without the file, GitHub computes it itself (codeql-action) or goes without */
	if (vt_line_hashes_get(s->hashes, f->loc.line, hash))
		cJSON_AddStringToObject(fp, "primaryLocationLineHash", hash);
	/* what --baseline matches a SARIF report by (baseline.c) */
	if (f->fingerprint)
		cJSON_AddStringToObject(fp, "vtlint/v1", f->fingerprint);
	if (f->suppressed) {
		cJSON *sup = cJSON_CreateObject();

		cJSON_AddStringToObject(sup, "kind", "inSource");
		cJSON_AddItemToArray(cJSON_AddArrayToObject(r, "suppressions"), sup);
	}
	return r;
}

/* ---- the run ----------------------------------------------------------------------- */

static cJSON *notification(sarif *sr, const vt_error *e, const char *level)
{
	cJSON *n = cJSON_CreateObject(), *p;
	char *text = sentence(e->message);

	cJSON_AddStringToObject(n, "level", level);
	cJSON_AddStringToObject(cJSON_AddObjectToObject(n, "message"), "text", text);
	free(text);
	if (e->file && *e->file) {
		source *s = find_source(sr, e->file);
		cJSON *l = cJSON_CreateObject();

		p = cJSON_AddObjectToObject(l, "physicalLocation");
		cJSON_AddItemToObject(p, "artifactLocation", artifact(s));
		if (e->line)
			cJSON_AddItemToObject(p, "region", region(s, e->line, e->col));
		cJSON_AddItemToArray(cJSON_AddArrayToObject(n, "locations"), l);
	}
	return n;
}

/* Compiler errors and unreadable files: the run did not do all it was
 * asked.  Functions analysed with paths merged (limits) did run, as notes. */
static cJSON *invocation(sarif *sr, const vt_findings *fs)
{
	cJSON *inv = cJSON_CreateObject(), *notes;

	cJSON_AddBoolToObject(inv, "executionSuccessful", fs->errors.len == 0);
	notes = cJSON_AddArrayToObject(inv, "toolExecutionNotifications");
	for (size_t i = 0; i < fs->errors.len; i++)
		cJSON_AddItemToArray(notes, notification(sr, &fs->errors.data[i], "error"));
	for (size_t i = 0; i < fs->limits.len; i++)
		cJSON_AddItemToArray(notes, notification(sr, &fs->limits.data[i], "note"));
	return inv;
}

static cJSON *base_ids(const sarif *sr)
{
	cJSON *ids = cJSON_CreateObject();
	buf uri = { 0 };

	puts_(&uri, "file://");
	put_uri_path(&uri, sr->root);
	puts_(&uri, "/");
	cJSON_AddStringToObject(cJSON_AddObjectToObject(ids, SRCROOT), "uri", uri.data);
	free(uri.data);
	return ids;
}

int vt_format_sarif(FILE *out, const vt_findings *fs, const vt_report_opts *o)
{
	sarif sr = { .root = absolute(o->srcroot ? o->srcroot : ".") };
	cJSON *root = cJSON_CreateObject(), *run, *results;
	size_t n;
	char *text;
	int r;

	/* "/" as the root: every path is relative to it, "" ends no prefix */
	n = strlen(sr.root);
	while (n > 0 && sr.root[n - 1] == '/')
		sr.root[--n] = 0;
	cJSON_AddStringToObject(root, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
	cJSON_AddStringToObject(root, "version", "2.1.0");
	run = cJSON_CreateObject();
	cJSON_AddItemToArray(cJSON_AddArrayToObject(root, "runs"), run);
	cJSON_AddItemToObject(cJSON_AddObjectToObject(run, "tool"), "driver", driver());
	cJSON_AddItemToArray(cJSON_AddArrayToObject(run, "invocations"), invocation(&sr, fs));
	cJSON_AddItemToObject(run, "originalUriBaseIds", base_ids(&sr));
	cJSON_AddStringToObject(run, "columnKind", "utf16CodeUnits");
	results = cJSON_AddArrayToObject(run, "results");
	for (size_t i = 0; i < fs->items.len; i++)
		cJSON_AddItemToArray(results, result(&sr, &fs->items.data[i]));
	text = cJSON_Print(root);
	cJSON_Delete(root);
	free_sources(&sr);
	free(sr.root);
	r = vt_write_report(out, text);
	cJSON_free(text);
	return r;
}
