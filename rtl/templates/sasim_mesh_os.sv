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
  logic signed [OBITS-1:0] a_q [ROWS][COLS];
  logic                    v_q [ROWS][COLS];
  logic                    f_q [ROWS][COLS];
  logic                    s_q [ROWS][COLS];
  logic signed [OBITS-1:0] b_q [ROWS][COLS];
  logic [63:0]             res [ROWS][COLS];      // {slot 1, slot 0}

  // Skew of the B elements: column c waits c + 1 cycles.
  logic signed [OBITS-1:0] b_sk [COLS];
  for (genvar c = 0; c < COLS; c++) begin : g_bskew
    logic [OBITS-1:0] d [c + 2];
    assign d[0] = b_row[c * OBITS +: OBITS];
    for (genvar i = 0; i <= c; i++) begin : g_stage
      sasim_reg #(.W(OBITS)) stage (.clk, .d(d[i]), .q(d[i + 1]));
    end
    assign b_sk[c] = $signed(d[c + 1]);
  end

  for (genvar r = 0; r < ROWS; r++) begin : g_row
    // Skew of the A elements and of the step flags: row r waits r + 1 cycles, in r + 1 register stages
    // of {element, valid, first, slot}.
    logic [OBITS+2:0] sk [r + 2];
    assign sk[0] = {a_col[r * OBITS +: OBITS], step_valid, step_first, step_slot};
    for (genvar i = 0; i <= r; i++) begin : g_skew
      sasim_reg #(.W(OBITS + 3)) stage (.clk, .d(sk[i]), .q(sk[i + 1]));
    end
    logic signed [OBITS-1:0] a_sk_r;
    logic                    v_sk_r, f_sk_r, s_sk_r;
    assign {a_sk_r, v_sk_r, f_sk_r, s_sk_r} = sk[r + 1];
    for (genvar c = 0; c < COLS; c++) begin : g_col
      sasim_pe_os pe (
        .clk(clk),
        .a_in(c == 0 ? a_sk_r : a_q[r][c == 0 ? 0 : c - 1]),
        .valid_in(c == 0 ? v_sk_r : v_q[r][c == 0 ? 0 : c - 1]),
        .first_in(c == 0 ? f_sk_r : f_q[r][c == 0 ? 0 : c - 1]),
        .slot_in(c == 0 ? s_sk_r : s_q[r][c == 0 ? 0 : c - 1]),
        .b_in(r == 0 ? b_sk[c] : b_q[r == 0 ? 0 : r - 1][c]),
        .a_out(a_q[r][c]),
        .valid_out(v_q[r][c]),
        .first_out(f_q[r][c]),
        .slot_out(s_q[r][c]),
        .b_out(b_q[r][c]),
        .result(res[r][c])
      );
    end
  end

  always_comb begin
    for (int c = 0; c < COLS; c++) begin
      out[c * 32 +: 32] = drain_slot ? res[drain_row < ROWS ? drain_row : 0][c][63:32]
                                     : res[drain_row < ROWS ? drain_row : 0][c][31:0];
    end
  end
endmodule
