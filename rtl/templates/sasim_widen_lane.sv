// SPDX-License-Identifier: MIT
// One column of a LOAD into the accumulator (docs/isa.md): the operand sign-extended to 32 bits and
// shifted left by the LOAD's shift (wrapping). All lanes are the same module, so synthesis builds one and
// counts it COLS times (docs/cost.md).
module sasim_widen_lane #(
  parameter int OBITS = 8
) (
  input  logic [OBITS-1:0] operand,
  input  logic [5:0]       shift,
  output logic [31:0]      value
);
  assign value = 32'($signed(operand)) << shift;
endmodule
