// SPDX-License-Identifier: MIT
#include "config/technology.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "common/json_syntax.h"

namespace sasim {
namespace generated {
// configs/tech/*.json as (name, text), written by CMake (cmake/embed_tech_tables.cmake).
extern const std::vector<std::pair<std::string, std::string>> kTechTableTexts;
}  // namespace generated

namespace {

using nlohmann::json;

class TableReader {
public:
    explicit TableReader(std::string origin) : m_origin(std::move(origin)) {}

    void add(const std::string& key, const std::string& problem) {
        m_lines.push_back(fmt::format("{}: {}: {}", m_origin, key, problem));
    }

    // An entry {"value": number, "source": "non-empty text", ...}; its value must be finite and > 0
    // (>= 0 when zero_ok). Returns the object, or nullptr after reporting.
    const json* entry(const json& parent, const std::string& key, const std::string& where, double& out,
                      bool zero_ok = false) {
        const auto it = parent.find(key);
        if (it == parent.end()) {
            add(where, "missing (every event the energy counts and every area needs a value and its source)");
            return nullptr;
        }
        if (!it->is_object()) {
            add(where, "expected an object {\"value\": ..., \"source\": ...}, got " + describe_json(*it));
            return nullptr;
        }
        const auto v = it->find("value");
        const auto s = it->find("source");
        bool ok = true;
        if (v == it->end() || !v->is_number()) {
            add(where + ".value", v == it->end() ? std::string("missing") : "expected a number, got " + describe_json(*v));
            ok = false;
        } else {
            const double d = v->get<double>();
            if (!std::isfinite(d) || d < 0 || (!zero_ok && d == 0)) {
                add(where + ".value", fmt::format("must be a number {} 0, got {}", zero_ok ? ">=" : ">", v->dump()));
                ok = false;
            } else {
                out = d;
            }
        }
        if (s == it->end() || !s->is_string() || s->get<std::string>().empty()) {
            add(where + ".source", "every value needs its source (non-empty text)");
            ok = false;
        }
        return ok ? &*it : nullptr;
    }

    // A positive number stored beside "value" (e.g. "bits", "bank_kib").
    void attribute(const json* e, const std::string& key, const std::string& where, double& out) {
        if (e == nullptr) return;
        const auto it = e->find(key);
        if (it == e->end() || !it->is_number() || !std::isfinite(it->get<double>()) || it->get<double>() <= 0) {
            add(where + "." + key, it == e->end() ? std::string("missing") : "must be a number > 0, got " + it->dump());
            return;
        }
        out = it->get<double>();
    }

    const std::vector<std::string>& lines() const { return m_lines; }

private:
    std::string m_origin;
    std::vector<std::string> m_lines;
};

const std::vector<std::string> kKeys = {"sasim_technology",     "name",
                                        "description",          "mac_multiply_pj",
                                        "multiply_width_exponent", "accumulate_add_pj",
                                        "add_width_exponent",   "register_bit_pj",
                                        "sram_access_64bit_pj", "sram_size_exponent",
                                        "sram_write_to_read",   "dram_pj_per_byte",
                                        "nand2_um2",            "sram_um2_per_bit",
                                        "delay_scale_from_180nm"};

}  // namespace

TechTable parse_tech_table(const std::string& text, const std::string& origin) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        throw InputError(fmt::format("{}: invalid JSON: {}", origin, e.what()));
    }
    if (!j.is_object()) throw InputError(fmt::format("{}: expected a JSON object, got {}", origin, describe_json(j)));
    TableReader r(origin);
    for (const auto& item : j.items()) {
        if (std::find(kKeys.begin(), kKeys.end(), item.key()) == kKeys.end()) {
            r.add(item.key(), fmt::format("unknown key (valid: {})", fmt::join(kKeys, ", ")));
        }
    }
    if (!j.contains("sasim_technology") || j["sasim_technology"] != 1) {
        r.add("sasim_technology", "must be 1 (the format version of a technology table)");
    }
    TechTable t;
    if (!j.contains("name") || !j["name"].is_string() || j["name"].get<std::string>().empty()) {
        r.add("name", "expected a non-empty string");
    } else {
        t.name = j["name"].get<std::string>();
    }
    const json* m = r.entry(j, "mac_multiply_pj", "mac_multiply_pj", t.multiply_pj);
    r.attribute(m, "bits", "mac_multiply_pj", t.multiply_bits);
    r.entry(j, "multiply_width_exponent", "multiply_width_exponent", t.multiply_width_exponent, true);
    const json* a = r.entry(j, "accumulate_add_pj", "accumulate_add_pj", t.add_pj);
    r.attribute(a, "bits", "accumulate_add_pj", t.add_bits);
    r.entry(j, "add_width_exponent", "add_width_exponent", t.add_width_exponent, true);
    r.entry(j, "register_bit_pj", "register_bit_pj", t.register_bit_pj);
    const json* s = r.entry(j, "sram_access_64bit_pj", "sram_access_64bit_pj", t.sram_64bit_pj);
    r.attribute(s, "bank_kib", "sram_access_64bit_pj", t.sram_bank_kib);
    r.entry(j, "sram_size_exponent", "sram_size_exponent", t.sram_size_exponent, true);
    r.entry(j, "sram_write_to_read", "sram_write_to_read", t.sram_write_to_read);
    r.entry(j, "nand2_um2", "nand2_um2", t.nand2_um2);
    r.entry(j, "sram_um2_per_bit", "sram_um2_per_bit", t.sram_um2_per_bit);
    r.entry(j, "delay_scale_from_180nm", "delay_scale_from_180nm", t.delay_scale_from_180nm);
    const auto d = j.find("dram_pj_per_byte");
    if (d == j.end() || !d->is_object() || d->empty()) {
        r.add("dram_pj_per_byte", "expected an object with one entry per DRAM type (\"lpddr4\": {...}, ...)");
    } else {
        for (const auto& item : d->items()) {
            double v = 0;
            if (r.entry(*d, item.key(), "dram_pj_per_byte." + item.key(), v)) t.dram_pj_per_byte[item.key()] = v;
        }
    }
    if (!r.lines().empty()) throw InputError(r.lines());
    return t;
}

std::vector<std::string> builtin_tech_names() {
    std::vector<std::string> names;
    for (const auto& [name, text] : generated::kTechTableTexts) names.push_back(name);
    std::sort(names.begin(), names.end());
    return names;
}

const TechTable& builtin_tech_table(const std::string& name) {
    static const std::map<std::string, TechTable> tables = [] {
        std::map<std::string, TechTable> m;
        for (const auto& [n, text] : generated::kTechTableTexts) m[n] = parse_tech_table(text, "configs/tech/" + n + ".json");
        return m;
    }();
    const auto it = tables.find(name);
    if (it == tables.end()) {
        throw InputError(fmt::format("unknown technology \"{}\" (shipped tables: {})", name,
                                     fmt::join(builtin_tech_names(), ", ")));
    }
    return it->second;
}

}  // namespace sasim
