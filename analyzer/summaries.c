/*
 * summaries.c: summaries across the files of a project.  The driver
 * (main.c) analyses units in rounds; each unit exports the summaries of its
 * main file's external functions and records the lookups it made of
 * functions it did not define.  Between rounds the store is rebuilt from
 * every unit's exports, and a unit whose lookups the new store answers
 * differently is analysed again.  Inside a round the store is only read,
 * so -j workers share it without a lock.
 *
 * A name two files define with different summaries (two programs in one
 * database, each with its own helper) is unseen code: no finding may rest
 * on a guess of which one is linked.
 *
 * The JSON form (--summaries-only, the cache's persisted store) is
 * versioned; 64-bit return values are strings, since JSON numbers are
 * doubles.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vtlint.h"

enum { STORE_VERSION = 2, MAX_PARAMS = 1 << 12, MAX_PATHS = 1 << 16 };

typedef struct entry {
	char *usr;
	bool conflict;
	vt_summary sum;
} entry;

struct vt_store {
	VEC(entry) e;
};

/* ---- one unit's exports and lookups -------------------------------------------------- */

void vt_unit_sums_free(vt_unit_sums *u)
{
	for (size_t i = 0; i < u->exports.len; i++) {
		free(u->exports.data[i].usr);
		vt_summary_free(&u->exports.data[i].sum);
	}
	for (size_t i = 0; i < u->lookups.len; i++) {
		free(u->lookups.data[i].usr);
		vt_summary_free(&u->lookups.data[i].sum);
	}
	free(u->exports.data);
	free(u->lookups.data);
	memset(u, 0, sizeof *u);
}

void vt_unit_sums_copy(vt_unit_sums *dst, const vt_unit_sums *src)
{
	for (size_t i = 0; i < src->exports.len; i++) {
		vt_export x = { xstrdup(src->exports.data[i].usr),
				vt_summary_copy(&src->exports.data[i].sum) };

		vec_push(&dst->exports, x);
	}
	for (size_t i = 0; i < src->lookups.len; i++) {
		const vt_lookup *l = &src->lookups.data[i];

		vt_unit_add_lookup(dst, l->usr, l->found ? &l->sum : NULL);
	}
}

/* Once per name: the store does not change while a unit reads it. */
void vt_unit_add_lookup(vt_unit_sums *u, const char *usr, const vt_summary *found)
{
	vt_lookup l = { .usr = xstrdup(usr), .found = found != NULL };

	for (size_t i = 0; i < u->lookups.len; i++)
		if (!strcmp(u->lookups.data[i].usr, usr)) {
			free(l.usr);
			return;
		}
	if (found)
		l.sum = vt_summary_copy(found);
	vec_push(&u->lookups, l);
}

/* ---- the store ------------------------------------------------------------------------ */

vt_store *vt_store_new(void)
{
	return xcalloc(1, sizeof(vt_store));
}

void vt_store_free(vt_store *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->e.len; i++) {
		free(s->e.data[i].usr);
		vt_summary_free(&s->e.data[i].sum);
	}
	free(s->e.data);
	free(s);
}

void vt_store_add(vt_store *s, const char *usr, const vt_summary *sum)
{
	entry e = { .usr = xstrdup(usr), .sum = vt_summary_copy(sum) };

	vec_push(&s->e, e);
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const entry *)a)->usr, ((const entry *)b)->usr);
}

/* Sorted, one entry per name: the order definitions came in does not matter. */
void vt_store_seal(vt_store *s)
{
	size_t j = 0;

	if (!s->e.len)
		return;
	qsort(s->e.data, s->e.len, sizeof *s->e.data, entry_cmp);
	for (size_t i = 0; i < s->e.len; i++) {
		entry *prev = j ? &s->e.data[j - 1] : NULL;
		entry *e = &s->e.data[i];

		if (!prev || strcmp(prev->usr, e->usr)) {
			s->e.data[j++] = *e;
			continue;
		}
		if (e->conflict || !vt_summary_same(&prev->sum, &e->sum))
			prev->conflict = true;
		free(e->usr);
		vt_summary_free(&e->sum);
	}
	s->e.len = j;
	for (size_t i = 0; i < j; i++)
		if (s->e.data[i].conflict)
			vt_summary_free(&s->e.data[i].sum);
}

