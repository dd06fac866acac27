// SPDX-License-Identifier: MIT
// The bits of bytes off .. off+n-1 of a BYTES-byte vector (n past the end: to the end). A DMA's byte
// masks come from this: a shifter one bit per byte, widened to eight bits per byte, has an eighth of
// the multiplexers of shifting a mask of bits (docs/cost.md).
module sasim_byte_mask #(
  parameter int BYTES = 1
) (
  input  logic [31:0]        off,
  input  logic [31:0]        n,
  output logic [BYTES*8-1:0] bits
);
  logic [BYTES-1:0] bytes;
  assign bytes = ~({BYTES{1'b1}} << n) << off;
  for (genvar i = 0; i < BYTES * 8; i++) begin : g_bit
    assign bits[i] = bytes[i / 8];
  end
endmodule
