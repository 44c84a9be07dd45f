/*
 * cache.c: --cache-dir, results of unchanged files kept between runs.
 *
 * An entry is named by a hash of everything known before parsing: vtlint's
 * version, the file's path and compile arguments, its configuration as
 * resolved (levels, wrappers) and the run's rule options.  It holds a hash
 * of the file's text and of every file the unit included (the manifest, as
 * ccache's direct mode keeps one), and the file's findings as vt_check_file
 * gave them: a hit is a file whose text and includes are all unchanged, and
 * everything after vt_check_file runs as for a fresh result, so reports are
 * byte for byte those of a cold run.  An entry also holds the unit's
 * exports and the lookups it made of other files' summaries (summaries.c):
 * it answers only while the run's store answers those lookups the same,
 * and a hit gives the store its exports without a parse.  The store a run
 * ends with is kept beside the entries (summaries.json) as the next run's
 * start, so that a warm run needs one round.
 *
 * Entries are written to a temporary file and renamed into place: a run
 * killed midway, or two runs at once, leave whole entries or none.  An entry
 * that does not parse, or whose fields are not what they should be, is a
 * miss, never trusted.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

typedef struct known {
	char *path, *hash;
} known;

struct vt_cache {
	char *dir;
	unsigned long hits, misses;
	pthread_mutex_t lock;
	VEC(known) hashed;   /* files hashed in this run: headers are shared by many files */
};

typedef struct hash {
	uint64_t a, b; /* two FNV-1a streams with different seeds: 128 bits */
} hash;

static void mix(hash *h, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++) {
		h->a = (h->a ^ s[i]) * 1099511628211ULL;
		h->b = (h->b ^ s[i] ^ 0x5c) * 0x100000001b3ULL + 0x9e3779b97f4a7c15ULL;
	}
}

static void mix_str(hash *h, const char *s)
{
	mix(h, s ? s : "", s ? strlen(s) + 1 : 1);
}

static hash hash_new(void)
{
	return (hash){ 1469598103934665603ULL, 0x84222325cbf29ce4ULL };
}

static char *hex(hash h)
{
	return xasprintf("%016llx%016llx", (unsigned long long)h.a, (unsigned long long)h.b);
}

/* A file's text hashed, or NULL when it cannot be read. */
static char *file_hash(const char *path)
{
	size_t len;
	char *text = vt_read_file(path, &len);
	hash h = hash_new();

	if (!text)
		return NULL;
	mix(&h, text, len);
	free(text);
	return hex(h);
}

/* A file's hash, computed once per run (NULL when it cannot be read). */
static char *dep_hash(vt_cache *c, const char *path)
{
	char *h = NULL;
	known k;

	pthread_mutex_lock(&c->lock);
	for (size_t i = c->hashed.len; i-- > 0 && !h;)
		if (!strcmp(c->hashed.data[i].path, path))
			h = xstrdup(c->hashed.data[i].hash);
	pthread_mutex_unlock(&c->lock);
	if (h || !(h = file_hash(path)))
		return h;
	k = (known){ xstrdup(path), xstrdup(h) };
	pthread_mutex_lock(&c->lock);
	vec_push(&c->hashed, k);
	pthread_mutex_unlock(&c->lock);
	return h;
}

vt_cache *vt_cache_new(const char *dir)
{
	vt_cache *c = xcalloc(1, sizeof *c);

	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "vtlint: cannot make the cache folder %s: %s\n", dir, strerror(errno));
		free(c);
		return NULL;
	}
	c->dir = xstrdup(dir);
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

void vt_cache_free(vt_cache *c)
{
	if (!c)
		return;
	pthread_mutex_destroy(&c->lock);
	for (size_t i = 0; i < c->hashed.len; i++) {
		free(c->hashed.data[i].path);
		free(c->hashed.data[i].hash);
	}
	free(c->hashed.data);
	free(c->dir);
	free(c);
}

void vt_cache_counts(const vt_cache *c, unsigned long *hits, unsigned long *misses)
{
	*hits = c->hits;
	*misses = c->misses;
}

static void mix_strings(hash *h, const vt_strings *v)
{
	for (size_t i = 0; i < v->len; i++)
		mix_str(h, v->data[i]);
	mix_str(h, "\x01");
}

