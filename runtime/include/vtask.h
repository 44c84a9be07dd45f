/*
 * vtask.h: libvtask, value tasks for C.
 *
 * A vtask is an asynchronous result handed back by value.  When the
 * operation completed synchronously it carries the result itself and costs
 * no allocation; otherwise it refers to a heap task (vt_task) or to a pooled
 * completion source (vt_source) at one 16-bit version.
 *
 * The contract: every vtask, and every copy of it, is consumed exactly once
 * (vtask_await, vtask_get_result or vtask_as_task) and never touched again.
 * vtlint checks that statically; VT_CHECK=1 checks it at run time.
 *
 * Contents:
 *   types ............ vtask, vt_task, vt_source, vt_loop
 *   vtask ............ vtask_from_*, vtask_is_completed*, vtask_await,
 *                      vtask_get_result, vtask_as_task
 *   vt_task .......... heap tasks: many awaiters, when_all, when_any
 *   vt_source ........ reusable, versioned completion sources
 *   loop ............. fibers, timers, fd readiness
 *   for servers ...... cancel, close, accept, connect, deadlines, post, stop
 *   checked mode ..... misuse detection and reporting
 *   location macros .. how calls capture the caller's file and line
 */
#ifndef VTASK_H
#define VTASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VTASK_VERSION_MAJOR 0
#define VTASK_VERSION_MINOR 1
#define VTASK_VERSION_PATCH 0

/* Misuse detected by the runtime: outside errno's range (Linux stops at 133). */
#define VT_EMISUSE 0x7654

/* ---- types ------------------------------------------------------------ */

typedef struct vt_task vt_task;
typedef struct vt_loop vt_loop;
struct vt__fiber;
struct vt__wait;

/*
 * A value task.  Fields are private: they are named here only so that the
 * struct can be passed and returned by value (16 bytes on LP64).
 */
typedef struct vtask {
	uint8_t vt__kind;    /* which member of vt__u is live; 0: an immediate value */
	uint8_t vt__gen;     /* checked mode: generation of the identity's record */
	uint16_t vt__token;  /* the source's version this vtask was issued for */
	uint32_t vt__id;     /* checked mode: identity shared by every copy; 0 otherwise */
	union {
		void *value;
		intptr_t err;
		struct vt_task *task;
		struct vt_source *src;
	} vt__u;
} vtask;

/*
 * A reusable completion source, complete so that it can be embedded in a
 * caller's object and pooled.  Fields are private.
 */
typedef struct vt_source {
	void *vt__value;
	int vt__err;
	uint16_t vt__token;
	uint8_t vt__state;    /* pending, completed, consumed */
	uint8_t vt__flags;
	struct vt__wait *vt__waiter;  /* the one waiter of this version */
	void (*vt__on_consumed)(struct vt_source *src, void *ctx);
	void *vt__ctx;
} vt_source;

/* ---- vtask -------------------------------------------------------------- */

/*
 * The zero vtask, C's default(ValueTask): completed, with a NULL result and
 * nothing behind it.  `vtask v = {0};` is the same value (every field zero,
 * no padding).  Consuming it any number of times returns 0 and sets *result
 * to NULL; dropping it loses nothing; checked mode never reports it.
 */
#ifdef __cplusplus
#define VTASK_COMPLETED (vtask{})
#else
#define VTASK_COMPLETED ((vtask){ 0 })
#endif

vtask vtask_from_result(void *value);
vtask vtask_from_error(int err);
vtask vtask_from_task(vt_task *task);
vtask vtask_from_source(vt_source *src, uint16_t token);

bool vtask_is_completed(vtask vt);
bool vtask_is_completed_successfully(vtask vt);

int vtask_await(vtask vt, void **result);
int vtask_get_result(vtask vt, void **result);
vt_task *vtask_as_task(vtask vt);

/* ---- vt_task: heap task --------------------------------------------------- */

vt_task *vt_task_new(void);
vt_task *vt_task_from_result(void *value);
vt_task *vt_task_from_error(int err);
void vt_task_complete(vt_task *t, void *value);
void vt_task_fail(vt_task *t, int err);
bool vt_task_is_completed(const vt_task *t);
int vt_task_await(vt_task *t, void **result);
vt_task *vt_task_retain(vt_task *t);
void vt_task_release(vt_task *t);
vt_task *vt_task_when_all(vt_task *const *tasks, size_t n);
vt_task *vt_task_when_any(vt_task *const *tasks, size_t n);

