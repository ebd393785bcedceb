/* test_events_cli.c — `darkyield events` end to end on the cpu backend: the command of issue 15 as
 * written; its file read the way G4DarkBreM's LHE library reader reads one (target Z from the
 * 'Znuc' line; beam lepton with status -1, the outgoing lepton two lines below, the boson two
 * below that: docs/events.md); the <init> cross section against `darkyield xsec` within errors; a
 * seed gives the same bytes, another seed other events; gzip equals the plain text; the CSV
 * library (10 columns, GeV or MeV) matches the LHE events of the same seed; one file per point in
 * a directory; bad input fails with a message and leaves no file behind.  Primakoff: the
 * photon-beam file's <init> (22 on 100ZZZAAA0) and sigma against `xsec`, the ALP's angle and t
 * against `xsec --histograms` by chi^2, four-momentum balance per event, a seed's bytes.  Dark
 * Compton and annihilation: <init>, ids, statuses, balance and counts of every event, sigma
 * against `xsec`.  Energy and mass ranges; a library directory per mass; HepMC3 or its refusal. */
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "dy_test.h"
#include "dy_test_chi2.h"
#include "dy_test_cli.h"

static char out[1 << 16];
static char dir[512];

/* A fresh empty directory under the build tree. */
static void fresh_dir(const char *name)
{
    char cmd[1200];
    snprintf(dir, sizeof dir, "%s/test_events_cli_%s", DY_BINARY_DIR, name);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
    assert_int_equal(system(cmd), 0);
}

static int entries(const char *d)
{
    DIR *h = opendir(d);
    int n = 0;
    if (!h) return -1;
    for (struct dirent *e; (e = readdir(h));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(h);
    return n;
}

/* The whole file (plain or gzip: zlib reads both), malloc'd, NUL-terminated. */
static char *slurp(const char *path, size_t *len)
{
    gzFile g = gzopen(path, "rb");
    if (!g) fail_msg("cannot open %s", path);
    size_t cap = 1 << 20, n = 0;
    char *s = malloc(cap);
    for (int k; s && (k = gzread(g, s + n, (unsigned)(cap - n - 1))) > 0;) {
        n += (size_t)k;
        if (cap - n < 2) s = realloc(s, cap *= 2);
    }
    gzclose(g);
    if (!s) fail_msg("out of memory");
    s[n] = '\0';
    if (len) *len = n;
    return s;
}

static int run(const char *args)
{
    return dy_run_cli(args, out, sizeof out);
}

static void expect_error(const char *args, int code, const char *needle)
{
    const int rc = run(args);
    if (rc != code) fail_msg("'%s': exit %d, expected %d; output:\n%s", args, rc, code, out);
    if (!dy_find(out, needle)) fail_msg("'%s': output lacks '%s':\n%s", args, needle, out);
}

typedef struct lib {
    int Z, n;              /* target Z, events found */
    double E0;             /* incident energy of the first event */
    double sigma, error;   /* <init> */
    double rec[4], com[4]; /* the first event's recoil lepton and lepton + boson (E, p) */
} lib;

/* Reads an LHE text the way G4DarkBreM's library reader does (its rules, our code). */
static void read_like_g4darkbrem(char *text, int boson, lib *L)
{
    char *lines[8] = {0};
    int nl = 0;
    memset(L, 0, sizeof *L);
    L->Z = -1;
    char *init = dy_find(text, "<init>");
    assert_non_null(init);
    assert_int_equal(dy_line_scanf(dy_eol(dy_eol(init) + 1) + 1, "%lf %lf", &L->sigma, &L->error),
                     2);
    for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
        if (dy_find(l, "Znuc")) {
            double z;
            assert_int_equal(dy_line_scanf(l, "%*d %lf", &z), 1);
            assert_int_equal(L->Z, -1); /* one such line */
            L->Z = (int)z;
        }
        memmove(lines, lines + 1, sizeof lines - sizeof *lines);
        lines[7] = l;
        nl++;
        /* a complete candidate: lines[3] the beam, [5] the lepton, [7] the boson */
        if (nl < 5 || !lines[3]) continue;
        int id[3], st[3];
        double v[3][5];
        const char *c[3] = {lines[3], lines[5], lines[7]};
        int ok = 1;
        for (int k = 0; k < 3 && ok; ++k)
            ok = dy_line_scanf(c[k], "%d %d %*s %*s %*s %*s %lf %lf %lf %lf %lf", &id[k], &st[k],
                               &v[k][1], &v[k][2], &v[k][3], &v[k][0], &v[k][4]) == 7;
        if (!ok || (id[0] != 11 && id[0] != 13) || st[0] != -1) continue;
        if ((id[1] != 11 && id[1] != 13) || st[1] != 1 || id[2] != boson || st[2] != 1) continue;
        assert_true(L->Z > 0); /* the reader needs Z before the first event */
        if (L->n++ == 0) {
            L->E0 = v[0][0];
            for (int k = 0; k < 4; ++k) {
                L->rec[k] = v[1][k];
                L->com[k] = v[1][k] + v[2][k];
            }
        }
    }
}

