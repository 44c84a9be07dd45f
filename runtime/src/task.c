/*
 * task.c: heap tasks (vt_task), reference counted, any number of awaiters,
 * and the when_all / when_any combinators.
 *
 * Reference counts are atomic so that tasks may be held and released on any
 * thread; completing and awaiting happen on the loop's thread.
 */
#include "vt_internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#define TICKET_OWNED 0x10000u
#define TICKET_EXTRA 0x8000u        /* a token of a further vtask of the task */

/* Type-stable storage: see struct vt_task. */
static pthread_mutex_t free_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t extra_lock = PTHREAD_MUTEX_INITIALIZER;
static vt_task *free_list;
/* Each thread keeps a few freed tasks of its own: no lock on the way
 * round.  A thread that exits hands its cache to the shared list. */
#define TASK_CACHE 256
static __thread vt_task *t_cache;
static __thread unsigned t_ncache;
static __thread bool t_cache_keyed;
static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_flush(void *unused)
{
	vt_task *t;

	(void)unused;
	pthread_mutex_lock(&free_lock);
	while ((t = t_cache) != NULL) {
		t_cache = t->free_next;
		t->free_next = free_list;
		free_list = t;
	}
	t_ncache = 0;
	t_cache_keyed = false;
	pthread_mutex_unlock(&free_lock);
}

static void cache_key_make(void)
{
	pthread_key_create(&cache_key, cache_flush);
}

static vt_task *task_alloc(void)
{
	vt_task *t;

	t = t_cache;
	if (t) {
		t_cache = t->free_next;
		t_ncache--;
	} else {
		pthread_mutex_lock(&free_lock);
		t = free_list;
		if (t)
			free_list = t->free_next;
		pthread_mutex_unlock(&free_lock);
	}
	if (!t) {
		t = malloc(sizeof *t);
		if (!t)
			return NULL;
		atomic_init(&t->ticket, 0);
		t->extra = NULL;
		t->nextra = t->capextra = 0;
		t->extra_gen = 0;
	}
	atomic_init(&t->refs, 1);
	t->done = 0;
	t->err = 0;
	t->value = NULL;
	t->waiters = t->waiters_tail = NULL;
	t->free_next = NULL;
	return t;
}

static void task_free(vt_task *t)
{
	vt__check_task_gone(t);
	/* Keep the generation, drop ownership: any vtask still naming this
	 * task is now stale. */
	atomic_store_explicit(&t->ticket,
			      atomic_load_explicit(&t->ticket, memory_order_relaxed) & 0xFFFFu,
			      memory_order_release);
	t->waiters = t->waiters_tail = NULL;
	if (t->extra) {           /* only tasks that had further vtasks */
		pthread_mutex_lock(&extra_lock);
		free(t->extra);
		t->extra = NULL;
		t->nextra = t->capextra = 0;
		pthread_mutex_unlock(&extra_lock);
	}
	if (t_ncache < TASK_CACHE) {
		if (!t_cache_keyed) { /* so that the thread's exit flushes it */
			pthread_once(&cache_once, cache_key_make);
			pthread_setspecific(cache_key, &t_ncache);
			t_cache_keyed = true;
		}
		t->free_next = t_cache;
		t_cache = t;
		t_ncache++;
		return;
	}
	pthread_mutex_lock(&free_lock);
	t->free_next = free_list;
	free_list = t;
	pthread_mutex_unlock(&free_lock);
}

vt_task *vt_task_new(void)
{
	return task_alloc();
}

vt_task *vt_task_from_result(void *value)
{
	vt_task *t = task_alloc();

	if (t) {
		t->done = 1;
		t->value = value;
	}
	return t;
}

vt_task *vt_task_from_error(int err)
{
	vt_task *t = task_alloc();

	if (t) {
		t->done = 1;
		t->err = err;
	}
	return t;
}

/* Wake every waiter.  Waiters are popped one at a time from the task so
 * that a callback may unlink other waiters of the same task; the extra
 * reference keeps the task alive while callbacks release theirs. */
static void task_settle(vt_task *t, void *value, int err)
{
	struct vt__wait *w;

	if (!t || t->done)
		return;
	t->done = 1;
	t->value = value;
	t->err = err;
	vt_task_retain(t);
	while ((w = t->waiters) != NULL) {
		t->waiters = w->next;
		if (!t->waiters)
			t->waiters_tail = NULL;
		w->next = NULL;
		vt__wait_fire(w);
	}
	vt_task_release(t);
}

