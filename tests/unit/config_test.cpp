// SPDX-License-Identifier: MIT
// Unit tests of sim/config: shipped configs, defaults, round trip, hash, every class of input error.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "config/config.h"

namespace fs = std::filesystem;
using nlohmann::json;
using sasim::Config;
using sasim::InputError;

namespace {

const fs::path kRoot = SASIM_SOURCE_DIR;

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// A file in a per-process scratch folder, removed when the test process ends.
class TempFile {
public:
    TempFile(const std::string& name, const std::string& text)
        : m_path(fs::temp_directory_path() / ("sasim_config_test_" + std::to_string(getpid())) / name) {
        fs::create_directories(m_path.parent_path());
        std::ofstream(m_path, std::ios::binary) << text;
    }
    ~TempFile() {
        std::error_code ec;
        fs::remove(m_path, ec);
        fs::remove(m_path.parent_path(), ec);  // only succeeds once the folder is empty
    }
    std::string path() const { return m_path.string(); }

private:
    fs::path m_path;  // absolute path of the file
};

// The InputError lines of config_from_json on `text` (parsed as JSON), or {} if it is valid.
std::vector<std::string> problems(const std::string& text) {
    try {
        sasim::config_from_json(json::parse(text), "x.json");
    } catch (const InputError& e) {
        return e.lines();
    }
    return {};
}

// The InputError lines of load_config on a file holding `text`, with the path replaced by "@FILE@".
std::vector<std::string> file_problems(const std::string& text) {
    TempFile f("input.json", text);
    std::vector<std::string> lines;
    try {
        sasim::load_config(f.path());
    } catch (const InputError& e) {
        lines = e.lines();
    }
    for (auto& l : lines) {
        if (l.compare(0, f.path().size(), f.path()) == 0) l = "@FILE@" + l.substr(f.path().size());
    }
    return lines;
}

std::vector<fs::path> files_in(const fs::path& dir, const std::string& ext) {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir)) {
        if (e.path().extension() == ext) out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

// Everything config_to_json emits, derived values included, as one comparable JSON.
json full_view(const Config& c) {
    json j = sasim::config_to_json(c);
    const auto& d = c.derived;
    j["derived"] = {{"operand_bytes", d.operand_bytes},
                    {"acc_bytes", d.acc_bytes},
                    {"spad_row_elems", d.spad_row_elems},
                    {"spad_row_bytes", d.spad_row_bytes},
                    {"spad_rows", d.spad_rows},
                    {"spad_rows_per_bank", d.spad_rows_per_bank},
                    {"acc_row_elems", d.acc_row_elems},
                    {"acc_row_bytes", d.acc_row_bytes},
                    {"acc_rows", d.acc_rows},
                    {"acc_rows_per_bank", d.acc_rows_per_bank},
                    {"dram_mB", d.dram_millibytes_per_cycle},
                    {"peak", d.peak_macs_per_cycle}};
    return j;
}

}  // namespace

TEST_CASE("config: every shipped config loads", "[config]") {
    const auto files = files_in(kRoot / "configs", ".json");
    REQUIRE(files.size() >= 10);
    for (const auto& f : files) {
        INFO(f.string());
        const Config c = sasim::load_config(f.string());
        CHECK(c.name == f.stem().string());
        CHECK(c.source_path == f.string());
        CHECK(c.derived.spad_rows_per_bank >= 1);
        CHECK(c.derived.acc_rows_per_bank >= 1);
        CHECK(c.derived.dram_millibytes_per_cycle >= 1);
        const json raw = json::parse(read_text(f));
        REQUIRE(raw.contains("description"));
        CHECK(raw["description"].get<std::string>().size() > 40);
    }
}

