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
    Im2colBytes(const Program& prog, uint32_t ob) : m_prog(prog), m_ob(ob) {}

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
        const ConvGeometry& g = m_prog.convs.at(in.conv);
        const uint64_t pixels = uint64_t{g.batch} * g.out_h * g.out_w;
        Instruction all = in;
        all.pixel0 = 0;
        all.rows = static_cast<uint32_t>(pixels);
        LoadAddressGen gen(all, m_prog.convs, m_ob);
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
    const Program& m_prog;
    uint32_t m_ob;
    std::map<std::tuple<uint32_t, uint32_t, uint32_t, uint32_t, uint32_t>, std::vector<uint64_t>> m_prefix;
};

}  // namespace

ProgramBound program_bound(const CompiledLayer& comp, const Config& cfg) {
    ProgramBound b;
    const uint32_t ob = cfg.derived.operand_bytes;
    Im2colBytes im2col(comp.program, ob);
    const bool os = cfg.array.dataflow == Dataflow::OS;
    uint64_t stream = 0;
    bool any_exec = false;
    for (const Instruction& in : comp.program.instrs) {
        switch (in.op) {
            case Opcode::Load2d: {
                const uint64_t eb = in.dst == LocalMem::Accumulator ? cfg.derived.acc_bytes : ob;
                b.dram_read_bytes += uint64_t{in.rows} * in.elems * eb;
                break;
            }
            case Opcode::LoadIm2col: b.dram_read_bytes += im2col.bytes(in); break;
            case Opcode::Execute:
                stream += os ? in.k : in.m;
                any_exec = true;
                break;
            case Opcode::Store: b.dram_write_bytes += uint64_t{in.rows} * in.elems * ob; break;
        }
    }
    // WS/IS: the last result row is written L = R + C cycles after its stream read; OS: the drain starts C
    // cycles after the last B row. The first stream starts no earlier than two cycles after the layer's start.
    if (any_exec) b.compute_cycles = 2 + stream + (os ? cfg.array.cols : uint64_t{cfg.array.rows} + cfg.array.cols);
    const uint64_t mbpc = cfg.derived.dram_millibytes_per_cycle == 0 ? 1 : cfg.derived.dram_millibytes_per_cycle;
    const uint64_t bytes = b.dram_read_bytes + b.dram_write_bytes;
    if (bytes > 0) b.dram_cycles = cfg.dram.latency_cycles + bytes * 1000 / mbpc;
    return b;
}

}  // namespace sasim::model
