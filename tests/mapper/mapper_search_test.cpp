// SPDX-License-Identifier: MIT
// The mapper on the SystemC model (docs/mapper.md), on random small conv and GEMM layers over every tiny
// config (WS, IS, OS):
//   - the bound-pruned search chooses a program as fast as the exhaustive search, and never slower than the
//     heuristic program; every run passes the value check;
//   - every candidate mapping, replayed, is a correct program and takes at least its lower bound.
// Each run_workload call runs in a forked child (forked_runs.h): SystemC elaborates once per process.
// The layers come from fixed seeds; SASIM_MAPPER_TEST_SEED=N draws others (to hunt by hand), and
// SASIM_MAPPER_TEST_VERBOSE=1 prints every searched layer's choice.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "compiler/compiler.h"
#include "compiler/mapping.h"
#include "config/config.h"
#include "forked_runs.h"
#include "model/program_bound.h"
#include "sc/simulator.h"
#include "workload/workload.h"

using namespace sasim;
using mappertest::LayerResult;
using mappertest::RunJob;
using mappertest::RunResult;

namespace {

const char* const kTinyConfigs[] = {"tiny_2x2_ws", "tiny_3x5_os", "tiny_4x4_is", "tiny_4x4_os",
                                    "tiny_4x4_ws", "tiny_4x8_ws", "tiny_8x8_ws"};
constexpr size_t kNumConfigs = sizeof(kTinyConfigs) / sizeof(kTinyConfigs[0]);

Config tiny_config(size_t i) {
    return load_config(std::string(SASIM_SOURCE_DIR) + "/configs/" + kTinyConfigs[i] + ".json");
}

// The fixed seed of a test, or SASIM_MAPPER_TEST_SEED when set (to explore other layers by hand).
uint32_t test_seed(uint32_t fixed) {
    const char* env = std::getenv("SASIM_MAPPER_TEST_SEED");
    return env != nullptr && *env != '\0' ? static_cast<uint32_t>(std::strtoul(env, nullptr, 10)) : fixed;
}

unsigned parallel_children() { return std::max(1u, std::min(4u, std::thread::hardware_concurrency())); }

class LayerGen {
public:
    explicit LayerGen(uint32_t seed) : m_rng(seed) {}

    uint32_t pick(uint32_t lo, uint32_t hi) { return std::uniform_int_distribution<uint32_t>(lo, hi)(m_rng); }
    bool chance(uint32_t one_in) { return pick(1, one_in) == 1; }

    // A random conv: input 3..12 square or not, 1..40 channels in and out, kernels 1..3 (rectangular
    // allowed), strides 1..2, padding 0..2 (asymmetric now and then), dilation 2 and groups (depthwise
    // included) now and then, batch 1..2. Redrawn until the shape is valid.
    Layer conv(const std::string& name) {
        for (;;) {
            Layer l;
            l.name = name;
            l.kind = LayerKind::Conv;
            l.origin = "tests/mapper/mapper_search_test.cpp: " + name;
            ConvShape& c = l.conv;
            c.batch = pick(1, 2);
            c.in_h = pick(3, 12);
            c.in_w = chance(2) ? c.in_h : pick(3, 12);
            c.kernel_h = pick(1, 3);
            c.kernel_w = chance(3) ? pick(1, 3) : c.kernel_h;
            c.stride_h = pick(1, 2);
            c.stride_w = chance(4) ? pick(1, 2) : c.stride_h;
            const uint32_t pad = pick(0, 2);
            c.pad_top = c.pad_bottom = c.pad_left = c.pad_right = pad;
            if (chance(4)) {
                c.pad_bottom = pick(0, 2);
                c.pad_right = pick(0, 2);
            }
            if (chance(6)) c.dilation_h = 2;
            if (chance(6)) c.dilation_w = 2;
            const uint32_t kind = pick(1, 8);
            if (kind == 1) {  // depthwise (channel multiplier 1 or 2)
                c.in_c = c.groups = pick(1, 20);
                c.out_c = c.in_c * pick(1, 2);
            } else if (kind == 2) {  // grouped
                c.groups = pick(2, 4);
                c.in_c = c.groups * pick(1, 40 / c.groups);
                c.out_c = c.groups * pick(1, 40 / c.groups);
            } else {
                c.in_c = pick(1, 40);
                c.out_c = pick(1, 40);
            }
            if (validate_layer(l).empty()) return l;
        }
    }

    Layer gemm(const std::string& name) {
        Layer l;
        l.name = name;
        l.kind = LayerKind::Gemm;
        l.origin = "tests/mapper/mapper_search_test.cpp: " + name;
        l.gemm.batch = chance(6) ? 2 : 1;
        l.gemm.m = pick(1, 60);
        l.gemm.n = pick(1, 60);
        l.gemm.k = pick(1, 60);
        return l;
    }

