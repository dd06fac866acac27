// SPDX-License-Identifier: MIT
// Case file (written here, read by the harness):
//   sasim-rtl-case 3
//   dram <latency_cycles> <millibytes_per_cycle> <dram_max_outstanding>
//   watchdog <cycles>
//   delay_read <k>                      (-1 = none)
//   image <nbytes>
//   <hex, 64 bytes per line, lowercase, no separators; the last line may be shorter>
//   fields cmd_word <F> <name_1> ... <name_F>     (rtl/command/command_fields.h, most significant first)
//   fields conv_word <G> <name_1> ... <name_G>
//   conv_word <G values>                (the program's convolution geometry; all 0 without LOAD_IM2COL)
//   instrs <N>
//   <N lines of F values: each instruction's command word (rtl/command/command_word.h, encode_command)>
//   end
// The values are decimal and below 2^bits of their field. The field lists let the harness refuse a case
// written for another command word. Versions 1 and 2 carried Instruction fields that the harness decoded;
// the encoder now lives in sasim (rtl/command), and this version is the only one read.
//
// Result file (written by the harness):
//   sasim-rtl-result 1
//   cycles <C>
//   counters <compute_cycles> <dma_bank_conflict_cycles> <dispatch_blocked_cycles>
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
#include "rtl/command/command_word.h"

