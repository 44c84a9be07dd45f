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

typedef struct region {
	char *list;     /* as written between the parentheses, or "" */
	unsigned mask, line;
} region;

typedef struct marks {
	VEC(unsigned) mask;  /* per line (1-based): rules suppressed there */
	VEC(region) open;
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

static void end_region(marks *m, const char *list, unsigned line, const char *name,
		       vt_findings *fs)
{
	for (size_t i = m->open.len; i-- > 0;) {
		region *r = &m->open.data[i];

		if (strcmp(r->list, list) != 0)
			continue;
		for (unsigned l = r->line; l <= line; l++)
			mark(m, l, r->mask);
		free(r->list);
		memmove(r, r + 1, (m->open.len - i - 1) * sizeof *r);
		m->open.len--;
		return;
	}
	vt_add_error(fs, name, line, 0, "unmatched 'NOLINTEND' comment without a previous "
		     "'NOLINTBEGIN' comment");
}

static void scan_line(marks *m, const char *text, unsigned line, const char *name,
		      vt_findings *fs)
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
		} else if (!strncmp(w, "BEGIN", 5)) {
			region r = { .list = list_after(w + 5), .line = line };

			r.mask = rules_of(r.list);
			vec_push(&m->open, r);
			continue;
		} else if (!strncmp(w, "END", 3)) {
			list = list_after(w + 3);
			end_region(m, list, line, name, fs);
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
			scan_line(&m, one, line, name, fs);
		free(one);
		p = nl ? nl + 1 : NULL;
	}
	for (size_t i = 0; i < m.open.len; i++) {
		vt_add_error(fs, name, m.open.data[i].line, 0, "unmatched 'NOLINTBEGIN' comment "
			     "without a subsequent 'NOLINTEND' comment");
		free(m.open.data[i].list);
	}
	filter(fs, name, &m, keep);
	free(m.open.data);
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
