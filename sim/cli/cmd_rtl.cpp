// SPDX-License-Identifier: MIT
// `sasim rtl generate`: write the Verilog of a config. `sasim rtl check`: run a workload on the SystemC
// model and on the generated RTL (under Verilator), layer by layer, and report the first divergence in
// issue/retire cycles, total cycles or the final DRAM image.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "analysis/scalesim_cfg.h"
#include "cli/commands.h"
#include "common/errors.h"
#include "common/output_file.h"
#include "model/dram_timing.h"
#include "rtl/check/build.h"
#include "rtl/check/check.h"
#include "rtl/generator/generator.h"
#include "sc/simulator.h"
#include "sc/waveform.h"

namespace fs = std::filesystem;

namespace sasim::cli {
namespace {

struct GenerateArgs {
    std::string config;
    std::string out_dir;
};

struct CheckArgs {
    std::string config;
    std::string workload;
    uint64_t seed = 1;
    std::string vcd;             // RTL waveform of the (single) checked layer
    std::string model_vcd;       // model waveform of the (single) checked layer (docs/waveforms.md)
    std::string cache_dir;
    std::string source_dir;
    int64_t delay_read = -1;     // perturbation: delay the k-th read completion by one cycle
    uint64_t watchdog = 0;       // 0 = kWatchdogCycles + 10 x the DRAM latency
    std::string layer;           // name or 0-based index; "" = every layer
    std::string fault;           // deliberate fault (tests of the checker): see kFaults
    std::string keep_cases;      // "" = none; else each layer's case file is kept here (for timing the harness)
    std::string mapper = "heuristic";  // which program each layer runs (sc::RunOptions::mapper)
    bool quiet = false;
};

// Deliberate faults that prove the checker catches a one-cycle difference or a hang (docs/rtl.md).
const std::vector<std::pair<std::string, std::string>> kFaults = {
    {"rtl-late-result", "the generated RTL writes every EXECUTE result one cycle late"},
    {"rtl-drop-token", "the RTL runs the program without the first LOAD's load->execute token (it hangs)"},
    {"model-late-result", "the model writes every EXECUTE result one cycle late"},
    {"rtl-late-acc-load", "the generated RTL writes each row of a LOAD into the accumulator one cycle late"},
};

// Default hang window of the harness: cycles without any issue, retire or memory traffic. Far above the
// longest quiet stretch of a working design (a DRAM round trip), so only a real hang trips it.
constexpr uint64_t kWatchdogCycles = 100'000;

// A layer trace that owns what the model's trace only points to (the model reuses them for the next layer).
struct KeptLayer {
    sc::LayerTrace trace;
    Program program;
    LayerLayout layout;
    std::vector<uint8_t> final_image;
};

int run_generate(const GenerateArgs& a) {
    const Config cfg = analysis::load_any_config(a.config);
    print_config_notes(cfg, a.config);
    const std::vector<rtl::GeneratedFile> files = rtl::generate_rtl(cfg);
    std::error_code ec;
    fs::create_directories(a.out_dir, ec);
    if (ec || !fs::is_directory(a.out_dir)) {
        throw InputError(fmt::format("{}: cannot create output directory ({})", a.out_dir, ec.message()));
    }
    for (const rtl::GeneratedFile& f : files) {
        if (f.name.empty() || f.name.find('/') != std::string::npos) {
            throw SimulationError(fmt::format("generate_rtl returned an invalid file name \"{}\"", f.name));
        }
        write_output_file((fs::path(a.out_dir) / f.name).string(), f.text);
    }
    std::cout << fmt::format("wrote {} files to {} (hardware {})\n", files.size(), a.out_dir, rtl::hardware_hash(cfg));
    return 0;
}

// Keeps only the layer named (or numbered, 0-based) by `sel`; it must be a conv or gemm layer.
void select_layer(Workload& wl, const std::string& sel) {
    size_t pick = wl.layers.size();
    for (size_t i = 0; i < wl.layers.size() && pick == wl.layers.size(); ++i) {
        if (wl.layers[i].name == sel) pick = i;
    }
    const bool digits = !sel.empty() && sel.size() < 10 &&
                        std::all_of(sel.begin(), sel.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
    if (pick == wl.layers.size() && digits && std::stoul(sel) < wl.layers.size()) pick = std::stoul(sel);
    if (pick == wl.layers.size()) {
        throw InputError(fmt::format("--layer: {} has no layer \"{}\" (give a layer name or a 0-based index below {})",
                                     wl.path, sel, wl.layers.size()));
    }
    if (wl.layers[pick].kind == LayerKind::Other) {
        throw InputError(fmt::format("--layer: layer {} ({}) is not simulated, so there is nothing to check",
                                     wl.layers[pick].name, wl.layers[pick].op));
    }
    Layer keep = wl.layers[pick];
    keep.inputs.clear();  // alone, it reads the network's input
    wl.layers = {keep};
}

int run_check(const CheckArgs& a) {
    if (!a.fault.empty()) {
        bool known = false;
        std::string valid;
        for (const auto& [name, what] : kFaults) {
            known = known || name == a.fault;
            valid += (valid.empty() ? "" : ", ") + name;
        }
        if (!known) throw InputError(fmt::format("--fault: unknown fault \"{}\" (valid: {})", a.fault, valid));
    }
    if (a.delay_read < -1) throw InputError(fmt::format("--delay-read: must be -1 (none) or >= 0, got {}", a.delay_read));
    Config cfg;
    Workload wl;
    read_all_inputs({[&] { cfg = analysis::load_any_config(a.config); }, [&] { wl = load_workload(a.workload); }});
    print_config_notes(cfg, a.config);
    if (!a.layer.empty()) select_layer(wl, a.layer);
    size_t simulated = 0;
    for (const Layer& l : wl.layers) simulated += l.kind == LayerKind::Other ? 0 : 1;
    if (simulated == 0) throw InputError(fmt::format("{}: no conv or gemm layer to check", a.workload));
    if (!a.vcd.empty() && simulated > 1) {
        throw InputError(fmt::format("--vcd: {} has {} conv/gemm layers; pick one with --layer", a.workload, simulated));
    }
    if (!a.model_vcd.empty() && simulated > 1) {
        throw InputError(
            fmt::format("--model-vcd: {} has {} conv/gemm layers; pick one with --layer", a.workload, simulated));
    }
    if (!a.model_vcd.empty()) sc::check_waveform_path(a.model_vcd);  // before the model run and the RTL build
    const auto problems = sc::check_mappable(cfg, wl);
    if (!problems.empty()) throw InputError(problems);

    std::vector<std::unique_ptr<KeptLayer>> kept;
    sc::RunOptions opt;
    opt.seed = a.seed;
    opt.check = true;
    opt.mapper = a.mapper;  // the trace carries the chosen program, so the RTL runs the same one
    if (a.fault == "model-late-result") opt.inject_fault = "late-result";
    opt.vcd_path = a.model_vcd;  // one simulated layer (checked above), from cycle 0 as in the RTL's run
    opt.layer_trace = [&kept](const sc::LayerTrace& t) {
        auto k = std::make_unique<KeptLayer>();
        k->trace = t;
        k->program = *t.program;
        k->layout = *t.layout;
        k->final_image = *t.final_image;
        k->trace.program = &k->program;
        k->trace.layout = &k->layout;
        k->trace.final_image = &k->final_image;
        kept.push_back(std::move(k));
    };
    if (!a.quiet) std::cerr << fmt::format("model: simulating {} layer{}...", simulated, simulated == 1 ? "" : "s") << std::endl;
    const std::vector<model::LayerStats> stats = sc::run_workload(cfg, wl, opt);
    int rc = 0;
    for (const model::LayerStats& s : stats) {
        if (s.simulated && s.check.checked && !s.check.pass) {
            std::cerr << fmt::format("check FAILED: layer {} (model): {} of {} outputs differ; first: {}\n", s.name,
                                     s.check.mismatches, s.check.elements, s.check.first_mismatch);
            rc = 1;
        }
    }

    // Build (or find) the verilated harness, its read buffer sized for the widest LOAD the model ran (a
    // mapper's program may load wider rows than the heuristic compiler, which the defaults are sized for).
    rtl::BuildOptions bopt;
    bopt.cache_dir = a.cache_dir;
    bopt.source_dir = a.source_dir;
    bopt.quiet = a.quiet;
    if (a.fault == "rtl-late-result") bopt.generate.extra_result_cycles = 1;
    if (a.fault == "rtl-late-acc-load") bopt.generate.late_acc_load = true;
    for (const auto& k : kept) rtl::fit_loads(cfg, k->program, bopt.generate);
    const std::string harness = rtl::ensure_harness(cfg, bopt);

    uint64_t instrs = 0, cycles = 0, bytes = 0;
    std::vector<std::string> divergences;
    for (size_t i = 0; i < kept.size(); ++i) {
        const sc::LayerTrace& t = kept[i]->trace;
        rtl::HarnessOptions hopt;
        hopt.settings.dram = model::DramTiming::params_from(cfg);
        hopt.settings.watchdog_cycles = a.watchdog != 0 ? a.watchdog : kWatchdogCycles + 10 * uint64_t{cfg.dram.latency_cycles};
        hopt.settings.delay_read = a.delay_read;
        hopt.vcd_path = a.vcd;
        hopt.drop_token = a.fault == "rtl-drop-token";
        hopt.keep_case_dir = a.keep_cases;
        if (!a.quiet) std::cerr << fmt::format("[{}/{}] {} ... ", i + 1, kept.size(), t.name) << std::flush;
        rtl::HarnessResult res;
        try {
            res = rtl::run_harness(harness, t, hopt);
        } catch (const SimulationError&) {
            if (!a.quiet) std::cerr << "FAILED" << std::endl;  // ends the progress line before the error
            throw;
        }
        const rtl::CheckResult cr = rtl::compare_layer(t, res);
        if (!a.quiet) {
            std::cerr << (cr.match ? fmt::format("match ({} cycles)", cr.cycles) : res.hung ? "RTL HUNG" : "DIVERGES")
                      << std::endl;
        }
        instrs += cr.instructions;
        cycles += cr.cycles;
        bytes += cr.bytes;
        divergences.insert(divergences.end(), cr.lines.begin(), cr.lines.end());
    }
    if (!a.vcd.empty() && !a.quiet) std::cerr << "wrote the RTL waveform to " << a.vcd << '\n';
    if (!a.model_vcd.empty() && !a.quiet) std::cerr << "wrote the model waveform to " << a.model_vcd << '\n';
    if (!divergences.empty()) {
        for (const std::string& l : divergences) std::cout << l << '\n';
        return 1;
    }
    std::cout << fmt::format("match: {} instructions, {} cycles, {} bytes\n", instrs, cycles, bytes);
    return rc;
}

}  // namespace

Command add_rtl_command(CLI::App& app) {
    CLI::App* cmd = app.add_subcommand(
        "rtl", "The generated Verilog: write it (generate), or cross-check the model against it under Verilator (check)");
    cmd->require_subcommand(1);

    auto gen = std::make_shared<GenerateArgs>();
    CLI::App* g = cmd->add_subcommand("generate", "Write the Verilog of a config (and a README.md of its ports) into a directory");
    g->add_option("-c,--config", gen->config, "Accelerator: sasim config JSON or SCALE-Sim .cfg")->required();
    g->add_option("-o,--out", gen->out_dir, "Directory to write the files into (created)")->required();

    auto chk = std::make_shared<CheckArgs>();
    CLI::App* c = cmd->add_subcommand(
        "check", "Run a workload on the model and on the generated RTL (Verilator), layer by layer; print \"match: ...\" "
                 "(exit 0) or the first divergence (exit 1)");
    c->add_option("-c,--config", chk->config, "Accelerator: sasim config JSON or SCALE-Sim .cfg")->required();
    c->add_option("-w,--workload", chk->workload, "Workload: JSON trace, SCALE-Sim CSV or ONNX model")->required();
    c->add_option("--seed", chk->seed, "Seed of the random operand values (default 1)");
    c->add_option("--mapper", chk->mapper,
                  "How each layer's program is chosen, as in sasim run: heuristic (default) or search (the fastest "
                  "candidate mapping on the model, which may use operand windows); the RTL runs the chosen program")
        ->check(CLI::IsMember({"heuristic", "search"}));
    c->add_option("--layer", chk->layer, "Check only this layer (name, or 0-based index in the workload)");
    c->add_option("--vcd", chk->vcd, "Write the RTL waveform of the checked layer (needs --layer on multi-layer workloads)");
    c->add_option("--model-vcd", chk->model_vcd,
                  "Write the SystemC model's waveform of the checked layer: queues, units, tokens, DMA buffers, "
                  "1 cycle = 1 ns (docs/waveforms.md; needs --layer on multi-layer workloads)");
    c->add_option("--cache-dir", chk->cache_dir,
                  "Verilated builds cache (default $SASIM_RTL_CACHE, else $XDG_CACHE_HOME/sasim/rtl, else ~/.cache/sasim/rtl)");
    c->add_option("--source-dir", chk->source_dir, "sasim source tree holding rtl/harness (default: the one sasim was built from)");
    c->add_option("--delay-read", chk->delay_read,
                  "Perturbation test: the RTL's k-th (0-based) DRAM read completes one cycle late (default -1 = none)")
        ->group("Debugging");
    c->add_option("--watchdog", chk->watchdog,
                  "The harness declares the RTL hung after this many cycles without an issue, retire or memory "
                  "request (default 100000 + 10 x dram.latency_cycles)");
    std::string fault_help = "Checker test: run with a deliberate fault; one of";
    for (const auto& [name, what] : kFaults) fault_help += " " + name + " (" + what + ")";
    c->add_option("--fault", chk->fault, fault_help)->group("Debugging");
    c->add_option("--keep-cases", chk->keep_cases,
                  "Also write each layer's harness input to DIR/<layer>.case (run it with <cache>/<hash>/harness --case)")
        ->group("Debugging");
    c->add_flag("-q,--quiet", chk->quiet, "No progress or cache notes on stderr");

    return {cmd, [g, gen, chk] { return g->parsed() ? run_generate(*gen) : run_check(*chk); }};
}

}  // namespace sasim::cli
