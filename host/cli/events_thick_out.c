/* events_thick_out.c — the file formats of `darkyield events --config` (events_thick.h). */
#include <stdio.h>
#include "cli/events_thick.h"
#include "hepmc3/dy_hepmc3.h"

static void sink(void *ctx, const char *text, size_t n) /* HepMC3's text into the stream */
{
    dy_evstream_write((dy_evstream *)ctx, text, n);
}

int dy_thick_out_begin(dy_thick_out *w, const dy_thick_opts *o, dy_evstream *zs,
                       const dy_lhe_info *info)
{
    w->zs = zs;
    w->hw = NULL;
    w->format = o->format;
    w->unit = o->unit > 0.0 ? o->unit : 1.0;
    w->sigma = info->sigma;
    w->error = info->error;
    w->path = o->output;
    if (w->format == DY_THICK_CSV) {
        dy_csv_begin(zs);
    } else if (w->format == DY_THICK_HEPMC3) {
        char msg[256];
        if (!(w->hw = dy_hepmc3_open(sink, zs, DY_VERSION, info->text, msg, sizeof msg))) {
            fprintf(stderr, "darkyield: error: %s: %s\n", w->path, msg);
            return 1;
        }
    } else {
        dy_lhe_begin(zs, info);
    }
    return 0;
}

/* G4DarkBreM's CSV: the target's Z from the nucleus line's PDG id 100ZZZAAA0 */
static double nucleus_Z(const dy_event *ev)
{
    const int id = ev->part[1].pdg;
    return id > 1000000000 ? (double)((id / 10000) % 1000) : 0.0;
}

int dy_thick_out_event(dy_thick_out *w, const dy_event *ev, uint64_t j, double E_inc)
{
    if (w->format == DY_THICK_CSV) {
        dy_csv_event(w->zs, nucleus_Z(ev), E_inc, ev, w->unit);
    } else if (w->format == DY_THICK_HEPMC3) {
        char msg[256];
        if (dy_hepmc3_event(w->hw, ev, (long)j + 1, w->sigma, w->error, msg, sizeof msg)) {
            fprintf(stderr, "darkyield: error: %s: %s\n", w->path, msg);
            return 1;
        }
    } else {
        dy_lhe_event(w->zs, ev);
    }
    return 0;
}

int dy_thick_out_end(dy_thick_out *w)
{
    if (w->format == DY_THICK_HEPMC3) {
        char msg[256];
        const int r = dy_hepmc3_close(w->hw, msg, sizeof msg);
        w->hw = NULL;
        if (r) {
            fprintf(stderr, "darkyield: error: %s: %s\n", w->path, msg);
            return 1;
        }
    } else if (w->format == DY_THICK_LHE) {
        dy_lhe_end(w->zs);
    }
    return 0;
}

void dy_thick_out_discard(dy_thick_out *w)
{
    if (w->hw) dy_hepmc3_discard(w->hw);
    w->hw = NULL;
}
