// SPDX-License-Identifier: MIT
// One processing element of the output-stationary mesh. A values move right, B values move down, one
// register each per cycle; they meet in the PE that owns output (row, column). The PE keeps two
// results (slots): `slot_in` travels with each A value and names the result it adds to, so one result
// can drain while the next accumulates. `first_in` marks the first product of a result (it overwrites).
module sasim_pe_os import sasim_cfg_pkg::*; (
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
  output logic [31:0]             result [2]
);
  logic [31:0] product;
  assign product = 32'(32'(a_in) * 32'(b_in));   // wraps modulo 2^32 like the accumulator
  always_ff @(posedge clk) begin
    a_out <= a_in;
    valid_out <= valid_in;
    first_out <= first_in;
    slot_out <= slot_in;
    b_out <= b_in;
    if (valid_in) result[slot_in] <= (first_in ? 32'd0 : result[slot_in]) + product;
  end
endmodule
