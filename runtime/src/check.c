/*
 * check.c: checked mode, the dynamic oracle.
 *
 * Every vtask made while checking is on gets an identity (vt__id, shared by
 * every copy, with the record's generation in vt__gen) naming a record:
 * where and by what it was made, where it was first consumed, and whether a
 * fiber is waiting in that consumption.  Records live in chunks that never
 * move, behind one lock (vtasks may be handed to other threads).
 *
 * A consumed record must still be recognised when the vtask is consumed
 * again, but a server runs forever: so a record, once its consumption is
 * over, goes through a quarantine of QUARANTINE records (first in, first
 * out, like ASan's for freed memory) and is then recycled under the next
 * generation.  Memory stays flat over any number of operations; a second
 * consumption within the last QUARANTINE consumptions is reported with
 * where the vtask was made and first consumed, an older one (the identity's
 * generation no longer matches) still as VT001, with a shorter sentence.
 */
#include "check.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK 4096u
#define QUARANTINE 65536u
#define MSG_MAX VT__MSG_MAX

struct rec {
	const char *op, *file;       /* the making call */
	int line;
	const char *cop, *cfile;     /* the first consumption */
	int cline;
	struct vt__fiber *fiber;     /* the fiber waiting in that consumption */
	uint32_t next_free;
	uint8_t gen;
	uint8_t used;                /* made and not yet recycled */
	uint8_t consumed;
	uint8_t waiting;             /* a fiber is suspended in that consumption */
	uint8_t exempt;              /* reported when made: no VT005 */
};

bool vt__checking;
pthread_mutex_t vt__check_lock = PTHREAD_MUTEX_INITIALIZER;
#define lock vt__check_lock
static bool abort_mode;
static struct rec **chunks;
static size_t nchunks;
static uint32_t next_id = 1;     /* never used yet */
static uint32_t free_head;       /* recycled records, 0: none */
static uint32_t *quar;           /* ring of consumed records */
static size_t qhead, qlen;
static struct vt__pmap waiters;  /* waiting fiber -> its record's id */
static atomic_size_t misuses;
static vt_misuse_fn handler;
static void *handler_ctx;

const char *vt__check_fname(const char *file)
{
	return file ? file : "(unknown)";
}
#define fname vt__check_fname

/* Under the lock: the record of `id`, whatever its generation. */
static struct rec *rec_at(uint32_t id)
{
	size_t c = id / CHUNK;

	if (id == 0 || c >= nchunks || !chunks[c])
		return NULL;
	return &chunks[c][id % CHUNK];
}

/* Under the lock: the live record that vt names.  *stale says that vt had
 * one that has since been recycled (so it was consumed long ago). */
static struct rec *rec_get(vtask vt, bool *stale)
{
	struct rec *r = rec_at(vt.vt__id);

	*stale = false;
	if (!r || (r->used && r->gen == vt.vt__gen))
		return r;
	*stale = true;
	return NULL;
}

/* Under the lock: room for record `id`. */
static bool rec_room(uint32_t id)
{
	size_t c = id / CHUNK;

	if (c >= nchunks) {
		size_t n = nchunks ? nchunks * 2 : 16;
		struct rec **p;

		while (n <= c)
			n *= 2;
		p = realloc(chunks, n * sizeof *p);
		if (!p)
			return false;
		memset(p + nchunks, 0, (n - nchunks) * sizeof *p);
		chunks = p;
		nchunks = n;
	}
	if (!chunks[c])
		chunks[c] = calloc(CHUNK, sizeof(struct rec));
	return chunks[c] != NULL;
}

/* Under the lock: a fresh record's id (0 when out of memory or ids). */
static uint32_t rec_alloc(void)
{
	uint32_t id = free_head;

	if (id) {
		free_head = rec_at(id)->next_free;
		return id;
	}
	if (next_id == 0 || !rec_room(next_id))
		return 0;
	return next_id++;
}

/* Under the lock: the consumption of r is over.  It waits in the
 * quarantine; the oldest one there is recycled under a new generation. */
static void rec_retire(uint32_t id)
{
	if (!quar && !(quar = malloc(QUARANTINE * sizeof *quar)))
		return;                  /* no memory: keep the record for ever */
	if (qlen == QUARANTINE) {
		uint32_t old = quar[qhead];
		struct rec *o = rec_at(old);

		o->used = 0;
		o->gen++;
		o->next_free = free_head;
		free_head = old;
		qhead = (qhead + 1) % QUARANTINE;
		qlen--;
	}
	quar[(qhead + qlen++) % QUARANTINE] = id;
}

