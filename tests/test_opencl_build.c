/* test_opencl_build.c — the embedded OpenCL program builds on the OpenCL device here (PoCL in CI;
 * the build log is the failure message), and a program that fails to build gives a clear error
 * carrying the driver's log.  The failure is forced by wrapping clCreateProgramWithSource
 * (-Wl,--wrap, see tests/CMakeLists.txt), so no broken kernel ships.
 * DY_BACKENDS: opencl */
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#include <string.h>
#include "dy_test_backend.h"

static int force_broken;

cl_program __real_clCreateProgramWithSource(cl_context, cl_uint, const char **, const size_t *,
                                            cl_int *);
cl_program __wrap_clCreateProgramWithSource(cl_context c, cl_uint n, const char **src,
                                            const size_t *len, cl_int *rc)
{
    static const char *broken = "__kernel void dy_kernel_sample(__global double *w)\n"
                                "{ w[0] = undeclared_symbol_for_test; }\n";
    if (force_broken) return __real_clCreateProgramWithSource(c, 1, &broken, NULL, rc);
    return __real_clCreateProgramWithSource(c, n, src, len, rc);
}

static void embedded_program_builds(void **state)
{
    (void)state;
    dy_engine *e = dy_test_open_engine();
    if (!e) skip();
    assert_string_equal(dy_engine_backend(e), "opencl");
    dy_engine_close(e);
}

static void build_failure_reports_log(void **state)
{
    (void)state;
    dy_engine *e = dy_test_open_engine();
    dy_error err;
    if (!e) skip();
    dy_engine_close(e);
    force_broken = 1;
    dy_status s = dy_engine_open("opencl", &e, &err);
    force_broken = 0;
    assert_int_equal(s, DY_ERR_DEVICE);
    assert_null(e);
    assert_non_null(strstr(err.msg, "CL_BUILD_PROGRAM_FAILURE"));
    assert_non_null(strstr(err.msg, "undeclared_symbol_for_test")); /* the driver's log */
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(embedded_program_builds),
                                       cmocka_unit_test(build_failure_reports_log)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
