// SPDX-License-Identifier: MIT
// What the RTL's LOAD_IM2COL address generator takes precomputed (docs/rtl.md, "Load DMA"): header-only,
// shared by the model's Im2colWalker (contiguity) and the Verilator harness (the command encoder), so
// the facts are written once. Everything is in elements and 32-bit wrapping arithmetic, as the RTL
// computes it (it scales element offsets by the operand size, a constant shift).
#pragma once
#include <cstdint>

#include "compiler/isa.h"

namespace sasim::model {

// Whether neighbouring pieces of `chan_count` channels touch in DRAM: within a filter row (the column
// step equals the piece) and from a filter row's last column to the next row's first.
struct Im2colContiguity {
    bool cols = false, rows = false;
};
inline Im2colContiguity im2col_contiguity(const ConvGeometry& g, uint32_t chan_count) {
    const uint32_t step_s = g.dilation_w * g.in_c;
    const uint32_t step_r = (g.dilation_h * g.in_w - (g.kernel_w - 1) * g.dilation_w) * g.in_c;
    return {step_s == chan_count, step_r == chan_count};
}

// Per geometry: element steps of the address walk (the RTL's conv_t).
struct Im2colSteps {
    uint32_t col = 0;      // one filter column: dilation_w pixels
    uint32_t row = 0;      // one filter row: dilation_h input rows
    uint32_t pixel = 0;    // the next output pixel of an output row: stride_w pixels
    uint32_t wrap_w = 0;   // from an output row's last pixel to the next output row's first
    uint32_t wrap_h = 0;   // from an image's last output pixel to the next image's first
};
inline Im2colSteps im2col_steps(const ConvGeometry& g) {
    Im2colSteps s;
    const uint32_t line = g.in_w * g.in_c;
    s.col = g.dilation_w * g.in_c;
    s.row = g.dilation_h * line;
    s.pixel = g.stride_w * g.in_c;
    const uint32_t back_w = (g.out_w - 1) * s.pixel;
    s.wrap_w = g.stride_h * line - back_w;
    s.wrap_h = g.in_h * line - (g.out_h - 1) * g.stride_h * line - back_w;
    return s;
}

// Per instruction: its first output pixel and its chunk's first filter position (r0, s0), decoded.
struct Im2colStart {
    uint32_t img0 = 0, oh0 = 0, ow0 = 0, r0 = 0, s0 = 0;
    int32_t ih0 = 0, iw0 = 0;  // input pixel of filter position (0, 0) for the first output pixel
    uint32_t pix0 = 0;         // its element offset from input_addr (wrapping: it may lie in the padding)
    uint32_t r0_dh = 0, s0_dw = 0;     // input rows / columns from position (0, 0) to (r0, s0)
    uint32_t r0_off = 0, s0_off = 0;   // elements to (r0, 0) plus chan0, and from (r0, 0) to (r0, s0)
    Im2colContiguity cont;
};
inline Im2colStart im2col_start(const ConvGeometry& g, uint64_t pixel0, uint32_t pos0, uint32_t chan0,
                                uint32_t chan_count) {
    Im2colStart st;
    const uint64_t per_image = uint64_t{g.out_h} * g.out_w;
    const uint32_t kw = g.kernel_w == 0 ? 1 : g.kernel_w;
    if (per_image != 0) {
        st.img0 = static_cast<uint32_t>(pixel0 / per_image);
        st.oh0 = static_cast<uint32_t>((pixel0 % per_image) / g.out_w);
        st.ow0 = static_cast<uint32_t>((pixel0 % per_image) % g.out_w);
    }
    st.r0 = pos0 / kw;
    st.s0 = pos0 % kw;
    const uint32_t ih0 = st.oh0 * g.stride_h - g.pad_top, iw0 = st.ow0 * g.stride_w - g.pad_left;
    st.ih0 = static_cast<int32_t>(ih0);
    st.iw0 = static_cast<int32_t>(iw0);
    st.pix0 = ((st.img0 * g.in_h + ih0) * g.in_w + iw0) * g.in_c;
    const Im2colSteps steps = im2col_steps(g);
    st.r0_dh = st.r0 * g.dilation_h;
    st.s0_dw = st.s0 * g.dilation_w;
    st.r0_off = st.r0 * steps.row + chan0;
    st.s0_off = st.s0 * steps.col;
    st.cont = im2col_contiguity(g, chan_count);
    return st;
}

}  // namespace sasim::model
