/*
 * main.c: the driver.  Works out each file's compile command (compdb.c),
 * analyses the files on -j worker threads (one libclang index each), applies
 * suppressions and the baseline, then prints the findings ordered by file,
 * line, column and rule (whatever order the files were named in: a sharded
 * run's merged reports are the same report).
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
#include "rounds.h"

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
	/* summaries across files: rounds (rounds.c) */
	size_t nreport;        /* cmds[0..nreport) are reported; the others give summaries */
	int jobs;              /* worker threads */
	const size_t *queue;   /* this round's commands */
	size_t nqueue;
	const vt_store *store; /* other files' summaries: only read during a round */
	vt_unit_sums *sums;    /* one per command: its exports and lookups */
	bool *parsed;          /* analysed, not answered by the cache, in some round */
	bool *unsettled;       /* its lookups still changing when it reached the cap */
	bool dumping;          /* --dump-cfg: the last pass, against the settled store */
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

/* Every file's command, from db; a file whose database could not be read gets status 2. */
static int prepare(const vt_options *o, vt_compdb *db, configs *cs, vt_cmds *cmds,
		   vt_findings *all, size_t *failed)
{
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
	return configure(o, cs, cmds, all) | status;
}

/* ---- the project: what other files' summaries come from ------------------------------- */

static bool has_path(const vt_cmds *cmds, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(cmds->data[i].path, path))
			return true;
	return false;
}

/* The databases the named files' commands came from, each once. */
static void databases_of(const vt_cmds *cmds, vt_strings *dbs)
{
	for (size_t i = 0; i < cmds->len; i++) {
		bool seen = !cmds->data[i].origin;

		for (size_t k = 0; k < dbs->len && !seen; k++)
			seen = !strcmp(dbs->data[k], cmds->data[i].origin);
		if (!seen)
			vec_push(dbs, xstrdup(cmds->data[i].origin));
	}
}

/*
 * The project is every file of the databases the named files came from (db
 * read them already): those not named are appended, analysed for their
 * summaries only.  With `--` the named files are the project; with
 * --summaries FILE, FILE is.
 */
/*
 * The rest of each database the files named come from, for its summaries,
 * and the named files' other entries (the same file built twice, with other
 * flags), which are reported as the first is: after cmds[0..*nreport).
 */
static void project_files(const vt_options *o, vt_compdb *db, configs *cs, vt_cmds *cmds,
			  size_t *nreport)
{
	vt_cmd_opts co = cmd_opts(o);
	vt_findings scratch = { 0 }; /* their problems are not what the user asked about */
	vt_strings dbs = { 0 };
	vt_cmds more = { 0 }, keep = { 0 }, twins = { 0 };

	if (o->dashdash || o->all || o->summaries || o->run.parse_only)
		return; /* --parse-only: no summaries, the files named are the benchmark */
	databases_of(cmds, &dbs);
	vt_compdb_notes(db, NULL); /* notes are about the files named */
	for (size_t k = 0; k < dbs.len; k++) {
		vt_compdb_all_of(db, dbs.data[k], &more);
		free(dbs.data[k]);
	}
	for (size_t i = 0; i < more.len; i++) {
		vt_finish_command(&co, &more.data[i]);
		if (vt_cmds_have(cmds, 0, &more.data[i]) || vt_cmds_have(&twins, 0, &more.data[i]) ||
		    vt_cmds_have(&keep, 0, &more.data[i]))
			vt_cmd_free(&more.data[i]);
		else if (has_path(cmds, *nreport, more.data[i].path))
			vec_push(&twins, more.data[i]);
		else
			vec_push(&keep, more.data[i]);
	}
	configure(o, cs, &twins, &scratch);
	configure(o, cs, &keep, &scratch);
	for (size_t i = 0; i < twins.len; i++)
		vec_push(cmds, twins.data[i]);
	*nreport += twins.len;
	for (size_t i = 0; i < keep.len; i++)
		vec_push(cmds, keep.data[i]);
	vt_findings_free(&scratch);
	free(dbs.data);
	free(more.data);
	free(keep.data);
	free(twins.data);
}

/*
 * --shard K/N: the shard's files first (reported), then the other named
 * files, read for their summaries unless --summaries gave them all.
 */