vtask vt__check_track(vtask vt, const char *op, const char *file, int line)
{
	uint32_t id;

	pthread_mutex_lock(&lock);
	id = rec_alloc();
	if (id) {
		struct rec *r = rec_at(id);

		*r = (struct rec){ .op = op, .file = file, .line = line, .gen = r->gen,
				   .used = 1 };
		vt.vt__id = id;
		vt.vt__gen = r->gen;
	}
	pthread_mutex_unlock(&lock);
	return vt;
}

bool vt__check_outstanding(uint32_t id, uint8_t gen, const char **file, int *line)
{
	struct rec *r = rec_at(id);

	if (!r || !r->used || r->gen != gen || r->consumed)
		return false;
	*file = r->file;
	*line = r->line;
	return true;
}

void vt__check_exempt(uint32_t id, uint8_t gen)
{
	struct rec *r = rec_at(id);

	if (r && r->used && r->gen == gen)
		r->exempt = 1;
}

/* Outside the lock, so that a handler may use vtasks itself. */
void vt__check_report(const char *rule, const char *file, int line, const char *msg)
{
	vt_misuse_fn fn = handler;

	atomic_fetch_add(&misuses, 1);
	if (fn)
		fn(rule, fname(file), line, msg, handler_ctx);
	else
		fprintf(stderr, "vtask: misuse %s at %s:%d: %s\n", rule, fname(file), line,
			msg);
	if (abort_mode) {
		fflush(NULL);
		abort();
	}
}
#define report vt__check_report

static const char *use_name(enum vt__use use)
{
	switch (use) {
	case VT__USE_AWAIT: return "vtask_await";
	case VT__USE_GET: return "vtask_get_result";
	case VT__USE_AS_TASK: return "vtask_as_task";
	default: return "vtask_is_completed";
	}
}

static void say_consumed(char *msg, const char *op, const struct rec *r)
{
	if (!r) {
		snprintf(msg, MSG_MAX, "%s: vtask was already consumed (long ago: its "
			 "record has been recycled)", op);
		return;
	}
	snprintf(msg, MSG_MAX, "%s: vtask made at %s:%d was already consumed at %s:%d (by %s)",
		 op, fname(r->file), r->line, fname(r->cfile), r->cline, r->cop);
}

/* Under the lock: a second consumption (r NULL: of a recycled record).
 * Returns its rule. */
static const char *again(struct rec *r, enum vt__use use, char *msg)
{
	if (r && use == VT__USE_AWAIT && r->waiting) {
		snprintf(msg, MSG_MAX,
			 "vtask_await: vtask made at %s:%d is already awaited by another "
			 "fiber (since %s:%d)",
			 fname(r->file), r->line, fname(r->cfile), r->cline);
		return "VT002";
	}
	say_consumed(msg, use_name(use), r);
	return "VT001";
}

/* Under the lock: the fiber waits in r's consumption until wait_end or
 * until vt_loop_free cancels it. */
static void wait_begin(struct rec *r, uint32_t id)
{
	uint64_t *slot = vt__pmap_slot(&waiters, vt__self());

	r->waiting = 1;
	r->fiber = vt__self();
	if (slot)
		*slot = id;
}

/* Under the lock: a first consumption.  Returns a rule when it is misuse. */
static const char *first(struct rec *r, uint32_t id, vtask vt, enum vt__use use, char *msg)
{
	bool done = vt__raw_done(vt);

	r->consumed = 1;
	r->cop = use_name(use);
	if (!done && use == VT__USE_GET) {
		snprintf(msg, MSG_MAX, "vtask_get_result: vtask made at %s:%d has not completed",
			 fname(r->file), r->line);
		return "VT003";
	}
	if (!done && use == VT__USE_AWAIT && vt.vt__kind == VT__K_SOURCE &&
	    vt.vt__token == vt.vt__u.src->vt__token && vt.vt__u.src->vt__waiter) {
		/* Another vtask of the same source version is being awaited. */
		snprintf(msg, MSG_MAX,
			 "vtask_await: the operation of the vtask made at %s:%d already has "
			 "a waiting fiber",
			 fname(r->file), r->line);
		return "VT002";
	}
	if (!done && use == VT__USE_AWAIT && vt__self())
		wait_begin(r, id);
	return NULL;
}

