// SPDX-License-Identifier: MIT
// Unit tests of the RTL cross-check's plain parts: the case file writer and reader, the harness result
// writer and parser (round trips, exact text, malformed and truncated files), and compare_layer.
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

#include <fmt/format.h>

#include "common/errors.h"
#include "compiler/compiler.h"
#include "rtl/check/build.h"
#include "rtl/check/case_file.h"
#include "rtl/check/check.h"
#include "rtl/command/command_word.h"
#include "rtl/generator/command_word_sv.h"
#include "model/im2col_encoding.h"
#include "rtl/generator/generator.h"
#include "test_configs.h"
#include "workload/workload.h"

using namespace sasim;
using sasim::rtl::HarnessResult;

namespace {

Config tiny_config() { return small_config(Dataflow::WS, 4, 4); }

// A small conv layer: its program has LOAD_IM2COL, LOAD, EXECUTE and STORE instructions.
CompiledLayer tiny_conv(const Config& cfg) {
    Layer l;
    l.name = "conv";
    l.kind = LayerKind::Conv;
    l.conv.in_h = 5;
    l.conv.in_w = 5;
    l.conv.in_c = 3;
    l.conv.out_c = 6;
    l.conv.kernel_h = 3;
    l.conv.kernel_w = 3;
    l.conv.pad_top = l.conv.pad_bottom = l.conv.pad_left = l.conv.pad_right = 1;
    return compile_layer(l, cfg);
}

std::vector<uint8_t> pattern(size_t n) {
    std::vector<uint8_t> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(i * 37 + 11);
    return v;
}

// A trace of `program` where instruction i issues at 10 i + 1 and retires at 10 i + 5.
sc::LayerTrace make_trace(const CompiledLayer& comp, const std::vector<uint8_t>& final_image) {
    sc::LayerTrace t;
    t.name = "conv";
    t.program = &comp.program;
    t.layout = &comp.layout;
    t.final_image = &final_image;
    for (size_t i = 0; i < comp.program.instrs.size(); ++i) {
        t.issue.push_back(10 * i + 1);
        t.retire.push_back(10 * i + 5);
    }
    t.cycles = t.retire.back();
    t.compute_cycles = 17;
    t.dma_bank_conflict_cycles = 3;
    t.dispatch_blocked_cycles = 5;
    return t;
}

HarnessResult result_from(const sc::LayerTrace& t) {
    HarnessResult r;
    r.cycles = t.cycles;
    r.compute_cycles = t.compute_cycles;
    r.dma_bank_conflict_cycles = t.dma_bank_conflict_cycles;
    r.dispatch_blocked_cycles = t.dispatch_blocked_cycles;
    r.issue = t.issue;
    r.retire = t.retire;
    r.image = *t.final_image;
    return r;
}

HarnessResult parse_text(const std::string& text, size_t expected = SIZE_MAX) {
    std::istringstream in(text);
    return rtl::parse_result(in, "result.txt", expected);
}

// A LOAD, a windowed EXECUTE, a plain EXECUTE and a STORE.
Program windowed_program() {
    Program p;
    Instruction ld;
    ld.op = Opcode::Load2d;
    ld.rows = 3;
    ld.elems = 4;
    ld.signal_next = true;
    p.instrs.push_back(ld);
    Instruction ex;
    ex.op = Opcode::Execute;
    ex.wait_prev = true;
    ex.a_row = 40;
    ex.b_row = 7;
    ex.c_row = 2;
    ex.m = 4;
    ex.n = 3;
    ex.k = 4;
    ex.preload = true;
    ex.win_w = 5;
    ex.win_x0 = 3;
    ex.win_col_step = 2;
    ex.win_line_step = 11;
    p.instrs.push_back(ex);
    Instruction plain = ex;
    plain.wait_prev = false;
    plain.signal_next = true;
    plain.win_w = plain.win_x0 = plain.win_col_step = plain.win_line_step = 0;
    p.instrs.push_back(plain);
    Instruction st;
    st.op = Opcode::Store;
    st.wait_prev = true;
    st.rows = 4;
    st.elems = 3;
    p.instrs.push_back(st);
    return p;
}

std::string case_text(const Program& p) {
    std::ostringstream out;
    rtl::write_case(out, p, pattern(10), {});
    return out.str();
}

rtl::CaseFile parse_case_text(const std::string& text) {
    std::istringstream in(text);
    return rtl::parse_case(in, "case.txt");
}

// `text` with its first occurrence of `from` replaced by `to` (which must be there).
std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

}  // namespace

