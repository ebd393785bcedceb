/* shard.c — merging part files and writing outputs (see shard.h). */
#include "shard.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "jobs/checkpoint.h"
#include "jobs/grid_run.h"
#include "jobs/run.h"
#include "darkyield/dy.h"
#include "io/outlock.h"
#include "io/writer.h"

void dy_output_paths(const dy_config *cfg, const char *out, char *h5, char *csv, size_t n)
{
    const size_t L = out ? strlen(out) : 0;
    if (out && L > 3 && !strcmp(out + L - 3, ".h5")) {
        snprintf(h5, n, "%s", out);
        snprintf(csv, n, "%.*s.csv", (int)(L - 3), out);
    } else {
        const char *dir = out ? out : cfg->out_dir;
        snprintf(h5, n, "%s/%s.h5", dir, cfg->name);
        snprintf(csv, n, "%s/%s.csv", dir, cfg->name);
    }
}

/* "<dir>" and "<stem>" of an output file path "<dir>/<stem>.<ext>" (dir "." when none). */
static void split_path(const char *path, char *dir, char *stem, size_t n)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, n, ".");
    else if (slash == path)
        snprintf(dir, n, "/");
    else
        snprintf(dir, n, "%.*s", (int)(slash - path), path);
    snprintf(stem, n, "%s", slash ? slash + 1 : path);
    char *dot = strrchr(stem, '.');
    if (dot && dot != stem) *dot = 0;
}

dy_status dy_write_outputs(const dy_config *cfg, const dy_yield_grid *g, const char *h5,
                           const char *csv, dy_error *err)
{
    char dir[4400], stem[4400];
    dy_status s = DY_OK;
    dy_outset set;
    split_path(cfg->want_hdf5 ? h5 : csv, dir, stem, sizeof dir);
    if ((s = dy_make_dirs(dir, err)) != DY_OK) return s;
    /* one set: a failed CSV never leaves a new .h5 beside old CSV files */
    dy_outset_init(&set);
    if (cfg->want_hdf5) s = dy_write_hdf5_to(&set, h5, g, err);
    if (s == DY_OK && cfg->want_csv) s = dy_write_csv_to(&set, csv, g, err);
    if (s != DY_OK) {
        dy_outset_abort(&set);
        return s;
    }
    return dy_outset_commit(&set, err);
}

