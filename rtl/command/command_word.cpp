// SPDX-License-Identifier: MIT
#include "rtl/command/command_word.h"

#include <fmt/format.h>

#include "common/errors.h"
#include "model/im2col_encoding.h"

namespace sasim::rtl {
namespace {

template <typename W, size_t N>
W masked(W word, const WordField (&fields)[N]) {
    for (size_t i = 0; i < N; ++i) word.value[i] &= field_mask(fields[i].bits);
    return word;
}

}  // namespace

CommandWord encode_command(const Instruction& in, const Program& program) {
    using F = CommandField;
    CommandWord w;
    w[F::op] = static_cast<uint64_t>(in.op);
    w[F::wait_prev] = in.wait_prev;
    w[F::wait_next] = in.wait_next;
    w[F::signal_prev] = in.signal_prev;
    w[F::signal_next] = in.signal_next;
    w[F::dst] = in.dst == LocalMem::Accumulator ? 1 : 0;
    w[F::local_row] = in.local_row;
    w[F::rows] = in.rows;
    w[F::elems] = in.elems;
    w[F::block_elems] = in.block_elems;
    w[F::block_stride] = in.block_stride;
    w[F::blocks] = load_blocks(in);
    w[F::dram_addr] = in.dram_addr;
    w[F::dram_stride] = in.dram_stride;
    w[F::a_row] = in.a_row;
    w[F::b_row] = in.b_row;
    w[F::c_row] = in.c_row;
    w[F::m] = in.m;
    w[F::n] = in.n;
    w[F::k] = in.k;
    w[F::preload] = in.preload;
    w[F::accumulate] = in.accumulate;
    w[F::win_w] = in.win_w;
    w[F::win_x0] = in.win_x0;
    w[F::win_col_step] = in.win_col_step;
    w[F::win_line_step] = in.win_line_step;
    w[F::shift] = in.shift;
    w[F::relu] = in.relu;
    if (in.op == Opcode::LoadIm2col) {
        if (in.conv >= program.convs.size()) {
            throw SimulationError(fmt::format("{}: conv {} is not in the program's {} geometries", disassemble(in),
                                              in.conv, program.convs.size()));
        }
        const model::Im2colStart st =
            model::im2col_start(program.convs[in.conv], in.pixel0, in.pos0, in.chan0, in.chan_count);
        w[F::npos] = in.npos;
        w[F::chan_count] = in.chan_count;
        w[F::oh0] = st.oh0;
        w[F::ow0] = st.ow0;
        w[F::s0] = st.s0;
        w[F::ih0] = static_cast<uint32_t>(st.ih0);
        w[F::iw0] = static_cast<uint32_t>(st.iw0);
        w[F::pix0] = st.pix0;
        w[F::r0_dh] = st.r0_dh;
        w[F::s0_dw] = st.s0_dw;
        w[F::r0_off] = st.r0_off;
        w[F::s0_off] = st.s0_off;
        w[F::cont_s] = st.cont.cols;
        w[F::cont_r] = st.cont.rows;
    }
    return masked(w, kCommandFields);
}

ConvWord encode_conv(const ConvGeometry& g) {
    using F = ConvField;
    ConvWord w;
    w[F::input_addr] = g.input_addr;
    w[F::in_h] = g.in_h;
    w[F::in_w] = g.in_w;
    w[F::in_c] = g.in_c;
    w[F::out_h] = g.out_h;
    w[F::out_w] = g.out_w;
    w[F::kernel_w] = g.kernel_w;
    w[F::stride_h] = g.stride_h;
    w[F::stride_w] = g.stride_w;
    w[F::pad_top] = g.pad_top;
    w[F::pad_left] = g.pad_left;
    w[F::dilation_h] = g.dilation_h;
    w[F::dilation_w] = g.dilation_w;
    const model::Im2colSteps steps = model::im2col_steps(g);
    w[F::step_col] = steps.col;
    w[F::step_row] = steps.row;
    w[F::step_pixel] = steps.pixel;
    w[F::wrap_w] = steps.wrap_w;
    w[F::wrap_h] = steps.wrap_h;
    return masked(w, kConvFields);
}

ConvWord program_conv_word(const Program& program) {
    const Instruction* first = nullptr;
    ConvWord word;
    for (size_t i = 0; i < program.instrs.size(); ++i) {
        const Instruction& in = program.instrs[i];
        if (in.op != Opcode::LoadIm2col) continue;
        if (in.conv >= program.convs.size()) {
            throw SimulationError(fmt::format("instruction #{} ({}): conv {} is not in the program's {} geometries",
                                              i, disassemble(in), in.conv, program.convs.size()));
        }
        const ConvWord w = encode_conv(program.convs[in.conv]);
        if (first == nullptr) {
            first = &in;
            word = w;
        } else if (w != word) {
            throw SimulationError(fmt::format("instruction #{} ({}): a second convolution geometry (the RTL holds "
                                              "one per program)", i, disassemble(in)));
        }
    }
    return word;
}

}  // namespace sasim::rtl
