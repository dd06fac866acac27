// SPDX-License-Identifier: MIT
// A delay line: N register stages of W bits, each a sasim_reg. The meshes' skew and de-skew lines are
// delay lines of every length from 1 to ROWS (COLS); as modules they keep the mesh's own netlist small
// (synthesis time grows with it), and synthesis still maps one stage per width and counts the
// instances (docs/cost.md).
module sasim_delay #(
  parameter int W = 1,
  parameter int N = 1
) (
  input  logic         clk,
  input  logic [W-1:0] d,
  output logic [W-1:0] q    // d of N cycles ago
);
  logic [(N + 1)*W-1:0] s;  // stage i's input at i * W
  assign s[0 +: W] = d;
  for (genvar i = 0; i < N; i++) begin : g_stage
    sasim_reg #(.W(W)) stage (.clk, .d(s[i * W +: W]), .q(s[(i + 1) * W +: W]));
  end
  assign q = s[N * W +: W];
endmodule
