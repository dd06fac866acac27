// SPDX-License-Identifier: MIT
// The emitter of mapped programs: the steps (one K tile of one P x Q tile each) of a Mapping, with the
// buffers each instruction reads and writes. Included only by mapping.cpp, which streams the steps in
// program order (MappedSource); the mapping's own vocabulary is in mapping_params.cpp.
#pragma once
#include <algorithm>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "common/errors.h"
#include "compiler/load_builders.h"
#include "compiler/mapping.h"

namespace sasim::mapped_detail {

inline uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

// Buffer ids for BufferUse: scratchpad buffers are (operand, slot, chunk group within the K tile),
// accumulator slots have their own range.
inline int64_t pop_id(uint64_t slot, size_t gl) { return static_cast<int64_t>((slot * 2 + 0) * 1000000 + gl); }
inline int64_t qop_id(uint64_t slot, size_t gl) { return static_cast<int64_t>((slot * 2 + 1) * 1000000 + gl); }
inline int64_t acc_id(uint64_t slot) { return static_cast<int64_t>(10000000 + slot); }

struct Step {
    // Shortcut LOADs of a residual add whose slot's last STORE is in an earlier step: placed before the next
    // step's loads (MappedSource), so that they need not wait behind them in the in-order load unit.
    std::vector<Instruction> early;
    std::vector<BufferUse> early_uses;
    std::vector<Instruction> loads;
    std::vector<BufferUse> load_uses;
    std::vector<Instruction> body;  // EXECUTEs and STOREs
    std::vector<BufferUse> body_uses;
};

class MappedEmitter {
public:
    // Appends a load that writes buffer `id` to the step.
    static void add_load(Step& st, const Instruction& in, int64_t id) {
        st.loads.push_back(in);
        BufferUse u;
        u.writes = id;
        st.load_uses.push_back(u);
    }

    MappedEmitter(const Config& cfg, const LayerLayout& lay, const Mapping& map) : m_cfg(cfg), m_lay(lay), m_map(map) {}

