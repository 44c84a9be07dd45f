/*
 * vtlint.h: the analyzer's table of contents.  Data flows one way; each
 * stage is its own file, and nothing after lowering sees libclang.
 *
 *   command line and editor
 *     main.c         the driver: commands, -j workers, baseline, report, exit status
 *     cli.c, cli.h   the command line (vt_options)
 *     lsp/           vtlint --lsp: lsp.c the server, lsp_io.c JSON-RPC framing,
 *                    lsp_text.c documents and UTF-16 positions
 *   compile db -> configuration
 *     compdb.c       each file's compile command (compile_commands.json or --)
 *     config.c       .vtlint.json: rule levels, skipped files, wrappers
 *   one file
 *     pipeline.c     one file from its command to its sorted findings (CLI and LSP)
 *     frontend.c     parse a unit with libclang, report its errors, analyse its
 *                    functions (callees first, for their summaries)
 *     session.c      editor sessions: units kept and reparsed from unsaved text
 *     summaries.c    the project's store of summaries across files: USR -> summary,
 *                    each unit's exports and lookups, rounds' JSON (--summaries)
 *   parse -> lower  (front.h: the only headers that see libclang)
 *     callees.c      what called functions are: the runtime's, wrappers, noreturn
 *     lower.c        shared lowering state: cursors, places, variables, scopes
 *     lower_stmt.c   statements -> blocks and edges
 *     lower_expr.c   expressions in value context -> vtask events
 *     lower_cond.c   expressions in branch context -> edges with facts
 *     cfg.c          the CFG: blocks, events, edges, --dump-cfg
 *   lower -> flow
 *     state.c        one abstract path state: operations, bindings, facts
 *     flow.c         the data flow to a fixed point; calls the rules' hooks;
 *                    summaries of functions for their callers
 *   flow -> rule events -> findings
 *     ../rules/      one vt_rule record per rule (vt00N.c), listed in rules.c
 *     findings.c     findings, notes, errors and who owns them
 *     suppress.c     NOLINT comments
 *     baseline.c     fingerprints that survive moved lines, --baseline
 *   findings -> formats  (no libclang in sight)
 *     format.c       the formats by name
 *     format_text.c  clang-style text
 *     format_json.c  vtlint's JSON report
 *     format_sarif.c SARIF 2.1.0 for code scanning
 *     fingerprint.c  GitHub's primaryLocationLineHash
 *   util.c           fatal, xmalloc, files, growable arrays
 *   rulehelp.cmake   embeds docs/rules/<id>.md into the binary
 */
#ifndef VTLINT_H
#define VTLINT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define VTLINT_VERSION "0.1.0"

/* ---- util.c --------------------------------------------------------------- */

_Noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *vt_read_file(const char *path, size_t *len);
/* realpath(3), or for a file not on disk yet (an editor's new buffer) its
 * folder's, with its name; false when neither resolves.  out: PATH_MAX. */
bool vt_realpath(const char *path, char *out);
unsigned vt_line_of(const char *text, const char *p);
/* --srcroot, else $GITHUB_WORKSPACE, else the git top of near, else the current folder. */
char *vt_source_root(const char *given, const char *near);
/* path relative to root when inside it, else absolute. */
char *vt_relative_path(const char *root, const char *path);

/* Growable array of T: VEC(int) v = {0}; vec_push(&v, 3); free(v.data). */
#define VEC(T) struct { T *data; size_t len, cap; }
#define vec_reserve(v, n)                                                        \
	do {                                                                     \
		if ((v)->len + (n) > (v)->cap) {                                 \
			(v)->cap = (v)->cap ? (v)->cap * 2 : 8;                  \
			while ((v)->cap < (v)->len + (n))                        \
				(v)->cap *= 2;                                   \
			(v)->data = xrealloc((v)->data, (v)->cap * sizeof *(v)->data); \
		}                                                                \
	} while (0)
