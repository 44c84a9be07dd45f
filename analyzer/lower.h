/*
 * lower.h: private to the lowering (lower.c, lower_expr.c, lower_cond.c,
 * lower_stmt.c).  One lowering context L walks one function; the files share
 * these helpers the way chibicc's parse.c shares its own, under an lw_ prefix.
 */
#ifndef VTLINT_LOWER_H
#define VTLINT_LOWER_H

#include <stdlib.h>
#include <string.h>

#include "front.h"

enum { DEAD = -1 }; /* the current block after a jump: nothing follows */

/* One C variable vtlint follows: a vtask, an int-like local, a vtask * local. */
typedef struct var_ent {
	CXCursor decl;
	int var;       /* CFG variable (VAR_PTR for a vtask * local) */
	int fact;      /* a vt_task * local: the int variable its NULL tests are facts about, or -1 */
	bool is_ptr;
} var_ent;

typedef struct scope {
	int parent;
	VEC(int) vars; /* CFG vtask variables declared here, in order */
} scope;

typedef struct label {
	CXCursor stmt;
	int block, scope;
	bool addr_taken;
} label;

typedef struct jump {
	int block, scope;
	CXCursor target; /* the LabelStmt; null cursor for a computed goto */
	vt_loc loc;
} jump;

/* The innermost loop or switch: where break and continue go. */
typedef struct target {
	int brk, cont;    /* cont: -1 for a switch */
	int scope;
	bool is_switch;
	int sw_block, sw_var;
	VEC(int64_t) cases;
	int dflt;
} target;

typedef struct L {
	vt_lower_env *env;
	vt_func *fn;
	CXCursor body;         /* the function's body */
	int cur;
	int scope;
	VEC(scope) scopes;
	VEC(var_ent) vars;
	int *var_slot;  /* open addressing over vars by declaration: newest index + 1 (0: empty) */
	size_t var_cap;
	VEC(label) labels;
	VEC(jump) gotos;
	VEC(target *) targets;
	VEC(int) temps_live;   /* temporaries of the full expressions being lowered */
	VEC(int) temps_free;
	int cond_mark;         /* >= 0: a statement's condition; drop temps at its branch */
	int ret_to;            /* >= 0: the int local the next call's result goes into */
	bool ret_used;         /* that call's summary said what it returns */
	VEC(CXCursor) aliased; /* locals whose address is taken anywhere in the function */
	VEC(int) escaped;      /* int locals whose address left the function so far */
	VEC(struct cleanup { int var; CXCursor fn; }) cleanups; /* __attribute__((cleanup)) */
	VEC(int) sources;      /* VAR_SOURCE variables for &param->member */
	VEC(int) plain_sources; /* sources initialized here with no on_consumed callback */
	VEC(int) escaped_sources; /* sources whose address went where calls may reach it */
} L;

typedef VEC(CXCursor) cursors;

/* ---- lower.c: cursors, places, variables, scopes, constants, addresses ---- */

