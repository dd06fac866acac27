// SPDX-License-Identifier: MIT
// One processing element of the output-stationary mesh. A values move right, B values move down, one
// register each per cycle; they meet in the PE that owns output (row, column). The PE keeps two
// results (slots): `slot_in` travels with each A value and names the result it adds to, so one result
// can drain while the next accumulates. `first_in` marks the first product of a result (it overwrites).
module sasim_pe_os #(
  parameter int OBITS = sasim_cfg_pkg::OBITS
) (
  input  logic                    clk,
  input  logic signed [OBITS-1:0] a_in,
  input  logic                    valid_in,
  input  logic                    first_in,
  input  logic                    slot_in,
  input  logic signed [OBITS-1:0] b_in,
  output logic signed [OBITS-1:0] a_out,
  output logic                    valid_out,
  output logic                    first_out,
  output logic                    slot_out,
  output logic signed [OBITS-1:0] b_out,
  output logic [63:0]             result      // {slot 1, slot 0}
);
  logic [31:0] product, r0, r1;
  assign product = 32'(32'(a_in) * 32'(b_in));   // wraps modulo 2^32 like the accumulator
  assign result = {r1, r0};
  always_ff @(posedge clk) begin
    a_out <= a_in;
    valid_out <= valid_in;
    first_out <= first_in;
    slot_out <= slot_in;
    b_out <= b_in;
    if (valid_in && !slot_in) r0 <= (first_in ? 32'd0 : r0) + product;
    if (valid_in && slot_in) r1 <= (first_in ? 32'd0 : r1) + product;
  end
endmodule
