// SPDX-License-Identifier: MIT
// sasim RTL: the instruction word of the command port (docs/isa.md). Every field is 32 bits wide; the
// units read only the fields of their own opcode.
// Written for Verilator and for Debian's Yosys 0.23 alike (docs/rtl.md, "Dialect"): modules name the
// package's items with sasim_types_pkg:: (no import), functions assign their result to their name.
package sasim_types_pkg;
  // Opcodes (plain constants rather than an enum: Yosys 0.23 cannot cast to a package's type).
  localparam logic [1:0] OP_LOAD2D = 2'd0, OP_LOAD_IM2COL = 2'd1, OP_EXECUTE = 2'd2, OP_STORE = 2'd3;

  // EXECUTE operand window, the on-chip im2col (docs/isa.md): with w != 0 the rows of the pixel operand
  // (WS and OS: the rows at a_row; IS: the stationary rows at b_row) walk output pixels along output rows
  // of w pixels instead of being consecutive. w == 0: consecutive rows.
  typedef struct packed {
    logic [31:0] w;          // output pixels per output row (0: no window)
    logic [31:0] x0;         // output column of the operand's first row (< w)
    logic [31:0] col_step;   // scratchpad rows to the next pixel of the same output row
    logic [31:0] line_step;  // scratchpad rows from an output row's last pixel to the next row's first
  } window_t;

  typedef struct packed {
    logic [1:0]  op;                                                 // OP_*
    logic        wait_prev, wait_next, signal_prev, signal_next;  // dependency tokens
    logic [31:0] local_row, rows, elems, block_elems, block_stride;  // loads (and rows/elems of stores)
    logic [31:0] blocks;              // loads: destination rows per DRAM row, decoded by the encoder
    logic [31:0] dram_addr, dram_stride;                             // loads and stores
    logic [31:0] a_row, b_row, c_row, m, n, k;                       // execute (c_row also for stores)
    logic        preload, accumulate;                                // execute
    window_t     win;                                                // execute: operand window
    logic [5:0]  shift;                                              // store requantization
    logic        relu;
    // LOAD_IM2COL: the chunk's filter positions and channels, and what the command encoder decodes for the
    // address generator (sim/model/im2col_encoding.h, Im2colStart; offsets in elements from input_addr).
    logic [31:0] npos, chan_count;
    logic [31:0] oh0, ow0;            // first output pixel: output row and column
    logic [31:0] s0;                  // filter column of the chunk's first position (r0, s0)
    logic [31:0] ih0, iw0;            // input pixel of filter position (0, 0) at the first output pixel (signed)
    logic [31:0] pix0;                // its element offset (wrapping)
    logic [31:0] r0_dh, s0_dw;        // input rows and columns from position (0, 0) to (r0, s0)
    logic [31:0] r0_off, s0_off;      // elements from (0, 0) to (r0, 0) plus chan0, from (r0, 0) to (r0, s0)
    logic        cont_s, cont_r;      // pieces touch in DRAM within a filter row / across filter rows
  } instr_t;

  // A piece of a LOAD_IM2COL row (sasim_load_addr): its index q in the row, its filter column s, the
  // input pixel (ih, iw) it reads (signed), its element offset e and that of its filter row's column 0.
  typedef struct packed {
    logic [31:0] q, s, ih, iw, e, row_e;
  } piece_t;

  // Geometry of the convolution for LOAD_IM2COL (one per program, sent with the command).
  typedef struct packed {
    logic [31:0] input_addr, in_h, in_w, in_c, out_h, out_w, kernel_w;
    logic [31:0] stride_h, stride_w, pad_top, pad_left, dilation_h, dilation_w;
    // element steps, from the encoder (sim/model/im2col_encoding.h, Im2colSteps)
    logic [31:0] step_col, step_row, step_pixel, wrap_w, wrap_h;
  } conv_t;

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
