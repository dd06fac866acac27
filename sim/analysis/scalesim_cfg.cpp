// SPDX-License-Identifier: MIT
// SCALE-Sim .cfg reader. The INI rules follow Python's configparser with SCALE-Sim's defaults: sections are
// case-sensitive, keys are not; "key: value" or "key = value" (first ':' or '='); full-line comments start
// with '#' or ';' (no inline comments); an indented line continues the previous value; a duplicate section
// or key is an error; [DEFAULT] supplies keys missing from a section.
#include "analysis/scalesim_cfg.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "common/errors.h"

namespace fs = std::filesystem;

namespace sasim::analysis {

namespace {

constexpr uint64_t kMaxArrayDim = 65536;        // PEs per side (keeps SCALE-Sim's integer ratios exact in doubles)
constexpr uint64_t kMaxSramKb = 16777216;       // 16 GiB, as sasim's own configs
constexpr uint64_t kMaxBandwidth = 1000000000;  // words per cycle
constexpr const char* kArch = "architecture_presets";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::string strip(const std::string& s) {
    size_t b = 0, e = s.size();
    while (b < e && is_space(s[b])) ++b;
    while (e > b && is_space(s[e - 1])) --e;
    return s.substr(b, e - b);
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

struct IniValue {
    std::string text;  // continuation lines joined with '\n', trailing blank lines dropped
    size_t line = 0;   // line of the key
};

struct IniSection {
    size_t line = 0;                        // line of the [header]
    std::map<std::string, IniValue> keys;   // lower-case key -> value
};

struct Ini {
    std::map<std::string, IniSection> sections;  // case-sensitive names, [DEFAULT] included
};

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::string cur;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n' || c == '\r') {
            lines.push_back(cur);
            cur.clear();
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
        } else {
            cur += c;
        }
    }
    if (!cur.empty()) lines.push_back(cur);
    return lines;
}

Ini parse_ini(const std::string& origin, std::string text, std::vector<std::string>& problems) {
    if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
    Ini ini;
    IniSection* cur = nullptr;
    std::string cur_name;
    IniValue* opt = nullptr;  // value a continuation line would extend
    size_t indent_level = 0;
    const std::vector<std::string> lines = split_lines(text);
    for (size_t i = 0; i < lines.size(); ++i) {
        const size_t lineno = i + 1;
        const std::string& raw = lines[i];
        const std::string value = strip(raw);
        if (value.empty() || value[0] == '#' || value[0] == ';') {
            if (value.empty() && opt != nullptr) opt->text += '\n';
            continue;
        }
        const size_t indent = raw.find_first_not_of(" \t\v\f");
        if (opt != nullptr && indent > indent_level) {
            opt->text += '\n' + value;
            continue;
        }
        indent_level = indent;
        opt = nullptr;
        const size_t close = value.rfind(']');
        if (value.front() == '[' && close != std::string::npos && close > 1) {
            cur_name = value.substr(1, close - 1);  // configparser: "[name]", anything after the last ']' ignored
            auto [it, added] = ini.sections.try_emplace(cur_name);
            if (!added) {
                problems.push_back(fmt::format("{}:{}: [{}]: duplicate section (first at line {}); SCALE-Sim's "
                                               "configparser refuses the file",
                                               origin, lineno, cur_name, it->second.line));
            } else {
                it->second.line = lineno;
            }
            cur = &it->second;
            continue;
        }
        if (cur == nullptr) {
            problems.push_back(fmt::format("{}:{}: {}: line before any [section] header", origin, lineno, value));
            continue;
        }
        const size_t delim = value.find_first_of(":=");
        const std::string key = delim == std::string::npos ? "" : strip(value.substr(0, delim));
        if (key.empty()) {
            problems.push_back(fmt::format("{}:{}: {}: expected 'key: value' or 'key = value'", origin, lineno, value));
            continue;
        }
        auto [it, added] = cur->keys.try_emplace(lower(key), IniValue{strip(value.substr(delim + 1)), lineno});
        if (!added) {
            problems.push_back(fmt::format("{}:{}: {}: duplicate key in [{}] (first at line {}); SCALE-Sim's "
                                           "configparser refuses the file",
                                           origin, lineno, key, cur_name, it->second.line));
        }
        opt = &it->second;
    }
    for (auto& [name, sec] : ini.sections) {
        for (auto& [k, v] : sec.keys) v.text = strip(v.text);
    }
    return ini;
}

