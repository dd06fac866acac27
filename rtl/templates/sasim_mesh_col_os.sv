// SPDX-License-Identifier: MIT
// One column of the output-stationary mesh: ROWS PEs and the column's drain multiplexer. Every column
// is the same module, so synthesis builds one column and counts it COLS times (docs/cost.md). A values
// and their step flags enter from the left (row r at r * width) and leave to the right one cycle later;
// B values enter at the top and move down.
module sasim_mesh_col_os #(
  parameter int ROWS = sasim_cfg_pkg::ROWS,
  parameter int OBITS = sasim_cfg_pkg::OBITS
) (
  input  logic                    clk,
  input  logic [ROWS*OBITS-1:0]   a_in,
  input  logic [ROWS-1:0]         valid_in,
  input  logic [ROWS-1:0]         first_in,
  input  logic [ROWS-1:0]         slot_in,
  input  logic signed [OBITS-1:0] b_in,          // this column's skewed B element
  output logic [ROWS*OBITS-1:0]   a_out,
  output logic [ROWS-1:0]         valid_out,
  output logic [ROWS-1:0]         first_out,
  output logic [ROWS-1:0]         slot_out,
  input  logic [ROWS-1:0]         drain_sel,     // one-hot: the drained row
  input  logic                    drain_slot,
  output logic [31:0]             out            // slot drain_slot of the drained row's result
);
  /* verilator lint_off UNUSEDSIGNAL */  // the last row's B goes nowhere
  logic [ROWS*OBITS-1:0] b_q;                    // B leaving each row downwards
  /* verilator lint_on UNUSEDSIGNAL */
  logic [ROWS*64-1:0]    res;                    // row r's {slot 1, slot 0} at r * 64

  for (genvar r = 0; r < ROWS; r++) begin : g_row
    logic signed [OBITS-1:0] b_above;
    if (r == 0) begin : g_top
      assign b_above = b_in;
    end else begin : g_below
      assign b_above = b_q[(r - 1) * OBITS +: OBITS];
    end
    sasim_pe_os pe (
      .clk(clk),
      .a_in(a_in[r * OBITS +: OBITS]),
      .valid_in(valid_in[r]),
      .first_in(first_in[r]),
      .slot_in(slot_in[r]),
      .b_in(b_above),
      .a_out(a_out[r * OBITS +: OBITS]),
      .valid_out(valid_out[r]),
      .first_out(first_out[r]),
      .slot_out(slot_out[r]),
      .b_out(b_q[r * OBITS +: OBITS]),
      .result(res[r * 64 +: 64])
    );
  end

  // The drained row's result: an AND-OR of the one-hot row selects (a part-select at a 32-bit row
  // number became a shifter over all rows, 36 s of Yosys's techmap at 64 rows).
  logic [63:0] drained;
  always_comb begin
    drained = '0;
    for (int r = 0; r < ROWS; r++) drained = drained | (res[r * 64 +: 64] & {64{drain_sel[r]}});
  end
  assign out = drain_slot ? drained[63:32] : drained[31:0];
endmodule
