/* Nothing to report. */
#include <vtask.h>
vtask fetch(void);
int f(void) {
	vtask v = fetch();
	if (vtask_is_completed_successfully(v))
		return vtask_get_result(v, 0);
	return vtask_await(v, 0);
}
