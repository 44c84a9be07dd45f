/* cli.h: vtlint's command line (cli.c), as the driver (main.c) sees it. */
#ifndef VTLINT_CLI_H
#define VTLINT_CLI_H

#include "vtlint.h"

enum vt_color { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

typedef struct vt_options {
	vt_strings argv;             /* the command line with @FILE arguments read in */
	VEC(const char *) files;     /* as named: `-` and folders are read by main.c */
	VEC(char *) args;            /* after `--` */
	bool dashdash;               /* `--` was given: no database, args for every file */
	VEC(char *) extra;           /* --extra-arg: appended to every command */
	VEC(char *) extra_before;    /* --extra-arg-before: prepended */
	VEC(char *) remove;          /* --remove-arg: ARG or PREFIX* removed from every command */
	const char *header_filter;   /* --header-filter REGEX, or NULL: headers in the source root */
	enum vt_color color;         /* --color */
	const vt_format *format;     /* --format: text unless said */
	const char *output;
	const char *build_path;      /* -p */
	const char *config;          /* --config */
	const char *baseline;        /* --baseline */
	const char *srcroot;         /* --srcroot, else found (vt_source_root) */
	bool all, quiet, lsp;
	int jobs;
	vt_run_opts run;             /* what every file is checked with */
	/* project scale (shard.c, merge.c) */
	int shard_k, shard_n;        /* --shard K/N: this job's files; 0: every file */
	const char *cache_dir;       /* --cache-dir DIR */
	bool no_cache;               /* --no-cache */
	/* summaries across files (summaries.c) */
	bool summaries_only;         /* --summaries-only: write the store, no report */
	const char *summaries;       /* --summaries FILE: the whole project's store */
} vt_options;

void vt_parse_args(vt_options *o, int argc, char **argv);
void vt_options_free(vt_options *o);

/* shard.c: --shard K/N */
bool vt_shard_parse(const char *s, int *k, int *n);
int vt_shard_of(const char *path, const char *srcroot, int n);
void vt_shard_select(vt_cmds *cmds, const char *srcroot, int k, int n);

/*
 * cache.c: results of unchanged files (--cache-dir).  vt_cache_check is
 * vt_check_file, answered from the cache when the file, its includes, its
 * command and configuration are unchanged.  Thread-safe.
 */
typedef struct vt_cache vt_cache;
vt_cache *vt_cache_new(const char *dir); /* NULL (said on stderr) when it cannot be made */
void vt_cache_free(vt_cache *c);
int vt_cache_check(vt_cache *c, struct vt_frontend *f, const vt_cmd *cmd,
		   const vt_run_opts *o, vt_findings *out, bool *hit);
/* The store the last run over this cache ended with (NULL: none, or unusable), and saving it. */
vt_store *vt_cache_load_store(const vt_cache *c);
void vt_cache_save_store(const vt_cache *c, const vt_store *s);
void vt_cache_counts(const vt_cache *c, unsigned long *hits, unsigned long *misses);
char *vt_cache_dir(const char *cache_dir, const char *build_path, bool no_cache);

/* merge.c: `vtlint merge REPORT...` (argv[0] is "merge"); its exit status. */
int vt_merge_main(int argc, char **argv);

#endif /* VTLINT_CLI_H */
