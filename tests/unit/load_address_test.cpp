// SPDX-License-Identifier: MIT
// Unit tests of model::LoadAddressGen (LOAD and LOAD_IM2COL rows) and split_requests.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "compiler/isa.h"
#include "model/load_address.h"

using sasim::ConvGeometry;
using sasim::Instruction;
using sasim::Opcode;
using sasim::model::LoadAddressGen;
using sasim::model::RowSegment;

namespace {

// 2 images of 4 x 5 pixels x 6 channels at byte 1000; 3x3 filter, stride 1, padding 1 -> 4 x 5 outputs.
ConvGeometry padded_geometry() {
    ConvGeometry g;
    g.input_addr = 1000;
    g.batch = 2;
    g.in_h = 4;
    g.in_w = 5;
    g.in_c = 6;
    g.out_h = 4;
    g.out_w = 5;
    g.kernel_w = 3;
    g.pad_top = 1;
    g.pad_left = 1;
    return g;
}

Instruction im2col(uint64_t pixel0, uint32_t rows, uint32_t pos0, uint32_t npos, uint32_t chan0, uint32_t chans) {
    Instruction in;
    in.op = Opcode::LoadIm2col;
    in.conv = 0;
    in.pixel0 = pixel0;
    in.rows = rows;
    in.pos0 = pos0;
    in.npos = npos;
    in.chan0 = chan0;
    in.chan_count = chans;
    in.elems = npos * chans;
    return in;
}

void check_seg(const RowSegment& s, uint64_t addr, uint32_t bytes, uint32_t offset) {
    CHECK(s.dram_addr == addr);
    CHECK(s.bytes == bytes);
    CHECK(s.row_offset == offset);
}

}  // namespace

TEST_CASE("loadaddr: Load2d rows follow the DRAM stride", "[loadaddr]") {
    Instruction in;
    in.op = Opcode::Load2d;
    in.rows = 4;
    in.elems = 10;
    in.dram_addr = 0x400;
    in.dram_stride = 96;
    for (uint32_t ob : {1u, 2u}) {
        LoadAddressGen gen(in, {}, ob);
        CHECK(gen.row_bytes() == 10 * ob);
        std::vector<RowSegment> segs{{1, 2, 3}};  // stale content is replaced
        for (uint32_t i = 0; i < 4; ++i) {
            gen.row_segments(i, segs);
            REQUIRE(segs.size() == 1);
            check_seg(segs[0], 0x400 + 96 * i, 10 * ob, 0);
        }
    }
}

TEST_CASE("loadaddr: im2col interior pixel reads one piece per position", "[loadaddr]") {
    const std::vector<ConvGeometry> convs{padded_geometry()};
    // Pixel 7 of image 0 = (oh 1, ow 2). Position 4 (r 1, s 1): ih = 1 - 1 + 1 = 1, iw = 2 - 1 + 1 = 2.
    // Element ((0 * 4 + 1) * 5 + 2) * 6 + chan0 2 = 44 -> byte 1000 + 44 * ob.
    for (uint32_t ob : {1u, 2u}) {
        const Instruction in = im2col(7, 1, 4, 1, 2, 3);
        LoadAddressGen gen(in, convs, ob);
        CHECK(gen.row_bytes() == 3 * ob);
        std::vector<RowSegment> segs;
        gen.row_segments(0, segs);
        REQUIRE(segs.size() == 1);
        check_seg(segs[0], 1000 + 44 * ob, 3 * ob, 0);
    }
}

TEST_CASE("loadaddr: im2col all-padding rows are empty", "[loadaddr]") {
    const std::vector<ConvGeometry> convs{padded_geometry()};
    // Position 0 (r 0, s 0) at output (0, 0) reads (-1, -1); at output (0, 3) reads (-1, 2): both padding.
    // Position 8 (r 2, s 2) at output (3, 4) reads (4, 5): past the bottom-right corner.
    const Instruction top = im2col(0, 4, 0, 1, 0, 6);
    LoadAddressGen gen(top, convs, 1);
    std::vector<RowSegment> segs;
    for (uint32_t i = 0; i < 4; ++i) {
        gen.row_segments(i, segs);
        CHECK(segs.empty());
    }
    // Image 1, last pixel: 20 + 19 = 39.
    const Instruction corner = im2col(39, 1, 8, 1, 0, 6);
    LoadAddressGen gen2(corner, convs, 1);
    gen2.row_segments(0, segs);
    CHECK(segs.empty());
    // Same position one pixel earlier, (3, 3) -> (4, 4): still below the image.
    const Instruction corner2 = im2col(38, 2, 8, 1, 0, 6);
    LoadAddressGen gen3(corner2, convs, 1);
    gen3.row_segments(0, segs);
    CHECK(segs.empty());
}