static void shard_split(const vt_options *o, vt_cmds *cmds, size_t *nreport, const char *srcroot)
{
	vt_cmds out = { 0 };

	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < *nreport; i++) {
			bool mine = vt_shard_of(cmds->data[i].path, srcroot, o->shard_n) == o->shard_k;

			if (mine != !pass)
				continue; /* the other pass's */
			if (mine || !o->summaries)
				vec_push(&out, cmds->data[i]);
			else
				vt_cmd_free(&cmds->data[i]);
		}
	for (size_t i = *nreport; i < cmds->len; i++) /* the project's other files */
		vec_push(&out, cmds->data[i]);
	*nreport = 0;
	for (size_t i = 0; i < out.len; i++)
		*nreport += vt_shard_of(out.data[i].path, srcroot, o->shard_n) == o->shard_k;
	free(cmds->data);
	*cmds = out;
}

/* ---- analysis ---------------------------------------------------------------------- */

static void analyze_one(const job *j, struct vt_frontend *f, size_t i)
{
	const vt_cmd *c = &j->cmds->data[i];
	vt_run_opts ro = j->o->run;
	bool hit;

	ro.store = j->store;
	ro.sums = &j->sums[i];
	ro.dump_cfg = j->dumping ? ro.dump_cfg : NULL;
	ro.lazy = j->cmds->len == 1 && !j->o->summaries_only && !ro.dump_cfg;
	vt_findings_free(&j->results[i]); /* an earlier round's */
	vt_unit_sums_free(&j->sums[i]);
	memset(&j->results[i], 0, sizeof j->results[i]);
	j->status[i] = vt_cache_check(j->cache, f, c, &ro, &j->results[i], &hit);
	j->parsed[i] |= !hit;
	if (i >= j->nreport) { /* read for its summaries only */
		vt_findings_free(&j->results[i]);
		memset(&j->results[i], 0, sizeof j->results[i]);
		return;
	}
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
	fprintf(stderr, "\r\033[K[%zu/%zu] %s", j->done, j->nqueue, j->cmds->data[i].file);
	fflush(stderr);
	pthread_mutex_unlock(&j->lock);
}

static void *worker(void *arg)
{
	job *j = arg;
	struct vt_frontend *f = vt_frontend_new();
	size_t i;

	while ((i = atomic_fetch_add(&j->next, 1)) < j->nqueue) {
		analyze_one(j, f, j->queue[i]);
		if (j->progress)
			show_progress(j, j->queue[i]);
	}
	vt_frontend_free(f);
	return NULL;
}

/*
 * --cache-dir, or the build folder's: -p's, else the one of the database
 * the files' commands came from, whose other files are read for their
 * summaries on every run.  NULL when none (or it cannot be made: only slower).
 */
static vt_cache *open_cache(const vt_options *o, const vt_cmds *cmds)
{
	const char *build = o->build_path;
	char *dir;
	vt_cache *c;

	for (size_t i = 0; i < cmds->len && !build; i++)
		build = cmds->data[i].origin;
	dir = vt_cache_dir(o->cache_dir, build, o->no_cache || o->run.parse_only);
	c = dir ? vt_cache_new(dir) : NULL;

	free(dir);
	return c;
}

/* One round: the queued commands on -j workers, against j->store. */
static void run_round(job *j, int jobs)
{
	pthread_t *threads = xcalloc((size_t)jobs + 1, sizeof *threads);

	atomic_store(&j->next, 0);
	j->done = 0;
	for (int t = 1; t < jobs; t++)
		if (pthread_create(&threads[t], NULL, worker, j) != 0)
			fatal("cannot start a worker thread");
	worker(j);
	for (int t = 1; t < jobs; t++)
		pthread_join(threads[t], NULL);
	if (j->progress)
		fputs("\r\033[K", stderr); /* the report takes the line's place */
	free(threads);
}

/* Files whose summaries of other files had not settled when they were last analysed. */
static void note_unsettled(job *j)
{
	for (size_t i = 0; i < j->nreport; i++)
		if (j->unsettled[i])
			vt_add_limit(&j->results[i], (vt_loc){ j->cmds->data[i].file, 0, 0 },
				     "summaries of functions in other files did not settle after "
				     "%d analyses: findings rest on the last one", VT_MAX_ANALYSES);
}

/* A round (rounds.c): the queued commands on -j workers, against store. */
static void analyse_round(void *ctx, const size_t *queue, size_t n, const vt_store *store)
{
	job *j = ctx;

	j->queue = queue;
	j->nqueue = n;
	j->store = store;
	run_round(j, j->jobs);
}