// Python's int(): optional sign, digits, single underscores between digits.
std::optional<long double> python_int(const std::string& s) {
    std::string t = strip(s);
    bool neg = false;
    if (!t.empty() && (t[0] == '+' || t[0] == '-')) {
        neg = t[0] == '-';
        t.erase(0, 1);
    }
    if (t.empty() || !std::isdigit(static_cast<unsigned char>(t.front())) ||
        !std::isdigit(static_cast<unsigned char>(t.back()))) {
        return std::nullopt;
    }
    long double v = 0;
    for (size_t i = 0; i < t.size(); ++i) {
        if (t[i] == '_' && std::isdigit(static_cast<unsigned char>(t[i - 1]))) continue;
        if (!std::isdigit(static_cast<unsigned char>(t[i]))) return std::nullopt;
        v = v * 10 + (t[i] - '0');
    }
    return neg ? -v : v;
}

// Reads the keys of a SCALE-Sim config out of the parsed INI.
class Reader {
public:
    Reader(const std::string& origin, const Ini& ini, std::vector<std::string>& problems)
        : m_origin(origin), m_ini(ini), m_problems(problems) {}

    // The value of `key` in `section` (or [DEFAULT]); nullptr and a problem when `required` and absent.
    const IniValue* find(const char* section, const char* key, bool required, const char* why = nullptr) {
        const auto sec = m_ini.sections.find(section);
        if (sec == m_ini.sections.end()) {
            if (required && m_missing_reported.insert(section).second) {
                m_problems.push_back(fmt::format("{}:1: [{}]: missing section (SCALE-Sim needs it for {})", m_origin,
                                                 section, why ? why : key));
            }
            return nullptr;
        }
        const std::string k = lower(key);
        auto it = sec->second.keys.find(k);
        if (it != sec->second.keys.end()) return &it->second;
        const auto def = m_ini.sections.find("DEFAULT");
        if (def != m_ini.sections.end()) {
            it = def->second.keys.find(k);
            if (it != def->second.keys.end()) return &it->second;
        }
        if (required) {
            m_problems.push_back(fmt::format("{}:{}: {}: missing from [{}] ({})", m_origin, sec->second.line, key,
                                             section, why ? why : "SCALE-Sim requires it"));
        }
        return nullptr;
    }

    // An integer key in [lo, hi]; 0 (and a problem) when it is absent or invalid.
    uint64_t integer(const char* section, const char* key, uint64_t lo, uint64_t hi, bool required = true) {
        const IniValue* v = find(section, key, required);
        if (v == nullptr) return 0;
        return check_int(*v, key, v->text, lo, hi);
    }

    uint64_t check_int(const IniValue& v, const char* key, const std::string& text, uint64_t lo, uint64_t hi) {
        const auto n = python_int(text);
        if (!n) {
            m_problems.push_back(
                fmt::format("{}:{}: {}: expected an integer, got '{}'", m_origin, v.line, key, strip(text)));
        } else if (*n < lo || *n > hi) {
            m_problems.push_back(fmt::format("{}:{}: {}: must be an integer from {} to {}, got {}", m_origin, v.line,
                                             key, lo, hi, strip(text)));
        } else {
            return static_cast<uint64_t>(*n);
        }
        return 0;
    }

    void problem(const IniValue& v, const char* key, const std::string& what) {
        m_problems.push_back(fmt::format("{}:{}: {}: {}", m_origin, v.line, key, what));
    }

private:
    std::string m_origin;
    const Ini& m_ini;
    std::vector<std::string>& m_problems;
    std::set<std::string> m_missing_reported;  // sections already reported missing
};

// The largest capacity <= kib (KiB) that splits into whole rows of `row_bytes` and `banks` equal banks.
uint64_t round_to_rows(uint64_t kib, uint64_t row_bytes, uint32_t banks) {
    for (uint64_t k = kib; k >= 1; --k) {
        if ((k * 1024) % (row_bytes * banks) == 0) return k;
    }
    return 0;
}

}  // namespace

bool is_scalesim_cfg_path(const std::string& path) {
    return lower(fs::path(path).extension().string()) == ".cfg";
}

