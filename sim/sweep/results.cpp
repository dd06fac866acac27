// SPDX-License-Identifier: MIT
// sweep.json, point done markers, results.csv and points.jsonl (columns in docs/sweeps.md).
#include "sweep/results.h"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "common/errors.h"
#include "common/json_text.h"
#include "common/text.h"
#include "sasim_version.h"
#include "sweep/expand.h"
#include "sweep/io.h"

namespace fs = std::filesystem;

namespace sasim::sweep {

using nlohmann::json;

namespace {

// Where each metric comes from in a report.json layer (or totals) object. "" marks computed ones.
struct Metric {
    const char* name;
    const char* pointer;
};
const std::vector<Metric> kMetrics = {
    {"count", "/gemm/count"},
    {"m", "/gemm/m"},
    {"n", "/gemm/n"},
    {"k", "/gemm/k"},
    {"macs", "/macs"},
    {"cycles", "/cycles"},
    {"seconds", ""},
    {"start_cycle", "/start_cycle"},
    {"utilization", "/utilization"},
    {"mapping_efficiency", "/mapping_efficiency"},
    {"compute_cycles", "/cycle_breakdown/compute"},
    {"pipeline_cycles", "/cycle_breakdown/pipeline"},
    {"stall_cycles", "/stall_cycles"},
    {"stall_dram_bandwidth", "/cycle_breakdown/dram_bandwidth"},
    {"stall_dram_latency", "/cycle_breakdown/dram_latency"},
    {"stall_bank_conflict", "/cycle_breakdown/bank_conflict"},
    {"stall_queue_full", "/cycle_breakdown/queue_full"},
    {"stall_dependency_wait", "/cycle_breakdown/dependency_wait"},
    {"dram_read_bytes", "/traffic/dram_read_bytes"},
    {"dram_write_bytes", "/traffic/dram_write_bytes"},
    {"dram_read_requests", "/traffic/dram_read_requests"},
    {"dram_write_requests", "/traffic/dram_write_requests"},
    {"compulsory_bytes", "/traffic/compulsory_bytes"},
    {"spad_row_reads", "/traffic/spad_row_reads"},
    {"spad_row_writes", "/traffic/spad_row_writes"},
    {"acc_row_reads", "/traffic/acc_row_reads"},
    {"acc_row_writes", "/traffic/acc_row_writes"},
    {"dma_bank_conflict_cycles", "/traffic/dma_bank_conflict_cycles"},
    {"dispatch_blocked_cycles", "/traffic/dispatch_blocked_cycles"},
    {"load_instructions", "/instructions/load"},
    {"execute_instructions", "/instructions/execute"},
    {"store_instructions", "/instructions/store"},
    {"energy_pj", "/energy/total_pj"},
    {"pj_per_mac", "/energy/pj_per_mac"},
    {"power_w", ""},
    {"edp", ""},
    {"area_mm2", "/area_mm2"},          // spec "area": true (totals only)
    {"tops_per_mm2", "/tops_per_mm2"},
    {"check", ""},
};

const std::vector<std::string> kIdColumns = {"point", "workload"};
const std::vector<std::string> kRowColumns = {"scope", "layer_index", "layer", "op", "simulated", "status"};

std::string join_row(const std::vector<std::string>& fields) {
    std::string out;
    for (size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) out += ',';
        out += text::csv_field(fields[i]);
    }
    return out + "\n";
}

// The metric's value in a simulated layer (or totals) object; "" when absent.
std::string metric_value(const std::string& name, const json& obj, double clock_mhz) {
    if (name == "check") {
        const json& c = obj.value("check", json::object());
        if (!c.value("checked", true)) return "skipped";
        return c.value("pass", false) ? "pass" : "FAIL";
    }
    if (name == "seconds") {
        if (!obj.contains("cycles") || clock_mhz <= 0) return "";
        return fmt::format("{}", obj.at("cycles").get<double>() / (clock_mhz * 1e6));
    }
    if (name == "power_w" || name == "edp") {
        // Average dynamic power (W) and energy-delay product (J x s) of the layer or the run.
        const json::json_pointer e("/energy/total_pj");
        if (!obj.contains("cycles") || !obj.contains(e) || clock_mhz <= 0) return "";
        const double seconds = obj.at("cycles").get<double>() / (clock_mhz * 1e6);
        const double joules = obj.at(e).get<double>() * 1e-12;
        if (name == "edp") return fmt::format("{}", joules * seconds);
        return seconds > 0 ? fmt::format("{}", joules / seconds) : "";
    }
    for (const auto& m : kMetrics) {
        if (name != m.name) continue;
        const json::json_pointer ptr(m.pointer);
        return obj.contains(ptr) ? value_text(obj.at(ptr)) : "";
    }
    return "";
}

// Columns of a sweep's results.csv after the identity columns: axes, then context columns not swept.
std::vector<std::string> value_columns(const SweepIndex& index) {
    std::vector<std::string> cols;
    for (const auto& a : index.doc.at("axes")) cols.push_back(a.at("name").get<std::string>());
    for (const auto& c : context_columns()) {
        if (std::find(cols.begin(), cols.end(), c.name) == cols.end()) cols.emplace_back(c.name);
    }
    return cols;
}

std::vector<std::string> point_prefix(const SweepIndex& index, const json& p) {
    std::vector<std::string> f = {p.at("id").get<std::string>(), p.at("workload").get<std::string>()};
    for (const auto& col : value_columns(index)) {
        const json& v = p.at("values").contains(col) ? p.at("values").at(col) : p.at("context").at(col);
        f.push_back(value_text(v));
    }
    return f;
}

}  // namespace

