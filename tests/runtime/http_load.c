/*
 * http_load.c: runs examples/http_server under VT_CHECK=1 and loads it over
 * loopback: CONNS keep-alive connections (fibers of a libvtask loop) of
 * REQS requests each, every response checked.  Then SIGTERM: the server
 * must stop gracefully, exit 0 and write nothing on stderr (no misuse
 * report).
 *
 *   http_load SERVER [CONNS REQS]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vtask.h>

static struct sockaddr_in addr;
static int reqs;
static long ok, failed;

static const char request[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
static const char reply_body[] = "hello from libvtask\n";

/* Reads one response; 0 when it is a 200 with the expected body. */
static int response(int fd, char *buf, size_t cap, size_t *used)
{
	for (;;) {
		char *end = memmem(buf, *used, "\r\n\r\n", 4);
		void *n;

		if (end) {
			size_t head = (size_t)(end + 4 - buf), len = sizeof reply_body - 1;

			if (*used >= head + len) {
				int bad = strncmp(buf, "HTTP/1.1 200", 12) != 0 ||
					  memcmp(end + 4, reply_body, len) != 0;

				memmove(buf, buf + head + len, *used - head - len);
				*used -= head + len;
				return bad;
			}
		}
		if (*used == cap ||
		    vtask_await(vt_read_deadline(fd, buf + *used, cap - *used, 10000), &n) != 0 ||
		    (intptr_t)n == 0)
			return 1;
		*used += (size_t)(intptr_t)n;
	}
}

static void client(void *arg)
{
	char buf[4096];
	size_t used = 0;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	(void)arg;
	if (vtask_await(vt_connect(fd, (struct sockaddr *)&addr, sizeof addr), NULL) != 0) {
		failed += reqs;
		vt_close(fd);
		return;
	}
	for (int i = 0; i < reqs; i++) {
		if (vtask_await(vt_write(fd, request, sizeof request - 1), NULL) != 0 ||
		    response(fd, buf, sizeof buf, &used) != 0) {
			failed += reqs - i;
			break;
		}
		ok++;
	}
	vt_close(fd);
}

/* Starts the server under VT_CHECK=1; its stdout gives the port. */
static pid_t start(const char *server, int *errfd)
{
	int out[2], err[2];
	pid_t pid;
	char line[128];
	FILE *f;

	if (pipe(out) < 0 || pipe(err) < 0 || (pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		setenv("VT_CHECK", "1", 1);
		execl(server, server, "0", (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	*errfd = err[0];
	f = fdopen(out[0], "r");
	if (!f || !fgets(line, sizeof line, f) ||
	    sscanf(line, "listening on 127.0.0.1:%hu", &addr.sin_port) != 1)
		return -1;
	fclose(f);
	addr.sin_family = AF_INET;
	addr.sin_port = htons(addr.sin_port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return pid;
}

int main(int argc, char **argv)
{
	int conns = argc > 2 ? atoi(argv[2]) : 200, errfd, st;
	char errs[4096];
	ssize_t nerr;
	pid_t pid;
	vt_loop *loop;

	reqs = argc > 3 ? atoi(argv[3]) : 1000;
	if (argc < 2 || (pid = start(argv[1], &errfd)) < 0) {
		fprintf(stderr, "http_load: cannot start the server\n");
		return 2;
	}
	loop = vt_loop_new();
	for (int i = 0; i < conns; i++)
		vt_spawn(loop, client, NULL);
	vt_loop_run(loop);
	vt_loop_free(loop);
	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
	nerr = read(errfd, errs, sizeof errs - 1);
	errs[nerr > 0 ? nerr : 0] = 0;
	printf("http_load: %ld ok, %ld failed; server exit %d; stderr: \"%s\"\n", ok, failed,
	       WIFEXITED(st) ? WEXITSTATUS(st) : -1, errs);
	return ok == (long)conns * reqs && failed == 0 && WIFEXITED(st) &&
			       WEXITSTATUS(st) == 0 && errs[0] == 0
		       ? 0
		       : 1;
}
