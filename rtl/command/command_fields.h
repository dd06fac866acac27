// SPDX-License-Identifier: MIT
// The command word of the RTL (docs/rtl.md, "Command word"): the one description of its layout.
//
// Everything else is derived from these two lists:
//   - the generator writes sasim_types_pkg::instr_t and conv_t, OP_* and INSTR_BITS / CONV_BITS from them
//     (rtl/generator/command_word_sv.cpp), and the generated README.md's table;
//   - the encoder (rtl/command/command_word.cpp) fills one value per field from an Instruction;
//   - the case file (rtl/check/case_file.cpp) names the fields in its header and carries the values;
//   - the Verilator harness (rtl/harness/harness.cpp) packs the values into the cmd_word / conv_word ports
//     at the offsets computed here, and refuses a case file whose field names differ.
// Fields are listed most significant first, as in a SystemVerilog packed struct.
// Header-only and free of other sasim headers: the harness compiles it outside the sasim build.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>

// X(name, bits, comment)
#define SASIM_COMMAND_FIELDS(X)                                                                               \
    X(op, 2, "OP_*")                                                                                          \
    X(wait_prev, 1, "dependency tokens: pop one from the previous unit before issuing")                       \
    X(wait_next, 1, "pop one from the next unit before issuing")                                              \
    X(signal_prev, 1, "push one to the previous unit")                                                        \
    X(signal_next, 1, "push one to the next unit")                                                            \
    X(dst, 1, "LOAD: 1 = into the accumulator (operands widened, shifted left by shift)")                     \
    X(local_row, 32, "loads: first destination row")                                                          \
    X(rows, 32, "loads and stores: rows moved")                                                               \
    X(elems, 32, "loads and stores: elements per DRAM row")                                                   \
    X(block_elems, 32, "loads: elements per destination row (0: elems)")                                      \
    X(block_stride, 32, "loads: destination rows between the blocks of one DRAM row")                         \
    X(blocks, 32, "loads: destination rows per DRAM row, decoded by the encoder")                             \
    X(dram_addr, 32, "loads and stores: byte address of the first DRAM row")                                  \
    X(dram_stride, 32, "loads and stores: bytes between DRAM rows")                                           \
    X(a_row, 32, "execute: first streamed row (OS: first A row)")                                             \
    X(b_row, 32, "execute: first stationary row (OS: first B row)")                                           \
    X(c_row, 32, "execute and stores: first accumulator row")                                                 \
    X(m, 32, "execute: output rows")                                                                          \
    X(n, 32, "execute: output columns")                                                                       \
    X(k, 32, "execute: reduction length")                                                                     \
    X(preload, 1, "execute: load a new stationary operand first")                                             \
    X(accumulate, 1, "execute: add to the accumulator rows")                                                  \
    X(win_w, 32, "execute window: output pixels per output row (0: no window)")                               \
    X(win_x0, 32, "execute window: output column of the operand's first row (< win_w)")                       \
    X(win_col_step, 32, "execute window: rows to the next pixel of the same output row")                      \
    X(win_line_step, 32, "execute window: rows from an output row's last pixel to the next row's first")      \
    X(shift, 6, "stores: requantization shift; LOADs into the accumulator: scale")                                                               \
    X(relu, 1, "stores: clamp negative results to 0")                                                         \
    X(npos, 32, "LOAD_IM2COL: filter positions of the chunk")                                                 \
    X(chan_count, 32, "LOAD_IM2COL: channels per filter position")                                            \
    X(oh0, 32, "LOAD_IM2COL, decoded: output row of the first pixel")                                         \
    X(ow0, 32, "LOAD_IM2COL, decoded: output column of the first pixel")                                      \
    X(s0, 32, "LOAD_IM2COL, decoded: filter column of the chunk's first position")                            \
    X(ih0, 32, "LOAD_IM2COL, decoded: input row of position (0, 0) at the first pixel (signed)")              \
    X(iw0, 32, "LOAD_IM2COL, decoded: input column of position (0, 0) at the first pixel (signed)")           \
    X(pix0, 32, "LOAD_IM2COL, decoded: its element offset from input_addr (wrapping)")                        \
    X(r0_dh, 32, "LOAD_IM2COL, decoded: input rows from position (0, 0) to (r0, s0)")                         \
    X(s0_dw, 32, "LOAD_IM2COL, decoded: input columns from position (0, 0) to (r0, s0)")                      \
    X(r0_off, 32, "LOAD_IM2COL, decoded: elements from (0, 0) to (r0, 0), plus chan0")                        \
    X(s0_off, 32, "LOAD_IM2COL, decoded: elements from (r0, 0) to (r0, s0)")                                  \
    X(cont_s, 1, "LOAD_IM2COL, decoded: pieces touch in DRAM within a filter row")                            \
    X(cont_r, 1, "LOAD_IM2COL, decoded: pieces touch in DRAM across filter rows")

