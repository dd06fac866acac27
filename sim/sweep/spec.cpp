// SPDX-License-Identifier: MIT
// Reading a sweep spec: every key checked, every problem listed, then expand.cpp makes the points.
#include "sweep/spec.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "analysis/scalesim_cfg.h"
#include "common/errors.h"
#include "common/json_syntax.h"
#include "config/config.h"
#include "sweep/expand.h"
#include "sweep/expr.h"
#include "sweep/results.h"
#include "workload/workload.h"

namespace fs = std::filesystem;

namespace sasim::sweep {

using nlohmann::json;
using Keys = std::vector<std::string>;

namespace {

const Keys kTopKeys = {"name",        "description", "_comment", "base", "axes", "workloads", "constraints",
                       "metrics",     "check",       "mapper",      "skip_invalid", "seed",     "area"};
const Keys kAxisKeys = {"key", "name", "values", "range", "zip", "_comment"};
const Keys kRangeKeys = {"start", "stop", "step", "factor"};
constexpr size_t kMaxAxisValues = 10000;

bool is_identifier(const std::string& s) {
    if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) != 0 || s[0] == '_')) return false;
    return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c) != 0 || c == '_'; });
}

class Reader {
public:
    Reader(Spec& spec, std::vector<std::string>& lines) : m_spec(spec), m_lines(lines) {}

    void add(const std::string& key, const std::string& problem) {
        m_lines.push_back(fmt::format("{}: {}: {}", m_spec.path, key, problem));
    }
    bool fail(const std::string& key, const std::string& problem) {
        add(key, problem);
        return false;
    }

    void check_keys(const json& obj, const std::string& where, const Keys& valid) {
        for (const auto& item : obj.items()) {
            if (std::find(valid.begin(), valid.end(), item.key()) != valid.end()) continue;
            const std::string key = where.empty() ? item.key() : where + "." + item.key();
            const std::string best = closest(item.key(), valid);
            add(key, best.empty() ? fmt::format("unknown key (valid: {})", fmt::join(valid, ", "))
                                  : fmt::format("unknown key (did you mean \"{}\"?)", best));
        }
    }

    const json* string_at(const json& obj, const std::string& key, const std::string& where) {
        const auto it = obj.find(key);
        if (it == obj.end()) return nullptr;
        if (!it->is_string()) {
            add(where, "expected a string, got " + describe_json(*it));
            return nullptr;
        }
        return &*it;
    }

    void read_top(const json& j) {
        check_keys(j, "", kTopKeys);
        if (const json* v = string_at(j, "name", "name")) {
            m_spec.name = v->get<std::string>();
            if (m_spec.name.empty()) add("name", "must not be empty");
        }
        if (const json* v = string_at(j, "description", "description")) m_spec.description = v->get<std::string>();
        string_at(j, "_comment", "_comment");
        read_bool(j, "check", m_spec.check);
        if (const json* v = string_at(j, "mapper", "mapper")) m_spec.mapper = v->get<std::string>();
        if (m_spec.mapper != "search" && m_spec.mapper != "heuristic") {
            add("mapper", fmt::format("\"{}\" is not a mapper (valid: search, heuristic)", m_spec.mapper));
        }
        read_bool(j, "skip_invalid", m_spec.skip_invalid);
        read_bool(j, "area", m_spec.area);
        if (const auto it = j.find("seed"); it != j.end()) {
            if (it->is_number_integer() && (it->is_number_unsigned() || it->get<int64_t>() >= 0)) {
                m_spec.seed = it->get<uint64_t>();
            } else if (it->is_number_float() && it->get<double>() >= 0 && it->get<double>() < 9.2e18 &&
                       std::floor(it->get<double>()) == it->get<double>()) {
                m_spec.seed = static_cast<uint64_t>(it->get<double>());
            } else {
                add("seed", "expected an integer >= 0, got " + describe_json(*it));
            }
        }
    }

    void read_bool(const json& j, const char* key, bool& out) {
        const auto it = j.find(key);
        if (it == j.end()) return;
        if (!it->is_boolean()) {
            add(key, "expected true or false, got " + describe_json(*it));
            return;
        }
        out = it->get<bool>();
    }