/* ---- vt_source: reusable completion source ----------------------------- */

void vt_source_init(vt_source *src, void (*on_consumed)(vt_source *src, void *ctx),
		    void *ctx);
uint16_t vt_source_token(const vt_source *src);
void vt_source_set_result(vt_source *src, void *value);
void vt_source_set_error(vt_source *src, int err);
void vt_source_reset(vt_source *src);

/* ---- loop, fibers, timers, fds ------------------------------------------- */

vt_loop *vt_loop_new(void);
void vt_loop_free(vt_loop *loop);
int vt_spawn(vt_loop *loop, void (*fn)(void *arg), void *arg);
int vt_loop_run(vt_loop *loop);
void vt_yield(void);
vtask vt_sleep(uint64_t ms);
vtask vt_read(int fd, void *buf, size_t len);
vtask vt_write(int fd, const void *buf, size_t len);

/* ---- for servers -------------------------------------------------------- */

/* Stack size, guard region below each stack, and how many dead fibers'
 * stacks stay warm for reuse; zero means the default. */
typedef struct vt_loop_options {
	size_t stack_size, guard_size, stack_cache;
} vt_loop_options;

vt_loop *vt_loop_new_with(const vt_loop_options *opt);
void vt_loop_stop(vt_loop *loop);
/* The one thread-safe call: runs fn(arg) in a new fiber on the loop's thread. */
int vt_post(vt_loop *loop, void (*fn)(void *arg), void *arg);
/* Inspects only: a pending timer or fd wait completes with ECANCELED. */
void vtask_cancel(const vtask *vt);
int vt_close(int fd);
vtask vt_accept(int fd);
vtask vt_connect(int fd, const struct sockaddr *addr, socklen_t len);
vtask vt_read_deadline(int fd, void *buf, size_t len, uint64_t ms);
vtask vt_write_deadline(int fd, const void *buf, size_t len, uint64_t ms);

/* ---- checked mode ------------------------------------------------------- */

/*
 * Called once per misuse instead of the default printer.  rule is "VT001",
 * "VT002", "VT003", "VT005", "VT006" or "VT007"; file and line are the user's call; message
 * is the sentence the default printer writes after "at FILE:LINE: ".
 */
typedef void (*vt_misuse_fn)(const char *rule, const char *file, int line,
			     const char *message, void *ctx);

void vt_check_enable(bool on);
bool vt_check_enabled(void);
size_t vt_misuse_count(void);
void vt_set_misuse_handler(vt_misuse_fn fn, void *ctx);

/* ---- location macros ---------------------------------------------------- */

/*
 * Each call that makes, inspects or consumes a vtask is routed through a
 * macro to a vt__*_at twin that also takes the caller's file and line, so
 * that checked mode reports the user's code.  So are the producer's calls
 * on a vt_source (VT006) and the calls that make or release a vt_task
 * reference (VT007).  The functions above are still exported under their
 * own names (for function pointers and other languages); vtlint recognises
 * both spellings.  Define VTASK_NO_LOCATION before including this header to
 * call the plain functions: checked mode then does not follow vt_task
 * references or the producer's side of sources.
 */
vtask vt__from_result_at(void *value, const char *file, int line);
vtask vt__from_error_at(int err, const char *file, int line);
vtask vt__from_task_at(vt_task *task, const char *file, int line);
vtask vt__from_source_at(vt_source *src, uint16_t token, const char *file, int line);
bool vt__is_completed_at(vtask vt, const char *file, int line);
bool vt__is_completed_successfully_at(vtask vt, const char *file, int line);
int vt__await_at(vtask vt, void **result, const char *file, int line);
int vt__get_result_at(vtask vt, void **result, const char *file, int line);
vt_task *vt__as_task_at(vtask vt, const char *file, int line);
vtask vt__sleep_at(uint64_t ms, const char *file, int line);
vtask vt__read_at(int fd, void *buf, size_t len, const char *file, int line);
vtask vt__write_at(int fd, const void *buf, size_t len, const char *file, int line);
/* Producers and task references, for VT006 and VT007. */
void vt__source_set_result_at(vt_source *src, void *value, const char *file, int line);
void vt__source_set_error_at(vt_source *src, int err, const char *file, int line);
void vt__source_reset_at(vt_source *src, const char *file, int line);
vt_task *vt__task_new_at(const char *file, int line);
vt_task *vt__task_from_result_at(void *value, const char *file, int line);
vt_task *vt__task_from_error_at(int err, const char *file, int line);
vt_task *vt__task_retain_at(vt_task *t, const char *file, int line);
void vt__task_release_at(vt_task *t, const char *file, int line);
vt_task *vt__task_when_all_at(vt_task *const *tasks, size_t n, const char *file, int line);
vt_task *vt__task_when_any_at(vt_task *const *tasks, size_t n, const char *file, int line);

