// SPDX-License-Identifier: MIT
// Expanding a sweep spec into points: product of the axis groups (zip inside a group), constraints,
// config validation through config_from_json, deterministic ids.
#include "sweep/expand.h"

#include <algorithm>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "common/errors.h"
#include "config/config.h"
#include "sweep/expr.h"

namespace sasim::sweep {

std::vector<const Axis*> Spec::axes() const {
    std::vector<const Axis*> out;
    for (const auto& g : groups) {
        for (const auto& a : g.axes) out.push_back(&a);
    }
    return out;
}

using nlohmann::json;

namespace {

constexpr size_t kMaxPoints = 100000;
constexpr size_t kMaxInvalidReported = 5;

void collect_keys(const json& j, const std::string& prefix, std::vector<std::string>& out) {
    for (const auto& item : j.items()) {
        const std::string key = prefix.empty() ? item.key() : prefix + "." + item.key();
        if (item.value().is_object()) {
            collect_keys(item.value(), key, out);
        } else if (key != "name") {
            out.push_back(key);
        }
    }
}

std::optional<Value> to_value(const json& v) {
    if (v.is_number()) return Value{v.get<double>()};
    if (v.is_string()) return Value{v.get<std::string>()};
    if (v.is_boolean()) return Value{v.get<bool>()};
    return std::nullopt;
}

}  // namespace

const std::vector<std::string>& config_keys() {
    static const std::vector<std::string> keys = [] {
        std::vector<std::string> out;
        collect_keys(config_to_json(Config{}), "", out);
        return out;
    }();
    return keys;
}

const json* get_key(const json& config, const std::string& dotted) {
    const json* node = &config;
    size_t start = 0;
    for (;;) {
        const size_t dot = dotted.find('.', start);
        const std::string part = dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (!node->is_object()) return nullptr;
        const auto it = node->find(part);
        if (it == node->end()) return nullptr;
        node = &*it;
        if (dot == std::string::npos) return node;
        start = dot + 1;
    }
}

void set_key(json& config, const std::string& dotted, const json& value) {
    json* node = &config;
    size_t start = 0;
    for (;;) {
        const size_t dot = dotted.find('.', start);
        if (dot == std::string::npos) {
            (*node)[dotted.substr(start)] = value;
            return;
        }
        node = &(*node)[dotted.substr(start, dot - start)];
        start = dot + 1;
    }
}

std::string point_label(const Spec& spec, const std::vector<json>& values) {
    std::string out;
    const auto axes = spec.axes();
    for (size_t i = 0; i < axes.size() && i < values.size(); ++i) {
        if (!out.empty()) out += ' ';
        out += axes[i]->name + "=" + value_text(values[i]);
    }
    return out.empty() ? "(base config)" : out;
}

void expand_points(Sweep& sweep, std::vector<std::string>& lines) {
    const Spec& spec = sweep.spec;
    const auto axes = spec.axes();

    // 1. Each value on its own: type and range problems of the swept key itself, named by the value.
    for (const Axis* ax : axes) {
        for (size_t k = 0; k < ax->values.size(); ++k) {
            json cfg = spec.base;
            set_key(cfg, ax->key, ax->values[k]);
            const std::string origin =
                fmt::format("{}: {}", spec.path, ax->from_range ? ax->where + ".range" : fmt::format("{}.values[{}]", ax->where, k));
            try {
                config_from_json(cfg, origin);
            } catch (const InputError& e) {
                for (const auto& line : e.lines()) {
                    if (line.rfind(origin + ": " + ax->key + ": ", 0) == 0) lines.push_back(line);
                }
            }
        }
    }
    if (!lines.empty()) return;

    // 2. How many combinations.
    size_t combos = 1;
    for (const auto& g : spec.groups) {
        if (combos > kMaxPoints / std::max<size_t>(g.size(), 1)) {
            lines.push_back(fmt::format("{}: axes: more than {} combinations; split the sweep", spec.path, kMaxPoints));
            return;
        }
        combos *= g.size();
    }
    if (combos * spec.workloads.size() > kMaxPoints) {
        lines.push_back(fmt::format("{}: axes: {} combinations x {} workloads is more than {} points; split the sweep",
                                    spec.path, combos, spec.workloads.size(), kMaxPoints));
        return;
    }

    // 3. Every combination: constraints, then full validation.
    std::vector<Expr> exprs;
    for (const auto& c : spec.constraints) exprs.push_back(Expr::parse(c));
    std::vector<bool> expr_failed(exprs.size(), false);
    struct Combo {
        json config;
        std::vector<json> values;
    };
    std::vector<Combo> kept;
    std::vector<size_t> digit(spec.groups.size(), 0);
    size_t invalid_more = 0;
    size_t invalid_reported = 0;
    for (size_t c = 0; c < combos; ++c) {
        json cfg = spec.base;
        std::vector<json> raw;
        for (size_t g = 0; g < spec.groups.size(); ++g) {
            for (const Axis& ax : spec.groups[g].axes) {
                set_key(cfg, ax.key, ax.values[digit[g]]);
                raw.push_back(ax.values[digit[g]]);
            }
        }
        for (size_t g = spec.groups.size(); g-- > 0;) {  // odometer: the last group varies fastest
            if (++digit[g] < spec.groups[g].size()) break;
            digit[g] = 0;
        }
        const std::string label = point_label(spec, raw);
        const auto lookup = [&](const std::string& name) -> std::optional<Value> {
            for (size_t i = 0; i < axes.size(); ++i) {
                if (axes[i]->name == name) return to_value(raw[i]);
            }
            const json* v = get_key(cfg, name);
            return v == nullptr ? std::nullopt : to_value(*v);
        };
        bool keep = true;
        for (size_t i = 0; i < exprs.size() && keep; ++i) {
            if (expr_failed[i]) continue;
            try {
                keep = exprs[i].evaluate(lookup);
            } catch (const ExprError& e) {
                lines.push_back(fmt::format("{}: constraints[{}]: {} in \"{}\" (at point {})", spec.path, i, e.what(),
                                            exprs[i].text(), label));
                expr_failed[i] = true;
            }
        }
        if (!keep) {
            sweep.pruned++;
            continue;
        }
        try {
            const Config checked = config_from_json(cfg, fmt::format("{}: axes: point {}", spec.path, label));
            Combo k;
            k.config = config_to_json(checked);
            k.config["name"] = fmt::format("{} {}", spec.name, label);
            for (const Axis* ax : axes) k.values.push_back(*get_key(k.config, ax->key));
            kept.push_back(std::move(k));
        } catch (const InputError& e) {
            if (spec.skip_invalid) {
                sweep.invalid++;
            } else if (invalid_reported < kMaxInvalidReported) {
                invalid_reported++;
                lines.insert(lines.end(), e.lines().begin(), e.lines().end());
            } else {
                invalid_more++;
            }
        }
    }
    if (invalid_more > 0) {
        lines.push_back(fmt::format("{}: axes: {} more points have invalid configs (add a constraint that leaves "
                                    "them out, or set \"skip_invalid\": true)", spec.path, invalid_more));
    }
    if (!lines.empty()) return;
    if (kept.empty()) {
        lines.push_back(fmt::format("{}: constraints: every point is left out ({} by constraints, {} invalid)",
                                    spec.path, sweep.pruned, sweep.invalid));
        return;
    }

    // 4. Points, workload-major; ids from the resolved config (without its name), workload and run options.
    std::map<std::string, size_t> seen;
    for (size_t w = 0; w < spec.workloads.size(); ++w) {
        for (const Combo& k : kept) {
            Point p;
            p.index = sweep.points.size();
            p.workload = w;
            p.values = k.values;
            p.config = k.config;
            json identity = k.config;
            identity.erase("name");
            json key = {{"config", identity},
                              {"workload", spec.workloads[w].as_written},
                              {"workload_fnv", spec.workloads[w].file_hash},
                              {"check", spec.check},
                              {"mapper", spec.mapper},
                              {"seed", spec.seed}};
            if (spec.area) key["area"] = true;  // points without area keep their ids
            p.id = fnv1a_hex(key.dump());
            const auto [it, fresh] = seen.emplace(p.id, p.index);
            if (!fresh) {
                lines.push_back(fmt::format("{}: axes: points {} and {} are the same config ({}); remove the repeated value",
                                            spec.path, it->second, p.index, point_label(spec, p.values)));
                return;
            }
            sweep.points.push_back(std::move(p));
        }
    }
}

}  // namespace sasim::sweep
