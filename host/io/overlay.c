/* overlay.c — the overlay CSV reader (docs/limits.md §7.1): '#' comments and blank lines, one
 * header naming the plane, then rows of two positive decimal numbers.  Strict, so that a curve
 * drawn on a published plot is never silently misread (a shifted column, a hex or nan value). */
#include "io/overlay.h"
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "io/infile.h"

/* trim spaces and tabs at both ends, in place */
static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        ++s;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

/* user text for a message: at most 40 characters, non-printable ones as '?' */
static const char *shown(const char *s, char out[48])
{
    size_t n = 0;
    for (; s[n] && n < 40; ++n)
        out[n] = isprint((unsigned char)s[n]) ? s[n] : '?';
    if (s[n]) out[n - 1] = out[n - 2] = out[n - 3] = '.';
    out[n] = '\0';
    return out;
}

/* a decimal number, nothing else: digits, sign, point, exponent (no hex, inf, nan) */
static int parse_decimal(const char *s, double *x)
{
    if (!*s) return 0;
    for (const char *p = s; *p; ++p)
        if (!isdigit((unsigned char)*p) && !strchr("+-.eE", *p)) return 0;
    char *end;
    *x = strtod(s, &end);
    return *end == '\0' && end != s;
}

static dy_status parse(char *text, const char *path, const char *coupling, int allow_y,
                       dy_overlay_plane *plane, int *n_points, dy_error *err)
{
    int line = 0, have_header = 0, rows = 0;
    const char *xname = "mass_GeV", *yname = coupling;
    for (char *next = text; next && *next;) {
        char *p = next;
        ++line;
        char *nl = strchr(p, '\n');
        if (nl) *nl = '\0';
        next = nl ? nl + 1 : NULL;
        if (strlen(p) > 1000)
            return dy_error_set(err, DY_ERR_INVALID, "%s:%d: line longer than 1000 characters",
                                path, line);
        p[strcspn(p, "\r")] = '\0';
        if (line == 1 && !strncmp(p, "\xEF\xBB\xBF", 3)) p += 3; /* a UTF-8 byte-order mark */
        p = trim(p);
        if (!*p || *p == '#') continue;
        char *comma = strchr(p, ',');
        if (!comma || strchr(comma + 1, ','))
            return dy_error_set(err, DY_ERR_INVALID, "%s:%d: expected 2 comma-separated columns",
                                path, line);
        *comma = '\0';
        char *a = trim(p), *b = trim(comma + 1);
        if (!have_header) {
            have_header = 1;
            if (!strcmp(a, "mass_GeV") && !strcmp(b, coupling)) {
                *plane = DY_OVERLAY_COUPLING;
            } else if (allow_y && !strcmp(a, "m_chi_GeV") && !strcmp(b, "y")) {
                *plane = DY_OVERLAY_Y;
                xname = "m_chi_GeV";
                yname = "y";
            } else {
                char qa[48], qb[48];
                return dy_error_set(err, DY_ERR_INVALID,
                                    "%s:%d: header '%s,%s': this limit takes 'mass_GeV,%s'%s", path,
                                    line, shown(a, qa), shown(b, qb), coupling,
                                    allow_y ? " or 'm_chi_GeV,y'" : "");
            }
            continue;
        }
        double x, y;
        char qa[48], qb[48];
        const int xa = parse_decimal(a, &x);
        if (!xa || !parse_decimal(b, &y))
            return dy_error_set(err, DY_ERR_INVALID, "%s:%d: '%s' is not a decimal number (%s)",
                                path, line, shown(xa ? b : a, qa), xa ? yname : xname);
        if (!isfinite(x) || !isfinite(y) || !(x > 0.0) || !(y > 0.0))
            return dy_error_set(err, DY_ERR_INVALID,
                                "%s:%d: %s = %s, %s = %s: both must be finite and > 0 (log axes)",
                                path, line, xname, shown(a, qa), yname, shown(b, qb));
        if (++rows > DY_OVERLAY_MAX_ROWS)
            return dy_error_set(err, DY_ERR_INVALID, "%s:%d: more than %d rows", path, line,
                                DY_OVERLAY_MAX_ROWS);
    }
    if (!have_header)
        return dy_error_set(err, DY_ERR_INVALID, "%s: no header line ('mass_GeV,%s')", path,
                            coupling);
    if (rows < 2)
        return dy_error_set(err, DY_ERR_INVALID, "%s: %d data row%s; a curve needs at least 2",
                            path, rows, rows == 1 ? "" : "s");
    *n_points = rows;
    return DY_OK;
}

dy_status dy_overlay_parse(const unsigned char *data, size_t n, const char *path,
                           const char *coupling, int allow_y, dy_overlay_plane *plane,
                           int *n_points, dy_error *err)
{
    const unsigned char *nul = memchr(data, '\0', n);
    if (nul) {
        int line = 1;
        for (const unsigned char *q = data; q < nul; ++q)
            line += *q == '\n';
        return dy_error_set(err, DY_ERR_INVALID, "%s:%d: a NUL byte: not a text file", path, line);
    }
    char *text = malloc(n + 1); /* parse() cuts lines in place */
    if (!text) return dy_error_set(err, DY_ERR_NOMEM, "out of memory");
    memcpy(text, data, n);
    text[n] = '\0';
    dy_overlay_plane pl = DY_OVERLAY_COUPLING;
    int rows = 0;
    const dy_status st = parse(text, path, coupling, allow_y, &pl, &rows, err);
    free(text);
    if (st == DY_OK) {
        if (plane) *plane = pl;
        if (n_points) *n_points = rows;
    }
    return st;
}

dy_status dy_overlay_check(const char *path, const char *coupling, int allow_y,
                           dy_overlay_plane *plane, int *n_points, dy_error *err)
{
    unsigned char *buf = NULL;
    size_t n = 0;
    /* regular files only, at most 16 MiB (100000 rows of two numbers fit in 5) */
    dy_status st = dy_read_regular_file(path, "overlay file", (size_t)16 << 20, &buf, &n, err);
    if (st != DY_OK) return st;
    st = dy_overlay_parse(buf, n, path, coupling, allow_y, plane, n_points, err);
    free(buf);
    return st;
}