    // Cuts the layer into chunks, groups and K tiles, counts buffer slots and lays out the SRAMs; throws
    // InputError when the mapping does not fit.
    void prepare() {
        m_dims = pq_dims(m_lay, m_cfg);
        m_chip = m_map.im2col == Im2col::Chip;
        m_pix_is_p = m_cfg.array.dataflow != Dataflow::IS;
        // On-chip im2col: every chunk is one filter position (an operand window reads one tap), so a group
        // with fewer channels than the array is deep uses part of it.
        const uint32_t cg = m_lay.conv_in_c_per_group;
        const uint32_t kmax = m_chip ? std::min(m_dims.kmax, std::max<uint32_t>(cg, 1)) : m_dims.kmax;
        m_chunks = m_lay.is_conv ? make_chunks_conv(m_lay.conv_positions, cg, kmax)
                                 : make_chunks_gemm(m_lay.view.k, kmax);
        m_groups = group_chunks(m_chunks, m_lay.is_conv, cg, kmax, m_map.group);
        validate();
        if (m_chip) prepare_chip(kmax);
        // K tiles: runs of k_groups chunk groups.
        const size_t kg = m_map.k_groups == 0 ? m_groups.size() : std::min<size_t>(m_map.k_groups, m_groups.size());
        for (size_t g0 = 0; g0 < m_groups.size(); g0 += kg) {
            KTile t;
            t.g0 = g0;
            t.gn = std::min(kg, m_groups.size() - g0);
            const ChunkGroup& first = m_groups[g0];
            const ChunkGroup& last = m_groups[g0 + t.gn - 1];
            t.c0 = first.first;
            t.cn = last.first + last.count - first.first;
            t.kstart = first.kstart;
            t.kcols = static_cast<uint32_t>(last.kstart + last.total - first.kstart);
            m_kt_chunks = std::max(m_kt_chunks, t.cn);
            m_kt_cols = std::max<uint64_t>(m_kt_cols, t.kcols);
            m_ktiles.push_back(t);
        }
        // A chunk group's buffer id is its index within the K tile (pop_id, qop_id). That names the same rows
        // in every K tile only when every K tile has the first tile's groups (a shorter last tile: a prefix).
        // When K tiles start at different phases of an uneven pattern (e.g. groups of 4, 4, 1 chunks per
        // filter position cut into tiles of 7 groups), group i of one tile overlaps group j > i of the tile
        // that held the slot before, and a load waiting only for the last reader of group i would overwrite
        // rows still to be read: then each slot is one buffer.
        m_group_ids = true;
        for (const KTile& t : m_ktiles) {
            const KTile& t0 = m_ktiles.front();
            for (size_t gl = 0; gl < t.gn; ++gl) {
                const ChunkGroup& a = m_groups[t0.g0 + gl];
                const ChunkGroup& b = m_groups[t.g0 + gl];
                if (a.first - t0.c0 != b.first - t.c0 || a.count != b.count ||
                    a.kstart - t0.kstart != b.kstart - t.kstart || a.total != b.total) {
                    m_group_ids = false;
                }
            }
        }
        const uint64_t tp = m_map.tile_p, tq = m_map.tile_q;
        m_tp_rows = m_chip && m_pix_is_p ? m_chip_tile_pixels : std::min<uint64_t>(tp, m_dims.p);
        m_tq_rows = m_chip && !m_pix_is_p ? m_chip_tile_pixels : std::min<uint64_t>(tq, m_dims.q);
        const uint64_t ptiles = m_chip && m_pix_is_p ? m_chip_tiles : ceil_div(m_dims.p, tp);
        const uint64_t qtiles = m_chip && !m_pix_is_p ? m_chip_tiles : ceil_div(m_dims.q, tq);
        m_qblocks = ceil_div(m_tq_rows, m_dims.q_block);
        m_outer_n = m_map.order == LoopOrder::PQ ? ptiles : qtiles;
        m_inner_n = m_map.order == LoopOrder::PQ ? qtiles : ptiles;
        // Slots: a buffer loaded once needs one; otherwise two (double buffering). Count the tile changes.
        {
            uint64_t pc = 0, qc = 0;
            std::tuple<uint64_t, uint64_t, size_t> pk{UINT64_MAX, 0, 0}, qk{UINT64_MAX, 0, 0};
            for_each_step([&](uint64_t g, uint64_t pi, uint64_t qi, size_t kt) {
                if (tile_key(g, pi, kt, true) != pk) { pk = tile_key(g, pi, kt, true); ++pc; }
                if (tile_key(g, qi, kt, false) != qk) { qk = tile_key(g, qi, kt, false); ++qc; }
            });
            m_pop_slots = pc > 1 ? 2 : 1;
            m_qop_slots = qc > 1 ? 2 : 1;
        }
        layout_memory();
    }

    // The tables the program's LoadIm2col instructions index: the layer's convolution, and with on-chip
    // im2col the natural-layout input tiles (conv 1).
    void add_convs(std::vector<ConvGeometry>& convs) const {
        if (m_lay.conv) convs.push_back(*m_lay.conv);
        if (m_chip) convs.push_back(m_tile_geom);
    }

    // The number of steps (one K tile of one P x Q tile each), after prepare().
    uint64_t step_count() const {
        return m_lay.view.count * m_outer_n * m_inner_n * m_ktiles.size();
    }

