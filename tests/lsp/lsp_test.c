/*
 * lsp_test.c: drives `vtlint --lsp` as an editor does.  Spawns the server
 * (the command after `--`, so that valgrind can wrap it), talks to it over
 * pipes and checks each answer:
 *
 *   initialize; open a document with a VT001 (flags from the project's
 *   compile_commands.json, level from its .vtlint.json), read the
 *   diagnostics and their related notes; fix it by incremental edits
 *   (positions in UTF-16 over a line with non-ASCII text), break it again,
 *   silence it by NOLINT, make it not compile, restore it by a full edit;
 *   the bad inputs (framing, JSON, protocol, documents); a caller
 *   republished when the callee's document changes; close; shutdown;
 *   exit (status 0), and a second session that exits without shutdown (1).
 *
 *   lsp_test WORKDIR [--slow] -- SERVER ARGS...
 *
 * WORKDIR is made afresh.  Returns 0 when every check passed.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct client {
	pid_t pid;
	int to, from;
	char *buf;
	size_t len, cap;
} client;

static int timeout_ms = 60000;
static client *current;
static char workdir[4096];

static void fail(int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "lsp_test.c:%d: FAIL: ", line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (current && current->pid > 0)
		kill(current->pid, SIGKILL);
	exit(1);
}

#define CHECK(cond, ...)                          \
	do {                                      \
		if (!(cond))                      \
			fail(__LINE__, __VA_ARGS__); \
	} while (0)

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- the server's process -------------------------------------------------------------- */