TEST_CASE("config: preset values", "[config]") {
    const Config g = sasim::load_config((kRoot / "configs/gemmini_16x16.json").string());
    CHECK(g.array.dataflow == sasim::Dataflow::WS);
    CHECK(g.derived.spad_rows == 16384);
    CHECK(g.derived.spad_rows_per_bank == 4096);  // Gemmini sp_bank_entries
    CHECK(g.derived.acc_rows == 1024);
    CHECK(g.derived.acc_rows_per_bank == 512);  // Gemmini acc_bank_entries
    CHECK(g.derived.dram_millibytes_per_cycle == 16000);

    const Config t = sasim::load_config((kRoot / "configs/tpu_v1.json").string());
    CHECK(t.derived.peak_macs_per_cycle == 65536);
    CHECK(t.derived.spad_rows == 98304);                  // 24 MiB of 256-byte rows
    CHECK(t.derived.acc_rows == 4096);                    // 4096 x 256 x 32 bit
    CHECK(t.derived.dram_millibytes_per_cycle == 48571);  // 34 GB/s at 700 MHz

    const Config r = sasim::load_config((kRoot / "configs/tiny_4x8_ws.json").string());
    CHECK(r.derived.spad_row_elems == 8);
    CHECK(r.derived.acc_row_bytes == 32);
    const Config odd = sasim::load_config((kRoot / "configs/tiny_3x5_os.json").string());
    CHECK(odd.derived.spad_row_bytes == 5);
    CHECK(odd.derived.acc_rows == 256);
}

TEST_CASE("config: missing keys take the defaults", "[config]") {
    const Config c = sasim::config_from_json(json::object(), "x.json");
    const Config d;
    CHECK(sasim::config_to_json(c) == sasim::config_to_json(d));
    CHECK(c.name.empty());
    CHECK(c.source_path.empty());
    CHECK(c.array.rows == 16);
    CHECK(c.scratchpad.capacity_kib == 256);
    CHECK(c.accumulator.banks == 2);
    CHECK(c.dram.bandwidth_gbps == 16.0);
    CHECK(c.derived.spad_rows == 16384);
    CHECK(c.derived.acc_rows_per_bank == 512);

    const Config partial = sasim::config_from_json(
        json::parse(R"({"array": {"rows": 8}, "description": "d", "_comment": "c"})"), "x.json");
    CHECK(partial.array.rows == 8);
    CHECK(partial.array.cols == 16);
    CHECK(partial.derived.spad_row_elems == 16);
    CHECK(problems(R"({"clock_mhz": 700, "array": {"rows": 16.0}})").empty());  // integral floats are fine
}

TEST_CASE("config: to_json / from_json round trip", "[config]") {
    std::vector<Config> configs(1);  // the defaults first (not {Config{}}: GCC 12 warns falsely on that copy)
    for (const auto& f : files_in(kRoot / "configs", ".json"))
        configs.push_back(sasim::load_config(f.string()));
    Config odd;
    odd.name = "odd";
    odd.dram.bandwidth_gbps = 0.1 + 0.2;  // not exactly representable in decimal
    odd.clock_mhz = 333.3333;
    configs.push_back(odd);
    for (Config c : configs) {
        INFO(c.name);
        sasim::validate_and_derive(c, "code");
        const json j = sasim::config_to_json(c);
        CHECK_FALSE(j.contains("derived"));
        CHECK_FALSE(j.contains("description"));
        CHECK(j["array"]["dataflow"].is_string());
        const Config back = sasim::config_from_json(j, "round-trip");
        CHECK(full_view(back) == full_view(c));
        CHECK(sasim::config_hash(back) == sasim::config_hash(c));
    }
}

TEST_CASE("config: to_string(Dataflow)", "[config]") {
    CHECK(std::string(sasim::to_string(sasim::Dataflow::OS)) == "os");
    CHECK(std::string(sasim::to_string(sasim::Dataflow::WS)) == "ws");
    CHECK(std::string(sasim::to_string(sasim::Dataflow::IS)) == "is");
}