/*
 * --dump-cfg: a function's CFG depends on its callees' summaries, so it is
 * printed once, by one more analysis of the reported files once the rounds
 * settled (not by every round, nor for the files read for summaries only).
 */
static void dump_pass(job *j)
{
	size_t *all = xcalloc(j->nreport + 1, sizeof *all);

	for (size_t i = 0; i < j->nreport; i++)
		all[i] = i;
	j->dumping = true;
	analyse_round(j, all, j->nreport, j->store);
	free(all);
}

/* Rounds until the summaries settle (rounds.c), then --dump-cfg's pass. */
static void rounds(job *j, vt_store *start, bool given)
{
	vt_rounds r = { .nfiles = j->cmds->len, .sums = j->sums, .parsed = j->parsed,
			.unsettled = j->unsettled, .analyse = analyse_round, .ctx = j };

	j->store = vt_rounds_run(&r, start, given);
	note_unsettled(j);
	if (j->o->run.dump_cfg)
		dump_pass(j);
}

/* The store the run starts from: --summaries FILE, the cache's, or none; NULL: bad FILE. */
static vt_store *start_store(const vt_options *o, const vt_cache *cache, vt_findings *all)
{
	vt_store *s;
	char *why = NULL;

	if (!o->summaries)
		return (cache ? vt_cache_load_store(cache) : NULL) ?: vt_store_new();
	s = vt_store_load(o->summaries, &why);
	if (!s) {
		vt_add_error(all, o->summaries, 0, 0, "not a usable summaries file: %s", why);
		free(why);
	}
	return s;
}

/* Runs the rounds; appends the reported files' findings to all, in the files' order. */
static int analyze_all(const vt_options *o, vt_cmds *cmds, size_t nreport, const char *srcroot,
		       const regex_t *header_filter, vt_findings *all, size_t *failed,
		       vt_store **final)
{
	job j = { .o = o, .co = cmd_opts(o), .cmds = cmds, .lock = PTHREAD_MUTEX_INITIALIZER,
		  .srcroot = srcroot, .header_filter = header_filter, .nreport = nreport,
		  .progress = !o->quiet && cmds->len > 1 && isatty(STDERR_FILENO),
		  .jobs = o->jobs < (int)cmds->len ? o->jobs : (int)cmds->len };
	vt_store *start;
	int worst = 0;

	j.cache = open_cache(o, cmds);
	if (!(start = start_store(o, j.cache, all))) {
		vt_cache_free(j.cache);
		return 2;
	}
	j.results = xcalloc(cmds->len + 1, sizeof *j.results);
	j.status = xcalloc(cmds->len + 1, sizeof *j.status);
	j.sums = xcalloc(cmds->len + 1, sizeof *j.sums);
	j.parsed = xcalloc(cmds->len + 1, sizeof *j.parsed);
	j.unsettled = xcalloc(cmds->len + 1, sizeof *j.unsettled);
	atomic_init(&j.next, 0);
	j.jobs = j.jobs > 0 ? j.jobs : 1;
	rounds(&j, start, o->summaries != NULL);
	for (size_t i = 0; i < cmds->len; i++) {
		if (i < nreport) {
			worst = j.status[i] > worst ? j.status[i] : worst;
			*failed += j.status[i] == 2;
			vt_findings_move(all, &j.results[i]);
		}
		vt_findings_free(&j.results[i]);
		vt_unit_sums_free(&j.sums[i]);
	}
	if (j.cache && !o->summaries)
		vt_cache_save_store(j.cache, j.store);
	*final = (vt_store *)j.store;
	free(j.results);
	free(j.status);
	free(j.sums);
	free(j.parsed);
	free(j.unsettled);
	vt_cache_free(j.cache);
	return worst;
}

/* ---- output -------------------------------------------------------------------------- */

static void print_places(const vt_error *es, size_t n, const char *kind)
{
	for (size_t i = 0; i < n; i++) {
		const vt_error *e = &es[i];

		if (e->line && e->col)
			fprintf(stderr, "%s:%u:%u: %s: %s\n", e->file, e->line, e->col, kind, e->message);
		else if (e->line)
			fprintf(stderr, "%s:%u: %s: %s\n", e->file, e->line, kind, e->message);
		else
			fprintf(stderr, "%s: %s: %s\n", e->file, kind, e->message);
	}
}

static void print_errors(const vt_findings *fs)
{
	print_places(fs->errors.data, fs->errors.len, "error");
}

/* Functions analysed with paths merged: an empty report of them proves
 * less, which a reader of the text report must learn from the report. */
