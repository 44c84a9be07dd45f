/*
 * merge.c: `vtlint merge REPORT... [-o FILE] [--format json|sarif]` joins the
 * reports of a CI matrix's shards (--shard K/N) into one: one SARIF run with
 * every rule once, or one JSON report.  Findings, errors and limits are in
 * a report's order (vt_report_order): by file relative to the source root,
 * line, column and rule; what ties keeps its shard's order.  A finding that
 * several shards reported at one place (in a header they share) is kept
 * once, as a run keeps it once (vt_findings_unique); errors and limits are
 * kept as each shard reported them, as a run keeps each unit's.
 */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct report {
	const char *path;
	cJSON *root;
	bool sarif;
} report;

static _Noreturn void bad(const char *path, const char *what)
{
	fprintf(stderr, "vtlint merge: %s: %s\n", path, what);
	exit(2);
}

static report load(const char *path)
{
	size_t len;
	char *text = vt_read_file(path, &len);
	report r = { .path = path };
	cJSON *runs;

	if (!text)
		bad(path, "cannot read the report");
	r.root = cJSON_ParseWithLength(text, len);
	free(text);
	if (!r.root)
		bad(path, "not JSON");
	runs = cJSON_GetObjectItemCaseSensitive(r.root, "runs");
	r.sarif = cJSON_IsArray(runs);
	if (r.sarif && cJSON_GetArraySize(runs) != 1)
		bad(path, "a SARIF report of vtlint has one run");
	if (!r.sarif && !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(r.root, "diagnostics")))
		bad(path, "neither a vtlint JSON report nor SARIF");
	return r;
}

static cJSON *run_of(const report *r)
{
	return cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r->root, "runs"), 0);
}

static cJSON *path_get(cJSON *o, const char *const *keys)
{
	for (; *keys && o; keys++)
		o = cJSON_IsArray(o) ? cJSON_GetArrayItem(o, atoi(*keys))
				     : cJSON_GetObjectItemCaseSensitive(o, *keys);
	return o;
}

/* What orders an item: its place and rule (shards agree on everything else), then its shard. */
typedef struct entry {
	cJSON *item;
	char *file;         /* relative to the source root, percent-decoding undone */
	double line, col;
	const char *rule, *message;
	size_t seq;
} entry;

/* Where each kind of item keeps what orders it, JSON's way and SARIF's. */
typedef struct keys {
	const char *const *file, *const *line, *const *col, *const *rule, *const *message;
} keys;

#define SARIF_LOC "locations", "0", "physicalLocation"
static const keys sarif_result = {
	(const char *const[]){ SARIF_LOC, "artifactLocation", "uri", NULL },
	(const char *const[]){ SARIF_LOC, "region", "startLine", NULL },
	(const char *const[]){ SARIF_LOC, "region", "startColumn", NULL },
	(const char *const[]){ "ruleId", NULL },
	(const char *const[]){ "message", "text", NULL },
};
static const keys json_item = {
	(const char *const[]){ "file", NULL },
	(const char *const[]){ "line", NULL },
	(const char *const[]){ "column", NULL },
	(const char *const[]){ "rule", NULL },
	(const char *const[]){ "message", NULL },
};