// The line of values write_case writes for a command word.
std::string values_of(const rtl::CommandWord& w) {
    std::string line;
    for (size_t i = 0; i < w.value.size(); ++i) line += fmt::format(i == 0 ? "{}" : " {}", w.value[i]);
    return line;
}

TEST_CASE("rtl case file: exact text of the header, image, field lists and a Store's command word", "[rtl]") {
    Program p;
    Instruction st;
    st.op = Opcode::Store;
    st.wait_prev = true;
    st.signal_prev = true;
    st.c_row = 7;
    st.rows = 4;
    st.elems = 4;
    st.dram_addr = 128;
    st.dram_stride = 24;
    st.shift = 9;
    st.relu = true;
    p.instrs.push_back(st);
    rtl::CaseSettings s;
    s.dram.latency_cycles = 100;
    s.dram.millibytes_per_cycle = 16000;
    s.dram.max_outstanding = 32;
    s.watchdog_cycles = 5000;
    std::vector<uint8_t> image(70);
    image[0] = 0xab;
    image[69] = 0x0f;
    std::ostringstream out;
    rtl::write_case(out, p, image, s);
    const std::string hex1 = "ab" + std::string(126, '0');
    const std::string hex2 = std::string(10, '0') + "0f";
    std::string cmd_names, conv_names, conv_zeros;
    for (const auto& f : rtl::kCommandFields) cmd_names += std::string(" ") + f.name;
    for (const auto& f : rtl::kConvFields) conv_names += std::string(" ") + f.name;
    for (size_t i = 0; i < rtl::kConvFieldCount; ++i) conv_zeros += " 0";
    // op, the four tokens, local_row, rows, elems, block_elems, block_stride, blocks (decoded: 1), dram_addr,
    // dram_stride, a_row, b_row, c_row, m, n, k, preload, accumulate, the window, shift, relu, the im2col fields.
    std::string store_line = "3 1 0 1 0 0 0 4 4 0 0 1 128 24 0 0 7 0 0 0 0 0 0 0 0 0 9 1";
    for (int i = 0; i < 14; ++i) store_line += " 0";
    CHECK(out.str() == "sasim-rtl-case 3\ndram 100 16000 32\nwatchdog 5000\ndelay_read -1\nimage 70\n" + hex1 + "\n" +
                           hex2 + "\nfields cmd_word 42" + cmd_names + "\nfields conv_word 18" + conv_names +
                           "\nconv_word" + conv_zeros + "\ninstrs 1\n" + store_line + "\nend\n");
}

