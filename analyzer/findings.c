/* findings.c: what a run found, kept independent of libclang and of output. */
#include <stdlib.h>
#include <string.h>

#include "vtlint.h"

vt_finding *vt_add_finding(vt_findings *fs, int rule, vt_loc loc, const char *message)
{
	vt_finding f = { .rule = rule, .loc = loc, .message = xstrdup(message),
			 .level = LEVEL_WARNING };

	f.loc.file = xstrdup(loc.file ? loc.file : "");
	vec_push(&fs->items, f);
	return &fs->items.data[fs->items.len - 1];
}

void vt_add_note(vt_finding *f, vt_loc loc, const char *message)
{
	vt_note n = { .loc = loc, .message = xstrdup(message) };

	n.loc.file = xstrdup(loc.file ? loc.file : "");
	vec_push(&f->notes, n);
}

static void add_error(vt_errors *to, const char *file, vt_loc at, const char *fmt, va_list ap)
{
	vt_error e = { .file = xstrdup(file ? file : ""), .line = at.line, .col = at.col };

	if (vasprintf(&e.message, fmt, ap) < 0)
		fatal("out of memory");
	vec_push(to, e);
}

void vt_add_error(vt_findings *fs, const char *file, unsigned line, unsigned col,
		  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_error(&fs->errors, file, (vt_loc){ .line = line, .col = col }, fmt, ap);
	va_end(ap);
}

void vt_add_limit(vt_findings *fs, vt_loc loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_error(&fs->limits, loc.file, loc, fmt, ap);
	va_end(ap);
}

/* A deep copy of f into fs, its places moved by delta lines (a function that moved). */
void vt_copy_finding(vt_findings *fs, const vt_finding *f, int delta)
{
	vt_loc at = f->loc;
	vt_finding *c;

	at.line = (unsigned)((int)at.line + delta);
	c = vt_add_finding(fs, f->rule, at, f->message);
	c->level = f->level;
	c->suppressed = f->suppressed;
	for (size_t i = 0; i < f->notes.len; i++) {
		vt_loc n = f->notes.data[i].loc;

		n.line = (unsigned)((int)n.line + delta);
		vt_add_note(c, n, f->notes.data[i].message);
	}
}

/* Frees the findings past the first n. */
void vt_findings_truncate(vt_findings *fs, size_t n)
{
	for (size_t i = n; i < fs->items.len; i++)
		vt_finding_free(&fs->items.data[i]);
	fs->items.len = n;
}

size_t vt_findings_drop(vt_findings *fs, bool (*drop)(vt_finding *f, void *ctx), void *ctx)
{
	size_t j = 0, n = 0;

	for (size_t i = 0; i < fs->items.len; i++) {
		vt_finding *f = &fs->items.data[i];

		if (drop(f, ctx)) {
			vt_finding_free(f);
			n++;
		} else {
			fs->items.data[j++] = *f;
		}
	}
	fs->items.len = j;
	return n;
}

static int finding_cmp(const void *pa, const void *pb)
{
	const vt_finding *a = pa, *b = pb;
	int c = vt_loc_cmp(a->loc, b->loc);

	return c ? c : a->rule - b->rule;
}

/* Findings are sorted by place within a file; files keep their input order. */
void vt_findings_sort(vt_findings *fs)
{
	if (fs->items.len < 2)
		return;
	qsort(fs->items.data, fs->items.len, sizeof *fs->items.data, finding_cmp);
}

/* Appends src's findings and errors to dst and leaves src empty. */
void vt_findings_move(vt_findings *dst, vt_findings *src)
{
	for (size_t i = 0; i < src->items.len; i++)
		vec_push(&dst->items, src->items.data[i]);
	for (size_t i = 0; i < src->errors.len; i++)
		vec_push(&dst->errors, src->errors.data[i]);
	for (size_t i = 0; i < src->limits.len; i++)
		vec_push(&dst->limits, src->limits.data[i]);
	free(src->items.data);
	free(src->errors.data);
	free(src->limits.data);
	memset(src, 0, sizeof *src);
}

void vt_finding_free(vt_finding *f)
{
	for (size_t j = 0; j < f->notes.len; j++) {
		free((char *)f->notes.data[j].loc.file);
		free(f->notes.data[j].message);
	}
	free(f->notes.data);
	free((char *)f->loc.file);
	free(f->message);
	free(f->fingerprint);
}

void vt_findings_free(vt_findings *fs)
{
	for (size_t i = 0; i < fs->items.len; i++)
		vt_finding_free(&fs->items.data[i]);
	for (size_t i = 0; i < fs->errors.len; i++) {
		free(fs->errors.data[i].file);
		free(fs->errors.data[i].message);
	}
	for (size_t i = 0; i < fs->limits.len; i++) {
		free(fs->limits.data[i].file);
		free(fs->limits.data[i].message);
	}
	free(fs->items.data);
	free(fs->errors.data);
	free(fs->limits.data);
	memset(fs, 0, sizeof *fs);
}