static const entry *find(const vt_store *s, const char *usr)
{
	entry key = { .usr = (char *)usr };

	if (!s || !s->e.len)
		return NULL;
	return bsearch(&key, s->e.data, s->e.len, sizeof *s->e.data, entry_cmp);
}

const vt_summary *vt_store_get(const vt_store *s, const char *usr)
{
	const entry *e = find(s, usr);

	return e && !e->conflict ? &e->sum : NULL;
}

size_t vt_store_count(const vt_store *s)
{
	return s ? s->e.len : 0;
}

bool vt_lookups_hold(const vt_unit_sums *u, const vt_store *s)
{
	for (size_t i = 0; i < u->lookups.len; i++) {
		const vt_lookup *l = &u->lookups.data[i];
		const vt_summary *now = vt_store_get(s, l->usr);

		if (l->found != (now != NULL) || (now && !vt_summary_same(now, &l->sum)))
			return false;
	}
	return true;
}

bool vt_lookups_missed(const vt_unit_sums *u, const vt_store *s)
{
	for (size_t i = 0; i < u->lookups.len; i++)
		if (!u->lookups.data[i].found && vt_store_get(s, u->lookups.data[i].usr))
			return true;
	return false;
}

/* rules.md's start for recursion: a vtask inspected, *p only looked at, anything returned. */
vt_summary vt_summary_inspects(const vt_summary *s)
{
	vt_summary g = { .nparams = s->nparams };

	g.param = xcalloc((size_t)s->nparams + 1, sizeof *g.param);
	for (int i = 0; i < s->nparams; i++) {
		vt_sum_path p = { .param = i, .bits = OUT_TOUCHED, .lo = INT64_MIN, .hi = INT64_MAX };

		g.param[i].is_vtask = g.param[i].inspect_only = s->param[i].is_vtask;
		g.param[i].is_out = s->param[i].is_out;
		if (g.param[i].is_out) {
			g.param[i].outcomes = 1u << OUT_TOUCHED;
			vec_push(&g.paths, p);
		}
	}
	return g;
}

/* ---- JSON ------------------------------------------------------------------------------ */

static cJSON *int64_json(int64_t v)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%" PRId64, v);
	return cJSON_CreateString(buf);
}

static cJSON *path_json(const vt_sum_path *p)
{
	cJSON *o = cJSON_CreateObject(), *ex = cJSON_CreateArray();

	cJSON_AddNumberToObject(o, "param", p->param);
	cJSON_AddNumberToObject(o, "bits", p->bits);
	cJSON_AddItemToObject(o, "lo", int64_json(p->lo));
	cJSON_AddItemToObject(o, "hi", int64_json(p->hi));
	for (size_t i = 0; i < p->nex; i++)
		cJSON_AddItemToArray(ex, int64_json(p->ex[i]));
	cJSON_AddItemToObject(o, "except", ex);
	return o;
}

cJSON *vt_summary_json(const vt_summary *s)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *params = cJSON_AddArrayToObject(o, "params");
	cJSON *paths = cJSON_AddArrayToObject(o, "paths");
	cJSON *sources = cJSON_AddArrayToObject(o, "sources");

	for (int i = 0; i < s->nparams; i++) {
		cJSON *p = cJSON_CreateObject();

		cJSON_AddBoolToObject(p, "vtask", s->param[i].is_vtask);
		cJSON_AddBoolToObject(p, "out", s->param[i].is_out);
		cJSON_AddBoolToObject(p, "inspect", s->param[i].inspect_only);
		cJSON_AddNumberToObject(p, "outcomes", s->param[i].outcomes);
		cJSON_AddItemToArray(params, p);
	}
	for (size_t i = 0; i < s->paths.len; i++)
		cJSON_AddItemToArray(paths, path_json(&s->paths.data[i]));
	for (size_t i = 0; i < s->slots.len; i++) {
		cJSON *k = cJSON_CreateObject();

		cJSON_AddNumberToObject(k, "param", s->slots.data[i].param);
		cJSON_AddStringToObject(k, "member", s->slots.data[i].member);
		cJSON_AddBoolToObject(k, "escapes", s->slots.data[i].escapes);
		cJSON_AddItemToArray(sources, k);
	}
	return o;
}

static bool json_int64(const cJSON *j, int64_t *v)
{
	char *end;

	if (!cJSON_IsString(j) || !*j->valuestring)
		return false;
	errno = 0;
	*v = strtoll(j->valuestring, &end, 10);
	return !*end && errno == 0;
}

