// dy_hepmc3.cc — dy_hepmc3.h with HepMC3::WriterAscii (HepMC3 ASCII format version 3).
#include "hepmc3/dy_hepmc3.h"
#include <HepMC3/GenCrossSection.h>
#include <HepMC3/GenEvent.h>
#include <HepMC3/GenParticle.h>
#include <HepMC3/GenRunInfo.h>
#include <HepMC3/GenVertex.h>
#include <HepMC3/WriterAscii.h>
#include <cstdio>
#include <exception>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

struct dy_hepmc3 {
    dy_hepmc3_sink sink;
    void *ctx;
    std::ostringstream os;
    std::shared_ptr<HepMC3::GenRunInfo> run;
    std::unique_ptr<HepMC3::WriterAscii> writer;

    // what the writer has produced so far goes to the sink
    void drain()
    {
        const std::string s = os.str();
        if (!s.empty()) sink(ctx, s.data(), s.size());
        os.str(std::string());
        os.clear();
    }
};

static void say(char *msg, size_t n, const char *what)
{
    if (n) std::snprintf(msg, n, "HepMC3: %s", what);
}

extern "C" int dy_hepmc3_available(void)
{
    return 1;
}

extern "C" dy_hepmc3 *dy_hepmc3_open(dy_hepmc3_sink sink, void *ctx, const char *version,
                                     const char *text, char *msg, size_t msg_size)
{
    try {
        std::unique_ptr<dy_hepmc3> w(new dy_hepmc3);
        w->sink = sink;
        w->ctx = ctx;
        w->run = std::make_shared<HepMC3::GenRunInfo>();
        HepMC3::GenRunInfo::ToolInfo tool;
        tool.name = "darkyield";
        tool.version = version ? version : "";
        tool.description = "exact tree level, VEGAS map, accept-reject";
        w->run->tools().push_back(tool);
        w->run->set_weight_names({"Default"});
        // one line: the ASCII format keeps an attribute on one line
        std::string t = text ? text : "";
        for (char &c : t)
            if (c == '\n' || c == '\r') c = ';';
        w->run->add_attribute("darkyield", std::make_shared<HepMC3::StringAttribute>(t));
        w->writer.reset(new HepMC3::WriterAscii(w->os, w->run));
        if (w->writer->failed()) {
            say(msg, msg_size, "cannot start the writer");
            return nullptr;
        }
        w->drain();
        return w.release();
    } catch (const std::exception &e) {
        say(msg, msg_size, e.what());
    } catch (...) {
        say(msg, msg_size, "unknown failure");
    }
    return nullptr;
}

static int hepmc_status(int lhe)
{
    return lhe == -1 ? 4 : lhe; // incoming beams; 1 final; 2 decayed (the s-channel A'*)
}

extern "C" int dy_hepmc3_event(dy_hepmc3 *w, const dy_event *ev, long number, double sigma_pb,
                               double error_pb, char *msg, size_t msg_size)
{
    try {
        HepMC3::GenEvent e(w->run, HepMC3::Units::GEV, HepMC3::Units::MM);
        e.set_event_number(static_cast<int>(number));
        e.weights() = std::vector<double>{1.0};
        std::vector<HepMC3::GenParticlePtr> part;
        for (int i = 0; i < ev->n; ++i) {
            const dy_event_particle &q = ev->part[i];
            auto p = std::make_shared<HepMC3::GenParticle>(
                HepMC3::FourVector(q.p[1], q.p[2], q.p[3], q.p[0]), q.pdg, hepmc_status(q.status));
            p->set_generated_mass(q.m);
            part.push_back(p);
        }
        // a vertex per mother pair (1-based, LHEF MOTHUP: the range first..last)
        std::map<std::pair<int, int>, HepMC3::GenVertexPtr> vtx;
        for (int i = 0; i < ev->n; ++i) {
            const dy_event_particle &q = ev->part[i];
            if (q.status == -1) continue;
            const int a = q.mother[0] ? q.mother[0] : 1, b = q.mother[0] ? q.mother[1] : 2;
            if (a < 1 || b < a || b > ev->n) {
                say(msg, msg_size, "a particle's mothers lie outside the event");
                return -1;
            }
            auto &v = vtx[{a, b}];
            if (!v) {
                v = std::make_shared<HepMC3::GenVertex>();
                for (int k = a; k <= b; ++k)
                    v->add_particle_in(part[k - 1]);
                e.add_vertex(v);
            }
            v->add_particle_out(part[i]);
        }
        auto cs = std::make_shared<HepMC3::GenCrossSection>();
        cs->set_cross_section(sigma_pb, error_pb);
        e.set_cross_section(cs);
        w->writer->write_event(e);
        if (w->writer->failed()) {
            say(msg, msg_size, "write failed");
            return -1;
        }
        w->drain();
        return 0;
    } catch (const std::exception &x) {
        say(msg, msg_size, x.what());
    } catch (...) {
        say(msg, msg_size, "unknown failure");
    }
    return -1;
}

extern "C" int dy_hepmc3_close(dy_hepmc3 *w, char *msg, size_t msg_size)
{
    if (!w) return 0;
    int rc = 0;
    try {
        w->writer->close();
        w->drain();
    } catch (const std::exception &x) {
        say(msg, msg_size, x.what());
        rc = -1;
    }
    delete w;
    return rc;
}

extern "C" void dy_hepmc3_discard(dy_hepmc3 *w)
{
    delete w; // the writer's destructor may close its stream: nothing more reaches the sink
}
