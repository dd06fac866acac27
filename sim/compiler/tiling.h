// SPDX-License-Identifier: MIT
// Tile arithmetic: how a GEMM is cut into reduction chunks and tiles that fit the scratchpad and the
// accumulator with double buffering (docs/isa.md, "Tiling"). Plain C++, tested without the kernel.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"

namespace sasim {

// A slice of the reduction dimension K handled by one EXECUTE.
// For convolutions, K is ordered (filter position, channel); a chunk covers either part of one filter
// position's channels, or several whole positions when a group has fewer channels than the array is deep.
struct KChunk {
    uint64_t kstart = 0;       // first column of K
    uint32_t klen = 0;         // columns in the chunk
    uint32_t pos0 = 0;         // conv: first filter position
    uint32_t npos = 1;         // conv: filter positions
    uint32_t chan0 = 0;        // conv: first channel within the group
    uint32_t chan_count = 0;   // conv: channels per position
};

// Chunks for a GEMM with reduction length k (gemm layers) or a conv with `positions` filter positions
// of `chans` channels each (conv layers; k == positions * chans). Every chunk has klen <= kmax.
std::vector<KChunk> make_chunks_gemm(uint64_t k, uint32_t kmax);
std::vector<KChunk> make_chunks_conv(uint32_t positions, uint32_t chans, uint32_t kmax);

// The tiling of one layer for one dataflow.
//   outer block: WS/OS cut N into blocks of <= cols; IS cuts M into blocks of <= cols.
//   inner tile:  WS/OS cut M into tiles; IS cuts N into tiles.
// The "resident" operand belongs to the outer block (WS: weights, IS: inputs, OS: weights), the "tile"
// operand to the inner tile (WS/OS: inputs, IS: weights).
struct TilePlan {
    Dataflow dataflow = Dataflow::WS;
    uint32_t kmax = 0;              // reduction columns per EXECUTE
    uint64_t outer_dim = 0;         // dimension cut into outer blocks (N for WS/OS, M for IS)
    uint64_t inner_dim = 0;         // dimension cut into inner tiles (M for WS/OS, N for IS)
    uint32_t outer_block = 0;       // elements per outer block (<= cols)
    uint32_t inner_tile = 0;        // rows per inner tile
    size_t chunks = 0;              // reduction chunks per tile
    uint32_t group = 1;             // chunks loaded together by one wide load (see group_chunks)
    bool resident = false;          // the whole resident operand of an outer block stays in the scratchpad
    uint32_t res_rows_per_chunk = 0;  // scratchpad rows one chunk of the resident operand takes
    uint32_t res_regions = 1;       // resident regions (2 = double-buffered across outer blocks)
    // Scratchpad layout, in rows: [resident region 0][resident region 1][tile slot 0][tile slot 1].
    // A tile slot holds `group` chunks of `inner_tile` rows; a non-resident region `group` chunks.
    uint64_t res_base[2] = {0, 0};
    uint64_t res_region_rows = 0;
    uint64_t tile_base[2] = {0, 0};
    uint64_t tile_slot_rows = 0;
    // Accumulator layout, in rows: two slots of `acc_slot_rows`.
    uint64_t acc_base[2] = {0, 0};
    uint64_t acc_slot_rows = 0;
};

// Chooses the plan for `count` GEMMs of m x n x k (chunks as given, loaded `group` at a time) on the
// config. Throws InputError naming the config file and the key when the scratchpad or accumulator cannot
// hold one tile with double buffering, with the minimum size that would work for that group size.
TilePlan plan_tiles(const Config& cfg, uint64_t count, uint64_t m, uint64_t n, size_t chunks, uint32_t group = 1);

// Consecutive chunks that one wide load fetches together: their columns form one rectangle of the
// implicit matrix (a channel range of one filter position, or whole positions), so each DRAM row of the
// group is one piece per filter position. Groups hold at most `target` chunks. Returns (first, count).
struct ChunkGroup {
    size_t first = 0;
    size_t count = 0;
    uint64_t kstart = 0;        // first column of K
    uint32_t total = 0;         // columns in the group (elements per DRAM row)
    uint32_t block_elems = 0;   // columns of the first chunk (every chunk but the group's last is this wide)
    uint32_t pos0 = 0, npos = 1, chan0 = 0, chan_count = 0;  // conv: the rectangle
};
std::vector<ChunkGroup> group_chunks(const std::vector<KChunk>& chunks, bool conv, uint32_t chans, uint32_t kmax,
                                     uint32_t target);

}  // namespace sasim
