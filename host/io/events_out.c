/* events_out.c — LHEF and G4DarkBreM CSV writers with optional gzip (events_out.h). */
#include "io/events_out.h"
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>
#include "darkyield/dy_version.h"
#include "physics/dy_constants.h"

dy_status dy_evstream_open(dy_evstream *s, FILE *f, int gz, dy_error *err)
{
    memset(&s->z, 0, sizeof s->z);
    s->f = f;
    s->gz = gz;
    s->failed = 0;
    s->open = 1;
    /* windowBits 15 + 16: a gzip wrapper; zlib writes mtime 0 and no name (reproducible) */
    if (gz && deflateInit2(&s->z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return dy_error_set(err, DY_ERR_NOMEM, "gzip: cannot initialise zlib");
    return DY_OK;
}

static void deflate_out(dy_evstream *s, const void *data, size_t n, int flush)
{
    s->z.next_in = (unsigned char *)(uintptr_t)data;
    s->z.avail_in = (uInt)n;
    do {
        s->z.next_out = s->buf;
        s->z.avail_out = sizeof s->buf;
        if (deflate(&s->z, flush) == Z_STREAM_ERROR) s->failed = 1;
        const size_t k = sizeof s->buf - s->z.avail_out;
        if (k && fwrite(s->buf, 1, k, s->f) != k) s->failed = 1;
    } while (s->z.avail_out == 0);
}

static void put(dy_evstream *s, const char *t, size_t n)
{
    if (s->failed) return;
    if (s->gz)
        deflate_out(s, t, n, Z_NO_FLUSH);
    else if (fwrite(t, 1, n, s->f) != n)
        s->failed = 1;
}

void dy_evstream_write(dy_evstream *s, const char *data, size_t n)
{
    put(s, data, n);
}

void dy_evstream_printf(dy_evstream *s, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    const int k = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (k < 0 || (size_t)k >= sizeof line) { /* longer lines: the free text only */
        va_start(ap, fmt);
        char *big = k > 0 ? malloc((size_t)k + 1) : NULL;
        if (big) vsnprintf(big, (size_t)k + 1, fmt, ap);
        va_end(ap);
        if (!big) {
            s->failed = 1;
            return;
        }
        put(s, big, (size_t)k);
        free(big);
        return;
    }
    put(s, line, (size_t)k);
}

dy_status dy_evstream_close(dy_evstream *s, const char *path, dy_error *err)
{
    if (s->gz) {
        if (!s->failed) deflate_out(s, "", 0, Z_FINISH);
        deflateEnd(&s->z);
    }
    s->open = 0;
    if (s->failed || ferror(s->f))
        return dy_error_set(err, DY_ERR_IO, "%s: write failed: %s", path,
                            errno ? strerror(errno) : "I/O error");
    return DY_OK;
}

void dy_evstream_discard(dy_evstream *s)
{
    if (s->open && s->gz) deflateEnd(&s->z);
    s->open = 0;
}

/* Free text into the header: XML's &, < and > escaped, control and non-ASCII bytes (a command
 * line may hold anything) as '?'; "Znuc" (G4DarkBreM reads the target Z from the one line that
 * contains it) spelled "Z_nuc". */
static void put_text(dy_evstream *s, const char *t)
{
    for (; *t; ++t) {
        const unsigned char c = (unsigned char)*t;
        if ((c < 0x20 && c != '\n') || c >= 0x7f)
            put(s, "?", 1);
        else if (*t == '&')
            put(s, "&amp;", 5);
        else if (*t == '<')
            put(s, "&lt;", 4);
        else if (*t == '>')
            put(s, "&gt;", 4);
        else if (!strncmp(t, "Znuc", 4)) {
            put(s, "Z_nuc", 5);
            t += 3;
        } else
            put(s, t, 1);
    }
}

void dy_lhe_begin(dy_evstream *s, const dy_lhe_info *in)
{
    dy_evstream_printf(s, "<LesHouchesEvents version=\"3.0\">\n<header>\n<darkyield>\n");
    if (in->text) put_text(s, in->text);
    /* the target as a param-card line "<index> <Z> # Znuc": how G4DarkBreM's LHE reader
     * learns the library's Z (as from dark-brem-lib-gen's MadGraph param_card) */
    if (in->Z > 0.0) /* no nucleus (dark Compton on an electron): no such block */
        dy_evstream_printf(s,
                           "</darkyield>\n<slha>\nBLOCK DARKYIELD_TARGET\n"
                           "    1 %.6e # Znuc\n    2 %.6e # A (mass number)\n</slha>\n"
                           "</header>\n",
                           in->Z, in->A);
    else
        dy_evstream_printf(s, "</darkyield>\n</header>\n");
    /* IDWTUP 3: unweighted events of weight +1; XSECUP, XERRUP in pb; XMAXUP 1 */
    dy_evstream_printf(s,
                       "<init>\n%d %d %.12e %.12e 0 0 0 0 3 1\n%.10e %.4e %.10e 1\n"
                       "<generator name=\"darkyield\" version=\"%s\">exact tree level, "
                       "VEGAS map, accept-reject</generator>\n</init>\n",
                       in->beam_pdg, in->nucleus_pdg, in->E0, in->M, in->sigma, in->error, 1.0,
                       DY_VERSION);
}

void dy_lhe_event(dy_evstream *s, const dy_event *ev)
{
    /* NUP IDPRUP XWGTUP SCALUP (sqrt t, GeV) AQEDUP AQCDUP (none: -1) */
    dy_evstream_printf(s, "<event>\n%d 1 %.10e %.10e %.10e %.10e\n", ev->n, 1.0, sqrt(ev->t),
                       DY_ALPHA_EM, -1.0);
    for (int i = 0; i < ev->n; ++i) {
        const dy_event_particle *q = &ev->part[i];
        const int def = q->status == 1 && !q->mother[0];
        const int mo = def ? 1 : q->mother[0], mo2 = def ? 2 : q->mother[1];
        /* IDUP ISTUP MOTHUP(2) ICOLUP(2) px py pz E m VTIMUP SPINUP (9: unpolarised) */
        dy_evstream_printf(s, "%d %d %d %d 0 0 %.12e %.12e %.12e %.12e %.12e 0 9\n", q->pdg,
                           q->status, mo, mo2, q->p[1], q->p[2], q->p[3], q->p[0], q->m);
    }
    dy_evstream_printf(s, "</event>\n");
}

void dy_lhe_end(dy_evstream *s)
{
    dy_evstream_printf(s, "</LesHouchesEvents>\n");
}

void dy_csv_begin(dy_evstream *s)
{
    dy_evstream_printf(s, "target_Z,incident_energy,recoil_energy,recoil_px,recoil_py,recoil_pz,"
                          "centerMomentum_energy,centerMomentum_px,centerMomentum_py,"
                          "centerMomentum_pz\n");
}

void dy_csv_event(dy_evstream *s, double Z, double E0, const dy_event *ev, double unit)
{
    const double *l = ev->part[2].p, *x = ev->part[4].p;
    dy_evstream_printf(s, "%d,%.17g,%.12e,%.12e,%.12e,%.12e,%.12e,%.12e,%.12e,%.12e\n",
                       (int)(Z + 0.5), E0 * unit, l[0] * unit, l[1] * unit, l[2] * unit,
                       l[3] * unit, (l[0] + x[0]) * unit, (l[1] + x[1]) * unit,
                       (l[2] + x[2]) * unit, (l[3] + x[3]) * unit);
}

void dy_events_header_command(FILE *f, int argc, char **argv)
{
    fprintf(f, "generator: darkyield %s\ncommand: darkyield", DY_VERSION);
    for (int i = 0; i < argc; ++i)
        fprintf(f, " %s", argv[i]);
}