    // A random conv (3 in 4) or GEMM that the heuristic compiler can map on `cfg`.
    Layer mappable(const std::string& name, const Config& cfg) {
        for (;;) {
            Layer l = chance(4) ? gemm(name) : conv(name);
            Workload one;
            one.layers.push_back(l);
            if (sc::check_mappable(cfg, one).empty()) return l;
        }
    }

private:
    std::mt19937 m_rng;
};

}  // namespace

TEST_CASE("mapper: the bound-pruned search is exact and never slower than the heuristic (random layers)",
          "[sc][mapper]") {
    const auto started = std::chrono::steady_clock::now();
    constexpr size_t kLayers = 160;
    LayerGen gen(test_seed(20261204));
    std::vector<Config> cfgs;
    for (size_t i = 0; i < kNumConfigs; ++i) cfgs.push_back(tiny_config(i));

    // Each layer on a random config; one workload per config.
    std::vector<Workload> per_cfg(kNumConfigs);
    std::map<std::string, std::string> shape_of;  // layer name -> shape, for failure messages
    for (size_t i = 0; i < kLayers; ++i) {
        const size_t ci = gen.pick(0, kNumConfigs - 1);
        const std::string name = "l" + std::to_string(i);
        const Layer l = gen.mappable(name, cfgs[ci]);
        shape_of[name] = describe_shape(l);
        per_cfg[ci].name = kTinyConfigs[ci];
        per_cfg[ci].layers.push_back(l);
    }

    // Three runs per config: heuristic, search, exhaustive search (same seed: same operand values).
    const char* const modes[] = {"heuristic", "search", "exhaustive"};
    std::vector<RunJob> jobs;
    for (size_t ci = 0; ci < kNumConfigs; ++ci) {
        if (per_cfg[ci].layers.empty()) continue;
        for (const char* mode : modes) {
            RunJob j;
            j.label = std::string(kTinyConfigs[ci]) + " " + mode;
            j.cfg = cfgs[ci];
            j.wl = per_cfg[ci];
            j.opt.seed = 7;
            j.opt.mapper = std::string(mode) == "heuristic" ? "heuristic" : "search";
            j.opt.exhaustive_search = std::string(mode) == "exhaustive";
            jobs.push_back(std::move(j));
        }
    }
    const std::vector<RunResult> res = mappertest::run_forked(jobs, parallel_children());

    size_t layers_seen = 0, chosen_mapped = 0, pruned = 0;
    for (size_t j = 0; j < jobs.size(); j += 3) {
        const RunResult& heur = res[j];
        const RunResult& search = res[j + 1];
        const RunResult& exh = res[j + 2];
        for (size_t m = 0; m < 3; ++m) {
            std::printf("%-28s %2zu layers %6.2f s\n", jobs[j + m].label.c_str(), jobs[j + m].wl.layers.size(),
                        res[j + m].seconds);
        }
        INFO("config " << jobs[j].wl.name);
        REQUIRE(heur.error == "");
        REQUIRE(search.error == "");
        REQUIRE(exh.error == "");
        const size_t n = jobs[j].wl.layers.size();
        REQUIRE(heur.layers.size() == n);
        REQUIRE(search.layers.size() == n);
        REQUIRE(exh.layers.size() == n);
        for (size_t i = 0; i < n; ++i) {
            const LayerResult& h = heur.layers[i];
            const LayerResult& s = search.layers[i];
            const LayerResult& e = exh.layers[i];
            INFO("layer " << s.name << ": " << shape_of[s.name]);
            INFO("search chose " << s.mapping << " (" << s.cycles << " cycles, bound " << s.bound_cycles << ", "
                                 << s.simulated_programs << " of " << s.candidates << " simulated); exhaustive chose "
                                 << e.mapping << " (" << e.cycles << " cycles); heuristic " << h.cycles);
            ++layers_seen;
            for (const LayerResult* r : {&h, &s, &e}) {
                INFO(r->strategy << " run: " << r->first_mismatch);
                CHECK(r->simulated);
                CHECK(r->checked);
                CHECK(r->pass);
                CHECK(r->mismatches == 0);
            }
            CHECK(h.strategy == "heuristic");
            CHECK(s.strategy == "search");
            CHECK(e.strategy == "search");
            // Exact: the pruned search finds the exhaustive optimum.
            CHECK(s.cycles == e.cycles);
            // The heuristic program is a candidate: never beaten by the chosen one.
            CHECK(s.cycles <= h.cycles);
            CHECK(e.cycles <= h.cycles);
            // The exhaustive run simulated every candidate, the heuristic one among them, and timed it as a
            // run of its own does.
            if (!e.memo_hit) {
                CHECK(e.simulated_programs == e.candidates);
                CHECK(e.heuristic_cycles == h.cycles);
            }
            if (!s.memo_hit) {
                CHECK(s.candidates == e.candidates);
                CHECK(s.simulated_programs >= 1);
                CHECK(s.simulated_programs <= s.candidates);
                if (s.heuristic_cycles != 0) CHECK(s.heuristic_cycles == h.cycles);
                if (s.simulated_programs < s.candidates) ++pruned;
            }
            CHECK(s.bound_cycles <= s.cycles);
            CHECK(e.bound_cycles <= e.cycles);
            if (!s.heuristic) ++chosen_mapped;
            if (std::getenv("SASIM_MAPPER_TEST_VERBOSE") != nullptr) {
                std::printf("  %-4s %-70s candidates %3s simulated %3s  heuristic %6s chosen %6s bound %6s  %s\n",
                            s.name.c_str(), shape_of[s.name].c_str(), std::to_string(s.candidates).c_str(),
                            std::to_string(s.simulated_programs).c_str(), std::to_string(h.cycles).c_str(),
                            std::to_string(s.cycles).c_str(), std::to_string(s.bound_cycles).c_str(),
                            s.mapping.c_str());
            }
        }
    }
    CHECK(layers_seen >= 50);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("%zu layers, %zu chose a mapped program, %zu searches pruned; %.1f s\n", layers_seen, chosen_mapped,
                pruned, secs);
    // The test is not vacuous: the search picks mapped programs and the bounds prune.
    CHECK(chosen_mapped > 0);
    CHECK(pruned > 0);
}

