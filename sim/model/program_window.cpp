// SPDX-License-Identifier: MIT
#include "model/program_window.h"

#include <stdexcept>

#include <fmt/format.h>

#include "common/errors.h"

namespace sasim::model {

void ProgramWindow::reset(InstructionSource* src, ReleaseFn on_release, bool keep_all) {
    m_src = src;
    m_on_release = std::move(on_release);
    m_keep_all = keep_all;
    m_slots.clear();
    m_base = 0;
    m_retired = 0;
    m_ended = false;
    m_per_unit[0] = m_per_unit[1] = m_per_unit[2] = 0;
    m_peak_held = 0;
}

ProgramWindow::Slot& ProgramWindow::slot(uint64_t i) {
    if (i < m_base || i >= fetched()) {
        throw SimulationError(fmt::format("program window: instruction {} is not held (held: {} to {})", i, m_base,
                                          fetched()));
    }
    return m_slots[static_cast<size_t>(i - m_base)];
}

const ProgramWindow::Slot& ProgramWindow::slot(uint64_t i) const {
    return const_cast<ProgramWindow*>(this)->slot(i);
}

bool ProgramWindow::fetch(uint64_t i) {
    release_retired();
    while (i >= fetched()) {
        if (m_ended || m_src == nullptr) {
            m_ended = true;
            return false;
        }
        m_pull.clear();
        if (!m_src->next(m_pull)) {
            m_ended = true;
            return false;
        }
        for (const Instruction& in : m_pull) {
            ++m_per_unit[static_cast<int>(unit_of(in.op))];
            m_slots.push_back(Slot{in});
        }
        if (m_slots.size() > m_peak_held) m_peak_held = m_slots.size();
    }
    return true;
}

void ProgramWindow::retire(uint64_t i, uint64_t cycle) {
    release_retired();
    Slot& s = slot(i);
    if (s.done) throw SimulationError(fmt::format("program window: instruction {} retired twice", i));
    s.done = true;
    s.retire = cycle;
    ++m_retired;
}

void ProgramWindow::release_retired() {
    if (m_keep_all) return;
    while (!m_slots.empty() && m_slots.front().done) {
        const Slot& f = m_slots.front();
        if (m_on_release) m_on_release(m_base, f.in, f.issue, f.retire);
        m_slots.pop_front();
        ++m_base;
    }
}

void ProgramWindow::finish() {
    if (m_on_release) {
        uint64_t i = m_base;
        for (const Slot& s : m_slots) m_on_release(i++, s.in, s.issue, s.retire);
    }
    if (!m_keep_all) {
        m_base += m_slots.size();
        m_slots.clear();
    }
}

Program ProgramWindow::kept_program() const {
    if (!m_keep_all) throw std::logic_error("ProgramWindow::kept_program without keep_all");
    Program p;
    p.convs = m_src->convs();
    p.instrs.reserve(m_slots.size());
    for (const Slot& s : m_slots) p.instrs.push_back(s.in);
    return p;
}

std::vector<uint64_t> ProgramWindow::kept_issue() const {
    std::vector<uint64_t> out;
    out.reserve(m_slots.size());
    for (const Slot& s : m_slots) out.push_back(s.issue);
    return out;
}

std::vector<uint64_t> ProgramWindow::kept_retire() const {
    std::vector<uint64_t> out;
    out.reserve(m_slots.size());
    for (const Slot& s : m_slots) out.push_back(s.retire);
    return out;
}

}  // namespace sasim::model
