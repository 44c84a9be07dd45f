/*
 * rounds.c: the project's files analysed in rounds until their summaries
 * across files settle.  Rounds are barriers: the driver's workers only read
 * the store, which is rebuilt between rounds from every file's exports, in
 * no order that matters; a file is analysed again when the new store
 * answers one of its lookups differently.
 */
#include <stdlib.h>
#include <string.h>

#include "rounds.h"

typedef struct run {
	vt_rounds *r;
	const vt_store *store; /* this round's: start, or one rebuild made */
	size_t *queue, nqueue; /* this round's files */
	int *analyses;         /* how many times each was analysed (VT_MAX_ANALYSES) */
} run;

typedef struct provider {
	const char *usr;
	size_t file;
} provider;

static int provider_cmp(const void *a, const void *b)
{
	return strcmp(((const provider *)a)->usr, ((const provider *)b)->usr);
}

/* The first of idx[0..n) named usr, or NULL. */
static const provider *first_of(const provider *idx, size_t n, const char *usr)
{
	provider key = { usr, 0 };
	const provider *p = n ? bsearch(&key, idx, n, sizeof *idx, provider_cmp) : NULL;

	while (p && p > idx && !strcmp(p[-1].usr, usr))
		p--;
	return p;
}

/* Whether file `from` calls, through other files' functions, back into itself. */
static bool reaches_itself(const vt_rounds *r, const provider *idx, size_t n, size_t from)
{
	bool *seen = xcalloc(r->nfiles + 1, sizeof *seen), found = false;
	VEC(size_t) stack = { 0 };

	vec_push(&stack, from);
	while (stack.len && !found) {
		const vt_unit_sums *u = &r->sums[stack.data[--stack.len]];

		for (size_t k = 0; k < u->lookups.len && !found; k++) {
			const char *usr = u->lookups.data[k].usr;
			const provider *p = first_of(idx, n, usr);

			for (; p && p < idx + n && !strcmp(p->usr, usr) && !found; p++) {
				found = p->file == from;
				if (!seen[p->file]) {
					seen[p->file] = true;
					vec_push(&stack, p->file);
				}
			}
		}
	}
	free(seen);
	free(stack.data);
	return found;
}

/*
 * Which files export (exports) or looked up (!exports) which functions,
 * sorted by name: reaches_itself and dependents search it.
 */
static provider *usr_index(const vt_rounds *r, bool exports, size_t *n)
{
	VEC(provider) idx = { 0 };

	for (size_t i = 0; i < r->nfiles; i++) {
		const vt_unit_sums *u = &r->sums[i];
		size_t len = exports ? u->exports.len : u->lookups.len;

		for (size_t k = 0; k < len; k++) {
			provider p = { exports ? u->exports.data[k].usr : u->lookups.data[k].usr, i };

			vec_push(&idx, p);
		}
	}
	if (idx.len)
		qsort(idx.data, idx.len, sizeof *idx.data, provider_cmp);
	*n = idx.len;
	return idx.data;
}

/* Every file's exports but skip's, the guessed ones (see rebuild) as "only inspects". */
static vt_store *store_of(const vt_rounds *r, const bool *guessed, const bool *skip)
{
	vt_store *s = vt_store_new();

	for (size_t i = 0; i < r->nfiles; i++)
		for (size_t k = 0; k < r->sums[i].exports.len && !(skip && skip[i]); k++) {
			const vt_export *x = &r->sums[i].exports.data[k];
			vt_summary g;

			if (!guessed || !guessed[i]) {
				vt_store_add(s, x->usr, &x->sum);
				continue;
			}
			g = vt_summary_inspects(&x->sum);
			vt_store_add(s, x->usr, &g);
			vt_summary_free(&g);
		}
	vt_store_seal(s);
	return s;
}

/*
 * The store after a round.  A unit that found nothing where another file
 * defines the function took it for unseen code.  When that function calls
 * back into the unit (recursion across files), the unit's exports are
 * guesses: the recursion starts, as within a file, from "only inspects",
 * and the next round corrects what was wrong.  Elsewhere the next round
 * alone does: the unit is analysed again with what it missed.
 */
static vt_store *rebuild(const vt_rounds *r)
{
	vt_store *s = store_of(r, NULL, NULL), *g;
	bool *guessed = xcalloc(r->nfiles + 1, sizeof *guessed);
	size_t n;
	provider *idx = usr_index(r, true, &n);
	bool any = false;

	for (size_t i = 0; i < r->nfiles; i++)
		any |= guessed[i] = vt_lookups_missed(&r->sums[i], s) &&
				    reaches_itself(r, idx, n, i);
	free(idx);
	if (!any) {
		free(guessed);
		return s;
	}
	g = store_of(r, guessed, NULL);
	vt_store_free(s);
	free(guessed);
	return g;
}

