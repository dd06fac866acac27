// SPDX-License-Identifier: MIT
// Reading a config: file -> text -> JSON (with syntax positions and duplicate keys) -> Config fields.
// Range and cross-field checks are in config.cpp (config_detail::check_and_derive).
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "common/json_syntax.h"
#include "common/text.h"
#include "config/config.h"

namespace sasim {

namespace {

using nlohmann::json;
using KeyList = std::vector<const char*>;

// The keys valid at each level, in documentation order (problems are listed in this order).
const KeyList kTopKeys = {"name",        "description", "_comment", "array",     "scratchpad",
                          "accumulator", "queues",      "dma",      "dram",      "clock_mhz",
                          "technology"};
const std::vector<std::pair<const char*, KeyList>> kSections = {
    {"array", {"rows", "cols", "dataflow", "operand_bits", "acc_bits"}},
    {"scratchpad", {"capacity_kib", "rows", "banks"}},
    {"accumulator", {"capacity_kib", "rows", "banks"}},
    {"queues", {"load", "execute", "store"}},
    {"dma", {"bus_bytes_per_cycle", "max_request_bytes", "max_outstanding"}},
    {"dram", {"latency_cycles", "bandwidth_gbps", "max_outstanding", "type"}},
};

std::string dotted(const std::string& section, const std::string& key) {
    return section.empty() ? key : section + "." + key;
}

// "unknown key (...)": the closest valid key at this level (edit distance <= 2), else the same key in
// another section, else the list of valid keys.
std::string unknown_key_problem(const std::string& key, const std::string& section, const KeyList& valid) {
    const char* best = nullptr;
    size_t best_distance = 3;
    for (const char* v : valid) {
        const size_t dist = text::edit_distance(key, v);
        if (dist < best_distance) {
            best = v;
            best_distance = dist;
        }
    }
    if (best != nullptr) return fmt::format("unknown key (did you mean \"{}\"?)", best);

    std::vector<std::string> elsewhere;
    if (!section.empty() && std::find(kTopKeys.begin(), kTopKeys.end(), key) != kTopKeys.end()) {
        elsewhere.push_back(key);  // a top-level key written inside a section
    }
    for (const auto& [name, keys] : kSections) {
        if (name != section && std::find(keys.begin(), keys.end(), key) != keys.end()) {
            elsewhere.push_back(dotted(name, key));
        }
    }
    if (!elsewhere.empty()) {
        return fmt::format("unknown key here (did you mean \"{}\"?)", fmt::join(elsewhere, "\" or \""));
    }
    return fmt::format("unknown key (valid: {})", fmt::join(valid, ", "));
}


// Reads typed fields out of JSON objects, collecting one line per problem.
class FieldReader {
public:
    explicit FieldReader(const std::string& origin) : m_origin(origin) {}

    void add(const std::string& key, const std::string& problem) {
        m_lines.push_back(fmt::format("{}: {}: {}", m_origin, key, problem));
        m_bad.insert(key);
    }

    void check_keys(const json& obj, const std::string& section, const KeyList& valid) {
        for (const auto& item : obj.items()) {
            if (std::find(valid.begin(), valid.end(), item.key()) == valid.end()) {
                add(dotted(section, item.key()), unknown_key_problem(item.key(), section, valid));
            }
        }
    }

    // The section object, or nullptr when it is absent (defaults) or not an object (reported).
    const json* section(const json& top, const char* name) {
        const auto it = top.find(name);
        if (it == top.end()) return nullptr;
        if (!it->is_object()) {
            add(name, "expected an object, got " + describe_json(*it));
            return nullptr;
        }
        return &*it;
    }

    template <typename T>
    void read_integer(const json& obj, const std::string& section, const char* key, T& out) {
        const auto it = obj.find(key);
        if (it == obj.end()) return;
        const std::string full = dotted(section, key);
        long double value = 0;
        if (it->is_number_unsigned()) {
            value = static_cast<long double>(it->get<uint64_t>());
        } else if (it->is_number_integer()) {
            value = static_cast<long double>(it->get<int64_t>());
        } else if (it->is_number_float()) {
            value = static_cast<long double>(it->get<double>());
        } else {
            add(full, "expected an integer, got " + describe_json(*it));
            return;
        }
        const std::string problem = config_detail::integer_problem(full, value);
        if (!problem.empty()) {
            add(full, problem);
            return;
        }
        out = static_cast<T>(value);  // in range: integer_problem checked the bounds
    }

    // Any JSON number; its range is checked by check_and_derive.
    void read_real(const json& obj, const std::string& section, const char* key, double& out) {
        const auto it = obj.find(key);
        if (it == obj.end()) return;
        if (!it->is_number()) {
            add(dotted(section, key), "expected a number, got " + describe_json(*it));
            return;
        }
        out = it->get<double>();
    }

