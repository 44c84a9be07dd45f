/*
 * gencorpus.c: writes a realistic corpus for timing vtlint against a plain
 * parse.  Each file includes libc headers and <vtask.h> and holds tens of
 * functions with branches, loops, switches and vtask traffic (mostly right,
 * some faulty).  Deterministic: the same arguments give the same files.
 *
 *   gencorpus DIR NFILES NFUNCS        the corpus
 *   gencorpus DIR --long NSTMTS        one function of NSTMTS statements
 *   gencorpus DIR --deep NBLOCKS       one function NBLOCKS blocks deep
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned seed = 12345;

static unsigned rnd(unsigned n)
{
	seed = seed * 1103515245u + 12345u;
	return (seed >> 16) % n;
}

static void head(FILE *f)
{
	fputs("#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n"
	      "#include <errno.h>\n#include <unistd.h>\n#include <pthread.h>\n"
	      "#include <vtask.h>\n\n"
	      "vtask fetch(int key);\nint lookup(int key);\n"
	      "struct conn { int fd; vt_task *pending; char buf[256]; };\n\n", f);
}

/* One function: a loop with a switch, a fast path, an await, a cleanup label. */
static void function(FILE *f, int id)
{
	int shape = (int)rnd(6);

	fprintf(f, "int handler_%d(struct conn *c, int n)\n{\n\tint total = 0;\n", id);
	fprintf(f, "\tfor (int i = 0; i < n; i++) {\n\t\tvtask v = fetch(i + %d);\n", id);
	fprintf(f, "\t\tvoid *r = NULL;\n\t\tswitch (lookup(i) %% 4) {\n");
	fprintf(f, "\t\tcase 0:\n\t\t\tif (vtask_is_completed_successfully(v))\n"
		   "\t\t\t\ttotal += vtask_get_result(v, &r);\n\t\t\telse\n"
		   "\t\t\t\ttotal += vtask_await(v, &r);\n\t\t\tbreak;\n");
	fprintf(f, "\t\tcase 1:\n\t\t\tc->pending = vtask_as_task(v);\n\t\t\tbreak;\n");
	fprintf(f, "\t\tdefault:\n\t\t\tif (vtask_await(v, &r) != 0)\n\t\t\t\tgoto fail;\n"
		   "\t\t\ttotal += (int)(long)r;\n\t\t}\n");
	if (shape == 0) /* a fault now and then, as real code has */
		fprintf(f, "\t\tif (total > 100)\n\t\t\tfetch(total);\n");
	fprintf(f, "\t\tif (total > 1000 && c->fd >= 0) {\n\t\t\tsnprintf(c->buf, sizeof c->buf, "
		   "\"%%d\", total);\n\t\t\tcontinue;\n\t\t}\n\t}\n");
	fprintf(f, "\treturn total;\nfail:\n\treturn -errno;\n}\n\n");
}

static int corpus(const char *dir, int nfiles, int nfuncs)
{
	for (int i = 0; i < nfiles; i++) {
		char path[4096];
		FILE *f;

		snprintf(path, sizeof path, "%s/unit%04d.c", dir, i);
		if (!(f = fopen(path, "w")))
			return perror(path), 1;
		head(f);
		for (int j = 0; j < nfuncs; j++)
			function(f, i * 1000 + j);
		fclose(f);
	}
	return 0;
}

static int long_function(const char *dir, int n, int deep)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s.c", dir, deep ? "deep" : "long");
	if (!(f = fopen(path, "w")))
		return perror(path), 1;
	head(f);
	fputs("int big(int n)\n{\n\tint t = 0;\n\tvtask v = fetch(0);\n", f);
	for (int i = 0; i < n; i++) {
		if (deep)
			fprintf(f, "if (n > %d) {\n", i);
		else if (i % 5 == 0)
			fprintf(f, "\tif (lookup(%d)) t++; else t--;\n", i);
		else if (i % 5 == 1)
			fprintf(f, "\t{ vtask w = fetch(%d); t += vtask_await(w, NULL); }\n", i);
		else
			fprintf(f, "\tt += lookup(t + %d);\n", i);
	}
	for (int i = 0; deep && i < n; i++)
		fputs("}\n", f);
	fputs("\treturn t + vtask_await(v, NULL);\n}\n", f);
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[2], "--long") == 0)
		return long_function(argv[1], atoi(argv[3]), 0);
	if (argc == 4 && strcmp(argv[2], "--deep") == 0)
		return long_function(argv[1], atoi(argv[3]), 1);
	if (argc == 4)
		return corpus(argv[1], atoi(argv[2]), atoi(argv[3]));
	fprintf(stderr, "usage: gencorpus DIR NFILES NFUNCS | DIR --long N | DIR --deep N\n");
	return 2;
}
