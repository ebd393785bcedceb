/* yield_isolate.c — dy_yield_read: the HDF5 parse of a yield file runs in a child process with
 * a time limit.  darkyield validates everything HDF5 hands back (yield_reader.c), but HDF5's own
 * parser can loop forever or crash on a damaged file (HDF5 1.10.8 loops in its global heap on a
 * corrupted variable-length string; found by tests/fuzz/fuzz_yield_hdf5_raw): in a child, that
 * is a clear error instead of a hung or crashed `darkyield limit`.  The child sends the grid
 * back through a pipe: status, then shape, scalars, names and the arrays. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "io/infile.h"
#include "io/yield_reader.h"

typedef struct wire {
    int32_t status, nm, ne, nch, nd, nt; /* nd, nt: depth and angle bins (0: none in the file) */
    double coupling, cut;
    char name[256], model[32], msg[4096];
    char ch[DY_GRID_MAX_CHANNELS][DY_GRID_NAME_LEN];
} wire;

static int put(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        const ssize_t k = write(fd, c, n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return -1;
        c += k;
        n -= (size_t)k;
    }
    return 0;
}

#define NARR (4 + 10 * DY_GRID_MAX_CHANNELS)

/* The arrays of g in wire order (the same walk fills them on the other side). */
static size_t arrays(dy_yield_grid *g, double **a, size_t *len, int max)
{
    const size_t n2 = (size_t)g->n_masses * g->n_ebins, n1 = (size_t)g->n_masses;
    size_t k = 0;
    a[k] = g->masses_GeV, len[k++] = n1;
    a[k] = g->ebin_edges_GeV, len[k++] = (size_t)g->n_ebins + 1;
    for (int c = 0; c < g->n_channels && k + 6 <= (size_t)max; ++c) {
        dy_yield_channel *h = &g->ch[c];
        a[k] = h->dNdE, len[k++] = n2;
        a[k] = h->dNdE_err, len[k++] = n2;
        a[k] = h->N_above, len[k++] = n1;
        a[k] = h->N_above_err, len[k++] = n1;
        a[k] = h->N_total, len[k++] = n1;
        a[k] = h->N_total_err, len[k++] = n1;
    }
    if (g->n_dbins > 0) { /* the production-depth spectra (docs/geometry.md) */
        a[k] = g->depth_edges_cm, len[k++] = (size_t)g->n_dbins + 1;
        for (int c = 0; c < g->n_channels && k + 2 <= (size_t)max; ++c) {
            a[k] = g->ch[c].dNdE_depth, len[k++] = n2 * g->n_dbins;
            a[k] = g->ch[c].dNdE_depth_err, len[k++] = n2 * g->n_dbins;
        }
    }
    if (g->n_tbins > 0) { /* the angle spectra (docs/geometry.md) */
        a[k] = g->theta_edges_rad, len[k++] = (size_t)g->n_tbins + 1;
        for (int c = 0; c < g->n_channels && k + 2 <= (size_t)max; ++c) {
            a[k] = g->ch[c].dNdE_theta, len[k++] = n2 * g->n_tbins;
            a[k] = g->ch[c].dNdE_theta_err, len[k++] = n2 * g->n_tbins;
        }
    }
    return k;
}

