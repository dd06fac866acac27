// SPDX-License-Identifier: MIT
// One register stage of W bits. The meshes build their skew and de-skew delay lines from it, so that
// synthesis maps one stage per width and counts the instances (as it does for the PEs) instead of
// mapping thousands of flat registers (docs/cost.md).
module sasim_reg #(
  parameter int W = 1
) (
  input  logic         clk,
  input  logic [W-1:0] d,
  output logic [W-1:0] q
);
  always_ff @(posedge clk) q <= d;
endmodule
