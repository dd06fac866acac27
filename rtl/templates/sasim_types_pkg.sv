// SPDX-License-Identifier: MIT
// sasim RTL: the instruction word of the command port (docs/isa.md). Every field is 32 bits wide; the
// units read only the fields of their own opcode.
package sasim_types_pkg;
  typedef enum logic [1:0] { OP_LOAD2D = 2'd0, OP_LOAD_IM2COL = 2'd1, OP_EXECUTE = 2'd2, OP_STORE = 2'd3 } op_t;

  typedef struct packed {
    op_t         op;
    logic        wait_prev, wait_next, signal_prev, signal_next;  // dependency tokens
    logic [31:0] local_row, rows, elems, block_elems, block_stride;  // loads (and rows/elems of stores)
    logic [31:0] dram_addr, dram_stride;                             // loads and stores
    logic [31:0] a_row, b_row, c_row, m, n, k;                       // execute (c_row also for stores)
    logic        preload, accumulate;                                // execute
    logic [5:0]  shift;                                              // store requantization
    logic        relu;
    // LOAD_IM2COL: position of the first output pixel and the filter-position range of the chunk.
    logic [31:0] img0, oh0, ow0;      // first pixel decoded by the encoder: image, output row, column
    logic [31:0] r0, s0;              // first filter position decoded: filter row, filter column
    logic [31:0] pos0, npos, chan0, chan_count;
  } instr_t;

  // Geometry of the convolution for LOAD_IM2COL (one per program, sent with the command).
  typedef struct packed {
    logic [31:0] input_addr, in_h, in_w, in_c, out_h, out_w, kernel_w;
    logic [31:0] stride_h, stride_w, pad_top, pad_left, dilation_h, dilation_w;
  } conv_t;

  // Elements per destination row of a load (a wide load cuts each DRAM row into blocks of this size).
  /* verilator lint_off UNUSEDSIGNAL */
  function automatic logic [31:0] block_elems_of(input instr_t in);
    return in.block_elems == 0 ? in.elems : in.block_elems;
  endfunction
  // Destination rows one DRAM row of a load fills.
  function automatic logic [31:0] blocks_of(input instr_t in);
    logic [31:0] be = block_elems_of(in);
    return be == 0 ? 32'd1 : (in.elems + be - 1) / be;
  endfunction
  /* verilator lint_on UNUSEDSIGNAL */
endpackage
