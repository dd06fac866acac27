// SPDX-License-Identifier: MIT
#include "rtl/area/synthesis.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "common/file_text.h"
#include "common/text.h"
#include "rtl/area/register_files.h"
#include "rtl/generator/generator.h"
#include "rtl/tools/process.h"

namespace sasim::rtl {
namespace fs = std::filesystem;
using nlohmann::json;

std::vector<SynthesisPart> synthesis_parts(const Config& cfg) {
    const std::string mesh = cfg.array.dataflow == Dataflow::OS ? "sasim_mesh_os" : "sasim_mesh";
    return {
        {"load_dma", "sasim_load_dma", {}},
        {"mesh", mesh, {}},
        {"store_dma", "sasim_store_dma", {}},
        {"rest", "sasim_top", {"sasim_load_dma", "sasim_store_dma", mesh}},
    };
}

namespace {

std::string joined(const std::vector<std::string>& items, const char* sep) {
    std::string s;
    for (const std::string& i : items) s += (s.empty() ? "" : sep) + i;
    return s;
}

// The name a netlist line defines (`module <name>(...` or `module <name> (...`), or "" for other lines.
std::string defined_module(const std::string& line) {
    if (line.rfind("module ", 0) != 0) return "";
    const size_t end = line.find_first_of(" (;", 7);
    return line.substr(7, end == std::string::npos ? std::string::npos : end - 7);
}

}  // namespace

std::string part_script(const std::vector<std::string>& files, const SynthesisPart& part, const std::string& flow,
                        const PartOutputs& out) {
    std::string s = "read_verilog -sv " + joined(files, " ") + "\n";
    s += "hierarchy -check -top " + part.top + "\n";
    if (!part.black_boxes.empty()) {
        // Synthesized by other parts; the second hierarchy drops the modules only they used.
        s += "blackbox " + joined(part.black_boxes, " ") + "\n";
        s += "hierarchy -check -top " + part.top + "\n";
    }
    const std::string commands = text::replace_all(
        text::replace_all(text::replace_all(flow, "STAT", out.stat), "REGFILES", out.register_files), "NETLIST", out.netlist);
    return s + text::replace_all(commands, "; ", "\n") + "\n";
}

std::map<std::string, ModuleCells> merge_stats(const std::vector<PartResult>& parts) {
    std::map<std::string, ModuleCells> all;
    std::map<std::string, std::string> origin_of;
    for (const PartResult& part : parts) {
        const std::string& origin = part.origin;
        auto modules = parse_yosys_stat(part.stat_json, origin);
        const std::string& dump_origin = part.register_files_origin.empty() ? origin : part.register_files_origin;
        for (auto& [name, rfs] : parse_register_file_dump(part.register_files, dump_origin)) {
            const auto m = modules.find(name);
            if (m == modules.end()) {
                throw SimulationError(fmt::format("area: {}: register files in module {}, which it did not synthesize", origin, name));
            }
            m->second.register_files = std::move(rfs);
        }
        for (auto& [name, cells] : modules) {
            const auto seen = all.find(name);
            if (seen == all.end()) {
                origin_of[name] = origin;
                all.emplace(name, std::move(cells));
            } else if (seen->second.cells_by_type != cells.cells_by_type ||
                       seen->second.register_files != cells.register_files) {
                throw SimulationError(fmt::format("area: module {} was synthesized differently in {} and {}", name,
                                                  origin_of[name], origin));
            }
        }
    }
    return all;
}

std::string stat_json_text(const std::map<std::string, ModuleCells>& modules, const std::string& creator) {
    json mods = json::object();
    for (const auto& [name, m] : modules) {
        json types = json::object();
        for (const auto& [type, n] : m.cells_by_type) types[type] = n;
        mods[name] = {{"num_cells_by_type", types}};
        if (!m.register_files.empty()) {
            json rfs = json::array();
            for (const RegisterFile& rf : m.register_files) rfs.push_back({{"words", rf.words}, {"bits", rf.bits}});
            mods[name]["register_files"] = rfs;
        }
    }
    return json{{"creator", creator}, {"modules", mods}}.dump(1) + "\n";
}

std::string merge_netlists(const std::vector<std::string>& netlists) {
    std::string out;
    std::set<std::string> defined;
    for (size_t n = 0; n < netlists.size(); ++n) {
        std::istringstream lines(netlists[n]);
        bool keep = n == 0;   // text outside modules (Yosys's header comment): the first netlist's
        for (std::string line; std::getline(lines, line);) {
            const std::string name = defined_module(line);
            if (!name.empty()) keep = defined.insert(name).second;
            if (keep) out += line + '\n';
            if (line == "endmodule") keep = n == 0;
        }
    }
    return out;
}

std::string netlist_without_module(const std::string& netlist, const std::string& module, const std::string& origin) {
    std::string out;
    std::istringstream lines(netlist);
    bool inside = false, removed = false;
    for (std::string line; std::getline(lines, line);) {
        if (!removed && defined_module(line) == module) inside = true;
        if (!inside) out += line + '\n';
        if (inside && line == "endmodule") {
            inside = false;
            removed = true;
        }
    }
    if (!removed) {
        throw SimulationError(fmt::format("{}: the netlist has no complete definition of module {}", origin, module));
    }
    return out;
}

namespace {

// Half of the physical memory in KiB, shared by the parts that run at once.
uint64_t part_memory_limit_kib(unsigned jobs) {
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    const uint64_t half = pages <= 0 || page <= 0 ? 8ULL << 20 : static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) / 2 / 1024;
    return half / std::max(1u, jobs);
}

// The "creator" of a Yosys `stat -json` text (its version line), or "".
std::string stat_creator(const std::string& text) {
    const std::string key = "\"creator\": \"";
    const size_t p = text.find(key);
    if (p == std::string::npos) return "";
    const size_t end = text.find('"', p + key.size());
    return end == std::string::npos ? "" : text.substr(p + key.size(), end - p - key.size());
}

}  // namespace

