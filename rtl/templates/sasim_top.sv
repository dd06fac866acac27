// SPDX-License-Identifier: MIT
// The accelerator: dispatch, the three instruction queues, the load / execute / store units, the four
// token channels, the scratchpad and the accumulator. See docs/rtl.md for the port protocols.
//
//   command port -> dispatch -> [load queue]  -> load unit  -> load DMA  --\
//                            -> [exec queue]  -> execute unit (mesh)       >-- memory port (harness DRAM)
//                            -> [store queue] -> store unit -> store DMA --/
module sasim_top #(
  parameter int COLS = sasim_cfg_pkg::COLS,
  parameter int REQ_BITS = sasim_cfg_pkg::REQ_BITS,
  parameter int SPAD_ROWS = sasim_cfg_pkg::SPAD_ROWS,
  parameter int SPAD_ROW_BITS = sasim_cfg_pkg::SPAD_ROW_BITS,
  parameter int SPAD_BANKS = sasim_cfg_pkg::SPAD_BANKS,
  parameter int ACC_ROWS = sasim_cfg_pkg::ACC_ROWS,
  parameter int ACC_ROW_BITS = sasim_cfg_pkg::ACC_ROW_BITS,
  parameter int ACC_BANKS = sasim_cfg_pkg::ACC_BANKS,
  parameter int Q_LOAD = sasim_cfg_pkg::Q_LOAD,
  parameter int Q_EXEC = sasim_cfg_pkg::Q_EXEC,
  parameter int Q_STORE = sasim_cfg_pkg::Q_STORE,
  parameter int DATAFLOW_OS = sasim_cfg_pkg::DATAFLOW_OS
) (
  input  logic        clk,
  input  logic        rst,
  // command port: one instruction per cycle when cmd_valid && cmd_ready
  input  logic        cmd_valid,
  output logic        cmd_ready,
  // the instruction and the program's convolution geometry (for LOAD_IM2COL, set before the program
  // starts), packed as sasim_types_pkg::instr_t and conv_t: the command word (docs/rtl.md)
  input  logic [sasim_types_pkg::INSTR_BITS-1:0] cmd_word,
  input  logic [sasim_types_pkg::CONV_BITS-1:0]  conv_word,
  // memory port: read requests, read data (one cycle after the request), read completions
  output logic        rd_req_valid,
  output logic [31:0] rd_req_addr,
  output logic [15:0] rd_req_bytes,
  input  logic        rd_data_valid,
  input  logic [REQ_BITS-1:0] rd_data,
  input  logic [7:0]  rd_done,
  // memory port: write requests (with data) and write completions
  output logic        wr_req_valid,
  output logic [31:0] wr_req_addr,
  output logic [15:0] wr_req_bytes,
  output logic [REQ_BITS-1:0] wr_req_data,
  input  logic [7:0]  wr_done,
  // observation: issue and retire events per unit (units issue and retire in program order; several
  // STOREs can retire in one cycle)
  output logic        ld_issue,
  output logic        ex_issue,
  output logic        st_issue,
  output logic        ld_retire,
  output logic        ex_retire,
  output logic [7:0]  st_retire,
  // debug state for the watchdog and waveforms
  output logic [7:0]  dbg_queue_load,
  output logic [7:0]  dbg_queue_exec,
  output logic [7:0]  dbg_queue_store,
  output logic [63:0] dbg_tokens,        // {l2e, e2l, e2s, s2e} counts
  output logic [15:0] dbg_tokens_s2l,    // store->load count
  output logic [7:0]  dbg_exec_state,
  output logic        dbg_load_dma_busy,
  output logic        dbg_store_dma_busy,
  output logic [7:0]  dbg_read_buffer_rows,
  output logic [7:0]  dbg_store_buffer_rows,
  // stall observation, counted by the harness and compared with the model's counters (docs/rtl.md)
  output logic        dbg_streaming,        // the array streams a row (cycle_breakdown.compute)
  output logic [1:0]  dbg_dma_bank_wait     // {store, load} DMA access refused by a bank this cycle
);
  // The command and geometry ports, as the packed types the units use.
  sasim_types_pkg::instr_t cmd;
  sasim_types_pkg::conv_t  conv;
  assign cmd = cmd_word;
  assign conv = conv_word;

  // ---- dispatch and queues ------------------------------------------------------------------------
  logic   ld_push, ex_push, st_push, ld_can, ex_can, st_can;
  logic   ld_hv, ex_hv, st_hv;
  sasim_types_pkg::instr_t ld_head, ex_head, st_head;
  logic   ld_pop, ex_pop, st_pop;
  logic   is_load;
  assign is_load = cmd.op == sasim_types_pkg::OP_LOAD2D || cmd.op == sasim_types_pkg::OP_LOAD_IM2COL;
  assign cmd_ready = is_load ? ld_can : (cmd.op == sasim_types_pkg::OP_EXECUTE ? ex_can : st_can);
  assign ld_push = cmd_valid && cmd_ready && is_load;
  assign ex_push = cmd_valid && cmd_ready && cmd.op == sasim_types_pkg::OP_EXECUTE;
  assign st_push = cmd_valid && cmd_ready && cmd.op == sasim_types_pkg::OP_STORE;

  sasim_queue #(.DEPTH(Q_LOAD)) q_load (.clk, .rst, .push(ld_push), .push_data(cmd), .pop(ld_pop),
    .can_push(ld_can), .head_valid(ld_hv), .head(ld_head), .count(dbg_queue_load));
  sasim_queue #(.DEPTH(Q_EXEC)) q_exec (.clk, .rst, .push(ex_push), .push_data(cmd), .pop(ex_pop),
    .can_push(ex_can), .head_valid(ex_hv), .head(ex_head), .count(dbg_queue_exec));
  sasim_queue #(.DEPTH(Q_STORE)) q_store (.clk, .rst, .push(st_push), .push_data(cmd), .pop(st_pop),
    .can_push(st_can), .head_valid(st_hv), .head(st_head), .count(dbg_queue_store));

  // ---- token channels -------------------------------------------------------------------------------
  logic l2e_inc, e2l_inc, e2s_inc, s2e_inc, s2l_inc;
  logic l2e_av, e2l_av, e2s_av, s2e_av, s2l_av;
  logic [15:0] l2e_n, e2l_n, e2s_n, s2e_n;
  sasim_token t_l2e (.clk, .rst, .inc(l2e_inc), .dec(ex_pop && ex_head.wait_prev), .avail(l2e_av), .count(l2e_n));
  sasim_token t_e2l (.clk, .rst, .inc(e2l_inc), .dec(ld_pop && ld_head.wait_next), .avail(e2l_av), .count(e2l_n));
  sasim_token t_e2s (.clk, .rst, .inc(e2s_inc), .dec(st_pop && st_head.wait_prev), .avail(e2s_av), .count(e2s_n));
  sasim_token t_s2e (.clk, .rst, .inc(s2e_inc), .dec(ex_pop && ex_head.wait_next), .avail(s2e_av), .count(s2e_n));
  // store->load: a LOAD into the accumulator (wait_prev) waits for the STORE that read its rows (signal_next).
  sasim_token t_s2l (.clk, .rst, .inc(s2l_inc), .dec(ld_pop && ld_head.wait_prev), .avail(s2l_av), .count(dbg_tokens_s2l));
  assign dbg_tokens = {l2e_n, e2l_n, e2s_n, s2e_n};

  // ---- scratchpad and accumulator (banks used once per cycle; see the check at the end) -------------
  logic [SPAD_ROW_BITS-1:0] spad_stream_data, spad_fill_data;
  logic [ACC_ROW_BITS-1:0]  acc_old, acc_rd_data, acc_new;   // acc_old: the row the execute unit adds to

  // ---- load unit and load DMA -----------------------------------------------------------------------
  logic ld_idle;
  assign ld_pop = ld_hv && (!ld_head.wait_next || e2l_av) && (!ld_head.wait_prev || s2l_av) && ld_idle;
  assign ld_issue = ld_pop;
  logic ex_stream_rd, ex_fill_rd;
  logic [31:0] ex_stream_addr, ex_fill_addr;
  logic spad_wr;
  logic [31:0] spad_wr_row;
  logic [SPAD_ROW_BITS-1:0] spad_wr_data;
  logic ld_acc_wr;                       // the load DMA writes an accumulator row (LOAD into the accumulator)
  logic [31:0] ld_acc_wr_row;
  logic [ACC_ROW_BITS-1:0] ld_acc_wr_data;
  // declared here for the load DMA's bank rule; driven by the execute unit and the store DMA below
  logic acc_wr, acc_wr_accumulate, st_idle, acc_rd;
  logic [31:0] acc_wr_row, acc_wr_cols, acc_rd_row;
  sasim_load_dma load_dma (
    .clk, .rst, .handover(ld_pop), .head(ld_head), .conv, .idle(ld_idle),
    .ex_stream_rd, .ex_stream_bank(sasim_cfg_pkg::spad_bank(ex_stream_addr)), .ex_fill_rd, .ex_fill_bank(sasim_cfg_pkg::spad_bank(ex_fill_addr)),
    .ex_acc_wr(acc_wr), .ex_acc_bank(sasim_cfg_pkg::acc_bank(acc_wr_row)),
    .st_acc_rd(acc_rd), .st_acc_bank(sasim_cfg_pkg::acc_bank(acc_rd_row)),
    .rd_req_valid, .rd_req_addr, .rd_req_bytes, .rd_data_valid, .rd_data, .rd_done,
    .spad_wr, .spad_wr_row, .spad_wr_data, .acc_wr(ld_acc_wr), .acc_wr_row(ld_acc_wr_row), .acc_wr_data(ld_acc_wr_data),
    .l2e_inc, .retire(ld_retire), .rows_buffered(dbg_read_buffer_rows),
    .bank_wait(dbg_dma_bank_wait[0])
  );
  assign dbg_load_dma_busy = !ld_idle;

  // ---- execute unit ---------------------------------------------------------------------------------
  logic [COLS*32-1:0] acc_wr_data;
  if (DATAFLOW_OS != 0) begin : g_exec_os
    sasim_exec_os exec_unit (
      .clk, .rst, .head_valid(ex_hv), .head(ex_head), .issue(ex_pop), .l2e_avail(l2e_av), .s2e_avail(s2e_av),
      .e2l_inc, .e2s_inc, .retire(ex_retire),
      .stream_rd(ex_stream_rd), .stream_addr(ex_stream_addr), .stream_data(spad_stream_data),
      .fill_rd(ex_fill_rd), .fill_addr(ex_fill_addr), .fill_data(spad_fill_data),
      .acc_wr, .acc_wr_row, .acc_wr_accumulate, .acc_wr_cols, .acc_wr_data, .state(dbg_exec_state)
    );
  end else begin : g_exec_stationary
    sasim_exec exec_unit (
      .clk, .rst, .head_valid(ex_hv), .head(ex_head), .issue(ex_pop), .l2e_avail(l2e_av), .s2e_avail(s2e_av),
      .e2l_inc, .e2s_inc, .retire(ex_retire),
      .stream_rd(ex_stream_rd), .stream_addr(ex_stream_addr), .stream_data(spad_stream_data),
      .fill_rd(ex_fill_rd), .fill_addr(ex_fill_addr), .fill_data(spad_fill_data),
      .acc_wr, .acc_wr_row, .acc_wr_accumulate, .acc_wr_cols, .acc_wr_data, .state(dbg_exec_state)
    );
  end
  assign ex_issue = ex_pop;
  assign dbg_streaming = ex_stream_rd;

  // ---- store unit and store DMA ---------------------------------------------------------------------
  assign st_pop = st_hv && (!st_head.wait_prev || e2s_av) && st_idle;
  assign st_issue = st_pop;
  sasim_store_dma store_dma (
    .clk, .rst, .handover(st_pop), .head(st_head), .idle(st_idle),
    .ex_acc_wr(acc_wr), .ex_acc_bank(sasim_cfg_pkg::acc_bank(acc_wr_row)),
    .acc_rd, .acc_rd_row, .acc_rd_data,
    .wr_req_valid, .wr_req_addr, .wr_req_bytes, .wr_req_data, .wr_done,
    .s2e_inc, .s2l_inc, .retire(st_retire), .rows_buffered(dbg_store_buffer_rows), .bank_wait(dbg_dma_bank_wait[1])
  );
  assign dbg_store_dma_busy = !st_idle;

  // ---- memory writes --------------------------------------------------------------------------------
  sasim_sram #(.WORDS(SPAD_ROWS), .BITS(SPAD_ROW_BITS), .BANKS(SPAD_BANKS)) spad (
    .clk, .rd_a_addr(ex_stream_addr), .rd_a_data(spad_stream_data), .rd_b_addr(ex_fill_addr),
    .rd_b_data(spad_fill_data), .wr_en(spad_wr), .wr_addr(spad_wr_row), .wr_data(spad_wr_data),
    .wr_b_en(1'b0), .wr_b_addr(32'd0), .wr_b_data('0)
  );
  // The accumulator adds in place: port A reads the row the execute unit writes back in the same cycle.
  sasim_sram #(.WORDS(ACC_ROWS), .BITS(ACC_ROW_BITS), .BANKS(ACC_BANKS)) acc (
    .clk, .rd_a_addr(acc_wr_row), .rd_a_data(acc_old), .rd_b_addr(acc_rd_row), .rd_b_data(acc_rd_data),
    .wr_en(acc_wr), .wr_addr(acc_wr_row), .wr_data(acc_new),
    .wr_b_en(ld_acc_wr), .wr_b_addr(ld_acc_wr_row), .wr_b_data(ld_acc_wr_data)
  );
  for (genvar e = 0; e < COLS; e++) begin : g_acc_lane
    sasim_acc_lane lane (.en(32'(e) < acc_wr_cols), .accumulate(acc_wr_accumulate), .old_value(acc_old[e * 32 +: 32]),
                         .value(acc_wr_data[e * 32 +: 32]), .new_value(acc_new[e * 32 +: 32]));
  end

`ifndef SYNTHESIS
  // Every bank has one port: the arbitration above must never use a bank twice in a cycle.
  always_ff @(posedge clk) begin
    if (!rst) begin
      if (ex_stream_rd && ex_fill_rd && sasim_cfg_pkg::spad_bank(ex_stream_addr) == sasim_cfg_pkg::spad_bank(ex_fill_addr))
        $error("scratchpad bank %0d: stream and fill read in one cycle", sasim_cfg_pkg::spad_bank(ex_stream_addr));
      if (spad_wr && ex_stream_rd && sasim_cfg_pkg::spad_bank(spad_wr_row) == sasim_cfg_pkg::spad_bank(ex_stream_addr))
        $error("scratchpad bank %0d: stream read and DMA write in one cycle", sasim_cfg_pkg::spad_bank(spad_wr_row));
      if (spad_wr && ex_fill_rd && sasim_cfg_pkg::spad_bank(spad_wr_row) == sasim_cfg_pkg::spad_bank(ex_fill_addr))
        $error("scratchpad bank %0d: fill read and DMA write in one cycle", sasim_cfg_pkg::spad_bank(spad_wr_row));
      if (acc_wr && acc_rd && sasim_cfg_pkg::acc_bank(acc_wr_row) == sasim_cfg_pkg::acc_bank(acc_rd_row))
        $error("accumulator bank %0d: execute write and store read in one cycle", sasim_cfg_pkg::acc_bank(acc_wr_row));
      if (ld_acc_wr && acc_wr && sasim_cfg_pkg::acc_bank(ld_acc_wr_row) == sasim_cfg_pkg::acc_bank(acc_wr_row))
        $error("accumulator bank %0d: execute write and DMA write in one cycle", sasim_cfg_pkg::acc_bank(acc_wr_row));
      if (ld_acc_wr && acc_rd && sasim_cfg_pkg::acc_bank(ld_acc_wr_row) == sasim_cfg_pkg::acc_bank(acc_rd_row))
        $error("accumulator bank %0d: store read and DMA write in one cycle", sasim_cfg_pkg::acc_bank(acc_rd_row));
    end
  end
`endif
endmodule
