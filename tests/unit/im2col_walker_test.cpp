// SPDX-License-Identifier: MIT
// Unit tests of model::Im2colWalker: the closed-form walk over the pieces of a LOAD_IM2COL row (the RTL's
// address generator does the same steps) against a brute-force enumeration of every filter position.
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <vector>

#include "compiler/isa.h"
#include "model/im2col_encoding.h"
#include "model/im2col_walker.h"
#include "model/load_address.h"

using sasim::ConvGeometry;
using sasim::Instruction;
using sasim::Opcode;
using sasim::model::Im2colWalker;
using sasim::model::LoadAddressGen;
using sasim::model::PieceCursor;
using sasim::model::RowSegment;

namespace {

// Every position in turn: present pieces, merged when contiguous in DRAM and in the row.
std::vector<RowSegment> brute_force(const ConvGeometry& g, const Instruction& in, uint32_t ob, int64_t img, int64_t oh,
                                    int64_t ow) {
    std::vector<RowSegment> out;
    const uint32_t piece = in.chan_count * ob;
    for (uint32_t q = 0; q < in.npos; ++q) {
        const int64_t r = (in.pos0 + q) / g.kernel_w, s = (in.pos0 + q) % g.kernel_w;
        const int64_t ih = oh * g.stride_h - g.pad_top + r * g.dilation_h;
        const int64_t iw = ow * g.stride_w - g.pad_left + s * g.dilation_w;
        if (ih < 0 || iw < 0 || ih >= g.in_h || iw >= g.in_w) continue;
        const uint64_t addr = g.input_addr + (((img * g.in_h + ih) * g.in_w + iw) * g.in_c + in.chan0) * ob;
        if (!out.empty() && out.back().dram_addr + out.back().bytes == addr &&
            out.back().row_offset + out.back().bytes == q * piece) {
            out.back().bytes += piece;
        } else {
            out.push_back({addr, piece, q * piece});
        }
    }
    return out;
}

struct Case {
    ConvGeometry g;
    Instruction in;
    uint32_t ob = 1;
};

Case random_case(std::mt19937& rng) {
    auto pick = [&rng](uint32_t lo, uint32_t hi) { return std::uniform_int_distribution<uint32_t>(lo, hi)(rng); };
    Case c;
    ConvGeometry& g = c.g;
    g.input_addr = pick(0, 3) * 4096;
    g.batch = pick(1, 2);
    g.kernel_w = pick(1, 5);
    const uint32_t kernel_h = pick(1, 5);
    g.dilation_h = pick(0, 3) == 0 ? 2 : 1;
    g.dilation_w = pick(0, 3) == 0 ? pick(2, 3) : 1;
    g.stride_h = pick(1, 3);
    g.stride_w = pick(1, 3);
    g.pad_top = pick(0, 4);
    g.pad_left = pick(0, 4);
    // Widths equal to the filter's (runs over whole filter rows) and 1-pixel images come up often.
    const uint32_t eff_w = (g.kernel_w - 1) * g.dilation_w + 1, eff_h = (kernel_h - 1) * g.dilation_h + 1;
    g.in_w = pick(0, 2) == 0 ? g.kernel_w : pick(1, 9);
    g.in_h = pick(0, 3) == 0 ? 1 : pick(1, 9);
    g.in_c = pick(1, 6);
    g.out_h = (g.in_h + 2 * g.pad_top >= eff_h) ? (g.in_h + 2 * g.pad_top - eff_h) / g.stride_h + 1 : 1;
    g.out_w = (g.in_w + 2 * g.pad_left >= eff_w) ? (g.in_w + 2 * g.pad_left - eff_w) / g.stride_w + 1 : 1;
    Instruction& in = c.in;
    in.op = Opcode::LoadIm2col;
    in.chan_count = pick(0, 1) == 0 ? g.in_c : pick(1, g.in_c);  // all channels: contiguous columns
    in.chan0 = pick(0, g.in_c - in.chan_count);
    const uint32_t positions = kernel_h * g.kernel_w;
    in.pos0 = pick(0, positions - 1);
    in.npos = pick(1, positions - in.pos0);
    in.elems = in.npos * in.chan_count;
    in.rows = g.batch * g.out_h * g.out_w;
    c.ob = pick(0, 2) == 0 ? 2 : 1;
    return c;
}

}  // namespace

TEST_CASE("im2col walker: every row equals the position-by-position enumeration", "[loadaddr][walker]") {
    std::mt19937 rng(20261204);
    uint64_t rows = 0, multi_row_runs = 0, gaps = 0;
    for (int t = 0; t < 4000; ++t) {
        const Case c = random_case(rng);
        const std::vector<ConvGeometry> convs{c.g};
        LoadAddressGen gen(c.in, convs, c.ob);
        std::vector<RowSegment> got;
        for (uint32_t i = 0; i < c.in.rows; ++i) {
            const int64_t per_image = int64_t{c.g.out_h} * c.g.out_w;
            const int64_t img = i / per_image, oh = (i % per_image) / c.g.out_w, ow = i % c.g.out_w;
            gen.row_segments(i, got);
            const std::vector<RowSegment> want = brute_force(c.g, c.in, c.ob, img, oh, ow);
            INFO("case " << t << " row " << i << " kw " << c.g.kernel_w << " in " << c.g.in_h << "x" << c.g.in_w << "x"
                         << c.g.in_c << " pad " << c.g.pad_top << "," << c.g.pad_left << " stride " << c.g.stride_h << ","
                         << c.g.stride_w << " dil " << c.g.dilation_h << "," << c.g.dilation_w << " pos0 " << c.in.pos0
                         << " npos " << c.in.npos << " chans " << c.in.chan0 << "+" << c.in.chan_count);
            REQUIRE(got.size() == want.size());
            for (size_t k = 0; k < want.size(); ++k) {
                CHECK(got[k].dram_addr == want[k].dram_addr);
                CHECK(got[k].bytes == want[k].bytes);
                CHECK(got[k].row_offset == want[k].row_offset);
                const uint32_t piece = c.in.chan_count * c.ob;
                if (want[k].bytes / piece > c.g.kernel_w) ++multi_row_runs;
                if (k > 0 && want[k].row_offset != want[k - 1].row_offset + want[k - 1].bytes) ++gaps;
            }
            ++rows;
        }
    }
    // The random geometries reach the walker's rare branches.
    CHECK(rows > 50000);
    CHECK(multi_row_runs > 100);
    CHECK(gaps > 1000);
}

