/* cli_common.c — error reporting, strict number parsing and engine opening for the CLI. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

int dy_cli_fail(const dy_error *err)
{
    fprintf(stderr, "darkyield: error: %s\n", err->msg);
    return (err->status == DY_ERR_INVALID || err->status == DY_ERR_NOT_FOUND) ? 2 : 1;
}

int dy_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "darkyield %s: error: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(see 'darkyield %s --help')\n", cmd);
    return 2;
}

/* strtod and strtoull skip leading white space and accept signs (strtoull wraps " -1" to
 * 2^64 - 1), strtod also hex floats: a number here starts with a digit, '.', or (double) a sign
 * followed by one, and has no 'x'. */
int dy_parse_double(const char *s, double *out)
{
    char *end;
    if (!s) return -1;
    const char *d = (*s == '-' || *s == '+') ? s + 1 : s;
    if (!(isdigit((unsigned char)*d) || (*d == '.' && isdigit((unsigned char)d[1]))) ||
        strpbrk(s, "xX"))
        return -1;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v)) return -1;
    *out = v;
    return 0;
}

int dy_parse_u64(const char *s, uint64_t *out)
{
    char *end;
    if (!s || !isdigit((unsigned char)*s)) return -1; /* no space, no sign */
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || *end || errno) return -1;
    *out = v;
    return 0;
}

int dy_parse_double_list(const char *s, double *v, int max, int *n, char *bad, size_t bad_size)
{
    *n = 0;
    if (bad_size) bad[0] = '\0';
    if (!s || !*s) return -1;
    for (const char *p = s;;) {
        const char *c = strchr(p, ',');
        const size_t len = c ? (size_t)(c - p) : strlen(p);
        char *tok = malloc(len + 1);
        if (!tok) return -3;
        memcpy(tok, p, len);
        tok[len] = '\0';
        double x;
        const int ok = len > 0 && dy_parse_double(tok, &x) == 0;
        if (!ok || *n >= max) {
            if (bad_size) snprintf(bad, bad_size, "%s", tok);
            free(tok);
            return ok ? -2 : -1;
        }
        free(tok);
        v[(*n)++] = x;
        if (!c) return 0;
        p = c + 1;
    }
}

/* "lo:hi:n[:log|:lin]": n values from lo to hi (both included), equally spaced in log10 or
 * linearly (the default), as numpy's geomspace / linspace. */
int dy_cli_parse_range(const char *cmd, const char *opt, const char *s, double *v, int max, int *n)
{
    char buf[256], *f[5];
    int k = 0;
    if (strlen(s) >= sizeof buf)
        return dy_cli_usage_error(cmd, "%s '%.64s...': range too long", opt, s);
    snprintf(buf, sizeof buf, "%s", s);
    for (char *p = buf; k < 5;) {
        f[k++] = p;
        char *c = strchr(p, ':');
        if (!c) break;
        *c = 0;
        p = c + 1;
    }
    double lo, hi;
    uint64_t np;
    const int logs = k == 4 && !strcmp(f[3], "log");
    if ((k != 3 && k != 4) || (k == 4 && !logs && strcmp(f[3], "lin")) ||
        dy_parse_double(f[0], &lo) || dy_parse_double(f[1], &hi) || dy_parse_u64(f[2], &np))
        return dy_cli_usage_error(cmd,
                                  "%s '%s': expected a list (0.01,0.1) or a range lo:hi:n "
                                  "or lo:hi:n:log (e.g. 0.001:1:20:log)",
                                  opt, s);
    if (np < 1 || np > (uint64_t)max)
        return dy_cli_usage_error(cmd, "%s '%s': the number of values must be 1 .. %d", opt, s,
                                  max);
    if (!(lo > 0.0) || !(hi > lo || (np == 1 && hi == lo)))
        return dy_cli_usage_error(cmd, "%s '%s': expected 0 < lo < hi (GeV)", opt, s);
    *n = (int)np;
    for (int i = 0; i < *n; ++i) {
        const double t = *n > 1 ? (double)i / (*n - 1) : 0.0;
        v[i] = logs ? lo * pow(hi / lo, t) : lo + (hi - lo) * t;
    }
    v[*n - 1] = *n > 1 ? hi : lo; /* the end point exactly as given */
    return 0;
}

int dy_cli_write_stats(const dy_engine *e, const char *path)
{
    dy_error err;
    if (!path || !e) return 0;
    return dy_engine_stats_write_json(e, path, &err) == DY_OK ? 0 : dy_cli_fail(&err);
}

int dy_cli_open_engine(const char *name, dy_engine **e)
{
    dy_error err;
    if (dy_engine_open(name, e, &err) != DY_OK) return dy_cli_fail(&err);
    if (!dy_cli_quiet)
        fprintf(stderr, "darkyield: backend %s: %s\n", dy_engine_backend(*e), dy_engine_device(*e));
    return 0;
}
