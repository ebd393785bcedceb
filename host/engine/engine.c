/* engine.c — the backend registry: a static table ordered by preference, probing, the automatic
 * choice (cuda > opencl > cpu, overridable by DARKYIELD_BACKEND) and the engine handle. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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

/* The automatic choice: the first backend (cuda > opencl > cpu) that probes usable and wants to
 * be picked automatically (opencl only for a GPU).  An explicit name is never replaced by another:
 * it opens or it is an error. */
static dy_status resolve(const char *name, const dy_backend_type **out, dy_error *err)
{
    const char *env = getenv("DARKYIELD_BACKEND");
    *out = NULL;
    if ((!name || strcmp(name, "auto") == 0) && env && *env) name = env;
    if (name && strcmp(name, "auto") != 0) {
        const dy_backend_type *t = find(name);
        if (!t) {
            const int known = !strcmp(name, "cuda") || !strcmp(name, "opencl");
            return dy_error_set(err, DY_ERR_NOT_FOUND,
                                known ? "backend '%s' is not compiled into this build"
                                      : "unknown backend '%s' (choose cuda, opencl, cpu or auto)",
                                name);
        }
        dy_status s = t->probe(err);
        if (s != DY_OK) return s;
        *out = t;
        return DY_OK;
    }
    for (int i = 0; i < NREG; ++i) {
        dy_error why;
        if (registry[i]->probe(&why) == DY_OK && registry[i]->auto_pick()) {
            *out = registry[i];
            return DY_OK;
        }
    }
    return dy_error_set(err, DY_ERR_UNAVAILABLE, "no usable backend");
}

int dy_backend_resolve(const char *name, dy_error *err)
{
    const dy_backend_type *t;
    if (resolve(name, &t, err) != DY_OK) return -1;
    for (int i = 0; i < NREG; ++i)
        if (registry[i] == t) return i;
    return -1;
}

dy_status dy_engine_open_device(const char *name, int device, dy_engine **out, dy_error *err)
{
    const dy_backend_type *t;
    *out = NULL;
    dy_status s = resolve(name, &t, err);
    if (s != DY_OK) return s;
    dy_engine *e = calloc(1, sizeof *e);
    if (!e) return dy_error_set(err, DY_ERR_NOMEM, "out of memory");
    e->type = t;
    s = t->init(&e->state, device, e->device, sizeof e->device, err);
    if (s != DY_OK) {
        free(e);
        return s;
    }
    *out = e;
    return DY_OK;
}

dy_status dy_engine_open(const char *name, dy_engine **out, dy_error *err)
{
    return dy_engine_open_device(name, -1, out, err);
}

int dy_backend_device_count(int i)
{
    dy_error why;
    if (i < 0 || i >= NREG || registry[i]->probe(&why) != DY_OK) return 0;
    return registry[i]->device_count();
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

void dy_engine_get_stats(const dy_engine *e, dy_engine_stats *s)
{
    memset(s, 0, sizeof *s);
    s->integrals = e->integrals;
    s->iterations = e->rounds;
    s->launches = e->dev.launches;
    s->evaluations = e->evaluations;
    s->bytes_to_device = e->dev.bytes_to_device;
    s->bytes_from_device = e->dev.bytes_from_device;
    s->device_seconds = e->dev.device_seconds;
    s->host_seconds =
        e->wall_seconds > e->dev.device_seconds ? e->wall_seconds - e->dev.device_seconds : 0.0;
}

/* Backend and device names are ours (no quotes or control characters are expected), but a
 * device string comes from a driver: escape it as JSON requires. */
static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; ++s) {
        const unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

dy_status dy_engine_stats_write_json(const dy_engine *e, const char *path, dy_error *err)
{
    dy_engine_stats s;
    dy_engine_get_stats(e, &s);
    FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
    if (!f) return dy_error_set(err, DY_ERR_IO, "%s: cannot write the engine statistics", path);
    fprintf(f, "{\n  \"backend\": ");
    json_string(f, e->type->name);
    fprintf(f, ",\n  \"device\": ");
    json_string(f, e->device);
    fprintf(f,
            ",\n  \"integrals\": %llu,\n  \"iterations\": %llu,\n  \"launches\": %llu,\n"
            "  \"evaluations\": %llu,\n  \"bytes_to_device\": %llu,\n"
            "  \"bytes_from_device\": %llu,\n  \"host_seconds\": %.6f,\n"
            "  \"device_seconds\": %.6f\n}\n",
            (unsigned long long)s.integrals, (unsigned long long)s.iterations,
            (unsigned long long)s.launches, (unsigned long long)s.evaluations,
            (unsigned long long)s.bytes_to_device, (unsigned long long)s.bytes_from_device,
            s.host_seconds, s.device_seconds);
    const int bad = ferror(f);
    if (f != stdout ? fclose(f) != 0 || bad : fflush(f) != 0 || bad)
        return dy_error_set(err, DY_ERR_IO, "%s: writing the engine statistics failed", path);
    return DY_OK;
}

double dy_wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

size_t dy_engine_batch_hint(const dy_engine *e)
{
    return e->type->batch_hint(e->state);
}