SynthesisRun run_synthesis(const Config& cfg, const std::string& flow, const std::string& work_dir, unsigned jobs,
                           const std::string& failed_log, bool quiet) {
    const std::string yosys = find_on_path("yosys");
    if (yosys.empty()) throw InputError("area needs yosys (Debian package yosys)");
    const fs::path dir(work_dir);
    std::vector<std::string> packages, modules;
    for (const GeneratedFile& f : generate_rtl(cfg, GenerateOptions{})) {
        std::ofstream(dir / f.name, std::ios::binary) << f.text;
        if (f.name.size() > 3 && f.name.substr(f.name.size() - 3) == ".sv") {
            // Relative names (Yosys runs in `dir`): they end up in the netlist's wire names, and a path that
            // differs from run to run would change ABC's results a little.
            (f.name.find("_pkg.sv") != std::string::npos ? packages : modules).push_back(f.name);
        }
    }
    std::vector<std::string> files = packages;   // packages first
    files.insert(files.end(), modules.begin(), modules.end());

    const std::vector<SynthesisPart> parts = synthesis_parts(cfg);
    jobs = std::clamp(jobs == 0 ? std::thread::hardware_concurrency() : jobs, 1u, static_cast<unsigned>(parts.size()));
    const uint64_t limit_kib = part_memory_limit_kib(jobs);
    std::vector<int> rc(parts.size(), -1);
    std::vector<double> seconds(parts.size(), 0);
    std::atomic<size_t> next{0};
    std::mutex print;
    const auto t0 = std::chrono::steady_clock::now();
    auto worker = [&] {
        for (size_t i = next++; i < parts.size(); i = next++) {
            const SynthesisPart& p = parts[i];
            const fs::path script = dir / (p.name + ".ys");
            std::ofstream(script) << part_script(files, p, flow,
                                                 PartOutputs{p.name + ".stat.json", p.name + ".regfiles.il", p.name + ".netlist.v"});
            const auto start = std::chrono::steady_clock::now();
            try {
                rc[i] = run_process({"/bin/sh", "-c", fmt::format("ulimit -v {} && cd \"$0\" && exec \"$@\"", limit_kib),
                                     dir.string(), yosys, "-q", "-l", p.name + ".log", "-s", p.name + ".ys"},
                                    (dir / (p.name + ".out")).string());
            } catch (const std::exception&) {
                rc[i] = 127;
            }
            seconds[i] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            if (!quiet) {
                const std::lock_guard<std::mutex> lock(print);
                std::cerr << fmt::format("  {} ({}): {:.0f} s{}", p.name, p.top, seconds[i], rc[i] == 0 ? "" : ", failed")
                          << std::endl;
            }
        }
    };
    std::vector<std::thread> threads;
    for (unsigned j = 0; j < jobs; ++j) threads.emplace_back(worker);
    for (std::thread& t : threads) t.join();

    SynthesisRun run;
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::vector<PartResult> results;
    std::vector<std::string> netlists;
    for (size_t i = 0; i < parts.size(); ++i) {
        const fs::path stat = dir / (parts[i].name + ".stat.json"), netlist = dir / (parts[i].name + ".netlist.v");
        const fs::path regfiles = dir / (parts[i].name + ".regfiles.il");
        if (rc[i] != 0 || !fs::is_regular_file(stat) || !fs::is_regular_file(netlist) || !fs::is_regular_file(regfiles)) {
            std::error_code ec;
            fs::copy_file(dir / (parts[i].name + ".log"), failed_log, fs::copy_options::overwrite_existing, ec);
            throw SimulationError(fmt::format("yosys failed (exit {}) synthesizing {} ({} of the design) within its memory "
                                              "limit of {:.1f} GiB; log: {}",
                                              rc[i], parts[i].top, parts[i].name, static_cast<double>(limit_kib) / (1 << 20),
                                              failed_log));
        }
        results.push_back(PartResult{stat.string(), read_text(stat.string()), read_text(regfiles.string()), regfiles.string()});
        netlists.push_back(read_text(netlist.string()));
    }
    run.creator = stat_creator(results.front().stat_json);
    run.stat_json = stat_json_text(merge_stats(results), run.creator);
    run.netlist = merge_netlists(netlists);
    return run;
}

}  // namespace sasim::rtl
