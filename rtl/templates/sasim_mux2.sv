// SPDX-License-Identifier: MIT
// W 2:1 multiplexers with one select: the stage of a barrel shifter (sasim_byte_shift), kept a module of
// its own so that synthesis maps it once per width.
module sasim_mux2 #(
  parameter int W = 1
) (
  input  logic         sel,
  input  logic [W-1:0] a,       // sel = 0
  input  logic [W-1:0] b,       // sel = 1
  output logic [W-1:0] y
);
  assign y = sel ? b : a;
endmodule
