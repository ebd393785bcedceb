/* status.c — status names and the error-record helper. */
#include <stdarg.h>
#include <stdio.h>
#include "darkyield/dy_status.h"

const char *dy_status_string(dy_status s)
{
    switch (s) {
    case DY_OK: return "ok";
    case DY_ERR_INVALID: return "invalid input";
    case DY_ERR_NOT_FOUND: return "not found";
    case DY_ERR_UNAVAILABLE: return "unavailable";
    case DY_ERR_DEVICE: return "device error";
    case DY_ERR_NOMEM: return "out of memory";
    case DY_ERR_IO: return "i/o error";
    case DY_ERR_NUMERIC: return "numerical failure";
    case DY_ERR_INTERRUPTED: return "interrupted";
    }
    return "unknown status";
}

dy_status dy_error_set(dy_error *err, dy_status s, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        err->status = s;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return s;
}
