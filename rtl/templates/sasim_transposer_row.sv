// SPDX-License-Identifier: MIT
// One row of the output-stationary execute unit's transposer: the A row being filled and the copy the
// stream reads column by column. Every row is the same module, so synthesis builds one and counts it
// ROWS times (docs/cost.md).
module sasim_transposer_row #(
  parameter int OBITS = sasim_cfg_pkg::OBITS,
  parameter int ELEMS = sasim_cfg_pkg::SPAD_ROW_ELEMS,
  parameter int SPAD_ROW_BITS = sasim_cfg_pkg::SPAD_ROW_BITS
) (
  input  logic                     clk,
  input  logic                     fill_wr,    // the fill reads this row's A row in this cycle
  input  logic [SPAD_ROW_BITS-1:0] fill_data,
  input  logic                     copy,       // streaming starts: the filled row becomes the streamed one
  input  logic [ELEMS-1:0]         t_sel,      // one-hot: the streamed column t (none when t >= ELEMS)
  output logic [OBITS-1:0]         a           // element t of the streamed row (of the filled one while copying)
);
  logic [SPAD_ROW_BITS-1:0] fill_q, stream_q;
  always_ff @(posedge clk) begin
    if (fill_wr) fill_q <= fill_data;
    if (copy) stream_q <= fill_q;
  end
  // Element t as an AND-OR of the column selects (a part-select at a 32-bit t was a shifter per row).
  logic [SPAD_ROW_BITS-1:0] shown;   // the row element t is taken from
  assign shown = copy ? fill_q : stream_q;
  always_comb begin
    a = '0;
    for (int c = 0; c < ELEMS; c++) a = a | (shown[c * OBITS +: OBITS] & {OBITS{t_sel[c]}});
  end
endmodule
