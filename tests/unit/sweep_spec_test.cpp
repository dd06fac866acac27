// SPDX-License-Identifier: MIT
// Unit tests of sim/sweep: spec parsing and its errors, point expansion (product, zip, ranges,
// constraints), deterministic ids, the constraint language and sharding.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "sweep/expand.h"
#include "sweep/expr.h"
#include "sweep/spec.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace sasim::sweep;

namespace {

const std::string kRoot = SASIM_SOURCE_DIR;
const std::string kSpecPath = kRoot + "/tests/sweep/in_memory.json";  // relative paths resolve from tests/sweep

json base_spec() {
    return json::parse(R"({
      "base": "../../configs/tiny_4x4_ws.json",
      "axes": [{"key": "array.rows", "values": [2, 4]}],
      "workloads": ["../../workloads/tiny/gemm_small.json"]
    })");
}

// The problems reported for `spec`, one line each (empty when it is valid).
std::vector<std::string> problems(const json& spec) {
    try {
        sweep_from_json(spec, kSpecPath);
    } catch (const sasim::InputError& e) {
        return e.lines();
    }
    return {};
}

bool has_line(const std::vector<std::string>& lines, const std::string& text) {
    return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l == kSpecPath + ": " + text; });
}

std::string labels(const Sweep& s) {
    std::string out;
    for (const auto& p : s.points) out += "[" + point_label(s.spec, p.values) + "]";
    return out;
}

bool eval(const std::string& text) {
    return Expr::parse(text).evaluate([](const std::string& name) -> std::optional<Value> {
        if (name == "rows") return Value{16.0};
        if (name == "cols") return Value{8.0};
        if (name == "dataflow") return Value{std::string("ws")};
        return std::nullopt;
    });
}

}  // namespace

TEST_CASE("shipped sweep specs load and expand", "[sweep]") {
    const std::pair<const char*, size_t> shipped[] = {{"array_sizes", 18}, {"bandwidth", 48}, {"rect", 42}};
    for (const auto& [name, count] : shipped) {
        const std::string path = kRoot + "/configs/sweeps/" + name + ".json";
        const Sweep s = load_sweep(path);
        CHECK(s.points.size() == count);
        CHECK(s.spec.area);   // the shipped sweeps carry area (and, like every run, energy)
        std::set<std::string> ids;
        for (const auto& p : s.points) ids.insert(p.id);
        CHECK(ids.size() == count);
        const Sweep again = load_sweep(path);
        for (size_t i = 0; i < count; ++i) CHECK(again.points[i].id == s.points[i].id);
    }
    const Sweep rect = load_sweep(kRoot + "/configs/sweeps/rect.json");
    for (const auto& p : rect.points) {
        CHECK(p.config["array"]["rows"].get<int>() * p.config["array"]["cols"].get<int>() == 1024);
    }
    CHECK(rect.pruned == 126);
}

TEST_CASE("axes combine as a product, the last varying fastest; workloads outermost", "[sweep]") {
    json j = base_spec();
    j["axes"] = json::parse(R"([{"key": "array.dataflow", "values": ["os", "ws"]},
                                {"key": "array.rows", "values": [2, 4]}])");
    j["workloads"].push_back("../../workloads/tiny/conv3x3.json");
    const Sweep s = sweep_from_json(j, kSpecPath);
    REQUIRE(s.points.size() == 8);
    CHECK(labels(s) ==
          "[dataflow=os rows=2][dataflow=os rows=4][dataflow=ws rows=2][dataflow=ws rows=4]"
          "[dataflow=os rows=2][dataflow=os rows=4][dataflow=ws rows=2][dataflow=ws rows=4]");
    CHECK(s.points[0].workload == 0);
    CHECK(s.points[4].workload == 1);
    CHECK(s.points[5].index == 5);
    CHECK(s.points[3].config["array"]["rows"] == 4);
    CHECK(s.points[3].config["array"]["dataflow"] == "ws");
    CHECK(s.points[3].config["scratchpad"]["capacity_kib"] == 4);  // from the base config
}

