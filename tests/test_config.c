/* test_config.c — the YAML run configuration: the shipped configs load with the documented
 * values, defaults apply, both forms of masses_GeV work, and every class of mistake gives the
 * right status and a message with "file:line" and the key name. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "dy_test.h"
#include "io/config.h"
#include "io/limit_config.h"
#include "physics/materials.h"

#define TMPDIR DY_BINARY_DIR "/test_config_tmp"

static dy_config cfg;
static dy_error err;

static void load_shipped(const char *file)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/configs/%s", DY_SOURCE_DIR, file);
    dy_status st = dy_config_load(path, &cfg, &err);
    if (st != DY_OK) fail_msg("%s: %s", file, err.msg);
    /* the material name must be one the material table knows */
    dy_material mat;
    if (dy_material_lookup(cfg.target.material, &mat, &err) != DY_OK)
        fail_msg("%s: material: %s", file, err.msg);
    /* the kept text is the file, and the hash is FNV-1a of it */
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    assert_int_equal(n, cfg.config_len);
    assert_memory_equal(buf, cfg.config_text, n);
    assert_true(cfg.hash == dy_fnv1a64(buf, n));
}

static void fnv1a_known_answers(void **state)
{
    (void)state;
    /* FNV-1a 64 reference values (offset basis for "", published test vector for "a") */
    assert_true(dy_fnv1a64("", 0) == 0xcbf29ce484222325ull);
    assert_true(dy_fnv1a64("a", 1) == 0xaf63dc4c8601ec8cull);
    assert_true(dy_fnv1a64("foobar", 6) == 0x85944171f73967e8ull);
}

static void shipped_na64e_invisible(void **state)
{
    (void)state;
    load_shipped("na64e-invisible.yaml");
    assert_string_equal(cfg.name, "na64e-invisible");
    assert_string_equal(cfg.beam.particle, "e-");
    dy_assert_close(cfg.beam.energy_GeV, 100.0, 0, 0);
    dy_assert_close(cfg.target.thickness_X0, 40.0, 0, 0);
    dy_assert_close(cfg.target.thickness_cm, 0.0, 0, 0);
    assert_string_equal(cfg.model.mediator, "vector");
    assert_string_equal(cfg.model.decay, "invisible");
    assert_string_equal(cfg.model.dm_kind, "dirac");
    dy_assert_close(cfg.model.alpha_D, 0.1, 0, 0);
    dy_assert_close(cfg.model.mchi_over_m, 1.0 / 3.0, 1e-6, 0);
    assert_int_equal(cfg.n_processes, 2);
    assert_string_equal(cfg.processes[0], "brem");
    assert_string_equal(cfg.processes[1], "annihilation");
    assert_true(dy_config_has_process(&cfg, "annihilation"));
    assert_false(dy_config_has_process(&cfg, "primakoff"));
    assert_int_equal(cfg.n_masses, 8);
    assert_string_equal(cfg.mass_scale, "log");
    dy_assert_close(cfg.masses_GeV[0], 0.002, 0, 1e-15);
    dy_assert_close(cfg.masses_GeV[7], 0.5, 0, 0);
    /* log spacing: constant ratio (0.5/0.002)^(1/7) */
    for (int i = 1; i < 8; ++i)
        dy_assert_close(cfg.masses_GeV[i] / cfg.masses_GeV[i - 1], pow(250.0, 1.0 / 7.0), 0, 1e-12);
    assert_int_equal(cfg.ebins.n, 50);
    dy_assert_close(cfg.ebins.max_GeV, 100.0, 0, 0);
    dy_assert_close(cfg.cut_energy_min_GeV, 50.0, 0, 0);
    assert_int_equal(cfg.quad_nodes, 33);
    dy_assert_close(cfg.precision, 0.01, 0, 0);
    /* relative to the config file: the repository's out/ whatever the current directory */
    assert_string_equal(cfg.out_dir, DY_SOURCE_DIR "/configs/../out/na64e-invisible");
    assert_true(cfg.want_hdf5 && cfg.want_csv && cfg.want_plots);
    dy_config_free(&cfg);
    assert_null(cfg.config_text);
    dy_config_free(&cfg); /* twice is harmless */
}

