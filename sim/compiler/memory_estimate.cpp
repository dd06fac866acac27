// SPDX-License-Identifier: MIT
#include "compiler/memory_estimate.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include <fmt/format.h>

#include "common/errors.h"
#include "compiler/compiler.h"

namespace sasim {
namespace {

// a * b, saturating at UINT64_MAX.
uint64_t mul_sat(uint64_t a, uint64_t b) { return b != 0 && a > UINT64_MAX / b ? UINT64_MAX : a * b; }
uint64_t add_sat(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

}  // namespace

MemoryEstimate estimate_layer_memory(const Layer& layer, const Config& cfg, const MemoryNeeds& needs) {
    const ProgramSize size = heuristic_program_size(layer, cfg);
    const GemmView v = layer.gemm_view();
    MemoryEstimate e;
    e.instructions = size.instructions;
    const uint64_t held = needs.whole_program ? size.instructions : std::min(size.instructions, kHeldInstructions);
    e.program_bytes = mul_sat(held, kBytesPerInstruction);
    if (needs.values) {
        e.image_bytes = size.image_bytes;
        uint64_t input = mul_sat(mul_sat(v.count, v.m), v.k);
        if (layer.kind == LayerKind::Conv) {
            const ConvShape& c = layer.conv;
            input = uint64_t{c.batch} * c.in_h * c.in_w * c.in_c;
        }
        // The input, the weights and a residual add's shortcut (the output's size), as int16 values.
        const uint64_t shortcut = layer.residual_add ? mul_sat(mul_sat(v.count, v.m), v.n) : 0;
        e.tensor_bytes =
            mul_sat(add_sat(add_sat(input, mul_sat(mul_sat(v.count, v.n), v.k)), shortcut), sizeof(int16_t));
        e.reference_bytes = needs.check ? mul_sat(mul_sat(mul_sat(v.count, v.m), v.n), sizeof(int32_t)) : 0;
    }
    e.total_bytes = kBaseProcessBytes;
    for (uint64_t b : {e.program_bytes, e.image_bytes, e.tensor_bytes, e.reference_bytes}) {
        e.total_bytes = add_sat(e.total_bytes, b);
    }
    return e;
}

uint64_t parse_size_bytes(const std::string& text, const std::string& option) {
    auto bad = [&] {
        return InputError(fmt::format("{} \"{}\": expected a size such as 8G, 512M or 1000000 (bytes)", option, text));
    };
    size_t i = 0;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    if (i == 0) throw bad();
    double value = 0;
    try {
        size_t used = 0;
        value = std::stod(text.substr(0, i), &used);
        if (used != i) throw bad();
    } catch (const std::logic_error&) {
        throw bad();
    }
    std::string unit = text.substr(i);
    for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (unit.size() >= 2 && unit.substr(unit.size() - 2) == "IB") unit.resize(unit.size() - 2);
    else if (!unit.empty() && unit.back() == 'B') unit.pop_back();
    double scale = 1;
    if (unit == "K") scale = 1024.0;
    else if (unit == "M") scale = 1024.0 * 1024;
    else if (unit == "G") scale = 1024.0 * 1024 * 1024;
    else if (unit == "T") scale = 1024.0 * 1024 * 1024 * 1024;
    else if (!unit.empty()) throw bad();
    const double bytes = std::floor(value * scale);
    if (!(bytes >= 1)) throw InputError(fmt::format("{} \"{}\": must be at least 1 byte", option, text));
    if (bytes >= 18446744073709551615.0) return UINT64_MAX;
    return static_cast<uint64_t>(bytes);
}

std::string format_bytes(uint64_t bytes) {
    const double b = static_cast<double>(bytes);
    if (b >= 1024.0 * 1024 * 1024) return fmt::format("{:.1f} GB", b / (1024.0 * 1024 * 1024));
    if (b >= 1024.0 * 1024) return fmt::format("{:.0f} MB", b / (1024.0 * 1024));
    if (b >= 1024.0) return fmt::format("{:.0f} KB", b / 1024.0);
    return fmt::format("{} bytes", bytes);
}

uint64_t physical_memory_bytes() {
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long page = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page <= 0) return 0;
    return static_cast<uint64_t>(pages) * static_cast<uint64_t>(page);
}

uint64_t default_max_memory_bytes() {
    const uint64_t phys = physical_memory_bytes();
    return phys == 0 ? UINT64_MAX : phys / 10 * 8;
}

}  // namespace sasim
