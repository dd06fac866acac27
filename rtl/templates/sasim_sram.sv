// SPDX-License-Identifier: MIT
// An on-chip SRAM: the scratchpad and the accumulator are one each. WORDS rows of BITS bits in BANKS
// banks of consecutive rows; two read ports whose data is valid in the cycle of the address, and two
// write ports that take effect at the clock edge (port B only on the accumulator: the load DMA's LOADs
// into it, next to the execute unit's writes). The units never use one bank twice in a cycle
// (sasim_top checks it in simulation), so each bank could be a single-ported macro; port A of the
// accumulator is the read half of its read-modify-write.
// Simulation (Verilator) gets the behavioural array below. Under synthesis (Yosys defines SYNTHESIS)
// the module is a black box: `sasim area` prices it from the SRAM table of the technology
// (docs/cost.md), since gates would cost a 64 KiB SRAM about 12 mm2.
`ifdef SYNTHESIS
(* blackbox *)  // Yosys keeps the ports and drops the body
`endif
module sasim_sram #(
  parameter int WORDS = 1,
  parameter int BITS = 8,
  /* verilator lint_off UNUSEDPARAM */
  parameter int BANKS = 1        // for the area table; the behaviour does not depend on it
  /* verilator lint_on UNUSEDPARAM */
) (
  /* verilator lint_off UNUSEDSIGNAL */  // addresses are below WORDS
  input  logic            clk,
  input  logic [31:0]     rd_a_addr,
  output logic [BITS-1:0] rd_a_data,
  input  logic [31:0]     rd_b_addr,
  output logic [BITS-1:0] rd_b_data,
  input  logic            wr_en,
  input  logic [31:0]     wr_addr,
  input  logic [BITS-1:0] wr_data,
  input  logic            wr_b_en,
  input  logic [31:0]     wr_b_addr,
  input  logic [BITS-1:0] wr_b_data
  /* verilator lint_on UNUSEDSIGNAL */
);
  logic [BITS-1:0] mem [WORDS];
  assign rd_a_data = mem[rd_a_addr];
  assign rd_b_data = mem[rd_b_addr];
  always_ff @(posedge clk) begin
    if (wr_en) mem[wr_addr] <= wr_data;
    if (wr_b_en) mem[wr_b_addr] <= wr_b_data;
  end
endmodule
