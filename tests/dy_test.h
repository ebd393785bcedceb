/* dy_test.h — small helpers shared by the cmocka tests: a double-precision closeness assertion
 * (Debian's cmocka 1.1.5 has no assert_double_equal; assert_float_equal casts to float). */
#ifndef DY_TEST_H
#define DY_TEST_H
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

/* Fails unless |a - e| <= abs_tol + rel_tol*|e| (and both are finite). */
#define dy_assert_close(a, e, abs_tol, rel_tol)                                                    \
    do {                                                                                           \
        const double dy_a_ = (a), dy_e_ = (e);                                                     \
        const double dy_tol_ = (abs_tol) + (rel_tol)*fabs(dy_e_);                                  \
        if (!isfinite(dy_a_) || !isfinite(dy_e_) || fabs(dy_a_ - dy_e_) > dy_tol_)                 \
            fail_msg("%s = %.17g, expected %.17g (|diff| %.3g > tol %.3g)", #a, dy_a_, dy_e_,      \
                     fabs(dy_a_ - dy_e_), dy_tol_);                                                \
    } while (0)

/* sscanf on one line of a larger text.  glibc's sscanf takes strlen of its whole input, so
 * scanning every line of a multi-MB file in place is quadratic (minutes for an LHE file of 20 000
 * events); this copies the line (up to 1023 characters) first. */
static inline int dy_line_scanf(const char *line, const char *fmt, ...)
{
    char buf[1024];
    const char *nl = strchr(line, '\n');
    size_t n = nl ? (size_t)(nl - line) : strlen(line);
    if (n >= sizeof buf) n = sizeof buf - 1;
    memcpy(buf, line, n);
    buf[n] = '\0';
    va_list ap;
    va_start(ap, fmt);
    const int r = vsscanf(buf, fmt, ap);
    va_end(ap);
    return r;
}

#endif
