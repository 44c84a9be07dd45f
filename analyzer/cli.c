/*
 * cli.c: vtlint's command line (docs/usage.md).  It follows clang-tidy:
 * `FILE... -- ARGS` (with `--`, no database), -p, --extra-arg,
 * --extra-arg-before, --remove-arg, --header-filter, @FILE (what CMake's
 * <LANG>_CLANG_TIDY hook and build systems pass).
 */
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "inputs.h"

static const char usage_text[] =
	"usage: vtlint [options] FILE... [-- COMPILER-ARGS...]\n"
	"       vtlint [options] --all [-p DIR]\n"
	"\n"
	"Finds misuse of value tasks (vtask) in C; --list-rules names the rules.\n"
	"A FILE may be @LIST (more arguments, one per line), - (file names on stdin)\n"
	"or a folder (every *.c under it).\n"
	"\n"
	"  -p, --build-path DIR   read DIR/compile_commands.json, or DIR if it is a JSON file\n"
	"                         (default: the nearest one walking up from each file, also\n"
	"                         trying build/ beside each)\n"
	"  -- ARGS                no database: ARGS are every file's compiler arguments\n"
	"  --all                  every C file of the compilation database\n"
	"  --extra-arg ARG        add ARG to every compile command (repeatable)\n"
	"  --extra-arg-before ARG put ARG first in every compile command (repeatable)\n"
	"  --remove-arg ARG       remove ARG (or every PREFIX* argument) from every command\n"
	"  --header-filter REGEX  also report findings in headers matching REGEX (default:\n"
	"                         headers inside the source root)\n"
	"  --format text|json|sarif  output format (default text)\n"
	"  -o, --output FILE      write the report to FILE\n"
	"  --color auto|always|never  colour in text output (default auto: a terminal\n"
	"                         and NO_COLOR unset)\n"
	"  --srcroot DIR          the source root report paths and baselines are relative to\n"
	"                         (default: $GITHUB_WORKSPACE, else the git work tree, else\n"
	"                         the current directory)\n"
	"  --enable LIST          only these rules (ids or names, comma-separated)\n"
	"  --disable LIST         not these rules\n"
	"  --config FILE          configuration (default: nearest .vtlint.json)\n"
	"  --baseline FILE        report only findings not in this earlier JSON or SARIF report\n"
	"  --show-suppressed      keep NOLINT-suppressed findings, marked\n"
	"  -j, --jobs N           analyse N files at once (default: online CPUs)\n"
	"  --quiet                no summary line on stderr\n"
	"  --lsp                  serve the Language Server Protocol on stdin/stdout\n"
	"                         (editors: findings on the unsaved buffer while typing)\n"
	"  --shard K/N            only the K-th of N parts of the files (a CI matrix job;\n"
	"                         `vtlint merge` joins the parts' JSON or SARIF reports)\n"
	"  --cache-dir DIR        keep results of unchanged files in DIR (default with a\n"
	"                         database: .vtlint-cache beside compile_commands.json)\n"
	"  --no-cache             analyse every file, keep nothing\n"
	"  --summaries-only       write the summaries of the project's functions as JSON\n"
	"                         (to -o FILE or stdout) instead of a report\n"
	"  --summaries FILE       other files' functions as FILE (--summaries-only) says:\n"
	"                         only the files named are analysed (CI shards)\n"
	"  --list-rules           list the rules\n"
	"  --explain ID           what a rule finds, why it matters, how to fix it\n"
	"  --version, --help      what they say\n"
	"\n"
	"Exit status: 0 nothing found, 1 findings (not counting rules at level note),\n"
	"2 vtlint could not do what was asked.\n";

static _Noreturn void usage_error(const char *fmt, const char *arg)
{
	fputs("vtlint: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'vtlint --help'.\n", stderr);
	exit(2);
}

