/* cmd_events.c — `darkyield events`: unweighted thin-target brem events (LHEF 3.0 or
 * G4DarkBreM's CSV library), Primakoff, dark Compton and annihilation events (LHEF 3.0) from each
 * point's converged VEGAS map (docs/events.md). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"
#include "darkyield/dy_integrate.h"
#include "dy_process_table.h"
#include "hepmc3/dy_hepmc3.h"
#include "io/events_out.h"
#include "io/outset.h"
#include "jobs/events.h"
#include "physics/conventions.h"
#include "physics/couplings.h"
#include "physics/materials.h"
#include "api/xsec_names.h"
#include "physics/xsec.h"
#include "engine/clock.h"

#define MAXV  256
#define MAX_N 1000000000ULL /* events per file at most */
#define PDG_AP                                                                                     \
    622 /* the dark photon's id in dark-brem-lib-gen's libraries (G4DarkBreM's default) */
#define CMD "events"

static void help(void)
{
    printf(
        "usage: darkyield events --process brem|primakoff --target T --energy E[,E...]\n"
        "                        --mass m[,m...] --n N --output FILE|DIR [options]\n\n"
        "Unweighted events of dark-boson bremsstrahlung l N -> l N X, or of Primakoff\n"
        "production gamma N -> a N of an axion-like particle, on a thin target (one\n"
        "interaction at the given beam energy), drawn from each point's converged VEGAS map by\n"
        "accept-reject (docs/events.md); the same seed gives the same files, bit for bit, on a\n"
        "backend.  Energies and momenta in GeV, lab frame (nucleus at rest, beam along +z).\n\n"
        "  --process P        brem, primakoff, compton (gamma e- -> e- A' on a free\n"
        "                     electron at rest, per electron: no --target) or annihilation\n"
        "                     (e+ e- -> A'* -> chi chi or l+ l-, or e+ e- -> gamma A', on an\n"
        "                     electron at rest, per electron; --energy: the total E+)\n"
        "  --lepton L         brem: e (default) or mu\n"
        "  --mediator X       brem: vector (default: dark photon A'), lmu-ltau (muons only),\n"
        "                     b-l, scalar, pseudoscalar, axial; primakoff: pseudoscalar\n"
        "                     (default: the ALP) or scalar\n"
        "  --target T         element name (W, Pb, Cu, ...) or Z,A (e.g. 74,183.84)\n"
        "  --energy E,...     beam (total) energy in GeV (primakoff: the photon's): a list\n"
        "                     (4,8) or a range lo:hi:n[:log] (4:8:5 = 4,5,6,7,8)\n"
        "  --mass m,...       boson mass in GeV: a list or a range (0.01:1:5:log)\n"
        "  --coupling g       the model's coupling (default 1; primakoff: g_agg in GeV^-1);\n"
        "                     the cross section scales as g^2,\n"
        "                     the kinematics not at all)\n"
        "  --form-factor F    elastic or elastic+inelastic (default for brem; primakoff:\n"
        "                     elastic)\n"
        "  --elastic-only     the same as --form-factor elastic\n"
        "  --n N              events per file (LHE) or per energy (CSV), 1 .. 1e9 (required)\n"
        "  --seed S           random seed, 0 .. 2^64-1 (default 1)\n"
        "  --format F         lhe (default: LHEF 3.0, one file per energy and mass), csv\n"
        "                     (brem: G4DarkBreM's library, one file per mass, every energy) or\n"
        "                     hepmc3 (HepMC3 ASCII, .hepmc3, one file per energy and mass; %s)\n"
        "  --output PATH      the file, when there is one; else an existing directory, where\n"
        "                     the files are named darkyield_brem_<lepton>_<mediator>_Z<Z>_\n"
        "                     m<mass>GeV[_E<energy>GeV].lhe|csv or darkyield_primakoff_\n"
        "                     <mediator>_Z<Z>_m<mass>GeV_E<energy>GeV.lhe, darkyield_compton_\n"
        "                     vector_m<mass>GeV_E<energy>GeV.lhe, darkyield_annihilation_\n"
        "                     <final state>_m<mass>GeV_E<energy>GeV.lhe; LHE files of several "
        "masses\n"
        "                     go to a subdirectory per mass (darkyield_..._m<mass>GeV/, one\n"
        "                     G4DarkBreM library each); written together, none of them when\n"
        "                     anything fails\n"
        "  --gzip             compress (also implied by an --output FILE ending in .gz)\n"
        "  annihilation:      --channel resonant (default) or gamma (e+e- -> gamma A');\n"
        "                     --final-state invisible (default: chi chi), ee or mumu;\n"
        "                     --dm-kind dirac (default), scalar, majorana or inelastic;\n"
        "                     --dm-mass m (chi_1, default m_A'/3), --dm-splitting d\n"
        "                     ((m_chi2 - m_chi1)/m_chi1, default 0.1), --alpha-d a (0.1); as\n"
        "                     `darkyield xsec --process annihilation`\n"
        "  --boson-pdg ID     PDG id of X in the files (brem, compton, annihilation's A':\n"
        "                     default %d, as G4DarkBreM expects; primakoff: %d, MadGraph's\n"
        "                     ALP_linear_UFO; the dark-matter ids are fixed: docs/events.md)\n"
        "  --csv-unit U       GeV (default: what G4DarkBreM's model reads) or MeV\n"
        "  --precision p      relative precision goal of the cross section (default 1e-3)\n"
        "  --max-eval N       evaluation budget of each integral (default 1e8)\n"
        "  --pilot N          pilot draws for the weight bound (default 262144, multiple of 16)\n"
        "  --safety f         weight bound = f x the largest weight seen (default 1.2, >= 1)\n"
        "  --backend B        cuda, opencl, cpu or auto\n"
        "  --stats FILE.json  engine statistics\n"
        "  --quiet            no per-point summary on stderr\n",
        dy_hepmc3_available() ? "available in this build" : "not in this build: no HepMC3", PDG_AP,
        DY_PDG_ALP);
    dy_events_thick_help();
}

