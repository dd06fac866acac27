// SPDX-License-Identifier: MIT
// The pieces of one LOAD_IM2COL row (docs/isa.md), walked run by run in closed form: the first present
// piece, and from any present piece the run of contiguous pieces it starts and the next present piece
// after that run, each with a constant amount of arithmetic whatever the number of pieces. The RTL's
// address generator (rtl/templates/sasim_load_addr.sv) computes exactly these steps, one per cycle, so
// its logic does not grow with the pieces of a row; the model's LoadAddressGen walks with this class.
//
// Piece q (0 <= q < npos) is filter position pos0 + q = (r, s), reading input pixel (ih, iw); it is
// present unless that pixel is padding. Two neighbouring present pieces q, q + 1 are contiguous when the
// second starts where the first ends in DRAM: within a filter row when the column step equals the piece
// size, across rows when the row step does (im2col_contiguity, shared with the RTL's command encoder).
//
// Contract (the compiler's programs keep it; a violation throws std::logic_error): chan_count <= in_c and
// dilations >= 1. Then a column-contiguous row has dilation_w 1, and runs over whole filter rows have
// dilation_h 1, which keeps every step free of division by a dilation except three clamped ones.
#pragma once
#include <cstdint>

#include "compiler/isa.h"

namespace sasim::model {

// One piece: its index in the row, filter column and input pixel.
struct PieceCursor {
    uint32_t q = 0;
    int64_t s = 0;
    int64_t ih = 0, iw = 0;
    bool operator==(const PieceCursor& o) const { return q == o.q && s == o.s && ih == o.ih && iw == o.iw; }
};

// The run of contiguous present pieces that starts at a present piece.
struct PieceRun {
    uint32_t pieces = 0;   // pieces in the run (>= 1)
    bool has_next = false; // a present piece follows the run in this row
    PieceCursor next;      // that piece (valid when has_next)
};

class Im2colWalker {
public:
    // The row of output pixel (oh, ow) for the chunk pos0 .. pos0 + npos - 1 of `chan_count` channels.
    Im2colWalker(const ConvGeometry& g, uint32_t pos0, uint32_t npos, uint32_t chan_count, int64_t oh, int64_t ow);

    // The first present piece; false for an all-padding row.
    bool first(PieceCursor& out) const;
    // The run starting at present piece `c`.
    PieceRun run(const PieceCursor& c) const;

private:
    // The first present piece of the filter row whose first position is piece qb, at input row ih.
    bool row_start(int64_t qb, int64_t ih, PieceCursor& out) const;
    // The next present piece after present piece `e`.
    bool next_after(const PieceCursor& e, PieceCursor& out) const;

    int64_t m_npos, m_kw, m_s0;
    int64_t m_dh, m_dw, m_in_h, m_in_w;
    int64_t m_ih_r0;       // input row of filter row r0 (the chunk's first)
    int64_t m_iw0;         // input column of filter column 0
    int64_t m_k0;          // first filter column whose input column is >= 0, clamped to npos
    bool m_cols_ok;        // filter column m_k0 reads inside the image (the row has present columns)
    bool m_cont_s, m_cont_r;  // contiguity within a filter row, and from one filter row to the next
};

// ceil(num / den) for num >= 0, den >= 1, clamped to `clamp` (the RTL's divider has a bounded quotient).
int64_t ceil_div_clamped(int64_t num, int64_t den, int64_t clamp);

}  // namespace sasim::model
