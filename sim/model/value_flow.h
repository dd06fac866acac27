// SPDX-License-Identifier: MIT
// Values from layer to layer (docs/timing.md, "Layers"): which conv/gemm layers read another layer's stored
// output as their input operand, which ops are executed in a producer's store path, and the
// requantization shift calibrated on a layer's real operands. Plain C++: the simulator asks, Catch2 tests.
#pragma once
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "model/tensors.h"
#include "workload/workload.h"

namespace sasim::model {

// Where a conv/gemm layer's input operand comes from.
struct InputSource {
    uint32_t producer = kNetworkInput;  // the conv/gemm layer whose stored output it reads; kNetworkInput: generated
    std::string generated_why;          // producer == kNetworkInput: why ("the network's input", ...)
    // Its second operand (the weights, B) is always generated; when the graph says it is another layer's
    // output (attention's Q·K^T), this says so. Empty otherwise.
    std::string second_operand_note;
};

struct ValueFlowPlan {
    std::vector<InputSource> input;  // per layer (meaningful for conv/gemm layers)
    // Per layer with Layer::residual_add: where the shortcut it adds comes from (producer, or generated_why).
    std::vector<InputSource> shortcut;
    // Per layer: an Other layer whose output is a conv/gemm layer's stored output names that layer (see
    // fused_as); kNetworkInput for every other layer.
    std::vector<uint32_t> fused_into;
    // Per layer with fused_into: how. "store" (a ReLU or ReLU6 after a conv, which the conv's STORE applies:
    // ReLU6 as ReLU and saturation, with 6.0 at the largest operand value as in int8 MobileNets),
    // "weights" (an inference BatchNormalization after a conv, folded into its weights: the operands are
    // generated, so folding changes no value), "alias" (flatten, reshape, identity, dropout, and
    // QuantizeLinear / DequantizeLinear, which only annotate the scale of the integers the model holds),
    // "accumulator" (a residual add fused into the conv or gemm feeding it, workload/fusion.h: the
    // shortcut loaded into its accumulator, its STORE writes the sum), "bias" (an add of a conv's or gemm's
    // output and a constant, as ONNX exports a Linear's bias: not computed, as BatchNorm's shift is not,
    // since the generated operands carry no bias; the layer's output stands for the add's).
    std::vector<std::string> fused_as;
    // Per layer: the last layer that reads its stored output (its values can be dropped after that layer);
    // kNetworkInput when no layer reads it.
    std::vector<uint32_t> last_reader;
};

// The plan for `wl` (its inputs valid: validate_inputs). A conv/gemm layer reads its first input's output
// when that input is a conv/gemm layer (or an op fused into one, fused_as) whose output, as [rows][columns], is its
// input reinterpreted: the same element count and the same columns (channels, or k of a gemm; a gemm may
// also take several pixels of a conv's output as one row, a flatten). Otherwise its input is generated, and
// the plan says why.
ValueFlowPlan plan_value_flow(const Workload& wl);

// The requantization shift for a layer whose int32 sums are over `k` products of operands with these
// root-mean-square values: the sums' expected deviation lands near a quarter of the output range, as
// requant_shift (compiler/layout.h) assumes for uniform operands. At most 31.
uint32_t calibrated_shift(uint64_t k, double input_rms, double weight_rms, uint32_t operand_bits);

// Root mean square of `v` (0 for an empty vector).
double rms(const std::vector<int16_t>& v);

// A layer's stored output, as later layers read it.
struct KeptOutput {
    std::shared_ptr<const std::vector<int16_t>> values;  // canonical order (read_outputs)
    double rms = 0;                                      // rms(*values), for the readers' calibration
};
KeptOutput make_kept_output(std::vector<int16_t> values);

// The values of a network run as it goes: each conv/gemm layer's operands (generated from its seed, the
// input replaced by its producer's stored output when the plan says so), the layer as it is compiled (its
// STORE shift calibrated when its input flows), and the stored outputs later layers read, dropped after
// their last reader. An output may be promised (a reused layer's values, replayed on a worker thread) and
// kept later: its readers wait for it. The class is used on the simulation's thread only; the closures it
// hands out own what they read and may run on any thread.
class NetworkValues {
public:
    // `flow` false (--layer-barrier): every layer's operands are generated, as for isolated layers.
    NetworkValues(const Workload& wl, uint32_t operand_bits, uint64_t run_seed, bool flow);

    const ValueFlowPlan& plan() const { return m_plan; }

    // Layer `index` as the run compiles it. With flow, a layer whose input flows gets its store_shift from
    // the producer's output (calibrated_shift), waiting for it (and for the shortcut of a residual add) when
    // it is only promised. The reference stays
    // valid for the run. Throws SimulationError when the producer's output was neither kept nor promised.
    // `poll` (may be empty) is called every 100 ms while it waits; it may throw (a stop request).
    const Layer& layer(size_t index, const std::function<void()>& poll = {});
    // The same as a closure that waits and calibrates where it runs (a copy of the layer).
    std::function<Layer()> layer_later(size_t index) const;
    // Fills `t` with layer `index`'s operands, waiting for a promised input where it runs.
    using OperandMaker = std::function<void(CanonicalTensors& t)>;
    OperandMaker make_operands(size_t index) const;

    // Whether a later layer reads layer `index`'s output (then keep_output or promise_output is due).
    bool output_needed(size_t index) const;
    void keep_output(size_t index, std::vector<int16_t> values);
    // Layer `index`'s output, to be kept by whoever computes it (set_value, or set_exception on failure;
    // a promise destroyed unfulfilled makes its readers fail with std::future_error).
    std::shared_ptr<std::promise<KeptOutput>> promise_output(size_t index);
    // Layer `index` is done: the outputs no later layer reads are dropped (a reader that captured one
    // keeps it alive).
    void layer_done(size_t index);

private:
    // Layer `index`'s producer's output (kept or promised); throws when there is neither.
    std::shared_future<KeptOutput> producer_output(size_t index) const;
    // Layer p's output, which layer `index` reads (kept or promised); invalid for kNetworkInput, throws when
    // there is neither.
    std::shared_future<KeptOutput> kept_output(size_t index, uint32_t p) const;

    std::vector<Layer> m_layers;
    uint32_t m_bits;
    uint64_t m_seed;
    ValueFlowPlan m_plan;
    std::vector<std::shared_future<KeptOutput>> m_kept;  // per layer: its output while a later layer needs it
    std::vector<size_t> m_kept_list;                     // the layers whose output m_kept holds
};

// The root mean square of operands drawn uniformly from the signed `bits`-bit range (generate_tensors).
double uniform_operand_rms(uint32_t bits);

}  // namespace sasim::model