typedef struct opts {
    dy_xsec_request req;
    const char *target, *output, *format, *backend, *stats, *mediator, *lepton, *ff;
    double E[MAXV], M[MAXV], precision, safety, unit;
    const char *dm_kind, *final_state, *channel;
    int nE, nM, gzip, pdg, quiet, csv, hepmc, prim, cmp, ann, alpha_set, split_set;
    uint64_t n, seed, max_eval, pilot;
} opts;

/* A list (4,8) or a range lo:hi:n[:log] (4:8:5), as `darkyield xsec` takes them. */
static int parse_list(const char *opt, const char *s, double *v, int *n)
{
    char bad[64];
    if (strchr(s, ':')) return dy_cli_parse_range(CMD, opt, s, v, MAXV, n);
    const int st = dy_parse_double_list(s, v, MAXV, n, bad, sizeof bad);
    if (st == -2) return dy_cli_usage_error(CMD, "%s: more than %d values", opt, MAXV);
    if (st == -3) return dy_cli_usage_error(CMD, "%s: out of memory", opt);
    if (st)
        return dy_cli_usage_error(CMD, "%s: entry '%s' is not a number (expected e.g. 4,8)", opt,
                                  bad);
    for (int i = 0; i < *n; ++i) {
        if (!(v[i] > 0.0))
            return dy_cli_usage_error(CMD, "%s '%.15g': expected positive numbers (GeV)", opt,
                                      v[i]);
        for (int j = 0; j < i; ++j)
            if (v[j] == v[i]) return dy_cli_usage_error(CMD, "%s lists %.15g twice", opt, v[i]);
    }
    return 0;
}

static int parse_target(const char *s, dy_xsec_request *r)
{
    double za[2];
    int n = 0;
    char bad[64];
    if (strchr(s, ',')) {
        if (dy_parse_double_list(s, za, 2, &n, bad, sizeof bad) || n != 2 || za[0] < 1 ||
            za[1] < za[0] || za[0] > 200 || za[1] > 500)
            return dy_cli_usage_error(CMD, "--target '%s': expected Z,A with 500 >= A >= Z >= 1",
                                      s);
        r->Z = za[0];
        r->A = za[1];
        return 0;
    }
    dy_material m;
    dy_error err;
    if (dy_material_lookup(s, &m, &err) != DY_OK) return dy_cli_fail(&err);
    if (m.n_elem != 1)
        return dy_cli_usage_error(CMD,
                                  "--target '%s' is a compound or mixture; a thin-target event "
                                  "scatters on one element (use Z,A)",
                                  s);
    r->Z = m.Z[0];
    r->A = m.A[0];
    return 0;
}

static int parse_u64(const char *opt, const char *s, uint64_t lo, uint64_t hi, uint64_t *v)
{
    if (dy_parse_u64(s, v) || *v < lo || *v > hi)
        return dy_cli_usage_error(CMD, "%s '%s': expected an integer %llu .. %llu", opt, s,
                                  (unsigned long long)lo, (unsigned long long)hi);
    return 0;
}

