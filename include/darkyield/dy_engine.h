/* dy_engine.h — compute backends (cuda, opencl, cpu) and the engine handle that owns one.
 * The registry picks the best available backend (cuda > opencl > cpu) unless a name is given;
 * the environment variable DARKYIELD_BACKEND overrides the automatic choice. */
#ifndef DY_ENGINE_H
#define DY_ENGINE_H
#include <stdint.h>
#include "dy_api.h"
#include "dy_status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dy_engine dy_engine; /* opaque */

/* Number of backends compiled into this build, and the name of backend i ("cuda", ...). */
DY_API int dy_backend_count(void);
DY_API const char *dy_backend_name(int i);

/* Probe backend i: DY_OK when usable; otherwise DY_ERR_UNAVAILABLE and the reason in err. */
DY_API dy_status dy_backend_probe(int i, dy_error *err);

/* Human-readable device list of backend i (devices, fp64, compute units) appended to buf. */
DY_API void dy_backend_describe(int i, char *buf, size_t n);

/* Open an engine on the named backend ("cuda", "opencl", "cpu"), or the best available when name
 * is NULL or "auto" (DARKYIELD_BACKEND, when set, replaces "auto").  Unknown or unusable names
 * are errors, never a silent fallback. */
DY_API dy_status dy_engine_open(const char *name, dy_engine **out, dy_error *err);
DY_API void dy_engine_close(dy_engine *e);

/* Open device `device` of the named backend (an index among its usable devices; -1: its
 * default).  Used to bind MPI ranks to GPUs.  Same rules as dy_engine_open otherwise. */
DY_API dy_status dy_engine_open_device(const char *name, int device, dy_engine **out,
                                       dy_error *err);

/* The backend index dy_engine_open(name) would open (auto: the best usable), or -1 with the
 * reason in err. */
DY_API int dy_backend_resolve(const char *name, dy_error *err);

/* Usable devices of backend i (0 when it cannot open). */
DY_API int dy_backend_device_count(int i);

/* Backend name and a one-line device description of an open engine. */
DY_API const char *dy_engine_backend(const dy_engine *e);
DY_API const char *dy_engine_device(const dy_engine *e);

/* Integrals per dy_integrate call that keep the device busy (256 on cpu, 4096 on cuda). */
DY_API size_t dy_engine_batch_hint(const dy_engine *e);

/* What the engine did since it was opened (docs/engine.md, "Statistics"). */
typedef struct dy_engine_stats {
    uint64_t integrals;         /* integrals integrated */
    uint64_t iterations;        /* lockstep iterations (device passes) */
    uint64_t launches;          /* kernel launches (cpu: passes) */
    uint64_t evaluations;       /* integrand evaluations */
    uint64_t bytes_to_device;   /* host -> device copies */
    uint64_t bytes_from_device; /* device -> host copies */
    double device_seconds;      /* waiting for the device (cpu: computing) */
    double host_seconds;        /* the rest of the time inside dy_integrate */
} dy_engine_stats;
DY_API void dy_engine_get_stats(const dy_engine *e, dy_engine_stats *s);

/* The statistics as one JSON object (keys as in dy_engine_stats, plus backend and device) in
 * path, "-" for standard output. */
DY_API dy_status dy_engine_stats_write_json(const dy_engine *e, const char *path, dy_error *err);

#ifdef __cplusplus
}
#endif
#endif
