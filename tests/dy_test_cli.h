/* dy_test_cli.h — run the darkyield executable from a test and capture its exit code and output. */
#ifndef DY_TEST_CLI_H
#define DY_TEST_CLI_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

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
#endif
