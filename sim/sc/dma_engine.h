// SPDX-License-Identifier: MIT
// The DMA engine: the load DMA (DRAM -> scratchpad/accumulator) and the store DMA (accumulator -> DRAM)
// sharing one TLM-2.0 initiator socket to memory. It runs half a cycle after the units, so within a cycle
// it sees every reservation the execute unit has made (docs/timing.md, "DMA").
#pragma once
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "config/config.h"
#include "model/datapath.h"
#include "model/load_address.h"
#include "sc/layer_context.h"
#include "sc/token_channel.h"
#include "sc/waveform.h"

namespace sasim::sc {

class ScDmaEngine : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<ScDmaEngine> mem_socket;

    SC_HAS_PROCESS(ScDmaEngine);
    ScDmaEngine(sc_core::sc_module_name name, const Config& cfg, model::Scratchpad& spad, model::Accumulator& acc,
                TokenChannel& load_to_exec, TokenChannel& store_to_exec, TokenChannel& store_to_load);

    void begin_layer(LayerContext* ctx);

    // Load side. Contract: called by the load unit at a whole cycle >= read_free_cycle() while read_idle().
    void start_read(uint64_t index, uint64_t cycle);
    bool read_idle() const { return !m_read_pending && !m_read_active; }
    uint64_t read_free_cycle() const { return m_read_free_cycle; }
    const sc_core::sc_event& read_freed_event() const { return m_read_freed; }

    // Store side, same contract with write_idle()/write_free_cycle().
    void start_write(uint64_t index, uint64_t cycle);
    bool write_idle() const { return !m_write_pending && !m_write_active; }
    uint64_t write_free_cycle() const { return m_write_free_cycle; }
    const sc_core::sc_event& write_freed_event() const { return m_write_freed; }

    // For debug dumps: load rows waiting for a bank, requests in flight.
    size_t rows_waiting() const { return m_row_writes.size(); }
    // Requests issued and not yet complete at `cycle` (load and store DMA).
    size_t requests_in_flight(uint64_t cycle) const;
    // The issue cycle of the oldest load or store the engine has taken and not retired (UINT64_MAX: none):
    // its dma_active span is recorded at its retirement.
    uint64_t earliest_open_cycle() const;
    // One line on what the load and store sides are doing.
    std::string describe(uint64_t cycle) const;
    // Traces the read and store buffers and updates the waveform's DMA values and load/store retirements.
    void attach_waveform(ScWaveform& wave);

private:
    struct Request {
        uint64_t ready = 0;       // first cycle it may issue
        uint64_t dram_addr = 0;
        uint32_t bytes = 0;
        uint8_t* data = nullptr;  // destination (reads) or source (writes)
        bool last_of_row = false; // writes: the last request of its accumulator row (frees a staging row)
    };
    // A load instruction in progress. Rows are generated (and their requests issued) in order.
    struct ReadXfer {
        uint64_t index = 0;
        const Instruction* in = nullptr;
        std::unique_ptr<model::LoadAddressGen> gen;
        uint32_t next_row = 0;        // next DRAM row to generate
        uint64_t rows_written = 0;    // destination rows written
        uint64_t rows_to_write = 0;   // rows * blocks: done when rows_written reaches it
        uint64_t last_write = 0;
        std::vector<uint8_t> staging; // accumulator loads: raw bytes before conversion
    };
    struct RowWrite {
        ReadXfer* xfer = nullptr;
        uint64_t local_row = 0;       // destination row (scratchpad or accumulator)
        uint64_t arrival = 0;         // cycle all its data is in
        bool last_block = false;      // the last block of its DRAM row (frees a read-buffer row)
    };

    void run();
    void process_cycle(uint64_t t);
    bool issue_read(uint64_t t);
    void store_side(uint64_t t);
    void write_rows(uint64_t t);
    void retire_reads();
    uint64_t next_cycle(uint64_t t) const;
    // The last cycle the engine may process now, ahead of kernel time: no other process can act before
    // that cycle's DMA phase, so none could change what the engine sees (docs/timing.md, "Phases"). Valid
    // until the engine notifies an event (a token, a freed channel, the last retirement): the woken process
    // may then act in any later cycle, so run() also stops once activity is pending at the current time.
    uint64_t run_ahead_horizon() const;
    uint64_t transport(uint64_t t, bool write, uint64_t addr, uint8_t* data, uint32_t bytes);

    const Config& m_cfg;
    model::Scratchpad& m_spad;
    model::Accumulator& m_acc;
    TokenChannel& m_l2e;
    TokenChannel& m_s2e;
    TokenChannel& m_s2l;  // pushes: a STORE with signal_next has read its last accumulator row
    LayerContext* m_ctx = nullptr;
    sc_core::sc_event m_work;          // a unit handed over an instruction

    // Load DMA
    bool m_read_pending = false;       // start_read called, not yet picked up
    uint64_t m_read_pending_index = 0;
    uint64_t m_read_pending_cycle = 0;
    bool m_read_active = false;        // a transfer is generating requests
    uint64_t m_read_free_cycle = 0;
    sc_core::sc_event m_read_freed;
    std::deque<std::unique_ptr<ReadXfer>> m_reads;  // in order; front retires first
    std::deque<Request> m_read_reqs;   // requests of the row being generated
    std::vector<uint8_t> m_row_buf;    // the DRAM row being loaded, before it is cut into blocks
    std::vector<model::RowSegment> m_segments, m_pieces;  // scratch: a row's DRAM pieces and its requests
    void scatter_row(ReadXfer& x, uint64_t arrival);  // copies m_row_buf into the row's blocks, queues writes
    uint64_t m_row_arrival = 0;        // latest completion among the current row's requests
    uint64_t m_next_read_slot = 0;     // bus: next cycle a read request may issue
    std::deque<uint64_t> m_read_inflight;  // completion cycles
    std::deque<RowWrite> m_row_writes; // rows whose requests all issued, waiting to be written
    uint64_t m_row_blocked_until = 0;  // the front row's bank is busy before this cycle (already counted)
    uint32_t m_read_buffer_rows = 0;   // DRAM rows started and not fully written (<= dma_read_buffer_rows)

    // Store DMA
    bool m_write_pending = false;
    uint64_t m_write_pending_index = 0;
    uint64_t m_write_pending_cycle = 0;
    bool m_write_active = false;
    uint64_t m_write_index = 0;
    const Instruction* m_write_in = nullptr;
    uint32_t m_write_next_row = 0;     // next accumulator row to read
    uint64_t m_write_start = 0;
    std::vector<uint8_t> m_write_staging;
    std::deque<Request> m_write_reqs;
    uint32_t m_store_buffer_rows = 0;  // accumulator rows read whose requests have not all issued
    uint64_t m_next_write_slot = 0;
    std::deque<uint64_t> m_write_inflight;
    uint64_t m_write_max_complete = 0;
    uint64_t m_write_free_cycle = 0;
    sc_core::sc_event m_write_freed;
    uint64_t m_acc_busy_cycle = UINT64_MAX;  // cycle the store used an accumulator port (bank below)
    uint32_t m_acc_busy_bank = 0;
    uint64_t m_prune_at = 0;

    tlm::tlm_generic_payload m_trans;
    bool m_called_target = false;      // b_transport was called in the cycle being processed (see run())
    ScWaveform* m_wave = nullptr;      // tracing off when null
};

}  // namespace sasim::sc
