/* test_outputs.c — how the commands write their outputs (issue 10.9): a second process writing
 * the same outputs meets the output lock and stops with a clear error (run, merge, limit), while
 * shards of one grid still run side by side; a full disk (a 16 KiB tmpfs where mounts are
 * allowed) or the file-size limit (RLIMIT_FSIZE, everywhere) during the HDF5 write gives the
 * reason, exit 1, no crash, no temporary and the old outputs untouched; '-' and links to
 * /proc/self/fd/1 write to standard output ('xsec --output', HDF5 included). */
#define _GNU_SOURCE /* unshare, mount */
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "dy_test.h"
#include "dy_test_cli.h"

#define TDIR DY_BINARY_DIR "/test_outputs"
static char out[1 << 16], errs[1 << 16];

/* Annihilation only: no MC integral, so every run takes a fraction of a second. */
static void write_cfg(const char *path, const char *name, const char *dir, const char *formats)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f,
            "name: %s\nseed: 3\nprecision: 0.05\n"
            "beam: {particle: e-, energy_GeV: 100}\n"
            "target: {material: Pb, thickness_X0: 40}\n"
            "model: {mediator: vector, decay: invisible, alpha_D: 0.1, mchi_over_m: 0.3333333, "
            "dm_kind: dirac, coupling: 1}\n"
            "processes: [annihilation]\n"
            "masses_GeV: [0.02, 0.1, 0.2, 0.4]\n"
            "energy_bins: {min_GeV: 0, max_GeV: 100, n: 40}\n"
            "cuts: {energy_min_GeV: 50}\nquadrature: {nodes: 9}\n"
            "output: {dir: %s, formats: [%s], plots: false}\n",
            name, dir, formats);
    fclose(f);
}

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

static int temporaries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d) return 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strstr(e->d_name, ".tmp") != NULL;
    closedir(d);
    return n;
}

static int same_bytes(const char *a, const char *b)
{
    FILE *x = fopen(a, "rb"), *y = fopen(b, "rb");
    int same = x && y;
    while (same) {
        const int c = fgetc(x), d = fgetc(y);
        same = c == d;
        if (c == EOF) break;
    }
    if (x) fclose(x);
    if (y) fclose(y);
    return same;
}

static void copy(const char *from, const char *to)
{
    char sh[3000];
    snprintf(sh, sizeof sh, "cp '%s' '%s'", from, to);
    assert_int_equal(system(sh), 0);
}

static int setup(void **state)
{
    (void)state;
    return system("rm -rf '" TDIR "' && mkdir -p '" TDIR "'") == 0 ? 0 : -1;
}

