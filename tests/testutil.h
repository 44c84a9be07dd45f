/* testutil.h: what every check test shares: running its suite. */
#ifndef VT_TESTUTIL_H
#define VT_TESTUTIL_H

#include <check.h>
#include <stdlib.h>

/*
 * No fork: the tests also run under valgrind, and fork mode would hide
 * leaks and double the run time.
 */
static inline int vt_test_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
