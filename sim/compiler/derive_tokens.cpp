// SPDX-License-Identifier: MIT
// Token derivation from buffer use (docs/mapper.md, "Tokens").
//
// Each of the five token channels is a FIFO: the k-th instruction that waits consumes the k-th token
// pushed. For every instruction we find the one earlier instruction of the neighbouring unit it depends on
// (the last writer of what it reads, or the last reader of what it overwrites). Along a channel those
// producers must be waited for in increasing order. An instruction whose producer is not later than the
// last producer already waited for on that channel needs no token: its unit is in order, the earlier wait
// already covers it (loads and stores retire, executes finish reading and retire, in program order).
#include <algorithm>
#include <stdexcept>

#include "compiler/mapping.h"

namespace sasim {

bool TokenDeriver::Channel::need(int64_t producer) {
    if (producer <= waited) return false;
    waited = producer;
    return true;
}

Instruction& TokenDeriver::held(int64_t index) {
    if (index < static_cast<int64_t>(m_base)) throw std::logic_error("derive_tokens: a producer already released");
    return m_held[static_cast<size_t>(index - static_cast<int64_t>(m_base))];
}

void TokenDeriver::add(Instruction in, const BufferUse& u) {
    in.wait_prev = in.wait_next = in.signal_prev = in.signal_next = false;
    const int64_t self = static_cast<int64_t>(m_base + m_held.size());
    auto check_backwards = [self](int64_t producer) {
        if (producer >= self) throw std::logic_error("derive_tokens: dependency points forwards");
    };
    switch (unit_of(in.op)) {
        case Unit::Load: {
            BufState& b = m_bufs[u.writes];
            if (in.dst == LocalMem::Accumulator) {
                // WAR on an accumulator slot: the STORE that read it pushes a store->load token.
                if (b.last_store_reader >= 0 && m_s2l.need(b.last_store_reader)) {
                    check_backwards(b.last_store_reader);
                    in.wait_prev = true;
                    held(b.last_store_reader).signal_next = true;
                }
                b.last_writer = self;
                b.accumulator = false;  // the EXECUTEs adding to it wait for a load->execute token
                b.last_store_reader = -1;
                break;
            }
            if (b.last_exec_reader >= 0 && m_e2l.need(b.last_exec_reader)) {  // WAR on the scratchpad
                check_backwards(b.last_exec_reader);
                in.wait_next = true;
                held(b.last_exec_reader).signal_prev = true;
            }
            b.last_writer = self;
            b.accumulator = false;
            b.last_exec_reader = -1;
            break;
        }
        case Unit::Execute: {
            int64_t producer = -1;
            for (int64_t r : u.reads) {
                if (r >= 0) producer = std::max(producer, m_bufs[r].last_writer);
            }
            {
                const BufState& acc = m_bufs[u.writes];
                if (!acc.accumulator) producer = std::max(producer, acc.last_writer);  // a LOAD into the accumulator
            }
            if (producer >= 0 && m_l2e.need(producer)) {  // RAW on the scratchpad (or the accumulator)
                in.wait_prev = true;
                held(producer).signal_next = true;
            }
            for (int64_t r : u.reads) {
                if (r >= 0) m_bufs[r].last_exec_reader = self;
            }
            BufState& acc = m_bufs[u.writes];
            if (acc.last_store_reader >= 0 && m_s2e.need(acc.last_store_reader)) {  // WAR on the accumulator
                in.wait_next = true;
                held(acc.last_store_reader).signal_prev = true;
            }
            acc.last_writer = self;
            acc.accumulator = true;
            acc.last_store_reader = -1;
            break;
        }
        case Unit::Store: {
            BufState& acc = m_bufs[u.reads[0]];
            if (acc.last_writer >= 0 && m_e2s.need(acc.last_writer)) {  // RAW on the accumulator
                in.wait_prev = true;
                held(acc.last_writer).signal_next = true;
            }
            acc.last_store_reader = self;
            break;
        }
    }
    m_held.push_back(in);
}

uint64_t TokenDeriver::open_from() const {
    // A producer can still be signalled only while it is some buffer's current writer or reader and later
    // than what its channel has waited for.
    int64_t first = static_cast<int64_t>(m_base + m_held.size());
    for (const auto& [id, b] : m_bufs) {
        if (b.last_writer > (b.accumulator ? m_e2s.waited : m_l2e.waited)) first = std::min(first, b.last_writer);
        if (b.last_exec_reader > m_e2l.waited) first = std::min(first, b.last_exec_reader);
        // A STORE may still be asked for a store->execute token and a store->load one.
        if (b.last_store_reader > std::min(m_s2e.waited, m_s2l.waited)) first = std::min(first, b.last_store_reader);
    }
    return static_cast<uint64_t>(std::max<int64_t>(first, static_cast<int64_t>(m_base)));
}

void TokenDeriver::take_final(std::vector<Instruction>& out) {
    // open_from() scans every buffer: look only once enough instructions are held, so that its cost per
    // instruction stays constant however many buffers a mapping has (or however long one stays open).
    if (m_held.size() < m_scan_at) return;
    const uint64_t end = open_from();
    while (m_base < end) {
        out.push_back(m_held.front());
        m_held.pop_front();
        ++m_base;
    }
    // Twice what is still held: a producer that stays open long costs a scan per doubling, not per call.
    m_scan_at = m_scan_every == 1 ? 1 : std::max<size_t>(m_scan_every, 2 * m_held.size());
}

void TokenDeriver::take_all(std::vector<Instruction>& out) {
    out.insert(out.end(), m_held.begin(), m_held.end());
    m_base += m_held.size();
    m_held.clear();
}

void derive_tokens(Program& prog, const std::vector<BufferUse>& uses) {
    if (uses.size() != prog.instrs.size()) throw std::logic_error("derive_tokens: one BufferUse per instruction");
    TokenDeriver d;
    for (size_t i = 0; i < prog.instrs.size(); ++i) d.add(prog.instrs[i], uses[i]);
    prog.instrs.clear();
    d.take_all(prog.instrs);
}

}  // namespace sasim
