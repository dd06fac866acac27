// SPDX-License-Identifier: MIT
// Case file (written here, read by the harness):
//   sasim-rtl-case 2
//   dram <latency_cycles> <millibytes_per_cycle> <dram_max_outstanding>
//   watchdog <cycles>
//   delay_read <k>                      (-1 = none)
//   image <nbytes>
//   <hex, 64 bytes per line, lowercase, no separators; the last line may be shorter>
//   instrs <N>
//   <N lines: op wait_prev wait_next signal_prev signal_next local_row rows elems block_elems block_stride
//    dram_addr dram_stride a_row b_row c_row m n k preload accumulate shift relu>
//   end
// op is the Opcode value (0 Load2d, 1 LoadIm2col, 2 Execute, 3 Store). A LoadIm2col line goes on with
// "conv pixel0 pos0 npos chan0 chan_count" and the ConvGeometry of program.convs[conv]: "input_addr batch
// in_h in_w in_c out_h out_w kernel_w stride_h stride_w pad_top pad_left dilation_h dilation_w".
// An Execute line goes on with its operand window: "win_w win_x0 win_col_step win_line_step" (all 0
// without a window; with one, win_x0 < win_w, as the RTL's column counter needs). Version 1, the format
// before operand windows, has no window fields; parse_case and the harness still read it.
//
// Result file (written by the harness):
//   sasim-rtl-result 1
//   cycles <C>
//   instr <i> <issue> <retire>          (one per instruction, in program order)
//   image <nbytes>
//   <hex as above>
//   end
// or, when the RTL hung, "watchdog <cycle> <message...>" lines instead of the instr/image part.
#include "rtl/check/case_file.h"

#include <charconv>
#include <istream>
#include <ostream>

#include <fmt/format.h>

#include "common/errors.h"

namespace sasim::rtl {
namespace {

constexpr size_t kHexBytesPerLine = 64;
constexpr size_t kBaseFields = 22;      // fields of every instruction line
constexpr size_t kIm2colFields = 6 + 14; // LoadIm2col: chunk fields + ConvGeometry
constexpr size_t kWindowFields = 4;      // Execute (version 2): the operand window

// Reads a file line by line, keeping the line number for messages.
class LineReader {
public:
    LineReader(std::istream& in, const std::string& origin) : m_in(in), m_origin(origin) {}

