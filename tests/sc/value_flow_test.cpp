// SPDX-License-Identifier: MIT
// Values from layer to layer in a whole run (model/value_flow.h): each layer's stored output, summarized by
// its digest, is compared with a chain computed here from the reference alone (each layer applied to the
// previous layer's requantized reference output). Simulated, reused and replayed layers all take part.
// Each TEST_CASE runs in its own process (ctest).
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "compiler/layout.h"
#include "config/config.h"
#include "model/reference.h"
#include "model/stats.h"
#include "model/tensors.h"
#include "model/value_flow.h"
#include "sc/simulator.h"
#include "testbench.h"
#include "workload/fusion.h"
#include "workload/parsers.h"
#include "workload/workload.h"

using namespace sasim;

namespace {

// b, c and d have one shape: with layer reuse, c and d take b's timing and replay their values; c feeds d and
// f, d feeds f, so their outputs must come out of the replay. f has their shape too, but a residual add of c
// fused into it (another program: not reused); fc reads the add, so f's stored output.
Workload network() {
    Workload wl = workload_detail::parse_json_trace("chain.json", R"({"name": "chain", "layers": [
        {"name": "a", "type": "conv", "in_h": 8, "in_w": 8, "in_c": 4, "out_c": 8, "kernel": 3, "padding": 1},
        {"name": "b", "type": "conv", "in_h": 8, "in_w": 8, "in_c": 8, "out_c": 8, "kernel": 1},
        {"name": "relu", "type": "relu", "elements": 512},
        {"name": "c", "type": "conv", "in_h": 8, "in_w": 8, "in_c": 8, "out_c": 8, "kernel": 1},
        {"name": "pool", "type": "maxpool", "elements": 128},
        {"name": "d", "type": "conv", "in_h": 8, "in_w": 8, "in_c": 8, "out_c": 8, "kernel": 1, "inputs": ["c"]},
        {"name": "e", "type": "conv", "in_h": 4, "in_w": 4, "in_c": 8, "out_c": 8, "kernel": 1, "inputs": ["pool"]},
        {"name": "f", "type": "conv", "in_h": 8, "in_w": 8, "in_c": 8, "out_c": 8, "kernel": 1, "inputs": ["d"]},
        {"name": "add", "type": "add", "elements": 512, "inputs": ["f", "c"]},
        {"name": "fc", "type": "gemm", "m": 1, "n": 10, "k": 512, "inputs": ["add"]}]})");
    fuse_residual_adds(wl);  // as load_workload does
    return wl;
}

// Digest of every conv/gemm layer's output (0 for Other layers) computed from the reference alone.
// `producers[i]`: the layer whose output layer i reads (-1: its operands are all generated); `shortcuts[i]`:
// the layer whose output a residual layer adds (-1: its shortcut is generated).
std::vector<uint64_t> reference_chain(const Workload& wl, const std::vector<int>& producers,
                                      const std::vector<int>& shortcuts, uint64_t seed) {
    const uint32_t bits = 8;
    std::vector<std::vector<int16_t>> out(wl.layers.size());
    std::vector<uint64_t> digests(wl.layers.size(), 0);
    for (size_t i = 0; i < wl.layers.size(); ++i) {
        Layer layer = wl.layers[i];
        if (layer.kind == LayerKind::Other) continue;
        model::CanonicalTensors t;
        model::generate_tensors(layer, bits, model::layer_seed(seed, static_cast<uint32_t>(i), layer.name), t);
        uint32_t shift = requant_shift(layer.gemm_view().k, bits);
        if (producers[i] >= 0) {
            const std::vector<int16_t>& in = out[static_cast<size_t>(producers[i])];
            REQUIRE(in.size() == t.input.size());
            t.input = in;
            shift = model::calibrated_shift(layer.gemm_view().k, model::rms(in), model::uniform_operand_rms(bits), bits);
        }
        if (shortcuts[i] >= 0) t.shortcut = out[static_cast<size_t>(shortcuts[i])];
        REQUIRE(t.shortcut.size() == (layer.residual_add ? t.input.size() : 0));  // f: as many as its input
        std::vector<int32_t> acc = model::reference_outputs(layer, t);
        model::add_shortcut(acc, t.shortcut, shift);
        model::OutputDigest digest(bits / 8);
        for (const int32_t v : acc) {
            out[i].push_back(static_cast<int16_t>(
                model::reference_requantize(v, shift, layer.kind == LayerKind::Conv, bits)));
            digest.add(out[i].back());
        }
        digests[i] = digest.value();
    }
    return digests;
}