TEST_CASE("rtl command word: the encoder decodes loads and LOAD_IM2COL for the RTL", "[rtl]") {
    const Config cfg = tiny_config();
    const CompiledLayer comp = tiny_conv(cfg);
    using F = rtl::CommandField;
    bool saw_im2col = false;
    for (const Instruction& in : comp.program.instrs) {
        const rtl::CommandWord w = rtl::encode_command(in, comp.program);
        INFO(disassemble(in));
        CHECK(w[F::op] == static_cast<uint64_t>(in.op));
        CHECK(w[F::blocks] == load_blocks(in));
        CHECK(w[F::m] == in.m);
        CHECK(w[F::c_row] == in.c_row);
        if (in.op != Opcode::LoadIm2col) {
            CHECK(w[F::pix0] == 0);
            continue;
        }
        saw_im2col = true;
        const model::Im2colStart st =
            model::im2col_start(comp.program.convs[in.conv], in.pixel0, in.pos0, in.chan0, in.chan_count);
        CHECK(w[F::oh0] == st.oh0);
        CHECK(w[F::ow0] == st.ow0);
        CHECK(w[F::ih0] == static_cast<uint32_t>(st.ih0));  // two's complement in 32 bits
        CHECK(w[F::r0_off] == st.r0_off);
        CHECK(w[F::cont_s] == (st.cont.cols ? 1u : 0u));
    }
    REQUIRE(saw_im2col);
    // Padding 1: the first pixel's filter position (0, 0) reads input row -1.
    const rtl::CommandWord first = rtl::encode_command(
        *std::find_if(comp.program.instrs.begin(), comp.program.instrs.end(),
                      [](const Instruction& in) { return in.op == Opcode::LoadIm2col && in.pixel0 == 0; }),
        comp.program);
    CHECK(first[F::ih0] == 0xffffffffu);

    const rtl::ConvWord conv = rtl::program_conv_word(comp.program);
    const model::Im2colSteps steps = model::im2col_steps(comp.program.convs[0]);
    CHECK(conv[rtl::ConvField::in_c] == 3);
    CHECK(conv[rtl::ConvField::kernel_w] == 3);
    CHECK(conv[rtl::ConvField::step_row] == steps.row);
    CHECK(conv[rtl::ConvField::wrap_w] == steps.wrap_w);

    // Every value is masked to its field: a 64-bit DRAM address keeps its low 32 bits.
    Instruction ld;
    ld.op = Opcode::Load2d;
    ld.dram_addr = (uint64_t{5} << 32) | 0x40;
    CHECK(rtl::encode_command(ld, comp.program)[F::dram_addr] == 0x40);

    // The RTL holds one geometry per program; a LOAD_IM2COL must name one that exists.
    Program two = comp.program;
    two.convs.push_back(two.convs[0]);
    two.convs[1].input_addr += 64;
    std::find_if(two.instrs.rbegin(), two.instrs.rend(),
                 [](const Instruction& in) { return in.op == Opcode::LoadIm2col; })->conv = 1;
    CHECK_THROWS_WITH(rtl::program_conv_word(two), Catch::Contains("a second convolution geometry"));
    Instruction im = *std::find_if(comp.program.instrs.begin(), comp.program.instrs.end(),
                                   [](const Instruction& in) { return in.op == Opcode::LoadIm2col; });
    im.conv = 4;
    CHECK_THROWS_WITH(rtl::encode_command(im, comp.program), Catch::Contains("conv 4 is not in the program's 1"));
}

TEST_CASE("rtl command word: fields are packed most significant first, as the SystemVerilog struct", "[rtl]") {
    using F = rtl::CommandField;
    constexpr uint32_t bits = rtl::kCommandBits;
    constexpr size_t nwords = (bits + 31) / 32;
    uint32_t words[nwords];
    auto bit = [&](uint32_t i) { return (words[i / 32] >> (i % 32)) & 1u; };
    rtl::CommandWord w;
    w[F::op] = 2;  // binary 10: the top bit set, the one below clear
    w[F::cont_r] = 1;                                  // the last field: bit 0
    w[F::m] = 0x80000001u;                             // a 32-bit field straddling words
    rtl::pack_word(rtl::kCommandFields, w, words, nwords);
    CHECK(bit(bits - 1) == 1);
    CHECK(bit(bits - 2) == 0);
    CHECK(bit(0) == 1);
    CHECK(bit(1) == 0);
    const uint32_t m_lsb = rtl::field_lsb(rtl::kCommandFields, static_cast<size_t>(F::m));
    CHECK(bit(m_lsb) == 1);
    CHECK(bit(m_lsb + 31) == 1);
    CHECK(bit(m_lsb + 1) == 0);
    uint32_t set = 0;
    for (uint32_t i = 0; i < nwords * 32; ++i) set += bit(i);
    CHECK(set == 4);
    // The widths add up to the port, and the generated struct lists the same fields in the same order.
    uint32_t sum = 0;
    for (const auto& f : rtl::kCommandFields) sum += f.bits;
    CHECK(sum == bits);
    const std::string sv = rtl::command_word_sv();
    CHECK_THAT(sv, Catch::Contains(fmt::format("localparam int INSTR_BITS = {};", bits)));
    size_t at = sv.find("} conv_t;");
    size_t prev = 0;
    for (const auto& f : rtl::kCommandFields) {
        const size_t here = sv.find(fmt::format(" {};", f.name), prev);
        INFO(f.name);
        REQUIRE(here != std::string::npos);
        CHECK(here < at);
        prev = here;
    }
}

