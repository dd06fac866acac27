// SPDX-License-Identifier: MIT
#include "sc/waveform.h"

#include <sys/stat.h>

#include <cstdio>

#include <fmt/format.h>

#include "common/errors.h"
#include "common/output_file.h"
#include "common/trace_event_writer.h"
#include "common/vcd_writer.h"
#include "sc/clock.h"

namespace sasim::sc {

void check_waveform_path(const std::string& path) {
    check_output_path(path);
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
        // The waveform is renamed into place at the end: never over a device, a FIFO or a socket.
        throw InputError(fmt::format("{}: exists and is not a regular file; --vcd and --trace need a file path", path));
    }
}

ScWaveform::ScWaveform(sc_core::sc_module_name name, const std::string& path, const WaveformOptions& opt)
    : sc_core::sc_module(name), m_path(path), m_max_bytes(opt.max_bytes), m_file(std::make_unique<OutputFile>(path)) {
    // Ticks of 100 ps: whole cycles at n ns, the DMA engine's half cycles at n.5 ns.
    const uint64_t from_tick = opt.from_cycle > UINT64_MAX / 10 ? UINT64_MAX : opt.from_cycle * 10;
    const uint64_t to_tick = opt.to_cycle > UINT64_MAX / 10 ? UINT64_MAX : opt.to_cycle * 10;
    if (opt.format == WaveformOptions::Format::Vcd) {
        VcdWriter::Options w;
        w.timescale = "100 ps";
        w.from_tick = from_tick;
        w.to_tick = to_tick;
        w.max_bytes = opt.max_bytes;
        m_vcd = std::make_unique<VcdWriter>(m_file->stream(), w);
    } else {
        TraceEventWriter::Options w;
        w.ticks_per_us = 10000;
        w.from_tick = from_tick;
        w.to_tick = to_tick;
        w.max_bytes = opt.max_bytes;
        m_vcd = std::make_unique<TraceEventWriter>(m_file->stream(), w);
        m_slices = true;
    }
    m_option = opt.format == WaveformOptions::Format::Vcd ? "--vcd" : "--trace";
    m_from = cycles(std::min<uint64_t>(opt.from_cycle, uint64_t{1} << 52));
    m_to = cycles(std::min<uint64_t>(opt.to_cycle, uint64_t{1} << 52));
    watch("model.layer", layer);
    watch("model.dispatch.dispatched", m_dispatched);
    watch("model.dispatch.blocked", m_dispatch_blocked);
    for (Unit u : {Unit::Load, Unit::Execute, Unit::Store}) {
        const UnitWave& uw = unit(u);
        const std::string p = std::string("model.") + to_string(u) + ".";
        watch(p + "queue", uw.queue);
        watch(p + "head", uw.head);
        watch(p + "instr", uw.instr);
        watch(p + "busy", uw.busy);
        watch(p + "issued", uw.issued);
        watch(p + "retired", uw.retired);
    }
    watch("model.tokens.load_to_execute", token_load_to_execute);
    watch("model.tokens.execute_to_load", token_execute_to_load);
    watch("model.tokens.execute_to_store", token_execute_to_store);
    watch("model.tokens.store_to_execute", token_store_to_execute);
    watch("model.tokens.store_to_load", token_store_to_load);
    watch("model.dma.rows_waiting", dma_rows_waiting);
    watch("model.dma.reads_in_flight", dma_reads_in_flight);
    watch("model.dma.writes_in_flight", dma_writes_in_flight);
    SC_METHOD(apply_due);
    sensitive << m_wake;
    dont_initialize();
    SC_METHOD(sample);
    sensitive << m_sample;
    dont_initialize();
    if (opt.from_cycle > 0) SC_THREAD(window_start);
}

void ScWaveform::window_start() {
    sc_core::wait(m_from + sc_core::sc_time(50, sc_core::SC_PS));  // after every event of the first cycle
    m_touched = m_from;
    m_sample_due = false;
    write_sample(m_from);
}

// Without close() (an error unwinding): OutputFile removes the temporary file.
ScWaveform::~ScWaveform() = default;

void ScWaveform::watch(const std::string& path, const int& value) {
    m_vcd->add_signal(path, 32);
    m_probes.push_back({&value, 0});
}
void ScWaveform::watch(const std::string& path, const uint32_t& value) {
    m_vcd->add_signal(path, 32);
    m_probes.push_back({&value, 1});
}
void ScWaveform::watch(const std::string& path, const bool& value) {
    m_vcd->add_signal(path, 1);
    m_probes.push_back({&value, 2});
}

