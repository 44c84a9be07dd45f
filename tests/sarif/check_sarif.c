/*
 * check_sarif.c: what validate.sh asks of a SARIF file beyond the Multitool.
 *
 *   check_sarif report FILE [--failed] [--flows] [--suppressed]
 *       vtlint's report has what GitHub code scanning and cli.md need: every
 *       rule described, each result with ruleId, a region ending past its
 *       start, primaryLocationLineHash equal to the one of the line it
 *       names (files relative to the current directory); with --failed,
 *       executionSuccessful false and error notifications, else true and
 *       none; with --flows, some result with relatedLocations and codeFlows;
 *       with --suppressed, some result with an inSource suppression.
 *   check_sarif validation FILE
 *       the Multitool's own log: prints each error it holds; fails on any.
 *
 * Exits 0 when all holds, 1 otherwise, saying why on stderr.
 */
#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "vtlint.h"

static int failures;

static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "check_sarif: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	failures++;
}

/* The item at a dotted path ("physicalLocation.region.startLine"), or NULL. */
static cJSON *at(cJSON *o, const char *path)
{
	char key[128];

	while (o && *path) {
		size_t n = strcspn(path, ".");

		snprintf(key, sizeof key, "%.*s", (int)n, path);
		o = cJSON_GetObjectItemCaseSensitive(o, key);
		path += n + (path[n] == '.');
	}
	return o;
}

