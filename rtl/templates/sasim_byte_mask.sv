// SPDX-License-Identifier: MIT
// The first n lanes of LANES: lane b is all ones when b < n, else zeros (n >= LANES: every lane). The DMAs'
// byte masks (LANE_BITS = 8: a mask over data bits; 1: a bit per byte).
module sasim_byte_mask #(
  parameter int LANES = 4,
  parameter int LANE_BITS = 8
) (
  input  logic [31:0]                n,
  output logic [LANES*LANE_BITS-1:0] mask
);
  logic [LANES-1:0] keep;
  assign keep = ~({LANES{1'b1}} << n);
  for (genvar b = 0; b < LANES; b++) begin : g_lane
    assign mask[b * LANE_BITS +: LANE_BITS] = {LANE_BITS{keep[b]}};
  end
endmodule