void vt__cancel_at(const vtask *vt, const char *file, int line);
vtask vt__accept_at(int fd, const char *file, int line);
vtask vt__connect_at(int fd, const struct sockaddr *addr, socklen_t len,
		     const char *file, int line);
vtask vt__read_deadline_at(int fd, void *buf, size_t len, uint64_t ms,
			   const char *file, int line);
vtask vt__write_deadline_at(int fd, const void *buf, size_t len, uint64_t ms,
			    const char *file, int line);

#ifndef VTASK_NO_LOCATION
#define vtask_from_result(v) vt__from_result_at((v), __FILE__, __LINE__)
#define vtask_from_error(e) vt__from_error_at((e), __FILE__, __LINE__)
#define vtask_from_task(t) vt__from_task_at((t), __FILE__, __LINE__)
#define vtask_from_source(s, tok) vt__from_source_at((s), (tok), __FILE__, __LINE__)
#define vtask_is_completed(vt) vt__is_completed_at((vt), __FILE__, __LINE__)
#define vtask_is_completed_successfully(vt) \
	vt__is_completed_successfully_at((vt), __FILE__, __LINE__)
#define vtask_await(vt, r) vt__await_at((vt), (r), __FILE__, __LINE__)
#define vtask_get_result(vt, r) vt__get_result_at((vt), (r), __FILE__, __LINE__)
#define vtask_as_task(vt) vt__as_task_at((vt), __FILE__, __LINE__)
#define vt_sleep(ms) vt__sleep_at((ms), __FILE__, __LINE__)
#define vt_read(fd, buf, len) vt__read_at((fd), (buf), (len), __FILE__, __LINE__)
#define vt_write(fd, buf, len) vt__write_at((fd), (buf), (len), __FILE__, __LINE__)
#define vt_source_set_result(s, v) vt__source_set_result_at((s), (v), __FILE__, __LINE__)
#define vt_source_set_error(s, e) vt__source_set_error_at((s), (e), __FILE__, __LINE__)
#define vt_source_reset(s) vt__source_reset_at((s), __FILE__, __LINE__)
#define vt_task_new() vt__task_new_at(__FILE__, __LINE__)
#define vt_task_from_result(v) vt__task_from_result_at((v), __FILE__, __LINE__)
#define vt_task_from_error(e) vt__task_from_error_at((e), __FILE__, __LINE__)
#define vt_task_retain(t) vt__task_retain_at((t), __FILE__, __LINE__)
#define vt_task_release(t) vt__task_release_at((t), __FILE__, __LINE__)
#define vt_task_when_all(ts, n) vt__task_when_all_at((ts), (n), __FILE__, __LINE__)
#define vt_task_when_any(ts, n) vt__task_when_any_at((ts), (n), __FILE__, __LINE__)
#define vtask_cancel(vt) vt__cancel_at((vt), __FILE__, __LINE__)
#define vt_accept(fd) vt__accept_at((fd), __FILE__, __LINE__)
#define vt_connect(fd, a, n) vt__connect_at((fd), (a), (n), __FILE__, __LINE__)
#define vt_read_deadline(fd, buf, len, ms) \
	vt__read_deadline_at((fd), (buf), (len), (ms), __FILE__, __LINE__)
#define vt_write_deadline(fd, buf, len, ms) \
	vt__write_deadline_at((fd), (buf), (len), (ms), __FILE__, __LINE__)
#endif

#ifdef __cplusplus
}
#endif

#endif /* VTASK_H */
