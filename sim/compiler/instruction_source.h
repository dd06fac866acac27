// SPDX-License-Identifier: MIT
// A compiled layer whose program is produced in program order, a few instructions at a time, as the
// simulator dispatches it (model/program_window.h): a layer of millions of instructions then holds only
// those between the oldest unretired one and the dispatcher (docs/reliability.md, "Resource guards").
// compile_layer / compile_mapped drain the same sources into a whole Program.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "compiler/isa.h"
#include "compiler/layout.h"
#include "compiler/tiling.h"

namespace sasim {

class InstructionSource {
public:
    virtual ~InstructionSource() = default;
    // Appends the next instructions to `out`, final (no later instruction changes their token flags).
    // Returns false, appending nothing, once the program has ended. Throws what the compiler throws.
    virtual bool next(std::vector<Instruction>& out) = 0;
    // The program's instruction count, exact. May cost a pass over the program (mapped programs): call it
    // for progress lines, not per instruction.
    virtual uint64_t instruction_count() = 0;
    const LayerLayout& layout() const { return m_layout; }
    const TilePlan& plan() const { return m_plan; }
    // The tables LoadIm2col instructions index (Program::convs); complete before the first next().
    const std::vector<ConvGeometry>& convs() const { return m_convs; }

protected:
    LayerLayout m_layout;
    TilePlan m_plan;  // the heuristic's tile plan; mapped programs fill only its dataflow
    std::vector<ConvGeometry> m_convs;
};

// A whole Program served as a source, a piece of up to `piece` instructions per next() (tests, stored
// programs). Its layout and plan are empty unless given.
class ProgramSource final : public InstructionSource {
public:
    explicit ProgramSource(Program prog, size_t piece = 64, LayerLayout layout = {})
        : m_prog(std::move(prog)), m_piece(piece == 0 ? 1 : piece) {
        m_convs = m_prog.convs;
        m_layout = std::move(layout);
    }
    bool next(std::vector<Instruction>& out) override {
        if (m_pos == m_prog.instrs.size()) return false;
        const size_t n = std::min(m_piece, m_prog.instrs.size() - m_pos);
        out.insert(out.end(), m_prog.instrs.begin() + static_cast<std::ptrdiff_t>(m_pos),
                   m_prog.instrs.begin() + static_cast<std::ptrdiff_t>(m_pos + n));
        m_pos += n;
        return true;
    }
    uint64_t instruction_count() override { return m_prog.instrs.size(); }

private:
    Program m_prog;
    size_t m_piece;
    size_t m_pos = 0;  // the next instruction to serve
};

// The heuristic program of `layer` (compile_layer's), and the program of a mapping (compile_mapped's).
// Throw InputError when it does not fit, before producing anything.
std::unique_ptr<InstructionSource> stream_layer(const Layer& layer, const Config& cfg);
struct Mapping;
// `token_scan_every`: TokenDeriver's scan interval (0: its default; tests use 1 to release as early as can be).
std::unique_ptr<InstructionSource> stream_mapped(const Layer& layer, const Config& cfg, const Mapping& map,
                                                 size_t token_scan_every = 0);

// Every instruction of `src`, from where it stands, as one Program (with its convs).
Program drain(InstructionSource& src);

}  // namespace sasim