TEST_CASE("zip advances axes together; ranges are inclusive", "[sweep]") {
    json j = base_spec();
    j["axes"] = json::parse(R"([{"zip": [{"key": "array.rows", "range": {"start": 2, "stop": 8, "factor": 2}},
                                         {"key": "array.cols", "values": [8, 4, 2]}]},
                                {"key": "dram.bandwidth_gbps", "name": "bw", "range": {"start": 1, "stop": 2, "step": 0.5}}])");
    const Sweep s = sweep_from_json(j, kSpecPath);
    CHECK(labels(s) ==
          "[rows=2 cols=8 bw=1][rows=2 cols=8 bw=1.5][rows=2 cols=8 bw=2]"
          "[rows=4 cols=4 bw=1][rows=4 cols=4 bw=1.5][rows=4 cols=4 bw=2]"
          "[rows=8 cols=2 bw=1][rows=8 cols=2 bw=1.5][rows=8 cols=2 bw=2]");
    json linear = base_spec();
    linear["axes"] = json::parse(R"([{"key": "queues.load", "range": {"start": 1, "stop": 10, "step": 3}}])");
    CHECK(labels(sweep_from_json(linear, kSpecPath)) == "[load=1][load=4][load=7][load=10]");
}

TEST_CASE("a zipped axis may repeat a value; a repeated tuple is refused, as is a repeat outside a zip", "[sweep]") {
    json j = base_spec();
    j["axes"] = json::parse(R"([{"zip": [{"key": "array.rows", "values": [2, 4, 4]},
                                         {"key": "array.cols", "values": [2, 2, 4]}]}])");
    CHECK(labels(sweep_from_json(j, kSpecPath)) == "[rows=2 cols=2][rows=4 cols=2][rows=4 cols=4]");
    j["axes"] = json::parse(R"([{"zip": [{"key": "array.rows", "values": [2, 4, 2]},
                                         {"key": "array.cols", "values": [2, 2, 2]}]}])");
    CHECK(has_line(problems(j), "axes[0].zip: position 2 repeats position 0 in every zipped axis (the same point twice)"));
    j["axes"] = json::parse(R"([{"key": "array.rows", "values": [2, 4, 2]}])");
    CHECK(has_line(problems(j), "axes[0].values[2]: repeats 2 (values[0])"));
}

TEST_CASE("constraints prune points; they read axis names and config keys", "[sweep]") {
    json j = base_spec();
    j["axes"] = json::parse(R"([{"key": "array.dataflow", "values": ["os", "ws", "is"]},
                                {"key": "array.rows", "values": [2, 4, 8]},
                                {"key": "array.cols", "values": [2, 4, 8]}])");
    j["constraints"] = {"rows * cols <= 16", "dataflow != \"is\" || rows == cols",
                        "scratchpad.capacity_kib * 1024 % (rows * cols) == 0"};
    const Sweep s = sweep_from_json(j, kSpecPath);
    CHECK(labels(s) ==
          "[dataflow=os rows=2 cols=2][dataflow=os rows=2 cols=4][dataflow=os rows=2 cols=8][dataflow=os rows=4 cols=2]"
          "[dataflow=os rows=4 cols=4][dataflow=os rows=8 cols=2]"
          "[dataflow=ws rows=2 cols=2][dataflow=ws rows=2 cols=4][dataflow=ws rows=2 cols=8][dataflow=ws rows=4 cols=2]"
          "[dataflow=ws rows=4 cols=4][dataflow=ws rows=8 cols=2]"
          "[dataflow=is rows=2 cols=2][dataflow=is rows=4 cols=4]");
    CHECK(s.pruned == 27 - 14);
}

TEST_CASE("point ids hash the resolved config, the workload and the run options", "[sweep]") {
    const Sweep a = sweep_from_json(base_spec(), kSpecPath);
    json renamed = base_spec();
    renamed["name"] = "another_name";
    renamed["axes"][0]["name"] = "r";
    json values_as_float = base_spec();
    values_as_float["axes"][0]["values"] = {2.0, 4.0};
    json unchecked = base_spec();
    unchecked["check"] = false;
    json seeded = base_spec();
    seeded["seed"] = 7;
    CHECK(sweep_from_json(renamed, kSpecPath).points[1].id == a.points[1].id);
    CHECK(sweep_from_json(values_as_float, kSpecPath).points[1].id == a.points[1].id);
    CHECK(sweep_from_json(unchecked, kSpecPath).points[1].id != a.points[1].id);
    CHECK(sweep_from_json(seeded, kSpecPath).points[1].id != a.points[1].id);
    CHECK(a.points[0].id != a.points[1].id);
    CHECK(a.points[0].id.size() == 16);
}

