// SPDX-License-Identifier: MIT
// Mapped programs as streams (stream_mapped) and whole (compile_mapped); the steps come from
// mapped_emitter.h.
#include "compiler/mapping.h"

#include <memory>

#include "compiler/mapped_emitter.h"

namespace sasim {
namespace {

using mapped_detail::MappedEmitter;
using mapped_detail::Step;

// A mapped program in program order: the loads of step s+1 ahead of the body of step s (so they overlap
// it), and ahead of those the early shortcut loads of step s; tokens derived as the instructions come
// (TokenDeriver).
class MappedSource final : public InstructionSource {
public:
    MappedSource(const Config& cfg, LayerLayout lay, const Mapping& map, size_t token_scan_every = 0)
        : m_cfg(cfg), m_map(map), m_tokens(token_scan_every == 0 ? TokenDeriver::kScanEvery : token_scan_every) {
        m_layout = std::move(lay);
        m_plan.dataflow = cfg.array.dataflow;
        m_em = std::make_unique<MappedEmitter>(cfg, m_layout, map);
        m_em->prepare();
        m_em->add_convs(m_convs);
        m_steps = m_em->step_count();
    }

    bool next(std::vector<Instruction>& out) override {
        if (m_done) return false;
        const size_t before = out.size();
        if (m_next_step == 0 && m_steps > 0 && !m_started) {
            m_started = true;
            m_ahead = m_em->step_at(0);
            add(m_ahead.loads, m_ahead.load_uses);
        }
        while (out.size() == before && m_next_step < m_steps) {
            const Step cur = std::move(m_ahead);
            add(cur.early, cur.early_uses);
            if (m_next_step + 1 < m_steps) {
                m_ahead = m_em->step_at(m_next_step + 1);
                add(m_ahead.loads, m_ahead.load_uses);
            }
            add(cur.body, cur.body_uses);
            ++m_next_step;
            m_tokens.take_final(out);
        }
        if (m_next_step == m_steps) {
            m_tokens.take_all(out);
            m_done = out.size() == before;
        }
        return !m_done;
    }

    uint64_t instruction_count() override {
        if (m_count == UINT64_MAX) {
            MappedEmitter em(m_cfg, m_layout, m_map);  // a second pass, counting
            em.prepare();
            m_count = 0;
            for (uint64_t s = 0; s < m_steps; ++s) {
                const Step st = em.step_at(s);
                m_count += st.early.size() + st.loads.size() + st.body.size();
            }
        }
        return m_count;
    }

private:
    void add(const std::vector<Instruction>& ins, const std::vector<BufferUse>& uses) {
        for (size_t k = 0; k < ins.size(); ++k) m_tokens.add(ins[k], uses[k]);
    }

    const Config& m_cfg;
    const Mapping m_map;
    std::unique_ptr<MappedEmitter> m_em;  // refers to m_layout
    TokenDeriver m_tokens;
    Step m_ahead;                 // step m_next_step, whose loads are already added
    uint64_t m_steps = 0;
    uint64_t m_next_step = 0;     // the next step whose body is added
    bool m_started = false;
    bool m_done = false;
    uint64_t m_count = UINT64_MAX;  // instruction_count(), once counted
};

}  // namespace

void check_mapping_fits(const LayerLayout& lay, const Config& cfg, const Mapping& map) {
    MappedEmitter em(cfg, lay, map);
    em.prepare();
}

std::unique_ptr<InstructionSource> stream_mapped(const Layer& layer, const Config& cfg, const Mapping& map,
                                                 size_t token_scan_every) {
    return std::make_unique<MappedSource>(cfg, mapped_layout(layer, cfg, map), map, token_scan_every);
}

CompiledLayer compile_mapped(const Layer& layer, const Config& cfg, const Mapping& map) {
    MappedSource src(cfg, mapped_layout(layer, cfg, map), map);
    CompiledLayer out;
    out.program = drain(src);
    out.layout = src.layout();
    out.plan = src.plan();
    return out;
}

}  // namespace sasim