static void print_limits(const vt_findings *fs, const vt_options *o)
{
	if (!o->quiet)
		print_places(fs->limits.data, fs->limits.len, "note");
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

static int path_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Files analysed: a file compiled with two sets of flags counts once. */
static size_t distinct_files(const vt_cmds *cmds)
{
	const char **paths = xcalloc(cmds->len + 1, sizeof *paths);
	size_t n = 0;

	for (size_t i = 0; i < cmds->len; i++)
		paths[i] = cmds->data[i].path;
	qsort(paths, cmds->len, sizeof *paths, path_cmp);
	for (size_t i = 0; i < cmds->len; i++)
		n += i == 0 || strcmp(paths[i - 1], paths[i]) != 0;
	free(paths);
	return n;
}

/* Output, summary and exit status, once every file was analysed. */
static int finish(const vt_options *o, const vt_cmds *cmds, const char *srcroot,
		  vt_findings *all, int status, size_t failed)
{
	size_t hidden = 0;

	vt_findings_unique(all);
	vt_report_order(all, srcroot); /* the files' order is not the report's: shards merge to it */
	if (o->baseline && apply_baseline(o->baseline, all, srcroot, &hidden) != 0)
		status = 2;
	if (write_report(o, all, srcroot) != 0)
		status = 2;
	if (!strcmp(o->format->name, "text") || o->output) {
		print_errors(all);
		print_limits(all, o);
	}
	fflush(stdout); /* the summary comes after the report, also on a terminal */
	if (!o->quiet)
		vt_print_summary(stderr, all, distinct_files(cmds), failed, hidden);
	if (status < 2 && failing(all))
		status = 1;
	return status;
}

/* --summaries-only: the store, to -o FILE or stdout; errors on stderr. */
static int write_summaries(const vt_options *o, const vt_store *s, const vt_findings *all,
			   int status)
{
	char *text = vt_store_to_json(s);
	FILE *out = o->output ? fopen(o->output, "w") : stdout;
	bool ok = out && fputs(text, out) >= 0 && fputc('\n', out) != EOF;

	if (out)
		ok = (out == stdout ? fflush(out) == 0 : fclose(out) == 0) && ok;
	if (!ok) {
		fprintf(stderr, "vtlint: cannot write the summaries to %s\n",
			o->output ? o->output : "standard output");
		status = 2;
	}
	print_errors(all);
	free(text);
	return status;
}

/* Analyses the commands: headers reported as --header-filter or the source root say. */
static int analyze(vt_options *o, vt_cmds *cmds, size_t nreport, const char *srcroot,
		   vt_findings *all, size_t *failed, vt_store **final)
{
	regex_t re;
	int worst;

	o->run.headers = true;
	if (o->header_filter && regcomp(&re, o->header_filter, REG_EXTENDED | REG_NOSUB) != 0)
		fatal("--header-filter: bad regular expression"); /* cli.c checked it */
	worst = analyze_all(o, cmds, nreport, srcroot, o->header_filter ? &re : NULL, all, failed,
			    final);
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
	size_t failed = 0, nreport;
	vt_store *store = NULL;
	vt_compdb *db;
	int status, worst;
	char *srcroot;

	if (argc > 1 && !strcmp(argv[1], "merge"))
		return vt_merge_main(argc - 1, argv + 1);
	vt_parse_args(&o, argc, argv);
	if (o.lsp)
		return serve(&o);
	cs.fallback = vt_config_default();
	db = vt_compdb_new(o.build_path);
	status = prepare(&o, db, &cs, &cmds, &all, &failed);
	nreport = cmds.len;
	project_files(&o, db, &cs, &cmds, &nreport);
	vt_compdb_free(db);
	srcroot = source_root(&o, &cmds);
	if (o.shard_n)
		shard_split(&o, &cmds, &nreport, srcroot);
	worst = analyze(&o, &cmds, nreport, srcroot, &all, &failed, &store);
	status = worst > status ? worst : status;
	if (!store) /* --summaries FILE could not be read: nothing was analysed */
		print_errors(&all);
	else if (o.summaries_only)
		status = write_summaries(&o, store, &all, status);
	else
		status = finish(&o, &(vt_cmds){ .data = cmds.data, .len = nreport }, srcroot, &all,
				status, failed);
	vt_store_free(store);
	free(srcroot);
	vt_findings_free(&all);
	free_cmds(&cmds);
	free_configs(&cs);
	vt_options_free(&o);
	return status;
}