    void read_base(const json& j) {
        Config base;
        const auto it = j.find("base");
        try {
            if (it == j.end()) {
                // the default config
            } else if (it->is_string()) {
                base = analysis::load_any_config(resolve(it->get<std::string>()));  // JSON or SCALE-Sim .cfg
            } else if (it->is_object()) {
                base = config_from_json(*it, m_spec.path + ": base");
            } else {
                add("base", "expected a config file path (string) or a config object, got " + describe_json(*it));
            }
        } catch (const InputError& e) {
            m_lines.insert(m_lines.end(), e.lines().begin(), e.lines().end());
        }
        m_spec.base = config_to_json(base);
        if (m_spec.base.at("name").get<std::string>().empty()) m_spec.base["name"] = m_spec.name;
    }

    void read_workloads(const json& j) {
        const auto it = j.find("workloads");
        if (it == j.end()) {
            add("workloads", "missing key: list the workload files to run, e.g. [\"workloads/resnet50.json\"]");
            return;
        }
        if (!it->is_array() || it->empty()) {
            add("workloads", it->is_array() ? "the list is empty; name at least one workload file"
                                            : "expected an array of workload file paths, got " + describe_json(*it));
            return;
        }
        for (size_t i = 0; i < it->size(); ++i) {
            const std::string where = fmt::format("workloads[{}]", i);
            const json& w = (*it)[i];
            if (!w.is_string()) {
                add(where, "expected a workload file path (string), got " + describe_json(w));
                continue;
            }
            SweepWorkload sw;
            sw.as_written = w.get<std::string>();
            sw.path = resolve(sw.as_written);
            try {
                const Workload wl = load_workload(sw.path);
                sw.name = wl.name.empty() ? fs::path(sw.path).stem().string() : wl.name;
            } catch (const InputError& e) {
                m_lines.insert(m_lines.end(), e.lines().begin(), e.lines().end());
                continue;
            }
            std::ifstream in(sw.path, std::ios::binary);
            std::ostringstream bytes;
            bytes << in.rdbuf();
            sw.file_hash = fnv1a_hex(bytes.str());
            for (size_t k = 0; k < m_spec.workloads.size(); ++k) {
                if (m_spec.workloads[k].name == sw.name) {
                    add(where, fmt::format("workload \"{}\" is already workloads[{}] (names must differ)", sw.name,
                                           m_workload_index[k]));
                }
            }
            m_spec.workloads.push_back(sw);
            m_workload_index.push_back(i);
        }
    }

    void read_axes(const json& j) {
        const auto it = j.find("axes");
        if (it == j.end()) {
            add("axes", "missing key: list the config keys to vary, e.g. [{\"key\": \"array.rows\", \"values\": [8, 16]}]");
            return;
        }
        if (!it->is_array()) {
            add("axes", "expected an array of axes, got " + describe_json(*it));
            return;
        }
        for (size_t i = 0; i < it->size(); ++i) {
            const std::string where = fmt::format("axes[{}]", i);
            const json& a = (*it)[i];
            if (!a.is_object()) {
                add(where, "expected an object with \"key\" and \"values\" or \"range\", or with \"zip\", got " +
                               describe_json(a));
                continue;
            }
            AxisGroup g;
            if (a.contains("zip")) {
                check_keys(a, where, {"zip", "_comment"});
                const json& z = a.at("zip");
                if (!z.is_array() || z.empty()) {
                    add(where + ".zip", "expected a non-empty array of axes, got " + describe_json(z));
                    continue;
                }
                for (size_t k = 0; k < z.size(); ++k) {
                    if (auto axis = read_axis(z[k], fmt::format("{}.zip[{}]", where, k))) g.axes.push_back(*axis);
                }
                if (g.axes.size() != z.size()) continue;
                const auto uneven = std::find_if(g.axes.begin(), g.axes.end(),
                                                 [&](const Axis& ax) { return ax.values.size() != g.size(); });
                if (uneven != g.axes.end()) {
                    add(where + ".zip", fmt::format("zipped axes need the same number of values; {} has {}, {} has {}",
                                                    g.axes.front().key, g.size(), uneven->key, uneven->values.size()));
                    continue;
                }
                // Values may repeat within a zipped axis, but two positions with the same values in every
                // axis would be the same point twice.
                bool same = false;
                for (size_t i = 1; i < g.size() && !same; ++i) {
                    for (size_t k = 0; k < i && !same; ++k) {
                        same = std::all_of(g.axes.begin(), g.axes.end(),
                                           [&](const Axis& ax) { return ax.values[i] == ax.values[k]; });
                        if (same) {
                            add(where + ".zip", fmt::format("position {} repeats position {} in every zipped axis "
                                                            "(the same point twice)", i, k));
                        }
                    }
                }
                if (same) continue;
            } else if (auto axis = read_axis(a, where)) {
                g.axes.push_back(*axis);
            }
            if (!g.axes.empty()) m_spec.groups.push_back(std::move(g));
        }
        check_axis_names();
    }

