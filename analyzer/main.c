/*
 * main.c: vtlint's command line (cli.md).  Parses options, analyses the
 * files on -j worker threads (one libclang index each), then prints every
 * file's findings in the order the files were given.
 *
 * Exit status: 0 nothing reported, 1 findings, 2 vtlint could not do what
 * was asked (usage, unreadable file, a unit that did not parse).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vtlint.h"

enum format { FMT_TEXT, FMT_JSON };

typedef struct options {
	VEC(const char *) files;
	VEC(const char *) args;
	enum format format;
	const char *output;
	int jobs;
	bool quiet;
	vt_unit_opts unit;
} options;

typedef struct job {
	const options *o;
	vt_findings *results;  /* one per file */
	int *status;
	atomic_size_t next;
} job;

static const char usage_text[] =
	"usage: vtlint [options] FILE... [-- COMPILER-ARGS...]\n"
	"\n"
	"Finds misuse of value tasks (vtask) in C: VT001-VT005.\n"
	"\n"
	"  --format text|json    output format (default text)\n"
	"  -o, --output FILE     write the report to FILE\n"
	"  --enable LIST         only these rules (ids or names, comma-separated)\n"
	"  --disable LIST        not these rules\n"
	"  -j, --jobs N          analyse N files at once (default: online CPUs)\n"
	"  --quiet               no summary line on stderr\n"
	"  --list-rules          list the rules and exit\n"
	"  --version, --help     what they say\n"
	"\n"
	"Exit status: 0 nothing found, 1 findings, 2 vtlint could not do what was asked.\n";

static _Noreturn void usage_error(const char *fmt, const char *arg)
{
	fputs("vtlint: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'vtlint --help'.\n", stderr);
	exit(2);
}

/* --enable/--disable: a comma-separated list of rule ids or names. */
static void set_rules(options *o, const char *list, bool on, bool only)
{
	char *copy = xstrdup(list), *save = NULL;

	if (only)
		for (int r = 0; r < VT_NRULES; r++)
			o->unit.flow.enabled[r] = false;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int r = vt_rule_lookup(t);

		if (r < 0) {
			fprintf(stderr, "vtlint: unknown rule '%s' (see --list-rules)\n", t);
			free(copy);
			exit(2);
		}
		o->unit.flow.enabled[r] = on;
	}
	free(copy);
}

static void list_rules(void)
{
	for (int r = 0; r < VT_NRULES; r++)
		printf("%s  %-20s %s\n", vt_rules[r].id, vt_rules[r].name, vt_rules[r].summary);
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

static bool option(options *o, int argc, char **argv, int *i)
{
	const char *a = argv[*i];

	if (!strcmp(a, "--format")) {
		const char *f = value(argc, argv, i);

		if (!strcmp(f, "text"))
			o->format = FMT_TEXT;
		else if (!strcmp(f, "json"))
			o->format = FMT_JSON;
		else
			usage_error("unknown format '%s' (text or json)", f);
	} else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
		o->output = value(argc, argv, i);
	} else if (!strcmp(a, "--enable")) {
		set_rules(o, value(argc, argv, i), true, true);
	} else if (!strcmp(a, "--disable")) {
		set_rules(o, value(argc, argv, i), false, false);
	} else if (!strcmp(a, "-j") || !strcmp(a, "--jobs")) {
		o->jobs = parse_jobs(value(argc, argv, i));
	} else if (!strncmp(a, "-j", 2) && a[2]) {
		o->jobs = parse_jobs(a + 2);
	} else if (!strcmp(a, "--quiet")) {
		o->quiet = true;
	} else if (!strcmp(a, "--parse-only")) { /* benchmarks: the parse alone */
		o->unit.parse_only = true;
	} else if (!strcmp(a, "--dump-cfg")) {
		o->unit.dump_cfg = stderr;
	} else {
		return false;
	}
	return true;
}

