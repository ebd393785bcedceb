/* cmd_xsec.c — `darkyield xsec`: total (and differential) cross sections over a grid of energies
 * and masses for one process and target; exact tree level on the engine (one batched run for the
 * whole grid) beside the WW-family approximations, with K-factor tables. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "io/outset.h"
#include "io/xsec_hdf5.h"
#include "dy_process_table.h"
#include "physics/materials.h"
#include "physics/xsec.h"

#define MAXV 256
/* methods integrated on the engine: exact tree level, or the Breit-Wigner of annihilation */
#define ENGINE(m) ((m) == DY_XM_ETL || (m) == DY_XM_BW)

static void help(void)
{
    printf(
        "usage: darkyield xsec --process brem --target T --energy E[,E...] --mass m[,m...] "
        "[options]\n\n"
        "Cross sections in pb at the given coupling (sigma scales as coupling^2).\n\n"
        "  --process P        brem, annihilation or primakoff\n"
        "  --lepton L         e (default) or mu                         (brem)\n"
        "  --mediator X       vector (default), scalar, pseudoscalar, axial (brem)\n"
        "  --target T         element name (Pb, W, Cu, Al, ...) or Z,A (e.g. 82,207.2)\n"
        "  --energy E,...     beam energy in GeV\n"
        "  --mass m,...       boson mass in GeV\n"
        "  --method M,...     brem: etl (exact tree level, default), ww, iww, hiww;\n"
        "                     annihilation: bw (default), nwa (energy-integrated, pb GeV);\n"
        "                     primakoff: etl (default), closed (small-angle closed form)\n"
        "annihilation (--energy is the total positron energy; sigma per electron):\n"
        "  --alpha-d a        dark coupling alpha_D (default 0.1)\n"
        "  --dm-kind K        dirac (default), scalar, majorana, inelastic\n"
        "  --dm-mass m        chi (chi_1) mass in GeV (default m_A'/3)\n"
        "  --dm-splitting d   (m_chi2 - m_chi1)/m_chi1 for inelastic (default 0.1)\n"
        "  --final-state F    invisible (default), ee, mumu\n"
        "  --channel C        resonant (default: e+e- -> A') or gamma (e+e- -> gamma A')\n"
        "  --per-atom         multiply by Z of --target\n"
        "primakoff (--energy is the photon energy, --coupling g_agg in 1/GeV):\n"
        "  --form-factor F    elastic (default) or elastic+inelastic\n"
        "  --mediator X       pseudoscalar (default) or scalar\n"
        "  --coupling g       eps for A', g for Z'/S/P/A (default 1)\n"
        "  --elastic-only     drop the inelastic (proton) form factor\n"
        "  --precision p      relative MC precision goal (default 1e-3)\n"
        "  --max-eval N       evaluation budget per integral (default 1e8)\n"
        "  --seed S           random seed (default 1)\n"
        "  --backend B        cuda, opencl, cpu or auto\n"
        "  --format F         table (default), csv or hdf5 (needs --output)\n"
        "  --output FILE      write the table/csv to FILE (default, or '-': standard output)\n"
        "  --kfactor FILE     write K = sigma_ETL / sigma_approx for every approximation (csv)\n"
        "                     (every FILE may be '-' for standard output; the files are written\n"
        "                     together at the end, none of them when anything fails)\n"
        "  --hist2d FILE      brem: d2sigma/dx dtheta_X in 10 x slices x 60 log theta bins (csv)\n"
        "  --histograms FILE  write dsigma/dx, dsigma/dtheta_X, dsigma/dE', dsigma/dtheta' "
        "(csv)\n");
}

static int parse_list(const char *cmd, const char *opt, const char *s, double *v, int *n)
{
    char buf[4096], *save = NULL;
    snprintf(buf, sizeof buf, "%s", s);
    *n = 0;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (*n >= MAXV) return dy_cli_usage_error(cmd, "%s: more than %d values", opt, MAXV);
        if (dy_parse_double(tok, &v[*n]) || !(v[*n] > 0.0))
            return dy_cli_usage_error(cmd, "%s '%s': expected positive numbers (GeV)", opt, tok);
        ++*n;
    }
    if (*n == 0) return dy_cli_usage_error(cmd, "%s: empty list", opt);
    return 0;
}

