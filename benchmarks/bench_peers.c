/* bench_peers.c — darkyield and gsl_monte_vegas on the same integrands (issue 11): brem cross
 * sections set up exactly as `darkyield xsec --process brem --method etl` does (dy_xsec_setup),
 * or Genz test integrals; the same parameter sets are dumped for the Python peers
 * (benchmarks/peers/peer_vegas.py through libdy_peer_integrand).  One JSON object per line on
 * stdout: one per integral, then a summary; benchmarks/peers/report.py turns them into tables.
 * Evaluations are darkyield's dy_result.n_eval and, for GSL, counted in the integrand wrapper.
 * Driven by benchmarks/run-peers.sh; `bench_peers --help` lists the options. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "darkyield/dy.h"
#include "dy_process_table.h"
#include "engine/genz.h"
#include "peers/gsl_peer.h"
#include "physics/materials.h"
#include "physics/xsec.h"

#define MAX_LIST 64

typedef struct opts {
    const char *problem, *integrator, *label, *dump, *backend, *target, *family;
    double rel, energy;
    unsigned long seed, genz_seed;
    uint64_t max_eval;
    int lepton;
    unsigned dim, warmup;
    size_t n, index_offset;
    double masses[MAX_LIST];
    int n_masses;
    double grid_lo, grid_hi;
    size_t calls[MAX_LIST];
    int n_calls;
} opts;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: bench_peers --problem brem|genz --integrator darkyield|gsl|none [options]\n"
            "  --label L        label carried into every output line (default: the problem)\n"
            "  --rel R          relative precision goal per integral (default 1e-3)\n"
            "  --seed S         darkyield Philox key / GSL mt19937 seed (default 1)\n"
            "  --max-eval N     evaluation budget per integral (default: darkyield's; GSL 1e9)\n"
            "  --dump FILE      write the parameter sets (raw dy_params) for the Python peers\n"
            "  --index-offset K add K to the integral index printed (rows of a larger item)\n"
            " brem (as `darkyield xsec --process brem --method etl`):\n"
            "  --lepton e|mu    beam lepton (default e)\n"
            "  --target T       element (default Pb)\n"
            "  --energy E       beam energy, GeV (default 100)\n"
            "  --masses m,...   boson masses, GeV (default 0.1)\n"
            "  --mass-grid N:LO:HI  N masses log-spaced from LO to HI GeV instead\n"
            " genz (host/engine/genz.c, closed-form values):\n"
            "  --family F       Genz family (default product-peak)\n"
            "  --dim D          dimension (default 6)\n"
            "  --n N            integrals drawn from --genz-seed (default 1)\n"
            "  --genz-seed S    parameter seed (default 1)\n"
            " darkyield:\n"
            "  --backend B      cpu, opencl, cuda or auto (default cpu; threads: OMP_NUM_THREADS)\n"
            " gsl (gsl_monte_vegas, one thread; protocol in benchmarks/peers/gsl_peer.h):\n"
            "  --calls N,...    samples per iteration; with one integral each value is a row,\n"
            "                   with several the list is tuned on integral 0 (not timed) and\n"
            "                   the converged value with the fewest evaluations is used\n"
            "  --warmup W       warm-up iterations (default 5)\n");
}

static int bad(const char *fmt, const char *arg)
{
    fprintf(stderr, "bench_peers: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see --help)\n");
    return 2;
}

static int parse_double(const char *s, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    return errno || end == s || *end || !isfinite(*v) ? -1 : 0;
}

static int parse_u64(const char *s, uint64_t *v)
{
    double d;
    if (parse_double(s, &d) || d < 0 || d > 1.8e19 || d != floor(d)) return -1;
    *v = (uint64_t)d;
    return 0;
}

static int parse_list(const char *s, double *out, int *n)
{
    char buf[1024], *save = NULL;
    snprintf(buf, sizeof buf, "%s", s);
    *n = 0;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (*n >= MAX_LIST || parse_double(t, &out[*n])) return -1;
        ++*n;
    }
    return *n ? 0 : -1;
}

static int parse_args(int argc, char **argv, opts *o)
{
    memset(o, 0, sizeof *o);
    o->rel = 1e-3;
    o->energy = 100.0;
    o->seed = o->genz_seed = 1;
    o->backend = "cpu";
    o->target = "Pb";
    o->family = "product-peak";
    o->dim = 6;
    o->n = 1;
    o->warmup = 5;
    o->masses[0] = 0.1;
    o->n_masses = 1;
    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            exit(0);
        }
        if (i + 1 >= argc || strncmp(a, "--", 2)) return bad("unexpected argument '%s'", a);
        const char *v = argv[++i];
        double d;
        uint64_t u;
        if (!strcmp(a, "--problem")) {
            o->problem = v;
        } else if (!strcmp(a, "--integrator")) {
            o->integrator = v;
        } else if (!strcmp(a, "--label")) {
            o->label = v;
        } else if (!strcmp(a, "--dump")) {
            o->dump = v;
        } else if (!strcmp(a, "--backend")) {
            o->backend = v;
        } else if (!strcmp(a, "--target")) {
            o->target = v;
        } else if (!strcmp(a, "--family")) {
            o->family = v;
        } else if (!strcmp(a, "--rel")) {
            if (parse_double(v, &o->rel) || !(o->rel > 0.0 && o->rel < 1.0))
                return bad("--rel '%s': need 0 < R < 1", v);
        } else if (!strcmp(a, "--energy")) {
            if (parse_double(v, &o->energy) || !(o->energy > 0.0))
                return bad("--energy '%s': need a positive energy in GeV", v);
        } else if (!strcmp(a, "--seed") || !strcmp(a, "--genz-seed")) {
            if (parse_u64(v, &u) || u > 0xffffffffUL) return bad("seed '%s': need 0..2^32-1", v);
            *(a[2] == 's' ? &o->seed : &o->genz_seed) = (unsigned long)u;
        } else if (!strcmp(a, "--max-eval")) {
            if (parse_u64(v, &o->max_eval) || o->max_eval < 1000)
                return bad("--max-eval '%s': need an integer >= 1000", v);
        } else if (!strcmp(a, "--lepton")) {
            if (strcmp(v, "e") && strcmp(v, "mu")) return bad("--lepton '%s': need e or mu", v);
            o->lepton = !strcmp(v, "mu");
        } else if (!strcmp(a, "--masses")) {
            if (parse_list(v, o->masses, &o->n_masses))
                return bad("--masses '%s': need a comma list of masses in GeV", v);
            for (int k = 0; k < o->n_masses; ++k)
                if (!(o->masses[k] > 0.0)) return bad("--masses '%s': masses must be > 0", v);
        } else if (!strcmp(a, "--mass-grid")) {
            double n;
            char buf[256], *c1, *c2;
            snprintf(buf, sizeof buf, "%s", v);
            c1 = strchr(buf, ':');
            c2 = c1 ? strchr(c1 + 1, ':') : NULL;
            if (!c2) return bad("--mass-grid '%s': need N:LO:HI", v);
            *c1 = *c2 = 0;
            if (parse_double(buf, &n) || n < 1 || n > 100000 || n != floor(n) ||
                parse_double(c1 + 1, &o->grid_lo) || parse_double(c2 + 1, &o->grid_hi) ||
                !(o->grid_lo > 0.0) || !(o->grid_hi >= o->grid_lo))
                return bad("--mass-grid '%s': need N:LO:HI with N >= 1, 0 < LO <= HI", v);
            o->n = (size_t)n;
            o->n_masses = 0;
        } else if (!strcmp(a, "--dim")) {
            if (parse_double(v, &d) || d < 1 || d > DY_MAX_DIM || d != floor(d))
                return bad("--dim '%s': need 1..8", v);
            o->dim = (unsigned)d;
        } else if (!strcmp(a, "--n")) {
            if (parse_double(v, &d) || d < 1 || d > 1e6 || d != floor(d))
                return bad("--n '%s': need 1..1e6", v);
            o->n = (size_t)d;
        } else if (!strcmp(a, "--index-offset")) {
            if (parse_u64(v, &u) || u > 1000000) return bad("--index-offset '%s': need 0..1e6", v);
            o->index_offset = (size_t)u;
        } else if (!strcmp(a, "--calls")) {
            double c[MAX_LIST];
            if (parse_list(v, c, &o->n_calls)) return bad("--calls '%s': need a comma list", v);
            for (int k = 0; k < o->n_calls; ++k) {
                if (!(c[k] >= 16 && c[k] <= 1e9)) return bad("--calls '%s': need 16..1e9", v);
                o->calls[k] = (size_t)c[k];
            }
        } else if (!strcmp(a, "--warmup")) {
            if (parse_double(v, &d) || d < 1 || d > 100 || d != floor(d))
                return bad("--warmup '%s': need 1..100", v);
            o->warmup = (unsigned)d;
        } else {
            return bad("unknown option '%s'", a);
        }
    }
    if (!o->problem || (strcmp(o->problem, "brem") && strcmp(o->problem, "genz")))
        return bad("--problem %s: need brem or genz", o->problem ? o->problem : "(missing)");
    if (!o->integrator || (strcmp(o->integrator, "darkyield") && strcmp(o->integrator, "gsl") &&
                           strcmp(o->integrator, "none")))
        return bad("--integrator %s: need darkyield, gsl or none",
                   o->integrator ? o->integrator : "(missing)");
    if (!strcmp(o->integrator, "gsl") && !o->n_calls) return bad("%s needs --calls", "gsl");
    if (!strcmp(o->problem, "brem") && o->n_masses) o->n = (size_t)o->n_masses;
    if (!o->label) o->label = o->problem;
    for (const char *c = o->label; *c; ++c)
        if (*c == '"' || *c == '\\' || (unsigned char)*c < 32)
            return bad("--label '%s': no quotes, backslashes or control characters", o->label);
    return 0;
}

/* Brem parameters exactly as host/cli/cmd_xsec.c builds them for --method etl. */
static int setup_brem(const opts *o, dy_params *p, double *mass)
{
    dy_xsec_request r;
    dy_material m;
    dy_error err;
    dy_xsec_request_default(&r);
    r.process = DY_XPROC_BREM;
    r.lepton = o->lepton;
    if (dy_material_lookup(o->target, &m, &err) != DY_OK) {
        fprintf(stderr, "bench_peers: --target %s: %s\n", o->target, err.msg);
        return 2;
    }
    if (m.n_elem != 1) {
        fprintf(stderr, "bench_peers: --target %s: need one element\n", o->target);
        return 2;
    }
    r.Z = m.Z[0];
    r.A = m.A[0];
    r.energy = o->energy;
    for (size_t i = 0; i < o->n; ++i) {
        mass[i] = o->n_masses ? o->masses[i]
                  : o->n > 1  ? o->grid_lo * pow(o->grid_hi / o->grid_lo, (double)i / (o->n - 1))
                              : o->grid_lo;
        r.mass = mass[i];
        if (dy_xsec_setup(&r, &p[i], &err) != DY_OK) {
            fprintf(stderr, "bench_peers: brem m = %g GeV: %s\n", mass[i], err.msg);
            return 2;
        }
        p[i].id = (dy_u64)i;
    }
    return 0;
}

