// SPDX-License-Identifier: MIT
// sasim RTL: the types the units share. The command word (OP_*, instr_t, conv_t) is generated into this
// package from rtl/command/command_fields.h (docs/rtl.md, "Command word"); the units read only the fields
// of their own opcode.
// Written for Verilator and for Debian's Yosys 0.23 alike (docs/rtl.md, "Dialect"): modules name the
// package's items with sasim_types_pkg:: (no import), functions assign their result to their name.
package sasim_types_pkg;
  // @COMMAND_WORD@

  // EXECUTE operand window, the on-chip im2col (docs/isa.md), as the walk functions take it (the command
  // word's win_w, win_x0, win_col_step, win_line_step, in this order): with w != 0 the rows of the pixel operand
  // (WS and OS: the rows at a_row; IS: the stationary rows at b_row) walk output pixels along output rows
  // of w pixels instead of being consecutive. w == 0: consecutive rows.
  typedef struct packed {
    logic [31:0] w;          // output pixels per output row (0: no window)
    logic [31:0] x0;         // output column of the operand's first row (< w)
    logic [31:0] col_step;   // scratchpad rows to the next pixel of the same output row
    logic [31:0] line_step;  // scratchpad rows from an output row's last pixel to the next row's first
  } window_t;

  // A piece of a LOAD_IM2COL row (sasim_load_addr): its index q in the row, its filter column s, the
  // input pixel (ih, iw) it reads (signed), its element offset e and that of its filter row's column 0.
  typedef struct packed {
    logic [31:0] q, s, ih, iw, e, row_e;
  } piece_t;

  // A walk over the rows of an EXECUTE operand: the address of the current row and, with a window, its
  // output column. walk_next needs two adders and two comparators (no multiplier, no divider):
  // the next row is col_step further within an output row, line_step further across to the next one.
  typedef struct packed {
    logic [31:0] addr;       // scratchpad row of the current operand row
    logic [31:0] x;          // its output column (0 .. w-1; unused without a window)
  } walk_t;
  // The functions take and return window_t and walk_t as plain vectors of their bits, since Yosys 0.23
  // accepts no struct inside a function: window_t is {w, x0, col_step, line_step} from bit 127 down,
  // walk_t is {addr, x} from bit 63 down.
  /* verilator lint_off UNUSEDSIGNAL */  // each reads only some fields of the window
  function automatic logic [63:0] walk_start(input logic [127:0] win, input logic [31:0] base);
    walk_start = {base, win[95:64]};
  endfunction
  function automatic logic [63:0] walk_next(input logic [127:0] win, input logic [63:0] cur);
    logic [31:0] w, col_step, line_step, addr, x;
    w = win[127:96];
    col_step = win[63:32];
    line_step = win[31:0];
    addr = cur[63:32];
    x = cur[31:0];
    if (w == 0) walk_next = {addr + 32'd1, x};
    else if (x + 1 == w) walk_next = {addr + line_step, 32'd0};
    else walk_next = {addr + col_step, x + 32'd1};
  endfunction
  /* verilator lint_on UNUSEDSIGNAL */

  // Elements per destination row of a load (a wide load cuts each DRAM row into blocks of this size).
  function automatic logic [31:0] block_elems_of(input logic [31:0] elems, input logic [31:0] block_elems);
    block_elems_of = block_elems == 0 ? elems : block_elems;
  endfunction
endpackage
