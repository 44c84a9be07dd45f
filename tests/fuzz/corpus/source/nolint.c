#include <vtask.h>
int f(int fd)
{
	vtask v = vt_read(fd); // NOLINT(VT005)
	// NOLINTNEXTLINE(double-consume, VT003)
	vtask_await(v);
	/* NOLINTBEGIN(VT001) */
	vtask_await(v);
	/* NOLINTEND(VT001) */
	return 0; // NOLINT
}
