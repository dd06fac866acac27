// SPDX-License-Identifier: MIT
#include "model/program_bound.h"

#include <map>
#include <tuple>
#include <vector>

#include "model/load_address.h"

namespace sasim::model {
namespace {

// DRAM bytes of im2col rows, by the rectangle of the implicit matrix a load covers: prefix sums over the
// output pixels, so any run of rows costs two lookups.
class Im2colBytes {
public:
    Im2colBytes(const std::vector<ConvGeometry>& convs, uint32_t ob) : m_convs(convs), m_ob(ob) {}

    uint64_t bytes(const Instruction& in) {
        const auto key = std::make_tuple(in.conv, in.pos0, in.npos, in.chan0, in.chan_count);
        auto it = m_prefix.find(key);
        if (it == m_prefix.end()) it = m_prefix.emplace(key, build(in)).first;
        const std::vector<uint64_t>& pre = it->second;
        return pre[in.pixel0 + in.rows] - pre[in.pixel0];
    }

private:
    std::vector<uint64_t> build(const Instruction& in) const {
        // Every output pixel of the load's geometry (a program may carry several, e.g. the natural-layout
        // tiles of on-chip im2col).
        const ConvGeometry& g = m_convs.at(in.conv);
        const uint64_t pixels = uint64_t{g.batch} * g.out_h * g.out_w;
        Instruction all = in;
        all.pixel0 = 0;
        all.rows = static_cast<uint32_t>(pixels);
        LoadAddressGen gen(all, m_convs, m_ob);
        std::vector<uint64_t> pre(pixels + 1, 0);
        std::vector<RowSegment> segs;
        for (uint64_t p = 0; p < pixels; ++p) {
            segs.clear();
            gen.row_segments(static_cast<uint32_t>(p), segs);
            uint64_t b = 0;
            for (const RowSegment& s : segs) b += s.bytes;
            pre[p + 1] = pre[p] + b;
        }
        return pre;
    }
    const std::vector<ConvGeometry>& m_convs;
    uint32_t m_ob;
    std::map<std::tuple<uint32_t, uint32_t, uint32_t, uint32_t, uint32_t>, std::vector<uint64_t>> m_prefix;
};

// Sums a program's streaming rows and DRAM bytes, one instruction at a time.
class BoundSum {
public:
    BoundSum(const std::vector<ConvGeometry>& convs, const Config& cfg)
        : m_cfg(cfg), m_ob(cfg.derived.operand_bytes), m_im2col(convs, m_ob) {}

    void add(const Instruction& in) {
        switch (in.op) {
            case Opcode::Load2d: {
                m_b.dram_read_bytes += uint64_t{in.rows} * in.elems * m_ob;
                break;
            }
            case Opcode::LoadIm2col: m_b.dram_read_bytes += m_im2col.bytes(in); break;
            case Opcode::Execute:
                m_stream += m_cfg.array.dataflow == Dataflow::OS ? in.k : in.m;
                m_any_exec = true;
                break;
            case Opcode::Store: m_b.dram_write_bytes += uint64_t{in.rows} * in.elems * m_ob; break;
        }
    }

    ProgramBound result() const {
        ProgramBound b = m_b;
        const bool os = m_cfg.array.dataflow == Dataflow::OS;
        // WS/IS: the last result row is written L = R + C cycles after its stream read; OS: the drain starts C
        // cycles after the last B row. The first stream starts no earlier than two cycles after the layer's start.
        if (m_any_exec) {
            b.compute_cycles = 2 + m_stream + (os ? m_cfg.array.cols : uint64_t{m_cfg.array.rows} + m_cfg.array.cols);
        }
        const uint64_t mbpc = m_cfg.derived.dram_millibytes_per_cycle == 0 ? 1 : m_cfg.derived.dram_millibytes_per_cycle;
        const uint64_t bytes = b.dram_read_bytes + b.dram_write_bytes;
        if (bytes > 0) b.dram_cycles = m_cfg.dram.latency_cycles + bytes * 1000 / mbpc;
        return b;
    }

private:
    const Config& m_cfg;
    uint32_t m_ob;
    Im2colBytes m_im2col;
    ProgramBound m_b;
    uint64_t m_stream = 0;  // streaming rows of every EXECUTE
    bool m_any_exec = false;
};

}  // namespace

ProgramBound program_bound(const CompiledLayer& comp, const Config& cfg) {
    BoundSum sum(comp.program.convs, cfg);
    for (const Instruction& in : comp.program.instrs) sum.add(in);
    return sum.result();
}

ProgramBound program_bound(InstructionSource& src, const Config& cfg) {
    BoundSum sum(src.convs(), cfg);
    std::vector<Instruction> chunk;
    for (chunk.clear(); src.next(chunk); chunk.clear()) {
        for (const Instruction& in : chunk) sum.add(in);
    }
    return sum.result();
}

}  // namespace sasim::model
