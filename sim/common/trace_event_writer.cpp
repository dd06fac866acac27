// SPDX-License-Identifier: MIT
#include "common/trace_event_writer.h"

#include <stdexcept>

#include <fmt/format.h>

namespace sasim {
namespace {

// room kept for the closing "otherData" object
constexpr uint64_t kClosingBytes = 200;

// A JSON string literal of `s` (labels are disassembly: printable ASCII, but escape anyway).
std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        } else {
            out += c;
        }
    }
    return out + "\"";
}

}  // namespace

TraceEventWriter::TraceEventWriter(std::ostream& out, Options opt) : m_out(out), m_opt(std::move(opt)) {
    m_frac_digits = 0;
    uint64_t t = m_opt.ticks_per_us;
    while (t > 1 && t % 10 == 0) {
        t /= 10;
        ++m_frac_digits;
    }
    if (t != 1) throw std::logic_error("TraceEventWriter: ticks_per_us must be a power of ten");
}

std::string TraceEventWriter::micros(uint64_t tick) const {
    if (m_frac_digits == 0) return std::to_string(tick);
    return fmt::format("{}.{:0{}}", tick / m_opt.ticks_per_us, tick % m_opt.ticks_per_us, m_frac_digits);
}

size_t TraceEventWriter::add_signal(const std::string& path, unsigned bits) {
    if (m_started) throw std::logic_error("TraceEventWriter::add_signal after the first sample");
    if (bits != 1 && bits != 32) throw std::logic_error("TraceEventWriter::add_signal: bits must be 1 or 32");
    m_names.push_back(path);
    return m_names.size() - 1;
}

void TraceEventWriter::start() {
    m_started = true;
    const std::string head = "{\"displayTimeUnit\": \"ns\", \"traceEvents\": [\n";
    m_out << head;
    m_bytes += head.size();
    event(fmt::format("{{\"ph\": \"M\", \"pid\": 1, \"name\": \"process_name\", \"args\": {{\"name\": {}}}}}",
                      quoted(m_opt.process)), 0);
}

bool TraceEventWriter::event(const std::string& json, uint64_t tick) {
    if (m_done) return false;
    const uint64_t size = json.size() + (m_first_event ? 0 : 2);  // the ",\n" before all but the first
    if (m_bytes + size + kClosingBytes > m_opt.max_bytes) {
        m_truncated = true;
        m_truncated_tick = tick;
        m_done = true;
        return false;
    }
    if (!m_first_event) m_out << ",\n";
    m_out << json;
    m_first_event = false;
    m_bytes += size;
    return true;
}

void TraceEventWriter::sample(uint64_t tick, const std::vector<int32_t>& values) {
    if (values.size() != m_names.size()) throw std::logic_error("TraceEventWriter::sample: one value per signal");
    if (!m_started) start();
    if (m_done || tick < m_opt.from_tick || tick >= m_opt.to_tick) return;
    for (size_t i = 0; i < values.size(); ++i) {
        if (m_dumped && values[i] == m_last[i]) continue;
        if (!event(fmt::format("{{\"ph\": \"C\", \"pid\": 1, \"name\": {}, \"ts\": {}, \"args\": {{\"value\": {}}}}}",
                               quoted(m_names[i]), micros(tick), values[i]), tick)) {
            return;
        }
    }
    m_last = values;
    m_dumped = true;
}

int TraceEventWriter::track(const std::string& unit, uint64_t issue_tick, uint64_t retire_tick) {
    UnitTracks& u = m_units[unit];
    size_t t = 0;
    while (t < u.busy_until.size() && u.busy_until[t] > issue_tick) ++t;
    if (t == u.busy_until.size()) {
        u.busy_until.push_back(0);
        u.tid.push_back(m_next_tid++);
        // Tracks sort by name in the viewer: the number keeps a unit's tracks together and in order.
        event(fmt::format("{{\"ph\": \"M\", \"pid\": 1, \"tid\": {}, \"name\": \"thread_name\", \"args\": "
                          "{{\"name\": \"{} {}\"}}}}", u.tid[t], unit, t), issue_tick);
        event(fmt::format("{{\"ph\": \"M\", \"pid\": 1, \"tid\": {}, \"name\": \"thread_sort_index\", \"args\": "
                          "{{\"sort_index\": {}}}}}", u.tid[t], u.tid[t]), issue_tick);
    }
    u.busy_until[t] = retire_tick;
    return u.tid[t];
}

void TraceEventWriter::instruction(const std::string& unit, uint64_t layer, uint64_t index, const std::string& label,
                                   uint64_t issue_tick, uint64_t retire_tick) {
    if (!m_started) start();
    // Tracks are assigned for every instruction, in or out of the window, so that they do not depend on it.
    const int tid = track(unit, issue_tick, retire_tick);
    if (m_done || retire_tick < m_opt.from_tick || issue_tick >= m_opt.to_tick) return;
    event(fmt::format("{{\"ph\": \"X\", \"pid\": 1, \"tid\": {}, \"name\": {}, \"ts\": {}, \"dur\": {}, "
                      "\"args\": {{\"layer\": {}, \"index\": {}}}}}",
                      tid, quoted(label), micros(issue_tick), micros(retire_tick - issue_tick), layer, index),
          issue_tick);
}

void TraceEventWriter::counter(const std::string& name, uint64_t tick, double value) {
    if (!m_started) start();
    if (m_done || tick < m_opt.from_tick || tick >= m_opt.to_tick) return;
    event(fmt::format("{{\"ph\": \"C\", \"pid\": 1, \"name\": {}, \"ts\": {}, \"args\": {{\"value\": {}}}}}", quoted(name),
                      micros(tick), value),
          tick);
}

void TraceEventWriter::finish() {
    if (!m_started) start();
    m_done = true;
    const std::string tail = fmt::format(
        "\n], \"otherData\": {{\"time\": \"1 cycle = 1 ns\", \"truncated\": {}, \"truncated_at_us\": {}}}}}\n",
        m_truncated ? "true" : "false", m_truncated ? micros(m_truncated_tick) : std::string("null"));
    m_out << tail;
    m_bytes += tail.size();
    m_out.flush();
}

}  // namespace sasim
