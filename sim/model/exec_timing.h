// SPDX-License-Identifier: MIT
// The execute unit's timing rules (docs/timing.md, "Execute"), as plain C++: given the issue cycle of an
// EXECUTE, computes every cycle at which it reads the scratchpad, writes the accumulator and retires,
// and reserves those cycles in the bank calendars. The SystemC execute unit calls this; so do unit tests.
#pragma once
#include <cstdint>
#include <utility>

#include "compiler/isa.h"
#include "config/config.h"
#include "model/bank_calendar.h"

namespace sasim::model {

struct ExecSchedule {
    uint64_t issue = 0;
    uint64_t first_read = 0;       // first scratchpad read (preload, fill or stream)
    uint64_t load_end = 0;         // stationary preload or transposer fill complete (== stream_start if none)
    uint64_t stream_start = 0;     // first cycle of the streaming phase
    uint64_t stream_end = 0;       // one past the last streaming cycle; all scratchpad reads done
    uint64_t acc_first_write = 0;  // first accumulator row write
    uint64_t retire = 0;           // one past the last accumulator write
    // Cycles stream_start came later than it would have had the preload / fill reads found their banks free
    // (each read waiting only for the previous one): the stall a bank conflict caused, ending at stream_start.
    uint64_t bank_stall_cycles = 0;
};

class ExecTiming {
public:
    ExecTiming(const ArrayConfig& array, BankCalendar& spad, BankCalendar& acc);

    // Mesh latency: cycles from a streamed row's scratchpad read to its result row's accumulator write.
    uint64_t mesh_latency() const { return m_latency; }

    // Earliest cycle >= `ready` at which the next EXECUTE may issue (one issue per cycle, and not before
    // the previous instruction has started streaming, which frees the preload / transposer buffer).
    uint64_t earliest_issue(uint64_t ready) const;

    // Schedules `in` issued at `issue_cycle` (>= earliest_issue) and reserves its bank cycles.
    ExecSchedule issue(const Instruction& in, uint64_t issue_cycle);

    void reset(uint64_t now_cycle);

    // Fault injection (tests of the RTL cross-check only): results reach the accumulator this much later.
    void set_extra_result_cycles(uint32_t cycles) { m_extra = cycles; }

private:
    // Reads `rows` operand rows from row0 (through in's window when `windowed`, else consecutive) one per
    // cycle from `from`, each at the first cycle its bank is free. Returns the cycles of the first and the
    // last read ({from, from - 1} when rows == 0).
    std::pair<uint64_t, uint64_t> schedule_reads(const Instruction& in, uint64_t row0, uint64_t rows, uint64_t from,
                                                 bool windowed);
    // Reserves the operand rows from row0 (windowed as above) at start, start + 1, ...
    void claim_stream(const Instruction& in, uint64_t row0, uint64_t rows, uint64_t start, bool windowed);

    const ArrayConfig m_array;
    BankCalendar& m_spad;
    BankCalendar& m_acc;
    uint64_t m_latency;
    bool m_any = false;             // an instruction has issued since reset
    uint64_t m_prev_issue = 0;
    uint64_t m_prev_stream_start = 0;
    uint64_t m_prev_stream_end = 0;
    uint64_t m_prev_drain_start = 0;  // OS: first accumulator write of the previous instruction
    uint64_t m_prev_drain_end = 0;    // OS: one past its last accumulator write
    uint64_t m_prev2_drain_start = 0; // OS: first accumulator write of the instruction two back
    uint64_t m_os_count = 0;          // OS: instructions issued since reset
    uint32_t m_extra = 0;             // injected fault: extra result latency (0 in every real run)
};

}  // namespace sasim::model
