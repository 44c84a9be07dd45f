/*
 * fuzz_summaries.c: a summaries file (`--summaries FILE`, or the cache's
 * summaries.json) as vt_store_from_json reads it.  Properties: it loads or
 * says why, never both; what loads is written back to JSON that loads again
 * to the same text and the same functions (a file vtlint wrote is what it
 * reads), and every function it holds can be asked for.
 */
#include <string.h>

#include <cjson/cJSON.h>

#include "fuzz.h"
#include "vtlint.h"

/* Every function of the store's JSON text answers vt_store_get. */
static void check_lookups(const vt_store *s, const char *json)
{
	cJSON *o = cJSON_Parse(json), *f;

	FZ_CHECK(o != NULL);
	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(o, "functions")) {
		const cJSON *usr = cJSON_GetObjectItemCaseSensitive(f, "usr");
		const cJSON *conflict = cJSON_GetObjectItemCaseSensitive(f, "conflict");
		const vt_summary *sum;

		FZ_CHECK(cJSON_IsString(usr));
		sum = vt_store_get(s, usr->valuestring);
		FZ_CHECK(cJSON_IsTrue(conflict) == (sum == NULL));
	}
	cJSON_Delete(o);
}

static void check_round_trip(const vt_store *s)
{
	char *why = NULL, *a = vt_store_to_json(s), *b;
	vt_store *t = vt_store_from_json(a, strlen(a), &why);

	FZ_CHECK(t != NULL && why == NULL);
	FZ_CHECK(vt_store_count(t) == vt_store_count(s));
	b = vt_store_to_json(t);
	FZ_CHECK(!strcmp(a, b));
	check_lookups(t, b);
	vt_store_free(t);
	free(a);
	free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *why = NULL;
	vt_store *s = vt_store_from_json((const char *)data, size, &why);

	FZ_CHECK((s == NULL) == (why != NULL));
	if (s)
		check_round_trip(s);
	else
		FZ_CHECK(*why != '\0');
	vt_store_free(s);
	free(why);
	return 0;
}