// The convolution geometry of LOAD_IM2COL, held on the conv_word port for a whole program.
#define SASIM_CONV_FIELDS(X)                                                                                  \
    X(input_addr, 32, "DRAM byte address of the NHWC input")                                                  \
    X(in_h, 32, "input rows")                                                                                 \
    X(in_w, 32, "input columns")                                                                              \
    X(in_c, 32, "channels per input pixel in DRAM")                                                           \
    X(out_h, 32, "output rows")                                                                               \
    X(out_w, 32, "output columns")                                                                            \
    X(kernel_w, 32, "filter columns")                                                                         \
    X(stride_h, 32, "")                                                                                       \
    X(stride_w, 32, "")                                                                                       \
    X(pad_top, 32, "")                                                                                        \
    X(pad_left, 32, "")                                                                                       \
    X(dilation_h, 32, "")                                                                                     \
    X(dilation_w, 32, "")                                                                                     \
    X(step_col, 32, "element step, decoded: one filter column")                                               \
    X(step_row, 32, "element step, decoded: one filter row")                                                  \
    X(step_pixel, 32, "element step, decoded: the next output pixel of an output row")                        \
    X(wrap_w, 32, "element step, decoded: an output row's last pixel to the next row's first")                \
    X(wrap_h, 32, "element step, decoded: an image's last output pixel to the next image's first")

namespace sasim::rtl {

// One field of a command or conv word.
struct WordField {
    const char* name;
    uint32_t bits;        // 1 .. 64
    const char* comment;  // for the generated SystemVerilog and README
};

#define SASIM_WORD_FIELD(name, bits, comment) WordField{#name, bits, comment},
inline constexpr WordField kCommandFields[] = {SASIM_COMMAND_FIELDS(SASIM_WORD_FIELD)};
inline constexpr WordField kConvFields[] = {SASIM_CONV_FIELDS(SASIM_WORD_FIELD)};
#undef SASIM_WORD_FIELD

// Field indices, for naming a value of a word: word[CommandField::m].
#define SASIM_WORD_INDEX(name, bits, comment) name,
enum class CommandField : size_t { SASIM_COMMAND_FIELDS(SASIM_WORD_INDEX) };
enum class ConvField : size_t { SASIM_CONV_FIELDS(SASIM_WORD_INDEX) };
#undef SASIM_WORD_INDEX

inline constexpr size_t kCommandFieldCount = std::size(kCommandFields);
inline constexpr size_t kConvFieldCount = std::size(kConvFields);

// The values of one word, one per field in list order, each below 2^bits.
template <typename Field, size_t N>
struct Word {
    std::array<uint64_t, N> value{};
    uint64_t& operator[](Field f) { return value[static_cast<size_t>(f)]; }
    uint64_t operator[](Field f) const { return value[static_cast<size_t>(f)]; }
    bool operator==(const Word& o) const { return value == o.value; }
    bool operator!=(const Word& o) const { return value != o.value; }
};
using CommandWord = Word<CommandField, kCommandFieldCount>;
using ConvWord = Word<ConvField, kConvFieldCount>;

// Total bits of a word.
template <size_t N>
constexpr uint32_t word_bits(const WordField (&fields)[N]) {
    uint32_t b = 0;
    for (const WordField& f : fields) b += f.bits;
    return b;
}
inline constexpr uint32_t kCommandBits = word_bits(kCommandFields);
inline constexpr uint32_t kConvBits = word_bits(kConvFields);

// Bit position of field i's least significant bit in its word (the first field is the most significant).
template <size_t N>
constexpr uint32_t field_lsb(const WordField (&fields)[N], size_t i) {
    uint32_t below = 0;
    for (size_t j = i + 1; j < N; ++j) below += fields[j].bits;
    return below;
}

// A field's value masked to its width.
constexpr uint64_t field_mask(uint32_t bits) { return bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1; }

// Writes `value`'s low `bits` bits at bit `lsb` of a little-endian array of 32-bit words (Verilator's
// VlWide layout), leaving the other bits alone.
inline void put_bits(uint32_t* words, uint32_t lsb, uint32_t bits, uint64_t value) {
    value &= field_mask(bits);
    while (bits > 0) {
        const uint32_t at = lsb % 32, n = bits < 32 - at ? bits : 32 - at;
        const uint32_t mask = static_cast<uint32_t>(field_mask(n)) << at;
        words[lsb / 32] = (words[lsb / 32] & ~mask) | ((static_cast<uint32_t>(value) << at) & mask);
        value >>= n;
        lsb += n;
        bits -= n;
    }
}

// Packs a word into Verilator's 32-bit words (at least (total bits + 31) / 32 of them, zeroed first).
template <typename W, size_t N>
void pack_word(const WordField (&fields)[N], const W& word, uint32_t* words, size_t nwords) {
    for (size_t i = 0; i < nwords; ++i) words[i] = 0;
    for (size_t i = 0; i < N; ++i) put_bits(words, field_lsb(fields, i), fields[i].bits, word.value[i]);
}

}  // namespace sasim::rtl
