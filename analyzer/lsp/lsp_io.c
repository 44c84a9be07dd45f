/*
 * lsp_io.c: JSON-RPC's base protocol, "Content-Length: N\r\n\r\n" then N
 * bytes.  The reader keeps its own buffer over a raw fd (stdio would hide
 * buffered bytes from the server's poll()).  A header that makes no sense
 * is dropped up to the next "Content-Length:", so that one bad message
 * costs that message only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lsp_int.h"
#include "../vtlint.h"

enum {
	MAX_HEADER = 8192,        /* no client sends more than a few dozen bytes */
	MAX_BODY = 256 << 20,     /* a 256 MiB source file is no source file */
	CHUNK = 64 << 10,
};

/* The bytes read and not yet taken. */
static char *data(const lsp_reader *r)
{
	return r->head ? r->buf + r->head : r->buf;
}

static size_t avail(const lsp_reader *r)
{
	return r->len - r->head;
}

long lsp_read_some(lsp_reader *r)
{
	ssize_t n;

	if (r->head && r->head >= avail(r)) { /* as many taken as left: the move is paid for */
		memmove(r->buf, data(r), avail(r));
		r->len -= r->head;
		r->head = 0;
	}
	if (r->cap - r->len < CHUNK) {
		r->cap = r->cap ? r->cap * 2 : 2 * CHUNK;
		while (r->cap - r->len < CHUNK)
			r->cap *= 2;
		r->buf = xrealloc(r->buf, r->cap);
	}
	do
		n = read(r->fd, r->buf + r->len, r->cap - r->len);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		r->len += (size_t)n;
	return (long)n;
}

/*
 * Takes n bytes from the front.  Nothing moves here: moving the rest after
 * each message made a burst of small messages cost its size squared.
 */
static void drop(lsp_reader *r, size_t n)
{
	r->head += n;
	if (r->head == r->len)
		r->head = r->len = 0;
}

static const char *find(const char *s, size_t n, const char *what)
{
	size_t k = strlen(what);

	for (size_t i = 0; i + k <= n; i++)
		if (s[i] == what[0] && !memcmp(s + i, what, k))
			return s + i;
	return NULL;
}

/*
 * Bytes that cannot start a header: drop them up to the next
 * "Content-Length:" (keeping a tail that may be its beginning).  Returns
 * whether it dropped anything; *report on the first drop of a run only.
 */
static bool resync(lsp_reader *r, bool *report)
{
	const char *at = find(data(r) + 1, avail(r) - 1, "Content-Length:");
	size_t keep = sizeof "Content-Length:" - 2;
	size_t n = at ? (size_t)(at - data(r)) : avail(r) > keep ? avail(r) - keep : 0;

	if (n == 0)
		return false;
	drop(r, n);
	*report = !r->garbage;
	r->garbage = !at;
	return true;
}

/* Content-Length of the header block [s, s + n), or -1 when it has none or a bad one. */
static long long content_length(const char *s, size_t n)
{
	long long len = -1;

	while (n > 0) {
		const char *eol = find(s, n, "\r\n");
		size_t line = eol ? (size_t)(eol - s) : n;
		const char *colon = memchr(s, ':', line);

		if (!colon)
			return -1;
		if ((size_t)(colon - s) == 14 && !strncasecmp(s, "Content-Length", 14)) {
			const char *v = colon + 1, *e = s + line;
			char *end;

			while (v < e && *v == ' ')
				v++;
			if (v == e || *v < '0' || *v > '9')
				return -1;
			len = strtoll(v, &end, 10);
			if (end != e || len < 0)
				return -1;
		}
		s += line + (eol ? 2 : 0);
		n -= line + (eol ? 2 : 0);
	}
	return len;
}

enum lsp_next lsp_next(lsp_reader *r, char **body, size_t *blen)
{
	const char *end;
	size_t hlen;
	long long n;

	if (r->skip) {
		size_t k = r->skip < avail(r) ? r->skip : avail(r);

		drop(r, k);
		r->skip -= k;
		if (r->skip)
			return LSP_NONE;
	}
	for (;;) {
		bool report = false;

		if (avail(r) == 0)
			return LSP_NONE;
		end = find(data(r), avail(r), "\r\n\r\n");
		if (!strncasecmp(data(r), "Content-", avail(r) < 8 ? avail(r) : 8) &&
		    (end || avail(r) <= MAX_HEADER))
			break;
		if (!resync(r, &report))
			return LSP_NONE;
		if (report)
			return LSP_BAD_HEADER;
	}
	if (!end)
		return LSP_NONE;
	r->garbage = false;
	hlen = (size_t)(end - data(r)) + 4;
	n = content_length(data(r), hlen - 4);
	if (n < 0) {
		drop(r, hlen);
		r->garbage = true; /* its body, if any, is not reported again */
		return LSP_BAD_HEADER;
	}
	if (n > MAX_BODY) {
		drop(r, hlen);
		r->skip = (size_t)n;
		return LSP_TOO_BIG;
	}
	if (avail(r) - hlen < (size_t)n)
		return LSP_NONE;
	*body = xmalloc((size_t)n + 1);
	memcpy(*body, data(r) + hlen, (size_t)n);
	(*body)[n] = '\0';
	*blen = (size_t)n;
	drop(r, hlen + (size_t)n);
	return LSP_MESSAGE;
}

static bool write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, s, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		s += k;
		n -= (size_t)k;
	}
	return true;
}

bool lsp_write(int fd, const char *body)
{
	size_t n = strlen(body);
	char *msg = xasprintf("Content-Length: %zu\r\n\r\n%s", n, body);
	bool ok = write_all(fd, msg, strlen(msg));

	free(msg);
	return ok;
}