/* --enable/--disable: a comma-separated list of rule ids or names. */
static void set_rules(vt_options *o, const char *list, bool on, bool only)
{
	char *copy = xstrdup(list), *save = NULL;

	for (int r = 0; only && r < vt_nrules; r++)
		o->run.rule_override[r] = -1;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int r = vt_rule_lookup(t);

		if (r < 0)
			usage_error("unknown rule '%s' (see --list-rules)", t); /* exits */
		o->run.rule_override[r] = on ? 1 : -1;
	}
	free(copy);
}

static void list_rules(void)
{
	for (int r = 0; r < vt_nrules; r++)
		printf("%s  %-20s %s\n", vt_rules[r]->id, vt_rules[r]->name, vt_rules[r]->summary);
	exit(0);
}

static void explain(const char *id)
{
	int r = vt_rule_lookup(id);

	if (r < 0)
		usage_error("unknown rule '%s' (see --list-rules)", id);
	fputs(vt_rule_explanation(r), stdout);
	exit(0);
}

static const char *value(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc)
		usage_error("option '%s' needs a value", argv[*i]);
	return argv[++*i];
}

static int parse_jobs(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*end || n < 1 || n > 1024)
		usage_error("-j takes a number from 1 to 1024, not '%s'", s);
	return (int)n;
}

static const vt_format *parse_format(const char *f)
{
	const vt_format *fmt = vt_format_lookup(f);

	if (!fmt)
		usage_error("unknown format '%s' (text, json or sarif)", f);
	return fmt;
}

/* `--opt=value` and `--opt value` alike; returns the value or NULL. */
static const char *valued(const char *name, int argc, char **argv, int *i)
{
	size_t n = strlen(name);

	if (!strncmp(argv[*i], name, n) && argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (!strcmp(argv[*i], name))
		return value(argc, argv, i);
	return NULL;
}

static enum vt_color parse_color(const char *c)
{
	if (!strcmp(c, "auto"))
		return COLOR_AUTO;
	if (!strcmp(c, "always"))
		return COLOR_ALWAYS;
	if (!strcmp(c, "never"))
		return COLOR_NEVER;
	usage_error("--color takes auto, always or never, not '%s'", c);
}

/* A bad REGEX is bad usage, said now rather than after the analysis. */
static const char *parse_regex(const char *re)
{
	regex_t r;

	if (regcomp(&r, re, REG_EXTENDED | REG_NOSUB) != 0)
		usage_error("--header-filter: '%s' is not a valid regular expression", re);
	regfree(&r);
	return re;
}

static bool flag(vt_options *o, const char *a)
{
	if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
		fputs(usage_text, stdout);
		exit(0);
	} else if (!strcmp(a, "--version")) {
		printf("vtlint %s\n", VTLINT_VERSION);
		exit(0);
	} else if (!strcmp(a, "--list-rules")) {
		list_rules();
	} else if (!strcmp(a, "--all")) {
		o->all = true;
	} else if (!strcmp(a, "--lsp")) {
		o->lsp = true;
	} else if (!strcmp(a, "--quiet")) {
		o->quiet = true;
	} else if (!strcmp(a, "--show-suppressed")) {
		o->run.show_suppressed = true;
	} else if (!strcmp(a, "--parse-only")) { /* benchmarks: the parse alone */
		o->run.parse_only = true;
	} else if (!strcmp(a, "--dump-cfg")) {   /* debugging */
		o->run.dump_cfg = stderr;
	} else {
		return false;
	}
	return true;
}

/* Project scale: shards (shard.c), the cache (cache.c). */
static bool scale_option(vt_options *o, int argc, char **argv, int *i)
{
	const char *v;

	if ((v = valued("--shard", argc, argv, i))) {
		if (!vt_shard_parse(v, &o->shard_k, &o->shard_n))
			usage_error("--shard takes K/N with 1 <= K <= N, not '%s'", v);
		return true;
	}
	if ((v = valued("--cache-dir", argc, argv, i))) {
		o->cache_dir = v;
		return true;
	}
	if (!strcmp(argv[*i], "--no-cache"))
		return o->no_cache = true;
	if (!strcmp(argv[*i], "--summaries-only"))
		return o->summaries_only = true;
	if ((v = valued("--summaries", argc, argv, i))) {
		o->summaries = v;
		return true;
	}
	return false;
}

