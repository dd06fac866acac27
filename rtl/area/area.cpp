// SPDX-License-Identifier: MIT
#include "rtl/area/area.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <cctype>
#include <cmath>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "rtl/tools/process.h"
#include "common/errors.h"
#include "common/file_text.h"
#include "common/text.h"
#include "rtl/generator/generator.h"
#include "rtl/area/register_files.h"
#include "rtl/area/synthesis.h"
#include "rtl/area/timing.h"

namespace sasim::rtl {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The Yosys commands of every part (synthesis.h) after it is elaborated: the steps of Yosys's `synth`
// without `fsm` and `share` (share's SAT search over the load DMA's read-buffer ports took 24 GB on
// gemmini_16x16) and without its generic ABC run, memories mapped to flip-flops, then one ABC run into
// the liberty's cells. Not flattened, so a module is synthesized once however often it is instantiated.
// Then the cell counts and the register files' sizes (black boxes, rtl/area/register_files.h).
// `LIB` is replaced by the liberty path, `STAT` and `REGFILES` by the output files.
const char* const kFlow =
    "proc; opt_expr; opt_clean; opt -nodffe -nosdff; wreduce; peepopt; "
    "opt_clean; alumacc; opt; memory -nomap; opt_clean; opt -fast -full; memory_map; opt -full; techmap; "
    "opt -fast; dfflibmap -liberty LIB; abc -liberty LIB; opt_clean; tee -q -o STAT stat -json; "
    "tee -q -o REGFILES dump -m t:sasim_regfile";

// After the synthesis: the netlist for OpenSTA, whose netlist reader takes no parameters on instances (so
// the SRAM and register-file black boxes lose theirs) and no concatenation on the left of an assignment
// (-simple-lhs).
const char* const kNetlist = "setparam -unset WORDS -unset BITS -unset BANKS t:sasim_sram; "
                             "setparam -unset WORDS -unset BITS t:sasim_regfile; write_verilog -noattr -simple-lhs NETLIST";

std::string area_cache_dir(const AreaOptions& opt) {
    return resolve_cache_dir(opt.cache_dir, "SASIM_AREA_CACHE", "area", "area");
}

bool is_module(const std::map<std::string, ModuleCells>& modules, const std::string& type) {
    return modules.count(type) != 0;
}

// The module whose name is `base` or a derived `$paramod\base\...`; "" when there is none.
std::string find_module(const std::map<std::string, ModuleCells>& modules, const std::string& base) {
    if (modules.count(base)) return base;
    for (const auto& [name, m] : modules) {
        if (name.rfind("$paramod\\" + base + "\\", 0) == 0) return name;
    }
    return "";
}

}  // namespace

std::map<std::string, double> parse_liberty_areas(const std::string& text, const std::string& origin) {
    // A plain scan (no std::regex, which recurses per character): `cell ( NAME )`, then the first
    // `area : NUMBER ;` before the next cell.
    auto skip_space = [&](size_t p) {
        while (p < text.size() && std::isspace(static_cast<unsigned char>(text[p]))) ++p;
        return p;
    };
    auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    auto keyword_at = [&](size_t p, const std::string& word) {
        return text.compare(p, word.size(), word) == 0 && (p == 0 || !is_word(text[p - 1])) &&
               (p + word.size() >= text.size() || !is_word(text[p + word.size()]));
    };
    std::vector<std::pair<std::string, size_t>> cells;  // name, position after its header
    for (size_t p = text.find("cell"); p != std::string::npos; p = text.find("cell", p + 1)) {
        if (!keyword_at(p, "cell")) continue;
        size_t q = skip_space(p + 4);
        if (q >= text.size() || text[q] != '(') continue;
        q = skip_space(q + 1);
        if (q < text.size() && text[q] == '"') ++q;
        const size_t name_start = q;
        while (q < text.size() && is_word(text[q])) ++q;
        if (q == name_start) continue;
        cells.emplace_back(text.substr(name_start, q - name_start), q);
    }
    std::map<std::string, double> areas;
    for (size_t c = 0; c < cells.size(); ++c) {
        const size_t stop = c + 1 < cells.size() ? cells[c + 1].second : text.size();
        for (size_t p = text.find("area", cells[c].second); p != std::string::npos && p < stop; p = text.find("area", p + 1)) {
            if (!keyword_at(p, "area")) continue;
            size_t q = skip_space(p + 4);
            if (q >= text.size() || text[q] != ':') continue;
            q = skip_space(q + 1);
            const std::string num = text.substr(q, std::min<size_t>(32, text.size() - q));
            char* end = nullptr;
            const double v = std::strtod(num.c_str(), &end);
            if (end == num.c_str() || !std::isfinite(v) || v < 0) {
                throw InputError(fmt::format("{}: cell {}: area is not a number >= 0", origin, cells[c].first));
            }
            areas[cells[c].first] = v;
            break;
        }
    }
    if (areas.empty()) throw InputError(fmt::format("{}: no cell with an area (not a liberty file?)", origin));
    return areas;
}

