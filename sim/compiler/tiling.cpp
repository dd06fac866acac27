// SPDX-License-Identifier: MIT
#include "compiler/tiling.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/errors.h"

namespace sasim {

std::vector<KChunk> make_chunks_gemm(uint64_t k, uint32_t kmax) {
    std::vector<KChunk> out;
    for (uint64_t k0 = 0; k0 < k; k0 += kmax) {
        KChunk c;
        c.kstart = k0;
        c.klen = static_cast<uint32_t>(std::min<uint64_t>(kmax, k - k0));
        c.chan_count = c.klen;
        out.push_back(c);
    }
    return out;
}

std::vector<KChunk> make_chunks_conv(uint32_t positions, uint32_t chans, uint32_t kmax) {
    std::vector<KChunk> out;
    if (chans >= kmax) {
        for (uint32_t p = 0; p < positions; ++p) {
            for (uint32_t c0 = 0; c0 < chans; c0 += kmax) {
                KChunk c;
                c.pos0 = p;
                c.npos = 1;
                c.chan0 = c0;
                c.chan_count = std::min(kmax, chans - c0);
                c.kstart = uint64_t{p} * chans + c0;
                c.klen = c.chan_count;
                out.push_back(c);
            }
        }
    } else {
        const uint32_t per = kmax / chans;  // whole positions per chunk
        for (uint32_t p0 = 0; p0 < positions; p0 += per) {
            KChunk c;
            c.pos0 = p0;
            c.npos = std::min(per, positions - p0);
            c.chan0 = 0;
            c.chan_count = chans;
            c.kstart = uint64_t{p0} * chans;
            c.klen = c.npos * chans;
            out.push_back(c);
        }
    }
    return out;
}

std::vector<ChunkGroup> group_chunks(const std::vector<KChunk>& chunks, bool conv, uint32_t chans, uint32_t kmax,
                                     uint32_t target) {
    if (target == 0) target = 1;
    std::vector<ChunkGroup> out;
    auto close = [&](size_t first, size_t count) {
        ChunkGroup g;
        g.first = first;
        g.count = count;
        const KChunk& a = chunks[first];
        const KChunk& b = chunks[first + count - 1];
        g.kstart = a.kstart;
        g.block_elems = a.klen;
        g.total = static_cast<uint32_t>(b.kstart + b.klen - a.kstart);
        if (conv) {
            g.pos0 = a.pos0;
            if (a.pos0 == b.pos0 && a.npos == 1 && b.npos == 1) {
                g.npos = 1;
                g.chan0 = a.chan0;
                g.chan_count = g.total;
            } else {
                g.npos = b.pos0 + b.npos - a.pos0;
                g.chan0 = 0;
                g.chan_count = chans;
            }
        }
        out.push_back(g);
    };
    size_t first = 0;
    while (first < chunks.size()) {
        size_t count = 1;
        while (count < target && first + count < chunks.size()) {
            const KChunk& prev = chunks[first + count - 1];
            const KChunk& next = chunks[first + count];
            bool ok = true;
            if (prev.klen != chunks[first].klen) ok = false;  // only the group's last chunk may be narrower
            if (conv && chans >= kmax && next.pos0 != prev.pos0) {
                // Crossing into the next filter position: only whole positions of full-width chunks.
                ok = ok && chans % kmax == 0 && chunks[first].chan0 == 0;
                const size_t per_pos = chans / kmax;
                ok = ok && (count % per_pos == 0) && (count + per_pos <= target);
            }
            if (!ok) break;
            ++count;
        }
        close(first, count);
        first += count;
    }
    return out;
}

TilePlan plan_tiles(const Config& cfg, uint64_t count, uint64_t m, uint64_t n, size_t chunks, uint32_t group) {
    TilePlan p;
    if (group == 0) group = 1;
    p.group = group;
    const Dataflow df = cfg.array.dataflow;
    const uint32_t R = cfg.array.rows, C = cfg.array.cols;
    const DerivedConfig& d = cfg.derived;
    p.dataflow = df;
    p.kmax = df == Dataflow::OS ? d.spad_row_elems : R;
    p.chunks = chunks;
    p.outer_dim = df == Dataflow::IS ? m : n;
    p.inner_dim = df == Dataflow::IS ? n : m;
    p.outer_block = static_cast<uint32_t>(std::min<uint64_t>(C, p.outer_dim));
    p.res_rows_per_chunk = df == Dataflow::OS ? p.kmax : p.outer_block;

    const uint64_t spad = d.spad_rows;
    const uint64_t acc_half = d.acc_rows / 2;
    const std::string where = cfg.source_path.empty() ? std::string("config") : cfg.source_path;
    if (acc_half < 1 || (df == Dataflow::OS && acc_half < std::min<uint64_t>(R, p.inner_dim))) {
        const uint64_t need_rows = 2 * (df == Dataflow::OS ? std::min<uint64_t>(R, p.inner_dim) : 1);
        const uint64_t need = (need_rows * d.acc_row_bytes + 1023) / 1024;
        throw InputError(fmt::format(
            "{}: accumulator.capacity_kib: accumulator too small for one tile with double buffering "
            "(has {} rows of {} bytes, needs at least {} rows: {} KiB)",
            where, d.acc_rows, d.acc_row_bytes, need_rows, need));
    }
    uint64_t cap = std::min<uint64_t>(acc_half, p.inner_dim);
    if (df == Dataflow::OS) cap = std::min<uint64_t>(cap, R);

    const uint64_t outer_blocks = count * ((p.outer_dim + p.outer_block - 1) / p.outer_block);
    p.res_regions = outer_blocks > 1 ? 2 : 1;
    const uint64_t res_all = uint64_t{p.res_regions} * chunks * p.res_rows_per_chunk;
    const uint64_t want_min = std::min<uint64_t>(cap, R);
    uint64_t tile = 0;
    if (res_all + 2 * group * want_min <= spad) {
        p.resident = true;
        tile = std::min<uint64_t>(cap, (spad - res_all) / (2 * group));
        p.res_region_rows = chunks * p.res_rows_per_chunk;
    } else {
        p.resident = false;
        p.res_regions = 2;
        p.res_region_rows = uint64_t{group} * p.res_rows_per_chunk;
        const uint64_t res = 2 * p.res_region_rows;
        if (spad < res + 2 * group) {
            // The smallest scratchpad that works: whichever layout needs fewer rows.
            const uint64_t need_rows = std::min(res + 2 * group, res_all + 2 * group * want_min);
            throw InputError(fmt::format(
                "{}: scratchpad.capacity_kib: scratchpad too small for one tile with double buffering "
                "(has {} rows of {} bytes, needs at least {} rows: {} KiB)",
                where, spad, d.spad_row_bytes, need_rows, (need_rows * d.spad_row_bytes + 1023) / 1024));
        }
        tile = std::min<uint64_t>(cap, (spad - res) / (2 * group));
    }
    p.inner_tile = static_cast<uint32_t>(tile);
    p.tile_slot_rows = uint64_t{group} * tile;
    p.res_base[0] = 0;
    p.res_base[1] = p.res_regions > 1 ? p.res_region_rows : 0;
    const uint64_t tiles_start = uint64_t{p.res_regions} * p.res_region_rows;
    p.tile_base[0] = tiles_start;
    p.tile_base[1] = tiles_start + p.tile_slot_rows;
    p.acc_slot_rows = tile;
    p.acc_base[0] = 0;
    p.acc_base[1] = tile;
    return p;
}

}  // namespace sasim
