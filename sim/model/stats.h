// SPDX-License-Identifier: MIT
// Per-layer results: plain structs; printers live in sim/report.
#pragma once
#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "compiler/mapping.h"
#include "model/energy.h"
#include "workload/workload.h"

namespace sasim::model {

// Where the cycles of a layer went. The fields add up to the layer's cycles (docs/report.md):
// each cycle is attributed to the first cause that applies, in this order.
struct CycleBreakdown {
    uint64_t compute = 0;          // the array streams operands (one row per cycle)
    uint64_t pipeline = 0;         // an EXECUTE is in flight but not streaming: preload, fill, mesh latency, drain
    uint64_t dram_bandwidth = 0;   // array idle while the DRAM data bus is busy
    uint64_t dram_latency = 0;     // array idle, DRAM bus idle, DMA requests outstanding
    uint64_t bank_conflict = 0;    // array idle, a DMA access waits for a bank the execute unit holds
    uint64_t queue_full = 0;       // array idle, dispatch blocked on a full queue
    uint64_t dependency_wait = 0;  // array idle for any other reason (waiting on tokens, issue slots)
    uint64_t stall_total() const {
        return dram_bandwidth + dram_latency + bank_conflict + queue_full + dependency_wait;
    }
};

// Scratchpad/accumulator/DRAM traffic.
struct TrafficStats {
    uint64_t dram_read_bytes = 0;
    uint64_t dram_write_bytes = 0;
    uint64_t dram_read_requests = 0;
    uint64_t dram_write_requests = 0;
    uint64_t spad_reads = 0;   // row reads
    uint64_t spad_writes = 0;  // row writes
    uint64_t acc_reads = 0;    // row reads (stores)
    uint64_t acc_writes = 0;   // row writes (execute results, read-modify-write counted once)
    uint64_t dma_bank_conflict_cycles = 0;  // cycles a DMA access was refused by a bank
    uint64_t dispatch_blocked_cycles = 0;   // cycles dispatch waited on a full queue
};

struct InstructionCounts {
    uint64_t loads = 0, executes = 0, stores = 0;
};

// When one unit worked on a layer: the first issue and the last retire cycle of its instructions, in cycles
// from the layer's start. A unit without instructions keeps first_issue_cycle > last_retire_cycle.
struct UnitSpan {
    uint64_t first_issue_cycle = UINT64_MAX;
    uint64_t last_retire_cycle = 0;
    bool empty() const { return first_issue_cycle > last_retire_cycle; }
};

struct CheckResult {
    bool checked = false;
    bool pass = false;
    uint64_t elements = 0;     // output elements compared
    uint64_t mismatches = 0;
    std::string first_mismatch;  // "out[n=0,h=3,w=4,c=7]: model 12, reference 13"
    // The stored outputs in canonical order through model::OutputDigest: equal for two runs that stored the
    // same values (a network's layers, with or without layer reuse).
    uint64_t output_digest = 0;
};

// A 64-bit digest of stored output values in canonical order: their bytes as stored (each value
// `value_bytes` bytes, little endian), hashed eight bytes at a time with FNV-1a's prime and folded with the
// byte count. Order-sensitive, and cheap enough for every checked layer.
class OutputDigest {
public:
    explicit OutputDigest(uint32_t value_bytes) : m_value_bytes(value_bytes) {}
    // One value (its low value_bytes bytes).
    void add(int32_t v) {
        for (uint32_t b = 0; b < m_value_bytes; ++b) add_byte(static_cast<uint8_t>(static_cast<uint32_t>(v) >> (8 * b)));
    }
    // `n` bytes as stored (whole values).
    void add_bytes(const uint8_t* p, uint64_t n) {
        uint64_t j = 0;
        for (; j < n && m_fill != 0; ++j) add_byte(p[j]);
        for (; j + 8 <= n; j += 8) {
            uint64_t w;
            std::memcpy(&w, p + j, 8);
            mix(w);
        }
        for (; j < n; ++j) add_byte(p[j]);
    }
    uint64_t value() const {
        uint64_t h = (m_hash ^ m_word) * kPrime;
        return (h ^ (m_bytes + m_fill)) * kPrime;
    }

private:
    static constexpr uint64_t kPrime = 0x100000001b3ULL;  // FNV-1a 64 prime
    void mix(uint64_t w) {
        m_hash = (m_hash ^ w) * kPrime;
        m_bytes += 8;
    }
    void add_byte(uint8_t b) {
        m_word |= uint64_t{b} << (8 * m_fill);
        if (++m_fill == 8) {
            mix(m_word);
            m_word = 0;
            m_fill = 0;
        }
    }
    uint32_t m_value_bytes;
    uint64_t m_hash = 0xcbf29ce484222325ULL;  // FNV-1a 64 offset basis
    uint64_t m_word = 0;                     // bytes not yet mixed, the first in the low byte
    uint32_t m_fill = 0;                     // how many
    uint64_t m_bytes = 0;                    // bytes mixed
};

// How the layer's program was chosen (docs/mapper.md).
struct MappingChoice {
    std::string strategy = "heuristic";  // heuristic | search | replay
    bool heuristic = true;               // the chosen program is the heuristic compiler's fixed tiling
    Mapping mapping;                     // the chosen mapping when !heuristic
    uint64_t bound_cycles = 0;           // lower bound of the chosen program (model/program_bound.h)
    uint64_t candidates = 0;             // search: programs in the space, the heuristic one included
    uint64_t simulated = 0;              // search: programs simulated before the bounds proved the rest no better
    uint64_t heuristic_cycles = 0;       // search: cycles of the heuristic program (0 when not simulated)
    bool memo_hit = false;               // search: an earlier layer of the run had the same shape
    bool cache_hit = false;              // search: chosen by an earlier run (the mapper cache); not re-searched
    double search_seconds = 0;           // search: wall time spent choosing (0 on a memo hit)
};

struct LayerStats {
    std::string name;
    LayerKind kind = LayerKind::Conv;
    std::string op;                 // Other layers: the operation
    uint64_t other_elements = 0;    // Other layers: output elements
    bool simulated = false;
    GemmView gemm;                  // count x m x n x k
    uint64_t macs = 0;
    uint64_t cycles = 0;
    uint64_t start_cycle = 0;       // absolute cycle at which the layer started (layers run back to back)
    // Without values: the earlier layer of the same shape whose statistics these are (RunOptions::
    // reuse_layers); empty when this layer was simulated.
    std::string reused_from;
    uint64_t compute_cycles = 0;    // == breakdown.compute
    uint64_t array_slots_used = 0;  // sum over EXECUTEs of streamed rows * rows * cols (for mapping efficiency)
    CycleBreakdown breakdown;
    TrafficStats traffic;
    InstructionCounts instructions;
    CheckResult check;
    uint64_t compulsory_bytes = 0;  // input + weights + output (+ residual shortcut) bytes, each moved once
    EnergyBreakdown energy;         // dynamic energy of the counts above (model/energy.h)
    MappingChoice mapping;          // how the program was chosen
    std::array<UnitSpan, 3> unit_spans;  // by sasim::Unit (load, execute, store): the network timeline
    // Values from layer to layer (model/value_flow.h; empty in a run without values). Conv/gemm layers: the
    // layer whose stored output was the input operand, or why the input was generated instead; a note when
    // the graph gives a second operand that was generated. Other layers executed as part of a conv/gemm
    // layer: that layer, and how (ValueFlowPlan::fused_as: "store", "weights", "alias", "accumulator").
    // Layers with a fused residual add: the layer whose stored output was the shortcut, or why it was generated.
    std::string input_from;
    std::string input_generated_why;
    std::string second_operand_note;
    std::string shortcut_from;
    std::string shortcut_generated_why;
    std::string fused_into;
    std::string fused_as;

    double utilization(uint64_t pes) const {
        return cycles == 0 || pes == 0 ? 0.0 : static_cast<double>(macs) / (static_cast<double>(cycles) * pes);
    }
    double mapping_efficiency(uint64_t pes) const {
        return compute_cycles == 0 || pes == 0 ? 0.0
                                               : static_cast<double>(macs) / (static_cast<double>(compute_cycles) * pes);
    }
};

// One line of --retire-log.
struct RetireRecord {
    uint32_t layer = 0;
    uint64_t index = 0;       // instruction index within the layer's program
    uint8_t unit = 0;         // sasim::Unit
    uint64_t issue = 0;       // cycle, relative to the layer start
    uint64_t retire = 0;
};

}  // namespace sasim::model