TEST_CASE("mapper: every candidate mapping is a correct program and takes at least its bound (random layers)",
          "[sc][mapper]") {
    const auto started = std::chrono::steady_clock::now();
    constexpr size_t kLayers = 45;
    LayerGen gen(test_seed(20261205));
    std::vector<Config> cfgs;
    for (size_t i = 0; i < kNumConfigs; ++i) cfgs.push_back(tiny_config(i));

    // One workload layer per (layer, candidate), replayed with that candidate.
    struct Entry {
        size_t cfg;
        Layer layer;
        Mapping map;
        std::string shape;
    };
    std::map<std::string, Entry> entries;  // workload layer name -> what it runs
    std::vector<RunJob> jobs(kNumConfigs);
    size_t chip = 0, dram = 0, packed = 0;
    for (size_t i = 0; i < kLayers; ++i) {
        // The first layers go round the configs, so every dataflow is covered.
        const size_t ci = i < kNumConfigs ? i : gen.pick(0, kNumConfigs - 1);
        const Layer l = gen.mappable("l" + std::to_string(i), cfgs[ci]);
        const std::vector<Mapping> cands = candidate_mappings(l, cfgs[ci]);
        CHECK_FALSE(cands.empty());
        for (size_t k = 0; k < cands.size(); ++k) {
            Layer copy = l;
            copy.name = l.name + "_m" + std::to_string(k);
            entries[copy.name] = Entry{ci, l, cands[k], describe_shape(l)};
            jobs[ci].wl.layers.push_back(copy);
            jobs[ci].replay[copy.name] = cands[k];
            (cands[k].im2col == Im2col::Chip ? chip : dram)++;
            packed += cands[k].pack > 1;
        }
    }
    std::vector<RunJob> to_run;
    for (size_t ci = 0; ci < kNumConfigs; ++ci) {
        if (jobs[ci].wl.layers.empty()) continue;
        jobs[ci].label = std::string(kTinyConfigs[ci]) + " replay";
        jobs[ci].wl.name = kTinyConfigs[ci];
        jobs[ci].cfg = cfgs[ci];
        jobs[ci].opt.seed = 11;
        to_run.push_back(std::move(jobs[ci]));
    }
    const std::vector<RunResult> res = mappertest::run_forked(to_run, parallel_children());

    size_t programs = 0;
    for (size_t j = 0; j < to_run.size(); ++j) {
        std::printf("%-28s %3zu programs %6.2f s\n", to_run[j].label.c_str(), to_run[j].wl.layers.size(),
                    res[j].seconds);
        INFO("config " << to_run[j].wl.name);
        REQUIRE(res[j].error == "");
        REQUIRE(res[j].layers.size() == to_run[j].wl.layers.size());
        for (const LayerResult& r : res[j].layers) {
            const Entry& e = entries.at(r.name);
            const uint64_t bound =
                model::program_bound(compile_mapped(e.layer, cfgs[e.cfg], e.map), cfgs[e.cfg]).cycles();
            INFO(r.name << " (" << e.shape << ") with " << describe(e.map) << ": " << r.cycles << " cycles, bound "
                        << bound << "; " << r.first_mismatch);
            ++programs;
            CHECK(r.strategy == "replay");
            CHECK_FALSE(r.heuristic);
            CHECK(r.mapping == describe(e.map));
            CHECK(r.simulated);
            CHECK(r.checked);
            CHECK(r.pass);
            CHECK(r.mismatches == 0);
            CHECK(r.bound_cycles == bound);
            CHECK(bound <= r.cycles);
        }
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("%zu candidate programs (%zu on-chip im2col, %zu DRAM im2col, %zu with packed groups); %.1f s\n",
                programs, chip, dram, packed, secs);
    CHECK(programs == chip + dram);
    CHECK(chip > 0);
}
