/*
 * config.c: .vtlint.json, found walking up from each source file (or given
 * with --config).  Example:
 *
 *   { "rules": { "VT004": "off", "VT003": "error" },
 *     "skip": ["vendor*", "*_generated.c"],
 *     "functions": { "consume": ["pool_await"], "inspect": ["pool_ready"],
 *                    "handoff": ["pool_spawn"] } }
 *
 * A file inherits from the .vtlint.json files in the folders above it, as
 * ESLint's and EditorConfig's do: its own keys win (rule by rule), the
 * function lists are merged, and "root": true stops the walk.
 *
 * Every mistake is an error naming the file, the line and the key: a
 * configuration that is silently half-read is worse than none.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vtlint.h"

typedef struct reader {
	const char *path;
	const char *text;
	vt_findings *errs;
	bool ok;
	bool root;                  /* "root": true */
	bool has_skip;              /* its own "skip" replaces the inherited one */
	bool level_set[VT_MAX_RULES];  /* the rules it sets itself */
} reader;

/* The line where "key" first appears: cJSON keeps no positions. */
static unsigned line_of(const reader *r, const char *key)
{
	char *quoted = xasprintf("\"%s\"", key);
	const char *at = strstr(r->text, quoted);

	free(quoted);
	return at ? vt_line_of(r->text, at) : 0;
}

static void bad(reader *r, const char *key, const char *what)
{
	vt_add_error(r->errs, r->path, line_of(r, key), 0, "key \"%s\": %s", key, what);
	r->ok = false;
}

static void read_rules(reader *r, cJSON *rules, vt_config *c)
{
	cJSON *e;

	if (!cJSON_IsObject(rules)) {
		bad(r, "rules", "must be an object of rule ids or names to \"off\", \"note\", "
			"\"warning\" or \"error\"");
		return;
	}
	cJSON_ArrayForEach(e, rules) {
		int rule = vt_rule_lookup(e->string), level;

		if (rule < 0)
			bad(r, e->string, "unknown rule (see vtlint --list-rules)");
		else if (cJSON_IsBool(e))
			c->level[rule] = cJSON_IsTrue(e) ? LEVEL_WARNING : LEVEL_OFF;
		else if (!cJSON_IsString(e) || (level = vt_level_lookup(e->valuestring)) < 0)
			bad(r, e->string, "must be \"off\", \"note\", \"warning\" or \"error\"");
		else
			c->level[rule] = level;
		if (rule >= 0)
			r->level_set[rule] = true;
	}
}

static void read_strings(reader *r, cJSON *arr, const char *key, vt_strings *out)
{
	cJSON *e;

	if (!cJSON_IsArray(arr)) {
		bad(r, key, "must be an array of strings");
		return;
	}
	cJSON_ArrayForEach(e, arr) {
		if (!cJSON_IsString(e)) {
			bad(r, key, "must be an array of strings");
			return;
		}
		vec_push(out, xstrdup(e->valuestring));
	}
}

static void read_functions(reader *r, cJSON *fns, vt_config *c)
{
	cJSON *e;

	if (!cJSON_IsObject(fns)) {
		bad(r, "functions", "must be an object with \"consume\", \"inspect\" and \"handoff\"");
		return;
	}
	cJSON_ArrayForEach(e, fns) {
		if (!strcmp(e->string, "consume"))
			read_strings(r, e, "consume", &c->consume);
		else if (!strcmp(e->string, "inspect"))
			read_strings(r, e, "inspect", &c->inspect);
		else if (!strcmp(e->string, "handoff"))
			read_strings(r, e, "handoff", &c->handoff);
		else
			bad(r, e->string, "unknown key (known: consume, inspect, handoff)");
	}
}

static void read_root(reader *r, cJSON *root, vt_config *c)
{
	cJSON *e;

	if (!cJSON_IsObject(root)) {
		vt_add_error(r->errs, r->path, 1, 0, "the configuration must be a JSON object");
		r->ok = false;
		return;
	}
	cJSON_ArrayForEach(e, root) {
		if (!strcmp(e->string, "rules"))
			read_rules(r, e, c);
		else if (!strcmp(e->string, "skip"))
			read_strings(r, e, "skip", &c->skip), r->has_skip = true;
		else if (!strcmp(e->string, "functions"))
			read_functions(r, e, c);
		else if (!strcmp(e->string, "root") && cJSON_IsBool(e))
			r->root = cJSON_IsTrue(e);
		else if (!strcmp(e->string, "root"))
			bad(r, "root", "must be true or false");
		else
			bad(r, e->string, "unknown key (known: root, rules, skip, functions)");
	}
}

static vt_config *defaults(void)
{
	vt_config *c = xcalloc(1, sizeof *c);

	for (int i = 0; i < vt_nrules; i++)
		c->level[i] = (int)vt_rules[i]->level;
	return c;
}

