/* dy_status.h — status codes and the error record every fallible darkyield call fills.
 * Pattern: GSL's gsl_errno.h codes plus a caller-owned message buffer (no global handler). */
#ifndef DY_STATUS_H
#define DY_STATUS_H
#include <stddef.h>
#include "dy_api.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum dy_status {
    DY_OK = 0,
    DY_ERR_INVALID = 1,     /* bad argument or input value (message says which) */
    DY_ERR_NOT_FOUND = 2,   /* unknown name: backend, process, material, file */
    DY_ERR_UNAVAILABLE = 3, /* backend or device not usable here (no driver, no fp64...) */
    DY_ERR_DEVICE = 4,      /* a device call failed (kernel build, launch, copy) */
    DY_ERR_NOMEM = 5,       /* allocation failed */
    DY_ERR_IO = 6,          /* file could not be read or written */
    DY_ERR_NUMERIC = 7,     /* a numerical routine failed (quadrature, root finding) */
    DY_ERR_INTERRUPTED = 8  /* stopped by a signal; finished work was kept */
} dy_status;

/* Caller-owned error detail: "config.yaml:14: unknown key 'mas'", an OpenCL build log, ... */
typedef struct dy_error {
    dy_status status;
    char msg[4096];
} dy_error;

/* Short name of a status ("invalid input", "device error", ...). */
DY_API const char *dy_status_string(dy_status s);

/* Record s and a printf-style message in err (NULL err is allowed); returns s. */
DY_API dy_status dy_error_set(dy_error *err, dy_status s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#ifdef __cplusplus
}
#endif
#endif
