/*
 * lsp_int.h: the pieces of the language server (lsp.c) that know nothing
 * of vtlint: the message framing (lsp_io.c) and the editor's buffer with
 * LSP's positions (lsp_text.c).
 */
#ifndef VTLINT_LSP_INT_H
#define VTLINT_LSP_INT_H

#include <stdbool.h>
#include <stddef.h>

/* ---- lsp_io.c: Content-Length framing over file descriptors ------------------------ */

typedef struct lsp_reader {
	int fd;
	char *buf;
	size_t head, len, cap; /* buf[head, len): read, not yet taken */
	size_t skip;   /* body bytes of an oversized message still to drop */
	bool garbage;  /* inside a run of bytes that is no header: reported once */
} lsp_reader;

enum lsp_next { LSP_NONE, LSP_MESSAGE, LSP_BAD_HEADER, LSP_TOO_BIG };

/* Reads what the fd has now (once); bytes read, 0 at end of input, -1 on error. */
long lsp_read_some(lsp_reader *r);
/* The next framed message in the buffer: *body (malloc'd, NUL-terminated) when LSP_MESSAGE. */
enum lsp_next lsp_next(lsp_reader *r, char **body, size_t *len);
/* Writes one framed message; false when the client is gone. */
bool lsp_write(int fd, const char *body);

/* ---- lsp_text.c: the buffer, UTF-16 positions, URIs ---------------------------------- */

typedef struct lsp_text {
	char *data;   /* NUL-terminated UTF-8 (as the client sent it: maybe invalid) */
	size_t len;
} lsp_text;

typedef struct lsp_pos {
	unsigned line, character; /* 0-based; character in UTF-16 code units */
} lsp_pos;

void lsp_text_set(lsp_text *t, const char *s, size_t len);
/* Byte offset of an LSP position; *clamped when the line was past the end. */
size_t lsp_offset(const lsp_text *t, lsp_pos p, bool *clamped);
/* Replaces the bytes [from, to) with s. */
void lsp_text_replace(lsp_text *t, size_t from, size_t to, const char *s, size_t len);
/* The LSP position of a 1-based line and 1-based byte column. */
lsp_pos lsp_position(const lsp_text *t, unsigned line, unsigned col);
/* The same, one past the identifier starting there (or one character on). */
lsp_pos lsp_word_end(const lsp_text *t, unsigned line, unsigned col);
/* s with each invalid UTF-8 byte replaced by U+FFFD (JSON must be UTF-8). */
char *lsp_utf8_clean(const char *s);
/* file:///a%20b -> /a b; NULL when not a file: URI. */
char *lsp_uri_to_path(const char *uri);
char *lsp_path_to_uri(const char *path);

#endif /* VTLINT_LSP_INT_H */