namespace {

// Yosys 0.23 prints the design hierarchy into its `stat -json` output ("       sasim_pe   16" lines
// between the modules and the design totals). Such lines hold no quote, brace or bracket: drop them.
std::string repaired_stat_json(const std::string& json_text) {
    std::string text;
    std::istringstream lines(json_text);
    for (std::string line; std::getline(lines, line);) {
        if (line.find_first_of("\"{}[]") != std::string::npos || line.find_first_not_of(" \t\r") == std::string::npos) {
            text += line + '\n';
        }
    }
    return text;
}

}  // namespace

std::map<std::string, ModuleCells> parse_yosys_stat(const std::string& json_text, const std::string& origin) {
    const std::string text = repaired_stat_json(json_text);
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        throw InputError(fmt::format("{}: invalid JSON: {}", origin, e.what()));
    }
    if (!j.is_object() || !j.contains("modules") || !j["modules"].is_object()) {
        throw InputError(fmt::format("{}: expected Yosys `stat -json` output with a \"modules\" object", origin));
    }
    std::map<std::string, ModuleCells> out;
    for (const auto& [raw, m] : j["modules"].items()) {
        const std::string name = yosys_name(raw);
        ModuleCells cells;
        if (m.contains("num_cells_by_type")) {
            if (!m["num_cells_by_type"].is_object()) {
                throw InputError(fmt::format("{}: modules.{}.num_cells_by_type: expected an object", origin, raw));
            }
            for (const auto& [type, n] : m["num_cells_by_type"].items()) {
                if (!n.is_number_unsigned()) {
                    throw InputError(fmt::format("{}: modules.{}.num_cells_by_type.{}: expected a count", origin, raw, type));
                }
                cells.cells_by_type[yosys_name(type)] = n.get<uint64_t>();
            }
        }
        // Not Yosys's: the sizes of the module's register files, as stat_json_text writes them.
        if (m.contains("register_files")) {
            const json& rfs = m["register_files"];
            if (!rfs.is_array()) throw InputError(fmt::format("{}: modules.{}.register_files: expected an array", origin, raw));
            // Objects, not [words, bits] pairs: repaired_stat_json drops lines without a quote or bracket.
            for (const json& rf : rfs) {
                const auto count = [&](const char* key) {
                    const json* v = rf.is_object() && rf.contains(key) ? &rf.at(key) : nullptr;
                    if (v == nullptr || !v->is_number_unsigned() || v->get<uint64_t>() == 0 ||
                        v->get<uint64_t>() > kMaxRegisterFileSide) {
                        throw InputError(fmt::format("{}: modules.{}.register_files: expected objects with \"words\" and "
                                                     "\"bits\", counts 1 .. 2^20", origin, raw));
                    }
                    return v->get<uint64_t>();
                };
                cells.register_files.push_back(RegisterFile{count("words"), count("bits")});
            }
        }
        out[name] = std::move(cells);
    }
    return out;
}

