/*
 * state.h: one abstract path state of the data-flow engine (state.c), shared
 * by flow.c only.
 *
 * A state says which operations exist on this path (op), which variable
 * holds which of them (bind; copies share one op), and what the tests taken
 * so far told about int locals (fact).  Operations are named by the event
 * that made them (site) and a generation, so that an operation made again
 * by the next loop iteration is a different one while the old is still held.
 */
#ifndef VTLINT_STATE_H
#define VTLINT_STATE_H

#include "vtlint.h"

typedef struct op {
	int site;
	uint8_t gen, status, flags, out; /* out: OUT_* bits of a caller's operation */
	const vt_event *born, *first;    /* first: first consumption or hand-off */
	int name_var;                    /* a named variable that held it, or -1 */
} op;

typedef struct bind {
	int var, site;
	uint8_t gen;
} bind;

enum { MAX_EXCLUDED = 8 };

typedef struct fact {
	int var;
	int64_t lo, hi;
	int nex;
	int64_t ex[MAX_EXCLUDED];
	int link_site;                   /* answer of an inspection of this op, or -1 */
	uint8_t link_gen;
} fact;

typedef struct state {
	VEC(op) ops;
	VEC(bind) binds;
	VEC(fact) facts;
} state;

state *st_new(void);
state *st_copy(const state *s);
void st_free(state *s);

op *st_op(state *s, int site, int gen);
op *st_var_op(state *s, int var);
bind *st_bind_of(state *s, int var);
void st_bind(state *s, int var, const op *o);
void st_unbind(state *s, int var);
bool st_referenced(const state *s, int site, int gen);
op *st_add_op(state *s, op o);
void st_remove_op(state *s, int site, int gen);

void st_forget(state *s, int var);
bool st_link(state *s, int var, const op *o);
bool st_apply_cond(state *s, const vt_cond *c);

bool st_same_shape(const state *a, const state *b);
bool st_same_binds(const state *a, const state *b);
bool st_meet_facts(state *into, const state *from);
bool st_keep_earliest(state *into, const state *from);
bool st_join_ops(state *into, const state *from);

#endif /* VTLINT_STATE_H */
