/* rules.c: the rule table, and what every rule's message calls an operation. */
#include <string.h>
#include <strings.h>

#include "../analyzer/vtlint.h"

const vt_rule_info vt_rules[VT_NRULES] = {
	{ "VT001", "double-consume",
	  "A vtask is consumed twice, or inspected or handed on after it was consumed." },
	{ "VT002", "concurrent-await",
	  "A vtask handed to another fiber or thread is also consumed or handed off elsewhere "
	  "while it may still be pending." },
	{ "VT003", "blocking-get-result",
	  "vtask_get_result() on a vtask that is not known to have completed on every path." },
	{ "VT004", "stored-vtask",
	  "A vtask is stored in a struct or union member, an array element, a global or static "
	  "variable, or memory behind a pointer that is not a vtask * parameter." },
	{ "VT005", "unconsumed-vtask",
	  "A vtask is neither consumed, handed off nor stored on some path." },
};

int vt_rule_lookup(const char *s)
{
	for (int i = 0; i < VT_NRULES; i++)
		if (strcasecmp(s, vt_rules[i].id) == 0 || strcasecmp(s, vt_rules[i].name) == 0)
			return i;
	return -1;
}

const char *vt_subject(const vt_op_view *op, char *buf, size_t n)
{
	if (op->param >= 0)
		snprintf(buf, n, "parameter '%s'", op->name);
	else if (op->name)
		snprintf(buf, n, "vtask '%s'", op->name);
	else if (op->maker)
		snprintf(buf, n, "the vtask returned by '%s'", op->maker);
	else
		snprintf(buf, n, "a vtask");
	return buf;
}

/* --explain: the rule's page (docs/rules/VT00N.md, embedded at build time). */
const char *vt_rule_explanation(int rule)
{
	static char buf[VT_NRULES][512];

	if (vt_rule_help_markdown[rule])
		return vt_rule_help_markdown[rule];
	if (!buf[rule][0])
		snprintf(buf[rule], sizeof buf[rule], "%s %s\n\n%s\n", vt_rules[rule].id,
			 vt_rules[rule].name, vt_rules[rule].summary);
	return buf[rule];
}
