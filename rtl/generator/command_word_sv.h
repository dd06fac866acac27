// SPDX-License-Identifier: MIT
// The command word (rtl/command/command_fields.h) written out for the RTL and its README.
#pragma once
#include <string>

namespace sasim::rtl {

// The lines that replace kCommandWordMarker in the sasim_types_pkg template: the OP_* constants,
// INSTR_BITS and CONV_BITS, and the packed structs instr_t and conv_t, field for field.
std::string command_word_sv();

// A Markdown table of both words (field, bits, bit range, meaning), for the generated README.md.
std::string command_word_markdown();

// The template line the generator replaces with command_word_sv() (it must occur exactly once).
inline constexpr const char* kCommandWordMarker = "  // @COMMAND_WORD@\n";

}  // namespace sasim::rtl