static void shipped_others(void **state)
{
    (void)state;
    load_shipped("na64mu.yaml");
    assert_string_equal(cfg.beam.particle, "mu-");
    assert_string_equal(cfg.model.mediator, "lmu-ltau"); /* yields per g_Z'^2, not eps^2 */
    dy_assert_close(cfg.beam.energy_GeV, 160.0, 0, 0);
    assert_int_equal(cfg.n_processes, 1);
    assert_string_equal(cfg.processes[0], "brem");
    assert_int_equal(cfg.n_masses, 8);
    dy_assert_close(cfg.masses_GeV[0], 0.005, 0, 1e-15);
    dy_assert_close(cfg.masses_GeV[7], 1.0, 0, 0);
    assert_int_equal(cfg.ebins.n, 40);
    dy_assert_close(cfg.cut_energy_min_GeV, 80.0, 0, 0);
    dy_config_free(&cfg);

    load_shipped("na64e-alp.yaml");
    assert_string_equal(cfg.model.mediator, "alp");
    assert_string_equal(cfg.model.decay, "visible");
    assert_string_equal(cfg.processes[0], "primakoff");
    assert_int_equal(cfg.n_masses, 6);
    dy_assert_close(cfg.masses_GeV[5], 0.1, 0, 0);
    dy_assert_close(cfg.cut_energy_min_GeV, 50.0, 0, 0);
    dy_config_free(&cfg);

    load_shipped("ldmx.yaml");
    dy_assert_close(cfg.beam.energy_GeV, 8.0, 0, 0);
    assert_string_equal(cfg.target.material, "W");
    dy_assert_close(cfg.target.thickness_X0, 0.1, 0, 0);
    assert_int_equal(cfg.n_masses, 8);
    dy_assert_close(cfg.ebins.max_GeV, 8.0, 0, 0);
    dy_assert_close(cfg.cut_energy_min_GeV, 4.0, 0, 0);
    dy_config_free(&cfg);
}

/* ------------------------------------------------------------------ synthetic configs on disk */

/* A minimal valid config; tests replace one line (1-based) to make it bad. */
static const char *const k_base[] = {"beam:",                   /* 1 */
                                     "  particle: e-",          /* 2 */
                                     "  energy_GeV: 100",       /* 3 */
                                     "target:",                 /* 4 */
                                     "  material: Pb",          /* 5 */
                                     "  thickness_X0: 10",      /* 6 */
                                     "model:",                  /* 7 */
                                     "  mediator: vector",      /* 8 */
                                     "processes: [brem]",       /* 9 */
                                     "masses_GeV: [0.01, 0.1]", /* 10 */
                                     "energy_bins:",            /* 11 */
                                     "  n: 10",                 /* 12 */
                                     NULL};

/* Write the base config with line `line` replaced by `text` (NULL: unchanged; "": removed). */
static const char *write_variant(const char *file, int line, const char *text)
{
    static char path[1024];
    mkdir(TMPDIR, 0755);
    snprintf(path, sizeof path, "%s/%s", TMPDIR, file);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (int i = 0; k_base[i]; ++i) {
        if (i + 1 == line && text) {
            if (text[0]) fprintf(f, "%s\n", text);
        } else {
            fprintf(f, "%s\n", k_base[i]);
        }
    }
    fclose(f);
    return path;
}

