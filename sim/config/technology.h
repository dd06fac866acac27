// SPDX-License-Identifier: MIT
// Technology tables: the dynamic energy of each event the model counts, per process node, every value with
// its source (configs/tech/*.json, embedded in the binary; docs/energy.md). A config names its table
// ("technology") and its DRAM type ("dram.type"); a table without an entry the energy needs is an error,
// never a silent default.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace sasim {

struct TechTable {
    std::string name;                    // "45nm"
    double multiply_pj = 0;              // one multiply of multiply_bits-wide operands
    double multiply_bits = 8;
    double multiply_width_exponent = 2;  // energy ~ (width / multiply_bits) ^ exponent
    double add_pj = 0;                   // one add of add_bits-wide operands (the accumulation)
    double add_bits = 32;
    double add_width_exponent = 1;
    double register_bit_pj = 0;          // one flip-flop bit written
    double sram_64bit_pj = 0;            // a 64-bit access of an SRAM bank of sram_bank_kib
    double sram_bank_kib = 8;
    double sram_size_exponent = 0.5;     // energy ~ (bank / sram_bank_kib) ^ exponent
    double sram_write_to_read = 1;       // a write costs this many reads
    std::map<std::string, double> dram_pj_per_byte;  // by DRAM type ("lpddr4", ...)
    double nand2_um2 = 0;                // area of a NAND2 gate: synthesized logic is counted in NAND2 equivalents
    double sram_um2_per_bit = 0;         // SRAM macro area per bit, periphery included
    double delay_scale_from_180nm = 0;   // a gate delay here / the same delay at 180 nm (fmax of `sasim area`)
};

// Parses and checks a table; throws InputError with one line per problem, "<origin>: <key>: <problem>".
TechTable parse_tech_table(const std::string& text, const std::string& origin);

// The tables shipped in configs/tech/, by name; names() in sorted order.
std::vector<std::string> builtin_tech_names();
// Throws InputError when `name` is not a shipped table.
const TechTable& builtin_tech_table(const std::string& name);

}  // namespace sasim
