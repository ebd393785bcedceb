/* events_out.h — event files: LHEF 3.0 (Alwall et al., hep-ph/0609017; Les Houches 2013,
 * arXiv:1405.1067 for version 3.0) and G4DarkBreM's CSV library, plain or gzip (zlib; the
 * gzip header carries no time stamp, so a seed gives the same bytes).  docs/events.md. */
#ifndef DY_EVENTS_OUT_H
#define DY_EVENTS_OUT_H
#include <stdio.h>
#include <zlib.h>
#include "darkyield/dy.h"
#include "physics/brem_event.h"

/* Text written to f (owned by the caller: an outset member), through deflate when gz. */
typedef struct dy_evstream {
    FILE *f;
    int gz, failed, open;
    z_stream z;
    unsigned char buf[1 << 16];
} dy_evstream;

dy_status dy_evstream_open(dy_evstream *s, FILE *f, int gz, dy_error *err);
void dy_evstream_printf(dy_evstream *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* n bytes as they are. */
void dy_evstream_write(dy_evstream *s, const char *data, size_t n);
/* Finish (flush deflate) and release zlib's state; DY_ERR_IO when any write failed.  f stays
 * open. */
dy_status dy_evstream_close(dy_evstream *s, const char *path, dy_error *err);

/* Release zlib's state after a failure (no-op once closed). */
void dy_evstream_discard(dy_evstream *s);

/* What the <init> block and the header say about one file's events. */
typedef struct dy_lhe_info {
    int beam_pdg, nucleus_pdg;
    double E0, M;        /* beam (total) energy and nucleus mass, GeV */
    double Z, A;         /* target (Z = 0: none, no <slha> block) */
    double sigma, error; /* pb, the cross section the events sample, one standard deviation */
    const char *text;    /* free header lines (escaped for XML and for G4DarkBreM here) */
} dy_lhe_info;

/* The first lines of every events file's header text: generator and version, then the command
 * line as given (argv without the program name). */
void dy_events_header_command(FILE *f, int argc, char **argv);

void dy_lhe_begin(dy_evstream *s, const dy_lhe_info *info);
void dy_lhe_event(dy_evstream *s, const dy_event *ev);
void dy_lhe_end(dy_evstream *s);

/* G4DarkBreM's CSV library: one line of column names, then per event target Z, incident
 * energy, the recoil lepton's (E, px, py, pz) and the centre of momentum of lepton + X
 * (E, px, py, pz), in `unit` GeV (1) or MeV (1000).  No comment lines: its reader takes the
 * first line as the header and every later one as numbers. */
void dy_csv_begin(dy_evstream *s);
void dy_csv_event(dy_evstream *s, double Z, double E0, const dy_event *ev, double unit);
#endif
