// SPDX-License-Identifier: MIT
// A dependency-token channel: a counter. The producer raises `inc` in the cycle of the event that makes
// the token usable one cycle later (docs/timing.md, "Tokens"); the consumer raises `dec` when it issues.
module sasim_token (
  input  logic clk,
  input  logic rst,
  input  logic inc,
  input  logic dec,
  output logic avail,          // at least one token can be consumed this cycle
  output logic [15:0] count
);
  assign avail = count != 0;
  always_ff @(posedge clk) begin
    if (rst) count <= '0;
    else count <= count + {15'd0, inc} - {15'd0, dec};
  end
endmodule
