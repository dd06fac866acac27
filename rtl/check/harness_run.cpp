// SPDX-License-Identifier: MIT
// run_harness (declared in build.h): one layer through the verilated harness.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "common/errors.h"
#include "rtl/check/build.h"
#include "rtl/tools/process.h"

namespace fs = std::filesystem;

namespace sasim::rtl {
namespace {

constexpr int kHarnessHung = 3;        // the harness's exit status when its watchdog fired
constexpr size_t kLogTailLines = 20;

std::string temp_parent() {
    const char* t = std::getenv("TMPDIR");
    return t != nullptr && *t != '\0' ? std::string(t) : std::string("/tmp");
}

}  // namespace

HarnessResult run_harness(const std::string& harness, const sc::LayerTrace& layer, const HarnessOptions& opt) {
    if (layer.program == nullptr) throw SimulationError("run_harness: layer " + layer.name + " has no program");
    const fs::path dir = make_temp_dir(temp_parent(), "sasim-rtl-");
    const fs::path case_path = dir / "case.txt";
    const fs::path result_path = dir / "result.txt";
    const fs::path log_path = dir / "harness.log";
    {
        std::ofstream f(case_path, std::ios::binary);
        Program program = *layer.program;
        if (opt.drop_token) {
            for (Instruction& in : program.instrs) {
                if (unit_of(in.op) == Unit::Load && in.signal_next) {
                    in.signal_next = false;
                    break;
                }
            }
        }
        write_case(f, program, layer.initial_image, opt.settings);
        f.flush();
        if (!f) throw SimulationError(fmt::format("{}: cannot write the case file", case_path.string()));
    }
    if (!opt.keep_case_dir.empty()) {
        std::error_code ec;
        fs::create_directories(opt.keep_case_dir, ec);
        fs::copy_file(case_path, fs::path(opt.keep_case_dir) / (layer.name + ".case"), fs::copy_options::overwrite_existing, ec);
        if (ec) throw SimulationError(fmt::format("{}: cannot keep the case file: {}", opt.keep_case_dir, ec.message()));
    }
    std::vector<std::string> argv = {harness, "--case", case_path.string(), "--out", result_path.string()};
    if (!opt.vcd_path.empty()) {
        argv.push_back("--vcd");
        argv.push_back(opt.vcd_path);
    }
    const int rc = run_process(argv, log_path.string());
    auto fail = [&](const std::string& what) {
        return SimulationError(fmt::format("layer {}: {} (harness files kept in {}); harness output:\n{}", layer.name,
                                           what, dir.string(), tail_lines(log_path.string(), kLogTailLines)));
    };
    if (rc != 0 && rc != kHarnessHung) throw fail(fmt::format("the RTL harness exited with status {}", rc));
    std::ifstream in(result_path, std::ios::binary);
    if (!in) throw fail(fmt::format("the RTL harness exited with status {} but wrote no {}", rc, result_path.string()));
    HarnessResult res;
    try {
        res = parse_result(in, result_path.string(), layer.program->instrs.size());
    } catch (const SimulationError& e) {
        throw fail(e.what());
    }
    if (rc == kHarnessHung && !res.hung) throw fail("the RTL harness exited with status 3 without a watchdog report");
    if (rc == 0 && res.hung) throw fail("the RTL harness reported a watchdog but exited with status 0");
    std::error_code ec;
    fs::remove_all(dir, ec);
    return res;
}

}  // namespace sasim::rtl
