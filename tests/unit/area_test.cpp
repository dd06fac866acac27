// SPDX-License-Identifier: MIT
// `sasim area` without Yosys: the liberty and `stat -json` readers, the hierarchical count and the block
// split (rtl/area). The Yosys run itself is tested in tests/cli/area.sh.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/errors.h"
#include "config/config.h"
#include "config/technology.h"
#include "rtl/area/area.h"
#include "rtl/area/register_files.h"
#include "rtl/area/synthesis.h"
#include "rtl/generator/generator.h"

using namespace sasim;
using namespace sasim::rtl;

namespace {

const std::map<std::string, double> kLib = {{"NAND2X1", 24}, {"DFFPOSX1", 96}, {"INVX1", 16}};

ModuleCells cells(std::map<std::string, uint64_t> m) { return ModuleCells{std::move(m), {}}; }

// A design shaped like the generated one: a top with the three units and two SRAM black boxes, a third
// (the read buffer) in the load DMA.
std::map<std::string, ModuleCells> design(uint64_t pes) {
    return {
        {"sasim_top", cells({{"NAND2X1", 10}, {"sasim_exec", 1}, {"sasim_load_dma", 1}, {"sasim_store_dma", 1},
                             {"$paramod\\sasim_queue\\DEPTH=2", 3}, {"sasim_sram", 2}})},
        {"$paramod\\sasim_queue\\DEPTH=2", cells({{"DFFPOSX1", 4}})},
        {"sasim_exec", cells({{"INVX1", 5}, {"sasim_mesh", 1}})},
        {"sasim_mesh", cells({{"DFFPOSX1", 2}, {"sasim_pe", pes}})},
        {"sasim_pe", cells({{"NAND2X1", 7}, {"DFFPOSX1", 1}})},
        {"sasim_load_dma", cells({{"NAND2X1", 100}, {"sasim_load_addr", 1}, {"sasim_sram", 1}})},
        {"sasim_load_addr", cells({{"INVX1", 3}})},
        {"sasim_store_dma", cells({{"NAND2X1", 20}})},
    };
}

Config config_with(uint32_t rows, uint32_t cols, uint64_t spad_kib) {
    nlohmann::json j = {{"array", {{"rows", rows}, {"cols", cols}, {"dataflow", "ws"}}},
                        {"scratchpad", {{"capacity_kib", spad_kib}}}};
    return config_from_json(j, "c.json");
}

}  // namespace

TEST_CASE("area: liberty cell areas are read per cell", "[area]") {
    const std::string lib = "library (x) {\n cell (NAND2X1) {\n  area : 24;\n  pin (A) { direction : input; }\n }\n"
                            " cell(\"DFFPOSX1\") { area : 96.5 ; }\n cell (FILL) { }\n}\n";
    const auto a = parse_liberty_areas(lib, "x.lib");
    CHECK(a.size() == 2);
    CHECK(a.at("NAND2X1") == 24);
    CHECK(a.at("DFFPOSX1") == 96.5);
    CHECK_THROWS_AS(parse_liberty_areas("library (x) { }", "x.lib"), InputError);
    CHECK_THROWS_AS(parse_liberty_areas("cell (A) { area : -3; }", "x.lib"), InputError);
    CHECK_THROWS_AS(parse_liberty_areas("cell (A) { area : 1e999; }", "x.lib"), InputError);
    CHECK_THROWS_AS(parse_liberty_areas("cell (A) { area : ; }", "x.lib"), InputError);
    const std::filesystem::path osu = "/usr/share/qflow/tech/osu018/osu018_stdcells.lib";
    if (std::filesystem::exists(osu)) {
        std::ifstream in(osu);
        std::ostringstream s;
        s << in.rdbuf();
        const auto real = parse_liberty_areas(s.str(), osu.string());
        CHECK(real.at("NAND2X1") == 24);   // the areas energy_area.md lists for osu018
        CHECK(real.at("DFFPOSX1") == 96);
        CHECK(real.at("INVX1") == 16);
    }
}