static int hex(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10
		: c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A path as the report wrote it, as the run sorted it: a SARIF URI's escapes undone. */
static char *path_of(const char *uri, bool sarif)
{
	char *out = xstrdup(uri), *o = out;

	if (!sarif)
		return out;
	if (!strncmp(uri, "file://", 7))
		uri += 7;
	for (; *uri; uri++) {
		if (*uri == '%' && hex(uri[1]) >= 0 && hex(uri[2]) >= 0) {
			*o++ = (char)(hex(uri[1]) * 16 + hex(uri[2]));
			uri += 2;
		} else {
			*o++ = *uri;
		}
	}
	*o = 0;
	return out;
}

static const char *string_at(cJSON *o, const char *const *path)
{
	cJSON *v = path_get(o, path);

	return cJSON_IsString(v) ? v->valuestring : "";
}

static double number_at(cJSON *o, const char *const *path)
{
	cJSON *v = path_get(o, path);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static entry entry_of(cJSON *it, const keys *k, bool sarif, size_t seq)
{
	return (entry){ .item = it, .file = path_of(string_at(it, k->file), sarif),
			.line = number_at(it, k->line), .col = number_at(it, k->col),
			.rule = string_at(it, k->rule), .message = string_at(it, k->message),
			.seq = seq };
}

/* Equal places: the same file, line, column and rule. */
static int place_cmp(const entry *a, const entry *b)
{
	int c = strcmp(a->file, b->file);

	c = c ? c : (a->line > b->line) - (a->line < b->line);
	c = c ? c : (a->col > b->col) - (a->col < b->col);
	return c ? c : strcmp(a->rule, b->rule);
}

static int entry_cmp(const void *pa, const void *pb)
{
	const entry *a = pa, *b = pb;
	int c = place_cmp(a, b);

	return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

/* An earlier item of its place with its message: a finding reported twice. */
static bool reported_before(const entry *all, size_t i)
{
	for (size_t k = i; k-- > 0 && !place_cmp(&all[k], &all[i]);)
		if (all[k].item && !strcmp(all[k].message, all[i].message))
			return true;
	return false;
}

/*
 * Moves every report's array at arr_path into out, in a report's order;
 * with once, a finding at the same place with the same message only once.
 */
static void join(report *rs, int n, const char *const *arr_path, const keys *k, bool once,
		 cJSON *out)
{
	VEC(entry) all = { 0 };

	for (int i = 0; i < n; i++) {
		cJSON *arr = path_get(rs[i].sarif ? run_of(&rs[i]) : rs[i].root, arr_path), *it;

		while (cJSON_IsArray(arr) && (it = cJSON_DetachItemFromArray(arr, 0))) {
			entry e = entry_of(it, k, rs[i].sarif, all.len);

			vec_push(&all, e);
		}
	}
	if (all.len > 1)
		qsort(all.data, all.len, sizeof *all.data, entry_cmp);
	for (size_t i = 0; i < all.len; i++) {
		if (once && reported_before(all.data, i)) {
			cJSON_Delete(all.data[i].item);
			all.data[i].item = NULL;
		} else {
			cJSON_AddItemToArray(out, all.data[i].item);
		}
	}
	for (size_t i = 0; i < all.len; i++)
		free(all.data[i].file);
	free(all.data);
}

static const char *const driver_rules[] = { "tool", "driver", "rules", NULL };

static int rule_index(cJSON *rules, const char *id)
{
	int i = 0;
	cJSON *r;

	cJSON_ArrayForEach(r, rules) {
		cJSON *rid = cJSON_GetObjectItemCaseSensitive(r, "id");

		if (cJSON_IsString(rid) && !strcmp(rid->valuestring, id))
			return i;
		i++;
	}
	return -1;
}

/* Rules once, in the first report's order; other reports' results point into that list. */
static void unite_rules(report *rs, int n)
{
	cJSON *rules = path_get(run_of(&rs[0]), driver_rules);

	for (int i = 1; i < n; i++) {
		cJSON *mine = path_get(run_of(&rs[i]), driver_rules), *res;

		cJSON_ArrayForEach(res, cJSON_GetObjectItemCaseSensitive(run_of(&rs[i]), "results")) {
			cJSON *id = cJSON_GetObjectItemCaseSensitive(res, "ruleId");
			int k;

			if (!cJSON_IsString(id))
				bad(rs[i].path, "a result without ruleId");
			k = rule_index(rules, id->valuestring);
			if (k < 0) {
				int m = rule_index(mine, id->valuestring);

				if (m < 0)
					bad(rs[i].path, "a result whose rule is not in tool.driver.rules");
				cJSON_AddItemToArray(rules, cJSON_Duplicate(cJSON_GetArrayItem(mine, m), 1));
				k = cJSON_GetArraySize(rules) - 1;
			}
			cJSON_SetNumberValue(cJSON_GetObjectItemCaseSensitive(res, "ruleIndex"), k);
		}
	}
}

static const char *const invocation[] = { "invocations", "0", NULL };
static const char *const notifications[] = { "invocations", "0", "toolExecutionNotifications",
					     NULL };

/* A run lists its errors, then its limits (notes), each in the report's
 * order: the joined list, sorted by place, split the same way. */
static cJSON *errors_first(cJSON *notes)
{
	cJSON *out = cJSON_CreateArray(), *rest = cJSON_CreateArray(), *it;

	while ((it = cJSON_DetachItemFromArray(notes, 0))) {
		cJSON *level = cJSON_GetObjectItemCaseSensitive(it, "level");
		bool error = cJSON_IsString(level) && !strcmp(level->valuestring, "error");

		cJSON_AddItemToArray(error ? out : rest, it);
	}
	while ((it = cJSON_DetachItemFromArray(rest, 0)))
		cJSON_AddItemToArray(out, it);
	cJSON_Delete(rest);
	cJSON_Delete(notes);
	return out;
}

/* One invocation: successful when every shard's was, with every shard's notifications. */
static void unite_invocations(report *rs, int n)
{
	cJSON *inv = path_get(run_of(&rs[0]), invocation);
	cJSON *notes = cJSON_CreateArray();
	bool ok = true;

	if (!cJSON_IsObject(inv))
		bad(rs[0].path, "no invocation");
	for (int i = 0; i < n; i++) {
		cJSON *s = path_get(path_get(run_of(&rs[i]), invocation), (const char *const[]){
						    "executionSuccessful", NULL });

		ok &= cJSON_IsTrue(s);
	}
	join(rs, n, notifications, &sarif_result, false, notes);
	cJSON_ReplaceItemInObjectCaseSensitive(inv, "executionSuccessful", cJSON_CreateBool(ok));
	cJSON_ReplaceItemInObjectCaseSensitive(inv, "toolExecutionNotifications",
					       errors_first(notes));
}

static void same_key(report *rs, int n, cJSON *(*where)(const report *), const char *key)
{
	cJSON *first = cJSON_GetObjectItemCaseSensitive(where(&rs[0]), key);

	for (int i = 1; i < n; i++)
		if (!cJSON_Compare(first, cJSON_GetObjectItemCaseSensitive(where(&rs[i]), key), 1))
			bad(rs[i].path, "made by another vtlint or with another source root than the first report");
}

static cJSON *root_of(const report *r)
{
	return r->root;
}

static cJSON *merge_sarif(report *rs, int n)
{
	static const char *const results[] = { "results", NULL };
	cJSON *run = run_of(&rs[0]), *out = cJSON_CreateArray();

	same_key(rs, n, run_of, "originalUriBaseIds");
	unite_rules(rs, n);
	unite_invocations(rs, n);
	join(rs, n, results, &sarif_result, true, out);
	cJSON_ReplaceItemInObjectCaseSensitive(run, "results", out);
	return rs[0].root;
}

static cJSON *merge_json(report *rs, int n)
{
	static const char *const diags[] = { "diagnostics", NULL }, *const errs[] = { "errors", NULL };
	static const char *const limits[] = { "limits", NULL };
	cJSON *d = cJSON_CreateArray(), *e = cJSON_CreateArray(), *l = cJSON_CreateArray();

	same_key(rs, n, root_of, "srcroot");
	same_key(rs, n, root_of, "tool");
	join(rs, n, diags, &json_item, true, d);
	join(rs, n, errs, &json_item, false, e);
	cJSON_ReplaceItemInObjectCaseSensitive(rs[0].root, "diagnostics", d);
	cJSON_ReplaceItemInObjectCaseSensitive(rs[0].root, "errors", e);
	join(rs, n, limits, &json_item, false, l);
	if (cJSON_HasObjectItem(rs[0].root, "limits"))
		cJSON_ReplaceItemInObjectCaseSensitive(rs[0].root, "limits", l);
	else
		cJSON_Delete(l);
	return rs[0].root;
}

static int write_out(const char *output, cJSON *root)
{
	char *text = cJSON_Print(root);
	FILE *out = output ? fopen(output, "w") : stdout;
	int r;

	if (!out) {
		fprintf(stderr, "vtlint merge: cannot write %s\n", output);
		cJSON_free(text);
		return 2;
	}
	r = vt_write_report(out, text);
	r |= out == stdout ? fflush(out) : fclose(out);
	cJSON_free(text);
	if (r)
		fprintf(stderr, "vtlint merge: cannot write the report\n");
	return r ? 2 : 0;
}

static _Noreturn void merge_usage(const char *why)
{
	fprintf(stderr, "vtlint merge: %s\nusage: vtlint merge REPORT... [-o FILE] "
			"[--format json|sarif]\n", why);
	exit(2);
}

/* argv[0] is "merge".  0, or 2 when a report is unreadable or the reports do not fit. */
int vt_merge_main(int argc, char **argv)
{
	const char *output = NULL, *format = NULL;
	report *rs = xcalloc((size_t)argc + 1, sizeof *rs);
	int n = 0, status;

	for (int i = 1; i < argc; i++) {
		if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) && i + 1 < argc)
			output = argv[++i];
		else if (!strcmp(argv[i], "--format") && i + 1 < argc)
			format = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1])
			merge_usage("unknown option or missing value");
		else
			rs[n++] = load(argv[i]);
	}
	if (!n)
		merge_usage("no reports");
	if (format && strcmp(format, "json") && strcmp(format, "sarif"))
		merge_usage("the format is json or sarif");
	for (int i = 0; i < n; i++)
		if (rs[i].sarif != rs[0].sarif || (format && rs[i].sarif != !strcmp(format, "sarif")))
			bad(rs[i].path, "reports of one format only (merge does not convert)");
	status = write_out(output, rs[0].sarif ? merge_sarif(rs, n) : merge_json(rs, n));
	for (int i = 0; i < n; i++)
		cJSON_Delete(rs[i].root);
	free(rs);
	return status;
}