TEST_CASE("im2col walker: a run over whole filter rows stops at the image's last row", "[loadaddr][walker]") {
    // 1 channel, 3-wide image, 3x3 filter without padding: every filter row is 3 contiguous bytes and the
    // next row follows it, so the 9 positions are one run of 9 bytes while they lie in the image.
    ConvGeometry g;
    g.in_h = 5;
    g.in_w = 3;
    g.in_c = 1;
    g.kernel_w = 3;
    g.out_h = 3;
    g.out_w = 1;
    const Im2colWalker top(g, 0, 9, 1, 0, 0);
    PieceCursor c;
    REQUIRE(top.first(c));
    CHECK(c == PieceCursor{0, 0, 0, 0});
    CHECK(top.run(c).pieces == 9);
    CHECK_FALSE(top.run(c).has_next);
    // Padding 1 at the top and bottom (out_h 5): output row 4 reads input rows 3, 4 and 5, the last absent.
    g.pad_top = 1;
    g.out_h = 5;
    const Im2colWalker bottom(g, 1, 8, 1, 4, 0);
    REQUIRE(bottom.first(c));
    CHECK(c == PieceCursor{0, 1, 3, 1});
    CHECK(bottom.run(c).pieces == 5);  // (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)
    CHECK_FALSE(bottom.run(c).has_next);
}

TEST_CASE("im2col walker: programs outside the contract are refused", "[loadaddr][walker]") {
    ConvGeometry g;
    g.in_h = g.in_w = 4;
    g.in_c = 2;
    g.kernel_w = 3;
    CHECK_THROWS_AS(Im2colWalker(g, 0, 9, 3, 0, 0), std::logic_error);  // more channels than the input has
    g.dilation_w = 0;
    CHECK_THROWS_AS(Im2colWalker(g, 0, 9, 2, 0, 0), std::logic_error);
}

TEST_CASE("im2col encoding: stepped pixels and element offsets equal the direct formula", "[loadaddr][walker]") {
    // What the RTL's load DMA does with the encoder's values: starts at an instruction's first pixel, steps
    // from pixel to pixel by additions only, and addresses piece (r, s) as pix + r0_off + ... in elements.
    std::mt19937 rng(7);
    for (int t = 0; t < 500; ++t) {
        const Case c = random_case(rng);
        const ConvGeometry& g = c.g;
        const sasim::model::Im2colSteps steps = sasim::model::im2col_steps(g);
        const uint64_t pixel0 = std::uniform_int_distribution<uint64_t>(0, c.in.rows - 1)(rng);
        sasim::model::Im2colStart st = sasim::model::im2col_start(g, pixel0, c.in.pos0, c.in.chan0, c.in.chan_count);
        uint32_t oh = st.oh0, ow = st.ow0, pix = st.pix0;
        int32_t ih0 = st.ih0, iw0 = st.iw0;
        for (uint64_t pixel = pixel0; pixel < c.in.rows; ++pixel) {
            const sasim::model::Im2colStart direct =
                sasim::model::im2col_start(g, pixel, c.in.pos0, c.in.chan0, c.in.chan_count);
            INFO("case " << t << " pixel " << pixel);
            REQUIRE(oh == direct.oh0);
            REQUIRE(ow == direct.ow0);
            REQUIRE(ih0 == direct.ih0);
            REQUIRE(iw0 == direct.iw0);
            REQUIRE(pix == direct.pix0);
            // Piece (r0, s0)'s element offset against the NHWC formula (wrapping in 32 bits).
            const int64_t img = pixel / (int64_t{g.out_h} * g.out_w);
            const int64_t ih = ih0 + int64_t{direct.r0_dh}, iw = iw0 + int64_t{direct.s0_dw};
            const uint32_t want = static_cast<uint32_t>(((img * g.in_h + ih) * g.in_w + iw) * g.in_c + c.in.chan0);
            CHECK(pix + direct.r0_off + direct.s0_off == want);
            CHECK(direct.cont.cols == (g.dilation_w * g.in_c == c.in.chan_count));
            // The DMA's step to the next output pixel.
            if (ow + 1 == g.out_w) {
                ow = 0;
                iw0 = -static_cast<int32_t>(g.pad_left);
                if (oh + 1 == g.out_h) {
                    oh = 0;
                    ih0 = -static_cast<int32_t>(g.pad_top);
                    pix += steps.wrap_h;
                } else {
                    ++oh;
                    ih0 += static_cast<int32_t>(g.stride_h);
                    pix += steps.wrap_w;
                }
            } else {
                ++ow;
                iw0 += static_cast<int32_t>(g.stride_w);
                pix += steps.pixel;
            }
        }
    }
}
