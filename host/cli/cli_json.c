/* cli_json.c — the machine-readable summaries of run and limit: --format names, JSON pieces. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"

int dy_cli_quiet = 0;
int dy_cli_verbose = 0;

int dy_cli_check_verbosity(const char *cmd)
{
    if (dy_cli_quiet && dy_cli_verbose)
        return dy_cli_usage_error(cmd, "--quiet and --verbose exclude each other");
    return 0;
}
int dy_cli_stdout_reserved = 0;

int dy_cli_format_from_name(const char *s)
{
    if (!strcmp(s, "table")) return DY_FMT_TABLE;
    if (!strcmp(s, "csv")) return DY_FMT_CSV;
    if (!strcmp(s, "json")) return DY_FMT_JSON;
    return -1;
}

void dy_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; ++p) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\t')
            fputs("\\t", f);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f); /* UTF-8 passes through */
    }
    fputc('"', f);
}

void dy_json_num(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.17g", x);
    else
        fputs("null", f);
}

void dy_json_nums(FILE *f, const double *v, int n)
{
    fputc('[', f);
    for (int i = 0; i < n; ++i) {
        if (i) fputs(", ", f);
        dy_json_num(f, v[i]);
    }
    fputc(']', f);
}

void dy_json_key(FILE *f, const char *key, int first)
{
    if (!first) fputs(",\n", f);
    fputs("  ", f);
    dy_json_str(f, key);
    fputs(": ", f);
}