void vt_task_complete(vt_task *t, void *value)
{
	task_settle(t, value, 0);
}

void vt_task_fail(vt_task *t, int err)
{
	task_settle(t, NULL, err);
}

bool vt_task_is_completed(const vt_task *t)
{
	return t && t->done;
}

int vt_task_await(vt_task *t, void **result)
{
	if (!t)
		return EINVAL;
	if (!t->done) {
		struct vt__wait w = { .fiber = vt__self() };

		if (!w.fiber)
			return VT_EMISUSE;
		vt__task_add_waiter(t, &w);
		vt__block(&w, NULL, t);
	}
	if (t->err)
		return t->err;
	if (result)
		*result = t->value;
	return 0;
}

vt_task *vt_task_retain(vt_task *t)
{
	if (t)
		atomic_fetch_add_explicit(&t->refs, 1, memory_order_relaxed);
	return t;
}

/* The last reference needs no locked instruction: taking another one
 * requires holding one, so a count of 1 seen by its holder cannot grow. */
void vt_task_release(vt_task *t)
{
	if (!t)
		return;
	if (atomic_load_explicit(&t->refs, memory_order_acquire) == 1 ||
	    atomic_fetch_sub_explicit(&t->refs, 1, memory_order_acq_rel) == 1)
		task_free(t);
}

/* Appended: waiters are woken in the order they came. */
void vt__task_add_waiter(vt_task *t, struct vt__wait *w)
{
	w->next = NULL;
	if (t->waiters_tail)
		t->waiters_tail->next = w;
	else
		t->waiters = w;
	t->waiters_tail = w;
}

void vt__task_remove_waiter(vt_task *t, struct vt__wait *w)
{
	struct vt__wait *prev = NULL;

	for (struct vt__wait **p = &t->waiters; *p; prev = *p, p = &(*p)->next) {
		if (*p == w) {
			*p = w->next;
			if (t->waiters_tail == w)
				t->waiters_tail = prev;
			w->next = NULL;
			return;
		}
	}
}

/*
 * Tickets make a task-backed vtask single-use even without checked mode:
 * the vtask carries the generation it was issued under, and consuming it
 * clears the "owned" bit, so a second consumption (or one after the task
 * was freed) is refused.  Further vtasks made from a task that already has
 * an owning one get tokens of their own (bit 15 set) from a list under a
 * lock: each is consumed once too.  Token 0 (no memory for the list) is
 * not checked.
 */
static uint16_t extra_claim(vt_task *t)
{
	uint16_t tok = 0;

	pthread_mutex_lock(&extra_lock);
	if (t->nextra == t->capextra) {
		uint32_t cap = t->capextra ? t->capextra * 2 : 4;
		uint16_t *p = realloc(t->extra, cap * sizeof *p);

		if (!p)
			goto out;
		t->extra = p;
		t->capextra = cap;
	}
	t->extra_gen = (uint16_t)((t->extra_gen + 1) & 0x7FFFu);
	tok = (uint16_t)(TICKET_EXTRA | t->extra_gen);
	t->extra[t->nextra++] = tok;
out:
	pthread_mutex_unlock(&extra_lock);
	return tok;
}

/* Finds an extra token; with take, it is used up. */
static bool extra_find(vt_task *t, uint16_t token, bool take)
{
	bool found = false;

	pthread_mutex_lock(&extra_lock);
	for (uint32_t i = 0; i < t->nextra; i++) {
		if (t->extra[i] == token) {
			found = true;
			if (take)
				t->extra[i] = t->extra[--t->nextra];
			break;
		}
	}
	pthread_mutex_unlock(&extra_lock);
	return found;
}

uint16_t vt__task_claim_ticket(vt_task *t)
{
	unsigned old = atomic_load(&t->ticket);

	for (;;) {
		unsigned gen;

		if (old & TICKET_OWNED)
			return extra_claim(t);
		gen = (old + 1) & 0x7FFFu;
		if (gen == 0)
			gen = 1;
		if (atomic_compare_exchange_weak(&t->ticket, &old, TICKET_OWNED | gen))
			return (uint16_t)gen;
	}
}

