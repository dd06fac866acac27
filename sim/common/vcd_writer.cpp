// SPDX-License-Identifier: MIT
#include "common/vcd_writer.h"

#include <stdexcept>

#include <fmt/format.h>

namespace sasim {
namespace {

// Identifiers of printable characters '!'..'~', as VCD writers usually make them.
std::string ident(size_t i) {
    std::string s;
    do {
        s += static_cast<char>('!' + i % 94);
        i /= 94;
    } while (i > 0);
    return s;
}

}  // namespace

VcdWriter::VcdWriter(std::ostream& out, Options opt) : m_out(out), m_opt(std::move(opt)) {}

size_t VcdWriter::add_signal(const std::string& path, unsigned bits) {
    if (m_started) throw std::logic_error("VcdWriter::add_signal after the first sample");
    if (bits != 1 && bits != 32) throw std::logic_error("VcdWriter::add_signal: bits must be 1 or 32");
    Signal s;
    size_t at = 0;
    for (size_t dot = path.find('.'); dot != std::string::npos; dot = path.find('.', at)) {
        s.scopes.push_back(path.substr(at, dot - at));
        at = dot + 1;
    }
    s.name = path.substr(at);
    s.bits = bits;
    s.id = ident(m_signals.size());
    m_signals.push_back(std::move(s));
    return m_signals.size() - 1;
}

void VcdWriter::write(const std::string& text) {
    m_out << text;
    m_bytes += text.size();
}

std::string VcdWriter::value_text(const Signal& s, int32_t v) {
    if (s.bits == 1) return fmt::format("{}{}\n", v != 0 ? 1 : 0, s.id);
    return fmt::format("b{:b} {}\n", static_cast<uint32_t>(v), s.id);
}

void VcdWriter::header() {
    m_started = true;
    std::string h = fmt::format("$timescale\n     {}\n$end\n\n$scope module {} $end\n", m_opt.timescale,
                                m_opt.top_scope);
    // Signals in order of declaration, grouped by scope as they come (consecutive signals share scopes).
    std::vector<std::string> open;
    for (const Signal& s : m_signals) {
        size_t common = 0;
        while (common < open.size() && common < s.scopes.size() && open[common] == s.scopes[common]) ++common;
        while (open.size() > common) {
            h += "$upscope $end\n";
            open.pop_back();
        }
        for (size_t i = common; i < s.scopes.size(); ++i) {
            h += fmt::format("$scope module {} $end\n", s.scopes[i]);
            open.push_back(s.scopes[i]);
        }
        if (s.bits == 1) h += fmt::format("$var wire 1 {} {} $end\n", s.id, s.name);
        else h += fmt::format("$var wire 32 {} {} [31:0] $end\n", s.id, s.name);
    }
    for (size_t i = 0; i < open.size(); ++i) h += "$upscope $end\n";
    h += "$upscope $end\n$enddefinitions $end\n";
    if (m_opt.from_tick > 0 || m_opt.to_tick != UINT64_MAX) {
        h += fmt::format("$comment window: ticks {} to {} $end\n", m_opt.from_tick,
                         m_opt.to_tick == UINT64_MAX ? std::string("the end") : std::to_string(m_opt.to_tick));
    }
    write(h);
}

void VcdWriter::sample(uint64_t tick, const std::vector<int32_t>& values) {
    if (values.size() != m_signals.size()) throw std::logic_error("VcdWriter::sample: one value per signal");
    if (!m_started) header();
    if (m_done || tick < m_opt.from_tick) return;
    if (tick >= m_opt.to_tick) {
        m_done = true;
        return;
    }
    std::string block = fmt::format("#{}\n", tick);
    if (!m_dumped) {
        block += "$dumpvars\n";
        for (size_t i = 0; i < values.size(); ++i) block += value_text(m_signals[i], values[i]);
        block += "$end\n";
    } else {
        for (size_t i = 0; i < values.size(); ++i) {
            if (values[i] != m_last[i]) block += value_text(m_signals[i], values[i]);
        }
        if (block.size() == fmt::formatted_size("#{}\n", tick)) return;  // nothing changed
    }
    constexpr uint64_t kCommentBytes = 160;  // room kept for the comment that says where the file stops
    if (m_bytes + block.size() + kCommentBytes > m_opt.max_bytes) {
        m_truncated = true;
        m_truncated_tick = tick;
        m_done = true;
        write(fmt::format("$comment truncated: the next change (tick {}) would pass the size cap of {} bytes $end\n",
                          tick, m_opt.max_bytes));
        return;
    }
    write(block);
    m_last = values;
    m_dumped = true;
}

void VcdWriter::finish() {
    if (!m_started) header();
    m_done = true;
    m_out.flush();
}

}  // namespace sasim
