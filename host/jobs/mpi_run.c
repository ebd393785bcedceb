/* mpi_run.c — grid scheduling over MPI ranks (see mpi_run.h; docs/distributed.md).  Protocol:
 * workers send HELLO (backend|device) when their engine is open, RESULT (point ids + records)
 * after each group, ERROR on failure; rank 0 answers HELLO/RESULT with WORK (point ids) or STOP.
 * Rank 0 polls with MPI_Iprobe and short sleeps, so it does not busy-wait on a worker's core. */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "mpi_run.h"
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef DY_HAVE_MPI
#include <mpi.h>
#endif
#ifdef _OPENMP
#include <omp.h>
#endif

int dy_mpi_launched(void)
{
    static const char *vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE",
                                 "MPI_LOCALNRANKS"};
    const char *off = getenv("DARKYIELD_NO_MPI");
    if (off && *off && strcmp(off, "0")) return 0;
    for (size_t i = 0; i < sizeof vars / sizeof *vars; ++i)
        if (getenv(vars[i])) return 1;
    return 0;
}

#ifndef DY_HAVE_MPI

dy_status dy_mpi_start(dy_mpi *m, int *argc, char ***argv, dy_error *err)
{
    (void)argc;
    (void)argv;
    memset(m, 0, sizeof *m);
    m->size = m->local_size = 1;
    if (dy_mpi_launched()) {
        const char *sz = getenv("OMPI_COMM_WORLD_SIZE");
        if (!sz) sz = getenv("PMI_SIZE");
        if (sz && atoi(sz) > 1)
            return dy_error_set(err, DY_ERR_UNAVAILABLE,
                                "started by an MPI launcher with %s ranks, but this darkyield was "
                                "built without MPI (cmake -DDARKYIELD_MPI=ON with libopenmpi-dev); "
                                "use --shard I/N to split a grid without MPI",
                                sz);
    }
    return DY_OK;
}

void dy_mpi_end(dy_mpi *m, int abort_job)
{
    (void)m;
    (void)abort_job;
}

dy_status dy_mpi_exec(const dy_mpi *m, dy_run *r, const char *backend, const dy_grid_opts *o,
                      dy_ckpt *ck, dy_mpi_outcome *out, dy_error *err)
{
    (void)m, (void)r, (void)backend, (void)o, (void)ck, (void)out;
    return dy_error_set(err, DY_ERR_UNAVAILABLE, "built without MPI");
}

#else /* DY_HAVE_MPI */

enum { TAG_HELLO = 1, TAG_RESULT, TAG_ERROR, TAG_WORK, TAG_STOP, TAG_PREP };

dy_status dy_mpi_start(dy_mpi *m, int *argc, char ***argv, dy_error *err)
{
    memset(m, 0, sizeof *m);
    m->size = m->local_size = 1;
    if (!dy_mpi_launched()) return DY_OK;
    if (MPI_Init(argc, argv) != MPI_SUCCESS)
        return dy_error_set(err, DY_ERR_UNAVAILABLE, "MPI_Init failed");
    m->active = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &m->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &m->size);
    MPI_Comm node;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, m->rank, MPI_INFO_NULL, &node);
    MPI_Comm_rank(node, &m->local_rank);
    MPI_Comm_size(node, &m->local_size);
    /* the computing ranks (all but world rank 0) of this node: device and thread binding */
    MPI_Comm comp;
    MPI_Comm_split(node, m->rank == 0 ? 0 : 1, m->rank, &comp);
    MPI_Comm_rank(comp, &m->worker_index);
    MPI_Comm_size(comp, &m->node_workers);
    MPI_Comm_free(&comp);
    MPI_Comm_free(&node);
    return DY_OK;
}

void dy_mpi_end(dy_mpi *m, int abort_job)
{
    if (!m->active) return;
    if (abort_job) MPI_Abort(MPI_COMM_WORLD, 1);
    MPI_Finalize();
    m->active = 0;
}

/* One device per worker: CUDA device = node-local worker index (mod the device count, found on
 * the first try); cpu: OpenMP threads = the cores this rank may run on, shared among the node's
 * workers when the launcher did not bind them (mpirun --bind-to none). */
