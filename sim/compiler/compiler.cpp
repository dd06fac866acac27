// SPDX-License-Identifier: MIT
#include "compiler/compiler.h"

#include <algorithm>

namespace sasim {
namespace {

// Emits the instruction stream for a TilePlan. Token rules (docs/isa.md, "Synchronisation"):
//  - every step (one EXECUTE) loads its tile operand chunk, plus its resident chunk when needed; the last
//    of those loads signals the execute (load -> execute token);
//  - tile slots and non-resident regions alternate per step, so the load for step s waits for the token
//    execute s-2 pushes when it has finished reading (execute -> load token);
//  - accumulator slots alternate per tile: the last execute of a tile signals its store, and the first
//    execute of tile t waits for store t-2 to have read its slot (store -> execute token).
class Emitter {
public:
    Emitter(const Config& cfg, const LayerLayout& lay, const TilePlan& plan, std::vector<KChunk> chunks)
        : m_cfg(cfg), m_lay(lay), m_plan(plan), m_chunks(std::move(chunks)) {}

    Program run() {
        Program prog;
        if (m_lay.conv) prog.convs.push_back(*m_lay.conv);
        const uint64_t outer_blocks = ceil_div(m_plan.outer_dim, m_plan.outer_block);
        const uint64_t inner_tiles = ceil_div(m_plan.inner_dim, m_plan.inner_tile);
        m_total_tiles = m_lay.view.count * outer_blocks * inner_tiles;
        m_total_steps = m_total_tiles * m_chunks.size();
        m_prog = &prog;
        uint64_t outer_idx = 0;
        for (uint64_t g = 0; g < m_lay.view.count; ++g) {
            for (uint64_t ob = 0; ob < outer_blocks; ++ob, ++outer_idx) {
                const uint64_t o0 = ob * m_plan.outer_block;
                const uint32_t olen = static_cast<uint32_t>(std::min<uint64_t>(m_plan.outer_block, m_plan.outer_dim - o0));
                for (uint64_t it = 0; it < inner_tiles; ++it) {
                    const uint64_t i0 = it * m_plan.inner_tile;
                    const uint32_t ilen = static_cast<uint32_t>(std::min<uint64_t>(m_plan.inner_tile, m_plan.inner_dim - i0));
                    emit_tile(g, outer_idx, o0, olen, it, i0, ilen);
                }
            }
        }
        return prog;
    }

private:
    static uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

    // Rows of the implicit A matrix (pixels for conv, rows of A for gemm) for one chunk.
    Instruction load_a_rows(uint64_t g, uint64_t row0, uint32_t rows, const KChunk& ch, uint64_t local_row) const {
        Instruction in;
        in.local_row = local_row;
        in.rows = rows;
        in.elems = ch.klen;
        const uint64_t ob = m_lay.operand_bytes;
        if (m_lay.is_conv) {
            in.op = Opcode::LoadIm2col;
            in.conv = 0;
            in.pixel0 = row0;
            in.pos0 = ch.pos0;
            in.npos = ch.npos;
            in.chan0 = m_lay.gemms[g].a_chan0 + ch.chan0;
            in.chan_count = ch.chan_count;
        } else {
            in.op = Opcode::Load2d;
            in.dram_addr = m_lay.gemms[g].a_addr + (row0 * m_lay.view.k + ch.kstart) * ob;
            in.dram_stride = m_lay.view.k * ob;
        }
        return in;
    }

    // Rows of the weights stored [n][k] (WS/IS): `rows` output channels starting at n0, chunk columns.
    Instruction load_wt_rows(uint64_t g, uint64_t n0, uint32_t rows, const KChunk& ch, uint64_t local_row) const {
        Instruction in;
        in.op = Opcode::Load2d;
        in.local_row = local_row;
        in.rows = rows;
        in.elems = ch.klen;
        const uint64_t ob = m_lay.operand_bytes;
        in.dram_addr = m_lay.gemms[g].b_addr + (n0 * m_lay.view.k + ch.kstart) * ob;
        in.dram_stride = m_lay.view.k * ob;
        return in;
    }

    // Rows of the weights stored [k][n] (OS): the chunk's k rows, `cols` channels starting at n0.
    Instruction load_b_rows(uint64_t g, uint64_t n0, uint32_t cols, const KChunk& ch, uint64_t local_row) const {
        Instruction in;
        in.op = Opcode::Load2d;
        in.local_row = local_row;
        in.rows = ch.klen;
        in.elems = cols;
        const uint64_t ob = m_lay.operand_bytes;
        in.dram_addr = m_lay.gemms[g].b_addr + (ch.kstart * m_lay.view.n + n0) * ob;
        in.dram_stride = m_lay.view.n * ob;
        return in;
    }