static int dump(const char *path, const dy_params *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    const char magic[8] = {'D', 'Y', 'P', 'E', 'E', 'R', 'S', '1'};
    const uint32_t h[2] = {(uint32_t)sizeof *p, (uint32_t)n};
    int ok = f && fwrite(magic, 1, 8, f) == 8 && fwrite(h, sizeof h, 1, f) == 1 &&
             fwrite(p, sizeof *p, n, f) == n;
    if (f && fclose(f)) ok = 0;
    if (!ok) {
        fprintf(stderr, "bench_peers: cannot write %s: %s\n", path, strerror(errno));
        remove(path);
        return 1;
    }
    return 0;
}

static const char *env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    return v && *v ? v : dflt;
}

/* One line per integral; "x" is the mass (brem) or the Genz index, "exact" NaN when unknown. */
static void print_row(const opts *o, size_t i, double x, double exact, double value, double error,
                      double chi2, unsigned long long n_eval, unsigned n_iter, int converged,
                      size_t calls, double wall)
{
    printf("{\"label\":\"%s\",\"integrator\":\"%s\",\"i\":%zu,\"x\":%.10g,\"value\":%.17g,"
           "\"error\":%.17g,\"chi2_dof\":%.6g,\"n_eval\":%llu,\"n_iter\":%u,\"converged\":%d,"
           "\"rel_goal\":%g",
           o->label, o->integrator, o->index_offset + i, x, value, error,
           isfinite(chi2) ? chi2 : -1.0, n_eval, n_iter, converged, o->rel);
    if (isfinite(exact)) printf(",\"exact\":%.17g", exact);
    if (calls) printf(",\"calls\":%zu", calls);
    if (wall >= 0.0) printf(",\"wall_s\":%.6g", wall);
    printf("}\n");
}

