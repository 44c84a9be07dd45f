/* Does not compile: vtlint must report the compiler's error and exit 2. */
#include <vtask.h>
int f(void) { return undeclared_thing + ; }
