// SPDX-License-Identifier: MIT
// `sasim map`: search every layer's mapping and save it (mapping.json, replayed by `sasim run --mapping`),
// plus the shared pieces of mapping files and the mapper cache for `sasim run` (docs/mapper.md).
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "analysis/scalesim_cfg.h"
#include "cli/commands.h"
#include "common/errors.h"
#include "common/json_text.h"
#include "common/output_file.h"
#include "common/stop_request.h"
#include "report/report.h"
#include "sc/simulator.h"

namespace fs = std::filesystem;

namespace sasim::cli {

std::string default_mapper_cache_dir() {
    if (const char* e = std::getenv("SASIM_MAPPER_CACHE"); e != nullptr) return std::string(e) == "none" ? "" : e;
    if (const char* x = std::getenv("XDG_CACHE_HOME"); x != nullptr && *x != '\0') return (fs::path(x) / "sasim").string();
    if (const char* h = std::getenv("HOME"); h != nullptr && *h != '\0') return (fs::path(h) / ".cache" / "sasim").string();
    return "";
}

void add_mapper_cache_option(CLI::App* cmd, std::string& dir) {
    cmd->add_option("--mapper-cache", dir,
                    "With --mapper search: directory of the mapper's results kept between runs, one file per "
                    "config (default $SASIM_MAPPER_CACHE, else ~/.cache/sasim; \"none\" = no cache)")
        ->capture_default_str();
}

void add_search_jobs_option(CLI::App* cmd, unsigned& jobs) {
    cmd->add_option("-j,--jobs", jobs,
                    "Processes searching layer shapes at once (default 1; each elaborates its own model; "
                    "docs/mapper.md, \"Parallel search\")")
        ->check(CLI::Range(1u, 1024u))
        ->capture_default_str();
}

std::function<void(size_t, size_t, unsigned)> search_progress_printer(bool quiet) {
    if (quiet || isatty(STDERR_FILENO) == 0) return {};
    return [](size_t done, size_t total, unsigned workers) {
        std::cerr << fmt::format("\r\033[K[mapper] {}/{} layer shapes searched, {} worker{}", done, total, workers,
                                 workers == 1 ? "" : "s")
                  << std::flush;
        if (done == total) std::cerr << "\r\033[K" << std::flush;
    };
}

std::map<std::string, Mapping> replay_mappings(const MappingFile& f, const std::string& path, const Config& cfg,
                                               const Workload& wl) {
    std::vector<std::string> problems;
    std::map<std::string, Mapping> out;
    for (const auto& [name, m] : f.layers) {
        const auto it = std::find_if(wl.layers.begin(), wl.layers.end(), [&](const Layer& l) { return l.name == name; });
        if (it == wl.layers.end()) {
            problems.push_back(fmt::format("{}: layers.{}: the workload has no layer of that name", path, name));
            continue;
        }
        if (it->kind == LayerKind::Other) {
            problems.push_back(fmt::format("{}: layers.{}: a {} layer is not simulated and has no mapping", path, name, it->op));
            continue;
        }
        if (!m) continue;  // the heuristic program
        try {
            check_mapping_fits(mapped_layout(*it, cfg, *m), cfg, *m);
            out[name] = *m;
        } catch (const InputError& e) {
            // The emitter's message starts with the config's path: the mapping file is the input at fault here.
            const std::string prefix = (cfg.source_path.empty() ? std::string("config") : cfg.source_path) + ": ";
            for (std::string l : e.lines()) {
                if (l.rfind(prefix, 0) == 0) l.erase(0, prefix.size());
                problems.push_back(fmt::format("{}: layers.{}: {}", path, name, l));
            }
        }
    }
    if (!problems.empty()) throw InputError(problems);
    if (!f.config_hash.empty() && f.config_hash != config_hash(cfg)) {
        std::cerr << fmt::format("sasim: note: {} was searched for config {}, this is {}; its mappings fit, but may "
                                 "no longer be the best\n", path, f.config_hash, config_hash(cfg));
    }
    return out;
}

namespace {

struct MapArgs {
    std::string config;
    std::string workload;
    std::string out_dir;
    std::string mapper_cache = default_mapper_cache_dir();
    unsigned jobs = 1;
    bool quiet = false;
};

int map(const MapArgs& a) {
    const std::string cfg_path = resolve_default(a.config, "configs/gemmini_16x16.json");
    const std::string wl_path = resolve_default(a.workload, "workloads/resnet50.json");
    Config cfg;
    Workload wl;
    read_all_inputs({[&] { cfg = analysis::load_any_config(cfg_path); }, [&] { wl = load_workload(wl_path); }});
    print_config_notes(cfg, cfg_path);
    std::error_code ec;
    fs::create_directories(a.out_dir, ec);
    if (ec || !fs::is_directory(a.out_dir)) {
        throw InputError(fmt::format("{}: cannot create output directory ({})", a.out_dir, ec.message()));
    }
    for (const char* name : {"mapping.json", "report.json"}) check_output_path((fs::path(a.out_dir) / name).string());
    install_stop_handlers();  // Ctrl-C stops the search at its next candidate; nothing is written
    sc::RunOptions opt;
    opt.check = false;
    opt.compute_values = false;  // the search times programs; values are checked by `run`
    opt.mapper = "search";
    opt.mapper_cache_dir = a.mapper_cache == "none" ? std::string() : a.mapper_cache;
    opt.search_jobs = a.jobs;
    opt.search_progress = search_progress_printer(a.quiet);
    if (isatty(STDERR_FILENO) != 0 && !a.quiet) {
        opt.progress = [](size_t i, size_t n, const model::LayerStats* done, const Layer& layer) {
            if (done == nullptr) std::cerr << fmt::format("\r\033[K[{}/{}] searching {}", i + 1, n, layer.name) << std::flush;
            else if (i + 1 == n) std::cerr << "\r\033[K" << std::flush;
        };
    }
    report::RunReport rep;
    rep.config = &cfg;
    rep.workload = &wl;
    rep.checked = false;
    rep.layers = sc::run_workload(cfg, wl, opt);

    MappingFile f;
    f.config_hash = config_hash(cfg);
    fmt::print("{:<28} {:<36} {:>12} {:>12} {:>7} {:>6} {:>5} {:>7}\n", "layer", "mapping", "cycles", "heuristic",
               "speedup", "cands", "sims", "search");
    uint64_t total = 0, total_h = 0;
    double secs = 0;
    for (const auto& l : rep.layers) {
        if (!l.simulated) continue;
        const model::MappingChoice& c = l.mapping;
        f.layers[l.name] = c.heuristic ? std::nullopt : std::optional<Mapping>(c.mapping);
        // heuristic_cycles is 0 when the bound proved the heuristic program slower without simulating it.
        const std::string h = c.heuristic_cycles == 0 ? std::string(">bound") : std::to_string(c.heuristic_cycles);
        const std::string sp = c.heuristic_cycles == 0 ? std::string("") : fmt::format("{:.2f}x", double(c.heuristic_cycles) / double(l.cycles));
        const std::string how = c.memo_hit ? "same" : c.cache_hit ? "cached" : fmt::format("{:.2f}s", c.search_seconds);
        fmt::print("{:<28} {:<36} {:>12} {:>12} {:>7} {:>6} {:>5} {:>7}\n", l.name,
                   c.heuristic ? std::string("heuristic") : describe(c.mapping), l.cycles, h, sp, c.candidates,
                   c.simulated, how);
        total += l.cycles;
        total_h += c.heuristic_cycles;
        secs += c.search_seconds;
    }
    fmt::print("total {} cycles; search {:.1f} s\n", total, secs);
    (void)total_h;
    const std::string path = (fs::path(a.out_dir) / "mapping.json").string();
    write_output_file(path, json_text(mapping_file_json(f), 2) + "\n");
    OutputFile json((fs::path(a.out_dir) / "report.json").string());
    report::write_json(json.stream(), rep);
    json.stream() << '\n';
    json.commit();
    fmt::print("wrote {} and {}/report.json\n", path, a.out_dir);
    return 0;
}

}  // namespace

Command add_map_command(CLI::App& app) {
    auto args = std::make_shared<MapArgs>();
    CLI::App* cmd = app.add_subcommand(
        "map", "Search the best program of every layer (docs/mapper.md) and write <out>/mapping.json, which "
               "`sasim run --mapping` replays, and the timing report <out>/report.json");
    cmd->add_option("-c,--config", args->config,
                    "Accelerator: sasim config JSON or SCALE-Sim .cfg (default: configs/gemmini_16x16.json)");
    cmd->add_option("-w,--workload", args->workload, "Workload (default: workloads/resnet50.json)");
    cmd->add_option("-o,--out", args->out_dir, "Directory to write mapping.json and report.json into (created)")->required();
    add_mapper_cache_option(cmd, args->mapper_cache);
    add_search_jobs_option(cmd, args->jobs);
    cmd->add_flag("-q,--quiet", args->quiet, "No progress line on a terminal");
    return {cmd, [args] { return map(*args); }};
}

}  // namespace sasim::cli
