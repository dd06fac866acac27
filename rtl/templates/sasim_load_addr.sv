// SPDX-License-Identifier: MIT
// Address generation of the load path (docs/isa.md, LOAD and LOAD_IM2COL): the run of contiguous DRAM
// pieces that a request of this cycle reads from. LOAD: one piece, the whole row. LOAD_IM2COL: piece q
// is filter position pos0 + q, at byte q * piece_bytes of the row, present unless it reads padding.
// The pieces are walked run by run in closed form, as the model's Im2colWalker does
// (sim/model/im2col_walker.h, which states the contract: chan_count <= in_c, dilations >= 1): the first
// present piece, the run it starts (the contiguous present pieces) and the next present piece after it.
// Per cycle a fixed amount of logic (three clamped dividers of QB quotient bits, a few multipliers),
// however many pieces a row has.
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
  input  logic        use_cursor,              // 1: the run starts at `cursor`; 0: at the row's first piece
  input  sasim_types_pkg::piece_t cursor,      // a present piece of this row (when use_cursor)
  output logic [31:0] piece_bytes,
  output logic        present,                 // the run's first piece exists (0: an all-padding row)
  output sasim_types_pkg::piece_t now,         // the run's first piece
  output logic [31:0] addr,                    // its DRAM address
  output logic [31:0] row_off,                 // its byte offset in the row
  output logic [31:0] run_pieces,              // pieces in the run (>= 1 when present)
  output logic        has_next,                // a present piece follows the run in this row
  output sasim_types_pkg::piece_t next         // that piece
);
  // The dividers' quotients are clamped to 2^QB - 1 >= NPOS_MAX >= npos: a larger quotient moves past the
  // last piece of the row either way (the model clamps to npos; the results are the same).
  localparam int QB = $clog2(NPOS_MAX + 1);
  localparam int DW = 32 + QB;                 // the dividers' width
  localparam logic signed [31:0] QMAX = 32'((1 << QB) - 1);
  // ceil(num / den) for num >= 0, den >= 1, clamped to QMAX: QB steps of compare and subtract.
  function automatic logic signed [31:0] cdiv_clamped(input logic signed [31:0] num, input logic [31:0] den);
    logic [DW-1:0] rem, d;
    logic [31:0] quo;
    rem = DW'($unsigned(num)) + DW'(den) - 1;
    quo = 0;
    if (rem >= (DW'(den) << QB)) quo = 32'(QMAX);
    else begin
      for (int i = QB - 1; i >= 0; i--) begin
        d = DW'(den) << i;
        if (rem >= d) begin
          rem = rem - d;
          quo[i] = 1'b1;
        end
      end
    end
    cdiv_clamped = $signed(quo);
  endfunction
  function automatic logic signed [31:0] min2(input logic signed [31:0] a, input logic signed [31:0] b);
    min2 = a < b ? a : b;
  endfunction

  logic signed [31:0] npos, kw, s0, dh, dw, in_h, in_w;
  logic signed [31:0] ih_r0, iw0, iw_s0, k0, ks, kr, q_first, ih_first, rows_left;
  logic signed [31:0] n_a, jq, n_b, full_pieces;
  logic               cols_ok, cont_s, cont_r, in_row, junction, full, row_ok, same_row;
  logic signed [31:0] rq, rih, eq, es, eih, eiw;    // row_start's input; the run's last piece
  sasim_types_pkg::piece_t first;
  logic first_ok;

  always_comb begin
    npos = $signed(in.npos);
    kw = $signed(conv.kernel_w);
    s0 = $signed(in.s0);
    dh = $signed(conv.dilation_h);
    dw = $signed(conv.dilation_w);
    in_h = $signed(conv.in_h);
    in_w = $signed(conv.in_w);
    ih_r0 = $signed(oh * conv.stride_h) - $signed(conv.pad_top) + $signed(in.r0 * conv.dilation_h);
    iw0 = $signed(ow * conv.stride_w) - $signed(conv.pad_left);
    iw_s0 = iw0 + $signed(in.s0 * conv.dilation_w);
    // The first filter column inside the image (the same in every filter row of this pixel).
    k0 = iw0 < 0 ? cdiv_clamped(-iw0, conv.dilation_w) : 0;
    cols_ok = k0 < kw && iw0 + k0 * dw < in_w;
    piece_bytes = in.op == sasim_types_pkg::OP_LOAD2D ? in.elems * OPERAND_BYTES : in.chan_count * OPERAND_BYTES;
    cont_s = conv.dilation_w * conv.in_c * OPERAND_BYTES == piece_bytes;
    cont_r = (conv.dilation_h * conv.in_w - (conv.kernel_w - 1) * conv.dilation_w) * conv.in_c * OPERAND_BYTES ==
             piece_bytes;

    // ---- the first present piece ----
    // In the chunk's first filter row from column s0, else in the first filter row inside the image.
    ks = iw_s0 < 0 ? cdiv_clamped(-iw_s0, conv.dilation_w) : 0;
    kr = ih_r0 < 0 ? cdiv_clamped(-ih_r0, conv.dilation_h) : 0;
    in_row = ih_r0 >= 0 && ih_r0 < in_h && ks < npos && s0 + ks < kw && iw_s0 + ks * dw < in_w;
    q_first = ih_r0 >= 0 ? kw - s0 : kw - s0 + (kr - 1) * kw;
    ih_first = ih_r0 >= 0 ? ih_r0 + dh : ih_r0 + kr * dh;
    if (in_row) begin
      first.q = 32'(ks);
      first.s = 32'(s0 + ks);
      first.ih = 32'(ih_r0);
      first.iw = 32'(iw_s0 + ks * dw);
      first_ok = 1'b1;
    end else begin
      first.q = 32'(q_first + k0);
      first.s = 32'(k0);
      first.ih = 32'(ih_first);
      first.iw = 32'(iw0 + k0 * dw);
      first_ok = ih_r0 < in_h && ih_first < in_h && cols_ok && q_first + k0 < npos;
    end
    now = use_cursor ? cursor : first;

    // ---- the run from `now` ----
    // Segment A in now's filter row; segment B in the next filter row from column 0 when it continues A.
    n_a = cont_s ? min2(min2(kw - $signed(now.s), in_w - $signed(now.iw)), npos - $signed(now.q)) : 1;
    jq = $signed(now.q) + n_a;
    junction = $signed(now.s) + n_a == kw && cont_r && iw0 >= 0 && iw0 < in_w && $signed(now.ih) + dh < in_h &&
               jq < npos;
    n_b = cont_s ? min2(min2(kw, in_w - iw0), npos - jq) : 1;
    // B a whole filter row: every later row is too, and the run takes them all (dilation_h is 1 then).
    full = junction && n_b == kw;
    rows_left = min2(in_h - 1 - $signed(now.ih), QMAX);
    full_pieces = min2(npos - $signed(now.q), n_a + rows_left * kw);
    run_pieces = 32'(full ? full_pieces : junction ? n_a + n_b : n_a);
    // The run's last piece, and the next present piece after it: the next column of that filter row, or
    // the first column inside the image of the next filter row.
    eq = junction ? jq + n_b - 1 : $signed(now.q) + n_a - 1;
    es = junction ? n_b - 1 : $signed(now.s) + n_a - 1;
    eih = junction ? $signed(now.ih) + dh : $signed(now.ih);
    eiw = junction ? iw0 + n_b - 1 : $signed(now.iw) + n_a - 1;
    same_row = es + 1 < kw && eiw + dw < in_w && eq + 1 < npos;
    rq = eq + kw - es;
    rih = eih + dh;
    row_ok = rih < in_h && cols_ok && rq + k0 < npos;
    if (same_row) begin
      next.q = 32'(eq + 1);
      next.s = 32'(es + 1);
      next.ih = 32'(eih);
      next.iw = 32'(eiw + dw);
    end else begin
      next.q = 32'(rq + k0);
      next.s = 32'(k0);
      next.ih = 32'(rih);
      next.iw = 32'(iw0 + k0 * dw);
    end
    has_next = !full && (same_row || row_ok);

    // ---- addresses ----
    addr = conv.input_addr +
           (((img * conv.in_h + now.ih) * conv.in_w + now.iw) * conv.in_c + in.chan0) * OPERAND_BYTES;
    row_off = now.q * piece_bytes;
    present = use_cursor || first_ok;
    if (in.op == sasim_types_pkg::OP_LOAD2D) begin
      present = 1'b1;
      now = '0;
      addr = in.dram_addr + row * in.dram_stride;
      row_off = 0;
      run_pieces = 1;
      has_next = 1'b0;
    end
  end
endmodule
