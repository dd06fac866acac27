// SPDX-License-Identifier: MIT
// The parts of `sasim area`'s Yosys run: the split, the scripts, and merging the parts' outputs.
#include <catch2/catch.hpp>

#include <set>

#include "common/errors.h"
#include "config/config.h"
#include "rtl/area/synthesis.h"

using namespace sasim;
using namespace sasim::rtl;

namespace {

Config config_of(const char* dataflow) {
    return config_from_json({{"array", {{"rows", 4}, {"cols", 4}, {"dataflow", dataflow}}}}, "c.json");
}

// A Yosys 0.23 `stat -json` text with one module's cells (and the hierarchy lines it prints).
std::string stat_of(const std::string& module, const std::string& cells) {
    return "{\n \"creator\": \"Yosys 0.23 (git sha1 7ce5011c24b)\",\n \"modules\": {\n  \"\\\\" + module +
           "\": {\n   \"num_cells_by_type\": {" + cells + "}\n  }\n },\n \"design\": {\n    " + module +
           "   1\n  \"num_cells\": 1\n }\n}\n";
}

// Yosys 0.23's `dump -m t:sasim_regfile` of a top with one register file (abridged).
const char* const kQueueDump = "\nautoidx 9\n\nattribute \\top 1\nmodule \\sasim_top\n\n"
                               "  attribute \\module_not_derived 1\n  cell \\sasim_regfile \\q.entries\n"
                               "    parameter signed \\BITS 900\n    parameter signed \\WORDS 9\n"
                               "    connect \\clk \\clk\n  end\nend\n";

}  // namespace

TEST_CASE("synthesis: four parts, every module synthesized in exactly one", "[area]") {
    for (const char* df : {"ws", "os"}) {
        const auto parts = synthesis_parts(config_of(df));
        REQUIRE(parts.size() == 4);
        const std::string mesh = std::string(df) == "os" ? "sasim_mesh_os" : "sasim_mesh";
        std::set<std::string> tops, boxes;
        for (const SynthesisPart& p : parts) {
            tops.insert(p.top);
            boxes.insert(p.black_boxes.begin(), p.black_boxes.end());
        }
        CHECK(tops == std::set<std::string>{"sasim_top", "sasim_load_dma", "sasim_store_dma", mesh});
        // The rest leaves out exactly what the other parts synthesize.
        CHECK(boxes == std::set<std::string>{"sasim_load_dma", "sasim_store_dma", mesh});
        CHECK(parts.front().top == "sasim_load_dma");
    }
}

TEST_CASE("synthesis: a part's script elaborates its top, then black-boxes the other parts", "[area]") {
    const SynthesisPart rest{"rest", "sasim_top", {"sasim_load_dma", "sasim_mesh"}};
    const std::string s = part_script({"/d/a_pkg.sv", "/d/b.sv"}, rest,
                                      "proc; tee -q -o STAT stat -json; tee -q -o REGFILES dump -m t:sasim_regfile; write_verilog NETLIST",
                                      PartOutputs{"/d/rest.stat.json", "/d/rest.regfiles.il", "/d/rest.netlist.v"});
    CHECK(s == "read_verilog -sv /d/a_pkg.sv /d/b.sv\n"
               "hierarchy -check -top sasim_top\n"
               "blackbox sasim_load_dma sasim_mesh\n"
               "hierarchy -check -top sasim_top\n"
               "proc\n"
               "tee -q -o /d/rest.stat.json stat -json\n"
               "tee -q -o /d/rest.regfiles.il dump -m t:sasim_regfile\n"
               "write_verilog /d/rest.netlist.v\n");
    const std::string one = part_script({"/d/b.sv"}, SynthesisPart{"mesh", "sasim_mesh", {}}, "proc", PartOutputs{"s", "r", "n"});
    CHECK(one == "read_verilog -sv /d/b.sv\nhierarchy -check -top sasim_mesh\nproc\n");
}

