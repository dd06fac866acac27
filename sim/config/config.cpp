// SPDX-License-Identifier: MIT
// Config validation, derived values, JSON output and hashing. Reading JSON is in config_parse.cpp.
#include "config/config.h"
#include "config/technology.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "common/hash.h"

namespace sasim {

const char* to_string(Dataflow df) {
    switch (df) {
        case Dataflow::OS: return "os";
        case Dataflow::WS: return "ws";
        case Dataflow::IS: return "is";
    }
    return "unknown";
}

namespace {

// Valid values of one unsigned integer key.
struct IntegerRule {
    const char* key;       // dotted key
    uint64_t min;          // smallest valid value
    uint64_t max;          // largest valid value
    bool power_of_two;     // value must also be a power of two
    const char* max_note;  // shown after the upper bound, e.g. " (16 GiB)"
};

constexpr uint64_t kMaxCapacityKib = 16777216;  // 16 GiB, in KiB

constexpr IntegerRule kIntegerRules[] = {
    {"array.rows", 1, 4096, false, ""},
    {"array.cols", 1, 4096, false, ""},
    {"scratchpad.capacity_kib", 1, kMaxCapacityKib, false, " (16 GiB)"},
    {"scratchpad.banks", 1, 64, false, ""},
    {"scratchpad.rows", 1, uint64_t{1} << 36, false, ""},
    {"accumulator.rows", 1, uint64_t{1} << 36, false, ""},
    {"accumulator.capacity_kib", 1, kMaxCapacityKib, false, " (16 GiB)"},
    {"accumulator.banks", 1, 64, false, ""},
    {"queues.load", 1, 1024, false, ""},
    {"queues.execute", 1, 1024, false, ""},
    {"queues.store", 1, 1024, false, ""},
    {"dma.bus_bytes_per_cycle", 1, 4096, true, ""},
    {"dma.max_request_bytes", 1, 4096, true, ""},
    {"dma.max_outstanding", 1, 1024, false, ""},
    {"dram.latency_cycles", 0, 100000, false, ""},
    {"dram.max_outstanding", 1, 1024, false, ""},
};

constexpr double kMaxReal = 100000.0;  // upper bound of bandwidth_gbps (GB/s) and clock_mhz (MHz)

// An integer-valued number as an integer ("-4", "100000"), anything else in shortest form ("2.5", "1e+20").
std::string format_number(long double v) {
    if (std::isfinite(v) && v == std::floor(v)) {
        if (v < 0 && v >= -9223372036854775808.0L) return fmt::format("{}", static_cast<long long>(v));
        if (v >= 0 && v < 18446744073709551616.0L)
            return fmt::format("{}", static_cast<unsigned long long>(v));
    }
    return fmt::format("{}", static_cast<double>(v));
}

// The problem with a positive real key (GB/s or MHz), or "".
std::string real_problem(double v) {
    if (!std::isfinite(v)) return fmt::format("must be a finite number, got {}", v);
    if (v <= 0) return fmt::format("must be a number > 0, got {}", v);
    if (v > kMaxReal) return fmt::format("must be a number <= {}, got {}", kMaxReal, v);
    return "";
}

// "16384 / 3 = 5461.33"
std::string ratio(uint64_t a, uint64_t b) {
    return fmt::format("{} / {} = {:.6g}", a, b, static_cast<double>(a) / static_cast<double>(b));
}

// Collects problem lines and remembers which keys failed, so dependent checks can be left out.
class Reporter {
public:
    Reporter(const std::string& origin, const std::set<std::string>& skip, std::vector<std::string>& lines)
        : m_origin(origin), m_bad(skip), m_lines(lines) {}

