// SPDX-License-Identifier: MIT
// The ROWS x COLS stationary-mode mesh with its skew and de-skew registers.
// A streamed row read from the scratchpad in cycle t enters through the skew registers (row r of the
// mesh sees element r in cycle t + 1 + r), crosses the mesh diagonally and leaves through the de-skew
// registers, so every column's result is on `out` in cycle t + ROWS + COLS (the mesh latency L of
// docs/timing.md). Column j of the mesh holds stationary row COLS-1-j (the preload shifts in from the
// left), so output column COLS-1-j is out[j * 32 +: 32].
module sasim_mesh #(
  parameter int ROWS = sasim_cfg_pkg::ROWS,
  parameter int COLS = sasim_cfg_pkg::COLS,
  parameter int OBITS = sasim_cfg_pkg::OBITS,
  parameter int KBITS = sasim_cfg_pkg::KBITS
) (
  input  logic                    clk,
  // streaming: one scratchpad row (elements 0 .. ROWS-1, element r at bits r * OBITS) per cycle
  input  logic [ROWS*OBITS-1:0]   stream_row,
  input  logic                    stream_slot,
  // preload: one stationary row (elements 0 .. ROWS-1) or a zero shift per cycle. Shift number pre_k
  // (1 .. COLS) writes only the mesh columns below pre_k.
  input  logic                    pre_shift,
  input  logic [KBITS-1:0]        pre_k,
  input  logic                    pre_slot,
  input  logic [ROWS*OBITS-1:0]   pre_row,
  output logic [COLS*32-1:0]      out
);
  // Partial sums leaving each mesh row (row r at r * COLS * 32); rows are sasim_mesh_row instances.
  localparam int PW = COLS * 32;
  logic [ROWS*PW-1:0] p_q;

  for (genvar r = 0; r < ROWS; r++) begin : g_row
    // Skew: mesh row r delays its element by r + 1 cycles (stage 0 is the register after the read), in
    // r + 1 register stages of {stream element, stream slot, preload shift, k, slot, element}.
    localparam int SKW = 2 * OBITS + KBITS + 3;
    logic [SKW-1:0] sk;
    sasim_delay #(.W(SKW), .N(r + 1)) skew (
      .clk, .d({stream_row[r * OBITS +: OBITS], stream_slot, pre_shift, pre_k, pre_slot, pre_row[r * OBITS +: OBITS]}),
      .q(sk));
    logic signed [OBITS-1:0] sk_a_r, pk_d_r;
    logic                    sk_s_r, pk_shift_r, pk_slot_r;
    logic [KBITS-1:0]        pk_k_r;
    assign {sk_a_r, sk_s_r, pk_shift_r, pk_k_r, pk_slot_r, pk_d_r} = sk;
    logic [PW-1:0] p_above;
    if (r == 0) begin : g_top
      assign p_above = '0;
    end else begin : g_below
      assign p_above = p_q[(r - 1) * PW +: PW];
    end
    sasim_mesh_row row (
      .clk, .a_in(sk_a_r), .slot_in(sk_s_r), .pre_shift(pk_shift_r), .pre_k(pk_k_r), .pre_slot(pk_slot_r),
      .pre_in(pk_d_r), .psum_in(p_above), .psum_out(p_q[r * PW +: PW])
    );
  end

  // De-skew: column c waits COLS-1-c more cycles, so all columns leave together.
  for (genvar c = 0; c < COLS; c++) begin : g_deskew
    if (c == COLS - 1) begin : g_direct
      assign out[c * 32 +: 32] = p_q[(ROWS - 1) * PW + c * 32 +: 32];
    end else begin : g_delay
      sasim_delay #(.W(32), .N(COLS - 1 - c)) deskew (.clk, .d(p_q[(ROWS - 1) * PW + c * 32 +: 32]), .q(out[c * 32 +: 32]));
    end
  end
endmodule
