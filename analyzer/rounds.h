/*
 * rounds.h: summaries across files (rounds.c).  The driver analyses files;
 * rounds.c decides which, against which store, until the files' lookups of
 * other files' summaries settle (rules.md's fixed point, across files).
 */
#ifndef VT_ROUNDS_H
#define VT_ROUNDS_H

#include "vtlint.h"

/*
 * A file is analysed again at most this many times: the summaries of a
 * recursion across files that did not settle by then are left as they are
 * (a chain of wrappers across files settles one file per round, so rounds
 * are not what is capped).
 */
enum { VT_MAX_ANALYSES = 16 };

typedef struct vt_rounds {
	size_t nfiles;
	vt_unit_sums *sums;  /* one per file: its exports and lookups, set by analyse */
	bool *parsed;        /* one per file: set by analyse when the cache did not answer */
	bool *unsettled;     /* one per file: its lookups still changed at VT_MAX_ANALYSES */
	/* Analyses files queue[0..n) against store (read only), on any threads. */
	void (*analyse)(void *ctx, const size_t *queue, size_t n, const vt_store *store);
	void *ctx;
} vt_rounds;

/*
 * Rounds from start (taken) until no file's lookups change: the store they
 * end with (the caller's to free).  given: start is the whole project's
 * (--summaries FILE): only what the files analysed export replaces it.
 */
vt_store *vt_rounds_run(vt_rounds *r, vt_store *start, bool given);

#endif
