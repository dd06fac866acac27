// SPDX-License-Identifier: MIT
// One column of the accumulator's read-modify-write: the execute unit's value added to the old one
// (accumulate) or written over it, or the old value kept (a column past the write's width). All lanes
// are the same module, so synthesis builds one and counts it COLS times (docs/cost.md).
module sasim_acc_lane (
  input  logic        en,          // this column is written
  input  logic        accumulate,
  input  logic [31:0] old_value,
  input  logic [31:0] value,
  output logic [31:0] new_value    // wraps modulo 2^32
);
  assign new_value = en ? (accumulate ? old_value : 32'd0) + value : old_value;
endmodule