/* Inserts x at index i, or removes the element at index i, keeping the order. */
#define vec_insert(v, i, x)                                                      \
	do {                                                                     \
		size_t vec_i_ = (i);                                             \
		vec_reserve((v), 1);                                             \
		memmove(&(v)->data[vec_i_ + 1], &(v)->data[vec_i_],              \
			((v)->len - vec_i_) * sizeof *(v)->data);                \
		(v)->data[vec_i_] = (x);                                         \
		(v)->len++;                                                      \
	} while (0)
#define vec_remove(v, i)                                                         \
	do {                                                                     \
		size_t vec_i_ = (i);                                             \
		memmove(&(v)->data[vec_i_], &(v)->data[vec_i_ + 1],              \
			((v)->len - vec_i_ - 1) * sizeof *(v)->data);            \
		(v)->len--;                                                      \
	} while (0)
#define vec_push(v, x)                       \
	do {                                 \
		vec_reserve((v), 1);         \
		(v)->data[(v)->len++] = (x); \
	} while (0)

/* ---- source positions ------------------------------------------------------- */

/* A place in the user's source; file points into the unit's string pool. */
typedef struct vt_loc {
	const char *file;
	unsigned line, col;
} vt_loc;

int vt_loc_cmp(vt_loc a, vt_loc b);

/* ---- rules: one record each (rules/vt00N.c), listed in rules/rules.c ------------ */

enum vt_level { LEVEL_OFF, LEVEL_NOTE, LEVEL_WARNING, LEVEL_ERROR };

/* "off", "note", "warning", "error": the one spelling of each level. */
const char *vt_level_name(int level);
int vt_level_lookup(const char *name); /* -1 when unknown */

enum { VT_MAX_RULES = 31 }; /* room in per-rule arrays and bit masks */

struct vt_rule;
extern const struct vt_rule *const vt_rules[]; /* in id order */
extern const int vt_nrules;
int vt_rule_lookup(const char *id_or_name);    /* index into vt_rules, -1 when unknown */
const char *vt_rule_explanation(int rule);     /* --explain: its document, or its summary */
/* docs/rules/<id>.md embedded at build time (rulehelp.cmake); NULL when there is none. */
const char *vt_rule_help(int rule);

/* ---- config.c: .vtlint.json --------------------------------------------------------- */

struct vt_findings;

typedef VEC(char *) vt_strings;

typedef struct vt_config {
	char *path, *dir;            /* NULL for the defaults */
	int level[VT_MAX_RULES];   /* enum vt_level of each rule */
	vt_strings skip;             /* glob patterns */
	vt_strings consume, inspect, handoff;  /* the project's own wrappers */
} vt_config;

vt_config *vt_config_load(const char *path, struct vt_findings *errs);
vt_config *vt_config_default(void);
char *vt_config_find(const char *source);
bool vt_config_skips(const vt_config *c, const char *file);
void vt_config_free(vt_config *c);

/* ---- findings.c: what a run found ---------------------------------------------- */

/*
 * Ownership: a vt_findings owns everything in it, every string included
 * (files, messages, fingerprints); the functions that add copy what they are
 * given, and vt_finding_free / vt_findings_free release it.  A vt_loc's
 * file is borrowed everywhere else (the CFG's point into the unit's name pool).
 */
typedef struct vt_note {
	vt_loc loc;
	char *message;
} vt_note;

typedef struct vt_finding {
	int rule;            /* index into vt_rules */
	vt_loc loc;
	char *message;
	VEC(vt_note) notes;
	bool suppressed;     /* kept by --show-suppressed despite a NOLINT */
	uint8_t level;       /* enum vt_level: as the configuration sets the rule */
	char *fingerprint;   /* survives lines moving (baseline.c) */
} vt_finding;

typedef struct vt_error {
	char *file;
	unsigned line, col; /* 0 when the error is about the whole file */
	char *message;
} vt_error;

typedef VEC(vt_error) vt_errors;

/* Everything one run found, in a stable order. */
typedef struct vt_findings {
	VEC(vt_finding) items;
	vt_errors errors;
	vt_errors limits;     /* functions analysed with less precision than the rules ask */
} vt_findings;