TEST_CASE("rtl case file: a conv program round-trips as command words", "[rtl]") {
    const Config cfg = tiny_config();
    const CompiledLayer comp = tiny_conv(cfg);
    rtl::CaseSettings s;
    s.dram.latency_cycles = 3;
    s.dram.millibytes_per_cycle = 48571;
    s.dram.max_outstanding = 9;
    s.watchdog_cycles = 123;
    s.delay_read = 4;
    const std::vector<uint8_t> image = pattern(1000);
    std::ostringstream out;
    rtl::write_case(out, comp.program, image, s);
    std::istringstream in(out.str());
    const rtl::CaseFile c = rtl::parse_case(in, "case.txt");
    CHECK(c.settings.dram.latency_cycles == 3);
    CHECK(c.settings.dram.millibytes_per_cycle == 48571);
    CHECK(c.settings.dram.max_outstanding == 9);
    CHECK(c.settings.watchdog_cycles == 123);
    CHECK(c.settings.delay_read == 4);
    CHECK(c.image == image);
    REQUIRE(c.commands.size() == comp.program.instrs.size());
    for (size_t i = 0; i < c.commands.size(); ++i) {
        INFO("instruction " << i);
        CHECK(c.commands[i] == rtl::encode_command(comp.program.instrs[i], comp.program));
    }
    CHECK(c.conv == rtl::program_conv_word(comp.program));
    CHECK(c.conv[rtl::ConvField::out_w] == comp.program.convs[0].out_w);
}

TEST_CASE("rtl case file: EXECUTE words carry the operand window; bad values and stale files are refused", "[rtl]") {
    const Program p = windowed_program();
    const std::string good = case_text(p);
    const rtl::CommandWord ex = rtl::encode_command(p.instrs[1], p);
    CHECK(ex[rtl::CommandField::win_w] == 5);
    CHECK(ex[rtl::CommandField::win_line_step] == 11);
    const std::string line = values_of(ex);
    CHECK_THAT(good, Catch::Contains("\n" + line + "\n"));
    const rtl::CaseFile c = parse_case_text(good);
    REQUIRE(c.commands.size() == 4);
    CHECK(c.commands[1] == ex);

    // Six header and image lines, two field lists, conv_word and "instrs", then the LOAD: the EXECUTE is line 12.
    rtl::CommandWord shifted = ex;
    shifted[rtl::CommandField::shift] = 64;
    CHECK_THROWS_WITH(parse_case_text(replaced(good, line, values_of(shifted))),
                      Catch::Contains("case.txt:12: instruction: shift = 64 does not fit its 6 bits"));
    CHECK_THROWS_WITH(parse_case_text(replaced(good, line, "x" + line.substr(1))),
                      Catch::Contains("case.txt:12: op: \"x\" is not an unsigned integer"));
    CHECK_THROWS_WITH(parse_case_text(replaced(good, line, line + " 0")),
                      Catch::Contains("case.txt:12: instruction 1: 43 values, expected 42"));
    CHECK_THROWS_WITH(parse_case_text(replaced(good, "sasim-rtl-case 3", "sasim-rtl-case 2")),
                      Catch::Contains("case.txt:1: sasim-rtl-case version 2: this sasim reads version 3"));
    CHECK_THROWS_WITH(parse_case_text(replaced(good, " win_x0 ", " win_x1 ")),
                      Catch::Contains("cmd_word field 23 is \"win_x0\" in this build, \"win_x1\" in the case file"));
    CHECK_THROWS_WITH(parse_case_text(replaced(good, "fields conv_word 18", "fields conv_word 17")),
                      Catch::Contains("conv_word has 18 fields in this build"));

    // write_case refuses a window the RTL's column counter cannot walk, and writes nothing.
    Program bad = windowed_program();
    bad.instrs[1].win_x0 = 5;
    std::ostringstream out;
    CHECK_THROWS_WITH(rtl::write_case(out, bad, {}, {}), Catch::Contains("window column 5 is not below its width 5"));
    CHECK(out.str().empty());
}

