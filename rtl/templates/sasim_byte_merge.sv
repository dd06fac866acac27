// SPDX-License-Identifier: MIT
// One byte of a read-buffer row being merged: the arriving byte where it is taken, else the stored byte
// where the row holds data, else 0. The load DMA's merges are ROW_BUF_BITS / 8 instances of this module,
// so synthesis maps one and counts it, however wide the row (docs/cost.md).
module sasim_byte_merge (
  input  logic       take_new,   // the arriving data covers this byte
  input  logic       keep_old,   // the row holds data (a row that no response reached reads as 0)
  input  logic [7:0] new_byte,
  input  logic [7:0] old_byte,
  output logic [7:0] merged
);
  assign merged = take_new ? new_byte : keep_old ? old_byte : 8'd0;
endmodule
