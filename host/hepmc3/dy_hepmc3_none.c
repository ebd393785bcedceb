/* dy_hepmc3_none.c — dy_hepmc3.h without HepMC3: every call says how to get it. */
#include "hepmc3/dy_hepmc3.h"
#include <stdio.h>

static void why(char *msg, size_t n)
{
    if (n)
        snprintf(msg, n,
                 "this darkyield was built without HepMC3 (install Debian's "
                 "libhepmc3-dev, as scripts/setup.sh does, and configure again)");
}

int dy_hepmc3_available(void)
{
    return 0;
}

dy_hepmc3 *dy_hepmc3_open(dy_hepmc3_sink sink, void *ctx, const char *version, const char *text,
                          char *msg, size_t msg_size)
{
    (void)sink;
    (void)ctx;
    (void)version;
    (void)text;
    why(msg, msg_size);
    return NULL;
}

int dy_hepmc3_event(dy_hepmc3 *w, const dy_event *ev, long number, double sigma_pb, double error_pb,
                    char *msg, size_t msg_size)
{
    (void)w;
    (void)ev;
    (void)number;
    (void)sigma_pb;
    (void)error_pb;
    why(msg, msg_size);
    return -1;
}

int dy_hepmc3_close(dy_hepmc3 *w, char *msg, size_t msg_size)
{
    (void)w;
    (void)msg;
    (void)msg_size;
    return 0;
}

void dy_hepmc3_discard(dy_hepmc3 *w)
{
    (void)w;
}
