/* test_resume.c — checkpoints: a run killed with SIGKILL mid-grid and resumed with --resume
 * writes exactly the files of an uninterrupted run; SIGTERM finishes the group in flight, saves
 * it and exits 143; a checkpoint with a flipped byte or a torn tail is detected (its bad records
 * are recomputed, never used), a corrupt header, a header with a valid CRC but absurd fields or
 * another config's checkpoint is refused, and an existing checkpoint is never silently
 * overwritten.  Issue 18: the checkpoint of a grid without MC integrals (zero-word records) and
 * of a grid mixing MC and quadrature channels resume to the uninterrupted result. */
#include <hdf5.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "jobs/checkpoint.h"
#include "jobs/grid_run.h"
#include "jobs/run.h"
#include "dy_test.h"
#include "dy_test_h5.h"
#include "dy_test_cli.h"

#define NMASS 6
static char out[1 << 16];
static char dir[512], cfg[700], ckpt[700], h5[700], ref[700];

static void write_cfg(const char *path, int seed)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f,
            "name: resume\nseed: %d\nprecision: 0.05\n"
            "beam: {particle: e-, energy_GeV: 100}\n"
            "target: {material: Pb, thickness_X0: 40}\n"
            "model: {mediator: vector, decay: invisible, alpha_D: 0.1, mchi_over_m: 0.3333333, "
            "dm_kind: dirac, coupling: 1}\n"
            "processes: [brem]\n"
            "masses_GeV: [0.003, 0.01, 0.03, 0.1, 0.3, 0.6]\n"
            "energy_bins: {min_GeV: 0, max_GeV: 100, n: 10}\n"
            "cuts: {energy_min_GeV: 50}\nquadrature: {nodes: 9}\n"
            "output: {dir: %s, formats: [hdf5], plots: false}\n",
            seed, dir);
    fclose(f);
}

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* Records in the checkpoint (-1: unreadable). */
static int records(const char *p)
{
    dy_ckpt_data d;
    dy_error err;
    if (dy_ckpt_read(p, &d, &err) != DY_OK) return -1;
    const int n = d.n;
    dy_ckpt_data_free(&d);
    return n;
}

/* Start `darkyield run cfg --backend cpu --group 1`; send sig once the checkpoint holds `after`
 * records; returns the wait status. */
static int run_and_signal(int sig, int after)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        freopen("/dev/null", "w", stdout);
        freopen("/dev/null", "w", stderr);
        execl(DY_CLI, DY_CLI, "run", cfg, "--backend", "cpu", "--group", "1", (char *)NULL);
        _exit(127);
    }
    const struct timespec nap = {0, 2000000};
    int st = 0, sent = 0;
    for (int i = 0; i < 15000; ++i) { /* 30 s at most */
        if (waitpid(pid, &st, WNOHANG) == pid) return st;
        if (!sent && records(ckpt) >= after) {
            kill(pid, sig);
            sent = 1;
        }
        nanosleep(&nap, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    fail_msg("run did not finish");
    return st;
}

static int setup(void **state)
{
    (void)state;
    char sh[2048];
    snprintf(dir, sizeof dir, "%s/test_resume", DY_BINARY_DIR);
    snprintf(sh, sizeof sh, "rm -rf %s && mkdir -p %s", dir, dir);
    if (system(sh)) return -1;
    snprintf(cfg, sizeof cfg, "%s/resume.yaml", dir);
    snprintf(ckpt, sizeof ckpt, "%s/resume.ckpt", dir);
    snprintf(h5, sizeof h5, "%s/resume.h5", dir);
    snprintf(ref, sizeof ref, "%s/reference.h5", dir);
    write_cfg(cfg, 5);
    /* the uninterrupted run (default grouping: all points in one engine call) */
    char args[1500];
    snprintf(args, sizeof args, "run %s --backend cpu", cfg);
    if (dy_run_cli(args, out, sizeof out) != 0) return -1;
    if (rename(h5, ref)) return -1;
    return exists(ckpt) ? -1 : 0; /* a finished run removes its checkpoint */
}

static void resume(const char *expect_in_output)
{
    char args[1500];
    snprintf(args, sizeof args, "run %s --backend cpu --resume", cfg);
    int rc = dy_run_cli(args, out, sizeof out);
    if (rc != 0) fail_msg("resume failed (%d):\n%s", rc, out);
    if (expect_in_output && !strstr(out, expect_in_output))
        fail_msg("expected '%s' in:\n%s", expect_in_output, out);
    dy_h5_same(ref, h5);
    assert_false(exists(ckpt));
    remove(h5);
}

static void sigkill_then_resume_equals_uninterrupted(void **state)
{
    (void)state;
    int st = run_and_signal(SIGKILL, 1);
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    const int n = records(ckpt);
    if (n < 1 || n >= NMASS) fail_msg("killed run left %d record(s): not mid-grid", n);
    assert_false(exists(h5));
    char msg[64];
    snprintf(msg, sizeof msg, "%d of %d grid point(s) already done", n, NMASS);
    resume(msg);
}

static void sigterm_saves_and_exits_nonzero(void **state)
{
    (void)state;
    int st = run_and_signal(SIGTERM, 1);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 128 + SIGTERM);
    const int n = records(ckpt);
    assert_true(n >= 1 && n < NMASS);
    /* without --resume an existing checkpoint is refused, not overwritten */
    char args[1500];
    snprintf(args, sizeof args, "run %s --backend cpu", cfg);
    assert_int_equal(dy_run_cli(args, out, sizeof out), 2);
    assert_non_null(strstr(out, "--resume"));
    assert_int_equal(records(ckpt), n);
    resume("already done");
}