    // Step s of for_each_step's order. Steps carry state (buffer slots, what the array holds): call it for
    // s = 0, 1, 2, ... in turn.
    Step step_at(uint64_t s) {
        const bool inner = m_map.gemms_inner;
        const uint64_t kts = m_ktiles.size();
        const size_t kt = static_cast<size_t>(s % kts);
        s /= kts;
        const uint64_t i = s % m_inner_n;
        s /= m_inner_n;
        const uint64_t nb = inner ? m_lay.view.count : m_outer_n;
        const uint64_t b = s % nb, a = s / nb;
        const uint64_t g = inner ? b : a, o = inner ? a : b;
        return emit_step(g, m_map.order == LoopOrder::PQ ? o : i, m_map.order == LoopOrder::PQ ? i : o, kt);
    }

private:
    // Calls fn(gemm, p tile, q tile, K tile) for every step, in loop order (GEMMs outermost, or just inside
    // the outer tile loop with gemms_inner).
    template <class F>
    void for_each_step(F&& fn) const {
        const bool inner = m_map.gemms_inner;
        const uint64_t count = m_lay.view.count;
        for (uint64_t a = 0; a < (inner ? m_outer_n : count); ++a)
            for (uint64_t b = 0; b < (inner ? count : m_outer_n); ++b)
                for (uint64_t i = 0; i < m_inner_n; ++i)
                    for (size_t kt = 0; kt < m_ktiles.size(); ++kt) {
                        const uint64_t g = inner ? b : a, o = inner ? a : b;
                        fn(g, m_map.order == LoopOrder::PQ ? o : i, m_map.order == LoopOrder::PQ ? i : o, kt);
                    }
    }

    // What a P (or Q) operand buffer holds at a step: its tile; the pixel tile of gemms_inner is every GEMM's.
    std::tuple<uint64_t, uint64_t, size_t> tile_key(uint64_t g, uint64_t tile, size_t kt, bool p_dim) const {
        const bool shared = m_map.gemms_inner && p_dim == m_pix_is_p;
        return std::make_tuple(shared ? 0 : g, tile, kt);
    }

    struct KTile {
        size_t g0 = 0, gn = 0;   // chunk groups
        size_t c0 = 0, cn = 0;   // chunks
        uint64_t kstart = 0;
        uint32_t kcols = 0;
    };

    [[noreturn]] void refuse(const std::string& what) const {
        const std::string where = m_cfg.source_path.empty() ? std::string("config") : m_cfg.source_path;
        throw InputError(fmt::format("{}: mapping {} does not fit: {}", where, describe(m_map), what));
    }

    void validate() const {
        if (m_map.tile_p == 0) refuse("tile_p must be at least 1");
        if (m_map.tile_q == 0) refuse("tile_q must be at least 1");
        if (m_map.group == 0) refuse("group must be at least 1");
        const bool q_is_pixels = m_chip && !m_pix_is_p;  // on-chip IS: Q tiles are output rows instead
        if (!q_is_pixels && m_map.tile_q < m_dims.q && m_map.tile_q % m_dims.q_block != 0) {
            refuse(fmt::format("tile_q must be a multiple of {} (the array's columns) or at least {}", m_dims.q_block, m_dims.q));
        }
        if (m_chip && !m_lay.is_conv) refuse("im2col=chip needs a convolution");
        if (m_chip && m_map.k_groups != 0) refuse("im2col=chip needs the whole reduction in one K tile (k=all)");
        if (!m_chip && m_map.gemms_inner) refuse("gemms_inner needs im2col=chip");
    }

