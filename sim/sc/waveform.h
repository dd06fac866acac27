// SPDX-License-Identifier: MIT
// The VCD waveform of the model's main state (RunOptions::vcd_path, `sasim run --vcd`; docs/waveforms.md):
// queue occupancies, what each unit holds and has issued and retired, usable dependency tokens, the DMA
// buffers, the layer. The values are plain variables read by reference (watch()); whoever changes one calls
// touch(), and the values are sampled 50 ps later, after every process of that time step has run, and
// handed to a VcdWriter (common/vcd_writer.h: window and size cap), so a value shows from the time step in
// which it was set. Units act at whole cycles (cycle c = c ns) and the DMA engine at c + 0.5 ns, so the
// trace time unit is 100 ps and a change the DMA engine makes in cycle c shows at c.5 ns.
//
// Contract: which change lands at which cycle.
// - dispatch.dispatched, <unit>.queue +1: the cycle dispatch puts the instruction into the queue.
// - dispatch.blocked: 1 from the cycle dispatch finds the queue full, 0 in the cycle it writes.
// - <unit>.queue -1 and <unit>.head: the cycle the unit takes the instruction into its head register
//   (with an idle unit, the dispatch cycle itself, so the queue count does not move).
// - <unit>.issued, <unit>.instr, <unit>.busy = 1, <unit>.head = -1: the issue cycle (EXECUTE: its issue;
//   LOAD/STORE: the hand-over to the DMA engine), as in --retire-log.
// - <unit>.retired (and busy = 0, instr = -1 when nothing else of that unit is in flight): the retire
//   cycle of --retire-log. It is computed ahead (EXECUTE at issue, LOAD/STORE by the DMA engine) and
//   applied at its cycle by this module's event queue.
// - tokens.*: +1 at the cycle the token becomes usable (docs/timing.md, "Tokens"; applied by the event
//   queue, since producers push tokens ahead), -1 at the cycle the consumer takes it.
// - dma.read_buffer_rows, dma.rows_waiting, dma.store_buffer_rows: at c.5 for the DMA's cycle c.
// - dma.reads_in_flight, dma.writes_in_flight: +1 at c.5 when the request issues in cycle c, -1 at the
//   (whole) cycle it completes.
// - layer: the start cycle of each simulated layer.
// Counters count from the start of the run (with one layer: that layer's counts).
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include <systemc>

#include "common/output_file.h"
#include "common/signal_writer.h"
#include "compiler/isa.h"

namespace sasim::sc {

// What the waveform shows of one unit (load, execute or store).
struct UnitWave {
    int queue = 0;       // entries waiting in the unit's instruction queue (the head register not counted)
    int head = -1;       // instruction in the head register, not issued yet (-1: none)
    int instr = -1;      // the latest issued instruction while any of the unit's is in flight (-1: idle)
    bool busy = false;   // an issued instruction of this unit has not retired yet
    int issued = 0;      // instructions issued since the run started
    int retired = 0;     // instructions retired since the run started
};

// What part of the run --vcd (or --trace) writes, and in which format.
struct WaveformOptions {
    enum class Format { Vcd, TraceEvents };
    Format format = Format::Vcd;      // Vcd: --vcd; TraceEvents: --trace (Perfetto, common/trace_event_writer.h)
    uint64_t from_cycle = 0;          // first cycle written (all values at it, then the changes)
    uint64_t to_cycle = UINT64_MAX;   // cycles at or after this are not written
    uint64_t max_bytes = UINT64_MAX;  // the file stops before this size, with a warning on stderr
};

class ScWaveform : public sc_core::sc_module {
public:
    SC_HAS_PROCESS(ScWaveform);
    // Opens the VCD or trace file for `path` (written to a temporary file beside it and renamed into place by
    // close()) and declares this module's values. Others are declared with watch() before the simulation.
    ScWaveform(sc_core::sc_module_name name, const std::string& path, const WaveformOptions& opt);
    ~ScWaveform() override;

    // Shows `value` (read whenever the values are sampled) as signal `path` ("model.dma.read_buffer_rows").
    void watch(const std::string& path, const int& value);
    void watch(const std::string& path, const uint32_t& value);
    void watch(const std::string& path, const bool& value);
    // A watched value changed in the current time step: the values are sampled once after it (50 ps later,
    // before any unit acts again) and the changes written at the time step.
    void touch() {
        // Before the window nothing is written (window_start() samples its first cycle in full); after
        // it, nothing more.
        if (sc_core::sc_time_stamp() < m_from || sc_core::sc_time_stamp() >= m_to) return;
        m_touched = sc_core::sc_time_stamp();
        m_sample_due = true;
        m_sample.notify(sc_core::sc_time(50, sc_core::SC_PS));
    }
    // The layer being run (its index in the workload) from now on.
    void set_layer(int index) {
        layer = index;
        touch();
    }

    bool is_open() const { return m_file != nullptr; }
    // Writes the last sample, ends the file and renames it into place. Throws InputError when it cannot.
    void close();

    UnitWave& unit(Unit u) { return m_units[static_cast<int>(u)]; }

