// SPDX-License-Identifier: MIT
#include "compiler/compiler.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/errors.h"
#include "compiler/load_builders.h"

namespace sasim {
namespace {

// Emits the instruction stream for a TilePlan. Token rules (docs/isa.md, "Synchronisation"):
//  - every step (one EXECUTE) loads its tile operand chunk, plus its resident chunk when needed; the last
//    of those loads signals the execute (load -> execute token);
//  - tile slots and non-resident regions alternate per step, so the load for step s waits for the token
//    execute s-2 pushes when it has finished reading (execute -> load token);
//  - accumulator slots alternate per tile: the last execute of a tile signals its store, and the first
//    execute of tile t waits for store t-2 to have read its slot (store -> execute token);
//  - with a fused residual add, each tile starts with a LOAD of its shortcut into its accumulator slot,
//    which waits for store t-2 too (store -> load token); the tile's first load signal covers it.
class HeuristicSource final : public InstructionSource {
public:
    HeuristicSource(LayerLayout lay, const TilePlan& plan, std::vector<KChunk> chunks, std::vector<ChunkGroup> groups)
        : m_chunks(std::move(chunks)), m_groups(std::move(groups)) {
        m_layout = std::move(lay);
        m_plan = plan;
        if (m_layout.conv) m_convs.push_back(*m_layout.conv);
        m_outer_blocks = ceil_div(m_plan.outer_dim, m_plan.outer_block);
        m_inner_tiles = ceil_div(m_plan.inner_dim, m_plan.inner_tile);
        m_total_tiles = m_layout.view.count * m_outer_blocks * m_inner_tiles;
        m_total_groups = m_total_tiles * m_groups.size();
    }

    // The number of instructions the program has, from the plan alone (emit_group and emit_store, counted).
    uint64_t instruction_count() override { return count(); }
    uint64_t count() const {
        const uint64_t outer = m_layout.view.count * m_outer_blocks;
        const uint64_t groups = m_groups.size();
        // Per tile: a tile load per group, every EXECUTE, a STORE; resident loads once per outer block
        // (when resident) or once per group of every tile.
        return m_total_tiles * (groups + m_chunks.size() + 1 + (residual() ? 1 : 0)) +
               (m_plan.resident ? outer : m_total_tiles) * groups;
    }

    // One chunk group per call (its loads and EXECUTEs, and the tile's STORE after its last group), tiles in
    // (GEMM, outer block, inner tile) order: a call yields a few instructions however large K is.
    bool next(std::vector<Instruction>& out) override {
        if (m_tile_idx == m_total_tiles) {
            if (m_emitted != count()) {
                throw SimulationError(fmt::format("compiler: emitted {} instructions, instruction_count() says {}",
                                                  m_emitted, count()));
            }
            return false;
        }
        if (m_group_in_tile == 0) start_tile();
        const size_t before = out.size();
        emit_group(out, m_groups[m_group_in_tile]);
        if (++m_group_in_tile == m_groups.size()) {
            emit_store(out);
            m_group_in_tile = 0;
            ++m_tile_idx;
        }
        m_emitted += out.size() - before;
        return true;
    }

private:
    static uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }
    bool residual() const { return m_layout.residual_bytes > 0; }

    // The load of the resident operand's chunk group for outer block [o0, o0+olen).
    Instruction load_resident(uint64_t g, uint64_t o0, uint32_t olen, const ChunkGroup& grp, uint64_t row) const {
        const uint64_t stride = m_plan.res_rows_per_chunk;
        switch (m_plan.dataflow) {
            case Dataflow::WS: return load_wt_rows(m_layout, g, o0, olen, grp, row, stride);
            case Dataflow::IS: return load_a_rows(m_layout, g, o0, olen, grp, row, stride);
            case Dataflow::OS: return load_b_rows(m_layout, g, o0, olen, grp, row);
        }
        return {};
    }

    // The load of the tile operand's chunk group for inner tile [i0, i0+ilen).
    Instruction load_tile(uint64_t g, uint64_t i0, uint32_t ilen, const ChunkGroup& grp, uint64_t row) const {
        if (m_plan.dataflow == Dataflow::IS) return load_wt_rows(m_layout, g, i0, ilen, grp, row, m_plan.inner_tile);
        return load_a_rows(m_layout, g, i0, ilen, grp, row, m_plan.inner_tile);
    }

    // The coordinates of tile m_tile_idx, for its groups and its STORE.
    void start_tile() {
        const uint64_t it = m_tile_idx % m_inner_tiles;
        const uint64_t outer_idx = m_tile_idx / m_inner_tiles;  // GEMM * outer_blocks + outer block
        Tile& t = m_tile;
        t.g = outer_idx / m_outer_blocks;
        t.o0 = (outer_idx % m_outer_blocks) * m_plan.outer_block;
        t.olen = static_cast<uint32_t>(std::min<uint64_t>(m_plan.outer_block, m_plan.outer_dim - t.o0));
        t.it = it;
        t.i0 = it * m_plan.inner_tile;
        t.ilen = static_cast<uint32_t>(std::min<uint64_t>(m_plan.inner_tile, m_plan.inner_dim - t.i0));
        t.acc_slot = m_tile_idx % 2;
        t.res_region = m_plan.resident ? outer_idx % m_plan.res_regions : 0;
    }