/* A checkpoint with 2..5 of the 6 points, from a run stopped by SIGTERM. */
static int make_checkpoint(void)
{
    int st = run_and_signal(SIGTERM, 2);
    assert_true(WIFEXITED(st));
    return records(ckpt);
}

static void flip_byte(const char *path, long off_from_end)
{
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    fseek(f, off_from_end, off_from_end < 0 ? SEEK_END : SEEK_SET);
    long at = ftell(f);
    int c = fgetc(f);
    fseek(f, at, SEEK_SET);
    fputc(c ^ 0x40, f);
    fclose(f);
}

static void corrupt_checkpoint_is_detected(void **state)
{
    (void)state;
    const int n = make_checkpoint();
    if (n < 2 || n >= NMASS) fail_msg("could not make a checkpoint with 2..5 records (%d)", n);
    char save[800], sh[2000];
    snprintf(save, sizeof save, "%s.good", ckpt);
    snprintf(sh, sizeof sh, "cp %s %s", ckpt, save);
    assert_int_equal(system(sh), 0);
    /* a flipped byte in the last record: the CRC catches it, the record is recomputed */
    flip_byte(ckpt, -50);
    dy_ckpt_data d;
    dy_error err;
    if (dy_ckpt_read(ckpt, &d, &err) != DY_OK) fail_msg("%s", err.msg);
    assert_int_equal(d.damaged, 1);
    assert_int_equal(d.n, n - 1);
    assert_non_null(strstr(d.note, "CRC mismatch"));
    dy_ckpt_data_free(&d);
    resume("CRC mismatch");
    /* a torn tail (a write cut short): detected as truncated */
    snprintf(sh, sizeof sh, "cp %s %s", save, ckpt);
    assert_int_equal(system(sh), 0);
    struct stat st;
    assert_int_equal(stat(ckpt, &st), 0);
    assert_int_equal(truncate(ckpt, st.st_size - 1000), 0);
    if (dy_ckpt_read(ckpt, &d, &err) != DY_OK) fail_msg("%s", err.msg);
    assert_int_equal(d.damaged, 1);
    assert_int_equal(d.n, n - 1);
    assert_non_null(strstr(d.note, "truncated"));
    dy_ckpt_data_free(&d);
    resume("truncated");
    /* a flipped byte in the header: refused as a whole, nothing computed or written */
    snprintf(sh, sizeof sh, "cp %s %s", save, ckpt);
    assert_int_equal(system(sh), 0);
    flip_byte(ckpt, 20);
    char args[1500];
    snprintf(args, sizeof args, "run %s --backend cpu --resume", cfg);
    assert_int_equal(dy_run_cli(args, out, sizeof out), 2);
    if (!strstr(out, "header corrupt")) fail_msg("expected 'header corrupt' in:\n%s", out);
    assert_false(exists(h5));
    /* another configuration's checkpoint (seed changed) is refused */
    snprintf(sh, sizeof sh, "cp %s %s", save, ckpt);
    assert_int_equal(system(sh), 0);
    write_cfg(cfg, 6);
    assert_int_equal(dy_run_cli(args, out, sizeof out), 2);
    if (!strstr(out, "different configuration")) fail_msg("expected a refusal in:\n%s", out);
    write_cfg(cfg, 5);
    /* --fresh discards it */
    snprintf(args, sizeof args, "run %s --backend cpu --fresh", cfg);
    if (dy_run_cli(args, out, sizeof out) != 0) fail_msg("--fresh failed:\n%s", out);
    dy_h5_same(ref, h5);
    assert_false(exists(ckpt));
    remove(save);
}