    // A free-text string; `out` may be nullptr for keys that are checked but not stored.
    void read_string(const json& obj, const char* key, std::string* out, const std::string& section = "") {
        const auto it = obj.find(key);
        if (it == obj.end()) return;
        if (!it->is_string()) {
            add(dotted(section, key), "expected a string, got " + describe_json(*it));
            return;
        }
        if (out != nullptr) *out = it->get<std::string>();
    }

    void read_dataflow(const json& obj, Dataflow& out) {
        const auto it = obj.find("dataflow");
        if (it == obj.end()) return;
        if (!it->is_string()) {
            add("array.dataflow", "expected a string (os, ws or is), got " + describe_json(*it));
            return;
        }
        const std::string s = it->get<std::string>();
        for (Dataflow df : {Dataflow::OS, Dataflow::WS, Dataflow::IS}) {
            if (s == to_string(df)) {
                out = df;
                return;
            }
        }
        add("array.dataflow", fmt::format("unknown dataflow {} (valid: os, ws, is)", it->dump()));
    }

    std::vector<std::string>& lines() { return m_lines; }
    const std::set<std::string>& bad() const { return m_bad; }

private:
    const std::string& m_origin;       // first field of every line
    std::vector<std::string> m_lines;  // one line per problem, in the order found
    std::set<std::string> m_bad;       // keys (or whole sections) with a problem
};

// Reads the whole file; throws InputError for a missing, unreadable or directory path.
std::string read_file(const std::string& path) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (std::filesystem::is_directory(status)) {
        throw InputError(fmt::format("{}: is a directory, expected a JSON config file", path));
    }
    if (!std::filesystem::exists(status)) {
        throw InputError(fmt::format("{}: cannot open config file: no such file", path));
    }
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        const int err = errno;
        throw InputError(fmt::format("{}: cannot open config file: {}", path,
                                     err != 0 ? std::strerror(err) : "unknown error"));
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw InputError(fmt::format("{}: cannot read config file", path));
    return text.str();
}

// "<line>:<col>" of byte index `idx` (0-based); both 1-based, the column counted in UTF-8 characters.
std::string line_col(const std::string& text, size_t idx) {
    idx = std::min(idx, text.size());
    size_t line = 1;
    size_t col = 1;
    for (size_t i = 0; i < idx; ++i) {
        if (text[i] == '\n') {
            ++line;
            col = 1;
        } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            ++col;  // not a UTF-8 continuation byte
        }
    }
    return fmt::format("{}:{}", line, col);
}

// The one-line message for a JSON syntax error found by `sax`.
std::string syntax_problem(const std::string& path, const std::string& text, const JsonSyntaxChecker& sax) {
    const size_t last = sax.position() > 0 ? sax.position() - 1 : 0;  // index of the last byte read
    if (sax.id() == 406) {
        const size_t len = sax.token().size();
        const size_t start = last + 1 >= len ? last + 1 - len : 0;
        return fmt::format(
            "{}:{}: invalid JSON: number {} is out of range (JSON numbers must be finite "
            "and fit in a double, at most about 1.8e308)",
            path, line_col(text, start), sax.token());
    }
    std::string detail = sax.what();
    const size_t column = detail.find(", column ");
    const size_t colon = detail.find(": ", column == std::string::npos ? 0 : column);
    if (colon != std::string::npos) detail = detail.substr(colon + 2);
    // Drop nlohmann's "; last read: '<raw token>'", keeping any "; expected ..." after it.
    const size_t read = detail.find("; last read: '");
    if (read != std::string::npos) {
        const size_t expected = detail.find("'; expected ", read);
        detail.erase(read, expected == std::string::npos ? std::string::npos : expected + 1 - read);
    }

    // The word around the error (e.g. NaN), named in the message and pointed at by the position.
    size_t b = std::min(last, text.size());
    size_t e = b;
    const auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; };
    while (b > 0 && is_word(text[b - 1])) --b;
    while (e < text.size() && is_word(text[e])) ++e;
    if (e == b && b < text.size()) {  // not a word: the single (UTF-8) character
        ++e;
        while (e < text.size() && (static_cast<unsigned char>(text[e]) & 0xC0) == 0x80) ++e;
    }
    const std::string word = text.substr(b, e - b);
    const std::string lower = text::lowercase(word);
    size_t where = last;
    const size_t literal = detail.find("invalid literal");
    if (literal != std::string::npos && !word.empty()) {
        detail.insert(literal + std::strlen("invalid literal"), fmt::format(" \"{}\"", word));
        where = b;
    }
    if (lower == "nan" || lower == "inf" || lower == "infinity") {
        detail += " (NaN and Infinity are not valid JSON; use a finite number)";
    } else if (last >= text.size()) {
        detail += " (the file ends before the JSON is complete)";
    }
    return fmt::format("{}:{}: invalid JSON: {}", path, line_col(text, where), detail);
}

}  // namespace

