/* grid_run.c — shards, checkpoints, interruption and progress for a grid run (see grid_run.h). */
#include "grid_run.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void dy_grid_opts_default(dy_grid_opts *o)
{
    memset(o, 0, sizeof *o);
    o->shard_n = 1;
    o->checkpoint = 1;
    o->progress = 1;
}

dy_status dy_shard_parse(const char *s, int *i, int *n, dy_error *err)
{
    char *e1, *e2;
    errno = 0;
    if (!isdigit((unsigned char)s[0]) || !strchr(s, '/') ||
        !isdigit((unsigned char)strchr(s, '/')[1]))
        return dy_error_set(err, DY_ERR_INVALID, "--shard '%s': expected I/N, e.g. 0/4", s);
    long a = strtol(s, &e1, 10); /* digits only: strtol would skip spaces and take signs */
    if (e1 == s || *e1 != '/' || errno)
        return dy_error_set(err, DY_ERR_INVALID, "--shard '%s': expected I/N, e.g. 0/4", s);
    long b = strtol(e1 + 1, &e2, 10);
    if (e2 == e1 + 1 || *e2 || errno || b < 1 || b > 100000 || a < 0 || a >= b)
        return dy_error_set(err, DY_ERR_INVALID,
                            "--shard '%s': expected I/N with 0 <= I < N (shards count from 0)", s);
    *i = (int)a;
    *n = (int)b;
    return DY_OK;
}

int dy_shard_points(int npoints, int i, int n, int *pts)
{
    int k = 0;
    for (int p = i; p < npoints; p += n)
        pts[k++] = p;
    return k;
}

int dy_grid_group_size(const dy_run *r, const dy_grid_opts *o, size_t batch)
{
    if (o->group > 0) return o->group;
    const int per = dy_run_point_integrals(r);
    const size_t want = batch > 0 ? batch : 256;
    return per == 0 || (size_t)per >= want ? 1 : (int)((want + per - 1) / per);
}

void dy_grid_ckpt_path(const dy_config *c, const dy_grid_opts *o, char *buf, size_t n)
{
    if (o->shard_n > 1)
        snprintf(buf, n, "%s/%s.part-%d-of-%d.ckpt", c->out_dir, c->name, o->shard_i, o->shard_n);
    else
        snprintf(buf, n, "%s/%s.ckpt", c->out_dir, c->name);
}

void dy_grid_part_path(const dy_config *c, const dy_grid_opts *o, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%s.part-%d-of-%d.dyp", c->out_dir, c->name, o->shard_i, o->shard_n);
}

dy_status dy_grid_lock(const dy_run *r, const dy_grid_opts *o, dy_outlock *l, dy_error *err)
{
    const dy_config *c = dy_run_config(r);
    char stem[400], what[500];
    if (o->shard_n > 1) {
        snprintf(stem, sizeof stem, "%s.part-%d-of-%d", c->name, o->shard_i, o->shard_n);
        snprintf(what, sizeof what, "shard %d of %d of '%s'", o->shard_i, o->shard_n, c->name);
    } else {
        snprintf(stem, sizeof stem, "%s", c->name);
        snprintf(what, sizeof what, "the outputs and checkpoint of '%s'", c->name);
    }
    return dy_outlock_take(l, c->out_dir, stem, what, err);
}

double dy_wall_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static void fill_info(const dy_run *r, const dy_grid_opts *o, uint32_t kind, const char *backend,
                      const char *device, dy_ckpt_info *in)
{
    const dy_config *c = dy_run_config(r);
    memset(in, 0, sizeof *in);
    in->kind = kind;
    in->config_hash = c->hash;
    in->shard_i = (uint32_t)o->shard_i;
    in->shard_n = (uint32_t)o->shard_n;
    in->n_points = (uint32_t)dy_run_points(r);
    in->point_words = dy_run_point_words(r);
    snprintf(in->version, sizeof in->version, "%s", DY_VERSION);
    snprintf(in->backend, sizeof in->backend, "%s", backend ? backend : "");
    snprintf(in->device, sizeof in->device, "%s", device ? device : "");
    in->config_text = c->config_text;
    in->config_len = c->config_len;
    snprintf(in->config_path, sizeof in->config_path, "%s", c->path);
}

static int in_shard(const dy_grid_opts *o, int p)
{
    return p % o->shard_n == o->shard_i;
}

dy_status dy_grid_commit(const dy_run *r, dy_ckpt *ck, const int *pts, int np, dy_error *err)
{
    if (ck->fd < 0) return DY_OK;
    const size_t nw = dy_run_point_words(r);
    uint64_t *w = malloc((nw ? nw : 1) * sizeof *w);
    dy_status s = DY_OK;
    if (!w) return dy_error_set(err, DY_ERR_NOMEM, "checkpoint: out of memory");
    for (int i = 0; i < np && s == DY_OK; ++i) {
        dy_run_pack_point(r, pts[i], w);
        s = dy_ckpt_append(ck, (uint32_t)pts[i], w, err);
    }
    free(w);
    return s;
}