static void spawn(client *c, char **argv)
{
	int in[2], out[2];

	CHECK(pipe(in) == 0 && pipe(out) == 0, "pipe: %s", strerror(errno));
	c->pid = fork();
	CHECK(c->pid >= 0, "fork: %s", strerror(errno));
	if (c->pid == 0) {
		dup2(in[0], STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		close(in[0]), close(in[1]), close(out[0]), close(out[1]);
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	c->to = in[1];
	c->from = out[0];
	c->len = 0;
	current = c;
}

/* The server's exit status, once it ended (killed when it takes too long). */
static int finish(client *c)
{
	double end = now_ms() + timeout_ms;
	int st = 0;

	close(c->to);
	while (waitpid(c->pid, &st, WNOHANG) == 0) {
		CHECK(now_ms() < end, "the server did not exit");
		usleep(10000);
	}
	close(c->from);
	free(c->buf);
	c->buf = NULL;
	c->cap = 0;
	c->pid = -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void send_raw(client *c, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t k = write(c->to, s, n);

		CHECK(k > 0, "write to the server: %s", strerror(errno));
		s += k;
		n -= (size_t)k;
	}
}

static char *frame(const char *body)
{
	size_t n = strlen(body);
	char *m = malloc(n + 64);

	sprintf(m, "Content-Length: %zu\r\n\r\n%s", n, body);
	return m;
}

/* Sends msg (freed); several messages may go in one write with send_many. */
static void send_msg(client *c, cJSON *msg)
{
	char *body, *m;

	cJSON_AddStringToObject(msg, "jsonrpc", "2.0");
	body = cJSON_PrintUnformatted(msg);
	m = frame(body);
	send_raw(c, m, strlen(m));
	free(m);
	free(body);
	cJSON_Delete(msg);
}

/* ---- reading ------------------------------------------------------------------------------ */

/* One complete message from the buffer, or NULL. */
static cJSON *take(client *c)
{
	char *end, *cl;
	size_t hlen, n;
	cJSON *m;

	if (c->len == 0 || !(end = memmem(c->buf, c->len, "\r\n\r\n", 4)))
		return NULL;
	hlen = (size_t)(end - c->buf) + 4;
	cl = memmem(c->buf, hlen, "Content-Length: ", 16);
	CHECK(cl == c->buf, "a header from the server without Content-Length first");
	n = strtoul(cl + 16, NULL, 10);
	if (c->len < hlen + n)
		return NULL;
	m = cJSON_ParseWithLength(c->buf + hlen, n);
	CHECK(m != NULL, "the server sent invalid JSON: %.*s", (int)n, c->buf + hlen);
	memmove(c->buf, c->buf + hlen + n, c->len - hlen - n);
	c->len -= hlen + n;
	return m;
}

static cJSON *receive(client *c)
{
	double end = now_ms() + timeout_ms;
	cJSON *m;

	while (!(m = take(c))) {
		struct pollfd p = { .fd = c->from, .events = POLLIN };
		int left = (int)(end - now_ms());
		ssize_t k;

		CHECK(left > 0 && poll(&p, 1, left) > 0, "no message from the server in time");
		if (c->cap - c->len < 65536)
			c->buf = realloc(c->buf, c->cap = c->cap * 2 + 65536);
		k = read(c->from, c->buf + c->len, c->cap - c->len);
		CHECK(k > 0, "the server closed its output");
		c->len += (size_t)k;
	}
	return m;
}

static const char *str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : "";
}

static double num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static const cJSON *get(const cJSON *o, const char *path)
{
	char key[64];

	while (o && *path) {
		size_t n = strcspn(path, ".");

		snprintf(key, sizeof key, "%.*s", (int)n, path);
		o = cJSON_GetObjectItemCaseSensitive(o, key);
		path += n + (path[n] == '.');
	}
	return o;
}

/* The answer to request id; notifications before it are dropped. */
static cJSON *response(client *c, int id)
{
	for (;;) {
		cJSON *m = receive(c);

		if (num(m, "id") == id && !cJSON_HasObjectItem(m, "method"))
			return m;
		cJSON_Delete(m);
	}
}

/* The next diagnostics published for uri: their params. */
static cJSON *diagnostics(client *c, const char *uri)
{
	for (;;) {
		cJSON *m = receive(c);

		if (!strcmp(str(m, "method"), "textDocument/publishDiagnostics") &&
		    !strcmp(str(get(m, "params"), "uri"), uri))
			return m;
		cJSON_Delete(m);
	}
}

/* The next window/logMessage whose text holds what. */
static void log_message(client *c, const char *what)
{
	for (;;) {
		cJSON *m = receive(c);
		bool hit = !strcmp(str(m, "method"), "window/logMessage") &&
			   strstr(str(get(m, "params"), "message"), what);

		cJSON_Delete(m);
		if (hit)
			return;
	}
}

static int error_code(const cJSON *m)
{
	return (int)num(get(m, "error"), "code");
}

/* ---- messages ---------------------------------------------------------------------------- */

static cJSON *request(int id, const char *method, cJSON *params)
{
	cJSON *m = cJSON_CreateObject();

	cJSON_AddNumberToObject(m, "id", id);
	cJSON_AddStringToObject(m, "method", method);
	cJSON_AddItemToObject(m, "params", params ? params : cJSON_CreateObject());
	return m;
}

static cJSON *notification(const char *method, cJSON *params)
{
	cJSON *m = cJSON_CreateObject();

	cJSON_AddStringToObject(m, "method", method);
	cJSON_AddItemToObject(m, "params", params ? params : cJSON_CreateObject());
	return m;
}

static cJSON *text_document(const char *uri, int version)
{
	cJSON *td = cJSON_CreateObject();

	cJSON_AddStringToObject(td, "uri", uri);
	if (version >= 0)
		cJSON_AddNumberToObject(td, "version", version);
	return td;
}

static void open_doc(client *c, const char *uri, const char *text)
{
	cJSON *p = cJSON_CreateObject(), *td = text_document(uri, 1);

	cJSON_AddStringToObject(td, "languageId", "c");
	cJSON_AddStringToObject(td, "text", text);
	cJSON_AddItemToObject(p, "textDocument", td);
	send_msg(c, notification("textDocument/didOpen", p));
}

static cJSON *pos(int line, int character)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "line", line);
	cJSON_AddNumberToObject(o, "character", character);
	return o;
}

