/*
 * main.c: the driver.  Works out each file's compile command (compdb.c),
 * analyses the files on -j worker threads (one libclang index each), applies
 * suppressions and the baseline, then prints every file's findings in the
 * order the files were given.
 *
 * Exit status: 0 nothing reported, 1 findings, 2 vtlint could not do what
 * was asked (usage, unreadable file or database, bad configuration, a unit
 * that did not parse); nothing already found is lost either way.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "lsp/lsp.h"

/* Configurations read so far: each file's nearest .vtlint.json is read once. */
typedef struct configs {
	VEC(vt_config *) loaded;
	vt_config *fallback;     /* no file anywhere: the defaults */
} configs;

typedef struct job {
	const vt_options *o;
	vt_cmds *cmds;
	vt_findings *results;  /* one per command */
	int *status;
	atomic_size_t next;
	bool progress;         /* a terminal on stderr: show how far we are */
	pthread_mutex_t lock;
	size_t done;
} job;

/* ---- commands --------------------------------------------------------------------- */

static void add_extra(const vt_options *o, vt_cmd *c)
{
	for (size_t i = 0; i < o->extra.len; i++)
		vec_push(&c->args, xstrdup(o->extra.data[i]));
	if (o->extra_before.len) {
		size_t n = o->extra_before.len;

		vec_reserve(&c->args, n);
		memmove(c->args.data + n, c->args.data, c->args.len * sizeof *c->args.data);
		for (size_t i = 0; i < n; i++)
			c->args.data[i] = xstrdup(o->extra_before.data[i]);
		c->args.len += n;
	}
}

/* The configuration for one file; NULL (error added once) when it is bad. */
static vt_config *config_for(const vt_options *o, configs *cs, const char *file,
			     vt_findings *all)
{
	char *path = o->config ? xstrdup(o->config) : vt_config_find(file);
	vt_config *c;

	if (!path)
		return cs->fallback;
	for (size_t i = 0; i < cs->loaded.len; i++)
		if (cs->loaded.data[i] && !strcmp(cs->loaded.data[i]->path, path)) {
			free(path);
			return cs->loaded.data[i];
		}
	for (size_t i = 0; i < all->errors.len; i++)
		if (!strcmp(all->errors.data[i].file, path)) { /* already found bad */
			free(path);
			return NULL;
		}
	c = vt_config_load(path, all);
	free(path);
	if (c)
		vec_push(&cs->loaded, c);
	return c;
}

/* Configurations, then skip patterns: a bad configuration is status 2 for its files. */
static int configure(const vt_options *o, configs *cs, vt_cmds *cmds, vt_findings *all)
{
	size_t j = 0;
	int status = 0;

	for (size_t i = 0; i < cmds->len; i++) {
		vt_cmd *c = &cmds->data[i];

		c->config = config_for(o, cs, c->path, all);
		if (!c->config)
			status = 2;
		if (!c->config || vt_config_skips(c->config, c->file))
			vt_cmd_free(c);
		else
			cmds->data[j++] = *c;
	}
	cmds->len = j;
	return status;
}

/* Every file's command; a file whose database could not be read gets status 2. */
static int prepare(const vt_options *o, configs *cs, vt_cmds *cmds, vt_findings *all)
{
	vt_compdb *db = vt_compdb_new(o->build_path);
	int status = 0;

	if (o->all && !vt_compdb_all(db, cmds, all))
		status = 2;
	for (size_t i = 0; i < o->files.len; i++) {
		vt_cmd c = { 0 };

		if (vt_compdb_command(db, o->files.data[i], o->args.data, (int)o->args.len, &c, all))
			vec_push(cmds, c);
		else {
			vt_cmd_free(&c);
			status = 2;
		}
	}
	for (size_t i = 0; i < cmds->len; i++)
		add_extra(o, &cmds->data[i]);
	vt_compdb_free(db);
	return configure(o, cs, cmds, all) | status;
}

/* ---- analysis ---------------------------------------------------------------------- */

static void analyze_one(const job *j, struct vt_frontend *f, size_t i)
{
	j->status[i] = vt_check_file(f, &j->cmds->data[i], &j->o->run, &j->results[i]);
	vt_fingerprint_all(&j->results[i]);
}

/* One line, rewritten in place: "[12/300] src/cache.c". */
static void show_progress(job *j, size_t i)
{
	pthread_mutex_lock(&j->lock);
	j->done++;
	fprintf(stderr, "\r\033[K[%zu/%zu] %s", j->done, j->cmds->len, j->cmds->data[i].file);
	fflush(stderr);
	pthread_mutex_unlock(&j->lock);
}

static void *worker(void *arg)
{
	job *j = arg;
	struct vt_frontend *f = vt_frontend_new();
	size_t i;

	while ((i = atomic_fetch_add(&j->next, 1)) < j->cmds->len) {
		analyze_one(j, f, i);
		if (j->progress)
			show_progress(j, i);
	}
	vt_frontend_free(f);
	return NULL;
}

