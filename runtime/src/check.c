/*
 * check.c: checked mode, the dynamic oracle.
 *
 * Every vtask made while checking is on gets an identity (vt__id, shared by
 * every copy) naming a record: where and by what it was made, where it was
 * first consumed, and whether a fiber is waiting in that consumption.  The
 * records live for the rest of the process (a consumed vtask must still be
 * recognised when it is consumed again) in chunks that never move, behind
 * one mutex: vtasks may be handed to other threads.
 */
#include "vt_internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK 4096u
#define MSG_MAX 768

struct rec {
	const char *op, *file;       /* the making call */
	int line;
	const char *cop, *cfile;     /* the first consumption */
	int cline;
	uint8_t consumed;
	uint8_t waiting;             /* a fiber is suspended in that consumption */
};

bool vt__checking;
static bool abort_mode;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct rec **chunks;
static size_t nchunks;
static uint32_t next_id = 1;
static atomic_size_t misuses;
static vt_misuse_fn handler;
static void *handler_ctx;

static const char *fname(const char *file)
{
	return file ? file : "(unknown)";
}

/* Under the lock. */
static struct rec *rec_get(uint32_t id)
{
	size_t c = id / CHUNK;

	if (id == 0 || c >= nchunks || !chunks[c])
		return NULL;
	return &chunks[c][id % CHUNK];
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

uint32_t vt__check_new(const char *op, const char *file, int line)
{
	uint32_t id = 0;

	pthread_mutex_lock(&lock);
	if (next_id != 0 && rec_room(next_id)) {
		id = next_id++;
		*rec_get(id) = (struct rec){ .op = op, .file = file, .line = line };
	}
	pthread_mutex_unlock(&lock);
	return id;
}

/* Outside the lock, so that a handler may use vtasks itself. */
static void report(const char *rule, const char *file, int line, const char *msg)
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
	snprintf(msg, MSG_MAX, "%s: vtask made at %s:%d was already consumed at %s:%d (by %s)",
		 op, fname(r->file), r->line, fname(r->cfile), r->cline, r->cop);
}

/* Under the lock: a second consumption.  Returns its rule. */
static const char *again(struct rec *r, enum vt__use use, char *msg)
{
	if (use == VT__USE_AWAIT && r->waiting) {
		snprintf(msg, MSG_MAX,
			 "vtask_await: vtask made at %s:%d is already awaited by another "
			 "fiber (since %s:%d)",
			 fname(r->file), r->line, fname(r->cfile), r->cline);
		return "VT002";
	}
	say_consumed(msg, use_name(use), r);
	return "VT001";
}

/* Under the lock: a first consumption.  Returns a rule when it is misuse. */
static const char *first(struct rec *r, vtask vt, enum vt__use use, char *msg)
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
		r->waiting = 1;
	return NULL;
}

int vt__check_consume(vtask vt, enum vt__use use, const char *file, int line)
{
	char msg[MSG_MAX];
	const char *rule = NULL;
	struct rec *r;

	pthread_mutex_lock(&lock);
	r = rec_get(vt.vt__id);
	if (r && r->consumed) {
		rule = again(r, use, msg);
	} else if (r) {
		r->cfile = file;
		r->cline = line;
		rule = first(r, vt, use, msg);
	}
	pthread_mutex_unlock(&lock);
	if (!rule)
		return 0;
	report(rule, file, line, msg);
	return VT_EMISUSE;
}

void vt__check_wait_end(uint32_t id)
{
	struct rec *r;

	pthread_mutex_lock(&lock);
	r = rec_get(id);
	if (r)
		r->waiting = 0;
	pthread_mutex_unlock(&lock);
}

bool vt__check_inspect(vtask vt, const char *op, const char *file, int line)
{
	char msg[MSG_MAX];
	bool bad = false;
	struct rec *r;

	pthread_mutex_lock(&lock);
	r = rec_get(vt.vt__id);
	if (r && r->consumed) {
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
		struct rec *r = rec_get(*id);

		if (r && !r->consumed) {
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
