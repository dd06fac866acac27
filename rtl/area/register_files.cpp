// SPDX-License-Identifier: MIT
#include "rtl/area/register_files.h"

#include <sstream>

#include <fmt/format.h>

#include "common/errors.h"

namespace sasim::rtl {

double register_file_um2_per_bit(const std::map<std::string, double>& lib) {
    const auto dff = lib.find("DFFPOSX1"), mux = lib.find("MUX2X1");
    if (dff == lib.end() || mux == lib.end()) {
        throw InputError("area: the liberty file needs DFFPOSX1 and MUX2X1 cells to price the register files");
    }
    return dff->second + 2 * mux->second;
}

namespace {

// A parameter value of a dump: a decimal count, or Yosys's sized binary form (32'00...0101).
bool parse_count(const std::string& v, uint64_t& out) {
    std::string digits = v;
    int base = 10;
    if (const size_t q = v.find('\''); q != std::string::npos) {
        digits = v.substr(q + 1);
        base = 2;
    }
    if (digits.empty() || digits.size() > 64) return false;
    uint64_t n = 0;
    for (const char c : digits) {
        const int d = c - '0';
        if (d < 0 || d >= base) return false;
        if (n > (UINT64_MAX - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) return false;
        n = n * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
    }
    out = n;
    return true;
}

}  // namespace

std::map<std::string, std::vector<RegisterFile>> parse_register_file_dump(const std::string& text,
                                                                         const std::string& origin) {
    std::map<std::string, std::vector<RegisterFile>> out;
    std::istringstream lines(text);
    std::string module, cell;   // the module being read; the sasim_regfile cell being read ("" outside one)
    RegisterFile rf;
    bool has_words = false, has_bits = false;
    bool other_cell = false;    // inside another cell (its `end` is not the module's)
    int line_no = 0;
    for (std::string line; std::getline(lines, line);) {
        ++line_no;
        std::istringstream in(line);
        std::string word;
        if (!(in >> word)) continue;
        const auto where = [&] { return fmt::format("{}:{}", origin, line_no); };
        if (word == "module") {
            in >> module;
            module = yosys_name(module);
        } else if (word == "cell") {
            std::string type;
            cell.clear();
            in >> type >> cell;
            if (yosys_name(type) != "sasim_regfile") {
                cell.clear();
                other_cell = true;
                continue;
            }
            if (module.empty()) throw InputError(fmt::format("{}: a cell outside a module", where()));
            if (cell.empty()) throw InputError(fmt::format("{}: a register file without a name", where()));
            rf = RegisterFile{};
            has_words = has_bits = false;
        } else if (word == "parameter" && !cell.empty()) {
            std::string name, value;
            in >> name;
            if (name == "signed") in >> name;
            in >> value;
            uint64_t n = 0;
            if (!parse_count(value, n) || n == 0 || n > kMaxRegisterFileSide) {
                throw InputError(fmt::format("{}: parameter {} of {}: \"{}\" is not a count 1 .. 2^20", where(), name, cell, value));
            }
            if (name == "\\WORDS") rf.words = n, has_words = true;
            if (name == "\\BITS") rf.bits = n, has_bits = true;
        } else if (word == "end" && !cell.empty()) {
            if (!has_words || !has_bits) {
                throw InputError(fmt::format("{}: register file {} in {} without WORDS and BITS", where(), cell, module));
            }
            out[module].push_back(rf);
            cell.clear();
        } else if (word == "end" && other_cell) {
            other_cell = false;
        } else if (word == "end") {
            module.clear();   // a cell after it is outside a module
        }
    }
    if (!cell.empty()) throw InputError(fmt::format("{}: the dump ends inside register file {}", origin, cell));
    return out;
}

}  // namespace sasim::rtl
