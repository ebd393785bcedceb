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
#include <stdlib.h>
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

/* strstr and strchr(p, '\n') for scanning a large text line by line.  glibc's sscanf, and
 * ASan's strstr/strchr interceptors under strict_string_checks (the CI's sanitizer run), take the
 * length of the whole remaining text on every call: scanning an LHE file of 20 000 events with
 * them is quadratic (minutes).  These loops touch only the bytes up to the match. */
static inline char *dy_find(const char *p, const char *needle)
{
    for (; *p; ++p) {
        size_t i = 0;
        while (needle[i] && p[i] == needle[i])
            ++i;
        if (!needle[i]) return (char *)p;
    }
    return *needle ? NULL : (char *)p;
}

static inline char *dy_eol(const char *p)
{
    for (; *p; ++p)
        if (*p == '\n') return (char *)p;
    return NULL;
}

/* sscanf on one line of a larger text (the line copied first, up to 1023 characters). */
static inline int dy_line_scanf(const char *line, const char *fmt, ...)
{
    char buf[1024];
    const char *nl = dy_eol(line);
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

/* Write text to path; the test fails when it cannot. */
static inline void dy_write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Column col of data row `row` (0-based) of a CSV with '#' comment lines and one header line (as
 * darkyield writes them); NAN when there is no such row; the test fails without the file or the
 * column, or on a row shorter than the header. */
static inline double dy_csv_value(const char *path, const char *col, int row)
{
    FILE *f = fopen(path, "r");
    if (!f) fail_msg("cannot open %s", path);
    char line[8192], hdr[8192] = "";
    int r = -1, ci = -1;
    double v = NAN;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#') continue;
        if (!hdr[0]) {
            snprintf(hdr, sizeof hdr, "%s", line);
            int i = 0;
            for (char *t = strtok(hdr, ",\n"); t; t = strtok(NULL, ",\n"), ++i)
                if (!strcmp(t, col)) ci = i;
            if (ci < 0) fail_msg("no column %s in %s", col, path);
            continue;
        }
        if (++r == row) {
            char *p = line;
            for (int i = 0; i < ci && p; ++i)
                if ((p = strchr(p, ','))) ++p;
            if (!p) fail_msg("%s: row %d has no column %s", path, row, col);
            v = strtod(p, NULL);
        }
    }
    fclose(f);
    return v;
}

#endif