/* An incremental change (line0 < 0: the whole text). */
static cJSON *edit(int l0, int c0, int l1, int c1, const char *text)
{
	cJSON *e = cJSON_CreateObject(), *r;

	if (l0 >= 0) {
		r = cJSON_AddObjectToObject(e, "range");
		cJSON_AddItemToObject(r, "start", pos(l0, c0));
		cJSON_AddItemToObject(r, "end", pos(l1, c1));
	}
	cJSON_AddStringToObject(e, "text", text);
	return e;
}

static void change(client *c, const char *uri, int version, cJSON *e)
{
	cJSON *p = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(p, "contentChanges");

	cJSON_AddItemToObject(p, "textDocument", text_document(uri, version));
	cJSON_AddItemToArray(list, e);
	send_msg(c, notification("textDocument/didChange", p));
}

static int ndiags(const cJSON *m)
{
	return cJSON_GetArraySize(get(m, "params.diagnostics"));
}

static const cJSON *diag(const cJSON *m, int i)
{
	return cJSON_GetArrayItem(get(m, "params.diagnostics"), i);
}

/* Waits for uri's diagnostics of version, checks how many, returns them. */
static cJSON *expect(client *c, const char *uri, int version, int n)
{
	cJSON *m = diagnostics(c, uri);

	CHECK(num(get(m, "params"), "version") == version, "%s: diagnostics of version %g, "
	      "not %d", uri, num(get(m, "params"), "version"), version);
	CHECK(ndiags(m) == n, "%s v%d: %d diagnostics, not %d: %s", uri, version, ndiags(m), n,
	      cJSON_PrintUnformatted(m));
	return m;
}

/* ---- the scenario ------------------------------------------------------------------------- */

static const char faulty[] =
	"#include <vtask.h>\n"
	"#ifndef FROM_DB\n#error compile_commands.json was not used\n#endif\n"
	"vtask fetch(void);\n"
	"int f(void) { /* \xC3\xA9\xF0\x9F\x98\x80 */ vtask v = fetch(); vtask_await(v, 0);\n"
	"  return vtask_await(v, 0); }\n";
static const char second[] = " vtask_await(v, 0);"; /* the first await, line 5 */
static char uri_a[4200], uri_e[4200]; /* workdir is at most 4095 bytes */

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CHECK(f && fputs(text, f) >= 0 && fclose(f) == 0, "cannot write %s", path);
}

/* The store a command-line run kept beside its cache: keeps() only inspects, or consumes. */
static void write_store(bool inspects)
{
	char path[4200], text[300];

	snprintf(path, sizeof path, "%s/proj/.vtlint-cache/summaries.json", workdir);
	snprintf(text, sizeof text, "{\"vtlint_summaries\": 2, \"functions\": [{\"usr\": "
		 "\"c:@F@keeps\", \"conflict\": false, \"params\": [{\"vtask\": true, "
		 "\"out\": false, \"inspect\": %s, \"outcomes\": 0}], \"paths\": [], "
		 "\"sources\": []}]}\n", inspects ? "true" : "false");
	write_file(path, text);
}

/* proj/ has a database that defines FROM_DB and a .vtlint.json making VT001 an error. */
static void make_project(void)
{
	char cmd[13000], path[4200];

	snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s/proj' '%s/outside'", workdir,
		 workdir, workdir);
	CHECK(system(cmd) == 0, "cannot make %s", workdir);
	snprintf(path, sizeof path, "%s/proj/compile_commands.json", workdir);
	snprintf(cmd, sizeof cmd, "[{\"directory\": \"%s/proj\", \"file\": \"a.c\", "
		 "\"arguments\": [\"cc\", \"-DFROM_DB\", \"-I%s\", \"-c\", \"a.c\"]}]\n",
		 workdir, RUNTIME_INCLUDE);
	write_file(path, cmd);
	snprintf(path, sizeof path, "%s/proj/.vtlint.json", workdir);
	write_file(path, "{ \"rules\": { \"VT001\": \"error\" } }\n");
	snprintf(path, sizeof path, "%s/proj/a.c", workdir);
	write_file(path, "int on_disk;\n"); /* the editor's buffer wins */
	snprintf(path, sizeof path, "%s/outside/e x.c", workdir);
	write_file(path, "int on_disk;\n");
	/* the store a command-line run kept beside its cache: keeps() only inspects */
	snprintf(cmd, sizeof cmd, "mkdir -p '%s/proj/.vtlint-cache'", workdir);
	CHECK(system(cmd) == 0, "cannot make the cache folder");
	write_store(true);
	snprintf(path, sizeof path, "%s/proj/k.c", workdir);
	write_file(path, "int on_disk;\n");
	snprintf(path, sizeof path, "%s/outside/callee.c", workdir);
	write_file(path, "int on_disk;\n");
	snprintf(path, sizeof path, "%s/outside/caller.c", workdir);
	write_file(path, "int on_disk;\n");
	snprintf(uri_a, sizeof uri_a, "file://%s/proj/a.c", workdir);
	snprintf(uri_e, sizeof uri_e, "file://%s/outside/e%%20x.c", workdir);
}

