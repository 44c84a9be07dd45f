/*
 * lsp_text.c: an open document as the server holds it.  The text is kept
 * as the UTF-8 bytes the client sent; LSP speaks of 0-based lines and
 * UTF-16 code units, vtlint of 1-based lines and byte columns, so every
 * conversion walks the line's bytes.  Invalid UTF-8 counts one unit per
 * byte: the client cannot have sent it, but a file can hold it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsp_int.h"
#include "../vtlint.h"

/* Length of the UTF-8 sequence at p (n bytes left), *units its UTF-16 length; 1 when invalid. */
static size_t utf8_seq(const unsigned char *p, size_t n, unsigned *units)
{
	unsigned c = p[0];
	size_t len = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
						    : c >= 0xF0 && c <= 0xF4 ? 4 : 1;

	*units = 1;
	if (len == 1 || len > n)
		return 1;
	for (size_t i = 1; i < len; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 1;
	/* overlong forms, surrogates and code points past U+10FFFF */
	if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0) ||
	    (c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90))
		return 1;
	*units = len == 4 ? 2 : 1; /* beyond the BMP: a surrogate pair */
	return len;
}

void lsp_text_set(lsp_text *t, const char *s, size_t len)
{
	free(t->data);
	t->data = xmalloc(len + 1);
	memcpy(t->data, s, len);
	t->data[len] = '\0';
	t->len = len;
}

/* Offset of the start of 0-based line; len (and *past) when the text is shorter. */
static size_t line_start(const lsp_text *t, unsigned line, bool *past)
{
	size_t off = 0;

	for (unsigned l = 0; l < line; l++) {
		const char *nl = memchr(t->data + off, '\n', t->len - off);

		if (!nl) {
			*past = true;
			return t->len;
		}
		off = (size_t)(nl - t->data) + 1;
	}
	return off;
}

/* End of the line starting at off, before its "\n" or "\r\n". */
static size_t line_end(const lsp_text *t, size_t off)
{
	const char *nl = memchr(t->data + off, '\n', t->len - off);
	size_t end = nl ? (size_t)(nl - t->data) : t->len;

	if (end > off && t->data[end - 1] == '\r')
		end--;
	return end;
}

/*
 * As the protocol has it, a character past the line's end means the end of
 * the line; a line past the document's end means its end (as
 * vscode-languageserver-textdocument does), which the caller logs.
 */
size_t lsp_offset(const lsp_text *t, lsp_pos p, bool *clamped)
{
	bool past = false;
	size_t off = line_start(t, p.line, &past), end;
	unsigned units = 0, u;

	*clamped = past;
	if (past)
		return t->len;
	end = line_end(t, off);
	while (off < end && units < p.character) {
		off += utf8_seq((const unsigned char *)t->data + off, end - off, &u);
		units += u; /* inside a surrogate pair: after the character */
	}
	return off;
}

void lsp_text_replace(lsp_text *t, size_t from, size_t to, const char *s, size_t len)
{
	size_t n = t->len - (to - from) + len;
	char *d = xmalloc(n + 1);

	memcpy(d, t->data, from);
	memcpy(d + from, s, len);
	memcpy(d + from + len, t->data + to, t->len - to);
	d[n] = '\0';
	free(t->data);
	t->data = d;
	t->len = n;
}

/* UTF-16 units from off to the byte bytes further on, not past the line's end. */
static unsigned units_to(const lsp_text *t, size_t off, size_t bytes)
{
	size_t end = line_end(t, off), stop = off + bytes < end ? off + bytes : end;
	unsigned units = 0, u;

	while (off < stop) {
		off += utf8_seq((const unsigned char *)t->data + off, end - off, &u);
		units += u;
	}
	return units;
}

lsp_pos lsp_position(const lsp_text *t, unsigned line, unsigned col)
{
	bool past = false;
	size_t off;

	if (line == 0)
		return (lsp_pos){ 0, 0 };
	off = line_start(t, line - 1, &past);
	if (past)
		return (lsp_pos){ line - 1, 0 };
	return (lsp_pos){ line - 1, col ? units_to(t, off, col - 1) : 0 };
}

static bool word_char(char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* The squiggle covers the identifier vtlint points at, so that it is visible. */
lsp_pos lsp_word_end(const lsp_text *t, unsigned line, unsigned col)
{
	bool past = false;
	size_t off, end, at, n = 0;

	if (line == 0 || col == 0)
		return lsp_position(t, line, col);
	off = line_start(t, line - 1, &past);
	end = past ? off : line_end(t, off);
	at = off + col - 1;
	while (at + n < end && word_char(t->data[at + n]))
		n++;
	if (n == 0 && at < end)
		n = 1;
	return lsp_position(t, line, col + (unsigned)n);
}

char *lsp_utf8_clean(const char *s)
{
	size_t n = strlen(s), o = 0;
	char *d = xmalloc(n * 3 + 1);
	unsigned u;

	for (size_t i = 0; i < n;) {
		size_t k = utf8_seq((const unsigned char *)s + i, n - i, &u);

		if (k == 1 && (unsigned char)s[i] >= 0x80) {
			memcpy(d + o, "\xEF\xBF\xBD", 3);
			o += 3;
		} else {
			memcpy(d + o, s + i, k);
			o += k;
		}
		i += k;
	}
	d[o] = '\0';
	return d;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
					  : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Only local files: file:///path or file://localhost/path, percent-decoded. */
char *lsp_uri_to_path(const char *uri)
{
	const char *p;
	char *d, *o;

	if (strncmp(uri, "file://", 7))
		return NULL;
	p = uri + 7;
	if (!strncmp(p, "localhost/", 10))
		p += 9;
	if (*p != '/')
		return NULL; /* another host */
	d = o = xmalloc(strlen(p) + 1);
	for (; *p && *p != '?' && *p != '#'; p++) {
		if (*p == '%' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
			*o = (char)(hexval(p[1]) * 16 + hexval(p[2]));
			p += 2;
			if (*o == '\0')
				break; /* %00: no path holds it */
		} else {
			*o = *p;
		}
		o++;
	}
	*o = '\0';
	return d;
}

char *lsp_path_to_uri(const char *path)
{
	static const char safe[] = "/-._~!$&'()*+,;=:@";
	char *d = xmalloc(7 + strlen(path) * 3 + 1), *o = d + 7;

	memcpy(d, "file://", 7);
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (word_char((char)*p) || (strchr(safe, *p) && *p))
			*o++ = (char)*p;
		else
			o += sprintf(o, "%%%02X", *p);
	}
	*o = '\0';
	return d;
}