dy_status dy_grid_prepare(dy_run *r, const dy_grid_opts *o, const char *backend, const char *device,
                          dy_ckpt *ck, dy_error *err)
{
    const dy_config *c = dy_run_config(r);
    char path[4400];
    dy_status s;
    struct stat st;
    memset(ck, 0, sizeof *ck);
    ck->fd = -1;
    if ((s = dy_make_dirs(c->out_dir, err)) != DY_OK) return s;
    if (o->lock && o->lock->fd < 0 && (s = dy_grid_lock(r, o, o->lock, err)) != DY_OK) return s;
    dy_grid_ckpt_path(c, o, path, sizeof path);
    const int exists = stat(path, &st) == 0;
    if (exists && !o->resume && !o->fresh)
        return dy_error_set(err, DY_ERR_INVALID,
                            "checkpoint %s exists (an interrupted run?): pass --resume to "
                            "continue it or --fresh to discard it",
                            path);
    if (o->resume && !exists && o->progress)
        fprintf(stderr, "darkyield: --resume: no checkpoint %s, starting from the beginning\n",
                path);
    if (o->resume && exists) {
        dy_ckpt_data d;
        if ((s = dy_ckpt_read(path, &d, err)) != DY_OK) return s;
        const dy_ckpt_info *in = &d.info;
        const char *why = NULL;
        if (in->kind != DY_CKPT_KIND_CHECKPOINT)
            why = "it is not a checkpoint";
        else if (in->config_hash != c->hash)
            why = "it was written for a different configuration (config hash differs)";
        else if (strcmp(in->version, DY_VERSION))
            why = "it was written by another darkyield version";
        else if ((int)in->shard_i != o->shard_i || (int)in->shard_n != o->shard_n)
            why = "it belongs to another shard";
        else if ((int)in->n_points != dy_run_points(r) || in->point_words != dy_run_point_words(r))
            why = "its grid shape differs from this configuration's";
        if (why) {
            s = dy_error_set(err, DY_ERR_INVALID, "cannot resume from %s: %s (--fresh discards it)",
                             path, why);
            dy_ckpt_data_free(&d);
            return s;
        }
        if (d.damaged)
            fprintf(stderr, "darkyield: warning: %s; the points concerned will be recomputed\n",
                    d.note);
        for (int i = 0; i < d.n && s == DY_OK; ++i)
            if (in_shard(o, (int)d.points[i]) && !dy_run_point_done(r, (int)d.points[i]))
                s = dy_run_unpack_point(r, (int)d.points[i], d.words + (size_t)i * in->point_words,
                                        err);
        dy_ckpt_data_free(&d);
        if (s != DY_OK) return s;
        if (o->progress)
            fprintf(stderr, "darkyield: resuming from %s: %d of %d grid point(s) already done\n",
                    path, dy_run_points_done(r), dy_run_points(r));
    }
    if (!o->checkpoint) return DY_OK;
    /* a fresh file with the valid records only: damaged tails never stay in front of appends */
    dy_ckpt_info in;
    fill_info(r, o, DY_CKPT_KIND_CHECKPOINT, backend, device, &in);
    if ((s = dy_ckpt_begin(ck, path, &in, err)) != DY_OK) return s;
    int *pts = malloc((size_t)dy_run_points(r) * sizeof *pts), np = 0;
    if (!pts) {
        dy_ckpt_close(ck);
        return dy_error_set(err, DY_ERR_NOMEM, "checkpoint: out of memory");
    }
    for (int p = 0; p < dy_run_points(r); ++p)
        if (dy_run_point_done(r, p)) pts[np++] = p;
    s = dy_grid_commit(r, ck, pts, np, err);
    free(pts);
    if (s == DY_OK) s = dy_ckpt_commit(ck, err);
    if (s != DY_OK) dy_ckpt_close(ck);
    return s;
}

/* ---- progress ---- */

void dy_grid_progress_start(dy_grid_progress *p, const dy_run *r, const int *pts, int np, int on)
{
    memset(p, 0, sizeof *p);
    p->on = on;
    p->tty = on && isatty(2);
    p->t0 = dy_wall_now();
    for (int i = 0; i < np; ++i) {
        ++p->total;
        if (dy_run_point_done(r, pts[i]))
            ++p->done;
        else
            p->cost_total += dy_run_point_cost(r, pts[i]);
    }
    p->done_at_start = p->done;
}