TEST_CASE("config: hash is stable and follows the hardware keys", "[config]") {
    const Config g = sasim::load_config((kRoot / "configs/gemmini_16x16.json").string());
    const std::string h = sasim::config_hash(g);
    CHECK(std::regex_match(h, std::regex("[0-9a-f]{16}")));
    // Pinned: a change here means every stored report and generated RTL gets a new hash.
    CHECK(h == "18723056a80be024");
    CHECK(sasim::config_hash(sasim::load_config((kRoot / "configs/gemmini_16x16.json").string())) == h);

    Config renamed = g;
    renamed.name = "another name";
    CHECK(sasim::config_hash(renamed) == h);

    Config changed = g;
    changed.dram.latency_cycles = 101;
    CHECK(sasim::config_hash(changed) != h);
    changed = g;
    changed.array.dataflow = sasim::Dataflow::OS;
    CHECK(sasim::config_hash(changed) != h);
    changed = g;
    changed.clock_mhz = 1000.5;
    CHECK(sasim::config_hash(changed) != h);
}

TEST_CASE("config: each validation error gives the expected line", "[config]") {
    struct Case {
        const char* text;      // config JSON
        const char* expected;  // the only line reported
    };
    const Case cases[] = {
        {R"({"array": {"rowz": 4}})", R"(x.json: array.rowz: unknown key (did you mean "rows"?))"},
        {R"({"array": {"rows": "16"}})", R"(x.json: array.rows: expected an integer, got string "16")"},
        {R"({"array": {"rows": true}})", "x.json: array.rows: expected an integer, got boolean true"},
        {R"({"array": {"rows": null}})", "x.json: array.rows: expected an integer, got null"},
        {R"({"array": {"rows": 0}})", "x.json: array.rows: must be an integer >= 1, got 0"},
        {R"({"array": {"cols": -4}})", "x.json: array.cols: must be an integer >= 1, got -4"},
        {R"({"array": {"rows": 2.5}})", "x.json: array.rows: expected an integer, got 2.5"},
        {R"({"array": {"rows": 4097}})", "x.json: array.rows: must be an integer <= 4096, got 4097"},
        {R"({"array": {"rows": 1e20}})", "x.json: array.rows: must be an integer <= 4096, got 1e+20"},
        {R"({"array": {"rows": 18446744073709551615}})",
         "x.json: array.rows: must be an integer <= 4096, got 18446744073709551615"},
        {R"({"array": {"dataflow": "xs"}})",
         R"(x.json: array.dataflow: unknown dataflow "xs" (valid: os, ws, is))"},
        {R"({"array": {"dataflow": "WS"}})",
         R"(x.json: array.dataflow: unknown dataflow "WS" (valid: os, ws, is))"},
        {R"({"array": {"dataflow": 1}})",
         "x.json: array.dataflow: expected a string (os, ws or is), got number 1"},
        {R"({"array": {"operand_bits": 12}})", "x.json: array.operand_bits: must be 8 or 16, got 12"},
        {R"({"array": {"acc_bits": 16}})",
         "x.json: array.acc_bits: must be 32 (the only accumulator width supported), got 16"},
        {R"({"array": 4})", "x.json: array: expected an object, got number 4"},
        {R"({"name": 4})", "x.json: name: expected a string, got number 4"},
        {R"({"description": ["a"]})", "x.json: description: expected a string, got an array"},
        {R"({"scratchpad": {"capacity_kib": 209715200}})",
         "x.json: scratchpad.capacity_kib: must be an integer <= 16777216 (16 GiB), got 209715200"},
        {R"({"scratchpad": {"banks": 65}})", "x.json: scratchpad.banks: must be an integer <= 64, got 65"},
        {R"({"scratchpad": {"rows": 16384, "banks": 3}})",
         "x.json: scratchpad.banks: 16384 scratchpad rows do not split evenly into 3 banks (16384 / 3 = "
         "5461.33); valid bank counts for this capacity: 1, 2, 4, 8, 16, 32, 64"},
        {R"({"scratchpad": {"rows": 0}})", "x.json: scratchpad.rows: must be an integer >= 1, got 0"},
        {R"({"accumulator": {"capacity_kib": 64, "rows": 1024}})",
         "x.json: accumulator.rows: give the size as capacity_kib or as rows, not both"},
        {R"({"array": {"cols": 1024}, "accumulator": {"capacity_kib": 2}})",
         "x.json: accumulator.capacity_kib: 2 KiB is less than one 4096-byte accumulator row (a row holds cols = "
         "1024 elements of 4 bytes); use at least 4 KiB"},
        {R"({"array": {"rows": 4096, "cols": 4096, "operand_bits": 16}, "scratchpad": {"capacity_kib": 8,
            "banks": 2}, "accumulator": {"capacity_kib": 16384}})",
         "x.json: scratchpad.banks: 2 banks but only 1 scratchpad rows (each bank needs >= 1 row); use at "
         "most 1 banks or a larger capacity_kib"},
        {R"({"queues": {"store": 0}})", "x.json: queues.store: must be an integer >= 1, got 0"},
        {R"({"queues": {"load": 1025}})", "x.json: queues.load: must be an integer <= 1024, got 1025"},
        {R"({"dma": {"bus_bytes_per_cycle": 24}})",
         "x.json: dma.bus_bytes_per_cycle: must be a power of two (1, 2, 4, ..., 4096), got 24"},
        {R"({"dma": {"max_request_bytes": 8192}})",
         "x.json: dma.max_request_bytes: must be an integer <= 4096, got 8192"},
        {R"({"array": {"operand_bits": 16}, "dma": {"max_request_bytes": 1}})",
         "x.json: dma.max_request_bytes: must be >= the operand element size (2 bytes for operand_bits 16), "
         "got 1"},
        {R"({"dma": {"max_outstanding": 0}})", "x.json: dma.max_outstanding: must be an integer >= 1, got 0"},
        {R"({"dram": {"latency_cycles": -1}})",
         "x.json: dram.latency_cycles: must be an integer >= 0, got -1"},
        {R"({"dram": {"latency_cycles": 100001}})",
         "x.json: dram.latency_cycles: must be an integer <= 100000, got 100001"},
        {R"({"dram": {"bandwidth_gbps": "16"}})",
         R"(x.json: dram.bandwidth_gbps: expected a number, got string "16")"},
        {R"({"dram": {"bandwidth_gbps": 0}})", "x.json: dram.bandwidth_gbps: must be a number > 0, got 0"},
        {R"({"dram": {"bandwidth_gbps": 100001}})",
         "x.json: dram.bandwidth_gbps: must be a number <= 100000, got 100001"},
        {R"({"dram": {"bandwidth_gbps": 0.0001}})",
         "x.json: dram.bandwidth_gbps: 0.0001 GB/s at clock_mhz 1000 is 0.0001 bytes per cycle, which "
         "rounds to 0 millibytes per cycle; must be >= 0.0005 bytes per cycle (raise bandwidth_gbps or "
         "lower clock_mhz)"},
        {R"({"dram": {"max_outstanding": 2000}})",
         "x.json: dram.max_outstanding: must be an integer <= 1024, got 2000"},
        {R"({"clock_mhz": -1})", "x.json: clock_mhz: must be a number > 0, got -1"},
        {R"({"clock_mhz": 1e6})", "x.json: clock_mhz: must be a number <= 100000, got 1000000"},
    };
    for (const Case& c : cases) {
        INFO(c.text);
        CHECK(problems(c.text) == std::vector<std::string>{c.expected});
    }
    CHECK_THROWS_WITH(sasim::config_from_json(json::array({1}), "x.json"),
                      "x.json: expected a JSON object at the top level, got an array");
}