namespace sasim::rtl {
namespace {

constexpr size_t kHexBytesPerLine = 64;

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

// "fields <port> <count> <names...>"
template <size_t N>
std::string field_names_line(const char* port, const WordField (&fields)[N]) {
    std::string line = fmt::format("fields {} {}", port, N);
    for (const WordField& f : fields) line += fmt::format(" {}", f.name);
    return line + "\n";
}

template <size_t N>
std::string values_line(const std::array<uint64_t, N>& values) {
    std::string line;
    for (size_t i = 0; i < N; ++i) line += fmt::format(i == 0 ? "{}" : " {}", values[i]);
    return line;
}

// Reads a "fields <port> ..." line and checks that it names this build's fields, in order.
template <size_t N>
void check_field_names(LineReader& r, const char* port, const WordField (&fields)[N]) {
    const std::vector<std::string> w = r.need(fmt::format("\"fields {}\"", port));
    if (w.size() < 3 || w[0] != "fields" || w[1] != port) r.fail(fmt::format("expected \"fields {} <count> <names>\"", port));
    if (w.size() != N + 3 || r.u64(w[2], "field count") != N) {
        r.fail(fmt::format("{} has {} fields in this build; the case file names {} (written by another sasim?)", port,
                           N, w.size() - 3));
    }
    for (size_t i = 0; i < N; ++i) {
        if (w[3 + i] != fields[i].name) {
            r.fail(fmt::format("{} field {} is \"{}\" in this build, \"{}\" in the case file (written by another sasim?)",
                               port, i, fields[i].name, w[3 + i]));
        }
    }
}

// Reads one value per field from w[first ...], each below 2^bits of its field.
template <size_t N>
void read_values(const LineReader& r, const std::vector<std::string>& w, size_t first, const WordField (&fields)[N],
                 std::array<uint64_t, N>& out, const char* what) {
    for (size_t i = 0; i < N; ++i) {
        out[i] = r.u64(w[first + i], fields[i].name);
        if (out[i] != (out[i] & field_mask(fields[i].bits))) {
            r.fail(fmt::format("{}: {} = {} does not fit its {} bits", what, fields[i].name, out[i], fields[i].bits));
        }
    }
}

}  // namespace

void write_case(std::ostream& out, const Program& program, const std::vector<uint8_t>& image,
                const CaseSettings& s) {
    // Encode first, so that a program the RTL cannot run leaves no half-written file behind.
    std::vector<CommandWord> words;
    words.reserve(program.instrs.size());
    for (size_t i = 0; i < program.instrs.size(); ++i) {
        const Instruction& in = program.instrs[i];
        if (in.op == Opcode::LoadIm2col && in.dst != LocalMem::Scratchpad) {
            throw SimulationError(fmt::format("instruction #{} ({}): LOAD_IM2COL writes the scratchpad only", i,
                                              disassemble(in)));
        }
        if (in.op == Opcode::Execute && in.win_w != 0 && in.win_x0 >= in.win_w) {
            throw SimulationError(fmt::format("instruction #{} ({}): window column {} is not below its width {}", i,
                                              disassemble(in), in.win_x0, in.win_w));
        }
        try {
            words.push_back(encode_command(in, program));
        } catch (const SimulationError& e) {
            throw SimulationError(fmt::format("instruction #{}: {}", i, e.what()));
        }
    }
    const ConvWord conv = program_conv_word(program);

    out << "sasim-rtl-case 3\n";
    out << fmt::format("dram {} {} {}\n", s.dram.latency_cycles, s.dram.millibytes_per_cycle, s.dram.max_outstanding);
    out << fmt::format("watchdog {}\n", s.watchdog_cycles);
    out << fmt::format("delay_read {}\n", s.delay_read);
    out << fmt::format("image {}\n", image.size());
    write_hex(out, image);
    out << field_names_line("cmd_word", kCommandFields) << field_names_line("conv_word", kConvFields);
    out << "conv_word " << values_line(conv.value) << '\n';
    out << fmt::format("instrs {}\n", words.size());
    for (const CommandWord& w : words) out << values_line(w.value) << '\n';
    out << "end\n";
}

CaseFile parse_case(std::istream& in, const std::string& origin) {
    LineReader r(in, origin);
    CaseFile c;
    std::vector<std::string> w = r.need("\"sasim-rtl-case 3\"");
    if (w.size() != 2 || w[0] != "sasim-rtl-case") r.fail("not a \"sasim-rtl-case 3\" file");
    if (w[1] != "3") {
        r.fail(fmt::format("sasim-rtl-case version {}: this sasim reads version 3 (write the case again)", w[1]));
    }
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
    check_field_names(r, "cmd_word", kCommandFields);
    check_field_names(r, "conv_word", kConvFields);
    w = r.keyword("conv_word", kConvFieldCount);
    read_values(r, w, 1, kConvFields, c.conv.value, "conv_word");
    w = r.keyword("instrs", 1);
    const uint64_t n = r.u64(w[1], "instrs");
    for (uint64_t i = 0; i < n; ++i) {
        w = r.need(fmt::format("instruction {} of {}", i, n));
        if (w.size() != kCommandFieldCount) {
            r.fail(fmt::format("instruction {}: {} values, expected {}", i, w.size(), kCommandFieldCount));
        }
        CommandWord x;
        read_values(r, w, 0, kCommandFields, x.value, "instruction");
        if (x[CommandField::op] > static_cast<uint64_t>(Opcode::Store)) {
            r.fail(fmt::format("instruction {}: unknown op {}", i, x[CommandField::op]));
        }
        c.commands.push_back(x);
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
    out << fmt::format("counters {} {} {}\n", res.compute_cycles, res.dma_bank_conflict_cycles,
                       res.dispatch_blocked_cycles);
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
    bool have_cycles = false, have_counters = false, have_image = false, ended = false;
    while (r.next(w)) {
        if (w.empty()) continue;
        if (ended) r.fail(fmt::format("\"{}\" after \"end\"", w[0]));
        const std::string& kw = w[0];
        if (kw == "cycles") {
            if (w.size() != 2 || have_cycles) r.fail("expected one \"cycles <C>\" line");
            res.cycles = r.u64(w[1], "cycles");
            have_cycles = true;
        } else if (kw == "counters") {
            if (w.size() != 4 || have_counters || res.hung) {
                r.fail("expected one \"counters <compute> <dma_bank_conflict> <dispatch_blocked>\" line");
            }
            res.compute_cycles = r.u64(w[1], "compute cycles");
            res.dma_bank_conflict_cycles = r.u64(w[2], "DMA bank conflict cycles");
            res.dispatch_blocked_cycles = r.u64(w[3], "dispatch blocked cycles");
            have_counters = true;
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
            if (!have_counters) r.fail("\"image\" before the \"counters\" line");
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
