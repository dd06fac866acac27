// SPDX-License-Identifier: MIT
// One row of the stationary-mode mesh: COLS PEs, the preload's column enables and the left-weight
// selection. Every row is the same module (row 0 gets zero partial sums from the mesh), so synthesis
// builds one row and counts it ROWS times (docs/cost.md). Vectors are packed: element c at c * width.
module sasim_mesh_row #(
  parameter int COLS = sasim_cfg_pkg::COLS,
  parameter int OBITS = sasim_cfg_pkg::OBITS,
  parameter int KBITS = sasim_cfg_pkg::KBITS
) (
  input  logic                    clk,
  // this row's skewed inputs (docs of sasim_mesh)
  input  logic signed [OBITS-1:0] a_in,
  input  logic                    slot_in,
  input  logic                    pre_shift,
  input  logic [KBITS-1:0]        pre_k,      // shift number: only the columns below pre_k shift
  input  logic                    pre_slot,
  input  logic signed [OBITS-1:0] pre_in,     // the new stationary value entering column 0
  input  logic [COLS*32-1:0]      psum_in,    // from the row above
  output logic [COLS*32-1:0]      psum_out
);
  localparam int WB = 2 * OBITS;              // a PE's two weight slots {slot 1, slot 0}
  /* verilator lint_off UNUSEDSIGNAL */  // the last column's outputs go nowhere
  logic [COLS*OBITS-1:0] a_q;
  logic [COLS-1:0]       s_q;
  logic [COLS*WB-1:0]    w_q;
  /* verilator lint_on UNUSEDSIGNAL */

  for (genvar c = 0; c < COLS; c++) begin : g_col
    logic signed [OBITS-1:0] a_left, left_w;   // left_w: the weight that shifts in from the left
    logic                    s_left;
    if (c == 0) begin : g_first
      assign a_left = a_in;
      assign s_left = slot_in;
      assign left_w = pre_in;
    end else begin : g_next
      assign a_left = a_q[(c - 1) * OBITS +: OBITS];
      assign s_left = s_q[c - 1];
      assign left_w = pre_slot ? w_q[(c - 1) * WB + OBITS +: OBITS] : w_q[(c - 1) * WB +: OBITS];
    end
    sasim_pe pe (
      .clk(clk),
      .a_in(a_left),
      .slot_in(s_left),
      .psum_in(psum_in[c * 32 +: 32]),
      .a_out(a_q[c * OBITS +: OBITS]),
      .slot_out(s_q[c]),
      .psum_out(psum_out[c * 32 +: 32]),
      .pre_en(pre_shift && 32'(pre_k) > c),
      .pre_slot(pre_slot),
      .pre_in(left_w),
      .w_out(w_q[c * WB +: WB])
    );
  end
endmodule
