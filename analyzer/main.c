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
#include <regex.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "inputs.h"
#include "lsp/lsp.h"

/* Configurations read so far: each file's nearest .vtlint.json is read once. */
typedef struct configs {
	VEC(vt_config *) loaded;
	vt_config *fallback;     /* no file anywhere: the defaults */
} configs;

typedef struct job {
	const vt_options *o;
	vt_cmd_opts co;
	const char *srcroot;   /* headers inside it are reported (without --header-filter) */
	const regex_t *header_filter;
	vt_cmds *cmds;
	vt_findings *results;  /* one per command */
	int *status;
	atomic_size_t next;
	bool progress;         /* a terminal on stderr: show how far we are */
	pthread_mutex_t lock;
	size_t done;
	vt_cache *cache;       /* results of unchanged files, or NULL */
} job;

/* ---- commands --------------------------------------------------------------------- */

static vt_cmd_opts cmd_opts(const vt_options *o)
{
	return (vt_cmd_opts){ .dashdash = o->dashdash, .args = o->args.data, .nargs = o->args.len,
			      .extra = o->extra.data, .nextra = o->extra.len,
			      .before = o->extra_before.data, .nbefore = o->extra_before.len,
			      .remove = o->remove.data, .nremove = o->remove.len };
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

/* The files named, read: `-` from stdin, folders walked; 2 when one could not be. */
static int named_files(const vt_options *o, vt_strings *files, vt_findings *all, size_t *failed)
{
	size_t nerr = all->errors.len;

	vt_expand_files(o->files.data, o->files.len, files, all);
	*failed += all->errors.len - nerr;
	return all->errors.len > nerr ? 2 : 0;
}

/* Every file's command; a file whose database could not be read gets status 2. */
static int prepare(const vt_options *o, configs *cs, vt_cmds *cmds, vt_findings *all,
		   size_t *failed)
{
	vt_compdb *db = vt_compdb_new(o->build_path);
	vt_cmd_opts co = cmd_opts(o);
	vt_strings files = { 0 };
	int status = named_files(o, &files, all, failed);

	if (o->quiet) /* the CMake hook's way: one line per finding, nothing else */
		vt_compdb_notes(db, NULL);
	if (o->all && !vt_compdb_all(db, cmds, all))
		status = 2;
	for (size_t i = 0; i < cmds->len; i++)
		vt_finish_command(&co, &cmds->data[i]);
	for (size_t i = 0; i < files.len; i++) {
		vt_cmd c = { 0 };

		if (vt_command_for(db, &co, files.data[i], &c, all)) {
			vec_push(cmds, c);
		} else {
			vt_cmd_free(&c);
			status = 2;
			++*failed;
		}
		free(files.data[i]);
	}
	free(files.data);
	vt_compdb_free(db);
	return configure(o, cs, cmds, all) | status;
}

/* ---- analysis ---------------------------------------------------------------------- */

static void analyze_one(const job *j, struct vt_frontend *f, size_t i)
{
	const vt_cmd *c = &j->cmds->data[i];

	j->status[i] = vt_cache_check(j->cache, f, c, &j->o->run, &j->results[i]);
	vt_filter_headers(&j->results[i], c->path, j->srcroot, j->header_filter);
	vt_display_paths(&j->results[i], c->file);
	if (!vt_suppress_headers(&j->results[i], c->file, j->o->run.show_suppressed))
		j->status[i] = 2;
	vt_explain_errors(&j->results[i], c, vt_no_flags(&j->co, c));
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

/* --cache-dir, or the build folder's; NULL when none (or it cannot be made: only slower). */
static vt_cache *open_cache(const vt_options *o)
{
	char *dir = vt_cache_dir(o->cache_dir, o->build_path, o->no_cache || o->run.parse_only);
	vt_cache *c = dir ? vt_cache_new(dir) : NULL;

	free(dir);
	return c;
}

/* Runs the workers; appends every file's findings to all, in the files' order. */
static int analyze_all(const vt_options *o, vt_cmds *cmds, const char *srcroot,
		       const regex_t *header_filter, vt_findings *all, size_t *failed)
{
	job j = { .o = o, .co = cmd_opts(o), .cmds = cmds, .lock = PTHREAD_MUTEX_INITIALIZER,
		  .srcroot = srcroot, .header_filter = header_filter,
		  .progress = !o->quiet && cmds->len > 1 && isatty(STDERR_FILENO) };
	int jobs = o->jobs < (int)cmds->len ? o->jobs : (int)cmds->len;
	pthread_t *threads = xcalloc((size_t)jobs + 1, sizeof *threads);
	int worst = 0;

	j.cache = open_cache(o);
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
		*failed += j.status[i] == 2;
		vt_findings_move(all, &j.results[i]);
	}
	free(j.results);
	free(j.status);
	free(threads);
	vt_cache_free(j.cache);
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

static bool colored(const vt_options *o)
{
	if (o->color != COLOR_AUTO)
		return o->color == COLOR_ALWAYS;
	return !o->output && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
}

/* The report, to -o FILE or stdout; 2 when it could not be written. */
static int write_report(const vt_options *o, const vt_findings *fs, const char *srcroot)
{
	FILE *out = o->output ? fopen(o->output, "w") : stdout;
	vt_report_opts ro = { .srcroot = srcroot };
	int failed;

	if (!out) {
		fprintf(stderr, "vtlint: cannot write %s: %s\n", o->output, strerror(errno));
		return 2;
	}
	if (!strcmp(o->format->name, "text"))
		ro.color = ro.show_source = colored(o);
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

/* Drops what the baseline has (*hidden: how many); 2 when it could not be read. */
static int apply_baseline(const char *path, vt_findings *all, const char *srcroot, size_t *hidden)
{
	vt_baseline *b = vt_baseline_load(path, all);

	if (!b)
		return 2;
	*hidden = vt_baseline_filter_at(b, all, srcroot);
	vt_baseline_free(b);
	return 0;
}

/* Findings that fail the run: reported, and not at level note. */
static size_t failing(const vt_findings *fs)
{
	size_t n = 0;

	for (size_t i = 0; i < fs->items.len; i++)
		n += !fs->items.data[i].suppressed && fs->items.data[i].level != LEVEL_NOTE;
	return n;
}

/* --srcroot, $GITHUB_WORKSPACE, the git work tree of the files (or the database), the cwd. */
static char *source_root(const vt_options *o, const vt_cmds *cmds)
{
	const char *near = cmds->len ? cmds->data[0].path : o->build_path;

	return vt_source_root(o->srcroot, near ? near : ".");
}

static int serve(vt_options *o)
{
	vt_cmd_opts co = cmd_opts(o);
	int status = vt_lsp_serve(STDIN_FILENO, STDOUT_FILENO, &co, &o->run);

	vt_options_free(o);
	return status;
}

static void free_configs(configs *cs)
{
	for (size_t i = 0; i < cs->loaded.len; i++)
		vt_config_free(cs->loaded.data[i]);
	free(cs->loaded.data);
	vt_config_free(cs->fallback);
}

/* Files analysed: a file compiled with two sets of flags counts once. */
static size_t distinct_files(const vt_cmds *cmds)
{
	size_t n = 0;

	for (size_t i = 0; i < cmds->len; i++) {
		bool again = false;

		for (size_t k = 0; k < i && !again; k++)
			again = !strcmp(cmds->data[k].path, cmds->data[i].path);
		n += !again;
	}
	return n;
}

/* Output, summary and exit status, once every file was analysed. */
static int finish(const vt_options *o, const vt_cmds *cmds, const char *srcroot,
		  vt_findings *all, int status, size_t failed)
{
	size_t hidden = 0;

	vt_findings_unique(all);
	if (o->baseline && apply_baseline(o->baseline, all, srcroot, &hidden) != 0)
		status = 2;
	if (write_report(o, all, srcroot) != 0)
		status = 2;
	if (!strcmp(o->format->name, "text") || o->output)
		print_errors(all);
	fflush(stdout); /* the summary comes after the report, also on a terminal */
	if (!o->quiet)
		vt_print_summary(stderr, all, distinct_files(cmds), failed, hidden);
	if (status < 2 && failing(all))
		status = 1;
	return status;
}

/* Analyses the commands: headers reported as --header-filter or the source root say. */
static int analyze(vt_options *o, vt_cmds *cmds, const char *srcroot, vt_findings *all,
		   size_t *failed)
{
	regex_t re;
	int worst;

	o->run.headers = true;
	if (o->header_filter && regcomp(&re, o->header_filter, REG_EXTENDED | REG_NOSUB) != 0)
		fatal("--header-filter: bad regular expression"); /* cli.c checked it */
	worst = analyze_all(o, cmds, srcroot, o->header_filter ? &re : NULL, all, failed);
	if (o->header_filter)
		regfree(&re);
	return worst;
}

int main(int argc, char **argv)
{
	vt_options o = { 0 };
	vt_findings all = { 0 };
	vt_cmds cmds = { 0 };
	configs cs = { 0 };
	size_t failed = 0;
	int status, worst;
	char *srcroot;

	if (argc > 1 && !strcmp(argv[1], "merge"))
		return vt_merge_main(argc - 1, argv + 1);
	vt_parse_args(&o, argc, argv);
	if (o.lsp)
		return serve(&o);
	cs.fallback = vt_config_default();
	status = prepare(&o, &cs, &cmds, &all, &failed);
	srcroot = source_root(&o, &cmds);
	if (o.shard_n)
		vt_shard_select(&cmds, srcroot, o.shard_k, o.shard_n);
	worst = analyze(&o, &cmds, srcroot, &all, &failed);
	status = finish(&o, &cmds, srcroot, &all, worst > status ? worst : status, failed);
	free(srcroot);
	vt_findings_free(&all);
	free_cmds(&cmds);
	free_configs(&cs);
	vt_options_free(&o);
	return status;
}