namespace {

// expand_module with a memo (each module is counted once, however often it is reached) and the modules
// being expanded (a module that contains itself is an error, not an endless recursion).
Expanded expand(const std::map<std::string, ModuleCells>& modules, const std::map<std::string, double>& lib,
                const std::string& module, std::map<std::string, Expanded>& memo, std::vector<std::string>& open) {
    if (const auto m = memo.find(module); m != memo.end()) return m->second;
    const auto it = modules.find(module);
    if (it == modules.end()) throw SimulationError(fmt::format("area: the synthesized design has no module {}", module));
    if (std::find(open.begin(), open.end(), module) != open.end()) {
        throw SimulationError(fmt::format("area: module {} contains itself", module));
    }
    open.push_back(module);
    Expanded e;
    const std::vector<RegisterFile>& rfs = it->second.register_files;
    const auto rf_cells = it->second.cells_by_type.find("sasim_regfile");
    const uint64_t n_rf_cells = rf_cells == it->second.cells_by_type.end() ? 0 : rf_cells->second;
    if (n_rf_cells != rfs.size()) {
        throw SimulationError(fmt::format("area: module {} has {} register files but the sizes of {}", module, n_rf_cells,
                                          rfs.size()));
    }
    for (const RegisterFile& rf : rfs) {
        const uint64_t bits = rf.words * rf.bits;
        e.register_file_bits += bits;
        e.cells += bits * kRegisterFileCellsPerBit;
        e.lib_um2 += static_cast<double>(bits) * register_file_um2_per_bit(lib);
    }
    for (const auto& [type, n] : it->second.cells_by_type) {
        if (const auto c = lib.find(type); c != lib.end()) {
            e.cells += n;
            e.lib_um2 += c->second * static_cast<double>(n);
        } else if (is_module(modules, type)) {
            const Expanded sub = expand(modules, lib, type, memo, open);
            e.cells += sub.cells * n;
            e.lib_um2 += sub.lib_um2 * static_cast<double>(n);
            e.black_boxes += sub.black_boxes * n;
            e.register_file_bits += sub.register_file_bits * n;
        } else if (type == "sasim_regfile") {
            // priced above from its size
        } else if (type == "sasim_sram" || type.rfind("$paramod\\sasim_sram\\", 0) == 0) {
            e.black_boxes += n;
        } else {
            throw SimulationError(fmt::format("area: module {} has {} cells of type {}, which is neither a library "
                                              "cell nor a module (was the design mapped?)", module, n, type));
        }
    }
    open.pop_back();
    memo[module] = e;
    return e;
}

}  // namespace

Expanded expand_module(const std::map<std::string, ModuleCells>& modules, const std::map<std::string, double>& lib,
                       const std::string& module) {
    std::map<std::string, Expanded> memo;
    std::vector<std::string> open;
    return expand(modules, lib, module, memo, open);
}

AreaReport area_from_modules(const Config& cfg, const TechTable& tech, const std::map<std::string, ModuleCells>& modules,
                             const std::map<std::string, double>& lib) {
    const auto nand2 = lib.find("NAND2X1");
    if (nand2 == lib.end() || nand2->second <= 0) throw InputError("area: the liberty file has no NAND2X1 cell with an area");
    AreaReport r;
    r.config_name = cfg.name;
    r.technology = tech.name;
    const bool os = cfg.array.dataflow == Dataflow::OS;
    const std::string exec = find_module(modules, os ? "sasim_exec_os" : "sasim_exec");
    const std::string mesh = find_module(modules, os ? "sasim_mesh_os" : "sasim_mesh");
    const std::string pe = find_module(modules, os ? "sasim_pe_os" : "sasim_pe");
    const std::string load = find_module(modules, "sasim_load_dma");
    const std::string store = find_module(modules, "sasim_store_dma");
    for (const auto& [what, name] : {std::pair{"execute unit", exec}, {"mesh", mesh}, {"PE", pe},
                                     {"load DMA", load}, {"store DMA", store}}) {
        if (name.empty()) throw SimulationError(fmt::format("area: the synthesized design has no {} module", what));
    }
    const Expanded top = expand_module(modules, lib, "sasim_top");
    const Expanded e_exec = expand_module(modules, lib, exec), e_mesh = expand_module(modules, lib, mesh);
    const Expanded e_pe = expand_module(modules, lib, pe);
    const Expanded e_load = expand_module(modules, lib, load), e_store = expand_module(modules, lib, store);
    if (top.black_boxes != 3) {
        throw SimulationError(fmt::format("area: expected the 3 SRAM black boxes, found {}", top.black_boxes));
    }
    auto logic = [&](const std::string& name, uint64_t cells, double um2, uint64_t register_file_bits) {
        BlockArea b;
        b.name = name;
        b.cells = cells;
        b.register_file_bits = register_file_bits;
        b.lib_um2 = um2;
        b.nand2_eq = um2 / nand2->second;
        b.mm2 = b.nand2_eq * tech.nand2_um2 * 1e-6;
        r.blocks.push_back(b);
        r.logic_mm2 += b.mm2;
    };
    logic("mesh", e_mesh.cells, e_mesh.lib_um2, e_mesh.register_file_bits);
    logic("execute", e_exec.cells - e_mesh.cells, e_exec.lib_um2 - e_mesh.lib_um2,
          e_exec.register_file_bits - e_mesh.register_file_bits);
    logic("load DMA", e_load.cells, e_load.lib_um2, e_load.register_file_bits);
    logic("store DMA", e_store.cells, e_store.lib_um2, e_store.register_file_bits);
    logic("control", top.cells - e_exec.cells - e_load.cells - e_store.cells,
          top.lib_um2 - e_exec.lib_um2 - e_load.lib_um2 - e_store.lib_um2,
          top.register_file_bits - e_exec.register_file_bits - e_load.register_file_bits - e_store.register_file_bits);
    r.register_file_bits = top.register_file_bits;
    auto sram = [&](const std::string& name, uint64_t bits) {
        BlockArea b;
        b.name = name;
        b.bits = bits;
        b.mm2 = static_cast<double>(b.bits) * tech.sram_um2_per_bit * 1e-6;
        r.blocks.push_back(b);
        r.sram_mm2 += b.mm2;
    };
    sram("scratchpad", cfg.derived.spad_capacity_bytes * 8);  // rows as validated (capacity rounded down)
    sram("accumulator", cfg.derived.acc_capacity_bytes * 8);
    const HardwareParams hw = hardware_params(cfg);
    sram("load buffer", uint64_t{hw.read_buffer_rows} * hw.row_bytes_max * 8);
    r.pe_cells = e_pe.cells;
    r.pe_nand2_eq = e_pe.lib_um2 / nand2->second;
    r.pes = uint64_t{cfg.array.rows} * cfg.array.cols;
    r.total_mm2 = r.logic_mm2 + r.sram_mm2;
    return r;
}

