// SPDX-License-Identifier: MIT
// `sasim estimate --model scalesim`: SCALE-Sim v2's compute report (CALC mode) for a workload on an array,
// from its closed forms; optionally written as SCALE-Sim's own COMPUTE_REPORT.csv.
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "analysis/scalesim_cfg.h"
#include "analysis/scalesim_estimate.h"
#include "cli/commands.h"
#include "common/errors.h"
#include "common/json_text.h"
#include "common/output_file.h"

namespace fs = std::filesystem;

namespace sasim::cli {

namespace {

struct EstimateArgs {
    std::string model = "scalesim";
    std::string config;
    std::string workload;
    std::string out_dir;
    std::string format = "table";
};

struct ArrayInput {
    analysis::ScalesimArray array;
    std::string name;
};

ArrayInput read_array(const std::string& path) {
    if (analysis::is_scalesim_cfg_path(path)) {
        const analysis::ScalesimCfg s = analysis::load_scalesim_cfg(path);
        if (s.user_bandwidth) {
            std::cerr << fmt::format(
                "note: {}: InterfaceBandwidth is USER; this estimate gives SCALE-Sim's CALC-mode numbers (no memory "
                "stalls)\n",
                path);
        }
        return {analysis::scalesim_array(s), s.run_name.empty() ? fs::path(path).stem().string() : s.run_name};
    }
    const Config cfg = load_config(path);  // only rows, cols and dataflow matter here
    return {analysis::scalesim_array(cfg), cfg.name};
}

void print_table(std::ostream& os, const ArrayInput& in, const Workload& wl,
                 const std::vector<analysis::ScalesimEstimate>& rows) {
    const analysis::ScalesimArray& a = in.array;
    os << fmt::format("SCALE-Sim v2 estimate (CALC mode, closed form) | {} ({}x{} {}) | workload {}\n", in.name,
                      a.rows, a.cols, to_string(a.dataflow), wl.name);
    const std::string head = fmt::format("{:>5} {:<24} {:>8} {:>6} {:>6} {:>6} {:>8} {:>9} {:>13} {:>9} {:>9} {:>9}",
                                         "id", "layer", "M", "N", "K", "gemms", "folds", "cyc/fold", "Total Cycles",
                                         "util%", "map eff%", "cmp util%");
    os << head << '\n' << std::string(head.size(), '-') << '\n';
    uint64_t cycles = 0, macs = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
        const analysis::ScalesimEstimate& e = rows[i];
        const std::string& name = e.layer.name;
        os << fmt::format("{:>5} {:<24} {:>8} {:>6} {:>6} {:>6} {:>8} {:>9} {:>13} {:>9.2f} {:>9.2f} {:>9.2f}\n", i,
                          name.size() > 24 ? name.substr(0, 23) + "~" : name, e.layer.gemm.m, e.layer.gemm.n,
                          e.layer.gemm.k, e.layer.gemms, e.folds.row_folds * e.folds.col_folds,
                          e.folds.cycles_per_fold, e.total_cycles, e.overall_util_pct, e.mapping_efficiency_pct,
                          e.compute_util_pct);
        cycles += e.total_cycles;
        macs += e.macs;
    }
    os << std::string(head.size(), '-') << '\n';
    const double util = cycles ? 100.0 * static_cast<double>(macs) / (static_cast<double>(cycles) * a.rows * a.cols) : 0;
    os << fmt::format("total: {} cycles, {} MACs, overall utilization {:.2f}% ({} SCALE-Sim layers)\n", cycles, macs,
                      util, rows.size());
}

nlohmann::json to_json(const ArrayInput& in, const Workload& wl, const std::vector<analysis::ScalesimEstimate>& rows) {
    nlohmann::json j;
    j["model"] = "scalesim-v2-calc";
    j["config"] = in.name;
    j["array"] = {{"rows", in.array.rows}, {"cols", in.array.cols}, {"dataflow", to_string(in.array.dataflow)}};
    j["workload"] = {{"name", wl.name}, {"path", wl.path}};
    nlohmann::json layers = nlohmann::json::array();
    uint64_t cycles = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
        const auto& e = rows[i];
        cycles += e.total_cycles;
        layers.push_back({{"layer_id", i},
                          {"name", e.layer.name},
                          {"workload_layer", wl.layers[e.layer.layer_index].name},
                          {"gemms", e.layer.gemms},
                          {"m", e.layer.gemm.m},
                          {"n", e.layer.gemm.n},
                          {"k", e.layer.gemm.k},
                          {"sr", e.folds.sr},
                          {"sc", e.folds.sc},
                          {"t", e.folds.t},
                          {"row_folds", e.folds.row_folds},
                          {"col_folds", e.folds.col_folds},
                          {"cycles_per_fold", e.folds.cycles_per_fold},
                          {"macs", e.macs},
                          {"total_cycles", e.total_cycles},
                          {"stall_cycles", e.stall_cycles},
                          {"overall_util_pct", e.overall_util_pct},
                          {"mapping_efficiency_pct", e.mapping_efficiency_pct},
                          {"compute_util_pct", e.compute_util_pct}});
    }
    j["layers"] = layers;
    j["total_cycles"] = cycles;
    return j;
}

