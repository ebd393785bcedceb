/* cli.h — shared pieces of the darkyield command line: subcommand entry points, error reporting
 * and small parsers.  Exit codes: 0 ok, 1 runtime failure, 2 bad usage or input. */
#ifndef DY_CLI_H
#define DY_CLI_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "darkyield/dy.h"

int dy_cmd_devices(int argc, char **argv);
int dy_cmd_events(int argc, char **argv);
/* `events --config RUN.yaml`: thick-target events (cmd_events_thick.c) and its help text. */
int dy_cmd_events_thick(int argc, char **argv);
void dy_events_thick_help(void);
int dy_cmd_integrate(int argc, char **argv);
int dy_cmd_xsec(int argc, char **argv);
int dy_cmd_run(int argc, char **argv);
int dy_cmd_merge(int argc, char **argv);
int dy_cmd_limit(int argc, char **argv);

/* Print "darkyield: error: ..." and return the exit code for status s. */
int dy_cli_fail(const dy_error *err);
int dy_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Strict numeric parsers: the whole string must be a finite number, with no leading space; an
 * unsigned integer has no sign either (" -1" is not 2^64 - 1). */
int dy_parse_double(const char *s, double *out);
int dy_parse_u64(const char *s, uint64_t *out);

/* A comma-separated list of numbers, the whole of s (any length; nothing is truncated) into
 * v[0..max).  0 on success; -1 for a malformed or empty entry, -2 for more than max entries,
 * -3 out of memory; the offending entry is copied into bad. */
int dy_parse_double_list(const char *s, double *v, int max, int *n, char *bad, size_t bad_size);
/* A range "lo:hi:n[:log|:lin]" of option opt: n values (1 .. max) from lo to hi, both included,
 * equally spaced in log10 or linearly (the default), as numpy's geomspace / linspace; 0 < lo.
 * 0, or a usage error of cmd (2) naming opt. */
int dy_cli_parse_range(const char *cmd, const char *opt, const char *s, double *v, int max, int *n);
/* Run argv (argv[0] searched in PATH when it has no '/') as a child process — never through a
 * shell — with our environment plus the NAME=VALUE strings of env_add (NULL-terminated; they
 * replace same-named variables).  Returns its exit status, 128+n when signal n killed it, -1
 * (errno set) when it could not be started. */
int dy_cli_spawn(const char *const *argv, const char *const *env_add);
/* Run scripts/<script_name> (or $DARKYIELD_SCRIPTS/...) with python3, MPLBACKEND=Agg and the
 * NULL-terminated args; a missing script or Python module is a note on stderr, not an error. */
void dy_cli_plot(const char *script_name, const char *const *args);

/* --quiet: no progress, plan, backend or "wrote" lines and no notes; errors and warnings stay. */
extern int dy_cli_quiet;
/* --verbose: more progress detail on stderr (per VEGAS iteration, per limit mass). */
extern int dy_cli_verbose;
/* --quiet and --verbose together: a usage error of cmd (2); else 0. */
int dy_cli_check_verbosity(const char *cmd);
/* Set while stdout carries a CSV or JSON summary: child processes write to stderr instead. */
extern int dy_cli_stdout_reserved;

/* --format of run and limit: the summary on stdout as a table (default), CSV or JSON; in CSV
 * and JSON modes nothing else goes to stdout.  -1 for an unknown name. */
enum { DY_FMT_TABLE = 0, DY_FMT_CSV = 1, DY_FMT_JSON = 2 };
int dy_cli_format_from_name(const char *s);

/* JSON pieces for the summaries: a string (quoted, escaped), a number (%.17g; null when not
 * finite, as JSON has no inf or nan), an array of n numbers. */
void dy_json_str(FILE *f, const char *s);
void dy_json_num(FILE *f, double x);
void dy_json_nums(FILE *f, const double *v, int n);
/* "key": for objects; first = 1 for the first key of an object (no comma). */
void dy_json_key(FILE *f, const char *key, int first);

/* --set key=value options collected by the commands (at most DY_CLI_MAX_SETS). */
#define DY_CLI_MAX_SETS 64

/* --stats FILE: the engine's statistics as JSON (docs/engine.md, "Statistics"); NULL path: no-op.
 * Returns the exit code (0, or 1 when the file cannot be written). */
int dy_cli_write_stats(const dy_engine *e, const char *path);

/* Open the engine named by --backend (NULL = auto/env) and print the choice to stderr. */
int dy_cli_open_engine(const char *name, dy_engine **e);
#endif
