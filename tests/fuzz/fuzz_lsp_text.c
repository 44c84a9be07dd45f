/*
 * fuzz_lsp_text.c: an open document as the language server edits it
 * (lsp_text.c): UTF-16 positions to byte offsets and back, incremental
 * edits, the UTF-8 cleaning of messages, file URIs.  The input is a
 * script: a text, then operations on it, each an opcode and operands.
 * Properties: offsets stay inside the text; a position made from a line
 * and byte column maps back to that column (rounded up to a character's
 * end); cleaned text is valid UTF-8 and cleaning it again changes
 * nothing; a path survives becoming a URI and a path again.
 */
#include <string.h>

#include "fuzz.h"
#include "lsp_int.h"
#include "vtlint.h"

static lsp_pos read_pos(fz_in *in)
{
	lsp_pos p = { fz_u8(in), fz_u8(in) };

	if (p.line == 255) /* now and then far past the end */
		p.line = fz_u16(in) << 16 | fz_u16(in);
	return p;
}

static const char *read_str(fz_in *in, size_t *len)
{
	return (const char *)fz_bytes(in, fz_u8(in), len);
}

static void edit(lsp_text *t, fz_in *in)
{
	lsp_pos a = read_pos(in), b = read_pos(in);
	bool ca, cb;
	size_t from = lsp_offset(t, a, &ca), to = lsp_offset(t, b, &cb), len;
	const char *s = read_str(in, &len);

	FZ_CHECK(from <= t->len && to <= t->len);
	if (from > to) { /* as lsp.c's apply_change */
		size_t x = from;

		from = to;
		to = x;
	}
	lsp_text_replace(t, from, to, s, len);
	FZ_CHECK(t->data[t->len] == '\0');
}

/* Start and end (before "\n" or "\r\n") of 0-based line; false when there is none. */
static bool line_bounds(const lsp_text *t, unsigned line, size_t *start, size_t *end)
{
	size_t off = 0;

	for (unsigned l = 0; l < line; l++) {
		const char *nl = memchr(t->data + off, '\n', t->len - off);

		if (!nl)
			return false;
		off = (size_t)(nl - t->data) + 1;
	}
	*start = off;
	for (*end = off; *end < t->len && t->data[*end] != '\n'; ++*end)
		;
	if (*end > off && t->data[*end - 1] == '\r')
		--*end;
	return true;
}

static void position(const lsp_text *t, fz_in *in)
{
	unsigned line = fz_u8(in), col = fz_u8(in);
	lsp_pos p = lsp_position(t, line, col), w = lsp_word_end(t, line, col);
	size_t start, end, want, got;
	bool clamped;

	if (line == 0 || col == 0 || !line_bounds(t, line - 1, &start, &end))
		return;
	FZ_CHECK(p.line == line - 1 && w.line == line - 1 && w.character >= p.character);
	got = lsp_offset(t, p, &clamped);
	want = start + col - 1 < end ? start + col - 1 : end;
	FZ_CHECK(!clamped && got >= want && got <= end && got - want < 4);
}

static void clean(const lsp_text *t)
{
	char *a = lsp_utf8_clean(t->data), *b = lsp_utf8_clean(a);

	FZ_CHECK(fz_valid_utf8(a));
	FZ_CHECK(!strcmp(a, b));
	free(a);
	free(b);
}

static void uris(const lsp_text *t)
{
	char *path = lsp_uri_to_path(t->data), *uri;

	free(path);
	if (t->data[0] != '/')
		return;
	uri = lsp_path_to_uri(t->data);
	path = lsp_uri_to_path(uri);
	FZ_CHECK(path && !strcmp(path, t->data));
	free(path);
	free(uri);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_in in = { data, size };
	lsp_text t = { 0 };
	size_t len;
	const char *s = (const char *)fz_bytes(&in, fz_u16(&in) % 4096, &len);

	lsp_text_set(&t, s, len);
	for (int ops = 0; in.n > 0 && ops < 64; ops++) {
		switch (fz_u8(&in) % 5) {
		case 0: edit(&t, &in); break;
		case 1: position(&t, &in); break;
		case 2: s = read_str(&in, &len); lsp_text_set(&t, s, len); break;
		case 3: clean(&t); break;
		case 4: uris(&t); break;
		}
	}
	free(t.data);
	return 0;
}