static void print_summary(const opts *o, size_t n, unsigned long long n_eval, double wall,
                          double open_s, const char *backend, const char *device, size_t calls)
{
    printf("{\"label\":\"%s\",\"integrator\":\"%s\",\"summary\":1,\"n\":%zu,\"n_eval\":%llu,"
           "\"wall_s\":%.6g,\"open_s\":%.6g,\"threads\":\"%s\",\"backend\":\"%s\","
           "\"device\":\"",
           o->label, o->integrator, n, n_eval, wall, open_s,
           !strcmp(o->integrator, "gsl") ? "1" : env_or("OMP_NUM_THREADS", "default"), backend);
    for (const char *c = device; *c; ++c) /* device strings come from drivers: escape them */
        if (*c == '"' || *c == '\\')
            printf("\\%c", *c);
        else if ((unsigned char)*c >= 32)
            putchar(*c);
    printf("\"");
    if (calls) printf(",\"calls\":%zu", calls);
    printf("}\n");
}

static double gsl_f(double *x, size_t dim, void *ctx)
{
    double obs[DY_MAX_OBS];
    (void)dim;
    return dy_integrand(ctx, x, obs, 0);
}

static int run_darkyield(const opts *o, const dy_params *p, const double *x, const double *exact)
{
    dy_engine *e;
    dy_error err;
    dy_vegas_options vo;
    const double t0 = dy_bench_now();
    if (dy_engine_open(o->backend, &e, &err) != DY_OK) {
        fprintf(stderr, "bench_peers: %s\n", err.msg);
        return 1;
    }
    const double t1 = dy_bench_now();
    dy_result *r = calloc(o->n, sizeof *r);
    if (!r) return 1;
    dy_vegas_options_default(&vo); /* only the fields that stay across engine versions: */
    vo.seed = o->seed;
    vo.rel_precision = o->rel;
    if (o->max_eval) vo.max_eval = o->max_eval;
    const dy_status st = dy_integrate(e, p, o->n, &vo, NULL, r, NULL, &err);
    const double wall = dy_bench_now() - t1;
    if (st != DY_OK) {
        fprintf(stderr, "bench_peers: darkyield: %s\n", err.msg);
        free(r);
        dy_engine_close(e);
        return 1;
    }
    unsigned long long total = 0;
    for (size_t i = 0; i < o->n; ++i) {
        total += r[i].n_eval;
        print_row(o, i, x[i], exact[i], r[i].value, r[i].error, r[i].chi2_dof,
                  (unsigned long long)r[i].n_eval, r[i].n_iter, r[i].converged, 0,
                  o->n == 1 ? wall : -1.0);
    }
    print_summary(o, o->n, total, wall, t1 - t0, dy_engine_backend(e), dy_engine_device(e), 0);
    free(r);
    dy_engine_close(e);
    return 0;
}