bool vt__task_use_ticket(vt_task *t, uint16_t token)
{
	unsigned want = TICKET_OWNED | token;

	if (token == 0)
		return true;
	if (token & TICKET_EXTRA)
		return extra_find(t, token, true);
	return atomic_compare_exchange_strong(&t->ticket, &want, (unsigned)token);
}

bool vt__task_ticket_valid(const vt_task *t, uint16_t token)
{
	if (token == 0)
		return true;
	if (token & TICKET_EXTRA)
		return extra_find((vt_task *)t, token, false);
	return atomic_load(&((vt_task *)t)->ticket) == (TICKET_OWNED | token);
}

/* ---- combinators ---- */

struct comb;
struct cnode {
	struct vt__wait w;
	struct comb *c;
	vt_task *t;
	size_t i;
	bool linked;
};

struct comb {
	vt_task *res;
	size_t n, left;
	struct cnode nodes[];
};

static struct comb *comb_new(vt_task *const *tasks, size_t n, void (*cb)(struct vt__wait *))
{
	struct comb *c = malloc(sizeof *c + n * sizeof c->nodes[0]);

	if (!c)
		return NULL;
	c->res = vt_task_new();
	if (!c->res) {
		free(c);
		return NULL;
	}
	c->n = c->left = n;
	for (size_t i = 0; i < n; i++) {
		struct cnode *nd = &c->nodes[i];

		*nd = (struct cnode){ .w = { .cb = cb }, .c = c, .i = i };
		nd->t = vt_task_retain(tasks[i]);
	}
	return c;
}

/* Unlink what is still linked, drop the inputs and the combinator's own
 * reference to the result. */
static void comb_free(struct comb *c)
{
	for (size_t i = 0; i < c->n; i++) {
		if (c->nodes[i].linked)
			vt__task_remove_waiter(c->nodes[i].t, &c->nodes[i].w);
		vt_task_release(c->nodes[i].t);
	}
	vt_task_release(c->res);
	free(c);
}

static bool tasks_valid(vt_task *const *tasks, size_t n)
{
	if (n && !tasks)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!tasks[i])
			return false;
	return true;
}

/* The first error in array order, so the outcome does not depend on
 * completion order. */
static void all_finish(struct comb *c)
{
	int err = 0;

	for (size_t i = 0; i < c->n && !err; i++)
		err = c->nodes[i].t->err;
	if (err)
		vt_task_fail(c->res, err);
	else
		vt_task_complete(c->res, NULL);
	comb_free(c);
}

static void all_fire(struct vt__wait *w)
{
	struct cnode *nd = VT__CONTAINER(w, struct cnode, w);
	struct comb *c = nd->c;

	nd->linked = false;
	if (--c->left == 0)
		all_finish(c);
}

vt_task *vt_task_when_all(vt_task *const *tasks, size_t n)
{
	struct comb *c;
	vt_task *res;

	if (!tasks_valid(tasks, n))
		return vt_task_from_error(EINVAL);
	if (n == 0)
		return vt_task_from_result(NULL);
	c = comb_new(tasks, n, all_fire);
	if (!c)
		return NULL;
	res = vt_task_retain(c->res);
	for (size_t i = 0; i < n; i++) {
		if (c->nodes[i].t->done) {
			c->left--;
		} else {
			vt__task_add_waiter(c->nodes[i].t, &c->nodes[i].w);
			c->nodes[i].linked = true;
		}
	}
	if (c->left == 0)
		all_finish(c);
	return res;
}

static void any_fire(struct vt__wait *w)
{
	struct cnode *nd = VT__CONTAINER(w, struct cnode, w);
	struct comb *c = nd->c;

	nd->linked = false;
	vt_task_complete(c->res, (void *)(uintptr_t)nd->i);
	comb_free(c);
}

vt_task *vt_task_when_any(vt_task *const *tasks, size_t n)
{
	struct comb *c;
	vt_task *res;

	if (!tasks_valid(tasks, n) || n == 0)
		return vt_task_from_error(EINVAL);
	for (size_t i = 0; i < n; i++)
		if (tasks[i]->done)
			return vt_task_from_result((void *)(uintptr_t)i);
	c = comb_new(tasks, n, any_fire);
	if (!c)
		return NULL;
	res = vt_task_retain(c->res);
	for (size_t i = 0; i < n; i++) {
		vt__task_add_waiter(c->nodes[i].t, &c->nodes[i].w);
		c->nodes[i].linked = true;
	}
	return res;
}
