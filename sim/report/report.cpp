// SPDX-License-Identifier: MIT
#include "report/report.h"

#include <fmt/format.h>

#include "common/json_text.h"
#include "report/roofline_fields.h"
#include "sasim_version.h"

namespace sasim::report {

model::LayerStats totals(const std::vector<model::LayerStats>& layers) {
    model::LayerStats t;
    t.name = "total";
    t.simulated = true;
    t.check.checked = true;
    t.check.pass = true;
    for (const auto& l : layers) {
        if (!l.simulated) continue;
        t.macs += l.macs;
        t.cycles += l.cycles;
        t.compute_cycles += l.compute_cycles;
        t.array_slots_used += l.array_slots_used;
        t.compulsory_bytes += l.compulsory_bytes;
        auto& b = t.breakdown;
        b.compute += l.breakdown.compute;
        b.pipeline += l.breakdown.pipeline;
        b.dram_bandwidth += l.breakdown.dram_bandwidth;
        b.dram_latency += l.breakdown.dram_latency;
        b.bank_conflict += l.breakdown.bank_conflict;
        b.queue_full += l.breakdown.queue_full;
        b.dependency_wait += l.breakdown.dependency_wait;
        auto& x = t.traffic;
        x.dram_read_bytes += l.traffic.dram_read_bytes;
        x.dram_write_bytes += l.traffic.dram_write_bytes;
        x.dram_read_requests += l.traffic.dram_read_requests;
        x.dram_write_requests += l.traffic.dram_write_requests;
        x.spad_reads += l.traffic.spad_reads;
        x.spad_writes += l.traffic.spad_writes;
        x.acc_reads += l.traffic.acc_reads;
        x.acc_writes += l.traffic.acc_writes;
        x.dma_bank_conflict_cycles += l.traffic.dma_bank_conflict_cycles;
        x.dispatch_blocked_cycles += l.traffic.dispatch_blocked_cycles;
        t.energy += l.energy;
        t.instructions.loads += l.instructions.loads;
        t.instructions.executes += l.instructions.executes;
        t.instructions.stores += l.instructions.stores;
        t.check.checked = t.check.checked && l.check.checked;
        t.check.pass = t.check.pass && l.check.pass;
        t.check.elements += l.check.elements;
        t.check.mismatches += l.check.mismatches;
    }
    return t;
}

bool all_checks_pass(const RunReport& r) {
    if (!r.checked) return true;
    for (const auto& l : r.layers) {
        if (l.simulated && !(l.check.checked && l.check.pass)) return false;
    }
    return true;
}

namespace {

// How the layer's program was chosen (docs/mapper.md, "Reports").
nlohmann::json mapping_json(const model::MappingChoice& c, Dataflow df) {
    nlohmann::json j;
    j["strategy"] = c.strategy;
    if (c.heuristic) {
        j["program"] = "heuristic";
    } else {
        const Mapping& m = c.mapping;
        j["program"] = "mapped";
        j["order"] = to_string(m.order);
        j["tile_p"] = m.tile_p;
        j["tile_q"] = m.tile_q;
        j["k_groups"] = m.k_groups;
        j["group"] = m.group;
        j["im2col"] = to_string(m.im2col);
        j["resident"] = resident_operand(m.order, df);
        j["describe"] = describe(m);
    }
    j["bound_cycles"] = c.bound_cycles;
    if (c.strategy == "search") {
        j["candidates"] = c.candidates;
        j["simulated"] = c.simulated;
        j["heuristic_cycles"] = c.heuristic_cycles;
        j["memo_hit"] = c.memo_hit;
        j["cache_hit"] = c.cache_hit;
    }
    return j;
}

// Dynamic energy by component (model/energy.h) and per useful MAC.
nlohmann::json energy_json(const model::LayerStats& l) {
    const model::EnergyBreakdown& e = l.energy;
    const double total = e.total_pj();
    return {{"mac_pj", e.mac_pj},
            {"pe_register_pj", e.pe_register_pj},
            {"scratchpad_pj", e.scratchpad_pj},
            {"accumulator_pj", e.accumulator_pj},
            {"dram_pj", e.dram_pj},
            {"total_pj", total},
            {"pj_per_mac", l.macs == 0 ? 0.0 : total / static_cast<double>(l.macs)}};
}

nlohmann::json layer_json(const model::LayerStats& l, uint64_t pes, Dataflow df) {
    nlohmann::json j;
    j["name"] = l.name;
    if (!l.simulated) {
        j["simulated"] = false;
        j["op"] = l.op;
        j["elements"] = l.other_elements;
        if (!l.fused_into.empty()) j["fused"] = {{"into", l.fused_into}, {"as", l.fused_as}};
        return j;
    }
    j["simulated"] = true;
    j["kind"] = l.kind == LayerKind::Conv ? "conv" : "gemm";
    j["gemm"] = {{"count", l.gemm.count}, {"m", l.gemm.m}, {"n", l.gemm.n}, {"k", l.gemm.k}};
    j["macs"] = l.macs;
    j["cycles"] = l.cycles;
    j["start_cycle"] = l.start_cycle;
    if (!l.reused_from.empty()) j["reused_from"] = l.reused_from;
    if (!l.input_from.empty()) j["values"]["input_from"] = l.input_from;
    if (!l.input_generated_why.empty()) j["values"]["input_generated"] = l.input_generated_why;
    if (!l.second_operand_note.empty()) j["values"]["second_operand"] = l.second_operand_note;
    if (!l.shortcut_from.empty()) j["values"]["shortcut_from"] = l.shortcut_from;
    if (!l.shortcut_generated_why.empty()) j["values"]["shortcut_generated"] = l.shortcut_generated_why;
    // Which unit the layer held when, in absolute cycles: [first issue, last retire].
    const char* units[] = {"load", "execute", "store"};
    for (size_t u = 0; u < l.unit_spans.size(); ++u) {
        const model::UnitSpan& span = l.unit_spans[u];
        if (span.empty()) continue;
        j["timeline"][units[u]] = {l.start_cycle + span.first_issue_cycle, l.start_cycle + span.last_retire_cycle};
    }
    j["utilization"] = l.utilization(pes);
    j["mapping_efficiency"] = l.mapping_efficiency(pes);
    const auto& b = l.breakdown;
    j["cycle_breakdown"] = {{"compute", b.compute},
                            {"pipeline", b.pipeline},
                            {"dram_bandwidth", b.dram_bandwidth},
                            {"dram_latency", b.dram_latency},
                            {"bank_conflict", b.bank_conflict},
                            {"queue_full", b.queue_full},
                            {"dependency_wait", b.dependency_wait}};
    j["stall_cycles"] = b.stall_total();
    const auto& t = l.traffic;
    j["traffic"] = {{"dram_read_bytes", t.dram_read_bytes},
                    {"dram_write_bytes", t.dram_write_bytes},
                    {"dram_read_requests", t.dram_read_requests},
                    {"dram_write_requests", t.dram_write_requests},
                    {"compulsory_bytes", l.compulsory_bytes},
                    {"spad_row_reads", t.spad_reads},
                    {"spad_row_writes", t.spad_writes},
                    {"acc_row_reads", t.acc_reads},
                    {"acc_row_writes", t.acc_writes},
                    {"dma_bank_conflict_cycles", t.dma_bank_conflict_cycles},
                    {"dispatch_blocked_cycles", t.dispatch_blocked_cycles}};
    j["energy"] = energy_json(l);
    j["instructions"] = {{"load", l.instructions.loads},
                         {"execute", l.instructions.executes},
                         {"store", l.instructions.stores}};
    j["check"] = {{"checked", l.check.checked},
                  {"pass", l.check.pass},
                  {"elements", l.check.elements},
                  {"mismatches", l.check.mismatches}};
    if (!l.check.first_mismatch.empty()) j["check"]["first_mismatch"] = l.check.first_mismatch;
    if (l.check.checked) j["check"]["output_digest"] = fmt::format("{:016x}", l.check.output_digest);
    j["mapping"] = mapping_json(l.mapping, df);
    return j;
}

}  // namespace

double tops_per_mm2(uint64_t macs, double seconds, double area_mm2) {
    return seconds > 0 && area_mm2 > 0 ? 2.0 * static_cast<double>(macs) / seconds * 1e-12 / area_mm2 : 0.0;
}

namespace {

// A layer's entry in report.json's "layers".
nlohmann::json layer_entry(const model::LayerStats& l, uint64_t pes, Dataflow df, const model::MachineRoof& roof) {
    nlohmann::json j = layer_json(l, pes, df);
    if (l.simulated) j["roofline"] = roofline_json(model::layer_bounds(roof, l));
    return j;
}

// report.json but its "layers", which holds `layers` instead.
nlohmann::json report_without_layers(const RunReport& r, nlohmann::json layers) {
    const Config& cfg = *r.config;
    const uint64_t pes = uint64_t{cfg.array.rows} * cfg.array.cols;
    nlohmann::json j;
    j["schema_version"] = 1;
    j["sasim_version"] = SASIM_VERSION;
    j["complete"] = r.complete;  // false: stopped early; layers and totals cover the finished layers only
    j["config_hash"] = config_hash(cfg);
    j["config"] = config_to_json(cfg);
    if (!cfg.derived.notes.empty()) j["config_notes"] = cfg.derived.notes;  // what validation rounded
    j["technology"] = {{"table", cfg.technology},
                       {"dram_type", cfg.dram.type},
                       {"leakage", "not modelled: energies are dynamic only (docs/energy.md)"}};
    j["workload"] = {{"name", r.workload->name}, {"source", r.workload->source}, {"path", r.workload->path}};
    j["seed"] = r.seed;
    j["units"] = {{"cycles", "accelerator clock cycles"},
                  {"bytes", "bytes"},
                  {"utilization", "fraction: MACs / (cycles * rows * cols)"},
                  {"mapping_efficiency", "fraction: MACs / (compute cycles * rows * cols)"},
                  {"clock_mhz", "MHz"},
                  {"seconds", "seconds at clock_mhz"},
                  {"energy", "pJ of dynamic energy (power_w: W averaged over the run; tops_per_w: 2 x MACs per pJ)"},
                  {"area", "mm2 at the technology (run --area; tops_per_mm2: 2 x MACs per second / 1e12 / area_mm2)"}};
    j["machine"] = machine_json(cfg);
    const model::MachineRoof roof = model::machine_roof(cfg);
    j["layers"] = std::move(layers);
    const model::LayerStats t = totals(r.layers);
    nlohmann::json tj = layer_json(t, pes, cfg.array.dataflow);
    tj.erase("mapping");
    tj["roofline"] = roofline_json(model::total_bounds(roof, r.layers));
    tj.erase("kind");
    tj.erase("gemm");
    tj.erase("start_cycle");
    tj.erase("timeline");
    tj.erase("reused_from");
    tj["seconds"] = static_cast<double>(t.cycles) / (cfg.clock_mhz * 1e6);
    // Average power over the run and its efficiency (two operations per MAC), from dynamic energy only.
    const double seconds = static_cast<double>(t.cycles) / (cfg.clock_mhz * 1e6);
    tj["energy"]["power_w"] = seconds > 0 ? t.energy.total_pj() * 1e-12 / seconds : 0.0;
    tj["energy"]["tops_per_w"] = t.energy.total_pj() > 0 ? 2.0 * static_cast<double>(t.macs) / t.energy.total_pj() : 0.0;
    tj["layers_simulated"] = std::count_if(r.layers.begin(), r.layers.end(), [](auto& l) { return l.simulated; });
    tj["layers_not_simulated"] = std::count_if(r.layers.begin(), r.layers.end(), [](auto& l) { return !l.simulated; });
    tj["check"]["pass"] = all_checks_pass(r);
    tj["check"].erase("output_digest");  // a layer's own
    if (r.area.is_object()) {
        const double area_mm2 = r.area.at("area_mm2").get<double>();
        tj["area_mm2"] = area_mm2;
        tj["tops_per_mm2"] = tops_per_mm2(t.macs, seconds, area_mm2);
        j["area"] = r.area;
    }
    j["totals"] = tj;
    // The mapper: strategy, time spent searching, and how much of it the memo saved. search_seconds is the one
    // number in the report that differs between two runs of the same inputs.
    nlohmann::json mj;
    mj["strategy"] = "heuristic";
    double secs = 0;
    uint64_t hits = 0, cache_hits = 0, cands = 0, sims = 0;
    for (const auto& l : r.layers) {
        if (!l.simulated) continue;
        mj["strategy"] = l.mapping.strategy;
        secs += l.mapping.search_seconds;
        hits += l.mapping.memo_hit ? 1 : 0;
        cache_hits += l.mapping.cache_hit && !l.mapping.memo_hit ? 1 : 0;
        if (!l.mapping.memo_hit && !l.mapping.cache_hit) {
            cands += l.mapping.candidates;
            sims += l.mapping.simulated;
        }
    }
    mj["search_seconds"] = secs;
    mj["memo_hits"] = hits;
    mj["cache_hits"] = cache_hits;
    mj["candidates"] = cands;
    mj["simulated"] = sims;
    j["mapper"] = mj;
    return j;
}

}  // namespace

nlohmann::json to_json(const RunReport& r) {
    const Config& cfg = *r.config;
    const uint64_t pes = uint64_t{cfg.array.rows} * cfg.array.cols;
    const model::MachineRoof roof = model::machine_roof(cfg);
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& l : r.layers) layers.push_back(layer_entry(l, pes, cfg.array.dataflow, roof));
    return report_without_layers(r, std::move(layers));
}