static int parse(int argc, char **argv, opts *o, int *done)
{
    static const struct option lo[] = {{"process", required_argument, 0, 'P'},
                                       {"lepton", required_argument, 0, 'l'},
                                       {"mediator", required_argument, 0, 'x'},
                                       {"target", required_argument, 0, 't'},
                                       {"energy", required_argument, 0, 'E'},
                                       {"mass", required_argument, 0, 'm'},
                                       {"coupling", required_argument, 0, 'g'},
                                       {"form-factor", required_argument, 0, 'R'},
                                       {"elastic-only", no_argument, 0, 'e'},
                                       {"n", required_argument, 0, 'n'},
                                       {"seed", required_argument, 0, 's'},
                                       {"format", required_argument, 0, 'f'},
                                       {"output", required_argument, 0, 'o'},
                                       {"gzip", no_argument, 0, 'z'},
                                       {"boson-pdg", required_argument, 0, 'B'},
                                       {"csv-unit", required_argument, 0, 'U'},
                                       {"precision", required_argument, 0, 'p'},
                                       {"max-eval", required_argument, 0, 'N'},
                                       {"pilot", required_argument, 0, 'L'},
                                       {"safety", required_argument, 0, 'F'},
                                       {"backend", required_argument, 0, 'b'},
                                       {"stats", required_argument, 0, 'S'},
                                       {"quiet", no_argument, 0, 'q'},
                                       {"final-state", required_argument, 0, 'X'},
                                       {"channel", required_argument, 0, 'C'},
                                       {"dm-kind", required_argument, 0, 'K'},
                                       {"dm-mass", required_argument, 0, 'c'},
                                       {"dm-splitting", required_argument, 0, 'd'},
                                       {"alpha-d", required_argument, 0, 'a'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
    const char *process = NULL;
    int c, rc;
    uint64_t v;
    *done = 0;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (c) {
        case 'P': process = optarg; break;
        case 'l':
            if (strcmp(optarg, "e") && strcmp(optarg, "mu"))
                return dy_cli_usage_error(CMD, "--lepton '%s': expected e or mu", optarg);
            o->req.lepton = !strcmp(optarg, "mu");
            o->lepton = optarg;
            break;
        case 'x': o->mediator = optarg; break;
        case 't': o->target = optarg; break;
        case 'E':
            if ((rc = parse_list("--energy", optarg, o->E, &o->nE))) return rc;
            break;
        case 'm':
            if ((rc = parse_list("--mass", optarg, o->M, &o->nM))) return rc;
            break;
        case 'g':
            if (dy_parse_double(optarg, &o->req.coupling) || !(o->req.coupling > 0.0))
                return dy_cli_usage_error(CMD, "--coupling '%s': expected a positive number",
                                          optarg);
            break;
        case 'R':
            if (strcmp(optarg, "elastic") && strcmp(optarg, "elastic+inelastic"))
                return dy_cli_usage_error(
                    CMD, "--form-factor '%s': expected elastic or elastic+inelastic", optarg);
            o->ff = optarg; /* applied after the process (primakoff's default differs) */
            break;
        case 'e': o->ff = "elastic"; break;
        case 'n':
            if ((rc = parse_u64("--n", optarg, 1, MAX_N, &o->n))) return rc;
            break;
        case 's':
            if (dy_parse_u64(optarg, &o->seed))
                return dy_cli_usage_error(CMD, "--seed '%s': expected an integer 0 .. 2^64-1",
                                          optarg);
            break;
        case 'f': o->format = optarg; break;
        case 'o': o->output = optarg; break;
        case 'z': o->gzip = 1; break;
        case 'B':
            if ((rc = parse_u64("--boson-pdg", optarg, 1, 2147483647ULL, &v))) return rc;
            o->pdg = (int)v;
            break;
        case 'U':
            if (strcmp(optarg, "GeV") && strcmp(optarg, "MeV"))
                return dy_cli_usage_error(CMD, "--csv-unit '%s': expected GeV or MeV", optarg);
            o->unit = !strcmp(optarg, "MeV") ? 1000.0 : 1.0;
            break;
        case 'p':
            if (dy_parse_double(optarg, &o->precision) || !(o->precision > 0.0) ||
                o->precision >= 1.0)
                return dy_cli_usage_error(CMD, "--precision '%s': expected 0 < p < 1", optarg);
            break;
        case 'N':
            if ((rc = parse_u64("--max-eval", optarg, 4096, UINT64_MAX, &o->max_eval))) return rc;
            break;
        case 'L':
            if ((rc = parse_u64("--pilot", optarg, 16, 1u << 26, &o->pilot))) return rc;
            if (o->pilot % 16)
                return dy_cli_usage_error(CMD, "--pilot '%s': expected a multiple of 16", optarg);
            break;
        case 'F':
            if (dy_parse_double(optarg, &o->safety) || !(o->safety >= 1.0) || o->safety > 100.0)
                return dy_cli_usage_error(CMD, "--safety '%s': expected 1 <= f <= 100", optarg);
            break;
        case 'X': o->final_state = optarg; break;
        case 'C': o->channel = optarg; break;
        case 'K': o->dm_kind = optarg; break;
        case 'c':
            if (dy_parse_double(optarg, &o->req.dm_mass) || !(o->req.dm_mass > 0.0))
                return dy_cli_usage_error(CMD, "--dm-mass '%s': expected a positive mass in GeV",
                                          optarg);
            break;
        case 'd':
            if (dy_parse_double(optarg, &o->req.dm_splitting) || !(o->req.dm_splitting >= 0.0))
                return dy_cli_usage_error(CMD, "--dm-splitting '%s': expected >= 0", optarg);
            o->split_set = 1;
            break;
        case 'a':
            if (dy_parse_double(optarg, &o->req.alpha_d) || !(o->req.alpha_d > 0.0))
                return dy_cli_usage_error(CMD, "--alpha-d '%s': expected a positive number",
                                          optarg);
            o->alpha_set = 1;
            break;
        case 'b': o->backend = optarg; break;
        case 'S': o->stats = optarg; break;
        case 'q':
            o->quiet = 1;
            dy_cli_quiet = 1; /* no backend line either */
            break;
        case 'h':
            help();
            *done = 1;
            return 0;
        default:
            return dy_cli_usage_error(CMD, "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return dy_cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
    if (!process)
        return dy_cli_usage_error(
            CMD, "--process is required (brem, primakoff, compton or annihilation)");
    if (strcmp(process, "brem") && strcmp(process, "primakoff") && strcmp(process, "compton") &&
        strcmp(process, "annihilation"))
        return dy_cli_usage_error(
            CMD, "--process '%s': expected brem, primakoff, compton or annihilation", process);
    o->prim = !strcmp(process, "primakoff");
    o->cmp = !strcmp(process, "compton");
    o->ann = !strcmp(process, "annihilation");
    if (!o->ann && (o->final_state || o->channel || o->dm_kind || o->req.dm_mass >= 0.0 ||
                    o->alpha_set || o->split_set))
        return dy_cli_usage_error(CMD, "--final-state, --channel, --dm-kind, --dm-mass, "
                                       "--dm-splitting and --alpha-d apply to --process "
                                       "annihilation");
    if (o->ann) {
        dy_error nerr;
        o->req.process = DY_XPROC_ANNIHILATION;
        o->req.model = DY_MODEL_DARK_PHOTON;
        if (o->lepton) return dy_cli_usage_error(CMD, "--lepton applies to --process brem");
        if (o->mediator)
            return dy_cli_usage_error(CMD, "--mediator does not apply to annihilation (the dark "
                                           "photon A' only)");
        if (o->ff || o->target)
            return dy_cli_usage_error(CMD, "annihilation is on an electron at rest (cross "
                                           "section per electron): no --target or "
                                           "--form-factor");
        if (dy_xsec_names_annihilation(o->dm_kind, o->final_state, o->channel, &o->req, &nerr))
            return dy_cli_usage_error(CMD, "--%s", nerr.msg);
        if (!o->pdg) o->pdg = PDG_AP;
    } else if (o->cmp) {
        o->req.process = DY_XPROC_COMPTON;
        o->req.model = DY_MODEL_DARK_PHOTON;
        if (o->lepton) return dy_cli_usage_error(CMD, "--lepton applies to --process brem");
        if (o->mediator)
            return dy_cli_usage_error(CMD, "--mediator does not apply to compton (the dark "
                                           "photon A' only)");
        if (o->ff || o->target)
            return dy_cli_usage_error(CMD, "compton scatters on a free electron at rest (cross "
                                           "section per electron): no --target or "
                                           "--form-factor");
        if (!o->pdg) o->pdg = PDG_AP;
    } else if (o->prim) {
        o->req.process = DY_XPROC_PRIMAKOFF;
        if (o->lepton) return dy_cli_usage_error(CMD, "--lepton applies to --process brem");
        if (o->mediator && strcmp(o->mediator, "pseudoscalar") && strcmp(o->mediator, "scalar"))
            return dy_cli_usage_error(
                CMD, "--mediator '%s': primakoff takes pseudoscalar (the ALP) or scalar",
                o->mediator);
        o->req.mediator = o->mediator && !strcmp(o->mediator, "scalar");
        o->req.model = DY_MODEL_ALP;
        o->req.inelastic = 0; /* elastic by default, as `darkyield xsec --process primakoff` */
        if (!o->pdg) o->pdg = DY_PDG_ALP;
    } else {
        const int m = o->mediator ? dy_model_from_name(o->mediator) : DY_MODEL_DARK_PHOTON;
        if (m < 0 || m == DY_MODEL_ALP)
            return dy_cli_usage_error(CMD,
                                      "--mediator '%s': expected vector, lmu-ltau, b-l, scalar, "
                                      "pseudoscalar or axial",
                                      o->mediator);
        o->req.model = m;
        if (!o->pdg) o->pdg = PDG_AP;
    }
    if (o->ff) o->req.inelastic = !strcmp(o->ff, "elastic+inelastic");
    if (!o->target && !o->cmp && !o->ann) return dy_cli_usage_error(CMD, "--target is required");
    if (!o->nE) return dy_cli_usage_error(CMD, "--energy is required");
    if (!o->nM) return dy_cli_usage_error(CMD, "--mass is required");
    if (!o->n) return dy_cli_usage_error(CMD, "--n (events) is required");
    if (!o->output) return dy_cli_usage_error(CMD, "--output is required");
    if (strcmp(o->format, "lhe") && strcmp(o->format, "csv") && strcmp(o->format, "hepmc3"))
        return dy_cli_usage_error(CMD, "--format '%s': expected lhe, csv or hepmc3", o->format);
    o->csv = !strcmp(o->format, "csv");
    o->hepmc = !strcmp(o->format, "hepmc3");
    if (o->hepmc && !dy_hepmc3_available())
        return dy_cli_usage_error(CMD, "--format hepmc3: this darkyield was built without HepMC3 "
                                       "(install Debian's libhepmc3-dev, as scripts/setup.sh does, "
                                       "and configure again)");
    if (o->csv && (o->prim || o->cmp || o->ann))
        return dy_cli_usage_error(CMD,
                                  "--format csv is G4DarkBreM's brem library: %s events "
                                  "are written as lhe",
                                  o->prim  ? "primakoff"
                                  : o->cmp ? "compton"
                                           : "annihilation");
    if (!o->csv && o->unit != 1.0)
        return dy_cli_usage_error(CMD, "--csv-unit applies to --format csv");
    if (o->cmp || o->ann) { /* per electron: Z, A as `xsec` without a target */
        o->req.Z = 1.0;
        o->req.A = 1.008;
        return 0;
    }
    return parse_target(o->target, &o->req);
}

static int is_dir(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static int ends_with(const char *s, const char *t)
{
    const size_t a = strlen(s), b = strlen(t);
    return a >= b && !strcmp(s + a - b, t);
}

/* The name stem of mass index im's files: darkyield_<process>_..._m<mass>GeV. */
static void stem(const opts *o, const char *med, int im, char *name, size_t n)
{
    if (o->ann)
        snprintf(name, n, "darkyield_annihilation_%s_m%.10gGeV", med, o->M[im]);
    else if (o->cmp)
        snprintf(name, n, "darkyield_compton_%s_m%.10gGeV", med, o->M[im]);
    else if (o->prim)
        snprintf(name, n, "darkyield_primakoff_%s_Z%d_m%.10gGeV", med, (int)lround(o->req.Z),
                 o->M[im]);
    else
        snprintf(name, n, "darkyield_brem_%s_%s_Z%d_m%.10gGeV", o->req.lepton ? "mu" : "e", med,
                 (int)lround(o->req.Z), o->M[im]);
}

/* Mass index im's directory: --output itself, or with several masses of LHE files its
 * subdirectory <stem> (one G4DarkBreM library per mass: its reader takes a directory of files,
 * not its subdirectories). */
static char *lib_dir(const opts *o, const char *med, int im)
{
    char name[400];
    if (o->csv || o->nM == 1) return strdup(o->output);
    stem(o, med, im, name, sizeof name);
    const size_t n = strlen(o->output) + strlen(name) + 2;
    char *s = malloc(n);
    if (s) snprintf(s, n, "%s/%s", o->output, name);
    return s;
}

/* The file of (energy index ie, or -1 for a CSV's every energy; mass index im). */
static char *file_name(const opts *o, const char *med, int ie, int im)
{
    char name[512], st[400], e[64] = "";
    if (ie >= 0) snprintf(e, sizeof e, "_E%.10gGeV", o->E[ie]);
    stem(o, med, im, st, sizeof st);
    snprintf(name, sizeof name, "%s%s.%s%s", st, e,
             o->csv     ? "csv"
             : o->hepmc ? "hepmc3"
                        : "lhe",
             o->gzip ? ".gz" : "");
    char *d = lib_dir(o, med, im);
    if (!d) return NULL;
    const size_t n = strlen(d) + strlen(name) + 2;
    char *s = malloc(n);
    if (s) snprintf(s, n, "%s/%s", d, name);
    free(d);
    return s;
}

/* Create the per-mass library directories (those that do not exist yet: made[im] = 1, removed
 * again after a failure). */
static int make_lib_dirs(const opts *o, const char *med, int *made)
{
    for (int im = 0; !o->csv && o->nM > 1 && im < o->nM; ++im) {
        char *d = lib_dir(o, med, im);
        if (!d) {
            fprintf(stderr, "darkyield: error: out of memory\n");
            return 1;
        }
        struct stat sb;
        if (mkdir(d, 0777) == 0)
            made[im] = 1;
        else if (errno != EEXIST || stat(d, &sb) || !S_ISDIR(sb.st_mode)) {
            fprintf(stderr, "darkyield: error: %s: cannot create the library directory: %s\n", d,
                    errno == EEXIST ? "a file of that name exists" : strerror(errno));
            free(d);
            return 1;
        }
        free(d);
    }
    return 0;
}

static void remove_lib_dirs(const opts *o, const char *med, const int *made)
{
    for (int im = 0; made && im < o->nM; ++im) {
        if (!made[im]) continue;
        char *d = lib_dir(o, med, im);
        if (d) rmdir(d); /* empty: the set's temporaries are gone */
        free(d);
    }
}

/* Free header text of one LHE file: what, how, conventions, the unweighting's figures. */
static char *lhe_text(const opts *o, const char *med, const dy_events_point *pt, double E, double m,
                      const char *backend, int argc, char **argv)
{
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    if (!f) return NULL;
    const dy_coupling_info *ci = dy_coupling_info_of(o->req.model);
    char cs[96];
    dy_coupling_format(o->req.model, o->req.coupling, cs, sizeof cs);
    dy_events_header_command(f, argc, argv);
    if (o->ann && o->req.channel == 1)
        fprintf(f,
                "\nprocess: annihilation e+ e- -> gamma A' (%s), on an electron at rest: one "
                "interaction at the positron energy (E+ total)\n",
                ci->particle);
    else if (o->ann && o->req.visible)
        fprintf(f,
                "\nprocess: annihilation e+ e- -> A'* -> %s (%s, s-channel Breit-Wigner, running "
                "width sqrt(s) Gamma(sqrt(s))), on an electron at rest: one interaction at the "
                "positron energy (E+ total)\n",
                o->req.visible == 2 ? "mu- mu+" : "e- e+", ci->particle);
    else if (o->ann)
        fprintf(f,
                "\nprocess: annihilation e+ e- -> A'* -> chi chi (%s), %s dark matter, m_chi = "
                "%.10g GeV%s, alpha_D = %g (s-channel Breit-Wigner, running width sqrt(s) "
                "Gamma(sqrt(s))), on an electron at rest: one interaction at the positron energy "
                "(E+ total)\n",
                ci->particle, med, pt->p.par[DY_ANN_M1],
                o->req.dm_kind == DY_DM_INELASTIC ? ", m_chi2 = m_chi (1 + splitting)" : "",
                o->req.alpha_d);
    else if (o->cmp)
        fprintf(f,
                "\nprocess: dark compton gamma e- -> e- A', A' = %s (%s), on a free electron at "
                "rest: one interaction at the photon energy\n",
                med, ci->particle);
    else if (o->prim)
        fprintf(f,
                "\nprocess: primakoff gamma N -> a N, a = %s (%s), thin target: one interaction "
                "at the photon energy\n",
                med, ci->particle);
    else
        fprintf(f,
                "\nprocess: brem %s N -> %s N X, X = %s (%s), thin target: one interaction at "
                "the beam energy\n",
                o->req.lepton ? "mu-" : "e-", o->req.lepton ? "mu-" : "e-", med, ci->particle);
    if (o->cmp || o->ann)
        fprintf(f, "target: a free electron at rest (no binding); cross section per electron\n");
    else
        fprintf(f, "target: %s, Z = %g, A = %g, nucleus PDG id %d, mass %.10g GeV\n", o->target,
                o->req.Z, o->req.A, dy_nucleus_pdg(o->req.Z, o->req.A),
                pt->p.par[o->prim ? DY_PRIM_MN : DY_BREM_P_MN]);
    fprintf(f, "beam energy E0 = %.10g GeV; boson mass m = %.10g GeV; boson PDG id %d\n", E, m,
            o->pdg);
    fprintf(f, "coupling: %s [%s] = %s (%s); sigma scales as %s^2, the kinematics do not\n",
            ci->name, ci->unit, cs, ci->definition, ci->name);
    fprintf(f, "cross section: %.10g +- %.3g pb (VEGAS, %llu evaluations, chi2/dof %.3f)\n",
            pt->res.value, pt->res.error, (unsigned long long)pt->res.n_eval, pt->res.chi2_dof);
    fprintf(f,
            "events: %llu unweighted (weight 1 each; sigma / N per event), accept-reject on the "
            "converged VEGAS map against w_max = %.6g pb (%.3g x the largest of %llu pilot "
            "weights %.6g, raised %u times); efficiency %.4g over %llu draws; largest weight "
            "drawn %.6g (mean %.6g +- %.2g pb)\n",
            (unsigned long long)pt->n_events, pt->st.w_max, o->safety, (unsigned long long)o->pilot,
            pt->st.w_max_pilot, pt->st.restarts, pt->st.efficiency,
            (unsigned long long)pt->st.draws, pt->st.w_max_seen, pt->st.mean_w,
            pt->st.mean_w_error);
    fprintf(f, "seed: %llu; backend: %s\n", (unsigned long long)o->seed, backend);
    if (o->ann)
        fprintf(f,
                "conventions: %s; annihilation: exact tree-level 2->2 on a free electron at "
                "rest, all angles, electron mass kept\n",
                DY_CONV_CONSTANTS);
    else if (o->cmp)
        fprintf(f,
                "conventions: %s; compton: exact tree-level gamma e- -> e- A' on a free "
                "electron at rest, all angles\n",
                DY_CONV_CONSTANTS);
    else
        fprintf(f, "conventions: %s; %s; %s\n", DY_CONV_CONSTANTS,
                o->req.inelastic ? DY_CONV_FF_INELASTIC : DY_CONV_FF_ELASTIC,
                o->prim ? "primakoff: exact 2->2 gamma Z -> a Z with recoil, all angles"
                        : DY_CONV_BREM_ETL);
    if (o->ann && o->req.channel == 1)
        fprintf(f, "particles: positron, electron (in, at rest), photon, A' (out); E, p in GeV, "
                   "lab frame, positron along +z; SCALUP = sqrt(s)\n");
    else if (o->ann)
        fprintf(f, "particles: positron, electron (in, at rest), the s-channel A'* (status 2, "
                   "mass sqrt(s)), its two daughters (out, mothers 3 3); E, p in GeV, lab frame, "
                   "positron along +z; SCALUP = sqrt(s)\n");
    else if (o->cmp)
        fprintf(f, "particles: photon, electron (in, at rest), electron, A' (out); E, p in GeV, "
                   "lab frame, photon along +z; SCALUP = sqrt(t), t = -(p - p')^2 to the "
                   "electron\n");
    else if (o->prim)
        fprintf(f, "particles: photon, nucleus (in, at rest), a, nucleus (out); E, p in GeV, "
                   "lab frame, photon along +z; SCALUP = sqrt(t), t = -q^2 to the nucleus\n");
    else
        fprintf(f, "particles: beam lepton, nucleus (in, at rest), lepton, nucleus, X (out); "
                   "E, p in GeV, lab frame, beam along +z; SCALUP = sqrt(t), t = -q^2 to the "
                   "nucleus\n");
    if (fclose(f)) {
        free(s);
        return NULL;
    }
    return s;
}

/* HepMC3's text into the file's stream (plain or gzip). */
static void hepmc_sink(void *ctx, const char *text, size_t n)
{
    dy_evstream_write((dy_evstream *)ctx, text, n);
}

/* One line per point: the cross section, the unweighting and where the time went (the
 * integration's is this point's share of the batch). */
static void summary(const opts *o, const dy_events_point *pt, double E, double m, double t_write)
{
    if (o->quiet) return;
    const double t = pt->seconds_unweight + t_write;
    fprintf(stderr,
            "darkyield: E=%g m=%g: sigma = %.6g +- %.2g pb; %llu events, efficiency %.3g, "
            "w_max raised %u times; %.3g s integrating, %.3g s drawing, %.3g s writing "
            "(%.3g events/s after the integration)\n",
            E, m, pt->res.value, pt->res.error, (unsigned long long)pt->n_events, pt->st.efficiency,
            pt->st.restarts, pt->seconds_integrate, pt->seconds_unweight, t_write,
            t > 0 ? (double)pt->n_events / t : 0.0);
}

int dy_cmd_events(int argc, char **argv)
{
    int help_asked = 0, thick = 0;
    for (int i = 1; i < argc; ++i) {
        help_asked |= !strcmp(argv[i], "--help") || !strcmp(argv[i], "-h");
        thick |= !strcmp(argv[i], "--config") || !strncmp(argv[i], "--config=", 9);
    }
    if (thick && help_asked) {
        help();
        return 0;
    }
    if (thick) return dy_cmd_events_thick(argc, argv); /* a run config: thick target */
    opts o;
    memset(&o, 0, sizeof o);
    dy_xsec_request_default(&o.req);
    o.format = "lhe";
    o.precision = 1e-3;
    o.safety = 1.2;
    o.unit = 1.0;
    o.seed = 1;
    o.max_eval = 100000000ULL;
    o.pilot = 1u << 18;
    int done, rc = parse(argc, argv, &o, &done);
    if (rc || done) return rc;
    /* the name of the final state (annihilation) or the boson (others) in file names */
    const char *med = o.ann    ? (o.req.channel == 1   ? "gammaAp"
                                  : o.req.visible == 1 ? "ee"
                                  : o.req.visible == 2 ? "mumu"
                                                       : dy_xsec_dm_kind_name(o.req.dm_kind))
                      : o.prim ? (o.req.mediator ? "scalar" : "pseudoscalar")
                               : dy_coupling_info_of(o.req.model)->model;
    const int npts = o.nE * o.nM, nfiles = o.csv ? o.nM : npts;
    const int to_dir = is_dir(o.output);
    if (!to_dir && ends_with(o.output, ".gz")) o.gzip = 1;
    if (!to_dir && nfiles > 1)
        return dy_cli_usage_error(CMD,
                                  "%d files to write (%s): --output must name an existing "
                                  "directory, '%s' is not one",
                                  nfiles, o.csv ? "one per mass" : "one per energy and mass",
                                  o.output);
    if (!strcmp(o.output, "-") && o.gzip)
        return dy_cli_usage_error(CMD, "--gzip to standard output is not supported");

    dy_events_point *pts = calloc((size_t)npts, sizeof *pts);
    FILE **files = calloc((size_t)nfiles, sizeof *files);
    char **paths = calloc((size_t)nfiles, sizeof *paths);
    int *made = calloc((size_t)o.nM, sizeof *made);
    dy_evstream *zs = NULL;
    dy_engine *eng = NULL;
    dy_error err;
    dy_outset set;
    dy_outset_init(&set);
    if (!pts || !files || !paths || !made) {
        fprintf(stderr, "darkyield: error: out of memory\n");
        rc = 1;
        goto out;
    }
    /* every point valid before any work; every file created (as a temporary) before any work */
    for (int i = 0; i < npts; ++i) {
        o.req.energy = o.E[i / o.nM];
        o.req.mass = o.M[i % o.nM];
        if (dy_xsec_setup(&o.req, &pts[i].p, &err) != DY_OK) {
            rc = dy_cli_fail(&err);
            goto out;
        }
        pts[i].p.id = 0;
        if (o.req.zero_reason[0]) {
            rc = dy_cli_usage_error(CMD, "E=%g GeV, m=%g GeV: no events: %s", o.req.energy,
                                    o.req.mass, o.req.zero_reason);
            goto out;
        }
    }
    if ((rc = make_lib_dirs(&o, med, made))) goto out;
    for (int k = 0; k < nfiles; ++k) {
        paths[k] = to_dir ? file_name(&o, med, o.csv ? -1 : k / o.nM, o.csv ? k : k % o.nM)
                          : strdup(o.output);
        if (!paths[k]) {
            fprintf(stderr, "darkyield: error: out of memory\n");
            rc = 1;
            goto out;
        }
        if (!(files[k] = dy_outset_add(&set, paths[k], &err))) {
            rc = dy_cli_fail(&err);
            goto out;
        }
    }
    if ((rc = dy_cli_open_engine(o.backend, &eng))) goto out;
    dy_vegas_options vo;
    dy_vegas_options_default(&vo);
    vo.seed = o.seed;
    vo.rel_precision = o.precision;
    vo.max_eval = o.max_eval;
    vo.progress = !o.quiet;
    if (dy_events_integrate(eng, pts, (size_t)npts, &vo, &err) != DY_OK) {
        rc = dy_cli_fail(&err);
        goto out;
    }
    dy_unweight_options uo;
    dy_unweight_options_default(&uo);
    uo.seed = o.seed;
    uo.n_events = o.n;
    uo.n_pilot = (uint32_t)o.pilot;
    uo.safety = o.safety;
    zs = calloc(1, sizeof *zs);
    if (!zs) {
        fprintf(stderr, "darkyield: error: out of memory\n");
        rc = 1;
        goto out;
    }
    /* CSV: point i = (energy i / nM, mass i % nM) goes to file i % nM, energies in order */
    for (int k = 0; k < nfiles; ++k) {
        if (dy_evstream_open(zs, files[k], o.gzip, &err) != DY_OK) {
            rc = dy_cli_fail(&err);
            goto out;
        }
        if (o.csv) dy_csv_begin(zs);
        for (int i = 0; i < npts; ++i) {
            if (o.csv ? i % o.nM != k : i != k) continue;
            dy_events_point *pt = &pts[i];
            const double E = o.E[i / o.nM], m = o.M[i % o.nM];
            if (!pt->res.converged)
                fprintf(stderr,
                        "darkyield: warning: E=%g m=%g: precision goal %g not reached (%.2g)\n", E,
                        m, o.precision, pt->res.error / fabs(pt->res.value));
            if (dy_events_unweight(eng, pt, &uo, &err) != DY_OK) {
                fprintf(stderr, "darkyield: E=%g GeV, m=%g GeV:\n", E, m);
                rc = dy_cli_fail(&err);
                goto out;
            }
            const double t_write = dy_wall_seconds();
            dy_hepmc3 *hw = NULL;
            if (o.hepmc) {
                char msg[256];
                char *text = lhe_text(&o, med, pt, E, m, dy_engine_backend(eng), argc, argv);
                hw =
                    text ? dy_hepmc3_open(hepmc_sink, zs, DY_VERSION, text, msg, sizeof msg) : NULL;
                if (!text) snprintf(msg, sizeof msg, "out of memory");
                free(text);
                if (!hw) {
                    fprintf(stderr, "darkyield: error: %s: %s\n", paths[k], msg);
                    rc = 1;
                    goto out;
                }
            } else if (!o.csv) {
                char *text = lhe_text(&o, med, pt, E, m, dy_engine_backend(eng), argc, argv);
                if (!text) {
                    fprintf(stderr, "darkyield: error: out of memory\n");
                    rc = 1;
                    goto out;
                }
                /* compton: the second beam is the electron at rest; no target Z */
                /* annihilation: e+ on the electron at rest */
                const int pe = o.cmp || o.ann;
                const dy_lhe_info info = {o.ann                          ? -11
                                          : o.prim || o.cmp              ? 22
                                          : pt->p.ipar[DY_BREM_I_LEPTON] ? 13
                                                                         : 11,
                                          pe ? 11 : dy_nucleus_pdg(o.req.Z, o.req.A),
                                          E,
                                          pe       ? DY_M_E
                                          : o.prim ? pt->p.par[DY_PRIM_MN]
                                                   : pt->p.par[DY_BREM_P_MN],
                                          pe ? 0.0 : o.req.Z,
                                          pe ? 0.0 : o.req.A,
                                          pt->res.value,
                                          pt->res.error,
                                          text};
                dy_lhe_begin(zs, &info);
                free(text);
            }
            for (uint64_t j = 0; j < pt->n_events; ++j) {
                dy_event ev;
                if (dy_events_get(pt, o.seed, j, o.pdg, &ev) != 0) {
                    dy_error_set(&err, DY_ERR_NUMERIC,
                                 "E=%g m=%g: accepted draw %llu lies outside phase space", E, m,
                                 (unsigned long long)j);
                    rc = dy_cli_fail(&err);
                    goto out;
                }
                if (hw) {
                    char msg[256];
                    if (dy_hepmc3_event(hw, &ev, (long)j + 1, pt->res.value, pt->res.error, msg,
                                        sizeof msg)) {
                        fprintf(stderr, "darkyield: error: %s: %s\n", paths[k], msg);
                        dy_hepmc3_discard(hw);
                        rc = 1;
                        goto out;
                    }
                } else if (o.csv)
                    dy_csv_event(zs, o.req.Z, E, &ev, o.unit);
                else
                    dy_lhe_event(zs, &ev);
            }
            if (hw) {
                char msg[256];
                if (dy_hepmc3_close(hw, msg, sizeof msg)) {
                    fprintf(stderr, "darkyield: error: %s: %s\n", paths[k], msg);
                    rc = 1;
                    goto out;
                }
            } else if (!o.csv)
                dy_lhe_end(zs);
            summary(&o, pt, E, m, dy_wall_seconds() - t_write);
            free(pt->draws); /* keep memory to one point's events */
            pt->draws = NULL;
        }
        if (dy_evstream_close(zs, paths[k], &err) != DY_OK) {
            rc = dy_cli_fail(&err);
            goto out;
        }
    }
    if (dy_outset_commit(&set, &err) != DY_OK) {
        rc = dy_cli_fail(&err);
        goto out;
    }
    if (!o.quiet)
        for (int k = 0; k < nfiles; ++k)
            if (strcmp(paths[k], "-")) fprintf(stderr, "darkyield: wrote %s\n", paths[k]);
    rc = dy_cli_write_stats(eng, o.stats);
out:
    dy_outset_abort(&set); /* after a failure: no output file at all */
    if (rc) remove_lib_dirs(&o, med, made);
    dy_engine_close(eng);
    for (int i = 0; pts && i < npts; ++i)
        dy_events_point_free(&pts[i]);
    for (int k = 0; paths && k < nfiles; ++k)
        free(paths[k]);
    free(pts);
    free(files);
    free(paths);
    free(made);
    if (zs) dy_evstream_discard(zs);
    free(zs);
    return rc;
}
