// SPDX-License-Identifier: MIT
#include "model/im2col_walker.h"

#include <algorithm>
#include <stdexcept>

#include "model/im2col_encoding.h"

namespace sasim::model {

int64_t ceil_div_clamped(int64_t num, int64_t den, int64_t clamp) {
    return std::min((num + den - 1) / den, clamp);
}

Im2colWalker::Im2colWalker(const ConvGeometry& g, uint32_t pos0, uint32_t npos, uint32_t chan_count, int64_t oh,
                           int64_t ow)
    : m_npos(npos), m_kw(g.kernel_w), m_s0(pos0 % g.kernel_w), m_dh(g.dilation_h), m_dw(g.dilation_w),
      m_in_h(g.in_h), m_in_w(g.in_w) {
    if (chan_count > g.in_c || g.dilation_h == 0 || g.dilation_w == 0 || g.kernel_w == 0) {
        throw std::logic_error("LOAD_IM2COL outside the address walker's contract (chan_count <= in_c, dilations >= 1)");
    }
    const int64_t r0 = pos0 / g.kernel_w;
    m_ih_r0 = oh * g.stride_h - static_cast<int64_t>(g.pad_top) + r0 * m_dh;
    m_iw0 = ow * g.stride_w - static_cast<int64_t>(g.pad_left);
    m_k0 = m_iw0 < 0 ? ceil_div_clamped(-m_iw0, m_dw, m_npos) : 0;
    m_cols_ok = m_k0 < m_kw && m_iw0 + m_k0 * m_dw < m_in_w;
    const Im2colContiguity cont = im2col_contiguity(g, chan_count);
    m_cont_s = cont.cols;
    m_cont_r = cont.rows;
}

bool Im2colWalker::row_start(int64_t qb, int64_t ih, PieceCursor& out) const {
    out = {static_cast<uint32_t>(std::min(qb + m_k0, m_npos)), m_k0, ih, m_iw0 + m_k0 * m_dw};
    return ih < m_in_h && m_cols_ok && qb + m_k0 < m_npos;
}

bool Im2colWalker::first(PieceCursor& out) const {
    if (m_ih_r0 >= m_in_h) return false;
    if (m_ih_r0 >= 0) {
        // In the chunk's first filter row, from column s0.
        const int64_t iw_s0 = m_iw0 + m_s0 * m_dw;
        const int64_t ks = iw_s0 < 0 ? ceil_div_clamped(-iw_s0, m_dw, m_npos) : 0;
        if (ks < m_npos && m_s0 + ks < m_kw && iw_s0 + ks * m_dw < m_in_w) {
            out = {static_cast<uint32_t>(ks), m_s0 + ks, m_ih_r0, iw_s0 + ks * m_dw};
            return true;
        }
        return row_start(m_kw - m_s0, m_ih_r0 + m_dh, out);
    }
    // Filter rows above the image: kr rows further (clamped: a row past the chunk ends it anyway).
    const int64_t kr = ceil_div_clamped(-m_ih_r0, m_dh, m_npos);
    return row_start(m_kw - m_s0 + (kr - 1) * m_kw, m_ih_r0 + kr * m_dh, out);
}

bool Im2colWalker::next_after(const PieceCursor& e, PieceCursor& out) const {
    if (e.s + 1 < m_kw && e.iw + m_dw < m_in_w && e.q + 1 < m_npos) {
        out = {e.q + 1, e.s + 1, e.ih, e.iw + m_dw};
        return true;
    }
    return row_start(e.q + (m_kw - e.s), e.ih + m_dh, out);
}

PieceRun Im2colWalker::run(const PieceCursor& c) const {
    if (m_cont_s && m_dw != 1) throw std::logic_error("im2col walker: column-contiguous pieces with dilation_w > 1");
    PieceRun out;
    // Segment A: within c's filter row (with contiguous columns, dilation_w is 1).
    const int64_t q = c.q;
    const int64_t n_a = m_cont_s ? std::min({m_kw - c.s, m_in_w - c.iw, m_npos - q}) : 1;
    // Segment B: the next filter row from column 0, when it continues A in DRAM and in the row.
    const int64_t jq = q + n_a;
    const bool junction = c.s + n_a == m_kw && m_cont_r && m_iw0 >= 0 && m_iw0 < m_in_w && c.ih + m_dh < m_in_h &&
                          jq < m_npos;
    const int64_t n_b = m_cont_s ? std::min({m_kw, m_in_w - m_iw0, m_npos - jq}) : 1;
    if (junction && n_b == m_kw) {
        // B is a whole filter row, so every later row is too: the run takes every present row to the end of
        // the chunk (such runs have dilation_h 1, so the rows left are counted without a division).
        if (m_dh != 1) throw std::logic_error("im2col walker: runs over whole filter rows with dilation_h > 1");
        const int64_t rows_left = std::min(m_in_h - 1 - c.ih, m_npos);
        out.pieces = static_cast<uint32_t>(std::min(m_npos - q, n_a + rows_left * m_kw));
        return out;
    }
    PieceCursor end;
    if (junction) {
        out.pieces = static_cast<uint32_t>(n_a + n_b);
        end = {static_cast<uint32_t>(jq + n_b - 1), n_b - 1, c.ih + m_dh, m_iw0 + n_b - 1};
    } else {
        out.pieces = static_cast<uint32_t>(n_a);
        end = {static_cast<uint32_t>(q + n_a - 1), c.s + n_a - 1, c.ih, c.iw + n_a - 1};
    }
    out.has_next = next_after(end, out.next);
    return out;
}

}  // namespace sasim::model
