/* A NOLINTBEGIN without its NOLINTEND is itself reported. */
#include <vtask.h>
vtask fetch(void);
void f(void)
{
	// NOLINTBEGIN(VT005)
	fetch();
}
