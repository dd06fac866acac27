// SPDX-License-Identifier: MIT
// The store DMA (docs/timing.md, "DMA engine", step 3): accumulator -> requantize -> DRAM.
// Per cycle: read the next accumulator row unless the execute unit writes that bank this cycle or the
// store buffer is full, requantize it into the buffer (its requests are ready next cycle); issue one write
// request from the oldest buffered row if the bus slot and the outstanding limit allow. A STORE retires
// when the response of its last write arrives (`wr_done` counts completions per cycle, in order).
module sasim_store_dma #(
  parameter int COLS = sasim_cfg_pkg::COLS,
  parameter int OBITS = sasim_cfg_pkg::OBITS,
  parameter int OPERAND_BYTES = sasim_cfg_pkg::OPERAND_BYTES,
  parameter int ACC_ROW_BITS = sasim_cfg_pkg::ACC_ROW_BITS,
  parameter int REQ_BITS = sasim_cfg_pkg::REQ_BITS,
  parameter int MAX_REQ_BYTES = sasim_cfg_pkg::MAX_REQ_BYTES,
  parameter int MAXO = sasim_cfg_pkg::MAXO,
  parameter int SBUF = sasim_cfg_pkg::SBUF,
  parameter int SB_IDX = sasim_cfg_pkg::SB_IDX,
  parameter int STORE_ROW_BITS = sasim_cfg_pkg::STORE_ROW_BITS
) (
  input  logic        clk,
  input  logic        rst,
  input  logic        handover,
  /* verilator lint_off UNUSEDSIGNAL */  // a unit reads only the fields of its own instructions
  input  sasim_types_pkg::instr_t head,
  /* verilator lint_on UNUSEDSIGNAL */
  output logic        idle,
  // execute-unit accumulator write this cycle (priority)
  input  logic        ex_acc_wr,
  input  logic [31:0] ex_acc_bank,
  // accumulator read port (combinational data)
  output logic        acc_rd,
  output logic [31:0] acc_rd_row,
  input  logic [ACC_ROW_BITS-1:0] acc_rd_data,
  // memory port, write side
  output logic        wr_req_valid,
  output logic [31:0] wr_req_addr,
  output logic [15:0] wr_req_bytes,
  output logic [REQ_BITS-1:0] wr_req_data,
  input  logic [7:0]  wr_done,
  output logic        s2e_inc,           // last accumulator read of a STORE with signal_prev
  output logic        s2l_inc,           // last accumulator read of a STORE with signal_next
  output logic [7:0]  retire,            // STOREs retiring this cycle (in program order)
  output logic [7:0]  rows_buffered,
  output logic        bank_wait          // the next row would be read now but the execute unit writes its bank
);
  logic        active;
  sasim_types_pkg::instr_t r_in;
  logic [31:0] next_row;
  logic [31:0] next_addr;                // DRAM address of next_row (stepped by dram_stride, no multiplier)
  logic [31:0] slot_wait;

  /* verilator lint_off UNUSEDSIGNAL */
  sasim_types_pkg::instr_t in;
  /* verilator lint_on UNUSEDSIGNAL */
  logic [31:0] c_next_row;
  assign in = handover ? head : r_in;
  assign c_next_row = handover ? 0 : next_row;
  assign idle = !active;

  // Store buffer: requantized rows waiting for their write requests.
  typedef struct packed {
    logic [31:0] addr, bytes;
  } sb_meta_t;
  sb_meta_t new_meta;                    // the row read from the accumulator this cycle
  // Bit vectors, not sb_meta_t: Yosys 0.23 reads an unpacked array of a struct as one struct.
  logic [$bits(new_meta)-1:0] sb_meta [SBUF];
  logic [31:0] sb_off [SBUF];            // bytes of the row already requested
  logic [STORE_ROW_BITS-1:0] sb_data [SBUF];
  logic [SB_IDX-1:0] sb_head, sb_tail;
  function automatic logic [SB_IDX-1:0] sb_idx_next(input logic [SB_IDX-1:0] i);
    sb_idx_next = 32'(i) == SBUF - 1 ? '0 : i + 1'b1;
  endfunction
  assign new_meta.addr = handover ? head.dram_addr : next_addr;
  assign new_meta.bytes = in.elems * OPERAND_BYTES;
  logic [SB_IDX:0]   sb_count;
  assign rows_buffered = 8'(sb_count);

  logic [31:0] wr_inflight;
  logic [31:0] w_issued, w_done;         // write requests issued / completed in this layer
  // STOREs that have issued every request and wait for their last write to complete: one slot each
  // (sasim_retire_slot) holding the value of w_issued after its last request. Each has a write in flight,
  // so at most MAXO wait, plus the one finishing this cycle. Slots are taken in turn (ret_tail).
  localparam int RET = MAXO + 1;
  localparam int RET_IDX = RET > 1 ? $clog2(RET) : 1;
  logic [RET_IDX-1:0] ret_tail;
  logic [RET-1:0]     ret_done;          // the slot's STORE retires this cycle

  // ---- accumulator row read and requantization ----------------------------------------------
  logic [31:0] acc_row_addr;
  assign acc_row_addr = in.c_row + c_next_row;
  assign acc_rd_row = acc_row_addr;
  logic acc_rd_wanted;
  assign acc_rd_wanted = (active || handover) && c_next_row < in.rows && 32'(sb_count) < SBUF;
  assign bank_wait = acc_rd_wanted && ex_acc_wr && ex_acc_bank == sasim_cfg_pkg::acc_bank(acc_row_addr);
  assign acc_rd = acc_rd_wanted && !bank_wait;
  assign s2e_inc = acc_rd && c_next_row + 1 == in.rows && in.signal_prev;
  assign s2l_inc = acc_rd && c_next_row + 1 == in.rows && in.signal_next;

  logic [STORE_ROW_BITS-1:0] quantized;
  for (genvar j = 0; j < COLS; j++) begin : g_lane
    sasim_requant lane (.acc(acc_rd_data[j * 32 +: 32]), .shift(in.shift), .relu(in.relu),
                        .q(quantized[j * OBITS +: OBITS]));
  end

  // ---- write request ----------------------------------------------------------------------------
  logic [31:0] req_len;
  logic        can_issue, pop;
  sb_meta_t    f;
  logic [31:0] f_off;
  logic [STORE_ROW_BITS-1:0] rest;
  always_comb begin
    f = sb_meta[sb_head];
    f_off = sb_off[sb_head];
    req_len = (f.bytes - f_off) > MAX_REQ_BYTES ? MAX_REQ_BYTES : f.bytes - f_off;
    can_issue = sb_count != 0 && slot_wait == 0 && (wr_inflight - 32'(wr_done)) < MAXO;
    pop = can_issue && f_off + req_len == f.bytes;
    // Bytes off .. off+req_len-1 of the row (rest: the row moved down by off bytes, below; bytes past
    // the row read as 0).
    wr_req_data = REQ_BITS'(req_row);
  end
  sasim_byte_shift #(.LANES(STORE_ROW_BITS / 8), .LANE_BITS(8), .LEFT(0)) rest_shift (
    .in(sb_data[sb_head]), .amount(f_off), .out(rest));
  logic [STORE_ROW_BITS-1:0] req_bits;  // the request's bytes: below req_len
  logic [STORE_ROW_BITS-1:0] req_row;   // the row's bytes of the request, at bytes 0 ..
  assign req_row = rest & req_bits;
  sasim_byte_mask #(.LANES(STORE_ROW_BITS / 8), .LANE_BITS(8)) req_mask (.n(req_len), .mask(req_bits));
  assign wr_req_valid = can_issue;
  assign wr_req_addr = f.addr + f_off;
  assign wr_req_bytes = 16'(req_len);

  logic [SB_IDX:0] sb_after;
  logic            finishing;            // the active STORE has nothing left to issue after this cycle
  assign sb_after = sb_count + {{SB_IDX{1'b0}}, acc_rd} - {{SB_IDX{1'b0}}, pop};
  assign finishing = (active || handover) && (c_next_row + (acc_rd ? 1 : 0)) == in.rows && sb_after == 0;

  logic [31:0] w_done_now;
  assign w_done_now = w_done + 32'(wr_done);
  // The waiting STOREs whose last write has completed retire now (several may in one cycle). The targets
  // grow in program order, so those are the oldest ones, and counting them is enough.
  for (genvar i = 0; i < RET; i++) begin : g_ret
    sasim_retire_slot slot (.clk, .rst, .take(finishing && 32'(ret_tail) == i),
                            .target(w_issued + (can_issue ? 32'd1 : 32'd0)), .done_now(w_done_now),
                            .retiring(ret_done[i]));
  end
  logic [RET_IDX:0] n_retire;
  always_comb begin
    n_retire = '0;
    for (int i = 0; i < RET; i++) n_retire = n_retire + (RET_IDX+1)'(ret_done[i]);
  end
  assign retire = 8'(n_retire);

  always_ff @(posedge clk) begin
    if (rst) begin
      active <= 1'b0;
      slot_wait <= 0;
      sb_head <= '0; sb_tail <= '0; sb_count <= '0;
      wr_inflight <= 0; w_issued <= 0; w_done <= 0;
      ret_tail <= '0;
    end else begin
      if (handover) begin
        r_in <= head;
        active <= 1'b1;
        next_row <= 0;
        next_addr <= head.dram_addr;
      end
      if (acc_rd) begin
        sb_meta[sb_tail] <= new_meta;
        sb_off[sb_tail] <= 32'd0;
        sb_data[sb_tail] <= quantized;
        sb_tail <= sb_idx_next(sb_tail);
        next_row <= c_next_row + 1;
        next_addr <= new_meta.addr + in.dram_stride;
      end
      if (can_issue) begin
        slot_wait <= sasim_cfg_pkg::bus_slots(req_len) - 1;
        if (pop) sb_head <= sb_idx_next(sb_head);
        else sb_off[sb_head] <= f_off + req_len;
      end else if (slot_wait != 0) begin
        slot_wait <= slot_wait - 1;
      end
      sb_count <= sb_after;
      wr_inflight <= wr_inflight + (can_issue ? 1 : 0) - 32'(wr_done);
      w_issued <= w_issued + (can_issue ? 1 : 0);
      w_done <= w_done_now;
      // the STORE that finished issuing takes the next slot
      if (finishing) ret_tail <= 32'(ret_tail) == RET - 1 ? '0 : ret_tail + 1'b1;
      if (finishing) active <= 1'b0;
    end
  end

endmodule