    void read_metrics(const json& j) {
        const auto it = j.find("metrics");
        if (it == j.end()) {
            m_spec.metrics = metric_names();
            return;
        }
        if (!it->is_array() || it->empty()) {
            add("metrics", "expected a non-empty array of metric names, got " + describe_json(*it));
            return;
        }
        const Keys& valid = metric_names();
        for (size_t i = 0; i < it->size(); ++i) {
            const std::string where = fmt::format("metrics[{}]", i);
            const json& m = (*it)[i];
            if (!m.is_string()) {
                add(where, "expected a metric name, got " + describe_json(m));
                continue;
            }
            const std::string name = m.get<std::string>();
            if (std::find(valid.begin(), valid.end(), name) == valid.end()) {
                const std::string best = closest(name, valid);
                add(where, best.empty() ? fmt::format("unknown metric \"{}\" (valid: {})", name, fmt::join(valid, ", "))
                                        : fmt::format("unknown metric \"{}\" (did you mean \"{}\"?)", name, best));
            } else if (std::find(m_spec.metrics.begin(), m_spec.metrics.end(), name) != m_spec.metrics.end()) {
                add(where, fmt::format("metric \"{}\" is listed twice", name));
            } else {
                m_spec.metrics.push_back(name);
            }
        }
    }

    void read_constraints(const json& j) {
        const auto it = j.find("constraints");
        if (it == j.end()) return;
        if (!it->is_array()) {
            add("constraints", "expected an array of expressions such as \"rows * cols <= 16384\", got " + describe_json(*it));
            return;
        }
        const Keys keys = config_keys();
        for (size_t i = 0; i < it->size(); ++i) {
            const std::string where = fmt::format("constraints[{}]", i);
            const json& c = (*it)[i];
            if (!c.is_string()) {
                add(where, "expected an expression (string), got " + describe_json(c));
                continue;
            }
            try {
                const Expr e = Expr::parse(c.get<std::string>());
                for (const auto& name : e.names()) {
                    const bool axis = std::any_of(m_names.begin(), m_names.end(), [&](auto& n) { return n == name; });
                    if (axis || std::find(keys.begin(), keys.end(), name) != keys.end()) continue;
                    Keys known = m_names;
                    known.insert(known.end(), keys.begin(), keys.end());
                    const std::string best = closest(name, known);
                    add(where, fmt::format("unknown name \"{}\" ({}names are the axis names{} and dotted config keys)",
                                           name, best.empty() ? "" : fmt::format("did you mean \"{}\"? ", best),
                                           m_names.empty() ? "" : fmt::format(" ({})", fmt::join(m_names, ", "))));
                }
                m_spec.constraints.push_back(c.get<std::string>());
            } catch (const ExprError& e) {
                add(where, fmt::format("{} in \"{}\"", e.what(), c.get<std::string>()));
            }
        }
    }

private:
    std::string resolve(const std::string& p) const {
        if (p.empty() || fs::path(p).is_absolute()) return p;
        const fs::path dir = fs::path(m_spec.path).parent_path();
        return dir.empty() ? p : (dir / p).lexically_normal().string();
    }