ScalesimCfg parse_scalesim_cfg(const std::string& origin, const std::string& text) {
    std::vector<std::string> problems;
    const Ini ini = parse_ini(origin, text, problems);
    Reader rd(origin, ini, problems);
    ScalesimCfg s;
    s.path = origin;
    if (const IniValue* v = rd.find("general", "run_name", false)) s.run_name = v->text;
    s.array_height = static_cast<uint32_t>(rd.integer(kArch, "ArrayHeight", 1, kMaxArrayDim));
    s.array_width = static_cast<uint32_t>(rd.integer(kArch, "ArrayWidth", 1, kMaxArrayDim));
    s.ifmap_sram_kb = rd.integer(kArch, "IfmapSramSzkB", 1, kMaxSramKb);
    s.filter_sram_kb = rd.integer(kArch, "FilterSramSzkB", 1, kMaxSramKb);
    s.ofmap_sram_kb = rd.integer(kArch, "OfmapSramSzkB", 1, kMaxSramKb);
    if (const IniValue* v = rd.find(kArch, "Dataflow", true)) {
        if (v->text == "os") {
            s.dataflow = Dataflow::OS;
        } else if (v->text == "ws") {
            s.dataflow = Dataflow::WS;
        } else if (v->text == "is") {
            s.dataflow = Dataflow::IS;
        } else {
            rd.problem(*v, "Dataflow", fmt::format("unknown dataflow '{}' (valid: os, ws, is, lower case as "
                                                   "SCALE-Sim compares them)",
                                                   v->text));
        }
    }
    if (const IniValue* v = rd.find("run_presets", "InterfaceBandwidth", false)) {
        if (v->text == "USER") {
            s.user_bandwidth = true;
        } else if (v->text != "CALC") {
            rd.problem(*v, "InterfaceBandwidth", fmt::format("must be USER or CALC, got '{}'", v->text));
        }
    }
    if (const IniValue* v = rd.find(kArch, "Bandwidth", s.user_bandwidth, "InterfaceBandwidth USER needs it")) {
        std::stringstream list(v->text);
        std::string item;
        while (std::getline(list, item, ',')) s.bandwidth.push_back(rd.check_int(*v, "Bandwidth", item, 1, kMaxBandwidth));
    }
    for (const char* key : {"IfmapOffset", "FilterOffset", "OfmapOffset"}) {
        rd.integer(kArch, key, 0, UINT64_MAX / 2, false);  // unused, but SCALE-Sim int()s them
    }
    if (!problems.empty()) throw InputError(problems);
    return s;
}

ScalesimCfg load_scalesim_cfg(const std::string& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) throw InputError(fmt::format("{}: is a directory, expected a SCALE-Sim .cfg file", path));
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(fmt::format("{}: cannot open SCALE-Sim config file: no such file or not readable", path));
    std::ostringstream text;
    text << in.rdbuf();
    return parse_scalesim_cfg(path, text.str());
}

Config sasim_config_from_scalesim(const ScalesimCfg& s) {
    Config cfg;
    cfg.name = s.run_name.empty() ? fs::path(s.path).stem().string() : s.run_name;
    cfg.source_path = s.path;
    cfg.array.rows = s.array_height;
    cfg.array.cols = s.array_width;
    cfg.array.dataflow = s.dataflow;
    cfg.array.operand_bits = 8;  // SCALE-Sim's word is one byte
    const uint64_t spad_row = std::max(s.array_height, s.array_width);
    const uint64_t acc_row = uint64_t{4} * s.array_width;
    cfg.scratchpad.banks = 4;
    cfg.scratchpad.capacity_kib = round_to_rows(s.ifmap_sram_kb + s.filter_sram_kb, spad_row, cfg.scratchpad.banks);
    cfg.accumulator.banks = 2;
    cfg.accumulator.capacity_kib = round_to_rows(s.ofmap_sram_kb, acc_row, cfg.accumulator.banks);
    const uint64_t bw = s.bandwidth.empty() ? 10 : std::max<uint64_t>(1, s.bandwidth.front());
    cfg.clock_mhz = 1000.0;                          // SCALE-Sim counts cycles only; 1 GHz makes GB/s = B/cycle
    cfg.dram.bandwidth_gbps = static_cast<double>(bw);
    uint32_t bus = 16;
    while (bus < bw && bus < 4096) bus *= 2;         // the DMA bus must not be narrower than the DRAM
    cfg.dma.bus_bytes_per_cycle = bus;
    std::vector<std::string> problems;
    if (cfg.scratchpad.capacity_kib == 0) {
        problems.push_back(fmt::format("{}: IfmapSramSzkB + FilterSramSzkB: {} KiB holds no whole set of {} "
                                       "scratchpad rows of {} bytes", s.path, s.ifmap_sram_kb + s.filter_sram_kb,
                                       cfg.scratchpad.banks, spad_row));
    }
    if (cfg.accumulator.capacity_kib == 0) {
        problems.push_back(fmt::format("{}: OfmapSramSzkB: {} KiB holds no whole set of {} accumulator rows of {} "
                                       "bytes", s.path, s.ofmap_sram_kb, cfg.accumulator.banks, acc_row));
    }
    if (!problems.empty()) throw InputError(problems);
    validate_and_derive(cfg, s.path + " (converted from SCALE-Sim)");
    return cfg;
}

Config load_any_config(const std::string& path) {
    return is_scalesim_cfg_path(path) ? sasim_config_from_scalesim(load_scalesim_cfg(path)) : load_config(path);
}

}  // namespace sasim::analysis
