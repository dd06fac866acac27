// SPDX-License-Identifier: MIT
// A barrel shifter of LANES lanes of LANE_BITS bits: `out` is `in` shifted by `amount` lanes, towards the
// high lanes (LEFT = 1) or the low ones (LEFT = 0), with zeros shifted in; an amount of LANES or more
// gives 0. It is built as one stage per bit of the amount, each a sasim_mux2 between the stage's input and
// that input moved by a constant (wiring), so that synthesis maps one small multiplexer module per width
// and counts its instances, instead of mapping one cone of tens of thousands of multiplexers (the load
// DMA's read-buffer merge over 2,048-bit rows took ABC 81 s that way; docs/cost.md).
module sasim_byte_shift #(
  parameter int LANES = 1,
  parameter int LANE_BITS = 8,
  parameter int LEFT = 1
) (
  input  logic [LANES*LANE_BITS-1:0] in,
  input  logic [31:0]                amount,
  output logic [LANES*LANE_BITS-1:0] out
);
  localparam int W = LANES * LANE_BITS;
  localparam int STAGES = LANES > 1 ? $clog2(LANES) : 1;   // amounts below 2^STAGES >= LANES
  logic [(STAGES + 1) * W - 1:0] s;     // stage k's input at s[k*W +: W]; the last slice is the result
  assign s[W-1:0] = in;
  for (genvar k = 0; k < STAGES; k++) begin : g_stage
    localparam int BY = (1 << k) * LANE_BITS;   // bits this stage moves
    logic [W-1:0] moved;
    if (BY >= W) begin : g_out
      assign moved = '0;
    end else if (LEFT != 0) begin : g_left
      assign moved = {s[k * W +: W - BY], {BY{1'b0}}};
    end else begin : g_right
      assign moved = {{BY{1'b0}}, s[k * W + BY +: W - BY]};
    end
    sasim_mux2 #(.W(W)) mux (.sel(amount[k]), .a(s[k * W +: W]), .b(moved), .y(s[(k + 1) * W +: W]));
  end
  // amount >= 2^STAGES moves every lane out
  assign out = amount >> STAGES == 0 ? s[STAGES * W +: W] : '0;
endmodule
