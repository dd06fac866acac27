// SPDX-License-Identifier: MIT
// A mapping: the parameters of a layer's tiled program (docs/mapper.md). The heuristic compiler
// (compiler.cpp) has one fixed tiling; compile_mapped() emits the program of any Mapping, and the mapper
// searches over them (sim/sc/mapper_search.cpp).
//
// The GEMM of a layer is seen as P x Q x K for every dataflow:
//   P: the dimension that indexes accumulator rows (WS: output pixels M, IS: output channels N, OS: M);
//   Q: the dimension along the array's columns, cut into blocks of <= cols (WS: N, IS: M, OS: N);
//   K: the reduction, cut into chunks of <= kmax columns (tiling.h), grouped for wide loads.
// The "P operand" is indexed (p, k) (WS: im2col rows, IS: weights [n][k], OS: im2col rows), the
// "Q operand" (q, k) (WS: weights, IS: im2col rows, OS: weights [k][n]).
#pragma once
#include <deque>
#include <map>
#include <cstdint>
#include <string>

#include "compiler/compiler.h"

namespace sasim {

// Which tile loop is outermost. The outer loop's operand tile stays in the scratchpad while the inner loop
// runs (K is always innermost: partial sums stay in the accumulator across K tiles).
enum class LoopOrder : uint8_t { PQ, QP };
const char* to_string(LoopOrder o);

// Where a convolution's im2col happens (docs/mapper.md). Dram: the load path gathers im2col rows from DRAM
// (every input pixel once per filter tap). Chip: input tiles are loaded once in their natural layout with
// their halo, and EXECUTE reads each filter tap as a shifted, strided operand window (docs/isa.md).
enum class Im2col : uint8_t { Dram, Chip };
const char* to_string(Im2col i);

struct Mapping {
    LoopOrder order = LoopOrder::PQ;
    uint32_t tile_p = 0;    // P elements per tile (>= 1)
    uint32_t tile_q = 0;    // Q elements per tile (>= 1; a multiple of the Q block unless it is all of Q)
    uint32_t k_groups = 0;  // chunk groups per K tile (0 = all: the whole reduction in one K tile)
    uint32_t group = 1;     // most chunks one wide load fetches (group_chunks' target; >= 1)
    // Conv layers only. With Chip, the pixel tile (P in WS/OS, Q in IS) is a whole number of output rows
    // of one image (a multiple of out_w, or at least a whole image) and K is one tile (k_groups 0).
    Im2col im2col = Im2col::Dram;
    // Grouped convolutions: groups packed into one GEMM with block-diagonal weights (layout.h); must divide
    // the layer's groups. 1 = one GEMM per group.
    uint32_t pack = 1;
    // On-chip im2col of a layer with several GEMMs (groups): the GEMMs loop inside each pixel tile, which is
    // loaded once with every channel (wider DRAM rows) and shared by them. Needs the pixel loop outermost.
    bool gemms_inner = false;
    bool operator==(const Mapping& o) const {
        return order == o.order && tile_p == o.tile_p && tile_q == o.tile_q && k_groups == o.k_groups &&
               group == o.group && im2col == o.im2col && pack == o.pack && gemms_inner == o.gemms_inner;
    }
};

// "PQ p=128 q=64 k=all g=4" (" im2col=chip" appended for on-chip im2col)
std::string describe(const Mapping& m);

// The P, Q dimensions and the Q block of a layer on a config (see the header comment).
struct PqDims {
    uint64_t p = 0, q = 0;
    uint32_t q_block = 0;   // output columns per EXECUTE: min(cols, q)
    uint32_t p_block = 0;   // P rows per EXECUTE: OS min(rows, p); WS/IS the whole tile (0 = unlimited)
    uint32_t kmax = 0;      // reduction columns per chunk
};
PqDims pq_dims(const LayerLayout& lay, const Config& cfg);

// The name of the operand that stays in the scratchpad across the inner loop ("inputs" or "weights").
const char* resident_operand(LoopOrder o, Dataflow df);

// Emits the program of `map` for `layer`. Throws InputError when the mapping does not fit the scratchpad or
// the accumulator, or is malformed (the message names the parameter). The program's tokens are derived from
// the buffers each instruction reads and writes (derive_tokens), and every dependency points backwards in
// program order, so no mapping can deadlock the decoupled machine.
CompiledLayer compile_mapped(const Layer& layer, const Config& cfg, const Mapping& map);

// Throws what compile_mapped would throw for a mapping that does not fit, without emitting the program.
// `lay` must be mapped_layout(layer, cfg, map) (the layout depends on map.pack).
void check_mapping_fits(const LayerLayout& lay, const Config& cfg, const Mapping& map);

// The layout a mapping's program uses: plan_layout with map.pack groups per GEMM. Throws InputError (naming
// the config, like a mapping that does not fit) when pack does not divide the layer's groups.
LayerLayout mapped_layout(const Layer& layer, const Config& cfg, const Mapping& map);

// What a program's instructions read and write, for derive_tokens. Ids are arbitrary but equal ids name the
// same storage (a slot of a scratchpad buffer, an accumulator slot).
struct BufferUse {
    int64_t writes = -1;      // load: the buffer it writes; execute: the accumulator slot it writes
    int64_t reads[2] = {-1, -1};  // execute: the scratchpad buffers it reads; store: [0] = accumulator slot
};

// Sets every instruction's four token flags from `uses` (one per instruction), so that each buffer has
// one writer and one reader at a time (docs/mapper.md, "Tokens"). Requires every dependency to point
// backwards in program order; throws std::logic_error otherwise.
void derive_tokens(Program& prog, const std::vector<BufferUse>& uses);

// derive_tokens one instruction at a time, for programs produced as they run (InstructionSource): holds
// only the instructions whose signal flags a later instruction may still set.
class TokenDeriver {
public:
    static constexpr size_t kScanEvery = 1024;
    // `scan_every`: how many held instructions make take_final look (1: at every call, for tests).
    explicit TokenDeriver(size_t scan_every = kScanEvery) : m_scan_every(scan_every == 0 ? 1 : scan_every),
                                                           m_scan_at(m_scan_every) {}
    // Appends `in` (its token flags replaced) as the next instruction; sets its wait flags and the signal
    // flags of the earlier instructions it depends on. Throws std::logic_error on a forward dependency.
    void add(Instruction in, const BufferUse& u);
    // Moves the instructions no later add() can change to `out`, in program order; looks only every
    // kScanEvery instructions or so (it may move nothing).
    void take_final(std::vector<Instruction>& out);
    // Moves every held instruction to `out`: the program has ended.
    void take_all(std::vector<Instruction>& out);
    uint64_t held_count() const { return m_held.size(); }

private:
    struct BufState {
        int64_t last_writer = -1;        // instruction index
        int64_t last_exec_reader = -1;   // scratchpad buffers: the last EXECUTE that read the current content
        int64_t last_store_reader = -1;  // accumulator slots: the last STORE that read the current content
        bool accumulator = false;        // last written by an EXECUTE (else by a load: a scratchpad buffer, or
                                         // an accumulator slot a LOAD into the accumulator wrote)
    };
    // A token channel: the k-th waiting instruction takes the k-th token, so producers are waited for in
    // increasing order, and one not later than the last waited for needs no token (its unit is in order).
    struct Channel {
        int64_t waited = -1;
        bool need(int64_t producer);  // true: the consumer must wait on `producer` (which then signals)
    };
    Instruction& held(int64_t index);
    uint64_t open_from() const;  // the first instruction a later add() may still change

    std::map<int64_t, BufState> m_bufs;  // by BufferUse id
    Channel m_l2e, m_e2l, m_e2s, m_s2e, m_s2l;
    std::deque<Instruction> m_held;      // instructions m_base, m_base + 1, ...
    uint64_t m_base = 0;
    size_t m_scan_every;
    size_t m_scan_at;                    // take_final looks when this many instructions are held
};

}  // namespace sasim

namespace sasim {

// The mapper's search space for a layer (docs/mapper.md): loop order x tile_p x tile_q x K tiling x wide-load
// group, each tile size a power of two times the array's block (plus the whole dimension and the largest
// that fits). Only mappings that fit the config are returned, in a fixed order (deterministic search).
std::vector<Mapping> candidate_mappings(const Layer& layer, const Config& cfg);

}  // namespace sasim