static void fmt_time(double s, char *b, size_t n)
{
    if (s < 120)
        snprintf(b, n, "%.0f s", s);
    else if (s < 7200)
        snprintf(b, n, "%.1f min", s / 60);
    else
        snprintf(b, n, "%.1f h", s / 3600);
}

void dy_grid_progress_add(dy_grid_progress *p, const dy_run *r, const int *pts, int np)
{
    for (int i = 0; i < np; ++i)
        p->cost_done += dy_run_point_cost(r, pts[i]);
    p->done += np;
    if (!p->on) return;
    const double el = dy_wall_now() - p->t0;
    char a[32], b[32] = "?";
    fmt_time(el, a, sizeof a);
    if (p->cost_done > 0) fmt_time(el * (p->cost_total - p->cost_done) / p->cost_done, b, sizeof b);
    fprintf(stderr, "%sdarkyield: grid %d/%d points (%.0f %%), %s elapsed, ETA %s%s",
            p->tty ? "\r" : "", p->done, p->total, 100.0 * p->done / (p->total ? p->total : 1), a,
            p->done == p->total ? "0 s" : b, p->tty ? "   " : "\n");
    fflush(stderr);
}

void dy_grid_progress_end(dy_grid_progress *p)
{
    if (p->on && p->tty && p->done > p->done_at_start) fputc('\n', stderr);
}

/* ---- one process ---- */

dy_status dy_grid_exec_serial(dy_run *r, dy_engine *e, const dy_grid_opts *o, dy_ckpt *ck,
                              dy_error *err)
{
    const int NP = dy_run_points(r), G = dy_grid_group_size(r, o, dy_engine_batch_hint(e));
    int *all = calloc((size_t)NP, sizeof *all), *todo = calloc((size_t)NP, sizeof *todo);
    dy_status s = DY_OK;
    dy_grid_progress pr;
    if (!all || !todo) {
        free(all);
        free(todo);
        return dy_error_set(err, DY_ERR_NOMEM, "run: out of memory");
    }
    const int na = dy_shard_points(NP, o->shard_i, o->shard_n, all);
    int nt = 0;
    for (int i = 0; i < na; ++i)
        if (!dy_run_point_done(r, all[i])) todo[nt++] = all[i];
    dy_grid_progress_start(&pr, r, all, na, o->progress);
    /* a single group over everything: the engine's own progress line is the finer one */
    const int engine_progress = o->progress && nt <= G && o->progress < 2;
    const int per_iteration = o->progress >= 2 ? 2 : 0; /* --verbose: instead of the line */
    for (int i = 0; i < nt && s == DY_OK; i += G) {
        if (o->stop && *o->stop) {
            char path[4400];
            dy_grid_ckpt_path(dy_run_config(r), o, path, sizeof path);
            s = dy_error_set(
                err, DY_ERR_INTERRUPTED, "interrupted: %d of %d grid point(s) done%s%s%s", pr.done,
                pr.total, ck->fd >= 0 ? " and saved in " : " (no checkpoint: lost)",
                ck->fd >= 0 ? path : "", ck->fd >= 0 ? "; continue with --resume" : "");
            break;
        }
        const int g = nt - i < G ? nt - i : G;
        s = dy_run_compute(r, e, todo + i, g, engine_progress | per_iteration, err);
        if (s == DY_OK) s = dy_grid_commit(r, ck, todo + i, g, err);
        if (s == DY_OK && !engine_progress) dy_grid_progress_add(&pr, r, todo + i, g);
    }
    dy_grid_progress_end(&pr);
    free(all);
    free(todo);
    return s;
}

dy_status dy_grid_write_part(const dy_run *r, const dy_grid_opts *o, const char *backend,
                             const char *device, double wall_seconds, char *path, size_t n,
                             dy_error *err)
{
    const int NP = dy_run_points(r);
    dy_ckpt_info in;
    dy_ckpt ck;
    dy_status s;
    int *pts = malloc((size_t)NP * sizeof *pts);
    if (!pts) return dy_error_set(err, DY_ERR_NOMEM, "part: out of memory");
    const int np = dy_shard_points(NP, o->shard_i, o->shard_n, pts);
    dy_grid_part_path(dy_run_config(r), o, path, n);
    fill_info(r, o, DY_CKPT_KIND_PART, backend, device, &in);
    in.wall_seconds = wall_seconds;
    s = dy_ckpt_begin(&ck, path, &in, err);
    if (s == DY_OK) s = dy_grid_commit(r, &ck, pts, np, err);
    if (s == DY_OK) s = dy_ckpt_commit(&ck, err);
    if (ck.fd >= 0 || ck.tmp[0]) dy_ckpt_close(&ck);
    free(pts);
    return s;
}