TEST_CASE("config: SRAM sizes in rows, or a capacity rounded down to whole rows per bank with a note", "[config]") {
    const auto parse_config = [](const char* text, const char* origin) {
        return sasim::config_from_json(nlohmann::json::parse(text), origin);
    };
    // 3x5: 5-byte scratchpad rows; 256 KiB is 52,428.8 of them, 2 banks: 52,428 rows (26,214 per bank).
    Config c = parse_config(R"({"array": {"rows": 3, "cols": 5}, "scratchpad": {"capacity_kib": 256, "banks": 2},
                                "accumulator": {"capacity_kib": 5}})", "x.json");
    CHECK(c.derived.spad_rows == 52428);
    CHECK(c.derived.spad_rows_per_bank == 26214);
    CHECK(c.derived.spad_capacity_bytes == 262140);
    CHECK(c.derived.acc_rows == 256);  // 5 KiB of 20-byte rows: whole, no note
    REQUIRE(c.derived.notes.size() == 1);
    CHECK(c.derived.notes[0] ==
          "scratchpad.capacity_kib: 256 KiB is 262144 / 5 = 52428.8 5-byte rows (a row holds max(rows, cols) = 5 "
          "elements of 1 byte) in 2 banks; rounded down to 52428 rows, 262140 bytes (262140 / 1024 = 255.996 KiB). "
          "A multiple of 5 KiB, or `rows`, is used as given");
    // The same hardware given in rows: no note, same derived sizes, a different hash (the key as given).
    Config r = parse_config(R"({"array": {"rows": 3, "cols": 5}, "scratchpad": {"rows": 52428, "banks": 2},
                                "accumulator": {"capacity_kib": 5}})", "x.json");
    CHECK(r.derived.notes.empty());
    CHECK(r.derived.spad_capacity_bytes == c.derived.spad_capacity_bytes);
    CHECK(config_to_json(r)["scratchpad"] == nlohmann::json{{"rows", 52428}, {"banks", 2}});
    CHECK(sasim::config_from_json(sasim::config_to_json(r), "y.json").derived.spad_rows == 52428);
    // Banks that do not divide the rows of a capacity: whole rows per bank.
    Config b = parse_config(R"({"scratchpad": {"banks": 3}})", "x.json");
    CHECK(b.derived.spad_rows == 16383);
    REQUIRE(b.derived.notes.size() == 1);
    CHECK(b.derived.notes[0].find("in 3 banks; rounded down to 16383 rows") != std::string::npos);
}