TEST_CASE("rtl hardware: a program's wider loads widen the read buffer to a power of two and change the hash",
          "[rtl]") {
    const Config cfg = tiny_config();
    const rtl::HardwareParams base = rtl::hardware_params(cfg);
    REQUIRE(cfg.derived.operand_bytes == 1);
    Program p;
    Instruction ld;
    ld.op = Opcode::Load2d;
    ld.elems = base.row_bytes_max;  // as wide as the default: nothing changes
    p.instrs.push_back(ld);
    rtl::GenerateOptions opt;
    rtl::fit_loads(cfg, p, opt);
    CHECK(rtl::hardware_params(cfg, opt).row_bytes_max == base.row_bytes_max);
    CHECK(rtl::hardware_params(cfg, opt).pieces_max == base.pieces_max);
    CHECK(rtl::hardware_hash(cfg, opt) == rtl::hardware_hash(cfg));

    auto pow2_at_least = [](uint32_t v) {
        uint32_t q = 1;
        while (q < v) q *= 2;
        return q;
    };
    p.instrs[0].elems = base.row_bytes_max + 1;
    Instruction im;
    im.op = Opcode::LoadIm2col;
    im.elems = 1;
    im.npos = base.pieces_max + 3;
    p.instrs.push_back(im);
    rtl::fit_loads(cfg, p, opt);
    const rtl::HardwareParams hw = rtl::hardware_params(cfg, opt);
    CHECK(hw.row_bytes_max == pow2_at_least(base.row_bytes_max + 1));
    CHECK(hw.pieces_max == pow2_at_least(base.pieces_max + 3));
    CHECK(rtl::hardware_hash(cfg, opt) != rtl::hardware_hash(cfg));
    bool found = false;
    for (const rtl::GeneratedFile& f : rtl::generate_rtl(cfg, opt)) {
        if (f.name != "sasim_cfg_pkg.sv") continue;
        found = true;
        CHECK_THAT(f.text, Catch::Contains(fmt::format("localparam int ROW_BYTES_MAX = {};", hw.row_bytes_max)));
        CHECK_THAT(f.text, Catch::Contains(fmt::format("localparam int NPOS_MAX = {};", hw.pieces_max)));
    }
    CHECK(found);

    // fit_loads never narrows.
    Program narrow;
    narrow.instrs.push_back(ld);
    narrow.instrs[0].elems = 1;
    rtl::fit_loads(cfg, narrow, opt);
    CHECK(rtl::hardware_params(cfg, opt).row_bytes_max == hw.row_bytes_max);
}

TEST_CASE("rtl case file: LOAD_IM2COL into the accumulator is refused; LOAD into it carries dst", "[rtl]") {
    Program p;
    Instruction ld;
    ld.op = Opcode::LoadIm2col;
    ld.dst = LocalMem::Accumulator;
    p.instrs.push_back(ld);
    std::ostringstream out;
    CHECK_THROWS_AS(rtl::write_case(out, p, {}, {}), SimulationError);
    ld.op = Opcode::Load2d;
    CHECK(rtl::encode_command(ld, p)[rtl::CommandField::dst] == 1);
    ld.dst = LocalMem::Scratchpad;
    CHECK(rtl::encode_command(ld, p)[rtl::CommandField::dst] == 0);
}

TEST_CASE("rtl result file: round trip, exact text and a watchdog report", "[rtl]") {
    HarnessResult r;
    r.cycles = 42;
    r.issue = {1, 2};
    r.retire = {5, 42};
    r.compute_cycles = 30;
    r.dma_bank_conflict_cycles = 4;
    r.dispatch_blocked_cycles = 2;
    r.image = pattern(130);
    std::ostringstream out;
    rtl::write_result(out, r);
    CHECK(out.str().rfind("sasim-rtl-result 1\ncycles 42\ncounters 30 4 2\ninstr 0 1 5\ninstr 1 2 42\nimage 130\n", 0) == 0);
    const HarnessResult back = parse_text(out.str(), 2);
    CHECK_FALSE(back.hung);
    CHECK(back.cycles == 42);
    CHECK(back.compute_cycles == 30);
    CHECK(back.dma_bank_conflict_cycles == 4);
    CHECK(back.dispatch_blocked_cycles == 2);
    CHECK(back.issue == r.issue);
    CHECK(back.retire == r.retire);
    CHECK(back.image == r.image);

    const HarnessResult hung = parse_text("sasim-rtl-result 1\ncycles 900\nwatchdog 900 execute unit: waiting for a token\n"
                                          "watchdog 900 load unit: idle\nend\n", 2);
    CHECK(hung.hung);
    CHECK(hung.watchdog_cycle == 900);
    REQUIRE(hung.watchdog.size() == 2);
    CHECK(hung.watchdog[0] == "execute unit: waiting for a token");
    // A watchdog report may also come without "cycles" and "end".
    CHECK(parse_text("sasim-rtl-result 1\nwatchdog 7 stuck\n").hung);
}

