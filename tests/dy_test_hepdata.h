/* dy_test_hepdata.h — validate the HEPData submissions a test wrote with hepdata-validator
 * (PyPI; scripts/setup.sh installs it into build/pydeps).  If it is not importable, one attempt
 * installs it into ${build}/pydeps with pip; only if that fails too is the check skipped, with a
 * message saying so. */
#ifndef DY_TEST_HEPDATA_H
#define DY_TEST_HEPDATA_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static inline const char *dy_hepdata_python(void)
{
    return access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
}

/* Run the validator on dir; its output goes to out.  Exit status of hepdata_validate.py. */
static inline int dy_hepdata_run(const char *dir, char *out, size_t n)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "PYTHONPATH='%s/pydeps:%s/build/pydeps'${PYTHONPATH:+:$PYTHONPATH} %s "
             "'%s/tests/hepdata_validate.py' '%s' 2>&1",
             DY_BINARY_DIR, DY_SOURCE_DIR, dy_hepdata_python(), DY_SOURCE_DIR, dir);
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    size_t used = 0;
    out[0] = '\0';
    while (used + 1 < n) {
        const size_t k = fread(out + used, 1, n - 1 - used, p);
        if (k == 0) break;
        used += k;
    }
    out[used] = '\0';
    const int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* 0: valid; 1: invalid (out holds the validator's messages); -1: no validator (skip, with the
 * reason in out). */
static inline int dy_hepdata_validate(const char *dir, char *out, size_t n)
{
    int rc = dy_hepdata_run(dir, out, n);
    if (rc == 3) { /* not importable: one install attempt, serialised between test processes */
        char cmd[4096];
        snprintf(cmd, sizeof cmd,
                 "mkdir -p '%s/pydeps' && flock '%s/pydeps/.lock' %s -m pip install --quiet "
                 "--disable-pip-version-check --target '%s/pydeps' hepdata-validator "
                 ">/dev/null 2>&1",
                 DY_BINARY_DIR, DY_BINARY_DIR, dy_hepdata_python(), DY_BINARY_DIR);
        if (system(cmd) == 0) rc = dy_hepdata_run(dir, out, n);
    }
    if (rc == 3 || rc < 0) {
        snprintf(out, n,
                 "SKIP: hepdata-validator is not installed and 'pip install hepdata-validator' "
                 "failed (offline?): HEPData files in %s were not validated",
                 dir);
        return -1;
    }
    return rc == 0 ? 0 : 1;
}

/* cmocka: fail on an invalid submission; print the skip reason when there is no validator. */
#define dy_assert_hepdata_valid(dir)                                                               \
    do {                                                                                           \
        static char dy_hv_out_[1 << 16];                                                           \
        const int dy_hv_ = dy_hepdata_validate((dir), dy_hv_out_, sizeof dy_hv_out_);              \
        if (dy_hv_ < 0)                                                                            \
            print_message("%s\n", dy_hv_out_);                                                     \
        else if (dy_hv_ != 0)                                                                      \
            fail_msg("hepdata-validator rejects %s:\n%s", (dir), dy_hv_out_);                      \
    } while (0)
#endif
