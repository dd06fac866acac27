// SPDX-License-Identifier: MIT
// One lane of the store DMA's requantization (docs/isa.md, STORE): round-half-up arithmetic shift,
// optional ReLU, saturation to the operand range. The store DMA has one lane per column, all the same
// module, so synthesis builds one lane and counts it COLS times (docs/cost.md).
module sasim_requant #(
  parameter int OBITS = sasim_cfg_pkg::OBITS,
  parameter longint OP_MAX = sasim_cfg_pkg::OP_MAX,
  parameter longint OP_MIN = sasim_cfg_pkg::OP_MIN
) (
  input  logic [31:0]      acc,    // the accumulator value (two's complement)
  input  logic [5:0]       shift,
  input  logic             relu,
  output logic [OBITS-1:0] q
);
  always_comb begin
    logic signed [63:0] v;
    v = 64'($signed(acc));
    if (shift != 0) v = (v + (64'sd1 <<< (shift - 1))) >>> shift;
    if (relu && v < 0) v = 0;
    if (v > OP_MAX) v = OP_MAX;
    if (v < OP_MIN) v = OP_MIN;
    q = OBITS'(v);
  end
endmodule