int run(const EstimateArgs& a) {
    const std::string cfg_path = resolve_default(a.config, "configs/gemmini_16x16.json");
    const std::string wl_path = resolve_default(a.workload, "workloads/resnet50.json");
    ArrayInput in;
    Workload wl;
    read_all_inputs({[&] { in = read_array(cfg_path); }, [&] { wl = load_workload(wl_path); }});

    const std::vector<analysis::ScalesimEstimate> rows = analysis::estimate_workload(in.array, wl);
    if (a.format == "json") {
        std::cout << json_text(to_json(in, wl, rows), 2) << '\n';
    } else if (a.format == "csv") {
        analysis::write_compute_report(std::cout, rows);
    } else {
        print_table(std::cout, in, wl, rows);
    }
    if (!a.out_dir.empty()) {
        std::error_code ec;
        fs::create_directories(a.out_dir, ec);
        if (ec || !fs::is_directory(a.out_dir)) {
            throw InputError(fmt::format("{}: cannot create output directory ({})", a.out_dir, ec.message()));
        }
        std::ostringstream csv;
        analysis::write_compute_report(csv, rows);
        const std::string path = (fs::path(a.out_dir) / "COMPUTE_REPORT.csv").string();
        write_output_file(path, csv.str());
        if (a.format == "table") std::cout << "wrote " << path << '\n';
    }
    return 0;
}

}  // namespace

Command add_estimate_command(CLI::App& app) {
    auto args = std::make_shared<EstimateArgs>();
    CLI::App* cmd = app.add_subcommand(
        "estimate", "Analytical estimate of a workload on an array: SCALE-Sim v2's compute report (CALC mode: total "
                    "cycles, utilization, mapping efficiency per layer), without simulating");
    cmd->add_option("--model", args->model, "Estimate to compute: scalesim (SCALE-Sim v2, CALC mode; the default)")
        ->check(CLI::IsMember({"scalesim"}));
    cmd->add_option("-c,--config", args->config,
                    "Accelerator: sasim config JSON or SCALE-Sim .cfg (default: configs/gemmini_16x16.json)");
    cmd->add_option("-w,--workload", args->workload,
                    "Workload: our JSON trace or a SCALE-Sim topology CSV (default: workloads/resnet50.json)");
    cmd->add_option("-o,--out", args->out_dir, "Directory to write COMPUTE_REPORT.csv into, in SCALE-Sim v2's format");
    cmd->add_option("--format", args->format, "What to print on stdout: table (default), csv (COMPUTE_REPORT) or json")
        ->check(CLI::IsMember({"table", "csv", "json"}));
    return {cmd, [args] { return run(*args); }};
}

}  // namespace sasim::cli