    std::optional<Axis> read_axis(const json& a, const std::string& where) {
        if (!a.is_object()) {
            add(where, "expected an object with \"key\" and \"values\" or \"range\", got " + describe_json(a));
            return std::nullopt;
        }
        check_keys(a, where, where.find(".zip[") != std::string::npos
                                 ? Keys{"key", "name", "values", "range", "_comment"} : kAxisKeys);
        Axis ax;
        ax.where = where;
        bool ok = true;
        const json* key = string_at(a, "key", where + ".key");
        if (key == nullptr) {
            if (!a.contains("key")) add(where, "missing \"key\": the dotted config key to vary, e.g. \"array.rows\"");
            ok = false;
        } else {
            ax.key = key->get<std::string>();
            ok = check_axis_key(ax.key, where) && ok;
        }
        if (const json* name = string_at(a, "name", where + ".name")) {
            ax.name = name->get<std::string>();
            if (!is_identifier(ax.name)) {
                add(where + ".name", fmt::format("\"{}\" is not a valid name (letters, digits and _; not starting with a digit)", ax.name));
                ok = false;
            }
        } else if (a.contains("name")) {
            ok = false;
        } else if (!ax.key.empty()) {
            ax.name = ax.key.substr(ax.key.rfind('.') + 1);
        }
        const bool has_values = a.contains("values");
        const bool has_range = a.contains("range");
        if (has_values == has_range) {
            add(where, has_values ? "give either \"values\" or \"range\", not both"
                                  : "missing \"values\" (a list) or \"range\" ({\"start\", \"stop\", \"step\" or \"factor\"})");
            return std::nullopt;
        }
        ax.from_range = has_range;
        // In a zip a value may repeat (capacities zipped with sizes): the zipped tuples must differ instead.
        const bool in_zip = where.find(".zip[") != std::string::npos;
        ok = (has_values ? read_values(a.at("values"), where + ".values", ax.values, in_zip)
                         : read_range(a.at("range"), where + ".range", ax.values)) && ok;
        if (!ok) return std::nullopt;
        return ax;
    }

    // `axis` is the axis's place ("axes[1]"); problems are reported at its "key".
    bool check_axis_key(const std::string& key, const std::string& axis) {
        const std::string where = axis + ".key";
        const Keys keys = config_keys();
        if (std::find(keys.begin(), keys.end(), key) != keys.end()) {
            for (const auto& [other, other_where] : m_keys) {
                if (other == key) {
                    add(where, fmt::format("\"{}\" is already swept by {} (each key may be one axis only)", key, other_where));
                    return false;
                }
            }
            m_keys.emplace_back(key, axis);
            return true;
        }
        std::string problem;
        Keys inside;
        for (const auto& k : keys) {
            if (k.rfind(key + ".", 0) == 0) inside.push_back(k);
        }
        if (!inside.empty()) {
            problem = fmt::format("\"{}\" is a section; name one of its keys: {}", key, fmt::join(inside, ", "));
        } else if (key == "name" || key == "description" || key == "_comment") {
            problem = fmt::format("\"{}\" is not a hardware parameter and cannot be swept", key);
        } else {
            const std::string best = closest(key, keys);
            problem = best.empty() ? fmt::format("unknown config key \"{}\" (valid: {})", key, fmt::join(keys, ", "))
                                   : fmt::format("unknown config key \"{}\" (did you mean \"{}\"?)", key, best);
        }
        add(where, problem);
        return false;
    }

    bool read_values(const json& v, const std::string& where, std::vector<json>& out, bool repeats_allowed = false) {
        if (!v.is_array() || v.empty()) {
            add(where, "expected a non-empty array of values, got " + describe_json(v));
            return false;
        }
        if (v.size() > kMaxAxisValues) {
            return fail(where, fmt::format("{} values is more than the limit of {}", v.size(), kMaxAxisValues));
        }
        bool ok = true;
        for (size_t i = 0; i < v.size(); ++i) {
            if (!v[i].is_number() && !v[i].is_string()) {
                add(fmt::format("{}[{}]", where, i), "expected a number or a string, got " + describe_json(v[i]));
                ok = false;
                continue;
            }
            for (size_t k = 0; k < i && !repeats_allowed; ++k) {
                if (v[k] == v[i]) {
                    add(fmt::format("{}[{}]", where, i), fmt::format("repeats {} (values[{}])", v[i].dump(), k));
                    ok = false;
                }
            }
            out.push_back(v[i]);
        }
        return ok;
    }

