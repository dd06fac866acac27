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

TilePlan plan_tiles(const Config& cfg, uint64_t count, uint64_t m, uint64_t n, size_t chunks) {
    TilePlan p;
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
    if (res_all + 2 * want_min <= spad) {
        p.resident = true;
        tile = std::min<uint64_t>(cap, (spad - res_all) / 2);
        p.res_region_rows = chunks * p.res_rows_per_chunk;
    } else {
        p.resident = false;
        p.res_regions = 2;
        p.res_region_rows = p.res_rows_per_chunk;
        const uint64_t res = 2 * p.res_region_rows;
        if (spad < res + 2) {
            // The smallest scratchpad that works: whichever layout needs fewer rows.
            const uint64_t need_rows = std::min(res + 2, res_all + 2 * want_min);
            throw InputError(fmt::format(
                "{}: scratchpad.capacity_kib: scratchpad too small for one tile with double buffering "
                "(has {} rows of {} bytes, needs at least {} rows: {} KiB)",
                where, spad, d.spad_row_bytes, need_rows, (need_rows * d.spad_row_bytes + 1023) / 1024));
        }
        tile = std::min<uint64_t>(cap, (spad - res) / 2);
    }
    p.inner_tile = static_cast<uint32_t>(tile);
    p.tile_slot_rows = tile;
    p.res_base[0] = 0;
    p.res_base[1] = p.res_regions > 1 ? p.res_region_rows : 0;
    const uint64_t tiles_start = uint64_t{p.res_regions} * p.res_region_rows;
    p.tile_base[0] = tiles_start;
    p.tile_base[1] = tiles_start + tile;
    p.acc_slot_rows = tile;
    p.acc_base[0] = 0;
    p.acc_base[1] = tile;
    return p;
}

}  // namespace sasim