    // On-chip im2col: pixel tiles of whole output rows of one image, loaded with their halo in natural
    // layout (conv 1 of the program: the input seen as a 1x1 convolution over the padded tile area, so the
    // padding is written as zeros and never read from DRAM).
    void prepare_chip(uint32_t kchan) {
        const ConvGeometry& g = *m_lay.conv;
        const uint64_t tile = m_pix_is_p ? m_map.tile_p : m_map.tile_q;
        const uint64_t image = uint64_t{g.out_h} * g.out_w;
        if (tile < image && tile % g.out_w != 0) {
            refuse(fmt::format("with im2col=chip the pixel tile must be a multiple of {} (a whole output row) or at "
                               "least {} (a whole image)", g.out_w, image));
        }
        m_kernel_h = m_lay.conv_positions / g.kernel_w;
        m_tile_out_rows = static_cast<uint32_t>(tile >= image ? g.out_h : tile / g.out_w);
        m_tiles_per_image = ceil_div(g.out_h, m_tile_out_rows);
        m_chip_tiles = g.batch * m_tiles_per_image;
        m_chip_tile_pixels = uint64_t{m_tile_out_rows} * g.out_w;
        m_kchan = kchan;
        m_chan_blocks = static_cast<uint32_t>(ceil_div(m_lay.conv_in_c_per_group, kchan));
        if (m_map.gemms_inner) {
            if ((m_map.order == LoopOrder::PQ) != m_pix_is_p) {
                refuse(fmt::format("gemms_inner needs the pixel tiles outermost (order {})", m_pix_is_p ? "PQ" : "QP"));
            }
            if (m_lay.conv_in_c_per_group % kchan != 0) {
                refuse(fmt::format("gemms_inner needs the {} channels per GEMM in whole blocks of {}",
                                   m_lay.conv_in_c_per_group, kchan));
            }
            m_chan_blocks = g.in_c / kchan;  // every GEMM's channels
        }
        m_tile_w = (g.out_w - 1) * g.stride_w + (g.kernel_w - 1) * g.dilation_w + 1;
        m_tile_h = tile_in_rows(m_tile_out_rows);
        m_region_rows = uint64_t{m_tile_h} * m_tile_w;
        m_tile_geom = g;
        m_tile_geom.out_h = tile_in_rows(g.out_h);
        m_tile_geom.out_w = m_tile_w;
        m_tile_geom.kernel_w = 1;
        m_tile_geom.stride_h = m_tile_geom.stride_w = 1;
        m_tile_geom.dilation_h = m_tile_geom.dilation_w = 1;
    }

    // Padded input rows that `out_rows` output rows read.
    uint32_t tile_in_rows(uint32_t out_rows) const {
        const ConvGeometry& g = *m_lay.conv;
        return (out_rows - 1) * g.stride_h + (m_kernel_h - 1) * g.dilation_h + 1;
    }

    // The buffer id part of chunk group `gl` of a K tile (see m_group_ids).
    size_t buffer_group(size_t gl) const { return m_group_ids ? gl : 0; }

    // First element and length of tile `i` of the P (or Q) dimension.
    std::pair<uint64_t, uint32_t> tile_range(uint64_t i, bool p_dim) const {
        if (m_chip && p_dim == m_pix_is_p) {
            const ConvGeometry& g = *m_lay.conv;
            const uint64_t img = i / m_tiles_per_image, r0 = (i % m_tiles_per_image) * m_tile_out_rows;
            const uint64_t rows = std::min<uint64_t>(m_tile_out_rows, g.out_h - r0);
            return {(img * g.out_h + r0) * g.out_w, static_cast<uint32_t>(rows * g.out_w)};
        }
        const uint64_t t = p_dim ? m_map.tile_p : m_map.tile_q, dim = p_dim ? m_dims.p : m_dims.q;
        return {i * t, static_cast<uint32_t>(std::min<uint64_t>(t, dim - i * t))};
    }

    // The load of pixel tile `i` (on-chip im2col): every channel block of the tile's padded input rows.
    Instruction load_pixel_tile(uint64_t g, uint64_t i, uint64_t local_row) const {
        const ConvGeometry& cg = *m_lay.conv;
        const uint64_t img = i / m_tiles_per_image, r0 = (i % m_tiles_per_image) * m_tile_out_rows;
        const uint32_t out_rows = static_cast<uint32_t>(std::min<uint64_t>(m_tile_out_rows, cg.out_h - r0));
        Instruction in;
        in.op = Opcode::LoadIm2col;
        in.conv = 1;
        in.local_row = local_row;
        in.rows = tile_in_rows(out_rows) * m_tile_w;
        in.pixel0 = (img * m_tile_geom.out_h + r0 * cg.stride_h) * m_tile_w;
        in.pos0 = 0;
        in.npos = 1;
        in.chan0 = m_map.gemms_inner ? 0 : m_lay.gemms[g].a_chan0;
        in.chan_count = m_map.gemms_inner ? cg.in_c : m_lay.conv_in_c_per_group;
        in.elems = in.chan_count;
        in.block_elems = m_kchan;
        in.block_stride = m_region_rows;
        return in;
    }