/* The bins of observable `name` in an `xsec --histograms` file: edges and the cross section per
 * bin (density x width) with its error.  Returns the number of bins. */
static int xsec_hist(char *text, const char *name, double *lo, double *hi, double *c, double *e)
{
    char key[64];
    int n = 0;
    snprintf(key, sizeof key, ",%s,", name);
    for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
        const char *k = dy_find(l, key);
        if (l[0] == '#' || !k || n >= 256) continue;
        k = strchr(k + strlen(key), ','); /* past the unit */
        double d, de;
        assert_int_equal(dy_line_scanf(k + 1, "%lf,%lf,%lf,%lf", &lo[n], &hi[n], &d, &de), 4);
        c[n] = d * (hi[n] - lo[n]);
        e[n] = de * (hi[n] - lo[n]);
        ++n;
    }
    return n;
}

/* x = E/E0 (k = 0) or the polar angle (k = 1) of every boson line (id 622) of an LHE text,
 * counted into the bins [lo, hi). */
static void boson_counts(const char *text, int k, double E0, const double *lo, const double *hi,
                         int n, double *counts)
{
    memset(counts, 0, (size_t)n * sizeof *counts);
    for (const char *l = dy_find(text, "\n622 1 "); l; l = dy_find(l + 1, "\n622 1 ")) {
        double p[4];
        assert_int_equal(dy_line_scanf(l + 1, "%*d %*d %*d %*d %*d %*d %lf %lf %lf %lf", &p[1],
                                       &p[2], &p[3], &p[0]),
                         4);
        const double v = k == 0 ? p[0] / E0 : atan2(hypot(p[1], p[2]), p[3]);
        for (int b = 0; b < n; ++b)
            if (v >= lo[b] && v < hi[b]) counts[b] += 1.0;
    }
}

/* The issue's command as written, in a fresh directory; its cross section and its x and theta_X
 * histograms against `xsec --histograms` (another seed: independent numbers). */
static void issue_command(void **state)
{
    (void)state;
    fresh_dir("issue");
    char args[2048], *t;
    lib L;
    snprintf(args, sizeof args,
             "events --process brem --lepton e --target W --energy 8 --mass 0.1 --n 20000 "
             "--seed 1 --format lhe --output %s/FILE.lhe --backend cpu",
             dir);
    if (run(args)) fail_msg("%s\n%s", args, out);
    assert_non_null(dy_find(out, "efficiency"));
    snprintf(args, sizeof args, "%s/FILE.lhe", dir);
    t = slurp(args, NULL);
    char *lhe = strdup(t);
    assert_non_null(lhe);
    assert_non_null(dy_find(t, "<LesHouchesEvents version=\"3.0\">"));
    assert_non_null(dy_find(t, "\n11 1000741840 8.000000000000e+00 "));
    read_like_g4darkbrem(t, 622, &L);
    free(t);
    assert_int_equal(L.n, 20000);
    assert_int_equal(L.Z, 74);
    dy_assert_close(L.E0, 8.0, 0.0, 0.0);
    double s, e;
    snprintf(args, sizeof args,
             "xsec --process brem --lepton e --target W --energy 8 --mass 0.1 --precision 1e-3 "
             "--backend cpu --seed 2 --format csv --output %s/xsec.csv --histograms %s/hist.csv",
             dir, dir);
    if (run(args)) fail_msg("%s\n%s", args, out);
    snprintf(args, sizeof args, "%s/xsec.csv", dir);
    t = slurp(args, NULL);
    const char *row = dy_find(t, ",etl,");
    assert_non_null(row);
    assert_int_equal(dy_line_scanf(row + 5, "%lf,%lf", &s, &e), 2);
    free(t);
    dy_assert_close(L.sigma, s, 4.0 * hypot(L.error, e), 0.0);
    assert_true(L.error > 0.0 && L.error < 2e-3 * L.sigma);
    /* the events' x and theta_X against xsec's dsigma/dx and dsigma/dtheta_X (chi^2) */
    static const char *const obs[2] = {"x", "theta_X"};
    snprintf(args, sizeof args, "%s/hist.csv", dir);
    for (int k = 0; k < 2; ++k) {
        double lo[256], hi[256], c[256], ce[256], counts[256];
        int dof;
        t = slurp(args, NULL);
        const int n = xsec_hist(t, obs[k], lo, hi, c, ce);
        free(t);
        assert_true(n >= 50);
        boson_counts(lhe, k, 8.0, lo, hi, n, counts);
        const double p = dy_chi2_pvalue(c, ce, counts, (unsigned)n, &dof);
        print_message("%s against xsec --histograms: p = %.3g (%d dof)\n", obs[k], p, dof);
        assert_true(dof >= 10);
        assert_true(p > 1e-3);
    }
    free(lhe);
}