static void copy_strings(vt_strings *to, const vt_strings *from, const char *prefix)
{
	for (size_t i = 0; i < from->len; i++)
		vec_push(to, prefix && from->data[i][0] != '/'
				     ? xasprintf("%s/%s", prefix, from->data[i]) : xstrdup(from->data[i]));
}

/*
 * What c (read by r) takes from its parent: the rules it does not set, the
 * skip patterns when it has none (made absolute: they are relative to the
 * parent's folder), and every wrapper function.
 */
static void inherit(vt_config *c, const reader *r, const vt_config *parent)
{
	for (int i = 0; i < vt_nrules; i++)
		if (!r->level_set[i])
			c->level[i] = parent->level[i];
	if (!r->has_skip)
		copy_strings(&c->skip, &parent->skip, parent->dir);
	copy_strings(&c->consume, &parent->consume, NULL);
	copy_strings(&c->inspect, &parent->inspect, NULL);
	copy_strings(&c->handoff, &parent->handoff, NULL);
}

/* The configuration above c's folder, merged in; false (errors added) when it is bad. */
static bool load_parent(vt_config *c, const reader *r, vt_findings *errs)
{
	char *above = vt_config_find(c->dir);
	vt_config *parent;

	if (!above)
		return true;
	parent = vt_config_load(above, errs);
	free(above);
	if (!parent)
		return false;
	inherit(c, r, parent);
	vt_config_free(parent);
	return true;
}

static vt_config *new_config(const char *path)
{
	vt_config *c = defaults();
	char real[PATH_MAX], *slash;

	c->path = xstrdup(path);
	c->dir = xstrdup(realpath(path, real) ? real : path);
	slash = strrchr(c->dir, '/');
	if (slash == c->dir)
		slash[1] = 0;
	else if (slash)
		*slash = 0;
	else
		strcpy(c->dir, ".");
	return c;
}

/* Reads path and what it inherits; NULL (errors added) when it cannot be used. */
vt_config *vt_config_load(const char *path, vt_findings *errs)
{
	size_t len = 0;
	char *text = vt_read_file(path, &len);
	reader r = { .path = path, .text = text, .errs = errs, .ok = true };
	vt_config *c;
	cJSON *root;

	if (!text) {
		vt_add_error(errs, path, 0, 0, "cannot read: %s", strerror(errno));
		return NULL;
	}
	c = new_config(path);
	root = cJSON_ParseWithLength(text, len);
	if (!root) {
		const char *at = cJSON_GetErrorPtr();

		vt_add_error(errs, path, at ? vt_line_of(text, at) : 1, 0, "not valid JSON");
		r.ok = false;
	} else {
		read_root(&r, root, c);
	}
	cJSON_Delete(root);
	free(text);
	if (r.ok && !r.root)
		r.ok = load_parent(c, &r, errs);
	if (!r.ok) {
		vt_config_free(c);
		return NULL;
	}
	return c;
}

vt_config *vt_config_default(void)
{
	return defaults();
}

/* The nearest .vtlint.json from source's folder up to the root, or NULL. */
char *vt_config_find(const char *source)
{
	char dir[PATH_MAX], *slash;
	struct stat st;

	if (!vt_realpath(source, dir))
		return NULL;
	while ((slash = strrchr(dir, '/'))) {
		char *p;

		*slash = 0;
		p = xasprintf("%s/.vtlint.json", dir);
		if (stat(p, &st) == 0)
			return p;
		free(p);
	}
	return NULL;
}

/* Patterns match the path relative to the configuration's folder, or as given. */
bool vt_config_skips(const vt_config *c, const char *file)
{
	char real[PATH_MAX];
	const char *rel = file;
	size_t n = c->dir ? strlen(c->dir) : 0;

	if (!vt_realpath(file, real))
		snprintf(real, sizeof real, "%s", file);
	if (c->dir && !strncmp(real, c->dir, n) && real[n] == '/')
		rel = real + n + 1;
	for (size_t i = 0; i < c->skip.len; i++)
		if (!fnmatch(c->skip.data[i], rel, 0) || !fnmatch(c->skip.data[i], file, 0) ||
		    (c->skip.data[i][0] == '/' && !fnmatch(c->skip.data[i], real, 0)))
			return true;
	return false;
}

static void free_strings(vt_strings *v)
{
	for (size_t i = 0; i < v->len; i++)
		free(v->data[i]);
	free(v->data);
}

void vt_config_free(vt_config *c)
{
	if (!c)
		return;
	free_strings(&c->skip);
	free_strings(&c->consume);
	free_strings(&c->inspect);
	free_strings(&c->handoff);
	free(c->path);
	free(c->dir);
	free(c);
}
