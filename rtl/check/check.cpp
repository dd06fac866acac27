// SPDX-License-Identifier: MIT
#include "rtl/check/check.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/errors.h"

namespace sasim::rtl {
namespace {

// "input +0x40", "weights +0x0", "output +0x1c", or "" outside every tensor.
std::string region_of(const LayerLayout* lay, uint64_t addr) {
    if (lay == nullptr) return "";
    struct Region {
        const char* name;
        uint64_t addr, bytes;
    };
    const Region regions[] = {{"input", lay->input_addr, lay->input_bytes},
                              {"weights", lay->weights_addr, lay->weights_bytes},
                              {"output", lay->output_addr, lay->output_bytes}};
    for (const Region& r : regions) {
        if (addr >= r.addr && addr - r.addr < r.bytes) return fmt::format("{} +0x{:x}", r.name, addr - r.addr);
    }
    return "outside the tensors";
}

std::string describe(const sc::LayerTrace& model, size_t i) {
    const Instruction& in = model.program->instrs[i];
    return fmt::format("instruction #{} ({} {})", i, to_string(unit_of(in.op)), disassemble(in));
}

}  // namespace

CheckResult compare_layer(const sc::LayerTrace& model, const HarnessResult& rtl) {
    if (model.program == nullptr || model.final_image == nullptr) {
        throw SimulationError("compare_layer: the model trace of layer " + model.name + " has no program or image");
    }
    CheckResult out;
    const size_t n = model.program->instrs.size();
    out.instructions = n;
    out.cycles = model.cycles;
    const std::string& name = model.name;
    auto diverge = [&out](std::string line) {
        out.match = false;
        out.lines.push_back(std::move(line));
        return out;
    };

    if (rtl.hung) {
        out.match = false;
        out.lines.push_back(fmt::format("layer {}: the RTL hung (watchdog at cycle {}; the model finished in {} cycles)",
                                        name, rtl.watchdog_cycle, model.cycles));
        for (const std::string& l : rtl.watchdog) out.lines.push_back("  " + l);
        return out;
    }
    if (model.issue.size() != n || model.retire.size() != n) {
        throw SimulationError(fmt::format("compare_layer: layer {}: the model trace has {} issue and {} retire cycles "
                                          "for {} instructions", name, model.issue.size(), model.retire.size(), n));
    }
    if (rtl.issue.size() != n || rtl.retire.size() != n) {
        return diverge(fmt::format("layer {}: the RTL reported {} instructions, the program has {}", name,
                                   rtl.issue.size(), n));
    }

    // Instruction cycles: the disagreement that starts earliest in time.
    size_t first = n;
    uint64_t first_at = UINT64_MAX;
    for (size_t i = 0; i < n; ++i) {
        uint64_t at = UINT64_MAX;
        if (model.issue[i] != rtl.issue[i]) {
            at = std::min(model.issue[i], rtl.issue[i]);
        } else if (model.retire[i] != rtl.retire[i]) {
            at = std::min(model.retire[i], rtl.retire[i]);
        }
        if (at < first_at) {
            first_at = at;
            first = i;
        }
    }
    if (first < n) {
        return diverge(fmt::format("layer {}: {}: model issue {} retire {}, RTL issue {} retire {}", name,
                                   describe(model, first), model.issue[first], model.retire[first], rtl.issue[first],
                                   rtl.retire[first]));
    }

    if (model.cycles != rtl.cycles) {
        return diverge(fmt::format("layer {}: every instruction matches, but the layer takes {} cycles in the model "
                                   "and {} in the RTL", name, model.cycles, rtl.cycles));
    }

    // The stall counters behind cycle_breakdown (docs/report.md), counted by the harness from the RTL's
    // observation ports: the attribution's inputs are cross-checked where the RTL can observe them.
    const struct {
        const char* what;
        uint64_t model, rtl;
    } counters[] = {
        {"cycles in which the array streams", model.compute_cycles, rtl.compute_cycles},
        {"DMA accesses refused by a bank (cycles)", model.dma_bank_conflict_cycles, rtl.dma_bank_conflict_cycles},
        {"cycles dispatch waits for a queue", model.dispatch_blocked_cycles, rtl.dispatch_blocked_cycles},
    };
    for (const auto& c : counters) {
        if (c.model != c.rtl) {
            return diverge(fmt::format("layer {}: every instruction matches, but the model counts {} {}, the RTL {}",
                                       name, c.model, c.what, c.rtl));
        }
    }

    const std::vector<uint8_t>& mi = *model.final_image;
    out.bytes = mi.size();
    if (rtl.image.size() != mi.size()) {
        return diverge(fmt::format("layer {}: the RTL's DRAM image has {} bytes, the model's {}", name,
                                   rtl.image.size(), mi.size()));
    }
    const auto mm = std::mismatch(mi.begin(), mi.end(), rtl.image.begin());
    if (mm.first != mi.end()) {
        const uint64_t addr = static_cast<uint64_t>(mm.first - mi.begin());
        uint64_t differing = 0;
        for (uint64_t a = addr; a < mi.size(); ++a) differing += mi[a] != rtl.image[a] ? 1 : 0;
        const std::string region = region_of(model.layout, addr);
        return diverge(fmt::format("layer {}: DRAM byte 0x{:x}{}: model 0x{:02x}, RTL 0x{:02x} ({} of {} bytes differ)",
                                   name, addr, region.empty() ? "" : " (" + region + ")", *mm.first, *mm.second,
                                   differing, mi.size()));
    }
    return out;
}

}  // namespace sasim::rtl
