/* NOLINT forms: suppressed but for lines 15 and 16 (other names) and 20. */
#include <vtask.h>
vtask fetch(void);
void f(void)
{
	fetch(); // NOLINT
	fetch(); // NOLINT(VT005)
	fetch(); // NOLINT(unconsumed-vtask)
	// NOLINTNEXTLINE(VT001, VT005)
	fetch();
	// NOLINTBEGIN(VT005)
	fetch();
	fetch();
	// NOLINTEND(VT005)
	fetch(); // NOLINT(bugprone-unused-return-value)
	fetch(); // NOLINT(VT001)
}
void g(void)
{
	fetch();
}
