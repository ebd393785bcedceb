/* test_xsec_cli.c — `darkyield xsec` end to end: the calibration point through the engine on the
 * cpu backend, muon WW/ETL ~ 1 (reference §6), CSV columns, K-factor and histogram files, and bad
 * input (mass above the kinematic limit, unknown target, mixture target) as clear errors. */
#include <gsl/gsl_errno.h>
#include <hdf5.h>
#include <unistd.h>
#include "dy_process_table.h"
#include "dy_test.h"
#include "dy_test_cli.h"
#include "physics/brem_ww.h"

static char out[1 << 17];

static void expect_error(const char *args, const char *needle)
{
    int rc = dy_run_cli(args, out, sizeof out);
    if (rc == 0 || rc == -1)
        fail_msg("'%s': exit %d, expected failure; output:\n%s", args, rc, out);
    if (!strstr(out, needle)) fail_msg("'%s': output lacks '%s':\n%s", args, needle, out);
}

/* value and error of the first csv row whose method column equals `method` */
static int csv_sigma(const char *method, double *s, double *e)
{
    char key[32];
    snprintf(key, sizeof key, ",%s,", method);
    for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n")) {
        char *k = strstr(l, key);
        if (k && sscanf(k + strlen(key), "%lf,%lf", s, e) == 2) return 0;
    }
    return -1;
}

static void calibration_point(void **state)
{
    (void)state;
    double s, e;
    int rc = dy_run_cli("xsec --process brem --target 82,207 --energy 150 --mass 0.0167 "
                        "--coupling 1e-4 --precision 1e-3 --backend cpu --format csv",
                        out, sizeof out);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "process,lepton,mediator,Z,A,energy_GeV,mass_GeV,coupling,"
                                "coupling_name,coupling_unit,method,sigma_pb,error_pb,chi2_dof"));
    assert_non_null(strstr(out, ",1e-04,eps,1,etl,") ? out : strstr(out, ",0.0001,eps,1,etl,"));
    assert_int_equal(csv_sigma("etl", &s, &e), 0);
    /* DMG4 reference 3643 pb: 4 sigma + 1 % (alpha = 1/137 in DMG4 vs 1/137.036 here: +0.08 %) */
    dy_assert_close(s, 3643.0, 4.0 * e + 0.01 * 3643.0, 0.0);
}

static void muon_ww_close_to_etl(void **state)
{
    (void)state;
    double se, ee, sw, ew;
    char buf[1 << 17];
    int rc = dy_run_cli("xsec --process brem --lepton mu --target Pb --energy 160 --mass 0.1 "
                        "--method etl,ww --precision 2e-3 --backend cpu --format csv",
                        out, sizeof out);
    assert_int_equal(rc, 0);
    memcpy(buf, out, sizeof buf);
    assert_int_equal(csv_sigma("etl", &se, &ee), 0);
    memcpy(out, buf, sizeof buf);
    assert_int_equal(csv_sigma("ww", &sw, &ew), 0);
    /* reference §6: muon WW agrees with ETL within ~1 % */
    dy_assert_close(sw / se, 1.0, 0.01 + 4.0 * ee / se, 0.0);
}

static void kfactor_and_histogram_files(void **state)
{
    (void)state;
    char kf[256], hf[256], line[8192];
    snprintf(kf, sizeof kf, "%s/test_xsec_k.csv", DY_BINARY_DIR);
    snprintf(hf, sizeof hf, "%s/test_xsec_h.csv", DY_BINARY_DIR);
    char args[1024];
    snprintf(args, sizeof args,
             "xsec --process brem --target W --energy 8 --mass 0.01,0.1 --method etl,ww,iww "
             "--precision 1e-2 --backend cpu --kfactor %s --histograms %s",
             kf, hf);
    assert_int_equal(dy_run_cli(args, out, sizeof out), 0);
    FILE *f = fopen(kf, "r");
    assert_non_null(f);
    int n = 0;
    while (fgets(line, sizeof line, f))
        n += line[0] != '#';
    fclose(f);
    assert_int_equal(n, 1 + 2 * 2); /* header + (2 masses x 2 approximations) */
    f = fopen(hf, "r");
    assert_non_null(f);
    double sum_x = 0.0;
    n = 0;
    while (fgets(line, sizeof line, f)) {
        double lo, hi, d;
        char *p = strstr(line, ",x,1,");
        if (p && strstr(line, ",0.01,") && sscanf(p + 5, "%lf,%lf,%lf", &lo, &hi, &d) == 3)
            sum_x += d * (hi - lo);
        n += line[0] != '#';
    }
    fclose(f);
    assert_int_equal(n, 1 + 2 * (50 + 60 + 50 + 60));
    assert_true(sum_x > 0.0);
    unlink(kf);
    unlink(hf);
}