static void child(int fd, const void *buf, size_t n, const char *path, const char (*sel)[32],
                  int n_select)
{
    dy_yield_file y;
    dy_error err;
    wire w;
    memset(&w, 0, sizeof w);
    w.status = (int32_t)dy_yield_read_mem(buf, n, path, sel, n_select, &y, &err);
    if (w.status != DY_OK) {
        snprintf(w.msg, sizeof w.msg, "%s", err.msg);
        _exit(put(fd, &w, sizeof w) ? 1 : 0);
    }
    w.nm = y.g.n_masses;
    w.ne = y.g.n_ebins;
    w.nch = y.g.n_channels;
    w.nd = y.g.n_dbins;
    w.nt = y.g.n_tbins;
    w.coupling = y.coupling;
    w.cut = y.cut_energy_min_GeV;
    memcpy(w.name, y.name, sizeof w.name);
    memcpy(w.model, y.model, sizeof w.model);
    for (int c = 0; c < w.nch; ++c)
        memcpy(w.ch[c], y.g.ch[c].name, DY_GRID_NAME_LEN);
    double *a[NARR];
    size_t len[NARR];
    const size_t na = arrays(&y.g, a, len, NARR);
    int bad = put(fd, &w, sizeof w);
    for (size_t i = 0; i < na && !bad; ++i)
        bad = put(fd, a[i], len[i] * sizeof(double));
    _exit(bad ? 1 : 0);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

/* Read exactly n bytes before the deadline: 0, or -1 (EOF/error), -2 (deadline). */
static int get(int fd, void *p, size_t n, double deadline)
{
    char *c = p;
    while (n > 0) {
        const double left = deadline - now();
        if (left <= 0) return -2;
        struct pollfd pf = {fd, POLLIN, 0};
        const int r = poll(&pf, 1, (int)(left * 1000) + 1);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return -1;
        if (r == 0) continue;
        const ssize_t k = read(fd, c, n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return -1;
        c += k;
        n -= (size_t)k;
    }
    return 0;
}

static double time_limit(void)
{
    const char *s = getenv("DARKYIELD_READ_TIMEOUT");
    const double t = s && *s ? atof(s) : 0.0;
    return t > 0.0 ? t : 120.0;
}

dy_status dy_yield_read(const char *path, const char (*channels)[32], int n_select,
                        dy_yield_file *out, dy_error *err)
{
    unsigned char *buf;
    size_t n;
    memset(out, 0, sizeof *out);
    dy_status st = dy_read_regular_file(path, "yield file", DY_YIELD_MAX_FILE, &buf, &n, err);
    if (st == DY_ERR_NOT_FOUND)
        return dy_error_set(err, st,
                            "cannot open yield file '%s': %s (run 'darkyield run' on the matching "
                            "config first)",
                            path, strerror(ENOENT));
    if (st != DY_OK) return st;
    int p[2];
    if (pipe(p) != 0) {
        free(buf);
        return dy_error_set(err, DY_ERR_IO, "%s: cannot start the reader: %s", path,
                            strerror(errno));
    }
    fflush(NULL);
    const pid_t pid = fork();
    if (pid < 0) {
        const int e = errno;
        close(p[0]);
        close(p[1]);
        free(buf);
        return dy_error_set(err, DY_ERR_IO, "%s: cannot start the reader: %s", path, strerror(e));
    }
    if (pid == 0) {
        close(p[0]);
        signal(SIGPIPE, SIG_DFL);
        child(p[1], buf, n, path, channels, n_select);
    }
    close(p[1]);
    free(buf);
    const double limit = time_limit(), deadline = now() + limit;
    wire *w = malloc(sizeof *w);
    int r = w ? get(p[0], w, sizeof *w, deadline) : -1;
    if (r == 0 && w->status == DY_OK) {
        if (w->nm < 1 || w->nm > DY_YIELD_MAX_MASSES || w->ne < 1 || w->ne > DY_YIELD_MAX_EBINS)
            r = -1;
        else if (w->nd < 0 || w->nd > DY_YIELD_MAX_DBINS || w->nt < 0 || w->nt > DY_YIELD_MAX_DBINS)
            r = -1;
        else if ((st = dy_yield_grid_alloc(w->nm, w->ne, w->nch, &out->g, err)) != DY_OK ||
                 (st = dy_yield_grid_alloc_geometry(&out->g, w->nt, w->nd, err)) != DY_OK)
            r = -3;
    }
    if (r == 0 && w->status == DY_OK) {
        double *a[NARR];
        size_t len[NARR];
        const size_t na = arrays(&out->g, a, len, NARR);
        for (size_t i = 0; i < na && r == 0; ++i)
            r = get(p[0], a[i], len[i] * sizeof(double), deadline);
    }
    if (r == -2) kill(pid, SIGKILL);
    close(p[0]);
    int ws = 0;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR) {
    }
    if (r == 0 && w->status != DY_OK) {
        st = dy_error_set(err, (dy_status)w->status, "%s", w->msg);
    } else if (r == 0) {
        dy_yield_grid *g = &out->g;
        for (int c = 0; c < w->nch; ++c)
            memcpy(g->ch[c].name, w->ch[c], DY_GRID_NAME_LEN - 1);
        out->coupling = g->coupling = w->coupling;
        out->cut_energy_min_GeV = g->cut_energy_min_GeV = w->cut;
        memcpy(out->name, w->name, sizeof out->name - 1);
        memcpy(out->model, w->model, sizeof out->model - 1);
        g->model = out->model[0] ? out->model : NULL;
        dy_yield_grid_sum(g);
        st = DY_OK;
    } else if (r == -2) {
        st = dy_error_set(err, DY_ERR_INVALID,
                          "%s: the HDF5 library did not finish reading it in %g s (a damaged "
                          "file makes it loop; DARKYIELD_READ_TIMEOUT sets the limit)",
                          path, limit);
    } else if (r == -3) {
        /* err set by dy_yield_grid_alloc */
    } else if (WIFSIGNALED(ws)) {
        st = dy_error_set(err, DY_ERR_INVALID,
                          "%s: the HDF5 library crashed reading it (signal %d): the file is "
                          "damaged",
                          path, WTERMSIG(ws));
    } else {
        st = dy_error_set(err, w ? DY_ERR_IO : DY_ERR_NOMEM, "%s: the reader failed", path);
    }
    free(w);
    if (st != DY_OK) dy_yield_file_free(out);
    return st;
}
