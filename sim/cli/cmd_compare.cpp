// SPDX-License-Identifier: MIT
// `sasim compare`: per layer, the simulated cycles next to SCALE-Sim v2's estimate and the roofline bound.
#include <unistd.h>

#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "analysis/compare.h"
#include "analysis/inputs.h"
#include "cli/commands.h"
#include "common/errors.h"
#include "common/json_text.h"
#include "report/report.h"
#include "report/roofline_fields.h"
#include "sc/simulator.h"

namespace sasim::cli {

namespace {

struct CompareArgs {
    std::string config;
    std::string workload;
    uint64_t seed = 1;
    bool no_check = false;
    bool quiet = false;
    std::string format = "table";
};

double ratio(uint64_t a, uint64_t b) { return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b); }

std::string shape(const GemmView& g) {
    std::string s = fmt::format("{}x{}x{}", g.m, g.n, g.k);
    return g.count > 1 ? fmt::format("{}*{}", g.count, s) : s;
}

void print_table(std::ostream& os, const Config& cfg, const Workload& wl, const analysis::Comparison& c) {
    os << fmt::format("sasim compare | config {} ({}x{} {}, {} MHz) | workload {}\n", cfg.name, cfg.array.rows,
                      cfg.array.cols, to_string(cfg.array.dataflow), cfg.clock_mhz, wl.name);
    os << "roofline: " << report::machine_summary(model::machine_roof(cfg)) << '\n';
    const std::string head = fmt::format("{:<24} {:>18} {:>12} {:>12} {:>12} {:>8} {:>10} {:>9}  {}", "layer",
                                         "M x N x K", "sasim", "SCALE-Sim", "bound", "binds", "sasim/SS", "sasim/bnd",
                                         "note");
    os << head << '\n' << std::string(head.size(), '-') << '\n';
    auto line = [&](const analysis::CompareRow& r, const std::string& shp) {
        os << fmt::format("{:<24} {:>18} {:>12} {:>12} {:>12} {:>8} {:>10.3f} {:>9.3f}  {}\n",
                          r.name.size() > 24 ? r.name.substr(0, 23) + "~" : r.name, shp, r.sasim_cycles,
                          r.scalesim_cycles, r.bounds.bound_cycles, model::to_string(r.bounds.binding),
                          ratio(r.sasim_cycles, r.scalesim_cycles), ratio(r.sasim_cycles, r.bounds.bound_cycles),
                          r.note);
    };
    for (const auto& r : c.rows) line(r, shape(r.gemm));
    os << std::string(head.size(), '-') << '\n';
    line(c.total, "");
    os << fmt::format(
        "cycles: sasim {} = {:.3f} x SCALE-Sim's estimate {}, {:.3f} x the sum of per-layer roofline bounds {}; "
        "bounds {}\n",
        c.total.sasim_cycles, ratio(c.total.sasim_cycles, c.total.scalesim_cycles), c.total.scalesim_cycles,
        ratio(c.total.sasim_cycles, c.total.bounds.bound_cycles), c.total.bounds.bound_cycles,
        c.bounds_hold ? "hold for every layer" : "VIOLATED (a model bug: please report it)");
}

nlohmann::json row_json(const analysis::CompareRow& r) {
    return {{"name", r.name},
            {"gemm", {{"count", r.gemm.count}, {"m", r.gemm.m}, {"n", r.gemm.n}, {"k", r.gemm.k}}},
            {"macs", r.macs},
            {"sasim_cycles", r.sasim_cycles},
            {"scalesim_cycles", r.scalesim_cycles},
            {"scalesim_macs", r.scalesim_macs},
            {"scalesim_layers", r.scalesim_rows},
            {"bound_cycles", r.bounds.bound_cycles},
            {"roofline", report::roofline_json(r.bounds)},
            {"sasim_over_scalesim", ratio(r.sasim_cycles, r.scalesim_cycles)},
            {"sasim_over_bound", ratio(r.sasim_cycles, r.bounds.bound_cycles)},
            {"note", r.note}};
}

void print_csv(std::ostream& os, const analysis::Comparison& c) {
    os << "layer,count,m,n,k,macs,sasim_cycles,scalesim_cycles,scalesim_macs,compute_bound_cycles,"
          "dram_bound_cycles,spad_bound_cycles,bound_cycles,binding_bound,sasim_over_scalesim,sasim_over_bound\n";
    for (const auto& r : c.rows) {
        std::string name = r.name;
        if (name.find_first_of(",\"\n") != std::string::npos) {
            std::string q = "\"";
            for (char ch : name) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
            name = q + "\"";
        }
        const auto& b = r.bounds;
        os << fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{:.6f},{:.6f}\n", name, r.gemm.count, r.gemm.m,
                          r.gemm.n, r.gemm.k, r.macs, r.sasim_cycles, r.scalesim_cycles, r.scalesim_macs,
                          b.compute_cycles, b.dram_cycles, b.spad_cycles, b.bound_cycles, model::to_string(b.binding),
                          ratio(r.sasim_cycles, r.scalesim_cycles), ratio(r.sasim_cycles, b.bound_cycles));
    }
}