TEST_CASE("rtl result file: truncated or malformed files are SimulationErrors naming file and line", "[rtl]") {
    HarnessResult r;
    r.cycles = 9;
    r.issue = {1};
    r.retire = {9};
    r.image = pattern(100);
    std::ostringstream out;
    rtl::write_result(out, r);
    const std::string good = out.str();

    // Cut the file after each of its lines (and in the middle of the hex): every prefix is an error.
    for (size_t cut = 0; cut + 4 < good.size(); cut = good.find('\n', cut + 1)) {
        if (cut == std::string::npos) break;
        INFO("cut at " << cut);
        CHECK_THROWS_AS(parse_text(good.substr(0, cut), 1), SimulationError);
    }
    CHECK_THROWS_WITH(parse_text(good.substr(0, good.find("image") + 20), 1), Catch::Contains("result.txt:6: image data"));
    CHECK_THROWS_WITH(parse_text("sasim-rtl-result 1\ncycles 9\ncounters 1 2 3\ninstr 0 1 9\n", 1),
                      Catch::Contains("result.txt:5: truncated"));
    CHECK_THROWS_WITH(parse_text("sasim-rtl-result 1\ncycles 9\ninstr 0 1 9\nimage 0\nend\n", 1),
                      Catch::Contains("result.txt:4: \"image\" before the \"counters\" line"));
    CHECK_THROWS_WITH(parse_text("sasim-rtl-result 1\ncycles 9\ncounters 1 2\n"), Catch::Contains("result.txt:3: expected one"));
    CHECK_THROWS_WITH(parse_text("sasim-rtl-result 1\ncycles 9\ncounters 1 2 3\ncounters 1 2 3\n"),
                      Catch::Contains("result.txt:4: expected one"));
    CHECK_THROWS_WITH(parse_text("sasim-rtl-result 1\ncycles 9\ncounters 1 -2 3\n"), Catch::Contains("result.txt:3:"));
    CHECK_THROWS_WITH(parse_text("sasim-rtl-result 2\n"), Catch::Contains("result.txt:1:"));
    CHECK_THROWS_WITH(parse_text("sasim-rtl-result 1\ncycles x\n"), Catch::Contains("result.txt:2: cycles"));
    CHECK_THROWS_WITH(parse_text("sasim-rtl-result 1\ncycles 9\ninstr 1 1 9\n"), Catch::Contains("result.txt:3:"));
    CHECK_THROWS_WITH(parse_text("sasim-rtl-result 1\ncycles 9\ncounters 0 0 0\ninstr 0 1 9\nimage 1\nzz\nend\n"),
                      Catch::Contains("result.txt:6: image data"));
    CHECK_THROWS_WITH(parse_text("sasim-rtl-result 1\ncycles 9\ncounters 0 0 0\ninstr 0 1 9\nimage 0\nend\n", 2),
                      Catch::Contains("result.txt:5: 1 instr lines, the program has 2"));
    CHECK_THROWS_WITH(parse_text("sasim-rtl-result 1\ncycles 9\ncounters 0 0 0\nimage 0\nend\nimage 0\n"),
                      Catch::Contains("result.txt:6:"));
    CHECK_THROWS_AS(parse_text(""), SimulationError);
    CHECK_NOTHROW(parse_text("sasim-rtl-result 1\ncycles 9\ncounters 0 0 0\ninstr 0 1 9\nimage 0\nend\n", 1));
}