    // The load of the resident operand's chunk for outer block [o0, o0+olen).
    Instruction load_resident(uint64_t g, uint64_t o0, uint32_t olen, const KChunk& ch, uint64_t row) const {
        switch (m_plan.dataflow) {
            case Dataflow::WS: return load_wt_rows(g, o0, olen, ch, row);
            case Dataflow::IS: return load_a_rows(g, o0, olen, ch, row);
            case Dataflow::OS: return load_b_rows(g, o0, olen, ch, row);
        }
        return {};
    }

    // The load of the tile operand's chunk for inner tile [i0, i0+ilen).
    Instruction load_tile(uint64_t g, uint64_t i0, uint32_t ilen, const KChunk& ch, uint64_t row) const {
        if (m_plan.dataflow == Dataflow::IS) return load_wt_rows(g, i0, ilen, ch, row);
        return load_a_rows(g, i0, ilen, ch, row);
    }

    void emit_tile(uint64_t g, uint64_t outer_idx, uint64_t o0, uint32_t olen, uint64_t it, uint64_t i0, uint32_t ilen) {
        const uint64_t acc_slot = m_tile_idx % 2;
        const uint64_t res_region = m_plan.resident ? outer_idx % m_plan.res_regions : 0;
        for (size_t j = 0; j < m_chunks.size(); ++j) {
            const KChunk& ch = m_chunks[j];
            const uint64_t slot = m_step % 2;
            Instruction lt = load_tile(g, i0, ilen, ch, m_plan.tile_base[slot]);
            lt.wait_next = m_step >= 2;
            m_prog->instrs.push_back(lt);
            size_t last_load = m_prog->instrs.size() - 1;

            uint64_t stat_row = 0;
            bool preload = true;
            if (m_plan.resident) {
                stat_row = m_plan.res_base[res_region] + j * m_plan.res_rows_per_chunk;
                if (it == 0) {
                    m_prog->instrs.push_back(load_resident(g, o0, olen, ch, stat_row));
                    last_load = m_prog->instrs.size() - 1;
                }
                // WS/IS with a single chunk: the stationary operand stays in the array across tiles.
                preload = !(m_chunks.size() == 1 && it > 0);
            } else {
                stat_row = m_plan.res_base[slot];
                m_prog->instrs.push_back(load_resident(g, o0, olen, ch, stat_row));
                last_load = m_prog->instrs.size() - 1;
            }
            m_prog->instrs[last_load].signal_next = true;

            Instruction ex;
            ex.op = Opcode::Execute;
            ex.wait_prev = true;
            ex.wait_next = j == 0 && m_tile_idx >= 2;
            ex.signal_prev = m_step + 2 < m_total_steps;
            ex.signal_next = j + 1 == m_chunks.size();
            ex.a_row = m_plan.tile_base[slot];
            ex.b_row = stat_row;
            ex.c_row = m_plan.acc_base[acc_slot];
            ex.m = ilen;
            ex.n = olen;
            ex.k = ch.klen;
            ex.preload = m_plan.dataflow == Dataflow::OS ? false : preload;
            ex.accumulate = j > 0;
            m_prog->instrs.push_back(ex);
            ++m_step;
        }
        Instruction st;
        st.op = Opcode::Store;
        st.wait_prev = true;
        st.signal_prev = m_tile_idx + 2 < m_total_tiles;
        st.c_row = m_plan.acc_base[acc_slot];
        st.rows = ilen;
        st.elems = olen;
        const uint64_t ob = m_lay.operand_bytes;
        const GemmAddrs& ga = m_lay.gemms[g];
        // WS/OS: tile rows are i (pixels), columns o (channels). IS: tile rows are i (channels), columns o (pixels).
        st.dram_addr = ga.c_addr + (i0 * ga.c_row_stride + o0) * ob;
        st.dram_stride = ga.c_row_stride * ob;
        st.shift = m_lay.shift;
        st.relu = m_lay.relu;
        m_prog->instrs.push_back(st);
        ++m_tile_idx;
    }

    const Config& m_cfg;
    const LayerLayout& m_lay;
    const TilePlan& m_plan;
    std::vector<KChunk> m_chunks;
    Program* m_prog = nullptr;
    uint64_t m_step = 0;         // global EXECUTE index
    uint64_t m_tile_idx = 0;     // global tile (STORE) index
    uint64_t m_total_steps = 0;
    uint64_t m_total_tiles = 0;
};

}  // namespace

CompiledLayer compile_layer(const Layer& layer, const Config& cfg) {
    CompiledLayer out;
    out.layout = plan_layout(layer, cfg);
    const GemmView& v = out.layout.view;
    const uint32_t kmax = cfg.array.dataflow == Dataflow::OS ? cfg.derived.spad_row_elems : cfg.array.rows;
    std::vector<KChunk> chunks =
        out.layout.is_conv ? make_chunks_conv(out.layout.conv_positions, out.layout.conv_in_c_per_group, kmax)
                           : make_chunks_gemm(v.k, kmax);
    out.plan = plan_tiles(cfg, v.count, v.m, v.n, chunks.size());
    Emitter em(cfg, out.layout, out.plan, std::move(chunks));
    out.program = em.run();
    return out;
}

}  // namespace sasim