/* The exit code of argv (-1 when it did not exit normally, e.g. a crash). */
static int run(const char *const *argv, const char *const *env, long fsize)
{
    const int st = dy_run_argv(argv, env, fsize, out, sizeof out, NULL, errs, sizeof errs);
    return st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Hold the lock file the way another darkyield process would. */
static int hold(const char *lock)
{
    const int fd = open(lock, O_RDWR | O_CREAT, 0666);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
    return fd;
}

static void second_writer_is_refused(void **state)
{
    (void)state;
    const char *cfg = TDIR "/lock.yaml", *d = TDIR "/lock";
    write_cfg(cfg, "lock", d, "hdf5, csv");
    const char *runv[] = {DY_CLI, "run", cfg, "--backend", "cpu", NULL};
    /* the parts of a 2-way split, made while nobody else writes */
    const char *s0[] = {DY_CLI, "run", cfg, "--backend", "cpu", "--shard", "0/2", NULL};
    const char *s1[] = {DY_CLI, "run", cfg, "--backend", "cpu", "--shard", "1/2", NULL};
    assert_int_equal(run(s0, NULL, 0), 0);
    assert_int_equal(run(s1, NULL, 0), 0);

    const int fd = hold(TDIR "/lock/.lock.lock"); /* "another run" of this grid */
    assert_int_equal(run(runv, NULL, 0), 1);
    if (!strstr(errs, "another darkyield process is writing"))
        fail_msg("expected the lock error, got:\n%s", errs);
    assert_false(exists(TDIR "/lock/lock.h5"));
    assert_false(exists(TDIR "/lock/lock.ckpt")); /* refused before the checkpoint is touched */
    const char *fresh[] = {DY_CLI, "run", cfg, "--backend", "cpu", "--fresh", NULL};
    assert_int_equal(run(fresh, NULL, 0), 1);
    /* merging into the same outputs is refused too */
    const char *merge[] = {DY_CLI, "merge", TDIR "/lock/lock.part-0-of-2.dyp",
                           TDIR "/lock/lock.part-1-of-2.dyp", NULL};
    assert_int_equal(run(merge, NULL, 0), 1);
    assert_non_null(strstr(errs, "another darkyield process"));
    assert_false(exists(TDIR "/lock/lock.h5"));
    /* shards lock their own part only: they run beside each other and beside the whole run */
    assert_int_equal(run(s0, NULL, 0), 0);
    close(fd); /* the other run ends */
    assert_int_equal(run(runv, NULL, 0), 0);
    assert_true(exists(TDIR "/lock/lock.h5"));
    assert_int_equal(run(merge, NULL, 0), 0);
    assert_int_equal(temporaries(d), 0);
}

static void second_limit_is_refused(void **state)
{
    (void)state;
    const char *cfg = TDIR "/lim.yaml";
    write_cfg(cfg, "lim", TDIR "/lim", "hdf5");
    const char *runv[] = {DY_CLI, "run", cfg, "--backend", "cpu", NULL};
    assert_int_equal(run(runv, NULL, 0), 0);
    FILE *f = fopen(TDIR "/limit.yaml", "w");
    assert_non_null(f);
    fprintf(f,
            "yields: %s\nmodel: {particle: dark_photon}\nstatistics: {pot: 1e10}\n"
            "output: {dir: %s, plots: false}\n",
            TDIR "/lim/lim.h5", TDIR "/limits");
    fclose(f);
    const char *lim[] = {DY_CLI, "limit", TDIR "/limit.yaml", NULL};
    mkdir(TDIR "/limits", 0777);
    const int fd = hold(TDIR "/limits/.darkyield-limit.lock");
    assert_int_equal(run(lim, NULL, 0), 1);
    if (!strstr(errs, "another darkyield process")) fail_msg("expected the lock error:\n%s", errs);
    assert_false(exists(TDIR "/limits/limit_limits.csv"));
    close(fd);
    if (run(lim, NULL, 0) != 0) fail_msg("limit failed:\n%s", errs);
    assert_true(exists(TDIR "/limits/limit_limits.csv"));
}

/* The HDF5 write fails part way (file-size limit: EFBIG, the same path as ENOSPC). */
static void failed_hdf5_write_is_clean(void **state)
{
    (void)state;
    const char *cfg = TDIR "/fs.yaml", *d = TDIR "/fs";
    write_cfg(cfg, "fs", d, "hdf5, csv");
    const char *runv[] = {DY_CLI, "run", cfg, "--backend", "cpu", "--no-checkpoint", NULL};
    assert_int_equal(run(runv, NULL, 0), 0);
    copy(TDIR "/fs/fs.h5", TDIR "/fs.h5.old");
    copy(TDIR "/fs/fs.csv", TDIR "/fs.csv.old");
    const int rc = run(runv, NULL, 4096);
    if (rc != 1) fail_msg("exit %d (want 1; -1 = crashed):\n%s", rc, errs);
    if (!strstr(errs, "fs.h5") || !strstr(errs, "File too large"))
        fail_msg("expected the file and the reason in:\n%s", errs);
    assert_null(strstr(errs, "HDF5-DIAG"));
    assert_true(same_bytes(TDIR "/fs/fs.h5", TDIR "/fs.h5.old"));
    assert_true(same_bytes(TDIR "/fs/fs.csv", TDIR "/fs.csv.old"));
    assert_int_equal(temporaries(d), 0);
}

/* A real full disk: a 16 KiB tmpfs mounted in a private mount namespace (needs the privilege to
 * mount; skipped where the kernel refuses). */
static void full_disk_is_clean(void **state)
{
    (void)state;
    const char *cfg = TDIR "/full.yaml", *mnt = TDIR "/full";
    write_cfg(cfg, "full", mnt, "hdf5, csv");
    mkdir(mnt, 0777);
    fflush(NULL);
    int p[2];
    assert_int_equal(pipe(p), 0);
    const pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(p[1], 1);
        dup2(p[1], 2);
        if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
            mount("tmpfs", mnt, "tmpfs", 0, "size=16k") != 0) {
            printf("NO-MOUNT\n");
            _exit(77);
        }
        execl(DY_CLI, DY_CLI, "run", cfg, "--backend", "cpu", "--no-checkpoint", (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    size_t n = 0;
    for (ssize_t k; n + 1 < sizeof out && (k = read(p[0], out + n, sizeof out - 1 - n)) > 0;)
        n += (size_t)k;
    out[n] = 0;
    close(p[0]);
    int st;
    waitpid(pid, &st, 0);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 77 && strstr(out, "NO-MOUNT")) {
        print_message("SKIPPED: no permission to mount a tmpfs here (RLIMIT_FSIZE case ran)\n");
        skip();
    }
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 1)
        fail_msg("status %d (want exit 1, no crash):\n%s", st, out);
    if (!strstr(out, "No space left on device")) fail_msg("expected ENOSPC in:\n%s", out);
    assert_false(exists(TDIR "/full/full.h5")); /* the tmpfs is gone with the namespace anyway */
}