static void initialize(client *c)
{
	cJSON *r;

	send_msg(c, request(1, "initialize", NULL));
	r = response(c, 1);
	CHECK(num(get(r, "result.capabilities.textDocumentSync"), "change") == 2,
	      "textDocumentSync.change is not 2 (incremental)");
	cJSON_Delete(r);
	send_msg(c, notification("initialized", NULL));
}

/* The VT001 of faulty: where it is, what it says, its note and its link. */
static void check_vt001(const cJSON *m)
{
	const cJSON *d = diag(m, 0), *rel = cJSON_GetArrayItem(get(d, "relatedInformation"), 0);
	const char *line5 = strstr(faulty, "int f(void)");
	int note_col = (int)(strstr(line5, second) + 1 - line5) - 3; /* é, 😀: 3 bytes more */

	CHECK(!strcmp(str(d, "code"), "VT001") && !strcmp(str(d, "source"), "vtlint"),
	      "not a VT001 from vtlint");
	CHECK(strstr(str(get(d, "codeDescription"), "href"), "/docs/rules/VT001.md"), "no href");
	CHECK(num(d, "severity") == 1, ".vtlint.json makes VT001 an error (severity 1)");
	CHECK(num(get(d, "range.start"), "line") == 6 &&
	      num(get(d, "range.start"), "character") == 9, "VT001 not at 6:9");
	CHECK(rel && !strcmp(str(get(rel, "location"), "uri"), uri_a), "no related note in a.c");
	CHECK(num(get(rel, "location.range.start"), "line") == 5 &&
	      num(get(rel, "location.range.start"), "character") == note_col,
	      "note not at 5:%d (UTF-16)", note_col);
}

/* Fix it, break it, NOLINT it, break the syntax, restore it: each by an edit. */
static void edits(client *c, int first_col)
{
	int end = first_col + (int)strlen(second);

	change(c, uri_a, 2, edit(5, first_col, 5, end, ""));
	cJSON_Delete(expect(c, uri_a, 2, 0));
	change(c, uri_a, 3, edit(5, first_col, 5, first_col, second));
	cJSON_Delete(expect(c, uri_a, 3, 1));
	change(c, uri_a, 4, edit(6, 29, 6, 29, " // NOLINT(VT001)"));
	cJSON_Delete(expect(c, uri_a, 4, 0));
	change(c, uri_a, 5, edit(-1, 0, 0, 0, "int f(void) { return x; }\n"));
	{
		cJSON *m = expect(c, uri_a, 5, 1);

		CHECK(num(diag(m, 0), "severity") == 1 && !strcmp(str(diag(m, 0), "source"), "vtlint")
		      && num(get(diag(m, 0), "range.start"), "line") == 0, "compiler error not at 0");
		cJSON_Delete(m);
	}
	/* a burst of edits is analysed once, at its last version */
	change(c, uri_a, 6, edit(-1, 0, 0, 0, "int g;\n"));
	change(c, uri_a, 7, edit(-1, 0, 0, 0, faulty));
	cJSON_Delete(expect(c, uri_a, 7, 1));
}

