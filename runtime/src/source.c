/*
 * source.c: vt_source, a reusable completion completed once per version.
 *
 * The source keeps at most one waiter per version.  Consuming a version
 * (in vtask.c) marks it consumed and then runs on_consumed, which is where
 * a pool takes the source back.
 *
 * The producer's calls made through <vtask.h>'s macros come in through the
 * vt__*_at twins at the end, which let checked mode look at them first
 * (VT006).  The library's own sources (timers, fds) use the plain names.
 */
#include "vt_internal.h"

#include <string.h>

void vt_source_init(vt_source *src, void (*on_consumed)(vt_source *src, void *ctx),
		    void *ctx)
{
	memset(src, 0, sizeof *src);
	src->vt__on_consumed = on_consumed;
	src->vt__ctx = ctx;
	if (VT__UNLIKELY(vt__checking))
		vt__check_source_init(src);
}

uint16_t vt_source_token(const vt_source *src)
{
	return src->vt__token;
}

/* Waiters on a loop's timers and fds keep that loop running. */
void vt__src_set_waiter(vt_source *src, struct vt__wait *w)
{
	src->vt__waiter = w;
	if (src->vt__flags & VT__SRC_IO)
		vt__io_waiters_add(src, 1);
}

struct vt__wait *vt__src_take_waiter(vt_source *src)
{
	struct vt__wait *w = src->vt__waiter;

	if (w) {
		src->vt__waiter = NULL;
		if (src->vt__flags & VT__SRC_IO)
			vt__io_waiters_add(src, -1);
	}
	return w;
}

/* A version completes once: later completions of it are ignored. */
static void source_settle(vt_source *src, void *value, int err)
{
	struct vt__wait *w;

	if (src->vt__state != VT__S_PENDING)
		return;
	src->vt__value = value;
	src->vt__err = err;
	src->vt__state = VT__S_DONE;
	w = vt__src_take_waiter(src);
	if (w)
		vt__wait_fire(w);
}

void vt_source_set_result(vt_source *src, void *value)
{
	source_settle(src, value, 0);
}

void vt_source_set_error(vt_source *src, int err)
{
	source_settle(src, NULL, err);
}

/*
 * A waiter of the old version is woken rather than left hanging: it sees
 * the token moved on and returns VT_EMISUSE.
 */
void vt_source_reset(vt_source *src)
{
	struct vt__wait *w = vt__src_take_waiter(src);

	src->vt__token++;
	src->vt__state = VT__S_PENDING;
	src->vt__value = NULL;
	src->vt__err = 0;
	if (w)
		vt__wait_fire(w);
}

/* ---- located twins: checked mode sees the producer's call first ---- */

void vt__source_set_result_at(vt_source *src, void *value, const char *file, int line)
{
	if (VT__UNLIKELY(vt__checking))
		vt__check_source_settle(src, "vt_source_set_result", file, line);
	vt_source_set_result(src, value);
}

void vt__source_set_error_at(vt_source *src, int err, const char *file, int line)
{
	if (VT__UNLIKELY(vt__checking))
		vt__check_source_settle(src, "vt_source_set_error", file, line);
	vt_source_set_error(src, err);
}

void vt__source_reset_at(vt_source *src, const char *file, int line)
{
	if (VT__UNLIKELY(vt__checking))
		vt__check_source_reset(src, file, line);
	vt_source_reset(src);
}