namespace {

// One hardware's files in the area cache: <key>.stat.json (Yosys's cell counts), <key>.netlist.v (for
// OpenSTA) and <key>.timing.json (OpenSTA's result at the liberty's corner).
struct CacheEntry {
    fs::path dir, stat, netlist, timing;
    std::string key;
    CacheEntry(const fs::path& cache, const std::string& k)
        : dir(cache), stat(cache / (k + ".stat.json")), netlist(cache / (k + ".netlist.v")),
          timing(cache / (k + ".timing.json")), key(k) {}
    void create_dir() const {
        std::error_code ec;
        fs::create_directories(dir, ec);
        if (ec || !fs::is_directory(dir)) {
            throw InputError(fmt::format("{}: cannot create the area cache directory ({})", dir.string(), ec.message()));
        }
    }
};

// Runs Yosys on cfg's generated RTL in parts (synthesis.h) with `flow` (LIB already replaced) and the
// netlist commands, then moves the merged cell counts and netlist into the cache. Returns the seconds.
double synthesize(const Config& cfg, const std::string& flow, const CacheEntry& entry, const AreaOptions& opt) {
    entry.create_dir();
    const fs::path tmp = make_temp_dir(entry.dir.string(), "." + entry.key + ".");
    if (!opt.quiet) {
        std::cerr << fmt::format("synthesizing {} with yosys in {} parts (cached afterwards; minutes for large arrays)...",
                                 entry.key, synthesis_parts(cfg).size())
                  << std::endl;
    }
    std::error_code ec;
    SynthesisRun run;
    try {
        run = run_synthesis(cfg, flow + "; " + kNetlist, tmp.string(), opt.jobs,
                            (entry.dir / (entry.key + ".failed.log")).string(), opt.quiet);
    } catch (...) {
        fs::remove_all(tmp, ec);
        throw;
    }
    // The netlist first: a stat file in the cache promises its netlist.
    std::ofstream(tmp / "netlist.v") << run.netlist;
    std::ofstream(tmp / "stat.json") << run.stat_json;
    fs::rename(tmp / "netlist.v", entry.netlist, ec);
    if (!ec) fs::rename(tmp / "stat.json", entry.stat, ec);
    if (ec) throw SimulationError(fmt::format("{}: cannot write ({})", entry.stat.string(), ec.message()));
    std::ofstream(entry.dir / (entry.key + ".seconds")) << run.seconds << '\n';
    fs::remove_all(tmp, ec);
    return run.seconds;
}

// The mesh and the module it repeats (a mesh row of WS and IS, a mesh column of OS).
std::pair<std::string, std::string> mesh_modules(const Config& cfg) {
    if (cfg.array.dataflow == Dataflow::OS) return {"sasim_mesh_os", "sasim_mesh_col_os"};
    return {"sasim_mesh", "sasim_mesh_row"};
}

// The cached timing, or OpenSTA's on the cached netlist (kept in the cache when computed). An unreadable
// timing file is timed again. The design is timed in two parts (docs/cost.md, "fmax"): everything but
// the mesh, whose instance is a black box there, and one mesh row (column): the mesh registers its
// inputs and outputs, so no path crosses its boundary, and a flat timing of ROWS x COLS PEs (2.8
// million cell instances at 64x64) is not needed.
TimingEstimate cached_timing(const Config& cfg, const CacheEntry& entry, const AreaOptions& opt) {
    const json cached = json::parse(read_text(entry.timing.string()), nullptr, false);
    if (cached.is_object()) return timing_from_json(cached);
    if (!opt.quiet) std::cerr << fmt::format("timing {} with OpenSTA...", entry.key) << std::endl;
    entry.create_dir();
    const fs::path tmp = make_temp_dir(entry.dir.string(), "." + entry.key + ".sta.");
    const auto [mesh, part] = mesh_modules(cfg);
    const std::string outer = (tmp / "outer.v").string();
    std::ofstream(outer) << netlist_without_module(read_text(entry.netlist.string()), mesh, entry.netlist.string());
    fs::create_directories(tmp / "outer");
    fs::create_directories(tmp / "part");
    // The two pieces in parallel (an exception in the second is rethrown after both are done).
    TimingEstimate part_timing;
    std::exception_ptr part_error;
    std::thread part_thread([&, part = part] {
        try {
            part_timing = run_sta((tmp / "part").string(), opt.liberty, entry.netlist.string(), part);
        } catch (...) {
            part_error = std::current_exception();
        }
    });
    TimingEstimate outer_timing;
    try {
        outer_timing = run_sta((tmp / "outer").string(), opt.liberty, outer, "sasim_top");
    } catch (...) {
        part_thread.join();
        throw;
    }
    part_thread.join();
    if (part_error) std::rethrow_exception(part_error);
    const TimingEstimate timing = worse_timing(outer_timing, part_timing);
    std::error_code ec;
    if (timing.computed) {
        std::ofstream(tmp / "timing.json") << timing_to_json(timing).dump(1) << '\n';
        fs::rename(tmp / "timing.json", entry.timing, ec);
    }
    fs::remove_all(tmp, ec);
    return timing;
}

}  // namespace