static void editing_session(client *c)
{
	const char *line5 = strstr(faulty, "int f(void)");
	cJSON *m;

	initialize(c);
	open_doc(c, uri_a, faulty);
	m = expect(c, uri_a, 1, 1);
	check_vt001(m);
	cJSON_Delete(m);
	edits(c, (int)(strstr(line5, second) - line5) - 3);
}

/* A function with more paths than vtlint keeps apart: an Information at it
 * says that what it does not report there is not proven.  The document is
 * a new buffer, not on disk yet: proj/'s database and .vtlint.json are its
 * (VT001 an error). */
static void merged_paths(client *c)
{
	char uri[4300], text[4096], *p = text;
	cJSON *m;
	int info = 0;

	snprintf(uri, sizeof uri, "file://%s/proj/many.c", workdir);
	p += sprintf(p, "#include <vtask.h>\nint pick(void);\nvoid many(void)\n{\n");
	for (int i = 0; i < 8; i++)
		p += sprintf(p, "  vtask a%d = vtask_from_task(vt_task_new()), "
			     "b%d = vtask_from_task(vt_task_new());\n"
			     "  vtask *p%d = pick() ? &a%d : &b%d;\n", i, i, i, i, i);
	for (int i = 0; i < 8; i++)
		p += sprintf(p, "  (void)vtask_await(*p%d, NULL);\n", i);
	sprintf(p, "  if (pick()) { (void)vtask_await(a0, NULL); (void)vtask_await(b0, NULL); }\n}\n");
	open_doc(c, uri, text);
	m = diagnostics(c, uri);
	for (int i = 0; i < ndiags(m); i++) {
		if (!strcmp(str(diag(m, i), "code"), "VT001"))
			CHECK(num(diag(m, i), "severity") == 1,
			      "a new buffer in proj/ does not get proj/.vtlint.json (VT001 an error)");
		if (strstr(str(diag(m, i), "message"), "more paths than vtlint keeps apart")) {
			info++;
			CHECK(num(diag(m, i), "severity") == 3, "the budget note is not an Information");
			CHECK(num(get(diag(m, i), "range.start"), "line") == 2,
			      "the budget note is not at many() (line 2)");
		}
	}
	CHECK(info == 1, "%d budget notes, not 1: %s", info, cJSON_PrintUnformatted(m));
	cJSON_Delete(m);
}

/* ---- bad input ----------------------------------------------------------------------------- */

static void append(char **all, size_t *n, const char *s)
{
	size_t k = strlen(s);

	*all = realloc(*all, *n + k + 1);
	memcpy(*all + *n, s, k + 1);
	*n += k;
}

static void append_framed(char **all, size_t *n, const char *body)
{
	char *m = frame(body);

	append(all, n, m);
	free(m);
}

/* Framing, JSON and protocol errors, in one write: each answered, the server still serving. */
static void bad_messages(client *c)
{
	static const struct { int id, code; } want[] = {
		{ -1, -32700 }, { -1, -32700 }, { -1, -32600 }, { 50, -32600 }, { 51, -32601 },
		{ 52, -32800 }, { 53, -32601 },
	};
	char *all = NULL;
	size_t n = 0;

	append(&all, &n, "Content-Lenght: 5\r\n\r\nhello");    /* bad header (and its body) */
	append_framed(&all, &n, "{not json");
	append_framed(&all, &n, "[1,2]");                       /* not an object */
	append_framed(&all, &n, "{\"jsonrpc\":\"2.0\",\"id\":50}"); /* no method */
	append_framed(&all, &n, "{\"jsonrpc\":\"2.0\",\"id\":51,\"method\":\"vtlint/unknown\"}");
	append_framed(&all, &n, "{\"jsonrpc\":\"2.0\",\"method\":\"vtlint/unknown\"}");
	append_framed(&all, &n, "{\"jsonrpc\":\"2.0\",\"method\":\"$/setTrace\",\"params\":{}}");
	append_framed(&all, &n, "{\"jsonrpc\":\"2.0\",\"id\":52,\"method\":\"textDocument/hover\"}");
	append_framed(&all, &n, "{\"jsonrpc\":\"2.0\",\"method\":\"$/cancelRequest\","
				"\"params\":{\"id\":52}}");
	append_framed(&all, &n, "{\"jsonrpc\":\"2.0\",\"id\":53,\"method\":\"vtlint/ping\"}");
	send_raw(c, all, n);
	free(all);
	for (size_t i = 0; i < sizeof want / sizeof *want;) {
		cJSON *m = receive(c);

		if (!cJSON_HasObjectItem(m, "method")) {
			const cJSON *id = get(m, "id");

			CHECK(want[i].id < 0 ? cJSON_IsNull(id) : num(m, "id") == want[i].id,
			      "answer %zu: id %s", i, cJSON_PrintUnformatted(m));
			CHECK(error_code(m) == want[i].code, "answer %zu: code %d, not %d", i,
			      error_code(m), want[i].code);
			i++;
		}
		cJSON_Delete(m);
	}
}

