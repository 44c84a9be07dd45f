/*
 * baseline.c: fingerprints that survive lines moving, and --baseline, so
 * that a large code base can adopt vtlint by failing only on new findings.
 *
 * A fingerprint hashes the rule, the message and the text of the finding's
 * line with white space removed; the same text again in the same file is
 * numbered (":2", ":3") so that copies are told apart.  Inserting lines
 * above a finding changes none of these, and neither does where the
 * checkout is: files are matched apart, by their path relative to the
 * source root (vt_source_root), so that a baseline made in one checkout
 * works in another.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vtlint.h"

typedef struct entry {
	char *rule, *file, *fingerprint;  /* file: relative to the report's source root if inside */
	size_t next;                      /* the next unused entry of its bucket, or NONE */
} entry;

enum { NONE = SIZE_MAX };

/* ---- a table from 64-bit hashes to indices (open addressing) --------------------------- */

typedef struct slot {
	uint64_t key;
	size_t val; /* the index + 1; 0: an empty slot */
} slot;

typedef struct table {
	slot *slots;
	size_t cap, len; /* cap: a power of two */
} table;

static size_t table_find(const table *t, uint64_t key)
{
	size_t i = (size_t)(key ^ key >> 29) & (t->cap - 1);

	while (t->slots[i].val && t->slots[i].key != key)
		i = (i + 1) & (t->cap - 1);
	return i;
}

/* key's index, NONE when it has none. */
static size_t table_get(const table *t, uint64_t key)
{
	return t->cap ? t->slots[table_find(t, key)].val - 1 : NONE;
}

static void table_put(table *t, uint64_t key, size_t val)
{
	slot *s;

	if ((t->len + 1) * 4 > t->cap * 3) {
		table old = *t;

		t->cap = t->cap ? t->cap * 2 : 64;
		t->slots = xcalloc(t->cap, sizeof *t->slots);
		t->len = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.slots[i].val)
				table_put(t, old.slots[i].key, old.slots[i].val - 1);
		free(old.slots);
	}
	s = &t->slots[table_find(t, key)];
	t->len += !s->val;
	s->key = key;
	s->val = val + 1;
}

struct vt_baseline {
	VEC(entry) entries;
	table buckets;                    /* (rule, fingerprint, file name) -> heads's index */
	VEC(size_t) heads;                /* each bucket's first unused entry, or NONE */
	char *srcroot;                    /* the report's, when it says */
};

static void index_entries(vt_baseline *b);

/* ---- fingerprints ------------------------------------------------------------------ */

static uint64_t fnv(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (h ^ 0xff) * 1099511628211ULL; /* a separator: "ab","c" differs from "a","bc" */
}

/*
 * Where a walk through a file's lines is: findings come sorted by line,
 * so that each file is walked once, not once per finding.
 */
typedef struct cursor {
	const char *src, *p; /* p: the start of line `line`, or NULL past the end */
	unsigned line;
} cursor;