static void bad_input(void **state)
{
    (void)state;
    expect_error("xsec --process brem --target Pb --energy 1 --mass 2", "kinematic limit");
    expect_error("xsec --process brem --target Unobtainium --energy 1 --mass 0.1", "Unobtainium");
    expect_error("xsec --process brem --target 82 --energy 1 --mass 0.1", "material '82'");
    expect_error("xsec --process brem --target Pb --energy -5 --mass 0.1", "--energy '-5'");
    expect_error("xsec --process brem --target Pb --energy 5 --mass 0.1 --mediator tensor",
                 "--mediator 'tensor'");
    expect_error("xsec --process brem --target Pb --energy 5 --mass 0.1 --method nwa",
                 "does not apply");
    expect_error(
        "xsec --process brem --target Pb --energy 5 --mass 0.1 --output /nonexistent/x.csv",
        "/nonexistent/x.csv");
}

/* sigma on the CLI's csv row for (method, energy) */
static int csv_row(const char *text, const char *method, double E, double *s, double *e)
{
    char buf[1 << 17], key[64];
    snprintf(buf, sizeof buf, "%s", text);
    snprintf(key, sizeof key, ",%s,", method);
    for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n")) {
        double en;
        char *k = strstr(l, key);
        /* process,lepton,mediator,Z,A,energy,... */
        if (!k || sscanf(l, "%*[^,],%*[^,],%*[^,],%*[^,],%*[^,],%lf", &en) != 1) continue;
        if (fabs(en - E) > 1e-9 * E) continue;
        if (sscanf(k + strlen(key), "%lf,%lf", s, e) == 2) return 0;
    }
    return -1;
}

static void annihilation_peak_and_nwa(void **state)
{
    (void)state;
    const double m = 0.1, ER = dy_annih_e_res(m);
    char args[512];
    double s, e;
    snprintf(args, sizeof args,
             "xsec --process annihilation --energy %.12g,1 --mass %g --method bw,nwa "
             "--coupling 1e-4 --alpha-d 0.1 --backend cpu --format csv --precision 1e-3",
             ER, m);
    assert_int_equal(dy_run_cli(args, out, sizeof out), 0);
    const dy_ap_widths b = dy_ap_branchings(m, 1e-4, 0.1, m / 3.0, 0.0, DY_DM_DIRAC);
    /* on the peak: 12 pi B_ee B_chichi / m^2 (ref §2.3) */
    assert_int_equal(csv_row(out, "bw", ER, &s, &e), 0);
    dy_assert_close(s, dy_annih_sigma_peak(m, b.ee, b.dm), 4.0 * e, 0.0);
    /* nwa row: 2 pi^2 alpha eps^2 B / m_e in pb GeV */
    assert_int_equal(csv_row(out, "nwa", ER, &s, &e), 0);
    dy_assert_close(s, dy_annih_nwa_integral(m, 1e-4, b.dm), 0.0, 1e-9);
    assert_non_null(strstr(out, "pb*GeV"));
    /* 1 GeV is below threshold: an explicit zero with the reason, not an error */
    assert_int_equal(csv_row(out, "bw", 1.0, &s, &e), 0);
    assert_true(s == 0.0);
    assert_non_null(strstr(out, "below threshold"));
    expect_error("xsec --process annihilation --energy 10 --mass 0.1 --dm-mass 0.06",
                 "invisible decay");
    expect_error("xsec --process annihilation --energy 10 --mass 0.1 --dm-kind axion", "axion");
}