static int parse_target(const char *s, dy_xsec_request *r)
{
    double z, a;
    char buf[128], *comma;
    snprintf(buf, sizeof buf, "%s", s);
    if ((comma = strchr(buf, ','))) {
        *comma = 0;
        if (dy_parse_double(buf, &z) || dy_parse_double(comma + 1, &a) || z < 1 || a < z)
            return dy_cli_usage_error("xsec", "--target '%s': expected Z,A with A >= Z >= 1", s);
        r->Z = z;
        r->A = a;
        return 0;
    }
    dy_material m;
    dy_error err;
    if (dy_material_lookup(s, &m, &err) != DY_OK) return dy_cli_fail(&err);
    if (m.n_elem != 1)
        return dy_cli_usage_error("xsec",
                                  "--target '%s' is a compound or mixture; cross "
                                  "sections are per atom of one element (use Z,A)",
                                  s);
    r->Z = m.Z[0];
    r->A = m.A[0];
    return 0;
}

typedef struct row {
    double E, m, sigma, err, chi2, q;
    unsigned long long neval;
    int method, converged, ok;
} row;

static const char *const mediators[] = {"vector", "scalar", "pseudoscalar", "axial"};

#define NXS 10 /* x slices of the 2-D histogram */

/* d2sigma/dx dtheta_X for brem: each (E, m) point split into NXS slices of x (one engine integral
 * each, via the process's x range), histogrammed in log10 theta_X; one batched call. */
static int write_hist2d(dy_outset *set, const char *path, const dy_xsec_request *req0,
                        const double *E, int nE, const double *M, int nM, dy_engine *eng,
                        uint64_t seed, double precision, uint64_t max_eval)
{
    const int n = nE * nM * NXS;
    dy_params *p = calloc((size_t)n, sizeof *p);
    dy_histspec *hs = calloc((size_t)n * DY_MAX_OBS, sizeof *hs);
    dy_hist *h = calloc((size_t)n * DY_MAX_OBS, sizeof *h);
    dy_result *r = calloc((size_t)n, sizeof *r);
    dy_xsec_request req = *req0;
    dy_error err;
    int rc = 0;
    double(*xr)[2] = calloc((size_t)n, sizeof *xr);
    if (!p || !hs || !h || !r || !xr) {
        fprintf(stderr, "darkyield: error: out of memory\n");
        rc = 1;
        goto done;
    }
    for (int i = 0; i < nE * nM; ++i) {
        req.energy = E[i / nM];
        req.mass = M[i % nM];
        dy_params base;
        if (dy_xsec_setup(&req, &base, &err) != DY_OK) {
            rc = dy_cli_fail(&err);
            goto done;
        }
        const double x0 = base.par[DY_BREM_P_XMIN], x1 = base.par[DY_BREM_P_XMAX];
        for (int s = 0; s < NXS; ++s) {
            const int j = i * NXS + s;
            p[j] = base;
            xr[j][0] = x0 + (x1 - x0) * s / NXS;
            xr[j][1] = x0 + (x1 - x0) * (s + 1) / NXS;
            dy_proc_brem_set_xrange(&p[j], xr[j][0], xr[j][1]);
            p[j].id = 1000000ULL + (dy_u64)j; /* streams distinct from the 1-D run's */
            hs[j * DY_MAX_OBS + 1].lo = -8.0;
            hs[j * DY_MAX_OBS + 1].hi = log10(DY_PI);
            hs[j * DY_MAX_OBS + 1].nbins = 60;
            hs[j * DY_MAX_OBS + 1].is_log = 1;
        }
    }
    dy_vegas_options o;
    dy_vegas_options_default(&o);
    o.seed = seed;
    o.rel_precision = precision;
    o.max_eval = max_eval;
    if (dy_integrate(eng, p, (size_t)n, &o, hs, r, h, &err) != DY_OK) {
        rc = dy_cli_fail(&err);
        goto done;
    }
    struct {
        FILE *f;
    } af = {dy_outset_add(set, path, &err)};
    if (!af.f) {
        rc = dy_cli_fail(&err);
        goto done;
    }
    fprintf(af.f, "energy_GeV,mass_GeV,x_lo,x_hi,theta_lo_rad,theta_hi_rad,"
                  "d2sigma_dx_dtheta_pb_per_rad,error_pb_per_rad\n");
    for (int j = 0; j < n; ++j) {
        const dy_hist *hh = &h[j * DY_MAX_OBS + 1];
        const double dx = xr[j][1] - xr[j][0];
        for (unsigned b = 0; b < hh->spec.nbins; ++b) {
            const double lo =
                pow(10.0, hh->spec.lo + (hh->spec.hi - hh->spec.lo) * b / hh->spec.nbins);
            const double hi =
                pow(10.0, hh->spec.lo + (hh->spec.hi - hh->spec.lo) * (b + 1) / hh->spec.nbins);
            fprintf(af.f, "%.10g,%.10g,%.8g,%.8g,%.8g,%.8g,%.8g,%.3g\n", E[j / NXS / nM],
                    M[(j / NXS) % nM], xr[j][0], xr[j][1], lo, hi,
                    hh->content[b] / (dx * (hi - lo)), hh->error[b] / (dx * (hi - lo)));
        }
    }
done:
    free(p);
    free(hs);
    free(h);
    free(r);
    free(xr);
    return rc;
}