const std::vector<std::string>& metric_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto& m : kMetrics) out.emplace_back(m.name);
        return out;
    }();
    return names;
}

const std::vector<ContextColumn>& context_columns() {
    static const std::vector<ContextColumn> cols = {
        {"rows", "array.rows"},     {"cols", "array.cols"}, {"dataflow", "array.dataflow"}, {"pes", ""},
        {"dram_bytes_per_cycle", ""}, {"clock_mhz", "clock_mhz"}};
    return cols;
}

bool reserved_column(const std::string& name) {
    const auto in = [&](const std::vector<std::string>& v) { return std::find(v.begin(), v.end(), name) != v.end(); };
    return in(kIdColumns) || in(kRowColumns) || in(metric_names()) || name == "error";
}

std::string SweepIndex::spec_hash() const { return doc.at("spec_hash").get<std::string>(); }

Shard SweepIndex::shard() const {
    Shard s;
    s.index = doc.at("shard").at("index").get<uint32_t>();
    s.count = doc.at("shard").at("count").get<uint32_t>();
    return s;
}

SweepIndex make_index(const Sweep& sweep, const Shard& shard) {
    const Spec& spec = sweep.spec;
    const auto axes = spec.axes();
    json doc = {{"sweep_format", 1},
                {"sasim_version", SASIM_VERSION},
                {"name", spec.name},
                {"spec_path", spec.path},
                {"spec_hash", spec.hash},
                {"spec", spec.raw},
                {"shard", {{"index", shard.index}, {"count", shard.count}}},
                {"check", spec.check},
                {"mapper", spec.mapper},
                {"area", spec.area},
                {"seed", spec.seed},
                {"pruned_by_constraints", sweep.pruned},
                {"invalid_skipped", sweep.invalid},
                {"metrics", spec.metrics}};
    doc["axes"] = json::array();
    for (const Axis* a : axes) doc["axes"].push_back({{"name", a->name}, {"key", a->key}});
    doc["workloads"] = json::array();
    for (const auto& w : spec.workloads) doc["workloads"].push_back({{"name", w.name}, {"path", w.as_written}});
    doc["points"] = json::array();
    for (const Point& p : sweep.points) {
        json values = json::object();
        for (size_t i = 0; i < axes.size(); ++i) values[axes[i]->name] = p.values[i];
        const json& arr = p.config.at("array");
        const double bpc = p.config.at("dram").at("bandwidth_gbps").get<double>() * 1000.0 /
                           p.config.at("clock_mhz").get<double>();
        const json context = {{"rows", arr.at("rows")},
                              {"cols", arr.at("cols")},
                              {"dataflow", arr.at("dataflow")},
                              {"pes", arr.at("rows").get<uint64_t>() * arr.at("cols").get<uint64_t>()},
                              {"dram_bytes_per_cycle", bpc},
                              {"clock_mhz", p.config.at("clock_mhz")}};
        doc["points"].push_back({{"index", p.index},
                                 {"id", p.id},
                                 {"workload", spec.workloads[p.workload].name},
                                 {"values", values},
                                 {"context", context}});
    }
    return SweepIndex{doc};
}

SweepIndex read_index(const std::string& dir) {
    const std::string path = (fs::path(dir) / "sweep.json").string();
    const std::string text = read_text(path);
    if (text.empty()) throw InputError(fmt::format("{}: not a sweep directory (no sweep.json)", dir));
    json doc = json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("points") || !doc.contains("spec_hash")) {
        throw InputError(fmt::format("{}: not a sweep index (unreadable or from another tool)", path));
    }
    return SweepIndex{doc};
}

void write_index(const std::string& dir, const SweepIndex& index) {
    write_atomic((fs::path(dir) / "sweep.json").string(), json_text(index.doc, 1) + "\n");
}

std::string point_dir(const std::string& dir, const std::string& id) {
    return (fs::path(dir) / "points" / id).string();
}