    // Appends the load of pixel tile `i` at `local_row` to the step; it writes buffer `id`.
    void add_pixel_tile_load(Step& st, uint64_t g, uint64_t i, uint64_t local_row, int64_t id) const {
        add_load(st, load_pixel_tile(g, i, local_row), id);
    }

    // Points `ex`'s pixel operand at the window of chunk `c` for the pixels [off, off + count) of the pixel
    // tile whose natural-layout copy starts at scratchpad row `slot_base`.
    void set_window(Instruction& ex, uint64_t gemm, const KChunk& c, uint64_t slot_base, uint64_t off) const {
        const ConvGeometry& g = *m_lay.conv;
        const uint32_t r = c.pos0 / g.kernel_w, s = c.pos0 % g.kernel_w;
        const uint64_t oh = off / g.out_w, ow = off % g.out_w;
        const uint64_t chan = (m_map.gemms_inner ? m_lay.gemms[gemm].a_chan0 : 0) + c.chan0;
        const uint64_t row = slot_base + chan / m_kchan * m_region_rows +
                             (oh * g.stride_h + uint64_t{r} * g.dilation_h) * m_tile_w + ow * g.stride_w +
                             uint64_t{s} * g.dilation_w;
        (m_pix_is_p ? ex.a_row : ex.b_row) = row;
        ex.win_w = g.out_w;
        ex.win_x0 = static_cast<uint32_t>(ow);
        ex.win_col_step = g.stride_w;
        ex.win_line_step = g.stride_h * m_tile_w - (g.out_w - 1) * g.stride_w;
    }

    // Scratchpad: [P operand slots][Q operand slots]; accumulator: two slots (up to four for a residual add).
    void layout_memory() {
        const uint64_t tp_eff = m_tp_rows, tq_eff = m_tq_rows;
        const uint64_t chip_rows = uint64_t{m_chan_blocks} * m_region_rows;
        m_pop_slot_rows = m_chip && m_pix_is_p ? chip_rows : m_kt_chunks * tp_eff;
        m_qop_slot_rows = m_chip && !m_pix_is_p ? chip_rows
                          : m_cfg.array.dataflow == Dataflow::OS ? m_qblocks * m_kt_cols
                                                                 : m_kt_chunks * tq_eff;
        const uint64_t need = m_pop_slots * m_pop_slot_rows + m_qop_slots * m_qop_slot_rows;
        if (need > m_cfg.derived.spad_rows) {
            refuse(fmt::format("needs {} scratchpad rows, the config has {}", need, m_cfg.derived.spad_rows));
        }
        m_qop_base = m_pop_slots * m_pop_slot_rows;
        // K in one tile: an accumulator unit is one Q block of the tile; else the whole tile.
        m_acc_unit_rows = m_ktiles.size() == 1 ? tp_eff : tp_eff * m_qblocks;
        if (2 * m_acc_unit_rows > m_cfg.derived.acc_rows) {
            refuse(fmt::format("needs {} accumulator rows, the config has {}", 2 * m_acc_unit_rows, m_cfg.derived.acc_rows));
        }
        // A fused residual add LOADs each unit's shortcut into its slot once the STORE of the slot's previous
        // unit has read it out (at the pace of its DRAM writes): with a third slot, when it fits, that STORE
        // is one unit further back and the load unit need not wait behind it.
        // Slots in different banks when each bank holds its share of them: the STORE of one unit, and a
        // residual layer's shortcut LOAD of the next, then use another bank than the EXECUTEs of this one.
        const uint64_t bank_rows = m_cfg.derived.acc_rows_per_bank;
        const auto spread_of = [&](uint64_t slots) -> uint64_t {
            const uint64_t spread = std::min<uint64_t>(m_cfg.accumulator.banks, slots);
            return spread > 1 && ceil_div(slots, spread) * m_acc_unit_rows <= bank_rows ? spread : 1;
        };
        m_acc_slots = 2;
        m_acc_spread = spread_of(2);
        // A residual layer takes up to four slots when they fit (spread over the banks as evenly): the STORE its
        // shortcut LOAD waits for is then further back, and more of those LOADs run ahead of the next step's.
        for (uint64_t slots = 3; m_lay.residual_bytes > 0 && slots <= 4; ++slots) {
            const uint64_t spread = spread_of(slots);
            if (slots * m_acc_unit_rows > m_cfg.derived.acc_rows || (spread < m_acc_spread)) break;
            m_acc_slots = slots;
            m_acc_spread = spread;
        }
    }