static int gsl_one(const opts *o, const dy_params *p, size_t calls, dy_gsl_run *run)
{
    dy_gsl_protocol gp;
    dy_gsl_protocol_default(&gp, calls, o->rel);
    gp.warmup = o->warmup;
    gp.seed = o->seed;
    if (o->max_eval) gp.max_eval = o->max_eval;
    if (dy_gsl_vegas(gsl_f, (void *)p, p->dim, &gp, run)) {
        fprintf(stderr, "bench_peers: gsl_monte_vegas failed (dim %u, calls %zu)\n", p->dim, calls);
        return 1;
    }
    return 0;
}

static int run_gsl(const opts *o, const dy_params *p, const double *x, const double *exact)
{
    dy_gsl_run run;
    if (o->n == 1) { /* every --calls value is a row */
        for (int k = 0; k < o->n_calls; ++k) {
            if (gsl_one(o, p, o->calls[k], &run)) return 1;
            print_row(o, 0, x[0], exact[0], run.value, run.error, run.chi2_dof, run.n_eval,
                      run.n_iter, run.converged, o->calls[k], run.wall_s);
            print_summary(o, 1, run.n_eval, run.wall_s, 0.0, "gsl", "gsl_monte_vegas", o->calls[k]);
        }
        return 0;
    }
    size_t calls = o->calls[0];
    if (o->n_calls > 1) { /* tune on integral 0, untimed: fewest evaluations among converged */
        uint64_t best = UINT64_MAX;
        for (int k = 0; k < o->n_calls; ++k) {
            if (gsl_one(o, p, o->calls[k], &run)) return 1;
            if (run.converged && run.n_eval < best) {
                best = run.n_eval;
                calls = o->calls[k];
            }
        }
    }
    unsigned long long total = 0;
    const double t0 = dy_bench_now();
    for (size_t i = 0; i < o->n; ++i) {
        if (gsl_one(o, &p[i], calls, &run)) return 1;
        total += run.n_eval;
        print_row(o, i, x[i], exact[i], run.value, run.error, run.chi2_dof, run.n_eval, run.n_iter,
                  run.converged, calls, -1.0);
    }
    print_summary(o, o->n, total, dy_bench_now() - t0, 0.0, "gsl", "gsl_monte_vegas", calls);
    return 0;
}