static const char *write_text(const char *file, const char *text)
{
    static char path[1024];
    mkdir(TMPDIR, 0755);
    snprintf(path, sizeof path, "%s/%s", TMPDIR, file);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* Load path; expect status st and a message containing "<file>:<line>:" and every needle. */
static void expect_fail(const char *path, dy_status st, int line, const char *n1, const char *n2)
{
    dy_status got = dy_config_load(path, &cfg, &err);
    if (got != st)
        fail_msg("%s: status %d (%s), expected %d; message: %s", path, got, dy_status_string(got),
                 st, got == DY_OK ? "(none)" : err.msg);
    assert_null(cfg.config_text); /* a failed load holds no memory */
    const char *base = strrchr(path, '/') + 1;
    char where[600];
    if (line > 0) {
        snprintf(where, sizeof where, "%s:%d:", base, line);
        if (!strstr(err.msg, where)) fail_msg("message lacks '%s': %s", where, err.msg);
    }
    if (n1 && !strstr(err.msg, n1)) fail_msg("message lacks '%s': %s", n1, err.msg);
    if (n2 && !strstr(err.msg, n2)) fail_msg("message lacks '%s': %s", n2, err.msg);
}

static void bad_variant(int line, const char *text, int err_line, const char *n1, const char *n2)
{
    expect_fail(write_variant("bad.yaml", line, text), DY_ERR_INVALID, err_line, n1, n2);
}

/* No cap at 64 masses (issue 17): a 1000-mass log grid parses, ends exact and increasing. */
static void dense_mass_grid(void **state)
{
    (void)state;
    const char *path = write_variant("dense.yaml", 10, "masses_GeV: {min: 0.001, max: 1, n: 1000}");
    if (dy_config_load(path, &cfg, &err) != DY_OK) fail_msg("%s", err.msg);
    assert_int_equal(cfg.n_masses, 1000);
    dy_assert_close(cfg.masses_GeV[0], 0.001, 0, 1e-12);
    dy_assert_close(cfg.masses_GeV[999], 1.0, 0, 1e-12);
    for (int i = 1; i < 1000; ++i)
        assert_true(cfg.masses_GeV[i] > cfg.masses_GeV[i - 1]);
    dy_config_free(&cfg);
}

static void defaults_apply(void **state)
{
    (void)state;
    const char *path = write_variant("my-run.yaml", 0, NULL);
    if (dy_config_load(path, &cfg, &err) != DY_OK) fail_msg("%s", err.msg);
    assert_string_equal(cfg.name, "my-run"); /* file stem */
    assert_true(cfg.seed == 1);
    assert_string_equal(cfg.backend, "auto");
    dy_assert_close(cfg.precision, 0.01, 0, 0);
    assert_true(cfg.max_eval == 20000000);
    dy_assert_close(cfg.beam.spread_GeV, 0.0, 0, 0);
    assert_string_equal(cfg.model.decay, "invisible");
    dy_assert_close(cfg.model.alpha_D, 0.1, 0, 0);
    dy_assert_close(cfg.model.mchi_over_m, 1.0 / 3.0, 0, 1e-15);
    assert_string_equal(cfg.model.dm_kind, "dirac");
    dy_assert_close(cfg.model.dm_splitting, 0.1, 0, 0);
    dy_assert_close(cfg.model.coupling, 1.0, 0, 0);
    dy_assert_close(cfg.ebins.min_GeV, 0.0, 0, 0);
    dy_assert_close(cfg.ebins.max_GeV, 100.0, 0, 0); /* beam energy */
    dy_assert_close(cfg.cut_energy_min_GeV, 0.0, 0, 0);
    assert_int_equal(cfg.quad_nodes, 24);
    assert_string_equal(cfg.out_dir, "out/my-run");
    assert_true(cfg.want_hdf5 && cfg.want_csv && cfg.want_plots);
    assert_string_equal(cfg.mass_scale, "list");
    assert_int_equal(cfg.n_masses, 2);
    dy_config_free(&cfg);
}

static void every_key_parses(void **state)
{
    (void)state;
    const char *text = "name: full_run\nseed: 18446744073709551615\nbackend: opencl\n"
                       "precision: 2e-3\nmax_eval: 5e6\n"
                       "beam: {particle: mu+, energy_GeV: 150, spread_GeV: 1.5}\n"
                       "target: {material: \"Pb:1.5+Sc:1.5\", thickness_cm: 45}\n"
                       "model:\n  mediator: scalar\n  decay: visible\n  alpha_D: 0.5\n"
                       "  mchi_over_m: 3\n  dm_kind: inelastic\n  dm_splitting: 0.4\n"
                       "  coupling: 1e-4\n"
                       "processes: [annihilation, brem-positron, brem]\n"
                       "masses_GeV: {min: 0.1, max: 0.4, n: 4, scale: linear}\n"
                       "energy_bins: {min_GeV: 10, max_GeV: 140, n: 13}\n"
                       "cuts: {energy_min_GeV: 75}\nquadrature: {nodes: 64}\n"
                       "output: {dir: /tmp/x, formats: [csv], plots: no}\n";
    const char *path = write_text("full.yaml", text);
    if (dy_config_load(path, &cfg, &err) != DY_OK) fail_msg("%s", err.msg);
    assert_string_equal(cfg.name, "full_run");
    assert_true(cfg.seed == UINT64_MAX);
    assert_string_equal(cfg.backend, "opencl");
    dy_assert_close(cfg.precision, 2e-3, 0, 0);
    assert_true(cfg.max_eval == 5000000);
    assert_string_equal(cfg.beam.particle, "mu+");
    dy_assert_close(cfg.beam.spread_GeV, 1.5, 0, 0);
    assert_string_equal(cfg.target.material, "Pb:1.5+Sc:1.5");
    dy_assert_close(cfg.target.thickness_cm, 45.0, 0, 0);
    dy_assert_close(cfg.target.thickness_X0, 0.0, 0, 0);
    assert_string_equal(cfg.model.mediator, "scalar");
    dy_assert_close(cfg.model.mchi_over_m, 3.0, 0, 0); /* allowed for visible decay */
    assert_string_equal(cfg.model.dm_kind, "inelastic");
    dy_assert_close(cfg.model.dm_splitting, 0.4, 0, 0);
    dy_assert_close(cfg.model.coupling, 1e-4, 0, 0);
    assert_int_equal(cfg.n_processes, 3);
    assert_string_equal(cfg.processes[1], "brem-positron");
    /* linear map form */
    assert_int_equal(cfg.n_masses, 4);
    assert_string_equal(cfg.mass_scale, "linear");
    for (int i = 0; i < 4; ++i)
        dy_assert_close(cfg.masses_GeV[i], 0.1 + 0.1 * i, 1e-15, 0);
    dy_assert_close(cfg.ebins.min_GeV, 10.0, 0, 0);
    dy_assert_close(cfg.ebins.max_GeV, 140.0, 0, 0);
    assert_int_equal(cfg.ebins.n, 13);
    dy_assert_close(cfg.cut_energy_min_GeV, 75.0, 0, 0);
    assert_int_equal(cfg.quad_nodes, 64);
    assert_string_equal(cfg.out_dir, "/tmp/x");
    assert_true(!cfg.want_hdf5 && cfg.want_csv && !cfg.want_plots);
    dy_config_free(&cfg);
}

static void mass_forms(void **state)
{
    (void)state;
    /* list form, block style */
    const char *p = write_variant("m.yaml", 10, "masses_GeV:\n  - 0.001\n  - 0.02\n  - 3");
    if (dy_config_load(p, &cfg, &err) != DY_OK) fail_msg("%s", err.msg);
    assert_int_equal(cfg.n_masses, 3);
    dy_assert_close(cfg.masses_GeV[2], 3.0, 0, 0);
    dy_config_free(&cfg);
    /* map form, default scale log, end points exact */
    p = write_variant("m.yaml", 10, "masses_GeV:\n  min: 0.001\n  max: 1\n  n: 4");
    if (dy_config_load(p, &cfg, &err) != DY_OK) fail_msg("%s", err.msg);
    assert_int_equal(cfg.n_masses, 4);
    assert_string_equal(cfg.mass_scale, "log");
    dy_assert_close(cfg.masses_GeV[0], 0.001, 0, 0);
    dy_assert_close(cfg.masses_GeV[1], 0.01, 0, 1e-14);
    dy_assert_close(cfg.masses_GeV[2], 0.1, 0, 1e-14);
    dy_assert_close(cfg.masses_GeV[3], 1.0, 0, 0);
    dy_config_free(&cfg);
    /* a single mass from the map form */
    p = write_variant("m.yaml", 10, "masses_GeV: {min: 0.05, max: 0.05, n: 1}");
    if (dy_config_load(p, &cfg, &err) != DY_OK) fail_msg("%s", err.msg);
    assert_int_equal(cfg.n_masses, 1);
    dy_assert_close(cfg.masses_GeV[0], 0.05, 0, 0);
    dy_config_free(&cfg);
}

static void unknown_keys(void **state)
{
    (void)state;
    bad_variant(9, "processes: [brem]\nmases_GeV: [1]", 10, "unknown key 'mases_GeV'",
                "allowed here");
    bad_variant(3, "  energy_GeV: 100\n  energy: 100", 4, "unknown key 'beam.energy'",
                "energy_GeV");
    bad_variant(10, "masses_GeV: {min: 0.01, max: 0.1, n: 3, step: 2}", 10,
                "unknown key 'masses_GeV.step'", NULL);
}

static void wrong_types(void **state)
{
    (void)state;
    bad_variant(3, "  energy_GeV: hundred", 3, "beam.energy_GeV", "'hundred'");
    bad_variant(3, "  energy_GeV: \"100\"", 3, "beam.energy_GeV", "quoted string");
    bad_variant(3, "  energy_GeV: [100]", 3, "beam.energy_GeV", "got a list");
    expect_fail(write_text("list.yaml", "beam: [e-, 100]\n"), DY_ERR_INVALID, 1,
                "'beam' must be a map", "got a list");
    bad_variant(9, "processes: brem", 9, "'processes' must be a list", NULL);
    bad_variant(9, "processes: {brem: 1}", 9, "'processes' must be a list", "got a map");
    bad_variant(10, "masses_GeV: 0.1", 10, "'masses_GeV' must be a list", "or a map");
    bad_variant(10, "masses_GeV: [0.01, abc]", 10, "masses_GeV", "'abc'");
    bad_variant(12, "  n: 10.5", 12, "energy_bins.n", "integer");
    bad_variant(12, "  n: 10\noutput: {plots: maybe}", 13, "output.plots", "true or false");
    bad_variant(12, "  n: 10\nseed: -1", 13, "'seed'", NULL);
    bad_variant(12, "  n: 10\nname: [a]", 13, "'name' must be a string", NULL);
    bad_variant(12, "  n: 10\nname: my/run", 13, "'name' may use only", NULL);
    bad_variant(3, "  energy_GeV: .inf", 3, "beam.energy_GeV", "finite");
    bad_variant(3, "  energy_GeV:", 3, "beam.energy_GeV", "has no value");
}

static void bad_values(void **state)
{
    (void)state;
    bad_variant(3, "  energy_GeV: -5", 3, "'beam.energy_GeV' must be > 0", "-5");
    bad_variant(3, "  energy_GeV: 0", 3, "'beam.energy_GeV' must be > 0", NULL);
    bad_variant(3, "  energy_GeV: 100\n  spread_GeV: -1", 4, "beam.spread_GeV", ">= 0");
    bad_variant(6, "  thickness_X0: 0", 6, "target.thickness_X0", "> 0");
    bad_variant(8, "  mediator: vector\n  alpha_D: 0", 9, "model.alpha_D", NULL);
    bad_variant(8, "  mediator: vector\n  coupling: -1e-3", 9, "model.coupling", NULL);
    /* couplings whose square under- or overflows: an error naming the model's coupling */
    bad_variant(8, "  mediator: vector\n  coupling: 1e-300", 9, "'model.coupling': eps = 1e-300",
                "outside [1e-30, 1000]");
    bad_variant(8, "  mediator: vector\n  coupling: 1e200", 9, "'model.coupling': eps = 1e+200",
                "overflow");
    bad_variant(8, "  mediator: alp\n  coupling: 1e-31", 9, "g_agg = 1e-31 GeV^-1", "outside");
    bad_variant(10, "masses_GeV: [0.01, -0.1]", 10, "masses_GeV", "> 0");
    bad_variant(10, "masses_GeV: {min: 0, max: 1, n: 3}", 10, "masses_GeV.min", "> 0");
    bad_variant(10, "masses_GeV: {min: 0.01, max: 1, n: 4097}", 10, "masses_GeV.n", "1..4096");
    bad_variant(12, "  n: 0", 12, "energy_bins.n", "1..256");
    bad_variant(12, "  n: 257", 12, "energy_bins.n", "1..256");
    bad_variant(12, "  n: 10\nquadrature: {nodes: 2}", 13, "quadrature.nodes", "4..256");
    bad_variant(12, "  n: 10\nprecision: 1", 13, "'precision'", "(0, 1)");
    bad_variant(12, "  n: 10\nmax_eval: 10", 13, "'max_eval'", "1000");
}

static void unknown_enum_values(void **state)
{
    (void)state;
    bad_variant(8, "  mediator: photon", 8, "unknown value 'photon' for 'model.mediator'",
                "allowed: vector, lmu-ltau, b-l, scalar, pseudoscalar, axial, alp");
    bad_variant(2, "  particle: proton", 2, "'beam.particle'", "e-, e+, mu-, mu+, gamma");
    bad_variant(9, "processes: [brem, moller]", 9, "unknown value 'moller' for 'processes'",
                "primakoff, brem-positron, compton");
    bad_variant(12, "  n: 10\nbackend: gpu", 13, "'backend'", "auto, cpu, opencl, cuda");
    bad_variant(8, "  mediator: vector\n  dm_kind: wimp", 9, "'model.dm_kind'", "majorana");
    bad_variant(8, "  mediator: vector\n  decay: partly", 9, "'model.decay'", "visible");
    bad_variant(10, "masses_GeV: {min: 0.01, max: 1, n: 3, scale: ln}", 10, "'masses_GeV.scale'",
                "log, linear");
    bad_variant(12, "  n: 10\noutput: {formats: [hdf5, xml]}", 13, "'output.formats'", "csv");
}

static void missing_keys(void **state)
{
    (void)state;
    /* missing keys are reported at the enclosing map ("beam:" on line 1, root on line 1) */
    bad_variant(3, "", 1, "missing required key 'beam.energy_GeV'", NULL);
    bad_variant(2, "", 1, "missing required key 'beam.particle'", NULL);
    bad_variant(9, "", 1, "missing required key 'processes'", NULL);
    bad_variant(12, "  min_GeV: 0", 11, "missing required key 'energy_bins.n'", NULL);
    bad_variant(6, "", 4, "target.thickness_X0", "thickness_cm");
    bad_variant(8, "  decay: visible", 7, "missing required key 'model.mediator'", NULL);
    bad_variant(10, "masses_GeV: {min: 0.01, n: 3}", 10, "missing required key 'masses_GeV.max'",
                NULL);
}

static void duplicate_keys(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/data/bad_duplicate_key.yaml", DY_SOURCE_DIR);
    expect_fail(path, DY_ERR_INVALID, 7, "duplicate key 'beam.energy_GeV'",
                "first given at line 5");
    bad_variant(12, "  n: 10\nbeam: {particle: e-, energy_GeV: 1}", 13, "duplicate key 'beam'",
                NULL);
    bad_variant(9, "processes: [brem, brem]", 9, "'processes' lists 'brem' twice", NULL);
}

static void malformed_yaml(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/data/bad_syntax.yaml", DY_SOURCE_DIR);
    /* the unclosed '[' of line 6 is found when the next line starts a new key (line 7) */
    expect_fail(path, DY_ERR_INVALID, 7, "YAML syntax error", "flow sequence");
    bad_variant(2, "\tparticle: e-", 2, "YAML syntax error", "does not allow tabs");
    bad_variant(12, "  n: 10\n---\nname: second", 13, "second YAML document", NULL);
    expect_fail(write_text("empty.yaml", "# nothing here\n"), DY_ERR_INVALID, 0, "empty", NULL);
    expect_fail(write_text("scalar.yaml", "just a string\n"), DY_ERR_INVALID, 1, "must be a map",
                NULL);
}

static void missing_file(void **state)
{
    (void)state;
    const char *p = DY_SOURCE_DIR "/tests/data/no-such-config.yaml";
    assert_int_equal(dy_config_load(p, &cfg, &err), DY_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "no-such-config.yaml"));
    assert_null(cfg.config_text);
    /* a directory is not a readable config */
    assert_int_equal(dy_config_load(DY_SOURCE_DIR "/tests/data", &cfg, &err), DY_ERR_INVALID);
    assert_non_null(strstr(err.msg, "tests/data"));
    assert_non_null(strstr(err.msg, "directory"));
    /* nor a device (endless zeros) or a FIFO nobody writes to (opening it would wait forever):
     * refused at once; the alarm turns a hang into a failure */
    alarm(20);
    assert_int_equal(dy_config_load("/dev/zero", &cfg, &err), DY_ERR_INVALID);
    assert_non_null(strstr(err.msg, "character device"));
    char fifo[600];
    snprintf(fifo, sizeof fifo, "%s/test_config_fifo.yaml", DY_BINARY_DIR);
    remove(fifo);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(dy_config_load(fifo, &cfg, &err), DY_ERR_INVALID);
    assert_non_null(strstr(err.msg, "FIFO"));
    remove(fifo);
    alarm(0);
}

