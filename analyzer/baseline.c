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
	bool used;
} entry;

struct vt_baseline {
	VEC(entry) entries;
	char *srcroot;                    /* the report's, when it says */
};

/* ---- fingerprints ------------------------------------------------------------------ */

static uint64_t fnv(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (h ^ 0xff) * 1099511628211ULL; /* a separator: "ab","c" differs from "a","bc" */
}

/* Line (from 1) of src without blanks: indentation changes do not make a finding new. */
static char *line_text(const char *src, unsigned line)
{
	const char *p = src, *end;
	char *out;
	size_t n = 0;

	for (unsigned i = 1; p && i < line; i++)
		p = (p = strchr(p, '\n')) ? p + 1 : NULL;
	if (!p)
		return xstrdup("");
	end = strchr(p, '\n');
	end = end ? end : p + strlen(p);
	out = xmalloc((size_t)(end - p) + 1);
	for (; p < end; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r')
			out[n++] = *p;
	out[n] = 0;
	return out;
}

/* How many earlier findings of the same file had hash h: the ":N" that tells copies apart. */
static unsigned copies(const vt_findings *fs, size_t upto, const uint64_t *hashes, uint64_t h)
{
	unsigned n = 1;

	for (size_t k = 0; k < upto; k++)
		n += hashes[k] == h && !strcmp(fs->items.data[k].loc.file, fs->items.data[upto].loc.file);
	return n;
}

/* One unit's findings, sorted: each file is read once, not once per finding. */
void vt_fingerprint_all(vt_findings *fs)
{
	uint64_t *hashes = xcalloc(fs->items.len + 1, sizeof *hashes);
	const char *file = NULL;
	char *src = NULL;

	for (size_t i = 0; i < fs->items.len; i++) {
		vt_finding *f = &fs->items.data[i];
		char *text;
		unsigned n;

		if (!file || strcmp(file, f->loc.file)) {
			free(src);
			file = f->loc.file;
			src = vt_read_file(file, NULL);
		}
		text = src ? line_text(src, f->loc.line) : xstrdup("");
		hashes[i] = fnv(fnv(fnv(1469598103934665603ULL, vt_rules[f->rule]->id), f->message), text);
		n = copies(fs, i, hashes, hashes[i]);
		free(f->fingerprint);
		f->fingerprint = n == 1 ? xasprintf("%016llx", (unsigned long long)hashes[i])
					: xasprintf("%016llx:%u", (unsigned long long)hashes[i], n);
		free(text);
	}
	free(src);
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

static bool matched(vt_baseline *b, const vt_finding *f, const char *file)
{
	for (size_t i = 0; i < b->entries.len; i++) {
		entry *e = &b->entries.data[i];

		if (!e->used && !strcmp(e->rule, vt_rules[f->rule]->id) &&
		    !strcmp(e->fingerprint, f->fingerprint) && same_file(e->file, file)) {
			e->used = true;
			return true;
		}
	}
	return false;
}

/* What one run's findings are matched against: the baseline and the source root. */
typedef struct against {
	vt_baseline *b;
	const char *root;
} against;

static bool in_baseline(vt_finding *f, void *arg)
{
	against *a = arg;
	char *rel;
	bool in;

	if (!f->fingerprint)
		return false;
	rel = vt_relative_path(a->root, f->loc.file);
	in = matched(a->b, f, rel);
	free(rel);
	return in;
}

/* Drops the findings the baseline already has; returns how many.  srcroot NULL: found. */
size_t vt_baseline_filter_at(vt_baseline *b, vt_findings *fs, const char *srcroot)
{
	against a = { b, NULL };
	char *root = fs->items.len ? vt_source_root(srcroot, fs->items.data[0].loc.file) : NULL;
	size_t dropped;

	a.root = root;
	dropped = root ? vt_findings_drop(fs, in_baseline, &a) : 0;
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
	free(b->srcroot);
	free(b);
}
