// SPDX-License-Identifier: MIT
#include "model/load_address.h"

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
    for (uint32_t q = 0; q < m_in.npos; ++q) {
        const uint32_t pos = m_in.pos0 + q;
        const int64_t r = pos / g.kernel_w;
        const int64_t s = pos % g.kernel_w;
        const int64_t ih = oh * g.stride_h - static_cast<int64_t>(g.pad_top) + r * g.dilation_h;
        const int64_t iw = ow * g.stride_w - static_cast<int64_t>(g.pad_left) + s * g.dilation_w;
        if (ih < 0 || iw < 0 || ih >= static_cast<int64_t>(g.in_h) || iw >= static_cast<int64_t>(g.in_w)) continue;
        const uint64_t elem = ((n * g.in_h + static_cast<uint64_t>(ih)) * g.in_w + static_cast<uint64_t>(iw)) * g.in_c +
                              m_in.chan0;
        const uint64_t addr = g.input_addr + elem * m_ob;
        if (!out.empty() && out.back().dram_addr + out.back().bytes == addr &&
            out.back().row_offset + out.back().bytes == q * piece) {
            out.back().bytes += piece;  // neighbouring filter positions that are contiguous in DRAM
        } else {
            out.push_back({addr, piece, q * piece});
        }
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
