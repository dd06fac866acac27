// SPDX-License-Identifier: MIT
// Faults --inject-fault plants in a run, so that tests can see the checks that must catch them fire.
#pragma once
#include <memory>
#include <vector>

#include "compiler/instruction_source.h"

namespace sasim::sc {

// --inject-fault drop-token: the program of `inner` with the load->execute token of its first signalling
// load removed (the run must then deadlock and say so).
class DropFirstLoadToken final : public InstructionSource {
public:
    explicit DropFirstLoadToken(std::unique_ptr<InstructionSource> inner) : m_inner(std::move(inner)) {
        m_layout = m_inner->layout();
        m_plan = m_inner->plan();
        m_convs = m_inner->convs();
    }
    bool next(std::vector<Instruction>& out) override {
        const size_t before = out.size();
        if (!m_inner->next(out)) return false;
        for (size_t i = before; i < out.size() && !m_dropped; ++i) {
            if (unit_of(out[i].op) == Unit::Load && out[i].signal_next) {
                out[i].signal_next = false;
                m_dropped = true;
            }
        }
        return true;
    }
    uint64_t instruction_count() override { return m_inner->instruction_count(); }

private:
    std::unique_ptr<InstructionSource> m_inner;
    bool m_dropped = false;
};

}  // namespace sasim::sc