TEST_CASE("config: all problems are reported at once", "[config]") {
    const auto lines = problems(R"({
        "colour": "red",
        "array": {"rows": 0, "cols": "4", "dataflow": "xs", "rowz": 1},
        "scratchpad": {"banks": 3},
        "dma": {"max_request_bytes": 48},
        "clock_mhz": -1})");
    const std::vector<std::string> expected = {
        "x.json: colour: unknown key (valid: name, description, _comment, array, scratchpad, accumulator, "
        "queues, dma, dram, clock_mhz, technology)",
        R"(x.json: array.rowz: unknown key (did you mean "rows"?))",
        "x.json: array.rows: must be an integer >= 1, got 0",
        R"(x.json: array.cols: expected an integer, got string "4")",
        R"(x.json: array.dataflow: unknown dataflow "xs" (valid: os, ws, is))",
        "x.json: dma.max_request_bytes: must be a power of two (1, 2, 4, ..., 4096), got 48",
        "x.json: clock_mhz: must be a number > 0, got -1",
    };
    // The bank split depends on array.rows, which is already wrong, so it is not reported.
    CHECK(lines == expected);
}

TEST_CASE("config: did-you-mean suggestions", "[config]") {
    CHECK(problems(R"({"arrays": {}})") ==
          std::vector<std::string>{R"(x.json: arrays: unknown key (did you mean "array"?))"});
    CHECK(problems(R"({"Clock_MHz": 1})") ==
          std::vector<std::string>{R"(x.json: Clock_MHz: unknown key (did you mean "clock_mhz"?))"});
    CHECK(problems(R"({"array": {"clos": 4}})") ==  // adjacent swap counts as one edit
          std::vector<std::string>{R"(x.json: array.clos: unknown key (did you mean "cols"?))"});
    CHECK(problems(R"({"dram": {"latency": 4}})") ==
          std::vector<std::string>{
              "x.json: dram.latency: unknown key (valid: latency_cycles, bandwidth_gbps, max_outstanding, type)"});
    CHECK(
        problems(R"({"array": {"banks": 2}})") ==
        std::vector<std::string>{R"(x.json: array.banks: unknown key here (did you mean "scratchpad.banks" )"
                                 R"(or "accumulator.banks"?))"});
    CHECK(problems(R"({"rows": 2})") ==
          std::vector<std::string>{R"(x.json: rows: unknown key here (did you mean "array.rows" or "scratchpad.rows" or "accumulator.rows"?))"});
}