/* A whole number in [0, max]; false when j is anything else. */
static bool json_uint(const cJSON *j, double max, unsigned *v)
{
	if (!cJSON_IsNumber(j) || j->valuedouble < 0 || j->valuedouble > max ||
	    j->valuedouble != (double)(unsigned)j->valuedouble)
		return false;
	*v = (unsigned)j->valuedouble;
	return true;
}

/*
 * A parameter's index, VT_RET_PATHS (-1): a way out that says only what is
 * returned, or VT_SRC_PATHS - k: a way out of source slot k.
 */
static bool json_path_param(const cJSON *j, int nparams, int nslots, int *param)
{
	unsigned u;

	if (cJSON_IsNumber(j) && j->valuedouble == VT_RET_PATHS) {
		*param = VT_RET_PATHS;
		return true;
	}
	if (cJSON_IsNumber(j) && j->valuedouble <= VT_SRC_PATHS &&
	    j->valuedouble > VT_SRC_PATHS - nslots && j->valuedouble == (double)(int)j->valuedouble) {
		*param = (int)j->valuedouble;
		return true;
	}
	if (nparams < 1 || !json_uint(j, nparams - 1, &u))
		return false;
	*param = (int)u;
	return true;
}

static bool json_path(const cJSON *o, int nparams, int nslots, vt_sum_path *p)
{
	const cJSON *ex = cJSON_GetObjectItemCaseSensitive(o, "except"), *x;
	unsigned bits;
	int param;
	size_t n = 0;

	if (!json_path_param(cJSON_GetObjectItemCaseSensitive(o, "param"), nparams, nslots, &param) ||
	    !json_uint(cJSON_GetObjectItemCaseSensitive(o, "bits"), 31, &bits) ||
	    !json_int64(cJSON_GetObjectItemCaseSensitive(o, "lo"), &p->lo) ||
	    !json_int64(cJSON_GetObjectItemCaseSensitive(o, "hi"), &p->hi) || !cJSON_IsArray(ex) ||
	    cJSON_GetArraySize(ex) > MAX_PATHS)
		return false;
	p->param = param;
	p->bits = (uint8_t)bits;
	p->nex = (size_t)cJSON_GetArraySize(ex);
	p->ex = p->nex ? xcalloc(p->nex, sizeof *p->ex) : NULL;
	cJSON_ArrayForEach(x, ex)
		if (!json_int64(x, &p->ex[n++]))
			return false;
	return true;
}

static bool json_param(const cJSON *o, vt_param_sum *p)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "vtask");
	const cJSON *out = cJSON_GetObjectItemCaseSensitive(o, "out");
	const cJSON *in = cJSON_GetObjectItemCaseSensitive(o, "inspect");
	unsigned outcomes;

	if (!cJSON_IsBool(v) || !cJSON_IsBool(out) || !cJSON_IsBool(in) ||
	    !json_uint(cJSON_GetObjectItemCaseSensitive(o, "outcomes"), 4294967295.0, &outcomes))
		return false;
	*p = (vt_param_sum){ .is_vtask = cJSON_IsTrue(v), .is_out = cJSON_IsTrue(out),
			     .inspect_only = cJSON_IsTrue(in), .outcomes = outcomes };
	return true;
}

/* A source slot: a parameter's index and the member reached through it. */
static bool json_slot(const cJSON *o, int nparams, vt_src_slot *k)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, "member");
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(o, "escapes");
	unsigned u;

	if (nparams < 1 || !json_uint(cJSON_GetObjectItemCaseSensitive(o, "param"), nparams - 1, &u) ||
	    !cJSON_IsString(m) || !cJSON_IsBool(e))
		return false;
	k->param = (int)u;
	k->escapes = cJSON_IsTrue(e);
	k->member = xstrdup(m->valuestring);
	return true;
}