static void primakoff_matches_closed_form(void **state)
{
    (void)state;
    double s, e, sc, ec;
    assert_int_equal(dy_run_cli("xsec --process primakoff --target Pb --energy 50 --mass 0.05 "
                                "--coupling 1e-3 --method etl,closed --backend cpu --format csv "
                                "--precision 5e-4",
                                out, sizeof out),
                     0);
    assert_int_equal(csv_row(out, "etl", 50.0, &s, &e), 0);
    assert_int_equal(csv_row(out, "closed", 50.0, &sc, &ec), 0);
    /* exact 2->2 with recoil vs the small-angle closed form: recoil effect < 1e-5 at 50 GeV */
    dy_assert_close(s, sc, 4.0 * e + 1e-4 * sc, 0.0);
}

/* Dark Compton: the engine's etl against the exact closed form; --per-atom is Z times per electron;
 * below threshold an explicit zero with a note; the mediator is fixed (the dark photon). */
static void compton_matches_closed_form(void **state)
{
    (void)state;
    double s, e, sc, ec, sa, ea;
    assert_int_equal(dy_run_cli("xsec --process compton --energy 50,0.05 --mass 0.1 --coupling "
                                "1e-3 --method etl,closed --backend cpu --format csv "
                                "--precision 5e-4",
                                out, sizeof out),
                     0);
    assert_non_null(strstr(out, "per electron"));
    assert_non_null(strstr(out, "explicit zero")); /* 50 MeV < 0.1 + 0.01/(2 m_e) GeV */
    assert_int_equal(csv_row(out, "etl", 50.0, &s, &e), 0);
    assert_int_equal(csv_row(out, "closed", 50.0, &sc, &ec), 0);
    assert_true(s > 0.0 && e > 0.0 && e < 1e-3 * s);
    dy_assert_close(sc, dy_compton_sigma(50.0, 0.1, 1e-3, 1.0), 0.0, 1e-9);
    dy_assert_close(s, sc, 4.0 * e, 0.0);
    assert_int_equal(csv_row(out, "etl", 0.05, &s, &e), 0);
    assert_true(s == 0.0);
    assert_int_equal(dy_run_cli("xsec --process compton --target Pb --per-atom --energy 50 --mass "
                                "0.1 --coupling 1e-3 --method closed --format csv",
                                out, sizeof out),
                     0);
    assert_int_equal(csv_row(out, "closed", 50.0, &sa, &ea), 0);
    dy_assert_close(sa, 82.0 * sc, 0.0, 1e-9);
    expect_error("xsec --process compton --energy 50 --mass 0.1 --mediator scalar", "compton");
    expect_error("xsec --process compton --energy 50 --mass 0.1 --method nwa", "nwa");
}

/* The 2-D histogram (x slices x log theta bins) integrates back to the total cross section. */
static void hist2d_integrates_to_sigma(void **state)
{
    (void)state;
    char path[512], args[1024], line[8192];
    double s, e, sum = 0.0, var = 0.0;
    snprintf(path, sizeof path, "%s/test_xsec_h2.csv", DY_BINARY_DIR);
    snprintf(args, sizeof args,
             "xsec --process brem --target Pb --energy 100 --mass 0.1 --precision 5e-3 "
             "--backend cpu --format csv --hist2d %s",
             path);
    assert_int_equal(dy_run_cli(args, out, sizeof out), 0);
    assert_int_equal(csv_row(out, "etl", 100.0, &s, &e), 0);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    int rows = 0;
    while (fgets(line, sizeof line, f)) {
        double E, m, x0, x1, t0, t1, d, de;
        if (sscanf(line, "%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf", &E, &m, &x0, &x1, &t0, &t1, &d, &de) !=
            8)
            continue;
        sum += d * (x1 - x0) * (t1 - t0);
        var += pow(de * (x1 - x0) * (t1 - t0), 2);
        ++rows;
    }
    fclose(f);
    assert_int_equal(rows, 10 * 60);
    /* theta_X < 1e-8 rad or > pi lies outside the bins: negligible at m = 0.1 GeV */
    dy_assert_close(sum, s, 4.0 * sqrt(var + e * e), 0.0);
    unlink(path);
}

static void hdf5_table(void **state)
{
    (void)state;
    char path[512], args[1024];
    snprintf(path, sizeof path, "%s/test_xsec.h5", DY_BINARY_DIR);
    snprintf(args, sizeof args,
             "xsec --process brem --target W --energy 8 --mass 0.01,0.1 --method etl,ww "
             "--precision 1e-2 --backend cpu --format hdf5 --output %s",
             path);
    assert_int_equal(dy_run_cli(args, out, sizeof out), 0);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    hid_t d = H5Dopen2(f, "sigma", H5P_DEFAULT);
    assert_true(d >= 0);
    double v[4];
    assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    for (int i = 0; i < 4; ++i)
        assert_true(v[i] > 0.0);
    H5Dclose(d);
    H5Fclose(f);
    unlink(path);
    expect_error("xsec --process brem --target W --energy 8 --mass 0.01 --format hdf5",
                 "needs --output");
}