    Step emit_step(uint64_t g, uint64_t pi, uint64_t qi, size_t kt) {
        Step st;
        const Dataflow df = m_cfg.array.dataflow;
        const KTile& t = m_ktiles[kt];
        const auto [p0, plen] = tile_range(pi, true);
        const auto [q0, qlen] = tile_range(qi, false);
        const uint64_t tp_rows = m_tp_rows, tq_rows = m_tq_rows;
        const bool chip_p = m_chip && m_pix_is_p, chip_q = m_chip && !m_pix_is_p;

        // P operand tile (g, pi, kt).
        const auto pkey = tile_key(g, pi, kt, true);
        if (!m_has_pop || pkey != m_pop_key) {
            m_has_pop = true;
            m_pop_key = pkey;
            m_pop_slot = m_pop_count++ % m_pop_slots;
            const uint64_t base = m_pop_slot * m_pop_slot_rows;
            if (chip_p) add_pixel_tile_load(st, g, pi, base, pop_id(m_pop_slot, 0));
            for (size_t gl = 0; gl < t.gn && !chip_p; ++gl) {
                const ChunkGroup& grp = m_groups[t.g0 + gl];
                const uint64_t row = base + (grp.first - t.c0) * tp_rows;
                add_load(st, df == Dataflow::IS ? load_wt_rows(m_lay, g, p0, plen, grp, row, tp_rows)
                                                : load_a_rows(m_lay, g, p0, plen, grp, row, tp_rows),
                         pop_id(m_pop_slot, buffer_group(gl)));
            }
        }
        // Q operand tile (g, qi, kt).
        const auto qkey = tile_key(g, qi, kt, false);
        if (!m_has_qop || qkey != m_qop_key) {
            m_has_qop = true;
            m_qop_key = qkey;
            m_qop_slot = m_qop_count++ % m_qop_slots;
            ++m_qop_version;
            const uint64_t base = m_qop_base + m_qop_slot * m_qop_slot_rows;
            if (chip_q) add_pixel_tile_load(st, g, qi, base, qop_id(m_qop_slot, 0));
            for (size_t gl = 0; gl < t.gn && !chip_q; ++gl) {
                const ChunkGroup& grp = m_groups[t.g0 + gl];
                if (df == Dataflow::OS) {
                    for (uint64_t j = 0; j < ceil_div(qlen, m_dims.q_block); ++j) {
                        const uint64_t n0 = q0 + j * m_dims.q_block;
                        const uint32_t nl = static_cast<uint32_t>(std::min<uint64_t>(m_dims.q_block, q0 + qlen - n0));
                        add_load(st, load_b_rows(m_lay, g, n0, nl, grp, base + j * m_kt_cols + (grp.kstart - t.kstart)),
                                 qop_id(m_qop_slot, buffer_group(gl)));
                    }
                } else {
                    const uint64_t row = base + (grp.first - t.c0) * tq_rows;
                    add_load(st, df == Dataflow::IS ? load_a_rows(m_lay, g, q0, qlen, grp, row, tq_rows)
                                                    : load_wt_rows(m_lay, g, q0, qlen, grp, row, tq_rows),
                             qop_id(m_qop_slot, buffer_group(gl)));
                }
            }
        }

        const bool k_whole = m_ktiles.size() == 1;
        const uint64_t nqb = ceil_div(qlen, m_dims.q_block);
        const uint32_t pblock = m_dims.p_block == 0 ? plen : m_dims.p_block;
        if (!k_whole && kt == 0) m_acc_slot = m_acc_count++ % m_acc_slots;
        for (uint64_t j = 0; j < nqb; ++j) {
            if (k_whole) m_acc_slot = m_acc_count++ % m_acc_slots;
            const uint64_t unit_base = acc_slot_base(m_acc_slot) + (k_whole ? 0 : j * tp_rows);
            const uint64_t n0 = q0 + j * m_dims.q_block;
            const uint32_t nl = static_cast<uint32_t>(std::min<uint64_t>(m_dims.q_block, q0 + qlen - n0));
            const bool residual = m_lay.residual_bytes > 0;
            if (residual && kt == 0) {
                // The shortcut first: the sums of every K tile add to it. It waits for the STORE of the slot's
                // previous unit: ahead of the next step's loads when that STORE is in an earlier step (K
                // tiled: the step's only slot; K whole: its first m_acc_slots units), else in the body.
                BufferUse u;
                u.writes = acc_id(m_acc_slot);
                const bool early = !k_whole || j < m_acc_slots;
                (early ? st.early : st.body).push_back(load_shortcut(m_lay, store_of(g, unit_base, p0, plen, n0, nl)));
                (early ? st.early_uses : st.body_uses).push_back(u);
            }
            for (uint32_t s0 = 0; s0 < plen; s0 += pblock) {
                const uint32_t ml = std::min(pblock, plen - s0);
                for (size_t c = t.c0; c < t.c0 + t.cn; ++c) {
                    // The chunk's group within the K tile.
                    size_t gl = 0;
                    while (t.g0 + gl + 1 < t.g0 + t.gn && m_groups[t.g0 + gl + 1].first <= c) ++gl;
                    const ChunkGroup& grp = m_groups[t.g0 + gl];
                    Instruction ex;
                    ex.op = Opcode::Execute;
                    const uint64_t pop_base = m_pop_slot * m_pop_slot_rows;
                    const uint64_t qop_base = m_qop_base + m_qop_slot * m_qop_slot_rows;
                    ex.a_row = pop_base + (c - t.c0) * tp_rows + s0;
                    ex.b_row = df == Dataflow::OS ? qop_base + j * m_kt_cols + (m_chunks[c].kstart - t.kstart)
                                                  : qop_base + (c - t.c0) * tq_rows + j * m_dims.q_block;
                    if (chip_p) set_window(ex, g, m_chunks[c], pop_base, s0);
                    if (chip_q) set_window(ex, g, m_chunks[c], qop_base, j * m_dims.q_block);
                    ex.c_row = unit_base + s0;
                    ex.m = ml;
                    ex.n = nl;
                    ex.k = m_chunks[c].klen;
                    ex.accumulate = c > 0 || residual;
                    if (df != Dataflow::OS) {
                        // The stationary block already in the array is used again when it is the same data.
                        const auto stat = std::make_tuple(m_qop_version, ex.b_row, ex.n, ex.k);
                        ex.preload = !(m_has_stat && stat == m_stat);
                        m_stat = stat;
                        m_has_stat = true;
                    }
                    (void)grp;
                    BufferUse u;
                    u.reads[0] = pop_id(m_pop_slot, chip_p ? 0 : buffer_group(gl));
                    u.reads[1] = qop_id(m_qop_slot, chip_q ? 0 : buffer_group(gl));
                    u.writes = acc_id(m_acc_slot);
                    st.body.push_back(ex);
                    st.body_uses.push_back(u);
                }
            }
            if (k_whole || kt + 1 == m_ktiles.size()) {
                const Instruction so = store_of(g, unit_base, p0, plen, n0, nl);
                BufferUse u;
                u.reads[0] = acc_id(m_acc_slot);
                st.body.push_back(so);
                st.body_uses.push_back(u);
            }
        }
        return st;
    }

