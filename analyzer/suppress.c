/*
 * suppress.c: NOLINT comments (cli.md, following clang-tidy).
 *
 *   // NOLINT               this line, every rule
 *   // NOLINT(VT001,VT005)  this line, these rules (ids or names)
 *   // NOLINTNEXTLINE(...)  the next line
 *   // NOLINTBEGIN(...) ... // NOLINTEND(...)   the lines between; the lists must match
 *
 * Names vtlint does not know (another tool's checks) suppress nothing here.
 */
#include <stdlib.h>
#include <string.h>

#include "vtlint.h"

#define ALL_RULES UINT32_MAX /* every rule, those added later too */

/* A NOLINTBEGIN or NOLINTEND comment; regions are paired once the file is read. */
typedef struct region {
	char *list;       /* as written between the parentheses, or "" */
	unsigned line, mask;
	bool begin, paired;
} region;

typedef struct marks {
	VEC(unsigned) mask;  /* per line (1-based): rules suppressed there */
	VEC(region) regions; /* in the order written */
} marks;

/* The rules a list names: "" and "*" are all of them. */
static unsigned rules_of(const char *list)
{
	char *copy = xstrdup(list), *save = NULL;
	unsigned m = 0;

	if (!*list)
		m = ALL_RULES;
	for (char *t = strtok_r(copy, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save)) {
		int r = vt_rule_lookup(t);

		if (!strcmp(t, "*"))
			m = ALL_RULES;
		else if (r >= 0)
			m |= 1u << r;
	}
	free(copy);
	return m;
}

static void mark(marks *m, unsigned line, unsigned rules)
{
	while (m->mask.len <= line)
		vec_push(&m->mask, 0u);
	m->mask.data[line] |= rules;
}

/* After a NOLINT word: "(list)" gives the list, anything else means all rules. */
static char *list_after(const char *p)
{
	const char *end;

	if (*p != '(' || !(end = strchr(p, ')')))
		return xstrdup("");
	return strndup(p + 1, (size_t)(end - p - 1));
}

static void scan_line(marks *m, const char *text, unsigned line)
{
	const char *c = strstr(text, "//"), *b = strstr(text, "/*"), *p;

	if (!c || (b && b < c))
		c = b;
	for (p = c ? strstr(c, "NOLINT") : NULL; p; p = strstr(p + 6, "NOLINT")) {
		const char *w = p + 6;
		char *list;

		if (!strncmp(w, "NEXTLINE", 8)) {
			list = list_after(w + 8);
			mark(m, line + 1, rules_of(list));
		} else if (!strncmp(w, "BEGIN", 5) || !strncmp(w, "END", 3)) {
			bool begin = *w == 'B';
			region r = { .list = list_after(w + (begin ? 5 : 3)), .line = line,
				     .begin = begin };

			r.mask = begin ? rules_of(r.list) : 0;
			vec_push(&m->regions, r);
			continue;
		} else {
			list = list_after(w);
			mark(m, line, rules_of(list));
		}
		free(list);
	}
}

typedef struct filter_ctx {
	const char *name;
	const marks *m;
	bool keep;
} filter_ctx;

/* Drops a suppressed finding, or marks it when the user keeps them. */
static bool suppressed(vt_finding *f, void *ctx)
{
	const filter_ctx *c = ctx;
	bool hit = strcmp(f->loc.file, c->name) == 0 && f->loc.line < c->m->mask.len &&
		   (c->m->mask.data[f->loc.line] & (1u << f->rule));

	f->suppressed = hit;
	return hit && !c->keep;
}

static void filter(vt_findings *fs, const char *name, const marks *m, bool keep)
{
	filter_ctx c = { .name = name, .m = m, .keep = keep };

	vt_findings_drop(fs, suppressed, &c);
}

/* ---- regions: paired and marked in O(n log n), however deep they nest ------------ */

/* By list, then in the order written (the regions live in one array). */
static int by_list(const void *pa, const void *pb)
{
	const region *a = *(region *const *)pa, *b = *(region *const *)pb;
	int c = strcmp(a->list, b->list);

	return c ? c : (a > b) - (a < b);
}

