/* A mix of faulty and clean functions: the CLI and memcheck tests run vtlint on it. */
#include <vtask.h>
#include <stdbool.h>
#include <assert.h>
#include <stdlib.h>
#include <pthread.h>
vtask fetch(int k);
int k(void);
int start(vtask *out) { if (k()) return -1; *out = fetch(1); return 0; }
int k(void);
int finish(vtask *p) { return vtask_await(*p, NULL); }
int maybe_finish(vtask *p) { if (k()) return vtask_await(*p, NULL); return 0; }
bool peek(vtask v) { return vtask_is_completed(v); }
void always(vtask *p) { *p = fetch(9); }
int p1(void) {
    vtask v;
    if (start(&v) != 0) return -1;   // clean
    return vtask_await(v, NULL);
}
int p2(void) {
    vtask v = fetch(1);
    finish(&v);
    return vtask_await(v, NULL);     // VT001
}
int p3(void) {
    vtask v = fetch(1);
    maybe_finish(&v);
    return vtask_await(v, NULL);     // VT001
}
int p4(void) {
    vtask v = fetch(1);
    if (peek(v)) return vtask_await(v, NULL);  // clean (peek only inspects)
    return vtask_await(v, NULL);
}
void p5(void) {
    vtask v;
    always(&v);                      // VT005 at call line
}
void *worker(void *a);
int p6(void) {
    pthread_t t;
    vtask v = fetch(1);
    pthread_create(&t, NULL, worker, &v);
    return vtask_await(v, NULL);     // VT002
}
int p7(void) {
    vtask v = fetch(1);
    bool done = vtask_is_completed(v);
    void *r;
    if (done) return vtask_get_result(v, &r);  // clean
    return vtask_await(v, &r);
}
int p8(void) {
    vtask v = fetch(1);
    assert(vtask_is_completed(v));
    void *r;
    return vtask_get_result(v, &r);  // clean
}
int p9(int x) {
    vtask v = fetch(1);
    switch (x) { case 1: vtask_await(v, NULL); break; case 2: break; default: vtask_await(v, NULL); }
    if (x == 2) vtask_await(v, NULL);  // clean
    return 0;
}
int p10(void) {
    vtask v = fetch(1);
    if (k()) goto fail;
    return vtask_await(v, NULL);
fail:
    return -1;                       // VT005 for v (line 68)
}
int p11(void) {
    vtask v = fetch(1);
    if (k()) abort();
    return vtask_await(v, NULL);     // clean
}
int p12(void) {
    vtask v = ({ vtask t = fetch(1); t; });
    return vtask_await(v, NULL);     // clean
}
#define AWAIT(x) vtask_await((x), NULL)
int p13(void) {
    vtask v = fetch(1);
    AWAIT(v);
    return AWAIT(v);                 // VT001 at 87
}
void use2(vtask a, vtask b);
void p14(void) {
    vtask v = fetch(1);
    use2(v, v);                      // VT001
}
int p15(int c) {
    vtask v = fetch(1);
    int x = c ?: 2;
    (void)sizeof(vtask_await(v, NULL));
    for (int i = 0; i < 3; i++) { if (i == 1) { vtask_await(v, NULL); break; } }   // clean? i==1 may go either way -> VT005
    return x;
}