    // A chunk group of the current tile: the tile operand's load, the resident operand's (when it is not
    // already resident) and one EXECUTE per chunk.
    void emit_group(std::vector<Instruction>& out, const ChunkGroup& grp) {
        const Tile& t = m_tile;
        const uint64_t rpc = m_plan.res_rows_per_chunk;
        const uint64_t slot = m_group_idx % 2;
        if (residual() && m_group_in_tile == 0) {
            Instruction ls = load_shortcut(m_layout, make_store());
            ls.wait_prev = m_tile_idx >= 2;
            out.push_back(ls);
        }
        Instruction lt = load_tile(t.g, t.i0, t.ilen, grp, m_plan.tile_base[slot]);
        lt.wait_next = m_group_idx >= 2;
        out.push_back(lt);
        size_t last_load = out.size() - 1;

        // First scratchpad row of the group's resident chunks.
        uint64_t stat_base = 0;
        if (m_plan.resident) {
            stat_base = m_plan.res_base[t.res_region] + grp.first * rpc;
            if (t.it == 0) {
                out.push_back(load_resident(t.g, t.o0, t.olen, grp, stat_base));
                last_load = out.size() - 1;
            }
        } else {
            stat_base = m_plan.res_base[slot];
            out.push_back(load_resident(t.g, t.o0, t.olen, grp, stat_base));
            last_load = out.size() - 1;
        }
        out[last_load].signal_next = true;

        for (size_t c = 0; c < grp.count; ++c) {
            const size_t j = grp.first + c;
            const bool first_in_group = c == 0;
            const bool last_in_group = c + 1 == grp.count;
            Instruction ex;
            ex.op = Opcode::Execute;
            ex.wait_prev = first_in_group;
            ex.wait_next = j == 0 && m_tile_idx >= 2;
            ex.signal_prev = last_in_group && m_group_idx + 2 < m_total_groups;
            ex.signal_next = j + 1 == m_chunks.size();
            ex.a_row = m_plan.tile_base[slot] + c * m_plan.inner_tile;
            // WS/IS: one block of `rpc` rows per chunk. OS: the chunks' k rows follow each other.
            ex.b_row = m_plan.dataflow == Dataflow::OS ? stat_base + (m_chunks[j].kstart - grp.kstart)
                                                       : stat_base + c * rpc;
            ex.c_row = m_plan.acc_base[t.acc_slot];
            ex.m = t.ilen;
            ex.n = t.olen;
            ex.k = m_chunks[j].klen;
            // WS/IS with a single chunk: the stationary operand stays in the array across tiles.
            const bool reuse = m_plan.resident && m_chunks.size() == 1 && t.it > 0;
            ex.preload = m_plan.dataflow != Dataflow::OS && !reuse;
            ex.accumulate = j > 0 || residual();
            out.push_back(ex);
        }
        ++m_group_idx;
    }

    // The current tile's STORE, after its last group.
    void emit_store(std::vector<Instruction>& out) const {
        Instruction st = make_store();
        st.wait_prev = true;
        st.signal_prev = m_tile_idx + 2 < m_total_tiles;
        st.signal_next = residual() && m_tile_idx + 2 < m_total_tiles;  // tile t+2's shortcut load
        out.push_back(st);
    }

    // The current tile's STORE, without tokens.
    Instruction make_store() const {
        const Tile& t = m_tile;
        Instruction st;
        st.op = Opcode::Store;
        st.c_row = m_plan.acc_base[t.acc_slot];
        st.rows = t.ilen;
        st.elems = t.olen;
        const uint64_t ob = m_layout.operand_bytes;
        const GemmAddrs& ga = m_layout.gemms[t.g];
        // WS/OS: tile rows are i (pixels), columns o (channels). IS: tile rows are i (channels), columns o (pixels).
        st.dram_addr = ga.c_addr + (t.i0 * ga.c_row_stride + t.o0) * ob;
        st.dram_stride = ga.c_row_stride * ob;
        st.shift = m_layout.shift;
        st.relu = m_layout.relu;
        return st;
    }

    // Where the current tile sits: GEMM g, outer block [o0, o0+olen), inner tile `it` = [i0, i0+ilen).
    struct Tile {
        uint64_t g = 0, o0 = 0, it = 0, i0 = 0, acc_slot = 0, res_region = 0;
        uint32_t olen = 0, ilen = 0;
    };