/* Runs the workers; appends every file's findings to all, in the files' order. */
static int analyze_all(const vt_options *o, vt_cmds *cmds, vt_findings *all)
{
	job j = { .o = o, .cmds = cmds, .lock = PTHREAD_MUTEX_INITIALIZER,
		  .progress = !o->quiet && cmds->len > 1 && isatty(STDERR_FILENO) };
	int jobs = o->jobs < (int)cmds->len ? o->jobs : (int)cmds->len;
	pthread_t *threads = xcalloc((size_t)jobs + 1, sizeof *threads);
	int worst = 0;

	j.results = xcalloc(cmds->len + 1, sizeof *j.results);
	j.status = xcalloc(cmds->len + 1, sizeof *j.status);
	atomic_init(&j.next, 0);
	for (int t = 1; t < jobs; t++)
		if (pthread_create(&threads[t], NULL, worker, &j) != 0)
			fatal("cannot start a worker thread");
	worker(&j);
	for (int t = 1; t < jobs; t++)
		pthread_join(threads[t], NULL);
	if (j.progress)
		fputs("\r\033[K", stderr); /* the report takes the line's place */
	for (size_t i = 0; i < cmds->len; i++) {
		worst = j.status[i] > worst ? j.status[i] : worst;
		vt_findings_move(all, &j.results[i]);
	}
	free(j.results);
	free(j.status);
	free(threads);
	return worst;
}

/* ---- output -------------------------------------------------------------------------- */

static void print_errors(const vt_findings *fs)
{
	for (size_t i = 0; i < fs->errors.len; i++) {
		const vt_error *e = &fs->errors.data[i];

		if (e->line && e->col)
			fprintf(stderr, "%s:%u:%u: error: %s\n", e->file, e->line, e->col, e->message);
		else if (e->line)
			fprintf(stderr, "%s:%u: error: %s\n", e->file, e->line, e->message);
		else
			fprintf(stderr, "%s: error: %s\n", e->file, e->message);
	}
}

/* The report, to -o FILE or stdout; 2 when it could not be written. */
static int write_report(const vt_options *o, const vt_findings *fs)
{
	FILE *out = o->output ? fopen(o->output, "w") : stdout;
	vt_report_opts ro = { .srcroot = o->srcroot };
	int failed;

	if (!out) {
		fprintf(stderr, "vtlint: cannot write %s: %s\n", o->output, strerror(errno));
		return 2;
	}
	if (!strcmp(o->format->name, "text"))
		ro.color = ro.show_source = !o->output && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	failed = o->format->write(out, fs, &ro) != 0;
	failed |= out == stdout ? fflush(out) != 0 : fclose(out) != 0;
	if (failed)
		fprintf(stderr, "vtlint: cannot write the report to %s\n",
			o->output ? o->output : "standard output");
	return failed ? 2 : 0;
}

static void free_cmds(vt_cmds *cmds)
{
	for (size_t i = 0; i < cmds->len; i++)
		vt_cmd_free(&cmds->data[i]);
	free(cmds->data);
}

static int apply_baseline(const char *path, vt_findings *all)
{
	vt_baseline *b = vt_baseline_load(path, all);

	if (!b)
		return 2;
	vt_baseline_filter(b, all);
	vt_baseline_free(b);
	return 0;
}

static size_t reported(const vt_findings *fs)
{
	size_t n = 0;

	for (size_t i = 0; i < fs->items.len; i++)
		n += !fs->items.data[i].suppressed;
	return n;
}

int main(int argc, char **argv)
{
	vt_options o = { 0 };
	vt_findings all = { 0 };
	vt_cmds cmds = { 0 };
	configs cs = { .fallback = vt_config_default() };
	int status, worst;

	vt_parse_args(&o, argc, argv);
	if (o.lsp) {
		status = vt_lsp_serve(STDIN_FILENO, STDOUT_FILENO, o.args.data, (int)o.args.len);
		vt_config_free(cs.fallback);
		vt_options_free(&o);
		return status;
	}
	status = prepare(&o, &cs, &cmds, &all);
	worst = analyze_all(&o, &cmds, &all);
	status = worst > status ? worst : status;
	if (o.baseline && apply_baseline(o.baseline, &all) != 0)
		status = 2;
	if (write_report(&o, &all) != 0)
		status = 2;
	if (!strcmp(o.format->name, "text") || o.output)
		print_errors(&all);
	fflush(stdout); /* the summary comes after the report, also on a terminal */
	if (!o.quiet)
		fprintf(stderr, "%zu finding%s in %zu file%s\n", reported(&all),
			reported(&all) == 1 ? "" : "s", cmds.len, cmds.len == 1 ? "" : "s");
	if (status < 2 && reported(&all))
		status = 1;
	vt_findings_free(&all);
	free_cmds(&cmds);
	for (size_t i = 0; i < cs.loaded.len; i++)
		vt_config_free(cs.loaded.data[i]);
	free(cs.loaded.data);
	vt_config_free(cs.fallback);
	vt_options_free(&o);
	return status;
}