/* The same seed: the same bytes; gzip: the same text; another seed: other events. */
static void seeds_and_gzip(void **state)
{
    (void)state;
    fresh_dir("seed");
    char args[2048], p[600];
    size_t na, nb;
    const char *base = "events --process brem --lepton mu --mediator scalar --target Pb "
                       "--energy 50 --mass 0.3 --n 3000 --backend cpu --quiet";
    snprintf(args, sizeof args, "%s --seed 7 --output %s/a.lhe", base, dir);
    assert_int_equal(run(args), 0);
    snprintf(p, sizeof p, "%s/a.lhe", dir);
    char *a = slurp(p, &na);
    assert_int_equal(run(args), 0);
    char *b = slurp(p, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
    free(b);
    snprintf(args, sizeof args, "%s --seed 7 --output %s/a.lhe.gz", base, dir);
    assert_int_equal(run(args), 0);
    snprintf(p, sizeof p, "%s/a.lhe.gz", dir);
    FILE *f = fopen(p, "rb");
    unsigned char magic[2] = {0};
    assert_non_null(f);
    assert_int_equal(fread(magic, 1, 2, f), 2);
    fclose(f);
    assert_true(magic[0] == 0x1f && magic[1] == 0x8b);
    b = slurp(p, &nb);
    assert_string_equal(dy_find(a, "<init>"), dy_find(b, "<init>")); /* the command line differs */
    free(b);
    snprintf(args, sizeof args, "%s --seed 8 --output %s/c.lhe", base, dir);
    assert_int_equal(run(args), 0);
    snprintf(p, sizeof p, "%s/c.lhe", dir);
    b = slurp(p, &nb);
    assert_true(strcmp(dy_find(a, "<event>"), dy_find(b, "<event>")) != 0);
    lib La, Lb;
    read_like_g4darkbrem(a, 622, &La);
    read_like_g4darkbrem(b, 622, &Lb);
    assert_int_equal(La.n, 3000);
    assert_int_equal(La.Z, 82);
    assert_true(La.rec[0] != Lb.rec[0]);
    free(a);
    free(b);
}

/* CSV: G4DarkBreM's columns; its rows are the LHE events of the same seed (lepton + boson); MeV
 * scales every number by 1000; two energies in one file per mass. */
static void csv_library(void **state)
{
    (void)state;
    fresh_dir("csv");
    char args[2048], p[600];
    const char *base = "events --process brem --target W --energy 4 --mass 0.05 --n 400 "
                       "--backend cpu --quiet --seed 3";
    snprintf(args, sizeof args, "%s --output %s/a.lhe", base, dir);
    assert_int_equal(run(args), 0);
    snprintf(args, sizeof args, "%s --format csv --output %s/a.csv", base, dir);
    assert_int_equal(run(args), 0);
    snprintf(args, sizeof args, "%s --format csv --csv-unit MeV --output %s/m.csv.gz", base, dir);
    assert_int_equal(run(args), 0);
    snprintf(p, sizeof p, "%s/a.lhe", dir);
    char *t = slurp(p, NULL);
    lib L;
    read_like_g4darkbrem(t, 622, &L);
    free(t);
    snprintf(p, sizeof p, "%s/a.csv", dir);
    char *c = slurp(p, NULL), *m;
    snprintf(p, sizeof p, "%s/m.csv.gz", dir);
    m = slurp(p, NULL);
    const char *hdr = "target_Z,incident_energy,recoil_energy,recoil_px,recoil_py,recoil_pz,"
                      "centerMomentum_energy,centerMomentum_px,centerMomentum_py,"
                      "centerMomentum_pz\n";
    assert_int_equal(strncmp(c, hdr, strlen(hdr)), 0);
    assert_int_equal(strncmp(m, hdr, strlen(hdr)), 0);
    double v[10], w[10];
    assert_int_equal(dy_line_scanf(c + strlen(hdr), "%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf",
                                   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8],
                                   &v[9]),
                     10);
    assert_int_equal(dy_line_scanf(m + strlen(hdr), "%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf",
                                   &w[0], &w[1], &w[2], &w[3], &w[4], &w[5], &w[6], &w[7], &w[8],
                                   &w[9]),
                     10);
    dy_assert_close(v[0], 74.0, 0.0, 0.0);
    dy_assert_close(v[1], 4.0, 0.0, 0.0);
    for (int k = 0; k < 4; ++k) {
        dy_assert_close(v[2 + k], L.rec[k], 1e-11, 1e-10);
        dy_assert_close(v[6 + k], L.com[k], 1e-11, 1e-10);
    }
    for (int k = 1; k < 10; ++k)
        dy_assert_close(w[k], 1000.0 * v[k], 1e-300, 1e-11);
    int rows = 0, bad = 0;
    for (char *l = strtok(c, "\n"); l; l = strtok(NULL, "\n"), ++rows) {
        int commas = 0;
        for (char *q = l; *q; ++q)
            commas += *q == ',';
        bad += commas != 9;
    }
    assert_int_equal(rows, 401);
    assert_int_equal(bad, 0);
    free(c);
    free(m);
    /* a library of two energies: one file, both energies */
    snprintf(args, sizeof args,
             "events --process brem --target W --energy 4,8 --mass 0.05 --n 100 --backend cpu "
             "--quiet --format csv --output %s/two.csv",
             dir);
    assert_int_equal(run(args), 0);
    snprintf(p, sizeof p, "%s/two.csv", dir);
    c = slurp(p, NULL);
    assert_non_null(dy_find(c, "\n74,4,"));
    assert_non_null(dy_find(c, "\n74,8,"));
    free(c);
}