int run(const CompareArgs& a) {
    const std::string cfg_path = resolve_default(a.config, "configs/gemmini_16x16.json");
    const std::string wl_path = resolve_default(a.workload, "workloads/resnet50.json");
    const analysis::Inputs in = analysis::load_inputs(cfg_path, wl_path);

    sc::RunOptions opt;
    opt.seed = a.seed;
    opt.check = !a.no_check;
    if (isatty(STDERR_FILENO) != 0 && !a.quiet) {
        opt.progress = [](size_t i, size_t n, const model::LayerStats* done, const Layer& layer) {
            if (done == nullptr) {
                std::cerr << fmt::format("\r\033[K[{}/{}] {}", i + 1, n, layer.name) << std::flush;
            } else if (i + 1 == n) {
                std::cerr << "\r\033[K" << std::flush;
            }
        };
    }
    report::RunReport rep;
    rep.config = &in.cfg;
    rep.workload = &in.wl;
    rep.checked = opt.check;
    rep.layers = sc::run_workload(in.cfg, in.wl, opt);  // the SystemC model: once per process
    const analysis::Comparison c = analysis::compare(in.cfg, in.wl, rep.layers);

    if (a.format == "json") {
        nlohmann::json j;
        j["config"] = in.cfg.name;
        j["workload"] = in.wl.name;
        j["machine"] = report::machine_json(in.cfg);
        nlohmann::json rows = nlohmann::json::array();
        for (const auto& r : c.rows) rows.push_back(row_json(r));
        j["layers"] = rows;
        j["total"] = row_json(c.total);
        j["bounds_hold"] = c.bounds_hold;
        std::cout << json_text(j, 2) << '\n';
    } else if (a.format == "csv") {
        print_csv(std::cout, c);
    } else {
        print_table(std::cout, in.cfg, in.wl, c);
    }
    return check_exit_code(rep);
}

}  // namespace

Command add_compare_command(CLI::App& app) {
    auto args = std::make_shared<CompareArgs>();
    CLI::App* cmd = app.add_subcommand(
        "compare", "Simulate a workload and put side by side, per layer: sasim cycles, SCALE-Sim v2's estimate and "
                   "the roofline bound (docs/validation.md explains the differences)");
    cmd->add_option("-c,--config", args->config,
                    "Accelerator: sasim config JSON or SCALE-Sim .cfg (default: configs/gemmini_16x16.json)");
    cmd->add_option("-w,--workload", args->workload,
                    "Workload: our JSON trace or a SCALE-Sim topology CSV (default: workloads/resnet50.json)");
    cmd->add_option("--seed", args->seed, "Seed of the random operand values (default 1)");
    cmd->add_flag("--no-check", args->no_check, "Skip comparing outputs against the reference (faster)");
    cmd->add_flag("-q,--quiet", args->quiet, "No progress line on a terminal");
    cmd->add_option("--format", args->format, "What to print on stdout: table (default), csv or json")
        ->check(CLI::IsMember({"table", "csv", "json"}));
    return {cmd, [args] { return run(*args); }};
}

}  // namespace sasim::cli