    // The STORE of output rows [p0, p0+plen) x columns [n0, n0+nl) of GEMM g from accumulator row c_row.
    Instruction store_of(uint64_t g, uint64_t c_row, uint64_t p0, uint32_t plen, uint64_t n0, uint32_t nl) const {
        Instruction so;
        so.op = Opcode::Store;
        so.c_row = c_row;
        so.rows = plen;
        so.elems = nl;
        const GemmAddrs& ga = m_lay.gemms[g];
        so.dram_addr = ga.c_addr + (p0 * ga.c_row_stride + n0) * m_lay.operand_bytes;
        so.dram_stride = ga.c_row_stride * m_lay.operand_bytes;
        so.shift = m_lay.shift;
        so.relu = m_lay.relu;
        return so;
    }

    const Config& m_cfg;
    const LayerLayout& m_lay;
    const Mapping m_map;
    PqDims m_dims;
    std::vector<KChunk> m_chunks;
    std::vector<ChunkGroup> m_groups;
    std::vector<KTile> m_ktiles;
    size_t m_kt_chunks = 0;       // most chunks in a K tile
    uint64_t m_kt_cols = 0;       // most reduction columns in a K tile (OS: rows of a Q block's weights)
    bool m_group_ids = true;      // each chunk group of a K tile is a buffer of its own (else each slot is one)
    uint64_t m_qblocks = 0;       // Q blocks in a full Q tile
    uint64_t m_outer_n = 0, m_inner_n = 0;  // tiles of the outer and the inner loop
    uint64_t m_pop_slots = 2, m_qop_slots = 2;
    uint64_t m_pop_slot_rows = 0, m_qop_slot_rows = 0, m_qop_base = 0;
    uint64_t m_acc_unit_rows = 0;
    uint64_t m_tp_rows = 0, m_tq_rows = 0;  // rows of a full P / Q tile (pixels, channels or GEMM rows)
    // On-chip im2col (m_chip): pixel tiles of m_tile_out_rows output rows; their input is stored as
    // m_chan_blocks regions of m_tile_h x m_tile_w padded pixels, one scratchpad row per pixel and block.
    bool m_chip = false;
    bool m_pix_is_p = true;                // the pixel operand is the P operand (WS, OS), else Q (IS)
    uint32_t m_kernel_h = 1, m_tile_out_rows = 0, m_tile_h = 0, m_tile_w = 0, m_kchan = 0, m_chan_blocks = 0;
    uint64_t m_tiles_per_image = 0, m_chip_tiles = 0, m_chip_tile_pixels = 0, m_region_rows = 0;
    ConvGeometry m_tile_geom;              // program.convs[1]: the padded input as a 1x1 convolution
    // Which tile each buffer holds now.
    bool m_has_pop = false, m_has_qop = false;
    std::tuple<uint64_t, uint64_t, size_t> m_pop_key, m_qop_key;
    uint64_t m_pop_slot = 0, m_qop_slot = 0, m_pop_count = 0, m_qop_count = 0, m_qop_version = 0;
    uint64_t m_acc_slot = 0, m_acc_count = 0;
    uint64_t m_acc_slots = 2;     // accumulator slots the units rotate through
    uint64_t m_acc_spread = 1;    // banks the slots are spread over (slot s in bank s % spread)
    uint64_t acc_slot_base(uint64_t s) const {
        return m_acc_spread == 1 ? s * m_acc_unit_rows
                                 : (s % m_acc_spread) * m_cfg.derived.acc_rows_per_bank + (s / m_acc_spread) * m_acc_unit_rows;
    }
    bool m_has_stat = false;
    std::tuple<uint64_t, uint64_t, uint32_t, uint32_t> m_stat;  // (Q version, b_row, n, k) in the array
};

}  // namespace sasim::mapped_detail
