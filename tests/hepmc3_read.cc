// hepmc3_read.cc DARKYIELD BUILD_DIR — `darkyield events --format hepmc3` files read back by
// HepMC3::ReaderAscii: the run info (tool darkyield, weight "Default"), the event count, every
// event's particle ids and statuses (beams 4, final 1, the annihilation's A'* 2), four-momentum
// balance at every vertex, the cross section; and each event equal, particle by particle, to
// the LHE event of the same seed (LHE prints 13 digits).  Brem, Primakoff, dark Compton and both
// annihilation channels.
#include <HepMC3/GenCrossSection.h>
#include <HepMC3/GenEvent.h>
#include <HepMC3/GenParticle.h>
#include <HepMC3/GenRunInfo.h>
#include <HepMC3/GenVertex.h>
#include <HepMC3/ReaderAscii.h>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

static int failures = 0;
#define CHECK(c, ...)                                                                              \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            std::fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #c);                      \
            std::fprintf(stderr, __VA_ARGS__);                                                     \
            std::fprintf(stderr, "\n");                                                            \
            ++failures;                                                                            \
        }                                                                                          \
    } while (0)

static const int N = 300;

// darkyield with these arguments, no shell
static int run(const std::vector<std::string> &args)
{
    std::vector<char *> argv;
    for (const auto &a : args)
        argv.push_back(const_cast<char *>(a.c_str()));
    argv.push_back(nullptr);
    const pid_t pid = fork();
    if (pid == 0) {
        execv(argv[0], argv.data());
        _exit(127);
    }
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) < 0) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

struct Part {
    int id, status;
    double p[4]; // px py pz E
};

// the events of an LHE file: each a list of particles
static std::vector<std::vector<Part>> read_lhe(const std::string &path, double *sigma)
{
    std::ifstream f(path);
    std::string line;
    std::vector<std::vector<Part>> ev;
    bool init = false;
    int left = -1;
    while (std::getline(f, line)) {
        if (line == "<init>") {
            std::getline(f, line); // beams
            std::getline(f, line); // sigma
            std::istringstream(line) >> *sigma;
            init = true;
        } else if (init && line == "<event>") {
            std::getline(f, line);
            std::istringstream(line) >> left;
            ev.emplace_back();
        } else if (left > 0) {
            Part q;
            int skip;
            std::istringstream s(line);
            s >> q.id >> q.status >> skip >> skip >> skip >> skip >> q.p[0] >> q.p[1] >> q.p[2] >>
                q.p[3];
            ev.back().push_back(q);
            --left;
        }
    }
    return ev;
}

// px, py, pz, E as the LHE columns
static double comp(const HepMC3::FourVector &v, int k)
{
    return k == 0 ? v.px() : k == 1 ? v.py() : k == 2 ? v.pz() : v.e();
}

static int hepmc_status(int lhe)
{
    return lhe == -1 ? 4 : lhe;
}

