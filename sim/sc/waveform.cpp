// SPDX-License-Identifier: MIT
#include "sc/waveform.h"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <system_error>

#include <fmt/format.h>

#include "common/errors.h"
#include "common/output_file.h"
#include "sc/clock.h"

namespace sasim::sc {
namespace {

bool ends_with_vcd(const std::string& path) {
    return path.size() > 4 && path.compare(path.size() - 4, 4, ".vcd") == 0;
}

// sc_create_vcd_trace_file appends ".vcd" to the name it is given: the name to give it for `path`.
std::string trace_file_stem(const std::string& path) {
    return ends_with_vcd(path) ? path.substr(0, path.size() - 4) : path + ".tmp";
}

}  // namespace

void check_waveform_path(const std::string& path) {
    check_output_path(path);
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
        // The waveform is renamed into place at the end: never over a device, a FIFO or a socket.
        throw InputError(fmt::format("{}: exists and is not a regular file; --vcd needs a file path", path));
    }
    const std::string written = trace_file_stem(path) + ".vcd";
    std::ofstream f(written);
    if (!f) throw InputError(fmt::format("{}: cannot open for writing", written));
}

ScWaveform::ScWaveform(sc_core::sc_module_name name, const std::string& path)
    : sc_core::sc_module(name), m_path(path), m_written(trace_file_stem(path) + ".vcd") {
    m_file = sc_core::sc_create_vcd_trace_file(trace_file_stem(path).c_str());
    // Whole cycles at n ns, the DMA engine's half cycles at n.5 ns.
    m_file->set_time_unit(100, sc_core::SC_PS);
    sc_core::sc_trace(m_file, layer, "model.layer");
    sc_core::sc_trace(m_file, m_dispatched, "model.dispatch.dispatched");
    sc_core::sc_trace(m_file, m_dispatch_blocked, "model.dispatch.blocked");
    for (Unit u : {Unit::Load, Unit::Execute, Unit::Store}) {
        const UnitWave& w = unit(u);
        const std::string p = std::string("model.") + to_string(u) + ".";
        sc_core::sc_trace(m_file, w.queue, p + "queue");
        sc_core::sc_trace(m_file, w.head, p + "head");
        sc_core::sc_trace(m_file, w.instr, p + "instr");
        sc_core::sc_trace(m_file, w.busy, p + "busy");
        sc_core::sc_trace(m_file, w.issued, p + "issued");
        sc_core::sc_trace(m_file, w.retired, p + "retired");
    }
    sc_core::sc_trace(m_file, token_load_to_execute, "model.tokens.load_to_execute");
    sc_core::sc_trace(m_file, token_execute_to_load, "model.tokens.execute_to_load");
    sc_core::sc_trace(m_file, token_execute_to_store, "model.tokens.execute_to_store");
    sc_core::sc_trace(m_file, token_store_to_execute, "model.tokens.store_to_execute");
    sc_core::sc_trace(m_file, dma_rows_waiting, "model.dma.rows_waiting");
    sc_core::sc_trace(m_file, dma_reads_in_flight, "model.dma.reads_in_flight");
    sc_core::sc_trace(m_file, dma_writes_in_flight, "model.dma.writes_in_flight");
    SC_METHOD(apply_due);
    sensitive << m_wake;
    dont_initialize();
}

ScWaveform::~ScWaveform() {
    if (m_file == nullptr) return;
    sc_core::sc_close_vcd_trace_file(m_file);
    m_file = nullptr;
    if (m_written != m_path) std::rename(m_written.c_str(), m_path.c_str());
}

void ScWaveform::close() {
    if (m_file == nullptr) return;
    sc_core::sc_close_vcd_trace_file(m_file);
    m_file = nullptr;
    if (m_written != m_path && std::rename(m_written.c_str(), m_path.c_str()) != 0) {
        throw InputError(fmt::format("{}: cannot move the waveform {} there", m_path, m_written));
    }
}

void ScWaveform::schedule(uint64_t cycle, int* value, int delta, UnitWave* retire) {
    const Change c{cycle, m_seq++, value, delta, retire};
    const sc_core::sc_time at = cycles(cycle);
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    if (at <= now) {
        apply(c);
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
    if (!m_pending.empty()) m_wake.notify(cycles(m_pending.top().cycle) - now);
}

}  // namespace sasim::sc