cursors lw_children(CXCursor c); /* borrowed: they live while the function is lowered */
cursors lw_kids(CXCursor c);     /* the same, in a vector to free */
CXCursor lw_parent(CXCursor c);  /* what c is an operand of, if the tree holds c */
CXCursor lw_callee(CXCursor call); /* the function it calls, through (*f)(x) too */
void lw_walk(CXCursor c, CXCursorVisitor visit, CXClientData d);
enum CXCursorKind lw_kind(CXCursor c);
bool lw_same_label(CXCursor a, CXCursor b);
bool lw_cursor_is_vtask(CXCursor c);
bool lw_cursor_is_task(CXCursor c);
int lw_task_fact_of(L *l, CXCursor c);
void lw_add_task_fact(L *l, CXCursor decl);
void lw_set_task_fact(L *l, int fact, CXCursor rhs, vt_loc at);
CXCursor lw_strip(CXCursor c);
char *lw_spelling(CXCursor c);
bool lw_name_is(CXCursor c, const char *const *names);
vt_loc lw_loc_of(L *l, CXCursor c);
vt_loc lw_loc_end(L *l, CXCursor c);
int lw_cur(L *l);
vt_event *lw_emit(L *l, enum vt_ev_kind k, vt_loc at);
vt_edge *lw_edge_to(L *l, int to);
void lw_jump_to(L *l, int to);
int lw_block(L *l);
var_ent *lw_lookup(L *l, CXCursor decl);
var_ent *lw_ref(L *l, CXCursor c);
int lw_vtask_var_of(L *l, CXCursor c);
int lw_int_var_of(L *l, CXCursor c);
int lw_add_var(L *l, CXCursor decl, enum vt_var_kind k);
int lw_add_ptr(L *l, CXCursor decl);
void lw_point(L *l, int ptr, int target, vt_loc at);
int lw_temp(L *l, vt_loc at);
void lw_drop_temps(L *l, size_t mark, vt_loc at);
void lw_note_cleanup(L *l, CXCursor decl, int v);
void lw_push_scope(L *l);
void lw_pop_scope(L *l, vt_loc at);
void lw_leave_scopes(L *l, int block, int sc, int keep, vt_loc at);
bool lw_constant(CXCursor c, int64_t *out);
int lw_addr_target(L *l, CXCursor c);
bool lw_addr_value_like(L *l, CXCursor c);
int lw_addr_value(L *l, CXCursor c);
CXCursor lw_cast_operand(CXCursor c);
CXCursor lw_strip_value(CXCursor c);
bool lw_keeps_values(CXType from, CXType to);
bool lw_is_truth_value(CXCursor c);
CXCursor lw_truth_operand(CXCursor c);
CXCursor lw_peel_truth(CXCursor c, bool *neg);
int lw_test_var(L *l, CXCursor c);
int lw_source_of(L *l, CXCursor a);
cursors lw_addresses_in(CXCursor c);
void lw_forget_aliased(L *l, vt_loc at);
void lw_note_escapes(L *l, CXCursor c);
void lw_forget_escaped(L *l, vt_loc at);
bool lw_is_call_to(CXCursor c, const char *name);

/* ---- lower_expr.c: expressions in value context ---- */

void lw_consume(L *l, int v, enum vt_how how, vt_loc at);
void lw_forget(L *l, int var, vt_loc at);
void lw_assign_int(L *l, int var, CXCursor rhs, vt_loc at);
int lw_call_value(L *l, CXCursor c);
void lw_init_list(L *l, CXCursor c);
int lw_expr(L *l, CXCursor c);
bool lw_inspection(L *l, CXCursor c, int *v);
int lw_inspection_into(L *l, CXCursor rhs, int dst);

/* ---- lower_cond.c: expressions in branch context ---- */

bool lw_comparison(L *l, CXCursor c, int *var, enum vt_cmp *op, int64_t *k);
void lw_cond(L *l, CXCursor c, int t, int f);
void lw_stmt_cond(L *l, CXCursor c, int t, int f);

/* ---- lower_stmt.c: statements ---- */

int lw_compound(L *l, CXCursor c, bool value);
void lw_compound_assign(L *l, CXCursor c, int var, vt_loc at);
void lw_resolve_gotos(L *l);

/* ---- lower_source.c: what calls do to the caller's vt_sources (VT006) ---- */

int lw_chain_param(CXCursor c);
bool lw_source_argument(L *l, CXCursor a, const vt_summary *sum, int i, const char *name,
			int *ret);
int lw_named_source(L *l, const char *name, int root, vt_loc at);
bool lw_member_name(CXCursor c, char *buf, size_t n);
void lw_source_escapes(L *l, int var, vt_loc at);
void lw_forget_escaped_sources(L *l, vt_loc at);
/* `vt_source *` local var, declared by decl, given value: which source it names now. */
void lw_source_pointed(L *l, int var, CXCursor decl, CXCursor value, vt_loc at);

#endif /* VTLINT_LOWER_H */
