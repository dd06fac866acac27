// SPDX-License-Identifier: MIT
#include "compiler/isa.h"

#include <fmt/format.h>

#include "common/errors.h"

namespace sasim {

const char* to_string(Opcode op) {
    switch (op) {
        case Opcode::Load2d: return "LOAD";
        case Opcode::LoadIm2col: return "LOAD_IM2COL";
        case Opcode::Execute: return "EXECUTE";
        case Opcode::Store: return "STORE";
    }
    return "?";
}

const char* to_string(Unit unit) {
    switch (unit) {
        case Unit::Load: return "load";
        case Unit::Execute: return "execute";
        case Unit::Store: return "store";
    }
    return "?";
}

Unit unit_of(Opcode op) {
    switch (op) {
        case Opcode::Load2d:
        case Opcode::LoadIm2col: return Unit::Load;
        case Opcode::Execute: return Unit::Execute;
        case Opcode::Store: return Unit::Store;
    }
    return Unit::Load;
}

std::string disassemble(const Instruction& in) {
    std::string tokens = fmt::format("{}{}{}{}", in.wait_prev ? " wait_prev" : "", in.wait_next ? " wait_next" : "",
                                     in.signal_prev ? " signal_prev" : "", in.signal_next ? " signal_next" : "");
    const std::string blocks = load_blocks(in) > 1 ? fmt::format(" blocks={}x{} block_stride={}", load_blocks(in),
                                                                   load_block_elems(in), in.block_stride)
                                                   : std::string();
    switch (in.op) {
        case Opcode::Load2d:
            return fmt::format("LOAD {} row={} rows={} elems={}{} dram=0x{:x} stride={}{}{}",
                               in.dst == LocalMem::Scratchpad ? "spad" : "acc", in.local_row, in.rows, in.elems,
                               blocks, in.dram_addr, in.dram_stride,
                               in.dst == LocalMem::Accumulator ? fmt::format(" shift={}", in.shift) : std::string(),
                               tokens);
        case Opcode::LoadIm2col:
            return fmt::format("LOAD_IM2COL row={} rows={} pixel0={} pos0={} npos={} chan0={} chans={}{}{}",
                               in.local_row, in.rows, in.pixel0, in.pos0, in.npos, in.chan0, in.chan_count, blocks,
                               tokens);
        case Opcode::Execute:
            return fmt::format("EXECUTE a={} b={} c={} m={} n={} k={}{}{}{}{}", in.a_row, in.b_row, in.c_row, in.m, in.n,
                               in.k,
                               in.win_w == 0 ? std::string()
                                             : fmt::format(" window=w{}+{}/{}/{}", in.win_w, in.win_x0,
                                                           in.win_col_step, in.win_line_step),
                               in.preload ? " preload" : "", in.accumulate ? " accumulate" : "", tokens);
        case Opcode::Store:
            return fmt::format("STORE acc={} rows={} elems={} dram=0x{:x} stride={} shift={}{}{}", in.c_row, in.rows,
                               in.elems, in.dram_addr, in.dram_stride, in.shift, in.relu ? " relu" : "", tokens);
    }
    return "?";
}

void check_acc_load(const Instruction& in, uint32_t acc_row_elems) {
    if (in.op != Opcode::Load2d || load_blocks(in) != 1 || in.elems > acc_row_elems) {
        throw SimulationError(fmt::format("a LOAD into the accumulator must be a LOAD of one block of at most {} "
                                          "elements per row: {}", acc_row_elems, disassemble(in)));
    }
}

}  // namespace sasim
