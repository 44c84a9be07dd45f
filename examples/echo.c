/*
 * echo.c: an echo loop over a pipe in a fiber.  The loop reads, then writes
 * back; the second await of the same read is a double consume (VT001): the
 * fd's pooled source may already serve the next read.
 */
#include <vtask.h>

int echo_once(int in, int out, char *buf, size_t len)
{
	void *n;
	vtask rd = vt_read(in, buf, len);

	if (vtask_await(rd, &n) != 0)
		return -1;
	if ((long)n == 0)
		return vtask_await(rd, &n);
	vtask wr = vt_write(out, buf, (size_t)(long)n);
	return vtask_await(wr, NULL);
}