static void check_case(const std::string &dy, const std::string &dir, const std::string &tag,
                       const std::vector<std::string> &opts)
{
    const std::string h = dir + "/" + tag + ".hepmc3", l = dir + "/" + tag + ".lhe";
    for (const auto &out : {h, l}) {
        std::vector<std::string> a = {dy, "events"};
        a.insert(a.end(), opts.begin(), opts.end());
        for (const char *x : {"--n", "300", "--seed", "7", "--backend", "cpu", "--quiet"})
            a.push_back(x);
        a.push_back("--format");
        a.push_back(out == h ? "hepmc3" : "lhe");
        a.push_back("--output");
        a.push_back(out);
        CHECK(run(a) == 0, "%s: darkyield failed", out.c_str());
    }
    double sigma = 0;
    const auto lhe = read_lhe(l, &sigma);
    CHECK((int)lhe.size() == N, "%s: %zu LHE events", tag.c_str(), lhe.size());
    HepMC3::ReaderAscii r(h);
    int n = 0;
    for (;;) {
        HepMC3::GenEvent e;
        r.read_event(e);
        if (r.failed()) break;
        if (n == 0) {
            auto run = r.run_info();
            CHECK(run && !run->tools().empty() && run->tools()[0].name == "darkyield", "%s: tool",
                  tag.c_str());
            CHECK(run && run->weight_names().size() == 1 && run->weight_names()[0] == "Default",
                  "%s: weight names", tag.c_str());
            CHECK(run && run->attribute_as_string("darkyield").find("seed: 7") != std::string::npos,
                  "%s: the darkyield attribute", tag.c_str());
        }
        CHECK(e.event_number() == n + 1, "%s: event number %d", tag.c_str(), e.event_number());
        CHECK(e.momentum_unit() == HepMC3::Units::GEV, "%s: unit", tag.c_str());
        CHECK(e.weights().size() == 1 && e.weights()[0] == 1.0, "%s: weight", tag.c_str());
        auto cs = e.cross_section();
        CHECK(cs && std::fabs(cs->xsec() - sigma) <= 1e-7 * sigma, "%s: sigma %g vs %g",
              tag.c_str(), cs ? cs->xsec() : 0.0, sigma);
        // vertices balance
        for (const auto &v : e.vertices()) {
            double in[4] = {0, 0, 0, 0}, out[4] = {0, 0, 0, 0};
            for (const auto &p : v->particles_in())
                for (int k = 0; k < 4; ++k)
                    in[k] += comp(p->momentum(), k);
            for (const auto &p : v->particles_out())
                for (int k = 0; k < 4; ++k)
                    out[k] += comp(p->momentum(), k);
            for (int k = 0; k < 4; ++k)
                CHECK(std::fabs(in[k] - out[k]) <= 1e-12 * (std::fabs(in[3]) + 1.0),
                      "%s event %d: vertex imbalance %g in component %d", tag.c_str(), n,
                      in[k] - out[k], k);
            CHECK(!v->particles_in().empty() && !v->particles_out().empty(), "%s: empty vertex",
                  tag.c_str());
        }
        // the same particles as the LHE event of the same seed
        if (n < (int)lhe.size()) {
            const auto &q = lhe[n];
            CHECK(e.particles().size() == q.size(), "%s event %d: %zu particles vs %zu",
                  tag.c_str(), n, e.particles().size(), q.size());
            for (size_t i = 0; i < q.size() && i < e.particles().size(); ++i) {
                const auto &p = e.particles()[i];
                CHECK(p->pid() == q[i].id && p->status() == hepmc_status(q[i].status),
                      "%s event %d particle %zu: id %d status %d vs LHE %d %d", tag.c_str(), n, i,
                      p->pid(), p->status(), q[i].id, q[i].status);
                for (int k = 0; k < 4; ++k)
                    CHECK(std::fabs(comp(p->momentum(), k) - q[i].p[k]) <=
                              1e-12 * std::fabs(q[i].p[3]) + 1e-300,
                          "%s event %d particle %zu component %d: %.17g vs LHE %.17g", tag.c_str(),
                          n, i, k, comp(p->momentum(), k), q[i].p[k]);
            }
        }
        ++n;
    }
    CHECK(n == N, "%s: ReaderAscii read %d events", tag.c_str(), n);
    std::printf("%s: %d events read back by HepMC3::ReaderAscii, equal to the LHE ones\n",
                tag.c_str(), n);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: hepmc3_read DARKYIELD BUILD_DIR\n");
        return 2;
    }
    const std::string dy = argv[1], dir = std::string(argv[2]) + "/test_hepmc3";
    CHECK(run({"/bin/rm", "-rf", dir}) == 0, "rm");
    CHECK(run({"/bin/mkdir", "-p", dir}) == 0, "mkdir");
    check_case(dy, dir, "brem",
               {"--process", "brem", "--target", "W", "--energy", "8", "--mass", "0.1"});
    check_case(dy, dir, "primakoff",
               {"--process", "primakoff", "--target", "W", "--energy", "8", "--mass", "0.1"});
    check_case(dy, dir, "compton", {"--process", "compton", "--energy", "8", "--mass", "0.05"});
    check_case(dy, dir, "annihilation",
               {"--process", "annihilation", "--energy", "2.45", "--mass", "0.05"});
    check_case(
        dy, dir, "gammaAp",
        {"--process", "annihilation", "--channel", "gamma", "--energy", "8", "--mass", "0.05"});
    if (failures) std::fprintf(stderr, "%d failures\n", failures);
    return failures ? 1 : 0;
}
