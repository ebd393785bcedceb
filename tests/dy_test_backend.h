/* dy_test_backend.h — open the backend named by DARKYIELD_TEST_BACKEND (set by ctest per label),
 * or skip the test with the reason when that backend has no usable device here. */
#ifndef DY_TEST_BACKEND_H
#define DY_TEST_BACKEND_H
#include <stdio.h>
#include <stdlib.h>
#include "darkyield/dy.h"
#include "dy_test.h"

static inline const char *dy_test_backend_name(void)
{
    const char *b = getenv("DARKYIELD_TEST_BACKEND");
    return (b && *b) ? b : "cpu";
}

/* Returns an open engine, or NULL after printing why the backend is skipped. */
static inline dy_engine *dy_test_open_engine(void)
{
    dy_error err;
    dy_engine *e = NULL;
    const char *name = dy_test_backend_name();
    for (int i = 0; i < dy_backend_count(); ++i)
        if (!strcmp(dy_backend_name(i), name) && dy_backend_probe(i, &err) != DY_OK) {
            printf("SKIP: backend %s unavailable here: %s\n", name, err.msg);
            return NULL;
        }
    if (dy_engine_open(name, &e, &err) != DY_OK) fail_msg("opening backend %s: %s", name, err.msg);
    return e;
}
#endif
