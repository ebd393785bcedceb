/* api_version.c — the run-time version of the library (include/darkyield/dy_version.h). */
#include "darkyield/dy_version.h"

const char *dy_version(void)
{
    return DY_VERSION;
}

int dy_version_number(void)
{
    return DY_VERSION_NUMBER;
}