/* The file at path as one string (static buffer). */
static const char *slurp(const char *path)
{
    static char buf[1 << 17];
    FILE *f = fopen(path, "r");
    if (!f) fail_msg("cannot open %s", path);
    const size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* sigma of the library's WW for e- on W at 8 GeV, m = 0.1, with the given t_max rule */
static double library_ww(int tmax_mode)
{
    dy_brem_ww_input in;
    double s, e;
    char msg[256];
    dy_brem_ww_input_default(&in, 0, DY_BREM_V, 74, 183.84, 8.0, 0.1);
    in.tmax_mode = tmax_mode;
    if (dy_brem_ww_sigma(&in, DY_BREM_METHOD_WW, &s, &e, msg, sizeof msg)) fail_msg("%s", msg);
    return s;
}

/* One definition per convention, stated in --help and recorded in every output: WW's t_max is
 * the library's (m^2 + m_l^2) unless --ww-tmax says otherwise (0.1.0 used E0^2 for electrons
 * behind the user's back), theta_max, the form factor (brem default elastic+inelastic, which
 * --help now says), the x range, and K = sigma_approx/sigma_etl named in the column header. */
static void conventions_stated_and_recorded(void **state)
{
    (void)state;
    char csv[512], kf[512], h5[512], args[2048];
    double s, e, sw, ew;
    snprintf(csv, sizeof csv, "%s/test_xsec_conv.csv", DY_BINARY_DIR);
    snprintf(kf, sizeof kf, "%s/test_xsec_conv_k.csv", DY_BINARY_DIR);
    snprintf(h5, sizeof h5, "%s/test_xsec_conv.h5", DY_BINARY_DIR);
    snprintf(args, sizeof args,
             "xsec --process brem --target W --energy 8 --mass 0.1 --method etl,ww "
             "--precision 2e-2 --backend cpu --format csv --output %s --kfactor %s",
             csv, kf);
    assert_int_equal(dy_run_cli(args, out, sizeof out), 0);
    const char *t = slurp(csv);
    static const char *const want[] = {
        "# coupling: eps [1] (L includes eps e A'_mu J^mu_em",
        "form factor elastic + inelastic",
        "brem etl: exact 2->3 tree level, x = E_X/E0 in [m/E0, 1 - m_l/E0], all angles",
        "t_max = m^2 + m_l^2) per point, 0 <= theta_X <= 0.3 rad",
        "nucleus mass M = A x 0.93149410242 GeV",
        "alpha = 1/137.035999084",
        "# K = sigma_approx / sigma_etl"};
    for (size_t i = 0; i < sizeof want / sizeof *want; ++i)
        if (!strstr(t, want[i])) fail_msg("%s lacks '%s':\n%s", csv, want[i], t);
    snprintf(out, sizeof out, "%s", t);
    char copy[1 << 17];
    memcpy(copy, out, sizeof copy);
    assert_int_equal(csv_sigma("etl", &s, &e), 0);
    memcpy(out, copy, sizeof copy);
    assert_int_equal(csv_sigma("ww", &sw, &ew), 0);
    /* the CLI's default WW is the library's default rule, not E0^2 */
    dy_assert_close(sw, library_ww(DY_BREM_TMAX_M2), 0.0, 1e-9);
    assert_true(fabs(library_ww(DY_BREM_TMAX_E02) / sw - 1.0) > 1e-3); /* the rule matters */
    /* K-factor file: the definition in the header and the column name; K = ww/etl */
    const char *k = slurp(kf);
    assert_non_null(strstr(k, "# K = sigma_approx / sigma_etl, so sigma_etl = sigma_approx / K"));
    assert_non_null(strstr(k, "t_max = m^2 + m_l^2"));
    assert_non_null(strstr(k, ",approximation,K_approx_over_etl,K_approx_over_etl_error\n"));
    const char *row = strstr(k, ",ww,");
    assert_non_null(row);
    dy_assert_close(strtod(row + 4, NULL), sw / s, 0.0, 1e-7);
    /* --ww-tmax E0sq is G4DarkBreM's rule, and the output says so */
    snprintf(args, sizeof args,
             "xsec --process brem --target W --energy 8 --mass 0.1 --method ww --ww-tmax E0sq "
             "--ww-theta-max 0.2 --format csv");
    assert_int_equal(dy_run_cli(args, out, sizeof out), 0);
    assert_non_null(strstr(out, "t_max = E0^2) per point, 0 <= theta_X <= 0.2 rad"));
    /* the form factor: the default is elastic+inelastic for brem (bit-identical to asking for it),
     * elastic is smaller; --help says which default applies to which process */
    snprintf(args, sizeof args,
             "xsec --process brem --target W --energy 8 --mass 0.1 --method ww --format csv");
    assert_int_equal(dy_run_cli(args, out, sizeof out), 0);
    double s_def, s_inel, s_el;
    assert_int_equal(csv_sigma("ww", &s_def, &e), 0);
    assert_int_equal(dy_run_cli("xsec --process brem --target W --energy 8 --mass 0.1 --method ww "
                                "--format csv --form-factor elastic+inelastic",
                                out, sizeof out),
                     0);
    assert_int_equal(csv_sigma("ww", &s_inel, &e), 0);
    assert_int_equal(dy_run_cli("xsec --process brem --target W --energy 8 --mass 0.1 --method ww "
                                "--format csv --form-factor elastic",
                                out, sizeof out),
                     0);
    assert_non_null(strstr(out, "form factor elastic: Tsai/BEST09"));
    assert_int_equal(csv_sigma("ww", &s_el, &e), 0);
    assert_true(s_def == s_inel && s_el < s_inel);
    assert_int_equal(dy_run_cli("xsec --help", out, sizeof out), 0);
    assert_non_null(strstr(out, "default: elastic+inelastic for brem, elastic for primakoff"));
    assert_null(strstr(out, "elastic (default)"));
    assert_non_null(strstr(out, "--ww-tmax"));
    assert_non_null(strstr(out, "K = sigma_approx / sigma_etl"));
    /* HDF5: the same as attributes */
    snprintf(args, sizeof args,
             "xsec --process brem --lepton mu --mediator lmu-ltau --coupling 1e-3 --target W "
             "--energy 8 --mass 0.1 --method ww --format hdf5 --output %s",
             h5);
    assert_int_equal(dy_run_cli(args, out, sizeof out), 0);
    hid_t f = H5Fopen(h5, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    static const char *const attrs[][2] = {{"coupling_name", "g_Z'"},
                                           {"coupling_unit", "1"},
                                           {"model", "lmu-ltau"},
                                           {"form_factor", "elastic+inelastic"},
                                           {"conventions", "t_max = m^2 + m_l^2"},
                                           {"note", "cross sections at coupling g_Z' = 0.001"}};
    for (size_t i = 0; i < sizeof attrs / sizeof *attrs; ++i) {
        hid_t a = H5Aopen(f, attrs[i][0], H5P_DEFAULT);
        if (a < 0) fail_msg("no attribute %s", attrs[i][0]);
        hid_t ty = H5Aget_type(a);
        char *v = NULL;
        assert_true(H5Aread(a, ty, &v) >= 0);
        if (!strstr(v, attrs[i][1])) fail_msg("attribute %s = '%s'", attrs[i][0], v);
        H5free_memory(v);
        H5Tclose(ty);
        H5Aclose(a);
    }
    H5Fclose(f);
    unlink(csv);
    unlink(kf);
    unlink(h5);
}

/* Nonsense on the command line is a clear error or an explicit, recorded note. */
static void nonsense_inputs(void **state)
{
    (void)state;
    /* a list of 241 masses longer than 4095 characters: every entry, every digit (0.1.0 cut it
     * to 228 masses and the last one to 0.12) */
    static char args[16384];
    int n = snprintf(args, sizeof args,
                     "xsec --process annihilation --energy 10 --method nwa "
                     "--format csv --mass ");
    for (int i = 0; i < 241; ++i)
        n += snprintf(args + n, sizeof args - (size_t)n, "%s0.0100000000%05d", i ? "," : "", i);
    assert_true(n > 4096 + 60);
    assert_int_equal(dy_run_cli(args, out, sizeof out), 0);
    int rows = 0;
    for (const char *p = out; (p = strstr(p, "\nannihilation,e+,")); ++p)
        ++rows;
    assert_int_equal(rows, 241);
    assert_non_null(strstr(out, ",0.01000000000024,")); /* the last mass, all its digits */
    /* malformed entries are errors, never dropped */
    expect_error("xsec --process brem --target Pb --energy 100 --mass 0.1,,0.2", "entry ''");
    expect_error("xsec --process brem --target Pb --energy 100 --mass 0.1,", "entry ''");
    expect_error("xsec --process brem --target Pb --energy 100 --mass 0.1,abc", "entry 'abc'");
    expect_error("xsec --process brem --target Pb --energy ' 100' --mass 0.1", "entry ' 100'");
    expect_error("xsec --process brem --target Pb --energy 100 --mass 0.1 --method etl,,ww",
                 "--method ''");
    expect_error("xsec --process brem --target 82,207,3 --energy 100 --mass 0.1",
                 "--target '82,207,3'");
    /* a material name longer than the lookup's buffer is refused, not looked up cut */
    n = snprintf(args, sizeof args, "xsec --process brem --energy 100 --mass 0.1 --target Pb");
    for (int i = 0; i < 300; ++i)
        args[n++] = 'b';
    args[n] = '\0';
    expect_error(args, "is longer than 255 characters");
    /* strict seed: " -1" is not 2^64 - 1 */
    expect_error("xsec --process brem --target Pb --energy 100 --mass 0.1 --seed ' -1'",
                 "--seed ' -1'");
    /* couplings whose square under- or overflows: an error naming the coupling and the range */
    expect_error("xsec --process brem --target Pb --energy 100 --mass 0.1 --coupling 1e-300",
                 "eps = 1e-300 is outside [1e-30, 1000]");
    expect_error("xsec --process primakoff --target Pb --energy 50 --mass 0.05 --coupling 1e200",
                 "g_agg = 1e+200 GeV^-1 is outside");
    /* a model that does not couple to the beam, an option that does not apply */
    expect_error("xsec --process brem --mediator lmu-ltau --target Pb --energy 100 --mass 0.1",
                 "does not couple to electrons");
    expect_error("xsec --process annihilation --energy 10 --mass 0.1 --mediator scalar",
                 "--mediator does not apply to annihilation");
    expect_error("xsec --process primakoff --target Pb --energy 50 --mass 0.05 --ww-tmax E0sq",
                 "apply to --process brem");
    /* brem below its recoil threshold: an explicit zero with the reason, in the output too (as
     * annihilation and Primakoff do); 0.1.0 printed 0, converged, without a word */
    char csv[512];
    snprintf(csv, sizeof csv, "%s/test_xsec_thr.csv", DY_BINARY_DIR);
    snprintf(args, sizeof args,
             "xsec --process brem --target 1,1.008 --energy 0.6,1 --mass 0.5 --precision 2e-2 "
             "--backend cpu --format csv --output %s",
             csv);
    assert_int_equal(dy_run_cli(args, out, sizeof out), 0);
    assert_non_null(strstr(out, "E=0.6 m=0.5: explicit zero: E0 = 0.6 GeV is below the brem "
                                "threshold 0.633911 GeV"));
    const char *t = slurp(csv);
    assert_non_null(strstr(t, "# note: E = 0.6 GeV, m = 0.5 GeV: explicit zero: E0 = 0.6 GeV is "
                              "below the brem threshold"));
    assert_null(strstr(t, "E = 1 GeV, m = 0.5 GeV: explicit zero")); /* above: computed */
    unlink(csv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(calibration_point),
                                       cmocka_unit_test(muon_ww_close_to_etl),
                                       cmocka_unit_test(kfactor_and_histogram_files),
                                       cmocka_unit_test(bad_input),
                                       cmocka_unit_test(annihilation_peak_and_nwa),
                                       cmocka_unit_test(primakoff_matches_closed_form),
                                       cmocka_unit_test(compton_matches_closed_form),
                                       cmocka_unit_test(hdf5_table),
                                       cmocka_unit_test(hist2d_integrates_to_sigma),
                                       cmocka_unit_test(conventions_stated_and_recorded),
                                       cmocka_unit_test(nonsense_inputs)};
    gsl_set_error_handler_off();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
