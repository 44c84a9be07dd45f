/* One VT001 at line 7, nothing else. */
#include <vtask.h>
vtask fetch(void);
int f(void) {
	vtask v = fetch();
	vtask_await(v, 0);
	return vtask_await(v, 0);
}