    // The next line split at whitespace; false at end of file.
    bool next(std::vector<std::string>& words) {
        std::string line;
        if (!std::getline(m_in, line)) return false;
        ++m_line;
        words.clear();
        size_t i = 0;
        while (i < line.size()) {
            while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
            const size_t b = i;
            while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
            if (i > b) words.push_back(line.substr(b, i - b));
        }
        return true;
    }
    // The next line, which must exist; `what` names what was expected.
    std::vector<std::string> need(const std::string& what) {
        std::vector<std::string> w;
        if (!next(w)) throw SimulationError(fmt::format("{}:{}: truncated: expected {}, got the end of the file", m_origin, m_line + 1, what));
        return w;
    }
    // A line "<keyword> <v1> ... <vn>" with exactly `n` values.
    std::vector<std::string> keyword(const std::string& kw, size_t n) {
        std::vector<std::string> w = need("\"" + kw + "\"");
        if (w.empty() || w[0] != kw || w.size() != n + 1) {
            fail(fmt::format("expected \"{}\" with {} value{}", kw, n, n == 1 ? "" : "s"));
        }
        return w;
    }
    [[noreturn]] void fail(const std::string& what) const {
        throw SimulationError(fmt::format("{}:{}: {}", m_origin, m_line, what));
    }
    uint64_t u64(const std::string& s, const char* field) const {
        uint64_t v = 0;
        const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
        if (r.ec != std::errc() || r.ptr != s.data() + s.size()) fail(fmt::format("{}: \"{}\" is not an unsigned integer", field, s));
        return v;
    }
    uint32_t u32(const std::string& s, const char* field) const {
        const uint64_t v = u64(s, field);
        if (v > UINT32_MAX) fail(fmt::format("{}: {} is out of range", field, s));
        return static_cast<uint32_t>(v);
    }
    bool flag(const std::string& s, const char* field) const {
        if (s != "0" && s != "1") fail(fmt::format("{}: expected 0 or 1, got \"{}\"", field, s));
        return s == "1";
    }
    int64_t i64(const std::string& s, const char* field) const {
        int64_t v = 0;
        const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
        if (r.ec != std::errc() || r.ptr != s.data() + s.size()) fail(fmt::format("{}: \"{}\" is not an integer", field, s));
        return v;
    }
    size_t line() const { return m_line; }

private:
    std::istream& m_in;
    const std::string& m_origin;  // file name for messages
    size_t m_line = 0;            // number of the last line read (1-based)
};

void write_hex(std::ostream& out, const std::vector<uint8_t>& bytes) {
    static const char digits[] = "0123456789abcdef";
    std::string line;
    for (size_t b = 0; b < bytes.size(); b += kHexBytesPerLine) {
        const size_t e = std::min(bytes.size(), b + kHexBytesPerLine);
        line.clear();
        for (size_t i = b; i < e; ++i) {
            line += digits[bytes[i] >> 4];
            line += digits[bytes[i] & 15];
        }
        line += '\n';
        out << line;
    }
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Reads the "image <nbytes>" line and the hex lines after it.
std::vector<uint8_t> read_image(LineReader& r, const std::vector<std::string>& header) {
    if (header.size() != 2) r.fail("expected \"image <nbytes>\"");
    const uint64_t n = r.u64(header[1], "image");
    if (n > (uint64_t{1} << 40)) r.fail(fmt::format("image: {} bytes is implausibly large", n));
    std::vector<uint8_t> out;
    out.reserve(n);
    while (out.size() < n) {
        const std::vector<std::string> w = r.need(fmt::format("image data (byte {} of {})", out.size(), n));
        const size_t want = std::min<uint64_t>(kHexBytesPerLine, n - out.size());
        if (w.size() != 1 || w[0].size() != 2 * want) {
            r.fail(fmt::format("image data: expected {} hex digits (bytes {}..{}), got \"{}\"", 2 * want, out.size(),
                               out.size() + want - 1, w.empty() ? "" : w[0].substr(0, 40)));
        }
        for (size_t i = 0; i < want; ++i) {
            const int hi = hex_digit(w[0][2 * i]), lo = hex_digit(w[0][2 * i + 1]);
            if (hi < 0 || lo < 0) r.fail(fmt::format("image data: \"{}\" is not hex", w[0].substr(2 * i, 2)));
            out.push_back(static_cast<uint8_t>(hi * 16 + lo));
        }
    }
    return out;
}

}  // namespace

void write_case(std::ostream& out, const Program& program, const std::vector<uint8_t>& image,
                const CaseSettings& s) {
    out << "sasim-rtl-case 2\n";
    out << fmt::format("dram {} {} {}\n", s.dram.latency_cycles, s.dram.millibytes_per_cycle, s.dram.max_outstanding);
    out << fmt::format("watchdog {}\n", s.watchdog_cycles);
    out << fmt::format("delay_read {}\n", s.delay_read);
    out << fmt::format("image {}\n", image.size());
    write_hex(out, image);
    out << fmt::format("instrs {}\n", program.instrs.size());
    for (size_t i = 0; i < program.instrs.size(); ++i) {
        const Instruction& in = program.instrs[i];
        if ((in.op == Opcode::Load2d || in.op == Opcode::LoadIm2col) && in.dst != LocalMem::Scratchpad) {
            throw SimulationError(fmt::format("instruction #{} ({}): the RTL case format has no accumulator loads", i,
                                              disassemble(in)));
        }
        std::string line = fmt::format(
            "{} {:d} {:d} {:d} {:d} {} {} {} {} {} {} {} {} {} {} {} {} {} {:d} {:d} {} {:d}", static_cast<int>(in.op),
            in.wait_prev, in.wait_next, in.signal_prev, in.signal_next, in.local_row, in.rows, in.elems, in.block_elems,
            in.block_stride, in.dram_addr, in.dram_stride, in.a_row, in.b_row, in.c_row, in.m, in.n, in.k, in.preload,
            in.accumulate, in.shift, in.relu);
        if (in.op == Opcode::Execute) {
            if (in.win_w != 0 && in.win_x0 >= in.win_w) {
                throw SimulationError(fmt::format("instruction #{} ({}): window column {} is not below its width {}",
                                                  i, disassemble(in), in.win_x0, in.win_w));
            }
            line += fmt::format(" {} {} {} {}", in.win_w, in.win_x0, in.win_col_step, in.win_line_step);
        }
        if (in.op == Opcode::LoadIm2col) {
            if (in.conv >= program.convs.size()) {
                throw SimulationError(fmt::format("instruction #{} ({}): conv {} is not in the program's {} geometries",
                                                  i, disassemble(in), in.conv, program.convs.size()));
            }
            const ConvGeometry& g = program.convs[in.conv];
            line += fmt::format(" {} {} {} {} {} {}", in.conv, in.pixel0, in.pos0, in.npos, in.chan0, in.chan_count);
            line += fmt::format(" {} {} {} {} {} {} {} {} {} {} {} {} {} {}", g.input_addr, g.batch, g.in_h, g.in_w,
                                g.in_c, g.out_h, g.out_w, g.kernel_w, g.stride_h, g.stride_w, g.pad_top, g.pad_left,
                                g.dilation_h, g.dilation_w);
        }
        line += '\n';
        out << line;
    }
    out << "end\n";
}

CaseFile parse_case(std::istream& in, const std::string& origin) {
    LineReader r(in, origin);
    CaseFile c;
    std::vector<std::string> w = r.need("\"sasim-rtl-case 2\"");
    if (w.size() != 2 || w[0] != "sasim-rtl-case" || (w[1] != "1" && w[1] != "2")) {
        r.fail("not a \"sasim-rtl-case 2\" (or 1) file");
    }
    const bool windows = w[1] != "1";
    w = r.keyword("dram", 3);
    c.settings.dram.latency_cycles = r.u32(w[1], "dram latency");
    c.settings.dram.millibytes_per_cycle = r.u64(w[2], "dram millibytes per cycle");
    c.settings.dram.max_outstanding = r.u32(w[3], "dram max outstanding");
    w = r.keyword("watchdog", 1);
    c.settings.watchdog_cycles = r.u64(w[1], "watchdog");
    w = r.keyword("delay_read", 1);
    c.settings.delay_read = r.i64(w[1], "delay_read");
    w = r.keyword("image", 1);
    c.image = read_image(r, w);
    w = r.keyword("instrs", 1);
    const uint64_t n = r.u64(w[1], "instrs");
    std::vector<bool> conv_seen;
    for (uint64_t i = 0; i < n; ++i) {
        w = r.need(fmt::format("instruction {} of {}", i, n));
        if (w.size() < kBaseFields) r.fail(fmt::format("instruction {}: {} fields, expected {}", i, w.size(), kBaseFields));
        Instruction x;
        const uint64_t op = r.u64(w[0], "op");
        if (op > static_cast<uint64_t>(Opcode::Store)) r.fail(fmt::format("instruction {}: unknown op {}", i, op));
        x.op = static_cast<Opcode>(op);
        const size_t want = x.op == Opcode::LoadIm2col              ? kBaseFields + kIm2colFields
                            : x.op == Opcode::Execute && windows ? kBaseFields + kWindowFields
                                                                 : kBaseFields;
        if (w.size() != want) r.fail(fmt::format("instruction {}: {} fields, expected {}", i, w.size(), want));
        x.wait_prev = r.flag(w[1], "wait_prev");
        x.wait_next = r.flag(w[2], "wait_next");
        x.signal_prev = r.flag(w[3], "signal_prev");
        x.signal_next = r.flag(w[4], "signal_next");
        x.local_row = r.u64(w[5], "local_row");
        x.rows = r.u32(w[6], "rows");
        x.elems = r.u32(w[7], "elems");
        x.block_elems = r.u32(w[8], "block_elems");
        x.block_stride = r.u64(w[9], "block_stride");
        x.dram_addr = r.u64(w[10], "dram_addr");
        x.dram_stride = r.u64(w[11], "dram_stride");
        x.a_row = r.u64(w[12], "a_row");
        x.b_row = r.u64(w[13], "b_row");
        x.c_row = r.u64(w[14], "c_row");
        x.m = r.u32(w[15], "m");
        x.n = r.u32(w[16], "n");
        x.k = r.u32(w[17], "k");
        x.preload = r.flag(w[18], "preload");
        x.accumulate = r.flag(w[19], "accumulate");
        x.shift = r.u32(w[20], "shift");
        x.relu = r.flag(w[21], "relu");
        if (x.op == Opcode::Execute && windows) {
            x.win_w = r.u32(w[22], "win_w");
            x.win_x0 = r.u32(w[23], "win_x0");
            x.win_col_step = r.u32(w[24], "win_col_step");
            x.win_line_step = r.u32(w[25], "win_line_step");
            if (x.win_w != 0 && x.win_x0 >= x.win_w) {
                r.fail(fmt::format("instruction {}: win_x0 {} is not below win_w {}", i, x.win_x0, x.win_w));
            }
        }
        if (x.op == Opcode::LoadIm2col) {
            x.conv = r.u32(w[22], "conv");
            x.pixel0 = r.u64(w[23], "pixel0");
            x.pos0 = r.u32(w[24], "pos0");
            x.npos = r.u32(w[25], "npos");
            x.chan0 = r.u32(w[26], "chan0");
            x.chan_count = r.u32(w[27], "chan_count");
            ConvGeometry g;
            g.input_addr = r.u64(w[28], "input_addr");
            uint32_t* fields[] = {&g.batch,    &g.in_h,     &g.in_w,    &g.in_c,     &g.out_h,      &g.out_w,     &g.kernel_w,
                                  &g.stride_h, &g.stride_w, &g.pad_top, &g.pad_left, &g.dilation_h, &g.dilation_w};
            for (size_t f = 0; f < 13; ++f) *fields[f] = r.u32(w[29 + f], "conv geometry");
            if (x.conv > 1'000'000) r.fail(fmt::format("instruction {}: conv index {} is implausibly large", i, x.conv));
            if (x.conv >= c.program.convs.size()) {
                c.program.convs.resize(x.conv + 1);
                conv_seen.resize(x.conv + 1, false);
            }
            if (!conv_seen[x.conv]) {
                c.program.convs[x.conv] = g;
                conv_seen[x.conv] = true;
            }
        }
        c.program.instrs.push_back(x);
    }
    w = r.keyword("end", 0);
    return c;
}

void write_result(std::ostream& out, const HarnessResult& res) {
    out << "sasim-rtl-result 1\n";
    out << fmt::format("cycles {}\n", res.cycles);
    if (res.hung) {
        for (size_t i = 0; i < res.watchdog.size(); ++i) out << fmt::format("watchdog {} {}\n", res.watchdog_cycle, res.watchdog[i]);
        out << "end\n";
        return;
    }
    for (size_t i = 0; i < res.issue.size(); ++i) {
        out << fmt::format("instr {} {} {}\n", i, res.issue[i], i < res.retire.size() ? res.retire[i] : 0);
    }
    out << fmt::format("image {}\n", res.image.size());
    write_hex(out, res.image);
    out << "end\n";
}

HarnessResult parse_result(std::istream& in, const std::string& origin, size_t expected_instrs) {
    LineReader r(in, origin);
    HarnessResult res;
    std::vector<std::string> w = r.need("\"sasim-rtl-result 1\"");
    if (w.size() != 2 || w[0] != "sasim-rtl-result" || w[1] != "1") r.fail("not a \"sasim-rtl-result 1\" file");
    bool have_cycles = false, have_image = false, ended = false;
    while (r.next(w)) {
        if (w.empty()) continue;
        if (ended) r.fail(fmt::format("\"{}\" after \"end\"", w[0]));
        const std::string& kw = w[0];
        if (kw == "cycles") {
            if (w.size() != 2 || have_cycles) r.fail("expected one \"cycles <C>\" line");
            res.cycles = r.u64(w[1], "cycles");
            have_cycles = true;
        } else if (kw == "watchdog") {
            if (w.size() < 2) r.fail("expected \"watchdog <cycle> <message>\"");
            const uint64_t cyc = r.u64(w[1], "watchdog cycle");
            if (!res.hung) res.watchdog_cycle = cyc;
            res.hung = true;
            std::string msg;
            for (size_t i = 2; i < w.size(); ++i) msg += (i > 2 ? " " : "") + w[i];
            res.watchdog.push_back(msg);
        } else if (kw == "instr") {
            if (res.hung || have_image) r.fail("\"instr\" after the watchdog report or the image");
            if (w.size() != 4) r.fail("expected \"instr <i> <issue> <retire>\"");
            const uint64_t idx = r.u64(w[1], "instr index");
            if (idx != res.issue.size()) r.fail(fmt::format("instr {}: expected instruction {} (program order)", idx, res.issue.size()));
            res.issue.push_back(r.u64(w[2], "issue"));
            res.retire.push_back(r.u64(w[3], "retire"));
        } else if (kw == "image") {
            if (res.hung || have_image) r.fail("unexpected \"image\"");
            if (!have_cycles) r.fail("\"image\" before the \"cycles\" line");
            if (expected_instrs != SIZE_MAX && res.issue.size() != expected_instrs) {
                r.fail(fmt::format("{} instr lines, the program has {} instructions", res.issue.size(), expected_instrs));
            }
            res.image = read_image(r, w);
            have_image = true;
        } else if (kw == "end") {
            if (w.size() != 1) r.fail("expected \"end\"");
            if (!res.hung && !have_image) r.fail("\"end\" before the image");
            ended = true;
        } else {
            r.fail(fmt::format("unknown line \"{}\"", kw.substr(0, 40)));
        }
    }
    if (!ended && !res.hung) {
        throw SimulationError(fmt::format("{}:{}: truncated: expected {}, got the end of the file", origin, r.line() + 1,
                                          have_image ? "\"end\"" : have_cycles ? "instr lines and the image" : "\"cycles\""));
    }
    return res;
}

}  // namespace sasim::rtl