void write_json(std::ostream& os, const RunReport& r) {
    const Config& cfg = *r.config;
    const uint64_t pes = uint64_t{cfg.array.rows} * cfg.array.cols;
    const model::MachineRoof roof = model::machine_roof(cfg);
    // The report with a marker where the layers go, split around it; each layer is formatted on its own at
    // the depth dump(2) would give it (4 spaces), so no tree of every layer is ever held.
    const std::string marker = "\\u0001sasim-layers\\u0001";  // the JSON escape of the value below
    const std::string text = json_text(report_without_layers(r, "\x01sasim-layers\x01"), 2);
    const size_t at = text.find('"' + marker + '"');
    if (at == std::string::npos) throw std::logic_error("write_json: layers marker not found");
    os << text.substr(0, at);
    if (r.layers.empty()) {
        os << "[]";
    } else {
        os << "[\n";
        for (size_t i = 0; i < r.layers.size(); ++i) {
            std::string entry =
                json_text(layer_entry(r.layers[i], pes, cfg.array.dataflow, roof), 2);
            os << "    ";
            for (char c : entry) {
                os << c;
                if (c == '\n') os << "    ";
            }
            os << (i + 1 < r.layers.size() ? ",\n" : "\n");
        }
        os << "  ]";
    }
    os << text.substr(at + marker.size() + 2);
}

}  // namespace sasim::report