    std::vector<KChunk> m_chunks;
    std::vector<ChunkGroup> m_groups;
    uint64_t m_outer_blocks = 0, m_inner_tiles = 0;
    uint64_t m_emitted = 0;      // instructions produced so far
    uint64_t m_group_idx = 0;    // global chunk-group index (tile slots alternate per group)
    uint64_t m_tile_idx = 0;     // global tile (STORE) index
    size_t m_group_in_tile = 0;  // the next group of tile m_tile_idx to emit
    Tile m_tile;                 // coordinates of tile m_tile_idx (set by start_tile at its first group)
    uint64_t m_total_groups = 0;
    uint64_t m_total_tiles = 0;
};

}  // namespace

uint32_t wide_load_target(const Config& cfg, uint32_t kmax) {
    // Enough chunks that one DRAM row of the group fills a maximal DMA request.
    const uint64_t chunk_bytes = uint64_t{kmax} * cfg.derived.operand_bytes;
    return static_cast<uint32_t>(std::max<uint64_t>(1, (cfg.dma.max_request_bytes + chunk_bytes - 1) / chunk_bytes));
}

namespace {

// The heuristic compiler's choices for a layer: everything but the instructions.
struct HeuristicPlan {
    LayerLayout layout;
    TilePlan plan;
    std::vector<KChunk> chunks;
    std::vector<ChunkGroup> groups;
};

HeuristicPlan plan_heuristic(const Layer& layer, const Config& cfg) {
    HeuristicPlan out;
    out.layout = plan_layout(layer, cfg);
    const GemmView& v = out.layout.view;
    const uint32_t kmax = cfg.array.dataflow == Dataflow::OS ? cfg.derived.spad_row_elems : cfg.array.rows;
    std::vector<KChunk> chunks =
        out.layout.is_conv ? make_chunks_conv(out.layout.conv_positions, out.layout.conv_in_c_per_group, kmax)
                           : make_chunks_gemm(v.k, kmax);
    // The widest chunk groups that fill a DMA request, as long as the scratchpad they take does not more
    // than halve the inner tile that one-chunk loads would allow (a smaller tile means more EXECUTEs, and
    // more preload and mesh latency per MAC). Groups of one chunk always remain as the fallback.
    const bool conv = out.layout.is_conv;
    const uint32_t cg = out.layout.conv_in_c_per_group;
    const TilePlan single = plan_tiles(cfg, v.count, v.m, v.n, chunks.size(), 1);  // throws if nothing fits
    out.plan = single;
    std::vector<ChunkGroup> groups = group_chunks(chunks, conv, cg, kmax, 1);
    for (uint32_t target = wide_load_target(cfg, kmax); target > 1; target = (target + 1) / 2) {
        std::vector<ChunkGroup> wide = group_chunks(chunks, conv, cg, kmax, target);
        uint32_t group = 1;
        for (const auto& g : wide) group = std::max<uint32_t>(group, static_cast<uint32_t>(g.count));
        if (group == 1) break;
        try {
            const TilePlan p = plan_tiles(cfg, v.count, v.m, v.n, chunks.size(), group);
            if (2 * uint64_t{p.inner_tile} >= single.inner_tile && p.resident == single.resident) {
                out.plan = p;
                groups = std::move(wide);
                break;
            }
        } catch (const InputError&) {
            // this group size does not fit: try a narrower one
        }
        if (target == 2) break;
    }
    out.chunks = std::move(chunks);
    out.groups = std::move(groups);
    return out;
}

}  // namespace

std::unique_ptr<InstructionSource> stream_layer(const Layer& layer, const Config& cfg) {
    HeuristicPlan hp = plan_heuristic(layer, cfg);
    return std::make_unique<HeuristicSource>(std::move(hp.layout), hp.plan, std::move(hp.chunks), std::move(hp.groups));
}

Program drain(InstructionSource& src) {
    Program prog;
    prog.convs = src.convs();
    while (src.next(prog.instrs)) {
    }
    return prog;
}

CompiledLayer compile_layer(const Layer& layer, const Config& cfg) {
    const std::unique_ptr<InstructionSource> src = stream_layer(layer, cfg);
    CompiledLayer out;
    out.program.convs = src->convs();
    out.program.instrs.reserve(src->instruction_count());  // exactly: no vector growth beyond the program's size
    while (src->next(out.program.instrs)) {
    }
    out.layout = src->layout();
    out.plan = src->plan();
    return out;
}

ProgramSize heuristic_program_size(const Layer& layer, const Config& cfg) {
    HeuristicPlan hp = plan_heuristic(layer, cfg);
    const uint64_t image = hp.layout.image_bytes;
    const HeuristicSource src(std::move(hp.layout), hp.plan, std::move(hp.chunks), std::move(hp.groups));
    return {src.count(), image};
}

}  // namespace sasim
