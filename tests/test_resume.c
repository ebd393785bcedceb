/* test_resume.c — checkpoints: a run killed with SIGKILL mid-grid and resumed with --resume
 * writes exactly the files of an uninterrupted run; SIGTERM finishes the group in flight, saves
 * it and exits 143; a checkpoint with a flipped byte or a torn tail is detected (its bad records
 * are recomputed, never used), a corrupt header or another config's checkpoint is refused, and an
 * existing checkpoint is never silently overwritten. */
#include <hdf5.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "jobs/checkpoint.h"
#include "dy_test.h"
#include "dy_test_h5.h"
#include "dy_test_cli.h"

#define NMASS 6
static char out[1 << 16];
static char dir[512], cfg[600], ckpt[700], h5[700], ref[700];

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

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(sigkill_then_resume_equals_uninterrupted),
                                       cmocka_unit_test(sigterm_saves_and_exits_nonzero),
                                       cmocka_unit_test(corrupt_checkpoint_is_detected)};
    return cmocka_run_group_tests(tests, setup, NULL);
}