TEST_CASE("area: Yosys 0.23's stat -json with the hierarchy printed into it is read", "[area]") {
    const std::string stat = R"st({
   "creator": "Yosys 0.23 (git sha1 7ce5011c24b)",
   "modules": {
      "\\sasim_pe": {
         "num_cells":         8,
         "num_cells_by_type": {
            "DFFPOSX1": 1,
            "NAND2X1": 7
         }
      },
      "\\sasim_mesh": {
         "num_cells_by_type": {
            "sasim_pe": 4
         }
      }
   },
       sasim_mesh                    1
         sasim_pe                   4
      "design": {
         "num_cells":         32
      }
}
)st";
    const auto m = parse_yosys_stat(stat, "stat.json");
    REQUIRE(m.size() == 2);
    CHECK(m.at("sasim_pe").cells_by_type.at("NAND2X1") == 7);
    CHECK(m.at("sasim_mesh").cells_by_type.at("sasim_pe") == 4);
    CHECK_THROWS_AS(parse_yosys_stat("{\"x\": 1}", "stat.json"), InputError);
    CHECK_THROWS_AS(parse_yosys_stat("{", "stat.json"), InputError);
}

TEST_CASE("area: a module counts its submodules once per instance", "[area]") {
    const auto d = design(4);
    const Expanded pe = expand_module(d, kLib, "sasim_pe");
    CHECK(pe.cells == 8);
    CHECK(pe.lib_um2 == 7 * 24 + 96);
    const Expanded mesh = expand_module(d, kLib, "sasim_mesh");
    CHECK(mesh.cells == 2 + 4 * 8);
    CHECK(mesh.lib_um2 == 2 * 96 + 4 * (7 * 24 + 96));
    const Expanded top = expand_module(d, kLib, "sasim_top");
    CHECK(top.black_boxes == 3);  // two in the top, one in the load DMA
    CHECK(top.cells == 10 + 3 * 4 + (5 + 34) + (100 + 3) + 20);
    auto bad = d;
    bad["sasim_store_dma"].cells_by_type["$mem_v2"] = 1;  // an unmapped cell
    CHECK_THROWS_AS(expand_module(bad, kLib, "sasim_top"), SimulationError);
    std::map<std::string, ModuleCells> loop = {{"a", cells({{"b", 1}})}, {"b", cells({{"a", 2}})}};
    CHECK_THROWS_WITH(expand_module(loop, kLib, "a"), "area: module a contains itself");
}

TEST_CASE("area: a register file counts a flip-flop and two multiplexers per bit, in its module's block", "[area]") {
    const std::map<std::string, double> lib = {{"NAND2X1", 24}, {"DFFPOSX1", 96}, {"INVX1", 16}, {"MUX2X1", 48}};
    CHECK(register_file_um2_per_bit(lib) == 96 + 2 * 48);
    CHECK_THROWS_AS(register_file_um2_per_bit(kLib), InputError);  // no MUX2X1
    auto d = design(4);
    const Expanded before = expand_module(d, lib, "sasim_top");
    ModuleCells& q = d.at("$paramod\\sasim_queue\\DEPTH=2");
    q.cells_by_type["sasim_regfile"] = 1;
    q.register_files = {RegisterFile{3, 10}};
    const Expanded queue = expand_module(d, lib, "$paramod\\sasim_queue\\DEPTH=2");
    CHECK(queue.register_file_bits == 30);
    CHECK(queue.cells == 4 + 30 * 3);
    CHECK(queue.lib_um2 == 4 * 96 + 30 * 192);
    const Expanded top = expand_module(d, lib, "sasim_top");
    CHECK(top.register_file_bits == 3 * 30);   // three queues
    CHECK(top.lib_um2 == Approx(before.lib_um2 + 3 * 30 * 192));
    CHECK(top.black_boxes == before.black_boxes);  // not an SRAM
    // The queues are control: the block carries their bits and area.
    const Config c = config_with(2, 2, 64);
    const AreaReport r = area_from_modules(c, builtin_tech_table("45nm"), d, lib);
    CHECK(r.register_file_bits == 90);
    for (const BlockArea& b : r.blocks) CHECK(b.register_file_bits == (b.name == "control" ? 90u : 0u));
    // Cells and sizes must agree in number.
    q.register_files.push_back(RegisterFile{1, 1});
    CHECK_THROWS_AS(expand_module(d, lib, "sasim_top"), SimulationError);
    q.cells_by_type.erase("sasim_regfile");
    q.register_files = {RegisterFile{1, 1}};
    CHECK_THROWS_AS(expand_module(d, lib, "sasim_top"), SimulationError);
}

