// SPDX-License-Identifier: MIT
// A register file: WORDS words of BITS bits, one write port that takes effect at the clock edge and one
// read port whose data is valid in the cycle of the address. The instruction queues' entries and the load
// DMA's per-row records are register files; their depth follows the config (up to 1,025 words).
// Simulation (Verilator) gets the behavioural array below. Under synthesis (Yosys defines SYNTHESIS) the
// module is a black box: `sasim area` prices it as flip-flops with their multiplexers from the liberty's
// own cells (docs/cost.md, "How"), which is what Yosys makes of it, within 2 %, at a cost that grows with
// the words (256 x 33 bits took it 22 s; the queues may hold 1,025 instructions of 978 bits).
`ifdef SYNTHESIS
(* blackbox *)  // Yosys keeps the ports and drops the body
`endif
module sasim_regfile #(
  parameter int WORDS = 1,
  parameter int BITS = 8
) (
  /* verilator lint_off UNUSEDSIGNAL */  // addresses are below WORDS
  input  logic            clk,
  input  logic            wr_en,
  input  logic [31:0]     wr_addr,
  input  logic [BITS-1:0] wr_data,
  input  logic [31:0]     rd_addr,
  output logic [BITS-1:0] rd_data
  /* verilator lint_on UNUSEDSIGNAL */
);
  logic [BITS-1:0] mem [WORDS];
  assign rd_data = mem[rd_addr];
  always_ff @(posedge clk) begin
    if (wr_en) mem[wr_addr] <= wr_data;
  end
endmodule
