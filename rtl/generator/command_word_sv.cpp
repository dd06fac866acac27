// SPDX-License-Identifier: MIT
#include "command_word_sv.h"

#include <fmt/format.h>

#include "compiler/isa.h"
#include "rtl/command/command_fields.h"

namespace sasim::rtl {
namespace {

// The opcodes as the RTL names them, in Opcode order.
struct OpcodeName {
    Opcode op;
    const char* sv_name;
};
constexpr OpcodeName kOpcodes[] = {{Opcode::Load2d, "OP_LOAD2D"},
                                   {Opcode::LoadIm2col, "OP_LOAD_IM2COL"},
                                   {Opcode::Execute, "OP_EXECUTE"},
                                   {Opcode::Store, "OP_STORE"}};
static_assert(static_cast<size_t>(Opcode::Store) + 1 == std::size(kOpcodes), "an opcode has no RTL name");
static_assert(kCommandFields[0].bits >= 2 && static_cast<size_t>(CommandField::op) == 0,
              "the op field comes first and holds every opcode");

std::string logic_type(uint32_t bits) { return bits == 1 ? "logic" : fmt::format("logic [{}:0]", bits - 1); }

template <size_t N>
std::string packed_struct(const WordField (&fields)[N], const char* name) {
    std::string s = "  typedef struct packed {\n";
    for (const WordField& f : fields) {
        const std::string decl = fmt::format("    {} {};", logic_type(f.bits), f.name);
        s += *f.comment ? fmt::format("{:<32}// {}\n", decl, f.comment) : decl + "\n";
    }
    s += fmt::format("  }} {};\n", name);
    return s;
}

template <size_t N>
std::string markdown_rows(const WordField (&fields)[N], const char* port) {
    std::string s;
    for (size_t i = 0; i < N; ++i) {
        const uint32_t lsb = field_lsb(fields, i), msb = lsb + fields[i].bits - 1;
        s += fmt::format("| `{}` | `{}` | {} | {} | {} |\n", port, fields[i].name, fields[i].bits,
                         msb == lsb ? fmt::format("{}", lsb) : fmt::format("{}:{}", msb, lsb), fields[i].comment);
    }
    return s;
}

}  // namespace

std::string command_word_sv() {
    std::string s =
        "  // Generated from rtl/command/command_fields.h, the one description of the command word (the C++\n"
        "  // encoder and the Verilator harness use the same lists): change it there, not here.\n"
        "  // Opcodes (plain constants rather than an enum: Yosys 0.23 cannot cast to a package's type).\n";
    for (size_t i = 0; i < std::size(kOpcodes); ++i) {
        s += fmt::format("  localparam logic [{}:0] {} = {}'d{};\n", kCommandFields[0].bits - 1, kOpcodes[i].sv_name,
                         kCommandFields[0].bits, static_cast<unsigned>(kOpcodes[i].op));
    }
    s += fmt::format("  localparam int INSTR_BITS = {};  // the cmd_word port\n", kCommandBits);
    s += fmt::format("  localparam int CONV_BITS = {};   // the conv_word port\n", kConvBits);
    s += "  // One instruction, as the command port takes it and the queues hold it.\n";
    s += packed_struct(kCommandFields, "instr_t");
    s += "  // The geometry of the program's convolution for LOAD_IM2COL (one per program).\n";
    s += packed_struct(kConvFields, "conv_t");
    return s;
}

std::string command_word_markdown() {
    std::string s = "| port | field | bits | bit range | meaning |\n|---|---|---|---|---|\n";
    s += markdown_rows(kCommandFields, "cmd_word");
    s += markdown_rows(kConvFields, "conv_word");
    return s;
}

}  // namespace sasim::rtl