/* A summary read back; false (s freed) when any field is missing or out of range. */
bool vt_summary_from_json(const cJSON *o, vt_summary *s)
{
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(o, "params");
	const cJSON *paths = cJSON_GetObjectItemCaseSensitive(o, "paths"), *j;
	const cJSON *sources = cJSON_GetObjectItemCaseSensitive(o, "sources");
	int i = 0;

	memset(s, 0, sizeof *s);
	if (!cJSON_IsArray(params) || !cJSON_IsArray(paths) || !cJSON_IsArray(sources) ||
	    cJSON_GetArraySize(params) > MAX_PARAMS || cJSON_GetArraySize(paths) > MAX_PATHS ||
	    cJSON_GetArraySize(sources) > MAX_PARAMS)
		return false;
	s->nparams = cJSON_GetArraySize(params);
	s->param = xcalloc((size_t)s->nparams + 1, sizeof *s->param);
	cJSON_ArrayForEach(j, params)
		if (!json_param(j, &s->param[i++]))
			goto bad;
	cJSON_ArrayForEach(j, sources) {
		vt_src_slot k = { 0 };

		if (!json_slot(j, s->nparams, &k))
			goto bad;
		vec_push(&s->slots, k);
	}
	cJSON_ArrayForEach(j, paths) {
		vt_sum_path p = { 0 };
		bool ok = json_path(j, s->nparams, (int)s->slots.len, &p);

		vec_push(&s->paths, p); /* pushed even when bad: freed with the rest */
		if (!ok)
			goto bad;
	}
	return true;
bad:
	vt_summary_free(s);
	return false;
}

char *vt_store_to_json(const vt_store *s)
{
	cJSON *o = cJSON_CreateObject(), *fns;
	char *text, *json;

	cJSON_AddNumberToObject(o, "vtlint_summaries", STORE_VERSION);
	cJSON_AddStringToObject(o, "vtlint", VTLINT_VERSION);
	fns = cJSON_AddArrayToObject(o, "functions");
	for (size_t i = 0; i < s->e.len; i++) {
		const entry *e = &s->e.data[i];
		cJSON *f = e->conflict ? cJSON_CreateObject() : vt_summary_json(&e->sum);

		cJSON_AddStringToObject(f, "usr", e->usr);
		cJSON_AddBoolToObject(f, "conflict", e->conflict);
		cJSON_AddItemToArray(fns, f);
	}
	json = cJSON_PrintUnformatted(o);
	text = xstrdup(json);
	cJSON_free(json);
	cJSON_Delete(o);
	return text;
}

static bool json_entry(const cJSON *f, vt_store *s)
{
	const cJSON *usr = cJSON_GetObjectItemCaseSensitive(f, "usr");
	const cJSON *conflict = cJSON_GetObjectItemCaseSensitive(f, "conflict");
	entry e = { 0 };

	if (!cJSON_IsString(usr) || !cJSON_IsBool(conflict))
		return false;
	e.conflict = cJSON_IsTrue(conflict);
	if (!e.conflict && !vt_summary_from_json(f, &e.sum))
		return false;
	e.usr = xstrdup(usr->valuestring);
	vec_push(&s->e, e);
	return true;
}

static vt_store *bad_store(vt_store *s, cJSON *o, char **why, const char *what)
{
	*why = xstrdup(what);
	vt_store_free(s);
	cJSON_Delete(o);
	return NULL;
}

vt_store *vt_store_from_json(const char *text, size_t len, char **why)
{
	cJSON *o = cJSON_ParseWithLength(text, len), *f;
	const cJSON *version = cJSON_GetObjectItemCaseSensitive(o, "vtlint_summaries");
	const cJSON *fns = cJSON_GetObjectItemCaseSensitive(o, "functions");
	vt_store *s = vt_store_new();

	if (!o)
		return bad_store(s, o, why, "not JSON");
	if (!cJSON_IsNumber(version) || !cJSON_IsArray(fns))
		return bad_store(s, o, why, "not a vtlint summaries file");
	if (version->valuedouble != STORE_VERSION)
		return bad_store(s, o, why, "written by another version of vtlint");
	cJSON_ArrayForEach(f, fns)
		if (!json_entry(f, s))
			return bad_store(s, o, why, "a function's summary is malformed");
	cJSON_Delete(o);
	vt_store_seal(s); /* sorted again: a file edited by hand stays a store */
	return s;
}

bool vt_store_write(const vt_store *s, const char *path)
{
	static atomic_ulong serial;
	char *text = vt_store_to_json(s);
	char *tmp = xasprintf("%s.tmp.%ld.%lu", path, (long)getpid(), atomic_fetch_add(&serial, 1));
	FILE *f = fopen(tmp, "w");
	bool ok = f && fputs(text, f) >= 0 && fputc('\n', f) != EOF;

	ok = (f && fclose(f) == 0) && ok;
	if (!ok || rename(tmp, path) != 0) {
		unlink(tmp);
		ok = false;
	}
	free(text);
	free(tmp);
	return ok;
}