typedef struct span_end {
	unsigned line, mask;
	bool open;  /* the span's first line, or the line after its last */
} span_end;

typedef VEC(span_end) span_ends;

/*
 * Each NOLINTEND closes the latest NOLINTBEGIN still open with the same
 * list: per list, a stack.  Sorting by list groups the lists; the pairs'
 * spans go to out.
 */
static void pair_regions(marks *m, span_ends *out)
{
	region **by = xmalloc((m->regions.len + 1) * sizeof *by);
	VEC(region *) open = { 0 };

	for (size_t i = 0; i < m->regions.len; i++)
		by[i] = &m->regions.data[i];
	qsort(by, m->regions.len, sizeof *by, by_list);
	for (size_t i = 0; i < m->regions.len; i++) {
		region *r = by[i];

		if (i && strcmp(by[i - 1]->list, r->list))
			open.len = 0; /* another list: what is still open stays unpaired */
		if (r->begin) {
			vec_push(&open, r);
		} else if (open.len) {
			region *b = open.data[--open.len];

			b->paired = r->paired = true;
			vec_push(out, ((span_end){ b->line, b->mask, true }));
			vec_push(out, ((span_end){ r->line + 1, b->mask, false }));
		}
	}
	free(open.data);
	free(by);
}

static int by_line(const void *pa, const void *pb)
{
	const span_end *a = pa, *b = pb;

	return (a->line > b->line) - (a->line < b->line);
}

/* Marks every line of every span: one sweep, a count of open spans per rule. */
static void mark_spans(marks *m, span_end *ends, size_t n)
{
	unsigned open[32] = { 0 }, now = 0;
	size_t k = 0;

	if (!n)
		return;
	qsort(ends, n, sizeof *ends, by_line);
	mark(m, ends[n - 1].line, 0);
	for (unsigned line = ends[0].line; line < ends[n - 1].line; line++) {
		for (; k < n && ends[k].line == line; k++) {
			now = 0;
			for (unsigned r = 0; r < 32; r++) {
				open[r] += ends[k].mask >> r & 1 ? (ends[k].open ? 1u : -1u) : 0;
				now |= open[r] ? 1u << r : 0;
			}
		}
		m->mask.data[line] |= now;
	}
}

/* Pairs and marks the regions; an end or a begin without its other half is an error. */
static void mark_regions(marks *m, const char *name, vt_findings *fs)
{
	span_ends ends = { 0 };

	pair_regions(m, &ends);
	mark_spans(m, ends.data, ends.len);
	free(ends.data);
	for (size_t i = 0; i < m->regions.len; i++)
		if (!m->regions.data[i].begin && !m->regions.data[i].paired)
			vt_add_error(fs, name, m->regions.data[i].line, 0, "unmatched 'NOLINTEND' "
				     "comment without a previous 'NOLINTBEGIN' comment");
	for (size_t i = 0; i < m->regions.len; i++)
		if (m->regions.data[i].begin && !m->regions.data[i].paired)
			vt_add_error(fs, name, m->regions.data[i].line, 0, "unmatched 'NOLINTBEGIN' "
				     "comment without a subsequent 'NOLINTEND' comment");
}

bool vt_suppress_text(const char *text, const char *name, vt_findings *fs, bool keep)
{
	marks m = { 0 };
	size_t nerr = fs->errors.len;
	unsigned line = 0;

	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		char *one = nl ? strndup(p, (size_t)(nl - p)) : xstrdup(p);

		line++;
		if (strstr(one, "NOLINT"))
			scan_line(&m, one, line);
		free(one);
		p = nl ? nl + 1 : NULL;
	}
	mark_regions(&m, name, fs);
	filter(fs, name, &m, keep);
	for (size_t i = 0; i < m.regions.len; i++)
		free(m.regions.data[i].list);
	free(m.regions.data);
	free(m.mask.data);
	return fs->errors.len == nerr;
}

bool vt_suppress(const char *path, const char *name, vt_findings *fs, bool keep)
{
	char *text = vt_read_file(path, NULL);
	bool ok;

	if (!text)
		return true; /* the analysis already said why it could not read it */
	ok = vt_suppress_text(text, name, fs, keep);
	free(text);
	return ok;
}