/* The entry's name: everything that decides the result but the files' text. */
static char *entry_path(const vt_cache *c, const vt_cmd *cmd, const vt_run_opts *o)
{
	hash h = hash_new();
	char *name, *path;

	mix_str(&h, "vtlint " VTLINT_VERSION);
	mix_str(&h, cmd->path);
	mix_str(&h, cmd->file);
	for (size_t i = 0; i < cmd->args.len; i++)
		mix_str(&h, cmd->args.data[i]);
	mix_str(&h, "\x01");
	mix(&h, cmd->config->level, sizeof cmd->config->level);
	mix_strings(&h, &cmd->config->consume);
	mix_strings(&h, &cmd->config->inspect);
	mix_strings(&h, &cmd->config->handoff);
	mix(&h, o->rule_override, sizeof o->rule_override);
	mix(&h, &o->show_suppressed, sizeof o->show_suppressed);
	mix(&h, &o->headers, sizeof o->headers);
	mix(&h, &o->lazy, sizeof o->lazy); /* a lazy entry's exports are not all of them */
	name = hex(h);
	path = xasprintf("%s/%s.json", c->dir, name);
	free(name);
	return path;
}

/* ---- findings <-> JSON: the one pair a new field of vt_finding is added to ---------- */

static cJSON *loc_json(vt_loc l, const char *message)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "file", l.file);
	cJSON_AddNumberToObject(o, "line", l.line);
	cJSON_AddNumberToObject(o, "col", l.col);
	cJSON_AddStringToObject(o, "message", message);
	return o;
}

static cJSON *findings_json(const vt_findings *fs)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *items = cJSON_AddArrayToObject(o, "findings");
	cJSON *errors = cJSON_AddArrayToObject(o, "errors");
	cJSON *limits = cJSON_AddArrayToObject(o, "limits");

	for (size_t i = 0; i < fs->items.len; i++) {
		const vt_finding *f = &fs->items.data[i];
		cJSON *j = loc_json(f->loc, f->message), *notes = cJSON_AddArrayToObject(j, "notes");

		cJSON_AddStringToObject(j, "rule", vt_rules[f->rule]->id);
		cJSON_AddNumberToObject(j, "level", f->level);
		cJSON_AddBoolToObject(j, "suppressed", f->suppressed);
		for (size_t k = 0; k < f->notes.len; k++)
			cJSON_AddItemToArray(notes, loc_json(f->notes.data[k].loc,
							     f->notes.data[k].message));
		cJSON_AddItemToArray(items, j);
	}
	for (size_t i = 0; i < fs->errors.len; i++) {
		const vt_error *e = &fs->errors.data[i];

		cJSON_AddItemToArray(errors, loc_json((vt_loc){ e->file, e->line, e->col },
						      e->message));
	}
	for (size_t i = 0; i < fs->limits.len; i++) {
		const vt_error *e = &fs->limits.data[i];

		cJSON_AddItemToArray(limits, loc_json((vt_loc){ e->file, e->line, e->col },
						      e->message));
	}
	return o;
}

/* A place read back; false when any field is missing or of the wrong type. */
static bool json_loc(const cJSON *o, vt_loc *l, const char **message)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, "file");
	const cJSON *line = cJSON_GetObjectItemCaseSensitive(o, "line");
	const cJSON *col = cJSON_GetObjectItemCaseSensitive(o, "col");
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, "message");

	if (!cJSON_IsString(f) || !cJSON_IsNumber(line) || !cJSON_IsNumber(col) ||
	    !cJSON_IsString(m) || line->valuedouble < 0 || col->valuedouble < 0)
		return false;
	*l = (vt_loc){ f->valuestring, (unsigned)line->valuedouble, (unsigned)col->valuedouble };
	*message = m->valuestring;
	return true;
}