void run_and_compare(bool barrier, bool reuse) {
    sctest::require_fresh_process();
    const Config cfg = sctest::shipped_config("tiny_8x8_ws");
    const Workload wl = network();
    sc::RunOptions opt;
    opt.seed = 5;
    opt.layer_barrier = barrier;
    opt.reuse_layers = reuse;
    const std::vector<model::LayerStats> stats = sc::run_workload(cfg, wl, opt);
    REQUIRE(stats.size() == wl.layers.size());
    // a: network input; b <- a; c <- relu = b's STORE; d <- c; e <- pool (not executed); f <- d, adding c;
    // fc <- add = f's STORE (a flatten).
    REQUIRE(wl.layers[7].residual_add);
    const std::vector<int> flow = {-1, 0, -1, 1, -1, 3, -1, 5, -1, 7};
    const std::vector<int> shortcut_flow = {-1, -1, -1, -1, -1, -1, -1, 3, -1, -1};
    const std::vector<int> isolated(wl.layers.size(), -1);
    const std::vector<uint64_t> want =
        reference_chain(wl, barrier ? isolated : flow, barrier ? isolated : shortcut_flow, opt.seed);
    for (size_t i = 0; i < wl.layers.size(); ++i) {
        const model::LayerStats& st = stats[i];
        INFO("layer " << st.name);
        if (wl.layers[i].kind == LayerKind::Other) {
            const std::string into = st.name == "add" ? "f" : st.name == "relu" && !barrier ? "b" : "";
            CHECK(st.fused_into == into);
            continue;
        }
        CHECK(st.check.pass);
        CHECK(st.check.output_digest == want[i]);
        // The timeline: every unit worked within the layer, the layer ends at its last retire, and data moves
        // load -> execute -> store.
        uint64_t end = 0;
        for (const model::UnitSpan& span : st.unit_spans) {
            REQUIRE_FALSE(span.empty());
            CHECK(span.last_retire_cycle <= st.cycles);
            end = std::max(end, span.last_retire_cycle);
        }
        CHECK(end == st.cycles);
        CHECK(st.unit_spans[0].first_issue_cycle < st.unit_spans[1].first_issue_cycle);
        CHECK(st.unit_spans[1].first_issue_cycle < st.unit_spans[2].first_issue_cycle);
        const int p = barrier ? -1 : flow[i];
        CHECK(st.input_from == (p < 0 ? std::string() : wl.layers[static_cast<size_t>(p)].name));
        CHECK(st.input_generated_why.empty() == (p >= 0));
        if (st.name == "f") CHECK(st.shortcut_from == (barrier ? "" : "c"));
    }
    if (reuse) {
        CHECK(stats[3].reused_from == "b");
        CHECK(stats[5].reused_from == "b");
        CHECK(stats[7].reused_from.empty());  // f's program also loads its shortcut
    }
}

}  // namespace

TEST_CASE("sc: values flow from layer to layer, reused layers included", "[sc]") { run_and_compare(false, true); }

TEST_CASE("sc: values flow from layer to layer, every layer simulated", "[sc]") { run_and_compare(false, false); }

TEST_CASE("sc: with a layer barrier every layer's operands are its own", "[sc]") { run_and_compare(true, true); }