TEST_CASE("config: validate_and_derive checks configs built in code", "[config]") {
    Config c;
    c.array.rows = 0;
    c.queues.load = 5000;
    try {
        sasim::validate_and_derive(c, "builder");
        FAIL("expected InputError");
    } catch (const InputError& e) {
        CHECK(e.lines() ==
              std::vector<std::string>{"builder: array.rows: must be an integer >= 1, got 0",
                                       "builder: queues.load: must be an integer <= 1024, got 5000"});
    }
    Config nan_clock;
    nan_clock.clock_mhz = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_WITH(sasim::validate_and_derive(nan_clock, "builder"),
                      "builder: clock_mhz: must be a finite number, got nan");

    Config ok;
    ok.array.rows = 4;
    ok.array.cols = 8;
    ok.array.operand_bits = 16;
    ok.clock_mhz = 500;
    sasim::validate_and_derive(ok, "builder");
    CHECK(ok.derived.operand_bytes == 2);
    CHECK(ok.derived.spad_row_bytes == 16);
    CHECK(ok.derived.acc_row_elems == 8);
    CHECK(ok.derived.acc_rows == 64 * 1024 / 32);
    CHECK(ok.derived.dram_millibytes_per_cycle == 32000);
    CHECK(ok.derived.peak_macs_per_cycle == 32);
}

TEST_CASE("config: file-level errors", "[config]") {
    CHECK(file_problems("") == std::vector<std::string>{"@FILE@: file is empty, expected a JSON object"});
    CHECK(file_problems(" \n\t") ==
          std::vector<std::string>{"@FILE@: file is empty, expected a JSON object"});
    CHECK(file_problems("[1]") ==
          std::vector<std::string>{"@FILE@: expected a JSON object at the top level, got an array"});
    CHECK(file_problems("rows = 4\n") ==
          std::vector<std::string>{
              R"(@FILE@:1:1: invalid JSON: syntax error while parsing value - invalid literal "rows")"});
    CHECK(file_problems("{\"array\": {\"rows\": 4, \"rows\": 8}, \"array\": {}}") ==
          std::vector<std::string>{"@FILE@: array.rows: duplicate key (each key may appear only once)",
                                   "@FILE@: array: duplicate key (each key may appear only once)"});

    const std::string missing = (kRoot / "configs/no_such_config.json").string();
    CHECK_THROWS_WITH(sasim::load_config(missing), missing + ": cannot open config file: no such file");
    const std::string dir = (kRoot / "configs").string();
    CHECK_THROWS_WITH(sasim::load_config(dir), dir + ": is a directory, expected a JSON config file");
}

TEST_CASE("config: UTF-8 byte order mark is accepted", "[config]") {
    TempFile f("bom.json", "\xEF\xBB\xBF{\"name\": \"bom\", \"array\": {\"rows\": 4}}\n");
    const Config c = sasim::load_config(f.path());
    CHECK(c.name == "bom");
    CHECK(c.array.rows == 4);
    // Positions after a BOM count from the first character after it.
    CHECK(file_problems("\xEF\xBB\xBF{,}") ==
          std::vector<std::string>{"@FILE@:1:2: invalid JSON: syntax error while parsing object key - "
                                   "unexpected ','; expected string literal"});
}

