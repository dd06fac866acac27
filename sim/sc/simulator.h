// SPDX-License-Identifier: MIT
// Runs a workload on the SystemC model: elaborates the accelerator and a DRAM target once, then runs the
// layers back to back, each on its own DRAM image, and returns per-layer statistics.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "compiler/isa.h"
#include "compiler/layout.h"
#include "compiler/mapping.h"
#include "compiler/memory_estimate.h"
#include "config/config.h"
#include "model/stats.h"
#include "workload/workload.h"

namespace sasim::sc {

// One simulated (conv/gemm) layer as the model ran it, handed to RunOptions::layer_trace. The pointers are
// valid only during the call (the next layer replaces them): a callback that keeps the trace copies them.
struct LayerTrace {
    size_t layer_index = 0;                    // index of the layer in the workload
    std::string name;                          // layer name
    const Program* program = nullptr;          // the compiled program the model ran
    const LayerLayout* layout = nullptr;       // where the tensors lie in the DRAM image
    std::vector<uint8_t> initial_image;        // DRAM image before the layer (as build_dram_image returned it)
    const std::vector<uint8_t>* final_image = nullptr;  // DRAM image after the layer
    std::vector<uint64_t> issue, retire;       // per instruction, cycles relative to the layer start
    uint64_t cycles = 0;                       // the layer's cycles (LayerStats::cycles)
    // Counters the RTL harness also counts (rtl/check/case_file.h, HarnessResult).
    uint64_t compute_cycles = 0;               // LayerStats::breakdown.compute
    uint64_t dma_bank_conflict_cycles = 0;     // LayerStats::traffic.dma_bank_conflict_cycles
    uint64_t dispatch_blocked_cycles = 0;      // LayerStats::traffic.dispatch_blocked_cycles
};

struct RunOptions {
    uint64_t seed = 1;                 // operand values: per layer, derived from this seed
    bool check = true;                 // compare every output against the reference
    // false (--timing-only): EXECUTEs compute no values and nothing is checked (check is ignored). Timing
    // does not depend on operand values, so every cycle count and statistic stays the same.
    bool compute_values = true;
    // --layer-barrier: every layer's operands generated from its own seed (isolated layers). Otherwise a
    // layer reads the stored output of the layer its graph edge names when the shapes allow
    // (model/value_flow.h). Layers run back to back either way: cycles are the same.
    bool layer_barrier = false;
    // A layer whose shape (and mapping) an earlier layer of the run had takes that layer's statistics
    // instead of being simulated again: layers start from an idle machine and timing does not depend on
    // the data, so the numbers are the same. With values, its own values come from its program replayed
    // without time (sc/reused_values.h) and are checked like any layer's. --no-layer-reuse turns it off; a
    // retire log, a waveform, layer traces and injected faults need every layer simulated and turn it off too.
    bool reuse_layers = true;
    std::string retire_log_path;       // --retire-log: one line per instruction ("" = none)
    // --vcd: a VCD waveform of the model's queues, units, tokens and DMA buffers over the whole run, written
    // to exactly this path ("" = none; docs/waveforms.md). Off, it costs one null-pointer test per event.
    std::string vcd_path;
    // --trace: the same file is trace-event JSON (Perfetto, chrome://tracing) instead of a VCD: the same
    // signals as counters, and every instruction a slice on its unit's tracks.
    bool vcd_as_trace_events = false;
    // --vcd-window, --vcd-max-size (--trace-window, --trace-max-size): the cycles written [from, to) and the size the file stays below (a
    // warning on stderr says where it stopped).
    uint64_t vcd_from_cycle = 0;
    uint64_t vcd_to_cycle = UINT64_MAX;
    uint64_t vcd_max_bytes = uint64_t{1} << 30;
    // Stop with every unit's state when no unit has made progress (issued, retired, moved data) for this
    // many cycles while no DMA request is in flight. 0 disables the watchdog.
    uint64_t watchdog_cycles = 10'000'000;
    // Refuse (InputError, before anything runs) a workload with a layer whose estimated memory
    // (compiler/memory_estimate.h) exceeds this many bytes. The CLI's default is a share of physical memory.
    uint64_t max_memory_bytes = UINT64_MAX;
    // Fault injection for testing the checkers: "drop-token" removes the first load->execute token of the
    // first simulated layer (the model must then stop with a deadlock report, never hang); "late-result"
    // writes every EXECUTE's results one cycle late (the RTL cross-check must then diverge);
    // "kill-search-worker" kills each parallel-search worker as it takes its first layer (the run must
    // then name that layer and fail).
    std::string inject_fault;
    // Which program each conv/gemm layer runs (docs/mapper.md): "heuristic" (the fixed tiling) or "search"
    // (every candidate mapping ordered by its lower bound, simulated until the next bound is no better than
    // the best cycles found; the heuristic program is one of the candidates).
    std::string mapper = "heuristic";
    // Testing the search: simulate every candidate instead of stopping at the bound.
    bool exhaustive_search = false;
    // Search results kept between runs (compiler/mapping_cache.h): a directory, "" = no cache.
    std::string mapper_cache_dir;
    // Search: processes searching the layer shapes at once (sc/parallel_search.h). With more than one, or
    // with a waveform, every search runs in worker processes and this process runs only chosen programs.
    unsigned search_jobs = 1;
    // Search workers only: choose each layer's program, do not run it again (LayerStats then holds only
    // name, kind, mapping and cycles).
    bool search_only = false;
    // Search workers only: called before each conv/gemm layer; false skips it (another worker took it).
    std::function<bool(size_t index, const Layer& layer)> search_claim;
    // Parallel search: called when it starts (done == 0) and as each of `total` shapes is chosen.
    std::function<void(size_t done, size_t total, unsigned workers)> search_progress;
    // Replay: the mapping of each layer by name (a layer missing here runs the heuristic program). Null = none.
    const std::map<std::string, Mapping>* replay = nullptr;
    // Called before each layer ("[3/53] conv2_1") and after it; may be empty.
    std::function<void(size_t index, size_t total, const model::LayerStats* done, const Layer& layer)> progress;
    // Called inside a long layer, at most once per second of wall time (checked every kTickCycles simulated
    // cycles): instructions retired of the layer's program so far, and cycles since the layer started.
    // May be empty.
    std::function<void(size_t index, size_t total, const Layer& layer, uint64_t retired, uint64_t instrs,
                       uint64_t layer_cycles)>
        layer_progress;
    // Called after each simulated (conv/gemm) layer, once its statistics and check are done; may be empty.
    std::function<void(const LayerTrace&)> layer_trace;
};

// How often (in simulated cycles) a running layer looks at the wall clock and at a stop request: a
// Ctrl-C stops a long layer within this many cycles, and layer_progress runs no more than once a second.
inline constexpr uint64_t kTickCycles = 1 << 16;

// Thrown by run_workload when Ctrl-C or SIGTERM asked the run to stop (common/stop_request.h): it stopped
// before a layer or between search candidates, and `done` holds the layers finished until then.
class RunInterrupted : public std::runtime_error {
public:
    RunInterrupted(int sig, std::vector<model::LayerStats> done_layers)
        : std::runtime_error(sig == 2 ? "interrupted (SIGINT)" : "stopped (SIGTERM)"), signal(sig),
          done(std::move(done_layers)) {}
    int signal;
    std::vector<model::LayerStats> done;
};

// Throws InputError when a layer cannot be mapped on the config (before simulating anything),
// SimulationError on a deadlock or a broken invariant, RunInterrupted when asked to stop.
std::vector<model::LayerStats> run_workload(const Config& cfg, const Workload& wl, const RunOptions& opt);

// Checks that every conv/gemm layer of `wl` can be tiled on `cfg`; returns the problems (one line each).
std::vector<std::string> check_mappable(const Config& cfg, const Workload& wl);

// The layers whose estimated memory (compiler/memory_estimate.h) exceeds max_memory_bytes, one message
// each naming the layer, the estimate and its parts.
std::vector<std::string> check_memory(const Config& cfg, const Workload& wl, const MemoryNeeds& needs,
                                      uint64_t max_memory_bytes);

}  // namespace sasim::sc