static dy_status open_bound_engine(const dy_mpi *m, const char *backend, dy_engine **e,
                                   dy_error *err)
{
    const int idx = m->worker_index, cnt = m->node_workers;
#ifdef _OPENMP
    if (!getenv("OMP_NUM_THREADS")) {
        cpu_set_t set;
        long online = sysconf(_SC_NPROCESSORS_ONLN);
        int mine = (int)online;
        if (sched_getaffinity(0, sizeof set, &set) == 0) mine = CPU_COUNT(&set);
        int th = mine < online ? mine : (int)(online / (cnt > 0 ? cnt : 1));
        omp_set_num_threads(th < 1 ? 1 : th);
    }
#endif
    /* The backend is resolved once and then named: a worker whose device cannot open fails
     * instead of falling back to another backend.  Its device: the node-local worker index modulo
     * the devices it sees (with one GPU per rank, CUDA_VISIBLE_DEVICES shows it one: index 0);
     * DARKYIELD_CUDA_DEVICE / DARKYIELD_OPENCL_DEVICE, when set, choose instead. */
    const int b = dy_backend_resolve(backend, err);
    if (b < 0) return err->status;
    const char *name = dy_backend_name(b);
    const int ndev = dy_backend_device_count(b);
    const int user = (!strcmp(name, "cuda") && getenv("DARKYIELD_CUDA_DEVICE")) ||
                     (!strcmp(name, "opencl") && getenv("DARKYIELD_OPENCL_DEVICE"));
    const int dev = user || ndev <= 1 || !strcmp(name, "cpu") ? -1 : idx % ndev;
    return dy_engine_open_device(name, dev, e, err);
}

static void nap(void)
{
    struct timespec ts = {0, 1000000}; /* 1 ms */
    nanosleep(&ts, NULL);
}

/* ---- worker ---- */

