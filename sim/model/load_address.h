// SPDX-License-Identifier: MIT
// Address generation of the load path (docs/isa.md, LOAD and LOAD_IM2COL): which DRAM bytes make up each
// destination row, and how a row's bytes split into DMA requests. Plain C++.
#pragma once
#include <cstdint>
#include <vector>

#include "compiler/isa.h"

namespace sasim::model {

// A contiguous piece of a DRAM row (the concatenation of all of a row's blocks) that comes from DRAM.
struct RowSegment {
    uint64_t dram_addr = 0;
    uint32_t bytes = 0;
    uint32_t row_offset = 0;  // byte offset inside the DRAM row
};

class LoadAddressGen {
public:
    // `in` must be a Load2d or LoadIm2col; `convs` is the program's geometry table.
    LoadAddressGen(const Instruction& in, const std::vector<ConvGeometry>& convs, uint32_t operand_bytes);

    // The DRAM pieces of DRAM row i (i < in.rows), in row order; pieces that touch in DRAM and in the row
    // are merged. Bytes of the row not covered (padding of an implicit im2col row) are zero. An empty
    // result means an all-padding row. The row is cut into destination blocks by the DMA (isa.h).
    void row_segments(uint32_t i, std::vector<RowSegment>& out) const;
    uint32_t row_bytes() const { return m_row_bytes; }

private:
    const Instruction& m_in;
    const ConvGeometry* m_conv = nullptr;
    uint32_t m_ob;
    uint32_t m_row_bytes;
};

// Splits `seg` into DMA requests of at most `max_bytes` each, in address order.
void split_requests(const RowSegment& seg, uint32_t max_bytes, std::vector<RowSegment>& out);

}  // namespace sasim::model
