/* dy_test_cli.h — run the darkyield executable from a test and capture its exit code and output:
 * through a shell (dy_run_cli, for simple argument strings) or as an argument vector
 * (dy_run_argv: arguments with quotes, spaces or $(...) reach darkyield unchanged). */
#ifndef DY_TEST_CLI_H
#define DY_TEST_CLI_H
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs `darkyield <args>` (stderr merged into out); returns the exit status, -1 on failure. */
static inline int dy_run_cli(const char *args, char *out, size_t n)
{
    const size_t len = strlen(DY_CLI) + strlen(args) + 16; /* any length: never cut the args */
    char *cmd = malloc(len);
    size_t used = 0;
    if (!cmd) return -1;
    snprintf(cmd, len, "%s %s 2>&1", DY_CLI, args);
    FILE *p = popen(cmd, "r");
    free(cmd);
    if (!p) return -1;
    out[0] = 0;
    while (used + 1 < n) {
        size_t k = fread(out + used, 1, n - 1 - used, p);
        if (k == 0) break;
        used += k;
    }
    out[used] = 0;
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}
/* Runs argv (argv[0]: the program's path, e.g. DY_CLI) without a shell: stdout into out (n bytes at
 * most, NUL-terminated; *len = bytes read when len is not NULL), stderr into err (may be NULL: then
 * into out as well), with the NAME=VALUE strings of env set in the child and the file size
 * limit fsize (bytes; 0 = none).  Returns the wait status (WIFEXITED...), -1 on failure. */
static inline int dy_run_argv(const char *const *argv, const char *const *env, long fsize,
                              char *out, size_t n, size_t *len, char *err, size_t en)
{
    int po[2], pe[2];
    if (pipe(po) != 0 || pipe(pe) != 0) return -1;
    fflush(NULL);
    const pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        dup2(po[1], 1);
        dup2(err ? pe[1] : po[1], 2);
        close(po[0]);
        close(pe[0]);
        for (int i = 0; env && env[i]; ++i) {
            char name[256];
            const char *eq = strchr(env[i], '=');
            snprintf(name, sizeof name, "%.*s", eq ? (int)(eq - env[i]) : 0, env[i]);
            if (eq) setenv(name, eq + 1, 1);
        }
        if (fsize > 0) {
            struct rlimit rl = {(rlim_t)fsize, (rlim_t)fsize};
            signal(SIGXFSZ, SIG_IGN); /* a write past the limit fails with EFBIG instead */
            setrlimit(RLIMIT_FSIZE, &rl);
        }
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(po[1]);
    close(pe[1]);
    size_t used = 0, eused = 0;
    int open_o = 1, open_e = 1;
    while (open_o || open_e) { /* both pipes, so a chatty stderr cannot block the child */
        fd_set rs;
        FD_ZERO(&rs);
        if (open_o) FD_SET(po[0], &rs);
        if (open_e) FD_SET(pe[0], &rs);
        if (select((po[0] > pe[0] ? po[0] : pe[0]) + 1, &rs, NULL, NULL, NULL) < 0) break;
        char tmp[4096];
        if (open_o && FD_ISSET(po[0], &rs)) {
            const ssize_t k = read(po[0], tmp, sizeof tmp);
            if (k <= 0) open_o = 0;
            for (ssize_t i = 0; i < k && used + 1 < n; ++i)
                out[used++] = tmp[i];
        }
        if (open_e && FD_ISSET(pe[0], &rs)) {
            const ssize_t k = read(pe[0], tmp, sizeof tmp);
            if (k <= 0) open_e = 0;
            for (ssize_t i = 0; err && i < k && eused + 1 < en; ++i)
                err[eused++] = tmp[i];
        }
    }
    close(po[0]);
    close(pe[0]);
    out[used] = 0;
    if (err) err[eused] = 0;
    if (len) *len = used;
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return -1;
    return st;
}
#endif
