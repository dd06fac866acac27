// SPDX-License-Identifier: MIT
// Address generation of the load path (docs/isa.md, LOAD and LOAD_IM2COL): the DRAM pieces of one DRAM
// row, all in parallel. Piece q is in the row at byte q * piece_bytes; it is present (`piece_in[q]`) unless
// it is padding. LOAD: one piece, the whole row. LOAD_IM2COL: one piece per filter position of the chunk,
// positions walked with counters (no division, and multipliers for piece 0 only): (r, s), the input
// pixel (ih, iw) and the address advance by adds.
module sasim_load_addr #(
  parameter int NPOS_MAX = sasim_cfg_pkg::NPOS_MAX,
  parameter int OPERAND_BYTES = sasim_cfg_pkg::OPERAND_BYTES
) (
  /* verilator lint_off UNUSEDSIGNAL */  // a unit reads only the fields of its own instructions
  input  sasim_types_pkg::instr_t in,
  input  sasim_types_pkg::conv_t  conv,
  /* verilator lint_on UNUSEDSIGNAL */
  input  logic [31:0] row,                     // DRAM row index within the instruction
  input  logic [31:0] img, oh, ow,             // LOAD_IM2COL: the row's output pixel
  output logic [31:0] piece_bytes,
  output logic [NPOS_MAX-1:0]    piece_in,     // bit q: piece q is present
  output logic [NPOS_MAX*32-1:0] piece_addr    // piece q's address at bits q * 32
);
  // Per position: the filter column s, the input pixel it reads and its address. Only piece 0 is
  // computed with multipliers; each further piece adds a step to its left neighbour (the address is
  // linear in the pixel, so the sums equal the full formula modulo 2^32, padding pieces included):
  //   next filter column:         dilation_w pixels further           (step_s)
  //   first column of the next row: dilation_h rows down, (kernel_w - 1) * dilation_w pixels back (step_r)
  logic signed [31:0] ih [NPOS_MAX];
  logic signed [31:0] iw [NPOS_MAX];
  logic        [31:0] ss [NPOS_MAX];
  logic        [31:0] pa [NPOS_MAX];
  logic signed [31:0] ih_base, iw_base;
  logic        [31:0] step_s, step_r;
  logic               wrap;

  always_comb begin
    wrap = 1'b0;
    ih_base = $signed(oh * conv.stride_h) - $signed(conv.pad_top);
    iw_base = $signed(ow * conv.stride_w) - $signed(conv.pad_left);
    step_s = conv.dilation_w * conv.in_c * OPERAND_BYTES;
    step_r = (conv.dilation_h * conv.in_w - (conv.kernel_w - 1) * conv.dilation_w) * conv.in_c * OPERAND_BYTES;
    for (int q = 0; q < NPOS_MAX; q++) begin
      if (q == 0) begin
        ss[q] = in.s0;
        ih[q] = ih_base + $signed(in.r0 * conv.dilation_h);
        iw[q] = iw_base + $signed(in.s0 * conv.dilation_w);
        pa[q] = conv.input_addr +
                (((img * conv.in_h + 32'(ih[q])) * conv.in_w + 32'(iw[q])) * conv.in_c + in.chan0) * OPERAND_BYTES;
      end else begin
        wrap = ss[q - 1] + 1 == conv.kernel_w;
        ss[q] = wrap ? 32'd0 : ss[q - 1] + 1;
        ih[q] = wrap ? ih[q - 1] + $signed(conv.dilation_h) : ih[q - 1];
        iw[q] = wrap ? iw_base : iw[q - 1] + $signed(conv.dilation_w);
        pa[q] = pa[q - 1] + (wrap ? step_r : step_s);
      end
    end
    if (in.op == sasim_types_pkg::OP_LOAD2D) begin
      piece_bytes = in.elems * OPERAND_BYTES;
      for (int q = 0; q < NPOS_MAX; q++) begin
        piece_in[q] = q == 0;
        piece_addr[q * 32 +: 32] = in.dram_addr + row * in.dram_stride;
      end
    end else begin
      piece_bytes = in.chan_count * OPERAND_BYTES;
      for (int q = 0; q < NPOS_MAX; q++) begin
        piece_in[q] = 32'(q) < in.npos && ih[q] >= 0 && iw[q] >= 0 &&
                      ih[q] < $signed(conv.in_h) && iw[q] < $signed(conv.in_w);
        piece_addr[q * 32 +: 32] = pa[q];
      end
    end
  end
endmodule
