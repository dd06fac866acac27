// SPDX-License-Identifier: MIT
// Unit tests of analysis/scalesim_cfg: every SCALE-Sim v2 and v3 .cfg shipped in ../shared parses; the INI
// rules of configparser; every kind of error as "<file>:<line>: <key>: <problem>"; the conversion to a
// sasim Config.
#include <catch2/catch.hpp>

#include <filesystem>

#include "analysis/scalesim_cfg.h"
#include "common/errors.h"

using namespace sasim;
using namespace sasim::analysis;
namespace fs = std::filesystem;

namespace {

const char* kMinimal =
    "[general]\nrun_name = t\n\n[architecture_presets]\nArrayHeight: 8\nArrayWidth: 4\nIfmapSramSzkB: 64\n"
    "FilterSramSzkB: 64\nOfmapSramSzkB: 32\nDataflow : os\n";

// The first error line of parsing `text`, or "" when it parses.
std::string first_error(const std::string& text) {
    try {
        parse_scalesim_cfg("x.cfg", text);
    } catch (const InputError& e) {
        return e.lines().front();
    }
    return "";
}

}  // namespace

TEST_CASE("every shared SCALE-Sim v2 and v3 config parses", "[scalesim_cfg][shared]") {
    const fs::path base = fs::path(SASIM_SHARED_DIR) / "data" / "scalesim";
    if (!fs::is_directory(base)) {
        WARN("skipped: " << base << " not found (../shared absent)");
        return;
    }
    size_t n = 0;
    for (const char* sub : {"configs-v2", "configs-v3"}) {
        for (const auto& e : fs::directory_iterator(base / sub)) {
            if (e.path().extension() != ".cfg") continue;
            INFO(e.path().string());
            ScalesimCfg s;
            REQUIRE_NOTHROW(s = load_scalesim_cfg(e.path().string()));
            CHECK(s.array_height >= 8);
            CHECK(s.array_width >= 8);
            CHECK(s.ifmap_sram_kb > 0);
            CHECK_NOTHROW(sasim_config_from_scalesim(s));
            ++n;
        }
    }
    CHECK(n == 16);
    const ScalesimCfg g2 = load_scalesim_cfg((base / "configs-v2" / "google.cfg").string());
    CHECK(g2.run_name == "GoogleTPU_v1_ws");
    CHECK(g2.array_height == 256);
    CHECK(g2.array_width == 256);
    CHECK(g2.dataflow == Dataflow::WS);
    CHECK(g2.ifmap_sram_kb == 6144);
    CHECK(g2.filter_sram_kb == 6144);
    CHECK(g2.ofmap_sram_kb == 2048);
    CHECK_FALSE(g2.user_bandwidth);
    CHECK(g2.bandwidth == std::vector<uint64_t>{10});
    const ScalesimCfg e2 = load_scalesim_cfg((base / "configs-v2" / "eyeriss.cfg").string());
    CHECK(e2.array_height == 12);
    CHECK(e2.array_width == 14);
    const ScalesimCfg g3 = load_scalesim_cfg((base / "configs-v3" / "google.cfg").string());
    CHECK(g3.dataflow == Dataflow::OS);
    CHECK(g3.user_bandwidth);
    const ScalesimCfg s3 = load_scalesim_cfg((base / "configs-v3" / "scale_layout.cfg").string());  // no EOL
    CHECK(s3.user_bandwidth);
    CHECK(s3.bandwidth == std::vector<uint64_t>{64});
}

TEST_CASE("configparser rules", "[scalesim_cfg]") {
    SECTION("keys are case-insensitive, ':' or '=', comments, unknown sections and keys ignored") {
        const ScalesimCfg s = parse_scalesim_cfg(
            "x.cfg",
            "# comment\n[general]\nrun_name = run one\n[architecture_presets]\narrayheight = 16\n"
            "ARRAYWIDTH: 32\n  ; indented comment\nIfmapSramSzkB:1\nFilterSramSzkB : 2\nOfmapSramSzkB= 3\n"
            "Dataflow : is\nMemoryBanks: 1\nIfmapOffset: 0\n[layout]\nIfmapSRAMBankNum: 10\n"
            "[run_presets]\nInterfaceBandwidth: CALC \n");
        CHECK(s.run_name == "run one");
        CHECK(s.array_height == 16);
        CHECK(s.array_width == 32);
        CHECK(s.ifmap_sram_kb == 1);
        CHECK(s.filter_sram_kb == 2);
        CHECK(s.ofmap_sram_kb == 3);
        CHECK(s.dataflow == Dataflow::IS);
        CHECK_FALSE(s.user_bandwidth);
        CHECK(s.bandwidth.empty());
    }
    SECTION("Python int(): sign, underscores; CRLF; BOM; [DEFAULT] fills missing keys") {
        const ScalesimCfg s = parse_scalesim_cfg(
            "x.cfg",
            "\xEF\xBB\xBF[DEFAULT]\r\nOfmapSramSzkB: 1_024\r\n[architecture_presets]\r\nArrayHeight: +8\r\n"
            "ArrayWidth: 8\r\nIfmapSramSzkB: 64\r\nFilterSramSzkB: 64\r\nDataflow: ws\r\nBandwidth: 20, 30\r\n");
        CHECK(s.array_height == 8);
        CHECK(s.ofmap_sram_kb == 1024);
        CHECK(s.bandwidth == std::vector<uint64_t>{20, 30});
    }
    SECTION("a minimal file") {
        const ScalesimCfg s = parse_scalesim_cfg("x.cfg", kMinimal);
        CHECK(s.array_height == 8);
        CHECK(s.array_width == 4);
        CHECK(s.dataflow == Dataflow::OS);
    }
}

