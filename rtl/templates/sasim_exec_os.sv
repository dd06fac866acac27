// SPDX-License-Identifier: MIT
// The execute unit, output-stationary mode (OS): docs/timing.md, "Output stationary".
//   fill    reads the m rows of A into the transposer from issue + 1, one per cycle, yielding a bank to
//           the stream reads of the previous instruction (load_end = last read + 1);
//   stream  from max(load_end, previous stream_end, drain start of the EXECUTE two back) reads B row t in
//           cycle stream_start + t while the transposer gives column t of A; the transposer is copied
//           into the stream buffer when streaming starts, so the next fill can begin;
//   drain   from max(stream_end + COLS, previous drain_end) writes result row i in drain_start + i.
// The PEs hold two results, so an instruction streams only once the one two back has started draining.
// Operand windows (docs/rtl.md): the fill walks the A rows' addresses with walk_next (sasim_types_pkg)
// instead of counting up; every read stays in its cycle, only its row (and bank) moves.
module sasim_exec_os #(
  parameter int ROWS = sasim_cfg_pkg::ROWS,
  parameter int COLS = sasim_cfg_pkg::COLS,
  parameter int OBITS = sasim_cfg_pkg::OBITS,
  parameter int SPAD_ROW_BITS = sasim_cfg_pkg::SPAD_ROW_BITS,
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
  output logic        e2l_inc,
  output logic        e2s_inc,
  output logic        retire,
  output logic        stream_rd,
  output logic [31:0] stream_addr,
  /* verilator lint_off UNUSEDSIGNAL */  // a row is wider than the mesh needs when ROWS != COLS
  input  logic [SPAD_ROW_BITS-1:0] stream_data,
  output logic        fill_rd,
  output logic [31:0] fill_addr,
  input  logic [SPAD_ROW_BITS-1:0] fill_data,
  /* verilator lint_on UNUSEDSIGNAL */
  output logic        acc_wr,
  output logic [31:0] acc_wr_row,
  output logic        acc_wr_accumulate,
  output logic [31:0] acc_wr_cols,
  output logic [COLS*32-1:0] acc_wr_data,  // element e at bits e * 32
  output logic [7:0]  state
);
  typedef enum logic [1:0] { F_IDLE, F_READ, F_READY } fill_t;
  // The window of the A rows (WINDOW_ON_FILL is always 1 here: B, the stream, is never windowed).
  function automatic logic [127:0] fill_window(input logic [127:0] win);
    fill_window = WINDOW_ON_FILL != 0 ? win : '0;
  endfunction
  logic [31:0] now;                      // cycle counter (drain ready times)

  // ---- fill stage (transposer input) -----------------------------------------------------------
  fill_t       f_state;
  /* verilator lint_off UNUSEDSIGNAL */
  sasim_types_pkg::instr_t      f_in;
  // The operand windows of the head and of the fill stage's instruction, as window_t bits.
  logic [127:0] head_win, f_in_win;
  assign head_win = {head.win_w, head.win_x0, head.win_col_step, head.win_line_step};
  assign f_in_win = {f_in.win_w, f_in.win_x0, f_in.win_col_step, f_in.win_line_step};
  /* verilator lint_on UNUSEDSIGNAL */
  logic [31:0] f_row;                    // A rows read so far (the transposer row of the next one)
  sasim_types_pkg::walk_t       f_walk;                   // the next A row's address

  // ---- stream stage -----------------------------------------------------------------------------
  logic        s_busy;
  logic [31:0] s_t, s_k, s_b_row, s_m, s_n, s_c_row;
  logic        s_acc, s_slot, s_sp, s_sn;
  logic [31:0] seq;                      // instructions handed to the stream stage so far
  logic [31:0] drains_started;

  // ---- drain stage --------------------------------------------------------------------------------
  typedef struct packed {
    logic        slot, accumulate, signal_next;
    logic [31:0] c_row, m, n, ready_at;
  } drain_t;
  logic [2:0]  dq_count;
  logic        d_busy;
  drain_t      d_cur;
  // Streamed, waiting to drain (at most two by the rule above). Arrays of a struct are arrays of bit
  // vectors: Yosys 0.23 reads `drain_t dq [4]` as one drain_t.
  logic [$bits(d_cur)-1:0] dq [4];
  logic [31:0] d_i;

  logic drain_start, stream_free, two_back_ok, handover, fill_free;
  /* verilator lint_off UNUSEDSIGNAL */  // only its ready time is read here
  drain_t      dq0;                      // the oldest entry (Yosys 0.23 cannot read dq[0].field)
  /* verilator lint_on UNUSEDSIGNAL */
  assign dq0 = dq[0];
  assign drain_start = !d_busy && dq_count != 0 && now >= dq0.ready_at;
  assign stream_free = !s_busy;
  assign two_back_ok = seq < 2 || drains_started + (drain_start ? 1 : 0) >= seq - 1;
  assign handover = f_state == F_READY && stream_free && two_back_ok;
  assign fill_free = f_state == F_IDLE || handover;
  assign issue = head_valid && fill_free && (!head.wait_prev || l2e_avail) && (!head.wait_next || s2e_avail);

  // stream read this cycle
  logic [31:0] cur_t, cur_k, cur_m, cur_n, cur_c_row;
  logic        cur_acc, cur_slot, cur_sp, cur_sn;
  always_comb begin
    if (handover) begin
      cur_t = 0; cur_k = f_in.k; cur_m = f_in.m; cur_n = f_in.n; cur_c_row = f_in.c_row;
      cur_acc = f_in.accumulate; cur_slot = seq[0]; cur_sp = f_in.signal_prev; cur_sn = f_in.signal_next;
      stream_addr = f_in.b_row;
    end else begin
      cur_t = s_t; cur_k = s_k; cur_m = s_m; cur_n = s_n; cur_c_row = s_c_row;
      cur_acc = s_acc; cur_slot = s_slot; cur_sp = s_sp; cur_sn = s_sn;
      stream_addr = s_b_row + s_t;
    end
    stream_rd = (handover && f_in.k != 0) || s_busy;
  end
  logic stream_last;
  assign stream_last = stream_rd && cur_t + 1 == cur_k;
  assign e2l_inc = stream_last && cur_sp;

  assign fill_addr = f_walk.addr;
  assign fill_rd = f_state == F_READ && !(stream_rd && sasim_cfg_pkg::spad_bank(stream_addr) == sasim_cfg_pkg::spad_bank(fill_addr));

  // transposer column t and the B row, into the mesh; t as a one-hot select, decoded once for all rows
  logic [ROWS*OBITS-1:0] a_col;
  logic [sasim_cfg_pkg::SPAD_ROW_ELEMS-1:0] t_sel;
  for (genvar c = 0; c < sasim_cfg_pkg::SPAD_ROW_ELEMS; c++) begin : g_t_sel
    assign t_sel[c] = cur_t == 32'(c);
  end
  for (genvar r = 0; r < ROWS; r++) begin : g_transposer
    sasim_transposer_row row (.clk, .fill_wr(fill_rd && f_row == r), .fill_data, .copy(handover), .t_sel,
                              .a(a_col[r * OBITS +: OBITS]));
  end
  logic [COLS*32-1:0] mesh_out;
  logic [31:0] d_row_now;
  logic        d_slot_now;
  sasim_mesh_os mesh (
    .clk(clk), .step_valid(stream_rd), .step_first(cur_t == 0), .step_slot(cur_slot),
    .a_col(a_col), .b_row(stream_data[COLS*OBITS-1:0]), .drain_row(d_row_now), .drain_slot(d_slot_now), .out(mesh_out)
  );

  // drain: the row written this cycle
  /* verilator lint_off UNUSEDSIGNAL */
  drain_t d_now;         // (its ready_at field is only used before the drain starts)
  /* verilator lint_on UNUSEDSIGNAL */
  logic   drain_wr, drain_last;
  always_comb begin
    d_now = drain_start ? dq[0] : d_cur;
    d_row_now = drain_start ? 0 : d_i;
    d_slot_now = d_now.slot;
    drain_wr = drain_start || d_busy;
    drain_last = drain_wr && d_row_now + 1 == d_now.m;
  end
  assign acc_wr = drain_wr;
  assign acc_wr_row = d_now.c_row + d_row_now;
  assign acc_wr_accumulate = d_now.accumulate;
  assign acc_wr_cols = d_now.n;
  assign acc_wr_data = mesh_out;
  assign e2s_inc = drain_last && d_now.signal_next;

  logic push_drain;
  drain_t pushed;
  assign push_drain = stream_last;
  assign pushed.slot = cur_slot;
  assign pushed.accumulate = cur_acc;
  assign pushed.signal_next = cur_sn;
  assign pushed.c_row = cur_c_row;
  assign pushed.m = cur_m;
  assign pushed.n = cur_n;
  assign pushed.ready_at = now + 1 + COLS + PERTURB_CYCLES;  // (PERTURB_CYCLES: 0 except in fault tests)

  // The drain queue after this cycle: the starting entry popped, the instruction that finished streaming
  // pushed behind the others.
  logic [$bits(d_cur)-1:0] dq_next [4];
  logic [2:0] dq_kept;                   // entries left after the pop
  always_comb begin
    dq_kept = dq_count - (drain_start ? 3'd1 : 3'd0);
    for (int i = 0; i < 4; i++) begin
      dq_next[i] = drain_start ? dq[i < 3 ? i + 1 : 3] : dq[i];
      if (push_drain && 3'(i) == dq_kept) dq_next[i] = pushed;
    end
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      now <= 0;
      f_state <= F_IDLE;
      s_busy <= 1'b0;
      seq <= 0;
      drains_started <= 0;
      dq_count <= 0;
      d_busy <= 1'b0;
      retire <= 1'b0;
    end else begin
      now <= now + 1;
      // fill
      if (issue) begin
        f_in <= head;
        f_row <= 0;
        f_walk <= sasim_types_pkg::walk_start(fill_window(head_win), head.a_row);
        f_state <= head.m == 0 ? F_READY : F_READ;
      end else if (handover) begin
        f_state <= F_IDLE;
      end else if (fill_rd) begin
        f_row <= f_row + 1;
        f_walk <= sasim_types_pkg::walk_next(fill_window(f_in_win), f_walk);
        if (f_row + 1 == f_in.m) f_state <= F_READY;
      end
      // stream
      if (handover) begin
        seq <= seq + 1;
        s_k <= f_in.k; s_b_row <= f_in.b_row; s_m <= f_in.m; s_n <= f_in.n; s_c_row <= f_in.c_row;
        s_acc <= f_in.accumulate; s_slot <= seq[0]; s_sp <= f_in.signal_prev; s_sn <= f_in.signal_next;
      end
      if (stream_rd) begin
        s_busy <= !stream_last;
        s_t <= cur_t + 1;
      end
      // drain queue: pop the starting entry, push the instruction that finished streaming
      for (int i = 0; i < 4; i++) dq[i] <= dq_next[i];
      dq_count <= dq_kept + (push_drain ? 3'd1 : 3'd0);
      if (drain_start) begin
        drains_started <= drains_started + 1;
        d_cur <= dq[0];
      end
      if (drain_wr) begin
        d_busy <= !drain_last;
        d_i <= d_row_now + 1;
      end
      retire <= drain_last;
    end
  end
  assign state = {4'd0, f_state, s_busy, d_busy};
endmodule
