// SPDX-License-Identifier: MIT
#include <algorithm>
#include <set>

#include "common/errors.h"
#include "compiler/mapping.h"

namespace sasim {
namespace {

// base, 2*base, 4*base, ... below `whole`, then `whole`.
std::vector<uint64_t> doubling(uint64_t base, uint64_t whole) {
    std::vector<uint64_t> out;
    if (base == 0) base = 1;
    for (uint64_t v = base; v < whole; v *= 2) out.push_back(v);
    out.push_back(whole);
    return out;
}

}  // namespace

std::vector<Mapping> candidate_mappings(const Layer& layer, const Config& cfg) {
    const LayerLayout lay = plan_layout(layer, cfg);
    const PqDims d = pq_dims(lay, cfg);
    const std::vector<KChunk> chunks = lay.is_conv ? make_chunks_conv(lay.conv_positions, lay.conv_in_c_per_group, d.kmax)
                                                   : make_chunks_gemm(lay.view.k, d.kmax);
    std::vector<uint32_t> group_sizes = {1};
    const uint32_t wide = wide_load_target(cfg, d.kmax);
    for (uint32_t g = 2; g <= wide; g *= 2) group_sizes.push_back(g);
    if (wide > 1 && group_sizes.back() != wide) group_sizes.push_back(wide);

    std::vector<Mapping> out;
    std::set<std::vector<size_t>> seen_groupings;
    const uint64_t p_base = std::max<uint32_t>(cfg.array.rows, 16);
    for (uint32_t group : group_sizes) {
        const auto groups = group_chunks(chunks, lay.is_conv, lay.conv_in_c_per_group, d.kmax, group);
        std::vector<size_t> firsts;
        for (const auto& g : groups) firsts.push_back(g.first);
        if (!seen_groupings.insert(firsts).second) continue;  // same grouping as a smaller target
        std::vector<uint32_t> kgs = {0};
        for (uint32_t kg = 1; kg < groups.size(); kg *= 2) kgs.push_back(kg);
        const std::vector<uint64_t> tqs = doubling(d.q_block, d.q);
        for (uint32_t kg : kgs) {
            for (uint64_t tq : tqs) {
                // tile_p: doubling from the array's depth, plus the largest that fits (binary search).
                std::vector<uint64_t> tps = doubling(std::min<uint64_t>(p_base, d.p), d.p);
                auto fits = [&](uint64_t tp) {
                    Mapping m{LoopOrder::PQ, static_cast<uint32_t>(tp), static_cast<uint32_t>(tq), kg, group};
                    try {
                        check_mapping_fits(lay, cfg, m);
                        return true;
                    } catch (const InputError&) {
                        return false;
                    }
                };
                uint64_t lo = 0, hi = d.p;  // largest tp in [1, p] that fits
                while (lo < hi) {
                    const uint64_t mid = (lo + hi + 1) / 2;
                    if (fits(mid)) lo = mid; else hi = mid - 1;
                }
                if (lo == 0) continue;
                if (lo % d.q_block != 0 && lo > p_base) tps.push_back(lo / p_base * p_base);
                tps.push_back(lo);
                std::sort(tps.begin(), tps.end());
                tps.erase(std::unique(tps.begin(), tps.end()), tps.end());
                for (uint64_t tp : tps) {
                    if (tp != lo && !fits(tp)) continue;
                    const bool one_p = tp >= d.p, one_q = tq >= d.q;
                    for (LoopOrder o : {LoopOrder::PQ, LoopOrder::QP}) {
                        if (o == LoopOrder::QP && (one_p || one_q)) continue;  // both orders are the same program
                        out.push_back(Mapping{o, static_cast<uint32_t>(tp), static_cast<uint32_t>(tq), kg, group});
                    }
                }
            }
        }
    }
    return out;
}

}  // namespace sasim
