/*
 * vtask.c: making, inspecting and consuming vtasks.
 *
 * Each public operation has a vt__*_at twin that takes the caller's file
 * and line (the header's macros call those).  The fast path of a vtask made
 * outside checked mode is one test of vt__id; everything checked mode does
 * lives behind that test.
 */
#include "vt_internal.h"

#include <errno.h>
#include <stdlib.h>

/*
 * VTASK_COMPLETED is every byte zero, and must mean exactly one thing: an
 * immediate NULL (kind 0) that checked mode does not track (identity 0).
 * With no padding, `vtask v = {0};` cannot differ from it.
 */
_Static_assert(VT__K_VALUE == 0, "kind 0 must be an immediate value");
_Static_assert(sizeof(vtask) == offsetof(vtask, vt__u) + sizeof(void *) &&
		       offsetof(vtask, vt__u) == 2 * sizeof(uint8_t) + sizeof(uint16_t) +
						    sizeof(uint32_t),
	       "vtask must have no padding");

/* ---- making ---- */

static vtask track(vtask vt, const char *op, const char *file, int line)
{
	if (VT__UNLIKELY(vt__checking))
		vt = vt__check_track(vt, op, file, line);
	return vt;
}

vtask vt__mk_value(void *value, const char *op, const char *file, int line)
{
	vtask vt = { .vt__kind = VT__K_VALUE, .vt__u.value = value };

	return track(vt, op, file, line);
}

/* An error of 0 is no error: the vtask completes with a NULL result. */
vtask vt__mk_error(int err, const char *op, const char *file, int line)
{
	vtask vt = { .vt__kind = err ? VT__K_ERROR : VT__K_VALUE, .vt__u.err = err };

	return track(vt, op, file, line);
}

vtask vt__mk_source(vt_source *src, uint16_t token, const char *op, const char *file,
		    int line)
{
	vtask vt = { .vt__kind = VT__K_SOURCE, .vt__token = token, .vt__u.src = src };

	return track(vt, op, file, line);
}

vtask vt__from_result_at(void *value, const char *file, int line)
{
	return vt__mk_value(value, "vtask_from_result", file, line);
}

vtask vt__from_error_at(int err, const char *file, int line)
{
	return vt__mk_error(err, "vtask_from_error", file, line);
}

/* The reference moves into the vtask: from here on VT005 watches it, not
 * VT007. */
vtask vt__from_task_at(vt_task *task, const char *file, int line)
{
	vtask vt = { .vt__kind = VT__K_TASK, .vt__u.task = task };

	if (!task)
		return vt__mk_error(EINVAL, "vtask_from_task", file, line);
	if (VT__UNLIKELY(vt__checking))
		vt__check_ref_dropped(task);
	vt.vt__token = vt__task_claim_ticket(task);
	return track(vt, "vtask_from_task", file, line);
}

vtask vt__from_source_at(vt_source *src, uint16_t token, const char *file, int line)
{
	vtask vt;

	if (!src)
		return vt__mk_error(EINVAL, "vtask_from_source", file, line);
	vt = vt__mk_source(src, token, "vtask_from_source", file, line);
	if (VT__UNLIKELY(vt.vt__id))
		vt = vt__check_source_issue(vt, file, line);
	return vt;
}

/* ---- inspecting ---- */

static bool source_live(vtask vt)
{
	return vt.vt__token == vt.vt__u.src->vt__token &&
	       vt.vt__u.src->vt__state != VT__S_CONSUMED;
}

/* Completed (either way) and still consumable. */
bool vt__raw_done(vtask vt)
{
	switch (vt.vt__kind) {
	case VT__K_VALUE:
	case VT__K_ERROR:
		return true;
	case VT__K_TASK:
		return vt__task_ticket_valid(vt.vt__u.task, vt.vt__token) &&
		       vt.vt__u.task->done;
	case VT__K_SOURCE:
		return source_live(vt) && vt.vt__u.src->vt__state == VT__S_DONE;
	}
	return false;
}