TEST_CASE("synthesis: the parts' cell counts merge into one design; a module counted twice must agree", "[area]") {
    const auto merged = merge_stats({{"rest.json", stat_of("sasim_top", "\"INVX1\": 3, \"sasim_mesh\": 1, \"sasim_regfile\": 1"),
                                      kQueueDump, "rest.il"},
                                     {"mesh.json", stat_of("sasim_mesh", "\"DFFPOSX1\": 2"), "", ""},
                                     {"again.json", stat_of("sasim_mesh", "\"DFFPOSX1\": 2"), "", ""}});
    REQUIRE(merged.size() == 2);
    CHECK(merged.at("sasim_top").cells_by_type.at("sasim_mesh") == 1);
    CHECK(merged.at("sasim_mesh").cells_by_type.at("DFFPOSX1") == 2);
    // Written back, the merged design reads as a Yosys stat.
    const auto back = parse_yosys_stat(stat_json_text(merged, "Yosys 0.23"), "merged.json");
    CHECK(back.at("sasim_top").cells_by_type == merged.at("sasim_top").cells_by_type);
    CHECK(back.at("sasim_mesh").cells_by_type == merged.at("sasim_mesh").cells_by_type);
    REQUIRE(merged.at("sasim_top").register_files.size() == 1);
    CHECK(merged.at("sasim_top").register_files[0] == RegisterFile{9, 900});
    CHECK(back.at("sasim_top").register_files == merged.at("sasim_top").register_files);
    CHECK(back.at("sasim_mesh").register_files.empty());
    CHECK(stat_json_text(merged, "Yosys 0.23").find("\"creator\": \"Yosys 0.23\"") != std::string::npos);

    REQUIRE_THROWS_WITH(merge_stats({{"mesh.json", stat_of("sasim_mesh", "\"DFFPOSX1\": 2"), "", ""},
                                     {"other.json", stat_of("sasim_mesh", "\"DFFPOSX1\": 3"), "", ""}}),
                        "area: module sasim_mesh was synthesized differently in mesh.json and other.json");
    REQUIRE_THROWS_AS(merge_stats({{"bad.json", "{", "", ""}}), InputError);
    // A bad dump is named by its own file.
    REQUIRE_THROWS_WITH(merge_stats({{"top.json", stat_of("sasim_top", "\"INVX1\": 3"), "module \\sasim_top\n cell \\sasim_regfile\n",
                                      "top.regfiles.il"}}),
                        "top.regfiles.il:2: a register file without a name");
    // Register files of a module the part did not synthesize.
    REQUIRE_THROWS_AS(merge_stats({{"mesh.json", stat_of("sasim_mesh", "\"DFFPOSX1\": 2"), kQueueDump, ""}}), SimulationError);
}

TEST_CASE("synthesis: the parts' netlists merge, every module defined once", "[area]") {
    const std::string a = "/* Generated by Yosys */\n\nmodule sasim_reg(clk, d, q);\n  input clk;\nendmodule\n\n"
                          "module sasim_mesh(clk);\n  sasim_reg r (.clk(clk));\nendmodule\n";
    const std::string b = "/* Generated by Yosys */\n\nmodule sasim_reg(clk, d, q);\n  input clk;\nendmodule\n\n"
                          "module \\$paramod\\sasim_queue\\DEPTH=2 (clk);\nendmodule\n\nmodule sasim_top(clk);\n"
                          "  sasim_mesh mesh (.clk(clk));\nendmodule\n";
    const std::string m = merge_netlists({a, b});
    CHECK(m.find("/* Generated by Yosys */") == 0);
    CHECK(m.find("/* Generated by Yosys */", 1) == std::string::npos);
    CHECK(m.find("module sasim_reg(") != std::string::npos);
    CHECK(m.find("module sasim_reg(", m.find("module sasim_reg(") + 1) == std::string::npos);
    CHECK(m.find("module sasim_mesh(") != std::string::npos);
    CHECK(m.find("module \\$paramod\\sasim_queue\\DEPTH=2 (") != std::string::npos);
    CHECK(m.find("module sasim_top(") != std::string::npos);
    CHECK(m.find("sasim_mesh mesh (.clk(clk));") != std::string::npos);
    size_t ends = 0;
    for (size_t p = m.find("endmodule"); p != std::string::npos; p = m.find("endmodule", p + 1)) ++ends;
    CHECK(ends == 4);
}