TEST_CASE("sharding partitions the points deterministically", "[sweep]") {
    const Sweep s = load_sweep(kRoot + "/configs/sweeps/bandwidth.json");
    for (uint32_t n : {1u, 2u, 3u, 7u, 100u}) {
        std::multiset<std::string> seen;
        for (uint32_t i = 0; i < n; ++i) {
            const Shard shard = parse_shard(std::to_string(i) + "/" + std::to_string(n));
            for (const auto& p : s.points) {
                if (in_shard(p, shard)) seen.insert(p.id);
            }
        }
        CHECK(seen.size() == s.points.size());  // every point once: disjoint and complete
        CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == s.points.size());
    }
    CHECK(parse_shard("1/4").index == 1);
    CHECK(parse_shard("1/4").text() == "1/4");
    for (const char* bad : {"4/4", "1/0", "-1/2", "1", "a/b", "1/2/3", "/2", "1/"}) {
        CHECK_THROWS_AS(parse_shard(bad), sasim::InputError);
    }
}

TEST_CASE("the constraint language", "[sweep]") {
    CHECK(eval("rows * cols <= 128"));
    CHECK_FALSE(eval("rows * cols < 128"));
    CHECK(eval("rows + cols * 2 == 32"));  // * binds tighter than +
    CHECK(eval("(rows + cols) * 2 == 48"));
    CHECK(eval("rows / cols == 2 && rows % cols == 0"));
    CHECK(eval("rows > 100 || cols >= 8"));
    CHECK(eval("!(rows < cols)"));
    CHECK(eval("-rows + 20 == 4"));
    CHECK(eval("dataflow == \"ws\" && dataflow != \"os\""));
    CHECK(eval("rows >= 1.5e1"));
    const auto throws = [](const std::string& text, const std::string& what) {
        try {
            eval(text);
        } catch (const ExprError& e) {
            CHECK_THAT(e.what(), Catch::Contains(what));
            return;
        }
        FAIL("no error for " << text);
    };
    throws("rows * <= 4", "expected a number, a name, a string or \"(\"");
    throws("rows = 4", "use == to compare");
    throws("1 < rows < 20", "cannot be chained");
    throws("(rows < 4", "expected \")\"");
    throws("rows * cols", "not a truth value");
    throws("rows / 0 > 1", "division by zero");
    throws("dataflow * 2 > 1", "needs numbers, got a string");
    throws("dataflow == 2", "compares a string with a number");
    throws("rows < 4 && 5", "needs comparisons on both sides");
    throws("rowz > 1", "unknown name \"rowz\"");
    throws("\"ws", "unterminated string");
    throws("", "empty expression");
    CHECK(Expr::parse("rows * cols <= 16 && rows == array.rows").names() ==
          std::vector<std::string>{"rows", "cols", "array.rows"});
}

TEST_CASE("spec problems are all reported at once, one line each", "[sweep]") {
    json j = base_spec();
    j["workload"] = "x";
    j["axes"] = json::parse(R"([{"key": "array.rowz", "values": [2]},
                                {"key": "array", "values": [2]},
                                {"key": "array.cols", "values": [2, 2]},
                                {"key": "array.dataflow", "values": ["xs"]},
                                {"key": "array.operand_bits", "values": [12]},
                                {"key": "queues.load", "range": {"start": 4, "stop": 1, "step": 1}},
                                {"zip": [{"key": "dma.max_outstanding", "values": [1, 2]},
                                         {"key": "dram.max_outstanding", "values": [1]}]}])");
    j["constraints"] = {"rows * <= 2", "rowz > 1"};
    j["metrics"] = {"cycles", "cylces"};
    j["check"] = "yes";
    const auto lines = problems(j);
    CHECK(has_line(lines, "workload: unknown key (did you mean \"workloads\"?)"));
    CHECK(has_line(lines, "axes[0].key: unknown config key \"array.rowz\" (did you mean \"array.rows\"?)"));
    CHECK(has_line(lines, "axes[1].key: \"array\" is a section; name one of its keys: array.acc_bits, array.cols, "
                          "array.dataflow, array.operand_bits, array.rows"));
    CHECK(has_line(lines, "axes[2].values[1]: repeats 2 (values[0])"));
    CHECK(has_line(lines, "axes[5].range: stop (1) is below start (4)"));
    CHECK(has_line(lines, "axes[6].zip: zipped axes need the same number of values; dma.max_outstanding has 2, "
                          "dram.max_outstanding has 1"));
    CHECK(has_line(lines, "constraints[0]: expected a number, a name, a string or \"(\", got \"<\" at column 8 in "
                          "\"rows * <= 2\""));
    CHECK(has_line(lines, "metrics[1]: unknown metric \"cylces\" (did you mean \"cycles\"?)"));
    CHECK(has_line(lines, "check: expected true or false, got string \"yes\""));
    CHECK(std::any_of(lines.begin(), lines.end(), [](const std::string& l) {
        return l.find("constraints[1]: unknown name \"rowz\"") != std::string::npos;
    }));
    CHECK(lines.size() == 10);
}