vt_store *vt_store_load(const char *path, char **why)
{
	size_t len;
	char *text = vt_read_file(path, &len);
	vt_store *s;

	if (!text) {
		*why = xasprintf("cannot read: %s", strerror(errno));
		return NULL;
	}
	s = vt_store_from_json(text, len, why);
	free(text);
	return s;
}

/* ---- a unit's exports and lookups, for the cache's entries ---------------------------- */

cJSON *vt_unit_sums_json(const vt_unit_sums *u)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *exports = cJSON_AddArrayToObject(o, "exports");
	cJSON *lookups = cJSON_AddArrayToObject(o, "lookups");

	for (size_t i = 0; i < u->exports.len; i++) {
		cJSON *x = vt_summary_json(&u->exports.data[i].sum);

		cJSON_AddStringToObject(x, "usr", u->exports.data[i].usr);
		cJSON_AddItemToArray(exports, x);
	}
	for (size_t i = 0; i < u->lookups.len; i++) {
		const vt_lookup *l = &u->lookups.data[i];
		cJSON *x = l->found ? vt_summary_json(&l->sum) : cJSON_CreateObject();

		cJSON_AddStringToObject(x, "usr", l->usr);
		cJSON_AddBoolToObject(x, "found", l->found);
		cJSON_AddItemToArray(lookups, x);
	}
	return o;
}

static bool json_export(const cJSON *x, vt_unit_sums *u)
{
	const cJSON *usr = cJSON_GetObjectItemCaseSensitive(x, "usr");
	vt_export e = { 0 };

	if (!cJSON_IsString(usr) || !vt_summary_from_json(x, &e.sum))
		return false;
	e.usr = xstrdup(usr->valuestring);
	vec_push(&u->exports, e);
	return true;
}

static bool json_lookup(const cJSON *x, vt_unit_sums *u)
{
	const cJSON *usr = cJSON_GetObjectItemCaseSensitive(x, "usr");
	const cJSON *found = cJSON_GetObjectItemCaseSensitive(x, "found");
	vt_lookup l = { 0 };

	if (!cJSON_IsString(usr) || !cJSON_IsBool(found))
		return false;
	l.found = cJSON_IsTrue(found);
	if (l.found && !vt_summary_from_json(x, &l.sum))
		return false;
	l.usr = xstrdup(usr->valuestring);
	vec_push(&u->lookups, l);
	return true;
}

bool vt_unit_sums_from_json(const cJSON *o, vt_unit_sums *u)
{
	const cJSON *exports = cJSON_GetObjectItemCaseSensitive(o, "exports");
	const cJSON *lookups = cJSON_GetObjectItemCaseSensitive(o, "lookups"), *x;

	if (!cJSON_IsArray(exports) || !cJSON_IsArray(lookups))
		return false;
	cJSON_ArrayForEach(x, exports)
		if (!json_export(x, u))
			goto bad;
	cJSON_ArrayForEach(x, lookups)
		if (!json_lookup(x, u))
			goto bad;
	return true;
bad:
	vt_unit_sums_free(u);
	return false;
}

/*
 * top, with every function of base it does not define: an editor's open
 * documents over the store the last command-line run kept.
 */
void vt_store_overlay(vt_store *top, const vt_store *base)
{
	size_t n = top->e.len;

	for (size_t i = 0; base && i < base->e.len; i++) {
		const entry *b = &base->e.data[i];
		entry e = { .usr = xstrdup(b->usr), .conflict = b->conflict };
		entry *t = n ? bsearch(b, top->e.data, n, sizeof *top->e.data, entry_cmp) : NULL;

		if (t) {
			/* files top did not read define it too, differently: still unseen */
			if (b->conflict && !t->conflict) {
				vt_summary_free(&t->sum);
				t->conflict = true;
			}
			free(e.usr);
			continue;
		}
		if (!e.conflict)
			e.sum = vt_summary_copy(&b->sum);
		vec_push(&top->e, e);
	}
	if (top->e.len)
		qsort(top->e.data, top->e.len, sizeof *top->e.data, entry_cmp);
}