Config config_from_json(const json& j, const std::string& origin_in) {
    const std::string origin = origin_in.empty() ? "<config>" : origin_in;
    if (!j.is_object()) {
        throw InputError(
            fmt::format("{}: expected a JSON object at the top level, got {}", origin, describe_json(j)));
    }
    FieldReader r(origin);
    Config cfg;
    r.check_keys(j, "", kTopKeys);
    r.read_string(j, "name", &cfg.name);
    r.read_string(j, "description", nullptr);
    r.read_string(j, "_comment", nullptr);
    const auto keys_of = [](const char* name) -> const KeyList& {
        for (const auto& [n, keys] : kSections) {
            if (std::strcmp(n, name) == 0) return keys;
        }
        throw std::logic_error(std::string("config: unknown section ") + name);
    };
    const auto open = [&](const char* name) {
        const json* s = r.section(j, name);
        if (s != nullptr) r.check_keys(*s, name, keys_of(name));
        return s;
    };
    if (const json* a = open("array")) {
        r.read_integer(*a, "array", "rows", cfg.array.rows);
        r.read_integer(*a, "array", "cols", cfg.array.cols);
        r.read_dataflow(*a, cfg.array.dataflow);
        r.read_integer(*a, "array", "operand_bits", cfg.array.operand_bits);
        r.read_integer(*a, "array", "acc_bits", cfg.array.acc_bits);
    }
    const std::pair<const char*, SramConfig*> srams[] = {{"scratchpad", &cfg.scratchpad},
                                                         {"accumulator", &cfg.accumulator}};
    for (const auto& [name, sram] : srams) {
        if (const json* s = open(name)) {
            r.read_integer(*s, name, "capacity_kib", sram->capacity_kib);
            r.read_integer(*s, name, "rows", sram->rows);
            // Given in rows, the default capacity does not apply (both given is refused by validation).
            if (sram->rows != 0 && !s->contains("capacity_kib")) sram->capacity_kib = 0;
            r.read_integer(*s, name, "banks", sram->banks);
        }
    }
    if (const json* q = open("queues")) {
        r.read_integer(*q, "queues", "load", cfg.queues.load);
        r.read_integer(*q, "queues", "execute", cfg.queues.execute);
        r.read_integer(*q, "queues", "store", cfg.queues.store);
    }
    if (const json* d = open("dma")) {
        r.read_integer(*d, "dma", "bus_bytes_per_cycle", cfg.dma.bus_bytes_per_cycle);
        r.read_integer(*d, "dma", "max_request_bytes", cfg.dma.max_request_bytes);
        r.read_integer(*d, "dma", "max_outstanding", cfg.dma.max_outstanding);
    }
    if (const json* d = open("dram")) {
        r.read_integer(*d, "dram", "latency_cycles", cfg.dram.latency_cycles);
        r.read_real(*d, "dram", "bandwidth_gbps", cfg.dram.bandwidth_gbps);
        r.read_integer(*d, "dram", "max_outstanding", cfg.dram.max_outstanding);
        r.read_string(*d, "type", &cfg.dram.type, "dram");
    }
    r.read_real(j, "", "clock_mhz", cfg.clock_mhz);
    r.read_string(j, "technology", &cfg.technology);

    config_detail::check_and_derive(cfg, origin, r.bad(), r.lines());
    if (!r.lines().empty()) throw InputError(std::move(r.lines()));
    return cfg;
}

Config load_config(const std::string& path) {
    std::string text = read_file(path);
    if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);  // UTF-8 byte order mark
    if (std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c) != 0; })) {
        throw InputError(fmt::format("{}: file is empty, expected a JSON object", path));
    }
    JsonSyntaxChecker sax;
    json::sax_parse(text, &sax);
    if (sax.failed()) throw InputError(syntax_problem(path, text, sax));

    std::vector<std::string> lines;
    for (const std::string& key : sax.duplicates()) {
        lines.push_back(fmt::format("{}: {}: duplicate key (each key may appear only once)", path, key));
    }
    Config cfg;
    try {
        cfg = config_from_json(json::parse(text), path);
    } catch (const InputError& e) {
        lines.insert(lines.end(), e.lines().begin(), e.lines().end());
    }
    if (!lines.empty()) throw InputError(std::move(lines));
    cfg.source_path = path;
    return cfg;
}

}  // namespace sasim
