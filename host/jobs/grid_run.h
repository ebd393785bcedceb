/* grid_run.h — running a yield grid in pieces: shards (`run --shard I/N`), checkpoints committed
 * as groups of grid points finish (`--resume`), interruption by SIGINT/SIGTERM between groups,
 * and whole-grid progress.  The MPI scheduler (mpi_run.h) uses the same pieces.  Results never
 * depend on how the grid was split (run.h); docs/distributed.md. */
#ifndef DY_GRID_RUN_H
#define DY_GRID_RUN_H
#include <signal.h>
#include <stddef.h>
#include "io/outlock.h"
#include "jobs/checkpoint.h"
#include "jobs/run.h"

enum { DY_SCHED_DYNAMIC = 0, DY_SCHED_STATIC = 1 };

typedef struct dy_grid_opts {
    int shard_i, shard_n; /* this shard of the grid: points with index % shard_n == shard_i */
    int resume;           /* continue from the checkpoint (absent: start from the beginning) */
    int fresh;            /* discard an existing checkpoint */
    int checkpoint;       /* commit finished points to the checkpoint (default 1) */
    int group;            /* grid points per engine call (0: automatic, dy_grid_group_size) */
    int schedule;         /* MPI only: DY_SCHED_DYNAMIC (work queue) or DY_SCHED_STATIC (blocks) */
    int progress;         /* whole-grid progress on stderr; 2: also a line per VEGAS iteration */
    volatile sig_atomic_t *stop; /* set by a signal handler: stop after the current group */
    const char *stats;           /* MPI: each worker's engine statistics to <stats>.rank<N> */
    dy_outlock *lock;            /* where dy_grid_prepare keeps the output lock (NULL: none) */
} dy_grid_opts;

void dy_grid_opts_default(dy_grid_opts *o);

/* "I/N" with 0 <= I < N. */
dy_status dy_shard_parse(const char *s, int *i, int *n, dy_error *err);
/* The points of shard i of n (index % n == i, ascending) into pts; returns their number. */
int dy_shard_points(int npoints, int i, int n, int *pts);
/* Points per engine call when o->group is 0: enough integrals to fill the backend (its batch
 * hint: 256 on cpu, thousands on a GPU), one point at least. */
int dy_grid_group_size(const dy_run *r, const dy_grid_opts *o, size_t batch);

/* Paths: the checkpoint "<out>/<name>.ckpt" (shards: "<out>/<name>.part-I-of-N.ckpt") and the
 * part file "<out>/<name>.part-I-of-N.dyp". */
void dy_grid_ckpt_path(const dy_config *c, const dy_grid_opts *o, char *buf, size_t n);
void dy_grid_part_path(const dy_config *c, const dy_grid_opts *o, char *buf, size_t n);

/* Lock the outputs of this run or shard (io/outlock.h: <out>/.<name>.lock, shards
 * <out>/.<name>.part-I-of-N.lock; created with the directory): a second process computing the
 * same grid into the same directory gets DY_ERR_IO instead of racing this one. */
dy_status dy_grid_lock(const dy_run *r, const dy_grid_opts *o, dy_outlock *l, dy_error *err);

/* Create the output directory, take the output lock (o->lock, dy_grid_lock) and apply the
 * checkpoint rules: --resume loads it (must be a
 * checkpoint of this config, version and shard, else DY_ERR_INVALID; damaged records are
 * reported on stderr and recomputed); without --resume an existing checkpoint is an error
 * unless --fresh.  With o->checkpoint, (re)writes the checkpoint with the points already done and
 * leaves *ck open for appends (ck->fd < 0 otherwise). */
dy_status dy_grid_prepare(dy_run *r, const dy_grid_opts *o, const char *backend, const char *device,
                          dy_ckpt *ck, dy_error *err);

/* Whole-grid progress: "grid: D/T points, elapsed, ETA" — rewritten in place on a terminal,
 * one line per finished group otherwise. */
typedef struct dy_grid_progress {
    int on, tty, total, done, done_at_start;
    double cost_total, cost_done, t0;
} dy_grid_progress;
void dy_grid_progress_start(dy_grid_progress *p, const dy_run *r, const int *pts, int np, int on);
void dy_grid_progress_add(dy_grid_progress *p, const dy_run *r, const int *pts, int np);
void dy_grid_progress_end(dy_grid_progress *p);
double dy_wall_now(void);

/* Commit points to the checkpoint (no-op when ck->fd < 0). */
dy_status dy_grid_commit(const dy_run *r, dy_ckpt *ck, const int *pts, int np, dy_error *err);

/* Compute the missing points of the shard in one process, in groups of dy_grid_group_size,
 * committing each finished group.  DY_ERR_INTERRUPTED (with a message naming the checkpoint)
 * when *o->stop was set. */
dy_status dy_grid_exec_serial(dy_run *r, dy_engine *e, const dy_grid_opts *o, dy_ckpt *ck,
                              dy_error *err);

/* Write the shard's part file (all its points must be done) via a temporary and rename. */
dy_status dy_grid_write_part(const dy_run *r, const dy_grid_opts *o, const char *backend,
                             const char *device, double wall_seconds, char *path, size_t n,
                             dy_error *err);
#endif