static const char plain[] = "#include <vtask.h>\nvtask fetch(void);\n"
			    "int f(void) { vtask v = fetch(); vtask_await(v, 0);\n"
			    "  return vtask_await(v, 0); }\n";

/* Documents an editor may well send: each gets its diagnostics or a log line. */
static void bad_documents(client *c)
{
	char uri[8400], *huge, *text;
	size_t big = 2u << 20;
	cJSON *m;

	change(c, "file:///nowhere/never-opened.c", 2, edit(0, 0, 0, 0, "x"));
	log_message(c, "not open");
	change(c, uri_a, 8, edit(9999, 0, 9999, 5, "\n"));
	log_message(c, "past the end");
	cJSON_Delete(expect(c, uri_a, 8, 1));
	/* invalid UTF-8 on the finding's line */
	snprintf(uri, sizeof uri, "file://%s/proj/c.c", workdir);
	text = malloc(sizeof plain + 16);
	sprintf(text, "/* \xff\xfe\xc3 */ %s", plain);
	open_doc(c, uri, text);
	free(text);
	m = expect(c, uri, 1, 1);
	CHECK(num(get(diag(m, 0), "range.start"), "line") == 3, "VT001 of c.c not on line 3");
	cJSON_Delete(m);
	/* a 2 MiB line */
	snprintf(uri, sizeof uri, "file://%s/proj/d.c", workdir);
	huge = malloc(big + sizeof plain + 8);
	memcpy(huge, "// ", 3);
	memset(huge + 3, 'x', big);
	sprintf(huge + 3 + big, "\n%s", plain);
	open_doc(c, uri, huge);
	free(huge);
	cJSON_Delete(expect(c, uri, 1, 1));
	/* outside any database: the arguments after `--` (a name to percent-decode) */
	open_doc(c, uri_e, plain);
	cJSON_Delete(expect(c, uri_e, 1, 1));
	open_doc(c, "untitled:Untitled-1", plain);
	log_message(c, "not a local file");
}

/* Functions of other open documents are followed; an edit to the callee republishes the caller. */
static const char callee_inspects[] =
	"#include <vtask.h>\nint check(vtask v) { return vtask_is_completed(v); }\n";
static const char callee_consumes[] =
	"#include <vtask.h>\nint check(vtask v) { return vtask_await(v, 0); }\n";
static const char caller[] =
	"#include <vtask.h>\nint check(vtask v);\nvtask fetch(void);\n"
	"int g(void) { vtask v = fetch(); check(v); return vtask_await(v, 0); }\n";

static const char keeper[] =
	"#include <vtask.h>\nint keeps(vtask v);\nvtask fetch(void);\n"
	"int k(void) { vtask v = fetch(); keeps(v); return vtask_await(v, 0); }\n";