dy_status dy_merge_parts(const char *const *parts, int n, const char *out, int verbose,
                         dy_merge_result *mr, dy_error *err)
{
    dy_status s = DY_OK;
    dy_ckpt_data *d = calloc((size_t)(n > 0 ? n : 1), sizeof *d);
    int *owner = NULL, *seen = NULL;
    dy_config cfg;
    dy_run *r = NULL;
    dy_yield_grid g;
    dy_outlock lock = {.fd = -1};
    memset(&cfg, 0, sizeof cfg);
    memset(&g, 0, sizeof g);
    memset(mr, 0, sizeof *mr);
    if (!d) return dy_error_set(err, DY_ERR_NOMEM, "merge: out of memory");
    if (n < 1) {
        s = dy_error_set(err, DY_ERR_INVALID, "merge: no part files given");
        goto done;
    }
    for (int i = 0; i < n; ++i) {
        if ((s = dy_ckpt_read(parts[i], &d[i], err)) != DY_OK) goto done;
        const dy_ckpt_info *a = &d[i].info, *b = &d[0].info;
        if (a->kind != DY_CKPT_KIND_PART) {
            s = dy_error_set(err, DY_ERR_INVALID,
                             "%s is a checkpoint of an unfinished run, not a part file (finish the "
                             "shard with 'darkyield run CONFIG --shard %u/%u --resume')",
                             parts[i], a->shard_i, a->shard_n);
            goto done;
        }
        if (d[i].damaged) {
            s = dy_error_set(err, DY_ERR_INVALID,
                             "%s (part files are written whole: recompute "
                             "this shard)",
                             d[i].note);
            goto done;
        }
        if (a->config_hash != b->config_hash) {
            s = dy_error_set(err, DY_ERR_INVALID,
                             "%s and %s come from different configurations (config hash "
                             "%016llx vs %016llx): refusing to merge",
                             parts[0], parts[i], (unsigned long long)b->config_hash,
                             (unsigned long long)a->config_hash);
            goto done;
        }
        if (strcmp(a->version, DY_VERSION)) {
            s = dy_error_set(err, DY_ERR_INVALID,
                             "%s was computed by darkyield %s; this is darkyield %s: merge with "
                             "the same version",
                             parts[i], a->version, DY_VERSION);
            goto done;
        }
        if (a->shard_n != b->shard_n || a->n_points != b->n_points ||
            a->point_words != b->point_words) {
            s = dy_error_set(err, DY_ERR_INVALID,
                             "%s is shard %u of %u but %s is shard %u of %u: all parts must come "
                             "from the same split",
                             parts[i], a->shard_i, a->shard_n, parts[0], b->shard_i, b->shard_n);
            goto done;
        }
        if (strcmp(a->backend, b->backend) && verbose)
            fprintf(stderr,
                    "darkyield: note: %s was computed on %s, %s on %s (backends agree to "
                    "rounding, not bit for bit)\n",
                    parts[i], a->backend, parts[0], b->backend);
    }
    const int N = (int)d[0].info.shard_n, NP = (int)d[0].info.n_points;
    owner = malloc((size_t)N * sizeof *owner);
    seen = malloc((size_t)NP * sizeof *seen);
    if (!owner || !seen) {
        s = dy_error_set(err, DY_ERR_NOMEM, "merge: out of memory");
        goto done;
    }
    for (int k = 0; k < N; ++k)
        owner[k] = -1;
    for (int i = 0; i < n; ++i) {
        const int k = (int)d[i].info.shard_i;
        if (owner[k] >= 0) {
            s = dy_error_set(err, DY_ERR_INVALID, "shard %d of %d is given twice: %s and %s", k, N,
                             parts[owner[k]], parts[i]);
            goto done;
        }
        owner[k] = i;
    }
    char miss[512] = "";
    int nmiss = 0;
    for (int k = 0; k < N; ++k)
        if (owner[k] < 0) {
            const size_t L = strlen(miss);
            if (L < sizeof miss - 16)
                snprintf(miss + L, sizeof miss - L, "%s%d", nmiss ? ", " : "", k);
            ++nmiss;
        }
    if (nmiss) {
        s = dy_error_set(err, DY_ERR_INVALID,
                         "incomplete: %d of %d shard(s) missing (shard%s %s%s); run them with "
                         "'darkyield run CONFIG --shard I/%d'",
                         nmiss, N, nmiss > 1 ? "s" : "", miss,
                         nmiss > 1 && strlen(miss) > 480 ? ", ..." : "", N);
        goto done;
    }
    /* the configuration the parts were computed from, re-planned here */
    const dy_ckpt_info *h = &d[0].info;
    if ((s = dy_config_parse(h->config_text, h->config_len, h->config_path, &cfg, err)) != DY_OK)
        goto done;
    if (cfg.hash != h->config_hash) {
        s = dy_error_set(err, DY_ERR_INVALID, "%s: stored configuration does not match its hash",
                         parts[0]);
        goto done;
    }
    if ((s = dy_run_open(&cfg, verbose, &r, err)) != DY_OK) goto done;
    if (dy_run_points(r) != NP || dy_run_point_words(r) != h->point_words) {
        s = dy_error_set(err, DY_ERR_INVALID,
                         "%s: grid shape differs from its configuration's plan", parts[0]);
        goto done;
    }
    for (int p = 0; p < NP; ++p)
        seen[p] = -1;
    for (int i = 0; i < n && s == DY_OK; ++i)
        for (int j = 0; j < d[i].n; ++j) {
            const int p = (int)d[i].points[j];
            if (p % N != (int)d[i].info.shard_i || seen[p] >= 0) {
                s = dy_error_set(err, DY_ERR_INVALID, "%s: grid point %d %s", parts[i], p,
                                 seen[p] >= 0 ? "appears twice" : "does not belong to its shard");
                break;
            }
            seen[p] = i;
            s = dy_run_unpack_point(r, p, d[i].words + (size_t)j * h->point_words, err);
        }
    if (s != DY_OK) goto done;
    for (int p = 0; p < NP; ++p)
        if (seen[p] < 0) {
            s = dy_error_set(err, DY_ERR_INVALID,
                             "incomplete: grid point %d (mass %g GeV) is in none of the parts "
                             "(shard %d of %d: %s is truncated?)",
                             p, cfg.masses_GeV[p], p % N, N, parts[owner[p % N]]);
            goto done;
        }
    if ((s = dy_run_fold(r, &g, err)) != DY_OK) goto done;
    for (int i = 0; i < n; ++i)
        mr->wall_seconds += d[i].info.wall_seconds;
    g.name = cfg.name;
    g.config_text = cfg.config_text;
    g.config_hash = cfg.hash;
    g.version = DY_VERSION;
    g.backend = h->backend;
    g.device = h->device;
    g.wall_seconds = mr->wall_seconds;
    dy_output_paths(&cfg, out, mr->h5, mr->csv, sizeof mr->h5);
    {
        char dir[4400], stem[4400];
        split_path(mr->h5, dir, stem, sizeof dir);
        if ((s = dy_outlock_take(&lock, dir, stem, "these outputs", err)) != DY_OK) goto done;
    }
    if ((s = dy_write_outputs(&cfg, &g, mr->h5, mr->csv, err)) != DY_OK) goto done;
    mr->want_hdf5 = cfg.want_hdf5;
    mr->want_csv = cfg.want_csv;
    mr->n_points = NP;
    mr->n_parts = n;
    if (!cfg.want_hdf5) mr->h5[0] = 0;
    if (!cfg.want_csv) mr->csv[0] = 0;
done:
    dy_outlock_release(&lock);
    dy_yield_grid_free(&g);
    dy_run_close(r);
    dy_config_free(&cfg);
    for (int i = 0; i < n; ++i)
        dy_ckpt_data_free(&d[i]);
    free(d);
    free(owner);
    free(seen);
    return s;
}