int vt__check_consume(vtask vt, enum vt__use use, const char *file, int line)
{
	char msg[MSG_MAX];
	const char *rule = NULL;
	bool stale;
	struct rec *r;

	pthread_mutex_lock(&lock);
	r = rec_get(vt, &stale);
	if (stale || (r && r->consumed)) {
		rule = again(r, use, msg);
	} else if (r) {
		r->cfile = file;
		r->cline = line;
		rule = first(r, vt.vt__id, vt, use, msg);
		if (!r->waiting)
			rec_retire(vt.vt__id);
	}
	pthread_mutex_unlock(&lock);
	if (!rule)
		return 0;
	report(rule, file, line, msg);
	return VT_EMISUSE;
}

/* Under the lock: r's waiting consumption is over (its fiber woke, or was
 * freed with its loop): later consumptions are VT001, never VT002. */
static void wait_over(struct rec *r, uint32_t id)
{
	vt__pmap_del(&waiters, r->fiber, NULL);
	r->waiting = 0;
	r->fiber = NULL;
	rec_retire(id);
}

void vt__check_wait_end(vtask vt)
{
	bool stale;
	struct rec *r;

	pthread_mutex_lock(&lock);
	r = rec_get(vt, &stale);
	if (r && r->waiting)
		wait_over(r, vt.vt__id);
	pthread_mutex_unlock(&lock);
}

void vt__check_fiber_cancelled(struct vt__fiber *f)
{
	uint64_t id;

	pthread_mutex_lock(&lock);
	if (vt__pmap_del(&waiters, f, &id)) {
		struct rec *r = rec_at((uint32_t)id);

		if (r && r->waiting && r->fiber == f)
			wait_over(r, (uint32_t)id);
	}
	pthread_mutex_unlock(&lock);
}

bool vt__check_inspect(vtask vt, const char *op, const char *file, int line)
{
	char msg[MSG_MAX];
	bool bad = false, stale;
	struct rec *r;

	pthread_mutex_lock(&lock);
	r = rec_get(vt, &stale);
	if (stale || (r && r->consumed)) {
		say_consumed(msg, op, r);
		bad = true;
	}
	pthread_mutex_unlock(&lock);
	if (bad)
		report("VT001", file, line, msg);
	return !bad;
}

/* ---- public ---- */

void vt_check_enable(bool on)
{
	vt__checking = on;
}

bool vt_check_enabled(void)
{
	return vt__checking;
}

size_t vt_misuse_count(void)
{
	return atomic_load(&misuses);
}

void vt_set_misuse_handler(vt_misuse_fn fn, void *ctx)
{
	pthread_mutex_lock(&lock);
	handler = fn;
	handler_ctx = ctx;
	pthread_mutex_unlock(&lock);
}

/* ---- at exit ---- */

/* Finds the next unconsumed record from *id on and copies it out. */
static bool next_leak(uint32_t *id, struct rec *out)
{
	bool found = false;

	pthread_mutex_lock(&lock);
	for (; *id < next_id && !found; (*id)++) {
		struct rec *r = rec_at(*id);

		if (r && r->used && !r->consumed && !r->exempt) {
			*out = *r;
			r->consumed = 1;        /* report each once */
			found = true;
		}
	}
	pthread_mutex_unlock(&lock);
	return found;
}

static void report_leaks(void)
{
	char msg[MSG_MAX];
	struct rec r;
	uint32_t id = 1;

	while (next_leak(&id, &r)) {
		snprintf(msg, MSG_MAX, "vtask made at %s:%d (by %s) was never consumed",
			 fname(r.file), r.line, r.op);
		report("VT005", r.file, r.line, msg);
	}
}

/*
 * Registered with on_exit from the constructor, before main, so it runs
 * after the program's own atexit handlers and sees the exit status.
 */
static void check_at_exit(int status, void *arg)
{
	(void)arg;
	if (!vt__checking)
		return;
	report_leaks();
	vt__check_refs_at_exit();
	if (status == 0 && vt_misuse_count() > 0) {
		fflush(NULL);
		_exit(66);
	}
}

__attribute__((constructor)) static void check_init(void)
{
	const char *e = getenv("VT_CHECK");

	if (e && *e && strcmp(e, "0") != 0) {
		vt__checking = true;
		abort_mode = strcmp(e, "abort") == 0;
	}
	on_exit(check_at_exit, NULL);
}
