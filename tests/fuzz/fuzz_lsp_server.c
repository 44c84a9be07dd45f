/*
 * fuzz_lsp_server.c: the whole language server (vt_lsp_serve) reading the
 * input as its client's byte stream, from a file: the server reads it all
 * as one batch, answers each message, and stops at its end.  So the
 * framing, JSON-RPC dispatch, the lifecycle (initialize, shutdown, exit),
 * cancellation and the document notifications (open, incremental change,
 * save, close) all run, but no analysis does: that waits for a pause in
 * the input that a file never has, and would be libclang parsing C.
 * Properties: the server's output is well framed, each message is a JSON
 * object with "jsonrpc", and its strings are UTF-8 as LSP requires, but
 * for what echoes the client's own bytes (ids and URIs).
 */
#include <cjson/cJSON.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "lsp.h"
#include "lsp_int.h"
#include "vtlint.h"

static char *const fallback[] = { "-DFALLBACK" };
static const vt_cmd_opts co = { .args = fallback, .nargs = 1 };
static const vt_run_opts run = { 0 };

static void check_strings(const cJSON *j)
{
	const cJSON *e;

	if (cJSON_IsString(j))
		FZ_CHECK(fz_valid_utf8(j->valuestring));
	cJSON_ArrayForEach(e, j)
		if (!e->string || (strcmp(e->string, "id") && strcmp(e->string, "uri")))
			check_strings(e);
}

static void check_output(const char *path)
{
	lsp_reader r = { .fd = open(path, O_RDONLY) };
	enum lsp_next k;
	char *body;
	size_t n;

	FZ_CHECK(r.fd >= 0);
	while (lsp_read_some(&r) > 0)
		;
	while ((k = lsp_next(&r, &body, &n)) != LSP_NONE) {
		cJSON *m;

		FZ_CHECK(k == LSP_MESSAGE);
		m = cJSON_ParseWithLength(body, n);
		FZ_CHECK(cJSON_IsObject(m));
		FZ_CHECK(cJSON_IsString(cJSON_GetObjectItem(m, "jsonrpc")));
		check_strings(m);
		cJSON_Delete(m);
		free(body);
	}
	FZ_CHECK(r.len == 0);
	free(r.buf);
	close(r.fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fz_write("lsp.in", data, size), *out = fz_write("lsp.out", data, 0);
	int ifd = open(in, O_RDONLY), ofd = open(out, O_WRONLY | O_TRUNC);

	FZ_CHECK(ifd >= 0 && ofd >= 0);
	vt_lsp_serve(ifd, ofd, &co, &run);
	close(ifd);
	close(ofd);
	check_output(out);
	free(in);
	free(out);
	return 0;
}
