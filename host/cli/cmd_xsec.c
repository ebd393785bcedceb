/* cmd_xsec.c — `darkyield xsec`: total (and differential) cross sections over a grid of energies
 * and masses for one process and target; exact tree level on the engine (one batched run for the
 * whole grid) beside the WW-family approximations, with K-factor tables. */
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api/xsec_hist2d.h"
#include "api/xsec_names.h"
#include "cli.h"
#include "io/outset.h"
#include "io/xsec_hdf5.h"
#include "dy_process_table.h"
#include "physics/brem_ww.h"
#include "physics/conventions.h"
#include "physics/couplings.h"
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
        "Cross sections in pb at the given coupling; they scale as coupling^2.  Every output\n"
        "names the coupling, its unit and the conventions below in '#' lines (HDF5: "
        "attributes).\n\n"
        "  --process P        brem, annihilation, primakoff or compton\n"
        "  --target T         element name (Pb, W, Cu, Al, ...) or Z,A (e.g. 82,207.2);\n"
        "                     nucleus mass M = A x 0.93149410242 GeV\n"
        "  --energy E,...     beam energy in GeV (any number of entries, comma-separated,\n"
        "                     or a range lo:hi:n, lo:hi:n:log, e.g. 10:100:10)\n"
        "  --mass m,...       boson mass in GeV (list or range, e.g. 0.001:1:20:log)\n"
        "  --coupling g       the model's coupling (default 1):\n"
        "                       vector        eps, kinetic mixing: alpha_X = eps^2 alpha\n"
        "                       lmu-ltau      g_Z' of the L_mu - L_tau Z': alpha_X = g^2/(4 pi)\n"
        "                       b-l           g_B-L of the B - L Z': alpha_X = g^2/(4 pi)\n"
        "                       scalar, pseudoscalar, axial   g_S, g_P, g_A: alpha_X = g^2/(4 pi)\n"
        "                       primakoff     g_agg in GeV^-1 (L includes -(g/4) a F Fdual)\n"
        "                       annihilation, compton  eps (the dark photon)\n"
        "                     allowed range %g .. %g\n"
        "  --method M,...     brem: etl (exact tree level, default), ww, iww, hiww;\n"
        "                     annihilation: bw (default), nwa (energy-integrated, pb GeV),\n"
        "                     bound (bw with --electron-motion and/or --isr, host quadrature);\n"
        "                     primakoff: etl (default), closed (small-angle closed form);\n"
        "                     compton: etl (default), closed (exact closed form)\n"
        "  --form-factor F    elastic or elastic+inelastic (the quasi-elastic proton term);\n"
        "                     default: elastic+inelastic for brem, elastic for primakoff\n"
        "  --elastic-only     the same as --form-factor elastic\n"
        "brem:\n"
        "  --lepton L         e (default) or mu\n"
        "  --mediator X       vector (default: dark photon A'), lmu-ltau (muons only), b-l,\n"
        "                     scalar, pseudoscalar, axial\n"
        "                     etl: x = E_X/E0 in [m/E0, 1 - m_l/E0], all angles, exact t limits\n"
        "  --ww-tmax T        t_max of the photon flux chi in ww, iww, hiww: m2 (default,\n"
        "                     m^2 + m_l^2, as DMG4 DarkZ and LM17) or E0sq (E0^2, G4DarkBreM)\n"
        "  --ww-theta-max A   ww: upper lab angle of X in rad (default 0.3; iww/hiww: all angles)\n"
        "annihilation (--energy is the total positron energy; sigma per electron):\n"
        "  --alpha-d a        dark coupling alpha_D (default 0.1)\n"
        "  --dm-kind K        dirac (default), scalar, majorana, inelastic\n"
        "  --dm-mass m        chi (chi_1) mass in GeV (default m_A'/3)\n"
        "  --dm-splitting d   (m_chi2 - m_chi1)/m_chi1 for inelastic (default 0.1)\n"
        "  --final-state F    invisible (default), ee, mumu\n"
        "  --channel C        resonant (default: e+e- -> A') or gamma (e+e- -> gamma A')\n"
        "  --per-atom         multiply by Z of --target\n"
        "  --electron-motion  method bound: the target's atomic electrons move (Compton profile\n"
        "                     of --target, Slater-screened hydrogenic shells; default: at rest)\n"
        "  --isr              method bound: initial-state radiation (O(beta) radiator)\n"
        "compton (gamma e- -> e- A', --energy is the photon energy; the electron free and at\n"
        "  rest; sigma per electron, --per-atom multiplies by Z of --target)\n"
        "primakoff (--energy is the photon energy):\n"
        "  --mediator X       pseudoscalar (default) or scalar\n"
        "engine and output:\n"
        "  --precision p      relative MC precision goal (default 1e-3)\n"
        "  --max-eval N       evaluation budget per integral (default 1e8)\n"
        "  --seed S           random seed, 0 .. 2^64-1 (default 1)\n"
        "  --backend B        cuda, opencl, cpu or auto\n"
        "  --stats FILE.json  engine statistics (launches, bytes, host/device seconds)\n"
        "  --format F         table (default), csv or hdf5 (needs --output)\n"
        "  --quiet            only warnings and errors on stderr (no progress, notes)\n"
        "  --verbose          a line per VEGAS iteration of each point on stderr\n"
        "  --output FILE      write the table/csv to FILE (default, or '-': standard output)\n"
        "  --kfactor FILE     K = sigma_approx / sigma_etl for every approximation (csv), as DMG4\n"
        "                     (sigma_etl = sigma_approx / K)\n"
        "                     (every FILE may be '-' for standard output; the files are written\n"
        "                     together at the end, none of them when anything fails)\n"
        "  --hist2d FILE      brem: d2sigma/dx dtheta_X in 10 x slices x 60 log theta bins (csv)\n"
        "  --histograms FILE  write dsigma/dx, dsigma/dtheta_X, dsigma/dE', dsigma/dtheta' "
        "(csv)\n",
        DY_COUPLING_MIN, DY_COUPLING_MAX);
}

