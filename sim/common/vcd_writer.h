// SPDX-License-Identifier: MIT
// A VCD (IEEE 1364 value change dump) writer for integer and bit signals sampled by the caller, with a
// window and a size cap (`sasim run --vcd`, docs/waveforms.md). Plain C++: the SystemC waveform module
// samples the model's values and hands them here; unit tests drive it directly.
#pragma once
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "common/signal_writer.h"

namespace sasim {

class VcdWriter final : public SignalWriter {
public:
    struct Options {
        std::string timescale = "1 ns";   // one tick
        uint64_t from_tick = 0;           // first tick written (the values at it are written in full)
        uint64_t to_tick = UINT64_MAX;    // ticks at or after this are not written
        uint64_t max_bytes = UINT64_MAX;  // the file stays below this size (past the header; a comment says where it stops)
        std::string top_scope = "SystemC";
    };
    VcdWriter(std::ostream& out, Options opt);

    // Declares a signal before the first sample: `path` is dot-separated ("model.load.queue", scopes then
    // the name), `bits` is 1 (a bit) or 32 (a signed integer, two's complement). Returns its index.
    size_t add_signal(const std::string& path, unsigned bits) override;

    // The values of every signal (in add_signal order) after the events of tick `tick`. Ticks must not go
    // back. Writes the header on the first call, then the changes since the last sample written.
    void sample(uint64_t tick, const std::vector<int32_t>& values) override;

    // Ends the file (writes the header if nothing was sampled). Further samples are ignored.
    void finish() override;

    bool truncated() const override { return m_truncated; }       // the size cap was reached
    uint64_t truncated_at_tick() const override { return m_truncated_tick; }
    uint64_t bytes_written() const override { return m_bytes; }

private:
    struct Signal {
        std::vector<std::string> scopes;
        std::string name;
        unsigned bits = 32;
        std::string id;
    };
    void write(const std::string& text);
    void header();
    static std::string value_text(const Signal& s, int32_t v);

    std::ostream& m_out;
    Options m_opt;
    std::vector<Signal> m_signals;
    std::vector<int32_t> m_last;  // the values last written
    bool m_started = false;       // header written
    bool m_dumped = false;        // the window's first full dump written
    bool m_done = false;          // finished, truncated, or past the window
    bool m_truncated = false;
    uint64_t m_truncated_tick = 0;
    uint64_t m_bytes = 0;
};

}  // namespace sasim
