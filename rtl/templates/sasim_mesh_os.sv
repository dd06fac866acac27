// SPDX-License-Identifier: MIT
// The ROWS x COLS output-stationary mesh with its skew registers. In the cycle a B row is read (step t
// of an EXECUTE), column t of A leaves the transposer: A element i enters mesh row i after i + 1 cycles,
// B element j enters mesh column j after j + 1 cycles, so both reach PE (i, j) in the same cycle
// (t + 1 + i + j after the read). The drain reads one mesh row of results per cycle (`drain_row`).
module sasim_mesh_os #(
  parameter int ROWS = sasim_cfg_pkg::ROWS,
  parameter int COLS = sasim_cfg_pkg::COLS,
  parameter int OBITS = sasim_cfg_pkg::OBITS
) (
  input  logic                    clk,
  input  logic                    step_valid,
  input  logic                    step_first,
  input  logic                    step_slot,
  input  logic [ROWS*OBITS-1:0]   a_col,         // element i at bits i * OBITS
  input  logic [COLS*OBITS-1:0]   b_row,
  input  logic [31:0]             drain_row,
  input  logic                    drain_slot,
  output logic [COLS*32-1:0]      out            // result column c at bits c * 32
);
  // Between columns (sasim_mesh_col_os instances): column c's inputs at c * width, row r within.
  localparam int AW = ROWS * OBITS;
  /* verilator lint_off UNUSEDSIGNAL */  // the last column's outputs go nowhere
  logic [(COLS+1)*AW-1:0]   a_c;
  logic [(COLS+1)*ROWS-1:0] v_c, f_c, s_c;
  /* verilator lint_on UNUSEDSIGNAL */

  // Skew of the B elements: column c waits c + 1 cycles.
  logic [COLS*OBITS-1:0] b_sk;
  for (genvar c = 0; c < COLS; c++) begin : g_bskew
    sasim_delay #(.W(OBITS), .N(c + 1)) skew (.clk, .d(b_row[c * OBITS +: OBITS]), .q(b_sk[c * OBITS +: OBITS]));
  end

  for (genvar r = 0; r < ROWS; r++) begin : g_row
    // Skew of the A elements and of the step flags: row r waits r + 1 cycles, in r + 1 register stages
    // of {element, valid, first, slot}.
    localparam int SKW = OBITS + 3;
    sasim_delay #(.W(SKW), .N(r + 1)) skew (
      .clk, .d({a_col[r * OBITS +: OBITS], step_valid, step_first, step_slot}),
      .q({a_c[r * OBITS +: OBITS], v_c[r], f_c[r], s_c[r]}));
  end

  // The drained row as a one-hot select, decoded once for all columns (row 0 for a row past the last).
  logic [ROWS-1:0] drain_sel;
  for (genvar r = 0; r < ROWS; r++) begin : g_drain_sel
    assign drain_sel[r] = drain_row == 32'(r) || (r == 0 && drain_row >= ROWS);
  end

  for (genvar c = 0; c < COLS; c++) begin : g_col
    sasim_mesh_col_os col (
      .clk,
      .a_in(a_c[c * AW +: AW]), .valid_in(v_c[c * ROWS +: ROWS]), .first_in(f_c[c * ROWS +: ROWS]),
      .slot_in(s_c[c * ROWS +: ROWS]), .b_in(b_sk[c * OBITS +: OBITS]),
      .a_out(a_c[(c + 1) * AW +: AW]), .valid_out(v_c[(c + 1) * ROWS +: ROWS]),
      .first_out(f_c[(c + 1) * ROWS +: ROWS]), .slot_out(s_c[(c + 1) * ROWS +: ROWS]),
      .drain_sel, .drain_slot, .out(out[c * 32 +: 32])
    );
  end
endmodule
