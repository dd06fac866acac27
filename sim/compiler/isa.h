// SPDX-License-Identifier: MIT
// The accelerator's instruction set (docs/isa.md): a decoupled load / execute / store machine with
// VTA-style dependency tokens between neighbouring queues.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"

namespace sasim {

enum class Opcode : uint8_t {
    Load2d,      // DRAM -> scratchpad/accumulator, `rows` rows of `elems` elements, DRAM stride in bytes
    LoadIm2col,  // DRAM -> scratchpad, rows of an implicit im2col matrix (see ConvGeometry)
    Execute,     // one block on the array (stationary mode for WS/IS, output-stationary for OS)
    Store,       // accumulator -> DRAM with requantization (shift, round, saturate, optional ReLU)
};

enum class Unit : uint8_t { Load = 0, Execute = 1, Store = 2 };

const char* to_string(Opcode op);
const char* to_string(Unit unit);
Unit unit_of(Opcode op);

// Where a load writes.
enum class LocalMem : uint8_t { Scratchpad, Accumulator };

// Geometry of one convolution for the im2col address generator in the load path.
// A row of the implicit matrix is one output pixel; its columns are (filter position, channel) pairs.
struct ConvGeometry {
    uint64_t input_addr = 0;       // DRAM byte address of the NHWC input
    uint32_t batch = 1, in_h = 0, in_w = 0;
    uint32_t in_c = 0;             // channels per pixel in DRAM (all groups)
    uint32_t out_h = 0, out_w = 0;
    uint32_t kernel_w = 1;         // to turn a filter position p into (r, s) = (p / kernel_w, p % kernel_w)
    uint32_t stride_h = 1, stride_w = 1;
    uint32_t pad_top = 0, pad_left = 0;
    uint32_t dilation_h = 1, dilation_w = 1;
};

struct Instruction {
    Opcode op = Opcode::Load2d;

    // Dependency tokens. "prev"/"next" are the neighbouring queues in load -> execute -> store order.
    bool wait_prev = false;    // pop a token pushed by the previous unit before issuing (RAW)
    bool wait_next = false;    // pop a token pushed by the next unit before issuing (WAR)
    bool signal_prev = false;  // push a token to the previous unit (buffer may be overwritten)
    bool signal_next = false;  // push a token to the next unit (data is ready)

    // Load2d / LoadIm2col
    LocalMem dst = LocalMem::Scratchpad;
    uint64_t local_row = 0;    // first destination row
    uint32_t rows = 0;         // rows moved (DRAM rows; each fills `blocks()` destination rows)
    uint32_t elems = 0;        // elements per DRAM row
    uint32_t block_elems = 0;  // loads: elements per destination row (0 = elems). A DRAM row is cut into
                               // blocks of block_elems; block b of row i goes to local_row + b*block_stride + i
    uint64_t block_stride = 0; // loads: destination rows between consecutive blocks
    uint64_t dram_addr = 0;    // Load2d/Store: byte address of the first row
    uint64_t dram_stride = 0;  // Load2d/Store: bytes between rows in DRAM
    // LoadIm2col only
    uint32_t conv = 0;         // index into Program::convs
    uint64_t pixel0 = 0;       // first output pixel (row of the implicit matrix)
    uint32_t pos0 = 0;         // first filter position of the chunk
    uint32_t npos = 1;         // filter positions in the chunk (each contributes `chan_count` columns)
    uint32_t chan0 = 0;        // first input channel (absolute, includes the group offset)
    uint32_t chan_count = 0;   // channels per filter position; elems == npos * chan_count

    // Execute. Stationary mode (WS/IS): out[i][j] (+)= sum_t stream[i][t] * stat[j][t].
    //          Output stationary (OS):  out[i][j] (+)= sum_t a[i][t] * b[t][j].
    uint64_t a_row = 0;        // stationary mode: first streamed row; OS: first A row
    uint64_t b_row = 0;        // stationary mode: first stationary row; OS: first B row
    uint64_t c_row = 0;        // first accumulator row written
    uint32_t m = 0;            // output rows (streamed rows, or A rows in OS)
    uint32_t n = 0;            // output columns (stationary rows, or B row width in OS)
    uint32_t k = 0;            // reduction length
    bool preload = false;      // stationary mode: load new stationary operand first (else reuse)
    bool accumulate = false;   // add to the accumulator rows (else overwrite)
    // Execute: operand window, the on-chip im2col (docs/isa.md, "Operand windows"). With win_w > 0 the rows
    // of the pixel operand (WS and OS: the rows at a_row; IS: the stationary rows at b_row) are not
    // consecutive: they walk output pixels along output rows of win_w pixels, see window_row().
    uint32_t win_w = 0;          // output pixels per output row (0: the operand's rows are consecutive)
    uint32_t win_x0 = 0;         // output column of the operand's first row (< win_w)
    uint32_t win_col_step = 0;   // scratchpad rows to the next pixel of the same output row
    uint32_t win_line_step = 0;  // scratchpad rows from an output row's last pixel to the next row's first

    // Store (also uses rows, elems, dram_addr, dram_stride; reads accumulator rows from c_row)
    uint32_t shift = 0;        // arithmetic right shift with round-half-up before saturation
    bool relu = false;
};

// Destination rows one DRAM row of a load fills (1 unless the load is a wide, multi-block load).
inline uint32_t load_blocks(const Instruction& in) {
    const uint32_t be = in.block_elems == 0 ? in.elems : in.block_elems;
    return be == 0 ? 1 : (in.elems + be - 1) / be;
}
inline uint32_t load_block_elems(const Instruction& in) { return in.block_elems == 0 ? in.elems : in.block_elems; }

// A LOAD into the accumulator (docs/isa.md, "LOAD") is a Load2d of one block per DRAM row, at most
// `acc_row_elems` operands wide. Throws SimulationError naming the instruction otherwise.
void check_acc_load(const Instruction& in, uint32_t acc_row_elems);

// Whether an EXECUTE's window applies to its b_row operand (IS: the stationary pixels) or to a_row.
inline bool window_on_b(Dataflow df) { return df == Dataflow::IS; }

// Scratchpad row of row i (0-based) of an EXECUTE's pixel operand that starts at `base` (docs/isa.md):
// consecutive rows without a window; with one, `i - W` column steps and `W` line steps, where
// W = (win_x0 + i) / win_w output rows have been crossed. Hardware walks it with two adders.
inline uint64_t window_row(const Instruction& in, uint64_t base, uint64_t i) {
    if (in.win_w == 0) return base + i;
    const uint64_t lines = (uint64_t{in.win_x0} + i) / in.win_w;
    return base + (i - lines) * in.win_col_step + lines * in.win_line_step;
}

// A compiled layer: the instruction stream plus the tables the load path reads.
struct Program {
    std::vector<Instruction> instrs;
    std::vector<ConvGeometry> convs;
};

// One line per instruction, for --dump-program and test failures.
std::string disassemble(const Instruction& in);

}  // namespace sasim