static void cross_field_rules(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/data/bad_mass_above_beam.yaml", DY_SOURCE_DIR);
    expect_fail(path, DY_ERR_INVALID, 14, "masses_GeV", "mass 12 GeV is not below the beam");
    bad_variant(10, "masses_GeV: {min: 0.01, max: 100, n: 3}", 10, "mass 100 GeV", "beam energy");
    bad_variant(10, "masses_GeV: [0.1, 0.01]", 10, "strictly increasing", NULL);
    bad_variant(6, "  thickness_X0: 10\n  thickness_cm: 5", 7, "target.thickness_cm", "not both");
    bad_variant(12, "  n: 10\n  min_GeV: 50\n  max_GeV: 20", 14, "energy_bins.max_GeV",
                "energy_bins.min_GeV");
    bad_variant(12, "  n: 10\n  min_GeV: 150", 13, "energy_bins.max_GeV", "beam energy");
    /* no energy bin may reach above the beam energy (nothing is produced there) */
    bad_variant(12, "  n: 10\n  max_GeV: 150", 13,
                "'energy_bins.max_GeV' (150) is above the beam "
                "energy (100 GeV)",
                NULL);
    /* the L_mu - L_tau Z' does not couple to electrons: an electron beam cannot radiate it */
    bad_variant(8, "  mediator: lmu-ltau", 9, "does not couple to electrons", "mu-");
    bad_variant(12, "  n: 10\ncuts: {energy_min_GeV: 100}", 13, "cuts.energy_min_GeV",
                "below the beam energy");
    bad_variant(8, "  mediator: vector\n  mchi_over_m: 0.6", 9, "model.mchi_over_m", "0.5");
    bad_variant(9, "processes: [brem, primakoff]", 9, "primakoff", "model.mediator: alp");
    bad_variant(8, "  mediator: alp", 9, "'brem' is not available", "alp");
    bad_variant(12, "  n: 10\noutput: {formats: [csv], plots: true}", 13, "output.plots", "hdf5");
    /* plots default to off when no HDF5 file is written */
    const char *p = write_variant("csvonly.yaml", 12, "  n: 10\noutput: {formats: [csv]}");
    if (dy_config_load(p, &cfg, &err) != DY_OK) fail_msg("%s", err.msg);
    assert_true(!cfg.want_hdf5 && cfg.want_csv && !cfg.want_plots);
    dy_config_free(&cfg);
}

