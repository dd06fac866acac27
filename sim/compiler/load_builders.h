// SPDX-License-Identifier: MIT
// The load instructions of a tiled program (docs/isa.md), shared by the heuristic compiler and the mapper's
// emitter: rows of the implicit A matrix, of the weights [n][k] (WS/IS) and of the weights [k][n] (OS).
#pragma once
#include "compiler/isa.h"
#include "compiler/layout.h"
#include "compiler/tiling.h"

namespace sasim {

// Sets the wide-load fields: the DRAM row holds the group's columns, cut into one block per chunk.
inline void set_blocks(Instruction& in, const ChunkGroup& grp, uint64_t block_stride) {
    in.elems = grp.total;
    in.block_elems = grp.block_elems;
    in.block_stride = block_stride;
}

// Rows of the implicit A matrix (pixels for conv, rows of A for gemm) for one chunk group.
inline Instruction load_a_rows(const LayerLayout& lay, uint64_t g, uint64_t row0, uint32_t rows, const ChunkGroup& grp, uint64_t local_row,
                        uint64_t block_stride) {
    Instruction in;
    in.local_row = local_row;
    in.rows = rows;
    set_blocks(in, grp, block_stride);
    const uint64_t ob = lay.operand_bytes;
    if (lay.is_conv) {
        in.op = Opcode::LoadIm2col;
        in.conv = 0;
        in.pixel0 = row0;
        in.pos0 = grp.pos0;
        in.npos = grp.npos;
        in.chan0 = lay.gemms[g].a_chan0 + grp.chan0;
        in.chan_count = grp.chan_count;
    } else {
        in.op = Opcode::Load2d;
        in.dram_addr = lay.gemms[g].a_addr + (row0 * lay.view.k + grp.kstart) * ob;
        in.dram_stride = lay.view.k * ob;
    }
    return in;
}

// Rows of the weights stored [n][k] (WS/IS): `rows` output channels starting at n0, the group's columns.
inline Instruction load_wt_rows(const LayerLayout& lay, uint64_t g, uint64_t n0, uint32_t rows, const ChunkGroup& grp, uint64_t local_row,
                         uint64_t block_stride) {
    Instruction in;
    in.op = Opcode::Load2d;
    in.local_row = local_row;
    in.rows = rows;
    set_blocks(in, grp, block_stride);
    const uint64_t ob = lay.operand_bytes;
    in.dram_addr = lay.gemms[g].b_addr + (n0 * lay.view.k + grp.kstart) * ob;
    in.dram_stride = lay.view.k * ob;
    return in;
}

// Rows of the weights stored [k][n] (OS): the group's k rows, `cols` channels starting at n0, in
// consecutive scratchpad rows (chunk j's rows start kstart_j - kstart_first rows in).
inline Instruction load_b_rows(const LayerLayout& lay, uint64_t g, uint64_t n0, uint32_t cols, const ChunkGroup& grp, uint64_t local_row) {
    Instruction in;
    in.op = Opcode::Load2d;
    in.local_row = local_row;
    in.rows = grp.total;
    in.elems = cols;
    const uint64_t ob = lay.operand_bytes;
    in.dram_addr = lay.gemms[g].b_addr + (grp.kstart * lay.view.n + n0) * ob;
    in.dram_stride = lay.view.n * ob;
    return in;
}

// The shortcut of a fused residual add for the accumulator rows `store` will write out: a LOAD into the
// accumulator of the same rows, from the same place in the shortcut's region (layout.h), scaled by the
// STORE's shift (docs/isa.md, "LOAD"). Its tokens are the caller's.
inline Instruction load_shortcut(const LayerLayout& lay, const Instruction& store) {
    Instruction in;
    in.op = Opcode::Load2d;
    in.dst = LocalMem::Accumulator;
    in.local_row = store.c_row;
    in.rows = store.rows;
    in.elems = store.elems;
    in.dram_addr = store.dram_addr - lay.output_addr + lay.residual_addr;
    in.dram_stride = store.dram_stride;
    in.shift = store.shift;
    return in;
}

}  // namespace sasim