/* A function where the engine hit a budget (vt_findings.limits): its place and why. */
void vt_add_limit(vt_findings *fs, vt_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Adds copies of loc.file and message; the pointer is valid until the next add. */
vt_finding *vt_add_finding(vt_findings *fs, int rule, vt_loc loc, const char *message);
void vt_add_note(vt_finding *f, vt_loc loc, const char *message);
void vt_add_error(vt_findings *fs, const char *file, unsigned line, unsigned col,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void vt_findings_sort(vt_findings *fs);
void vt_copy_finding(vt_findings *fs, const vt_finding *f, int delta);
/* Frees and removes every finding drop() says so of; returns how many. */
size_t vt_findings_drop(vt_findings *fs, bool (*drop)(vt_finding *f, void *ctx), void *ctx);
void vt_findings_truncate(vt_findings *fs, size_t n);
/* Appends src's findings and errors to dst, which owns them now; src is left empty. */
void vt_findings_move(vt_findings *dst, vt_findings *src);
void vt_finding_free(vt_finding *f);
void vt_findings_free(vt_findings *fs);

/* ---- baseline.c: fingerprints and --baseline ---------------------------------- */

typedef struct vt_baseline vt_baseline;

void vt_fingerprint_all(vt_findings *fs);   /* one file's findings, sorted */
vt_baseline *vt_baseline_load(const char *path, vt_findings *errs);
size_t vt_baseline_filter(vt_baseline *b, vt_findings *fs);
/* The same, files matched by their path relative to srcroot (NULL: vt_source_root's). */
size_t vt_baseline_filter_at(vt_baseline *b, vt_findings *fs, const char *srcroot);
void vt_baseline_free(vt_baseline *b);

/* ---- suppress.c: NOLINT comments ----------------------------------------------- */

/*
 * Applies the NOLINT, NOLINTNEXTLINE and NOLINTBEGIN/END comments of the
 * file opened as path (reported as name) to fs: suppressed findings are
 * dropped, or marked when keep.  An unmatched NOLINTBEGIN or NOLINTEND is
 * an error, as clang-tidy has it.  Returns false when it added errors.
 */
bool vt_suppress(const char *path, const char *name, vt_findings *fs, bool keep);
/* The same over text already in memory (an editor's unsaved buffer). */
bool vt_suppress_text(const char *text, const char *name, vt_findings *fs, bool keep);

/* ---- cfg.c: the control-flow graph of one function ---------------------------- */

enum vt_var_kind {
	VAR_VTASK, /* a local vtask */
	VAR_PARAM, /* a vtask parameter */
	VAR_OUT,   /* *p of a vtask * parameter p */
	VAR_TEMP,  /* an unnamed vtask value inside one full expression */
	VAR_INT,   /* a scalar local or parameter whose tested values are facts */
	VAR_PTR,   /* a vtask * local: names a vtask variable per path (EV_POINT) */
	VAR_SOURCE, /* a vt_source named by a local, a parameter, &local or &param->member */
};

typedef struct vt_var {
	char *name;
	enum vt_var_kind kind;
	vt_loc loc;
	int param; /* parameter index, or -1 */
	int root;  /* VAR_SOURCE `p->m.src`: parameter p's index, or -1 */
	bool escapes; /* VAR_SOURCE: its address is stored where later calls may reach it */
	int birth; /* a parameter's EV_BIRTH (its operation's site), or -1 */
	bool task; /* VAR_PARAM: a vt_task * reference, not a vtask */
	int64_t lo, hi; /* VAR_INT: every value its type holds (a bool: 0..1) */
} vt_var;

enum vt_ev_kind {
	EV_BIRTH,   /* dst holds a new operation made here (by callee) */
	EV_COPY,    /* dst holds src's operation (src may hold none) */
	EV_CLEAR,   /* dst holds no tracked operation */
	EV_CONSUME, /* src's operation is consumed (how) */
	EV_INSPECT, /* src's operation is inspected; dst: int local receiving the answer */
	EV_HANDOFF, /* src's operation is handed to another fiber or thread */
	EV_STORE,   /* a vtask (src, or -1 untracked) is stored into a container */
	EV_ESCAPE,  /* src's operation leaves vtlint's sight: no finding may rest on it */
	EV_CALLREF, /* &src passed to a function whose body we saw (sum, arg) */
	EV_DROP,    /* src leaves scope here */
	EV_FORGET,  /* int local dst changed: what tests told about it is void */
	EV_SETK,    /* int local dst = k, a constant: a fact until it changes */
	EV_CALLRET, /* int local dst = what a seen callee returns on one of its ways out (sum) */
	EV_POINT,   /* vtask * local dst now names vtask variable src (-1: none we follow) */
	EV_SRC_SET,   /* source src completed (vt_source_set_result / set_error) */
	EV_SRC_RESET, /* source src starts its next version (flags 1: vt_source_init; 2: src is
		       * no longer known; 3: neither is any source reached from parameter arg) */
	EV_SRC_TOKEN, /* int local dst holds src's current token */
	EV_SRC_MAKE,  /* dst's operation was made from source src with token local arg (-1) */
	EV_SRC_CALL,  /* source src given to a seen callee: its slot arg's ways out (sum, ret) */
};

enum vt_how {
	HOW_AWAIT, HOW_GET_RESULT, HOW_AS_TASK, /* the runtime's consumers */
	HOW_PASS,   /* passed by value to a function */
	HOW_RETURN, /* returned */
	HOW_OUT,    /* stored through a vtask * parameter */
	HOW_CALLEE, /* consumed by a callee through &x */
};

/*
 * What is known of an operation (EV_BIRTH's flags, then the engine's):
 * completed, only maybe made (a callee stores on some paths), a parameter,
 * the caller's operation behind *p of a vtask * parameter, or a vt_task *
 * reference (tracked the same way: made, released or handed on, lost).
 */
enum { OP_DONE = 1, OP_MAYBE = 2, OP_PARAM = 4, OP_CALLER = 8,
       OP_TASK = 16 /* a vt_task * reference, not a vtask (VT007) */ };

struct vt_summary;

typedef struct vt_event {
	uint8_t kind, how, flags;
	int dst, src;
	int id;                   /* source-ordered number inside the function */
	vt_loc loc;
	const char *what;         /* callee name or container description */
	struct vt_summary *sum;   /* EV_CALLREF, EV_CALLRET */
	int arg;                  /* EV_CALLREF: parameter index */
	int ret;                  /* EV_CALLREF: int variable receiving the result, or -1 */
	int64_t k;                /* EV_SETK */
} vt_event;

enum vt_cond_kind { COND_NONE, COND_CMP, COND_RANGE, COND_NOTIN, COND_DONE };
enum vt_cmp { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE };

/* What taking an edge tells: var OP k, lo <= var <= hi, var not in set, var completed. */
typedef struct vt_cond {
	uint8_t kind, op;
	int var;
	int64_t lo, hi;
	int64_t *set;
	size_t nset;
} vt_cond;

typedef struct vt_edge {
	int to;
	vt_cond cond;
} vt_edge;

typedef struct vt_block {
	VEC(vt_event) ev;
	VEC(vt_edge) succ;
} vt_block;

typedef struct vt_func {
	char *name;
	vt_loc loc;
	vt_loc end;        /* closing brace */
	VEC(vt_var) vars;
	VEC(vt_block) blocks;
	VEC(char *) strs;  /* names events point at (callees) */
	int entry, exit;   /* exit: where every return and the closing brace go */
	int ret;           /* VAR_INT holding the returned scalar on each path, or -1 */
	int nevents;
	bool uses_vtask;   /* any vtask event at all: else nothing to analyse */
} vt_func;

vt_func *cfg_new(const char *name, vt_loc loc);
void cfg_free(vt_func *fn);
int cfg_block(vt_func *fn);
int cfg_var(vt_func *fn, const char *name, enum vt_var_kind kind, vt_loc loc);
const char *cfg_str(vt_func *fn, const char *s);
vt_event *cfg_emit(vt_func *fn, int block, enum vt_ev_kind kind, vt_loc loc);
vt_edge *cfg_edge(vt_func *fn, int from, int to);
void cfg_dump(const vt_func *fn, FILE *out);
const char *cfg_ev_name(enum vt_ev_kind k);

/* ---- summaries (flow.c): what a callee does with its parameters --------------- */

/* One exit path's effect on the operation behind *p (bits, combined per path). */
enum { OUT_CONSUMED = 1, OUT_HANDED = 2, OUT_TOUCHED = 4, OUT_STORED = 8, OUT_ESCAPED = 16 };

typedef struct vt_param_sum {
	bool is_vtask, is_out;
	bool inspect_only;   /* by value: the caller keeps it (a vtask inspected, a
				vt_task * never released, handed on or stored) */
	uint32_t outcomes;   /* by pointer: bit (1 << effect-bits) for each exit path */
} vt_param_sum;

/*
 * One way out of the function for an out-parameter's operation: its effect
 * bits and the values the function returns there (lo..hi less ex; all of
 * them when it returns no scalar or nothing is known).  Paths of param
 * VT_RET_PATHS say only what is returned, for calls given no &x (rules.md:
 * the value a visible callee returns selects its paths).
 */
enum { VT_RET_PATHS = -1 };
typedef struct vt_sum_path {
	int param;
	uint8_t bits;
	int64_t lo, hi;
	size_t nex;
	int64_t *ex;         /* owned */
} vt_sum_path;

/*
 * A vt_source a caller can name through a parameter (VT006): the parameter
 * itself (member ""), a source reached through it (member "->rx" or
 * ".q.src" after the parameter's name), or every such source ("*").  The
 * ways out of slot k are the paths of param VT_SRC_PATHS - k, their bits
 * SRC_FX_*: the version the caller knew ended (a reset; with INIT, by a
 * vt_source_init, so versions started again), or nothing is known any
 * more.  A source in no slot is one the function leaves alone.
 */
typedef struct vt_src_slot {
	int param;
	char *member;
	bool escapes; /* stored where later calls may reach it: the caller's too */
} vt_src_slot;

enum { VT_SRC_PATHS = -2 };
enum { SRC_FX_RESET = 1, SRC_FX_LOST = 2, SRC_FX_INIT = 4 /* the tokens before say nothing */ };

typedef struct vt_summary {
	int nparams;
	vt_param_sum *param;
	VEC(vt_sum_path) paths;
	VEC(vt_src_slot) slots;
} vt_summary;

/* A deep copy; equality of everything a caller's analysis reads. */
vt_summary vt_summary_copy(const vt_summary *s);
bool vt_summary_same(const vt_summary *a, const vt_summary *b);

/* ---- summaries.c: summaries across the files of a project -------------------- */

/*
 * A function defined in another file of the project is followed as one of
 * the unit's own: each unit exports the summaries of its main file's
 * external functions and records what it looked up.  Keys are libclang
 * USRs ("c:@F@name" for an external function).
 */
typedef struct vt_export {
	char *usr;
	vt_summary sum;
} vt_export;

typedef struct vt_lookup {
	char *usr;
	bool found;          /* false: unseen code (no file defines it, or files disagree) */
	vt_summary sum;      /* what the unit was given, when found */
} vt_lookup;

/* What one unit gave to and took from the project's store. */
typedef struct vt_unit_sums {
	VEC(vt_export) exports;
	VEC(vt_lookup) lookups;
} vt_unit_sums;

void vt_unit_sums_free(vt_unit_sums *u);
void vt_unit_sums_copy(vt_unit_sums *dst, const vt_unit_sums *src);
void vt_unit_add_lookup(vt_unit_sums *u, const char *usr, const vt_summary *found);

/* USR -> the one summary the project's files agree on.  Immutable while units read it. */
typedef struct vt_store vt_store;

vt_store *vt_store_new(void);
void vt_store_free(vt_store *s);
/* Adds a definition's summary; two files defining usr differently make it unseen. */
void vt_store_add(vt_store *s, const char *usr, const vt_summary *sum);
/* Sorts for lookups: call once every definition was added. */
void vt_store_seal(vt_store *s);
/* Adds base's functions top (sealed) does not define; top stays sealed. */
void vt_store_overlay(vt_store *top, const vt_store *base);
/* NULL when no file of the project defines usr, or when the files disagree. */
const vt_summary *vt_store_get(const vt_store *s, const char *usr);
size_t vt_store_count(const vt_store *s);
/* Every lookup u made is answered the same by s. */
bool vt_lookups_hold(const vt_unit_sums *u, const vt_store *s);
/* A lookup u made found nothing, but s knows the function: u's exports are guesses. */
bool vt_lookups_missed(const vt_unit_sums *u, const vt_store *s);
/* The summary a recursion starts from: same parameters, every one only inspected. */
vt_summary vt_summary_inspects(const vt_summary *s);
/* The store as versioned JSON (malloc'd), and back (NULL, *why set, when it is not one). */
char *vt_store_to_json(const vt_store *s);
vt_store *vt_store_from_json(const char *text, size_t len, char **why);
/* Written to a temporary file renamed over path; false when it could not be. */
bool vt_store_write(const vt_store *s, const char *path);
/* NULL (*why set: what is wrong) when path cannot be read or is not a store. */
vt_store *vt_store_load(const char *path, char **why);
/* cJSON forms for the cache's entries; the readers free what they made when they fail. */
struct cJSON;
struct cJSON *vt_summary_json(const vt_summary *s);
bool vt_summary_from_json(const struct cJSON *o, vt_summary *s);
struct cJSON *vt_unit_sums_json(const vt_unit_sums *u);
bool vt_unit_sums_from_json(const struct cJSON *o, vt_unit_sums *u);

/* ---- state.c / flow.c: the data-flow engine ------------------------------------ */

enum { ST_LIVE = 1, ST_CONSUMED = 2, ST_HANDED = 4, ST_STORED = 8 };
/* What the engine tells a rule about one operation. */
typedef struct vt_op_view {
	const char *name;   /* the variable that holds it, or NULL */
	const char *maker;  /* the function whose call made it, or NULL */
	int param;          /* the parameter it came in as, or -1 */
	vt_loc born;
	uint8_t status, flags;
	const vt_event *first;  /* the first consumption or hand-off on this path, or NULL */
	bool approx;            /* seen on a state past the budget: report nothing of it */
} vt_op_view;

typedef struct vt_rule_ctx vt_rule_ctx;
typedef void vt_hook(vt_rule_ctx *cx, const vt_op_view *op, const vt_event *ev);

/* A producer's misuse of a vt_source the engine saw on a path (VT006). */
enum vt_source_fault { SRC_TWICE, SRC_OUTSTANDING, SRC_STALE };
typedef struct vt_source_view {
	const char *name;          /* how the function names the source */
	enum vt_source_fault fault;
	const vt_event *earlier;   /* the first completion, the vtask's making, the token's read */
} vt_source_view;

/*
 * What a rule reacts to.  The engine calls each enabled rule's hooks on every
 * event of every path state, before it applies the event; begin and end
 * frame one function's walk (end: what only the whole function can tell).
 */
typedef struct vt_rule_hooks {
	void (*begin)(vt_rule_ctx *cx);
	vt_hook *consume, *inspect, *handoff, *store;
	vt_hook *escape; /* the operation leaves vtlint's sight */
	vt_hook *lost;   /* the last link to a live operation is gone */
	void (*source)(vt_rule_ctx *cx, const vt_source_view *v, const vt_event *ev);
	void (*end)(vt_rule_ctx *cx);
} vt_rule_hooks;

/* A rule: everything about it but its fixtures and its document lives in its file. */
typedef struct vt_rule {
	const char *id;          /* "VT001" */
	const char *name;        /* "double-consume" */
	const char *summary;     /* one sentence: --list-rules, SARIF shortDescription */
	const char *tags[3];     /* SARIF properties.tags */
	enum vt_level level;     /* default level */
	bool tasks;              /* its operation hooks see vt_task * references, not vtasks */
	vt_rule_hooks hooks;
} vt_rule;

/*
 * Rules report through this, from a hook of theirs: one finding per place and
 * rule, its note on the earliest event any path gave.
 */
void vt_report(vt_rule_ctx *cx, vt_loc at, const vt_loc *note_at, const char *note,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* "vtask 'v'", "the vtask returned by 'fetch'" or "parameter 'v'", into buf. */
const char *vt_subject(const vt_op_view *op, char *buf, size_t n);
/* The current rule's own word for this function's walk (begin to end). */
void **vt_rule_data(vt_rule_ctx *cx);
/* What any path of the walk did with parameter i (after the walk: VT_USE_* bits). */
enum { VT_USE_USED = 1, VT_USE_CONSUMED = 2, VT_USE_INSPECTED = 4 };
unsigned vt_param_use(const vt_rule_ctx *cx, int param);

/* What the engine runs; all zero is the default: every rule, default limits. */
typedef struct vt_flow_opts {
	bool disabled[VT_MAX_RULES];
	int max_states;        /* per block before states are joined; 0: VT_MAX_STATES */
} vt_flow_opts;

enum { VT_MAX_STATES = 64 };

/* Runs the function to a fixed point, adds findings, fills *sum when non-NULL. */
void vt_flow_run(const vt_func *fn, const vt_flow_opts *o, vt_findings *out,
		 vt_summary *sum);
/* Frees what runs on this thread kept for the next function (after a unit). */
void vt_flow_release(void);
void vt_summary_free(vt_summary *s);

/* ---- compdb.c: each file's compile command -------------------------------------- */

typedef struct vt_cmd {
	vt_config *config;   /* borrowed: the driver owns configurations */
	char *file;          /* as the user or the database names it: used in reports */
	char *path;          /* what to open */
	char *origin;        /* the database the flags came from, or NULL (none) */
	VEC(char *) args;    /* for libclang: no compiler, no outputs, no source file */
} vt_cmd;

typedef VEC(vt_cmd) vt_cmds;
typedef struct vt_compdb vt_compdb;

vt_compdb *vt_compdb_new(const char *build_path); /* NULL: discover per file */
void vt_compdb_free(vt_compdb *c);
/* From its database (the nearest listed file's flags when unlisted); false: unreadable. */
bool vt_compdb_command(vt_compdb *c, const char *file, vt_cmd *out, vt_findings *errs);
bool vt_compdb_all(vt_compdb *c, vt_cmds *out, vt_findings *errs);
/* Every C file of the database read already whose commands say origin. */
void vt_compdb_all_of(vt_compdb *c, const char *origin, vt_cmds *out);
/* `--`: these arguments for file, no database read. */
void vt_compdb_args(vt_compdb *c, const char *file, char *const *args, int n, vt_cmd *out);
/* Where the notes on dropped options and unlisted files go (default stderr; NULL: nowhere). */
void vt_compdb_notes(vt_compdb *c, FILE *to);
void vt_cmd_free(vt_cmd *c);
/* Whether cmds[from..] has v's file with v's arguments. */
bool vt_cmds_have(const vt_cmds *cmds, size_t from, const vt_cmd *v);

/* ---- frontend.c, session.c: units through libclang ----------------------------- */

typedef struct vt_unit_opts {
	const vt_config *config; /* the wrappers it names count as the runtime's functions */
	const char *const *args; /* compiler arguments */
	int nargs;
	vt_flow_opts flow;
	FILE *dump_cfg;          /* when set, each function's CFG is printed there */
	bool parse_only;         /* benchmarks: parse and report errors, analyse nothing */
	bool headers;            /* also report in functions defined in (non-system) headers */
	vt_strings *includes;    /* when set: every file the unit included, appended */
	const vt_store *store;   /* other files' summaries, or NULL: the unit alone */
	vt_unit_sums *sums;      /* when set: the unit's exports and lookups */
	bool lazy;               /* no other file reads its exports: see vt_run_opts */
} vt_unit_opts;

struct vt_frontend;
struct vt_frontend *vt_frontend_new(void);
void vt_frontend_free(struct vt_frontend *f);
/*
 * Analyses one file (opened as path, reported as name); returns 0, or 2 when
 * it could not be parsed (errors added).
 */
int vt_analyze_file(struct vt_frontend *f, const char *path, const char *name,
		    const vt_unit_opts *o, vt_findings *out);

/*
 * An editor's session (session.c): each open file's unit is kept and
 * reparsed from the unsaved text, reusing its precompiled preamble, so that
 * analysing again after an edit costs a fraction of the first time.
 * Not thread-safe: one session per thread.
 */
typedef struct vt_session vt_session;

vt_session *vt_session_new(void);
int vt_session_analyze(vt_session *s, const char *path, const char *name, const char *text,
		       size_t len, const vt_unit_opts *o, vt_findings *out);
void vt_session_close(vt_session *s, const char *path);
void vt_session_free(vt_session *s);

/* ---- pipeline.c: one file, from its command to its sorted findings ------------- */

/* What the user asked of every file; all zero: the configuration decides everything. */
typedef struct vt_run_opts {
	int8_t rule_override[VT_MAX_RULES]; /* --enable 1, --disable -1, 0: the configuration's */
	bool show_suppressed;               /* keep NOLINT'd findings, marked */
	bool parse_only;                    /* benchmarks: parse and report errors only */
	bool headers;                       /* also findings in headers' functions (the caller filters) */
	FILE *dump_cfg;                     /* --dump-cfg: each function's CFG there */
	vt_strings *includes;               /* when set: every file the unit read (cache.c) */
	const vt_store *store;              /* other files' summaries, or NULL */
	vt_unit_sums *sums;                 /* when set: the unit's exports and lookups */
	/*
	 * No other file reads this one's summaries (a run of one file): a
	 * function that cannot touch a vtask is analysed only when a caller
	 * needs its summary, and is not exported otherwise.
	 */
	bool lazy;
} vt_run_opts;

/* 0, or 2 when the file could not be analysed or its NOLINT comments are unmatched. */
int vt_check_file(struct vt_frontend *f, const vt_cmd *c, const vt_run_opts *o,
		  vt_findings *out);
/* The same over an editor's unsaved text; findings are named by c->path. */
int vt_check_text(vt_session *s, const vt_cmd *c, const char *text, size_t len,
		  const vt_run_opts *o, vt_findings *out);

/* ---- format.c, format_*.c: reports (no libclang in sight) --------------------- */

typedef struct vt_report_opts {
	const char *srcroot;  /* paths relative to it where they are inside; NULL: "." */
	bool color;           /* text: ANSI colours */
	bool show_source;     /* text: the source line and a caret under each place */
} vt_report_opts;

/* Writes the whole report of fs to out; 0, or -1 when it could not be written. */
typedef int vt_formatter(FILE *out, const vt_findings *fs, const vt_report_opts *o);

typedef struct vt_format {
	const char *name;     /* what --format says */
	vt_formatter *write;
} vt_format;

extern const vt_format vt_formats[];     /* ended by { NULL } */
const vt_format *vt_format_lookup(const char *name);
int vt_write_report(FILE *out, const char *text);

vt_formatter vt_format_text, vt_format_json, vt_format_sarif;

/* ---- fingerprint.c: GitHub's primaryLocationLineHash ---------------------------- */

#define VT_LINE_HASH_SIZE 32 /* "hex:N" and its NUL */

typedef struct vt_line_hashes vt_line_hashes;

vt_line_hashes *vt_line_hashes_text(const char *text, size_t len);
vt_line_hashes *vt_line_hashes_file(const char *path); /* NULL when unreadable */
/* Line (from 1)'s hash into buf; false past the end of the file. */
bool vt_line_hashes_get(const vt_line_hashes *h, unsigned line, char buf[VT_LINE_HASH_SIZE]);
size_t vt_line_hashes_count(const vt_line_hashes *h);
void vt_line_hashes_free(vt_line_hashes *h);
/* One line's hash, allocated; NULL when the file cannot be read or is shorter. */
char *vt_line_hash(const char *path, unsigned line);

#endif /* VTLINT_H */
