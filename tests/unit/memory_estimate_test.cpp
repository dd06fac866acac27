// SPDX-License-Identifier: MIT
// Unit tests of the memory estimate behind --max-memory (compiler/memory_estimate.h): the instruction
// count it uses is the compiler's exactly, its parts follow the layer's sizes, and sizes parse strictly.
#include <catch2/catch.hpp>

#include <algorithm>

#include <cstdint>
#include <string>
#include <utility>

#include "common/errors.h"
#include "compiler/compiler.h"
#include "compiler/memory_estimate.h"
#include "config/config.h"
#include "workload/workload.h"

using namespace sasim;

namespace {

std::string src(const std::string& rel) { return std::string(SASIM_SOURCE_DIR) + "/" + rel; }

Layer gemm(uint32_t m, uint32_t n, uint32_t k) {
    Layer l;
    l.name = "g";
    l.kind = LayerKind::Gemm;
    l.gemm = {1, m, n, k};
    return l;
}

}  // namespace

TEST_CASE("memory estimate: the instruction count is the compiler's, for every shipped config and network",
          "[memory]") {
    // Pairs that keep the programs small enough for a unit test (the compiler checks the same equality on
    // every program it emits, so every other test exercises it too).
    const std::pair<const char*, const char*> pairs[] = {
        {"configs/gemmini_16x16.json", "workloads/resnet18.json"},
        {"configs/os_32x32.json", "workloads/mobilenet_v2.json"},
        {"configs/tpu_v1.json", "workloads/bert_base_layer.json"},
        {"configs/tiny_2x2_ws.json", "workloads/tiny/mixed.json"},
        {"configs/tiny_4x4_is.json", "workloads/tiny/mixed.json"},
        {"configs/tiny_3x5_os.json", "workloads/tiny/mixed.json"},
    };
    for (const auto& [c, w] : pairs) {
        const Config cfg = load_config(src(c));
        {
            const Workload wl = load_workload(src(w));
            for (const Layer& layer : wl.layers) {
                if (layer.kind == LayerKind::Other) continue;
                INFO(c << " " << w << " " << layer.name);
                const ProgramSize size = heuristic_program_size(layer, cfg);
                const CompiledLayer comp = compile_layer(layer, cfg);
                CHECK(size.instructions == comp.program.instrs.size());
                CHECK(size.image_bytes == comp.layout.image_bytes);
            }
        }
    }
}

TEST_CASE("memory estimate: parts and total", "[memory]") {
    const Config cfg = load_config(src("configs/gemmini_16x16.json"));
    const Layer l = gemm(300, 200, 100);
    const MemoryEstimate checked = estimate_layer_memory(l, cfg, MemoryNeeds{true, true, false});
    const MemoryEstimate timing = estimate_layer_memory(l, cfg, MemoryNeeds{true, false, false});
    CHECK(checked.instructions == compile_layer(l, cfg).program.instrs.size());
    CHECK(checked.program_bytes == std::min(checked.instructions, kHeldInstructions) * kBytesPerInstruction);
    // Programs are streamed: the part for the program stops growing; a layer trace keeps it whole.
    const Layer big = gemm(3000, 2000, 1000);
    const MemoryEstimate streamed = estimate_layer_memory(big, cfg, MemoryNeeds{true, false, false});
    const MemoryEstimate traced = estimate_layer_memory(big, cfg, MemoryNeeds{true, false, true});
    CHECK(streamed.instructions > kHeldInstructions);
    CHECK(streamed.program_bytes == kHeldInstructions * kBytesPerInstruction);
    CHECK(traced.program_bytes == traced.instructions * kBytesPerInstruction);
    // Without values (--timing-only) there are neither operands nor an image.
    const MemoryEstimate dataless = estimate_layer_memory(big, cfg, MemoryNeeds{false, false, false});
    CHECK(dataless.image_bytes == 0);
    CHECK(dataless.tensor_bytes == 0);
    CHECK(dataless.reference_bytes == 0);
    CHECK(dataless.total_bytes == kBaseProcessBytes + dataless.program_bytes);
    CHECK(checked.tensor_bytes == (300 * 100 + 100 * 200) * 2);
    CHECK(checked.reference_bytes == 300 * 200 * 4);
    CHECK(timing.reference_bytes == 0);
    CHECK(checked.total_bytes == kBaseProcessBytes + checked.program_bytes + checked.image_bytes +
                                     checked.tensor_bytes + checked.reference_bytes);
    CHECK(timing.total_bytes == checked.total_bytes - checked.reference_bytes);
    // The example: a 100000^3 GEMM needs tens of GB, more than any default limit here.
    const MemoryEstimate huge = estimate_layer_memory(gemm(100000, 100000, 100000), cfg);
    CHECK(huge.image_bytes >= 3 * uint64_t{100000} * 100000);
    CHECK(huge.total_bytes > (uint64_t{40} << 30));
}

TEST_CASE("memory estimate: sizes", "[memory]") {
    CHECK(parse_size_bytes("1000000", "--max-memory") == 1000000);
    CHECK(parse_size_bytes("8G", "--max-memory") == uint64_t{8} << 30);
    CHECK(parse_size_bytes("512m", "--max-memory") == uint64_t{512} << 20);
    CHECK(parse_size_bytes("64KiB", "--max-memory") == uint64_t{64} << 10);
    CHECK(parse_size_bytes("1.5GB", "--max-memory") == uint64_t{3} << 29);
    CHECK(parse_size_bytes("2T", "--max-memory") == uint64_t{2} << 40);
    for (const char* bad : {"", "G", "8X", "-1", "0", "0.1", "1e9", "8 G", "1.2.3G", "8GG"}) {
        INFO("\"" << bad << "\"");
        CHECK_THROWS_AS(parse_size_bytes(bad, "--max-memory"), InputError);
    }
    CHECK_THROWS_WITH(parse_size_bytes("8X", "--max-memory"), Catch::Contains("--max-memory \"8X\": expected a size"));
    CHECK(format_bytes(512) == "512 bytes");
    CHECK(format_bytes(uint64_t{3} << 29) == "1.5 GB");
    CHECK(format_bytes(uint64_t{850} << 20) == "850 MB");
    CHECK(default_max_memory_bytes() <= physical_memory_bytes());
    CHECK(physical_memory_bytes() > 0);
}
