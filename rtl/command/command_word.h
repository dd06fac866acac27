// SPDX-License-Identifier: MIT
// The command encoder: an Instruction as the RTL's command port takes it (rtl/command/command_fields.h).
// The encoder also decodes what the RTL would otherwise need a divider or a wide multiplier for: a load's
// destination rows per DRAM row, and a LOAD_IM2COL's first pixel and filter position
// (sim/model/im2col_encoding.h).
#pragma once
#include "compiler/isa.h"
#include "rtl/command/command_fields.h"

namespace sasim::rtl {

// The command word of `in`; every value is masked to its field's width (the RTL's addresses and counts
// are 32 bits; ih0 and iw0 are two's complement). A LOAD_IM2COL reads its geometry from
// program.convs[in.conv]: throws SimulationError when that index is out of range.
CommandWord encode_command(const Instruction& in, const Program& program);

// The conv word of a geometry: its sizes and the element steps the load DMA's address generator adds.
ConvWord encode_conv(const ConvGeometry& g);

// The program's one convolution geometry as a conv word (all zero without a LOAD_IM2COL). Throws
// SimulationError when two LOAD_IM2COLs name different geometries: the RTL holds one per program.
ConvWord program_conv_word(const Program& program);

}  // namespace sasim::rtl