static void parse_args(options *o, int argc, char **argv)
{
	int i;

	for (int r = 0; r < VT_NRULES; r++)
		o->unit.flow.enabled[r] = true;
	o->unit.flow.max_states = 64;
	o->jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage_text, stdout);
			exit(0);
		} else if (!strcmp(argv[i], "--version")) {
			printf("vtlint %s\n", VTLINT_VERSION);
			exit(0);
		} else if (!strcmp(argv[i], "--list-rules")) {
			list_rules();
		} else if (argv[i][0] != '-' || !argv[i][1]) {
			vec_push(&o->files, argv[i]);
		} else if (!option(o, argc, argv, &i)) {
			usage_error("unknown option '%s'", argv[i]);
		}
	}
	for (i++; i < argc; i++)
		vec_push(&o->args, argv[i]);
	if (!o->files.len)
		usage_error("%s", "no input files");
	o->unit.args = o->args.data;
	o->unit.nargs = (int)o->args.len;
	if (o->jobs > (int)o->files.len)
		o->jobs = (int)o->files.len;
}

static void *worker(void *arg)
{
	job *j = arg;
	struct vt_frontend *f = vt_frontend_new();
	size_t i;

	while ((i = atomic_fetch_add(&j->next, 1)) < j->o->files.len) {
		j->status[i] = vt_analyze_file(f, j->o->files.data[i], &j->o->unit, &j->results[i]);
		vt_findings_sort(&j->results[i]);
	}
	vt_frontend_free(f);
	return NULL;
}

/* Runs the workers; returns every file's findings, in the files' order. */
static int analyze_all(const options *o, vt_findings *all)
{
	job j = { .o = o };
	pthread_t *threads = xcalloc((size_t)o->jobs, sizeof *threads);
	int worst = 0;

	j.results = xcalloc(o->files.len, sizeof *j.results);
	j.status = xcalloc(o->files.len, sizeof *j.status);
	atomic_init(&j.next, 0);
	for (int t = 1; t < o->jobs; t++)
		if (pthread_create(&threads[t], NULL, worker, &j) != 0)
			fatal("cannot start a worker thread");
	worker(&j);
	for (int t = 1; t < o->jobs; t++)
		pthread_join(threads[t], NULL);
	for (size_t i = 0; i < o->files.len; i++) {
		worst = j.status[i] > worst ? j.status[i] : worst;
		vt_findings_move(all, &j.results[i]);
	}
	free(j.results);
	free(j.status);
	free(threads);
	return worst;
}

static void print_errors(const vt_findings *fs)
{
	for (size_t i = 0; i < fs->errors.len; i++) {
		const vt_error *e = &fs->errors.data[i];

		if (e->line)
			fprintf(stderr, "%s:%u:%u: error: %s\n", e->file, e->line, e->col, e->message);
		else
			fprintf(stderr, "%s: error: %s\n", e->file, e->message);
	}
}

static void write_report(const options *o, const vt_findings *fs)
{
	FILE *out = o->output ? fopen(o->output, "w") : stdout;
	vt_format_opts fo = { 0 };

	if (!out)
		fatal("cannot write %s", o->output);
	if (o->format == FMT_JSON) {
		vt_format_json(out, fs);
	} else {
		fo.color = !o->output && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
		fo.show_source = fo.color;
		vt_format_text(out, fs, &fo);
	}
	if (out != stdout && fclose(out) != 0)
		fatal("cannot write %s", o->output);
}

int main(int argc, char **argv)
{
	options o = { 0 };
	vt_findings all = { 0 };
	int status;

	parse_args(&o, argc, argv);
	status = analyze_all(&o, &all);
	write_report(&o, &all);
	if (o.format == FMT_TEXT || o.output)
		print_errors(&all);
	fflush(stdout); /* the summary comes after the report, also on a terminal */
	if (!o.quiet)
		fprintf(stderr, "%zu finding%s in %zu file%s\n", all.items.len,
			all.items.len == 1 ? "" : "s", o.files.len, o.files.len == 1 ? "" : "s");
	if (status < 2 && all.items.len)
		status = 1;
	vt_findings_free(&all);
	free(o.files.data);
	free(o.args.data);
	return status;
}
