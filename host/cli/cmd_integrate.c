/* cmd_integrate.c — `darkyield integrate`: a grid of Genz test integrals of one family on the
 * chosen backend, printed as a vegas-style table or as CSV with the closed-form answers. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "engine/genz.h"

static void help(void)
{
    printf("usage: darkyield integrate --integrand genz-<family> --dim D [options]\n\n"
           "Integrates N Genz test integrands (parameters drawn from the seed) over [0,1]^D with\n"
           "batched VEGAS and compares with their closed forms.\n\n"
           "  --integrand genz-F   F = oscillatory, product-peak, corner-peak, gaussian, c0,\n"
           "                       discontinuous\n"
           "  --dim D              dimensions, 1..%d\n"
           "  --points N           number of integrals (grid points), default 1\n"
           "  --seed S             random seed, default 1 (results depend on it only)\n"
           "  --precision P        relative precision goal, default 1e-3\n"
           "  --max-eval N         evaluation budget per integral, default 1e8\n"
           "  --backend B          cuda, opencl, cpu or auto (default; DARKYIELD_BACKEND)\n"
           "  --stats FILE.json    engine statistics (launches, bytes, host/device seconds)\n"
           "  --format F           table (default) or csv\n",
           DY_MAX_DIM);
}

typedef struct iter_ctx {
    int print;
} iter_ctx;

static void on_iter(void *ctx, size_t integral, uint32_t it, double v, double e, const dy_result *r)
{
    const iter_ctx *c = ctx;
    if (!c->print || integral != 0) return;
    printf("%5u   %-14.8g +- %-9.2g %-14.8g +- %-9.2g %8.2f %6.2f\n", it, v, e, r->value, r->error,
           r->chi2_dof, r->q);
}

int dy_cmd_integrate(int argc, char **argv)
{
    static const struct option opts[] = {{"integrand", required_argument, 0, 'i'},
                                         {"dim", required_argument, 0, 'd'},
                                         {"points", required_argument, 0, 'n'},
                                         {"seed", required_argument, 0, 's'},
                                         {"precision", required_argument, 0, 'p'},
                                         {"max-eval", required_argument, 0, 'm'},
                                         {"backend", required_argument, 0, 'b'},
                                         {"stats", required_argument, 0, 'S'},
                                         {"format", required_argument, 0, 'f'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *integrand = NULL, *backend = NULL, *format = "table", *stats = NULL;
    uint64_t dim = 0, points = 1, seed = 1, max_eval = 100000000ULL;
    double precision = 1e-3;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'i': integrand = optarg; break;
        case 'd':
            if (dy_parse_u64(optarg, &dim) || dim < 1 || dim > DY_MAX_DIM)
                return dy_cli_usage_error("integrate", "--dim '%s': expected 1..%d", optarg,
                                          DY_MAX_DIM);
            break;
        case 'n':
            if (dy_parse_u64(optarg, &points) || points < 1 || points > 10000000)
                return dy_cli_usage_error("integrate", "--points '%s': expected 1..1e7", optarg);
            break;
        case 's':
            if (dy_parse_u64(optarg, &seed))
                return dy_cli_usage_error("integrate",
                                          "--seed '%s': expected a non-negative "
                                          "integer",
                                          optarg);
            break;
        case 'p':
            if (dy_parse_double(optarg, &precision) || !(precision > 0.0) || precision >= 1.0)
                return dy_cli_usage_error("integrate", "--precision '%s': expected 0 < p < 1",
                                          optarg);
            break;
        case 'm':
            if (dy_parse_u64(optarg, &max_eval) || max_eval < 4096)
                return dy_cli_usage_error("integrate", "--max-eval '%s': expected >= 4096", optarg);
            break;
        case 'b': backend = optarg; break;
        case 'S': stats = optarg; break;
        case 'f': format = optarg; break;
        case 'h': help(); return 0;
        default:
            return dy_cli_usage_error("integrate", "unknown or incomplete option '%s'",
                                      argv[optind - 1]);
        }
    }
    if (optind < argc)
        return dy_cli_usage_error("integrate", "unexpected argument '%s'", argv[optind]);
    if (!integrand) return dy_cli_usage_error("integrate", "--integrand is required");
    if (strncmp(integrand, "genz-", 5) || dy_genz_family_from_name(integrand + 5) < 0)
        return dy_cli_usage_error("integrate",
                                  "unknown integrand '%s' (expected genz-oscillatory, "
                                  "genz-product-peak, genz-corner-peak, genz-gaussian, genz-c0 "
                                  "or genz-discontinuous)",
                                  integrand);
    if (!dim) return dy_cli_usage_error("integrate", "--dim is required");
    const int csv = !strcmp(format, "csv");
    if (!csv && strcmp(format, "table"))
        return dy_cli_usage_error("integrate", "--format '%s': expected table or csv", format);

    const int family = dy_genz_family_from_name(integrand + 5);
    dy_error err;
    dy_engine *e = NULL;
    int rc = dy_cli_open_engine(backend, &e);
    if (rc) return rc;
    dy_params *p = malloc(points * sizeof *p);
    dy_result *r = malloc(points * sizeof *r);
    if (!p || !r) {
        free(p);
        free(r);
        dy_engine_close(e);
        fprintf(stderr, "darkyield: error: out of memory\n");
        return 1;
    }
    if (dy_genz_grid(family, (unsigned)dim, points, seed, 0, p, &err) != DY_OK) {
        rc = dy_cli_fail(&err);
        goto out;
    }
    dy_vegas_options o;
    dy_vegas_options_default(&o);
    o.seed = seed;
    o.rel_precision = precision;
    o.max_eval = max_eval;
    o.progress = !csv;
    iter_ctx ictx = {.print = !csv && points == 1};
    o.on_iteration = on_iter;
    o.ctx = &ictx;
    if (ictx.print)
        printf("itn     integral                    wgt average                 chi2/dof      Q\n"
               "---------------------------------------------------------------------------------"
               "\n");
    if (dy_integrate(e, p, points, &o, NULL, r, NULL, &err) != DY_OK) {
        rc = dy_cli_fail(&err);
        goto out;
    }
    if (csv)
        printf("point,integrand,dim,value,error,exact,pull,chi2_dof,q,n_eval,n_nonfinite,"
               "converged\n");
    else
        printf("\n%6s %22s %10s %22s %8s %8s %6s %12s %s\n", "point", "value", "error", "exact",
               "pull", "chi2/dof", "Q", "n_eval", "converged");
    size_t n_conv = 0;
    for (size_t i = 0; i < points; ++i) {
        const double ex = dy_genz_exact(&p[i]);
        const double pull = r[i].error > 0 ? (r[i].value - ex) / r[i].error : 0.0;
        n_conv += r[i].converged;
        if (csv)
            printf("%zu,%s,%u,%.17g,%.6g,%.17g,%.4f,%.4f,%.4f,%llu,%llu,%d\n", i, integrand,
                   (unsigned)dim, r[i].value, r[i].error, ex, pull, r[i].chi2_dof, r[i].q,
                   (unsigned long long)r[i].n_eval, (unsigned long long)r[i].n_nonfinite,
                   r[i].converged);
        else
            printf("%6zu %22.14g %10.3g %22.14g %8.3f %8.3f %6.3f %12llu %s\n", i, r[i].value,
                   r[i].error, ex, pull, r[i].chi2_dof, r[i].q, (unsigned long long)r[i].n_eval,
                   r[i].converged ? "yes" : "no");
        if (r[i].n_nonfinite)
            fprintf(stderr, "darkyield: warning: point %zu: %llu non-finite weights (not summed)\n",
                    i, (unsigned long long)r[i].n_nonfinite);
    }
    if (!csv)
        printf("\n%zu of %zu integrals reached the precision goal %g\n", n_conv, (size_t)points,
               precision);
    rc = dy_cli_write_stats(e, stats);
out:
    free(p);
    free(r);
    dy_engine_close(e);
    return rc;
}