AreaReport run_area(const Config& cfg, const AreaOptions& opt) {
    const TechTable& tech = builtin_tech_table(opt.technology.empty() ? cfg.technology : opt.technology);
    if (!fs::is_regular_file(opt.liberty)) {
        throw InputError(fmt::format("{}: liberty file not found (Debian package qflow-tech-osu018)", opt.liberty));
    }
    const auto lib = parse_liberty_areas(read_text(opt.liberty), opt.liberty);
    const std::string flow = text::replace_all(kFlow, "LIB", opt.liberty);
    const std::string hw = hardware_hash(cfg, GenerateOptions{});
    std::string method = flow;   // the cache key: the flow and how the design is split into parts
    method += std::string("; ") + kNetlist;
    for (const SynthesisPart& p : synthesis_parts(cfg)) {
        method += fmt::format("; part {} {} -{}", p.name, p.top, fmt::join(p.black_boxes, ","));
    }
    const CacheEntry entry(fs::absolute(area_cache_dir(opt)), hw + "-" + fnv1a_hex(method).substr(0, 8));
    // A hit needs the cell counts and either the timing or the netlist to time (entries written before
    // sasim kept netlists are synthesized again).
    const bool cached = fs::is_regular_file(entry.stat) &&
                        (fs::is_regular_file(entry.timing) || fs::is_regular_file(entry.netlist));
    const double seconds = cached ? 0.0 : synthesize(cfg, flow, entry, opt);
    TimingEstimate timing = cached_timing(cfg, entry, opt);
    if (timing.computed) {
        timing.delay_scale = tech.delay_scale_from_180nm;
        timing.fmax_mhz = timing.fmax_lib_mhz / timing.delay_scale;
    }
    const std::string stat_text = read_text(entry.stat.string());
    AreaReport r = area_from_modules(cfg, tech, parse_yosys_stat(stat_text, entry.stat.string()), lib);
    std::string yosys_version;
    try {
        yosys_version = json::parse(repaired_stat_json(stat_text)).value("creator", "");
    } catch (const json::exception&) {
    }
    r.hardware_hash = hw;
    r.flow = yosys_version + ": " + method;
    r.timing = timing;
    r.liberty = opt.liberty;
    r.cached = cached;
    r.synth_seconds = seconds;
    return r;
}

