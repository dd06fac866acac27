// SPDX-License-Identifier: MIT
#include "model/load_address.h"

#include "model/im2col_walker.h"

#include <algorithm>

namespace sasim::model {

LoadAddressGen::LoadAddressGen(const Instruction& in, const std::vector<ConvGeometry>& convs, uint32_t operand_bytes)
    : m_in(in), m_ob(operand_bytes), m_row_bytes(in.elems * operand_bytes) {
    if (in.op == Opcode::LoadIm2col) m_conv = &convs.at(in.conv);
}

void LoadAddressGen::row_segments(uint32_t i, std::vector<RowSegment>& out) const {
    out.clear();
    if (m_in.op == Opcode::Load2d) {
        out.push_back({m_in.dram_addr + uint64_t{i} * m_in.dram_stride, m_row_bytes, 0});
        return;
    }
    const ConvGeometry& g = *m_conv;
    const uint64_t pixel = m_in.pixel0 + i;
    const uint64_t per_image = uint64_t{g.out_h} * g.out_w;
    const uint64_t n = pixel / per_image;
    const uint64_t rem = pixel % per_image;
    const int64_t oh = static_cast<int64_t>(rem / g.out_w);
    const int64_t ow = static_cast<int64_t>(rem % g.out_w);
    const uint32_t piece = m_in.chan_count * m_ob;
    const Im2colWalker walker(g, m_in.pos0, m_in.npos, m_in.chan_count, oh, ow);
    PieceCursor c;
    for (bool present = walker.first(c); present;) {
        const uint64_t elem = ((n * g.in_h + static_cast<uint64_t>(c.ih)) * g.in_w + static_cast<uint64_t>(c.iw)) * g.in_c +
                              m_in.chan0;
        const PieceRun run = walker.run(c);
        out.push_back({g.input_addr + elem * m_ob, run.pieces * piece, c.q * piece});
        present = run.has_next;
        c = run.next;
    }
}

void split_requests(const RowSegment& seg, uint32_t max_bytes, std::vector<RowSegment>& out) {
    uint32_t done = 0;
    while (done < seg.bytes) {
        const uint32_t n = std::min(max_bytes, seg.bytes - done);
        out.push_back({seg.dram_addr + done, n, seg.row_offset + done});
        done += n;
    }
}

}  // namespace sasim::model