/* Another grid in its own directory: cfg/ckpt/h5/ref point there until restore_paths(). */
static char save[4][700];
static void use_grid(const char *name, const char *processes, const char *masses)
{
    memcpy(save[0], cfg, sizeof save[0]);
    memcpy(save[1], ckpt, sizeof save[1]);
    memcpy(save[2], h5, sizeof save[2]);
    memcpy(save[3], ref, sizeof save[3]);
    char d[600], sh[2000];
    snprintf(d, sizeof d, "%.500s/%.60s", dir, name);
    snprintf(sh, sizeof sh, "mkdir -p %s", d);
    assert_int_equal(system(sh), 0);
    snprintf(cfg, sizeof cfg, "%.560s/%.60s.yaml", d, name);
    snprintf(ckpt, sizeof ckpt, "%.560s/%.60s.ckpt", d, name);
    snprintf(h5, sizeof h5, "%.560s/%.60s.h5", d, name);
    snprintf(ref, sizeof ref, "%.560s/reference.h5", d);
    FILE *f = fopen(cfg, "w");
    assert_non_null(f);
    fprintf(f,
            "name: %s\nseed: 5\nprecision: 0.05\n"
            "beam: {particle: e-, energy_GeV: 100}\n"
            "target: {material: Pb, thickness_X0: 40}\n"
            "model: {mediator: vector, decay: invisible, alpha_D: 0.1, mchi_over_m: 0.3333333, "
            "dm_kind: dirac, coupling: 1}\n"
            "processes: [%s]\nmasses_GeV: [%s]\n"
            "energy_bins: {min_GeV: 0, max_GeV: 100, n: 10}\n"
            "cuts: {energy_min_GeV: 50}\nquadrature: {nodes: 9}\n"
            "output: {dir: %s, formats: [hdf5], plots: false}\n",
            name, processes, masses, d);
    fclose(f);
    char args[1500];
    snprintf(args, sizeof args, "run %s --backend cpu", cfg);
    if (dy_run_cli(args, out, sizeof out) != 0) fail_msg("reference run failed:\n%s", out);
    assert_int_equal(rename(h5, ref), 0);
}

static void restore_paths(void)
{
    memcpy(cfg, save[0], sizeof save[0]);
    memcpy(ckpt, save[1], sizeof save[1]);
    memcpy(h5, save[2], sizeof save[2]);
    memcpy(ref, save[3], sizeof save[3]);
}

/* Issue 18: annihilation only (no MC integral: every record has zero words).  Its runs finish
 * too fast to interrupt, so the checkpoint of a run stopped after 2 of 4 points is written the
 * way the run writes it (dy_grid_prepare + dy_grid_commit). */
