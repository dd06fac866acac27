// SPDX-License-Identifier: MIT
// An instruction queue between dispatch and a unit. It holds DEPTH waiting instructions plus the unit's
// head register (the oldest entry, `head`), so its capacity is DEPTH + 1. The unit pops the head in the
// cycle it issues it, and dispatch may push in that same cycle (docs/timing.md, "Dispatch").
module sasim_queue #(
  parameter int DEPTH = 2
) (
  input  logic   clk,
  input  logic   rst,
  input  logic   push,
  input  sasim_types_pkg::instr_t push_data,
  input  logic   pop,          // the unit issues its head this cycle
  output logic   can_push,     // dispatch may push this cycle (counts this cycle's pop)
  output logic   head_valid,
  output sasim_types_pkg::instr_t head,
  output logic [7:0] count     // entries including the head (for waveforms and the watchdog)
);
  localparam int CAP = DEPTH + 1;
  localparam int PTR = CAP > 1 ? $clog2(CAP) : 1;
  logic [PTR-1:0] rd_ptr, wr_ptr;
  logic [PTR:0] occ;
  // The entries: a register file (a priced black box for synthesis, sasim_regfile.sv).
  sasim_regfile #(.WORDS(CAP), .BITS($bits(push_data))) entries (
    .clk, .wr_en(push), .wr_addr(32'(wr_ptr)), .wr_data(push_data), .rd_addr(32'(rd_ptr)), .rd_data(head));

  assign head_valid = occ != 0;
  assign can_push = (32'(occ) - 32'(pop)) < CAP;
  assign count = 8'(occ);

  always_ff @(posedge clk) begin
    if (rst) begin
      rd_ptr <= '0;
      wr_ptr <= '0;
      occ <= '0;
    end else begin
      if (push) begin
        wr_ptr <= (32'(wr_ptr) == CAP - 1) ? '0 : wr_ptr + 1'b1;
      end
      if (pop) rd_ptr <= (32'(rd_ptr) == CAP - 1) ? '0 : rd_ptr + 1'b1;
      occ <= occ + {{($bits(occ)-1){1'b0}}, push} - {{($bits(occ)-1){1'b0}}, pop};
    end
  end
endmodule