int main(int argc, char **argv)
{
    opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc) return rc;
    dy_params *p = calloc(o.n, sizeof *p);
    double *x = calloc(o.n, sizeof *x), *exact = calloc(o.n, sizeof *exact);
    if (!p || !x || !exact) {
        fprintf(stderr, "bench_peers: out of memory\n");
        return 1;
    }
    if (!strcmp(o.problem, "brem")) {
        rc = setup_brem(&o, p, x);
        for (size_t i = 0; i < o.n; ++i)
            exact[i] = NAN;
    } else {
        dy_error err;
        const int fam = dy_genz_family_from_name(o.family);
        if (fam < 0) {
            rc = bad("--family '%s': unknown Genz family", o.family);
        } else if (dy_genz_grid(fam, o.dim, o.n, o.genz_seed, 0, p, &err) != DY_OK) {
            fprintf(stderr, "bench_peers: %s\n", err.msg);
            rc = 2;
        } else {
            for (size_t i = 0; i < o.n; ++i) {
                x[i] = (double)i;
                exact[i] = dy_genz_exact(&p[i]);
            }
        }
    }
    if (!rc && o.dump) rc = dump(o.dump, p, o.n);
    if (!rc && !strcmp(o.integrator, "darkyield")) rc = run_darkyield(&o, p, x, exact);
    if (!rc && !strcmp(o.integrator, "gsl")) rc = run_gsl(&o, p, x, exact);
    if (!rc && !strcmp(o.integrator, "none"))
        for (size_t i = 0; i < o.n; ++i) { /* the problem's rows only */
            printf("{\"label\":\"%s\",\"integrator\":\"none\",\"i\":%zu,\"x\":%.10g,"
                   "\"dim\":%u",
                   o.label, o.index_offset + i, x[i], p[i].dim);
            if (isfinite(exact[i])) printf(",\"exact\":%.17g", exact[i]);
            printf("}\n");
        }
    free(p);
    free(x);
    free(exact);
    return rc;
}