int dy_cmd_xsec(int argc, char **argv)
{
    static const struct option opts[] = {{"process", required_argument, 0, 'P'},
                                         {"lepton", required_argument, 0, 'l'},
                                         {"mediator", required_argument, 0, 'x'},
                                         {"target", required_argument, 0, 't'},
                                         {"energy", required_argument, 0, 'E'},
                                         {"mass", required_argument, 0, 'm'},
                                         {"method", required_argument, 0, 'M'},
                                         {"coupling", required_argument, 0, 'g'},
                                         {"precision", required_argument, 0, 'p'},
                                         {"max-eval", required_argument, 0, 'N'},
                                         {"seed", required_argument, 0, 's'},
                                         {"backend", required_argument, 0, 'b'},
                                         {"format", required_argument, 0, 'f'},
                                         {"output", required_argument, 0, 'o'},
                                         {"kfactor", required_argument, 0, 'K'},
                                         {"histograms", required_argument, 0, 'H'},
                                         {"hist2d", required_argument, 0, '2'},
                                         {"elastic-only", no_argument, 0, 'e'},
                                         {"help", no_argument, 0, 'h'},
                                         {"alpha-d", required_argument, 0, 'a'},
                                         {"dm-kind", required_argument, 0, 'k'},
                                         {"dm-mass", required_argument, 0, 'c'},
                                         {"dm-splitting", required_argument, 0, 'd'},
                                         {"final-state", required_argument, 0, 'F'},
                                         {"channel", required_argument, 0, 'C'},
                                         {"per-atom", no_argument, 0, 'A'},
                                         {"form-factor", required_argument, 0, 'R'},
                                         {0, 0, 0, 0}};
    dy_xsec_request req;
    double E[MAXV], M[MAXV], precision = 1e-3;
    int nE = 0, nM = 0, methods[DY_XM_COUNT], nmeth = 0, c, rc = 0;
    uint64_t seed = 1, max_eval = 100000000ULL;
    const char *backend = NULL, *format = "table", *output = NULL, *kout = NULL, *hout = NULL;
    const char *process = NULL, *target = NULL, *h2out = NULL;
    int ff_set = 0, mediator_set = 0, hdf5_out = 0;
    dy_outset set; /* every output file, committed together at the end */
    dy_outset_init(&set);
    dy_xsec_request_default(&req);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'P': process = optarg; break;
        case 'l':
            if (strcmp(optarg, "e") && strcmp(optarg, "mu"))
                return dy_cli_usage_error("xsec", "--lepton '%s': expected e or mu", optarg);
            req.lepton = !strcmp(optarg, "mu");
            break;
        case 'x':
            mediator_set = 1;
            req.mediator = -1;
            for (int i = 0; i < 4; ++i)
                if (!strcmp(optarg, mediators[i])) req.mediator = i;
            if (req.mediator < 0)
                return dy_cli_usage_error("xsec",
                                          "--mediator '%s': expected vector, scalar, "
                                          "pseudoscalar or axial",
                                          optarg);
            break;
        case 't': target = optarg; break;
        case 'E':
            if ((rc = parse_list("xsec", "--energy", optarg, E, &nE))) return rc;
            break;
        case 'm':
            if ((rc = parse_list("xsec", "--mass", optarg, M, &nM))) return rc;
            break;
        case 'M': {
            char buf[256], *save = NULL;
            snprintf(buf, sizeof buf, "%s", optarg);
            nmeth = 0;
            for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                const int m = dy_xsec_method_from_name(t);
                if (m < 0 || nmeth >= DY_XM_COUNT)
                    return dy_cli_usage_error("xsec",
                                              "--method '%s': expected etl, ww, iww, "
                                              "hiww (brem)",
                                              t);
                methods[nmeth++] = m;
            }
            break;
        }
        case 'g':
            if (dy_parse_double(optarg, &req.coupling) || !(req.coupling > 0.0))
                return dy_cli_usage_error("xsec", "--coupling '%s': expected a positive number",
                                          optarg);
            break;
        case 'p':
            if (dy_parse_double(optarg, &precision) || !(precision > 0.0) || precision >= 1.0)
                return dy_cli_usage_error("xsec", "--precision '%s': expected 0 < p < 1", optarg);
            break;
        case 'N':
            if (dy_parse_u64(optarg, &max_eval) || max_eval < 4096)
                return dy_cli_usage_error("xsec", "--max-eval '%s': expected >= 4096", optarg);
            break;
        case 's':
            if (dy_parse_u64(optarg, &seed))
                return dy_cli_usage_error("xsec", "--seed '%s': expected an integer", optarg);
            break;
        case 'b': backend = optarg; break;
        case 'f': format = optarg; break;
        case 'o': output = optarg; break;
        case 'K': kout = optarg; break;
        case 'H': hout = optarg; break;
        case '2': h2out = optarg; break;
        case 'e': req.inelastic = 0; break;
        case 'a':
            if (dy_parse_double(optarg, &req.alpha_d) || !(req.alpha_d > 0.0))
                return dy_cli_usage_error("xsec", "--alpha-d '%s': expected a positive number",
                                          optarg);
            break;
        case 'k': {
            static const char *const kinds[] = {"dirac", "scalar", "majorana", "inelastic"};
            req.dm_kind = -1;
            for (int i = 0; i < 4; ++i)
                if (!strcmp(optarg, kinds[i])) req.dm_kind = i;
            if (req.dm_kind < 0)
                return dy_cli_usage_error("xsec",
                                          "--dm-kind '%s': expected dirac, scalar, "
                                          "majorana or inelastic",
                                          optarg);
            break;
        }
        case 'c':
            if (dy_parse_double(optarg, &req.dm_mass) || !(req.dm_mass > 0.0))
                return dy_cli_usage_error("xsec", "--dm-mass '%s': expected a positive mass in GeV",
                                          optarg);
            break;
        case 'd':
            if (dy_parse_double(optarg, &req.dm_splitting) || req.dm_splitting < 0.0)
                return dy_cli_usage_error("xsec", "--dm-splitting '%s': expected >= 0", optarg);
            break;
        case 'F':
            if (!strcmp(optarg, "invisible"))
                req.visible = 0;
            else if (!strcmp(optarg, "ee"))
                req.visible = 1;
            else if (!strcmp(optarg, "mumu"))
                req.visible = 2;
            else
                return dy_cli_usage_error("xsec",
                                          "--final-state '%s': expected invisible, ee or "
                                          "mumu",
                                          optarg);
            break;
        case 'C':
            if (!strcmp(optarg, "resonant"))
                req.channel = 0;
            else if (!strcmp(optarg, "gamma"))
                req.channel = 1;
            else
                return dy_cli_usage_error("xsec", "--channel '%s': expected resonant or gamma",
                                          optarg);
            break;
        case 'A': req.per_atom = 1; break;
        case 'R':
            if (!strcmp(optarg, "elastic"))
                req.inelastic = 0;
            else if (!strcmp(optarg, "elastic+inelastic"))
                req.inelastic = 1;
            else
                return dy_cli_usage_error("xsec",
                                          "--form-factor '%s': expected elastic or "
                                          "elastic+inelastic",
                                          optarg);
            ff_set = 1;
            break;
        case 'h': help(); return 0;
        default:
            return dy_cli_usage_error("xsec", "unknown or incomplete option '%s'",
                                      argv[optind - 1]);
        }
    }
    if (optind < argc) return dy_cli_usage_error("xsec", "unexpected argument '%s'", argv[optind]);
    if (!process) return dy_cli_usage_error("xsec", "--process is required");
    if (!strcmp(process, "brem"))
        req.process = DY_XPROC_BREM;
    else if (!strcmp(process, "annihilation"))
        req.process = DY_XPROC_ANNIHILATION;
    else if (!strcmp(process, "primakoff"))
        req.process = DY_XPROC_PRIMAKOFF;
    else
        return dy_cli_usage_error("xsec",
                                  "--process '%s': expected brem, annihilation or "
                                  "primakoff",
                                  process);
    if (req.process == DY_XPROC_PRIMAKOFF) {
        if (!ff_set) req.inelastic = 0; /* elastic (Tsai) by default */
        if (mediator_set && req.mediator != 1 && req.mediator != 2)
            return dy_cli_usage_error("xsec", "--mediator: primakoff takes pseudoscalar or scalar");
        req.mediator = req.mediator == 1 ? 1 : 0;
    }
    if (req.process == DY_XPROC_ANNIHILATION && !target) {
        if (req.per_atom) return dy_cli_usage_error("xsec", "--per-atom needs --target");
        target = "1,1.008"; /* per electron: the target only matters with --per-atom */
    }
    if (!target) return dy_cli_usage_error("xsec", "--target is required");
    if (!nE) return dy_cli_usage_error("xsec", "--energy is required");
    if (!nM) return dy_cli_usage_error("xsec", "--mass is required");
    if (strcmp(format, "table") && strcmp(format, "csv") && strcmp(format, "hdf5"))
        return dy_cli_usage_error("xsec", "--format '%s': expected table, csv or hdf5", format);
    if (!strcmp(format, "hdf5") && !output)
        return dy_cli_usage_error("xsec", "--format hdf5 needs --output FILE");
    if ((rc = parse_target(target, &req))) return rc;
    if (!nmeth) methods[nmeth++] = req.process == DY_XPROC_ANNIHILATION ? DY_XM_BW : DY_XM_ETL;
    int want_etl = 0;
    for (int i = 0; i < nmeth; ++i) {
        if (!dy_xsec_method_valid(&req, methods[i]))
            return dy_cli_usage_error("xsec", "--method %s does not apply to --process %s",
                                      dy_xsec_method_name(methods[i]), process);
        want_etl |= ENGINE(methods[i]);
    }
    if (kout && (!want_etl || nmeth < 2))
        return dy_cli_usage_error("xsec", "--kfactor needs etl and at least one approximation");
    if (hout && !want_etl) return dy_cli_usage_error("xsec", "--histograms needs --method etl");
    if (h2out && (!want_etl || strcmp(process, "brem")))
        return dy_cli_usage_error("xsec", "--hist2d needs --process brem and --method etl");

    /* Validate every grid point before any work: a bad mass fails the command, not a row. */
    const int npts = nE * nM;
    dy_params *par = calloc((size_t)npts, sizeof *par);
    dy_result *res = calloc((size_t)npts, sizeof *res);
    dy_histspec *hs = hout ? calloc((size_t)npts * DY_MAX_OBS, sizeof *hs) : NULL;
    dy_hist *hist = hout ? calloc((size_t)npts * DY_MAX_OBS, sizeof *hist) : NULL;
    row *rows = calloc((size_t)npts * nmeth, sizeof *rows);
    const char *hn[DY_MAX_OBS], *hu[DY_MAX_OBS];
    dy_error err;
    dy_engine *eng = NULL;
    if (!par || !res || !rows || (hout && (!hs || !hist))) {
        fprintf(stderr, "darkyield: error: out of memory\n");
        rc = 1;
        goto out;
    }
    for (int i = 0; i < npts; ++i) {
        req.energy = E[i / nM];
        req.mass = M[i % nM];
        if (dy_xsec_setup(&req, &par[i], &err) != DY_OK) {
            rc = dy_cli_fail(&err);
            goto out;
        }
        par[i].id = (dy_u64)i;
        if (req.zero_reason[0])
            fprintf(stderr, "darkyield: note: E=%g m=%g: explicit zero: %s\n", req.energy, req.mass,
                    req.zero_reason);
        if (hout) dy_xsec_default_hists(&req, &hs[i * DY_MAX_OBS], hn, hu);
    }
    if (want_etl) {
        dy_vegas_options o;
        if ((rc = dy_cli_open_engine(backend, &eng))) goto out;
        dy_vegas_options_default(&o);
        o.seed = seed;
        o.rel_precision = precision;
        o.max_eval = max_eval;
        o.progress = 1;
        if (dy_integrate(eng, par, (size_t)npts, &o, hs, res, hist, &err) != DY_OK) {
            rc = dy_cli_fail(&err);
            goto out;
        }
    }
    for (int i = 0; i < npts; ++i)
        for (int k = 0; k < nmeth; ++k) {
            row *w = &rows[i * nmeth + k];
            w->E = E[i / nM];
            w->m = M[i % nM];
            w->method = methods[k];
            if (ENGINE(methods[k])) {
                const double z = req.process == DY_XPROC_ANNIHILATION && req.per_atom ? req.Z : 1;
                w->sigma = res[i].value * z;
                w->err = res[i].error * z;
                w->chi2 = res[i].chi2_dof;
                w->q = res[i].q;
                w->neval = res[i].n_eval;
                w->converged = res[i].converged;
                if (!res[i].converged && res[i].value != 0.0)
                    fprintf(stderr,
                            "darkyield: warning: E=%g m=%g: precision goal %g not reached "
                            "(%.2g)\n",
                            w->E, w->m, precision, res[i].error / fabs(res[i].value));
            } else {
                req.energy = w->E;
                req.mass = w->m;
                if (dy_xsec_approx(&req, methods[k], &w->sigma, &w->err, &err) != DY_OK) {
                    rc = dy_cli_fail(&err);
                    goto out;
                }
                w->chi2 = NAN;
                w->q = NAN;
                w->converged = 1;
            }
        }
    if (!strcmp(format, "hdf5")) {
        const int nr = npts * nmeth;
        double *col = malloc((size_t)nr * 6 * sizeof *col);
        uint64_t *ne = malloc((size_t)nr * sizeof *ne);
        int *cv = malloc((size_t)nr * sizeof *cv);
        const char **mn = malloc((size_t)nr * 2 * sizeof *mn);
        char cmdline[4096] = "darkyield";
        for (int i = 0; i < argc; ++i) {
            strncat(cmdline, " ", sizeof cmdline - strlen(cmdline) - 1);
            strncat(cmdline, argv[i], sizeof cmdline - strlen(cmdline) - 1);
        }
        dy_status st = DY_ERR_NOMEM;
        if (col && ne && cv && mn) {
            for (int i = 0; i < nr; ++i) {
                col[i] = rows[i].E;
                col[nr + i] = rows[i].m;
                col[2 * nr + i] = rows[i].sigma;
                col[3 * nr + i] = rows[i].err;
                col[4 * nr + i] = rows[i].chi2;
                col[5 * nr + i] = rows[i].q;
                ne[i] = rows[i].neval;
                cv[i] = rows[i].converged;
                mn[i] = dy_xsec_method_name(rows[i].method);
                mn[nr + i] = dy_xsec_method_unit(rows[i].method);
            }
            dy_xsec_table t = {nr,           col,          col + nr, col + 2 * nr, col + 3 * nr,
                               col + 4 * nr, col + 5 * nr, ne,       cv,           mn,
                               mn + nr,      process,      NULL,     NULL,         DY_VERSION,
                               cmdline,      req.Z,        req.A,    req.coupling};
            t.lepton = req.process == DY_XPROC_BREM           ? (req.lepton ? "mu" : "e")
                       : req.process == DY_XPROC_ANNIHILATION ? "e+"
                                                              : "gamma";
            t.mediator = req.process == DY_XPROC_BREM ? mediators[req.mediator] : "";
            st = dy_write_xsec_hdf5_to(&set, output, &t, &err);
        } else {
            dy_error_set(&err, DY_ERR_NOMEM, "out of memory");
        }
        free(col);
        free(ne);
        free(cv);
        free(mn);
        if (st != DY_OK) {
            rc = dy_cli_fail(&err);
            goto out;
        }
        hdf5_out = 1;
        /* the table went to HDF5; show it on the terminal too */
        format = "table";
    }
    /* main table */
    /* HDF5 on standard output: the table for the eye goes to stderr */
    FILE *f = hdf5_out && !strcmp(output, "-") ? stderr : stdout;
    if (output && !hdf5_out && !(f = dy_outset_add(&set, output, &err))) {
        rc = dy_cli_fail(&err);
        goto out;
    }
    const char *lep = req.process == DY_XPROC_BREM           ? (req.lepton ? "mu" : "e")
                      : req.process == DY_XPROC_ANNIHILATION ? "e+"
                                                             : "gamma";
    static const char *const kinds[] = {"dirac", "scalar", "majorana", "inelastic"};
    static const char *const alps[] = {"pseudoscalar", "scalar"};
    const char *med = req.process == DY_XPROC_BREM        ? mediators[req.mediator]
                      : req.process == DY_XPROC_PRIMAKOFF ? alps[req.mediator]
                      : req.channel == 1                  ? "gammaAp"
                      : req.visible == 1                  ? "ee"
                      : req.visible == 2                  ? "mumu"
                                                          : kinds[req.dm_kind];
    if (!strcmp(format, "csv"))
        fprintf(f, "process,lepton,mediator,Z,A,energy_GeV,mass_GeV,coupling,method,sigma_pb,"
                   "error_pb,chi2_dof,q,n_eval,converged,unit\n");
    else
        fprintf(f,
                "# %s %s -> %s, Z=%g A=%g, coupling %g (sigma in pb, scales as coupling^2)\n"
                "%10s %10s %6s %14s %11s %9s %6s %12s (nwa rows: pb GeV)\n",
                process, lep, med, req.Z, req.A, req.coupling, "E/GeV", "m/GeV", "method",
                "sigma/pb", "error/pb", "chi2/dof", "Q", "n_eval");
    for (int i = 0; i < npts * nmeth; ++i) {
        const row *w = &rows[i];
        if (!strcmp(format, "csv"))
            fprintf(f, "%s,%s,%s,%g,%g,%.10g,%.10g,%g,%s,%.10g,%.4g,%.4f,%.4f,%llu,%d,%s\n",
                    process, lep, med, req.Z, req.A, w->E, w->m, req.coupling,
                    dy_xsec_method_name(w->method), w->sigma, w->err, w->chi2, w->q, w->neval,
                    w->converged, dy_xsec_method_unit(w->method));
        else
            fprintf(f, "%10.5g %10.5g %6s %14.7g %11.3g %9.3f %6.3f %12llu\n", w->E, w->m,
                    dy_xsec_method_name(w->method), w->sigma, w->err, w->chi2, w->q, w->neval);
    }
    int nk = 0;
    for (int k = 0; k < nmeth; ++k)
        nk += !ENGINE(methods[k]) && methods[k] != DY_XM_NWA;
    if (!strcmp(format, "table") && want_etl && nk > 0) {
        fprintf(f, "\n# K-factors K = sigma_ETL / sigma_method\n%10s %10s", "E/GeV", "m/GeV");
        for (int k = 0; k < nmeth; ++k)
            if (!ENGINE(methods[k]) && methods[k] != DY_XM_NWA)
                fprintf(f, " %9s/%-5s", "etl", dy_xsec_method_name(methods[k]));
        fprintf(f, "\n");
        for (int i = 0; i < npts; ++i) {
            const row *r0 = NULL;
            for (int k = 0; k < nmeth; ++k)
                if (ENGINE(methods[k])) r0 = &rows[i * nmeth + k];
            fprintf(f, "%10.5g %10.5g", r0->E, r0->m);
            for (int k = 0; k < nmeth; ++k)
                if (!ENGINE(methods[k]) && methods[k] != DY_XM_NWA)
                    fprintf(f, " %15.5f", r0->sigma / rows[i * nmeth + k].sigma);
            fprintf(f, "\n");
        }
    }
    if (kout) { /* K-factor csv: one row per (E, m, approximation), errors propagated */
        struct {
            FILE *f;
        } kf = {dy_outset_add(&set, kout, &err)};
        if (!kf.f) {
            rc = dy_cli_fail(&err);
            goto out;
        }
        fprintf(kf.f, "process,lepton,mediator,Z,A,energy_GeV,mass_GeV,approximation,K,K_error\n");
        for (int i = 0; i < npts; ++i) {
            const row *r0 = NULL;
            for (int k = 0; k < nmeth; ++k)
                if (ENGINE(methods[k])) r0 = &rows[i * nmeth + k];
            for (int k = 0; k < nmeth; ++k) {
                const row *a = &rows[i * nmeth + k];
                if (ENGINE(a->method) || a->method == DY_XM_NWA) continue;
                const double K = r0->sigma / a->sigma;
                const double ek = K * hypot(r0->err / r0->sigma, a->err / a->sigma);
                fprintf(kf.f, "%s,%s,%s,%g,%g,%.10g,%.10g,%s,%.8g,%.3g\n", process, lep, med, req.Z,
                        req.A, a->E, a->m, dy_xsec_method_name(a->method), K, ek);
            }
        }
    }
    if (hout) { /* differential cross sections: density per unit of each observable */
        /* --per-atom scales annihilation (per electron) by Z, histograms included */
        const double zf = req.process == DY_XPROC_ANNIHILATION && req.per_atom ? req.Z : 1.0;
        struct {
            FILE *f;
        } hf = {dy_outset_add(&set, hout, &err)};
        if (!hf.f) {
            rc = dy_cli_fail(&err);
            goto out;
        }
        fprintf(hf.f, "process,energy_GeV,mass_GeV,observable,unit,lo,hi,dsigma_pb_per_unit,"
                      "error_pb_per_unit\n");
        for (int i = 0; i < npts; ++i)
            for (int k = 0; k < DY_MAX_OBS; ++k) {
                const dy_hist *h = &hist[i * DY_MAX_OBS + k];
                for (unsigned b = 0; b < h->spec.nbins; ++b) {
                    double lo = h->spec.lo + (h->spec.hi - h->spec.lo) * b / h->spec.nbins;
                    double hi = h->spec.lo + (h->spec.hi - h->spec.lo) * (b + 1) / h->spec.nbins;
                    if (h->spec.is_log) {
                        lo = pow(10.0, lo);
                        hi = pow(10.0, hi);
                    }
                    fprintf(hf.f, "%s,%.10g,%.10g,%s,%s,%.8g,%.8g,%.8g,%.3g\n", process, E[i / nM],
                            M[i % nM], hn[k], hu[k], lo, hi, zf * h->content[b] / (hi - lo),
                            zf * h->error[b] / (hi - lo));
                }
            }
    }
    if (h2out &&
        (rc = write_hist2d(&set, h2out, &req, E, nE, M, nM, eng, seed, precision, max_eval)))
        goto out;
    if (dy_outset_commit(&set, &err) != DY_OK) {
        rc = dy_cli_fail(&err);
        goto out;
    }
    if (hdf5_out && strcmp(output, "-")) fprintf(stderr, "darkyield: wrote %s\n", output);
out:
    dy_outset_abort(&set); /* after a failure: no output file at all */
    dy_engine_close(eng);
    free(par);
    free(res);
    free(hs);
    free(hist);
    free(rows);
    return rc;
}