    bool read_range(const json& r, const std::string& where, std::vector<json>& out) {
        if (!r.is_object()) {
            add(where, "expected {\"start\", \"stop\" and \"step\" or \"factor\"}, got " + describe_json(r));
            return false;
        }
        const size_t before = m_lines.size();
        check_keys(r, where, kRangeKeys);
        double v[4] = {0, 0, 0, 0};
        bool all_int = true;
        for (size_t i = 0; i < 4; ++i) {
            const auto it = r.find(kRangeKeys[i]);
            if (it == r.end()) continue;
            if (!it->is_number()) {
                add(where + "." + kRangeKeys[i], "expected a number, got " + describe_json(*it));
                continue;
            }
            v[i] = it->get<double>();
            all_int = all_int && (it->is_number_integer() || std::floor(v[i]) == v[i]);
        }
        if (!r.contains("start") || !r.contains("stop")) add(where, "needs \"start\" and \"stop\"");
        if (r.contains("step") == r.contains("factor")) {
            add(where, "needs exactly one of \"step\" (start, start+step, ...) or \"factor\" (start, start*factor, ...)");
        }
        if (m_lines.size() != before) return false;
        const double start = v[0], stop = v[1], step = v[2], factor = v[3];
        const bool geometric = r.contains("factor");
        if (stop < start) return fail(where, fmt::format("stop ({}) is below start ({})", stop, start));
        if (!geometric && step <= 0) return fail(where + ".step", fmt::format("must be > 0, got {}", step));
        if (geometric && (factor <= 1 || start <= 0)) {
            return fail(where, fmt::format("a geometric range needs start > 0 and factor > 1, got start {} and factor {}",
                                           start, factor));
        }
        const double tolerance = 1e-9 * std::max(1.0, std::fabs(stop));
        for (size_t i = 0;; ++i) {
            const double x = geometric ? start * std::pow(factor, static_cast<double>(i)) : start + step * static_cast<double>(i);
            if (x > stop + tolerance) break;
            if (out.size() == kMaxAxisValues) return fail(where, fmt::format("gives more than {} values", kMaxAxisValues));
            if (all_int) {
                out.emplace_back(static_cast<int64_t>(std::llround(x)));
            } else {
                out.emplace_back(x);
            }
        }
        return true;
    }

    void check_axis_names() {
        for (const AxisGroup& g : m_spec.groups) {
            for (const Axis& ax : g.axes) {
                const std::string where = ax.where + ".name";
                if (reserved_column(ax.name)) {
                    add(where, fmt::format("\"{}\" is a column of results.csv already; set \"name\" to another name", ax.name));
                }
                for (const auto& c : context_columns()) {
                    if (ax.name == c.name && ax.key != c.key) {
                        add(where, fmt::format("\"{}\" is the results.csv column of {}; set \"name\" to another name",
                                               ax.name, *c.key != '\0' ? c.key : "a derived value"));
                    }
                }
                if (std::find(m_names.begin(), m_names.end(), ax.name) != m_names.end()) {
                    add(where, fmt::format("two axes are named \"{}\"; set \"name\" on one of them", ax.name));
                }
                m_names.push_back(ax.name);
            }
        }
    }

    Spec& m_spec;
    std::vector<std::string>& m_lines;
    std::vector<std::pair<std::string, std::string>> m_keys;  // swept keys and where
    Keys m_names;                                             // axis names so far
    std::vector<size_t> m_workload_index;
};

}  // namespace

Sweep sweep_from_json(const json& j, const std::string& path) {
    Sweep sweep;
    Spec& spec = sweep.spec;
    spec.path = path.empty() ? "<sweep>" : path;
    if (!j.is_object()) {
        throw InputError(fmt::format("{}: expected a JSON object at the top level, got {}", spec.path, describe_json(j)));
    }
    spec.raw = j;
    spec.hash = fnv1a_hex(j.dump());
    spec.name = fs::path(spec.path).stem().string();
    std::vector<std::string> lines;
    Reader r(spec, lines);
    r.read_top(j);
    r.read_base(j);
    r.read_workloads(j);
    r.read_axes(j);
    r.read_constraints(j);
    r.read_metrics(j);
    if (lines.empty()) expand_points(sweep, lines);
    if (!lines.empty()) throw InputError(lines);
    return sweep;
}

Sweep load_sweep(const std::string& path) { return sweep_from_json(read_json_file(path, "sweep spec"), path); }

}  // namespace sasim::sweep
