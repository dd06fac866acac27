// SPDX-License-Identifier: MIT
// A barrel shifter of LANES lanes of LANE_BITS bits: `out` is `in` shifted by `amount` lanes, towards the
// high lanes (LEFT = 1) or the low ones (LEFT = 0), with zeros shifted in; an amount of LANES or more
// gives 0. It is built as one stage per bit of the amount, each a sasim_mux2 between the stage's input and
// that input moved by a constant (wiring), so that synthesis maps one small multiplexer module per width
// and counts its instances, instead of mapping one cone of tens of thousands of multiplexers (the load
// DMA's read-buffer merge over 2,048-bit rows took ABC 81 s that way; docs/cost.md).
// A right shift may keep only the low OUT_LANES lanes (the load DMA's head block out of a buffer row): its
// stages then go from the largest move to the smallest, and each keeps only the lanes that the moves
// after it can still bring down (OUT_LANES + its move - 1), so a 4,096-lane row read 128 lanes at a time
// needs about a ninth of the multiplexers (5,619 lanes of stages instead of 49,152).
module sasim_byte_shift #(
  parameter int LANES = 1,
  parameter int LANE_BITS = 8,
  parameter int LEFT = 1,
  parameter int OUT_LANES = LANES        // < LANES only when LEFT = 0
) (
  input  logic [LANES*LANE_BITS-1:0]     in,
  input  logic [31:0]                    amount,
  output logic [OUT_LANES*LANE_BITS-1:0] out
);
  localparam int W = LANES * LANE_BITS;
  /* verilator lint_off WIDTHCONCAT */  // zero fills of rows up to 32,768 bits are meant
  localparam int STAGES = LANES > 1 ? $clog2(LANES) : 1;   // amounts below 2^STAGES >= LANES
  // Stage j's input at s[j*W +: W] (bits a narrowed stage does not produce are 0); the last slice is the result.
  /* verilator lint_off UNUSEDSIGNAL */  // a narrowed stage reads part of its input
  logic [(STAGES + 1) * W - 1:0] s;
  /* verilator lint_on UNUSEDSIGNAL */
  assign s[W-1:0] = in;
  for (genvar j = 0; j < STAGES; j++) begin : g_stage
    // The stage's move: 2^j lanes (left), 2^(STAGES-1-j) lanes (right, largest first).
    localparam int K = LEFT != 0 ? j : STAGES - 1 - j;
    localparam int BY = (1 << K) * LANE_BITS;                 // bits this stage moves
    localparam int KEEP_LANES = LEFT != 0 || OUT_LANES + (1 << K) - 1 >= LANES ? LANES : OUT_LANES + (1 << K) - 1;
    localparam int WK = KEEP_LANES * LANE_BITS;               // bits this stage produces
    logic [WK-1:0] moved;
    if (BY >= W) begin : g_out
      assign moved = '0;
    end else if (LEFT != 0) begin : g_left
      assign moved[BY-1:0] = '0;
      assign moved[W-1:BY] = s[j * W +: W - BY];
    end else if (W - BY >= WK) begin : g_right_all
      assign moved = s[j * W + BY +: WK];
    end else begin : g_right
      assign moved[WK-1:W-BY] = '0;
      assign moved[W-BY-1:0] = s[j * W + BY +: W - BY];
    end
    sasim_mux2 #(.W(WK)) mux (.sel(amount[K]), .a(s[j * W +: WK]), .b(moved), .y(s[(j + 1) * W +: WK]));
    if (WK < W) begin : g_narrow
      assign s[(j + 1) * W + WK +: W - WK] = '0;
    end
  end
  // amount >= 2^STAGES moves every lane out
  assign out = amount >> STAGES == 0 ? s[STAGES * W +: OUT_LANES * LANE_BITS] : '0;
  /* verilator lint_on WIDTHCONCAT */
endmodule
