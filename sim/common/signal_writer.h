// SPDX-License-Identifier: MIT
// What the waveform module (sc/waveform.h) writes through: a VCD file (common/vcd_writer.h, `--vcd`) or a
// trace-event JSON file for Perfetto and chrome://tracing (common/trace_event_writer.h, `--trace`). Both
// take signals sampled by the caller, keep to a window of ticks and stay below a size cap.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace sasim {

class SignalWriter {
public:
    virtual ~SignalWriter() = default;
    // Declares a signal before the first sample: `path` is dot-separated ("model.load.queue"), `bits` 1 (a
    // bit) or 32 (a signed integer). Returns its index.
    virtual size_t add_signal(const std::string& path, unsigned bits) = 0;
    // The values of every signal (in add_signal order) after the events of tick `tick`. Ticks must not go
    // back. Writes what changed since the last sample written.
    virtual void sample(uint64_t tick, const std::vector<int32_t>& values) = 0;
    // One instruction of a unit from its issue to its retire tick (`label` is its disassembly). A VCD has
    // no such record (the unit's signals show it); a trace draws it as a slice.
    virtual void instruction(const std::string& unit, uint64_t layer, uint64_t index, const std::string& label,
                             uint64_t issue_tick, uint64_t retire_tick) {
        (void)unit, (void)layer, (void)index, (void)label, (void)issue_tick, (void)retire_tick;
    }
    // A counter value at `tick` that the caller computed itself (not a sampled signal); ticks may come out
    // of order. A VCD has no such record; a trace writes it on the counter track `name`.
    virtual void counter(const std::string& name, uint64_t tick, double value) { (void)name, (void)tick, (void)value; }
    // Ends the file. Further samples are ignored.
    virtual void finish() = 0;

    virtual bool truncated() const = 0;            // the size cap was reached
    virtual uint64_t truncated_at_tick() const = 0;
    virtual uint64_t bytes_written() const = 0;
};

}  // namespace sasim
