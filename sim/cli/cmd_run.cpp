// SPDX-License-Identifier: MIT
// `sasim run`: simulate a workload on a config, print the table, write report.json and layers.csv.
#include <chrono>
#include <unistd.h>

#include <csignal>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include <fmt/format.h>

#include "analysis/scalesim_cfg.h"
#include "cli/commands.h"
#include "common/errors.h"
#include "common/output_file.h"
#include "common/stop_request.h"
#include "compiler/mapping_file.h"
#include "compiler/memory_estimate.h"
#include "report/report.h"
#include "rtl/area/area.h"
#include "sc/simulator.h"

namespace fs = std::filesystem;

namespace sasim::cli {

void print_config_notes(const Config& cfg, const std::string& path) {
    for (const std::string& n : cfg.derived.notes) std::cerr << fmt::format("note: {}: {}\n", path, n);
}

std::string resolve_default(const std::string& path, const std::string& fallback_rel) {
    if (!path.empty()) return path;
    if (fs::exists(fallback_rel)) return fallback_rel;
    const fs::path src = fs::path(SASIM_SOURCE_DIR) / fallback_rel;
    return fs::exists(src) ? src.string() : fallback_rel;
}

void read_all_inputs(const std::vector<std::function<void()>>& readers) {
    std::vector<std::string> problems;
    for (const auto& read : readers) {
        try {
            read();
        } catch (const InputError& e) {
            problems.insert(problems.end(), e.lines().begin(), e.lines().end());
        }
    }
    if (!problems.empty()) throw InputError(problems);
}

int check_exit_code(const report::RunReport& rep) {
    for (const auto& l : rep.layers) {
        if (l.simulated && l.check.checked && !l.check.pass) {
            std::cerr << fmt::format("check FAILED: layer {}: {} of {} outputs differ; first: {}\n", l.name,
                                     l.check.mismatches, l.check.elements, l.check.first_mismatch);
        }
    }
    return report::all_checks_pass(rep) ? 0 : 1;
}

namespace {

// "FROM:TO" in cycles, either side may be empty: the window [FROM, TO). Throws InputError when malformed.
std::pair<uint64_t, uint64_t> parse_cycle_window(const std::string& text, const std::string& option) {
    const auto bad = [&](const char* why) {
        return InputError(fmt::format("{} \"{}\": {} (expected FROM:TO in cycles, e.g. 1000:5000, 1000: "
                                      "or :5000)", option, text, why));
    };
    const size_t colon = text.find(':');
    if (colon == std::string::npos || text.find(':', colon + 1) != std::string::npos) throw bad("no single colon");
    auto number = [&](const std::string& part, uint64_t empty) {
        if (part.empty()) return empty;
        if (part.find_first_not_of("0123456789") != std::string::npos || part.size() > 19) throw bad("not a cycle number");
        return static_cast<uint64_t>(std::stoull(part));
    };
    const uint64_t from = number(text.substr(0, colon), 0);
    const uint64_t to = number(text.substr(colon + 1), UINT64_MAX);
    if (to <= from) throw bad("the window is empty");
    return {from, to};
}

struct RunArgs {
    std::string config;
    std::string workload;
    std::string out_dir;
    std::string retire_log;
    std::string vcd;
    std::string vcd_window;            // --vcd-window FROM:TO (cycles; either side may be empty)
    std::string vcd_max_size = "1G";   // --vcd-max-size
    std::string trace;                 // --trace FILE.json (Perfetto trace events)
    std::string trace_window;          // --trace-window FROM:TO
    std::string trace_max_size = "1G";  // --trace-max-size
    uint64_t seed = 1;
    bool no_check = false;
    bool timing_only = false;
    bool no_layer_reuse = false;
    bool layer_barrier = false;
    bool quiet = false;
    std::string format = "table";
    uint64_t watchdog_cycles = 10'000'000;
    std::string max_memory;     // --max-memory: a size ("8G"); empty: default_max_memory_bytes()
    std::string inject_fault;
    std::string mapper = "search";
    unsigned jobs = 1;
    bool exhaustive = false;
    std::string mapping_file;
    bool mapper_given = false;  // --mapper appeared on the command line
    std::string mapper_cache = default_mapper_cache_dir();
    bool area = false;          // --area: synthesize (or take from the area cache) and report area_mm2
    OnnxArgs onnx;              // import options for an .onnx workload
};

int run(const RunArgs& a) {
    const std::string cfg_path = resolve_default(a.config, "configs/gemmini_16x16.json");
    const std::string wl_path = resolve_default(a.workload, "workloads/resnet50.json");
    // Read everything first: every problem in the inputs is reported before any simulation.
    Config cfg;
    Workload wl;
    MappingFile mapping;
    std::string wl_ext = std::filesystem::path(wl_path).extension().string();
    for (char& c : wl_ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (wl_ext == ".onnx") {
        onnx_import::set_loader_options(onnx_import_options(a.onnx));
    } else if (a.onnx.any()) {
        throw InputError(fmt::format("{}: --input-shape, --input-value, --if-branch and --allow-partial apply to "
                                     "ONNX models only", wl_path));
    }
    read_all_inputs({[&] { cfg = analysis::load_any_config(cfg_path); }, [&] { wl = load_workload(wl_path); },
                     [&] {
                         if (!a.mapping_file.empty()) mapping = read_mapping_file(a.mapping_file);
                     }});
    print_config_notes(cfg, cfg_path);
    for (const std::string& w : wl.warnings) std::cerr << fmt::format("warning: {}: {}\n", wl_path, w);
    std::map<std::string, Mapping> replay;
    if (!a.mapping_file.empty()) {
        if (a.mapper_given) throw InputError("--mapping replays a saved mapping; it cannot be combined with --mapper");
        replay = replay_mappings(mapping, a.mapping_file, cfg, wl);
    }
    if (!a.out_dir.empty()) {
        std::error_code ec;
        fs::create_directories(a.out_dir, ec);
        if (ec || !fs::is_directory(a.out_dir)) {
            throw InputError(fmt::format("{}: cannot create output directory ({})", a.out_dir, ec.message()));
        }
        // Before simulating: an output that cannot be written must not cost the run.
        for (const char* name : {"report.json", "layers.csv"}) check_output_path((fs::path(a.out_dir) / name).string());
    }
    if (!a.retire_log.empty()) check_output_path(a.retire_log);

    report::RunReport rep;
    if (a.area) {
        // Before simulating: a missing Yosys or a failed synthesis must not cost the run. Cached per hardware
        // in $SASIM_AREA_CACHE (else ~/.cache/sasim/area), so the points of a sweep share it.
        rtl::AreaOptions area_opt;
        area_opt.quiet = a.quiet;
        rep.area = rtl::area_to_json(rtl::run_area(cfg, area_opt));
        // Whether this call found the cache differs between runs; the report keeps only the results.
        rep.area.erase("cached");
        rep.area.erase("synth_seconds");
    }

    install_stop_handlers();  // Ctrl-C stops at the next layer, with the finished layers reported
    sc::RunOptions opt;
    opt.seed = a.seed;
    opt.check = !a.no_check && !a.timing_only;
    opt.compute_values = !a.timing_only;
    opt.reuse_layers = !a.no_layer_reuse;
    opt.layer_barrier = a.layer_barrier;
    opt.retire_log_path = a.retire_log;
    // --vcd and --trace write the same signals through one waveform module, so one of them at a time.
    if (!a.vcd.empty() && !a.trace.empty()) throw InputError("--vcd and --trace: choose one (a run writes one waveform)");
    if (!a.vcd_window.empty() || a.vcd_max_size != "1G") {
        if (a.vcd.empty()) throw InputError("--vcd-window and --vcd-max-size need --vcd");
    }
    if (!a.trace_window.empty() || a.trace_max_size != "1G") {
        if (a.trace.empty()) throw InputError("--trace-window and --trace-max-size need --trace");
    }
    const bool trace = !a.trace.empty();
    const std::string wave_opt = trace ? "--trace" : "--vcd";
    opt.vcd_path = trace ? a.trace : a.vcd;
    opt.vcd_as_trace_events = trace;
    const std::string& window = trace ? a.trace_window : a.vcd_window;
    const std::string& max_size = trace ? a.trace_max_size : a.vcd_max_size;
    if (!window.empty()) {
        const auto [from, to] = parse_cycle_window(window, wave_opt + "-window");
        opt.vcd_from_cycle = from;
        opt.vcd_to_cycle = to;
    }
    opt.vcd_max_bytes = parse_size_bytes(max_size, wave_opt + "-max-size");
    if (opt.vcd_max_bytes < 4096) throw InputError(wave_opt + "-max-size \"" + max_size + "\": must be at least 4K");
    opt.watchdog_cycles = a.watchdog_cycles;
    opt.max_memory_bytes = a.max_memory.empty() ? default_max_memory_bytes()
                                                : parse_size_bytes(a.max_memory, "--max-memory");
    opt.inject_fault = a.inject_fault;
    opt.mapper = a.mapping_file.empty() ? a.mapper : "heuristic";  // replay: layers it does not name
    opt.exhaustive_search = a.exhaustive;
    opt.search_jobs = a.jobs;
    opt.search_progress = search_progress_printer(a.quiet);
    opt.mapper_cache_dir = a.mapper_cache == "none" ? std::string() : a.mapper_cache;
    if (!a.mapping_file.empty()) opt.replay = &replay;
    const bool tty = isatty(STDERR_FILENO) != 0 && !a.quiet;
    if (tty) {
        // At a layer's start: its size and memory (compiler/memory_estimate.h) and, once a layer of this run
        // has been simulated, the time at this run's rate so far (seconds per instruction).
        struct Rate {
            std::chrono::steady_clock::time_point start;
            double seconds = 0;      // wall time of the simulated layers finished so far
            uint64_t instrs = 0;     // their instructions
        };
        auto rate = std::make_shared<Rate>();
        const MemoryNeeds needs{opt.compute_values, opt.check, false};
        opt.progress = [rate, &cfg, needs](size_t i, size_t n, const model::LayerStats* done, const Layer& layer) {
            const auto now = std::chrono::steady_clock::now();
            if (done == nullptr) {
                rate->start = now;
                std::string about;
                if (layer.kind != LayerKind::Other) {
                    const MemoryEstimate e = estimate_layer_memory(layer, cfg, needs);
                    about = fmt::format(": {} instructions, about {}", fmt::group_digits(e.instructions),
                                        format_bytes(e.total_bytes));
                    if (rate->instrs > 0) {
                        about += fmt::format(", about {:.0f} s", rate->seconds / static_cast<double>(rate->instrs) *
                                                                   static_cast<double>(e.instructions));
                    }
                }
                std::cerr << fmt::format("\r\033[K[{}/{}] {}{}", i + 1, n, layer.name, about) << std::flush;
                return;
            }
            if (done->simulated && done->reused_from.empty()) {  // a reused layer took no time to simulate
                rate->seconds += std::chrono::duration<double>(now - rate->start).count();
                rate->instrs += done->instructions.loads + done->instructions.executes + done->instructions.stores;
            }
            if (i + 1 == n) std::cerr << "\r\033[K" << std::flush;
        };
        // Inside a long layer: instructions retired, simulated cycles and the time left at the rate since the
        // layer's first progress line.
        struct Since {
            size_t layer = SIZE_MAX;
            std::chrono::steady_clock::time_point t0;
            uint64_t retired0 = 0;
        };
        auto since = std::make_shared<Since>();
        opt.layer_progress = [since](size_t i, size_t n, const Layer& layer, uint64_t retired, uint64_t instrs,
                                     uint64_t cycles) {
            const auto now = std::chrono::steady_clock::now();
            if (since->layer != i) *since = Since{i, now, retired};
            const double spent = std::chrono::duration<double>(now - since->t0).count();
            std::string eta;
            if (retired > since->retired0 && spent > 0) {
                eta = fmt::format(", about {:.0f} s left",
                                  spent * static_cast<double>(instrs - retired) / static_cast<double>(retired - since->retired0));
            }
            std::cerr << fmt::format("\r\033[K[{}/{}] {}: {} of {} instructions retired, {} cycles{}", i + 1, n,
                                     layer.name, retired, instrs, cycles, eta)
                      << std::flush;
        };
    }
    rep.config = &cfg;
    rep.workload = &wl;
    rep.seed = a.seed;
    rep.checked = opt.check;
    int stopped_by = 0;  // the signal that stopped the run early (Ctrl-C, SIGTERM), or 0
    try {
        rep.layers = sc::run_workload(cfg, wl, opt);
    } catch (const sc::RunInterrupted& e) {
        // Keep what is done: the reports below cover the finished layers and say the run is incomplete.
        if (tty) std::cerr << "\r\033[K";
        stopped_by = e.signal;
        rep.layers = e.done;
        rep.complete = false;
    }

    if (a.format == "json") {
        report::write_json(std::cout, rep);
        std::cout << '\n';
    } else if (a.format == "csv") {
        report::write_layers_csv(std::cout, rep);
    } else {
        report::print_table(std::cout, rep);
    }
    if (!a.out_dir.empty()) {
        OutputFile json((fs::path(a.out_dir) / "report.json").string());
        report::write_json(json.stream(), rep);
        json.stream() << '\n';
        json.commit();
        OutputFile csv((fs::path(a.out_dir) / "layers.csv").string());
        report::write_layers_csv(csv.stream(), rep);
        csv.commit();
        if (a.format == "table") {
            std::cout << fmt::format("wrote {}/report.json and {}/layers.csv\n", a.out_dir, a.out_dir);
        }
    }
    if (stopped_by != 0) {
        std::cerr << fmt::format("sasim: {} after {} of {} layers; the reports cover those layers (\"complete\": "
                                 "false)\n", stopped_by == SIGINT ? "interrupted" : "stopped", rep.layers.size(),
                                 wl.layers.size());
        (void)check_exit_code(rep);
        return 128 + stopped_by;
    }
    return check_exit_code(rep);
}

}  // namespace

Command add_run_command(CLI::App& app) {
    auto args = std::make_shared<RunArgs>();
    CLI::App* cmd = app.add_subcommand(
        "run", "Simulate a workload on an accelerator config; print per-layer cycles, utilization, stalls, traffic "
               "and the result check (the default when no subcommand is given)");
    cmd->add_option("-c,--config", args->config,
                    "Accelerator: sasim config JSON (keys in configs/README.md) or SCALE-Sim .cfg (default: "
                    "configs/gemmini_16x16.json)");
    cmd->add_option("-w,--workload", args->workload,
                    "Workload: our JSON trace, a SCALE-Sim topology CSV or an ONNX model (default: workloads/resnet50.json)");
    cmd->add_option("-o,--out", args->out_dir, "Directory to write report.json and layers.csv into (created)");
    cmd->add_option("--retire-log", args->retire_log,
                    "Write one line per instruction: layer, index, unit, issue cycle, retire cycle");
    cmd->add_option("--vcd", args->vcd,
                    "Write a VCD waveform of the model's queues, units (issued/retired, instruction in flight), "
                    "tokens and DMA buffers over the whole run, 1 cycle = 1 ns (docs/waveforms.md; use a small "
                    "workload)");
    cmd->add_option("--vcd-window", args->vcd_window,
                    "With --vcd: write only cycles FROM to TO (FROM:TO, either side may be empty: 1000000: or :5000)");
    cmd->add_option("--vcd-max-size", args->vcd_max_size,
                    "With --vcd: the waveform stops (with a warning) before it reaches this size (default 1G)");
    cmd->add_option("--trace", args->trace,
                    "Write a trace-event JSON file for the Perfetto UI or chrome://tracing: every instruction a "
                    "slice on its unit's tracks, the --vcd signals as counters, 1 cycle = 1 ns (docs/waveforms.md)");
    cmd->add_option("--trace-window", args->trace_window, "With --trace: write only cycles FROM to TO (FROM:TO)");
    cmd->add_option("--trace-max-size", args->trace_max_size,
                    "With --trace: the file stops (with a warning) before it reaches this size (default 1G)");
    cmd->add_option("--seed", args->seed, "Seed of the random operand values (default 1)");
    cmd->add_flag("--no-check", args->no_check, "Skip comparing outputs against the reference (faster)");
    cmd->add_flag("--timing-only", args->timing_only,
                  "Compute no output values (implies --no-check): the same cycles and statistics, faster; "
                  "the output tensors in DRAM are then meaningless");
    cmd->add_flag("--no-layer-reuse", args->no_layer_reuse,
                  "Simulate every layer, also those with the shape of an earlier one (whose statistics are "
                  "otherwise reused, and whose values are computed by replaying their program: the same "
                  "numbers, faster)");
    cmd->add_flag("--layer-barrier", args->layer_barrier,
                  "Isolated layers: every layer's operands are generated from its own seed, instead of a layer "
                  "reading the stored output of the layer before it in the graph (docs/timing.md, \"Layers\"); "
                  "the cycles are the same");
    cmd->add_flag("-q,--quiet", args->quiet, "No progress line on a terminal");
    cmd->add_option("--watchdog-cycles", args->watchdog_cycles,
                    "Stop with every unit's state when nothing progresses for this many cycles while no DMA "
                    "request is in flight (default 10000000; 0 = off)");
    cmd->add_option("--max-memory", args->max_memory,
                    fmt::format("Refuse, before anything runs, a workload with a layer estimated to need more memory "
                                "than this (8G, 512M, bytes; default 80 % of physical memory: {} here; "
                                "docs/reliability.md)", format_bytes(default_max_memory_bytes())));
    cmd->add_option("--inject-fault", args->inject_fault,
                    "Testing the checkers: drop-token removes one dependency token (the run must stop with a "
                    "deadlock report); late-result writes EXECUTE results one cycle late; kill-search-worker kills "
                    "the parallel search's workers (the run must fail naming the layer)")
        ->group("Debugging");
    CLI::Option* mapper = cmd->add_option("--mapper", args->mapper,
                    "How each layer's program is chosen: search (default: every candidate mapping simulated in "
                    "the order of its lower bound until the bound proves the rest no faster, docs/mapper.md) or "
                    "heuristic (the fixed tiling)")
        ->check(CLI::IsMember({"heuristic", "search"}));
    add_search_jobs_option(cmd, args->jobs);
    cmd->add_option("--mapping", args->mapping_file,
                    "Replay a saved mapping (written by `sasim map`): each layer it names runs that program, "
                    "without searching; layers it does not name run the heuristic program");
    add_mapper_cache_option(cmd, args->mapper_cache);
    add_onnx_options(cmd, args->onnx);
    cmd->add_flag("--exhaustive-search", args->exhaustive,
                  "With --mapper search: simulate every candidate (tests that the bound-pruned search is exact)")
        ->group("Debugging");
    cmd->add_flag("--area", args->area,
                  "Also report the accelerator's area (sasim area: its RTL synthesized with Yosys, cached per hardware in "
                  "$SASIM_AREA_CACHE or ~/.cache/sasim/area) and TOPS/mm2");
    cmd->add_option("--format", args->format, "What to print on stdout: table (default), json or csv")
        ->check(CLI::IsMember({"table", "json", "csv"}));
    return {cmd, [args, mapper] {
                args->mapper_given = mapper->count() > 0;
                return run(*args);
            }};
}

}  // namespace sasim::cli