json area_to_json(const AreaReport& r) {
    json blocks = json::array();
    for (const BlockArea& b : r.blocks) {
        json j = {{"name", b.name}, {"mm2", b.mm2}};
        if (b.bits != 0) {
            j["sram_bits"] = b.bits;
        } else {
            j["cells"] = b.cells;
            j["lib_um2"] = b.lib_um2;
            j["nand2_eq"] = b.nand2_eq;
            j["register_file_bits"] = b.register_file_bits;
        }
        blocks.push_back(j);
    }
    return {{"config", r.config_name},   {"technology", r.technology}, {"hardware_hash", r.hardware_hash},
            {"flow", r.flow},            {"liberty", r.liberty},       {"blocks", blocks},
            {"pe", {{"count", r.pes}, {"cells", r.pe_cells}, {"nand2_eq", r.pe_nand2_eq}}},
            {"register_file_bits", r.register_file_bits},
            {"logic_mm2", r.logic_mm2},  {"sram_mm2", r.sram_mm2},     {"area_mm2", r.total_mm2},
            {"timing", timing_to_json(r.timing)},
            {"synth_seconds", r.synth_seconds}, {"cached", r.cached}};
}

std::string area_to_text(const AreaReport& r) {
    std::string s = fmt::format("area of \"{}\" at {} (hardware {}{})\n", r.config_name, r.technology, r.hardware_hash,
                                r.cached ? ", cached synthesis" : fmt::format(", synthesized in {:.0f} s", r.synth_seconds));
    s += fmt::format("  {:<12} {:>10} {:>14} {:>12} {:>10}\n", "block", "cells", "NAND2 equiv.", "SRAM bits", "mm2");
    for (const BlockArea& b : r.blocks) {
        s += b.bits != 0 ? fmt::format("  {:<12} {:>10} {:>14} {:>12} {:>10.4f}\n", b.name, "", "", b.bits, b.mm2)
                         : fmt::format("  {:<12} {:>10} {:>14.0f} {:>12} {:>10.4f}\n", b.name, b.cells, b.nand2_eq, "", b.mm2);
    }
    s += fmt::format("  {:<12} {:>10} {:>14} {:>12} {:>10.4f}\n", "total", "", "", "", r.total_mm2);
    s += fmt::format("  one PE: {} cells, {:.0f} NAND2 equivalents, counted {} times in the mesh\n", r.pe_cells,
                     r.pe_nand2_eq, r.pes);
    if (r.timing.computed) {
        s += fmt::format("  critical path {:.2f} ns in the 0.18 um cells at the liberty's corner ({}: {} -> {}): fmax {:.3g} MHz "
                         "there, about {:.3g} MHz at {} (x {} delay scaling; an estimate, docs/cost.md)\n",
                         r.timing.critical_path_ns, r.timing.module, r.timing.startpoint, r.timing.endpoint, r.timing.fmax_lib_mhz,
                         r.timing.fmax_mhz, r.technology, r.timing.delay_scale);
    } else {
        s += fmt::format("  fmax: {}\n", r.timing.note);
    }
    s += fmt::format("  logic: OSU 0.18 um cells (Yosys, not flattened) in NAND2 equivalents x the table's NAND2 area, "
                     "including {} register-file bits (queues, DMA records) as a flip-flop and two multiplexers each; "
                     "SRAM: bits x the table's area per bit. Estimates (docs/cost.md)\n", r.register_file_bits);
    return s;
}

}  // namespace sasim::rtl