TEST_CASE("config: JSON syntax errors give line and column", "[config]") {
    CHECK(file_problems("{\n  \"name\": \"t\",\n  \"array\": {\"rows\": 4,\n") ==
          std::vector<std::string>{
              "@FILE@:4:1: invalid JSON: syntax error while parsing object key - unexpected "
              "end of input; expected string literal (the file ends before the JSON is "
              "complete)"});
    CHECK(file_problems("{\n  \"dram\": {\"bandwidth_gbps\": NaN}\n}\n") ==
          std::vector<std::string>{
              "@FILE@:2:30: invalid JSON: syntax error while parsing value - invalid "
              "literal \"NaN\" (NaN and Infinity are not valid JSON; use a finite number)"});
    CHECK(
        file_problems("{\n  \"clock_mhz\": 1e309\n}") ==
        std::vector<std::string>{"@FILE@:2:16: invalid JSON: number 1e309 is out of range (JSON numbers must "
                                 "be finite and fit in a double, at most about 1.8e308)"});
    // Columns count characters, not bytes: each "é" is two bytes.
    CHECK(
        file_problems("{\"name\": \"\xC3\xA9\xC3\xA9\", x}") ==
        std::vector<std::string>{"@FILE@:1:16: invalid JSON: syntax error while parsing object key - invalid "
                                 "literal \"x\"; expected string literal"});
}

TEST_CASE("config: bad_inputs files print their expected first line", "[config]") {
    const auto files = files_in(kRoot / "tests/bad_inputs/config", ".json");
    REQUIRE(files.size() >= 14);
    for (const auto& f : files) {
        INFO(f.string());
        fs::path expected_path = f;
        expected_path.replace_extension(".expected");
        REQUIRE(fs::exists(expected_path));
        std::string expected = read_text(expected_path);
        REQUIRE(!expected.empty());
        expected = expected.substr(0, expected.find('\n'));
        std::string first;
        try {
            sasim::load_config(f.string());
        } catch (const InputError& e) {
            first = e.lines().at(0);
        }
        const std::string path = f.string();
        REQUIRE(first.compare(0, path.size(), path) == 0);
        CHECK("@FILE@" + first.substr(path.size()) == expected);
    }
}

TEST_CASE("config: README documents every key and its example loads", "[config]") {
    const std::string readme = read_text(kRoot / "configs/README.md");
    const Config defaults;  // named, not a temporary: GCC 12 warns falsely on destroying Config{} here
    const json j = sasim::config_to_json(defaults);
    std::vector<std::string> keys;
    for (const auto& top : j.items()) {
        keys.push_back(top.key());
        if (top.value().is_object()) {
            for (const auto& sub : top.value().items()) keys.push_back(top.key() + "." + sub.key());
        }
    }
    REQUIRE(keys.size() == 28);
    for (const auto& k : keys) {
        INFO(k);
        CHECK(readme.find("`" + k + "`") != std::string::npos);
    }
    for (const char* k : {"description", "_comment", "operand_bytes", "spad_rows_per_bank",
                          "acc_rows_per_bank", "dram_millibytes_per_cycle", "peak_macs_per_cycle"}) {
        INFO(k);
        CHECK(readme.find(std::string("`") + k + "`") != std::string::npos);
    }

    const size_t begin = readme.find("```json\n");
    REQUIRE(begin != std::string::npos);
    const size_t end = readme.find("```", begin + 8);
    const Config example =
        sasim::config_from_json(json::parse(readme.substr(begin + 8, end - begin - 8)), "README");
    CHECK(example.derived.dram_millibytes_per_cycle == 16000);
}