static void no_mc_checkpoint_resumes(void **state)
{
    (void)state;
    use_grid("nomc", "annihilation", "0.02, 0.1, 0.2, 0.4");
    dy_config c;
    dy_run *r = NULL;
    dy_ckpt ck;
    dy_error err;
    dy_grid_opts o;
    dy_grid_opts_default(&o);
    o.progress = 0;
    if (dy_config_load(cfg, &c, &err) != DY_OK || dy_run_open(&c, 0, &r, &err) != DY_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(dy_run_point_integrals(r), 0);
    if (dy_grid_prepare(r, &o, "cpu", "test", &ck, &err) != DY_OK) fail_msg("%s", err.msg);
    const int done[2] = {0, 2};
    if (dy_run_compute(r, NULL, done, 2, 0, &err) != DY_OK ||
        dy_grid_commit(r, &ck, done, 2, &err) != DY_OK)
        fail_msg("%s", err.msg);
    dy_ckpt_close(&ck);
    dy_run_close(r);
    dy_config_free(&c);
    assert_int_equal(records(ckpt), 2);
    resume("2 of 4 grid point(s) already done");
    restore_paths();
}

/* A grid whose points carry brem MC integrals and annihilation quadrature, killed mid-grid. */
static void mixed_grid_resumes(void **state)
{
    (void)state;
    use_grid("mixed", "brem, annihilation", "0.01, 0.1");
    const int st = run_and_signal(SIGKILL, 1);
    assert_true(WIFSIGNALED(st));
    const int n = records(ckpt);
    if (n != 1) fail_msg("killed run left %d record(s): not mid-grid", n);
    resume("already done");
    restore_paths();
}

/* A checkpoint whose header CRC is valid but whose fields are absurd is refused (exit 2). */
static void absurd_checkpoint_header(void **state)
{
    (void)state;
    dy_ckpt w;
    dy_error err;
    remove(h5);
    static const char *const why[] = {"impossible shard", "record size", "unknown file kind"};
    for (int k = 0; k < 3; ++k) {
        dy_ckpt_info in; /* refused on its own fields, before it is compared with the config */
        memset(&in, 0, sizeof in);
        in.kind = DY_CKPT_KIND_CHECKPOINT;
        in.shard_n = 1;
        in.n_points = NMASS;
        in.point_words = 10;
        in.config_text = "name: resume\n";
        in.config_len = strlen(in.config_text);
        if (k == 0) in.shard_i = in.shard_n = 0;
        if (k == 1) in.point_words = ((uint64_t)1 << 28) + 1;
        if (k == 2) in.kind = 9;
        if (dy_ckpt_begin(&w, ckpt, &in, &err) != DY_OK || dy_ckpt_commit(&w, &err) != DY_OK)
            fail_msg("%s", err.msg);
        dy_ckpt_close(&w);
        dy_ckpt_data d;
        assert_int_equal(dy_ckpt_read(ckpt, &d, &err), DY_ERR_INVALID);
        if (!strstr(err.msg, why[k]) || !strstr(err.msg, "resume.ckpt"))
            fail_msg("expected '%s' in: %s", why[k], err.msg);
        if (k > 0) continue;
        char args[1500]; /* what the user sees */
        snprintf(args, sizeof args, "run %s --backend cpu --resume", cfg);
        assert_int_equal(dy_run_cli(args, out, sizeof out), 2);
        if (!strstr(out, why[k])) fail_msg("expected '%s' in:\n%s", why[k], out);
        assert_false(exists(h5));
    }
    remove(ckpt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(sigkill_then_resume_equals_uninterrupted),
                                       cmocka_unit_test(sigterm_saves_and_exits_nonzero),
                                       cmocka_unit_test(corrupt_checkpoint_is_detected),
                                       cmocka_unit_test(no_mc_checkpoint_resumes),
                                       cmocka_unit_test(mixed_grid_resumes),
                                       cmocka_unit_test(absurd_checkpoint_header)};
    return cmocka_run_group_tests(tests, setup, NULL);
}
