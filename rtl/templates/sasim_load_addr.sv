// SPDX-License-Identifier: MIT
// Address generation of the load path (docs/isa.md, LOAD and LOAD_IM2COL): the DRAM pieces of one DRAM
// row, all in parallel. Piece q is in the row at byte q * piece_bytes; it is present (`piece_in[q]`) unless
// it is padding. LOAD: one piece, the whole row. LOAD_IM2COL: one piece per filter position of the chunk,
// positions walked with counters (no division): (r, s) and the input pixel (ih, iw) advance by adds.
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
  // Per position: (r, s) of the filter and the input pixel it reads.
  logic signed [31:0] ih [NPOS_MAX];
  logic signed [31:0] iw [NPOS_MAX];
  logic        [31:0] rr [NPOS_MAX];
  logic        [31:0] ss [NPOS_MAX];
  logic signed [31:0] ih_base, iw_base;

  always_comb begin
    ih_base = $signed(oh * conv.stride_h) - $signed(conv.pad_top);
    iw_base = $signed(ow * conv.stride_w) - $signed(conv.pad_left);
    for (int q = 0; q < NPOS_MAX; q++) begin
      if (q == 0) begin
        rr[q] = in.r0;
        ss[q] = in.s0;
      end else if (ss[q - 1] + 1 == conv.kernel_w) begin
        rr[q] = rr[q - 1] + 1;
        ss[q] = 0;
      end else begin
        rr[q] = rr[q - 1];
        ss[q] = ss[q - 1] + 1;
      end
      ih[q] = ih_base + $signed(rr[q] * conv.dilation_h);
      iw[q] = iw_base + $signed(ss[q] * conv.dilation_w);
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
        piece_addr[q * 32 +: 32] = conv.input_addr +
                        (((img * conv.in_h + 32'(ih[q])) * conv.in_w + 32'(iw[q])) * conv.in_c + in.chan0) * OPERAND_BYTES;
      end
    end
  end
endmodule