static bool json_finding(const cJSON *j, vt_findings *fs)
{
	const cJSON *rule = cJSON_GetObjectItemCaseSensitive(j, "rule");
	const cJSON *level = cJSON_GetObjectItemCaseSensitive(j, "level");
	const cJSON *sup = cJSON_GetObjectItemCaseSensitive(j, "suppressed");
	const cJSON *notes = cJSON_GetObjectItemCaseSensitive(j, "notes"), *n;
	int r = cJSON_IsString(rule) ? vt_rule_lookup(rule->valuestring) : -1;
	const char *msg;
	vt_finding *f;
	vt_loc l;

	if (r < 0 || !cJSON_IsNumber(level) || level->valuedouble < LEVEL_OFF ||
	    level->valuedouble > LEVEL_ERROR || !cJSON_IsBool(sup) || !cJSON_IsArray(notes) ||
	    !json_loc(j, &l, &msg))
		return false;
	f = vt_add_finding(fs, r, l, msg);
	f->level = (uint8_t)level->valuedouble;
	f->suppressed = cJSON_IsTrue(sup);
	cJSON_ArrayForEach(n, notes) {
		if (!json_loc(n, &l, &msg))
			return false;
		vt_add_note(f, l, msg);
	}
	return true;
}

static bool json_findings(const cJSON *o, vt_findings *fs)
{
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(o, "findings");
	const cJSON *errors = cJSON_GetObjectItemCaseSensitive(o, "errors"), *j;
	const cJSON *limits = cJSON_GetObjectItemCaseSensitive(o, "limits");
	const char *msg;
	vt_loc l;

	if (!cJSON_IsArray(items) || !cJSON_IsArray(errors) || !cJSON_IsArray(limits))
		return false;
	cJSON_ArrayForEach(j, limits) {
		if (!json_loc(j, &l, &msg))
			return false;
		vt_add_limit(fs, l, "%s", msg);
	}
	cJSON_ArrayForEach(j, items)
		if (!json_finding(j, fs))
			return false;
	cJSON_ArrayForEach(j, errors) {
		if (!json_loc(j, &l, &msg))
			return false;
		vt_add_error(fs, l.file, l.line, l.col, "%s", msg);
	}
	return true;
}

/* ---- entries ---------------------------------------------------------------------- */

/* Every file still as the entry saw it: the main file first, then its includes. */
static bool deps_unchanged(vt_cache *c, const cJSON *deps)
{
	const cJSON *d;

	if (!cJSON_IsArray(deps) || !cJSON_GetArraySize(deps))
		return false;
	cJSON_ArrayForEach(d, deps) {
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(d, "path");
		const cJSON *h = cJSON_GetObjectItemCaseSensitive(d, "hash");
		char *now;
		bool same;

		if (!cJSON_IsString(p) || !cJSON_IsString(h))
			return false;
		now = dep_hash(c, p->valuestring);
		same = now && !strcmp(now, h->valuestring);
		free(now);
		if (!same)
			return false;
	}
	return true;
}

/* The entry's exports and lookups, when the store still answers its lookups the same. */
static bool sums_hold(const cJSON *o, const vt_run_opts *ro, vt_unit_sums *sums)
{
	if (!vt_unit_sums_from_json(cJSON_GetObjectItemCaseSensitive(o, "summaries"), sums))
		return false;
	return vt_lookups_hold(sums, ro->store);
}

/* The cached findings into out when the entry is whole and nothing changed. */
static bool lookup(vt_cache *c, const char *entry, const vt_run_opts *ro, vt_findings *out)
{
	size_t len;
	char *text = vt_read_file(entry, &len);
	cJSON *o = text ? cJSON_ParseWithLength(text, len) : NULL;
	bool hit = o && deps_unchanged(c, cJSON_GetObjectItemCaseSensitive(o, "deps"));
	vt_findings fs = { 0 };
	vt_unit_sums sums = { 0 };

	free(text);
	if (hit && !sums_hold(o, ro, &sums))
		hit = false; /* another file's summary it used changed */
	if (hit && !json_findings(cJSON_GetObjectItemCaseSensitive(o, "result"), &fs))
		hit = false; /* a corrupt entry: analyse again, as if it were not there */
	if (hit) {
		vt_findings_move(out, &fs);
		if (ro->sums) {
			vt_unit_sums_free(ro->sums);
			*ro->sums = sums;
			memset(&sums, 0, sizeof sums);
		}
	}
	vt_unit_sums_free(&sums);
	vt_findings_free(&fs);
	cJSON_Delete(o);
	return hit;
}

