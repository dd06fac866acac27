// SPDX-License-Identifier: MIT
// The execute unit, stationary mode (WS and IS): docs/timing.md, "Execute unit".
// Three stages work on consecutive EXECUTEs at once:
//   fill    reads the stationary rows (preload) one per cycle from issue + 1, yielding a scratchpad bank
//           to the stream reads of the previous instruction, then shifts COLS - n zeros;
//   stream  reads one streamed row per cycle into the mesh, from max(load_end, previous stream_end);
//   drain   a delay line of L = ROWS + COLS cycles beside the mesh carries each row's accumulator
//           address, so the result row is written (read-modify-write) exactly L cycles after its read.
// An EXECUTE issues when its head is valid, its tokens are there and the fill stage is free (the
// previous instruction starts streaming in this very cycle at the latest).
// Operand windows (docs/rtl.md): the fill (IS) or the stream (WS) walks its row addresses with walk_next
// (sasim_types_pkg) instead of counting up; every read stays in its cycle, only its row (and bank) moves.
module sasim_exec #(
  parameter int ROWS = sasim_cfg_pkg::ROWS,
  parameter int COLS = sasim_cfg_pkg::COLS,
  parameter int OBITS = sasim_cfg_pkg::OBITS,
  parameter int KBITS = sasim_cfg_pkg::KBITS,
  parameter int SPAD_ROW_BITS = sasim_cfg_pkg::SPAD_ROW_BITS,
  parameter int MESH_LATENCY = sasim_cfg_pkg::MESH_LATENCY,
  parameter int PERTURB_CYCLES = sasim_cfg_pkg::PERTURB_CYCLES,
  parameter int WINDOW_ON_FILL = sasim_cfg_pkg::WINDOW_ON_FILL
) (
  input  logic        clk,
  input  logic        rst,
  input  logic        head_valid,
  /* verilator lint_off UNUSEDSIGNAL */  // a unit reads only the fields of its own instructions
  input  sasim_types_pkg::instr_t      head,
  /* verilator lint_on UNUSEDSIGNAL */
  output logic        issue,
  input  logic        l2e_avail,
  input  logic        s2e_avail,
  output logic        e2l_inc,         // last stream read of an instruction with signal_prev
  output logic        e2s_inc,         // last accumulator write of an instruction with signal_next
  output logic        retire,          // pulse in the retire cycle (one past the last accumulator write)
  // scratchpad read ports (combinational data)
  output logic        stream_rd,
  output logic [31:0] stream_addr,
  /* verilator lint_off UNUSEDSIGNAL */  // a row is wider than the mesh needs when ROWS != COLS
  input  logic [SPAD_ROW_BITS-1:0] stream_data,
  output logic        fill_rd,
  output logic [31:0] fill_addr,
  input  logic [SPAD_ROW_BITS-1:0] fill_data,
  /* verilator lint_on UNUSEDSIGNAL */
  // accumulator read-modify-write port
  output logic        acc_wr,
  output logic [31:0] acc_wr_row,
  output logic        acc_wr_accumulate,
  output logic [31:0] acc_wr_cols,     // elements written: 0 .. acc_wr_cols-1 (the others keep their value)
  output logic [COLS*32-1:0] acc_wr_data,  // element e at bits e * 32
  output logic [7:0]  state            // for waveforms: {fill state, stream busy}
);
  typedef enum logic [1:0] { F_IDLE, F_READ, F_ZERO, F_READY } fill_t;

  // The window of each operand: the instruction's on the pixel operand, none ('0) on the other.
  function automatic logic [127:0] fill_window(input logic [127:0] win);
    fill_window = WINDOW_ON_FILL != 0 ? win : '0;
  endfunction
  function automatic logic [127:0] stream_window(input logic [127:0] win);
    stream_window = WINDOW_ON_FILL != 0 ? '0 : win;
  endfunction

  // ---- fill stage -------------------------------------------------------------------------------
  fill_t       f_state;
  /* verilator lint_off UNUSEDSIGNAL */
  sasim_types_pkg::instr_t      f_in;
  // The operand windows of the head and of the fill stage's instruction, as window_t bits.
  logic [127:0] head_win, f_in_win;
  assign head_win = {head.win_w, head.win_x0, head.win_col_step, head.win_line_step};
  assign f_in_win = {f_in.win_w, f_in.win_x0, f_in.win_col_step, f_in.win_line_step};
  /* verilator lint_on UNUSEDSIGNAL */
  logic [31:0] f_row;        // stationary rows read so far
  sasim_types_pkg::walk_t       f_walk;       // the next stationary row's address
  logic [31:0] f_zeros;      // zero shifts left
  logic [KBITS-1:0] f_k;     // number of the next preload shift (1 .. COLS)
  logic        f_slot;       // weight slot of the instruction in the fill stage
  logic        last_slot;    // slot of the most recent preload

  // ---- stream stage -----------------------------------------------------------------------------
  logic        s_busy;       // a row is read this cycle from the stream registers
  logic [31:0] s_i, s_m, s_c_row, s_n;
  sasim_types_pkg::walk_t       s_walk;       // the next streamed row's address
  sasim_types_pkg::window_t     s_win;        // the window of the streaming instruction (f_in moves on at handover)
  logic        s_acc, s_slot, s_signal_prev, s_signal_next;

  logic stream_free, handover, fill_free;
  assign stream_free = !s_busy;
  assign handover = (f_state == F_READY) && stream_free;
  assign fill_free = (f_state == F_IDLE) || handover;
  assign issue = head_valid && fill_free && (!head.wait_prev || l2e_avail) && (!head.wait_next || s2e_avail);

  // Stream read this cycle: the first row of a handed-over instruction, or the next row of the current.
  logic [31:0] cur_i, cur_m, cur_c_row, cur_n;
  logic        cur_acc, cur_slot, cur_sp, cur_sn;
  sasim_types_pkg::walk_t       cur_walk;
  sasim_types_pkg::window_t     cur_win;
  always_comb begin
    if (handover) begin
      cur_i = 0; cur_m = f_in.m; cur_c_row = f_in.c_row; cur_n = f_in.n; cur_acc = f_in.accumulate;
      cur_slot = f_slot; cur_sp = f_in.signal_prev; cur_sn = f_in.signal_next;
      cur_win = stream_window(f_in_win);
      cur_walk = sasim_types_pkg::walk_start(cur_win, f_in.a_row);
    end else begin
      cur_i = s_i; cur_m = s_m; cur_c_row = s_c_row; cur_n = s_n; cur_acc = s_acc;
      cur_slot = s_slot; cur_sp = s_signal_prev; cur_sn = s_signal_next;
      cur_win = s_win;
      cur_walk = s_walk;
    end
    stream_addr = cur_walk.addr;
    stream_rd = (handover && f_in.m != 0) || s_busy;
  end
  logic stream_last;
  assign stream_last = stream_rd && (cur_i + 1 == cur_m);
  assign e2l_inc = stream_last && cur_sp;

  // Fill reads yield to the stream read of this cycle when both need the same bank.
  assign fill_addr = f_walk.addr;
  assign fill_rd = (f_state == F_READ) && !(stream_rd && sasim_cfg_pkg::spad_bank(stream_addr) == sasim_cfg_pkg::spad_bank(fill_addr));

  always_ff @(posedge clk) begin
    if (rst) begin
      f_state <= F_IDLE;
      s_busy <= 1'b0;
      last_slot <= 1'b0;
      f_k <= '0;
    end else begin
      // fill stage
      if (issue) begin
        f_in <= head;
        f_row <= 0;
        f_walk <= sasim_types_pkg::walk_start(fill_window(head_win), head.b_row);
        f_k <= KBITS'(1);
        if (head.preload) begin
          f_slot <= !last_slot;
          last_slot <= !last_slot;
          if (head.n == 0) begin
            f_state <= F_ZERO;
            f_zeros <= COLS;
          end else begin
            f_state <= F_READ;
          end
        end else begin
          f_slot <= last_slot;
          f_state <= F_READY;
        end
      end else if (handover) begin
        f_state <= F_IDLE;
      end else if (f_state == F_READ && fill_rd) begin
        f_row <= f_row + 1;
        f_walk <= sasim_types_pkg::walk_next(fill_window(f_in_win), f_walk);
        f_k <= f_k + 1'b1;
        if (f_row + 1 == f_in.n) begin
          if (f_in.n >= COLS) f_state <= F_READY;
          else begin
            f_state <= F_ZERO;
            f_zeros <= COLS - f_in.n;
          end
        end
      end else if (f_state == F_ZERO) begin
        f_k <= f_k + 1'b1;
        f_zeros <= f_zeros - 1;
        if (f_zeros == 1) f_state <= F_READY;
      end
      // stream stage
      if (stream_rd) begin
        s_busy <= !stream_last;
        s_i <= cur_i + 1;
        s_m <= cur_m; s_c_row <= cur_c_row; s_n <= cur_n; s_acc <= cur_acc; s_slot <= cur_slot;
        s_signal_prev <= cur_sp; s_signal_next <= cur_sn;
        s_walk <= sasim_types_pkg::walk_next(cur_win, cur_walk);
        s_win <= cur_win;
      end
    end
  end

  // ---- mesh -------------------------------------------------------------------------------------
  logic [COLS*32-1:0] mesh_out;
  sasim_mesh mesh (
    .clk(clk),
    .stream_row(stream_data[ROWS*OBITS-1:0]),
    .stream_slot(cur_slot),
    .pre_shift(fill_rd || f_state == F_ZERO),
    .pre_k(f_k),
    .pre_slot(f_slot),
    .pre_row(f_state == F_READ ? fill_data[ROWS*OBITS-1:0] : '0),
    .out(mesh_out)
  );

  // ---- drain: accumulator addresses beside the mesh, L cycles ------------------------------------
  typedef struct packed {
    logic        accumulate, last, signal_next;
    logic [31:0] row, cols;
  } drain_t;
  localparam int DRAIN = MESH_LATENCY + PERTURB_CYCLES;  // PERTURB_CYCLES is 0 except in fault tests
  drain_t dl_in;                         // the row read this cycle
  // The line: bit vectors, since Yosys 0.23 reads an unpacked array of a struct as one struct.
  logic [$bits(dl_in)-1:0] dl [DRAIN];
  assign dl_in.accumulate = cur_acc;
  assign dl_in.last = stream_last;
  assign dl_in.signal_next = cur_sn;
  assign dl_in.row = cur_c_row + cur_i;
  assign dl_in.cols = cur_n;
  logic [DRAIN-1:0] dl_valid;            // valid bits of dl, kept apart so that reset needs no loop
  always_ff @(posedge clk) begin
    if (rst) dl_valid <= '0;
    else dl_valid <= {dl_valid[DRAIN-2:0], stream_rd};
    dl[0] <= dl_in;
  end
  for (genvar i = 1; i < DRAIN; i++) begin : g_dl   // (Verilator: no delayed assignment to an array in a loop)
    always_ff @(posedge clk) dl[i] <= dl[i - 1];
  end
  // The entry pushed in cycle t (the row's read) sits in dl[L - 1] in cycle t + L: the write cycle.
  assign acc_wr = dl_valid[DRAIN - 1];
  // (Fields are read from a copy of the element: Yosys 0.23 leaves `dl[i].field` undriven.)
  drain_t dl_out;
  assign dl_out = dl[DRAIN - 1];
  assign acc_wr_row = dl_out.row;
  assign acc_wr_accumulate = dl_out.accumulate;
  assign acc_wr_cols = dl_out.cols;
  for (genvar e = 0; e < COLS; e++) begin : g_out
    assign acc_wr_data[e * 32 +: 32] = mesh_out[(COLS - 1 - e) * 32 +: 32];
  end
  logic wr_last;
  assign wr_last = acc_wr && dl_out.last;
  assign e2s_inc = wr_last && dl_out.signal_next;
  always_ff @(posedge clk) begin
    if (rst) retire <= 1'b0;
    else retire <= wr_last;
  end
  assign state = {5'd0, f_state, s_busy};
endmodule
