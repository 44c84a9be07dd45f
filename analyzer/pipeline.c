/*
 * pipeline.c: one file through every stage after its compile command is
 * known (compdb.c) -- analysis (frontend.c, or session.c for an editor's
 * unsaved text), NOLINT comments (suppress.c), the configured levels, and
 * the order findings are reported in.  The command line (main.c) and the
 * language server (lsp.c) both go through here, so a file gives the same
 * findings in CI and in the editor.
 */
#include "vtlint.h"

/* What libclang and the engine are given: the command's arguments, its configuration's rules. */
static vt_unit_opts unit_opts(const vt_cmd *c, const vt_run_opts *o)
{
	vt_unit_opts u = { .args = (const char *const *)c->args.data, .nargs = (int)c->args.len,
			   .config = c->config, .dump_cfg = o->dump_cfg,
			   .parse_only = o->parse_only, .headers = o->headers,
			   .includes = o->includes, .store = o->store, .sums = o->sums,
			   .lazy = o->lazy };

	/* the command line beats the configuration, which beats the rule's default */
	for (int r = 0; r < vt_nrules; r++)
		u.flow.disabled[r] = o->rule_override[r] ? o->rule_override[r] < 0
							 : c->config->level[r] == LEVEL_OFF;
	return u;
}

/* A rule the configuration turned off but the command line on reports at its default level. */
static void set_levels(const vt_cmd *c, vt_findings *fs)
{
	for (size_t k = 0; k < fs->items.len; k++) {
		vt_finding *f = &fs->items.data[k];
		int level = c->config->level[f->rule];

		f->level = (uint8_t)(level == LEVEL_OFF ? (int)vt_rules[f->rule]->level : level);
	}
}

int vt_check_file(struct vt_frontend *f, const vt_cmd *c, const vt_run_opts *o,
		  vt_findings *out)
{
	vt_unit_opts u = unit_opts(c, o);
	int status = vt_analyze_file(f, c->path, c->file, &u, out);

	if (status == 0 && !vt_suppress(c->path, c->file, out, o->show_suppressed))
		status = 2;
	set_levels(c, out);
	vt_findings_sort(out);
	return status;
}

int vt_check_text(vt_session *s, const vt_cmd *c, const char *text, size_t len,
		  const vt_run_opts *o, vt_findings *out)
{
	vt_unit_opts u = unit_opts(c, o);
	int status = vt_session_analyze(s, c->path, c->path, text, len, &u, out);

	if (status == 0 && !vt_suppress_text(text, c->path, out, o->show_suppressed))
		status = 2;
	set_levels(c, out);
	vt_findings_sort(out);
	return status;
}
