/*
 * check_source.c: VT006, a vt_source misused by its producer.
 *
 * Checked mode keeps, beside each source the program completes or resets
 * through <vtask.h>'s macros, where its current version was completed,
 * where it was last reset, and the identities of the vtasks issued for the
 * current version (vtask_from_source with the current token).  The record
 * is found by the source's address (vt_source is the caller's memory, and
 * its layout has no room to spare); vt_source_init starts it afresh, so a
 * source embedded in memory that is freed and reused at the same address
 * starts clean.  Records are as many as the addresses ever used as sources.
 */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>

struct issued {
	uint32_t id;
	uint8_t gen;
};

struct srec {
	const char *cop, *cfile;     /* the current version's completion */
	int cline;
	const char *rfile;           /* the last reset (NULL: none since init) */
	int rline;
	struct issued *v;            /* vtasks issued for the current version */
	size_t n, cap;
};

static struct vt__pmap sources;  /* vt_source * -> struct srec * */

/* Under the lock. */
static struct srec *srec_get(vt_source *src)
{
	uint64_t *slot = vt__pmap_slot(&sources, src);

	if (slot && !*slot)
		*slot = (uint64_t)(uintptr_t)calloc(1, sizeof(struct srec));
	return slot ? (struct srec *)(uintptr_t)*slot : NULL;
}

void vt__check_source_init(vt_source *src)
{
	struct srec *sr;

	pthread_mutex_lock(&vt__check_lock);
	sr = srec_get(src);
	if (sr) {
		free(sr->v);
		*sr = (struct srec){ 0 };
	}
	pthread_mutex_unlock(&vt__check_lock);
}

/* Under the lock: drops issued vtasks that are consumed by now, so that the
 * list of a source that is never reset stays short. */
static void prune(struct srec *sr)
{
	size_t k = 0;
	const char *f;
	int l;

	for (size_t i = 0; i < sr->n; i++)
		if (vt__check_outstanding(sr->v[i].id, sr->v[i].gen, &f, &l))
			sr->v[k++] = sr->v[i];
	sr->n = k;
}

/* Under the lock. */
static void remember(struct srec *sr, vtask vt)
{
	prune(sr);
	if (sr->n == sr->cap) {
		size_t cap = sr->cap ? sr->cap * 2 : 2;
		struct issued *v = realloc(sr->v, cap * sizeof *v);

		if (!v)
			return;
		sr->v = v;
		sr->cap = cap;
	}
	sr->v[sr->n++] = (struct issued){ vt.vt__id, vt.vt__gen };
}

/* A vtask for a version that is not the current one is misuse on the
 * producer's side: it is reported here, and the vtask (which every use
 * refuses) draws no VT005 as well. */
vtask vt__check_source_issue(vtask vt, const char *file, int line)
{
	vt_source *src = vt.vt__u.src;
	char msg[VT__MSG_MAX];
	struct srec *sr;
	bool bad;

	pthread_mutex_lock(&vt__check_lock);
	sr = srec_get(src);
	bad = vt.vt__token != src->vt__token;
	if (bad && sr && sr->rfile)
		snprintf(msg, sizeof msg, "vtask_from_source: token %u is not the source's "
			 "current token %u (it changed at the vt_source_reset at %s:%d)",
			 vt.vt__token, src->vt__token, vt__check_fname(sr->rfile), sr->rline);
	else if (bad)
		snprintf(msg, sizeof msg, "vtask_from_source: token %u is not the source's "
			 "current token %u", vt.vt__token, src->vt__token);
	if (bad)
		vt__check_exempt(vt.vt__id, vt.vt__gen);
	else if (sr)
		remember(sr, vt);
	pthread_mutex_unlock(&vt__check_lock);
	if (bad)
		vt__check_report("VT006", file, line, msg);
	return vt;
}

void vt__check_source_settle(vt_source *src, const char *op, const char *file, int line)
{
	char msg[VT__MSG_MAX];
	struct srec *sr;
	bool bad;

	pthread_mutex_lock(&vt__check_lock);
	sr = srec_get(src);
	bad = src->vt__state != VT__S_PENDING;
	if (bad && sr && sr->cfile)
		snprintf(msg, sizeof msg, "%s: the source's current version was already "
			 "completed at %s:%d (by %s), with no vt_source_reset since",
			 op, vt__check_fname(sr->cfile), sr->cline, sr->cop);
	else if (bad)
		snprintf(msg, sizeof msg, "%s: the source's current version was already "
			 "completed, with no vt_source_reset since", op);
	if (!bad && sr) {
		sr->cop = op;
		sr->cfile = file;
		sr->cline = line;
	}
	pthread_mutex_unlock(&vt__check_lock);
	if (bad)
		vt__check_report("VT006", file, line, msg);
}

void vt__check_source_reset(vt_source *src, const char *file, int line)
{
	char msg[VT__MSG_MAX];
	struct srec *sr;
	bool bad = false;

	pthread_mutex_lock(&vt__check_lock);
	sr = srec_get(src);
	for (size_t i = 0; sr && i < sr->n && !bad; i++) {
		const char *mf;
		int ml;

		bad = vt__check_outstanding(sr->v[i].id, sr->v[i].gen, &mf, &ml);
		if (bad)
			snprintf(msg, sizeof msg, "vt_source_reset: vtask made at %s:%d (by "
				 "vtask_from_source) for the current version is neither "
				 "consumed nor refused", vt__check_fname(mf), ml);
	}
	if (sr) {
		sr->n = 0;
		sr->cop = sr->cfile = NULL;
		sr->rfile = file;
		sr->rline = line;
	}
	pthread_mutex_unlock(&vt__check_lock);
	if (bad)
		vt__check_report("VT006", file, line, msg);
}

/* Under the lock: the table holds sources' addresses, which are often the
 * start of the program's own objects. */
void vt__check_source_ignore(struct vt__scan_set *set)
{
	vt__scan_set_ignore(set, sources.keys);
	vt__scan_set_ignore(set, sources.vals);
}