/* '-' is standard output for a single file; so is a link to /proc/self/fd/1, which stays a
 * link (rename would have replaced it by a regular file). */
static void dash_and_stdout_links(void **state)
{
    (void)state;
    static const char *xs[] = {"xsec",     "--process", "brem",     "--lepton", "e",
                               "--target", "Pb",        "--energy", "100",      "--mass",
                               "0.1",      "--method",  "ww",       "--format"};
    const char *argv[32];
    int n = 0;
    argv[n++] = DY_CLI;
    for (size_t i = 0; i < sizeof xs / sizeof *xs; ++i)
        argv[n++] = xs[i];
    argv[n++] = "csv";
    argv[n++] = "--output";
    argv[n++] = "-";
    argv[n] = NULL;
    assert_int_equal(run(argv, NULL, 0), 0);
    if (strncmp(out, "# darkyield", 11) || !strstr(out, "\nprocess,lepton"))
        fail_msg("expected CSV (with its comment lines) on stdout:\n%s", out);
    /* a link to our standard output */
    const char *link = TDIR "/stdout.csv";
    remove(link);
    assert_int_equal(symlink("/proc/self/fd/1", link), 0);
    argv[n - 1] = link;
    assert_int_equal(run(argv, NULL, 0), 0);
    assert_non_null(strstr(out, "process,lepton"));
    struct stat st;
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    /* HDF5 to standard output: the file's bytes and nothing else */
    argv[n - 3] = "hdf5";
    argv[n - 1] = "-";
    size_t len = 0;
    const int s = dy_run_argv(argv, NULL, 0, out, sizeof out, &len, errs, sizeof errs);
    assert_true(WIFEXITED(s) && WEXITSTATUS(s) == 0);
    assert_true(len > 512);
    assert_memory_equal(out, "\x89HDF\r\n\x1a\n", 8);
    FILE *f = fopen(TDIR "/stdout.h5", "wb");
    assert_non_null(f);
    fwrite(out, 1, len, f);
    fclose(f);
    const char *dump[] = {"/usr/bin/h5dump", "-H", TDIR "/stdout.h5", NULL};
    if (access(dump[0], X_OK) == 0) {
        assert_int_equal(run(dump, NULL, 0), 0);
        assert_non_null(strstr(out, "sigma"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(second_writer_is_refused), cmocka_unit_test(second_limit_is_refused),
        cmocka_unit_test(failed_hdf5_write_is_clean), cmocka_unit_test(full_disk_is_clean),
        cmocka_unit_test(dash_and_stdout_links)};
    return cmocka_run_group_tests(tests, setup, NULL);
}