static void parse_from_memory(void **state)
{
    (void)state;
    const char *t = "beam: {particle: gamma, energy_GeV: 20}\ntarget: {material: Al, "
                    "thickness_X0: 1}\nmodel: {mediator: alp}\nprocesses: [primakoff]\n"
                    "masses_GeV: [0.01]\nenergy_bins: {n: 4}\n";
    assert_int_equal(dy_config_parse(t, strlen(t), "mem/Some Run.yml", &cfg, &err), DY_OK);
    assert_string_equal(cfg.name, "Some_Run"); /* stem, unsafe characters replaced */
    assert_string_equal(cfg.beam.particle, "gamma");
    assert_true(cfg.hash == dy_fnv1a64(t, strlen(t)));
    dy_config_free(&cfg);
}

/* Paths in a config are relative to the config file's directory; absolute ones stay; an
 * in-memory config labelled without a '/' keeps them relative to the current directory; the
 * default output directory is relative to the current directory. */
static void relative_paths(void **state)
{
    (void)state;
    const char *base = "beam: {particle: e-, energy_GeV: 100}\nmodel: {mediator: vector}\n"
                       "processes: [brem]\nmasses_GeV: [0.01]\nenergy_bins: {n: 4}\n";
    char text[1024];
    mkdir(TMPDIR "/sub", 0755);
    snprintf(text, sizeof text,
             "%starget: {material: Pb, thickness_X0: 40, tracklengths: {e+: tl/ep.csv, "
             "gamma: /abs/g.csv}}\noutput: {dir: ../o, plots: false}\n",
             base);
    const char *p = write_text("sub/rel.yaml", text);
    if (dy_config_load(p, &cfg, &err) != DY_OK) fail_msg("%s", err.msg);
    assert_string_equal(cfg.target.tracklength_file[1], TMPDIR "/sub/tl/ep.csv");
    assert_string_equal(cfg.target.tracklength_file[2], "/abs/g.csv");
    assert_string_equal(cfg.target.tracklength_file[0], "");
    assert_string_equal(cfg.out_dir, TMPDIR "/sub/../o");
    dy_config_free(&cfg);
    /* --set values are part of the config: the same rule */
    const char *sets[] = {"output.dir=/abs/out"};
    if (dy_config_load_with(p, sets, 1, &cfg, &err) != DY_OK) fail_msg("%s", err.msg);
    assert_string_equal(cfg.out_dir, "/abs/out");
    dy_config_free(&cfg);
    assert_int_equal(dy_config_parse(text, strlen(text), "config", &cfg, &err), DY_OK);
    assert_string_equal(cfg.target.tracklength_file[1], "tl/ep.csv");
    assert_string_equal(cfg.out_dir, "../o");
    dy_config_free(&cfg);
    snprintf(text, sizeof text, "%starget: {material: Pb, thickness_X0: 40}\n", base);
    if (dy_config_load(write_text("sub/def.yaml", text), &cfg, &err) != DY_OK)
        fail_msg("%s", err.msg);
    assert_string_equal(cfg.out_dir, "out/def");
    dy_config_free(&cfg);

    /* a limit config: the efficiency table and overlay are read while parsing, so they are
     * found only if resolved against the config's directory (the test runs elsewhere) */
    write_text("sub/eff.csv", "mass_GeV,energy_GeV,efficiency\n0.001,0,0.2\n0.001,100,0.2\n"
                              "1,0,0.2\n1,100,0.2\n");
    write_text("sub/over.csv", "mass_GeV,eps\n0.01,1e-4\n0.5,1e-3\n");
    p = write_text("sub/lim.yaml", "yields: y.h5\nmodel: {particle: dark_photon}\n"
                                   "statistics: {pot: 1e10}\nefficiency: {table: eff.csv}\n"
                                   "overlays: [{file: over.csv}]\noutput: {dir: /abs/lim}\n");
    static dy_limit_config lc;
    if (dy_limit_config_load(p, &lc, &err) != DY_OK) fail_msg("%s", err.msg);
    assert_string_equal(lc.yields, TMPDIR "/sub/y.h5");
    assert_string_equal(lc.eff_table, TMPDIR "/sub/eff.csv");
    assert_string_equal(lc.overlay_file[0], TMPDIR "/sub/over.csv");
    assert_string_equal(lc.overlay_label[0], "over.csv");
    assert_string_equal(lc.out_dir, "/abs/lim");
    dy_limit_config_free(&lc);
    /* the same text elsewhere: the table is not found, and the message names it */
    const char *q =
        write_text("lim2.yaml", "yields: y.h5\nmodel: {particle: dark_photon}\n"
                                "statistics: {pot: 1e10}\nefficiency: {table: eff.csv}\n");
    assert_int_equal(dy_limit_config_load(q, &lc, &err), DY_ERR_INVALID);
    assert_non_null(strstr(err.msg, TMPDIR "/eff.csv"));
    dy_limit_config_free(&lc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fnv1a_known_answers), cmocka_unit_test(shipped_na64e_invisible),
        cmocka_unit_test(shipped_others),      cmocka_unit_test(defaults_apply),
        cmocka_unit_test(dense_mass_grid),     cmocka_unit_test(every_key_parses),
        cmocka_unit_test(mass_forms),          cmocka_unit_test(unknown_keys),
        cmocka_unit_test(wrong_types),         cmocka_unit_test(bad_values),
        cmocka_unit_test(unknown_enum_values), cmocka_unit_test(missing_keys),
        cmocka_unit_test(duplicate_keys),      cmocka_unit_test(malformed_yaml),
        cmocka_unit_test(missing_file),        cmocka_unit_test(cross_field_rules),
        cmocka_unit_test(parse_from_memory),   cmocka_unit_test(relative_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