TEST_CASE("area: register-file sizes are read from Yosys's dump, in decimal or binary", "[area]") {
    const std::string dump =
        "\nautoidx 3\n\nattribute \\top 1\nmodule \\sasim_top\n  cell \\sasim_regfile \\a\n"
        "    parameter signed \\BITS 900\n    parameter signed \\WORDS 1025\n    connect \\clk \\clk\n  end\n"
        "  cell \\DFFPOSX1 \\b\n    connect \\D \\x\n  end\nend\n"
        "module $paramod\\sasim_load_dma\\MAXO=s32'00000000000000000000000000000100\n"
        "  cell \\sasim_regfile \\meta_rf\n    parameter \\WORDS 32'00000000000000000000000000010000\n"
        "    parameter \\BITS 33\n  end\n  cell \\sasim_regfile \\prog_rf\n    parameter \\WORDS 16\n"
        "    parameter \\BITS 1\n  end\nend\n";
    const auto rfs = parse_register_file_dump(dump, "d.il");
    REQUIRE(rfs.size() == 2);
    CHECK(rfs.at("sasim_top") == std::vector<RegisterFile>{{1025, 900}});
    CHECK(rfs.at("$paramod\\sasim_load_dma\\MAXO=s32'00000000000000000000000000000100") ==
          std::vector<RegisterFile>{{16, 33}, {16, 1}});
    CHECK(parse_register_file_dump("", "e.il").empty());
    // A cell without both sizes, a size that is not a count, a dump that stops inside a cell.
    CHECK_THROWS_AS(parse_register_file_dump("module \\m\n cell \\sasim_regfile \\a\n parameter \\BITS 3\n end\nend\n", "x"),
                    InputError);
    CHECK_THROWS_AS(parse_register_file_dump("module \\m\n cell \\sasim_regfile \\a\n parameter \\BITS 3x\n", "x"), InputError);
    CHECK_THROWS_AS(parse_register_file_dump("module \\m\n cell \\sasim_regfile \\a\n parameter \\BITS 0\n", "x"), InputError);
    CHECK_THROWS_AS(parse_register_file_dump("module \\m\n cell \\sasim_regfile \\a\n parameter \\WORDS 2\n", "x"),
                    InputError);
    CHECK_THROWS_AS(parse_register_file_dump(" cell \\sasim_regfile \\a\n", "x"), InputError);
    CHECK_THROWS_AS(parse_register_file_dump("module \\m\n cell \\sasim_regfile\n parameter \\WORDS 2\n", "x"), InputError);
    CHECK_THROWS_AS(parse_register_file_dump("module \\m\nend\n cell \\sasim_regfile \\a\n", "x"), InputError);
    CHECK_THROWS_AS(parse_register_file_dump("module \\m\n cell \\sasim_regfile \\a\n parameter \\BITS 1048577\n", "x"),
                    InputError);
    // Another cell's end is not the module's.
    CHECK(parse_register_file_dump("module \\m\n cell \\INVX1 \\i\n end\n cell \\sasim_regfile \\a\n parameter \\WORDS 2\n"
                                   " parameter \\BITS 3\n end\nend\n", "x")
              .at("m") == std::vector<RegisterFile>{{2, 3}});
}

