/*
 * state.h: one abstract path state of the data-flow engine (state.c), shared
 * by flow.c only.
 *
 * A state says which operations exist on this path (op), which variable
 * holds which of them (bind; copies share one op), which vtask each vtask *
 * local names (ptr), and what the tests and constant assignments taken so
 * far told about int locals (fact).  Operations are named by the event that
 * made them (site) and a generation, so that an operation made again by the
 * next loop iteration is a different one while the old is still held.
 *
 * Facts are exact: a set of values per local (a range less any number of
 * excluded values).  A state that had to be joined with another whose facts
 * could not be united exactly is approx: it may stand for paths the facts
 * rule out, so nothing found on it is reported (flow.c).
 */
#ifndef VTLINT_STATE_H
#define VTLINT_STATE_H

#include "vtlint.h"

typedef struct op {
	int site;
	int source;                      /* the source it was made from here (VAR_SOURCE), or -1 */
	uint8_t gen, status, flags, out; /* out: OUT_* bits of a caller's operation */
	const vt_event *born, *first;    /* first: first consumption or hand-off */
	int name_var;                    /* a named variable that held it, or -1 */
} op;

typedef struct bind {
	int var, site;
	uint8_t gen;
} bind;

typedef struct ptr {
	int var, target;                 /* vtask * local -> the vtask variable it names */
} ptr;

typedef struct fact {
	int var;
	int64_t lo, hi;
	size_t nex;
	int64_t *ex;                     /* excluded values inside (lo, hi), sorted; owned */
	int link_site;                   /* answer of an inspection of this op, or -1 */
	uint8_t link_gen;
	bool link_neg;                   /* the local holds !answer */
} fact;

/* A vt_source on this path: its version's completion, and whether it was reset (state.c). */
typedef struct srcst {
	int var;
	uint8_t done, epoch;
	bool inited;                     /* vt_source_init ran, or the local was re-pointed */
	const vt_event *completed;       /* the completion of this version (a note) */
} srcst;

/* An int local holding a source's token, read at version epoch. */
typedef struct tok {
	int var, source;
	uint8_t epoch;
	bool unsure;                     /* read before the source went where it may be reset */
	const vt_event *read;
} tok;

typedef struct state {
	VEC(op) ops;
	VEC(bind) binds;
	VEC(ptr) ptrs;
	VEC(srcst) srcs;
	VEC(tok) toks;
	VEC(fact) facts;
	bool approx;
	bool sent;        /* in a block's set: not waiting to be sent on (flow.c) */
	struct state *next_free; /* in the pool of freed states (state.c) */
} state;

state *st_new(void);
state *st_copy(const state *s);
void st_free(state *s);
/* Frees the states st_free kept for reuse on this thread. */
void st_pool_drain(void);

op *st_op(state *s, int site, int gen);
op *st_var_op(state *s, int var);
bind *st_bind_of(state *s, int var);
void st_bind(state *s, int var, const op *o);
void st_unbind(state *s, int var);
bool st_referenced(const state *s, int site, int gen);
op *st_add_op(state *s, op o);
void st_remove_op(state *s, int site, int gen);

int st_target(const state *s, int ptr_var);   /* -1: names no vtask we follow */
void st_point(state *s, int ptr_var, int target);

void st_forget(state *s, int var);
srcst *st_source(state *s, int var);
tok *st_token(state *s, int var);
void st_drop_token(state *s, int var);
void st_keep_live(state *s, const uint64_t *live);
void st_set_const(state *s, int var, int64_t k);
void st_copy_fact(state *s, int dst, int src);
bool st_has_fact(state *s, int var);
bool st_link(state *s, int var, const op *o, bool neg);
bool st_apply_cond(state *s, const vt_cond *c);

bool st_same_shape(const state *a, const state *b);
bool st_same_binds(const state *a, const state *b);
bool st_same_facts(const state *a, const state *b);
bool st_unite_facts(state *into, const state *from, bool *changed);
bool st_keep_earliest(state *into, const state *from);
bool st_join(state *into, const state *from);
/* A hash of what st_same_shape compares: different hashes, different shapes. */
uint64_t st_shape_hash(const state *s);

#endif /* VTLINT_STATE_H */
