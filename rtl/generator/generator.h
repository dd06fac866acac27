// SPDX-License-Identifier: MIT
// The Verilog generator: SystemVerilog of the accelerator a Config describes (docs/rtl.md).
// The design is a set of readable templates (rtl/templates/*.sv, embedded at build time) plus one
// generated package, sasim_cfg_pkg, that holds every size the templates use, computed from the very
// same Config struct the SystemC model reads.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"

namespace sasim::rtl {

struct GeneratedFile {
    std::string name;  // file name, no directories
    std::string text;
};

// Hardware sizes derived from the config (also written into sasim_cfg_pkg).
struct HardwareParams {
    uint32_t rows = 0, cols = 0, operand_bits = 8, operand_bytes = 1;
    uint64_t spad_rows = 0, spad_rows_per_bank = 0, acc_rows = 0, acc_rows_per_bank = 0;
    uint32_t spad_row_elems = 0;
    uint32_t queue_load = 0, queue_exec = 0, queue_store = 0;
    uint32_t bus_bytes = 0, max_request_bytes = 0, max_outstanding = 0;
    uint32_t read_buffer_rows = 0;    // DRAM rows in the load DMA's read buffer
    uint32_t row_bytes_max = 0;       // widest DRAM row a load of this hardware moves (a wide load)
    uint32_t pieces_max = 0;          // most DRAM pieces (filter positions) of one im2col row
    uint32_t store_buffer_rows = 0;
};

struct GenerateOptions {
    // Deliberate fault, for proving that `rtl check` catches a one-cycle difference (never for real use).
    uint32_t extra_result_cycles = 0;  // results reach the accumulator this many cycles late
    bool late_acc_load = false;        // each row of a LOAD into the accumulator is written a cycle late
    // Loads wider than the heuristic compiler's, which the defaults of hardware_params are sized for (a
    // mapper's program may load a whole pixel's channels per DRAM row): `rtl check` sets them from the
    // programs it runs. 0, or a value below the default, keeps the default (and the hardware hash); a
    // larger one is rounded up to a power of two.
    uint32_t min_row_bytes = 0;        // read-buffer rows of at least this many bytes
    uint32_t min_pieces = 0;           // at least this many DRAM pieces per im2col row
};

// Throws InputError when the config is outside what the RTL implements (one line per reason).
HardwareParams hardware_params(const Config& cfg, const GenerateOptions& opt = {});

// Every file of the design, packages first, then modules bottom-up, then README.md (ports).
// Throws InputError like hardware_params.
std::vector<GeneratedFile> generate_rtl(const Config& cfg, const GenerateOptions& opt = {});

// 16 hex digits identifying the hardware: the config values that change the RTL, plus the templates.
// Two configs that differ only in DRAM timing or clock share one hash (and one verilated build).
std::string hardware_hash(const Config& cfg, const GenerateOptions& opt = {});

}  // namespace sasim::rtl