static bool option(vt_options *o, int argc, char **argv, int *i)
{
	const char *v;

	if (flag(o, argv[*i]))
		return true;
	if ((v = valued("--format", argc, argv, i)))
		o->format = parse_format(v);
	else if ((v = valued("-o", argc, argv, i)) || (v = valued("--output", argc, argv, i)))
		o->output = v;
	else if ((v = valued("-p", argc, argv, i)) || (v = valued("--build-path", argc, argv, i)))
		o->build_path = v;
	else if ((v = valued("--extra-arg", argc, argv, i)))
		vec_push(&o->extra, xstrdup(v));
	else if ((v = valued("--extra-arg-before", argc, argv, i)))
		vec_push(&o->extra_before, xstrdup(v));
	else if ((v = valued("--remove-arg", argc, argv, i)))
		vec_push(&o->remove, xstrdup(v));
	else if ((v = valued("--header-filter", argc, argv, i)))
		o->header_filter = parse_regex(v);
	else if ((v = valued("--color", argc, argv, i)))
		o->color = parse_color(v);
	else if ((v = valued("--enable", argc, argv, i)))
		set_rules(o, v, true, true);
	else if ((v = valued("--disable", argc, argv, i)))
		set_rules(o, v, false, false);
	else if ((v = valued("--config", argc, argv, i)))
		o->config = v;
	else if ((v = valued("--baseline", argc, argv, i)))
		o->baseline = v;
	else if ((v = valued("--srcroot", argc, argv, i)))
		o->srcroot = v;
	else if ((v = valued("--explain", argc, argv, i)))
		explain(v);
	else if ((v = valued("-j", argc, argv, i)) || (v = valued("--jobs", argc, argv, i)))
		o->jobs = parse_jobs(v);
	else if (!strncmp(argv[*i], "-j", 2) && argv[*i][2])
		o->jobs = parse_jobs(argv[*i] + 2);
	else if (!strncmp(argv[*i], "-p", 2) && argv[*i][2])
		o->build_path = argv[*i] + 2;
	else if (scale_option(o, argc, argv, i))
		;
	else
		return false;
	return true;
}

void vt_parse_args(vt_options *o, int argc, char **argv)
{
	int i;

	vt_expand_argv(argc, argv, &o->argv); /* @FILE */
	argc = (int)o->argv.len;
	argv = o->argv.data;
	o->format = vt_format_lookup("text");
	o->jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (argv[i][0] != '-' || !argv[i][1])
			vec_push(&o->files, argv[i]);
		else if (!option(o, argc, argv, &i))
			usage_error("unknown option '%s'", argv[i]);
	}
	o->dashdash = i < argc;
	for (i++; i < argc; i++)
		vec_push(&o->args, xstrdup(argv[i]));
	if (o->lsp && (o->files.len || o->all))
		usage_error("%s", "--lsp takes no files: the editor names them");
	if (!o->files.len && !o->all && !o->lsp)
		usage_error("%s", "no input files (name some, or --all with a compilation database)");
	if (o->files.len && o->all)
		usage_error("%s", "--all takes no files");
	if (o->summaries_only && o->summaries)
		usage_error("%s", "--summaries-only makes the file --summaries reads: not both");
}

static void free_strings(void *data, size_t n)
{
	char **s = data;

	for (size_t i = 0; i < n; i++)
		free(s[i]);
	free(s);
}

void vt_options_free(vt_options *o)
{
	free_strings(o->args.data, o->args.len);
	free_strings(o->extra.data, o->extra.len);
	free_strings(o->extra_before.data, o->extra_before.len);
	free_strings(o->remove.data, o->remove.len);
	free_strings(o->argv.data, o->argv.len);
	free(o->files.data);
}
