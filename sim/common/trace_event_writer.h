// SPDX-License-Identifier: MIT
// A trace-event JSON writer (the Chrome trace format, which the Perfetto UI and chrome://tracing open) for
// `sasim run --trace` (docs/waveforms.md): every instruction a slice on its unit's track, every sampled
// signal a counter track. Plain C++: the SystemC waveform module feeds it; unit tests drive it directly.
//
// Layout of the file: {"displayTimeUnit": "ns", "traceEvents": [...], "otherData": {...}}. One process
// ("sasim"); a unit's instructions overlap (a load unit has many loads in flight), so each unit has as many
// tracks ("load 0", "load 1", ...) as it ever has instructions in flight, an instruction taking the first
// track free at its issue. Within the window, a slice is written when it overlaps it, a counter when it
// changes (and every counter at the first sample). Past the size cap nothing more is written, and
// "otherData" says where the file stops; the file stays valid JSON either way.
#pragma once
#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "common/signal_writer.h"

namespace sasim {

class TraceEventWriter final : public SignalWriter {
public:
    struct Options {
        uint64_t ticks_per_us = 10000;    // a power of ten: 10,000 = 100 ps ticks (1 cycle = 10 ticks = 1 ns)
        uint64_t from_tick = 0;           // first tick written
        uint64_t to_tick = UINT64_MAX;    // ticks at or after this are not written
        uint64_t max_bytes = UINT64_MAX;  // the file stays below this size
        std::string process = "sasim";   // the process name the viewer shows
    };
    TraceEventWriter(std::ostream& out, Options opt);

    size_t add_signal(const std::string& path, unsigned bits) override;
    void sample(uint64_t tick, const std::vector<int32_t>& values) override;
    void instruction(const std::string& unit, uint64_t layer, uint64_t index, const std::string& label,
                     uint64_t issue_tick, uint64_t retire_tick) override;
    void counter(const std::string& name, uint64_t tick, double value) override;
    void finish() override;

    bool truncated() const override { return m_truncated; }
    uint64_t truncated_at_tick() const override { return m_truncated_tick; }
    uint64_t bytes_written() const override { return m_bytes; }

    // "12.3456": `tick` in microseconds, exactly (the trace format's time unit).
    std::string micros(uint64_t tick) const;

private:
    void start();
    // Writes one event (a JSON object); false (and truncated from `tick` on) when it would pass the cap.
    bool event(const std::string& json, uint64_t tick);
    int track(const std::string& unit, uint64_t issue_tick, uint64_t retire_tick);

    std::ostream& m_out;
    Options m_opt;
    unsigned m_frac_digits = 4;       // decimals of a microsecond in a tick
    std::vector<std::string> m_names;  // counter names, in add_signal order
    std::vector<int32_t> m_last;       // the values last written
    struct UnitTracks {
        std::vector<uint64_t> busy_until;  // per track: the retire tick of its latest instruction
        std::vector<int> tid;              // per track: its thread id
    };
    std::map<std::string, UnitTracks> m_units;
    int m_next_tid = 1;
    bool m_started = false, m_dumped = false, m_done = false, m_first_event = true;
    bool m_truncated = false;
    uint64_t m_truncated_tick = 0;
    uint64_t m_bytes = 0;
};

}  // namespace sasim
