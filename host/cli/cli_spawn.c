/* cli_spawn.c — child processes of the CLI (the plot scripts), started with an argument vector
 * by posix_spawn: no shell ever sees a path or label from a config file, so quotes, spaces, ';'
 * or $(...) in them are plain characters. */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cli.h"

extern char **environ;

/* Our environment with each NAME=VALUE of add replacing (or adding) NAME. */
static char **child_env(const char *const *add)
{
    size_t n = 0, na = 0, k = 0;
    while (environ && environ[n])
        ++n;
    while (add && add[na])
        ++na;
    char **env = malloc((n + na + 1) * sizeof *env);
    if (!env) return NULL;
    for (size_t i = 0; i < n; ++i) {
        int replaced = 0;
        for (size_t j = 0; j < na && !replaced; ++j) {
            const char *eq = strchr(add[j], '=');
            const size_t L = eq ? (size_t)(eq - add[j]) + 1 : strlen(add[j]);
            replaced = !strncmp(environ[i], add[j], L);
        }
        if (!replaced) env[k++] = environ[i];
    }
    for (size_t j = 0; j < na; ++j)
        env[k++] = (char *)add[j];
    env[k] = NULL;
    return env;
}

int dy_cli_spawn(const char *const *argv, const char *const *env_add)
{
    pid_t pid;
    char **env = child_env(env_add);
    if (!env) return -1;
    posix_spawnattr_t at;
    sigset_t def;
    posix_spawnattr_init(&at);
    sigemptyset(&def); /* the run's SIGINT/SIGTERM handlers are not the child's business */
    sigaddset(&def, SIGINT);
    sigaddset(&def, SIGTERM);
    sigaddset(&def, SIGPIPE);
    posix_spawnattr_setsigdefault(&at, &def);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF);
    /* stdout holding a CSV or JSON summary: the child's chatter goes to stderr */
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (dy_cli_stdout_reserved) posix_spawn_file_actions_adddup2(&fa, 2, 1);
    fflush(NULL); /* our buffered output comes before the child's */
    const int e = strchr(argv[0], '/')
                      ? posix_spawn(&pid, argv[0], &fa, &at, (char *const *)argv, env)
                      : posix_spawnp(&pid, argv[0], &fa, &at, (char *const *)argv, env);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    free(env);
    if (e != 0) {
        errno = e;
        return -1;
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return -1;
    if (WIFEXITED(st)) return WEXITSTATUS(st);
    return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
}

/* The plot scripts: $DARKYIELD_SCRIPTS, else those installed beside the binary
 * (<bindir>/DY_SCRIPTS_REL, i.e. <prefix>/share/darkyield/scripts), else the source tree's. */
static void scripts_dir(char *buf, size_t n)
{
    const char *dir = getenv("DARKYIELD_SCRIPTS");
    if (dir && *dir) {
        snprintf(buf, n, "%s", dir);
        return;
    }
    char exe[4096];
    const ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *slash = k > 0 ? (exe[k] = 0, strrchr(exe, '/')) : NULL;
    if (slash) {
        *slash = 0;
        snprintf(buf, n, "%s/%s", exe, DY_SCRIPTS_REL);
        if (access(buf, R_OK) == 0) return;
    }
    snprintf(buf, n, "%s", DY_SCRIPTS_DIR);
}

void dy_cli_plot(const char *script_name, const char *const *args)
{
    char script[8400], dir[4200];
    scripts_dir(dir, sizeof dir);
    snprintf(script, sizeof script, "%s/%s", dir, script_name);
    if (access(script, R_OK) != 0) {
        if (!dy_cli_quiet)
            fprintf(stderr, "darkyield: plots skipped: %s not found (set DARKYIELD_SCRIPTS)\n",
                    script);
        return;
    }
    const char *argv[64];
    int n = 0;
    argv[n++] = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
    argv[n++] = script;
    for (int i = 0; args[i] && n < 63; ++i)
        argv[n++] = args[i];
    argv[n] = NULL;
    static const char *const env[] = {"MPLBACKEND=Agg", NULL};
    const int rc = dy_cli_spawn(argv, env);
    if (rc == 3) {
        if (!dy_cli_quiet)
            fprintf(stderr, "darkyield: plots skipped: python3 lacks a module the plots need "
                            "(apt-get install python3-matplotlib python3-h5py)\n");
    } else if (rc < 0)
        fprintf(stderr, "darkyield: plots skipped: cannot start %s: %s\n", argv[0],
                strerror(errno));
    else if (rc != 0)
        fprintf(stderr, "darkyield: warning: plotting failed (%s exited with %d)\n", script_name,
                rc);
}
