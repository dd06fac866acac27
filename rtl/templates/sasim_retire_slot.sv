// SPDX-License-Identifier: MIT
// One STORE waiting for its last write (the store DMA has MAXO + 1 of them, so synthesis maps one and
// counts it): taken with the write count its retirement waits for, it retires in the first cycle the
// completed writes reach that count (`retiring`), and is free again from the next cycle.
module sasim_retire_slot (
  input  logic        clk,
  input  logic        rst,
  input  logic        take,        // a STORE finishing its requests takes this slot (it is free)
  input  logic [31:0] target,      // its w_issued after its last request
  input  logic [31:0] done_now,    // writes completed, this cycle's included
  output logic        retiring
);
  logic        busy;
  logic [31:0] wait_for;
  assign retiring = busy && done_now >= wait_for;
  always_ff @(posedge clk) begin
    if (rst) busy <= 1'b0;
    else if (take) begin
      busy <= 1'b1;
      wait_for <= target;
    end else if (retiring) busy <= 1'b0;
  end
`ifndef SYNTHESIS
  // A STORE taking a slot whose STORE still waits would lose a retirement (more than MAXO + 1 waiting).
  always_ff @(posedge clk) begin
    if (!rst && take && busy && !retiring) $error("store DMA: a retirement slot taken while its STORE waits");
  end
`endif
endmodule