/* Several points into a directory: a G4DarkBreM library (a subdirectory) per mass, one LHE per
 * energy in it, named after them; energies as a range; CSV: one file per mass; a subdirectory
 * that cannot be made fails and leaves nothing behind. */
static void directory_of_files(void **state)
{
    (void)state;
    fresh_dir("dir");
    char args[2048], p[900];
    snprintf(args, sizeof args,
             "events --process brem --target 29,63.546 --energy 4:8:2 --mass 0.05,0.1 --n 50 "
             "--backend cpu --quiet --gzip --output %s",
             dir);
    if (run(args)) fail_msg("%s\n%s", args, out);
    assert_int_equal(entries(dir), 2);
    struct stat sb;
    for (int m = 0; m < 2; ++m) {
        const char *ms = m ? "0.1" : "0.05";
        snprintf(p, sizeof p, "%s/darkyield_brem_e_vector_Z29_m%sGeV", dir, ms);
        assert_int_equal(entries(p), 2);
        for (int e = 4; e <= 8; e += 4) {
            snprintf(p, sizeof p,
                     "%s/darkyield_brem_e_vector_Z29_m%sGeV/"
                     "darkyield_brem_e_vector_Z29_m%sGeV_E%dGeV.lhe.gz",
                     dir, ms, ms, e);
            assert_int_equal(stat(p, &sb), 0);
            char *t = slurp(p, NULL);
            lib L;
            read_like_g4darkbrem(t, 622, &L);
            free(t);
            assert_int_equal(L.Z, 29);
            assert_int_equal(L.n, 50);
            assert_true(L.E0 == e);
        }
    }
    /* CSV: a mass range (log), one file per mass with both energies in it */
    fresh_dir("dircsv");
    snprintf(args, sizeof args,
             "events --process brem --target W --energy 4:8:2 --mass 0.01:1:3:log --n 20 "
             "--backend cpu --quiet --format csv --output %s",
             dir);
    if (run(args)) fail_msg("%s\n%s", args, out);
    assert_int_equal(entries(dir), 3);
    snprintf(p, sizeof p, "%s/darkyield_brem_e_vector_Z74_m0.1GeV.csv", dir);
    char *c = slurp(p, NULL);
    int n4 = 0, n8 = 0;
    for (char *l = dy_eol(c); l && l[1]; l = dy_eol(l + 1)) {
        n4 += !strncmp(l + 1, "74,4,", 5);
        n8 += !strncmp(l + 1, "74,8,", 5);
    }
    free(c);
    assert_int_equal(n4, 20);
    assert_int_equal(n8, 20);
    /* the second mass's library directory is taken by a file: error, and the first one's
     * directory (made by this run) is gone again */
    fresh_dir("dirfail");
    snprintf(p, sizeof p, "%s/darkyield_brem_e_vector_Z74_m0.1GeV", dir);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fclose(f);
    snprintf(args, sizeof args,
             "events --process brem --target W --energy 4,8 --mass 0.05,0.1 --n 10 "
             "--backend cpu --quiet --output %s",
             dir);
    expect_error(args, 1, "cannot create the library directory");
    assert_int_equal(entries(dir), 1);
}

