/* engine.c — the backend registry: a static table ordered by preference, probing, the automatic
 * choice (cuda > opencl > cpu, overridable by DARKYIELD_BACKEND) and the engine handle. */
#include <stdlib.h>
#include <string.h>
#include "backend.h"
#include "darkyield/dy_engine.h"

static const dy_backend_type *const registry[] = {
#ifdef DY_HAVE_CUDA
    &dy_backend_cuda,
#endif
#ifdef DY_HAVE_OPENCL
    &dy_backend_opencl,
#endif
    &dy_backend_cpu,
};
enum { NREG = sizeof registry / sizeof registry[0] };

int dy_backend_count(void)
{
    return NREG;
}

const char *dy_backend_name(int i)
{
    return (i >= 0 && i < NREG) ? registry[i]->name : NULL;
}

dy_status dy_backend_probe(int i, dy_error *err)
{
    if (i < 0 || i >= NREG) return dy_error_set(err, DY_ERR_NOT_FOUND, "no backend %d", i);
    return registry[i]->probe(err);
}

void dy_backend_describe(int i, char *buf, size_t n)
{
    if (i >= 0 && i < NREG && n > 0) registry[i]->describe(buf, n);
}

static const dy_backend_type *find(const char *name)
{
    for (int i = 0; i < NREG; ++i)
        if (strcmp(registry[i]->name, name) == 0) return registry[i];
    return NULL;
}

dy_status dy_engine_open(const char *name, dy_engine **out, dy_error *err)
{
    const dy_backend_type *t = NULL;
    const char *env = getenv("DARKYIELD_BACKEND");
    *out = NULL;
    if ((!name || strcmp(name, "auto") == 0) && env && *env) name = env;
    if (name && strcmp(name, "auto") != 0) {
        t = find(name);
        if (!t) {
            const int known = !strcmp(name, "cuda") || !strcmp(name, "opencl");
            return dy_error_set(err, DY_ERR_NOT_FOUND,
                                known ? "backend '%s' is not compiled into this build"
                                      : "unknown backend '%s' (choose cuda, opencl, cpu or auto)",
                                name);
        }
        dy_status s = t->probe(err);
        if (s != DY_OK) return s;
    } else {
        dy_error why;
        for (int i = 0; i < NREG && !t; ++i)
            if (registry[i]->probe(&why) == DY_OK) t = registry[i];
        if (!t) return dy_error_set(err, DY_ERR_UNAVAILABLE, "no usable backend");
    }
    dy_engine *e = calloc(1, sizeof *e);
    if (!e) return dy_error_set(err, DY_ERR_NOMEM, "out of memory");
    e->type = t;
    dy_status s = t->init(&e->state, e->device, sizeof e->device, err);
    if (s != DY_OK) {
        free(e);
        return s;
    }
    *out = e;
    return DY_OK;
}

void dy_engine_close(dy_engine *e)
{
    if (!e) return;
    e->type->free(e->state);
    free(e);
}

const char *dy_engine_backend(const dy_engine *e)
{
    return e->type->name;
}
const char *dy_engine_device(const dy_engine *e)
{
    return e->device;
}
