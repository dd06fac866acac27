// SPDX-License-Identifier: MIT
// The load DMA (docs/timing.md, "DMA engine", steps 1, 2, 4 and 5): DRAM -> scratchpad, or accumulator
// (a LOAD with dst = 1: each row's operands sign-extended and shifted left by the LOAD's shift, docs/isa.md).
// Per cycle, in this order: take a handed-over LOAD; start the next DRAM row if the read buffer has a
// free row; issue one read request of the current row if the bus slot and the outstanding limit allow;
// write the oldest complete buffered row's next block into the scratchpad unless the execute unit uses
// that bank (an accumulator row: unless the execute unit writes or the store DMA reads its bank); retire the
// LOAD whose last block was written.
// Memory side: a request goes out on rd_req_*; its data comes back on rd_data in the next cycle (the
// harness reads DRAM at request time); `rd_done` counts the requests that complete in this cycle, in
// request order. A row counts as arrived only when all its requests have completed.
module sasim_load_dma #(
  parameter int NPOS_MAX = sasim_cfg_pkg::NPOS_MAX,
  parameter int OPERAND_BYTES = sasim_cfg_pkg::OPERAND_BYTES,
  parameter int OBITS = sasim_cfg_pkg::OBITS,
  parameter int COLS = sasim_cfg_pkg::COLS,
  parameter int ACC_ROW_BITS = sasim_cfg_pkg::ACC_ROW_BITS,
  parameter int REQ_BITS = sasim_cfg_pkg::REQ_BITS,
  parameter int MAX_REQ_BYTES = sasim_cfg_pkg::MAX_REQ_BYTES,
  parameter int MAXO = sasim_cfg_pkg::MAXO,
  parameter int SPAD_ROW_BITS = sasim_cfg_pkg::SPAD_ROW_BITS,
  parameter int ROWBUF = sasim_cfg_pkg::ROWBUF,
  parameter int RB_IDX = sasim_cfg_pkg::RB_IDX,
  parameter int ROW_BYTES_MAX = sasim_cfg_pkg::ROW_BYTES_MAX,
  parameter int ROW_BUF_BITS = sasim_cfg_pkg::ROW_BUF_BITS,
  parameter int PERTURB_ACC_LOAD = sasim_cfg_pkg::PERTURB_ACC_LOAD
) (
  input  logic        clk,
  input  logic        rst,
  input  logic        handover,          // the load unit hands over `head` this cycle
  /* verilator lint_off UNUSEDSIGNAL */  // a unit reads only the fields of its own instructions
  input  sasim_types_pkg::instr_t head,
  input  sasim_types_pkg::conv_t  conv,
  /* verilator lint_on UNUSEDSIGNAL */
  output logic        idle,              // no LOAD is generating requests (hand-over allowed)
  // execute-unit scratchpad use this cycle (its reservations have priority)
  input  logic        ex_stream_rd,
  input  logic [31:0] ex_stream_bank,
  input  logic        ex_fill_rd,
  input  logic [31:0] ex_fill_bank,
  // accumulator use this cycle: the execute unit's write, the store DMA's read (both have priority)
  input  logic        ex_acc_wr,
  input  logic [31:0] ex_acc_bank,
  input  logic        st_acc_rd,
  input  logic [31:0] st_acc_bank,
  // memory port, read side
  output logic        rd_req_valid,
  output logic [31:0] rd_req_addr,
  output logic [15:0] rd_req_bytes,
  input  logic        rd_data_valid,
  input  logic [REQ_BITS-1:0] rd_data,
  input  logic [7:0]  rd_done,
  // scratchpad write port
  output logic        spad_wr,
  output logic [31:0] spad_wr_row,
  output logic [SPAD_ROW_BITS-1:0] spad_wr_data,
  // accumulator write port (a LOAD into the accumulator)
  output logic        acc_wr,
  output logic [31:0] acc_wr_row,
  output logic [ACC_ROW_BITS-1:0] acc_wr_data,
  output logic        l2e_inc,
  output logic        retire,            // pulse in the LOAD's retire cycle (last block write + 1)
  output logic [7:0]  rows_buffered,     // for waveforms
  output logic        bank_wait          // the head row is ready but the execute unit reads its bank
);
  // ---- the LOAD generating requests -----------------------------------------------------------
  logic        active;
  sasim_types_pkg::instr_t r_in;
  logic [31:0] row_i, oh, ow;            // DRAM row and its output pixel (LOAD_IM2COL)
  logic [31:0] ih0, iw0, pix;            // the pixel's input pixel at filter position (0, 0), its element offset
  logic [31:0] row_addr;                 // LOAD: the row's DRAM address
  logic        row_open;                 // the current row has requests left
  sasim_types_pkg::piece_t run_c;        // the current run of contiguous pieces: its first piece
  logic [31:0] run_off;                  // and the bytes of the run requested so far
  logic [31:0] slot_wait;                // cycles until the next bus slot

  sasim_types_pkg::instr_t in;
  logic [31:0] c_row_i, c_oh, c_ow, c_ih0, c_iw0, c_pix, c_row_addr;   // this cycle's row
  assign in = handover ? head : r_in;
  assign c_row_i = handover ? 0 : row_i;
  assign c_oh = handover ? head.oh0 : oh;
  assign c_ow = handover ? head.ow0 : ow;
  assign c_ih0 = handover ? head.ih0 : ih0;
  assign c_iw0 = handover ? head.iw0 : iw0;
  assign c_pix = handover ? head.pix0 : pix;
  assign c_row_addr = handover ? head.dram_addr : row_addr;
  assign idle = !active;

  // The run a request of this cycle reads from: the open row's current run, or the first of a new row.
  logic [31:0] run_addr, run_row_off, run_bytes;
  logic        first_present, has_next;
  sasim_types_pkg::piece_t run_now, next_piece;
  sasim_load_addr addr_gen (
    .in(in), .conv(conv), .row_addr(c_row_addr), .ih0(c_ih0), .iw0(c_iw0), .pix(c_pix),
    .use_cursor(row_open), .cursor(run_c),
    .present(first_present), .now(run_now), .addr(run_addr), .row_off(run_row_off),
    .run_bytes(run_bytes), .has_next(has_next), .next(next_piece)
  );

  // ---- read buffer ------------------------------------------------------------------------------
  typedef struct packed {
    logic [31:0] dest0;                  // destination row of block 0
    logic [31:0] blocks, block_stride, block_bytes;
    logic        last_of_instr, signal_next;
    logic        to_acc;                 // the row goes to the accumulator (one block), widened
    logic [5:0]  shift;                  // and shifted left by this
    logic        pad;                    // a padding row: no request, its bytes are 0
  } entry_t;
  // The request progress of a row: written when the row starts and when its last request is issued.
  typedef struct packed {
    logic [31:0] last;                   // req_total after the row's last request (its requests are done
                                         // when done_total reaches it: responses complete in request order)
    logic        issued_all;             // every request of the row is issued
  } progress_t;
  // The records of the buffered rows (rb_meta, rb_prog) are register files (sasim_regfile.sv), read at
  // the head row; the rows' data is an SRAM (rbuf, below).
  entry_t    rb_meta;                    // the head row's record
  progress_t rb_prog;                    // and its progress
  progress_t prog_wr;
  logic [RB_IDX-1:0] prog_wr_row;
  logic              prog_wr_en;
  logic [RB_IDX-1:0] rb_head, rb_tail;
  logic [RB_IDX:0]   rb_count;
  logic [31:0]       head_block;         // next block of the head entry to write
  logic [31:0]       head_dest_off;      // its destination row minus dest0 (head_block * block_stride)
  logic [31:0]       head_byte_off;      // its first byte in the buffer row (head_block * block_bytes)
  function automatic logic [RB_IDX-1:0] rb_idx_next(input logic [RB_IDX-1:0] i);
    rb_idx_next = 32'(i) == ROWBUF - 1 ? '0 : i + 1'b1;
  endfunction
  logic [RB_IDX-1:0] rb_tail_prev;       // the newest entry (the row whose requests are being issued)
  assign rb_tail_prev = rb_tail == '0 ? RB_IDX'(ROWBUF - 1) : rb_tail - 1'b1;
  assign rows_buffered = 8'(rb_count);

  // Requests issued and completed since reset (wrapping; at most MAXO apart). Rows issue their requests
  // one row after the other and responses complete in request order, so two counters and one mark per
  // row tell which rows are complete, without a tag per request in flight.
  logic [31:0] req_total, done_total;
  // The request of the previous cycle, whose data arrives now.
  logic [RB_IDX-1:0] data_tag;
  logic [31:0]       data_off, data_len;
  logic              data_first;         // it was its row's first request (the row held no data before)
  logic              row_requested;      // a request of the open row has been issued

  // ---- per-cycle decisions (combinational) ------------------------------------------------------
  logic        slot_ok, start_row, pad_row, can_issue, row_now_open;
  logic [31:0] off_now, req_len;
  always_comb begin
    slot_ok = (active || handover) && slot_wait == 0;
    start_row = slot_ok && !row_open && 32'(rb_count) < ROWBUF;
    pad_row = start_row && !first_present;
    row_now_open = (row_open || start_row) && !pad_row && slot_ok;
    off_now = row_open ? run_off : 0;
    req_len = (run_bytes - off_now) > MAX_REQ_BYTES ? MAX_REQ_BYTES : run_bytes - off_now;
    can_issue = row_now_open && (req_total - done_total - 32'(rd_done)) < MAXO;
  end
  logic [RB_IDX-1:0] req_entry;          // the buffer entry of this cycle's request
  assign req_entry = start_row ? rb_tail : rb_tail_prev;
  assign rd_req_valid = can_issue;
  assign rd_req_addr = run_addr + off_now;
  assign rd_req_bytes = 16'(req_len);

  logic issue_done_row;       // this cycle's request is the row's last
  assign issue_done_row = can_issue && (off_now + req_len == run_bytes) && !has_next;
  logic row_finished;         // the row has no requests left after this cycle
  assign row_finished = pad_row || issue_done_row;

  // The rows' records. A row's progress is written when it starts (its requests so far; a padding row has
  // none and is complete) and when its last request is issued (that one wins when both fall in a cycle).
  always_comb begin
    prog_wr_en = start_row || issue_done_row;
    prog_wr_row = issue_done_row ? req_entry : rb_tail;
    prog_wr.last = issue_done_row ? req_total + 1 : req_total;
    prog_wr.issued_all = issue_done_row || pad_row;
  end

  // ---- row write ----------------------------------------------------------------------------------
  entry_t new_entry;          // the entry of the row that starts now (or the head when the buffer is empty)
  always_comb begin
    new_entry.dest0 = in.local_row + c_row_i;
    new_entry.blocks = in.blocks;
    new_entry.block_stride = in.block_stride;
    new_entry.block_bytes = sasim_types_pkg::block_elems_of(in.elems, in.block_elems) * OPERAND_BYTES;
    new_entry.last_of_instr = c_row_i + 1 == in.rows;
    new_entry.signal_next = in.signal_next;
    new_entry.to_acc = in.dst;
    new_entry.shift = in.shift;
    new_entry.pad = pad_row;
  end
  sasim_regfile #(.WORDS(ROWBUF), .BITS($bits(new_entry))) meta_rf (
    .clk, .wr_en(start_row), .wr_addr(32'(rb_tail)), .wr_data(new_entry), .rd_addr(32'(rb_head)), .rd_data(rb_meta));
  sasim_regfile #(.WORDS(ROWBUF), .BITS($bits(prog_wr))) prog_rf (
    .clk, .wr_en(prog_wr_en), .wr_addr(32'(prog_wr_row)), .wr_data(prog_wr), .rd_addr(32'(rb_head)), .rd_data(rb_prog));
  entry_t hm;
  logic [ROW_BUF_BITS-1:0] hd;
  logic [SPAD_ROW_BITS-1:0] hd_block;   // the head block: the row from its first byte, a scratchpad row's worth
  logic head_ready, head_blocked, head_wr;
  logic acc_row_seen;         // fault tests (PERTURB_ACC_LOAD): the head accumulator row was ready last cycle
  logic [31:0] dest_row, dest_bank;
  always_comb begin
    // The head entry, with this cycle's arriving data merged in (completion may be this cycle).
    // hm is its entry; hd, its data, is merged byte by byte below.
    hm = rb_count == 0 ? new_entry : rb_meta;
    // complete: every request issued, and done (this cycle's completions included)
    head_ready = rb_count == 0 ? pad_row :
                 (rb_prog.issued_all && $signed(done_total + 32'(rd_done) - rb_prog.last) >= 0);
    dest_row = hm.dest0 + head_dest_off;
    if (hm.to_acc) begin
      dest_bank = sasim_cfg_pkg::acc_bank(dest_row);
      head_blocked = (ex_acc_wr && ex_acc_bank == dest_bank) || (st_acc_rd && st_acc_bank == dest_bank);
    end else begin
      dest_bank = sasim_cfg_pkg::spad_bank(dest_row);
      head_blocked = (ex_stream_rd && ex_stream_bank == dest_bank) || (ex_fill_rd && ex_fill_bank == dest_bank);
    end
    head_wr = head_ready && !head_blocked && !(PERTURB_ACC_LOAD != 0 && hm.to_acc && !acc_row_seen);
    spad_wr = head_wr && !hm.to_acc;
    acc_wr = head_wr && hm.to_acc;
    bank_wait = head_ready && head_blocked;
    spad_wr_row = dest_row;
    acc_wr_row = dest_row;
    // The head block's bytes (hd_block: moved down by head_byte_off bytes, below), those past the block 0.
    spad_wr_data = hd_block & blk_bits;
  end
  sasim_byte_shift #(.LANES(ROW_BUF_BITS / 8), .LANE_BITS(8), .LEFT(0), .OUT_LANES(SPAD_ROW_BITS / 8)) head_shift (
    .in(hd), .amount(head_byte_off), .out(hd_block));
  logic [SPAD_ROW_BITS-1:0] blk_bits;    // the bytes of the head block: below block_bytes
  sasim_byte_mask #(.LANES(SPAD_ROW_BITS / 8), .LANE_BITS(8)) blk_mask (.n(hm.block_bytes), .mask(blk_bits));
  // An accumulator row: each operand of the block sign-extended and shifted (bytes past the block are 0).
  for (genvar e = 0; e < COLS; e++) begin : g_widen
    sasim_widen_lane #(.OBITS(OBITS)) lane (.operand(spad_wr_data[e * OBITS +: OBITS]), .shift(hm.shift),
                                            .value(acc_wr_data[e * 32 +: 32]));
  end
  logic head_free;            // the head entry's last block is written this cycle
  assign head_free = head_wr && head_block + 1 == hm.blocks;
  assign l2e_inc = head_free && hm.last_of_instr && hm.signal_next;

  // This cycle's arriving data at its bytes of the buffer row: bytes 0 .. n-1 of rd_data (n = data_len, at
  // most MAX_REQ_BYTES) replace bytes data_off .. data_off+n-1 of the row (those past its end are dropped).
  // The data and its byte mask go through barrel shifters of multiplexer stages (sasim_byte_shift).
  localparam int ROW_BUF_BYTES = ROW_BUF_BITS / 8;
  logic [ROW_BUF_BITS-1:0]  arr_data;             // the shifted data
  logic [ROW_BUF_BYTES-1:0] arr_len, arr_mask;    // bytes 0 .. n-1; the same at data_off
  logic [31:0]              arr_n;
  assign arr_n = data_len > MAX_REQ_BYTES ? MAX_REQ_BYTES : data_len;
  sasim_byte_mask #(.LANES(ROW_BUF_BYTES), .LANE_BITS(1)) arr_len_mask (.n(arr_n), .mask(arr_len));
  sasim_byte_shift #(.LANES(ROW_BUF_BYTES), .LANE_BITS(8), .LEFT(1)) arr_data_shift (
    .in(ROW_BUF_BITS'(rd_data)), .amount(data_off), .out(arr_data));
  sasim_byte_shift #(.LANES(ROW_BUF_BYTES), .LANE_BITS(1), .LEFT(1)) arr_mask_shift (
    .in(arr_len), .amount(data_off), .out(arr_mask));
  // The head row's data (hd: stored bytes, with this cycle's arriving ones when they are the head row's;
  // 0 when the buffer is empty) and the row written back to the buffer (wr_row: the arriving bytes over
  // the stored ones of row data_tag), one sasim_byte_merge per byte each. A row holds data once a
  // response reached it before this cycle: a row's requests arrive one a cycle in order, so its data
  // arriving now is the first unless data_first says otherwise, and a complete head row that is not a
  // padding row has had a response unless its only one arrives now. (Bytes no response reached read 0.)
  logic [ROW_BUF_BITS-1:0] rbuf_merge, rbuf_head, wr_row;
  logic head_new, head_old;   // this cycle's data arrives for the head row; the head row holds data
  assign head_new = rb_count != 0 && rd_data_valid && data_tag == rb_head;
  assign head_old = rb_count != 0 && !hm.pad && !(head_new && data_first);
  for (genvar b = 0; b < ROW_BUF_BYTES; b++) begin : g_merge
    sasim_byte_merge head_byte (.take_new(head_new && arr_mask[b]), .keep_old(head_old),
                                .new_byte(arr_data[b * 8 +: 8]), .old_byte(rbuf_head[b * 8 +: 8]), .merged(hd[b * 8 +: 8]));
    sasim_byte_merge wr_byte (.take_new(arr_mask[b]), .keep_old(!data_first),
                              .new_byte(arr_data[b * 8 +: 8]), .old_byte(rbuf_merge[b * 8 +: 8]), .merged(wr_row[b * 8 +: 8]));
  end

  // The read buffer's data: an SRAM (a black box for synthesis, priced per bit like the scratchpad).
  // Port A reads the row that this cycle's arriving data is merged into, port B the head row.
  sasim_sram #(.WORDS(ROWBUF), .BITS(ROW_BUF_BITS), .BANKS(1)) rbuf (
    .clk, .rd_a_addr(32'(data_tag)), .rd_a_data(rbuf_merge), .rd_b_addr(32'(rb_head)), .rd_b_data(rbuf_head),
    .wr_en(rd_data_valid), .wr_addr(32'(data_tag)),
    .wr_data(wr_row),
    /* verilator lint_off WIDTHCONCAT */  // a row is up to 32,768 bits
    .wr_b_en(1'b0), .wr_b_addr(32'd0), .wr_b_data('0)
    /* verilator lint_on WIDTHCONCAT */
  );

  // ---- state update -------------------------------------------------------------------------------
  always_ff @(posedge clk) begin
    if (rst) begin
      active <= 1'b0;
      row_open <= 1'b0;
      slot_wait <= 0;
      rb_head <= '0; rb_tail <= '0; rb_count <= '0; head_block <= 0; head_dest_off <= 0; head_byte_off <= 0;
      req_total <= 0; done_total <= 0;
      retire <= 1'b0;
      acc_row_seen <= 1'b0;
    end else begin
      if (handover) begin
        r_in <= head;
        active <= 1'b1;
      end
      // bus slot
      if (can_issue) slot_wait <= sasim_cfg_pkg::bus_slots(req_len) - 1;
      else if (slot_wait != 0) slot_wait <= slot_wait - 1;
      // row generation
      if (start_row) row_requested <= can_issue;
      else if (can_issue) row_requested <= 1'b1;
      if (can_issue) begin
        req_total <= req_total + 1;
        data_tag <= req_entry;
        data_first <= start_row || !row_requested;
        data_off <= run_row_off + off_now;
        data_len <= req_len;
        if (off_now + req_len == run_bytes) begin
          run_c <= next_piece;
          run_off <= 0;
        end else begin
          run_c <= run_now;
          run_off <= off_now + req_len;
        end
        row_open <= !issue_done_row;
      end else if (start_row && !pad_row) begin
        row_open <= 1'b1;
        run_c <= run_now;
        run_off <= 0;
      end
      if (start_row) rb_tail <= rb_idx_next(rb_tail);
      done_total <= done_total + 32'(rd_done);
      // the row is done: next row, next pixel (its input pixel and offset stepped, no multiplier)
      if (row_finished) begin
        row_i <= c_row_i + 1;
        row_addr <= c_row_addr + in.dram_stride;
        if (c_ow + 1 == conv.out_w) begin
          ow <= 0;
          iw0 <= -conv.pad_left;
          if (c_oh + 1 == conv.out_h) begin
            oh <= 0;
            ih0 <= -conv.pad_top;
            pix <= c_pix + conv.wrap_h;
          end else begin
            oh <= c_oh + 1;
            ih0 <= c_ih0 + conv.stride_h;
            pix <= c_pix + conv.wrap_w;
          end
        end else begin
          ow <= c_ow + 1;
          oh <= c_oh;
          iw0 <= c_iw0 + conv.stride_w;
          ih0 <= c_ih0;
          pix <= c_pix + conv.step_pixel;
        end
        if (c_row_i + 1 == in.rows) active <= 1'b0;
      end else if (handover) begin
        row_i <= 0; oh <= head.oh0; ow <= head.ow0;
        ih0 <= head.ih0; iw0 <= head.iw0; pix <= head.pix0; row_addr <= head.dram_addr;
      end
      // row write
      if (head_wr) begin
        head_block <= head_free ? 0 : head_block + 1;
        head_dest_off <= head_free ? 0 : head_dest_off + hm.block_stride;
        head_byte_off <= head_free ? 0 : head_byte_off + hm.block_bytes;
      end
      if (head_free) rb_head <= rb_idx_next(rb_head);
      acc_row_seen <= head_ready && hm.to_acc && !head_wr;
      rb_count <= rb_count + {{RB_IDX{1'b0}}, start_row} - {{RB_IDX{1'b0}}, head_free};
      retire <= head_free && hm.last_of_instr;
    end
  end

`ifndef SYNTHESIS
  // A read-buffer row holds ROW_BYTES_MAX bytes and the address generator's dividers count to NPOS_MAX
  // pieces: a LOAD that needs more would lose data silently, so a simulation stops on it (rtl check sizes both to its programs).
  always_ff @(posedge clk) begin
    if (!rst && handover && head.elems * OPERAND_BYTES > ROW_BYTES_MAX)
      $error("LOAD rows of %0d bytes exceed the read buffer's %0d-byte rows", head.elems * OPERAND_BYTES, ROW_BYTES_MAX);
    if (!rst && handover && head.op == sasim_types_pkg::OP_LOAD_IM2COL && head.npos > NPOS_MAX)
      $error("LOAD_IM2COL rows of %0d pieces exceed the address generator's %0d", head.npos, NPOS_MAX);
    // The address generator's contract (sim/model/im2col_walker.h).
    if (!rst && handover && head.op == sasim_types_pkg::OP_LOAD_IM2COL &&
        (head.chan_count > conv.in_c || conv.dilation_h == 0 || conv.dilation_w == 0 || conv.kernel_w == 0))
      $error("LOAD_IM2COL outside the address generator's contract (chan_count <= in_c, dilations >= 1)");
  end
`endif

endmodule
