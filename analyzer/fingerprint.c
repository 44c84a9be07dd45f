/*
 * fingerprint.c: GitHub's primaryLocationLineHash, computed the way
 * codeql-action computes it for an uploaded SARIF file that has none
 * (its src/fingerprints.ts), so that our uploads and those that any
 * client fingerprinted deduplicate alike.
 *
 * The file is read as JavaScript reads it: UTF-8 decoded into UTF-16 code
 * units.  Spaces and tabs are skipped, CR and CRLF become LF, and after the
 * last character come a 65535 and then zeros.  Each line's hash is a
 * polynomial rolling hash (base 37, modulo 2^64) of the 100 units from the
 * line's first one.  It is written in lowercase hex without leading zeros,
 * then ":N", N counting the lines so far in the file with the same hash.
 */
#include <stdlib.h>
#include <string.h>

#include "vtlint.h"

#define BLOCK 100
#define END_OF_FILE 65535 /* what the reference feeds after the last character */

struct vt_line_hashes {
	size_t n;           /* lines, counting the one the end of file may start */
	uint64_t *hash;     /* per line, from line 1 */
	unsigned *count;    /* the N of ":N" */
};

/* The rolling window over the last BLOCK units, as the reference keeps it. */
typedef struct roller {
	uint16_t window[BLOCK];
	unsigned starts[BLOCK]; /* the line that begins at this slot, or 0 */
	unsigned index, line;
	uint64_t hash, first_mod;
	bool line_start, prev_cr;
	vt_line_hashes *out;
} roller;

static void emit(roller *r)
{
	vt_line_hashes *h = r->out;

	/* Lines come out in order: slot starts are assigned in increasing order. */
	h->hash = xrealloc(h->hash, (h->n + 1) * sizeof *h->hash);
	h->hash[h->n++] = r->hash;
	r->starts[r->index] = 0;
}

static void roll(roller *r, uint16_t unit)
{
	uint16_t begin = r->window[r->index];

	r->window[r->index] = unit;
	/* unsigned arithmetic wraps as the reference's signed 64-bit Long does */
	r->hash = 37 * r->hash + unit - r->first_mod * begin;
	r->index = (r->index + 1) % BLOCK;
}

static void feed(roller *r, uint16_t unit)
{
	if (unit == ' ' || unit == '\t' || (r->prev_cr && unit == '\n')) {
		r->prev_cr = false;
		return;
	}
	r->prev_cr = unit == '\r';
	if (unit == '\r')
		unit = '\n';
	/* the slot about to be overwritten began a line BLOCK units ago: its hash is ready */
	if (r->starts[r->index])
		emit(r);
	if (r->line_start) {
		r->line_start = false;
		r->starts[r->index] = ++r->line;
	}
	if (unit == '\n')
		r->line_start = true;
	roll(r, unit);
}

static void feed_code_point(roller *r, uint32_t cp)
{
	if (cp < 0x10000) {
		feed(r, (uint16_t)cp);
	} else {
		cp -= 0x10000;
		feed(r, (uint16_t)(0xd800 + (cp >> 10)));
		feed(r, (uint16_t)(0xdc00 + (cp & 0x3ff)));
	}
}

/*
 * UTF-8 as Node decodes it (the WHATWG decoder): each maximal invalid
 * subsequence becomes one U+FFFD, so hashes of files with stray Latin-1
 * bytes still agree with GitHub's.
 */
static size_t decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned need, lo = 0x80, hi = 0xbf;
	uint32_t c = s[0];
	size_t i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		need = 1, c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 2, c &= 0x0f;
		lo = c == 0 ? 0xa0 : 0x80;
		hi = c == 0xd ? 0x9f : 0xbf;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3, c &= 0x07;
		lo = c == 0 ? 0x90 : 0x80;
		hi = c == 4 ? 0x8f : 0xbf;
	} else {
		*cp = 0xfffd;
		return 1;
	}
	for (i = 1; i <= need; i++, lo = 0x80, hi = 0xbf) {
		if (i >= len || s[i] < lo || s[i] > hi) {
			*cp = 0xfffd;
			return i;
		}
		c = c << 6 | (s[i] & 0x3f);
	}
	*cp = c;
	return i;
}

static int by_hash_then_line(const void *a, const void *b, void *arg)
{
	const uint64_t *hash = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	if (hash[x] != hash[y])
		return hash[x] < hash[y] ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* ":N": how many lines up to this one (in file order) share its hash. */
static void number_repeats(vt_line_hashes *h)
{
	size_t *order = xmalloc((h->n ? h->n : 1) * sizeof *order);

	h->count = xmalloc((h->n ? h->n : 1) * sizeof *h->count);
	for (size_t i = 0; i < h->n; i++)
		order[i] = i;
	qsort_r(order, h->n, sizeof *order, by_hash_then_line, h->hash);
	for (size_t i = 0; i < h->n; i++)
		h->count[order[i]] = i && h->hash[order[i]] == h->hash[order[i - 1]] ?
					     h->count[order[i - 1]] + 1 : 1;
	free(order);
}

vt_line_hashes *vt_line_hashes_text(const char *text, size_t len)
{
	roller r = { .line_start = true, .first_mod = 1 };
	const unsigned char *s = (const unsigned char *)text;
	uint32_t cp;

	r.out = xcalloc(1, sizeof *r.out);
	for (int i = 0; i < BLOCK; i++)
		r.first_mod *= 37;
	for (size_t i = 0, k; i < len; i += k) {
		k = decode(s + i, len - i, &cp);
		feed_code_point(&r, cp);
	}
	feed(&r, END_OF_FILE);
	for (int i = 0; i < BLOCK; i++) {
		if (r.starts[r.index])
			emit(&r);
		roll(&r, 0);
	}
	number_repeats(r.out);
	return r.out;
}

vt_line_hashes *vt_line_hashes_file(const char *path)
{
	size_t len;
	char *text = vt_read_file(path, &len);
	vt_line_hashes *h;

	if (!text)
		return NULL;
	h = vt_line_hashes_text(text, len);
	free(text);
	return h;
}

bool vt_line_hashes_get(const vt_line_hashes *h, unsigned line, char buf[VT_LINE_HASH_SIZE])
{
	if (!h || line == 0 || line > h->n)
		return false;
	snprintf(buf, VT_LINE_HASH_SIZE, "%llx:%u", (unsigned long long)h->hash[line - 1],
		 h->count[line - 1]);
	return true;
}

size_t vt_line_hashes_count(const vt_line_hashes *h)
{
	return h ? h->n : 0;
}

void vt_line_hashes_free(vt_line_hashes *h)
{
	if (!h)
		return;
	free(h->hash);
	free(h->count);
	free(h);
}

char *vt_line_hash(const char *path, unsigned line)
{
	vt_line_hashes *h = vt_line_hashes_file(path);
	char buf[VT_LINE_HASH_SIZE];
	char *s = vt_line_hashes_get(h, line, buf) ? xstrdup(buf) : NULL;

	vt_line_hashes_free(h);
	return s;
}
