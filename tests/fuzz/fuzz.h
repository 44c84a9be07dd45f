/*
 * fuzz.h: what the libFuzzer targets share.  Each target defines
 * LLVMFuzzerTestOneInput; with clang it links libFuzzer, otherwise
 * replay.c runs it once per file of the corpora given (the plain,
 * valgrind and ASan builds replay the seeds and the regressions that way).
 */
#ifndef VT_FUZZ_H
#define VT_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property the target checks: a failure is a bug like a crash is. */
#define FZ_CHECK(cond)                                                              \
	do {                                                                        \
		if (!(cond)) {                                                      \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
				#cond);                                             \
			abort();                                                    \
		}                                                                   \
	} while (0)

/* This process's own temporary folder (made on first use, removed at exit). */
const char *fz_dir(void);
/* dir/name holding data; the path is malloc'd.  Folders in name are made. */
char *fz_write(const char *name, const uint8_t *data, size_t n);

/* Structured input: numbers and byte runs taken from the front of the data. */
typedef struct fz_in {
	const uint8_t *p;
	size_t n;
} fz_in;

unsigned fz_u8(fz_in *in);
unsigned fz_u16(fz_in *in);
/* Up to n bytes (fewer at the end); *got says how many. */
const uint8_t *fz_bytes(fz_in *in, size_t n, size_t *got);

/* s (NUL-terminated) is valid UTF-8 as RFC 3629 has it. */
bool fz_valid_utf8(const char *s);

#endif /* VT_FUZZ_H */
