// SPDX-License-Identifier: MIT
// The register files of a synthesized design (sasim_regfile.sv: the instruction queues' entries, the
// load DMA's row records). They are black boxes for Yosys, because their gates are known without a
// synthesis whose time grows with the words (256 x 33 bits: 22 s): a flip-flop per bit, a multiplexer
// that holds it when the word is not written, and a read multiplexer tree of one two-input multiplexer
// per bit. Yosys's own mapping of the behavioural module comes within 2 % of that (docs/cost.md, "How";
// tests/rtl/regfile_price.sh checks 5 %).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "rtl/area/area.h"

namespace sasim::rtl {

// The standard cells one register-file bit counts as (a DFFPOSX1 and two MUX2X1).
constexpr uint64_t kRegisterFileCellsPerBit = 3;
// The largest WORDS or BITS read back: words x bits x cells per bit stays below 2^42, so that a count
// over a million instances still fits 64 bits (the generator's largest is 1,025 x 978).
constexpr uint64_t kMaxRegisterFileSide = uint64_t{1} << 20;

// Liberty area of one register-file bit: DFFPOSX1 + 2 x MUX2X1. Throws InputError when the liberty has
// either cell without an area.
double register_file_um2_per_bit(const std::map<std::string, double>& lib);

// The sasim_regfile cells of Yosys's `dump -m t:sasim_regfile` text (-m: module headers even when one
// module has such cells), by module (names as in `stat -json`: without the leading '\'), each with its
// WORDS and BITS. Throws InputError naming `origin` on a cell outside a module or without a name, a
// cell without both parameters, or a value that is not a count 1 .. 2^20.
std::map<std::string, std::vector<RegisterFile>> parse_register_file_dump(const std::string& text,
                                                                         const std::string& origin);

}  // namespace sasim::rtl