TEST_CASE("axis values are validated as config values, naming the value", "[sweep]") {
    json j = base_spec();
    j["axes"] = json::parse(R"([{"key": "array.rows", "values": [2, 5000, "8"]},
                                {"key": "array.dataflow", "values": ["os", "xs"]}])");
    const auto lines = problems(j);
    CHECK(has_line(lines, "axes[0].values[1]: array.rows: must be an integer <= 4096, got 5000"));
    CHECK(has_line(lines, "axes[0].values[2]: array.rows: expected an integer, got string \"8\""));
    CHECK(has_line(lines, "axes[1].values[1]: array.dataflow: unknown dataflow \"xs\" (valid: os, ws, is)"));
    CHECK(lines.size() == 3);
}

TEST_CASE("invalid combinations are errors unless skip_invalid is set", "[sweep]") {
    json j = base_spec();
    // 1024 columns make 4 KiB accumulator rows, more than the base's 2 KiB accumulator.
    j["axes"] = json::parse(R"([{"key": "array.cols", "values": [2, 1024, 4]}])");
    const auto lines = problems(j);
    REQUIRE(lines.size() == 1);
    CHECK_THAT(lines[0], Catch::StartsWith(kSpecPath + ": axes: point cols=1024: accumulator.capacity_kib: 2 KiB is "
                                                       "less than one 4096-byte accumulator row"));
    j["skip_invalid"] = true;
    const Sweep s = sweep_from_json(j, kSpecPath);
    CHECK(s.points.size() == 2);
    CHECK(s.invalid == 1);
}

TEST_CASE("workloads, names and the base config are checked", "[sweep]") {
    json j = base_spec();
    j["workloads"] = {"../../workloads/tiny/gemm_small.json", "../../workloads/tiny/gemm_small.json", "nope.json", 3};
    j["base"] = json::parse(R"({"array": {"rows": 0}})");
    j["axes"] = json::parse(R"([{"key": "scratchpad.banks", "values": [1]}, {"key": "accumulator.banks", "values": [1]},
                                {"key": "array.cols", "name": "rows", "values": [4]},
                                {"key": "clock_mhz", "name": "cycles", "values": [100]},
                                {"key": "queues.load", "name": "2x", "values": [1]}])");
    const auto lines = problems(j);
    CHECK(has_line(lines, "base: array.rows: must be an integer >= 1, got 0"));
    CHECK(has_line(lines, "workloads[1]: workload \"gemm_small\" is already workloads[0] (names must differ)"));
    CHECK(std::any_of(lines.begin(), lines.end(),
                      [](const std::string& l) { return l.find("nope.json: cannot open") != std::string::npos; }));
    CHECK(has_line(lines, "workloads[3]: expected a workload file path (string), got number 3"));
    CHECK(has_line(lines, "axes[1].name: two axes are named \"banks\"; set \"name\" on one of them"));
    CHECK(has_line(lines, "axes[2].name: \"rows\" is the results.csv column of array.rows; set \"name\" to another name"));
    CHECK(has_line(lines, "axes[3].name: \"cycles\" is a column of results.csv already; set \"name\" to another name"));
    CHECK(has_line(lines, "axes[4].name: \"2x\" is not a valid name (letters, digits and _; not starting with a digit)"));
    CHECK(problems(json::array()) == std::vector<std::string>{kSpecPath + ": expected a JSON object at the top level, got an array"});
    json missing = json::object();
    const auto missing_lines = problems(missing);
    CHECK(missing_lines.size() == 2);
}

TEST_CASE("config keys come from the resolved default config", "[sweep]") {
    const auto& keys = config_keys();
    CHECK(std::find(keys.begin(), keys.end(), "array.rows") != keys.end());
    CHECK(std::find(keys.begin(), keys.end(), "dram.bandwidth_gbps") != keys.end());
    CHECK(std::find(keys.begin(), keys.end(), "clock_mhz") != keys.end());
    CHECK(std::find(keys.begin(), keys.end(), "name") == keys.end());
    json cfg = json::object();
    set_key(cfg, "array.rows", 8);
    REQUIRE(get_key(cfg, "array.rows") != nullptr);
    CHECK(*get_key(cfg, "array.rows") == 8);
    CHECK(get_key(cfg, "array.cols") == nullptr);
    CHECK(get_key(cfg, "dram.x") == nullptr);
}
