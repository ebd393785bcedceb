/* dy_engine.h — compute backends (cuda, opencl, cpu) and the engine handle that owns one.
 * The registry picks the best available backend (cuda > opencl > cpu) unless a name is given;
 * the environment variable DARKYIELD_BACKEND overrides the automatic choice. */
#ifndef DY_ENGINE_H
#define DY_ENGINE_H
#include "dy_status.h"

typedef struct dy_engine dy_engine; /* opaque */

/* Number of backends compiled into this build, and the name of backend i ("cuda", ...). */
int dy_backend_count(void);
const char *dy_backend_name(int i);

/* Probe backend i: DY_OK when usable; otherwise DY_ERR_UNAVAILABLE and the reason in err. */
dy_status dy_backend_probe(int i, dy_error *err);

/* Human-readable device list of backend i (devices, fp64, compute units) appended to buf. */
void dy_backend_describe(int i, char *buf, size_t n);

/* Open an engine on the named backend ("cuda", "opencl", "cpu"), or the best available when name
 * is NULL or "auto" (DARKYIELD_BACKEND, when set, replaces "auto").  Unknown or unusable names
 * are errors, never a silent fallback. */
dy_status dy_engine_open(const char *name, dy_engine **out, dy_error *err);
void dy_engine_close(dy_engine *e);

/* Backend name and a one-line device description of an open engine. */
const char *dy_engine_backend(const dy_engine *e);
const char *dy_engine_device(const dy_engine *e);

#endif