TEST_CASE("area: blocks split the design, SRAMs come from the table, all scale with the config", "[area]") {
    const TechTable& t45 = builtin_tech_table("45nm");
    const TechTable& t28 = builtin_tech_table("28nm");
    REQUIRE(t45.nand2_um2 > 0);
    REQUIRE(t45.sram_um2_per_bit > 0);
    const Config c = config_with(2, 2, 64);
    const AreaReport r = area_from_modules(c, t45, design(4), kLib);
    REQUIRE(r.blocks.size() == 8);
    CHECK(r.blocks[0].name == "mesh");
    CHECK(r.blocks[0].cells == 34);
    CHECK(r.blocks[0].nand2_eq == Approx((2 * 96 + 4 * (7 * 24 + 96)) / 24.0));
    CHECK(r.blocks[0].mm2 == Approx(r.blocks[0].nand2_eq * t45.nand2_um2 * 1e-6));
    CHECK(r.blocks[1].name == "execute");
    CHECK(r.blocks[1].cells == 5);
    CHECK(r.blocks[2].name == "load DMA");
    CHECK(r.blocks[2].cells == 103);
    CHECK(r.blocks[4].name == "control");
    CHECK(r.blocks[4].cells == 10 + 12);   // the top's own cells and the queues
    CHECK(r.blocks[5].name == "scratchpad");
    CHECK(r.blocks[5].bits == 64 * 1024 * 8);
    CHECK(r.blocks[5].mm2 == Approx(64 * 1024 * 8 * t45.sram_um2_per_bit * 1e-6));
    // The load DMA's read buffer: its rows of the widest load, priced like the other SRAMs.
    const sasim::rtl::HardwareParams hw = sasim::rtl::hardware_params(c);
    CHECK(r.blocks[7].name == "load buffer");
    CHECK(r.blocks[7].bits == uint64_t{hw.read_buffer_rows} * hw.row_bytes_max * 8);
    CHECK(r.blocks[7].bits > 0);
    CHECK(r.pe_cells == 8);
    CHECK(r.pes == 4);
    CHECK(r.total_mm2 == Approx(r.logic_mm2 + r.sram_mm2));
    double sum = 0;
    for (const BlockArea& b : r.blocks) sum += b.mm2;
    CHECK(r.total_mm2 == Approx(sum));
    // More PEs, a larger scratchpad, a smaller node.
    CHECK(area_from_modules(c, t45, design(16), kLib).logic_mm2 > r.logic_mm2);
    CHECK(area_from_modules(config_with(2, 2, 128), t45, design(4), kLib).sram_mm2 > r.sram_mm2);
    CHECK(area_from_modules(c, t28, design(4), kLib).total_mm2 < r.total_mm2);
    // A design without the SRAM black boxes was synthesized wrongly.
    auto no_sram = design(4);
    no_sram["sasim_top"].cells_by_type.erase("sasim_sram");
    CHECK_THROWS_AS(area_from_modules(c, t45, no_sram, kLib), SimulationError);
}

// An OpenSTA 2019 report as run_sta's script produces it (abridged from a synthesized sasim_pe).
const char* const kStaReport = R"(Startpoint: exec/_1284_ (rising edge-triggered flip-flop clocked by clk)
Endpoint: exec/_1267_ (rising edge-triggered flip-flop clocked by clk)
Path Group: clk
Path Type: max

   Delay     Time   Description
-----------------------------------------------------------
   0.000    0.000   clock clk (rise edge)
   0.191    0.191 v exec/_1284_/Q (DFFPOSX1)
   0.095    7.171 ^ exec/_1227_/Y (XNOR2X1)
            7.171   data arrival time

1000.000 1000.000   clock clk (rise edge)
  -0.184  999.816   library setup time
          999.816   data required time
-----------------------------------------------------------
          999.816   data required time
           -7.171   data arrival time
-----------------------------------------------------------
          992.645   slack (MET)
)";

TEST_CASE("area: the OpenSTA report gives the critical path (arrival + setup) and fmax", "[area]") {
    const TimingEstimate t = parse_sta_report(kStaReport, "sta.log");
    REQUIRE(t.computed);
    CHECK(t.critical_path_ns == Approx(7.355));
    CHECK(t.fmax_lib_mhz == Approx(1000.0 / 7.355));
    CHECK(t.startpoint == "exec/_1284_");
    CHECK(t.endpoint == "exec/_1267_");
    // The cache keeps the liberty-corner numbers; the technology's scaling is applied on reading.
    const TimingEstimate back = timing_from_json(timing_to_json(t));
    CHECK(back.computed);
    CHECK(back.critical_path_ns == Approx(t.critical_path_ns));
    CHECK(back.startpoint == t.startpoint);
}

