/*
 * fuzz_lsp_io.c: the language server's framing (lsp_io.c), as the server
 * uses it: bytes arrive in pieces on a pipe, lsp_read_some takes what is
 * there, lsp_next splits out each message.  The first two bytes set the
 * piece size (1 to 32768 bytes, at most 256 pieces), the rest is the
 * byte stream.
 * Properties: each body is NUL-terminated at its length; what lsp_write
 * frames, lsp_next gives back unchanged; a stream of n bytes gives at most
 * n / 12 reports ("Content-\r\n\r\n" is the shortest bad header).
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "lsp_int.h"
#include "vtlint.h"

enum { PIPE_ROOM = 32 << 10 }; /* under the pipe's 64 KiB: writes never block */

static int fds[2] = { -1, -1 };

/* Everything in the pipe into r (its read end is non-blocking). */
static void drain(lsp_reader *r)
{
	while (lsp_read_some(r) > 0)
		;
}

/* lsp_write's frame read back must be the body again. */
static void round_trip(const char *body)
{
	lsp_reader r = { .fd = fds[0] };
	char *back = NULL;
	size_t n = 0;

	if (strlen(body) > PIPE_ROOM)
		return;
	FZ_CHECK(lsp_write(fds[1], body));
	drain(&r);
	FZ_CHECK(lsp_next(&r, &back, &n) == LSP_MESSAGE);
	FZ_CHECK(n == strlen(body) && !strcmp(back, body));
	FZ_CHECK(r.len == 0);
	free(back);
	free(r.buf);
}

/* Every message lsp_next has now; how many. */
static size_t take(lsp_reader *r)
{
	enum lsp_next k;
	char *body;
	size_t n, count = 0;

	while ((k = lsp_next(r, &body, &n)) != LSP_NONE) {
		count++;
		if (k != LSP_MESSAGE)
			continue;
		FZ_CHECK(body[n] == '\0');
		round_trip(body);
		free(body);
	}
	return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_in in = { data, size };
	size_t piece = fz_u16(&in) + 1, total = in.n, count = 0;
	lsp_reader r = { 0 };

	if (piece > PIPE_ROOM)
		piece = PIPE_ROOM;
	if (total / piece > 256) /* a syscall a byte costs more than it finds */
		piece = total / 256 + 1;
	if (fds[0] < 0 && (pipe2(fds, 0) < 0 || fcntl(fds[0], F_SETFL, O_NONBLOCK) < 0))
		abort();
	r.fd = fds[0];
	while (in.n > 0) {
		size_t got;
		const uint8_t *p = fz_bytes(&in, piece, &got);

		FZ_CHECK(write(fds[1], p, got) == (ssize_t)got);
		drain(&r);
		count += take(&r);
	}
	FZ_CHECK(count <= total / 12 + 1);
	free(r.buf);
	return 0;
}