/* property.problem.severity is one key with dots in it: look it up whole. */
static cJSON *key(cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

static const char *str(cJSON *o, const char *path)
{
	cJSON *v = at(o, path);

	return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

static double num(cJSON *o, const char *path)
{
	cJSON *v = at(o, path);

	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static cJSON *load(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t cap = 0;
	ssize_t n;
	cJSON *root;

	if (!f) {
		fail("cannot read %s", path);
		return NULL;
	}
	n = getdelim(&text, &cap, '\0', f);
	fclose(f);
	root = n > 0 ? cJSON_ParseWithLength(text, (size_t)n) : NULL;
	free(text);
	if (!root)
		fail("%s: not JSON", path);
	return root;
}

static void check_rule(cJSON *rule, int i)
{
	static const char *const need[] = { "id", "name", "shortDescription.text",
					    "fullDescription.text", "help.text", "help.markdown",
					    "defaultConfiguration.level", "properties.precision" };
	cJSON *props = at(rule, "properties");

	for (size_t k = 0; k < sizeof need / sizeof *need; k++)
		if (!str(rule, need[k]))
			fail("rules[%d]: no %s", i, need[k]);
	if (i < vt_nrules && (!str(rule, "id") || strcmp(str(rule, "id"), vt_rules[i]->id)))
		fail("rules[%d]: id is not %s", i, vt_rules[i]->id);
	if (cJSON_GetArraySize(at(props, "tags")) < 1)
		fail("rules[%d]: no properties.tags", i);
	if (!cJSON_IsString(key(props, "problem.severity")))
		fail("rules[%d]: no properties[\"problem.severity\"]", i);
}

static bool hash_syntax(const char *h)
{
	size_t hex = strspn(h, "0123456789abcdef");

	return hex > 0 && hex <= 16 && h[hex] == ':' && h[hex + 1] &&
	       strspn(h + hex + 1, "0123456789") == strlen(h + hex + 1);
}

/* A URI's path, %XX decoded, without "file://": what to open. */
static char *uri_path(const char *uri)
{
	char *out = xmalloc(strlen(uri) + 1), *o = out;
	unsigned c;

	if (!strncmp(uri, "file://", 7))
		uri += 7;
	for (; *uri; uri++)
		if (*uri == '%' && sscanf(uri + 1, "%2x", &c) == 1 && uri[1] && uri[2])
			*o++ = (char)c, uri += 2;
		else
			*o++ = *uri;
	*o = 0;
	return out;
}

/* The file a result names, opened relative to the current directory (the source root). */
static void check_hash(cJSON *res, int i)
{
	cJSON *loc = at(cJSON_GetArrayItem(at(res, "locations"), 0), "physicalLocation");
	const char *uri = str(loc, "artifactLocation.uri");
	const char *h = str(res, "partialFingerprints.primaryLocationLineHash");
	char *want, *path;

	if (!h || !hash_syntax(h)) {
		fail("results[%d]: primaryLocationLineHash missing or malformed (%s)", i,
		     h ? h : "none");
		return;
	}
	if (!uri)
		return;
	path = uri_path(uri);
	want = vt_line_hash(path, (unsigned)num(loc, "region.startLine"));
	free(path);
	if (!want || strcmp(want, h))
		fail("results[%d]: primaryLocationLineHash %s, line's hash %s", i, h,
		     want ? want : "(unreadable)");
	free(want);
}

static void check_result(cJSON *res, cJSON *rules, int i, int *flows, int *suppressed)
{
	cJSON *loc = at(cJSON_GetArrayItem(at(res, "locations"), 0), "physicalLocation");
	cJSON *rel = at(res, "relatedLocations"), *r;
	int idx = (int)num(res, "ruleIndex");
	double sc = num(loc, "region.startColumn"), ec = num(loc, "region.endColumn");

	if (!str(res, "ruleId") || !str(res, "level") || !str(res, "message.text"))
		fail("results[%d]: no ruleId, level or message.text", i);
	if (idx < 0 || !str(cJSON_GetArrayItem(rules, idx), "id") || !str(res, "ruleId") ||
	    strcmp(str(cJSON_GetArrayItem(rules, idx), "id"), str(res, "ruleId")))
		fail("results[%d]: ruleIndex does not name ruleId's rule", i);
	if (!str(loc, "artifactLocation.uri"))
		fail("results[%d]: no artifactLocation.uri", i);
	if (num(loc, "region.startLine") < 1 || sc < 1 ||
	    num(loc, "region.endLine") != num(loc, "region.startLine") || ec <= sc)
		fail("results[%d]: region lacks a line or ends before it starts", i);
	check_hash(res, i);
	cJSON_ArrayForEach(r, rel)
		if (num(r, "id") < 1 || !str(r, "message.text") ||
		    !str(r, "physicalLocation.artifactLocation.uri"))
			fail("results[%d]: a related location without id, message or uri", i);
	if (cJSON_GetArraySize(rel) > 0) {
		cJSON *steps = at(cJSON_GetArrayItem(at(cJSON_GetArrayItem(at(res, "codeFlows"), 0),
							   "threadFlows"), 0), "locations");

		if (cJSON_GetArraySize(steps) != cJSON_GetArraySize(rel) + 1)
			fail("results[%d]: codeFlows do not go from each note to the fault", i);
		else
			++*flows;
	}
	if (str(cJSON_GetArrayItem(at(res, "suppressions"), 0), "kind") &&
	    !strcmp(str(cJSON_GetArrayItem(at(res, "suppressions"), 0), "kind"), "inSource"))
		++*suppressed;
}

static void check_invocation(cJSON *run, bool failed)
{
	cJSON *inv = cJSON_GetArrayItem(at(run, "invocations"), 0), *n;
	cJSON *ok = at(inv, "executionSuccessful");
	int errors = 0;

	if (!cJSON_IsBool(ok))
		fail("no invocations[0].executionSuccessful");
	else if (cJSON_IsTrue(ok) == failed)
		fail("executionSuccessful is %s", cJSON_IsTrue(ok) ? "true" : "false");
	cJSON_ArrayForEach(n, at(inv, "toolExecutionNotifications")) {
		if (!str(n, "message.text"))
			fail("a notification without message.text");
		errors += str(n, "level") && !strcmp(str(n, "level"), "error");
	}
	if (failed != (errors > 0))
		fail("%d error notifications", errors);
}

static void check_report(cJSON *root, bool failed, bool want_flows, bool want_suppressed)
{
	cJSON *run = cJSON_GetArrayItem(at(root, "runs"), 0), *rules, *res, *r;
	int i = 0, flows = 0, suppressed = 0;

	if (!str(root, "$schema") || !str(root, "version") || strcmp(str(root, "version"), "2.1.0"))
		fail("no $schema or version 2.1.0");
	if (cJSON_GetArraySize(at(root, "runs")) != 1)
		fail("not one run");
	if (!str(run, "tool.driver.name") || strcmp(str(run, "tool.driver.name"), "vtlint") ||
	    !str(run, "tool.driver.version"))
		fail("tool.driver lacks name vtlint or version");
	if (at(run, "tool.driver.informationUri") && !str(run, "tool.driver.informationUri"))
		fail("tool.driver.informationUri is not a string");
	rules = at(run, "tool.driver.rules");
	if (cJSON_GetArraySize(rules) != vt_nrules)
		fail("%d rules, not %d", cJSON_GetArraySize(rules), vt_nrules);
	cJSON_ArrayForEach(r, rules)
		check_rule(r, i++);
	i = 0;
	res = at(run, "results");
	if (!cJSON_IsArray(res))
		fail("no results array");
	cJSON_ArrayForEach(r, res)
		check_result(r, rules, i++, &flows, &suppressed);
	check_invocation(run, failed);
	if (want_flows && !flows)
		fail("no result with relatedLocations and codeFlows");
	if (want_suppressed && !suppressed)
		fail("no result with an inSource suppression");
}

/* The Multitool's log: results whose level (explicit or the rule's) is error. */
static void check_validation(cJSON *root)
{
	cJSON *run, *res;

	if (cJSON_GetArraySize(at(root, "runs")) < 1)
		fail("the Multitool's log has no run");
	cJSON_ArrayForEach(run, at(root, "runs")) {
		cJSON_ArrayForEach(res, at(run, "results")) {
			cJSON *rule = cJSON_GetArrayItem(at(run, "tool.driver.rules"),
							 (int)num(res, "ruleIndex"));
			const char *level = str(res, "level") ? str(res, "level") :
					    str(rule, "defaultConfiguration.level") ?
					    str(rule, "defaultConfiguration.level") : "warning";

			if (!strcmp(level, "error"))
				fail("Multitool error %s: %s", str(res, "ruleId") ? str(res, "ruleId") : "?",
				     str(res, "message.text") ? str(res, "message.text") :
				     str(res, "message.id") ? str(res, "message.id") : "");
		}
	}
}

int main(int argc, char **argv)
{
	bool failed = false, flows = false, suppressed = false;
	cJSON *root;

	if (argc < 3) {
		fprintf(stderr, "usage: check_sarif report|validation FILE [--failed] [--flows] "
				"[--suppressed]\n");
		return 2;
	}
	for (int i = 3; i < argc; i++) {
		failed |= !strcmp(argv[i], "--failed");
		flows |= !strcmp(argv[i], "--flows");
		suppressed |= !strcmp(argv[i], "--suppressed");
	}
	root = load(argv[2]);
	if (root && !strcmp(argv[1], "report"))
		check_report(root, failed, flows, suppressed);
	else if (root)
		check_validation(root);
	cJSON_Delete(root);
	if (failures)
		fprintf(stderr, "check_sarif: %s: %d problem%s\n", argv[2], failures,
			failures == 1 ? "" : "s");
	return failures ? 1 : 0;
}