TEST_CASE("area: OpenSTA without paths is no estimate, a report without slack is an error", "[area]") {
    const TimingEstimate none = parse_sta_report("Warning: ...\nNo paths found.\n", "sta.log");
    CHECK_FALSE(none.computed);
    CHECK(none.note == "OpenSTA found no constrained path");
    CHECK_FALSE(timing_to_json(none).at("computed").get<bool>());
    REQUIRE_THROWS_WITH(parse_sta_report("Warning: x\nno report\n", "sta.log"),
                        "sta.log: no slack line in the OpenSTA report");
    REQUIRE_THROWS_WITH(parse_sta_report("  2000.0 slack (MET)\n", "sta.log"),
                        Catch::Contains("sta.log: a slack of 2000 ns leaves no critical path"));
}

TEST_CASE("area: a report after an OpenSTA error is no estimate (a netlist statement was dropped)", "[area]") {
    REQUIRE_THROWS_WITH(parse_sta_report("Error: n.v, line 7 syntax error, unexpected '{', expecting ID.\n" +
                                             std::string(kStaReport), "sta.log"),
                        "sta.log: OpenSTA reported an error: Error: n.v, line 7 syntax error, unexpected '{', expecting ID.");
    REQUIRE_THROWS_AS(parse_sta_report(std::string(kStaReport) + "Error: sasim_top not found\n", "sta.log"),
                      SimulationError);
}

TEST_CASE("area: the OpenSTA script clocks port clk and checks the worst setup path", "[area]") {
    const std::string s = sta_script("/lib/x.lib", "/c/n.v", "sasim_top");
    CHECK(s.find("read_liberty {/lib/x.lib}") != std::string::npos);
    CHECK(s.find("read_verilog {/c/n.v}") != std::string::npos);
    CHECK(s.find("link_design sasim_top") != std::string::npos);
    CHECK(s.find("create_clock -name clk -period 1000 [get_ports clk]") != std::string::npos);
    CHECK(s.find("report_checks -path_delay max") != std::string::npos);
}

// Yosys's write_verilog output, abridged: the mesh is cut out so OpenSTA links it as a black box.
const char* const kNetlist = R"(module sasim_mesh_row(clk, a_in);
  input clk;
endmodule

module sasim_mesh(clk, stream_row, out);
  input clk;
  sasim_mesh_row \g_row[0].row  (.clk(clk));
endmodule

module sasim_top(clk);
  sasim_mesh mesh (.clk(clk));
endmodule
)";

TEST_CASE("area: the timed netlist can leave out the mesh, and the longer path is the estimate", "[area]") {
    const std::string outer = netlist_without_module(kNetlist, "sasim_mesh", "n.v");
    CHECK(outer.find("module sasim_mesh(") == std::string::npos);
    CHECK(outer.find("module sasim_mesh_row(") != std::string::npos);   // a name that only starts alike stays
    CHECK(outer.find("module sasim_top(") != std::string::npos);
    CHECK(outer.find("sasim_mesh mesh (") != std::string::npos);        // the instance stays: a black box
    CHECK(outer.size() < std::string(kNetlist).size());
    REQUIRE_THROWS_WITH(netlist_without_module(kNetlist, "sasim_mesh_os", "n.v"),
                        "n.v: the netlist has no complete definition of module sasim_mesh_os");
    REQUIRE_THROWS_AS(netlist_without_module("module sasim_mesh(clk);\n", "sasim_mesh", "n.v"), SimulationError);

    TimingEstimate a = parse_sta_report(kStaReport, "sta.log"), b = a, none;
    a.module = "sasim_top";
    b.module = "sasim_mesh_row";
    b.critical_path_ns = a.critical_path_ns + 1;
    CHECK(worse_timing(a, b).module == "sasim_mesh_row");
    CHECK(worse_timing(b, a).module == "sasim_mesh_row");
    CHECK(worse_timing(none, a).module == "sasim_top");
    CHECK(worse_timing(a, none).module == "sasim_top");
    CHECK_FALSE(worse_timing(none, none).computed);
    CHECK(timing_from_json(timing_to_json(b)).module == "sasim_mesh_row");
}

TEST_CASE("area: both technology tables scale delays from 180 nm, 28 nm faster than 45 nm", "[area]") {
    const TechTable& t45 = builtin_tech_table("45nm");
    const TechTable& t28 = builtin_tech_table("28nm");
    CHECK(t45.delay_scale_from_180nm > 0);
    CHECK(t45.delay_scale_from_180nm < 1);
    CHECK(t28.delay_scale_from_180nm < t45.delay_scale_from_180nm);
}