static dy_status worker(const dy_mpi *m, dy_run *r, const char *backend, const dy_grid_opts *o,
                        dy_error *err)
{
    dy_engine *e = NULL;
    dy_status s = open_bound_engine(m, backend, &e, err);
    char hello[192];
    if (s != DY_OK) {
        MPI_Send(err->msg, (int)strlen(err->msg) + 1, MPI_CHAR, 0, TAG_ERROR, MPI_COMM_WORLD);
        return s;
    }
    snprintf(hello, sizeof hello, "%.15s|%zu|%.127s", dy_engine_backend(e), dy_engine_batch_hint(e),
             dy_engine_device(e));
    MPI_Send(hello, (int)strlen(hello) + 1, MPI_CHAR, 0, TAG_HELLO, MPI_COMM_WORLD);
    const size_t nw = dy_run_point_words(r);
    const int NP = dy_run_points(r);
    int *pts = malloc((size_t)(NP + 1) * sizeof *pts);
    uint64_t *msg = malloc((1 + (size_t)NP * (1 + nw)) * sizeof *msg);
    if (!pts || !msg) {
        s = dy_error_set(err, DY_ERR_NOMEM, "rank worker: out of memory");
        MPI_Send(err->msg, (int)strlen(err->msg) + 1, MPI_CHAR, 0, TAG_ERROR, MPI_COMM_WORLD);
        goto done;
    }
    for (;;) {
        MPI_Status st;
        int cnt;
        MPI_Probe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
        MPI_Get_count(&st, MPI_INT, &cnt);
        MPI_Recv(pts, NP + 1, MPI_INT, 0, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (st.MPI_TAG == TAG_STOP) break;
        const int np = pts[0];
        if ((s = dy_run_compute(r, e, pts + 1, np, 0, err)) != DY_OK) {
            MPI_Send(err->msg, (int)strlen(err->msg) + 1, MPI_CHAR, 0, TAG_ERROR, MPI_COMM_WORLD);
            break;
        }
        msg[0] = (uint64_t)np;
        for (int i = 0; i < np; ++i) {
            msg[1 + i] = (uint64_t)pts[1 + i];
            dy_run_pack_point(r, pts[1 + i], msg + 1 + np + (size_t)i * nw);
        }
        MPI_Send(msg, (int)(1 + np + (size_t)np * nw), MPI_UINT64_T, 0, TAG_RESULT, MPI_COMM_WORLD);
    }
done:
    if (s == DY_OK && o->stats) { /* this worker's engine statistics */
        char path[4200];
        snprintf(path, sizeof path, "%s.rank%d", o->stats, m->rank);
        s = dy_engine_stats_write_json(e, path, err);
    }
    free(pts);
    free(msg);
    dy_engine_close(e);
    return s;
}

/* ---- rank 0: the scheduler ---- */

typedef struct queue {
    int *pts;        /* dynamic: one queue; static: per-worker blocks back to back */
    int *head, *end; /* [workers + 1]: next and end index per worker (static) or [0] (dynamic) */
    int stat;
} queue;

static const dy_run *g_cost_run;
static int cmp_cost(const void *a, const void *b)
{
    const double ca = dy_run_point_cost(g_cost_run, *(const int *)a);
    const double cb = dy_run_point_cost(g_cost_run, *(const int *)b);
    if (ca != cb) return ca < cb ? 1 : -1;
    return *(const int *)a - *(const int *)b;
}

/* Next group for worker w (1-based) into buf[1..]; returns its size (0: nothing left). */
static int next_group(queue *q, int w, int G, int *buf)
{
    const int k = q->stat ? w : 0;
    int n = 0;
    while (n < G && q->head[k] < q->end[k])
        buf[1 + n++] = q->pts[q->head[k]++];
    buf[0] = n;
    return n;
}

static dy_status scheduler(const dy_mpi *m, dy_run *r, const dy_grid_opts *o, dy_ckpt *ck,
                           dy_mpi_outcome *out, dy_error *err)
{
    const int W = m->size - 1, NP = dy_run_points(r);
    const size_t nw = dy_run_point_words(r);
    /* points per message: --group, else enough integrals to fill the worker's device (its batch
     * hint: one point on a cpu worker for the finest balance of small grids, thousands of
     * integrals on a GPU) */
    const int per = dy_run_point_integrals(r);
    int *all = calloc((size_t)NP, sizeof *all), *buf = calloc((size_t)NP + 1, sizeof *buf);
    int *gsz = calloc((size_t)W + 2, sizeof *gsz);
    queue q = {0};
    q.pts = calloc((size_t)NP + 1, sizeof *q.pts);
    q.head = calloc((size_t)W + 2, sizeof *q.head);
    q.end = calloc((size_t)W + 2, sizeof *q.end);
    q.stat = o->schedule == DY_SCHED_STATIC;
    uint64_t *msg = NULL;
    dy_status s = DY_OK, first_err = DY_OK;
    dy_grid_progress pr;
    for (int w = 0; w <= W + 1; ++w)
        gsz[w] = o->group > 0 ? o->group : 1;
    if (!all || !buf || !q.pts || !q.head || !q.end || !gsz) {
        s = dy_error_set(err, DY_ERR_NOMEM, "scheduler: out of memory");
        goto done;
    }
    const int na = dy_shard_points(NP, o->shard_i, o->shard_n, all);
    int nt = 0;
    for (int i = 0; i < na; ++i)
        if (!dy_run_point_done(r, all[i])) q.pts[nt++] = all[i];
    if (q.stat) { /* contiguous blocks in grid order, as an index-splitting loop would do */
        for (int w = 1; w <= W; ++w) {
            q.head[w] = (int)((long)nt * (w - 1) / W);
            q.end[w] = (int)((long)nt * w / W);
        }
    } else { /* one queue, largest estimated cost first (LPT) */
        g_cost_run = r;
        qsort(q.pts, (size_t)nt, sizeof *q.pts, cmp_cost);
        q.head[0] = 0;
        q.end[0] = nt;
    }
    dy_grid_progress_start(&pr, r, all, na, o->progress);
    int live = W, stopping = 0;
    while (live > 0) {
        MPI_Status st;
        int flag = 0;
        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
        if (!flag) {
            if (o->stop && *o->stop && !stopping) {
                stopping = 1;
                if (o->progress)
                    fprintf(stderr, "\ndarkyield: signal: waiting for the points in flight\n");
            }
            nap();
            continue;
        }
        const int src = st.MPI_SOURCE;
        int cnt = 0;
        if (st.MPI_TAG == TAG_RESULT) {
            MPI_Get_count(&st, MPI_UINT64_T, &cnt);
            uint64_t *mm = realloc(msg, (size_t)(cnt > 0 ? cnt : 1) * sizeof *msg);
            if (!mm) {
                s = dy_error_set(err, DY_ERR_NOMEM, "scheduler: out of memory");
                dy_mpi_end((dy_mpi *)m, 1);
            }
            msg = mm;
            MPI_Recv(msg, cnt, MPI_UINT64_T, src, TAG_RESULT, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            const int np = (int)msg[0];
            for (int i = 0; i < np && first_err == DY_OK; ++i) {
                buf[i] = (int)msg[1 + i];
                first_err = dy_run_unpack_point(r, buf[i], msg + 1 + np + (size_t)i * nw, err);
            }
            if (first_err == DY_OK) first_err = dy_grid_commit(r, ck, buf, np, err);
            if (first_err != DY_OK) stopping = 1;
            dy_grid_progress_add(&pr, r, buf, np);
        } else {
            char text[4096 + 160];
            MPI_Get_count(&st, MPI_CHAR, &cnt);
            MPI_Recv(text, (int)sizeof text, MPI_CHAR, src, st.MPI_TAG, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE);
            text[sizeof text - 1] = 0;
            if (st.MPI_TAG == TAG_ERROR) {
                if (first_err == DY_OK)
                    first_err = dy_error_set(err, DY_ERR_DEVICE, "rank %d: %s", src, text);
                stopping = 1;
                --live; /* a failed worker has left its loop */
                continue;
            }
            /* HELLO: every worker's backend is printed and recorded; workers on different
             * backends are never hidden behind the first one's name */
            ++out->workers;
            char *bar = strchr(text, '|'), *hint = bar;
            if (bar) {
                *bar = 0;
                hint = bar + 1;
                bar = strchr(hint, '|');
                if (bar) *bar = 0;
                const long h = strtol(hint, NULL, 10);
                if (o->group <= 0 && per > 0 && h > 256) gsz[src] = (int)((h + per - 1) / per);
            }
            fprintf(stderr, "darkyield: MPI rank %d: backend %s: %s\n", src, text,
                    bar ? bar + 1 : "");
            if (!out->backend[0]) {
                snprintf(out->backend, sizeof out->backend, "%.15s", text);
                snprintf(out->device, sizeof out->device, "%.127s", bar ? bar + 1 : "");
            } else if (strcmp(out->backend, text) && strcmp(out->backend, "mixed")) {
                fprintf(stderr,
                        "darkyield: warning: MPI workers run on different backends (%s and %s); "
                        "the outputs record 'mixed'\n",
                        out->backend, text);
                snprintf(out->device, sizeof out->device, "%.60s and %.60s", out->backend, text);
                snprintf(out->backend, sizeof out->backend, "mixed");
            }
        }
        if (o->stop && *o->stop) stopping = 1;
        if (!stopping && next_group(&q, src, gsz[src], buf) > 0) {
            MPI_Send(buf, buf[0] + 1, MPI_INT, src, TAG_WORK, MPI_COMM_WORLD);
        } else {
            MPI_Send(buf, 1, MPI_INT, src, TAG_STOP, MPI_COMM_WORLD);
            --live;
        }
    }
    dy_grid_progress_end(&pr);
    s = first_err;
    if (s == DY_OK && o->stop && *o->stop) {
        int left = 0;
        for (int i = 0; i < na; ++i)
            left += !dy_run_point_done(r, all[i]);
        if (left) {
            char path[4400];
            dy_grid_ckpt_path(dy_run_config(r), o, path, sizeof path);
            s = dy_error_set(
                err, DY_ERR_INTERRUPTED, "interrupted: %d of %d grid point(s) done%s%s%s",
                na - left, na, ck->fd >= 0 ? " and saved in " : " (no checkpoint: lost)",
                ck->fd >= 0 ? path : "", ck->fd >= 0 ? "; continue with --resume" : "");
        }
    }
done:
    free(all);
    free(gsz);
    free(buf);
    free(q.pts);
    free(q.head);
    free(q.end);
    free(msg);
    return s;
}

dy_status dy_mpi_exec(const dy_mpi *m, dy_run *r, const char *backend, const dy_grid_opts *o,
                      dy_ckpt *ck, dy_mpi_outcome *out, dy_error *err)
{
    memset(out, 0, sizeof *out);
    /* rank 0 prepares the checkpoint first; its verdict releases or stops the workers */
    int ok = 1;
    dy_status s = DY_OK;
    if (m->rank == 0) {
        s = dy_grid_prepare(r, o, NULL, NULL, ck, err);
        ok = s == DY_OK;
    }
    MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (!ok) {
        if (m->rank != 0) dy_error_set(err, DY_ERR_INVALID, "rank 0 could not prepare the run");
        return m->rank == 0 ? s : DY_ERR_INVALID;
    }
    if (m->rank == 0) return scheduler(m, r, o, ck, out, err);
    return worker(m, r, backend, o, err);
}

#endif /* DY_HAVE_MPI */