static int parse_list(const char *cmd, const char *opt, const char *s, double *v, int *n)
{
    if (strchr(s, ':')) return dy_cli_parse_range(cmd, opt, s, v, MAXV, n);
    char bad[64];
    const int st = dy_parse_double_list(s, v, MAXV, n, bad, sizeof bad);
    if (st == -2) return dy_cli_usage_error(cmd, "%s: more than %d values", opt, MAXV);
    if (st == -3) return dy_cli_usage_error(cmd, "%s: out of memory", opt);
    if (st)
        return dy_cli_usage_error(
            cmd, "%s: entry '%s' is not a number (expected a list like 0.01,0.1)", opt, bad);
    for (int i = 0; i < *n; ++i)
        if (!(v[i] > 0.0))
            return dy_cli_usage_error(cmd, "%s '%.15g': expected positive numbers (GeV)", opt,
                                      v[i]);
    return 0;
}

/* A name check of api/xsec_names.c failed: the same words as the library's, with "--". */
static int names_error(const dy_error *err)
{
    if (err->status == DY_ERR_NOT_FOUND) return dy_cli_fail(err); /* unknown material */
    return dy_cli_usage_error("xsec", "--%s", err->msg);
}

/* --method: names separated by commas, each valid, no empty entry */
static int parse_methods(const char *s, int *methods, int *nmeth)
{
    *nmeth = 0;
    for (const char *p = s;;) {
        const char *c = strchr(p, ',');
        const size_t len = c ? (size_t)(c - p) : strlen(p);
        int m = -1;
        for (int k = 0; k < DY_XM_COUNT; ++k)
            if (strlen(dy_xsec_method_name(k)) == len && !strncmp(p, dy_xsec_method_name(k), len))
                m = k;
        if (m < 0)
            return dy_cli_usage_error("xsec",
                                      "--method '%.*s': expected etl, ww, iww, hiww (brem), bw, "
                                      "nwa (annihilation) or etl, closed (primakoff)",
                                      (int)(len > 64 ? 64 : len), p);
        for (int k = 0; k < *nmeth; ++k)
            if (methods[k] == m)
                return dy_cli_usage_error("xsec", "--method lists '%s' twice",
                                          dy_xsec_method_name(m));
        methods[(*nmeth)++] = m;
        if (!c) return 0;
        p = c + 1;
    }
}