    void add(const std::string& key, const std::string& problem) {
        m_lines.push_back(fmt::format("{}: {}: {}", m_origin, key, problem));
        m_bad.insert(key);
        ++m_count;
    }
    // True if the key, or its whole section, already has a problem.
    bool bad(const std::string& key) const {
        return m_bad.count(key) != 0 || m_bad.count(key.substr(0, key.find('.'))) != 0;
    }
    bool any_bad(std::initializer_list<const char*> keys) const {
        for (const char* k : keys) {
            if (bad(k)) return true;
        }
        return false;
    }
    bool clean() const { return m_count == 0 && m_bad.empty(); }

private:
    const std::string& m_origin;        // file name or other source, first field of each line
    std::set<std::string> m_bad;        // keys (or sections) with a reported problem
    std::vector<std::string>& m_lines;  // output: one line per problem
    size_t m_count = 0;                 // problems added by this reporter
};

// Rows and rows per bank of a banked SRAM. Given as `rows`, they must split evenly into the banks; given
// as capacity_kib, the capacity is rounded down to whole rows per bank and a note says so. Reports and
// returns false when no valid size results. `row_desc` explains the row size in messages, e.g.
// "max(rows, cols) = 16 elements of 1 byte".
bool derive_sram(Reporter& rep, const std::string& section, const SramConfig& sram, uint64_t row_bytes,
                 const std::string& row_desc, uint64_t& rows, uint64_t& rows_per_bank,
                 std::vector<std::string>& notes) {
    if (sram.rows != 0) {
        if (sram.capacity_kib != 0) {
            rep.add(section + ".rows", "give the size as capacity_kib or as rows, not both");
            return false;
        }
        rows = sram.rows;
    } else {
        uint64_t bytes = 0;
        if (__builtin_mul_overflow(sram.capacity_kib, uint64_t{1024}, &bytes)) {
            rep.add(section + ".capacity_kib", fmt::format("{} KiB is too large to address", sram.capacity_kib));
            return false;
        }
        const uint64_t whole = bytes / row_bytes;
        if (whole == 0) {
            rep.add(section + ".capacity_kib",
                    fmt::format("{} KiB is less than one {}-byte {} row (a row holds {}); use at least {} KiB",
                                sram.capacity_kib, row_bytes, section, row_desc, (row_bytes + 1023) / 1024));
            return false;
        }
        const uint64_t kept = whole - whole % sram.banks;  // whole rows in every bank
        if (kept != 0 && kept * row_bytes != bytes) {
            const uint64_t multiple_kib =
                std::lcm(row_bytes * sram.banks, uint64_t{1024}) / 1024;
            notes.push_back(fmt::format(
                "{}.capacity_kib: {} KiB is {} {}-byte rows (a row holds {}){}; rounded down to {} rows, {} bytes "
                "({} KiB). A multiple of {} KiB, or `rows`, is used as given",
                section, sram.capacity_kib, ratio(bytes, row_bytes), row_bytes, row_desc,
                sram.banks > 1 ? fmt::format(" in {} banks", sram.banks) : "", kept, kept * row_bytes,
                ratio(kept * row_bytes, 1024), multiple_kib));
        }
        rows = kept != 0 ? kept : whole;
    }
    if (rows < sram.banks) {
        rep.add(section + ".banks",
                fmt::format("{} banks but only {} {} rows (each bank needs >= 1 row); use at most {} "
                            "banks or a larger capacity_kib",
                            sram.banks, rows, section, rows));
        return false;
    }
    if (rows % sram.banks != 0) {
        std::string valid;
        for (uint64_t b = 1; b <= 64 && b <= rows; ++b) {
            if (rows % b == 0) valid += (valid.empty() ? "" : ", ") + std::to_string(b);
        }
        rep.add(section + ".banks",
                fmt::format("{} {} rows do not split evenly into {} banks ({}); valid bank counts for "
                            "this capacity: {}",
                            rows, section, sram.banks, ratio(rows, sram.banks), valid));
        return false;
    }
    rows_per_bank = rows / sram.banks;
    return true;
}

std::string bytes_word(uint32_t n) { return n == 1 ? "1 byte" : fmt::format("{} bytes", n); }

}  // namespace

namespace config_detail {

std::string integer_problem(const std::string& key, long double value) {
    if (!std::isfinite(value)) return fmt::format("must be a finite integer, got {}", format_number(value));
    if (value != std::floor(value)) return fmt::format("expected an integer, got {}", format_number(value));
    if (key == "array.operand_bits") {
        if (value == 8 || value == 16) return "";
        return fmt::format("must be 8 or 16, got {}", format_number(value));
    }
    if (key == "array.acc_bits") {
        if (value == 32) return "";
        return fmt::format("must be 32 (the only accumulator width supported), got {}", format_number(value));
    }
    for (const IntegerRule& rule : kIntegerRules) {
        if (key != rule.key) continue;
        if (value < static_cast<long double>(rule.min)) {
            return fmt::format("must be an integer >= {}, got {}", rule.min, format_number(value));
        }
        if (value > static_cast<long double>(rule.max)) {
            return fmt::format("must be an integer <= {}{}, got {}", rule.max, rule.max_note,
                               format_number(value));
        }
        const auto v = static_cast<uint64_t>(value);
        if (rule.power_of_two && (v & (v - 1)) != 0) {
            return fmt::format("must be a power of two (1, 2, 4, ..., {}), got {}", rule.max, v);
        }
        return "";
    }
    throw std::logic_error("config: no integer rule for key " + key);
}

void check_and_derive(Config& cfg, const std::string& origin, const std::set<std::string>& skip,
                      std::vector<std::string>& problems) {
    Reporter rep(origin, skip, problems);

    // 1. Each key on its own.
    const std::pair<const char*, uint64_t> integers[] = {
        {"array.rows", cfg.array.rows},
        {"array.cols", cfg.array.cols},
        {"array.operand_bits", cfg.array.operand_bits},
        {"array.acc_bits", cfg.array.acc_bits},
        {"scratchpad.capacity_kib", cfg.scratchpad.capacity_kib},
        {"scratchpad.banks", cfg.scratchpad.banks},
        {"accumulator.capacity_kib", cfg.accumulator.capacity_kib},
        {"scratchpad.rows", cfg.scratchpad.rows},
        {"accumulator.rows", cfg.accumulator.rows},
        {"accumulator.banks", cfg.accumulator.banks},
        {"queues.load", cfg.queues.load},
        {"queues.execute", cfg.queues.execute},
        {"queues.store", cfg.queues.store},
        {"dma.bus_bytes_per_cycle", cfg.dma.bus_bytes_per_cycle},
        {"dma.max_request_bytes", cfg.dma.max_request_bytes},
        {"dma.max_outstanding", cfg.dma.max_outstanding},
        {"dram.latency_cycles", cfg.dram.latency_cycles},
        {"dram.max_outstanding", cfg.dram.max_outstanding},
    };
    for (const auto& [key, value] : integers) {
        // An SRAM's size is capacity_kib or rows: the one not given is 0 and not checked.
        const std::string k = key;
        if ((k == "scratchpad.capacity_kib" && cfg.scratchpad.rows != 0) ||
            (k == "accumulator.capacity_kib" && cfg.accumulator.rows != 0) ||
            (k == "scratchpad.rows" && cfg.scratchpad.rows == 0) || (k == "accumulator.rows" && cfg.accumulator.rows == 0)) {
            continue;
        }
        if (rep.bad(key)) continue;
        std::string p = integer_problem(key, static_cast<long double>(value));
        if (!p.empty()) rep.add(key, p);
    }
    const std::pair<const char*, double> reals[] = {
        {"dram.bandwidth_gbps", cfg.dram.bandwidth_gbps},
        {"clock_mhz", cfg.clock_mhz},
    };
    for (const auto& [key, value] : reals) {
        if (rep.bad(key)) continue;
        std::string p = real_problem(value);
        if (!p.empty()) rep.add(key, p);
    }
    const auto df = static_cast<int>(cfg.array.dataflow);
    if (!rep.bad("array.dataflow") && (df < 0 || df > 2)) {
        rep.add("array.dataflow", fmt::format("unknown dataflow value {} (valid: os, ws, is)", df));
    }

    // The energy table and its DRAM entry (config/technology.h): named, never defaulted silently.
    if (!rep.bad("technology")) {
        const std::vector<std::string> names = builtin_tech_names();
        if (std::find(names.begin(), names.end(), cfg.technology) == names.end()) {
            rep.add("technology", fmt::format("unknown technology \"{}\" (valid: {})", cfg.technology, fmt::join(names, ", ")));
        } else if (!rep.bad("dram.type")) {
            const TechTable& t = builtin_tech_table(cfg.technology);
            if (t.dram_pj_per_byte.count(cfg.dram.type) == 0) {
                std::vector<std::string> types;
                for (const auto& [k, v] : t.dram_pj_per_byte) types.push_back(k);
                rep.add("dram.type", fmt::format("technology {} has no DRAM type \"{}\" (valid: {})", cfg.technology,
                                                 cfg.dram.type, fmt::join(types, ", ")));
            }
        }
    }

    // 2. Derived values, each only when every key it depends on is valid.
    DerivedConfig d;
    if (!rep.bad("array.operand_bits")) d.operand_bytes = cfg.array.operand_bits / 8;
    d.acc_bytes = 4;
    d.peak_macs_per_cycle = static_cast<double>(cfg.array.rows) * cfg.array.cols;

    if (!rep.any_bad({"array.rows", "array.cols", "array.operand_bits", "scratchpad.capacity_kib",
                      "scratchpad.rows", "scratchpad.banks"})) {
        d.spad_row_elems = std::max(cfg.array.rows, cfg.array.cols);
        d.spad_row_bytes = d.spad_row_elems * d.operand_bytes;
        const std::string desc =
            fmt::format("max(rows, cols) = {} elements of {}", d.spad_row_elems, bytes_word(d.operand_bytes));
        if (derive_sram(rep, "scratchpad", cfg.scratchpad, d.spad_row_bytes, desc, d.spad_rows,
                        d.spad_rows_per_bank, d.notes)) {
            d.spad_capacity_bytes = d.spad_rows * d.spad_row_bytes;
        }
    }
    if (!rep.any_bad({"array.cols", "accumulator.capacity_kib", "accumulator.rows", "accumulator.banks"})) {
        d.acc_row_elems = cfg.array.cols;
        d.acc_row_bytes = d.acc_row_elems * d.acc_bytes;
        const std::string desc =
            fmt::format("cols = {} elements of {}", d.acc_row_elems, bytes_word(d.acc_bytes));
        if (derive_sram(rep, "accumulator", cfg.accumulator, d.acc_row_bytes, desc, d.acc_rows,
                        d.acc_rows_per_bank, d.notes)) {
            d.acc_capacity_bytes = d.acc_rows * d.acc_row_bytes;
        }
    }
    if (!rep.any_bad({"dma.max_request_bytes", "array.operand_bits"}) &&
        cfg.dma.max_request_bytes < d.operand_bytes) {
        rep.add("dma.max_request_bytes",
                fmt::format("must be >= the operand element size ({} for operand_bits {}), got {}",
                            bytes_word(d.operand_bytes), cfg.array.operand_bits, cfg.dma.max_request_bytes));
    }
    if (!rep.any_bad({"dram.bandwidth_gbps", "clock_mhz"})) {
        // GB/s * 1e9 / (MHz * 1e6) = bytes per cycle; times 1000 for millibytes.
        const double millibytes = cfg.dram.bandwidth_gbps * 1e6 / cfg.clock_mhz;
        if (!(millibytes < 1e18)) {
            rep.add("dram.bandwidth_gbps",
                    fmt::format("{} GB/s at clock_mhz {} is {:.6g} bytes per cycle, more than the model can "
                                "represent; raise clock_mhz",
                                cfg.dram.bandwidth_gbps, cfg.clock_mhz, millibytes / 1000));
        } else if (std::llround(millibytes) < 1) {
            rep.add("dram.bandwidth_gbps",
                    fmt::format("{} GB/s at clock_mhz {} is {:.6g} bytes per cycle, which rounds to 0 "
                                "millibytes per cycle; must be >= 0.0005 bytes per cycle (raise "
                                "bandwidth_gbps or lower clock_mhz)",
                                cfg.dram.bandwidth_gbps, cfg.clock_mhz, millibytes / 1000));
        } else {
            d.dram_millibytes_per_cycle = static_cast<uint64_t>(std::llround(millibytes));
        }
    }

    d.dma_read_buffer_rows = cfg.dma.max_outstanding * 4;
    d.dma_store_buffer_rows = 4;
    if (rep.clean()) cfg.derived = d;
}

}  // namespace config_detail

void validate_and_derive(Config& cfg, const std::string& origin) {
    std::vector<std::string> problems;
    config_detail::check_and_derive(cfg, origin.empty() ? "<config>" : origin, {}, problems);
    if (!problems.empty()) throw InputError(std::move(problems));
}

nlohmann::json config_to_json(const Config& cfg) {
    using nlohmann::json;
    json j = json::object();
    j["name"] = cfg.name;
    j["array"] = json{{"rows", cfg.array.rows},
                      {"cols", cfg.array.cols},
                      {"dataflow", to_string(cfg.array.dataflow)},
                      {"operand_bits", cfg.array.operand_bits},
                      {"acc_bits", cfg.array.acc_bits}};
    // As given: capacity_kib or rows (the hash of a config given in rows differs from its KiB form).
    const auto sram = [](const SramConfig& s) {
        json o = s.rows != 0 ? json{{"rows", s.rows}} : json{{"capacity_kib", s.capacity_kib}};
        o["banks"] = s.banks;
        return o;
    };
    j["scratchpad"] = sram(cfg.scratchpad);
    j["accumulator"] = sram(cfg.accumulator);
    j["queues"] =
        json{{"load", cfg.queues.load}, {"execute", cfg.queues.execute}, {"store", cfg.queues.store}};
    j["dma"] = json{{"bus_bytes_per_cycle", cfg.dma.bus_bytes_per_cycle},
                    {"max_request_bytes", cfg.dma.max_request_bytes},
                    {"max_outstanding", cfg.dma.max_outstanding}};
    j["dram"] = json{{"latency_cycles", cfg.dram.latency_cycles},
                     {"bandwidth_gbps", cfg.dram.bandwidth_gbps},
                     {"max_outstanding", cfg.dram.max_outstanding},
                     {"type", cfg.dram.type}};
    j["clock_mhz"] = cfg.clock_mhz;
    j["technology"] = cfg.technology;
    return j;
}

std::string config_hash(const Config& cfg) {
    nlohmann::json j = config_to_json(cfg);
    j.erase("name");
    return fnv1a_hex(j.dump());  // compact; keys sorted by nlohmann::json's std::map
}

}  // namespace sasim
