// SPDX-License-Identifier: MIT
#include "compiler/mapping_file.h"

#include <fstream>

#include <fmt/format.h>

#include "common/errors.h"
#include "common/file_text.h"
#include "common/json_syntax.h"

namespace sasim {

nlohmann::json mapping_to_json(const std::optional<Mapping>& m) {
    if (!m) return {{"program", "heuristic"}};
    nlohmann::json j = {{"program", "mapped"}, {"order", to_string(m->order)}, {"tile_p", m->tile_p},
                        {"tile_q", m->tile_q},  {"k_groups", m->k_groups},     {"group", m->group},
                        {"im2col", to_string(m->im2col)}};
    if (m->pack != 1) j["pack"] = m->pack;
    if (m->gemms_inner) j["gemms_inner"] = true;
    return j;
}

std::optional<Mapping> mapping_from_json(const nlohmann::json& j, const std::string& origin, const std::string& where,
                                         std::vector<std::string>& problems) {
    const size_t before = problems.size();
    auto bad = [&](const std::string& key, const std::string& what) {
        problems.push_back(fmt::format("{}: {}{}: {}", origin, where, key.empty() ? "" : "." + key, what));
    };
    if (!j.is_object()) {
        bad("", "must be an object, got " + describe_json(j));
        return std::nullopt;
    }
    const auto prog = j.find("program");
    if (prog == j.end() || !prog->is_string() || (*prog != "heuristic" && *prog != "mapped")) {
        bad("program", prog == j.end() ? std::string("missing (heuristic or mapped)")
                                       : "must be \"heuristic\" or \"mapped\", got " + describe_json(*prog));
        return std::nullopt;
    }
    const bool mapped = *prog == "mapped";
    static const char* const kKeys[] = {"program", "order", "tile_p", "tile_q", "k_groups", "group", "im2col", "pack",
                                        "gemms_inner"};
    for (const auto& [key, value] : j.items()) {
        (void)value;
        bool known = false;
        for (const char* k : kKeys) known = known || key == k;
        if (!known) bad(key, "unknown key");
        else if (!mapped && key != "program") bad(key, "only a \"mapped\" program has this key");
    }
    if (!mapped) return std::nullopt;
    Mapping m;
    auto uint_key = [&](const char* key, uint32_t min, uint32_t& out) {
        const auto it = j.find(key);
        if (it == j.end()) return bad(key, "missing");
        if (!it->is_number_integer() || it->get<int64_t>() < min || it->get<int64_t>() > UINT32_MAX) {
            return bad(key, fmt::format("must be an integer >= {} and < 2^32, got {}", min, describe_json(*it)));
        }
        out = static_cast<uint32_t>(it->get<int64_t>());
    };
    auto enum_key = [&](const char* key, const char* a, const char* b, bool& is_b) {
        const auto it = j.find(key);
        if (it == j.end()) return bad(key, "missing");
        if (!it->is_string() || (*it != a && *it != b)) {
            return bad(key, fmt::format("must be \"{}\" or \"{}\", got {}", a, b, describe_json(*it)));
        }
        is_b = *it == b;
    };
    bool qp = false, chip = false;
    enum_key("order", "PQ", "QP", qp);
    enum_key("im2col", "dram", "chip", chip);
    uint_key("tile_p", 1, m.tile_p);
    uint_key("tile_q", 1, m.tile_q);
    uint_key("k_groups", 0, m.k_groups);
    uint_key("group", 1, m.group);
    if (j.contains("pack")) uint_key("pack", 1, m.pack);  // optional: 1 when absent
    if (const auto it = j.find("gemms_inner"); it != j.end()) {  // optional: false when absent
        if (!it->is_boolean()) bad("gemms_inner", "must be true or false, got " + describe_json(*it));
        else m.gemms_inner = it->get<bool>();
    }
    m.order = qp ? LoopOrder::QP : LoopOrder::PQ;
    m.im2col = chip ? Im2col::Chip : Im2col::Dram;
    if (problems.size() != before) return std::nullopt;
    return m;
}

nlohmann::json mapping_file_json(const MappingFile& f) {
    nlohmann::json layers = nlohmann::json::object();
    for (const auto& [name, m] : f.layers) layers[name] = mapping_to_json(m);
    return {{"sasim_mapping", 1}, {"config_hash", f.config_hash}, {"layers", layers}};
}

MappingFile parse_mapping_file(const std::string& text, const std::string& origin) {
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
        throw InputError(fmt::format("{}: file is empty, expected a JSON object", origin));
    }
    JsonSyntaxChecker syntax;
    nlohmann::json::sax_parse(text, &syntax);
    if (syntax.failed()) {
        std::string what = syntax.what();
        if (const size_t at = what.find("parse error at "); at != std::string::npos) what = what.substr(at + 15);
        throw InputError(fmt::format("{}: invalid JSON: {}", origin, what));
    }
    std::vector<std::string> problems;
    for (const std::string& k : syntax.duplicates()) problems.push_back(fmt::format("{}: {}: duplicate key", origin, k));
    const nlohmann::json j = nlohmann::json::parse(text);
    MappingFile f;
    if (!j.is_object()) throw InputError(fmt::format("{}: must be a JSON object, got {}", origin, describe_json(j)));
    for (const auto& [key, value] : j.items()) {
        (void)value;
        if (key != "sasim_mapping" && key != "config_hash" && key != "layers") {
            problems.push_back(fmt::format("{}: {}: unknown key", origin, key));
        }
    }
    const auto ver = j.find("sasim_mapping");
    if (ver == j.end() || *ver != 1) {
        problems.push_back(fmt::format("{}: sasim_mapping: must be 1 (the format version), got {}", origin,
                                       ver == j.end() ? std::string("nothing") : describe_json(*ver)));
    }
    if (const auto h = j.find("config_hash"); h != j.end()) {
        if (!h->is_string()) problems.push_back(fmt::format("{}: config_hash: must be a string, got {}", origin, describe_json(*h)));
        else f.config_hash = h->get<std::string>();
    }
    const auto layers = j.find("layers");
    if (layers == j.end() || !layers->is_object()) {
        problems.push_back(fmt::format("{}: layers: must be an object of layer name -> mapping, got {}", origin,
                                       layers == j.end() ? std::string("nothing") : describe_json(*layers)));
    } else {
        for (const auto& [name, entry] : layers->items()) {
            f.layers[name] = mapping_from_json(entry, origin, "layers." + name, problems);
        }
    }
    if (!problems.empty()) throw InputError(problems);
    return f;
}

MappingFile read_mapping_file(const std::string& path) {
    std::ifstream probe(path, std::ios::binary);
    if (!probe) throw InputError(fmt::format("{}: cannot read the mapping file", path));
    return parse_mapping_file(read_text(path), path);
}

}  // namespace sasim
