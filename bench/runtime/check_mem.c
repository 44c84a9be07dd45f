/*
 * check_mem.c: checked mode's memory over many operations.  A long-running
 * server must be able to run with VT_CHECK=1: the bookkeeping of an
 * operation is released (after a bounded quarantine) once it is consumed,
 * so resident memory stops growing however many operations go by.
 *
 * Prints the resident set size after 1M operations and after N (default
 * 10M, or argv[1]), and the bytes kept per operation in between.  Each
 * operation is one of: an immediate vtask awaited, a pooled source's version
 * completed and consumed (reset by its on_consumed, as a pool does), a heap
 * task made, wrapped and awaited, or a task reference made and released.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vtask.h>

static long rss_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			kib = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return kib;
}

static void pool_back(vt_source *src, void *ctx)
{
	(void)ctx;
	vt_source_reset(src);
}

/* One operation of kind i % 4; returns nonzero when it went wrong. */
static int one(vt_source *src, uint64_t i)
{
	void *r = NULL;

	switch (i % 4) {
	case 0:
		return vtask_await(vtask_from_result((void *)(uintptr_t)i), &r) ||
		       r != (void *)(uintptr_t)i;
	case 1: {
		vtask v = vtask_from_source(src, vt_source_token(src));

		vt_source_set_result(src, (void *)(uintptr_t)i);
		return vtask_await(v, &r) || r != (void *)(uintptr_t)i;
	}
	case 2:
		return vtask_await(vtask_from_task(vt_task_from_result(NULL)), &r) != 0;
	default: {
		vt_task *t = vt_task_new();

		vt_task_release(vt_task_retain(t));
		vt_task_release(t);
		return 0;
	}
	}
}

int main(int argc, char **argv)
{
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000000u;
	uint64_t warm = n < 1000000u ? n / 10 : 1000000u;
	vt_source src;
	long before, after;
	int bad = 0;

	vt_check_enable(true);
	vt_source_init(&src, pool_back, NULL);
	for (uint64_t i = 0; i < warm; i++)
		bad |= one(&src, i);
	before = rss_kib();
	for (uint64_t i = warm; i < n; i++)
		bad |= one(&src, i);
	after = rss_kib();
	printf("checked mode (VT_CHECK=1), %llu operations:\n", (unsigned long long)n);
	printf("  RSS after %llu operations: %ld KiB\n", (unsigned long long)warm, before);
	printf("  RSS after %llu operations: %ld KiB\n", (unsigned long long)n, after);
	printf("  kept per operation in between: %.4f bytes (before recycling: about 48)\n",
	       n > warm ? (double)(after - before) * 1024.0 / (double)(n - warm) : 0.0);
	printf("  misuse reports: %zu%s\n", vt_misuse_count(), bad ? "  (WRONG RESULTS)" : "");
	vt_check_enable(false);
	return bad || vt_misuse_count() != 0;
}
