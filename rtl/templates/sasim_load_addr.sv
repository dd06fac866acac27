// SPDX-License-Identifier: MIT
// Address generation of the load path (docs/isa.md, LOAD and LOAD_IM2COL): the run of contiguous DRAM
// pieces that a request of this cycle reads from. LOAD: one piece, the whole row. LOAD_IM2COL: piece q
// is filter position pos0 + q, at byte q * piece_bytes of the row, present unless it reads padding.
// The pieces are walked run by run in closed form, as the model's Im2colWalker does
// (sim/model/im2col_walker.h, which states the contract: chan_count <= in_c, dilations >= 1): the first
// present piece, the run it starts (the contiguous present pieces) and the next present piece after it.
// The logic does not grow with the pieces of a row: three dividers by a dilation with QB-bit quotients,
// and multipliers of a QB-bit count by a 32-bit step. Whatever needs a wide multiplier or a divider is
// decoded by the command encoder (sim/model/im2col_encoding.h) or stepped by the DMA from row to row.
module sasim_load_addr #(
  parameter int NPOS_MAX = sasim_cfg_pkg::NPOS_MAX,
  parameter int OPERAND_BYTES = sasim_cfg_pkg::OPERAND_BYTES
) (
  /* verilator lint_off UNUSEDSIGNAL */  // a unit reads only the fields of its own instructions
  input  sasim_types_pkg::instr_t in,
  input  sasim_types_pkg::conv_t  conv,
  /* verilator lint_on UNUSEDSIGNAL */
  input  logic [31:0] row_addr,                // LOAD: the row's DRAM address
  input  logic [31:0] ih0, iw0,                // LOAD_IM2COL: input pixel of filter position (0, 0) for the row
  input  logic [31:0] pix,                     //   and its element offset
  input  logic        use_cursor,              // 1: the run starts at `cursor`; 0: at the row's first piece
  input  sasim_types_pkg::piece_t cursor,      // a present piece of this row (when use_cursor)
  output logic        present,                 // the run's first piece exists (0: an all-padding row)
  output sasim_types_pkg::piece_t now,         // the run's first piece
  output logic [31:0] addr,                    // its DRAM address
  output logic [31:0] row_off,                 // its byte offset in the row
  output logic [31:0] run_bytes,               // bytes of the run
  output logic        has_next,                // a present piece follows the run in this row
  output sasim_types_pkg::piece_t next         // that piece
);
  // Counts of pieces (and the dividers' quotients) fit QB bits: 2^QB - 1 >= NPOS_MAX >= npos. A larger
  // quotient moves past the last piece of the row either way (the model clamps to npos; same results).
  localparam int QB = $clog2(NPOS_MAX + 1);
  localparam logic [QB-1:0] QMAX = '1;
  function automatic logic signed [31:0] min2(input logic signed [31:0] a, input logic signed [31:0] b);
    min2 = a < b ? a : b;
  endfunction
  // A count (below 2^QB) times a 32-bit step, wrapping: a small multiplier.
  /* verilator lint_off UNUSEDSIGNAL */
  function automatic logic signed [31:0] times(input logic signed [31:0] count, input logic [31:0] step);
    times = $signed(32'(QB'(count) * step));
  endfunction
  /* verilator lint_on UNUSEDSIGNAL */

  logic signed [31:0] npos, kw, s0, dh, dw, in_h, in_w, siw0;
  logic signed [31:0] ih_r0, iw_s0, k0_dw, k0_e, kf, row0_e, q_first, rows_left;
  logic signed [31:0] n_a, jq, n_b, pieces, n_end, eq, es, eih, eiw, e_e, e_row_e, rq, rih, row_b_e;
  logic [QB-1:0]      k0, ks, kr;
  logic               cols_ok, in_row, junction, full, row_ok, same_row, first_ok;
  logic [31:0]        piece_bytes;
  sasim_types_pkg::piece_t first;

  // The three dividers (sasim_cdiv): the first filter column inside the image (k0, the same in every
  // filter row of this pixel), the first from column s0 of row r0 (ks), and the filter rows from r0 to
  // the first inside the image (kr).
  logic [QB-1:0] k0_q, ks_q, kr_q;
  assign ih_r0 = $signed(ih0) + $signed(in.r0_dh);
  assign iw_s0 = $signed(iw0) + $signed(in.s0_dw);
  sasim_cdiv #(.QB(QB)) div_k0 (.num(32'(-$signed(iw0))), .den(conv.dilation_w), .q(k0_q));
  sasim_cdiv #(.QB(QB)) div_ks (.num(32'(-iw_s0)), .den(conv.dilation_w), .q(ks_q));
  sasim_cdiv #(.QB(QB)) div_kr (.num(32'(-ih_r0)), .den(conv.dilation_h), .q(kr_q));
  assign k0 = $signed(iw0) < 0 ? k0_q : '0;
  assign ks = iw_s0 < 0 ? ks_q : '0;
  assign kr = ih_r0 < 0 ? kr_q : '0;

  always_comb begin
    npos = $signed(in.npos);
    kw = $signed(conv.kernel_w);
    s0 = $signed(in.s0);
    dh = $signed(conv.dilation_h);
    dw = $signed(conv.dilation_w);
    in_h = $signed(conv.in_h);
    in_w = $signed(conv.in_w);
    siw0 = $signed(iw0);
    piece_bytes = in.op == sasim_types_pkg::OP_LOAD2D ? in.elems * OPERAND_BYTES : in.chan_count * OPERAND_BYTES;
    k0_dw = times(32'(k0), conv.dilation_w);
    k0_e = times(32'(k0), conv.step_col);
    cols_ok = $signed(32'(k0)) < kw && siw0 + k0_dw < in_w;

    // ---- the first present piece ----
    // In the chunk's first filter row (r0) from column s0; else in the first filter row after r0 that
    // is inside the image (kf rows further), from column k0.
    row0_e = $signed(pix + in.r0_off);
    in_row = ih_r0 >= 0 && ih_r0 < in_h && $signed(32'(ks)) < npos && s0 + $signed(32'(ks)) < kw &&
             iw_s0 + times(32'(ks), conv.dilation_w) < in_w;
    kf = ih_r0 >= 0 ? 1 : $signed(32'(kr));
    q_first = kw - s0 + times(kf - 1, conv.kernel_w) + $signed(32'(k0));
    first.ih = 32'(ih_r0 + times(kf, conv.dilation_h));
    first.row_e = 32'(row0_e + times(kf, conv.step_row));
    if (in_row) begin
      first.q = 32'(ks);
      first.s = 32'(s0 + $signed(32'(ks)));
      first.ih = 32'(ih_r0);
      first.iw = 32'(iw_s0 + times(32'(ks), conv.dilation_w));
      first.row_e = 32'(row0_e);
      first.e = 32'(row0_e + $signed(in.s0_off) + times(32'(ks), conv.step_col));
      first_ok = 1'b1;
    end else begin
      first.q = 32'(q_first);
      first.s = 32'(k0);
      first.iw = 32'(siw0 + k0_dw);
      first.e = 32'($signed(first.row_e) + k0_e);
      first_ok = ih_r0 < in_h && $signed(first.ih) < in_h && cols_ok && q_first < npos;
    end
    now = use_cursor ? cursor : first;

    // ---- the run from `now` ----
    // Segment A in now's filter row; segment B in the next filter row from column 0 when it continues A.
    n_a = in.cont_s ? min2(min2(kw - $signed(now.s), in_w - $signed(now.iw)), npos - $signed(now.q)) : 1;
    jq = $signed(now.q) + n_a;
    junction = $signed(now.s) + n_a == kw && in.cont_r && siw0 >= 0 && siw0 < in_w &&
               $signed(now.ih) + dh < in_h && jq < npos;
    n_b = in.cont_s ? min2(min2(kw, in_w - siw0), npos - jq) : 1;
    // B a whole filter row: every later row is too, and the run takes them all (dilation_h is 1 then).
    full = junction && n_b == kw;
    rows_left = min2(in_h - 1 - $signed(now.ih), $signed(32'(QMAX)));
    pieces = full ? min2(npos - $signed(now.q), n_a + times(rows_left, conv.kernel_w)) : junction ? n_a + n_b : n_a;
    // The run's last piece (A's or B's; contiguous columns have dilation_w 1), and the next present
    // piece after it: the next column of that filter row, or column k0 of the next filter row.
    row_b_e = $signed(now.row_e) + $signed(conv.step_row);
    n_end = junction ? n_b : n_a;
    eq = (junction ? jq : $signed(now.q)) + n_end - 1;
    es = (junction ? 0 : $signed(now.s)) + n_end - 1;
    eih = junction ? $signed(now.ih) + dh : $signed(now.ih);
    eiw = (junction ? siw0 : $signed(now.iw)) + n_end - 1;
    e_row_e = junction ? row_b_e : $signed(now.row_e);
    e_e = (junction ? row_b_e : $signed(now.e)) + times(n_end - 1, conv.step_col);
    same_row = es + 1 < kw && eiw + dw < in_w && eq + 1 < npos;
    rq = eq + kw - es + $signed(32'(k0));
    rih = eih + dh;
    row_ok = rih < in_h && cols_ok && rq < npos;
    if (same_row) begin
      next.q = 32'(eq + 1);
      next.s = 32'(es + 1);
      next.ih = 32'(eih);
      next.iw = 32'(eiw + dw);
      next.row_e = 32'(e_row_e);
      next.e = 32'(e_e + $signed(conv.step_col));
    end else begin
      next.q = 32'(rq);
      next.s = 32'(k0);
      next.ih = 32'(rih);
      next.iw = 32'(siw0 + k0_dw);
      next.row_e = 32'(e_row_e + $signed(conv.step_row));
      next.e = 32'(e_row_e + $signed(conv.step_row) + k0_e);
    end
    has_next = !full && (same_row || row_ok);

    // ---- addresses ----
    addr = conv.input_addr + now.e * OPERAND_BYTES;
    row_off = 32'(times($signed(now.q), piece_bytes));
    run_bytes = 32'(times(pieces, piece_bytes));
    present = use_cursor || first_ok;
    if (in.op == sasim_types_pkg::OP_LOAD2D) begin
      present = 1'b1;
      now = '0;
      addr = row_addr;
      row_off = 0;
      run_bytes = piece_bytes;
      has_next = 1'b0;
    end
  end
endmodule
