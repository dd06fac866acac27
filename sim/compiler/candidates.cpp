// SPDX-License-Identifier: MIT
// The mapper's candidate space (docs/mapper.md, "Search space"). It is kept small on purpose: every
// candidate whose lower bound is below the best simulated cycles is simulated, and the bounds of most
// candidates are the compute bound, so the size of the space is the cost of the search.
#include <algorithm>

#include "common/errors.h"
#include "compiler/mapping.h"

namespace sasim {
namespace {

bool mapping_fits(const LayerLayout& lay, const Config& cfg, const Mapping& m) {
    try {
        check_mapping_fits(lay, cfg, m);
        return true;
    } catch (const InputError&) {
        return false;
    }
}

// The largest v in [1, hi] for which fits(v) holds (fits is monotone: a smaller tile never needs more
// memory), or 0 when none does.
template <class F>
uint64_t largest_fit(uint64_t hi, F&& fits) {
    uint64_t lo = 0;
    while (lo < hi) {
        const uint64_t mid = (lo + hi + 1) / 2;
        if (fits(mid)) lo = mid; else hi = mid - 1;
    }
    return lo;
}

// Sizes tried for a tile whose largest fitting size is `best` (a multiple of `unit` unless it is `whole`):
// `best`, and `best` / 2 rounded down to `unit` (a smaller tile starts the pipeline sooner).
std::vector<uint64_t> near_largest(uint64_t best, uint64_t unit) {
    std::vector<uint64_t> out = {best};
    const uint64_t half = best / 2 / unit * unit;
    if (half >= unit && half < best) out.push_back(half);
    return out;
}

struct Space {
    const LayerLayout& lay;
    const Config& cfg;
    std::vector<Mapping>& out;
    uint32_t pack = 1;  // groups per GEMM of `lay` (layout.h)
    bool gemms_inner = false;  // on-chip im2col: the GEMMs share each pixel tile (only the pixel-outer order)