void ScWaveform::sample() {
    // Runs 50 ps after the time step whose changes it writes.
    m_sample_due = false;
    write_sample(m_touched);
}

void ScWaveform::write_sample(const sc_core::sc_time& step) {
    if (!m_vcd) return;
    m_values.resize(m_probes.size());
    for (size_t i = 0; i < m_probes.size(); ++i) {
        const Probe& p = m_probes[i];
        switch (p.kind) {
            case 0: m_values[i] = *static_cast<const int*>(p.value); break;
            case 1: m_values[i] = static_cast<int32_t>(*static_cast<const uint32_t*>(p.value)); break;
            default: m_values[i] = *static_cast<const bool*>(p.value) ? 1 : 0; break;
        }
    }
    const uint64_t tick = step.value() / sc_core::sc_time(100, sc_core::SC_PS).value();
    m_vcd->sample(tick, m_values);
    flush_bandwidth(tick / 10);
    if (m_vcd->truncated()) warn_truncated();
}

void ScWaveform::warn_truncated() {
    if (m_warned) return;
    m_warned = true;
    std::fprintf(stderr, "sasim: warning: %s reached the %s-max-size of %llu bytes at cycle %llu: the "
                 "file stops there (use %s-window or a larger %s-max-size)\n", m_path.c_str(), m_option,
                 static_cast<unsigned long long>(m_max_bytes), static_cast<unsigned long long>(m_vcd->truncated_at_tick() / 10),
                 m_option, m_option);
}

void ScWaveform::instruction(Unit u, uint64_t layer, uint64_t index, const Instruction& in, uint64_t issue_cycle,
                             uint64_t retire_cycle) {
    if (!m_slices || !m_vcd) return;
    const bool was_truncated = m_vcd->truncated();
    m_vcd->instruction(to_string(u), layer, index, disassemble(in), issue_cycle * 10, retire_cycle * 10);
    if (!was_truncated && m_vcd->truncated()) warn_truncated();
}

void ScWaveform::dram_request(bool write, uint64_t complete_cycle, uint64_t bytes) {
    if (!m_slices) return;
    m_dram_window_bytes[write ? 1 : 0][complete_cycle / kBandwidthWindowCycles] += bytes;
}

void ScWaveform::flush_bandwidth(uint64_t before_cycle) {
    if (!m_slices || !m_vcd) return;
    static const char* const names[2] = {"dram.read_bytes_per_cycle", "dram.write_bytes_per_cycle"};
    for (int d = 0; d < 2; ++d) {
        auto& windows = m_dram_window_bytes[d];
        while (!windows.empty() && (windows.begin()->first + 1) * kBandwidthWindowCycles <= before_cycle) {
            const auto [w, bytes] = *windows.begin();
            const uint64_t start = w * kBandwidthWindowCycles;
            // Back to 0 at the end of the window unless the next window has traffic of its own.
            m_vcd->counter(names[d], start * 10, static_cast<double>(bytes) / kBandwidthWindowCycles);
            windows.erase(windows.begin());
            if (windows.empty() || windows.begin()->first != w + 1) {
                m_vcd->counter(names[d], (start + kBandwidthWindowCycles) * 10, 0);
            }
        }
    }
}

void ScWaveform::close() {
    if (!m_file) return;
    flush_bandwidth(UINT64_MAX);
    // A time step whose sample is still pending (the run ended inside it) is written now.
    if (m_sample_due) {
        m_sample_due = false;
        write_sample(m_touched);
    }
    m_vcd->finish();
    m_vcd.reset();
    std::unique_ptr<OutputFile> f = std::move(m_file);
    f->commit();
}

void ScWaveform::schedule(uint64_t cycle, int* value, int delta, UnitWave* retire) {
    const Change c{cycle, m_seq++, value, delta, retire};
    const sc_core::sc_time at = cycles(cycle);
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    if (at <= now) {
        apply(c);
        touch();
        return;
    }
    m_pending.push(c);
    // An earlier timed notification replaces a later pending one.
    if (m_pending.top().seq == c.seq) m_wake.notify(at - now);
}

void ScWaveform::apply(const Change& c) {
    if (c.retire == nullptr) {
        *c.value += c.delta;
        return;
    }
    UnitWave& w = *c.retire;
    ++w.retired;
    if (w.retired == w.issued) {
        w.busy = false;
        w.instr = -1;
    }
}

void ScWaveform::apply_due() {
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    while (!m_pending.empty() && cycles(m_pending.top().cycle) <= now) {
        apply(m_pending.top());
        m_pending.pop();
    }
    touch();
    if (!m_pending.empty()) m_wake.notify(cycles(m_pending.top().cycle) - now);
}

}  // namespace sasim::sc
