/* cli_common.c — error reporting, strict number parsing and engine opening for the CLI. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
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

int dy_parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v)) return -1;
    *out = v;
    return 0;
}

int dy_parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (*s == '-') return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || *end || errno) return -1;
    *out = v;
    return 0;
}

int dy_cli_open_engine(const char *name, dy_engine **e)
{
    dy_error err;
    if (dy_engine_open(name, e, &err) != DY_OK) return dy_cli_fail(&err);
    fprintf(stderr, "darkyield: backend %s: %s\n", dy_engine_backend(*e), dy_engine_device(*e));
    return 0;
}