static int raw_err(vtask vt)
{
	switch (vt.vt__kind) {
	case VT__K_ERROR:
		return (int)vt.vt__u.err;
	case VT__K_TASK:
		return vt.vt__u.task->err;
	case VT__K_SOURCE:
		return vt.vt__u.src->vt__err;
	default:
		return 0;
	}
}

bool vt__is_completed_at(vtask vt, const char *file, int line)
{
	if (VT__UNLIKELY(vt.vt__id) &&
	    !vt__check_inspect(vt, "vtask_is_completed", file, line))
		return false;
	return vt__raw_done(vt);
}

bool vt__is_completed_successfully_at(vtask vt, const char *file, int line)
{
	if (VT__UNLIKELY(vt.vt__id) &&
	    !vt__check_inspect(vt, "vtask_is_completed_successfully", file, line))
		return false;
	return vt__raw_done(vt) && raw_err(vt) == 0;
}

/* ---- consuming ---- */

/* Take a completed version's result, then hand the source back. */
static int source_take(vt_source *src, void **result)
{
	void *value = src->vt__value;
	int err = src->vt__err;

	src->vt__state = VT__S_CONSUMED;
	if (!err && result)
		*result = value;
	if (src->vt__on_consumed)
		src->vt__on_consumed(src, src->vt__ctx);
	return err;
}

static int source_await(vtask vt, void **result)
{
	vt_source *src = vt.vt__u.src;

	if (!source_live(vt))
		return VT_EMISUSE;
	if (src->vt__state == VT__S_PENDING) {
		struct vt__wait w = { .fiber = vt__self() };

		if (!w.fiber || src->vt__waiter)
			return VT_EMISUSE;
		vt__src_set_waiter(src, &w);
		vt__block(&w, src, NULL);
		/* Woken by a reset (stale) or by completion. */
		if (vt.vt__token != src->vt__token || src->vt__state != VT__S_DONE)
			return VT_EMISUSE;
	}
	return source_take(src, result);
}

static int task_await(vtask vt, void **result)
{
	vt_task *t = vt.vt__u.task;
	int err;

	if (!vt__task_ticket_valid(t, vt.vt__token))
		return VT_EMISUSE;
	if (!t->done && !vt__self())
		return VT_EMISUSE;
	if (!vt__task_use_ticket(t, vt.vt__token))
		return VT_EMISUSE;
	err = vt_task_await(t, result);
	vt_task_release(t);
	return err;
}

static int raw_await(vtask vt, void **result)
{
	switch (vt.vt__kind) {
	case VT__K_VALUE:
		if (result)
			*result = vt.vt__u.value;
		return 0;
	case VT__K_ERROR:
		return (int)vt.vt__u.err;
	case VT__K_TASK:
		return task_await(vt, result);
	case VT__K_SOURCE:
		return source_await(vt, result);
	}
	return VT_EMISUSE;
}

int vt__await_at(vtask vt, void **result, const char *file, int line)
{
	int err;

	/* The common case first: an immediate result outside checked mode. */
	if (__builtin_expect(vt.vt__kind == VT__K_VALUE && vt.vt__id == 0, 1)) {
		if (result)
			*result = vt.vt__u.value;
		return 0;
	}
	if (!VT__UNLIKELY(vt.vt__id))
		return raw_await(vt, result);
	err = vt__check_consume(vt, VT__USE_AWAIT, file, line);
	if (err)
		return err;
	err = raw_await(vt, result);
	vt__check_wait_end(vt);
	return err;
}

/* get_result never blocks: on anything incomplete it is misuse. */
int vt__get_result_at(vtask vt, void **result, const char *file, int line)
{
	if (VT__UNLIKELY(vt.vt__id)) {
		int err = vt__check_consume(vt, VT__USE_GET, file, line);

		if (err)
			return err;
	}
	if (!vt__raw_done(vt))
		return VT_EMISUSE;
	return raw_await(vt, result);
}