/* Line (from 1; 0 is 1) of the file without blanks: indentation changes do not make a finding new. */
static char *line_text(cursor *c, unsigned line)
{
	const char *end;
	char *out;
	size_t n = 0;

	if (line < c->line || !c->line) {
		c->p = c->src;
		c->line = 1;
	}
	for (; c->p && c->line < line; c->line++)
		c->p = (c->p = strchr(c->p, '\n')) ? c->p + 1 : NULL;
	if (!c->p)
		return xstrdup("");
	end = strchr(c->p, '\n');
	end = end ? end : c->p + strlen(c->p);
	out = xmalloc((size_t)(end - c->p) + 1);
	for (const char *p = c->p; p < end; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r')
			out[n++] = *p;
	out[n] = 0;
	return out;
}

/*
 * The ":N" that tells copies apart: 1 + how many earlier findings of the
 * same file had the same hash.  seen maps (hash, file) to the latest such
 * finding, prev chains each finding to the one before it with its key.
 */
typedef struct copies {
	table seen;
	size_t *prev;
	unsigned *n;
} copies;

static unsigned copy_number(copies *c, const vt_findings *fs, const uint64_t *hashes, size_t i)
{
	const char *file = fs->items.data[i].loc.file;
	uint64_t key = fnv(hashes[i], file);
	size_t k = table_get(&c->seen, key);

	c->prev[i] = k;
	table_put(&c->seen, key, i);
	while (k != NONE && (hashes[k] != hashes[i] || strcmp(fs->items.data[k].loc.file, file)))
		k = c->prev[k]; /* another (hash, file) with the same key */
	return c->n[i] = k == NONE ? 1 : c->n[k] + 1;
}

/* The rule, the message and the line's text without blanks. */
static uint64_t hash_of(const vt_finding *f, cursor *c)
{
	char *text = c->src ? line_text(c, f->loc.line) : xstrdup("");
	uint64_t h = fnv(fnv(fnv(1469598103934665603ULL, vt_rules[f->rule]->id), f->message), text);

	free(text);
	return h;
}

/* One unit's findings, sorted: each file is read once, not once per finding. */
void vt_fingerprint_all(vt_findings *fs)
{
	uint64_t *hashes = xcalloc(fs->items.len + 1, sizeof *hashes);
	copies cp = { .prev = xcalloc(fs->items.len + 1, sizeof *cp.prev),
		      .n = xcalloc(fs->items.len + 1, sizeof *cp.n) };
	const char *file = NULL;
	cursor c = { 0 };

	for (size_t i = 0; i < fs->items.len; i++) {
		vt_finding *f = &fs->items.data[i];
		unsigned n;

		if (!file || strcmp(file, f->loc.file)) {
			free((char *)c.src);
			file = f->loc.file;
			c = (cursor){ .src = vt_read_file(file, NULL) };
		}
		hashes[i] = hash_of(f, &c);
		n = copy_number(&cp, fs, hashes, i);
		free(f->fingerprint);
		f->fingerprint = n == 1 ? xasprintf("%016llx", (unsigned long long)hashes[i])
					: xasprintf("%016llx:%u", (unsigned long long)hashes[i], n);
	}
	free((char *)c.src);
	free(cp.seen.slots);
	free(cp.prev);
	free(cp.n);
	free(hashes);
}

/* ---- reading an earlier report ------------------------------------------------------- */

/* A report's file name, relative to its source root where it was inside it. */
static char *report_path(const vt_baseline *b, const char *file)
{
	size_t n = b->srcroot ? strlen(b->srcroot) : 0;

	if (!strncmp(file, "file://", 7))
		file += 7;
	if (n && file[0] == '/' && !strncmp(file, b->srcroot, n) && file[n] == '/')
		file += n + 1;
	return xstrdup(file);
}

static void add(vt_baseline *b, const char *rule, const char *file, const char *fp)
{
	entry e = { .rule = xstrdup(rule), .file = report_path(b, file), .fingerprint = xstrdup(fp) };

	vec_push(&b->entries, e);
}

static const char *str(cJSON *o, const char *key)
{
	cJSON *v = cJSON_GetObjectItem(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* vtlint's JSON: diagnostics[].rule, .file, .fingerprint */
static bool from_json(vt_baseline *b, cJSON *root)
{
	cJSON *d, *diags = cJSON_GetObjectItem(root, "diagnostics");

	if (!cJSON_IsArray(diags))
		return false;
	if (str(root, "srcroot"))
		b->srcroot = report_path(b, str(root, "srcroot"));
	cJSON_ArrayForEach(d, diags) {
		const char *rule = str(d, "rule"), *file = str(d, "file"), *fp = str(d, "fingerprint");

		if (rule && file && fp)
			add(b, rule, file, fp);
	}
	return true;
}

/* SARIF: runs[].results[].ruleId, its first location's uri, partialFingerprints.vtlint/v1 */
static bool from_sarif(vt_baseline *b, cJSON *root)
{
	cJSON *run, *res, *runs = cJSON_GetObjectItem(root, "runs");

	if (!cJSON_IsArray(runs))
		return false;
	cJSON_ArrayForEach(run, runs) {
		const char *root = str(cJSON_GetObjectItem(cJSON_GetObjectItem(run, "originalUriBaseIds"),
							   "%SRCROOT%"), "uri");

		free(b->srcroot);
		b->srcroot = NULL;
		if (root) { /* "file:///work/src/" */
			b->srcroot = report_path(b, root);
			if (strlen(b->srcroot) > 1 && b->srcroot[strlen(b->srcroot) - 1] == '/')
				b->srcroot[strlen(b->srcroot) - 1] = 0;
		}
		cJSON_ArrayForEach(res, cJSON_GetObjectItem(run, "results")) {
			cJSON *loc = cJSON_GetArrayItem(cJSON_GetObjectItem(res, "locations"), 0);
			cJSON *art = cJSON_GetObjectItem(cJSON_GetObjectItem(loc, "physicalLocation"),
							 "artifactLocation");
			const char *rule = str(res, "ruleId"), *uri = str(art, "uri");
			const char *fp = str(cJSON_GetObjectItem(res, "partialFingerprints"), "vtlint/v1");

			if (rule && uri && fp)
				add(b, rule, uri, fp);
		}
	}
	return true;
}

vt_baseline *vt_baseline_load(const char *path, vt_findings *errs)
{
	size_t len;
	char *text = vt_read_file(path, &len);
	cJSON *root;
	vt_baseline *b;

	if (!text) {
		vt_add_error(errs, path, 0, 0, "cannot read the baseline: %s", strerror(errno));
		return NULL;
	}
	root = cJSON_ParseWithLength(text, len);
	free(text);
	b = xcalloc(1, sizeof *b);
	if (!root || !(from_json(b, root) || from_sarif(b, root))) {
		vt_add_error(errs, path, 0, 0, "not a vtlint JSON or SARIF report");
		cJSON_Delete(root);
		vt_baseline_free(b);
		return NULL;
	}
	cJSON_Delete(root);
	index_entries(b);
	return b;
}

/*
 * The same file: equal paths relative to the source root; failing that
 * (a report from before vtlint wrote relative paths, or with paths outside
 * its root), one a path suffix of the other.
 */
static bool same_file(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la == lb)
		return !strcmp(a, b);
	if (la < lb)
		return b[lb - la - 1] == '/' && !strcmp(b + lb - la, a);
	return a[la - lb - 1] == '/' && !strcmp(a + la - lb, b);
}

/*
 * The key of an entry's bucket: rule, fingerprint and the file's last
 * component, which same_file's paths share whether equal or suffixes.
 */
static uint64_t bucket_key(const char *rule, const char *fp, const char *file)
{
	const char *slash = strrchr(file, '/');

	return fnv(fnv(fnv(1469598103934665603ULL, rule), fp), slash ? slash + 1 : file);
}

/* Buckets of entries, each in the report's order (built back to front). */
static void index_entries(vt_baseline *b)
{
	for (size_t i = b->entries.len; i-- > 0;) {
		entry *e = &b->entries.data[i];
		uint64_t key = bucket_key(e->rule, e->fingerprint, e->file);
		size_t k = table_get(&b->buckets, key);

		if (k == NONE) {
			k = b->heads.len;
			vec_push(&b->heads, NONE);
			table_put(&b->buckets, key, k);
		}
		e->next = b->heads.data[k];
		b->heads.data[k] = i;
	}
}

/* The first unused entry, in the report's order, of f's rule, fingerprint and file; used up. */
static bool matched(vt_baseline *b, const vt_finding *f, const char *file)
{
	const char *rule = vt_rules[f->rule]->id;
	size_t k = table_get(&b->buckets, bucket_key(rule, f->fingerprint, file));

	for (size_t *at = k == NONE ? NULL : &b->heads.data[k]; at && *at != NONE;
	     at = &b->entries.data[*at].next) {
		entry *e = &b->entries.data[*at];

		if (!strcmp(e->rule, rule) && !strcmp(e->fingerprint, f->fingerprint) &&
		    same_file(e->file, file)) {
			*at = e->next; /* an entry matches once */
			return true;
		}
	}
	return false;
}

/* What one run's findings are matched against: the baseline and the source root. */
typedef struct against {
	vt_baseline *b;
	const char *root;
	char *file, *rel;  /* the last finding's file (a copy: findings dropped are freed), relative */
} against;

static bool in_baseline(vt_finding *f, void *arg)
{
	against *a = arg;

	if (!f->fingerprint)
		return false;
	if (!a->file || strcmp(a->file, f->loc.file)) { /* findings come by file: resolve each once */
		free(a->rel);
		free(a->file);
		a->rel = vt_relative_path(a->root, f->loc.file);
		a->file = xstrdup(f->loc.file);
	}
	return matched(a->b, f, a->rel);
}

/* Drops the findings the baseline already has; returns how many.  srcroot NULL: found. */
size_t vt_baseline_filter_at(vt_baseline *b, vt_findings *fs, const char *srcroot)
{
	against a = { .b = b };
	char *root = fs->items.len ? vt_source_root(srcroot, fs->items.data[0].loc.file) : NULL;
	size_t dropped;

	a.root = root;
	dropped = root ? vt_findings_drop(fs, in_baseline, &a) : 0;
	free(a.file);
	free(a.rel);
	free(root);
	return dropped;
}

size_t vt_baseline_filter(vt_baseline *b, vt_findings *fs)
{
	return vt_baseline_filter_at(b, fs, NULL);
}

void vt_baseline_free(vt_baseline *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->entries.len; i++) {
		free(b->entries.data[i].rule);
		free(b->entries.data[i].file);
		free(b->entries.data[i].fingerprint);
	}
	free(b->entries.data);
	free(b->buckets.slots);
	free(b->heads.data);
	free(b->srcroot);
	free(b);
}
