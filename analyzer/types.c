/*
 * types.c: what a libclang type is to vtlint (a vtask, a vt_task *, a way to
 * a vt_source, a scalar whose tests are facts), answered once per type of
 * the unit.
 *
 * Lowering asks these of nearly every cursor it looks at, and each answer
 * costs libclang a canonical type, a declaration and a spelling; a unit has
 * few distinct types.  So the answers are kept, per thread, in a
 * direct-mapped memo keyed by the type's own bits.  Those bits are pointers
 * into the unit's AST, which a later unit may reuse: vt_types_forget()
 * empties the memo whenever a unit is analysed.
 */
#include <stdlib.h>
#include <string.h>

#include "front.h"

enum ty_bit { TY_VTASK, TY_VTASK_PTR, TY_TASK_PTR, TY_SOURCE, TY_SCALAR, TY_REACHES, TY_RECORD };
enum { TY_MEMO = 1024 };

static __thread struct ty_memo {
	CXType t;
	unsigned char known, is; /* bits of enum ty_bit */
} memo[TY_MEMO];

void vt_types_forget(void)
{
	memset(memo, 0, sizeof memo);
}

static bool same_type(CXType a, CXType b)
{
	return a.kind == b.kind && a.data[0] == b.data[0] && a.data[1] == b.data[1];
}

static struct ty_memo *slot(CXType t)
{
	uintptr_t h = ((uintptr_t)t.data[0] >> 4) * 31 + ((uintptr_t)t.data[1] >> 4) + (unsigned)t.kind;
	struct ty_memo *m = &memo[(h * 0x9E3779B97F4A7C15ULL >> 32) % TY_MEMO];

	if (!same_type(m->t, t))
		*m = (struct ty_memo){ .t = t };
	return m;
}

/* decide(t), asked of libclang once per type; decide may ask again (a pointee). */
static bool ask(CXType t, enum ty_bit b, bool (*decide)(CXType))
{
	struct ty_memo *m = slot(t);
	bool r;

	if (m->known & 1u << b)
		return m->is & 1u << b;
	r = decide(t);
	m = slot(t); /* decide's own questions may have taken the slot */
	m->known |= 1u << b;
	if (r)
		m->is |= 1u << b;
	return r;
}

/* t without its typedefs, and without _Atomic (an `_Atomic vtask` is a vtask). */
static CXType bare(CXType t)
{
	t = clang_getCanonicalType(t);
	return t.kind == CXType_Atomic ? clang_getCanonicalType(clang_Type_getValueType(t)) : t;
}

/* struct NAME whatever the qualifiers and typedefs around it. */
bool vt_struct_named(CXType t, const char *name)
{
	CXCursor d;
	CXString s;
	bool r;

	t = bare(t);
	if (t.kind != CXType_Record)
		return false;
	d = clang_getTypeDeclaration(t);
	s = clang_getCursorSpelling(d);
	r = clang_getCursorKind(d) == CXCursor_StructDecl && strcmp(clang_getCString(s), name) == 0;
	clang_disposeString(s);
	return r;
}

static bool is_vtask(CXType t)
{
	return vt_struct_named(t, "vtask");
}

static bool is_vtask_ptr(CXType t)
{
	t = bare(t);
	return (t.kind == CXType_Pointer && vt_is_vtask_type(clang_getPointeeType(t))) ||
	       (t.kind == CXType_IncompleteArray && vt_is_vtask_type(clang_getArrayElementType(t)));
}

static bool is_task_ptr(CXType t)
{
	t = bare(t);
	return t.kind == CXType_Pointer && vt_struct_named(clang_getPointeeType(t), "vt_task");
}

static bool is_source(CXType t)
{
	t = bare(t);
	if (t.kind == CXType_Pointer)
		t = clang_getCanonicalType(clang_getPointeeType(t));
	return vt_struct_named(t, "vt_source");
}

static bool is_scalar(CXType t)
{
	t = bare(t);
	return (t.kind >= CXType_Bool && t.kind <= CXType_Int128) || t.kind == CXType_Enum ||
	       t.kind == CXType_Pointer;
}

/*
 * The record declarations looked into so far, for the whole query: one with
 * no source in reach is not looked into again by another route, so the walk
 * is linear in the records reachable from the type.  A query that finds no
 * source explored every record it met to the end, so each of them is known
 * to reach none (TY_RECORD) for the rest of the unit; an amalgamation asks
 * of the same few hundred records at every call.
 */
typedef struct reach {
	VEC(CXCursor) seen;
	VEC(CXType) records;
	bool found;
} reach;

static bool reaches(reach *r, CXType t);

static enum CXVisitorResult field_reaches(CXCursor field, CXClientData d)
{
	reach *r = d;

	if (reaches(r, clang_getCursorType(field)))
		r->found = true;
	return r->found ? CXVisit_Break : CXVisit_Continue;
}

/* A vt_source is stored in t, or in what t points to, member after member. */
static bool reaches(reach *r, CXType t)
{
	CXCursor decl;
	struct ty_memo *m;

	t = clang_getCanonicalType(t);
	while (t.kind == CXType_Pointer || t.kind == CXType_ConstantArray)
		t = clang_getCanonicalType(t.kind == CXType_Pointer ? clang_getPointeeType(t)
								    : clang_getArrayElementType(t));
	if (vt_is_source_type(t))
		return true;
	if (t.kind != CXType_Record)
		return false;
	m = slot(t);
	if (m->known & 1u << TY_RECORD)
		return m->is & 1u << TY_RECORD;
	decl = clang_getTypeDeclaration(t);
	for (size_t i = 0; i < r->seen.len; i++)
		if (clang_equalCursors(r->seen.data[i], decl))
			return false;
	vec_push(&r->seen, decl);
	vec_push(&r->records, t);
	clang_Type_visitFields(t, field_reaches, r);
	return r->found;
}

static bool reaches_source(CXType t)
{
	reach r = { 0 };
	bool found;

	t = clang_getCanonicalType(t);
	found = t.kind == CXType_Pointer && reaches(&r, t);
	for (size_t i = 0; !found && i < r.records.len; i++)
		slot(r.records.data[i])->known |= 1u << TY_RECORD;
	free(r.seen.data);
	free(r.records.data);
	return found;
}

bool vt_is_vtask_type(CXType t)
{
	return ask(t, TY_VTASK, is_vtask);
}

bool vt_is_vtask_ptr_type(CXType t)
{
	return ask(t, TY_VTASK_PTR, is_vtask_ptr);
}

bool vt_is_task_ptr_type(CXType t)
{
	return ask(t, TY_TASK_PTR, is_task_ptr);
}

bool vt_is_source_type(CXType t)
{
	return ask(t, TY_SOURCE, is_source);
}

bool vt_is_scalar_type(CXType t)
{
	return ask(t, TY_SCALAR, is_scalar);
}

/* A pointer through which some vt_source is reached (a `struct conn *`, a `vt_source *`). */
bool vt_reaches_source(CXType t)
{
	return ask(t, TY_REACHES, reaches_source);
}

/* A vtask, a vtask *, a vt_task * or a way to a vt_source among fn's parameters. */
bool vt_takes_vtasks(CXCursor fn)
{
	int n = clang_Cursor_getNumArguments(fn);

	for (int i = 0; i < n; i++) {
		CXType t = clang_getCursorType(clang_Cursor_getArgument(fn, i));

		if (vt_is_vtask_type(t) || vt_is_vtask_ptr_type(t) || vt_is_task_ptr_type(t) ||
		    vt_reaches_source(t))
			return true;
	}
	return false;
}