TEST_CASE("errors name the file, line and key", "[scalesim_cfg]") {
    const std::string m = kMinimal;
    CHECK(first_error(m) == "");
    CHECK(first_error("[general]\nrun_name = t\n") ==
          "x.cfg:1: [architecture_presets]: missing section (SCALE-Sim needs it for ArrayHeight)");
    CHECK(first_error("[architecture_presets]\nArrayWidth: 4\nIfmapSramSzkB: 1\nFilterSramSzkB: 1\n"
                      "OfmapSramSzkB: 1\nDataflow: ws\n") ==
          "x.cfg:1: ArrayHeight: missing from [architecture_presets] (SCALE-Sim requires it)");
    std::string bad = m;
    bad.replace(bad.find("ArrayHeight: 8"), 14, "ArrayHeight: 8x");
    CHECK(first_error(bad) == "x.cfg:5: ArrayHeight: expected an integer, got '8x'");
    bad = m;
    bad.replace(bad.find("ArrayWidth: 4"), 13, "ArrayWidth: 0");
    CHECK(first_error(bad) == "x.cfg:6: ArrayWidth: must be an integer from 1 to 65536, got 0");
    bad = m;
    bad.replace(bad.find("Dataflow : os"), 13, "Dataflow : OS");
    CHECK(first_error(bad) ==
          "x.cfg:10: Dataflow: unknown dataflow 'OS' (valid: os, ws, is, lower case as SCALE-Sim compares them)");
    CHECK(first_error(m + "[run_presets]\nInterfaceBandwidth: FAST\n") ==
          "x.cfg:12: InterfaceBandwidth: must be USER or CALC, got 'FAST'");
    CHECK(first_error(m + "[run_presets]\nInterfaceBandwidth: USER\n") ==
          "x.cfg:4: Bandwidth: missing from [architecture_presets] (InterfaceBandwidth USER needs it)");
    CHECK(first_error(m + "Bandwidth: 10, ten\n") == "x.cfg:11: Bandwidth: expected an integer, got 'ten'");
    CHECK(first_error(m + "arrayheight: 9\n") ==
          "x.cfg:11: arrayheight: duplicate key in [architecture_presets] (first at line 5); SCALE-Sim's "
          "configparser refuses the file");
    CHECK(first_error(m + "[general]\n") ==
          "x.cfg:11: [general]: duplicate section (first at line 1); SCALE-Sim's configparser refuses the file");
    CHECK(first_error("ArrayHeight: 8\n" + m) == "x.cfg:1: ArrayHeight: 8: line before any [section] header");
    CHECK(first_error(m + "just words\n") == "x.cfg:11: just words: expected 'key: value' or 'key = value'");
    CHECK(first_error(m + "IfmapOffset: -\n") == "x.cfg:11: IfmapOffset: expected an integer, got '-'");
    // A continuation line (indented) joins the value, as in configparser: "8\n9" is no integer.
    bad = m;
    bad.replace(bad.find("ArrayHeight: 8\n"), 15, "ArrayHeight: 8\n  9\n");
    CHECK(first_error(bad) == "x.cfg:5: ArrayHeight: expected an integer, got '8\n9'");
    // Every problem is reported at once.
    try {
        parse_scalesim_cfg("x.cfg", "[architecture_presets]\nArrayHeight: a\nArrayWidth: b\n");
        FAIL("no error");
    } catch (const InputError& e) {
        CHECK(e.lines().size() == 6);  // 2 bad values, 3 SRAM sizes and Dataflow missing
    }
    CHECK_THROWS_AS(load_scalesim_cfg("/nonexistent/x.cfg"), InputError);
}

TEST_CASE("conversion to a sasim config", "[scalesim_cfg]") {
    ScalesimCfg s = parse_scalesim_cfg("x.cfg", kMinimal);
    Config c = sasim_config_from_scalesim(s);
    CHECK(c.name == "t");
    CHECK(c.array.rows == 8);
    CHECK(c.array.cols == 4);
    CHECK(c.array.dataflow == Dataflow::OS);
    CHECK(c.scratchpad.capacity_kib == 128);   // IFMAP + FILTER
    CHECK(c.accumulator.capacity_kib == 32);   // OFMAP
    CHECK(c.clock_mhz == 1000.0);
    CHECK(c.dram.bandwidth_gbps == 10.0);      // no Bandwidth: SCALE-Sim's CALC-mode nominal rate
    CHECK(c.derived.dram_millibytes_per_cycle == 10000);
    // Eyeriss-like 12x14: 14-byte scratchpad rows and 56-byte accumulator rows need multiples of 7 KiB.
    s.array_height = 12;
    s.array_width = 14;
    s.ifmap_sram_kb = s.filter_sram_kb = s.ofmap_sram_kb = 36;
    s.bandwidth = {60};
    c = sasim_config_from_scalesim(s);
    CHECK(c.scratchpad.capacity_kib == 70);
    CHECK(c.accumulator.capacity_kib == 35);
    CHECK(c.dram.bandwidth_gbps == 60.0);
    CHECK(c.dma.bus_bytes_per_cycle == 64);    // not narrower than the DRAM
    CHECK(is_scalesim_cfg_path("a/b/google.CFG"));
    CHECK_FALSE(is_scalesim_cfg_path("configs/tpu_v1.json"));
}
