// SPDX-License-Identifier: MIT
// `sasim roofline`: the machine's roofs (peak TOPS, DRAM bandwidth, ridge point); with --workload each layer
// placed on the roofline (simulated, or analytically with --no-sim); with --plot the log-log roofline drawn by
// scripts/plot_roofline.py (Debian's /usr/bin/python3 with matplotlib).
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "analysis/inputs.h"
#include "analysis/roofline_view.h"
#include "cli/commands.h"
#include "common/errors.h"
#include "common/json_text.h"
#include "common/output_file.h"
#include "report/roofline_fields.h"
#include "sc/simulator.h"

extern char** environ;

namespace fs = std::filesystem;

namespace sasim::cli {

namespace {

struct RooflineArgs {
    std::string config;
    std::string workload;
    std::string plot;
    bool no_sim = false;
    uint64_t seed = 1;
    std::string format = "table";
};

void print_machine(std::ostream& os, const Config& cfg) {
    const model::MachineRoof m = model::machine_roof(cfg);
    os << fmt::format("machine {}: {}x{} {} array at {} MHz\n", cfg.name, cfg.array.rows, cfg.array.cols,
                      to_string(cfg.array.dataflow), cfg.clock_mhz);
    os << fmt::format("  peak compute   {} MACs/cycle = {:.4g} TMAC/s = {:.4g} TOPS (2 ops per MAC)\n", m.pes,
                      m.peak_macs_per_second() / 1e12, m.peak_tops());
    os << fmt::format("  DRAM bandwidth {:.3f} bytes/cycle = {:.2f} GB/s\n", m.dram_bytes_per_cycle(), m.dram_gbps());
    os << fmt::format("  ridge point    {:.1f} MACs/byte = {:.1f} ops/byte\n", m.ridge_macs_per_byte(),
                      m.ridge_ops_per_byte());
}

void print_analytic(std::ostream& os, const std::vector<analysis::PlacedLayer>& layers) {
    os << "\nlayers at their compulsory intensity (each tensor moved once; not simulated):\n";
    const std::string head = fmt::format("{:<24} {:>13} {:>12} {:>10} {:>10} {:>12} {:>12} {:>8} {:>9}", "layer",
                                         "MACs", "bytes", "MACs/B", "ops/B", "compute bnd", "DRAM bnd", "binds",
                                         "roof TOPS");
    os << head << '\n' << std::string(head.size(), '-') << '\n';
    for (const auto& p : layers) {
        const auto& b = p.bounds;
        os << fmt::format("{:<24} {:>13} {:>12} {:>10.1f} {:>10.1f} {:>12} {:>12} {:>8} {:>9.4g}\n",
                          p.name.size() > 24 ? p.name.substr(0, 23) + "~" : p.name, b.macs, b.compulsory_bytes,
                          b.macs_per_compulsory_byte, 2 * b.macs_per_compulsory_byte, b.compute_cycles,
                          b.compulsory_dram_cycles, model::to_string(b.binding),
                          b.roof_tops);
    }
}

// Runs `python script data png` and waits; throws InputError when it cannot draw.
void draw(const nlohmann::json& data, const std::string& png) {
    const fs::path script = fs::path(SASIM_SOURCE_DIR) / "scripts" / "plot_roofline.py";
    if (!fs::exists(script)) throw InputError(fmt::format("--plot: {} not found", script.string()));
    const char* env_python = std::getenv("SASIM_PYTHON");
    const std::string python = env_python != nullptr && *env_python ? env_python : "/usr/bin/python3";
    const fs::path tmp = fs::temp_directory_path() / fmt::format("sasim_roofline_{}.json", getpid());
    write_output_file(tmp.string(), json_text(data, 2) + "\n");
    std::vector<std::string> argv_s = {python, script.string(), tmp.string(), png};
    std::vector<char*> argv;
    for (auto& s : argv_s) argv.push_back(s.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    int status = 0;
    const int rc = posix_spawnp(&pid, python.c_str(), nullptr, nullptr, argv.data(), environ);
    if (rc == 0) waitpid(pid, &status, 0);
    std::error_code ec;
    fs::remove(tmp, ec);
    if (rc != 0) {
        throw InputError(fmt::format("--plot: cannot run {} ({}); Debian's python3 with python3-matplotlib is needed "
                                     "(or set SASIM_PYTHON)", python, std::strerror(rc)));
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        throw InputError(fmt::format("--plot: {} {} failed (exit {}); see its message above", python,
                                     script.string(), WIFEXITED(status) ? WEXITSTATUS(status) : -1));
    }
}

int run(const RooflineArgs& a) {
    const std::string cfg_path = resolve_default(a.config, "configs/gemmini_16x16.json");
    const analysis::Inputs in = analysis::load_inputs(cfg_path, a.workload);
    const Config& cfg = in.cfg;

    report::RunReport rep;
    rep.config = &cfg;
    rep.workload = &in.wl;
    rep.seed = a.seed;
    rep.checked = false;
    std::vector<analysis::PlacedLayer> placed;
    if (in.has_workload && a.no_sim) {
        placed = analysis::place_analytic(cfg, in.wl);
    } else if (in.has_workload) {
        sc::RunOptions opt;
        opt.seed = a.seed;
        opt.check = false;  // only cycles and traffic matter here
        rep.layers = sc::run_workload(cfg, in.wl, opt);
        placed = analysis::place_simulated(cfg, rep.layers);
    }

    if (a.format == "json") {
        nlohmann::json j;
        j["config"] = cfg.name;
        j["machine"] = report::machine_json(cfg);
        if (in.has_workload) {
            j["workload"] = in.wl.name;
            j["placement"] = a.no_sim ? "analytic" : "simulated";
            nlohmann::json layers = nlohmann::json::array();
            for (const auto& p : placed) layers.push_back({{"name", p.name}, {"roofline", report::roofline_json(p.bounds)}});
            j["layers"] = layers;
            if (!a.no_sim) j["total"] = report::roofline_json(model::total_bounds(model::machine_roof(cfg), rep.layers));
        }
        std::cout << json_text(j, 2) << '\n';
    } else {
        print_machine(std::cout, cfg);
        if (in.has_workload && a.no_sim) {
            print_analytic(std::cout, placed);
        } else if (in.has_workload) {
            report::print_roofline_table(std::cout, rep);
        }
    }
    if (!a.plot.empty()) {
        draw(analysis::roofline_plot_json(cfg, in.has_workload ? &in.wl : nullptr, placed), a.plot);
        if (a.format == "table") std::cout << "wrote " << a.plot << '\n';
    }
    return 0;
}

}  // namespace

Command add_roofline_command(CLI::App& app) {
    auto args = std::make_shared<RooflineArgs>();
    CLI::App* cmd = app.add_subcommand(
        "roofline", "The roofline of a config: peak TOPS, DRAM bandwidth and ridge point; with --workload each layer "
                    "placed on it; with --plot a log-log roofline PNG");
    cmd->add_option("-c,--config", args->config,
                    "Accelerator: sasim config JSON or SCALE-Sim .cfg (default: configs/gemmini_16x16.json)");
    cmd->add_option("-w,--workload", args->workload,
                    "Workload to place: our JSON trace or a SCALE-Sim topology CSV (simulated unless --no-sim)");
    cmd->add_option("--plot", args->plot, "Draw the roofline into this PNG file (needs /usr/bin/python3 with matplotlib)");
    cmd->add_flag("--no-sim", args->no_sim,
                  "Do not simulate: place layers at their compulsory intensity, on the roof");
    cmd->add_option("--seed", args->seed, "Seed of the random operand values (default 1)");
    cmd->add_option("--format", args->format, "What to print on stdout: table (default) or json")
        ->check(CLI::IsMember({"table", "json"}));
    return {cmd, [args] { return run(*args); }};
}

}  // namespace sasim::cli
