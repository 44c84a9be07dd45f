/*
 * bench_lsp.c: how long an editor waits for vtlint --lsp's diagnostics.
 * Drives the server as lsp_test.c does, over one realistic file: the time
 * from didOpen to the first diagnostics (a full parse, which builds the
 * precompiled preamble), then from each didChange (one statement added or
 * removed inside a function, incrementally) to its diagnostics (a reparse
 * reusing the preamble).  Runs the server twice: with no debounce (the
 * analysis itself) and with its default one (what the editor sees).
 * Prints figures; asserts nothing.
 *
 *   bench_lsp FILE [NEDITS] -- SERVER ARGS...
 */
#include <cjson/cJSON.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct server {
	pid_t pid;
	int to, from;
	char *buf;
	size_t len, cap;
} server;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static _Noreturn void die(const char *what)
{
	fprintf(stderr, "bench_lsp: %s\n", what);
	exit(1);
}

static void start(server *s, char **argv, const char *debounce)
{
	int in[2], out[2];

	if (pipe(in) || pipe(out) || (s->pid = fork()) < 0)
		die("cannot start the server");
	if (s->pid == 0) {
		setenv("VTLINT_LSP_DEBOUNCE_MS", debounce, 1);
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]), close(in[1]), close(out[0]), close(out[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	s->to = in[1];
	s->from = out[0];
}

static void send_msg(server *s, cJSON *m)
{
	char *body = cJSON_PrintUnformatted(m);
	size_t n = strlen(body);
	char *msg = malloc(n + 64);
	size_t k = (size_t)sprintf(msg, "Content-Length: %zu\r\n\r\n%s", n, body);

	for (size_t off = 0; off < k;) {
		ssize_t w = write(s->to, msg + off, k - off);

		if (w <= 0)
			die("the server stopped reading");
		off += (size_t)w;
	}
	free(msg);
	free(body);
	cJSON_Delete(m);
}

/* The next message; the bench trusts the server's framing (lsp_test checks it). */
static cJSON *receive(server *s)
{
	for (;;) {
		char *end = s->len ? memmem(s->buf, s->len, "\r\n\r\n", 4) : NULL;
		size_t h = end ? (size_t)(end - s->buf) + 4 : 0, n = end ? strtoul(s->buf + 16, NULL, 10) : 0;
		ssize_t k;

		if (end && s->len >= h + n) {
			cJSON *m = cJSON_ParseWithLength(s->buf + h, n);

			memmove(s->buf, s->buf + h + n, s->len - h - n);
			s->len -= h + n;
			return m;
		}
		if (s->cap - s->len < 65536)
			s->buf = realloc(s->buf, s->cap = s->cap * 2 + 65536);
		if ((k = read(s->from, s->buf + s->len, s->cap - s->len)) <= 0)
			die("the server closed its output");
		s->len += (size_t)k;
	}
}

/* Waits for the diagnostics of version; returns how many. */
static int diagnostics(server *s, int version)
{
	for (;;) {
		cJSON *m = receive(s);
		const cJSON *p = cJSON_GetObjectItem(m, "params");
		const cJSON *v = cJSON_GetObjectItem(p, "version");
		int n = cJSON_GetArraySize(cJSON_GetObjectItem(p, "diagnostics"));
		const cJSON *method = cJSON_GetObjectItem(m, "method");
		bool hit = cJSON_IsString(method) &&
			   !strcmp(method->valuestring, "textDocument/publishDiagnostics") &&
			   cJSON_IsNumber(v) && v->valueint == version;

		cJSON_Delete(m);
		if (hit)
			return n;
	}
}

static cJSON *message(const char *method, int id)
{
	cJSON *m = cJSON_CreateObject();

	cJSON_AddStringToObject(m, "jsonrpc", "2.0");
	if (id)
		cJSON_AddNumberToObject(m, "id", id);
	cJSON_AddStringToObject(m, "method", method);
	cJSON_AddObjectToObject(m, "params");
	return m;
}

static cJSON *document(cJSON *m, const char *uri, int version)
{
	cJSON *td = cJSON_AddObjectToObject(cJSON_GetObjectItem(m, "params"), "textDocument");

	cJSON_AddStringToObject(td, "uri", uri);
	cJSON_AddNumberToObject(td, "version", version);
	return td;
}

/* didChange k: odd ones add a statement at line, even ones take it away again. */
static void edit(server *s, const char *uri, int k, int line)
{
	cJSON *m = message("textDocument/didChange", 0), *c = cJSON_CreateObject(), *r, *p;
	char text[64];

	document(m, uri, k + 1);
	r = cJSON_AddObjectToObject(c, "range");
	p = cJSON_AddObjectToObject(r, "start");
	cJSON_AddNumberToObject(p, "line", line);
	cJSON_AddNumberToObject(p, "character", 0);
	p = cJSON_AddObjectToObject(r, "end");
	cJSON_AddNumberToObject(p, "line", k % 2 ? line : line + 1);
	cJSON_AddNumberToObject(p, "character", 0);
	snprintf(text, sizeof text, "\ttotal += %d;\n", k);
	cJSON_AddStringToObject(c, "text", k % 2 ? text : "");
	cJSON_AddItemToArray(cJSON_AddArrayToObject(cJSON_GetObjectItem(m, "params"),
						     "contentChanges"), c);
	send_msg(s, m);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One session: *first is didOpen -> diagnostics, times[] each edit's; ms. */
static void session(char **argv, const char *debounce, const char *uri, const char *text,
		    int line, int nedits, double *first, double *times, int *ndiag)
{
	server s = { 0 };
	cJSON *m;
	double t;
	int st;

	start(&s, argv, debounce);
	send_msg(&s, message("initialize", 1));
	while (!cJSON_HasObjectItem(m = receive(&s), "result"))
		cJSON_Delete(m);
	cJSON_Delete(m);
	send_msg(&s, message("initialized", 0));
	m = message("textDocument/didOpen", 0);
	cJSON_AddStringToObject(document(m, uri, 1), "text", text);
	t = now_ms();
	send_msg(&s, m);
	*ndiag = diagnostics(&s, 1);
	*first = now_ms() - t;
	for (int k = 1; k <= nedits; k++) {
		t = now_ms();
		edit(&s, uri, k, line);
		diagnostics(&s, k + 1);
		times[k - 1] = now_ms() - t;
	}
	send_msg(&s, message("shutdown", 2));
	send_msg(&s, message("exit", 0));
	close(s.to);
	waitpid(s.pid, &st, 0);
	close(s.from);
	free(s.buf);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *d;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		die("cannot read the file");
	d = malloc((size_t)n + 1);
	if (fread(d, 1, (size_t)n, f) != (size_t)n)
		die("cannot read the file");
	d[n] = '\0';
	fclose(f);
	return d;
}

/* The line after the middle function's "int total = 0;": inside a body. */
static int edit_line(const char *text)
{
	int lines = 0, target = -1, seen = 0, count = 0;
	const char *p;

	for (p = text; (p = strstr(p, "\tint total = 0;\n")); p++)
		count++;
	for (p = text; *p; p++) {
		if (*p != '\n')
			continue;
		lines++;
		if (!strncmp(p + 1, "\tint total = 0;\n", 16) && ++seen == (count + 1) / 2)
			target = lines + 1;
	}
	if (target < 0)
		die("no \"\\tint total = 0;\" line: use a file from bench/analyzer/gencorpus");
	return target;
}

static void report(const char *what, double first, double *t, int n)
{
	double sum = 0;

	for (int i = 0; i < n; i++)
		sum += t[i];
	qsort(t, (size_t)n, sizeof *t, cmp);
	printf("%-28s first analysis %7.1f ms; re-analysis after an edit: median %6.1f ms, "
	       "mean %6.1f, min %6.1f, max %6.1f; median/first %.2f (target < 0.33)\n",
	       what, first, t[n / 2], sum / n, t[0], t[n - 1], t[n / 2] / first);
}

int main(int argc, char **argv)
{
	int nedits = 10, i = 2, ndiag;
	char abs[4096], *uri, *text;
	double first, *times;

	if (argc > 2 && strcmp(argv[2], "--"))
		nedits = atoi(argv[i++]);
	if (argc < i + 2 || strcmp(argv[i], "--") || nedits < 1 || !realpath(argv[1], abs)) {
		fprintf(stderr, "usage: bench_lsp FILE [NEDITS] -- SERVER ARGS...\n");
		return 2;
	}
	text = slurp(abs);
	uri = malloc(strlen(abs) + 8);
	sprintf(uri, "file://%s", abs); /* gencorpus names need no escaping */
	times = calloc((size_t)nedits, sizeof *times);
	printf("%s: %zu bytes, %d edits\n", argv[1], strlen(text), nedits);
	session(argv + i + 1, "0", uri, text, edit_line(text), nedits, &first, times, &ndiag);
	printf("(%d diagnostics)\n", ndiag);
	report("analysis (no debounce):", first, times, nedits);
	session(argv + i + 1, "150", uri, text, edit_line(text), nedits, &first, times, &ndiag);
	report("editor's wait (150 ms):", first, times, nedits);
	free(times);
	free(uri);
	free(text);
	return 0;
}