static void cross_file(client *c)
{
	char uri_b[4300], uri_c[4300], uri_k[4300];

	/* a function of the project no document defines: from the command line's store */
	snprintf(uri_k, sizeof uri_k, "file://%s/proj/k.c", workdir);
	open_doc(c, uri_k, keeper);
	cJSON_Delete(expect(c, uri_k, 1, 0));

	/*
	 * A command-line run rewrote the store (keeps() consumes now): the next
	 * analysis, of any document, reads it again and republishes k.c.
	 */
	snprintf(uri_b, sizeof uri_b, "file://%s/outside/callee.c", workdir);
	snprintf(uri_c, sizeof uri_c, "file://%s/outside/caller.c", workdir);
	write_store(false);
	open_doc(c, uri_b, callee_inspects);
	cJSON_Delete(expect(c, uri_b, 1, 0));
	cJSON_Delete(expect(c, uri_k, 1, 1));
	write_store(true);
	change(c, uri_k, 2, edit(-1, 0, 0, 0, keeper));
	cJSON_Delete(expect(c, uri_k, 2, 0));
	open_doc(c, uri_c, caller);
	cJSON_Delete(expect(c, uri_c, 1, 0)); /* check() only inspects: v stays the caller's */
	change(c, uri_b, 2, edit(-1, 0, 0, 0, callee_consumes));
	cJSON_Delete(expect(c, uri_b, 2, 0));
	cJSON_Delete(expect(c, uri_c, 1, 1)); /* check() consumes now: the await is the second */
	change(c, uri_b, 3, edit(-1, 0, 0, 0, callee_inspects));
	cJSON_Delete(expect(c, uri_b, 3, 0));
	cJSON_Delete(expect(c, uri_c, 1, 0));
}

static void closing(client *c)
{
	cJSON *m;

	send_msg(c, notification("textDocument/didClose", cJSON_CreateObject()));
	log_message(c, "without textDocument.uri");
	{
		cJSON *p = cJSON_CreateObject();

		cJSON_AddItemToObject(p, "textDocument", text_document(uri_a, -1));
		send_msg(c, notification("textDocument/didClose", p));
	}
	m = diagnostics(c, uri_a);
	CHECK(ndiags(m) == 0, "closing a.c did not clear its diagnostics");
	cJSON_Delete(m);
	send_msg(c, request(99, "shutdown", NULL));
	m = response(c, 99);
	CHECK(cJSON_IsNull(get(m, "result")), "shutdown: result is not null");
	cJSON_Delete(m);
	send_msg(c, request(100, "vtlint/late", NULL));
	m = response(c, 100);
	CHECK(error_code(m) == -32600, "a request after shutdown is not InvalidRequest");
	cJSON_Delete(m);
	send_msg(c, notification("exit", NULL));
}

/* Before initialize, requests are refused; exit without shutdown is status 1. */
static void rude_session(client *c)
{
	cJSON *m;

	send_msg(c, request(5, "textDocument/hover", NULL));
	m = response(c, 5);
	CHECK(error_code(m) == -32002, "a request before initialize: not -32002");
	cJSON_Delete(m);
	initialize(c);
	send_msg(c, notification("exit", NULL));
}

int main(int argc, char **argv)
{
	client c = { 0 };
	int i = 2, st;

	if (argc >= 3 && !strcmp(argv[2], "--slow")) {
		timeout_ms *= 20; /* valgrind */
		i++;
	}
	if (argc < i + 2 || strcmp(argv[i], "--")) {
		fprintf(stderr, "usage: lsp_test WORKDIR [--slow] -- SERVER ARGS...\n");
		return 2;
	}
	snprintf(workdir, sizeof workdir, "%s", argv[1]);
	signal(SIGPIPE, SIG_IGN);
	make_project();
	spawn(&c, argv + i + 1);
	editing_session(&c);
	merged_paths(&c);
	bad_messages(&c);
	bad_documents(&c);
	cross_file(&c);
	closing(&c);
	st = finish(&c);
	CHECK(st == 0, "exit after shutdown: status %d, not 0", st);
	spawn(&c, argv + i + 1);
	rude_session(&c);
	st = finish(&c);
	CHECK(st == 1, "exit without shutdown: status %d, not 1", st);
	spawn(&c, argv + i + 1);
	st = finish(&c); /* the input ends at once */
	CHECK(st == 1, "end of input without shutdown: status %d, not 1", st);
	printf("lsp_test: every check passed\n");
	return 0;
}