    // For one (im2col, wide-load group, K tiling): the Q tile doubling from the array's block (so the
    // resident operand may be small or whole), and for each the largest P tile that fits and smaller ones.
    // When the pixel operand is Q (on-chip IS), the roles are swapped. Both loop orders.
    void add(Im2col im2col, uint32_t group, uint32_t k_groups) {
        const PqDims d = pq_dims(lay, cfg);
        const bool chip = im2col == Im2col::Chip;
        const bool pix_is_p = cfg.array.dataflow != Dataflow::IS;
        const uint64_t out_w = chip ? lay.conv->out_w : 1;
        const uint64_t pix_whole = chip ? uint64_t{lay.conv->out_h} * out_w : 0;
        // The swept dimension ("other") and the one sized to fit ("fitted").
        const bool fitted_is_p = !chip || pix_is_p;
        const uint64_t other_dim = fitted_is_p ? d.q : d.p;
        const uint64_t other_unit = fitted_is_p ? d.q_block : std::max<uint32_t>(cfg.array.rows, 16);
        const uint64_t fitted_dim = chip ? pix_whole : d.p;
        const uint64_t fitted_unit = chip ? out_w : std::min<uint64_t>(std::max<uint32_t>(cfg.array.rows, 16), d.p);
        auto make = [&](LoopOrder o, uint64_t fitted, uint64_t other) {
            Mapping m;
            m.order = o;
            m.tile_p = static_cast<uint32_t>(fitted_is_p ? fitted : other);
            m.tile_q = static_cast<uint32_t>(fitted_is_p ? other : fitted);
            m.k_groups = k_groups;
            m.group = group;
            m.im2col = im2col;
            m.pack = pack;
            m.gemms_inner = gemms_inner;
            return m;
        };
        std::vector<uint64_t> others;
        for (uint64_t v = std::min(other_unit, other_dim); v < other_dim; v *= 2) others.push_back(v);
        others.push_back(other_dim);
        for (uint64_t other : others) {
            // In fitted units (output rows when chip), so every tried size is valid.
            const uint64_t units = (fitted_dim + fitted_unit - 1) / fitted_unit;
            const LoopOrder fit_order = gemms_inner && !pix_is_p ? LoopOrder::QP : LoopOrder::PQ;
            const uint64_t best_units = largest_fit(units, [&](uint64_t u) {
                return mapping_fits(lay, cfg, make(fit_order, std::min(u * fitted_unit, fitted_dim), other));
            });
            if (best_units == 0) continue;
            for (uint64_t u : near_largest(best_units, 1)) {
                const uint64_t fitted = std::min(u * fitted_unit, fitted_dim);
                const bool one_fitted = fitted >= fitted_dim && (!chip || lay.conv->batch == 1);
                const bool one_other = other >= other_dim;
                for (LoopOrder o : {LoopOrder::PQ, LoopOrder::QP}) {
                    if (gemms_inner && o != fit_order) continue;  // the pixel tiles must be outermost
                    if (!gemms_inner && o == LoopOrder::QP && (one_fitted || one_other)) continue;  // the same program
                    out.push_back(make(o, fitted, other));
                }
            }
        }
    }
};

// The families of one layout (`pack` groups per GEMM) into `out`.
void add_layout_candidates(const LayerLayout& lay, const Config& cfg, uint32_t pack, std::vector<Mapping>& out) {
    const PqDims d = pq_dims(lay, cfg);
    const uint32_t cg = lay.conv_in_c_per_group;
    Space space{lay, cfg, out, pack};

    // Wide loads of the widest group (the largest DMA requests); K whole, and only when nothing fits that
    // way, K cut into 2, 4, 8, ... tiles; single-chunk groups only when no wide mapping fits at all.
    auto add_family = [&](Im2col im2col, uint32_t kchan) {
        if (im2col == Im2col::Chip && !lay.is_conv) return;
        const std::vector<KChunk> chunks =
            lay.is_conv ? make_chunks_conv(lay.conv_positions, cg, kchan) : make_chunks_gemm(lay.view.k, kchan);
        for (uint32_t group : {wide_load_target(cfg, kchan), 1u}) {
            const size_t before = out.size();
            space.add(im2col, group, 0);
            const size_t groups = group_chunks(chunks, lay.is_conv, cg, kchan, group).size();
            for (size_t parts = 2; out.size() == before && im2col == Im2col::Dram && parts / 2 < groups; parts *= 2) {
                space.add(im2col, group, static_cast<uint32_t>((groups + parts - 1) / parts));
            }
            if (out.size() > before) return;
        }
    };
    add_family(Im2col::Dram, d.kmax);
    // On-chip im2col: one chunk per filter position (as the emitter cuts them), K whole; with several GEMMs
    // also with the GEMMs sharing each pixel tile, when their channels split into whole blocks.
    const uint32_t kchan = std::min(d.kmax, std::max<uint32_t>(cg, 1));
    add_family(Im2col::Chip, kchan);
    if (lay.is_conv && lay.view.count > 1 && cg % kchan == 0) {
        space.gemms_inner = true;
        add_family(Im2col::Chip, kchan);
        space.gemms_inner = false;
    }
}

}  // namespace

std::vector<Mapping> candidate_mappings(const Layer& layer, const Config& cfg) {
    std::vector<Mapping> out;
    add_layout_candidates(plan_layout(layer, cfg), cfg, 1, out);
    // Grouped convolutions: also the most groups per GEMM whose channels fit the array's depth (a divisor of
    // the groups), so that a depthwise layer fills the array's rows and columns.
    if (layer.kind == LayerKind::Conv && layer.conv.groups > 1) {
        const uint32_t cg = layer.conv.in_c / layer.conv.groups;
        const uint32_t kmax = pq_dims(plan_layout(layer, cfg), cfg).kmax;
        uint32_t pack = 1;
        for (uint32_t p = 2; p <= layer.conv.groups && p * cg <= kmax; ++p) {
            if (layer.conv.groups % p == 0) pack = p;
        }
        if (pack > 1) add_layout_candidates(plan_layout(layer, cfg, pack), cfg, pack, out);
    }
    return out;
}

}  // namespace sasim
