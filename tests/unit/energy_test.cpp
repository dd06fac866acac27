// SPDX-License-Identifier: MIT
// Energy = the model's counts x the technology table (model/energy.h), the shipped tables (configs/tech/),
// and the checks on tables and on the config's technology keys.
#include <cmath>
#include <functional>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "config/config.h"
#include "config/technology.h"
#include "model/energy.h"
#include "model/stats.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace sasim;

namespace {

std::string read_text(const fs::path& p) {
    std::ifstream f(p);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

std::string first_problem(const std::string& text) {
    try {
        (void)parse_tech_table(text, "t.json");
    } catch (const InputError& e) {
        return e.lines().front();
    }
    return "";
}

}  // namespace

TEST_CASE("energy: every shipped table parses, is named after its file and cites every value", "[energy]") {
    const auto names = builtin_tech_names();
    REQUIRE(names == std::vector<std::string>{"28nm", "45nm"});
    for (const auto& n : names) {
        INFO(n);
        const fs::path path = fs::path(SASIM_SOURCE_DIR) / "configs/tech" / (n + ".json");
        const TechTable t = parse_tech_table(read_text(path), path.string());
        CHECK(t.name == n);
        CHECK(t.dram_pj_per_byte.count("lpddr4") == 1);
    }
    // 28 nm is 45 nm x 0.513 for every on-chip event; DRAM does not depend on the accelerator's node.
    const TechTable& a = builtin_tech_table("45nm");
    const TechTable& b = builtin_tech_table("28nm");
    CHECK(b.multiply_pj == Approx(a.multiply_pj * 0.513));
    CHECK(b.add_pj == Approx(a.add_pj * 0.513));
    CHECK(b.register_bit_pj == Approx(a.register_bit_pj * 0.513));
    CHECK(b.sram_64bit_pj == Approx(a.sram_64bit_pj * 0.513));
    CHECK(b.dram_pj_per_byte == a.dram_pj_per_byte);
}

TEST_CASE("energy: the SRAM fit meets Horowitz's 8 KB, 32 KB and 1 MB points within 5 %", "[energy]") {
    const TechTable& t = builtin_tech_table("45nm");
    const auto e64 = [&](double kib) { return t.sram_64bit_pj * std::pow(kib / t.sram_bank_kib, t.sram_size_exponent); };
    CHECK(e64(8) == Approx(10).epsilon(0.05));
    CHECK(e64(32) == Approx(20).epsilon(0.05));
    CHECK(e64(1024) == Approx(100).epsilon(0.05));
}

TEST_CASE("energy: a layer's energy is its counts times the table", "[energy]") {
    Config cfg;
    cfg.array.rows = 16;
    cfg.array.cols = 16;
    cfg.array.dataflow = Dataflow::WS;
    cfg.scratchpad = {256, 4};   // 64 KiB banks
    cfg.accumulator = {64, 2};   // 32 KiB banks
    cfg.dram.type = "ddr3";
    validate_and_derive(cfg, "test");
    const TechTable& t = builtin_tech_table("45nm");
    const model::EventEnergy e = model::event_energy(cfg, t);
    CHECK(e.mac_pj == Approx(0.2 + 0.1));                                       // int8 multiply + int32 add
    CHECK(e.register_bits_per_step == 8 + 32);                                  // WS: an input and a partial sum
    CHECK(e.spad_read_pj == Approx(10 * std::pow(64.0 / 8, 0.47) * 16 * 8 / 64));  // 16-byte rows
    CHECK(e.acc_read_pj == Approx(10 * std::pow(32.0 / 8, 0.47) * 64 * 8 / 64));   // 64-byte rows
    CHECK(e.dram_byte_pj == 560);

    model::LayerStats st;
    st.simulated = true;
    st.array_slots_used = 1000;
    st.traffic.spad_reads = 10;
    st.traffic.spad_writes = 20;
    st.traffic.acc_reads = 3;
    st.traffic.acc_writes = 4;
    st.traffic.dram_read_bytes = 100;
    st.traffic.dram_write_bytes = 28;
    const model::EnergyBreakdown b = model::layer_energy(st, e);
    CHECK(b.mac_pj == Approx(1000 * 0.3));
    CHECK(b.pe_register_pj == Approx(1000 * 40 * 0.009));
    CHECK(b.scratchpad_pj == Approx(30 * e.spad_read_pj));
    CHECK(b.accumulator_pj == Approx(7 * e.acc_read_pj));
    CHECK(b.dram_pj == Approx(128 * 560.0));
    CHECK(b.total_pj() == Approx(b.mac_pj + b.pe_register_pj + b.scratchpad_pj + b.accumulator_pj + b.dram_pj));
    st.simulated = false;
    CHECK(model::layer_energy(st, e).total_pj() == 0);

    // OS moves two operands per step; 16-bit operands quadruple the multiply.
    cfg.array.dataflow = Dataflow::OS;
    cfg.array.operand_bits = 16;
    validate_and_derive(cfg, "test");
    const model::EventEnergy os = model::event_energy(cfg, t);
    CHECK(os.register_bits_per_step == 32);
    CHECK(os.mac_pj == Approx(0.2 * 4 + 0.1));
}

TEST_CASE("energy: the config names a shipped table and one of its DRAM types", "[energy][config]") {
    const auto problem = [](const json& j) {
        try {
            (void)config_from_json(j, "c.json");
        } catch (const InputError& e) {
            return e.lines().front();
        }
        return std::string();
    };
    CHECK(problem(json{{"technology", "45nm"}, {"dram", {{"type", "hbm2"}}}}).empty());
    CHECK(problem(json{{"technology", "7nm"}}) == "c.json: technology: unknown technology \"7nm\" (valid: 28nm, 45nm)");
    CHECK(problem(json{{"dram", {{"type", "sdram"}}}}) ==
          "c.json: dram.type: technology 45nm has no DRAM type \"sdram\" (valid: ddr3, gddr5, hbm2, lpddr4)");
    CHECK(problem(json{{"technology", 45}}) == "c.json: technology: expected a string, got number 45");
    const Config c = config_from_json(json::object(), "c.json");
    CHECK(c.technology == "45nm");
    CHECK(c.dram.type == "lpddr4");
    CHECK(config_to_json(c)["technology"] == "45nm");
    CHECK(config_to_json(c)["dram"]["type"] == "lpddr4");
}

TEST_CASE("energy: a damaged table is refused, naming the key", "[energy]") {
    const std::string good = read_text(fs::path(SASIM_SOURCE_DIR) / "configs/tech/45nm.json");
    CHECK(first_problem(good).empty());
    const auto with = [&](const std::function<void(json&)>& edit) {
        json j = json::parse(good);
        edit(j);
        return first_problem(j.dump());
    };
    CHECK(first_problem("{") .rfind("t.json: invalid JSON", 0) == 0);
    CHECK(first_problem("[]") == "t.json: expected a JSON object, got an array");
    CHECK(with([](json& j) { j.erase("register_bit_pj"); }) ==
          "t.json: register_bit_pj: missing (every event the energy counts and every area needs a value and its source)");
    CHECK(with([](json& j) { j["register_bit_pj"].erase("source"); }) ==
          "t.json: register_bit_pj.source: every value needs its source (non-empty text)");
    CHECK(with([](json& j) { j["mac_multiply_pj"]["value"] = -1; }) ==
          "t.json: mac_multiply_pj.value: must be a number > 0, got -1");
    CHECK(with([](json& j) { j["mac_multiply_pj"].erase("bits"); }) == "t.json: mac_multiply_pj.bits: missing");
    CHECK(with([](json& j) { j["dram_pj_per_byte"] = json::object(); }).rfind("t.json: dram_pj_per_byte: expected", 0) == 0);
    CHECK(with([](json& j) { j["extra"] = 1; }).rfind("t.json: extra: unknown key", 0) == 0);
    CHECK(with([](json& j) { j["sasim_technology"] = 2; }) ==
          "t.json: sasim_technology: must be 1 (the format version of a technology table)");
}
