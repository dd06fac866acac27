// SPDX-License-Identifier: MIT
// One processing element of the stationary-mode mesh (WS, and IS with the operands swapped).
// Operands move right, partial sums move down, one register each per cycle. The PE keeps two
// stationary weights: `slot_in` travels with each operand and picks the weight it multiplies with, so a
// new block can be preloaded into the other slot while the previous block still streams through.
// Preload: the weights of mesh row `ROW` shift right through slot `pre_slot`; shift number `pre_k`
// (1 .. COLS) writes only the columns the new data has reached (column < pre_k), so columns further
// right keep serving the previous block until its last operand has passed.
module sasim_pe import sasim_cfg_pkg::*; #(
  parameter int COL = 0
) (
  input  logic                    clk,
  input  logic signed [OBITS-1:0] a_in,
  input  logic                    slot_in,
  input  logic [31:0]             psum_in,
  output logic signed [OBITS-1:0] a_out,
  output logic                    slot_out,
  output logic [31:0]             psum_out,
  input  logic                    pre_shift,
  input  logic [KBITS-1:0]        pre_k,
  input  logic                    pre_slot,
  input  logic signed [OBITS-1:0] pre_in,     // the left neighbour's weight (column 0: the new value)
  output logic signed [OBITS-1:0] w_out [2]
);
  logic signed [OBITS-1:0] w [2];
  logic signed [31:0] a_wide, w_wide;
  assign a_wide = 32'(a_in);
  assign w_wide = 32'(w[slot_in]);
  assign w_out = w;

  always_ff @(posedge clk) begin
    a_out <= a_in;
    slot_out <= slot_in;
    psum_out <= psum_in + 32'(a_wide * w_wide);   // wraps modulo 2^32 like the accumulator
    if (pre_shift && 32'(pre_k) > COL) w[pre_slot] <= pre_in;
  end
endmodule