/* ---- as_task ---- */

/* Bridges a pending source version to a heap task. */
struct bridge {
	struct vt__wait w;
	vt_source *src;
	uint16_t token;
	vt_task *task;
};

static void bridge_fire(struct vt__wait *w)
{
	struct bridge *b = VT__CONTAINER(w, struct bridge, w);
	vt_source *src = b->src;
	void *value = NULL;
	int err;

	if (src->vt__token != b->token)
		err = VT_EMISUSE;               /* reset under us */
	else if (src->vt__state != VT__S_DONE)
		err = ECANCELED;                /* its loop went away */
	else
		err = source_take(src, &value);
	if (err)
		vt_task_fail(b->task, err);
	else
		vt_task_complete(b->task, value);
	vt_task_release(b->task);
	free(b);
}

static vt_task *source_as_task(vtask vt)
{
	vt_source *src = vt.vt__u.src;
	struct bridge *b;
	vt_task *t;

	if (!source_live(vt) || (src->vt__state == VT__S_PENDING && src->vt__waiter))
		return vt_task_from_error(VT_EMISUSE);
	if (src->vt__state == VT__S_DONE) {
		void *value = NULL;
		int err = source_take(src, &value);

		return err ? vt_task_from_error(err) : vt_task_from_result(value);
	}
	b = malloc(sizeof *b);
	t = vt_task_new();
	if (!b || !t) {
		free(b);
		vt_task_release(t);
		return NULL;
	}
	*b = (struct bridge){ .w = { .cb = bridge_fire }, .src = src,
			      .token = vt.vt__token, .task = vt_task_retain(t) };
	vt__src_set_waiter(src, &b->w);
	return t;
}

static vt_task *raw_as_task(vtask vt)
{
	switch (vt.vt__kind) {
	case VT__K_VALUE:
		return vt_task_from_result(vt.vt__u.value);
	case VT__K_ERROR:
		return vt_task_from_error((int)vt.vt__u.err);
	case VT__K_TASK:
		if (!vt__task_use_ticket(vt.vt__u.task, vt.vt__token))
			return vt_task_from_error(VT_EMISUSE);
		return vt.vt__u.task;
	case VT__K_SOURCE:
		return source_as_task(vt);
	}
	return vt_task_from_error(VT_EMISUSE);
}

/* Misuse yields a task failed with VT_EMISUSE, never NULL (NULL: no memory).
 * Either way the caller holds a reference, which VT007 follows. */
vt_task *vt__as_task_at(vtask vt, const char *file, int line)
{
	vt_task *t;

	if (VT__UNLIKELY(vt.vt__id) && vt__check_consume(vt, VT__USE_AS_TASK, file, line))
		t = vt_task_from_error(VT_EMISUSE);
	else
		t = raw_as_task(vt);
	if (VT__UNLIKELY(vt__checking) && t)
		vt__check_ref_made(t, "vtask_as_task", file, line);
	return t;
}

/* ---- the plain names, for function pointers and other languages ---- */

vtask vtask_from_result(void *value) { return vt__from_result_at(value, NULL, 0); }
vtask vtask_from_error(int err) { return vt__from_error_at(err, NULL, 0); }
vtask vtask_from_task(vt_task *task) { return vt__from_task_at(task, NULL, 0); }
vtask vtask_from_source(vt_source *src, uint16_t token)
{
	return vt__from_source_at(src, token, NULL, 0);
}
bool vtask_is_completed(vtask vt) { return vt__is_completed_at(vt, NULL, 0); }
bool vtask_is_completed_successfully(vtask vt)
{
	return vt__is_completed_successfully_at(vt, NULL, 0);
}
int vtask_await(vtask vt, void **result) { return vt__await_at(vt, result, NULL, 0); }
int vtask_get_result(vtask vt, void **result)
{
	return vt__get_result_at(vt, result, NULL, 0);
}
vt_task *vtask_as_task(vtask vt) { return vt__as_task_at(vt, NULL, 0); }
