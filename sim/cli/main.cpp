// SPDX-License-Identifier: MIT
// The sasim command line. Library code throws typed errors; this file turns them into exit codes:
//   0 success, 1 a result check failed, 2 bad input (config, workload, options), 3 simulation error.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "common/errors.h"
#include "report/report.h"
#include "sasim_version.h"
#include "sc/simulator.h"

#include <systemc>

namespace fs = std::filesystem;
using namespace sasim;

namespace {

constexpr int kExitCheckFailed = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitSimulation = 3;

// A default path is looked up in the working directory first, then in the source tree.
std::string resolve_default(const std::string& path, const std::string& fallback_rel) {
    if (!path.empty()) return path;
    if (fs::exists(fallback_rel)) return fallback_rel;
    const fs::path src = fs::path(SASIM_SOURCE_DIR) / fallback_rel;
    return fs::exists(src) ? src.string() : fallback_rel;
}

struct RunArgs {
    std::string config;
    std::string workload;
    std::string out_dir;
    std::string retire_log;
    uint64_t seed = 1;
    bool no_check = false;
    bool quiet = false;
    std::string format = "table";
};

void write_file_atomic(const fs::path& path, const std::string& text) {
    const fs::path tmp = path.string() + ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary);
        if (!f) throw InputError(fmt::format("{}: cannot open for writing", tmp.string()));
        f << text;
        if (!f) throw InputError(fmt::format("{}: write failed", tmp.string()));
    }
    fs::rename(tmp, path);
}

int cmd_run(const RunArgs& a) {
    const std::string cfg_path = resolve_default(a.config, "configs/gemmini_16x16.json");
    const std::string wl_path = resolve_default(a.workload, "workloads/resnet50.json");
    // Read everything first: every problem in the inputs is reported before any simulation.
    std::vector<std::string> problems;
    Config cfg;
    Workload wl;
    try {
        cfg = load_config(cfg_path);
    } catch (const InputError& e) {
        problems.insert(problems.end(), e.lines().begin(), e.lines().end());
    }
    try {
        wl = load_workload(wl_path);
    } catch (const InputError& e) {
        problems.insert(problems.end(), e.lines().begin(), e.lines().end());
    }
    if (!problems.empty()) throw InputError(problems);
    if (!a.out_dir.empty()) {
        std::error_code ec;
        fs::create_directories(a.out_dir, ec);
        if (ec || !fs::is_directory(a.out_dir)) {
            throw InputError(fmt::format("{}: cannot create output directory ({})", a.out_dir, ec.message()));
        }
    }

    sc::RunOptions opt;
    opt.seed = a.seed;
    opt.check = !a.no_check;
    opt.retire_log_path = a.retire_log;
    const bool tty = isatty(STDERR_FILENO) != 0 && !a.quiet;
    if (tty) {
        opt.progress = [](size_t i, size_t n, const model::LayerStats* done, const Layer& layer) {
            if (done == nullptr) {
                std::cerr << fmt::format("\r\033[K[{}/{}] {}", i + 1, n, layer.name) << std::flush;
            } else if (i + 1 == n) {
                std::cerr << "\r\033[K" << std::flush;
            }
        };
    }
    report::RunReport rep;
    rep.config = &cfg;
    rep.workload = &wl;
    rep.seed = a.seed;
    rep.checked = opt.check;
    rep.layers = sc::run_workload(cfg, wl, opt);

    if (a.format == "json") {
        std::cout << report::to_json(rep).dump(2) << '\n';
    } else if (a.format == "csv") {
        report::write_layers_csv(std::cout, rep);
    } else {
        report::print_table(std::cout, rep);
    }
    if (!a.out_dir.empty()) {
        write_file_atomic(fs::path(a.out_dir) / "report.json", report::to_json(rep).dump(2) + "\n");
        std::ostringstream csv;
        report::write_layers_csv(csv, rep);
        write_file_atomic(fs::path(a.out_dir) / "layers.csv", csv.str());
        if (a.format == "table") {
            std::cout << fmt::format("wrote {}/report.json and {}/layers.csv\n", a.out_dir, a.out_dir);
        }
    }
    for (const auto& l : rep.layers) {
        if (l.simulated && l.check.checked && !l.check.pass) {
            std::cerr << fmt::format("check FAILED: layer {}: {} of {} outputs differ; first: {}\n", l.name,
                                     l.check.mismatches, l.check.elements, l.check.first_mismatch);
        }
    }
    return report::all_checks_pass(rep) ? 0 : kExitCheckFailed;
}

}  // namespace

// libsystemc's own main() would call sc_main() after printing a banner; ours takes precedence, and the
// model is elaborated and started from cmd_run. The symbol must still exist for the library to link.
int sc_main(int, char*[]) { return 3; }

int main(int argc, char** argv) {
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    CLI::App app{"sasim: cycle-exact simulator of systolic-array accelerators (SystemC model, checked results)"};
    app.set_version_flag("--version", std::string("sasim ") + SASIM_VERSION);
    app.require_subcommand(0, 1);

    RunArgs run;
    CLI::App* run_cmd = app.add_subcommand(
        "run", "Simulate a workload on an accelerator config; print per-layer cycles, utilization, stalls, traffic "
               "and the result check");
    run_cmd->add_option("-c,--config", run.config,
                        "Accelerator config JSON (default: configs/gemmini_16x16.json; keys in configs/README.md)");
    run_cmd->add_option("-w,--workload", run.workload,
                        "Workload: our JSON trace or a SCALE-Sim topology CSV (default: workloads/resnet50.json)");
    run_cmd->add_option("-o,--out", run.out_dir, "Directory to write report.json and layers.csv into (created)");
    run_cmd->add_option("--retire-log", run.retire_log,
                        "Write one line per instruction: layer, index, unit, issue cycle, retire cycle");
    run_cmd->add_option("--seed", run.seed, "Seed of the random operand values (default 1)");
    run_cmd->add_flag("--no-check", run.no_check, "Skip comparing outputs against the reference (faster)");
    run_cmd->add_flag("-q,--quiet", run.quiet, "No progress line on a terminal");
    run_cmd->add_option("--format", run.format, "What to print on stdout: table (default), json or csv")
        ->check(CLI::IsMember({"table", "json", "csv"}));

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);
        return rc == 0 ? 0 : kExitBadInput;
    }
    try {
        if (app.get_subcommands().empty() || run_cmd->parsed()) return cmd_run(run);
    } catch (const InputError& e) {
        for (const auto& line : e.lines()) std::cerr << line << '\n';
        return kExitBadInput;
    } catch (const SimulationError& e) {
        std::cerr << "simulation error: " << e.what() << '\n';
        return kExitSimulation;
    } catch (const std::bad_alloc&) {
        std::cerr << "out of memory\n";
        return kExitSimulation;
    } catch (const std::exception& e) {
        std::cerr << "internal error: " << e.what() << '\n';
        return kExitSimulation;
    }
    return 0;
}