static cJSON *deps_json(vt_cache *c, const char *main, const vt_strings *includes)
{
	cJSON *deps = cJSON_CreateArray();

	for (size_t i = 0; i <= includes->len; i++) {
		const char *p = i ? includes->data[i - 1] : main;
		char *h = dep_hash(c, p);
		cJSON *d;

		if (!h) { /* gone already: an entry that could never hit */
			cJSON_Delete(deps);
			return NULL;
		}
		d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "path", p);
		cJSON_AddStringToObject(d, "hash", h);
		cJSON_AddItemToArray(deps, d);
		free(h);
	}
	return deps;
}

/* Written whole or not at all: a temporary file renamed over the entry. */
static void store(vt_cache *c, const char *entry, cJSON *deps, const vt_findings *fs,
		  const vt_unit_sums *sums)
{
	static atomic_ulong serial;
	cJSON *o = cJSON_CreateObject();
	char *text, *tmp = xasprintf("%s/.tmp.%ld.%lu", c->dir, (long)getpid(),
				     atomic_fetch_add(&serial, 1));
	FILE *f = fopen(tmp, "w");
	bool ok;

	cJSON_AddItemToObject(o, "deps", deps);
	cJSON_AddItemToObject(o, "result", findings_json(fs));
	cJSON_AddItemToObject(o, "summaries", vt_unit_sums_json(sums));
	text = cJSON_PrintUnformatted(o);
	ok = f && fputs(text, f) >= 0;
	ok = (f && fclose(f) == 0) && ok;
	if (!ok || rename(tmp, entry) != 0)
		unlink(tmp); /* a cache that cannot be written is only slower */
	cJSON_free(text);
	cJSON_Delete(o);
	free(tmp);
}

/* ---- the driver's entry point ------------------------------------------------------ */

static void count(vt_cache *c, bool hit)
{
	pthread_mutex_lock(&c->lock);
	*(hit ? &c->hits : &c->misses) += 1;
	pthread_mutex_unlock(&c->lock);
}

int vt_cache_check(vt_cache *c, struct vt_frontend *f, const vt_cmd *cmd,
		   const vt_run_opts *o, vt_findings *out, bool *hit)
{
	vt_run_opts mine = *o;
	vt_strings inc = { 0 };
	vt_unit_sums sums = { 0 };
	char *entry;
	int status;

	*hit = false;
	if (!c || o->dump_cfg || o->parse_only)
		return vt_check_file(f, cmd, o, out);
	entry = entry_path(c, cmd, o);
	if (lookup(c, entry, o, out)) {
		*hit = true;
		count(c, true);
		free(entry);
		return 0;
	}
	mine.includes = &inc;
	mine.sums = o->sums ? o->sums : &sums;
	status = vt_check_file(f, cmd, &mine, out);
	if (status == 0) { /* failures are analysed again: their message is the point */
		cJSON *deps = deps_json(c, cmd->path, &inc);

		if (deps)
			store(c, entry, deps, out, mine.sums);
	}
	vt_unit_sums_free(&sums);
	count(c, false);
	for (size_t i = 0; i < inc.len; i++)
		free(inc.data[i]);
	free(inc.data);
	free(entry);
	return status;
}

/* ---- the project's store: where the next run starts ----------------------------------- */

static char *store_path(const vt_cache *c)
{
	return xasprintf("%s/summaries.json", c->dir);
}

/* A store that is missing or unusable only costs rounds: the run starts empty. */
vt_store *vt_cache_load_store(const vt_cache *c)
{
	char *path = store_path(c), *why = NULL;
	vt_store *s = vt_store_load(path, &why);

	free(why);
	free(path);
	return s;
}

void vt_cache_save_store(const vt_cache *c, const vt_store *s)
{
	char *path = store_path(c);

	vt_store_write(s, path); /* renamed into place: concurrent runs leave one whole store */
	free(path);
}

/* --cache-dir, else .vtlint-cache in the build folder that -p names, else none. */
char *vt_cache_dir(const char *cache_dir, const char *build_path, bool no_cache)
{
	struct stat st;
	const char *slash;

	if (no_cache)
		return NULL;
	if (cache_dir)
		return xstrdup(cache_dir);
	if (!build_path)
		return NULL;
	if (stat(build_path, &st) == 0 && S_ISDIR(st.st_mode))
		return xasprintf("%s/.vtlint-cache", build_path);
	slash = strrchr(build_path, '/'); /* -p names the database itself */
	return slash ? xasprintf("%.*s/.vtlint-cache", (int)(slash - build_path), build_path)
		     : xstrdup(".vtlint-cache");
}