std::optional<PointResult> read_result(const std::string& dir, const std::string& id) {
    const fs::path pdir = point_dir(dir, id);
    const json doc = json::parse(read_text((pdir / "result.json").string()), nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || doc.value("id", "") != id) return std::nullopt;
    PointResult r;
    r.id = id;
    r.status = doc.value("status", "");
    r.exit_code = doc.value("exit_code", 0);
    r.error = doc.value("error", "");
    r.wall_seconds = doc.value("wall_seconds", 0.0);
    if (r.status != "ok" && r.status != "check_failed" && r.status != "failed") return std::nullopt;
    if (doc.value("has_report", false)) {
        r.report = json::parse(read_text((pdir / "report.json").string()), nullptr, false);
        if (r.report.is_discarded() || !r.report.is_object() || !r.report.contains("layers")) return std::nullopt;
    }
    return r;
}

void write_result(const std::string& dir, const PointResult& r) {
    const fs::path pdir = point_dir(dir, r.id);
    if (!r.report.is_null()) fsync_path((pdir / "report.json").string());
    const json doc = {{"id", r.id},
                      {"status", r.status},
                      {"exit_code", r.exit_code},
                      {"error", r.error},
                      {"wall_seconds", r.wall_seconds},
                      {"has_report", !r.report.is_null()}};
    write_atomic((pdir / "result.json").string(), json_text(doc, 1) + "\n");
}

std::string csv_header(const SweepIndex& index) {
    std::vector<std::string> cols = kIdColumns;
    for (const auto& c : value_columns(index)) cols.push_back(c);
    cols.insert(cols.end(), kRowColumns.begin(), kRowColumns.end());
    for (const auto& m : index.doc.at("metrics")) cols.push_back(m.get<std::string>());
    cols.emplace_back("error");
    return join_row(cols);
}

std::string csv_rows(const SweepIndex& index, size_t point, const PointResult& r) {
    const json& p = index.points().at(point);
    const std::vector<std::string> prefix = point_prefix(index, p);
    const double clock = p.at("context").at("clock_mhz").get<double>();
    const json& metrics = index.doc.at("metrics");
    std::string out;
    const auto row = [&](const std::vector<std::string>& middle, const json* obj) {
        std::vector<std::string> f = prefix;
        f.insert(f.end(), middle.begin(), middle.end());
        for (const auto& m : metrics) f.push_back(obj == nullptr ? "" : metric_value(m.get<std::string>(), *obj, clock));
        f.push_back(r.error);
        out += join_row(f);
    };
    if (r.report.is_object()) {
        const json& layers = r.report.at("layers");
        for (size_t i = 0; i < layers.size(); ++i) {
            const json& l = layers[i];
            const bool sim = l.value("simulated", false);
            const std::string op = sim ? l.value("kind", "") : l.value("op", "");
            row({"layer", std::to_string(i), l.value("name", ""), op, sim ? "true" : "false", r.status},
                sim ? &l : nullptr);
        }
        row({"total", "", "total", "", "", r.status}, &r.report.at("totals"));
    } else {
        row({"total", "", "total", "", "", r.status}, nullptr);
    }
    return out;
}

std::string jsonl_line(const SweepIndex& index, size_t point, const PointResult& r) {
    const json& p = index.points().at(point);
    json totals = json::object();
    if (r.report.is_object()) {
        const double clock = p.at("context").at("clock_mhz").get<double>();
        for (const auto& m : index.doc.at("metrics")) {
            const std::string v = metric_value(m.get<std::string>(), r.report.at("totals"), clock);
            if (v.empty()) continue;
            const json parsed = json::parse(v, nullptr, false);
            totals[m.get<std::string>()] = parsed.is_discarded() ? json(v) : parsed;
        }
    }
    const json line = {{"index", p.at("index")},     {"point", p.at("id")},       {"workload", p.at("workload")},
                       {"values", p.at("values")},   {"context", p.at("context")}, {"status", r.status},
                       {"exit_code", r.exit_code},   {"error", r.error},          {"wall_seconds", r.wall_seconds},
                       {"dir", "points/" + r.id},    {"totals", totals}};
    return json_text(line) + "\n";
}

Counts rebuild_outputs(const std::string& dir, const SweepIndex& index) {
    const Shard shard = index.shard();
    std::string csv = csv_header(index);
    std::string jsonl;
    Counts counts;
    const json& points = index.points();
    for (size_t i = 0; i < points.size(); ++i) {
        if (i % shard.count != shard.index) continue;
        const auto r = read_result(dir, points[i].at("id").get<std::string>());
        if (!r) continue;
        counts.finished++;
        if (r->status != "ok") counts.failed++;
        csv += csv_rows(index, i, *r);
        jsonl += jsonl_line(index, i, *r);
    }
    write_atomic((fs::path(dir) / "results.csv").string(), csv);
    write_atomic((fs::path(dir) / "points.jsonl").string(), jsonl);
    return counts;
}

}  // namespace sasim::sweep