TEST_CASE("compare_layer: a match, the first divergence in time, total cycles and an image byte", "[rtl]") {
    const Config cfg = tiny_config();
    const CompiledLayer comp = tiny_conv(cfg);
    const size_t n = comp.program.instrs.size();
    REQUIRE(n >= 4);
    std::vector<uint8_t> final_image(comp.layout.image_bytes, 0);
    for (size_t i = 0; i < final_image.size(); ++i) final_image[i] = static_cast<uint8_t>(i);
    const sc::LayerTrace t = make_trace(comp, final_image);

    SECTION("match") {
        const rtl::CheckResult c = rtl::compare_layer(t, result_from(t));
        CHECK(c.match);
        CHECK(c.lines.empty());
        CHECK(c.instructions == n);
        CHECK(c.cycles == t.cycles);
        CHECK(c.bytes == final_image.size());
    }
    SECTION("the divergence that starts first in time is reported, not the first in program order") {
        HarnessResult r = result_from(t);
        r.retire[1] += 100;  // differs from cycle 15 on
        r.issue[3] += 1;     // differs from cycle 31 on
        rtl::CheckResult c = rtl::compare_layer(t, r);
        REQUIRE_FALSE(c.match);
        REQUIRE(c.lines.size() == 1);
        const std::string want1 = "layer conv: instruction #1 (" + std::string(to_string(unit_of(comp.program.instrs[1].op))) +
                                  " " + disassemble(comp.program.instrs[1]) + "): model issue 11 retire 15, RTL issue 11 retire 115";
        CHECK(c.lines[0] == want1);
        r.retire[1] = t.retire[1] + 100;
        r.issue[3] = 15;  // now instruction 3 also disagrees from cycle 15 on: a tie goes to program order
        c = rtl::compare_layer(t, r);
        CHECK_THAT(c.lines[0], Catch::StartsWith("layer conv: instruction #1 "));
        r.issue[3] = 14;  // from cycle 14 on: earlier than instruction 1's divergence
        c = rtl::compare_layer(t, r);
        CHECK_THAT(c.lines[0], Catch::StartsWith("layer conv: instruction #3 "));
        CHECK_THAT(c.lines[0], Catch::EndsWith("model issue 31 retire 35, RTL issue 14 retire 35"));
    }
    SECTION("total cycles") {
        HarnessResult r = result_from(t);
        r.cycles += 1;
        const rtl::CheckResult c = rtl::compare_layer(t, r);
        REQUIRE_FALSE(c.match);
        CHECK_THAT(c.lines[0], Catch::Contains("cycles in the model"));
    }
    SECTION("the stall counters: each one that differs is a divergence, named") {
        HarnessResult r = result_from(t);
        r.dma_bank_conflict_cycles += 1;
        rtl::CheckResult c = rtl::compare_layer(t, r);
        REQUIRE_FALSE(c.match);
        CHECK(c.lines[0] == "layer conv: every instruction matches, but the model counts 3 DMA accesses refused by a "
                            "bank (cycles), the RTL 4");
        r = result_from(t);
        r.compute_cycles -= 1;
        c = rtl::compare_layer(t, r);
        REQUIRE_FALSE(c.match);
        CHECK_THAT(c.lines[0], Catch::Contains("17 cycles in which the array streams, the RTL 16"));
        r = result_from(t);
        r.dispatch_blocked_cycles = 0;
        CHECK_THAT(rtl::compare_layer(t, r).lines[0], Catch::Contains("5 cycles dispatch waits for a queue, the RTL 0"));
    }
    SECTION("an image byte in the output tensor") {
        HarnessResult r = result_from(t);
        const uint64_t addr = comp.layout.output_addr + 5;
        r.image[addr] ^= 0xff;
        r.image[addr + 2] ^= 0x01;
        const rtl::CheckResult c = rtl::compare_layer(t, r);
        REQUIRE_FALSE(c.match);
        CHECK(c.lines[0] == fmt::format("layer conv: DRAM byte 0x{:x} (output +0x5): model 0x{:02x}, RTL 0x{:02x} "
                                         "(2 of {} bytes differ)", addr, final_image[addr], r.image[addr],
                                         final_image.size()));
    }
    SECTION("an image of another size, a hang and a short instruction list") {
        HarnessResult r = result_from(t);
        r.image.pop_back();
        CHECK_THAT(rtl::compare_layer(t, r).lines[0], Catch::Contains("has " + std::to_string(final_image.size() - 1) + " bytes"));
        r = result_from(t);
        r.issue.pop_back();
        r.retire.pop_back();
        CHECK_THAT(rtl::compare_layer(t, r).lines[0], Catch::Contains("the RTL reported"));
        HarnessResult h;
        h.hung = true;
        h.watchdog_cycle = 77;
        h.watchdog = {"store unit: stuck"};
        const rtl::CheckResult c = rtl::compare_layer(t, h);
        REQUIRE(c.lines.size() == 2);
        CHECK_THAT(c.lines[0], Catch::Contains("the RTL hung (watchdog at cycle 77"));
        CHECK(c.lines[1] == "  store unit: stuck");
    }
}