TEST_CASE("loadaddr: im2col partial rows with several positions (npos > 1)", "[loadaddr]") {
    const std::vector<ConvGeometry> convs{padded_geometry()};
    // Positions 3, 4, 5 (r 1, s 0..2) at output (0, 0): iw = -1, 0, 1 with ih = 0.
    // Position 3 is padding (left); 4 reads element (0*5+0)*6+1 = 1, 5 reads (0*5+1)*6+1 = 7.
    // Each position is a piece of 4 channels, placed at q * piece in the row.
    for (uint32_t ob : {1u, 2u}) {
        const Instruction in = im2col(0, 1, 3, 3, 1, 4);
        LoadAddressGen gen(in, convs, ob);
        CHECK(gen.row_bytes() == 12 * ob);
        std::vector<RowSegment> segs;
        gen.row_segments(0, segs);
        REQUIRE(segs.size() == 2);
        check_seg(segs[0], 1000 + 1 * ob, 4 * ob, 4 * ob);
        check_seg(segs[1], 1000 + 7 * ob, 4 * ob, 8 * ob);
    }
    // All nine positions for pixel 20 (image 1, output (0, 0)): only r, s in {1, 2} are inside:
    // positions 4, 5, 7, 8 -> (0,0), (0,1), (1,0), (1,1) of image 1; element base of image 1 = 4*5*6 = 120.
    const Instruction all = im2col(20, 1, 0, 9, 0, 2);
    LoadAddressGen gen(all, convs, 1);
    std::vector<RowSegment> segs;
    gen.row_segments(0, segs);
    REQUIRE(segs.size() == 4);
    check_seg(segs[0], 1000 + 120 + 0, 2, 4 * 2);
    check_seg(segs[1], 1000 + 120 + 6, 2, 5 * 2);
    check_seg(segs[2], 1000 + 120 + 30, 2, 7 * 2);
    check_seg(segs[3], 1000 + 120 + 36, 2, 8 * 2);
}

TEST_CASE("loadaddr: im2col with stride and dilation", "[loadaddr]") {
    // 2 images 7x7x4, 3x3 filter, stride 2, dilation 2, no padding: span 5, out (7 - 5) / 2 + 1 = 2.
    ConvGeometry g;
    g.input_addr = 64;
    g.batch = 2;
    g.in_h = 7;
    g.in_w = 7;
    g.in_c = 4;
    g.out_h = 2;
    g.out_w = 2;
    g.kernel_w = 3;
    g.stride_h = 2;
    g.stride_w = 2;
    g.dilation_h = 2;
    g.dilation_w = 2;
    const std::vector<ConvGeometry> convs{g};
    // Rows from pixel 5: row 2 is pixel 7 = image 1, output (1, 1). Position 8 (r 2, s 2):
    // ih = 1*2 + 2*2 = 6, iw = 6 -> element ((1*7 + 6) * 7 + 6) * 4 + 1 = 389.
    // Position 5 (r 1, s 2): ih = 2 + 2 = 4, iw = 6 -> ((7 + 4) * 7 + 6) * 4 + 1 = 333.
    const Instruction in = im2col(5, 3, 5, 4, 1, 2);  // positions 5..8
    LoadAddressGen gen(in, convs, 2);
    std::vector<RowSegment> segs;
    gen.row_segments(2, segs);
    REQUIRE(segs.size() == 4);  // no padding: every position is inside
    check_seg(segs[0], 64 + 333 * 2, 4, 0);
    // Position 6 (r 2, s 0): ih 6, iw 2 -> ((7 + 6) * 7 + 2) * 4 + 1 = 373.
    check_seg(segs[1], 64 + 373 * 2, 4, 4);
    // Position 7 (r 2, s 1): ih 6, iw 4 -> ((7 + 6) * 7 + 4) * 4 + 1 = 381.
    check_seg(segs[2], 64 + 381 * 2, 4, 8);
    check_seg(segs[3], 64 + 389 * 2, 4, 12);
    // Row 0 is pixel 5 = image 1, output (0, 1): position 5 -> ih 2, iw 2 + 4 = 6 -> ((7+2)*7+6)*4+1 = 277.
    gen.row_segments(0, segs);
    REQUIRE(segs.size() == 4);
    check_seg(segs[0], 64 + 277 * 2, 4, 0);
}

TEST_CASE("loadaddr: split_requests cuts a segment into bounded pieces", "[loadaddr]") {
    std::vector<RowSegment> out{{7, 7, 7}};  // appended to, not cleared
    sasim::model::split_requests({100, 150, 6}, 64, out);
    REQUIRE(out.size() == 4);
    check_seg(out[1], 100, 64, 6);
    check_seg(out[2], 164, 64, 70);
    check_seg(out[3], 228, 22, 134);

    out.clear();
    sasim::model::split_requests({0, 128, 0}, 64, out);  // exact multiple: no empty tail
    REQUIRE(out.size() == 2);
    check_seg(out[1], 64, 64, 64);

    out.clear();
    sasim::model::split_requests({5, 0, 0}, 64, out);  // empty segment: no requests
    CHECK(out.empty());

    out.clear();
    sasim::model::split_requests({5, 3, 1}, 64, out);  // smaller than the limit: unchanged
    REQUIRE(out.size() == 1);
    check_seg(out[0], 5, 3, 1);
}