/* Bad input: exit 2 (usage) or 1, a message naming the problem, and no file at all. */
static void bad_input(void **state)
{
    (void)state;
    fresh_dir("bad");
    char args[2048];
    const char *base = "events --process brem --target W --energy 8 --mass 0.1 --backend cpu";
    struct {
        const char *extra, *needle;
        int code;
    } cases[] = {
        {"--n 0 --output %s/x.lhe", "--n '0'", 2},
        {"--n 10 --output %s/x.lhe --format root", "--format 'root'", 2},
        {"--n 10 --output %s/x.lhe --mediator alp", "--mediator 'alp'", 2},
        {"--n 10 --output %s/x.lhe --energy 4,8", "must name an existing directory", 2},
        {"--n 10 --output %s/x.lhe --mass 9", "mass", 2},
        {"--n 10 --output %s/x.lhe --safety 0.5", "--safety", 2},
        {"--n 10 --output %s/x.lhe --pilot 100", "multiple of 16", 2},
        {"--n 10 --output %s/x.lhe --csv-unit MeV", "--csv-unit applies", 2},
        {"--n 10 --output %s/x.lhe --bogus", "unknown or incomplete option", 2},
        {"--n 10 --output %s/no/such/dir/x.lhe", "x.lhe", 1},
        {"--n 10", "--output is required", 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; ++i) {
        char extra[1024];
        snprintf(extra, sizeof extra, cases[i].extra, dir);
        snprintf(args, sizeof args, "%s %s", base, extra);
        expect_error(args, cases[i].code, cases[i].needle);
        assert_int_equal(entries(dir), 0);
    }
    expect_error("events --process annihilation --target W --energy 8 --mass 0.1 --n 1 --output x",
                 2, "no --target");
    expect_error("events --process compton --target W --energy 8 --mass 0.05 --n 1 --output x", 2,
                 "no --target");
    expect_error("events --process primakoff --target W --energy 8 --mass 0.1 --n 1 --output x "
                 "--format csv",
                 2, "written as lhe");
    expect_error("events --process primakoff --lepton mu --target W --energy 8 --mass 0.1 --n 1 "
                 "--output x",
                 2, "--lepton applies");
    expect_error("events --process primakoff --mediator vector --target W --energy 8 --mass 0.1 "
                 "--n 1 --output x",
                 2, "pseudoscalar");
    expect_error("events --process primakoff --target W --energy 0.05 --mass 0.1 --n 1 "
                 "--output x",
                 2, "below threshold");
    expect_error("events --process brem --target Water --energy 8 --mass 0.1 --n 1 --output x", 2,
                 "");
    /* free text that could confuse XML or G4DarkBreM's reader ends up harmless in the header */
    snprintf(args, sizeof args, "%s --n 5 --quiet --output '%s/Znuc<&>\xc3\xa9.lhe'", base, dir);
    assert_int_equal(run(args), 0);
    snprintf(args, sizeof args, "%s/Znuc<&>\xc3\xa9.lhe", dir);
    char *t = slurp(args, NULL);
    assert_non_null(dy_find(t, "Z_nuc&lt;&amp;&gt;??.lhe"));
    lib L;
    read_like_g4darkbrem(t, 622, &L); /* exactly one Znuc line */
    assert_int_equal(L.n, 5);
    assert_int_equal(L.Z, 74);
    free(t);
    assert_int_equal(run("events --help"), 0);
    assert_non_null(dy_find(out, "--boson-pdg"));
    assert_non_null(dy_find(out, "--csv-unit"));
    /* HepMC3: written when this build has it (tests/hepmc3_read.cc reads it back), else a clear
     * refusal and no file */
    const int have = dy_find(out, "available in this build") != NULL;
    assert_true(have || dy_find(out, "not in this build"));
    snprintf(args, sizeof args, "%s --n 5 --quiet --format hepmc3 --output %s/h.hepmc3", base, dir);
    if (have) {
        if (run(args)) fail_msg("%s\n%s", args, out);
        snprintf(args, sizeof args, "%s/h.hepmc3", dir);
        t = slurp(args, NULL);
        assert_true(!strncmp(t, "HepMC::Version 3", 16));
        assert_non_null(dy_find(t, "HepMC::Asciiv3-END_EVENT_LISTING"));
        free(t);
    } else {
        expect_error(args, 2, "built without HepMC3");
        assert_int_equal(entries(dir), 1); /* the Znuc file above only */
    }
}

/* Primakoff gamma W -> a W at 8 GeV, m = 0.1 GeV: <init> (photon on the nucleus, sigma against
 * `xsec`), every event's four particles (ids, balance), theta_a and t (t = 2 M E (1 - x): the
 * energy fraction) against `xsec --histograms`; the same seed: the same bytes. */
static void primakoff_command(void **state)
{
    (void)state;
    fresh_dir("primakoff");
    char args[2048], path[600];
    snprintf(args, sizeof args,
             "events --process primakoff --target W --energy 8 --mass 0.1 --n 20000 --seed 1 "
             "--output %s/p.lhe --backend cpu",
             dir);
    if (run(args)) fail_msg("%s\n%s", args, out);
    snprintf(path, sizeof path, "%s/p.lhe", dir);
    size_t na, nb;
    char *t = slurp(path, &na);
    const char *init = dy_find(t, "\n22 1000741840 8.000000000000e+00 ");
    assert_non_null(init);
    double sig, sige, s, e;
    assert_int_equal(dy_line_scanf(dy_eol(init + 1) + 1, "%lf %lf", &sig, &sige), 2);
    /* events: 4 particles, photon and nucleus in, ALP 9000005 and the nucleus out, balanced */
    double th[20000], tt[20000];
    int n = 0;
    for (const char *l = dy_find(t, "<event>\n"); l; l = dy_find(l + 1, "<event>\n")) {
        int np, id[4], st[4];
        double v[4][4], sc;
        const char *c = dy_eol(l) + 1;
        assert_int_equal(dy_line_scanf(c, "%d %*d %*f %lf", &np, &sc), 2);
        assert_int_equal(np, 4);
        for (int k = 0; k < 4; ++k) {
            c = dy_eol(c) + 1;
            assert_int_equal(dy_line_scanf(c, "%d %d %*d %*d %*d %*d %lf %lf %lf %lf", &id[k],
                                           &st[k], &v[k][1], &v[k][2], &v[k][3], &v[k][0]),
                             6);
        }
        assert_true(id[0] == 22 && st[0] == -1 && id[1] == 1000741840 && st[1] == -1);
        assert_true(id[2] == 9000005 && st[2] == 1 && id[3] == 1000741840 && st[3] == 1);
        for (int k = 0; k < 4; ++k) /* 13 digits printed: balance to ~1e-12 of E + M */
            dy_assert_close(v[0][k] + v[1][k], v[2][k] + v[3][k], 1e-10 * (8.0 + v[1][0]), 0.0);
        assert_true(n < 20000);
        th[n] = atan2(hypot(v[2][1], v[2][2]), v[2][3]);
        tt[n++] = sc * sc; /* SCALUP = sqrt(t) */
    }
    assert_int_equal(n, 20000);
    snprintf(args, sizeof args,
             "xsec --process primakoff --target W --energy 8 --mass 0.1 --precision 1e-4 "
             "--backend cpu --seed 2 --format csv --output %s/xsec.csv --histograms %s/hist.csv",
             dir, dir);
    if (run(args)) fail_msg("%s\n%s", args, out);
    snprintf(path, sizeof path, "%s/xsec.csv", dir);
    char *x = slurp(path, NULL);
    const char *row = dy_find(x, ",etl,");
    assert_non_null(row);
    assert_int_equal(dy_line_scanf(row + 5, "%lf,%lf", &s, &e), 2);
    free(x);
    dy_assert_close(sig, s, 4.0 * hypot(sige, e), 0.0);
    assert_true(sige > 0.0 && sige < 2e-3 * sig);
    static const char *const obs[2] = {"theta_a", "t"};
    snprintf(path, sizeof path, "%s/hist.csv", dir);
    for (int k = 0; k < 2; ++k) {
        double lo[256], hi[256], c[256], ce[256], counts[256] = {0};
        int dof;
        x = slurp(path, NULL);
        const int nb_ = xsec_hist(x, obs[k], lo, hi, c, ce);
        free(x);
        assert_true(nb_ >= 50);
        for (int i = 0; i < n; ++i) {
            const double v = k ? tt[i] : th[i];
            for (int b = 0; b < nb_; ++b)
                if (v >= lo[b] && v < hi[b]) counts[b] += 1.0;
        }
        const double p = dy_chi2_pvalue(c, ce, counts, (unsigned)nb_, &dof);
        print_message("primakoff %s against xsec --histograms: p = %.3g (%d dof)\n", obs[k], p,
                      dof);
        assert_true(dof >= 10);
        assert_true(p > 1e-3);
    }
    snprintf(args, sizeof args,
             "events --process primakoff --target W --energy 8 --mass 0.1 --n 20000 --seed 1 "
             "--output %s/p.lhe --backend cpu --quiet",
             dir);
    assert_int_equal(run(args), 0);
    snprintf(path, sizeof path, "%s/p.lhe", dir);
    char *b = slurp(path, &nb);
    assert_true(dy_find(t, "<init>") && dy_find(b, "<init>"));
    assert_string_equal(dy_find(t, "<init>"), dy_find(b, "<init>")); /* --quiet is in the header */
    free(b);
    free(t);
}

/* Every <event> of an LHE text: np particles with the ids and statuses given, the outgoing
 * (status 1) four-momenta summing to the incoming (status -1) ones within tol; a status-2
 * resonance, where there is one, carries the incoming total.  Returns the number of events. */
static int check_events(const char *t, int np, const int *ids, const int *sts, double tol)
{
    int n = 0;
    for (const char *l = dy_find(t, "<event>\n"); l; l = dy_find(l + 1, "<event>\n")) {
        int k, id, st, nup;
        double in[4] = {0}, outv[4] = {0}, res[4] = {0}, v[4];
        const char *c = dy_eol(l) + 1;
        assert_int_equal(dy_line_scanf(c, "%d", &nup), 1);
        assert_int_equal(nup, np);
        for (k = 0; k < np; ++k) {
            c = dy_eol(c) + 1;
            assert_int_equal(dy_line_scanf(c, "%d %d %*d %*d %*d %*d %lf %lf %lf %lf", &id, &st,
                                           &v[1], &v[2], &v[3], &v[0]),
                             6);
            if (id != ids[k] || st != sts[k])
                fail_msg("event %d particle %d: id %d status %d, expected %d %d", n, k, id, st,
                         ids[k], sts[k]);
            for (int j = 0; j < 4; ++j) {
                if (st == -1) in[j] += v[j];
                if (st == 1) outv[j] += v[j];
                if (st == 2) res[j] += v[j];
            }
        }
        for (int j = 0; j < 4; ++j) {
            dy_assert_close(outv[j], in[j], tol, 0.0);
            for (k = 0; k < np && sts[k] != 2; ++k) {
            }
            if (k < np) dy_assert_close(res[j], in[j], tol, 0.0);
        }
        ++n;
    }
    return n;
}

/* sigma and its error from the <init> block whose beam line starts with head. */
static void init_sigma(const char *t, const char *head, double *sig, double *err)
{
    const char *init = dy_find(t, head);
    if (!init) fail_msg("no <init> line starting '%s'", head + 1);
    assert_int_equal(dy_line_scanf(dy_eol(init + 1) + 1, "%lf %lf", sig, err), 2);
}

/* `darkyield xsec ... --format csv` (args without the format): sigma and error of method. */
static void xsec_sigma(const char *args, const char *method, double *s, double *e)
{
    char cmd[2048], path[700], key[32];
    snprintf(path, sizeof path, "%s/xsec.csv", dir);
    snprintf(cmd, sizeof cmd, "%s --backend cpu --seed 2 --quiet --format csv --output %s", args,
             path);
    if (run(cmd)) fail_msg("%s\n%s", cmd, out);
    char *x = slurp(path, NULL);
    snprintf(key, sizeof key, ",%s,", method);
    const char *row = dy_find(x, key);
    assert_non_null(row);
    assert_int_equal(dy_line_scanf(row + strlen(key), "%lf,%lf", s, e), 2);
    free(x);
}

/* Dark Compton gamma e- -> e- A' (8 GeV, m = 0.05 GeV) end to end: <init> (photon on the electron
 * at rest), 2000 events of photon, electron in, electron and A' out, balanced; sigma against
 * `xsec --process compton` within 4 sigma. */
static void compton_command(void **state)
{
    (void)state;
    fresh_dir("compton");
    char args[2048], path[600];
    snprintf(args, sizeof args,
             "events --process compton --energy 8 --mass 0.05 --n 2000 --seed 1 --quiet "
             "--output %s/c.lhe --backend cpu",
             dir);
    if (run(args)) fail_msg("%s\n%s", args, out);
    snprintf(path, sizeof path, "%s/c.lhe", dir);
    char *t = slurp(path, NULL);
    double sig, sige, s, e;
    init_sigma(t, "\n22 11 8.000000000000e+00 5.109989500000e-04 ", &sig, &sige);
    assert_null(dy_find(t, "Znuc")); /* no nucleus: no target block */
    static const int ids[4] = {22, 11, 11, 622}, sts[4] = {-1, -1, 1, 1};
    assert_int_equal(check_events(t, 4, ids, sts, 1e-10 * 8.0), 2000);
    free(t);
    xsec_sigma("xsec --process compton --energy 8 --mass 0.05 --precision 1e-3", "etl", &s, &e);
    dy_assert_close(sig, s, 4.0 * hypot(sige, e), 0.0);
}

/* Counts of the chi (id 52) lines of an annihilation LHE text against `xsec --process
 * annihilation <opts> --histograms` (E_lab, k = 0, or theta_lab, k = 1: the integrand's own boost
 * of the reported particle; another seed, precision 1e-6 so that its bin errors are small): the
 * chi^2 p-value. */
static double chi_lab_pvalue(const char *t, const char *opts, int k, const char *precision)
{
    char args[2048], path[700];
    snprintf(path, sizeof path, "%s/ahist.csv", dir);
    snprintf(args, sizeof args,
             "xsec --process annihilation %s --precision %s --backend cpu --seed 2 --quiet "
             "--histograms %s",
             opts, precision, path);
    if (run(args)) fail_msg("%s\n%s", args, out);
    static const char *const obs[2] = {"E_lab", "theta_lab"};
    double lo[256], hi[256], c[256], ce[256], counts[256] = {0};
    char *x = slurp(path, NULL);
    const int nb = xsec_hist(x, obs[k], lo, hi, c, ce);
    free(x);
    assert_true(nb >= 20);
    for (const char *l = dy_find(t, "\n52 1 "); l; l = dy_find(l + 1, "\n52 1 ")) {
        double p[4];
        assert_int_equal(dy_line_scanf(l + 1, "%*d %*d %*d %*d %*d %*d %lf %lf %lf %lf", &p[1],
                                       &p[2], &p[3], &p[0]),
                         4);
        const double v = k == 0 ? p[0] : atan2(hypot(p[1], p[2]), p[3]);
        for (int b = 0; b < nb; ++b)
            if (v >= lo[b] && v < hi[b]) counts[b] += 1.0;
    }
    int dof;
    const double pv = dy_chi2_pvalue(c, ce, counts, (unsigned)nb, &dof);
    print_message("annihilation chi %s against xsec %s --histograms: p = %.3g (%d dof)\n", obs[k],
                  opts, pv, dof);
    assert_true(dof >= 8);
    return pv;
}

/* chi's lab energy and angle against `xsec --histograms` of the same options (p > 1e-3) and
 * against those of a scalar pair (another angular law: p < 1e-6, so the check can fail). */
static void chi_lab_spectra(const char *t, const char *opts)
{
    char wrong[512];
    snprintf(wrong, sizeof wrong, "%s --dm-kind scalar", opts);
    for (int k = 0; k < 2; ++k) {
        assert_true(chi_lab_pvalue(t, opts, k, "1e-5") > 1e-3);
        /* a coarser reference for the wrong law: its larger errors only make rejecting harder */
        assert_true(chi_lab_pvalue(t, wrong, k, "1e-4") < 1e-6);
    }
}

/* Annihilation end to end: resonant e+ e- -> A'* -> chi chi-bar (E+ = 2.45 GeV near the peak of
 * m = 0.05 GeV) and e+ e- -> gamma A' (8 GeV): <init> (-11 on 11), ids and statuses of every
 * event (the A'* as status 2), balance, sigma against `xsec --process annihilation` with the same
 * options within 4 sigma; the visible final state into a directory, named after it; bad
 * annihilation options. */
static void annihilation_command(void **state)
{
    (void)state;
    fresh_dir("annihilation");
    char args[2048], path[600];
    static const struct {
        const char *opts, *head;
        int np, ids[5], sts[5];
    } c[] = {{"--energy 2.45 --mass 0.05",
              "\n-11 11 2.450000000000e+00 5.109989500000e-04 ",
              5,
              {-11, 11, 622, 52, -52},
              {-1, -1, 2, 1, 1}},
             {"--energy 2.45 --mass 0.05 --dm-kind scalar --dm-mass 0.02 --alpha-d 0.5",
              "\n-11 11 2.450000000000e+00 ",
              5,
              {-11, 11, 622, 51, -51},
              {-1, -1, 2, 1, 1}},
             {"--channel gamma --energy 8 --mass 0.05",
              "\n-11 11 8.000000000000e+00 ",
              4,
              {-11, 11, 22, 622},
              {-1, -1, 1, 1}}};
    for (size_t k = 0; k < sizeof c / sizeof c[0]; ++k) {
        const int nev = k == 0 ? 20000 : 2000;
        snprintf(args, sizeof args,
                 "events --process annihilation %s --n %d --seed 1 --quiet --output %s/a.lhe "
                 "--backend cpu",
                 c[k].opts, nev, dir);
        if (run(args)) fail_msg("%s\n%s", args, out);
        snprintf(path, sizeof path, "%s/a.lhe", dir);
        char *t = slurp(path, NULL);
        double sig, sige, s, e;
        init_sigma(t, c[k].head, &sig, &sige);
        assert_int_equal(check_events(t, c[k].np, c[k].ids, c[k].sts, 1e-10 * 8.0), nev);
        if (k == 0) /* chi's lab energy and angle against `xsec --histograms` by chi^2 */
            chi_lab_spectra(t, c[k].opts);
        free(t);
        snprintf(args, sizeof args, "xsec --process annihilation %s --precision 1e-3", c[k].opts);
        xsec_sigma(args, "bw", &s, &e);
        print_message("annihilation %s: events sigma %.6g +- %.2g, xsec %.6g +- %.2g pb\n",
                      c[k].opts, sig, sige, s, e);
        assert_true(sig > 0.0);
        dy_assert_close(sig, s, 4.0 * hypot(sige, e), 0.0);
    }
    fresh_dir("annihilation_dir");
    snprintf(args, sizeof args,
             "events --process annihilation --final-state mumu --energy 250,300 --mass 0.5 "
             "--n 50 --quiet --backend cpu --output %s",
             dir);
    if (run(args)) fail_msg("%s\n%s", args, out);
    assert_int_equal(entries(dir), 2);
    snprintf(path, sizeof path, "%s/darkyield_annihilation_mumu_m0.5GeV_E300GeV.lhe", dir);
    char *t = slurp(path, NULL);
    static const int mi[5] = {-11, 11, 622, 13, -13}, ms[5] = {-1, -1, 2, 1, 1};
    assert_int_equal(check_events(t, 5, mi, ms, 1e-10 * 300.0), 50);
    free(t);
    fresh_dir("annihilation_bad");
    const char *base =
        "events --process annihilation --energy 2.45 --mass 0.05 --n 5 --backend cpu";
    struct {
        const char *extra, *needle;
    } bad[] = {
        {"--dm-kind axion", "dm-kind 'axion'"},
        {"--final-state tautau", "final-state 'tautau'"},
        {"--channel t", "channel 't'"},
        {"--dm-mass 0.03", "m_chi1 + m_chi2"},
        {"--lepton mu", "--lepton applies"},
        {"--format csv", "written as lhe"},
        {"--channel gamma --energy 2", "below threshold"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
        snprintf(args, sizeof args, "%s %s --output %s/x.lhe", base, bad[i].extra, dir);
        expect_error(args, 2, bad[i].needle);
        assert_int_equal(entries(dir), 0);
    }
    expect_error("events --process brem --target W --energy 8 --mass 0.1 --n 1 --alpha-d 0.3 "
                 "--output x",
                 2, "apply to --process annihilation");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(issue_command),   cmocka_unit_test(seeds_and_gzip),
        cmocka_unit_test(csv_library),     cmocka_unit_test(directory_of_files),
        cmocka_unit_test(compton_command), cmocka_unit_test(annihilation_command),
        cmocka_unit_test(bad_input),       cmocka_unit_test(primakoff_command),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
