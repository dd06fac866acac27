// SPDX-License-Identifier: MIT
// The part of a running layer's program the machine can still touch: instructions are pulled from the
// layer's InstructionSource as the dispatcher reaches them, and released, in program order, once they and
// every earlier one have retired. A layer then holds about as many instructions as are in flight, whatever
// its length (docs/reliability.md, "Resource guards"). Plain C++; the SystemC units reach it through
// LayerContext.
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include "compiler/instruction_source.h"

namespace sasim::model {

class ProgramWindow {
public:
    // Called for each instruction as it is released, in program order, with its absolute cycles.
    using ReleaseFn = std::function<void(uint64_t index, const Instruction& in, uint64_t issue_cycle,
                                         uint64_t retire_cycle)>;

    // Starts a program. `src` must outlive the layer. `keep_all`: release nothing (kept() then gives the
    // whole program and its cycles after the layer, for layer traces); `on_release` may be empty.
    void reset(InstructionSource* src, ReleaseFn on_release = {}, bool keep_all = false);

    // The dispatcher: whether instruction i exists, pulling from the source as needed. Indices are asked in
    // increasing order; a false answer means the program has ended (ended() is then true).
    bool fetch(uint64_t i);
    bool holds(uint64_t i) const { return i >= m_base && i < fetched(); }
    // Instruction i, fetched and not released (references stay valid until it is released).
    const Instruction& at(uint64_t i) const { return slot(i).in; }
    void set_issue(uint64_t i, uint64_t cycle) { slot(i).issue = cycle; }
    uint64_t issue(uint64_t i) const { return slot(i).issue; }
    // Records instruction i's retire. The retired prefix before this call is released now (i itself at the
    // next retire() or fetch() at the earliest, so its unit may still read it right after retiring it).
    void retire(uint64_t i, uint64_t cycle);

    // The program's LoadIm2col tables (InstructionSource::convs).
    const std::vector<ConvGeometry>& convs() const { return m_src->convs(); }
    bool ended() const { return m_ended; }
    uint64_t fetched() const { return m_base + m_slots.size(); }  // instructions pulled so far
    uint64_t retired() const { return m_retired; }
    // Whether every instruction of the program has retired (only known once the dispatcher saw the end).
    bool all_retired() const { return m_ended && m_retired == fetched(); }
    // Instructions pulled so far, by unit (Unit's order: load, execute, store).
    const uint64_t* per_unit() const { return m_per_unit; }
    uint64_t peak_held() const { return m_peak_held; }  // most instructions held at once

    // After the layer: hands every instruction still held to on_release, in order (keep_all: all of them).
    void finish();
    // The program's instruction count (InstructionSource::instruction_count: may cost a pass).
    uint64_t total_instructions() { return m_src == nullptr ? 0 : m_src->instruction_count(); }

    // keep_all only, after the layer: the whole program, and each instruction's cycles.
    Program kept_program() const;
    std::vector<uint64_t> kept_issue() const;
    std::vector<uint64_t> kept_retire() const;

private:
    struct Slot {
        Instruction in;
        uint64_t issue = 0;
        uint64_t retire = 0;
        bool done = false;
    };
    void release_retired();
    Slot& slot(uint64_t i);
    const Slot& slot(uint64_t i) const;

    InstructionSource* m_src = nullptr;
    ReleaseFn m_on_release;
    bool m_keep_all = false;
    std::deque<Slot> m_slots;   // instructions m_base, m_base + 1, ... (deque: references survive push_back)
    uint64_t m_base = 0;
    uint64_t m_retired = 0;
    bool m_ended = false;
    uint64_t m_per_unit[3] = {0, 0, 0};
    uint64_t m_peak_held = 0;
    std::vector<Instruction> m_pull;  // reused buffer for InstructionSource::next
};

}  // namespace sasim::model