/* "darkyield arg1 arg2 ..." for the HDF5 'command' attribute, whole (malloc'd) */
static char *command_line(int argc, char **argv)
{
    size_t n = sizeof "darkyield";
    for (int i = 0; i < argc; ++i)
        n += strlen(argv[i]) + 1;
    char *s = malloc(n);
    if (!s) return NULL;
    strcpy(s, "darkyield");
    for (int i = 0; i < argc; ++i) {
        strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

/* d2sigma/dx dtheta_X for brem (api/xsec_hist2d.c, the computation of dy_xsec_compute_hist2d):
 * every (E, m) point of the grid, written as CSV. */
static int write_hist2d(dy_outset *set, const char *path, const char *hdr,
                        const dy_xsec_request *req0, const double *E, int nE, const double *M,
                        int nM, dy_engine *eng, uint64_t seed, double precision, uint64_t max_eval)
{
    const size_t n = (size_t)nE * (size_t)nM, nb = DY_XSEC_HIST2D_NX * DY_XSEC_HIST2D_NTHETA;
    double *pe = calloc(n ? n : 1, sizeof *pe), *pm = calloc(n ? n : 1, sizeof *pm);
    dy_xsec_hist2d_bin *bins = calloc(n ? n * nb : 1, sizeof *bins);
    dy_error err;
    int rc = 0;
    if (!pe || !pm || !bins) {
        fprintf(stderr, "darkyield: error: out of memory\n");
        rc = 1;
        goto done;
    }
    for (size_t i = 0; i < n; ++i) {
        pe[i] = E[i / (size_t)nM];
        pm[i] = M[i % (size_t)nM];
    }
    if (dy_xsec_hist2d_request(eng, req0, n, pe, pm, seed, precision, max_eval, bins, &err) !=
        DY_OK) {
        rc = dy_cli_fail(&err);
        goto done;
    }
    FILE *f = dy_outset_add(set, path, &err);
    if (!f) {
        rc = dy_cli_fail(&err);
        goto done;
    }
    fputs(hdr, f);
    fprintf(f, "energy_GeV,mass_GeV,x_lo,x_hi,theta_lo_rad,theta_hi_rad,"
               "d2sigma_dx_dtheta_pb_per_rad,error_pb_per_rad\n");
    for (size_t j = 0; j < n * nb; ++j) {
        const dy_xsec_hist2d_bin *b = &bins[j];
        fprintf(f, "%.15g,%.15g,%.8g,%.8g,%.8g,%.8g,%.8g,%.3g\n", b->energy_GeV, b->mass_GeV,
                b->x_lo, b->x_hi, b->theta_lo_rad, b->theta_hi_rad, b->d2sigma, b->error);
    }
done:
    free(pe);
    free(pm);
    free(bins);
    return rc;
}

/* A growing text buffer (header lines, notes). */
typedef struct text {
    char *s;
    size_t n, cap;
    int oom;
} text;

static void tprintf(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tprintf(text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (k < 0 || t->oom) return;
    if (t->n + (size_t)k + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 1024;
        while (t->n + (size_t)k + 1 > cap)
            cap *= 2;
        char *s = realloc(t->s, cap);
        if (!s) {
            t->oom = 1;
            return;
        }
        t->s = s;
        t->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(t->s + t->n, t->cap - t->n, fmt, ap);
    va_end(ap);
    t->n += (size_t)k;
}

/* The '#' lines that start every output of this command: what was computed, the coupling with
 * its unit and definition, every convention, the K definition and the explicit zeros. */
static void make_header(text *h, const dy_xsec_request *r, const char *process, const char *lep,
                        const char *med, const int *methods, int nmeth, int with_k,
                        const char *notes, char *conv, int conv_size)
{
    const dy_coupling_info *ci = dy_coupling_info_of(r->model);
    char cs[96], ww[768];
    int any_ww = 0;
    for (int k = 0; k < nmeth; ++k)
        any_ww |= methods[k] == DY_XM_WW || methods[k] == DY_XM_IWW || methods[k] == DY_XM_HIWW;
    dy_coupling_format(r->model, r->coupling, cs, sizeof cs);
    tprintf(h, "# darkyield %s xsec: %s %s -> %s (%s), target Z = %g, A = %g\n", DY_VERSION,
            process, lep, med, ci->particle, r->Z, r->A);
    tprintf(h, "# coupling: %s [%s] (%s); sigma in pb (nwa: pb GeV) at %s, scales as %s^2\n",
            ci->name, ci->unit, ci->definition, cs, ci->name);
    const char *ff = r->inelastic ? DY_CONV_FF_INELASTIC : DY_CONV_FF_ELASTIC;
    if (r->process == DY_XPROC_BREM) {
        dy_conventions_ww(r->ww_tmax, r->ww_theta_max, ww, sizeof ww);
        snprintf(conv, (size_t)conv_size, "%s; %s; %s%s%s", DY_CONV_CONSTANTS, ff, DY_CONV_BREM_ETL,
                 any_ww ? "; " : "", any_ww ? ww : "");
    } else if (r->process == DY_XPROC_PRIMAKOFF) {
        snprintf(conv, (size_t)conv_size,
                 "%s; %s; etl: exact 2->2 with recoil, all angles; closed: small-angle, M -> "
                 "infinity, elastic form factor",
                 DY_CONV_CONSTANTS, ff);
    } else if (r->process == DY_XPROC_COMPTON) {
        snprintf(conv, (size_t)conv_size,
                 "%s; target electron free and at rest (no binding, no motion); sigma %s; E = "
                 "photon energy; x = E_A'/E; etl: exact tree level, both diagrams, A' "
                 "polarisations -g + qq/M^2; closed: its analytic integral",
                 DY_CONV_CONSTANTS, r->per_atom ? "per atom (Z electrons)" : "per electron");
    } else {
        char mchi[48] = "m_A'/3";
        if (r->dm_mass >= 0.0) snprintf(mchi, sizeof mchi, "%g GeV", r->dm_mass);
        snprintf(conv, (size_t)conv_size,
                 "%s; target electron free and at rest (bw, nwa)%s; E+ = total positron energy; "
                 "%s final state, alpha_D = %g, dm_kind %s, m_chi = %s, splitting %g; bw: "
                 "Breit-Wigner with the running width sqrt(s) Gamma(sqrt(s)); nwa: int sigma dE+ "
                 "in the narrow-width limit",
                 DY_CONV_CONSTANTS,
                 r->motion && r->isr ? "; bound: bw with the target's electron motion (Compton "
                                       "profile, impulse approximation) and ISR (O(beta) radiator)"
                 : r->motion ? "; bound: bw with the target's electron motion (Compton profile, "
                               "impulse approximation)"
                 : r->isr    ? "; bound: bw with ISR (O(beta) radiator)"
                             : "; bound: bw by host quadrature",
                 r->channel == 1 ? "gamma A'"
                 : r->visible    ? (r->visible == 2 ? "mu mu" : "e e")
                                 : "chi chi",
                 r->alpha_d, dy_xsec_dm_kind_name(r->dm_kind), mchi, r->dm_splitting);
    }
    tprintf(h, "# conventions: %s\n", conv);
    if (with_k) tprintf(h, "# %s\n", DY_CONV_KFACTOR);
    if (notes && *notes) tprintf(h, "%s", notes);
}

typedef struct row {
    double E, m, sigma, err, chi2, q;
    unsigned long long neval;
    int method, converged, ok;
} row;

/* --verbose: one stderr line per combined VEGAS iteration (points numbered as the rows). */
static void print_iteration(void *ctx, size_t i, uint32_t it, double value, double error,
                            const dy_result *run)
{
    fprintf(stderr,
            "darkyield: vegas: point %zu of %d, iteration %u: %.6g +- %.2g; combined %.6g +- "
            "%.2g, chi2/dof %.2f, %llu evaluations\n",
            i + 1, *(const int *)ctx, it, value, error, run->value, run->error, run->chi2_dof,
            (unsigned long long)run->n_eval);
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
                                         {"stats", required_argument, 0, 'S'},
                                         {"format", required_argument, 0, 'f'},
                                         {"output", required_argument, 0, 'o'},
                                         {"kfactor", required_argument, 0, 'K'},
                                         {"histograms", required_argument, 0, 'H'},
                                         {"hist2d", required_argument, 0, '2'},
                                         {"elastic-only", no_argument, 0, 'e'},
                                         {"help", no_argument, 0, 'h'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"verbose", no_argument, 0, 'V'},
                                         {"alpha-d", required_argument, 0, 'a'},
                                         {"dm-kind", required_argument, 0, 'k'},
                                         {"dm-mass", required_argument, 0, 'c'},
                                         {"dm-splitting", required_argument, 0, 'd'},
                                         {"final-state", required_argument, 0, 'F'},
                                         {"channel", required_argument, 0, 'C'},
                                         {"per-atom", no_argument, 0, 'A'},
                                         {"electron-motion", no_argument, 0, 'J'},
                                         {"isr", no_argument, 0, 'I'},
                                         {"form-factor", required_argument, 0, 'R'},
                                         {"ww-tmax", required_argument, 0, 'T'},
                                         {"ww-theta-max", required_argument, 0, 'Q'},
                                         {0, 0, 0, 0}};
    dy_xsec_request req;
    double E[MAXV], M[MAXV], precision = 1e-3;
    int nE = 0, nM = 0, methods[DY_XM_COUNT], nmeth = 0, c, rc = 0;
    uint64_t seed = 1, max_eval = 100000000ULL;
    const char *backend = NULL, *format = "table", *output = NULL, *kout = NULL, *hout = NULL;
    const char *stats = NULL;
    const char *process = NULL, *target = NULL, *h2out = NULL, *mediator = NULL;
    int ww_set = 0, hdf5_out = 0;
    const char *form_factor = NULL;
    dy_error nerr;
    dy_outset set; /* every output file, committed together at the end */
    dy_outset_init(&set);
    dy_xsec_request_default(&req);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'P': process = optarg; break;
        case 'l':
            if (dy_xsec_names_lepton(optarg, &req, &nerr)) return names_error(&nerr);
            break;
        case 'x': mediator = optarg; break;
        case 't': target = optarg; break;
        case 'E':
            if ((rc = parse_list("xsec", "--energy", optarg, E, &nE))) return rc;
            break;
        case 'm':
            if ((rc = parse_list("xsec", "--mass", optarg, M, &nM))) return rc;
            break;
        case 'M':
            if ((rc = parse_methods(optarg, methods, &nmeth))) return rc;
            break;
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
                return dy_cli_usage_error("xsec",
                                          "--seed '%s': expected an integer 0 .. 2^64-1 (digits "
                                          "only)",
                                          optarg);
            break;
        case 'b': backend = optarg; break;
        case 'S': stats = optarg; break;
        case 'f': format = optarg; break;
        case 'o': output = optarg; break;
        case 'K': kout = optarg; break;
        case 'H': hout = optarg; break;
        case '2': h2out = optarg; break;
        case 'e': form_factor = "elastic"; break;
        case 'a':
            if (dy_parse_double(optarg, &req.alpha_d) || !(req.alpha_d > 0.0))
                return dy_cli_usage_error("xsec", "--alpha-d '%s': expected a positive number",
                                          optarg);
            break;
        case 'k':
            if (dy_xsec_names_annihilation(optarg, NULL, NULL, &req, &nerr))
                return names_error(&nerr);
            break;
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
            if (dy_xsec_names_annihilation(NULL, optarg, NULL, &req, &nerr))
                return names_error(&nerr);
            break;
        case 'C':
            if (dy_xsec_names_annihilation(NULL, NULL, optarg, &req, &nerr))
                return names_error(&nerr);
            break;
        case 'A': req.per_atom = 1; break;
        case 'J': req.motion = 1; break;
        case 'I': req.isr = 1; break;
        case 'R':
            if (dy_xsec_names_form_factor(optarg, &req, &nerr)) return names_error(&nerr);
            form_factor = optarg;
            break;
        case 'T':
            if (dy_xsec_names_ww_tmax(optarg, &req, &nerr)) return names_error(&nerr);
            ww_set = 1;
            break;
        case 'Q':
            if (dy_parse_double(optarg, &req.ww_theta_max) || !(req.ww_theta_max > 0.0) ||
                req.ww_theta_max > DY_PI)
                return dy_cli_usage_error(
                    "xsec", "--ww-theta-max '%s': expected an angle in (0, pi] rad", optarg);
            ww_set = 1;
            break;
        case 'h': help(); return 0;
        case 'q': dy_cli_quiet = 1; break;
        case 'V': dy_cli_verbose = 1; break;
        default:
            return dy_cli_usage_error("xsec", "unknown or incomplete option '%s'",
                                      argv[optind - 1]);
        }
    }
    if (optind < argc) return dy_cli_usage_error("xsec", "unexpected argument '%s'", argv[optind]);
    if (!process) return dy_cli_usage_error("xsec", "--process is required");
    if (dy_cli_check_verbosity("xsec")) return 2;
    /* process, then the model (primakoff: elastic by default), then an explicit form factor */
    if (dy_xsec_names_process(process, &req, &nerr) ||
        dy_xsec_names_model(process, mediator, &req, &nerr) ||
        dy_xsec_names_form_factor(form_factor, &req, &nerr))
        return names_error(&nerr);
    if (ww_set && req.process != DY_XPROC_BREM)
        return dy_cli_usage_error("xsec", "--ww-tmax and --ww-theta-max apply to --process brem");
    const int per_electron =
        req.process == DY_XPROC_ANNIHILATION || req.process == DY_XPROC_COMPTON;
    if (per_electron && !target && req.per_atom)
        return dy_cli_usage_error("xsec", "--per-atom needs --target");
    if (!target && !per_electron) return dy_cli_usage_error("xsec", "--target is required");
    if (req.motion && !target)
        return dy_cli_usage_error("xsec", "--electron-motion needs --target");
    if ((req.motion || req.isr) && req.process != DY_XPROC_ANNIHILATION)
        return dy_cli_usage_error("xsec", "--electron-motion and --isr apply to --process "
                                          "annihilation");
    if (!nE) return dy_cli_usage_error("xsec", "--energy is required");
    if (!nM) return dy_cli_usage_error("xsec", "--mass is required");
    if (strcmp(format, "table") && strcmp(format, "csv") && strcmp(format, "hdf5"))
        return dy_cli_usage_error("xsec", "--format '%s': expected table, csv or hdf5", format);
    if (!strcmp(format, "hdf5") && !output)
        return dy_cli_usage_error("xsec", "--format hdf5 needs --output FILE");
    if (dy_xsec_names_target(target, &req, &nerr)) return names_error(&nerr);
    if (!nmeth) methods[nmeth++] = req.process == DY_XPROC_ANNIHILATION ? DY_XM_BW : DY_XM_ETL;
    int want_etl = 0, n_approx = 0, want_bound = 0;
    for (int i = 0; i < nmeth; ++i)
        want_bound |= methods[i] == DY_XM_BOUND;
    if ((req.motion || req.isr) && !want_bound)
        return dy_cli_usage_error("xsec", "--electron-motion and --isr need --method bound");
    for (int i = 0; i < nmeth; ++i) {
        if (!dy_xsec_method_valid(&req, methods[i]))
            return dy_cli_usage_error("xsec", "--method %s does not apply to --process %s",
                                      dy_xsec_method_name(methods[i]), process);
        want_etl |= ENGINE(methods[i]);
        n_approx += !ENGINE(methods[i]) && methods[i] != DY_XM_NWA;
    }
    if (kout && (!want_etl || n_approx < 1))
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
    text notes = {0}, hdr = {0}, hdr_k = {0};
    char *cmdline = NULL, conv[2048];
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
        par[i].id = 0; /* streams keyed by content: a point's value never depends on the list */
        if (req.zero_reason[0]) {
            if (!dy_cli_quiet)
                fprintf(stderr, "darkyield: note: E=%g m=%g: explicit zero: %s\n", req.energy,
                        req.mass, req.zero_reason);
            tprintf(&notes, "# note: E = %.10g GeV, m = %.10g GeV: explicit zero: %s\n", req.energy,
                    req.mass, req.zero_reason);
        }
        if (hout) dy_xsec_default_hists(&req, &hs[i * DY_MAX_OBS], hn, hu);
        /* brem: phi sampled (4-D) only for the recoil lepton's angle histogram */
        dy_xsec_select_form(&req, &par[i], hout ? &hs[i * DY_MAX_OBS] : NULL);
    }
    if (want_etl) {
        dy_vegas_options o;
        if ((rc = dy_cli_open_engine(backend, &eng))) goto out;
        dy_vegas_options_default(&o);
        o.seed = seed;
        o.rel_precision = precision;
        o.max_eval = max_eval;
        int n_ctx = npts;
        o.progress = !dy_cli_quiet && !dy_cli_verbose;
        if (dy_cli_verbose) { /* a line per iteration instead of the progress line */
            o.on_iteration = print_iteration;
            o.ctx = &n_ctx;
        }
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
    const char *lep = req.process == DY_XPROC_BREM           ? (req.lepton ? "mu" : "e")
                      : req.process == DY_XPROC_ANNIHILATION ? "e+"
                                                             : "gamma";
    static const char *const alps[] = {"pseudoscalar", "scalar"};
    const dy_coupling_info *ci = dy_coupling_info_of(req.model);
    const char *med = req.process == DY_XPROC_BREM        ? ci->model
                      : req.process == DY_XPROC_PRIMAKOFF ? alps[req.mediator]
                      : req.process == DY_XPROC_COMPTON   ? "vector"
                      : req.channel == 1                  ? "gammaAp"
                      : req.visible == 1                  ? "ee"
                      : req.visible == 2                  ? "mumu"
                                                          : dy_xsec_dm_kind_name(req.dm_kind);
    make_header(&hdr, &req, process, lep, med, methods, nmeth, n_approx > 0 && want_etl, notes.s,
                conv, sizeof conv);
    make_header(&hdr_k, &req, process, lep, med, methods, nmeth, 1, notes.s, conv, sizeof conv);
    if (hdr.oom || hdr_k.oom || notes.oom) {
        fprintf(stderr, "darkyield: error: out of memory\n");
        rc = 1;
        goto out;
    }
    if (!strcmp(format, "hdf5")) {
        const int nr = npts * nmeth;
        double *col = malloc((size_t)nr * 6 * sizeof *col);
        uint64_t *ne = malloc((size_t)nr * sizeof *ne);
        int *cv = malloc((size_t)nr * sizeof *cv);
        const char **mn = malloc((size_t)nr * 2 * sizeof *mn);
        cmdline = command_line(argc, argv);
        dy_status st = DY_ERR_NOMEM;
        if (col && ne && cv && mn && cmdline) {
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
            dy_xsec_table t = {0};
            t.n = nr;
            t.energy_GeV = col;
            t.mass_GeV = col + nr;
            t.sigma = col + 2 * nr;
            t.error = col + 3 * nr;
            t.chi2_dof = col + 4 * nr;
            t.q = col + 5 * nr;
            t.n_eval = ne;
            t.converged = cv;
            t.method = mn;
            t.unit = mn + nr;
            t.process = process;
            t.lepton = lep;
            t.mediator = med;
            t.version = DY_VERSION;
            t.command = cmdline;
            t.Z = req.Z;
            t.A = req.A;
            t.coupling = req.coupling;
            t.model = ci->model;
            t.coupling_name = ci->name;
            t.coupling_unit = ci->unit;
            t.coupling_definition = ci->definition;
            t.form_factor = req.inelastic ? "elastic+inelastic" : "elastic";
            t.conventions = conv;
            t.notes = notes.s ? notes.s : "";
            t.seed = seed;
            t.backend = eng ? dy_engine_backend(eng) : "none (closed-form methods only)";
            t.device = eng ? dy_engine_device(eng) : "none";
            t.precision = precision;
            t.max_eval = max_eval;
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
    fputs(hdr.s, f);
    if (!strcmp(format, "csv"))
        fprintf(f, "process,lepton,mediator,Z,A,energy_GeV,mass_GeV,coupling,coupling_name,"
                   "coupling_unit,method,sigma_pb,error_pb,chi2_dof,q,n_eval,converged,unit\n");
    else
        fprintf(f, "%10s %10s %6s %14s %11s %9s %6s %12s (nwa rows: pb GeV)\n", "E/GeV", "m/GeV",
                "method", "sigma/pb", "error/pb", "chi2/dof", "Q", "n_eval");
    for (int i = 0; i < npts * nmeth; ++i) {
        const row *w = &rows[i];
        if (!strcmp(format, "csv"))
            fprintf(
                f,
                "%s,%s,%s,%.10g,%.10g,%.15g,%.15g,%.10g,%s,%s,%s,%.10g,%.4g,%.4f,%.4f,%llu,%d,%s\n",
                process, lep, med, req.Z, req.A, w->E, w->m, req.coupling, ci->name, ci->unit,
                dy_xsec_method_name(w->method), w->sigma, w->err, w->chi2, w->q, w->neval,
                w->converged, dy_xsec_method_unit(w->method));
        else
            fprintf(f, "%10.5g %10.5g %6s %14.7g %11.3g %9.3f %6.3f %12llu\n", w->E, w->m,
                    dy_xsec_method_name(w->method), w->sigma, w->err, w->chi2, w->q, w->neval);
    }
    if (!strcmp(format, "table") && want_etl && n_approx > 0) {
        fprintf(f, "\n# K-factors: %s\n%10s %10s", DY_CONV_KFACTOR, "E/GeV", "m/GeV");
        for (int k = 0; k < nmeth; ++k)
            if (!ENGINE(methods[k]) && methods[k] != DY_XM_NWA)
                fprintf(f, " %9s/%-5s", dy_xsec_method_name(methods[k]), "etl");
        fprintf(f, "\n");
        for (int i = 0; i < npts; ++i) {
            const row *r0 = NULL;
            for (int k = 0; k < nmeth; ++k)
                if (ENGINE(methods[k])) r0 = &rows[i * nmeth + k];
            fprintf(f, "%10.5g %10.5g", r0->E, r0->m);
            for (int k = 0; k < nmeth; ++k)
                if (!ENGINE(methods[k]) && methods[k] != DY_XM_NWA)
                    fprintf(f, " %15.5f", rows[i * nmeth + k].sigma / r0->sigma);
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
        fputs(hdr_k.s, kf.f);
        fprintf(kf.f, "process,lepton,mediator,Z,A,energy_GeV,mass_GeV,approximation,"
                      "K_approx_over_etl,K_approx_over_etl_error\n");
        for (int i = 0; i < npts; ++i) {
            const row *r0 = NULL;
            for (int k = 0; k < nmeth; ++k)
                if (ENGINE(methods[k])) r0 = &rows[i * nmeth + k];
            for (int k = 0; k < nmeth; ++k) {
                const row *a = &rows[i * nmeth + k];
                if (ENGINE(a->method) || a->method == DY_XM_NWA) continue;
                const double K = a->sigma / r0->sigma;
                const double ek = fabs(K) * hypot(r0->err / r0->sigma, a->err / a->sigma);
                fprintf(kf.f, "%s,%s,%s,%.10g,%.10g,%.15g,%.15g,%s,%.8g,%.3g\n", process, lep, med,
                        req.Z, req.A, a->E, a->m, dy_xsec_method_name(a->method), K, ek);
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
        fputs(hdr.s, hf.f);
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
                    fprintf(hf.f, "%s,%.15g,%.15g,%s,%s,%.8g,%.8g,%.8g,%.3g\n", process, E[i / nM],
                            M[i % nM], hn[k], hu[k], lo, hi, zf * h->content[b] / (hi - lo),
                            zf * h->error[b] / (hi - lo));
                }
            }
    }
    if (h2out &&
        (rc = write_hist2d(&set, h2out, hdr.s, &req, E, nE, M, nM, eng, seed, precision, max_eval)))
        goto out;
    if (dy_outset_commit(&set, &err) != DY_OK) {
        rc = dy_cli_fail(&err);
        goto out;
    }
    if (hdf5_out && strcmp(output, "-") && !dy_cli_quiet)
        fprintf(stderr, "darkyield: wrote %s\n", output);
    rc = dy_cli_write_stats(eng, stats);
out:
    dy_outset_abort(&set); /* after a failure: no output file at all */
    dy_engine_close(eng);
    free(par);
    free(res);
    free(hs);
    free(hist);
    free(rows);
    free(notes.s);
    free(hdr.s);
    free(hdr_k.s);
    free(cmdline);
    return rc;
}