    // Dispatch put an instruction into `u`'s queue (now).
    void dispatched(Unit u) {
        ++m_dispatched;
        m_dispatch_blocked = false;
        ++unit(u).queue;
        touch();
    }
    void dispatch_blocked() {
        m_dispatch_blocked = true;
        touch();
    }
    // `u` took instruction `index` out of its queue into its head register (now).
    void taken(Unit u, uint64_t index) {
        UnitWave& w = unit(u);
        --w.queue;
        w.head = static_cast<int>(index);
        touch();
    }
    // `u` issued instruction `index` (now).
    void issued(Unit u, uint64_t index) {
        UnitWave& w = unit(u);
        ++w.issued;
        w.head = -1;
        w.instr = static_cast<int>(index);
        w.busy = true;
        touch();
    }
    // Instruction `index` of layer `layer` ran on `u` from `issue_cycle` to `retire_cycle` (a slice in a
    // trace; nothing in a VCD, whose unit signals show it). Called as the program window releases it.
    void instruction(Unit u, uint64_t layer, uint64_t index, const Instruction& in, uint64_t issue_cycle,
                     uint64_t retire_cycle);
    // A DRAM request of `bytes` completes at `complete_cycle` (issued now). A trace shows DRAM bandwidth
    // from these: counters dram.read_bytes_per_cycle and dram.write_bytes_per_cycle, each value the
    // bytes of the requests that complete in a window of kBandwidthWindowCycles, divided by its length,
    // written at the window's start once the window has passed.
    void dram_request(bool write, uint64_t complete_cycle, uint64_t bytes);
    static constexpr uint64_t kBandwidthWindowCycles = 100;
    // An instruction of `u` retires at `cycle` (now or later).
    void retire_at(uint64_t cycle, Unit u) { schedule(cycle, nullptr, 0, &unit(u)); }
    // `value += delta` at `cycle` (now if `cycle` has begun).
    void add_at(uint64_t cycle, int& value, int delta) { schedule(cycle, &value, delta, nullptr); }

    int layer = -1;              // index in the workload of the running layer (-1 before the first)
    int token_load_to_execute = 0;   // usable tokens not consumed yet, per channel
    int token_execute_to_load = 0;
    int token_execute_to_store = 0;
    int token_store_to_execute = 0;
    int token_store_to_load = 0;
    int dma_rows_waiting = 0;    // destination rows whose requests have issued, waiting to be written
    int dma_reads_in_flight = 0; // load requests issued and not complete
    int dma_writes_in_flight = 0;  // store requests issued and not complete

private:
    struct Change {
        uint64_t cycle = 0;
        uint64_t seq = 0;         // order of scheduling, among changes of one cycle
        int* value = nullptr;     // value += delta, or
        int delta = 0;
        UnitWave* retire = nullptr;  // a retirement of this unit
        bool operator>(const Change& o) const { return cycle != o.cycle ? cycle > o.cycle : seq > o.seq; }
    };
    void schedule(uint64_t cycle, int* value, int delta, UnitWave* retire);
    static void apply(const Change& c);
    void apply_due();  // SC_METHOD: applies the changes whose cycle has come
    void sample();     // SC_METHOD: writes the values after a time step in which something changed
    void window_start();  // SC_THREAD: writes every value at the window's first cycle
    void write_sample(const sc_core::sc_time& step);
    void warn_truncated();  // once, on stderr, when the writer reached the size cap
    void flush_bandwidth(uint64_t before_cycle);  // writes the bandwidth windows that end at or before it

    struct Probe {
        const void* value = nullptr;
        int kind = 0;  // 0 int, 1 uint32_t, 2 bool
    };
    std::string m_path;          // where the file must end up
    uint64_t m_max_bytes = UINT64_MAX;  // WaveformOptions::max_bytes, for the warning
    const char* m_option = "--vcd";     // the option that asked for the file, for the warning
    std::unique_ptr<OutputFile> m_file;
    std::unique_ptr<SignalWriter> m_vcd;  // a VcdWriter or a TraceEventWriter
    bool m_slices = false;        // the writer draws instructions (TraceEvents)
    std::vector<Probe> m_probes;  // in the writer's signal order
    std::vector<int32_t> m_values;
    sc_core::sc_event m_sample;
    sc_core::sc_time m_touched;   // the time step of the latest touch()
    sc_core::sc_time m_from, m_to;  // the window (WaveformOptions), as times
    bool m_sample_due = false;    // touched since the last sample
    bool m_warned = false;        // the size-cap warning was printed
    UnitWave m_units[3];
    int m_dispatched = 0;        // instructions dispatched since the run started
    bool m_dispatch_blocked = false;  // dispatch waits for a full queue
    std::priority_queue<Change, std::vector<Change>, std::greater<Change>> m_pending;
    uint64_t m_seq = 0;
    std::map<uint64_t, uint64_t> m_dram_window_bytes[2];  // trace: bytes completing per window (read, write)
    sc_core::sc_event m_wake;    // the earliest pending change is due
};

// Throws InputError when `path` cannot be written (checked before elaboration).
void check_waveform_path(const std::string& path);

}  // namespace sasim::sc
