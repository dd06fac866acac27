// SPDX-License-Identifier: MIT
// One processing element of the stationary-mode mesh (WS, and IS with the operands swapped).
// Operands move right, partial sums move down, one register each per cycle. The PE keeps two
// stationary weights: `slot_in` travels with each operand and picks the weight it multiplies with, so a
// new block can be preloaded into the other slot while the previous block still streams through.
// Preload: the weights of a mesh row shift right through slot `pre_slot`; the mesh raises `pre_en` only
// in the columns the new data has reached, so columns further right keep serving the previous block
// until its last operand has passed. Every PE is the same module (no per-column parameter), so synthesis
// builds one and counts it ROWS x COLS times (docs/cost.md).
module sasim_pe #(
  parameter int OBITS = sasim_cfg_pkg::OBITS
) (
  input  logic                    clk,
  input  logic signed [OBITS-1:0] a_in,
  input  logic                    slot_in,
  input  logic [31:0]             psum_in,
  output logic signed [OBITS-1:0] a_out,
  output logic                    slot_out,
  output logic [31:0]             psum_out,
  input  logic                    pre_en,     // shift the weight of slot pre_slot in this cycle
  input  logic                    pre_slot,
  input  logic signed [OBITS-1:0] pre_in,     // the left neighbour's weight (column 0: the new value)
  output logic [2*OBITS-1:0]      w_out       // {slot 1, slot 0}
);
  logic signed [OBITS-1:0] w0, w1;
  logic signed [OBITS-1:0] w_sel;
  logic signed [31:0] a_wide, w_wide;
  assign w_sel = slot_in ? w1 : w0;
  assign a_wide = 32'(a_in);
  assign w_wide = 32'(w_sel);
  assign w_out = {w1, w0};

  always_ff @(posedge clk) begin
    a_out <= a_in;
    slot_out <= slot_in;
    psum_out <= psum_in + 32'(a_wide * w_wide);   // wraps modulo 2^32 like the accumulator
    if (pre_en && !pre_slot) w0 <= pre_in;
    if (pre_en && pre_slot) w1 <= pre_in;
  end
endmodule
