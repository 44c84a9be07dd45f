/*
 * http_server.c: a small HTTP/1.1 server on libvtask.
 *
 * One fiber accepts, one fiber per connection serves requests in turn
 * (keep-alive, bodies by Content-Length skipped), every read has a
 * deadline, and SIGINT/SIGTERM (through a signalfd) stop it gracefully:
 * no new connections, each connection finishes the request it is in, then
 * vt_loop_stop.
 *
 *   http_server [port]     (0: any free port; the port is printed on stdout)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vtask.h>

#define READ_MS 5000          /* an idle keep-alive connection is closed after this */
#define MAX_CONNS 4096

struct conn {
	int fd;
	size_t slot;
};

static vt_loop *loop;
static int listen_fd = -1;
static bool stopping;
static struct conn *conns[MAX_CONNS];
static size_t nconns;

static const char body[] = "hello from libvtask\n";

/* ---- requests ---- */

/* Value of header name (case-insensitive) in [p, end), or NULL. */
static const char *header(const char *p, const char *end, const char *name)
{
	size_t n = strlen(name);

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		p++;
		if ((size_t)(end - p) > n && strncasecmp(p, name, n) == 0 && p[n] == ':')
			return p + n + 1;
	}
	return NULL;
}

static bool keeps_alive(const char *req, const char *end)
{
	const char *c = header(req, end, "Connection");
	bool http10 = memmem(req, (size_t)(end - req), "HTTP/1.0", 8) != NULL;

	if (c) {
		while (*c == ' ')
			c++;
		if (strncasecmp(c, "close", 5) == 0)
			return false;
		if (strncasecmp(c, "keep-alive", 10) == 0)
			return true;
	}
	return !http10;
}

static size_t content_length(const char *req, const char *end)
{
	const char *v = header(req, end, "Content-Length");

	return v ? (size_t)strtoul(v, NULL, 10) : 0;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		void *w;
		int err = vtask_await(vt_write_deadline(fd, p, n, READ_MS), &w);

		if (err)
			return err;
		p += (intptr_t)w;
		n -= (size_t)(intptr_t)w;
	}
	return 0;
}

static int respond(int fd, bool head, bool alive)
{
	char out[256];
	int n = snprintf(out, sizeof out,
			 "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
			 "Content-Length: %zu\r\nConnection: %s\r\n\r\n%s",
			 sizeof body - 1, alive ? "keep-alive" : "close", head ? "" : body);

	return write_all(fd, out, (size_t)n);
}

/* Reads more into buf; false at end of stream, error or deadline. */
static bool fill(int fd, char *buf, size_t *used, size_t cap)
{
	void *n;

	if (*used == cap)
		return false;
	if (vtask_await(vt_read_deadline(fd, buf + *used, cap - *used, READ_MS), &n) != 0)
		return false;
	*used += (size_t)(intptr_t)n;
	return (intptr_t)n > 0;
}

/* ---- connections ---- */

static void serve(int fd)
{
	char buf[8192];
	size_t used = 0;

	for (;;) {
		char *end = memmem(buf, used, "\r\n\r\n", 4);
		size_t len, skip;
		bool alive;

		if (!end) {
			if (!fill(fd, buf, &used, sizeof buf))
				return;
			continue;
		}
		len = (size_t)(end + 4 - buf);
		alive = keeps_alive(buf, end) && !stopping;
		skip = content_length(buf, end);
		if (respond(fd, strncmp(buf, "HEAD ", 5) == 0, alive) != 0 || !alive)
			return;
		memmove(buf, buf + len, used - len);
		used -= len;
		for (size_t drop; skip > 0; skip -= drop) {
			if (used == 0 && !fill(fd, buf, &used, sizeof buf))
				return;
			drop = skip < used ? skip : used;
			memmove(buf, buf + drop, used - drop);
			used -= drop;
		}
	}
}

static void conn_main(void *arg)
{
	struct conn *c = arg;

	serve(c->fd);
	vt_close(c->fd);
	conns[c->slot] = conns[--nconns];
	conns[c->slot]->slot = c->slot;
	free(c);
}

static void acceptor(void *arg)
{
	(void)arg;
	while (!stopping) {
		void *r;
		int err = vtask_await(vt_accept(listen_fd), &r);
		struct conn *c;

		if (err == EMFILE || err == ENFILE || err == ENOMEM)
			err = vtask_await(vt_sleep(10), NULL);
		if (err)
			continue;
		c = nconns < MAX_CONNS ? malloc(sizeof *c) : NULL;
		if (!c) {
			vt_close((int)(intptr_t)r);
			continue;
		}
		*c = (struct conn){ .fd = (int)(intptr_t)r, .slot = nconns };
		conns[nconns++] = c;
		vt_spawn(loop, conn_main, c);
	}
}

/* ---- stopping ---- */

/* Waits for SIGINT or SIGTERM, then stops taking connections, lets each
 * connection finish the request it is in (idle ones see end of stream),
 * and stops the loop when the last one is gone. */
static void signals(void *arg)
{
	int sfd = *(int *)arg;
	struct signalfd_siginfo si;

	if (vtask_await(vt_read(sfd, &si, sizeof si), NULL) != 0)
		return;
	stopping = true;
	vt_close(listen_fd);           /* the pending accept fails with ECANCELED */
	for (size_t i = 0; i < nconns; i++)
		shutdown(conns[i]->fd, SHUT_RD);
	while (nconns > 0)
		vtask_await(vt_sleep(10), NULL);
	vt_close(sfd);
	vt_loop_stop(loop);
}

static int listen_on(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t n = sizeof a;
	int one = 1;

	listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (listen_fd < 0)
		return -1;
	setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(listen_fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(listen_fd, 1024) < 0 ||
	    getsockname(listen_fd, (struct sockaddr *)&a, &n) < 0)
		return -1;
	return ntohs(a.sin_port);
}

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 8080;
	sigset_t set;
	int sfd;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	port = listen_on(port);
	if (sfd < 0 || port < 0) {
		fprintf(stderr, "http_server: cannot listen: %s\n", strerror(errno));
		return 2;
	}
	loop = vt_loop_new();
	if (!loop)
		return 2;
	printf("listening on 127.0.0.1:%d\n", port);
	fflush(stdout);
	vt_spawn(loop, signals, &sfd);
	vt_spawn(loop, acceptor, NULL);
	vt_loop_run(loop);
	vt_loop_free(loop);
	return 0;
}
