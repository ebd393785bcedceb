/* dy_hepmc3.h — HepMC3 ASCII event files (Buckley et al., "The HepMC3 event record library for
 * Monte Carlo event generators", arXiv:1912.08005) behind a C interface: dy_hepmc3.cc writes them
 * with HepMC3::WriterAscii when the build found Debian's libhepmc3-dev, dy_hepmc3_none.c says it
 * cannot otherwise.  The text goes to a sink (the caller's stream: gzip and the all-or-nothing
 * output set stay the caller's).  Only the command line links this (libdarkyield stays C). */
#ifndef DY_HEPMC3_H
#define DY_HEPMC3_H
#include <stddef.h>
#include "physics/brem_event.h"
#ifdef __cplusplus
extern "C" {
#endif

typedef void (*dy_hepmc3_sink)(void *ctx, const char *text, size_t n);
typedef struct dy_hepmc3 dy_hepmc3;

/* 1 when this build writes HepMC3, else 0. */
int dy_hepmc3_available(void);

/* A writer whose header (HepMC3's version line, the run info: darkyield as the tool, one weight
 * "Default", the free text as the attribute "darkyield") goes to sink.  NULL (msg set) when
 * HepMC3 is not available or on failure. */
dy_hepmc3 *dy_hepmc3_open(dy_hepmc3_sink sink, void *ctx, const char *version, const char *text,
                          char *msg, size_t msg_size);

/* Event number (from 1) of the LHEF-like record ev: status -1 -> 4 (beam), 1 -> 1 (final), 2 -> 2
 * (decayed); one vertex per distinct mother pair (the default pair of a final particle is 1 2);
 * momenta in GeV, lengths in mm; weight 1; cross section sigma +- error in pb.  0, or -1 (msg). */
int dy_hepmc3_event(dy_hepmc3 *w, const dy_event *ev, long number, double sigma_pb, double error_pb,
                    char *msg, size_t msg_size);

/* Write the footer and free w (NULL: nothing).  0, or -1 (msg) on failure. */
int dy_hepmc3_close(dy_hepmc3 *w, char *msg, size_t msg_size);

/* Free w without a footer (after a failure elsewhere). */
void dy_hepmc3_discard(dy_hepmc3 *w);
#ifdef __cplusplus
}
#endif
#endif
