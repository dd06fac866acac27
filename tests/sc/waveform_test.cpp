// SPDX-License-Identifier: MIT
// RunOptions::vcd_path (docs/waveforms.md): the waveform lands at exactly the path given, covers the run on
// a 1 ns = 1 cycle axis and ends one cycle after it; an unwritable path is refused before simulating. The
// signal values are checked from the CLI (tests/cli/check_vcd.py). Each TEST_CASE runs in its own process.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/errors.h"
#include "config/config.h"
#include "model/stats.h"
#include "sc/simulator.h"
#include "testbench.h"
#include "workload/workload.h"

using namespace sasim;
namespace fs = std::filesystem;

TEST_CASE("sc: run_workload writes the waveform at exactly vcd_path", "[sc]") {
    sctest::require_fresh_process();
    const Config cfg = sctest::shipped_config("tiny_4x4_ws");
    const Workload wl = load_workload(sctest::source_path("workloads/tiny/gemm_small.json"));
    const fs::path dir = fs::temp_directory_path() / ("sasim_waveform_test_" + std::to_string(getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    sc::RunOptions opt;
    opt.vcd_path = (dir / "wave").string();  // no .vcd: written exactly there, no extension added
    const std::vector<model::LayerStats> stats = sc::run_workload(cfg, wl, opt);
    REQUIRE(stats.size() == 1);
    CHECK(stats[0].check.pass);

    REQUIRE(fs::is_regular_file(dir / "wave"));
    CHECK_FALSE(fs::exists(dir / "wave.vcd"));
    CHECK_FALSE(fs::exists(dir / "wave.tmp.vcd"));
    std::ifstream f(dir / "wave");
    std::stringstream ss;
    ss << f.rdbuf();
    const std::string vcd = ss.str();
    CHECK(vcd.find("$timescale\n     100 ps\n$end") != std::string::npos);
    for (const char* name : {"$scope module model $end", "$scope module execute $end", " issued ", " retired ",
                             " read_buffer_rows ", " store_to_execute "}) {
        INFO(name);
        CHECK(vcd.find(name) != std::string::npos);
    }
    // The last change is the last retirement, in the layer's last cycle (100 ps units: 10 per cycle).
    const size_t last = vcd.rfind('#');
    REQUIRE(last != std::string::npos);
    CHECK(std::stoull(vcd.substr(last + 1)) == (stats[0].start_cycle + stats[0].cycles) * 10);
    fs::remove_all(dir);
}

TEST_CASE("sc: run_workload refuses an unwritable vcd_path before simulating", "[sc]") {
    sctest::require_fresh_process();
    const Config cfg = sctest::shipped_config("tiny_4x4_ws");
    const Workload wl = load_workload(sctest::source_path("workloads/tiny/gemm_small.json"));
    sc::RunOptions opt;
    opt.vcd_path = "/nonexistent_sasim_dir/model.vcd";
    CHECK_THROWS_AS(sc::run_workload(cfg, wl, opt), InputError);
    CHECK_THROWS_WITH(sc::run_workload(cfg, wl, opt), Catch::Contains("/nonexistent_sasim_dir/model.vcd: cannot write: /nonexistent_sasim_dir is not a directory"));
    CHECK(sc_core::sc_get_status() == sc_core::SC_ELABORATION);  // nothing was elaborated or simulated
}