/* The files a changed store answers differently: the next round's. */
static void requeue(run *u)
{
	vt_rounds *r = u->r;

	u->nqueue = 0;
	for (size_t i = 0; i < r->nfiles; i++) {
		if (vt_lookups_hold(&r->sums[i], u->store))
			continue;
		if (u->analyses[i] < VT_MAX_ANALYSES)
			u->queue[u->nqueue++] = i;
		else
			r->unsettled[i] = true;
	}
}

/*
 * Rounds from start (kept: the caller frees it) until no file's lookups
 * change; the first round analyses the files only says (NULL: all).
 */
static void iterate(run *u, const vt_store *start, bool given, const bool *only)
{
	vt_rounds *r = u->r;

	u->store = start;
	u->nqueue = 0;
	for (size_t i = 0; i < r->nfiles; i++) {
		if (only && !only[i])
			continue;
		u->queue[u->nqueue++] = i;
		u->analyses[i] = 0;
		r->unsettled[i] = false;
	}
	while (u->nqueue) {
		vt_store *next;

		for (size_t q = 0; q < u->nqueue; q++)
			u->analyses[u->queue[q]]++;
		r->analyse(r->ctx, u->queue, u->nqueue, u->store);
		next = rebuild(r);
		if (given) /* the files analysed are newer than what was given */
			vt_store_overlay(next, start);
		if (u->store != start)
			vt_store_free((vt_store *)u->store);
		u->store = next;
		requeue(u);
	}
}

/*
 * Whether a file the cache could not answer is part of a recursion across
 * files.  There the rounds reach the fixed point nearest to where they
 * start, which from a previous run's store may not be the one a cold run
 * finds from "only inspects" (an edit that makes the recursion only
 * inspect again leaves its summaries as they were).
 */
static bool changed_recursion(const vt_rounds *r)
{
	size_t n;
	provider *idx = usr_index(r, true, &n);
	bool cycle = false;

	for (size_t i = 0; i < r->nfiles && !cycle; i++)
		cycle = r->parsed[i] && reaches_itself(r, idx, n, i);
	free(idx);
	return cycle;
}

/*
 * The files the cache could not answer and every file that calls into
 * them, through any chain of other files' functions.  No other file looks
 * up what these export.
 */
static bool *dependents(const vt_rounds *r)
{
	bool *d = xcalloc(r->nfiles + 1, sizeof *d);
	VEC(size_t) stack = { 0 };
	size_t n;
	provider *idx = usr_index(r, false, &n);

	for (size_t i = 0; i < r->nfiles; i++)
		if (r->parsed[i]) {
			d[i] = true;
			vec_push(&stack, i);
		}
	while (stack.len) {
		const vt_unit_sums *u = &r->sums[stack.data[--stack.len]];

		for (size_t k = 0; k < u->exports.len; k++) {
			const char *usr = u->exports.data[k].usr;
			const provider *p = first_of(idx, n, usr);

			for (; p && p < idx + n && !strcmp(p->usr, usr); p++)
				if (!d[p->file]) {
					d[p->file] = true;
					vec_push(&stack, p->file);
				}
		}
	}
	free(idx);
	free(stack.data);
	return d;
}

/*
 * A store given with --summaries is the whole project's: the files
 * analysed override their own summaries in it (they may have changed since
 * it was written), which takes one more round only when they did.  A
 * previous run's store (the cache's) saves rounds, but when an edit changed
 * a recursion across files, the files it reached are analysed again as a
 * cold run would, from a store without their exports, so that the report
 * is the cold run's.  The others keep their results: they call none of
 * these files' functions.
 */
vt_store *vt_rounds_run(vt_rounds *r, vt_store *start, bool given)
{
	run u = { .r = r, .queue = xcalloc(r->nfiles + 1, sizeof *u.queue),
		  .analyses = xcalloc(r->nfiles + 1, sizeof *u.analyses) };
	bool warm = vt_store_count(start) > 0 && !given;

	iterate(&u, start, given, NULL);
	if (warm && changed_recursion(r)) { /* its part again, as a cold run */
		bool *part = dependents(r);
		vt_store *rest = store_of(r, NULL, part);

		if (u.store != start)
			vt_store_free((vt_store *)u.store);
		iterate(&u, rest, false, part);
		if (u.store != rest)
			vt_store_free(rest);
		free(part);
	}
	if (u.store != start)
		vt_store_free(start);
	free(u.queue);
	free(u.analyses);
	return (vt_store *)u.store;
}
